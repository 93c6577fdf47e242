"""Division-of-work tables: a row (工作事项 | 实施方 | 时限) counts like a written clause, and the
evidence is its cell, in Word tables and in Markdown or plain-text tables alike."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from lxml import etree

from contractkit.annotate import annotate_docx
from contractkit.checking.understanding.tables import row_sentences
from contractkit.standard import default_standard

from support import checker, source_from_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ROLES = (("甲方", ("provider",)), ("乙方", ("om",)))
PARTIES = "甲方：华东云计算有限公司\n乙方：启明运维服务有限公司\n"


def rows_said(text: str, parties: tuple[str, ...] = ("甲方", "乙方")) -> list[str]:
    """The table rows of ``text`` as the rules read them, with these labels for the parties."""
    words = default_standard().table_words
    assert words is not None
    return [r.text for r in row_sentences(source_from_text(text).blocks, words, lambda text: text in parties)]


def findings(text: str) -> dict:
    report = checker(ROLES).check_document(source_from_text(PARTIES + text))
    return {f.requirement: f for f in report.findings}


def division_table(path: Path, rows: list[list[str]], header=("工作事项", "实施方", "完成时限", "甲方职责")) -> Path:
    document = docx.Document()
    document.add_paragraph("云平台运维服务协议")
    for line in PARTIES.splitlines():
        document.add_paragraph(line)
    document.add_paragraph("双方按下表分工：")
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    for i, words in enumerate([list(header), *rows]):
        for j, text in enumerate(words):
            table.cell(i, j).text = text
    document.add_paragraph("本协议自双方签字盖章之日起生效。")
    document.save(path)
    return path


def test_a_word_table_row_is_an_obligation_with_its_cell_as_evidence(tmp_path):
    path = division_table(tmp_path / "协议.docx", [
        ["云平台安全漏洞修复", "乙方", "发现后24小时内", "确认修复结果"],
        ["机房巡检", "乙方", "每月一次", "审阅巡检报告"],
    ])
    report = checker(ROLES).check_path(path)
    finding = {f.requirement: f for f in report.findings}["65b-vulnerability-remediation"]
    assert finding.status.value == "satisfied", finding.explanation
    evidence = finding.evidence[0]
    assert evidence.text == "云平台安全漏洞修复"
    assert evidence.location.kind == "table-cell"
    assert (evidence.location.table, evidence.location.row, evidence.location.cell) == (0, 1, 0)
    assert "表1 第2行 第1列" in evidence.location.describe()

    # The annotated copy comments exactly that cell.
    annotated = tmp_path / "协议.annotated.docx"
    annotate_docx(path, report, annotated, comment_satisfied=True)
    with zipfile.ZipFile(annotated) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    commented_cells = [
        "".join(cell.itertext())
        for start in body.iter(f"{{{W}}}commentRangeStart")
        for cell in start.iterancestors(f"{{{W}}}tc")
    ]
    assert "云平台安全漏洞修复" in commented_cells


def test_a_markdown_table_row_counts_like_a_sentence():
    found = findings("工作事项\t实施方\t时限\n安全事件处置与报告\t乙方\t发现后1小时内报告甲方\n")
    assert found["65b-incident-handling"].status.value == "satisfied"
    assert found["65b-incident-handling"].evidence[0].text == "安全事件处置与报告"


def test_a_row_done_by_the_wrong_party_credits_nothing():
    found = findings("工作事项\t实施方\t时限\n安全漏洞修复\t甲方\t24小时内\n")
    assert found["65b-vulnerability-remediation"].status.value == "missing"


def test_a_price_list_is_not_a_division_of_work():
    found = findings("序号\t服务名称\t数量\t单价\n1\t安全漏洞修复服务\t1项\t20000元\n")
    assert found["65b-vulnerability-remediation"].status.value == "missing"


def test_a_table_of_business_matters_divides_no_work():
    """事项 | 责任方 over invoices, payment and reconciliation: neither the header nor the rows divide work."""
    table = "双方的商务事项安排如下：\n事项 | 责任方 | 时限\n开具增值税发票 | 乙方 | 收款后七日内\n" \
            "支付季度服务费 | 甲方 | 收到发票后十五日内\n"
    assert findings(table)["5a3-division"].status.value == "missing"
    security = table.replace("开具增值税发票", "主机漏洞扫描").replace("支付季度服务费", "扫描结果复核")
    assert findings(security)["5a3-division"].status.value == "satisfied"


def test_a_markdown_tables_rule_under_its_header_is_no_row():
    table = "| 工作内容 | 实施方 | 备注 |\n|---|:---:|---|\n| 安全漏洞修复 | 乙方 | 24小时内 |\n"
    assert rows_said(table) == ["乙方负责安全漏洞修复，备注为24小时内。"]


def test_a_revenue_share_table_headed_by_the_parties_divides_no_work():
    """甲方分成比例 | 乙方分成比例: each party's share of the money, not its part of the work."""
    table = "联合推广的产品按下表分成：\n产品或服务类别 | 甲方分成比例 | 乙方分成比例 | 结算周期\n" \
            "主机安全防护 | 50% | 50% | 季度\n安全托管服务 | 30% | 70% | 月度\n"
    assert findings(table)["5a3-division"].status.value == "missing"


