"""Who is who: the parties of a contract and their roles under T/CCIA 004-2024.

Roles come from structure first: who entrusts the work and who performs it
(sides.py), then what the work is (subject.py). Click-through terms have their
own reading (cloud_terms.py). The user can settle it: roles given per label
(``--role``) win over everything, and our organisation (``--as``), once found
among the parties, holds our role while the other side's follows from the
subject matter. Every role carries the reasons that led to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from contractkit.checking.understanding.literals import paragraphs_holding
from contractkit.checking.understanding.parties.cloud_terms import read_cloud_terms
from contractkit.checking.understanding.parties.declarations import (
    Party,
    PartyRegistry,
    attach_stated_labels,
    find_parties,
)
from contractkit.checking.understanding.parties.lexicon import ENTRUSTING, PERFORMING, THIRD_PARTY, alternation
from contractkit.checking.understanding.parties.sides import side_votes
from contractkit.checking.understanding.parties.subject import SubjectMatter, subject_matter, work_of
from contractkit.checking.understanding.statements import BOTH_PARTIES, OUTSIDER, WordFinder, excerpt
from contractkit.organisation import Organisation
from contractkit.results.model import PartyResult, Source

if TYPE_CHECKING:
    from contractkit.catalogue import Catalogue
    from contractkit.checking.understanding.lexicons import Lexicons
    from contractkit.standard import Standard

ROLES_UNKNOWN_NOTE = "未能确定各方在云服务中的角色（云服务客户、云服务提供者或合作者），因此未作审查"
CUSTOMER, PROVIDER = "customer", "provider"


class UnknownPartyLabel(ValueError):
    """A role was given for a label the contract does not use."""

    def __init__(self, label: str, found: list[str]):
        self.label, self.found = label, found
        listed = "、".join(found) if found else "（未找到任何当事人）"
        super().__init__(f"合同中没有“{label}”这一当事人；合同中的当事人称谓：{listed}")


QUOTE = 40  # characters of a sentence quoted as the reason for a role

@dataclass(frozen=True)
class PartyAnalysis:
    parties: tuple[PartyResult, ...]
    pairs: tuple[str, ...]
    aliases: dict[str, str]  # every label/name -> party key
    pattern: WordFinder | None  # finds any alias in text
    notes: tuple[str, ...]
    role_of: dict[str, tuple[str, ...]]  # party key -> role ids


@dataclass
class _Decision:
    roles: tuple[str, ...]
    reasons: list[str]
    source: Source = "inferred"


def analyse_parties(
    texts: list[str],
    standard: Standard,
    given_roles: dict[str, list[str]] | None = None,
    organisation: Organisation | None = None,
) -> PartyAnalysis:
    lexicons, catalogue = standard.lexicons, standard.catalogue
    lexicon = lexicons.parties
    registry = find_parties(texts, lexicon)
    cloud = read_cloud_terms(texts, registry, lexicon)
    if cloud:
        registry.add(list(cloud.customer_words))
        registry.add([w for w in cloud.provider_words if w != cloud.provider_name], name=cloud.provider_name)
        attach_stated_labels(texts, registry)  # merging may change which party object holds each side
        customer = registry.find(cloud.customer_words[0])
        provider = registry.find(cloud.provider_words[0])
    else:
        attach_stated_labels(texts, registry)
        registry.fold_into_principals()
    notes: list[str] = []
    if given_roles:
        decisions = _given(registry, given_roles, notes, texts)
    else:
        subject = subject_matter(texts, lexicon, [w for p in registry.parties if p.not_signing for w in p.all_names()])
        operator = _buys_for_its_cloud(customer, texts) if cloud and customer is not None else None
        vendor_roles = subject.partner_roles(lexicons.partner_roles)
        if cloud and operator and vendor_roles:
            # A vendor's terms its user signs for its own cloud (用户类型：云服务运营商, 扫描用户名下“观澜云”
            # 公有云平台): the user is the cloud provider, the vendor its partner by what it supplies.
            decisions = {
                id(customer): _Decision((PROVIDER,), [operator]),
                id(provider): _Decision(vendor_roles, [r for role in vendor_roles
                                                       for r in subject.reasons.get(role, ())][:3]),
            }
        elif cloud:
            decisions = {
                id(customer): _Decision((CUSTOMER,), [cloud.customer_reason]),
                id(provider): _Decision((PROVIDER,), [cloud.provider_reason]),
            }
            decisions |= _platform_suppliers(registry, decisions, texts, lexicons)
            decisions |= _order_form_customer(registry, decisions, provider, lexicon)
        else:
            decisions = _inferred(registry, texts, lexicons, subject)
        if organisation:
            decisions, note = _with_organisation(registry, decisions, organisation, subject, standard, bool(cloud))
            notes += [note] if note else []
    role_of = {p.key: decisions[id(p)].roles for p in registry.parties if id(p) in decisions}
    pairs = _pairs(role_of, catalogue)
    if not pairs:
        notes.insert(0, ROLES_UNKNOWN_NOTE)
    # Outsiders first, so that a signing party of the same name keeps its own mentions.
    aliases = {word: OUTSIDER for word in lexicon.outsiders}
    aliases |= {word: party.key for party in registry.parties for word in party.all_names()}
    # 双方/各方 name every party at once; mentions of them bind each party.
    aliases |= {word: BOTH_PARTIES for word in lexicon.both}
    # Words that only look like a mention (第三方 holds 三方) are matched too, so that they consume
    # their characters; find_mentions drops them.
    pattern = WordFinder({**dict.fromkeys(lexicon.non_parties), **aliases}) if aliases else None
    results = tuple(_result(p, decisions.get(id(p))) for p in registry.parties)
    return PartyAnalysis(results, pairs, aliases, pattern, tuple(notes), role_of)


def _result(party: Party, decision: _Decision | None) -> PartyResult:
    return PartyResult(
        label=party.key,
        name=party.name,
        roles=decision.roles if decision else (),
        source=decision.source if decision else "inferred",
        reasons=tuple(decision.reasons) if decision else (),
        aliases=tuple(party.labels[1:]) + ((party.name,) if party.name else ()),
    )


# ---------------------------------------------------------------- given roles
def _given(registry: PartyRegistry, given: dict[str, list[str]], notes: list[str], texts: list[str]
           ) -> dict[int, _Decision]:
    """Roles the user gave per label. A label the contract does not use is an error when the
    contract has parties the user left out (they meant one of those: 需方 for 甲方); when every
    party is covered it is only noted. A label the text uses is taken as given, though no party
    block names it (a clause quoted alone: 甲方退出乙方云平台时…)."""
    decisions, unmatched = {}, []
    for label, roles in given.items():
        party = registry.find(label)
        if party is None:
            if not any(label in text for text in texts):
                unmatched.append(label)
            party = registry.add([label], as_given=True)
        decisions[id(party)] = _Decision(tuple(dict.fromkeys(roles)), ["由用户指定"], "given")
    left_out = [p.key for p in registry.parties if id(p) not in decisions]
    if unmatched and left_out:
        raise UnknownPartyLabel(unmatched[0], [p.key for p in registry.parties if p.key not in unmatched])
    notes += [f"合同中未出现为其指定角色的“{label}”" for label in unmatched]
    return decisions


# ---------------------------------------------------------------- inference
def _inferred(registry: PartyRegistry, texts: list[str], lexicons: Lexicons, subject: SubjectMatter):
    lexicon, partner_roles = lexicons.parties, lexicons.partner_roles
    parties = registry.parties
    votes = side_votes(parties, texts, lexicon)
    sides = {i: votes[i].side for i in votes}
    signers = [i for i in sides if sides[i] != THIRD_PARTY]
    # Of two parties, when one side is known the other is the opposite one.
    if len(signers) == 2:
        a, b = signers
        opposite: dict[str | None, str] = {ENTRUSTING: PERFORMING, PERFORMING: ENTRUSTING}
        if sides[a] in opposite and sides[b] is None:
            sides[b] = opposite[sides[a]]
        elif sides[b] in opposite and sides[a] is None:
            sides[a] = opposite[sides[b]]
    # Two parties of no known side (学校 and 平台方), one of which runs the cloud (平台方通过自有云计算平台
    # 向学校提供) and a cloud service the contract's subject: it performs the service, and the other is the
    # one it serves.
    # When the subject is a partner's work instead (云管理软件及运维服务), the one running the cloud is the
    # one it is done for.
    cloud_service = subject.is_cloud_service(partner_roles)
    if len(signers) == 2 and all(sides[i] is None for i in signers):
        runs = [i for i in signers if _runs_the_cloud(parties[i], texts)]
        if len(runs) == 1:
            # (云岭拟将其仓储管理系统集中部署于一套专属云平台: the other's systems go onto the cloud it runs,
            # however the subject reads: it is served.)
            moving = any(_moves_onto_a_cloud(parties[i], texts) for i in signers if i not in runs)
            served = PERFORMING if cloud_service or moving else ENTRUSTING
            other = {PERFORMING: ENTRUSTING, ENTRUSTING: PERFORMING}[served]
            sides |= {i: served if i in runs else other for i in signers}
    named = _named_roles(parties, texts, lexicons)
    partner = subject.partner_roles(partner_roles)
    subject_reasons = lambda roles: [r for role in roles for r in subject.reasons.get(role, ())][:3]  # noqa: E731
    performers = [i for i in signers if sides[i] == PERFORMING]
    hosts = {i: reason for i in performers if (reason := _hosts_the_cloud(parties[i], texts))}
    # 供应商：…  增值电信业务经营许可证编号：B1-…, for a buyer holding none and a cloud service the subject:
    # the licensed operator hosts what it sells (not an IDC letting racks to a cloud company, itself licensed).
    entrusting = [i for i in signers if sides[i] == ENTRUSTING]
    if not hosts and subject.scores.get("provider", 0.0) > 0 and entrusting:
        licensed = [i for i in performers + entrusting
                    if _licensed_operator(parties[i], [parties[j] for j in signers if j != i], texts)]
        if len(licensed) == 1 and sides[licensed[0]] == PERFORMING:
            hosts = {licensed[0]: "该方持有电信业务经营许可证，所提供的为云服务，该方为云服务提供者"}
    # 甲方拟将其自有的业务服务器托管于乙方数据中心, the entrusting party no cloud company: the one hosting
    # them provides the service (a cloud company's racks let by a data centre make the centre its partner).
    if not hosts and entrusting and not any(_CLOUD_BRAND.match(n) for i in entrusting for n in parties[i].all_names()):
        hosts = {i: reason for i in performers if (reason := _hosts_their_servers(parties[i], texts))}
    # 将采购人运营的政务云一期平台上的业务系统迁移至…: the entrusting party runs the cloud the work is on
    # (or buys for it).
    runners = {i: reason for i in signers
               if sides[i] == ENTRUSTING and (reason := _buys_for_its_cloud(parties[i], texts))}
    decisions: dict[int, _Decision] = {}
    for i in signers:
        party, side = parties[i], sides[i]
        side_reasons = votes[i].reasons.get(side, [])[:2] if side else []
        own = named.get(i, {})
        cloud_role = next((r for r in (PROVIDER, CUSTOMER) if r in own), None)
        named_partner = tuple(r for r in own if r in partner_roles)
        if cloud_role:
            decisions[id(party)] = _Decision((cloud_role,), [own[cloud_role]])
        elif named_partner:
            # (one clause may name both roles: 乙方（运维服务提供者及安全服务提供者）, said once)
            decisions[id(party)] = _Decision(named_partner, list(dict.fromkeys(own[r] for r in named_partner)))
        elif side == ENTRUSTING and i in runners and not hosts:
            decisions[id(party)] = _Decision((PROVIDER,), side_reasons + [runners[i]])
        elif side == ENTRUSTING:
            # (甲方 a hospital, 乙方 the cloud it runs on, 丙方 乙方's security firm: beside the entrusting
            # party that runs the cloud, the other entrusting party is its customer.)
            beside_runner = any(j != i for j in runners)
            role = (CUSTOMER if cloud_service or hosts or beside_runner or _named_elsewhere(named, i, PROVIDER)
                    else PROVIDER)
            why = (["委托云服务提供者在其云上实施工作的一方，为云服务客户"] if role == CUSTOMER and hosts
                   else ["另一当事人运营该方所用的云，该方为云服务客户"] if role == CUSTOMER and beside_runner
                   else ["合同标的为云服务本身，委托方为云服务客户"] if role == CUSTOMER
                   else ["委托合作者实施工作的一方，依第5章视为云服务提供者"])
            decisions[id(party)] = _Decision((role,), side_reasons + why)
        elif side == PERFORMING:
            if i in hosts and not _named_elsewhere(named, i, PROVIDER):
                decisions[id(party)] = _Decision((PROVIDER,), side_reasons + [hosts[i]])
            # (beside a performer hosting the cloud, another performer is its partner, not a second provider)
            elif cloud_service and not runners and not (set(hosts) - {i}) and not _named_elsewhere(named, i, PROVIDER):
                decisions[id(party)] = _Decision((PROVIDER,), side_reasons + subject_reasons((PROVIDER,)))
            else:
                roles, reasons = partner, subject_reasons(partner)
                if len(performers) > 1:  # 乙方 develops, 丙方 operates: each by its own clauses
                    others = [w for j in performers if j != i for w in parties[j].all_names()]
                    work = work_of(party.all_names(), others, texts, lexicon)
                    if work.partner_roles(partner_roles):
                        roles = work.partner_roles(partner_roles)
                        reasons = [r for role in roles for r in work.reasons.get(role, ())][:3]
                if roles:
                    decisions[id(party)] = _Decision(roles, side_reasons + reasons)
    return decisions


# 苍穹云计算有限公司 -> 苍穹云; then "苍穹云控制台", "苍穹云上的资产", "《苍穹云服务协议》": the work is
# done on the cloud this party runs, for a customer of it (a provider's add-on service).
_CLOUD_BRAND = re.compile(r"^(?P<brand>[\u4e00-\u9fff]{1,6}?云)(?:计算|科技|服务|网络|信息|数据|技术)")
_ON_THE_CLOUD = r"(?:控制台|上的(?:资产|业务|系统|资源|数据|实例)|用户|账号|服务协议|平台上)"
_OWN_CLOUD = r"(?:公有云|私有云|专有云|混合云|政务云|行业云|云平台|云计算平台|云服务平台)"
HOST_MIN = 2


def _names_pattern(party: Party) -> str:
    """The party's names as one group, longest first, never the tail of the other side's label (许可方 in
    被许可方运营的云平台); "" when it has none."""
    names = "|".join(map(re.escape, sorted(party.all_names(), key=len, reverse=True)))
    return rf"(?<!被)(?:{names})" if names else ""


def _brand_pattern(party: Party, after: str) -> re.Pattern | None:
    """A cloud brand of the party's names (苍穹云计算有限公司 -> 苍穹云) followed by ``after``, or None when
    its names hold none."""
    brands = {m.group("brand") for name in party.all_names() if (m := _CLOUD_BRAND.match(name))}
    # (用户名下“观澜云”公有云平台: the brand in quotes, then what it names.)
    return re.compile(rf"(?:{'|'.join(map(re.escape, sorted(brands)))})[”\"」』]?{after}") if brands else None


def _said(pattern: re.Pattern, texts: list[str]) -> list[str]:
    """Every match of the pattern, in the paragraphs that may hold one, in order."""
    return [m.group() for i in paragraphs_holding(pattern, texts) for m in pattern.finditer(texts[i])]


def _runs_the_cloud(party: Party, texts: list[str]) -> str | None:
    """The reason the contract names the party as the one running the cloud (政务云平台：指由供应商建设
    并运营…的云计算资源池; 采购人运营的政务云一期平台), or None."""
    names = _names_pattern(party)
    if not names:
        return None  # (an empty alternation would match any 由…运营)
    runs = re.compile(rf"由{names}(?:负责)?(?:建设(?:并|和|及))?运营的?[^，。；]{{0,24}}(?:云|资源池)"
                      rf"|{names}(?:建设(?:并|和|及))?运营的(?:政务云|[^，。；]{{0,10}}?云[^，。；]{{0,3}}(?:平台|专区)"
                      rf"|[^，。；]{{0,10}}?(?:专属云|私有云|公有云|行业云|混合云)|[^，。；]{{0,6}}资源池)"
                      # 乙方通过其运营的云平台以软件即服务方式提供; 供应商依托其自建云计算平台，为采购人提供
                      # (平台拟在其公有云“云岫云”中采用…: an adverb of time or intent may come first.)
                      rf"|{names}(?:拟|将|已|现|正|目前)?(?:通过|依托|利用|基于|在)其(?:(?:自有|自建|自行建设|自行运营|(?:建设(?:并|和|及))?运营)"
                      rf"的?[^，。；]{{0,10}}?云(?:计算)?(?:平台)?"
                      # 供应商依托其在江州市建设的政务云专区: where it built or runs it, then the cloud
                      rf"|(?:在[^，。；]{{1,12}}?)?(?:建设|自建|运营|建设并运营)的?[^，。；]{{0,6}}?"
                      rf"(?:政务云|专属云|私有云|公有云|行业云|混合云|云计算平台|云服务平台|云平台|资源池)"
                      # 受托方在其专属云区域为委托方部署 / 在其医疗行业专属云平台: a cloud of its own, named as such
                      # (not 通过其账号在北辰公有云上: the cloud of another, reached through its account)
                      rf"|(?:(?!在|账号|账户)[^，。；]){{0,6}}?(?:专属云|私有云|公有云|行业云|混合云|云计算平台|云服务平台|云平台))"
                      # 在服务商云平台上为客户创建的集群: the place named as the party's cloud
                      rf"|在{names}的?(?:专属云|私有云|公有云|行业云|云计算平台|云服务平台|云平台)"
                      # 拟将其业务系统迁移至天衡云公有云平台 / 部署于乙方的专属云 / 备份至供方云平台: where the other's
                      # systems or data go
                      rf"|(?:迁移至|迁移到|迁入|部署于|部署在|部署至|上线至|备份至|备份到|托管于|托管至|存储于){names}的?[^，。；]{{0,6}}?"
                      rf"(?:专属云|私有云|公有云|行业云|混合云|政务云|云计算平台|云服务平台|云平台|云专区)"
                      # 云栈科技运营“云栈托管云”: the cloud it operates, named in quotes
                      rf"|{names}(?:负责)?(?:建设(?:并|和|及))?运营[“\"「][^，。；”\"」]{{0,12}}云[”\"」]"
                      # 乙方是“岫云专属云”平台的开发者和运营者: the party named as the cloud's operator
                      rf"|{names}(?:是|为|系|作为)[^，。；]{{0,24}}?云[^，。；]{{0,6}}?的?(?:开发者和|建设者和|开发和|建设和)?"
                      rf"运营(?:者|方|商|主体|单位)"
                      # 甲方运营面向公众的云计算平台: the cloud it runs, as the object of 运营 (not 为甲方建设并
                      # 运营…专属云, run by another for it)
                      rf"|(?<![为给替向对与帮]){names}(?:负责)?(?:建设(?:并|和|及))?运营(?:着)?(?!的)[^，。；]{{0,10}}?"
                      rf"(?:专属云|私有云|公有云|行业云|混合云|政务云|云计算平台|云服务平台|云平台)"
                      # 向澜川云的云服务用户销售 / 在澜川云开通的云资源: its cloud's users, resources opened on it
                      rf"|{names}的云(?:计算)?(?:服务)?(?:用户|客户|租户)"
                      rf"|在{names}(?:开通|购买|租用|订购)的云(?:资源|服务器|主机|服务)"
                      # 乙方已租用甲方“橙溪托管云”专属资源池: the cloud another rents from it
                      rf"|(?:租用|订购|开通)(?:了)?{names}(?:的|提供的|运营的)?[“\"「]?[^，。；”\"」]{{0,10}}?(?:云|资源池)"
                      # 星澜云在沧溟、海屿两地运营公有云及专属云平台: where it runs them, then what
                      rf"|{names}在[^，。；]{{1,12}}?(?:建设(?:并|和|及))?运营(?:着)?[^，。；]{{0,8}}?"
                      rf"(?:专属云|私有云|公有云|行业云|混合云|政务云|云计算平台|云服务平台|云平台)"
                      # 平台方通过自有云计算平台向学校提供: its own, without 其
                      rf"|{names}(?:通过|依托|利用|基于|在)(?:自有|自建|自行建设|自行运营)的?[^，。；]{{0,10}}?云(?:计算)?(?:平台)?"
                      # 服务方是…运维服务商，在其租用的数据中心运营“恒维托管云”平台: 其 the party named before
                      rf"|{names}[^。；]{{0,30}}?[，,]在其[^，。；]{{1,16}}?运营[“\"「]?[^，。；”\"」]{{0,10}}云"
                      # 用户类型：云服务运营商 / 乙方系云服务提供商: the party described as running clouds
                      rf"|{names}(?:类型|性质|身份)?[：:]\s*云服务(?:运营商|提供商|提供者)"
                      rf"|{names}(?:是|为|系|作为)[^，。；]{{0,12}}?云服务(?:运营商|提供商|运营者)"
                      # 乙方…为甲方建设该私有云平台，并在建成后负责平台的日常运营，向各科室提供云主机: it runs
                      # the platform and serves its resources, wherever the machines stand
                      rf"|{names}[^。；]{{0,80}}?负责[^。；]{{0,8}}?运营(?!维护)[^。；]{{0,40}}?提供[^。；]{{0,12}}?"
                      rf"(?:云主机|云服务器|云存储|云资源|云数据库|计算[、和及与]存储|计算资源|存储资源|资源服务)")
    stated = _said(runs, texts)
    return f"合同写明云平台由该方运营（“{stated[0]}”），该方为云服务提供者" if stated else None


def _moves_onto_a_cloud(party: Party, texts: list[str]) -> bool:
    """Does the contract say the party's own systems or data go onto a cloud (云岭拟将其仓储管理、运输调度
    系统集中部署于一套专属云平台)?"""
    names = _names_pattern(party)
    if not names:
        return False
    moves = re.compile(rf"{names}(?:拟|将|计划|决定)?将其[^，。；]{{0,30}}?(?:系统|业务|应用|数据)[^，。；]{{0,10}}?"
                       rf"(?:部署|迁移|迁入|上线|托管|承载)(?:于|至|到|在)[^，。；]{{0,12}}?云")
    return bool(_said(moves, texts))


def _buys_for_its_cloud(party: Party, texts: list[str]) -> str | None:
    """The reason an entrusting party with a cloud company's name buys for its own cloud (采购人：穹顶云
    服务有限公司, then 穹顶云平台日志集中分析服务采购项目 twice), or None: the seller is its partner."""
    stated = _runs_the_cloud(party, texts)
    if stated:
        return stated
    # 甲方为其公有云门户、控制台…采购 (the party itself the subject: not 委托乙方为其…, where 其 is the
    # entrusting party and 乙方 the one acting)
    names = _names_pattern(party)
    for_its_own = re.compile(rf"(?<![委托要求由请]){names}为其(?:{_OWN_CLOUD})") if names else None
    branded = _brand_pattern(party, rf"(?:平台|{_OWN_CLOUD})")
    for pattern, least in ((for_its_own, 1), (branded, HOST_MIN)):
        if pattern is None:
            continue
        said = _said(pattern, texts)
        if len(said) >= least:
            return f"所采购的产品或服务用于该方自己的云（“{said[0]}”），该方为云服务提供者"
    return None


# 增值电信业务经营许可证编号：B1-… in a party's block: a licensed operator of data centres and clouds.
_TELECOM_LICENCE = re.compile(r"(?:增值)?电信业务经营许可证|云服务(?:经营)?许可")
_PARTY_LINE = re.compile(r"^\s*(?P<label>[^：:（(\s]{1,12})\s*(?:[（(][^）)]{0,16}[）)])?\s*[：:]")
BLOCK_SCAN, BLOCK_LINES = 40, 8  # where the parties' blocks stand, and how long one runs


def _licensed_operator(party: Party, others: list[Party], texts: list[str]) -> bool:
    """Does the party's block at the head of the contract (its label line and the lines after it, up to
    another party's) give a telecom operating licence (增值电信业务经营许可证)?"""
    own, theirs = set(party.all_names()), {n for o in others for n in o.all_names()}
    for index, text in enumerate(texts[:BLOCK_SCAN]):
        line = _PARTY_LINE.match(text)
        if line is None or line["label"] not in own:
            continue
        for after in texts[index:index + BLOCK_LINES]:
            other = _PARTY_LINE.match(after)
            if after is not text and other is not None and other["label"] in theirs:
                break
            if _TELECOM_LICENCE.search(after):
                return True
        return False
    return False


