"""Short sentences that continue the one before: "甲方有权检查乙方的工作。乙方应予配合。"

The second sentence accepts what the first grants, but on its own it names no
topic, so no rule could read it. A sentence that holds only "continuing"
concepts (``continues: true`` in the concepts lexicon: 配合, 协助, 提供便利) and
is short is read once more together with the sentence before it, when that
one has a topic of its own. In the same paragraph the pair is quoted as it
stands; across a paragraph break the short sentence is quoted alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from contractkit.checking.understanding.nlp import Match, Sentence

MAX_LENGTH = 40  # characters: "乙方应当积极配合，并如实提供相关记录和资料。" is about 20


def continued(
    sentences: Sequence[Sentence], block_texts: Sequence[str], continuing: frozenset[str]
) -> list[tuple[Sentence, str | None]]:
    """Each continuation read with the sentence before it, and what to quote for it (None: the
    combined sentence is the document's own text)."""
    found: list[tuple[Sentence, str | None]] = []
    if not continuing:
        return found
    for before, this in pairwise(sentences):
        if len(this.text) > MAX_LENGTH or not this.labels or not this.labels <= continuing:
            continue
        if not before.labels - continuing:
            continue  # the sentence before has no topic to continue
        if before.block == this.block:
            text = block_texts[this.block][before.start:this.end]
            shift = this.start - before.start
            combined = Sentence(
                this.block, before.start, this.end, text,
                before.concepts + _shifted(this.concepts, shift), before.modals + _shifted(this.modals, shift),
            )
            found.append((combined, None))
        elif before.block == this.block - 1:
            shift = len(before.text)
            combined = replace(
                this, text=before.text + this.text,
                concepts=before.concepts + _shifted(this.concepts, shift),
                modals=before.modals + _shifted(this.modals, shift),
            )
            found.append((combined, this.text))
    return found


def _shifted(matches: tuple[Match, ...], by: int) -> tuple[Match, ...]:
    return tuple(Match(m.label, m.start + by, m.end + by) for m in matches)
