"""The reading layer: files from strangers -> located text blocks, or a ReadError with a stable code."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from contractkit.reading import ReadError, ReadLimits, SourceDocument, read_document
from contractkit.reading.clauses import clause_label
from contractkit.reading.numbering import chinese_number, format_number

from reading_fixtures import (  # tests/ is on sys.path under pytest
    ROOT_RELS,
    cfb_bytes,
    custom_xml,
    document_xml,
    docx_bytes,
    numbering_xml,
    para,
    pdf_bytes,
    run,
    set_declared_size,
    styles_xml,
    table,
)

W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def texts(doc: SourceDocument) -> list[str]:
    return [block.text for block in doc.blocks]


def read_error(path: Path, limits: ReadLimits | None = None) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_document(path, limits)
    err = info.value
    assert path.name in str(err), "the message must name the file"
    assert err.path == path
    return err


# ------------------------------------------------------------------ .docx


def test_docx_paragraphs_and_tables_with_locations(tmp_path):
    docx = pytest.importorskip("docx")
    from docx.oxml.ns import qn

    d = docx.Document()
    d.add_heading("云服务安全责任协议", 0)
    d.add_heading("第一章 总则", 1)
    d.add_paragraph("第一条 本协议适用于云服务。")
    d.add_paragraph("")  # empty: skipped, but still counted
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "责任方"
    t.cell(0, 1).text = "义务"
    t.cell(1, 0).text = "服务提供方"
    t.cell(1, 1).text = "保障数据安全"
    d.add_paragraph("第二条 数据安全")
    t2 = d.add_table(rows=1, cols=1)
    t2.cell(0, 0).text = "附表内容"
    path = tmp_path / "contract.docx"
    d.save(path)

    doc = read_document(path)
    assert doc.format == "docx"
    assert texts(doc) == ["云服务安全责任协议", "第一章 总则", "第一条 本协议适用于云服务。", "责任方", "义务",
                          "服务提供方", "保障数据安全", "第二条 数据安全", "附表内容"]
    by_text = {b.text: b for b in doc.blocks}
    assert by_text["云服务安全责任协议"].heading and by_text["第一章 总则"].heading
    assert not by_text["第一条 本协议适用于云服务。"].heading
    cell = by_text["保障数据安全"].location
    assert (cell.kind, cell.table, cell.row, cell.cell) == ("table-cell", 0, 1, 1)
    assert by_text["附表内容"].location.table == 1
    assert by_text["第二条 数据安全"].location.kind == "paragraph"
    assert by_text["第二条 数据安全"].location.table is None

    # Location.paragraph indexes body.iter(w:p) -- the annotator finds the same paragraph with python-docx.
    paragraphs = list(docx.Document(path).element.body.iter(qn("w:p")))
    for block in doc.blocks:
        found = "".join(t.text or "" for t in paragraphs[block.location.paragraph].iter(qn("w:t")))
        assert found == block.text
    assert doc.blocks[3].location.paragraph == 4  # the empty paragraph (3) was counted


def test_docx_word_numbering_labels(tmp_path):
    numbering = numbering_xml(
        abstracts={
            1: [("chineseCounting", "第%1条", 1), ("chineseCounting", "（%2）", 1), ("decimal", "%3.", 1)],
            2: [("decimal", "%1.", 1), ("decimal", "%1.%2", 1)],
            3: [("chineseCounting", "%1、", 1)],
        },
        nums={1: (1, {}), 2: (2, {}), 3: (2, {0: 5}), 4: (3, {}), 5: (1, {})},
    )
    body = "".join([
        para("定义", num=(1, 0)),             # 第一条
        para("云服务", num=(1, 1)),           # （一）
        para("客户数据", num=(1, 1)),         # （二）
        para("明细", num=(1, 2)),             # 1.
        para("数据安全", num=(1, 0)),         # 第二条 (deeper levels restart)
        para("", num=(1, 0)),                 # 第三条, shown although the paragraph is empty
        para("加密", num=(1, 1)),             # （一）
        para("范围", num=(2, 0)),             # 1.
        para("细则", num=(2, 1)),             # 1.1
        para("细则二", num=(2, 1)),           # 1.2
        para("重新开始", num=(3, 0)),         # 5. (startOverride on a new w:num)
        para("继续", num=(3, 0)),             # 6.
        para("一级", num=(4, 0)),             # 一、
        para("共享计数", num=(5, 0)),         # 第四条: num 5 shares abstract 1 with num 1
        para("不编号", num=(0, 0)),           # numId 0 = numbering removed
    ])
    doc = read_document(write(tmp_path, "numbered.docx", docx_bytes(document_xml(body), numbering=numbering)))
    assert texts(doc) == [
        "第一条 定义", "（一） 云服务", "（二） 客户数据", "1. 明细", "第二条 数据安全", "第三条", "（一） 加密",
        "1. 范围", "1.1 细则", "1.2 细则二", "5. 重新开始", "6. 继续", "一、 一级", "第四条 共享计数", "不编号",
    ]
    labels = [b.location.label for b in doc.blocks]
    assert labels[:7] == ["第一条", "第一条", "第一条", "第一条", "第二条", "第三条", "第三条"]


def test_docx_numbering_from_style_and_start_value(tmp_path):
    numbering = numbering_xml(abstracts={7: [("chineseCountingThousand", "第%1条", 11)]}, nums={9: (7, {})})
    styles = styles_xml([
        ("a1", "heading 1", '<w:numPr><w:numId w:val="9"/></w:numPr><w:outlineLvl w:val="0"/>'),
        ("Normal", "Normal", ""),
    ])
    body = para("数据安全", style="a1") + para("正文") + para("个人信息", style="a1")
    data = docx_bytes(document_xml(body), numbering=numbering, styles=styles)
    doc = read_document(write(tmp_path, "styled.docx", data))
    assert texts(doc) == ["第十一条 数据安全", "正文", "第十二条 个人信息"]
    assert [b.heading for b in doc.blocks] == [True, False, True]
    assert [b.location.label for b in doc.blocks] == ["第十一条", "第十一条", "第十二条"]


def test_docx_tracked_changes_hidden_text_and_special_characters(tmp_path):
    body = "".join([
        para('<w:r><w:t>甲方应</w:t></w:r>'
             '<w:ins w:id="1" w:author="a"><w:r><w:t>在24小时内</w:t></w:r></w:ins>'
             '<w:del w:id="2" w:author="a"><w:r><w:delText>尽快</w:delText></w:r></w:del>'
             '<w:r><w:t>通知乙方</w:t></w:r>', raw=True),
        para(run("可见") + run("隐藏的承诺", hidden=True) + run("文字"), raw=True),
        para('<w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr>'
             '<w:r><w:t>A</w:t><w:tab/><w:t>B</w:t><w:br/><w:t>C</w:t><w:noBreakHyphen/><w:t>D</w:t></w:r>', raw=True),
        para("按大纲级别的标题", outline=1),
    ])
    doc = read_document(write(tmp_path, "tracked.docx", docx_bytes(document_xml(body))))
    assert texts(doc) == ["甲方应在24小时内通知乙方", "可见文字", "A\tB\nC-D", "按大纲级别的标题"]
    assert [b.heading for b in doc.blocks] == [False, False, False, True]


def test_docx_text_boxes_count_as_paragraphs_and_fallback_copies_are_skipped(tmp_path):
    box = '<w:txbxContent>' + para("文本框内容") + '</w:txbxContent>'
    body = para(
        '<w:r><w:t>前</w:t></w:r><w:r><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:textbox>{box}</v:textbox></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r><w:r><w:t>后</w:t></w:r>', raw=True) + para("下一段")
    doc = read_document(write(tmp_path, "textbox.docx", docx_bytes(document_xml(body))))
    assert [(b.text, b.location.paragraph) for b in doc.blocks] == [("前后", 0), ("文本框内容", 1), ("下一段", 3)]


def test_docx_clause_label_tracking(tmp_path):
    body = "".join([
        para("合同首部"),
        para("第一章 总则"),
        para("第 3 条 定义"),
        para("1. 本条第一项"),  # an item of 第3条, not a new label
        table([["表格内容"]]),
        para("第十二条 数据安全"),
        para("正文"),
    ])
    doc = read_document(write(tmp_path, "labels.docx", docx_bytes(document_xml(body))))
    assert [b.location.label for b in doc.blocks] == [None, "第一章", "第3条", "第3条", "第3条", "第十二条", "第十二条"]
    assert doc.blocks[4].location.describe().startswith("第3条，表1 第1行 第1列")


def test_docx_nested_table_is_flattened_into_its_cell(tmp_path):
    inner = table([["内层"]])
    body = table([["外层A", "<w:p/>" + inner + para("外层B")], ["第二行"]]) + table([["第二个表"]])
    doc = read_document(write(tmp_path, "nested.docx", docx_bytes(document_xml(body))))
    cells = [(b.text, b.location.table, b.location.row, b.location.cell) for b in doc.blocks]
    assert cells == [
        ("外层A", 0, 0, 0), ("内层", 0, 0, 1), ("外层B", 0, 0, 1), ("第二行", 0, 1, 0), ("第二个表", 1, 0, 0),
    ]


def test_docx_custom_properties(tmp_path):
    custom = custom_xml({"contractkit.template": "cloud-security-v1", "合同编号": "HT-2024-001"})
    doc = read_document(write(tmp_path, "props.docx", docx_bytes(document_xml(para("正文")), custom=custom)))
    assert doc.properties == {"contractkit.template": "cloud-security-v1", "合同编号": "HT-2024-001"}


def test_docx_strict_ooxml_namespace(tmp_path):
    doc = read_document(write(tmp_path, "strict.docx", docx_bytes(
        document_xml(para("严格格式"), ns=W_STRICT))))
    assert texts(doc) == ["严格格式"]


def test_docx_dispatch_ignores_extension(tmp_path):
    doc = read_document(write(tmp_path, "contract.pdf", docx_bytes(document_xml(para("其实是docx")))))
    assert doc.format == "docx" and texts(doc) == ["其实是docx"]


def test_docx_with_only_empty_paragraphs_has_no_text(tmp_path):
    err = read_error(write(tmp_path, "blank.docx", docx_bytes(document_xml(para() + para("   ")))))
    assert err.code == "no-text"


# ------------------------------------------------------------------ bad .docx


def test_non_zip_binary_named_docx_is_unsupported(tmp_path):
    assert read_error(write(tmp_path, "fake.docx", bytes(range(256)) * 8)).code == "unsupported"


def test_truncated_zip_is_corrupt(tmp_path):
    package = docx_bytes(document_xml(para("正文" * 200)))
    assert read_error(write(tmp_path, "truncated.docx", package[: len(package) // 2])).code == "corrupt"


def test_zip_without_document_xml_is_corrupt(tmp_path):
    assert read_error(write(tmp_path, "nodoc.docx", docx_bytes(None))).code == "corrupt"


def test_malformed_document_xml_is_corrupt(tmp_path):
    broken = document_xml(para("正文")).replace(b"</w:body>", b"")
    assert read_error(write(tmp_path, "malformed.docx", docx_bytes(broken))).code == "corrupt"


@pytest.mark.parametrize("target", ["file:///etc/passwd", "http://127.0.0.1:9/evil.dtd"])
def test_external_entity_is_refused(tmp_path, target):
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{target}">]>\n'
    document = document_xml(para('<w:r><w:t>&xxe;</w:t></w:r>', raw=True), prolog=prolog)
    err = read_error(write(tmp_path, "xxe.docx", docx_bytes(document)))
    assert err.code == "doctype"


def test_billion_laughs_is_refused(tmp_path):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    document = document_xml(para('<w:r><w:t>&lol9;</w:t></w:r>', raw=True),
                            prolog=f"<!DOCTYPE w:document [{entities}]>\n")
    assert read_error(write(tmp_path, "lol.docx", docx_bytes(document))).code == "doctype"


def test_doctype_in_a_part_we_do_not_parse_is_refused(tmp_path):
    settings = b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd"><w:settings/>'
    package = docx_bytes(document_xml(para("正文")), extra={"word/settings.xml": settings})
    assert read_error(write(tmp_path, "settings.docx", package)).code == "doctype"


def test_doctype_in_utf16_part_is_refused(tmp_path):
    document = ('<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE w:document [<!ENTITY a "b">]>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                "<w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>").encode("utf-16")
    assert read_error(write(tmp_path, "utf16.docx", docx_bytes(document))).code == "doctype"


def test_doctype_inside_a_comment_or_cdata_in_the_body_is_not_a_declaration(tmp_path):
    body = para('<w:r><w:t><![CDATA[<!DOCTYPE 只是文字>]]></w:t></w:r>', raw=True)
    doc = read_document(write(tmp_path, "cdata.docx", docx_bytes(document_xml(body))))
    assert texts(doc) == ["<!DOCTYPE 只是文字>"]


def _bomb_document(size: int) -> bytes:
    filler = b" " * size
    return document_xml(para("正文")).replace(b"<w:body>", b"<w:body>" + filler)


def test_zip_bomb_declared_size_over_entry_limit(tmp_path):
    package = docx_bytes(_bomb_document(2 * 1024 * 1024))
    assert len(package) < 20_000
    limits = ReadLimits(max_entry_bytes=1024 * 1024)
    assert read_error(write(tmp_path, "bomb.docx", package), limits).code == "zip-bomb"


def test_zip_bomb_total_over_limit(tmp_path):
    package = docx_bytes(document_xml(para("正文")), extra={f"word/media/pad{i}.xml": b" " * 300_000 for i in range(4)})
    limits = ReadLimits(max_total_uncompressed=1024 * 1024)
    assert read_error(write(tmp_path, "total.docx", package), limits).code == "zip-bomb"


def test_zip_bomb_compression_ratio_with_default_limits(tmp_path):
    package = docx_bytes(_bomb_document(8 * 1024 * 1024))  # ~1000:1
    assert read_error(write(tmp_path, "ratio.docx", package)).code == "zip-bomb"


def test_zip_bomb_with_lying_declared_size(tmp_path):
    package = set_declared_size(docx_bytes(_bomb_document(600_000)), "word/document.xml", 1000)
    limits = ReadLimits(max_entry_bytes=256 * 1024)
    err = read_error(write(tmp_path, "liar.docx", package), limits)
    assert err.code == "zip-bomb"
    # within the limits, a size mismatch is damage, not a bomb, but is never accepted
    assert read_error(write(tmp_path, "liar2.docx", package)).code == "corrupt"
    # past the ratio floor, the real (not the declared) ratio gives the bomb away
    big_liar = set_declared_size(docx_bytes(_bomb_document(3 * 1024 * 1024)), "word/document.xml", 1000)
    assert read_error(write(tmp_path, "liar3.docx", big_liar)).code == "zip-bomb"


def test_too_many_zip_entries(tmp_path):
    package = docx_bytes(document_xml(para("正文")), extra={f"x/{i}.bin": b"" for i in range(40)})
    assert read_error(write(tmp_path, "entries.docx", package), ReadLimits(max_zip_entries=20)).code == "zip-bomb"


def test_xlsx_is_unsupported(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("_rels/.rels", ROOT_RELS.replace("word/document.xml", "xl/workbook.xml"))
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert read_error(write(tmp_path, "sheet.docx", buf.getvalue())).code == "unsupported"


# ------------------------------------------------------------------ OLE containers


def test_encrypted_docx_is_reported_as_encrypted(tmp_path):
    ole = cfb_bytes({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\0" * 100, "\x06DataSpaces": b""})
    assert read_error(write(tmp_path, "secret.docx", ole)).code == "encrypted"


def test_legacy_doc(tmp_path):
    ole = cfb_bytes({"WordDocument": b"\xec\xa5\xc1\x00", "1Table": b"", "SummaryInformation": b""})
    assert read_error(write(tmp_path, "old.doc", ole)).code == "legacy-doc"


def test_wps_by_extension_and_by_stream(tmp_path):
    ole = cfb_bytes({"WordDocument": b"\xec\xa5", "1Table": b""})
    assert read_error(write(tmp_path, "kingsoft.wps", ole)).code == "wps"
    wps = cfb_bytes({"WordDocument": b"\xec\xa5", "WpsCustomData": b"kso"})
    assert read_error(write(tmp_path, "renamed.doc", wps)).code == "wps"


def test_damaged_ole_container(tmp_path):
    assert read_error(write(tmp_path, "broken.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100)).code == "corrupt"


# ------------------------------------------------------------------ text and Markdown


def test_txt_utf8_one_block_per_line(tmp_path):
    content = "云服务安全责任协议\n\n第一条 定义\n本协议所称云服务……\n  \n第二条 数据安全\r\n乙方应当加密存储。"
    doc = read_document(write(tmp_path, "contract.txt", content))
    assert doc.format == "txt"
    assert texts(doc) == [
        "云服务安全责任协议", "第一条 定义", "本协议所称云服务……", "第二条 数据安全", "乙方应当加密存储。",
    ]
    assert [(b.location.paragraph, b.location.line) for b in doc.blocks] == [(0, 0), (1, 2), (2, 3), (3, 5), (4, 6)]
    assert [b.location.label for b in doc.blocks] == [None, "第一条", "第一条", "第二条", "第二条"]
    assert doc.blocks[4].location.describe() == "第二条，第7行"


def _wrapped(paragraphs: list[str], width: int, footer_every: int = 0) -> list[str]:
    """The paragraphs as a PDF prints them: cut every ``width`` characters, a page mark and a running
    header after every ``footer_every`` lines."""
    lines = [p[i:i + width] for p in paragraphs for i in range(0, len(p), width)]
    if not footer_every:
        return lines
    out = []
    for number, line in enumerate(lines, start=1):
        out.append(line)
        if number % footer_every == 0:
            out += [f"第 {number // footer_every} 页 共 9 页", "HT-2026-07　运维服务合同"]
    return out


WRAPPED_PARAGRAPHS = [
    "第一条 服务内容",
    "1.1 乙方负责云平台计算节点、存储节点及网络设备的日常巡检、故障处理和变更实施，并安排人员七乘二十四小时值守，"
    "发现异常应在三十分钟内报告甲方。",
    "1.2 乙方应在合同终止后五个工作日内返还甲方的全部配置资料和日志，并对其保管的备份予以销毁，出具销毁记录。",
    "第二条 监督检查",
    "2.1 甲方有权对乙方的运维操作进行审计，乙方应如实提供操作记录和工单，不得拒绝或拖延，并配合甲方整改发现的问题。",
    "（一）审计每季度一次，甲方应提前三个工作日书面通知乙方，乙方应安排熟悉情况的人员到场说明并回答甲方的询问。",
]


def test_txt_pasted_from_a_pdf_is_joined_back_into_its_paragraphs(tmp_path):
    lines = _wrapped(WRAPPED_PARAGRAPHS, 20, footer_every=5)
    doc = read_document(write(tmp_path, "pasted.txt", "\n".join(lines)))
    paragraphs = [t for t in texts(doc) if not t.startswith(("第 ", "HT-"))]
    assert paragraphs == WRAPPED_PARAGRAPHS  # the page marks and headers between the pieces cut nothing
    footers = [t for t in texts(doc) if t.startswith("第 ")]
    assert footers and all(t.endswith("共 9 页") for t in footers)  # kept, as blocks of their own
    clause = next(b for b in doc.blocks if b.text.startswith("1.2"))
    assert clause.location.line == lines.index(clause.text[:20]) and clause.location.label == "1.2"


def test_a_contract_typed_one_clause_a_line_is_not_joined(tmp_path):
    # Lines of many lengths, some without a full stop at the end: nothing was wrapped at a width.
    content = "\n".join(p.rstrip("。") if i % 2 else p for i, p in enumerate(WRAPPED_PARAGRAPHS * 3))
    doc = read_document(write(tmp_path, "typed.txt", content))
    assert texts(doc) == content.split("\n")


def _ragged(paragraphs: list[str], widths: list[int]) -> list[str]:
    """The paragraphs cut at widths that change from line to line (digits and Latin letters print
    narrower), as text copied out of a PDF often is."""
    lines, turn = [], 0
    for paragraph in paragraphs:
        at = 0
        while at < len(paragraph):
            width = widths[turn % len(widths)]
            lines.append(paragraph[at:at + width])
            at, turn = at + width, turn + 1
    return lines


PARTY_FIELDS = ["采购人（甲方）：临湖市数据资源管理中心", "地址：临湖市政务服务中心B座",
                "联系人：韩立 联系电话：0799-6281 5530", "供应商（乙方）：华湖政务云科技有限公司",
                "地址：临湖市高新区科创大道66号"]


def test_txt_wrapped_raggedly_is_joined_too_but_not_its_party_fields(tmp_path):
    lines = PARTY_FIELDS + _ragged(WRAPPED_PARAGRAPHS, [17, 21, 19, 23, 18, 20])
    doc = read_document(write(tmp_path, "ragged.txt", "\n".join(lines)))
    assert texts(doc) == PARTY_FIELDS + WRAPPED_PARAGRAPHS


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_txt_encodings(tmp_path, encoding):
    content = "第一条 甲方应当保护个人信息。\n第二条 乙方负责数据备份，恢复时间不超过4小时。"
    doc = read_document(write(tmp_path, f"{encoding}.txt", content.encode(encoding)))
    assert texts(doc) == content.split("\n")
    assert not doc.blocks[0].text.startswith("\ufeff")


def test_txt_broken_utf8_is_an_encoding_error_not_mojibake(tmp_path):
    data = ("第一条 甲方应当保护个人信息。" * 5).encode("utf-8") + b"\xff"
    assert read_error(write(tmp_path, "broken.txt", data)).code == "encoding"


def test_txt_utf16_without_bom_is_an_encoding_error(tmp_path):
    assert read_error(write(tmp_path, "nobom.txt", "Article 1. The provider".encode("utf-16-le"))).code == "encoding"


def test_whitespace_only_text_is_empty(tmp_path):
    assert read_error(write(tmp_path, "blank.txt", " \n\t\n　\n")).code == "empty"


def test_markdown_stripping(tmp_path):
    content = "\n".join([
        "# 云服务安全责任协议",
        "",
        "#附件一",
        "## 第一条 **定义**",
        "- 本协议所称*云服务*是指……",
        "* [链接文字](https://example.invalid) 与 __强调__",
        "> 引用的 ~~删除~~ 条款",
        "12. 数据安全",
        "签署日期：____年__月__日",
        "---",
        "```",
        "# 代码里的井号保留",
        "```",
        "| 责任方 | 义务 |",
        "|---|---|",
        "| 甲方 | 备份 |",
    ])
    doc = read_document(write(tmp_path, "contract.md", content))
    assert doc.format == "md"
    assert texts(doc) == [
        "云服务安全责任协议", "附件一", "第一条 定义", "本协议所称云服务是指……", "链接文字 与 强调", "引用的 删除 条款",
        "12. 数据安全", "签署日期：____年__月__日", "# 代码里的井号保留", "责任方\t义务", "甲方\t备份",
    ]
    assert [b.heading for b in doc.blocks[:4]] == [True, True, True, False]
    assert doc.blocks[2].location.line == 3
    assert doc.blocks[2].location.label == "第一条"


# ------------------------------------------------------------------ PDF


def test_pdf_with_text(tmp_path):
    pytest.importorskip("pypdf")
    data = pdf_bytes(["Cloud service agreement\n12. Data security\nThe provider shall encrypt data.",
                      "12.3 Backups\nDaily backups."])
    doc = read_document(write(tmp_path, "contract.pdf", data))
    assert doc.format == "pdf"
    assert texts(doc) == ["Cloud service agreement", "12. Data security", "The provider shall encrypt data.",
                          "12.3 Backups", "Daily backups."]
    first, last = doc.blocks[1].location, doc.blocks[-1].location
    assert (first.kind, first.page, first.line, first.label) == ("page", 0, 1, "12")
    assert (last.page, last.line, last.label, last.paragraph) == (1, 1, "12.3", 4)


def test_pdf_lines_cut_mid_sentence_are_joined_across_the_page_break(tmp_path):
    pytest.importorskip("pypdf")
    words = ("The provider shall encrypt all customer data at rest and in transit, keep the keys apart from "
             "the data at all times during the term, rotate them every year, log each use of them, and tell the "
             "customer within one day of any loss, theft or misuse of a key or of the data it protects.")
    lines = [words[i:i + 30] for i in range(0, len(words), 30)]
    sentence = [line.strip() for line in lines]
    data = pdf_bytes(["12. Data security\n" + "\n".join(lines[:3]) + "\nPage 1 of 2",
                      "\n".join(lines[3:]) + "\n13. Backups\nDaily backups are kept for thirty days."])
    doc = read_document(write(tmp_path, "contract.pdf", data))
    joined = next(b for b in doc.blocks if b.text.startswith("The provider"))
    assert joined.text.replace(" ", "") == "".join(sentence).replace(" ", "")
    assert (joined.location.page, joined.location.line) == (0, 1)
    assert "Page 1 of 2" in texts(doc) and "13. Backups" in texts(doc)


def test_pdf_without_text_layer(tmp_path):
    pytest.importorskip("pypdf")
    assert read_error(write(tmp_path, "scan.pdf", pdf_bytes([None, None]))).code == "no-text"


def test_pdf_that_is_not_a_pdf(tmp_path):
    pytest.importorskip("pypdf")
    data = b"%PDF-1.7\n" + bytes(range(256)) * 4
    assert read_error(write(tmp_path, "fake.pdf", data)).code == "corrupt"


def test_encrypted_pdf(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes(["Secret terms"])))
    writer = pypdf.PdfWriter()
    writer.append_pages_from_reader(reader)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    assert read_error(write(tmp_path, "locked.pdf", buf.getvalue())).code == "encrypted"


# ------------------------------------------------------------------ the name messages use


STORED = "uploads/0123456789abcdef0123456789abcdef/fedcba9876543210fedcba9876543210"


@pytest.mark.parametrize("suffix, data, code", [
    (".docx", None, "not-found"),
    (".docx", b"", "empty"),
    (".docx", b"PK\x03\x04 truncated", "corrupt"),
    (".doc", "legacy", "legacy-doc"),
    (".docx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "unsupported"),
    (".pdf", pdf_bytes([None]), "no-text"),
    (".txt", "   \n", "empty"),
], ids=["missing", "empty", "corrupt", "legacy-doc", "image", "scan", "blank-text"])
def test_display_name_is_what_every_message_names(tmp_path, suffix, data, code):
    path = tmp_path / (STORED + suffix)
    path.parent.mkdir(parents=True)
    if data == "legacy":
        data = cfb_bytes({"WordDocument": b"\0" * 600, "1Table": b"\0" * 600})
    if data is not None:
        write(path.parent, path.name, data)
    with pytest.raises(ReadError) as info:
        read_document(path, display_name="合同（终稿）.docx")
    err = info.value
    assert err.code == code
    assert str(err).startswith("合同（终稿）.docx: ") and "uploads" not in str(err)
    assert err.path == path and err.display_name == "合同（终稿）.docx"


def test_display_name_defaults_to_the_path_and_leaves_the_document_alone(tmp_path):
    path = write(tmp_path, "stored.txt", "第一条 正文")
    assert read_document(path, display_name="合同.txt").path == path
    with pytest.raises(ReadError) as info:
        read_document(tmp_path / "missing.txt")
    assert str(info.value).startswith(f"{tmp_path / 'missing.txt'}: ")


def test_display_name_reaches_the_checkers_reports(tmp_path):
    from contractkit.checking.workers import check_one, error_report

    from support import checker

    missing = tmp_path / (STORED.replace("/", "-") + ".docx")
    report = check_one(checker(), missing, display_name="合同.docx")
    assert report.error.code == "not-found" and report.error.message.startswith("合同.docx: ")

    class Crashing:
        def check_path(self, path, display_name=None):
            raise RuntimeError("a bug of ours")

    crashed = check_one(Crashing(), missing, display_name="合同.docx").error
    assert crashed.code == "crashed" and crashed.message.startswith("合同.docx: ") and "uploads" not in crashed.message
    timed_out = error_report(missing, "timeout", "no result after 1 s", display_name="合同.docx").error
    assert timed_out.message.startswith("合同.docx: no result")


# ------------------------------------------------------------------ files that are not there or not files


def test_empty_file(tmp_path):
    assert read_error(write(tmp_path, "empty.docx", b"")).code == "empty"


def test_missing_file(tmp_path):
    assert read_error(tmp_path / "missing.docx").code == "not-found"


def test_directory(tmp_path):
    folder = tmp_path / "folder.docx"
    folder.mkdir()
    assert read_error(folder).code == "unsupported"


def test_binary_garbage(tmp_path):
    assert read_error(write(tmp_path, "garbage.bin", os.urandom(4096) + b"\0")).code == "unsupported"


def test_image_is_unsupported(tmp_path):
    assert read_error(write(tmp_path, "scan.docx", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)).code == "unsupported"


def test_permission_denied(tmp_path, monkeypatch):
    path = write(tmp_path, "locked.txt", "正文")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", denied)
    assert read_error(path).code == "unreadable"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_not_read(tmp_path):
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    assert read_error(path).code == "unsupported"


def test_file_over_size_limit(tmp_path):
    path = write(tmp_path, "big.txt", "正文\n" * 1000)
    assert read_error(path, ReadLimits(max_file_bytes=1000)).code == "too-large"


def test_text_over_char_limit(tmp_path):
    path = write(tmp_path, "long.txt", "正文\n" * 1000)
    assert read_error(path, ReadLimits(max_text_chars=500)).code == "too-large"
    docx_path = write(tmp_path, "long.docx", docx_bytes(document_xml(para("正文" * 300))))
    assert read_error(docx_path, ReadLimits(max_text_chars=500)).code == "too-large"


def test_read_limits_validate():
    with pytest.raises(ValueError):
        ReadLimits(max_ratio=0)


# ------------------------------------------------------------------ helpers


@pytest.mark.parametrize("n, expected", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (99, "九十九"),
                                         (100, "一百"), (101, "一百零一"), (110, "一百一十"), (1005, "一千零五")])
def test_chinese_counting(n, expected):
    assert chinese_number(n) == expected


def test_number_formats():
    assert format_number(12, "chineseLegalSimplified") == "壹拾贰"
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(4, "upperRoman") == "IV"
    assert format_number(28, "lowerLetter") == "bb"
    assert format_number(2, "ideographTraditional") == "乙"


@pytest.mark.parametrize("text, label", [
    ("第十二条 数据安全", "第十二条"), ("第 12 条", "第12条"), ("第三章 附则", "第三章"), ("12. 数据安全", "12"),
    ("12.3 备份", "12.3"), ("12.3.1数据", "12.3.1"), ("12.5万元的赔偿", None), ("2024年1月", None),
    ("1.5倍", None), ("12个月", None), ("正文12.3", None),
])
def test_clause_labels(text, label):
    found = clause_label(text)
    assert (found[0] if found else None) == label


# ------------------------------------------------------------------ sniffing and robustness


def test_text_named_docx_is_read_as_text(tmp_path):
    doc = read_document(write(tmp_path, "actually-text.docx", "第一条 正文"))
    assert doc.format == "txt" and texts(doc) == ["第一条 正文"]


@pytest.mark.parametrize("name, data", [
    ("letter.doc", b"{\\rtf1\\ansi Hello}"),
    ("page.doc", b"<html><body><p>\xe6\xad\xa3\xe6\x96\x87</p></body></html>"),
    ("saved.doc", b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n"),
    ("word2003.xml", b'<?xml version="1.0"?><?mso-application progid="Word.Document"?><w:wordDocument/>'),
])
def test_other_document_formats_are_unsupported(tmp_path, name, data):
    assert read_error(write(tmp_path, name, data)).code == "unsupported"


def test_doctype_behind_a_long_prolog_is_refused(tmp_path):
    padded = b'<?xml version="1.0"?><!--' + b"x" * 20_000 + b'--><!DOCTYPE x [<!ENTITY a "b">]><x/>'
    package = docx_bytes(document_xml(para("正文")), extra={"customXml/item1.xml": padded})
    assert read_error(write(tmp_path, "padded.docx", package)).code == "doctype"


def test_mutated_files_only_ever_raise_read_error(tmp_path):
    import random

    rng = random.Random(4)
    numbering = numbering_xml(abstracts={1: [("chineseCounting", "第%1条", 1)]}, nums={1: (1, {})})
    seeds = {
        "docx": docx_bytes(document_xml(para("定义", num=(1, 0)) + table([["甲", "乙"]])), numbering=numbering,
                           custom=custom_xml({"a": "b"})),
        "pdf": pdf_bytes(["12. Data security", None]),
        "doc": cfb_bytes({"WordDocument": b"\xec\xa5", "1Table": b""}),
        "txt": "第一条 正文\n第二条".encode("gb18030"),
    }
    for i in range(240):
        kind = list(seeds)[i % len(seeds)]
        data = bytearray(seeds[kind])
        for _ in range(rng.choice([1, 3, 10])):
            at = rng.randrange(len(data))
            if rng.random() < 0.7:
                data[at] = rng.randrange(256)
            else:
                del data[at:at + rng.randrange(1, 40)]
            if not data:
                break
        path = write(tmp_path, f"m{i}.{kind}", bytes(data))
        try:
            read_document(path)
        except ReadError as err:
            assert err.code != "crashed", err.detail


def test_pdf_with_only_an_owner_password_is_read(tmp_path):
    """Permission-only protection (empty user password, AES) is common and must not block reading."""
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("cryptography")
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes(["12. Data security"])))
    writer = pypdf.PdfWriter()
    writer.append_pages_from_reader(reader)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    buf = io.BytesIO()
    writer.write(buf)
    doc = read_document(write(tmp_path, "restricted.pdf", buf.getvalue()))
    assert texts(doc) == ["12. Data security"]

