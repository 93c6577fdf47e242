"""The clause model: the learned second reading of short clauses (contractkit.checking.clause_model).

What a user notices: a short clause said in words the rules do not take apart gets the status a
lawyer gives it, and says that the model decided; a whole contract is judged by the rules alone; the
model never credits a clause to the wrong party; the shipped model is what training makes of the
shipped cases; a broken model file is named with its problem; and ``evaluate`` never measures the
model on the cases it learned from.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from contractkit.checking.checker import Checker, CheckSettings
from contractkit.checking.clause_model import training
from contractkit.checking.clause_model.model import ClauseModelError, load_clause_model
from contractkit.checking.evaluation import held_out_standard
from contractkit.checking.understanding.nlp import make_engine
from contractkit.cli import main
from contractkit.standard import default_standard

from support import source_from_text

FIXTURES = Path(__file__).parent / "fixtures" / "clause_model"
REREADINGS = yaml.safe_load((FIXTURES / "rereadings.yaml").read_text(encoding="utf-8"))
SAMPLES = Path(__file__).parent.parent / "samples" / "contracts"
CORPORA = Path(__file__).parent.parent / "corpora"


def _finding(case: dict, clause_model: bool, engine_kind: str = "nlp"):
    settings = CheckSettings(roles={k: tuple(v) for k, v in case["roles"].items()},
                             extra_requirements=(case["requirement"],), clause_model=clause_model)
    report = Checker(settings, engine=_engines(engine_kind)).check_document(source_from_text(case["text"]))
    return report, next(f for f in report.findings if f.requirement == case["requirement"])


_ENGINES: dict[str, object] = {}


def _engines(kind: str):
    if kind not in _ENGINES:
        _ENGINES[kind] = make_engine(kind)
    return _ENGINES[kind]


@pytest.mark.parametrize("case", REREADINGS, ids=[c["name"] for c in REREADINGS])
def test_a_clause_in_other_words_gets_the_lawyers_status(case):
    _, by_rules = _finding(case, clause_model=False)
    assert by_rules.status.value == case["rules"], by_rules.explanation
    report, finding = _finding(case, clause_model=True)
    assert finding.status.value == case["expect"], finding.explanation
    # It says who decided, and what the rules had said.
    assert "按所学条款措辞判断" in finding.explanation
    assert f"逐项规则判为“{default_standard().vocabulary.zh('statuses', case['rules'])}”" in finding.explanation
    assert finding.evidence, "a credited finding quotes the clause"
    assert any("条款措辞" in note for note in report.notes)
    if finding.status.value == "satisfied":
        assert finding.suggestion is None and finding.consequence is None


def test_without_words_the_model_is_left_out():
    """The terms engine has no tokens: the rules' status stands (``--engine terms`` measures the layer)."""
    case = REREADINGS[0]
    _, finding = _finding(case, clause_model=True, engine_kind="terms")
    assert finding.status.value == case["rules"]


def test_a_contract_is_judged_by_the_rules_alone():
    """Longer than the clauses the model learned from: identical reports with and without it."""
    contract = next(SAMPLES.glob("*.docx"))
    assert default_standard().clause_model is not None
    reports = []
    for clause_model in (True, False):
        report = Checker(CheckSettings(clause_model=clause_model), engine=_engines("nlp")).check_path(contract)
        assert report.status == "ok" and len(report.findings) > 20
        reports.append([(f.requirement, f.status, f.explanation) for f in report.findings])
    assert reports[0] == reports[1]


SHORT_CONTRACT = """云平台运维服务合同
甲方：澄江云计算有限公司
乙方：澄江恒序信息技术有限公司
第一条 乙方负责云平台主机的补丁更新、漏洞修复和日志审计，甲方负责安全策略的制定与审批。
第二条 甲方有权每季度对乙方的运维工作进行抽检；乙方应当配合上述抽检，并如实提供运维记录。
第三条 乙方未按约定完成运维工作的，应向甲方支付违约金。
"""


def test_a_short_contract_naming_its_parties_is_judged_by_the_rules_alone():
    """A page of a few articles under its party block is a document, not a clause: the model had credited
    requirements it never speaks of (responsibility not transferred, cooperation with regulators) from
    words said about others. No case it learned from has such a block, nor more lines than the limit."""
    from contractkit.checking.clause_model import judges

    roles = {"甲方": ("provider",), "乙方": ("om",)}
    reports = [Checker(CheckSettings(roles=roles, clause_model=on), engine=_engines("nlp")).check_document(
        source_from_text(SHORT_CONTRACT)) for on in (True, False)]
    assert [(f.requirement, f.status) for f in reports[0].findings] == \
        [(f.requirement, f.status) for f in reports[1].findings]
    statuses = {f.requirement: f.status.value for f in reports[0].findings}
    assert statuses["5a1-no-responsibility-transfer"] == statuses["65b-regulator-cooperation"] == "missing"
    assert all(judges(case["text"]) for path in sorted((CORPORA / "evaluation").glob("blind-cases*.yaml"))
               for case in yaml.safe_load(path.read_text(encoding="utf-8")))


def test_the_model_does_not_credit_a_clause_to_the_wrong_party():
    """Swap who does the work: the words are the same, the clause is the other party's."""
    case = REREADINGS[2]
    swapped = case["text"].replace("甲方", "〇").replace("乙方", "甲方").replace("〇", "乙方")
    _, finding = _finding({**case, "text": swapped}, clause_model=True)
    assert finding.status.value not in ("satisfied", "partial"), finding.explanation


