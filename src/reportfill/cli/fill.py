"""``reportfill fill``: TOML inputs become report DOCX files."""

from __future__ import annotations

from pathlib import Path

import click

from .common import library_errors, with_progress
from .usage import JOBS, PathValue, command, option


@command("fill")
@click.argument("inputs", nargs=-1, required=True, type=PathValue(path_type=Path))
@option("-o", "--output", type=PathValue(path_type=Path),
              help="输出的 DOCX 文件（只给一个输入时可用）。默认：outputs/{标题}.docx")
@option("--out-dir", type=PathValue(file_okay=False, path_type=Path), default=Path("outputs"),
              show_default=True, help="输出文件夹。")
@option("--template", type=PathValue(dir_okay=False, path_type=Path),
              help="用自己在 Word 中改过样式的模板副本来填写。")
@option("-j", "--jobs", type=JOBS, help="同时处理的进程数。默认：CPU 核数。")
@option("--pdf", is_flag=True, help="同时用 LibreOffice 导出 PDF，放在每个 DOCX 旁边。")
@option("--previous", type=PathValue(dir_okay=False, path_type=Path),
              help="上一年度的报告（TOML 或 DOCX 等）：核对跨年衔接（R6、R7），并计算正文与上年的重复率（D1）。只能用于一个输入文件。")
@option("--force", is_flag=True,
              help="替换已在 Word/WPS 中改动过的、或不是 reportfill 生成的同名 DOCX；原文件保留为 “文件名.bak.docx”。")
def command(inputs, output, out_dir, template, jobs, pdf, previous, force):
    """把 TOML 输入填写成年度报告 DOCX，并重新打开核对所有合计。

    可以给多个输入文件或文件夹（其中所有 *.toml），结果写入 --out-dir。
    已有的同名 DOCX 只在它是 reportfill 生成且之后未被改动时才被替换。

    \b
    退出码：0 已生成；1 报告有错误，没有生成（例如跨年衔接 R6、R7 不符，或还有待写的【请撰写】R13）；
    2 输入无法使用（格式有误、勾稽关系不一致 R1–R5），或文件无法读取、写入。"""
    if output and (len(inputs) > 1 or inputs[0].is_dir()):
        raise click.UsageError("-o/--output 只能用于一个输入文件；给多个输入或一个文件夹时请用 --out-dir")
    if previous and (len(inputs) > 1 or inputs[0].is_dir()):
        raise click.UsageError("--previous 只能用于一个输入文件（上一年度的报告只属于一个机关）")
    if len(inputs) > 1 or inputs[0].is_dir():
        _fill_batch(inputs, out_dir, template, jobs, pdf, force)
        return

    from ..errors import Problem, ReportfillError
    from ..workflows.fill import Occupied, fill

    with library_errors(source=inputs[0]):
        try:
            filled = fill(inputs[0], output=output, out_dir=out_dir, template=template, previous=previous, force=force)
        except Occupied as exc:
            hint = _how_to_replace(exc.backup)
            raise ReportfillError([Problem(p.where, p.message + hint) for p in exc.problems]) from None
    if filled.reuse is not None:
        from ..reporters.text import reuse_lines

        for line in reuse_lines(filled.reuse):
            click.echo(line)
    for warning in filled.warnings:
        click.echo(f"提示（{warning.rule}）：{warning.message}")
    click.echo(f"已生成：{filled.output}")
    if filled.backup:
        click.echo(f"原文件已保留为：{filled.backup}")
    if pdf:
        raise SystemExit(_export_pdfs([filled.output]))


def _how_to_replace(backup: Path) -> str:
    """What to do about an output that is someone's work (the library only says why it
    was left as it is)."""
    return (f"。要保留它，请换一个输出位置（-o 或 --out-dir）；"
            f"确定用新生成的报告替换它，请加 --force（原文件会保留为 {backup.name}）")


def _export_pdfs(docx_paths) -> int:
    """PDFs of the written reports (:func:`~reportfill.workflows.fill.export_pdfs`); 2
    when that fails (the DOCX files stay written), else 0."""
    from ..workflows.fill import export_pdfs

    exported = export_pdfs(docx_paths)
    for written in exported.written:
        click.echo(f"已生成：{written}")
    if exported.problems:
        for problem in exported.problems:
            click.echo(f"错误：{problem}", err=True)
        click.echo("DOCX 已生成，只是没有导出 PDF。", err=True)
        return 2
    if exported.note:
        click.echo(exported.note, err=True)
    return 0


def _fill_batch(inputs, out_dir, template, jobs, pdf, force):
    """Several inputs or folders: one line per input, a count, and the exit code of the
    worst outcome (2 bad input, 1 rejected report, 0 all written)."""
    from ..findings import exit_code
    from ..workflows.batch import expand, fill_many

    entries = expand(inputs, ".toml")
    with library_errors():
        results = with_progress(len(entries), lambda progress: fill_many(
            entries, out_dir=out_dir, template=template, jobs=jobs, progress=progress, force=force), "填写")
    for result in results:
        _print_result(result)
    done, skipped = sum(r.ok for r in results), sum(r.status == "skipped" for r in results)
    also = f"，跳过 {skipped} 个" if skipped else ""
    click.echo(f"共 {len(results)} 个：成功 {done} 个，失败 {len(results) - done - skipped} 个{also}。")
    exported = _export_pdfs([r.output for r in results if r.ok]) if pdf else 0
    raise SystemExit(max(exit_code(results), exported))


def _print_result(result) -> None:
    if result.skipped:
        click.echo(f"跳过  {result.source}（{result.skipped}）")
        return
    if result.ok:
        click.echo(f"成功  {result.source} → {result.output}")
        if result.backup:
            click.echo(f"      原文件已保留为：{result.backup}")
        for warning in result.warnings:
            click.echo(f"      提示（{warning.rule}）：{warning.message}")
        return
    click.echo(f"失败  {result.source}")
    reasons = list(result.problems or [f.message for f in result.errors])
    if result.backup:  # refused to replace someone's work
        reasons[-1] += _how_to_replace(result.backup)
    for reason in reasons:
        click.echo(f"      {reason}")
