"""Finding tables 二, 三 and 四 in a document by their labels.

Nothing here trusts a position. Real reports add empty rows and columns, split a table
at a page break, merge cells differently, type ``1、`` for ``1.``, break header cells over
lines and shorten or reword a label (``2.其他法律法规禁止公开``). So every label is
normalized, compared by similarity rather than equality, and each value cell is the one
that sits in the row whose labels match and under the headers that match. The labels
themselves are read from the format (``format/formats.py``); the format whose labels
match best is the report's format. Only the document model is read here, so a table is
found the same way in a DOCX, an HTML page or a PDF.

What the matcher finds depends only on the shape of the document's tables -- each cell's
place, spans and normalized label (or that it is blank, or a number) -- never on the
numbers themselves. Reports made from one template, as every report ``fill`` writes and
reads back, share that shape, so where the tables were found in one shape is kept, by
the shape, and read off for the next document that has it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from operator import attrgetter

from .document import Cell, Document, Table as Grid, join
from .format.formats import FORMATS
from .format.spec import Format, Table
from .text import THRESHOLD, normalize, reading, similarity

MAX_RUN = 6  # at most this many consecutive tables are read as one table
MAX_TABLES = 200  # a report has a handful; a document with thousands is read this far
MAX_GRID_CELLS = 10_000  # positions of a grid matched, joined runs included: the largest table has about 500
MAX_ABOVE = 16  # labels kept above a cell: a header is a few levels deep, a hostile grid thousands


class _Reader:
    """One candidate grid -- a table, or consecutive tables read as one -- with what the
    matcher asks of it computed once. ``parts`` are the tables' indexes in the document."""

    def __init__(self, parts: tuple[int, ...], grid: Grid):
        self.parts = parts
        self.grid = grid
        self.label: dict[int, str] = {}  # id(cell) -> normalized text, for label cells only
        self.blank: set[int] = set()
        cells = grid.cells
        self._exact: dict[str, list[int]] = {}  # normalized text -> its label cells, in order
        for cell in cells:
            text = reading(cell.text)
            if text == "":
                self.blank.add(id(cell))
            elif text is not None:
                self.label[id(cell)] = text
                self._exact.setdefault(text, []).append(id(cell))
        self.label_texts = frozenset(self.label.values())
        self._cells = {id(c): c for c in cells}
        self._matches: dict[str, dict[int, float]] = {}
        self._above: dict[int, list[tuple[str, ...]]] = {}  # column -> the labels above each row

    def matches(self, label: str) -> dict[int, float]:
        """Label cells alike to ``label``: id(cell) -> similarity."""
        found = self._matches.get(label)
        if found is None:
            exact = self._exact.get(label)
            found = dict.fromkeys(exact, 1.0) if exact else {
                i: s for i, text in self.label.items() if (s := similarity(label, text)) >= THRESHOLD}
            self._matches[label] = found
        return found

    def cell(self, ident: int) -> Cell:
        return self._cells[ident]

    def covering(self, r: int) -> list[Cell]:
        row = self.grid.grid[r]
        return [c for i, c in enumerate(row) if c is not None and (i == 0 or row[i - 1] is not c)]

    def own(self, r: int) -> list[Cell]:
        return [c for c in self.covering(r) if c.row == r]

    def above(self, r: int, c: int) -> tuple[str, ...]:
        """The labels above grid position (r, c), nearest first, skipping numbers and
        blanks; at most :data:`MAX_ABOVE`. Made for the whole column at once, a row's
        from the row above's, so a grid of many rows costs its size, not its square."""
        column = self._above.get(c)
        if column is None:
            column = self._above[c] = []
            stack: tuple[str, ...] = ()
            label = self.label
            for row in self.grid.grid:
                column.append(stack)
                cell = row[c] if c < len(row) else None
                text = label.get(id(cell)) if cell is not None else None
                if text and (not stack or stack[0] != text):
                    stack = (text, *(t for t in stack if t != text))[:MAX_ABOVE]
        return column[r]

    def inherited(self, r: int, c: int) -> str | None:
        """The label a blank label cell stands under: tables typed without merges leave
        a group label only on its first row."""
        for rr in range(r, -1, -1):
            cell = self.grid.at(rr, c)
            if cell is not None and id(cell) not in self.blank:
                return self.label.get(id(cell))
        return None


