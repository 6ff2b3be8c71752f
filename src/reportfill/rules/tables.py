"""The table rules (R1–R7), evaluated on table values.

The same functions judge a TOML input before anything is written and a DOCX reopened
from disk: both ends turn what they read into a :data:`Values` mapping and call
:func:`check_values`. Only the wording of where a number came from differs, which the
caller supplies as a :class:`Source`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable

from ..findings import Finding
from ..format.spec import Equation, Format, Table, ValueKind
from ..report import Values, show
from ..text import MAX_DIGITS
from .catalogue import finding


@dataclass(frozen=True)
class Source:
    """How messages point at a number: a cell of a printed table, or a TOML key.

    A printed table shows every number, totals included. An input holds only what the
    clerk typed: there a total the tool computed (``typed`` is false for it) is quoted
    only beside the typed numbers it adds up, each typed number says where it was
    typed (``at``), and a stated total is shown with the numbers it should equal
    (``itemized``)."""

    name_cell: Callable[[str, str, str], str]
    stated: str  # how the found value is introduced: "表中填写" / "输入中写的是"
    typed: Callable[[str, str, str], bool] = lambda table, row, col: True
    at: Callable[[str, str, str], str] = lambda table, row, col: ""
    itemized: bool = False


def cell_title(table: Table, row: str, col: str) -> str:
    """"表三 （一）予以公开 · 自然人", "表四 · 行政复议 · 总计": a cell as the printed table names it."""
    row_name, col_name = table.cell_name(row, col)
    return " ".join(part for part in (table.name, row_name) if part) + f" · {col_name}"


def table_source(fmt: Format) -> Source:
    return Source(lambda table, row, col: cell_title(fmt.table[table], row, col), "表中填写")


def value_problem(kind: ValueKind, value: object) -> str | None:
    """Why ``value`` cannot stand in a cell of this kind (R5), or None."""
    if kind == "text":
        return None if isinstance(value, str) else "应为文字"
    if kind == "amount":
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            return "应为不小于 0 的数（单位：万元）"
        if isinstance(value, Decimal) and not value.is_finite():
            return "应为有限的数，不能是 inf 或 nan"
        return "不能为负数" if value < 0 else _too_long(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return "应为整数" if kind == "delta" else "应为不小于 0 的整数"
    if kind == "count" and value < 0:
        return "不能为负数，应为不小于 0 的整数"
    return _too_long(value)


def _too_long(value: int | Decimal) -> str | None:
    """A number longer than a cell is read back with: no report states one, and the
    read-back of the written file would not find it."""
    whole = len(str(abs(int(value))))
    decimals = max(0, -value.as_tuple().exponent) if isinstance(value, Decimal) else 0
    if whole > MAX_DIGITS:
        return f"数字过大（{whole} 位），至多 {MAX_DIGITS} 位：请核对"
    if decimals > MAX_DIGITS:
        return f"小数位过多（{decimals} 位），至多 {MAX_DIGITS} 位"
    return None


def derive(fmt: Format, values: Values) -> Values:
    """Fill every 总计 the format derives and ``values`` does not state.

    Totals depend on other totals (（七）总计 · 总计), so this repeats until nothing new
    can be computed; a stated total is kept as stated, for :func:`check_values` to verify."""
    out = dict(values)
    numbers = _only_numbers(values)
    pending = [e for e in fmt.equations if e.derives]
    while pending:
        waiting = []
        for eq in pending:
            target = eq.left_keys[0]
            if target in out:
                continue
            total = _total(out, eq.right_keys, numbers)
            if total is not None:
                out[target] = total
            else:
                waiting.append(eq)
        if len(waiting) == len(pending):
            break
        pending = waiting
    return out


def is_number(value: object) -> bool:
    """An int or a Decimal, not a bool (which Python counts as an int)."""
    kind = type(value)
    return kind is int or kind is Decimal or (kind is not bool and isinstance(value, (int, Decimal)))


_NUMBER_TYPES = {int, Decimal}


def _numbers(values: Values, keys) -> list | None:
    found = [values.get(key) for key in keys]
    if set(map(type, found)) <= _NUMBER_TYPES or all(map(is_number, found)):
        return found
    return None


_SUMMED_AS_IS = _NUMBER_TYPES | {str}  # sum() adds the numbers and fails on text, as _numbers refuses it


def _only_numbers(values: Values) -> bool:
    """Whether no value is of a kind that ``sum()`` would add though it is no number (a
    bool, a float) -- as nearly always: then :func:`_total` adds without looking at each
    term."""
    return set(map(type, values.values())) <= _SUMMED_AS_IS


def _total(values: Values, keys, numbers: bool):
    """The sum of the values at ``keys``, or None when one is missing or no number (or
    they are infinities that cancel); ``numbers`` is :func:`_only_numbers` of ``values``.
    Each equation is summed so, a few hundred per report and per read-back."""
    try:
        if numbers:
            return sum(map(values.get, keys))
        found = _numbers(values, keys)
        return None if found is None else sum(found)
    except (TypeError, InvalidOperation):  # a missing value (None) or text; inf + -inf
        return None


def check_values(fmt: Format, values: Values, source: Source | None = None) -> list[Finding]:
    """R5 on every value present, then every equation whose cells all hold numbers.

    A cell missing from ``values`` (unreadable, already reported) silences the equations
    it takes part in rather than producing a second, misleading finding."""
    source = source or table_source(fmt)
    findings = []
    for table in fmt.tables:
        for key, cell in table.keys:
            if key in values:
                value = values[key]
                if type(value) is int and value >= 0 and cell.kind != "text":
                    continue  # what nearly every cell holds, and good in every kind but text
                problem = value_problem(cell.kind, value)
                if problem:
                    findings.append(_cell_finding("R5", table, cell.row, cell.col, show(value), problem, source))
    numbers = _only_numbers(values)
    for eq in fmt.equations:
        if eq.derives and not source.typed(eq.table, *eq.left[0]):
            continue  # a total computed from what was typed: a wrong stated part is reported at that part
        left, right = _total(values, eq.left_keys, numbers), _total(values, eq.right_keys, numbers)
        if left is None or right is None or left == right:
            continue
        findings.append(_equation_finding(fmt, eq, _numbers(values, eq.left_keys), _numbers(values, eq.right_keys),
                                          values, source))
    return findings


def _cell_finding(rule, table, row, col, actual, problem, source: Source) -> Finding:
    row_name, col_name = table.cell_name(row, col)
    where = source.name_cell(table.key, row, col)
    return finding(rule, table.name, row_name, col_name, None, actual,
                   f"{where}：{source.stated} {actual}，{problem}", (table.key, row, col))


def _equation_finding(fmt: Format, eq: Equation, left, right, values: Values, source: Source) -> Finding:
    table = fmt.table[eq.table]
    if eq.derives:
        row, col = eq.left[0]
        row_name, col_name = table.cell_name(row, col)
        expected, actual = show(sum(right)), show(left[0])
        parts = f"（{' + '.join(show(n) for n in right)}）" if source.itemized else ""
        message = f"{source.name_cell(table.key, row, col)}：各分项合计为 {expected}{parts}，{source.stated} {actual}"
        return finding(eq.rule, table.name, row_name, col_name, expected, actual, message,
                       (table.key, row, col))

    def term(r, c, n):
        cell = (table.key, r, c)
        if source.typed(*cell):
            at = source.at(*cell)
            return f"{table.cell_name(r, c)[0]} {show(n)}" + (f"（{at}）" if at else "")
        return f"{table.cell_name(r, c)[0]} {show(n)}（{_typed_parts(fmt, values, cell, source)}）"

    def side(cells, numbers):
        return " + ".join(term(r, c, n) for (r, c), n in zip(cells, numbers))

    col_name = " / ".join(dict.fromkeys(table.cell_name(r, c)[1] for r, c in eq.left + eq.right))
    row_name = " + ".join(table.cell_name(r, c)[0] for r, c in eq.left) + " = " + " + ".join(
        table.cell_name(r, c)[0] for r, c in eq.right
    )
    expected, actual = show(sum(left)), show(sum(right))
    message = (
        f"{table.name} {col_name}：{side(eq.left, left)} = {expected}，"
        f"而 {side(eq.right, right)} = {actual}，两边应相等"
    )
    return finding(eq.rule, table.name, row_name, col_name, expected, actual, message,
                   (table.key, *eq.left[0]))


def _typed_parts(fmt: Format, values: Values, cell: tuple[str, str, str], source: Source) -> str:
    """A computed total as the typed numbers it adds up ("= （一）予以公开 100 + （二）部分公开
    50，其余为 0"): only those that are not 0, each named by what differs from the total's
    own row and column."""
    def leaves(at):
        if source.typed(*at):
            return [at]
        eq = next(e for e in fmt.equations if e.derives and (e.table, *e.left[0]) == at)
        return [leaf for r, c in eq.right for leaf in leaves((eq.table, r, c))]

    table = fmt.table[cell[0]]
    found = leaves(cell)
    shown = []
    for key in found:
        if values[key] != 0:
            row_name, col_name = table.cell_name(*key[1:])
            name = " · ".join(n for n, same in ((row_name, key[1] == cell[1]), (col_name, key[2] == cell[2])) if not same)
            shown.append(f"{name} {show(values[key])}")
    if not shown:
        return "各项都是 0"
    return "= " + " + ".join(shown) + ("，其余为 0" if len(shown) < len(found) else "")


def check_continuity(fmt: Format, values: Values, previous: Values) -> list[Finding]:
    """R6 and R7: this year's report against last year's."""
    findings = []
    for rule in fmt.continuity:
        table = fmt.table[rule.table]
        now = _numbers(values, [(rule.table, r, c) for r, c, _ in rule.this_year])
        before = _numbers(previous, [(rule.table, r, c) for r, c in rule.last_year])
        if now is None or before is None:
            continue
        total_now = sum(sign * n for (_, _, sign), n in zip(rule.this_year, now))
        if total_now == sum(before):
            continue
        row, col, sign = rule.this_year[0]
        row_name, col_name = table.cell_name(row, col)
        # Expected and found as the cell named holds them, the rest of the equation kept.
        meant = now[0] + sign * (sum(before) - total_now)
        last = " + ".join(f"上年{' '.join(table.cell_name(r, c))} {show(n)}" for (r, c), n in zip(rule.last_year, before))
        here = "".join(
            f"{' + ' if sign > 0 and i else ''}{' − ' if sign < 0 else ''}{' '.join(table.cell_name(r, c))} {show(n)}"
            for i, ((r, c, sign), n) in enumerate(zip(rule.this_year, now))
        )
        message = f"{cell_title(table, row, col)}：{here} 应等于 {last}"
        findings.append(finding(rule.rule, table.name, row_name, col_name,
                                show(meant), show(now[0]), message, (table.key, row, col)))
    return findings