def _hosts_the_cloud(party: Party, texts: list[str]) -> str | None:
    """The reason the performing party is the cloud provider whose customer commissions it, or None."""
    stated = _runs_the_cloud(party, texts)
    if stated:
        return stated
    pattern = _brand_pattern(party, _ON_THE_CLOUD)
    if pattern is None:
        return None
    said = list(dict.fromkeys(_said(pattern, texts)))  # different places on the cloud
    if len(said) < HOST_MIN:
        return None
    return f"所委托的工作在该方运营的云上进行（“{'”“'.join(said[:2])}”），该方为云服务提供者"


def _hosts_their_servers(party: Party, texts: list[str]) -> str | None:
    """甲方拟将其自有的仓储管理服务器托管于乙方数据中心: the other side's own business servers hosted in the
    party's data centre make it the provider of the hosting (not 甲方将其云平台服务器托管于乙方机房, where a
    cloud's racks are let to it by its partner)."""
    names = _names_pattern(party)
    if not names:
        return None
    hosted = re.compile(rf"(?P<what>[^，。；]{{0,30}}?)(?:托管于|托管在|托管至|放置于|放置在|部署于|部署在){names}的?"
                        rf"[^，。；]{{0,8}}?(?:数据中心|机房|机柜)")
    for text in map(texts.__getitem__, paragraphs_holding(hosted, texts)):
        for match in hosted.finditer(text):
            what = match.group("what")
            if "云" not in what and re.search(r"服务器|设备|业务系统|信息系统", what):
                return f"另一方将其自有的服务器或系统托管于该方的数据中心（“{match.group()[-40:]}”），该方为服务提供者"
    return None


