"""A Word table expanded to its logical grid, the way the printed table looks.

python-docx's ``row.cells`` repeats a merged cell once per grid column it covers and
does not see cells wrapped in content controls, so a row cannot be read by counting
cells. Here each grid position points at the one cell covering it; the cell knows its
origin and its span. Several Word tables can be expanded as one grid: a table split at a
page break continues its vertical merges into the second part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from .wordml import TC_PR, TR_PR, cell_text, cells, int_val, properties, rows, val, w

MAX_COLUMNS = 64  # Word stops at 63 grid columns
MAX_ROWS = 1000  # a report table has about 30; longer tables are read only this far

_GRID_BEFORE, _GRID_SPAN, _V_MERGE, _H_MERGE = w("gridBefore"), w("gridSpan"), w("vMerge"), w("hMerge")


@dataclass(eq=False)
class GridCell:
    """One visible cell. ``rows`` and ``cols`` grow while the grid is expanded, as
    continuation cells of a merge are met."""

    text: str
    row: int
    col: int
    rows: int = 1
    cols: int = 1


@dataclass
class Grid:
    """``rows[r][c]`` is the cell covering grid position (r, c), or None where a row is
    short (``w:gridBefore``/``w:gridAfter`` or simply fewer cells)."""

    rows: list[list[GridCell | None]]
    width: int

    def at(self, r: int, c: int) -> GridCell | None:
        row = self.rows[r]
        return row[c] if c < len(row) else None

    @property
    def cells(self) -> list[GridCell]:
        """Every cell once, in reading order of their origins."""
        seen: dict[int, GridCell] = {}
        for row in self.rows:
            for cell in row:
                if cell is not None and id(cell) not in seen:
                    seen[id(cell)] = cell
        return sorted(seen.values(), key=lambda c: (c.row, c.col))


def expand(tables: Sequence[etree._Element]) -> Grid:
    """The logical grid of one Word table, or of consecutive tables read as one."""
    grid: list[list[GridCell | None]] = []
    for tbl in tables:
        for tr in rows(tbl):
            if len(grid) == MAX_ROWS:
                break
            grid.append(_expand_row(tr, len(grid), grid[-1] if grid else None))
    width = max((len(row) for row in grid), default=0)
    for row in grid:
        row.extend([None] * (width - len(row)))
    return Grid(grid, width)


def _expand_row(tr: etree._Element, r: int, above: list[GridCell | None] | None) -> list[GridCell | None]:
    props = properties(tr, TR_PR)
    row: list[GridCell | None] = [None] * (int_val(props.find(_GRID_BEFORE), 0, 0, MAX_COLUMNS) if props is not None else 0)
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
        upper = above[c] if above is not None and c < len(above) else None
        left = row[-1] if row else None
        if v_merge is not None and val(v_merge, "continue") == "continue" and upper is not None:
            # The continuation's own content is hidden by Word; the cell above owns the text.
            upper.rows = r - upper.row + 1
            cell = upper
        elif h_merge is not None and val(h_merge, "continue") == "continue" and left is not None and left.row == r:
            left.cols += span
            cell = left
        else:
            cell = GridCell(cell_text(tc), r, c, 1, span)
        row.extend([cell] * span)
    return row
