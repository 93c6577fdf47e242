"""What the generator writes: every pair, every requirement, every format."""

from __future__ import annotations

import re

import pytest

import contractkit
from contractkit.generation.parameters import Blank
from contractkit.generation.render import (
    CONTEXT_NAMES,
    GenerationError,
    template_variables,
)

PAIRS = ["customer-provider", "provider-software", "provider-hardware", "provider-om", "provider-security"]
FORMATS = ["docx", "md", "txt"]


def _items(document):
    return [item for article in document.articles for item in article.items]


@pytest.mark.parametrize("pair", PAIRS)
def test_every_requirement_of_the_pair_is_rendered_once(catalogue, pair):
    document = contractkit.render_document(pair)
    expected = [r.id for r in catalogue.select({pair}, set())]
    rendered = [i.requirement_id for i in _items(document) if i.requirement_id]
    assert sorted(rendered) == sorted(expected)
    assert list(document.metadata.requirement_ids) == expected
    tasks = [row.work_item for row in document.matrix.rows]
    assert tasks and len(tasks) == len(set(tasks))  # a task-level matrix, each task once


@pytest.mark.parametrize("pair", PAIRS)
@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_text_formats_carry_every_clause(pair, fmt, filled_parameters):
    document = contractkit.render_document(pair, parameters=filled_parameters)
    output = contractkit.generate(pair, format=fmt, parameters=filled_parameters).decode("utf-8")
    for item in _items(document):
        # Markdown escapes a few characters; compare on the words.
        words = re.sub(r"[\\*_`#|<>\[\]{}!~]", "", item.text.plain())
        assert words[:40] in re.sub(r"[\\_]", "", output), item.requirement_id
    assert filled_parameters["provider_name"] in output
    assert "第一条" in output and "（一）" in output


@pytest.mark.parametrize("pair", PAIRS)
def test_options_switch_on_their_clauses(catalogue, pair):
    plain = set(contractkit.render_document(pair).metadata.requirement_ids)
    for option in ("cii", "multi-cloud"):
        with_option = set(contractkit.render_document(pair, options=[option]).metadata.requirement_ids)
        expected = {r.id for r in catalogue.for_pair(pair) if r.condition == option}
        assert with_option - plain == expected


def test_one_partner_with_two_roles_gets_both_clause_sets_without_duplicates(catalogue):
    document = contractkit.render_document("provider-om", extra_roles=["security"])
    ids = [i.requirement_id for i in _items(document) if i.requirement_id]
    assert len(ids) == len(set(ids))
    assert set(ids) == {r.id for r in catalogue.select({"provider-om", "provider-security"}, set())}
    assert "运维服务提供者及安全服务提供者" in document.parties[1].role_names
    assert len(document.matrix.columns) == 2


def test_the_same_role_twice_changes_nothing():
    once = contractkit.render_document("provider-om").metadata.requirement_ids
    assert contractkit.render_document("provider-om", extra_roles=["om"]).metadata.requirement_ids == once


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: contractkit.render_document("provider-cloud"), "unknown pair 'provider-cloud'"),
        (lambda: contractkit.render_document("customer-provider", extra_roles=["om"]),
         "only applies to provider–partner"),
        (lambda: contractkit.render_document("provider-om", extra_roles=["customer"]), "not a partner role"),
        (lambda: contractkit.render_document("provider-om", options=["quantum"]), "unknown option 'quantum'"),
        (lambda: contractkit.render_document("provider-om", kind="letter"), "unknown document kind"),
    ],
)
def test_bad_requests_are_refused_clearly(call, message):
    with pytest.raises((GenerationError, LookupError, ValueError), match=message):
        call()


def test_without_names_the_draft_has_blanks_and_with_them_none(filled_parameters):
    draft = contractkit.render_document("provider-om")
    assert isinstance(draft.parties[0].name.spans[0], Blank)
    assert "__________" in contractkit.generate("provider-om", format="txt").decode()
    from generation_support import COMPLETE

    filled = contractkit.generate("provider-om", format="txt", parameters=COMPLETE).decode()
    body = filled.split("【生成信息】")[0]
    assert "__" not in body.replace("\t\u3000", "")  # the authorisation list's empty rows are to fill in


def test_parameter_values_reach_the_clauses(filled_parameters):
    text = contractkit.generate(
        "provider-om", format="txt", parameters={**filled_parameters, "rectification_days": 9}
    ).decode()
    assert "9日" in text or "9 日" in text or "九日" in text


def test_markup_in_values_is_kept_literally(filled_parameters):
    nasty = "A&B <公司> \"引号\" '单引号' {{ provider }} {% if %}"
    params = {**filled_parameters, "provider_name": nasty}
    assert nasty in contractkit.generate("provider-om", format="txt", parameters=params).decode()
    assert "\\<公司\\>" in contractkit.generate("provider-om", format="md", parameters=params).decode()


def test_annex_says_it_supplements_the_main_contract(filled_parameters):
    document = contractkit.render_document("provider-om", kind="annex", parameters=filled_parameters)
    assert "附件" in document.title
    text = " ".join(r.plain() for r in document.recitals)
    assert filled_parameters["main_contract_name"] in text


def _all_templates(catalogue):
    from contractkit.generation.frame import load_frame
    from contractkit.standard import default_standard

    return [r.template for r in catalogue.requirements] + load_frame(default_standard().templates_dir).templates()


def test_templates_only_use_declared_names(catalogue, parameter_set):
    allowed = set(CONTEXT_NAMES) | {spec.name for spec in parameter_set}
    templates = _all_templates(catalogue)
    for template in templates:
        unknown = template_variables(template) - allowed
        assert not unknown, f"{template} uses undeclared {sorted(unknown)}"


def test_every_parameter_is_used_somewhere(catalogue, parameter_set):
    used = set().union(*(template_variables(t) for t in _all_templates(catalogue)))
    # read by the renderer itself: the party block, the notices, 甲方, the number and the plan
    party_fields = {s.name for s in parameter_set if s.group in ("parties", "notices")} | {
        "sign_place", "contract_number", "payment_plan", "payment_period", "report_frequency"}
    assert {s.name for s in parameter_set} - used - party_fields == set()


@pytest.mark.parametrize("pair", PAIRS)
def test_each_clause_states_what_the_checker_looks_for(catalogue, pair):
    """Every rendered item contains a term of each concept group of its requirement."""
    from contractkit.catalogue import load_concepts

    concepts = load_concepts()
    document = contractkit.render_document(pair, options=["cii", "multi-cloud"])
    for item in _items(document):
        if not item.requirement_id:
            continue
        text = item.text.plain() + "".join(s.plain() for s in item.subitems)
        detect = catalogue.requirement(item.requirement_id).detect
        for group in detect.all_of:
            terms = [t for c in group for t in concepts[c]]
            assert any(t in text for t in terms), f"{item.requirement_id}: none of {group} in {text}"
