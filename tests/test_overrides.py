"""Clauses the contract takes back (第8.2条不适用于本合同): not read, and said in the notes."""

from __future__ import annotations

from contractkit.checking.checker import Checker, CheckSettings
from contractkit.checking.understanding.overrides import overrides

from support import checker, source_from_text

ROLES = (("甲方", ("provider",)), ("乙方", ("om",)))
CONTRACT = """云平台运维服务合同
甲方：江州汇云数据科技有限公司
乙方：江州恒序信息技术有限公司
第八条 数据
8.1 乙方在运维中接触的甲方数据仅可用于履行本合同。
8.2 本合同终止后十日内，乙方应将甲方数据全部返还甲方，并删除其留存的副本，向甲方出具书面确认。
第十二条 特别约定
12.1 {special}
"""


def _exit(special: str, **settings):
    text = CONTRACT.format(special=special)
    check = Checker(CheckSettings(roles=dict(ROLES), **settings)) if settings else checker(ROLES)
    report = check.check_document(source_from_text(text))
    return next(f for f in report.findings if f.requirement == "83-partner-data-exit"), report.notes


def test_a_sub_clause_taken_back_is_not_read_and_the_notes_say_so():
    finding, notes = _exit("双方确认，第8.2条不适用于本合同。")
    assert finding.status.value == "missing"
    assert any("第8.2条已被其后条款排除适用（“双方确认，第8.2条不适用于本合同。”）" in note for note in notes)


def test_an_article_deleted_by_its_chinese_number_is_not_read():
    finding, _ = _exit("删除原合同第八条。")
    assert finding.status.value == "missing"


def test_a_clause_narrowed_to_a_case_still_stands():
    finding, notes = _exit("第8.2条不适用于乙方提供免费试用服务的期间。")
    assert finding.status.value == "satisfied"
    assert not any("排除适用" in note for note in notes)


def test_a_number_the_contract_does_not_use_takes_nothing_back():
    finding, notes = _exit("第9.5条不适用于本合同。")
    assert finding.status.value == "satisfied" and not any("排除适用" in note for note in notes)


def test_without_the_reader_the_clause_taken_back_still_counts():
    """The ablation (contractkit evaluate --without overrides)."""
    finding, _ = _exit("双方确认，第8.2条不适用于本合同。", without={"overrides"})
    assert finding.status.value == "satisfied"


def test_the_paragraphs_of_an_article_run_to_the_next_article():
    texts = ["第五条 数据", "乙方应删除甲方数据。", "（一）删除副本；", "第六条 其他", "本合同第五条作废。"]
    (found,) = overrides(texts)
    assert found.clause == "第五条" and found.blocks == (0, 1, 2) and found.said_in == 4


def test_a_clause_replaced_whole_by_a_supplement_is_not_read_but_its_new_text_is():
    finding, notes = _exit("第8.2条修改为：“本合同终止后，乙方无需返还或删除甲方数据。”")
    assert finding.status.value == "contrary"  # the new text, read in the supplement, says the opposite
    assert any("第8.2条已被其后条款排除适用" in note for note in notes)


def test_a_word_changed_inside_a_clause_keeps_the_clause():
    finding, notes = _exit("第8.2条中的“十日”修改为“十五日”。")
    assert finding.status.value == "satisfied" and not any("排除适用" in note for note in notes)


def test_several_paragraphs_of_an_article_deleted_at_once():
    texts = ["第十条 违约责任", "10.1 乙方未按约定修复漏洞的，应支付违约金。", "10.2 乙方泄露数据的，应赔偿损失。",
             "10.3 其他违约按法律规定处理。", "第十一条 补充", "主协议第十条第一款、第二款删除，第十条第三款保持不变。"]
    assert [(o.clause, o.blocks) for o in overrides(texts)] == [("第10.1条", (1,)), ("第10.2条", (2,))]