def _platform_suppliers(registry: PartyRegistry, decisions, texts: list[str], lexicons: Lexicons):
    """Cloud terms of a marketplace: the sellers (服务商) supply products to the users on the
    provider's platform, so they are the provider's partners, with roles from what they supply."""
    lexicon, suppliers = lexicons.parties, {}
    for party in registry.parties:
        if id(party) in decisions or party.not_signing:
            continue
        if not any(lexicon.side_of_label(w) == PERFORMING for w in party.labels):
            continue
        work = work_of(party.all_names(), [], texts, lexicon)  # its clauses name the platform and users too
        roles = work.partner_roles(lexicons.partner_roles)
        if roles:
            reasons = [r for role in roles for r in work.reasons.get(role, ())][:2]
            suppliers[id(party)] = _Decision(roles, ["通过云服务提供者的平台向用户提供产品或服务的一方"] + reasons)
    return suppliers


def _order_form_customer(registry: PartyRegistry, decisions, provider: Party | None, lexicon):
    """An order form with the provider's terms attached (甲方：X公司 … 乙方：Y云 …, then 您/我们 in the
    terms): the one other party of the form's block, beside the provider, is the customer the terms call
    您."""
    if provider is None or not any(w in lexicon.ordinals for w in provider.labels):
        return {}
    others = [p for p in registry.parties if id(p) not in decisions and not p.not_signing
              and any(w in lexicon.ordinals for w in p.labels)]
    if len(others) != 1:
        return {}
    reason = "订购单首部中与云服务提供者相对的一方，即所附条款中的“您”，属云服务客户"
    return {id(others[0]): _Decision((CUSTOMER,), [reason])}


