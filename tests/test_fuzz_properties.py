"""Properties of the reader and the checker under random and hostile input (Hypothesis).

* Random Word documents (paragraphs, runs hidden or bold, tracked insertions,
  deletions and moves, tabs and breaks, list numbering, headings by style and
  outline level, tables nested in tables, empty cells, text boxes) with random
  Unicode text are rendered to real .docx bytes; the reader must give back
  exactly what a reader of the document sees, in order and at the right place.
* Random contracts — party blocks with random labels and names, clauses built
  from fragments of real contract language, Unicode noise — are checked as
  .docx, as text in several encodings and as plain blocks: checking never
  raises, and every report keeps its invariants (evidence quotes its block at
  the stated offsets, counts add up, the JSON validates against the schema).
* Reading and checking are deterministic.
* Damaged real files (samples/contracts/*.docx with flipped bytes, truncation,
  members replaced or dropped…) give a ReadError with a documented code or a
  report — never another exception, never the ``crashed`` catch-all.

Example counts keep the file under a minute on two cores; set
CONTRACTKIT_FUZZ_EXAMPLES=5000 (for instance) to run every property longer.
In CI (``CI`` set) the examples are derandomised, so a run is repeatable.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

from contractkit.checking.checker import Checker, CheckSettings
from contractkit.formatters.json_formatter import report_schema
from contractkit.reading import ERROR_ADVICE, ReadError, SourceDocument, read_document
from contractkit.reading.numbering import format_number
from contractkit.results.model import CheckRun, DocumentReport, Status

from fuzz_support import REPO, fuzz_settings, mutated, sample_docx_files, seed_files
from reading_fixtures import (
    document_xml,
    docx_bytes,
    numbering_xml,
    para,
    run,
    styles_xml,
)
from support import _engine
from support import checker as shared_checker_for

jsonschema = pytest.importorskip("jsonschema")

VALIDATOR = jsonschema.Draft202012Validator(report_schema())
ROLE_IDS = ("customer", "provider", "software", "hardware", "om", "security")


# ================================================================== fixtures


@pytest.fixture(scope="module")
def checker():
    """One checker for the module: the language pipeline loads once (~2 s)."""
    shared = shared_checker_for()
    shared.engine.warm_up()
    return shared


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def read_or_error(path: Path) -> SourceDocument | ReadError:
    """Read ``path``; a ReadError is returned (and checked), anything else propagates."""
    try:
        return read_document(path)
    except ReadError as err:
        assert err.code in ERROR_ADVICE, err.code
        assert err.code != "crashed", f"the reader's catch-all fired: {err.detail}"
        assert err.path == path and path.name in str(err)
        return err


# ================================================================== a known bug
#
def check(call, *args) -> DocumentReport:
    """``call(*args)``: check_document or check_path."""
    return call(*args)


# ================================================================== text


def _xml_char_ok(ch: str) -> bool:
    o = ord(ch)
    return o in (0x9, 0xA, 0xD) or 0x20 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or o >= 0x10000


# Characters an XML 1.0 document can carry (no surrogates, no C0 controls but
# tab/LF/CR, no U+FFFE/U+FFFF); C1 controls are legal and included.
xml_chars = st.characters(exclude_categories=("Cs",), exclude_characters=(
    "".join(chr(c) for c in range(0x20) if c not in (0x9, 0xA, 0xD)) + "\ufffe\uffff"))
SPECIAL = ("\u200f", "\u200e", "\u202e", "\u202c", "\u200b", "\ufeff", "\u3000", "\u00a0", "\u2028", "\u0085",
           "\t", "\r", "\n", "\r\n", "，", "。", "；", "：", "（", "）", "“", "”", "、", "！", "？", "《", "》",
           "😀", "👨‍👩‍👧", "🈶", "\U0002a6a5", "𠀀", "﷽", "ا", "עברית", "&", "<", ">", "]]>", "\x7f", "\x9f")
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)

SOURCES = REPO / "samples" / "contracts" / "src"
REAL_SENTENCES = sorted({
    piece.strip()
    for path in SOURCES.glob("*.txt")
    for piece in re.split(r"(?<=[。；])|\n", path.read_text(encoding="utf-8"))
    if 4 <= len(piece.strip()) <= 120
})

PARTY_LABELS = ("甲方", "乙方", "丙方", "委托方", "受托方", "采购人", "供应商", "服务方", "用户", "客户", "许可方",
                "运营方", "承包方", "发包人", "集成商")
SUBJECTS_EXTRA = ("双方", "甲乙双方", "各方", "云服务提供者", "云服务客户", "运维服务提供者", "安全服务商", "任何一方")
MODALS = ("应", "应当", "须", "必须", "不得", "不应", "有权", "无权", "负责", "可以", "可", "不接受", "拒绝", "同意",
          "承担", "保证", "承诺", "不承担任何", "自行决定")
OBJECTS = (
    "安全责任", "网络安全责任", "监督检查", "接受甲方的监督检查", "配合审计", "提供云服务", "提供运维服务", "安全服务",
    "渗透测试", "漏洞扫描", "转包", "分包", "将本合同项下的工作转包给第三方", "转委托", "再委托", "违约责任",
    "承担违约责任并赔偿损失", "数据安全", "个人信息保护", "日志留存", "漏洞修复", "安全事件处置", "应急响应",
    "业务连续性", "服务等级", "关键信息基础设施", "多云统管", "背景审查", "安全管理机构", "供应链安全", "授权范围",
    "变更管理", "配合监管部门的检查", "实施工作", "全部安全工作", "责任矩阵", "分工", "整改", "解除合同",
)
TAILS = ("不超过{n}层", "不超过{n}个工作日", "{n}小时内", "不少于{n}个月", "在{n}日内通知{party}",
         "经{party}书面同意", "未经{party}同意", "由{party}负责", "不因此转移", "仍由{party}承担",
         "并接受{party}的监督", "的", "（见附件{n}）", "")
CN_NUMBERS = ("一", "二", "两", "三", "十", "十二", "二十", "一百零一", "贰", "0", "1", "2", "3", "10", "999999999999",
              "-1", "１２", "0.5", "½", "Ⅳ")
ENDS = ("。", "；", "！", ";", ".", "", "\n", "……", "。。", "；。")
LABELS = ("", "第{cn}条 ", "第{cn}条", "第 {n} 条　", "{n}.", "{n}. ", "{n}.{m} ", "（{cn}）", "{cn}、", "第{cn}章 ",
          "附件{cn}：")


def noise(max_size: int = 12) -> st.SearchStrategy[str]:
    """Unicode that has no business in a contract, but turns up in them."""
    return st.one_of(
        st.text(xml_chars, max_size=max_size),
        st.lists(st.sampled_from(SPECIAL), max_size=4).map("".join),
        st.text(CJK, min_size=1, max_size=max_size),
    )


NOISE = {n: noise(n) for n in (4, 8, 12, 16)}


@st.composite
def party_label(draw) -> str:
    return draw(st.one_of(
        st.sampled_from(PARTY_LABELS),
        st.text(CJK, min_size=1, max_size=3).map(lambda s: s + "方"),
    ))


@st.composite
def organisation(draw) -> str:
    stem = draw(st.one_of(st.text(CJK, min_size=1, max_size=6),
                          st.sampled_from(["华云数智", "恒安", "XX云", "星河", "博远信息"])))
    region = draw(st.sampled_from(["", "北京", "杭州", "（杭州）", "上海市"]))
    suffix = draw(st.sampled_from(["云科技有限公司", "信息技术有限公司", "运维服务有限公司", "网络安全股份有限公司",
                                   "大数据发展中心", "集团", "研究院", "科技", ""]))
    return region + stem + suffix + draw(st.sampled_from(["", "", draw(NOISE[4])]))


# What 以下简称“…” may define: usually a short name, sometimes anything at all (regular-expression
# metacharacters, spaces, emoji) -- the checker builds patterns from these.
ALIASES = st.one_of(
    st.text(CJK, min_size=1, max_size=4),
    st.text(xml_chars.filter(lambda ch: ch not in "“”\"'‘’「」『』\r\n"), min_size=1, max_size=6),
    st.sampled_from([".*", "(", "[甲]", "\\", "a|b", "+", "我们", "您", "本公司", " "]),
)


@dataclass
class Contract:
    labels: list[str]
    lines: list[str]


@st.composite
def contracts(draw, max_clauses: int = 14) -> Contract:
    """A party block with random labels and names, then clauses from fragments of real contract language."""
    labels = draw(st.lists(party_label(), min_size=1, max_size=3, unique=True))
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["云服务安全责任协议", "运维服务合同", "技术服务协议", ""])) + draw(NOISE[4]))
    aliases = []
    for label in labels:
        name = draw(organisation())
        form = draw(st.integers(0, 5))
        colon = draw(st.sampled_from(["：", ":", "： ", "：\u3000"]))
        if form == 0:
            lines.append(f"{label}{colon}{name}")
        elif form == 1:
            other = draw(st.sampled_from(PARTY_LABELS))
            lines.append(f"{label}（{other}）{colon}{name}")
        elif form == 2:
            alias = draw(ALIASES)
            aliases.append(alias)
            lines.append(f"{label}{colon}{name}（以下简称“{alias}”）")
        elif form == 3:
            alias = draw(ALIASES)
            aliases.append(alias)
            lines.append(f"{name}（以下简称“{alias}”）")
        elif form == 4:
            lines.append(f"{draw(st.sampled_from(PARTY_LABELS))}（{label}）{colon}{name}")
        else:
            lines.append(f"{label}{colon}")
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["地址：", "法定代表人：", "联系人："])) + draw(NOISE[8]))
    subjects = st.sampled_from(labels + aliases + list(SUBJECTS_EXTRA) + list(PARTY_LABELS[:3]))
    number = st.sampled_from(CN_NUMBERS)

    @st.composite
    def clause(draw) -> str:
        if REAL_SENTENCES and draw(st.integers(0, 3)) == 0:
            text = draw(st.sampled_from(REAL_SENTENCES))
            if draw(st.booleans()):  # the real sentence, with our parties in it
                text = text.replace("甲方", draw(subjects)).replace("乙方", draw(subjects))
        else:
            parts = []
            for _ in range(draw(st.integers(1, 3))):
                tail = draw(st.sampled_from(TAILS)).format(n=draw(number), party=draw(subjects))
                parts.append(draw(subjects) + draw(st.sampled_from(MODALS)) + draw(st.sampled_from(OBJECTS)) + tail)
            text = draw(st.sampled_from(["，", "，并", "；", ",", "、", ""])).join(parts)
        label = draw(st.sampled_from(LABELS)).format(cn=draw(number), n=draw(st.integers(0, 120)),
                                                     m=draw(st.integers(0, 30)))
        text = label + text + draw(st.sampled_from(ENDS))
        if draw(st.integers(0, 3)) == 0:  # Unicode noise somewhere in the clause
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(NOISE[12]) + text[at:]
        return text

    lines.extend(draw(st.lists(clause(), max_size=max_clauses)))
    return Contract(labels, lines)


# ================================================================== a model of a Word document


@dataclass
class Run:
    kind: str
    text: str = ""


@dataclass
class Para:
    runs: list[Run]
    style: str | None = None
    outline: int | None = None
    num: tuple[str, int] | None = None
    textbox: list[Para] | None = None  # paragraphs of a text box anchored after the runs
    textbox_at: int = 0


@dataclass
class Table:
    rows: list[list[list]]  # rows -> cells -> items (Para | Table), each cell ending with a Para


@dataclass
class Model:
    body: list
    numbering: bool = True
    styles: bool = True


# Run kinds and what a reader of the document sees of them.
VISIBLE = {"text", "bold", "vanish-off", "ins", "moveTo", "multi"}
INVISIBLE = {"hidden", "del", "del-t", "moveFrom", "hidden-ins"}
FIXED = {"tab": "\t", "br": "\n", "cr": "\n", "nbh": "-"}

# style id -> (name, pPr, heading?, (numId, ilvl) from the style)
STYLES = {
    "Heading1": ("heading 1", "", True, None),
    "Title": ("Title", "", True, None),
    "BodyText": ("Body Text", '<w:outlineLvl w:val="2"/>', True, None),
    "Normal": ("Normal", "", False, None),
    "BodyOutline9": ("Body 9", '<w:outlineLvl w:val="9"/>', False, None),
    "ListArticle": ("List Article", '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>', False, ("1", 0)),
    "标题2": ("标题 2", "", True, None),
}
# abstractNumId -> levels (numFmt, lvlText, start); numId -> abstractNumId
ABSTRACTS = {
    1: [("chineseCounting", "第%1条", 1), ("chineseCounting", "（%2）", 1), ("decimal", "%3.", 1)],
    2: [("decimal", "%1.", 1), ("decimal", "%1.%2", 1)],
    3: [("bullet", "\uf0b7", 1), ("upperRoman", "%2)", 3)],
}
NUMS = {"1": 1, "2": 2, "3": 3, "4": 1}  # 4 shares abstract 1 (and so its counters) with 1
NUMBERING = numbering_xml(ABSTRACTS, {int(k): (v, {}) for k, v in NUMS.items()})
STYLES_XML = styles_xml([(sid, name, ppr) for sid, (name, ppr, _, _) in STYLES.items()])


def run_xml(r: Run) -> str:
    from xml.sax.saxutils import escape

    t = f'<w:t xml:space="preserve">{escape(r.text)}</w:t>'
    if r.kind == "text":
        return run(r.text)
    if r.kind == "bold":
        return run(r.text, bold=True)
    if r.kind == "hidden":
        return run(r.text, hidden=True)
    if r.kind == "vanish-off":
        return f'<w:r><w:rPr><w:vanish w:val="0"/></w:rPr>{t}</w:r>'
    if r.kind == "ins":
        return f'<w:ins w:id="1" w:author="甲">{run(r.text)}</w:ins>'
    if r.kind == "hidden-ins":
        return f'<w:ins w:id="1" w:author="甲">{run(r.text, hidden=True)}</w:ins>'
    if r.kind == "del":
        return (f'<w:del w:id="2" w:author="乙"><w:r><w:delText xml:space="preserve">{escape(r.text)}'
                "</w:delText></w:r></w:del>")
    if r.kind == "del-t":  # some writers leave w:t inside a deletion
        return f'<w:del w:id="3" w:author="乙">{run(r.text)}</w:del>'
    if r.kind == "moveFrom":
        return f'<w:moveFrom w:id="4" w:author="乙">{run(r.text)}</w:moveFrom>'
    if r.kind == "moveTo":
        return f'<w:moveTo w:id="5" w:author="乙">{run(r.text)}</w:moveTo>'
    if r.kind == "multi":  # several w:t in one run
        half = len(r.text) // 2
        return (f'<w:r><w:t xml:space="preserve">{escape(r.text[:half])}</w:t>'
                f'<w:t xml:space="preserve">{escape(r.text[half:])}</w:t></w:r>')
    return {"tab": "<w:r><w:tab/></w:r>", "br": "<w:r><w:br/></w:r>", "cr": "<w:r><w:cr/></w:r>",
            "nbh": "<w:r><w:noBreakHyphen/></w:r>"}[r.kind]


def seen_text(r: Run) -> str:
    """What a reader sees of a run; XML turns CR and CRLF in text into LF."""
    if r.kind in FIXED:
        return FIXED[r.kind]
    if r.kind in INVISIBLE:
        return ""
    if r.kind == "multi":
        half = len(r.text) // 2
        return _eol(r.text[:half]) + _eol(r.text[half:])
    return _eol(r.text)


def _eol(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class Expected:
    text: str
    paragraph: int
    cell: tuple[int, int, int] | None
    heading: bool


@dataclass
class _Renderer:
    model: Model
    ordinal: int = -1
    tables: int = -1
    counters: dict = field(default_factory=dict)
    expected: list[Expected] = field(default_factory=list)
    pending: list = field(default_factory=list)  # (Expected-to-be, parts) in document order

    def render(self) -> bytes:
        body = "".join(self.item(item, None, top=True) for item in self.model.body)
        for exp, parts, label in self.pending:
            text = "".join(parts).strip()
            if label:
                text = f"{label} {text}" if text else label
            if text:
                exp.text = text
                self.expected.append(exp)
        return document_xml(body)

    def item(self, item, cell, top=False) -> str:
        if isinstance(item, Para):
            return self.paragraph(item, cell)
        if top:
            self.tables += 1
        out = ["<w:tbl><w:tblPr/>"]
        for r, row in enumerate(item.rows):
            out.append("<w:tr>")
            for c, items in enumerate(row):
                where = cell if cell is not None else (self.tables, r, c)
                out.append("<w:tc><w:tcPr/>" + "".join(self.item(i, where) for i in items) + "</w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    def paragraph(self, p: Para, cell, *, fallback: bool = False) -> str:
        self.ordinal += 1
        parts: list[str] = []
        if not fallback:
            style = STYLES.get(p.style) if p.style else None
            if p.style and not self.model.styles:
                style = None
            heading = bool(style and style[2]) or (p.outline is not None and 0 <= p.outline <= 8)
            num = p.num if p.num is not None else (style[3] if style else None)
            label = self.label(num)
            self.pending.append((Expected("", self.ordinal, cell, heading), parts, label))
        runs = [run_xml(r) for r in p.runs]
        if p.textbox is not None:
            # The text box's paragraphs come after their anchor paragraph; mc:Fallback repeats them.
            choice = "".join(self.paragraph(q, cell, fallback=fallback) for q in p.textbox)
            copy = "".join(self.paragraph(q, cell, fallback=True) for q in p.textbox)
            runs.insert(min(p.textbox_at, len(runs)),
                        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
                        f"{choice}</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>"
                        f"<w:txbxContent>{copy}</w:txbxContent></v:textbox></w:pict></mc:Fallback>"
                        "</mc:AlternateContent></w:r>")
        parts.extend(seen_text(r) for r in p.runs)
        return para("".join(runs), raw=True, style=p.style, num=(int(p.num[0]), p.num[1]) if p.num else None,
                    outline=p.outline)

    def label(self, num) -> str | None:
        """Word's list number for the paragraph, counted like Word (see reading/numbering.py)."""
        if num is None or not self.model.numbering or num[0] not in NUMS:
            return None
        abstract, ilvl = NUMS[num[0]], num[1]
        levels = ABSTRACTS[abstract]
        if ilvl >= len(levels):
            return None
        counters = self.counters.setdefault(abstract, [None] * 9)
        counters[ilvl] = levels[ilvl][2] if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        fmt, text, _ = levels[ilvl]
        if fmt == "bullet":
            return None

        def number(match):
            k = int(match.group(1)) - 1
            value = counters[k] if k <= ilvl and counters[k] is not None else levels[k][2]
            return format_number(value, levels[k][0])

        return re.sub(r"%([1-9])", number, text).strip() or None


