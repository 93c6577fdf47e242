"""Read an OpenDocument text (.odt) straight from its zip with lxml, as the .docx reader reads Word.

Blocks come out in document order, one per non-empty ``text:p`` / ``text:h``
under ``office:text``. ``Location.paragraph`` is the ordinal of the paragraph
among all ``text:p`` and ``text:h`` in document order, empty ones included.
Table cells are blocks with their table, row and cell (covered cells of a
merge count, so the cell index is the grid column); a nested table's text
belongs to the outer cell, as in the .docx reader.

What a reader of the document sees is what we extract:

* list numbers are rebuilt and prepended (``odt_lists``: 第一条, （一）);
* headings are ``text:h`` and paragraphs whose style is a heading style;
* ODF's white space rules: runs of spaces, tabs and newlines in the XML are
  one space; ``text:s``, ``text:tab`` and ``text:line-break`` are literal;
* tracked changes: insertions are inline and kept, deletions (kept apart in
  ``text:tracked-changes``) are dropped; comments and footnotes are left out;
* text in a style with ``text:display="none"`` and hidden sections are dropped;
* text boxes and shapes become their own blocks, after their anchor paragraph.

The package gets the .docx reader's hardening (``safety``): zip limits, no
DTDs or entities, size caps. An encrypted .odt (a manifest with
``encryption-data``) is ``encrypted``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .errors import ReadError
from .model import SourceDocument, TextBlock
from .odt_lists import STYLE, TEXT, ListCounters, parse_list_styles
from .paragraphs import Paragraph, paragraph_blocks
from .safety import ReadLimits, SafeZip, element_text, parse_xml, refuse_doctype_parts

OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
MANIFEST_PART = "META-INF/manifest.xml"
PARSED_PARTS = ("content.xml", "styles.xml", "meta.xml", MANIFEST_PART)

P, H, LIST, LIST_ITEM, LIST_HEADER = (TEXT + n for n in ("p", "h", "list", "list-item", "list-header"))
SPACE, TAB, LINE_BREAK, NUMBER = TEXT + "s", TEXT + "tab", TEXT + "line-break", TEXT + "number"
TABLE_TABLE, ROW, CELL, COVERED = (TABLE + n for n in ("table", "table-row", "table-cell", "covered-table-cell"))
ROW_GROUPS = {TABLE + n for n in ("table-header-rows", "table-rows", "table-row-group")}
# Never text the reader sees in place: deleted text, comments, footnotes, declarations.
SKIPPED = {TEXT + "tracked-changes", OFFICE + "annotation", OFFICE + "annotation-end", TEXT + "note",
           TEXT + "ruby-text", TEXT + "sequence-decls", TEXT + "variable-decls", TEXT + "user-field-decls",
           TEXT + "dde-connection-decls", OFFICE + "forms", TEXT + "hidden-text", TEXT + "hidden-paragraph",
           TEXT + "table-of-content-source", TEXT + "alphabetical-index-source", TEXT + "index-title-template"}
_HEADING_PREFIXES = ("heading", "标题", "title")
_XML_SPACE = re.compile(r"[ \t\r\n]+")
MAX_SPACES = 1000  # one text:s/@text:c: a hostile count must not make a huge block


def read_odt(package: SafeZip, path: Path, limits: ReadLimits) -> SourceDocument:
    _refuse_encrypted(package, path)
    data = package.read("content.xml")
    if data is None:
        raise ReadError(path, "corrupt", "is an OpenDocument package without content.xml")
    content = parse_xml(data, path, "content.xml")
    body = content.find(OFFICE + "body")
    if content.tag != OFFICE + "document-content" or body is None:
        raise ReadError(path, "corrupt", "has no OpenDocument body in content.xml")
    text = body.find(OFFICE + "text")
    if text is None:
        kinds = [str(child.tag).rpartition("}")[2] for child in body if isinstance(child.tag, str)]
        raise ReadError(path, "unsupported", f"holds an OpenDocument {kinds[0] if kinds else 'body'}, not text")
    styles_data = package.read("styles.xml")
    styles_root = parse_xml(styles_data, path, "styles.xml") if styles_data is not None else None
    properties = _user_defined(package, path)
    refuse_doctype_parts(package, path, skip=PARSED_PARTS)

    walker = _Walker(_Styles(styles_root, content))
    walker.children(text)
    blocks = _blocks(walker.records, path, limits)
    if not blocks:
        raise ReadError(path, "no-text", "has no text (only images or empty paragraphs?)")
    return SourceDocument(path=path, format="odt", blocks=tuple(blocks), properties=properties)


# ------------------------------------------------------------------ the package


def _refuse_encrypted(package: SafeZip, path: Path) -> None:
    data = package.read(MANIFEST_PART)
    if data is None:
        return
    for element in parse_xml(data, path, MANIFEST_PART).iter():
        if isinstance(element.tag, str) and element.tag.rpartition("}")[2] in ("encryption-data", "keyinfo"):
            raise ReadError(path, "encrypted", "is a password-protected (encrypted) OpenDocument file")


def _user_defined(package: SafeZip, path: Path) -> dict[str, str]:
    """meta.xml's user-defined properties (where custom properties of a converted .docx go)."""
    data = package.read("meta.xml")
    if data is None:
        return {}
    properties: dict[str, str] = {}
    for prop in parse_xml(data, path, "meta.xml").iter(META + "user-defined"):
        if name := prop.get(META + "name"):
            properties[name] = element_text(prop).strip()
    return properties


