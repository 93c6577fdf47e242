"""--annotate: comments on the evidence and suggested clauses as tracked insertions."""

from __future__ import annotations

import copy
import hashlib
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from contractkit.annotate import AnnotationSummary, annotate_docx
from contractkit.annotate.textmap import isolate, locate, split_run, strip_label, visible_text
from contractkit.fileio import OutputExistsError
from contractkit.reading import read_document
from contractkit.results.model import DocumentReport, Evidence, Finding, Status

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
WHEN = datetime(2024, 6, 1, 8, 30, tzinfo=UTC)

CONTRARY_PASSAGE = "安全责任转移给第三方运维服务商承担"
PARTIAL_PASSAGE = "服务商应配合客户开展安全检查"
NUMBERED_TEXT = "双方应按责任矩阵划分安全责任与实施工作。"
SUPERVISION_SUGGESTION = (
    "甲方有权对乙方的安全实施工作进行监督检查，乙方应予以配合。\n"
    "1. 监督检查的方式包括文档审查、现场检查和技术检测。\n"
    "2. 发现问题的，乙方应在约定期限内整改。"
)
CONTINUITY_SUGGESTION = "乙方应向甲方提供业务连续性相关信息。\n1. 包括灾备方案与恢复时间目标。"


# ------------------------------------------------------------------ fixtures


