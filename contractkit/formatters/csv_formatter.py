"""CSV: one row per contract x requirement, for Excel, WPS and scripts.

UTF-8 with a byte-order mark (Excel reads Chinese CSV correctly only with
one), RFC 4180 quoting with CRLF line ends. Cells that would start a formula
get a leading apostrophe (see ``tables.neutralise``).
"""

from __future__ import annotations

import csv
import io

from contractkit.formatters.common import ROLES_ADVICE_CLI, Words
from contractkit.formatters.tables import HEADER, rows
from contractkit.results.model import CheckRun
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
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, dialect="excel", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows(run, self.roles_advice, self.words))
        return (BOM + buffer.getvalue()).encode("utf-8")
