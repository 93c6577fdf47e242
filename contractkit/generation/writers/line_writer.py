"""The shared walk over a Document for the line-based formats (Markdown, text).

Subclasses say how each part looks; the order of parts lives here once.
"""

from __future__ import annotations

from contractkit.generation.document import Block, Document, Inline, Matrix, Party, Schedule
from contractkit.generation.writers.numbering import article_label, item_label, subitem_label


class LineWriter:
    format = ""
    extension = ""

    def write(self, document: Document) -> bytes:
        lines: list[str] = []
        lines += self.title(document.title, document.subtitle)
        if document.reference is not None:
            lines += self.paragraph(self.inline(document.reference))
        for party in document.parties:
            lines += self.party(party)
        lines.append("")
        for recital in document.recitals:
            lines += self.paragraph(self.inline(recital))
        for a_number, article in enumerate(document.articles, 1):
            lines += self.article_heading(f"{article_label(a_number)}　{article.title}")
            for i_number, item in enumerate(article.items, 1):
                lines += self.paragraph(f"{item_label(i_number)}{self.inline(item.text)}")
                for s_number, sub in enumerate(item.subitems, 1):
                    lines += self.subitem(subitem_label(s_number), self.inline(sub))
        if document.closing:
            lines += self.paragraph(document.closing)
        lines += self.signature(document)
        lines += self.matrix(document.matrix)
        for schedule in document.schedules:
            lines += self.schedule(schedule)
        lines += self.metadata(document)
        return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")

    def write_sheet(self, sheet) -> bytes:
        lines = self.title(sheet.title, sheet.subtitle)
        for paragraph in sheet.intro:
            lines += self.paragraph(self.escape(paragraph))
        rows = [[self.escape(cell) for cell in row] for row in (sheet.header, *sheet.rows)]
        lines += self.table(rows)
        return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")

    def escape(self, text: str) -> str:
        return text

    # -- hooks -----------------------------------------------------------
    def inline(self, text: Inline) -> str:
        raise NotImplementedError

    def title(self, title: str, subtitle: str | None) -> list[str]:
        raise NotImplementedError

    def party(self, party: Party) -> list[str]:
        return [
            f"{self.strong(f'{party.label}（{party.role_names}）')}：{self.inline(party.name)}{self.line_break}",
            f"住所：{self.inline(party.address)}{self.line_break}",
            f"法定代表人：{self.inline(party.representative)}",
            "",
        ]

    line_break = ""  # what ends a line inside a paragraph

    def strong(self, text: str) -> str:
        return text

    def paragraph(self, text: str) -> list[str]:
        return [text, ""]

    def article_heading(self, heading: str) -> list[str]:
        raise NotImplementedError

    def subitem(self, label: str, text: str) -> list[str]:
        raise NotImplementedError

    def signature(self, document: Document) -> list[str]:
        lines: list[str] = []
        for party in document.parties:
            lines += self.paragraph(
                f"{party.label}（盖章）：{self.inline(party.name)}　　"
                f"法定代表人或授权代表（签字）：　　　　　　　　"
            )
        lines += self.paragraph(document.signature_date_label)
        lines += self.paragraph(self.inline(document.sign_place))
        return lines

    def matrix(self, matrix: Matrix) -> list[str]:
        raise NotImplementedError

    def schedule(self, schedule: Schedule) -> list[str]:
        lines = self.schedule_heading(f"{schedule.label}　{schedule.title}")
        for block in schedule.blocks:
            lines += self.block(block)
        return lines

    def block(self, block: Block) -> list[str]:
        if block.kind == "table":
            return self.table([[self.inline(cell) for cell in row] for row in block.rows])
        text = f"{block.label}{self.inline(block.text)}" if block.kind != "item" else None
        if block.kind == "item":
            return self.subitem(block.label, self.inline(block.text))
        return self.strong_paragraph(text or "") if block.kind == "heading" else self.paragraph(text or "")

    def strong_paragraph(self, text: str) -> list[str]:
        return self.paragraph(self.strong(text))

    def schedule_heading(self, heading: str) -> list[str]:
        return self.article_heading(heading)

    def table(self, rows: list[list[str]]) -> list[str]:
        raise NotImplementedError

    def metadata(self, document: Document) -> list[str]:
        return []
