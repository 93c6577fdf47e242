"""Negation: the rule examples again, with the acting party's words negated.

A metamorphic test over the satisfied examples of corpora/requirements/examples whose
requirement names a party that must act (``detect.actor``) with a duty or a right. Every
duty word of the clause becomes 无需 (乙方应在24小时内通知甲方 -> 乙方无需在24小时内通知甲方)
and every 有权 becomes 无权 (甲方有权审计 -> 甲方无权审计). A lawyer reads such a clause as
releasing the party, or barring it: the requirement must no longer be satisfied.

Clauses whose duty also stands in a double negative (不得拒绝, 不得以…为由) keep it after the
change and are left out. The companion of tests/test_directions.py (who holds it); this one
asks whether it is held at all.
"""

from __future__ import annotations

import re

import pytest

from contractkit.catalogue import load_catalogue
from contractkit.checking.rules.examples import example_files, read_examples

from support import finding_of

# The words that make a duty (not 应 in 响应/供应/应用/应急/应对, not 负责 in 负责人).
DUTY = re.compile(r"(?<![响供相对适反回答呼效理])(?:应当|必须|应|须|负责)(?![用急答对变该人])")
# A duty kept by a double negative: 不得拒绝, 不得以…为由不…, 不得迟延, 不得迟于…(a deadline).
KEEPS_DUTY = re.compile(r"不[得能](?:以[^，。；]{1,20}为由)?(?:拒绝|拒不|迟延|延迟|拖延|隐瞒|推诿|怠于|迟于|晚于)")
# Negated examples still satisfied, each for a reason the rules do not reach yet.
KNOWN: dict[str, str] = {
    "63a-cii-security-organisation::background_investigation_with_provider_support":
        "the provider's support is no element of the requirement's detection, only the customer's checks",
    "5e-multi-cloud-unified-rules::unified_spec_across_clouds":
        "甲方对其运营的多个云平台实行统一管理 alone is the provider managing its clouds as one; negating the "
        "partner's part leaves it",
}


def _negated(text: str, modality: str) -> str:
    if modality == "duty":
        return DUTY.sub("无需", text)
    return text.replace("有权", "无权")


def _cases():
    catalogue = load_catalogue()
    detections = {r.id: r.detect for r in catalogue.requirements}
    for path in example_files():
        examples = read_examples(path)
        detect = detections[examples.requirement]
        if detect.actor not in ("provider", "partner", "customer") or detect.modality not in ("duty", "right"):
            continue
        for case in examples.cases:
            if case.expect != "satisfied" or case.known_gap or KEEPS_DUTY.search(case.text):
                continue
            text = _negated(case.text, detect.modality)
            if text == case.text:
                continue  # stated without a modal word this change reaches (乙方提供…)
            case_id = f"{examples.requirement}::{case.name}"
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN[case_id])] if case_id in KNOWN else []
            yield pytest.param(examples.requirement, text, examples.roles_of(case), examples.options_of(case),
                               id=case_id, marks=marks)


CASES = list(_cases())


def test_the_negations_cover_many_examples():
    assert len(CASES) >= 70


@pytest.mark.parametrize("requirement, text, roles, options", CASES)
def test_a_negated_clause_is_not_credited(requirement, text, roles, options):
    finding = finding_of(requirement, text, roles, options)
    assert finding.status.value != "satisfied", f"negated, yet: {finding.explanation}\n{text}"
