"""Checks that run when no sentence met the requirement: a looser match makes it partial."""

from __future__ import annotations

import re

from pydantic import Field

from contractkit.catalogue.model import Detection, Frozen
from contractkit.checking.rules.model import AnalysedSentence, ContractParties, Judgement, Sentences, Spans
from contractkit.checking.rules.registry import FallbackCheck, Labeller, detection_problems, pipeline_for, register
from contractkit.checking.rules.wording import duty_zh, groups_zh


class WeakerDetection(Detection):
    """A looser description of the requirement, with the reason a match of it is only partial."""

    reason: str


_CONDITION = re.compile(r"(?:需要|如需|若需|如有需要)[^，。；]{0,24}的[，,]")


@register("weaker_fallback")
class WeakerFallback(FallbackCheck):
    """Nothing met the requirement, but its looser description is satisfied (duties assigned to named
    parties, but no explicit division of the security work): partial, with the catalogue's reason."""

    Params = WeakerDetection
    params: WeakerDetection

    def problems(self) -> list[str]:
        return detection_problems(self.params)

    def concepts(self) -> set[str]:
        return set(pipeline_for(self.params).concepts)

    def fallback(self, sentences: Sentences, parties: ContractParties) -> Judgement | None:
        from contractkit.checking.rules.evaluate import judge_detection
        from contractkit.results.model import Status

        # Duties assigned elsewhere still count when one clause reads as the opposite of the looser
        # description (我们可以自行将部分服务交由第三方提供，无需征得您的同意).
        looser = judge_detection(self.params, sentences, parties, only=Status.SATISFIED)
        if looser.status is Status.SATISFIED:
            return Judgement(Status.PARTIAL, looser.evidence, self.params.reason, self.name)
        # 将安全运维工作委托供应商实施，委托的具体工作内容以双方另行签订的服务确认单为准: the entrusted work
        # itself left to a later agreement is partial too, for the deferral's reason — when the sentence
        # speaks of that work (not 工作组的组成届时商定) and does not merely allow for it (需要…的，…为准).
        deferred = judge_detection(self.params, sentences, parties, only=Status.PARTIAL)
        work = self.detect.all_of[-1]
        if deferred.status is Status.PARTIAL and deferred.check == "deferral" and any(
                analysed.has_each((work,)) and not _CONDITION.search(analysed.sentence.text)
                for analysed, _ in deferred.evidence):
            return deferred
        return None

    def describe(self, label: Labeller) -> str:
        looser = f"同一句中有{groups_zh(self.params.all_of, label)}"
        if self.params.actor:
            looser += f"，为{duty_zh(self.params.actor, self.params.modality)}"
        return f"以上均未找到时，若{looser}：部分满足（{self.params.reason}）"


class ReasonParams(Frozen):
    reason: str


class TurnsParams(Frozen):
    # What each piece of work must be about (any concept), so that fees, deliveries and site safety
    # divide nothing.
    topics: tuple[str, ...] = Field(min_length=1)
    # Security work by name: pieces of it may stand in the paragraphs next to each other (7.1 许可方应：
    # …提供修复补丁；7.2 被许可方应：…安装补丁), not only in one.
    security: tuple[str, ...] = ()


@register("assigned_in_turn")
class AssignedInTurn(FallbackCheck):
    """Nothing met the requirement, but the contract names who does each piece of the work, by turns
    for two signing parties: in one paragraph (机房门禁…由乙方负责实施；设备上下架审批由甲方负责), or, for
    security work by name, in neighbouring ones (7.1 许可方应：…提供修复补丁 / 7.2 被许可方应：…安装补丁).
    The work is divided item by item, though the contract never says 划分: satisfied. Fees and payments,
    deliveries, site conditions and site safety are no such work."""

    Params = TurnsParams
    shorthand = "topics"
    params: TurnsParams

    def concepts(self) -> set[str]:
        return set(self.params.topics) | set(self.params.security)

    def fallback(self, sentences: Sentences, parties: ContractParties) -> Judgement | None:
        from contractkit.checking.understanding.statements import scope

        in_block: dict[int, dict[str, tuple[AnalysedSentence, Spans]]] = {}  # 负责/由 anything of topics
        security: dict[int, dict[str, tuple[AnalysedSentence, Spans]]] = {}  # any duty of security work
        topics, secure = set(self.params.topics), set(self.params.security)
        for analysed in sentences.holding_any(self.concepts()):
            sentence, text = analysed.sentence, analysed.sentence.text
            if analysed.hypothetical or analysed.deferred:
                continue
            # Cheaply first: a sentence that can assign nothing is not read for its statements.
            answers = _ASSIGNS.search(text) is not None and not sentence.labels.isdisjoint(topics)
            if not answers and (sentence.labels.isdisjoint(secure)
                                or not any(m.label == "duty" for m in sentence.modals)):
                continue
            # 甲方、乙方均应…: one duty of both, not one each.
            joint = {(st.start, st.end) for st in analysed.statements for other in analysed.statements
                     if other.start == st.start and other.actor != st.actor}
            ways = ((sentence.spans_of(topics), in_block, True), (sentence.spans_of(secure), security, False))
            for st in analysed.statements:
                if st.kind != "duty" or st.actor not in parties.party_labels or (st.start, st.end) in joint:
                    continue
                start, end = scope(text, st, analysed.mentions)
                if _NOT_THE_WORK.search(text, start, end):
                    continue
                for all_spans, found, answering in ways:
                    spans = tuple(span for span in all_spans if start <= span[0] < end)
                    if spans and (not answering or text[st.start:st.end] in _ASSIGNING):
                        found.setdefault(sentence.block, {}).setdefault(st.actor, (analysed, spans))
        for _, assigned in sorted(in_block.items()):
            if len(assigned) >= 2:
                return self._divided(assigned, parties, "该段")
        for block in sorted(security):
            near: dict[str, tuple[AnalysedSentence, Spans]] = {}
            for step in range(_NEIGHBOURS + 1):
                for party, said in security.get(block + step, {}).items():
                    near.setdefault(party, said)
            if len(near) >= 2:
                return self._divided(near, parties, "相邻条款")
        return None

    def _divided(self, assigned: dict[str, tuple[AnalysedSentence, Spans]], parties: ContractParties,
                 where: str) -> Judgement:
        from contractkit.results.model import Status

        names = "和".join(parties.name(p) for p in assigned)
        evidence = {id(a): (a, spans) for a, spans in assigned.values()}  # each sentence once
        return Judgement(Status.SATISFIED, tuple(evidence.values())[:3],
                         f"{where}逐项写明了{names}各自负责实施的工作", self.name)

    def describe(self, label: Labeller) -> str:
        topics = "、".join(label(c) for c in self.params.topics[:6])
        text = f"以上均未找到时，若同一段中逐项写明两方各自负责的具体工作（{topics}等）"
        if self.params.security:
            security = "、".join(label(c) for c in self.params.security[:4])
            text += f"，或相邻条款中分别写明两方各自的安全工作（{security}等）"
        return text + "：满足"


