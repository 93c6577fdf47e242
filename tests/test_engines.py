"""The language engines: ``terms`` (lexicon terms and sentences) and ``nlp`` (the same, less the terms
that are no words of the text, by jieba's segmentation), and the ``evaluate --engine`` switch that
measures the difference. No timing here: laziness is checked by counting what was segmented."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractkit.checking.understanding import segmentation
from contractkit.checking.understanding.lexicons import default_lexicons
from contractkit.checking.understanding.nlp import JiebaEngine, TermEngine, make_engine
from contractkit.cli import main

from support import source_from_text


def found(engine, text: str) -> list[tuple[str, str]]:
    """(label, the words matched) of every concept and modal term, sentence by sentence."""
    return [(m.label, s.text[m.start:m.end]) for block in engine.analyse([text]) for s in block
            for m in s.concepts + s.modals]


@pytest.fixture(scope="module")
def nlp():
    return make_engine("nlp")


@pytest.fixture(scope="module")
def terms():
    return make_engine("terms")


# ---------------------------------------------------------------- the token-boundary rule
@pytest.mark.parametrize("text, term, label", [
    ("乙方每月向甲方提交普通报告一份。", "通报", "notify"),  # 普通|报告: it cuts through two words
    ("本合同自双方法定代表人签字之日起生效。", "方法", "standard"),  # 双方|法定代表
    ("如遇紧急情况，乙方有权暂停服务。", "停服", "exit"),  # 暂停|服务
    ("甲方（被许可方）应按期付款。", "许可", "consent"),  # inside 被许可方, a party's name
])
def test_a_term_whose_both_ends_fall_inside_words_is_dropped(nlp, terms, text, term, label):
    assert (label, term) in found(terms, text)
    assert (label, term) not in found(nlp, text)


@pytest.mark.parametrize("text, term, label", [
    ("审计署有权对本项目进行审计。", "审计", "supervision"),  # starts 审计署: a compound's part
    ("乙方的服务期限为三年。", "服务期", "service_period"),  # 服务|期限: one end on a boundary
    ("乙方应立即通知甲方。", "应", "duty"),  # inside 应立即, but where the word starts
    ("甲方有权对乙方的运维工作进行监督检查。", "监督", "supervision"),
])
def test_a_term_with_an_end_on_a_word_boundary_is_kept(nlp, terms, text, term, label):
    assert (label, term) in found(terms, text)
    assert (label, term) in found(nlp, text)


@pytest.mark.parametrize("text, term", [
    ("确认书由乙方负责人签字。", "负责"),  # 负责人: the person in charge
    ("乙方应缴纳履约保证金。", "保证"),  # 保证金: a deposit
    ("甲方向乙方发出中标通知书。", "通知"),  # 通知书: a document
])
def test_a_modal_word_that_heads_a_noun_is_dropped(nlp, terms, text, term):
    assert term in [word for label, word in found(terms, text) if label in ("duty", "undertaking")]
    assert term not in [word for label, word in found(nlp, text) if label in ("duty", "undertaking")]


def test_a_modal_word_before_a_word_of_its_own_is_kept(nlp):
    assert ("duty", "负责") in found(nlp, "乙方负责人员培训。")  # 负责|人员


def test_a_dropped_term_lets_another_term_of_the_same_concept_match(nlp, terms):
    text = "乙方每月向甲方提交普通报告一份。"
    assert [t for t in found(terms, text) if t[0] == "notify"] == [("notify", "通报")]  # it hid 报告
    assert [t for t in found(nlp, text) if t[0] == "notify"] == [("notify", "报告")]


def test_the_words_are_jiebas_with_our_lexicons(nlp):
    assert nlp.words.words("乙方每月提交普通报告") == ["乙方", "每月", "提交", "普通", "报告"]
    assert "云服务提供者" in nlp.words.words("甲方作为云服务提供者")  # the user dictionary


def test_our_runs_are_jiebas_blocks():
    jieba = segmentation.import_jieba()
    assert f"({segmentation.RUN.pattern})" == jieba.re_han_default.pattern


def test_the_engines_differ_only_where_a_term_is_no_word(nlp, terms):
    text = "甲方有权对乙方的运维工作进行监督检查，乙方应当接受并配合。乙方每月提交普通报告。"
    assert set(found(nlp, text)) ^ set(found(terms, text)) == {("notify", "通报"), ("notify", "报告")}


# ---------------------------------------------------------------- laziness
def test_a_document_without_terms_is_never_segmented_nor_the_dictionary_loaded():
    engine = make_engine("nlp")
    sentences = engine.analyse(["天气晴朗，风和日丽。", "我们去公园散步吧！"])
    assert [len(block) for block in sentences] == [1, 1]
    assert engine.words.runs_segmented == 0
    assert engine.words._dictionary is None


def test_terms_on_punctuation_need_no_dictionary():
    engine = make_engine("nlp")
    assert ("notify", "通知") in found(engine, "（通知）")
    assert engine.words._dictionary is None


def test_only_the_runs_around_a_doubtful_term_are_segmented():
    engine = make_engine("nlp")
    cut = []
    tokenizer = engine.words.tokenizer
    real_cut = tokenizer.cut
    tokenizer.cut = lambda text, **options: cut.append(text) or real_cut(text, **options)
    text = "甲方有权对乙方的运维工作进行监督检查，乙方应当接受并配合；乙方每月提交普通报告，双方另行约定。"
    engine.analyse([text])
    assert "乙方每月提交普通报告" in cut  # the run holding 通报, whose both ends may be inside words
    assert "乙方应当接受并配合" not in cut  # its terms' ends cannot be inside a word: never segmented
    assert text not in cut and len(cut) == engine.words.runs_segmented < 4
    engine.analyse([text])
    assert len(cut) == engine.words.runs_segmented  # each run once


# ---------------------------------------------------------------- engines do not share state
def test_two_engines_with_different_lexicons_do_not_see_each_others_words(tmp_path, monkeypatch):
    import jieba

    monkeypatch.setenv("CONTRACTKIT_CACHE_DIR", str(tmp_path / "cache"))
    userdict = tmp_path / "jieba_userdict.txt"
    userdict.write_text(default_lexicons().userdict.read_text(encoding="utf-8") + "普通报 1000000 n\n",
                        encoding="utf-8")
    other = dataclasses.replace(default_lexicons(), userdict=userdict)
    ours, theirs = JiebaEngine(), JiebaEngine(other)
    text = "乙方每月提交普通报告。"
    for _ in range(2):  # interleaved, twice: neither changes the other
        assert ("notify", "通报") not in found(ours, text)  # 普通|报告
        assert ("notify", "通报") in found(theirs, text)  # 普通报|告: 通报 ends on a boundary there
    assert ours.words.words("普通报告") == ["普通", "报告"]
    assert theirs.words.words("普通报告") == ["普通报", "告"]
    assert "普通报" not in jieba.dt.FREQ  # jieba's own tokenizer is never touched
    assert list((tmp_path / "cache").glob("jieba-words-*.marshal"))


def test_the_dictionary_is_built_once_then_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CONTRACTKIT_CACHE_DIR", str(tmp_path))
    lexicons = dataclasses.replace(default_lexicons(), userdict=tmp_path / "userdict.txt")
    lexicons.userdict.write_text("普通报 1000000 n\n", encoding="utf-8")
    built = []
    real_build = segmentation._build
    monkeypatch.setattr(segmentation, "_build", lambda *args: built.append(1) or real_build(*args))
    first = segmentation.dictionary_for(lexicons)
    segmentation._dictionary.cache_clear()
    again = segmentation.dictionary_for(lexicons)
    assert built == [1]
    assert again.freq == {}  # read from the cache: the entries load by first character, as needed
    again.need("普通")
    assert again.freq["普通报"] == first.freq["普通报"] and "报告" not in again.freq
    again.load_all()
    assert again.freq == first.freq and again.pairs == first.pairs and again.total == first.total
    (cached,) = tmp_path.glob("jieba-words-*.marshal")
    cached.write_bytes(b"not marshalled")  # a damaged cache is built again, not an error
    segmentation._dictionary.cache_clear()
    assert segmentation.dictionary_for(lexicons).freq == first.freq
    assert built == [1, 1]
    segmentation._dictionary.cache_clear()


# ---------------------------------------------------------------- the checker and the evaluate switch
def test_the_checker_uses_the_nlp_engine_by_default_and_takes_either():
    from contractkit.checking.checker import Checker

    assert isinstance(Checker().engine, JiebaEngine)
    source = source_from_text("甲方：华云\n乙方：恒安\n甲方有权对乙方的运维工作进行监督检查。\n")
    reports = [Checker(engine=make_engine(kind)).check_document(source) for kind in ("terms", "nlp")]
    assert reports[0] == reports[1]
    assert type(make_engine("terms")) is TermEngine
    with pytest.raises(ValueError, match="unknown engine"):
        make_engine("spacy")


CONTRACT = """云计算平台运维服务合同
甲方：华云数智科技有限公司
乙方：恒安运维服务有限公司
甲方作为云服务提供者运营政务云平台，委托乙方提供运维服务。
一、乙方负责服务器和网络设备的日常巡检、故障处理和运行维护。
二、甲方有权对乙方的运维服务进行监督检查，乙方应当接受并配合。
三、乙方未按约定提供运维服务的，应向甲方支付违约金并赔偿损失。
"""


def _labelled(folder: Path) -> Path:
    folder.mkdir()
    (folder / "01_om.txt").write_text(CONTRACT, encoding="utf-8")
    (folder / "SOURCES.tsv").write_text(
        "file\ttitle_zh\tsource\tkind\tapprox_chars\tcomplete\tnotes\n"
        "01_om.txt\t运维服务合同\twritten for this test\tom-service\t~200 chars\tcomplete\t\n", encoding="utf-8")
    items = {item: {"present": item in ("E2_accountability", "E3_supervision_right", "E4_accept_supervision"),
                    "reason": "test"}
             for item in ("E1_division", "E2_accountability", "E3_supervision_right", "E4_accept_supervision",
                          "E5_subcontract_limit", "E6_incident_vuln", "E7_data_exit", "E8_regulator")}
    labels = {"01_om.txt": {"parties": {"甲方": "entrusting", "乙方": "performing"},
                            "roles": {"甲方": ["provider"], "乙方": ["om"]}, "items": items}}
    (folder / "labels.json").write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")
    return folder


def test_evaluate_measures_with_the_engine_asked_for(tmp_path, monkeypatch):
    from contractkit.checking import evaluation

    corpus = _labelled(tmp_path / "labelled")
    used = []
    real = evaluation.evaluate
    monkeypatch.setattr(evaluation, "evaluate", lambda *a, **k: used.append(k["engine"].kind) or real(*a, **k))
    runner = CliRunner()
    outputs = {}
    for kind in ("terms", "nlp"):
        result = runner.invoke(main, ["evaluate", "--labelled", str(corpus), "--engine", kind, "--format", "json"],
                               catch_exceptions=False)
        assert result.exit_code == 0, result.output
        (measured,) = json.loads(result.output)
        assert measured["engine"] == kind
        outputs[kind] = measured["overall"]
    assert used == ["terms", "nlp"]
    assert outputs["terms"] == outputs["nlp"]  # nothing in this contract is a word cut in two
    table = runner.invoke(main, ["evaluate", "--labelled", str(corpus)], catch_exceptions=False).output
    assert re.search(r"\(engine: nlp\)", table)  # the default
    refused = runner.invoke(main, ["evaluate", "--labelled", str(corpus), "--engine", "spacy"])
    assert refused.exit_code == 2


# ---------------------------------------------------------------- the rule examples under the terms engine
def _example_cases():
    """The examples, a case that needs jieba's words expected to fail here (strictly: it must)."""
    from test_rules import _cases

    cases = []
    for param in _cases():
        case = param.values[1]
        if case.needs_words and not case.known_gap:
            reason = "needs the token layer: jieba's words"
            param = pytest.param(*param.values, id=param.id, marks=[pytest.mark.xfail(strict=True, reason=reason)])
        cases.append(param)
    return cases


