"""The term finder finds exactly what each lexicon entry's regular expression finds, paragraph by paragraph.

Its own way (one Aho-Corasick pass for the literal terms and the patterns'
factors, ``finditer``'s choice replayed per entry, patterns and stop phrases
run only on the paragraphs holding a factor) must never change a result.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contractkit.checking.understanding.lexicons import TermGroup, default_lexicons
from contractkit.checking.understanding.literals import leading_literals, paragraphs_holding, required_factors
from contractkit.checking.understanding.terms import TermFinder

LEXICONS = default_lexicons()
GROUPS = (LEXICONS.concept_group, LEXICONS.modality_group)
FINDERS = tuple(TermFinder(group) for group in GROUPS)
# Pieces that make lexicon terms, stop phrases, pattern matches and the punctuation the patterns stop at.
PIECES = ["安全责任", "转包", "分包", "不得", "应当", "有权", "监督", "检查", "两层", "三层", "合同变更", "变更",
          "甲方", "乙方", "的", "，", "。", "；", "不", "可", "应", "用", "将", "按", "服务", "期限内", "全部", "工作",
          "禁止", "任何第三方", "终止", "随时", " ", "\t", "书", "除", "外", "但", "除外", "见附件", "附件", "为准",
          "经", "同意", "未经", "许可", "被许可方", "财务", "审计", "发票", "委托", "第三方", "维护", "期届满", "响应",
          "不对", "进行", "通报", "普通", "报告", "A", "1"]


def one_by_one(group: TermGroup, texts):
    """The definition: each entry's expression over each paragraph, less its stop phrases."""
    found = []
    for text in texts:
        terms = []
        for label in group.labels:
            stop = group.stops.get(label)
            blocked = [m.span() for m in stop.finditer(text)] if stop else []
            terms += [(label, *m.span()) for m in group.alternation(label).finditer(text)
                      if not any(s <= m.start() and m.end() <= e for s, e in blocked)]
        found.append(terms)
    return found


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), max_size=12))
def test_the_finder_finds_what_the_expressions_find(texts):
    for group, finder in zip(GROUPS, FINDERS, strict=True):
        assert finder.find(texts) == one_by_one(group, texts)


def test_the_real_lexicons_on_a_real_sentence():
    text = "甲方有权对乙方的运维工作进行监督检查，但财务审计除外；未经甲方书面同意，乙方不得将服务转包给任何第三方。"
    for group, finder in zip(GROUPS, FINDERS, strict=True):
        assert finder.find([text, text]) == one_by_one(group, [text, text])


def _group(terms: dict[str, tuple[str, ...]], patterns: dict[str, tuple[str, ...]] | None = None,
           stops: dict[str, str] | None = None) -> TermGroup:
    patterns = patterns or {}
    return TermGroup(
        terms=terms, patterns={label: patterns.get(label, ()) for label in terms},
        stops={label: re.compile(stop) for label, stop in (stops or {}).items()},
    )


def test_a_pattern_match_never_runs_over_a_paragraph_end():
    finder = TermFinder(_group({"x": ()}, {"x": (r"甲[^。]{0,5}乙",)}))
    assert finder.find(["甲方", "乙方"]) == [[], []]
    assert finder.find(["甲方", "甲方乙方"]) == [[], [("x", 0, 3)]]


def test_terms_before_patterns_and_longest_first_at_one_place():
    finder = TermFinder(_group({"x": ("通报", "通报告")}, {"x": ("通.",)}))
    assert finder.find(["通报告", "通过"]) == [[("x", 0, 3)], [("x", 0, 2)]]


def test_a_refused_match_lets_the_next_one_in():
    finder = TermFinder(_group({"notify": ("通报", "报告")}))
    text = "提交普通报告"
    assert finder.find([text]) == [[("notify", 3, 5)]]  # 通报 hides 报告, as the expression does
    refuse_tongbao = lambda text: (lambda start, end: text[start:end] != "通报")  # noqa: E731
    assert finder.find([text], refuse_tongbao) == [[("notify", 4, 6)]]


def test_a_stop_phrase_removes_the_terms_inside_it_only():
    finder = TermFinder(_group({"supervision": ("审计", "检查")}, stops={"supervision": "财务审计"}))
    assert finder.find(["财务审计和安全检查", "审计"]) == [[("supervision", 7, 9)], [("supervision", 0, 2)]]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_every_match_of_a_pattern_holds_one_of_its_factors(text):
    for group in GROUPS:
        expressions = [re.compile(p) for patterns in group.patterns.values() for p in patterns]
        for expression in expressions + list(group.stops.values()):
            factors = required_factors(expression.pattern)
            if factors is None:
                continue
            for match in expression.finditer(text):
                assert any(f in match.group() for f in factors), (expression.pattern, match.group(), factors)


