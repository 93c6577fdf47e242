"""Who the parties are and which roles of the standard they hold.

Reads the party block and the definitions (甲方：…有限公司（以下简称“华云”）,
委托方（甲方）：…), then infers each party's roles from what the contract
has it do, with the reasons kept for the report. Roles given by the user
override the inference.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from contractkit.results.model import PartyResult
from contractkit.understanding.lexicons import Lexicons
from contractkit.understanding.nlp import Sentence
from contractkit.understanding.statements import BOTH_PARTIES, find_mentions, statements

CLAUSE_END = re.compile(r"[，,；;。：:]")

QUOTED = r"[“\"'‘「『]([^”\"'’」』]{1,20})[”\"'’」』]"
ALIAS_DEFINITION = re.compile(
    r"(?:以下简称|以下称|下称|简称)(?:为)?(?:" + QUOTED + r"(?:或" + QUOTED + r")?"
    r"|([^“”\"'，,。；;：:（）()\s]{1,10})(?=[）)]))"
)
ORGANISATION_OPENING = re.compile(
    r"^\s*[\u4e00-\u9fa5A-Za-z0-9（）()·&\-]{2,60}?"
    r"(?:有限公司|有限责任公司|股份有限公司|集团|中心|研究院|研究所|局|委员会|大学|学校|医院)\s*[（(]$"
)
PARTY_BLOCK_SCAN = 60  # blocks from the top where the party block is looked for


@dataclass
class Party:
    key: str
    labels: list[str] = field(default_factory=list)
    name: str | None = None
    roles: Counter = field(default_factory=Counter)
    reasons: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    side: str | None = None

    def add_label(self, label: str) -> None:
        if label and label not in self.labels:
            self.labels.append(label)


@dataclass(frozen=True)
class PartyAnalysis:
    parties: tuple[PartyResult, ...]
    pairs: tuple[str, ...]
    aliases: dict[str, str]  # every label/name -> party key
    pattern: re.Pattern | None  # finds any alias in text
    notes: tuple[str, ...]
    role_of: dict[str, tuple[str, ...]]  # party key -> role ids


def analyse_parties(
    texts: list[str],
    sentences: list[list[Sentence]],
    lexicons: Lexicons,
    given_roles: dict[str, list[str]] | None = None,
) -> PartyAnalysis:
    parties = _find_parties(texts, lexicons)
    given_roles = given_roles or {}
    for label in given_roles:
        if not any(label in p.labels for p in parties.values()):
            parties[label] = Party(key=label, labels=[label])
    aliases, pattern = _alias_index(parties)
    if not given_roles:
        _infer_roles(parties, texts, sentences, lexicons, aliases, pattern)
    roles_of = _decide_roles(parties, given_roles, aliases, lexicons.partner_roles)
    pairs = _pairs(roles_of, lexicons.partner_roles)
    # 双方/各方 name every party at once; mentions of them bind each party.
    aliases = dict(aliases) | {word: BOTH_PARTIES for word in lexicons.both}
    pattern = re.compile("|".join(map(re.escape, sorted(aliases, key=len, reverse=True))))
    notes = []
    if not pairs:
        notes.append(
            "未能从合同推断出云服务角色（客户、云服务提供者或合作者）；可用 --role 甲方=provider --role 乙方=om 指定"
        )
    results = tuple(
        PartyResult(
            label=p.labels[0],
            name=p.name,
            roles=roles_of.get(p.key, ()),
            source="given" if any(lbl in given_roles for lbl in p.labels) else "inferred",
            reasons=tuple(r for role in roles_of.get(p.key, ()) for r in p.reasons.get(role, []))
            or tuple(f"由用户指定为 {role}" for role in roles_of.get(p.key, ()) if given_roles),
            aliases=tuple(p.labels[1:]) + ((p.name,) if p.name else ()),
        )
        for p in parties.values()
    )
    return PartyAnalysis(results, pairs, aliases, pattern, tuple(notes), roles_of)


# ---------------------------------------------------------------- party block
def _find_parties(texts: list[str], lexicons: Lexicons) -> dict[str, Party]:
    labels = "|".join(sorted(map(re.escape, lexicons.party_labels), key=len, reverse=True))
    heading = re.compile(
        rf"^\s*(?:(?P<outer>{labels})\s*[（(]\s*(?P<inner>{labels})\s*[）)]"
        rf"|(?P<label>{labels})(?:\s*[（(](?P<hint>[^）)]{{1,24}})[）)])?)\s*(?:[：:]\s*(?P<name>.*))?$"
    )
    parties: dict[str, Party] = {}
    for text in texts[:PARTY_BLOCK_SCAN]:
        match = heading.match(text)
        if not match:
            continue
        main = match.group("inner") or match.group("label")
        party = parties.setdefault(main, Party(key=main, labels=[main]))
        if match.group("outer"):
            party.add_label(match.group("outer"))
        hint = match.group("hint") or ""
        for label in lexicons.party_labels:
            if label in hint.split("、") or hint == label:
                party.add_label(label)
        if hint:
            _role_hint(party, hint, lexicons, f"当事人信息中写明“{main}（{hint}）”")
        name = _clean_name(match.group("name") or "")
        if name and not party.name:
            party.name = name
    # Aliases defined anywhere: 华云数智科技有限公司（以下简称“华云”）
    for index, text in enumerate(texts):
        for definition in ALIAS_DEFINITION.finditer(text):
            alias = definition.group(1) or definition.group(3)
            owner = _owner_of_alias(text[: definition.start()], parties)
            # "杭州星河云计算有限公司（以下简称“星河”）" opening a line of the party block.
            at_party_block = index < PARTY_BLOCK_SCAN and ORGANISATION_OPENING.match(text[: definition.start()])
            if owner is None and (alias in lexicons.party_labels or at_party_block):
                # "XX公司（以下简称许可方）" with no party block: the definition makes the party.
                owner = parties.setdefault(alias, Party(key=alias, labels=[alias]))
                owner.name = owner.name or _clean_name(_name_before(text[: definition.start()]))
            if owner and alias not in owner.labels:
                owner.add_label(alias)
    _parties_by_use(parties, texts, lexicons)
    return parties


def _name_before(before: str) -> str:
    """The organisation name just before a （以下简称…） definition."""
    before = re.split(r"[。；;\n]", before)[-1]
    return re.sub(r"^.*?[：:]", "", before).rstrip("（( ")


def _parties_by_use(parties: dict[str, Party], texts: list[str], lexicons: Lexicons) -> None:
    """Labels the contract keeps using as parties (甲方应…) are parties even without a party block."""
    known = {label for party in parties.values() for label in party.labels}
    counts: Counter = Counter()
    labels = sorted(set(lexicons.party_labels) - known, key=len, reverse=True)
    if not labels:
        return
    pattern = re.compile("(" + "|".join(map(re.escape, labels)) + r")(?:应|须|有权|不得|负责|可以|承担)")
    for text in texts:
        counts.update(m.group(1) for m in pattern.finditer(text))
    for label, count in counts.items():
        if count >= 2 and not any(label != other and label in other for other in counts):
            parties[label] = Party(key=label, labels=[label])


def _clean_name(raw: str) -> str | None:
    name = re.split(r"[（(]以下|[（(]简称|，|。|；|\s{2,}", raw.strip())[0].strip()
    name = name.strip("_＿ 　:：")
    return name if len(name) >= 2 and not set(name) <= set("_＿ 　") else None


def _owner_of_alias(before: str, parties: dict[str, Party]) -> Party | None:
    for party in parties.values():
        if party.name and party.name in before[-80:]:
            return party
    for party in parties.values():
        if any(before.rstrip().endswith(lbl) or f"{lbl}：" in before[-80:] for lbl in party.labels):
            return party
    return None


def _role_hint(party: Party, hint: str, lexicons: Lexicons, reason: str) -> None:
    for role, lexicon in lexicons.roles.items():
        if lexicon.names.search(hint):
            party.roles[role] += 10
            party.reasons[role].append(reason)
    if hint in lexicons.entrusting:
        party.side = "entrusting"
    elif hint in lexicons.performing:
        party.side = "performing"


def _alias_index(parties: dict[str, Party]):
    aliases = {}
    for party in parties.values():
        for label in party.labels:
            aliases[label] = party.key
        if party.name:
            aliases[party.name] = party.key
    if not aliases:
        return aliases, None
    pattern = re.compile("|".join(map(re.escape, sorted(aliases, key=len, reverse=True))))
    return aliases, pattern


# ---------------------------------------------------------------- inference
def _infer_roles(parties, texts, sentences, lexicons, aliases, pattern) -> None:
    """Score roles: a role named as the party's (甲方作为云服务提供者) weighs most, then
    what the party is obliged or entitled to do (乙方应提供运维服务)."""
    if pattern is None:
        return
    for party in parties.values():
        if party.side is None:
            if any(lbl in lexicons.entrusting for lbl in party.labels):
                party.side = "entrusting"
            elif any(lbl in lexicons.performing for lbl in party.labels):
                party.side = "performing"
    # 委托乙方… / 聘请乙方… / 由乙方负责…: the party after these does the work the sentence names.
    COMMISSIONED = re.compile(rf"(?:委托|聘请|交由|由)({pattern.pattern})")
    named_as = {
        role: re.compile(
            rf"(?P<party>{pattern.pattern})\s*(?:是|为|系|作为|担任|即)[^，。；,;]{{0,20}}?(?P<role>{lexicon.names.pattern})"
            rf"|(?P<role2>{lexicon.names.pattern})\s*[（(]\s*(?P<party2>{pattern.pattern})\s*[）)]"
        )
        for role, lexicon in lexicons.roles.items()
    }
    for block in sentences:
        for sentence in block:
            mentions = find_mentions(sentence.text, aliases, pattern)
            if not mentions:
                continue
            for role, regex in named_as.items():
                for match in regex.finditer(sentence.text):
                    party = parties[aliases[match.group("party") or match.group("party2")]]
                    party.roles[role] += 5
                    _reason(party, role, f"合同称其为{match.group('role') or match.group('role2')}：“{_quote(sentence.text)}”")
            for commissioned in COMMISSIONED.finditer(sentence.text):
                key = aliases.get(commissioned.group(1))
                if key is None or key not in parties:
                    continue
                if not commissioned.group(0).startswith("由"):  # 由乙方负责 names the doer, not a commission
                    parties[key].side = parties[key].side or "performing"
                    commissioner = [m.party for m in mentions if m.end <= commissioned.start()]
                    if commissioner and commissioner[-1] in parties and commissioner[-1] != key:
                        parties[commissioner[-1]].side = parties[commissioner[-1]].side or "entrusting"
                for role, lexicon in lexicons.roles.items():
                    activity = lexicon.activities.search(sentence.text)
                    if activity:
                        parties[key].roles[role] += 1
                        _reason(parties[key], role, f"受托从事“{activity.group()}”：“{_quote(sentence.text)}”")
            for statement in statements(sentence, mentions):
                if not statement.actor or statement.kind not in ("duty", "right"):
                    continue
                # What the party is to do follows its modal word, in the same clause.
                clause_end = CLAUSE_END.search(sentence.text, statement.end)
                doing = sentence.text[statement.end : clause_end.start() if clause_end else None]
                for role, lexicon in lexicons.roles.items():
                    activity = lexicon.activities.search(doing)
                    if activity:
                        party = parties[statement.actor]
                        party.roles[role] += 1
                        _reason(party, role, f"约定其从事“{activity.group()}”：“{_quote(sentence.text)}”")
    for party in parties.values():
        for role, lexicon in lexicons.roles.items():
            named = [label for label in party.labels if lexicon.names.fullmatch(label)]
            if named:
                party.roles[role] += 5
                _reason(party, role, f"合同以“{named[0]}”称呼该方")


def _reason(party: Party, role: str, reason: str) -> None:
    if len(party.reasons[role]) < 3:
        party.reasons[role].append(reason)


def _quote(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _decide_roles(
    parties: dict[str, Party], given: dict[str, list[str]], aliases, partner_roles: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    if given:
        decided: dict[str, tuple[str, ...]] = {}
        for label, roles in given.items():
            decided[aliases.get(label, label)] = tuple(dict.fromkeys(roles))
        return decided
    decided = {}
    for party in parties.values():
        # The side that does the work needs less evidence than the side that commissions it.
        threshold = {"performing": 1, "entrusting": 3}.get(party.side, 2)
        partner_scores = {r: party.roles[r] for r in partner_roles if party.roles[r] >= threshold}
        chosen = []
        if partner_scores:
            best = max(partner_scores.values())
            # A second role counts when the contract gives it comparable weight (Appendix A.1: O&M + security).
            chosen = [r for r, s in partner_scores.items() if s >= max(threshold, best * 0.75)]
        # A party named as the provider or the customer is that, whatever else it does.
        cloud_role = max(("provider", "customer"), key=lambda r: party.roles[r])
        if party.roles[cloud_role] >= 5 and party.roles[cloud_role] >= max(partner_scores.values(), default=0):
            chosen = [cloud_role]
        if chosen:
            decided[party.key] = tuple(sorted(chosen, key=lambda r: -party.roles[r]))
    # The commissioning side of a contract with a partner is the provider (clause 5: provider–partner).
    has_partner = any(set(r) & set(partner_roles) for r in decided.values())
    has_provider = any("provider" in r for r in decided.values())
    for party in parties.values():
        if party.key in decided:
            continue
        if has_partner and not has_provider and party.side == "entrusting":
            decided[party.key] = ("provider",)
            party.reasons["provider"].append("委托合作者实施工作的一方，依第5章视为云服务提供者")
            has_provider = True
    # A provider that does the work for the other side (供应商/服务方) serves a customer.
    providers = [p for p in parties.values() if decided.get(p.key) == ("provider",)]
    for party in parties.values():
        if party.key in decided or not providers or len(parties) > 2:
            continue
        provider = providers[0]
        if provider.side == "performing" or party.roles["customer"] > 0 or party.side == "entrusting":
            decided[party.key] = ("customer",)
            party.reasons["customer"].append(f"接受{provider.labels[0]}所提供云服务的一方")
    return {k: v for k, v in decided.items() if v}


def _pairs(roles_of: dict[str, tuple[str, ...]], partner_roles: tuple[str, ...]) -> tuple[str, ...]:
    all_roles = [set(r) for r in roles_of.values()]
    pairs = []
    provider_present = any("provider" in r for r in all_roles)
    if provider_present and any("customer" in r for r in all_roles):
        pairs.append("customer-provider")
    if provider_present:
        for role in partner_roles:
            if any(role in r and "provider" not in r for r in all_roles):
                pairs.append(f"provider-{role}")
    return tuple(pairs)
