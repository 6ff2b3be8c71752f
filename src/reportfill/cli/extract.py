"""``reportfill extract``: a published report back to a TOML input."""

from __future__ import annotations

from pathlib import Path

import click

from .common import echo_backup, library_errors
from .usage import YEAR, PathValue, command, option


@command("extract")
@click.argument("report", type=PathValue(dir_okay=False, path_type=Path))
@option("-o", "--output", type=PathValue(dir_okay=False, path_type=Path),
              help="写出的 TOML 输入。默认：inputs/{机关名称}-{年度}.toml")
@option("--agency", help="机关名称，用于报告标题中没有写明、或要改用另一写法时。")
@option("--year", type=YEAR, help="报告年度，用于报告中没有写明时。")
@option("--force", is_flag=True, help="覆盖已有的文件；原文件保留为 “文件名.bak.toml”。")
def command(report, output, agency, year, force):
    """把一份 2021 年格式的年度报告提取为 TOML 输入：每个数字、各部分的段落和小标题，注释为规定的栏目名称。

    reportfill fill 提取出的输入，得到同样的数字和段落。原报告中空白或填写“/”“—”的单元格写为 0
    并加注释，在标准错误中列出。

    \b
    退出码：0 已提取；1 已提取，但原报告有错误或某部分没有文字（列在标准错误中，请在输入中改正后再 fill）；
    2 无法提取（文件无法读取，或是 2019 年试行格式的报告），不写任何文件。"""
    from ..rules.catalogue import SEVERITY_NAMES
    from ..workflows.extract import write_extracted

    with library_errors():
        extracted, (target, backup) = write_extracted(report, output, force=force, agency=agency, year=year)
    then = (f"可运行 reportfill fill {target}" if extracted.ok
            else f"请先按下面列出的问题改正 {target}，再运行 reportfill fill {target}")
    click.echo(f"已提取：{target}（{then}）")
    echo_backup(backup)
    if extracted.zeroed:
        click.echo("以下单元格在原报告中没有数字，已按 0 写入，请核实：", err=True)
        for place, held in extracted.listing():
            what = "找不到" if held is None else f"填写“{held}”" if held else "空白"
            click.echo(f"  {place}（{what}）", err=True)
    for heading, paragraphs in extracted.left_out.items():
        click.echo(f"“{heading}”中表格以外的文字，输入中没有位置，没有提取：", err=True)
        for paragraph in paragraphs:
            click.echo(f"  {paragraph}", err=True)
    for heading in extracted.empty:
        click.echo(f"“{heading}”下没有文字：输入中这一部分必须有文字，请补写后再运行 reportfill fill", err=True)
    for finding in extracted.findings:
        click.echo(f"【{SEVERITY_NAMES[finding.severity]}】{finding.rule} {finding.message}", err=True)
    raise SystemExit(0 if extracted.ok else 1)
