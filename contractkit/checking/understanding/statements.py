"""Who is said to have a right, a duty or a prohibition in a sentence.

Chinese contract sentences put the party before the modal word (甲方有权…,
乙方应…, 乙方不得…); a later clause of the same sentence without its own
party keeps the previous clause's subject (…，并接受甲方的监督).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from contractkit.checking.understanding.nlp import Match, Sentence
from contractkit.checking.understanding.references import item_number_end

# ；joins the clauses of a sentence; 。 those of a passage read together with the sentence before.
CLAUSE_BREAK = re.compile(r"[，,：:；;。]")
# Modal kinds that state something about an actor, strongest first when they overlap.
MODAL_KINDS = ("refusal", "prohibition", "permission_unlimited", "right", "duty", "undertaking", "reference")
_MODAL_RANK = {kind: rank for rank, kind in enumerate(MODAL_KINDS)}  # MODAL_KINDS.index, without the search
BOTH_PARTIES = "*"  # the key of 双方/各方: a statement by both binds each party
OUTSIDER = "第三方"  # the key of 第三方/分包商 (roles.yaml outsiders): binds no party of the contract


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
    conditional_consent: bool  # 经…同意 (with consent) in the same sentence
    without_consent: bool = False  # 未经…同意 (without consent) in the same sentence
    pointer: bool = False  # 详见附件三 / 以附件为准: binds like a duty with no party, and points to details


# 告知的具体时限 / 修复的完成时间: a particular of the act named before it (declining it declines how, not
# whether).
PARTICULARS = re.compile(r"的?(?:具体|确切|明确)?(?:完成)?(?:时限|时间|期限|时效|频次|频率)")

# A listed breach ("乙方拒绝接受甲方监督的；") or the list's header ("有下列情形之一的").
HYPOTHETICAL = re.compile(r"(?<!目)的[；;。，,：:]?\s*$|情形之一|下列情形|以下情形")


# 维护期限为____年 / 不超过＿＿小时 / 附件____ / （待补充）: a figure or document left blank in a form is
# not settled either (read by the rules' ``deferral`` check only: a blank special clause has its own reading,
# understanding/special_terms.py).
BLANK = re.compile(r"[_＿]{2,}\s*(?:年|个月|月|日|天|小时|分钟|工作日|%|％|次)"
                   r"|(?:为|不超过|不少于|不低于|不得低于|不得超过|见|在|至)\s*[_＿]{2,}|附件\s*[_＿]{2,}|[（(](?:待补充|待定|待确定|暂缺)[)）]")

# …以双方后续签署的工作说明书为准: what a later document will say.
DEFERRED = re.compile(
    r"另行(?:书面)?(协商|约定|商定|签订|确定|确认|制定)|由[^，。；由]{1,8}另行(?:书面)?通知(?!外)|协商确定|届时(?:[^，。；]{0,12}协商|确定)|以双方(另行)?确认的为准"
    # …由双方另行签署《分工确认单》予以明确 (not 另行签署数据处理协议，明确…: the agreement asked for).
    r"|另行签署[^，。；]{0,30}(?:予以)?(?:明确|确定|约定)"
    # …违约责任按《服务等级协议》及双方另行签署的补充协议执行: by an agreement not yet signed.
    r"|另行签署的[^，。；]{0,16}(?:执行|为准|办理)"
    # 任务书应当载明工作内容、承担方…: what a later document will have to say is not said here.
    r"|(?:任务书|工作说明书|工作任务单|项目合同|补充协议|订单)[^，。；]{0,4}应当?(?:载明|列明|写明)"
    # …再行确定 / 在项目启动后由双方共同确定 / 根据项目实际情况协商分工: not settled here.
    r"|再行(?:协商|约定|商定|确定)|由双方(?:共同)?(?:确定|商定)|(?:由|待)[^，。；]{1,16}(?:共同|协商)(?:确定|商定|分工|划分)"
    # …由采购人在项目实施方案中确定: settled later, in a document still to be written.
    r"|由[^，。；]{1,10}在[^，。；]{1,16}(?:方案|文件|计划|协议|清单)中(?:另行)?(?:确定|明确|约定)"
    r"|[以按][^，。；]{0,8}(后续|今后|将来|日后|届时)[^，。；]{0,8}(签署|签订|确定|约定|制定)的[^，。；]{0,12}为准"
    # …以用户届时提交的服务订单为准 / 以甲方另行发布的《变更管理规范》为准: settled by a later document.
    r"|[以按][^，。；]{0,12}(届时|另行)[^，。；]{0,20}为准"
    # 按照发包方与承包方另行制定的变更管理办法: a procedure both parties are yet to write (not 甲方另行
    # 制定的制度, one party's own rules, which bind as they stand).
    r"|(?:双方|与[^，。；]{1,10})(?:共同)?另行(?:书面)?制定"
)


# A clause that carves something out of the sentence (…的除外, 未经有关部门批准, 经…同意): what it
# names is the exception or the permission's source, not what the sentence provides for.
_CLAUSE = re.compile(r"[^，,；;：:（）()]+")
_EXCEPTION = re.compile(r"除外|^\s*(?:但|但是)?(?:未经|非经|除非|经)[^，,；;]*(?:同意|批准|许可|授权|审批|核准)")


def may_hold_exception(text: str) -> bool:
    """Cheaply: could ``exception_spans`` find anything (the words each _EXCEPTION branch holds)?"""
    return "除外" in text or "经" in text or "除非" in text


def exception_spans(text: str) -> list[tuple[int, int]]:
    """The clauses of ``text`` that state an exception or a permission's source."""
    return [m.span() for m in _CLAUSE.finditer(text) if _EXCEPTION.search(m.group())]


def scope(sentence_text: str, statement: Statement, mentions: list[Mention] | tuple[Mention, ...]) -> tuple[int, int]:
    """What a right or duty governs: from the start of its modal word's clause to the first later
    clause that has a party of its own as subject (…，乙方在评估后出具报告: 乙方's act, not the
    right's). A clause before it (经过三次考核，…时，甲方有权解除合同) is its condition."""
    starts = [0] + [m.end() for m in CLAUSE_BREAK.finditer(sentence_text)]
    start = max(s for s in starts if s <= statement.start)
    for clause_start in (s for s in starts if s > statement.end):
        # "…，乙方在评估后…" / "…，并由乙方…": a party opening the clause; not "…，接受甲方的监督" (its object).
        head = [m for m in mentions if clause_start <= m.start <= clause_start + 2
                and sentence_text[clause_start:m.start].strip() in _CLAUSE_OPENERS]
        if any(m.party != statement.actor and not is_object(sentence_text, m) for m in head):
            return start, clause_start
    return start, len(sentence_text)


# What may come before a clause's own subject: nothing, or a word joining the clause to the one before.
_CLAUSE_OPENERS = frozenset({"", "并", "且", "但", "而", "则", "另", "如", "若", "凡", "由", "并由", "但是", "否则"})

