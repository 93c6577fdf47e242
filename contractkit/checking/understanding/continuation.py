"""Short sentences that continue the one before: "甲方有权检查乙方的工作。乙方应予配合。"

The second sentence accepts what the first grants, but on its own it names no
topic, so no rule could read it. A sentence that holds only "continuing"
concepts (``continues: true`` in the concepts lexicon: 配合, 协助, 提供便利), or
one that leaves the matter before it to a later agreement ("具体时限由双方另行
约定"), and is short, is read once more together with the sentence before it,
when that one has a topic of its own. In the same paragraph the pair is quoted
as it stands and replaces the first sentence (a deferral qualifies what it
follows); across a paragraph break the short sentence is quoted alone, and a
deferral still replaces the sentence it qualifies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from contractkit.checking.understanding.nlp import Match, Sentence
from contractkit.checking.understanding.references import LIST_ITEM, item_number_end

PROVISO_OPENS = re.compile(r"\s*但(?:是)?(?![书凡])")  # 但…: not 但书 (the word for a proviso)
# …，但…: what follows qualifies the clause before (…无需逐次报批，但凡涉及…: 但 and then 凡).
PROVISO = re.compile(r"[，,；;。]\s*但(?:是)?(?!书)")
MAX_LENGTH = 40  # characters: "乙方应当积极配合，并如实提供相关记录和资料。" is about 20
# 乙方应予以配合，… / 受托方须积极协助。: the party (a short name) accepts, and names nothing it accepts
# (双方均应相互配合 is no acceptance of a check). 对此，乙方应当积极配合: the same, pointing back first.
BARE_ACCEPTANCE = re.compile(
    r"(?:(?:对此|就此|为此|对于?上述[^，。；]{0,8})[，,])?[^，。；：:]{1,10}?(?:应当?|须|需)?(?:积极|全力)?(?:予以|予)?(?<!相互)(?<!互相)(?<!彼此)(?:配合|协助)[，。；,;]"
)

# 乙方交付的软件应逐项满足，并…: a duty to meet, with no object of its own, meets what the sentence
# before required.
# (乙方应确保交付的软件满足该说明书的全部要求: the same, the requirements pointed back at.)
BARE_MEETING = re.compile(
    r"[^，。；：:]{1,16}?(?:应当?|须|需|必须)(?:逐项|逐条|全部|完全|全面|严格)?(?:满足|符合|达到|遵守|落实)(?:之|该等要求|上述要求)?[，。；,;]"
    r"|[^，。；：:]{1,16}?(?:应当?|须|需|必须)(?:确保|保证)[^，。；：:]{0,16}?(?:满足|符合|达到)"
    r"(?:该|上述|前述|前款)[^，。；：:]{0,10}?的?(?:全部|所有|各项)?要求[，。；,;]"
)


@dataclass(frozen=True)
class Continuation:
    sentence: Sentence  # the two sentences read as one
    quote: str | None  # what to quote (None: the combined sentence is the document's own text)
    replaces: int | None  # the index of the sentence the reading stands for (the one before, or a list item)
    passage: str = "该句"  # how an explanation names what is quoted
    absorbs: int | None = None  # a short sentence read only as part of this reading (a deferral), or None


def continued(
    sentences: Sequence[Sentence],
    block_texts: Sequence[str],
    continuing: frozenset[str],
    defers: Callable[[str], bool] = lambda text: False,
) -> list[Continuation]:
    """Each continuation read with the sentence before it."""
    found: list[Continuation] = []
    for index, (before, this) in enumerate(pairwise(sentences)):
        # "4.2 受托方应予以配合，如实提供…": an acceptance with no object of its own opens the sentence, which
        # goes on with the check the item before grants, however long and whatever else it says.
        opening = item_number_end(this.text)
        bare = any(pattern.match(this.text, opening) is not None for pattern in (BARE_ACCEPTANCE, BARE_MEETING))
        if len(this.text) > MAX_LENGTH and not bare:
            continue
        if not (this.labels and this.labels <= continuing) and not defers(this.text) and not bare:
            continue
        if not before.labels - continuing:
            continue  # the sentence before has no topic to continue
        # A deferral says nothing on its own: read with what it qualifies, it is not read alone.
        absorbs = index + 1 if defers(this.text) else None
        if before.block == this.block:
            found.append(Continuation(spanning(before, this, block_texts), None, index, absorbs=absorbs))
        elif before.block == this.block - 1 and (bare or not LIST_ITEM.match(block_texts[this.block])):
            # (A numbered item "（三）…另行签订合同" is a clause of its own, not the paragraph before's.)
            # (A line break keeps the paragraphs apart: 服务评估 / 甲方可以… is no 评估甲方.)
            # "…应在期限内整改。" / "因此产生的违约责任，由双方另行协商确定。": a deferral qualifies what it
            # follows, across the break too, and stands in for it.
            found.append(Continuation(read_after(before, this, "\n"), this.text, index if absorbs else None,
                                      "该句（连同上一段）", absorbs))
    return found


def semicolon_clauses(
    sentences: Sequence[Sentence], block_texts: Sequence[str], names_a_party: Callable[[int], bool]
) -> list[Continuation]:
    """"乙方应…向甲方发出漏洞通知；紧急漏洞24小时内提供补丁": a clause after a ；that names no party of its
    own goes on with the one before it, and the two are read once more as one sentence (each is still
    read alone), so that what the standard asks of one act may be found across them."""
    return [
        Continuation(spanning(before, this, block_texts), None, None)
        for index, (before, this) in enumerate(pairwise(sentences))
        if before.block == this.block and before.labels and this.labels
        and before.text.rstrip().endswith(("；", ";"))
        and (not names_a_party(index + 1) or _BARE_ACT.search(this.text) or _TOPIC_ONLY.match(before.text))
    ]


# 关于考核和调阅；受托方应当如实提供…: a clause that only names the topic the next one speaks of.
_NUMBERED = r"\s*(?:[（(]?[一二三四五六七八九十\d.．]+[)）、]?\s*)?"
_TOPIC_ONLY = re.compile(rf"{_NUMBERED}(?:关于|对于|就)[^，。；;]{{1,16}}[；;]\s*$")


# …变更操作，其决定权归属于甲方；乙方仅在取得甲方书面授权后方可执行。: an act with no object of its own
# does what the clause before named, whoever the clause names.
_BARE_ACT = re.compile(r"(?:执行|实施|进行|操作|开展)[。；;]?\s*$")


def unowned_checks(
    sentences: Sequence[Sentence], parties_in: Callable[[int], frozenset[str]], outsider: str,
    topic: str = "supervision",
) -> list[Continuation]:
    """"一、需方可以对供方…进行检查评估。" then "二、供方不得…拒绝提供与检查评估相关的资料": a sentence (or
    list item) that accepts a check naming no one but the party that undergoes it goes on with the check
    the sentence just before grants to another party, and is read once more after it (quoted alone).
    ``parties_in``: the parties sentence i names (``outsider`` for someone who does not sign, whose check
    it may be); a regulator's check (配合监管部门的检查) is its own."""
    found: list[Continuation] = []
    for index in range(1, len(sentences)):
        this = sentences[index]
        if not {topic, "accept"} <= this.labels or "regulator" in this.labels:
            continue
        own = parties_in(index)
        if len(own) != 1 or outsider in own:
            continue
        # The check granted just before: in the sentence before, or a little further back within the item
        # before (…有权抽查…；抽查中发现的问题，乙方应整改。 then 五、配合义务。乙方不得…拒绝提供抽查…的记录),
        # past the item's caption.
        granted = next((i for i in range(index - 1, max(-1, index - 1 - _REACH), -1)
                        if topic in sentences[i].labels and this.block - sentences[i].block in (0, 1)
                        and parties_in(i) - {outsider} - own), None)
        between = range(granted + 1, index) if granted is not None else ()
        if granted is None or any(topic not in sentences[i].labels
                                  and not _CAPTION_ONLY.fullmatch(sentences[i].text.strip()) for i in between):
            continue
        before = sentences[granted]
        found.append(Continuation(read_after(before, this, "\n" if this.block != before.block else ""), this.text,
                                  None, "该句（连同上一条）"))
    return found


