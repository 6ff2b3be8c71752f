"""Turn a published report back into a TOML input: a report as data.

A report is read as ``check`` reads it (any source a reader handles), and written with the
input writer (:mod:`reportfill.writers.scaffold`), so ``fill`` of what is written prints
the same numbers in every cell and the same paragraphs in the same order. What the input
cannot hold is said, never silently dropped: a cell left blank or holding "/" or "—" is
written as 0 with a comment (and listed for the command line to show), a stated total
that does not add up is written as stated, and the paragraphs of sections 二–四 outside
their tables, which the input has no place for, are returned to be listed.

Only reports in the format the input contract describes (国办公开办函〔2021〕30号, for 2021
and later) can be extracted; a 2019-format report is refused, ``check`` still reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Problem, ReportfillError
from ..files import Written
from ..findings import Finding
from ..format.formats import FILLABLE, format_or_none
from ..outline import Outline
from ..readers.toml_labels import given_slots
from ..readers import read
from ..report import Report
from ..rules.tables import check_values, derive, table_source
from ..text import is_blank_mark
from ..writers.scaffold import Notes, default_input_path, input_text, write_input
from .check import judged

Key = tuple[str, str, str]


@dataclass
class Extracted:
    """A report read and written as an input.

    ``zeroed`` maps each cell written as 0 for want of a number to what the source held
    there (None: the cell was not found); ``left_out`` maps a table section's heading to
    its paragraphs outside the table; ``empty`` lists the prose sections with no text,
    which the input requires; ``findings`` are what is wrong with the report beyond the
    blank cells, the equations checked with the zeros in place."""

    text: str
    report: Report
    zeroed: dict[Key, str | None]
    left_out: dict[str, tuple[str, ...]]
    empty: tuple[str, ...]
    findings: list[Finding]

    def listing(self) -> list[tuple[str, str | None]]:
        """The cells written as 0, named as a clerk reads the printed table, with what
        the report held: a labelled row whose every number is missing alike is named once."""
        fmt = self.report.fmt
        name = table_source(fmt).name_cell
        out, done = [], set()
        for key, held in self.zeroed.items():
            table = fmt.table[key[0]]
            row_name = table.cell_name(key[1], key[2])[0]
            row = [(key[0], key[1], p.cell.col) for p in given_slots(fmt, table, key[1])]
            if not row_name or len(row) == 1 or any(self.zeroed.get(k, "?") != held for k in row):
                out.append((name(*key), held))
            elif key[:2] not in done:
                done.add(key[:2])
                out.append((f"{table.name} {row_name} 整行", held))
        return out

    @property
    def ok(self) -> bool:
        """Whether the report, its blank cells read as 0, has no errors and text in
        every prose section: ``fill`` then takes the input as written and reproduces
        the report."""
        return not self.empty and not any(f.severity == "error" for f in self.findings)


def extract(source: Path | str | bytes, *, agency: str | None = None, year: int | None = None,
            name: str | None = None) -> Extracted:
    """Read ``source`` and write it as an input. ``agency`` and ``year`` replace what the
    report states (or supply what it does not). Raises :class:`ReportfillError` when
    the report cannot be read, is not in the input's format, or lacks agency or year."""
    where = name or (str(source) if not isinstance(source, bytes) else "文档")
    document = read(source, where)
    result, sections = judged(document, where)
    read_report = result.report
    fmt = read_report.fmt
    agency = (agency or read_report.agency).strip()
    year = year or read_report.year
    _refuse_unless_fillable(where, read_report, agency, year)

    zeroed = _zeroed(fmt, read_report, result.findings)
    report = replace(read_report, agency=agency, year=year)
    notes = Notes(header=(f"由 reportfill extract 从“{Path(where).name}”提取；填写：reportfill fill 本文件.toml",),
                  cells={key: _remark(text) for key, text in zeroed.items()})
    findings = [f for f in result.findings if not _resolved(f)]
    # With the zeros in place, the equations a blank cell silenced are checked too.
    with_zeros = derive(fmt, {**dict.fromkeys(zeroed, 0), **report.values})
    findings += [f for f in check_values(fmt, with_zeros) if f not in result.findings]
    empty = tuple(s.heading for s in fmt.sections
                  if s.key not in fmt.table and not (report.prose[s.key].paragraphs or report.prose[s.key].items))
    return Extracted(input_text(report, notes), report, zeroed, _left_out(sections, fmt), empty, findings)


