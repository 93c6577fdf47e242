"""What the property tests and the fuzz target share: seed files, mutations, settings.

* :func:`seed_files` — small valid .docx packages built with the reading
  fixtures (numbering, styles, tables, tracked changes, text boxes, custom
  properties) plus the bundled sample contracts;
* :func:`mutated` — a Hypothesis strategy that damages a file the way the
  world does: flipped and deleted bytes, truncation, junk spliced in, and
  zip-level damage (a member replaced, dropped, duplicated, stored instead of
  deflated, its XML edited);
* :func:`fuzz_settings` — Hypothesis settings sized for CI, with
  ``CONTRACTKIT_FUZZ_EXAMPLES`` to run longer and derandomised when ``CI`` is set.

Nothing here imports contractkit: the fuzz target instruments contractkit's
modules as they are imported, so they must be imported after this.
"""

from __future__ import annotations

import io
import os
import warnings
import zipfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from reading_fixtures import (
    custom_xml,
    document_xml,
    docx_bytes,
    numbering_xml,
    para,
    run,
    styles_xml,
    table,
)

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples" / "contracts"

# ------------------------------------------------------------------ settings

EXAMPLES_ENV = "CONTRACTKIT_FUZZ_EXAMPLES"


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


def fuzz_examples(default: int) -> int:
    """``default``, or the number of examples CONTRACTKIT_FUZZ_EXAMPLES asks for (for a longer run)."""
    value = os.environ.get(EXAMPLES_ENV, "").strip()
    if not value:
        return default
    try:
        count = int(value)
    except ValueError:
        raise ValueError(f"{EXAMPLES_ENV} must be a whole number of examples, got {value!r}") from None
    if count <= 0:
        raise ValueError(f"{EXAMPLES_ENV} must be positive, got {count}")
    return count


def fuzz_settings(default_examples: int, **overrides) -> settings:
    """Settings for a property: no deadline (the first example loads the language pipeline),
    derandomised in CI so a run tests the same examples every time."""
    options = {
        "max_examples": fuzz_examples(default_examples),
        "deadline": None,
        "derandomize": _truthy("CI"),
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                                  HealthCheck.large_base_example],
    }
    options.update(overrides)
    return settings(**options)


# ------------------------------------------------------------------ seeds


def sample_docx_files() -> dict[str, bytes]:
    """The bundled sample contracts (real Word files written by python-docx)."""
    return {path.name: path.read_bytes() for path in sorted(SAMPLES.glob("*.docx"))}


@cache
def seed_files() -> dict[str, bytes]:
    """Small, valid .docx packages that between them use every feature the reader knows."""
    numbering = numbering_xml(
        abstracts={1: [("chineseCounting", "第%1条", 1), ("chineseCounting", "（%2）", 1), ("decimal", "%3.", 1)],
                   2: [("decimal", "%1.", 1), ("decimal", "%1.%2", 1)]},
        nums={1: (1, {}), 2: (2, {}), 3: (2, {0: 5})},
    )
    styles = styles_xml([
        ("Heading1", "heading 1", '<w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/>'),
        ("Normal", "Normal", ""),
    ])
    box = "<w:txbxContent>" + para("文本框：乙方应接受甲方的监督检查。") + "</w:txbxContent>"
    textbox = para(
        run("前") + '<w:r><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:textbox>{box}</v:textbox></w:pict></mc:Fallback>'
        "</mc:AlternateContent></w:r>" + run("后"), raw=True)
    tracked = para(
        run("乙方应") + '<w:ins w:id="1" w:author="a"><w:r><w:t>在24小时内</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="a"><w:r><w:delText>尽快</w:delText></w:r></w:del>'
        + run("通知甲方", bold=True) + run("隐藏", hidden=True), raw=True)
    contract = "".join([
        para("云服务安全责任协议", style="Heading1"),
        para("甲方：华云数智科技有限公司（以下简称“华云”）"),
        para("乙方：恒安运维服务有限公司"),
        para("数据安全", num=(1, 0)),
        para("乙方负责云平台的运维服务，安全责任不因此转移。", num=(1, 1)),
        para("乙方不得转包，经甲方书面同意的分包不超过两层。", num=(1, 1)),
        tracked,
        table([["责任方", "义务"], ["乙方", "<w:p/>" + table([["嵌套"]]) + para("漏洞修复")]]),
        textbox,
        para("1. 违约责任", num=(2, 0)),
        para("乙方违反本协议的，应承担违约责任。", num=(3, 0)),
    ])
    return {
        "contract.docx": docx_bytes(document_xml(contract), numbering=numbering, styles=styles,
                                    custom=custom_xml({"contractkit.pair": "provider-om"})),
        "minimal.docx": docx_bytes(document_xml(para("正文"))),
        "strict.docx": docx_bytes(document_xml(para("严格格式"), ns="http://purl.oclc.org/ooxml/wordprocessingml/main")),
        "table.docx": docx_bytes(document_xml(table([["甲方", "乙方"], ["", "<w:p/>"]]))),
    }


