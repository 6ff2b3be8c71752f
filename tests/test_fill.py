"""Fill the seed input and compare the DOCX with the seed report and the format, cell by cell.

The DOCX is read back with python-docx (not with reportfill's own reader), so these tests
do not share a blind spot with the code under test."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from conftest import REPO, SEED, SHARED
from reportfill.cli import main
from reportfill.format.formats import FORMAT_2021
from reportfill.readers.toml_input import load_input
from reportfill.report import show
from reportfill.rules.tables import derive
from reportfill.format.spec import Label

SEED_TEXT = next((SHARED / "seed").glob("*.txt"), None) if (SHARED / "seed").is_dir() else None
NUMBER = re.compile(r"\d+(\.\d+)?")


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fill") / "seed.docx"
    result = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def body_paragraphs(path: Path) -> list[str]:
    """Paragraph texts; a line break (the long title's) joins its two lines back."""
    return [p.text.replace("\n", "").strip() for p in docx.Document(str(path)).paragraphs if p.text.strip()]


def seed_prose_lines() -> list[str]:
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    # The published text writes sub-headings as "(一) 标题"; the official form is "（一）标题".
    return [re.sub(r"^\((.)\) ", r"（\1）", line.strip()) for line in lines if line.strip() and "\t" not in line]


@pytest.mark.skipif(SEED_TEXT is None, reason="../shared/seed is not beside the repository")
def test_every_seed_line_is_in_the_docx_in_order(filled):
    assert body_paragraphs(filled) == seed_prose_lines()


@pytest.mark.skipif(SEED_TEXT is None, reason="../shared/seed is not beside the repository")
def test_every_seed_table_number_is_in_the_docx_in_order(filled):
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    expected = [c.strip() for line in lines if "\t" in line for c in line.split("\t") if NUMBER.fullmatch(c.strip())]
    found = []
    for table in docx.Document(str(filled)).tables:
        for row in table.rows:
            cells = row.cells  # merged cells repeat; count each once
            for i, cell in enumerate(cells):
                if all(cell._tc is not other._tc for other in cells[:i]) and NUMBER.fullmatch(cell.text.strip()):
                    found.append(cell.text.strip())
    assert found == expected


def test_tables_match_the_format_cell_by_cell(filled):
    document = docx.Document(str(filled))
    assert len(document.tables) == len(FORMAT_2021.tables)
    values = derive(FORMAT_2021, load_input(SEED).values)
    for spec, table in zip(FORMAT_2021.tables, document.tables):
        grid_cols = table._tbl.tblGrid.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridCol")
        assert (len(table.rows), len(grid_cols)) == (len(spec.rows), spec.width), spec.name
        for p in spec.placed:
            origin = table.cell(p.row, p.col)
            for r in range(p.row, p.row + p.rows):
                for c in range(p.col, p.col + p.cols):
                    assert table.cell(r, c)._tc is origin._tc, (spec.name, r, c)
            expected = p.cell.text if isinstance(p.cell, Label) else show(values[(spec.key, p.cell.row, p.cell.col)])
            assert origin.text == expected, (spec.name, p.row, p.col)
        origins = [table.cell(p.row, p.col)._tc for p in spec.placed]  # kept alive: ids stay unique
        assert len({id(tc) for tc in origins}) == len(spec.placed), f"{spec.name}: cells merged that should not be"


def test_table_shapes_are_the_official_ones():
    shapes = [(t.name, len(t.rows), t.width) for t in FORMAT_2021.tables]
    assert shapes == [("表二", 14, 4), ("表三", 28, 10), ("表四", 4, 15)]


def test_fee_is_printed_as_written(filled):
    table = docx.Document(str(filled)).tables[0]
    assert table.cell(13, 1).text == "28.1632"


def test_two_fills_give_identical_bytes(tmp_path):
    runner = CliRunner()
    for name in ("a.docx", "b.docx"):
        assert runner.invoke(main, ["fill", str(SEED), "-o", str(tmp_path / name)]).exit_code == 0
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


def test_default_output_is_named_after_the_title(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["fill", str(SEED)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "outputs" / "温县教育局2021年政府信息公开工作年度报告.docx").is_file()


def test_console_script_fills(tmp_path):
    out = tmp_path / "r.docx"
    done = subprocess.run([sys.executable, "-m", "reportfill", "fill", str(SEED), "-o", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert docx.Document(str(out)).paragraphs[0].text == "温县教育局\n2021年政府信息公开工作年度报告"


@pytest.mark.parametrize("text", [
    "A & B < C > D \"quoted\" 'single'",
    "{{ title }} {% if x %}y{% endif %} {# c #} {_{ %_} 100%",
    "R&D <b>not bold</b> &amp; &lt;",
])
def test_special_characters_come_out_literally(text, seed_text, write_input, tmp_path):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    source = write_input(seed_text.replace('text = "无其他需要报告的事项。"', f'text = "{escaped}"')
                         .replace('agency = "温县教育局"', f'agency = "{escaped}"'))
    out = tmp_path / "special.docx"
    result = CliRunner().invoke(main, ["fill", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    paragraphs = body_paragraphs(out)
    assert paragraphs[-1] == text
    assert paragraphs[0] == f"{text}2021年政府信息公开工作年度报告"
    assert docx.Document(str(out)).core_properties.title == paragraphs[0]


@pytest.mark.parametrize("written, printed", [("28.10", "28.10"), ("0.0001", "0.0001"), ("120", "120"), ("1e3", "1000")])
def test_fee_keeps_the_decimals_the_user_wrote(written, printed, seed_text, write_input, tmp_path):
    source = write_input(seed_text.replace("fees                = 28.1632", f"fees = {written}"))
    out = tmp_path / "fee.docx"
    assert CliRunner().invoke(main, ["fill", str(source), "-o", str(out)]).exit_code == 0
    assert docx.Document(str(out)).tables[0].cell(13, 1).text == printed
    assert load_input(source).values[("proactive", "fees", "amount")] == Decimal(written)


def test_computed_totals_and_a_correct_stated_total(seed_text, write_input, tmp_path):
    text = (seed_text
            .replace("received         = [0, 0, 0, 0, 0, 0]", "received         = [5, 1, 0, 0, 2, 0, 8]")
            .replace("disclosed        = [0, 0, 0, 0, 0, 0]", "disclosed        = [3, 1, 0, 0, 0, 0]")
            .replace("petition     = [0, 0, 0, 0, 0, 0]", "petition     = [1, 0, 0, 0, 1, 0]")
            .replace("to_next_year     = [0, 0, 0, 0, 0, 0]", "to_next_year     = [1, 0, 0, 0, 1, 0]")
            .replace("reconsideration               = [0, 0, 0, 0]", "reconsideration               = [1, 2, 0, 1, 4]"))
    out = tmp_path / "totals.docx"
    result = CliRunner().invoke(main, ["fill", str(write_input(text)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    t3, t4 = docx.Document(str(out)).tables[1:]
    spec = FORMAT_2021.table["applications"]

    def cell(row, col):
        p = spec.slot[(row, col)]
        return t3.cell(p.row, p.col).text

    assert [cell("total", c) for c in ("natural_person", "commercial", "legal_services", "total")] == ["4", "1", "1", "6"]
    assert cell("received", "total") == "8"
    assert cell("to_next_year", "total") == "2"
    assert [t4.cell(3, c).text for c in range(5)] == ["1", "2", "0", "1", "4"]


def test_a_restyled_template_copy_can_be_used(tmp_path):
    """The workflow the README describes: export the template, restyle it (here with
    python-docx, saving as Word would), fill with --template."""
    from test_schema import findings

    template = tmp_path / "mine.docx"
    assert CliRunner().invoke(main, ["template", "-o", str(template)]).exit_code == 0
    document = docx.Document(str(template))
    document.styles["Normal"].font.size = docx.shared.Pt(15)
    document.save(str(template))
    out = tmp_path / "restyled.docx"
    result = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(out), "--template", str(template)])
    assert result.exit_code == 0, result.output
    assert docx.Document(str(out)).styles["Normal"].font.size == docx.shared.Pt(15)
    assert findings(out) == []



def test_text_a_template_adds_is_judged_in_the_filled_report(tmp_path):
    """The read-back of a fill from the bundled template leaves the rules on the content
    to the input's check; a user's template can add text of its own, which is judged in
    the written report as check judges it: here a draft mark typed beside a placeholder."""
    from docx_fixtures import template_edited

    template = template_edited(tmp_path / "mine.docx", "word/document.xml", b"{{ item.number }}{{ item.title }}",
                               "{{ item.number }}【请撰写】{{ item.title }}".encode())
    out = tmp_path / "drafted.docx"
    result = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(out), "--template", str(template)])
    assert result.exit_code == 1, result.output
    assert "“一、总体情况”中还有 3 处标有【请撰写】的文字" in result.output
    assert not out.exists()
    plain = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(out)])
    assert plain.exit_code == 0, plain.output

def test_a_non_editable_install_fills_from_any_directory(tmp_path):
    """The wheel carries the template: install it into a bare folder and fill from elsewhere."""
    target = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(REPO)],
        capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr
    assert (target / "reportfill" / "templates" / "report-2021.docx").is_file()
    for page in ("web/templates/editor.html", "web/static/editor.js", "web/static/style.css"):
        assert (target / "reportfill" / page).is_file(), page  # reportfill serve's pages
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import sys; target = sys.argv.pop(1); import reportfill; "
            "assert reportfill.__file__.startswith(target), reportfill.__file__; "
            "from reportfill.cli import main; main(prog_name='reportfill')")
    done = subprocess.run(
        [sys.executable, "-c", code, str(target), "fill", str(SEED), "-o", "r.docx"],
        cwd=elsewhere, capture_output=True, text=True, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert (elsewhere / "r.docx").is_file()


def test_a_fill_whose_output_does_not_read_back_is_refused_and_not_written(tmp_path):
    """The fill reopens what it rendered: a restyled template with a digit typed beside a
    placeholder renders a number that is not the input's. That is the template's fault,
    not the input's: nothing is written, the message names the template and the cell,
    and the exit is 2, as for a file that is no template."""
    from test_batch import tampered_template

    template = tampered_template(tmp_path, "applications:received:natural_person")
    out = tmp_path / "r.docx"
    out.write_bytes(b"previous report")
    result = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(out), "--template", str(template)])
    assert result.exit_code == 2, result.output
    assert f"{template}：用这个模板生成的文件中，数字与输入不符：表三 一、本年新收政府信息公开申请数量 · 自然人 读回" \
        in result.stderr
    assert "R5" not in result.stderr and "重新导出模板" in result.stderr
    assert out.read_bytes() == b"previous report"


def test_a_title_too_long_for_a_file_name_is_cut_to_one_and_printed_whole(tmp_path):
    """File systems take 255 bytes: a title of 100 characters outside the BMP is 400."""
    title = "𠀀" * 99 + "报"
    source = tmp_path / "long.toml"
    source.write_text(SEED.read_text(encoding="utf-8").replace('agency = "温县教育局"', f'agency = "温县教育局"\ntitle = "{title}"'),
                      encoding="utf-8")
    done = CliRunner().invoke(main, ["fill", str(source), "--out-dir", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    [written] = (tmp_path / "out").glob("*.docx")
    assert len(written.name.encode("utf-8")) <= 240 and written.stem == "𠀀" * 57
    assert docx.Document(str(written)).core_properties.title == title
