"""Every mistake in an input gets one clear Chinese message, exit code 2, and nothing written."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from conftest import SEED
from reportfill.cli import main

SEED_TEXT = SEED.read_text(encoding="utf-8")
ZEROS = "[0, 0, 0, 0, 0, 0]"


def edit(old: str, new: str) -> str:
    assert old in SEED_TEXT, old
    return SEED_TEXT.replace(old, new, 1)


CASES = {
    "toml syntax error": (edit('agency = "温县教育局"', 'agency = "温县教育局'), ["第3行", "列"]),
    "duplicated key": (edit("year = 2021", "year = 2021\nyear = 2022"), ["第5行", "重复"]),
    "missing key": (edit('agency = "温县教育局"', ""), ["agency", "缺少"]),
    "missing table": (SEED_TEXT[: SEED_TEXT.index("# 四、政府信息公开行政复议")] + SEED_TEXT[SEED_TEXT.index("# 五、"):],
                      ["appeals", "缺少"]),
    "missing row": (edit("disclosed        = " + ZEROS, ""), ["applications.disclosed", "（一）予以公开", "写 0"]),
    "unknown key with suggestion": (edit("received         =", "recieved         ="),
                                    ["applications.recieved", "received"]),
    "string where a number is due": (edit("licenses            = 9", 'licenses            = "9"'),
                                     ["proactive.licenses", "不要加引号"]),
    "boolean where a number is due": (edit("penalties           = 0", "penalties           = true"),
                                      ["proactive.penalties", "true/false"]),
    "float where an integer is due": (edit("licenses            = 9", "licenses            = 9.0"),
                                      ["proactive.licenses", "整数"]),
    "too few numbers": (edit("disclosed        = " + ZEROS, "disclosed        = [0, 0, 0, 0, 0]"),
                        ["applications.disclosed", "应有 6 个数", "现在有 5 个"]),
    "too many numbers": (edit("disclosed        = " + ZEROS, "disclosed        = [0, 0, 0, 0, 0, 0, 0, 0]"),
                         ["applications.disclosed", "现在有 8 个"]),
    "negative count": (edit("received         = " + ZEROS, "received         = [0, -1, 0, 0, 0, 0]"),
                       ["applications.received", "第2个数（商业企业）", "负数"]),
    "negative fee": (edit("fees                = 28.1632", "fees = -1.5"), ["proactive.fees", "负数"]),
    "infinite fee": (edit("fees                = 28.1632", "fees = inf"), ["proactive.fees", "inf"]),
    "nan fee": (edit("fees                = 28.1632", "fees = nan"), ["proactive.fees", "nan"]),
    "year before 2021": (edit("year = 2021", "year = 2020"), ["2019", "reportfill check", "不能生成"]),
    "year in the future": (edit("year = 2021", "year = 2999"), ["2999", "还没有到来"]),
    "stated total wrong": (edit("received         = " + ZEROS, "received         = [1, 0, 0, 0, 0, 0, 2]"),
                           ["一、本年新收政府信息公开申请数量 · 总计", "各分项合计为 1", "输入中写的是 2", "第7个数"]),
    "stated appeal total wrong": (edit("reconsideration               = [0, 0, 0, 0]",
                                       "reconsideration               = [1, 0, 0, 0, 3]"),
                                  ["行政复议 · 总计", "各分项合计为 1", "输入中写的是 3"]),
    "R1 broken in a column": (edit("received         = " + ZEROS, "received         = [4, 0, 0, 0, 0, 0]"),
                              ["表三 自然人", "一、本年新收政府信息公开申请数量 4", "= 4", "（七）总计 0", "= 0", "两边应相等"]),
    "prose section empty": (edit('text = "无其他需要报告的事项。"', ""), ["other", "既没有 text 也没有 items"]),
    "item with empty title": (edit('title = "存在问题"', 'title = ""'), ["problems.items[0].title", "不能为空"]),
    "control character": (edit('text = "无其他需要报告的事项。"', 'text = "无其他\\u0007需要报告"'),
                          ["other.text", "第1行第4个字符", "U+0007"]),
    "very long text": (edit('text = "无其他需要报告的事项。"', 'text = "' + "很" * 200_001 + '"'),
                       ["other.text", "过长"]),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_clearly_and_nothing_is_written(case, write_input, tmp_path):
    text, expected = CASES[case]
    source = write_input(text)
    out_dir = tmp_path / "out"
    result = CliRunner().invoke(main, ["fill", str(source), "--out-dir", str(out_dir)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for part in expected:
        assert part in result.stderr, (part, result.stderr)
    assert str(source) in result.stderr
    assert not out_dir.exists() or not any(out_dir.iterdir())


@pytest.mark.parametrize("case, payload, expected", [
    ("not utf-8", SEED_TEXT.encode("gbk"), ["UTF-8", "GBK"]),
    ("empty file", b"", ["空的"]),
    ("only blank lines", b"\n \n", ["空的"]),
])
def test_unreadable_files_are_refused(case, payload, expected, tmp_path):
    source = tmp_path / "bad.toml"
    source.write_bytes(payload)
    result = CliRunner().invoke(main, ["fill", str(source), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert all(part in result.stderr for part in expected), result.stderr
    assert not (tmp_path / "out").exists()


def test_a_byte_order_mark_is_fine(tmp_path):
    source = tmp_path / "bom.toml"
    source.write_bytes(b"\xef\xbb\xbf" + SEED_TEXT.encode("utf-8"))
    result = CliRunner().invoke(main, ["fill", str(source), "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("where", ["missing", "directory"])
def test_missing_path_or_directory_as_input(where, tmp_path):
    target = tmp_path / "nothing.toml"
    if where == "directory":
        target.mkdir()
    result = CliRunner().invoke(main, ["fill", str(target), "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 2
    assert ("不存在" if where == "missing" else "文件夹") in result.stderr
    assert not (tmp_path / "r.docx").exists()


def test_all_problems_are_reported_in_one_pass(write_input):
    text = edit("licenses            = 9", 'licenses            = "9"').replace("penalties           = 0", "penalties = -2")
    result = CliRunner().invoke(main, ["fill", str(write_input(text))])
    assert result.exit_code == 2
    assert "proactive.licenses" in result.stderr and "proactive.penalties" in result.stderr


def test_a_tab_becomes_a_word_tab(write_input, tmp_path):
    import docx

    out = tmp_path / "tab.docx"
    source = write_input(edit('text = "无其他需要报告的事项。"', 'text = "甲\\t乙"'))
    assert CliRunner().invoke(main, ["fill", str(source), "-o", str(out)]).exit_code == 0
    last = docx.Document(str(out)).paragraphs[-1]
    assert last.text == "甲\t乙"
    assert "<w:tab/>" in last._p.xml


def test_long_text_within_the_limit_fills(write_input, tmp_path):
    out = tmp_path / "long.docx"
    source = write_input(edit('text = "无其他需要报告的事项。"', 'text = "' + "长" * 100_000 + '"'))
    assert CliRunner().invoke(main, ["fill", str(source), "-o", str(out)]).exit_code == 0
    assert out.stat().st_size > 0


# ---------------------------------------------------------------- output problems


def test_a_missing_output_folder_is_created(tmp_path):
    out = tmp_path / "a" / "b" / "r.docx"
    assert CliRunner().invoke(main, ["fill", str(SEED), "-o", str(out)]).exit_code == 0
    assert out.is_file()


def test_an_output_that_is_a_folder_is_refused(tmp_path):
    result = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "文件夹" in result.stderr


def test_an_unwritable_output_folder_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() == 0:  # root writes anywhere: make the folder refuse the way the OS would
        import tempfile

        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    else:
        folder.chmod(0o500)
    result = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(folder / "r.docx")])
    folder.chmod(0o700)
    assert result.exit_code == 2
    assert "不可写" in result.stderr
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, OSError(28, "No space left on device")])
def test_an_interrupted_write_leaves_the_old_file_and_no_partial_one(interruption, tmp_path, monkeypatch):
    from reportfill import files as docx_write

    out = tmp_path / "r.docx"
    out.write_bytes(b"previous report")

    def fail(fd):
        raise interruption

    monkeypatch.setattr(docx_write.os, "fsync", fail)
    result = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(out)])
    assert result.exit_code != 0
    assert out.read_bytes() == b"previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.docx"]


def test_a_failed_fill_never_touches_an_existing_output(write_input, tmp_path):
    out = tmp_path / "r.docx"
    out.write_bytes(b"previous report")
    source = write_input(edit("licenses            = 9", "licenses            = -9"))
    assert CliRunner().invoke(main, ["fill", str(source), "-o", str(out)]).exit_code == 2
    assert out.read_bytes() == b"previous report"
