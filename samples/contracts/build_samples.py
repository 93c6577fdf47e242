"""Build the sample contracts in this folder from their sources in ``src/``.

Each ``src/<name>.txt`` holds one paragraph per line. Lines starting with ``|``
are table rows (``|cell|cell|...``; the first row of a block is the header).
Six contracts become Word documents; two stay as plain text / Markdown::

    python samples/contracts/build_samples.py

The output is deterministic: fixed core properties, fixed zip timestamps, so
re-running the script on unchanged sources gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
FIXED_TIME = dt.datetime(2025, 1, 1, 9, 0, 0)
ZIP_TIME = (2025, 1, 1, 9, 0, 0)

ZH_NUM = "零一二三四五六七八九"


def zh_to_int(text: str) -> int:
    """一 … 九十九 (enough for article and item numbers)."""
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (ZH_NUM.index(tens) if tens else 1) * 10 + (ZH_NUM.index(ones) if ones else 0)
    return ZH_NUM.index(text)


ARTICLE = re.compile(r"^第([一二三四五六七八九十]+)条[\s\u3000]*(.*)$")
ITEM = re.compile(r"^（([一二三四五六七八九十]+)）(.*)$")


@dataclass(frozen=True)
class Spec:
    name: str
    output: str                 # "docx", "md" or "txt"
    numbering: bool = False     # real Word list numbering for 第X条 / （X）
    subtitle_lines: int = 0     # lines after the title set centred
    font: str = "宋体"


SPECS = [
    Spec("om-platform-maintenance", "docx", numbering=True),
    Spec("software-license-support", "docx", font="仿宋"),
    Spec("hardware-server-supply", "docx"),
    Spec("security-pentest-soc", "docx", subtitle_lines=1, font="微软雅黑"),
    Spec("gov-cloud-service", "docx", numbering=True, font="仿宋"),
    Spec("om-security-combined", "docx", numbering=True),
    Spec("saas-click-through", "md"),
    Spec("it-outsourcing-generic", "txt"),
]

# Paragraphs the Markdown version shows in bold (the click-through's
# "加粗提示" clauses), matched by their opening words.
MD_BOLD_PREFIXES = ("重要提示", "1. 用户理解并同意", "1. 在法律允许的最大范围内", "2. 如云帆违反本协议")


def read_lines(name: str) -> list[str]:
    text = (SRC / f"{name}.txt").read_text(encoding="utf-8")
    return [line.rstrip() for line in text.splitlines() if line.strip()]


# --------------------------------------------------------------------- Word


def _set_run_font(run, font: str, size: float | None = None, bold: bool | None = None) -> None:
    run.font.name = "Times New Roman"
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), font)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def _setup_styles(doc, font: str) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), font)
    pf = normal.paragraph_format
    pf.space_after = Pt(3)
    pf.line_spacing = 1.25


ABSTRACT_NUM_ID = 90
NUM_ID = 90


def _add_legal_numbering(doc) -> None:
    """One multilevel list: 第%1条 (chineseCounting), （%2） (chineseCounting), %3."""
    numbering = doc.part.numbering_part.element
    levels = [
        ("chineseCounting", "第%1条", "space", 0, 0, True),
        ("chineseCounting", "（%2）", "nothing", 0, 480, False),
        ("decimal", "%3.", "space", 0, 480, False),
    ]
    for ilvl in range(3, 9):
        levels.append(("decimal", "%" + str(ilvl + 1) + ".", "space", 0, 480, False))
    lvl_xml = []
    for ilvl, (fmt, text, suff, left, first, bold) in enumerate(levels):
        rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
        lvl_xml.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:suff w:val="{suff}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:firstLine="{first}"/></w:pPr>{rpr}</w:lvl>'
        )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{ABSTRACT_NUM_ID}">'
        f'<w:multiLevelType w:val="multilevel"/>{"".join(lvl_xml)}</w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{NUM_ID}"><w:abstractNumId w:val="{ABSTRACT_NUM_ID}"/></w:num>'
    ))


def _number(paragraph, ilvl: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert(0, parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{NUM_ID}"/></w:numPr>'
    ))


def _add_table(doc, rows: list[list[str]], font: str) -> None:
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, cells in enumerate(rows):
        for c in range(width):
            para = table.cell(r, c).paragraphs[0]
            run = para.add_run(cells[c] if c < len(cells) else "")
            _set_run_font(run, font, size=10.5, bold=True if r == 0 else None)
            if r == 0:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER


def build_docx(spec: Spec, lines: list[str]) -> bytes:
    doc = Document()
    _setup_styles(doc, spec.font)
    if spec.numbering:
        _add_legal_numbering(doc)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_run_font(title.add_run(lines[0]), "黑体", size=18, bold=True)
    for sub in lines[1:1 + spec.subtitle_lines]:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_run_font(p.add_run(sub), "黑体", size=14, bold=True)

    article_no = 0
    item_no = 0
    table_rows: list[list[str]] = []
    body = lines[1 + spec.subtitle_lines:]
    last_article = max(i for i, line in enumerate(body) if ARTICLE.match(line))
    signature_start = next(
        (i for i, line in enumerate(body) if i > last_article and ("盖章" in line or line == "（以下无正文）")),
        len(body),
    )
    for index, line in enumerate(body):
        if line.startswith("|"):
            table_rows.append(line[1:].split("|"))
            if index + 1 == len(body) or not body[index + 1].startswith("|"):
                _add_table(doc, table_rows, spec.font)
                table_rows = []
            continue
        article = ARTICLE.match(line)
        item = ITEM.match(line) if article_no else None
        p = doc.add_paragraph()
        if article:
            article_no += 1
            item_no = 0
            if zh_to_int(article.group(1)) != article_no:
                raise ValueError(f"{spec.name}: article {article.group(1)} out of sequence")
            p.paragraph_format.space_before = Pt(9)
            p.paragraph_format.keep_with_next = True
            if spec.numbering:
                _number(p, 0)
                _set_run_font(p.add_run(article.group(2)), "黑体", bold=True)
            else:
                _set_run_font(p.add_run(line), "黑体", bold=True)
        elif item and spec.numbering:
            item_no += 1
            if zh_to_int(item.group(1)) != item_no:
                raise ValueError(f"{spec.name}: item （{item.group(1)}） out of sequence in article {article_no}")
            _number(p, 1)
            _set_run_font(p.add_run(item.group(2)), spec.font)
        else:
            if line in ("鉴于：", "（以下无正文）"):
                _set_run_font(p.add_run(line), spec.font, bold=True)
                if line == "（以下无正文）":
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            else:
                _set_run_font(p.add_run(line), spec.font)
            if article_no and index < signature_start:
                p.paragraph_format.first_line_indent = Pt(24)
            elif index >= signature_start and line != "（以下无正文）":
                p.paragraph_format.space_before = Pt(6) if "盖章" in line else None

    props = doc.core_properties
    props.title = lines[0]
    props.subject = ""
    props.author = ""
    props.keywords = ""
    props.comments = ""
    props.category = ""
    props.last_modified_by = ""
    props.revision = 1
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME

    raw = io.BytesIO()
    doc.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps so the bytes are stable."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# ----------------------------------------------------------- Markdown / text


def build_markdown(lines: list[str]) -> str:
    out = [f"# {lines[0]}", ""]
    for line in lines[1:]:
        article = ARTICLE.match(line)
        if article:
            out += [f"## {line}", ""]
        elif line.startswith(MD_BOLD_PREFIXES):
            out += [f"**{line}**", ""]
        else:
            out += [line, ""]
    return "\n".join(out).rstrip("\n") + "\n"


def build_text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def main() -> None:
    for spec in SPECS:
        lines = read_lines(spec.name)
        target = HERE / f"{spec.name}.{spec.output}"
        if spec.output == "docx":
            target.write_bytes(build_docx(spec, lines))
        elif spec.output == "md":
            target.write_text(build_markdown(lines), encoding="utf-8")
        else:
            target.write_text(build_text(lines), encoding="utf-8")
        print(f"wrote {target.relative_to(HERE)}")


if __name__ == "__main__":
    main()