_DEMAND = re.compile(r"\s*(?:要求|责令|督促|通知)")


def acting_party(text: str, statement: Statement, mentions: list[Mention] | tuple[Mention, ...]) -> str | None:
    """Who acts: a right to make another party act (甲方有权要求乙方删除数据) is that party's act."""
    if statement.kind == "right":
        demand = _DEMAND.match(text, statement.end)
        if demand is not None:
            for m in mentions:
                if demand.end() <= m.start <= demand.end() + 1 and m.party != statement.actor:
                    return m.party
    return statement.actor


# "我们负责…", "2.2 您应负责…": a party opening its sentence by answering for something.
# (您管好自己的账号密码；我们管云平台本身的安全: 管 in plain words, not 管理/管辖/管控.)
_ANSWERS = re.compile(r"\s*(?:应当|应|须|将)?\s*(?:负责|承担|管好?(?![理辖控道线制]))")
# "我们将按服务说明为您实施…", "我们为您完成以下工作": the work a party does for the other.
# (not 客户委托本公司代为实施…: the one handing the work on does not do it)
_DOES_FOR = re.compile(r"\s*(?:应当|应|须|将)?(?!委托|交由|交给|授权|要求|请)[^，。；,;：:]{0,12}?(?:为|代)"
                       r"[^，。；,;：:]{0,6}?(?:实施|执行|完成)")
# "…账号口令管理仍由您自行负责。" / "…入侵告警研判由我们代为实施；": a fronted topic, and who answers for
# it at the clause's end.
_KEEPS = re.compile(r"(?:自行|自己|本方|代为|代)?(?:负责|承担|完成|实施|执行)\s*(?=[，。；,;]|$)")
# "…交由我们代为执行", "委托乙方代为实施…": the party the work is handed to, doing it for the other.
_HANDED_TO = ("交由", "交给", "委托")
# (委托乙方代为执行 / 委托乙方对其业务系统每月实施一次基线检查: the work, and what it is done on, named
# after the one handed it)
_ON_BEHALF = re.compile(r"\s*代为?(?:实施|执行|完成|处理|运维)|\s*对[^，。；,;：:]{0,30}?(?:实施|执行|完成|开展)")
# What may stand before a clause's own subject: its numbering (（一）, 2.1, 三、).
NUMBERING = " \t（）()一二三四五六七八九十0123456789.．、"


def may_answer(text: str) -> bool:
    """Cheaply: could a party answer for its part in this sentence (answering_party)?"""
    return any(word in text for word in ("负责", "承担", "实施", "完成", "执行", "管"))


def answering_party(text: str, mentions: Sequence[Mention]) -> str | None:
    """The first party that answers for its part in the sentence (``answers_for_its_part``), or None."""
    return next((m.party for m in mentions if answers_for_its_part(text, m)), None)


def answers_for_its_part(text: str, mention: Mention) -> bool:
    """Does the party named here answer for its part: opening the sentence, or a clause of it (after a
    condition: 如您开通…，我们将为您实施…), with 负责/承担 or with the work it does for the other; named
    as whom work is handed to, to do it for the other (交由我们代为执行); or named after 由 as who
    answers for a fronted topic (…仍由您自行负责)?"""
    before = text[:mention.start]
    if before.endswith(_HANDED_TO):
        return _ON_BEHALF.match(text, mention.end) is not None
    if before.endswith("由"):
        return _KEEPS.match(text, mention.end) is not None
    opens = not before.strip(NUMBERING) or before.rstrip().endswith(("，", ",", "；", ";"))
    return opens and (_ANSWERS.match(text, mention.end) is not None or _DOES_FOR.match(text, mention.end) is not None)


# 修复时限不在本合同中约定 / 本协议不约定服务等级 / 双方不就漏洞分级作出约定: the contract declines to
# settle the matter at all (not 不在本协议约定范围内, the edge of the work, nor 未约定的事项, a gap-filler).
NOT_AGREED = re.compile(
    r"不(?:在|于)本?(?:合同|协议)[中内]?(?:作出?|予以)?(?:约定|规定)(?![的范])"
    r"|(?:本合同|本协议|双方)(?:均|亦|也)?不(?:作|作出|予|另行)?(?:约定|规定)(?![的范])"
    r"|不就[^，。；,;]{0,30}(?:作出|作|进行)(?:约定|规定)"
    # 安全服务的具体目的、服务内容和服务标准均不作约定: every part named, none settled.
    r"|(?:均|都|一概|概)不(?:作|作出|予)(?:约定|规定)(?![的范])"
)
# …的分工，以官网公布的《说明》为准，该说明…不构成本协议的组成部分: the matter is settled in a text the
# contract disowns, so the whole sentence before these words is what it does not settle.
DISOWNED = re.compile(r"不(?:构成|属于|作为)本(?:协议|合同|订单|确认书|确认函)的?(?:组成部分|一部分|附件)")
POINTED_ELSEWHERE = re.compile(r"为准|详见|参见|见于|另见")


def is_deferred(text: str) -> bool:
    """The sentence leaves its content to a later agreement (具体…由双方另行协商确定); not a waiver of one
    (即视为已修复，无需甲方另行确认)."""
    return any(not _WAIVED.search(text, max(0, m.start() - 8), m.start()) for m in DEFERRED.finditer(text))


_WAIVED = re.compile(r"(?:无需|无须|不需|不必|毋需|不再)[^，。；,;]{0,6}$")


# "第二条　安全责任与实施工作划分", "附件：安全责任实施工作划分表", "三、服务内容": a title, no sentence.
HEADING = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零\d]+[条章节]|附件[一二三四五六七八九十\d]*[：:]?|[一二三四五六七八九十]+、)"
    r"\s*[^，。；,;：:]{0,24}\s*$"
    # "安全实施工作分工：＿＿＿＿（本栏未填写）" / "违约金标准：/": a form's field left blank names its topic only.
    r"|^[^，。；,;]{1,40}[：:]\s*(?:[_＿]{2,}|[/／]|[—－-]{1,4}|无)\s*(?:[（(][^）)]{0,12}[）)])?\s*[。；;]?\s*$"
)


def excerpt(text: str, limit: int) -> str:
    """How an explanation quotes a sentence: whole when short, else cut to ``limit`` characters with …"""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_heading(text: str) -> bool:
    return bool(HEADING.match(text))


# "（三）密码应用安全性评估，指由…进行的评估", "“安全事件”是指…": a definitions list's entry (numbered or
# quoted) says what a word means and binds nobody; it still is what "前款所述事件" points back to.
# ("（一）一级故障指核心业务中断，承包人应…" sets a duty too, and so does a service defined as what a party
# provides: "“维护服务”是指…供方为需方提供的技术支持…服务".)
DEFINITION = re.compile(
    r"^\s*(?:(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}(?:\.\d{1,2})*\.?)\s*[“\"「]?|[“\"「])"
    r"[^，。；,;：:“”「」\"]{2,20}[”\"」]?\s*[，,：:]?\s*(?:是指|系指|指)(?![定派示导引令挥南标明出])"
    r"(?![^。；;]*?(?:应(?![用急答对])|须|负责|不得|有权|(?:为|向)[^。；;，,]{1,16}?提供的))"
)


