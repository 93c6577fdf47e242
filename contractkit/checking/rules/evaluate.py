"""Judge one requirement against a contract's sentences, with evidence and reasons.

The requirement's ``detect`` spec (catalogue data) says which concepts must
meet in one sentence, whose right or duty it must be, and what would say the
opposite. Nothing here is specific to one requirement.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from contractkit.catalogue import Requirement
from contractkit.catalogue.model import Detection
from contractkit.results.model import Evidence, Status
from contractkit.checking.understanding.nlp import Sentence
from contractkit.checking.understanding.numerals import parse_number
from contractkit.checking.understanding.statements import BOTH_PARTIES, CLAUSE_BREAK, Mention, Statement

# Which statement kinds fulfil a requirement's modality, and which say the opposite.
FULFILS = {
    "right": {"right", "duty"},
    "duty": {"duty"},
    "prohibition": {"prohibition"},
    "any": {"right", "duty", "prohibition"},  # 乙方应持续维护 and 乙方不得终止维护 both do
    None: {"right", "duty"},
}
OPPOSES = {
    "right": {"prohibition", "refusal"},
    "duty": {"refusal"},
    "prohibition": {"permission_unlimited"},
    "any": {"refusal"},
    None: set(),  # without a modality, only the catalogue's contrary groups say "the opposite"
}
MAX_EVIDENCE = 3


@dataclass(frozen=True)
class AnalysedSentence:
    sentence: Sentence
    mentions: tuple[Mention, ...]
    statements: tuple[Statement, ...]
    hypothetical: bool = False  # a listed breach (…拒绝…的；), not something the contract provides
    deferred: bool = False  # the content is left to a later agreement (另行协商)
    heading: bool = False  # a heading or title: names a topic, says nothing about it


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
    mentioned_parties: set[str] | None = None,
) -> Judgement:
    detect = requirement.detect
    # A sentence without any of the requirement's concepts can meet no branch below
    # (every group of all_of is non-empty): skip it cheaply, most sentences are such.
    relevant = detect.concept_ids()
    groups = detect.partial_groups()
    satisfied, contrary, partial = [], [], []
    for analysed in sentences:
        s = analysed.sentence
        if analysed.heading or relevant.isdisjoint(s.labels):
            continue
        if mentioned_parties is not None and not any(
            m.party in mentioned_parties or m.party == BOTH_PARTIES for m in analysed.mentions
        ):
            continue
        if detect.contrary and not analysed.hypothetical and _says_opposite(analysed, detect):
            contrary.append((analysed, _highlights(s, detect.contrary), "该句约定与要求相反"))
            continue
        if analysed.hypothetical and detect.modality == "prohibition" and any(s.has(c) for c in detect.all_of[0]):
            # "发生转包、分包的" in a list of breaches: the act is sanctioned, though not plainly barred.
            partial.append((analysed, _highlights(s, detect.all_of[:1]), "合同将该行为列为违约或解除情形，但未明确约定禁止或限制"))
            continue
        over = _over_limit(s.text, detect)
        if over and any(s.has(c) for c in detect.all_of[0]):
            contrary.append((analysed, _highlights(s, detect.all_of), over))
            continue
        if not all(any(s.has(c) for c in group) for group in detect.all_of):
            if groups and all(any(s.has(c) for c in g) for g in groups) and _undertakes(analysed, detect, actor_parties):
                partial.append((analysed, _highlights(s, groups), _missing(s, detect, concept_labels)))
            continue
        if analysed.deferred:
            partial.append((analysed, _highlights(s, detect.all_of), "该句将具体内容留待双方另行约定"))
            continue
        verdict, why = _attribution(analysed, detect, actor_parties, actor_label, party_labels)
        if verdict is None or verdict is Status.CONTRARY and analysed.hypothetical:
            continue  # no undertaking here, or only a condition (…拒绝…的；) that names a breach
        bucket = {Status.SATISFIED: satisfied, Status.CONTRARY: contrary, Status.PARTIAL: partial}[verdict]
        bucket.append((analysed, _highlights(s, detect.all_of), why))

    for status, found in ((Status.CONTRARY, contrary), (Status.SATISFIED, satisfied), (Status.PARTIAL, partial)):
        if found:
            evidence = tuple((a, h) for a, h, _ in found[:MAX_EVIDENCE])
            return Judgement(status, evidence, found[0][2])
    if detect.weaker is not None:
        looser = requirement.model_copy(update={"detect": detect.weaker})
        result = judge(looser, sentences, actor_parties, actor_label, concept_labels, party_labels, mentioned_parties)
        if result.status is Status.SATISFIED:
            return Judgement(Status.PARTIAL, result.evidence, detect.weaker.reason or "仅有较宽泛的约定")
    return Judgement(Status.MISSING, (), "")


def _undertakes(analysed: AnalysedSentence, detect: Detection, actor_parties: set[str]) -> bool:
    """Does the right party (anyone, if the requirement names none) undertake something here?

    A topic word in a heading, a definition or a table row is not a partial clause.
    """
    if analysed.deferred:
        return True
    return any(
        detect.actor in (None, "any") or s.actor in actor_parties or s.actor in (None, BOTH_PARTIES)
        for s in analysed.statements
    )


def _attribution(analysed, detect: Detection, actor_parties, actor_label, party_labels):
    """Is the sentence's statement the right party's right/duty/prohibition?"""
    statements = analysed.statements
    fulfils, opposes = set(FULFILS[detect.modality]), OPPOSES[detect.modality]
    if detect.modality in ("prohibition", "any"):
        # "经甲方书面同意，乙方可以分包" limits the transfer as well as a prohibition does;
        # "未经甲方同意，乙方可以…" is the opposite.
        fulfils |= {s.kind for s in statements if s.conditional_consent and s.kind in ("right", "duty")}
        statements = tuple(
            dataclasses.replace(s, kind="permission_unlimited") if s.without_consent and s.kind == "right" else s
            for s in statements
        )
        opposes = opposes | {"permission_unlimited"}
    if detect.actor is None:
        if any(s.kind in opposes for s in statements) and not any(s.kind in fulfils for s in statements):
            return Status.CONTRARY, "该句以否定或免除的方式约定"
        if detect.statement_needed and not any(s.kind in fulfils for s in statements):
            return None, ""  # the words occur (a heading, a table row), but nothing is undertaken
        if not detect.statement_needed and any(s.kind in ("prohibition", "refusal") for s in statements):
            return None, ""  # a declaration turned round (该表不得…明确…) declares nothing
        return Status.SATISFIED, "该句包含所需要素"
    # 双方应… binds each party to a duty; it grants no one party a right.
    both_counts = detect.modality in (None, "duty")
    own = [
        s for s in statements
        if s.actor in actor_parties
        or s.actor == BOTH_PARTIES and both_counts
        or detect.actor == "any" and s.actor
    ]
    if any(s.kind in fulfils for s in own):
        return Status.SATISFIED, f"该句约定为{actor_label}的{_kind_zh(detect.modality)}"
    if any(s.kind in opposes for s in own):
        return Status.CONTRARY, f"该句否定了{actor_label}的{_kind_zh(detect.modality)}"
    others = [s for s in statements if s.kind in fulfils and s.actor and s.actor not in actor_parties]
    if others:
        who = party_labels.get(others[0].actor, others[0].actor)
        return Status.PARTIAL, f"该句将其约定为{who}的{_kind_zh(detect.modality)}，而非{actor_label}的"
    if any(s.kind in fulfils and s.actor is None for s in statements):
        # A rule stated without a party (…调整须经甲方审批后方可实施) binds whoever does the work.
        return Status.SATISFIED, f"该句以一般规则的方式约定{_kind_zh(detect.modality)}"
    return None, ""  # the words occur, but nobody undertakes anything


def _over_limit(text: str, detect: Detection) -> str | None:
    """The reason, when the sentence states a number above the standard's limit."""
    if detect.limit is None:
        return None
    for match in re.finditer(detect.limit.pattern, text):
        number = parse_number(match.group(1))
        if number is not None and number > detect.limit.max:
            return f"该句约定为{number}，超过{detect.limit.reason}"
    return None