# ---------------------------------------------------------------- matching one table


@dataclass
class TableMatch:
    """Where a format table was found: the grid cell of each value slot located."""

    table: Table
    parts: tuple[int, ...]  # the document's tables it was found in
    cells: dict[tuple[str, str], Cell]
    rows: dict[str, int]  # row key -> grid row
    quality: float  # sum over located slots of how well their labels matched
    headers: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # amount slots' labels above

    @property
    def found(self) -> bool:
        return len(self.cells) >= max(1, len(self.table.slots) // 3)


def _per_table(compute):
    """Cache what is derived from a format table. Keyed by identity: hashing a frozen
    Table walks every label it holds, which would cost more than the lookup saves."""
    cache: dict[int, tuple[Table, object]] = {}

    def cached(table: Table):
        hit = cache.get(id(table))
        if hit is None or hit[0] is not table:
            hit = cache[id(table)] = (table, compute(table))
        return hit[1]

    return cached


@_per_table
def _row_labels(table: Table) -> dict[str, tuple[str, ...]]:
    return {key: tuple(normalize(t) for t in table.row_labels(key)) for key in table.row_keys}


@_per_table
def _column_labels(table: Table) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(p.cell.row, p.cell.col): tuple(normalize(t) for t in table.column_labels(p.cell.row, p.cell.col))
            for p in table.slots}


@_per_table
def unlabelled_rows(table: Table) -> tuple[tuple[str, ...], ...]:
    """Row keys with no row label (table 四's three groups), grouped by the grid row they
    share: such a row is found by its column headers alone."""
    by_row: dict[int, list[str]] = {}
    for key, labels in _row_labels(table).items():
        if not labels:
            by_row.setdefault(table.row_slots(key)[0].row, []).append(key)
    return tuple(tuple(keys) for keys in by_row.values())


@_per_table
def _all_labels(table: Table) -> frozenset[str]:
    return frozenset(normalize(t) for t in table.labels)


def _match_table(table: Table, reader: _Reader) -> TableMatch:
    rows = _match_rows(table, reader)
    cells: dict[tuple[str, str], Cell] = {}
    quality = 0.0
    located_rows: dict[str, int] = {}
    for key, (r, start, row_score) in rows.items():
        found = _match_columns(table, reader, key, r, start)
        located_rows[key] = r
        for col, (cell, score) in found.items():
            cells[(key, col)] = cell
            quality += min(row_score, score)
    taken = set(located_rows.values())
    for keys in unlabelled_rows(table):
        best = None
        for r in range(len(reader.grid.grid)):
            if r in taken:
                continue
            found = {(key, col): hit for key in keys for col, hit in _match_columns(table, reader, key, r, 0).items()}
            if not found:
                continue
            filled = sum(1 for cell, _ in found.values() if id(cell) not in reader.blank)
            rank = (len(found), sum(s for _, s in found.values()), filled, -r)
            if best is None or rank > best[0]:
                best = (rank, r, found)
        if best:
            _, r, found = best
            taken.add(r)
            located_rows.update(dict.fromkeys(keys, r))
            for slot, (cell, score) in found.items():
                cells[slot] = cell
                quality += score
    headers = {slot: reader.above(cell.row, cell.col) for slot, cell in cells.items()
               if table.slot[slot].cell.kind == "amount"}
    return TableMatch(table, reader.parts, cells, located_rows, quality, headers)


