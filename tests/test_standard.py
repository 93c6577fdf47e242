"""The Standard seam: one standard is one data folder, and the code serves any of them.

tests/fixtures/standards/mini is a second, tiny standard (one requirement, its own
roles, words and templates). The checker and the generator run on it unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from contractkit.catalogue import UnknownName
from contractkit.checking.checker import Checker, CheckSettings
from contractkit.generation.render import build_document
from contractkit.generation.settings import GenerationSettings
from contractkit.generation.writers import writer_for
from contractkit.standard import StandardError, default_standard, load_standard

from support import source_from_text

MINI = Path(__file__).parent / "fixtures" / "standards" / "mini"


@pytest.fixture(scope="module")
def mini():
    return load_standard(MINI)


def test_the_shipped_standard_names_itself_and_its_words():
    standard = default_standard()
    assert standard.code == "T/CCIA 004-2024"
    assert standard.full_title == "T/CCIA 004-2024《云计算服务安全责任划分规则及实施指南》"
    assert [standard.vocabulary.zh("strengths", s) for s in ("must", "should", "may")] == ["应", "宜", "可"]
    assert standard.catalogue is default_standard().catalogue  # loaded once


def test_pairs_are_found_by_their_roles_in_either_order():
    standard = default_standard()
    assert standard.pair("provider", "om").id == "provider-om"
    assert standard.pair("om", "provider").id == "provider-om"
    assert standard.pair("customer", "provider").id == "customer-provider"
    with pytest.raises(UnknownName):
        standard.pair("om", "security")


def test_a_second_standard_is_checked_with_its_own_requirements_and_words(mini):
    checker = Checker(CheckSettings(suggestions=False), standard=mini)
    report = checker.check_document(source_from_text(
        "运维服务合同\n甲方：某平台公司\n乙方：某运维公司\n甲方委托乙方提供运维服务。\n甲方有权对乙方的运维工作进行监督检查。"
    ))
    assert report.pairs == ("provider-om",)
    assert [(f.requirement, f.status.value) for f in report.findings] == [("1-supervision", "satisfied")]
    # Its own words: 平台方 is how this standard names the provider's kind.
    assert "平台方" in report.findings[0].explanation
    parties = {p.label: p.roles for p in report.parties}
    assert parties == {"甲方": ("provider",), "乙方": ("om",)}


def test_a_second_standard_generates_from_its_own_templates(mini):
    document = build_document(GenerationSettings("provider-om"), standard=mini)
    text = writer_for("txt").write(document).decode("utf-8")
    assert "甲方（平台运营者）" in text and "乙方（运维协作方）" in text
    assert "甲方有权对乙方的运维工作进行监督检查，乙方应予配合。" in text
    assert document.metadata.standard == "T/TEST 001-2026 测试用云服务安全责任迷你标准"
    assert document.metadata.requirement_ids == ("1-supervision",)
    assert "T/CCIA" not in text


def test_a_manifest_that_cannot_be_used_names_the_file_and_the_key(tmp_path):
    manifest = tmp_path / "standard.yaml"
    manifest.write_text((MINI / "standard.yaml").read_text(encoding="utf-8").replace(
        "catalogue: requirements/mini.yaml", "catalogue: requirements/none.yaml"), encoding="utf-8")
    with pytest.raises(StandardError, match=r"standard\.yaml: data\.catalogue: .*none\.yaml does not exist"):
        load_standard(tmp_path)
    manifest.write_text("code: X\ntitle: Y\n", encoding="utf-8")
    with pytest.raises(StandardError, match=r"standard\.yaml: (version|data|vocabulary): Field required"):
        load_standard(manifest)
