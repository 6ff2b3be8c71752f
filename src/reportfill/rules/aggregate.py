"""A1: a published 汇总 report equals the sum of the reports it sums.

The area's tables are the departments' and lower governments' added cell by cell, so
every cell a report states (the totals follow from them by R1–R4, checked on the report
itself) must equal the sum of the same cell in its parts' reports; a cell that does not
is named with its published value and the sum.
"""

from __future__ import annotations

from ..findings import Finding
from ..format.spec import Format
from ..report import Values, show
from .catalogue import finding
from .tables import is_number, table_source

Key = tuple[str, str, str]


def summed_cells(fmt: Format) -> tuple[Key, ...]:
    """The cells a sum is made of: every number an input states, totals left out."""
    return tuple((t.key, p.cell.row, p.cell.col) for t in fmt.tables for p in t.slots
                 if p.cell.kind != "text" and (t.key, p.cell.row, p.cell.col) not in fmt.derived)


def check_sums(fmt: Format, published: Values, summed: Values, parts: int) -> list[Finding]:
    """A1 for each cell of ``published`` that differs from ``summed``, the sum of
    ``parts`` reports. A cell the report holds no number in is R5's, not repeated here."""
    name = table_source(fmt).name_cell
    findings = []
    for key in summed_cells(fmt):
        stated = published.get(key)
        if not is_number(stated) or stated == summed[key]:
            continue
        table = fmt.table[key[0]]
        row, col = table.cell_name(key[1], key[2])
        findings.append(finding(
            "A1", table.name, row, col, show(summed[key]), show(stated),
            f"{name(*key)}：汇总报告中为 {show(stated)}，{parts} 个单位的报告之和为 {show(summed[key])}："
            "请核对汇总表的这个单元格，或各单位报告中的数字（reportfill aggregate … --provenance 可列出各单位的数字）",
            key))
    return findings
