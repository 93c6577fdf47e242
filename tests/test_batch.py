"""A batch isolates each file: a crash, a hang or a memory blow-up is that file's error."""

from __future__ import annotations

import os
import time
from pathlib import Path

from contractkit.checking.batch import BatchSettings, collect, run_batch
from contractkit.results.model import DocumentReport


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
    assert collect([tmp_path], exclude=("*.txt",)) == [tmp_path / "sub" / "x.docx"]
