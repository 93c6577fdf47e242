"""The format-neutral model of a generated document.

Rendering fills this model; each writer (docx, Markdown, text) turns it into
bytes. Numbering is not in the text: writers number articles (第X条), items
(（一）) and sub-items (1.) themselves, so Word gets real numbering.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from contractkit.generation.parameters import BLANK_MARK, Blank

Span = str | Blank


@dataclass(frozen=True)
class Inline:
    """One paragraph's text: literal strings and blanks (unset parameters)."""

    spans: tuple[Span, ...]

    @classmethod
    def parse(cls, text: str, labels: Mapping[str, str | Blank]) -> Inline:
        """Split rendered template text at blank markers (``labels``: a parameter's label, or its Blank)."""
        spans: list[Span] = []
        position = 0
        for match in BLANK_MARK.finditer(text):
            if match.start() > position:
                spans.append(text[position : match.start()])
            name = match.group(1)
            known = labels.get(name, name)
            spans.append(known if isinstance(known, Blank) else Blank(name, known))
            position = match.end()
        if position < len(text):
            spans.append(text[position:])
        return cls(tuple(spans))

    def plain(self, blank: str = "________") -> str:
        return "".join(blank if isinstance(s, Blank) else s for s in self.spans)

    def filled(self, mark: str = "_") -> str:
        """The text with each blank as a line of its own width (two marks a full-width character)."""
        return "".join(mark * 2 * s.width if isinstance(s, Blank) else s for s in self.spans)


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
    explain: str = ""  # why the article is there (frame articles; the explanation sheet shows it)


@dataclass(frozen=True)
class Party:
    label: str  # 甲方 / 乙方
    role_names: str  # 云服务提供者 / 运维服务提供者及安全服务提供者
    name: Inline
    address: Inline
    representative: Inline


@dataclass(frozen=True)
class MatrixRow:
    """One work item or event of the matrix, with each party's part in it (负责/实施/配合/监督)."""

    category: str  # layer and phase, as table B.1's 分类: 安全管理、基础设施层、平台层、服务层
    work_item: str
    clause: str  # the standard's clause, short: 8.2.2 b)
    marks: tuple[str, ...]  # one per party column, "" where the party has no part
    task_id: str


@dataclass(frozen=True)
class Matrix:
    """The responsibility matrix of tasks, in the style of the standard's Appendix B table B.1."""

    title: str  # 附件一　安全责任实施工作划分表
    columns: tuple[str, ...]  # one per party: 甲方（云服务提供者）
    rows: tuple[MatrixRow, ...]
    legend: str
    intro: str = ""  # the sentence above the table


@dataclass(frozen=True)
class Block:
    """A part of a schedule: a heading (一、), a paragraph, a numbered item (1.) or a table."""

    kind: Literal["heading", "paragraph", "item", "table"]
    text: Inline = Inline(())
    label: str = ""  # 一、 or 1. (schedules carry their numbers in the model: every writer shows the same)
    rows: tuple[tuple[Inline, ...], ...] = ()  # a table's rows, the first its header
    widths: tuple[int, ...] = ()  # a table's relative column widths


@dataclass(frozen=True)
class Schedule:
    """A numbered schedule after the signatures (附件二 …; 附表二 … in a clause annex)."""

    id: str
    label: str  # 附件二
    title: str
    blocks: tuple[Block, ...]
    supports: tuple[str, ...] = ()  # the requirements whose detail it carries


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
    schedules: tuple[Schedule, ...] = ()  # after the matrix (附件一), in order
    reference: Inline | None = None  # 协议编号：… under the title
    closing: str = "（以下无正文）"  # after the last article, before the signatures