def _match_rows(table: Table, reader: _Reader) -> dict[str, tuple[int, int, float]]:
    """Row key -> (grid row, first grid column right of its labels, score)."""
    candidates = []
    for key, labels in _row_labels(table).items():
        if not labels:
            continue
        *groups, leaf = labels
        for ident, leaf_score in reader.matches(leaf).items():
            cell = reader.cell(ident)
            for r in range(cell.row, cell.row + cell.rows):
                score = leaf_score
                for group in groups:
                    score = min(score, _group_score(reader, group, r, cell.col))
                if score >= THRESHOLD:
                    candidates.append((-score, r, key, cell.col + cell.cols))
    candidates.sort(key=lambda c: (c[0], c[1]))
    rows: dict[str, tuple[int, int, float]] = {}
    taken: set[int] = set()
    for neg_score, r, key, start in candidates:
        if key not in rows and r not in taken:
            rows[key] = (r, start, -neg_score)
            taken.add(r)
    return rows


def _group_score(reader: _Reader, group: str, r: int, before: int) -> float:
    best = 0.0
    for c in range(before):
        text = reader.inherited(r, c)
        if text:
            best = max(best, similarity(group, text))
    return best


def _match_columns(table: Table, reader: _Reader, key: str, r: int, start: int) -> dict[str, tuple[Cell, float]]:
    """Column key -> (value cell, score) for the row key's slots found in grid row r."""
    labels = _column_labels(table)
    headers = _all_labels(table)
    candidates = []
    own = [(c, reader.above(r, c.col)) for c in reader.own(r) if c.col >= start and reader.label.get(id(c)) not in headers]
    for p in table.row_slots(key):
        wanted = labels[(key, p.cell.col)]
        for cell, stack in own:
            score, distance = _fit(wanted, stack)
            if score >= THRESHOLD:
                candidates.append((-score, distance, cell.col, p.cell.col, cell))
    candidates.sort(key=lambda c: c[:3])
    found: dict[str, tuple[Cell, float]] = {}
    used: set[int] = set()
    for neg_score, _, _, col, cell in candidates:
        if col not in found and id(cell) not in used:
            found[col] = (cell, -neg_score)
            used.add(id(cell))
    return found


@lru_cache(maxsize=1 << 14)
def _fit(wanted: tuple[str, ...], stack: tuple[str, ...]) -> tuple[float, int]:
    """How well the headers above a cell match a slot's column labels: the weakest
    label's similarity, and how far up (in headers) the matches lie."""
    score, distance = 1.0, 0
    for label in wanted:
        if label in stack:  # only the label itself is alike to it to 1.0
            best, at = 1.0, stack.index(label)
        else:
            best, at = 0.0, 0
            for i, text in enumerate(stack):
                s = similarity(label, text)
                if s > best:
                    best, at = s, i
        score, distance = min(score, best), distance + at
    return score, distance


# ---------------------------------------------------------------- the whole report


@dataclass
class Located:
    """The report's format and where each of its tables was found."""

    fmt: Format
    matches: dict[str, TableMatch] = field(default_factory=dict)  # table key -> match

    @property
    def score(self) -> float:
        total = sum(len(t.slots) for t in self.fmt.tables)
        return sum(m.quality for m in self.matches.values()) / total

    @property
    def parts(self) -> set[int]:
        """The indexes of the document's tables that hold the report's tables."""
        return {i for m in self.matches.values() for i in m.parts}


def _readers(tables: list[Grid], joins: list[bool]) -> list[_Reader]:
    """Every table alone, and every run of tables that join their predecessor."""
    readers = []
    for i, table in enumerate(tables):
        size = _size(table)
        if size <= MAX_GRID_CELLS:
            readers.append(_Reader((i,), table))
        run = [i]
        for j in range(i + 1, min(i + MAX_RUN, len(tables))):
            size += _size(tables[j])
            if not joins[j] or size > MAX_GRID_CELLS:
                break
            run.append(j)
            readers.append(_Reader(tuple(run), join([tables[k] for k in run])))
    return readers


def _size(grid: Grid) -> int:
    return sum(map(len, grid.grid))