# ------------------------------------------------------------------ mutations

_JUNK = [b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"<!DOCTYPE x>", b"<w:p>", b"</w:body>", b"\x00" * 8,
         b"\xff" * 8, b"&", b"<![CDATA[", b"\xef\xbb\xbf", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF-"]


@st.composite
def byte_mutations(draw, data: bytes, max_edits: int = 6) -> bytes:
    """``data`` with a few bytes flipped, deleted, inserted or spliced, or cut short."""
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, max_edits))):
        if not buf:
            break
        at = draw(st.integers(0, len(buf) - 1))
        op = draw(st.sampled_from(["flip", "set", "delete", "insert", "junk", "truncate", "repeat"]))
        if op == "flip":
            buf[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            buf[at] = draw(st.integers(0, 255))
        elif op == "delete":
            del buf[at:at + draw(st.integers(1, 64))]
        elif op == "insert":
            buf[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif op == "junk":
            buf[at:at] = draw(st.sampled_from(_JUNK))
        elif op == "truncate":
            del buf[at:]
        else:
            buf[at:at] = buf[at:at + draw(st.integers(1, 256))]
    return bytes(buf)


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def _rezip(members: list[tuple[str, bytes, int]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as zf:
        warnings.simplefilter("ignore")  # "Duplicate name": on purpose
        for name, content, compression in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = compression
            zf.writestr(info, content)
    return buf.getvalue()


@st.composite
def zip_mutations(draw, data: bytes) -> bytes:
    """The same package with one or two of its members damaged, replaced, dropped or duplicated."""
    members = [(info.filename, content, info.compress_type) for info, content in _members(data)]
    for _ in range(draw(st.integers(1, 2))):
        if not members:
            break
        at = draw(st.integers(0, len(members) - 1))
        name, content, compression = members[at]
        op = draw(st.sampled_from(["edit", "edit", "edit", "replace", "drop", "duplicate", "store", "rename", "add"]))
        if op == "edit":  # the XML itself damaged, the zip intact: the parser is reached
            members[at] = (name, draw(byte_mutations(content, max_edits=3)) if content else b"<", compression)
        elif op == "replace":
            members[at] = (name, draw(st.binary(max_size=64) | st.sampled_from(_JUNK)), compression)
        elif op == "drop":
            del members[at]
        elif op == "duplicate":
            members.insert(at, (name, content, compression))
        elif op == "store":
            members[at] = (name, content, zipfile.ZIP_STORED)
        elif op == "rename":
            new = draw(st.sampled_from(
                ["/" + name, name.upper(), name.replace("/", "\\"), name + ".bak", "word/document.xml"]
            ))
            members[at] = (new, content, compression)
        else:
            members.append((draw(st.sampled_from(["word/settings.xml", "customXml/item9.xml", "x.rels", "a/../b.xml"])),
                            draw(st.sampled_from(_JUNK + [b'<?xml version="1.0"?><x/>'])), zipfile.ZIP_DEFLATED))
    return _rezip(members)


def mutated(seeds: dict[str, bytes]) -> st.SearchStrategy[bytes]:
    """A seed damaged at the byte level or at the zip level (or, rarely, left alone)."""
    seed = st.sampled_from(sorted(seeds)).map(seeds.__getitem__)
    return st.one_of(
        seed.flatmap(byte_mutations),
        seed.flatmap(zip_mutations),
        seed.flatmap(zip_mutations).flatmap(byte_mutations),
        seed,
    )
