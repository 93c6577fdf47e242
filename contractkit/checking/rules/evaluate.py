"""Judge one requirement against a contract's sentences, with evidence and reasons.

The requirement's ``detect`` block (catalogue data) names the checks that
judge it (``registry.py``, ``checks/``); this module only runs them: each
sentence gets the verdict of the first check that has one, the verdicts are
weighed (the opposite outweighs a match, a match a partial one), and when no
sentence gave any, the requirement's fallbacks are asked. A "missing" verdict
is a near miss (the same clause, but another party's right or duty): it
credits nothing, but when the requirement stays missing it is quoted, so the
reader sees what the contract does say. Nothing here is
specific to one requirement or one check.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from contractkit.catalogue import Requirement
from contractkit.catalogue.model import Detection
from contractkit.checking.rules.model import (
    TABLE_ROW,
    AnalysedSentence,
    ContractParties,
    Judgement,
    Sentences,
    Verdict,
)
from contractkit.checking.rules.registry import Pipeline, pipeline_for
from contractkit.checking.understanding.continuation import PROVISO
from contractkit.checking.understanding.references import THE_REST
from contractkit.results.model import Evidence, Status

if TYPE_CHECKING:
    from contractkit.reading.model import TextBlock

# 不承担间接损失 / 赔偿总额不超过…: a kind of loss carved out, or an amount capped.
LOSS_OR_CAP = (r"(?:间接|附带|偶然|惩罚性|可得利益|预期利益|利润|商誉)[^，。；]{0,8}损失"
               r"|(?:总额|累计|上限|最高)[^，。；]{0,16}(?:不超过|为限|不高于)")
LOSS_CARVED_OUT = re.compile(LOSS_OR_CAP)

# Force majeure, by name or in the words translated contracts use for it (因超出其合理控制的事件而未能履行).
FORCE_MAJEURE = re.compile(r"不可抗力|超出(?:其|双方|一方)?(?:合理)?控制(?:范围)?的?(?:事件|情形|原因|情况)"
                           r"|无法合理控制的?(?:事件|情形|原因)")

# A sentence that limits itself to some cases: caused by a named cause, an exception, a condition,
# another's conduct (对第三方违反…的，不承担责任).
CARVE_OUT = re.compile(
    r"因[^。；]{1,48}?(?:原因|过错|导致|造成|引起)|除外|(?:如果|倘若|若|如)[^，。；]{1,24}[，,]"
    r"|(?:第三方|他人|不可抗力)[^，。；]{0,16}(?:违反|原因|过错|行为|导致|造成)"
    r"|不可抗力|控制范围(?:之|以)外|无法控制|(?:不能|不可|无法)预见"
    # 在…超过…最大数额的情况下，…放弃…索赔 / 在乙方严格遵守测试方案的前提下: only in a stated case.
    r"|在[^。；]{1,40}的(?:情况|前提)下"
    # 对甲方自行开发部分的漏洞无需修复: what the other party made or runs itself is outside the duty.
    r"|(?:自行|自主|自有)(?:开发|提供|部署|采购|运营|维护|编写)"
    # 对间接损失、可得利益损失不承担责任 / 赔偿总额不超过…: a kind of loss excluded, or a cap.
    rf"|{LOSS_OR_CAP}"
    # "5.13 属于…所述的DCloud可以免责…的情况。": an item naming one situation, of a list of exemptions.
    r"|的(?:情况|情形)\s*[。；;]?\s*$"
    # 工期相应顺延，三方均不承担违约责任: a delay excused, the time extended.
    r"|(?:工期|期限|履行期)[^，。；]{0,4}(?:相应)?顺延"
    # 您未按照建议配置安全组…导致数据泄露的: the other's own failure as the cause.
    r"|未(?:按照|按|及时|能)[^。；]{1,40}(?:导致|造成)"
    # 对甲方人员违规操作所造成的后果不承担责任: someone's misuse as the cause.
    # (不当使用可能造成的后果 names a risk to disclose, not a cause that happened.)
    r"|(?:违规|不当|错误|擅自|误)(?:操作|使用|配置|改动)(?![^，。；]{0,4}可能)[^，。；]{0,8}?所?(?:导致|造成|引起)"
    # 安全生产事故…由承包人自行承担责任 (liability for accidents at work); 对冻结前已发生的操作不承担责任,
    # 对通知前已经发生的后果不承担责任 (what happened before the party could act).
    r"|安全生产事故|人身伤亡|人身伤害|触电|高处坠落|工伤|[前后](?:已经?|业已)?(?:发生|产生)的"
    # …有权暂停执行该指示，由此导致的服务中断不承担责任: the interruption the one case just described
    # brings (not 由此造成的损失, which may be everything).
    r"|由此(?:导致|造成|引起|产生)的(?:服务|业务)?(?:中断|暂停|延迟|延误)"
    # …的，由此导致原厂拒绝提供保修的，供方不承担责任: one named consequence of the case just described.
    r"|由此(?:导致|造成|引起|产生)[^，。；]{1,20}的[，,]"
    # 供应商对附件一中列明由采购人负责的事项不承担责任: what the other side answers for is outside it.
    r"|由[^，。；]{1,10}?(?:自行)?(?:负责|承担|实施)的(?:事项|工作|部分|内容|环节)"
)


# …导致的任何安全事件，不承担责任: whatever the causes listed, "any" leaves nothing outside it (but 任何间接
# 损失 is still only indirect loss).
BLANKET = re.compile(r"(?:任何|一切|所有|全部)(?!间接|附带|偶然|惩罚性|可得利益|预期利益|利润|商誉)[^，。；]{0,12}"
                     r"(?:事件|事故|损失|责任|问题|风险|后果)"
                     # 无论因何种原因导致…: every cause, not one carved out.
                     r"|无论(?:因|由于)?(?:何种|任何|什么)")


# 因需方未安装补丁或未采取…措施而导致的任何损失: every loss of one named failure, which stays a carve-out.
_NAMED_FAILURE = re.compile(r"因[^，。；]{1,12}?(?:未|没有|违反|擅自|自行)[^，。；]{1,30}?而?(?:导致|造成|引起|所致)的"
                            r"(?:任何|一切|所有|全部)")


def is_carve_out(text: str) -> bool:
    return bool(CARVE_OUT.search(text)) and not BLANKET.search(_NAMED_FAILURE.sub("", text))


__all__ = ["AnalysedSentence", "Judgement", "Sentences", "judge", "judge_detection", "to_evidence"]

MAX_EVIDENCE = 3
NEAR_BLOCKS = 3  # paragraphs after a clause where its further elements may stand (its sub-items)
NEAR_BEFORE = 1  # and before it: the sibling item just above (（一）…资质 / （二）…考核)
# Which verdicts decide the requirement when sentences disagree, strongest first.
PRECEDENCE = (Status.CONTRARY, Status.SATISFIED, Status.PARTIAL)


def judge(
    requirement: Requirement,
    sentences: Sentences | Sequence[AnalysedSentence],
    actor_parties: set[str],
    actor_label: str,
    concept_labels: dict[str, str],
    party_labels: dict[str, str],
    mentioned_parties: set[str] | None = None,
    holder_parties: tuple[frozenset[str], ...] = (),
) -> Judgement:
    """``sentences``: a document's, best indexed once for all its requirements (``Sentences``)."""
    parties = ContractParties(actor_parties, actor_label, concept_labels, party_labels, mentioned_parties,
                              holder_parties)
    indexed = sentences if isinstance(sentences, Sentences) else Sentences(sentences)
    return judge_detection(requirement.detect, indexed, parties)


