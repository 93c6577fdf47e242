"""Word comments anchored on an exact character range of a paragraph.

python-docx 1.2 (``Document.add_comment(runs, text, author, initials)``) can
only anchor a comment on whole runs: it puts ``w:commentRangeStart`` before
the first run and ``w:commentRangeEnd`` plus a ``w:commentReference`` run
after the last. So the runs at the range's boundaries are split first (each
part keeps a copy of the run's ``w:rPr``), which makes the range cover
exactly the quoted passage.
"""

from __future__ import annotations

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.run import Run

from .ooxml import W_COMMENT_END, W_COMMENT_REF, W_PPR, W_VAL, IdRegistry
from .textmap import isolate, visible_runs

# python-docx writes these style ids; Word's built-in styles have these names (a
# Chinese Word names the ids differently, e.g. "a7", so styles are found by name).
_BUILTIN = {
    "paragraph": ("CommentText", "annotation text",
                  '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>', "Normal"),
    "character": ("CommentReference", "annotation reference",
                  '<w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>', "DefaultParagraphFont"),
}


class CommentStyles:
    """The document's comment text / comment reference styles, added when it has none."""

    def __init__(self, styles_element) -> None:
        self.ids = {kind: self._find_or_add(styles_element, kind) for kind in _BUILTIN}

    @staticmethod
    def _find_or_add(root, kind: str) -> str:
        default_id, name, rpr, based_on = _BUILTIN[kind]
        taken = set()
        for style in root.iter(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            taken.add(style_id)
            name_el = style.find(qn("w:name"))
            if (style.get(qn("w:type")) == kind and name_el is not None
                    and (name_el.get(W_VAL) or "").lower() == name):
                return style_id
        style_id = default_id if default_id not in taken else f"Contractkit{default_id}"
        based = f'<w:basedOn w:val="{based_on}"/>' if based_on in taken else ""
        root.append(parse_xml(
            f'<w:style {nsdecls("w")} w:type="{kind}" w:styleId="{style_id}"><w:name w:val="{name}"/>'
            f'{based}<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>{rpr}</w:style>'
        ))
        return style_id

    def apply(self, comment_elm, reference_run) -> None:
        """Point python-docx's hard-coded style ids at the document's own."""
        text_id, ref_id = self.ids["paragraph"], self.ids["character"]
        for el in comment_elm.iter(qn("w:pStyle")):
            if el.get(W_VAL) == "CommentText":
                el.set(W_VAL, text_id)
        for el in comment_elm.iter(qn("w:rStyle")):
            if el.get(W_VAL) == "CommentReference":
                el.set(W_VAL, ref_id)
        if reference_run is not None:
            for el in reference_run.iter(qn("w:rStyle")):
                if el.get(W_VAL) == "CommentReference":
                    el.set(W_VAL, ref_id)


def comment_on_range(document, p, start: int, end: int, text: str, *, author: str, initials: str,
                     date: str, ids: IdRegistry, styles: CommentStyles | None = None) -> int:
    """Comment on [start, end) of ``p``'s visible text; returns the comment id."""
    runs = isolate(p, start, end)
    if not runs:
        raise ValueError(f"no text between offsets {start} and {end}")
    return comment_on_runs(document, runs, text, author=author, initials=initials, date=date, ids=ids,
                           styles=styles)


def comment_on_paragraph(document, p, text: str, *, author: str, initials: str, date: str,
                         ids: IdRegistry, styles: CommentStyles | None = None) -> int:
    """Comment on all of ``p``'s visible text (or on an empty point in an empty paragraph)."""
    runs = [span.run for span in visible_runs(p) if span.end > span.start]
    if not runs:
        run = OxmlElement("w:r")
        ppr = p.find(W_PPR)
        if ppr is not None:
            ppr.addnext(run)
        else:
            p.insert(0, run)
        runs = [run]
    return comment_on_runs(document, runs, text, author=author, initials=initials, date=date, ids=ids,
                           styles=styles)


def comment_on_runs(document, runs: list, text: str, *, author: str, initials: str, date: str,
                    ids: IdRegistry, styles: CommentStyles | None = None) -> int:
    """Comment from the first to the last of ``runs`` (w:r elements)."""
    first, last = Run(runs[0], None), Run(runs[-1], None)  # type: ignore[arg-type]
    comment = document.add_comment([first, last], text=text, author=author, initials=initials)
    element = comment._comment_elm  # python-docx stamps now() with microseconds; use ours
    element.set(qn("w:date"), date)
    body = document.element.body
    comment_id = ids.claim_comment(element, body)
    if styles is not None:
        styles.apply(element, _reference_run(runs[-1]))
    return comment_id


def _reference_run(last_run):
    """The w:r holding the w:commentReference python-docx put after ``last_run`` (after w:commentRangeEnd)."""
    node = last_run.getnext()
    while node is not None:
        if node.find(W_COMMENT_REF) is not None:
            return node
        if node.tag != W_COMMENT_END:
            return None
        node = node.getnext()
    return None
