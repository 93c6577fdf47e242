"""Write an annotated copy of a checked .docx: comments on the evidence, suggestions as tracked insertions."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from contractkit.fileio import OutputExistsError, write_atomic
from contractkit.results.model import DocumentReport, Evidence, Finding, Status

from . import wording
from .comments import CommentStyles, comment_on_paragraph, comment_on_range, comment_on_runs
from .ooxml import W_INS, W_P, W_R, IdRegistry, style_of, w3c_date
from .placement import catalogue_or_none, related_evidence
from .revisions import (
    Look,
    Styles,
    dominant_body_style,
    end_of_body,
    insert_after,
    insertion_point_after,
    look_near,
    tracked_paragraph,
)
from .textmap import expected_offset, locate, visible_text


@dataclass(frozen=True)
class Unanchored:
    """A finding (or one of its evidence passages) that could not be annotated as intended."""

    requirement: str
    status: str
    reason: str

    def __str__(self) -> str:
        return f"{self.requirement} ({self.status}): {self.reason}"


@dataclass
class AnnotationSummary:
    source: Path
    destination: Path
    comments: int = 0  # comments added (evidence passages and inserted clauses)
    insertions: int = 0  # suggested clauses inserted as tracked changes (one per missing finding)
    replacements: int = 0  # playbook redlines in place: a value or a clause struck out and replaced
    deletions: int = 0  # further passages struck out (a clause the replacement stands for, said twice)
    unanchored: list[Unanchored] = field(default_factory=list)  # not annotated at all
    approximate: list[Unanchored] = field(default_factory=list)  # annotated, but not on the exact passage


def annotate_docx(
    source: Path,
    report: DocumentReport,
    destination: Path,
    *,
    force: bool = False,
    author: str = "contractkit",
    initials: str | None = None,
    comment_satisfied: bool = False,
    catalogue=None,
    when: datetime | None = None,
) -> AnnotationSummary:
    """Write a copy of ``source`` to ``destination`` annotated with ``report``'s findings.

    * each evidence passage of a partial/contrary finding gets a Word comment
      anchored on exactly the quoted text (status, strength, requirement,
      clause of the standard, explanation, suggested clause);
    * each missing finding's suggested clause is inserted as a tracked change
      after the closest related clause (or in a supplement at the end), with
      a comment saying why;
    * satisfied findings get a short comment only with ``comment_satisfied``.

    ``source`` is only read. ``destination`` is written atomically and an
    existing file is replaced only with ``force`` (else OutputExistsError).
    Raises ValueError for anything that is not a .docx (judged by content, as
    the reader does: a .docx named .doc is accepted), for a report that does
    not describe a .docx, and for a destination that is the source.
    """
    source, destination = Path(source), Path(destination)
    _check_request(source, report, destination)
    if destination.exists() and not force:
        raise OutputExistsError(destination)
    data = source.read_bytes()
    document = _open(data, source)

    annotator = _Annotator(
        document,
        author=author,
        initials=initials if initials is not None else _initials(author),
        date=w3c_date(when or datetime.now(UTC)),
        catalogue=catalogue if catalogue is not None else catalogue_or_none(),
        summary=AnnotationSummary(source=source, destination=destination),
    )
    annotator.run(report, comment_satisfied=comment_satisfied)

    buffer = io.BytesIO()
    document.save(buffer)
    write_atomic(destination, buffer.getvalue(), force=force)
    return annotator.summary


# ------------------------------------------------------------------ checks


def _check_request(source: Path, report: DocumentReport, destination: Path) -> None:
    if destination.suffix.lower() != ".docx":
        raise ValueError(f"{destination}: the annotated copy must be a .docx file")
    if report.status != "ok":
        reason = report.error.message if report.error else "no findings"
        raise ValueError(f"{source}: the report is an error report ({reason}); nothing to annotate")
    if report.format not in (None, "docx"):
        raise ValueError(
            f"{source}: the report was made from a {report.format} file; annotate the .docx that was checked"
        )
    if source.exists() and destination.exists() and source.resolve() == destination.resolve():
        raise ValueError(f"{destination}: is the original; the annotated copy must be written elsewhere")


def _open(data: bytes, source: Path):
    """python-docx Document from bytes, after the reader's package safety checks."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    from contractkit.reading.errors import ReadError
    from contractkit.reading.safety import PROLOG_PREFIX_BYTES, ReadLimits, SafeZip, check_prolog

    not_docx = f"{source}: is not a .docx (Word 2007 or later) document; only .docx files can be annotated"
    if not data.startswith(b"PK\x03\x04"):  # by content, like the reader: a .docx saved as .doc is fine
        raise ValueError(not_docx)
    try:
        package = SafeZip(data, source, ReadLimits())
        if not package.has("word/document.xml"):
            raise ValueError(not_docx + " (the zip archive has no word/document.xml)")
        for name in package.names():
            if name.lower().endswith((".xml", ".rels")):
                head, complete = package.read_prefix(name, PROLOG_PREFIX_BYTES)
                problem = check_prolog(head, complete=complete)
                if problem and problem[0] == "doctype":
                    raise ReadError(source, "doctype", f"{problem[1]} ({name})")
    except ReadError as exc:
        raise ValueError(f"{source}: cannot be annotated: {exc.detail}") from None
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise ValueError(f"{not_docx} ({exc})") from None
    except Exception as exc:  # lxml errors and the like from a damaged part
        raise ValueError(f"{source}: is a damaged .docx ({type(exc).__name__}: {exc})") from None