_NEIGHBOURS = 2  # paragraphs after one where the other party's part may stand (7.1 … / 7.2 …)
_ASSIGNING = ("负责", "由")
_ASSIGNS = re.compile("|".join(_ASSIGNING))
# Fees, deliveries, site safety and liaison are not the work divided (供应商负责设备的运输、保险及开具发票).
_NOT_THE_WORK = re.compile(
    r"发票|开票|付款|支付|结算|对账|费用|税|货款|运输|保险|装卸|物流|仓储"
    r"|安全生产|文明施工|人身|消防|施工安全|意外伤害|联络人|联系人"
    # 甲方负责提供机房环境和网络接入: the conditions for the work, not a piece of it.
    r"|提供[^，。；]{0,16}(?:场地|环境|用电|接驳|手续|办公|仓储|条件)"
)


# The words with which a party answers for its part at the head of a clause (乙方负责…), or opens the
# list of its duties (甲方应： / 乙方向甲方提供以下服务：).
_ANSWERS = ("负责",)
_LIST_OF_DUTIES = re.compile(r"\s*[：:]|[^，。；,;]{0,12}(?:以下|下列|如下)[^，。；,;]{0,8}[：:]")
_MAY_ANSWER = re.compile(r"负责|[：:]")
# 甲方负责开具发票 / 乙方负责对账: the business side of a contract divides no work.
_BUSINESS = re.compile(r"[^，。；,;]{0,12}(?:发票|开票|付款|支付|结算|对账|费用|税)")


@register("parties_answer_each")
class PartiesAnswerEach(FallbackCheck):
    """Nothing met the requirement, but two signing parties each answer for their own work in clauses
    of their own, anywhere in the contract (您负责存储桶的权限设置… / 我们负责数据中心…的运行维护, or
    甲方应：（一）… beside 乙方向甲方提供以下服务：…): the work is divided between them, though the security
    work as such is not: partial."""

    Params = ReasonParams
    shorthand = "reason"
    params: ReasonParams

    def fallback(self, sentences: Sentences, parties: ContractParties) -> Judgement | None:
        from contractkit.checking.rules.checks.attribution import opens_its_clause
        from contractkit.results.model import Status

        found: dict[str, tuple[AnalysedSentence, Spans]] = {}
        for analysed in sentences.all:
            text = analysed.sentence.text
            # Cheaply first: most sentences hold neither word, and their statements need not be read.
            if not _MAY_ANSWER.search(text) or analysed.heading or analysed.hypothetical or analysed.deferred:
                continue
            for statement in analysed.statements:
                actor, word = statement.actor, text[statement.start:statement.end]
                if (statement.kind == "duty" and actor in parties.party_labels and actor not in found
                        and (word in _ANSWERS or _LIST_OF_DUTIES.match(text, statement.end))
                        and opens_its_clause(analysed, statement) and not _BUSINESS.match(text, statement.end)):
                    found[actor] = (analysed, ((statement.start, statement.end),))
        if len(found) < 2:
            return None
        return Judgement(Status.PARTIAL, tuple(found.values())[:2], self.params.reason, self.name)

    def describe(self, label: Labeller) -> str:
        return f"以上均未找到时，若合同中两方各在自己的条款中负责具体工作：部分满足（{self.params.reason}）"
