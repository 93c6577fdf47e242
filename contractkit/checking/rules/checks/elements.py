"""Checks on what a sentence holds: the party it must name, the elements it has, what it defers."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import replace
from functools import cached_property
from typing import Any

from pydantic import Field, field_validator

from contractkit.catalogue.model import Frozen, RoleKind
from contractkit.checking.rules.checks.attribution import held_by_regulator
from contractkit.checking.rules.evaluate import BEYOND_THAT
from contractkit.checking.rules.model import AnalysedSentence, ConceptGroups, ContractParties, Verdict
from contractkit.checking.rules.registry import Labeller, SentenceCheck, register
from contractkit.checking.rules.wording import actor_zh, groups_zh
from contractkit.checking.understanding.references import POINTING_BACK, REFERENCE


class PartyParams(Frozen):
    party: RoleKind


class NamedPartyParams(PartyParams):
    # What the actor hands in (乙方应每周提交一次进度周报): it goes to the other signing party unless the
    # sentence names someone else, so such a sentence need not name the party.
    handed_in: tuple[str, ...] = ()
    # Who else may receive it (向通信管理部门报送…): a sentence naming one must name the party.
    others: tuple[str, ...] = ("regulator",)


@register("names_party")
class NamesParty(SentenceCheck):
    """The sentence must also name a party of this kind (接受甲方的监督: whose supervision it is).

    A sentence that names none says nothing for the requirement. The checker
    finds the contract's parties of the kind (``Detection.mentions``); list it
    first, so that no other check judges such a sentence.
    """

    Params = NamedPartyParams
    shorthand = "party"
    params: NamedPartyParams
    settles_only = True

    def problems(self) -> list[str]:
        if self.detect.checks[0].name != self.name:
            return ["list it first: a sentence that names no such party must reach no other check"]
        return []

    def judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        from contractkit.checking.understanding.statements import BOTH_PARTIES  # see registry.py: kept light

        wanted = parties.mentioned_parties
        if wanted is None:
            return None
        text = analysed.sentence.text
        # Where the actor is to accept the named party's supervision (5 d), that party undergoing an
        # inspection itself (甲方…依法接受…检查时) is not the one supervising.
        accepting = self.detect.modality == "duty"
        if any((m.party in wanted or m.party == BOTH_PARTIES) and not (accepting and _INSPECTED.match(text, m.end))
               for m in analysed.mentions):
            return None
        # 任何一方均应接受对方的监督: in a mutual clause 对方 names each party's counterpart.
        if "对方" in analysed.sentence.text and any(s.actor == BOTH_PARTIES for s in analysed.statements):
            return None
        # "乙方应当为上述审计和抽查提供协助": the topic points back at what an earlier clause says, whose it is.
        # (对于本条所列事项，乙方不得拒绝: the same, the topic read at the reference itself.)
        references = set(analysed.sentence.spans_of({REFERENCE}))
        if any(_POINTS_BACK.search(text, max(0, start - 12), start) or (start, end) in references for start, end in
               analysed.sentence.spans_of(set(self.detect.all_of[0]))):
            return None
        if self._handed_in(analysed, parties):
            return None
        return self.says_nothing()

    def _handed_in(self, analysed: AnalysedSentence, parties: ContractParties) -> bool:
        """Does the sentence only have the actor hand something in (a report), naming no one else?"""
        sentence, text = analysed.sentence, analysed.sentence.text
        # (…并在服务报告中注明删除情况: the report named as where something is written, not handed in.)
        handed_in = [(start, end) for start, end in sentence.spans_of(set(self.params.handed_in))
                     if not (text[max(0, start - 1):start] == "在" and text[end:end + 1] == "中")]
        return bool(handed_in) and not (
            sentence.spans_of(set(self.detect.all_of[0]) | set(self.params.others))
            or any(m.party not in parties.actor_parties for m in analysed.mentions))

    def describe(self, label: Labeller) -> str:
        named = f"同一句中须提及{actor_zh(self.params.party)}，否则该句不计"
        if self.params.handed_in:
            handed_in = "或".join(label(c) for c in self.params.handed_in)
            named += f"（仅约定提交{handed_in}且未提及他人的除外）"
        return named


# 按照甲方授权 / 依照甲方要求: a party named as the source of the act, not as the one acting.
_SOURCE_OF = ("按照", "依照", "根据", "依据")


def _own_act(analysed: AnalysedSentence, parties: ContractParties, topic: tuple[str, ...]) -> bool:
    """Is every mention of the topic the acting party's own act: the last party named before it in its
    clause, other than after a preposition (对乙方…, 按照甲方授权), is that party (乙方应按照甲方授权开展定期
    安全检查, 供应商应每半年提供一次评估; not 乙方应接受甲方的检查)?"""
    from contractkit.checking.understanding.statements import clause_start_at, clause_starts, marked_as_object

    text = analysed.sentence.text
    spans = analysed.sentence.spans_of(set(topic))
    if not spans:
        return False
    starts = clause_starts(text)
    # (核查需方的软件部署数量: the party right after the check is what is checked.)
    checked = {end for _, end in spans}
    acting = [m for m in analysed.mentions
              if not marked_as_object(text, m) and text[max(0, m.start - 2):m.start] not in _SOURCE_OF
              and m.start not in checked]
    for start, _ in spans:
        clause_start = clause_start_at(starts, start)
        # In its clause; a clause naming no one goes on with the one before (…，检查范围以授权书为准).
        in_clause = [m for m in acting if clause_start <= m.start and m.end <= start]
        named = in_clause or [m for m in acting if m.end <= start]
        if not named or named[-1].party not in parties.actor_parties:
            return False
        # …开展定期安全检查 / 提供一次固件版本评估: the party's own act verb governs the word (not 收到核查申请);
        # a later clause naming no one (…，检查范围以授权书为准) speaks of the act already named.
        if in_clause and _ACT_VERB.search(text, max(clause_start, start - 14), start) is None:
            return False
    return True


_ACT_VERB = re.compile(
    r"(?:开展|进行|实施|组织|提供|完成|执行)[^，。；,;]{0,12}$"
    # 卖方有权在发货前派员检查买方机房: the party's own right to check, sent in person.
    r"|(?:有权|派员|派人|安排人员)[^，。；,;]{0,12}$"
    # 乙方应在5个工作日内评估变更的影响: the word is the verb of the party's own duty (its modal word, a
    # time or manner phrase at most, then the word).
    r"|(?:应当|应|须|必须|负责)(?:在[^，。；,;]{1,10}?内|定期|及时|自行|每[^，。；,;]{1,3})?$"
)


def _only_what_a_sanction_follows(analysed: AnalysedSentence, topic: tuple[str, ...]) -> bool:
    """Is the topic named only in conditions (…的，) of a sentence that sanctions, or in what the sanction
    makes good: 造成数据泄露的，乙方应赔偿全部损失 / 导致业务中断的，甲方应按实际损失赔偿 / 应赔偿…损失，
    包括因数据泄露… (what follows the event, not how it is handled)?"""
    from contractkit.checking.understanding.statements import (  # see registry.py: kept light
        CLAUSE_BREAK,
        clause_start_at,
        clause_starts,
    )

    sentence = analysed.sentence
    text = sentence.text
    sanction = _SANCTION.search(text)
    if sanction is None:
        return False
    last = 0
    starts = clause_starts(text)
    for start, end in sentence.spans_of(set(topic)):
        # …应赔偿全部损失，包括甲方因客户数据泄露承担的赔偿: what the sanction makes good, with no act
        # undertaken between them.
        if sanction.end() <= start and not any(
                sanction.end() <= st.start < start for st in analysed.statements) and (
                CLAUSE_BREAK.search(text, sanction.end(), start) is None
                or _MADE_GOOD.match(text, clause_start_at(starts, start))):
            continue
        clause_end = CLAUSE_BREAK.search(text, end)
        if clause_end is None or clause_end.group() not in "，," or text[:clause_end.start()].rstrip()[-1:] != "的":
            return False
        last = max(last, clause_end.end())
    return _SANCTION.search(text, last) is not None  # the sanction follows the conditions


_MADE_GOOD = re.compile(r"\s*(?:包括|包含|含|其中|以及)")
# What a sanction says (not a remedy in kind such as 免费更换, which handles the event).
_SANCTION = re.compile(r"赔偿|违约金|罚款|罚金|扣减|扣除|解除(?:本)?(?:合同|协议)|承担[^，。；]{0,6}责任")


_JOINING = ("以及", "及", "和", "与", "且", "并且", "并")
# 甲方所运营的云平台依法接受…检查时: a party that itself undergoes the inspection is not the one inspecting.
_INSPECTED = re.compile(r"[^，。；,;]{0,16}?接受")
# 上述审计 / 第5.3条所述的审查 / 本条约定的检查: the topic is what an earlier clause said.
# (上述监控、评估、检查和审计: the pointer may stand before a list the topic is in.)
_POINTS_BACK = re.compile(
    rf"(?:{POINTING_BACK}|第[\d.．一二三四五六七八九十]+[条款项](?:约定|规定|所述))"
    r"(?:约定|规定|所述)?的?(?:[^，。；、]{1,6}[、和及与])*$"
)


class BreachParams(PartyParams):
    failure: tuple[str, ...] = ("non_performance",)  # the concepts that name a failure to perform
    consequence: tuple[str, ...] = ("accountability",)  # the concepts that name what follows from it


# 委托方交办的 / 甲方指定的: the party that hands or sets the work, inside a qualifier (not 本公司代为实施的,
# the one doing it).
_QUALIFIES_WORK = re.compile(r"(?:交办|下达|指定|委派|安排|分配|提出|提供)的")


@register("breach_by")
class BreachBy(SentenceCheck):
    """The consequences must be for this party's failure: "甲方未按时付款的，应支付违约金" and
    "您违反本协议的，腾讯有权追究您的责任" sanction another party. Such a sentence is a near miss;
    one whose failing party is not named goes on to the other checks. List it before them."""

    Params = BreachParams
    shorthand = "party"
    params: BreachParams

    def concepts(self) -> set[str]:
        return set(self.params.failure)

    def requires(self) -> ConceptGroups:
        # A failure the sentence names, or with none a consequence someone bears.
        return ((*self.params.failure, *self.params.consequence),)

    def judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        from contractkit.checking.understanding.statements import (  # see registry.py: kept light
            BOTH_PARTIES,
            clause_start_at,
            clause_starts,
            exception_spans,
            is_object,
            may_hold_exception,
        )

        wanted = parties.mentioned_parties
        text = analysed.sentence.text
        # (…，但逾期系因乙方未按时开具发票所致的除外: a failure named in an exception is not what is sanctioned.)
        failures = analysed.sentence.spans_of(set(self.params.failure))
        if failures and may_hold_exception(text):
            carved = exception_spans(text)
            failures = [(s, e) for s, e in failures if not any(cs <= s and e <= ce for cs, ce in carved)]
        if not wanted:
            return None
        if not failures:
            return self._borne_by_another(analysed, parties, wanted)
        failing = []
        starts = clause_starts(text)
        for start, _ in failures:
            clause_start = clause_start_at(starts, start)
            subjects = [
                m for m in analysed.mentions
                if clause_start <= m.start and m.end <= start
                # "，以及开发者违反…": a clause opening with 以及 joins it to the sentence; its party is its subject.
                and (not is_object(text, m) or text[clause_start:m.start].strip() in _JOINING)
                # 供应商应退还客户就该不符合部分…: a party after the clause's modal word is its object.
                and not any(clause_start <= st.start < m.start for st in analysed.statements)
                # 供方受需方委托实施的安全工作落实不到位的: who entrusted the work is no subject of it (经/被
                # already mark an object for is_object; 受 does not there, as it changes other readings).
                and text[m.start - 1:m.start] != "受"
            ]
            # (受托方实施委托方交办的运维工作落实不到位的: 委托方 qualifies the work; the subject opens the clause.)
            subjects = [m for i, m in enumerate(subjects) if i == 0 or not _QUALIFIES_WORK.match(text, m.end)]
            # "腾讯有权依照违反情况…" / "甲方不得以运维工作未落实为由扣减…": the failure is the object of
            # the party's right or of what it is forbidden, not its own.
            if subjects and not any(
                st.kind in ("right", "prohibition") and subjects[-1].end <= st.start < start
                for st in analysed.statements
            ):
                failing.append(subjects[-1].party)
        if not failing:
            # Whose failure it is, the sentence does not say (逾期未整改的，…): who bears what follows does.
            return self._borne_by_another(analysed, parties, wanted)
        if any(party in wanted or party == BOTH_PARTIES for party in failing):
            return None  # the wanted party's failure
        who = parties.name(failing[0])
        reason = f"该句约定的是{who}未履约的后果，而非{actor_zh(self.params.party)}的"
        return self.verdict("missing", reason, tuple(failures))

    def _borne_by_another(self, analysed: AnalysedSentence, parties: ContractParties, wanted: AbstractSet[str]
                          ) -> Verdict | None:
        """"给本公司造成损失的，用户应当承担赔偿责任" / "整改工作由订购方自行负责": with no failure named,
        the consequence is a duty another party bears, which holds the wanted party to nothing."""
        from contractkit.checking.understanding.statements import BOTH_PARTIES, OUTSIDER, acting_party, scope

        consequences = analysed.sentence.spans_of(set(self.params.consequence))
        if not consequences:
            return None
        text = analysed.sentence.text
        # Who bears a consequence: a duty's party (用户应当承担赔偿责任), or the party a right demands it of
        # (乙方有权要求甲方赔偿); a right with no one demanded of is its holder's sanction on the other.
        bearers: set[str | None] = set()
        sanctioners: set[str | None] = set()
        for start, _ in consequences:
            governing = [st for st in analysed.statements if st.kind != "refusal" and analysed.governs(st, start)]
            if not governing:
                return None  # nobody's, as far as the sentence says: the other checks judge it
            for st in governing:
                demanded = acting_party(text, st, analysed.mentions)
                if st.kind == "right" and demanded == st.actor:
                    sanctioners.add(st.actor)
                elif st.kind in ("right", "duty"):
                    bearers.add(demanded)
                elif st.end <= start < scope(text, st, analysed.mentions)[1]:
                    return None  # 甲方不得向乙方追责: a bar on the consequence, for the other checks
        unknown = {None, BOTH_PARTIES, OUTSIDER}
        if (not bearers and not sanctioners or bearers & set(wanted) or (bearers | sanctioners) & unknown
                or sanctioners - set(wanted)):
            return None  # the wanted party bears it, or another party may impose it (甲方有权解除合同)
        if bearers:
            if any(st.kind == "right" for st in analysed.statements if st.actor in bearers):
                return None  # 甲方有权解除合同: a sanction another party may impose on the wanted one
            bearer = sorted(b for b in bearers if b)[0]
            who = parties.name(bearer)
            reason = f"该句约定的是{who}承担的后果，而非{actor_zh(self.params.party)}的"
        else:
            # 乙方有权解除合同 with 乙方 the wanted party: it is the one wronged, another party is held to account.
            holder = sorted(b for b in sanctioners if b)[0]
            who = parties.name(holder)
            reason = f"该句约定的是{who}追究他方责任的权利，而非{actor_zh(self.params.party)}承担的后果"
        return self.verdict("missing", reason, tuple(consequences))

    def describe(self, label: Labeller) -> str:
        return f"约定的须为{actor_zh(self.params.party)}未履约的后果；仅约定他方未履约后果的：仍未满足（引为相近约定）"


# 可根据工作需要自行委托… / 可任意… / 有权在不通知客户的情况下…: a right given as a free hand.
_FREE_HAND = re.compile(r"[^，。；,;]{0,10}?(?:自行|任意|随时|不通知|无需通知|无须通知|不经)")


class PartialParams(Frozen):
    # A flat list is one group ("any of these"); a list of lists is "each group at least once".
    groups: ConceptGroups = Field(min_length=1)

    @field_validator("groups", mode="before")
    @classmethod
    def _flat_list_is_one_group(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)) and value and all(isinstance(c, str) for c in value):
            return [value]
        return value


class _OnGroups(SentenceCheck):
    """A check whose parameter is concept groups (a flat list is one group)."""

    Params = PartialParams
    shorthand = "groups"
    params: PartialParams

    def concepts(self) -> set[str]:
        return {c for group in self.params.groups for c in group}


@register("partial_element")
class PartialElement(_OnGroups):
    """Some elements are there (the topic, in the given groups) and someone undertakes something, but
    not every group of ``all_of``: partial, naming what is missing."""

    def requires(self) -> ConceptGroups:
        return self.params.groups

    def judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        if analysed.has_each(self.detect.all_of):
            return None  # every element is there: for the checks that judge a whole clause
        if (row := undecided_row(self, analysed, self.detect.all_of[:1])) is not None:
            return row  # 较大及一般 | 另行约定: the table leaves this row's matter open
        groups = self.params.groups
        if "supervision" in groups[0] and (analysed.outsiders_act(groups[0])
                                           or held_by_regulator(analysed, (groups[0],))):
            # 接受监理单位对施工质量的监督 / 有权机关依法开展检查的，乙方应派员到场: supervision by someone
            # who does not sign
            return None
        if _only_what_a_sanction_follows(analysed, groups[0]):
            return None  # 造成数据泄露的，乙方应赔偿: accountability for the event, not its handling
        topic = analysed.sentence.spans_of(set(groups[0]))
        if topic and all(analysed.waived(start) for start, _ in topic):
            return None  # 不对密评机构的结论承担责任: the topic named only to be declined
        if topic and analysed.sentence.has("confidentiality") and all(
                _INFORMATION_ON.match(analysed.sentence.text, end) for _, end in topic):
            return None  # 发现的漏洞信息应严格保密: what is said of the topic is the secrecy of what is known of it
        if (declined := _not_agreed(analysed, set(groups[0]))) is not None:
            # 分工以官网说明为准，该说明不构成本协议的组成部分: named, and settled nowhere in the contract.
            return self.verdict("contrary", _NOT_AGREED_REASON, (declined, *topic))
        if topic and _named_in_disowned_papers(analysed, topic):
            return None  # 供应商网站公布的…安全事件通报规则…不构成本订单的组成部分: papers left out, no duty
        # 乙方应开展定期安全检查: the party's own checking is its work, nothing it accepts (a report on its
        # work or its support, the other half-elements of accepting supervision, are its own by nature).
        if (any("accept" in group for group in self.detect.all_of) and "supervision" in groups[0]
                and analysed.sentence.labels.isdisjoint(set(groups[0]) - {"supervision"})
                and _own_act(analysed, parties, ("supervision",))):
            return None
        # 委托方…不得聘用受托方工程师，否则应支付补偿: a sanction on a party other than the one the requirement
        # holds to account (breach_by) is no partial accountability of it.
        held_to_account = parties.mentioned_parties if self.detect.uses("breach_by") is not None else None
        if (
            analysed.has_each(groups)
            and self._topic_outside_exceptions(analysed)
            and self._undertakes(analysed, held_to_account or parties.actor_parties, strict=bool(held_to_account))
        ):
            return self.verdict("partial", self._missing(analysed, parties.concept_labels), analysed.spans_of(groups))
        return None

    def _topic_outside_exceptions(self, analysed: AnalysedSentence) -> bool:
        """The first group (the topic) is named outside every carve-out: "但法律或监管要求披露的除外"
        and "未经有关部门批准，不得引用…" mention a regulator, and provide nothing about it."""
        from contractkit.checking.understanding.statements import exception_spans  # see registry.py: kept light

        carved = exception_spans(analysed.sentence.text)
        topic = analysed.sentence.spans_of(set(self.params.groups[0]))
        return any(not any(cs <= s and e <= ce for cs, ce in carved) for s, e in topic)

    def _undertakes(self, analysed: AnalysedSentence, actor_parties: AbstractSet[str], strict: bool = False) -> bool:
        """Does the right party (anyone, if the requirement names none and ``strict`` is off) undertake
        something here?

        A topic word in a heading, a definition or a table row is not a partial clause.
        """
        from contractkit.checking.understanding.statements import (  # see registry.py: kept light
            BOTH_PARTIES,
            OUTSIDER,
            acting_party,
        )

        if _DEFINES.match(analysed.sentence.text):
            return False  # 1.4 现场测评：指供方人员…通过配置核查…获取证据的活动: what a word means binds no one
        if analysed.deferred and not any(s.actor or s.kind == "refusal" for s in analysed.statements):
            # "具体由双方另行约定": the matter is named and left open (but "不包括…，另行签订维护合同"
            # leaves it out of this contract).
            return True
        # Forbidding the act (乙方不得擅自删除数据) is no partial duty to do it, and neither is a right to
        # it (腾讯云有权…删除相关内容: a sanction it may take).
        duty = self.detect.modality == "duty"
        # 乙方可自行委托第三方运送备件: a free hand is no partial limit on handing work on, and nor is a
        # leave with no consent and no limit anywhere in the sentence (我们有权委托第三方合作伙伴…).
        limits = self.detect.modality == "prohibition"
        limited = any(analysed.sentence.has(c) for c in ("layer_limit", "consent", "limited_scope"))
        free_hand = limits and not limited and any(st.kind == "right" for st in analysed.statements)
        text, topic = analysed.sentence.text, analysed.sentence.spans_of(set(self.params.groups[0]))
        # 不承担责任: a topic word inside the refusal itself (承担责任) is what is declined, not provided.
        refusals = [(m.start, m.end) for m in analysed.sentence.modals if m.label == "refusal"]
        topic = [(start, end) for start, end in topic
                 if not any(r_start <= start < r_end for r_start, r_end in refusals)]
        if self.detect.modality in ("duty", None):
            # 测试须在窗口内进行，不得删除或篡改数据: what a prohibition bars is no part of a duty.
            topic = [(start, end) for start, end in topic if not analysed.barred(start)]

        def pointed_out(start: int) -> bool:
            """甲方有权…进行监督检查，考核办法见附件三: a pointer to the annex adds the details of what a
            party's own statement already governs; it undertakes nothing of its own there."""
            return any(not o.pointer and analysed.governs(o, start) for o in analysed.statements)

        return any(
            ((self.detect.actor in (None, "any") and not strict)
             or actor in actor_parties or actor in (None, BOTH_PARTIES)
             # (甲方有权解除合同: another party's right is its sanction on the party held to account.)
             or (strict and s.kind == "right"))
            # …由第三方数据服务商负责清除: a duty of someone who does not sign binds no party here.
            and actor != OUTSIDER
            # A refusal (不对…承担任何删除义务) undertakes nothing, whatever the requirement.
            and s.kind != "refusal"
            # (是否…发布修复补丁…由许可方自行决定: leave to decide is no part of a duty either.)
            and not (duty and (s.kind in ("prohibition", "permission_unlimited")
                               or s.kind == "right" and actor == s.actor))
            and not (limits and s.kind == "right" and not s.conditional_consent
                     and (s.without_consent or not limited or _FREE_HAND.match(text, s.end) is not None))
            # (我们可以委托第三方合作伙伴…，我们将对其服务向您负责: answering for the partners it is free to
            # choose is no limit on choosing them.)
            and not (free_hand and s.kind == "duty")
            and any(analysed.governs(s, start) and not (s.pointer and pointed_out(start))
                    for start, _ in topic)
            for s in analysed.statements
            for actor in [acting_party(text, s, analysed.mentions)]
        )

    def _missing(self, analysed: AnalysedSentence, concept_labels: dict[str, str]) -> str:
        s = analysed.sentence
        found = [c for group in self.params.groups for c in group if s.has(c)]
        missing = [
            "或".join(concept_labels[c] for c in group)
            for group in self.detect.all_of
            if not any(s.has(c) for c in group)
        ]
        return f"提及了“{'、'.join(concept_labels[c] for c in found)}”，但未约定“{'”“'.join(missing)}”"

    def describe(self, label: Labeller) -> str:
        return f"仅有{groups_zh(self.params.groups, label)}、缺少其他要素，且有人作出约定：部分满足"


