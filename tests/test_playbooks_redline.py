"""Redlines from a playbook: real tracked changes a lawyer can send back, and what accepting them gives.

The accept-all round trip runs over every sample contract: the .docx ones as they are, the .txt and .md
ones as a .docx of their paragraphs (python-docx). Accepting is done by our own code on the XML
(``contractkit.annotate.redline.accept_all``: w:ins kept, w:del removed), then the copy is re-read and
checked with the same playbook: no position may then deviate, be beyond walk-away or be missing.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from contractkit.annotate import annotate_docx
from contractkit.annotate.redline import accept_all
from contractkit.playbooks import load_playbook

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples" / "contracts"
PLAYBOOKS = REPO / "samples" / "playbooks"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@cache
def checker(playbook: str, roles: tuple = ()):
    from contractkit.checking.checker import Checker, CheckSettings

    return Checker(CheckSettings(roles=dict(roles), playbook=load_playbook(PLAYBOOKS / f"{playbook}.yaml")),
                   engine=_engine())


@cache
def _engine():
    from contractkit.checking.understanding.nlp import make_engine

    return make_engine()


def _as_docx(path: Path, folder: Path) -> Path:
    """A .txt or .md sample as a .docx of its paragraphs (table rows as lines)."""
    import docx

    document = docx.Document()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            document.add_paragraph(line.strip().lstrip("#").strip())
    target = folder / f"{path.stem}.docx"
    document.save(target)
    return target


def _samples() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in (".docx", ".txt", ".md")
                  and p.with_name(f"{p.stem}.expected.yaml").exists())


def _document_xml(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def _redline(source: Path, playbook: str, folder: Path, roles: tuple = ()):
    report = checker(playbook, roles).check_path(source)
    destination = folder / f"{source.stem}.{playbook}.docx"
    summary = annotate_docx(source, report, destination, force=True)
    return report, summary, destination


@pytest.mark.parametrize("playbook", ["strict-provider", "balanced"])
@pytest.mark.parametrize("sample", _samples(), ids=lambda p: p.name)
def test_accepting_every_change_gives_a_contract_the_playbook_finds_compliant(sample, playbook, tmp_path):
    source = sample if sample.suffix == ".docx" else _as_docx(sample, tmp_path)
    roles: tuple = ()
    report, summary, redlined = _redline(source, playbook, tmp_path, roles)
    before = [p for p in report.positions if p.is_problem]
    assert not summary.unanchored, summary.unanchored
    accepted = tmp_path / f"{sample.stem}.accepted.docx"
    accepted.write_bytes(accept_all(redlined.read_bytes()))
    # The same parties in the same roles (the standard's own inserted clauses may otherwise suggest more work).
    same = tuple((party.label, tuple(party.roles)) for party in report.parties if party.roles)
    again = checker(playbook, same).check_path(accepted)
    assert again.status == "ok" and again.pairs == report.pairs
    assert {p.position for p in again.positions} == {p.position for p in report.positions}
    left = [(p.position, p.status, p.value) for p in again.positions if p.is_problem]
    assert left == [], f"{len(before)} problems before, still: {left}"
    root = _document_xml(accepted.read_bytes())
    assert root.find(f".//{W}ins") is None and root.find(f".//{W}del") is None


def test_a_deviating_number_is_replaced_in_place_in_the_contracts_numerals(tmp_path):
    import docx

    document = docx.Document()
    for line in ("云平台运维服务合同", "甲方：华云数智科技有限公司", "乙方：恒安信息技术服务有限公司",
                 "甲方委托乙方为其云平台提供运维服务，特订立本合同。",
                 "乙方发现或者知悉安全事件的，应在十二小时内报告甲方。",
                 "乙方发现漏洞的，应在24小时内通知甲方。"):
        document.add_paragraph(line)
    source = tmp_path / "合同.docx"
    document.save(source)
    report, summary, redlined = _redline(source, "strict-provider", tmp_path,
                                         (("甲方", ("provider",)), ("乙方", ("om",))))
    positions = {p.position: p for p in report.positions}
    assert positions["incident-report-hours"].status == "deviates"
    root = _document_xml(redlined.read_bytes())
    paragraphs = root.findall(f".//{W}body/{W}p")
    incident = next(p for p in paragraphs if "安全事件的，应在" in "".join(p.itertext()))
    deleted = ["".join(d.itertext()) for d in incident.iter(f"{W}del")]
    inserted = ["".join(i.itertext()) for i in incident.iter(f"{W}ins")]
    assert deleted == ["十二"] and inserted == ["两"]  # the number alone, in Chinese numerals, in its sentence
    assert incident.find(f".//{W}delText") is not None and incident.find(f".//{W}del/{W}r/{W}t") is None
    notice = next(p for p in paragraphs if "漏洞的，应在" in "".join(p.itertext()))
    assert ["".join(d.itertext()) for d in notice.iter(f"{W}del")] == ["24"]
    assert ["".join(i.itertext()) for i in notice.iter(f"{W}ins")] == ["2"]
    assert summary.replacements == 2
    for p in (incident, notice):  # a comment on each change, anchored on the inserted value
        assert p.find(f".//{W}ins/{W}commentRangeStart") is not None or p.find(f".//{W}commentRangeStart") is not None
    with zipfile.ZipFile(redlined) as package:
        comments = package.read("word/comments.xml").decode("utf-8")
    assert "【本所立场·偏离】安全事件报告时限" in comments and "标准依据：T/CCIA 004-2024 6.5 b)" in comments
    assert "修订：将“十二小时内”中的数值改为“两”" in comments
    assert "可退让条款：" in comments


def test_a_walk_away_clause_is_struck_out_and_replaced_in_the_same_place(tmp_path):
    report, summary, redlined = _redline(SAMPLES / "security-pentest-soc.docx", "strict-provider", tmp_path)
    root = _document_xml(redlined.read_bytes())
    paragraphs = root.findall(f".//{W}body/{W}p")
    cap = next(p for p in paragraphs if "10%为限" in "".join(t.text or "" for t in p.iter(f"{W}delText")))
    deleted = "".join(t.text or "" for t in cap.iter(f"{W}delText"))
    inserted = "".join("".join(i.itertext()) for i in cap.iter(f"{W}ins"))
    assert deleted == "乙方违反本合同约定的，应承担违约责任，但赔偿总额以本合同总价款的10%为限。"
    assert inserted.startswith("乙方的累计赔偿责任以本合同总价款的100%为限")
    children = [c.tag for c in cap if c.tag in (f"{W}del", f"{W}ins")]
    assert children.index(f"{W}ins") > children.index(f"{W}del")  # the new text follows the old, in place
    subcontract = next(p for p in paragraphs
                       if "无需另行征得甲方同意" in "".join(t.text or "" for t in p.iter(f"{W}delText")))
    assert "乙方不得将本合同项下的任何工作分包" in "".join("".join(i.itertext()) for i in subcontract.iter(f"{W}ins"))
    assert summary.replacements >= 3


def test_a_missing_item_is_inserted_where_it_belongs(tmp_path):
    report, summary, redlined = _redline(SAMPLES / "security-pentest-soc.docx", "strict-provider", tmp_path)
    root = _document_xml(redlined.read_bytes())
    body = [p for p in root.find(f"{W}body") if p.tag == f"{W}p"]
    texts = ["".join(p.itertext()) for p in body]
    uncapped = next(i for i, t in enumerate(texts) if t.startswith("因乙方原因发生安全事件或者数据泄露的"))
    # right after the clause on the liability cap (the position's place_after), not at the end
    assert "为限" in texts[uncapped - 1] and uncapped < len(texts) - 10
    assert body[uncapped].find(f"{W}pPr/{W}rPr/{W}ins") is not None  # the whole paragraph is a tracked insertion
    with zipfile.ZipFile(redlined) as package:
        comments = package.read("word/comments.xml").decode("utf-8")
    assert "【本所立场·未约定】安全事件和数据泄露不设赔偿上限" in comments
    assert "补充本所建议条款（紧随相关约定之后）" in comments


def test_the_standards_suggestion_gives_way_to_the_playbooks_clause(tmp_path):
    report, summary, redlined = _redline(SAMPLES / "software-license-support.docx", "strict-provider", tmp_path)
    inserting = {p.requirement for p in report.positions if p.action == "insert"}
    missing = {f.requirement for f in report.findings if f.status.value == "missing"}
    assert inserting & missing  # the same item would otherwise be inserted twice
    text = "".join(_document_xml(redlined.read_bytes()).itertext())
    for position in report.positions:
        if position.action == "insert":
            assert text.count(position.proposal.splitlines()[0][:20]) == 1


def test_accept_all_keeps_insertions_and_drops_deletions():
    xml = (f'<w:document xmlns:w="{W[1:-1]}"><w:body><w:p><w:r><w:t>应在</w:t></w:r>'
           '<w:del w:id="1" w:author="a"><w:r><w:delText>24</w:delText></w:r></w:del>'
           '<w:ins w:id="2" w:author="a"><w:r><w:t>2</w:t></w:r></w:ins><w:r><w:t>小时内</w:t></w:r></w:p>'
           '<w:p><w:pPr><w:rPr><w:ins w:id="3" w:author="a"/></w:rPr></w:pPr>'
           '<w:ins w:id="4" w:author="a"><w:r><w:t>新条款</w:t></w:r></w:ins></w:p></w:body></w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", xml)
    root = _document_xml(accept_all(buffer.getvalue()))
    assert ["".join(p.itertext()) for p in root.iter(f"{W}p")] == ["应在2小时内", "新条款"]
    assert root.find(f".//{W}ins") is None and root.find(f".//{W}del") is None
