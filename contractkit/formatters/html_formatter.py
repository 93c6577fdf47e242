"""One self-contained HTML page: no external resources, no script, readable on a laptop and in print.

Contracts are untrusted input: the template autoescapes everything, the
evidence is passed as plain text segments (never pre-built markup), and a
Content-Security-Policy meta tag forbids scripts and remote loads besides.
"""

from __future__ import annotations

import codecs
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from contractkit.formatters.common import (
    ROLES_ADVICE_CLI,
    ROLES_UNKNOWN_ZH,
    SKIPPED_TITLE_ZH,
    STATUS_ORDER,
    EvidenceView,
    Words,
    evidence_view,
    findings_by_status,
    skipped_rows,
    summary_text,
)
from contractkit.formatters.streaming import BinaryOut, RunHeader, RunningTotals, render_run
from contractkit.results.model import SCHEMA_VERSION, CheckRun, DocumentReport, Finding, PartyResult, PositionResult
from contractkit.standard import Standard

TEMPLATE = "report.html.j2"
PARTS = "document.html.j2"  # the macros that make one document's section and contents row


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("contractkit.formatters", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


# ------------------------------------------------------------------ view objects the template reads
@dataclass(frozen=True)
class PartyView:
    label: str
    name: str | None
    roles: tuple[tuple[str, str], ...]  # (id, Chinese name)
    source: str
    source_zh: str
    reasons: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class FindingView:
    anchor: str
    requirement: str
    clause: str
    summary: str
    strength: str
    strength_zh: str
    status: str
    status_zh: str
    explanation: str
    evidence: tuple[EvidenceView, ...]
    suggestion: str | None
    consequence: str | None


@dataclass(frozen=True)
class GroupView:
    status: str
    label: str
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class PositionView:
    """A playbook position (contractkit.check/2), coloured like the finding status it is closest to."""

    anchor: str
    position: str
    title: str
    status: str
    status_zh: str
    colour: str  # the finding status whose colour it takes
    clause: str | None
    value: str | None
    target: str | None
    explanation: str
    readings: tuple[tuple[EvidenceView, str, str | None], ...]  # (evidence, status label, note)
    action_zh: str
    proposal: str | None
    fallback: str | None


POSITION_ZH = {
    "walk-away": "底线以外", "deviates": "偏离", "not-found": "未约定", "acceptable": "可接受", "meets": "符合",
}
POSITION_COLOUR = {"walk-away": "contrary", "deviates": "contrary", "not-found": "missing", "acceptable": "partial",
                   "meets": "satisfied"}
POSITION_ACTION = {"replace-value": "修改数值", "replace-clause": "替换条款", "insert": "补充条款", "comment": "仅批注",
                   "none": "无需修改"}


@dataclass(frozen=True)
class DocumentView:
    anchor: str
    path: str
    name: str
    format: str | None
    ok: bool  # read (judged or not); False: could not be read
    roles_unknown: bool  # read, but no role determined: nothing judged (amber, never green)
    error_code: str | None
    error_message: str | None
    parties: tuple[PartyView, ...]
    pairs: tuple[tuple[str, str], ...]  # (id, Chinese name)
    counts: tuple[tuple[str, str, int], ...]  # (status, label, count)
    must_problems: int
    notes: tuple[str, ...]
    groups: tuple[GroupView, ...]
    positions: tuple[PositionView, ...] = ()


class HtmlFormatter:
    name = "html"
    extension = ".html"
    binary = False
    media_type = "text/html; charset=utf-8"

    def __init__(self, roles_advice: str = ROLES_ADVICE_CLI, standard: Standard | None = None):
        self.roles_advice = roles_advice  # what to do when a document's roles could not be determined
        self.words = Words(standard)

    def render(self, run: CheckRun, *, colour: bool = False) -> bytes:
        return render_run(self, run, colour=colour)

    def render_text(self, run: CheckRun) -> str:
        return self.render(run).decode("utf-8")

    def stream(self, out: BinaryOut, header: RunHeader, *, colour: bool = False) -> HtmlWriter:
        return HtmlWriter(out, header, self.roles_advice, self.words)


class HtmlWriter:
    """The page's head (totals) and table of contents come before the documents, so each document's
    section and contents row are made as it comes and kept in temporary files (on disk past a few
    megabytes), with running totals; ``close()`` writes the page around them."""

    def __init__(self, out: BinaryOut, header: RunHeader, roles_advice: str, words: Words):
        self.out, self.header, self.roles_advice, self.words = out, header, roles_advice, words
        self.totals = RunningTotals()
        self.many = header.documents > 1
        self.first_name: str | None = None  # the title names a single document
        self._parts: Any = _environment().get_template(PARTS).module  # its macros: section, toc_row
        self.sections = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)
        self.toc = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)

    def write(self, document: DocumentReport) -> None:
        self.totals.add(document)
        number = self.totals.documents
        view = _document_view(document, number, self.words)
        self.first_name = self.first_name or view.name
        parts = self._parts
        self.sections.write(str(parts.section(view, self.many, ROLES_UNKNOWN_ZH, self.roles_advice)).encode("utf-8"))
        if self.many:
            self.toc.write(str(parts.toc_row(view, number, ROLES_UNKNOWN_ZH)).encode("utf-8"))

    def close(self) -> None:
        header, words = self.header, self.words
        total = self.totals.totals(len(header.skipped))
        title = "合同安全责任检查报告"
        if self.totals.documents == 1:
            title = f"{self.first_name} · {title}"
        page = _environment().get_template(TEMPLATE).generate(
            title=title,
            standard=header.standard,
            standard_title=words.standard.title if header.standard == words.standard.code else None,
            schema=SCHEMA_VERSION,
            many=self.totals.documents > 1,
            toc_rows=_spooled(self.toc),
            sections=_spooled(self.sections),
            totals=total,
            summary=summary_text(total),
            roles_unknown_zh=ROLES_UNKNOWN_ZH,
            roles_advice=self.roles_advice,
            overall=[(s.value, words.status(s), total.counts[s.value]) for s in STATUS_ORDER],
            settings=[(str(key), _setting(value)) for key, value in header.settings.items()],
            skipped=skipped_rows(header.skipped),  # (path, code, reason) of the files of the folders not checked
            skipped_title=SKIPPED_TITLE_ZH,
        )
        try:
            for text in page:
                self.out.write(text.encode("utf-8"))
        finally:
            self.sections.close()
            self.toc.close()


