"""``reportfill preview``: page images of reports."""

from __future__ import annotations

import click

from .common import library_errors
from .usage import PathValue, command, option


@command("preview")
@click.argument("reports", nargs=-1, required=True, type=PathValue(dir_okay=False, path_type=str))
@option("-o", "--output-dir", "out_dir", type=PathValue(file_okay=False, path_type=str),
              help="图片输出目录（默认：报告旁的 “文件名-pages” 文件夹）。")
def command(reports, out_dir):
    """把报告的每一页导出为 PNG 图片（需要 LibreOffice 和 pdftoppm）。"""
    from ..office import substitution_note
    from ..workflows.preview import preview

    with library_errors():
        written = preview(reports, out_dir)
    for path in written:
        click.echo(str(path))
    note = substitution_note(reports)
    if note:
        click.echo(note, err=True)