def _kind_zh(modality: str | None) -> str:
    return {"right": "权利", "duty": "义务", "prohibition": "禁止性义务", "any": "约定", None: "约定"}[modality]


def _says_opposite(analysed: AnalysedSentence, detect: Detection) -> bool:
    """All ``contrary`` groups meet in the sentence, and nothing negates the last of them."""
    s = analysed.sentence
    if not all(any(s.has(c) for c in group) for group in detect.contrary):
        return False
    decisive = [m.start for m in s.concepts if m.label in detect.contrary[-1]]
    negations = [m.end for m in s.modals if m.label == "negation"]
    for position in decisive:
        clause_start = max([0] + [b.end() for b in CLAUSE_BREAK.finditer(s.text, 0, position)])
        # "放弃追究违约责任决不意味免除…": a negation earlier in the clause turns the opposite round.
        if any(clause_start <= end <= position for end in negations):
            continue
        # "不得以任何理由免除" forbids the opposite: a prohibition before it in the sentence cancels it,
        # and so does a double negative read as a duty (不得拒绝).
        if any(st.kind == "prohibition" and st.end <= position for st in analysed.statements):
            continue
        if any(st.kind == "duty" and st.start <= position < st.end for st in analysed.statements):
            continue
        if s.text[max(0, position - 1):position] in ("不", "非", "无"):
            continue
        return True
    return False


def _highlights(sentence: Sentence, groups) -> tuple[tuple[int, int], ...]:
    wanted = {c for group in groups for c in group}
    return tuple(sorted(set(sentence.spans_of(wanted))))


def _missing(sentence: Sentence, detect: Detection, concept_labels: dict[str, str]) -> str:
    found = [c for group in detect.partial_groups() for c in group if sentence.has(c)]
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
