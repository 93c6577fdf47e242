"""OpenDocument list numbering: the label shown in front of a numbered paragraph.

An .odt stores how to count, not the numbers: a list style
(``text:list-style``) gives each level its format, prefix, suffix and how
many levels to show, and the nesting of ``text:list`` / ``text:list-item``
says which level a paragraph is at. Labels are rebuilt as far as the file
states them:

* the first paragraph of a ``text:list-item`` is numbered (later ones, and
  those of a ``text:list-header``, are not); an item that starts with a
  nested list has no number of its own;
* a top-level ``text:list`` starts a new count unless it continues one
  (``text:continue-list`` naming a list's ``xml:id``, or
  ``text:continue-numbering="true"``: the last list of the same style);
  ``text:start-value`` on an item or a level sets the count; a level
  restarts whenever a shallower level is numbered;
* LibreOffice's ``loext:num-list-format`` (``第%1%条``) is used when present,
  else prefix + the shown levels joined with "." + suffix;
* headings outside lists are numbered by the outline style
  (``text:outline-style``), usually with no number at all.

Formats map onto Word's (``numbering.format_number``), so 一, 二, 三 and
（一） come out as the .docx reader gives them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from .numbering import MAX_LABEL_CHARS, format_number

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
LOEXT = "{urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

MAX_LEVELS = 10  # ODF's list levels
_MAX_START = 10**9
_TEMPLATE_SPLIT = re.compile(r"%(\d{1,2})%")  # split() alternates literal text and level numbers
# ODF num-format (style:num-format) -> Word's number format; other CJK formats by their first character.
_FORMATS = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman", "": "none"}
_CJK_FORMATS = {"一": "chineseCounting", "壹": "chineseLegalSimplified", "①": "decimalEnclosedCircle",
                "甲": "ideographTraditional", "子": "ideographZodiac", "１": "decimalFullWidth",
                "〇": "ideographDigital", "○": "ideographDigital"}


@dataclass(frozen=True)
class LevelStyle:
    fmt: str | None = "decimal"  # a numbering.format_number format; None for bullets and images
    prefix: str = ""
    suffix: str = ""
    display: int = 1  # text:display-levels
    start: int = 1
    template: str | None = None  # loext:num-list-format
    separator: str = " "  # between the label and the text: "" when followed by nothing


ListStyle = dict[int, LevelStyle]  # level (1-based) -> its style


def parse_list_styles(roots: Iterable[etree._Element | None]) -> tuple[dict[str, ListStyle], ListStyle]:
    """All list styles by name, and the outline style, from the given style containers (in order)."""
    styles: dict[str, ListStyle] = {}
    outline: ListStyle = {}
    for root in roots:
        if root is None:
            continue
        for element in root.iter(TEXT + "list-style"):
            name = element.get(STYLE + "name")
            if name:
                styles[name] = _levels(element)
        for element in root.iter(TEXT + "outline-style"):
            outline = _levels(element)
    return styles, outline


def _levels(element: etree._Element) -> ListStyle:
    levels: ListStyle = {}
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        level = _int(child.get(TEXT + "level"))
        if level is None or not 1 <= level <= MAX_LEVELS:
            continue
        if tag in (TEXT + "list-level-style-bullet", TEXT + "list-level-style-image"):
            levels[level] = LevelStyle(fmt=None)
        elif tag in (TEXT + "list-level-style-number", TEXT + "outline-level-style"):
            start = _int(child.get(TEXT + "start-value"))
            levels[level] = LevelStyle(
                fmt=_format(child.get(STYLE + "num-format")),
                prefix=(child.get(STYLE + "num-prefix") or "")[:MAX_LABEL_CHARS],
                suffix=(child.get(STYLE + "num-suffix") or "")[:MAX_LABEL_CHARS],
                display=min(max(_int(child.get(TEXT + "display-levels")) or 1, 1), MAX_LEVELS),
                start=start if start is not None and 0 <= start < _MAX_START else 1,
                template=child.get(LOEXT + "num-list-format"),
                separator=_separator(child),
            )
    return levels


def _format(num_format: str | None) -> str:
    if num_format is None:
        return "none"  # ODF: no num-format, no number
    if num_format in _FORMATS:
        return _FORMATS[num_format]
    return _CJK_FORMATS.get(num_format[:1], "decimal")


def _separator(level: etree._Element) -> str:
    for alignment in level.iter(STYLE + "list-level-label-alignment"):
        if alignment.get(TEXT + "label-followed-by") == "nothing":
            return ""
    return " "


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None and len(value) < 12 else None
    except ValueError:
        return None


class ListCounters:
    """Running counts while walking a document in order; one count per (continued) list."""

    def __init__(self, styles: dict[str, ListStyle], outline: ListStyle):
        self.styles, self.outline = styles, outline
        self._counts: list[list[int | None]] = []
        self._by_id: dict[str, int] = {}
        self._last_of_style: dict[str | None, int] = {}
        self._outline_count = self._new()

    def _new(self) -> int:
        self._counts.append([None] * MAX_LEVELS)
        return len(self._counts) - 1

    def open(self, element: etree._Element, style_name: str | None) -> int:
        """The count a top-level ``text:list`` uses: a new one, or the one it continues."""
        continued = element.get(TEXT + "continue-list")
        if continued is not None and continued in self._by_id:
            key = self._by_id[continued]
        elif element.get(TEXT + "continue-numbering") == "true" and style_name in self._last_of_style:
            key = self._last_of_style[style_name]
        else:
            key = self._new()
        if xml_id := element.get(XML_ID):
            self._by_id[xml_id] = key
        self._last_of_style[style_name] = key
        return key

    def list_label(self, key: int, style_name: str | None, level: int,
                   start: int | None = None) -> tuple[str, str] | None:
        """Count a numbered list paragraph; return (label, separator) or None."""
        return self._count(key, self.styles.get(style_name or "", {}), level, start)

    def outline_label(self, level: int) -> tuple[str, str] | None:
        """Count a heading outside any list by the outline style."""
        return self._count(self._outline_count, self.outline, level, None)

    def _count(self, key: int, style: ListStyle, level: int, start: int | None) -> tuple[str, str] | None:
        level = min(max(level, 1), MAX_LEVELS)
        counts = self._counts[key]
        own = style.get(level, LevelStyle())
        if start is not None and 0 <= start < _MAX_START:
            counts[level - 1] = start
        else:
            count = counts[level - 1]
            counts[level - 1] = own.start if count is None else count + 1
        for deeper in range(level, MAX_LEVELS):
            counts[deeper] = None
        if own.fmt is None or level not in style:
            return None
        label = _render(style, counts, level)[:MAX_LABEL_CHARS].strip()
        return (label, own.separator) if label else None


def _render(style: ListStyle, counts: list[int | None], level: int) -> str:
    def number(k: int) -> str:
        shown = style.get(k, LevelStyle())
        count = counts[k - 1]
        return format_number(count if count is not None else shown.start, shown.fmt or "decimal")

    own = style[level]
    if own.template is not None:
        out: list[str] = []
        for i, piece in enumerate(_TEMPLATE_SPLIT.split(own.template[:MAX_LABEL_CHARS])):
            if i % 2 == 0:
                out.append(piece)
            elif 1 <= int(piece) <= level:
                out.append(number(int(piece)))
        return "".join(out)
    shown = range(max(level - own.display + 1, 1), level + 1)
    return own.prefix + ".".join(number(k) for k in shown) + own.suffix
