"""Word output: a .docx a lawyer can send as is.

The document is built with python-docx from its default template, with the
parts python-docx has no API for written as WordprocessingML directly:

* styles with East Asian fonts (``w:rFonts/@w:eastAsia``) and zh-CN language;
* one real multilevel list in ``numbering.xml`` — 第%1条 / （%2） / %3. — so Word
  numbers articles, items and sub-items itself (levels 1 and 2 restart under
  each new parent by the default behaviour of a multilevel list: no
  ``w:lvlRestart``, the ECMA-376 default, which is also the only setting Word
  is reliable with);
* a footer "第 X 页 共 Y 页" from PAGE / NUMPAGES fields;
* the responsibility matrix with a repeated header row;
* the generation metadata — the request and the requirement ids — in a customXml
  part (``customXml/itemN.xml``; Word limits custom property values to 255
  characters), the values that fit also as custom properties (``docProps/custom.xml``);
  the format is ``contractkit.reading.docx_metadata``'s, and :func:`read_metadata`
  reads it back without python-docx.

Output is deterministic when ``SOURCE_DATE_EPOCH`` is set (the core properties'
created/modified dates and the zip entries' timestamps come from it); otherwise
those dates are the time of writing.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from contractkit.generation.document import Document, Inline, Matrix, Party
from contractkit.generation.parameters import Blank
from contractkit.reading.docx_metadata import item_props_xml, request_xml, short_properties

# -- typography ---------------------------------------------------------------
BODY_FONT = "宋体"  # East Asian body font (SimSun)
TITLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = 24  # half-points: 小四, 12 pt
TITLE_SIZE = 44  # 二号, 22 pt
SUBTITLE_SIZE = 28  # 四号, 14 pt
TABLE_SIZE = 21  # 五号, 10.5 pt
LEGEND_SIZE = 18  # 小五, 9 pt
FOOTER_SIZE = 18
LANGUAGE = "zh-CN"

# Custom paragraph styles, by name (what Word shows); their ids are ASCII.
STYLE_BODY = "合同正文"
STYLE_PARTY = "当事人信息"
STYLE_TABLE = "表格文字"
STYLE_LEGEND = "表注"
STYLE_SIGNATURE = "签署栏"

# -- page (twips) -------------------------------------------------------------
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4
MARGIN_TOP = MARGIN_BOTTOM = 1440  # 2.54 cm
MARGIN_LEFT = MARGIN_RIGHT = 1797  # 3.17 cm
HEADER_DISTANCE, FOOTER_DISTANCE = 851, 992  # 1.5 cm, 1.75 cm
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
CHAR = 240  # one full-width character at 12 pt, in twips

# -- numbering: where the number sits and where the text starts (twips) -----
# 第一条 … 第十二条 then a tab to 5 characters, so titles line up;
# （一） is exactly 3 characters, indented 2, so item text starts under the titles;
# 1. sits under the item text, its own text 2 characters further in.
LEVELS = (
    # ilvl, numFmt, lvlText, suffix, text indent, hanging, bold
    (0, "chineseCounting", "第%1条", "tab", 5 * CHAR, 5 * CHAR, True),
    (1, "chineseCounting", "（%2）", "nothing", 5 * CHAR, 3 * CHAR, False),
    (2, "decimal", "%3.", "tab", 7 * CHAR, 2 * CHAR, False),
)
ARTICLE_LEVEL, ITEM_LEVEL, SUBITEM_LEVEL = 0, 1, 2
NUMBERING_NSID = "43544B31"  # fixed, so output is reproducible ("CTK1")

# A fill-in line: underlined no-break spaces set in the body font; in 宋体 each
# is half a character wide, so 24 make the width of 12 full-width spaces (fonts
# with narrower spaces give a shorter line). Not U+3000 or plain spaces: where
# a line wraps at the blank those hang past the margin with no width, so the
# line vanishes, and in justified text they stretch; no-break spaces keep
# their width and Word does not wrap inside them.
BLANK_LINE = "\u00a0" * 24
# Blank markers that might survive in literal text are never written out.
STRAY_BLANK = re.compile("\ue000[^\ue000\ue001]*\ue001")
STRAY_MARK = re.compile("[\ue000\ue001]")

HEADER_FILL = "D9D9D9"
MATRIX_FIXED_COLUMNS = ("序号", "标准条款", "实施工作")
NO_MARK = "—"  # a party with no part in a row (an empty cell would look forgotten)

# -- generation metadata: custom document properties and the customXml request --
CUSTOM_PROPERTIES_URI = "/docProps/custom.xml"
REQUEST_URI = "/customXml/item%d.xml"  # where Word keeps customXml items (the template has one already)
REQUEST_PROPS_URI = "/customXml/itemProps%d.xml"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
CORE_TEXT_LIMIT = 255  # python-docx (and Word) limit core property strings to 255 characters

STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


class DocxWriter:
    format = "docx"
    extension = ".docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def write(self, document: Document) -> bytes:
        return _Builder(document).build()


# =============================================================================
# Building the document
# =============================================================================


class _Builder:
    def __init__(self, document: Document):
        self.model = document
        self.doc = new_docx()
        self.timestamp = _timestamp()

    def build(self) -> bytes:
        self._package()
        self._settings()
        self._styles()
        self._page()
        self.num_id = self._numbering()

        model = self.model
        self._title(model.title, model.subtitle)
        for party in model.parties:
            self._party(party)
        for recital in model.recitals:
            self._inline_paragraph(recital, style=STYLE_BODY)
        for article in model.articles:
            heading = self.doc.add_paragraph(style="Heading 1")
            heading.add_run(_clean(article.title))
            self._number(heading, ARTICLE_LEVEL)
            for item in article.items:
                self._number(self._inline_paragraph(item.text), ITEM_LEVEL)
                for sub in item.subitems:
                    self._number(self._inline_paragraph(sub), SUBITEM_LEVEL)
        # Signatures close the agreement; the matrix follows as its annex, on a page of its own.
        self._signature()
        self._matrix(model.matrix)

        self._core_properties()
        _add_custom_properties(self.doc, short_properties(model.metadata.as_properties()))
        _add_request(self.doc, request_xml(model.metadata))
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return _normalise_zip(buffer.getvalue(), self.timestamp)

    # -- package and settings ------------------------------------------------
    def _package(self) -> None:
        # The default template carries a thumbnail of python-docx's sample page.
        _drop_relationships(self.doc.part.package.rels, RT.THUMBNAIL)
        # A stale copy of the template's styles that Word 2010 may prefer to ours.
        _drop_relationships(self.doc.part.rels, STYLES_WITH_EFFECTS)
        self._font_table()

    def _font_table(self) -> None:
        """Declare 宋体 as a GB2312 font, so Word substitutes a Chinese font where it is missing."""
        part = self.doc.part.part_related_by(RT.FONT_TABLE)
        fonts = etree.fromstring(part.blob)
        if any(font.get(qn("w:name")) == BODY_FONT for font in fonts.iter(qn("w:font"))):
            return
        fonts.append(
            _w(
                f'<w:font w:name="{BODY_FONT}"><w:altName w:val="SimSun"/>'
                '<w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/>'
                '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
            )
        )
        # The font table is a plain (blob) part in python-docx: replace its bytes.
        part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _settings(self) -> None:
        settings = self.doc.settings.element
        compat = settings.find(qn("w:compat"))
        if compat is None:
            compat = _w("<w:compat/>")
            settings.append(compat)
        # Show the underline of fill-in lines even where the spaces end a line.
        if compat.find(qn("w:ulTrailSpace")) is None:
            compat.insert(0, _w("<w:ulTrailSpace/>"))
        for setting in compat.findall(qn("w:compatSetting")):
            if setting.get(qn("w:name")) == "compatibilityMode":
                setting.set(qn("w:val"), "15")  # no "Compatibility Mode" banner in Word
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:eastAsia"), LANGUAGE)

    # -- styles --------------------------------------------------------------
    def _styles(self) -> None:
        styles = self.doc.styles
        root = styles.element
        defaults = root.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault"))
        rpr_default.replace(rpr_default.find(qn("w:rPr")), _rpr(size=BODY_SIZE))
        ppr_default = defaults.find(qn("w:pPrDefault"))
        ppr_default.replace(ppr_default.find(qn("w:pPr")), _w('<w:pPr><w:spacing w:after="0"/></w:pPr>'))

        _restyle(
            styles["Normal"].element,
            '<w:pPr><w:widowControl/><w:spacing w:before="0" w:after="0" w:line="360" w:lineRule="auto"/>'
            '<w:jc w:val="both"/></w:pPr>',
            _rpr(size=BODY_SIZE),
        )
        _restyle(
            styles["Title"].element,
            '<w:pPr><w:keepNext/><w:spacing w:before="0" w:after="240" w:line="240" w:lineRule="auto"/>'
            '<w:jc w:val="center"/><w:outlineLvl w:val="0"/></w:pPr>',
            _rpr(east_asia=TITLE_FONT, size=TITLE_SIZE, bold=True),
        )
        _restyle(
            styles["Subtitle"].element,
            '<w:pPr><w:keepNext/><w:spacing w:before="0" w:after="360" w:line="240" w:lineRule="auto"/>'
            '<w:jc w:val="center"/></w:pPr>',
            _rpr(size=SUBTITLE_SIZE),
        )
        _restyle(
            styles["Heading 1"].element,
            '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="0"/>'
            '<w:jc w:val="left"/><w:outlineLvl w:val="0"/></w:pPr>',
            _rpr(size=BODY_SIZE, bold=True),
        )
        _restyle(
            styles["Heading 2"].element,
            '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="120" w:after="0"/>'
            '<w:jc w:val="left"/><w:outlineLvl w:val="1"/></w:pPr>',
            _rpr(size=BODY_SIZE, bold=True),
        )
        _restyle(
            styles["Footer"].element,
            '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr>',
            _rpr(size=FOOTER_SIZE),
        )
        self._add_style(
            "ContractBody",
            STYLE_BODY,
            '<w:pPr><w:ind w:firstLineChars="200" w:firstLine="480"/></w:pPr>',
            None,
        )
        self._add_style(
            "PartyText",
            STYLE_PARTY,
            '<w:pPr><w:keepNext/><w:keepLines/><w:jc w:val="left"/></w:pPr>',
            None,
        )
        self._add_style(
            "MatrixText",
            STYLE_TABLE,
            '<w:pPr><w:spacing w:before="40" w:after="40" w:line="260" w:lineRule="auto"/>'
            '<w:jc w:val="center"/></w:pPr>',
            _rpr(size=TABLE_SIZE),
        )
        self._add_style(
            "MatrixLegend",
            STYLE_LEGEND,
            '<w:pPr><w:spacing w:before="120" w:after="0" w:line="300" w:lineRule="auto"/></w:pPr>',
            _rpr(size=LEGEND_SIZE),
        )
        self._add_style(
            "SignatureText",
            STYLE_SIGNATURE,
            '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="0" w:after="0" w:line="360" w:lineRule="auto"/>'
            '<w:jc w:val="left"/></w:pPr>',
            None,
        )

    def _add_style(self, style_id: str, name: str, ppr: str | None, rpr) -> None:
        element = _w(
            f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
            f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:qFormat/></w:style>'
        )
        if ppr:
            element.append(_w(ppr))
        if rpr is not None:
            element.append(rpr)
        self.doc.styles.element.append(element)

    # -- page ----------------------------------------------------------------
    def _page(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
        section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
        section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
        section.header_distance, section.footer_distance = Twips(HEADER_DISTANCE), Twips(FOOTER_DISTANCE)
        footer = section.footer
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = self.doc.styles["Footer"]
        paragraph.add_run("第 ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" 页 共 ")
        _field(paragraph, "NUMPAGES")
        paragraph.add_run(" 页")

    # -- numbering -------------------------------------------------------------
    def _numbering(self) -> int:
        """Add the article/item/sub-item list to numbering.xml; return its numId."""
        numbering = self.doc.part.numbering_part.element
        abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
        num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
        abstract_id = max(abstract_ids, default=-1) + 1
        num_id = max(num_ids, default=0) + 1

        levels = []
        for ilvl, fmt, text, suffix, indent, hanging, bold in LEVELS:
            tabs = f'<w:tabs><w:tab w:val="num" w:pos="{indent}"/></w:tabs>' if suffix == "tab" else ""
            levels.append(
                f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:suff w:val="{suffix}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr>{tabs}<w:ind w:left="{indent}" w:hanging="{hanging}"/></w:pPr>'
                f'<w:rPr><w:rFonts w:hint="eastAsia"/>{"<w:b/><w:bCs/>" if bold else ""}</w:rPr></w:lvl>'
            )
        abstract = _w(
            f'<w:abstractNum w:abstractNumId="{abstract_id}"><w:nsid w:val="{NUMBERING_NSID}"/>'
            f'<w:multiLevelType w:val="multilevel"/><w:tmpl w:val="{NUMBERING_NSID}"/>'
            f'<w:name w:val="contractkit articles"/>{"".join(levels)}</w:abstractNum>'
        )
        num = _w(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
        # Schema order: every w:abstractNum before every w:num.
        existing_abstracts = numbering.findall(qn("w:abstractNum"))
        if existing_abstracts:
            existing_abstracts[-1].addnext(abstract)
        else:
            first_num = numbering.find(qn("w:num"))
            if first_num is not None:
                first_num.addprevious(abstract)
            else:
                numbering.append(abstract)
        existing_nums = numbering.findall(qn("w:num"))
        if existing_nums:
            existing_nums[-1].addnext(num)
        else:
            abstract.addnext(num)
        return num_id

    def _number(self, paragraph: Paragraph, level: int) -> None:
        # python-docx makes get_or_add_numPr at runtime (ZeroOrOne) but, unlike get_or_add_ind, does not declare it.
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()  # type: ignore[attr-defined]
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = self.num_id

    # -- content -----------------------------------------------------------------
    def _title(self, title: str, subtitle: str | None) -> None:
        self.doc.add_paragraph(_clean(title), style="Title")
        if subtitle:
            self.doc.add_paragraph(_clean(subtitle), style="Subtitle")

    def _party(self, party: Party) -> None:
        first = self.doc.add_paragraph(style=STYLE_PARTY)
        first.add_run(f"{_clean(party.label)}（{_clean(party.role_names)}）：").bold = True
        _add_inline(first, party.name)
        self._inline_paragraph(party.address, style=STYLE_PARTY, prefix="住所：")
        last = self._inline_paragraph(party.representative, style=STYLE_PARTY, prefix="法定代表人：")
        last.paragraph_format.space_after = Twips(240)

    def _inline_paragraph(self, text: Inline, style: str | None = None, prefix: str = "") -> Paragraph:
        paragraph = self.doc.add_paragraph(style=style)
        if prefix:
            paragraph.add_run(prefix)
        _add_inline(paragraph, text)
        return paragraph

    def _matrix(self, matrix: Matrix) -> None:
        heading = self.doc.add_paragraph(_clean(matrix.title), style="Heading 1")
        heading.paragraph_format.page_break_before = True
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        heading.paragraph_format.space_after = Twips(240)

        header = [*MATRIX_FIXED_COLUMNS, *matrix.columns]
        widths = _matrix_widths(len(matrix.columns))
        table = self.doc.add_table(rows=1 + len(matrix.rows), cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _fix_table_layout(table, widths)

        rows = table.rows
        _fill_row(rows[0], header, widths, header_row=True)
        for number, (row, matrix_row) in enumerate(zip(rows[1:], matrix.rows, strict=True), 1):
            marks = [mark or NO_MARK for mark in matrix_row.marks]
            cells = [str(number), matrix_row.clause, matrix_row.work_item, *marks]
            # A row with fewer marks than columns still gets every cell.
            cells += [""] * (len(header) - len(cells))
            _fill_row(row, cells[: len(header)], widths, header_row=False)
        self.doc.add_paragraph(_clean(matrix.legend), style=STYLE_LEGEND)

    def _signature(self) -> None:
        parties = self.model.parties
        lead = self.doc.add_paragraph(style=STYLE_SIGNATURE)
        lead.paragraph_format.space_before = Twips(480)
        columns = 2
        chunks = [parties[i : i + columns] for i in range(0, len(parties), columns)] or [()]
        table = self.doc.add_table(rows=len(chunks), cols=columns)
        width = TEXT_WIDTH // columns
        _fix_table_layout(table, [width] * columns)
        _plain_table(table)
        for row, chunk in zip(table.rows, chunks, strict=True):
            _row_properties(row, cant_split=True)
            for cell, party in zip(row.cells, chunk, strict=False):  # the last row may have one party
                cell.width = Twips(width)
                first = cell.paragraphs[0]
                first.style = self.doc.styles[STYLE_SIGNATURE]
                first.add_run(f"{_clean(party.label)}（盖章）：")
                name = cell.add_paragraph(style=STYLE_SIGNATURE)
                _add_inline(name, party.name)
                signer = cell.add_paragraph("法定代表人或授权代表（签字）：", style=STYLE_SIGNATURE)
                signer.paragraph_format.space_before = Twips(480)
                cell.add_paragraph(style=STYLE_SIGNATURE)  # room for the signature
                date = cell.add_paragraph(_clean(self.model.signature_date_label), style=STYLE_SIGNATURE)
                date.paragraph_format.space_before = Twips(240)
        place = self._inline_paragraph(self.model.sign_place, style=STYLE_SIGNATURE)
        place.paragraph_format.space_before = Twips(360)

    # -- properties ------------------------------------------------------------------
    def _core_properties(self) -> None:
        meta = self.model.metadata
        core = self.doc.core_properties
        core.title = _limit(_clean(self.model.title))
        core.subject = _limit(meta.standard)
        core.keywords = _limit_list(meta.requirement_ids)
        core.author = "contractkit"
        core.last_modified_by = "contractkit"
        core.comments = _limit(f"{meta.generator}; {meta.standard}")
        core.category = "云计算服务安全责任协议附件" if self.model.kind == "annex" else "云计算服务安全责任协议"
        core.language = LANGUAGE
        core.revision = 1
        core.created = core.modified = self.timestamp


# =============================================================================
# Paragraph and table helpers
# =============================================================================


def _w(xml: str):
    """Parse a WordprocessingML fragment written with the w: prefix."""
    start_tag = re.match(r"<[\w:]+", xml)
    if start_tag is None:
        raise ValueError(f"not a WordprocessingML element: {xml[:40]!r}")
    name_end = start_tag.end()
    return parse_xml(xml[:name_end] + f" {nsdecls('w')}" + xml[name_end:])


def _rpr(east_asia: str = BODY_FONT, latin: str = LATIN_FONT, size: int | None = None, bold: bool = False):
    parts = [
        f'<w:rFonts w:ascii="{latin}" w:eastAsia="{east_asia}" w:hAnsi="{latin}" w:cs="{latin}"/>',
    ]
    if bold:
        parts.append("<w:b/><w:bCs/>")
    parts.append('<w:color w:val="000000"/>')
    if size:
        parts.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    parts.append(f'<w:lang w:val="en-US" w:eastAsia="{LANGUAGE}" w:bidi="ar-SA"/>')
    return _w(f"<w:rPr>{''.join(parts)}</w:rPr>")


def _restyle(style, ppr: str, rpr) -> None:
    """Replace a built-in style's paragraph and run properties outright.

    Replacing (not patching) drops the template's theme fonts (which would win
    over w:ascii), colours, borders and the Subtitle's stray numbering.
    """
    for tag in ("w:pPr", "w:rPr"):
        for old in style.findall(qn(tag)):
            style.remove(old)
    anchor = style.find(qn("w:tblPr"))
    for element in (_w(ppr), rpr):
        if anchor is not None:
            anchor.addprevious(element)
        else:
            style.append(element)


def _clean(text: str) -> str:
    """Literal text with any stray blank marker turned into nothing (never written as-is)."""
    return STRAY_MARK.sub("", STRAY_BLANK.sub("", str(text)))


def _spans(text: Inline) -> Iterable[str | None]:
    """The spans to write: str, or None for a fill-in line."""
    for span in text.spans:
        if isinstance(span, Blank):
            yield None
            continue
        literal = str(span)
        position = 0
        for match in STRAY_BLANK.finditer(literal):
            if match.start() > position:
                yield STRAY_MARK.sub("", literal[position : match.start()])
            yield None
            position = match.end()
        if position < len(literal):
            yield STRAY_MARK.sub("", literal[position:])


def _add_inline(paragraph: Paragraph, text: Inline) -> None:
    for span in _spans(text):
        if span is None:
            run = paragraph.add_run(BLANK_LINE)
            run.underline = True
            fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
            fonts.set(qn("w:ascii"), BODY_FONT)
            fonts.set(qn("w:hAnsi"), BODY_FONT)
            fonts.set(qn("w:eastAsia"), BODY_FONT)
            fonts.set(qn("w:hint"), "eastAsia")
        elif span:
            paragraph.add_run(span)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A complex field (PAGE, NUMPAGES) with a placeholder result Word updates."""
    p = paragraph._p
    for xml in (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r><w:t>1</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p.append(_w(xml))


def _matrix_widths(party_columns: int) -> list[int]:
    """序号, 标准条款, 实施工作, then one column per party; the work item takes the rest."""
    number, clause, min_work = 720, 1650, 2400
    party = max(1000, min(1500, (TEXT_WIDTH - number - clause - min_work) // max(party_columns, 1)))
    work = max(min_work, TEXT_WIDTH - number - clause - party * party_columns)
    return [number, clause, work, *[party] * party_columns]


def _fix_table_layout(table, widths: list[int]) -> None:
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_w = _w(f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>')
    successors = ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                  "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
    tbl_pr.insert_element_before(tbl_w, *successors)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Twips(width)


def _plain_table(table) -> None:
    """No borders and no side cell margins, so cell text lines up with the body text."""
    tbl_pr = table._tbl.tblPr
    edges = "".join(
        f'<w:{edge} w:val="nil"/>' for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    borders = _w(f"<w:tblBorders>{edges}</w:tblBorders>")
    tbl_pr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"
    )
    margins = _w('<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>')
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def _row_properties(row, cant_split: bool = True, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if cant_split:
        tr_pr.insert_element_before(_w("<w:cantSplit/>"), "w:trHeight", "w:tblHeader", "w:tblCellSpacing",
                                    "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
    if header:
        tr_pr.insert_element_before(_w("<w:tblHeader/>"), "w:tblCellSpacing", "w:jc", "w:hidden",
                                    "w:ins", "w:del", "w:trPrChange")


def _fill_row(row, texts: list[str], widths: list[int], header_row: bool) -> None:
    _row_properties(row, cant_split=True, header=header_row)
    # row.cells rebuilds the whole table's cell grid on every call (quadratic in the rows);
    # the matrix has no merged cells, so each <w:tc> of the row is one cell.
    cells = [_Cell(tc, row.table) for tc in row._tr.tc_lst]
    for column, (cell, text, width) in enumerate(zip(cells, texts, widths, strict=True)):
        cell.width = Twips(width)
        if header_row:
            cell._tc.get_or_add_tcPr().insert_element_before(
                _w(f'<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>'),
                "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
            )
        cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        paragraph = cell.paragraphs[0]
        paragraph.style = STYLE_TABLE
        if not header_row and column == 2:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY  # the work item reads as running text
        run = paragraph.add_run(_clean(text))
        if header_row:
            run.bold = True


# =============================================================================
# Package-level helpers
# =============================================================================


def _timestamp() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    else:
        moment = dt.datetime.now(tz=dt.UTC)
    # python-docx writes naive datetimes as UTC ("Z").
    return moment.replace(microsecond=0, tzinfo=None)


def _limit(text: str) -> str:
    return text if len(text) <= CORE_TEXT_LIMIT else text[: CORE_TEXT_LIMIT - 1] + "…"


def _limit_list(values: Iterable[str]) -> str:
    """Comma-joined values cut at a value boundary to fit a core property."""
    kept: list[str] = []
    for value in values:
        if len(",".join([*kept, value])) > CORE_TEXT_LIMIT - 2:
            return ",".join(kept) + ",…"
        kept.append(value)
    return ",".join(kept)


def _drop_relationships(rels, reltype: str) -> None:
    """Remove relationships of a type; a part nothing relates to is not saved."""
    for r_id in [r_id for r_id, rel in rels.items() if rel.reltype == reltype]:
        del rels[r_id]


def _custom_properties_xml(properties: dict[str, str]) -> bytes:
    # A default namespace is keyed None, which lxml-stubs' nsmap type does not allow.
    root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})  # type: ignore[dict-item]
    for pid, (name, value) in enumerate(properties.items(), start=2):
        prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property", fmtid=PROPERTY_FMTID, pid=str(pid), name=name)
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_custom_properties(doc, properties: dict[str, str]) -> None:
    package = doc.part.package
    _drop_relationships(package.rels, RT.CUSTOM_PROPERTIES)
    part = Part(
        PackURI(CUSTOM_PROPERTIES_URI),
        CT.OFC_CUSTOM_PROPERTIES,
        _custom_properties_xml(properties),
        package,
    )
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def _add_request(doc, item: bytes) -> None:
    """The request as a customXml item related from the document, with its itemProps (as Word writes them)."""
    package = doc.part.package
    name = package.next_partname(REQUEST_URI)
    request = Part(name, CT.XML, item, package)
    props = PackURI(REQUEST_PROPS_URI % name.idx)
    request.relate_to(Part(props, CT.OFC_CUSTOM_XML_PROPERTIES, item_props_xml(item), package), RT.CUSTOM_XML_PROPS)
    doc.part.relate_to(request, RT.CUSTOM_XML)


def _normalise_zip(data: bytes, moment: dt.datetime) -> bytes:
    """Rewrite the package with one fixed timestamp on every entry (reproducible bytes)."""
    date_time = max(moment.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


# =============================================================================
# Reading the metadata back
# =============================================================================


def read_metadata(path_or_bytes: str | os.PathLike | bytes | bytearray | IO[bytes]) -> dict[str, str]:
    """The generation metadata of a .docx, name -> text value (``contractkit.*``, as ``Metadata.as_properties``).

    The customXml request where there is one (this version on), overlaid on the
    custom properties (all a document of an earlier version has). Reads with
    the checker's hardened reader, without python-docx; a document with
    neither gives ``{}``. Raises ``ReadError`` for a file that is not a readable package.
    """
    from contractkit.reading.docx_metadata import package_metadata
    from contractkit.reading.docx_reader import main_part
    from contractkit.reading.safety import ReadLimits, SafeZip

    if isinstance(path_or_bytes, (bytes, bytearray)):
        data, name = bytes(path_or_bytes), Path("<bytes>")
    elif isinstance(path_or_bytes, (str, os.PathLike)):
        name = Path(path_or_bytes)
        data = name.read_bytes()
    else:
        data, name = path_or_bytes.read(), Path(getattr(path_or_bytes, "name", "<stream>"))
    package = SafeZip(data, name, ReadLimits())
    return package_metadata(package, name, main_part(package, name))[0]


read_custom_properties = read_metadata  # the name before the request moved to customXml
