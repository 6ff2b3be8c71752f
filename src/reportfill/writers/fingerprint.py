"""The mark by which reportfill knows a DOCX it wrote has not been touched since.

The natural workflow is fill → edit in Word → fix a number in the TOML → fill again; the
last step must not silently destroy the edits. Every filled DOCX therefore carries, as a
custom document property (``docProps/custom.xml``, which Word, WPS and LibreOffice keep
and show under 文件 › 属性 › 自定义), a digest of every other member of its package.
Before a fill replaces a file it recomputes that digest: equal means the file is exactly
what reportfill wrote; anything an editor saves -- even unchanged -- rewrites the parts
and no longer matches.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import zipfile
from collections.abc import Iterable
from enum import Enum
from pathlib import Path

from lxml import etree

from . import opc

PROPERTY = "reportfill-fingerprint"
_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one format id of user-defined properties
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True)  # for files of unknown origin


class State(Enum):
    """What an existing output file is, as far as replacing it goes."""

    UNCHANGED = "unchanged"  # exactly what reportfill wrote: safe to replace
    EDITED = "edited"  # written by reportfill, changed or re-saved since
    FOREIGN = "foreign"  # not written by reportfill (or not a DOCX at all)


def digest(members: Iterable[tuple[str, bytes]]) -> str:
    """The fingerprint of a package's members (name, uncompressed bytes), in any order."""
    return digest_of((name, hashlib.sha256(data).digest()) for name, data in members)


def digest_of(members: Iterable[tuple[str, bytes]]) -> str:
    """:func:`digest` of members given as (name, SHA-256 of the uncompressed bytes)."""
    total = hashlib.sha256()
    for name, member in sorted(members):
        total.update(name.encode("utf-8") + b"\0" + member)
    return f"sha256:{total.hexdigest()}"


def custom_part(document) -> opc.Part:
    """The package's custom-properties part, added when the template has none."""
    return opc.properties_part(document, opc.CUSTOM_PROPERTIES, stamped(None, ""))


def stamped(custom_xml: bytes | None, fingerprint: str) -> bytes:
    """``custom_xml`` (a template's own custom properties, or None) with the fingerprint
    property set to ``fingerprint``; every other property is kept as it was."""
    root = etree.fromstring(custom_xml) if custom_xml else etree.Element(f"{{{_CUSTOM}}}Properties",
                                                                          nsmap={None: _CUSTOM, "vt": _VT})
    for prop in root.findall(f"{{{_CUSTOM}}}property"):
        if prop.get("name") == PROPERTY:
            root.remove(prop)
    pids = [int(p.get("pid")) for p in root.findall(f"{{{_CUSTOM}}}property") if (p.get("pid") or "").isdigit()]
    prop = etree.SubElement(root, f"{{{_CUSTOM}}}property", fmtid=_FMTID, pid=str(max(pids, default=1) + 1),
                            name=PROPERTY)
    etree.SubElement(prop, f"{{{_VT}}}lpwstr").text = fingerprint
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def stamp_package(data: bytes) -> bytes:
    """A package that already has a custom-properties part (an XLSX openpyxl saved with
    the property in it), rezipped with the property set to the digest of its other
    members: so that :func:`state` knows it as reportfill's until someone saves it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        custom = _custom_member(archive)
        members = [(info, archive.read(info)) for info in archive.infolist()]
    if custom is None:
        raise ValueError("the package has no custom-properties part to stamp")
    mark = digest((info.filename, member) for info, member in members if info.filename != custom)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info, member in members:
            target.writestr(info, stamped(member, mark) if info.filename == custom else member)
    return out.getvalue()


def state(path: Path) -> State:
    """Whether ``path`` is a package (a DOCX, an XLSX) reportfill wrote and nobody changed
    since."""
    try:
        with zipfile.ZipFile(path) as archive:
            custom = _custom_member(archive)
            if custom is None:
                return State.FOREIGN
            stated = _stated(archive.read(custom))
            if stated is None:
                return State.FOREIGN
            actual = digest((name, archive.read(name)) for name in archive.namelist() if name != custom)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
        return State.FOREIGN
    return State.UNCHANGED if actual == stated else State.EDITED


def _custom_member(archive: zipfile.ZipFile) -> str | None:
    rels = etree.fromstring(archive.read("_rels/.rels"), _SAFE)
    for rel in rels.iter(f"{{{_PACKAGE_RELS}}}Relationship"):
        if rel.get("Type") == opc.CUSTOM_PROPERTIES.reltype and rel.get("TargetMode") != "External":
            return posixpath.normpath(rel.get("Target", "")).lstrip("/")
    return None


def _stated(custom_xml: bytes) -> str | None:
    for prop in etree.fromstring(custom_xml, _SAFE).iter(f"{{{_CUSTOM}}}property"):
        if prop.get("name") == PROPERTY:
            return "".join(prop.itertext()).strip() or None
    return None
