"""Reading OpenDocument text (.odt): paragraphs, headings, list numbers, tables — and the same
hardening and error codes as .docx. Every package is written by the test (reading_fixtures);
one real .odt is made by LibreOffice from a generated agreement and must read as the .docx does."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from contractkit.reading import ReadError, ReadLimits, SourceDocument, read_document

from reading_fixtures import (  # tests/ is on sys.path under pytest
    list_style,
    manifest_xml,
    odt_bytes,
    odt_content,
    odt_styles,
    soffice_convert,
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_odt(tmp_path: Path, body: str, *, name: str = "contract.odt", automatic_styles: str = "",
             styles: str = "", **package) -> SourceDocument:
    data = odt_bytes(odt_content(body, automatic_styles=automatic_styles), styles=odt_styles(styles), **package)
    return read_document(write(tmp_path, name, data))


def texts(doc: SourceDocument) -> list[str]:
    return [block.text for block in doc.blocks]


def read_error(path: Path, limits: ReadLimits | None = None) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_document(path, limits)
    assert path.name in str(info.value), "the message must name the file"
    return info.value


def p(text: str = "", style: str | None = None) -> str:
    return f'<text:p{f" text:style-name={chr(34)}{style}{chr(34)}" if style else ""}>{text}</text:p>'


def item(*content: str) -> str:
    return f"<text:list-item>{''.join(content)}</text:list-item>"


def text_list(*items: str, style: str | None = None, **attributes: str) -> str:
    attrs = "".join(f' {key.replace("__", ":").replace("_", "-")}="{value}"' for key, value in attributes.items())
    style_name = f' text:style-name="{style}"' if style else ""
    return f'<text:list{style_name}{attrs}>{"".join(items)}</text:list>'


ARTICLES = list_style("Articles", [
    {"num-format": "一, 二, 三, ...", "num-prefix": "第", "num-suffix": "条"},
    {"num-format": "一, 二, 三, ...", "num-prefix": "（", "num-suffix": "）", "followed-by": "nothing"},
    {"num-format": "1", "num-suffix": "."},
])


# ------------------------------------------------------------------ text and structure


def test_paragraphs_headings_and_tables_with_locations(tmp_path):
    body = (
        '<text:h text:outline-level="1">云服务安全责任协议</text:h>'
        + p("第一条 本协议适用于云服务。") + p()  # empty: skipped, but still counted
        + '<table:table table:name="T1"><table:table-column table:number-columns-repeated="2"/>'
        '<table:table-header-rows><table:table-row>'
        f'<table:table-cell>{p("责任方")}</table:table-cell><table:table-cell>{p("义务")}</table:table-cell>'
        '</table:table-row></table:table-header-rows>'
        '<table:table-row><table:table-cell table:number-columns-spanned="2">'
        f'{p("合并单元格")}</table:table-cell><table:covered-table-cell/></table:table-row>'
        f'<table:table-row><table:table-cell>{p("服务提供方")}</table:table-cell><table:table-cell>'
        f'<table:table><table:table-row><table:table-cell>{p("内嵌表格")}</table:table-cell></table:table-row>'
        '</table:table></table:table-cell></table:table-row></table:table>'
        + p("第二条 数据安全")
        + f'<table:table><table:table-row><table:table-cell>{p("附表内容")}</table:table-cell></table:table-row>'
        '</table:table>'
    )
    doc = read_odt(tmp_path, body)
    assert doc.format == "odt"
    assert texts(doc) == ["云服务安全责任协议", "第一条 本协议适用于云服务。", "责任方", "义务", "合并单元格",
                          "服务提供方", "内嵌表格", "第二条 数据安全", "附表内容"]
    by_text = {b.text: b for b in doc.blocks}
    assert by_text["云服务安全责任协议"].heading and not by_text["第一条 本协议适用于云服务。"].heading
    assert by_text["第一条 本协议适用于云服务。"].location.paragraph == 1
    assert by_text["责任方"].location.paragraph == 3  # the empty paragraph was counted
    cells = {t: (b.location.kind, b.location.table, b.location.row, b.location.cell) for t, b in by_text.items()}
    assert cells["义务"] == ("table-cell", 0, 0, 1)
    assert cells["合并单元格"] == ("table-cell", 0, 1, 0)
    assert cells["内嵌表格"] == ("table-cell", 0, 2, 1)  # a nested table's text belongs to the outer cell
    assert cells["附表内容"] == ("table-cell", 1, 0, 0)
    assert by_text["第二条 数据安全"].location.kind == "paragraph"
    assert by_text["附表内容"].location.label == "第二条"


def test_white_space_follows_odf(tmp_path):
    body = (p("甲方  应当\n   遵守 <text:span>  制度</text:span>")
            + p('金额<text:s text:c="3"/>万元<text:tab/>整<text:line-break/>第二行')
            + p('<text:s text:c="999999999"/>'))  # a hostile count, and nothing else
    assert texts(read_odt(tmp_path, body)) == ["甲方 应当 遵守 制度", "金额   万元\t整\n第二行"]


def test_only_the_text_a_reader_sees(tmp_path):
    hidden = ('<style:style style:name="Hidden" style:family="text">'
              '<style:text-properties text:display="none"/></style:style>')
    body = (
        '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>'
        f'{p("已删除的条款")}</text:deletion></text:changed-region></text:tracked-changes>'
        + p('乙方<text:change-start text:change-id="c2"/>应当<text:change-end text:change-id="c2"/>'
            '<text:change text:change-id="c1"/>报告。'
            '<office:annotation><dc:creator>审阅人</dc:creator>' + p("批注内容") + '</office:annotation>'
            '<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
            f'<text:note-body>{p("脚注内容")}</text:note-body></text:note>'
            '<text:span text:style-name="Hidden">隐藏文字</text:span>')
        + f'<text:section text:name="S1" text:display="none">{p("隐藏节")}</text:section>'
        + f'<text:section text:name="S2">{p("可见节")}</text:section>'
    )
    assert texts(read_odt(tmp_path, body, automatic_styles=hidden)) == ["乙方应当报告。", "可见节"]


def test_text_box_is_a_block_after_its_anchor(tmp_path):
    body = (p('正文<draw:frame draw:name="F1"><draw:text-box>' + p("文本框内容") + "</draw:text-box></draw:frame>段落")
            + p("下一段"))
    doc = read_odt(tmp_path, body)
    assert texts(doc) == ["正文段落", "文本框内容", "下一段"]
    assert [b.location.paragraph for b in doc.blocks] == [0, 1, 2]


def test_heading_by_paragraph_style(tmp_path):
    styles = ('<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" '
              'style:default-outline-level="2"/>'
              '<style:style style:name="Body" style:family="paragraph"/>')
    automatic = '<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Heading_20_2"/>'
    doc = read_odt(tmp_path, p("数据安全", "P1") + p("正文", "Body"), styles=styles, automatic_styles=automatic)
    assert [b.heading for b in doc.blocks] == [True, False]


def test_user_defined_metadata_are_properties(tmp_path):
    meta = ('<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>'
            '<meta:user-defined meta:name="合同编号">HT-2024-001</meta:user-defined>'
            "</office:meta></office:document-meta>").encode()
    assert read_odt(tmp_path, p("正文"), meta=meta).properties == {"合同编号": "HT-2024-001"}


# ------------------------------------------------------------------ list numbers


def test_list_numbers_like_word(tmp_path):
    body = text_list(
        item('<text:h text:outline-level="1">定义</text:h>',
             text_list(item(p("甲方的责任："), p("（续）同一项的第二段不编号。"),
                            text_list(item(p("报告")), item(p("处置")))),
                       item(p("乙方的责任。")))),
        item(text_list(item(p("只含下级列表的项目本级不计数。")))),
        "<text:list-header>" + p("列表标题不编号") + "</text:list-header>",
        item('<text:h text:outline-level="1">附则</text:h>'),
        style="Articles",
    )
    doc = read_odt(tmp_path, body, styles=ARTICLES)
    assert texts(doc) == ["第一条 定义", "（一）甲方的责任：", "（续）同一项的第二段不编号。", "1. 报告", "2. 处置",
                          "（二）乙方的责任。", "（三）只含下级列表的项目本级不计数。", "列表标题不编号", "第二条 附则"]
    assert doc.blocks[-1].heading and doc.blocks[-1].location.label == "第二条"


def test_lists_continue_and_restart_as_the_file_says(tmp_path):
    decimal = list_style("Num", [{"num-format": "1", "num-suffix": "."}])
    started = list_style("From5", [{"num-format": "1", "num-suffix": ")", "start-value": "5"}])
    body = (
        text_list(item(p("一甲")), item(p("一乙")), style="Num", xml__id="first")
        + p("插入段落")
        + text_list(item(p("续一")), style="Num", text__continue_list="first")
        + text_list(item(p("续二")), style="Num", text__continue_numbering="true")
        + text_list(item(p("重新开始")), style="Num")
        + text_list('<text:list-item text:start-value="10">' + p("指定起始") + "</text:list-item>",
                    item(p("其后")), style="Num")
        + text_list(item(p("级别起始")), style="From5")
    )
    doc = read_odt(tmp_path, body, automatic_styles=decimal + started)
    assert texts(doc) == ["1. 一甲", "2. 一乙", "插入段落", "3. 续一", "4. 续二", "1. 重新开始", "10. 指定起始",
                          "11. 其后", "5) 级别起始"]


def test_display_levels_templates_formats_and_bullets(tmp_path):
    outline = list_style("Outline", [{"num-format": "1"}, {"num-format": "1", "display-levels": "2"}])
    template = list_style("Template",
                          [{"num-format": "一, 二, 三, ...", "num-prefix": "X", "num-list-format": "第%1%章"}])
    mixed = list_style("Mixed", [{"num-format": "I", "num-suffix": "."}, {"num-format": "a", "num-prefix": "(",
                                                                          "num-suffix": ")"}])
    bullets = list_style("Bullets", [{"bullet": ""}])
    body = (
        text_list(item(p("总则"), text_list(item(p("范围")), item(p("定义")))), style="Outline")
        + text_list(item(p("数据")), item(p("网络")), style="Template")
        + text_list(item(p("Scope"), text_list(item(p("first")), item(p("second")))), style="Mixed")
        + text_list(item(p("无编号")), style="Bullets")
        + text_list(item(p("未定义的列表样式")), style="Missing")
    )
    doc = read_odt(tmp_path, body, automatic_styles=outline + template + mixed + bullets)
    assert texts(doc) == ["1 总则", "1.1 范围", "1.2 定义", "第一章 数据", "第二章 网络", "I. Scope", "(a) first",
                          "(b) second", "无编号", "未定义的列表样式"]


def test_list_style_from_the_paragraph_style(tmp_path):
    styles = ('<style:style style:name="Numbered" style:family="paragraph" style:list-style-name="Articles"/>'
              + ARTICLES)
    body = text_list(item(p("甲方", "Numbered")), item(p("乙方", "Numbered")))
    assert texts(read_odt(tmp_path, body, styles=styles)) == ["第一条 甲方", "第二条 乙方"]


def test_outline_numbered_headings_and_stated_numbers(tmp_path):
    outline = list_style("", [{"num-format": "1", "num-suffix": "."}, {"num-format": "1", "display-levels": "2"}],
                         outline=True)
    body = ('<text:h text:outline-level="1">总则</text:h><text:h text:outline-level="2">范围</text:h>'
            '<text:h text:outline-level="1" text:is-list-header="true">不编号的标题</text:h>'
            '<text:h text:outline-level="1"><text:number>第9章</text:number>文件写明的编号</text:h>')
    assert texts(read_odt(tmp_path, body, styles=outline)) == ["1. 总则", "1.1 范围", "不编号的标题",
                                                                "第9章 文件写明的编号"]


# ------------------------------------------------------------------ telling it apart, and errors


@pytest.mark.parametrize("name", ["contract.docx", "contract.pdf", "contract"])
def test_told_by_content_not_name(tmp_path, name):
    assert read_odt(tmp_path, p("正文"), name=name).format == "odt"


def test_package_without_mimetype_entry_is_still_odt(tmp_path):
    assert read_odt(tmp_path, p("正文"), mimetype=None).format == "odt"


def test_encrypted_odt(tmp_path):
    data = odt_bytes(b"\x8b\x12 encrypted bytes, not XML", manifest=manifest_xml(encrypted=True))
    err = read_error(write(tmp_path, "加密.odt", data))
    assert err.code == "encrypted" and "password" in err.detail


@pytest.mark.parametrize("media_type, what", [
    ("application/vnd.oasis.opendocument.spreadsheet", "spreadsheet"),
    ("application/vnd.oasis.opendocument.presentation", "presentation"),
])
def test_other_opendocument_types_are_unsupported(tmp_path, media_type, what):
    err = read_error(write(tmp_path, "table.odt", odt_bytes(odt_content(p("x")), mimetype=media_type)))
    assert err.code == "unsupported" and what in err.detail


def test_text_mimetype_with_a_spreadsheet_body_is_unsupported(tmp_path):
    data = odt_bytes(odt_content("<table:table/>", kind="spreadsheet"))
    assert read_error(write(tmp_path, "odd.odt", data)).code == "unsupported"


def test_flat_odt_is_unsupported(tmp_path):
    flat = b'<?xml version="1.0"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>'
    err = read_error(write(tmp_path, "flat.fodt", flat))
    assert err.code == "unsupported" and ".odt" in err.detail


@pytest.mark.parametrize("build, code", [
    (lambda: odt_bytes(None), "corrupt"),
    (lambda: odt_bytes(odt_content(p("正文")).replace(b"</text:p>", b"</text:q>")), "corrupt"),
    (lambda: odt_bytes(odt_content(p("正文")))[:300], "corrupt"),
    (lambda: odt_bytes(odt_content(p() + p("  "))), "no-text"),
    (lambda: odt_bytes(odt_content(p("&xxe;"), prolog='<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')),
     "doctype"),
    (lambda: odt_bytes(odt_content(p("正文")), extra={"settings.xml": b'<?xml version="1.0"?>\n<!DOCTYPE x []><x/>'}),
     "doctype"),
    (lambda: odt_bytes(odt_content(p("正文")), styles=b'<!DOCTYPE x [<!ENTITY a "b">]><x/>'), "doctype"),
    (lambda: odt_bytes(odt_content(p("正文") + " " * (3 * 1024 * 1024))), "zip-bomb"),
], ids=["no-content", "malformed", "truncated", "empty-paragraphs", "xxe", "doctype-other-part",
        "doctype-styles", "zip-bomb"])
def test_bad_odt_gets_its_code(tmp_path, build, code):
    assert read_error(write(tmp_path, "bad.odt", build())).code == code


def test_zip_limits_apply(tmp_path):
    data = odt_bytes(odt_content(p("正文")), extra={f"Pictures/{i}.png": b"" for i in range(40)})
    assert read_error(write(tmp_path, "many.odt", data), ReadLimits(max_zip_entries=20)).code == "zip-bomb"


def test_hostile_list_definitions_stay_small(tmp_path):
    hostile = list_style("H", [{"num-format": "a", "start-value": "9" * 5000, "num-prefix": "前" * 100_000}])
    body = text_list(item(p("条款")), style="H", xml__id="x", text__continue_list="nowhere")
    (block,) = read_odt(tmp_path, body, automatic_styles=hostile).blocks
    assert block.text.startswith("前") and block.text.endswith(" 条款") and len(block.text) < 300  # label cut short


def test_mutated_xml_only_ever_reads_or_raises_read_error(tmp_path):
    """Damage inside the XML, where the zip layer cannot catch it: never a crash of ours."""
    import random

    rng = random.Random(11)
    decimal = list_style("Num", [{"num-format": "1", "num-suffix": "."}, {"num-format": "a", "display-levels": "2"}])
    content = odt_content(
        text_list(item(p("第一条"), text_list(item(p("子项")))), '<text:list-item text:start-value="3">'
                  + p('金额<text:s text:c="2"/>元') + "</text:list-item>", style="Num", xml__id="l1")
        + '<table:table><table:table-row table:number-rows-repeated="2"><table:table-cell '
        f'table:number-columns-repeated="2">{p("格")}</table:table-cell></table:table-row></table:table>'
        + '<text:h text:outline-level="2">标题</text:h>', automatic_styles=decimal)
    pieces = [b"text:", b'="', b"-", b"<", b">", b"/", b"0", b"99999999999", b"list", b"h", b"table:"]
    for i in range(200):
        data = bytearray(content)
        for _ in range(rng.choice([1, 2, 5])):
            at = rng.randrange(len(data))
            if rng.random() < 0.5:
                data[at:at + rng.randrange(1, 12)] = rng.choice(pieces)
            else:
                del data[at:at + rng.randrange(1, 20)]
        try:
            read_document(write(tmp_path, f"m{i}.odt", odt_bytes(bytes(data), styles=odt_styles(decimal))))
        except ReadError as err:
            assert err.code != "crashed", err.detail


def test_error_names_the_display_name(tmp_path):
    path = write(tmp_path, "0123abcd.odt", odt_bytes(odt_content(p()), manifest=manifest_xml(encrypted=True)))
    with pytest.raises(ReadError) as info:
        read_document(path, display_name="合同（终稿）.odt")
    assert str(info.value).startswith("合同（终稿）.odt: ") and str(path) not in str(info.value)


# ------------------------------------------------------------------ a real .odt from LibreOffice


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """A generated agreement (.docx) and LibreOffice's .odt of it."""
    import contractkit

    from conftest import FILLED

    folder = tmp_path_factory.mktemp("odt")
    docx = folder / "agreement.docx"
    contractkit.generate("provider-security", options=["cii"], format="docx", parameters=FILLED, output=docx)
    started = time.monotonic()
    odt = soffice_convert(docx, "odt", folder / "out", folder / "lo-profile")
    return docx, odt, time.monotonic() - started


def test_libreoffice_odt_reads_as_the_docx(converted):
    docx, odt, _ = converted
    with zipfile.ZipFile(odt) as package:
        assert package.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    from_docx, from_odt = read_document(docx), read_document(odt)
    assert from_odt.format == "odt"

    def seen(doc):
        return [(b.text, b.heading, b.location) for b in doc.blocks]

    assert seen(from_odt) == seen(from_docx)
    labels = [b.text for b in from_odt.blocks if b.heading]
    assert labels[1].startswith("第一条 ") and any(b.text.startswith("（一）") for b in from_odt.blocks)
    # LibreOffice keeps the custom properties as user-defined metadata.
    assert from_odt.properties["contractkit.pairs"] == from_docx.properties["contractkit.pairs"]


def test_libreoffice_odt_of_a_zip_is_not_a_folder_archive(converted):
    from contractkit.service.storage import is_folder_archive

    _, odt, _ = converted
    assert not is_folder_archive(odt.read_bytes())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("合同/a.odt", odt.read_bytes())
    assert is_folder_archive(buffer.getvalue())
