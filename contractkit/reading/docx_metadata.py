"""contractkit's generation record in a .docx: the request a document was made from.

A generated .docx records what was asked for — its pairs (the pair, then one
per extra role), options, kind and parameters — and the requirement ids it
renders. Word limits a custom property's value to 255 characters, which the
parameters (and a long list of requirement ids) exceed, so the record lives
in a customXml data part, as Word keeps such parts: ``customXml/itemN.xml``
related from the main document part, with its ``customXml/itemPropsN.xml``.
Values that fit are also written as custom properties (``contractkit.*``),
which Word shows under File > Info > Properties.

Reading gives one mapping in the shape of those properties (name -> text,
``contractkit.parameters`` as JSON), so documents from earlier versions, which
held everything in custom properties, read the same as new ones. This module
is the format's one definition: the writer builds the part with
:func:`request_xml`, the readers find it with :func:`package_metadata`.
"""

from __future__ import annotations

import json
import posixpath
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol

from lxml import etree

from .safety import PROLOG_PREFIX_BYTES, SafeZip, element_text, parse_xml

REQUEST_NS = "urn:contractkit:generation-request:1"
ITEM_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CUSTOM_PROPS = ("{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}",
                "{http://purl.oclc.org/ooxml/officeDocument/customProperties}")
CUSTOM_PART = "docProps/custom.xml"
PROPERTY_LIMIT = 255  # characters Word keeps in a custom property's value
PARAMETERS = "contractkit.parameters"

_R = f"{{{REQUEST_NS}}}"
# property name -> element holding it; lists repeat their element, one value each
_SCALARS = {"contractkit.generator": "generator", "contractkit.standard": "standard", "contractkit.kind": "kind"}
_LISTS = {"contractkit.pairs": "pair", "contractkit.options": "option", "contractkit.requirements": "requirement"}


# ------------------------------------------------------------------ writing


class GenerationRecord(Protocol):
    """What the writer records; ``generation.document.Metadata`` is one (reading does not import generation)."""

    @property
    def generator(self) -> str: ...
    @property
    def standard(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def pair_ids(self) -> Iterable[str]: ...
    @property
    def options(self) -> Iterable[str]: ...
    @property
    def requirement_ids(self) -> Iterable[str]: ...
    @property
    def parameters(self) -> Mapping[str, str | int | None]: ...


def request_xml(metadata: GenerationRecord) -> bytes:
    """The customXml item for a ``generation.document.Metadata``."""
    # lxml-stubs refuse None, lxml's key for the default namespace
    root = etree.Element(_R + "request", nsmap={None: REQUEST_NS})  # type: ignore[dict-item]
    for element, text in (("generator", metadata.generator), ("standard", metadata.standard),
                          ("kind", metadata.kind)):
        etree.SubElement(root, _R + element).text = text
    for element, texts in (("pair", metadata.pair_ids), ("option", metadata.options),
                           ("requirement", metadata.requirement_ids)):
        for text in texts:
            etree.SubElement(root, _R + element).text = text
    for name, value in sorted(metadata.parameters.items()):
        parameter = etree.SubElement(root, _R + "parameter", name=name)
        if value is None:
            parameter.set("type", "unset")
        elif isinstance(value, int):
            parameter.set("type", "integer")
            parameter.text = str(value)
        else:
            parameter.text = str(value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def item_props_xml(item: bytes) -> bytes:
    """The itemProps part Word pairs with a customXml item: a stable id and the schema it follows."""
    item_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, REQUEST_NS + item.hex())).upper() + "}"
    ds = f"{{{ITEM_PROPS_NS}}}"
    root = etree.Element(ds + "datastoreItem", {ds + "itemID": item_id}, nsmap={"ds": ITEM_PROPS_NS})
    refs = etree.SubElement(root, ds + "schemaRefs")
    etree.SubElement(refs, ds + "schemaRef", {ds + "uri": REQUEST_NS})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=False)


def short_properties(properties: dict[str, str]) -> dict[str, str]:
    """The properties that may also be custom properties: all but the parameters, if they fit."""
    return {name: value for name, value in properties.items()
            if name != PARAMETERS and len(value) <= PROPERTY_LIMIT}


# ------------------------------------------------------------------ reading


def package_metadata(package: SafeZip, path: Path, main: str) -> tuple[dict[str, str], set[str]]:
    """Custom properties, overlaid with the generation request if the package has one.

    Returns the mapping and the names of the parts parsed in full (their
    prologs were checked by :func:`parse_xml`).
    """
    parsed: set[str] = set()
    properties: dict[str, str] = {}
    data = package.read(CUSTOM_PART)
    if data is not None:
        parsed.add(CUSTOM_PART)
        root = parse_xml(data, path, CUSTOM_PART)
        for ns in CUSTOM_PROPS:
            for prop in root.iter(ns + "property"):
                if name := prop.get("name"):
                    properties[name] = element_text(prop).strip()
    for part in _custom_xml_parts(package, path, main, parsed):
        head, _ = package.read_prefix(part, PROLOG_PREFIX_BYTES)
        if REQUEST_NS.encode() not in head:
            continue
        root = parse_xml(package.read(part) or b"", path, part)  # _custom_xml_parts() has seen the part
        parsed.add(part)
        if root.tag == _R + "request":
            properties.update(parse_request(root))
            break
    return properties, parsed


def parse_request(root: etree._Element) -> dict[str, str]:
    """The request element as properties, exactly as the writer's metadata gives them."""
    found: dict[str, list[str]] = {}
    parameters: dict[str, str | int | None] = {}
    for child in root:
        if not isinstance(child.tag, str) or not child.tag.startswith(_R):
            continue
        name, text = child.tag[len(_R):], child.text or ""
        if name == "parameter" and (parameter := child.get("name")):
            kind = child.get("type")
            parameters[parameter] = None if kind == "unset" else _typed(text, kind)
        else:
            found.setdefault(name, []).append(text)
    properties = {prop: found[element][0] for prop, element in _SCALARS.items() if element in found}
    properties.update({prop: ",".join(found.get(element, [])) for prop, element in _LISTS.items()})
    properties[PARAMETERS] = json.dumps(parameters, ensure_ascii=False, sort_keys=True)
    return properties


def _typed(text: str, kind: str | None) -> str | int:
    digits = text.strip().removeprefix("-")
    return int(text) if kind == "integer" and digits.isascii() and digits.isdigit() and len(digits) <= 30 else text


def _custom_xml_parts(package: SafeZip, path: Path, main: str, parsed: set[str]) -> list[str]:
    """customXml items related from the main part, in relationship order."""
    rels_name = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
    data = package.read(rels_name)
    if data is None:
        return []
    parsed.add(rels_name)
    parts: list[str] = []
    for rel in parse_xml(data, path, rels_name).iter(REL + "Relationship"):
        if (rel.get("Type") or "").endswith("/customXml") and rel.get("TargetMode") != "External":
            target = rel.get("Target") or ""
            name = posixpath.normpath(target.lstrip("/") if target.startswith("/")
                                      else posixpath.join(posixpath.dirname(main), target)).lstrip("/")
            if package.has(name):
                parts.append(name)
    return parts
