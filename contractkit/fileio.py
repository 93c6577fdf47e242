"""Writing output files safely: atomically, and never over a file without leave."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


class OutputExistsError(FileExistsError):
    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"{path}: already exists; use --force to overwrite it")


def write_atomic(path: str | os.PathLike, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    A reader never sees a half-written file, and a failure leaves no partial
    output behind.
    """
    with open_atomic(path, force=force) as handle:
        handle.write(data)
    return Path(path)


@contextmanager
def open_atomic(path: str | os.PathLike, *, force: bool = False) -> Iterator[AtomicFile]:
    """A binary file to write ``path`` through, a piece at a time (a report written while a batch runs):
    a temporary file in the same folder, renamed to ``path`` when the block ends, removed if it fails.
    A write that fails raises OSError about ``path``; other errors of the block pass unchanged."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputExistsError(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path}: is a folder, not a file name")
    folder = path.parent if str(path.parent) else Path(".")
    # The temporary name must fit in one file name too (255 bytes), whatever the output's length.
    prefix = "." + fit_name(path.name, 255 - len("..XXXXXXXX.part")) + "."
    try:
        handle, temp_name = tempfile.mkstemp(prefix=prefix, suffix=".part", dir=folder)
    except OSError as exc:  # a read-only or missing folder: say so about the output, not our temp file
        raise _about(exc, path) from None
    try:
        with os.fdopen(handle, "wb") as temp:
            yield AtomicFile(temp, path)
            try:
                temp.flush()
                os.fsync(temp.fileno())
            except OSError as exc:  # a full disk: write() errors name no file at all
                raise _about(exc, path) from None
        try:
            os.chmod(temp_name, 0o644)
            os.replace(temp_name, path)
        except OSError as exc:
            raise _about(exc, path) from None
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise


class AtomicFile:
    """The temporary file of ``open_atomic``: ``write`` (bytes), and ``flush``; its errors name the output."""

    def __init__(self, handle: IO[bytes], path: Path):
        self._handle, self.path = handle, path

    def write(self, data: bytes) -> int:
        try:
            return self._handle.write(data)
        except OSError as exc:
            raise _about(exc, self.path) from None

    def flush(self) -> None:
        try:
            self._handle.flush()
        except OSError as exc:
            raise _about(exc, self.path) from None


def _about(exc: OSError, path: Path) -> OSError:
    """The same error about the output file the caller named (OSError picks the subclass by errno)."""
    if exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror, str(path))


def fit_name(name: str, limit: int = 255) -> str:
    """``name`` cut to at most ``limit`` bytes (one file name's limit), on a character boundary."""
    size = 0
    for index, char in enumerate(name):
        size += len(char.encode("utf-8", "surrogateescape"))  # an undecodable name byte counts as one
        if size > limit:
            return name[:index]
    return name
