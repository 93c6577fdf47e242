"""Whose side we are on, said once: the configuration file, --as on the command line, and the
organisation reaching the checker (in this process and in the worker pool)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from contractkit.cli import main
from contractkit.config import (
    NO_CONFIG,
    ConfigError,
    UserConfig,
    discover_config,
    find_config,
    load_config,
    organisation_request,
    user_config_path,
)
from contractkit.organisation import DEFAULT_ROLE, Organisation
from contractkit.requests import CheckRequest, InvalidRequest

from conftest import REPO

SAMPLES = REPO / "samples" / "contracts"
ORGANISATION = '[organisation]\nnames = ["华云数智科技有限公司", "华云"]\nrole = "om"\n'


@pytest.fixture(autouse=True)
def no_user_config(tmp_path, monkeypatch):
    """Each test sees only the files it writes: its own (empty) user config folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- finding the file
def test_the_nearest_folder_with_a_config_wins(tmp_path, monkeypatch):
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    outer = _write(tmp_path / "a" / "contractkit.toml", ORGANISATION)
    monkeypatch.chdir(deep)
    assert find_config() == outer
    inner = _write(tmp_path / "a" / "b" / "pyproject.toml",
                   '[tool.contractkit.organisation]\nnames = ["乙方科技有限公司"]\n')
    assert find_config() == inner
    config = discover_config()
    assert config.path == inner and config.organisation == Organisation(("乙方科技有限公司",), DEFAULT_ROLE)
    assert find_config(tmp_path / "a") == outer  # from another start folder


def test_contractkit_toml_comes_before_pyproject_in_the_same_folder(tmp_path, monkeypatch):
    _write(tmp_path / "pyproject.toml", '[tool.contractkit]\noptions = ["cii"]\n')
    own = _write(tmp_path / "contractkit.toml", ORGANISATION)
    monkeypatch.chdir(tmp_path)
    assert find_config() == own


@pytest.mark.parametrize("text", [
    '[project]\nname = "x"\n\n[tool.black]\nline-length = 100\n',
    '[project]\nname = "x"\ndependencies = ["contractkit"]\n',  # names us, has no table
    "",
])
def test_a_pyproject_without_our_table_is_passed_over(tmp_path, monkeypatch, text):
    outer = _write(tmp_path / "contractkit.toml", ORGANISATION)
    _write(tmp_path / "project" / "pyproject.toml", text)
    monkeypatch.chdir(tmp_path / "project")
    assert find_config() == outer


def test_the_user_config_is_the_fallback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert find_config() is None and discover_config() == NO_CONFIG
    user = _write(tmp_path / "xdg" / "contractkit" / "config.toml", 'options = ["multi-cloud"]\n')
    assert user_config_path() == user
    assert discover_config() == UserConfig(path=user, options=("multi-cloud",))
    project = _write(tmp_path / "contractkit.toml", ORGANISATION)
    assert find_config() == project  # a project's config replaces the user's, it is not merged


def test_without_xdg_config_home_the_user_config_is_under_home(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    user = _write(tmp_path / "home" / ".config" / "contractkit" / "config.toml", ORGANISATION)
    assert user_config_path() == user and find_config() == user
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/path")  # ignored, as the XDG spec says
    assert user_config_path() == user


def test_a_full_config_file(tmp_path):
    path = _write(tmp_path / "contractkit.toml", 'options = ["cii", "cii"]\n' + ORGANISATION)
    assert load_config(path) == UserConfig(
        path=path, organisation=Organisation(("华云数智科技有限公司", "华云"), "om"), options=("cii",))
    one_name = _write(tmp_path / "one.toml", '[organisation]\nnames = " 华云 "\n')
    assert load_config(one_name).organisation == Organisation(("华云",), "provider")


# ---------------------------------------------------------------- every error names the file and the key
@pytest.mark.parametrize("text, key, fragment", [
    ('[organisation]\nnames = ["华云"]\nrole = "vendor"\n', "organisation.role",
     "unknown role 'vendor'; valid roles: customer, provider, software, hardware, om, security"),
    ('[organisation]\nrole = "om"\n', "organisation.names", "missing"),
    ('[organisation]\nnames = []\n', "organisation.names", "at least one name"),
    ('[organisation]\nnames = ["  "]\n', "organisation.names", "at least one name"),
    ('[organisation]\nnames = ["华云", 3]\n', "organisation.names[1]", "valid string"),
    ('[organisation]\nnames = ["华云"]\nnmes = 1\n', "organisation.nmes", "did you mean 'names'"),
    ('organisation = "华云"\n', "organisation", "must be a table"),
    ('organization = {names = ["华云"]}\n', "organization", "did you mean 'organisation'"),
    ('options = ["cii", "moon-base"]\n', "options", "unknown option 'moon-base'; valid options: cii, multi-cloud"),
    ('options = "cii"\n', "options", "must be a list"),
    ('roles = {"甲方" = "provider"}\n', "roles", "--role"),
])
def test_each_problem_names_the_file_and_the_key(tmp_path, text, key, fragment):
    path = _write(tmp_path / "contractkit.toml", text)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert f"{path}: {key}: " in str(raised.value) and fragment in str(raised.value)
    pyproject = _write(tmp_path / "pyproject.toml", "[tool.contractkit]\n" + text.replace(
        "[organisation]", "[tool.contractkit.organisation]"))
    with pytest.raises(ConfigError) as raised:
        load_config(pyproject)
    assert f"{pyproject}: tool.contractkit.{key}: " in str(raised.value) and fragment in str(raised.value)


def test_every_problem_is_reported_at_once(tmp_path):
    path = _write(tmp_path / "contractkit.toml", 'options = ["moon"]\n[organisation]\nnames = ["x"]\nrole = "y"\n')
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert [key for key, _ in raised.value.problems] == ["organisation.role", "options"]


@pytest.mark.parametrize("name, data, fragment", [
    ("contractkit.toml", b"[organisation\n", "not valid TOML"),
    ("contractkit.toml", b"options = ['\xff']\n", "not UTF-8"),
    ("pyproject.toml", b"[project]\nname = 'x'\n", "has no [tool.contractkit] table"),
    ("pyproject.toml", b"[tool]\ncontractkit = 3\n", "tool.contractkit: must be a table"),
])
def test_unreadable_files_are_named(tmp_path, name, data, fragment):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value).startswith(f"{path}: ") and fragment in str(raised.value)
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "missing.toml")


