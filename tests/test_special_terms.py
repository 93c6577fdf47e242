"""General terms that leave their specifics to special terms left blank (具体违约金标准见专用条款, 违约金标准：/)."""

from __future__ import annotations

from contractkit.checking.checker import Checker, CheckSettings
from contractkit.checking.understanding.special_terms import left_open

from support import checker, source_from_text

ROLES = (("采购人", ("provider",)), ("供应商", ("om",)))
CONTRACT = """云平台运维服务采购合同
采购人：澄江市政务数据中心
供应商：澄江恒序信息技术有限公司
第一部分 通用条款
第5条 监督检查
采购人有权对供应商的运维工作进行检查，供应商应予配合。
第20条 违约责任
供应商未按合同约定履行运维义务的，应向采购人承担违约责任，具体违约金标准见专用条款。
第二部分 专用条款
5. 检查频次：每季度一次。
20. 违约金标准：{penalty}
"""


def _accountability(penalty: str, **settings):
    text = CONTRACT.format(penalty=penalty)
    check = Checker(CheckSettings(roles=dict(ROLES), **settings)) if settings else checker(ROLES)
    report = check.check_document(source_from_text(text))
    return next(f for f in report.findings if f.requirement == "5b2-accountability")


def test_a_blank_special_clause_leaves_the_general_clause_open_and_says_which():
    finding = _accountability("＿＿＿＿（本栏未填写）")
    assert finding.status == "partial"
    assert "专用条款第20条未填写" in finding.explanation
    assert "具体违约金标准见专用条款" in finding.evidence[0].text


def test_a_special_clause_left_to_negotiation_leaves_it_open_too():
    finding = _accountability("由双方协商解决。")
    assert finding.status == "partial"
    assert "专用条款第20条留待协商" in finding.explanation


def test_a_filled_special_clause_settles_it():
    assert _accountability("每次按当季服务费的5%计收。").status == "satisfied"


def test_without_the_reader_the_general_clause_is_read_alone():
    assert _accountability("/", without={"special_terms"}).status == "satisfied"


def test_the_special_clause_is_found_by_the_general_clauses_number_only():
    texts = CONTRACT.format(penalty="/").splitlines()
    found = left_open(texts)
    assert [(texts[o.block][:6], o.clause, o.why) for o in found] == [("供应商未按合", "专用条款第20条", "未填写")]
    # A pointer whose clause the special terms do not number is not judged: nothing is taken as open.
    assert left_open(["第7条 数据", "供应商应按专用条款约定删除数据。", "第二部分 专用条款", "20. 违约金标准：/"]) == []
    assert left_open(["供应商应按专用条款约定删除数据。"]) == []


def test_special_terms_in_a_table_are_read_row_by_row():
    texts = [
        "8.　违约责任",
        "双方的违约责任按专用条款的约定执行。",
        "第三部分　专用条款",
        "| 条款号 | 事项 | 约定 |",
        "| 专8.1 | 逾期完成实施的违约金标准 | ＿＿＿＿ |",
        "| 专8.2 | 违反安全责任的违约责任 | ＿＿＿＿ |",
        "附件1　货物清单",
        "| 1 | 云管理平台软件 | 1套 |",
    ]
    assert [(o.block, o.clause, o.why) for o in left_open(texts)] == [(1, "专用条款第8条", "未填写")]
    # One row filled and one left blank: the clause still leaves a figure open.
    half = texts[:5] + ["| 专8.2 | 违反安全责任的违约责任 | 按当年服务费的10%计收 |"] + texts[6:]
    assert [o.why for o in left_open(half)] == ["未填写"]
    filled = texts[:4] + ["| 专8.1 | 逾期完成实施的违约金标准 | 每日千分之一 |"] + half[5:]
    assert left_open(filled) == []


ANNEXED = """云平台运维服务合同
甲方：澄江市政务数据中心
乙方：澄江恒序信息技术有限公司
乙方未按约定完成运维工作的，应向甲方支付违约金，违约金的计算方式见附件三。
附件三：违约金计算方式{annex}
"""


def _annexed(annex: str):
    report = checker((("甲方", ("provider",)), ("乙方", ("om",)))).check_document(
        source_from_text(ANNEXED.format(annex=annex)))
    return next(f for f in report.findings if f.requirement == "5b2-accountability")


def test_an_annex_marked_as_still_to_come_leaves_the_pointing_clause_open():
    """见附件三, with 附件三 marked 待定 or left as a blank to fill: the liability is named, its measure open;
    an annex that says something settles it, and a pointer to another annex finds nothing open."""
    finding = _annexed("（待定）")
    assert finding.status == "partial"
    assert "附件三待定" in finding.explanation
    assert _annexed("＿＿＿＿").status == "partial"
    assert _annexed("\n每逾期一日按合同总价的千分之一计。").status == "satisfied"
    texts = ANNEXED.format(annex="（待定）").splitlines()
    assert [(o.clause, o.why) for o in left_open(texts)] == [("附件三", "待定")]
    assert left_open([t.replace("附件三。", "附件二。") for t in texts]) == []
