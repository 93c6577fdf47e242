"""Check many files: collect them, run them in the worker pool (``workers``), keep order.

Collecting a folder never loses a file silently: every file under it that is not
checked comes back in ``Collection.skipped`` with a code and the reason (what it is
and what to do), and every report format lists them.
"""

from __future__ import annotations

import fnmatch
import functools
import itertools
import os
import re
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from pathlib import Path

from contractkit.checking.workers import CheckJob, CheckPool, PoolSettings, check_file, checker_for_job, error_report
from contractkit.reading.errors import ERROR_ADVICE_ZH
from contractkit.results.model import CheckRun, DocumentReport, SkipCode, SkippedFile

DEFAULT_INCLUDE = ("*.docx", "*.odt", "*.doc", "*.wps", "*.pdf", "*.txt", "*.md")


@dataclass(frozen=True)
class BatchSettings(PoolSettings):
    """The pool's limits (jobs, timeout, max_memory_mb) plus which files of a folder to take."""

    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()


class Collection(list):
    """The files to check, in order (a list of paths, as ``collect`` always returned), and
    ``skipped``: the files under the folders that are not checked, each with its reason."""

    def __init__(self, files: Iterable[Path] = (), skipped: Iterable[SkippedFile] = ()):
        super().__init__(files)
        self.skipped: tuple[SkippedFile, ...] = tuple(skipped)


