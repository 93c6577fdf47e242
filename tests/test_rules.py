"""One fixture file per requirement (tests/fixtures/rules/<id>.yaml), sqlfluff-style.

Each case is a short contract text and the status the checker must give the
requirement. Cases are written in varied real-world phrasing, not in the
generator's wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from support import checker, source_from_text

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
DEFAULT_ROLES = {"甲方": ["provider"], "乙方": ["om"]}


def _cases():
    for path in sorted(FIXTURES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            roles = case.get("roles") or data.get("roles") or DEFAULT_ROLES
            # A known gap stays in the fixture as what a lawyer expects; it must keep failing
            # (strict) until the checker learns it, so fixing one is noticed.
            marks = [pytest.mark.xfail(strict=True, reason=case["known_gap"])] if "known_gap" in case else []
            yield pytest.param(
                data["requirement"], case, roles, data.get("options", []),
                id=f"{data['requirement']}::{case['name']}", marks=marks,
            )


def test_every_requirement_has_a_fixture_file(catalogue):
    have = {p.stem for p in FIXTURES.glob("*.yaml")}
    assert {r.id for r in catalogue.requirements} - have == set()


@pytest.mark.parametrize("requirement, case, roles, options", list(_cases()))
def test_rule_case(requirement, case, roles, options):
    key = tuple(sorted((label, tuple(r)) for label, r in roles.items()))
    report = checker(key, frozenset(case.get("options", options))).check_document(
        source_from_text(case["text"])
    )
    findings = {f.requirement: f for f in report.findings}
    assert requirement in findings, f"{requirement} not checked for pairs {report.pairs}"
    finding = findings[requirement]
    assert finding.status.value == case["expect"], (
        f"{case['name']}: expected {case['expect']}, got {finding.status.value}: {finding.explanation}\n"
        f"evidence: {[e.text for e in finding.evidence]}"
    )
