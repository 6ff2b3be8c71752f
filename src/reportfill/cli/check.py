"""``reportfill check``: confirm the tables and structure of any reports."""

from __future__ import annotations

from pathlib import Path

import click

from ..rules.catalogue import as_help
from .common import echo_backup, library_errors, with_progress
from .usage import JOBS, PathValue, command, option

_HELP = f"""核对年度报告的表格勾稽关系和结构，多个文件逐个核对。

可以给多个文件或文件夹，在所有 CPU 核上并行核对。读取 Word（.docx、.doc）、WPS（.wps）、
网页（.htm、.html，门户网站的文章页或 Word 另存的网页；.mht 单个文件网页）、PDF（文字版）、RTF 和 .odt；
.doc、.wps、.rtf、.odt 用 LibreOffice 转换后读取。文件夹中的其他文件（文本文件、Word 的
临时锁定文件 ~$…、子文件夹等）逐个列出并说明跳过的原因，最后一行是各类文件的数量。

\b
跨年核对（R6、R7）和重复率（D1）：
  --previous 上年报告        一个机关的报告（可以是同一报告的几个版本）对照它上一年度的报告；
  --previous-dir 上年文件夹  一个文件夹的报告，按报告中的机关名称和年度逐一找到本机关上一年度的报告
                             （文件名、文件夹名不必对应），列出没有找到的。

{as_help()}

\b
退出码：有文件无法作为年度报告读取时为 2（其余文件照常核对）；
否则有报告存在错误时为 1；全部通过为 0（只有提醒也算通过）。
"""


@command("check", help=_HELP)
@click.argument("reports", nargs=-1, required=True, type=PathValue(path_type=Path))
@option("--previous", type=PathValue(path_type=Path),
              help="上一年度的报告（TOML 输入，或 DOCX 等任何能读取的报告）：核对跨年衔接（R6 结转、R7 现行有效件数），"
                   "并计算正文与上年的重复率（D1）。给多个报告时，它们须是同一机关的。")
@option("--previous-dir", type=PathValue(path_type=Path),
              help="上一年度各机关报告（或 TOML 输入）所在的文件夹：每份报告与本机关上一年度的报告配对后核对 R6、R7、D1。")
@option("--summary", type=PathValue(dir_okay=False, path_type=Path),
              help="另写一个汇总表：.xlsx（第 1 张表每个文件一行，第 2 张表每条问题一行），"
                   "或 .csv（问题写在旁边的 …-问题.csv）。")
@option("--force", is_flag=True,
              help="覆盖已有的 --summary 表格（它在 reportfill 写出之后被修改过，或不是 reportfill 写的）；原文件保留为 “文件名.bak.xlsx”。")
@option("--aggregate-of", multiple=True, type=PathValue(path_type=Path),
              help="核对一份汇总报告：它的每个单元格应等于这些文件或文件夹中各单位报告（或 TOML 输入）之和（A1）。可给多次。")
@option("--json", "as_json", is_flag=True, help="以 JSON 输出；多个文件时输出列表。")
@option("-j", "--jobs", type=JOBS, help="同时处理的进程数。默认：CPU 核数。")
def command(reports, previous, previous_dir, summary, force, aggregate_of, as_json, jobs):
    from ..findings import exit_code
    from ..reporters import REPORTER_BY_NAME
    from ..reporters.text import count_line
    from ..workflows.batch import check_many, expand_reports

    if previous and previous_dir:
        raise click.UsageError("--previous 和 --previous-dir 只能用其中一个")
    if previous and previous.is_dir():
        raise click.UsageError(f"--previous 要的是上一年度的一份报告，{previous} 是文件夹：要让每份报告对照本机关"
                               f"上一年度的报告，请用 --previous-dir {previous}")
    entries = expand_reports(reports)
    if aggregate_of and len(entries) != 1:
        raise click.UsageError("--aggregate-of 只能用于一份汇总报告")
    if summary and summary.suffix.lower() not in (".xlsx", ".csv"):
        raise click.UsageError("--summary 的文件名应以 .xlsx 或 .csv 结尾")
    pairing, written = None, []
    with library_errors():
        if summary:  # before the run: an annotated summary there refuses it at once
            from ..reporters.sheets import backups
            from ..reporters.summary import summary_files

            backups(summary_files(summary), force=force)
        if previous_dir:
            from ..workflows.pairing import check_paired, last_years

            last = last_years(previous_dir)
            pairing = with_progress(len(entries) + len(last), lambda progress: check_paired(
                entries, last, jobs=jobs, progress=progress), "核对")
            results = pairing.results
        else:
            results = with_progress(len(entries), lambda progress: check_many(
                entries, previous=previous, jobs=jobs, progress=progress), "核对")
        if aggregate_of and results[0].report is not None:
            from ..workflows.aggregate import check_aggregate

            parts = expand_reports(aggregate_of, inputs=True)
            results[0] = with_progress(len(parts), lambda progress: check_aggregate(
                results[0], parts, jobs=jobs, progress=progress), "汇总")
        if summary:
            from ..reporters.summary import write_summary

            written = write_summary(results, summary, force=force)
    click.echo(REPORTER_BY_NAME["json" if as_json else "text"](results))
    if not as_json and (len(results) > 1 or any(Path(r).is_dir() for r in reports)):
        click.echo("\n" + count_line(results))
    if pairing is not None:
        from ..reporters.text import pairing_block

        click.echo("\n" + pairing_block(pairing), err=as_json)
    for path, backup in written:
        click.echo(f"已写出汇总表：{path}", err=as_json)
        echo_backup(backup, err=as_json)
    unreadable = pairing.unreadable if pairing is not None else []
    raise SystemExit(exit_code([*results, *unreadable]))
