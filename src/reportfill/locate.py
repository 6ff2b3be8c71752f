"""Finding tables 二, 三 and 四 in a DOCX by their labels, and reading their numbers.

Nothing here trusts a position. Real reports add empty rows and columns, split a table
at a page break, merge cells differently, type ``1、`` for ``1.``, break header cells over
lines and shorten or reword a label (``2.其他法律法规禁止公开``). So every label is
normalized, compared by similarity rather than equality, and each value cell is the one
that sits in the row whose labels match and under the headers that match. The labels
themselves are read from the format (``formats.py``); the format whose labels match best
is the report's format.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from functools import lru_cache

from lxml import etree

from .findings import Finding
from .formats import FORMATS
from .rules import Value, Values, table_source, value_problem
from .spec import Format, Table, ValueKind
from .table_grid import Grid, GridCell, expand

THRESHOLD = 0.8  # "一、本年新收…" and "二、上年结转…" are 0.75 alike; real variants score higher
MAX_RUN = 6  # at most this many consecutive Word tables are read as one table
MAX_TABLES = 200  # a report has a handful; a document with thousands is read this far

# ---------------------------------------------------------------- labels

_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]+")
_UNIFY = str.maketrans({**{q: '"' for q in "“”„‟〝〞「」『』‘’‚‛'"},
                        **{o: "(" for o in "【〔［[〖"}, **{c: ")" for c in "】〕］]〗"},
                        "\u2212": "-", "－": "-"})
_SUB_ITEM = re.compile(r"^(?:\((\d+)\)|(\d+)[)、,.])")
_CHINESE_ITEM = re.compile(r"^([一二三四五六七八九十]+)[.,]")
_CHINESE_SUB = re.compile(r"^\(([一二三四五六七八九十]+)\)[、.,]")
_TRAILING_NOTE = re.compile(r"^(.{2,}?)\([^()]*\)$")


def normalize(text: str) -> str:
    """The form in which labels are compared: NFKC (full-width letters, digits and
    punctuation become half-width), no whitespace anywhere, one kind of quote and bracket,
    ``1、`` and ``(1)`` as ``1.``, ``一.`` as ``一、``."""
    s = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).translate(_UNIFY)
    s = _SUB_ITEM.sub(lambda m: f"{m.group(1) or m.group(2)}.", s)
    s = _CHINESE_ITEM.sub(r"\1、", s)
    return _CHINESE_SUB.sub(r"(\1)", s)


@lru_cache(maxsize=1 << 16)
def similarity(a: str, b: str) -> float:
    """How alike two normalized labels are, 0..1. A label that only adds or drops a
    trailing note in brackets, or is cut short, still counts as the same label."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    core_a, core_b = _TRAILING_NOTE.sub(r"\1", a), _TRAILING_NOTE.sub(r"\1", b)
    if core_a == core_b:
        return 0.95
    short, long = sorted((a, b), key=len)
    if len(short) >= 4 and long.startswith(short):
        return 0.9
    if 2 * len(short) / (len(a) + len(b)) < THRESHOLD:
        return 0.0  # cannot reach the threshold; spares the slow comparison
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


# ---------------------------------------------------------------- numbers

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_INTEGER = re.compile(r"[+-]?\d{1,30}")
_DECIMAL = re.compile(r"[+-]?(?:\d{1,30}\.\d{0,30}|\.\d{1,30})")
_AMOUNT_UNIT = "万元"


def read_number(text: str, kind: ValueKind) -> Value | None:
    """The value a cell states, or None when it states none (blank, ``/``, ``—``, words).

    Full-width digits, spaces and thousands separators are read; a decimal is exact. A
    negative or fractional count is returned as read, for the rules to judge."""
    if kind == "text":
        return " ".join(text.split())
    s = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).translate(_UNIFY)
    if kind == "amount" and s.endswith(_AMOUNT_UNIT):
        s = s[: -len(_AMOUNT_UNIT)]
    if _THOUSANDS.fullmatch(s):
        s = s.replace(",", "")
    if _INTEGER.fullmatch(s):
        return int(s)
    if _DECIMAL.fullmatch(s):
        return Decimal(s)
    return None


def _is_number(text: str) -> bool:
    return read_number(text, "delta") is not None


# ---------------------------------------------------------------- Word tables


@dataclass(frozen=True)
class WordTable:
    """A ``w:tbl`` in document order; ``joins_previous`` when only blank paragraphs (or
    a 续表 line) separate it from the table before, as when a table is split at a page."""

    element: etree._Element
    joins_previous: bool = False