def render(model: Model) -> tuple[bytes, list[Expected]]:
    renderer = _Renderer(model)
    document = renderer.render()
    data = docx_bytes(document, numbering=NUMBERING if model.numbering else None,
                      styles=STYLES_XML if model.styles else None)
    return data, renderer.expected


run_text = st.one_of(NOISE[16], st.sampled_from(REAL_SENTENCES or ["乙方应接受甲方的监督检查。"]), st.just(""))
RUN_KINDS = sorted(VISIBLE | INVISIBLE | set(FIXED))
plain_paragraphs = st.builds(
    Para,
    runs=st.lists(st.builds(Run, kind=st.sampled_from(RUN_KINDS), text=run_text), max_size=5),
    style=st.none() | st.sampled_from(sorted(STYLES) + ["Missing"]),
    outline=st.none() | st.integers(-1, 10),
    num=st.none() | st.tuples(st.sampled_from(["0", "1", "2", "3", "4", "9"]), st.integers(0, 3)),
)


@st.composite
def paragraphs(draw) -> Para:
    """A paragraph; now and then with a text box holding paragraphs of its own."""
    p = draw(plain_paragraphs)
    if draw(st.integers(0, 7)) == 0:
        p.textbox = draw(st.lists(plain_paragraphs, min_size=1, max_size=2))
        p.textbox_at = draw(st.integers(0, 5))
    return p


