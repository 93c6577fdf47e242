"""The result objects, the JSON Schema generated from them, and the report's JSON layout
(schema contractkit.check/1), kept byte for byte.

``tests/fixtures/results/golden-check-report.json`` was written by this module
(``python tests/test_results_schema.py --write-golden``) from the code as it was
before the result objects became pydantic models: the SHA-256 of today's JSON for
every sample contract of ``samples/contracts``, one whose parties' roles
cannot be determined and one that cannot be read. The same run must still give the
same bytes. Only the hashes are kept (the report itself is 200 kB); a failure
writes the new report next to the message, to compare with the old code's output.

If the checker's *findings* change on purpose (a rule is improved), rewrite the
golden file with the command above and say so in the commit; the layout of the
report must never change within contractkit.check/1.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import subprocess
import sys
import typing
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from contractkit.reading.model import Location
from contractkit.results import schema as results_schema
from contractkit.results.model import (
    ROLE_IDS,
    CheckRun,
    DocumentError,
    DocumentReport,
    Evidence,
    Finding,
    LocationData,
    PartyResult,
    SkipCode,
    SkippedFile,
    Status,
)

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path("tests/fixtures/results")  # relative: the report carries the paths as given
GOLDEN = REPO / FIXTURES / "golden-check-report.json"
ROLES_UNKNOWN_CONTRACT = FIXTURES / "办公家具采购合同.txt"  # two parties, nothing about cloud services
MISSING_CONTRACT = FIXTURES / "不存在的合同.docx"  # never created: a not-found error


def _golden_files() -> list[Path]:
    """The sample contracts (those with an ``.expected.yaml`` label), then the two odd ones."""
    samples = sorted(
        path for path in Path("samples/contracts").iterdir()
        if path.suffix in (".docx", ".txt", ".md") and path.with_name(f"{path.stem}.expected.yaml").exists()
    )
    return samples + [ROLES_UNKNOWN_CONTRACT, MISSING_CONTRACT]


def _golden_run():
    """The run the golden file describes, checked in this process (paths relative to the repository)."""
    from contractkit.api import settings_summary
    from contractkit.checking.checker import Checker, CheckSettings
    from contractkit.results.model import CheckRun

    settings = CheckSettings()
    checker = Checker(settings)
    reports = tuple(checker.check_path(path) for path in _golden_files())
    return CheckRun(documents=reports, settings=settings_summary(settings))


def _render(run) -> bytes:
    from contractkit.formatters.json_formatter import JsonFormatter

    return JsonFormatter().render(run)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hashes(data: bytes) -> dict:
    """The whole report's hash, and each document's (re-dumped in its own key order) to say which one differs."""
    documents = json.loads(data)["documents"]
    return {
        "report": _digest(data),
        "documents": {
            d["path"]: _digest(json.dumps(d, ensure_ascii=False, indent=2).encode("utf-8")) for d in documents
        },
        "statuses": {d["path"]: d["status"] for d in documents},
    }


def write_golden() -> None:
    os.chdir(REPO)
    data = _render(_golden_run())
    GOLDEN.write_text(json.dumps(_hashes(data), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(REPO)} ({len(data)} bytes of report hashed)")


@pytest.fixture(scope="module")
def golden_report() -> bytes:
    here = Path.cwd()
    os.chdir(REPO)
    try:
        return _render(_golden_run())
    finally:
        os.chdir(here)


def test_the_json_report_is_byte_for_byte_what_it_was(golden_report, tmp_path):
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    actual = _hashes(golden_report)
    assert set(actual["statuses"].values()) == {"ok", "roles-unknown", "error"}
    assert actual["statuses"] == expected["statuses"]
    if actual != expected:
        written = tmp_path / "check-report.json"
        written.write_bytes(golden_report)
        changed = [p for p, h in actual["documents"].items() if expected["documents"].get(p) != h]
        pytest.fail(
            f"the JSON report changed for {changed or 'the run as a whole'}; new report: {written}. "
            "The layout of contractkit.check/1 must not change. If only the checker's findings changed on "
            "purpose, rewrite the golden file: python tests/test_results_schema.py --write-golden"
        )



def test_the_golden_run_round_trips_and_validates(golden_report):
    """A stored report (the review service's history) loads and writes back the same bytes."""
    data = json.loads(golden_report)
    assert _render(CheckRun.from_dict(data)) == golden_report
    for document in data["documents"]:
        assert DocumentReport.from_dict(document).as_dict() == document
    jsonschema.validate(data, _committed_schema())


# ------------------------------------------------------------------ the schema is generated
SCHEMA_FILE = REPO / "contractkit" / "formatters" / "schema" / "check-report.schema.json"


def _committed_schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def test_the_committed_schema_is_the_generated_one():
    generated = results_schema.schema_text()
    if SCHEMA_FILE.read_text(encoding="utf-8") != generated:
        pytest.fail(f"{SCHEMA_FILE.relative_to(REPO)} is not what the result objects generate; "
                    f"regenerate it (from the repository's folder): {results_schema.COMMAND}")


def test_the_schema_module_prints_the_schema():
    result = subprocess.run([sys.executable, "-m", "contractkit.results.schema"], capture_output=True, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120, check=True)
    assert result.stdout.decode("utf-8") == results_schema.schema_text()


def test_the_schema_keeps_its_id_and_version_and_only_adds_skipped():
    schema = results_schema.build_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "urn:contractkit:schema:check-report:1"
    assert schema["properties"]["schema"]["const"] == "contractkit.check/1"
    assert schema["required"] == ["schema", "standard", "settings", "documents"]  # skipped: optional
    assert set(schema["$defs"]) == {"document", "error", "party", "finding", "evidence", "location", "skipped-file"}
    document = schema["$defs"]["document"]
    assert "error" not in document["required"] and document["properties"]["error"] == {"$ref": "#/$defs/error"}
    assert "seconds" not in document["properties"]  # time taken is not part of the report
    assert schema["$defs"]["location"]["required"] == ["kind", "paragraph"]
    assert schema["$defs"]["party"]["properties"]["roles"]["items"]["enum"] == list(ROLE_IDS)
    assert schema["$defs"]["skipped-file"]["properties"]["code"]["enum"] == list(typing.get_args(SkipCode))
    for name in typing.get_args(SkipCode):  # each code is explained to the reader of the schema
        assert f"{name}:" in schema["$defs"]["skipped-file"]["properties"]["code"]["description"]


def test_the_location_is_written_with_every_field_it_has():
    """The report writes a Location through LocationData: a field added to one must be added to the other."""
    assert list(LocationData.__annotations__) == [f.name for f in dataclasses.fields(Location)]


def test_role_ids_are_the_catalogues(catalogue):
    assert set(ROLE_IDS) == {role.id for role in catalogue.roles}


def test_the_cli_does_not_import_the_results_to_show_its_help():
    code = "import sys, contractkit.cli; print('contractkit.results.model' in sys.modules, 'pydantic' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60, check=True)
    assert result.stdout.split() == ["False", "False"]


# ------------------------------------------------------------------ typed, frozen, built as before
def _finding() -> Finding:
    location = Location("paragraph", 3, label="第一条")
    evidence = Evidence("乙方不得分包。", location, 2, 9, [[0, 2]], "一、乙方不得分包。")
    return Finding("5b1-transfer-depth", "5 b) 1)", "分包层级", "must", "missing", "未约定", (evidence,))


def test_results_are_built_by_position_or_keyword_and_validated():
    finding = _finding()
    assert finding.status is Status.MISSING and finding.evidence[0].highlights == ((0, 2),)
    assert finding.evidence[0].where == "第一条，第4段"
    party = PartyResult("甲方", None, ("provider",), "inferred")
    assert party.reasons == () and PartyResult(label="乙方").source == "inferred"
    report = DocumentReport(path="a.docx", status="ok", findings=[finding], parties=(party,))
    assert report.path == Path("a.docx") and report.findings == (finding,)
    assert report.must_problems == [finding] and report.counts()["missing"] == 1
    assert DocumentError("encrypted", "加密").as_dict() == {"code": "encrypted", "message": "加密"}
    with pytest.raises(ValidationError):
        DocumentReport(path="a.docx", status="judged")
    with pytest.raises(ValidationError):
        dataclasses.replace(finding, strength="required")


def test_results_are_frozen_dataclasses_that_travel_between_processes():
    report = DocumentReport(path=Path("a.docx"), status="ok", findings=(_finding(),), seconds=1.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.status = "error"  # type: ignore[misc]
    assert dataclasses.replace(report, seconds=0.0).seconds == 0.0  # the workers stamp the time so
    assert pickle.loads(pickle.dumps(report)) == report
    assert hash(report.findings[0]) == hash(_finding())
    run = CheckRun((report,), skipped=(SkippedFile("b.wps", "WPS 文字文件", "unsupported"),))
    assert run.skipped[0].path == Path("b.wps") and run.exit_code == 1
    with pytest.raises(ValidationError):
        SkippedFile("c.rtf", "RTF", "ignored")


def test_the_json_of_a_report_is_in_the_reports_order():
    data = CheckRun((DocumentReport(path="a.docx", status="error", error=DocumentError("corrupt", "坏")),)).as_dict()
    assert list(data) == ["schema", "standard", "settings", "documents"]
    document = data["documents"][0]
    assert list(document) == ["path", "status", "format", "parties", "pairs", "summary", "notes", "results", "error"]
    evidence = DocumentReport(path="b.txt", status="ok", findings=(_finding(),)).as_dict()["results"][0]["evidence"][0]
    assert list(evidence) == ["text", "location", "where", "start", "end", "highlights", "context"]
    assert evidence["location"] == {"kind": "paragraph", "paragraph": 3, "label": "第一条"}
    assert "error" not in DocumentReport(path="c.txt", status="ok").as_dict()


def test_stored_reports_of_older_versions_still_load():
    """What the review service stored before: optional keys missing, computed ones present, unknown ones kept out."""
    stored = {
        "path": "合同.docx", "status": "ok", "summary": {"satisfied": 1}, "comment": "from a later version",
        "parties": [{"label": "甲方", "name": None, "roles": ["provider"]}],
        "results": [{"requirement": "5a3-division", "clause": "5 a) 3)", "summary": "划分", "strength": "must",
                     "status": "satisfied", "explanation": "已约定",
                     "evidence": [{"text": "甲乙双方", "location": {"kind": "paragraph", "paragraph": 0},
                                   "where": "第1段"}]}],
    }
    report = DocumentReport.from_dict(stored)
    assert report.parties[0].source == "inferred" and report.findings[0].evidence[0].context == ""
    assert report.findings[0].suggestion is None and report.format is None
    assert report.as_dict()["summary"] == {"satisfied": 1, "partial": 0, "missing": 0, "contrary": 0}

if __name__ == "__main__":
    if sys.argv[1:] == ["--write-golden"]:
        sys.path.insert(0, str(REPO / "tests"))
        write_golden()
    else:
        sys.exit("usage: python tests/test_results_schema.py --write-golden")
