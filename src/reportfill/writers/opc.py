"""python-docx below its documented API: the one place reportfill reaches into it.

python-docx documents the document (paragraphs, tables, sections, styles, core
properties) and ``Document.save``. Writing a report also needs what it keeps below
that: the package's parts, to add the custom and app properties and replace the font
table, and the package writer's steps, to zip the members once, deterministically
(:mod:`.docx_package`); and the XML elements behind its tables, rows, cells and
sections, to set what it has no property for. This module relies on these pieces of
``docx.opc`` and ``docx.oxml`` as 1.1 and 1.2 have them (``pyproject.toml`` bounds
python-docx below 2; ``tests/test_opc.py`` fails, naming the piece, should a release
change one):

- ``docx.opc.part.Part(partname, content_type, blob, package)`` makes a part whose
  content is its ``_blob``; ``package.relate_to`` and ``rels`` relate and find parts;
  ``package._core_properties_part`` is the core properties part;
- ``CoreProperties`` wraps a ``cp:coreProperties`` element (``_element``), which
  ``docx.oxml.parser.parse_xml`` makes of a part's XML and
  ``docx.opc.oxml.serialize_part_xml`` writes back as the part's blob;
- ``Package.save`` calls ``before_marshal`` on every part and then
  ``PackageWriter._write_content_types_stream``, ``_write_pkg_rels`` and
  ``_write_parts``, which hand a writer each member's name (``membername``) and bytes;
- ``Table``, ``_Row`` and ``_Cell`` keep their element in ``_element``, ``Section`` in
  ``_sectPr``.

``docx.oxml.OxmlElement`` and ``docx.oxml.ns.qn``, which python-docx's documentation
itself uses to extend a document, are used as public API.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.parser import parse_xml
from docx.section import Section
from lxml import etree

parse = parse_xml  # a part's XML as python-docx loads it: blank text dropped, entities kept
serialize = serialize_part_xml  # an element as python-docx writes a part: UTF-8, standalone


@dataclass(frozen=True)
class Properties:
    """A package-level properties part: how the package relates it, what it holds, its name."""

    reltype: str
    content_type: str
    partname: str


CUSTOM_PROPERTIES = Properties(RT.CUSTOM_PROPERTIES, CT.OFC_CUSTOM_PROPERTIES, "/docProps/custom.xml")
APP_PROPERTIES = Properties(RT.EXTENDED_PROPERTIES, CT.OFC_EXTENDED_PROPERTIES, "/docProps/app.xml")


def properties_part(document, kind: Properties, blob: bytes = b"") -> Part:
    """The package's part of ``kind``, added holding ``blob`` when the package has none."""
    package = document.part.package
    for rel in package.rels.values():
        if rel.reltype == kind.reltype and not rel.is_external:
            return rel.target_part
    part = Part(PackURI(kind.partname), kind.content_type, blob, package)
    package.relate_to(part, kind.reltype)
    return part


def font_table_part(document) -> Part:
    """The main document's font table part (the package python-docx's default template
    makes has one)."""
    return document.part.part_related_by(RT.FONT_TABLE)


def set_blob(part: Part, blob: bytes) -> None:
    """Replace the content of ``part``, a part python-docx keeps as bytes (not XML)."""
    part._blob = blob


def drop_thumbnail(document) -> None:
    """Take the package's thumbnail out (python-docx's default template has one, of its
    own first page)."""
    rels = document.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del rels[rid]


def member_name(part: Part) -> str:
    """The zip member name of ``part``."""
    return part.partname.membername


def core_properties_name(document) -> str:
    """The zip member name of the package's core properties part."""
    return member_name(document.part.package._core_properties_part)


def content_types(document) -> set[str]:
    """The content types of the package's parts."""
    return {part.content_type for part in document.part.package.parts}


def relationship_counts(document) -> Counter:
    """How many relationships (of the package and of every part) target each part, by
    member name."""
    package = document.part.package
    return Counter(member_name(rel.target_part) for source in (package, *package.parts)
                   for rel in source.rels.values() if not rel.is_external)


def core_properties(blob: bytes) -> CoreProperties:
    """python-docx's core properties of a ``docProps/core.xml`` part's content."""
    return CoreProperties(parse_xml(blob))


def core_properties_xml(props: CoreProperties) -> bytes:
    """The core properties part's content, as python-docx writes ``props``."""
    return serialize_part_xml(props._element)


def clear_core_properties(props: CoreProperties) -> None:
    """Remove every property ``props`` holds."""
    core = props._element
    for child in list(core):
        core.remove(child)


def package_members(document) -> list[tuple[str, bytes]] | None:
    """(member name, bytes) of each member ``document.save`` writes, in its order, by its
    own package writer steps; None should a python-docx release rename them."""
    from docx.opc.pkgwriter import PackageWriter

    steps = [getattr(PackageWriter, name, None)
             for name in ("_write_content_types_stream", "_write_pkg_rels", "_write_parts")]
    if not all(steps):
        return None
    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    members = _Collected()
    steps[0](members, parts)
    steps[1](members, package.rels)
    steps[2](members, parts)
    return members.members


class _Collected:
    """python-docx's physical package writer interface, collecting the members."""

    def __init__(self):
        self.members: list[tuple[str, bytes]] = []

    def write(self, pack_uri, blob: bytes) -> None:
        self.members.append((pack_uri.membername, blob))


def element(proxy) -> etree._Element:
    """The XML element behind a python-docx ``Table``, ``_Row``, ``_Cell`` or ``Section``."""
    return proxy._sectPr if isinstance(proxy, Section) else proxy._element
