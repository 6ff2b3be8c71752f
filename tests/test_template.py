"""The committed template is what the builder makes, and carries GB/T 9704 typography."""

from __future__ import annotations

import io

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from conftest import REPO
from reportfill.format.formats import FORMAT_2021
from reportfill.writers.template_builder import TABLE_STYLE, build, template_name

TEMPLATE = REPO / "templates" / template_name(FORMAT_2021)


def test_committed_template_is_what_the_builder_makes():
    assert TEMPLATE.read_bytes() == build(FORMAT_2021), (
        "templates/ is stale: run `python -m reportfill.template_builder` and commit the result"
    )


@pytest.fixture(scope="module")
def template():
    return docx.Document(io.BytesIO(TEMPLATE.read_bytes()))


def east_asian_font(style) -> str:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


@pytest.mark.parametrize("style, font, size", [
    ("Normal", "仿宋_GB2312", 16),
    ("Title", "方正小标宋简体", 22),
    ("Heading 1", "黑体", 16),
    ("Heading 2", "楷体_GB2312", 16),
    (TABLE_STYLE, "仿宋_GB2312", 10.5),
    ("Footer", "宋体", 14),
])
def test_styles_name_chinese_fonts_as_east_asian_fonts(template, style, font, size):
    s = template.styles[style]
    assert east_asian_font(s) == font
    assert s.font.size == Pt(size)
    theme = [a for a in s.element.rPr.rFonts.attrib if a.endswith("Theme")]
    assert theme == [], "a theme font attribute would override the East Asian font name"


def test_body_paragraphs_are_indented_two_characters_with_fixed_line_pitch(template):
    normal = template.styles["Normal"]
    ind = normal.element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing == Pt(28.95)
    assert normal.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert template.styles["Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    table_ind = template.styles[TABLE_STYLE].element.pPr.find(qn("w:ind"))
    assert table_ind.get(qn("w:firstLineChars")) == "0"


def test_page_is_a4_with_gbt9704_margins(template):
    section = template.sections[0]
    mm = [round(x.mm, 1) for x in (section.page_width, section.page_height, section.top_margin,
                                   section.bottom_margin, section.left_margin, section.right_margin)]
    assert mm == [210, 297, 37, 35, 28, 26]


def test_page_numbers_are_dash_framed_fields_odd_right_even_left(template):
    section = template.sections[0]
    assert template.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == align
        xml = paragraph._p.xml
        assert "PAGE" in xml and paragraph.text.startswith("— ") and paragraph.text.endswith(" —")


def test_tables_fit_the_type_area(template):
    type_width = Mm(210 - 28 - 26).twips
    for table in template.tables:
        widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert type_width - 20 <= sum(widths) <= type_width


def test_every_value_cell_has_one_placeholder(template):
    texts = [c.text for t in template.tables for row in t.rows for c in row.cells]
    placeholders = {t for t in texts if t.startswith("{{")}
    assert len(placeholders) == sum(len(t.slots) for t in FORMAT_2021.tables)
