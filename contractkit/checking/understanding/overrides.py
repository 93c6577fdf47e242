"""Clauses the contract itself takes back: "双方确认，第10.3条不适用于本协议。"

Special terms (特别约定, 补充条款) and supplementary agreements often switch off an
earlier clause by its number: 第10.3条不适用, 删除原合同第十条, 第8.2条作废. What
such a clause says no longer binds anyone, so it must neither meet a
requirement nor say its opposite; the checker leaves its paragraphs out and
says so in the report's notes.

A clause is found by its number where a paragraph starts with it: "10.3 …" for
a numbered sub-clause, "第十条 …" (or 第10条) for an article, which then runs to
the next article. Only numbers the text itself uses are taken: a number with
no such paragraph switches nothing off.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from contractkit.checking.understanding.numerals import CLAUSE_NUMBER as _NUMBER
from contractkit.checking.understanding.numerals import clause_number as _normal

# 第10.3条不适用于本协议 / 第十条约定的内容不再适用 / 第8.2条作废 / 删除原合同第十条 / 原合同第5条予以删除
# / 原合同第九条“监督与审计”全文删除.
VOIDING = re.compile(
    # 原合同第十条第3款删除: a paragraph of an article, the sub-clause 10.3 (第一款、第二款删除: several).
    rf"第\s*(?P<a>{_NUMBER})\s*条(?P<k>第\s*(?:{_NUMBER})\s*款(?:\s*[、和及与]\s*第\s*(?:{_NUMBER})\s*款)*)?"
    rf"(?:[（(][^）)]{{1,12}}[）)])?"
    # 原合同第九条“监督与审计”全文删除: the clause's title may follow its number.
    rf"(?:[“\"「《][^”\"」》]{{1,20}}[”\"」》])?(?:所?(?:约定|规定)的?(?:内容|事项)?|之约定)?"
    # 原合同第十二条自本补充协议生效之日起废止: from when it stops binding.
    rf"(?:自[^，。；]{{1,20}}起)?"
    rf"(?:不(?:再|予)?适用|作废|废止|(?:全文|全部|整条)?(?:予以)?删除|失效"
    # 主协议第十一条修改为：“…” / 第十一条全文替换为：“…”: the clause replaced whole by the new text (not
    # 第九条第一款中的“X”修改为“Y”, a word changed in it).
    rf"|(?:全文|全部|整条)?(?:修改|替换|变更|修订)为)"
    rf"|(?:删除|废止|取消)(?:原合同|原协议|本合同|本协议)?第\s*(?P<b>{_NUMBER})\s*条"
)
# …不适用于试用期 limits the clause's reach, it does not take it back (…不适用于本协议 does).
_NARROWED = re.compile(r"于(?!本(?:协议|合同|项目)|双方)")
_NUMBERING = re.compile(r"^\s*(?:[0-9０-９]+(?:[.．][0-9０-９]+)+|第[^条]{1,6}条)\s*")
# (主合同第8.2条：… / 通用条款第6条 …: the clause numbered after the part of the contract it stands in.)
_PART = r"(?:主合同|原合同|本合同|通用条款|专用条款)?\s*"
_ARTICLE = re.compile(rf"\s*{_PART}第\s*({_NUMBER})\s*条")
_SUB_CLAUSE = re.compile(rf"\s*{_PART}([0-9０-９]+(?:[.．][0-9０-９]+)+)(?![0-9０-９.．])")


@dataclass(frozen=True)
class Override:
    clause: str  # as the contract numbers it: 第10.3条
    said_in: int  # the block that switches it off
    blocks: tuple[int, ...]  # the blocks it stands in
    sentence: str  # the words that switch it off (双方确认，第10.3条不适用于本协议。)


# A word VOIDING needs (修改为, not any 为: most paragraphs naming an article hold a 为).
_VOIDING_WORDS = ("适用", "删除", "作废", "废止", "失效", "取消", "修改为", "替换为", "变更为", "修订为")


def may_override(text: str) -> bool:
    """Cheaply: could this paragraph switch a clause off?"""
    return "条" in text and any(word in text for word in _VOIDING_WORDS)


def overrides(texts: Sequence[str]) -> list[Override]:
    """The clauses the text takes back, each with the paragraphs it stands in."""
    found: list[Override] = []
    for index, text in enumerate(texts):
        if not may_override(text):
            continue
        for match in VOIDING.finditer(text):
            if _NARROWED.match(text, match.end()):
                continue
            article = match.group("a") or match.group("b")
            numbers = ([f"{_normal(article)}.{_normal(k)}" for k in _PARAGRAPH.findall(match.group("k"))]
                       if match.group("k") else [article])
            for number in numbers:
                # (A clause switched off later runs at most to the paragraph that switches it off.)
                found_blocks = _blocks_of(texts, number)
                blocks = tuple(b for b in found_blocks if b != index and not (found_blocks[0] < index < b))
                if blocks:
                    start = max(text.rfind(mark, 0, match.start()) for mark in "。；;\n") + 1
                    ends = [i for mark in "。；;" if (i := text.find(mark, match.end())) >= 0]
                    end = min(ends) + 1 if ends else len(text)
                    end += len(text[end:]) - len(text[end:].lstrip("”\"」"))  # (with the quote the 。 closes)
                    said = _NUMBERING.sub("", text[start:end].strip(), count=1)
                    # (a clause replaced quotes its new text: the note names the start of it)
                    said = said if len(said) <= _QUOTED else said[:_QUOTED] + "…"
                    found.append(Override(f"第{number}条", index, blocks, said))
    return found


_PARAGRAPH = re.compile(rf"第\s*({_NUMBER})\s*款")  # (the group holds the alternation)
_QUOTED = 60  # characters of the words that take a clause back, quoted in the note


def _blocks_of(texts: Sequence[str], number: str) -> list[int]:
    """The paragraphs of clause ``number``: the one it opens (a sub-clause), or an article to the next."""
    wanted = _normal(number)
    if "." in wanted:
        # The sub-clause's paragraph, its own sub-clauses (10.3.1) and unnumbered items, to the next number.
        for i, text in enumerate(texts):
            # 5.2 … or 第5.2条 …: a sub-clause numbered either way.
            m = _SUB_CLAUSE.match(text) or _ARTICLE.match(text)
            if m and _normal(m.group(1)) == wanted:
                end = next((j for j in range(i + 1, len(texts)) if _ARTICLE.match(texts[j]) or (
                    (n := _SUB_CLAUSE.match(texts[j])) and not _normal(n.group(1)).startswith(wanted + "."))),
                    len(texts))
                return list(range(i, end))
        return []
    for i, text in enumerate(texts):
        m = _ARTICLE.match(text)
        if m and _normal(m.group(1)) == wanted:
            end = next((j for j in range(i + 1, len(texts)) if _ARTICLE.match(texts[j])), len(texts))
            return list(range(i, end))
    return []