def judge_detection(
    detect: Detection, sentences: Sentences, parties: ContractParties, only: Status | None = None
) -> Judgement:
    """The requirement's status, from the sentence verdicts in order of precedence; ``only``: the
    sentences with that verdict, whatever else the contract says (missing when there are none)."""
    pipeline = pipeline_for(detect)
    found: dict[Status, list[tuple[AnalysedSentence, Verdict]]] = {
        status: [] for status in (*PRECEDENCE, Status.MISSING)
    }
    # A sentence with none of the checks' concepts can meet none of them (most sentences are such),
    # nor can one lacking what each check requires to give a status, and a heading says nothing: only
    # the others are judged.
    for analysed in sentences.holding_any(pipeline.concepts, pipeline.deciding):
        if _excuses_force_majeure(analysed):
            continue
        verdict = _first_verdict(pipeline, analysed, parties)
        if verdict is not None and verdict.status == Status.SATISFIED and analysed.left_open:
            # 具体违约金标准见专用条款, and that clause is blank: what the sentence settles is still open. A
            # table row with a cell left 待定 leaves its table's matter open, whatever the other rows settle.
            verdict = replace(verdict, status=Status.PARTIAL, reason=f"{analysed.left_open}，该事项尚未确定",
                              caps=analysed.passage == TABLE_ROW)
        if verdict is not None and verdict.status is not None:
            found[verdict.status].append((analysed, verdict))
        if verdict is not None and verdict.status == Status.SATISFIED and analysed.deferred:
            # 身份认证组件由甲方负责；日志审计组件的实施方由双方另行商定: settled in one part, left open
            # in the next; the deferral, asked after the verdict, holds the clause's paragraph at partial.
            left = _deferral_verdict(pipeline, analysed, parties)
            if left is not None:
                found[Status.PARTIAL].append((analysed, left))
    if only is not None:
        return _judgement(only, found[only]) if found[only] else Judgement(Status.MISSING, (), "")
    # A carve-out (因甲方原因导致的…除外, 不可抗力) does not undo a clause on the matter elsewhere, nor
    # does a shift the catalogue marks as yielding undo an explicit one; any other opposite does.
    # Force majeure (因不可抗力…有权暂停服务) is the law's default, never the opposite of a clause.
    found[Status.CONTRARY] = [(a, v) for a, v in found[Status.CONTRARY] if not FORCE_MAJEURE.search(a.sentence.text)]
    explicit, relevant = found[Status.SATISFIED], found[Status.SATISFIED] or found[Status.PARTIAL]
    if relevant and all(
        (verdict.yields and explicit) or is_carve_out(a.sentence.text) for a, verdict in found[Status.CONTRARY]
    ):
        found[Status.CONTRARY] = []
    limited = [(a, v) for a, v in relevant if _LIMITED.search(a.sentence.text)]
    # 甲方有权进行审计。但前述审计仅限于查阅白皮书，乙方亦不接受现场检查: the limit and the refusal of
    # what lies beyond it, said after the right (which may stand in the same sentence as its limit).
    granted = relevant or [(a, v) for a, v in found[Status.CONTRARY] if any(
        st.kind == "right" and st.actor in parties.actor_parties for st in a.statements)]
    narrowing = granted and all(_LIMITED.search(a.sentence.text) or _BEYOND.search(a.sentence.text)
                                for a, _ in found[Status.CONTRARY]) or explicit and all(
        _LIMITED.search(a.sentence.text) or _BEYOND.search(a.sentence.text) or _KEPT_PRIVATE.search(a.sentence.text)
        for a, _ in found[Status.CONTRARY])
    if detect.modality == "right" and found[Status.CONTRARY] and (narrowing or limited and all(
            verdict.check == "attribution" for _, verdict in found[Status.CONTRARY])):
        # 客户的审计权仅限于审阅审计报告 beside 客户不得进入数据中心进行现场审计: the right is granted as a
        # limited one, and another clause forbids the ways beyond the limit. Narrowed, not taken away.
        limit, _ = found[Status.CONTRARY][0]
        evidence = tuple(dict.fromkeys((a, v.spans) for a, v in ((limited or granted)[0], found[Status.CONTRARY][0])))
        from contractkit.checking.understanding.statements import excerpt  # see registry.py: kept light

        said = excerpt(limit.quote or limit.sentence.text, _LIMIT_QUOTE)  # a list item as it stands
        return Judgement(Status.PARTIAL, evidence, _NARROWED.format(limit=said), "attribution")
    if relevant and found[Status.CONTRARY] and all(_said_of_the_rest(a, v) for a, v in found[Status.CONTRARY]):
        # 核心数据库的变更须经甲方同意；其他运维变更由乙方自行决定: the requirement kept for part of the matter,
        # the opposite said of the rest. Partly met, not refused.
        rest, _ = found[Status.CONTRARY][0]
        evidence = tuple(dict.fromkeys((a, v.spans) for a, v in (relevant[0], found[Status.CONTRARY][0])))
        from contractkit.checking.understanding.statements import excerpt  # see registry.py: kept light

        said = excerpt(rest.quote or rest.sentence.text, _LIMIT_QUOTE)  # a list item as it stands
        return Judgement(Status.PARTIAL, evidence, _REST_OPPOSED.format(rest=said), "attribution")
    capping = [(a, v) for a, v in found[Status.PARTIAL] if v.caps]
    deferred_blocks = {a.sentence.block for a, v in found[Status.PARTIAL] if v.check == "deferral"}
    if found[Status.SATISFIED] and deferred_blocks and not found[Status.CONTRARY] and all(
            a.sentence.block in deferred_blocks for a, _ in found[Status.SATISFIED]):
        # 应承担违约责任：（一）…；违约金的计算方式由双方另行约定: whatever the contract settles of the matter,
        # it settles in the paragraph that leaves its particulars open. Partly met.
        deferrals = [(a, v) for a, v in found[Status.PARTIAL] if v.check == "deferral"]
        return _judgement(Status.PARTIAL, deferrals + found[Status.SATISFIED])
    if found[Status.SATISFIED] and capping and not found[Status.CONTRARY]:
        # 其他安全工作的实施主体由双方协商确定: the contract leaves the rest open, whatever it settles.
        return _judgement(Status.PARTIAL, capping + found[Status.SATISFIED])
    if found[Status.SATISFIED] and not found[Status.CONTRARY]:
        # A near miss holds the elements too (期间客户可自行导出数据: the export the exit clause needs).
        lacking = "”“".join(filter(None, (
            _lacking(detect, found[Status.SATISFIED] + found[Status.PARTIAL] + found[Status.MISSING],
                     sentences, parties),
            _unkept(detect, found[Status.SATISFIED], parties))))
        if lacking:
            # 漏洞修复由乙方负责 with no deadline: what the standard names is not all there.
            return replace(_judgement(Status.PARTIAL, found[Status.SATISFIED]), lacking=lacking)
    if not found[Status.SATISFIED] and not found[Status.CONTRARY]:
        together = _completing(detect, found[Status.PARTIAL], parties)
        if together:
            # 供应商通过安全公告系统通报产品漏洞。供应商承诺：紧急漏洞2小时内响应…: each sentence of the
            # paragraph says a part, and together they say it all.
            return replace(_judgement(Status.SATISFIED, together), reason=_TOGETHER)
    for status in PRECEDENCE:
        if found[status]:
            return _judgement(status, found[status])
    for fallback in pipeline.fallbacks:
        judgement = fallback.fallback(sentences, parties)
        if judgement is not None:
            return judgement
    if found[Status.MISSING]:
        return _judgement(Status.MISSING, found[Status.MISSING])
    return Judgement(Status.MISSING, (), "")


