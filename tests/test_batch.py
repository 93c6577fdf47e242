"""A batch isolates each file: a crash, a hang or a memory blow-up is that file's error."""

from __future__ import annotations

import copy as copy_module
import inspect
import json
import multiprocessing
import os
import pickle
import random
import subprocess
import sys
import time
import typing
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import jsonschema
import pytest

from contractkit.checking.batch import DEFAULT_INCLUDE, BatchSettings, collect, run_batch
from contractkit.checking.workers import CheckJob, check_file
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
    reports = list(run_batch(files, FakeChecker, BatchSettings(jobs=2, timeout=3, max_memory_mb=1024)))
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


# ------------------------------------------------------------------ streaming, and the executor seam
class SlowExecutor(Executor):
    """Runs each file's check on threads, finishing in any order; a file named boom* fails its future (as
    a process lost by an executor would). Counts the futures run_batch holds: submitted, not yet yielded."""

    def __init__(self):
        self.threads = ThreadPoolExecutor(4)
        self.submitted, self.yielded, self.most_held = 0, 0, 0

    def submit(self, fn, /, *args, **kwargs):
        assert fn is check_file and isinstance(args[0], CheckJob)  # picklable work, whatever the executor
        self.submitted += 1
        self.most_held = max(self.most_held, self.submitted - self.yielded)
        return self.threads.submit(self._check, Path(args[1]))

    @staticmethod
    def _check(path: Path) -> DocumentReport:
        time.sleep(random.random() / 50)
        if path.name.startswith("boom"):
            raise RuntimeError("lost the process")
        return DocumentReport(path=path, status="ok")

    def shutdown(self, wait=True, **kwargs):
        self.threads.shutdown(wait)


def test_a_batch_streams_in_order_holding_at_most_its_window(tmp_path):
    names = [f"{i:02d}.txt" for i in range(40)]
    names[17] = "boom.txt"  # broken, in the middle
    files = _files(tmp_path, names)
    executor, seen = SlowExecutor(), []
    reports = run_batch(files, executor=executor, window=3, progress=seen.append)
    assert inspect.isgenerator(reports) and executor.submitted == 0  # nothing runs before it is asked for
    out = []
    for report in reports:
        out.append(report)
        executor.yielded += 1
        assert executor.submitted - executor.yielded <= 3
    executor.shutdown()
    assert [r.path for r in out] == files  # in the order of the files, whatever order they finished in
    assert executor.most_held <= 3
    broken = out[17]
    assert broken.status == "error" and broken.error.code == "crashed" and "lost the process" in broken.error.message
    assert all(r.status == "ok" for r in out[:17] + out[18:])  # the stream went on past it
    assert sorted(r.path for r in seen) == sorted(files)  # progress: once per file, the broken one too


def test_stopping_a_batch_early_submits_no_more(tmp_path):
    files = _files(tmp_path, [f"{i}.txt" for i in range(30)])
    executor = SlowExecutor()
    reports = run_batch(files, executor=executor, window=4)
    assert next(reports).path == files[0]
    reports.close()
    executor.shutdown()
    assert executor.submitted <= 5


def test_the_pool_batch_is_a_generator_too(tmp_path):
    files = _files(tmp_path, ["a.txt", "b.txt", "c.txt"])
    reports = run_batch(files, FakeChecker, BatchSettings(jobs=1, timeout=30, max_memory_mb=0), window=1)
    assert inspect.isgenerator(reports)
    assert [r.path for r in reports] == files


def test_check_settings_survive_pickling():
    from contractkit.checking.checker import CheckSettings
    from contractkit.organisation import Organisation

    settings = CheckSettings(roles={"甲方": ["provider"], "乙方": ("om", "security")}, options={"cii"},
                             extra_requirements=("5d-accept-supervision",), organisation=Organisation(("华云",)))
    for copy in (pickle.loads(pickle.dumps(settings)), copy_module.deepcopy(settings)):
        assert copy == settings and copy.roles["乙方"] == ("om", "security")
        with pytest.raises(TypeError):
            copy.roles["丙方"] = ("customer",)  # still immutable
    job = CheckJob(settings, "/some/standard")
    assert pickle.loads(pickle.dumps(job)) == job


def test_an_executor_of_spawned_processes_gives_the_pools_reports():
    """The seam: the same check on a ProcessPoolExecutor (spawned, so everything really is pickled)."""
    from contractkit.api import check_stream

    files = [SAMPLES / "om-platform-maintenance.docx", SAMPLES / "it-outsourcing-generic.txt",
             SAMPLES / "missing.docx"]
    pooled = check_stream(files, jobs=2, roles=None, options=["cii"]).run()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=context) as executor:
        seamed = check_stream(files, options=["cii"], executor=executor).run()
    assert [d.as_dict() for d in seamed.documents] == [d.as_dict() for d in pooled.documents]
    assert seamed.as_dict() == pooled.as_dict()
    assert [d.status for d in seamed.documents] == ["ok", "ok", "error"]


def test_an_engines_own_kind_of_future_is_taken_too(tmp_path):
    class EngineFuture:  # result() and add_done_callback(), as Ray's or Dask's own futures have
        def __init__(self, report):
            self.report = report

        def result(self):
            if self.report.path.name.startswith("boom"):
                raise RuntimeError("worker lost")
            return self.report

        def add_done_callback(self, callback):
            callback(self)

    class Engine(Executor):
        def submit(self, fn, /, *args, **kwargs):
            return EngineFuture(DocumentReport(path=Path(args[1]), status="ok"))

    files = _files(tmp_path, ["a.txt", "boom.txt", "c.txt"])
    reports = list(run_batch(files, executor=Engine()))
    assert [(r.path, r.status) for r in reports] == [(files[0], "ok"), (files[1], "error"), (files[2], "ok")]
