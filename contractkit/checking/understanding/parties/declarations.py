"""Find the parties a contract names, merging each party's labels and names into one.

Contracts declare their parties in a handful of ways, all read here:

- a party block near the top: ``甲方：X``, ``甲方（需方）：X``, ``委托方（甲方）：X``, the label
  alone on a line with the name on the next, ``委托方：＿＿`` then ``（甲方）``;
- alias definitions anywhere: ``X（以下简称“甲方”）``, ``X，以下简称乙方；``, ``「」``/“”/""/''
  quotes, ``本协议是X（以下称“七牛云”）与用户（以下称“您”）…``;
- label definitions: ``“业主”是指…委托…的一方``;
- the signature block: ``甲方（盖章）：X``;
- labels the contract keeps using as parties (``甲方应…``) when nothing else declares them.

Placeholders of blank templates (``<公司>``, ``______``, ``【】``, ``×××``) leave the name empty.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from contractkit.checking.understanding.literals import paragraphs_holding
from contractkit.checking.understanding.parties.lexicon import PartyLexicon, alternation

PARTY_BLOCK_SCAN = 80  # blocks from the top where the party block is looked for
SIGNATURE_SCAN = 60  # blocks from the end where the signature block is looked for
BLOCK_LINE_MAX = 90  # a party-block line is short; a longer one is prose
USES_TO_COUNT = 2  # a known label used this often as a subject is a party without a declaration

QUOTE_OPEN, QUOTE_CLOSE = "“\"'‘「『", "”\"'’」』"
QUOTED = rf"[{QUOTE_OPEN}]([^{QUOTE_CLOSE}]{{1,24}})[{QUOTE_CLOSE}]"
_QUOTED_RUN = rf"[{QUOTE_OPEN}][^{QUOTE_CLOSE}]{{1,24}}[{QUOTE_CLOSE}]"
# 以下简称“甲方” / 下称"乙方" / 以下或称“用户” / 简称为：“DCloud” / 以下简称甲方 (unquoted, up to a bracket
# or stop); several names at once: 以下简称“信鸽云”“服务方”或“我们”.
# A translated agreement's X有限公司（“霁川”）: a bracket holding only the quoted short name defines it too.
ALIAS_DEFINITION = re.compile(
    r"(?:(?:(?:以下|下文|下)(?:或|也|亦|又|统|合|均)?简?称|简称|或称|也称|亦称|又称)(?:为|作)?[：:]?\s*"
    rf"|(?<=[（(])\s*(?={_QUOTED_RUN}\s*[）)]))"
    # (以下简称“客户”，在本条款中亦称“您”: a second name given in the same bracket.)
    rf"(?:(?P<quoted>{_QUOTED_RUN}(?:\s*(?:或|、|/|及|和|[，,]\s*(?:在本(?:条款|协议|合同)中)?(?:亦|也|又|或)称(?:为)?)?"
    rf"\s*{_QUOTED_RUN})*)"
    rf"|(?P<bare>[^“”\"'，,。；;：:（）()\s]{{1,10}})(?=[）)，,；;。]))"
)
PLACEHOLDER = re.compile(
    r"[_＿×xX＊*]{2,}|<[^<>]{0,20}>|＜[^＜＞]{0,20}＞|【[^【】]{0,20}】|\[[^\[\]]{0,20}\]|…{1,}|\.{3,}"
)
SIGNATURE_MARK = re.compile(r"[（(]\s*(?:盖章|签章|公章|签字|签名|签字或盖章|盖章或签字|章)\s*[）)]|(?:盖章|签章|签字)")
ORGANISATION_SUFFIX = re.compile(
    r"(?:公司|集团|中心|研究院|研究所|局|委员会|大学|学院|学校|医院|银行|分行|支行|事务所|合作社|协会|厂|站|部|办公室|"
    r"政府|管理处|单位|工作室|科技|网络)$"
)
def looks_like_organisation(name: str | None) -> bool:
    """…有限公司, 重庆邮电大学: an organisation's name, not the bare word 学校 or 公司, nor a phrase
    that runs into one (根据学校)."""
    match = ORGANISATION_SUFFIX.search(name or "")
    return match is not None and match.start() >= 2 and not LEADING_FUNCTION_WORD.match(name or "")


LEADING_FUNCTION_WORD = re.compile(r"根据|按照|依据|依照|经|由|在|对|向|与|和|及|供|就|为|将|从|自|同|如|若|当")


STRONG_ORGANISATION = re.compile(r"(?:公司|集团|大学|学院|医院|研究院|研究所|委员会|局|银行|事务所)$")
LEAD_IN = re.compile(
    r"^(?:本[^，。；]{0,8}?(?:协议|合同|条款|规则)(?:是|系|为|由|适用于)?|欢迎(?:您)?(?:与|使用|选择)?|是|系|即|由|"
    r"订立(?:合同|协议)(?:各方|双方)?[：:]?)"
)
# A name with a place in brackets inside it: 青穹云计算（深圳）有限公司.
NAME = r"(?:[^\s，,。；;：:、（）()“”《》的]|[（(][\u4e00-\u9fa5]{1,6}[）)]){2,40}?"
SEGMENT_BREAK = re.compile(r"[。；;，,：:、\n]|\s{2,}")


@dataclass
class Party:
    """One party: every label and name the contract gives it."""

    labels: list[str] = field(default_factory=list)
    name: str | None = None
    hints: list[str] = field(default_factory=list)  # words qualifying a label: 甲方（需方） -> 需方
    definitions: list[str] = field(default_factory=list)  # the contract's definition of its label
    not_signing: bool = False  # the contract says it is not a party (分包方不是本合同当事人)

    @property
    def key(self) -> str:
        return self.labels[0] if self.labels else (self.name or "")

    def add_label(self, label: str) -> None:
        if label and label not in self.labels:
            self.labels.append(label)

    def all_names(self) -> list[str]:
        return self.labels + ([self.name] if self.name else [])


class PartyRegistry:
    """The parties found so far; adding a label or name already known merges into its party."""

    def __init__(self, lexicon: PartyLexicon):
        self.lexicon = lexicon
        self.parties: list[Party] = []

    def find(self, word: str) -> Party | None:
        for party in self.parties:
            if word in party.labels or (party.name and word == party.name):
                return party
        return None

    def add(self, labels=(), name: str | None = None, hint: str | None = None,
            as_given: bool = False) -> Party | None:
        """``as_given``: the user named this label a party; take it even if it is no label we know."""
        labels = [label for label in labels if label and (as_given or label not in self.lexicon.non_parties)]
        if not labels and not name:
            return None
        # (each party once, however many of the words it holds)
        found = list({id(p): p for p in (self.find(word) for word in labels + ([name] if name else []))
                      if p is not None}.values())
        party = found[0] if found else None
        if party is None:
            party = Party()
            self.parties.append(party)
        for other in found[1:]:
            if other is not party:
                self._merge(party, other)
        for label in labels:
            party.add_label(label)
        if name and not party.name:
            party.name = name
        if hint and hint not in party.hints:
            party.hints.append(hint)
        return party

    def fold_into_principals(self) -> None:
        """In a contract between two named parties of opposite sides, a label with no name of its
        own that says the side (供应商, 服务商) is the named party of that side."""
        side = self.lexicon.side_of_label
        sides = {id(p): next((side(w) for w in p.labels + p.hints if side(w)), None) for p in self.parties}
        principals = [p for p in self.parties if p.name and sides[id(p)] is not None]
        if len(principals) != 2 or sides[id(principals[0])] == sides[id(principals[1])]:
            return
        by_side = {sides[id(p)]: p for p in principals}
        for party in list(self.parties):
            if party.name or party in principals or party.key in self.lexicon.ordinals or party.not_signing:
                continue  # (旧机房物业, who does not sign, is no other name of a signing party)
            principal = by_side.get(sides[id(party)])
            if principal is not None:
                self._merge(principal, party)

    def _merge(self, into: Party, other: Party) -> None:
        for label in other.labels:
            into.add_label(label)
        into.name = into.name or other.name
        into.hints += [h for h in other.hints if h not in into.hints]
        into.definitions += other.definitions
        self.parties.remove(other)


def find_parties(texts: list[str], lexicon: PartyLexicon) -> PartyRegistry:
    registry = PartyRegistry(lexicon)
    labels = LabelReader(lexicon)
    _party_block(texts[:PARTY_BLOCK_SCAN], registry, labels)
    _opening_names(texts[:PARTY_BLOCK_SCAN], registry, labels)
    _described_parties(texts[:PARTY_BLOCK_SCAN], registry, labels)
    _alias_definitions(texts, registry, labels)
    _label_definitions(texts, registry, labels)
    signing = _party_block(texts[-SIGNATURE_SCAN:], registry, labels, signature_only=True)
    _parties_by_use(texts, registry, lexicon)
    _label_variants(texts, registry, lexicon)
    _not_signing(texts, registry)
    _outsiders_not_signing(registry, signing)
    return registry


# (第七条 合作服务商: a clause's heading, not a party's label line.)
NOT_IN_LABEL = re.compile(r"以下|简称|称为|是指|本合同|本协议|[的是与和及或为指称]"
                          r"|第[一二三四五六七八九十百\d]+[条章节款项部]")


class LabelReader:
    """Tells a party label (甲方, 采购人, 用能单位, 节能服务公司) from other words."""

    # A label the lists do not know names an organisation: 用能单位, 节能服务公司, 咨询工程师 (a word
    # ending in 人 or 者 is more often a person of a party: 服务团队负责人, 第一承包人).
    GENERIC = re.compile(r"[\u4e00-\u9fa5（）()]{0,8}?(?:方|单位|公司|商|机构|工程师|委员会)")

    def __init__(self, lexicon: PartyLexicon):
        self.lexicon = lexicon
        known = alternation(lexicon.labels).pattern
        self.label = rf"(?:{known}|{self.GENERIC.pattern})"

    def is_label(self, word: str) -> bool:
        word = word.strip()
        if not word or word in self.lexicon.block_fields or word in self.lexicon.non_parties:
            return False
        if word.startswith(("其他", "其它", "任何", "第三", "另一")):
            return False  # 其他服务商: whoever else, not a party of this contract
        if word not in self.lexicon.label_side and NOT_IN_LABEL.search(word):
            return False  # 以下简称许可方, 本合同甲方: a phrase around a label, not a label
        if word in self.lexicon.label_side:
            return True
        # A word the lists do not know is a label when its own words give a side (用能单位, 咨询工程师).
        return bool(self.GENERIC.fullmatch(word)) and self.lexicon.side_of_label(word) is not None


# ---------------------------------------------------------------- party block
def _compact(text: str) -> str:
    """甲    方: -> 甲方:  (short block lines space their labels out; Markdown's ** and # go)."""
    text = re.sub(r"\*\*|__|^#+\s*|^>\s*", "", text.strip()).strip()
    return re.sub(r"(?<=[\u4e00-\u9fa5])[ \u3000]+(?=[\u4e00-\u9fa5（(：:])", "", text)


def clean_name(raw: str) -> str | None:
    """The organisation's name from what follows a label, or None for a blank or placeholder."""
    # (…有限公司日期：2024年5月20日: a signature line's date run on by a PDF's lost spacing.)
    name = re.split(r"[（(](?:以下|下称|简称)|，|,|。|；|;|\s{2,}|\t|(?:签订|签署|签约|签字)?日期[:：]", raw.strip())[0]
    name = SIGNATURE_MARK.sub("", name)
    name = name.strip(" \u3000:：")
    # …有限公司（即主协议中的甲方） / …有限公司（Vestaline Software Pte. Ltd.）: a remark after the full name.
    remark = re.search(r"[（(][^（）()]*[）)]$", name)
    if remark and STRONG_ORGANISATION.search(name[:remark.start()]):
        name = name[:remark.start()]
    if PLACEHOLDER.search(name) or not name or len(name) < 2 or len(name) > 60:
        return None
    if re.fullmatch(r"[\W\d_]+", name):
        return None
    return name


def _cells(text: str) -> list[str]:
    """A line of a party block may hold two cells side by side (甲方（盖章）：X　　　乙方（盖章）：Y);
    a wide gap between two words splits it, the gap inside a spaced-out label (甲    方) does not."""
    return [c for c in re.split(r"(?<=\S\S)[ \u3000\t]{2,}(?=\S\S)", text.strip()) if c]


def _party_block(texts: list[str], registry: PartyRegistry, labels: LabelReader,
                 signature_only: bool = False) -> list[Party]:
    """The parties the block names, in order."""
    line = re.compile(
        # (用户名称：X / 客户全称：X on an order form: the label's name.)
        rf"^(?P<a>{labels.label})(?:名称|全称|单位名称)?\s*(?:[（(](?P<b>[^（）()]{{1,16}})[）)])?\s*(?:[：:](?P<rest>.*))?$"
    )
    name_then_label = re.compile(rf"^(?P<name>{NAME})\s*[（(](?P<label>{labels.label})[）)]\s*[：:]?$")
    described_line = re.compile(
        rf"^(?P<b>[\u4e00-\u9fa5]{{2,8}})\s*[（(](?P<a>{labels.label})[）)]\s*(?:[：:](?P<rest>.*))?$"
    )
    # 采购人（盖章）： 供应商（盖章）： — an empty field, then another a single space on (a PDF's lost
    # spacing): two cells.
    next_field = re.compile(rf"(?<=[：:])\s+(?=(?:{labels.label})\s*(?:[（(][^（）()]{{1,16}}[）)])?\s*[：:])")
    previous: Party | None = None
    named: list[Party] = []
    for index, raw in enumerate(texts):
        following = texts[index + 1] if index + 1 < len(texts) else ""
        for cell in (part for wide in _cells(raw) for part in next_field.split(wide) if part):
            previous = _block_cell(_compact(cell), following, previous, registry, labels, signature_only,
                                   line, name_then_label, described_line)
            if previous is not None and previous not in named:
                named.append(previous)
    return named


def _block_cell(text, following, previous, registry, labels, signature_only, line, name_then_label,
                described_line):
    if len(text) > BLOCK_LINE_MAX:
        return None
    # （甲方） alone under 委托方：＿＿: the line names the party above it.
    lone = re.fullmatch(rf"[（(]\s*({labels.label})\s*[）)]", text)
    if lone and previous is not None and labels.is_label(lone.group(1)):
        return registry.add([lone.group(1)] + previous.labels)
    # 厦门海屿云计算有限公司（委托方）
    named = name_then_label.match(text)
    if named and labels.is_label(named.group("label")) and not signature_only:
        name = clean_name(named.group("name"))
        if name and not labels.is_label(name) and looks_like_organisation(name):
            return registry.add([named.group("label")], name=name)
    match = line.match(text) or described_line.match(text)
    if match and not labels.is_label(match.group("a")) and match.group("b") and labels.is_label(match.group("b")):
        match = described_line.match(text)  # 测评机构（乙方）：X — the label is in the brackets
    if not match or not labels.is_label(match.group("a")):
        return None
    if (match.group("a") not in labels.lexicon.label_side and registry.find(match.group("a")) is None
            and sum(1 for p in registry.parties if p.name) >= 2):
        return None  # 使用单位：信息化办公室 under two named parties describes the project, not a party
    rest = match.group("rest")
    if signature_only and not (SIGNATURE_MARK.search(text) or rest is not None):
        return previous
    label, inner = match.group("a"), (match.group("b") or "").strip()
    found, hint = [label], None
    inner_labels = [w for w in re.split(r"[/／、,，]", inner) if labels.is_label(w)] if inner else []
    if inner_labels:
        found += inner_labels  # 甲方（委托方/采购方）
    elif inner and not SIGNATURE_MARK.fullmatch(f"（{inner}）"):
        hint = inner
    # 甲方：X, or the name on the next line (甲方 / 甲方： / 委托方（签章）： then 名称：X or X alone).
    name = clean_name(rest) if rest and rest.strip() else _name_on_next_line(following, labels)
    party = registry.add(found, name=name, hint=hint)
    for alias in ALIAS_DEFINITION.finditer(rest or ""):
        registry.add(party.labels[:1] + _aliases_of(alias))
    return party


def _name_on_next_line(text: str, labels: LabelReader) -> str | None:
    text = _compact(text)
    text = re.sub(r"^(?:名称|单位名称|公司名称|全称|单位全称)[：:]\s*", "", text)
    if not text or len(text) > 60 or re.search(r"[：:]", text) or labels.is_label(text):
        return None
    name = clean_name(text)
    return name if looks_like_organisation(name) else None


def _opening_names(texts: list[str], registry: PartyRegistry, labels: LabelReader) -> None:
    """X（甲方）与Y（乙方）经友好协商…: names with their labels in brackets, in the opening sentences."""
    pattern = re.compile(rf"(?P<name>{NAME})\s*[（(](?P<label>{labels.label})(?:[，,、][^（）()]{{0,20}})?[）)]")
    for text in map(texts.__getitem__, paragraphs_holding(pattern, texts)):  # only where it may match
        for match in pattern.finditer(text):
            label = match.group("label")
            name = clean_name(owner_segment(match.group("name")))
            if not name or not labels.is_label(label):
                continue
            # 需方可委托监理单位（沛原工程咨询有限公司）: the bracket names the company of someone who does
            # not sign, not a label of a party.
            if STRONG_ORGANISATION.search(label) and name.endswith(labels.lexicon.outsiders):
                continue
            # 用能单位（甲方）: two labels of one party; …有限公司（甲方）: a name and its label.
            described = re.split(r"[供与和及就对的向为将在]", name)[-1]
            if labels.is_label(described):
                registry.add([label, described])
            elif looks_like_organisation(name):
                registry.add([label], name=name)


# ---------------------------------------------------------------- definitions
def _aliases_of(match: re.Match) -> list[str]:
    """The short names an alias definition gives (以下简称“星澜云”“我们” / 以下简称甲方)."""
    words = re.findall(QUOTED, match.group("quoted") or "") + [match.group("bare") or ""]
    return [w.strip() for w in words if w.strip() and not PLACEHOLDER.search(w)]


ENUMERATOR = re.compile(
    r"^(?:[#>*\-\s]+|(?:[\d０-９]+[.．、]?)+\s*|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、"
    r"|第[一二三四五六七八九十百\d]+条)+"
)


DEFINITION_LINE = re.compile(
    rf"^\s*(?:[\d０-９.．]+\s*)?[{QUOTE_OPEN}]?(?P<term>[^{QUOTE_CLOSE}：:，,。（）()]{{1,10}})[{QUOTE_CLOSE}]?\s*(?:[：:]\s*)?(?:是指|系指|指)"
)


def _enclosing_bracket(text: str, end: int, reach: int = 80) -> int | None:
    """Where the bracket that is still open at ``end`` opens, within ``reach`` characters."""
    depth = 0
    for i in range(end - 1, max(end - reach, 0) - 1, -1):
        if text[i] in "）)":
            depth += 1
        elif text[i] in "（(":
            if depth == 0:
                return i
            depth -= 1
    return None


def owner_segment(before: str) -> str:
    """The words a definition names: the phrase just before it, without lead-ins (本协议是…, 欢迎您与…)."""
    # A definition made earlier in the sentence ends a phrase: X（以下称“七牛云”）与用户（以下称“您”）.
    before = re.sub(r"[（(][^（）()]*?(?:以下|下称|简称|或称|也称|亦称|又称)[^（）()]*[）)]", "。", before)
    before = before.rstrip(" （(，,")
    segment = SEGMENT_BREAK.split(before)[-1].strip()
    # …分包给X / 远帆协同是由X（以下简称“本平台”）开发和运营: the organisation after the verb.
    # (…，应事先取得X公司（以下简称“Y”）的书面许可: the organisation after 取得/征得/获得.)
    segment = re.split(r"(?:作为|担任|分包给|转包给|委托给|交由|聘请|是由|系由|取得|征得|获得)", segment)[-1]
    # 栖霞办公平台由X公司（以下简称“本公司”）开发: the organisation after a bare 由.
    by = re.fullmatch(r".+?由(?P<organisation>[^由]{2,40}?(?:公司|集团|中心|研究院))", segment)
    segment = by.group("organisation") if by else segment
    segment = ENUMERATOR.sub("", segment)
    segment = LEAD_IN.sub("", segment).strip()
    # 您与X / 甲方与X / 本公司与订购本服务的单位: the other party of the sentence.
    segment = re.sub(r"^.{0,4}?(?:您|用户|甲方|乙方|双方|本公司|我们|我方|本平台)(?:与|和|同)", "", segment)
    for word in ("与", "和", "同", "及"):
        if segment.startswith(word):
            segment = segment[len(word):]
    return segment.strip()


# 江州云算科技有限公司，一家根据中华人民共和国法律设立的有限责任公司，其注册地址位于…（“客户”）: a party
# described at length, its label defined in quotes at the end (contracts translated from English).
DESCRIBED_PARTY = re.compile(
    rf"^(?P<name>{NAME})(?:[（(][^（）()]{{1,60}}[）)])?[，,][^“”\"。]{{0,200}}?"
    rf"[（(][{QUOTE_OPEN}](?P<label>[^{QUOTE_CLOSE}]{{1,10}})[{QUOTE_CLOSE}][）)]\s*[；;。，,]?\s*(?:以及|和|及|与)?[；;。]?$"
)


def _described_parties(texts: list[str], registry: PartyRegistry, labels: LabelReader) -> None:
    for text in texts:
        match = DESCRIBED_PARTY.match(_compact(text))
        if match is None or not labels.is_label(match.group("label")):
            continue
        name = clean_name(match.group("name"))
        if looks_like_organisation(name):
            registry.add([match.group("label")], name=name)


def _alias_definitions(texts: list[str], registry: PartyRegistry, labels: LabelReader) -> None:
    lexicon = labels.lexicon
    addressed = (lexicon.addressee, *lexicon.customer_labels)
    for index in paragraphs_holding(ALIAS_DEFINITION, texts):  # only where a definition may be
        text = texts[index]
        for definition in ALIAS_DEFINITION.finditer(text):
            aliases = _aliases_of(definition)
            if not aliases:
                continue
            # 采购人及其统筹的各委办局（以下统称“使用单位”）: a name for a group, no alias of any one party
            # (unless the group takes a party's label: 甲方及其关联公司（以下统称“甲方”）).
            if _COLLECTIVE.search(definition.group()) and not all(labels.is_label(a) for a in aliases):
                continue
            # 您（指以企业名义注册的组织，以下或称“用户”）: the definition names what stands before its bracket.
            opening = _enclosing_bracket(text, definition.start())
            segment = owner_segment(text[: definition.start() if opening is None else opening])
            defining = DEFINITION_LINE.match(text)
            if defining and defining.end() <= definition.start():
                segment = defining.group("term")  # 用户：指…的个人或组织，在本协议中也称为“您”
            bare = PLACEHOLDER.sub("", segment).strip()  # 委托单位＿＿＿，以下简称甲方
            # …向客户（以下简称“您”） / 使用短信服务的客户（以下简称“客户”） / 本协议即在您（以下亦称“用户”）和我们
            # 之间生效: the label after a preposition or 的.
            candidates = (bare, re.sub(r"^.{0,8}?(?:向|对|为|由|在)(?=.{1,4}$)", "", bare), bare.rsplit("的", 1)[-1])
            owner_label = next((c for c in candidates if labels.is_label(c) or c in addressed), None)
            # Names are taken from the opening only: forms in the annexes (保函: 关于贵公司（以下简称“受让方”）)
            # name the parties differently.
            name = clean_name(segment) if not owner_label and index < PARTY_BLOCK_SCAN else None
            if not looks_like_organisation(name) and not owner_label and index < PARTY_BLOCK_SCAN:
                name = _name_before_particulars(text[: definition.start() if opening is None else opening])
            if not looks_like_organisation(name):
                name = None
            party_words = [a for a in aliases if labels.is_label(a) or a in addressed]
            existing = registry.find(owner_label) if owner_label else (registry.find(name) if name else None)
            if existing is not None:
                registry.add(existing.labels[:1] + aliases)
            elif owner_label:
                registry.add([owner_label] + aliases)
            elif name and (party_words or STRONG_ORGANISATION.search(name)):
                # 杭州星河云计算有限公司（以下简称“星河”）; never （以下简称“设备”）, a term.
                registry.add(aliases, name=name)
            elif party_words and (not bare or _ENTITY.search(bare)):
                # ＿＿＿＿（以下简称“甲方”）: a blank name; 签署订购单的客户实体（“客户”）: a kind of entity
                registry.add(party_words)
            elif len(party_words) >= 2:
                registry.add(party_words)  # …的个人或组织，简称为“用户”或“您”
            elif (index < PARTY_BLOCK_SCAN and len(aliases) == 1 and _KIND_OF_ORGANISATION.fullmatch(aliases[0])
                  and bare.rsplit("的", 1)[-1] == aliases[0]):
                # 订购本服务的学校（以下简称“学校”）: a party named by its kind, the description's own noun.
                registry.add(aliases)


_COLLECTIVE = re.compile(r"统称|合称")
# 学校 / 医院 / 使用单位: an organisation by its kind, when a description ending in it defines the short name.
_KIND_OF_ORGANISATION = re.compile(
    r"[\u4e00-\u9fff]{0,4}(?:学校|医院|单位|企业|机构|银行|大学|学院|集团|政府|委员会|中心)")
# …的客户实体 / 使用本服务的企业或个人: the kind of entity a label stands for, not a name.
_ENTITY = re.compile(r"(?:实体|组织|个人|法人)$")

# 溪宁星桥网络科技有限公司，住所：…（以下简称“星桥”）: the party's particulars stand between its name and
# the short name defined for it.
_PARTICULARS = re.compile(r"\s*(?:住所|地址|注册地址|住所地|统一社会信用代码|法定代表人|负责人|电话|联系电话)\s*[：:]")


def _name_before_particulars(before: str) -> str | None:
    """The name opening a line that goes on with the party's particulars (住所：…, 法定代表人：…)."""
    line = before.rsplit("\n", 1)[-1]
    first, _, rest = line.partition("，") if "，" in line else line.partition(",")
    if not rest or not _PARTICULARS.match(rest):
        return None
    return clean_name(first)


LABEL_DEFINITION = re.compile(
    rf"[{QUOTE_OPEN}](?P<label>[^{QUOTE_CLOSE}]{{1,12}})[{QUOTE_CLOSE}]"
    rf"(?:\s*(?:或|、)\s*[{QUOTE_OPEN}](?P<other>[^{QUOTE_CLOSE}]{{1,12}})[{QUOTE_CLOSE}])?"
    rf"\s*(?:[－\-—]+|：|:)?\s*(?:是指|系指|指)(?P<definition>[^。；;]{{2,80}})"
)


def _label_definitions(texts: list[str], registry: PartyRegistry, labels: LabelReader) -> None:
    """“业主”是指…委托监理业务的一方: a defined label is a party when the definition says it is one."""
    addressed = (labels.lexicon.addressee, *labels.lexicon.customer_labels)
    for text in map(texts.__getitem__, paragraphs_holding(LABEL_DEFINITION, texts)):  # only where it may match
        for match in LABEL_DEFINITION.finditer(text):
            label, definition = match.group("label").strip(), match.group("definition")
            words = [w for w in (label, (match.group("other") or "").strip()) if w]
            # “我们”或“星垣云”是指星垣数据科技（南京）有限公司: a name given to an organisation.
            name = clean_name(definition)
            if name and name == definition.strip() and STRONG_ORGANISATION.search(name):
                registry.add(words, name=name)
                continue
            if label == labels.lexicon.addressee:
                registry.add(words)  # “您”是指…
                continue
            if label in addressed:
                continue  # “用户”是指… defines a term of the service, not a party of the contract
            if not labels.is_label(label) or re.search(r"以外|之外|除[^，。]{0,20}外", definition):
                continue
            if not re.search(r"一方|当事人|法人|公司|单位|组织|个人|机构", definition) and registry.find(label) is None:
                continue
            party = registry.add([label])
            if party is not None:
                party.definitions.append(definition)


def _parties_by_use(texts: list[str], registry: PartyRegistry, lexicon: PartyLexicon) -> None:
    """Known labels the contract keeps using as parties (甲方应…) are parties even without a declaration,
    unless the contract declared its two parties already (then 受托人应当… quotes a law or a definition)."""
    if len(registry.parties) >= 2:
        return
    known = {label for party in registry.parties for label in party.labels}
    # (监理单位应… / 原厂应…: those who do not sign are named by use too, and are no party for it.)
    candidates = sorted(set(lexicon.labels) - known - set(lexicon.outsiders), key=len, reverse=True)
    if not candidates:
        return
    pattern = re.compile("(" + "|".join(map(re.escape, candidates)) + r")(?:应|须|有权|不得|负责|可以|承担|同意)")
    counts: Counter = Counter()
    for text in texts:
        counts.update(m.group(1) for m in pattern.finditer(text))
    for label, count in counts.items():
        if count >= USES_TO_COUNT and not any(label != other and label in other for other in counts):
            registry.add([label])


def _label_variants(texts: list[str], registry: PartyRegistry, lexicon: PartyLexicon) -> None:
    """Other forms of a party's label in the body are that party: 中标（成交）供应商 called 供应商,
    被许可方 called 被许可人 (…方, …人 and …单位 of one stem)."""
    text = "\n".join(texts)
    for party in list(registry.parties):
        for label in list(party.labels):
            stem = re.sub(r"(?:方|人|单位)$", "", label)
            variants = [v for v in lexicon.labels if v != label and label.endswith(v)]
            variants += [stem + end for end in ("方", "人", "单位") if stem != label and len(stem) >= 2]
            for variant in variants:
                if (variant != label and registry.find(variant) is None and variant in text
                        and lexicon.side_of_label(variant) == lexicon.side_of_label(label)):
                    registry.add([label, variant])


STATED_AS = r"(?:为|是|系|作为|即)(?:本(?:合同|协议|附件|条款)(?:项下)?的?)?"


def attach_stated_labels(texts: list[str], registry: PartyRegistry) -> None:
    """在本附件项下，您为个人信息处理者，我们为受托人: a clause that gives a party another label of
    the lists is that party's label too. Not when the label names another party with a name of its
    own, nor when the label's side contradicts the side the party's labels give."""
    lexicon = registry.lexicon
    words = {w for p in registry.parties for w in p.all_names()}
    if not words:
        return
    labels = alternation(set(lexicon.labels) - set(lexicon.ordinals)).pattern
    pattern = re.compile(
        rf"(?:^|(?<=[，,。；;：:\s]))(?P<party>{alternation(words).pattern}){STATED_AS}(?P<label>{labels})"
        r"(?=[，,。；;）)]|$)"
    )
    side, addressed = lexicon.side_of_label, {lexicon.addressee, *lexicon.customer_labels}
    for text in map(texts.__getitem__, paragraphs_holding(pattern, texts)):
        for match in pattern.finditer(text):
            party, label = registry.find(match.group("party")), match.group("label")
            holder = registry.find(label)
            if party is None or holder is party or (holder is not None and holder.name and party.name):
                continue
            # 开发者 of click-through terms is the user, whatever 开发 says of the side.
            sides = {side(w) for w in party.labels + party.hints if w not in addressed} - {None}
            if side(label) is not None and sides and sides != {side(label)}:
                continue
            registry.add(party.labels[:1] + [label], name=party.name)
    _attach_equated_labels(texts, registry)


# 本协议中的“用户”或“您”，是指注册…的组织: a definition that gives two labels one meaning.
EQUATED = re.compile(
    r"“(?P<a>[^“”，。]{1,12})”(?:或|、|和|及|或者)“(?P<b>[^“”，。]{1,12})”[，,]?\s*(?:均|皆)?(?:是指|系指|指)"
)
# 您在本协议中亦称“用户”: a second name given to a party in a sentence of its own, unbracketed.
ALSO_CALLED = re.compile(
    r"(?:^|(?<=[，,。；;]))(?P<a>[^“”，,。；;\s]{1,6}?)(?:在本(?:协议|合同|条款)(?:中|项下))?(?:亦|也|又)称(?:为)?“(?P<b>[^“”，。]{1,12})”"
    # 1.1 星汉云：指北京星汉云计算有限公司及其关联公司，本协议中也称“我们”: a defined term's other name,
    # at the end of its definition.
    r"|^\s*(?:[\d.．]+\s*)?(?P<term>[^：:“”，,。；;\s]{1,8})[：:]\s*指(?P<definition>[^。；]{1,80}?)[，,]\s*(?:在)?本(?:协议|合同|条款)"
    r"(?:中|项下)?(?:亦|也|又)称(?:为)?“(?P<other>[^“”，。]{1,12})”"
)


# 1.2 您、用户：指注册…的组织 / 1.1 星澜云、我们：指X公司（以下简称“星澜云”）: a definition line
# listing several terms, unquoted.
LISTED_TERMS = re.compile(
    r"^\s*(?:[\d０-９.．]+\s*|[（(]?[一二三四五六七八九十]+[）)、])?"
    r"(?P<terms>[^：:，,。；;（）()“”\s]{1,12}(?:(?:、|或|和|及)[^：:，,。；;（）()“”\s]{1,12}){1,3})"
    r"\s*[：:]\s*(?:是指|系指|指)(?P<rest>.*)$"
)


# 本协议中“运营方”是指甲方，即负责…的单位: a term defined as one of the parties, by its label.
DEFINED_AS_A_PARTY = re.compile(
    rf"[{QUOTE_OPEN}](?P<term>[^{QUOTE_CLOSE}，。]{{1,8}})[{QUOTE_CLOSE}]\s*(?:是指|系指|指)\s*"
    r"(?P<party>甲方|乙方|丙方|丁方)(?=[，,。；;（(、]|即|$)"
)


def _attach_equated_labels(texts: list[str], registry: PartyRegistry) -> None:
    """Labels defined as one (“用户”或“您”是指…, 您、用户：指…), one a party's: the others are that party's
    too, when each is a label of the lists, a word the terms of service use for a party (我们), or a
    short name the same definition gives (星澜云、我们：指X公司（以下简称“星澜云”）), and no other
    party's. The organisation the definition names is the party's name, if it has none."""
    lexicon = registry.lexicon
    party_words = set(lexicon.label_side) | {lexicon.addressee, *lexicon.customer_labels, *lexicon.provider_labels}
    for terms, rest in _defined_as_one(texts):
        holders = list({id(p): p for p in (registry.find(t) for t in terms) if p is not None}.values())
        if not holders or sum(1 for h in holders if h.name) > 1:
            continue  # no party among the terms, or two named parties: not one meaning
        party = next((h for h in holders if h.name), holders[0])
        for other in holders:
            if other is not party:  # 您 of the terms and 客户 found by use: one party
                registry.add(party.labels[:1] + other.labels, name=party.name)
        aliases = [a for d in ALIAS_DEFINITION.finditer(rest) for a in _aliases_of(d)]
        name = None
        if aliases and not party.name:
            first = next(ALIAS_DEFINITION.finditer(rest))
            candidate = clean_name(owner_segment(rest[: first.start()]))
            name = candidate if looks_like_organisation(candidate) else None
        elif not aliases and rest:
            # 星汉云：指北京星汉云计算有限公司及其关联公司，本协议中也称“我们”: the term defined is the
            # short name of the organisation its definition names.
            candidate = clean_name(_OWN_AFFILIATES.split(rest.strip())[0])
            if looks_like_organisation(candidate):
                aliases, name = [terms[0]], None if party.name else candidate
        for term in terms:
            if registry.find(term) is None and (term in party_words or term in aliases):
                registry.add(party.labels[:1] + [term], name=name or party.name)
        if name and not party.name:
            registry.add(party.labels[:1], name=name)


# 北京星汉云计算有限公司及其关联公司: the organisation, then those it brings along.
_OWN_AFFILIATES = re.compile(r"及其|或其|和其|以及|[，,（(]")


def _defined_as_one(texts: list[str]):
    """(terms, the rest of the definition) of each definition that gives several terms one meaning."""
    for text in texts:
        for match in EQUATED.finditer(text):
            yield [match.group("a"), match.group("b")], ""
        for match in ALSO_CALLED.finditer(text):
            if match.group("a"):
                yield [match.group("a"), match.group("b")], ""
            else:
                yield [match.group("term"), match.group("other")], match.group("definition")
        if (listed := LISTED_TERMS.match(text)) is not None:
            yield re.split(r"、|或|和|及", listed.group("terms")), listed.group("rest")
        for match in DEFINED_AS_A_PARTY.finditer(text):
            yield [match.group("term"), match.group("party")], ""


NOT_A_PARTY = re.compile(r"(?:不是|不属于|并非|非|不作为)(?:本|该)(?:合同|协议)(?:的)?"
                         r"(?:当事人|当事方|签约方|缔约方|签署方|一方)")


def _not_signing(texts: list[str], registry: PartyRegistry) -> None:
    """分包方不是本合同当事人 / 主管部门负责统筹管理，不是本协议的当事方: the contract itself says the
    party does not sign (the one named just before, or else the one opening the sentence)."""
    for text in texts:
        for match in NOT_A_PARTY.finditer(text):
            before = text[: match.start()].rstrip("（(，, ")  # X（不作为本合同当事人）
            named = [party for party in registry.parties if any(before.endswith(w) for w in party.all_names())]
            if not named and text[:match.start()].endswith(("，", ",")):  # (…统筹管理，不是…: said of the subject)
                named = _opening_the_sentence(before, registry)
            for party in named:
                party.not_signing = True


# 甲方委托的监理单位不是… / 乙方的分包商不是…: who engages or owns the one named is not it.
_QUALIFIES = re.compile(r"的|委托|聘请|聘用|选用|指定")


def _opening_the_sentence(before: str, registry: PartyRegistry) -> list[Party]:
    """The party whose name opens the sentence ``before`` ends in (not one qualifying another)."""
    sentence = re.split(r"[。；;]", before)[-1]
    sentence = ENUMERATOR.sub("", sentence.strip())
    for party in registry.parties:
        for word in party.all_names():
            if sentence.startswith(word) and not _QUALIFIES.match(sentence, len(word)):
                return [party]
    return []


def _outsiders_not_signing(registry: PartyRegistry, signing: list[Party]) -> None:
    """监理单位（以下简称…） defined in the recitals, absent from a signature block where the parties
    sign: a label that usually names someone who does not sign (监理单位, 原厂), or a mere short name
    with no side in it (旧机房物业), names no party here."""
    if len(signing) < 2:
        return  # no signature block to tell
    outsiders = set(registry.lexicon.outsiders)
    lexicon = registry.lexicon
    for party in registry.parties:
        if not party.labels or party in signing:
            continue
        # 旧机房由东湖物业服务有限公司（以下简称“旧机房物业”）管理: an organisation given a short name in
        # the recitals, no side label, absent from the signature block, is someone the contract speaks of.
        named = party.name is not None or any(looks_like_organisation(label) for label in party.labels)
        unsigned_name = named and not any(
            lexicon.side_of_label(label) or label in lexicon.ordinals
            for label in party.labels if not looks_like_organisation(label))  # (服务 in 物业服务有限公司)
        if set(party.labels) <= outsiders or unsigned_name:
            party.not_signing = True
