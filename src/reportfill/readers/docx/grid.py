"""A Word table expanded to its logical grid, the way the printed table looks.

python-docx's ``row.cells`` repeats a merged cell once per grid column it covers and
does not see cells wrapped in content controls, so a row cannot be read by counting
cells. Here each grid position points at the one cell covering it; the cell knows its
origin and its span (``w:gridSpan``, ``w:vMerge``, the old ``w:hMerge``, and the empty
positions of ``w:gridBefore``). Rows and cells are placed one by one, in document order,
as the reader meets them.
"""

from __future__ import annotations

from lxml import etree

from ...document import Cell
from .wordml import int_val, val

MAX_COLUMNS = 64  # Word stops at 63 grid columns
MAX_ROWS = 1000  # a report table has about 30; longer tables are read only this far


class Grid:
    """The grid of one ``w:tbl`` as its rows are met. A continuation of a vertical merge
    with nothing above it -- the table was split inside a merge -- is a cell of its own,
    marked ``continued``."""

    __slots__ = ("rows",)

    def __init__(self):
        self.rows: list[list[Cell | None]] = []

    def row(self, grid_before: etree._Element | None) -> list[Cell | None] | None:
        """Start a row; None when the table is already read as far as it is."""
        if len(self.rows) == MAX_ROWS:
            return None
        row: list[Cell | None] = [None] * (int_val(grid_before, 0, 0, MAX_COLUMNS) if grid_before is not None else 0)
        self.rows.append(row)
        return row

    def cell(self, row: list[Cell | None], span: etree._Element | None, v_merge: etree._Element | None,
             h_merge: etree._Element | None) -> Cell | None:
        """Place the next cell of ``row`` (the last row started), given its ``w:tcPr``
        children of these names. Returns the new cell, whose text is the cell's
        paragraphs', or None when the cell continues a merge (Word hides its content);
        raises IndexError when the row is already as wide as a table can be."""
        c = len(row)
        if c >= MAX_COLUMNS:
            raise IndexError(c)
        span = 1 if span is None else min(int_val(span, 1, 1, MAX_COLUMNS), MAX_COLUMNS - c)
        r = len(self.rows) - 1
        above = self.rows[r - 1] if r else None
        upper = above[c] if above is not None and c < len(above) else None
        continues = v_merge is not None and val(v_merge, "continue") == "continue"
        new = None
        if continues and upper is not None:
            upper.rows = r - upper.row + 1
            cell = upper
        elif h_merge is not None and val(h_merge, "continue") == "continue" and row and row[-1] is not None \
                and row[-1].row == r:
            cell = row[-1]
            cell.cols += span
        else:
            cell = new = Cell("", r, c, 1, span, continued=continues)
        row.extend([cell] * span)
        return new

    def finish(self) -> list[list[Cell | None]]:
        """The grid, every row as wide as the widest."""
        width = max((len(row) for row in self.rows), default=0)
        for row in self.rows:
            row.extend([None] * (width - len(row)))
        return self.rows