def tables(items: st.SearchStrategy) -> st.SearchStrategy[Table]:
    cell = st.tuples(st.lists(items, max_size=1), paragraphs()).map(lambda t: [*t[0], t[1]])
    return st.builds(Table, rows=st.lists(st.lists(cell, min_size=1, max_size=3), min_size=1, max_size=2))


body_items = st.recursive(paragraphs(), lambda inner: tables(inner), max_leaves=6)
models = st.builds(Model, body=st.lists(body_items, min_size=1, max_size=8), numbering=st.booleans(),
                   styles=st.booleans())


# ================================================================== report invariants


def assert_report_invariants(report: DocumentReport, source: SourceDocument) -> None:
    # Roles that cannot be determined (random text, one party) judge nothing and say why; a role
    # given for a label the contract never uses, while it has other parties, is the user's error.
    if report.status == "error":
        assert report.error.code == "unknown-party" and report.error.message
        return
    assert report.status in ("ok", "roles-unknown") and report.error is None
    if report.status == "roles-unknown":
        assert not report.pairs and not report.findings and report.notes
    assert report.format == source.format
    blocks = {block.location: block for block in source.blocks}
    assert len(blocks) == len(source.blocks), "two blocks share a location"
    ids = [f.requirement for f in report.findings]
    assert len(ids) == len(set(ids)), f"a requirement is reported twice: {ids}"
    for finding in report.findings:
        assert isinstance(finding.status, Status)
        assert finding.strength in ("must", "should", "may")
        assert finding.explanation
        if finding.status is Status.SATISFIED:
            assert finding.suggestion is None and finding.consequence is None
        for evidence in finding.evidence:
            block = blocks.get(evidence.location)
            assert block is not None, f"evidence at {evidence.location} is at no block"
            assert evidence.context == block.text
            assert 0 <= evidence.start < evidence.end <= len(evidence.context)
            assert evidence.context[evidence.start:evidence.end] == evidence.text
            assert evidence.text.strip() == evidence.text
            for start, end in evidence.highlights:
                assert 0 <= start < end <= len(evidence.text), (start, end, evidence.text)
    counts = report.counts()
    assert sum(counts.values()) == len(report.findings)
    assert counts == {status.value: 0 for status in Status} | Counter(f.status.value for f in report.findings)
    assert set(report.must_problems) <= set(report.findings)
    for party in report.parties:
        assert set(party.roles) <= set(ROLE_IDS)
    for pair in report.pairs:
        assert pair.split("-")[0] in ROLE_IDS and pair.split("-")[1] in ROLE_IDS

    document = report.as_dict()
    text = json.dumps(CheckRun((report,)).as_dict(), ensure_ascii=False, allow_nan=False)  # no default=str
    loaded = json.loads(text)
    VALIDATOR.validate(loaded)
    assert loaded["documents"][0] == document
    assert DocumentReport.from_dict(document).as_dict() == document


