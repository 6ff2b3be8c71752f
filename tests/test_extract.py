"""``extract``: a report back to a TOML input that ``fill`` turns into the same report --
the same number in every cell, the same paragraphs in the same order.

fill → extract → fill is checked on every input in the repository and the tests, and on
hypothesis-generated reports: the second DOCX must be byte-for-byte the first, and the
two inputs must load to the same report."""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO, SEED
from docx_fixtures import build_report, reconciling_values
from reportfill.cli import main
from reportfill.format.formats import APPLICANTS, FORMAT_2019, FORMAT_2021
from reportfill.readers.toml_input import load_input
from reportfill.report import Item, Prose
from reportfill.rules.tables import derive
from reportfill.workflows.check import check_document
from reportfill.workflows.extract import extract
from reportfill.workflows.fill import fill
from test_properties import SETTINGS, numbers_toml, reports

DATA = Path(__file__).parent / "data"
INPUTS = sorted([SEED, *DATA.glob("*.toml")])  # not inputs/*: a user's own drafts may sit there


def same_report(a, b) -> None:
    """Two loaded inputs hold the same report: text for text, total for total."""
    assert (a.agency, a.year, a.title, a.preface) == (b.agency, b.year, b.title, b.preface)
    assert a.prose == b.prose
    assert derive(a.fmt, a.values) == derive(b.fmt, b.values)


def round_trip(source: Path, tmp_path: Path) -> Path:
    """fill ``source``, extract what was written, fill that; both DOCX are identical."""
    first = fill(source, output=tmp_path / "first.docx").output
    extracted = extract(first)
    assert extracted.ok and extracted.zeroed == {}, extracted.findings
    again = tmp_path / "extracted.toml"
    again.write_text(extracted.text, encoding="utf-8")
    second = fill(again, output=tmp_path / "second.docx").output
    same_report(load_input(source), load_input(again))
    assert second.read_bytes() == first.read_bytes()
    return again


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.name)
def test_every_input_survives_fill_extract_fill(source, tmp_path):
    round_trip(source, tmp_path)


# ---------------------------------------------------------------- generated reports

_WORDS = ("政府信息公开", "主动公开", "依申请公开", "门户网站", "政务新媒体", "规范性文件", "办事指南", "答复", "群众",
          "2023年", "438条", "100%", "28.1632万元", "一是", "二是", "、", "，", "；", "“", "”", "《", "》", "（", "）",
          "&", "<b>", "{{ x }}", "{% if %}", "50%", '"', "\\", "'", " ", "A&B", "。")
_TITLE_WORDS = tuple(w for w in _WORDS if w not in ("。", "（", "）", " ")) + ("加强", "工作", "情况")
_AGENCIES = st.builds(lambda place, office: place + office,
                      st.sampled_from(["温县", "河阳县", "孟州市", "沁阳市城关镇", "焦作市山阳区"]),
                      st.sampled_from(["教育局", "人民政府办公室", "人力资源和社会保障局", "市场监督管理局", "人民政府",
                                       "自然资源和规划局", "卫生健康委员会"]))


def _text(words, min_size, max_size):
    return st.lists(st.sampled_from(words), min_size=min_size, max_size=max_size).map("".join).map(str.strip)


# Not what the splitter reads as a sub-heading or a pasted section heading.
paragraph = _text(_WORDS, 2, 24).filter(lambda p: p and not re.match(r"（|[一二三四五六七八九十]+、", p))
paragraphs = st.lists(paragraph, min_size=1, max_size=3).map(tuple)
titles = _text(_TITLE_WORDS, 1, 6).filter(lambda t: t and len(t) <= 30 and t[0] not in "、，")
sections = st.builds(Prose, st.lists(paragraph, max_size=2).map(tuple),
                     st.lists(st.builds(Item, titles, paragraphs), max_size=4).map(tuple)
                     ).filter(lambda p: p.paragraphs or p.items)


