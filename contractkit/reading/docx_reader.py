"""Read a .docx straight from its zip with lxml (no python-docx: it is ~15x slower).

Blocks come out in document order, one per non-empty ``w:p`` under ``w:body``
(paragraphs inside tables included). ``Location.paragraph`` is the ordinal of
the ``w:p`` among *all* ``w:p`` descendants of ``w:body`` (``body.iter(w:p)``),
empty ones included, so the annotator can find the same paragraph again.

What a reader of the document sees is what we extract:

* Word list numbers are rendered and prepended (``第十二条 数据安全``);
* tracked insertions are kept, tracked deletions dropped;
* runs formatted as hidden (``w:vanish``) are dropped;
* text boxes become their own blocks (their ``w:p`` are counted like any
  other), and the ``mc:Fallback`` copy of a text box is skipped (still counted).
"""

from __future__ import annotations

import posixpath
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .clauses import ClauseTracker
from .docx_metadata import package_metadata
from .errors import ReadError
from .model import Location, SourceDocument, TextBlock
from .numbering import NumberingDefinitions, NumberingState, parse_numbering
from .safety import ReadLimits, SafeZip, parse_xml, refuse_doctype_parts

W_TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_HEADING_PREFIXES = ("heading", "标题", "title")
_OFF = ("0", "false", "off", "none")


@dataclass
class _Style:
    name: str = ""
    based_on: str | None = None
    num_id: str | None = None
    ilvl: int | None = None
    outline: int | None = None


@dataclass(frozen=True)
class _ResolvedStyle:
    heading: bool
    num_id: str | None
    ilvl: int | None


class _Tags:
    """Clark-notation tag names for one WordprocessingML namespace."""

    def __init__(self, ns: str):
        w = f"{{{ns}}}"
        self.w = w
        for name in ("body", "p", "pPr", "pStyle", "numPr", "numId", "ilvl", "outlineLvl",
                     "tbl", "tr", "tc", "r", "rPr", "t", "tab", "br", "cr", "noBreakHyphen",
                     "vanish", "moveFrom", "txbxContent", "style", "name", "basedOn",
                     "styleId", "type", "val"):
            setattr(self, name, w + name)
        self.del_ = w + "del"


def read_docx(package: SafeZip, path: Path, limits: ReadLimits) -> SourceDocument:
    main = main_part(package, path)
    root = parse_xml(package.read(main), path, main)
    ns = etree.QName(root).namespace
    if ns not in (W_TRANSITIONAL, W_STRICT) or etree.QName(root).localname != "document":
        _not_word(package, path, f"has no WordprocessingML document in {main}")
    tags = _Tags(ns)
    body = root.find(tags.body)
    if body is None:
        raise ReadError(path, "corrupt", f"has a document without a body ({main})")

    rels_part, rels = _relationships(package, path, main)
    styles_part = rels.get("styles", _sibling(main, "styles.xml"))
    numbering_part = rels.get("numbering", _sibling(main, "numbering.xml"))
    styles = _read_styles(package, path, styles_part, tags)
    numbering = _read_numbering(package, path, numbering_part, tags)
    properties, metadata_parts = package_metadata(package, path, main)
    # The parts parsed above had their prologs checked in full by parse_xml;
    # every other XML part in the package gets the prefix check.
    refuse_doctype_parts(package, path, skip={main, "_rels/.rels", rels_part, styles_part, numbering_part,
                                              *metadata_parts})

    blocks = _walk_body(body, tags, styles, numbering, path, limits)
    if not blocks:
        raise ReadError(path, "no-text", "has no text (only images or empty paragraphs?)")
    return SourceDocument(path=path, format="docx", blocks=tuple(blocks), properties=properties)


# ------------------------------------------------------------------ the package