_NARROWED = "合同约定了该权利，但另有条款限制其行使（“{limit}”），仅部分满足"
_TOGETHER = "同一段中相邻的几句合起来包含所需要素"
_REST_OPPOSED = "合同仅就部分事项作出符合要求的约定，其余事项的约定与要求相反（“{rest}”），仅部分满足"


def _said_of_the_rest(analysed: AnalysedSentence, verdict: Verdict) -> bool:
    """Does the opposite stand in a clause about the rest of the matter (其他运维变更由甲方自行决定)?"""
    return any(any(rest.start() <= start < rest.end() for start, _ in verdict.spans)
               for rest in THE_REST.finditer(analysed.sentence.text))


# 审计权仅限于审阅报告 / 仅可查阅 / 以书面问卷为限: a right granted within stated limits.
_LIMITED = re.compile(r"仅限于|限于|仅(?:能|可|得)?(?:审阅|查阅|获取|要求提供)|以[^，。；]{1,16}为限")
# 除此之外 / 除前述…外: what lies beyond what was just granted or settled.
BEYOND_THAT = r"除此之外|除此以外|除前述[^，。；]{0,12}外"
# 除此之外，不接受其他检查 / 亦不接受前述以外的审计 / 不得要求提供其他资料: a refusal of what lies beyond
# what was granted.
_BEYOND = re.compile(rf"{BEYOND_THAT}|(?:其他|其它|以外的)[^，。；]{{0,6}}(?:检查|审计|监督|核查|资料|材料|文件)")
# 不接受委托方对其办公场所、内部系统或工作底稿的检查: the party's own premises and papers kept out of a
# check a clause grants in so many words, which narrows the check and does not refuse it.
_PRIVATE = r"(?:办公(?:场所|区域)|内部(?:系统|管理制度)|工作底稿|其他(?:客户|用户|租户))"
_KEPT_PRIVATE = re.compile(rf"对[^，。；]{{0,8}}{_PRIVATE}[^，。；]{{0,16}}?的?(?:检查|审计|审查|核查|查阅)")
_LIMIT_QUOTE = 41  # characters of the limiting clause quoted in the explanation


