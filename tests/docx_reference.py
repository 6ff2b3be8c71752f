"""The DOCX reader as it was first written -- a recursive walk down the body, readable
rule by rule -- kept as the reference the fast one-pass reader is compared with (see
``test_docx_reading.py``). It reads the XML by the rules of ``readers/docx/wordml.py``
alone, written out here once more on purpose: a second, independent reading."""

from __future__ import annotations

from lxml import etree

from reportfill.document import Cell, Paragraph, Table
from reportfill.readers.docx.grid import MAX_COLUMNS, MAX_ROWS
from reportfill.readers.docx.wordml import (BODY, BR, CELL_DEL, CR, DEL, GRID_BEFORE, GRID_SPAN, H_MERGE, HIDDEN,
                                            NO_BREAK_HYPHEN, OFF, P, R, R_PR, T, TAB, TBL, TC, TC_PR, TR, TR_PR,
                                            V_MERGE, VANISH, WRAPPERS, int_val, val)


def properties(el, tag: str):
    """A row's, cell's or run's property element, which the schema puts first (a row's
    may follow its w:tblPrEx)."""
    for child in el[:2]:
        if child.tag == tag:
            return child
    return None


def _visible(el, wanted):
    for child in el:
        if child.tag in wanted:
            yield child
        elif child.tag in WRAPPERS:
            yield from _visible(child, wanted)


def _rows(tbl):
    for tr in _visible(tbl, {TR}):
        props = properties(tr, TR_PR)
        if props is None or props.find(DEL) is None:
            yield tr


def _cells(tr):
    for tc in _visible(tr, {TC}):
        props = properties(tc, TC_PR)
        if props is None or props.find(CELL_DEL) is None:
            yield tc


def _vanished(run) -> bool:
    """Whether a run is formatted as hidden text."""
    props = properties(run, R_PR)
    vanish = props.find(VANISH) if props is not None else None
    return vanish is not None and val(vanish) not in OFF


def _collect(el, out):
    for child in el:
        tag = child.tag
        if tag == T:
            out.append(child.text or "")
        elif tag == TAB:
            out.append("\t")
        elif tag in (BR, CR):
            out.append("\n")
        elif tag == NO_BREAK_HYPHEN:
            out.append("-")
        elif tag in HIDDEN or tag == TBL or not isinstance(tag, str) or (tag == R and _vanished(child)):
            continue
        else:
            _collect(child, out)


def _expand(tbl, text_of):
    grid = []
    for tr in _rows(tbl):
        if len(grid) == MAX_ROWS:
            break
        above = grid[-1] if grid else None
        r = len(grid)
        props = properties(tr, TR_PR)
        row = [None] * (int_val(props.find(GRID_BEFORE), 0, 0, MAX_COLUMNS) if props is not None else 0)
        for tc in _cells(tr):
            c = len(row)
            if c >= MAX_COLUMNS:
                break
            props = properties(tc, TC_PR)
            if props is None:
                span, v_merge, h_merge = 1, None, None
            else:
                span = min(int_val(props.find(GRID_SPAN), 1, 1, MAX_COLUMNS), MAX_COLUMNS - c)
                v_merge, h_merge = props.find(V_MERGE), props.find(H_MERGE)
            text = text_of(tc)
            upper = above[c] if above is not None and c < len(above) else None
            left = row[-1] if row else None
            continues = v_merge is not None and val(v_merge, "continue") == "continue"
            if continues and upper is not None:
                upper.rows = r - upper.row + 1
                cell = upper
            elif h_merge is not None and val(h_merge, "continue") == "continue" and left is not None and left.row == r:
                left.cols += span
                cell = left
            else:
                cell = Cell(text, r, c, 1, span, continued=continues)
            row.extend([cell] * span)
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    for row in grid:
        row.extend([None] * (width - len(row)))
    return grid


def reference_blocks(body: etree._Element) -> list[Paragraph | Table]:
    """The blocks of ``w:body``, read by walking down it."""
    blocks: list = []
    tables = [0]

    def container(el, inside):
        texts = []
        for block in _visible(el, {P, TBL}):
            if block.tag == P:
                out: list[str] = []
                _collect(block, out)
                text = "".join(out)
                blocks.append(Paragraph(text, inside))
                texts.append(text)
            else:
                table = Table([], inside)
                blocks.append(table)
                within = inside + (tables[0],)
                tables[0] += 1
                table.grid = _expand(block, lambda tc: "\n".join(container(tc, within)))
        return texts

    assert body.tag == BODY
    container(body, ())
    return blocks
