"""Checks on whose right or duty a complete sentence states (attribution), or that it declares (declaration)."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from contractkit.catalogue.model import Frozen
from contractkit.checking.rules.checks.opposite import POINTS_BACK
from contractkit.checking.rules.model import AnalysedSentence, ConceptGroups, ContractParties, Verdict
from contractkit.checking.rules.registry import Labeller, SentenceCheck, register
from contractkit.checking.rules.wording import duty_zh, groups_zh, kind_zh
from contractkit.checking.understanding.continuation import PROVISO

if TYPE_CHECKING:
    from collections.abc import Sequence

    from contractkit.checking.understanding.statements import Mention, Statement

# Which statement kinds fulfil a requirement's modality, and which say the opposite.
FULFILS: dict[str | None, set[str]] = {
    "right": {"right", "duty"},
    "duty": {"duty"},
    "prohibition": {"prohibition"},
    "any": {"right", "duty", "prohibition"},  # 乙方应持续维护 and 乙方不得终止维护 both do
    None: {"right", "duty"},
}
OPPOSES: dict[str | None, set[str]] = {
    "right": {"prohibition", "refusal"},
    "duty": {"refusal"},
    "prohibition": {"permission_unlimited"},
    "any": {"refusal"},
    None: set(),  # without a modality, only the catalogue's contrary groups say "the opposite"
}


# 不得影响/妨碍/干扰…: a side effect of the act barred (审计不得影响乙方对其他客户的服务).
_SIDE_EFFECT = re.compile(r"\s*(?:影响|妨碍|干扰|损害)")


def _read_statements(
    analysed: AnalysedSentence, modality: str | None
) -> tuple[tuple[Statement, ...], set[str], set[str]]:
    """The sentence's statements, and the kinds that fulfil or oppose the modality. A right to make
    another party act (甲方有权要求乙方删除数据) is also that party's duty."""
    statements = analysed.statements + _demanded_duties(analysed)
    fulfils, opposes = set(FULFILS[modality]), OPPOSES[modality]
    if modality in ("prohibition", "any"):
        # "经甲方书面同意，乙方可以分包" limits the transfer as well as a prohibition does;
        # "未经甲方同意，乙方可以…" is the opposite.
        fulfils |= {s.kind for s in statements if s.conditional_consent and s.kind in ("right", "duty")}
        # "乙方可以将本项目整体转包": a permission with no consent and no limit anywhere in the sentence
        # is as unlimited as one given 无需同意.
        limited = analysed.sentence.has("layer_limit") or analysed.sentence.has("consent")
        statements = tuple(
            dataclasses.replace(s, kind="permission_unlimited")
            if s.kind == "right" and (s.without_consent or modality == "prohibition" and not limited
                                      and not s.conditional_consent)
            else s
            for s in statements
        )
        opposes = opposes | {"permission_unlimited"}
    if modality == "prohibition":
        # "乙方人员只得于服务所需的限度内行使权限": what may be done only so far bars the rest.
        text = analysed.sentence.text
        statements = tuple(dataclasses.replace(s, kind="prohibition")
                           if s.kind == "duty" and text.startswith(_ONLY, s.start) else s for s in statements)
    elif modality == "duty":
        # "乙方不得申请超出运维任务所需范围的权限": barring more than a bound keeps to the bound.
        text = analysed.sentence.text
        statements = tuple(dataclasses.replace(s, kind="duty")
                           if s.kind == "prohibition" and _BEYOND_A_BOUND.match(text, s.end) else s for s in statements)
    return statements, fulfils, opposes


_BEYOND_A_BOUND = re.compile(r"[^，。；,;]{0,8}?(?:超出|超过|超越)")


_ONLY = ("仅", "只")


class _ClauseCheck(SentenceCheck):
    """Judges a sentence that holds every element of ``all_of``."""

    needs_all_of = True

    def judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        verdict = self._judge(analysed, parties)
        # No undertaking here, or only a condition (…拒绝…的；) that names a breach: nothing provided.
        if verdict is None or verdict.status == "contrary" and analysed.hypothetical:
            return self.says_nothing()
        return verdict

    def _judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        raise NotImplementedError


def _topic_only_after(analysed: AnalysedSentence, statement: Statement, topic: tuple[str, ...]) -> bool:
    """Is every mention of the topic after the statement's scope, inside another party's statement?"""
    from contractkit.checking.understanding.statements import scope  # see registry.py: kept light

    text = analysed.sentence.text
    spans = analysed.sentence.spans_of(set(topic))
    _, end = scope(text, statement, analysed.mentions)
    others = [scope(text, o, analysed.mentions) for o in analysed.statements if o.actor != statement.actor]
    return bool(spans) and all(at >= end and any(s <= at < e for s, e in others) for at, _ in spans)


