"""The .docx writer: real Word numbering, East Asian fonts, fill-in blanks, the
matrix table, the signature block and the metadata as custom properties."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Twips
from lxml import etree

from contractkit.generation.document import (
    Article,
    Document,
    Inline,
    Item,
    Matrix,
    MatrixRow,
    Metadata,
    Party,
)
from contractkit.generation.parameters import Blank
from contractkit.generation.writers import writer_for
from contractkit.generation.writers.docx_writer import DocxWriter, read_custom_properties

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def make_document(kind: str = "agreement", requirement_ids: tuple[str, ...] = ("5a1", "6.5b", "8.2.1c")) -> Document:
    provider = Party(
        label="甲方",
        role_names="云服务提供者",
        name=Inline(("华云数智科技有限公司",)),
        address=Inline(("北京市海淀区中关村大街1号",)),
        representative=Inline(("王明",)),
    )
    partner = Party(
        label="乙方",
        role_names="运维服务提供者",
        name=Inline((Blank("partner_name", "合作方名称"),)),
        address=Inline((Blank("partner_address", "合作方住所"),)),
        representative=Inline(("李华",)),
    )
    articles = (
        Article(
            "scope",
            "定义与适用范围",
            (
                Item(
                    Inline(("本协议所用下列用语，含义如下：",)),
                    (
                        Inline(("安全责任：指依法承担的责任；",)),
                        Inline(("实施工作：指为落实安全责任而开展的活动；",)),
                    ),
                ),
                Item(Inline(
                    ("本协议适用于乙方向甲方提供", Blank("service_description", "服务内容概述"), "的全过程。")
                )),
            ),
        ),
        Article(
            "division",
            "安全责任与实施工作划分",
            (
                Item(Inline(("甲方的安全责任不因委托而转移。",)), requirement_id="5a1"),
                Item(
                    Inline(("乙方应当及时处置安全事件：",)),
                    (Inline(("报告甲方；",)), Inline(("保全证据；",)), Inline(("提交分析报告。",))),
                    requirement_id="6.5b",
                ),
            ),
        ),
        Article("final", "其他", (Item(Inline(("本协议一式两份，双方各执一份。",))),)),
    )
    matrix = Matrix(
        title="附件：安全责任实施工作划分表",
        columns=("甲方（云服务提供者）", "乙方（运维服务提供者）"),
        rows=(
            MatrixRow("安全管理", "安全策略的制定", "5 a) 2)", ("负责", ""), "policy"),
            MatrixRow("平台层", "安全事件处置", "6.5 b)", ("监督", "实施"), "incidents"),
            MatrixRow("平台层", "访问权限审批", "8.2.1 c)", ("审批", "实施"), "access"),
        ),
        legend="说明：“负责”指承担该项安全责任；“实施”指承担该项具体实施工作。",
    )
    return Document(
        kind=kind,
        title="云计算服务安全责任实施工作划分附件" if kind == "annex" else "云计算服务安全责任协议",
        subtitle="（云服务提供者与运维服务提供者）",
        parties=(provider, partner),
        recitals=(
            Inline(("鉴于甲方是", Blank("cloud_platform_name", "云计算平台名称"), "的云服务提供者。")),
            Inline(("为此，双方经协商一致，达成如下约定。",)),
        ),
        articles=articles,
        matrix=matrix,
        signature_date_label="签订日期：　　　　年　　月　　日",
        sign_place=Inline(("签订地点：", Blank("sign_place", "签订地点"))),
        metadata=Metadata(
            generator="contractkit 0.1.0",
            standard="T/CCIA 004-2024 云计算服务安全责任划分规则及实施指南",
            pair_ids=("provider-om",),
            options=(),
            kind=kind,
            requirement_ids=requirement_ids,
            parameters={"provider_name": "华云数智科技有限公司", "partner_name": None, "penalty_percent": 5},
        ),
    )


@pytest.fixture(scope="module")
def model() -> Document:
    return make_document()


@pytest.fixture(scope="module")
def data(model) -> bytes:
    return DocxWriter().write(model)


@pytest.fixture(scope="module")
def word(data):
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def parts(data) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


@pytest.fixture(scope="module")
def body(parts):
    return etree.fromstring(parts["word/document.xml"]).find(q("body"))


def paragraph_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(q("t")))


def text_with_blanks(p) -> str:
    """A paragraph's text with each underlined (fill-in) run shown as <blank>."""
    parts = []
    for run in p.iter(q("r")):
        text = "".join(t.text or "" for t in run.iter(q("t")))
        underlined = run.find("w:rPr/w:u", NS) is not None
        parts.append("<blank>" if underlined and text.isspace() else text)
    return "".join(parts)


