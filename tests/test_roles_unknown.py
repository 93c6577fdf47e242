"""A document whose parties' roles cannot be determined is never a pass: not in the exit status,
not in any report format, not in the review service. Each says so in amber and says what to do
in its own terms (command-line flags on the command line, the roles form in the browser)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from contractkit.checking.understanding.parties import ROLES_UNKNOWN_NOTE
from contractkit.formatters import FORMATS, formatter_for
from contractkit.formatters.common import ROLES_ADVICE_CLI, ROLES_ADVICE_WEB, ROLES_CHOOSE_WEB
from contractkit.formatters.json_formatter import report_schema
from contractkit.results.model import (
    ERROR,
    OK,
    ROLES_UNKNOWN,
    CheckRun,
    DocumentError,
    DocumentReport,
    Finding,
    PartyResult,
    Status,
)

from conftest import REPO
from service_support import running, sample, settings_for, upload

NOTE = ROLES_UNKNOWN_NOTE  # the neutral note the checker gives such a document

# No party labels at all, nothing about cloud services.
NO_PARTIES = ("会议纪要\n\n一、会议讨论了下季度的培训安排。\n\n二、培训费用由各部门按人数分摊。\n\n"
              "三、下次会议时间另行通知。\n")
# Two parties named, but nothing that tells their roles in a cloud service.
NAMED_PARTIES = (
    "办公家具采购合同\n\n"
    "甲方：滨江市星河贸易有限公司\n\n"
    "乙方：远山家具制造有限公司\n\n"
    "第一条 乙方向甲方交付办公桌椅五十套，规格见附件。\n\n"
    "第二条 甲方应在收货后十日内付清货款。\n\n"
    "第三条 本合同自双方签字盖章之日起生效。\n"
)
FLAGS = ("--role", "--as", "--option")
GREEN_ANSI = "\x1b[32m"
YELLOW_ANSI = "\x1b[33m"


# ------------------------------------------------------------------ a run with one of each
def _unknown(name: str = "会议纪要.txt") -> DocumentReport:
    return DocumentReport(
        path=Path(name), status=ROLES_UNKNOWN, format="txt",
        parties=(PartyResult(label="甲方", name="滨江市星河贸易有限公司", roles=(), source="inferred"),),
        notes=(NOTE,),
    )


def _clean() -> DocumentReport:
    satisfied = Finding(
        requirement="5a3-division", clause="5 a) 3)", summary="以协议明确双方的安全责任与实施工作划分。",
        strength="must", status=Status.SATISFIED, explanation="已约定。",
    )
    return DocumentReport(
        path=Path("运维合同.docx"), status=OK, format="docx", pairs=("provider-om",), findings=(satisfied,),
        parties=(PartyResult("甲方", None, ("provider",), "inferred"), PartyResult("乙方", None, ("om",), "inferred")),
    )


def _broken() -> DocumentReport:
    return DocumentReport(path=Path("加密.docx"), status=ERROR, error=DocumentError("encrypted", "加密.docx: 有密码"))


@pytest.fixture
def run() -> CheckRun:
    return CheckRun(documents=(_clean(), _unknown(), _broken()))


def _text(fmt: str, run: CheckRun, **options) -> str:
    return formatter_for(fmt, **options).render(run).decode("utf-8-sig")


# ------------------------------------------------------------------ exit status
def test_exit_status_is_1_for_a_document_nobody_s_role_was_found_for():
    assert CheckRun(documents=(_unknown(),)).exit_code == 1
    assert CheckRun(documents=(_clean(), _unknown())).exit_code == 1
    assert CheckRun(documents=(_clean(),)).exit_code == 0
    assert CheckRun(documents=(_unknown(), _broken())).exit_code == 2  # unreadable stays 2


def test_documents_are_counted_by_status_separately(run):
    assert run.status_counts() == {OK: 1, ROLES_UNKNOWN: 1, ERROR: 1}
    assert _unknown().roles_unknown and not _clean().roles_unknown and not _broken().roles_unknown


def _cli(*args):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "contractkit", "check", *map(str, args)],
        capture_output=True, text=True, env=env, timeout=300,
    )


def test_check_of_a_contract_without_parties_exits_1_and_says_what_to_do(tmp_path):
    contract = tmp_path / "会议纪要.txt"
    contract.write_text(NO_PARTIES, encoding="utf-8")
    result = _cli(contract)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 份未能确定角色" in result.stdout
    assert "无“应”级问题" not in result.stdout  # nothing was judged: not clean
    assert "--role 甲方=provider --role 乙方=om" in result.stdout and "--as 我方名称" in result.stdout
    assert "contractkit.toml" in result.stdout and "[tool.contractkit.organisation]" in result.stdout

    as_json = _cli(contract, "--format", "json")
    assert as_json.returncode == 1
    data = json.loads(as_json.stdout)
    jsonschema.validate(data, report_schema())
    (document,) = data["documents"]
    assert document["status"] == "roles-unknown" and document["results"] == []
    assert NOTE in document["notes"] and "error" not in document


# ------------------------------------------------------------------ each format
def test_terminal_counts_it_separately_in_amber_with_the_command_line_advice(run):
    text = _text("terminal", run)
    summary = text.rstrip().splitlines()[-1]
    assert summary.startswith("共检查 3 份文件，1 份无法读取，1 份未能确定角色")
    assert "处理：" + ROLES_ADVICE_CLI in text and "--as 我方名称" in text
    section = text[text.index("会议纪要.txt"):text.index("加密.docx")]
    assert "未能确定角色（未作审查）" in section
    assert "已满足" not in section  # no zero counts that read as a pass

    coloured = formatter_for("terminal").render(run, colour=True).decode("utf-8")
    summary = coloured.rstrip().splitlines()[-1]
    assert GREEN_ANSI not in summary
    unknown_line = next(line for line in coloured.splitlines() if "未能确定角色（未作审查）" in line)
    assert YELLOW_ANSI in unknown_line and GREEN_ANSI not in unknown_line


def test_terminal_quiet_gives_one_line_each_then_the_advice_and_the_counts(run):
    lines = _text("terminal", run, quiet=True).rstrip("\n").splitlines()
    assert lines[1].startswith("会议纪要.txt") and "未能确定角色" in lines[1]
    assert ROLES_ADVICE_CLI in lines[3]
    assert "1 份未能确定角色" in lines[4]


def test_a_run_of_only_such_documents_never_says_no_problems():
    run = CheckRun(documents=(_unknown(), _unknown("b.txt")))
    for fmt in ("terminal", "html"):
        text = _text(fmt, run)
        assert "2 份未能确定角色" in text
        assert "无“应”级问题" not in text


def test_json_validates_and_the_schema_knows_the_status(run):
    data = json.loads(_text("json", run))
    jsonschema.validate(data, report_schema())
    assert [d["status"] for d in data["documents"]] == ["ok", "roles-unknown", "error"]
    schema = report_schema()
    assert schema["properties"]["schema"]["const"] == "contractkit.check/1"
    status = schema["$defs"]["document"]["properties"]["status"]
    assert status["enum"] == ["ok", "roles-unknown", "error"] and "--role" in status["description"]
    # what a consumer must not see: a roles-unknown document with results, or with an error
    judged = run.as_dict()
    judged["documents"][1]["results"] = judged["documents"][0]["results"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(judged, schema)
    erred = run.as_dict()
    erred["documents"][1]["error"] = {"code": "corrupt", "message": "x"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(erred, schema)


class _Html(HTMLParser):
    """Visible text, and each element's classes with the text inside it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.visible: list[str] = []
        self.stack: list[tuple[str, str]] = []
        self.classes: dict[str, list[str]] = {}
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "title"):
            self._skip += 1
        if tag not in ("meta", "br", "hr", "img", "input", "link"):
            self.stack.append((tag, dict(attrs).get("class") or ""))

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self._skip -= 1
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._skip:
            return
        self.visible.append(data)
        for _, classes in self.stack:
            for name in classes.split():
                self.classes.setdefault(name, []).append(data)

    def text(self, cls: str) -> str:
        return "".join(self.classes.get(cls, []))


