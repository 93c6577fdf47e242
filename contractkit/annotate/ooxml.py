"""Small WordprocessingML helpers shared by the annotator's modules."""

from __future__ import annotations

from datetime import UTC, datetime

from docx.oxml.ns import qn
from lxml import etree

W_P = qn("w:p")
W_R = qn("w:r")
W_T = qn("w:t")
W_TAB = qn("w:tab")
W_BR = qn("w:br")
W_CR = qn("w:cr")
W_NBH = qn("w:noBreakHyphen")
W_RPR = qn("w:rPr")
W_PPR = qn("w:pPr")
W_INS = qn("w:ins")
W_DEL = qn("w:del")
W_MOVE_FROM = qn("w:moveFrom")
W_VANISH = qn("w:vanish")
W_ID = qn("w:id")
W_VAL = qn("w:val")
W_BODY = qn("w:body")
W_SECT_PR = qn("w:sectPr")
W_NUM_PR = qn("w:numPr")
W_NUM_ID = qn("w:numId")
W_ILVL = qn("w:ilvl")
W_PSTYLE = qn("w:pStyle")
W_COMMENT_START = qn("w:commentRangeStart")
W_COMMENT_END = qn("w:commentRangeEnd")
W_COMMENT_REF = qn("w:commentReference")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

OFF_VALUES = ("0", "false", "off", "none")


def w3c_date(when: datetime) -> str:
    """``2024-05-01T08:30:00Z``: the form Word writes in w:date."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def owner_paragraph(el):
    """The nearest w:p ancestor of ``el`` (text boxes nest paragraphs in paragraphs)."""
    node = el.getparent()
    while node is not None and node.tag != W_P:
        node = node.getparent()
    return node


def body_level(el, body):
    """The ancestor of ``el`` (or ``el`` itself) that is a direct child of ``body``."""
    node = el
    while node is not None and node.getparent() is not body:
        node = node.getparent()
    return node


def direct_numbering(p) -> tuple[str | None, int | None] | None:
    """(numId, ilvl) as the paragraph's own w:numPr gives them (either may be None); None without w:numPr."""
    ppr = p.find(W_PPR)
    num_pr = ppr.find(W_NUM_PR) if ppr is not None else None
    if num_pr is None:
        return None
    num_id = num_pr.find(W_NUM_ID)
    ilvl = num_pr.find(W_ILVL)
    try:
        level = int(ilvl.get(W_VAL)) if ilvl is not None else None
    except (TypeError, ValueError):
        level = None
    return (num_id.get(W_VAL) if num_id is not None else None), level


def style_of(p) -> str | None:
    ppr = p.find(W_PPR)
    style = ppr.find(W_PSTYLE) if ppr is not None else None
    return style.get(W_VAL) if style is not None else None


class IdRegistry:
    """Annotation ids (w:id of comments, w:ins, w:del, bookmarks …) in use in the package.

    New tracked changes take fresh ids above every id seen anywhere, and a
    comment whose id (chosen by python-docx among comments only) collides with
    any other annotation is renumbered, so every id stays unique document-wide.
    """

    def __init__(self, package) -> None:
        self.used: set[int] = set()
        for part in package.iter_parts():
            root = getattr(part, "element", None)
            if root is None:
                content_type = getattr(part, "content_type", "") or ""
                if not content_type.endswith("+xml"):
                    continue
                try:
                    root = etree.fromstring(
                        part.blob, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
                    )
                except (etree.LxmlError, ValueError):
                    continue
            self.scan(root)

    def scan(self, root) -> None:
        for el in root.iter():
            value = el.get(W_ID) if isinstance(el.tag, str) else None
            if value is not None:
                try:
                    self.used.add(int(value))
                except ValueError:
                    pass

    def fresh(self) -> int:
        value = max(self.used, default=-1) + 1
        self.used.add(value)
        return value

    def claim_comment(self, comment_elm, body) -> int:
        """Record a new comment's id; renumber it (and its markers) if another annotation has it."""
        old = int(comment_elm.get(W_ID))
        if old not in self.used:
            self.used.add(old)
            return old
        new = self.fresh()
        comment_elm.set(W_ID, str(new))
        for marker in body.iter(W_COMMENT_START, W_COMMENT_END, W_COMMENT_REF):
            if marker.get(W_ID) == str(old):
                marker.set(W_ID, str(new))
        return new
