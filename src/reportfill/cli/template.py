"""``reportfill template``: a copy of the bundled template, to restyle in Word."""

from __future__ import annotations

from pathlib import Path

import click

from .common import echo_backup, library_errors
from .usage import PathValue, command, option


@command("template")
@option("-o", "--output", type=PathValue(dir_okay=False, path_type=Path), default=Path("报告模板.docx"),
              show_default=True, help="模板副本的文件名。")
@option("--force", is_flag=True, help="覆盖已有的文件；原文件保留为 “文件名.bak.docx”。")
def command(output, force):
    """导出 reportfill 的报告模板，在 Word 或 WPS 中修改样式后用 fill --template 填写。

    只修改样式（字体、字号、行距、页边距等），不要删改其中的 {{ }} 和 {%p %} 文字。"""
    from ..format.formats import FILLABLE
    from ..writers.templates import write_copy

    with library_errors():
        target, backup = write_copy(FILLABLE, output, force=force)
    click.echo(f"已导出模板：{target}（修改样式后运行 reportfill fill 输入.toml --template {target}）")
    echo_backup(backup)