@register("deferral")
class Deferral(SentenceCheck):
    """Every element is there, but the content is left to a later agreement (具体…由双方另行协商确定):
    partial; or the contract declines to settle it at all (故障类型及处理标准不在本合同中约定): contrary."""

    def requires(self) -> ConceptGroups:
        return self.detect.all_of[:1]  # the topic: a table row leaving its doer open names no more

    def judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        if _outsiders_only(analysed):
            return None
        if (row := undecided_row(self, analysed, self.detect.all_of[:1])) is not None:
            return row
        if not analysed.has_each(self.detect.all_of):
            return None
        # (接受主管部门检查需要乙方配合的，具体事宜另行商定: what is left open is the regulator's check.)
        from contractkit.checking.understanding.statements import BLANK, DEFERRED  # see registry.py: kept light

        # (维护期限为____年: a figure left blank in the form leaves the matter open as a deferral does.)
        markers = DEFERRED if analysed.deferred else BLANK
        if (analysed.deferred or BLANK.search(analysed.sentence.text)) and defers_the_requirement(
                analysed, self.concepts_of_all_of(), markers) and not _regulators_check(analysed, self.detect.all_of):
            reason = ("该句的关键内容留空未填（____），该事项尚未确定" if markers is BLANK
                      else "该句将具体内容留待双方另行约定，该事项尚未确定")
            return self.verdict("partial", reason, analysed.spans_of(self.detect.all_of))
        if (declined := _not_agreed(analysed, self.concepts_of_all_of())) is not None:
            return self.verdict("contrary", _NOT_AGREED_REASON,
                                (declined, *analysed.spans_of(self.detect.all_of)))
        return None

    def concepts_of_all_of(self) -> set[str]:
        return {c for group in self.detect.all_of for c in group}

    def describe(self, label: Labeller) -> str:
        return "要素齐全但具体内容（或其中的要素）留待另行约定：部分满足；明确不在本合同中约定：相反"