def is_definition(text: str) -> bool:
    return bool(DEFINITION.match(text))


def is_hypothetical(text: str) -> bool:
    """A listed breach (乙方拒绝…的；), not an undertaking in its own right."""
    return bool(HYPOTHETICAL.search(text))


class WordFinder:
    """Where literal words occur, leftmost and then longest first, without overlaps: what a regular
    expression alternating the words longest first finds, in one Aho-Corasick pass (a contract's
    thousand sentences against its parties' names, labels and the words that only look like them)."""

    def __init__(self, words: Iterable[str]):
        import ahocorasick

        self._automaton = ahocorasick.Automaton()
        for word in set(words):
            if word:
                self._automaton.add_word(word, len(word))
        self._empty = not len(self._automaton)
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[tuple[str, int, int]]:
        if self._empty or not text:
            return []
        hits = sorted((end - length + 1, -length) for end, length in self._automaton.iter(text))
        found, position = [], 0
        for start, negative in hits:
            if start >= position:
                position = start - negative
                found.append((text[start:position], start, position))
        return found


def find_mentions(text: str, aliases: dict[str, str], finder: WordFinder | None) -> list[Mention]:
    """Party mentions in ``text``; ``aliases`` maps every label and name to a party key (words the
    finder knows that are no alias, such as 第三方 for 三方, only keep their characters from a match)."""
    if finder is None:
        return []
    return [Mention(aliases[word], start, end) for word, start, end in finder.find(text) if word in aliases]


def clause_starts(text: str) -> list[int]:
    """Where each clause of ``text`` starts (0, then after each clause break), in order."""
    return [0] + [m.end() for m in CLAUSE_BREAK.finditer(text)]


def clause_start_at(starts: list[int], position: int) -> int:
    """The start of the clause holding ``position``, from ``clause_starts``: the same as
    ``max([0] + [b.end() for b in CLAUSE_BREAK.finditer(text, 0, position)])``, by bisection."""
    return starts[bisect_right(starts, position) - 1]