_REACH = 3  # how many sentences back the check a sentence accepts may be granted
# 五、配合义务。 / （二）检查配合： an item's caption alone, no clause.
_CAPTION_ONLY = re.compile(r"(?:[一二三四五六七八九十\d]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)])?"
                           r"[^，,；;。：:]{2,10}[。：:]?")


def provisos(sentences: Sequence[Sentence], block_texts: Sequence[str]) -> list[Continuation]:
    """"乙方应在10日内修复漏洞。但…的，乙方可暂缓修复": a sentence of the same paragraph that opens with
    但 qualifies the one before, and is read with it, in its place, so the proviso can set the rule."""
    return [
        Continuation(spanning(before, this, block_texts), None, index)
        for index, (before, this) in enumerate(pairwise(sentences))
        if before.block == this.block and before.labels and PROVISO_OPENS.match(this.text)
    ]


def spanning(before: Sentence, this: Sentence, block_texts: Sequence[str]) -> Sentence:
    """Two sentences of one paragraph read as one: the text between them as it stands."""
    shift = this.start - before.start
    return Sentence(
        this.block, before.start, this.end, block_texts[this.block][before.start:this.end],
        before.concepts + shifted(this.concepts, shift), before.modals + shifted(this.modals, shift),
    )


def read_after(prefix: Sentence, this: Sentence, separator: str = "", prefix_modals: bool = True) -> Sentence:
    """``this`` read after words from elsewhere (the paragraph before, a list's lead-in); it keeps its
    own place, so what is quoted is ``this`` alone. ``prefix_modals=False``: the prefix lends its topic and
    parties but none of its modal words (a question asks; only its answer undertakes)."""
    shift = len(prefix.text) + len(separator)
    return replace(
        this, text=prefix.text + separator + this.text, concepts=prefix.concepts + shifted(this.concepts, shift),
        modals=(prefix.modals if prefix_modals else ()) + shifted(this.modals, shift),
    )


def shifted(matches: tuple[Match, ...], by: int) -> tuple[Match, ...]:
    return tuple(Match(m.label, m.start + by, m.end + by) for m in matches)


def paired(
    sentences: Sequence[Sentence], block_texts: Sequence[str], answering: Callable[[int], str | None]
) -> list[Continuation]:
    """"我们负责基础设施的安全；您负责应用和数据的安全": two clauses of one paragraph in which two
    parties each answer for their own part (``answering``: the party opening sentence i with
    负责/承担, or None) are read as one sentence, where the division is."""
    found: list[Continuation] = []
    for index, (before, this) in enumerate(pairwise(sentences)):
        if before.block != this.block:
            continue
        first, second = answering(index), answering(index + 1)
        if first is None or second is None or first == second:
            continue
        found.append(Continuation(spanning(before, this, block_texts), None, None))
    return found