_NOT_AGREED_REASON = "该句明确该事项不在本合同中约定"
# 漏洞信息 / 事件情况: what is known of a matter, not the matter.
_INFORMATION_ON = re.compile(r"(?:相关)?(?:信息|情况|细节|资料|详情)")


def _regulators_check(analysed: AnalysedSentence, groups: ConceptGroups) -> bool:
    """Is the supervision a requirement asks for, in this sentence, only an authority's inspection
    (接受主管部门检查需要乙方配合的，具体事宜另行商定: not the provider's supervision left open)?"""
    return held_by_regulator(analysed, tuple(group for group in groups if "supervision" in group))


def _named_in_disowned_papers(analysed: AnalysedSentence, topic: list[tuple[int, int]]) -> bool:
    """Is the topic named only in a list of papers the sentence then leaves out of the contract (…服务协议、
    安全事件通报规则及其他格式文件…不构成本订单的组成部分)?"""
    from contractkit.checking.understanding.statements import DISOWNED

    disowned = DISOWNED.search(analysed.sentence.text)
    return disowned is not None and all(end <= disowned.start() for _, end in topic)


def _not_agreed(analysed: AnalysedSentence, concepts: set[str]) -> tuple[int, int] | None:
    """Where the sentence says the contract does not settle the requirement's matter: the matter named
    in the clause of 不在本合同中约定 / 本合同不约定 (before or after those words)."""
    from contractkit.checking.understanding.statements import DISOWNED, NOT_AGREED, POINTED_ELSEWHERE

    text = analysed.sentence.text
    disowned = DISOWNED.search(text)
    if disowned and POINTED_ELSEWHERE.search(text, 0, disowned.start()) and any(
            m.label in concepts and m.start < disowned.start() for m in analysed.sentence.concepts):
        return disowned.start(), disowned.end()
    for marker in NOT_AGREED.finditer(text):
        start = max((b.end() for b in _CLAUSE.finditer(text, 0, marker.start())), default=0)
        following = _CLAUSE.search(text, marker.end())
        end = following.start() if following else len(text)
        if any(m.label in concepts and start <= m.start < end for m in analysed.sentence.concepts):
            return marker.start(), marker.end()
    return None