def write_extracted(source: Path | str, target: Path | None = None, *, force: bool = False,
                    agency: str | None = None, year: int | None = None) -> tuple[Extracted, Written]:
    """:func:`extract` written to ``target`` (default ``inputs/{agency}-{year}.toml``);
    an existing file is only replaced with ``force``, and kept as ``name.bak.toml``."""
    extracted = extract(source, agency=agency, year=year)
    report = extracted.report
    path = target or default_input_path(report.agency, report.year)
    return extracted, write_input(extracted.text, path, force=force)


def _refuse_unless_fillable(where: str, report: Report, agency: str, year: int | None) -> None:
    fmt, contract = report.fmt, FILLABLE
    if not fmt.generated:
        raise ReportfillError(Problem(where, (
            f"这份报告的表格是{fmt.basis}试行格式（用于 {fmt.first_year}–{fmt.last_year} 年度的报告）。"
            f"reportfill 的输入（TOML）按{contract.basis}格式编写，只能提取这种格式的报告；"
            "这份报告可以用 reportfill check 核对")))
    if year is None:
        raise ReportfillError(Problem(where, "报告中找不到报告年度（标题和统计期限中都没有）：请用 --year 给出，例如 --year 2023"))
    if format_or_none(year) is not fmt:
        raise ReportfillError(Problem(where, (
            f"这份报告是 {year} 年度的，reportfill 的输入（TOML）按{contract.basis}格式编写，"
            f"只用于 {contract.first_year} 年及以后年度的报告；这份报告可以用 reportfill check 核对")))
    if not agency:
        raise ReportfillError(Problem(where, "报告标题中找不到机关名称：请用 --agency 给出，例如 --agency 温县教育局"))


def _zeroed(fmt, report: Report, findings: list[Finding]) -> dict[Key, str | None]:
    """Each cell the input needs and the report states no number for, with what the
    report holds there: "" for a blank, None for a cell that was not found at all."""
    held = {f.cell: f.actual for f in findings if f.cell is not None and f.rule == "R5" and f.actual is not None}
    # A table or a column left wholly blank is one finding without a cell.
    blank = {(f.table, f.column) for f in findings if f.rule == "R5" and f.cell is None and f.actual == ""}
    out = {}
    for table in fmt.tables:
        for p in table.slots:
            key = (table.key, p.cell.row, p.cell.col)
            if key in fmt.derived or key in report.values:
                continue
            if key in held:
                out[key] = held[key]
            elif {(table.name, ""), (table.name, table.cell_name(p.cell.row, p.cell.col)[1])} & blank:
                out[key] = ""
            else:
                out[key] = None
    return out


def _remark(text: str | None) -> str:
    if text is None:
        return "原报告中找不到这个单元格，暂按 0 写入，请核实"
    if not text:
        return "原报告空白，按 0 写入"
    if is_blank_mark(text):
        return f"原报告填写“{text}”，按 0 写入"
    return f"原报告填写“{text}”，不是数字，暂按 0 写入，请改正"


def _resolved(finding: Finding) -> bool:
    """Whether writing a 0 (or leaving a total to ``fill``) settles the finding: a cell,
    column or table left blank or holding "/" or "—"."""
    return finding.rule == "R5" and finding.actual is not None and is_blank_mark(finding.actual)


def _left_out(sections: Outline, fmt) -> dict[str, tuple[str, ...]]:
    """The paragraphs under the table sections' headings outside their tables."""
    found = {s.heading: sections.section(s.heading) for s in fmt.sections if s.key in fmt.table}
    return {heading: paragraphs for heading, paragraphs in found.items() if paragraphs}