def build_contract(path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("云服务安全责任协议", style="Title")  # w:p 0
    d.add_paragraph("本协议由甲方与乙方签订。")  # w:p 1
    p = d.add_paragraph()  # w:p 2: runs of different formatting across the passage
    p.add_run("乙方对平台安全负全部责任，")
    p.add_run("但甲方同意将其安全责任转移给").bold = True
    p.add_run("第三方运维服务商").italic = True
    p.add_run("承担，乙方不再负责。")
    d.add_paragraph(NUMBERED_TEXT, style="List Number")  # w:p 3, read as "1. 双方…"
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "监督检查"  # w:p 4
    table.cell(0, 1).text = "服务商应配合客户开展安全检查，检查频率由双方另行协商。"  # w:p 5
    d.add_paragraph("本协议一式两份，双方各执一份。")  # w:p 6
    d.save(path)


def block(path: Path, ordinal: int):
    """The reader's block for w:p ``ordinal`` (so evidence is exactly what the checker would quote)."""
    for b in read_document(path).blocks:
        if b.location.paragraph == ordinal:
            return b
    raise AssertionError(f"no block for paragraph {ordinal}")


def evidence(path: Path, ordinal: int, quote: str | None = None) -> Evidence:
    b = block(path, ordinal)
    quote = quote or b.text
    start = b.text.index(quote)
    return Evidence(text=quote, location=b.location, start=start, end=start + len(quote), context=b.text)


def make_report(path: Path) -> DocumentReport:
    findings = (
        Finding(
            requirement="5a1-no-responsibility-transfer", clause="5 a) 1)", summary="安全责任不随实施工作转移",
            strength="must", status=Status.CONTRARY,
            explanation="相反约定：合同约定安全责任转移给第三方。标准要求：安全责任不随实施工作转移",
            evidence=(evidence(path, 2, CONTRARY_PASSAGE),),
            suggestion="乙方的安全责任不因实施工作的委托而转移。",
            consequence="责任约定无效",
        ),
        Finding(
            requirement="5d-accept-supervision", clause="5 d)", summary="接受客户的监督检查",
            strength="should", status=Status.PARTIAL,
            explanation="部分满足：提到配合检查但未约定检查方式。标准要求：接受客户的监督检查",
            evidence=(evidence(path, 5, PARTIAL_PASSAGE),),
            suggestion="乙方应接受甲方的监督检查。\n1. 检查方式由双方书面约定。",
        ),
        Finding(
            requirement="5a3-division", clause="5 a) 3); 5 b) 2)", summary="划分安全责任与实施工作",
            strength="must", status=Status.SATISFIED, explanation="已约定：按责任矩阵划分。",
            evidence=(evidence(path, 3),),  # the whole block: "1. 双方应…" with the list label
        ),
        Finding(
            requirement="5a3-supervision", clause="5 a) 3)", summary="对实施工作进行监督",
            strength="must", status=Status.MISSING,
            explanation="合同中未找到对应约定（标准 5 a) 3)，应）：对实施工作进行监督",
            suggestion=SUPERVISION_SUGGESTION, consequence="无法确认实施质量",
        ),
        Finding(
            requirement="64b1-continuity-information", clause="6.4 b) 1)", summary="提供业务连续性信息",
            strength="should", status=Status.MISSING,
            explanation="合同中未找到对应约定（标准 6.4 b) 1)，宜）：提供业务连续性信息",
            suggestion=CONTINUITY_SUGGESTION,
        ),
    )
    return DocumentReport(path=path, status="ok", format="docx", findings=findings)


@pytest.fixture
def contract(tmp_path) -> Path:
    path = tmp_path / "合同.docx"
    build_contract(path)
    return path


@pytest.fixture
def annotated(contract, tmp_path):
    before = hashlib.sha256(contract.read_bytes()).hexdigest()
    out = tmp_path / "合同.annotated.docx"
    summary = annotate_docx(contract, make_report(contract), out, when=WHEN)
    assert hashlib.sha256(contract.read_bytes()).hexdigest() == before, "the original was modified"
    return out, summary


# ------------------------------------------------------------------ reading the result


def parts(path: Path) -> tuple[etree._Element, etree._Element]:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml")), etree.fromstring(z.read("word/comments.xml"))


def comment_texts(comments_root) -> dict[str, str]:
    return {
        c.get(f"{{{W}}}id"): "\n".join("".join(p.itertext()) for p in c.iterfind("w:p", NS))
        for c in comments_root.iterfind("w:comment", NS)
    }


def ranged_text(document_root, comment_id: str) -> str:
    """Visible text of the runs between a comment's range start and end, in document order."""
    inside, parts_ = False, []
    for el in document_root.iter():
        tag = etree.QName(el).localname if isinstance(el.tag, str) else ""
        if tag == "commentRangeStart" and el.get(f"{{{W}}}id") == comment_id:
            inside = True
        elif tag == "commentRangeEnd" and el.get(f"{{{W}}}id") == comment_id:
            return "".join(parts_)
        elif inside and tag == "t":
            parts_.append(el.text or "")
        elif inside and tag == "p" and parts_:
            parts_.append("\n")
    raise AssertionError(f"comment {comment_id} has no range end")


def comment_for(comments_root, needle: str) -> str:
    found = [cid for cid, text in comment_texts(comments_root).items() if needle in text]
    assert len(found) == 1, f"{needle!r}: {found}"
    return found[0]


# ------------------------------------------------------------------ tests


def test_summary_and_file_opens(annotated):
    out, summary = annotated
    assert isinstance(summary, AnnotationSummary)
    assert summary.comments == 4  # contrary + partial + two inserted clauses; satisfied: none
    assert summary.insertions == 2
    assert summary.unanchored == [] and summary.approximate == []
    document = docx.Document(out)  # opens
    assert len(list(document.comments)) == 4
    assert {c.author for c in document.comments} == {"contractkit"}


def test_comment_texts(annotated):
    out, _ = annotated
    _, comments = parts(out)
    texts = comment_texts(comments)
    assert len(texts) == 4
    contrary = texts[comment_for(comments, "5a1-no-responsibility-transfer")]
    assert "【相反约定】" in contrary and "T/CCIA 004-2024 5 a) 1)" in contrary
    assert "强度：应" in contrary and "相反约定：合同约定安全责任转移给第三方" in contrary
    # the requirement in words, its id in brackets after it (not the bare id: lawyers read these)
    assert "要求：安全责任不随实施工作转移（5a1-no-responsibility-transfer）；" in contrary
    assert "要求：5a1" not in contrary
    assert "建议条款" in contrary and "乙方的安全责任不因实施工作的委托而转移。" in contrary
    partial = texts[comment_for(comments, "5d-accept-supervision")]
    assert "【部分满足】" in partial and "强度：宜" in partial and "1. 检查方式由双方书面约定。" in partial
    missing = texts[comment_for(comments, "5a3-supervision")]
    assert "【缺失】" in missing and "5 a) 3)" in missing and "后果：无法确认实施质量" in missing
    assert not any("5a3-division" in t for t in texts.values()), "satisfied findings get no comment by default"
    for c in comments.iterfind("w:comment", NS):
        assert c.get(f"{{{W}}}date") == "2024-06-01T08:30:00Z"


def test_comment_ranges_enclose_exactly_the_passages(annotated):
    out, _ = annotated
    document, comments = parts(out)
    assert ranged_text(document, comment_for(comments, "5a1-no-responsibility-transfer")) == CONTRARY_PASSAGE
    assert ranged_text(document, comment_for(comments, "5d-accept-supervision")) == PARTIAL_PASSAGE
    # the comment on an inserted clause covers the whole inserted suggestion
    inserted = ranged_text(document, comment_for(comments, "5a3-supervision"))
    assert inserted == SUPERVISION_SUGGESTION
    # the partial passage is inside the table cell
    start = document.find(f".//w:commentRangeStart[@w:id='{comment_for(comments, '5d-accept-supervision')}']", NS)
    assert start.getparent().getparent().tag == f"{{{W}}}tc"


def test_split_runs_keep_their_formatting(annotated):
    out, _ = annotated
    p = docx.Document(out).paragraphs[2]
    assert p.text == "乙方对平台安全负全部责任，但甲方同意将其安全责任转移给第三方运维服务商承担，乙方不再负责。"
    runs = [(r.text, bool(r.bold), bool(r.italic)) for r in p.runs if r.text]
    assert runs == [
        ("乙方对平台安全负全部责任，", False, False),
        ("但甲方同意将其", True, False),
        ("安全责任转移给", True, False),
        ("第三方运维服务商", False, True),
        ("承担", False, False),
        ("，乙方不再负责。", False, False),
    ]


def test_suggestions_are_tracked_insertions(annotated):
    out, _ = annotated
    document, _ = parts(out)
    body = document.find("w:body", NS)
    inserted = [p for p in body.iter(f"{{{W}}}p") if p.find("w:pPr/w:rPr/w:ins", NS) is not None]
    texts = ["".join(p.itertext()) for p in inserted]
    assert texts == [
        *SUPERVISION_SUGGESTION.split("\n"),
        "补充条款（依 T/CCIA 004-2024 建议增加）",
        *CONTINUITY_SUGGESTION.split("\n"),
    ]
    for p in inserted:
        mark = p.find("w:pPr/w:rPr/w:ins", NS)
        assert mark.get(f"{{{W}}}author") == "contractkit" and mark.get(f"{{{W}}}date") == "2024-06-01T08:30:00Z"
        runs = p.findall(".//w:r", NS)
        assert runs and all(r.getparent().tag == f"{{{W}}}ins" for r in runs), "every run is inside w:ins"
        for ins in p.findall("w:ins", NS):
            assert ins.get(f"{{{W}}}author") == "contractkit" and ins.get(f"{{{W}}}date")
        assert p.find("w:pPr/w:numPr", NS) is None, "an inserted clause must not renumber the contract"
        # nothing in the paragraph escapes the insertion, so rejecting it removes the paragraph cleanly
        assert [etree.QName(c).localname for c in p] in (["pPr", "ins"],)
    # related suggestion: right after the table holding the supervision clause (same article)
    children = list(body)
    table = body.find("w:tbl", NS)
    after_table = children[children.index(table) + 1]
    assert "".join(after_table.itertext()) == SUPERVISION_SUGGESTION.split("\n")[0]
    # unrelated suggestion: at the end of the body, after the supplement heading, before w:sectPr
    assert children[-1].tag == f"{{{W}}}sectPr"
    assert "".join(children[-2].itertext()) == CONTINUITY_SUGGESTION.split("\n")[-1]
    heading = inserted[3]
    assert heading.find(".//w:r/w:rPr/w:b", NS) is not None


def test_rejecting_the_insertions_gives_back_the_original_text(annotated, contract):
    """What Word's Reject All does to our changes: drop inserted runs and inserted paragraph marks."""
    out, _ = annotated
    rejected = out.with_name("rejected.docx")
    document = docx.Document(out)
    body = document.element.body
    for p in list(body.iter(qn("w:p"))):
        if p.find("w:pPr/w:rPr/w:ins", NS) is not None:
            p.getparent().remove(p)  # every run of it is inserted too (checked above)
    document.save(rejected)
    assert [b.text for b in read_document(rejected).blocks] == [b.text for b in read_document(contract).blocks]


def test_comment_styles_exist(annotated):
    out, _ = annotated
    styles = docx.Document(out).styles.element
    names = {s.get(qn("w:styleId")): s.find(qn("w:name")).get(qn("w:val")) for s in styles.iter(qn("w:style"))}
    assert names.get("CommentText") == "annotation text"
    assert names.get("CommentReference") == "annotation reference"


def test_ids_are_unique(annotated):
    out, _ = annotated
    document, comments = parts(out)
    revision_ids = [el.get(f"{{{W}}}id") for el in document.iter(f"{{{W}}}ins", f"{{{W}}}del")]
    comment_ids = [c.get(f"{{{W}}}id") for c in comments.iterfind("w:comment", NS)]
    assert len(revision_ids) == len(set(revision_ids)) == 2 * 6  # 6 paragraphs, each runs + mark
    assert len(comment_ids) == len(set(comment_ids))
    assert not set(revision_ids) & set(comment_ids)
    for cid in comment_ids:  # every comment is anchored once
        for marker in ("commentRangeStart", "commentRangeEnd", "commentReference"):
            assert len(document.findall(f".//w:{marker}[@w:id='{cid}']", NS)) == 1


def test_reader_sees_inserted_text_and_original_paragraphs_keep_their_ordinals(annotated, contract):
    out, _ = annotated
    before = {b.location.paragraph: b.text for b in read_document(contract).blocks}
    after = [b.text for b in read_document(out).blocks]
    assert SUPERVISION_SUGGESTION.split("\n")[0] in after
    # the first original paragraphs (before any insertion) read the same
    for ordinal in range(6):
        assert block(out, ordinal).text == before[ordinal]


def test_refuses_to_overwrite_without_force(annotated, contract):
    out, _ = annotated
    first = out.read_bytes()
    with pytest.raises(OutputExistsError):
        annotate_docx(contract, make_report(contract), out)
    assert out.read_bytes() == first
    annotate_docx(contract, make_report(contract), out, force=True, when=WHEN)
    docx.Document(out)


def test_non_docx_is_refused(tmp_path, contract):
    text = tmp_path / "合同.txt"
    text.write_text("甲方与乙方签订本协议。", encoding="utf-8")
    report = DocumentReport(path=text, status="ok", format="txt")
    with pytest.raises(ValueError, match="合同.txt"):
        annotate_docx(text, report, tmp_path / "out.docx")
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"%PDF-1.7 not a word file")
    with pytest.raises(ValueError, match="fake.docx"):
        annotate_docx(fake, DocumentReport(path=fake, status="ok"), tmp_path / "out2.docx")
    assert not (tmp_path / "out.docx").exists() and not (tmp_path / "out2.docx").exists()
    with pytest.raises(ValueError, match="original"):
        annotate_docx(contract, make_report(contract), contract, force=True)