_LEFT_OPEN = "该句约定了委托的实施工作，但委托的具体工作留待另行约定或以后的订单确定，尚未划分"


@register("left_open")
class LeftOpen(_OnGroups):
    """The sentence speaks of the work one party hands to the other as a whole (委托乙方实施的安全工作,
    托管服务的具体范围, 代维事项) and leaves what it covers to a later agreement or to orders yet to be
    placed (以具体订单为准, 在订单中列明, 范围待定): the work is handed on but not divided, partial.
    The first group names the work handed on; the second, the words pointing to where it will be
    settled (a deferral of the sentence's own, 另行约定, counts as well)."""

    def requires(self) -> ConceptGroups:
        return self.params.groups[:1]

    def judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        groups = self.params.groups
        if analysed.hypothetical or not analysed.has_each(groups[:1]):
            return None
        # (…见专用条款第3.2款, and that clause is blank: left open too.)
        if not (analysed.deferred or analysed.left_open or analysed.has_each(groups[1:2])) or _outsiders_only(
                analysed):
            return None
        return self.verdict("partial", _LEFT_OPEN, analysed.spans_of(groups))

    def describe(self, label: Labeller) -> str:
        where = f"或{groups_zh(self.params.groups[1:2], label)}" if len(self.params.groups) > 1 else ""
        return (f"同一句中有{groups_zh(self.params.groups[:1], label)}，其具体内容留待另行约定{where}："
                "部分满足（委托的工作尚未划分）")


