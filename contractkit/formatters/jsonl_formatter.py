"""JSON Lines: one JSON object a line, written as the check runs, for batches of any size.

Schema ``contractkit.check-stream/1`` (``schema/check-stream.schema.json``). Every line has a ``type``:

1. ``run`` (first, once): ``schema``, ``report_schema`` (the version of the objects the lines carry,
   ``contractkit.check/1``), ``standard``, ``settings``, and how many ``documents`` and ``skipped``
   lines follow. A run with a playbook writes ``contractkit.check-stream/2``
   (``schema/check-stream-2.schema.json``): ``report_schema`` is ``contractkit.check/2`` and the run
   line also has the ``playbook``.
2. ``skipped`` (one per file of the folders that is not checked): ``skipped`` is that file, as in the
   JSON report's ``skipped`` list.
3. ``document`` (one per file checked, in the order of the files, as each is done): ``index`` (its
   0-based position) and ``document``, exactly the object of the JSON report's ``documents`` list.
4. ``summary`` (last, once): the counts of the whole run (``documents``; ``statuses``: documents per
   status; ``results``: findings per status; ``must_problems``; ``documents_with_must_problems``;
   ``skipped``) and the ``exit_code`` of ``contractkit check``.

A stream without its ``summary`` line was cut short. Within a version, fields are only added.
"""

from __future__ import annotations

import json
from typing import Any

from contractkit.formatters.streaming import BinaryOut, RunHeader, RunningTotals, TextOut, render_run
from contractkit.results.model import CheckRun, DocumentReport

STREAM_SCHEMA_VERSION = "contractkit.check-stream/1"
SCHEMA_RESOURCE = "schema/check-stream.schema.json"
# A run with a playbook: contractkit.check-stream/2, whose lines carry contractkit.check/2 objects and whose
# run line names the playbook. A run without one stays /1, as before.
STREAM_SCHEMA_VERSION_PLAYBOOK = "contractkit.check-stream/2"
SCHEMA_RESOURCES = {1: SCHEMA_RESOURCE, 2: "schema/check-stream-2.schema.json"}


class JsonLinesFormatter:
    name = "jsonl"
    extension = ".jsonl"
    binary = False
    media_type = "application/jsonl"

    def __init__(self, roles_advice: str | None = None):
        self.roles_advice = roles_advice  # accepted like every formatter's; the status says it all

    def render(self, run: CheckRun, *, colour: bool = False) -> bytes:
        return render_run(self, run, colour=colour)

    def stream(self, out: BinaryOut, header: RunHeader, *, colour: bool = False) -> JsonLinesWriter:
        return JsonLinesWriter(out, header)


class JsonLinesWriter:
    def __init__(self, out: BinaryOut, header: RunHeader):
        self.out = TextOut(out)
        self.totals = RunningTotals()
        self.skipped = len(header.skipped)
        run = header.empty_run().as_dict()
        playbook = "playbook" in run
        line = {
            "schema": STREAM_SCHEMA_VERSION_PLAYBOOK if playbook else STREAM_SCHEMA_VERSION, "type": "run",
            "report_schema": run["schema"],
            "standard": run["standard"], "settings": run["settings"],
            "documents": header.documents, "skipped": self.skipped,
        }
        if playbook:  # the documents carry positions (contractkit.check/2)
            line["playbook"] = run["playbook"]
        self._line(line)
        for skipped in run.get("skipped", ()):
            self._line({"type": "skipped", "skipped": skipped})

    def write(self, document: DocumentReport) -> None:
        self._line({"type": "document", "index": self.totals.documents, "document": document.as_dict()})
        self.totals.add(document)

    def close(self) -> None:
        totals = self.totals
        self._line({
            "type": "summary", "documents": totals.documents, "statuses": dict(totals.statuses),
            "results": dict(totals.results), "must_problems": totals.must_problems,
            "documents_with_must_problems": totals.documents_with_must_problems, "skipped": self.skipped,
            "exit_code": totals.exit_code,
        })

    def _line(self, data: dict[str, Any]) -> None:
        self.out.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def stream_schema(version: int = 1) -> dict[str, Any]:
    """The JSON Schema of one line (draft 2020-12); its ``$ref``s name the report schema's ``$defs``
    (``urn:contractkit:schema:check-report:1``, ``json_formatter.report_schema``; ``version=2``: the stream
    of a run with a playbook, referring to ``check-report:2``)."""
    from importlib.resources import files

    schema: dict[str, Any] = json.loads(
        files("contractkit.formatters").joinpath(SCHEMA_RESOURCES[version]).read_text(encoding="utf-8"))
    return schema


__all__ = ["STREAM_SCHEMA_VERSION", "JsonLinesFormatter", "stream_schema"]
