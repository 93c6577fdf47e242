"""Parameter values are validated with messages that name the parameter."""

from __future__ import annotations

import pytest

from contractkit.generation.config import ConfigError, read_config
from contractkit.generation.parameters import Blank, ParameterError


def test_unset_parameters_without_default_become_blanks(parameter_set):
    values = parameter_set.resolve({})
    assert isinstance(values["provider_name"], Blank)
    assert values["vulnerability_notice_hours"] == 24


def test_values_are_parsed_to_their_types(parameter_set):
    values = parameter_set.resolve({"critical_fix_days": "10", "sla_availability": "99.95%"})
    assert values["critical_fix_days"] == 10
    assert values["sla_availability"] == "99.95"


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("critical_fix_days", "seven", "expected a whole number"),
        ("critical_fix_days", "0", "outside the allowed range 1–90"),
        ("subcontract_max_layers", "3", r"5 b\) 1\)"),
        ("sla_availability", "high", "expected a percentage"),
        ("sla_availability", "101", "outside the allowed range"),
        ("provider_name", "x" * 121, "at most 120 allowed"),
        ("provider_name", "bad\x07name", "control or private-use"),
        ("provider_name", "   ", "must not be empty"),
        ("no_such_parameter", "1", "unknown parameter"),
    ],
)
def test_bad_values_name_the_parameter(parameter_set, name, value, message):
    with pytest.raises(ParameterError, match=message) as info:
        parameter_set.resolve({name: value})
    assert info.value.name == name
    assert name in str(info.value)


def test_yaml_config_is_read(tmp_path):
    path = tmp_path / "request.yaml"
    path.write_text("pair: provider-om\nroles: [security]\nparameters:\n  critical_fix_days: 5\n", encoding="utf-8")
    config = read_config(path)
    assert config["pair"] == "provider-om" and config["parameters"] == {"critical_fix_days": 5}


def test_toml_config_is_read(tmp_path):
    path = tmp_path / "request.toml"
    path.write_text('pair = "provider-software"\n[parameters]\nprovider_name = "甲云"\n', encoding="utf-8")
    assert read_config(path)["parameters"] == {"provider_name": "甲云"}


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("a.yaml", "pair: [", "not valid YAML"),
        ("a.toml", "pair = ", "not valid TOML"),
        ("a.yaml", "- 1\n- 2\n", "expected a mapping"),
        ("a.yaml", "provider_name: x\n", "unknown key.*'provider_name'.*under 'parameters:'"),
        ("a.yaml", "roles: security\n", "'roles' must be a list"),
        ("a.yaml", "parameters: [1]\n", "'parameters' must be a mapping"),
    ],
)
def test_bad_config_names_the_file(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        read_config(path)
    assert str(path) in str(info.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        read_config(tmp_path / "nope.yaml")


def test_a_choice_takes_only_its_values(parameter_set):
    assert parameter_set.resolve({"dispute_method": "arbitration"})["dispute_method"] == "arbitration"
    assert parameter_set.resolve({})["dispute_method"] == "court"
    with pytest.raises(ParameterError, match="not one of: court") as info:
        parameter_set.resolve({"dispute_method": "duel"})
    assert info.value.code == "parameter-choice"


def test_commercial_figures_stay_blank_unless_set(parameter_set):
    values = parameter_set.resolve({})
    for name in ("contract_price", "penalty_percent", "liability_cap_percent", "tax_rate", "om_engineers"):
        assert isinstance(values[name], Blank), name


def test_config_file_carries_matrix_edits(tmp_path):
    path = tmp_path / "request.yaml"
    path.write_text("pair: provider-om\nmatrix:\n  drop: [physical-access]\n", encoding="utf-8")
    assert read_config(path)["matrix"] == {"drop": ["physical-access"]}
    path.write_text("pair: provider-om\nmatrix: [physical-access]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'matrix' must be a mapping"):
        read_config(path)


def test_a_generation_config_with_a_key_given_twice_names_the_line(tmp_path):
    path = tmp_path / "agreement.yaml"
    path.write_text("pair: provider-om\nparameters:\n  provider_name: 甲公司\n  provider_name: 乙公司\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        read_config(path)
    assert str(path) in str(raised.value) and "'provider_name' is given twice" in str(raised.value)
    assert "line 4" in str(raised.value)
