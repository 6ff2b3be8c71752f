"""click's own words, in Chinese: the help's headings, and the messages for a command line
that cannot be parsed (a missing argument, an unknown option, a value that is no number).

The users are clerks, not programmers, and every message of the tool is Chinese; click
writes English. Its translations go through gettext, whose language comes from the
environment (and Windows has none set), so instead the commands are made from the classes
here: they ask click for the same help and parse the same way, and only what click would
print is said here in Chinese. The types check a value themselves, so that the message
says what is wrong with it and how to write it.

What this leans on in click (bounded in pyproject.toml, held by tests/test_usage.py): the
names of its help sections, ``Option.get_help_extra`` (click 8.2), and the English wording
of the two parser messages that carry no structure ("No such command …", "Got unexpected
extra argument(s) …").
"""

from __future__ import annotations

import functools
import os
import sys

import click

USAGE = "用法："
_HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}  # click's section names
INTERRUPTED = 130  # as a shell reports a program stopped with Ctrl+C


class Formatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")


class Context(click.Context):
    formatter_class = Formatter


class Option(click.Option):
    """An option whose help says its default and that it is required in Chinese."""

    def get_help_extra(self, ctx: click.Context):
        return {}  # click's bracket after the help is English; get_help_record writes it

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        extra = click.Option.get_help_extra(self, ctx)
        said = [f"默认：{extra['default']}"] if "default" in extra else []
        if "required" in extra:
            said.append("必须给出")
        names, text = record
        return names, (f"{text}  [{'；'.join(said)}]" if said else text)


class Command(click.Command):
    context_class = Context

    def __init__(self, *args, options_metavar: str | None = "[选项]", **kwargs):
        super().__init__(*args, options_metavar=options_metavar, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示这份说明"
        return option


class Group(Command, click.Group):
    def __init__(self, *args, subcommand_metavar: str | None = "命令 [参数]...", **kwargs):
        super().__init__(*args, subcommand_metavar=subcommand_metavar, **kwargs)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """click's ``main``, with its messages for a command line it cannot parse, and for
        Ctrl+C, in Chinese; exit codes as the tool's (2 for a bad command line)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # a bare "reportfill": the help, as --help gives it
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            click.echo(explained(exc), err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:  # the library's problems (see common.Failed)
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("已中断。", err=True)  # click has ended the line Ctrl+C broke
            sys.exit(INTERRUPTED)
        sys.exit(code if isinstance(code, int) else 0)


command = functools.partial(click.command, cls=Command)
option = functools.partial(click.option, cls=Option)


def explained(exc: click.UsageError) -> str:
    """What was wrong with the command line, the usage line, and where to read more."""
    lines = []
    ctx = exc.ctx
    if ctx is not None:
        lines.append(ctx.get_usage())
    lines.append(f"错误：{_message(exc)}")
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        lines.append(f"运行 {ctx.command_path} --help 查看说明。")
    return "\n".join(lines)


def _message(exc: click.UsageError) -> str:
    if isinstance(exc, click.MissingParameter):
        return f"缺少{'参数' if isinstance(exc.param, click.Argument) else '选项'} {_name(exc.param)}"
    if isinstance(exc, click.NoSuchOption):
        near = f"；是不是要用 {'、'.join(exc.possibilities)}？" if exc.possibilities else ""
        return f"没有 {exc.option_name} 这个选项{near}"
    if isinstance(exc, click.BadOptionUsage):
        if "does not take a value" in exc.message:
            return f"选项 {exc.option_name} 是开关，后面不写值"
        return f"选项 {exc.option_name} 后面要写一个值"
    if isinstance(exc, click.BadParameter):
        where = _name(exc.param) if exc.param is not None else exc.param_hint
        return f"{where}：{exc.message}" if where else exc.message
    prefix, _, rest = exc.message.partition(" (")
    if prefix in ("Got unexpected extra argument", "Got unexpected extra arguments"):
        return f"多出了参数：{rest.rstrip(')')}；带空格的文件名请加引号"
    if exc.message.startswith("No such command "):
        name = exc.message[len("No such command "):].strip(".'\"")
        return f"没有 {name} 这个命令"
    return exc.message  # the tool's own, already Chinese


def _name(param: click.Parameter | None) -> str:
    if param is None:
        return ""
    if isinstance(param, click.Argument):
        return param.human_readable_name
    return " / ".join(param.opts)


class Integer(click.ParamType):
    """A whole number, at least ``low`` and at most ``high`` when given."""

    name = "n"  # the metavar N: click aligns the help by characters, and a Chinese one is two columns

    def __init__(self, low: int | None = None, high: int | None = None, example: int = 2):
        self.low, self.high, self.example = low, high, example

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(f"“{value}”不是整数，请用半角阿拉伯数字，例如 {self.example}", param, ctx)
        if self.low is not None and number < self.low:
            self.fail(f"{number} 太小，至少是 {self.low}", param, ctx)
        if self.high is not None and number > self.high:
            self.fail(f"{number} 太大，至多是 {self.high}", param, ctx)
        return number


class PathValue(click.Path):
    """click's path type, saying in Chinese what the path is when it is not what is asked."""

    def convert(self, value, param, ctx):
        path = os.fspath(value)
        if self.exists and not os.path.exists(path):
            self.fail(f"找不到 {path}，请检查路径和文件名", param, ctx)
        if self.readable and os.path.exists(path) and not os.access(path, os.R_OK):
            self.fail(f"没有读取 {path} 的权限", param, ctx)
        if not self.dir_okay and os.path.isdir(path):
            self.fail(f"{path} 是一个文件夹，这里要的是文件", param, ctx)
        if not self.file_okay and os.path.exists(path) and not os.path.isdir(path):
            self.fail(f"{path} 是一个文件，这里要的是文件夹", param, ctx)
        return super().convert(value, param, ctx)


YEAR = Integer(example=2024)  # which years a format has is the library's to say
JOBS = Integer(1, example=2)
