"""CSV: one row per contract x requirement, for Excel, WPS and scripts; checked against a playbook, a
second table after an empty row: one row per contract x position (``position_rows``).

UTF-8 with a byte-order mark (Excel reads Chinese CSV correctly only with
one), RFC 4180 quoting with CRLF line ends. Cells that would start a formula
get a leading apostrophe (see ``tables.neutralise``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from contractkit.formatters.common import ROLES_ADVICE_CLI, Words
from contractkit.formatters.position_rows import POSITION_HEADER, position_rows
from contractkit.formatters.streaming import BinaryOut, RunHeader, TextOut, render_run
from contractkit.formatters.tables import HEADER, document_rows, skipped_row
from contractkit.results.model import CheckRun, DocumentReport
from contractkit.standard import Standard

BOM = "\ufeff"


class CsvFormatter:
    name = "csv"
    extension = ".csv"
    binary = False
    media_type = "text/csv; charset=utf-8"

    def __init__(self, roles_advice: str = ROLES_ADVICE_CLI, standard: Standard | None = None):
        self.roles_advice = roles_advice  # what to do when a document's roles could not be determined
        self.words = Words(standard)

    def render(self, run: CheckRun, *, colour: bool = False) -> bytes:
        return render_run(self, run, colour=colour)

    def stream(self, out: BinaryOut, header: RunHeader, *, colour: bool = False) -> CsvWriter:
        return CsvWriter(out, header, self.roles_advice, self.words)


class CsvWriter:
    """The rows of each document as it comes; the skipped files' rows last."""

    def __init__(self, out: BinaryOut, header: RunHeader, roles_advice: str, words: Words):
        self.out, self.header, self.roles_advice, self.words = TextOut(out), header, roles_advice, words
        self.out.write(BOM)
        self._rows([HEADER])
        self.positions: list[tuple[str, ...]] = []  # written after the findings (a playbook was used)

    def write(self, document: DocumentReport) -> None:
        self._rows(document_rows(document, self.roles_advice, self.words))
        self.positions += position_rows(document)

    def close(self) -> None:
        self._rows(skipped_row(skipped) for skipped in self.header.skipped)
        if self.header.playbook is not None:
            self._rows([(), POSITION_HEADER, *self.positions])

    def _rows(self, rows: Iterable[Sequence[str]]) -> None:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, dialect="excel", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerows(rows)
        self.out.write(buffer.getvalue())
