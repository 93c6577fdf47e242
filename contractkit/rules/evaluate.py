"""Judge one requirement against a contract's sentences, with evidence and reasons.

The requirement's ``detect`` spec (catalogue data) says which concepts must
meet in one sentence, whose right or duty it must be, and what would say the
opposite. Nothing here is specific to one requirement.
"""

from __future__ import annotations

from dataclasses import dataclass

from contractkit.catalogue import Requirement
from contractkit.catalogue.model import Detection
from contractkit.results.model import Evidence, Status
from contractkit.understanding.nlp import Sentence
from contractkit.understanding.statements import Mention, Statement

# Which statement kinds fulfil a requirement's modality, and which say the opposite.
FULFILS = {
    "right": {"right", "duty"},
    "duty": {"duty"},
    "prohibition": {"prohibition"},
    None: {"right", "duty", "prohibition"},
}
OPPOSES = {
    "right": {"prohibition", "refusal"},
    "duty": {"refusal"},
    "prohibition": {"permission_unlimited"},
    None: {"refusal"},
}
MAX_EVIDENCE = 3


@dataclass(frozen=True)
class AnalysedSentence:
    sentence: Sentence
    mentions: tuple[Mention, ...]
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Judgement:
    status: Status
    evidence: tuple[tuple[AnalysedSentence, tuple[tuple[int, int], ...]], ...]
    reason: str


def judge(
    requirement: Requirement,
    sentences: list[AnalysedSentence],
    actor_parties: set[str],
    actor_label: str,
    concept_labels: dict[str, str],
    party_labels: dict[str, str],
) -> Judgement:
    detect = requirement.detect
    satisfied, contrary, partial = [], [], []
    for analysed in sentences:
        s = analysed.sentence
        if detect.contrary and _says_opposite(analysed, detect):
            contrary.append((analysed, _highlights(s, detect.contrary), "该句约定与要求相反"))
            continue
        if not all(any(s.has(c) for c in group) for group in detect.all_of):
            if detect.partial and any(s.has(c) for c in detect.partial):
                partial.append((analysed, _highlights(s, [detect.partial]), _missing(s, detect, concept_labels)))
            continue
        verdict, why = _attribution(analysed, detect, actor_parties, actor_label, party_labels)
        bucket = {Status.SATISFIED: satisfied, Status.CONTRARY: contrary, Status.PARTIAL: partial}[verdict]
        bucket.append((analysed, _highlights(s, detect.all_of), why))

    for status, found in ((Status.CONTRARY, contrary), (Status.SATISFIED, satisfied), (Status.PARTIAL, partial)):
        if found:
            evidence = tuple((a, h) for a, h, _ in found[:MAX_EVIDENCE])
            return Judgement(status, evidence, found[0][2])
    return Judgement(Status.MISSING, (), "")


def _attribution(analysed, detect: Detection, actor_parties, actor_label, party_labels):
    """Is the sentence's statement the right party's right/duty/prohibition?"""
    statements = analysed.statements
    fulfils, opposes = set(FULFILS[detect.modality]), OPPOSES[detect.modality]
    if detect.modality == "prohibition":
        # "经甲方书面同意，乙方可以分包" limits the transfer as well as a prohibition does.
        fulfils |= {s.kind for s in statements if s.conditional_consent and s.kind in ("right", "duty")}
    if detect.actor is None:
        if any(s.kind in opposes for s in statements) and not any(s.kind in fulfils for s in statements):
            return Status.CONTRARY, "该句以否定或免除的方式约定"
        return Status.SATISFIED, "该句包含所需要素"
    own = [s for s in statements if s.actor in actor_parties]
    if any(s.kind in fulfils for s in own):
        return Status.SATISFIED, f"该句约定为{actor_label}的{_kind_zh(detect.modality)}"
    if any(s.kind in opposes for s in own):
        return Status.CONTRARY, f"该句否定了{actor_label}的{_kind_zh(detect.modality)}"
    others = [s for s in statements if s.kind in fulfils and s.actor and s.actor not in actor_parties]
    if others:
        who = party_labels.get(others[0].actor, others[0].actor)
        return Status.PARTIAL, f"该句将其约定为{who}的{_kind_zh(detect.modality)}，而非{actor_label}的"
    if any(s.kind in fulfils for s in statements):
        return Status.PARTIAL, f"该句未写明由{actor_label}承担或享有"
    return Status.PARTIAL, f"该句提及相关内容，但未以{_kind_zh(detect.modality)}的方式约定{actor_label}的事项"


def _kind_zh(modality: str | None) -> str:
    return {"right": "权利", "duty": "义务", "prohibition": "禁止性义务", None: "约定"}[modality]


def _says_opposite(analysed: AnalysedSentence, detect: Detection) -> bool:
    """All ``contrary`` groups meet in the sentence, and nothing negates the last of them."""
    s = analysed.sentence
    if not all(any(s.has(c) for c in group) for group in detect.contrary):
        return False
    decisive = [m.start for m in s.concepts if m.label in detect.contrary[-1]]
    for position in decisive:
        # "不得以任何理由免除" forbids the opposite: a prohibition before it in the sentence cancels it.
        if any(st.kind == "prohibition" and st.end <= position for st in analysed.statements):
            continue
        if s.text[max(0, position - 1):position] in ("不", "非", "无"):
            continue
        return True
    return False


def _highlights(sentence: Sentence, groups) -> tuple[tuple[int, int], ...]:
    wanted = {c for group in groups for c in (group if isinstance(group, (tuple, list)) else [group])}
    return tuple(sorted(set(sentence.spans_of(wanted))))


def _missing(sentence: Sentence, detect: Detection, concept_labels: dict[str, str]) -> str:
    found = [c for c in detect.partial if sentence.has(c)]
    missing = [
        "或".join(concept_labels[c] for c in group)
        for group in detect.all_of
        if not any(sentence.has(c) for c in group)
    ]
    return (
        f"提及了“{'、'.join(concept_labels[c] for c in found)}”，但未约定“{'”“'.join(missing)}”"
    )


def to_evidence(judgement: Judgement, blocks) -> tuple[Evidence, ...]:
    result = []
    for analysed, highlights in judgement.evidence:
        s = analysed.sentence
        block = blocks[s.block]
        result.append(
            Evidence(
                text=s.text,
                location=block.location,
                start=s.start,
                end=s.end,
                highlights=highlights,
                context=block.text,
            )
        )
    return tuple(result)
