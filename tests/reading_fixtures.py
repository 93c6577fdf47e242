"""Generators for the reading tests: every fixture is built in the test, from nothing.

* :func:`docx_bytes` — a minimal WordprocessingML package written by hand
  (full control over numbering, tracked changes, DOCTYPEs, …);
* :func:`odt_bytes` — a minimal OpenDocument text package (mimetype, manifest,
  content.xml, styles.xml), with :func:`odt_content` and :func:`list_style`;
* :func:`soffice_convert` — a real conversion by LibreOffice (skips without it);
* :func:`cfb_bytes` — a minimal, valid OLE2 compound file with named streams
  (legacy .doc, .wps, encrypted OOXML);
* :func:`pdf_bytes` — a tiny PDF with a hand-written content stream.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""  # noqa: E501 - a package part as Word writes it, one element a line

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""  # noqa: E501 - a package part as Word writes it, one element a line

DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
</Relationships>"""  # noqa: E501 - a package part as Word writes it, one element a line


# ------------------------------------------------------------------ WordprocessingML


def run(text: str, *, hidden: bool = False, bold: bool = False) -> str:
    props = ""
    if hidden or bold:
        props = "<w:rPr>" + ("<w:b/>" if bold else "") + ("<w:vanish/>" if hidden else "") + "</w:rPr>"
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(content: str = "", *, style: str | None = None, num: tuple[int, int] | None = None,
         outline: int | None = None, raw: bool = False) -> str:
    """A w:p; ``content`` is text (escaped into one run) unless ``raw``."""
    props = ""
    if style:
        props += f'<w:pStyle w:val="{style}"/>'
    if num:
        props += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    if outline is not None:
        props += f'<w:outlineLvl w:val="{outline}"/>'
    ppr = f"<w:pPr>{props}</w:pPr>" if props else ""
    inner = content if raw else (run(content) if content else "")
    return f"<w:p>{ppr}{inner}</w:p>"


def table(rows: list[list[str]]) -> str:
    """A w:tbl; each cell is a string of raw w:p XML or plain text."""
    out = ["<w:tbl><w:tblPr/>"]
    for row in rows:
        out.append("<w:tr>")
        for cell in row:
            body = cell if cell.startswith("<w:") else para(cell)
            out.append(f"<w:tc><w:tcPr/>{body}</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def document_xml(body: str, *, ns: str = W_NS, prolog: str = "") -> bytes:
    namespaces = NAMESPACES.replace(W_NS, ns)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{prolog}'
            f"<w:document {namespaces}><w:body>{body}<w:sectPr/></w:body></w:document>").encode()


def numbering_xml(
    abstracts: dict[int, list[tuple[str, str, int]]], nums: dict[int, tuple[int, dict[int, int]]]
) -> bytes:
    """abstracts: id -> [(numFmt, lvlText, start) per level]; nums: numId -> (abstractId, {ilvl: startOverride})."""
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="{W_NS}">']
    for abstract_id, levels in abstracts.items():
        out.append(f'<w:abstractNum w:abstractNumId="{abstract_id}">')
        for ilvl, (fmt, text, start) in enumerate(levels):
            out.append(f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
                       f'<w:lvlText w:val="{escape(text)}"/><w:lvlJc w:val="left"/></w:lvl>')
        out.append("</w:abstractNum>")
    for num_id, (abstract_id, overrides) in nums.items():
        out.append(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>')
        for ilvl, start in overrides.items():
            out.append(f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>')
        out.append("</w:num>")
    out.append("</w:numbering>")
    return "".join(out).encode("utf-8")


def styles_xml(styles: list[tuple[str, str, str]]) -> bytes:
    """[(styleId, name, extra pPr XML)] paragraph styles."""
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W_NS}">']
    for style_id, name, ppr in styles:
        out.append(f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>'
                   f"<w:pPr>{ppr}</w:pPr></w:style>")
    out.append("</w:styles>")
    return "".join(out).encode("utf-8")


def custom_xml(props: dict[str, str]) -> bytes:
    items = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i + 2}" name="{escape(name)}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for i, (name, value) in enumerate(props.items())
    )
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"{items}</Properties>").encode()