def test_comment_satisfied_and_label_prefixed_evidence(contract, tmp_path):
    out = tmp_path / "all.docx"
    summary = annotate_docx(contract, make_report(contract), out, comment_satisfied=True, when=WHEN)
    assert summary.comments == 5 and summary.approximate == []
    document, comments = parts(out)
    cid = comment_for(comments, "5a3-division")
    assert comment_texts(comments)[cid].startswith("【已满足】")
    # evidence "1. 双方应…" (reader's list label prepended) anchors on the paragraph's own text
    assert ranged_text(document, cid) == NUMBERED_TEXT


def test_unfound_passage_falls_back_to_the_paragraph(contract, tmp_path):
    b = block(contract, 1)
    finding = Finding(
        requirement="5a2-not-all-work", clause="5 a) 2)", summary="不得全部委托", strength="must",
        status=Status.CONTRARY, explanation="相反约定",
        evidence=(Evidence(text="这段话不在合同里", location=b.location, context=b.text),
                  Evidence(text="x", location=type(b.location)("paragraph", 999))),
    )
    report = DocumentReport(path=contract, status="ok", format="docx", findings=(finding,))
    out = tmp_path / "fallback.docx"
    summary = annotate_docx(contract, report, out, when=WHEN)
    assert summary.comments == 1
    assert len(summary.approximate) == 1 and "whole paragraph" in summary.approximate[0].reason
    assert len(summary.unanchored) == 1 and "999" in summary.unanchored[0].reason
    document, comments = parts(out)
    assert ranged_text(document, comment_for(comments, "5a2-not-all-work")) == "本协议由甲方与乙方签订。"


