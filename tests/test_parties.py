"""Who is who: parties and their roles in real-world Chinese contracts, read without hints.

One fixture file per form of contract (tests/fixtures/parties/*.yaml). Each case is the
opening of a contract (party block, definitions, enough of the body to decide) and every
party that signs it: the labels the checker must merge into one party, its full name
(null for a blank template) and its roles under T/CCIA 004-2024. ``no_role`` lists
third parties that do not sign (guarantors, intermediaries, sub-processors, regulators,
end users, labels inside definitions or quoted law) and must hold no role. ``hint`` says
whose side we are on (``CheckSettings.organisation``).

Each case goes through the public checker, from a .txt file, as a user's contract would.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from contractkit.checking.checker import Checker, CheckSettings
from contractkit.organisation import Organisation
from contractkit.results.model import PartyResult

FIXTURES = Path(__file__).parent / "fixtures" / "parties"
ROLES = {"customer", "provider", "software", "hardware", "om", "security"}
CASE_KEYS = {"name", "text", "parties", "no_role", "hint", "known_gap"}


def _load() -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            cases.append((path.stem, case))
    return cases


CASES = _load()


@cache
def _checker(names: tuple[str, ...] = (), role: str = "provider") -> Checker:
    organisation = Organisation(names=names, role=role) if names else None
    return Checker(CheckSettings(suggestions=False, organisation=organisation))


def _words(party: PartyResult) -> set[str]:
    """Everything the report calls this party: its label, its other labels and its name."""
    return {party.label, *party.aliases} | ({party.name} if party.name else set())


def _describe(parties) -> str:
    return "\n".join(
        f"  - {p.label} aliases={list(p.aliases)} name={p.name!r} roles={list(p.roles)}" for p in parties
    ) or "  (none)"


# ------------------------------------------------------------------ the fixtures themselves
def test_fixtures_are_well_formed():
    assert len(CASES) >= 70
    names = [case["name"] for _, case in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    for group, case in CASES:
        where = f"{group}::{case.get('name')}"
        assert set(case) <= CASE_KEYS and {"name", "text", "parties"} <= set(case), where
        lines = [line for line in case["text"].splitlines() if line.strip()]
        assert 3 <= len(lines) <= 25, where
        assert case["parties"], where
        for party in case["parties"]:
            assert party["labels"], where
            assert set(party["roles"]) <= ROLES, where
            for label in party["labels"]:
                assert label in case["text"], f"{where}: label {label} not in the text"
            if party.get("name"):
                assert party["name"] in case["text"], f"{where}: name {party['name']} not in the text"
        for label in case.get("no_role") or ():
            assert label in case["text"], f"{where}: no_role {label} not in the text"
        hint = case.get("hint")
        if hint:
            assert hint["as"] and hint.get("as_role", "provider") in ROLES, where


def test_every_form_has_several_cases():
    groups: dict[str, int] = {}
    for group, _ in CASES:
        groups[group] = groups.get(group, 0) + 1
    assert all(count >= 3 for count in groups.values()), groups


# ------------------------------------------------------------------ the checker on each case
def _param(group: str, case: dict):
    # A known gap stays as what a lawyer expects and must keep failing (strict) until it is learnt.
    marks = [pytest.mark.xfail(strict=True, reason=case["known_gap"])] if "known_gap" in case else []
    return pytest.param(case, id=f"{group}::{case['name']}", marks=marks)


@pytest.mark.parametrize("case", [_param(g, c) for g, c in CASES])
def test_parties_and_roles(case, tmp_path):
    hint = case.get("hint") or {}
    checker = _checker(tuple(hint.get("as") or ()), hint.get("as_role", "provider"))
    path = tmp_path / "contract.txt"
    path.write_text(case["text"], encoding="utf-8")
    report = checker.check_path(path)
    assert report.status != "error", report.error
    reported = report.parties

    problems: list[str] = []
    matched: set[int] = set()
    for expected in case["parties"]:
        labels = expected["labels"]
        holders = {label: [i for i, p in enumerate(reported) if label in _words(p)] for label in labels}
        same = [i for i, p in enumerate(reported) if all(label in _words(p) for label in labels)]
        if not same:
            found = {label: [reported[i].label for i in where] for label, where in holders.items()}
            problems.append(f"{labels}: not one party holding all labels (label -> parties: {found})")
            continue
        party = reported[same[0]]
        matched.add(same[0])
        if expected.get("name") is not None and party.name != expected["name"]:
            problems.append(f"{labels}: name {party.name!r}, expected {expected['name']!r}")
        if set(party.roles) != set(expected["roles"]):
            problems.append(f"{labels}: roles {sorted(party.roles)}, expected {sorted(expected['roles'])}")
    for label in case.get("no_role") or ():
        for party in reported:
            if label in _words(party) and party.roles:
                problems.append(f"third party {label} holds roles {list(party.roles)}")
    # Only the signing parties may hold roles: an address line, a representative or a
    # quoted label made into a role holder is a wrong party.
    for i, party in enumerate(reported):
        if i not in matched and party.roles and not any(word in _words(party) for word in case.get("no_role") or ()):
            problems.append(f"unexpected role holder {party.label} ({party.name}) with roles {list(party.roles)}")

    assert not problems, (
        f"{case['name']}:\n" + "\n".join(f"  * {p}" for p in problems) + "\nreported parties:\n" + _describe(reported)
    )


# ------------------------------------------------------------------ roles the user gives
SUPPLY = """服务器采购合同
需方：江城云数据有限公司
供方：江城服务器制造有限公司
供方向需方供应服务器二十台，并负责安装调试。
需方收到设备后十日内支付货款。
"""


def test_a_role_for_a_label_the_contract_does_not_use_names_the_labels_it_does(tmp_path):
    path = tmp_path / "supply.txt"
    path.write_text(SUPPLY, encoding="utf-8")
    report = Checker(CheckSettings(roles={"甲方": ("provider",), "乙方": ("hardware",)})).check_path(path)
    assert report.status == "error" and report.error.code == "unknown-party"
    assert "甲方" in report.error.message and "需方" in report.error.message and "供方" in report.error.message


def test_roles_given_for_the_contracts_labels_are_used_as_given(tmp_path):
    path = tmp_path / "supply.txt"
    path.write_text(SUPPLY, encoding="utf-8")
    report = Checker(CheckSettings(roles={"需方": ("provider",), "供方": ("om",)})).check_path(path)
    roles = {p.label: (p.roles, p.source) for p in report.parties}
    assert roles["需方"] == (("provider",), "given") and roles["供方"] == (("om",), "given")
    assert report.pairs == ("provider-om",)


def test_roles_given_for_labels_the_text_uses_are_taken_though_no_party_block_names_them(tmp_path):
    # A clause quoted alone: 迁移服务商 looks like a party label, 甲方/乙方 are named by no party block.
    path = tmp_path / "clause.txt"
    path.write_text("甲方退出乙方云平台时，数据迁移由甲方另行聘请的迁移服务商负责，迁移服务商应在迁移完成后删除过程数据。",
                    encoding="utf-8")
    report = Checker(CheckSettings(roles={"甲方": ("customer",), "乙方": ("provider",)})).check_path(path)
    assert report.status == "ok", report.error
    assert report.pairs == ("customer-provider",)


def test_our_name_not_among_the_parties_is_said_in_the_report(tmp_path):
    path = tmp_path / "supply.txt"
    path.write_text(SUPPLY, encoding="utf-8")
    report = _checker(("华云数智科技有限公司",)).check_path(path)
    assert any("未在合同当事人中找到我方（华云数智科技有限公司）" in note for note in report.notes)
    assert {p.label: p.roles for p in report.parties} == {"需方": ("provider",), "供方": ("hardware",)}


def test_every_role_comes_with_its_reasons(tmp_path):
    path = tmp_path / "supply.txt"
    path.write_text(SUPPLY, encoding="utf-8")
    for party in _checker().check_path(path).parties:
        assert party.roles and party.reasons, party


def test_a_clause_naming_two_roles_is_one_reason_said_once(tmp_path):
    path = tmp_path / "om-security.txt"
    path.write_text("运维及安全服务合同\n甲方（云服务提供者）：华岳云科技有限公司\n"
                    "乙方（运维服务提供者及安全服务提供者）：恒安信息技术服务有限公司\n"
                    "乙方负责云平台的日常运维和安全监测。\n", encoding="utf-8")
    partner = next(p for p in _checker().check_path(path).parties if p.label == "乙方")
    assert set(partner.roles) == {"om", "security"}
    assert len(partner.reasons) == len(set(partner.reasons)), partner.reasons


def test_the_cloud_the_contract_names_fills_the_suggested_clause(tmp_path):
    """A suggestion says 本平台 by the name the contract gives its cloud (云栈科技运营“云栈托管云”); with two
    clouds named, the blank is left for the drafter."""
    def suggested(clouds: str) -> str:
        path = tmp_path / "hosting.txt"
        path.write_text("托管运维服务合同\n甲方：鼎衡精密制造集团股份有限公司\n乙方：云栈数智科技有限公司\n"
                        f"鉴于：乙方运营{clouds}，甲方将其混合云环境的日常运维工作交由乙方实施。\n"
                        "乙方负责托管环境的巡检和故障处理。\n", encoding="utf-8")
        report = Checker(CheckSettings()).check_path(path)
        return next(f.suggestion or "" for f in report.findings if f.requirement == "5a1-no-responsibility-transfer")

    assert "乙方对云栈托管云自身承担的安全责任" in suggested("“云栈托管云”")
    assert "云栈托管云" not in suggested("“云栈托管云”和“云栈政务云”")


def test_a_signature_lines_date_run_into_the_name_is_cut_off():
    """Text pasted from a PDF loses the spacing between a signature line's name and its date."""
    from contractkit.checking.understanding.parties.declarations import clean_name

    assert clean_name("磐石存储系统（东陵）有限公司（盖章）日期：2024年5月20日") == "磐石存储系统（东陵）有限公司"
