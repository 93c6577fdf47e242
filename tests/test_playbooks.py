"""Playbooks: the file and its errors, numbers in every form, positions judged, the report (contractkit.check/2)."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import jsonschema
import pytest
import yaml

from contractkit.playbooks import PlaybookError, load_playbook, read_playbook
from contractkit.playbooks.quantities import find_quantities, parse_chinese, parse_number, write_number
from contractkit.results.model import CheckRun

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "playbooks"
SAMPLES = REPO / "samples" / "playbooks"
PLAYBOOKS = {"numbers": FIXTURES / "numbers.yaml", "strict-provider": SAMPLES / "strict-provider.yaml",
             "balanced": SAMPLES / "balanced.yaml"}
CASES = yaml.safe_load((FIXTURES / "cases.yaml").read_text(encoding="utf-8"))["cases"]
HEADER = ["云平台运维服务合同", "甲方：华云数智科技有限公司", "乙方：恒安信息技术服务有限公司",
          "甲方委托乙方为其云平台提供运维服务，特订立本合同。"]


@cache
def checker(playbook: str):
    from contractkit.checking.checker import Checker, CheckSettings

    roles = {"甲方": ("provider",), "乙方": ("om",)}
    settings = CheckSettings(roles=roles, playbook=load_playbook(PLAYBOOKS[playbook]))
    return Checker(settings, engine=_engine())


@cache
def _engine():
    from contractkit.checking.understanding.nlp import make_engine

    return make_engine()


def _check_text(lines: list[str], playbook: str, tmp_path: Path):
    path = tmp_path / "合同.txt"
    path.write_text("\n".join(HEADER + lines) + "\n", encoding="utf-8")
    return checker(playbook).check_path(path)


# ------------------------------------------------------------------ numbers
@pytest.mark.parametrize(("text", "value"), [
    ("二十四", 24), ("一百零五", 105), ("两", 2), ("十", 10), ("十二", 12), ("伍拾万", 500000),
    ("壹佰捌拾陆万", 1860000), ("一亿二千万", 120000000), ("零", 0),
])
def test_chinese_numerals(text, value):
    assert parse_chinese(text) == value


@pytest.mark.parametrize(("text", "value"), [("24", 24), ("１２", 12), ("1,860,000.00", 1860000), ("99.9", 99.9),
                                             ("1.5万", 15000), ("二十四", 24), ("abc", None)])
def test_numbers_in_any_form(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(("text", "expected"), [
    ("应在2小时内报告", [("2小时内", 2, 2, "hour", "at-most")]),
    ("应在二十四小时内通知", [("二十四小时内", 24, 24, "hour", "at-most")]),
    ("三个工作日内", [("三个工作日内", 3, 3, "workday", "at-most")]),
    ("不超过两层", [("不超过两层", 2, 2, "layer", "at-most")]),
    ("总价款的百分之五十为限", [("百分之五十", 50, 50, "percent", None)]),
    ("不超过人民币伍拾万元", [("不超过人民币伍拾万元", 500000, 500000, "yuan", "at-most")]),
    ("¥1,860,000.00", [("¥1,860,000.00", 1860000, 1860000, "yuan", None)]),
    ("2至4小时", [("2至4小时", 2, 4, "hour", None)]),
    ("2小时至4小时", [("2小时至4小时", 2, 4, "hour", None)]),
    ("二到四个小时", [("二到四个小时", 2, 4, "hour", None)]),
    ("时限为24", [("24", 24, 24, None, None)]),
    ("半小时内", [("半小时内", 0.5, 0.5, "hour", "at-most")]),
    ("一个半月", [("一个半月", 1.5, 1.5, "month", None)]),
    ("两年以上", [("两年以上", 2, 2, "year", "at-least")]),
    ("合同总价款的1倍", [("1倍", 1, 1, "multiple", None)]),
    # not quantities
    ("本合同自2025年4月1日起生效", []), ("7×24小时监控", []), ("ISO/IEC 27001", []), ("第十二条", []),
    ("三级故障", []), ("等保三级以上", []),
])
def test_quantities_with_units_ranges_and_bounds(text, expected):
    found = [(q.text, q.low, q.high, q.unit, q.bound) for q in find_quantities(text)]
    assert found == expected


def test_numbers_are_written_back_in_the_contracts_own_style():
    assert write_number(2, "chinese") == "两" and write_number(24, "chinese") == "二十四"
    assert write_number(100, "chinese") == "一百" and write_number(500000, "financial") == "伍拾万"
    assert write_number(2, "arabic") == "2" and write_number(0.5, "chinese") == "0.5"


# ------------------------------------------------------------------ the fixture contracts
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_each_position_type_reads_its_value(case, tmp_path):
    report = _check_text(case["text"], case["playbook"], tmp_path)
    positions = {p.position: p for p in report.positions}
    for position_id, (status, value) in case["expect"].items():
        result = positions[position_id]
        assert (result.status, result.value) == (status, value), result.explanation
        if status in ("deviates", "walk-away", "not-found"):
            assert result.proposal, "a problem always comes with the clause to propose"
        else:
            assert result.proposal is None or status == "acceptable"
    for position_id, count in case.get("cited", {}).items():
        cited = [r for r in positions[position_id].readings if r.value]
        assert len(cited) == count
        assert "前后不一致" in positions[position_id].explanation


def test_conflicting_values_cite_both_with_their_own_status(tmp_path):
    lines = ["乙方发现安全事件的，应在2小时内报告甲方。", "安全事件发生后，乙方应在十二小时内书面通知甲方。"]
    report = _check_text(lines, "numbers", tmp_path)
    position = next(p for p in report.positions if p.position == "incident-hours")
    assert [(r.value, r.status) for r in position.readings] == [("2小时内", "meets"), ("十二小时内", "deviates")]
    deviating = position.readings[1]
    assert deviating.replacement == "两" and deviating.evidence.text[slice(*deviating.span)] == "十二"
    assert position.action == "replace-value"


def test_a_position_on_a_requirement_of_another_pair_is_left_out(tmp_path):
    report = _check_text(["乙方发现安全事件的，应在2小时内报告甲方。"], "strict-provider", tmp_path)
    ids = {p.position for p in report.positions}
    assert "security-no-subcontracting" not in ids and "maintenance-years" not in ids  # security, software only
    assert "om-p1-restore-hours" in ids


def test_positions_use_the_contracts_party_labels(tmp_path):
    report = _check_text([], "strict-provider", tmp_path)
    position = next(p for p in report.positions if p.position == "vulnerability-notice-hours")
    assert position.status == "not-found" and position.proposal.startswith("乙方发现或者知悉")
    assert "与本合同有关" in position.proposal  # the contract calls itself 本合同, not 本协议
    assert " " not in position.proposal  # YAML's folded line breaks are no spaces between Chinese words


# ------------------------------------------------------------------ the file
def test_the_sample_playbooks_are_valid():
    for path in SAMPLES.glob("*.yaml"):
        playbook = load_playbook(path)
        assert playbook.source == str(path) and playbook.all_positions()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "playbook.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_errors_name_the_file_the_entry_and_the_field(tmp_path):
    path = _write(tmp_path, """\
