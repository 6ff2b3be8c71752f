"""A command line click cannot parse is explained in Chinese, as every other message: the
help's headings, a missing argument, an unknown command or option, a value that is no
number or names a folder where a file is asked for, and Ctrl+C."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from conftest import SEED
from reportfill.cli import COMMANDS, main

ENGLISH = re.compile(r"Usage:|Options:|Commands:|Error:|Try '|Show this message|\[default|\[required|x>=|"
                     r"is not a valid|does not exist|Missing|No such|Aborted")


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="reportfill", **kwargs)


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_help_is_chinese_throughout(name):
    done = run(*([name] if name else []), "--help")
    assert done.exit_code == 0
    assert done.output.startswith(f"用法：reportfill {name + ' ' if name else ''}[选项]")
    assert "选项：" in done.output and "显示这份说明" in done.output
    assert not ENGLISH.search(done.output), ENGLISH.search(done.output)


def test_defaults_and_required_options_are_said_in_chinese():
    assert "[默认：outputs]" in run("fill", "--help").output
    assert re.search(r"--agency TEXT .*\[必须给出\]", run("aggregate", "--help").output)


@pytest.mark.parametrize(("args", "message"), [
    (["new"], "错误：缺少参数 AGENCY"),
    (["new", "温县教育局", "二〇二四"], "错误：YEAR：“二〇二四”不是整数，请用半角阿拉伯数字，例如 2024"),
    (["aggregate", "x"], "错误：缺少选项 --agency"),
    (["fil", "x"], "错误：没有 fil 这个命令"),
    (["fill", SEED, "--bogus"], "错误：没有 --bogus 这个选项；是不是要用 --jobs？"),
    (["check", SEED, "-j", "0"], "错误：-j / --jobs：0 太小，至少是 1"),
    (["serve", "/不存在的文件夹"], "错误：FOLDER：找不到 /不存在的文件夹，请检查路径和文件名"),
    (["fill", SEED, "--out-dir"], "错误：选项 --out-dir 后面要写一个值"),
    (["check", "--json=yes", SEED], "错误：选项 --json 是开关，后面不写值"),
    (["new", "温县教育局", "2024", "多余"], "错误：多出了参数：多余；带空格的文件名请加引号"),
    (["fill", SEED, "--previous", SEED.parent], f"错误：--previous：{SEED.parent} 是一个文件夹，这里要的是文件"),
    (["serve", SEED], f"错误：FOLDER：{SEED} 是一个文件，这里要的是文件夹"),
    (["check", SEED, "--previous", SEED.parent], f"错误：--previous 要的是上一年度的一份报告，{SEED.parent} 是文件夹："
                                                 f"要让每份报告对照本机关上一年度的报告，请用 --previous-dir {SEED.parent}"),
])
def test_a_command_line_that_cannot_be_parsed_is_explained(args, message):
    done = run(*args)
    assert done.exit_code == 2
    assert message in done.stderr.splitlines()
    assert not ENGLISH.search(done.stderr), done.stderr
    if "后面" not in message:  # click's parser says which option, not of which command
        assert "查看说明。" in done.stderr


def test_the_usage_line_and_the_help_hint_frame_the_message():
    assert run("new").stderr == ("用法：reportfill new [选项] AGENCY YEAR\n错误：缺少参数 AGENCY\n"
                                 "运行 reportfill new --help 查看说明。\n")


def test_ctrl_c_says_it_was_interrupted(monkeypatch):
    import reportfill.workflows.batch as batch

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "check_many", interrupted)
    done = run("check", SEED)
    assert done.exit_code == 130 and done.stderr.strip() == "已中断。"


def test_reportfill_alone_shows_the_help():
    done = run()
    assert done.output.startswith("用法：reportfill [选项] 命令 [参数]...") and "命令：" in done.output
    assert "错误" not in done.output and not ENGLISH.search(done.output)
