"""``check``: reopen reports -- ours and ones laid out by others -- and confirm their tables
reconcile, naming each broken rule by the printed row and column."""

from __future__ import annotations

import copy
import json
import re
import shutil
import zipfile
from decimal import Decimal

import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import SEED, SHARED
from docx_fixtures import (
    PROSE,
    PARAGRAPH_BREAK, Package, add_empty_column, build_report, empty_row_like, is_continuation, official_report, q,
    reconciling_values, set_text, shift_right, slot_cells, split_table, wps_style, wrap,
)
from reportfill.workflows.check import check_document
from reportfill.cli import main
from reportfill.rules.catalogue import RULES
from reportfill.format.formats import APPLICANTS, FORMAT_2019, FORMAT_2021
from reportfill.report import show
from reportfill.rules.tables import derive

REFERENCE = SHARED / "reference" / "official-format-layout.docx"
SEED_REPORT = next((SHARED / "seed").glob("*.txt"), None) if (SHARED / "seed").is_dir() else None


def errors(result):
    return [f for f in result.findings if f.severity == "error"]


def assert_values(result, fmt, expected):
    """Every value cell of every table read back as written, cell by cell."""
    for table in fmt.tables:
        for p in table.slots:
            key = (table.key, p.cell.row, p.cell.col)
            assert result.report.values.get(key) == expected[key], (table.name, table.cell_name(p.cell.row, p.cell.col))
    assert len(result.report.values) == sum(len(t.slots) for t in fmt.tables)


# ---------------------------------------------------------------- layouts


@pytest.mark.parametrize("fmt, year", [(FORMAT_2021, 2021), (FORMAT_2021, 2023), (FORMAT_2019, 2019), (FORMAT_2019, 2020)])
@pytest.mark.parametrize("wps", [False, True], ids=["word", "wps"])
def test_a_clean_report_reads_back_and_passes(fmt, year, wps):
    package, values = official_report(fmt, year, wps=wps)
    result = check_document(package.to_bytes(), name="r.docx")
    assert result.findings == []
    assert result.ok and result.report.fmt.id == fmt.id and result.report.year == year
    assert result.report.title == f"某某局{year}年政府信息公开工作年度报告"
    assert result.report.prose["other"].paragraphs == tuple(PROSE["other"])
    assert_values(result, fmt, values)


def test_a_2021_report_in_the_2019_layout_is_a_finding():
    values = reconciling_values(FORMAT_2019)
    result = check_document(build_report(FORMAT_2019, values, 2021))
    assert result.report.fmt.id == "2019" and not result.ok
    [finding] = errors(result)
    assert finding.rule == "R9" and finding.expected == FORMAT_2021.basis and finding.actual == FORMAT_2019.basis
    assert "2021 年度的报告应使用国办公开办函〔2021〕30号" in finding.message


def _sub_items(fmt):
    return [t for t in fmt.table["applications"].labels if re.match(r"\d\.", t)]


def _labels_halfwidth(fmt):
    return {t: t.replace("（", "(").replace("）", ") ").replace("：", ":").replace("，", ",")
            for table in fmt.tables for t in table.labels if "（" in t}


def _with_big_numbers(fmt):
    """Reconciling values with four-digit counts, to print with thousands separators."""
    values = reconciling_values(fmt, seed=7)
    for row in ("received", "disclosed"):
        values[("applications", row, "natural_person")] += 1000
    stated = {k: v for k, v in values.items() if k not in fmt.derived}
    return derive(fmt, stated)


def quirk_line_breaks(fmt, values):
    labels = {"商业企业": f"商业{PARAGRAPH_BREAK}企业", "自然人": "自 然 人", "本年制发件数": "本年\n制发件数",
              "一、本年新收政府信息公开申请数量": "  一、本年新收政府信息\n公开申请数量 ",
              "（二）部分公开（区分处理的，只计这一情形，不计其他情形）":
                  f"（二）部分公开{PARAGRAPH_BREAK}（区分处理的，只计这一情形，不计其他情形）"}
    return Package(build_report(fmt, values, 2021, labels=labels)), values


def quirk_half_width_and_enumeration(fmt, values):
    labels = _labels_halfwidth(fmt)
    labels.update({t: t.replace(".", "、", 1) for t in _sub_items(fmt)})
    labels["3.危及“三安全一稳定”"] = '3、危及"三安全一稳定"'
    return Package(build_report(fmt, values, 2021, labels=labels)), values


def quirk_seed_wording(fmt, values):
    """Label variants the seed report (a real published report) uses."""
    labels = {"2.其他法律行政法规禁止公开": "2.其他法律法规禁止公开",
              "本年收费金额（单位：万元）": "本年收费金额（单位：万元，保留4位小数）",
              "（一）予以公开": "(一) 予以公开",
              "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "（二）部分公开",
              "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）":
                  "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)"}
    return Package(build_report(fmt, values, 2021, labels=labels)), values