def _subcontractor_barred_further(analysed: AnalysedSentence, statement: Statement, parties: ContractParties
                                  ) -> bool:
    """乙方聘用的分包单位不得将承接的工作再行分包 / 经批准的分包商不得将其义务再委托他人: a ban on further
    transfer laid, in its own clause, on the subcontractor (the one the partner engaged and answers for).
    Another outsider's ban (原厂不得转包) is no one's here."""
    from contractkit.checking.understanding.statements import CLAUSE_BREAK, OUTSIDER  # see registry.py

    if statement.actor != OUTSIDER or statement.kind != "prohibition":
        return False
    text = analysed.sentence.text
    end = CLAUSE_BREAK.search(text, statement.end)
    clause_end = end.start() if end else len(text)
    if not any(statement.start <= at < clause_end for at, _ in analysed.sentence.spans_of({"further_ban"})):
        return False
    # (经批准的分包商须亲自履行，不得…: the subject named at the head of the sentence goes on.)
    return _SUBCONTRACTOR.search(text, 0, statement.start) is not None or any(
        m.party in parties.actor_parties and m.end <= statement.start for m in analysed.mentions)


# (受托第三方 / 次级处理者: the one the party entrusted, in a data-processing addendum's words.)
_SUBCONTRACTOR = re.compile(r"(?:分包|转包|再委托)(?:商|方|单位|人|机构)|受托的?第三方|次级处理者|子处理者|分处理者")


def _several_duties(statements: tuple[Statement, ...]) -> bool:
    """Do the statements hold duties of more than one party, one duty of two (甲方与乙方按…执行: the same
    words, said of each) counting once?"""
    return len({(s.start, s.end) for s in statements}) > 1 and len({s.actor for s in statements}) > 1