def collect(paths: Iterable[str | Path], include=DEFAULT_INCLUDE, exclude=()) -> Collection:
    """Files named directly, plus matching files under folders (symlinked folders not followed);
    the files under the folders that are left out, and why, in ``.skipped``."""
    found: list[Path] = []
    skipped: list[SkippedFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside, left_out = [], []
            for folder, dirs, files in os.walk(path, followlinks=False):
                for name in list(dirs):
                    why = _skipped_folder(name)
                    if why:  # not searched, said once for the whole folder
                        dirs.remove(name)
                        left_out.append(SkippedFile(Path(folder) / name, why[1], why[0]))
                for name in files:
                    candidate = Path(folder) / name
                    relative = str(candidate.relative_to(path))
                    why = _skipped_file(candidate, name, relative, include, exclude)
                    if why is None:
                        inside.append(candidate)
                    else:
                        left_out.append(SkippedFile(candidate, why[1], why[0]))
            found.extend(sorted(inside))  # a stable order, whatever the file system returns
            skipped.extend(sorted(left_out, key=lambda s: s.path))
        else:
            found.append(path)  # named explicitly: always checked, errors reported
    to_check = list(dict.fromkeys(found))
    checked = set(to_check)
    unique = {s.path: s for s in skipped if s.path not in checked}  # e.g. a folder and a file in it
    return Collection(to_check, unique.values())


def _matches(name: str, relative: str, patterns) -> bool:
    return any(fnmatch.fnmatch(name.lower(), p.lower()) or fnmatch.fnmatch(relative, p) for p in patterns)


# ------------------------------------------------------------------ why a file is not checked
_UNSUPPORTED = ERROR_ADVICE_ZH["unsupported"]  # 不支持的文件类型，请转换为 …
_CONVERT = "另存为 .docx 后再检查"
_NOT_A_CONTRACT = "不是合同文本；合同请另存为 .docx 或 .pdf"
# What a file of another type is, and what to do with it, by extension.
_OTHER_TYPES: dict[tuple[str, ...], str] = {
    (".wps", ".wpt"): f"WPS 文字文件：请用 WPS {_CONVERT}",
    (".ott", ".fodt"): f"OpenDocument 模板或单文件文本：请用 WPS、Word 或 LibreOffice {_CONVERT}",
    (".rtf",): f"RTF 文档：请用 Word 或 WPS {_CONVERT}",
    (".pages",): "Pages 文稿：请在 Pages 中导出为 Word（.docx）后再检查",
    (".docm", ".dotx", ".dotm", ".dot"): f"Word 模板或含宏的文档：请在 Word 中{_CONVERT}",
    (".ofd",): "OFD 版式文件：请导出为带文字层的 PDF 后再检查",
    (".xml",): f"XML 文件：如果是 Word XML 文档，请用 Word {_CONVERT}",
    (".htm", ".html", ".mht", ".mhtml"): f"网页：请用 Word 打开并{_CONVERT}",
    (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".webp"):
        "图片：如果是合同扫描件，请先做文字识别（OCR），或索取原始文档",
    (".xls", ".xlsx", ".xlsm", ".et", ".ods", ".csv", ".numbers"): f"电子表格，{_NOT_A_CONTRACT}",
    (".ppt", ".pptx", ".dps", ".odp", ".key"): f"演示文稿，{_NOT_A_CONTRACT}",
    (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz"): "压缩包：请先解压，再检查解压出的文件夹",
}
_BY_SUFFIX = {suffix: advice for suffixes, advice in _OTHER_TYPES.items() for suffix in suffixes}
# Files contractkit itself writes: an annotated copy (cli --annotate) and reports (formatters).
_ANNOTATED = re.compile(r".+\.annotated(-\d+)?\.docx", re.IGNORECASE)
_REPORT_SUFFIXES = (".json", ".jsonl", ".html", ".htm", ".csv", ".txt")
_REPORT_MARKS = (
    b'"schema": "contractkit.check/',  # json
    b'{"schema": "contractkit.check-stream/',  # jsonl: its first line
    b'<meta name="generator" content="contractkit">',  # html
    "\ufeff文件,文件状态,".encode(),  # csv: byte-order mark, then the header of formatters.tables
)
_TERMINAL_REPORT_TITLE = "云服务合同安全责任检查"  # the first line of the terminal format, saved to a file
_OLE = bytes.fromhex("D0CF11E0A1B11AE1")


def _hidden(name: str) -> bool:
    """A dot file or folder (.DS_Store, ._合同.docx, .git); a name starting with ".." is just an odd name."""
    return name.startswith(".") and not name.startswith("..")


def _skipped_folder(name: str) -> tuple[SkipCode, str] | None:
    if _hidden(name):
        return "hidden", "隐藏文件夹（名称以“.”开头），未搜索其中的文件"
    if name == "__MACOSX":
        return "hidden", "macOS 压缩时留下的元数据文件夹，未搜索其中的文件"
    return None


def _skipped_file(path: Path, name: str, relative: str, include, exclude) -> tuple[SkipCode, str] | None:
    """(code, reason) of a file under a folder that is not to be checked; None to check it."""
    for pattern in exclude:
        if _matches(name, relative, (pattern,)):
            return "excluded", f"与 --exclude {pattern} 匹配"
    if name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#")) or (
        name.upper().startswith("~WR") and name.lower().endswith(".tmp")
    ):
        return "lock-file", "Word/WPS 打开文档时生成的临时锁文件，不是合同"
    if _hidden(name):
        return "hidden", "隐藏文件（名称以“.”开头）；如果是合同，请去掉名称开头的“.”"
    if _ANNOTATED.fullmatch(name):
        return "own-output", "contractkit 写出的批注副本（--annotate）；请检查原合同"
    suffix = path.suffix.lower()
    if suffix in _REPORT_SUFFIXES and _is_our_report(path):
        return "own-output", "contractkit 写出的检查报告"
    if _matches(name, relative, include):
        return None
    if _matches(name, relative, DEFAULT_INCLUDE):
        return "not-included", f"不在 --include 所选的文件中（{' '.join(include)}）"
    if suffix in _BY_SUFFIX:
        return "unsupported", f"{suffix} {_BY_SUFFIX[suffix]}"
    head = _head(path, 8)
    shown = suffix or "（无扩展名）"
    if head.startswith(b"%PDF-"):
        return "misnamed", f"内容是 PDF，扩展名却是 {shown}：改为 .pdf 后即可检查"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "misnamed", f"内容是 zip 格式，扩展名却是 {shown}：如果是 Word 文档，改为 .docx 后即可检查"
    if head.startswith(_OLE):
        return "unsupported", f"内容是 Office 97-2003 或 WPS 二进制文件（{shown}）：请用 Word 或 WPS {_CONVERT}"
    return "unsupported", f"{shown} 文件：{_UNSUPPORTED}"


def _is_our_report(path: Path) -> bool:
    head = _head(path, 4096)
    if any(mark in head for mark in _REPORT_MARKS):
        return True
    first = head.decode("utf-8", errors="ignore").lstrip("\ufeff").split("\n", 1)[0].strip()
    return first.endswith(_TERMINAL_REPORT_TITLE)


def _head(path: Path, size: int) -> bytes:
    """The first bytes of a regular file (never a FIFO or device); empty when it cannot be read."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return b""
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def default_window(workers: int) -> int:
    """How many files a batch keeps in flight: enough to keep ``workers`` busy past a slow file, few
    enough that the reports waiting for their turn stay a few megabytes."""
    return max(32, 4 * workers)


def run_batch(
    files: Iterable[Path],
    checker_factory: Callable | None = None,
    settings: BatchSettings = BatchSettings(),
    progress: Callable[[DocumentReport], None] | None = None,
    *,
    executor: Executor | None = None,
    job: CheckJob | None = None,
    window: int | None = None,
) -> Iterator[DocumentReport]:
    """Check ``files``, yielding each report in the order of ``files`` as soon as it and those before it
    are done. A generator: memory stays flat in the number of files, whatever it is.

    At most ``window`` files (default ``default_window``) are submitted and not yet yielded: the next
    file is submitted only as one leaves. ``progress`` is called once per report as each completes (in
    the order they complete, in the thread iterating), a broken file included: every file yields a
    report, a bad one its error.

    By default the files go to a ``CheckPool`` of ``settings.workers`` processes (each file under its
    time and memory limits) whose workers build their checker with ``checker_factory``, or from ``job``.
    With ``executor`` (any ``concurrent.futures.Executor``: a ``ProcessPoolExecutor``, Dask's
    ``client.get_executor()`` …), each file is ``executor.submit(check_file, job, path)`` instead: ``job``
    (default ``CheckJob()``) says how to check, the executor's own limits apply, and it is left open.
    A future that fails (its process lost) becomes that file's "crashed" error.
    """
    if executor is not None:
        job = job or CheckJob()
        return _windowed(files, lambda path: executor.submit(check_file, job, path), progress, window)
    if checker_factory is None:
        checker_factory = functools.partial(checker_for_job, job or CheckJob())
    return _pooled(files, checker_factory, settings, progress, window)


def _pooled(files, checker_factory, settings: BatchSettings, progress, window) -> Iterator[DocumentReport]:
    workers = min(settings.workers, len(files)) if isinstance(files, Sequence) else settings.workers
    upcoming = iter(files)  # any iterable: a list, or paths found while the batch runs
    first = next(upcoming, None)
    if first is None:
        return
    with CheckPool(checker_factory, settings, size=workers) as pool:
        # The pool's own queue is unbounded: the window bounds what is handed to it.
        yield from _windowed(itertools.chain([first], upcoming), pool.submit, progress,
                             window or default_window(workers))


def _windowed(files: Iterable[Path], submit: Callable[[Path], Future], progress,
              window: int | None) -> Iterator[DocumentReport]:
    window = max(1, window or default_window(os.cpu_count() or 1))
    upcoming = iter(files)
    pending: deque[Future] = deque()  # submitted and not yet yielded, in the order of files
    paths: dict[Future, Path] = {}
    unreported: set[Future] = set()  # of those, not yet given to progress
    try:
        while True:
            while len(pending) < window:
                path = next(upcoming, None)
                if path is None:
                    break
                future = _submit(submit, path)
                pending.append(future)
                paths[future] = path
                unreported.add(future)
            if not pending:
                return
            head = pending[0]
            # Wait for the first file's report, telling progress of every other one done meanwhile.
            while head in unreported:
                done, _ = wait(unreported, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=pending.index) if len(done) > 1 else done:
                    unreported.discard(future)
                    if progress:
                        progress(_report(future, paths[future]))
            pending.popleft()
            yield _report(head, paths.pop(head))
    finally:  # stopped early (an error, a consumer that had enough): nothing more is started for us
        for future in pending:
            future.cancel()


def _submit(submit: Callable[[Path], Future], path: Path) -> Future:
    """The future of ``path``'s report; an executor that refuses it (shut down, broken) fails only it.
    An engine's own kind of future (``result()`` and ``add_done_callback``) is chained to a standard one."""
    try:
        future = submit(path)
    except Exception as exc:
        failed: Future = Future()
        failed.set_exception(exc)
        return failed
    if isinstance(future, Future):
        return future
    chained: Future = Future()
    future.add_done_callback(lambda done: _settle(chained, done))
    return chained


def _settle(chained: Future, done) -> None:
    try:
        chained.set_result(done.result())
    except BaseException as exc:  # noqa: BLE001 (a cancelled or failed future: that file's error)
        chained.set_exception(exc)


def _report(future: Future, path: Path) -> DocumentReport:
    """The future's report; a future that failed (the executor lost its process) is that file's error."""
    try:
        return future.result()
    except Exception as exc:
        detail = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
        return error_report(Path(path), "crashed", detail)


class CheckStream(Iterator[DocumentReport]):
    """A check under way: what is known before the first report (``files``, ``skipped``, ``settings``,
    ``standard``), then the reports, one per file in the order of ``files``, as they are done. Iterate
    it once; ``close()`` (or leaving its ``with`` block) stops the checking early. ``run()`` gathers it
    into a CheckRun (every report in memory: for a few files, not for a million)."""

    def __init__(self, reports: Iterator[DocumentReport], files: Collection, settings: dict,
                 standard: str):
        self._reports = reports
        self.files, self.skipped = files, files.skipped
        self.settings, self.standard = settings, standard
        self.playbook: dict | None = None  # the playbook checked against (CheckRun.playbook), set by api.check_stream

    def __len__(self) -> int:
        """How many reports the stream gives in all."""
        return len(self.files)

    def __iter__(self) -> CheckStream:
        return self

    def __next__(self) -> DocumentReport:
        return next(self._reports)

    def close(self) -> None:
        close = getattr(self._reports, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> CheckStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def run(self) -> CheckRun:
        """The whole run: every report, the settings and the skipped files."""
        with self:
            documents = tuple(self)
        return CheckRun(documents=documents, standard=self.standard, settings=self.settings, skipped=self.skipped,
                        playbook=self.playbook)  # type: ignore[arg-type]  # PlaybookData, as a dict