def _parse(html: str) -> _Html:
    parser = _Html()
    parser.feed(html)
    parser.close()
    return parser


def test_html_counts_it_in_amber_never_green_with_the_advice(run):
    html = _text("html", run)
    parsed = _parse(html)
    assert "1 份未能确定角色" in parsed.text("summary")
    assert parsed.text("tile").count("份未能确定角色") == 1
    assert re.search(r'<div class="tile roles-unknown"><b>1</b><span>份未能确定角色</span>', html)
    assert "未能确定角色" in parsed.text("roles-unknown")  # the badges
    callout = parsed.text("callout")
    assert NOTE in callout and ROLES_ADVICE_CLI in callout
    # amber, and nothing green in that document's part of the page
    assert re.search(r"--unknown: #[0-9a-f]{6}; --unknown-bg: #fef0c7", html)
    assert re.search(r"\.badge\.roles-unknown \{[^}]*var\(--unknown-bg\)[^}]*var\(--unknown\)", html)
    section = html[html.index('id="doc-2"'):html.index('id="doc-3"')]
    assert "satisfied" not in section and "已满足" not in section and "通过" not in section
    assert "滨江市星河贸易有限公司" in section  # the parties found, so the roles can be chosen


def test_csv_row_says_roles_unknown_and_what_to_do(run):
    header, *rows = list(csv.reader(io.StringIO(_text("csv", run), newline="")))
    column = {name: index for index, name in enumerate(header)}
    (row,) = [r for r in rows if r[column["文件"]] == "会议纪要.txt"]
    assert row[column["文件状态"]] == "未能确定角色"
    assert row[column["结果"]] == "" and row[column["错误代码"]] == ""
    assert NOTE in row[column["说明"]] and ROLES_ADVICE_CLI in row[column["说明"]]


