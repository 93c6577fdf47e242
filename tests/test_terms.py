"""Terms found over a whole document are exactly those found paragraph by paragraph."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from contractkit.checking.understanding.lexicons import default_lexicons
from contractkit.checking.understanding.terms import TermFinder

LEXICONS = default_lexicons()
# Pieces that make lexicon terms, stop phrases and the punctuation the patterns stop at.
PIECES = ["安全责任", "转包", "分包", "不得", "应当", "有权", "监督", "检查", "两层", "三层", "合同变更", "变更",
          "甲方", "乙方", "的", "，", "。", "；", "不", "可", "应", "用", "将", "按", "服务", "期限内", "全部", "工作",
          "禁止", "任何第三方", "终止", "随时", " ", "\t", "书"]


def one_by_one(patterns, stops, texts):
    found = []
    for text in texts:
        terms = []
        for label, pattern in patterns.items():
            blocked = [m.span() for m in stops[label].finditer(text)] if label in stops else []
            terms += [(label, *m.span()) for m in pattern.finditer(text)
                      if not any(s <= m.start() and m.end() <= e for s, e in blocked)]
        found.append(terms)
    return found


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), max_size=12))
def test_whole_document_scan_equals_paragraph_scan(texts):
    for patterns, stops in ((LEXICONS.concepts, LEXICONS.concept_stops), (LEXICONS.modality, {})):
        assert TermFinder(patterns, stops).find(texts) == one_by_one(patterns, stops, texts)


def test_a_match_across_paragraphs_is_not_kept():
    import re

    finder = TermFinder({"x": re.compile(r"甲[^。]{0,5}乙")})
    assert finder.find(["甲方", "乙方"]) == [[], []]
    assert finder.find(["甲方", "甲方乙方"]) == [[], [("x", 0, 3)]]
