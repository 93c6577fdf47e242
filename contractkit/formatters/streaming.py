"""Writing a report while the check runs: one document at a time, never the whole run in memory.

Every formatter can ``stream(out, header)``: it gets a ``RunHeader`` (what is known before the first
document: the standard, the settings, how many documents will come, the files skipped), then each
``DocumentReport`` in turn (``write``), then ``close()``, and writes its bytes to the binary file
``out`` as it goes. What a format shows about the run as a whole (the totals of its summary line,
the table of contents of the HTML page, the heat map of the workbook) it keeps as it goes in a few
counts (``RunningTotals``) and in what each of its rows needs, not in the reports.

``render(run)`` of every formatter is this same stream over a CheckRun into memory
(``render_run``), so both ways give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from contractkit.results.model import ERROR, OK, ROLES_UNKNOWN, CheckRun, DocumentReport, SkippedFile, Status

if TYPE_CHECKING:
    from contractkit.formatters import Formatter
    from contractkit.formatters.common import Totals


class BinaryOut(Protocol):
    """Where a report's bytes go: a binary file, ``sys.stdout.buffer``, ``fileio.open_atomic``'s file."""

    def write(self, data: bytes, /) -> object: ...


@dataclass(frozen=True)
class RunHeader:
    """What a report knows before its first document."""

    standard: str  # the code of the standard checked against
    settings: Mapping[str, Any] = field(default_factory=dict)  # CheckRun.settings
    documents: int = 0  # how many documents will be written
    skipped: tuple[SkippedFile, ...] = ()  # files of the folders that are not checked
    playbook: Mapping[str, Any] | None = None  # CheckRun.playbook: the report is then contractkit.check/2

    @classmethod
    def of(cls, run: CheckRun) -> RunHeader:
        return cls(run.standard, run.settings, len(run.documents), run.skipped,
                   dict(run.playbook) if run.playbook is not None else None)

    def empty_run(self) -> CheckRun:
        """A CheckRun with this header's standard, settings, skipped files and playbook, and no documents."""
        return CheckRun(documents=(), standard=self.standard, settings=dict(self.settings), skipped=self.skipped,
                        playbook=dict(self.playbook) if self.playbook is not None else None)  # type: ignore[arg-type]


class ReportWriter(Protocol):
    """One report being written: a document at a time, then ``close()`` writes what comes last."""

    def write(self, document: DocumentReport) -> None: ...

    def close(self) -> None: ...


class RunningTotals:
    """The counts a run's summary needs, kept as the documents go by (CheckRun.status_counts,
    common.totals and CheckRun.exit_code give the same from a whole run)."""

    def __init__(self) -> None:
        self.documents = 0
        self.statuses = {OK: 0, ROLES_UNKNOWN: 0, ERROR: 0}  # documents per status
        self.results = {status.value: 0 for status in Status}  # findings per status, all documents
        self.must_problems = 0
        self.documents_with_must_problems = 0
        self.positions: dict[str, int] = {}  # playbook positions per status, all documents
        self.walk_away = 0  # positions beyond their walk-away value

    def add(self, document: DocumentReport) -> None:
        for position in document.positions:
            self.positions[position.status] = self.positions.get(position.status, 0) + 1
            self.walk_away += position.status == "walk-away"
        self.documents += 1
        self.statuses[document.status] = self.statuses.get(document.status, 0) + 1
        for finding in document.findings:
            self.results[finding.status.value] += 1
        must = len(document.must_problems)
        self.must_problems += must
        self.documents_with_must_problems += bool(must)

    @property
    def exit_code(self) -> int:
        """As CheckRun.exit_code: 2 when a file could not be read, 1 when some document has a must-level
        item missing or contrary or could not be judged (roles unknown), or a playbook position beyond its
        walk-away value, else 0."""
        if self.statuses[ERROR]:
            return 2
        return 1 if self.statuses[ROLES_UNKNOWN] or self.must_problems or self.walk_away else 0

    def totals(self, skipped: int = 0) -> Totals:
        from contractkit.formatters.common import STATUS_ORDER, Totals

        return Totals(
            documents=self.documents,
            errors=self.statuses[ERROR],
            must_problems=self.must_problems,
            documents_with_must_problems=self.documents_with_must_problems,
            counts={status.value: self.results[status.value] for status in STATUS_ORDER},
            roles_unknown=self.statuses[ROLES_UNKNOWN],
            skipped=skipped,
        )


class TextOut:
    """Text written to a binary file as UTF-8, line by line."""

    def __init__(self, out: BinaryOut):
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text.encode("utf-8"))

    def lines(self, lines: Iterable[str]) -> None:
        self.write("".join(line + "\n" for line in lines))


def write_run(formatter: Formatter, out: BinaryOut, header: RunHeader, documents: Iterable[DocumentReport], *,
              colour: bool = False) -> None:
    """Write a whole report to ``out``, the documents taken one at a time."""
    writer = formatter.stream(out, header, colour=colour)
    for document in documents:
        writer.write(document)
    writer.close()


def render_run(formatter: Formatter, run: CheckRun, *, colour: bool = False) -> bytes:
    """A CheckRun as bytes: the stream of its documents into memory."""
    buffer = io.BytesIO()
    write_run(formatter, buffer, RunHeader.of(run), run.documents, colour=colour)
    return buffer.getvalue()


__all__ = ["BinaryOut", "ReportWriter", "RunHeader", "RunningTotals", "TextOut", "render_run", "write_run"]
