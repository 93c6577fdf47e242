"""From the paragraphs a word-processor reader met to text blocks: one rule for .docx and .odt."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from contractkit.reading.clauses import ClauseTracker
from contractkit.reading.errors import ReadError
from contractkit.reading.model import Location, TextBlock
from contractkit.reading.safety import ReadLimits


class Paragraph(NamedTuple):
    """A paragraph as a reader met it: its text, list label, table cell, place and whether a heading."""

    text: str
    label: tuple[str, str] | None  # (number, separator): 第一条 + "　"
    cell: tuple[int, int, int] | None  # (table, row, cell) when inside a table
    ordinal: int
    heading: bool


def paragraph_blocks(paragraphs: Iterable[Paragraph], path: Path, limits: ReadLimits) -> list[TextBlock]:
    """One block per paragraph with text (its list label in front), within the text limit."""
    blocks: list[TextBlock] = []
    clauses = ClauseTracker()
    chars = 0
    for paragraph in paragraphs:
        text, label, cell = paragraph.text, paragraph.label, paragraph.cell
        if label:
            text = f"{label[0]}{label[1]}{text}" if text else label[0]
        if not text:
            continue
        chars += len(text)
        if chars > limits.max_text_chars:
            raise ReadError(path, "too-large", f"has more than {limits.max_text_chars} characters of text")
        location = Location(
            kind="table-cell" if cell else "paragraph",
            paragraph=paragraph.ordinal,
            table=cell[0] if cell else None,
            row=cell[1] if cell else None,
            cell=cell[2] if cell else None,
            label=clauses.update(text),
        )
        blocks.append(TextBlock(text=text, location=location, heading=paragraph.heading))
    return blocks