def test_header_below_a_title_row_and_party_duty_columns():
    text = "安全责任分工表\n工作事项\t实施方\t采购人职责\n日志审计\t供应商\t定期审阅审计报告\n"
    blocks = source_from_text(text).blocks
    words = default_standard().table_words
    assert words is not None
    rows = row_sentences(blocks, words, lambda text: text in ("采购人", "供应商"))
    assert [r.text for r in rows] == ["供应商负责日志审计，采购人负责定期审阅审计报告。"]
    assert rows[0].anchor.text == "日志审计"


def test_columns_headed_by_a_party_alone_say_each_partys_part():
    """采购人 | 供应商 with cells 审批 / 实施 / ——: each party's cell is its part (实施: the row's work is
    that party's); a dash says nothing."""
    text = "安全工作｜采购人｜供应商\n云主机漏洞扫描与加固｜审批｜实施\n应用层代码安全｜实施｜——\n"
    words = default_standard().table_words
    assert words is not None
    rows = row_sentences(source_from_text(text).blocks, words, lambda text: text in ("采购人", "供应商"))
    assert [r.text for r in rows] == [
        # (安全工作: what a party does in a row is its security duty.)
        "就云主机漏洞扫描与加固，采购人负责审批，供应商负责云主机漏洞扫描与加固的安全责任。",
        "就应用层代码安全，采购人负责应用层代码安全。",
    ]
    # A header that holds a party but says more (乙方报告甲方时限) is no party's column.
    graded = "事件级别｜乙方报告甲方时限｜现场处置责任方\n较大｜1小时内｜乙方\n"
    rows = row_sentences(source_from_text(graded).blocks, words, lambda text: "乙方" in text or "甲方" in text)
    assert [r.text for r in rows] == ["乙方负责现场处置事件级别为较大的事项，乙方报告甲方时限为1小时内。"]


def test_a_cell_with_its_own_modal_word_is_read_as_it_stands():
    """不参与 in a party's column says that party's part itself (not "负责不参与"), 负责 that the row's
    work is the party's, while 应急响应 and 不定期巡检 name work and keep the 负责 the column gives them."""
    text = ("工作事项｜乙方｜甲方\n业务数据导出｜不参与｜负责\n安全事件处置｜应急响应，30分钟内到场｜决策\n"
            "机房巡检｜不定期巡检｜审阅\n")
    assert rows_said(text) == [
        "就业务数据导出，乙方不参与，甲方负责业务数据导出。",
        "就安全事件处置，乙方负责应急响应，30分钟内到场，甲方负责决策。",
        "就机房巡检，乙方负责不定期巡检，甲方负责审阅。",
    ]


def test_ticks_crosses_and_responsibility_letters_in_party_columns():
    """| 工作事项 | 甲方 | 乙方 | over ✓ / × / RACI letters, typed with empty cells between the bars: the
    empty cell keeps its column, ✓, ● and R give the party the row's work, A/C/I and ○ their own parts, × none."""
    text = ("| 工作事项 | 甲方 | 乙方 |\n| 主机补丁更新 |  | ✓ |\n| 账号权限审批 | ✓ | × |\n"
            "| 漏洞修复 | A | R |\n| 安全策略变更 | R/A | C |\n| 日志审计 | ● | ○ |\n")
    assert rows_said(text) == [
        "就主机补丁更新，乙方负责主机补丁更新。",
        "就账号权限审批，甲方负责账号权限审批。",
        "就漏洞修复，甲方负责审批，乙方负责漏洞修复。",
        "就安全策略变更，甲方负责安全策略变更，甲方负责审批，乙方负责提供意见。",
        "就日志审计，甲方负责日志审计，乙方负责配合实施。",
    ]
    # Columns a typist aligned with extra tabs: the empty cells are spacing, not columns.
    assert rows_said("工作事项\t\t实施方\n漏洞修复\t\t乙方\n") == ["乙方负责漏洞修复。"]


