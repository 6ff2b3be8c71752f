"""``reportfill aggregate``: the area's 汇总 input from its departments' reports."""

from __future__ import annotations

from pathlib import Path

import click

from ..format.formats import FILLABLE
from ..rules.drafts import TO_WRITE
from .common import echo_backup, library_errors, with_progress
from .usage import JOBS, YEAR, PathValue, command, option

_FIRST, _LAST = FILLABLE.sections[0].heading, FILLABLE.sections[-1].heading
_HELP = f"""把各部门、各乡镇（街道）的年度报告逐格相加，生成本级汇总报告的 TOML 输入。

INPUTS 是各单位的 TOML 输入或年度报告（DOCX、网页、PDF、.doc 等能核对的报告），可以是文件或文件夹。
表格是逐格相加之和（收费金额按小数精确相加）；{_FIRST}开头是根据汇总数字起草的文字；{_LAST}
列出各单位关于{FILLABLE.fee_statement[0]}的说明；其余文字标有{TO_WRITE}，写好后用 reportfill fill 生成报告。

任何一份报告勾稽关系不一致（R1–R5）、不是这一年度的、无法读取、重复报送，或（给了 --roster 时）
缺报、不在名单上，都不汇总：逐个列出问题，什么也不写。

\b
退出码：0 已写出；2 没有汇总（问题列在标准错误中）。"""


@command("aggregate", help=_HELP)
@click.argument("inputs", nargs=-1, required=True, type=PathValue(path_type=Path))
@option("--agency", required=True, help="汇总报告的机关名称，例如 温县人民政府（“全县”等说法由它得出）。")
@option("--year", required=True, type=YEAR, help="报告年度；每份报告都必须是这一年度的。")
@option("-o", "--output", type=PathValue(dir_okay=False, path_type=Path),
              help="写出的 TOML 输入。默认：inputs/{机关名称}-{年度}.toml")
@option("--roster", type=PathValue(dir_okay=False, path_type=Path),
              help="应当报送的单位名单（文本文件，每行一个单位，UTF-8 或 GBK）：缺报、重复、不在名单上的单位都是错误。")
@option("--provenance", type=PathValue(dir_okay=False, path_type=Path),
              help="另写一个表格（.xlsx 或 .csv）：每个单元格的合计和各单位的数字。")
@option("--force", is_flag=True,
              help="覆盖已有的文件（TOML 输入，和被修改过的 --provenance 表格）；原文件保留为 “文件名.bak.toml”“文件名.bak.xlsx”。")
@option("-j", "--jobs", type=JOBS, help="同时处理的进程数。默认：CPU 核数。")
def command(inputs, agency, year, output, roster, provenance, force, jobs):
    from ..reporters.provenance import provenance_files, write_provenance
    from ..reporters.sheets import backups
    from ..workflows.aggregate import aggregate
    from ..workflows.batch import expand_reports
    from ..writers.scaffold import default_input_path, write_input

    if provenance and provenance.suffix.lower() not in (".xlsx", ".csv"):
        raise click.UsageError("--provenance 的文件名应以 .xlsx 或 .csv 结尾")
    entries = expand_reports(inputs, inputs=True)
    with library_errors():
        if provenance:  # before the run: an annotated table there refuses it at once
            backups(provenance_files(provenance), force=force)
        made = with_progress(len(entries), lambda progress: aggregate(
            entries, agency, year, roster=roster, jobs=jobs, progress=progress), "汇总")
        target, backup = write_input(made.text, output or default_input_path(made.report.agency, year), force=force)
        tables = write_provenance(made.report.fmt, made.parts, made.report.values, provenance,
                                  force=force) if provenance else []
    click.echo(f"已汇总 {len(made.parts)} 个单位的 {year} 年度报告：{target}")
    echo_backup(backup)
    for path, kept in tables:
        click.echo(f"已写出各单元格的来源：{path}")
        echo_backup(kept)
    click.echo(f"请撰写或核对：{'；'.join(made.to_write)}（标有{TO_WRITE}处），然后运行 reportfill fill {target}")
