"""What the contract is about: which roles its subject matter shows (Appendix A.1).

The title and the lines that state the subject (项目名称, 服务内容, 合同标的 …) say
most; the body's vocabulary adds a little, capped, so that a long contract
that often mentions 软件 in passing does not outweigh a title that says 运维.
A role the contract covers with comparable weight is kept as a second role
(O&M and security services from one company).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from contractkit.checking.understanding.parties.lexicon import PartyLexicon, alternation, alternation_terms

TITLE_SCAN = 30  # blocks from the top where the title stands (after a cover or 使用说明)
TITLE_MAX = 40
TITLE_END = re.compile(r"(?:合同|协议|合同书|协议书|条款|契约)(?:[（(][^（）()]*[）)])?\s*$")
TITLE_PARTS = re.compile(r"及|以及|和|与|暨|、|＋|\+|/|／|，|[（()）]")
# (云服务企业协议, 云服务客户协议, 云服务主协议: whom or how the agreement binds, before its name, is generic too)
GENERIC_TAIL = re.compile(
    r"(?:及?相关)?(?:服务)?(?:采购|购买|买卖|购销|供货|租赁|租用|订购|使用|许可|授权)?(?:服务)?(?:项目)?(?:政府采购)?"
    r"(?:企业|客户|用户|订阅|主|框架|通用|标准)?(?:合同书?|协议书?|条款|契约|报价单|订购单|订单|确认书|确认函)?"
)
CLOUD_SERVICE = "provider"  # its subject terms name the cloud service bought: a thing, for the title's head
SERVICE_MODEL = re.compile(r"SaaS|PaaS|IaaS|软件即服务|平台即服务|基础设施即服务", re.IGNORECASE)
# 政务云基础设施租用 / 专属云资源租用: the cloud itself rented (not 云平台机柜租用, the racks it stands in).
CLOUD_RENTED = re.compile(r"云(?:(?!机柜|机房|场地|带宽|线路|办公|设备)[^，。；（）()]){0,10}?(?:租用|租赁)")
# 云上容灾备份服务: a service delivered on the cloud, sold as the cloud's own.
CLOUD_DELIVERED = re.compile(r"^云上[^，。；（）()]{1,12}?服务")
SUBTITLE = re.compile(r"[（(][^（）()]{2,30}[）)]")
# The Civil Code's kinds of technology contract (技术服务合同, 技术开发合同), and a generic "support
# service": in a title after the work itself (渗透测试技术服务合同, 应急响应保障服务协议) they name the
# form, not the work.
CONTRACT_TYPES = frozenset({"技术服务", "技术开发", "技术咨询", "保障服务"})
SUBJECT_LINE = re.compile(
    r"项目名称|服务名称|服务内容|服务范围|服务项目|合同标的|标的|委托事项|委托内容|工作内容|工作范围|项目内容|"
    r"采购内容|采购项目|许可软件|开发内容|鉴于"
)
SUBJECT_LINES_MAX = 30
WEIGHT_TITLE = 6.0  # each subject term in the title
WEIGHT_SUBJECT_LINE = 2.0  # each in a line stating the subject
WEIGHT_BODY = 0.25  # each in the rest of the text …
BODY_CAP = 12  # … counted up to this many
SECOND_ROLE_SHARE = 0.25  # a further role needs this share of the best role's score, and to be
# named in the title or a line stating the subject, not only in passing
MIN_SCORE = 0.5
TERM_REACH = 24  # how far before a term a longer term holding it may start
# Sentences of the opening that state what the work is: 双方就乙方为甲方提供安全服务事宜订立本协议,
# 甲方委托乙方为其云平台提供运维服务和安全服务, 乙方负责…的总体实施，包括：….
SUBJECT_STATEMENT = re.compile(
    r"就([^，。；]{2,60}?)(?:事宜|事项)|委托(?![的方人])[^。；]{2,80}|负责[^。；]{0,40}?包括[^。]{2,160}"
    r"|向[^，。；]{1,20}?(?:采购|购买)[^。；]{2,80}|为其[^，。；]{2,30}?(?:采购|购买)[^。；]{2,80}"
)
# 乙方根据订单提供以下一项或多项服务： then （一）…（二）…: the list says what the work is.
LIST_INTRO = re.compile(r"(?:提供|负责|包括|完成|承担)(?:以下|下列|如下)[^：:。]{0,12}[：:]\s*$")
LIST_ITEM = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[\d]{1,2}[.．、)）]|[①-⑩]|[一二三四五六七八九十]{1,2}、)"
)
LIST_MAX = 10
OPENING_SCAN = 40
SOFTWARE, SOFTWARE_NOUNS = "software", "系统|平台|软件|工具|手册|程序|模块|组件|脚本"
SOFTWARE_MODIFIERS = "(?:监控|管理|监测|审计|分析|调度)"  # 运维监控模块, 运维管理系统: still a kind of software
SUPPLY_VERBS = "供应|提供|交付|采购|购买|安装|部署|开发|许可"
GOVERNING_VERBS = "访问|使用|登录|查询|查看|操作|连接|接入|测评|测试|检测"  # take the thing as their own object
ACCESS_TO = "账号|帐号|账户|权限|口令|密码|访问"  # 提供平台账号: what is supplied is the access
GOODS_DELIVERY = frozenset({"供货", "交货", "到货"})  # delivering goods, whatever the goods are
BOUGHT = re.compile(r"采购|购买|购置|供货|买卖|购销|供应")  # a title naming a purchase of the product
SOFTWARE_GOODS = "软件|程序|系统"  # …供货 after these delivers software


@dataclass(frozen=True)
class SubjectMatter:
    scores: dict[str, float]  # role -> score
    reasons: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stated: frozenset[str] = frozenset()  # roles the title or a subject line names
    title: str = ""
    # Each role's terms (in the title, in lines stating the subject, in the body), and per main role
    # those of its terms that are that main role's own work (维保 beside a product).
    found: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    shared_with: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)

    def partner_roles(self, partner_roles: tuple[str, ...]) -> tuple[str, ...]:
        """The partner roles the subject shows, best first; several when comparable. The care of a product
        bought under the same contract (维保 19 times beside 交换设备采购) does not outweigh the product: a
        role is ranked by its own terms, without those that are the care of such a product."""
        scored = {r: self.scores.get(r, 0.0) for r in partner_roles if self.scores.get(r, 0.0) >= MIN_SCORE}
        if not scored:
            return ()
        own = {r: min([scored[r], *(self._without(r, other)[0] for other in scored
                                    if other != r and self._cares_for(r, other))])
               for r in scored}
        first = max(scored, key=lambda r: (own[r], scored[r]))
        best = scored[first]
        chosen = [r for r, s in scored.items() if r == first or s == best or self._second(r, s, best, first)]
        return tuple(sorted(chosen, key=lambda r: (-own[r], -scored[r])))

    def _cares_for(self, role: str, other: str) -> bool:
        """Are ``role``'s shared terms the care of ``other``'s product here: the title names the product
        as bought (交换设备采购及维保合同; not 边缘计算节点维护服务合同, nor 服务器及存储设备维保服务合同,
        where the care is the work bought)."""
        return (bool(self.shared_with.get(role, {}).get(other)) and bool(self.found.get(other, ((),))[0])
                and BOUGHT.search(self.title) is not None)

    def _second(self, role: str, score: float, best: float, first: str) -> bool:
        """Is ``role`` a second role beside ``first``: comparable, and named where the subject is stated?
        Terms that are ``first``'s own work do not count: beside a product (software, hardware) the care
        of it (维保, 巡检); beside O&M, the upgrades of the software it runs (升级, 版本)."""
        if self.shared_with.get(role, {}).get(first):
            score, stated = self._without(role, first)
        else:
            stated = role in self.stated
        return score >= best * SECOND_ROLE_SHARE and stated

    def _without(self, role: str, main: str) -> tuple[float, bool]:
        """``role``'s score, and whether it is stated, without its terms that are ``main``'s own work."""
        shared = self.shared_with.get(role, {}).get(main, frozenset())
        own = [[t for t in terms if t not in shared] for terms in self.found.get(role, ((), (), ()))]
        return _weighed(*own), bool(own[0] or own[1])

    def is_cloud_service(self, partner_roles: tuple[str, ...]) -> bool:
        """The work bought is the cloud service itself (政务云服务采购合同), not a partner's work on it. A title
        naming the delivery model (云HIS系统软件服务（SaaS）采购合同), the cloud rented (政务云基础设施租用及
        安全服务) or a service on the cloud (云上容灾备份服务合同) says so whatever else it names: the software or
        security it names is part of the service."""
        cloud = self.scores.get("provider", 0.0)
        if cloud >= MIN_SCORE and (SERVICE_MODEL.search(self.title) or CLOUD_RENTED.search(self.title)
                                   or CLOUD_DELIVERED.search(self.title)):
            return True
        return cloud >= MIN_SCORE and cloud > max((self.scores.get(r, 0.0) for r in partner_roles), default=0.0)


# 政府采购合同 / 服务合同 / 合同书: a title that names only the form of the contract.
FORM_ONLY = re.compile(r"(?:政府)?(?:采购|服务|技术服务|买卖|购销)?(?:合同|协议)书?(?:[（(][^（）()]*[）)])?")


def title_of(texts: list[str]) -> str:
    """The contract's title (…服务合同, …用户协议) and a subtitle beside it; else the first line. A title
    that names only the form (政府采购合同) goes with the project named on the line above it
    (澜州市政务云平台服务租赁项目)."""
    lines = [t.strip() for t in texts[:TITLE_SCAN]]
    for index, line in enumerate(lines):
        if len(line) <= TITLE_MAX and TITLE_END.search(line) and not re.search(r"[：:，。]", line):
            subtitle = lines[index + 1] if index + 1 < len(lines) else ""
            above = next((previous for previous in reversed(lines[:index]) if previous), "")
            if FORM_ONLY.fullmatch(line) and above and len(above) <= TITLE_MAX and not re.search(r"[：:，。；]", above):
                line = above + line
            return line + (" " + subtitle if SUBTITLE.fullmatch(subtitle) else "")
    return next(
        (line for line in lines if line and len(line) <= TITLE_MAX and not re.search(r"[。，；：:,;]", line)), ""
    )


def _subject_pattern(words, lexicon: PartyLexicon) -> re.Pattern:
    """The role's work: its terms, and its objects after a verb of supplying (供应服务器, 交付软件).
    A term that names a kind of software (运营管理系统, 运维手册, 安全运营平台) is not that work, nor
    is an object that another role's work follows (提供设备维保服务, 提供平台日常运行维护服务: the
    object is what that work is done on, not what is supplied)."""
    # Written as one alternative per literal term or verb, each with what follows it
    # (``a(?!x)|b(?!x)``, the same as ``(?:a|b)(?!x)``, tried in the same order): a pattern whose
    # alternatives all start with a literal gets the regex engine's first-character test, and skips
    # the ~30,000 characters of a contract's body without trying each one.
    terms = alternation_terms(words.subject_terms)
    if words.role != SOFTWARE:
        terms = [f"{term}(?!{SOFTWARE_MODIFIERS}?(?:{SOFTWARE_NOUNS}))" for term in terms]
        # 软件供货 / 平台软件交货: the goods delivered are software. (The look-behind follows the literal,
        # which keeps every alternative starting with one.)
        terms = [f"{term}(?<!(?:{SOFTWARE_GOODS}){bare})" if (bare := term.split("(?!")[0]) in GOODS_DELIVERY
                 else term for term in terms]
    if not words.object_terms:
        return re.compile("|".join(terms))
    objects = alternation(words.object_terms).pattern
    other_work = alternation(
        t for role, other in lexicon.roles.items() if role not in (words.role, CLOUD_SERVICE)
        for t in other.subject_terms
    ).pattern
    # (提供受托方工程师访问数据库: the object of another verb in between is not what is supplied;
    # 提供安全管理平台账号: a way into the thing, not the thing.)
    # (通用型云服务器: a thing of the cloud, the cloud service's, not the hardware's)
    supplied = (rf"(?:(?!{GOVERNING_VERBS})[^，。；、]){{0,8}}?(?<!云)(?:{objects})(?!{ACCESS_TO})"
                rf"(?![^，。；、]{{0,6}}?(?:{other_work}))")
    # (委托方已部署的安全管理平台: there before the contract, not supplied under it.)
    return re.compile("|".join(terms + [f"{verb}(?<!已{verb})" + supplied for verb in SUPPLY_VERBS.split("|")]))


def _title_heads(title: str, lexicon: PartyLexicon) -> list[tuple[str, str]]:
    """(role, term) of the head of each part of the title. The work is the head (网络设备代维服务:
    代维); a thing worked on, or the cloud service bought, is the head only when nothing but
    generic words follow it (服务器采购合同, 政务云服务采购合同, not 专属云资源池建设合同)."""
    activity: dict[str, str] = {}  # term -> role
    thing: dict[str, str] = {}
    for role, words in lexicon.roles.items():
        for term in words.subject_terms:
            (thing if role == CLOUD_SERVICE else activity).setdefault(term, role)
        for term in words.object_terms:
            thing.setdefault(term, role)
    tagged = activity | {t: r for t, r in thing.items() if t not in activity}
    pattern = alternation(tagged)
    heads = []
    parts = TITLE_PARTS.split(title)
    for number, part in enumerate(parts):
        matches = list(pattern.finditer(part))
        # 数据库及中间件运维服务合同: a thing alone, coordinated with a later part whose head is another
        # role's work, is what that work is done on (数据库运维), not a thing bought (服务器及存储设备买卖
        # keeps both things).
        alone = matches[0].group() if len(matches) == 1 and matches[0].group() == part.strip() else None
        if alone and alone not in activity and any(
            m.group() in activity and activity[m.group()] != tagged[alone]
            for later in parts[number + 1:] for m in pattern.finditer(later)
        ):
            continue
        for index in reversed(range(len(matches))):
            match = matches[index]
            term = match.group()
            if term in CONTRACT_TYPES and match is not matches[0]:
                continue  # 攻防演练技术服务合同: the kind of contract; the work named before it is the head
            if term in activity or GENERIC_TAIL.fullmatch(part[match.end():].strip()):
                before = matches[index - 1] if index else None
                if (term not in activity and before is not None and before.end() == match.start()
                        and tagged[before.group()] == CLOUD_SERVICE):
                    term = before.group()  # 政务云平台服务租赁: the thing is the cloud service's own platform
                if (term in GOODS_DELIVERY and before is not None and before.end() == match.start()
                        and tagged[before.group()] != tagged[term]):
                    term = before.group()  # 平台软件供货: the delivery is of what is named before it
                heads.append((tagged[term], term))
                break
    return heads


def subject_matter(texts: list[str], lexicon: PartyLexicon, not_signing: Sequence[str] = ()) -> SubjectMatter:
    """``not_signing``: the names of parties the contract mentions but who do not sign it."""
    title = title_of(texts)
    subject_lines = [t for t in texts if SUBJECT_LINE.search(t[:20])][:SUBJECT_LINES_MAX]
    # (需方可委托监理单位…参与验收: work entrusted to someone who does not sign is not this contract's.)
    to_outsiders = tuple(f"委托{o}" for o in lexicon.outsiders)
    subject_lines += [m.group() for t in texts[:OPENING_SCAN] for m in SUBJECT_STATEMENT.finditer(t)
                      if not m.group().startswith(to_outsiders)]
    subject_lines += _listed_work(texts[:OPENING_SCAN])
    # 监理单位, 原厂, …工程监理有限公司: the name of someone who does not sign is not the work (监理) of
    # this contract.
    outsiders = alternation([*lexicon.outsiders, *not_signing])

    lines = [_blanked(FORBIDDEN, _blanked(outsiders, _unlisted(line))) for line in subject_lines]
    return _score(_unlisted(title), lines, _blanked(outsiders, _unlisted("\n".join(texts))), lexicon,
                  _goods_rows(texts))


# 应用在云市场上架 / 商品上架: an app or goods listed on a marketplace, not machines put in racks (上架).
LISTED = re.compile(r"(?:市场|商城|商店|应用|软件|商品|镜像|小程序)[^，。；\n]{0,16}?(上架|下架)")


def _unlisted(text: str) -> str:
    """The text with a marketplace's listing (上架, 下架) blanked out, every offset kept."""
    return LISTED.sub(lambda m: m.group()[:m.start(1) - m.start()] + "　" * len(m.group(1)), text)


