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

import io
from typing import cast

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.text.paragraph import Paragraph

from contractkit.generation.document import Block, Document, Inline, Matrix, Party, Schedule
from contractkit.generation.writers.docx_parts import (
    ARTICLE_LEVEL,
    BLANK_ROW_HEIGHT,
    BODY_SIZE,
    CHAR,
    FOOTER_DISTANCE,
    FOOTER_SIZE,
    HEADER_DISTANCE,
    ITEM_LEVEL,
    LANGUAGE,
    LEGEND_SIZE,
    LEVELS,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MATRIX_FIXED_COLUMNS,
    NO_MARK,
    NUMBERING_NSID,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    STYLE_BODY,
    STYLE_LEGEND,
    STYLE_PARTY,
    STYLE_SIGNATURE,
    STYLE_TABLE,
    STYLES_WITH_EFFECTS,
    SUBITEM_LEVEL,
    SUBTITLE_SIZE,
    TABLE_SIZE,
    TEXT_WIDTH,
    TITLE_FONT,
    TITLE_SIZE,
    _add_custom_properties,
    _add_inline,
    _add_request,
    _category_row,
    _clean,
    _drop_relationships,
    _field,
    _fill_row,
    _fix_table_layout,
    _has_text,
    _limit,
    _limit_list,
    _matrix_widths,
    _normalise_zip,
    _plain_table,
    _restyle,
    _row_properties,
    _rpr,
    _timestamp,
    _w,
    declare_font,
    read_metadata,
    word_settings,
)
from contractkit.reading.docx_metadata import request_xml, short_properties

__all__ = ["DocxWriter", "read_custom_properties", "read_metadata"]


class DocxWriter:
    format = "docx"
    extension = ".docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def write(self, document: Document) -> bytes:
        return _Builder(document).build()

    def write_sheet(self, sheet) -> bytes:
        """The explanation sheet: the agreement's typography, a title and one table."""
        return _Builder(None).build_sheet(sheet)


# =============================================================================
# Building the document
# =============================================================================


