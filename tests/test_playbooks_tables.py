"""The playbook's positions in the spreadsheet reports: CSV gets a second table, xlsx a sheet 本所立场,
both in Chinese; without a playbook neither appears (the reports stay as they were)."""

from __future__ import annotations

import csv
import io
from functools import cache
from pathlib import Path

from openpyxl import load_workbook

import contractkit.api as api
from contractkit.formatters import formatter_for
from contractkit.formatters.position_rows import POSITION_HEADER, POSITIONS_SHEET

REPO = Path(__file__).resolve().parent.parent
CONTRACT = REPO / "samples" / "contracts" / "security-pentest-soc.docx"
STRICT = REPO / "samples" / "playbooks" / "strict-provider.yaml"


@cache
def _run(playbook: bool):
    return api.check(CONTRACT, playbook=STRICT if playbook else None)


def _csv_tables(playbook: bool) -> list[list[list[str]]]:
    text = formatter_for("csv").render(_run(playbook)).decode("utf-8-sig")
    tables: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(text, newline="")):
        if not row:
            tables.append([])
        else:
            tables[-1].append(row)
    return tables


def test_csv_has_a_positions_table_after_the_findings():
    findings, positions = _csv_tables(True)
    assert findings[0][0] == "文件" and positions[0] == list(POSITION_HEADER)
    rows = {row[1]: dict(zip(POSITION_HEADER, row, strict=True)) for row in positions[1:]}
    erasure = rows["data-erasure-days"]
    assert erasure["结果"] == "底线以外" and erasure["合同约定值"] == "180日"
    assert (erasure["优选"], erasure["可接受"], erasure["底线"]) == ("5日", "15日", "30日")
    assert "180日" in erasure["证据原文"] and erasure["建议条款"].startswith("本合同终止或者解除后")
    assert erasure["类型"] == "数值" and erasure["修订方式"] in ("替换条款", "修改数值")
    assert {row["结果"] for row in rows.values()} <= {"符合", "可接受", "偏离", "底线以外", "未约定"}


def test_csv_without_a_playbook_has_one_table():
    assert len(_csv_tables(False)) == 1


def test_xlsx_has_a_positions_sheet_only_with_a_playbook():
    workbook = load_workbook(io.BytesIO(formatter_for("xlsx").render(_run(True))))
    sheet = workbook[POSITIONS_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == POSITION_HEADER
    by_id = {row[1]: row for row in rows[1:]}
    result = POSITION_HEADER.index("结果")
    assert by_id["data-erasure-days"][result] == "底线以外"
    cell = sheet.cell(row=2 + list(by_id).index("data-erasure-days"), column=result + 1)
    assert cell.fill.fgColor.rgb.endswith("F28B82")  # coloured like a contrary finding
    plain = load_workbook(io.BytesIO(formatter_for("xlsx").render(_run(False))))
    assert POSITIONS_SHEET not in plain.sheetnames