def comparable(report: DocumentReport) -> dict:
    data = report.as_dict()
    data.pop("seconds", None)
    return data


# ================================================================== reading random .docx


@fuzz_settings(150)
@given(model=models)
def test_random_docx_reads_as_a_reader_sees_it(workdir, model):
    data, expected = render(model)
    path = write(workdir, "random.docx", data)
    result = read_or_error(path)
    note(f"expected: {expected}")
    if not expected:
        assert isinstance(result, ReadError) and result.code == "no-text", result
        return
    assert isinstance(result, SourceDocument), result
    got = [(b.text, b.location.paragraph,
            (b.location.table, b.location.row, b.location.cell) if b.location.kind == "table-cell" else None,
            b.heading) for b in result.blocks]
    assert got == [(e.text, e.paragraph, e.cell, e.heading) for e in expected]
    for block in result.blocks:
        assert block.text and block.text == block.text.strip()
        assert (block.location.kind == "table-cell") == (block.location.table is not None)
        assert block.location.describe()
    # the same bytes read again (parsed styles and numbering now come from the cache) read the same
    assert read_document(path) == result


# ================================================================== numbering definitions from strangers

NUM_FORMATS = ("decimal", "decimalZero", "upperLetter", "lowerLetter", "upperRoman", "lowerRoman", "chineseCounting",
               "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital", "decimalEnclosedCircle",
               "decimalEnclosedParen", "decimalEnclosedFullstop", "decimalFullWidth", "ideographTraditional",
               "ideographZodiac", "ordinal", "bullet", "none", "cardinalText", "", "unknownFormat")
