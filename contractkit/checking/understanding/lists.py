"""Items of a list that a lead-in governs: "乙方应当履行下列义务：（一）接受甲方的监督检查；（二）…"

An item names neither the party nor the modal word: both are in the lead-in,
the words before the colon that opens the list. Each item without a subject of
its own is read once more as lead-in + item, and quoted as it stands (its own
reading is replaced). The items are the sentences after the colon in the same
paragraph and the numbered paragraphs that follow.

A lead-in that lists breaches ("乙方有下列情形之一的，甲方有权解除合同：") is not
read so: its items are conditions, not undertakings (understanding/references.py
reads the consequence with them instead).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from contractkit.checking.understanding.continuation import Continuation, read_after
from contractkit.checking.understanding.nlp import Sentence
from contractkit.checking.understanding.numerals import clause_number
from contractkit.checking.understanding.references import ANNEX_HEADING, LIST_ITEM, item_number_end
from contractkit.checking.understanding.statements import (
    OUTSIDER,
    Mention,
    clause_start_at,
    clause_starts,
    is_object,
)

MAX_ITEMS = 30  # paragraphs: a list of duties rarely runs longer
LEAD_IN_END = re.compile(r"[:：]")
# The lead-in of a list of breaches, causes or examples (有下列情形之一的：, 由以下原因导致的…：,
# 包括但不限于：) governs no undertaking; nor does one that only refuses (…无须承担责任：).
NOT_A_DUTY = re.compile(r"(?:以下|下列|下述|如下)[^，。；：:]{0,6}(?:原因|情形|事由|行为)|之一的|包括但不限于")
STRONG_KINDS = frozenset({"duty", "right", "prohibition"})  # 应/有权/不得: a lead-in on its own
# An item that says its own 应/不得/以附件…为准 needs only the party from its lead-in.
OWN_MODAL_KINDS = STRONG_KINDS | {"refusal", "reference"}
# 按下列方式 / 依照以下程序: the list says how the party acts.
_IN_THIS_MANNER = re.compile(r"(?:按|按照|依|依照)(?:下列|以下|如下)(?:方式|程序|步骤|要求|规定)")
# "发生网络安全事件时：（一）受托方应…；（二）…": a condition heading the list; every item is read under it.
CONDITION_LEAD = re.compile(r"(?:时|后|前|情况下|情形下)\s*[:：]\s*$")


def list_items(
    sentences: Sequence[Sentence],
    block_texts: Sequence[str],
    headings: Sequence[bool],
    mentions_of: Callable[[int], Sequence[Mention]],  # the parties named in sentence i
) -> list[Continuation]:
    """Each list item read with its lead-in (``replaces``: the item's own index).

    An item that is a fragment ("（一）接受甲方的监督检查") is read after the whole lead-in; one with a
    modal word of its own ("1. 申请应逐人提出") only after the lead-in's party, so that the lead-in's
    topic does not lend the item elements it does not have.
    """
    found: list[Continuation] = []
    for index, sentence in enumerate(sentences):
        if "：" not in sentence.text and ":" not in sentence.text:
            continue  # no colon, no lead-in (most sentences): skip before looking for parties
        lead = _lead_in(sentence, mentions_of(index))
        if lead is None:
            continue
        lead_text, party = lead
        condition = not lead_text.modals
        for item_index in _items(sentences, block_texts, headings, index):
            item = sentences[item_index]
            if condition:
                prefix = lead_text  # the items say who does what; the lead-in says when
            elif _has_subject(item, mentions_of(item_index)):
                continue
            elif any(m.label in OWN_MODAL_KINDS for m in item.modals):
                if party is None:
                    continue
                prefix = Sentence(item.block, 0, 0, party, (), ())
            else:
                prefix = lead_text
            found.append(Continuation(read_after(prefix, item), item.text, item_index, "该列表项（连同其引导语）"))
    return found


# 受托方不得实施附件四《负面清单》所列行为 / 乙方应履行附件2所列义务: a pointer to a list in an annex.
_ANNEX_LIST = re.compile(r"(?:附件|附表)\s*(?P<n>[0-9０-９一二三四五六七八九十]+)[^，。；：:]{0,20}?"
                         r"(?:所列|列明|列出|载明|规定)的?(?:行为|事项|要求|义务|工作|内容|情形)?")


def annex_items(
    sentences: Sequence[Sentence],
    block_texts: Sequence[str],
    mentions_of: Callable[[int], Sequence[Mention]],
) -> list[Continuation]:
    """The numbered items of an annex a sentence of the body points to with its modal word (受托方不得实施
    附件四《负面清单》所列行为): each read after the words up to the pointer, as the items of a lead-in are
    ("受托方…不得实施附件四《负面清单》所列行为：1. 将本合同运维工作转包"), and quoted as they stand. An
    item naming its own party is left as it is."""
    annexes = {clause_number(m["n"]): i for i, text in enumerate(block_texts) if (m := ANNEX_HEADING.match(text))}
    if not annexes:
        return []
    found: list[Continuation] = []
    for sentence in sentences:
        pointer = _ANNEX_LIST.search(sentence.text) if "附" in sentence.text else None
        if pointer is None or clause_number(pointer["n"]) not in annexes:
            continue
        modals = [m for m in sentence.modals if m.end <= pointer.start() and m.label in STRONG_KINDS]
        if not modals or ANNEX_HEADING.match(sentence.text):
            continue
        end = pointer.end()
        lead = replace(sentence, end=sentence.start + end, text=sentence.text[:end] + "：",
                       concepts=tuple(m for m in sentence.concepts if m.end <= end), modals=tuple(modals))
        heading = annexes[clause_number(pointer["n"])]
        items = [i for i, s in enumerate(sentences) if heading < s.block <= heading + MAX_ITEMS
                 and _in_annex_list(block_texts, heading, s.block)]
        for item_index in items:
            item = sentences[item_index]
            # (将任何服务项目交由第三方实施: an outsider the item names is what is barred, not who acts)
            if _has_subject(item, [m for m in mentions_of(item_index) if m.party != OUTSIDER]):
                continue
            found.append(Continuation(read_after(lead, item), item.text, item_index, "该附件条目（连同正文引述）"))
    return found


def _in_annex_list(block_texts: Sequence[str], heading: int, block: int) -> bool:
    """Is the block a numbered item of the list right under the annex heading (no other annex or plain
    paragraph between)?"""
    return all(LIST_ITEM.match(block_texts[b]) and not ANNEX_HEADING.match(block_texts[b])
               for b in range(heading + 1, block + 1) if block_texts[b].strip())


def _lead_in(sentence: Sentence, mentions: Sequence[Mention]) -> tuple[Sentence, str | None] | None:
    """The words before the sentence's last colon, when they open a list of undertakings (a 应/有权/不得,
    or a party that 提供/承诺…: "乙方在不额外收费前提下提供："), with the party that acts in them."""
    ends = list(LEAD_IN_END.finditer(sentence.text))
    if not ends:
        return None
    end = ends[-1].end()
    text = sentence.text[:end]
    modals = [m for m in sentence.modals if m.end <= end]

    def lead(kept: tuple = ()) -> Sentence:  # the sentence cut at the colon, with the modal words it keeps
        return replace(sentence, end=sentence.start + end, text=text,
                       concepts=tuple(m for m in sentence.concepts if m.end <= end), modals=kept)

    if not modals and CONDITION_LEAD.search(text) and not NOT_A_DUTY.search(text):
        return lead(), None
    manner = _IN_THIS_MANNER.search(text) if not modals else None
    if manner and not NOT_A_DUTY.search(text):
        # 本公司按下列方式处理用户数据：（一）… : a party doing the listed acts, said without a modal word.
        doers = [m for m in mentions if m.end <= manner.start() and not is_object(sentence.text, m)]
        if doers:
            return lead(), sentence.text[doers[-1].start:doers[-1].end]
    if NOT_A_DUTY.search(text) or not modals or any(m.label == "refusal" for m in modals):
        return None  # no lead-in, or one whose items are exemptions ("我们对下列事故不承担责任：")
    subjects = [m for m in mentions if m.end <= modals[0].start and not is_object(sentence.text, m)]
    if not subjects and not any(m.label in STRONG_KINDS for m in modals):
        return None  # "4. 提供标准：…": a label, not a lead-in
    return lead(tuple(modals)), (sentence.text[subjects[-1].start:subjects[-1].end] if subjects else None)


def _items(sentences: Sequence[Sentence], block_texts: Sequence[str], headings: Sequence[bool], index: int
           ) -> list[int]:
    """The item sentences after the lead-in: the rest of its paragraph, then the numbered paragraphs."""
    block = sentences[index].block
    items: list[int] = []
    last_block = block
    for other in range(index + 1, len(sentences)):
        s = sentences[other]
        if headings[other]:
            break
        # "…；（三）对…进行抽查。除前述事项外的工作由乙方实施。": after a full stop the paragraph goes on
        # with a sentence of its own, unless it is numbered as a further item.
        if s.block == block and items and sentences[items[-1]].text.rstrip().endswith("。") \
                and not LIST_ITEM.match(s.text):
            break
        if s.block != block:
            if s.block != last_block and (s.block > last_block + 1 or not LIST_ITEM.match(block_texts[s.block])
                                          or _opens_another_list(block_texts[s.block], block_texts[block])):
                break
            if s.block > block + MAX_ITEMS:
                break
            last_block = s.block
        items.append(other)
    return items


_DECIMAL = re.compile(r"\s*(\d+(?:\.\d+)+)")


def _opens_another_list(paragraph: str, lead_in: str) -> bool:
    """"1.2 以下事项不属于乙方服务范围：" after the items of "1.1 乙方提供以下服务：": a paragraph numbered
    like the lead-in (its sibling, not its item 1.1.1) is no item of the lead-in's list."""
    own, lead = _DECIMAL.match(paragraph), _DECIMAL.match(lead_in)
    return own is not None and lead is not None and own.group(1).count(".") == lead.group(1).count(".")


def _has_subject(item: Sentence, mentions: Sequence[Mention]) -> bool:
    """Does the item name its own acting party: at its start ("（三）甲方应…"), or before its modal word
    and never as an object ("如前述事件…的，任一方可…", but not "对甲方提供的资料保密" or "（二）将甲方数据返还…")?"""
    begin = item_number_end(item.text)
    # "3. 为确保…，甲方有权…，乙方应配合…": a party before a modal word of its own clause.
    starts = clause_starts(item.text)
    first_modal_of = {clause_start_at(starts, m.start): m.start for m in reversed(item.modals)}  # clause -> modal
    return any(
        not is_object(item.text, m) and (
            m.start <= begin + 1 or m.start < first_modal_of.get(clause_start_at(starts, m.start), -1)
        )
        for m in mentions
    )

