"""Tracked changes inside a paragraph: a passage struck out and new text put in its place.

Word marks a replacement typed with Track Changes on as a deletion followed by an insertion:

* the old runs are wrapped in ``<w:del w:id w:author w:date>`` and their text elements renamed
  (``w:t`` → ``w:delText``, ``w:instrText`` → ``w:delInstrText``), so Word and LibreOffice show
  them struck through and accepting the change removes them;
* the new text is a run (with the old text's character properties) in ``<w:ins …>`` right after.

``accept_all`` does what "Accept All Changes" does to the body's XML: deletions go, insertions stay
as ordinary text (used to prove that an accepted redline gives the contract the playbook wants).
"""

from __future__ import annotations

import copy
import io
import zipfile

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from .ooxml import W_DEL, W_INS, W_MOVE_FROM, W_P, W_PPR, W_R, W_RPR, XML_SPACE, IdRegistry
from .textmap import isolate, visible_text

W_DEL_TEXT = qn("w:delText")
W_T = qn("w:t")
W_INSTR = qn("w:instrText")
W_DEL_INSTR = qn("w:delInstrText")
W_MOVE_TO = qn("w:moveTo")
_CHANGE_MARKS = tuple(qn(f"w:{name}") for name in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
                                                   "trPrChange", "tcPrChange", "numberingChange"))


def _mark(tag: str, ids: IdRegistry, author: str, date: str):
    return OxmlElement(tag, attrs={qn("w:id"): str(ids.fresh()), qn("w:author"): author, qn("w:date"): date})


def tracked_replace(p, start: int, end: int, text: str, *, author: str, date: str, ids: IdRegistry):
    """Strike out [start, end) of ``p``'s visible text and insert ``text`` in its place (both tracked).

    Returns the inserted run (to anchor a comment on), or None when the range holds no text of the
    paragraph's own runs (nothing is changed then).
    """
    runs = isolate(p, start, end) if end > start else []
    if end > start and not runs:
        return None
    if any(_inside(run, W_INS, p) for run in runs):
        return None  # someone's tracked insertion: not ours to strike out
    last = None
    for run in runs:
        deletion = _mark("w:del", ids, author, date)
        run.addprevious(deletion)
        deletion.append(run)  # moves it
        for t in run.iter(W_T):
            t.tag = W_DEL_TEXT
        for t in run.iter(W_INSTR):
            t.tag = W_DEL_INSTR
        last = deletion
    if not text:
        return last
    insertion = _mark("w:ins", ids, author, date)
    run = OxmlElement("w:r")
    template = runs[-1] if runs else _run_before(p, start)
    rpr = template.find(W_RPR) if template is not None else None
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    t = OxmlElement("w:t")
    t.text = text
    t.set(XML_SPACE, "preserve")
    run.append(t)
    insertion.append(run)
    if last is not None:
        last.addnext(insertion)
    else:
        _insert_at(p, start, insertion)
    return run


def _inside(el, tag: str, stop) -> bool:
    node = el.getparent()
    while node is not None and node is not stop:
        if node.tag == tag:
            return True
        node = node.getparent()
    return False


def _run_before(p, offset: int):
    from .textmap import visible_runs

    before = [span.run for span in visible_runs(p) if span.start < offset]
    return before[-1] if before else None


def _insert_at(p, offset: int, element) -> None:
    """Put ``element`` at visible offset ``offset`` of ``p`` (splitting a run there if need be)."""
    from .textmap import split_run, visible_runs

    for span in visible_runs(p):
        if span.start < offset < span.end:
            split_run(span.run, offset - span.start)
            break
    after = [span.run for span in visible_runs(p) if span.start >= offset and span.end > span.start]
    if after:
        after[0].addprevious(element)
        return
    before = [span.run for span in visible_runs(p)]
    if before:
        before[-1].addnext(element)
    else:
        ppr = p.find(W_PPR)
        if ppr is not None:
            ppr.addnext(element)
        else:
            p.insert(0, element)


def text_of(p) -> str:
    return visible_text(p)


# ------------------------------------------------------------------ accepting every change
def accept_all_xml(root) -> None:
    """Accept every tracked change under ``root`` (a part's XML element), in place."""
    for tag in (W_DEL, W_MOVE_FROM):
        for el in list(root.iter(tag)):
            parent = el.getparent()
            if parent is None:
                continue
            if parent.tag == W_RPR:  # a deleted paragraph mark: the paragraph joins the next one
                p = parent.getparent().getparent()
                parent.remove(el)
                if p is not None and p.tag == W_P:
                    _join_with_next(p)
                continue
            parent.remove(el)
    for tag in (W_INS, W_MOVE_TO):
        for el in list(root.iter(tag)):
            parent = el.getparent()
            if parent is None:
                continue
            if parent.tag == W_RPR:  # an inserted paragraph mark: just the mark goes
                parent.remove(el)
                continue
            index = parent.index(el)
            for offset, child in enumerate(list(el)):
                parent.insert(index + offset, child)
            parent.remove(el)
    for tag in _CHANGE_MARKS:
        for el in list(root.iter(tag)):
            el.getparent().remove(el)


def _join_with_next(p) -> None:
    nxt = p.getnext()
    if nxt is None or nxt.tag != W_P:
        return
    for child in list(nxt):
        if child.tag != W_PPR:
            p.append(child)
    nxt.getparent().remove(nxt)


def accept_all(data: bytes) -> bytes:
    """A .docx with every tracked change of its body, headers, footers and notes accepted."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            name = info.filename
            if name.startswith("word/") and name.endswith(".xml") and any(
                    part in name for part in ("document", "header", "footer", "footnotes", "endnotes")):
                root = etree.fromstring(content, parser)
                accept_all_xml(root)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, content)
    return out.getvalue()


__all__ = ["W_R", "accept_all", "accept_all_xml", "tracked_replace"]
