"""Sentences that point at situations named elsewhere: "出现上述情况时，乙方应及时修复。"

Such a sentence names no topic of its own: 上述情况 stands for the faults,
incidents or breaches listed just before it (or, after 以下/下列/如下, in the
list that follows). The topics it points at (concepts flagged ``referent:
true`` in the concepts lexicon: 安全事件, 故障, 漏洞, 违约…) are read as said at
the reference itself, so the rules judge the sentence with them and quote it
as it stands; the explanation names them as the elements found.

What a reference may reach is kept short and inside its clause: the few
sentences before it up to a heading, and a numbered list that follows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from contractkit.checking.understanding.nlp import Match, Sentence

REFERENCE = "reference"  # the concept whose terms point back or ahead (上述情况, 下列情形之一)
BACK = 4  # sentences: "…可能遇到下列情况。…。出现上述情况时…" rarely reaches further
FORWARD_BLOCKS = 12  # list items after "有下列情形之一的："
# 上述/前述/该等…: words pointing back at what was said before (上述补丁, 前款所述的审查).
POINTING_BACK = "上述|前述|前款|上款|该等|该项|此类|前项"
# 其他运维工作的分包由受托方自行决定 / 其余… / 一般变更由运维方自行决定: a clause about the rest of the
# matter, or its lesser kind, after the clause that settled part of it.
# (…可以将网络接入等非核心工作分包: the clause naming the lesser kind of work, wherever the words stand.)
THE_REST = re.compile(r"(?:^|[，。；;：:])\s*(?:其他|其余|其它|一般|普通|常规|非重大)[^，。；;：:]*"
                      r"|[^，。；;：:]*非(?:核心|关键|主体)性?(?:工作|部分|业务|内容|服务|事项)[^，。；;：:]*"
                      # 除重大变更外，配置调整由乙方自行决定: all but what was named, and what is said of it
                      # (not 除用于本服务外，亦可用于…: besides it, as well).
                      # (not 除法律法规另有规定外，我们不接受…: the law's exception to the main rule).
                      r"|除(?![^，。；;：:]{0,12}(?:规定|约定|法律|法规|依法))[^，。；;：:]{1,16}?(?:外|以外)[，,]"
                      r"(?!\s*(?:亦|也|还|另|并|同时))[^，。；;：:]*")
# 下列/以下/如下 point ahead; a colon at the end of the sentence or the one before announces a list.
AHEAD = re.compile(r"下列|下述|以下|如下|[:：]\s*$")
# "7.3.1 …", "（一）…", "1）…", "1．…", "一、…", "①…": an item of a list.
LIST_ITEM = re.compile(
    r"\s*(?:\d+(?:\.\d+)+|[（(][一二三四五六七八九十\d]+[）)]|\d+[）)、.．]|[一二三四五六七八九十]+、|[①-⑳])"
)

# "附件三：违约金计算方式（待定）" / "附表2 负面清单": an annex's heading, its number and the rest of the line.
ANNEX_HEADING = re.compile(
    r"^\s*(?:附件|附表)\s*(?P<n>[0-9０-９一二三四五六七八九十]+)(?![0-9０-９一二三四五六七八九十])"
    r"[\s　：:、]*(?P<rest>.*)$")


def item_number_end(text: str) -> int:
    """Where a sentence's own text begins after its item number (4.2 / （三） / 1)), or 0 without one."""
    number = LIST_ITEM.match(text)
    return number.end() if number else 0


def resolve_references(
    sentences: Sequence[Sentence],
    block_texts: Sequence[str],
    headings: Sequence[bool],
    referents: frozenset[str],
) -> list[Sentence]:
    """The sentences, each reference given the topics of what it points at (a new ``Sentence``)."""
    resolved = list(sentences)
    for index, sentence in enumerate(sentences):
        reference = next((m for m in sentence.concepts if m.label == REFERENCE), None)
        if reference is None:
            continue
        pointed: set[str] = set()
        for other in _pointed_at(sentences, block_texts, headings, index, reference):
            pointed |= other.labels & referents
        pointed -= sentence.labels
        if pointed:
            added = tuple(Match(label, reference.start, reference.end) for label in sorted(pointed))
            resolved[index] = replace(sentence, concepts=sentence.concepts + added)
    return resolved


def _pointed_at(
    sentences: Sequence[Sentence], block_texts: Sequence[str], headings: Sequence[bool], index: int, reference: Match
) -> list[Sentence]:
    """The sentences before the reference up to a heading and, when it points ahead, the list after it."""
    this = sentences[index]
    found: list[Sentence] = []
    for before in range(index - 1, max(-1, index - 1 - BACK), -1):
        if headings[before]:
            break
        found.append(sentences[before])
    said_before = [s.text for s in found if s.block == this.block]
    if AHEAD.search(this.text[reference.start:reference.end]) or any(AHEAD.search(t) for t in said_before):
        found += _list_after(sentences, block_texts, headings, index)
    return found


def _list_after(
    sentences: Sequence[Sentence], block_texts: Sequence[str], headings: Sequence[bool], index: int
) -> list[Sentence]:
    """The items of the list that follows the sentence's paragraph."""
    block = sentences[index].block
    found: list[Sentence] = []
    for other_index in range(index + 1, len(sentences)):
        other = sentences[other_index]
        outside = other.block > block + FORWARD_BLOCKS or headings[other_index]
        if other.block != block and (outside or not LIST_ITEM.match(block_texts[other.block])):
            break  # the rest of the paragraph, then its numbered items, and no further
        found.append(other)
    return found