huge_numbers = st.one_of(st.integers(-100, 100), st.integers(-(10 ** 12), 10 ** 12),
                         st.integers(1, 4000).map(lambda digits: 10 ** digits - 1)).map(str)
attribute_values = st.one_of(huge_numbers, st.sampled_from(["", "abc", "1e5", "١٢", "１２", " 3 ", "-0", "0x10"]))
level_texts = st.one_of(
    st.lists(st.sampled_from([f"%{k}" for k in range(1, 10)] + ["第", "条", ".", "（", "）", "%", "%0", "%%1"]),
             max_size=12).map("".join),
    st.tuples(st.sampled_from(["%1", "%2.", "%1%9"]), st.integers(1, 3000)).map(lambda t: t[0] * t[1]),
    NOISE[8],
)


@st.composite
def numbering_parts(draw) -> bytes:
    """numbering.xml with random levels: huge or unparsable start values, thousands of placeholders, overrides."""
    from xml.sax.saxutils import quoteattr

    def level(ilvl) -> str:
        parts = [f"<w:lvl w:ilvl={quoteattr(ilvl)}>"]
        if draw(st.booleans()):
            parts.append(f"<w:start w:val={quoteattr(draw(attribute_values))}/>")
        parts.append(f"<w:numFmt w:val={quoteattr(draw(st.sampled_from(NUM_FORMATS)))}/>")
        if draw(st.integers(0, 5)):
            parts.append(f"<w:lvlText w:val={quoteattr(_xml_safe(draw(level_texts)))}/>")
        for tag, values in (("lvlRestart", attribute_values), ("isLgl", st.sampled_from(["0", "1", "true", "off"])),
                            ("suff", st.sampled_from(["tab", "space", "nothing", "x"]))):
            if draw(st.integers(0, 3)) == 0:
                parts.append(f"<w:{tag} w:val={quoteattr(draw(values))}/>")
        return "".join(parts) + "</w:lvl>"

    ilvls = st.one_of(st.integers(0, 9).map(str), attribute_values)
    out = [('<?xml version="1.0" encoding="UTF-8"?><w:numbering '
            'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">')]
    for abstract in range(draw(st.integers(1, 3))):
        out.append(f'<w:abstractNum w:abstractNumId="{abstract}">')
        out.extend(level(draw(ilvls)) for _ in range(draw(st.integers(0, 4))))
        out.append("</w:abstractNum>")
    for num in range(1, draw(st.integers(1, 4)) + 1):
        out.append(f'<w:num w:numId="{num}"><w:abstractNumId w:val="{draw(st.integers(0, 3))}"/>')
        if draw(st.booleans()):
            out.append(f"<w:lvlOverride w:ilvl={quoteattr(draw(ilvls))}>"
                       f"<w:startOverride w:val={quoteattr(draw(attribute_values))}/>"
                       + (level(draw(ilvls)) if draw(st.booleans()) else "") + "</w:lvlOverride>")
        out.append("</w:num>")
    out.append("</w:numbering>")
    return "".join(out).encode("utf-8")


