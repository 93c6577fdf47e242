"""Who is said to have a right, a duty or a prohibition in a sentence.

Chinese contract sentences put the party before the modal word (甲方有权…,
乙方应…, 乙方不得…); a later clause of the same sentence without its own
party keeps the previous clause's subject (…，并接受甲方的监督).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contractkit.understanding.nlp import Sentence

CLAUSE_BREAK = re.compile(r"[，,：:]")
# Modal kinds that state something about an actor, strongest first when they overlap.
MODAL_KINDS = ("refusal", "prohibition", "permission_unlimited", "right", "duty")


@dataclass(frozen=True)
class Mention:
    party: str  # the party's key (its main label)
    start: int
    end: int


@dataclass(frozen=True)
class Statement:
    actor: str | None  # party key, None when the sentence names nobody before the modal word
    kind: str  # right / duty / prohibition / refusal / permission_unlimited
    start: int  # the modal word's offsets in the sentence
    end: int
    conditional_consent: bool  # 未经…同意 / 经…同意 in the same sentence


def find_mentions(text: str, aliases: dict[str, str], pattern: re.Pattern | None) -> list[Mention]:
    """Party mentions in ``text``; ``aliases`` maps every label and name to a party key."""
    if pattern is None:
        return []
    return [Mention(aliases[m.group()], m.start(), m.end()) for m in pattern.finditer(text)]


def statements(sentence: Sentence, mentions: list[Mention]) -> list[Statement]:
    consent = any(m.label == "consent_condition" for m in sentence.modals)
    modals = _strongest(sentence)
    clause_starts = [0] + [m.end() for m in CLAUSE_BREAK.finditer(sentence.text)]
    result, subject = [], None
    for modal in modals:
        clause_start = max(s for s in clause_starts if s <= modal.start)
        before = [m for m in mentions if clause_start <= m.start and m.end <= modal.start]
        if before:
            subject = before[-1].party
        elif subject is None:
            earlier = [m for m in mentions if m.end <= modal.start]
            subject = earlier[0].party if earlier else None
        result.append(Statement(subject, modal.label, modal.start, modal.end, consent))
    return result


def _strongest(sentence: Sentence):
    """One modal kind per position: 不接受 is a refusal, not also a duty (接受) or a prohibition (不)."""
    ranked = sorted(
        (m for m in sentence.modals if m.label in MODAL_KINDS),
        key=lambda m: (m.start, MODAL_KINDS.index(m.label), -(m.end - m.start)),
    )
    kept, covered_until = [], -1
    for modal in ranked:
        if modal.start < covered_until:
            continue
        kept.append(modal)
        covered_until = modal.end
    return _double_negatives(kept, sentence.text)


def _double_negatives(modals, text: str):
    """不得拒绝 / 不得以任何理由拒绝 is a duty to accept, not a refusal."""
    result, skip = [], False
    for current, following in zip(modals, modals[1:] + [None]):
        if skip:
            skip = False
            continue
        if (
            current.label == "prohibition"
            and following is not None
            and following.label == "refusal"
            and following.start - current.end <= 8
            and not CLAUSE_BREAK.search(text[current.end:following.start])
        ):
            result.append(type(current)("duty", current.start, following.end))
            skip = True
            continue
        result.append(current)
    return result
