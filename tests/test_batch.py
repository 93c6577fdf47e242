"""A batch isolates each file: a crash, a hang or a memory blow-up is that file's error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import typing
from pathlib import Path

import jsonschema

from contractkit.checking.batch import DEFAULT_INCLUDE, BatchSettings, collect, run_batch
from contractkit.formatters import formatter_for
from contractkit.formatters.json_formatter import report_schema
from contractkit.results.model import CheckRun, DocumentReport, SkipCode

from conftest import REPO

SAMPLES = REPO / "samples" / "contracts"


class FakeChecker:
    """Behaves according to the file name, so the tests can make any file misbehave."""

    def check_path(self, path):
        name = Path(path).name
        if name.startswith("hang"):
            time.sleep(60)
        if name.startswith("die"):
            os._exit(9)
        if name.startswith("boom"):
            raise RuntimeError("unexpected")
        if name.startswith("hog"):
            bytearray(2 * 1024**3)
        return DocumentReport(path=Path(path), status="ok")


def _files(tmp_path, names):
    for name in names:
        (tmp_path / name).write_text("x", encoding="utf-8")
    return [tmp_path / n for n in names]


def test_each_misbehaving_file_is_reported_and_the_rest_finish_in_order(tmp_path):
    files = _files(tmp_path, ["a.txt", "hang.txt", "b.txt", "die.txt", "boom.txt", "hog.txt", "c.txt"])
    started = time.monotonic()
    reports = run_batch(files, FakeChecker, BatchSettings(jobs=2, timeout=3, max_memory_mb=1024))
    assert time.monotonic() - started < 40
    assert [r.path for r in reports] == files
    codes = {r.path.name: (r.error.code if r.error else "ok") for r in reports}
    assert codes == {"a.txt": "ok", "hang.txt": "timeout", "b.txt": "ok", "die.txt": "crashed",
                     "boom.txt": "crashed", "hog.txt": "memory", "c.txt": "ok"}
    assert "hang.txt" in next(r for r in reports if r.path.name == "hang.txt").error.message


def test_collect_recurses_with_globs_and_survives_a_symlink_loop(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.docx").write_bytes(b"")
    (tmp_path / "y.txt").write_text("y", encoding="utf-8")
    (tmp_path / "z.xlsx").write_bytes(b"")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    found = collect([tmp_path])
    assert found == [tmp_path / "sub" / "x.docx", tmp_path / "y.txt"]
    assert [(s.path, s.code) for s in found.skipped] == [(tmp_path / "z.xlsx", "unsupported")]  # the loop: quiet
    assert collect([tmp_path], exclude=("*.txt",)) == [tmp_path / "sub" / "x.docx"]


# ------------------------------------------------------------------ files a folder holds but that are not checked
def _write(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def _reports(run: CheckRun) -> dict[str, bytes]:
    """What contractkit writes when a report is saved into the folder it checked."""
    return {f"report.{extension}": formatter_for(fmt).render(run)
            for fmt, extension in (("json", "json"), ("html", "html"), ("csv", "csv"), ("terminal", "txt"))}


def test_collect_says_why_each_file_of_a_folder_is_not_checked(tmp_path):
    folder = tmp_path / "合同"
    contract = "甲方：华云\n乙方：恒安\n".encode()
    _write(folder, {
        "采购合同.docx": b"PK\x03\x04", "服务协议.txt": contract, "sub/附件.md": contract,
        "协议.rtf": b"{\\rtf1", "协议.pages": b"PK\x03\x04", "扫描件.jpg": b"\xff\xd8\xff",
        "~$采购合同.docx": b"x", ".~lock.合同.odt#": b"x", "~WRL0001.tmp": b"x",
        ".DS_Store": b"x", "._采购合同.docx": b"x", ".git/config": b"x", "__MACOSX/._合同.docx": b"x",
        "采购合同.annotated.docx": b"PK\x03\x04", "sub/采购合同.annotated-2.docx": b"PK\x03\x04",
        "备份.bak": b"%PDF-1.7", "无扩展名": b"PK\x03\x04", "old.dat": bytes.fromhex("D0CF11E0A1B11AE1"),
        "build.py": b"print()", "..\\合同.txt": contract,  # an odd name, not a hidden file
        **_reports(CheckRun(documents=(DocumentReport(path=Path("a.txt"), status="ok"),))),
    })
    os.mkfifo(folder / "管道")  # never opened: it would block
    found = collect([folder])
    assert found == sorted([folder / "服务协议.txt", folder / "sub" / "附件.md", folder / "采购合同.docx",
                            folder / "..\\合同.txt"])
    codes = {s.path.relative_to(folder).as_posix(): s.code for s in found.skipped}
    assert codes == {
        "协议.rtf": "unsupported", "协议.pages": "unsupported", "扫描件.jpg": "unsupported",
        "~$采购合同.docx": "lock-file", ".~lock.合同.odt#": "lock-file", "~WRL0001.tmp": "lock-file",
        ".DS_Store": "hidden", "._采购合同.docx": "hidden", ".git": "hidden", "__MACOSX": "hidden",
        "采购合同.annotated.docx": "own-output", "sub/采购合同.annotated-2.docx": "own-output",
        "report.json": "own-output", "report.html": "own-output", "report.csv": "own-output",
        "report.txt": "own-output",
        "备份.bak": "misnamed", "无扩展名": "misnamed", "old.dat": "unsupported", "build.py": "unsupported",
        "管道": "unsupported",
    }
    assert set(codes.values()) <= set(typing.get_args(SkipCode))
    reasons = {s.path.relative_to(folder).as_posix(): s.reason for s in found.skipped}
    assert all(reasons.values())
    assert "另存为 .docx" in reasons["协议.rtf"] and "Pages" in reasons["协议.pages"] and "OCR" in reasons["扫描件.jpg"]
    assert "改为 .pdf" in reasons["备份.bak"] and ".docx" in reasons["old.dat"] and ".py" in reasons["build.py"]
    assert [s.path for s in found.skipped] == sorted(s.path for s in found.skipped)


def test_other_types_are_skipped_until_a_reader_takes_them(tmp_path):
    _write(tmp_path, {"合同.odt": b"PK\x03\x04", "合同.wps": b"x"})
    found = collect([tmp_path])
    odt_read = "*.odt" in DEFAULT_INCLUDE  # the .odt reader: once it is in the default globs, .odt is checked
    assert (tmp_path / "合同.odt" in found) is odt_read
    assert tmp_path / "合同.wps" in found  # checked, to say what to do with it (error "wps")
    skipped = {s.path.name: s for s in collect([tmp_path], include=("*.docx",)).skipped}
    assert skipped["合同.wps"].code == "not-included" and "*.docx" in skipped["合同.wps"].reason
    assert skipped["合同.odt"].code == ("not-included" if odt_read else "unsupported")


def test_include_and_exclude_leave_files_out_with_the_reason(tmp_path):
    _write(tmp_path, {"a.docx": b"", "b.txt": b"b", "草稿.docx": b"", "c.xlsx": b""})
    found = collect([tmp_path], include=("*.docx",), exclude=("草稿*",))
    assert found == [tmp_path / "a.docx"]
    skipped = {s.path.name: (s.code, s.reason) for s in found.skipped}
    assert skipped["b.txt"][0] == "not-included" and "--include" in skipped["b.txt"][1]
    assert skipped["草稿.docx"] == ("excluded", "与 --exclude 草稿* 匹配")
    assert skipped["c.xlsx"][0] == "unsupported"


def test_a_file_named_directly_is_checked_and_never_also_skipped(tmp_path):
    _write(tmp_path, {"a.rtf": b"{\\rtf1", "~$b.docx": b"x", "c.txt": b"c"})
    found = collect([tmp_path, tmp_path / "a.rtf", tmp_path / "~$b.docx", tmp_path])
    assert found == [tmp_path / "c.txt", tmp_path / "a.rtf", tmp_path / "~$b.docx"]
    assert found.skipped == ()
    assert collect([tmp_path / "a.rtf"]).skipped == ()


def test_checking_a_folder_reports_its_skipped_files(tmp_path):
    folder = tmp_path / "contracts"
    _write(folder, {"协议.rtf": b"{\\rtf1", "~$合同.docx": b"x"})
    (folder / "合同.txt").write_bytes((SAMPLES / "it-outsourcing-generic.txt").read_bytes())
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-m", "contractkit", "check", str(folder), "--format", "json"],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1, result.stderr  # must-level problems; skipped files change nothing
    report = json.loads(result.stdout)
    jsonschema.validate(report, report_schema())
    assert [Path(d["path"]).name for d in report["documents"]] == ["合同.txt"]
    assert [(Path(s["path"]).name, s["code"]) for s in report["skipped"]] == [
        ("~$合同.docx", "lock-file"), ("协议.rtf", "unsupported")]
