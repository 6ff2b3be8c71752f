"""What the commands share: library errors turned into click's exceptions with the exit
code they stand for, and a progress bar for long runs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click


class Failed(click.ClickException):
    """A run that cannot go on: every problem on its own line, in Chinese, on stderr."""

    def __init__(self, lines, exit_code: int):
        super().__init__("\n".join(lines))
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


@contextmanager
def library_errors(source=None) -> Iterator[None]:
    """A bad input or unreadable file exits 2; a report whose numbers break a rule, 1,
    each of its findings said as an error or a warning, with the rule and the file
    (``source``) it is about."""
    from ..errors import ReportfillError, ReportRejected

    try:
        yield
    except ReportfillError as exc:
        raise Failed([f"错误：{p}" for p in exc.problems], 2) from None
    except ReportRejected as exc:
        where = f"{source}：" if source else ""
        raise Failed([f"{'错误' if f.severity == 'error' else '提示'}（{f.rule}）：{where}{f.message}"
                      for f in exc.findings], 1) from None


def echo_backup(backup, *, err: bool = False) -> None:
    """Say where ``--force`` kept the file it replaced, if it replaced one."""
    if backup is not None:
        click.echo(f"原文件已保留为：{backup}", err=err)


def with_progress(count: int, run, label: str):
    """``run(progress)``, with a progress bar on stderr when it is a terminal; output
    that goes to a file or a pipe gets no bar."""
    if count > 1 and sys.stderr.isatty():
        with click.progressbar(length=count, label=label, file=sys.stderr) as bar:
            return run(lambda _: bar.update(1))
    return run(None)