def _outsiders_only(analysed: AnalysedSentence) -> bool:
    """物业管理单位应配合…检查，具体由乙方与物业管理单位另行约定: what is left open is a duty of someone who
    does not sign; nothing of the parties' own is deferred."""
    from contractkit.checking.understanding.statements import OUTSIDER

    actors = {s.actor for s in analysed.statements if s.kind in ("duty", "prohibition", "right")}
    return actors == {OUTSIDER}


@register("capped_by")
class CappedBy(_OnGroups):
    """The contract limits what the requirement provides to less than a year's fees, to a token sum or
    to a sole remedy (全部责任累计不超过当月服务费的百分之五, 赔偿总额以伍佰元为限, 这是您可获得的唯一救济,
    除上述补偿外不得主张其他责任): however fully other clauses provide it, the requirement is partly met. Its
    parameter names the concepts that state such a limit; the sentence must also hold the requirement's
    topic (the first group of ``all_of``), so that a cap on late-payment interest caps nothing here."""

    REASON = "合同将其限于一年费用以下或象征性的上限、或唯一救济（“{limit}”），仅部分满足"

    def requires(self) -> ConceptGroups:
        return (*self.params.groups, self.detect.all_of[0])

    def judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        if analysed.hypothetical or not analysed.has_each((*self.params.groups, self.detect.all_of[0])):
            return None
        start, end = analysed.sentence.spans_of(self.concepts())[0]
        limit = analysed.sentence.text[start:end]
        reason = self.REASON.format(limit=limit)
        verdict = self.verdict("partial", reason, analysed.spans_of((*self.params.groups, self.detect.all_of[0])))
        return replace(verdict, caps=True)

    def describe(self, label: Labeller) -> str:
        return (f"同一句中有{groups_zh(self.params.groups, label)}"
                "（如以数月服务费、价款的一部分或万元以下的金额为上限，唯一救济）：即使其他条款已满足，也只部分满足")


