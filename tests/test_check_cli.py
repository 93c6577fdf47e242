"""contractkit check as a user runs it: one file, a folder, bad files, reports, annotation."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document as open_docx

import contractkit

from conftest import REPO

SAMPLES = REPO / "samples" / "contracts"


def _run(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "contractkit", "check", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=300,
    )


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    for name in ("om-platform-maintenance.docx", "saas-click-through.md", "it-outsourcing-generic.txt"):
        shutil.copy(SAMPLES / name, folder / name)
    clean = folder / "nested" / "generated.docx"
    clean.parent.mkdir()
    contractkit.generate("provider-om", output=clean, parameters={"provider_name": "华云数智科技有限公司"})
    (folder / "locked.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)  # OLE: not a docx
    (folder / "notes.xlsx").write_bytes(b"ignored by the default globs")
    return folder


def test_generated_agreement_exits_0(tmp_path):
    path = tmp_path / "agreement.docx"
    contractkit.generate("provider-security", output=path)
    result = _run(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "provider-security" in result.stdout


def test_contract_with_must_problems_exits_1_and_names_them():
    result = _run(SAMPLES / "security-pentest-soc.docx", "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    document = report["documents"][0]
    statuses = {r["requirement"]: r["status"] for r in document["results"]}
    assert statuses["5d-accept-supervision"] == "contrary"
    contrary = next(r for r in document["results"] if r["requirement"] == "5d-accept-supervision")
    assert "不接受" in contrary["evidence"][0]["text"]
    missing = [r for r in document["results"] if r["status"] == "missing"]
    assert all(r["suggestion"] for r in missing)


def test_roles_can_be_given(tmp_path):
    result = _run(SAMPLES / "saas-click-through.md", "--role", "云帆=provider", "--role", "用户=customer",
                  "--format", "json")
    document = json.loads(result.stdout)["documents"][0]
    assert document["pairs"] == ["customer-provider"]
    assert {p["source"] for p in document["parties"] if p["roles"]} == {"given"}


def test_unknown_role_is_a_usage_error():
    result = _run(SAMPLES / "saas-click-through.md", "--role", "甲方=landlord")
    assert result.returncode == 2 and "unknown role" in result.stderr


def test_batch_goes_on_past_a_bad_file_and_reports_every_format(batch_dir, tmp_path):
    out = tmp_path / "report.json"
    result = _run(batch_dir, "-o", out, "--jobs", "2")
    assert result.returncode == 2  # one file could not be read
    report = json.loads(out.read_text(encoding="utf-8"))
    by_name = {Path(d["path"]).name: d for d in report["documents"]}
    assert set(by_name) == {"om-platform-maintenance.docx", "saas-click-through.md",
                            "it-outsourcing-generic.txt", "generated.docx", "locked.docx"}
    assert by_name["locked.docx"]["status"] == "error"
    assert by_name["locked.docx"]["error"]["code"] in {"legacy-doc", "unsupported", "corrupt"}
    assert "locked.docx" in by_name["locked.docx"]["error"]["message"]
    assert by_name["generated.docx"]["status"] == "ok"
    for fmt in ("html", "csv", "xlsx"):
        target = tmp_path / f"report.{fmt}"
        assert _run(batch_dir, "-o", target, "--jobs", "2").returncode == 2
        assert target.stat().st_size > 0
    assert _run(batch_dir, "-o", out).returncode == 2  # exists: refused without --force
    assert "already exists" in _run(batch_dir, "-o", out).stderr


def test_include_and_exclude(batch_dir, tmp_path):
    out = tmp_path / "r.json"
    _run(batch_dir, "--include", "*.docx", "--exclude", "locked*", "-o", out)
    names = {Path(d["path"]).name for d in json.loads(out.read_text(encoding="utf-8"))["documents"]}
    assert names == {"om-platform-maintenance.docx", "generated.docx"}


def test_annotate_writes_copies_and_leaves_originals(batch_dir, tmp_path):
    before = (batch_dir / "om-platform-maintenance.docx").read_bytes()
    annotated = tmp_path / "annotated"
    result = _run(batch_dir / "om-platform-maintenance.docx", "--annotate", annotated, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    copy = annotated / "om-platform-maintenance.annotated.docx"
    assert copy.exists() and (batch_dir / "om-platform-maintenance.docx").read_bytes() == before
    document = open_docx(copy)
    comments = list(document.comments)
    report = json.loads(result.stdout)["documents"][0]
    problems = [r for r in report["results"] if r["status"] in ("partial", "contrary")]
    assert len(comments) >= len(problems) > 0
    again = _run(batch_dir / "om-platform-maintenance.docx", "--annotate", annotated)
    assert again.returncode == 2 and "--force" in again.stderr


def test_terminal_report_without_a_tty_has_no_colour():
    result = _run(SAMPLES / "it-outsourcing-generic.txt")
    assert "\x1b[" not in result.stdout and "5b1-transfer-depth" in result.stdout


def test_jsonl_streams_the_json_reports_in_order_past_a_broken_file(batch_dir, tmp_path):
    whole = json.loads(_run(batch_dir, "--format", "json", "--jobs", "2").stdout)
    out = tmp_path / "report.jsonl"
    result = _run(batch_dir, "-o", out, "--jobs", "2")  # the format from the extension
    assert result.returncode == 2, result.stderr  # locked.docx could not be read
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["type"] == "run" and lines[0]["schema"] == "contractkit.check-stream/1"
    documents = [line["document"] for line in lines if line["type"] == "document"]
    assert documents == whole["documents"]  # the same reports, in the same (input) order
    names = [Path(d["path"]).name for d in documents]
    assert names.index("locked.docx") not in (0, len(names) - 1)  # broken in the middle: the rest follow it
    assert [line["skipped"] for line in lines if line["type"] == "skipped"] == whole["skipped"]
    assert lines[-1]["type"] == "summary" and lines[-1]["exit_code"] == 2
    assert lines[-1]["statuses"]["error"] == 1 and lines[-1]["documents"] == len(documents) == 5
    again = _run(batch_dir, "-o", out)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert [Path(s["path"]).name for s in whole["skipped"]] == ["notes.xlsx"]
    # A report contractkit wrote is not checked when it lies in the folder checked.
    shutil.copy(out, batch_dir / "earlier.jsonl")
    try:
        rerun = json.loads(_run(batch_dir, "--format", "json", "--jobs", "2").stdout)
    finally:
        (batch_dir / "earlier.jsonl").unlink()
    assert {(Path(s["path"]).name, s["code"]) for s in rerun["skipped"]} >= {("earlier.jsonl", "own-output")}


@pytest.mark.parametrize("fmt", ["json", "terminal"])
def test_a_contract_with_nothing_found_is_reported_not_crashed(tmp_path, fmt):
    """A fresh process whose first report holds no evidence at all: every requirement missing, listed as
    such (this once crashed while building the report's schema)."""
    contract = tmp_path / "bare.txt"
    contract.write_text("甲方：星河数据有限公司\n乙方：北辰运维有限公司\n第一条 双方友好合作。\n", encoding="utf-8")
    result = _run(contract, "--role", "甲方=provider", "--role", "乙方=om", "--format", fmt)
    assert result.returncode == 1, result.stderr
    if fmt == "json":
        document = json.loads(result.stdout)["documents"][0]
        assert document["status"] == "ok"
        assert {r["status"] for r in document["results"]} == {"missing"}
    else:
        assert "缺失" in result.stdout and "crashed" not in result.stdout