def statements(sentence: Sentence, mentions: list[Mention]) -> list[Statement]:
    conditions = [sentence.text[m.start : m.end] for m in sentence.modals if m.label == "consent_condition"]
    consent = any(not c.startswith(("未", "无")) for c in conditions)
    absent = any(c.startswith(("未", "无")) for c in conditions)
    starts = clause_starts(sentence.text)  # cut once: every modal word asks for its clause
    # (乙方仅在取得甲方书面许可后方可…: the party whose consent is the condition is not who acts.)
    consenting = [(m.start, m.end) for m in sentence.modals if m.label == "consent_condition"]
    if consenting:
        mentions = [m for m in mentions if not any(start <= m.start and m.end <= end for start, end in consenting)]
    modals = _strongest(sentence, starts)
    exceptions = [m for m in sentence.modals if m.label == "exception"]
    void = void_quotes(sentence.text)  # (read in context, the sentence may reach here as it stands)
    if void:
        modals = list(outside(modals, void))
    result: list[Statement] = []
    subject: str | None = None
    may_name_organisation = _ORGANISATION_WORD.search(sentence.text) is not None  # asked of few sentences
    # Present-tense undertakings speak only where no modal word does: in "乙方在提供服务过程中…，
    # 不得…" the 提供 names a circumstance, the 不得 is the undertaking.
    # (…，且审计范围不包括…: the edge of the work drawn later speaks over no undertaking.)
    explicit = [m for m in modals if m.label not in ("undertaking", "reference")
                and not (m.label == "refusal" and sentence.text[m.start:m.end] in EDGE_WORDS)]
    for modal in modals:
        since = result[-1].end if result else 0  # where the last statement made ends
        clause_start = clause_start_at(starts, modal.start)
        clause_end = CLAUSE_BREAK.search(sentence.text, modal.end)
        if (
            clause_end
            and clause_end.group() in "，,"
            and sentence.text[clause_end.start() - 2 : clause_end.start()] not in ("目的",)
            and sentence.text[clause_end.start() - 1] == "的"
        ):
            continue  # "乙方…需要取得权限的，…": the clause states a condition, not a duty
        # (…的工作不委托乙方实施: the party not entrusted is not the one who acts.)
        before = _subjects(sentence.text, [m for m in mentions if clause_start <= m.start and m.end <= modal.start
                                           and not _NOT_ENTRUSTED.search(sentence.text, max(0, m.start - 4), m.start)])
        # 严禁乙方… names its subject after the modal word; 不得向第三方… names an object there.
        # (…安全销毁用户数据: a party before a thing of its own owns the object, it does not act.)
        after = [m for m in mentions if modal.end <= m.start <= modal.end + 1 and not is_object(sentence.text, m)
                 and not _OWNED_THING.match(sentence.text, m.end)]
        # …您的数据将被我们彻底删除: the agent after 被 acts, not the owner the clause opens with.
        if (agent := _passive_agent(sentence.text, mentions, clause_start, modal)) is not None:
            before = [agent]
        if modal.label == "reference":
            # "不得按照附件二规定的…提供服务": a reference inside a prohibition describes what is barred.
            if not any(
                m.label == "prohibition" and clause_start <= m.start < modal.start for m in modals
            ):
                result.append(Statement(None, "duty", modal.start, modal.end, consent, absent, pointer=True))
            continue
        if modal.label == "undertaking":
            # 乙方提供… / 甲方保留…: a duty only with its party in the same clause, and only where no
            # modal word earlier in the sentence already governs it (乙方不得…提供… is no duty).
            # (服务等级说明、安全事件通报规则: a word in a list of papers is a noun; 除经…明确列为…的以外: what
            # an exception names is no undertaking.)
            if _in_a_list_of_names(sentence.text, modal, mentions) or any(
                    e.start <= modal.start and modal.end <= e.end for e in exceptions):
                continue
            # 乙方同意甲方或其指定的机构对…开展审计: the act another party is let do is no undertaking of it.
            consented = _LETS.search(sentence.text, clause_start, modal.start)
            if consented and before and before[-1].start >= consented.end():
                continue
            conditional = re.search(r"[未如若凡]", sentence.text[clause_start : modal.start])
            if _PURPOSE.match(sentence.text, clause_start):
                continue  # 为保障甲方云平台持续满足…要求，…: what the work is for, no undertaking
            # (…，恒远科技有限公司保留的工作…: an organisation that is no party opens the clause.)
            if not before and clause_start > 0 and not (
                    may_name_organisation
                    and _organisation_opens(sentence.text, mentions, (clause_start,), modal.start)):
                # "我们发现安全威胁时，将及时通知您": the subject opening the sentence goes on, and so does
                # one opening the clause before (乙方依托其安全产品，向甲方提供…); not an owner opening it
                # (您的账户欠费…的，我们将释放…，并删除…: 您 owns the account).
                # (一旦供应商获悉…，将…通知客户: the party of the opening condition goes on too.)
                own_text = item_number_end(sentence.text)
                before = [m for m in mentions if (not sentence.text[:m.start].strip(NUMBERING)
                                                  or _CONDITION_OPENER.fullmatch(sentence.text, own_text, m.start))
                          and not is_object(sentence.text, m) and sentence.text[m.end:m.end + 1] != "的"
                          ] or _opening_previous_clause(
                    sentence.text, starts, clause_start, mentions)
                # 委托方将以下安全工作交由受托方实施：渗透测试每半年开展一次: the work listed is the receiver's.
                before = _handed_to(sentence.text, mentions, before, clause_start) or before
                # (质保期内供方未按时限修复故障的，每逾期一日…支付违约金: the one who failed pays.)
                before = before or _who_failed(sentence.text, starts, clause_start, mentions, modal)
            # 我们将…赔付 is a commitment of its own, whatever other modal words the sentence holds (but in
            # 乙方可以将数据用于… 将 is 把).
            # (我们将尽合理努力保障…: 将 after the subject commits it to the act later in its clause.)
            future = bool(before) and sentence.text[before[-1].end:before[-1].end + 1] == "将" and (
                before[-1].end == modal.start or sentence.text[modal.start:modal.end] != "将")
            if before and (future or not _spoken_over(sentence.text, starts, mentions, explicit, modal,
                                                      before[-1].party)) and not conditional:
                # 恒远运维与星桥约定：… / 甲方和乙方按上表…: the parties joined to the subject share it.
                for party in dict.fromkeys([before[-1].party, *_coordinated(sentence.text, mentions, before[-1],
                                                                              clause_start)]):
                    result.append(Statement(party, "duty", modal.start, modal.end, consent, absent))
            continue
        co_subjects: list[str] = []
        if modal.label == "prohibition" and not before and after:
            subject = after[0].party  # 严禁乙方… / 禁止乙方…
        elif sentence.text[modal.start:modal.end] == "由" and after:
            # 安装服务由卖方完成: the agent after 由 (由甲方另行委托的监理单位…: the outsider it qualifies).
            agent = after[0]
            if _another_acts_first(sentence.text, mentions, agent, modal.end):
                continue  # 资质由乙方自行把握，甲方不对其进行考核: the act named later is another party's
            subject = OUTSIDER if _possessor(sentence.text, agent, mentions, _QUALIFYING) else agent.party
        elif before and may_name_organisation and _ENGAGED_ORGANISATION.fullmatch(
                sentence.text, before[-1].end, modal.start):
            subject = OUTSIDER  # …由云岫另行委托的上海净源信息销毁服务有限公司负责实施: the firm it engaged acts
        elif before and (firm := _ITS_FIRM.match(sentence.text, before[-1].end)) and firm.end() <= modal.start:
            subject = OUTSIDER  # 乙方的芯片供应商发现…的，应通知乙方: a firm of the party's acts, not the party
        elif before:
            subject = before[-1].party
            co_subjects = _coordinated(sentence.text, mentions, before[-1], clause_start)
            # 甲方或其委托的第三方审计机构有权…: the party or its agent acts; the right is the party's.
            # (甲方或甲方指定的测评机构有权…: the party named again before its agent holds the right too.)
            principal = next((m for m in before if m.party != OUTSIDER
                              and (_OR_ITS_AGENT.fullmatch(sentence.text, m.end, before[-1].start)
                                   or modal.label == "right" and _ITS_AGENT.fullmatch(sentence.text, m.end,
                                                                                      before[-1].start))),
                             None) if subject == OUTSIDER else None
            if principal is not None:
                subject, co_subjects = principal.party, []
        elif sentence.text[clause_start:modal.start].strip() in _GOING_ON and (
                going_on := _opening_previous_clause(sentence.text, starts, clause_start, mentions)):
            # …，需方每半年进行考核评估，并有权抽查…: 并 goes on with the party opening the clause before.
            subject = going_on[0].party
        elif sentence.text[modal.start:modal.end] == "由" and may_name_organisation and _organisation_opens(
                sentence.text, mentions, (modal.end,), len(sentence.text)):
            subject = OUTSIDER  # 由华信科技有限公司于30分钟内报告甲方: the agent is no party
        elif EACH_PARTY.search(sentence.text, clause_start, modal.start):
            subject = BOTH_PARTIES  # 任何一方均应… / 各方应…: binds every party
        elif subject is None and may_name_organisation and (
            _organisation_opens(sentence.text, mentions, (clause_start, 0), modal.start)
            or ORGANISATION_AGENT.search(sentence.text, clause_start, modal.start)
            or modal.label == "prohibition"
            and _organisation_opens(sentence.text, mentions, (modal.end,), len(sentence.text))
        ):
            # 设备厂家应… / 华信科技有限公司调整配置前，须经甲方审批 / 由华信公司负责 / 严禁华信公司…:
            # an organisation that is no party here opens the clause or the sentence, or is the agent.
            subject = OUTSIDER
        elif subject is not None and (opener := _new_opener(sentence.text, starts, mentions, since, modal.start)):
            # 甲方对变更享有审批权：乙方对策略的任何修改，均须…: a party opening a clause after the last
            # statement is the subject now, not the one before.
            subject = opener.party
        elif subject is None:
            # 乙方的分包单位…，应当… / 乙方所选用的中间件厂商发现…的，应…: the possessor or qualifier (乙方的,
            # 乙方所选用的) is not the subject; the outsider it qualifies is.
            # (未经乙方同意，不得…: a party after 经/对/向 is not the subject either.)
            # (乙方的芯片供应商发现…的，应通知乙方: the party's own supplier, no outsider by name, acts.)
            firms = [m for m in mentions if m.end <= modal.start
                     and (firm := _ITS_FIRM.match(sentence.text, m.end)) and firm.end() <= modal.start]
            earlier = [m for m in mentions if m.end <= modal.start and m not in firms
                       and not _possessor(sentence.text, m, mentions, _QUALIFYING) and not is_object(sentence.text, m)]
            # 导致海岳业务系统遭受入侵的，青穹按…支付违约金，…还应补足差额: a party opening a clause is a
            # subject; one inside a clause (导致海岳…) is not, when a clause-opening party comes after it.
            opening = [m for m in earlier
                       if not sentence.text[clause_start_at(starts, m.start):m.start].strip(NUMBERING)]
            chosen = (opening[-1] if opening and opening[-1].start > earlier[0].start
                      else earlier[0]) if earlier else None
            subject = chosen.party if chosen else OUTSIDER if firms else None
            if chosen is not None:
                # 买方或卖方任何一方发现…的，均应…通知对方: the parties joined to it share its statement.
                co_subjects = _either_party(sentence.text, mentions, chosen)
        # A double negative is a duty: 不得迟延告知 (notify without delay), 不得拒绝 (must accept).
        double_negative = modal.label == "prohibition" and DOUBLE_NEGATIVE.match(sentence.text, modal.end) or (
            # 我们不会以保密约定为由拒绝配合: a refusal promised away.
            modal.label == "refusal" and _REFUSAL_PROMISED_AWAY.search(sentence.text, clause_start, modal.start))
        kind = "duty" if double_negative else modal.label
        for actor in dict.fromkeys([subject, *co_subjects]):
            result.append(Statement(actor, kind, modal.start, modal.end, consent, absent))
    return result