class _Styles:
    """What the walk needs from the styles: headings, hidden text, list styles."""

    def __init__(self, styles_root: etree._Element | None, content_root: etree._Element):
        roots = [root.find(OFFICE + part) for root in (styles_root, content_root) if root is not None
                 for part in ("styles", "automatic-styles")]
        self.lists, outline = parse_list_styles(roots)
        self.counters = ListCounters(self.lists, outline)
        self._parent: dict[str, str | None] = {}
        self._heading: dict[str, bool] = {}
        self._list_style: dict[str, str] = {}
        self.hidden_text: set[str] = set()
        for root in roots:
            if root is None:
                continue
            for style in root.iter(STYLE + "style"):
                name, family = style.get(STYLE + "name"), style.get(STYLE + "family")
                if not name:
                    continue
                if family == "text" and any(props.get(TEXT + "display") == "none"
                                            for props in style.iter(STYLE + "text-properties")):
                    self.hidden_text.add(name)
                elif family == "paragraph":
                    self._parent[name] = style.get(STYLE + "parent-style-name")
                    label = (style.get(STYLE + "display-name") or name).lower()
                    self._heading[name] = (label.startswith(_HEADING_PREFIXES) or name.lower().startswith(
                        _HEADING_PREFIXES) or bool(style.get(STYLE + "default-outline-level")))
                    if list_style := style.get(STYLE + "list-style-name"):
                        self._list_style[name] = list_style

    def _chain(self, name: str | None) -> Iterator[str]:
        seen: set[str] = set()
        while name and name not in seen and len(seen) < 32:
            seen.add(name)
            yield name
            name = self._parent.get(name)

    def is_heading(self, name: str | None) -> bool:
        return any(self._heading.get(n) for n in self._chain(name))

    def list_style(self, name: str | None) -> str | None:
        return next((self._list_style[n] for n in self._chain(name) if n in self._list_style), None)


# ------------------------------------------------------------------ the body


_Cell = tuple[int, int, int]  # table, row, cell (0-based)
_ListContext = tuple[int, int, str | None]  # the list's count (ListCounters key), its level, its style


class _Para:
    __slots__ = ("ordinal", "heading", "label", "cell", "parts")

    def __init__(self, ordinal: int, heading: bool, cell: _Cell | None):
        self.ordinal, self.heading, self.cell = ordinal, heading, cell
        self.label: tuple[str, str] | None = None
        self.parts: list[tuple[str, bool]] = []  # (text, literal): XML text collapses its white space


