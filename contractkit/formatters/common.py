"""What every format shows the same way: order of findings, labels, evidence in context, totals."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from contractkit.results.model import ROLES_UNKNOWN, CheckRun, DocumentReport, Evidence, Finding, SkippedFile, Status
from contractkit.standard import Standard, default_standard

# Problems first, the most serious first: what the user must act on heads the report.
STATUS_ORDER: tuple[Status, ...] = (Status.CONTRARY, Status.MISSING, Status.PARTIAL, Status.SATISFIED)
STATUS_RANK = {status: rank for rank, status in enumerate(STATUS_ORDER)}

STRENGTHS = ("must", "should", "may")
STRENGTH_RANK = {strength: rank for rank, strength in enumerate(STRENGTHS)}

ROLES_UNKNOWN_ZH = default_standard().vocabulary.zh("document_statuses", ROLES_UNKNOWN)
# A file found in a folder but not checked (CheckRun.skipped): never silently left out.
SKIPPED_ZH = "已跳过"  # the file status column of the spreadsheets
SKIPPED_TITLE_ZH = "跳过的文件"

# What to do about a document whose roles could not be determined (nothing was judged), in the
# terms of the interface the report is read in. The one place this advice is written.
ROLES_ADVICE_CLI = (
    "请指定各方角色后重新检查：用 --role 甲方=provider --role 乙方=om 给出各方的角色，"
    "或用 --as 我方名称 说明哪一方是我方单位（也可在 contractkit.toml 的 [organisation] 或 "
    "pyproject.toml 的 [tool.contractkit.organisation] 中用 names 写明我方名称）。"
)
ROLES_CHOOSE_WEB = "请为各方选择角色后重新检查"  # on the review service's own pages, beside the roles form
ROLES_ADVICE_WEB = f"{ROLES_CHOOSE_WEB}（在审查服务中打开该文件，于“当事人与角色”处勾选）。"  # its downloads


class Words:
    """How a report names what its standard names: strengths, statuses and sources from the
    standard's vocabulary, roles and pairs from its catalogue. Every format asks this one place."""

    def __init__(self, standard: Standard | None = None):
        self.standard = standard or default_standard()
        self.vocabulary = self.standard.vocabulary
        catalogue = self.standard.catalogue
        self._role_names = {r.id: r.name for r in catalogue.roles}
        self._pair_roles = {p.id: p.roles for p in catalogue.pairs}

    def strength(self, strength: str) -> str:
        return self.vocabulary.zh("strengths", strength)

    def status(self, status: Status | str) -> str:
        return self.vocabulary.zh("statuses", str(status))

    def document_status(self, status: str) -> str:
        return self.vocabulary.zh("document_statuses", status)

    def source(self, source: str) -> str:
        return self.vocabulary.zh("sources", source)

    def role(self, role: str) -> str:
        return self._role_names.get(role, role)

    def pair(self, pair: str) -> str:
        """``provider-om`` -> ``云服务提供者—运维服务提供者``."""
        return "—".join(self.role(role) for role in self._pair_roles.get(pair, (pair,)))


def ordered_findings(document: DocumentReport) -> list[Finding]:
    """Contrary, missing, partial, then satisfied; must before should before may; else as checked."""
    indexed = list(enumerate(document.findings))
    indexed.sort(key=lambda item: (STATUS_RANK[item[1].status], STRENGTH_RANK.get(item[1].strength, 9), item[0]))
    return [finding for _, finding in indexed]


def findings_by_status(document: DocumentReport) -> list[tuple[Status, list[Finding]]]:
    """The document's findings grouped by status in STATUS_ORDER, empty groups left out."""
    ordered = ordered_findings(document)
    groups = [(status, [f for f in ordered if f.status is status]) for status in STATUS_ORDER]
    return [(status, findings) for status, findings in groups if findings]


# ------------------------------------------------------------------ evidence
@dataclass(frozen=True)
class EvidenceView:
    """A passage shown in its paragraph: ``before`` + passage segments + ``after``.

    ``segments`` split the quoted passage into (text, is_matched_term) pieces.
    """

    before: str
    segments: tuple[tuple[str, bool], ...]
    after: str
    where: str

    @property
    def passage(self) -> str:
        return "".join(text for text, _ in self.segments)