def _blanked(pattern: re.Pattern, text: str) -> str:
    """The text with what the pattern matches blanked out, every offset kept."""
    return pattern.sub(lambda m: "　" * len(m.group()), text)


# 甲方不得将许可软件转售或再许可给第三方: what a line forbids is not the work the contract is about,
# nor what it leaves out (服务范围不包括客户自行部署的业务系统).
# (下列工作不属于本合同服务范围：…应用软件的运维；…源代码修改。: the whole list left out.)
FORBIDDEN = re.compile(r"(?:不得|禁止|严禁|不应|不可以?)[^，。；]*|(?:不包括|不包含|不含)[^。；]*"
                       r"|(?:不属于|不在)[^，。；：:]{0,12}范围[^。]*")


# An order's or a delivery list's table (品名及规格 | 数量 | 单价): each row names a thing bought.
GOODS_HEADER = re.compile(r"品名|货物名称|设备名称|产品名称|物料名称|规格型号|型号规格")
GOODS_ROW = re.compile(r"[|｜\t]")
GOODS_MAX = 40


def _goods_rows(texts: list[str]) -> list[str]:
    rows: list[str] = []
    for index, text in enumerate(texts):
        if GOODS_ROW.search(text) and GOODS_HEADER.search(text):
            for row in texts[index + 1: index + 1 + GOODS_MAX]:
                if not GOODS_ROW.search(row):
                    break
                rows.append(row)
    return rows


