"""Plain-text output: the agreement as a lawyer would paste it into an e-mail."""

from __future__ import annotations

from contractkit.generation.document import Document, Inline, Matrix
from contractkit.generation.writers.line_writer import LineWriter

BLANK = "__________"
METADATA_HEADING = "【生成信息】"


class TextWriter(LineWriter):
    format = "txt"
    extension = ".txt"
    media_type = "text/plain; charset=utf-8"

    def inline(self, text: Inline) -> str:
        return text.filled("_")

    def title(self, title: str, subtitle: str | None) -> list[str]:
        return [title, *([subtitle] if subtitle else []), ""]

    def paragraph(self, text: str) -> list[str]:
        return [text]

    def article_heading(self, heading: str) -> list[str]:
        return ["", heading]

    def subitem(self, label: str, text: str) -> list[str]:
        return [f"    {label} {text}"]

    def signature(self, document: Document) -> list[str]:
        return [""] + super().signature(document)

    def matrix(self, matrix: Matrix) -> list[str]:
        # Tab-separated, so a spreadsheet or a reader takes each cell as its own.
        lines = ["", matrix.title, *([matrix.intro] if matrix.intro else [])]
        lines.append("\t".join(["序号", "分类", "工作事项或事件", "标准条款", *matrix.columns]))
        for number, row in enumerate(matrix.rows, 1):
            marks = [m or "—" for m in row.marks]
            lines.append("\t".join([str(number), row.category, row.work_item, row.clause, *marks]))
        return lines + [matrix.legend]

    def schedule_heading(self, heading: str) -> list[str]:
        return ["", heading]

    def table(self, rows: list[list[str]]) -> list[str]:
        return ["\t".join(cell or "　" for cell in row) for row in rows]

    def metadata(self, document: Document) -> list[str]:
        properties = document.metadata.as_properties()
        return ["", METADATA_HEADING] + [f"{key}: {value}" for key, value in properties.items()]
