"""Checks that find a sentence saying the opposite of the requirement, or sanctioning its act."""

from __future__ import annotations

import re
from dataclasses import replace

from pydantic import Field, field_validator

from contractkit.catalogue.model import Frozen
from contractkit.checking.rules.model import AnalysedSentence, ConceptGroups, ContractParties, Verdict
from contractkit.checking.rules.registry import Labeller, SentenceCheck, register
from contractkit.checking.rules.wording import groups_zh
from contractkit.checking.understanding.continuation import PROVISO
from contractkit.checking.understanding.nlp import Sentence
from contractkit.checking.understanding.numerals import parse_number
from contractkit.checking.understanding.references import POINTING_BACK, THE_REST


class ConceptGroupsParams(Frozen):
    groups: ConceptGroups = Field(min_length=1)


class ContraryParams(ConceptGroupsParams):
    # A shift of responsibility (一切安全责任由乙方承担, a disclaimer of every incident) says the
    # opposite, but does not override an explicit compliant clause elsewhere in the contract.
    yields: bool = False
    # The opposite counts only as the bound party's own (乙方不承担任何管理工作 leaves the work with 甲方, where
    # 5a2 binds 甲方): a refusal by the other signing party says nothing against it.
    own: bool = False


@register("contrary")
class Contrary(SentenceCheck):
    """The catalogue's contrary groups meet in a sentence the contract provides (乙方不接受任何审计)."""

    Params = ContraryParams
    shorthand = "groups"
    params: ContraryParams

    def concepts(self) -> set[str]:
        return {c for group in self.params.groups for c in group}

    def requires(self) -> ConceptGroups:
        return self.params.groups

    def judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        # A listed breach (…拒绝接受监督的；) names the opposite as a sanctioned act, and so does the
        # condition of a sanction (乙方拒绝接受监督检查的，甲方有权解除合同): it provides nothing.
        if analysed.hypothetical or not _says_opposite(analysed, self.params.groups):
            return None
        if _disclaims_an_outsider(analysed, self.params.groups[-1]) or _disclaims_anothers_part(
                analysed, self.params.groups[-1]):
            return None
        if self.detect.actor not in (None, "any") and _freedom_of_another(
                analysed, self.params.groups[-1], parties, refusals=self.params.own):
            return None  # 甲方可提前三十日通知乙方终止维保服务: the provider's leave, not the partner's
        # …应支付违约金，…且不承担任何间接损失: a kind of loss, or an amount, carved out of what the sentence
        # itself provides.
        from contractkit.checking.rules.evaluate import LOSS_CARVED_OUT

        if analysed.has_each(self.detect.all_of) and LOSS_CARVED_OUT.search(analysed.sentence.text):
            return None
        if _in_condition(analysed, self.params.groups[-1:]) or _proviso_provides(
                analysed, self.detect.all_of, self.params.groups[-1], topic=self.params.groups[:-1]):
            return None
        if "exemption" in self.params.groups[-1] and _excused_for_anothers_fault(analysed, self.params.groups[-1]):
            return None
        # 乙方仅接受甲方的书面问询，不接受现场检查: part accepted, the rest refused — narrowed, not refused.
        kept = _ONLY_SOME.search(analysed.sentence.text) if "refuse" in self.params.groups[-1] else None
        if kept is not None and kept.start() < analysed.sentence.spans_of(set(self.params.groups[-1]))[0][0]:
            return self.verdict("partial", f"该句只接受其中一部分（“{kept.group()}…”），其余被排除",
                                analysed.spans_of(self.params.groups))
        if _only_of_the_rest(analysed, self.params.groups):
            # 重大变更前应告知委托方，一般变更由受托方自行安排: the matter kept for part, the rest let go.
            return self.verdict("partial", "该句只对部分事项作出约定，其余事项的约定与要求相反",
                                analysed.spans_of(self.params.groups))
        verdict = self.verdict("contrary", "该句约定与要求相反", analysed.spans_of(self.params.groups))
        return replace(verdict, yields=self.params.yields)

    def describe(self, label: Labeller) -> str:
        text = f"同一句中有{groups_zh(self.params.groups, label)}且未被否定：相反约定"
        if self.params.own:
            text += "（须为受约束一方自己的表述，另一方的拒绝不算）"
        return text + "（合同另有明确符合要求的约定时，以该约定为准）" if self.params.yields else text


