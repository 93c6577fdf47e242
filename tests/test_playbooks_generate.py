"""`generate --playbook`: the playbook's preferred values are the parameters' defaults (below --set and
the config), its clauses are added under their articles, and what comes out checks as meeting every
position of the same playbook with the standard's findings all satisfied (the round trip)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import contractkit.api as api
from contractkit.cli import main
from contractkit.playbooks import PlaybookError, load_playbook

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "playbooks"
STRICT = SAMPLES / "strict-provider.yaml"
NAMES = {"provider_name": "华云数智科技有限公司", "partner_name": "恒安信息技术服务有限公司"}


def test_preferred_values_are_defaults_below_what_is_set():
    document = api.render_document("provider-om", playbook=STRICT)
    values = document.metadata.parameters
    assert values["vulnerability_notice_hours"] == 2 and values["p1_restore_hours"] == 4
    assert values["data_retention_days"] == 5 and values["liability_cap_percent"] == "100"
    given = api.render_document("provider-om", playbook=STRICT, parameters={"vulnerability_notice_hours": 12})
    assert given.metadata.parameters["vulnerability_notice_hours"] == 12
    plain = api.render_document("provider-om")
    assert plain.metadata.parameters["vulnerability_notice_hours"] == 24  # the parameter's own default


def test_extras_and_unmet_positions_go_under_their_articles():
    document = api.render_document("provider-om", parameters=NAMES, playbook=STRICT)
    texts = {a.id: [item.text.plain() for item in a.items] for a in document.articles}
    assert any("背景审查" in t for t in texts["supervision"])  # the extra's own article
    assert any("不受本协议约定的赔偿限额限制" in t for t in texts["accountability"])  # no requirement: 问责机制
    plain = api.render_document("provider-om", parameters=NAMES)
    assert not any("背景审查" in item.text.plain() for a in plain.articles for item in a.items)


@pytest.mark.parametrize("pair,roles", [("provider-om", ()), ("provider-software", ()), ("provider-hardware", ()),
                                        ("provider-software", ("hardware",))])
def test_a_generated_agreement_meets_every_position_of_its_playbook(pair, roles, tmp_path):
    path = tmp_path / f"{pair}.docx"
    api.generate(pair, extra_roles=roles, parameters=NAMES, playbook=STRICT, output=path)
    run = api.check(path, playbook=STRICT)
    (report,) = run.documents
    assert report.positions, "the playbook's positions were judged"
    assert {p.position: p.status for p in report.positions if p.status != "meets"} == {}
    assert {f.requirement: f.status.value for f in report.findings if f.status.value != "satisfied"} == {}


def test_cli_generate_with_a_playbook_set_wins(tmp_path):
    out = tmp_path / "a.md"
    result = CliRunner().invoke(main, ["generate", "provider-om", "--playbook", str(STRICT),
                                       "--set", "critical_fix_days=5", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "5日内提供修复补丁" in text and "背景审查" in text
    bad = tmp_path / "bad.yaml"
    bad.write_text("playbook: 1\nname: x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["generate", "provider-om", "--playbook", str(bad), "-o", str(out), "--force"])
    assert result.exit_code != 0 and "bad.yaml" in result.output


def _with(tmp_path: Path, old: str, new: str) -> Path:
    text = STRICT.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "changed.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_positions_parameter_is_validated_against_the_standard(tmp_path):
    with pytest.raises(PlaybookError) as caught:
        load_playbook(_with(tmp_path, "parameter: incident_report_hours", "parameter: incident_report_minutes"))
    assert ("positions[incident-report-hours].parameter: unknown parameter 'incident_report_minutes'"
            in str(caught.value))
    # maintenance_years allows 1–30 years: a preferred 50 does not fit
    path = _with(tmp_path, "      preferred: 5\n      acceptable: 3\n", "      preferred: 50\n      acceptable: 3\n")
    with pytest.raises(PlaybookError) as caught:
        load_playbook(path)
    assert "positions[maintenance-years].parameter: the preferred value does not fit 'maintenance_years'" in str(
        caught.value)
    with pytest.raises(PlaybookError) as caught:
        load_playbook(_with(tmp_path, "parameter: incident_report_hours", "parameter: provider_name"))
    assert "is a text parameter, not a number" in str(caught.value)


def test_the_balanced_playbook_names_parameters_too():
    balanced = load_playbook(SAMPLES / "balanced.yaml")
    assert any(p.parameter for p in balanced.positions)