def _named_elsewhere(named: dict[int, dict[str, str]], i: int, role: str) -> bool:
    return any(j != i and role in roles for j, roles in named.items())


def _named_roles(parties: list[Party], texts: list[str], lexicons: Lexicons) -> dict[int, dict[str, str]]:
    """乙方（软件提供者及硬件提供者）/ 乙方作为运维服务提供者 / 甲方是西北地区的云计算服务提供商 /
    云服务提供者（甲方): the contract names the party's role itself (not 乙方为云服务客户提供…, where
    the role is whom the work is for). Party index -> role -> reason."""
    named: dict[int, dict[str, str]] = {}
    for i, party in enumerate(parties):
        for hint in party.hints:
            for role, role_words in lexicons.parties.roles.items():
                if role_words.names.search(hint):
                    named.setdefault(i, {}).setdefault(role, f"当事人信息中写明“{party.key}（{hint}）”")
        # 甲方（云服务提供方）, or 云服务商 as the party's only label: the label is the role's name.
        for label in party.labels:
            for role, role_words in lexicons.parties.roles.items():
                if role_words.names.fullmatch(label):
                    named.setdefault(i, {}).setdefault(role, f"合同以“{label}”称呼{party.key}")
    words = {word: i for i, party in enumerate(parties) for word in party.all_names()}
    if not words:
        return named
    mention = alternation(words).pattern
    for role, role_words in lexicons.parties.roles.items():
        pattern = re.compile(
            rf"(?P<party>{mention})\s*(?:是|为|系|作为|担任|即)(?:[^，。；、]{{0,16}}?的)?(?P<role>{role_words.names.pattern})"
            r"(?!\s*(?:提供|处理|开展|进行|实施|履行))"
            rf"|(?P<role2>{role_words.names.pattern})\s*[（(]\s*(?P<party2>{mention})\s*[）)]"
        )
        for text in map(texts.__getitem__, paragraphs_holding(pattern, texts)):  # only where it may match
            for match in pattern.finditer(text):
                i = words[match.group("party") or match.group("party2")]
                named.setdefault(i, {}).setdefault(
                    role, f"合同称其为{match.group('role') or match.group('role2')}：“{excerpt(text, QUOTE)}”"
                )
    return named


