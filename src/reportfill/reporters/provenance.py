"""Where each number of an aggregate comes from: every cell of the tables, its sum, and
what each agency contributed to it, as a spreadsheet the office checks the area's
report against (``aggregate --provenance``).

One row per cell, totals included, in the order the tables print them; one column per
agency, in the order the parts were given. A second sheet says which file each agency's
figures were read from.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..format.spec import Format
from ..readers.source import KIND_NAMES
from ..rules.tables import derive
from ..files import Written
from .sheets import Column, Sheet, sheet_files, write_sheets


TITLES = ("来源", "单位")  # the sheets; a CSV's second file is named after the second


def provenance_files(path: Path) -> list[Path]:
    """The files :func:`write_provenance` writes at ``path``."""
    return sheet_files(path, TITLES)


def provenance_sheets(fmt: Format, parts: Sequence, summed) -> list[Sheet]:
    """``parts`` are :class:`~reportfill.workflows.aggregate.Part`; ``summed`` the sum of
    the cells they state."""
    totals = derive(fmt, summed)
    columns = (Column("表"), Column("行"), Column("列"), Column("合计", "number"),
               *(Column(part.agency, "number", max_width=24) for part in parts))
    cells = Sheet(TITLES[0], columns)
    for table in fmt.tables:
        for p in table.slots:
            if p.cell.kind == "text":
                continue
            key = (table.key, p.cell.row, p.cell.col)
            row, col = table.cell_name(p.cell.row, p.cell.col)
            cells.rows.append((table.name, row, col, totals[key], *(part.values[key] for part in parts)))
    files = Sheet(TITLES[1], (Column("机关"), Column("文件"), Column("来源")),
                  [(part.agency, part.source, KIND_NAMES.get(part.kind, part.kind)) for part in parts])
    return [cells, files]


def write_provenance(fmt: Format, parts: Sequence, summed, path: Path, *, force: bool = False) -> list[Written]:
    """Write :func:`provenance_sheets` as XLSX, or as CSV files (``…-单位.csv`` beside);
    a file there is replaced as :func:`~reportfill.reporters.sheets.backups` says."""
    return write_sheets(path, provenance_sheets(fmt, parts, summed), force=force)
