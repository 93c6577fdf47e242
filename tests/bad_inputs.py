"""Crafted bad inputs for tests/test_bad_inputs.py, every one built from nothing when the tests run.

:data:`BAD_FILES` lists files a stranger might hand the checker — damaged,
hostile or simply not a contract — each with the stable error code
(``reading.errors.ERROR_ADVICE``) a user must see for it. :data:`ODD_NAMES`
are good contracts under file names meant to confuse terminals, shells and
path handling. The bytes come from the reading tests' builders
(``reading_fixtures``) or are written here; nothing binary is committed.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reading_fixtures import cfb_bytes, document_xml, docx_bytes, para, pdf_bytes, set_declared_size

MiB = 1024 * 1024


@dataclass(frozen=True)
class BadFile:
    id: str  # the test id
    name: str  # the file name it is saved under
    build: Callable[[], bytes]
    code: str  # the ERROR_ADVICE key the user must see


# ------------------------------------------------------------------ builders


def good_docx(text: str = "第一条 乙方应当遵守甲方的安全管理制度。") -> bytes:
    return docx_bytes(document_xml(para(text)))


def html_renamed_docx() -> bytes:
    # What a web system's "export to Word" often really is.
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>合同</title></head>"
            "<body><p>第一条 乙方应当遵守甲方的安全管理制度。</p></body></html>").encode()


def truncated_zip() -> bytes:
    package = docx_bytes(document_xml(para("正文" * 400)))
    return package[: len(package) // 2]


def zip_without_document() -> bytes:
    return docx_bytes(None)


def malformed_xml() -> bytes:
    return docx_bytes(document_xml(para("正文")).replace(b"</w:p>", b"</w:q>", 1))


def external_entity(target: str) -> Callable[[], bytes]:
    def build() -> bytes:
        prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{target}">]>\n'
        return docx_bytes(document_xml(para("<w:r><w:t>&xxe;</w:t></w:r>", raw=True), prolog=prolog))

    return build


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    return docx_bytes(document_xml(para("<w:r><w:t>&lol9;</w:t></w:r>", raw=True),
                                   prolog=f"<!DOCTYPE w:document [{entities}]>\n"))


def _streamed_docx(document_parts, *, declared_size: int | None = None) -> bytes:
    """A .docx whose word/document.xml is written from ``document_parts`` (bytes chunks), never held whole."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        plain = zipfile.ZipFile(io.BytesIO(docx_bytes(None)))
        for info in plain.infolist():
            archive.writestr(info.filename, plain.read(info))
        info = zipfile.ZipInfo("word/document.xml", date_time=(2026, 11, 24, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=False) as member:
            for chunk in document_parts:
                member.write(chunk)
    package = buffer.getvalue()
    if declared_size is not None:
        package = set_declared_size(package, "word/document.xml", declared_size)
    return package


def _padded_document(padding: int):
    head, tail = document_xml(para("正文")).split(b"<w:body>")
    yield head + b"<w:body>"
    chunk = b" " * MiB
    for _ in range(padding // MiB):
        yield chunk
    yield tail


def zip_bomb() -> bytes:
    """~130 KB on disk, 128 MiB of XML once inflated (declared honestly; the entry limit is 100 MiB)."""
    return _streamed_docx(_padded_document(128 * MiB))


def lying_zip_bomb() -> bytes:
    """The same kind of bomb, but its zip directory claims word/document.xml is 1 KB."""
    return _streamed_docx(_padded_document(128 * MiB), declared_size=1000)


def huge_text_node() -> bytes:
    """One w:t holding 20 MB of text, random enough (~4:1) to pass the compression-ratio check."""
    import random

    letters = bytes(b"AB"[i & 1] for i in range(256))
    text = random.Random(20).randbytes(20 * MiB).translate(letters)
    document = document_xml(para("@@")).replace(b"@@", text)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        plain = zipfile.ZipFile(io.BytesIO(docx_bytes(None)))
        for info in plain.infolist():
            archive.writestr(info.filename, plain.read(info))
        archive.writestr("word/document.xml", document, compresslevel=1)
    return buffer.getvalue()


def huge_paragraph() -> bytes:
    """One paragraph of 1.2 million Chinese characters (3.6 MB): under every XML limit, over what the NLP takes."""
    import random

    letters = str.maketrans({i: "甲乙方责任数据安全"[i % 8] for i in range(256)})
    text = random.Random(12).randbytes(1_200_000).decode("latin-1").translate(letters)
    return docx_bytes(document_xml(para(text)))


def encrypted_docx() -> bytes:
    # What Word writes for a password-protected .docx: an OLE2 file with these streams.
    return cfb_bytes({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": os.urandom(2048),
                      "\x06DataSpaces": b""})


def legacy_doc() -> bytes:
    return cfb_bytes({"WordDocument": b"\xec\xa5\xc1\x00" + b"\0" * 600, "1Table": b"\0" * 600,
                      "\x05SummaryInformation": b""})


def scanned_pdf() -> bytes:
    return pdf_bytes([None, None, None])


def fake_pdf() -> bytes:
    return b"%PDF-1.7\n" + bytes(range(256)) * 64


def binary_garbage() -> bytes:
    import random

    rng = random.Random(20261124)
    return bytes(rng.randrange(256) for _ in range(64 * 1024))


BAD_FILES: list[BadFile] = [
    BadFile("html-renamed-docx", "网页导出.docx", html_renamed_docx, "unsupported"),
    BadFile("empty", "empty.docx", lambda: b"", "empty"),
    BadFile("truncated-zip", "truncated.docx", truncated_zip, "corrupt"),
    BadFile("zip-without-document", "no-document.docx", zip_without_document, "corrupt"),
    BadFile("malformed-xml", "malformed.docx", malformed_xml, "corrupt"),
    BadFile("xxe-file", "xxe-file.docx", external_entity("file:///etc/passwd"), "doctype"),
    BadFile("xxe-http", "xxe-http.docx", external_entity("http://127.0.0.1:9/evil.dtd"), "doctype"),
    BadFile("billion-laughs", "lol.docx", billion_laughs, "doctype"),
    BadFile("zip-bomb", "bomb.docx", zip_bomb, "zip-bomb"),
    BadFile("zip-bomb-lying", "bomb-lying.docx", lying_zip_bomb, "zip-bomb"),
    BadFile("huge-text-node", "huge-text.docx", huge_text_node, "too-large"),
    BadFile("huge-paragraph", "huge-paragraph.docx", huge_paragraph, "too-large"),
    BadFile("encrypted-docx", "加密.docx", encrypted_docx, "encrypted"),
    BadFile("legacy-doc", "old.doc", legacy_doc, "legacy-doc"),
    BadFile("pdf-no-text", "scan.pdf", scanned_pdf, "no-text"),
    BadFile("pdf-garbage", "fake.pdf", fake_pdf, "corrupt"),
    BadFile("binary-garbage", "garbage.txt", binary_garbage, "unsupported"),
]


# ------------------------------------------------------------------ odd file names

# Names a POSIX file system accepts but a person, a terminal or a path join may not
# expect. Each is at most 255 bytes in UTF-8 (the usual limit of one name).
ODD_NAMES: dict[str, str] = {
    "rtl-override": "合同\u202excod.exe.docx",  # shows as "合同exe.docx" in a bidi-aware terminal
    "zero-width": "合\u200b同\u200d\ufeff.docx",
    "emoji": "合同📄✅🇨🇳.docx",
    "combining": "he\u0301\u0301\u0301llo\u0308\u0489.docx",
    "very-long": "长" * 83 + ".docx",  # 254 bytes: no room for ".annotated" or a temporary suffix
    "backslash-colon": "..\\..\\C:\\Windows\\合同:备份.docx",
    "leading-dash": "-o.docx",
    "dot-dot-lookalike": "\u2025\u2215etc\u2215passwd\uff0fx.docx",  # two-dot leader, division slash, fullwidth solidus
}


def write_all(folder: Path, files: list[BadFile]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for bad in files:
        path = folder / bad.name
        path.write_bytes(bad.build())
        paths[bad.id] = path
    return paths