playbook: 1
name: 测试
pairs: [provider-om]
positions:
  - id: fast-report
    title: 报告时限
    measure: {unit: 小时, direction: at-most, preferred: 8, acceptable: 4, topic: [[安全事件]]}
    preferred: 乙方应报告。
  - id: wording
    title: 表述
    wording: {meets: ['(']}
    preferred: 乙方不得分包。
    colour: red
""")
    with pytest.raises(PlaybookError) as raised:
        read_playbook(path)
    problems = raised.value.problems
    assert "positions[fast-report].measure: preferred 8 must be at least as good as acceptable 4 (at-most)" in problems
    assert any(p.startswith("positions[wording].wording.meets: bad pattern '('") for p in problems)
    assert "positions[wording].colour: unknown field (a misspelling?)" in problems
    assert str(raised.value).startswith(f"{path}: ")


def test_validation_against_the_standard(tmp_path):
    path = _write(tmp_path, """\
playbook: 1
name: 测试
pairs: [provider-om, provider-cloud]
positions:
  - id: report
    title: 报告时限
    requirement: 65z-nothing
    measure: {unit: 小时, direction: at-most, preferred: 2, acceptable: 4, topic: [[安全事件]], near: [报告]}
    preferred: "{{ partner }}应在{{ value }}内处理。"
  - id: unit
    title: 单位
    measure: {unit: 光年, direction: at-most, preferred: 2, acceptable: 4, topic: [[安全事件]]}
    preferred: "{{ nobody }}"
