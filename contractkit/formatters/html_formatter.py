"""One self-contained HTML page: no external resources, no script, readable on a laptop and in print.

Contracts are untrusted input: the template autoescapes everything, the
evidence is passed as plain text segments (never pre-built markup), and a
Content-Security-Policy meta tag forbids scripts and remote loads besides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath

from jinja2 import Environment, PackageLoader, StrictUndefined

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
    totals,
)
from contractkit.results.model import SCHEMA_VERSION, CheckRun, DocumentReport, Finding, PartyResult
from contractkit.standard import Standard

TEMPLATE = "report.html.j2"


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


class HtmlFormatter:
    name = "html"
    extension = ".html"
    binary = False
    media_type = "text/html; charset=utf-8"

    def __init__(self, roles_advice: str = ROLES_ADVICE_CLI, standard: Standard | None = None):
        self.roles_advice = roles_advice  # what to do when a document's roles could not be determined
        self.words = Words(standard)

    def render(self, run: CheckRun, *, colour: bool = False) -> bytes:
        return self.render_text(run).encode("utf-8")

    def render_text(self, run: CheckRun) -> str:
        words = self.words
        documents = [_document_view(document, number, words) for number, document in enumerate(run.documents, 1)]
        total = totals(run)
        title = "合同安全责任检查报告"
        if len(documents) == 1:
            title = f"{documents[0].name} · {title}"
        return _environment().get_template(TEMPLATE).render(
            title=title,
            standard=run.standard,
            standard_title=words.standard.title if run.standard == words.standard.code else None,
            schema=SCHEMA_VERSION,
            documents=documents,
            totals=total,
            summary=summary_text(total),
            roles_unknown_zh=ROLES_UNKNOWN_ZH,
            roles_advice=self.roles_advice,
            overall=[(s.value, words.status(s), total.counts[s.value]) for s in STATUS_ORDER],
            settings=[(str(key), _setting(value)) for key, value in run.settings.items()],
            skipped=skipped_rows(run),  # (path, code, reason) of the files of the folders not checked
            skipped_title=SKIPPED_TITLE_ZH,
        )


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