def _new_opener(text: str, starts: list[int], mentions: list[Mention], since: int, end: int) -> Mention | None:
    """The last party opening a clause (not an object, owner or qualifier) between ``since`` and ``end``."""
    return next((m for m in reversed(mentions) if since <= m.start and m.end <= end
                 and not text[clause_start_at(starts, m.start):m.start].strip(NUMBERING)
                 and not is_object(text, m) and not _possessor(text, m, mentions, _QUALIFYING)), None)


def _in_a_list_of_names(text: str, modal: Match, mentions: list[Mention]) -> bool:
    """供应商网站公布的服务协议、服务等级说明、安全事件通报规则: a word of acting inside a list of names (a 、
    after it, words before it within its item, no party there, and a 的 phrase before it in its clause) is
    part of a noun, not an act (乙方提供、安装… is one)."""
    if text[modal.end:modal.end + 1] != "、":
        return False
    item_start = max(text.rfind(mark, 0, modal.start) for mark in "、，,；;：:") + 1
    clause_start = max(text.rfind(mark, 0, modal.start) for mark in "，,；;：:") + 1
    # (乙方网站公布的服务说明、: a party before it owns what the 的 phrase names, and acts in none of it;
    # 安全策略制定、权限审批…，自行完成: with no 的 phrase the list may be of acts)
    last = max((m.end for m in mentions if clause_start <= m.start and m.end <= modal.start), default=clause_start)
    return modal.start - item_start >= 2 and "的" in text[last:modal.start] and not any(
        item_start <= m.start < modal.start for m in mentions)


# What may open a clause that goes on with the subject of the clause before (…，并有权…).
_GOING_ON = frozenset({"并", "且", "并且", "同时", "亦", "也", "还"})
# 将以下安全工作交由受托方实施： / 将下列工作委托乙方负责：: a hand-over announcing the receiver's list.
_HANDING_OVER = re.compile(r"将[^，。；：:]{0,20}?(?:交由|交给|委托)$")
_HANDED_LIST = re.compile(r"(?:实施|负责|完成|执行|承担)[：:]")


def _handed_to(text: str, mentions: list[Mention], before: list[Mention], clause_start: int) -> list[Mention]:
    """The party the opener hands the listed work to, when the sentence opens with such a hand-over
    (委托方将以下安全工作交由受托方实施：…), else []."""
    if not before:
        return []
    opener = before[-1]
    return [m for m in mentions if opener.end < m.start < clause_start and m.party != opener.party
            and _HANDING_OVER.search(text, opener.end, m.start) and _HANDED_LIST.match(text, m.end)][:1]


_NOT_ENTRUSTED = re.compile(r"不(?:委托|交由|交给|外包给|转交)$")
# The word opening a condition (一旦, 如, 若, 如果, 当), after the item number, before a sentence's first party.
_CONDITION_OPENER = re.compile(r"\s*(?:一旦|如果|如|若|倘若|当)")
# 为保障…，/ 为了满足…: a clause that says what the work is for.
_PURPOSE = re.compile(r"\s*为了?(?:保障|确保|满足|实现|保证|降低|提升|防范|落实)")


def _opening_previous_clause(text: str, starts: list[int], clause_start: int, mentions: list[Mention]
                             ) -> list[Mention]:
    """The party opening the clause just before, when that clause is neither a condition (…的，/如…)
    nor a purpose (为保障…): 乙方依托其部署的探针，向甲方提供… goes on with 乙方."""
    previous = max((s for s in starts if s < clause_start), default=None)
    if previous is None:
        return []
    clause = text[previous:clause_start]
    if _PURPOSE.match(clause) or re.match(r"\s*[如若凡因当]", clause) or clause.rstrip("，,；; ").endswith("的"):
        return []
    return [m for m in mentions if previous <= m.start < clause_start
            and not text[previous:m.start].strip(NUMBERING) and not is_object(text, m)][:1]


def _who_failed(text: str, starts: list[int], clause_start: int, mentions: list[Mention], modal: Match
                ) -> list[Mention]:
    """The party whose failure the clause before names (…供方未按约定时限修复故障的，), when this clause
    states a sanction with no party of its own (每逾期一日…支付违约金): the one who failed bears it."""
    if not _SANCTION.match(text, modal.start):
        return []
    previous = max((s for s in starts if s < clause_start), default=None)
    if previous is None or not text[previous:clause_start].rstrip("，, ").endswith("的"):
        return []
    failure = _FAILURE.search(text, previous, clause_start)
    if failure is None:
        return []
    return [m for m in mentions if previous <= m.start and m.end <= failure.start()
            and not is_object(text, m)][-1:]


# 支付违约金 / 赔偿损失: a sanction; 未按… / 逾期… / 违反…: a failure to perform.
_SANCTION = re.compile(r"支付|赔偿")
_FAILURE = re.compile(r"未(?:按|能|在|及时|依|经)|逾期|违反|拒绝|迟延|延迟")


_ACT_AFTER_AGENT = re.compile(r"完成|实施|执行|进行")


def _another_acts_first(text: str, mentions: list[Mention], agent: Mention, start: int) -> bool:
    """Between 由's agent and the act it is read with, does a later clause open with another party
    (由乙方自行把握，甲方不对其进行考核)?"""
    act = _ACT_AFTER_AGENT.search(text, agent.end, start + 41)
    if act is None:
        return False
    return any(agent.end < m.start < act.start() and m.party != agent.party
               and text[m.start - 1:m.start] in ("，", ",", "；", ";") for m in mentions)


# Refusal words that draw the edge of the work rather than decline it (服务内容不包括数据库运维).
EDGE_WORDS = ("不包括", "不包含", "不属于")


def _spoken_over(text: str, starts: list[int], mentions: list[Mention], explicit: list[Match], undertaking: Match,
                 party: str) -> bool:
    """Does a modal word speak over this present-tense undertaking: one earlier in the sentence, in its
    clause, or in a later clause its party goes on in? (乙方在提供服务过程中…，不得…: 提供 is a circumstance.
    甲方设立安全管理机构…，乙方予以配合: another party's duty, in a clause of its own, leaves 甲方's act stand;
    so does …由原厂提供，乙方仅负责协调，不承担…: the clause without a subject goes on with 乙方.)"""
    own_clause = clause_start_at(starts, undertaking.start)
    for modal in explicit:
        clause = clause_start_at(starts, modal.start)
        if modal.start < undertaking.start or clause <= own_clause:
            return True
        # The later clause's subject: its own, or else the last one named since the undertaking.
        subjects = [m for m in mentions if undertaking.end <= m.start and m.end <= modal.start
                    and not is_object(text, m)]
        own = [m for m in subjects if clause <= m.start]
        if not any(m.party != party for m in own or subjects[-1:]):
            return True
    return False


