"""Fill one input: read and reconcile it, render it, reopen what was rendered and confirm
every number, and only then write the file -- never over a file someone has worked on."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Problem, ReportfillError, ReportRejected
from ..files import backup_name, replace_keeping, safe_file_name, stage
from ..findings import Finding, Result, has_errors
from ..readers.toml_input import read_input
from ..report import Report, show
from ..rules.tables import cell_title, derive
from ..writers import fingerprint, templates
from ..writers.render import render
from ..readers import read
from .check import judge, read_back, read_previous, with_previous

_REFUSED = {
    fingerprint.State.EDITED: "这个文件在 reportfill 生成之后被改动过（例如在 Word 或 WPS 中编辑后保存），"
                              "为免丢失这些改动，没有覆盖",
    fingerprint.State.FOREIGN: "这个文件不是 reportfill 生成的，为免丢失其内容，没有覆盖",
}


class Occupied(ReportfillError):
    """The output is someone's work -- edited since reportfill wrote it, or not written
    by it -- and was left as it is. Replacing it keeps it as ``backup``; how to ask for
    that (a flag, a button) is for the caller to say."""

    def __init__(self, target: Path, reason: str, backup: Path):
        super().__init__(Problem(str(target), reason))
        self.backup = backup


def default_output(report: Report, out_dir: Path) -> Path:
    """``{out_dir}/{title}.docx``."""
    return Path(out_dir) / f"{safe_file_name(report.title)}.docx"


def confirm(report: Report, data: bytes, template: Path | None = None) -> list[Finding]:
    """Reopen the rendered bytes with the reader and table locator ``check`` uses, and
    require every cell to read back exactly the number that was meant. Returns the
    warnings; raises on an error.

    From the bundled template (``template`` None) only the numbers and the findings on
    the document as a whole are read back: its text is the input's and the format's, so
    the rules on the content -- the tables' equations, the prose, the sizes -- would
    judge again what they judged in the input, the numbers being required to be the
    input's. A user's template may hold text of its own, and is checked as any report.

    A cell that reads back another number is the template's doing -- text typed beside
    a placeholder in Word -- not the input's: :class:`ReportfillError` names the
    template (``template``, the bundled one when None), as its check on loading does."""
    document = read(data, report.title)
    if template is None:
        back = read_back(document, report.title)
        got_values, findings = back.values, back.findings
    else:
        result = judge(document, report.title)
        got_values, findings = result.report.values, result.findings
    expected = derive(report.fmt, report.values)
    wrong = []
    for table in report.fmt.tables:
        for key, _ in table.keys:
            got, meant = got_values.get(key), expected[key]
            if type(got) is int and type(meant) is int and got == meant:
                continue  # what show() would print alike
            if got is None or show(got) != show(meant):
                _, row, col = key
                wrong.append(f"{cell_title(table, row, col)} 读回 {'空白' if got is None else show(got)}，应为 {show(meant)}")
    if wrong:
        more = f"等，共 {len(wrong)} 处" if len(wrong) > templates.SHOWN else ""
        raise ReportfillError(Problem(str(template or templates.default_template(report.fmt)), (
            f"用这个模板生成的文件中，数字与输入不符：{'；'.join(wrong[:templates.SHOWN])}{more}。"
            "模板中 {{ }} 占位符旁边的文字可能被改动过；请用 reportfill template -o 我的模板.docx 重新导出模板，"
            "只修改样式")))
    if has_errors(findings):
        raise ReportRejected(findings)
    return findings


def prepare(source: Path, template: Path | None = None) -> tuple[Report, bytes, list[Finding]]:
    """Everything short of writing: the input read and reconciled, the report rendered,
    reopened and confirmed. Returns the report, the DOCX bytes and the warnings -- those
    the input itself gives naming its lines, the rest as the reopened document gives them."""
    report, own = read_input(source)
    if has_errors(own):
        raise ReportRejected(own)
    data = render(report, template)
    named = {(f.rule, f.cell) for f in own}
    return report, data, own + [f for f in confirm(report, data, template) if (f.rule, f.cell) not in named]


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
    result.backup = put_in_place(stage(result.output, data, suffix=".docx"), result.output, force=force)
    return result


@dataclass
class Exported:
    """What :func:`export_pdfs` did: the PDFs written, the problems that stopped it (the
    DOCX files stay written), and a line saying which official fonts the PDFs show with
    a stand-in, when any."""

    written: list[Path]
    problems: list[Problem]
    note: str | None


def export_pdfs(paths: list[Path]) -> Exported:
    """PDFs of the written reports, beside them, all in one LibreOffice run (``fill
    --pdf``, the web form's 生成报告)."""
    from ..office import convert, substitution_note

    if not paths:
        return Exported([], [], None)
    try:
        written = convert(paths, "pdf")
    except ReportfillError as exc:
        return Exported([], list(exc.problems), None)
    return Exported(written, [], substitution_note(paths))


def put_in_place(staged: Path, target: Path, *, force: bool = False) -> Path | None:
    """Move the staged file (see :func:`reportfill.files.stage`) to ``target``.

    An existing ``target`` is replaced when it is exactly what reportfill wrote. One that
    was edited since, or that reportfill did not write, is refused -- the staged file is
    removed and :class:`Occupied` says what happened -- or with ``force`` kept as
    ``name.bak.docx`` (``name.bak-2.docx`` … when that exists), whose path is returned."""
    try:
        backup = _backup_for(target, force)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    replace_keeping(staged, target, backup)
    return backup


def _backup_for(target: Path, force: bool) -> Path | None:
    """Where ``target`` is kept when it is replaced: nowhere when it is exactly what
    reportfill wrote; refused, as someone's work, without ``force``."""
    if not target.is_file():
        return None
    found = fingerprint.state(target)
    if found is fingerprint.State.UNCHANGED:
        return None
    backup = backup_name(target)
    if force:
        return backup
    raise Occupied(target, _REFUSED[found], backup)
