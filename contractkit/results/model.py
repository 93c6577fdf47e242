"""Plain result objects the checker returns and every formatter reads.

They carry their own explanation (like presidio's recognizer results): each
finding says which requirement, how strong, what was found where, and why
that leads to its status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from contractkit.reading.model import Location

SCHEMA_VERSION = "contractkit.check/1"

# A document's status: read and judged ("ok"), read but nobody's role could be
# determined so nothing was judged ("roles-unknown"), or not read ("error").
OK, ROLES_UNKNOWN, ERROR = "ok", "roles-unknown", "error"


class Status(StrEnum):
    SATISFIED = "satisfied"
    PARTIAL = "partial"
    MISSING = "missing"
    CONTRARY = "contrary"

    @property
    def label_zh(self) -> str:
        return {"satisfied": "已满足", "partial": "部分满足", "missing": "缺失", "contrary": "相反约定"}[
            self.value
        ]

    @property
    def is_problem(self) -> bool:
        return self is not Status.SATISFIED


@dataclass(frozen=True)
class Evidence:
    """A passage of the contract, with where it is and the span that matters."""

    text: str  # the sentence or clause quoted
    location: Location
    start: int = 0  # offsets of `text` within the block's text
    end: int = 0
    highlights: tuple[tuple[int, int], ...] = ()  # spans within `text` (matched terms)
    context: str = ""  # the whole paragraph the passage sits in (text == context[start:end])

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "location": self.location.as_dict(),
            "where": self.location.describe(),
            "start": self.start,
            "end": self.end,
            "highlights": [list(h) for h in self.highlights],
            "context": self.context,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Evidence":
        return cls(
            text=data["text"],
            location=Location(**data["location"]),
            start=data.get("start", 0),
            end=data.get("end", 0),
            highlights=tuple(tuple(h) for h in data.get("highlights", ())),
            context=data.get("context", ""),
        )


@dataclass(frozen=True)
class Finding:
    requirement: str  # catalogue id
    clause: str
    summary: str
    strength: str  # must / should / may
    status: Status
    explanation: str
    evidence: tuple[Evidence, ...] = ()
    suggestion: str | None = None  # clause to add, rendered with the parties' names
    consequence: str | None = None  # what the standard says follows when it is missing

    def as_dict(self) -> dict:
        return {
            "requirement": self.requirement,
            "clause": self.clause,
            "summary": self.summary,
            "strength": self.strength,
            "status": self.status.value,
            "explanation": self.explanation,
            "evidence": [e.as_dict() for e in self.evidence],
            "suggestion": self.suggestion,
            "consequence": self.consequence,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Finding":
        return cls(
            requirement=data["requirement"],
            clause=data["clause"],
            summary=data["summary"],
            strength=data["strength"],
            status=Status(data["status"]),
            explanation=data["explanation"],
            evidence=tuple(Evidence.from_dict(e) for e in data.get("evidence", ())),
            suggestion=data.get("suggestion"),
            consequence=data.get("consequence"),
        )


@dataclass(frozen=True)
class PartyResult:
    label: str  # as the contract writes it: 甲方, 委托方, 采购人 …
    name: str | None  # the organisation's name when the party block gives it
    roles: tuple[str, ...]  # role ids (customer, provider, software, hardware, om, security)
    source: str  # "inferred" | "given"
    reasons: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "name": self.name,
            "roles": list(self.roles),
            "source": self.source,
            "reasons": list(self.reasons),
            "aliases": list(self.aliases),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "PartyResult":
        return cls(
            label=data["label"],
            name=data.get("name"),
            roles=tuple(data.get("roles", ())),
            source=data.get("source", "inferred"),
            reasons=tuple(data.get("reasons", ())),
            aliases=tuple(data.get("aliases", ())),
        )


@dataclass(frozen=True)
class DocumentError:
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class DocumentReport:
    path: Path
    status: str  # OK | ROLES_UNKNOWN | ERROR
    error: DocumentError | None = None
    format: str | None = None
    parties: tuple[PartyResult, ...] = ()
    pairs: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()  # e.g. "no cloud roles could be inferred"
    seconds: float = 0.0

    @property
    def roles_unknown(self) -> bool:
        """Read, but no party's role could be determined: nothing was judged, so never a pass."""
        return self.status == ROLES_UNKNOWN

    @property
    def must_problems(self) -> list[Finding]:
        return [
            f
            for f in self.findings
            if f.strength == "must" and f.status in (Status.MISSING, Status.CONTRARY)
        ]

    def counts(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Status}
        for finding in self.findings:
            counts[finding.status.value] += 1
        return counts

    def as_dict(self) -> dict:
        data = {
            "path": str(self.path),
            "status": self.status,
            "format": self.format,
            "parties": [p.as_dict() for p in self.parties],
            "pairs": list(self.pairs),
            "summary": self.counts(),
            "notes": list(self.notes),
            "results": [f.as_dict() for f in self.findings],
        }
        if self.error:
            data["error"] = self.error.as_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "DocumentReport":
        """The inverse of ``as_dict`` (a report stored as JSON, e.g. in the review service's history)."""
        error = data.get("error")
        return cls(
            path=Path(data["path"]),
            status=data["status"],
            error=DocumentError(error["code"], error["message"]) if error else None,
            format=data.get("format"),
            parties=tuple(PartyResult.from_dict(p) for p in data.get("parties", ())),
            pairs=tuple(data.get("pairs", ())),
            findings=tuple(Finding.from_dict(f) for f in data.get("results", ())),
            notes=tuple(data.get("notes", ())),
        )


@dataclass(frozen=True)
class CheckRun:
    """A whole run: one or many documents."""

    documents: tuple[DocumentReport, ...]
    standard: str = "T/CCIA 004-2024"
    settings: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "schema": SCHEMA_VERSION,
            "standard": self.standard,
            "settings": self.settings,
            "documents": [d.as_dict() for d in self.documents],
        }

    def status_counts(self) -> dict[str, int]:
        """How many documents were judged (OK), could not be judged for want of roles
        (ROLES_UNKNOWN) and could not be read (ERROR); each counted once, never merged."""
        counts = {OK: 0, ROLES_UNKNOWN: 0, ERROR: 0}
        for document in self.documents:
            counts[document.status] = counts.get(document.status, 0) + 1
        return counts

    @property
    def exit_code(self) -> int:
        """0: every document judged and no must-level item missing or contrary;
        1: some are, or some document's roles could not be determined (nothing judged, not a pass);
        2: a file could not be read."""
        if any(d.status == ERROR for d in self.documents):
            return 2
        if any(d.roles_unknown or d.must_problems for d in self.documents):
            return 1
        return 0
