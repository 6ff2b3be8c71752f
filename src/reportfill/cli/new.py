"""``reportfill new``: a complete input to fill in, for an agency and a year, from zero or
from last year's report."""

from __future__ import annotations

from pathlib import Path

import click

from .common import echo_backup, library_errors
from .usage import YEAR, PathValue, command, option


@command("new")
@click.argument("agency")
@click.argument("year", type=YEAR)
@option("--from", "last", type=PathValue(dir_okay=False, path_type=Path),
              help="上一年度的报告（TOML 输入，或 DOCX 等任何能读取的报告）：结转数字、小标题沿用上年，上年的文字放在注释中供对照。")
@option("-o", "--output", type=PathValue(dir_okay=False, path_type=Path),
              help="输入文件的路径。默认：inputs/{机关名称}-{年度}.toml")
@option("--gap-year", is_flag=True,
              help="与 --from 同用：上一年度没有报告（中间有一年没有报告），允许用更早年度的报告为基础。")
@option("--force", is_flag=True,
              help="覆盖已有的文件，原文件保留为 “文件名.bak.toml”；与 --from 同用时也像 --gap-year 一样允许用更早年度的报告。")
def command(agency, year, last, output, gap_year, force):
    """为一个机关、一个年度新建 TOML 输入：所有栏目齐全，注释为规定的栏目名称。

    不加 --from 时数字全部为 0；加 --from 时以上一年度的报告为基础。"""
    if gap_year and last is None:
        raise click.UsageError("--gap-year 只能与 --from 同用")
    if last is None:
        from ..writers.scaffold import write_scaffold

        with library_errors():
            target, backup = write_scaffold(agency, year, output, force=force)
        click.echo(f"已新建：{target}（填写文字和数字后运行 reportfill fill {target}）")
        echo_backup(backup)
        return

    from ..errors import Problem, ReportfillError
    from ..workflows.next_year import GapYear, write_started

    with library_errors():
        try:
            started, (target, backup) = write_started(agency, year, last, output, force=force,
                                                      gap_year=gap_year or force)
        except GapYear as exc:
            raise ReportfillError([Problem(p.where, f"{p.message}：请加 --gap-year") for p in exc.problems]) from None
    for warning in started.warnings:
        click.echo(f"提示：{warning}", err=True)
    click.echo(f"已新建：{target}（以 {last} 为基础；撰写文字、填写数字后运行 reportfill fill {target}）")
    echo_backup(backup)
