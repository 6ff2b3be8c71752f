"""The ``reportfill`` command: parses arguments, calls the library, prints, sets the exit code.

Exit codes: 0 ok, 1 a report breaks a rule, 2 bad input or a file that cannot be read.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reportfill")
def main():
    """生成与核对政府信息公开工作年度报告（DOCX）。"""


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
            click.echo(str(problem), err=True)
        raise SystemExit(2) from None
    for path in written:
        click.echo(str(path))