@register("attribution")
class Attribution(_ClauseCheck):
    """The sentence states the requirement's actor's right, duty or prohibition (its ``modality``).

    Another party's: still missing, quoted as a near miss (the clause binds the wrong
    party, so nothing is credited); the actor's, negated: contrary; a rule with no
    party (…须经甲方审批后方可实施) binds whoever does the work. Without an
    ``actor``, anyone must undertake something in the sentence.
    """

    def _judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        from contractkit.checking.understanding.statements import BOTH_PARTIES, OUTSIDER  # see registry.py

        detect = self.detect
        statements, fulfils, opposes = _read_statements(analysed, detect.modality)
        implied = detect.modality == "right" and _implied_right(analysed, statements, parties, detect.all_of[0])
        own_check = detect.modality == "right" and _own_check_accepted(analysed, statements, parties,
                                                                        detect.all_of[0])
        if detect.modality == "right":
            statements = _governing(analysed, statements, detect.all_of[0])
            # 甲方不得拒绝乙方的安全检查: the actor's duty to undergo the check is no supervision of its own.
            statements = tuple(s for s in statements if not (s.kind == "duty" and _undergoes(analysed, s,
                                                                                             detect.all_of[0])))
        elif detect.modality in ("duty", "any") and len(detect.all_of) > 1 and any(
            s.kind in opposes for s in statements
        ):
            # 乙方无需…修复，但应…告知: waiver and duty split; the duty holds only what its scope holds.
            governing = _governing(analysed, statements, detect.all_of[1], rights=False)
            statements = tuple(s for s in statements if s.kind in opposes or s in governing)
        elif detect.modality == "duty" and _several_duties(statements):
            # 甲方应配合监管部门的检查，乙方应按时提交月度报告: a party's duty that holds none of the
            # elements is about something else.
            anything = tuple(c for group in detect.all_of for c in group)
            governing = _governing(analysed, statements, anything)
            statements = tuple(s for s in statements if s in governing or s.kind in opposes)
            # 乙方负责抽查甲方的记录，甲方负责配合乙方抽查: when another party's duty holds the act the
            # requirement asks (配合), the actor's duty on the topic alone (抽查) is a different act.
            acts = tuple(c for group in detect.all_of[1:] for c in group)
            acting = _governing(analysed, statements, acts) if acts else ()
            if any(s.actor not in parties.actor_parties for s in acting):
                statements = tuple(s for s in statements if s in acting or s.kind in opposes
                                   or s.actor not in parties.actor_parties)
            # 供应商协助，采购人监督: an act with no object of its own (协助) is about what came before it,
            # not about the topic named only later, in another party's clause.
            statements = tuple(s for s in statements if s.kind in opposes or s.actor not in parties.actor_parties
                               or not _topic_only_after(analysed, s, detect.all_of[0]))
        spans = analysed.spans_of(detect.all_of)
        kind = kind_zh(detect.modality)
        if detect.actor is None:
            if detect.modality is None and all(analysed.barred(start) for start, _ in
                                               analysed.sentence.spans_of(set(detect.all_of[0]))):
                return None  # 调试时不得删除存储介质上的数据: what is barred is not provided for
            if any(s.kind in opposes for s in statements) and not any(s.kind in fulfils for s in statements):
                return self.verdict("contrary", "该句以否定或免除的方式约定", spans)
            if not any(s.kind in fulfils for s in statements):
                return None  # the words occur (a heading, a table row), but nothing is undertaken
            if all(s.actor == OUTSIDER for s in statements if s.kind in fulfils):
                return None  # 由甲方另行委托的销毁服务公司负责实施: undertaken by someone who does not sign
            # (本公司将尽力采取适当补救措施: a hedged undertaking binds to nothing certain, whoever gives it.)
            hedge = _hedged(analysed, [], detect.all_of[0])  # the matter itself, hedged wherever it is said
            if hedge:
                return self.verdict("partial", f"该句以“{hedge}”的弱化表述约定，未作确定的承诺", spans)
            return self.verdict("satisfied", "该句包含所需要素", spans)
        if held_by_regulator(analysed, detect.all_of):
            return None  # 配合监管部门的检查: the regulator's supervision, no party's right or duty here
        if "supervision" in detect.all_of[0] and analysed.outsiders_act(detect.all_of[0]):
            return None  # 接受监理单位对施工质量的监督: supervision by someone who does not sign
        approver = _self_approved(analysed, detect.all_of, parties)
        if approver:
            return self.verdict("missing", f"该句约定的审批由{approver}自行作出，而非他方的审批或同意", spans)
        # 双方应… binds each party to a duty, 双方均不得… bars each, and 双方均有权… gives each a right;
        # 双方应…监督 (a duty of both) grants no one party a right. Where either will do, each party's
        # own duty counts (任何一方均应…), not what both do together (双方按照以下方式交互决策).
        binds_each = detect.modality in (None, "duty", "prohibition")
        both_kinds = {"right", "duty", "prohibition", "refusal"} if binds_each else {"right"}
        text = analysed.sentence.text
        own = [
            s for s in statements
            if s.actor in parties.actor_parties
            or s.actor == BOTH_PARTIES and s.kind in both_kinds | opposes
            or s.actor == BOTH_PARTIES and detect.modality == "any" and s.kind in ("duty", "prohibition")
            and EACH_PARTY_OWN.search(text, 0, s.end) is not None
            or detect.actor == "any" and s.actor
            or detect.modality == "prohibition" and _subcontractor_barred_further(analysed, s, parties)
        ]
        # 审计不得影响乙方的正常服务: barring a side effect of the act says how to act, not that one may not.
        own = [s for s in own if not (s.kind == "prohibition" and _SIDE_EFFECT.match(analysed.sentence.text, s.end))]
        own = _after_opposing_proviso(analysed, own, fulfils, opposes, detect.all_of[0] + detect.all_of[-1])
        holder = parties.actor_label
        if any(s.kind in fulfils for s in own):
            if not any(s.kind in fulfils and s.actor in parties.actor_parties for s in own):
                if any(s.kind in fulfils and s.actor == OUTSIDER for s in own):
                    # (…，分包方不得再行分包: the second layer barred, the partner itself left unbound.)
                    return self.verdict("partial", f"该句仅约定{holder}委托的第三方不得再行转委托，"
                                                   f"未约定{holder}本身的限制", spans)
                holder = _both_label(parties)
            # 乙方原则上不终止维护 / 尽量在24小时内修复: a hedged undertaking binds to nothing certain.
            hedge = _hedged(analysed, [s for s in own if s.kind in fulfils], detect.all_of[-1])
            if hedge:
                return self.verdict("partial", f"该句以“{hedge}”的弱化表述约定，未确定为{holder}的{kind}", spans)
            # 乙方负责修复漏洞：高危漏洞无需在七日内修复: an element the clause itself waives is not there.
            waived = [group for group in detect.all_of if not analysed.says(group)] if detect.modality == "duty" else []
            if waived:
                named = "”“".join("或".join(parties.concept_labels.get(c, c) for c in group) for group in waived)
                return self.verdict("partial", f"该句约定为{holder}的{kind}，但免除了其中的“{named}”", spans)
            return self.verdict("satisfied", f"该句约定为{holder}的{kind}", spans)
        # A right is refused only over what the refusal governs (委托方根据受托方的年度考核结果决定是否续签:
        # what is left open is the renewal; the check lies before, outside its scope). A duty's topic is
        # often named first (对于已发现的漏洞，乙方可自行决定是否修复).
        opposing = tuple(s for s in own if s.kind in opposes)
        if opposing and (detect.modality != "right" or _refuses_after(analysed, opposing, detect.all_of[0])):
            # (a requirement binding whoever acts names no holder: the party refusing is named)
            refusing = holder or parties.name(opposing[0].actor or "")
            return self.verdict("contrary", f"该句否定了{refusing}的{kind}", spans)
        demands = {(s.start, s.end) for s in _demanded_duties(analysed)}
        rights = tuple(
            s for s in own if s.kind == "right" and s.actor in parties.actor_parties and (s.start, s.end) not in demands
        )
        # 乙方有权配合监管部门的调查: allowed to, not bound to. But a right over something else (甲方有权…检查，
        # 乙方应配合: the performer's right to test, the other's duty to cooperate) is no part of the duty.
        duty_element = analysed.sentence.spans_of(set(detect.all_of[-1]))
        # (…无正当理由拒绝配合许可合规审计的，甲方有权终止许可: the element is the condition of a sanction the
        # right imposes on another, not what the right holder may do.)
        if detect.modality == "duty" and any(analysed.governs(r, at) and not _sanctioned_breach(text, at, r.start)
                                             for r in rights for at, _ in duty_element):
            return self.verdict("partial", f"该句仅约定为{holder}的权利，而非义务", spans)
        # Another party's duty to inspect the actor (乙方应对甲方的系统进行巡检) is a service it renders
        # on the actor's things, not the actor's right given to the wrong party.
        others = [
            s.actor for s in statements
            if s.kind in fulfils and s.actor and s.actor not in parties.actor_parties
            and not (detect.modality == "right" and s.kind != "right" and _actor_is_object(analysed, s, parties))
        ]
        if own_check:
            checked = _topic_zh(analysed, detect.all_of[0], parties)
            return self.verdict("satisfied", f"该句约定由{parties.actor_label}开展{checked}，他方应予接受或配合", spans)
        if implied:
            holder, checked = parties.actor_label, _topic_zh(analysed, detect.all_of[0], parties)
            reason = f"该句约定他方接受{holder}的{checked}，{holder}的权利仅为隐含，未明确约定"
            return self.verdict("partial", reason, spans)
        if others:
            first = others[0]
            who = _both_label(parties) if first == BOTH_PARTIES else parties.party_labels.get(first, first)
            return self.verdict("missing", f"该句将其约定为{who}的{kind}，而非{parties.actor_label}的", spans)
        # A rule with no party binds whoever does the work (…须经甲方审批后方可实施); a right needs a
        # holder, and one held by no party of the contract (企业管理员有权…) is nobody's here.
        if detect.modality != "right" and any(s.kind in fulfils and s.actor is None for s in statements):
            return self.verdict("satisfied", f"该句以一般规则的方式约定{kind}", spans)
        return None  # the words occur, but nobody undertakes anything

    def describe(self, label: Labeller) -> str:
        if self.detect.actor is None:
            return f"须有人作出{kind_zh(self.detect.modality)}；以否定或免除方式约定：相反约定"
        duty = duty_zh(self.detect.actor, self.detect.modality)
        return f"须为{duty}；约定为他方的：仍未满足（引为相近约定）；被否定：相反约定"