def locate(document: Document, prefer: Format | None = None) -> Located | None:
    """The format whose tables match best, with its tables located; None when no table
    of any format is found. ``prefer`` (the format of the report's year) is tried first
    and wins ties."""
    tables = document.tables[:MAX_TABLES]
    joins = document.joins_previous()[:len(tables)]
    shapes, cells = zip(*map(_shape, tables)) if tables else ((), ())
    key = (prefer.id if prefer else None, tuple(joins), shapes)
    found = _FOUND.get(key)
    if found is None:
        readers = _readers(tables, joins)
        located = _locate(readers, prefer)
        if len(_FOUND) >= MAX_SHAPES:
            _FOUND.clear()
        _FOUND[key] = _where(located, readers, cells)
        return located
    if found is _NOTHING:
        return None
    fmt, matches = found
    located = Located(fmt)
    for table, parts, slots, rows, quality, headers in matches:
        distinct = cells[parts[0]] if len(parts) == 1 else _shape(join([tables[k] for k in parts]))[1]
        located.matches[table.key] = TableMatch(table, parts, {slot: distinct[i] for slot, i in slots.items()},
                                                dict(rows), quality, dict(headers))
    return located


MAX_SHAPES = 256  # the shapes remembered: a province's reports come from a few templates
_FOUND: dict[tuple, object] = {}  # the shape of a document's tables -> where the format's tables are in them
_NOTHING = object()


_PLACE, _TEXT = attrgetter("row", "col", "rows", "cols", "continued"), attrgetter("text")


def _shape(grid: Grid) -> tuple[tuple, list[Cell]]:
    """What the matcher sees of a grid -- for each position the cell covering it, by
    number; for each cell its place, spans and reading -- and the cells so numbered."""
    rows = grid.grid
    cells = list(dict.fromkeys(chain.from_iterable(rows)))  # cells compare by identity
    if None in cells:
        cells.remove(None)
    number = dict(zip(map(id, cells), range(len(cells))))
    positions = (tuple(map(len, rows)), tuple(map(number.get, map(id, chain.from_iterable(rows)))))
    described = tuple(zip(map(_PLACE, cells), map(reading, map(_TEXT, cells))))
    return (positions, described), cells


def _where(located: Located | None, readers: list[_Reader], cells: tuple[list[Cell], ...]):
    """``located`` with every cell given by its number in its grid's shape (``cells``:
    each table's cells so numbered)."""
    if located is None:
        return _NOTHING
    grids = {reader.parts: reader.grid for reader in readers}
    matches = []
    for match in located.matches.values():
        parts = match.parts
        numbered = cells[parts[0]] if len(parts) == 1 else _shape(grids[parts])[1]
        number = {id(cell): i for i, cell in enumerate(numbered)}
        matches.append((match.table, match.parts, {slot: number[id(cell)] for slot, cell in match.cells.items()},
                        dict(match.rows), match.quality, dict(match.headers)))
    return located.fmt, matches


def _locate(readers: list[_Reader], prefer: Format | None) -> Located | None:
    order = sorted(FORMATS, key=lambda f: f is not prefer)
    best = None
    for fmt in order:
        located = _locate_format(fmt, readers)
        if best is None or located.score > best.score:
            best = located
        if best.score >= 1.0:
            break
    return best if best and best.matches else None


def _locate_format(fmt: Format, readers: list[_Reader]) -> Located:
    ranked = []
    for table in fmt.tables:
        labels = _all_labels(table)
        overlap = {id(r): len(labels & r.label_texts) for r in readers}
        most = max(overlap.values(), default=0)
        for reader in readers:
            if most and overlap[id(reader)] * 3 < most:
                continue  # shares too few exact labels to be this table
            match = _match_table(table, reader)
            if match.found:
                ranked.append((match.quality, -len(match.parts), match))
    ranked.sort(key=lambda m: m[:2], reverse=True)
    located = Located(fmt)
    used: set[int] = set()
    for _, _, match in ranked:
        parts = set(match.parts)
        if match.table.key not in located.matches and not parts & used:
            located.matches[match.table.key] = match
            used |= parts
    located.matches = {t.key: located.matches[t.key] for t in fmt.tables if t.key in located.matches}
    return located