def test_a_broken_pyproject_that_may_hold_our_table_is_an_error_not_skipped(tmp_path, monkeypatch):
    _write(tmp_path / "pyproject.toml", "[tool.contractkit\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="not valid TOML"):
        find_config()


# ---------------------------------------------------------------- the command line over the file
def test_command_line_over_config_over_defaults():
    config = UserConfig(path=Path("c.toml"), organisation=Organisation(("华云",), "om"))

    def organisation_for(*args):
        return CheckRequest.parse(organisation_request(*args)).organisation

    assert organisation_for(NO_CONFIG) is None
    assert organisation_for(NO_CONFIG, ["甲云"]) == Organisation(("甲云",), DEFAULT_ROLE)
    assert organisation_for(config) == Organisation(("华云",), "om")
    assert organisation_for(config, ["甲云", " "]) == Organisation(("甲云",), "om")  # the file's role stays
    assert organisation_for(config, (), "security") == Organisation(("华云",), "security")
    # What is wrong with them is the request's to say (contractkit.requests), as for every request.
    with pytest.raises(InvalidRequest, match="unknown role 'landlord'; valid roles: customer"):
        organisation_for(config, (), "landlord")
    with pytest.raises(InvalidRequest, match="give our organisation's name for its role 'om'"):
        organisation_for(NO_CONFIG, (), "om")


@pytest.fixture
def captured(monkeypatch):
    """contractkit check with the checking replaced: what the command line hands the library."""
    import contractkit.api
    from contractkit.checking.batch import CheckStream, Collection

    calls = []

    def fake_check(paths, **kwargs):
        calls.append(kwargs)
        return CheckStream(iter(()), Collection(), {}, "T/CCIA 004-2024")  # no documents

    monkeypatch.setattr(contractkit.api, "check_stream", fake_check)
    return calls


def _check(*args):
    return CliRunner().invoke(main, ["check", str(SAMPLES / "saas-click-through.md"), "--format", "json", *args])


def test_the_cli_reads_the_discovered_config_and_the_command_line_wins(tmp_path, monkeypatch, captured):
    _write(tmp_path / "contractkit.toml", 'options = ["cii"]\n' + ORGANISATION)
    other = _write(tmp_path / "elsewhere" / "other.toml", '[organisation]\nnames = ["另一公司"]\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    runs = {
        (): (("华云数智科技有限公司", "华云"), "om", ("cii",)),
        ("--as", "甲云", "--as", "甲云科技有限公司"): (("甲云", "甲云科技有限公司"), "om", ("cii",)),
        ("--as-role", "security"): (("华云数智科技有限公司", "华云"), "security", ("cii",)),
        ("--option", "multi-cloud", "--option", "cii"): (
            ("华云数智科技有限公司", "华云"), "om", ("cii", "multi-cloud"),
        ),
        ("--config", str(other)): (("另一公司",), "provider", ()),
        ("--no-config",): None,
        ("--no-config", "--as", "甲云"): (("甲云",), "provider", ()),
    }
    for args, expected in runs.items():
        result = _check(*args)
        assert result.exit_code == 0, (args, result.output)
        given = captured.pop()
        organisation = given["organisation"]
        if expected is None:
            assert organisation is None and tuple(given["options"]) == ()
            continue
        names, role, options = expected
        assert organisation == Organisation(names, role), args
        assert tuple(given["options"]) == options, args


@pytest.mark.parametrize("args, fragment", [
    (("--as-role", "landlord", "--as", "甲云"), "--as-role: unknown role 'landlord'; valid roles: customer"),
    (("--as-role", "om"), "--as: give our organisation's name for its role 'om'"),
    (("--config", "x.toml", "--no-config"), "--config and --no-config contradict each other"),
])
def test_command_line_mistakes_are_usage_errors(tmp_path, monkeypatch, captured, args, fragment):
    monkeypatch.chdir(tmp_path)
    result = _check(*args)
    assert result.exit_code == 2 and fragment in result.output and "Traceback" not in result.output
    assert not captured


def test_a_bad_config_file_is_a_usage_error_naming_file_and_key(tmp_path, monkeypatch, captured):
    path = _write(tmp_path / "contractkit.toml", '[organisation]\nnames = ["华云"]\nrole = "vendor"\n')
    monkeypatch.chdir(tmp_path)
    result = _check()
    assert result.exit_code == 2 and not captured
    assert f"{path}: organisation.role: unknown role 'vendor'; valid roles: customer" in result.output
    assert _check("--no-config").exit_code == 0  # the way out
    missing = _check("--config", str(tmp_path / "nope.toml"))
    assert missing.exit_code == 2 and "nope.toml: file not found" in missing.output


def test_check_help_documents_whose_side_we_are_on():
    help_text = " ".join(CliRunner().invoke(main, ["check", "--help"]).output.split())
    for option in ("--as NAME", "--as-role ROLE", "--config FILE", "--no-config"):
        assert option in help_text
    assert f"else {DEFAULT_ROLE}]" in help_text and "contractkit.toml" in help_text
    assert "[tool.contractkit]" in help_text and "~/.config/contractkit/config.toml" in help_text


# ---------------------------------------------------------------- reaching the checker
def test_as_reaches_the_check_settings_and_the_json_report(tmp_path, monkeypatch):
    from contractkit.checking import checker as checker_module

    settings_seen = []
    original = checker_module.Checker.__init__

    def spy(self, settings=None, *args, **kwargs):
        original(self, settings, *args, **kwargs)
        settings_seen.append(self.settings)

    monkeypatch.setattr(checker_module.Checker, "__init__", spy)
    monkeypatch.chdir(tmp_path)
    result = _check("--as", "云帆", "--as-role", "provider")
    assert result.exit_code in (0, 1), result.output
    assert settings_seen[-1].organisation == Organisation(("云帆",), "provider")
    report = json.loads(result.stdout)
    assert report["settings"]["organisation"] == {"names": ["云帆"], "role": "provider"}
    assert "organisation" not in json.loads(_check("--no-config").stdout)["settings"]
    config = _write(tmp_path / "contractkit.toml", ORGANISATION)
    settings = json.loads(_check().stdout)["settings"]
    assert settings["config"] == str(config) and settings["organisation"]["role"] == "om"


def _recording_check_path(self, path):
    """Stands in for Checker.check_path in forked workers: reports the organisation it was given."""
    from contractkit.results.model import DocumentReport

    organisation = self.settings.organisation
    note = "|".join(organisation.names) + "=" + organisation.role if organisation else "none"
    return DocumentReport(path=Path(path), status="ok", notes=(note,))


def test_the_organisation_reaches_the_batch_workers(tmp_path, monkeypatch):
    import contractkit
    from contractkit.checking.checker import Checker
    from contractkit.checking.understanding.nlp import JiebaEngine

    monkeypatch.setattr(Checker, "check_path", _recording_check_path)  # forked workers inherit it
    monkeypatch.setattr(JiebaEngine, "warm_up", lambda self: None)
    files = [_write(tmp_path / f"{n}.txt", "合同") for n in ("a", "b", "c")]
    run = contractkit.check(files, jobs=2, organisation=Organisation(("华云", "华云数智"), "om"))
    assert [d.notes for d in run.documents] == [("华云|华云数智=om",)] * 3
    assert run.settings["organisation"] == {"names": ["华云", "华云数智"], "role": "om"}


def test_a_task_can_set_or_clear_the_organisation_of_the_pool(tmp_path, monkeypatch):
    import pickle

    from contractkit.checking.checker import Checker, CheckSettings
    from contractkit.checking.workers import CheckPool, PoolSettings

    ours = Organisation(("华云",), "provider")
    assert pickle.loads(pickle.dumps(ours)) == ours  # it crosses the pipe to the worker
    monkeypatch.setattr(Checker, "check_path", _recording_check_path)
    checker = Checker(CheckSettings(organisation=ours))
    path = _write(tmp_path / "a.txt", "合同")
    with CheckPool(lambda: checker, PoolSettings(jobs=1, timeout=60, max_memory_mb=0)) as pool:
        notes = [
            pool.submit(path).result(timeout=60).notes,
            pool.submit(path, organisation=Organisation(("甲云",), "om")).result(timeout=60).notes,
            pool.submit(path, organisation=None).result(timeout=60).notes,
            pool.submit(path).result(timeout=60).notes,  # the override did not stick to the worker
        ]
    assert notes == [("华云=provider",), ("甲云=om",), ("none",), ("华云=provider",)]