class _Builder:
    def __init__(self, document: Document | None):
        self.model = cast(Document, document)  # None only for build_sheet, which reads no model
        self.doc = new_docx()
        self.timestamp = _timestamp()

    def build(self) -> bytes:
        self._package()
        word_settings(self.doc)
        self._styles()
        self._page()
        self.num_id = self._numbering()

        model = self.model
        self._title(model.title, model.subtitle)
        if model.reference is not None:
            self._inline_paragraph(model.reference, style=STYLE_PARTY).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for party in model.parties:
            self._party(party)
        for recital in model.recitals:
            self._inline_paragraph(recital, style=STYLE_BODY)
        last: Paragraph | None = None
        for article in model.articles:
            heading = self.doc.add_paragraph(style="Heading 1")
            heading.add_run(_clean(article.title))
            self._number(heading, ARTICLE_LEVEL)
            for item in article.items:
                last = self._inline_paragraph(item.text)
                self._number(last, ITEM_LEVEL)
                for sub in item.subitems:
                    last = self._inline_paragraph(sub)
                    self._number(last, SUBITEM_LEVEL)
        # The last clause, （以下无正文） and the signatures stay on one page: never a page of signatures alone.
        if last is not None:
            last.paragraph_format.keep_with_next = True
            last.paragraph_format.keep_together = True
        if model.closing:
            closing = self.doc.add_paragraph(_clean(model.closing), style=STYLE_BODY)
            closing.paragraph_format.keep_with_next = True
        self._signature()
        # The schedules follow the signatures, each on a page of its own: the matrix (附件一) first.
        self._matrix(model.matrix)
        for schedule in model.schedules:
            self._schedule(schedule)

        self._core_properties()
        _add_custom_properties(self.doc, short_properties(model.metadata.as_properties()))
        _add_request(self.doc, request_xml(model.metadata))
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return _normalise_zip(buffer.getvalue(), self.timestamp)

    def build_sheet(self, sheet) -> bytes:
        self._package()
        word_settings(self.doc)
        self._styles()
        self._page()
        self._title(sheet.title, sheet.subtitle)
        for paragraph in sheet.intro:
            self.doc.add_paragraph(_clean(paragraph), style=STYLE_BODY)
        rows = (tuple(Inline((c,)) for c in sheet.header), *(tuple(Inline((c,)) for c in r) for r in sheet.rows))
        self._table(Block("table", rows=rows, widths=sheet.widths))
        core = self.doc.core_properties
        core.title, core.author, core.language = _limit(_clean(sheet.title)), "contractkit", LANGUAGE
        core.created = core.modified = self.timestamp
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return _normalise_zip(buffer.getvalue(), self.timestamp)

    # -- package and settings ------------------------------------------------
    def _package(self) -> None:
        # The default template carries a thumbnail of python-docx's sample page.
        _drop_relationships(self.doc.part.package.rels, RT.THUMBNAIL)
        # A stale copy of the template's styles that Word 2010 may prefer to ours.
        _drop_relationships(self.doc.part.rels, STYLES_WITH_EFFECTS)
        declare_font(self.doc)

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

    def _schedule_title(self, title: str) -> None:
        heading = self.doc.add_paragraph(_clean(title), style="Heading 1")
        heading.paragraph_format.page_break_before = True
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        heading.paragraph_format.space_after = Twips(240)

    def _matrix(self, matrix: Matrix) -> None:
        self._schedule_title(matrix.title)
        if matrix.intro:
            self.doc.add_paragraph(_clean(matrix.intro), style=STYLE_BODY).paragraph_format.space_after = Twips(120)
        header = [*MATRIX_FIXED_COLUMNS, *matrix.columns]
        widths = _matrix_widths(len(matrix.columns))
        categories = list(dict.fromkeys(row.category for row in matrix.rows))
        table = self.doc.add_table(rows=1 + len(matrix.rows) + len(categories), cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _fix_table_layout(table, widths)
        rows = iter(table.rows)
        _fill_row(next(rows), header, widths, header_row=True)
        previous = None
        for number, matrix_row in enumerate(matrix.rows, 1):
            if matrix_row.category != previous:
                # As table B.1 groups its rows by layer, a row across the table names the category.
                _category_row(next(rows), matrix_row.category)
                previous = matrix_row.category
            marks = [mark or NO_MARK for mark in matrix_row.marks]
            cells = [str(number), matrix_row.work_item, matrix_row.clause, *marks]
            cells += [""] * (len(header) - len(cells))  # a row with fewer marks than columns still gets every cell
            _fill_row(next(rows), cells[: len(header)], widths, header_row=False, justify=(1,))
        self.doc.add_paragraph(_clean(matrix.legend), style=STYLE_LEGEND)

    def _schedule(self, schedule: Schedule) -> None:
        self._schedule_title(f"{schedule.label}　{schedule.title}")
        for block in schedule.blocks:
            self._block(block)

    def _block(self, block: Block) -> None:
        if block.kind == "table":
            self._table(block)
        elif block.kind == "heading":
            paragraph = self._inline_paragraph(block.text, style="Heading 2", prefix=block.label)
            paragraph.paragraph_format.space_before = Twips(180)
        elif block.kind == "item":
            paragraph = self._inline_paragraph(block.text, prefix=f"{block.label}\t")
            paragraph.paragraph_format.left_indent = Twips(2 * CHAR + 2 * CHAR)
            paragraph.paragraph_format.first_line_indent = Twips(-2 * CHAR)
            paragraph.paragraph_format.tab_stops.add_tab_stop(Twips(2 * CHAR + 2 * CHAR))
        else:
            self._inline_paragraph(block.text, style=STYLE_BODY)

    def _table(self, block: Block) -> None:
        total = sum(block.widths)
        widths = [TEXT_WIDTH * w // total for w in block.widths]
        widths[-1] += TEXT_WIDTH - sum(widths)
        table = self.doc.add_table(rows=len(block.rows), cols=len(widths))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _fix_table_layout(table, widths)
        for index, (row, cells) in enumerate(zip(table.rows, block.rows, strict=True)):
            _fill_row(row, [""] * len(widths), widths, header_row=index == 0)
            if index and not any(_has_text(cell) for cell in cells):
                row.height = Twips(BLANK_ROW_HEIGHT)  # an empty row is a row to fill in by hand
            for cell, text in zip(row.cells, cells, strict=True):
                paragraph = cell.paragraphs[0]
                _add_inline(paragraph, text)
                if index == 0:
                    for run in paragraph.runs:
                        run.bold = True
                elif len(text.plain()) > 12:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        self.doc.add_paragraph(style=STYLE_LEGEND)  # a little air below the table

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




read_custom_properties = read_metadata  # the name before the request moved to customXml