""")
    with pytest.raises(PlaybookError) as raised:
        load_playbook(path)
    text = str(raised.value)
    assert "positions[unit].measure.unit: unknown unit '光年'" in text
    path = _write(tmp_path, """\
playbook: 1
name: 测试
pairs: [provider-om, provider-cloud]
positions:
  - id: report
    title: 报告时限
    requirement: 65z-nothing
    measure: {unit: 小时, direction: at-most, preferred: 2, acceptable: 4, topic: [[安全事件]], near: [报告]}
    preferred: "{{ partner }}应在{{ value }}内处理。"
""")
    with pytest.raises(PlaybookError) as raised:
        load_playbook(path)
    assert "pairs: unknown pair 'provider-cloud'" in str(raised.value)
    assert "positions[report].requirement: '65z-nothing' is neither" in str(raised.value)


# One reporting-time position; each test adds its clauses.
_REPORT_POSITION = """\
playbook: 1
name: 测试
pairs: [provider-om]
positions:
  - id: report
    title: 报告时限
    measure: {unit: 小时, direction: at-most, preferred: 2, acceptable: 4, topic: [[安全事件]], near: [报告]}
"""


def test_a_proposed_clause_must_read_back_as_its_own_position(tmp_path):
    path = _write(tmp_path, _REPORT_POSITION + """\
    preferred: "{{ partner }}应在{{ value }}内处理安全事件。"
    fallback: "{{ partner }}发现安全事件的，应在{{ nobody }}内报告。"