def _excuses_force_majeure(analysed: AnalysedSentence) -> bool:
    """因不可抗力…不承担违约责任（但应及时通知）: excusing force majeure is the law's default. Such a
    sentence neither provides the requirement nor opposes it, whatever words of it it holds."""
    sentence = analysed.sentence
    # (除不可抗力及需方原因外，因供方未落实…的，供方应予赔偿 / …应赔偿损失，因不可抗力所致的除外: force
    # majeure excepted from a sanction, which the sentence imposes.)
    excepted = [m.span() for m in _EXCEPTED.finditer(sentence.text)] if "除" in sentence.text else []
    # (…未按约定完成修复的，应支付违约金；但因不可抗力导致…的，乙方不承担责任: a proviso after a duty
    # narrows the sanction, which the sentence still imposes.)
    proviso = PROVISO.search(sentence.text)
    if proviso and any(m.label == "duty" and m.end <= proviso.start() for m in sentence.modals):
        excepted.append((proviso.start(), len(sentence.text)))
    return any(not any(s <= m.start() and m.end() <= e for s, e in excepted)
               for m in FORCE_MAJEURE.finditer(sentence.text)) and (
        "exemption" in sentence.labels or any(m.label == "refusal" for m in sentence.modals)
    )


_EXCEPTED = re.compile(r"除[^，。；]{1,30}?(?:以外|之外|外)|[^，。；]{1,30}除外")