# ---------------------------------------------------------------- our organisation
def _with_organisation(registry, decisions, organisation: Organisation, subject: SubjectMatter, standard: Standard,
                       cloud: bool):
    lexicons = standard.lexicons
    ours = _our_party(registry, organisation)
    if ours is None:
        listed = "、".join(organisation.names)
        return decisions, f"未在合同当事人中找到我方（{listed}），各方角色按合同内容推断"
    inferred, decisions = decisions, dict(decisions)
    shown = ours.name or ours.key
    role_name = standard.catalogue.role(organisation.role).name
    decisions[id(ours)] = _Decision((organisation.role,), [f"我方（{shown}），按设置为{role_name}"], "given")
    others_decided = any(id(p) in inferred for p in registry.parties if p is not ours)
    for party in registry.parties:
        if party is ours or _is_third_party(party, lexicons):
            continue
        current = inferred.get(id(party))
        if current and organisation.role not in current.roles:
            continue  # what the contract says of the other parties stands
        if current is None and others_decided:
            continue  # a party the contract gives no role to (the customer's own users) stays without one
        decisions[id(party)] = _counterparty(organisation.role, subject, lexicons, cloud)
    return decisions, None


def _our_party(registry: PartyRegistry, organisation: Organisation) -> Party | None:
    for name in organisation.names:
        party = registry.find(name)
        if party is not None:
            return party
    # A name written a little differently: 华云数智科技有限公司 within 北京华云数智科技有限公司.
    for party in registry.parties:
        if party.name and any(
            name in party.name or party.name in name for name in organisation.names if len(name) >= 2
        ):
            return party
    return None


