"""The contract's text with each finding's evidence marked where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from contractkit.api import Finding, TextBlock

# Which colour wins where passages of several findings overlap.
_SEVERITY = {"contrary": 3, "missing": 2, "partial": 1, "satisfied": 0}


@dataclass(frozen=True)
class Segment:
    text: str
    findings: tuple[str, ...] = ()  # requirement ids whose evidence covers this text
    status: str | None = None  # the most severe of their statuses


@dataclass(frozen=True)
class ShownBlock:
    index: int
    where: str
    heading: bool
    segments: tuple[Segment, ...]


def evidence_anchor(finding: Finding, number: int) -> str:
    return f"ev-{finding.requirement}-{number}"


def block_of(blocks: tuple[TextBlock, ...]) -> dict:
    return {block.location: index for index, block in enumerate(blocks)}


def highlighted_blocks(blocks: tuple[TextBlock, ...], findings: tuple[Finding, ...]) -> list[ShownBlock]:
    index_of = block_of(blocks)
    marks: dict[int, list[tuple[int, int, str, str]]] = {}
    for finding in findings:
        for evidence in finding.evidence:
            index = index_of.get(evidence.location)
            if index is None:
                continue
            text = blocks[index].text
            start, end = evidence.start, evidence.end
            if not (0 <= start < end <= len(text)) or text[start:end] != evidence.text:
                found = text.find(evidence.text)  # the offsets are for the text as read; fall back to a search
                if found < 0:
                    continue
                start, end = found, found + len(evidence.text)
            marks.setdefault(index, []).append((start, end, finding.requirement, finding.status.value))
    return [
        ShownBlock(i, block.location.describe(), block.heading, _segments(block.text, marks.get(i, [])))
        for i, block in enumerate(blocks)
    ]


def _segments(text: str, marks: list[tuple[int, int, str, str]]) -> tuple[Segment, ...]:
    if not marks:
        return (Segment(text),)
    cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    segments = []
    for start, end in pairwise(cuts):
        covering = [m for m in marks if m[0] <= start and end <= m[1]]
        ids = tuple(dict.fromkeys(m[2] for m in covering))
        status = max((m[3] for m in covering), key=lambda status: _SEVERITY[status], default=None)
        segments.append(Segment(text[start:end], ids, status))
    return tuple(segments)
