"""Each rule's examples, sqlfluff-style, and the registry of checks the rules are made of.

The examples are one file per requirement (corpora/requirements/examples/<id>.yaml,
shipped with the package: ``contractkit rules ID`` shows them). Each case is a
short contract text, the status the checker must give the requirement and,
optionally, the passage the verdict must rest on. Cases are written in varied
real-world phrasing, not in the generator's wording.
"""

from __future__ import annotations

import pytest
import yaml

from contractkit import resources
from contractkit.catalogue import CatalogueError, load_catalogue
from contractkit.checking import CONTEXT_READERS
from contractkit.checking.rules.examples import example_files, read_examples
from contractkit.checking.rules.registry import CHECKS, SentenceCheck, known_checks, pipeline_for, register
from contractkit.results.model import Status

from support import _engine, checker, source_from_text

CATALOGUE_FILE = resources.corpora_dir() / "requirements" / "t-ccia-004-2024.yaml"


def _cases():
    for path in example_files():
        examples = read_examples(path)
        for case in examples.cases:
            # A known gap stays in the examples as what a lawyer expects; it must keep failing
            # (strict) until the checker learns it, so fixing one is noticed.
            marks = [pytest.mark.xfail(strict=True, reason=case.known_gap)] if case.known_gap else []
            yield pytest.param(
                examples.requirement, case, examples.roles_of(case), examples.options_of(case),
                id=f"{examples.requirement}::{case.name}", marks=marks,
            )


def test_every_requirement_has_examples_and_every_example_a_requirement(catalogue):
    have = {p.stem for p in example_files()}
    ids = {r.id for r in catalogue.requirements}
    assert ids - have == set()
    assert have - ids == set()


def test_every_requirement_shows_a_satisfied_and_a_failing_example():
    for path in example_files():
        satisfied, failing = read_examples(path).shown()
        assert satisfied is not None and satisfied.expect == "satisfied", path.stem
        assert failing is not None and failing.expect != "satisfied", path.stem


@pytest.mark.parametrize("requirement, case, roles, options", list(_cases()))
def test_rule_case(requirement, case, roles, options):
    key = tuple(sorted((label, tuple(r)) for label, r in roles.items()))
    report = checker(key, frozenset(options)).check_document(source_from_text(case.text))
    findings = {f.requirement: f for f in report.findings}
    assert requirement in findings, f"{requirement} not checked for pairs {report.pairs}"
    finding = findings[requirement]
    assert finding.status.value == case.expect, (
        f"{case.name}: expected {case.expect}, got {finding.status.value}: {finding.explanation}\n"
        f"evidence: {[e.text for e in finding.evidence]}"
    )
    if case.evidence is not None:
        assert finding.evidence, f"{case.name}: no evidence for {finding.status.value}"
        assert case.evidence in finding.evidence[0].text, (
            f"{case.name}: the verdict rests on {finding.evidence[0].text!r}, expected a passage with {case.evidence!r}"
        )


# ------------------------------------------------------------------ the registry
def test_every_requirement_names_registered_checks(catalogue):
    known = known_checks()
    for requirement in catalogue.requirements:
        names = [use.name for use in requirement.detect.checks]
        assert set(names) <= set(known), requirement.id
        assert [c.name for c in pipeline_for(requirement.detect).checks] == names


def test_special_checks_serve_only_their_requirements(catalogue):
    users = {
        name: {r.id for r in catalogue.requirements if r.detect.uses(name)}
        for name in ("over_limit", "names_party", "listed_breach", "declaration", "weaker_fallback")
    }
    assert users == {
        "over_limit": {"5b1-transfer-depth"},
        "names_party": {"5d-accept-supervision", "66a1-customer-supervision"},
        "listed_breach": {"5b1-transfer-depth", "822b-authorization-within-scope"},
        "declaration": {"5a1-no-responsibility-transfer", "5a3-division", "5c-customer-division",
                        "822a3-service-definition"},
        "weaker_fallback": {"5a3-division", "5c-customer-division"},
    }
    # The checker resolves the party kind names_party wants to the contract's parties.
    assert catalogue.requirement("5d-accept-supervision").detect.mentions == "provider"
    assert catalogue.requirement("5a3-supervision").detect.mentions is None


def _variant(tmp_path, requirement_id, change):
    data = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    detect = next(r for r in data["requirements"] if r["id"] == requirement_id)["detect"]
    change(detect)
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _over_limit(detect):
    return next(c["over_limit"] for c in detect["checks"] if isinstance(c, dict) and "over_limit" in c)


