"""reportfill aggregate and check --aggregate-of: the area's report is the cell-by-cell sum
of its parts' reports, refused when a part is wrong; a published 汇总 that is not the sum
is caught cell by cell.

The sums are computed here from the inputs' TOML text with tomllib, not through
reportfill's reader."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import REPO
from docx_fixtures import build_report
from reportfill.cli import main
from reportfill.format.formats import FORMAT_2021
from reportfill.rules.tables import derive
from reportfill.workflows.aggregate import area_of, exact_sum

sys.path.insert(0, str(REPO / "bench"))
from variants import agency, variant  # noqa: E402

TABLES = ("proactive", "applications", "appeals")
FEES = {0: "本年度未收取信息处理费。", 1: "本年度未收取信息处理费。", 2: "本年度收取信息处理费120元。"}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def numbers(data: dict, path=()) -> dict[tuple, list]:
    """Every number row of a parsed input, by its key path, as a list."""
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(numbers(value, path + (key,)))
        else:
            out[path + (key,)] = value if isinstance(value, list) else [value]
    return out


def parsed(path: Path) -> dict[tuple, list]:
    data = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    return numbers({k: data[k] for k in TABLES})


def write_variant(folder: Path, index: int, *, year: int = 2022, fees: str | None = None,
                  other: str | None = None, name: str | None = None) -> Path:
    text = variant(index, year=year)
    if fees is not None:
        text = re.sub(r"^fees(\s*)= [\d.]+", rf"fees\g<1>= {fees}", text, count=1, flags=re.M)
    if other is not None:
        text = text.replace('text = "无其他需要报告的事项。"', f'text = "{other}"')
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"part-{index:02d}.toml")
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def parts(tmp_path) -> Path:
    """Three TOML inputs and two filled reports (DOCX) of five agencies, in one folder."""
    folder = tmp_path / "各单位"
    for i in range(3):
        write_variant(folder, i, other=FEES[i])
    made = tmp_path / "made"
    for i in (3, 4):
        source = write_variant(made, i)
        assert run("fill", source, "-o", folder / f"report-{i}.docx").exit_code == 0
        write_variant(made, i, name=f"again-{i}.toml")  # what the DOCX holds, for the sums
    return folder


def expected_sums(tmp_path: Path) -> dict[tuple, list]:
    sources = [tmp_path / "各单位" / f"part-{i:02d}.toml" for i in range(3)]
    sources += [tmp_path / "made" / f"again-{i}.toml" for i in (3, 4)]
    rows = [parsed(p) for p in sources]
    return {key: [sum(r[key][n] for r in rows) for n in range(len(rows[0][key]))] for key in rows[0]}


def test_tables_are_the_sums_and_fill_accepts_the_aggregate(parts, tmp_path):
    out = tmp_path / "汇总.toml"
    done = run("aggregate", parts, "--agency", "温县人民政府", "--year", 2022, "-o", out)
    assert done.exit_code == 0, done.output
    assert f"已汇总 5 个单位的 2022 年度报告：{out}" in done.output
    got, expected = parsed(out), expected_sums(tmp_path)
    assert got == expected
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert (data["agency"], data["year"]) == ("温县人民政府", 2022)

    overview = data["overview"]["text"]
    received = sum(expected[("applications", "received")])
    assert overview.startswith(f"2022年，全县各级行政机关本年新收政府信息公开申请{received}件，"
                               f"上年结转政府信息公开申请{sum(expected[('applications', 'from_last_year')])}件。")
    assert f"行政复议{sum(expected[('appeals', 'reconsideration')])}件" in overview
    assert "以上数据由全县5个单位报送的2022年度政府信息公开工作年度报告汇总。" in overview
    for i in range(5):  # which reports were summed
        assert f"#   {agency(i)}：" in out.read_text(encoding="utf-8")
    other = data["other"]["text"]
    assert f"{agency(0)}、{agency(1)}：本年度未收取信息处理费。" in other
    assert f"{agency(2)}：本年度收取信息处理费120元。" in other
    assert f"{agency(3)}、{agency(4)}：报告中没有说明信息处理费的收取情况。" in other
    assert all(item["text"].startswith("【请撰写】") for item in data["problems"]["items"])

    report = tmp_path / "汇总.docx"
    refused = run("fill", out, "-o", report)  # the draft still holds what only the office can write
    assert refused.exit_code == 1 and not report.exists()
    assert "“五、存在的主要问题及改进情况”中还有 2 处标有【请撰写】的文字" in refused.output
    out.write_text(out.read_text(encoding="utf-8").replace("【请撰写】", ""), encoding="utf-8")
    filled = run("fill", out, "-o", report)
    assert filled.exit_code == 0, filled.output
    checked = run("check", report, "--aggregate-of", parts)
    assert checked.exit_code == 0, checked.output
    assert "R8" not in checked.output and "A1" not in checked.output
    # the published report among its parts is passed over; a copy of it is no part
    inside = parts / "汇总.docx"
    inside.write_bytes(report.read_bytes())
    assert run("check", inside, "--aggregate-of", parts).exit_code == 0
    (parts / "副本.docx").write_bytes(report.read_bytes())
    copied = run("check", inside, "--aggregate-of", parts)
    assert copied.exit_code == 2 and f"{parts / '副本.docx'}：这是“温县人民政府”自己的报告" in copied.output


def test_fees_are_summed_exactly_with_the_most_decimals(tmp_path):
    folder = tmp_path / "parts"
    for i, fees in enumerate(("28.1", "3", "0.25")):
        write_variant(folder, i, fees=fees)
    out = tmp_path / "a.toml"
    assert run("aggregate", folder, "--agency", "焦作市人民政府", "--year", 2022, "-o", out).exit_code == 0
    assert re.search(r"^fees = 31\.35 ", out.read_text(encoding="utf-8"), re.M)
    assert "全市各级行政机关" in out.read_text(encoding="utf-8")
    assert exact_sum([Decimal("0.1")] * 3) == Decimal("0.3") and exact_sum([1, 2]) == 3
    assert str(exact_sum([Decimal("1.50"), 2])) == "3.50"


def test_provenance_names_each_agencys_contribution(parts, tmp_path):
    out, table = tmp_path / "a.toml", tmp_path / "来源.xlsx"
    done = run("aggregate", parts, "--agency", "温县人民政府", "--year", 2022, "-o", out, "--provenance", table)
    assert done.exit_code == 0 and f"已写出各单元格的来源：{table}" in done.output
    book = openpyxl.load_workbook(table)
    sheet = book["来源"]
    header = [c.value for c in sheet[1]]
    assert header == ["表", "行", "列", "合计", *(agency(i) for i in range(5))]
    assert sheet.freeze_panes == "A2"
    rows = {(r[0], r[1], r[2]): r[3:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    applications = FORMAT_2021.table["applications"]
    expected = expected_sums(tmp_path)
    row, col = applications.cell_name("received", "natural_person")
    total, *each = rows[("表三", row, col)]
    assert total == expected[("applications", "received")][0] and sum(each) == total
    row, col = applications.cell_name("total", "total")  # a total the tool computes is there too
    assert rows[("表三", row, col)][0] == sum(expected[("applications", "received")]) + sum(
        expected[("applications", "from_last_year")]) - sum(expected[("applications", "to_next_year")])
    assert [r[:2] for r in book["单位"].iter_rows(min_row=2, values_only=True)][0] == (agency(0), str(parts / "part-00.toml"))

    csv_table = tmp_path / "来源.csv"
    assert run("aggregate", parts, "--agency", "温县人民政府", "--year", 2022, "-o", tmp_path / "b.toml",
               "--provenance", csv_table).exit_code == 0
    assert csv_table.read_bytes().startswith(b"\xef\xbb\xbf") and (tmp_path / "来源-单位.csv").exists()


def test_roster_errors_are_listed_by_name(tmp_path):
    folder = tmp_path / "parts"
    for i in range(4):
        write_variant(folder, i)
    write_variant(folder, 5, year=2021)  # a report of another year
    duplicate = variant(2, year=2022).replace(f'"{agency(2)}"', f'"{agency(1)}"', 1)
    (folder / "part-dup.toml").write_text(duplicate, encoding="utf-8")
    roster = tmp_path / "名单.txt"
    names = [agency(0), agency(1), "  " + agency(1), agency(2), "温县审计局", "# 注释行", ""]
    roster.write_bytes("\r\n".join(names).encode("gbk"))  # saved by Notepad in GBK
    out = tmp_path / "a.toml"
    done = run("aggregate", folder, "--agency", "温县人民政府", "--year", 2022, "--roster", roster, "-o", out)
    assert done.exit_code == 2 and not out.exists()
    errors = done.output
    assert "2022 年度的汇总没有进行" in errors
    assert f"{folder / 'part-05.toml'}：这是{agency(5)} 2021 年度的报告，汇总的是 2022 年度" in errors
    assert f"“{agency(1)}”有 2 份报告（{folder / 'part-01.toml'}、{folder / 'part-dup.toml'}）" in errors
    assert f"{roster}，第2、3行：名单中“{agency(1)}”出现了 2 次" in errors
    assert f"{roster}，第5行：名单中的“温县审计局”没有 2022 年度的报告" in errors
    assert f"{folder / 'part-03.toml'}：“{agency(3)}”不在名单 {roster} 中" in errors


def test_a_part_that_does_not_reconcile_refuses_the_aggregate(tmp_path):
    folder = tmp_path / "parts"
    write_variant(folder, 0)
    values = derive(FORMAT_2021, {k: 1 for k in (("applications", r, c) for r in FORMAT_2021.table["applications"].row_keys
                                                  for c in ("natural_person", "commercial", "research",
                                                            "public_interest", "legal_services", "other"))
                                  if k[1] != "total"} | {("proactive", p.cell.row, p.cell.col): 0
                                                         for p in FORMAT_2021.table["proactive"].slots}
                    | {("appeals", p.cell.row, p.cell.col): 0 for p in FORMAT_2021.table["appeals"].slots
                       if p.cell.col != "total"})
    bad = folder / "bad.docx"
    bad.write_bytes(build_report(FORMAT_2021, values, 2022, title="温县财政局2022年政府信息公开工作年度报告"))
    broken = variant(3, year=2022).replace("[applications]", "[applications]\n", 1)
    broken = re.sub(r"^(disclosed\s*=\s*\[)(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + 1}", broken, count=1,
                    flags=re.M)
    (folder / "broken.toml").write_text(broken, encoding="utf-8")
    out = tmp_path / "a.toml"
    done = run("aggregate", folder, "--agency", "温县人民政府", "--year", 2022, "-o", out)
    assert done.exit_code == 2 and not out.exists()
    assert re.search(rf"{re.escape(str(bad))}：R1 表三 自然人：", done.output)
    assert f"{folder / 'broken.toml'}：输入不能使用：表三 自然人：一、本年新收政府信息公开申请数量" in done.output
    assert "汇总有问题的报告会把问题带进汇总报告" in done.output


def published_with(tmp_path, parts: int, key: tuple[str, str, str], by: int) -> tuple[Path, Path, int]:
    """The folder of ``parts`` inputs, and their 汇总 report as published with the cell
    ``key`` typed ``by`` more than the sum; returns the folder, the report and the sum."""
    folder = tmp_path / "parts"
    for i in range(parts):
        write_variant(folder, i)
    out = tmp_path / "sum.toml"
    assert run("aggregate", folder, "--agency", "温县人民政府", "--year", 2022, "-o", out).exit_code == 0
    data = tomllib.loads(out.read_text(encoding="utf-8"), parse_float=Decimal)
    values = {}
    for table in FORMAT_2021.tables:
        for row in table.row_keys:
            node = data[table.key]
            for part in row.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                continue  # a row of totals only
            given = [p.cell.col for p in table.row_slots(row) if (table.key, row, p.cell.col) not in FORMAT_2021.derived]
            values.update({(table.key, row, col): v for col, v in zip(given, node if isinstance(node, list) else [node])})
    values = derive(FORMAT_2021, values)
    report = tmp_path / "温县2022年报.docx"
    report.write_bytes(build_report(FORMAT_2021, values, 2022, title="温县人民政府2022年政府信息公开工作年度报告",
                                    texts={key: str(values[key] + by)}))
    return folder, report, values[key]


def test_aggregate_of_finds_a_single_changed_cell(tmp_path):
    key = ("proactive", "licenses", "decisions")
    folder, report, summed = published_with(tmp_path, 3, key, 7)
    done = run("check", report, "--aggregate-of", folder, "--json")
    assert done.exit_code == 1
    findings = json.loads(done.stdout)["findings"]
    [a1] = [f for f in findings if f["rule"] == "A1"]
    assert (a1["table"], a1["row"], a1["cell"]) == ("表二", "行政许可", list(key))
    assert (a1["expected"], a1["actual"]) == (str(summed), str(summed + 7))
    assert f"表二 行政许可 · 本年处理决定数量：汇总报告中为 {summed + 7}，3 个单位的报告之和为 {summed}" in a1["message"]
    assert [f["rule"] for f in findings if f["severity"] == "error"] == ["A1"]


def test_aggregate_of_names_a_changed_count_among_the_totals_it_breaks(tmp_path):
    key = ("applications", "disclosed", "research")
    folder, report, summed = published_with(tmp_path, 2, key, 1)
    done = run("check", report, "--aggregate-of", folder)
    assert done.exit_code == 1
    a1 = [line for line in done.output.splitlines() if "】A1 " in line]
    row, col = FORMAT_2021.table["applications"].cell_name(*key[1:])
    assert a1 == [f"  【错误】A1 表三 {row} · {col}：汇总报告中为 {summed + 1}，2 个单位的报告之和为 {summed}："
                  "请核对汇总表的这个单元格，或各单位报告中的数字（reportfill aggregate … --provenance 可列出各单位的数字）"]
    assert "【错误】R3" in done.output  # the report's own totals no longer add up either


def test_aggregate_of_takes_one_report(tmp_path):
    folder = tmp_path / "parts"
    write_variant(folder, 0)
    done = run("check", folder, folder, "--aggregate-of", folder)
    assert done.exit_code == 2 and "--aggregate-of" in done.output


@pytest.mark.parametrize("name, area", [
    ("温县人民政府", "全县"), ("焦作市人民政府办公室", "全市"), ("焦作市山阳区人民政府", "全区"),
    ("延边朝鲜族自治州人民政府", "全州"), ("河南省人民政府办公厅", "全省"), ("赵堡镇人民政府", "全镇"),
    ("长白朝鲜族自治县", "全县"), ("新疆维吾尔自治区人民政府", "全区"), ("某某 旗 政府", "全旗"), ("政务公开办", "本地区"),
])
def test_the_area_is_named_from_the_agency(name, area):
    assert area_of(name) == area


def test_an_edited_provenance_table_refuses_the_aggregate_before_anything_is_written(parts, tmp_path):
    out, table = tmp_path / "a.toml", tmp_path / "来源.xlsx"
    args = ("aggregate", parts, "--agency", "温县人民政府", "--year", 2022, "-o", out, "--provenance", table)
    assert run(*args).exit_code == 0
    assert run(*args, "--force").exit_code == 0
    assert not (tmp_path / "来源.bak.xlsx").exists()  # the table as written is replaced without a copy
    book = openpyxl.load_workbook(table)
    book["来源"]["A2"] = "核对过"
    book.save(table)
    out.unlink()
    refused = run(*args)
    assert refused.exit_code == 2 and "这个表格文件在 reportfill 写出之后被修改或另存过" in refused.output
    assert not out.exists()  # no TOML without its table
    done = run(*args, "--force")
    assert done.exit_code == 0 and f"原文件已保留为：{tmp_path / '来源.bak.xlsx'}" in done.output
    assert openpyxl.load_workbook(tmp_path / "来源.bak.xlsx")["来源"]["A2"].value == "核对过"