def main_part(package: SafeZip, path: Path) -> str:
    """The main document part's name (from the package relationships); ReadError if there is none."""
    target = None
    if package.has("_rels/.rels"):
        root = parse_xml(package.read("_rels/.rels"), path, "_rels/.rels")
        for rel in root.iter(REL + "Relationship"):
            if (rel.get("Type") or "").endswith("/officeDocument") and rel.get("TargetMode") != "External":
                target = _resolve("", rel.get("Target") or "")
                break
    for candidate in (target, "word/document.xml"):
        if candidate and package.has(candidate):
            return candidate
    _not_word(package, path)


def _not_word(package: SafeZip, path: Path, detail: str = "is a zip archive without word/document.xml"):
    """Raise the right error for a zip that holds no WordprocessingML document."""
    if package.has("xl/workbook.xml"):
        raise ReadError(path, "unsupported", "is an Excel workbook, not a Word document")
    if package.has("ppt/presentation.xml"):
        raise ReadError(path, "unsupported", "is a PowerPoint presentation, not a Word document")
    if package.has("OFD.xml"):
        raise ReadError(path, "unsupported", "is an OFD document; export it as PDF or .docx")
    raise ReadError(path, "corrupt", detail)


def _sibling(part: str, name: str) -> str:
    return posixpath.join(posixpath.dirname(part), name)


def _resolve(source_dir: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(source_dir, target)).lstrip("/")


def _relationships(package: SafeZip, path: Path, part: str) -> tuple[str, dict[str, str]]:
    """The part's .rels name and its relationship type suffix ('styles', 'numbering', …) -> part name."""
    rels_name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    data = package.read(rels_name)
    if data is None:
        return rels_name, {}
    found: dict[str, str] = {}
    for rel in parse_xml(data, path, rels_name).iter(REL + "Relationship"):
        kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
        if rel.get("TargetMode") != "External" and kind not in found:
            found[kind] = _resolve(posixpath.dirname(part), rel.get("Target") or "")
    return rels_name, found


# Documents made from one template share styles.xml and numbering.xml byte for
# byte (python-docx's default styles.xml alone is 350 KB, ~10 ms to parse), so
# the parsed form of small parts is cached by their exact content.
_CACHE_MAX_BYTES = 2 * 1024 * 1024
_CACHE_SLOTS = 16
_parsed_cache: OrderedDict[tuple[str, str, bytes], object] = OrderedDict()
_cache_lock = threading.Lock()


def _cached(kind: str, ns: str, data: bytes, build):
    if len(data) > _CACHE_MAX_BYTES:
        return build()
    key = (kind, ns, data)
    with _cache_lock:
        hit = _parsed_cache.get(key)
        if hit is not None:
            _parsed_cache.move_to_end(key)
            return hit
    value = build()  # outside the lock; raises ReadError for a bad part (never cached)
    with _cache_lock:
        _parsed_cache[key] = value
        while len(_parsed_cache) > _CACHE_SLOTS:
            _parsed_cache.popitem(last=False)
    return value


def _read_styles(package: SafeZip, path: Path, part: str, tags: _Tags) -> dict[str, _ResolvedStyle]:
    data = package.read(part)
    if data is None:
        return {}
    return _cached("styles", tags.w, data, lambda: _parse_styles(data, path, part, tags))


