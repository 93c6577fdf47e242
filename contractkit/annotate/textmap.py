"""A paragraph's visible text, mapped onto its runs; splitting runs at character offsets.

The visible text is what the reader extracts for the paragraph (before it
strips it and prepends a list-number label): the ``w:t`` of the paragraph's
own runs, ``w:tab`` as a tab, ``w:br``/``w:cr`` as a newline and
``w:noBreakHyphen`` as ``-``; runs inside ``w:del``/``w:moveFrom`` and runs
formatted hidden (``w:vanish``) are left out, tracked insertions are kept.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from docx.oxml import OxmlElement
from lxml import etree

from .ooxml import (
    OFF_VALUES,
    W_BR,
    W_CR,
    W_DEL,
    W_MOVE_FROM,
    W_NBH,
    W_P,
    W_R,
    W_RPR,
    W_T,
    W_TAB,
    W_VAL,
    W_VANISH,
    XML_SPACE,
)

_CONTENT = {W_T: None, W_TAB: "\t", W_BR: "\n", W_CR: "\n", W_NBH: "-"}


@dataclass
class RunSpan:
    run: etree._Element  # the w:r element
    start: int  # offsets of its text within the paragraph's visible text
    end: int


def _is_hidden(run) -> bool:
    rpr = run.find(W_RPR)
    vanish = rpr.find(W_VANISH) if rpr is not None else None
    return vanish is not None and vanish.get(W_VAL) not in OFF_VALUES


def _belongs(run, p) -> bool:
    """The run is the paragraph's own (not in a nested text box) and not deleted."""
    node = run.getparent()
    while node is not None and node is not p:
        if node.tag in (W_DEL, W_MOVE_FROM):
            return False
        if node.tag == W_P:
            return False
        node = node.getparent()
    return node is p


def run_text(run) -> str:
    parts = []
    for child in run:
        if child.tag in _CONTENT:
            fixed = _CONTENT[child.tag]
            parts.append(child.text or "" if fixed is None else fixed)
    return "".join(parts)


def visible_runs(p) -> list[RunSpan]:
    spans: list[RunSpan] = []
    offset = 0
    for run in p.iter(W_R):
        if not _belongs(run, p) or _is_hidden(run):
            continue
        length = len(run_text(run))
        spans.append(RunSpan(run, offset, offset + length))
        offset += length
    return spans


def visible_text(p) -> str:
    return "".join(run_text(span.run) for span in visible_runs(p))


def split_run(run, at: int):
    """Split ``run`` so that it keeps its first ``at`` visible characters; return the new second run.

    The new run gets a copy of the run's properties (w:rPr), so formatting is
    unchanged; a w:t that straddles the split point is cut in two.
    """
    new = OxmlElement("w:r")
    for name, value in run.attrib.items():
        new.set(name, value)
    rpr = run.find(W_RPR)
    if rpr is not None:
        new.append(copy.deepcopy(rpr))
    position = 0
    moving: list[etree._Element] = []
    for child in run:
        if child.tag == W_RPR:
            continue
        if child.tag in _CONTENT:
            fixed = _CONTENT[child.tag]
            length = len(child.text or "") if fixed is None else 1
        else:
            length = 0  # field chars, drawings, page-break hints …
        if position >= at:
            if length or position > at or moving:
                moving.append(child)
        elif position + length > at:  # a w:t straddling the split point
            text = child.text or ""
            keep, rest = text[: at - position], text[at - position :]
            child.text = keep
            child.set(XML_SPACE, "preserve")
            tail = OxmlElement("w:t")
            tail.text = rest
            tail.set(XML_SPACE, "preserve")
            moving.append(tail)
        position += length
    for child in moving:
        new.append(child)  # moves it (an lxml element has one parent)
    run.addnext(new)
    return new


def isolate(p, start: int, end: int) -> list:
    """Split runs so that [start, end) of the visible text is exactly a sequence of whole runs.

    Returns the runs (w:r elements, in order) that carry the range's text.
    """
    for boundary in (start, end):
        for span in visible_runs(p):
            if span.start < boundary < span.end:
                split_run(span.run, boundary - span.start)
                break
    return [s.run for s in visible_runs(p) if s.end > s.start and start <= s.start and s.end <= end]


# ------------------------------------------------------------------ locating a passage

# A leading clause label the reader may have prepended or the quote may start with:
# 第十二条 / 第3章 / （一） / (2) / 1. / 1.2.3 / 一、 / 1、
_LABEL = re.compile(
    r"^[\s\u3000]*(?:"
    r"第[\s\u3000]*[0-9０-９零〇一二三四五六七八九十百千两]{1,8}[\s\u3000]*[条條章节節款项]"
    r"|[（(][0-9０-９一二三四五六七八九十]{1,4}[)）]"
    r"|\d{1,3}(?:[.．]\d{1,3}){0,3}[.．、]?(?=[\s\u3000]|[^\W\d_])"
    r"|[一二三四五六七八九十]{1,3}、"
    r")[\s\u3000]*"
)
MIN_PIECE = 4  # shorter pieces of a quote are too likely to match somewhere else


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    exact: bool  # the whole quote was found (else a piece of it)


def strip_label(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _LABEL.sub("", text, count=1)
    return text


def _nearest(haystack: str, needle: str, expected: int | None) -> int:
    positions = []
    at = haystack.find(needle)
    while at >= 0:
        positions.append(at)
        at = haystack.find(needle, at + 1)
    if not positions:
        return -1
    if expected is None:
        return positions[0]
    return min(positions, key=lambda pos: abs(pos - expected))


def locate(visible: str, quote: str, expected: int | None = None) -> Match | None:
    """Where ``quote`` (possibly with a list label prefixed) sits in ``visible``."""
    quote = quote.strip()
    if not quote:
        return None
    at = _nearest(visible, quote, expected)
    if at >= 0:
        return Match(at, at + len(quote), True)
    bare = strip_label(quote).strip()
    if bare and bare != quote:
        at = _nearest(visible, bare, expected)
        if at >= 0:
            return Match(at, at + len(bare), True)
    pieces = sorted({piece for piece in re.split(r"[\s\u3000]+", bare or quote) if piece}, key=len, reverse=True)
    for piece in pieces:
        if len(piece) < MIN_PIECE:
            break
        at = _nearest(visible, piece, expected)
        if at >= 0:
            return Match(at, at + len(piece), False)
    return None


def expected_offset(visible: str, start: int, context: str) -> int | None:
    """Where the reader's offset ``start`` (into the label-prefixed block text) falls in ``visible``."""
    stripped = visible.strip()
    if not context or not stripped or not context.endswith(stripped):
        return start if start else None
    label_length = len(context) - len(stripped)
    leading = len(visible) - len(visible.lstrip())
    return max(start - label_length, 0) + leading
