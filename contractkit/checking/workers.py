"""A pool of long-lived checking processes, each file under a time and memory limit.

Each worker builds its Checker once (forked from a parent that has already
loaded the NLP pipeline, the pages are shared) and checks one file at a time.
A file that hangs past the time limit, exhausts the memory limit or kills its
worker resolves to that file's error report; the worker is replaced and the
pool goes on. ``submit`` returns a ``concurrent.futures.Future``, so the CLI
batch can wait on it and the web service can await it off its event loop.

The workers die with the process that started them, however it ends: on
Linux the kernel kills each one when its parent dies (``PR_SET_PDEATHSIG``),
and everywhere each watches a pipe whose writing end only the parent holds,
and exits when it reads its end. They leave SIGINT (Ctrl-C reaches the whole
process group) to the parent, which stops them, and SIGTERM stops them.

The pool is the default engine, for its per-file limits. ``check_file`` is the
same check as a module-level function of picklable arguments (a ``CheckJob`` and
a path), for any ``concurrent.futures.Executor`` — a ``ProcessPoolExecutor``,
Dask's ``client.get_executor()`` — that ``batch.run_batch(executor=…)`` is given.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contractkit.organisation import Organisation
from contractkit.reading.errors import ERROR_ADVICE
from contractkit.results.model import DocumentError, DocumentReport

if TYPE_CHECKING:
    from contractkit.checking.checker import Checker, CheckSettings
    from contractkit.checking.understanding.nlp import NlpEngine
    from contractkit.requests import RoleAssignments
    from contractkit.standard import Standard


@dataclass(frozen=True)
class PoolSettings:
    jobs: int = 0  # 0: one per CPU
    timeout: float = 120.0  # seconds per file
    max_memory_mb: int = 3072  # address-space limit per worker

    @property
    def workers(self) -> int:
        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)


@dataclass(frozen=True)
class Task:
    """One file to check; ``roles``/``options``/``organisation`` replace the pool checker's own settings.

    ``organisation`` is a 1-tuple when given, so that "check without our organisation"
    (``(None,)``) differs from "as the pool's checker is set up" (``None``).
    """

    path: Path
    roles: RoleAssignments | None = None
    options: tuple[str, ...] | None = None
    organisation: tuple[Organisation | None] | None = None
    display_name: str | None = None  # how error messages name the file (default: the path)
    playbook: Any = None  # a contractkit.playbooks.Playbook to judge beside the standard (None: the pool's own)
    future: Future = field(default_factory=Future, compare=False)


_KEEP = object()  # submit(): the pool checker's own organisation


def error_report(path: Path, code: str, detail: str, seconds: float = 0.0,
                 display_name: str | None = None) -> DocumentReport:
    message = f"{path if display_name is None else display_name}: {detail} — {ERROR_ADVICE[code]}"
    return DocumentReport(path=path, status="error", error=DocumentError(code, message), seconds=seconds)


class PoolClosed(Exception):
    """What the future of a file not yet checked fails with when the pool is closed with
    ``keep_unfinished=True``: the file was not checked, and nothing was found wrong with it."""


class CheckPool:
    """``workers`` processes fed from one queue by a supervising thread."""

    def __init__(self, checker_factory: Callable, settings: PoolSettings = PoolSettings(), size: int | None = None):
        self.settings = settings
        self._context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        self._factory = checker_factory
        self._queue: queue.Queue[Task | None] = queue.Queue()
        self._closed = threading.Event()
        # Wakes the supervisor when a file is queued while it waits on busy workers, so that an idle worker
        # starts it at once (not at the end of the wait): a byte down a pipe, at most one unread.
        self._wake_read, self._wake_write = self._context.Pipe(duplex=False)
        self._wake_lock = threading.Lock()
        self._wake_sent = False
        # The workers' lifeline: they read its end, and only this process holds the writing end (each
        # worker closes its inherited copy at once), so a worker reads end-of-file when we are gone.
        self._lifeline_read, self._lifeline_write = os.pipe()
        self._keep_unfinished = False
        self._supervisor = threading.Thread(target=self._supervise, name="contractkit-pool", daemon=True)
        self._workers = [self._new_worker() for _ in range(size or settings.workers)]
        self._supervisor.start()

    # ------------------------------------------------------------ public
    def submit(self, path: str | Path, *, roles: RoleAssignments | None = None, options=None, organisation=_KEEP,
               display_name: str | None = None, playbook=None) -> Future:
        """Queue ``path``; the future resolves to its DocumentReport (never raises for a bad file).

        ``organisation``: whose side we are on for this file (None: nobody's); by default the
        pool checker's own. ``display_name``: how error messages name the file (default: the path).
        ``playbook``: the firm's positions to judge too (None: the pool checker's own, usually none).
        """
        if self._closed.is_set():
            raise RuntimeError("the checking pool is closed")
        task = Task(
            Path(path),
            {label: tuple(r) for label, r in roles.items()} if roles is not None else None,
            tuple(options) if options is not None else None,
            None if organisation is _KEEP else (organisation,),
            display_name,
            playbook,
        )
        task.future.set_running_or_notify_cancel()
        self._queue.put(task)
        self._wake()
        return task.future

    def _wake(self) -> None:
        with self._wake_lock:
            if not self._wake_sent:
                self._wake_sent = True
                try:
                    self._wake_write.send_bytes(b"")
                except OSError:  # closed: the pool is shutting down
                    pass

    def close(self, *, keep_unfinished: bool = False) -> None:
        """Stop the workers. The files not yet checked (queued, or being checked: that check is
        stopped) resolve to a 'crashed' error, or with ``keep_unfinished`` fail with ``PoolClosed``,
        for a caller that keeps them to check later (the review service, stopped the normal way)."""
        if self._closed.is_set():
            return
        self._keep_unfinished = keep_unfinished
        self._closed.set()
        self._queue.put(None)
        self._wake()
        self._supervisor.join(timeout=10)

    def __enter__(self) -> CheckPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ supervising
    def _new_worker(self) -> _Worker:
        # The kernel's parent-death signal follows the thread that forked the worker: ask for it only
        # from threads that live as long as the pool (the main thread, this pool's supervisor).
        forker = threading.current_thread()
        lives_long = forker is threading.main_thread() or forker is self._supervisor
        forked = self._context.get_start_method() == "fork"  # a spawned worker inherits no descriptors
        lifeline = (self._lifeline_read, self._lifeline_write, os.getpid(), lives_long) if forked else None
        return _Worker(self._context, self._factory, self.settings.max_memory_mb, lifeline)

    def _replace(self, worker: _Worker) -> _Worker:
        worker.stop()
        return self._new_worker()

    def _supervise(self) -> None:
        try:
            while not self._closed.is_set():
                self._feed_idle_workers()
                busy = [w.connection for w in self._workers if w.task]
                if not busy:
                    continue
                idle = len(busy) < len(self._workers)  # then a file queued meanwhile should wake us
                ready = multiprocessing.connection.wait([*busy, self._wake_read] if idle else busy, timeout=0.2)
                if self._wake_read in ready:
                    self._woken()
                finished = self._collect(ready)
                if finished:
                    # The freed workers get their next files first: a future's callbacks (the review
                    # service records each result in its database) run in this thread, and must not
                    # keep the workers idle meanwhile.
                    try:
                        self._feed_idle_workers(wait=False)
                    finally:
                        for task, report in finished:
                            task.future.set_result(report)
        finally:
            self._shutdown()

    def _woken(self) -> None:
        with self._wake_lock:
            while self._wake_read.poll():
                self._wake_read.recv_bytes()
            self._wake_sent = False

    def _feed_idle_workers(self, wait: bool = True) -> None:
        for index, worker in enumerate(self._workers):
            if worker.task:
                continue
            any_busy = any(w.task for w in self._workers)
            try:
                # Block briefly only when nothing is running, so results are collected promptly.
                task = self._queue.get(timeout=0.2) if wait and not any_busy else self._queue.get_nowait()
            except queue.Empty:
                return
            if task is None:
                self._closed.set()
                return
            if not worker.process.is_alive():
                worker = self._workers[index] = self._replace(worker)
            worker.start(task)

    def _collect(self, ready) -> list[tuple[Task, DocumentReport]]:
        """The reports of the workers in ``ready``, their workers freed (futures not yet resolved); a
        worker that died or ran out of time is replaced and its file resolved to an error at once."""
        now = time.monotonic()
        finished: list[tuple[Task, DocumentReport]] = []
        for index, worker in enumerate(self._workers):
            task = worker.task
            if not task:
                continue
            if worker.connection in ready:
                try:
                    report = worker.connection.recv()
                except (EOFError, OSError):
                    self._lose(index, task, "crashed", "the checking process stopped unexpectedly")
                    continue
                worker.task = None
                finished.append((task, report))
            elif not worker.process.is_alive():
                self._lose(index, task, "crashed", "the checking process stopped unexpectedly")
            elif now - worker.started > self.settings.timeout:
                self._lose(index, task, "timeout", f"no result after {self.settings.timeout:g} s")
        return finished

    def _lose(self, index: int, task: Task, code: str, detail: str) -> None:
        """The worker running ``task`` failed: the task gets an error report, the worker is replaced."""
        worker = self._workers[index]
        report = error_report(task.path, code, detail, time.monotonic() - worker.started, task.display_name)
        worker.task = None
        self._workers[index] = self._replace(worker)
        task.future.set_result(report)

    def _shutdown(self) -> None:
        with self._wake_lock:
            self._wake_sent = True  # nothing more is sent
            self._wake_read.close()
            self._wake_write.close()
        unfinished = []
        for worker in self._workers:
            if worker.task:
                unfinished.append(worker.task)
            worker.stop()
        os.close(self._lifeline_write)  # the workers are stopped; nothing reads the lifeline any more
        os.close(self._lifeline_read)
        while True:
            try:
                task = self._queue.get_nowait()
            except queue.Empty:
                break
            if task is not None:
                unfinished.append(task)
        for task in unfinished:
            if self._keep_unfinished:
                task.future.set_exception(PoolClosed(f"{task.display_name or task.path}: not checked yet"))
            else:
                task.future.set_result(error_report(task.path, "crashed", "the service stopped",
                                                    display_name=task.display_name))


class _Worker:
    def __init__(self, context, checker_factory, max_memory_mb, lifeline=None):
        """``lifeline``: (read fd, write fd, parent pid, whether to ask for the parent-death signal)."""
        self.context, self.factory, self.max_memory_mb = context, checker_factory, max_memory_mb
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main, args=(child, checker_factory, max_memory_mb, lifeline), daemon=True
        )
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.started = 0.0

    def start(self, task: Task) -> None:
        self.task, self.started = task, time.monotonic()
        self.connection.send(
            (str(task.path), dict(task.roles) if task.roles is not None else None, task.options, task.organisation,
             task.display_name, task.playbook)
        )

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


def _worker_main(connection, checker_factory, max_memory_mb, lifeline=None) -> None:
    _die_with_parent(lifeline)
    _limit_memory(max_memory_mb)
    base = None
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if task is None:
            return
        path, roles, options, organisation, display_name, playbook = task
        started = time.monotonic()
        try:
            base = base or checker_factory()
            checker = _with_overrides(base, roles, options, organisation, playbook)
        except Exception as exc:
            report = error_report(Path(path), "crashed", f"{type(exc).__name__}: {exc}".splitlines()[0],
                                  display_name=display_name)
        else:
            report = check_one(checker, Path(path), max_memory_mb, display_name)
        if not report.seconds:
            report = replace(report, seconds=time.monotonic() - started)
        connection.send(report)


def _with_overrides(base, roles, options, organisation=None, playbook=None):
    """The pool's checker, or a sibling sharing its pipeline with other roles/options/organisation/playbook."""
    own = getattr(getattr(base, "settings", None), "organisation", None)
    if organisation is not None and organisation[0] == own:
        organisation = None  # the same as the pool's own: nothing to replace
    if roles is None and options is None and organisation is None and playbook is None:
        return base
    from contractkit.checking.checker import Checker

    settings = replace(
        base.settings,
        roles=roles if roles is not None else base.settings.roles,
        options=frozenset(options) if options is not None else base.settings.options,
        organisation=organisation[0] if organisation is not None else base.settings.organisation,
        playbook=playbook if playbook is not None else base.settings.playbook,
    )
    return Checker(settings, engine=base.engine, standard=base.standard)


