"""Uploaded files under the data folder, by generated name; .zip archives of a folder unpacked safely.

A user's file name is only ever a label shown back to them: a file is stored
as ``uploads/<review id>/<document id>.<ext>`` with both ids generated here
(the extension is kept, sanitised, because the reader uses it to tell WPS
from Word 97 and Markdown from text).
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from contractkit.api import DEFAULT_INCLUDE, ReadError, ReadLimits, SafeZip, write_atomic

_ID = re.compile(r"[0-9a-f]{32}")
_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")
_IGNORED = re.compile(r"(^|/)(__MACOSX|\.[^/]*|~\$[^/]*|Thumbs\.db|desktop\.ini)(/|$)", re.I)
_LIMITS = ReadLimits()  # the reader's own limits, for a folder .zip as for a contract


class UploadError(ValueError):
    """An upload the service refuses as a whole; the message names the file and says why."""

    def __init__(self, message: str, status: int = 400):
        self.message, self.status = message, status
        super().__init__(message)


@dataclass(frozen=True)
class IncomingFile:
    name: str  # the name shown to the user (for a .zip member: its path inside the archive)
    data: bytes


@dataclass(frozen=True)
class StoredFile:
    display_name: str
    stored_name: str
    size: int
    sha256: str


def display_name(raw: str | None) -> str:
    """A safe label from a client-supplied name: no control characters, no '..', at most 255 characters."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C").replace("\\", "/")
    parts = [p.strip() for p in text.split("/") if p.strip() not in ("", ".", "..")]
    name = "/".join(parts)[-255:]
    return name or "未命名文件"


def is_folder_archive(data: bytes) -> bool:
    """A .zip of files, as opposed to a .docx or .odt (also zips: with [Content_Types].xml, or a mimetype entry)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    import io
    import zipfile

    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return False  # a damaged zip: let the reader say what is wrong with it
    return not {"[Content_Types].xml", "mimetype"} & set(names)


def expand_archives(files: list[IncomingFile], max_files: int, limits: ReadLimits = _LIMITS) -> list[IncomingFile]:
    """Replace each folder .zip by the contracts inside it (by DEFAULT_INCLUDE), refusing bombs and too many."""
    expanded: list[IncomingFile] = []
    for incoming in files:
        if not is_folder_archive(incoming.data):
            expanded.append(incoming)
        else:
            expanded.extend(_unpack(incoming, limits))
        if len(expanded) > max_files:
            raise UploadError(f"一次最多审查 {max_files} 份合同（含压缩包内的文件），本次超过了该数量", 413)
    if not expanded:
        raise UploadError("没有找到可审查的合同：压缩包内没有 .docx、.pdf、.txt、.md 等文件")
    return expanded


def _unpack(archive: IncomingFile, limits: ReadLimits) -> list[IncomingFile]:
    try:
        zipped = SafeZip(archive.data, Path(archive.name), limits)
        members = []
        for name in zipped.names():
            clean = display_name(name)
            if name.endswith("/") or _IGNORED.search(clean) or not _wanted(clean):
                continue
            data = zipped.read(name)
            if data is not None:
                members.append(IncomingFile(f"{archive.name}/{clean}", data))
    except ReadError as exc:
        raise UploadError(f"{archive.name}：压缩包无法安全解开（{exc.code}）：{exc.detail}") from None
    return sorted(members, key=lambda m: m.name)


def _wanted(name: str) -> bool:
    base = PurePosixPath(name).name.lower()
    return any(fnmatch.fnmatch(base, pattern) for pattern in DEFAULT_INCLUDE)


class UploadStore:
    """The folder of stored uploads; paths are built from generated ids only."""

    def __init__(self, root: Path):
        self.root = root

    def save(self, review_id: str, document_id: str, incoming: IncomingFile) -> StoredFile:
        suffix = PurePosixPath(incoming.name).suffix.lower()
        stored_name = document_id + (suffix if _EXTENSION.fullmatch(suffix) else ".bin")
        path = self.path(review_id, stored_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, incoming.data)
        return StoredFile(incoming.name, stored_name, len(incoming.data), hashlib.sha256(incoming.data).hexdigest())

    def path(self, review_id: str, stored_name: str) -> Path:
        stem, _, suffix = stored_name.partition(".")
        if not _ID.fullmatch(review_id) or not _ID.fullmatch(stem) or not _EXTENSION.fullmatch("." + suffix):
            raise ValueError(f"not a stored file name: {review_id}/{stored_name}")
        return self.root / review_id / stored_name

    def derived(self, review_id: str, stored_name: str, what: str) -> Path:
        """A file made from a stored upload (e.g. the annotated copy), kept beside it."""
        original = self.path(review_id, stored_name)
        return original.with_name(f"{original.stem}.{what}")

    def delete_review(self, review_id: str) -> None:
        if not _ID.fullmatch(review_id):
            raise ValueError(f"not a review id: {review_id}")
        shutil.rmtree(self.root / review_id, ignore_errors=True)
