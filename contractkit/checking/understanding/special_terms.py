"""General terms that leave their specifics to special terms or annexes left blank.

Government and state-owned-enterprise model contracts come in two parts: 通用条款
(general terms, the same in every deal) and 专用条款 (special terms, filled in for
the deal under the general clause's number). A general clause that says its
specifics are in the special terms ("具体违约金标准见专用条款") says only as much as
the special clause of its number: when that is blank ("违约金标准：/", "＿＿＿（本栏
未填写）") or left to negotiation ("违约责任：由双方协商解决"), the matter is open.

An annex the body points to (违约金的计算方式见附件三) is read the same way: when its heading or first
lines mark it as still to come (附件三：违约金计算方式（待定）, ＿＿＿), what the pointing sentence settles
is open.

The special clause is found by number: a paragraph "专用条款第20条：…", or under a
heading "第二部分 专用条款" a paragraph opening "第20条" or "20." (up to a heading of
the general terms). A clause the text does not number is not judged: nothing is
taken as left open unless its blank is there to read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from contractkit.checking.understanding.numerals import CLAUSE_NUMBER as _NUMBER
from contractkit.checking.understanding.numerals import clause_number
from contractkit.checking.understanding.references import ANNEX_HEADING
from contractkit.checking.understanding.statements import DEFERRED

# 见专用条款 / 按专用条款约定 / 专用条款另有约定的 / 以专用条款所列为准: the specifics are in the special terms.
POINTS_TO_SPECIAL = re.compile(
    r"(?:见|按|按照|依|依照|依据|以|详见)(?:本合同)?专用条款|专用条款(?:的|中)?(?:另有)?(?:约定|规定|所列|填写|提出|列明|载明)"
)
# 专用条款第20条 / 专用条款 15.2: a special clause numbered inline.
_SPECIAL_CLAUSE = re.compile(
    rf"^\s*专用条款\s*(?:第\s*(?P<n>{_NUMBER})\s*[条款]|(?P<m>[0-9０-９]+)(?:[.．][0-9０-９]+)*(?=[\s　：:]))"
)
# 见专用条款第3.2款 / 按专用条款15.2约定: a pointer that names the special clause.
_NAMED_SPECIAL = re.compile(rf"专用条款\s*(?:第\s*(?P<n>{_NUMBER})\s*[条款]|(?P<m>[0-9０-９]+(?:[.．][0-9０-９]+)*))")
# 第8条 / 通用条款第8条 / 8. 违约责任 / 8.2 …: the article a general paragraph stands in.
_GENERAL_CLAUSE = re.compile(
    rf"^\s*(?:通用条款\s*)?(?:第\s*(?P<n>{_NUMBER})\s*条|(?P<d>[0-9０-９]+)(?:[.．][0-9０-９]+)*[.．、\s])"
)
# Under a 专用条款 heading: 第8条 … / 8. … / a table row | 专8.1 | 违约金标准 | ＿＿ |.
_SECTION_CLAUSE = re.compile(
    rf"^\s*[|｜]?\s*专?\s*(?:第\s*(?P<a>{_NUMBER})\s*条|(?P<b>[0-9０-９]+)(?:[.．][0-9０-９]+)*(?:[.．、\s]|(?=\s*[|｜])))"
)
_SPECIAL_HEADING = re.compile(r"^[^。；，,]{0,16}专用条款[^。；，,]{0,8}$")
_ANNEX = re.compile(r"^\s*(?:附件|附表)[0-9０-９一二三四五六七八九十]*[\s　：:]")
_GENERAL_HEADING = re.compile(r"^[^。；，,]{0,16}通用条款[^。；，,]{0,8}$")
# What a blank holds: underscores, a slash or dash, 无, and a note that it was left unfilled.
_BLANK = re.compile(
    r"[_＿\s/／—\-－·.。：:；;]|[（(][^）)]{0,12}(?:未填|空白|不填|填写)[^）)]{0,6}[）)]|^无$|空白|未填写"
)
_PLACEHOLDER = re.compile(r"[_＿]{3,}")
_NEGOTIATED = re.compile(r"协商(?:解决|处理|确定|约定)")


@dataclass(frozen=True)
class LeftOpen:
    block: int  # the general clause's paragraph that points to the special terms
    clause: str  # the special clause it points to, as the report names it: 专用条款第20条
    why: str  # 未填写 or 留待协商


def left_open(texts: Sequence[str]) -> list[LeftOpen]:
    """The paragraphs whose pointer to the special terms finds that clause blank or left to negotiation,
    and those whose pointer to an annex finds it marked as still to be decided (附件三：…（待定）)."""
    found = _annexes_left_open(texts)
    if not any("专用条款" in text for text in texts):
        return found
    special = _special_clauses(texts)
    article: str | None = None
    for index, text in enumerate(texts):
        if _SPECIAL_HEADING.match(text.strip()):
            article = None  # the special terms' own numbers are not general articles
        general = _GENERAL_CLAUSE.match(text)
        if general and not _SPECIAL_CLAUSE.match(text):
            article = _normal(general.group("n") or general.group("d"))
        if _SPECIAL_CLAUSE.match(text) or not POINTS_TO_SPECIAL.search(text):
            continue
        # 见专用条款第3.2款: the clause named outright, whatever article the paragraph stands in.
        named = _NAMED_SPECIAL.search(text)
        target = _normal(named.group("n") or named.group("m")) if named else article
        if target not in special:
            continue
        why = _open(special[target])
        if why:
            found.append(LeftOpen(index, f"专用条款第{target}条", why))
    return found


# 违约金的计算方式见附件三 / 按附件2执行: a pointer to an annex by its number.
POINTS_TO_ANNEX = re.compile(
    r"(?:见|按|按照|依|依照|详见|参见|以)(?:本合同|本协议)?(?:附件|附表)\s*(?P<n>[0-9０-９一二三四五六七八九十]+)")
# What says an annex is still to come: 待定 / 待补充 / 待确定 / 暂缺, or a blank to fill (＿＿＿).
# (待双方补充 / 待双方确认后补充: to come once agreed.)
_TO_BE_DECIDED = re.compile(r"待定|暂缺|[_＿]{3,}|待[^，。；（）()]{0,12}?(?:补充|确定|填写|附上)")
# 见附件三（待双方确认后补充）: the pointer itself says the annex is not there yet.
_OPEN_AT_POINTER = re.compile(r"\s*[（(](?P<why>[^（）()]{0,20})[）)]")
ANNEX_LINES = 6  # how far below its heading an annex's first line of body is looked for


def _annexes_left_open(texts: Sequence[str]) -> list[LeftOpen]:
    """The paragraphs pointing to an annex whose heading or first lines mark it as still to be decided."""
    if not any("附件" in text or "附表" in text for text in texts):
        return []
    undecided: dict[str, str] = {}
    for text in texts:
        for pointer in POINTS_TO_ANNEX.finditer(text):
            said = _OPEN_AT_POINTER.match(text, pointer.end())
            if said is not None and _TO_BE_DECIDED.search(said["why"]):
                undecided.setdefault(clause_number(pointer["n"]), "待定")
    for index, text in enumerate(texts):
        heading = ANNEX_HEADING.match(text)
        if heading is None:
            continue
        # (its heading's line, and the first line of its body)
        first = next((t for t in texts[index + 1:index + 1 + ANNEX_LINES] if not ANNEX_HEADING.match(t)), "")
        marked = next((m.group() for part in (heading["rest"], first) if (m := _TO_BE_DECIDED.search(part))), None)
        if marked:
            undecided.setdefault(clause_number(heading["n"]), "未填写" if "_" in marked or "＿" in marked else "待定")
    return [LeftOpen(index, f"附件{pointer['n']}", undecided[clause_number(pointer["n"])])
            for index, text in enumerate(texts) if not ANNEX_HEADING.match(text)
            for pointer in [POINTS_TO_ANNEX.search(text)] if pointer and clause_number(pointer["n"]) in undecided]


def _special_clauses(texts: Sequence[str]) -> dict[str, list[str]]:
    """Each special clause's parts by its number: the paragraphs (or table rows) it runs to."""
    clauses: dict[str, list[str]] = {}
    current: str | None = None
    in_section = False
    for text in texts:
        if _SPECIAL_HEADING.match(text.strip()):
            in_section, current = True, None
            continue
        if _GENERAL_HEADING.match(text.strip()) or _ANNEX.match(text):
            in_section, current = False, None  # (the annexes after the special terms are none of them)
            continue
        inline = _SPECIAL_CLAUSE.match(text)
        numbered = _SECTION_CLAUSE.match(text) if in_section else None
        if inline:
            current = _normal(inline.group("n") or inline.group("m"))
            clauses.setdefault(current, []).append(text[inline.end():])
        elif numbered:
            current = _normal(numbered.group("a") or numbered.group("b"))
            clauses.setdefault(current, []).append(text[numbered.end():])
        elif not in_section and _GENERAL_CLAUSE.match(text):
            current = None
        elif current is not None:
            clauses[current].append(text)
    return clauses


def _open(parts: list[str]) -> str:
    """未填写 when no part holds anything past its labels (the last cell of a table row, the words after
    the last colon); 留待协商 when the clause leaves its matter to the parties."""
    filled = [_value(part) for part in parts]
    # (违约金比例：合同总价的____%: a placeholder left in the clause leaves its figure open.)
    if not any(_BLANK.sub("", value).strip() for value in filled) or any(_PLACEHOLDER.search(p) for p in parts):
        return "未填写"
    if any(DEFERRED.search(part) for part in parts) or any(_NEGOTIATED.search(value) for value in filled):
        return "留待协商"
    return ""


def _value(part: str) -> str:
    """What a special clause's part fills in: its last table cell, then the words after its last colon."""
    cells = [cell for cell in re.split(r"[|｜]", part) if cell.strip()]
    last = cells[-1] if cells else part
    return last.rsplit("：", 1)[-1].rsplit(":", 1)[-1]


def _normal(number: str) -> str:
    """20, ２０ and 二十 -> one spelling; a sub-clause's number (9.1) is its article's (9)."""
    article = clause_number(number).split(".")[0]
    return str(int(article)) if article.isdigit() else article
