"""Sections that name whose rights or duties they list: "乙方的权利和义务" then "4. 接受甲方的监督。"

Contracts often list each party's duties under a heading of their own, and
the items then leave the party out ("按期完成…", "接受甲方的监督"). Under such a
heading, a statement with no party of its own is that party's, and an item
with no modal word at all is that party's duty (or right, under a heading of
rights only). The section lasts until the next heading.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

from contractkit.checking.understanding.references import item_number_end
from contractkit.checking.understanding.statements import CLAUSE_BREAK, OUTSIDER, Mention, Statement

# A short line with no sentence inside it: a heading, or a list's lead-in ("乙方的权利和义务：").
_HEADING_LIKE = re.compile(r"^[^。；;！？!?，,]{1,40}[：:]?$")
_BULLET = re.compile(r"[•·●○◆◇▪■□\-*]\s*")
# "二、乙方的权利和义务", "第二节　承包方的义务", "（１）咨询工程师的责任", "二、乙方承诺": whose, then what.
_SECTION = re.compile(
    r"^[\s\d０-９.．、（）()一二三四五六七八九十百零〇第条章节款部分]*"
    r"(?P<who>[^，。；：:的]{1,16})的?(?:主要|共同|一般|基本)?"
    r"(?P<what>(?:权利|义务|责任|职责|承诺|保证)(?:(?:和|与|及|、)(?:权利|义务|责任|职责|承诺|保证))?)"
    r"\s*[：:]?\s*$"
    # "（二）承包人：" then "1. 负责…": a list's lead-in naming only the party whose items follow.
    r"|^[\s\d０-９.．、（）()一二三四五六七八九十]*(?P<party>[^，。；：:的（）()\s]{1,16})\s*[：:]\s*$"
)


@dataclass(frozen=True)
class Section:
    party: str  # the party key the heading names
    kind: str  # "duty", or "right" under a heading of rights only


def section_of(text: str, mentions: Callable[[], Sequence[Mention]]) -> Section | None | bool:
    """What a heading line starts: a party's section, or (False) a section of no party; True: not a
    heading, the section goes on. ``mentions()``: the line's party mentions."""
    text = text.strip()
    if not _HEADING_LIKE.match(text) or _BULLET.match(text):
        return True  # (• 代您执行漏洞扫描: a bulleted item, however short, is no heading)
    match = _SECTION.match(text)
    if match is None:
        return False
    # The words before 的权利 are the party's name and nothing else ("乙方承担安全责任" is a sentence).
    who = "who" if match.group("who") else "party"
    # (双方的共同义务: each party's, like 双方应….)
    named = {m.party for m in mentions() if (m.start, m.end) == match.span(who) and m.party != OUTSIDER}
    if len(named) != 1:
        return False
    what = match.group("what") or "义务"
    return Section(named.pop(), "right" if what == "权利" else "duty")


def sections_in_force(
    texts: Sequence[str], mentions: Callable[[int], Sequence[Mention]], is_heading: Callable[[int], bool]
) -> list[Section | None]:
    """The section each sentence stands in; ``mentions(i)``: the party mentions of sentence i (asked of
    heading lines only); ``is_heading(i)``: the reader marked sentence i a heading. A heading line itself
    stands in none."""
    current: Section | None = None
    result: list[Section | None] = []
    for i, text in enumerate(texts):
        started = section_of(text, partial(mentions, i))
        if started is not True or is_heading(i):
            current = started if isinstance(started, Section) else None
            result.append(None)
        else:
            result.append(current)
    return result


def _opens_with_act(text: str, first: Statement, mentions: Sequence[Mention]) -> bool:
    """Whether a clause of its own comes before the item's first modal word, and no party opens it
    (not "对乙方的检查予以配合": what the modal word itself governs, put first)."""
    number = item_number_end(text)
    begins = len(text) - len(text[number:].lstrip())  # the item's words, after its number ("1. ", "（二）")
    return (first.start > begins and not (mentions and mentions[0].start <= begins)
            and CLAUSE_BREAK.search(text, begins, first.start) is not None)


def in_section(
    section: Section, statements: tuple[Statement, ...], mentions: Sequence[Mention], text: str
) -> tuple[Statement, ...]:
    """A sentence's statements under its section's heading: the section's party where none is named."""
    if statements:
        own = tuple(replace(s, actor=section.party) if s.actor is None else s for s in statements)
        if statements[0].actor is None and _opens_with_act(text, statements[0], mentions):
            # "1. 对乙方的安全措施进行检查，并可要求…": the item's opening act, before its first modal
            # word, is the section's party's too.
            return (Statement(section.party, section.kind, 0, 0, False), *own)
        return own
    if not mentions or mentions[0].start > 0:
        # "4. 接受甲方的监督": no modal word, no subject of its own — the section's party states it.
        return (Statement(section.party, section.kind, 0, 0, False),)
    return statements