# 任何一方均应 / 双方均不得 / 各方应: a duty of each party on its own, not one they discharge together.
EACH_PARTY_OWN = re.compile(r"任何一方|任一方|各方|双方(?:均|都|各自|分别)|均应|均不得|均须")


# Words that soften an undertaking into an intention: in principle, as far as possible, to strive to.
HEDGE = re.compile(r"原则上|尽量|尽可能|尽力|争取|力争|视情况|酌情|尽合理努力|尽商业上合理的努力"
                   # 在条件允许时予以适当配合: when it suits, and to a degree it chooses.
                   r"|条件允许|在可能的情况下|适当(?=配合|协助|支持|补救)")


def _hedged(analysed: AnalysedSentence, fulfilling: list[Statement], act: tuple[str, ...]) -> str | None:
    """The hedge word that softens the undertaking: one in the clause of every fulfilling statement,
    before it or just after it (乙方原则上应…, 乙方应尽量…), or before every mention of the requirement's
    act in its clause (乙方原则上不终止…维护, said with no modal word)."""
    from contractkit.checking.understanding.statements import clause_start_at, clause_starts

    text = analysed.sentence.text
    if HEDGE.search(text) is None:
        return None
    starts = clause_starts(text)

    def hedge_before(at: int, end: int) -> str | None:
        found = HEDGE.search(text, clause_start_at(starts, at), end)
        return found.group() if found else None

    def hedge_on(start: int) -> str | None:
        # (尽力恢复并赔偿损失: the hedge softens the recovery; the compensation joined by 并 stands firm.)
        found = [m for m in HEDGE.finditer(text, clause_start_at(starts, start), start)]
        return found[-1].group() if found and not _JOINS.search(text, found[-1].end(), start) else None

    for hedges in ([hedge_before(s.start, s.end + 6) for s in fulfilling],
                   [hedge_on(start) for start, _ in analysed.sentence.spans_of(set(act))]):
        if hedges and all(hedges):
            return hedges[0]
    return None


_JOINS = re.compile(r"并|且|以及|同时")


def _after_opposing_proviso(analysed: AnalysedSentence, own: list[Statement], fulfils: set[str], opposes: set[str],
                            topic: tuple[str, ...]) -> list[Statement]:
    """乙方不得转包，但…可自行决定交由其实施而无需征得甲方同意: a 但 proviso saying the opposite of the
    requirement's matter (``topic``: its subject or its act) sets the rule, and only what it says
    counts. (保障可用性，但不对服务不中断作出保证 disclaims something narrower: the main clause stands.)"""
    provisos = list(PROVISO.finditer(analysed.sentence.text))
    if not provisos:
        return own
    at = provisos[-1].end()
    after = [s for s in own if s.start >= at]
    from contractkit.checking.understanding.statements import PARTICULARS  # see registry.py: kept light

    text = analysed.sentence.text
    # (…尽合理努力告知您，但我们不承诺告知的具体时限: the proviso refuses how soon, not the act.)
    held = [start for start, end in analysed.sentence.spans_of(set(topic))
            if start >= at and not PARTICULARS.match(text, end)]
    # …，但原厂停止支持的，乙方可停止提供前述更新: the proviso's matter named by pointing back at it.
    held += [found.start() for found in POINTS_BACK.finditer(text, at)]
    if (any(s.kind in opposes and any(analysed.governs(s, t) for t in held) for s in after)
            and not any(s.kind in fulfils for s in after)):
        return after
    return own