def test_xlsx_marks_it_amber_counts_it_and_gives_the_advice(run):
    openpyxl = pytest.importorskip("openpyxl")
    from contractkit.formatters.xlsx_formatter import ROLES_UNKNOWN_FILL, STATUS_FILLS

    workbook = openpyxl.load_workbook(io.BytesIO(formatter_for("xlsx").render(run)))
    results = workbook["结果"]
    header = [cell.value for cell in results[1]]
    (row,) = [r for r in results.iter_rows(min_row=2) if r[0].value == "会议纪要.txt"]
    state = row[header.index("文件状态")]
    assert state.value == "未能确定角色" and state.fill.fgColor.rgb[-6:] == ROLES_UNKNOWN_FILL
    assert ROLES_ADVICE_CLI in row[header.index("说明")].value

    summary = workbook["汇总"]
    (line,) = [r for r in summary.iter_rows(min_row=3) if r[0].value == "会议纪要.txt"]
    assert line[1].value == "未审查" and line[1].fill.fgColor.rgb[-6:] == ROLES_UNKNOWN_FILL
    assert ROLES_ADVICE_CLI in line[-1].value
    fills = {cell.fill.fgColor.rgb[-6:] for cell in line[2:-1]}
    assert fills == {ROLES_UNKNOWN_FILL} and STATUS_FILLS[Status.SATISFIED] not in fills
    column_a = [cell.value for (cell,) in summary.iter_rows(min_col=1, max_col=1) if cell.value]
    assert any(str(v).startswith("合计：") and "1 份未能确定角色" in str(v) for v in column_a)
    assert any("琥珀色" in str(v) for v in column_a)  # the legend explains the colour


def test_every_format_gives_the_browser_advice_when_asked_and_never_a_flag(run):
    for fmt in FORMATS:
        if fmt in ("xlsx", "json", "jsonl"):  # the JSON formats: the status says it
            continue
        text = _text(fmt, run, roles_advice=ROLES_ADVICE_WEB)
        assert ROLES_ADVICE_WEB in text, fmt
        assert not any(flag in text for flag in FLAGS), fmt
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.load_workbook(io.BytesIO(formatter_for("xlsx", roles_advice=ROLES_ADVICE_WEB).render(run)))
    cells = [str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value]
    assert any(ROLES_ADVICE_WEB in c for c in cells) and not any(f in c for c in cells for f in FLAGS)


# ------------------------------------------------------------------ the review service
@pytest.fixture(scope="module")
def service(tmp_path_factory):
    with running(settings_for(tmp_path_factory.mktemp("service"))) as client:
        yield client


@pytest.fixture(scope="module")
def review(service):
    """A batch of a judged contract and one whose roles cannot be determined."""
    response = upload(service, [("gov.docx", sample("gov-cloud-service.docx")),
                                ("家具采购合同.txt", NAMED_PARTIES.encode("utf-8"))], uploader="法务部")
    assert response.status_code == 201, response.text
    return response.json()


