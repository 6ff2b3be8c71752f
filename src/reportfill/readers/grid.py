"""Tables given as rows of cells with spans -- an HTML table, the boxes of a PDF table --
laid out as the logical grid of the document model.

Both sources say where a cell starts and how far it reaches, never what the grid
position under a merge holds, so the layout is HTML's table model: each row's cells
take the next free positions, a cell reaching down occupies them in the rows below.

Exporters also leave columns behind that the printed table does not have. When Word
saves a page whose cell borders do not line up exactly, or a portal's editor re-flows
a pasted table, a header spans two grid columns over a number and an empty cell (an
11-column table 三 in which 自然人 covers two). Such a column -- in every row either
covered by a wider cell or an empty cell of its own -- carries nothing, and is removed
so that each number stands under its header alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..document import Cell

MAX_COLUMNS = 64  # as in the DOCX reader: a report table has at most 15
MAX_ROWS = 1000


@dataclass(frozen=True, slots=True)
class Spanned:
    """One cell as a source states it: its text and how many rows and columns it spans
    (a row span of 0 reaches to the last row, as in HTML)."""

    text: str
    rows: int = 1
    cols: int = 1


def layout(rows: Iterable[Iterable[Spanned]]) -> list[list[Cell | None]]:
    """The logical grid of rows of cells, spans clamped to the table, with the empty
    columns exporters add removed."""
    rows = [list(row) for _, row in zip(range(MAX_ROWS), rows)]
    height = len(rows)
    taken: list[list[Cell | None]] = [[] for _ in range(height)]
    for r, row in enumerate(rows):
        c = 0
        for spec in row:
            line = taken[r]
            while c < len(line) and line[c] is not None:
                c += 1
            if c >= MAX_COLUMNS:
                break
            cols = max(1, min(spec.cols, MAX_COLUMNS - c))
            down = height - r if spec.rows <= 0 else min(spec.rows, height - r)
            cell = Cell(spec.text, r, c, down, cols)
            for rr in range(r, r + down):
                below = taken[rr]
                if len(below) < c + cols:
                    below.extend([None] * (c + cols - len(below)))
                for cc in range(c, c + cols):
                    if below[cc] is None:  # an overlapping span keeps what was there first
                        below[cc] = cell
            c += cols
    width = max((len(row) for row in taken), default=0)
    for row in taken:
        row.extend([None] * (width - len(row)))
    return drop_empty_columns(taken)


def drop_empty_columns(grid: list[list[Cell | None]]) -> list[list[Cell | None]]:
    """The grid without the columns that only an exporter's misalignment made: covered
    by a wider cell in some rows, and in every other row empty or a blank cell of their
    own."""
    width = max((len(row) for row in grid), default=0)
    drop = [c for c in range(width) if _spurious(grid, c)]
    if not drop:
        return grid
    keep = [c for c in range(width) if c not in set(drop)]
    cells: dict[int, Cell] = {}
    for row in grid:
        for cell in row:
            if cell is not None:
                cells[id(cell)] = cell
    for cell in cells.values():
        covered = range(cell.col, cell.col + cell.cols)
        kept = [c for c in covered if c not in drop]
        if not kept:  # a blank cell in a dropped column
            continue
        cell.col = keep.index(kept[0])
        cell.cols = len(kept)
    out = []
    for row in grid:
        out.append([row[c] if c < len(row) else None for c in keep])
    return out


def _spurious(grid: list[list[Cell | None]], c: int) -> bool:
    """Covered by a wider cell somewhere, and otherwise only blank cells one row high
    (an empty continuation of a merge cut by a page break is taller, and stays)."""
    spanned, blanks = False, 0
    for row in grid:
        cell = row[c] if c < len(row) else None
        if cell is None:
            continue
        if cell.cols > 1:
            spanned = True
        elif cell.text.strip() or cell.rows > 1:
            return False
        else:
            blanks += 1
    return spanned and blanks >= 2