def check_one(checker, path: Path, max_memory_mb: int | None = None, display_name: str | None = None) -> DocumentReport:
    """Check one file; an unexpected failure becomes that file's error report."""
    try:
        if display_name is None:
            return checker.check_path(path)
        return checker.check_path(path, display_name=display_name)
    except MemoryError:
        limit = f"more than {max_memory_mb} MB" if max_memory_mb else "too much memory"
        return error_report(Path(path), "memory", f"{limit} needed", display_name=display_name)
    except Exception as exc:  # one file's bug must not end the batch
        traceback.print_exc()
        return error_report(Path(path), "crashed", f"{type(exc).__name__}: {exc}".splitlines()[0],
                            display_name=display_name)


# ------------------------------------------------------------------ the check any executor can run
@dataclass(frozen=True)
class CheckJob:
    """What a process needs to check files, all of it picklable: how to check (``settings``; None: the
    defaults) and against which standard (the folder or manifest of its data; None: the one shipped).
    Travels with each file to the processes of an executor, which build their checker from it once."""

    settings: CheckSettings | None = None
    standard: str | None = None

    @classmethod
    def of(cls, checker: Checker) -> CheckJob:
        """The job that checks as ``checker`` does (its standard by its data folder's manifest)."""
        from contractkit.standard import default_standard

        standard = checker.standard
        return cls(checker.settings, None if standard is default_standard() else str(standard.manifest_path))