@fuzz_settings(60)
@given(numbering=numbering_parts(), numbered=st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 10), st.sampled_from(["", "正文", "乙方应接受甲方的监督检查。"])),
    min_size=1, max_size=8))
def test_hostile_numbering_gives_short_labels(workdir, numbering, numbered):
    from contractkit.reading.numbering import MAX_LABEL_CHARS

    body = "".join(para(text, num=(num, ilvl)) for num, ilvl, text in numbered)
    path = write(workdir, "numbering.docx", docx_bytes(document_xml(body), numbering=numbering))
    result = read_or_error(path)
    if isinstance(result, ReadError):
        assert result.code == "no-text", result
        return
    for block in result.blocks:  # a label, a space, the paragraph's own text
        assert len(block.text) <= MAX_LABEL_CHARS + 1 + len("乙方应接受甲方的监督检查。"), block.text[:300]


@pytest.mark.parametrize("fmt, text, start", [
    pytest.param("lowerLetter", "%1.", 20_000_000_000, id="letters"),  # 770 million letters: 2 GB, 14 s before
    pytest.param("decimal", "%1" * 20_000, 10 ** 4000 - 1, id="placeholders"),  # 20,000 × a 4,000-digit number
])
def test_numbering_label_bombs_are_cut_short(workdir, fmt, text, start):
    from contractkit.reading.numbering import MAX_LABEL_CHARS

    numbering = numbering_xml(abstracts={1: [(fmt, text, start)]}, nums={1: (1, {})})
    path = write(workdir, "label-bomb.docx", docx_bytes(document_xml(para("正文", num=(1, 0))), numbering=numbering))
    (block,) = read_document(path).blocks
    assert block.text.endswith(" 正文") and len(block.text) <= MAX_LABEL_CHARS + 3