def _parse_styles(data: bytes, path: Path, part: str, tags: _Tags) -> dict[str, _ResolvedStyle]:
    root = parse_xml(data, path, part)
    raw: dict[str, _Style] = {}
    default_id = None
    val = tags.val
    for el in root.iter(tags.style):
        if el.get(tags.type, "paragraph") != "paragraph":
            continue
        style_id = el.get(tags.styleId)
        if style_id is None:
            continue
        if el.get(tags.w + "default") in ("1", "true", "on"):
            default_id = style_id
        style = _Style()
        for child in el:
            tag = child.tag
            if tag == tags.name:
                style.name = child.get(val) or ""
            elif tag == tags.basedOn:
                style.based_on = child.get(val)
            elif tag == tags.pPr:
                for prop in child:
                    if prop.tag == tags.numPr:
                        for item in prop:
                            if item.tag == tags.numId:
                                style.num_id = item.get(val)
                            elif item.tag == tags.ilvl:
                                style.ilvl = _int(item.get(val))
                    elif prop.tag == tags.outlineLvl:
                        style.outline = _int(prop.get(val))
        raw[style_id] = style

    resolved: dict[str, _ResolvedStyle] = {}
    for style_id, style in raw.items():
        heading = _is_heading_name(style_id) or _is_heading_name(style.name)
        num_id, ilvl, outline = style.num_id, style.ilvl, style.outline
        seen = {style_id}
        base = style.based_on
        while base and base in raw and base not in seen and len(seen) < 32:
            seen.add(base)
            parent = raw[base]
            if num_id is None:
                num_id, ilvl = parent.num_id, (ilvl if ilvl is not None else parent.ilvl)
            elif ilvl is None and parent.num_id == num_id:
                ilvl = parent.ilvl
            if outline is None:
                outline = parent.outline
            base = parent.based_on
        if outline is not None and 0 <= outline <= 8:
            heading = True
        resolved[style_id] = _ResolvedStyle(heading=heading, num_id=num_id, ilvl=ilvl)
    if default_id is not None and default_id in resolved:
        resolved[""] = resolved[default_id]  # paragraphs without w:pStyle
    return resolved


def _is_heading_name(name: str | None) -> bool:
    return bool(name) and name.lower().startswith(_HEADING_PREFIXES)


def _read_numbering(package: SafeZip, path: Path, part: str, tags: _Tags) -> NumberingDefinitions:
    data = package.read(part)
    if data is None:
        return NumberingDefinitions()
    return _cached("numbering", tags.w, data, lambda: parse_numbering(parse_xml(data, path, part), tags.w))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# ------------------------------------------------------------------ the body