def _completing(detect: Detection, partials: list[tuple[AnalysedSentence, Verdict]], parties: ContractParties
                ) -> list[tuple[AnalysedSentence, Verdict]]:
    """Sentences of one paragraph, each lacking an element (``partial_element``), that between them say
    every element, none of them a duty or right of a party other than the requirement's own."""
    from contractkit.checking.understanding.statements import BOTH_PARTIES  # see registry.py: kept light

    allowed = {None, BOTH_PARTIES, *parties.actor_parties}
    by_block: dict[int, list[tuple[AnalysedSentence, Verdict]]] = {}
    for analysed, verdict in partials:
        if verdict.check == "partial_element" and not analysed.deferred and (
                detect.actor is None or all(st.actor in allowed for st in analysed.statements)):
            by_block.setdefault(analysed.sentence.block, []).append((analysed, verdict))
    for found in by_block.values():
        texts = {a.sentence.text for a, _ in found}
        if len(texts) > 1 and all(any(a.says(group) for a, _ in found) for group in detect.all_of):
            return found
    return []


def _lacking(detect: Detection, said: list[tuple[AnalysedSentence, Verdict]], sentences: Sentences,
             parties: ContractParties) -> str:
    """The ``complete`` groups (in words) that no sentence meeting the requirement, or part of it, says,
    nor one in the same paragraph or the few after it (its sub-items: "（三）书面确认删除结果" after
    "（二）…删除本地副本"), nor, for a sentence meeting it, the one before (its sibling: "（一）…具备专业资质"
    before "（二）…每季度考核")."""
    near = {block for a, _ in said for block in (a.sentence.block, *sentences.following(a.sentence.block, NEAR_BLOCKS))}
    near |= {a.sentence.block - step for a, verdict in said if verdict.status == Status.SATISFIED
             for step in range(1, NEAR_BEFORE + 1)}
    missing = [
        group for group in detect.complete
        if not any(_settles(a, group) for a, _ in said)
        and not any(a.sentence.block in near and _settles(a, group) for a in sentences.holding_any(group))
    ]
    return "”“".join("或".join(parties.concept_labels.get(c, c) for c in group) for group in missing)


