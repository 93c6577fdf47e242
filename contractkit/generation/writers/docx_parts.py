"""The WordprocessingML pieces of the .docx writer: typography and page constants, runs with
East Asian fonts and fill-in lines, fixed-layout tables, and the package's metadata parts
(custom properties, the customXml request, reproducible zip entries) and reading them back."""


from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from docx.enum.table import WD_ALIGN_VERTICAL
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

from contractkit.generation.document import Inline
from contractkit.generation.parameters import Blank
from contractkit.reading.docx_metadata import item_props_xml

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


def _spans(text: Inline) -> Iterable[str | int | None]:
    """The spans to write: str, or the width of a fill-in line (None: the default width)."""
    for span in text.spans:
        if isinstance(span, Blank):
            yield span.width
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
        if span is None or isinstance(span, int):
            run = paragraph.add_run(BLANK_LINE if span is None else "\u00a0" * 2 * span)
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


def _fill_row(row, texts: list[str], widths: list[int], header_row: bool, justify: tuple[int, ...] = ()) -> None:
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
        if not header_row and column in justify:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY  # a long cell (the work item) reads as running text
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


# =============================================================================
# The matrix and schedule tables
# =============================================================================

MATRIX_FIXED_COLUMNS = ("序号", "工作事项或事件", "标准条款")
CATEGORY_FILL = "F2F2F2"
BLANK_ROW_HEIGHT = 520  # twips: room to write a line by hand


def _category_row(row, category: str) -> None:
    """A row across the whole table (one cell spanning every column) naming the rows' category."""
    _row_properties(row, cant_split=True)
    cells = [_Cell(tc, row.table) for tc in row._tr.tc_lst]
    merged = cells[0].merge(cells[-1])
    merged._tc.get_or_add_tcPr().insert_element_before(
        _w(f'<w:shd w:val="clear" w:color="auto" w:fill="{CATEGORY_FILL}"/>'),
        "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    )
    paragraph = merged.paragraphs[0]
    paragraph.style = STYLE_TABLE
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    paragraph.add_run(_clean(category)).bold = True
    # keep the category with its first task on one page
    paragraph.paragraph_format.keep_with_next = True


def _has_text(text: Inline) -> bool:
    return any(isinstance(span, str) and span.strip() for span in text.spans) or len(text.spans) > 1


def _matrix_widths(party_columns: int) -> list[int]:
    """序号, 工作事项, 标准条款, then one column per party; the work item takes the rest."""
    number, clause = 560, 1560
    party = max(900, min(1250, (TEXT_WIDTH - number - clause - 3000) // max(party_columns, 1)))
    work = max(3000, TEXT_WIDTH - number - clause - party * party_columns)
    return [number, work, clause, *[party] * party_columns]


# =============================================================================
# Package settings
# =============================================================================


def declare_font(doc) -> None:
    """Declare 宋体 as a GB2312 font, so Word substitutes a Chinese font where it is missing."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
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

def word_settings(doc) -> None:
    settings = doc.settings.element
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