def _walk_body(body, tags: _Tags, styles: dict[str, _ResolvedStyle], defs: NumberingDefinitions,
               path: Path, limits: ReadLimits) -> list[TextBlock]:
    P, R, PPR, TAB = tags.p, tags.r, tags.pPr, tags.tab
    TBL, TR, TC = tags.tbl, tags.tr, tags.tc
    T, BR, CR, NBH = tags.t, tags.br, tags.cr, tags.noBreakHyphen
    PSTYLE, NUMPR, OUTLINE, NUMID, ILVL, VAL = (tags.pStyle, tags.numPr, tags.outlineLvl,
                                                 tags.numId, tags.ilvl, tags.val)
    FALLBACK = MC + "Fallback"

    # What would slow the common path down is looked up once, up front.
    hidden_runs: set = set()
    for vanish in body.iter(tags.vanish):
        rpr = vanish.getparent()
        run = rpr.getparent() if rpr is not None else None
        if run is not None and run.tag == R and vanish.get(VAL) not in _OFF:
            hidden_runs.add(run)
    for deleted in body.iter(tags.del_, tags.moveFrom):
        hidden_runs.update(deleted.iter(R))
    # Text boxes put w:p inside w:p, and mc:Fallback repeats them: then the
    # text of a run cannot simply go to the last paragraph seen.
    nested = (next(body.iter(tags.txbxContent), None) is not None
              or next(body.iter(FALLBACK), None) is not None)

    state = NumberingState(defs, {sid: s.num_id for sid, s in styles.items() if s.num_id})
    default_style = styles.get("")
    records: list[_Para] = []
    by_element: dict = {}
    current: _Para | None = None
    ordinal = -1
    table_index = row_index = cell_index = -1
    last_tbl = last_tr = last_tc = None

    # One pre-order pass over paragraphs and the run content that makes text.
    for el in body.iter(P, T, TAB, BR, CR, NBH):
        tag = el.tag
        if tag != P:
            target = by_element.get(_owner(el, P)) if nested else current
            if target is None or (hidden_runs and el.getparent() in hidden_runs):
                continue
            if tag == T:
                text = el.text
                if text:
                    target.parts.append(text)
            elif tag == TAB:
                run = el.getparent()
                if run is not None and run.tag == R:  # not a tab stop in w:pPr/w:tabs
                    target.parts.append("\t")
            elif tag == NBH:
                target.parts.append("-")
            else:
                target.parts.append("\n")
            continue

        ordinal += 1
        # -- where is it: body, table cell, text box, mc:Fallback copy?
        parent = el.getparent()
        outer_tbl = outer_tr = outer_tc = None
        skip = False
        if parent is not body:
            node = parent
            while node is not None and node is not body:
                ntag = node.tag
                if ntag == TC:
                    outer_tc = node
                elif ntag == TR:
                    outer_tr = node
                elif ntag == TBL:
                    outer_tbl = node
                elif ntag == FALLBACK:
                    skip = True
                node = node.getparent()
        if skip:
            current = None
            continue
        if outer_tbl is not None:
            if outer_tbl is not last_tbl:
                table_index, row_index, last_tbl, last_tr, last_tc = table_index + 1, -1, outer_tbl, None, None
            if outer_tr is not last_tr:
                row_index, cell_index, last_tr, last_tc = row_index + 1, -1, outer_tr, None
            if outer_tc is not last_tc:
                cell_index, last_tc = cell_index + 1, outer_tc

        # -- paragraph properties
        style_id = num_id = None
        ilvl = outline = None
        if len(el) and el[0].tag == PPR:
            for prop in el[0]:
                ptag = prop.tag
                if ptag == PSTYLE:
                    style_id = prop.get(VAL)
                elif ptag == NUMPR:
                    for item in prop:
                        if item.tag == NUMID:
                            num_id = item.get(VAL)
                        elif item.tag == ILVL:
                            ilvl = _int(item.get(VAL))
                elif ptag == OUTLINE:
                    outline = _int(prop.get(VAL))
        style = styles.get(style_id) if style_id is not None else default_style
        heading = bool(style and style.heading) or (outline is not None and 0 <= outline <= 8)

        # -- list number: counted now, in document order, empty paragraphs included
        if num_id is None and style is not None and style.num_id is not None:
            num_id = style.num_id
            if ilvl is None:
                ilvl = style.ilvl
        label = None
        if num_id is not None and num_id != "0":
            if ilvl is None and style is not None and style.num_id == num_id:
                ilvl = style.ilvl
            if ilvl is None:
                ilvl = state.level_for_style(num_id, style_id)
            label = state.next_label(num_id, ilvl)

        current = _Para(ordinal, heading, label,
                        (table_index, row_index, cell_index) if outer_tbl is not None else None)
        records.append(current)
        if nested:
            by_element[el] = current

    blocks: list[TextBlock] = []
    clauses = ClauseTracker()
    chars = 0
    for rec in records:
        text = "".join(rec.parts).strip()
        if rec.label:
            text = f"{rec.label[0]}{rec.label[1]}{text}" if text else rec.label[0]
        if not text:
            continue
        chars += len(text)
        if chars > limits.max_text_chars:
            raise ReadError(path, "too-large", f"has more than {limits.max_text_chars} characters of text")
        cell = rec.cell
        location = Location(
            kind="table-cell" if cell else "paragraph",
            paragraph=rec.ordinal,
            table=cell[0] if cell else None,
            row=cell[1] if cell else None,
            cell=cell[2] if cell else None,
            label=clauses.update(text),
        )
        blocks.append(TextBlock(text=text, location=location, heading=rec.heading))
    return blocks


class _Para:
    __slots__ = ("ordinal", "heading", "label", "cell", "parts")

    def __init__(self, ordinal: int, heading: bool, label, cell):
        self.ordinal, self.heading, self.label, self.cell = ordinal, heading, label, cell
        self.parts: list[str] = []


def _owner(el, p_tag: str):
    node = el.getparent()
    while node is not None and node.tag != p_tag:
        node = node.getparent()
    return node