def quirk_vertical_heading(fmt, values):
    heading = "三、本年度办理结果"
    package = Package(build_report(fmt, values, 2021, labels={heading: PARAGRAPH_BREAK.join(heading)}))
    for tc in package.tables()[1].iter(q("tc")):
        if tc.findtext(f".//{q('t')}") == "三":
            etree.SubElement(tc.find(q("tcPr")), q("textDirection")).set(q("val"), "tbRlV")
    return package, values


def quirk_extra_rows_and_columns(fmt, values):
    package = Package(build_report(fmt, values, 2021))
    proactive, applications, appeals = package.tables()
    for tbl, positions in ((proactive, (1, 6)), (applications, (2, 12, 27)), (appeals, (2, 3))):
        rows = tbl.findall(q("tr"))
        for i in sorted(positions, reverse=True):
            source = rows[i]
            blank = empty_row_like(source)
            for tc in blank.findall(q("tc")):
                if is_continuation(tc):
                    tc.find(f"{q('tcPr')}/{q('vMerge')}").getparent().remove(tc.find(f"{q('tcPr')}/{q('vMerge')}"))
            source.addnext(blank)
        add_empty_column(tbl)
    return package, values


def quirk_grid_before(fmt, values):
    package = Package(build_report(fmt, values, 2021))
    applications = package.tables()[1]
    shift_right(applications, by_grid_before=set(range(3, 28)))
    shift_right(package.tables()[2], by_grid_before={3})
    return package, values


def quirk_split_at_page_break(fmt, values):
    package = Package(build_report(fmt, values, 2021))
    proactive, applications, _ = package.tables()
    split_table(applications, after_row=10)  # inside （三）不予公开
    split_table(proactive, after_row=6)
    return package, values


def quirk_content_controls(fmt, values):
    package = Package(build_report(fmt, values, 2021))
    proactive, applications, appeals = package.tables()
    wrap(applications.findall(q("tr"))[5], "sdt", "sdtContent")
    wrap(applications.findall(q("tr"))[20].findall(q("tc"))[4], "sdt", "sdtContent")
    wrap(appeals.findall(q("tr"))[3].findall(q("tc"))[7], "customXml")
    wrap(proactive, "sdt", "sdtContent")
    return package, values


def quirk_tracked_changes(fmt, values):
    package = Package(build_report(fmt, values, 2021))
    applications = package.tables()[1]
    cells = slot_cells(applications, fmt.table["applications"])
    tc = cells[("disclosed", "natural_person")]
    run = tc.find(f"{q('p')}/{q('r')}")
    wrap(run, "ins")
    old = etree.fromstring(f'<w:del xmlns:w="{q("x")[1:-2]}"><w:r><w:delText>999</w:delText></w:r></w:del>')
    run.getparent().addprevious(old)
    # A row deleted with tracked changes on, holding numbers that would break every rule.
    received = applications.findall(q("tr"))[3]
    ghost = copy.deepcopy(received)
    for t in ghost.iter(q("t")):
        if t.text.isdigit():
            t.text = "777"
    etree.SubElement(ghost.find(q("trPr")) if ghost.find(q("trPr")) is not None else
                     ghost.insert(0, etree.Element(q("trPr"))) or ghost.find(q("trPr")), q("del"))
    received.addprevious(ghost)
    return package, values


def quirk_nested_tables(fmt, values):
    package = Package(build_report(fmt, values, 2021))
    applications, appeals = package.tables()[1:]
    total_label = next(tc for tc in applications.iter(q("tc")) if tc.findtext(f".//{q('t')}") == "（七）总计")
    note = etree.fromstring(f'<w:tbl xmlns:w="{q("x")[1:-2]}"><w:tr><w:tc><w:p><w:r><w:t>注：含补正</w:t></w:r></w:p>'
                            "</w:tc></w:tr></w:tbl>")
    total_label.append(note)
    total_label.append(etree.Element(q("p")))
    layout = etree.fromstring(f'<w:tbl xmlns:w="{q("x")[1:-2]}"><w:tr><w:tc><w:p><w:r><w:t>版式表格</w:t></w:r></w:p>'
                              "</w:tc></w:tr></w:tbl>")
    appeals.addprevious(layout)
    layout.find(q("tr")).find(q("tc")).append(appeals)
    layout.find(q("tr")).find(q("tc")).append(etree.Element(q("p")))
    return package, values


def quirk_number_forms(fmt, values):
    values = _with_big_numbers(fmt)
    package = Package(build_report(fmt, values, 2021))
    applications, appeals = package.tables()[1:]
    cells = slot_cells(applications, fmt.table["applications"])
    received = values[("applications", "received", "natural_person")]
    disclosed = values[("applications", "disclosed", "natural_person")]
    set_text(cells[("received", "natural_person")], f"{received:,}")
    set_text(cells[("disclosed", "natural_person")],
             f"{disclosed:,}".translate(str.maketrans("0123456789,", "０１２３４５６７８９，")))
    set_text(cells[("total", "commercial")], f"  {values[('applications', 'total', 'commercial')]} ")
    appeal = slot_cells(appeals, fmt.table["appeals"])[("reconsideration", "upheld")]
    set_text(appeal, f"\u3000{values[('appeals', 'reconsideration', 'upheld')]}\u3000".translate(
        str.maketrans("0123456789", "０１２３４５６７８９")))
    return package, values


