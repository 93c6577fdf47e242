"""Check many files: collect them, run them in the worker pool (``workers``), keep order."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from contractkit.results.model import DocumentReport
from contractkit.checking.workers import CheckPool, PoolSettings

DEFAULT_INCLUDE = ("*.docx", "*.doc", "*.wps", "*.pdf", "*.txt", "*.md")


@dataclass(frozen=True)
class BatchSettings(PoolSettings):
    """The pool's limits (jobs, timeout, max_memory_mb) plus which files of a folder to take."""

    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()


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
