"""The neutral document model every reader produces and everything after the readers uses.

A report reaches reportfill as a DOCX, a portal's HTML page, a PDF or a converted .doc.
Each reader (``reportfill.readers``) turns its source into a :class:`Document`: the
blocks in reading order -- paragraphs with their text, tables as logical grids of cells
with their spans -- and what the source states about itself (a title, a publication
date). Locating the tables, reading numbers, the rules and extraction only ever see this
model, so a rule cannot behave differently for a page than for a Word file.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

SourceKind = str  # "docx", "html", "mht", "pdf", or the converted kind: "doc", "wps", "rtf", "odt"

_CONTINUATION_LINE = re.compile(r"^\s*[(（]?\s*续\s*表")


@dataclass(slots=True)
class Paragraph:
    """One paragraph of text as a reader sees it; a line break inside it is ``\\n``.

    ``inside`` holds the indexes (into :attr:`Document.tables`) of the tables the
    paragraph sits in, outermost first: the text of a table cell is also a paragraph, so
    prose kept in a layout table is still prose, and a statistics table's labels are not."""

    text: str
    inside: tuple[int, ...] = ()


@dataclass(eq=False, slots=True)
class Cell:
    """One visible cell at its origin in the grid, with the rows and columns it spans.

    ``continued`` marks the lower part of a vertical merge whose upper part lies in the
    table before (a table split at a page break): it joins that cell when the two tables
    are read as one (:func:`join`), and is an empty cell of its own otherwise."""

    text: str
    row: int
    col: int
    rows: int = 1
    cols: int = 1
    continued: bool = False


@dataclass(eq=False, slots=True)
class Table:
    """A table as its logical grid: ``grid[r][c]`` is the cell covering position (r, c),
    or None where a row is shorter than the widest one."""

    grid: list[list[Cell | None]]
    inside: tuple[int, ...] = ()

    @property
    def width(self) -> int:
        return max((len(row) for row in self.grid), default=0)

    def at(self, r: int, c: int) -> Cell | None:
        row = self.grid[r]
        return row[c] if c < len(row) else None

    @property
    def cells(self) -> list[Cell]:
        """Every cell once, in reading order of their origins."""
        seen: dict[int, Cell] = {}
        for row in self.grid:
            for cell in row:
                if cell is not None and id(cell) not in seen:
                    seen[id(cell)] = cell
        return sorted(seen.values(), key=lambda c: (c.row, c.col))


Block = Paragraph | Table


@dataclass(eq=False)
class Document:
    """A report as read from one source: its blocks in reading order, and metadata.

    ``title`` and ``published`` are what the source states about itself (an HTML page's
    article title and 发布日期), not what is read from the text; either may be empty."""

    blocks: list[Block]
    kind: SourceKind
    title: str = ""
    published: datetime.date | None = None
    tables: list[Table] = field(init=False)
    paragraphs: list[Paragraph] = field(init=False)

    def __post_init__(self) -> None:
        self.tables = [block for block in self.blocks if type(block) is Table]
        self.paragraphs = [block for block in self.blocks if type(block) is not Table]

    def joins_previous(self) -> list[bool]:
        """For each table, whether it continues the table before it: both stand in the
        body (not in a cell), with nothing between them but blank paragraphs or a 续表
        line, as when a table is split at a page break or printed over two pages."""
        joins: list[bool] = []
        gap_is_blank: bool | None = None  # None until a body-level table is seen
        for block in self.blocks:
            if type(block) is Table:
                joins.append(not block.inside and gap_is_blank is True)
                if not block.inside:
                    gap_is_blank = True
            elif not block.inside and gap_is_blank:
                text = block.text.strip()
                gap_is_blank = not text or bool(_CONTINUATION_LINE.match(text))
        return joins


def join(tables: Sequence[Table]) -> Table:
    """Consecutive tables read as one grid. A ``continued`` cell at the top of a later
    table extends the cell above it in the table before; the parts' cells are copied, so
    each table can still be read on its own."""
    grid: list[list[Cell | None]] = []
    for table in tables:
        offset = len(grid)
        above = grid[-1] if grid else None
        copies: dict[int, Cell] = {}
        for row in table.grid:
            out: list[Cell | None] = []
            for c, cell in enumerate(row):
                if cell is None:
                    out.append(None)
                    continue
                copy = copies.get(id(cell))
                if copy is None:
                    upper = above[c] if above is not None and c < len(above) else None
                    if cell.continued and cell.row == 0 and upper is not None:
                        upper.rows = offset + cell.rows - upper.row
                        copy = upper
                    else:
                        copy = Cell(cell.text, cell.row + offset, cell.col, cell.rows, cell.cols)
                    copies[id(cell)] = copy
                out.append(copy)
            grid.append(out)
    return Table(grid, tables[0].inside if tables else ())