@pytest.mark.parametrize(
    "requirement, change, message",
    [
        ("5a3-division", lambda d: d["checks"].append("no_such_check"),
         r"requirement '5a3-division': unknown check 'no_such_check'; known checks: assigned_in_turn, attribution, "
         r"breach_by, capped_by, contrary, declaration, declines, deferral, disclaims, divides, leaves_the_rest, "
         r"left_open, listed_breach, names_party, narrowed_by, over_limit, partial_element, parties_answer_each, "
         r"weaker_fallback"),
        ("5b1-transfer-depth", lambda d: _over_limit(d).update(max="two"),
         r"'5b1-transfer-depth': check 'over_limit': max: Input should be a valid integer"),
        ("5b1-transfer-depth", lambda d: _over_limit(d).update(pattern="不超过两层"),
         r"check 'over_limit': pattern: .*the pattern needs a group for the number"),
        ("5a2-not-all-work", lambda d: d["checks"].insert(0, "listed_breach"),
         r"'5a2-not-all-work': check 'listed_breach': .*needs modality 'prohibition'"),
        ("5a2-not-all-work", lambda d: d["checks"].append("declaration"),
         r"check 'declaration': a declaration is nobody's right or duty"),
        ("5a2-not-all-work", lambda d: d["checks"].append("deferral"), r"check 'deferral' is listed twice"),
        ("5d-accept-supervision", lambda d: d["checks"].append(d["checks"].pop(0)),
         r"'5d-accept-supervision': check 'names_party': list it first"),
        ("5a2-not-all-work", lambda d: d["checks"].append({"deferral": {"days": 3}}), r"takes no parameters"),
        ("5a3-division", lambda d: next(c["weaker_fallback"] for c in d["checks"] if "weaker_fallback" in c
                                        )["checks"].append("nothing_here"),
         r"check 'weaker_fallback': unknown check 'nothing_here'"),
        ("5a3-division", lambda d: next(c for c in d["checks"] if "partial_element" in c).update(
            partial_element=["no_such_concept"]),
         r"'5a3-division': detection names unknown concepts \['no_such_concept'\]"),
        ("5a3-division", lambda d: d.pop("checks"), r"5a3-division.detect.checks: Field required"),
    ],
)
def test_bad_checks_are_catalogue_errors_naming_the_requirement(tmp_path, requirement, change, message):
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(_variant(tmp_path, requirement, change))


@pytest.fixture
def hook():
    """A requirement-specific check, registered as a module under rules/checks/ would register it."""

    @register("test_every_complete_sentence")
    class EveryCompleteSentence(SentenceCheck):
        needs_all_of = True

        def judge(self, analysed, parties):
            return self.verdict(Status.SATISFIED, "测试用检查", analysed.spans_of(self.detect.all_of))

        def describe(self, label):
            return "测试用检查"

    yield EveryCompleteSentence
    del CHECKS["test_every_complete_sentence"]


def test_a_requirement_can_name_its_own_hook(tmp_path, hook):
    from contractkit.checking.checker import Checker, CheckSettings
    from contractkit.standard import default_standard

    def use_hook(detect):
        detect["checks"] = ["test_every_complete_sentence"]

    catalogue = load_catalogue(_variant(tmp_path, "5a2-not-all-work", use_hook))
    settings = CheckSettings(roles={"甲方": ("provider",), "乙方": ("om",)})
    checking = Checker(settings, engine=_engine(), standard=default_standard().with_catalogue(catalogue))
    # Nobody undertakes anything here: attribution would find nothing, the hook accepts it.
    report = checking.check_document(source_from_text("保留的实施工作：安全策略制定、高危操作审批。"))
    finding = next(f for f in report.findings if f.requirement == "5a2-not-all-work")
    assert finding.status is Status.SATISFIED
    assert "测试用检查" in finding.explanation


def test_explanations_name_the_elements_and_the_near_miss():
    roles = (("甲方", ("provider",)), ("乙方", ("om",)))

    def explain(text: str, requirement: str) -> str:
        report = checker(roles).check_document(source_from_text(text))
        return next(f.explanation for f in report.findings if f.requirement == requirement)

    satisfied = explain("乙方应在发现后24小时内修复云平台的安全漏洞，修复结果经甲方确认。",
                        "65b-vulnerability-remediation")
    assert satisfied.startswith("已约定") and "（要素：漏洞、修复" in satisfied
    # Met but for a further element the standard names (提供者的确认): partial, saying what is there and what is not.
    partial = explain("乙方应在发现后24小时内修复云平台的安全漏洞。", "65b-vulnerability-remediation")
    assert partial.startswith("部分满足") and "（要素：漏洞、修复）" in partial and "但未约定“结果确认”" in partial
    near_miss = explain("甲方应在发现后24小时内修复云平台的安全漏洞。", "65b-vulnerability-remediation")
    assert near_miss.startswith("合同中未找到对应约定") and "相近约定：该句将其约定为甲方的义务" in near_miss


@pytest.mark.parametrize("reader", [r for r in CONTEXT_READERS if r != "tables"])  # tables: test_tables.py
def test_each_context_reader_changes_some_verdict(reader):
    """An ablation over the examples: leaving out a way of reading sentences in context must turn
    some case wrong, or that reader does no work and should go (see contractkit evaluate --without)."""
    from contractkit.checking.checker import Checker, CheckSettings

    turned = []
    for requirement, case, roles, options in (p.values for p in _cases()):
        if case.known_gap:
            continue
        settings = CheckSettings(roles=roles, options=frozenset(options), suggestions=False, without={reader})
        report = Checker(settings, engine=_engine()).check_document(source_from_text(case.text))
        finding = next(f for f in report.findings if f.requirement == requirement)
        if finding.status.value != case.expect:
            turned.append(f"{requirement}::{case.name}")
    assert turned, f"leaving out {reader!r} changes no verdict"


def test_an_unknown_context_reader_is_refused_by_name():
    from contractkit.checking.checker import CheckSettings

    with pytest.raises(ValueError, match="unknown context reader 'coreference': choose from overrides, references"):
        CheckSettings(without={"coreference"})
