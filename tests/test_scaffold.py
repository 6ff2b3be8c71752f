"""``reportfill new``: a complete input, labelled from the format, that loads once written."""

from __future__ import annotations

import datetime

import pytest
from click.testing import CliRunner

from reportfill.cli import main
from reportfill.errors import ReportfillError
from reportfill.format.formats import FORMAT_2021, fillable_problem
from reportfill.readers.toml_input import load_input
from reportfill.writers.scaffold import scaffold

EMPTY_TEXT = 'text = """\n\n"""'


def written(text: str) -> str:
    """The scaffold with a sentence in every empty text, as a clerk would leave it."""
    parts = text.split(EMPTY_TEXT)
    return "".join(part + (f'text = "第{i}段。"' if i < len(parts) - 1 else "") for i, part in enumerate(parts))


def test_a_written_scaffold_loads_with_every_number_zero(tmp_path):
    source = tmp_path / "new.toml"
    source.write_text(written(scaffold('某市"统计"局', 2023)), encoding="utf-8")
    report = load_input(source)
    assert report.agency == '某市"统计"局' and report.year == 2023
    assert [i.title for i in report.prose["problems"].items] == ["存在问题", "改进情况"]
    expected = {(t.key, p.cell.row, p.cell.col) for t in FORMAT_2021.tables for p in t.slots} - FORMAT_2021.derived
    assert set(report.values) == expected
    assert set(report.values.values()) == {0}


def test_an_unwritten_scaffold_says_what_is_missing(tmp_path):
    source = tmp_path / "new.toml"
    source.write_text(scaffold("某局", 2023), encoding="utf-8")
    with pytest.raises(ReportfillError) as refused:
        load_input(source)
    missing = {p.where.rsplit("，", 1)[-1] for p in refused.value.problems}
    assert missing == {"一、总体情况的正文（overview.text）", "六、其他需要报告的事项的正文（other.text）",
                       "五、存在的主要问题及改进情况 第1个小节的正文（problems.items.text）",
                       "五、存在的主要问题及改进情况 第2个小节的正文（problems.items.text）"}


def test_every_row_is_commented_with_its_official_label():
    text = scaffold("某局", 2023)
    for table in FORMAT_2021.tables:
        for row in table.row_keys:
            if row != "total":
                label = (table.row_labels(row) or (table.cell_name(row, table.row_slots(row)[0].cell.col)[1],))[-1]
                assert label.split(" · ")[0] in text, label
    assert "[applications.withheld] # （三）不予公开" in text


@pytest.mark.parametrize("year", [2020, datetime.date.today().year + 1])
def test_years_that_cannot_be_filled_are_refused(year):
    with pytest.raises(ReportfillError):
        scaffold("某局", year)


def test_new_command_writes_and_never_overwrites_by_accident(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(main, ["new", "温县教育局", "2023"])
    assert first.exit_code == 0, first.output
    target = tmp_path / "inputs" / "温县教育局-2023.toml"
    target.write_text("edited", encoding="utf-8")
    again = runner.invoke(main, ["new", "温县教育局", "2023"])
    assert again.exit_code == 2 and "--force" in again.stderr
    assert target.read_text(encoding="utf-8") == "edited"
    forced = runner.invoke(main, ["new", "温县教育局", "2023", "--force"])
    assert forced.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# 温县教育局2023年")
    kept = target.with_name("温县教育局-2023.bak.toml")  # --force keeps what it replaces, as fill --force does
    assert kept.read_text(encoding="utf-8") == "edited" and f"原文件已保留为：{kept.relative_to(tmp_path)}" in forced.output
    old = runner.invoke(main, ["new", "温县教育局", "2019", "-o", "old.toml"])
    assert old.exit_code == 2 and fillable_problem(2019) in old.stderr  # as the web editor and the reader say it
    assert "国办公开办函〔2019〕60号试行格式" in fillable_problem(2019) and not (tmp_path / "old.toml").exists()