def test_a_legend_says_what_the_marks_of_a_matrix_mean():
    """A legend in the caption or in a note below (R：实施；A：监督…, 注：●为牵头方，○为配合方) overrides the
    usual reading of the marks: A becomes supervision with the rights the legend gives, not approval, and a
    ● that means 知悉 gives the party no work at all."""
    caption = "分工矩阵（R：实施；A：监督，有权抽查工作记录并要求返工）\n"
    rows = "工作项 | 甲方 | 乙方\n主机补丁更新 | A | R\n"
    assert rows_said(caption + rows) == [
        "就主机补丁更新，甲方负责监督，有权抽查工作记录并要求返工，乙方负责主机补丁更新。"]
    assert rows_said(rows) == ["就主机补丁更新，甲方负责审批，乙方负责主机补丁更新。"]  # no legend: RACI's A
    note = "工作项 | 甲方 | 乙方\n漏洞修复 | ○ | ●\n注：●为知悉方，○为牵头方。\n"
    assert rows_said(note) == ["就漏洞修复，甲方负责漏洞修复，乙方负责知悉。"]
    # One mark named in passing (A为…) is a sentence, not a legend.
    assert rows_said("A为甲方授权代表。\n" + rows) == ["就主机补丁更新，甲方负责审批，乙方负责主机补丁更新。"]


def test_lead_and_support_columns_name_the_parties():
    """工作项 | 主责 | 配合 | 知悉 with party names in the cells: the lead does the work, the support column's
    party helps with it, and the party only told of it owes nothing."""
    text = "工作项 | 主责 | 配合 | 知悉\n季度安全检查 | 甲方 | 乙方 | —\n对外事件通报 | 甲方 | — | 乙方\n"
    assert rows_said(text) == ["甲方负责季度安全检查，乙方负责配合季度安全检查。", "甲方负责对外事件通报。"]
    assert findings(text)["5d-accept-supervision"].status.value == "satisfied"


def test_a_note_below_the_table_hands_it_every_row():
    """备注：以上各项工作均由乙方实施 under a table with no doer column: each row is that party's, and a
    column saying how (处理方法) is read with it."""
    text = "介质类型 | 处理方法\n机械硬盘 | 三次覆写后消磁\n备注：以上各项工作均由乙方实施。\n"
    assert rows_said(text) == ["乙方负责介质类型为机械硬盘的事项，处理方法为三次覆写后消磁。"]


def test_a_severity_table_whose_cells_say_who_does_what():
    """事件分级 | 报告时限 | 处置分工 with cells 乙方先行处置，甲方统一决策: each party opening a part of the cell
    answers for that part; a cell naming the party alone keeps the header's act."""
    text = ("事件分级｜报告时限｜处置分工｜处置时限\n"
            "重大｜发现后15分钟内报告甲方｜乙方先行处置，甲方统一决策｜2小时内\n"
            "一般｜发现后2小时内报告甲方｜乙方｜24小时内\n")
    words = default_standard().table_words
    assert words is not None
    rows = row_sentences(source_from_text(text).blocks, words, lambda text: "甲方" in text or "乙方" in text)
    assert [r.text for r in rows] == [
        "就事件分级为重大的事项，乙方负责先行处置，甲方负责统一决策，时限为发现后15分钟内报告甲方，"
        "处置时限为2小时内。",
        "乙方负责处置事件分级为一般的事项，时限为发现后2小时内报告甲方，处置时限为24小时内。",
    ]
    report = findings("安全事件报告与处置要求：\n" + text)
    assert report["65b-incident-handling"].status.value == "satisfied"


def test_without_the_table_reader_the_row_is_not_read(tmp_path):
    """The ablation of the table reader (contractkit evaluate --without tables): the row's duty is lost."""
    from contractkit.checking.checker import Checker, CheckSettings

    path = division_table(tmp_path / "协议.docx", [["云平台安全漏洞修复", "乙方", "发现后24小时内", "确认修复结果"]])
    settings = CheckSettings(roles=dict(ROLES), without={"tables"})
    finding = {f.requirement: f for f in Checker(settings).check_path(path).findings}["65b-vulnerability-remediation"]
    assert finding.status.value == "missing"


