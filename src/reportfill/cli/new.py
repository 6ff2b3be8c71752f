"""``reportfill new``: a complete input to fill in, for an agency and a year."""

from __future__ import annotations

from pathlib import Path

import click

from .common import library_errors


@click.command("new")
@click.argument("agency")
@click.argument("year", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="输入文件的路径。默认：inputs/{机关名称}-{年度}.toml")
@click.option("--force", is_flag=True, help="覆盖已有的文件。")
def command(agency, year, output, force):
    """为一个机关、一个年度新建 TOML 输入：所有栏目齐全，数字为 0，注释为规定的栏目名称。"""
    from ..writers.scaffold import write_scaffold

    with library_errors():
        target = write_scaffold(agency, year, output, force=force)
    click.echo(f"已新建：{target}（填写文字和数字后运行 reportfill fill {target}）")
