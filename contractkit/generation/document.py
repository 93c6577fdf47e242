"""The format-neutral model of a generated document.

Rendering fills this model; each writer (docx, Markdown, text) turns it into
bytes. Numbering is not in the text: writers number articles (第X条), items
(（一）) and sub-items (1.) themselves, so Word gets real numbering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from contractkit.generation.parameters import BLANK_MARK, Blank

Span = str | Blank


@dataclass(frozen=True)
class Inline:
    """One paragraph's text: literal strings and blanks (unset parameters)."""

    spans: tuple[Span, ...]

    @classmethod
    def parse(cls, text: str, labels: dict[str, str]) -> Inline:
        """Split rendered template text at blank markers."""
        spans: list[Span] = []
        position = 0
        for match in BLANK_MARK.finditer(text):
            if match.start() > position:
                spans.append(text[position : match.start()])
            name = match.group(1)
            spans.append(Blank(name, labels.get(name, name)))
            position = match.end()
        if position < len(text):
            spans.append(text[position:])
        return cls(tuple(spans))

    def plain(self, blank: str = "________") -> str:
        return "".join(blank if isinstance(s, Blank) else s for s in self.spans)


@dataclass(frozen=True)
class Item:
    """An item （一） of an article, with optional sub-items 1. 2. …"""

    text: Inline
    subitems: tuple[Inline, ...] = ()
    requirement_id: str | None = None


@dataclass(frozen=True)
class Article:
    """A 第X条 with its title and items."""

    id: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Party:
    label: str  # 甲方 / 乙方
    role_names: str  # 云服务提供者 / 运维服务提供者及安全服务提供者
    name: Inline
    address: Inline
    representative: Inline


@dataclass(frozen=True)
class MatrixRow:
    clause: str
    work_item: str
    marks: tuple[str, ...]  # one per matrix column, "" where the party has no part
    requirement_id: str


@dataclass(frozen=True)
class Matrix:
    """The responsibility matrix, in the style of the standard's Appendix B."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[MatrixRow, ...]
    legend: str


@dataclass(frozen=True)
class Metadata:
    """What the document renders, recorded in it so the checker can be proven against it."""

    generator: str
    standard: str
    pair_ids: tuple[str, ...]
    options: tuple[str, ...]
    kind: str
    requirement_ids: tuple[str, ...]
    parameters: dict[str, str | int | None] = field(hash=False, compare=False)

    def as_properties(self) -> dict[str, str]:
        import json

        return {
            "contractkit.generator": self.generator,
            "contractkit.standard": self.standard,
            "contractkit.pairs": ",".join(self.pair_ids),
            "contractkit.options": ",".join(self.options),
            "contractkit.kind": self.kind,
            "contractkit.requirements": ",".join(self.requirement_ids),
            "contractkit.parameters": json.dumps(self.parameters, ensure_ascii=False, sort_keys=True),
        }


@dataclass(frozen=True)
class Document:
    kind: Literal["agreement", "annex"]
    title: str
    subtitle: str | None
    parties: tuple[Party, ...]
    recitals: tuple[Inline, ...]
    articles: tuple[Article, ...]
    matrix: Matrix
    signature_date_label: str
    sign_place: Inline
    metadata: Metadata