# After 不得/禁止: barring the delay, refusal or concealment of an act requires the act.
_REFUSAL_PROMISED_AWAY = re.compile(r"不(?:会|得|能|可|应)(?:以[^，。；,;]{1,24}为由|无故|无正当理由|以任何理由)?\s*$")
DOUBLE_NEGATIVE = re.compile(
    r"\s*(?:以任何理由|无故|无正当理由|以[^，。；,;]{1,24}为由)?(?:迟延|延迟|拖延|推迟|拒绝|拒不|隐瞒|瞒报|推诿|怠于|逾期)"
)


# A clause opened by an organisation that is none of the parties (their names are mentions, found
# before this is asked): 设备厂家应…, 华信科技有限公司须…; not 本公司/该公司, which point at a party,
# nor 公司的… (what it owns is the subject). Role words (服务商, 供应商) may be a party's unlinked alias.
_ORGANISATION_SUFFIX = "公司|厂家|厂商|原厂|集团|制造商"
_ORGANISATION = rf"[\u4e00-\u9fa5A-Za-z（）()]{{0,16}}?(?:{_ORGANISATION_SUFFIX})(?![的之])"
ORGANISATION_SUBJECT = re.compile(
    rf"\s*(?:[（(]?[一二三四五六七八九十\d.]+[)）.、]?\s*)?(?![本我贵该其双各对向为由经]){_ORGANISATION}"
)
_ORGANISATION_WORD = re.compile(_ORGANISATION_SUFFIX)
# 甲方另行委托的上海净源信息销毁服务有限公司负责…: a firm a party engages, named after it, is who acts.
_ENGAGED_ORGANISATION = re.compile(rf"(?:另行|单独|另外)?(?:委托|聘请|指定|选定|选聘|聘用)的{_ORGANISATION}\s*")
# …由华信科技有限公司负责: the organisation after a bare 由 is the agent.
# (由江渚数据港有限公司依其托管协议负责配合: what stands between says how, not who.)
ORGANISATION_AGENT = re.compile(rf"由(?![本我贵该其]){_ORGANISATION}(?:[依按根][^，。；由]{{1,24}})?\s*$")


def _organisation_opens(text: str, mentions: list[Mention], starts: tuple[int, ...], end: int) -> bool:
    """Does an organisation that is no party open the text at one of ``starts`` (no party's mention
    inside it: 乙方委托设备生产厂家… opens with 乙方)?"""
    for start in starts:
        match = ORGANISATION_SUBJECT.match(text, start, end)
        if match and not any(start <= m.start < match.end() for m in mentions):
            return True
    return False


# Words naming every party, or any one of them, as the subject: a statement by them binds each party.
# (发现方应在一小时内通知其他两方: whichever party finds it.)
EACH_PARTY = re.compile(r"任何一方|每一方|各方|双方|任一方|发现方")
_PHRASE_OPENERS = frozenset("对向为就在于自从")  # …乙方自原厂公告之日起…: 原厂 is inside the time phrase
COORDINATOR = re.compile(r"^(?:与|和|及|以及|、|或)$")


def _possessor(text: str, mention: Mention, mentions: list[Mention], reach: re.Pattern | None = None) -> bool:
    """乙方的劳务分包单位: the mention owns the outsider named right after 的 (乙方的人员 is 乙方's);
    with ``reach`` _QUALIFYING, also 甲方另行委托的监理单位 (the mention qualifies the outsider)."""
    if reach is None and text[mention.end:mention.end + 1] != "的":
        return False  # (asked of every earlier mention: the common answer first, without a search)
    between = reach or _OWNING
    return any(
        m.party == OUTSIDER and mention.end < m.start <= mention.end + 12
        and between.fullmatch(text, mention.end, m.start) is not None
        for m in mentions
    )


_OWNING = re.compile(r"的[^，。；,;的]{0,3}")
# 乙方的芯片供应商 / 甲方的关联公司: a firm of the party's own, named by what it is to it (乙方的人员 is 乙方's).
_ITS_FIRM = re.compile(r"的[^，。；,;的]{0,6}?(?:供应商|供货商|厂商|原厂|分包商|分包单位|承包商|服务商|代理商|经销商|"
                       r"子公司|关联公司|关联方|合作方|合作伙伴)")
# 甲方或其委托的第三方 / 采购人或其指定的测评机构: an agent the party chooses, acting for it.
_OR_ITS_AGENT = re.compile(r"(?:或|或者|及|以及)其?(?:委托|指定|聘请|聘用|授权)的?")
_ITS_AGENT = re.compile(r"(?:委托|指定|聘请|聘用|授权)的?(?:第三方|外部|独立)?")
_OWNED_THING = re.compile(
    r"(?:数据|信息|系统|业务|资产|网络|设备|账号|账户|资料|文件|机房|平台|云平台|环境|主机|服务器|数据库)"
)
_QUALIFYING = re.compile(r"[^，。；,;的]{0,8}的[^，。；,;的]{0,6}")


def _subjects(text: str, clause_mentions: list[Mention]) -> list[Mention]:
    """The mentions that can be the clause's subject: not objects (对乙方, 为甲方), except a party
    joined by 与/和/及 to a subject right before it (甲方与乙方应…)."""
    kept: list[Mention] = []
    for m in clause_mentions:
        # 乙方对…甲方数据负有保密义务 / 乙方在甲方机房…应: a party inside the phrase the subject opens.
        if kept and text[kept[-1].end : kept[-1].end + 1] in _PHRASE_OPENERS:
            continue
        # 乙方应在甲方统一安排下予以配合: a party after 在, once the clause has its subject, frames the act.
        if kept and text[m.start - 1 : m.start] == "在":
            continue
        # 乙方有权继续保存甲方数据且无需返还: a party before a thing of its own (甲方数据, 甲方系统), once
        # the clause has its subject, owns the object.
        if kept and m.party != OUTSIDER and _OWNED_THING.match(text, m.end):
            continue
        joined = bool(kept) and COORDINATOR.match(text[kept[-1].end : m.start]) is not None
        if joined or not is_object(text, m):
            kept.append(m)
    return kept


def _coordinated(text: str, mentions: list[Mention], last: Mention, clause_start: int) -> list[str]:
    """甲方与乙方应…: the parties joined to the subject by 与/和/及/、 share its statement."""
    joined, current = [], last
    earlier = [m for m in mentions if clause_start <= m.start and m.end <= current.start]
    for m in sorted(earlier, key=lambda m: -m.start):
        if not COORDINATOR.match(text[m.end : current.start]) or is_object(text, m):
            break
        joined.append(m.party)
        current = m
    return joined


