"""``contractkit rules``: every requirement documents itself, with its checks and its examples."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from contractkit.catalogue import default_catalogue
from contractkit.checking.rules.examples import load_examples
from contractkit.cli import main

REQUIREMENT_IDS = [r.id for r in default_catalogue().requirements]


def _rules(*args: str):
    result = CliRunner().invoke(main, ["rules", *args])
    assert result.exit_code == 0, f"rules {' '.join(args)}: {result.output}{result.exception!r}"
    return result.output


@pytest.mark.parametrize("requirement", REQUIREMENT_IDS)
def test_rules_documents_every_requirement(requirement):
    # 73-data-erasure, 824c-data-entrustment, 83-partner-data-exit and 83b1-data-exit used to fail
    # with KeyError: their partial elements are groups of concepts, not one flat list.
    output = _rules(requirement)
    satisfied, failing = load_examples(requirement).shown()
    assert output.startswith(requirement)
    assert satisfied.text.strip() in output
    assert failing.text.strip().splitlines()[-1] in output
    for use in default_catalogue().requirement(requirement).detect.checks:
        assert f"    {use.name}: " in output


@pytest.mark.parametrize("fmt", ["table", "md", "json"])
def test_rules_alone_documents_them_all(fmt):
    output = _rules("--format", fmt)
    for requirement in REQUIREMENT_IDS:
        assert requirement in output


def test_json_record_holds_the_checks_their_parameters_and_both_examples():
    (record,) = json.loads(_rules("5b1-transfer-depth", "--format", "json"))
    assert [c["name"] for c in record["checks"]] == [
        "contrary", "listed_breach", "over_limit", "partial_element", "deferral", "attribution",
    ]
    over_limit = next(c for c in record["checks"] if c["name"] == "over_limit")
    assert over_limit["params"]["max"] == 2
    assert "超过 2" in over_limit["description"]
    assert record["examples"]["satisfied"]["expect"] == "satisfied"
    assert record["examples"]["failing"]["expect"] == "contrary"  # the opposite teaches most
    assert record["examples"]["failing"]["roles"] == {"甲方": ["provider"], "乙方": ["om"]}
    assert [[c["concept"] for c in g] for g in record["partial_when_only"]] == [["subcontract"]]


def test_partial_elements_in_groups_are_documented_as_groups():
    (record,) = json.loads(_rules("73-data-erasure", "--format", "json"))
    assert [[c["concept"] for c in g] for g in record["partial_when_only"]] == [
        ["erasure"], ["data", "storage_media"],
    ]


def test_rules_of_one_pair_and_an_unknown_id():
    output = _rules("--pair", "provider-hardware")
    assert "73-data-erasure" in output and "5c-customer-division" not in output
    result = CliRunner().invoke(main, ["rules", "99-no-such-rule"])
    assert result.exit_code == 2
    assert "unknown requirement '99-no-such-rule'" in result.output