def test_a_plain_text_table_typed_with_bars_and_graded_by_severity(tmp_path):
    """漏洞等级 | 修复实施方 | 修复时限 typed in a .txt: the rows are read as a table, the headers say
    what the work is (修复 漏洞), and the row's first cell is the evidence."""
    contract = tmp_path / "协议.txt"
    contract.write_text(
        PARTIES
        + "漏洞等级 | 修复实施方 | 修复时限 | 确认方式\n"
        + "严重 | 乙方 | 24小时 | 甲方验证后关闭\n"
        + "高危 | 乙方 | 3个工作日 | 甲方验证后关闭\n",
        encoding="utf-8",
    )
    finding = {f.requirement: f for f in checker(ROLES).check_path(contract).findings}["65b-vulnerability-remediation"]
    assert finding.status.value == "satisfied", finding.explanation
    assert "该表格行" in finding.explanation
    assert finding.evidence[0].text == "严重"


def test_bars_in_a_sentence_are_not_a_table(tmp_path):
    from contractkit.reading import read_document

    contract = tmp_path / "协议.txt"
    contract.write_text("甲方 | 乙方应按时付款。\n", encoding="utf-8")
    assert [b.text for b in read_document(contract).blocks] == ["甲方 | 乙方应按时付款。"]


def test_a_sanction_table_reads_each_row_as_a_condition_and_its_consequence(tmp_path):
    """未落实情形 | 责任后果 in a Word table: each row is "<情形>的，(应)<后果>", the accountability 5 b) 2)
    asks for, quoted from the row's first cell; a table of situations without a consequence column is
    no such table."""
    words = default_standard().table_words
    assert words is not None
    text = ("| 违约情形 | 处理方式 |\n| 未按时提交月度巡检报告 | 扣减当月服务费2% |\n"
            "| 迟报重大故障 | 乙方支付违约金一万元 |\n")
    rows = row_sentences(source_from_text(text).blocks, words, lambda text: text in ("甲方", "乙方"))
    assert [r.text for r in rows] == ["未按时提交月度巡检报告的，应扣减当月服务费2%。",
                                      "迟报重大故障的，乙方应支付违约金一万元。"]
    counts = source_from_text("| 违约情形 | 发生次数 |\n| 迟报重大故障 | 2 |\n")
    assert row_sentences(counts.blocks, words, lambda text: False) == []

    path = division_table(tmp_path / "协议.docx", [["未按时提交月度巡检报告", "乙方限期补交，扣减当月服务费2%"]],
                          header=("未落实情形", "责任后果"))
    report = {f.requirement: f for f in checker(ROLES).check_path(path).findings}
    finding = report["5b2-accountability"]
    assert finding.status.value == "satisfied"
    assert finding.evidence[0].text == "未按时提交月度巡检报告"


def test_a_sanction_table_whose_consequence_column_names_the_party_that_bears_it():
    """未达标情形 | 乙方责任: each row's consequence is that party's, said with it unless the cell names
    its own party."""
    assert rows_said("| 未达标情形 | 乙方责任 |\n| 高危告警超过30分钟未研判 | 每次扣减月服务费2% |\n"
                     "| 累计三次未达标 | 甲方可单方解除合同 |\n") == [
        "高危告警超过30分钟未研判的，乙方应每次扣减月服务费2%。", "累计三次未达标的，甲方可单方解除合同。"]
    found = findings("乙方安全服务未达标时按下表承担责任：\n| 未达标情形 | 乙方责任 |\n"
                     "| 因未履行监测义务导致安全事件 | 赔偿甲方全部直接损失 |\n")
    assert found["5b2-accountability"].status.value == "satisfied"


def test_a_caption_naming_one_party_answers_for_every_row():
    """乙方…按下表执行： over 漏洞等级 | 通知方式 | 响应时限 (no party column): each row is that party's
    duty; a caption naming both parties, or no caption, gives the rows no doer."""
    words = default_standard().table_words
    assert words is not None
    table = "漏洞等级|通知方式|响应时限\n紧急|电话通知甲方|2小时内\n"

    def said(caption: str) -> list[str]:
        blocks = source_from_text(caption + table).blocks
        return [r.text for r in row_sentences(blocks, words, lambda text: "甲方" in text or "乙方" in text)]

    assert said("乙方对产品漏洞的通知和响应按下表执行：\n") == [
        "乙方负责漏洞等级为紧急的事项，时限为2小时内，通知方式为电话通知甲方。"]
    assert said("双方按下表执行：\n") == []
    assert said("") == []