@register("narrowed_by")
class NarrowedBy(CappedBy):
    """An exception in the clause lets the act go ahead without what the requirement asks first (紧急情况下
    乙方可先行变更，事后补办审批; 但…策略更新除外，由供应商自动推送): the requirement is partly met, however
    fully other clauses provide it. Its parameter names the concepts that state such an exception."""

    REASON = "该句以例外放宽了要求（“{limit}”），仅部分满足"

    def describe(self, label: Labeller) -> str:
        return (f"同一句中有{groups_zh(self.params.groups, label)}（如紧急情况下可先行实施、事后补办）："
                "即使其他条款已满足，也只部分满足")


def undecided_row(check: SentenceCheck, analysed: AnalysedSentence, topic: ConceptGroups) -> Verdict | None:
    """A table row on the requirement's topic whose doer is 待定 / 另行协商 (较大及一般 | 另行约定): the table
    divides the work but leaves this row open, so the requirement is only partly met, however fully the
    other rows or clauses settle theirs."""
    from contractkit.checking.understanding.tables import UNDECIDED_DOER  # see registry.py: kept light

    # (a division requirement's topic is the table itself: any of its rows left to decide leaves it open)
    divides = any("division" in group for group in check.detect.all_of)
    if not analysed.sentence.text.endswith(UNDECIDED_DOER) or not (divides or analysed.has_each(topic)):
        return None
    verdict = check.verdict("partial", "表格中该项工作的实施方留待双方另行确定", analysed.spans_of(topic))
    return replace(verdict, caps=True)


