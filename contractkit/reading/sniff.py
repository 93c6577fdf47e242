"""Decide what a file is from its bytes, never from its name.

The extension is consulted only to tell two things apart that the bytes
cannot: a WPS document from a Word 97 one, and Markdown from plain text.
A zip archive is told apart by its entries (:func:`package_kind`): an
OpenDocument package by its ``mimetype`` entry, anything else is taken for
an Office Open XML one.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

from .errors import ReadError
from .safety import SafeZip

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a normal archive, an empty one

_IMAGES = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
}
_HTML = re.compile(rb"<(?:html|!doctype\s+html)[\s>]", re.I)
_WORD_XML = re.compile(rb"<w:wordDocument|progid=\"Word\.Document\"|<pkg:package", re.I)
_FLAT_ODF = re.compile(rb"<office:document[\s>]")

ODF_TEXT = ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template")
_ODF_PREFIX = "application/vnd.oasis.opendocument."
_ODF_OTHER = {
    "spreadsheet": "an OpenDocument spreadsheet (.ods)",
    "presentation": "an OpenDocument presentation (.odp)",
    "graphics": "an OpenDocument drawing (.odg)",
    "text-master": "an OpenDocument master document (.odm)",
}


def sniff(data: bytes, path: Path) -> str:
    """Return 'zip', 'pdf', 'ole' or 'text'; raise ReadError for formats known to be unsupported."""
    head = data[:8192]
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    for magic, what in _IMAGES.items():
        if head.startswith(magic):
            raise ReadError(path, "unsupported", f"is {what}, not a document (a scan? run OCR first)")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{\\rtf"):
        raise ReadError(path, "unsupported", "is an RTF document")
    if stripped[:13].lower() == b"mime-version:" or b"Content-Type: multipart/related" in head:
        raise ReadError(path, "unsupported", "is a web archive (MHT), not a Word document")
    if stripped.startswith(b"<?xml") and _WORD_XML.search(head):
        raise ReadError(path, "unsupported", "is a Word XML (2003 / flat OPC) document")
    if stripped.startswith(b"<?xml") and _FLAT_ODF.search(head):
        raise ReadError(path, "unsupported", "is a flat OpenDocument XML file (.fodt); save it as .odt")
    if path.suffix.lower() in {".doc", ".docx", ".wps", ".htm", ".html", ".mht"} and _HTML.search(head[:2048]):
        raise ReadError(path, "unsupported", "is an HTML page, not a Word document")
    return "text"


def package_kind(package: SafeZip, path: Path) -> str:
    """'odt' for an OpenDocument text package, else 'docx'; ReadError for other OpenDocument packages.

    ODF puts its media type in a ``mimetype`` entry (first, stored); a writer
    that leaves it out still writes ``content.xml`` and ``META-INF/manifest.xml``.
    """
    if package.has("mimetype"):
        head, _ = package.read_prefix("mimetype", 200)
        media_type = head.decode("ascii", errors="replace").strip()
        if media_type in ODF_TEXT:
            return "odt"
        if media_type.startswith(_ODF_PREFIX):
            kind = media_type[len(_ODF_PREFIX):].removesuffix("-template")
            what = _ODF_OTHER.get(kind, f"an OpenDocument file of type {kind!r}"[:120])
            raise ReadError(path, "unsupported", f"is {what}, not a text document")
    elif package.has("content.xml") and package.has("META-INF/manifest.xml") and not package.has("[Content_Types].xml"):
        return "odt"
    return "docx"


def classify_ole(data: bytes, path: Path) -> ReadError:
    """The ReadError that describes an OLE2 compound file (we never read those)."""
    try:
        names = {name.lower() for name in cfb_entry_names(data)}
    except ValueError:
        names = set(_scan_names(data))
    if "encryptioninfo" in names or "encryptedpackage" in names:
        return ReadError(path, "encrypted", "is a password-protected (encrypted) Office document")
    wps_streams = any(n.startswith(("wpscustomdata", "kso")) for n in names)
    if path.suffix.lower() == ".wps" or wps_streams:
        return ReadError(path, "wps", "is a WPS Writer document (.wps)")
    if "worddocument" in names:
        return ReadError(path, "legacy-doc", "is a Word 97-2003 document (.doc)")
    if "workbook" in names or "book" in names:
        return ReadError(path, "unsupported", "is an Excel 97-2003 workbook")
    if "powerpoint document" in names:
        return ReadError(path, "unsupported", "is a PowerPoint 97-2003 presentation")
    if not names:
        return ReadError(path, "corrupt", "is a damaged OLE2 compound file")
    return ReadError(path, "unsupported", "is an OLE2 compound file that is not a Word document")


# ----------------------------------------------------------- OLE2 / CFB directory

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
_MAX_SECTOR = 0xFFFFFFFA
_KNOWN = ("EncryptionInfo", "EncryptedPackage", "WordDocument", "WpsCustomData",
          "Workbook", "Book", "PowerPoint Document")


def cfb_entry_names(data: bytes) -> list[str]:
    """Names of all storages and streams in a compound file (flat, unordered).

    A small, bounded reader of the [MS-CFB] directory: enough to tell an
    encrypted OOXML package from a Word 97 document. ValueError if damaged.
    """
    if len(data) < 512 or not data.startswith(OLE_MAGIC):
        raise ValueError("not a compound file")
    (major, byte_order, sector_shift, n_fat, first_dir, first_difat, n_difat) = (
        struct.unpack_from("<H", data, 26)[0],
        struct.unpack_from("<H", data, 28)[0],
        struct.unpack_from("<H", data, 30)[0],
        struct.unpack_from("<I", data, 44)[0],
        struct.unpack_from("<I", data, 48)[0],
        struct.unpack_from("<I", data, 68)[0],
        struct.unpack_from("<I", data, 72)[0],
    )
    if byte_order != 0xFFFE or (major, sector_shift) not in ((3, 9), (4, 12)):
        raise ValueError("bad compound file header")
    size = 1 << sector_shift
    n_sectors = max(0, (len(data) - size) // size)
    per_sector = size // 4

    def sector(index: int) -> bytes:
        if index >= n_sectors:
            raise ValueError("sector out of range")
        start = (index + 1) * size
        return data[start:start + size]

    # FAT sector locations: 109 in the header, the rest in the DIFAT chain.
    fat_locations = [v for v in struct.unpack_from("<109I", data, 76) if v <= _MAX_SECTOR]
    seen: set[int] = set()
    nxt = first_difat
    while nxt <= _MAX_SECTOR and len(seen) < min(n_difat, n_sectors) + 1:
        if nxt in seen:
            raise ValueError("DIFAT loop")
        seen.add(nxt)
        values = struct.unpack(f"<{per_sector}I", sector(nxt))
        fat_locations.extend(v for v in values[:-1] if v <= _MAX_SECTOR)
        nxt = values[-1]
    fat_locations = fat_locations[:max(n_fat, 1)]
    fat: list[int] = []
    for loc in fat_locations:
        fat.extend(struct.unpack(f"<{per_sector}I", sector(loc)))

    names: list[str] = []
    seen = set()
    nxt = first_dir
    while nxt <= _MAX_SECTOR:
        if nxt in seen or nxt >= len(fat):
            raise ValueError("bad directory chain")
        seen.add(nxt)
        block = sector(nxt)
        for off in range(0, size, 128):
            name_len, kind = struct.unpack_from("<HB", block, off + 64)
            if kind in (1, 2, 5) and 2 <= name_len <= 64 and name_len % 2 == 0:
                names.append(block[off:off + name_len - 2].decode("utf-16-le", errors="replace"))
        nxt = fat[nxt]
    if not names:
        raise ValueError("empty directory")
    return names


def _scan_names(data: bytes) -> list[str]:
    """Fallback for a damaged directory: look for well-known names in UTF-16."""
    return [name for name in _KNOWN if name.encode("utf-16-le") in data]
