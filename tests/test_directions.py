"""Who holds the right or duty: the rule examples again, with the two parties swapped.

A metamorphic test over the examples of corpora/requirements/examples. Where the catalogue
names the party that must act (``detect.actor``: the provider's right to supervise, the
partner's duty to report an incident, the customer's right to audit), a satisfied example
with its two party labels exchanged gives that right or duty to the other party. A lawyer
reading "乙方有权对甲方的工作进行监督检查，甲方应予配合" sees no supervision by the provider,
so the requirement must no longer be satisfied. This catches, without anyone writing new
cases, every rule that credits a clause by its words alone and never asks whose it is.
"""

from __future__ import annotations

import pytest

from contractkit.catalogue import load_catalogue
from contractkit.checking.rules.examples import example_files, read_examples

from support import checker, source_from_text

# Swapped examples still read as satisfied, each for a reason the rules do not reach yet.
KNOWN = {
    "65c4-security-service-scope::aim_content_and_standard":
        "甲方提供的安全服务 names who renders the service only in a relative clause, and 见附件 binds anyone",
}


def _swapped(text: str, first: str, second: str) -> str:
    return text.replace(first, "\0").replace(second, first).replace("\0", second)


def _cases():
    actors = {r.id: r.detect.actor for r in load_catalogue().requirements}
    for path in example_files():
        examples = read_examples(path)
        if actors[examples.requirement] not in ("provider", "partner", "customer"):
            continue  # a declaration or a division binds no one party: swapping changes nothing
        for case in examples.cases:
            roles = examples.roles_of(case)
            labels = list(roles)
            if case.expect != "satisfied" or case.known_gap or len(labels) != 2:
                continue
            first, second = labels
            if first in second or second in first or first not in case.text or second not in case.text:
                continue
            case_id = f"{examples.requirement}::{case.name}"
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN[case_id])] if case_id in KNOWN else []
            yield pytest.param(examples.requirement, _swapped(case.text, first, second), roles,
                               examples.options_of(case), id=case_id, marks=marks)


CASES = list(_cases())


def test_the_swap_covers_many_examples():
    assert len(CASES) >= 90


@pytest.mark.parametrize("requirement, text, roles, options", CASES)
def test_swapped_parties_are_not_credited(requirement, text, roles, options):
    key = tuple(sorted((label, tuple(r)) for label, r in roles.items()))
    report = checker(key, frozenset(options)).check_document(source_from_text(text))
    finding = next(f for f in report.findings if f.requirement == requirement)
    assert finding.status.value != "satisfied", (
        f"with the parties swapped the clause is the other party's, yet: {finding.explanation}\n{text}"
    )
