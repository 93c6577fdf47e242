"""Which party entrusts the work and which performs it, from the contract's structure.

Evidence, strongest first: the words of the party's own labels (委托方, 供应商,
用能单位), the qualifier beside a label in the party block (甲方（需方）), the
contract's definition of the label (“业主”是指…委托…的一方), sentences that say who
commissions, pays, supplies or licenses (甲方委托乙方…, 乙方向甲方提供…), and last
the order of 甲方/乙方 (甲方 usually commissions).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from contractkit.checking.understanding.literals import paragraphs_holding_any
from contractkit.checking.understanding.parties.declarations import Party
from contractkit.checking.understanding.parties.lexicon import (
    ENTRUSTING,
    PERFORMING,
    THIRD_PARTY,
    PartyLexicon,
    alternation,
)
from contractkit.checking.understanding.statements import excerpt

WEIGHT_LABEL = 4.0
WEIGHT_HINT = 4.0
WEIGHT_DEFINITION = 3.0
WEIGHT_SENTENCE = 1.0
SENTENCE_CAP = 4.0  # sentences add up to this much: a label that says the side still wins
WEIGHT_ORDER = 0.5  # 甲方 commissions, the later ordinals perform, unless anything else says so
QUOTE = 36


@dataclass
class SideVotes:
    votes: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    reasons: dict[str, list[str]] = field(default_factory=dict)
    sentence_votes: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, side: str, weight: float, reason: str) -> None:
        self.votes[side] += weight
        reasons = self.reasons.setdefault(side, [])
        if reason not in reasons and len(reasons) < 3:
            reasons.append(reason)

    @property
    def side(self) -> str | None:
        if self.votes[THIRD_PARTY] >= WEIGHT_LABEL:
            return THIRD_PARTY
        entrusting, performing = self.votes[ENTRUSTING], self.votes[PERFORMING]
        if entrusting == performing:
            return None
        return ENTRUSTING if entrusting > performing else PERFORMING


def side_votes(parties: list[Party], texts: list[str], lexicon: PartyLexicon) -> dict[int, SideVotes]:
    """Votes per party (by position in ``parties``)."""
    votes = {i: SideVotes() for i in range(len(parties))}
    for i, party in enumerate(parties):
        if party.not_signing:
            votes[i].add(THIRD_PARTY, WEIGHT_LABEL, "合同写明其不是本合同当事人")
        for label in party.labels:
            side = lexicon.side_of_label(label)
            if side:
                votes[i].add(side, WEIGHT_LABEL, f"合同以“{label}”称呼该方")
        for hint in party.hints:
            side = lexicon.side_of_label(hint)
            if side:
                votes[i].add(side, WEIGHT_HINT, f"当事人信息中写明“{party.key}（{hint}）”")
        for definition in party.definitions:
            # The last phrase before 的一方 says what the party does: …委托监理业务的一方.
            phrase = re.split(r"[、，,]", definition)[-1]
            side = _side_of_phrase(phrase, lexicon)
            if side:
                votes[i].add(side, WEIGHT_DEFINITION, f"合同定义该方是指{excerpt(definition, QUOTE)}")
    _sentence_votes(parties, texts, lexicon, votes)
    ordinals = [p for p in parties if p.key in lexicon.ordinals]
    for i, party in enumerate(parties):
        if party in ordinals:
            first = lexicon.ordinal_rank[party.key] == 0
            side = ENTRUSTING if first else PERFORMING
            votes[i].add(side, WEIGHT_ORDER, f"“{party.key}”通常为{'委托' if first else '受托'}一方")
    return votes


def _side_of_phrase(phrase: str, lexicon: PartyLexicon) -> str | None:
    hits = [
        (phrase.rfind(part), len(part), side)
        for side, parts in lexicon.morphemes.items()
        for part in parts
        if part in phrase
    ]
    if not hits:
        return None
    return max(hits)[2]  # the word part nearest the end (…委托监理业务的一方)


def _sentence_votes(
    parties: list[Party], texts: list[str], lexicon: PartyLexicon, votes: dict[int, SideVotes]
) -> None:
    words = {word: i for i, party in enumerate(parties) for word in party.all_names()}
    if len(set(words.values())) < 2:
        return
    mention = alternation(words).pattern
    patterns = [
        re.compile(p.replace("{e}", f"(?P<e>{mention})").replace("{p}", f"(?P<p>{mention})"))
        for p in lexicon.side_patterns
    ]
    holding = paragraphs_holding_any(patterns, texts)
    for text in map(texts.__getitem__, holding):  # only the paragraphs where a pattern may match
        for pattern in patterns:
            for match in pattern.finditer(text):
                entrusting, performing = words[match.group("e")], words[match.group("p")]
                if entrusting == performing:
                    continue
                for i, side, verb in ((entrusting, ENTRUSTING, "委托或付款"), (performing, PERFORMING, "受托或供应")):
                    if votes[i].sentence_votes[side] < SENTENCE_CAP:
                        votes[i].sentence_votes[side] += WEIGHT_SENTENCE
                        quoted = excerpt(_sentence_around(text, match), QUOTE)
                        votes[i].add(side, WEIGHT_SENTENCE, f"合同约定其{verb}：“{quoted}”")


def _sentence_around(text: str, match: re.Match, lead: int = 24) -> str:
    """The sentence of the match; from the match itself when the sentence starts far before it."""
    start = max((text.rfind(c, 0, match.start()) for c in "。；;\n"), default=-1) + 1
    return text[start if match.start() - start <= lead else match.start():].lstrip()

