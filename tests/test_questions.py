"""FAQ-style terms: an answer is read with its question, and a question alone undertakes nothing."""

from __future__ import annotations

from contractkit.checking.checker import Checker, CheckSettings

from support import source_from_text

ROLES = {"甲方": ("provider",), "乙方": ("om",)}
FAQ = ("问：乙方在运维中发现安全事件后要做什么？\n"
       "答：乙方应在发现后一小时内电话报告甲方，并负责事件的技术处置，四小时内完成初步遏制。")


def _finding(text: str, requirement: str, **settings):
    report = Checker(CheckSettings(roles=ROLES, extra_requirements=(requirement,), clause_model=False,
                                   **settings)).check_document(source_from_text(text))
    return next(f for f in report.findings if f.requirement == requirement)


def test_an_answer_is_read_with_its_question():
    finding = _finding(FAQ, "65b-incident-handling")
    assert finding.status.value == "satisfied", finding.explanation
    assert "该问答" in finding.explanation
    # Quoted as the answer stands, not with the question glued on.
    assert [e.text for e in finding.evidence][0].startswith("答：乙方应在发现后一小时内")


def test_without_the_reader_the_answer_lacks_its_topic():
    """The ablation: the answer alone names no incident (``--without questions``)."""
    assert _finding(FAQ, "65b-incident-handling", without=frozenset({"questions"})).status.value == "missing"


def test_a_question_undertakes_nothing():
    text = "问：乙方应在多长时间内修复平台漏洞并由甲方确认修复结果？\n答：视所购服务套餐而定。"
    assert _finding(text, "65b-vulnerability-remediation").status.value == "missing"


def test_an_answer_runs_to_the_end_of_its_paragraph_only():
    text = FAQ + "\n第五条 其他\n乙方负责机房的日常保洁。"
    finding = _finding(text, "65b-incident-handling")
    assert all("保洁" not in e.text for e in finding.evidence)