def _multiline(lines) -> str:
    return '"""\n' + "\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '\n"""'


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _prose_toml(key: str, prose: Prose) -> str:
    lines = [f"[{key}]"]
    if prose.paragraphs:
        lines.append(f"text = {_multiline(prose.paragraphs)}")
    for item in prose.items:
        lines += [f"[[{key}.items]]", f"title = {_quoted(item.title)}", f"text = {_multiline(item.paragraphs)}"]
    return "\n".join(lines)


@st.composite
def whole_reports(draw):
    """A valid report with realistic agency names and arbitrary prose: numbered items,
    a preface, characters that are markup elsewhere, and now and then its own title."""
    report = draw(reports())
    agency = draw(_AGENCIES)
    preface = draw(st.lists(paragraph, max_size=2))
    title = draw(st.sampled_from([None, f"{agency}2022年政府信息公开工作年度报告（更正）"]))
    lines = [f"agency = {_quoted(agency)}", "year = 2022"]
    lines += [f"title = {_quoted(title)}"] if title else []
    lines += [f"preface = {_multiline(preface)}"] if preface else []
    lines += [_prose_toml(key, draw(sections)) for key in ("overview", "problems", "other")]
    return "\n".join(lines) + "\n" + numbers_toml(report)


@SETTINGS
@given(text=whole_reports())
def test_any_report_survives_fill_extract_fill(text, tmp_path):
    source = tmp_path / "generated.toml"
    source.write_text(text, encoding="utf-8")
    load_input(source)  # the generator writes valid inputs
    round_trip(source, tmp_path)


# ---------------------------------------------------------------- reports made by others


BLANKS = {
    ("applications", "other.no_fee", "research"): "/",
    ("applications", "withheld.state_secret", "commercial"): "—",
    ("appeals", "lawsuit_direct", "pending"): "",
    ("proactive", "coercive_measures", "decisions"): "无",
}


def blank_values():
    """Reconciling values with zeros where the report will show no number."""
    values = {k: v for k, v in reconciling_values(FORMAT_2021, seed=5).items() if k not in FORMAT_2021.derived}
    for key in BLANKS:
        if key[0] == "applications":  # fewer outcomes: fewer received, so that R1 still holds
            values[("applications", "received", key[2])] -= values[key]
            assert values[("applications", "received", key[2])] >= 0
        values[key] = 0
    return derive(FORMAT_2021, values)


