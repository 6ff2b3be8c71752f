"""check --summary: one row per file with its verdict and key figures, one row per finding;
read back with openpyxl, and through LibreOffice converted to CSV, and as CSV files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from docx_fixtures import build_report, reconciling_values
from reportfill.cli import main
from reportfill.format.formats import FORMAT_2021
from reportfill.office import convert
from reportfill.reporters.summary import KEY_FIGURES, REPORT_COLUMNS, figure_header, summary_xlsx
from reportfill.report import show
from reportfill.workflows.batch import check_many
from test_office import needs_office

VERDICTS = {"ok": "通过", "rejected": "不通过", "bad": "无法读取", "skipped": "跳过"}
CSV_UTF8 = "csv:Text - txt - csv (StarCalc):44,34,76,1"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def folder(tmp_path) -> Path:
    """Reports that pass, fail, warn, a file that cannot be read, and one that is no report."""
    folder = tmp_path / "报告"
    folder.mkdir()
    applications = FORMAT_2021.table["applications"]
    for n, agency in enumerate(("温县教育局", "温县财政局", "=温县民政局", "温县水利局")):
        values = reconciling_values(FORMAT_2021, seed=n)
        texts = {("applications", "total", "natural_person"): "999"} if n == 1 else {}
        prose = {"other": ["无。"]} if n == 3 else None
        (folder / f"{n:02d}.docx").write_bytes(build_report(FORMAT_2021, values, 2022, texts=texts, prose=prose,
                                                            title=f"{agency}2022年政府信息公开工作年度报告"))
    (folder / "04.docx").write_bytes(b"PK not really a zip")
    (folder / "05.txt").write_text("报送说明", encoding="utf-8")  # skipped, saying why
    assert applications.cell_name("total", "natural_person")
    return folder


def own_checks(folder: Path) -> dict[str, dict]:
    """Each file's verdict as ``check FILE --json`` gives it, file by file."""
    out = {}
    for path in sorted(folder.glob("*.docx")):
        out[str(path)] = json.loads(run("check", path, "--json").stdout)
    return out


def test_xlsx_has_a_row_per_file_and_per_finding(folder, tmp_path):
    target = tmp_path / "汇总表.xlsx"
    done = run("check", folder, "--summary", target)
    assert done.exit_code == 2 and f"已写出汇总表：{target}" in done.output
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["报告", "问题"]
    reports, findings = book["报告"], book["问题"]
    header = [c.value for c in reports[1]]
    assert header == [c.header for c in REPORT_COLUMNS]
    # the key figures' headers are the format's labels
    received = FORMAT_2021.table["applications"].cell_name("received", "total")[0]
    assert f"{received} · 总计" in header and "（七）总计" in header and "行政诉讼 · 总计" in header
    assert reports.freeze_panes == "A2" and findings.freeze_panes == "A2"
    assert reports.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}7"
    assert all(reports.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width >= 8 for i in range(len(header)))

    rows = [dict(zip(header, (c.value for c in row))) for row in reports.iter_rows(min_row=2)]
    own = own_checks(folder)
    assert [r["文件"] for r in rows] == [*own, str(folder / "05.txt")]
    for row in rows[:-1]:
        mine = own[row["文件"]]
        assert row["结论"] == VERDICTS[mine["status"]]
        errors = sum(f["severity"] == "error" for f in mine["findings"])
        assert (row["错误数"], row["提醒数"]) == (errors, len(mine["findings"]) - errors)
        assert row["机关"] == (mine["agency"] or None)
    bad = rows[4]
    assert bad["结论"] == "无法读取" and bad["说明"] and bad["机关"] is None
    assert rows[2]["机关"] == "=温县民政局"  # text that looks like a formula stays text
    skipped = rows[5]
    assert skipped["结论"] == "跳过" and skipped["说明"] == "文本文件（.txt），不是报告的文件格式"
    assert skipped["错误数"] == 0 and skipped["机关"] is None

    values = reconciling_values(FORMAT_2021, seed=0)
    for table, cells in KEY_FIGURES:
        expected = sum(values[(table, r, c)] for r, c in cells)
        assert show(rows[0][figure_header(FORMAT_2021, table, cells)]) == show(expected) or \
            rows[0][figure_header(FORMAT_2021, table, cells)] == float(expected)

    finding_rows = list(findings.iter_rows(min_row=2, values_only=True))
    assert len(finding_rows) == sum(len(r["findings"]) for r in own.values())
    assert [c.value for c in findings[1]] == ["文件", "机关", "规则", "级别", "表", "行", "列", "应为", "实际", "说明"]
    r3 = [r for r in finding_rows if r[2] == "R3"]
    assert r3 and r3[0][:5] == (str(folder / "01.docx"), "温县财政局", "R3", "错误", "表三") and r3[0][8] == "999"


@needs_office
def test_libreoffice_reads_the_xlsx(folder, tmp_path):
    results = check_many([folder], jobs=1)
    target = tmp_path / "summary.xlsx"
    target.write_bytes(summary_xlsx(results))
    [converted] = convert([target], CSV_UTF8, tmp_path / "csv")
    rows = list(csv.reader(io.StringIO(converted.read_text(encoding="utf-8"))))
    assert rows[0] == [c.header for c in REPORT_COLUMNS]
    assert [row[0] for row in rows[1:]] == [r.source for r in results]
    own = own_checks(folder)
    assert [row[5] for row in rows[1:]] == [VERDICTS[own[r.source]["status"] if r.source in own else r.status]
                                            for r in results]
    assert rows[-1][5] == "跳过" and rows[-1][-1] == "文本文件（.txt），不是报告的文件格式"