def test_factors_of_some_expressions():
    assert required_factors("(有权|可以|可)[^，。；]{0,20}(停止|终止|中止)") == {"停止", "终止", "中止"}
    assert required_factors("(?:详)?见附件") == {"见附件", "详见附件"}
    assert required_factors("(?<![不许认])可(?=[将按])") == {"可"}
    assert required_factors("a|b*") is None  # b* matches nothing at all: no factor is required
    assert required_factors("(?i)abc") is None


PARTY_PATTERNS = [
    re.compile(p.replace("{e}", "(?P<e>甲方|华云)").replace("{p}", "(?P<p>乙方|恒安)"))
    for p in LEXICONS.parties.side_patterns
] + [re.compile(rf"(?P<party>甲方|乙方)\s*(?:是|为|作为)(?P<role>{words.names.pattern})")
     for words in LEXICONS.parties.roles.values()]
PARTY_PIECES = ["甲方", "乙方", "华云", "恒安", "委托", "提供", "作为", "云服务提供者", "运维服务提供者", "为", "向",
                "，", "。", "服务", "便利", "同意", "将", "系统"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PARTY_PIECES), max_size=15).map("".join), max_size=8))
def test_the_paragraphs_left_out_hold_no_match(texts):
    for pattern in PARTY_PATTERNS + [LEXICONS.modality["duty"], LEXICONS.concepts["subcontract"]]:
        holding = set(paragraphs_holding(pattern, texts))
        assert {i for i, text in enumerate(texts) if pattern.search(text)} <= holding


@pytest.mark.parametrize("pattern, leads", [
    ("(?<![响供])应(?![用急])", {"应"}),
    ("(?:授予|保留)(?!的)|(?<![即必])将(?=[^，]{0,4}删除)", {"授予", "保留", "将"}),
    ("除[^，。；]{0,30}外|另有约定的除外", {"除", "另有约定的除外"}),
    ("(?:详)?见附件", {"详见附件", "见附件"}),  # exact strings joined, the optional one too
    ("扣(?:减|除)(?=[^，]{0,4}费)", {"扣减", "扣除"}),
    ("(?<=的[，,])(?:向[^，]{1,4})?(?:赔偿|支付违约金)", {"向", "赔偿", "支付违约金"}),  # what follows an optional part
    ("(?:^|(?<=[，；]))由(?![此于])", {"由"}),  # a group that only asserts is skipped
    ("(?:a|)b", {"ab", "b"}),  # an empty alternative
    ("[^，]{0,3}应", None),
    ("(?i)abc", None),
])
def test_leading_literals_are_what_every_match_starts_with(pattern, leads):
    assert leading_literals(pattern) == (frozenset(leads) if leads is not None else None)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_every_match_of_a_pattern_starts_with_one_of_its_leads(text):
    # A pattern with leads is only tried where one of them starts (``_LeadSearch``): a lead set that
    # missed a match would lose a term.
    for group in GROUPS:
        for patterns in group.patterns.values():
            expression = re.compile("|".join(patterns))
            leads = leading_literals(expression.pattern)
            if leads is None:
                continue
            for match in expression.finditer(text):
                assert any(text.startswith(lead, match.start()) for lead in leads), (expression.pattern, match)


def test_pattern_literals_are_read_back_from_the_cache_and_a_broken_cache_is_ignored(tmp_path, monkeypatch):
    from contractkit.checking.understanding.literals import literals_of

    monkeypatch.setenv("CONTRACTKIT_CACHE_DIR", str(tmp_path))
    patterns = [p for patterns in LEXICONS.modality_group.patterns.values() for p in patterns][:12]
    computed = literals_of(patterns)
    assert computed == {p: (required_factors(p), leading_literals(p)) for p in patterns}
    (cached,) = tmp_path.glob("pattern-literals-*.marshal")
    assert literals_of(patterns) == computed  # read back
    cached.write_bytes(b"\x00 not marshal")
    assert literals_of(patterns) == computed  # recomputed, and written again
    assert literals_of(list(reversed(patterns))) == computed  # the same set of patterns, the same file
    assert len(list(tmp_path.glob("pattern-literals-*.marshal"))) == 1
