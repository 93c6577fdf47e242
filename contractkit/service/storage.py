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
import struct
import unicodedata
import zipfile
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


# A browser sends a file name in a form with '"', CR and LF percent-encoded (the HTML standard's
# multipart/form-data encoding); nothing else is encoded, so only these are decoded back.
_FORM_ESCAPES = {"%22": '"', "%0D": "", "%0A": "", "%0d": "", "%0a": ""}
_FORM_ESCAPE = re.compile("|".join(map(re.escape, _FORM_ESCAPES)))


def display_name(raw: str | None) -> str:
    """A safe label from a client-supplied name: no control characters, no '..', at most 255 characters."""
    text = _FORM_ESCAPE.sub(lambda m: _FORM_ESCAPES[m.group(0)], raw or "")
    text = unicodedata.normalize("NFC", text)
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
            clean = display_name(member_name(zipped.zf.getinfo(name)))
            if name.endswith("/") or _IGNORED.search(clean) or not _wanted(clean):
                continue
            data = zipped.read(name)
            if data is not None:
                members.append(IncomingFile(f"{archive.name}/{clean}", data))
    except ReadError as exc:
        raise UploadError(f"压缩包无法安全解开：{exc.shown_as(archive.name).message_zh}") from None
    return sorted(members, key=lambda m: m.name)


def member_name(info: zipfile.ZipInfo) -> str:
    """A zip entry's name as its maker meant it. Flagged UTF-8, or with an Info-ZIP Unicode Path field: as
    said. Otherwise Python reads it as CP437, but Windows' own "send to compressed folder" and most Chinese
    tools write the system code page (GBK) without saying so: the bytes are read as UTF-8, else GB18030."""
    if info.flag_bits & 0x800:
        return info.filename
    unicode_path = _unicode_path(info)
    if unicode_path:
        return unicode_path
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unicode_path(info: zipfile.ZipInfo) -> str | None:
    extra, at = info.extra, 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4: at + 4 + size]
        if kind == 0x7075 and len(body) > 5 and body[0] == 1:  # version 1, CRC-32 of the header name, UTF-8 name
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
        at += 4 + size
    return None


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