def docx_bytes(document: bytes | None, *, numbering: bytes | None = None, styles: bytes | None = None,
               custom: bytes | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """A .docx package; ``document=None`` leaves word/document.xml out."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        if document is not None:
            zf.writestr("word/document.xml", document)
        zf.writestr("word/_rels/document.xml.rels", DOC_RELS)
        if styles is not None:
            zf.writestr("word/styles.xml", styles)
        if numbering is not None:
            zf.writestr("word/numbering.xml", numbering)
        if custom is not None:
            zf.writestr("docProps/custom.xml", custom)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def set_declared_size(package: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size a zip declares for ``member`` (local header and directory)."""
    data = bytearray(package)
    name = member.encode()
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        local = zf.getinfo(member).header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 22, size)
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46:pos + 46 + name_len]) == name:
            struct.pack_into("<I", data, pos + 24, size)
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    else:  # pragma: no cover
        raise AssertionError("member not in central directory")
    return bytes(data)


# ------------------------------------------------------------------ OpenDocument text

ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0" '
    'office:version="1.3"'
)


def odt_content(body: str, *, automatic_styles: str = "", prolog: str = "", kind: str = "text") -> bytes:
    """content.xml: ``body`` is the raw XML inside office:text (or office:``kind``)."""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}<office:document-content {ODF_NAMESPACES}>'
            f"<office:automatic-styles>{automatic_styles}</office:automatic-styles>"
            f"<office:body><office:{kind}>{body}</office:{kind}></office:body>"
            "</office:document-content>").encode()


def odt_styles(styles: str = "", automatic_styles: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {ODF_NAMESPACES}>'
            f"<office:styles>{styles}</office:styles>"
            f"<office:automatic-styles>{automatic_styles}</office:automatic-styles>"
            "</office:document-styles>").encode()


def list_style(name: str, levels: list[dict[str, str]], *, outline: bool = False) -> str:
    """A text:list-style (or the text:outline-style); each level a dict of attributes.

    Keys: num-format, num-prefix, num-suffix (style:), display-levels, start-value
    (text:), num-list-format (loext:), followed-by (label-followed-by), bullet (any value).
    """
    out = ['<text:outline-style style:name="Outline">' if outline else f'<text:list-style style:name="{name}">']
    for number, level in enumerate(levels, start=1):
        if "bullet" in level:
            out.append(f'<text:list-level-style-bullet text:level="{number}" text:bullet-char="•"/>')
            continue
        attributes = [f'text:level="{number}"']
        for key, value in level.items():
            if key == "followed-by":
                continue
            prefix = {"display-levels": "text", "start-value": "text", "num-list-format": "loext"}.get(key, "style")
            attributes.append(f'{prefix}:{key}="{escape(value, {chr(34): "&quot;"})}"')
        tag = "text:outline-level-style" if outline else "text:list-level-style-number"
        alignment = (f'<style:list-level-properties><style:list-level-label-alignment '
                     f'text:label-followed-by="{level.get("followed-by", "listtab")}"/></style:list-level-properties>')
        out.append(f'<{tag} {" ".join(attributes)}>{alignment}</{tag}>')
    out.append("</text:outline-style>" if outline else "</text:list-style>")
    return "".join(out)


def manifest_xml(*, encrypted: bool = False, media_type: str = ODT_MIMETYPE) -> bytes:
    encryption = ('<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
                  '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
                  '<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:iteration-count="1024" '
                  'manifest:salt="AAAA"/></manifest:encryption-data>') if encrypted else ""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.3">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{media_type}"/>'
            f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{encryption}'
            '</manifest:file-entry>'
            '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>").encode()


