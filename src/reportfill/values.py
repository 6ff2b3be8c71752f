"""Reading the numbers of the located tables, and saying what is wrong with each cell
that holds none: the findings only a finished document can have (a table, row, column or
cell not found, a cell left blank or holding "/")."""

from __future__ import annotations

from .findings import Finding
from .format.spec import UNIT, Format, Table
from .locate import Located, TableMatch, unlabelled_rows
from .report import Values
from .rules.catalogue import finding
from .rules.tables import cell_title, table_source, value_problem
from .text import read_number


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
            findings.append(finding("R9", table.name, "", "", None, None,
                                    f"找不到{table.name}（“{section}”中的统计表），或表中的栏目名称与规定格式相差太大"))
            continue
        findings += _missing(table, match)
        unreadable = []
        reading = table.reading
        for slot, cell in match.cells.items():
            key, kind, unit = reading[slot]
            value = read_number(cell.text, kind, unit)
            if value is None:
                unreadable.append((*slot, " ".join(cell.text.split())))
            else:
                values[key] = value
        findings += unreadable_findings(fmt, table, unreadable)
        findings += _units(table, match)
    return values, findings




def _units(table: Table, match: TableMatch) -> list[Finding]:
    """An amount whose header states another unit than the format's (元 for 万元, a
    real and costly slip: the number is then ten thousand times too large)."""
    findings = []
    for (row, col), labels in match.headers.items():
        official = table.units.get((row, col))
        stated = next((m.group(1) for label in labels if (m := UNIT.search(label))), None)
        if official and stated and stated != official:
            row_name, col_name = table.cell_name(row, col)
            findings.append(finding(
                "R5", table.name, row_name, col_name, official, stated,
                f"{cell_title(table, row, col)}：表头的单位写成了“{stated}”，规定为“{official}”；"
                f"请把金额换算为{official}并改正表头", (table.key, row, col)))
    return findings


def _missing(table: Table, match: TableMatch) -> list[Finding]:
    findings = []
    missing_rows = [key for key in table.row_keys if key not in match.rows]
    for key in missing_rows:
        name = " ".join(table.row_labels(key))
        if name:
            findings.append(finding("R9", table.name, name, "", name, None, f"{table.name} 缺少“{name}”这一行"))
    if any(key in missing_rows for keys in unlabelled_rows(table) for key in keys):
        findings.append(finding("R9", table.name, "", "", None, None,
                                f"{table.name} 找不到填写数字的一行（表头与规定格式不符）"))
    if len(match.cells) == len(table.slots):  # every cell found (the cells found are the table's)
        return findings
    missing = [p.cell for p in table.slots if p.cell.row in match.rows and (p.cell.row, p.cell.col) not in match.cells]
    by_column: dict[str, list] = {}
    for slot in missing:
        by_column.setdefault(slot.col, []).append(slot)
    for col, slots in by_column.items():
        whole = len(slots) == sum(1 for p in table.slots if p.cell.col == col and p.cell.row in match.rows)
        if whole and len(slots) > 1:
            col_name = table.cell_name(slots[0].row, col)[1]
            findings.append(finding("R9", table.name, "", col_name, col_name, None,
                                    f"{table.name} 缺少“{col_name}”这一列"))
            continue
        for slot in slots:
            row_name, col_name = table.cell_name(slot.row, slot.col)
            findings.append(finding("R9", table.name, row_name, col_name, None, None,
                                    f"{cell_title(table, slot.row, slot.col)}：找不到这个单元格（表头或栏目名称与规定格式不符）",
                                    (table.key, slot.row, slot.col)))
    return findings


def unreadable_findings(fmt: Format, table: Table, cells: list[tuple[str, str, str]]) -> list[Finding]:
    """R5 for cells that hold no number: one finding for a table or column left wholly
    blank, otherwise one per cell."""
    blank = [(r, c) for r, c, text in cells if not text]
    if len(blank) == len(table.slots) > 1:
        return [finding("R5", table.name, "", "", None, "", f"{table.name} 没有填写任何数字，没有的应填 0")]
    findings = []
    reported: set[str] = set()
    for col in dict.fromkeys(c for _, c in blank):
        column = [p for p in table.slots if p.cell.col == col]
        if len(column) >= 3 and all((p.cell.row, col) in blank for p in column):
            col_name = table.cell_name(column[0].cell.row, col)[1]
            findings.append(finding("R5", table.name, "", col_name, None, "",
                                    f"{table.name} “{col_name}”一列全部未填写，没有的应填 0"))
            reported.add(col)
    where = table_source(fmt).name_cell
    for row, col, text in cells:
        if col in reported:
            continue
        row_name, col_name = table.cell_name(row, col)
        problem = value_problem(table.slot[(row, col)].cell.kind, text)
        stated = f"表中填写 {text}" if text else "表中未填写"
        findings.append(finding("R5", table.name, row_name, col_name, None, text,
                                f"{where(table.key, row, col)}：{stated}，{problem}，没有的应填 0", (table.key, row, col)))
    return findings
