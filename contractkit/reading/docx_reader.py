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
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import NamedTuple, NoReturn, TypeVar, cast

from lxml import etree

from .docx_metadata import package_metadata
from .errors import ReadError
from .model import SourceDocument, TextBlock
from .numbering import NumberingDefinitions, NumberingState, parse_numbering
from .paragraphs import Paragraph, paragraph_blocks
from .safety import ReadLimits, SafeZip, parse_xml, refuse_doctype_parts

W_TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
FALLBACK = MC + "Fallback"
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


@dataclass(frozen=True, slots=True)
class _Tags:
    """Clark-notation names (``{namespace}local``) of the WordprocessingML tags and attributes we read.

    Each field is named after the local name it holds (``del_`` for ``del``);
    ``w`` is the namespace in braces. :meth:`of` builds them for a namespace.
    """

    w: str
    # elements
    body: str
    p: str
    pPr: str
    pStyle: str
    numPr: str
    numId: str
    ilvl: str
    outlineLvl: str
    tbl: str
    tr: str
    tc: str
    r: str
    t: str
    tab: str
    br: str
    cr: str
    noBreakHyphen: str
    vanish: str
    del_: str
    moveFrom: str
    txbxContent: str
    style: str
    name: str
    basedOn: str
    # attributes
    styleId: str
    type: str
    default: str
    val: str

    @classmethod
    def of(cls, namespace: str) -> _Tags:
        w = f"{{{namespace}}}"
        return cls(w=w, **{f.name: w + f.name.rstrip("_") for f in fields(cls) if f.name != "w"})


# The two namespaces of a Word document: transitional (what Word writes) and strict.
_TAGS_BY_NAMESPACE = {ns: _Tags.of(ns) for ns in (W_TRANSITIONAL, W_STRICT)}


def read_docx(package: SafeZip, path: Path, limits: ReadLimits) -> SourceDocument:
    main = main_part(package, path)
    root = parse_xml(package.read(main) or b"", path, main)  # main_part() has seen the part
    qname = etree.QName(root)
    tags = _TAGS_BY_NAMESPACE.get(qname.namespace or "")
    if tags is None or qname.localname != "document":
        _not_word(package, path, f"has no WordprocessingML document in {main}")
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
    package_rels = package.read("_rels/.rels")
    if package_rels is not None:
        root = parse_xml(package_rels, path, "_rels/.rels")
        for rel in root.iter(REL + "Relationship"):
            if (rel.get("Type") or "").endswith("/officeDocument") and rel.get("TargetMode") != "External":
                target = _resolve("", rel.get("Target") or "")
                break
    for candidate in (target, "word/document.xml"):
        if candidate and package.has(candidate):
            return candidate
    _not_word(package, path)


def _not_word(package: SafeZip, path: Path, detail: str = "is a zip archive without word/document.xml") -> NoReturn:
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
_Parsed = TypeVar("_Parsed")


def _cached(kind: str, ns: str, data: bytes, build: Callable[[], _Parsed]) -> _Parsed:
    if len(data) > _CACHE_MAX_BYTES:
        return build()
    key = (kind, ns, data)
    with _cache_lock:
        hit = _parsed_cache.get(key)
        if hit is not None:
            _parsed_cache.move_to_end(key)
            return cast(_Parsed, hit)  # a kind is always built by the same function
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
        if el.get(tags.default) in ("1", "true", "on"):
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
    return name is not None and name.lower().startswith(_HEADING_PREFIXES)


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


def _walk_body(body: etree._Element, tags: _Tags, styles: dict[str, _ResolvedStyle], defs: NumberingDefinitions,
               path: Path, limits: ReadLimits) -> list[TextBlock]:
    return _blocks(_BodyWalk(body, tags, styles, defs).paragraphs(), path, limits)


class _Para:
    """One ``w:p`` as met in the walk: where it is, its list label and the pieces of its text."""

    __slots__ = ("ordinal", "heading", "label", "cell", "parts")

    def __init__(self, ordinal: int, heading: bool, label: tuple[str, str] | None,
                 cell: tuple[int, int, int] | None):
        self.ordinal, self.heading, self.label, self.cell = ordinal, heading, label, cell
        self.parts: list[str] = []