def odt_bytes(content: bytes | None, *, styles: bytes | None = None, meta: bytes | None = None,
              manifest: bytes | None = None, mimetype: str | None = ODT_MIMETYPE,
              extra: dict[str, bytes] | None = None) -> bytes:
    """An .odt package: the mimetype entry first and stored, as ODF requires; ``content=None`` leaves it out."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if mimetype is not None:
            zf.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        if manifest is None:
            manifest = manifest_xml(media_type=mimetype or ODT_MIMETYPE)
        zf.writestr("META-INF/manifest.xml", manifest)
        if content is not None:
            zf.writestr("content.xml", content)
        zf.writestr("styles.xml", styles if styles is not None else odt_styles())
        if meta is not None:
            zf.writestr("meta.xml", meta)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


# ------------------------------------------------------------------ LibreOffice

SOFFICE_SECONDS = 120


def soffice_convert(source: Path, target_format: str, outdir: Path, profile: Path) -> Path:
    """``soffice --headless --convert-to`` into ``outdir``; the converted file.

    ``profile`` is this conversion's own user installation (and HOME), so runs
    in parallel do not share LibreOffice's profile lock. Without soffice the
    calling test is skipped, unless CONTRACTKIT_REQUIRE_SERVICES=1 (CI): then it fails.
    """
    import pytest

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        reason = "soffice not found: scripts/setup-test-machine.sh installs Debian's libreoffice-writer-nogui"
        if os.environ.get("CONTRACTKIT_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason}; CONTRACTKIT_REQUIRE_SERVICES=1 says the LibreOffice tests must run", pytrace=False)
        pytest.skip(reason)
    profile.mkdir(parents=True, exist_ok=True)
    command = [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
               "--convert-to", target_format, "--outdir", str(outdir), str(source)]
    process = subprocess.Popen(command, env={**os.environ, "HOME": str(profile)}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=SOFFICE_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # soffice's own children too
        process.communicate()
        pytest.fail(f"soffice took over {SOFFICE_SECONDS} s to convert {source.name}", pytrace=False)
    target = outdir / f"{source.stem}.{target_format.split(':')[0]}"
    if process.returncode != 0 or not target.exists():
        pytest.fail(f"soffice did not convert {source.name} (exit {process.returncode}): "
                    f"{output.decode(errors='replace')[-500:]}", pytrace=False)
    return target


# ------------------------------------------------------------------ OLE2 / CFB

_END, _FREE, _FAT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR = 512


def cfb_bytes(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file holding ``streams`` in the root storage.

    Every stream is padded to at least 4096 bytes so it lives in regular
    sectors (no mini stream needed); one FAT sector is enough for < 128 sectors.
    """
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # CFB sibling order
    entries = len(names) + 1
    dir_sectors = -(-entries // 4)
    contents = [streams[n].ljust(4096, b"\0") for n in names]
    data_sectors = [-(-len(c) // _SECTOR) for c in contents]
    total_sectors = 1 + dir_sectors + sum(data_sectors)
    assert total_sectors <= 128, "fixture too big for one FAT sector"

    fat = [_FREE] * 128
    fat[0] = _FAT
    for i in range(dir_sectors):
        fat[1 + i] = 2 + i if i < dir_sectors - 1 else _END
    starts = []
    nxt = 1 + dir_sectors
    for count in data_sectors:
        starts.append(nxt)
        for k in range(count):
            fat[nxt + k] = nxt + k + 1 if k < count - 1 else _END
        nxt += count

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", left, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start, size))

    directory = [entry("Root Entry", 5, _NOSTREAM, _NOSTREAM, 1 if names else _NOSTREAM, _END, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else _NOSTREAM
        directory.append(entry(name, 2, _NOSTREAM, right, _NOSTREAM, starts[i], len(contents[i])))
    empty = (b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", _NOSTREAM, _NOSTREAM, _NOSTREAM)
             + b"\0" * 48)
    while len(directory) < dir_sectors * 4:
        directory.append(empty)

    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109I", 0, *([_FREE] * 108)))
    assert len(header) == 512
    body = struct.pack("<128I", *fat) + b"".join(directory) + b"".join(
        c.ljust(n * _SECTOR, b"\0") for c, n in zip(contents, data_sectors, strict=True))
    return header + body


# ------------------------------------------------------------------ PDF


def pdf_bytes(pages: list[str | None]) -> bytes:
    """A PDF whose pages show the given lines of ASCII text (Helvetica).

    ``None`` for a page draws only a filled rectangle: a page without text.
    """
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        if text is None:
            stream = b"0.5 g 72 600 200 100 re f"
        else:
            lines = text.split("\n")
            ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
            for line in lines:
                safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                ops.append(f"({safe}) Tj T*")
            ops.append("ET")
            stream = "\n".join(ops).encode("latin-1")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def deflate_ratio(data: bytes) -> float:
    return len(data) / len(zlib.compress(data))