def _cell_at(tr, col):
    """The w:tc starting at grid column ``col`` of a row, or None."""
    at = 0
    for tc in tr.findall(q("tc")):
        if at == col:
            return tc
        span = tc.find(f"{q('tcPr')}/{q('gridSpan')}")
        at += int(span.get(q("val"))) if span is not None else 1
    return None


def quirk_rows_and_columns_in_another_order(fmt, values):
    """Labels, not positions: 一 and 二 swapped, 商业企业 and 科研机构 swapped."""
    package = Package(build_report(fmt, values, 2021))
    applications = package.tables()[1]
    rows = applications.findall(q("tr"))
    rows[3].addprevious(rows[4])
    for tr in applications.findall(q("tr")):
        left, right = _cell_at(tr, 4), _cell_at(tr, 5)
        if left is not None and right is not None:
            marker = etree.Element("marker")
            left.addprevious(marker)
            right.addprevious(left)
            marker.addprevious(right)
            marker.getparent().remove(marker)
    return package, values


QUIRKS = [quirk_rows_and_columns_in_another_order, quirk_line_breaks, quirk_half_width_and_enumeration, quirk_seed_wording, quirk_vertical_heading,
          quirk_extra_rows_and_columns, quirk_grid_before, quirk_split_at_page_break, quirk_content_controls,
          quirk_tracked_changes, quirk_nested_tables, quirk_number_forms]


@pytest.mark.parametrize("quirk", QUIRKS, ids=lambda f: f.__name__.removeprefix("quirk_"))
@pytest.mark.parametrize("wps", [False, True], ids=["word", "wps"])
def test_real_world_layouts_read_back_cell_by_cell(quirk, wps):
    package, values = quirk(FORMAT_2021, reconciling_values(FORMAT_2021, seed=11))
    if wps:
        wps_style(package)
    result = check_document(package.to_bytes())
    assert result.findings == [] and result.report.fmt.id == "2021"
    assert_values(result, FORMAT_2021, values)


def test_all_quirks_in_one_report():
    """Each quirk's edits applied to one document, in the 2019 layout too where they apply."""
    values = _with_big_numbers(FORMAT_2021)
    labels = {**_labels_halfwidth(FORMAT_2021), **{t: t.replace(".", "、", 1) for t in _sub_items(FORMAT_2021)},
              "商业企业": f"商业{PARAGRAPH_BREAK}企业", "2.其他法律行政法规禁止公开": "2、其他法律法规禁止公开",
              "三、本年度办理结果": PARAGRAPH_BREAK.join("三、本年度办理结果")}
    package = Package(build_report(FORMAT_2021, values, 2021, labels=labels))
    proactive, applications, appeals = package.tables()
    cells = slot_cells(applications, FORMAT_2021.table["applications"])
    set_text(cells[("received", "natural_person")], f"{values[('applications', 'received', 'natural_person')]:,}")
    add_empty_column(applications)
    applications.findall(q("tr"))[2].addnext(empty_row_like(applications.findall(q("tr"))[3]))
    wrap(applications.findall(q("tr"))[8], "sdt", "sdtContent")
    split_table(applications, after_row=15)
    shift_right(appeals, by_grid_before={3})
    wps_style(package)
    result = check_document(package.to_bytes())
    assert result.findings == []
    assert_values(result, FORMAT_2021, values)


def test_the_2019_layout_with_real_world_quirks():
    values = reconciling_values(FORMAT_2019, seed=5)
    labels = {**_labels_halfwidth(FORMAT_2019), **{t: t.replace(".", "、", 1) for t in _sub_items(FORMAT_2019)}}
    package = Package(build_report(FORMAT_2019, values, 2020, labels=labels))
    split_table(package.tables()[1], after_row=12)
    wps_style(package)
    result = check_document(package.to_bytes())
    assert result.findings == [] and result.report.fmt.id == "2019"
    assert_values(result, FORMAT_2019, values)


# ---------------------------------------------------------------- the reference layout


def fill_empty_cells(package: Package, fmt, values) -> None:
    """Write the numbers into an empty layout by grid position (not by reportfill's reader)."""
    for tbl, table in zip(package.tables(), fmt.tables, strict=True):
        for (row, col), tc in slot_cells(tbl, table).items():
            set_text(tc, show(values[(table.key, row, col)]))


