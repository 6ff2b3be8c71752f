"""The ``reportfill`` command: parses arguments, calls the library, prints, sets the exit code.

Exit codes: 0 ok, 1 a report breaks a rule, 2 bad input or a file that cannot be read.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reportfill")
def main():
    """生成与核对政府信息公开工作年度报告（DOCX）。"""


def _fail(problems, code: int):
    for problem in problems:
        click.echo(f"错误：{problem}", err=True)
    raise SystemExit(code)


@main.command("fill")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="输出的 DOCX 文件（只给一个输入时可用）。默认：outputs/{标题}.docx")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="输出文件夹。")
@click.option("--template", type=click.Path(dir_okay=False, path_type=Path),
              help="用自己在 Word 中改过样式的模板副本来填写。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="同时处理的进程数。默认：CPU 核数。")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 导出 PDF，放在每个 DOCX 旁边。")
def fill_command(inputs, output, out_dir, template, jobs, pdf):
    """把 TOML 输入填写成年度报告 DOCX，并重新打开核对所有合计。

    可以给多个输入文件或文件夹（其中所有 *.toml），结果写入 --out-dir。"""
    if output and (len(inputs) > 1 or inputs[0].is_dir()):
        raise click.UsageError("-o/--output 只能用于一个输入文件；给多个输入或一个文件夹时请用 --out-dir")
    if len(inputs) > 1 or inputs[0].is_dir():
        _fill_batch(inputs, out_dir, template, jobs, pdf)
        return

    from .fill import fill
    from .findings import ReportfillError, ReportRejected

    try:
        filled = fill(inputs[0], output=output, out_dir=out_dir, template=template)
    except ReportfillError as exc:
        _fail(exc.problems, 2)
    except ReportRejected as exc:
        _fail([f.message for f in exc.findings], 1)
    for warning in filled.warnings:
        click.echo(f"提示（{warning.rule}）：{warning.message}")
    click.echo(f"已生成：{filled.output}")
    if pdf:
        raise SystemExit(_export_pdfs([filled.output]))


def _export_pdfs(docx_paths) -> int:
    """PDFs of the written reports, all in one LibreOffice run; 2 when that fails (the
    DOCX files stay written), else 0."""
    from .findings import ReportfillError
    from .office import convert

    if not docx_paths:
        return 0
    try:
        for written in convert(docx_paths, "pdf"):
            click.echo(f"已生成：{written}")
    except ReportfillError as exc:
        for problem in exc.problems:
            click.echo(f"错误：{problem}", err=True)
        click.echo("DOCX 已生成，只是没有导出 PDF。", err=True)
        return 2
    return 0


def _fill_batch(inputs, out_dir, template, jobs, pdf):
    """Several inputs or folders: one line per input, a count, and the exit code of the
    worst outcome (2 bad input, 1 rejected report, 0 all written)."""
    from .batch import exit_code, expand, fill_many
    from .findings import ReportfillError

    entries = expand(inputs, ".toml")
    try:
        outcomes = _run_with_progress(len(entries), lambda progress: fill_many(
            entries, out_dir=out_dir, template=template, jobs=jobs, progress=progress), "填写")
    except ReportfillError as exc:
        _fail(exc.problems, 2)
    for outcome in outcomes:
        _print_outcome(outcome)
    failed = sum(not o.ok for o in outcomes)
    click.echo(f"共 {len(outcomes)} 个：成功 {len(outcomes) - failed} 个，失败 {failed} 个。")
    exported = _export_pdfs([o.output for o in outcomes if o.ok]) if pdf else 0
    raise SystemExit(max(exit_code(outcomes), exported))


def _run_with_progress(count: int, run, label: str):
    """``run(progress)``, with a progress bar on stderr when it is a terminal; output
    that goes to a file or a pipe gets no bar."""
    import sys

    if count > 1 and sys.stderr.isatty():
        with click.progressbar(length=count, label=label, file=sys.stderr) as bar:
            return run(lambda _: bar.update(1))
    return run(None)


def _print_outcome(outcome) -> None:
    if outcome.ok:
        click.echo(f"成功  {outcome.source} → {outcome.output}")
        for warning in outcome.warnings:
            click.echo(f"      提示（{warning.rule}）：{warning.message}")
        return
    click.echo(f"失败  {outcome.source}")
    for reason in outcome.reasons:
        click.echo(f"      {reason}")


@main.command("new")
@click.argument("agency")
@click.argument("year", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="输入文件的路径。默认：inputs/{机关名称}-{年度}.toml")
@click.option("--force", is_flag=True, help="覆盖已有的文件。")
def new_command(agency, year, output, force):
    """为一个机关、一个年度新建 TOML 输入：所有栏目齐全，数字为 0，注释为规定的栏目名称。"""
    from .findings import ReportfillError
    from .scaffold import write_scaffold

    try:
        target = write_scaffold(agency, year, output, force=force)
    except ReportfillError as exc:
        _fail(exc.problems, 2)
    click.echo(f"已新建：{target}（填写文字和数字后运行 reportfill fill {target}）")


@main.command("preview")
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("-o", "--output-dir", "out_dir", type=click.Path(file_okay=False, path_type=str),
              help="图片输出目录（默认：报告旁的 “文件名-pages” 文件夹）。")
def preview_command(reports, out_dir):
    """把报告的每一页导出为 PNG 图片（需要 LibreOffice 和 pdftoppm）。"""
    from .findings import ReportfillError
    from .preview import preview

    try:
        written = preview(reports, out_dir)
    except ReportfillError as e:
        for problem in e.problems:
            click.echo(f"错误：{problem}", err=True)
        raise SystemExit(2) from None
    for path in written:
        click.echo(str(path))


@main.command("check")
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--previous", type=click.Path(path_type=Path),
              help="上一年度的报告 DOCX，用来核对跨年衔接（R6 结转、R7 现行有效件数）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出；多个文件时输出列表。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="同时处理的进程数。默认：CPU 核数。")
def check_command(reports, previous, as_json, jobs):
    """核对年度报告 DOCX 的表格勾稽关系和结构，多个文件逐个核对。

    可以给多个文件或文件夹（其中所有 *.docx），在所有 CPU 核上并行核对。

    \b
    规则：R1–R5 表格数字，R9 六个部分标题与标题年度，R10 信息处理费说明，
    R8 正文数字与表格（提醒）；给出 --previous 时再核对 R6、R7。
    退出码：有文件无法作为年度报告读取时为 2（其余文件照常核对）；
    否则有报告存在错误时为 1；全部通过为 0（只有提醒也算通过）。
    """
    from .batch import check_many, expand
    from .check_report import as_json as json_text, as_text, exit_code
    from .findings import ReportfillError

    entries = expand(reports, ".docx")
    try:
        results = _run_with_progress(len(entries), lambda progress: check_many(
            entries, previous=previous, jobs=jobs, progress=progress), "核对")
    except ReportfillError as exc:
        _fail(exc.problems, 2)
    click.echo(json_text(results) if as_json else as_text(results))
    raise SystemExit(exit_code(results))