# 仅接受书面问询 / 同意接受书面问卷检查，但不接受现场检查: part accepted, the rest refused after it.
_ONLY_SOME = re.compile(r"(?:仅|只)(?:接受|允许)"
                        r"|(?<!不)接受(?=[^。；]{1,30}?[，,]\s*但(?:是)?[^。；]{0,4}?不(?:接受|允许|同意))")


@register("disclaims")
class Disclaims(Contrary):
    """Liability for the work itself excluded outright (乙方代为实施的配置不当造成的损失由甲方自行承担，乙方
    不承担任何责任): the opposite of holding the performer to account. Judged like ``contrary``, on its own
    groups (what was done, and the exclusion), beside the catalogue's other contrary groups; another's
    fault or force majeure as the cause only narrows it (the concepts leave such sentences out)."""

    def describe(self, label: Labeller) -> str:
        return "免责：" + super().describe(label)


class DeclinesParams(ConceptGroupsParams):
    # The refusal counts only in a sentence on the requirement's topic (the first group of ``all_of``):
    # 无需事先通知用户 of a change of subcontractors declines no notice of an incident.
    on_topic: bool = False


@register("declines")
class Declines(SentenceCheck):
    """The party the requirement binds declines, in so many words, what the requirement asks of it, in
    the clause of its refusal (乙方不提供任何安全补丁, 许可方不负责满足被许可方的安全要求, 乙方无需遵守
    甲方的供应链安全管理制度): contrary. A carve-out (因甲方原因…, …除外), a listed breach and the edge of
    the work (不包括…) are not such refusals. Its parameter names what a refusal must be of."""

    Params = DeclinesParams
    shorthand = "groups"
    params: DeclinesParams

    def concepts(self) -> set[str]:
        return {c for group in self.params.groups for c in group}

    def requires(self) -> ConceptGroups:
        declined = (tuple(self.concepts()),)
        return (self.detect.all_of[0], *declined) if self.params.on_topic else declined

    def judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        from contractkit.checking.rules.evaluate import is_carve_out
        from contractkit.checking.understanding.references import item_number_end  # see registry.py: kept light
        from contractkit.checking.understanding.statements import (
            BOTH_PARTIES,
            CLAUSE_BREAK,
            EDGE_WORDS,
            OUTSIDER,
            PARTICULARS,
            clause_start_at,
            clause_starts,
        )

        text = analysed.sentence.text
        if analysed.hypothetical or is_carve_out(text):
            return None
        wanted = parties.actor_parties if self.detect.actor not in (None, "any") else None
        topics = analysed.sentence.spans_of(self.concepts())
        starts = clause_starts(text)
        for statement in analysed.statements:
            if statement.kind != "refusal" or text[statement.start:statement.end] in EDGE_WORDS:
                continue
            actor = statement.actor
            start = clause_start_at(starts, statement.start)
            if actor is None and _THE_CONTRACT.fullmatch(text, start + item_number_end(text[start:]), statement.start):
                actor = BOTH_PARTIES  # 本协议不设定任何安全控制要求: the contract declines it for both
            if actor in (None, OUTSIDER) or (wanted is not None and actor not in wanted and actor != BOTH_PARTIES):
                continue
            end = CLAUSE_BREAK.search(text, statement.end)
            clause_end = end.start() if end else len(text)
            if _duty_in_proviso(analysed, clause_end):
                continue  # 低危事件无需逐一报告，但应在月报中汇总: the refusal narrowed by what the proviso requires
            # 乙方对所供工具的用途及不当使用的后果不作任何说明: the matter fronted by 对/就 is declined too.
            fronted = _OBJECT_FRONTED.search(text, start, statement.start)
            # …相关文档属于乙方商业秘密，乙方不向甲方提供: a refusal with no object of its own declines what
            # the clause before it named.
            before = clause_start_at(starts, start - 1) if start and _NO_OBJECT.fullmatch(
                text, statement.end, clause_end) else start
            # (不对用户因…自行删除数据而遭受的损失负责: the deletion causes the loss disclaimed; it is not
            # work the party declines.)
            causes = [m.span() for m in _CAUSE_OF_LOSS.finditer(text, start, clause_end)]
            declined = [span for span in topics
                        if (statement.end <= span[0] < clause_end
                            or fronted and fronted.end() <= span[0] < statement.start
                            or before <= span[0] < start)
                        and not any(a <= span[0] < b for a, b in causes)
                        # (不承诺通报的具体时间: how soon is declined, not the notice.)
                        and not PARTICULARS.match(text, span[1])]
            if declined:
                who = parties.name(actor)
                return self.verdict("contrary", f"该句约定{who}不承担该项要求的工作",
                                    ((statement.start, statement.end), *declined))
        return None

    def describe(self, label: Labeller) -> str:
        on_topic = f"（须在提及{groups_zh(self.detect.all_of[:1], label)}的句子中）" if self.params.on_topic else ""
        return (f"受约束的一方在同一分句中明确拒绝、免除或不提供{groups_zh(self.params.groups, label)}{on_topic}"
                "（除外情形、违约情形与服务范围的界定除外）：相反约定")


