"""The classical legal register read as the modern one: 乙方之运维作业, 毋须返还, 受损者，….

Older contracts (and those of Hong Kong, Taiwan and many SOEs' standard forms) write 之 for 的,
毋须 for 无需 and close a condition with 者 where modern drafting writes 的. The lexicons and rules
are written in the modern words; rather than give each of them a classical twin, the text they read
is rewritten word for word into the modern register first.

Every rewrite keeps the text's length, so that offsets into it are offsets into the contract; what
is quoted to the reader is always the contract's own text (rules/evaluate.py ``to_evidence``).
"""

from __future__ import annotations

import re

# 毋须/毋需 (no need), 负之 (bears it): one word for another of the same length.
_WORDS = {"毋须": "无需", "毋需": "无需", "负之": "负责"}
_WORD = re.compile("|".join(_WORDS))

# 之 as 的 between two Han characters (乙方之运维作业, 所生之一切损失), but not where it is a word of its own
# or part of one: 之后/之前/之内/之间/之日/之一…, 总之/反之/随之/为之/言之…
_POSSESSIVE = re.compile(
    r"(?<=[\u4e00-\u9fff])(?<![总加反随为使与因置言久])之"
    r"(?=[\u4e00-\u9fff])(?![后前内外间日时际中上下类处余所至一二三四五六七八九十百千万])"
)

# …泄露者，/ …受损者，: 者 closing a condition (as …的，), in a clause that says what happens (未, 致, 发现,
# 因…): not a noun in 者 (提供者, 使用者, 前者, 或者).
_CONDITION = re.compile(
    r"(?<=[\u4e00-\u9fff])(?<![或再前后二两三作记读学患])者(?=[，,])"
)
_CONDITION_CUE = re.compile(r"未|致|违反|违约|发现|导致|造成|因|如|若|倘|凡|逾期|不能|无法|拒绝|迟延|延误|泄露|丢失")
_CLAUSE_START = re.compile(r"[，。；,;：:\n]")


def modern(text: str) -> str:
    """The text in the modern register, character for character as long."""
    if "之" not in text and "者" not in text and "毋" not in text:
        return text
    text = _WORD.sub(lambda m: _WORDS[m.group()], text)
    text = _POSSESSIVE.sub("的", text)
    return _CONDITION.sub(lambda m: "的" if _is_condition(text, m.start()) else m.group(), text)


def _is_condition(text: str, at: int) -> bool:
    """Does the clause ending at ``at`` (with 者) state a condition (…未…者 / …发现…者)?"""
    start = max((m.end() for m in _CLAUSE_START.finditer(text, 0, at)), default=0)
    return bool(_CONDITION_CUE.search(text, start, at))
