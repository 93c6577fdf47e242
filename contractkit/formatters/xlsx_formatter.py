"""Excel workbook: sheet 结果 (the CSV rows, filterable) and sheet 汇总 (a heat map contracts x requirements).

The output is deterministic: the same run gives the same bytes (fixed
document timestamps, fixed zip entry dates), so reports can be diffed and
cached.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from contractkit.formatters.common import (
    ROLES_ADVICE_CLI,
    ROLES_UNKNOWN_ZH,
    SKIPPED_TITLE_ZH,
    SKIPPED_ZH,
    STATUS_ORDER,
    Totals,
    Words,
    summary_text,
)
from contractkit.formatters.position_rows import POSITION_HEADER, POSITION_LONG, POSITIONS_SHEET, position_rows
from contractkit.formatters.streaming import BinaryOut, RunHeader, RunningTotals, render_run
from contractkit.formatters.tables import HEADER, LONG_COLUMNS, cell, document_rows, skipped_row
from contractkit.results.model import ROLES_UNKNOWN, CheckRun, DocumentReport, SkippedFile, Status
from contractkit.standard import Standard

RESULTS_SHEET = "结果"
SUMMARY_SHEET = "汇总"
ERROR_COLUMN = "错误"
MUST_COLUMN = "应级问题"

# Heat-map colours (fill, font): green, yellow, orange, red.
STATUS_FILLS = {
    Status.SATISFIED: "C6EFCE",
    Status.PARTIAL: "FFEB9C",
    Status.MISSING: "F8B47C",
    Status.CONTRARY: "F28B82",
}
STATUS_FONTS = {
    Status.SATISFIED: "006100",
    Status.PARTIAL: "7F5F00",
    Status.MISSING: "7A3300",
    Status.CONTRARY: "8B0000",
}
NOT_APPLICABLE_FILL = "F2F2F2"
# Amber, never green: a contract nobody's role was found for was not judged at all.
ROLES_UNKNOWN_FILL = "FFD98A"
ROLES_UNKNOWN_FONT = "7A4100"
NOT_JUDGED = "未审查"
# A file of the folders that was not checked (skipped): listed, in a pale amber of its own.
SKIPPED_FILL = "FFF2CC"
SKIPPED_FONT = "7F6000"
ERROR_FILL = "D9D9D9"
HEADER_FILL = "DDE4EE"
# A position's result, coloured like the finding status it is closest to.
POSITION_STATUS = {"底线以外": Status.CONTRARY, "偏离": Status.CONTRARY, "未约定": Status.MISSING,
                   "可接受": Status.PARTIAL, "符合": Status.SATISFIED}

COLUMN_WIDTHS = {
    "文件": 32,
    "文件状态": 9,
    "错误代码": 11,
    "协议关系": 22,
    "要求编号": 30,
    "标准条款": 11,
    "要求摘要": 42,
    "强度": 6,
    "结果": 10,
    "说明": 50,
    "证据原文": 50,
    "证据位置": 18,
    "建议条款": 60,
}
MAX_CELL = 32_000  # Excel's limit is 32,767 characters
FIXED_TIME = datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TOP = Alignment(vertical="top")
_WRAP = Alignment(vertical="top", wrap_text=True)
_CENTRE = Alignment(horizontal="center", vertical="center")


def _fill(colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


def _text(value: str) -> str:
    return value if len(value) <= MAX_CELL else value[: MAX_CELL - 1] + "…"


class XlsxFormatter:
    name = "xlsx"
    extension = ".xlsx"
    binary = True
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def __init__(self, roles_advice: str = ROLES_ADVICE_CLI, standard: Standard | None = None):
        self.roles_advice = roles_advice  # what to do when a document's roles could not be determined
        self.words = Words(standard)

    def render(self, run: CheckRun, *, colour: bool = False) -> bytes:
        return render_run(self, run, colour=colour)

    def stream(self, out: BinaryOut, header: RunHeader, *, colour: bool = False) -> XlsxWriter:
        return XlsxWriter(self, out, header)

    def _workbook(self, header: RunHeader, rows: list[tuple[str, ...]], heat: _HeatMap, total: Totals,
                  positions: list[tuple[str, ...]] | None = None) -> bytes:
        workbook = Workbook()
        results = workbook.worksheets[0]  # a new workbook's one sheet, the active one
        results.title = RESULTS_SHEET
        self._results(results, rows)
        self._summary(workbook.create_sheet(SUMMARY_SHEET), heat, total, header.skipped)
        if header.playbook is not None:
            self._positions(workbook.create_sheet(POSITIONS_SHEET), positions or [])
        workbook.properties.creator = "contractkit"
        workbook.properties.title = f"{header.standard} 合同检查结果"
        workbook.properties.created = FIXED_TIME
        workbook.properties.modified = FIXED_TIME
        buffer = io.BytesIO()
        workbook.save(buffer)
        return _reproducible(buffer.getvalue())

    # ---------------------------------------------------------------- 结果
    def _results(self, sheet, rows: list[tuple[str, ...]]) -> None:
        sheet.append(HEADER)
        result_column = HEADER.index("结果") + 1
        document_column = HEADER.index("文件状态") + 1
        status_by_label = {status.label_zh: status for status in Status}
        roles_unknown = self.words.document_status(ROLES_UNKNOWN)
        for row in rows:
            sheet.append([_text(value) for value in row])
        for index, title in enumerate(HEADER, 1):
            sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS.get(title, 14)
            header = sheet.cell(row=1, column=index)
            header.font = Font(bold=True)
            header.fill = _fill(HEADER_FILL)
            header.alignment = _WRAP
            header.border = _BORDER
            alignment = _WRAP if title in LONG_COLUMNS else _TOP
            for (data,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                data.alignment = alignment
                data.border = _BORDER
                if index == result_column and data.value in status_by_label:
                    status = status_by_label[data.value]
                    data.fill = _fill(STATUS_FILLS[status])
                    data.font = Font(color=STATUS_FONTS[status])
                elif index == document_column and data.value == roles_unknown:
                    data.fill = _fill(ROLES_UNKNOWN_FILL)
                    data.font = Font(color=ROLES_UNKNOWN_FONT, bold=True)
                elif index == document_column and data.value == SKIPPED_ZH:
                    data.fill = _fill(SKIPPED_FILL)
                    data.font = Font(color=SKIPPED_FONT)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADER))}{max(sheet.max_row, 1)}"

    # ---------------------------------------------------------------- 本所立场
    def _positions(self, sheet, rows: list[tuple[str, ...]]) -> None:
        """One row per contract x position, its result coloured like the finding status it is closest to."""
        sheet.append(POSITION_HEADER)
        for row in rows:
            sheet.append([_text(value) for value in row])
        result_column = POSITION_HEADER.index("结果") + 1
        for index, title in enumerate(POSITION_HEADER, 1):
            sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS.get(title, 12)
            header = sheet.cell(row=1, column=index)
            header.font, header.fill, header.alignment, header.border = (
                Font(bold=True), _fill(HEADER_FILL), _WRAP, _BORDER)
            for (data,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                data.alignment = _WRAP if title in POSITION_LONG else _TOP
                data.border = _BORDER
                status = POSITION_STATUS.get(data.value) if index == result_column else None
                if status is not None:
                    data.fill, data.font = _fill(STATUS_FILLS[status]), Font(color=STATUS_FONTS[status])
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(POSITION_HEADER))}{max(sheet.max_row, 1)}"

    # ---------------------------------------------------------------- 汇总
    def _summary(self, sheet, heat: _HeatMap, total: Totals, skipped: tuple[SkippedFile, ...]) -> None:
        requirements = heat.requirements
        ids = list(requirements)
        first_requirement = 3  # columns: 文件, 应级问题, requirements…, 错误
        error_column = first_requirement + len(ids)

        sheet.cell(row=1, column=1, value="文件")
        sheet.cell(row=2, column=1, value="标准条款")
        sheet.cell(row=1, column=2, value=MUST_COLUMN)
        for offset, requirement in enumerate(ids):
            column = first_requirement + offset
            sheet.cell(row=1, column=column, value=cell(requirement))
            sheet.cell(row=2, column=column, value=cell(requirements[requirement]))
        sheet.cell(row=1, column=error_column, value=ERROR_COLUMN)
        for column in range(1, error_column + 1):
            for row in (1, 2):
                header = sheet.cell(row=row, column=column)
                header.font = Font(bold=True)
                header.fill = _fill(HEADER_FILL)
                header.border = _BORDER
                header.alignment = _CENTRE
        for column in range(first_requirement, error_column):
            sheet.cell(row=1, column=column).alignment = Alignment(
                horizontal="center", vertical="bottom", text_rotation=90
            )
            sheet.cell(row=2, column=column).alignment = Alignment(
                horizontal="center", vertical="center", wrap_text=True
            )
            sheet.column_dimensions[get_column_letter(column)].width = 9.5
        longest = max((len(requirement) for requirement in ids), default=4)
        sheet.row_dimensions[1].height = min(max(40, longest * 6.5), 250)
        longest_clause = max((len(clause) for clause in requirements.values()), default=0)
        sheet.row_dimensions[2].height = 15 * min(4, max(1, math.ceil(longest_clause / 8)))
        sheet.column_dimensions["A"].width = 40
        sheet.column_dimensions["B"].width = 9
        sheet.column_dimensions[get_column_letter(error_column)].width = 50

        row = 3
        for document in heat.rows:
            self._summary_row(sheet, row, document, ids, first_requirement, error_column)
            row += 1
        sheet.freeze_panes = sheet.cell(row=3, column=first_requirement)
        line = sheet.cell(row=row + 1, column=1, value=f"合计：{summary_text(total)}")
        line.font = Font(bold=True, color=ROLES_UNKNOWN_FONT if total.roles_unknown else "000000")
        if total.roles_unknown:
            advice = sheet.cell(row=row + 2, column=1, value=f"{ROLES_UNKNOWN_ZH}的文件：{self.roles_advice}")
            advice.font = Font(color=ROLES_UNKNOWN_FONT)
            row += 1
        if skipped:
            row = self._skipped(sheet, row + 3, skipped) - 2
        self._legend(sheet, row + 3)

    def _skipped(self, sheet, row: int, skipped_files: tuple[SkippedFile, ...]) -> int:
        """The files of the folders that were not checked, from ``row``: path, then code and reason
        (the cells to their right are empty, so the text shows in full). Returns the next free row."""
        title = sheet.cell(row=row, column=1, value=f"{SKIPPED_TITLE_ZH}（{len(skipped_files)} 个，未检查）")
        title.font = Font(bold=True, color=SKIPPED_FONT)
        for offset, skipped in enumerate(skipped_files, 1):
            path = sheet.cell(row=row + offset, column=1, value=_text(cell(str(skipped.path))))
            path.fill = _fill(SKIPPED_FILL)
            path.border = _BORDER
            path.alignment = _WRAP
            reason = sheet.cell(row=row + offset, column=2, value=_text(cell(f"[{skipped.code}] {skipped.reason}")))
            reason.font = Font(color=SKIPPED_FONT)
        return row + len(skipped_files) + 1

    def _summary_row(self, sheet, row: int, document: _HeatRow, ids, first: int, error_column: int) -> None:
        name = sheet.cell(row=row, column=1, value=_text(cell(document.path)))
        name.alignment = _WRAP
        name.border = _BORDER
        must = sheet.cell(row=row, column=2)
        must.alignment = _CENTRE
        must.border = _BORDER
        by_id = dict(document.findings)
        for offset, requirement in enumerate(ids):
            target = sheet.cell(row=row, column=first + offset)
            target.border = _BORDER
            target.alignment = _CENTRE
            finding = by_id.get(requirement)
            if document.status == "error":
                target.fill = _fill(ERROR_FILL)
            elif document.roles_unknown:
                target.fill = _fill(ROLES_UNKNOWN_FILL)
            elif finding is None:
                target.fill = _fill(NOT_APPLICABLE_FILL)
            else:
                status, must_level = finding
                target.value = status.label_zh
                target.fill = _fill(STATUS_FILLS[status])
                target.font = Font(color=STATUS_FONTS[status], bold=must_level)
        error = sheet.cell(row=row, column=error_column)
        error.border = _BORDER
        error.alignment = _WRAP
        if document.status == "error":
            error.value = _text(cell(document.error))
            error.font = Font(color="8B0000", bold=True)
            must.value = "—"
        elif document.roles_unknown:
            error.value = _text(cell(f"{ROLES_UNKNOWN_ZH}：{self.roles_advice}"))
            error.fill = _fill(ROLES_UNKNOWN_FILL)
            error.font = Font(color=ROLES_UNKNOWN_FONT, bold=True)
            must.value = NOT_JUDGED
            must.fill = _fill(ROLES_UNKNOWN_FILL)
            must.font = Font(color=ROLES_UNKNOWN_FONT, bold=True)
        else:
            must.value = document.must_problems
            if document.must_problems:
                must.font = Font(color="8B0000", bold=True)

    def _legend(self, sheet, row: int) -> None:
        sheet.cell(row=row, column=1, value="图例").font = Font(bold=True)
        entries = [(status.label_zh, STATUS_FILLS[status], STATUS_FONTS[status]) for status in reversed(STATUS_ORDER)]
        entries += [
            ("浅灰：该合同的协议关系不涉及此要求", NOT_APPLICABLE_FILL, "404040"),
            ("深灰整行：文件无法读取，见“错误”列", ERROR_FILL, "404040"),
            (f"琥珀色整行：{ROLES_UNKNOWN_ZH}，未作审查，见“错误”列", ROLES_UNKNOWN_FILL, ROLES_UNKNOWN_FONT),
            ("粗体：“应”级要求", "FFFFFF", "000000"),
        ]
        for offset, (label, fill, font) in enumerate(entries, 1):
            entry = sheet.cell(row=row + offset, column=1, value=label)
            entry.fill = _fill(fill)
            entry.font = Font(color=font, bold=label.startswith("粗体"))
            entry.border = _BORDER


@dataclass(frozen=True)
class _HeatRow:
    """What a document's row of the heat map needs, and no more."""

    path: str
    status: str  # the document's: ok, roles-unknown or error
    error: str  # "code：message" of an error
    must_problems: int
    findings: tuple[tuple[str, tuple[Status, bool]], ...]  # requirement -> (status, must-level)

    @property
    def roles_unknown(self) -> bool:
        return self.status == ROLES_UNKNOWN

    @classmethod
    def of(cls, document: DocumentReport) -> _HeatRow:
        error = ""
        if document.status == "error":
            code = document.error.code if document.error else "unknown"
            error = f"{code}：{document.error.message if document.error else ''}"
        return cls(str(document.path), document.status, error, len(document.must_problems),
                   tuple((f.requirement, (f.status, f.strength == "must")) for f in document.findings))


