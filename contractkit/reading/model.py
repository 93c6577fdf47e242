"""What reading a contract produces: text blocks that keep their location."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

BlockKind = Literal["paragraph", "table-cell", "page"]


@dataclass(frozen=True)
class Location:
    """Where a block of text sits in its source file.

    ``paragraph`` is the ordinal of the paragraph in document order: for .docx
    the index of the ``w:p`` among all ``w:p`` under ``w:body`` (table cells
    included), so the annotator can find the same paragraph again; for text
    files the index of the paragraph (non-empty line group); for PDF the
    index of the line on its page sequence.
    """

    kind: BlockKind
    paragraph: int
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    page: int | None = None
    line: int | None = None
    label: str | None = None  # the clause label in force here, e.g. 第十二条 or 3.2

    def __init__(self, kind: BlockKind, paragraph: int, table: int | None = None, row: int | None = None,
                 cell: int | None = None, page: int | None = None, line: int | None = None,
                 label: str | None = None):
        # All the fields at once, in their order: the frozen dataclass's own __init__ sets each through
        # object.__setattr__, and a contract has a block (and a location) per paragraph.
        self.__dict__.update(kind=kind, paragraph=paragraph, table=table, row=row, cell=cell, page=page,
                             line=line, label=label)

    def describe(self) -> str:
        parts = []
        if self.label:
            parts.append(self.label)
        if self.kind == "table-cell" and self.table is not None and self.row is not None and self.cell is not None:
            parts.append(f"表{self.table + 1} 第{self.row + 1}行 第{self.cell + 1}列")
        elif self.page is not None:
            parts.append(f"第{self.page + 1}页")
        if self.line is not None:
            parts.append(f"第{self.line + 1}行")
        else:
            parts.append(f"第{self.paragraph + 1}段")
        return "，".join(parts)

    def as_dict(self) -> dict[str, str | int]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class TextBlock:
    text: str
    location: Location
    heading: bool = False  # a title/heading paragraph (style or shape)

    def __init__(self, text: str, location: Location, heading: bool = False):
        self.__dict__.update(text=text, location=location, heading=heading)  # as Location's


@dataclass(frozen=True)
class SourceDocument:
    path: Path
    format: Literal["docx", "odt", "txt", "md", "pdf"]
    blocks: tuple[TextBlock, ...]
    # Document properties by name: .docx custom properties and contractkit's generation
    # record (reading.docx_metadata); .odt user-defined metadata.
    properties: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)
