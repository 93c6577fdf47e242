"""Check many files: collect them, run them in the worker pool (``workers``), keep order.

Collecting a folder never loses a file silently: every file under it that is not
checked comes back in ``Collection.skipped`` with a code and the reason (what it is
and what to do), and every report format lists them.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from contractkit.checking.workers import CheckPool, PoolSettings
from contractkit.reading.errors import ERROR_ADVICE_ZH
from contractkit.results.model import DocumentReport, SkipCode, SkippedFile

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
_REPORT_SUFFIXES = (".json", ".html", ".htm", ".csv", ".txt")
_REPORT_MARKS = (
    b'"schema": "contractkit.check/',  # json
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


def run_batch(
    files: list[Path],
    checker_factory: Callable,
    settings: BatchSettings = BatchSettings(),
    progress: Callable[[DocumentReport], None] | None = None,
) -> list[DocumentReport]:
    """Check ``files`` in a pool of worker processes; reports come back in the order of ``files``."""
    from concurrent.futures import as_completed

    if not files:
        return []
    with CheckPool(checker_factory, settings, size=min(settings.workers, len(files))) as pool:
        futures = [pool.submit(path) for path in files]
        if progress:
            for future in as_completed(futures):
                progress(future.result())
        return [future.result() for future in futures]
