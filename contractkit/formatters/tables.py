"""The rows the spreadsheet formats share: one per contract x requirement, one per unreadable file,
one per file whose parties' roles could not be determined (nothing judged) and one per file of the
folders that was skipped (not checked, with why)."""

from __future__ import annotations

from contractkit.formatters.common import ROLES_ADVICE_CLI, SKIPPED_ZH, Words, printable
from contractkit.results.model import CheckRun, DocumentReport, Finding, SkippedFile

HEADER = (
    "文件",
    "文件状态",
    "错误代码",
    "协议关系",
    "要求编号",
    "标准条款",
    "要求摘要",
    "强度",
    "结果",
    "说明",
    "证据原文",
    "证据位置",
    "建议条款",
)
# Columns holding running text: the xlsx writer wraps them.
LONG_COLUMNS = frozenset({"要求摘要", "说明", "证据原文", "建议条款"})
NO_FINDINGS = "没有适用于该合同当事方的要求"

# A spreadsheet treats a cell starting with one of these as a formula (or a DDE call).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Defuse CSV/formula injection: prefix a leading formula trigger with an apostrophe."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def cell(value: str | None) -> str:
    """A cell's text: safe to print, never a formula."""
    return neutralise(printable(value)) if value else ""


def rows(run: CheckRun, roles_advice: str = ROLES_ADVICE_CLI, words: Words | None = None) -> list[tuple[str, ...]]:
    """The data rows (without HEADER), every cell already made safe."""
    words = words or Words()
    out: list[tuple[str, ...]] = []
    for document in run.documents:
        out.extend(document_rows(document, roles_advice, words))
    out.extend(skipped_row(skipped) for skipped in run.skipped)
    return out


def skipped_row(skipped: SkippedFile) -> tuple[str, ...]:
    """A file of a folder that was not checked: status 已跳过, its code and the reason."""
    return _row(str(skipped.path), SKIPPED_ZH, skipped.code, "", explanation=skipped.reason)


def document_rows(
    document: DocumentReport, roles_advice: str = ROLES_ADVICE_CLI, words: Words | None = None
) -> list[tuple[str, ...]]:
    words = words or Words()
    path = str(document.path)
    status = words.document_status(document.status)
    pairs = "；".join(words.pair(pair) for pair in document.pairs)
    if document.roles_unknown:
        message = "；".join([*document.notes, roles_advice])
        return [_row(path, status, "", pairs, explanation=message)]
    if document.status == "error" or not document.findings:
        if document.error:
            code, message = document.error.code, document.error.message
        else:
            code, message = "", "；".join(document.notes) or NO_FINDINGS
        return [_row(path, status, code, pairs, explanation=message)]
    return [_finding_row(path, status, pairs, finding, words) for finding in document.findings]


def _finding_row(path: str, status: str, pairs: str, finding: Finding, words: Words) -> tuple[str, ...]:
    first = finding.evidence[0] if finding.evidence else None
    return _row(
        path,
        status,
        "",
        pairs,
        requirement=finding.requirement,
        clause=finding.clause,
        summary=finding.summary,
        strength=words.strength(finding.strength),
        result=words.status(finding.status),
        explanation=finding.explanation,
        evidence=first.text if first else "",
        where=first.location.describe() if first else "",
        suggestion=finding.suggestion or "",
    )


def _row(
    path: str,
    status: str,
    code: str,
    pairs: str,
    *,
    requirement: str = "",
    clause: str = "",
    summary: str = "",
    strength: str = "",
    result: str = "",
    explanation: str = "",
    evidence: str = "",
    where: str = "",
    suggestion: str = "",
) -> tuple[str, ...]:
    values = (
        path, status, code, pairs, requirement, clause, summary, strength, result, explanation, evidence, where,
        suggestion,
    )
    return tuple(cell(value) for value in values)