def test_csv_files_open_in_excel(folder, tmp_path):
    target = tmp_path / "汇总表.csv"
    done = run("check", folder, "--summary", target)
    second = tmp_path / "汇总表-问题.csv"
    assert f"已写出汇总表：{target}" in done.output and f"已写出汇总表：{second}" in done.output
    for path in (target, second):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["文件", "机关", "年度"] and len(rows) == 7
    assert rows[3][1] == "'=温县民政局"
    assert rows[6][5] == "跳过" and rows[6][-1] == "文本文件（.txt），不是报告的文件格式"
    assert target.read_bytes().count(b"\r\n") == 7
    findings = list(csv.reader(io.StringIO(second.read_text(encoding="utf-8-sig"))))
    assert {row[2] for row in findings[1:]} >= {"R3", "R10"}


def test_summary_with_previous_dir_has_partner_and_rate(tmp_path):
    last, now = tmp_path / "last", tmp_path / "now"
    for folder, year in ((last, 2021), (now, 2022)):
        folder.mkdir()
        (folder / "a.docx").write_bytes(build_report(FORMAT_2021, reconciling_values(FORMAT_2021, seed=5), year,
                                                     title=f"温县教育局{year}年政府信息公开工作年度报告"))
    target = tmp_path / "s.xlsx"
    run("check", now, "--previous-dir", last, "--summary", target)
    sheet = openpyxl.load_workbook(target)["报告"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, (c.value for c in sheet[2])))
    assert row["上年报告"] == str(last / "a.docx") and row["与上年重复率"] == 1
    assert sheet.cell(2, header.index("与上年重复率") + 1).number_format == "0%"


def test_a_summary_name_that_is_no_spreadsheet_is_refused(folder, tmp_path):
    done = run("check", folder, "--summary", tmp_path / "s.txt")
    assert done.exit_code == 2 and ".xlsx" in done.output and not (tmp_path / "s.txt").exists()


def test_the_sheet_names_a_source_as_the_text_report_does(tmp_path):
    """A portal page is "网页" in the sheet as in the text report, not "HTML"."""
    from html_fixtures import portal_page
    from reportfill.reporters.summary import summary_sheets
    from reportfill.reporters.text import block
    from reportfill.workflows.check import check_document

    page = tmp_path / "a.html"
    page.write_bytes(portal_page(FORMAT_2021, reconciling_values(FORMAT_2021, seed=3), 2022))
    result = check_document(page)
    reports = summary_sheets([result])[0]
    row = dict(zip([c.header for c in reports.columns], reports.rows[0]))
    assert row["来源"] == "网页" and "来源：网页" in block(result)


def test_an_annotated_summary_is_not_overwritten(folder, tmp_path):
    target = tmp_path / "审核.xlsx"
    assert run("check", folder, "--summary", target).exit_code in (1, 2)
    again = run("check", folder, "--summary", target)  # exactly as written: replaced, nothing kept
    assert f"已写出汇总表：{target}" in again.output and "原文件已保留" not in again.output
    assert sorted(p.name for p in tmp_path.glob("审核*")) == ["审核.xlsx"]

    book = openpyxl.load_workbook(target)  # the office's notes, saved as Excel or WPS would
    book["报告"]["A1"].comment = None
    book["报告"].cell(row=2, column=len(REPORT_COLUMNS) + 1, value="已电话通知整改")
    book.save(target)
    annotated = target.read_bytes()
    refused = run("check", folder, "--summary", target)
    assert refused.exit_code == 2 and refused.stdout == ""  # refused before any report was read
    assert (f"{target}：这个表格文件在 reportfill 写出之后被修改或另存过，为免丢失其中的内容，没有覆盖；"
            "要覆盖请加 --force（原文件会保留为 审核.bak.xlsx）") in refused.stderr
    assert target.read_bytes() == annotated

    forced = run("check", folder, "--summary", target, "--force")
    assert f"原文件已保留为：{tmp_path / '审核.bak.xlsx'}" in forced.output
    assert (tmp_path / "审核.bak.xlsx").read_bytes() == annotated
    assert openpyxl.load_workbook(target)["报告"].max_column == len(REPORT_COLUMNS)


def test_a_csv_summary_there_is_replaced_only_with_force(folder, tmp_path):
    target, findings = tmp_path / "审核.csv", tmp_path / "审核-问题.csv"
    findings.write_text("自己的笔记", encoding="utf-8")  # the second file is someone's too
    refused = run("check", folder, "--summary", target)
    assert refused.exit_code == 2 and f"{findings}：这个 CSV 文件已存在（CSV 记不下 reportfill 的标记" in refused.stderr
    assert not target.exists()
    forced = run("check", folder, "--summary", target, "--force")
    assert forced.exit_code in (1, 2) and target.is_file()
    assert (tmp_path / "审核-问题.bak.csv").read_text(encoding="utf-8") == "自己的笔记"
    assert findings.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_workbook_reportfill_did_not_write_is_refused_saying_so(folder, tmp_path):
    target = tmp_path / "别人的.xlsx"
    openpyxl.Workbook().save(target)
    refused = run("check", folder, "--summary", target)
    assert refused.exit_code == 2
    assert f"{target}：这个表格文件已存在，不是 reportfill 写出的（或是早先版本的 reportfill 写的）" in refused.stderr