def _is_third_party(party: Party, lexicons: Lexicons) -> bool:
    return any(lexicons.parties.side_of_label(word) == THIRD_PARTY for word in party.labels + party.hints)


def _counterparty(our_role: str, subject: SubjectMatter, lexicons: Lexicons, cloud: bool) -> _Decision:
    partner_roles = lexicons.partner_roles
    if our_role != PROVIDER:
        return _Decision((PROVIDER,), ["与我方订约的一方，视为云服务提供者"])
    if cloud or subject.is_cloud_service(partner_roles):
        return _Decision((CUSTOMER,), ["向我方（云服务提供者）购买云服务的一方"])
    roles = subject.partner_roles(partner_roles)
    if not roles:
        return _Decision((), [])
    reasons = [r for role in roles for r in subject.reasons.get(role, ())][:3]
    return _Decision(roles, ["为我方（云服务提供者）实施工作的合作者"] + reasons)


def _pairs(roles_of: dict[str, tuple[str, ...]], catalogue: Catalogue) -> tuple[str, ...]:
    """The catalogue's pairs whose two roles are held by two different parties, in catalogue order."""
    held = [set(roles) for roles in roles_of.values()]
    return tuple(
        pair.id for pair in catalogue.pairs
        if any(pair.roles[0] in a and pair.roles[1] in b for a in held for b in held if a is not b)
    )