def test_two_findings_on_one_passage_and_a_docx_named_doc(contract, tmp_path):
    """Overlapping comments each cover their passage; a .docx saved as .doc is annotated (content decides)."""
    named_doc = tmp_path / "合同.doc"
    shutil.copy(contract, named_doc)
    first = Finding(requirement="5a1-no-responsibility-transfer", clause="5 a) 1)", summary="s", strength="must",
                    status=Status.CONTRARY, explanation="相反约定一",
                    evidence=(evidence(contract, 2, CONTRARY_PASSAGE),))
    inner = evidence(contract, 2, "第三方运维服务商")
    second = Finding(requirement="5a2-not-all-work", clause="5 a) 2)", summary="s", strength="must",
                     status=Status.PARTIAL, explanation="部分满足二", evidence=(inner, copy.copy(inner)))
    report = DocumentReport(path=named_doc, status="ok", format="docx", findings=(first, second))
    out = tmp_path / "overlap.docx"
    summary = annotate_docx(named_doc, report, out, when=WHEN)
    assert summary.comments == 2  # the duplicated evidence of the second finding is commented once
    document, comments = parts(out)
    assert ranged_text(document, comment_for(comments, "相反约定一")) == CONTRARY_PASSAGE
    assert ranged_text(document, comment_for(comments, "部分满足二")) == "第三方运维服务商"