_IN_MEMORY = 4 * 2**20  # bytes of HTML a spool keeps in memory before it goes to a temporary file
_CHUNK = 2**20


def _spooled(spool) -> Iterator[Markup]:
    """What was written to ``spool``, as markup, a megabyte at a time."""
    spool.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    while chunk := spool.read(_CHUNK):
        yield Markup(decoder.decode(chunk))
    if rest := decoder.decode(b"", final=True):
        yield Markup(rest)


def _setting(value) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def _document_view(document: DocumentReport, number: int, words: Words) -> DocumentView:
    anchor = f"doc-{number}"
    counts = document.counts()
    error = document.error
    return DocumentView(
        anchor=anchor,
        path=str(document.path),
        name=PurePath(str(document.path)).name or str(document.path),
        format=document.format,
        ok=document.status != "error",
        roles_unknown=document.roles_unknown,
        error_code=error.code if error else ("unknown" if document.status == "error" else None),
        error_message=error.message if error else None,
        parties=tuple(_party_view(party, words) for party in document.parties),
        pairs=tuple((pair, words.pair(pair)) for pair in document.pairs),
        counts=tuple((s.value, words.status(s), counts[s.value]) for s in STATUS_ORDER),
        must_problems=len(document.must_problems),
        notes=tuple(document.notes),
        groups=tuple(
            GroupView(status.value, words.status(status),
                      tuple(_finding_view(f, anchor, i, words) for i, f in enumerate(findings)))
            for status, findings in findings_by_status(document)
        ),
        positions=tuple(_position_view(p, anchor, i) for i, p in enumerate(document.positions)),
    )


def _position_view(position: PositionResult, document_anchor: str, index: int) -> PositionView:
    target = None
    if position.target is not None:
        t = position.target
        target = f"优选 {t.preferred}；可接受 {t.acceptable}" + (f"；底线 {t.walk_away}" if t.walk_away else "")
    return PositionView(
        anchor=f"{document_anchor}-position-{index + 1}", position=position.position, title=position.title,
        status=position.status, status_zh=POSITION_ZH[position.status], colour=POSITION_COLOUR[position.status],
        clause=position.clause, value=position.value, target=target, explanation=position.explanation,
        readings=tuple((evidence_view(r.evidence), (f"{r.value} → " if r.value else "") + POSITION_ZH[r.status],
                        r.note) for r in position.readings if r.evidence.text),
        action_zh=POSITION_ACTION[position.action], proposal=position.proposal, fallback=position.fallback,
    )


def _party_view(party: PartyResult, words: Words) -> PartyView:
    return PartyView(
        label=party.label,
        name=party.name,
        roles=tuple((role, words.role(role)) for role in party.roles),
        source=party.source,
        source_zh=words.source(party.source),
        reasons=tuple(party.reasons),
        aliases=tuple(party.aliases),
    )


def _finding_view(finding: Finding, document_anchor: str, index: int, words: Words) -> FindingView:
    return FindingView(
        anchor=f"{document_anchor}-{finding.status.value}-{index + 1}",
        requirement=finding.requirement,
        clause=finding.clause,
        summary=finding.summary,
        strength=finding.strength,
        strength_zh=words.strength(finding.strength),
        status=finding.status.value,
        status_zh=words.status(finding.status),
        explanation=finding.explanation,
        evidence=tuple(evidence_view(evidence) for evidence in finding.evidence),
        suggestion=finding.suggestion,
        consequence=finding.consequence,
    )


__all__ = ["HtmlFormatter"]
