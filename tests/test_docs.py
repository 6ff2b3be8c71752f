"""The README is what a newcomer follows, so it is held to the code: every command and
option is in it, every ``reportfill`` line in it is a command the tool accepts, the
step-by-step walkthrough runs as written, the rule table is the rule catalogue, and the
input contract it links to is the fixed one."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from conftest import REPO, SHARED
from reportfill.cli import COMMANDS, main
from reportfill.rules.catalogue import CATALOGUE, as_markdown

README = (REPO / "README.md").read_text(encoding="utf-8")


def commands() -> dict[str, click.Command]:
    context = click.Context(main)
    return {name: main.get_command(context, name) for name in COMMANDS}


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(what precedes the block, its body) for every fenced block."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"([^\n]*)\n```[a-z]*\n(.*?)\n```", text, re.S)]


def reportfill_lines(body: str) -> list[list[str]]:
    """The ``reportfill …`` commands of a shell block, continuation lines joined and
    comments dropped, as argument lists."""
    joined = re.sub(r"\\\n\s*", " ", body)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line.startswith("reportfill"):
            found.append(shlex.split(line, comments=True)[1:])
    return found


def test_every_command_and_option_is_in_the_readme():
    for name, command in commands().items():
        assert f"reportfill {name}" in README, name
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                longest = max(param.opts, key=len)
                assert longest in README, f"{name} {longest}"


def test_every_reportfill_line_in_the_readme_is_a_command_the_tool_takes():
    lines = [args for _, body in code_blocks(README) for args in reportfill_lines(body)]
    assert len(lines) > 20
    runner = CliRunner()
    for args in lines:
        done = runner.invoke(main, [*args, "--help"])
        assert done.exit_code == 0, (args, done.output)


def walkthrough() -> list[list[str]]:
    before, body = next((b, body) for b, body in code_blocks(README) if "walkthrough" in b)
    return reportfill_lines(body)


_TEXTS = iter([
    "2022年，县教育局继续把政务公开作为依法行政的重要抓手，年初制定工作要点，逐月调度落实情况。",
    "全年通过县政府门户网站和“古温教育”公众号公开招生入学、学生资助、教师招聘等信息九百余条。",
    "针对家长关心的课后服务收费和校车安全，组织校长接待日四次，当场答复问题五十余个。",
    "对门户网站教育栏目进行改版，新增政策解读专栏，旧栏目中失效链接全部清理。",
    "部分学校公开信息更新不及时，栏目设置与县里统一要求仍有差距。",
    "明年将建立学校信息公开月报制度，把公开情况纳入学校年度考核。",
    "本年度未收取信息处理费。无其他需要报告的事项。",
])


def edit(path: Path) -> None:
    """What a clerk does between ``new`` and ``fill``: write this year's text."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'text = """\n+"""', lambda _: f'text = """\n{next(_TEXTS)}\n"""', text)
    path.write_text(text, encoding="utf-8")


def test_the_walkthrough_runs_as_written(tmp_path):
    steps = walkthrough()
    # Only the files the first step starts from: a newcomer who ran the walkthrough in the
    # clone has its output in inputs/ too, and `new` rightly refuses to overwrite it.
    for name in [arg for arg in steps[0] if (REPO / arg).is_file()]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, tmp_path / name)
    script = Path(sys.executable).with_name("reportfill")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "reportfill"]
    assert [s[0] for s in steps] == ["new", "fill", "check"]
    for args in steps:
        done = subprocess.run([*command, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        if args[0] == "new":
            edit(tmp_path / "inputs" / "温县教育局-2022.toml")
    assert "结论：通过" in done.stdout


def test_the_rule_table_is_the_catalogue():
    block = README.split("<!-- rules:start -->\n", 1)[1].split("\n<!-- rules:end -->", 1)[0]
    assert block == as_markdown()
    help_text = CliRunner().invoke(main, ["check", "--help"]).output
    for rule in CATALOGUE:
        assert rule.id in help_text and rule.title[:12] in help_text, rule.id


@pytest.mark.skipif(not (SHARED / "INPUT.md").is_file(), reason=f"{SHARED} is not beside the repository")
def test_the_input_contract_in_the_repository_is_the_fixed_one():
    assert (REPO / "docs" / "INPUT.md").read_bytes() == (SHARED / "INPUT.md").read_bytes()


def test_files_and_make_targets_the_readme_names_exist():
    for link in re.findall(r"\]\(([^)#]+)\)", README):
        if not link.startswith("http"):
            assert (REPO / link).exists(), link
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in set(re.findall(r"make (\w+)", README)):
        assert re.search(rf"^{target}:", makefile, re.M), target