@register("leaves_the_rest")
class LeavesTheRest(SentenceCheck):
    """The contract settles part of the matter and leaves the rest to a later agreement (其他安全工作的
    实施主体，由双方根据项目实际情况协商确定): however fully other clauses settle their part, the
    requirement is partly met."""

    def requires(self) -> ConceptGroups:
        return (self._wanted,)  # any word of the requirement's

    @cached_property
    def _wanted(self) -> tuple[str, ...]:
        return tuple(sorted({c for group in self.detect.all_of for c in group}))

    def judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        from contractkit.checking.understanding.statements import DEFERRED  # see registry.py: kept light
        from contractkit.checking.understanding.tables import UNDECIDED_DOER

        if not analysed.deferred or _regulators_check(analysed, self.detect.all_of):
            return None  # (…因接受主管部门检查需要的其他配合事项另行商定: the regulator's check left open)
        text = analysed.sentence.text
        if text.endswith(UNDECIDED_DOER):
            return undecided_row(self, analysed, (self._wanted,))
        for marker in DEFERRED.finditer(text):
            # The rest, named in the deferral's own sentence part (…其他安全工作的实施主体，由双方…确定).
            rest = _REST.search(text, 0, marker.start())
            if rest is None or _PART_BREAK.search(text, rest.end(), marker.start()):
                continue
            concepts = analysed.sentence.concepts
            # (…的安全责任不因委托而转移；其余服务项下的责任归属由双方另行商定: the rest's 责任 is the kind
            # named before it.)
            named_before = any(m.label in self._wanted and m.end <= rest.start() for m in concepts)
            if any((m.label in self._wanted or named_before and m.label == "obligation")
                   and m.end > rest.start() and m.start < marker.end() for m in concepts):
                verdict = self.verdict("partial", "合同仅约定了部分事项，其余留待双方另行约定",
                                       analysed.spans_of(self.detect.all_of))
                return replace(verdict, caps=True)
        return None

    def describe(self, label: Labeller) -> str:
        return "合同约定其余事项（其他、其余…）留待另行约定：即使其他条款已满足，也只部分满足"


# 其他安全工作 / 其余事项 / 未列明的工作 / 除此之外的检查: the part a contract has not settled.
# (…具体责任形式和金额由双方另行协商确定: the particulars of what was just agreed.)
_REST = re.compile(rf"(?:其他|其它|其余|剩余|未列明|未列举|未尽|{BEYOND_THAT}"
                   r"|具体(?=[^，。；]{0,8}(?:责任|金额|标准|方式)))")
_PART_BREAK = re.compile(r"[。；;]")


