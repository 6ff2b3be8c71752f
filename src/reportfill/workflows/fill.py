"""Fill one input: read and reconcile it, render it, reopen what was rendered and confirm
every number, and only then write the file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import ReportRejected
from ..files import safe_file_name, write_atomic
from ..findings import Finding, Result, has_errors
from ..readers.toml_input import read_input
from ..report import Report, show
from ..rules.tables import derive
from ..writers.render import render
from .check import check_document, read_previous, with_previous


def default_output(report: Report, out_dir: Path) -> Path:
    """``{out_dir}/{title}.docx``."""
    return Path(out_dir) / f"{safe_file_name(report.title)}.docx"


def confirm(report: Report, data: bytes) -> list[Finding]:
    """Reopen the rendered bytes as any report is checked, and require every cell to read
    back exactly the number that was meant. Returns the warnings; raises on an error."""
    result = check_document(data, name=report.title)
    findings = list(result.findings)
    read = result.report.values
    expected = derive(report.fmt, report.values)
    for table in report.fmt.tables:
        for p in table.slots:
            key = (table.key, p.cell.row, p.cell.col)
            got = read.get(key)
            if got is None or show(got) != show(expected[key]):
                row, col = table.cell_name(p.cell.row, p.cell.col)
                findings.append(Finding(
                    "R5", "error", table.name, row, col, show(expected[key]), None if got is None else show(got),
                    f"{table.name} {row} · {col}：生成的文件中读回 {'空白' if got is None else show(got)}，"
                    f"应为 {show(expected[key])}（模板可能被改动过）", key,
                ))
    if has_errors(findings):
        raise ReportRejected(findings)
    return findings


def prepare(source: Path, template: Path | None = None) -> tuple[Report, bytes, list[Finding]]:
    """Everything short of writing: the input read and reconciled, the report rendered,
    reopened and confirmed. Returns the report, the DOCX bytes and the warnings -- those
    the input itself gives naming its lines, the rest as the reopened document gives them."""
    report, own = read_input(source)
    data = render(report, template)
    named = {(f.rule, f.cell) for f in own}
    return report, data, own + [f for f in confirm(report, data) if (f.rule, f.cell) not in named]


def fill(source: Path, *, output: Path | None = None, out_dir: Path = Path("outputs"),
         template: Path | None = None, previous: Path | None = None) -> Result:
    """Fill ``source`` into ``output`` (default: ``out_dir/{title}.docx``).

    ``previous`` is last year's report (TOML or any readable report): the report is then
    also held against it (R6, R7, and the reuse of last year's text, D1).

    Nothing is written unless the input reconciles and the rendered file reads back clean;
    an existing output is replaced atomically, or left untouched on any failure."""
    report, data, warnings = prepare(source, template)
    result = Result(str(source), warnings, report=report, kind="toml")
    if previous is not None:
        result.report = replace(report, values=derive(report.fmt, report.values))  # R6 on 总计 too
        with_previous(result, read_previous(previous))
        if result.errors:
            raise ReportRejected(result.errors)
    result.output = Path(output) if output else default_output(report, out_dir)
    write_atomic(result.output, data)
    return result
