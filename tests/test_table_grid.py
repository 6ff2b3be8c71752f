"""The DOCX reader's tables: Word XML to the logical grid a reader sees, position by
position, through the real reader and the document model's join."""

from __future__ import annotations

import pytest
from lxml import etree

from docx_fixtures import Package, build_report, docx_with_body, official_report, reconciling_values, split_table
from reportfill.document import join
from reportfill.format.formats import FORMAT_2019, FORMAT_2021
from reportfill.format.spec import Label
from reportfill.readers import read
from reportfill.readers.docx.grid import MAX_COLUMNS
from reportfill.report import show

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def tbl(body: str):
    return etree.fromstring(f'<w:tbl xmlns:w="{W}" xmlns:mc="{MC}">{body}</w:tbl>')


def tc(text: str = "", props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def expand(tables):
    """The body-level Word tables, read by the DOCX reader and joined into one grid."""
    body = "".join(etree.tostring(t, encoding="unicode") for t in tables)
    return join([t for t in read(docx_with_body(body)).tables if not t.inside])


def layout(grid) -> list[list[tuple | None]]:
    """Each position as (text, origin row, origin col, rows, cols), or None."""
    return [[None if c is None else (c.text, c.row, c.col, c.rows, c.cols) for c in row] for row in grid.grid]


def test_spans_and_vertical_merges_with_and_without_a_value():
    grid = expand([tbl(
        "<w:tr>" + tc("A", '<w:vMerge w:val="restart"/>') + tc("B", '<w:gridSpan w:val="2"/>') + "</w:tr>"
        "<w:tr>" + tc("", "<w:vMerge/>") + tc("C") + tc("D", '<w:vMerge w:val="restart"/>') + "</w:tr>"
        "<w:tr>" + tc("hidden", '<w:vMerge w:val="continue"/>') + tc("E") + tc("", "<w:vMerge/>") + "</w:tr>"
    )])
    a, b, d = ("A", 0, 0, 3, 1), ("B", 0, 1, 1, 2), ("D", 1, 2, 2, 1)
    assert layout(grid) == [
        [a, b, b],
        [a, ("C", 1, 1, 1, 1), d],
        [a, ("E", 2, 1, 1, 1), d],
    ]
    assert grid.width == 3


def test_grid_before_and_after_leave_positions_empty():
    grid = expand([tbl(
        "<w:tr>" + tc("a") + tc("b") + tc("c") + "</w:tr>"
        '<w:tr><w:trPr><w:gridBefore w:val="1"/><w:gridAfter w:val="1"/></w:trPr>' + tc("x") + "</w:tr>"
        '<w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr>' + tc("y") + "</w:tr>"
    )])
    assert [[c and c.text for c in row] for row in grid.grid] == [["a", "b", "c"], [None, "x", None], [None, None, "y"]]
    assert (grid.at(1, 1).row, grid.at(1, 1).col) == (1, 1)
    assert (grid.at(2, 2).row, grid.at(2, 2).col) == (2, 2)


def test_rows_and_cells_inside_content_controls_and_custom_xml_are_read():
    grid = expand([tbl(
        "<w:sdt><w:sdtPr><w:alias w:val='rows'/></w:sdtPr><w:sdtContent>"
        "<w:tr>" + tc("r1") + "<w:sdt><w:sdtPr/><w:sdtContent>" + tc("in sdt") + "</w:sdtContent></w:sdt></w:tr>"
        "</w:sdtContent></w:sdt>"
        "<w:customXml><w:tr><w:customXml>" + tc("custom") + "</w:customXml>" + tc("r2") + "</w:tr></w:customXml>"
    )])
    assert [[c.text for c in row] for row in grid.grid] == [["r1", "in sdt"], ["custom", "r2"]]


def test_tracked_changes_read_as_accepted():
    grid = expand([tbl(
        "<w:tr><w:tc><w:p>"
        "<w:del><w:r><w:delText>20</w:delText></w:r></w:del>"
        "<w:del><w:r><w:t>88</w:t></w:r></w:del>"
        "<w:moveFrom><w:r><w:t>77</w:t></w:r></w:moveFrom>"
        "<w:ins><w:r><w:t>2</w:t></w:r></w:ins><w:r><w:t>6</w:t></w:r>"
        "</w:p></w:tc>" + tc("kept") + "</w:tr>"
        "<w:tr><w:trPr><w:del/></w:trPr>" + tc("deleted row") + "</w:tr>"
        "<w:tr>" + tc("x") + tc("deleted cell", "<w:cellDel/>") + tc("y") + "</w:tr>"
    )])
    assert [[c.text for c in row] for row in grid.grid] == [["26", "kept"], ["x", "y"]]


def test_paragraphs_and_breaks_inside_a_cell():
    grid = expand([tbl(
        "<w:tr><w:tc><w:p><w:r><w:t>商业</w:t></w:r></w:p><w:p><w:r><w:t>企业</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>一</w:t><w:br/><w:t>二</w:t><w:tab/><w:t>三</w:t></w:r></w:p></w:tc></w:tr>"
    )])
    assert [c.text for c in grid.grid[0]] == ["商业\n企业", "一\n二\t三"]


def test_a_nested_table_is_not_part_of_the_outer_cell_text():
    grid = expand([tbl(
        "<w:tr><w:tc><w:p><w:r><w:t>outer</w:t></w:r></w:p>"
        f"<w:tbl><w:tr>{tc('inner')}</w:tr></w:tbl>"
        "<w:p><w:r><w:t>after</w:t></w:r></w:p></w:tc></w:tr>"
    )])
    assert grid.at(0, 0).text == "outer\nafter"


def test_a_drawing_fallback_is_not_read_twice():
    grid = expand([tbl(
        "<w:tr><w:tc><w:p><w:r><mc:AlternateContent>"
        "<mc:Choice Requires='wps'><w:t>box</w:t></mc:Choice>"
        "<mc:Fallback><w:t>box</w:t></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p></w:tc></w:tr>"
    )])
    assert grid.at(0, 0).text == "box"


def test_legacy_horizontal_merge():
    grid = expand([tbl(
        "<w:tr>" + tc("wide", '<w:hMerge w:val="restart"/>') + tc("", "<w:hMerge/>") + tc("z") + "</w:tr>"
    )])
    assert layout(grid) == [[("wide", 0, 0, 1, 2), ("wide", 0, 0, 1, 2), ("z", 0, 2, 1, 1)]]


def test_tables_read_as_one_continue_their_vertical_merges():
    first = tbl("<w:tr>" + tc("group", '<w:vMerge w:val="restart"/>') + tc("1") + "</w:tr>")
    second = tbl("<w:tr>" + tc("", "<w:vMerge/>") + tc("2") + "</w:tr>")
    grid = expand([first, second])
    assert layout(grid) == [[("group", 0, 0, 2, 1), ("1", 0, 1, 1, 1)], [("group", 0, 0, 2, 1), ("2", 1, 1, 1, 1)]]


@pytest.mark.parametrize("span", ["100000", "-3", "x", "0"])
def test_hostile_spans_are_clamped(span):
    grid = expand([tbl("<w:tr>" + tc("a", f'<w:gridSpan w:val="{span}"/>') + tc("b") + "</w:tr>")])
    assert 1 <= grid.width <= MAX_COLUMNS
    assert grid.at(0, 0).text == "a"


# ---------------------------------------------------------------- official tables


def assert_reads_as_the_format(grid, table, values):
    """Every grid position covered by the cell the format puts there, with its text."""
    assert (len(grid.grid), grid.width) == (len(table.rows), table.width), table.name
    for r, row in enumerate(table.grid):
        for c, p in enumerate(row):
            cell = grid.at(r, c)
            assert (cell.row, cell.col, cell.rows, cell.cols) == (p.row, p.col, p.rows, p.cols), (table.name, r, c)
            if isinstance(p.cell, Label):
                expected = p.cell.text
            else:
                expected = show(values[(table.key, p.cell.row, p.cell.col)])
            assert cell.text == expected, (table.name, r, c)


@pytest.mark.parametrize("fmt, year", [(FORMAT_2021, 2021), (FORMAT_2019, 2020)])
@pytest.mark.parametrize("wps", [False, True], ids=["word", "wps"])
def test_official_tables_read_back_cell_by_cell(fmt, year, wps):
    package, values = official_report(fmt, year, wps=wps)
    for word_table, table in zip(package.tables(), fmt.tables, strict=True):
        assert_reads_as_the_format(expand([word_table]), table, values)


def test_a_split_table_reads_back_whole():
    values = reconciling_values(FORMAT_2021, seed=3)
    package = Package(build_report(FORMAT_2021, values, 2021))
    table = FORMAT_2021.table["applications"]
    split_table(package.tables()[1], after_row=10)  # inside （三）不予公开
    parts = package.tables()[1:3]
    assert_reads_as_the_format(expand(parts), table, values)
