"""Tables for a spreadsheet: one writer of XLSX (openpyxl) and of CSV for every sheet
reportfill hands an office -- the summary of a run, the provenance of an aggregate.

What makes a sheet usable is the same everywhere: Chinese headers in a frozen first row
with an autofilter, columns wide enough for what they hold (a Chinese character is two
columns wide), numbers stored as numbers with their decimals, percentages and dates
formatted as such. A CSV is UTF-8 with a byte-order mark, the only way Excel and WPS
open Chinese CSV correctly, with Windows line ends. Text that a spreadsheet would run as
a formula (a file name starting with "=") is kept as text.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

from ..errors import Problem, ReportfillError
from ..files import Written, backup_name, replace_keeping, stage
from ..writers import fingerprint

Kind = Literal["text", "number", "percent", "date"]
Cell = str | int | Decimal | float | datetime.date | None
MAX_WIDTH = 60  # columns; longer text is cut off on screen, not in the cell
_FORMULA_START = ("=", "+", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "text"
    max_width: int = MAX_WIDTH


@dataclass(frozen=True)
class Sheet:
    title: str  # the worksheet's name; the suffix of its CSV file beside the first
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as one XLSX workbook."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from openpyxl.packaging.custom import StringProperty

    book = Workbook()
    book.remove(book.active)
    book.custom_doc_props.append(StringProperty(name=fingerprint.PROPERTY, value="-"))
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    wrap = Alignment(wrap_text=True, vertical="center")
    for sheet in sheets:
        ws = book.create_sheet(sheet.title)
        ws.append([c.header for c in sheet.columns])
        for cell in ws[1]:
            cell.font, cell.fill, cell.alignment = bold, grey, wrap
        for row in sheet.rows:
            ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
            for column, cell in zip(sheet.columns, ws[ws.max_row]):
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula
                elif column.kind == "percent":
                    cell.number_format = "0%"
                elif column.kind == "date":
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, Decimal):
                    places = -cell.value.as_tuple().exponent
                    cell.number_format = "0." + "0" * places if places > 0 else "0"
        for n, column in enumerate(sheet.columns, 1):
            ws.column_dimensions[get_column_letter(n)].width = _width(sheet, n - 1)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{max(1, ws.max_row)}"
    out = io.BytesIO()
    book.save(out)
    return fingerprint.stamp_package(out.getvalue())


def csv_bytes(sheet: Sheet) -> bytes:
    """One sheet as CSV, UTF-8 with a byte-order mark."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([_csv_text(column, value) for column, value in zip(sheet.columns, row)])
    return out.getvalue().encode("utf-8-sig")


def sheet_files(path: Path, titles: Sequence[str]) -> list[Path]:
    """The files that writing sheets titled ``titles`` at ``path`` makes: the workbook,
    or a CSV per sheet, the first at ``path`` and the others beside it named after theirs."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return [path]
    if suffix == ".csv":
        return [path if i == 0 else path.with_name(f"{path.stem}-{title}{path.suffix}") for i, title in enumerate(titles)]
    raise ReportfillError(Problem(str(path), "表格文件的扩展名应为 .xlsx（Excel、WPS 表格）或 .csv"))


def backups(files: Sequence[Path], *, force: bool) -> dict[Path, Path | None]:
    """Where each of ``files`` that exists is kept when it is replaced (None: nowhere).

    A table an office has annotated is its work. A workbook exactly as reportfill wrote
    it (its fingerprint, as a filled DOCX carries one) is replaced as it is; any other
    file there -- a workbook saved in Excel or WPS since, a CSV (which has no place for a
    fingerprint), someone else's file -- is refused, or with ``force`` kept as
    ``name.bak.ext``. Called before a long run, it refuses before the work is done."""
    kept: dict[Path, Path | None] = {}
    for target in map(Path, files):
        if not target.is_file():
            continue
        workbook = target.suffix.lower() == ".xlsx"
        found = fingerprint.state(target) if workbook else fingerprint.State.FOREIGN
        if found is fingerprint.State.UNCHANGED:
            kept[target] = None
            continue
        backup = backup_name(target)
        if not force:
            why = ("这个表格文件在 reportfill 写出之后被修改或另存过" if found is fingerprint.State.EDITED
                   else "这个表格文件已存在，不是 reportfill 写出的（或是早先版本的 reportfill 写的）" if workbook
                   else "这个 CSV 文件已存在（CSV 记不下 reportfill 的标记，看不出是否被修改过）")
            raise ReportfillError(Problem(str(target), (
                f"{why}，为免丢失其中的内容，没有覆盖；要覆盖请加 --force（原文件会保留为 {backup.name}），"
                "或换一个文件名")))
        kept[target] = backup
    return kept


def write_sheets(path: Path, sheets: Sequence[Sheet], *, force: bool = False) -> list[Written]:
    """Write ``sheets`` as an XLSX workbook, or, for a ``.csv`` path, as one CSV file per
    sheet (the first at ``path``, each other beside it named after its sheet). All files
    are written or none; a file there is replaced as :func:`backups` says. Returns the
    files written, with where each replaced file was kept."""
    targets = sheet_files(path, [s.title for s in sheets])
    kept = backups(targets, force=force)
    if Path(path).suffix.lower() == ".xlsx":
        files = [(targets[0], xlsx_bytes(sheets))]
    else:
        files = [(target, csv_bytes(s)) for target, s in zip(targets, sheets)]
    staged = []
    try:
        for target, data in files:
            staged.append((stage(target, data), target))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in staged:
        replace_keeping(tmp, target, kept.get(target))
    return [Written(target, kept.get(target)) for _, target in staged]


def _csv_text(column: Column, value: Cell) -> str:
    if value is None:
        return ""
    if column.kind == "percent" and isinstance(value, float):
        return f"{value:.1%}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


def display_width(text: str) -> int:
    """Columns ``text`` takes on screen: two for a Chinese (wide) character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _width(sheet: Sheet, index: int) -> float:
    column = sheet.columns[index]
    widest = max((display_width(_csv_text(column, row[index])) for row in sheet.rows), default=0)
    header = min(display_width(column.header), 24)  # a long header wraps instead
    return min(max(widest, header, 6) + 2, column.max_width)
