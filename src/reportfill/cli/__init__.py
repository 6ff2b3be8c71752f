"""The ``reportfill`` command line: each command parses its arguments, calls the library
and presents what it returns. One module per command; a command's module is imported
only when the command runs (or ``--help`` lists it), and the library only inside it.

Exit codes: 0 ok, 1 a report breaks a rule, 2 bad input or a file that cannot be read.
"""

from __future__ import annotations

import importlib
import logging

import click

from .usage import Group

# Command name -> the module of this package that defines ``command``, in help order.
COMMANDS = {
    "new": "new",
    "fill": "fill",
    "template": "template",
    "check": "check",
    "extract": "extract",
    "aggregate": "aggregate",
    "preview": "preview",
    "serve": "serve",
}


class _Commands(Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMANDS.get(name)
        return importlib.import_module(f"{__name__}.{module}").command if module else None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="reportfill", help="显示版本号", message="%(prog)s %(version)s")
def main():
    """生成与核对政府信息公开工作年度报告（DOCX）。"""
    # pdfminer logs in English what it works around in a damaged PDF ("MediaBox missing");
    # what reportfill cannot read it says itself.
    logging.getLogger("pdfminer").addHandler(logging.NullHandler())
