"""The render shortcuts (compile once, patch once, skip the no-op listing pass, write the
package in one pass) change how fast a report is made, never its bytes: every render is
compared with plain docxtpl doing all the work, saved and re-packed."""

from __future__ import annotations

import io
import sys
from dataclasses import replace

import jinja2
import pytest
from docxtpl import DocxTemplate
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, SEED
from docx_fixtures import template_edited
from reportfill.writers import render as R
from reportfill.writers import fingerprint
from reportfill.writers.docxtpl_steps import Template
from reportfill.writers.docx_package import _saved_and_repacked, deterministic_zip, package_bytes
from reportfill.writers.properties import describe
from reportfill.readers.toml_input import load_input
from reportfill.report import Item, Prose

sys.path.insert(0, str(REPO / "bench"))
from variants import variant  # noqa: E402


def plain_environment(compile_once: bool = False) -> jinja2.Environment:
    """An environment as render's, compiling every template anew -- or, for tests that
    render many reports (the compile cache has its own test), each source once."""
    class Environment(jinja2.Environment):
        compiled: dict = {}

        def from_string(self, source, globals=None, template_class=None):
            if not compile_once:
                return super().from_string(source, globals, template_class)
            key = (source, self.autoescape)
            if key not in self.compiled:
                self.compiled[key] = super().from_string(source, globals, template_class)
            return self.compiled[key]

    return Environment(autoescape=True, undefined=jinja2.StrictUndefined, finalize=R._literal)


def plain_docxtpl(report, env: jinja2.Environment | None = None, template=None) -> bytes:
    """What render() does without the shortcuts: a fresh template and environment, a save
    and a re-pack that stamps the fingerprint."""
    document = DocxTemplate(str(template or R.default_template(report.fmt)))
    document.render(R.context(report), jinja_env=env or plain_environment(), autoescape=True)
    describe(document.docx, title=report.title.replace("\n", ""), author=report.agency,
             subject=f"{report.agency}{report.year}年度")
    custom = fingerprint.custom_part(document.docx)
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue(), (custom.partname.membername, custom.blob))


SEED_TEXT = SEED.read_text(encoding="utf-8")
CASES = {
    "seed": SEED_TEXT,
    "variant": variant(3),
    "another variant": variant(4),
    "a tab in a title": SEED_TEXT.replace('title = "及时主动公开"', 'title = "及时\\t主动公开"'),
    "markup characters": SEED_TEXT.replace('title = "及时主动公开"', 'title = "<及时> & {{主动}} {% 公开 %}"'),
}


@pytest.mark.parametrize("name", CASES)
def test_render_gives_plain_docxtpl_bytes_first_time_and_from_cache(name, write_input):
    report = load_input(write_input(CASES[name]))
    expected = plain_docxtpl(report)
    assert R.render(report) == expected
    assert R.render(report) == expected  # the second time from the compiled template


def test_one_pass_package_equals_save_and_repack():
    report = load_input(SEED)
    document = Template(str(R.default_template(report.fmt)))
    document.render(R.context(report), jinja_env=R.environment(), autoescape=True)
    assert package_bytes(document.docx) == _saved_and_repacked(document.docx)
    custom = fingerprint.custom_part(document.docx)
    stamp = (custom.partname.membername, custom.blob)
    assert package_bytes(document.docx, stamp=True) == _saved_and_repacked(document.docx, stamp)


def test_the_environment_stays_strict_and_compiles_each_source_once():
    env = R.environment()
    assert env.autoescape is True and env.undefined is jinja2.StrictUndefined
    template = env.from_string("<w:t>{{ x }}</w:t>")
    assert env.from_string("<w:t>{{ x }}</w:t>") is template
    assert template.render(x="a&b") == "<w:t>a&amp;b</w:t>"
    with pytest.raises(TypeError):
        template.render(x=None)
    with pytest.raises(jinja2.UndefinedError):
        template.render()
    env.autoescape = False  # docxtpl may set it: a template compiled otherwise is not reused
    try:
        assert env.from_string("<w:t>{{ x }}</w:t>") is not template
    finally:
        env.autoescape = True


# Text as a user or a web form may give it: markup, quotes, braces, Jinja and docxtpl
# syntax, character references, tabs and line breaks anywhere.
_PIECES = ["一", "a", " ", '"', "'", "&", "<", ">", "{", "}", "%", "#", "\t", "\n", "\r", "{{", "{%", "{_{",
           "%}", "&#34;", "&amp;", "<w:p>", "]]>", "\u00a0"]
texts = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12).map("".join)


@settings(max_examples=60, deadline=None)
@given(title=texts, paragraphs=st.lists(texts, min_size=1, max_size=3), item=texts)
def test_any_text_renders_as_plain_docxtpl_renders_it(title, paragraphs, item):
    report = load_input(SEED)
    overview = Prose(tuple(paragraphs), (Item(item, tuple(paragraphs)),))
    report = replace(report, title=title, preface=tuple(paragraphs), prose={**report.prose, "overview": overview})
    assert R.render(report) == plain_docxtpl(report, COMPILING_ONCE)


COMPILING_ONCE = plain_environment(compile_once=True)


CELL = b"{{ cells['proactive:regulations:issued'] }}"
TEMPLATES = {
    # A filter: not a canonical template, rendered and then parsed and serialized.
    "a filter": (b"{{ title }}", b"{{ title|trim }}", "parsed"),
    # A branch that is all a run's text holds: it could leave the element empty.
    "a branch around a value": (b"{{ title }}", b"{% if title %}{{ title }}{% endif %}", "parsed"),
    # A statement inside a table: docxtpl's fix of the tables is needed, so docxtpl renders it all.
    "a branch in a table": (CELL, b"{% if true %}" + CELL + b"{% endif %}", "docxtpl"),
}


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_rendered_otherwise_give_plain_docxtpl_bytes(name, tmp_path):
    old, new, how = TEMPLATES[name]
    template = template_edited(tmp_path / "template.docx", "word/document.xml", old, new)
    report = load_input(SEED)
    prepared = R._prepared(str(template), report.fmt, template.read_bytes())
    assert (prepared is None) == (how == "docxtpl")
    assert prepared is None or not prepared.canonical
    assert R.render(report, template) == plain_docxtpl(report, template=template)
