"""The clause model: a second, learned reading of a short clause after the rules have judged it.

The rules judge a requirement element by element (who, must/may/must not, what); where a clause says
it in words no rule knows, they report it missing or partial. The clause model has learned, from
some five thousand hand-written clauses with the status a lawyer gives them, how the rules' status
and the clause's words (jieba's, with our dictionary) go together, and changes the status when it is
sure (``threshold``). On case sets it had not seen it fixed many times more judgements than it broke
(README, "How well it checks").

It reads only texts as short as those it learned from (``MAX_CHARS``, ``MAX_LINES``): on whole contracts,
read paragraph by paragraph, it lost more items than it won, so a contract is judged by the rules alone,
and so is a short one that names its parties (甲方：…公司, 乙方：…公司): on such a page of four articles it
had credited requirements the text never speaks of.
A status it changes says so in its explanation, with the rules' own reading and how sure it is.
``CheckSettings.clause_model=False`` (``contractkit evaluate --no-clause-model``) leaves it out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from contractkit.checking.clause_model.features import features
from contractkit.checking.clause_model.model import ClauseModel

# The longest text the model reads: the cases it learned from are at most ~260 characters and the
# rule examples ~150; a contract (1,200 characters and more) is judged by the rules alone.
MAX_CHARS = 600
# …and no more lines than they run to (nine, a table's rows among them): a short contract of several
# articles is a document, whose requirements the model would credit from words said about others.
MAX_LINES = 10
# 甲方：澄江云计算有限公司 / 供应商：…中心: a party block naming who signs, which no clause it learned from has.
_PARTY_NAMED = re.compile(r"^\s*[^：:\n，。；]{1,8}?(?:[（(][^）)\n]{0,12}[）)])?[：:]\s*[^：:\n，。；]{2,30}?"
                          r"(?:公司|中心|集团|局|院|大学|学院|学校|馆|所)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class SecondReading:
    status: str
    probability: float


def reread(model: ClauseModel, rules_status: str, requirement: str, words: Sequence[str]) -> SecondReading | None:
    """The model's status for the clause when it differs from the rules' and the model is sure of it."""
    probabilities = model.probabilities(features(rules_status, requirement, words))
    best = max(probabilities, key=probabilities.__getitem__)
    if best != rules_status and probabilities[best] >= model.threshold:
        return SecondReading(best, probabilities[best])
    return None


def judges(text: str) -> bool:
    """Is the text a clause the model may read (as short as those it learned from, and no document with
    its parties' names)? Asked before the model is loaded: checking a contract never loads it."""
    return (len(text) <= MAX_CHARS and sum(1 for line in text.splitlines() if line.strip()) <= MAX_LINES
            and len(_PARTY_NAMED.findall(text)) < 2)