def _demanded_duties(analysed: AnalysedSentence) -> tuple[Statement, ...]:
    """The duties that rights to demand impose on the demanded party (甲方有权要求乙方…: 乙方's duty)."""
    from contractkit.checking.understanding.statements import acting_party

    text = analysed.sentence.text
    return tuple(
        dataclasses.replace(s, actor=actor, kind="duty")
        for s in analysed.statements
        if (actor := acting_party(text, s, analysed.mentions)) != s.actor
    )


def _refuses_after(analysed: AnalysedSentence, refusals: tuple[Statement, ...], topic: tuple[str, ...]) -> bool:
    """Does a refusal reach the topic: named after the refusal's words, within their scope?"""
    from contractkit.checking.understanding.statements import scope

    spans = analysed.sentence.spans_of(set(topic))
    for statement in refusals:
        _, end = scope(analysed.sentence.text, statement, analysed.mentions)
        if any(statement.end <= start and stop <= end for start, stop in spans):
            return True
    return False


def _governing(
    analysed: AnalysedSentence, statements: tuple[Statement, ...], topic: tuple[str, ...], rights: bool = True
) -> tuple[Statement, ...]:
    """The statements whose scope holds the topic: 甲方有权对…进行审计 holds a right to audit;
    "经三次考核仍不合格的，甲方有权解除合同" holds a right to terminate after a test. ``rights``: a
    duty to accept the topic (配合…审查) does not hold it as the actor's own (it does as a duty)."""
    from contractkit.checking.understanding.statements import clause_start_at, clause_starts, scope

    text = analysed.sentence.text
    spans = analysed.sentence.spans_of(set(topic))
    accepting = [s for s, _ in analysed.sentence.spans_of({"accept"})]
    starts = clause_starts(text)
    clause_of = {other.start: clause_start_at(starts, other.start) for other in analysed.statements}
    kept = []
    for statement in statements:
        start, end = scope(text, statement, analysed.mentions)
        # (乙方承诺提供运维服务，届满前乙方无需告知甲方: a later modal word in the topic's own clause
        # governs it, not the earlier one.)
        held = [(s, e) for s, e in spans if start <= s and e <= end and not any(
            statement.end <= other.start < s and clause_of[other.start] == clause_start_at(starts, s)
            for other in analysed.statements if other is not statement
        ) and not (rights and _owned_by_another(text, analysed.mentions, statement, s))]
        # 乙方应配合甲方的许可核查 / 甲方对乙方依约进行的抽查应予配合: a duty to accept another's check,
        # named after the modal word or fronted before it, is no right to check.
        if held and not (rights and statement.kind == "duty" and all(
            any(statement.end <= a < s or s < statement.start <= a <= statement.end + _NEXT_TO for a in accepting)
            for s, _ in held
        )):
            kept.append(statement)
    return tuple(kept)


def _owned_by_another(text: str, mentions: Sequence[Mention], statement: Statement, at: int) -> bool:
    """需方应为供方（在保修期内对设备）的检查提供便利: the check at ``at`` is another party's (X…的检查),
    not the actor's."""
    # (放弃对乙方维护工作的检查: after 对, the party is what the check is of.)
    return any(statement.end <= m.start and m.end < at and m.party != statement.actor
               and not text[:m.start].endswith(("对", "就", "针对"))
               and _POSSESSED.fullmatch(text, m.end, at) is not None for m in mentions)


# 供方的检查 / 供方在保修期内对设备运行环境的检查 (X as the one who acts; not 我们指定的审计门户).
_POSSESSED = re.compile(r"的|(?:在|对|于)[^，。；,;]{1,24}的")


def _implied_right(
    analysed: AnalysedSentence, statements: tuple[Statement, ...], parties: ContractParties, topic: tuple[str, ...]
) -> bool:
    """乙方应配合甲方对服务的检查: another party's duty to accept the actor's check implies the actor's
    right to it (the actor named between the accepting word and the check, not as its object)."""
    from contractkit.checking.understanding.statements import marked_as_object

    text, sentence = analysed.sentence.text, analysed.sentence
    accepting = [s for s, _ in sentence.spans_of({"accept"})]
    checks = [s for s, _ in sentence.spans_of(set(topic))]
    holders = [m for m in analysed.mentions if m.party in parties.actor_parties and not marked_as_object(text, m)]
    return any(
        st.kind == "duty" and st.actor and st.actor not in parties.actor_parties
        and any(st.end <= a < m.start and m.end <= c for a in accepting for m in holders for c in checks)
        for st in statements
    )