def check_file(job: CheckJob, path: str | os.PathLike[str], display_name: str | None = None) -> DocumentReport:
    """Check one file in this process as ``job`` says; never raises for a bad file (its error report).

    Module-level, of picklable arguments and result: what ``batch.run_batch`` submits to an executor
    (``executor.submit(check_file, job, path)``). The first call in a process loads the language
    pipeline (once per standard), later calls reuse it. No time or memory limit applies here: that is
    the executor's to impose (``CheckPool`` imposes its own).
    """
    started = time.monotonic()
    try:
        checker = checker_for_job(job)
    except Exception as exc:  # e.g. a standard folder the executor's machine does not have
        report = error_report(Path(path), "crashed", f"{type(exc).__name__}: {exc}".splitlines()[0],
                              display_name=display_name)
    else:
        report = check_one(checker, Path(path), None, display_name)
    return report if report.seconds else replace(report, seconds=time.monotonic() - started)


# This process's checkers, by job (a pickled CheckJob: CheckSettings holds a mapping, so no hash), and
# their language pipelines, by standard: what check_file builds once and reuses.
_CHECKERS: dict[bytes, Checker] = {}
_ENGINES: dict[str | None, tuple[Standard, NlpEngine]] = {}
_MAX_CHECKERS = 16


def checker_for_job(job: CheckJob) -> Checker:
    """This process's checker for ``job``, built on first use (the language pipeline once per standard)."""
    import pickle

    from contractkit.checking.checker import Checker

    key = pickle.dumps(job)
    checker = _CHECKERS.get(key)
    if checker is None:
        if job.standard not in _ENGINES:
            from contractkit.standard import default_standard, load_standard

            standard = default_standard() if job.standard is None else load_standard(job.standard)
            engine = Checker(standard=standard).engine
            engine.warm_up()
            _ENGINES[job.standard] = standard, engine
        standard, engine = _ENGINES[job.standard]
        if len(_CHECKERS) >= _MAX_CHECKERS:
            _CHECKERS.pop(next(iter(_CHECKERS)))
        checker = _CHECKERS[key] = Checker(job.settings, engine=engine, standard=standard)
    return checker


def _die_with_parent(lifeline) -> None:
    """In a new worker: end with the parent (see the module's doc); SIGTERM stops it, SIGINT is the parent's."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the handler a web server installed in the parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if lifeline is None:
        return
    read_end, write_end, parent, parent_death_signal = lifeline
    os.close(write_end)
    if parent_death_signal and sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass  # the pipe below still ends the worker
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)

    def watch() -> None:
        try:
            while os.read(read_end, 1):
                pass
        except OSError:
            pass
        os._exit(1)  # end-of-file: the parent is gone

    threading.Thread(target=watch, name="contractkit-lifeline", daemon=True).start()


def _limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass  # not every platform lets a process cap itself