@dataclass
class _HeatMap:
    requirements: dict[str, str] = field(default_factory=dict)  # id -> clause, in order of first appearance
    rows: list[_HeatRow] = field(default_factory=list)

    def add(self, document: DocumentReport) -> None:
        for finding in document.findings:
            self.requirements.setdefault(finding.requirement, finding.clause)
        self.rows.append(_HeatRow.of(document))


class XlsxWriter:
    """A workbook is one zip written at the end, its text in one shared table (as Excel has it), and it
    holds at most 1,048,576 rows: it keeps what its rows need (the cells of the results sheet, a
    heat-map row per document), not the reports, and is built at ``close()``. For batches of many
    thousands of contracts, jsonl or csv are the formats that stay flat."""

    def __init__(self, formatter: XlsxFormatter, out: BinaryOut, header: RunHeader):
        self.formatter, self.out, self.header = formatter, out, header
        self.totals = RunningTotals()
        self.rows: list[tuple[str, ...]] = []
        self.positions: list[tuple[str, ...]] = []
        self.heat = _HeatMap()

    def write(self, document: DocumentReport) -> None:
        self.totals.add(document)
        self.rows.extend(document_rows(document, self.formatter.roles_advice, self.formatter.words))
        self.heat.add(document)
        self.positions += position_rows(document)

    def close(self) -> None:
        rows = self.rows + [skipped_row(skipped) for skipped in self.header.skipped]
        total = self.totals.totals(len(self.header.skipped))
        self.out.write(self.formatter._workbook(self.header, rows, self.heat, total, self.positions))


def _reproducible(data: bytes) -> bytes:
    """Fix the timestamps openpyxl stamps on save (core properties, zip entries)."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)",
                    rb"\g<1>" + stamp + rb"\g<3>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()


__all__ = [
    "ERROR_COLUMN", "RESULTS_SHEET", "ROLES_UNKNOWN_FILL", "SKIPPED_FILL", "STATUS_FILLS", "SUMMARY_SHEET",
    "XlsxFormatter",
]
