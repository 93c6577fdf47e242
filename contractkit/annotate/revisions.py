"""Suggested clauses inserted as tracked changes (w:ins) that Word can accept or reject.

Each inserted paragraph is marked twice, as Word marks a paragraph typed with
Track Changes on:

* its runs are wrapped in ``<w:ins w:id w:author w:date>``;
* its paragraph mark carries ``<w:pPr><w:rPr><w:ins …/></w:rPr></w:pPr>``,

so rejecting the change removes the whole paragraph and accepting it leaves
an ordinary paragraph. Paragraphs get the document's body style (never a
numbered or heading style: an inserted paragraph must not renumber the
clauses after it) and the fonts of the text around them, so East Asian text
is set like its neighbours.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from .ooxml import (
    W_P,
    W_PPR,
    W_RPR,
    W_SECT_PR,
    W_VAL,
    XML_SPACE,
    IdRegistry,
    body_level,
    direct_numbering,
    style_of,
)
from .textmap import visible_runs, visible_text

# Character properties worth carrying over from the surrounding text, in
# CT_RPr schema order (bold, italics, colour … are deliberately not copied).
_LOOK_TAGS = tuple(qn(t) for t in ("w:rFonts", "w:sz", "w:szCs", "w:lang"))
_RPR_ORDER = {qn(t): i for i, t in enumerate(
    ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
     "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
     "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
     "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
     "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath"))}
_HEADING_PREFIXES = ("heading", "title", "subtitle", "标题", "副标题", "toc")
SUBITEM_INDENT = 2  # characters: sub-items sit two characters in
DEFAULT_CHAR_TWIPS = 240  # one full-width character at 12 pt


@dataclass
class Look:
    """How inserted paragraphs are formatted."""

    style_id: str | None = None
    run_props: list = field(default_factory=list)  # rFonts / sz / szCs / lang elements to copy

    def char_twips(self) -> int:
        """Width of a full-width character in twips (the font size: half-points × 10)."""
        for el in self.run_props:
            if el.tag == qn("w:sz"):
                try:
                    return int(el.get(W_VAL)) * 10
                except (TypeError, ValueError):
                    break
        return DEFAULT_CHAR_TWIPS


class Styles:
    """Which paragraph styles are headings or carry list numbering (following w:basedOn)."""

    def __init__(self, styles_element) -> None:
        self._raw: dict[str, tuple[str, str | None, str | None, int | None, bool]] = {}
        self.default: str | None = None
        for style in styles_element.iter(qn("w:style")):
            if style.get(qn("w:type"), "paragraph") != "paragraph":
                continue
            style_id = style.get(qn("w:styleId"))
            if not style_id:
                continue
            if style.get(qn("w:default")) in ("1", "true", "on"):
                self.default = style_id
            name_el = style.find(qn("w:name"))
            based = style.find(qn("w:basedOn"))
            ppr = style.find(W_PPR)
            num_id, ilvl = None, None
            if ppr is not None and ppr.find(qn("w:numPr")) is not None:
                num_id, ilvl = direct_numbering(style) or (None, None)
                num_id = num_id or ""  # a numPr without numId still marks the style as a list style
            outline = ppr is not None and ppr.find(qn("w:outlineLvl")) is not None
            self._raw[style_id] = (
                name_el.get(W_VAL, "") if name_el is not None else "",
                based.get(W_VAL) if based is not None else None,
                num_id,
                ilvl,
                outline,
            )

    def _chain(self, style_id: str | None):
        seen = set()
        current = style_id or self.default
        while current and current in self._raw and current not in seen:
            seen.add(current)
            yield current, self._raw[current]
            current = self._raw[current][1]

    def unsuitable(self, style_id: str | None) -> bool:
        """A heading or numbered style: not for body text we insert."""
        for current, (name, _based, num_id, _ilvl, outline) in self._chain(style_id):
            if (num_id not in (None, "0")) or outline:
                return True
            if any(x.lower().startswith(_HEADING_PREFIXES) for x in (current, name) if x):
                return True
        return False

    def numbering(self, p) -> tuple[str, int] | None:
        """(numId, ilvl) of a paragraph's list numbering, direct or from its style; None if unnumbered."""
        num_id, ilvl = direct_numbering(p) or (None, None)
        for _current, (_name, _based, style_num, style_ilvl, _outline) in self._chain(style_of(p)):
            if num_id is None and style_num is not None:
                num_id = style_num
            if ilvl is None and style_ilvl is not None:
                ilvl = style_ilvl
        if num_id in (None, "", "0"):
            return None
        return num_id, ilvl or 0


