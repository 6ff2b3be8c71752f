"""The summary of a run as a spreadsheet: what a supervising office works from.

Sheet 1 has one row per file: what it is, its verdict, how many errors and warnings,
the figures an office compares across agencies, its publication date, the last year's
report it was compared with and how much of its text repeats that one. A file that
could not be read, and a folder's file that is no report (skipped), has its row too,
with the reason. Sheet 2 has one row per finding, to filter by rule, table or agency.

:func:`summary_xlsx` gives the workbook's bytes (the web form offers them for download);
:func:`write_summary` writes it, or two CSV files.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from ..findings import Result
from ..format.formats import FILLABLE
from ..format.spec import Format
from ..readers.source import KIND_NAMES
from ..report import Values
from ..rules.catalogue import SEVERITY_NAMES
from ..rules.tables import is_number
from ..files import Written
from .sheets import Column, Sheet, sheet_files, write_sheets, xlsx_bytes
from .text import format_name

_VERDICTS = {"ok": "通过", "rejected": "不通过", "bad": "无法读取", "skipped": "跳过"}

# The figures compared across agencies, each the sum of its cells: (table, cells).
KEY_FIGURES = (
    ("applications", (("received", "total"),)),
    ("applications", (("from_last_year", "total"),)),
    ("applications", (("total", "total"),)),
    ("applications", (("to_next_year", "total"),)),
    ("appeals", (("reconsideration", "total"),)),
    ("appeals", (("lawsuit_direct", "total"), ("lawsuit_after_reconsideration", "total"))),
    ("proactive", (("fees", "amount"),)),
)


def figure_header(fmt: Format, table_key: str, cells: tuple[tuple[str, str], ...]) -> str:
    """A key figure's column header, in the format's own labels: the row's label, then
    the column labels all its cells share ("行政诉讼 · 总计" for the two 诉讼 totals)."""
    table = fmt.table[table_key]
    rows = dict.fromkeys(table.cell_name(r, c)[0] for r, c in cells)
    columns = [table.column_labels(r, c) for r, c in cells]
    shared = [label for label in columns[0] if all(label in other for other in columns[1:])
              and not any(r.endswith(label) for r in rows)]  # "（七）总计", not "（七）总计 · 总计"
    return " · ".join([*(r for r in rows if r), *shared])


def figure(values: Values, table_key: str, cells) -> int | Decimal | None:
    """The sum of a key figure's cells; None when one of them holds no number."""
    found = [values.get((table_key, r, c)) for r, c in cells]
    if all(map(is_number, found)):
        return sum(found)
    return None


REPORT_COLUMNS = (
    Column("文件"), Column("机关"), Column("年度", "number"), Column("格式"), Column("来源"),
    Column("结论"), Column("错误数", "number"), Column("提醒数", "number"),
    *(Column(figure_header(FILLABLE, t, cells), "number") for t, cells in KEY_FIGURES),
    Column("发布日期", "date"), Column("上年报告"), Column("与上年重复率", "percent"), Column("说明", max_width=80),
)
FINDING_COLUMNS = (
    Column("文件"), Column("机关"), Column("规则"), Column("级别"), Column("表"), Column("行"), Column("列"),
    Column("应为"), Column("实际"), Column("说明", max_width=100),
)


TITLES = ("报告", "问题")  # the sheets; a CSV summary's second file is named after the second


def summary_files(path: Path) -> list[Path]:
    """The files :func:`write_summary` writes at ``path``."""
    return sheet_files(path, TITLES)


def summary_sheets(results: Sequence[Result]) -> list[Sheet]:
    """Sheet 1, one row per file; sheet 2, one row per finding."""
    reports, findings = Sheet(TITLES[0], REPORT_COLUMNS), Sheet(TITLES[1], FINDING_COLUMNS)
    for result in results:
        read = result.report
        agency = read.agency if read else ""
        figures = [figure(read.values, t, cells) if read else None for t, cells in KEY_FIGURES]
        reports.rows.append((
            result.source, agency, read.year if read else None,
            format_name(read.fmt) if read else "", KIND_NAMES.get(result.kind, result.kind),
            _VERDICTS.get(result.status, result.status), len(result.errors), len(result.warnings), *figures,
            result.published, result.previous, result.reuse.whole.rate if result.reuse else None,
            result.skipped or "；".join(result.problems),
        ))
        for f in result.findings:
            findings.rows.append((result.source, agency, f.rule, SEVERITY_NAMES[f.severity], f.table, f.row, f.column,
                                  f.expected, f.actual, f.message))
    return [reports, findings]


def summary_xlsx(results: Sequence[Result]) -> bytes:
    """The summary as the bytes of an XLSX workbook."""
    return xlsx_bytes(summary_sheets(results))


def write_summary(results: Sequence[Result], path: Path, *, force: bool = False) -> list[Written]:
    """Write the summary to ``path``: an XLSX workbook, or for ``.csv`` the reports at
    ``path`` and the findings beside it (``…-问题.csv``). A file there is replaced as
    :func:`~reportfill.reporters.sheets.backups` says. Returns the files written."""
    return write_sheets(path, summary_sheets(results), force=force)