def _only_of_the_rest(analysed: AnalysedSentence, groups: ConceptGroups) -> bool:
    """Does the opposite stand only in a clause about the rest of the matter (…，一般变更由受托方自行安排), after
    a clause of the same sentence that names the topic for its other part?"""
    text = analysed.sentence.text
    rests = [m.span() for m in THE_REST.finditer(text) if m.start() > 0]
    opposite = analysed.sentence.spans_of(set(groups[-1]))
    if not rests or not opposite or not all(any(s <= at < e for s, e in rests) for at, _ in opposite):
        return False
    first = min(s for s, _ in rests)
    return any(at < first for at, _ in analysed.sentence.spans_of(set(groups[0])))


def _disclaims_an_outsider(analysed: AnalysedSentence, opposite: tuple[str, ...]) -> bool:
    """供方对原厂保修服务的质量不承担责任: every disclaimer in the sentence is of what someone who does
    not sign does (对 + an outsider's work), which holds the party to nothing less for its own."""
    from contractkit.checking.understanding.statements import OUTSIDER, clause_start_at, clause_starts

    text = analysed.sentence.text
    spans = analysed.sentence.spans_of(set(opposite))
    outsiders = [m for m in analysed.mentions if m.party == OUTSIDER]
    if not spans or not outsiders:
        return False
    starts = clause_starts(text)
    for start, _ in spans:
        clause = clause_start_at(starts, start)
        if not any(clause <= m.start < start and text[m.start - 1:m.start] == "对" for m in outsiders):
            return False
    return True


def _freedom_of_another(analysed: AnalysedSentence, opposite: tuple[str, ...], parties: ContractParties,
                        refusals: bool = False) -> bool:
    """Every occurrence of the opposite is a right held, or a refusal made, by a signing party the
    requirement does not bind (甲方可在维保期内提前三十日书面通知乙方终止维保服务, where 72c1 binds the hardware
    provider; with ``refusals``, 乙方不承担任何管理工作, where 5a2 binds the provider): the right of the party it
    protects is no leave for the bound party, and the other party declining work leaves it with the bound one."""
    from contractkit.checking.understanding.statements import (  # see registry.py: kept light
        BOTH_PARTIES,
        OUTSIDER,
        clause_start_at,
        clause_starts,
    )

    text = analysed.sentence.text
    spans = analysed.sentence.spans_of(set(opposite))
    if not spans:
        return False
    starts = clause_starts(text)
    for start, _ in spans:
        clause = clause_start_at(starts, start)
        holders = [st for st in analysed.statements if clause <= st.start <= start]
        if not holders:
            return False
        last = max(holders, key=lambda st: st.start)
        # (a refusal only where the catalogue says so: 甲方不对乙方人员提出任何要求 opposes 63 as much as the
        # partner's own refusal would)
        kinds = ("right", "refusal") if refusals else ("right",)
        if (last.kind not in kinds or last.actor in (None, BOTH_PARTIES, OUTSIDER)
                or last.actor in parties.actor_parties or last.actor not in parties.party_labels):
            return False
    return True


