"""Markdown output: headings per article, the matrix as a table, metadata in a comment."""

from __future__ import annotations

import json
import re

from contractkit.generation.document import Document, Inline, Matrix
from contractkit.generation.parameters import Blank
from contractkit.generation.writers.line_writer import LineWriter

# Characters that would start Markdown syntax inside running text.
SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~])")
METADATA_PREFIX = "contractkit-metadata:"


# "&amp;", "&lt;" would be shown as "&", "<": a value must come out as typed.
# ("&#65;" is already harmless: SPECIAL escapes its "#".)
ENTITY = re.compile(r"&(?=[A-Za-z][A-Za-z0-9]*;)")


def escape(text: str) -> str:
    text = ENTITY.sub(r"\\&", SPECIAL.sub(r"\\\1", text))
    # A digit run followed by '.' at the start of a line would become a list.
    return re.sub(r"^(\d+)\.", r"\1\\.", text)


class MarkdownWriter(LineWriter):
    format = "md"
    extension = ".md"
    media_type = "text/markdown; charset=utf-8"

    def inline(self, text: Inline) -> str:
        return "".join(
            r"\_\_\_\_\_\_\_\_\_\_" if isinstance(span, Blank) else escape(span) for span in text.spans
        )

    def title(self, title: str, subtitle: str | None) -> list[str]:
        lines = [f"# {escape(title)}", ""]
        if subtitle:
            lines += [escape(subtitle), ""]
        return lines

    line_break = "  "  # Markdown's hard line break

    def escape(self, text: str) -> str:
        return escape(text)

    def strong(self, text: str) -> str:
        return f"**{escape(text)}**"

    def article_heading(self, heading: str) -> list[str]:
        return [f"## {escape(heading)}", ""]

    def subitem(self, label: str, text: str) -> list[str]:
        # Kept as text, not a Markdown list, so the numbering reads the same everywhere.
        return [f"{label[:-1]}\\. {text}", ""]

    def matrix(self, matrix: Matrix) -> list[str]:
        header = ["序号", "分类", "工作事项或事件", "标准条款", *matrix.columns]
        lines = [f"## {escape(matrix.title)}", ""]
        if matrix.intro:
            lines += [escape(matrix.intro), ""]
        lines += [self._row(header), self._row(["---"] * len(header))]
        for number, row in enumerate(matrix.rows, 1):
            marks = [m or "—" for m in row.marks]
            lines.append(self._row([str(number), row.category, row.work_item, row.clause, *marks]))
        return lines + ["", escape(matrix.legend), ""]

    def table(self, rows: list[list[str]]) -> list[str]:
        # Cells are already escaped (inline()); a table's first row is its header.
        def line(cells: list[str]) -> str:
            return "| " + " | ".join(cell or " " for cell in cells) + " |"

        return [line(rows[0]), line(["---"] * len(rows[0])), *(line(r) for r in rows[1:]), ""]

    @staticmethod
    def _row(cells: list[str]) -> str:
        return "| " + " | ".join(escape(c) if c != "---" else c for c in cells) + " |"

    def metadata(self, document: Document) -> list[str]:
        payload = json.dumps(document.metadata.as_properties(), ensure_ascii=False, sort_keys=True)
        # '--' may not appear inside an HTML comment; it can only occur inside JSON strings.
        payload = payload.replace("--", "-\\u002d")
        return [f"<!-- {METADATA_PREFIX} {payload} -->"]
