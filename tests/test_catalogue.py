"""The catalogue loads, holds what the standard requires, and rejects bad data clearly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from contractkit.catalogue import CatalogueError, Strength, load_catalogue
from contractkit.standard import default_standard

REQUIRED_IDS = [
    "5a1-no-responsibility-transfer",
    "5a2-not-all-work",
    "5a3-division",
    "5a3-supervision",
    "5b1-transfer-depth",
    "5b2-accountability",
    "5d-accept-supervision",
]
PARTNER_PAIRS = ["provider-software", "provider-hardware", "provider-om", "provider-security"]


def test_ids_other_tools_key_on_exist_for_every_partner_pair(catalogue):
    for req_id in REQUIRED_IDS:
        req = catalogue.requirement(req_id)
        assert set(PARTNER_PAIRS) <= set(req.pairs), req_id


def test_every_pair_has_its_clause_6_5_items(catalogue):
    by_pair = {pair.id: {r.clause for r in catalogue.for_pair(pair.id)} for pair in catalogue.pairs}
    assert any(c.startswith("6.5 a)") for c in by_pair["customer-provider"])
    for pair in PARTNER_PAIRS:
        assert any(c.startswith("6.5 b)") for c in by_pair[pair]), pair
    for pair, clause in zip(PARTNER_PAIRS, ["6.5 c) 1)", "6.5 c) 2)", "6.5 c) 3)", "6.5 c) 4)"], strict=True):
        assert any(c.startswith(clause) for c in by_pair[pair]), pair


def test_supply_chain_and_om_security_clauses_are_covered(catalogue):
    clauses = " ".join(r.clause for r in catalogue.requirements)
    for clause in ["6.6 a)", "6.6 b)", "6.6 c)", "8.2.2 a)", "8.2.2 b)", "7.2 c) 1)", "7.3", "8.2.1 c) 2)",
                   "8.2.3 c)", "8.2.4 c)", "8.1.1 b) 4)", "8.3 c)", "5 c)", "5 e)"]:
        assert clause in clauses, clause


def test_conditional_requirements_name_their_option(catalogue):
    assert catalogue.requirement("5e-multi-cloud-unified-rules").condition == "multi-cloud"
    assert {r.condition for r in catalogue.requirements} == {None, "cii", "multi-cloud"}


def test_strength_follows_the_standards_wording(catalogue):
    assert catalogue.requirement("66b3-supplier-risk-management").strength is Strength.SHOULD
    assert catalogue.requirement("66c4-product-risk-disclosure").strength is Strength.MAY
    assert catalogue.requirement("5b1-transfer-depth").strength is Strength.MUST


def test_accountability_items_say_who_bears_the_loss(catalogue):
    assert "云服务提供者承担" in catalogue.requirement("5b2-accountability").consequence
    assert "客户承担" in catalogue.requirement("5c-customer-accountability").consequence


def _write_variant(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(default_standard().catalogue_path.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _first(data, req_id):
    return next(r for r in data["requirements"] if r["id"] == req_id)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: _first(d, "5b1-transfer-depth").update(strength="should"),
         "5b1-transfer-depth.*does not match the standard's wording"),
        (lambda d: _first(d, "5a3-division").update(pairs=["provider-cloud"]),
         "requirement '5a3-division' names unknown pair 'provider-cloud'"),
        # The template is found by convention (clauses/<pair or general>/<id>.j2): a requirement
        # without one is refused.
        (lambda d: _first(d, "5a3-division").update(id="5a3-no-such-clause"),
         "template 'clauses/general/5a3-no-such-clause.j2' not found"),
        (lambda d: d["requirements"].append(dict(_first(d, "5a3-division"))),
         "duplicate requirement id '5a3-division'"),
        (lambda d: _first(d, "5a3-division").update(id="Division"),
         "must look like '5b1-transfer-depth'"),
        (lambda d: _first(d, "5a3-division")["detect"].update(all_of=[["no_such_concept"]]),
         r"unknown concepts \['no_such_concept'\]"),
        (lambda d: _first(d, "5a3-division").update(colour="red"),
         "5a3-division.colour: Extra inputs are not permitted"),
        (lambda d: _first(d, "5a3-division").update(condition="quantum"),
         "unknown option 'quantum'"),
    ],
)
def test_malformed_catalogue_is_rejected_with_the_file_and_entry_named(tmp_path, mutate, message):
    path = _write_variant(tmp_path, mutate)
    with pytest.raises(CatalogueError, match=message) as info:
        load_catalogue(path)
    assert str(path) in str(info.value)


def test_invalid_yaml_is_reported_as_such(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("requirements: [\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid YAML"):
        load_catalogue(path)


def test_a_concepts_continues_flag_must_be_true_or_false(tmp_path):
    from contractkit.catalogue.loader import load_concept_entries

    path = tmp_path / "concepts.yaml"
    path.write_text("concepts:\n  accept: {label: 配合, continues: yes please, terms: [配合]}\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="'continues' must be true or false"):
        load_concept_entries(path)
    path.write_text("concepts:\n  accept: {label: 配合, continues: true, terms: [配合]}\n", encoding="utf-8")
    assert load_concept_entries(path)["accept"]["continues"] is True


def test_a_key_given_twice_in_a_lexicon_entry_is_an_error_naming_the_line(tmp_path):
    """YAML keeps the last of two equal keys: a second `not:` would silently drop the first."""
    from contractkit.catalogue.loader import load_concept_entries

    path = tmp_path / "concepts.yaml"
    path.write_text(
        "concepts:\n"
        "  subcontract: {label: 再委托, terms: [分包], not: [分包方案],\n"
        "                not: [分包商]}\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match=r"(?s)the key .not. is given twice.*line 3") as info:
        load_concept_entries(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("pattern, problem", [
    ("(未按", "missing )"),
    ("(?<=甲方|采购人)应", "look-behind requires fixed-width pattern"),  # what only compiling used to find
    ("x(?:(?<=ab|c)y)+", "look-behind requires fixed-width pattern"),
])
def test_a_concept_pattern_re_would_refuse_is_an_error_naming_the_concept(tmp_path, pattern, problem):
    from contractkit.catalogue.loader import load_concept_entries

    path = tmp_path / "concepts.yaml"
    path.write_text(yaml.safe_dump({"concepts": {"accept": {"label": "接受", "patterns": [pattern]}}},
                                   allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError, match=rf"concept 'accept': bad pattern .*{re.escape(problem)}"):
        load_concept_entries(path)
