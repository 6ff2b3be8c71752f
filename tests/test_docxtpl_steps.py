"""The docxtpl steps reportfill re-does or calls one by one (writers/docxtpl_steps.py) are
docxtpl's: each test compares reportfill's step with plain ``DocxTemplate`` doing it, on
the bundled template and on templates edited as Word edits them, so a docxtpl release
that changes a step fails here, naming it."""

from __future__ import annotations

import io
import zipfile

import docx
import jinja2
import pytest
from docxtpl import DocxTemplate
from lxml import etree

from conftest import SEED
from docx_fixtures import template_edited
from reportfill.readers.toml_input import load_input
from reportfill.writers import render as R
from reportfill.writers.docxtpl_steps import RENDERED_PROPERTIES, CompilingOnce, Template, number_drawings

TITLE = b"{{ title }}"
# Templates as a clerk's Word leaves them: a placeholder split over runs (a spelling
# mark, an edit in the middle), the title in the footer, a filter, a branch in a table.
EDITS = {
    "bundled": ("word/document.xml", TITLE, TITLE),
    "placeholder split over runs": ("word/document.xml", TITLE,
                                    b'{{ </w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:t>title }}'),
    "title in the footer": ("word/footer1.xml", "— ".encode(), "{{ title }}— ".encode()),
    "a filter": ("word/document.xml", TITLE, b"{{ title|trim }}"),
    "a branch in a table": ("word/document.xml", b"{{ cells['proactive:regulations:issued'] }}",
                            b"{% if true %}{{ cells['proactive:regulations:issued'] }}{% endif %}"),
}


@pytest.fixture(params=EDITS)
def template(request, tmp_path):
    member, old, new = EDITS[request.param]
    path = template_edited(tmp_path / "template.docx", member, old, new)
    with zipfile.ZipFile(path) as archive:
        assert new in archive.read(member), "the edit was not made"
    return path


def context(title: str = "温县教育局\t2021年\n政府信息公开工作年度报告") -> dict:
    """The seed's context with a title holding a tab and a line break (docxtpl's
    resolve_listing turns them into Word structure)."""
    return {**R.context(load_input(SEED)), "title": title}


def plain_environment() -> jinja2.Environment:
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, finalize=R._literal)


def test_the_body_patched_and_rendered_step_by_step_is_docxtpls(template):
    ours, plain = Template(str(template)), DocxTemplate(str(template))
    ours.start()
    plain.render_init()
    assert ours.body_xml() == plain.patch_xml(plain.get_xml()), "DocxTemplate.patch_xml(get_xml()) changed"
    values = context()
    assert ours.render_part(ours.body_xml(), values, R.environment()) == \
        plain.build_xml(values, plain_environment()), "DocxTemplate.render_xml_part changed"


def test_a_rendered_document_xml_is_what_plain_docxtpl_renders(template):
    """reportfill's render (prepared, or docxtpl in full with the faster steps) against
    DocxTemplate.render, member by member where docxtpl writes it."""
    report = load_input(SEED)
    filled = R.render(report, template)
    plain = DocxTemplate(str(template))
    plain.render(R.context(report), jinja_env=plain_environment(), autoescape=True)
    saved = io.BytesIO()
    plain.save(saved)
    with zipfile.ZipFile(io.BytesIO(filled)) as ours, zipfile.ZipFile(saved) as theirs:
        for name in ("word/document.xml", "word/footer1.xml", "word/footer2.xml"):
            assert ours.read(name) == theirs.read(name), f"{name} differs from DocxTemplate.render's"


def test_headers_and_footers_are_those_docxtpl_renders(template):
    ours, plain = Template(str(template)), DocxTemplate(str(template))
    ours.start()
    plain.render_init()
    found = ours.headers_footers()
    expected = [part for uri in (plain.HEADER_URI, plain.FOOTER_URI) for _, part in plain.get_headers_footers(uri)]
    assert [str(part.partname) for part, *_ in found] == [str(part.partname) for part in expected]
    assert found, "the bundled template has its page numbers in footers"
    for (part, xml, encoding), theirs in zip(found, expected):
        text = plain.get_part_xml(theirs)
        assert (xml, encoding) == (plain.patch_xml(text), plain.get_headers_footers_encoding(text))
        rendered = ours.render_part(xml, context(), R.environment())
        assert rendered == plain.render_xml_part(plain.patch_xml(text), theirs, context(), plain_environment())


def test_tables_fixed_as_docxtpl_fixes_them(template):
    ours = Template(str(template))
    ours.start()
    body = ours.render_part(ours.body_xml(), context(), R.environment())
    assert etree.tostring(ours.tables_fixed(body)) == etree.tostring(DocxTemplate.fix_tables(ours, body))


def test_drawings_are_numbered_as_docxtpl_numbers_them():
    wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    xml = f'<w:body xmlns:w="urn:w" xmlns:wp="{wp}"><wp:docPr id="7"/><w:p><wp:docPr id="7"/></w:p></w:body>'
    ours, theirs = etree.fromstring(xml), etree.fromstring(xml)
    number_drawings(ours)
    plain = DocxTemplate(str(R.default_template(load_input(SEED).fmt)))
    plain.render_init()
    plain.fix_docpr_ids(theirs)
    assert etree.tostring(ours) == etree.tostring(theirs), "DocxTemplate.fix_docpr_ids numbers otherwise"


def test_the_core_properties_docxtpl_renders_are_those_named(tmp_path):
    source = docx.Document(str(R.default_template(load_input(SEED).fmt)))
    names = ("author", "category", "comments", "content_status", "identifier", "keywords", "language",
             "last_modified_by", "subject", "title", "version")
    for name in names:
        setattr(source.core_properties, name, "{{ x }}")
    source.save(str(tmp_path / "t.docx"))
    plain = DocxTemplate(str(tmp_path / "t.docx"))
    plain.render_init()
    plain.render_properties({"x": "v"}, jinja2.Environment())
    rendered = {name for name in names if getattr(plain.docx.core_properties, name) == "v"}
    assert rendered == set(RENDERED_PROPERTIES), "DocxTemplate.render_properties renders other properties"
    ours = Template(str(tmp_path / "t.docx"))
    ours.start()
    assert ours.renders_more()


def test_a_template_with_nothing_more_to_render_is_told_apart():
    template = Template(str(R.default_template(load_input(SEED).fmt)))
    template.start()
    assert not template.renders_more()


def test_docxtpl_hands_each_part_whole_to_from_string_once_per_render():
    """What CompilingOnce counts on: one source a part, the same text every render."""
    class Counting(CompilingOnce):
        def from_string(self, source, globals=None, template_class=None):
            sources.append(source)
            return super().from_string(source, globals, template_class)

    sources: list[str] = []
    env = Counting(autoescape=True, undefined=jinja2.StrictUndefined, finalize=R._literal)
    path = str(R.default_template(load_input(SEED).fmt))
    for _ in range(2):
        plain = DocxTemplate(path)
        plain.render(context(), jinja_env=env, autoescape=True)
    first, second = sources[:len(sources) // 2], sources[len(sources) // 2:]
    assert first == second
    bodies = [s for s in first if "<w:body" in s]
    assert len(bodies) == 1 and "{{ title }}" in bodies[0] and "\n<w:p" in bodies[0]
    compiled = env.from_string(bodies[0])
    assert env.from_string(bodies[0]) is compiled
    assert compiled.render(context()) == plain_environment().from_string(bodies[0]).render(context())