class _BodyWalk:
    """One pre-order pass over the body's paragraphs and the run content that makes their text.

    Paragraphs are numbered and list labels counted in document order, empty
    paragraphs included; each piece of run content (``w:t``, ``w:tab``, …) goes
    to the paragraph that holds it.
    """

    def __init__(self, body: etree._Element, tags: _Tags, styles: dict[str, _ResolvedStyle],
                 defs: NumberingDefinitions):
        self.body, self.tags, self.styles = body, tags, styles
        self.default_style = styles.get("")
        self.numbering = NumberingState(defs, {sid: s.num_id for sid, s in styles.items() if s.num_id})
        self.tables = _TablePositions()
        self.records: list[_Para] = []
        self.ordinal = -1
        # What would slow the common path down is looked up once, up front.
        self.hidden_runs = _hidden_runs(body, tags)
        self.nested = _has_nested_paragraphs(body, tags)
        self.by_element: dict[etree._Element, _Para] = {}  # only filled when nested
        self.current: _Para | None = None

    def paragraphs(self) -> list[_Para]:
        tags = self.tags
        p = tags.p
        for el in self.body.iter(p, tags.t, tags.tab, tags.br, tags.cr, tags.noBreakHyphen):
            if el.tag == p:
                self.paragraph(el)
            else:
                self.run_content(el)
        return self.records

    def paragraph(self, p: etree._Element) -> None:
        self.ordinal += 1
        container = _container(p, self.body, self.tags)
        if container.in_fallback:
            self.current = None  # counted, but its text is a copy of the text box's
            return
        cell = self.tables.locate(container) if container.table is not None else None
        props = _paragraph_properties(p, self.tags)
        style = self.styles.get(props.style_id) if props.style_id is not None else self.default_style
        self.current = _Para(self.ordinal, _is_heading(style, props.outline),
                             _list_label(props, style, self.numbering), cell)
        self.records.append(self.current)
        if self.nested:
            self.by_element[p] = self.current

    def run_content(self, el: etree._Element) -> None:
        target = self.paragraph_of(el)
        if target is None or (self.hidden_runs and el.getparent() in self.hidden_runs):
            return
        text = _run_content_text(el, self.tags)
        if text:
            target.parts.append(text)

    def paragraph_of(self, el: etree._Element) -> _Para | None:
        """The paragraph whose text a piece of run content is (None: one that is not read)."""
        if not self.nested:
            return self.current
        # Text boxes put w:p inside w:p, and mc:Fallback repeats them: then the
        # text of a run cannot simply go to the last paragraph seen.
        owner = _owner(el, self.tags.p)
        return self.by_element.get(owner) if owner is not None else None


# -- run content: what a reader sees, and what is hidden


def _hidden_runs(body: etree._Element, tags: _Tags) -> set[etree._Element]:
    """Runs formatted as hidden (``w:vanish``) and runs of tracked deletions and moves away.

    Tracked insertions need nothing: their runs are read like any other.
    """
    hidden: set[etree._Element] = set()
    for vanish in body.iter(tags.vanish):
        rpr = vanish.getparent()
        run = rpr.getparent() if rpr is not None else None
        if run is not None and run.tag == tags.r and vanish.get(tags.val) not in _OFF:
            hidden.add(run)
    for deleted in body.iter(tags.del_, tags.moveFrom):
        hidden.update(deleted.iter(tags.r))
    return hidden


def _has_nested_paragraphs(body: etree._Element, tags: _Tags) -> bool:
    """Whether the body has text boxes (w:p inside w:p) or mc:Fallback copies of them."""
    return (next(body.iter(tags.txbxContent), None) is not None
            or next(body.iter(FALLBACK), None) is not None)


def _run_content_text(el: etree._Element, tags: _Tags) -> str | None:
    """The text of one ``w:t``, ``w:tab``, ``w:br``, ``w:cr`` or ``w:noBreakHyphen``."""
    tag = el.tag
    if tag == tags.t:
        return el.text
    if tag == tags.tab:
        run = el.getparent()
        return "\t" if run is not None and run.tag == tags.r else None  # not a tab stop in w:pPr/w:tabs
    if tag == tags.noBreakHyphen:
        return "-"
    return "\n"  # w:br, w:cr


def _owner(el: etree._Element, p_tag: str) -> etree._Element | None:
    """The nearest ``w:p`` above an element."""
    node = el.getparent()
    while node is not None and node.tag != p_tag:
        node = node.getparent()
    return node