# Words that say nothing of what is deferred: "具体事宜由双方另行签订补充协议确定" defers the
# whole clause; what remains once they are gone ("续期价格") is something else.
_GENERIC = re.compile(
    # 由双方在项目启动后另行协商确定 / 在项目启动会上另行商定: when or where it will be agreed says
    # nothing of what.
    r"在[^，。；由]{1,12}?(?:之后|之前|以后|以前|后|前|时|会上|会议上|期间|阶段|环节|过程中)|"
    # 由双方在《应急协同方案》中另行约定: the document it will be agreed in says nothing of what.
    r"在?《[^》]{1,30}》中?|"
    # 由双方在项目实施方案中另行约定: the document, named without 《》, says nothing of what either.
    r"在[^，。；由]{1,12}?(?:方案|文件|协议|合同|附件|计划|说明书|确认单|清单|手册|制度|规程|流程|订单|工单|任务单)中|"
    # 该附件由双方在本合同签订后三十日内另行协商确定: which annex, and by when, says nothing of what.
    r"附件[一二三四五六七八九十0-9]*|附表[一二三四五六七八九十0-9]*|[0-9一二三四五六七八九十百]+个?(?:工作)?(?:日|天|周|月)(?:内|以内)?|"
    r"具体|详细|相关|有关|上述|前述|其他|其余|相应|事项|事宜|内容|细节|细则|办法|方式|安排|标准|要求|条款|"
    # 责任的具体形式和金额由双方另行协商确定: the form and the sum of what was just agreed.
    r"责任|形式|金额|数额|比例|计算|"
    r"甲乙|各方|双方|另行|协商|约定|确定|商定|签订|签署|补充|协议|合同|书面|予以|明确|为准|届时|确认|"
    # 具体委托范围以工作单为准: the scope of what is entrusted is the matter itself, named generically.
    r"委托|范围|"
    # 原则上不转移，具体例外情形由双方另行协商确定: the exceptions to the rule are the rule's matter.
    r"例外(?:情形|情况|事项|事由)?|"
    # …，均按双方另行制定的应急预案执行: by what it will be done says nothing of what.
    r"按照|依照|依据|根据|参照|"
    # 由双方届时根据适用的法律另行签署补充协议约定: under which law it will be agreed says nothing of what.
    r"适用|法律|法规|规定|"
    r"共同|应当|[的由经应可再将须需以及和与并等其该此均按依]"
)
# 1.4　现场测评：指… / “托管服务”是指…: a definition of the contract's words.
_DEFINES = re.compile(
    r"\s*[0-9０-９.．、（）()一二三四五六七八九十]*\s*[“”\"「」]?[^，。；：:“”]{1,16}[”\"」]?\s*(?:[：:]\s*指|是指|系指)"
)
# The commercial side of a duty (its fee, price, payment) is not the duty: "修复所涉费用另行协商".
_COMMERCIAL = re.compile(r"费用|服务费|价格|价款|报酬|收费|费率|付款|支付|结算|发票|税")
_LISTED = re.compile(r"[、，,]|及其|及|和|与|以及")


def _only_money(subject: str) -> bool:
    """Is what a deferral leaves open only money: 修复所涉费用及其承担 (each listed part names a cost or
    says nothing), not 具体配合事项、响应时限及费用承担 (the cost is one of three)?"""
    if not _COMMERCIAL.search(subject):
        return False
    return all(_COMMERCIAL.search(part) or not _CJK.search(_GENERIC.sub("", part.replace("承担", "")))
               for part in _LISTED.split(subject))
_CLAUSE = re.compile(r"[，,：:；;]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


_TITLE_ALONE = re.compile(r"\s*(《[^》]{1,30}》)\s*")


def defers_the_requirement(analysed: AnalysedSentence, concepts: set[str], markers: re.Pattern[str] | None = None
                           ) -> bool:
    """Is what the sentence leaves to a later agreement the requirement's matter?

    The subject of the deferral decides (the words before it in its clause, or the clause before
    when it has none of its own: "安全事件的处置分工，由双方另行约定"): "具体修复时限由双方另行约定"
    and "具体由双方另行协商确定" defer the requirement; "修复所涉费用由双方另行协商确定", after a
    complete clause, leaves open only the fee, and "续期价格另行商定" something else again.
    """
    from contractkit.checking.understanding.statements import DEFERRED  # see registry.py: kept light

    s = analysed.sentence
    text = s.text
    breaks = [b.end() for b in _CLAUSE.finditer(text)]
    for marker in (markers or DEFERRED).finditer(text):
        starts = [0] + [b for b in breaks if b <= marker.start()]
        start = starts[-1]
        following = _CLAUSE.search(text, marker.end())
        end = following.start() if following else len(text)
        subject = _without_parties(analysed, start, marker.start())
        if subject.strip().startswith("除") and text[marker.end():end].lstrip().startswith("外"):
            # "除双方另行书面约定外，…不改变甲方的最终责任": what follows holds only until agreed otherwise.
            if any(m.label in concepts and m.start >= end for m in s.concepts):
                return True
            continue
        if not _CJK.search(_GENERIC.sub("", subject)) and len(starts) > 1:
            start = starts[-2]  # "…，由双方另行约定": the clause before names what is deferred
            subject = _without_parties(analysed, start, marker.start())
        # "…责任方，以双方确认的《实施方案》为准，《实施方案》另行签订": a document left to be signed holds
        # what the sentence first referred to it; the clause before that reference names it.
        title = _TITLE_ALONE.fullmatch(subject)
        referred = text.find(title.group(1)) if title else -1
        if title and 0 <= referred < start:
            before = [b for b in breaks if b <= referred]
            start = before[-2] if len(before) > 1 else 0
        if _only_money(subject):
            continue
        if any(m.label in concepts and m.start < end and m.end > start for m in s.concepts):
            return True
        if not _CJK.search(_GENERIC.sub("", subject)):
            return True
    return False


def _without_parties(analysed: AnalysedSentence, start: int, end: int) -> str:
    """The text between start and end with the parties' names blanked: they are generic too."""
    chars = list(analysed.sentence.text[start:end])
    for m in analysed.mentions:
        for i in range(max(m.start, start), min(m.end, end)):
            chars[i - start] = " "
    return "".join(chars)
