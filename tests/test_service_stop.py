"""No lost work: a real `contractkit serve` stopped mid-batch the normal way (SIGTERM, as systemd or
Ctrl-C stops it) leaves the files it had not checked queued, and checks them on the next start; killed
outright (kill -9), its checking processes do not outlive it."""

from __future__ import annotations

import os
import signal
import time

import sqlalchemy as sa

from contractkit.service.database import create_database_engine

from service_support import SAMPLES, alive, api_json, children_of, multipart, start_serve, stop_serve

BATCH = 60  # distinct contracts, each a fraction of a second to check with one worker


def _contracts() -> list[tuple[str, bytes]]:
    text = (SAMPLES / "it-outsourcing-generic.txt").read_text(encoding="utf-8") * 12
    return [(f"合同{n:03d}.txt", f"{text}\n合同编号：HT-{n:03d}\n".encode()) for n in range(BATCH)]


def _states(data_dir) -> dict[str, int]:
    engine = create_database_engine(f"sqlite:///{data_dir / 'contractkit.sqlite3'}")
    with engine.connect() as db:
        rows = db.execute(sa.text("SELECT status, error_code, count(*) FROM documents GROUP BY status, error_code"))
        states = {f"{status}:{code}" if code else status: count for status, code, count in rows}
    engine.dispose()
    return states


def test_a_graceful_stop_mid_batch_leaves_the_rest_queued_and_the_next_start_checks_them(tmp_path):
    data_dir = tmp_path / "data"
    process, base, log = start_serve(data_dir, "--jobs", "1")
    try:
        body, content_type = multipart(_contracts())
        review = api_json(base, "/api/reviews", "POST", body, {"Content-Type": content_type})
        deadline = time.monotonic() + 120
        while api_json(base, f"/api/reviews/{review['id']}")["totals"]["finished"] < 3:
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)  # mid-batch: a file being checked, many queued
        assert process.wait(timeout=60) in (0, -signal.SIGTERM)  # uvicorn ends as the signal asked
        assert "Application shutdown complete" in log.read_text(errors="replace")  # a graceful stop
    finally:
        stop_serve(process)
    stopped = _states(data_dir)
    assert not [state for state in stopped if state.startswith("error")], stopped  # nothing marked crashed
    assert stopped.get("queued", 0) > 0 and stopped.get("done", 0) >= 3, stopped
    assert sum(stopped.values()) == BATCH
    assert f"stopped: {stopped['queued']} file(s) left queued, to be checked on the next start" in log.read_text(
        errors="replace")

    process, base, log = start_serve(data_dir, "--jobs", "1")
    try:
        deadline = time.monotonic() + 180
        while not (again := api_json(base, f"/api/reviews/{review['id']}"))["finished"]:
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.25)
    finally:
        stop_serve(process)
    assert {d["status"] for d in again["documents"]} == {"done"}
    assert again["totals"]["errors"] == 0 and again["totals"]["finished"] == BATCH


def test_the_checking_processes_die_with_a_killed_service(tmp_path):
    process, _, log = start_serve(tmp_path / "data", "--jobs", "2")
    try:
        workers = children_of(process.pid)
        assert len(workers) >= 2, (workers, log.read_text(errors="replace"))
        os.kill(process.pid, signal.SIGKILL)  # no chance to stop them itself
        process.wait(timeout=10)
        deadline = time.monotonic() + 20
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if alive(pid)], "checking processes outlived the service"
    finally:
        stop_serve(process)