# ================================================================== checking random contracts


def contract_docx(draw, contract: Contract) -> bytes:
    """The contract's lines as a Word document: runs split at random, invisible runs mixed in, some lines in a table."""
    body = []
    cells: list[str] = []
    for line in contract.lines:
        cuts = sorted(draw(st.lists(st.integers(0, len(line)), max_size=3)))
        pieces = [line[a:b] for a, b in zip([0, *cuts], [*cuts, len(line)], strict=True)]
        kinds = draw(st.lists(st.sampled_from(["text", "bold", "ins", "moveTo", "multi"]),
                              min_size=len(pieces), max_size=len(pieces)))
        runs_ = [Run(k, _xml_safe(p)) for k, p in zip(kinds, pieces, strict=True)]
        if draw(st.integers(0, 4)) == 0:
            hidden = Run(draw(st.sampled_from(sorted(INVISIBLE))),
                         draw(st.sampled_from(["乙方不接受任何审计。", "无需同意即可转包", "隐藏"])))
            runs_.insert(draw(st.integers(0, len(runs_))), hidden)
        xml = para("".join(run_xml(r) for r in runs_), raw=True,
                   style=draw(st.none() | st.sampled_from(sorted(STYLES))),
                   num=draw(st.none() | st.sampled_from([(1, 0), (1, 1), (2, 0), (4, 0)])))
        if draw(st.integers(0, 5)) == 0:
            cells.append(xml)
            continue
        if cells:
            body.append("<w:tbl>" + "".join(f"<w:tr><w:tc>{c}</w:tc></w:tr>" for c in cells) + "</w:tbl>")
            cells = []
        body.append(xml)
    if cells:
        body.append("<w:tbl><w:tr>" + "".join(f"<w:tc>{c}</w:tc>" for c in cells) + "</w:tr></w:tbl>")
    return docx_bytes(document_xml("".join(body) or para("")), numbering=NUMBERING, styles=STYLES_XML)


def _xml_safe(text: str) -> str:
    return "".join(ch for ch in text if _xml_char_ok(ch))


CHECK_SETTINGS = st.sampled_from([
    CheckSettings(),
    CheckSettings(options=frozenset({"cii"})),
    CheckSettings(options=frozenset({"multi-cloud", "cii"}), suggestions=False),
])


@fuzz_settings(60)
@given(data=st.data())
def test_random_contract_docx_checks_cleanly(workdir, checker, data):
    contract = data.draw(contracts())
    package = contract_docx(data.draw, contract)
    path = write(workdir, "contract.docx", package)
    result = read_or_error(path)
    if isinstance(result, ReadError):
        assert result.code == "no-text"
        assert not "".join(contract.lines).strip()
        report = check(checker.check_path, path)
        assert report.status == "error" and report.error.code == "no-text"
        VALIDATOR.validate(json.loads(json.dumps(CheckRun((report,)).as_dict(), ensure_ascii=False)))
        return
    report = check(checker.check_path, path)
    assert_report_invariants(report, result)


@fuzz_settings(150)
@given(contract=contracts(max_clauses=20), settings=CHECK_SETTINGS, given_roles=st.booleans(), data=st.data())
def test_random_contract_blocks_check_cleanly(checker, contract, settings, given_roles, data):
    """Straight to the checker (no reader): any characters but surrogates may be in a block."""
    lines = [line for line in contract.lines for line in line.split("\n")]
    if data.draw(st.booleans()):  # control characters and the like, which no XML could have carried
        lines = [line + data.draw(st.text(st.characters(exclude_categories=("Cs",)), max_size=6)) for line in lines]
    lines = [line.strip() for line in lines if line.strip()]
    assume(lines)
    from contractkit.reading.model import Location, TextBlock

    headings = data.draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    source = SourceDocument(Path("contract.txt"), "txt", tuple(
        TextBlock(line, Location("paragraph", i, line=i), heading=h)
        for i, (line, h) in enumerate(zip(lines, headings, strict=True))))
    if given_roles:
        roles = {label: tuple(data.draw(st.lists(st.sampled_from(ROLE_IDS), min_size=1, max_size=2)))
                 for label in contract.labels}
        settings = CheckSettings(roles=roles, options=settings.options, suggestions=settings.suggestions)
    this = Checker(settings, engine=_engine(), standard=checker.standard)
    report = check(this.check_document, source)
    assert_report_invariants(report, source)
    if given_roles and report.status != "error":
        assert any(p.source == "given" for p in report.parties)


