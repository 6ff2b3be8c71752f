"""The one-pass DOCX reader reads every body exactly as the recursive reference reading
does (``docx_reference.py``): the same paragraphs with the same text and the same tables
around them, the same grids with the same cells, spans and merges -- on the report
fill writes, and on random bodies mixing everything Word, WPS and LibreOffice write:
content controls, custom XML, tracked insertions, deletions and moves, deleted rows and
cells, text boxes, drawing fallbacks, nested tables, merges of every kind, properties
where they belong and where they do not, and content where no reader should look."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import SEED
from docx_fixtures import W_NS
from docx_reference import reference_blocks
from reportfill.document import Table
from reportfill.readers.docx import MAX_BLOCKS, read_body
from reportfill.readers.docx.wordml import BODY
from reportfill.readers.source import open_source
from reportfill.readers.toml_input import load_input
from reportfill.writers.render import render

MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def shape(blocks) -> list:
    """Blocks as plain data; each cell of a grid named by where it first appears."""
    out = []
    for block in blocks:
        if isinstance(block, Table):
            names: dict[int, int] = {}
            grid = [[None if c is None else (names.setdefault(id(c), len(names)), c.text, c.row, c.col, c.rows,
                                             c.cols, c.continued) for c in row] for row in block.grid]
            out.append(("table", block.inside, grid))
        else:
            out.append(("paragraph", block.text, block.inside))
    return out


class _Opened:
    def refuse(self, message):
        raise AssertionError(message)


def both_readings(body_xml: str):
    root = etree.fromstring(f'<w:document xmlns:w="{W_NS}" xmlns:mc="{MC_NS}" xmlns:wps="{WPS_NS}">'
                            f"<w:body>{body_xml}</w:body></w:document>")
    body = root.find(BODY)
    return shape(read_body(body, _Opened())), shape(reference_blocks(body))


def test_the_report_fill_writes_reads_as_the_reference_reads_it():
    data = render(load_input(SEED))
    from reportfill.readers.docx.package import read_document

    with open_source(data, "seed") as opened:
        body = read_document(opened).find(BODY)
    fast, reference = shape(read_body(body, _Opened())), shape(reference_blocks(body))
    assert fast == reference
    assert sum(1 for b in fast if b[0] == "table") == 3


# ---------------------------------------------------------------- random bodies

words = st.sampled_from(["", "一", "规章", "12", " 3 ", "&amp;", "总计"])
WRAP = ["sdt", "customXml", "ins", "moveTo", "smartTag", "hyperlink", "fldSimple", "dir", "bdo"]
HIDE = ["del", "moveFrom", "rPr", "pPr", "sectPr", "tcPr", "tblPr", "tblGrid", "trPr", "sdtEndPr"]


def wrapped(tag: str, inner: str) -> str:
    if tag == "sdt":
        return f"<w:sdt><w:sdtPr><w:t>placeholder</w:t></w:sdtPr><w:sdtContent>{inner}</w:sdtContent></w:sdt>"
    return f"<w:{tag}>{inner}</w:{tag}>"


def run_content():
    return st.one_of(
        words.map(lambda t: f"<w:t>{t}</w:t>"),
        st.sampled_from(["<w:tab/>", "<w:br/>", "<w:cr/>", "<w:noBreakHyphen/>", "<w:delText>gone</w:delText>",
                         "<w:rPr><w:t>in rPr</w:t></w:rPr>", "<!-- a comment -->", "<w:t/>",
                         "<w:rPr><w:vanish/></w:rPr>", '<w:rPr><w:vanish w:val="false"/></w:rPr>',
                         '<w:rPr><w:b/><w:vanish w:val="1"/></w:rPr>']),
    )


def runs(blocks):
    run = st.lists(run_content(), max_size=4).map(lambda xs: f"<w:r>{''.join(xs)}</w:r>")
    inline = st.deferred(lambda: st.one_of(
        run,
        st.tuples(st.sampled_from(WRAP + HIDE), st.lists(inline, max_size=3)).map(
            lambda x: wrapped(x[0], "".join(x[1]))),
        st.tuples(st.lists(inline, max_size=2), st.lists(inline, max_size=2)).map(
            lambda x: f"<mc:AlternateContent><mc:Choice Requires='wps'>{''.join(x[0])}</mc:Choice>"
                      f"<mc:Fallback>{''.join(x[1])}</mc:Fallback></mc:AlternateContent>"),
        blocks.map(lambda b: f"<w:r><w:drawing><wps:txbx><w:txbxContent>{b}</w:txbxContent></wps:txbx>"
                             f"</w:drawing></w:r>"),
        st.just("<w:pPr><w:tabs><w:tab w:val='left'/></w:tabs><w:rPr><w:t>mark</w:t></w:rPr></w:pPr>"),
    ))
    return st.lists(inline, max_size=4).map("".join)


def cell_properties():
    span = st.sampled_from(["", '<w:gridSpan w:val="2"/>', '<w:gridSpan w:val="3"/>', '<w:gridSpan w:val="x"/>',
                            '<w:gridSpan w:val="100"/>', '<w:gridSpan w:val="2"/><w:gridSpan w:val="3"/>'])
    merge = st.sampled_from(["", '<w:vMerge w:val="restart"/>', "<w:vMerge/>", '<w:vMerge w:val="continue"/>',
                             '<w:hMerge w:val="restart"/>', "<w:hMerge/>", "<w:cellDel/>",
                             '<w:tcPrChange><w:tcPr><w:gridSpan w:val="4"/><w:cellDel/></w:tcPr></w:tcPrChange>'])
    return st.tuples(span, merge, st.sampled_from([0, 0, 0, 1, 2, 3])).map(lambda x: x)


def tables(blocks):
    def tc(x):
        (span, merge, where), content = x
        props = f"<w:tcPr>{span}{merge}</w:tcPr>"
        before = ["", "", "<w:tcW/>", "<w:tcW/><w:tcW/>"][where]  # tcPr first, second, or too late to count
        return f"<w:tc>{before}{props}{content}</w:tc>"

    cell = st.tuples(cell_properties(), blocks).map(tc)
    cells = st.lists(st.one_of(cell, st.tuples(st.sampled_from(WRAP + ["del"]), cell).map(
        lambda x: wrapped(*x))), max_size=4).map("".join)
    row_props = st.sampled_from(["", "<w:trPr/>", '<w:trPr><w:gridBefore w:val="1"/></w:trPr>',
                                 '<w:trPr><w:gridBefore w:val="70"/></w:trPr>', "<w:trPr><w:del/></w:trPr>",
                                 "<w:tblPrEx/><w:trPr><w:del/></w:trPr>", "<w:tblPrEx/><w:tblPrEx/><w:trPr><w:del/></w:trPr>",
                                 '<w:trPr><w:ins/><w:gridBefore w:val="2"/></w:trPr>'])
    row = st.tuples(row_props, cells).map(lambda x: f"<w:tr>{x[0]}{x[1]}</w:tr>")
    rows = st.lists(st.one_of(row, st.tuples(st.sampled_from(WRAP + ["del"]), row).map(lambda x: wrapped(*x))),
                    max_size=4).map("".join)
    return rows.map(lambda r: f"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/></w:tblGrid>{r}</w:tbl>")


def bodies():
    def extend(blocks):
        paragraph = runs(blocks).map(lambda x: f"<w:p>{x}</w:p>")
        block = st.one_of(
            paragraph,
            tables(blocks),
            st.tuples(st.sampled_from(WRAP + HIDE), blocks).map(lambda x: wrapped(*x)),
            blocks.map(lambda b: f"<mc:AlternateContent><mc:Choice Requires='wps'>{b}</mc:Choice>"
                                 f"<mc:Fallback>{b}</mc:Fallback></mc:AlternateContent>"),
            st.just("<w:r><w:t>a stray run</w:t></w:r>"),
            st.just("<w:bookmarkStart w:id='0'/>"),
        )
        return st.lists(block, max_size=4).map("".join)

    return st.recursive(st.just(""), extend, max_leaves=30)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies())
def test_any_body_reads_as_the_reference_reads_it(body):
    fast, reference = both_readings(body)
    assert fast == reference


def test_row_and_column_limits_read_as_the_reference_reads_them():
    from reportfill.readers.docx.grid import MAX_COLUMNS, MAX_ROWS

    cell = "<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc>"
    wide = f"<w:tbl><w:tr>{cell * (MAX_COLUMNS + 3)}</w:tr></w:tbl>"
    long = f"<w:tbl>{('<w:tr>' + cell + '</w:tr>') * (MAX_ROWS + 2)}</w:tbl>"
    for body in (wide, long, wide + long + "<w:p/>"):
        fast, reference = both_readings(body)
        assert fast == reference


def test_too_many_blocks_are_refused():
    import pytest

    root = etree.fromstring(f'<w:document xmlns:w="{W_NS}"><w:body>{"<w:p/>" * (MAX_BLOCKS + 1)}</w:body></w:document>')
    with pytest.raises(AssertionError, match="文档内容过多"):
        read_body(root.find(BODY), _Opened())