def test_some_example_needs_the_token_layer():
    """The ablation over the examples: the token layer decides some case, or it does no work."""
    assert any(param.values[1].needs_words for param in _example_cases())


@pytest.mark.parametrize("requirement, case, roles, options", _example_cases())
def test_rule_case_under_the_terms_engine(requirement, case, roles, options):
    """The examples hold without the token layer too (tests/test_rules.py runs them with it)."""
    from contractkit.checking.checker import Checker, CheckSettings

    checker = _terms_checker(tuple(sorted((label, tuple(r)) for label, r in roles.items())), frozenset(options))
    assert isinstance(checker, Checker) and isinstance(checker.settings, CheckSettings)
    report = checker.check_document(source_from_text(case.text))
    finding = {f.requirement: f for f in report.findings}[requirement]
    assert finding.status.value == case.expect, f"{case.name}: {finding.explanation}"


_TERMS_CHECKERS: dict = {}


def _terms_checker(roles, options):
    from contractkit.checking.checker import Checker, CheckSettings

    key = (roles, options)
    if key not in _TERMS_CHECKERS:
        engine = _TERMS_CHECKERS.setdefault("engine", make_engine("terms"))
        _TERMS_CHECKERS[key] = Checker(CheckSettings(roles=dict(roles), options=options), engine=engine)
    return _TERMS_CHECKERS[key]