def test_missing_without_suggestion_is_reported(contract, tmp_path):
    finding = Finding(requirement="5a3-supervision", clause="5 a) 3)", summary="监督", strength="must",
                      status=Status.MISSING, explanation="缺失")
    report = DocumentReport(path=contract, status="ok", format="docx", findings=(finding,))
    summary = annotate_docx(contract, report, tmp_path / "none.docx", when=WHEN)
    assert summary.insertions == 0 and summary.comments == 0
    assert "no suggested clause" in summary.unanchored[0].reason


def test_existing_revision_and_comment_ids_are_avoided(tmp_path):
    path = tmp_path / "tracked.docx"
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("甲方应当").bold = True
    p.add_run("监督乙方的实施工作。")
    ins = etree.SubElement(p._p, qn("w:ins"),
                           {qn("w:id"): "0", qn("w:author"): "律师", qn("w:date"): "2024-01-01T00:00:00Z"})
    run = etree.SubElement(ins, qn("w:r"))
    etree.SubElement(run, qn("w:t")).text = "（已修订）"
    d.add_comment(p.runs[0], text="原有批注", author="律师")
    d.save(path)
    finding = Finding(
        requirement="5a3-supervision", clause="5 a) 3)", summary="监督", strength="must",
        status=Status.PARTIAL, explanation="部分满足", suggestion="甲方有权监督。",
        evidence=(evidence(path, 0, "应当监督乙方"),),
    )
    missing = Finding(requirement="5d-accept-supervision", clause="5 d)", summary="接受监督", strength="should",
                      status=Status.MISSING, explanation="缺失", suggestion="乙方应接受监督检查。")
    out = tmp_path / "tracked.annotated.docx"
    annotate_docx(path, DocumentReport(path=path, status="ok", format="docx", findings=(finding, missing)), out)
    document, comments = parts(out)
    revision_ids = [el.get(f"{{{W}}}id") for el in document.iter(f"{{{W}}}ins", f"{{{W}}}del")]
    comment_ids = [c.get(f"{{{W}}}id") for c in comments.iterfind("w:comment", NS)]
    assert len(comment_ids) == 3
    # the original has w:ins id 0 and comment id 0 (its own business); every id we add is new and unique
    ours = [i for i in revision_ids + comment_ids if i != "0"]
    assert len(ours) == 2 + 2 and len(set(ours)) == len(ours)  # 2 comments, 1 paragraph × (runs + mark)
    assert ranged_text(document, comment_for(comments, "5a3-supervision")) == "应当监督乙方"
    # the suggestion went right after the related paragraph (same article: supervision)
    body = document.find("w:body", NS)
    assert "".join(body[1].itertext()) == "乙方应接受监督检查。"


