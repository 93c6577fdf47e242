"""Letters bound into a contract: "承诺函 / 致：苍岭云服务有限公司 / 我司…郑重承诺… / 承诺单位：砺石软件…".

A partner's letter of undertaking (承诺函, 声明函, 保证函) is often filed with the contract it
serves, and says in the first person what the partner undertakes: 我司接受并配合贵司的监督检查.
Its 我司/我公司/我方 is whoever signs the letter, its 贵司/贵公司/贵方 whoever it is addressed to;
neither word is a label of the contract. Within such a letter (from its title to the signatory's
line) the two words are read as those parties, so that what the letter undertakes binds the
party that gave it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from contractkit.checking.understanding.statements import Mention

# 承诺函 / 附件三：供应商安全承诺书 / 二、保密声明函: the letter's title, a line of its own.
_TITLE = re.compile(r"\s*(?:[一二三四五六七八九十]+、|附件[一二三四五六七八九十\d]*[：:]?)?\s*[^，。；：:]{0,16}"
                    r"(?:承诺函|承诺书|声明函|声明书|保证函|保证书|确认函)\s*")
# 致：苍岭云服务有限公司 / 致苍岭云服务有限公司：: to whom.
_ADDRESSEE = re.compile(r"\s*致\s*[：:]?\s*(?P<name>[^：:，。；\s]{2,40}?)\s*[：:]?\s*")
# 承诺单位（盖章）：砺石软件技术有限公司 / 承诺人：… / 声明单位：…: who gives it, and where it ends.
_SIGNATORY = re.compile(r"\s*(?:承诺|声明|保证|确认|出具)(?:单位|人|方)[^：:]{0,8}[：:]\s*(?P<name>\S.{1,40}?)\s*")
_SPAN = 60  # paragraphs a letter may run to, title to signature
# The letter's own first and second person.
FIRST_PERSON = re.compile(r"我司|我公司|我方|本公司")
SECOND_PERSON = re.compile(r"贵司|贵公司|贵方")


def letter_voices(block_texts: Sequence[str], party_of: Callable[[str], str | None]
                  ) -> dict[int, tuple[str | None, str | None]]:
    """Each paragraph inside a letter bound into the contract, with the party keys its first and second
    person stand for (the signatory's and the addressee's; None where the letter does not name one).
    ``party_of``: the key of the party a name names, or None."""
    voices: dict[int, tuple[str | None, str | None]] = {}
    index = 0
    while index < len(block_texts):
        if not _TITLE.fullmatch(block_texts[index]):
            index += 1
            continue
        signed = next(((j, m) for j in range(index + 1, min(len(block_texts), index + _SPAN))
                       if (m := _SIGNATORY.fullmatch(block_texts[j]))), None)
        if signed is None:
            index += 1
            continue
        end, signatory = signed
        signer = party_of(signatory["name"])
        addressed = next((m for j in range(index + 1, end) if (m := _ADDRESSEE.fullmatch(block_texts[j]))), None)
        addressee = party_of(addressed["name"]) if addressed else None
        if signer or addressee:
            voices |= {j: (signer, addressee) for j in range(index + 1, end)}
        index = end + 1
    return voices


def in_letter(text: str, mentions: list[Mention], signer: str | None, addressee: str | None) -> list[Mention]:
    """The paragraph's mentions with the letter's first and second person read as its signatory and
    addressee (where no label of the contract already stands there, as 本公司 may)."""
    added = [Mention(party, m.start(), m.end())
             for pattern, party in ((FIRST_PERSON, signer), (SECOND_PERSON, addressee)) if party
             for m in pattern.finditer(text)
             if not any(o.start < m.end() and m.start() < o.end for o in mentions)]
    return sorted(mentions + added, key=lambda m: m.start) if added else mentions