class _Reader:
    """One candidate grid, with what the matcher asks of it computed once."""

    def __init__(self, elements: tuple[etree._Element, ...]):
        self.elements = elements
        self.grid: Grid = expand(elements)
        self.label: dict[int, str] = {}  # id(cell) -> normalized text, for label cells only
        self.blank: set[int] = set()
        for cell in self.grid.cells:
            text = normalize(cell.text)
            if not text:
                self.blank.add(id(cell))
            elif not _is_number(cell.text):
                self.label[id(cell)] = text
        self.label_texts = frozenset(self.label.values())
        self._cells = {id(c): c for c in self.grid.cells}
        self._matches: dict[str, dict[int, float]] = {}
        self._above: dict[tuple[int, int], tuple[str, ...]] = {}

    def matches(self, label: str) -> dict[int, float]:
        """Label cells alike to ``label``: id(cell) -> similarity."""
        found = self._matches.get(label)
        if found is None:
            exact = {i: 1.0 for i, text in self.label.items() if text == label}
            found = exact or {i: s for i, text in self.label.items() if (s := similarity(label, text)) >= THRESHOLD}
            self._matches[label] = found
        return found

    def cell(self, ident: int) -> GridCell:
        return self._cells[ident]

    def covering(self, r: int) -> list[GridCell]:
        row = self.grid.rows[r]
        return [c for i, c in enumerate(row) if c is not None and (i == 0 or row[i - 1] is not c)]

    def own(self, r: int) -> list[GridCell]:
        return [c for c in self.covering(r) if c.row == r]

    def above(self, r: int, c: int) -> tuple[str, ...]:
        """The labels above grid position (r, c), nearest first, skipping numbers and blanks."""
        key = (r, c)
        if key not in self._above:
            seen: list[str] = []
            last = None
            for rr in range(r - 1, -1, -1):
                cell = self.grid.at(rr, c)
                if cell is None or cell is last:
                    continue
                last = cell
                text = self.label.get(id(cell))
                if text and text not in seen:
                    seen.append(text)
            self._above[key] = tuple(seen)
        return self._above[key]

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
    elements: tuple[etree._Element, ...]
    cells: dict[tuple[str, str], GridCell]
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
def _unlabelled_rows(table: Table) -> tuple[tuple[str, ...], ...]:
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
    cells: dict[tuple[str, str], GridCell] = {}
    quality = 0.0
    located_rows: dict[str, int] = {}
    for key, (r, start, row_score) in rows.items():
        found = _match_columns(table, reader, key, r, start)
        located_rows[key] = r
        for col, (cell, score) in found.items():
            cells[(key, col)] = cell
            quality += min(row_score, score)
    taken = set(located_rows.values())
    for keys in _unlabelled_rows(table):
        best = None
        for r in range(len(reader.grid.rows)):
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
    return TableMatch(table, reader.elements, cells, located_rows, quality, headers)


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


def _match_columns(table: Table, reader: _Reader, key: str, r: int, start: int) -> dict[str, tuple[GridCell, float]]:
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
    found: dict[str, tuple[GridCell, float]] = {}
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
    def elements(self) -> list[etree._Element]:
        return [e for m in self.matches.values() for e in m.elements]


def _runs(tables: Sequence[WordTable]) -> list[tuple[etree._Element, ...]]:
    """Every table alone, and every run of tables that join their predecessor."""
    runs = []
    for i in range(len(tables)):
        run = [tables[i].element]
        runs.append(tuple(run))
        for t in tables[i + 1 : i + MAX_RUN]:
            if not t.joins_previous:
                break
            run.append(t.element)
            runs.append(tuple(run))
    return runs


def locate(tables: Sequence[WordTable], prefer: Format | None = None) -> Located | None:
    """The format whose tables match best, with its tables located; None when no table
    of any format is found. ``prefer`` (the format of the report's year) is tried first
    and wins ties."""
    readers = [_Reader(run) for run in _runs(tables[:MAX_TABLES])]
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
                ranked.append((match.quality, -len(match.elements), match))
    ranked.sort(key=lambda m: m[:2], reverse=True)
    located = Located(fmt)
    used: set[int] = set()
    for _, _, match in ranked:
        ids = {id(e) for e in match.elements}
        if match.table.key not in located.matches and not ids & used:
            located.matches[match.table.key] = match
            used |= ids
    located.matches = {t.key: located.matches[t.key] for t in fmt.tables if t.key in located.matches}
    return located


# ---------------------------------------------------------------- values