def evidence_view(evidence: Evidence, *, max_context: int = 240) -> EvidenceView:
    """Place the quote in its paragraph, trusting the offsets only as far as they agree with the text."""
    text, context = evidence.text, evidence.context
    start, end = evidence.start, evidence.end
    if not context:
        context, start, end = text, 0, len(text)
    elif not (0 <= start <= end <= len(context)) or context[start:end] != text:
        found = context.find(text)
        if found >= 0:
            start, end = found, found + len(text)
        else:
            context, start, end = text, 0, len(text)
    before, after = context[:start], context[end:]
    if len(before) > max_context:
        before = "…" + before[-max_context:]
    if len(after) > max_context:
        after = after[:max_context] + "…"

    segments: list[tuple[str, bool]] = []
    position = 0
    for span_start, span_end in _clean_spans(evidence.highlights, len(text)):
        if span_start > position:
            segments.append((text[position:span_start], False))
        segments.append((text[span_start:span_end], True))
        position = span_end
    if position < len(text):
        segments.append((text[position:], False))
    return EvidenceView(before, tuple(segments), after, evidence.location.describe())


def _clean_spans(spans, length: int) -> list[tuple[int, int]]:
    """Clip to the passage, sort, merge overlaps, drop empty spans."""
    clipped = sorted((max(0, s), min(length, e)) for s, e in spans if min(length, e) > max(0, s))
    merged: list[tuple[int, int]] = []
    for start, end in clipped:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# ------------------------------------------------------------------ totals
@dataclass(frozen=True)
class Totals:
    documents: int
    errors: int
    must_problems: int  # must-level findings missing or contrary, over all documents
    documents_with_must_problems: int
    counts: dict[str, int]  # findings per status value over all documents
    roles_unknown: int = 0  # read, but no role determined: nothing judged (neither ok nor error)
    skipped: int = 0  # files of the folders that were not checked (not documents)

    @property
    def judged(self) -> int:
        """Documents whose requirements were actually judged."""
        return self.documents - self.errors - self.roles_unknown


def totals(run: CheckRun) -> Totals:
    from contractkit.formatters.streaming import RunningTotals

    running = RunningTotals()
    for document in run.documents:
        running.add(document)
    return running.totals(len(run.skipped))


def summary_parts(total: Totals) -> list[tuple[str, str]]:
    """The run's summary sentence as (text, tone) parts, tone one of plain/error/unknown/skipped/problem/ok;
    each format joins them with "，" and colours the tones its own way. Documents whose roles could
    not be determined are counted on their own and never make the run look clean; files that were
    skipped are counted apart from the documents."""
    parts = [(f"共检查 {total.documents} 份文件", "plain")]
    if total.skipped:
        parts.append((f"另有 {total.skipped} 个文件未检查（见“{SKIPPED_TITLE_ZH}”）", "skipped"))
    parts.append((f"{total.errors} 份无法读取", "error" if total.errors else "plain"))
    if total.roles_unknown:
        parts.append((f"{total.roles_unknown} 份{ROLES_UNKNOWN_ZH}（未作审查）", "unknown"))
    if total.must_problems:
        parts.append((
            f"“应”级问题 {total.must_problems} 项，涉及 {total.documents_with_must_problems} 份文件", "problem"
        ))
    elif not total.roles_unknown:
        parts.append(("无“应”级问题", "ok"))
    elif total.judged:
        parts.append((f"其余 {total.judged} 份无“应”级问题", "plain"))
    return parts


def skipped_rows(run: CheckRun | Iterable[SkippedFile]) -> list[tuple[str, str, str]]:
    """(path, code, reason) of each skipped file (of a run, or given), safe to print."""
    skipped = run.skipped if isinstance(run, CheckRun) else run
    return [(printable(str(s.path)), s.code, printable(s.reason)) for s in skipped]


def summary_text(total: Totals) -> str:
    return "，".join(text for text, _ in summary_parts(total)) + "。"


# ------------------------------------------------------------------ untrusted text
# C0/C1 controls (but tab and newline), DEL, and bidirectional overrides: a contract
# could carry terminal escape sequences or reorder what the reader sees.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str | None) -> str:
    """Text from a contract made safe for a terminal or a plain-text cell."""
    if not text:
        return ""
    return _UNSAFE.sub(lambda m: "\ufffd" if m.group() != "\r" else "", text.replace("\r\n", "\n"))