def _disclaims_anothers_part(analysed: AnalysedSentence, opposite: tuple[str, ...]) -> bool:
    """乙方负责办理经营许可，甲方对此不承担责任: every disclaimer in the sentence is one party's of what the
    sentence has just given another party to do (对此, 就此), which leaves the first party's own part whole."""
    from contractkit.checking.understanding.statements import (  # see registry.py: kept light
        BOTH_PARTIES,
        NUMBERING,
        OUTSIDER,
        clause_start_at,
        clause_starts,
    )

    text = analysed.sentence.text
    spans = analysed.sentence.spans_of(set(opposite))
    if not spans or not _POINTING_AT_THAT.search(text):
        return False
    starts = clause_starts(text)
    opening = {start: m.party for m in analysed.mentions for start in starts
               if m.party not in (BOTH_PARTIES, OUTSIDER) and m.start >= start
               and not text[start:m.start].strip(NUMBERING)}
    for start, _ in spans:
        clause = clause_start_at(starts, start)
        disclaimer, earlier = opening.get(clause), [p for s, p in opening.items() if s < clause]
        if (disclaimer is None or not _POINTING_AT_THAT.search(text, clause, start)
                or not any(p != disclaimer for p in earlier)):
            return False
    return True


# 因需方擅自修改配置导致的 / 需方未采纳建议而导致的 / 因电信运营商线路故障导致的: the cause of a loss.
_CAUSE = re.compile(r"(?:因|由于)(?P<cause>[^，。；,;]{1,48}?)(?:原因|过错|导致|造成|引起)"
                    r"|(?:^|(?<=[，,；;：:]))\s*(?P<failure>[^，。；,;]{1,24}?(?:未|擅自|违反)[^，。；,;]{0,40}?)而(?:导致|造成|引起)"
                    # 对需方自行操作的结果不承担责任: what the other party does on its own.
                    r"|对(?P<own>[^，。；,;]{1,12}?自行[^，。；,;]{0,16}?)的?(?:结果|后果|损失|影响)")
_OUTSIDE_CAUSE = re.compile(r"第三方|他人|不可抗力|运营商|自然灾害|政府行为|电力")


def _excused_for_anothers_fault(analysed: AnalysedSentence, opposite: tuple[str, ...]) -> bool:
    """因需方擅自修改配置导致的损失，供方不承担责任: liability excluded for a loss another party or an outsider
    caused only narrows the sanction, where 因受托方服务未能发现漏洞导致的损失，受托方不承担责任 excuses the
    performer's own failure (contrary)."""
    from contractkit.checking.understanding.statements import BOTH_PARTIES, OUTSIDER

    text = analysed.sentence.text
    spans = analysed.sentence.spans_of(set(opposite))
    cause = _CAUSE.search(text, 0, spans[0][0]) if spans else None
    if cause is None:
        return False
    named = [m for m in analysed.mentions if m.party not in (BOTH_PARTIES, OUTSIDER)]
    said = next(name for name in ("cause", "failure", "own") if cause.group(name))
    # (给甲方造成的损失: 甲方 suffered it, it did not cause it.)
    causer = next((m.party for m in named if cause.start(said) <= m.start < cause.end(said)
                   and (said == "own" or text[m.start - 1:m.start] not in ("给", "向", "对", "致"))), None)
    # (the party excused: the last named before the exclusion, outside the cause)
    excused = next((m.party for m in reversed(named) if m.start < spans[0][0]
                    and not cause.start(said) <= m.start < cause.end(said)), None)
    if causer is None:
        return bool(_OUTSIDE_CAUSE.search(cause.group(said)))
    return excused is not None and causer != excused