def read_values(located: Located) -> tuple[Values, list[Finding]]:
    """The numbers of every located cell, and a finding for each cell, row, column or
    table that holds no number or was not found."""
    fmt = located.fmt
    values: Values = {}
    findings: list[Finding] = []
    for table in fmt.tables:
        match = located.matches.get(table.key)
        if match is None:
            section = fmt.sections[table.section].heading
            findings.append(Finding("R9", "error", table.name, "", "", None, None,
                                    f"找不到{table.name}（“{section}”中的统计表），或表中的栏目名称与规定格式相差太大"))
            continue
        findings += _missing(table, match)
        unreadable = []
        for (row, col), cell in match.cells.items():
            kind = table.slot[(row, col)].cell.kind
            value = read_number(cell.text, kind)
            if value is None:
                unreadable.append((row, col, " ".join(cell.text.split())))
            else:
                values[(table.key, row, col)] = value
        findings += _unreadable(fmt, table, unreadable)
        findings += _units(table, match)
    return values, findings


_UNIT = re.compile(r"单位[:：]\s*([^,，;；)）]+)")


def _units(table: Table, match: TableMatch) -> list[Finding]:
    """An amount whose header states another unit than the format's (元 for 万元, a
    real and costly slip: the number is then ten thousand times too large)."""
    findings = []
    for (row, col), labels in match.headers.items():
        official = _UNIT.search(normalize(" ".join(table.column_labels(row, col))))
        stated = next((m for label in labels if (m := _UNIT.search(label))), None)
        if official and stated and stated.group(1) != official.group(1):
            row_name, col_name = table.cell_name(row, col)
            findings.append(Finding(
                "R5", "error", table.name, row_name, col_name, official.group(1), stated.group(1),
                f"{table.name} {row_name} · {col_name}：表头的单位写成了“{stated.group(1)}”，规定为“{official.group(1)}”；"
                f"请把金额换算为{official.group(1)}并改正表头"))
    return findings


def _missing(table: Table, match: TableMatch) -> list[Finding]:
    findings = []
    missing_rows = [key for key in table.row_keys if key not in match.rows]
    for key in missing_rows:
        name = " ".join(table.row_labels(key))
        if name:
            findings.append(Finding("R9", "error", table.name, name, "", name, None, f"{table.name} 缺少“{name}”这一行"))
    if any(key in missing_rows for keys in _unlabelled_rows(table) for key in keys):
        findings.append(Finding("R9", "error", table.name, "", "", None, None,
                                f"{table.name} 找不到填写数字的一行（表头与规定格式不符）"))
    missing = [p.cell for p in table.slots if p.cell.row in match.rows and (p.cell.row, p.cell.col) not in match.cells]
    by_column: dict[str, list] = {}
    for slot in missing:
        by_column.setdefault(slot.col, []).append(slot)
    for col, slots in by_column.items():
        row_name, col_name = table.cell_name(slots[0].row, col)
        whole = len(slots) == sum(1 for p in table.slots if p.cell.col == col and p.cell.row in match.rows)
        if whole and len(slots) > 1:
            findings.append(Finding("R9", "error", table.name, "", col_name, col_name, None,
                                    f"{table.name} 缺少“{col_name}”这一列"))
            continue
        for slot in slots:
            row_name, col_name = table.cell_name(slot.row, slot.col)
            findings.append(Finding("R9", "error", table.name, row_name, col_name, None, None,
                                    f"{table.name} {row_name} · {col_name}：找不到这个单元格（表头或栏目名称与规定格式不符）"))
    return findings


def _unreadable(fmt: Format, table: Table, cells: list[tuple[str, str, str]]) -> list[Finding]:
    """R5 for cells that hold no number: one finding for a table or column left wholly
    blank, otherwise one per cell."""
    blank = [(r, c) for r, c, text in cells if not text]
    if len(blank) == len(table.slots) > 1:
        return [Finding("R5", "error", table.name, "", "", None, "", f"{table.name} 没有填写任何数字，没有的应填 0")]
    findings = []
    reported: set[str] = set()
    for col in dict.fromkeys(c for _, c in blank):
        column = [p for p in table.slots if p.cell.col == col]
        if len(column) >= 3 and all((p.cell.row, col) in blank for p in column):
            col_name = table.cell_name(column[0].cell.row, col)[1]
            findings.append(Finding("R5", "error", table.name, "", col_name, None, "",
                                    f"{table.name} “{col_name}”一列全部未填写，没有的应填 0"))
            reported.add(col)
    where = table_source(fmt).name_cell
    for row, col, text in cells:
        if col in reported:
            continue
        row_name, col_name = table.cell_name(row, col)
        problem = value_problem(table.slot[(row, col)].cell.kind, text)
        stated = f"表中填写 {text}" if text else "表中未填写"
        findings.append(Finding("R5", "error", table.name, row_name, col_name, None, text,
                                f"{where(table.key, row, col)}：{stated}，{problem}，没有的应填 0"))
    return findings
