"""The python-docx pieces below its documented API that reportfill uses
(writers/opc.py) do what it counts on: each test goes through python-docx's own save and
reopen, or compares with what python-docx itself writes, so a python-docx release that
changes a piece fails here, naming it."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn

from conftest import SEED
from reportfill.readers.toml_input import load_input
from reportfill.writers import opc
from reportfill.writers.templates import default_template

CUSTOM = (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
          b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>')
APP = (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
       b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
       b"<Application>test</Application></Properties>")


def saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def members(data: bytes) -> list[tuple[str, bytes]]:
    """A saved package's parts in order: python-docx stamps each zip entry with the
    clock, so two saves a second apart differ in their bytes but not in these."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def test_custom_and_app_parts_round_trip_through_save_and_reopen():
    document = docx.Document()
    custom = opc.properties_part(document, opc.CUSTOM_PROPERTIES, CUSTOM)
    opc.set_blob(opc.properties_part(document, opc.APP_PROPERTIES), APP)
    assert opc.member_name(custom) == "docProps/custom.xml"
    assert opc.properties_part(document, opc.CUSTOM_PROPERTIES, b"other") is custom, "a second part was added"
    data = saved(document)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("docProps/custom.xml") == CUSTOM
        assert archive.read("docProps/app.xml") == APP
        types = archive.read("[Content_Types].xml").decode()
        rels = archive.read("_rels/.rels").decode()
    assert opc.CUSTOM_PROPERTIES.content_type in types and opc.CUSTOM_PROPERTIES.reltype in rels
    reopened = docx.Document(io.BytesIO(data))
    assert opc.properties_part(reopened, opc.CUSTOM_PROPERTIES).blob == CUSTOM
    assert opc.properties_part(reopened, opc.APP_PROPERTIES).blob == APP
    assert members(saved(reopened)) == members(saved(docx.Document(io.BytesIO(data))))


def test_package_members_are_what_save_writes_in_its_order():
    document = docx.Document(str(default_template(load_input(SEED).fmt)))
    opc.properties_part(document, opc.CUSTOM_PROPERTIES, CUSTOM)
    planned = opc.package_members(document)
    assert planned is not None, "python-docx's PackageWriter steps were renamed"
    assert planned == members(saved(document))


def test_core_properties_written_cleared_and_read_back():
    document = docx.Document()
    document.core_properties.title = "旧标题"
    props = opc.core_properties(opc.core_properties_xml(document.core_properties))
    assert props.title == "旧标题"
    opc.clear_core_properties(props)
    assert props.title == "" and props.author == ""
    props.title = "新标题"
    blob = opc.core_properties_xml(props)
    assert blob.startswith(b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>")
    assert opc.core_properties(blob).title == "新标题"
    assert opc.core_properties_name(document) == "docProps/core.xml"
    with zipfile.ZipFile(io.BytesIO(saved(document))) as archive:
        assert archive.read("docProps/core.xml") == opc.core_properties_xml(document.core_properties)


def test_a_part_parsed_and_serialized_is_what_python_docx_writes_for_it():
    document = docx.Document(str(default_template(load_input(SEED).fmt)))
    with zipfile.ZipFile(io.BytesIO(saved(document))) as archive:
        written = archive.read("word/document.xml")
    assert opc.serialize(opc.parse(written)) == written == document.part.blob
    assert opc.serialize(document.element) == written


def test_the_package_is_seen_as_python_docx_keeps_it():
    document = docx.Document()
    assert "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml" in \
        opc.content_types(document)
    counts = opc.relationship_counts(document)
    assert counts["word/document.xml"] == 1 and counts["word/styles.xml"] == 1
    font_table = opc.font_table_part(document)
    assert opc.member_name(font_table) == "word/fontTable.xml"
    opc.set_blob(font_table, b"<w:fonts xmlns:w='urn:x'/>")
    opc.drop_thumbnail(document)
    with zipfile.ZipFile(io.BytesIO(saved(document))) as archive:
        assert archive.read("word/fontTable.xml") == b"<w:fonts xmlns:w='urn:x'/>"
        assert not any("thumbnail" in name for name in archive.namelist())


def test_the_elements_behind_tables_rows_cells_and_sections_are_python_docx_own():
    document = docx.Document()
    table = document.add_table(rows=1, cols=1)
    row, cell, section = table.rows[0], table.cell(0, 0), document.sections[0]
    assert [opc.element(x).tag for x in (table, row, cell, section)] == \
        [qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sectPr")]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    assert opc.element(table).tblPr.find(qn("w:jc")).get(qn("w:val")) == "center"
    assert opc.element(section) is document.element.body[-1]
    assert opc.element(cell) in opc.element(row)