def _either_party(text: str, mentions: list[Mention], first: Mention) -> list[str]:
    """买方或卖方任何一方…: the parties joined after the subject by 与/和/及/、/或 and then named as any one of
    them (甲方与乙方确认，… or 甲方与乙方均未…的 is no such subject: nothing joined)."""
    joined, current = [], first
    for m in sorted((m for m in mentions if m.start >= first.end), key=lambda m: m.start):
        if not COORDINATOR.match(text[current.end:m.start]):
            break
        joined.append(m.party)
        current = m
    return joined if _ANY_ONE.match(text, current.end) else []


_ANY_ONE = re.compile(r"(?:中的?|之中)?(?:任何一方|任一方|一方)")


# A party right after these is an object or beneficiary (为甲方提供, 经甲方同意, 将甲方数据返还, 供甲方使用,
# 代甲方实施), not the actor.
OBJECT_MARKERS = frozenset("为向对给与同和及跟经被让使令请替代将把以供")
# …nor after 按/依 (按甲方《操作规程》办理, 依甲方指示): whose rules or request the act follows, who
# may well be the one checking it (甲方应按乙方要求报告进展 implies 乙方's check).
_FOLLOWED = frozenset("按依")


# …and these verbs take a party as their object (定期检查甲方执行…的情况, 及时通知甲方, 配合乙方).
OBJECT_VERBS = frozenset(
    {"检查", "监督", "督促", "要求", "考核", "审计", "评估", "通知", "告知", "协助", "配合", "支持", "接受",
     "删除", "销毁", "清除", "擦除", "返还",  # (甲方删除乙方全部数据: whose data, not who deletes)
     "接到", "收到", "接获",  # (接到发包方故障通知后，承包方应…: whose notice it is, not who acts)
     "按照", "根据", "依照", "依据", "遵照"}  # (甲方应按照乙方的要求予以配合: whose request it is)
)


_LETS = re.compile(r"同意|允许|准许|接受")
# 将被我们删除 / 应当被乙方及时修复 / 应由受托方统一收回: a passive, or the agent, right after the modal word.
_PASSIVE = re.compile(r"\s*(?:均|都|亦|也|一并|全部|即|仍)?[被由]")


_CLOSE_TO_THE_VERB = re.compile(r"[^，。；,;：:]{0,8}")


def _passive_agent(text: str, mentions: Sequence[Mention], clause_start: int, modal: Match) -> Mention | None:
    """The party named after 被 (…将被我们彻底删除 / 应被乙方删除), close before the verb or right after the
    modal word: the one acting, whoever the clause opens with."""
    if "被" not in text and "由" not in text:
        return None
    passive = _PASSIVE.match(text, modal.end)
    if passive is not None:
        return next((m for m in mentions if m.start == passive.end()), None)
    if "被" not in text:
        return None
    return next((m for m in reversed(mentions) if clause_start < m.start and m.end <= modal.start
                 and text[m.start - 1] == "被" and _CLOSE_TO_THE_VERB.fullmatch(text, m.end, modal.start)), None)


def is_object(text: str, mention: Mention) -> bool:
    return (marked_as_object(text, mention) or text[max(0, mention.start - 2):mention.start] in OBJECT_VERBS
            or mention.start > 0 and text[mention.start - 1] in _FOLLOWED
            # 应用户要求协助迁移: at the party's request (应 is no modal word here), the party asks, others act.
            or text[mention.start - 1:mention.start] == "应" and _AT_REQUEST.match(text, mention.end) is not None)


_AT_REQUEST = re.compile(r"的?(?:书面)?(?:要求|请求|申请)")


def marked_as_object(text: str, mention: Mention) -> bool:
    """After a preposition-like marker (对甲方, 为甲方, 经甲方): not after a verb (配合甲方对…的检查, where
    甲方 is the one checking)."""
    return mention.start > 0 and text[mention.start - 1] in OBJECT_MARKERS


# Where a holder's clause begins: a new clause of the sentence, or the other side's (…；同样，我们对…).
_HOLDER_CLAUSE = re.compile(r"[；;。]|同理|同样")
# …转由甲方承担 / 不因采购人自行部署… / 以甲方已配置…为由 / 向甲方: the party the thing goes to or comes
# from (but 将您…所应承担的责任 and 不视为您…所负安全责任的转移 name the holder).
_NOT_HOLDING = re.compile(r"(?:(?<![视作认成行])为|[由因至给以向对经被与和及])$")
_PREFACE = re.compile(r"\s*(?:均|一致)?(?:确认|同意|约定|理解|知悉|协商|承诺)")


def holders(text: str, spans: Iterable[tuple[int, int]], mentions: Sequence[Mention]) -> set[str]:
    """Whose responsibility each span names: the party named last before it in its clause (供应商…对
    机房的安全负责; 甲方…委托乙方实施，甲方…所负的安全管理责任), never one it goes to or comes from, nor
    both parties prefacing what follows (双方确认：…). 双方/任何一方 holding it is ``BOTH_PARTIES``."""
    found = set()
    every = sorted([*mentions, *(Mention(BOTH_PARTIES, m.start(), m.end()) for m in EACH_PARTY.finditer(text))],
                   key=lambda m: m.start)
    for start, end in spans:
        clause_start = max((m.end() for m in _HOLDER_CLAUSE.finditer(text, 0, start)), default=0)
        named = [
            m for m in every if clause_start <= m.start and m.end <= start
            and not _NOT_HOLDING.search(text, max(0, m.start - 2), m.start)
            and not (m.party == BOTH_PARTIES and _PREFACE.match(text, m.end))
        ]
        # 云平台基础设施自身的安全始终由我们负责: no party before it; the one it names after 由 holds it.
        named = named or [m for m in every if start <= m.start and m.end <= end and text[m.start - 1:m.start] == "由"]
        if named:
            found.add(named[-1].party)
    return found


def carried(statements: Sequence[Statement], subject: str | None) -> tuple[Statement, ...]:
    """A clause after a ；names no subject of its own and goes on with the one before: in
    "甲方不得在设备中设置恶意程序；发现漏洞的，应当立即告知乙方" the second clause is 甲方's."""
    if subject is None:
        return tuple(statements)
    return tuple(replace(s, actor=subject) if s.actor is None else s for s in statements)


def hands_on(text: str) -> bool:
    """Does the sentence end in ；, handing its subject on to the clause after it?"""
    return text.rstrip().endswith(("；", ";"))


def carried_duty(said: Sequence[Statement], text: str, mentions: Sequence[Mention]) -> tuple[Statement, ...]:
    """A clause after a ；with no modal word and no party of its own goes on with the duty before it:
    in "乙方应在15分钟内响应；一般故障2小时内到达现场处理" the second clause is 乙方's duty too, and so
    is "所有操作按甲方《操作规程》办理" (whose rules, not who acts)."""
    duty = next((s for s in reversed(said) if s.actor is not None), None)
    if any(not is_object(text, m) for m in mentions) or duty is None or duty.kind != "duty":
        return ()
    return (Statement(duty.actor, "duty", 0, 0, False),)