class _Walker:
    """One pre-order pass over office:text; lxml's depth limit keeps the recursion shallow."""

    def __init__(self, styles: _Styles):
        self.styles, self.counters = styles, styles.counters
        self.records: list[_Para] = []
        self.cell: _Cell | None = None
        self.tables = -1

    def children(self, element: etree._Element) -> None:
        for child in element:
            self.node(child)

    def node(self, element: etree._Element) -> None:
        tag = element.tag
        if not isinstance(tag, str) or tag in SKIPPED or element.get(TEXT + "display") == "none":
            return
        if tag in (P, H):
            self.paragraph(element)
        elif tag == LIST:
            self.list(element, None)
        elif tag == TABLE_TABLE and self.cell is None:
            self.table(element)
        else:  # sections, indexes, frames, nested tables (their text stays in the outer cell), …
            self.children(element)

    # -- lists and tables
    def list(self, element: etree._Element, outer: _ListContext | None) -> None:
        style = element.get(TEXT + "style-name")
        if outer is None:
            context = (self.counters.open(element, style), 1, style)
        else:
            context = (outer[0], outer[1] + 1, style or outer[2])
        for item in element:
            if item.tag not in (LIST_ITEM, LIST_HEADER):
                self.node(item)
                continue
            start = _int(item.get(TEXT + "start-value"))
            numbered = item.tag == LIST_ITEM
            for child in item:
                if child.tag in (P, H):
                    self.paragraph(child, (context, start) if numbered else None)
                elif child.tag == LIST:
                    self.list(child, context)
                else:
                    self.node(child)
                numbered = numbered and not isinstance(child.tag, str)  # only the item's first element

    def table(self, element: etree._Element) -> None:
        self.tables += 1
        row = -1
        for row_element in _rows(element):
            row += 1
            column = -1
            for cell in row_element:
                if cell.tag in (CELL, COVERED):
                    column += 1
                    self.cell = (self.tables, row, column)
                    self.children(cell)
                    column += _repeat(cell, "number-columns-repeated") - 1
            row += _repeat(row_element, "number-rows-repeated") - 1
        self.cell = None

    # -- paragraphs
    def paragraph(self, element: etree._Element,
                  numbered: tuple[_ListContext, int | None] | None = None) -> None:
        style = element.get(TEXT + "style-name")
        record = _Para(len(self.records), element.tag == H or self.styles.is_heading(style), self.cell)
        self.records.append(record)
        if numbered is not None:
            (key, level, list_style), start = numbered
            record.label = self.counters.list_label(key, list_style or self.styles.list_style(style), level, start)
        elif element.tag == H and element.get(TEXT + "is-list-header") != "true":
            record.label = self.counters.outline_label(_int(element.get(TEXT + "outline-level")) or 1)
        first = next((child for child in element if isinstance(child.tag, str)), None)
        if first is not None and first.tag == NUMBER and element_text(first).strip():
            record.label = (element_text(first).strip(), record.label[1] if record.label else " ")
        self.inline(element, record)

    def inline(self, element: etree._Element, record: _Para) -> None:
        if element.text:
            record.parts.append((element.text, False))
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIPPED or tag == NUMBER:
                pass
            elif tag == SPACE:
                record.parts.append((" " * min(_int(child.get(TEXT + "c")) or 1, MAX_SPACES), True))
            elif tag == TAB:
                record.parts.append(("\t", True))
            elif tag == LINE_BREAK:
                record.parts.append(("\n", True))
            elif tag in (P, H) or tag.startswith(DRAW) or tag == TABLE_TABLE:
                self.node(child)  # a text box, shape or frame: its paragraphs are blocks of their own
            elif child.get(TEXT + "style-name") not in self.styles.hidden_text:
                self.inline(child, record)  # spans, links, fields, change marks, …
            if child.tail:
                record.parts.append((child.tail, False))


def _rows(table: etree._Element) -> Iterator[etree._Element]:
    for child in table:
        if child.tag == ROW:
            yield child
        elif child.tag in ROW_GROUPS:
            yield from _rows(child)


def _repeat(element: etree._Element, attribute: str) -> int:
    return min(max(_int(element.get(TABLE + attribute)) or 1, 1), 100_000)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None and len(value) < 12 else None
    except ValueError:
        return None


def _text(record: _Para) -> str:
    out: list[str] = []
    pending: list[str] = []
    for text, literal in record.parts:
        if literal:
            out.append(_XML_SPACE.sub(" ", "".join(pending)))
            pending = []
            out.append(text)
        else:
            pending.append(text)
    out.append(_XML_SPACE.sub(" ", "".join(pending)))
    return "".join(out).strip()


def _blocks(records: list[_Para], path: Path, limits: ReadLimits) -> list[TextBlock]:
    return paragraph_blocks(
        (Paragraph(_text(r), r.label, r.cell, r.ordinal, r.heading) for r in records), path, limits
    )