# -- where a paragraph is: body, table cell, text box, mc:Fallback copy


class _Container(NamedTuple):
    in_fallback: bool  # inside an mc:Fallback (the copy of a text box for old readers)
    # the outermost table, row and cell around the paragraph (a nested table's text is the outer cell's)
    table: etree._Element | None
    row: etree._Element | None
    cell: etree._Element | None


_IN_BODY = _Container(False, None, None, None)


def _container(p: etree._Element, body: etree._Element, tags: _Tags) -> _Container:
    parent = p.getparent()
    if parent is body:
        return _IN_BODY
    table: etree._Element | None = None
    row: etree._Element | None = None
    cell: etree._Element | None = None
    node = parent
    while node is not None and node is not body:
        tag = node.tag
        if tag == tags.tc:
            cell = node
        elif tag == tags.tr:
            row = node
        elif tag == tags.tbl:
            table = node
        elif tag == FALLBACK:
            return _Container(True, None, None, None)
        node = node.getparent()
    return _Container(False, table, row, cell)


class _TablePositions:
    """Numbers tables, rows and cells (0-based) in the order their paragraphs are met."""

    def __init__(self) -> None:
        self.table = self.row = self.cell = -1
        self.last_table: etree._Element | None = None
        self.last_row: etree._Element | None = None
        self.last_cell: etree._Element | None = None

    def locate(self, container: _Container) -> tuple[int, int, int]:
        if container.table is not self.last_table:
            self.table, self.row = self.table + 1, -1
            self.last_table, self.last_row, self.last_cell = container.table, None, None
        if container.row is not self.last_row:
            self.row, self.cell = self.row + 1, -1
            self.last_row, self.last_cell = container.row, None
        if container.cell is not self.last_cell:
            self.cell, self.last_cell = self.cell + 1, container.cell
        return self.table, self.row, self.cell


# -- paragraph properties: style, heading, list number


class _ParagraphProperties(NamedTuple):
    style_id: str | None
    num_id: str | None
    ilvl: int | None
    outline: int | None


_NO_PROPERTIES = _ParagraphProperties(None, None, None, None)


def _paragraph_properties(p: etree._Element, tags: _Tags) -> _ParagraphProperties:
    """What the paragraph's own ``w:pPr`` says (its style may say more)."""
    if not len(p) or p[0].tag != tags.pPr:
        return _NO_PROPERTIES
    style_id: str | None = None
    num_id: str | None = None
    ilvl: int | None = None
    outline: int | None = None
    val = tags.val
    for prop in p[0]:
        tag = prop.tag
        if tag == tags.pStyle:
            style_id = prop.get(val)
        elif tag == tags.numPr:
            for item in prop:
                if item.tag == tags.numId:
                    num_id = item.get(val)
                elif item.tag == tags.ilvl:
                    ilvl = _int(item.get(val))
        elif tag == tags.outlineLvl:
            outline = _int(prop.get(val))
    return _ParagraphProperties(style_id, num_id, ilvl, outline)


def _is_heading(style: _ResolvedStyle | None, outline: int | None) -> bool:
    return bool(style and style.heading) or (outline is not None and 0 <= outline <= 8)


def _list_label(props: _ParagraphProperties, style: _ResolvedStyle | None,
                numbering: NumberingState) -> tuple[str, str] | None:
    """The paragraph's list number and separator, counted now (in document order, empty paragraphs too)."""
    num_id, ilvl = props.num_id, props.ilvl
    if num_id is None and style is not None and style.num_id is not None:
        num_id = style.num_id
        if ilvl is None:
            ilvl = style.ilvl
    if num_id is None or num_id == "0":
        return None
    if ilvl is None and style is not None and style.num_id == num_id:
        ilvl = style.ilvl
    if ilvl is None:
        ilvl = numbering.level_for_style(num_id, props.style_id)
    return numbering.next_label(num_id, ilvl)


# -- the blocks


def _blocks(records: list[_Para], path: Path, limits: ReadLimits) -> list[TextBlock]:
    return paragraph_blocks(
        (Paragraph("".join(r.parts).strip(), r.label, r.cell, r.ordinal, r.heading) for r in records), path, limits
    )