@pytest.mark.skipif(not REFERENCE.is_file(), reason=f"{REFERENCE} is not beside the repository")
def test_the_third_party_reference_layout_once_filled(tmp_path):
    copy_path = tmp_path / "layout.docx"
    shutil.copyfile(REFERENCE, copy_path)
    empty = check_document(copy_path)
    assert empty.report.fmt.id == "2021" and {f.rule for f in empty.findings} == {"R5"}
    assert [f.message for f in empty.findings] == [f"{t.name} 没有填写任何数字，没有的应填 0" for t in FORMAT_2021.tables]

    values = reconciling_values(FORMAT_2021, seed=2024)
    package = Package(copy_path.read_bytes())
    fill_empty_cells(package, FORMAT_2021, values)
    copy_path.write_bytes(package.to_bytes())
    result = check_document(copy_path)
    assert result.findings == [] and result.ok
    assert_values(result, FORMAT_2021, values)

    runner = CliRunner()
    done = runner.invoke(main, ["check", str(copy_path)])
    assert done.exit_code == 0, done.output
    assert done.output.rstrip().endswith("结论：通过，各表勾稽关系一致。")


# ---------------------------------------------------------------- mutations


def seed_input_with(values) -> str:
    """The seed TOML with every stated number replaced by ``values`` (totals left to fill)."""
    fmt = FORMAT_2021
    out, section = [], ""
    for line in SEED.read_text(encoding="utf-8").splitlines():
        header = re.match(r"^\[\[?([\w.]+)\]", line)
        if header:
            section = header.group(1)
        found = re.match(r"^(\w+)(\s*=\s*)[^#]*?(\s*#.*)?$", line)
        if found and section.split(".")[0] in fmt.table and not header:
            name, eq, comment = found.group(1), found.group(2), found.group(3) or ""
            table_key, *group = section.split(".")
            row = ".".join(group + [name])
            table = fmt.table[table_key]
            stated = [show(values[(table_key, row, p.cell.col)]) for p in table.row_slots(row)
                      if (table_key, row, p.cell.col) not in fmt.derived]
            line = f"{name}{eq}{stated[0] if len(stated) == 1 else '[' + ', '.join(stated) + ']'}{comment}"
        out.append(line)
    return "\n".join(out) + "\n"


def filled_by_reportfill(tmp_path, values) -> bytes:
    from reportfill.readers.toml_input import load_input
    from reportfill.writers.render import render

    source = tmp_path / "input.toml"
    source.write_text(seed_input_with(values), encoding="utf-8")
    report = load_input(source)
    assert derive(FORMAT_2021, report.values) == values
    return render(report)


def filled_by_python_docx(tmp_path, values) -> bytes:
    return build_report(FORMAT_2021, values, 2021)


@pytest.mark.parametrize("make", [filled_by_reportfill, filled_by_python_docx], ids=["fill", "python-docx"])
def test_every_single_number_changed_in_tables_three_and_four_is_caught(make, tmp_path):
    values = reconciling_values(FORMAT_2021, seed=42)
    package = Package(make(tmp_path, values))
    assert check_document(package.to_bytes()).ok
    tables = dict(zip(("proactive", "applications", "appeals"), package.tables()))
    missed = []
    for key in ("applications", "appeals"):
        table = FORMAT_2021.table[key]
        for (row, col), tc in slot_cells(tables[key], table).items():
            t = next(t for t in tc.iter(q("t")) if t.text)
            original = t.text
            assert original == show(values[(key, row, col)])
            t.text = str(int(original) + 1)
            result = check_document(package.to_bytes(zipfile.ZIP_STORED))
            t.text = original
            row_name, col_name = table.cell_name(row, col)
            named = [f for f in errors(result) if f.table == table.name and (row_name in f.row or col_name in f.column)]
            if result.ok or not named:
                missed.append((table.name, row_name, col_name))
    assert missed == []


def test_a_wrong_total_is_named_as_a_clerk_reads_it():
    values = reconciling_values(FORMAT_2021, seed=1)
    stated = values[("applications", "total", "natural_person")]
    texts = {("applications", "total", "natural_person"): str(stated - 6)}
    result = check_document(build_report(FORMAT_2021, values, 2021, texts=texts))
    r3 = [f for f in result.findings if f.rule == "R3"]
    assert [(f.table, f.row, f.column, f.expected, f.actual) for f in r3] == [
        ("表三", "（七）总计", "自然人", str(stated), str(stated - 6))]
    assert r3[0].message == f"表三 （七）总计 · 自然人：各分项合计为 {stated}，表中填写 {stated - 6}"
    assert {f.rule for f in errors(result)} == {"R1", "R2", "R3"}