def chain_subject(said: Sequence[Statement]) -> str | None:
    """The subject a sentence ending in ；hands on: its last statement's party."""
    return next((s.actor for s in reversed(said) if s.actor is not None), None)


# 删除原合同第十一条关于“甲方不得将运维服务分包”的约定 / 原合同第2.1条“…”修改为：“…”: a clause quoted
# to be struck out, or as it stood before an amendment, states nothing in force.
_STRUCK_OUT = re.compile(r"(?:删除|删去|废止|取消|不再适用)[^。；“]{0,30}“(?P<quote>[^”]{2,160})”")
# 原合同第九条“监督与审计”全文删除: the title of a clause struck out names what no longer binds.
_TITLE_STRUCK_OUT = re.compile(
    r"第[^，。；“\"]{1,8}条[“\"「](?P<quote>[^”\"」]{2,30})[”\"」](?:全文|全部|整条)?(?:予以)?(?:删除|作废|废止|不再适用|不适用)"
)
_AMENDED = re.compile(r"“(?P<quote>[^”]{2,160})”(?:的约定|一款|条款)?[，,]?(?:修改|变更|调整|修订|替换)为")
# 原第七条约定“乙方…不承担责任”。…现将第七条修改为：…: the old wording quoted as history.
# (《安全服务合同》第七条约定：“…” / 原合同第十二条：“…”: the contract amended, named or numbered.)
_ORIGINAL = re.compile(
    # (the quote may run to the sentence's end: a sentence ending inside it leaves its ” to the next)
    r"(?:原(?:合同|协议)?|《[^》]{1,30}》)(?:第[^，。；“]{1,8}(?:条|款))?(?:约定|规定)?(?:为)?[：:]?“(?P<quote>[^”]{2,160})(?:”|$)"
)


# 原合同第十二条约定：未经甲方书面同意，乙方不得…。(a supplement recalling the old clause, unquoted, to
# its sentence's end).
_ORIGINAL_AFTER_COLON = re.compile(
    r"原(?:合同|协议)第[^，。；“]{1,8}(?:条|款)(?:约定|规定)(?:为)?[：:](?P<quote>[^。“]{2,160})"
)


def void_quotes(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` quoting a clause struck out, or a clause as it stood before an amendment."""
    spans = [m.span("quote") for m in _ORIGINAL_AFTER_COLON.finditer(text)] if "原" in text else []
    if "“" not in text and '"' not in text and "「" not in text:
        return spans
    return spans + [m.span("quote") for pattern in (_STRUCK_OUT, _TITLE_STRUCK_OUT, _AMENDED, _ORIGINAL)
                    for m in pattern.finditer(text)]


def outside(matches: Sequence[Match], spans: Sequence[tuple[int, int]]) -> tuple[Match, ...]:
    """The matches that start in none of the spans."""
    return tuple(m for m in matches if not any(start <= m.start < end for start, end in spans))


def _strongest(sentence: Sentence, starts: list[int]):
    """One modal kind per position: 不接受 is a refusal, not also a duty (接受) or a prohibition (不).
    ``starts``: the sentence's ``clause_starts``."""
    rank = _MODAL_RANK
    ranked = sorted(
        (m for m in sentence.modals if m.label in rank),
        key=lambda m: (m.start, rank[m.label], -(m.end - m.start)),
    )
    kept, covered_until = [], -1
    for modal in ranked:
        if modal.start < covered_until:
            continue
        kept.append(modal)
        covered_until = modal.end
    return _governed(_negated_away(_double_negatives(kept, sentence.text), sentence, starts), starts, sentence.text)


def _governed(modals, starts: list[int], text: str):
    """乙方不得…予以配合 / 乙方不得…提供: duty words under a prohibition are not duties, nor those under
    an undertaking not to (乙方不将全部工作交由甲方实施: no one 实施)."""
    kept, negative_from = [], None
    for modal in modals:
        clause_start = clause_start_at(starts, modal.start)
        if modal.label in ("duty", "undertaking") and negative_from is not None and negative_from >= clause_start:
            continue
        if modal.label in ("prohibition", "refusal") or modal.label == "undertaking" and text[modal.start] == "不":
            negative_from = modal.start
        kept.append(modal)
    return kept


def _negated_away(modals, sentence: Sentence, starts: list[int]):
    """Drop a refusal that a negation earlier in its clause turns round (决不意味…免除)."""
    negations = [m for m in sentence.modals if m.label == "negation"]
    kept = []
    for modal in modals:
        clause_start = clause_start_at(starts, modal.start)
        if modal.label == "refusal" and any(clause_start <= n.start and n.end <= modal.start for n in negations):
            continue
        if modal.label == "refusal" and sentence.text[modal.start - 1 : modal.start] in ("不", "非", "未", "无"):
            continue  # 不免除 / 不拒绝
        if modal.label == "refusal" and (promise := _WILL_NOT.search(sentence.text, clause_start, modal.start)):
            # 本平台不会无正当理由拒绝: a promise not to refuse is an undertaking to accept.
            kept.append(type(modal)("duty", promise.start(), modal.end))
            continue
        kept.append(modal)
    return kept


# 不会无正当理由拒绝 / 决不以任何理由拒绝: a promise, in the future of terms of service, not to refuse.
_WILL_NOT = re.compile(r"(?:不会|决不|绝不|从不)(?:无正当理由|无故|以任何理由|随意|任意)?$")


def _double_negatives(modals, text: str):
    """不得拒绝 / 不得以任何理由拒绝 / 不能因本合同的履行而免除 is a duty to accept, not a refusal."""
    result, paired = [], set()
    for i, current in enumerate(modals):
        if i in paired:
            continue
        if current.label == "prohibition":
            # The refusal it negates: next to it, or after a cause (因…而) or pretext (以…为由) that may
            # hold modal words of its own (不能因合同的签订和履行而免除).
            j = next((j for j in range(i + 1, len(modals)) if modals[j].label == "refusal"), None)
            if j is not None:
                gap = text[current.end:modals[j].start]
                # (不得以不了解…为由，免除…: a comma may close the pretext.)
                pretext = gap.rstrip("，, ")
                if not CLAUSE_BREAK.search(gap) and len(gap) <= 8 and j == i + 1 or (
                        not CLAUSE_BREAK.search(pretext) and _CAUSE_BETWEEN.fullmatch(pretext)):
                    result.append(type(current)("duty", current.start, modals[j].end))
                    paired.add(j)
                    continue
        result.append(current)
    return result


# 不能因本合同的签订和履行而免除 / 不得以已委托为由拒绝: a cause or pretext between the two negatives.
_CAUSE_BETWEEN = re.compile(r"(?:因|由于|以)[^，。；,;]{1,28}(?:而|为由)")
