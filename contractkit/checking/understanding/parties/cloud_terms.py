"""Click-through cloud terms: written by the provider, addressed to 您.

``欢迎您使用XX云服务``, ``本协议是X公司与用户（以下称“您”）之间…``: such terms rarely
have a party block. The user is whoever 您 is (and the labels defined as 您);
the provider is the party that holds the rights and gives the undertakings of
its own terms (XX云有权…, XX云将…), found by counting the subjects of those words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from contractkit.checking.understanding.parties.declarations import PartyRegistry, clean_name
from contractkit.checking.understanding.parties.lexicon import PartyLexicon, alternation

# How click-through terms are accepted: 勾选同意, 点击“同意”, 使用本服务即视为同意…
CLICK_THROUGH = re.compile(
    r"(?:勾选|点击|点选)[^。；\n]{0,12}(?:同意|接受)|即(?:视为|表示)[^。；\n]{0,16}(?:同意|接受)[^。；\n]{0,6}(?:本|上述)"
    # 用户继续使用本平台服务的，视为同意修改后的条款: use is deemed acceptance.
    r"|(?:继续使用|使用|登录|注册)[^。；\n]{0,16}(?:即)?视为[^。；\n]{0,4}(?:同意|接受)"
)
ADDRESSEE_MIN = 3  # 您 at least this often …
ADDRESSEE_OVER_ORDINALS = 1.0  # … and more often than 甲方 and 乙方 together
PROVIDER_MIN = 3  # the provider's name is the subject of its rights at least this often
SUBJECT_MAX = 12
ORGANISATION_FORMS = ("公司", "集团", "有限公司", "股份有限公司", "集团公司")  # 腾讯云 = 腾讯云公司
NOT_A_PROVIDER = re.compile(
    r"^(?:本|该|此|上述|前述|相关|任何|所有|其他|第三方|双方|各方|一方|对方|我国|国家|法律|如|若|则|但|且|并|"
    r"同时|此外|因此|否则|届时|因|由于|在|对|为|经|自|除|当)"
)


@dataclass(frozen=True)
class CloudTerms:
    customer_words: tuple[str, ...]
    provider_words: tuple[str, ...]
    provider_name: str | None
    customer_reason: str
    provider_reason: str


def read_cloud_terms(texts: list[str], registry: PartyRegistry, lexicon: PartyLexicon) -> CloudTerms | None:
    text = "\n".join(texts)
    addressee, addressed = _addressee(text, lexicon, registry)
    ordinal_uses = sum(text.count(o) for o, rank in lexicon.ordinal_rank.items() if rank < 2)
    if addressed < ADDRESSEE_MIN or addressed <= ordinal_uses * ADDRESSEE_OVER_ORDINALS:
        return None
    customer = registry.find(addressee)
    customer_labelled = set(lexicon.customer_labels) | {addressee, lexicon.addressee}
    if customer is None and addressee != lexicon.addressee and len(
            [p for p in registry.parties if p.name and not p.not_signing]) >= 2 and not any(
            label in customer_labelled for p in registry.parties for label in p.labels):
        # 云服务商：X公司 / 合作伙伴：Y公司 then 客户 throughout: two named parties sign, and the 客户 the
        # text speaks of is neither (the partner's end customers); these are no terms of service.
        return None
    customer_words = tuple(customer.labels) if customer else (addressee,)
    # 用户：您的实名认证主体 (a party block naming the customer by the addressee): the same party.
    customer_words += tuple(label for p in registry.parties if p is not customer and p.name
                            and p.name.startswith(addressee) for label in p.labels if label not in customer_words)
    subjects = _subjects(texts, lexicon, set(customer_words),
                         {label for party in registry.parties for label in party.labels})
    provider = _provider(registry, subjects, set(customer_words), lexicon) or _self_named(texts, lexicon)
    if provider is None:
        return None
    chosen, count = provider
    party = registry.find(chosen)
    words = list(party.all_names()) if party else [chosen]
    # 腾讯云 beside 腾讯云公司, 腾讯云短信服务 (the product named after it): the same provider.
    for other in subjects:
        longer, shorter = (other, chosen) if len(other) > len(chosen) else (chosen, other)
        if other not in words and longer.startswith(shorter) and longer[len(shorter):] in ORGANISATION_FORMS:
            words.append(other)
    words += [product for product in _products(text, lexicon) if product.startswith(chosen)]
    # 我们, 本平台: the provider speaking of itself, unless the terms made the word another party's.
    words += [w for w in lexicon.provider_labels
              if w not in words and w in text and registry.find(w) in (None, party)]
    name = party.name if party and party.name else None
    if name is None:
        name = next((w for w in words if clean_name(w) and re.search(r"(?:公司|集团)$", w)), None)
    if name is None:  # 本平台是由X公司开发和运营的…
        run_by = RUN_BY.search(text)
        name = run_by.group("organisation") if run_by else None
    return CloudTerms(
        customer_words=customer_words,
        provider_words=tuple(dict.fromkeys(words)),
        provider_name=name,
        customer_reason=f"协议以“{addressee}”称呼接受服务的一方（{addressed} 处），属云服务客户",
        provider_reason=f"协议由“{chosen}”订立并享有权利、作出承诺，属提供服务的云服务提供者",
    )


def _addressee(text: str, lexicon: PartyLexicon, registry: PartyRegistry) -> tuple[str, int]:
    """您, or in terms that never say 您, the user label they speak of (…与用户之间…). Terms that
    define 您 as 用户 once (您（以下或称“用户”）) and then say 用户 speak to 您 by that label."""
    addressed = text.count(lexicon.addressee)
    if addressed >= ADDRESSEE_MIN:
        return lexicon.addressee, addressed
    party = registry.find(lexicon.addressee)
    if party is not None:
        others = [w for w in party.labels if w in lexicon.customer_labels]
        # 用户 and not 用户方 or 用户单位, a party's label in a contract with a party block.
        uses = sum(len(re.findall(rf"{re.escape(w)}(?![方单])", text)) for w in others)
        if addressed and uses:
            return lexicon.addressee, addressed + uses
    counts = {label: text.count(label) for label in lexicon.customer_labels}
    label = max(counts, key=counts.__getitem__)
    with_words, said = "|".join(map(re.escape, lexicon.with_words)), re.escape(label)
    # …与用户之间, 本协议是用户与本平台之间…, 由X与使用…服务的用户（以下简称“用户”）共同订立（共同遵守）; or terms that
    # the user accepts by clicking (用户勾选同意…即视为已阅读并同意), with no party block.
    if (
        (counts[label] >= ADDRESSEE_MIN and CLICK_THROUGH.search(text))
        or re.search(rf"(?:{with_words}){said}(?:之间|签订|订立|就)", text)
        or re.search(rf"{said}(?:{with_words})[^。；\n，,]{{1,24}}?之间", text)
        or re.search(
            rf"(?:{with_words})[^。；\n]{{0,40}}?{said}（以下简称“{said}”）[^。；\n]{{0,16}}?"
            r"(?:签订|订立|缔结|共同遵守)", text
        )
    ):
        return label, counts[label]
    return lexicon.addressee, addressed


def _subjects(texts: list[str], lexicon: PartyLexicon, customer_words: set[str],
              labels: AbstractSet[str] = frozenset()) -> Counter:
    """Clause-initial words before 有权/将/不承担 …: who holds the rights of these terms (not 服务 in
    服务提供商将…, the start of a party's label that holds the verb's word)."""
    verbs = alternation(lexicon.provider_verbs).pattern
    pattern = re.compile(rf"(?:^|(?<=[，。；：、\s（(“”*#]))([^，。；：、\s（()“”*#]{{2,{SUBJECT_MAX}}}?)(?:{verbs})")
    counts: Counter = Counter()
    for text in texts:
        for match in pattern.finditer(text):
            word = match.group(1)
            if any(c in word for c in customer_words) or NOT_A_PROVIDER.match(word):
                continue
            if any(len(label) > len(word) and text.startswith(label, match.start(1)) for label in labels):
                continue
            counts[word] += 1
    return counts


def _provider(registry: PartyRegistry, subjects: Counter, customer_words: set[str], lexicon: PartyLexicon):
    """The party holding the rights of the terms. An organisation the terms name (X公司（以下简称“澜图云”）)
    needs no count; a word found only as a subject must be one several times."""
    scores: Counter = Counter()
    not_provider = customer_words | set(lexicon.customer_labels)
    for party in registry.parties:
        if any(word in not_provider for word in party.labels):
            continue
        named = sum(n for s, n in subjects.items() if s in party.all_names())
        scores[party.key] = named + (PROVIDER_MIN if party.name else 0)
    for word, count in subjects.items():
        if registry.find(word) is None and word not in not_provider:
            # 腾讯 and 腾讯云公司 counted together under the shorter word.
            scores[word] += count + sum(n for s, n in subjects.items() if s != word and s.startswith(word))
    if not scores:
        return None
    chosen, count = scores.most_common(1)[0]
    return (chosen, count) if count >= PROVIDER_MIN else None


RUN_BY = re.compile(r"由(?P<organisation>[^，。；：\s“”\"]{2,30}?(?:公司|集团))(?:负责)?(?:开发|运营|提供|经营)")


def _self_named(texts: list[str], lexicon: PartyLexicon) -> tuple[str, int] | None:
    """Terms whose provider names itself only 本平台/本公司 (本平台有权…, 本平台将…): that word, when it
    holds the terms' rights often enough."""
    verbs = alternation(lexicon.provider_verbs).pattern
    counts: Counter[str] = Counter()
    for word in lexicon.provider_labels:
        said = re.compile(rf"{re.escape(word)}(?:{verbs})")
        counts[word] = sum(len(said.findall(text)) for text in texts)
    if not counts:
        return None
    word, count = counts.most_common(1)[0]
    return (word, count) if count >= PROVIDER_MIN else None


def _products(text: str, lexicon: PartyLexicon) -> list[str]:
    """欢迎您使用腾讯云短信服务: the product the terms are for."""
    welcome = rf"欢迎{lexicon.addressee}?使用([^，。！!（(“”*]{{2,16}}?)(?:[！!，。（(]|$)"
    return [m.group(1) for m in re.finditer(welcome, text)]