def test_the_model_finds_nothing_contrary_off_topic():
    """Terms made of refusals about other matters: what the text never speaks of stays missing, though its
    words look like those of contrary clauses (contrary only on topic)."""
    text = "一、本协议不设定任何安全控制要求。\n二、本协议不划分双方的安全责任。"
    settings = CheckSettings(roles={"甲方": ("provider",), "乙方": ("customer",)}, clause_model=True)
    report = Checker(settings, engine=_engines("nlp")).check_document(source_from_text(text))
    by_id = {f.requirement: f for f in report.findings}
    for off_topic in ("66a3-supply-chain-notice", "83b1-data-exit"):
        assert by_id[off_topic].status.value == "missing", by_id[off_topic].explanation
    # The refusal to divide is on topic, and contrary.
    assert by_id["5c-customer-division"].status.value == "contrary"


def test_the_shipped_model_is_valid_and_speaks_of_known_requirements():
    model = default_standard().clause_model
    assert model is not None and 0 < model.threshold <= 1
    known = {r.id for r in default_standard().catalogue.requirements}
    crossed = {f.rsplit("|", 1)[1] for f in model.weights if "|" in f}
    assert crossed and crossed <= known
    assert model.training.rule_examples and model.training.files


def test_the_shipped_model_is_what_training_makes_of_the_shipped_cases():
    """Retrain from what the model file says it learned from: the decisions agree (the model is data,
    and data that no longer follows from its sources is stale: retrain after changing the rules)."""
    shipped = default_standard().clause_model
    assert shipped is not None
    root = default_standard().manifest_path.parent
    files = [root / f for f in shipped.training.files]
    engine = _engines("nlp")
    examples = training.examples_from(training.cases_in(files) + training.documented_examples(), engine)
    assert len(examples) == shipped.training.cases
    fresh = training.train(files, engine=engine, examples=examples, settings=training.Settings.of(shipped))
    from contractkit.checking.clause_model import reread

    def decisions(model):
        return [getattr(reread(model, e.rules, e.requirement, engine.tokens(e.text)), "status", None) for e in examples]

    agree = sum(a == b for a, b in zip(decisions(shipped), decisions(fresh), strict=True))
    assert agree >= 0.995 * len(examples), f"only {agree}/{len(examples)} decisions agree: retrain the model"


@pytest.mark.parametrize("content, problem", [
    (b"{not json", "Invalid JSON"),
    (None, "format 9 is not 1"),
    (None, "values, not one per status"),
])
def test_a_broken_model_file_is_named_with_its_problem(tmp_path, content, problem):
    path = tmp_path / "clause-model.json"
    if content is None:
        data = json.loads(default_standard().clause_model_path.read_text(encoding="utf-8"))
        if "format" in problem:
            data["format"] = 9
        else:
            data["bias"] = data["bias"][:2]
        content = json.dumps(data).encode()
    path.write_bytes(content)
    with pytest.raises(ClauseModelError) as caught:
        load_clause_model(path)
    assert str(path) in str(caught.value) and problem in str(caught.value)


def test_a_missing_model_file_is_named(tmp_path):
    with pytest.raises(ClauseModelError, match="clause-model.json: cannot be read"):
        load_clause_model(tmp_path / "clause-model.json")


def _cases_file(path: Path, cases: list[dict]) -> Path:
    path.write_text(yaml.safe_dump(cases, allow_unicode=True), encoding="utf-8")
    return path


def _as_cases(fixture: list[dict], prefix: str) -> list[dict]:
    return [{"id": f"{prefix}-{n}", "requirement": c["requirement"], "roles": c["roles"], "text": c["text"],
             "expect": c["expect"]} for n, c in enumerate(fixture, 1)]


def test_evaluate_retrains_without_a_cases_file_the_model_learned_from(tmp_path):
    """A model measured on its own training cases would flatter itself: evaluate holds the file out."""
    learned = _cases_file(tmp_path / "learned.yaml", _as_cases(REREADINGS, "a"))
    other = _cases_file(tmp_path / "other.yaml", _as_cases(REREADINGS[:1], "b"))
    engine = _engines("nlp")
    examples = training.examples_from(training.cases_in([learned, other]), engine)
    model = training.train([learned, other], engine=engine, examples=examples, rule_examples=False)
    standard = default_standard().with_clause_model(model)
    retrained, use = held_out_standard(learned, engine, standard=standard, examples=examples)
    assert use.startswith("held out: retrained without learned.yaml")
    assert retrained.clause_model is not None and retrained.clause_model.training.files == (str(other),)
    unknown = _cases_file(tmp_path / "unknown.yaml", _as_cases(REREADINGS, "c"))
    assert held_out_standard(unknown, engine, standard=standard, examples=examples) == (standard, "shipped")


def test_evaluate_can_leave_the_model_out(tmp_path):
    cases = _cases_file(tmp_path / "mine.yaml", _as_cases(REREADINGS, "m"))
    runner = CliRunner()
    with_model = runner.invoke(main, ["evaluate", "--cases", str(cases), "--mistakes"])
    without = runner.invoke(main, ["evaluate", "--cases", str(cases), "--mistakes", "--no-clause-model"])
    assert with_model.exit_code == 0 and without.exit_code == 0, with_model.output + without.output
    assert "clause model: shipped" in with_model.output and "clause model: off" in without.output
    assert f"{len(REREADINGS)}/{len(REREADINGS)}" in with_model.output
    assert "expected satisfied, got" in without.output  # the rules alone fall short on these


def test_settings_carry_the_switch_to_other_processes():
    import pickle

    settings = replace(CheckSettings(), clause_model=False)
    assert pickle.loads(pickle.dumps(settings)).clause_model is False
