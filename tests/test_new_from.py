"""``new AGENCY YEAR --from LAST``: this year's input started from last year's report --
the carried-over numbers filled in, last year's sub-headings kept, last year's text as
comments -- and refused for another agency's or another year's report."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import tomlkit
from click.testing import CliRunner

from docx_fixtures import build_report, reconciling_values
from reportfill.cli import main
from reportfill.format.formats import APPLICANTS, FORMAT_2021
from reportfill.readers.toml_input import load_input
from reportfill.writers.scaffold import EARLIER

DATA = Path(__file__).parent / "data"
LAST_TOML = DATA / "heyang-hrss-2022.toml"
AGENCY = "河阳县人力资源和社会保障局"


@pytest.fixture(scope="module")
def last_docx(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("last") / "2022.docx"
    assert CliRunner().invoke(main, ["fill", str(LAST_TOML), "-o", str(out)]).exit_code == 0
    return out


def new_from(tmp_path, last, agency=AGENCY, year=2023, *more):
    out = tmp_path / f"new-{year}.toml"
    return CliRunner().invoke(main, ["new", agency, str(year), "--from", str(last), "-o", str(out), *more]), out


def carried(last) -> list[int]:
    report = load_input(last)
    return [report.values[("applications", "to_next_year", c)] for c in APPLICANTS]


@pytest.mark.parametrize("kind", ["toml", "docx"])
def test_the_new_input_carries_last_years_structure(kind, last_docx, tmp_path):
    last = LAST_TOML if kind == "toml" else last_docx
    done, out = new_from(tmp_path, last)
    assert done.exit_code == 0, done.output
    text = out.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["agency"] == AGENCY and data["year"] == 2023
    assert data["applications"]["from_last_year"] == carried(LAST_TOML) == [1, 0, 0, 0, 0, 0]
    line = next(line for line in text.splitlines() if line.startswith("from_last_year"))
    assert line.endswith(f"来自2022年度报告（{last.name}）的“四、结转下年度继续办理”")
    base = next(line for line in text.splitlines() if line.startswith("normative_documents"))
    assert "上年现行有效件数 11；现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数" in base
    assert data["proactive"]["normative_documents"] == [0, 0, 0]

    previous = load_input(LAST_TOML)
    for key in ("overview", "problems"):
        assert [i["title"] for i in data[key]["items"]] == [i.title for i in previous.prose[key].items]
        assert all(not i["text"].strip() for i in data[key]["items"])
    for paragraph in [*previous.prose["overview"].paragraphs, *previous.prose["problems"].items[1].paragraphs,
                      *previous.prose["other"].paragraphs]:
        assert f"#   {paragraph}\n" in text
    item = text[text.index('title = "依申请公开情况"'):]
    assert item.index(EARLIER) < item.index("全年共收到政府信息公开申请6件") < item.index("text = ")

    numbers = [v for key in ("proactive", "applications", "appeals") for v in _numbers(data[key])]
    assert numbers and set(numbers) == {0}  # every other number


def _numbers(node):
    for key, value in node.items():
        if isinstance(value, dict):
            yield from _numbers(value)
        elif key != "from_last_year":
            yield from (value if isinstance(value, list) else [value])


def write_this_year(path: Path, in_force: int) -> None:
    """What the clerk does next: write new text under every heading, and numbers that
    reconcile (the carried-over applications all disclosed)."""
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    for key in ("overview", "problems", "other"):
        section = doc[key]
        if "text" in section:
            section["text"] = f"{key}：本年度新写的一段。"
        for n, item in enumerate(section.get("items", [])):
            item["text"] = f"本年度第{n + 1}项工作的新情况。"
    doc["other"]["text"] = "本年度未收取信息处理费。"
    doc["applications"]["disclosed"] = list(doc["applications"]["from_last_year"])
    doc["proactive"]["normative_documents"] = [0, 0, in_force]
    path.write_text(tomlkit.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize("kind", ["toml", "docx"])
def test_once_filled_in_it_passes_r6_against_last_year(kind, last_docx, tmp_path):
    last = LAST_TOML if kind == "toml" else last_docx
    _, out = new_from(tmp_path, last)
    write_this_year(out, in_force=11)
    runner = CliRunner()
    docx = tmp_path / "2023.docx"
    filled = runner.invoke(main, ["fill", str(out), "-o", str(docx), "--previous", str(last)])
    assert filled.exit_code == 0, filled.output
    checked = runner.invoke(main, ["check", str(docx), "--previous", str(last), "--json"])
    assert checked.exit_code == 0, checked.output
    result = json.loads(checked.output)
    assert result["findings"] == [] and result["reuse"]["rate"] == 0.0

    write_this_year(out, in_force=12)  # R7 is a warning: documents also lapse without 废止
    assert runner.invoke(main, ["fill", str(out), "-o", str(docx)]).exit_code == 0
    checked = json.loads(runner.invoke(main, ["check", str(docx), "--previous", str(last), "--json"]).output)
    assert [(f["rule"], f["severity"]) for f in checked["findings"]] == [("R7", "warning")]


def test_from_a_report_laid_out_by_someone_else(tmp_path):
    values = reconciling_values(FORMAT_2021, seed=11)
    last = tmp_path / "2022.docx"
    last.write_bytes(build_report(FORMAT_2021, values, 2022, title="某某局2022年政府信息公开工作年度报告"))
    done, out = new_from(tmp_path, last, agency="某某局")
    assert done.exit_code == 0, done.output
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert data["applications"]["from_last_year"] == [values[("applications", "to_next_year", c)] for c in APPLICANTS]
    assert [i["title"] for i in data["problems"]["items"]] == ["存在问题", "改进情况"]


@pytest.mark.parametrize("agency", ["河阳县 人力资源和社会保障局", "河阳县人力资源和社会保障局\u3000"])
def test_the_agency_name_written_differently_is_the_same_agency(agency, tmp_path):
    done, _ = new_from(tmp_path, LAST_TOML, agency=agency)
    assert done.exit_code == 0, done.output


def test_another_agencys_report_is_refused(tmp_path):
    done, out = new_from(tmp_path, LAST_TOML, agency="河阳县教育局")
    assert done.exit_code == 2 and not out.exists()
    assert f"这是“{AGENCY}”的报告，新建的是“河阳县教育局”的输入" in done.stderr
    gap, _ = new_from(tmp_path, LAST_TOML, "河阳县教育局", 2023, "--gap-year")
    assert gap.exit_code == 2  # --gap-year is for a gap year, never for another agency


def test_another_years_report_is_refused_unless_a_gap_year(tmp_path):
    done, out = new_from(tmp_path, LAST_TOML, AGENCY, 2024)
    assert done.exit_code == 2 and not out.exists()
    assert ("这是 2022 年度的报告，新建的是 2024 年度的输入：应以 2023 年度的报告为基础；"
            "如果 2023 年度确实没有报告，也可以以 2022 年度的报告为基础：请加 --gap-year") in done.stderr
    for flag in ("--gap-year", "--force"):  # --force overrides the year check too, as well as a file there
        gap, out = new_from(tmp_path, LAST_TOML, AGENCY, 2024, flag)
        assert gap.exit_code == 0 and tomllib.loads(out.read_text(encoding="utf-8"))["year"] == 2024, flag
        out.unlink()
        for year in (2022, 2021):  # but a report of the same year or a later one is no last year's
            same, _ = new_from(tmp_path, LAST_TOML, AGENCY, year, flag)
            assert same.exit_code == 2, (flag, year)
    forced, _ = new_from(tmp_path, LAST_TOML, "河阳县教育局", 2023, "--force")
    assert forced.exit_code == 2  # nor does it take another agency's


def test_a_gap_year_never_overwrites_and_force_keeps_the_old_input(tmp_path):
    """--gap-year accepts an older report and never overwrites; --force replaces an
    existing input -- keeping it as name.bak.toml, as fill --force keeps a DOCX."""
    out = tmp_path / "new-2024.toml"
    out.write_text("# 已经写了一半的输入\n", encoding="utf-8")
    gap, _ = new_from(tmp_path, LAST_TOML, AGENCY, 2024, "--gap-year")
    assert gap.exit_code == 2 and "文件已存在" in gap.stderr
    assert out.read_text(encoding="utf-8") == "# 已经写了一半的输入\n"
    both, _ = new_from(tmp_path, LAST_TOML, AGENCY, 2024, "--gap-year", "--force")
    backup = tmp_path / "new-2024.bak.toml"
    assert both.exit_code == 0 and f"原文件已保留为：{backup}" in both.stdout
    assert backup.read_text(encoding="utf-8") == "# 已经写了一半的输入\n"
    assert tomllib.loads(out.read_text(encoding="utf-8"))["year"] == 2024
    again, _ = new_from(tmp_path, LAST_TOML, AGENCY, 2024, "--gap-year", "--force")
    assert again.exit_code == 0 and (tmp_path / "new-2024.bak-2.toml").exists()
    assert CliRunner().invoke(main, ["new", AGENCY, "2024", "--gap-year"]).exit_code == 2  # only with --from


def test_a_report_that_does_not_name_its_agency_is_taken_with_a_warning(tmp_path):
    last = tmp_path / "2022.docx"
    last.write_bytes(build_report(FORMAT_2021, reconciling_values(FORMAT_2021, seed=12), 2022,
                                  title="2022年政府信息公开工作年度报告"))
    done, out = new_from(tmp_path, last, agency="某某局")
    assert done.exit_code == 0 and out.exists()
    assert "提示：上一年度的报告中找不到机关名称" in done.stderr


def test_an_unreadable_last_year_is_exit_2(tmp_path):
    missing = tmp_path / "none.docx"
    done, out = new_from(tmp_path, missing)
    assert done.exit_code == 2 and "上一年度的报告无法读取" in done.stderr and not out.exists()
