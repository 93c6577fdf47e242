"""Machine-readable output: exactly ``CheckRun.as_dict()``, described by a JSON Schema.

Written a document at a time (``JsonWriter``): a batch need not hold its reports to write it.

The schema ships with the package (``schema/check-report.schema.json``); it is
generated from the result objects (``python -m contractkit.results.schema``, see
that module) and committed, so reading it costs no pydantic. Its ``$id`` names
the version in the report's ``schema`` field; within a version, fields are only
ever added as optional (``skipped``), never removed or renamed.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

from contractkit.formatters.streaming import BinaryOut, RunHeader, TextOut, render_run
from contractkit.results.model import CheckRun, DocumentReport

SCHEMA_RESOURCE = "schema/check-report.schema.json"
# contractkit.check/2: the report of a run with a playbook (positions); see contractkit.results.schema.
SCHEMA_RESOURCES = {1: SCHEMA_RESOURCE, 2: "schema/check-report-2.schema.json"}


class JsonFormatter:
    name = "json"
    extension = ".json"
    binary = False
    media_type = "application/json"

    def __init__(self, roles_advice: str | None = None):
        # Accepted like every formatter's, but the JSON is exactly the run: a document whose roles
        # could not be determined says so by its status ("roles-unknown"), and the schema says
        # what a caller does about it (give the roles and check again).
        self.roles_advice = roles_advice

    def render(self, run: CheckRun, *, colour: bool = False) -> bytes:
        return render_run(self, run, colour=colour)

    def stream(self, out: BinaryOut, header: RunHeader, *, colour: bool = False) -> JsonWriter:
        return JsonWriter(out, header)


class JsonWriter:
    """The JSON document written a document at a time: the same bytes as
    ``json.dumps(run.as_dict(), ensure_ascii=False, indent=2)`` and a newline."""

    _MARK = "\u0000documents\u0000"  # where the documents go, in the run without them

    def __init__(self, out: BinaryOut, header: RunHeader):
        self.out = TextOut(out)
        frame = header.empty_run().as_dict()
        frame["documents"] = self._MARK
        before, after = _dumps(frame).rsplit(json.dumps(self._MARK), 1)  # no file name holds a NUL
        self._after = after + "\n"
        self.count = 0
        self.out.write(before + "[")

    def write(self, document: DocumentReport) -> None:
        text = _dumps(document.as_dict()).replace("\n", "\n" + _ITEM_INDENT)
        self.out.write(("\n" if not self.count else ",\n") + _ITEM_INDENT + text)
        self.count += 1

    def close(self) -> None:
        self.out.write(("\n  ]" if self.count else "]") + self._after)


_ITEM_INDENT = " " * 4  # an item of the top level's "documents" list, at indent=2


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def schema_text(version: int = 1) -> str:
    """The JSON Schema (draft 2020-12) of the report, as shipped (``version=2``: with a playbook)."""
    return files("contractkit.formatters").joinpath(SCHEMA_RESOURCES[version]).read_text(encoding="utf-8")


@cache
def _schema(version: int = 1) -> str:
    return schema_text(version)


def report_schema(version: int = 1) -> dict:
    """The JSON Schema of the report as a fresh dict (``version=2``: contractkit.check/2, with a playbook)."""
    return json.loads(_schema(version))
