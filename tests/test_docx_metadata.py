"""The generation record of a .docx: the request in a customXml part (Word keeps a custom property to
255 characters), short values also as custom properties, documents of earlier versions still read —
and a Word-compatible round trip: LibreOffice re-saves the document and the request is still there."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import time
import zipfile

import pytest
from lxml import etree

import contractkit
from contractkit.generation.writers.docx_writer import DocxWriter, read_metadata
from contractkit.reading import ReadError, read_document
from contractkit.reading.docx_metadata import PROPERTY_LIMIT, REQUEST_NS

from conftest import FILLED
from reading_fixtures import custom_xml, document_xml, docx_bytes, para, soffice_convert

REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DS = "{http://schemas.openxmlformats.org/officeDocument/2006/customXml}"
CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
GUID = re.compile(r"\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}")


@pytest.fixture(scope="module")
def document():
    parameters = {name: value for name, value in FILLED.items() if name != "partner_address"}  # one left blank
    return contractkit.render_document("provider-om", options=["cii", "multi-cloud"], parameters=parameters)


@pytest.fixture(scope="module")
def data(document) -> bytes:
    return DocxWriter().write(document)


@pytest.fixture(scope="module")
def parts(data) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def request_part(parts: dict[str, bytes]) -> str:
    """The name of the customXml item related from the document that holds our request."""
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    items = [
        r.get("Target").replace("../", "") for r in rels.iter(REL_NS + "Relationship") if r.get("Type") == CUSTOM_XML
    ]
    (ours,) = [name for name in items if etree.fromstring(parts[name]).tag == f"{{{REQUEST_NS}}}request"]
    return ours


def custom_properties(parts: dict[str, bytes]) -> dict[str, str]:
    root = etree.fromstring(parts["docProps/custom.xml"])
    return {prop.get("name"): "".join(prop.itertext()) for prop in root}


# ------------------------------------------------------------------ the package


def test_request_part_is_wired_as_word_expects(parts):
    name = request_part(parts)
    assert re.fullmatch(r"customXml/item\d+\.xml", name)
    number = name[len("customXml/item"):-len(".xml")]
    rels = etree.fromstring(parts[f"customXml/_rels/item{number}.xml.rels"])
    (rel,) = rels.iter(REL_NS + "Relationship")
    assert rel.get("Type").endswith("/customXmlProps") and rel.get("Target") == f"itemProps{number}.xml"
    props = etree.fromstring(parts[f"customXml/itemProps{number}.xml"])
    assert props.tag == DS + "datastoreItem" and GUID.fullmatch(props.get(DS + "itemID"))
    assert [ref.get(DS + "uri") for ref in props.iter(DS + "schemaRef")] == [REQUEST_NS]
    types = etree.fromstring(parts["[Content_Types].xml"])
    overrides = {t.get("PartName"): t.get("ContentType") for t in types if t.get("PartName")}
    defaults = {t.get("Extension"): t.get("ContentType") for t in types if t.get("Extension")}
    assert overrides[f"/customXml/itemProps{number}.xml"] == \
        "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
    assert overrides.get(f"/{name}", defaults["xml"]) == "application/xml"


def test_request_part_holds_the_whole_request(parts, document):
    root = etree.fromstring(parts[request_part(parts)])
    values = {}
    for child in root:
        values.setdefault(etree.QName(child).localname, []).append(child)
    meta = document.metadata
    assert [e.text for e in values["pair"]] == list(meta.pair_ids)
    assert [e.text for e in values["option"]] == ["cii", "multi-cloud"]
    assert [e.text for e in values["requirement"]] == list(meta.requirement_ids)
    assert values["kind"][0].text == "agreement" and values["generator"][0].text == meta.generator
    parameters = {e.get("name"): e for e in values["parameter"]}
    assert parameters.keys() == meta.parameters.keys()
    assert parameters["provider_name"].text == FILLED["provider_name"]
    assert parameters["critical_fix_days"].get("type") == "integer"
    assert parameters["partner_address"].get("type") == "unset" and meta.parameters["partner_address"] is None


def test_custom_properties_keep_only_what_fits_word(parts, document):
    properties = custom_properties(parts)
    assert all(len(value) <= PROPERTY_LIMIT for value in properties.values())
    assert "contractkit.parameters" not in properties  # longer than Word keeps
    assert properties["contractkit.options"] == "cii,multi-cloud"
    full = document.metadata.as_properties()
    assert {k: v for k, v in full.items() if k != "contractkit.parameters" and len(v) <= PROPERTY_LIMIT} == properties


def test_long_requirement_lists_move_to_the_request_part(document):
    ids = tuple(f"requirement-{n:03d}" for n in range(60))
    longer = dataclasses.replace(document, metadata=dataclasses.replace(document.metadata, requirement_ids=ids))
    data = DocxWriter().write(longer)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        properties = custom_properties({"docProps/custom.xml": package.read("docProps/custom.xml")})
        assert "contractkit.requirements" not in properties
    assert read_metadata(data)["contractkit.requirements"] == ",".join(ids)


# ------------------------------------------------------------------ reading it back


def test_the_reader_and_read_metadata_give_the_request(data, document, tmp_path):
    expected = document.metadata.as_properties()
    assert read_metadata(data) == expected
    path = tmp_path / "agreement.docx"
    path.write_bytes(data)
    assert read_metadata(path) == read_metadata(str(path)) == read_metadata(io.BytesIO(data)) == expected
    properties = read_document(path).properties
    assert properties == expected
    assert json.loads(properties["contractkit.parameters"])["critical_fix_days"] == 7


def test_documents_of_earlier_versions_still_read(document, tmp_path):
    """Before the customXml part, everything was a custom property, contractkit.parameters included."""
    old = document.metadata.as_properties()
    path = tmp_path / "old.docx"
    path.write_bytes(docx_bytes(document_xml(para("第一条 正文")), custom=custom_xml(old)))
    assert read_document(path).properties == old
    assert read_metadata(path) == old


def test_the_request_wins_over_stale_custom_properties(data, tmp_path):
    package = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(package, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/custom.xml":
                content = custom_xml({"contractkit.kind": "annex", "合同编号": "HT-1"})
            target.writestr(info, content)
    properties = read_metadata(package.getvalue())
    assert properties["contractkit.kind"] == "agreement" and properties["合同编号"] == "HT-1"


def test_a_hostile_request_part_is_refused(data, tmp_path):
    package = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(package, "w") as target:
        name = request_part({n: source.read(n) for n in source.namelist()})
        for info in source.infolist():
            content = source.read(info)
            if info.filename == name:
                content = b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + content.split(b"?>", 1)[1]
            target.writestr(info, content)
    path = tmp_path / "hostile.docx"
    path.write_bytes(package.getvalue())
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert info.value.code == "doctype"


def test_no_metadata_reads_empty():
    assert read_metadata(docx_bytes(document_xml(para("正文")))) == {}


# ------------------------------------------------------------------ a Word-compatible round trip


def test_libreoffice_resave_keeps_the_request(data, document, tmp_path):
    source = tmp_path / "agreement.docx"
    source.write_bytes(data)
    started = time.monotonic()
    resaved = soffice_convert(source, "docx", tmp_path / "resaved", tmp_path / "lo-profile")
    assert time.monotonic() - started < 120
    assert resaved.read_bytes() != data  # really written again by LibreOffice
    with zipfile.ZipFile(resaved) as package:
        names = package.namelist()
        assert any(REQUEST_NS.encode() in package.read(n) for n in names if n.startswith("customXml/item"))
    expected = document.metadata.as_properties()
    from_reader = read_document(resaved).properties
    for properties in (read_metadata(resaved), from_reader):
        assert properties["contractkit.requirements"] == expected["contractkit.requirements"]
        assert properties["contractkit.pairs"] == expected["contractkit.pairs"]
        assert properties["contractkit.options"] == expected["contractkit.options"]
        assert json.loads(properties["contractkit.parameters"]) == document.metadata.parameters
