"""Check many files: collect them, run them in isolated worker processes, keep order.

Each worker builds its Checker once and checks one file at a time. A file
that hangs past the time limit, exhausts the memory limit or kills its worker
becomes that file's error; the worker is replaced and the batch goes on.
"""

from __future__ import annotations

import fnmatch
import multiprocessing
import multiprocessing.connection
import os
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from contractkit.reading.errors import ERROR_ADVICE
from contractkit.results.model import DocumentError, DocumentReport

DEFAULT_INCLUDE = ("*.docx", "*.doc", "*.wps", "*.pdf", "*.txt", "*.md")


@dataclass(frozen=True)
class BatchSettings:
    jobs: int = 0  # 0: one per CPU
    timeout: float = 120.0  # seconds per file
    max_memory_mb: int = 3072  # address-space limit per worker
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()

    @property
    def workers(self) -> int:
        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)


def collect(paths: Iterable[str | Path], include=DEFAULT_INCLUDE, exclude=()) -> list[Path]:
    """Files named directly, plus matching files under folders (symlinked folders not followed)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = []
            for folder, _dirs, files in os.walk(path, followlinks=False):
                for name in files:
                    candidate = Path(folder) / name
                    relative = str(candidate.relative_to(path))
                    if _matches(name, relative, include) and not _matches(name, relative, exclude):
                        inside.append(candidate)
            found.extend(sorted(inside))  # a stable order, whatever the file system returns
        else:
            found.append(path)  # named explicitly: always checked, errors reported
    return list(dict.fromkeys(found))


def _matches(name: str, relative: str, patterns) -> bool:
    return any(fnmatch.fnmatch(name.lower(), p.lower()) or fnmatch.fnmatch(relative, p) for p in patterns)


def error_report(path: Path, code: str, detail: str, seconds: float = 0.0) -> DocumentReport:
    message = f"{path}: {detail} — {ERROR_ADVICE[code]}"
    return DocumentReport(path=path, status="error", error=DocumentError(code, message), seconds=seconds)


def run_batch(
    files: list[Path],
    checker_factory: Callable,
    settings: BatchSettings = BatchSettings(),
    progress: Callable[[DocumentReport], None] | None = None,
) -> list[DocumentReport]:
    """Check ``files``; reports come back in the order of ``files``."""
    reports: dict[int, DocumentReport] = {}
    for index, report in _run(files, checker_factory, settings):
        reports[index] = report
        if progress:
            progress(report)
    return [reports[i] for i in range(len(files))]


def _run(files, checker_factory, settings) -> Iterator[tuple[int, DocumentReport]]:
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    pending = list(enumerate(files))[::-1]
    workers: list[_Worker] = []
    for _ in range(min(settings.workers, len(files))):
        workers.append(_Worker(context, checker_factory, settings.max_memory_mb))
    try:
        while pending or any(w.busy for w in workers):
            for worker in workers:
                if not worker.busy and pending:
                    worker.start(*pending.pop())
            ready = multiprocessing.connection.wait(
                [w.connection for w in workers if w.busy], timeout=0.2
            )
            now = time.monotonic()
            for worker in list(workers):
                if not worker.busy:
                    continue
                if worker.connection in ready:
                    try:
                        index, report = worker.connection.recv()
                    except (EOFError, OSError):
                        yield worker.index, _lost(worker, "crashed", "the checking process stopped unexpectedly")
                        workers[workers.index(worker)] = worker.replace()
                        continue
                    worker.busy = False
                    yield index, report
                elif not worker.process.is_alive():
                    yield worker.index, _lost(worker, "crashed", "the checking process stopped unexpectedly")
                    workers[workers.index(worker)] = worker.replace()
                elif now - worker.started > settings.timeout:
                    yield worker.index, _lost(worker, "timeout", f"no result after {settings.timeout:g} s")
                    workers[workers.index(worker)] = worker.replace()
    finally:
        for worker in workers:
            worker.stop()


def _lost(worker: "_Worker", code: str, detail: str) -> DocumentReport:
    return error_report(worker.path, code, detail, time.monotonic() - worker.started)


class _Worker:
    def __init__(self, context, checker_factory, max_memory_mb):
        self.context, self.factory, self.max_memory_mb = context, checker_factory, max_memory_mb
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child, checker_factory, max_memory_mb), daemon=True
        )
        self.process.start()
        child.close()
        self.busy, self.index, self.path, self.started = False, -1, None, 0.0

    def start(self, index: int, path: Path) -> None:
        self.busy, self.index, self.path, self.started = True, index, path, time.monotonic()
        self.connection.send((index, path))

    def replace(self) -> "_Worker":
        self.stop()
        return _Worker(self.context, self.factory, self.max_memory_mb)

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(timeout=0.5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def _worker_main(connection, checker_factory, max_memory_mb) -> None:
    _limit_memory(max_memory_mb)
    checker = None
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, path = task
        started = time.monotonic()
        try:
            checker = checker or checker_factory()
        except Exception as exc:
            report = error_report(Path(path), "crashed", f"{type(exc).__name__}: {exc}".splitlines()[0])
        else:
            report = check_one(checker, Path(path), max_memory_mb)
        connection.send((index, _timed(report, time.monotonic() - started)))


def check_one(checker, path: Path, max_memory_mb: int | None = None) -> DocumentReport:
    """Check one file; an unexpected failure becomes that file's error report."""
    try:
        return checker.check_path(path)
    except MemoryError:
        limit = f"more than {max_memory_mb} MB" if max_memory_mb else "too much memory"
        return error_report(Path(path), "memory", f"{limit} needed")
    except Exception as exc:  # one file's bug must not end the batch
        traceback.print_exc()
        return error_report(Path(path), "crashed", f"{type(exc).__name__}: {exc}".splitlines()[0])


def _timed(report: DocumentReport, seconds: float) -> DocumentReport:
    from dataclasses import replace

    return replace(report, seconds=seconds) if not report.seconds else report


def _limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass  # not every platform lets a process cap itself
