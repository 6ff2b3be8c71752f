"""check --previous-dir: every report is paired with its own agency's report of the year
before, found by what the reports say (agency and year), whatever the files and folders
are called; a report without a partner is listed and compared with nothing; and one
last-year report is never applied to several agencies' reports.

The reports are made so that a right pairing has no R6 error and any wrong one has: this
year's 上年结转 is the partner's 结转下年度 and no one else's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from docx_fixtures import build_report, reconciling_values
from reportfill.agencies import same_agency
from reportfill.cli import main
from reportfill.format.formats import APPLICANTS, FORMAT_2021
from reportfill.rules.tables import derive
from reportfill.workflows.pairing import check_paired
from test_check import NEXT_YEAR_PROSE, next_year_values

TITLE = "{}{}年政府信息公开工作年度报告"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def write(path: Path, agency: str, year: int, values) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build_report(FORMAT_2021, values, year, title=TITLE.format(agency, year),
                                  prose=NEXT_YEAR_PROSE if year % 2 else None))
    return path


def distinct(values, seed: int):
    """``values`` with a 结转下年度 no other agency's has, so that a wrong pairing breaks R6
    (and enough 现行有效件数 for next year's to stay positive)."""
    out = {k: v for k, v in values.items() if k not in FORMAT_2021.derived}
    for row in ("regulations", "normative_documents"):
        out[("proactive", row, "in_force")] += 50
    for col in APPLICANTS:
        out[("applications", "to_next_year", col)] += seed
        out[("applications", "received", col)] += seed
    return derive(FORMAT_2021, out)


@pytest.fixture
def folders(tmp_path):
    """This year's folder and last year's, files named without regard to their content:

    - 温县人民政府办公室 2023 ← its 2022 report as "温县政府办公室" (人民政府/政府);
    - 温县教育局 2023 ← "温县 教育局" 2022 (a space), beside its 2021 report (another year);
    - 温县第1中学 2023 ← "温县第１中学" 2022 (a full-width digit);
    - 温县财政局 2022, a late report in this year's folder ← its 2021 report;
    - 温县水利局 2023 has no partner; 温县审计局's 2022 report has no report of this year.
    Last year's files carry the names of other agencies' reports, to mislead."""
    now, last = tmp_path / "2023年报告（收文）", tmp_path / "归档" / "去年"
    plan = [  # (this year's agency, year, its file; last year's agency as written, year, its file)
        ("温县人民政府办公室", 2023, "01.docx", "温县政府办公室", 2022, "温县教育局.docx"),
        ("温县教育局", 2023, "02.docx", "温县 教育局", 2022, "温县财政局.docx"),
        ("温县第1中学", 2023, "03.docx", "温县第１中学", 2022, "x.docx"),
        ("温县财政局", 2022, "04.docx", "温县财政局", 2021, "温县人民政府办公室.docx"),
    ]
    expected = {}
    for n, (agency, year, name, written, before, old) in enumerate(plan):
        previous = distinct(reconciling_values(FORMAT_2021, seed=n), n)
        expected[str(write(now / name, agency, year, next_year_values(previous, seed=10 + n)))] = \
            str(write(last / old, written, before, previous))
    write(last / "02-2021.docx", "温县教育局", 2021, distinct(reconciling_values(FORMAT_2021, seed=40), 7))
    write(now / "05.docx", "温县水利局", 2023, reconciling_values(FORMAT_2021, seed=41))
    write(last / "05.docx", "温县审计局", 2022, reconciling_values(FORMAT_2021, seed=42))
    return now, last, expected


def test_every_report_is_paired_with_its_own_agencys_last_year(folders):
    now, last, expected = folders
    pairing = check_paired([now], last, jobs=2)
    partners = {r.source: r.previous for r in pairing.results if r.previous}
    assert partners == expected
    water = str(now / "05.docx")
    assert list(pairing.unpaired) == [water]
    assert "上年文件夹中没有“温县水利局”的报告" in pairing.unpaired[water]
    assert [r.source for r in pairing.unused] == [str(last / "02-2021.docx"), str(last / "05.docx")]
    by_source = {r.source: r for r in pairing.results}
    for source, partner in expected.items():
        result = by_source[source]
        assert not [f for f in result.findings if f.rule in ("R6", "R7")], result.findings
        assert result.reuse is not None and result.reuse.previous_year == result.report.year - 1
    [note] = [f for f in by_source[water].findings if f.rule in ("P1", "R6")]
    assert (note.rule, note.severity) == ("P1", "warning")
    assert by_source[water].reuse is None and not by_source[water].previous


def test_no_r6_finding_ever_compares_two_agencies(folders, tmp_path):
    now, last, _ = folders
    # Break one carry-over: the R6 error is found, against the same agency's report only.
    broken = now / "03.docx"
    values = reconciling_values(FORMAT_2021, seed=77)
    write(broken, "温县第1中学", 2023, values)
    pairing = check_paired([now], last, jobs=2)
    for result in pairing.results:
        for f in result.findings:
            if f.rule == "R6":
                assert result.source == str(broken)
        if result.previous:
            partner = next(p for p in pairing.previous if p.source == result.previous)
            assert same_agency(result.report.agency, partner.report.agency)
            assert partner.report.year == result.report.year - 1
    assert any(f.rule == "R6" for f in next(r for r in pairing.results
                                                                         if r.source == str(broken)).findings)


def test_several_candidates_of_one_year_pair_with_none(folders):
    now, last, expected = folders
    copy = last / "温县教育局-副本.docx"
    original = Path(expected[str(now / "02.docx")])
    copy.write_bytes(original.read_bytes())
    pairing = check_paired([now], last, jobs=1)
    why = pairing.unpaired[str(now / "02.docx")]
    assert "有 2 份“温县教育局”2022 年度的报告" in why and str(copy) in why
    assert not next(r for r in pairing.results if r.source == str(now / "02.docx")).previous


def test_the_command_lists_pairs_and_missing_partners(folders):
    now, last, expected = folders
    done = run("check", now, "--previous-dir", last)
    assert done.exit_code == 0, done.output
    block = done.output.split("== 与上年报告配对 ==")[1]
    assert "4 份报告找到了本机关上一年度的报告并作了跨年核对；1 份没有找到。" in block
    assert f"  {now / '05.docx'}：上年文件夹中没有“温县水利局”的报告" in block
    assert f"  {last / '05.docx'}（温县审计局，2022 年度）" in block
    for source, partner in expected.items():
        assert f"== {source} ==\n" in done.output
    as_json = json.loads(run("check", now, "--previous-dir", last, "--json").stdout)
    assert {item["path"]: item["previous"] for item in as_json if item["previous"]} == expected


def test_unreadable_last_year_file_is_listed_and_exit_2(folders):
    now, last, _ = folders
    (last / "坏文件.docx").write_bytes(b"not a report")
    done = run("check", now, "--previous-dir", last)
    assert done.exit_code == 2
    assert "上年文件夹中无法读取的文件：" in done.output and "坏文件.docx" in done.output
    assert "上年文件夹中有 1 个文件无法读取，本机关的报告可能在其中" in done.output


def test_what_last_years_folder_holds_besides_reports_is_listed(folders):
    now, last, _ = folders
    (last / "子文件夹").mkdir()
    (last / "名单.xlsx").write_bytes(b"PK")
    done = run("check", now, "--previous-dir", last)
    assert done.exit_code == 0, done.output
    block = done.output.split("== 与上年报告配对 ==")[1]
    assert "上年文件夹中没有读取的：" in block
    assert f"  {last / '子文件夹'}：这是子文件夹，不核对其中的文件" in block and f"  {last / '名单.xlsx'}：" in block


def test_previous_dir_must_be_a_folder_and_not_with_previous(folders):
    now, last, expected = folders
    one = next(iter(expected.values()))
    assert run("check", now, "--previous-dir", one).exit_code == 2
    assert run("check", now, "--previous-dir", last, "--previous", one).exit_code == 2


def test_one_previous_report_with_several_agencies_is_refused(folders):
    now, last, expected = folders
    first, second = (Path(p) for p in list(expected)[:2])
    done = run("check", first, second, "--previous", expected[str(first)])
    assert done.exit_code == 2
    assert "只给了一份上一年度的报告（“温县政府办公室”的）" in done.output
    assert "“温县人民政府办公室”" in done.output and "“温县教育局”" in done.output and "--previous-dir" in done.output
    # versions of one agency's report are fine
    draft = first.with_name("01-修改稿.docx")
    draft.write_bytes(first.read_bytes())
    assert run("check", first, draft, "--previous", expected[str(first)]).exit_code == 0


def test_another_agencys_report_as_previous_is_not_compared(folders):
    now, last, expected = folders
    first, second = list(expected)[:2]
    done = json.loads(run("check", first, "--previous", expected[second], "--json").stdout)
    assert done["previous"] is None and done["reuse"] is None
    assert [(f["rule"], f["severity"]) for f in done["findings"]] == [("P1", "warning")]
    assert "没有进行跨年核对" in done["findings"][0]["message"]
