"""The command line as a user types it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from docx import Document as open_docx

from contractkit.cli import main


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


def test_pairs_lists_pairs_and_roles(run):
    result = run("pairs")
    assert result.exit_code == 0
    for word in ("provider-om", "customer-provider", "运维服务提供者", "安全服务提供者"):
        assert word in result.output


def test_requirements_filter_by_pair_as_json(run, catalogue):
    result = run("requirements", "--pair", "provider-hardware", "--format", "json")
    ids = {r["id"] for r in json.loads(result.output)}
    assert ids == {r.id for r in catalogue.select({"provider-hardware"}, set())}


def test_requirements_markdown(run):
    result = run("requirements", "--format", "md")
    assert result.output.startswith("| id | clause |") and "5b1-transfer-depth" in result.output


def test_unknown_pair_exits_2_with_the_known_ones(run, tmp_path):
    result = run("generate", "provider-cloud", "-o", str(tmp_path / "x.docx"))
    assert result.exit_code == 2
    assert "unknown pair 'provider-cloud'" in result.output and "provider-om" in result.output


def test_generate_docx_then_refuse_to_overwrite(run, tmp_path):
    out = tmp_path / "agreement.docx"
    assert run("generate", "provider-om", "--role", "security", "-o", str(out)).exit_code == 0
    assert "运维服务提供者及安全服务提供者" in "\n".join(p.text for p in open_docx(out).paragraphs)
    before = out.read_bytes()
    again = run("generate", "provider-om", "-o", str(out))
    assert again.exit_code == 2 and "already exists; use --force" in again.output
    assert out.read_bytes() == before
    assert run("generate", "provider-om", "-o", str(out), "--force").exit_code == 0


def test_format_follows_the_extension(run, tmp_path):
    out = tmp_path / "a.md"
    assert run("generate", "provider-software", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# 云计算平台软件许可及技术服务协议")


def test_bad_parameter_names_it_and_writes_nothing(run, tmp_path):
    out = tmp_path / "a.docx"
    result = run("generate", "provider-om", "-o", str(out), "--set", "critical_fix_days=soon")
    assert result.exit_code == 2 and "critical_fix_days" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_set_needs_name_equals_value(run, tmp_path):
    result = run("generate", "provider-om", "-o", str(tmp_path / "a.md"), "--set", "provider_name")
    assert result.exit_code == 2 and "expected NAME=VALUE" in result.output


def test_config_file_carries_the_whole_request(run, tmp_path):
    config = tmp_path / "request.yaml"
    config.write_text(
        "pair: provider-hardware\noptions: [cii]\nparameters:\n  provider_name: 华云数智科技有限公司\n"
        "  maintenance_years: 8\n",
        encoding="utf-8",
    )
    out = tmp_path / "a.txt"
    result = run("generate", "--config", str(config), "-o", str(out), "--set", "partner_name=坚石硬件有限公司")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "华云数智科技有限公司" in text and "坚石硬件有限公司" in text and "关键信息基础设施" in text
    assert "8" in text


def test_parameters_yaml_is_a_config_template_generate_accepts(run, tmp_path):
    template = run("parameters", "provider-om", "--format", "yaml")
    assert "customer_name" not in template.output and "partner_name" in template.output
    config = tmp_path / "c.yaml"
    config.write_text(template.output, encoding="utf-8")
    assert run("generate", "--config", str(config), "-o", str(tmp_path / "a.md")).exit_code == 0


def test_interactive_asks_and_re_asks_on_bad_values(run, tmp_path, filled_parameters):
    from contractkit.generation.render import relevant_parameters
    from contractkit.generation.settings import GenerationSettings

    asked = relevant_parameters(GenerationSettings("provider-om"))
    assert "critical_fix_days" in asked and "customer_name" not in asked
    from generation_support import COMPLETE

    from contractkit.generation.parameters import default_parameters

    value = lambda name: COMPLETE.get(name) or default_parameters()[name].default  # noqa: E731
    given = [f"--set={name}={value(name)}" for name in asked if name != "critical_fix_days"]
    out = tmp_path / "a.txt"
    result = run("generate", "provider-om", "-i", "-o", str(out), *given, input="三天\n12\n")
    assert result.exit_code == 0, result.output
    assert "高危漏洞修复时限" in result.output and "expected a whole number" in result.output
    assert "12日" in out.read_text(encoding="utf-8")


def test_markdown_to_standard_output(run):
    result = run("generate", "provider-security", "-o", "-", "--format", "md")
    assert result.exit_code == 0 and "安全服务提供者" in result.output


def _modules_loaded_by(*args) -> set[str]:
    code = (
        "import sys\n"
        "from contractkit.cli import main\n"
        "try:\n"
        f"    main({list(args)!r}, standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('LOADED:' + ','.join(m for m in ('spacy', 'jieba', 'docx', 'pydantic') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    line = next(line for line in out.stdout.splitlines() if line.startswith("LOADED:"))
    return set(filter(None, line.removeprefix("LOADED:").split(",")))


def test_help_loads_no_heavy_library():
    assert _modules_loaded_by("--help") == set()


def test_generate_text_loads_neither_spacy_nor_jieba(tmp_path):
    loaded = _modules_loaded_by("generate", "provider-om", "-o", str(tmp_path / "a.md"))
    assert not loaded & {"spacy", "jieba"}
