"""Who holds the right or duty: the rule examples again, with the parties changed.

A metamorphic test over the examples of corpora/requirements/examples. Where the catalogue
names the party that must act (``detect.actor``: the provider's right to supervise, the
partner's duty to report an incident, the customer's right to audit), a satisfied example
is checked twice more:

- with its two party labels exchanged, which gives that right or duty to the other party.
  A lawyer reading "乙方有权对甲方的工作进行监督检查，甲方应予配合" sees no supervision by
  the provider;
- with the acting party's label replaced by someone who does not sign (原厂 for a partner,
  监理单位 for a provider or customer): "原厂应在1小时内报告甲方" binds no party.

Either way the requirement must no longer be satisfied. This catches, without anyone writing
new cases, every rule that credits a clause by its words alone and never asks whose it is.
"""

from __future__ import annotations

import pytest

from contractkit.catalogue import load_catalogue
from contractkit.checking.rules.examples import example_files, read_examples

from support import finding_of

# Changed examples still read as satisfied, each for a reason the rules do not reach yet.
RELATIVE_CLAUSE = "乙方提供的安全服务 names who renders the service only in a relative clause, and 见附件 binds anyone"
# X与Y约定：… / X或Y任何一方… binds both parties; exchanging them changes nothing.
MUTUAL = "a clause both parties make (X与Y约定：…, X或Y任何一方…) binds each of them, whichever label comes first"
KNOWN = {
    # Swapped, 甲方应按照乙方制定的统一规范开展各云平台的建设和运维 still has the provider build and run
    # its clouds to one set of rules, which is what 5 e) asks of it.
    "swapped:5e-multi-cloud-unified-rules::unified_spec_across_clouds":
        "the provider following one set of rules for its clouds is 5 e) whoever wrote the rules",
    "swapped:823c1-fault-vulnerability-types::both_agree_kinds_counted_out": MUTUAL,
    "swapped:823c1-fault-vulnerability-types::agreed_faults_and_vulnerabilities_table_follows": MUTUAL,
    "swapped:65b-incident-handling::either_party_reports_an_incident": MUTUAL,
    "swapped:65c4-security-service-scope::aim_content_and_standard": RELATIVE_CLAUSE,
    "stand-in1:65c4-security-service-scope::aim_content_and_standard": RELATIVE_CLAUSE,
    "stand-in2:65c4-security-service-scope::aim_content_and_standard": RELATIVE_CLAUSE,
}
# Who does not sign: a maker or a supervising engineer, and a company the contract never names as a party.
STAND_INS = {"partner": ("原厂", "恒远科技有限公司"), "provider": ("监理单位", "恒远科技有限公司"),
             "customer": ("监理单位", "恒远科技有限公司")}


def _swapped(text: str, first: str, second: str) -> str:
    return text.replace(first, "\0").replace(second, first).replace("\0", second)


def _cases():
    catalogue = load_catalogue()
    actors = {r.id: r.detect.actor for r in catalogue.requirements}
    for path in example_files():
        examples = read_examples(path)
        actor = actors[examples.requirement]
        if actor not in STAND_INS:
            continue  # a declaration or a division binds no one party: changing the parties changes nothing
        for case in examples.cases:
            roles = examples.roles_of(case)
            labels = list(roles)
            if case.expect != "satisfied" or case.known_gap or len(labels) != 2:
                continue
            first, second = labels
            if first in second or second in first or first not in case.text or second not in case.text:
                continue
            acting = [label for label in labels if any(_kind(catalogue, role) == actor for role in roles[label])]
            changed = {"swapped": _swapped(case.text, first, second)}
            if len(acting) == 1:
                # The parties still sign (a preamble names them); only the clause is someone else's.
                preamble = f"{first}与{second}经协商一致，订立本合同。\n"
                for n, stand_in in enumerate(STAND_INS[actor], 1):
                    changed[f"stand-in{n}"] = preamble + case.text.replace(acting[0], stand_in)
            for how, text in changed.items():
                case_id = f"{how}:{examples.requirement}::{case.name}"
                marks = [pytest.mark.xfail(strict=True, reason=KNOWN[case_id])] if case_id in KNOWN else []
                yield pytest.param(examples.requirement, text, roles, examples.options_of(case),
                                   id=case_id, marks=marks)


def _kind(catalogue, role: str) -> str:
    """provider, customer, or partner for the four partner roles."""
    kind = catalogue.role(role).kind
    return role if kind != "partner" else "partner"


CASES = list(_cases())


def test_the_changes_cover_many_examples():
    assert len(CASES) >= 270


@pytest.mark.parametrize("requirement, text, roles, options", CASES)
def test_changed_parties_are_not_credited(requirement, text, roles, options):
    finding = finding_of(requirement, text, roles, options)
    assert finding.status.value != "satisfied", (
        f"with the parties changed the clause is another party's, yet: {finding.explanation}\n{text}"
    )
