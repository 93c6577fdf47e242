"""前者 and 后者 standing for two parties just named: "启明与华软约定：后者应向前者披露…".

Drafters who name two companies by long short-names often go on with 前者 (the former) and 后者
(the latter). Read as they stand, the two words name no party, and the clause's duty binds no one.
Here each is read as the party it points back at: the last two parties named together before it
(X与Y, X委托Y: side by side, a few characters apart, in the same sentence or the three before), 前者
the one named first and 后者 the other. "以前者为准" compares documents or readings, not parties,
and is left alone.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

from contractkit.checking.understanding.statements import BOTH_PARTIES, OUTSIDER, Mention

FORMER_OR_LATTER = re.compile(r"(?P<which>前者|后者)(?!为准|的约定为准|优先)")
_LOOK_BACK = 3  # sentences before this one where the two parties may be named together
# What may stand between two parties named together: a conjunction or a verb (与, 和, 委托, 授权),
# after the closing marks of a defined name (…公司（以下简称“启明”）与…).
_TOGETHER = re.compile(r"[”’\"'）)\s]*[^，,。；;：:]{1,3}")


def former_and_latter(text: str, mentions: list[Mention], earlier: Callable[[int], Sequence[Mention]],
                      earlier_text: Callable[[int], str]) -> list[Mention]:
    """``mentions`` with each 前者/后者 of ``text`` read as a party; ``earlier(k)`` and ``earlier_text(k)``:
    the party mentions and the text of the k-th sentence before this one (empty where there is none)."""
    added = []
    for match in FORMER_OR_LATTER.finditer(text):
        pair = _named_together(text, [m for m in mentions if m.end <= match.start()])
        for k in range(1, _LOOK_BACK + 1):
            pair = pair or _named_together(earlier_text(k), earlier(k))
        if pair is not None:
            added.append(Mention(pair[0] if match["which"] == "前者" else pair[1], match.start(), match.end()))
    return sorted(mentions + added, key=lambda m: m.start) if added else mentions


def _named_together(text: str, named: Sequence[Mention]) -> tuple[str, str] | None:
    """The last two parties of ``text`` named side by side (X与Y), in their order, or None."""
    parties = [m for m in named if m.party not in (BOTH_PARTIES, OUTSIDER)]
    for first, second in reversed(list(itertools.pairwise(parties))):
        if first.party != second.party and _TOGETHER.fullmatch(text, first.end, second.start):
            return first.party, second.party
    return None