def _own_check_accepted(
    analysed: AnalysedSentence, statements: tuple[Statement, ...], parties: ContractParties, topic: tuple[str, ...]
) -> bool:
    """采购人每年组织一次对供应商的检查，供应商应提供必要的便利: the actor's check, stated as what it does
    (the actor opening the clause that holds it, no modal word between), that another party's duty in a
    later clause accepts: the check is the actor's, in so many words."""
    from contractkit.checking.understanding.statements import clause_start_at, clause_starts, marked_as_object

    text, sentence = analysed.sentence.text, analysed.sentence
    accepting = [s for s, _ in sentence.spans_of({"accept"})]
    starts = clause_starts(text)
    holders = [m for m in analysed.mentions if m.party in parties.actor_parties and not marked_as_object(text, m)
               and not text[clause_start_at(starts, m.start):m.start].strip()]
    # (甲方…依法接受主管部门的监督检查时: a check the actor undergoes is not its own.)
    own_checks = [c for c, _ in sentence.spans_of(set(topic)) for m in holders
                  if m.end <= c and clause_start_at(starts, m.start) == clause_start_at(starts, c)
                  and not any(m.end <= st.start < c for st in statements)
                  and not any(m.end <= a < c for a in accepting)]
    # (…提出核查的，博远不得拒绝: the accepting word may be the duty itself, a double negative.)
    return any(c < st.start <= a
               for st in statements if st.kind == "duty" and st.actor and st.actor not in parties.actor_parties
               for c in own_checks for a in accepting)


def _undergoes(analysed: AnalysedSentence, statement: Statement, topic: tuple[str, ...]) -> bool:
    """甲方不得拒绝乙方的安全检查 / 甲方应接受乙方的检查: the duty opens with accepting the check that
    follows it (the check is another's), not with making one."""
    sentence = analysed.sentence
    checks = [c for c, _ in sentence.spans_of(set(topic))]
    return any(statement.start <= a <= statement.end + _NEXT_TO and any(a < c for c in checks)
               for a, _ in sentence.spans_of({"accept"}))


_NEXT_TO = 2  # (应予接受: the accepting word right after the modal word)


def _topic_zh(analysed: AnalysedSentence, topic: tuple[str, ...], parties: ContractParties) -> str:
    return "、".join(dict.fromkeys(parties.concept_labels.get(m.label, m.label)
                                  for m in analysed.sentence.concepts if m.label in topic))


def _both_label(parties: ContractParties) -> str:
    """双方（甲方、乙方）各自: the parties a mutual clause binds, named by their labels."""
    from contractkit.checking.understanding.statements import BOTH_PARTIES  # see registry.py: kept light

    return f"{parties.name(BOTH_PARTIES)}各自"


def _actor_is_object(analysed: AnalysedSentence, statement: Statement, parties: ContractParties) -> bool:
    """The actor is what the statement's clause acts on: 乙方应对甲方…进行巡检 (对甲方 after the modal word)."""
    from contractkit.checking.understanding.statements import CLAUSE_BREAK

    text = analysed.sentence.text
    return any(
        m.party in parties.actor_parties and m.start > statement.end and text[m.start - 1] == "对"
        and not CLAUSE_BREAK.search(text, statement.end, m.start)
        for m in analysed.mentions
    )


_APPROVAL = ("approval", "consent")
# 经乙方项目经理审批 / 取得甲方书面同意: who approves, between the asking word and the approval.
_APPROVER = re.compile(r"(?:须经|应经|经|取得|征得|报请|报)(?P<who>[^，。；,;]{1,20}?)(?:书面)?(?:审批|批准|同意|许可)")


def _self_approved(analysed: AnalysedSentence, groups: ConceptGroups, parties: ContractParties) -> str | None:
    """The actor's label when every approval the requirement asks for is the actor's own (经乙方项目经理
    和乙方技术总监两级审批: an internal sign-off, not another party's authorisation)."""
    if not any(c in _APPROVAL for group in groups for c in group):
        return None
    text, mentions = analysed.sentence.text, analysed.mentions
    approvers = []
    for match in _APPROVER.finditer(text):
        named = {m.party for m in mentions if match.start("who") <= m.start < match.end("who")}
        if not named:
            return None  # an approval by no party named (须经审批): not the actor's own
        approvers.append(named)
    if approvers and all(named <= parties.actor_parties for named in approvers):
        return parties.actor_label
    return None


# What may stand before a regulator that opens its clause: numbering, and 对于/对/就/针对/关于 (about:
# 对公安机关…开展检查的).
_OPENS_CLAUSE = re.compile(r"[\s\d.．、（）()一二三四五六七八九十]*(?:对于|对|就|针对|关于|凡|如|若)?")


_COORDINATED = re.compile(r"\s*(?:或者|或|以及|及|和)(?!其)")