def _listed_work(texts: list[str]) -> list[str]:
    """The items listed after a line that introduces the work (提供以下服务：)."""
    items: list[str] = []
    for index, text in enumerate(texts):
        if not LIST_INTRO.search(text):
            continue
        for item in texts[index + 1: index + 1 + LIST_MAX]:
            if not LIST_ITEM.match(item):
                break
            items.append(item)
    return items


def work_of(party_words: list[str], other_words: list[str], texts: list[str], lexicon: PartyLexicon) -> SubjectMatter:
    """What one of several performing parties does: the clauses that name it and no other performer
    (乙方负责系统开发… / 丙方负责日常巡检…)."""
    own, others = alternation(party_words), alternation(other_words) if other_words else None
    clauses = [c for t in texts for c in re.split(r"[。；;]", t)
               if own.search(c) and not (others and others.search(c))]
    return _score("", clauses, "", lexicon)


def _role_terms(patterns: dict[str, re.Pattern], text: str) -> dict[str, list[str]]:
    """Each role's terms in ``text``, without those inside a longer term of another role
    (托管 within 安全托管 is security work, not O&M)."""
    found = {role: [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]
             for role, pattern in patterns.items()}
    starts: dict[int, list[tuple[int, str]]] = {}
    for role, matches in found.items():
        for start, end, _ in matches:
            starts.setdefault(start, []).append((end, role))

    def inside_another(start: int, end: int, role: str) -> bool:
        return any(
            other != role and other_end >= end and other_end - other_start > end - start
            for other_start in range(max(start - TERM_REACH, 0), start + 1)
            for other_end, other in starts.get(other_start, ())
        )

    return {role: [term for start, end, term in matches if not inside_another(start, end, role)]
            for role, matches in found.items()}


