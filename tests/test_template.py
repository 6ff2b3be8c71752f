"""The committed template is what the builder makes, and carries GB/T 9704 typography;
a user's copy of it is checked before it is filled."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from conftest import REPO, SEED
from reportfill.cli import main
from reportfill.format.formats import FORMAT_2021
from reportfill.writers.template_builder import TABLE_STYLE, build, template_name

TEMPLATE = REPO / "templates" / template_name(FORMAT_2021)


def test_committed_template_is_what_the_builder_makes():
    assert TEMPLATE.read_bytes() == build(FORMAT_2021), (
        "templates/ is stale: run `make template` and commit the result"
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


# ------------------------------------------------------------------ a user's template

def without_placeholder(tmp_path, cell: str) -> Path:
    """The template with one table cell's placeholder typed over with a number."""
    out = tmp_path / "lost-a-placeholder.docx"
    placeholder = f"{{{{ cells['{cell}'] }}}}".encode()
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                assert placeholder in data
                data = data.replace(placeholder, b"7")
            dst.writestr(info, data)
    return out


def fill_with(template: Path, tmp_path):
    out = tmp_path / "r.docx"
    result = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(out), "--template", str(template)])
    return result, out


def test_a_docx_that_is_not_a_template_is_refused_in_a_few_lines(tmp_path):
    other = tmp_path / "someone-elses-report.docx"
    document = docx.Document()
    document.add_paragraph("温县教育局2021年政府信息公开工作年度报告")
    document.add_table(rows=3, cols=3)
    document.save(str(other))
    result, out = fill_with(other, tmp_path)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 3, lines
    assert "不是 reportfill 的模板" in lines[0] and "reportfill template" in result.stderr
    assert not out.exists()


def test_a_template_that_lost_a_placeholder_names_the_cell(tmp_path):
    result, out = fill_with(without_placeholder(tmp_path, "applications:received:natural_person"), tmp_path)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) <= 3
    assert "表三 一、本年新收政府信息公开申请数量 · 自然人" in result.stderr
    assert not out.exists()


def test_the_template_command_writes_the_bundled_template(tmp_path):
    target = tmp_path / "我的模板.docx"
    result = CliRunner().invoke(main, ["template", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == TEMPLATE.read_bytes()
    again = CliRunner().invoke(main, ["template", "-o", str(target)])
    assert again.exit_code == 2 and "--force" in again.stderr
    target.write_bytes(b"old")
    assert CliRunner().invoke(main, ["template", "-o", str(target), "--force"]).exit_code == 0
    assert target.read_bytes() == TEMPLATE.read_bytes()
    wrong = CliRunner().invoke(main, ["template", "-o", str(tmp_path / "模板.doc")])
    assert wrong.exit_code == 2 and ".docx" in wrong.stderr


def test_tables_keep_their_first_rows_with_the_next_and_never_split_a_row(template):
    """A table starts on a page only with its header rows and first five body rows (and,
    in table 三, its vertical label whole); the header rows repeat on every page -- but
    in table 二, whose blocks each have their own heading rows (第二十条第（八）项 over
    信息内容 | 本年收费金额), a repeated header would stand over the wrong block: there
    no row repeats, and each heading row keeps with the row after it."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    repeating = []
    for spec, table in zip(FORMAT_2021.tables, template.tables):
        rows = table._tbl.tr_lst
        header = min(p.row for p in spec.slots)
        body = {p.row for p in spec.slots}
        headings = [r for r in range(header, len(rows) - 1) if r not in body]
        kept = [all(p.find(f"{w}pPr/{w}keepNext") is not None for p in tr.iter(f"{w}p")) for tr in rows]
        assert all(kept[:min(header + 5, len(rows) - 1)]), spec.name
        assert all(kept[r] for r in headings), spec.name
        assert not kept[-1], f"{spec.name}: the last row would keep the table with the next heading"
        for r, tr in enumerate(rows):
            assert tr.trPr.find(f"{w}cantSplit") is not None, (spec.name, r)
            assert (tr.trPr.find(f"{w}tblHeader") is not None) == (r < header and not headings), (spec.name, r)
        repeating.append(not headings)
    assert repeating == [False, True, True]  # 表二 has blocks; 表三 and 表四 repeat their headers
    three = template.tables[1]._tbl.tr_lst
    assert sum(all(p.find(f"{w}pPr/{w}keepNext") is not None for p in tr.iter(f"{w}p")) for tr in three) == 3 + 8


def test_a_cell_of_table_four_is_named_as_everywhere_else(tmp_path):
    """表四 has no row labels: its cells are "表四 · 行政复议 · 结果维持", as
    :func:`reportfill.rules.tables.cell_title` names them, in the template check as in
    the web form's refusal -- never "表四  · …" or "表四 行政复议 · …"."""
    from reportfill.errors import ReportfillError
    from reportfill.web.form import Form, saved_text

    result, out = fill_with(without_placeholder(tmp_path, "appeals:lawsuit_direct:upheld"), tmp_path)
    assert result.exit_code == 2
    assert "缺少这些内容的占位符：表四 · 行政诉讼 · 未经复议直接起诉 · 结果维持 的数字。" in result.stderr

    form = Form(FORMAT_2021, None, blank=[("appeals", ("reconsideration", "upheld", ""))])
    with pytest.raises(ReportfillError) as refused:
        saved_text(form, "")
    assert str(refused.value).startswith("表四 · 行政复议 · 结果维持（空白）没有填写数字")
