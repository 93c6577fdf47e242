"""The older legal register (之, 毋须, …者，, 负…责任) is read as the modern one, and quoted as written."""

from __future__ import annotations

import pytest

from contractkit.checking.checker import Checker, CheckSettings
from contractkit.checking.understanding.register import modern

from support import source_from_text


@pytest.mark.parametrize(("written", "read"), [
    ("乙方之运维作业", "乙方的运维作业"),
    ("乙方毋须返还", "乙方无需返还"),
    ("致需方受有损失者，由供方负赔偿责任", "致需方受有损失的，由供方负赔偿责任"),
    ("任何一方发现安全事件者，应及时通知他方", "任何一方发现安全事件的，应及时通知他方"),
    # Words of their own stay: 之日起, 之后, 总之, and nouns in 者 (提供者, 或者).
    ("自本协议生效之日起", "自本协议生效之日起"),
    ("服务终止之后，总之", "服务终止之后，总之"),
    ("作为云服务提供者，乙方应", "作为云服务提供者，乙方应"),
    ("甲方或者乙方", "甲方或者乙方"),
])
def test_the_older_register_is_read_word_for_word(written, read):
    assert modern(written) == read
    assert len(modern(written)) == len(written)  # offsets into it are offsets into the contract


def test_a_classical_refusal_is_contrary_and_quoted_as_written():
    text = "服务届满之后，甲方存放于乙方平台之业务数据，乙方毋须交还，亦得不予删除。"
    settings = CheckSettings(roles={"甲方": ("customer",), "乙方": ("provider",)},
                             extra_requirements=("83b1-data-exit",), clause_model=False)
    report = Checker(settings).check_document(source_from_text(text))
    finding = next(f for f in report.findings if f.requirement == "83b1-data-exit")
    assert finding.status.value == "contrary", finding.explanation
    assert [e.text for e in finding.evidence] == [text]  # the contract's words, 之 and 毋须 kept
