"""A Word table expanded to its logical grid, the way the printed table looks.

python-docx's ``row.cells`` repeats a merged cell once per grid column it covers and
does not see cells wrapped in content controls, so a row cannot be read by counting
cells. Here each grid position points at the one cell covering it; the cell knows its
origin and its span (``w:gridSpan``, ``w:vMerge``, the old ``w:hMerge``, and the empty
positions of ``w:gridBefore``).
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ...document import Cell
from .wordml import TC_PR, TR_PR, cells, int_val, properties, rows, val, w

MAX_COLUMNS = 64  # Word stops at 63 grid columns
MAX_ROWS = 1000  # a report table has about 30; longer tables are read only this far

_GRID_BEFORE, _GRID_SPAN, _V_MERGE, _H_MERGE = w("gridBefore"), w("gridSpan"), w("vMerge"), w("hMerge")


def expand(tbl: etree._Element, text_of: Callable[[etree._Element], str]) -> list[list[Cell | None]]:
    """The grid of one ``w:tbl``; ``text_of(tc)`` gives a cell's text (the reader also
    collects the cell's paragraphs while it is there). A continuation of a vertical merge
    with nothing above it -- the table was split inside a merge -- is a cell of its own,
    marked ``continued``."""
    grid: list[list[Cell | None]] = []
    for tr in rows(tbl):
        if len(grid) == MAX_ROWS:
            break
        grid.append(_expand_row(tr, len(grid), grid[-1] if grid else None, text_of))
    width = max((len(row) for row in grid), default=0)
    for row in grid:
        row.extend([None] * (width - len(row)))
    return grid


def _expand_row(tr, r: int, above: list[Cell | None] | None, text_of) -> list[Cell | None]:
    props = properties(tr, TR_PR)
    row: list[Cell | None] = [None] * (int_val(props.find(_GRID_BEFORE), 0, 0, MAX_COLUMNS) if props is not None else 0)
    for tc in cells(tr):
        c = len(row)
        if c >= MAX_COLUMNS:
            break
        props = properties(tc, TC_PR)
        if props is None:
            span, v_merge, h_merge = 1, None, None
        else:
            span = min(int_val(props.find(_GRID_SPAN), 1, 1, MAX_COLUMNS), MAX_COLUMNS - c)
            v_merge, h_merge = props.find(_V_MERGE), props.find(_H_MERGE)
        text = text_of(tc)
        upper = above[c] if above is not None and c < len(above) else None
        left = row[-1] if row else None
        continues = v_merge is not None and val(v_merge, "continue") == "continue"
        if continues and upper is not None:
            # The continuation's own content is hidden by Word; the cell above owns the text.
            upper.rows = r - upper.row + 1
            cell = upper
        elif h_merge is not None and val(h_merge, "continue") == "continue" and left is not None and left.row == r:
            left.cols += span
            cell = left
        else:
            cell = Cell(text, r, c, 1, span, continued=continues)
        row.extend([cell] * span)
    return row
