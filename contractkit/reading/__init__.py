"""Reading contracts: a file from a stranger -> text blocks that keep their location.

    from contractkit.reading import read_document, ReadError
    doc = read_document("合同.docx")  # or .odt, .pdf, .txt, .md
    for block in doc.blocks:
        print(block.location.describe(), block.text)

The format is decided by the file's content, never its extension. Every
problem with the file is raised as :class:`ReadError` with a stable ``code``
(see ``errors.ERROR_ADVICE``); nothing else escapes for bad input.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import ERROR_ADVICE, ReadError
from .model import Location, SourceDocument, TextBlock
from .safety import ReadLimits, SafeZip

__all__ = [
    "ERROR_ADVICE",
    "Location",
    "ReadError",
    "ReadLimits",
    "SourceDocument",
    "TextBlock",
    "read_document",
]

DEFAULT_LIMITS = ReadLimits()


def read_document(
    path: str | os.PathLike[str], limits: ReadLimits | None = None, display_name: str | None = None,
) -> SourceDocument:
    """Read a .docx, .odt, .pdf, .txt or .md contract into located text blocks.

    Raises ReadError (and nothing else) for any file that cannot be read. Its
    message names the file as ``display_name`` (default: the path), e.g. the
    name a user uploaded it under rather than where it is stored.
    """
    path = Path(path)
    try:
        return _read(path, limits or DEFAULT_LIMITS)
    except ReadError as exc:
        if display_name is None:
            raise
        raise exc.shown_as(display_name) from exc.__cause__


def _read(path: Path, limits: ReadLimits) -> SourceDocument:
    data = _load(path, limits)

    from .sniff import classify_ole, package_kind, sniff

    try:
        kind = sniff(data, path)
        if kind == "ole":
            raise classify_ole(data, path)
        if kind == "zip":
            package = SafeZip(data, path, limits)
            if package_kind(package, path) == "odt":
                from .odt_reader import read_odt

                document = read_odt(package, path, limits)
            else:
                from .docx_reader import read_docx

                document = read_docx(package, path, limits)
        elif kind == "pdf":
            from .pdf_reader import read_pdf

            document = read_pdf(data, path, limits)
        else:
            from .text_reader import read_text

            document = read_text(data, path, limits)
        _check_blocks(document, limits)
        return document
    except ReadError:
        raise
    except MemoryError:
        raise ReadError(path, "memory", "needed too much memory to read") from None
    except RecursionError:
        raise ReadError(path, "corrupt", "is nested too deeply to read") from None
    except Exception as exc:  # noqa: BLE001 - a bug of ours, but never a raw traceback for a user's file
        raise ReadError(path, "crashed", f"could not be read ({type(exc).__name__}: {exc})") from exc


def _check_blocks(document: SourceDocument, limits: ReadLimits) -> None:
    for block in document.blocks:
        if len(block.text) > limits.max_block_chars:
            raise ReadError(document.path, "too-large",
                            f"has a paragraph of {len(block.text)} characters "
                            f"(paragraph {block.location.paragraph + 1}; limit {limits.max_block_chars})")


def _load(path: Path, limits: ReadLimits) -> bytes:
    """The file's bytes, after checking it exists, is a regular file and is not too large."""
    try:
        if path.is_dir():
            raise ReadError(path, "unsupported", "is a directory, not a file")
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
    except ReadError:
        raise
    except FileNotFoundError:
        raise ReadError(path, "not-found", "does not exist") from None
    except NotADirectoryError:
        raise ReadError(path, "not-found", "does not exist (a parent is not a folder)") from None
    except PermissionError:
        raise ReadError(path, "unreadable", "cannot be opened (permission denied)") from None
    except IsADirectoryError:
        raise ReadError(path, "unsupported", "is a directory, not a file") from None
    except (OSError, ValueError) as exc:  # ENAMETOOLONG, ELOOP, NUL in the name, …
        raise ReadError(path, "unreadable", f"cannot be opened ({exc.strerror or exc})"
                        if isinstance(exc, OSError) else f"cannot be opened ({exc})") from None
    try:
        info = os.fstat(fd)  # of what we opened, not of what the name points at now
        if stat.S_ISDIR(info.st_mode):
            raise ReadError(path, "unsupported", "is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(path, "unsupported", "is not a regular file (a device, pipe or socket)")
        if info.st_size > limits.max_file_bytes:
            raise ReadError(path, "too-large", f"is {info.st_size} bytes (limit {limits.max_file_bytes})")
        if info.st_size == 0:
            raise ReadError(path, "empty", "is empty (0 bytes)")
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(limits.max_file_bytes + 1)
    except ReadError:
        raise
    except PermissionError:
        raise ReadError(path, "unreadable", "cannot be read (permission denied)") from None
    except OSError as exc:
        raise ReadError(path, "unreadable", f"cannot be read ({exc.strerror or exc})") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limits.max_file_bytes:  # grew after the size check
        raise ReadError(path, "too-large", f"is larger than {limits.max_file_bytes} bytes")
    if not data:
        raise ReadError(path, "empty", "is empty (0 bytes)")
    return data
