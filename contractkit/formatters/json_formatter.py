"""Machine-readable output: exactly ``CheckRun.as_dict()``, described by a JSON Schema.

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

from contractkit.results.model import CheckRun

SCHEMA_RESOURCE = "schema/check-report.schema.json"


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
        text = json.dumps(run.as_dict(), ensure_ascii=False, indent=2, default=str)
        return (text + "\n").encode("utf-8")


def schema_text() -> str:
    """The JSON Schema (draft 2020-12) of the report, as shipped."""
    return files("contractkit.formatters").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")


@cache
def _schema() -> str:
    return schema_text()


def report_schema() -> dict:
    """The JSON Schema of the report as a fresh dict."""
    return json.loads(_schema())