# 本协议/本合同 as the subject of a refusal (after an item number: 一、本协议不设定…): what the parties'
# agreement leaves out, for both.
_THE_CONTRACT = re.compile(r"\s*(?:本|该)(?:协议|合同|条款)(?:项下)?(?:中|内)?(?:亦|也|并|均)?")
_OBJECT_FRONTED = re.compile(r"[对就](?!此)")
# 因访问密钥泄露或自行删除数据而遭受的损失: what causes a loss, named as its cause.
_CAUSE_OF_LOSS = re.compile(
    r"(?:因|由于)[^，。；]{1,40}?(?:而|所)?(?:遭受|导致|造成|引起|产生)的?[^，。；]{0,6}(?:损失|损害|后果)")
# 不向甲方提供 / 不向用户提供任何相关说明: the act refused, with nothing of its own as object (not 不向第三方
# 提供, which keeps a secret).
_NO_OBJECT = re.compile(
    r"(?:再)?(?:向(?![^，。；,;]{0,4}(?:第三方|他人|任何人|外部))[^，。；,;]{1,10})?"
    r"(?:提供|披露|告知|交付|出示|公开)(?:任何)?(?:相关)?(?:说明|信息|资料)?"
    # 运营商提出的安全要求，软件商有权不予满足: what was asked, named before, declined.
    r"|(?:满足|采纳|遵守)"
)
_POINTING_AT_THAT = re.compile(r"对此|就此|对上述事项|对该等事项")
_FRONTED_TOPIC = re.compile(r"\s*(?:对于|关于|凡)")


# 不得以任何理由， / 不得因…，: a prohibition's own phrase running over a comma to what it bars.
_ONE_CLAUSE_ON = re.compile(r"\s*(?:以|因|借|基于|出于)[^，。；,;]{0,40}[，,]\s*")


def _says_opposite(analysed: AnalysedSentence, groups: ConceptGroups) -> bool:
    """All groups meet in the sentence, and nothing negates the last of them."""
    from contractkit.checking.understanding.statements import CLAUSE_BREAK  # see registry.py: kept light

    s = analysed.sentence
    if not analysed.has_each(groups):
        return False
    decisive = [(m.start, m.end) for m in s.concepts if m.label in groups[-1]]
    negation_spans = [(m.start, m.end) for m in s.modals if m.label == "negation"]
    breaks = [0] + [b.end() for b in CLAUSE_BREAK.finditer(s.text)]
    topics = [m.start for m in s.concepts if m.label in groups[0]] if len(groups) > 1 else None
    for position, decisive_end in decisive:
        # (无需就每次安排征得同意: the opposite's own word is no negation of it.)
        negations = [end for start, end in negation_spans if not (start < decisive_end and position < end)]
        clause_start = max(b for b in breaks if b <= position)
        # The opposite must be said of the requirement's topic: in its clause or the one before
        # ("…披露您的信息，…，否则将影响您继续使用服务" keeps using the service, not the data).
        later = [b for b in breaks if b > position] + [len(s.text)]
        # (…提供安全补丁，但…的，乙方可停止提供上述补丁: said of the topic by pointing back at it.)
        if topics is not None and not any(_near(breaks, t, position) for t in topics) and not (
            any(t < clause_start for t in topics) and POINTS_BACK.search(s.text, clause_start, later[0])
        ) and not any(t < position and _FRONTED_TOPIC.match(s.text, max(b for b in breaks if b <= t))
                      for t in topics):
            # (对于乙方代为执行的操作，无论结果如何，乙方均不承担任何责任: a topic fronted with 对于 is the
            # whole sentence's, however many clauses follow it.)
            continue
        # "放弃追究违约责任决不意味免除…": a negation earlier in the clause turns the opposite round,
        # and one later in it, or opening the next clause, denies what the opposite would mean
        # (放弃追究…，不视为放弃…: a non-waiver).
        reach = later[1] if len(later) > 1 and _opens_with_negation(s, later[0]) else later[0]
        if any(clause_start <= end <= reach for end in negations):
            continue
        # "不得以任何理由免除" forbids the opposite: a prohibition before it in the sentence cancels it,
        # and so does a double negative read as a duty (不得拒绝).
        # (委托方不得干预…，亦无权要求…接受检查: a prohibition in a clause of its own bars something else.)
        if any(st.kind == "prohibition" and st.end <= position
               and (st.start >= clause_start or _ONE_CLAUSE_ON.fullmatch(s.text, st.end, clause_start))
               for st in analysed.statements):
            continue
        if any(st.kind == "duty" and st.start <= position < st.end and _NEGATING.search(s.text, st.start, st.end)
               for st in analysed.statements):
            continue  # (not 授予…全部权限: the verb that opens the opposite undertakes it)
        if s.text[max(0, position - 1):position] in ("不", "非", "无") or NEGATED_OBJECT.search(s.text, 0, position):
            continue
        return True
    return False