def dominant_body_style(body, styles: Styles) -> str | None:
    """The style of most body text: body-level, un-numbered, non-heading paragraphs, weighed by length.

    By length, not count: a contract's many short party-information lines
    must not outvote its recitals.
    """
    counts: Counter = Counter()
    for p in body.iterchildren(W_P):
        style_id = style_of(p)
        if styles.numbering(p) or styles.unsuitable(style_id):
            continue
        counts[style_id] += len(visible_text(p).strip())
    if not counts:
        return None
    style_id, weight = counts.most_common(1)[0]
    return style_id if weight else None


LOOK_REACH = 40  # paragraphs searched each way for the fonts of the surrounding text


def look_near(paragraphs: list, index: int, style_id: str | None) -> Look:
    """Fonts of the nearest text run, searching back from ``paragraphs[index]`` then forward.

    Where the text has no direct fonts (they come from its style) nothing is
    copied: the body style then sets the inserted text like its neighbours.
    """
    order = list(range(index, max(index - LOOK_REACH, -1), -1)) + list(
        range(index + 1, min(index + 1 + LOOK_REACH, len(paragraphs))))
    for i in order:
        for span in visible_runs(paragraphs[i]):
            if span.end == span.start:
                continue
            rpr = span.run.find(W_RPR)
            props = [copy.deepcopy(el) for el in (rpr if rpr is not None else ()) if el.tag in _LOOK_TAGS]
            if props:
                return Look(style_id, props)
            break  # the first text run of this paragraph has no fonts of its own: try another
    return Look(style_id, [])


def _rpr(look: Look, *, bold: bool, mark=None):
    rpr = OxmlElement("w:rPr")
    children = [copy.deepcopy(el) for el in look.run_props]
    if bold:
        children += [OxmlElement("w:b"), OxmlElement("w:bCs")]
    children.sort(key=lambda el: _RPR_ORDER.get(el.tag, 99))
    if mark is not None:
        rpr.append(mark)  # w:ins comes first in a paragraph mark's properties
    for child in children:
        rpr.append(child)
    return rpr


def _ins(ids: IdRegistry, author: str, date: str):
    return OxmlElement("w:ins", attrs={qn("w:id"): str(ids.fresh()), qn("w:author"): author, qn("w:date"): date})


def tracked_paragraph(text: str, look: Look, *, author: str, date: str, ids: IdRegistry,
                      bold: bool = False, subitem: bool = False):
    """A new w:p holding ``text``, all of it (paragraph mark included) a tracked insertion."""
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    p.append(ppr)
    if look.style_id:
        ppr.append(OxmlElement("w:pStyle", attrs={W_VAL: look.style_id}))
    if subitem:
        # Both values, in twips: LibreOffice drops the style's first-line indent when only
        # w:left is given, and ignores w:leftChars.
        indent = str(SUBITEM_INDENT * look.char_twips())
        ppr.append(OxmlElement("w:ind", attrs={qn("w:left"): indent, qn("w:firstLine"): indent}))
    ppr.append(_rpr(look, bold=bold, mark=_ins(ids, author, date)))
    ins = _ins(ids, author, date)
    p.append(ins)
    run = OxmlElement("w:r")
    rpr = _rpr(look, bold=bold)
    if len(rpr):
        run.append(rpr)
    for i, chunk in enumerate(text.split("\t")):
        if i:
            run.append(OxmlElement("w:tab"))
        if chunk:
            t = OxmlElement("w:t")
            t.text = chunk
            t.set(XML_SPACE, "preserve")
            run.append(t)
    ins.append(run)
    return p