def held_by_regulator(analysed: AnalysedSentence, groups: ConceptGroups) -> bool:
    """Every occurrence of some element is the act of a regulator the party cooperates with:
    乙方应配合监管部门对…开展的检查 (the regulator, named after the modal word, is the last agent
    before it in its clause, no party between). Not for requirements about regulators or their reviews."""
    from contractkit.checking.understanding.statements import clause_start_at, clause_starts, is_object

    sentence = analysed.sentence
    # (网络安全审查 is the authorities' own act by nature: cooperating with it is what 7.1.2 asks.)
    if not sentence.has("regulator") or any("regulator" in group or "security_review" in group for group in groups):
        return False
    text = sentence.text
    regulators = sentence.spans_of({"regulator"})

    starts = clause_starts(text)
    # A regulator the clause's party cooperates with or accepts (乙方应配合监管部门…): after a modal word.
    # (…，并配合有关主管部门开展的监督检查: 配合 stands for the modal word of the clause before.)
    cooperating = [st.start for st in analysed.statements] + [s for s, _ in sentence.spans_of({"accept"})]

    def last_agent(start: int) -> int | None:
        """Where the last agent before ``start`` in its clause ends: a regulator or a party acting."""
        clause_start = clause_start_at(starts, start)
        agents = [
            end for r_start, end in regulators
            if clause_start <= r_start and end <= start and any(clause_start <= at < r_start for at in cooperating)
        ]
        # "网信部门、公安机关依法对…开展检查时，乙方应予配合" / "10.2 对于网信等部门依法…开展的检查，…":
        # a regulator opening the clause acts in it.
        agents += [end for r_start, end in regulators
                   if clause_start <= r_start and end <= start
                   and (r_start <= clause_start + 2 or _OPENS_CLAUSE.fullmatch(text, clause_start, r_start))]
        # (主管部门就乙方云平台开展检查: 乙方 is what the check is about, not who makes it.)
        agents += [
            m.end for m in analysed.mentions
            if clause_start <= m.start and m.end <= start and not is_object(text, m)
            and text[m.start - 1:m.start] != "就"
        ]
        return max(agents, default=None)

    def regulators_act(start: int, spans: list[tuple[int, int]]) -> bool:
        end = next(e for s, e in spans if s == start)
        if _OVERSIGHT_WORD.fullmatch(text, start, end) and any(
                r_start <= start and end <= r_end and end - start < r_end - r_start for r_start, r_end in regulators):
            return True  # (药品监督管理部门: the word is part of the regulator's name)
        clause_start = clause_start_at(starts, start)
        last = last_agent(start)
        if last is None and clause_start and _COORDINATED.match(text, clause_start):
            # (如有权机关…要求我们提供…，或者对本服务开展监督检查: the clause joined by 或者 has the agent of
            # the one before.)
            last = last_agent(clause_start - 1)
        # (…开展网络安全检查的，甲方应配合乙方接受检查: the party before 接受 undergoes the check, it does
        # not make it.)
        undergone = text[max(0, start - 2):start] == "接受"
        if last is None or undergone:
            # (甲方与网信、公安等监管部门的沟通及接受检查: the regulator named before 接受 in its clause
            # makes the check the party undergoes.)
            if undergone and any(clause_start <= r_start and r_end <= start for r_start, r_end in regulators):
                return True
            # (…配合公安机关…开展的安全检查，并及时将检查要求告知甲方: the word again, with no agent of its
            # own in its clause, is the same inspection.)
            word = text[start:end]
            return any(text[s:e] == word and s < clause_start and regulators_act(s, spans) for s, e in spans)
        return any(end == last for _, end in regulators)

    return any(
        (spans := sentence.spans_of(set(group))) and all(regulators_act(start, spans) for start, _ in spans)
        for group in groups
    )


# 监督 in 药品监督管理部门: a word of oversight that may stand inside a regulator's name.
_OVERSIGHT_WORD = re.compile(r"监督|监管|检查|审计|督查")


@register("declaration")
class Declaration(_ClauseCheck):
    """The sentence declares the requirement (安全责任不因此转移, a division table): nobody need
    undertake anything, but a declaration turned round (该表不得…明确…) declares nothing."""

    def problems(self) -> list[str]:
        if self.detect.actor is not None:
            return ["a declaration is nobody's right or duty: needs no actor (use 'attribution')"]
        return []

    def _judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        statements, fulfils, opposes = _read_statements(analysed, self.detect.modality)
        spans = analysed.spans_of(self.detect.all_of)
        if any(s.kind in opposes for s in statements) and not any(s.kind in fulfils for s in statements):
            return self.verdict("contrary", "该句以否定或免除的方式约定", spans)
        if self.detect.modality == "duty" and any(s.kind == "prohibition" for s in statements) and not any(
                s.kind in fulfils for s in statements):
            return None  # 乙方不得按照…服务等级提供服务: a term stated as what a party may not do is none
        # 该表不得…明确… turns the declaration round; a ban on something else in the sentence
        # (…不因此转移，甲方亦不得以已委托为由主张免除…) does not.
        # (甲方不能以已委托乙方为由，免除其…责任: a refusal barred under a pretext is none.)
        pretexts = [m.end() for m in _PRETEXT_BARRED.finditer(analysed.sentence.text)]
        # (…不得作为划分双方安全工作的依据: the division barred is no division declared.)
        if any(s.kind == "refusal" and not any(end <= s.start <= end + 2 for end in pretexts)
               for s in statements) or any(all(
            analysed.barred(start) for start, _ in analysed.sentence.spans_of(set(group))
        ) for group in (self.detect.all_of[0], self.detect.all_of[-1])):
            return None
        return self.verdict("satisfied", "该句包含所需要素", spans)

    def describe(self, label: Labeller) -> str:
        return "声明即可，无须有人作出承诺；以否定或免除方式约定：相反约定"


