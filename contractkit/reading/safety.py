"""Limits and hardened primitives for reading files from strangers.

* :class:`ReadLimits` — every size/ratio/time budget in one frozen dataclass.
* :class:`SafeZip` — a zip reader that checks the archive's declared sizes and
  compression ratios before inflating anything, and enforces the same limits
  again while inflating (declared sizes can lie).
* :func:`parse_xml` — lxml with entity resolution, network, DTD loading and
  huge trees switched off, after refusing any part whose prolog declares a
  DOCTYPE (never parse-and-drop: a DOCTYPE in an OOXML part is an attack or
  garbage, and silently losing text would be worse than refusing).
"""

from __future__ import annotations

import copy
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path

from lxml import etree

from .errors import ReadError

MiB = 1024 * 1024

# Below this many uncompressed bytes the compression ratio is not judged: a
# small, very repetitive XML part can legitimately compress 300:1.
RATIO_FLOOR_BYTES = 1 * MiB
# How much of an XML part we do not parse is inflated to check its prolog.
PROLOG_PREFIX_BYTES = 8 * 1024
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Budgets for reading one file. All sizes are in bytes."""

    max_file_bytes: int = 50 * MiB
    max_entry_bytes: int = 100 * MiB  # uncompressed size of any one zip entry
    max_total_uncompressed: int = 300 * MiB  # all zip entries together
    max_ratio: float = 200  # uncompressed / compressed, per entry
    max_text_chars: int = 5_000_000
    # One paragraph (text block). The language pipeline takes at most 1,000,000
    # characters per block (spaCy's nlp.max_length); a longer one used to end as
    # a "crashed" check. No clause of a contract comes near this.
    max_block_chars: int = 1_000_000
    max_zip_entries: int = 10_000
    max_pdf_pages: int = 2_000
    max_pdf_seconds: float = 120.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"ReadLimits.{f.name} must be a positive number, got {value!r}")


# --------------------------------------------------------------------------- zip


_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"


def _zip_entry_count(data: bytes) -> tuple[int, int] | None:
    """(entries, central-directory size) from the end record, or None if absent."""
    tail_start = max(0, len(data) - (65535 + 22))
    pos = data.rfind(_EOCD, tail_start)
    if pos < 0 or len(data) - pos < 22:
        return None
    _, _, _, _, entries, cd_size, _, _ = struct.unpack_from("<4sHHHHIIH", data, pos)
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:
        loc = pos - 20
        if loc >= 0 and data[loc:loc + 4] == _EOCD64_LOCATOR:
            (offset64,) = struct.unpack_from("<Q", data, loc + 8)
            if offset64 + 56 <= len(data) and data[offset64:offset64 + 4] == _EOCD64:
                entries, cd_size = struct.unpack_from("<QQ", data, offset64 + 32)
    return entries, cd_size


class SafeZip:
    """Read named members of an in-memory zip archive within :class:`ReadLimits`."""

    def __init__(self, data: bytes, path: Path, limits: ReadLimits):
        self.path, self.limits = path, limits
        counted = _zip_entry_count(data)
        if counted is None:
            raise ReadError(path, "corrupt", "is not a complete zip archive (truncated or damaged)")
        entries, cd_size = counted
        if entries > limits.max_zip_entries:
            raise ReadError(path, "zip-bomb", f"declares {entries} zip entries (limit {limits.max_zip_entries})")
        if cd_size > len(data):
            raise ReadError(path, "corrupt", "has a zip directory larger than the file (truncated?)")
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
                struct.error, NotImplementedError, UnicodeDecodeError) as exc:
            raise ReadError(path, "corrupt", f"is not a readable zip archive ({_short(exc)})") from None
        if len(infos) > limits.max_zip_entries:
            raise ReadError(path, "zip-bomb", f"has {len(infos)} zip entries (limit {limits.max_zip_entries})")

        total = 0
        self._by_name: dict[str, zipfile.ZipInfo] = {}
        self._duplicates: set[str] = set()
        for info in infos:
            size = info.file_size
            if size > limits.max_entry_bytes:
                raise ReadError(path, "zip-bomb",
                                f"has a zip entry {info.filename!r} that expands to {size} bytes "
                                f"(limit {limits.max_entry_bytes})")
            if size > RATIO_FLOOR_BYTES and size > limits.max_ratio * max(info.compress_size, 1):
                raise ReadError(path, "zip-bomb",
                                f"has a zip entry {info.filename!r} compressed {size // max(info.compress_size, 1)}:1 "
                                f"(limit {limits.max_ratio:g}:1)")
            total += size
            key = _part_key(info.filename)
            if key in self._by_name:
                self._duplicates.add(key)
            self._by_name[key] = info
        if total > limits.max_total_uncompressed:
            raise ReadError(path, "zip-bomb",
                            f"expands to {total} bytes in total (limit {limits.max_total_uncompressed})")
        self._budget = limits.max_total_uncompressed

    # -- lookup

    def names(self) -> list[str]:
        return [info.filename for info in self._by_name.values()]

    def has(self, name: str) -> bool:
        return _part_key(name) in self._by_name

    def _info(self, name: str) -> zipfile.ZipInfo | None:
        key = _part_key(name)
        if key in self._duplicates:
            raise ReadError(self.path, "corrupt", f"holds the part {name!r} more than once")
        return self._by_name.get(key)

    # -- reading

    def read(self, name: str) -> bytes | None:
        """The whole member, or None if absent. Limits are enforced while inflating."""
        info = self._info(name)
        if info is None:
            return None
        cap = min(self.limits.max_entry_bytes, self._budget)
        data = self._inflate(info, cap, exact=True)
        self._budget -= len(data)
        return data

    def read_prefix(self, name: str, size: int) -> tuple[bytes, bool]:
        """Up to ``size`` bytes from the start of a member and whether that was all of it."""
        info = self._info(name)
        if info is None:
            return b"", True
        data = self._inflate(info, size, exact=False)
        return data[:size], len(data) <= size and info.file_size <= size

    def _inflate(self, info: zipfile.ZipInfo, cap: int, *, exact: bool) -> bytes:
        path, name = self.path, info.filename
        if info.flag_bits & 0x1:
            raise ReadError(path, "encrypted", f"has a password-protected zip entry {name!r}")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ReadError(path, "corrupt", f"uses an unusual compression method for {name!r}")
        # zipfile stops inflating at the *declared* size (then fails the CRC); we
        # want to see how far the data really expands, up to our own cap.
        # (Reaching the declared size would also make zipfile check the CRC
        # of a partial read, so the probe declares "unbounded" and we count.)
        probe = copy.copy(info)
        probe.file_size = 1 << 62
        chunks: list[bytes] = []
        total = 0
        try:
            with self.zf.open(probe) as member:
                while True:
                    chunk = member.read(min(_CHUNK, cap + 1 - total))
                    if not chunk:
                        break
                    total += len(chunk)
                    chunks.append(chunk)
                    if total > cap:
                        if not exact:
                            break
                        if info.file_size < total:
                            raise ReadError(path, "zip-bomb",
                                            f"has a zip entry {name!r} that expands past {cap} bytes "
                                            f"although it declares {info.file_size}")
                        raise ReadError(path, "zip-bomb",
                                        f"expands past the limit of {cap} bytes while reading {name!r}")
        except ReadError:
            raise
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error, ValueError, struct.error,
                NotImplementedError, RuntimeError) as exc:
            raise ReadError(path, "corrupt", f"has a damaged zip entry {name!r} ({_short(exc)})") from None
        data = b"".join(chunks)
        if exact:
            if total > RATIO_FLOOR_BYTES and total > self.limits.max_ratio * max(info.compress_size, 1):
                raise ReadError(path, "zip-bomb", f"has a zip entry {name!r} with an implausible compression ratio")
            if total != info.file_size:  # within the limits, so damage rather than a bomb
                raise ReadError(path, "corrupt",
                                f"has a zip entry {name!r} of {total} bytes that declares {info.file_size}")
        return data


def _part_key(name: str) -> str:
    # OPC part names are case-insensitive; some writers use a leading slash or backslashes.
    return name.replace("\\", "/").lstrip("/").lower()


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


# --------------------------------------------------------------------------- XML

_WS = re.compile(rb"[ \t\r\n]*")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
# Encodings in which ASCII (and so "<!DOCTYPE") is encoded as itself.
_ASCII_COMPATIBLE = re.compile(
    r"(utf-?8|us-ascii|ascii|iso[-_]?8859[-_]\d+|latin-?1|gb2312|gbk|gb18030|big5|"
    r"windows-125\d|cp125\d|cp936|euc-(?:cn|jp|kr)|shift_jis)$", re.I)


def check_prolog(data: bytes, *, complete: bool = True) -> tuple[str, str] | None:
    """Look at an XML part's prolog (everything before the root element).

    Returns ``(code, detail)`` for a problem, else None. ``complete=False``
    means ``data`` is only a prefix of the part: running off its end is then
    suspicious (a prolog padded to hide a DOCTYPE) rather than merely broken.
    """
    ascii_based = True
    if data.startswith(b"\xef\xbb\xbf"):
        buf = data[3:]
    elif data.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")):
        return "corrupt", "is encoded in UTF-32, which OOXML does not allow"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else (
            "utf-16-le" if data[:1] == b"<" else "utf-16-be")
        # keep whole code units only (a prefix may end mid-character)
        head = data if complete else data[:len(data) - len(data) % 2]
        buf = head.decode(encoding, errors="replace").encode("utf-8")
        ascii_based = False
    else:
        buf = data

    i, n = 0, len(buf)
    while True:
        space = _WS.match(buf, i)  # [ \t\r\n]* always matches
        i = space.end() if space else i
        if i >= n:
            if complete:
                return "corrupt", "has no XML root element"
            return "doctype", "has an XML prolog too long to inspect (a hidden DOCTYPE?)"
        if buf.startswith(b"<?", i):
            j = buf.find(b"?>", i + 2)
            if j < 0:
                return _unterminated(complete)
            if buf.startswith(b"<?xml", i) and buf[i + 5:i + 6] in (b" ", b"\t", b"\r", b"\n", b"?"):
                m = _ENCODING.search(buf, i, j)
                if m and ascii_based:
                    name = m.group(1).decode("ascii")
                    if not _ASCII_COMPATIBLE.match(name) and not name.lower().startswith("utf-16"):
                        return "corrupt", f"declares the unexpected XML encoding {name!r}"
            i = j + 2
        elif buf.startswith(b"<!--", i):
            j = buf.find(b"-->", i + 4)
            if j < 0:
                return _unterminated(complete)
            i = j + 3
        elif buf.startswith(b"<!", i):
            return "doctype", "declares a DOCTYPE in an XML part"
        elif buf.startswith(b"<", i):
            return None
        else:
            return "corrupt", "has text before its XML root element"


def refuse_doctype_parts(package: SafeZip, path: Path, skip: Iterable[str] = ()) -> None:
    """Refuse the package if the prolog of any XML part (``*.xml``, ``*.rels``) declares a DOCTYPE.

    Only the first PROLOG_PREFIX_BYTES of each part are inflated (a legitimate
    prolog is a few dozen bytes); parts named in ``skip`` are left out because
    the caller parses them with :func:`parse_xml`, which checks them in full.
    """
    skipped = {_part_key(name) for name in skip}
    for name in package.names():
        if _part_key(name) in skipped or not name.lower().endswith((".xml", ".rels")):
            continue
        head, complete = package.read_prefix(name, PROLOG_PREFIX_BYTES)
        problem = check_prolog(head, complete=complete)
        if problem and problem[0] == "doctype":
            raise ReadError(path, "doctype", f"{problem[1]} ({name})")


def _unterminated(complete: bool) -> tuple[str, str]:
    if complete:
        return "corrupt", "has an unterminated XML prolog"
    return "doctype", "has an XML prolog too long to inspect (a hidden DOCTYPE?)"


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers keep state and are not thread-safe.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


_RESOURCE_LIMIT: int = getattr(etree.ErrorTypes, "ERR_RESOURCE_LIMIT", 114)


def _over_parser_limit(exc: etree.XMLSyntaxError) -> bool:
    # libxml2 >= 2.11 reports XML_ERR_RESOURCE_LIMIT; older ones only say so in the message.
    code: int = exc.code  # type: ignore[attr-defined]  # lxml-stubs lack the error's libxml2 code
    return code == _RESOURCE_LIMIT or "XML_PARSE_HUGE" in str(exc) or "huge text node" in str(exc)


def parse_xml(data: bytes, path: Path, part: str) -> etree._Element:
    """Parse one XML part with the hardened parser; ReadError on any problem."""
    problem = check_prolog(data)
    if problem:
        code, detail = problem
        raise ReadError(path, code, f"{detail} ({part})")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        if _over_parser_limit(exc):
            # Well-formed but beyond libxml2's safety limits (a text node over 10 MB,
            # nesting over 256 levels): not damage, so "export it again" would be wrong.
            raise ReadError(path, "too-large", f"has XML beyond the safe parser's limits in {part} "
                                               f"({_short(exc)})") from None
        raise ReadError(path, "corrupt", f"has malformed XML in {part} ({_short(exc)})") from None
    except etree.LxmlError as exc:
        raise ReadError(path, "corrupt", f"has malformed XML in {part} ({_short(exc)})") from None
    except ValueError as exc:
        raise ReadError(path, "corrupt", f"has unreadable XML in {part} ({_short(exc)})") from None
    info = root.getroottree().docinfo
    # lxml-stubs lack DocInfo.doctype and .system_url
    if info.doctype or info.internalDTD is not None or info.system_url or info.public_id:  # type: ignore[union-attr]
        # Belt and braces: the prolog check should already have refused this.
        raise ReadError(path, "doctype", f"declares a DOCTYPE in an XML part ({part})")
    return root


def element_text(element: etree._Element) -> str:
    """All text inside an element, its descendants' included (not its own tail)."""
    # lxml-stubs type itertext() as str | bytes; a parsed tree's text is always str
    return "".join(element.itertext())  # type: ignore[arg-type]