@fuzz_settings(80)
@given(contract=contracts(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
       suffix=st.sampled_from([".txt", ".md"]), newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_random_contract_text_reads_and_checks_cleanly(workdir, checker, contract, encoding, suffix, newline):
    text = newline.join(contract.lines)
    path = write(workdir, "contract" + suffix, text.encode(encoding))
    result = read_or_error(path)
    if isinstance(result, ReadError):
        return
    if result.format == "txt" and encoding != "gb18030":
        # UTF-8 and UTF-16 decode exactly: one block per non-empty line, stripped
        if encoding == "utf-8" and text.startswith("\ufeff"):
            text = text[1:]
        lines = re.split(r"\r\n|\r|\n", text)
        assert [b.text for b in result.blocks] == [line.strip() for line in lines if line.strip()]
        assert [b.location.line for b in result.blocks] == [i for i, line in enumerate(lines) if line.strip()]
    if result.format in ("txt", "md"):
        assert [b.location.paragraph for b in result.blocks] == list(range(len(result.blocks)))
    assert_report_invariants(check(checker.check_document, result), result)


# ================================================================== determinism


@fuzz_settings(40)
@given(data=st.data())
def test_reading_and_checking_are_deterministic(workdir, checker, data):
    contract = data.draw(contracts())
    package = contract_docx(data.draw, contract)
    path = write(workdir, "twice.docx", package)
    first = read_or_error(path)
    second = read_or_error(path)
    assert type(first) is type(second)
    if isinstance(first, ReadError):
        assert (first.code, str(first)) == (second.code, str(second))
        return
    assert first == second
    once, again = check(checker.check_document, first), check(checker.check_document, second)
    assert comparable(once) == comparable(again)
    fresh = Checker(CheckSettings(), engine=_engine())  # a second checker on the same pipeline
    assert comparable(check(fresh.check_document, first)) == comparable(once)
    assert comparable(check(checker.check_path, path)) == comparable(once)


# ================================================================== damaged real files


SAMPLES = sample_docx_files()


@pytest.mark.skipif(not SAMPLES, reason="no sample contracts")
@fuzz_settings(120)
@given(data=mutated(SAMPLES or {"x": b"x"}))
def test_damaged_sample_contracts_give_a_read_error_or_a_report(workdir, checker, data):
    assume(data)
    path = write(workdir, "damaged.docx", data)
    result = read_or_error(path)
    if isinstance(result, SourceDocument):
        assert_report_invariants(check(checker.check_document, result), result)


@fuzz_settings(150)
@given(data=mutated(seed_files()))
def test_damaged_seed_files_give_a_read_error_or_a_report(workdir, checker, data):
    assume(data)
    path = write(workdir, "seed.docx", data)
    result = read_or_error(path)
    if isinstance(result, SourceDocument):
        assert_report_invariants(check(checker.check_document, result), result)


# ================================================================== the fuzz target, as CI runs it

FUZZ_TARGET = REPO / "fuzz" / "fuzz_docx_reader.py"


@pytest.fixture(scope="module")
def fuzz_target():
    if not FUZZ_TARGET.exists():
        pytest.skip("fuzz/ is not part of this tree")
    spec = importlib.util.spec_from_file_location("fuzz_docx_reader", FUZZ_TARGET)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@fuzz_settings(300)
@given(data=st.data())
def test_fuzz_target_accepts_what_hypothesis_generates(fuzz_target, data):
    fuzz_target.TestOneInput(data.draw(fuzz_target.inputs()))


# ================================================================== party names the generator would refuse

PARTY_BLOCK_TAIL = "乙方：恒安运维服务有限公司\n乙方负责云平台运维服务。\n"


@pytest.mark.parametrize("name, data", [
    pytest.param("control.txt", ("甲方：华云科技有限公司\x08\n" + PARTY_BLOCK_TAIL).encode("utf-8"),
                 id="control-character"),
    pytest.param("private-use.docx", docx_bytes(document_xml(
        para("甲方：华云科技有限公司\ue000") + para("乙方：恒安运维服务有限公司") + para("乙方负责云平台运维服务。"))),
        id="private-use-character"),
    pytest.param("long-name.txt", ("甲方：" + "华" * 120 + "有限公司\n" + PARTY_BLOCK_TAIL).encode("utf-8"),
                 id="long-name"),
])
def test_party_name_the_generator_refuses_does_not_break_the_check(workdir, checker, name, data):
    path = write(workdir, name, data)
    report = checker.check_path(path)
    assert_report_invariants(report, read_document(path))