def _initials(author: str) -> str:
    if author == "contractkit":
        return "CK"
    words = [w for w in re.split(r"[\s._-]+", author) if w]
    return "".join(w[0] for w in words)[:3].upper()


# ------------------------------------------------------------------ the work


class _Annotator:
    def __init__(self, document, *, author: str, initials: str, date: str, catalogue,
                 summary: AnnotationSummary) -> None:
        self.document = document
        self.body = document.element.body
        # Ordinals are taken before anything is inserted: Location.paragraph counts these.
        self.paragraphs = list(self.body.iter(W_P))
        self.ids = IdRegistry(document.part.package)
        self.author, self.initials, self.date = author, initials, date
        self.catalogue = catalogue
        self.summary = summary
        self.styles = Styles(document.styles.element)
        self.comment_styles = CommentStyles(document.styles.element)
        self._body_style: str | None | bool = False  # False: not worked out yet
        self._cursor: dict = {}  # anchor element -> last element inserted after it
        self._supplement_started = False

    @property
    def marks(self) -> dict:
        return {"author": self.author, "initials": self.initials, "date": self.date, "ids": self.ids,
                "styles": self.comment_styles}

    def run(self, report: DocumentReport, *, comment_satisfied: bool) -> None:
        missing: list[Finding] = []
        # A requirement a playbook position inserts its own clause for gets that clause, not the standard's.
        covered = {p.requirement for p in report.positions if p.action == "insert" and p.requirement}
        for finding in report.findings:
            if finding.status is Status.MISSING:
                if finding.requirement not in covered:
                    missing.append(finding)
            elif finding.status is Status.SATISFIED and not comment_satisfied:
                continue
            else:
                self._comment_evidence(finding)
        if report.positions:
            from .positions import PositionRedliner

            PositionRedliner(self, report).run()
        for finding in missing:
            self._insert_suggestion(finding, report.findings)

    # -- comments on evidence
    def _comment_evidence(self, finding: Finding) -> None:
        if not finding.evidence:
            self._unanchored(finding, "the finding quotes no passage to comment on")
            return
        text = wording.evidence_comment(finding)
        seen = set()
        for evidence in finding.evidence:
            key = (evidence.location.paragraph, evidence.text)
            if key in seen:
                continue
            seen.add(key)
            self._comment_one(finding, evidence, text)

    def _comment_one(self, finding: Finding, evidence: Evidence, text: str) -> None:
        index = evidence.location.paragraph
        if evidence.location.kind == "page":
            self._unanchored(finding, "the evidence is located on a PDF page, not in a Word paragraph")
            return
        if not 0 <= index < len(self.paragraphs):
            self._unanchored(finding, f"{evidence.location.describe()}: no such paragraph "
                                      f"(w:p ordinal {index}; the document has {len(self.paragraphs)})")
            return
        p = self.paragraphs[index]
        visible = visible_text(p)
        match = locate(visible, evidence.text, expected_offset(visible, evidence.start, evidence.context))
        if match is not None:
            comment_on_range(self.document, p, match.start, match.end, text, **self.marks)
            if not match.exact:
                self._approximate(finding, f"{evidence.location.describe()}: only part of the quoted passage "
                                           f"was found; the comment covers {visible[match.start:match.end]!r}")
        else:
            comment_on_paragraph(self.document, p, text, **self.marks)
            self._approximate(finding, f"{evidence.location.describe()}: the quoted passage is not in the "
                                       f"paragraph's text; the comment covers the whole paragraph")
        self.summary.comments += 1

    # -- tracked insertions for missing items
    def _insert_suggestion(self, finding: Finding, findings: tuple[Finding, ...]) -> None:
        if not finding.suggestion or not wording.suggestion_lines(finding.suggestion):
            self._unanchored(finding, "no suggested clause to insert (was the check run without suggestions?)")
            return
        related = related_evidence(finding, findings, self.catalogue)
        self.insert_lines(wording.suggestion_lines(finding.suggestion), wording.insertion_comment(finding), related)

    def insert_lines(self, lines: list[str], comment: str, related: Evidence | None) -> None:
        """Tracked paragraphs after the unit of ``related``'s paragraph (else in the supplement at the end),
        the first line a clause and the rest its sub-items, with ``comment`` on them."""
        anchor = related_p = None
        if related is not None and related.location.kind != "page" \
                and 0 <= related.location.paragraph < len(self.paragraphs):
            related_p = self.paragraphs[related.location.paragraph]
            anchor = insertion_point_after(related_p, self.body, self.styles)
        if anchor is None:
            anchor = self._supplement_anchor()
            related_p = None
        look = self._look(anchor, related_p)

        elements = [tracked_paragraph(lines[0], look, author=self.author, date=self.date, ids=self.ids)]
        elements += [
            tracked_paragraph(line, look, author=self.author, date=self.date, ids=self.ids, subitem=True)
            for line in lines[1:]
        ]
        insert_after(self._cursor.get(anchor, anchor), elements, self.body)
        self._cursor[anchor] = elements[-1]
        runs = [el.find(W_INS).find(W_R) for el in elements]
        comment_on_runs(self.document, [runs[0], runs[-1]], comment, **self.marks)
        self.summary.insertions += 1
        self.summary.comments += 1

    def _supplement_anchor(self):
        """After the end of the body, under a (tracked) supplement heading the first time."""
        anchor = "end"
        if not self._supplement_started:
            self._supplement_started = True
            last = end_of_body(self.body)
            look = self._look(last, None)
            heading = tracked_paragraph(wording.SUPPLEMENT_HEADING, look, author=self.author, date=self.date,
                                        ids=self.ids, bold=True)
            insert_after(last, [heading], self.body)
            self._cursor[anchor] = heading
        return anchor

    def _look(self, anchor, related_p) -> Look:
        """Body style (the related paragraph's, if it is plain body text) and the fonts around ``anchor``."""
        style_id = self._dominant_style()
        if (related_p is not None and related_p.getparent() is self.body and not self.styles.numbering(related_p)
                and not self.styles.unsuitable(style_of(related_p))):
            style_id = style_of(related_p)
        children = list(self.body)
        end = children.index(anchor) + 1 if anchor is not None and not isinstance(anchor, str) else len(children)
        # Fonts come from body text (numbered clauses included), never from headings.
        candidates = [c for c in children if c.tag == W_P and not self.styles.unsuitable(style_of(c))]
        if not candidates:
            return Look(style_id, [])
        upto = {id(c) for c in children[:end]}
        position = max((i for i, c in enumerate(candidates) if id(c) in upto), default=0)
        return look_near(candidates, position, style_id)

    def _dominant_style(self) -> str | None:
        if self._body_style is False:
            self._body_style = dominant_body_style(self.body, self.styles)
        return self._body_style  # type: ignore[return-value]

    # -- bookkeeping
    def _unanchored(self, finding: Finding, reason: str) -> None:
        self.summary.unanchored.append(Unanchored(finding.requirement, finding.status.value, reason))

    def _approximate(self, finding: Finding, reason: str) -> None:
        self.summary.approximate.append(Unanchored(finding.requirement, finding.status.value, reason))