def test_suggestion_goes_after_the_enclosing_clause_of_typed_labels(tmp_path):
    path = tmp_path / "typed.docx"
    d = docx.Document()
    d.add_paragraph("第四条 安装调试与验收", style="Heading 1")
    d.add_paragraph("4.1 供方负责设备的安装调试。")
    d.add_paragraph("4.2 需方有权对供方的实施工作进行检查。")  # w:p 2: the related evidence
    d.add_paragraph("")
    d.add_paragraph("4.3 验收不合格的，供方应重新提交验收。")  # w:p 4: end of the clause
    d.add_paragraph("第五条 付款方式", style="Heading 1")
    d.add_paragraph("5.1 合同生效后10日内支付预付款。")
    d.save(path)
    related = Finding(requirement="5d-accept-supervision", clause="5 d)", summary="s", strength="should",
                      status=Status.PARTIAL, explanation="部分满足",
                      evidence=(evidence(path, 2, "需方有权对供方的实施工作进行检查"),))
    missing = Finding(requirement="5a3-supervision", clause="5 a) 3)", summary="s", strength="must",
                      status=Status.MISSING, explanation="缺失", suggestion="需方有权监督供方的实施工作。")
    out = tmp_path / "typed.annotated.docx"
    annotate_docx(path, DocumentReport(path=path, status="ok", format="docx", findings=(related, missing)), out)
    texts = [visible_text(p) for p in docx.Document(out).element.body.iter(qn("w:p"))]
    assert texts.index("需方有权监督供方的实施工作。") == texts.index("4.3 验收不合格的，供方应重新提交验收。") + 1


def test_typed_labels():
    from contractkit.annotate.revisions import typed_label

    assert typed_label("第四条 安装") == (0, "")
    assert typed_label("4.2 供方") == (1, "4.")
    assert typed_label("（一）甲方") == (1, "")
    assert typed_label("1. 乙方") == (2, "")
    assert typed_label("1.5倍于") is None and typed_label("普通文本") is None


# ------------------------------------------------------------------ the text map


def _paragraph(xml_runs: str):
    return etree.fromstring(f'<w:p xmlns:w="{W}">{xml_runs}</w:p>')


def test_visible_text_skips_deleted_and_hidden_runs():
    p = _paragraph(
        "<w:r><w:t>甲方</w:t></w:r>"
        "<w:del w:id='1' w:author='a'><w:r><w:delText>不</w:delText></w:r></w:del>"
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>"
        "<w:ins w:id='2' w:author='a'><w:r><w:t>应</w:t><w:tab/><w:t>监督</w:t></w:r></w:ins>"
    )
    assert visible_text(p) == "甲方应\t监督"


def test_split_run_inside_text_and_at_a_tab():
    p = _paragraph("<w:r><w:rPr><w:b/></w:rPr><w:t>甲方应</w:t><w:tab/><w:t>监督乙方</w:t></w:r>")
    runs = isolate(p, 2, 6)
    assert [visible_text(_paragraph(etree.tostring(r, encoding="unicode"))) for r in runs] == ["应\t监督"]
    assert visible_text(p) == "甲方应\t监督乙方"
    assert all(r.find(f"{{{W}}}rPr/{{{W}}}b") is not None for r in p.iter(f"{{{W}}}r"))
    second = split_run(p[0], 1)
    assert visible_text(p) == "甲方应\t监督乙方" and second.getprevious() is p[0]


def test_locate_strips_labels_and_prefers_the_expected_occurrence():
    assert strip_label("第十二条 数据安全") == "数据安全"
    assert strip_label("（三）乙方应") == "乙方应"
    assert strip_label("1.2 乙方应") == "乙方应"
    m = locate("数据安全：乙方应保护数据。", "第十二条\t数据安全：乙方应保护数据。")
    assert (m.start, m.end, m.exact) == (0, 13, True)
    m = locate("乙方应保护数据，乙方应保护数据。", "乙方应保护数据", expected=8)
    assert m.start == 8
    m = locate("甲方应当监督\n乙方实施工作", "甲方应当监督 乙方的实施工作")
    assert m is not None and not m.exact and m.start == 0
    assert locate("完全无关", "第一条 乙方应保护数据") is None
