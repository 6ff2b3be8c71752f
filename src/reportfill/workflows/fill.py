"""Fill one input: read and reconcile it, render it, reopen what was rendered and confirm
every number, and only then write the file -- never over a file someone has worked on."""

from __future__ import annotations

import itertools
import os
from dataclasses import replace
from pathlib import Path

from ..errors import Problem, ReportfillError, ReportRejected
from ..files import commit, safe_file_name, stage
from ..findings import Finding, Result, has_errors
from ..readers.toml_input import read_input
from ..report import Report, show
from ..rules.tables import derive
from ..writers import fingerprint
from ..writers.render import render
from .check import check_document, read_previous, with_previous

_REFUSED = {
    fingerprint.State.EDITED: "这个文件在 reportfill 生成之后被改动过（例如在 Word 或 WPS 中编辑后保存），"
                              "为免丢失这些改动，没有覆盖",
    fingerprint.State.FOREIGN: "这个文件不是 reportfill 生成的，为免丢失其内容，没有覆盖",
}


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
        for key, _ in table.keys:
            got, meant = read.get(key), expected[key]
            if type(got) is int and type(meant) is int and got == meant:
                continue  # what show() would print alike
            if got is None or show(got) != show(meant):
                _, row, col = key
                row, col = table.cell_name(row, col)
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
         template: Path | None = None, previous: Path | None = None, force: bool = False) -> Result:
    """Fill ``source`` into ``output`` (default: ``out_dir/{title}.docx``).

    ``previous`` is last year's report (TOML or any readable report): the report is then
    also held against it (R6, R7, and the reuse of last year's text, D1).

    Nothing is written unless the input reconciles and the rendered file reads back clean;
    an existing output is replaced atomically, or left untouched on any failure. It is
    replaced only when it is exactly what reportfill wrote (see :func:`put_in_place`)."""
    report, data, warnings = prepare(source, template)
    result = Result(str(source), warnings, report=report, kind="toml")
    if previous is not None:
        result.report = replace(report, values=derive(report.fmt, report.values))  # R6 on 总计 too
        with_previous(result, read_previous(previous))
        if result.errors:
            raise ReportRejected(result.errors)
    result.output = Path(output) if output else default_output(report, out_dir)
    result.backup = put_in_place(stage(result.output, data), result.output, force=force)
    return result


def put_in_place(staged: Path, target: Path, *, force: bool = False) -> Path | None:
    """Move the staged file (see :func:`reportfill.files.stage`) to ``target``.

    An existing ``target`` is replaced when it is exactly what reportfill wrote. One that
    was edited since, or that reportfill did not write, is refused -- the staged file is
    removed and the error says what happened and offers ``--force`` -- or with ``force``
    kept as ``name.bak.docx`` (``name.bak-2.docx`` … when that exists), whose path is
    returned."""
    try:
        backup = _backup_for(target, force)
        if backup is not None:
            _keep(target, backup)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    commit(staged, target)
    return backup


def _backup_for(target: Path, force: bool) -> Path | None:
    if not target.is_file():
        return None
    found = fingerprint.state(target)
    if found is fingerprint.State.UNCHANGED:
        return None
    backup = _free_backup_name(target)
    if force:
        return backup
    raise ReportfillError(Problem(str(target), (
        f"{_REFUSED[found]}。要保留它，请换一个输出位置（-o 或 --out-dir）；"
        f"确定用新生成的报告替换它，请加 --force（原文件会保留为 {backup.name}）"
    )))


def _free_backup_name(target: Path) -> Path:
    for n in itertools.count(1):
        backup = target.with_name(f"{target.stem}.bak{'' if n == 1 else f'-{n}'}{target.suffix}")
        if not backup.exists():
            return backup


def _keep(target: Path, backup: Path) -> None:
    try:
        try:
            os.link(target, backup)
        except OSError:  # a file system without hard links (FAT, some network shares)
            import shutil

            shutil.copy2(target, backup)
    except OSError as exc:
        raise ReportfillError(Problem(str(backup), f"无法保留原文件（{exc.strerror}），没有覆盖 {target.name}")) from None