""")
    with pytest.raises(PlaybookError) as raised:
        load_playbook(path)
    assert "positions[report].fallback: 'nobody' is undefined" in str(raised.value)
    path.write_text(path.read_text(encoding="utf-8").replace("{{ nobody }}", "{{ value }}"), encoding="utf-8")
    with pytest.raises(PlaybookError) as raised:
        load_playbook(path)
    assert raised.value.problems == [
        "positions[report].preferred: the clause reads as not-found for its own position (expected meets); its "
        "words must match the position's topic and near words: '乙方应在2小时内处理安全事件。'"]


# ------------------------------------------------------------------ the report and the command line
def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "contractkit", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=300)


def _validator(version: int):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    from contractkit.formatters.json_formatter import report_schema

    registry = Registry()
    for v in (1, 2):
        schema = report_schema(v)
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    return Draft202012Validator(report_schema(version), registry=registry)


def test_check_with_a_playbook_reports_positions_as_check_2():
    result = _run("check", "samples/contracts/security-pentest-soc.docx", "--playbook",
                  "samples/playbooks/strict-provider.yaml", "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    _validator(2).validate(data)
    assert data["schema"] == "contractkit.check/2" and data["playbook"]["name"].startswith("云服务提供者")
    positions = {p["position"]: p for p in data["documents"][0]["positions"]}
    cap = positions["liability-cap-percent"]
    assert (cap["status"], cap["value"], cap["action"]) == ("walk-away", "10%", "replace-clause")
    assert cap["target"] == {"direction": "at-least", "unit": "%", "preferred": "100%", "acceptable": "50%",
                             "walk_away": "20%"}
    assert cap["readings"][0]["evidence"]["text"].endswith("总价款的10%为限。")
    assert list(data["documents"][0]) == ["path", "status", "format", "parties", "pairs", "summary", "notes",
                                          "results", "positions"]
    with pytest.raises(jsonschema.ValidationError):  # a /1 reader refuses it cleanly
        _validator(1).validate(data)


def test_without_a_playbook_the_report_is_check_1_as_before():
    from contractkit.results.model import DocumentReport

    run = CheckRun(documents=(DocumentReport(path="a.docx", status="ok"),))
    data = run.as_dict()
    assert data["schema"] == "contractkit.check/1" and "playbook" not in data
    assert "positions" not in data["documents"][0]
    _validator(1).validate(data)


def test_the_v2_schema_is_generated_and_committed():
    from contractkit.results import schema

    committed = (REPO / "contractkit" / "formatters" / "schema" / "check-report-2.schema.json").read_text("utf-8")
    assert committed == schema.schema_text(2), schema.COMMANDS[2]
    v1, v2 = schema.build_schema(1), schema.build_schema(2)
    assert set(v2["$defs"]) - set(v1["$defs"]) == {"position", "reading", "position-target"}
    assert v2["properties"]["schema"]["const"] == "contractkit.check/2" and "playbook" in v2["required"]


def test_jsonl_and_terminal_with_a_playbook(tmp_path):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    from contractkit.formatters.json_formatter import report_schema
    from contractkit.formatters.jsonl_formatter import stream_schema

    result = _run("check", "samples/contracts/om-security-combined.docx", "--playbook",
                  "samples/playbooks/strict-provider.yaml", "--format", "jsonl")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    registry = Registry()
    for v in (1, 2):
        registry = registry.with_resource(report_schema(v)["$id"], Resource.from_contents(report_schema(v)))
    validator = Draft202012Validator(stream_schema(2), registry=registry)
    for line in lines:
        validator.validate(line)
    assert lines[0]["schema"] == "contractkit.check-stream/2" and lines[0]["report_schema"] == "contractkit.check/2"
    assert lines[0]["playbook"]["side"] == "provider"
    assert lines[1]["document"]["positions"]
    text = _run("check", "samples/contracts/om-security-combined.docx", "--playbook",
                "samples/playbooks/strict-provider.yaml").stdout
    assert "本所立场（playbook）" in text and "合同：24小时  ｜  立场：优选 2小时；可接受 12小时；底线 72小时" in text


def test_the_playbook_commands(tmp_path):
    listed = _run("playbook", "list")
    assert listed.returncode == 0 and "strict-provider.yaml" in listed.stdout and "balanced.yaml" in listed.stdout
    valid = _run("playbook", "validate", *map(str, SAMPLES.glob("*.yaml")))
    assert valid.returncode == 0 and valid.stdout.count(": valid (") == 2
    explained = _run("playbook", "explain", "samples/playbooks/strict-provider.yaml")
    assert "优选 2小时；可接受 4小时；底线 24小时" in explained.stdout
    assert "优选条款：乙方发现或者知悉" in explained.stdout
    bad = _write(tmp_path, "playbook: 1\nname: x\n")
    invalid = _run("playbook", "validate", str(bad))
    assert invalid.returncode == 2 and f"{bad}: name: String should have at least 2 characters" in invalid.stderr
    refused = _run("check", "samples/contracts/om-platform-maintenance.docx", "--playbook", str(bad))
    assert refused.returncode == 2 and "Error:" in refused.stderr and str(bad) in refused.stderr


def test_the_library_call(tmp_path):
    import contractkit.api as api

    run = api.check("samples/contracts/om-platform-maintenance.docx", playbook=SAMPLES / "balanced.yaml")
    assert run.as_dict()["schema"] == "contractkit.check/2" and run.documents[0].positions
    assert run.exit_code == 0 and not [p for p in run.documents[0].positions if p.status == "walk-away"]


def test_a_key_given_twice_is_an_error_with_its_line(tmp_path):
    """YAML would keep the second `preferred:` silently; the lawyer's first wording must not vanish."""
    path = _write(tmp_path, _REPORT_POSITION + """\
    preferred: "{{ partner }}发现安全事件的，应在{{ value }}内报告。"
    preferred: "{{ partner }}应在{{ value }}内报告。"
""")
    with pytest.raises(PlaybookError) as raised:
        load_playbook(path)
    assert str(path) in str(raised.value)
    assert "line 9" in str(raised.value) and "'preferred' is given twice" in str(raised.value)
