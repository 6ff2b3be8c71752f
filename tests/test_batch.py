"""Batch fill and check: every file gets an answer, one bad file never stops the rest,
outputs never collide, and what a batch writes is what a single fill writes.

Inputs are variants of the seed (bench/variants.py): other agencies, random numbers that
reconcile. No timings here -- speed is the benchmark's business (bench/bench.py)."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, SEED
from reportfill.findings import Finding, Result, exit_code
from reportfill.workflows.batch import expand, expand_reports, fill_many
from reportfill.cli import main
from reportfill.workflows.fill import fill

sys.path.insert(0, str(REPO / "bench"))
from variants import agency, variant, write_variants  # noqa: E402

TITLE = "{}2021年政府信息公开工作年度报告"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def folder(tmp_path) -> Path:
    """Five good inputs and, between them, one that is not valid TOML."""
    inputs = tmp_path / "inputs"
    write_variants(inputs, 5)
    (inputs / "input-0002-broken.toml").write_text('agency = "没有闭合的引号\n', encoding="utf-8")
    (inputs / "notes.txt").write_text("not an input", encoding="utf-8")
    return inputs


def test_a_folder_is_filled_past_a_bad_input(folder, tmp_path):
    out = tmp_path / "out"
    result = run("fill", folder, "--out-dir", out)
    assert result.exit_code == 2, result.output
    lines = result.stdout.splitlines()
    assert sorted(p.name for p in out.iterdir()) == sorted(TITLE.format(agency(i)) + ".docx" for i in range(5))
    # one line per input, in name order; the broken one says why, with its line number
    heads = [line for line in lines if line.startswith(("成功", "失败"))]
    assert [h.split()[1] for h in heads] == [str(p) for p in sorted(folder.glob("*.toml"))]
    broken = lines.index(f"失败  {folder / 'input-0002-broken.toml'}")
    assert "input-0002-broken.toml，第1行" in lines[broken + 1]
    assert f"成功  {folder / 'input-0000.toml'} → {out / (TITLE.format(agency(0)) + '.docx')}" in lines
    assert lines[-1] == "共 6 个：成功 5 个，失败 1 个。"
    assert not list(out.glob(".*"))  # no staged file or staging folder left behind


def test_all_good_exits_0_and_several_files_can_be_named(tmp_path):
    paths = write_variants(tmp_path / "in", 3)
    result = run("fill", *paths, "--out-dir", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "共 3 个：成功 3 个，失败 0 个。"


def tampered_template(tmp_path, cell: str) -> Path:
    """The project's template with a 7 typed after one table cell's placeholder: every
    placeholder is there, so the file passes as a template, but that cell renders a
    number that is not the input's."""
    from reportfill.format.formats import FORMAT_2021
    from reportfill.writers.render import default_template

    template = tmp_path / "tampered.docx"
    placeholder = f"{{{{ cells['{cell}'] }}}}".encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(default_template(FORMAT_2021)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                assert placeholder in data
                data = data.replace(placeholder, placeholder + b"7", 1)
            dst.writestr(info, data)
    template.write_bytes(buffer.getvalue())
    return template


def test_a_template_that_does_not_read_back_fails_every_input_with_exit_2(tmp_path):
    """A template whose cell renders another number than its placeholder's does not read
    back: each input fails naming the template, and the exit is 2 (a bad file), as for a
    file that is no template."""
    template = tampered_template(tmp_path, "proactive:regulations:issued")
    paths = write_variants(tmp_path / "in", 2)
    result = run("fill", *paths, "--out-dir", tmp_path / "out", "--template", template)
    assert result.exit_code == 2, result.output
    assert result.stdout.count("失败  ") == 2
    assert result.stdout.count(f"{template}：用这个模板生成的文件中，数字与输入不符") == 2
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_batch_output_is_byte_identical_to_single_fills(tmp_path):
    paths = write_variants(tmp_path / "in", 6)
    outcomes = fill_many(paths, out_dir=tmp_path / "batch", jobs=2)
    assert [o.status for o in outcomes] == ["ok"] * 6
    for path, outcome in zip(paths, outcomes):
        alone = fill(path, out_dir=tmp_path / "alone").output
        assert outcome.output.name == alone.name
        assert outcome.output.read_bytes() == alone.read_bytes()


def test_the_same_title_twice_fails_the_second_and_keeps_the_first(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.toml").write_text(variant(7), encoding="utf-8")
    (inputs / "b.toml").write_text(variant(8).replace(f'"{agency(8)}"', f'"{agency(7)}"', 1), encoding="utf-8")
    out = tmp_path / "out"
    result = run("fill", inputs, "--out-dir", out)
    assert result.exit_code == 2, result.output
    target = out / (TITLE.format(agency(7)) + ".docx")
    assert f"成功  {inputs / 'a.toml'} → {target}" in result.stdout
    assert f"失败  {inputs / 'b.toml'}" in result.stdout
    assert f"与 {inputs / 'a.toml'} 的标题相同" in result.stdout and "没有覆盖" in result.stdout
    assert [p.name for p in out.iterdir()] == [target.name]
    assert target.read_bytes() == fill(inputs / "a.toml", out_dir=tmp_path / "alone").output.read_bytes()


def test_an_empty_folder_and_a_missing_file_are_reported(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("fill", tmp_path / "empty", tmp_path / "missing.toml", SEED, "--out-dir", tmp_path / "out")
    assert result.exit_code == 2, result.output
    assert "文件夹中没有 .toml 文件" in result.stdout
    assert "文件不存在" in result.stdout
    assert result.stdout.splitlines()[-1] == "共 3 个：成功 1 个，失败 2 个。"


def test_nothing_is_left_when_every_input_fails(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a", "b"):
        (inputs / f"{name}.toml").write_text("year = 2021\n", encoding="utf-8")
    out = tmp_path / "new" / "out"
    result = run("fill", inputs, "--out-dir", out)
    assert result.exit_code == 2, result.output
    assert result.stdout.splitlines()[-1] == "共 2 个：成功 0 个，失败 2 个。"
    assert not out.exists()  # created for the run, removed again: nothing was written


def test_an_output_folder_that_cannot_be_made_is_refused(folder, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file", encoding="utf-8")
    result = run("fill", folder, "--out-dir", blocked / "reports")
    assert result.exit_code == 2
    assert "无法在输出文件夹中写入" in result.stderr and str(blocked / "reports") in result.stderr


def test_output_option_is_refused_for_a_folder(folder, tmp_path):
    result = run("fill", folder, "-o", tmp_path / "x.docx")
    assert result.exit_code == 2
    assert "--out-dir" in result.output


def test_no_progress_bar_when_not_a_terminal(folder, tmp_path):
    result = run("fill", folder, "--out-dir", tmp_path / "out")
    assert result.stderr == ""
    assert "填写" not in result.stdout.splitlines()[0]


def test_progress_bar_on_a_terminal(monkeypatch):
    from reportfill.cli.common import with_progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    seen = []

    def work(progress):
        for i in range(7):
            progress(Result(str(i)))
            seen.append(i)
        return seen

    assert with_progress(7, work, "填写") == list(range(7))
    assert "填写" in terminal.getvalue() and "100%" in terminal.getvalue()


def test_expand_takes_a_folder_in_name_order_and_each_file_once(folder):
    found = expand([folder, folder / "input-0001.toml"], ".toml")
    assert found == sorted(folder.glob("*.toml"))
    (folder / "~$lock.toml").write_text("", encoding="utf-8")
    (folder / ".hidden.toml").write_text("", encoding="utf-8")
    assert expand([folder], ".toml") == found


def test_exit_code_precedence():
    error = Finding("R1", "error", "表三", "", "", "1", "2", "不相等")
    warning = Finding("R8", "warning", "表三", "", "", "1", "2", "不一致")
    ok, rejected, bad = Result("x", [warning]), Result("x", [warning, error]), Result("x", problems=("坏",))
    assert exit_code([ok, ok]) == 0
    assert exit_code([ok, rejected]) == 1
    assert exit_code([rejected, bad, ok]) == 2


# ------------------------------------------------------------------ check

@pytest.fixture
def reports(tmp_path) -> Path:
    """A folder of four filled reports, one with a wrong number, one that is not a
    DOCX, a Word lock file and a text file."""
    from reportfill.readers.toml_input import load_input
    from reportfill.writers.render import render

    folder = tmp_path / "reports"
    fill_many(write_variants(tmp_path / "in", 4), out_dir=folder, jobs=2)
    wrong = load_input(write_variants(tmp_path / "in", 1, start=20)[0])
    (folder / "wrong.docx").write_bytes(render(wrong, tampered_template(tmp_path, "applications:received:natural_person")))
    (folder / "broken.docx").write_bytes(b"this is not a zip file")
    (folder / "~$lock.docx").write_bytes(b"\x00" * 162)
    (folder / "notes.txt").write_text("not a report", encoding="utf-8")
    return folder


def check_files(files):
    """Each file checked on its own, in this process, one after the other."""
    from reportfill.errors import ReportfillError
    from reportfill.workflows.check import check_document

    results = []
    for path in files:
        try:
            results.append(check_document(path))
        except ReportfillError as exc:
            results.append(Result(str(path), problems=tuple(p.message for p in exc.problems)))
    return results


def test_a_folder_is_checked_like_the_files_one_by_one(reports):
    from reportfill.reporters.text import block

    files = sorted(p for p in reports.glob("*.docx") if not p.name.startswith("~$"))
    assert len(files) == 6
    folder = run("check", reports)
    assert folder.exit_code == 2, folder.output  # one file could not be read
    *blocks, count = folder.stdout.rstrip("\n").split("\n\n")
    by_name = {Path(b.splitlines()[0].strip("= ")).name: b for b in blocks}
    assert list(by_name) == sorted(p.name for p in reports.iterdir())  # every entry of the folder, in name order
    for result in check_files(files):
        assert by_name[Path(result.source).name] == block(result)
    assert by_name["~$lock.docx"].splitlines()[1] == "跳过：Word 或 WPS 打开文档时生成的临时锁定文件，不是报告"
    assert by_name["notes.txt"].splitlines()[1] == "跳过：文本文件（.txt），不是报告的文件格式"
    assert count == "共 8 项：核对 6 个文件，通过 4 个，不通过 1 个，无法读取 1 个；跳过 2 项"


def test_batch_check_json_and_exit_code_1_for_a_rejected_report(reports):
    import json

    (reports / "broken.docx").unlink()
    result = run("check", reports, "--json")
    assert result.exit_code == 1, result.output
    items = json.loads(result.stdout)
    assert [Path(i["path"]).name for i in items] == sorted(p.name for p in reports.iterdir())
    checked = [i for i in items if i["status"] != "skipped"]
    assert [Path(i["path"]).name for i in checked] == sorted(p.name for p in reports.glob("*.docx") if p.name[0] != "~")
    assert [i["ok"] for i in checked].count(False) == 1
    assert next(i for i in items if i["path"].endswith("wrong.docx"))["ok"] is False
    assert {Path(i["path"]).name: i["skipped"] for i in items if i["status"] == "skipped"} == {
        "~$lock.docx": "Word 或 WPS 打开文档时生成的临时锁定文件，不是报告",
        "notes.txt": "文本文件（.txt），不是报告的文件格式"}


def test_batch_check_results_equal_sequential_ones(reports):
    from reportfill.workflows.batch import check_many

    files = [p for p in expand_reports([reports]) if isinstance(p, Path)]
    assert check_many(files, jobs=2) == check_files(files)
    assert check_many(files, jobs=1) == check_files(files)


def test_every_run_says_alike_why_a_file_could_not_be_used(tmp_path):
    """fill, check and the reading of last year's folder or an aggregate's parts give a
    failed file the same reasons: the file's own problem without its name (the result
    names the file), any other place -- a line of the input -- in full."""
    from reportfill.workflows.batch import check_many, read_many

    broken, missing, unclosed = tmp_path / "b.docx", tmp_path / "missing.toml", tmp_path / "s.toml"
    broken.write_bytes(b"PK not a zip")
    unclosed.write_text('agency = "温县教育局\nyear = 2021\n', encoding="utf-8")
    filled = fill_many([missing, unclosed], out_dir=tmp_path / "out", jobs=1)
    assert filled[0].problems == ("文件不存在，请检查路径和文件名",)
    [reason] = filled[1].problems
    assert reason.startswith(f"{unclosed}，第1行，机关名称（agency）：")
    [checked], [read] = check_many([broken], jobs=1), read_many([broken], jobs=1)
    assert checked.problems == read.problems and not checked.problems[0].startswith(str(broken))
    assert read_many([unclosed], jobs=1)[0].problems == filled[1].problems


def test_a_kept_input_is_no_input_of_a_folder(tmp_path):
    """new/extract/aggregate --force keep the input they replace as name.bak.toml: a
    folder's fill, last year's folder and an aggregate's parts leave it out, or a report
    would be filled twice under one title, or an agency summed twice."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "a.toml").write_text(variant(1), encoding="utf-8")
    (folder / "a.bak.toml").write_text(variant(1), encoding="utf-8")
    kept = Result(str(folder / "a.bak.toml"), skipped="reportfill 用 --force 替换文件时保留的旧文件（备份），不填写")
    assert expand([folder], ".toml") == [kept, folder / "a.toml"]
    done = run("fill", str(folder), "--out-dir", str(tmp_path / "out"))
    assert done.exit_code == 0 and len(list((tmp_path / "out").glob("*.docx"))) == 1
    assert done.stdout.splitlines()[0] == f"跳过  {folder / 'a.bak.toml'}（{kept.skipped}）"
    assert done.stdout.splitlines()[-1] == "共 2 个：成功 1 个，失败 0 个，跳过 1 个。"
    entries = expand_reports([folder], inputs=True)
    assert entries[0] == Result(str(folder / "a.bak.toml"), skipped="reportfill 用 --force 替换文件时保留的旧文件（备份），不核对")
    assert entries[1:] == [folder / "a.toml"]


def test_a_batch_puts_each_file_in_place_only_after_its_group_is_synced(tmp_path, monkeypatch):
    """Workers stage without fsync; before a group of staged files is renamed into
    place, each of them is synced -- so no report appears under its name before its
    bytes are on disk -- the group's fsyncs issued together."""
    import os

    from reportfill.workflows import batch

    monkeypatch.setattr(batch, "SYNCED_TOGETHER", 2)
    monkeypatch.setattr(batch, "SYNC_WAIT", 3600)  # groups closed by size alone, however slow the fills
    out = tmp_path / "out"
    synced = []  # (the staged file synced, the reports in place at that moment)
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (
        synced.append((os.fstat(fd).st_ino, sorted(p.name for p in out.glob("*.docx")))), real_fsync(fd)))
    results = fill_many([write_variants(tmp_path / "in", 5)[0].parent], out_dir=out, jobs=1)
    names = [r.output.name for r in results]
    assert all(r.ok for r in results) and len(names) == 5
    assert sorted(inode for inode, _ in synced) == sorted(r.output.stat().st_ino for r in results)
    in_place = sorted(tuple(now) for _, now in synced)
    assert in_place == sorted([(), (), tuple(sorted(names[:2])), tuple(sorted(names[:2])), tuple(sorted(names[:4]))])


def test_a_staged_file_that_cannot_be_synced_fails_its_input_only(tmp_path, monkeypatch):
    import errno
    import os

    out = tmp_path / "out"
    paths = write_variants(tmp_path / "in", 3)
    real_fsync = os.fsync

    def fsync(fd):  # the disk fails the second input's file
        second = [p for p in out.glob(".reportfill-*/*.part") if agency(1) in p.name]
        if second and os.fstat(fd).st_ino == second[0].stat().st_ino:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    results = fill_many(paths, out_dir=out, jobs=1)
    assert [r.ok for r in results] == [True, False, True]
    assert f"无法写入（{os.strerror(errno.EIO)}）" in results[1].problems[0]
    assert sorted(p.name for p in out.iterdir()) == sorted(r.output.name for r in (results[0], results[2]))
