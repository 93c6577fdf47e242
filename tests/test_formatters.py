"""Output formats of the checker, as a user of each one would notice them."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contractkit.formatters import DEFAULT_FORMAT, FORMATS, format_for_path, formatter_for
from contractkit.formatters.common import evidence_view
from contractkit.reading.errors import ERROR_ADVICE
from contractkit.reading.model import Location
from contractkit.results.model import (
    SCHEMA_VERSION,
    CheckRun,
    DocumentError,
    DocumentReport,
    Evidence,
    Finding,
    PartyResult,
    SkippedFile,
    Status,
)

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ANSI = re.compile(r"\x1b\[")


def _evidence(context: str, passage: str, terms: tuple[str, ...], location: Location) -> Evidence:
    start = context.index(passage)
    highlights = tuple((passage.index(term), passage.index(term) + len(term)) for term in terms)
    return Evidence(passage, location, start, start + len(passage), highlights, context)


CONTRARY_CONTEXT = (
    "第十二条 责任划分。乙方将云平台运维工作委托甲方实施后，相应的安全责任转移至甲方承担，"
    f"乙方不再承担任何安全责任。{SCRIPT}本条自签订之日起生效。"
)
CONTRARY_PASSAGE = f"相应的安全责任转移至甲方承担，乙方不再承担任何安全责任。{SCRIPT}"
PARTIAL_CONTEXT = "=SUM(1,2) 乙方应按约定提供运维服务，服务内容见附件一。"
SATISFIED_CONTEXT = "甲乙双方应在附件二《安全责任矩阵》中逐项明确各自承担的安全责任与实施工作。"


@pytest.fixture
def run() -> CheckRun:
    article12 = Location(kind="paragraph", paragraph=41, label="第十二条")
    cell = Location(kind="table-cell", paragraph=77, table=0, row=2, cell=1, label="附件一")
    contrary = Finding(
        requirement="5a1-no-responsibility-transfer",
        clause="5 a) 1)",
        summary="安全责任本身不随实施工作转移。",
        strength="must",
        status=Status.CONTRARY,
        explanation="合同约定安全责任随运维工作转移给甲方，与标准相反。",
        evidence=(_evidence(CONTRARY_CONTEXT, CONTRARY_PASSAGE, ("安全责任转移", "不再承担"), article12),),
        suggestion="乙方将安全责任实施工作委托他方实施的，乙方的安全责任不因此转移。\n甲方的安全责任亦不转移给乙方。",
        consequence="责任主体不明，发生安全事件时无法追责。",
    )
    missing = Finding(
        requirement="5b1-transfer-depth",
        clause="5 b) 1)",
        summary="实施工作的再委托不超过一层。",
        strength="must",
        status=Status.MISSING,
        explanation="合同未约定再委托的层级限制。",
        suggestion="+ 运维服务提供者不得将实施工作再委托给第三方。",
    )
    partial = Finding(
        requirement="65c3-om-service-standards",
        clause="6.5 c) 3)",
        summary="约定运维服务的内容与服务标准。",
        strength="should",
        status=Status.PARTIAL,
        explanation="-约定了服务内容，未约定服务标准。",
        evidence=(_evidence(PARTIAL_CONTEXT, PARTIAL_CONTEXT, ("运维服务",), cell),),
        suggestion="@乙方应按附件一所列服务标准提供运维服务。",
    )
    satisfied = Finding(
        requirement="5a3-division",
        clause="5 a) 3)",
        summary="以协议明确双方的安全责任与实施工作划分。",
        strength="must",
        status=Status.SATISFIED,
        explanation="附件二逐项划分了安全责任。",
        evidence=(_evidence(SATISFIED_CONTEXT, SATISFIED_CONTEXT, ("安全责任矩阵",), article12),),
    )
    ok = DocumentReport(
        path=Path("合同/云平台运维服务合同.docx"),
        status="ok",
        format="docx",
        parties=(
            PartyResult(
                label="甲方",
                name=f"滨江市大数据发展中心{SCRIPT}",
                roles=("provider",),
                source="inferred",
                reasons=("“提供云计算平台服务”出现在甲方的义务中",),
                aliases=("发展中心",),
            ),
            PartyResult(label="乙方", name="恒安运维服务有限公司", roles=("om",), source="given"),
        ),
        pairs=("provider-om",),
        # catalogue order: satisfied first, so the tests see the formatters reorder
        findings=(satisfied, contrary, missing, partial),
        notes=("乙方的角色由用户指定。",),
    )
    broken = DocumentReport(
        path=Path("合同/加密合同.docx"),
        status="error",
        error=DocumentError("encrypted", "合同/加密合同.docx: the file is password-protected — remove the password"),
        format="docx",
    )
    return CheckRun(documents=(ok, broken), settings={"roles": {"乙方": ["om"]}})


def _render(name: str, run: CheckRun, **kwargs) -> bytes:
    return formatter_for(name).render(run, **kwargs)


# ------------------------------------------------------------------ registry
def test_every_format_is_registered_with_its_metadata(run):
    assert set(FORMATS) == {"terminal", "json", "jsonl", "html", "csv", "xlsx"}
    assert DEFAULT_FORMAT == "terminal"
    for name in FORMATS:
        formatter = formatter_for(name)
        assert formatter.name == name
        assert formatter.extension.startswith(".")
        assert isinstance(formatter.binary, bool)
        assert isinstance(formatter.render(run), bytes)
    assert formatter_for("xlsx").binary and not formatter_for("html").binary


def test_unknown_format_names_the_choices():
    with pytest.raises(ValueError, match="terminal, json, jsonl, html, csv, xlsx"):
        formatter_for("pdf")


def test_format_follows_the_output_file_name():
    assert format_for_path("out/report.HTML") == "html"
    assert format_for_path("结果.xlsx") == "xlsx"
    assert format_for_path("batch.jsonl") == "jsonl"
    assert format_for_path("report") is None


# ------------------------------------------------------------------ json
@pytest.fixture(scope="module")
def validator():
    jsonschema = pytest.importorskip("jsonschema")
    from contractkit.formatters.json_formatter import report_schema

    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_json_is_the_run_and_validates_against_the_schema(run, validator):
    data = json.loads(_render("json", run).decode("utf-8"))
    assert data == json.loads(json.dumps(run.as_dict()))
    assert not list(validator.iter_errors(data))
    assert data["schema"] == SCHEMA_VERSION
    ok, broken = data["documents"]
    assert [(r["requirement"], r["status"]) for r in ok["results"]] == [
        ("5a3-division", "satisfied"),
        ("5a1-no-responsibility-transfer", "contrary"),
        ("5b1-transfer-depth", "missing"),
        ("65c3-om-service-standards", "partial"),
    ]
    assert broken["error"]["code"] == "encrypted"


def test_json_keeps_chinese_readable(run):
    text = _render("json", run).decode("utf-8")
    assert "安全责任矩阵" in text and "\\u" not in text


def test_schema_rejects_what_consumers_must_not_see(run, validator):
    data = run.as_dict()
    data["documents"][0]["results"][0]["status"] = "unknown"
    assert list(validator.iter_errors(data))
    data = run.as_dict()
    del data["documents"][1]["error"]
    assert list(validator.iter_errors(data)), "an error document must say why"
    data = run.as_dict()
    data["documents"][1]["error"]["code"] = "made-up"
    assert list(validator.iter_errors(data))


def test_schema_lists_every_error_code_and_describes_every_field():
    from contractkit.formatters.json_formatter import report_schema

    schema = report_schema()
    assert set(schema["$defs"]["error"]["properties"]["code"]["enum"]) == set(ERROR_ADVICE)

    def walk(node, where):
        for name, sub in node.get("properties", {}).items():
            if "$ref" not in sub:
                assert sub.get("description"), f"{where}.{name} has no description"
            walk(sub, f"{where}.{name}")
        for name, sub in node.get("$defs", {}).items():
            assert sub.get("description"), f"$defs.{name} has no description"
            walk(sub, name)

    walk(schema, "")


# ------------------------------------------------------------------ html
class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[str] = []
        self.marked: list[str] = []  # text inside <mark>
        self.strong_in_mark: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "br", "hr", "img", "input", "link"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()

    def handle_data(self, data):
        if "mark" in self.stack:
            self.marked.append(data)
            if self.stack[-1] == "strong":
                self.strong_in_mark.append(data)


def _html(run) -> tuple[str, _Collector]:
    text = _render("html", run).decode("utf-8")
    parser = _Collector()
    parser.feed(text)
    parser.close()
    assert not parser.stack, f"unclosed tags: {parser.stack}"
    return text, parser


def test_html_escapes_everything_from_the_contract(run):
    text, parser = _html(run)
    assert SCRIPT not in text
    assert ESCAPED_SCRIPT in text  # in the evidence and in the party name
    assert text.count(ESCAPED_SCRIPT) >= 2
    assert not [tag for tag, _ in parser.tags if tag in ("script", "iframe", "object", "embed")]


def test_html_is_self_contained(run):
    text, parser = _html(run)
    assert text.startswith("<!DOCTYPE html>")
    assert ('html', {'lang': 'zh-CN'}) in parser.tags
    assert not [tag for tag, _ in parser.tags if tag == "link"]
    for tag, attrs in parser.tags:
        for name in ("src", "href", "action", "data"):
            value = attrs.get(name) or ""
            assert not re.match(r"\s*(https?:)?//", value), f"<{tag} {name}={value}> loads a resource"
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", text)
    assert "@import" not in text
    assert "Content-Security-Policy" in text


def test_html_shows_the_settings_of_the_run(run):
    text, _ = _html(run)
    assert "检查设置" in text and "roles" in text


def test_html_shows_evidence_in_context_with_terms_emphasised(run):
    text, parser = _html(run)
    assert "<mark>" in text
    marked = "".join(parser.marked)
    assert "相应的安全责任转移至甲方承担" in marked
    assert "第十二条 责任划分" not in marked  # the paragraph around the passage is not marked
    assert "第十二条 责任划分" in text
    assert {"安全责任转移", "不再承担", "运维服务", "安全责任矩阵"} <= set(parser.strong_in_mark)
    assert "第十二条，第42段" in text and "附件一，表1 第3行 第2列" in text


def test_html_puts_problems_first_and_shows_errors_and_suggestions(run):
    text, _ = _html(run)
    contrary = text.index("5a1-no-responsibility-transfer")
    missing = text.index("5b1-transfer-depth")
    satisfied = text.index("5a3-division")
    assert contrary < missing < satisfied
    assert "建议条款" in text and "乙方的安全责任不因此转移" in text
    assert "encrypted" in text and "password-protected" in text
    assert 'href="#doc-2"' in text  # a batch gets a table of contents
    for label in ("相反约定", "缺失", "部分满足", "已满足", "应 · must", "宜 · should"):
        assert label in text


# ------------------------------------------------------------------ csv
def _csv_rows(run) -> list[list[str]]:
    data = _render("csv", run)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_has_one_row_per_finding_and_one_per_unreadable_file(run):
    header, *rows = _csv_rows(run)
    assert header[:5] == ["文件", "文件状态", "错误代码", "协议关系", "要求编号"]
    assert len(rows) == 4 + 1
    column = {name: index for index, name in enumerate(header)}
    by_requirement = {row[column["要求编号"]]: row for row in rows if row[column["要求编号"]]}
    assert by_requirement["5a1-no-responsibility-transfer"][column["结果"]] == "相反约定"
    assert by_requirement["5a1-no-responsibility-transfer"][column["强度"]] == "应"
    assert by_requirement["5a1-no-responsibility-transfer"][column["证据位置"]] == "第十二条，第42段"
    assert "\n" in by_requirement["5a1-no-responsibility-transfer"][column["建议条款"]]  # quoted multi-line cell
    (error,) = [row for row in rows if row[column["文件状态"]] == "无法读取"]
    assert error[column["错误代码"]] == "encrypted"
    assert "password-protected" in error[column["说明"]]


def test_csv_neutralises_formula_injection(run):
    header, *rows = _csv_rows(run)
    cells = [value for row in rows for value in row]
    assert not [value for value in cells if value[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=SUM(1,2) 乙方应按约定提供运维服务，服务内容见附件一。" in cells
    assert "'+ 运维服务提供者不得将实施工作再委托给第三方。" in cells
    assert "'-约定了服务内容，未约定服务标准。" in cells
    assert "'@乙方应按附件一所列服务标准提供运维服务。" in cells


# ------------------------------------------------------------------ xlsx
def _workbook(run):
    openpyxl = pytest.importorskip("openpyxl")
    return openpyxl.load_workbook(io.BytesIO(_render("xlsx", run)))


def test_xlsx_results_sheet_matches_the_csv(run):
    workbook = _workbook(run)
    assert workbook.sheetnames == ["结果", "汇总"]
    sheet = workbook["结果"]
    values = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    assert values == _csv_rows(run)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:M{len(values)}"
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_xlsx_heat_map_colours_follow_the_statuses(run):
    from contractkit.formatters.xlsx_formatter import STATUS_FILLS

    sheet = _workbook(run)["汇总"]
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "文件" and header[-1] == "错误"
    clauses = [cell.value for cell in sheet[2]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=3) if row[0].value}
    ok = rows[str(Path("合同/云平台运维服务合同.docx"))]
    for finding in run.documents[0].findings:
        column = header.index(finding.requirement)
        assert clauses[column] == finding.clause
        assert ok[column].value == finding.status.label_zh
        assert ok[column].fill.fgColor.rgb[-6:] == STATUS_FILLS[finding.status]
    broken = rows[str(Path("合同/加密合同.docx"))]
    assert broken[-1].value.startswith("encrypted")
    assert len({STATUS_FILLS[s] for s in Status}) == 4
    legend = [cell.value for (cell,) in sheet.iter_rows(min_col=1, max_col=1) if cell.value]
    assert "图例" in legend and "相反约定" in legend


def test_xlsx_is_reproducible(run):
    assert _render("xlsx", run) == _render("xlsx", run)


# ------------------------------------------------------------------ terminal
def test_terminal_plain_lists_problems_first(run):
    text = _render("terminal", run).decode("utf-8")
    assert not ANSI.search(text)
    assert text.index("5a1-no-responsibility-transfer") < text.index("5b1-transfer-depth")
    assert text.index("5b1-transfer-depth") < text.index("65c3-om-service-standards")
    assert text.index("5b1-transfer-depth") < text.index("5a3-division")
    for expected in (
        "应/must", "宜/should", "5 a) 1)", "第十二条，第42段", "运维服务提供者", "推断", "指定", "encrypted",
    ):
        assert expected in text
    assert "        甲方的安全责任亦不转移给乙方。" in text  # suggestion indented, line by line
    assert text.rstrip().splitlines()[-1].startswith("共检查 2 份文件，1 份无法读取，“应”级问题 2 项")


def test_terminal_colour_only_when_asked(run):
    assert ANSI.search(_render("terminal", run, colour=True).decode("utf-8"))


def test_terminal_does_not_pass_escape_sequences_from_the_contract(run):
    hostile = run.documents[0].findings[1]
    document = run.documents[0]
    poisoned = type(hostile)(**{**hostile.__dict__, "explanation": "清屏\x1b[2J\x1b]0;title\x07"})
    run = CheckRun(documents=(type(document)(**{**document.__dict__, "findings": (poisoned,)}),))
    for colour in (False, True):
        text = _render("terminal", run, colour=colour).decode("utf-8")
        assert "\x1b[2J" not in text and "\x1b]" not in text and "\x07" not in text


def test_terminal_quiet_is_one_line_per_document(run):
    text = formatter_for("terminal", quiet=True).render(run).decode("utf-8")
    lines = text.rstrip("\n").splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("合同/云平台运维服务合同.docx") and "相反约定 1" in lines[0]
    assert "encrypted" in lines[1]
    assert lines[2].startswith("共检查 2 份文件")


# ------------------------------------------------------------------ evidence placement
@given(
    context=st.text(max_size=40),
    start=st.integers(-5, 50),
    length=st.integers(0, 50),
    spans=st.lists(st.tuples(st.integers(-5, 60), st.integers(-5, 60)), max_size=4),
)
def test_evidence_view_always_quotes_the_text_exactly(context, start, length, spans):
    text = context[max(start, 0) : max(start, 0) + length] if context else "条款"
    evidence = Evidence(text, Location(kind="paragraph", paragraph=0), start, start + length, tuple(spans), context)
    view = evidence_view(evidence, max_context=1000)
    assert view.passage == text
    if context and text in context:
        assert view.before + view.passage + view.after == context


# ------------------------------------------------------------------ edge cases
def test_every_format_renders_an_empty_run_and_a_document_without_findings():
    bare = DocumentReport(path=Path("空白合同.txt"), status="ok", format="txt", notes=("未能推断出任何云服务角色。",))
    for run in (CheckRun(documents=()), CheckRun(documents=(bare,))):
        for name in FORMATS:
            assert formatter_for(name).render(run)
    header, *rows = _csv_rows(CheckRun(documents=(bare,)))
    assert len(rows) == 1 and rows[0][header.index("说明")] == "未能推断出任何云服务角色。"
    assert "未能推断出任何云服务角色。" in _render("terminal", CheckRun(documents=(bare,))).decode("utf-8")


# ------------------------------------------------------------------ files of a folder that were skipped
SKIPPED_NAME = "合同\u202excod.exe.wps"  # a file name meant to reorder the line a reader sees
SKIPPED_SHOWN = "合同\ufffdxcod.exe.wps"  # as a terminal or spreadsheet shows it
SKIPPED = (
    SkippedFile(Path("合同") / SKIPPED_NAME, "WPS 文字文件：请用 WPS 另存为 .docx 后再检查", "unsupported"),
    SkippedFile(Path("合同/~$云平台运维服务合同.docx"), "=HYPERLINK(\"x\") 临时锁文件<b>", "lock-file"),
)


@pytest.fixture
def skipping(run) -> CheckRun:
    return CheckRun(documents=run.documents, settings=run.settings, skipped=SKIPPED)


def test_json_lists_skipped_files_only_when_there_are_some(run, skipping, validator):
    assert "skipped" not in json.loads(_render("json", run))  # a run without: the report as it always was
    data = json.loads(_render("json", skipping))
    assert not list(validator.iter_errors(data))
    assert list(data) == ["schema", "standard", "settings", "documents", "skipped"]
    assert data["skipped"][0] == {"path": str(Path("合同") / SKIPPED_NAME),
                                  "reason": SKIPPED[0].reason, "code": "unsupported"}
    data["skipped"][0]["code"] = "made-up"
    assert list(validator.iter_errors(data))


def test_terminal_lists_skipped_files_and_counts_them_apart(run, skipping):
    text = _render("terminal", skipping).decode("utf-8")
    assert "\u202e" not in text
    heading = text.index("跳过的文件（2 个，未检查）")
    assert text.index("已满足") < heading < text.index("共检查 2 份文件")  # after the documents, before the summary
    assert "[unsupported] WPS 文字文件：请用 WPS 另存为 .docx 后再检查" in text
    assert "[lock-file]" in text and "~$云平台运维服务合同.docx" in text
    assert text.rstrip().endswith("。") and "共检查 2 份文件，另有 2 个文件未检查（见“跳过的文件”）" in text
    assert "跳过" not in _render("terminal", run).decode("utf-8")
    quiet = formatter_for("terminal", quiet=True).render(skipping).decode("utf-8").rstrip("\n").splitlines()
    assert len(quiet) == 5 and "跳过 [unsupported]" in quiet[2] and "跳过 [lock-file]" in quiet[3]
    coloured = formatter_for("terminal").render(skipping, colour=True).decode("utf-8")
    assert "\x1b[33m另有 2 个文件未检查" in coloured  # amber, never the green of a clean run


def test_csv_has_one_row_per_skipped_file(run, skipping):
    header, *rows = _csv_rows(skipping)
    assert len(rows) == len(_csv_rows(run)) - 1 + 2
    wps, lock = rows[-2:]
    assert wps[header.index("文件")] == str(Path("合同") / SKIPPED_SHOWN)
    assert (wps[header.index("文件状态")], wps[header.index("错误代码")]) == ("已跳过", "unsupported")
    assert wps[header.index("说明")] == SKIPPED[0].reason
    assert lock[header.index("说明")].startswith("'=HYPERLINK")  # never a formula


def test_html_lists_skipped_files_escaped(run, skipping):
    text, parser = _html(skipping)
    assert not parser.stack
    assert 'id="skipped"' in text and 'href="#skipped"' in text
    section = text[text.index('id="skipped"'):text.index("<footer>")]
    assert "跳过的文件" in section and "（2 个，未检查）" in section
    assert "WPS 文字文件：请用 WPS 另存为 .docx 后再检查" in section and "<code>lock-file</code>" in section
    assert "临时锁文件&lt;b&gt;" in section and "\u202e" not in section
    assert 'id="skipped"' not in _html(run)[0]


def test_xlsx_lists_skipped_files_in_both_sheets(run, skipping):
    from contractkit.formatters.xlsx_formatter import SKIPPED_FILL

    workbook = _workbook(skipping)
    results = workbook["结果"]
    values = [[cell.value or "" for cell in row] for row in results.iter_rows()]
    assert values == _csv_rows(skipping)
    last = results[results.max_row]
    assert last[1].value == "已跳过" and last[1].fill.fgColor.rgb[-6:] == SKIPPED_FILL
    summary = workbook["汇总"]
    column = [cell.value for (cell,) in summary.iter_rows(min_col=1, max_col=1)]
    heading = column.index("跳过的文件（2 个，未检查）")
    assert column[heading + 1] == str(Path("合同") / SKIPPED_SHOWN)
    reason = summary.cell(row=heading + 2, column=2).value
    assert reason == "[unsupported] WPS 文字文件：请用 WPS 另存为 .docx 后再检查"
    assert summary.cell(row=heading + 3, column=2).value.startswith("[lock-file] =HYPERLINK")  # a string
    assert summary.cell(row=heading + 3, column=2).data_type != "f"
    assert "合计：共检查 2 份文件，另有 2 个文件未检查（见“跳过的文件”）" in column[heading - 2]
    assert column.index("图例") > heading + 2  # the legend follows, not overwritten


# ------------------------------------------------------------------ streaming: a document at a time
def _stream(name: str, run: CheckRun, **options) -> bytes:
    """The report written a document at a time, as ``contractkit check`` writes it while a batch runs."""
    from contractkit.formatters.streaming import RunHeader, write_run

    out = io.BytesIO()
    write_run(formatter_for(name, **options), out, RunHeader.of(run), iter(run.documents))
    return out.getvalue()


def _with_skipping(run: CheckRun) -> CheckRun:
    return CheckRun(documents=run.documents * 2, settings=run.settings,
                    skipped=(SkippedFile(Path("协议.rtf"), "RTF 文档：请另存为 .docx 后再检查", "unsupported"),))


@pytest.mark.parametrize("name", ["terminal", "json", "jsonl", "html", "csv", "xlsx"])
def test_a_report_streamed_a_document_at_a_time_is_the_rendered_one(run, name):
    for each in (run, _with_skipping(run), CheckRun(documents=())):
        assert _stream(name, each) == _render(name, each)


def test_json_streamed_is_exactly_the_run_as_json(run):
    for each in (run, _with_skipping(run), CheckRun(documents=()), CheckRun(documents=run.documents[:1])):
        expected = json.dumps(each.as_dict(), ensure_ascii=False, indent=2, default=str) + "\n"
        assert _stream("json", each).decode("utf-8") == expected


def _jsonl_validator():
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    from contractkit.formatters.json_formatter import report_schema
    from contractkit.formatters.jsonl_formatter import stream_schema

    reports = report_schema()
    registry = Registry().with_resource(reports["$id"], Resource.from_contents(reports))
    return Draft202012Validator(stream_schema(), registry=registry)


def test_jsonl_is_a_line_per_document_in_order_between_a_run_line_and_a_summary(run):
    many = _with_skipping(run)
    text = _render("jsonl", many).decode("utf-8")
    assert text.endswith("\n") and "\r" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    validator = _jsonl_validator()
    for line in lines:
        validator.validate(line)
    assert [line["type"] for line in lines] == ["run", "skipped", "document", "document", "document", "document",
                                                "summary"]
    first, last = lines[0], lines[-1]
    assert first["schema"] == "contractkit.check-stream/1" and first["report_schema"] == SCHEMA_VERSION
    assert (first["documents"], first["skipped"]) == (4, 1)
    whole = json.loads(_render("json", many))
    assert {key: first[key] for key in ("standard", "settings")} == {k: whole[k] for k in ("standard", "settings")}
    documents = [line for line in lines if line["type"] == "document"]
    assert [line["index"] for line in documents] == [0, 1, 2, 3]
    assert [line["document"] for line in documents] == whole["documents"]  # exactly the json format's objects
    assert [line["skipped"] for line in lines if line["type"] == "skipped"] == whole["skipped"]
    assert last == {
        "type": "summary", "documents": 4, "statuses": {"ok": 2, "roles-unknown": 0, "error": 2},
        "results": {"satisfied": 2, "partial": 2, "missing": 2, "contrary": 2}, "must_problems": 4,
        "documents_with_must_problems": 2, "skipped": 1, "exit_code": many.exit_code,
    }
    empty = [json.loads(line) for line in _render("jsonl", CheckRun(documents=())).decode().splitlines()]
    assert [line["type"] for line in empty] == ["run", "summary"] and empty[-1]["exit_code"] == 0


def test_jsonl_schema_refuses_what_consumers_must_not_see(run):
    from jsonschema import ValidationError

    validator = _jsonl_validator()
    document = json.loads(_render("jsonl", run).decode().splitlines()[1])
    document["document"]["status"] = "fine"  # checked against the report schema's document
    with pytest.raises(ValidationError):
        validator.validate(document)
    with pytest.raises(ValidationError):
        validator.validate({"type": "page"})


def test_the_summary_a_report_keeps_as_it_goes_is_the_runs(run):
    from contractkit.formatters.common import totals
    from contractkit.formatters.streaming import RunningTotals

    many = _with_skipping(run)
    running = RunningTotals()
    for document in many.documents:
        running.add(document)
    assert running.totals(len(many.skipped)) == totals(many)
    assert running.statuses == many.status_counts() and running.exit_code == many.exit_code


def test_html_keeps_the_documents_it_waits_to_place_out_of_memory(run, monkeypatch):
    from contractkit.formatters import html_formatter

    many = _with_skipping(run)
    in_memory = _render("html", many)
    monkeypatch.setattr(html_formatter, "_IN_MEMORY", 1)  # every section straight to a temporary file
    monkeypatch.setattr(html_formatter, "_CHUNK", 7)  # and read back in pieces that split characters
    assert _stream("html", many) == in_memory
    page = in_memory.decode("utf-8")
    assert page.count('<section class="document"') == 4 and page.count('<td class="n">') == 4
