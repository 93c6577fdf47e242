"""The long-lived worker pool the batch and the review service share."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from contractkit.checking.workers import CheckPool, PoolSettings

from test_batch import FakeChecker, _files


def test_a_pool_serves_many_submissions_and_survives_a_bad_file(tmp_path):
    files = _files(tmp_path, ["a.txt", "die.txt", "b.txt", "hang.txt", "c.txt"])
    with CheckPool(FakeChecker, PoolSettings(jobs=2, timeout=2, max_memory_mb=0)) as pool:
        futures = {f.name: pool.submit(f) for f in files}
        reports = {name: future.result(timeout=60) for name, future in futures.items()}
        # the pool is still usable after a crash and a timeout
        later = pool.submit(files[0]).result(timeout=30)
    assert {n: (r.error.code if r.error else "ok") for n, r in reports.items()} == {
        "a.txt": "ok", "die.txt": "crashed", "b.txt": "ok", "hang.txt": "timeout", "c.txt": "ok"}
    assert later.status == "ok"


def test_closing_resolves_what_is_still_queued(tmp_path):
    files = _files(tmp_path, ["hang1.txt", "hang2.txt", "hang3.txt"])
    pool = CheckPool(FakeChecker, PoolSettings(jobs=1, timeout=60, max_memory_mb=0))
    futures = [pool.submit(f) for f in files]
    time.sleep(0.5)
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 15
    assert all(f.result(timeout=1).error.code == "crashed" for f in futures)
    with pytest.raises(RuntimeError, match="closed"):
        pool.submit(files[0])


def test_roles_given_with_a_task_replace_inference(tmp_path):
    from contractkit.checking.checker import Checker

    contract = Path(__file__).resolve().parent.parent / "samples" / "contracts" / "om-platform-maintenance.docx"
    checker = Checker()
    checker.engine.warm_up()
    with CheckPool(lambda: checker, PoolSettings(jobs=1)) as pool:
        inferred = pool.submit(contract).result(timeout=60)
        labels = [p.label for p in inferred.parties]
        given = pool.submit(contract, roles={labels[0]: ["provider"], labels[1]: ["hardware"]}).result(timeout=60)
        again = pool.submit(contract).result(timeout=60)
    assert given.pairs == ("provider-hardware",)
    assert again.pairs == inferred.pairs  # the override did not stick to the worker