def _settles(analysed: AnalysedSentence, group: tuple[str, ...]) -> bool:
    """Does the sentence say the group, and not only to leave it to a later agreement (…；风险评估指标及
    监控指标由双方另行约定)?"""
    from contractkit.checking.rules.checks.elements import defers_the_requirement  # see registry.py

    return analysed.says(group) and not (analysed.deferred and defers_the_requirement(analysed, set(group)))


def _unkept(detect: Detection, said: list[tuple[AnalysedSentence, Verdict]], parties: ContractParties) -> str:
    """The ``holders`` whose responsibility no sentence meeting the requirement keeps (in words), where
    the contract has a party of each kind: 双方/任何一方 keeps everyone's."""
    from contractkit.checking.understanding.statements import BOTH_PARTIES, holders  # see registry.py

    if not parties.holder_parties or not all(parties.holder_parties):
        return ""
    kept: set[str] = set()
    for analysed, _ in said:
        spans = analysed.sentence.spans_of(set(detect.all_of[0]))
        kept |= holders(analysed.sentence.text, spans, analysed.mentions)
    if BOTH_PARTIES in kept:
        return ""
    held = parties.concept_labels.get(detect.all_of[0][0], detect.all_of[0][0])
    return "”“".join(
        f"{'、'.join(sorted(parties.name(p) for p in keys))}的{held}同样不转移"
        for keys in parties.holder_parties if not keys & kept
    )


def _judgement(status: Status, verdicts: list[tuple[AnalysedSentence, Verdict]]) -> Judgement:
    first = verdicts[0][1]
    evidence = tuple((analysed, verdict.spans) for analysed, verdict in verdicts[:MAX_EVIDENCE])
    return Judgement(status, evidence, first.reason, first.check)


def _deferral_verdict(pipeline: Pipeline, analysed: AnalysedSentence, parties: ContractParties) -> Verdict | None:
    """The partial a requirement's ``deferral`` check gives the sentence, if it has that check."""
    verdict = _first_verdict(pipeline, analysed, parties, only="deferral")
    return verdict if verdict is not None and verdict.status == Status.PARTIAL else None


def _first_verdict(pipeline: Pipeline, analysed: AnalysedSentence, parties: ContractParties, only: str | None = None
                   ) -> Verdict | None:
    """The first check's verdict on the sentence (``only``: of the check of that name alone)."""
    for check, required in zip(pipeline.sentence_checks, pipeline.requires, strict=True):
        # Without what it requires, the check would say nothing (None): it is not asked.
        if only is not None and check.name != only or required and not analysed.has_each(required):
            continue
        verdict = check.judge(analysed, parties)
        if verdict is not None:
            return verdict
    return None


def to_evidence(judgement: Judgement, blocks: Sequence[TextBlock]) -> tuple[Evidence, ...]:
    result = []
    for analysed, highlights in judgement.evidence:
        s = analysed.sentence
        block = blocks[s.block]
        result.append(
            Evidence(
                # The contract's own words (the sentence read may be rewritten: understanding/register.py).
                text=block.text[s.start:s.end] if analysed.quote is None else analysed.quote,
                location=block.location,
                start=s.start,
                end=s.end,
                # A table row's terms were found in the sentence it was read as, not in its cell.
                highlights=highlights if analysed.quote is None else (),
                context=block.text,
            )
        )
    return tuple(result)