def _unknown_document(review) -> dict:
    return next(d for d in review["documents"] if d["name"] == "家具采购合同.txt")


def test_service_stores_it_as_its_own_state_and_counts_it_apart(review):
    assert review["finished"]
    by_name = {d["name"]: d for d in review["documents"]}
    assert by_name["gov.docx"]["status"] == "done"
    unknown = by_name["家具采购合同.txt"]
    assert unknown["status"] == "roles-unknown" and unknown["error"] is None
    assert [p["label"] for p in unknown["parties"]] == ["甲方", "乙方"]  # so roles can be chosen
    totals = review["totals"]
    assert totals["roles_unknown"] == 1 and totals["errors"] == 0 and totals["finished"] == 2


def _visible(html: str) -> str:
    return "".join(_parse(html).visible)


def test_review_page_shows_the_row_in_amber_with_a_link_to_choose_roles(service, review):
    html = service.get(f"/reviews/{review['id']}").text
    document_id = _unknown_document(review)["id"]
    row = re.search(rf'<tr data-document="{document_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert 'class="roles-unknown"' in row.group(0)
    assert "未能确定角色" in row.group(1) and f'href="/documents/{document_id}#parties"' in row.group(1)
    assert "均已覆盖" not in row.group(1) and "state ok" not in row.group(1)
    assert "1 份未能确定角色" in _visible(html)
    assert not any(flag in _visible(html) for flag in FLAGS)
    history = service.get("/reviews").text
    assert "1 份未能确定角色" in _visible(history)


def test_document_page_puts_the_roles_form_first_in_the_user_s_terms(service, review):
    document_id = _unknown_document(review)["id"]
    html = service.get(f"/documents/{document_id}").text
    visible = _visible(html)
    assert ROLES_CHOOSE_WEB in visible and "未能确定角色" in visible
    assert html.index('id="parties"') < html.index('id="roles-form"')
    assert 'id="findings"' not in html or html.index('id="roles-form"') < html.index('id="findings"')
    assert "均已覆盖" not in visible and "state ok" not in html
    for forbidden in (*FLAGS, "roles-unknown", "provider", "organisation"):
        assert forbidden not in visible, forbidden
    assert 'name="role:甲方"' in html and 'name="role:乙方"' in html


def test_service_downloads_give_the_browser_advice_and_valid_json(service, review):
    document_id = _unknown_document(review)["id"]
    for fmt in ("html", "csv"):
        text = service.get(f"/api/documents/{document_id}/report.{fmt}").content.decode("utf-8-sig")
        assert ROLES_ADVICE_WEB in text, fmt
        assert not any(flag in text for flag in FLAGS), fmt
    data = service.get(f"/api/reviews/{review['id']}/report.json").json()
    jsonschema.validate(data, report_schema())
    assert sorted(d["status"] for d in data["documents"]) == ["ok", "roles-unknown"]
    annotated = service.get(f"/api/documents/{document_id}/annotated.docx")
    assert annotated.status_code == 409  # nothing judged, nothing to annotate


def test_choosing_the_roles_in_the_page_gets_it_judged(service):
    response = upload(service, [("家具采购合同.txt", NAMED_PARTIES.encode("utf-8"))])
    document_id = response.json()["documents"][0]["id"]
    assert response.json()["documents"][0]["status"] == "roles-unknown"
    response = service.post(f"/documents/{document_id}/recheck", follow_redirects=False,
                            data={"mode": "given", "role:甲方": "provider", "role:乙方": "om"})
    assert response.status_code == 303
    deadline = time.monotonic() + 60
    while (body := service.get(f"/api/documents/{document_id}").json())["status"] == "queued":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert body["status"] == "done" and body["pairs"] == ["provider-om"]
    assert body["summary"]["missing"] > 0


def test_amber_state_has_its_own_style():
    css = (REPO / "contractkit" / "service" / "static" / "app.css").read_text(encoding="utf-8")
    rules = {selector.strip(): body for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", css)}
    row = next(body for selector, body in rules.items() if "tr.roles-unknown" in selector)
    assert "--roles-unknown" in row
    state = next(body for selector, body in rules.items() if ".state.roles-unknown" in selector)
    assert "var(--roles-unknown)" in state and "satisfied" not in state
    assert re.search(r"--roles-unknown: #[0-9a-f]{6}", css)
