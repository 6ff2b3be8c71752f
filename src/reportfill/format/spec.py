"""The vocabulary in which a report format is described.

A format version is pure data (see ``formats.py``): its sections, its tables as grids of
label and value cells with their merges, and its reconciliation equations. Everything
else -- the template builder, the TOML validator, the renderer, the table locator and the
checker -- derives what it needs from these objects, so a label or a rule is spelled in
exactly one place and a new format version is new data, not new code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

ValueKind = Literal["count", "delta", "amount", "text"]
UNIT = re.compile(r"单位[:：]\s*([^,，;；)）]+)")  # a unit stated in a header, full- or half-width
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Label:
    """A fixed text cell. ``group`` marks an umbrella label (e.g. 三、本年度办理结果) that
    is left out when a row or column is named in a message."""

    text: str
    cols: int = 1
    rows: int = 1
    group: bool = False


@dataclass(frozen=True)
class Slot:
    """A data cell, addressed by (row key, column key) inside its table.

    ``kind``: ``count`` is a non-negative integer, ``delta`` an integer that may be
    negative, ``amount`` a non-negative decimal, ``text`` free text."""

    row: str
    col: str
    cols: int = 1
    kind: ValueKind = "count"


Cell = Label | Slot


@dataclass(frozen=True)
class Placed:
    """A cell at its position in the logical grid (0-based, origin corner)."""

    row: int
    col: int
    rows: int
    cols: int
    cell: Cell


@dataclass(frozen=True)
class Table:
    """One statistics table. ``rows`` lists, per grid row, the cells whose top-left corner
    lies in that row; positions covered by a merge from above are implied."""

    key: str  # the TOML table holding its input, e.g. "applications"
    name: str  # how messages name it, e.g. "表三"
    section: int  # index of the section heading it sits under
    width: int  # number of grid columns
    rows: tuple[tuple[Cell, ...], ...]
    column_widths: tuple[float, ...]  # relative widths, one per grid column

    @cached_property
    def placed(self) -> tuple[Placed, ...]:
        """Lay the cells out on the grid, checking that the description tiles it."""
        taken: set[tuple[int, int]] = set()
        out = []
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                rows = cell.rows if isinstance(cell, Label) else 1
                for dr in range(rows):
                    for dc in range(cell.cols):
                        if (r + dr, c + dc) in taken:
                            raise ValueError(f"{self.name}: overlapping cells at row {r}")
                        taken.add((r + dr, c + dc))
                out.append(Placed(r, c, rows, cell.cols, cell))
                c += cell.cols
        expected = {(r, c) for r in range(len(self.rows)) for c in range(self.width)}
        if taken != expected:
            raise ValueError(f"{self.name}: cells do not tile the {self.width}-column grid")
        if len(self.column_widths) != self.width:
            raise ValueError(f"{self.name}: one width per grid column is required")
        return tuple(out)

    @cached_property
    def grid(self) -> tuple[tuple[Placed, ...], ...]:
        """The logical grid: every position holds the placed cell covering it."""
        grid = [[None] * self.width for _ in self.rows]
        for p in self.placed:
            for r in range(p.row, p.row + p.rows):
                for c in range(p.col, p.col + p.cols):
                    grid[r][c] = p
        return tuple(tuple(row) for row in grid)

    @cached_property
    def slots(self) -> tuple[Placed, ...]:
        return tuple(p for p in self.placed if isinstance(p.cell, Slot))

    @cached_property
    def slot(self) -> dict[tuple[str, str], Placed]:
        return {(p.cell.row, p.cell.col): p for p in self.slots}

    @cached_property
    def row_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.cell.row for p in self.slots))

    @cached_property
    def _row_slots(self) -> dict[str, tuple[Placed, ...]]:
        found: dict[str, list[Placed]] = {}
        for p in self.slots:
            found.setdefault(p.cell.row, []).append(p)
        return {row: tuple(slots) for row, slots in found.items()}

    def row_slots(self, row: str) -> tuple[Placed, ...]:
        return self._row_slots.get(row, ())

    @cached_property
    def keys(self) -> tuple[tuple[tuple[str, str, str], Slot], ...]:
        """Each value cell's key in a :data:`~reportfill.report.Values` mapping
        (table, row, column), with the cell."""
        return tuple(((self.key, p.cell.row, p.cell.col), p.cell) for p in self.slots)

    @cached_property
    def reading(self) -> dict[tuple[str, str], tuple[tuple[str, str, str], ValueKind, str]]:
        """(row, column) -> how a value cell is read: its key in a Values mapping, its kind,
        and the unit its header states ("" for none)."""
        return {(p.cell.row, p.cell.col): ((self.key, p.cell.row, p.cell.col), p.cell.kind,
                                           self.units.get((p.cell.row, p.cell.col), "")) for p in self.slots}

    def row_labels(self, row: str) -> tuple[str, ...]:
        """The labels left of the row's first value cell, umbrella labels excluded."""
        first = self.row_slots(row)[0]
        seen: list[str] = []
        for c in range(first.col):
            cell = self.grid[first.row][c].cell
            if isinstance(cell, Label) and not cell.group and cell.text not in seen:
                seen.append(cell.text)
        return tuple(seen)

    def column_labels(self, row: str, col: str) -> tuple[str, ...]:
        """The header labels above a value cell, read upwards until a full-width label
        (a block title such as 第二十条第（一）项) or the top; umbrella labels excluded."""
        return self._column_labels[(row, col)]

    @cached_property
    def _column_labels(self) -> dict[tuple[str, str], tuple[str, ...]]:
        return {(p.cell.row, p.cell.col): self._labels_above(p) for p in self.slots}

    def _labels_above(self, p: Placed) -> tuple[str, ...]:
        seen: list[str] = []
        for r in range(p.row - 1, -1, -1):
            above = self.grid[r][p.col]
            if isinstance(above.cell, Slot):
                continue
            if above.cols == self.width:
                break
            if not above.cell.group and above.cell.text not in seen:
                seen.append(above.cell.text)
        return tuple(reversed(seen))

    def cell_name(self, row: str, col: str) -> tuple[str, str]:
        """(row name, column name) as a clerk reads them in the printed table."""
        key = (row, col)
        name = self._cell_names.get(key)
        if name is None:
            name = self._cell_names[key] = (" ".join(self.row_labels(row)), " · ".join(self.column_labels(row, col)))
        return name

    def row_name(self, row: str) -> tuple[str, tuple[str, ...]]:
        """(row name, its columns' names) for a whole row, as a message names them: a
        column-group name that all the row's columns share, such as 行政复议 in table 四,
        names a row that has no row labels (then 结果维持 … 尚未审结 are its columns)."""
        name = self._row_names.get(row)
        if name is None:
            names = [self.column_labels(p.cell.row, p.cell.col) for p in self.row_slots(row)]
            common = 0
            while all(len(n) > common + 1 and n[common] == names[0][common] for n in names):
                common += 1
            label = " ".join(self.row_labels(row)) or " · ".join(names[0][:common])
            name = self._row_names[row] = (label, tuple(" · ".join(n[common:]) for n in names))
        return name

    # Names already worked out: messages and the input reader name the same cells again and again.
    @cached_property
    def _cell_names(self) -> dict[tuple[str, str], tuple[str, str]]:
        return {}

    @cached_property
    def _row_names(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        return {}

    @cached_property
    def units(self) -> dict[tuple[str, str], str]:
        """The unit each value cell's header states ("本年收费金额（单位：万元）" → 万元), for
        the cells whose header states one."""
        found = {}
        for p in self.slots:
            for label in self.column_labels(p.cell.row, p.cell.col):
                unit = UNIT.search(label)
                if unit:
                    found[(p.cell.row, p.cell.col)] = unit.group(1)
        return found

    @cached_property
    def labels(self) -> tuple[str, ...]:
        return tuple(p.cell.text for p in self.placed if isinstance(p.cell, Label))


@dataclass(frozen=True)
class Equation:
    """``sum(left) == sum(right)`` over value cells of one table.

    When ``derives`` is set, ``left`` is a single cell the tool computes from ``right``
    (a 总计); the input may still state it, and the stated value is then verified."""

    rule: str
    table: str
    left: tuple[tuple[str, str], ...]
    right: tuple[tuple[str, str], ...]
    derives: bool = False

    @cached_property
    def left_keys(self) -> tuple[tuple[str, str, str], ...]:
        """``left`` as keys of a :data:`~reportfill.report.Values` mapping."""
        return tuple((self.table, *cell) for cell in self.left)

    @cached_property
    def right_keys(self) -> tuple[tuple[str, str, str], ...]:
        return tuple((self.table, *cell) for cell in self.right)


@dataclass(frozen=True)
class Continuity:
    """A cross-year rule: ``sum(sign * this year's cell) == sum(last year's cells)``.

    ``this_year`` holds (row, column, sign) terms; ``last_year`` holds (row, column)."""

    rule: str  # its severity is the catalogue's (rules/catalogue.py)
    table: str
    this_year: tuple[tuple[str, str, int], ...]
    last_year: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Section:
    heading: str
    key: str  # TOML key: a prose table (overview, problems, other) or a statistics table
    max_chars: int | None = None  # the length the format sets for its text ("原则上不超过一千字")


@dataclass(frozen=True)
class Format:
    """One version of the official layout."""

    id: str
    basis: str  # the document that fixes it
    first_year: int
    last_year: int | None
    title_suffix: str
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    equations: tuple[Equation, ...]
    continuity: tuple[Continuity, ...] = ()  # R6, R7, against last year's report
    fee_statement: tuple[str, ...] = ()  # R10: words that show section 六 states the fee
    generated: bool = False  # reportfill fills this version (otherwise it only checks it)

    @cached_property
    def table(self) -> dict[str, Table]:
        return {t.key: t for t in self.tables}

    @cached_property
    def derived(self) -> frozenset[tuple[str, str, str]]:
        """Cells the tool computes: (table, row, col)."""
        return frozenset((e.table, *e.left[0]) for e in self.equations if e.derives)

    def applies_to(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def __reduce_ex__(self, protocol):
        # A format of reportfill's own travels between processes (a batch's results) by
        # its id, not as the fifty-odd kilobytes of its tables and what is cached on them.
        from . import formats

        if formats.by_id(self.id) is self:
            return formats.by_id, (self.id,)
        return super().__reduce_ex__(protocol)