def num_pr(p):
    """(ilvl, numId) of a paragraph's direct numbering, or None."""
    found = p.find("w:pPr/w:numPr", NS)
    if found is None:
        return None
    return int(found.find(q("ilvl")).get(q("val"))), int(found.find(q("numId")).get(q("val")))


# -- the writer as a plug-in ------------------------------------------------------


def test_writer_protocol():
    writer = writer_for("docx")
    assert isinstance(writer, DocxWriter)
    assert (writer.format, writer.extension) == ("docx", ".docx")


def test_output_is_a_docx_python_docx_opens(data, word):
    assert data[:2] == b"PK"
    assert word.paragraphs  # opened and has content


# -- page -----------------------------------------------------------------------------


def test_a4_page_with_margins(word):
    section = word.sections[0]
    assert (section.page_width, section.page_height) == (Twips(11906), Twips(16838))
    assert section.top_margin == section.bottom_margin == Twips(1440)
    assert section.left_margin == section.right_margin == Twips(1797)


def test_footer_has_page_x_of_y_fields(word):
    footer = word.sections[0].footer._element
    instructions = [t.text.strip() for t in footer.iter(q("instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    text = "".join(t.text for t in footer.iter(q("t")))
    assert text.startswith("第 ") and " 页 共 " in text and text.endswith(" 页")


# -- fonts and language ---------------------------------------------------------------


@pytest.mark.parametrize("style_name", ["Normal", "Title", "Heading 1"])
def test_styles_set_east_asian_font_and_language(word, style_name):
    rpr = word.styles[style_name].element.find(q("rPr"))
    fonts = rpr.find(q("rFonts"))
    assert fonts.get(q("eastAsia")) in {"宋体", "仿宋", "黑体"}
    assert fonts.get(q("ascii")) == "Times New Roman"
    # A theme font would override w:ascii / w:eastAsia.
    assert not [name for name in fonts.attrib if name.endswith("Theme") or name.endswith("theme")]
    assert rpr.find(q("lang")).get(q("eastAsia")) == "zh-CN"


def test_body_size_and_title_size(word):
    assert word.styles["Normal"].font.size.pt == 12
    title = word.styles["Title"]
    assert title.font.size.pt == 22 and title.font.bold
    assert word.styles["Heading 1"].font.bold


def test_document_defaults_are_chinese(parts):
    styles = etree.fromstring(parts["word/styles.xml"])
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang.get(q("eastAsia")) == "zh-CN"
    settings = etree.fromstring(parts["word/settings.xml"])
    assert settings.find("w:themeFontLang", NS).get(q("eastAsia")) == "zh-CN"


# -- title, parties, recitals -----------------------------------------------------------


def test_title_and_subtitle_come_first_centered(word, model):
    first, second = word.paragraphs[:2]
    assert first.text == model.title and first.style.name == "Title"
    assert first.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert second.text == model.subtitle


def test_annex_title(word):
    annex = docx.Document(io.BytesIO(DocxWriter().write(make_document("annex"))))
    assert annex.paragraphs[0].text == "云计算服务安全责任实施工作划分附件"


def test_party_block(word):
    texts = [p.text for p in word.paragraphs]
    assert "甲方（云服务提供者）：华云数智科技有限公司" in texts
    assert "住所：北京市海淀区中关村大街1号" in texts
    assert "法定代表人：王明" in texts
    assert "法定代表人：李华" in texts
    start = texts.index("甲方（云服务提供者）：华云数智科技有限公司")
    assert texts[start + 1].startswith("住所：") and texts[start + 2].startswith("法定代表人：")


def test_recitals_have_two_character_first_line_indent(word):
    recital = next(p for p in word.paragraphs if p.text.startswith("为此，双方"))
    ind = recital.style.element.find("w:pPr/w:ind", NS)
    assert ind.get(q("firstLineChars")) == "200"
    assert recital._p.find("w:pPr/w:numPr", NS) is None


# -- blanks -------------------------------------------------------------------------------


def test_blank_is_an_underlined_run_of_spaces(word):
    party = next(p for p in word.paragraphs if p.text.startswith("乙方（运维服务提供者）："))
    label, blank = party.runs
    assert label.text == "乙方（运维服务提供者）："
    assert blank.underline and blank.text and blank.text.isspace()
    assert len(blank.text) >= 12


def test_blank_inside_a_sentence(word):
    recital = next(p for p in word.paragraphs if p.text.startswith("鉴于甲方是"))
    runs = recital.runs
    assert [r.text for r in runs][0] == "鉴于甲方是" and runs[-1].text == "的云服务提供者。"
    assert runs[1].underline and runs[1].text.isspace()
    assert not runs[0].underline and not runs[-1].underline


def test_blank_markers_never_reach_the_package(parts):
    for name, content in parts.items():
        text = content.decode("utf-8", "replace")
        assert "\ue000" not in text and "\ue001" not in text, name
        assert "partner_name" not in text or name.startswith("customXml/item"), name  # the request's parameters


def test_stray_marker_in_literal_text_becomes_a_blank():
    document = make_document()
    leaked = Inline(("甲方名称为" + str(Blank("provider_name", "云服务提供者名称")) + "。",))
    document = Document(**{**document.__dict__, "recitals": (leaked,)})
    data = DocxWriter().write(document)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode()
    assert "\ue000" not in xml and "\ue001" not in xml and "provider_name" not in xml
    recital = next(p for p in docx.Document(io.BytesIO(data)).paragraphs if p.text.startswith("甲方名称为"))
    assert [bool(r.underline) for r in recital.runs] == [False, True, False]


# -- numbering ------------------------------------------------------------------------------


def our_abstract_num(parts, num_id: int):
    numbering = etree.fromstring(parts["word/numbering.xml"])
    num = numbering.find(f"w:num[@w:numId='{num_id}']", NS)
    abstract_id = num.find("w:abstractNumId", NS).get(q("val"))
    return numbering.find(f"w:abstractNum[@w:abstractNumId='{abstract_id}']", NS)


def level(abstract, ilvl: int) -> dict[str, str | None]:
    lvl = abstract.find(f"w:lvl[@w:ilvl='{ilvl}']", NS)

    def value(tag: str) -> str | None:
        element = lvl.find(f"w:{tag}", NS)
        return element.get(q("val")) if element is not None else None

    return {tag: value(tag) for tag in ("start", "numFmt", "lvlText", "lvlRestart", "suff")} | {
        "hanging": lvl.find("w:pPr/w:ind", NS).get(q("hanging")),
    }


def test_numbering_xml_defines_chinese_legal_levels(body, parts):
    heading = next(p for p in body.iter(q("p")) if paragraph_text(p) == "定义与适用范围")
    _, num_id = num_pr(heading)
    abstract = our_abstract_num(parts, num_id)
    assert abstract.find("w:multiLevelType", NS).get(q("val")) == "multilevel"
    article, item, subitem = level(abstract, 0), level(abstract, 1), level(abstract, 2)
    assert (article["numFmt"], article["lvlText"], article["start"]) == ("chineseCounting", "第%1条", "1")
    assert (item["numFmt"], item["lvlText"]) == ("chineseCounting", "（%2）")
    assert (subitem["numFmt"], subitem["lvlText"]) == ("decimal", "%3.")
    # Levels 1 and 2 restart under each new parent: the default with no lvlRestart.
    assert item["lvlRestart"] is None and subitem["lvlRestart"] is None
    # Hanging indents, so wrapped lines align with the text, not the number.
    assert all(int(lvl["hanging"]) > 0 for lvl in (article, item, subitem))
    assert "chineseCounting" in parts["word/numbering.xml"].decode()
    assert "第%1条" in parts["word/numbering.xml"].decode()


def test_numbering_xml_keeps_schema_order(parts):
    numbering = etree.fromstring(parts["word/numbering.xml"])
    tags = [etree.QName(child).localname for child in numbering]
    assert tags.index("num") > max(i for i, tag in enumerate(tags) if tag == "abstractNum")


def test_articles_items_and_subitems_carry_numpr(body, model):
    numbered = [(num_pr(p), text_with_blanks(p)) for p in body.iter(q("p")) if num_pr(p)]
    expected = []
    for article in model.articles:
        expected.append((0, article.title))
        for item in article.items:
            expected.append((1, item.text.plain("<blank>")))
            for sub in item.subitems:
                expected.append((2, sub.plain("<blank>")))
    assert [(ilvl, text) for (ilvl, _), text in numbered] == expected
    assert len({num_id for (_, num_id), _ in numbered}) == 1  # one list, so levels restart under parents


def test_article_headings_are_bold_heading_paragraphs(word, model):
    headings = [p for p in word.paragraphs if p._p.find("w:pPr/w:numPr/w:ilvl[@w:val='0']", NS) is not None]
    assert [p.text for p in headings] == [a.title for a in model.articles]
    assert all(p.style.name == "Heading 1" and p.style.font.bold for p in headings)
    # The number is Word's, not text: no 第X条 typed into the heading.
    assert not any(p.text.startswith("第") for p in headings)


def test_no_paragraph_types_its_own_number(word):
    for p in word.paragraphs:
        assert not p.text.startswith(("第一条", "（一）", "1."))


# -- matrix ----------------------------------------------------------------------------------


def matrix_table(word):
    return next(t for t in word.tables if t.rows[0].cells[0].text == "序号")


def test_matrix_heading_precedes_table(word, model):
    heading = next(p for p in word.paragraphs if p.text == model.matrix.title)
    assert heading.paragraph_format.page_break_before
    assert heading._p.find("w:pPr/w:numPr", NS) is None


def test_matrix_table_header_and_rows(word, model):
    table = matrix_table(word)
    header = [cell.text for cell in table.rows[0].cells]
    assert header == ["序号", "工作事项或事件", "标准条款", *model.matrix.columns]
    categories = list(dict.fromkeys(row.category for row in model.matrix.rows))
    assert len(table.rows) == 1 + len(model.matrix.rows) + len(categories)
    # As in table B.1, the rows are grouped by category: a row across the table names it.
    tasks = [row for row in table.rows[1:] if len(row._tr.tc_lst) > 1]
    groups = [row for row in table.rows[1:] if len(row._tr.tc_lst) == 1]
    assert [g.cells[0].text for g in groups] == categories
    assert all(g._tr.tc_lst[0].find("w:tcPr/w:gridSpan", NS) is not None for g in groups)
    for number, (row, matrix_row) in enumerate(zip(tasks, model.matrix.rows, strict=True), 1):
        texts = [cell.text for cell in row.cells]
        assert texts[:3] == [str(number), matrix_row.work_item, matrix_row.clause]
        assert texts[3:] == [mark or "—" for mark in matrix_row.marks]


def test_matrix_header_row_repeats_and_is_bold_and_shaded(word):
    table = matrix_table(word)
    first = table.rows[0]._tr
    assert first.find("w:trPr/w:tblHeader", NS) is not None
    assert all(row._tr.find("w:trPr/w:tblHeader", NS) is None for row in table.rows[1:])
    for cell in table.rows[0].cells:
        assert cell._tc.find("w:tcPr/w:shd", NS).get(q("fill"))
        assert all(run.bold for run in cell.paragraphs[0].runs)
        assert cell.vertical_alignment == WD_ALIGN_VERTICAL.CENTER
    assert table.style.name == "Table Grid"


def test_matrix_legend_below_table_in_smaller_font(word, model):
    legend = next(p for p in word.paragraphs if p.text == model.matrix.legend)
    assert legend.style.font.size.pt < word.styles["Normal"].font.size.pt
    # The legend directly follows the table.
    table = matrix_table(word)._tbl
    assert table.getnext() is legend._p


# -- signature -------------------------------------------------------------------------------


def signature_table(word):
    # The signatures close the agreement; the matrix annex follows on its own page.
    return word.tables[-2]


def test_signature_table_names_both_parties(word, model):
    table = signature_table(word)
    assert len(table.columns) == 2
    cells = [cell for row in table.rows for cell in row.cells]
    texts = [cell.text for cell in cells]
    assert texts[0].startswith("甲方（盖章）：") and "华云数智科技有限公司" in texts[0]
    assert texts[1].startswith("乙方（盖章）：")
    for text in texts:
        assert "法定代表人或授权代表（签字）：" in text
        assert model.signature_date_label in text
    # The partner's name is a blank: an underlined fill-in line in its cell.
    blanks = [r for p in cells[1].paragraphs for r in p.runs if r.underline]
    assert blanks and blanks[0].text.isspace()


def test_signature_table_is_borderless_and_precedes_the_matrix(word, body):
    table = signature_table(word)
    borders = table._tbl.tblPr.find("w:tblBorders", NS)
    assert {b.get(q("val")) for b in borders} == {"nil"}
    assert table.style is None or table.style.name != "Table Grid"
    place = table._tbl.getnext()
    assert "".join(t.text or "" for t in place.iter(q("t"))).startswith("签订地点：")
    assert word.tables[-1].style.name == "Table Grid"  # the matrix comes last


# -- metadata --------------------------------------------------------------------------------


def test_custom_properties_round_trip(data, model, tmp_path):
    expected = model.metadata.as_properties()
    assert read_custom_properties(data) == expected
    path = tmp_path / "agreement.docx"
    path.write_bytes(data)
    assert read_custom_properties(path) == expected
    assert read_custom_properties(str(path)) == expected


def test_custom_properties_part_is_wired_into_the_package(parts):
    types = etree.fromstring(parts["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in types}
    assert overrides["/docProps/custom.xml"] == (
        "application/vnd.openxmlformats-officedocument.custom-properties+xml"
    )
    rels = etree.fromstring(parts["_rels/.rels"])
    targets = {r.get("Type"): r.get("Target") for r in rels}
    reltype = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
    assert targets[reltype].lstrip("/") == "docProps/custom.xml"
    custom = etree.fromstring(parts["docProps/custom.xml"])
    props = custom.findall(f"{{{CUSTOM_NS}}}property")
    assert [p.get("pid") for p in props] == [str(n) for n in range(2, 2 + len(props))]
    assert {p.get("fmtid") for p in props} == {"{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"}
    assert all(etree.QName(p[0]).localname == "lpwstr" for p in props)


def test_no_custom_properties_reads_empty(tmp_path):
    path = tmp_path / "plain.docx"
    docx.Document().save(str(path))
    assert read_custom_properties(path) == {}


def test_core_properties(word, model):
    core = word.core_properties
    assert core.title == model.title
    assert core.subject == model.metadata.standard
    assert core.keywords == ",".join(model.metadata.requirement_ids)
    assert core.author == "contractkit"


def test_long_requirement_lists_fit_core_keywords():
    ids = tuple(f"requirement-{n:03d}" for n in range(60))
    document = make_document(requirement_ids=ids)
    data = DocxWriter().write(document)
    keywords = docx.Document(io.BytesIO(data)).core_properties.keywords
    assert len(keywords) <= 255 and keywords.startswith("requirement-000,")
    # The full list survives in the custom properties.
    assert read_custom_properties(data)["contractkit.requirements"] == ",".join(ids)


def test_template_leftovers_are_gone(parts, word):
    # python-docx's default template ships a thumbnail of its sample page and a
    # stale stylesWithEffects copy of its styles; the Subtitle style is numbered.
    assert not [name for name in parts if "thumbnail" in name or "stylesWithEffects" in name]
    assert word.styles["Subtitle"].element.find("w:pPr/w:numPr", NS) is None


def test_output_is_reproducible_with_source_date_epoch(model, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01
    first, second = DocxWriter().write(model), DocxWriter().write(model)
    assert first == second
    core = docx.Document(io.BytesIO(first)).core_properties
    assert core.created.year == 2025 and core.modified == core.created


def test_font_table_declares_the_chinese_font(parts):
    fonts = etree.fromstring(parts["word/fontTable.xml"])
    songti = fonts.find("w:font[@w:name='宋体']", NS)
    assert songti.find("w:charset", NS).get(q("val")) == "86"  # GB2312: Word substitutes a Chinese font