def _score(title: str, subject_lines: list[str], body: str, lexicon: PartyLexicon, goods: Sequence[str] = ()
           ) -> SubjectMatter:
    """``goods``: the rows of a table of things bought, each naming a thing (交换机, 服务器) that shows the
    role as a subject line would."""
    heads = _title_heads(title, lexicon)
    things = {role: alternation(words.object_terms) for role, words in lexicon.roles.items()
              if words.object_terms and role != CLOUD_SERVICE}
    bought: dict[str, list[str]] = {}
    for row in goods:
        named = [(role, m.group()) for role, pattern in things.items() if (m := pattern.search(row))]
        if named:  # the longest name of a thing decides the row (安全设备 beside 设备)
            role, term = max(named, key=lambda f: len(f[1]))
            bought.setdefault(role, []).append(term)
    scores: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}
    stated = set()
    found: dict[str, tuple[tuple[str, ...], ...]] = {}
    patterns = {role: _subject_pattern(words, lexicon) for role, words in lexicon.roles.items() if words.subject_terms}
    line_terms: dict[str, list[str]] = {role: [] for role in patterns}
    for line in subject_lines:
        for role, terms in _role_terms(patterns, line).items():
            line_terms[role] += terms
    body_terms = _role_terms(patterns, body)
    for role in patterns:
        in_title = [term for head_role, term in heads if head_role == role]
        in_lines, in_body = line_terms[role] + bought.get(role, []), body_terms[role]
        score = _weighed(in_title, in_lines, in_body)
        found[role] = (tuple(in_title), tuple(in_lines), tuple(in_body))
        if not score:
            continue
        scores[role] = score
        if in_title or in_lines:
            stated.add(role)
        said = []
        if in_title:
            said.append(f"标题“{title}”写明{'、'.join(dict.fromkeys(in_title))}")
        if in_lines:
            said.append(f"标的条款写明{'、'.join(dict.fromkeys(in_lines))}")
        if in_body:
            common = Counter(in_body).most_common(3)
            said.append("正文多次提及" + "、".join(f"{t}（{n}次）" for t, n in common))
        reasons[role] = said
    shared_with = {role: words.shared_with for role, words in lexicon.roles.items() if words.shared_with}
    return SubjectMatter(dict(scores), {r: tuple(v) for r, v in reasons.items()}, frozenset(stated), title,
                         found, shared_with)


def _weighed(in_title: list[str], in_lines: list[str], in_body: list[str]) -> float:
    body = min(len(in_body), BODY_CAP)
    return WEIGHT_TITLE * len(in_title) + WEIGHT_SUBJECT_LINE * len(in_lines) + WEIGHT_BODY * body
