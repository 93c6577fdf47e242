"""What the clause model sees of a clause: the rules' status and the clause's words, each alone and
each with the requirement (a word says one thing of 漏洞 and another of 退出). Training and checking
both call ``features``: one definition, so the model is never asked about features it never saw."""

from __future__ import annotations

from collections.abc import Iterable

# Single characters are mostly jieba's leftovers of words it does not know (HMM off); these four
# are words that turn a clause round.
SINGLE_WORDS = frozenset("不未无非")


def features(status: str, requirement: str, words: Iterable[str]) -> list[str]:
    """The features of one clause judged for one requirement, the rules having given it ``status``."""
    found = [f"st={status}", f"st={status}|{requirement}"]
    for word in sorted(set(words)):
        if len(word) > 1 or word in SINGLE_WORDS:
            found += (f"w={word}", f"w={word}|{requirement}")
    return found
