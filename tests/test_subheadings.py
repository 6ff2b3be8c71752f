"""Numbered sub-headings found in a section's paragraphs, in the forms real reports use;
and every report read back has its items."""

from __future__ import annotations

import pytest

from conftest import SEED, SHARED
from reportfill.readers.toml_input import load_input
from reportfill.report import Item, Prose
from reportfill.subheadings import numeral, split
from reportfill.workflows.check import check_document
from reportfill.workflows.fill import fill

SEED_TEXT = next((SHARED / "seed").glob("*.txt"), None) if (SHARED / "seed").is_dir() else None


def test_sub_headings_on_a_line_of_their_own():
    assert split(["2023年，我局认真贯彻落实……", "（一）主动公开", "全年主动公开信息438条。", "还更新了办事指南。",
                  "（二）依申请公开", "全年收到申请7件。"]) == Prose(
        ("2023年，我局认真贯彻落实……",),
        (Item("主动公开", ("全年主动公开信息438条。", "还更新了办事指南。")), Item("依申请公开", ("全年收到申请7件。",))))


@pytest.mark.parametrize("heading", ["(一) 及时主动公开", "(一)及时主动公开", "（一）、及时主动公开", "（ 一 ）及时主动公开",
                                     "(一）及时主动公开", "（一）.及时主动公开"])
def test_half_width_brackets_spaces_and_a_comma_after_the_number(heading):
    assert split([heading, "正文。"]).items == (Item("及时主动公开", ("正文。",)),)


def test_run_in_bold_sub_headings():
    prose = split(["（一）主动公开情况。2024年，全县主动公开政府信息1 208条。", "其中政策文件32件。",
                   "（二）依申请公开方面：全年收到申请15件，均按期答复。",
                   "（三）强化组织领导，压实工作责任。成立工作专班。"])
    assert prose == Prose((), (
        Item("主动公开情况", ("2024年，全县主动公开政府信息1 208条。", "其中政策文件32件。")),
        Item("依申请公开方面", ("全年收到申请15件，均按期答复。",)),
        Item("强化组织领导，压实工作责任", ("成立工作专班。",))))


def test_a_heading_ending_with_a_stop_is_kept_as_written():
    assert split(["（一）存在问题。", "信息更新不够及时。"]).items == (Item("存在问题。", ("信息更新不够及时。",)),)


@pytest.mark.parametrize("paragraphs", [
    ["（一）存在问题", "一是……", "（三）改进情况", "二是……"],  # a number skipped
    ["存在问题：", "（一）更新不及时", "慢。", "改进措施：", "（一）专人负责", "快。"],  # numbering restarted
    ["（一）加强学习培训，提高业务水平。", "（二）完善工作机制，规范公开流程。"],  # a list of points, no text under them
    ["（一）2023年我局通过门户网站、政务新媒体等渠道主动公开各类政府信息四百余条，较上年有所增加。", "（二）依申请公开", "无。"],
    ["（二）改进情况", "下一步……"],  # not from （一）
])
def test_numbering_that_fill_would_not_print_back_keeps_the_paragraphs(paragraphs):
    assert split(paragraphs) == Prose(tuple(paragraphs))


def test_other_levels_stay_in_the_text():
    paragraphs = ["一、总体情况", "（一）主动公开", "1.政策文件", "（1）规范性文件3件。", "一是更新及时。"]
    assert split(paragraphs) == Prose(("一、总体情况",), (Item("主动公开", tuple(paragraphs[2:])),))


def test_a_line_break_inside_a_paragraph_makes_two_and_blank_lines_go():
    assert split(["第一行\n第二行", "  ", "（一）小标题\n正文"]) == Prose(("第一行", "第二行"), (Item("小标题", ("正文",)),))


def test_more_than_ten_items():
    numbers = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    prose = split([line for n in numbers for line in (f"（{n}）第{n}项", f"第{n}项的正文。")])
    assert [item.title for item in prose.items] == [f"第{n}项" for n in numbers]


@pytest.mark.parametrize("text, value", [("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("二十", 20), ("二十三", 23),
                                         ("九十九", 99), ("十十", None), ("一二", None), ("零", None)])
def test_numerals(text, value):
    assert numeral(text) == value


@pytest.mark.skipif(SEED_TEXT is None, reason="../shared/seed is not beside the repository")
def test_the_published_seed_reports_sections():
    lines = [line.strip() for line in SEED_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    overview = lines[lines.index("一、总体情况") + 1: lines.index("二、主动公开政府信息情况")]
    problems = lines[lines.index("五、存在的主要问题及改进情况") + 1: lines.index("六、其他需要报告的事项")]
    seed = load_input(SEED)
    assert split(overview) == seed.prose["overview"]
    assert split(problems) == seed.prose["problems"]


def test_a_filled_report_reads_back_with_its_items(tmp_path):
    filled = fill(SEED, output=tmp_path / "seed.docx")
    assert check_document(filled.output).report.prose == load_input(SEED).prose