# "…辅助性事务交由第三方完成的，无需取得甲方同意，但涉及安全实施工作的转委托应经甲方书面同意": a 但 proviso
# that holds every element of the requirement as a duty or prohibition sets the rule for its matter; the
# opposite before it is a narrow exception.
# 前述更新 / 上述补丁: a clause naming its matter by pointing back at what the sentence said before
# (…实施的安全配置…，由此产生的一切损失由您承担: 由此 takes up what the clauses before did.)
POINTS_BACK = re.compile(POINTING_BACK + r"|由此(?=产生|造成|导致|引起|引发|而)")


def _duty_in_proviso(analysed: AnalysedSentence, after: int) -> bool:
    """A 但 proviso after ``after`` puts a duty on someone (…，但应…)."""
    proviso = PROVISO.search(analysed.sentence.text, after)
    return proviso is not None and any(st.kind == "duty" and st.start >= proviso.end() for st in analysed.statements)


def _proviso_provides(analysed: AnalysedSentence, all_of: ConceptGroups, opposite: frozenset[str] | tuple[str, ...],
                      topic: ConceptGroups = ()) -> bool:
    """Does a 但 proviso after the opposite provide the requirement (…无需另行签订三方协议，但应事先取得甲方的
    书面确认)? What the proviso needs after 但, but for the topic both speak of (the subcontracting),
    which the clause before may hold."""
    provisos = list(PROVISO.finditer(analysed.sentence.text))
    if not provisos:
        return False
    at = provisos[-1].end()
    concepts = analysed.sentence.concepts
    if any(m.label in opposite and m.start >= at for m in concepts):
        return False  # the proviso itself says the opposite
    spoken_of = {c for group in topic for c in group}
    if not all(any(m.label in group and (m.start >= at or m.label in spoken_of) for m in concepts) for group in all_of):
        return False
    return any(st.kind in ("duty", "prohibition") and st.start >= at for st in analysed.statements)


# 不将全部安全实施工作交由乙方承担: 不将/未将/不把 negate the act done to what follows.
# (采购人不将平台安全责任实施工作整体委托供应商: the object may stand between.)
NEGATED_OBJECT = re.compile(r"(?:不|未|并未|决不)(?:将|把|会将)[^，。；,;]{0,20}$")


# "…，不视为放弃…" / "…，并不意味着…" deny what the clause before would mean; "…，且不因此承担任何责任"
# only adds a disclaimer to it.
_DENIES_MEANING = re.compile(r"[^，。；]{0,4}?(?:视为|视作|意味|代表|构成|影响|等于|表示|免除|减轻)")


def _opens_with_negation(sentence: Sentence, clause_start: int) -> bool:
    return any(
        m.label == "negation" and clause_start <= m.start <= clause_start + 1
        and _DENIES_MEANING.match(sentence.text, m.start)
        for m in sentence.modals
    )


_NEGATING = re.compile(r"[不无非没]")