@pytest.mark.parametrize("text, problem", [
    ("/", "表中填写 /，应为不小于 0 的整数"), ("—", "表中填写 —，应为不小于 0 的整数"),
    ("", "表中未填写，应为不小于 0 的整数"), ("无", "表中填写 无，应为不小于 0 的整数"),
    ("-", "表中填写 -，应为不小于 0 的整数"),
])
def test_a_count_cell_without_a_number_is_r5_never_a_crash(text, problem):
    values = reconciling_values(FORMAT_2021, seed=9)
    result = check_document(build_report(FORMAT_2021, values, 2021,
                                         texts={("applications", "other.no_fee", "research"): text}))
    [finding] = errors(result)
    assert (finding.rule, finding.table, finding.row, finding.column) == (
        "R5", "表三", "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "科研机构")
    assert problem in finding.message and finding.message.startswith("表三 （六）其他处理 2.")
    assert ("applications", "other.no_fee", "research") not in result.report.values


@pytest.mark.parametrize("text, value, rule_text", [
    ("-3", -3, "不能为负数"), ("1.5", Decimal("1.5"), "应为不小于 0 的整数"),
])
def test_negative_and_fractional_counts_are_judged_by_the_rules(text, value, rule_text):
    values = reconciling_values(FORMAT_2021, seed=9)
    result = check_document(build_report(FORMAT_2021, values, 2021, texts={("appeals", "reconsideration", "other"): text}))
    assert result.report.values[("appeals", "reconsideration", "other")] == value
    r5 = [f for f in result.findings if f.rule == "R5"]
    assert len(r5) == 1 and rule_text in r5[0].message and r5[0].column == "行政复议 · 其他结果"


def test_a_blank_total_column_is_one_finding():
    values = reconciling_values(FORMAT_2021, seed=9)
    table = FORMAT_2021.table["applications"]
    texts = {("applications", row, "total"): "" for row in table.row_keys}
    result = check_document(build_report(FORMAT_2021, values, 2021, texts=texts))
    assert [(f.rule, f.table, f.column, f.message) for f in result.findings] == [
        ("R5", "表三", "总计", "表三 “总计”一列全部未填写，没有的应填 0")]


def test_fee_is_read_exactly():
    values = reconciling_values(FORMAT_2021, seed=9)
    values[("proactive", "fees", "amount")] = Decimal("0.000100")
    result = check_document(build_report(FORMAT_2021, values, 2021))
    assert show(result.report.values[("proactive", "fees", "amount")]) == "0.000100"
    bad = check_document(build_report(FORMAT_2021, values, 2021, texts={("proactive", "fees", "amount"): "约3万"}))
    assert [f.rule for f in bad.findings] == ["R5"] and "应为不小于 0 的数（单位：万元）" in bad.findings[0].message


# ---------------------------------------------------------------- structure: tables, rows, headings


def test_a_missing_row_and_a_missing_table_are_named():
    values = reconciling_values(FORMAT_2021, seed=4)
    package = Package(build_report(FORMAT_2021, values, 2021))
    proactive, applications, appeals = package.tables()
    duplicate = applications.findall(q("tr"))[19]  # （五）2.重复申请
    assert "".join(duplicate.itertext()).startswith("2.重复申请")
    applications.remove(duplicate)
    appeals.getparent().remove(appeals)
    result = check_document(package.to_bytes())
    structural = [(f.rule, f.table, f.row) for f in result.findings if f.rule == "R9"]
    assert ("R9", "表三", "（五）不予处理 2.重复申请") in structural
    assert ("R9", "表四", "") in structural
    assert any("找不到表四" in f.message for f in result.findings)
    assert ("applications", "disclosed", "total") in result.report.values  # the rest is still read and checked


def test_headings_missing_or_out_of_order_and_title_year():
    fmt = FORMAT_2021
    values = reconciling_values(fmt)
    headings = [s.heading for s in fmt.sections]
    missing = check_document(build_report(fmt, values, 2021, headings=headings[:4] + headings[5:]))
    assert [(f.rule, f.row) for f in errors(missing)] == [("R9", "五、存在的主要问题及改进情况")]
    swapped = headings[:4] + [headings[5], headings[4]]
    reordered = check_document(build_report(fmt, values, 2021, headings=swapped))
    assert [f.rule for f in errors(reordered)] == ["R9"] and "顺序" in errors(reordered)[0].message
    title = check_document(build_report(fmt, values, 2021, title="某某局2020年政府信息公开工作年度报告"))
    assert [(f.rule, f.severity, f.expected, f.actual) for f in title.findings] == [("R9", "warning", "2021", "2020")]


def test_a_title_broken_over_two_paragraphs_and_numbered_headings():
    fmt = FORMAT_2021
    values = reconciling_values(fmt)
    package = Package(build_report(fmt, values, 2022, title="某某县人民政府办公室", preface=[
        "2022年政府信息公开工作年度报告", "本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。"]))
    for p in package.body.iter(q("p")):
        t = p.find(f"{q('r')}/{q('t')}")
        if t is not None and t.text in [s.heading for s in fmt.sections]:
            t.text = t.text.split("、", 1)[1]  # numbered by Word's list numbering instead
    result = check_document(package.to_bytes())
    assert result.report.title == "某某县人民政府办公室2022年政府信息公开工作年度报告"
    assert result.report.year == 2022 and result.findings == []


def test_section_six_without_the_fee_statement_is_r10():
    values = reconciling_values(FORMAT_2021)
    result = check_document(build_report(FORMAT_2021, values, 2021, prose={"other": ["无其他需要报告的事项。"]}))
    assert [(f.rule, f.severity) for f in result.findings] == [("R10", "warning")] and result.ok
    old = check_document(build_report(FORMAT_2019, reconciling_values(FORMAT_2019), 2020,
                                      prose={"other": ["无其他需要报告的事项。"]}))
    assert old.findings == []


# ---------------------------------------------------------------- R8 prose


def with_overview(text, values, fmt=FORMAT_2021, year=2021):
    return check_document(build_report(fmt, values, year, prose={"overview": [text]}))


def test_prose_figures_that_contradict_the_tables_are_warnings():
    values = reconciling_values(FORMAT_2021, seed=8)
    received = values[("applications", "received", "total")]
    carried = values[("applications", "from_last_year", "total")]
    reconsideration = values[("appeals", "reconsideration", "total")]
    lawsuits = values[("appeals", "lawsuit_direct", "total")] + values[("appeals", "lawsuit_after_reconsideration", "total")]
    assert carried and received

    for agreeing in (f"本年度共收到政府信息公开申请{received}件。", f"全年收到依申请公开件{received + carried}件，均按时答复。",
                     f"共收到政府信息公开申请{received}件，其中通过网络收到申请{received - 1}件。",
                     f"因政府信息公开被申请行政复议{reconsideration}件，提起行政诉讼{lawsuits}件。"):
        assert with_overview(agreeing, values).findings == [], agreeing

    result = with_overview(f"本年度共收到政府信息公开申请{received + 100}件。", values)
    [finding] = result.findings
    assert (finding.rule, finding.severity, finding.table, finding.row, finding.column, finding.actual) == (
        "R8", "warning", "表三", "一、本年新收政府信息公开申请数量", "总计", str(received + 100))
    assert finding.expected == f"{received}（加上二、上年结转政府信息公开申请数量为 {received + carried}）"
    assert result.ok

    result = with_overview(f"被申请行政复议{reconsideration + 1}件，行政诉讼{lawsuits + 2}起。", values)
    assert [(f.rule, f.column, f.expected, f.actual) for f in result.findings] == [
        ("R8", "行政复议 · 总计", str(reconsideration), str(reconsideration + 1)),
        ("R8", "行政诉讼 · 未经复议直接起诉 · 总计 + 行政诉讼 · 复议后起诉 · 总计", str(lawsuits), str(lawsuits + 2)),
    ]

    denial = with_overview("本年度没有收到政府信息公开申请，未发生行政复议、行政诉讼案件。", values)
    assert [f.column for f in denial.findings] == ["总计", "行政复议 · 总计",
                                                   "行政诉讼 · 未经复议直接起诉 · 总计 + 行政诉讼 · 复议后起诉 · 总计"]


@pytest.mark.parametrize("ambiguous", [
    "较上年收到申请20件有所增加。",
    "2020年收到政府信息公开申请99件。",
    "收到自然人申请99件。",
    "全年共办理市政府在线、领导信箱、批示件等86件。",
    "本年度未发生被行政复议纠错的情况。",
    "行政复议、行政诉讼各99件。",
    "未来如发生行政复议，将依法应对。",
    "本年度通过信函方式收到申请99件。",
    "其中，当面收到申请99件。",
])
def test_ambiguous_prose_is_not_a_warning(ambiguous):
    values = reconciling_values(FORMAT_2021, seed=8)
    assert with_overview(ambiguous, values).findings == []


@pytest.mark.skipif(SEED_REPORT is None, reason="../shared/seed is not beside the repository")
def test_the_seed_report_prose_gives_no_false_warning():
    from reportfill.rules.prose import check_prose

    paragraphs = [line.strip() for line in SEED_REPORT.read_text(encoding="utf-8").splitlines()
                  if line.strip() and "\t" not in line]
    zeros = {(t.key, p.cell.row, p.cell.col): 0 for t in FORMAT_2021.tables for p in t.slots}
    assert check_prose(FORMAT_2021, zeros, paragraphs, 2021) == []
    busy = reconciling_values(FORMAT_2021, seed=8)
    findings = check_prose(FORMAT_2021, busy, paragraphs, 2021)
    assert [(f.rule, f.actual) for f in findings] == [("R8", "0")]  # "本年度没有收到依申请公开件"
    assert "没有收到依申请公开" in findings[0].message


# ---------------------------------------------------------------- R6, R7 with last year's report


def next_year_values(previous, seed):
    """This year's values carrying over last year's 结转 and 现行有效件数."""
    fmt = FORMAT_2021
    values = {k: v for k, v in reconciling_values(fmt, seed=seed).items() if k not in fmt.derived}
    for col in APPLICANTS:
        values[("applications", "from_last_year", col)] = previous[("applications", "to_next_year", col)]
        total = sum(values[("applications", r, col)] for r in fmt.table["applications"].row_keys
                    if r not in ("received", "from_last_year", "to_next_year", "total"))
        values[("applications", "received", col)] = total + values[("applications", "to_next_year", col)] \
            - values[("applications", "from_last_year", col)]
        if values[("applications", "received", col)] < 0:
            values[("applications", "disclosed", col)] -= values[("applications", "received", col)]
            values[("applications", "received", col)] = 0
    for row in ("regulations", "normative_documents"):
        values[("proactive", row, "in_force")] = (previous[("proactive", row, "in_force")]
                                                  + values[("proactive", row, "issued")]
                                                  - values[("proactive", row, "repealed")])
    return derive(fmt, values)


# Next year's problems in new words: the same text would rightly get the duplication warning.
NEXT_YEAR_PROSE = {"problems": ["（一）存在问题", "基层单位报送信息还不够主动。", "（二）改进情况", "把信息报送纳入股室年度考核。"]}


def test_continuity_with_last_years_report(tmp_path):
    last = reconciling_values(FORMAT_2021, seed=21)
    now = next_year_values(last, seed=22)
    previous = tmp_path / "2021.docx"
    previous.write_bytes(build_report(FORMAT_2021, last, 2021))
    assert check_document(build_report(FORMAT_2021, now, 2022, prose=NEXT_YEAR_PROSE), previous=previous).findings == []

    broken = {k: v for k, v in now.items() if k not in FORMAT_2021.derived}
    broken[("applications", "from_last_year", "research")] += 1
    broken[("applications", "received", "research")] -= 1
    broken[("proactive", "regulations", "in_force")] += 2
    broken = derive(FORMAT_2021, broken)
    result = check_document(build_report(FORMAT_2021, broken, 2022, prose=NEXT_YEAR_PROSE), previous=previous)
    assert [(f.rule, f.severity, f.table, f.column) for f in result.findings] == [
        ("R7", "warning", "表二", "现行有效件数"), ("R6", "error", "表三", "科研机构"), ("R6", "error", "表三", "总计")]
    # expected and found are what the cell named should hold and holds
    in_force = ("proactive", "regulations", "in_force")
    r7, r6 = result.findings[0], result.findings[1]
    assert (r7.expected, r7.actual) == (str(broken[in_force] - 2), str(broken[in_force]))
    research = ("applications", "from_last_year", "research")
    assert (r6.expected, r6.actual) == (str(broken[research] - 1), str(broken[research]))

    wrong_year = check_document(build_report(FORMAT_2021, now, 2023), previous=previous)
    assert [(f.rule, f.severity) for f in wrong_year.findings if f.rule in ("P1", "R6", "R7")] == [("P1", "warning")]

    other = build_report(FORMAT_2021, now, 2022, title="另一局2022年政府信息公开工作年度报告", prose=NEXT_YEAR_PROSE)
    [warning] = check_document(other, previous=previous).findings
    assert (warning.rule, warning.severity, warning.expected, warning.actual) == ("P1", "warning", "另一局", "某某局")
    respelled = build_report(FORMAT_2021, now, 2022, title="某某 局2022年政府信息公开工作年度报告", prose=NEXT_YEAR_PROSE)
    assert check_document(respelled, previous=previous).findings == []


# ---------------------------------------------------------------- command line


def test_check_command_text_and_exit_codes(tmp_path):
    values = reconciling_values(FORMAT_2021, seed=3)
    good, bad = tmp_path / "good.docx", tmp_path / "bad.docx"
    good.write_bytes(build_report(FORMAT_2021, values, 2021))
    total = values[("applications", "total", "natural_person")]
    bad.write_bytes(build_report(FORMAT_2021, values, 2021, texts={("applications", "total", "natural_person"): str(total + 1)},
                                 prose={"other": ["无。"]}))
    runner = CliRunner()
    ok = runner.invoke(main, ["check", str(good)])
    assert ok.exit_code == 0
    assert ok.output.splitlines()[0] == f"== {good} =="
    assert "格式：2021 年版（国办公开办函〔2021〕30号）；机关：某某局；年度：2021" in ok.output

    failed = runner.invoke(main, ["check", str(good), str(bad)])
    assert failed.exit_code == 1
    *blocks, count = failed.output.rstrip("\n").split("\n\n")
    assert len(blocks) == 2 and blocks[0].rstrip().endswith("结论：通过，各表勾稽关系一致。")
    assert count == "共 2 项：核对 2 个文件，通过 1 个，不通过 1 个，无法读取 0 个；跳过 0 项"
    lines = blocks[1].splitlines()
    assert lines[2] == "全文" and lines[3].startswith("  【提醒】R10 ")
    assert lines[4] == "表三" and all(line.startswith("  【错误】R") for line in lines[5:-1])
    assert f"  【错误】R3 表三 （七）总计 · 自然人：各分项合计为 {total}，表中填写 {total + 1}" in lines
    assert lines[-1] == "结论：不通过，共 3 处错误，另有 1 条提醒，请修改后再发布。"

    warned = tmp_path / "warned.docx"
    warned.write_bytes(build_report(FORMAT_2021, values, 2021, prose={"other": ["无。"]}))
    assert runner.invoke(main, ["check", str(warned)]).exit_code == 0


def test_check_command_json(tmp_path):
    values = reconciling_values(FORMAT_2021, seed=3)
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    a.write_bytes(build_report(FORMAT_2021, values, 2021))
    b.write_bytes(build_report(FORMAT_2021, values, 2021, texts={("appeals", "lawsuit_direct", "total"): "99"}))
    runner = CliRunner()
    single = json.loads(runner.invoke(main, ["check", "--json", str(a)]).output)
    assert single == {"path": str(a), "status": "ok", "ok": True, "error": None, "skipped": None, "kind": "docx",
                      "format": "2021",
                      "agency": "某某局", "year": 2021, "title": "某某局2021年政府信息公开工作年度报告",
                      "published": None, "previous": None, "reuse": None, "findings": []}
    done = runner.invoke(main, ["check", str(a), str(b), "--json"])
    assert done.exit_code == 1
    both = json.loads(done.output)
    assert [item["ok"] for item in both] == [True, False]
    [finding] = both[1]["findings"]
    assert finding == {"rule": "R4", "severity": "error", "table": "表四", "row": "",
                       "column": "行政诉讼 · 未经复议直接起诉 · 总计",
                       "expected": show(sum(values[("appeals", "lawsuit_direct", o)] for o in ("upheld", "corrected", "other", "pending"))),
                       "actual": "99", "message": finding["message"],
                       "cell": ["appeals", "lawsuit_direct", "total"], "title": RULES["R4"].title}
    assert "各分项合计为" in finding["message"] and "\\u" not in done.output


def test_check_command_previous(tmp_path):
    last = reconciling_values(FORMAT_2021, seed=21)
    previous, current = tmp_path / "2021.docx", tmp_path / "2022.docx"
    previous.write_bytes(build_report(FORMAT_2021, last, 2021))
    current.write_bytes(build_report(FORMAT_2021, reconciling_values(FORMAT_2021, seed=99), 2022))
    runner = CliRunner()
    done = runner.invoke(main, ["check", str(current), "--previous", str(previous), "--json"])
    assert done.exit_code == 1
    assert {f["rule"] for f in json.loads(done.output)["findings"]} >= {"R6"}
    missing = runner.invoke(main, ["check", str(current), "--previous", str(tmp_path / "none.docx")])
    assert missing.exit_code == 2 and "找不到这个文件" in missing.output


def _with_cell_xml(data: bytes, old: bytes, new: bytes) -> bytes:
    package = Package(data)
    xml = etree.tostring(package.root)
    assert xml.count(old) >= 1, old
    package.root = etree.fromstring(xml.replace(old, new, 1))
    return package.to_bytes()


def test_hidden_text_in_a_cell_is_not_read():
    """A run formatted as hidden text (w:vanish) is neither shown nor printed by Word: a
    cell showing 28.16 reads 28.16, whatever hidden digits follow it."""
    values = reconciling_values(FORMAT_2021, seed=3)
    key = ("proactive", "fees", "amount")
    data = build_report(FORMAT_2021, {**values, key: Decimal("28.16")}, 2021)
    shown = b"<w:t>28.16</w:t></w:r>"
    hidden = _with_cell_xml(data, shown, shown + b"<w:r><w:rPr><w:vanish/></w:rPr><w:t>99</w:t></w:r>")
    assert check_document(hidden).report.values[key] == Decimal("28.16")
    turned_off = _with_cell_xml(data, shown, shown + b'<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>99</w:t></w:r>')
    assert check_document(turned_off).report.values[key] == Decimal("28.1699")


@pytest.mark.parametrize("text", ["10²", "107¹", "①"])
def test_a_superscript_or_circled_digit_is_no_number(text):
    """NFKC would read "10²" as 102: a cell holding one is reported as holding no number."""
    values = reconciling_values(FORMAT_2021, seed=4)
    key = ("proactive", "licenses", "decisions")
    result = check_document(build_report(FORMAT_2021, values, 2021, texts={key: text}))
    assert key not in result.report.values
    assert any(f.cell == key and text in f.message for f in result.findings), [f.message for f in result.findings]


def test_an_amount_of_thirty_digits_is_warned_about_exactly():
    values = reconciling_values(FORMAT_2021, seed=5)
    key = ("proactive", "fees", "amount")
    result = check_document(build_report(FORMAT_2021, values, 2021, texts={key: "9" * 30}))
    [r11] = [f for f in result.findings if f.rule == "R11"]
    assert r11.expected == "99999999999999999999999999.9999"


def test_minus_zero_in_a_report_reads_as_zero():
    """Tables pasted from Excel show "-0.00" for an amount rounded to nothing."""
    values = reconciling_values(FORMAT_2021, seed=6)
    key = ("proactive", "fees", "amount")
    result = check_document(build_report(FORMAT_2021, values, 2021, texts={key: "-0.00"}))
    assert result.report.values[key] == 0 and not [f for f in result.findings if f.cell == key]
