"""contractkit evaluate: role accuracy per document beside the item accuracy.

A tiny labelled corpus in the dev-corpus format (labels.json + SOURCES.tsv)
is written here, so nothing depends on ../shared being present.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractkit.checking.evaluation import (
    evaluate,
    load_labelled_corpus,
    organisation_name,
    role_outcome,
    role_totals,
)
from contractkit.cli import main
from contractkit.results.model import ROLES_UNKNOWN, DocumentReport, PartyResult

# A provider–O&M contract whose parties, names and work are all plain: roles come out right.
OM_CONTRACT = """云计算平台运维服务合同
甲方：华云数智科技有限公司（以下简称“华云”）
乙方：恒安运维服务有限公司（以下简称“恒安”）
华云作为云服务提供者运营华云政务云平台。华云委托恒安为华云政务云平台提供运维服务。
第一条 服务内容
一、恒安负责华云政务云平台服务器、存储设备和网络设备的日常巡检、故障处理和运行维护。
二、华云有权对恒安的运维服务进行监督检查，恒安应当接受并配合。
第二条 违约责任
一、恒安未按约定提供运维服务的，应向华云支付违约金并赔偿损失。
"""

# The same kind of contract; the labels also give the O&M partner the security role it does not have here.
PARTLY_CONTRACT = OM_CONTRACT.replace("华云", "星河").replace("恒安", "博远")

# The same kind of contract again; its labels swap the two sides, so no label can come out right.
NONE_CONTRACT = OM_CONTRACT.replace("华云", "云启").replace("恒安", "安维")

NO_ITEMS = {
    item: {"present": False, "reason": "not in this short test contract"}
    for item in ("E1_division", "E2_accountability", "E3_supervision_right", "E4_accept_supervision",
                 "E5_subcontract_limit", "E6_incident_vuln", "E7_data_exit", "E8_regulator")
}


def _entry(roles: dict[str, list[str]]) -> dict:
    return {
        "parties": {label: "entrusting" if "provider" in r else "performing" for label, r in roles.items()},
        "roles": roles,
        "items": NO_ITEMS,
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("labelled")
    files = {
        "01_om.txt": (OM_CONTRACT, "om-service",
                      {"甲方": ["provider"], "华云": ["provider"], "乙方": ["om"], "恒安": ["om"]}),
        "02_partly.txt": (PARTLY_CONTRACT, "om-service",
                          {"甲方": ["provider"], "星河": ["provider"], "乙方": ["om", "security"],
                           "博远": ["om", "security"]}),
        "03_swapped.txt": (NONE_CONTRACT, "om-service", {"甲方": ["om"], "乙方": ["provider"]}),
    }
    rows = ["file\ttitle_zh\tsource\tkind\tapprox_chars\tcomplete\tnotes"]
    labels = {}
    for name, (text, kind, roles) in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        rows.append(f"{name}\t{text.splitlines()[0]}\twritten for this test\t{kind}\t~{len(text)} chars\tcomplete\t")
        labels[name] = _entry(roles)
    (folder / "SOURCES.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def run_cli():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, ["evaluate", *map(str, args)], catch_exceptions=False)

    return invoke


# ---------------------------------------------------------------- one document, no checker
def _report(*parties: PartyResult, status: str = "ok") -> DocumentReport:
    return DocumentReport(path=Path("x.txt"), status=status, parties=parties)


def _party(label, roles, name=None, aliases=()) -> PartyResult:
    return PartyResult(label=label, name=name, roles=tuple(roles), source="inferred", aliases=tuple(aliases))


LABELLED = {"甲方": ["provider"], "华云": ["provider"], "乙方": ["om"]}


def test_every_label_right_and_nothing_extra_is_exact():
    report = _report(
        _party("甲方", ["provider"], name="华云数智科技有限公司", aliases=("华云",)), _party("乙方", ["om"])
    )
    outcome = role_outcome("x.txt", LABELLED, report)
    assert outcome.outcome == "exact"
    assert [label.right for label in outcome.labels] == [True, True, True]


def test_a_label_is_found_by_the_party_name_as_well():
    report = _report(_party("甲方", ["provider"], name="华云"), _party("乙方", ["om"]))
    assert role_outcome("x.txt", LABELLED, report).outcome == "exact"


def test_wrong_roles_or_a_missing_label_make_it_partly():
    report = _report(_party("甲方", ["provider"]), _party("乙方", ["om", "security"]))
    outcome = role_outcome("x.txt", LABELLED, report)
    assert outcome.outcome == "partly"
    by_label = {label.label: label for label in outcome.labels}
    assert by_label["华云"].got is None and not by_label["华云"].right
    assert by_label["乙方"].got == ("om", "security") and not by_label["乙方"].right


def test_a_role_given_to_a_party_the_labels_leave_out_is_a_wrong_extra():
    report = _report(_party("甲方", ["provider"], aliases=("华云",)), _party("乙方", ["om"]),
                     _party("丙方", ["om"], name="保证人担保有限公司"), _party("丁方", []))
    outcome = role_outcome("x.txt", LABELLED, report)
    assert all(label.right for label in outcome.labels)
    assert outcome.extras == (("丙方（保证人担保有限公司）", ("om",)),)  # 丁方 has no role: not counted
    assert outcome.outcome == "partly"


def test_no_label_right_roles_unknown_or_no_parties_is_none():
    assert role_outcome("x.txt", LABELLED, _report(_party("甲方", ["om"]))).outcome == "none"
    assert role_outcome("x.txt", LABELLED, _report()).outcome == "none"
    unknown = _report(_party("甲方", ["provider"]), status=ROLES_UNKNOWN)
    assert role_outcome("x.txt", LABELLED, unknown).outcome == "none"


def test_totals_count_each_outcome():
    outcomes = [
        role_outcome("a", LABELLED, _report(_party("甲方", ["provider"], aliases=("华云",)), _party("乙方", ["om"]))),
        role_outcome("b", LABELLED, _report(_party("甲方", ["provider"]))),
        role_outcome("c", LABELLED, _report()),
        role_outcome("d", LABELLED, _report()),
    ]
    assert role_totals(outcomes) == {"exact": 1, "partly": 1, "none": 2, "of": 4}


def test_our_organisation_name_is_the_providers_longest_organisation_label():
    assert organisation_name({"您": ["customer"], "七牛云": ["provider"], "上海七牛信息技术有限公司": ["provider"],
                              "七牛": ["provider"]}) == "上海七牛信息技术有限公司"
    assert organisation_name({"您": ["customer"], "腾讯云": ["provider"]}) == "腾讯云"  # no suffix: the label itself
    assert organisation_name({"甲方": ["provider"], "华云": ["provider"]}) == "华云"  # past the side's label
    assert organisation_name({"甲方": ["provider"], "乙方": ["om"]}) is None  # only says the side
    assert organisation_name({"业主": ["provider"], "咨询工程师": ["om"]}) is None
    assert organisation_name({"甲方": ["om"]}) is None  # no provider


# ---------------------------------------------------------------- the corpus, through the checker
def test_the_labelled_corpus_keeps_item_roles_and_reads_true_roles(corpus):
    contracts = {c.path.name: c for c in load_labelled_corpus(corpus)}
    partly = contracts["02_partly.txt"]
    assert partly.roles["乙方"] == ["om"]  # items are judged with the roles from sides and kind …
    assert partly.role_labels["乙方"] == ("om", "security")  # … roles are measured against the labels


def test_without_a_kind_column_the_labels_roles_give_the_partners_role(tmp_path):
    """A writer's SOURCES.tsv may describe the files without the ``kind`` column: the performing party's
    labelled partner role stands in for it."""
    (tmp_path / "01_security.txt").write_text(OM_CONTRACT, encoding="utf-8")
    (tmp_path / "SOURCES.tsv").write_text("file\tpair\n01_security.txt\tprovider-security\n", encoding="utf-8")
    labels = {"01_security.txt": _entry({"甲方": ["provider"], "乙方": ["security"]})}
    (tmp_path / "labels.json").write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")
    [contract] = load_labelled_corpus(tmp_path)
    assert contract.roles == {"甲方": ["provider"], "乙方": ["security"]}


def test_a_sources_file_without_a_file_column_is_named_with_its_problem(tmp_path, run_cli):
    (tmp_path / "SOURCES.tsv").write_text("name\tkind\n01.txt\tom-service\n", encoding="utf-8")
    (tmp_path / "labels.json").write_text("{}", encoding="utf-8")
    result = run_cli("--labelled", tmp_path)
    assert result.exit_code != 0
    assert f"{tmp_path / 'SOURCES.tsv'}: no 'file' column (found: name, kind)" in result.output
    (tmp_path / "SOURCES.tsv").unlink()
    (tmp_path / "labels.json").write_text("{", encoding="utf-8")
    result = run_cli("--labelled", tmp_path)
    assert result.exit_code != 0 and f"{tmp_path / 'labels.json'}: not valid JSON" in result.output


def test_outcome_per_document(corpus):
    result = evaluate(str(corpus), load_labelled_corpus(corpus))
    assert {o.document: o.outcome for o in result.roles} == {
        "01_om.txt": "exact", "02_partly.txt": "partly", "03_swapped.txt": "none",
    }
    assert result.roles_as is None


def test_cli_prints_the_table_and_the_totals(corpus, run_cli):
    result = run_cli("--labelled", corpus)
    assert result.exit_code == 0, result.output
    assert "roles: 1/3 exact, 1 partly, 1 none" in result.output
    assert "role inference" not in result.output
    rows = {line.split()[0]: line.split()[1] for line in result.output.splitlines()
            if line.startswith("  0") and len(line.split()) >= 2}
    assert rows == {"01_om.txt": "exact", "02_partly.txt": "partly", "03_swapped.txt": "none"}
    assert "expected om,security" not in result.output  # label by label only with --mistakes


def test_cli_mistakes_show_what_was_expected_and_what_came_out(corpus, run_cli):
    output = run_cli("--labelled", corpus, "--mistakes").output
    assert "乙方: expected om,security, got om  WRONG" in output
    assert "甲方: expected provider, got provider  ok" in output
    assert "乙方: expected provider, got om  WRONG" in output  # the swapped labels


def test_cli_json_has_role_accuracy_per_document_and_totals(corpus, run_cli):
    data = json.loads(run_cli("--labelled", corpus, "--format", "json").output)
    roles = data[0]["role_accuracy"]
    assert roles["totals"] == {"exact": 1, "partly": 1, "none": 1, "of": 3}
    documents = {d["document"]: d for d in roles["documents"]}
    assert documents["02_partly.txt"]["outcome"] == "partly"
    wrong = [label for label in documents["02_partly.txt"]["labels"] if not label["right"]]
    assert {label["label"] for label in wrong} == {"乙方", "博远"}
    assert "with_as" not in roles and "role_inference" not in data[0]


def test_cli_as_provider_from_labels_reports_eligible_contracts_separately(corpus, run_cli):
    result = run_cli("--labelled", corpus, "--as-provider-from-labels", "--format", "json")
    with_as = json.loads(result.output)[0]["role_accuracy"]["with_as"]
    # 华云 and 星河 name the provider and appear in their texts; the swapped labels' provider is only 乙方.
    assert (with_as["eligible"], with_as["of"]) == (2, 3)
    assert {d["document"]: d["as"] for d in with_as["documents"]} == {"01_om.txt": "华云", "02_partly.txt": "星河"}
    assert with_as["totals"]["of"] == 2

    table = run_cli("--labelled", corpus, "--as-provider-from-labels").output
    assert "roles with --as: " in table and "(2 of 3 contracts eligible" in table


def test_item_accuracy_is_still_judged_with_the_roles_given(corpus):
    result = evaluate(str(corpus), load_labelled_corpus(corpus))
    overall = result.overall()
    assert overall.tp + overall.fp + overall.fn + overall.tn == 3 * len(NO_ITEMS)
    assert overall.tp == overall.fn == 0  # every item is labelled absent
    assert overall.fp > 0  # the O&M contracts do divide the work, so the rules find items with the roles given


def test_cli_cases_file_reports_exact_statuses_and_mistakes(tmp_path, run_cli):
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- id: plain_right\n"
        "  requirement: 5a3-supervision\n"
        "  roles: {甲方: [provider], 乙方: [om]}\n"
        "  text: 甲方有权随时检查乙方的运维工作，并负责督促乙方整改。\n"
        "  expect: satisfied\n"
        "- id: mislabelled_on_purpose\n"
        "  requirement: 5b1-transfer-depth\n"
        "  roles: {甲方: [provider], 乙方: [om]}\n"
        "  text: 乙方不得将本合同项下的工作转包给第三方。\n"
        "  expect: contrary\n",
        encoding="utf-8",
    )
    result = run_cli("--cases", cases, "--mistakes")
    assert result.exit_code == 0, result.output
    assert "1/2" in result.output  # exact statuses: one right, one (deliberately) wrong
    assert "mislabelled_on_purpose.txt: 5b1-transfer-depth expected contrary, got satisfied" in result.output


def test_cli_cases_file_names_a_case_that_lacks_a_field(tmp_path, run_cli):
    cases = tmp_path / "cases.yaml"
    cases.write_text("- id: no_text\n  requirement: 5a3-supervision\n  roles: {}\n  expect: missing\n",
                     encoding="utf-8")
    result = run_cli("--cases", cases)
    assert result.exit_code != 0
    assert "case 1 lacks text" in result.output
