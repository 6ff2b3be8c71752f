"""Every part of the template and of every filled DOCX is valid ECMA-376 (transitional),
as the openxml-audit validator judges it: Word answers a child element out of order with
"unreadable content" and a repair, or drops what it cannot place.

The reports are the seed, variants of it (bench/variants.py) and inputs with the texts
that stress the renderer: markup characters, tabs, line breaks, long names, many items."""

from __future__ import annotations

import sys

import pytest
from openxml_audit import OpenXmlValidator

from conftest import REPO, SEED
from docx_fixtures import template_edited
from reportfill.format.formats import FORMAT_2021
from reportfill.readers.toml_input import load_input
from reportfill.writers.render import default_template, render

sys.path.insert(0, str(REPO / "bench"))
from variants import variant  # noqa: E402

SEED_TEXT = SEED.read_text(encoding="utf-8")
OVERVIEW = 'text = """\n2021年，县教育局认真贯彻落实'
ITEM_TITLE = 'title = "及时主动公开"'


def findings(path) -> list[str]:
    """Everything the validator has to say about the file, errors and warnings alike."""
    result = OpenXmlValidator(max_errors=0).validate(path)
    return [str(e) for e in result.errors]


def many_items(count: int) -> str:
    items = "".join(f'\n[[problems.items]]\ntitle = "第{i}项"\ntext = "内容{i}"\n' for i in range(count))
    return SEED_TEXT.replace("\n[other]", items + "\n[other]", 1)


QUIRKY = {
    "markup characters": SEED_TEXT.replace(ITEM_TITLE, 'title = "<及时> & {{主动}} {% 公开 %} 100%"'),
    "a tab and quotes in an item title": SEED_TEXT.replace(ITEM_TITLE, 'title = "及时\\t“主动”公开"'),
    "a title the user broke": SEED_TEXT.replace('year = 2021', 'year = 2021\ntitle = "温县教育局\\n2021年政府信息公开工作年度报告"'),
    "a long agency name": SEED_TEXT.replace('agency = "温县教育局"', 'agency = "河南省焦作市温县教育局（温县教育体育局、温县语言文字工作委员会）"'),
    "a custom title without the agency": SEED_TEXT.replace('year = 2021', 'year = 2021\ntitle = "焦作市温县教育局2021年政府信息公开工作年度报告"'),
    "a preface and twelve items": many_items(12).replace('year = 2021', 'year = 2021\npreface = "本报告依据《条例》编制。"'),
    "English and digits in the prose": SEED_TEXT.replace(OVERVIEW, 'text = """\nWeb 2.0, PDF/A-1b, 12% & 3.14 ——“引号”……\n' + OVERVIEW[11:]),
}


def test_the_committed_template_is_valid():
    assert findings(default_template(FORMAT_2021)) == []


def test_the_seed_report_is_valid(tmp_path):
    out = tmp_path / "seed.docx"
    out.write_bytes(render(load_input(SEED)))
    assert findings(out) == []


@pytest.mark.parametrize("index", range(6))
def test_generated_reports_are_valid(index, write_input, tmp_path):
    out = tmp_path / f"variant-{index}.docx"
    out.write_bytes(render(load_input(write_input(variant(index)))))
    assert findings(out) == []


@pytest.mark.parametrize("name", QUIRKY)
def test_reports_with_quirky_texts_are_valid(name, write_input, tmp_path):
    out = tmp_path / "quirky.docx"
    out.write_bytes(render(load_input(write_input(QUIRKY[name]))))
    assert findings(out) == []


def test_a_report_with_dates_is_valid(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "dated.docx"
    out.write_bytes(render(load_input(SEED)))
    assert findings(out) == []


def test_the_validator_finds_a_misplaced_property(tmp_path):
    """The check can fail: a w:jc before the other paragraph properties."""
    broken = template_edited(tmp_path / "broken.docx", "word/styles.xml", b"<w:pPr>", b"<w:pPr><w:jc w:val=\"both\"/>")
    assert findings(broken) != []