def test_a_word_report_with_blank_and_slash_cells(tmp_path):
    values = blank_values()
    source = tmp_path / "某某局2021.docx"
    source.write_bytes(build_report(FORMAT_2021, values, 2021, texts=BLANKS))
    out = tmp_path / "out.toml"
    done = CliRunner().invoke(main, ["extract", str(source), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert done.stdout == f"已提取：{out}（可运行 reportfill fill {out}）\n"
    listed = done.stderr.splitlines()
    assert listed[0] == "以下单元格在原报告中没有数字，已按 0 写入，请核实："
    assert "  表三 （六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 · 科研机构（填写“/”）" in listed
    assert "  表四 · 行政诉讼 · 未经复议直接起诉 · 尚未审结（空白）" in listed
    assert "  表二 行政强制 · 本年处理决定数量（填写“无”）" in listed
    assert len(listed) == 1 + len(BLANKS)

    written = out.read_text(encoding="utf-8")
    assert "coercive_measures = 0 # 行政强制：本年处理决定数量；原报告填写“无”，按 0 写入" in written
    assert "lawsuit_direct = [" in written and "第4个数（尚未审结）原报告空白，按 0 写入" in written
    assert "第2个数（商业企业）原报告填写“—”，按 0 写入" in written
    report = load_input(out)
    assert report.agency == "某某局" and report.year == 2021
    assert report.prose["problems"] == Prose((), (Item("存在问题", ("信息公开的及时性有待提高。",)),
                                                  Item("改进情况", ("下一步将完善信息发布机制。",))))
    filled = fill(out, output=tmp_path / "filled.docx")
    assert check_document(filled.output).report.values == values


def test_a_row_left_blank_is_named_once(tmp_path):
    values = {k: v for k, v in reconciling_values(FORMAT_2021, seed=5).items() if k not in FORMAT_2021.derived}
    blank = {}
    for col in APPLICANTS:
        values[("applications", "partly_disclosed", col)] += values[("applications", "disclosed", col)]
        values[("applications", "disclosed", col)] = 0
        blank[("applications", "disclosed", col)] = ""
    values = derive(FORMAT_2021, values)
    source = tmp_path / "r.docx"
    source.write_bytes(build_report(FORMAT_2021, values, 2021, texts=blank))
    extracted = extract(source)
    assert extracted.ok and extracted.listing() == [("表三 （一）予以公开 整行", "")]
    assert "disclosed = [0, 0, 0, 0, 0, 0] # （一）予以公开；原报告空白，按 0 写入\n" in extracted.text


def test_a_stated_total_that_does_not_add_up_is_kept_and_the_report_has_errors(tmp_path):
    values = reconciling_values(FORMAT_2021, seed=6)
    total = values[("applications", "disclosed", "total")]
    source = tmp_path / "r.docx"
    source.write_bytes(build_report(FORMAT_2021, values, 2021, texts={("applications", "disclosed", "total"): str(total + 1)}))
    out = tmp_path / "r.toml"
    done = CliRunner().invoke(main, ["extract", str(source), "-o", str(out)])
    assert done.exit_code == 1
    assert done.stdout == f"已提取：{out}（请先按下面列出的问题改正 {out}，再运行 reportfill fill {out}）\n"
    assert "【错误】R2 表三 （一）予以公开 · 总计：各分项合计为" in done.stderr
    row = next(line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("disclosed ="))
    parts = [values[("applications", "disclosed", c)] for c in
             ("natural_person", "commercial", "research", "public_interest", "legal_services", "other")]
    assert row.startswith(f"disclosed = [{', '.join(map(str, parts))}, {total + 1}]")
    assert f"写明的总计 {total + 1} 与各项之和 {total} 不符" in row
    refused = CliRunner().invoke(main, ["fill", str(out), "-o", str(tmp_path / "r2.docx")])
    assert refused.exit_code == 2 and "R2" not in refused.output and "前 6 个数之和" in refused.output


def test_a_blank_cell_hiding_a_number_shows_once_the_zero_is_in(tmp_path):
    values = reconciling_values(FORMAT_2021, seed=7)
    key = ("applications", "received", "natural_person")
    assert values[key] > 0
    source = tmp_path / "r.docx"
    source.write_bytes(build_report(FORMAT_2021, values, 2021, texts={key: ""}))
    extracted = extract(source)
    assert extracted.zeroed == {key: ""}
    assert not extracted.ok and {f.rule for f in extracted.findings} >= {"R1"}


def test_text_outside_the_tables_and_the_stated_publication_are_named(tmp_path):
    values = reconciling_values(FORMAT_2021, seed=8)
    source = tmp_path / "r.docx"
    source.write_bytes(build_report(FORMAT_2021, values, 2021, prose={"proactive": ["注：本表数据截至2021年12月31日。"]}))
    done = CliRunner().invoke(main, ["extract", str(source), "-o", str(tmp_path / "r.toml")])
    assert done.exit_code == 0
    assert "“二、主动公开政府信息情况”中表格以外的文字，输入中没有位置，没有提取：\n  注：本表数据截至2021年12月31日。" in done.stderr


def test_a_section_without_text_is_named_and_the_exit_code_says_fill_would_refuse(tmp_path):
    values = reconciling_values(FORMAT_2021, seed=8)
    source = tmp_path / "r.docx"
    source.write_bytes(build_report(FORMAT_2021, values, 2021, prose={"problems": []}))
    out = tmp_path / "r.toml"
    done = CliRunner().invoke(main, ["extract", str(source), "-o", str(out)])
    assert done.exit_code == 1 and out.exists()
    assert "“五、存在的主要问题及改进情况”下没有文字：输入中这一部分必须有文字" in done.stderr
    assert CliRunner().invoke(main, ["fill", str(out), "-o", str(tmp_path / "r2.docx")]).exit_code == 2


def test_a_2019_format_report_is_refused_and_nothing_written(tmp_path):
    source = tmp_path / "2020.docx"
    source.write_bytes(build_report(FORMAT_2019, reconciling_values(FORMAT_2019), 2020))
    out = tmp_path / "out.toml"
    done = CliRunner().invoke(main, ["extract", str(source), "-o", str(out)])
    assert done.exit_code == 2 and not out.exists()
    assert "国办公开办函〔2019〕60号试行格式" in done.stderr and "按国办公开办函〔2021〕30号格式编写" in done.stderr
    assert "reportfill check 核对" in done.stderr
    assert CliRunner().invoke(main, ["check", str(source)]).exit_code == 0


def test_agency_and_year_the_report_does_not_state(tmp_path):
    values = reconciling_values(FORMAT_2021, seed=2)
    source = tmp_path / "r.docx"
    source.write_bytes(build_report(FORMAT_2021, values, 2023, title="2023年政府信息公开工作年度报告"))
    runner = CliRunner()
    refused = runner.invoke(main, ["extract", str(source), "-o", str(tmp_path / "a.toml")])
    assert refused.exit_code == 2 and "--agency" in refused.stderr and not (tmp_path / "a.toml").exists()
    done = runner.invoke(main, ["extract", str(source), "-o", str(tmp_path / "a.toml"), "--agency", "温县教育局"])
    assert done.exit_code == 0, done.output
    written = tomllib.loads((tmp_path / "a.toml").read_text(encoding="utf-8"))
    assert written["agency"] == "温县教育局" and written["title"] == "2023年政府信息公开工作年度报告"


def test_extract_never_overwrites_by_accident(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    filled = fill(SEED, output=tmp_path / "seed.docx").output
    runner = CliRunner()
    assert runner.invoke(main, ["extract", str(filled)]).exit_code == 0
    target = tmp_path / "inputs" / "温县教育局-2021.toml"
    target.write_text("edited", encoding="utf-8")
    again = runner.invoke(main, ["extract", str(filled)])
    assert again.exit_code == 2 and "--force" in again.stderr and target.read_text(encoding="utf-8") == "edited"
    assert runner.invoke(main, ["extract", str(filled), "--force"]).exit_code == 0
    same_report(load_input(target), load_input(SEED))


def test_an_unreadable_file_is_exit_2(tmp_path):
    source = tmp_path / "r.docx"
    source.write_text("not a report", encoding="utf-8")
    done = CliRunner().invoke(main, ["extract", str(source)])
    assert done.exit_code == 2 and "不是 DOCX" in done.stderr


def load_input_text(text: str, tmp_path: Path):
    path = tmp_path / "loaded.toml"
    path.write_text(text, encoding="utf-8")
    return load_input(path)


def test_the_fee_keeps_its_decimals(tmp_path):
    values = {k: v for k, v in reconciling_values(FORMAT_2021, seed=3).items() if k not in FORMAT_2021.derived}
    values[("proactive", "fees", "amount")] = Decimal("28.10")
    source = tmp_path / "r.docx"
    source.write_bytes(build_report(FORMAT_2021, derive(FORMAT_2021, values), 2021))
    extracted = extract(source)
    assert "fees = 28.10 #" in extracted.text
    assert str(load_input_text(extracted.text, tmp_path).values[("proactive", "fees", "amount")]) == "28.10"