# 不能以…为由，免除…: what may not be done on that pretext (the refusal after it is barred).
_PRETEXT_BARRED = re.compile(r"(?:不能|不得|不应|不可)以[^。；]{1,30}为由[，,]?")
_ANSWERS_FOR = ("负责", "承担")
_CONDITION_END = re.compile(r"的[，,]")
_BREACH = re.compile(r"拒绝|违反|未按|未能|无正当理由")


def _sanctioned_breach(text: str, at: int, right_start: int) -> bool:
    """Is the element at ``at`` part of a breach a right sanctions (…拒绝配合许可合规审计的，甲方有权终止)?"""
    return bool(_CONDITION_END.search(text, at, right_start)) and bool(_BREACH.search(text, 0, right_start))


def opens_its_clause(analysed: AnalysedSentence, statement: Statement) -> bool:
    """The statement's party opens its clause (我们负责…，您负责…), not 委托乙方实施 inside one."""
    from contractkit.checking.understanding.statements import clause_start_at, clause_starts

    text = analysed.sentence.text
    clause_start = clause_start_at(clause_starts(text), statement.start)
    return any(
        m.party == statement.actor and m.end <= statement.start
        # (a mention in an earlier clause is the subject going on: 我们提供本服务，并负责…)
        and (m.start < clause_start or _CLAUSE_NUMBER.fullmatch(text, clause_start, m.start) is not None)
        for m in analysed.mentions
    )


# What may stand before a clause's party: its number (第四条, 4.2, （三）, 三、) and spaces.
_CLAUSE_NUMBER = re.compile(
    r"(?:\s*(?:第[一二三四五六七八九十百零\d]+[条款项章节]|[（(][一二三四五六七八九十\d]+[）)]"
    r"|[一二三四五六七八九十\d]+(?:[.．]\d+)*[.．、]?))*\s*"
)


class DividesParams(Frozen):
    # What the parts must be about (each group at least once in the sentence), e.g. [[security_topic]].
    groups: ConceptGroups = Field(min_length=1)
    # partial: the division is only part of what the requirement asks (各自的安全责任, without standards).
    status: Literal["satisfied", "partial"] = "satisfied"


@register("divides")
class Divides(SentenceCheck):
    """Two parties each take on their own part in one sentence (提供者负责基础设施的安全，客户负责其
    应用和数据的安全; 我们为您实施…；…仍由您自行负责): the sentence divides the work, though it never
    says 划分."""

    Params = DividesParams
    shorthand = "groups"
    params: DividesParams

    def concepts(self) -> set[str]:
        return {c for group in self.params.groups for c in group}

    def requires(self) -> ConceptGroups:
        return self.params.groups

    def judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        from contractkit.checking.understanding.statements import BOTH_PARTIES, OUTSIDER, answers_for_its_part

        if not analysed.has_each(self.params.groups) or analysed.hypothetical:
            return None
        if self.params.status == "partial" and analysed.has_each(self.detect.all_of):
            return None  # every element is there: the other checks judge the clause as a whole
        text = analysed.sentence.text
        holders = dict.fromkeys(
            s.actor for s in analysed.statements
            if s.kind == "duty" and s.actor not in (None, BOTH_PARTIES, OUTSIDER)
            and text[s.start:s.end] in _ANSWERS_FOR and opens_its_clause(analysed, s)
        )
        holders.update(dict.fromkeys(
            m.party for m in analysed.mentions
            if m.party not in (None, BOTH_PARTIES, OUTSIDER) and answers_for_its_part(text, m)
        ))
        if len(holders) < 2:
            return None
        names = "和".join(parties.name(h) for h in holders if h)
        reason = f"该句分别约定了{names}各自负责的工作"
        if self.params.status == "partial":
            missing = ["或".join(parties.concept_labels.get(c, c) for c in group)
                       for group in self.detect.all_of[1:] if not analysed.has_each((group,))]
            reason += f"，但未约定“{'”“'.join(missing)}”"
        return self.verdict(self.params.status, reason, analysed.spans_of(self.params.groups))

    def describe(self, label: Labeller) -> str:
        verdict = "满足" if self.params.status == "satisfied" else "部分满足（要求的其他要素未约定）"
        return f"同一句中有{groups_zh(self.params.groups, label)}，且两方各自承担其中一部分：{verdict}"
