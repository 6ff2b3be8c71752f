"""``reportfill check``: confirm the tables and structure of any reports."""

from __future__ import annotations

from pathlib import Path

import click

from ..rules.catalogue import as_help
from .common import library_errors, with_progress

_HELP = f"""核对年度报告的表格勾稽关系和结构，多个文件逐个核对。

可以给多个文件或文件夹，在所有 CPU 核上并行核对。读取 Word（.docx、.doc）、WPS（.wps）、
网页（.htm、.html，门户网站的文章页或 Word 另存的网页）、PDF（文字版）、RTF 和 .odt；
.doc、.wps、.rtf、.odt 用 LibreOffice 转换后读取。文件夹中的其他文件（文本文件、Word 的
临时锁定文件 ~$…、子文件夹等）逐个列出并说明跳过的原因，最后一行是各类文件的数量。

{as_help()}

\b
退出码：有文件无法作为年度报告读取时为 2（其余文件照常核对）；
否则有报告存在错误时为 1；全部通过为 0（只有提醒也算通过）。
"""


@click.command("check", help=_HELP)
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--previous", type=click.Path(path_type=Path),
              help="上一年度的报告（TOML 输入，或 DOCX 等任何能读取的报告）：核对跨年衔接（R6 结转、R7 现行有效件数），"
                   "并计算正文与上年的重复率（D1）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出；多个文件时输出列表。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="同时处理的进程数。默认：CPU 核数。")
def command(reports, previous, as_json, jobs):
    from ..findings import exit_code
    from ..reporters import REPORTER_BY_NAME
    from ..reporters.text import count_line
    from ..workflows.batch import check_many, expand_reports

    entries = expand_reports(reports)
    with library_errors():
        results = with_progress(len(entries), lambda progress: check_many(
            entries, previous=previous, jobs=jobs, progress=progress), "核对")
    click.echo(REPORTER_BY_NAME["json" if as_json else "text"](results))
    if not as_json and (len(results) > 1 or any(Path(r).is_dir() for r in reports)):
        click.echo("\n" + count_line(results))
    raise SystemExit(exit_code(results))