def _near(breaks: list[int], a: int, b: int) -> bool:
    """Positions in the same clause, or in adjacent ones."""
    clause = [sum(1 for start in breaks if start <= p) for p in (a, b)]
    return abs(clause[0] - clause[1]) <= 1


@register("listed_breach")
class ListedBreach(SentenceCheck):
    """The prohibited act is listed among breaches or grounds for termination (…擅自转包、分包的；).

    The contract sanctions the act, though it does not plainly bar it: partial.
    The act is the first group of ``all_of``.
    """

    def problems(self) -> list[str]:
        if self.detect.modality != "prohibition":
            return ["only a prohibited act can be sanctioned as a breach: needs modality 'prohibition'"]
        return []

    def requires(self) -> ConceptGroups:
        return self.detect.all_of[:1]

    def judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        act = self.detect.all_of[:1]
        if analysed.has_each(act) and (analysed.hypothetical or _sanctioned(analysed, act)):
            return self.verdict(
                "partial", "合同将该行为列为违约或解除情形，但未明确约定禁止或限制", analysed.spans_of(act)
            )
        return None

    def describe(self, label: Labeller) -> str:
        return f"{groups_zh(self.detect.all_of[:1], label)}仅被列为违约或解除情形：部分满足"


# "乙方擅自转包的，甲方有权解除合同": the act is the condition (…的，) of a consequence in the same sentence.
_CONDITION_END = re.compile(r"(?<!目)的[，,]")  # …的， closes a condition (not 目的，: a purpose)


def _in_condition(analysed: AnalysedSentence, groups: ConceptGroups) -> bool:
    """Every occurrence is inside a condition (…拒绝、阻挠甲方监督检查的，每次支付违约金…): what the
    contract would sanction, not what it provides."""
    from contractkit.checking.understanding.statements import CLAUSE_BREAK  # see registry.py: kept light

    text = analysed.sentence.text
    spans = analysed.spans_of(groups)
    # (未能达成服务目标的，不构成违约: a span running on past the condition is what follows it.)
    return bool(spans) and all(
        (end := _CONDITION_END.search(text, start)) is not None
        and not CLAUSE_BREAK.search(text, start, end.start()) and span_end <= end.start() + 1
        for start, span_end in spans
    )


def _sanctioned(analysed: AnalysedSentence, act: ConceptGroups) -> bool:
    text = analysed.sentence.text
    for start, _ in analysed.spans_of(act):
        end = _CONDITION_END.search(text, start)
        if end is None:
            continue
        sanction = any(at >= end.end() for at, _ in analysed.sentence.spans_of({"accountability"}))
        if sanction and any(s.start >= end.end() and s.kind in ("right", "duty") for s in analysed.statements):
            return not any(s.start < end.start() and s.kind != "undertaking" for s in analysed.statements)
    return False


class LimitParams(Frozen):
    """A number the contract states that must not exceed the standard's (两层 → 2 ≤ 2)."""

    pattern: str = Field(description="regular expression; group 1 is the number (Chinese or Arabic)")
    max: int
    reason: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            if re.compile(value).groups < 1:
                raise ValueError("the pattern needs a group for the number")
        except re.error as exc:
            raise ValueError(f"bad pattern: {exc}") from None
        return value


@register("over_limit")
class OverLimit(SentenceCheck):
    """A sentence about the act (the first group of ``all_of``) states a number above the standard's limit."""

    Params = LimitParams
    params: LimitParams

    def requires(self) -> ConceptGroups:
        return self.detect.all_of[:1]

    def judge(self, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
        if not analysed.has_each(self.detect.all_of[:1]):
            return None
        for match in re.finditer(self.params.pattern, analysed.sentence.text):
            number = parse_number(match.group(1))
            if number is not None and number > self.params.max:
                reason = f"该句约定为{number}，超过{self.params.reason}"
                return self.verdict("contrary", reason, analysed.spans_of(self.detect.all_of))
        return None

    def describe(self, label: Labeller) -> str:
        return f"所约定的数字超过 {self.params.max}（{self.params.reason}）：相反约定"