def insertion_point_after(p, body, styles: Styles):
    """The body-level element a suggestion related to paragraph ``p`` goes after.

    A paragraph in a table cell or text box stands for its table or frame.
    A clause stands for the end of the unit that encloses it, so an
    (unnumbered) suggestion never splits a list: after sub-item ``2.`` of
    clause ``（一）`` it goes after that clause's last sub-item; after
    ``（一）`` itself (or an article line) at the end of the article; after a
    typed ``4.2`` after the last ``4.x``. Word list numbering and labels typed
    as text are both followed.
    """
    anchor = body_level(p, body)
    if anchor is None or anchor.tag != W_P:
        return anchor
    numbering = styles.numbering(anchor)
    if numbering:
        num_id, level = numbering
        enclosing = max(level - 1, 0)
        nxt = anchor.getnext()
        while nxt is not None and nxt.tag == W_P:
            following = styles.numbering(nxt)
            if not following or following[0] != num_id or following[1] <= enclosing:
                break
            anchor, nxt = nxt, nxt.getnext()
        return anchor
    label = typed_label(visible_text(anchor))
    if label is None:
        return anchor
    rank, prefix = label
    enclosing = max(rank - 1, 0)
    nxt, pending = anchor.getnext(), None
    while nxt is not None and nxt.tag == W_P:
        text = visible_text(nxt).strip()
        if not text:  # blank spacing paragraphs: skipped only if the unit goes on after them
            pending = pending if pending is not None else anchor
            anchor, nxt = nxt, nxt.getnext()
            continue
        typed = typed_label(text)
        if (typed is None or styles.numbering(nxt) or styles.unsuitable(style_of(nxt))
                or typed[0] <= enclosing or (prefix and typed[1] and not typed[1].startswith(prefix))):
            break
        anchor, nxt, pending = nxt, nxt.getnext(), None
    return pending if pending is not None else anchor


_NUMERAL = "0-9０-９零〇一二三四五六七八九十百千两"
_TYPED = (
    (re.compile(rf"第[\s\u3000]*[{_NUMERAL}]{{1,8}}[\s\u3000]*[章]"), -1),
    (re.compile(rf"第[\s\u3000]*[{_NUMERAL}]{{1,8}}[\s\u3000]*[条條]"), 0),
    (re.compile(r"[（(][一二三四五六七八九十]{1,4}[)）]"), 1),
    (re.compile(r"[一二三四五六七八九十]{1,3}[、.．]"), 1),
    (re.compile(r"[（(][0-9０-９]{1,3}[)）]"), 3),
)
_DOTTED = re.compile(r"(\d{1,3}(?:\.\d{1,3}){1,3})(?![\d万亿元千百%％个倍])")
_ITEM = re.compile(r"\d{1,3}[.．、](?!\d)")


def typed_label(text: str) -> tuple[int, str] | None:
    """(rank, prefix) of a clause label typed at the start of ``text``: 第X条 0, （一） 1, 1. 2, 4.2 depth−1.

    ``prefix`` is what a following label of the same unit starts with (``4.``
    for ``4.2``), empty when any label of a deeper rank belongs to the unit.
    """
    text = text.lstrip(" \t\u3000")
    for pattern, rank in _TYPED:
        if pattern.match(text):
            return rank, ""
    m = _DOTTED.match(text)
    if m:
        parts = m.group(1).split(".")
        return len(parts) - 1, ".".join(parts[:-1]) + "."
    if _ITEM.match(text):
        return 2, ""
    return None


def end_of_body(body):
    """The last body-level element before the final w:sectPr (None for an empty body)."""
    last = None
    for child in body:
        if child.tag != W_SECT_PR:
            last = child
    return last


def insert_after(anchor, elements: list, body) -> None:
    """Put ``elements`` after ``anchor`` (or at the start of an empty body), in order."""
    if anchor is None:
        for offset, element in enumerate(elements):
            body.insert(offset, element)
        return
    for element in elements:
        anchor.addnext(element)
        anchor = element

