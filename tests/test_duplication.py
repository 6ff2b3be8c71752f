"""D1, the duplication rate: how much of this year's prose is last year's, on realistic
report text (tests/data: a county bureau's 2022 report, its 2023 report made from it
with only the numbers and a few words changed, and its 2023 report written anew)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportfill.cli import main
from reportfill.format.formats import FORMAT_2021
from reportfill.readers.toml_input import load_input
from reportfill.report import Prose
from reportfill.rules.duplication import THRESHOLD, check_reuse, measure, sentences

DATA = Path(__file__).parent / "data"
LAST = DATA / "heyang-hrss-2022.toml"
COPIED = DATA / "heyang-hrss-2023-copied.toml"
REWRITTEN = DATA / "heyang-hrss-2023-rewritten.toml"


def rates(reuse) -> dict[str, float | None]:
    return {s.key: s.rate for s in reuse.sections} | {"": reuse.whole.rate}


def test_numbers_changed_and_wording_kept_scores_high():
    reuse = measure(load_input(COPIED), load_input(LAST))
    assert rates(reuse) == {"overview": 1.0, "problems": 1.0, "other": None, "": 1.0}
    assert reuse.whole.sentences == reuse.whole.reused_sentences == 21  # the three reworded ones included
    [finding] = check_reuse(reuse)
    assert (finding.rule, finding.severity, finding.actual) == ("D1", "warning", "100%")
    assert finding.message.startswith("正文 100% 的文字与 2022 年度的报告基本相同（21 句中有 21 句），超过 50%；"
                                      "重复最多的是“一、总体情况”100%、“五、存在的主要问题及改进情况”100%。")


def test_a_report_rewritten_in_new_words_scores_low():
    reuse = measure(load_input(REWRITTEN), load_input(LAST))
    assert reuse.whole.rate == 0.0 and reuse.whole.sentences == 22
    assert check_reuse(reuse) == []


def test_the_warning_names_the_most_reused_sections():
    copied, rewritten = load_input(COPIED), load_input(REWRITTEN)
    mixed = replace(rewritten, prose={**rewritten.prose, "overview": copied.prose["overview"]})
    reuse = measure(mixed, load_input(LAST))
    assert reuse.sections[0].rate == 1.0 and reuse.sections[1].rate == 0.0
    assert THRESHOLD < reuse.whole.rate < 1.0
    [finding] = check_reuse(reuse)
    assert "重复最多的是“一、总体情况”100%。" in finding.message and "五、" not in finding.message

    other_way = replace(rewritten, prose={**rewritten.prose, "problems": copied.prose["problems"]})
    reuse = measure(other_way, load_input(LAST))
    assert reuse.sections[1].rate == 1.0 and reuse.whole.rate < THRESHOLD and check_reuse(reuse) == []


def test_boilerplate_is_left_out():
    last = load_input(LAST)
    kept = sentences(FORMAT_2021, [
        *last.preface,  # the 导语 is never compared, and it cites the 条例 and the format anyway
        "本年度未收取信息处理费。", "无其他需要报告的事项。",
        "深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外。",
        "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。",
        "三是加强培训。",
        "全年主动公开政府信息412条，其中政策文件9件。",
    ])
    assert kept == ["全年主动公开政府信息#条其中政策文件#件"]
    only_boilerplate = replace(last, preface=(), prose={key: Prose(("本年度未收取信息处理费。", "无其他需要报告的事项。"))
                                                        for key in last.prose})
    assert measure(only_boilerplate, last).whole.rate is None and check_reuse(measure(only_boilerplate, last)) == []


def test_item_titles_are_structure_not_reuse():
    copied, rewritten = load_input(COPIED), load_input(REWRITTEN)
    assert [i.title for i in copied.prose["overview"].items] == [i.title for i in rewritten.prose["overview"].items]
    assert measure(rewritten, load_input(LAST)).whole.reused_sentences == 0


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("years")
    paths = {}
    for source in (LAST, COPIED, REWRITTEN):
        paths[source.stem] = out / f"{source.stem}.docx"
        done = CliRunner().invoke(main, ["fill", str(source), "-o", str(paths[source.stem])])
        assert done.exit_code == 0, done.output
    return paths


def test_check_previous_reports_the_rate_in_text_and_json(filled):
    runner = CliRunner()
    last = filled["heyang-hrss-2022"]
    copied = runner.invoke(main, ["check", str(filled["heyang-hrss-2023-copied"]), "--previous", str(last)])
    assert copied.exit_code == 0  # a warning, not an error
    lines = copied.output.splitlines()
    assert lines[2] == f"上年报告：{last}"
    assert lines[3] == ("与 2022 年度报告的重复率：100%（21 句中 21 句与上年基本相同；"
                        "一、总体情况 100%，五、存在的主要问题及改进情况 100%，六、其他需要报告的事项 —）")
    assert any(line.startswith("  【提醒】D1 正文 100% 的文字与 2022 年度的报告基本相同") for line in lines)

    as_json = json.loads(runner.invoke(main, ["check", str(filled["heyang-hrss-2023-rewritten"]),
                                              "--previous", str(LAST), "--json"]).output)
    assert as_json["findings"] == []
    reuse = as_json["reuse"]
    assert (reuse["previous_year"], reuse["threshold"], reuse["rate"], reuse["sentences"], reuse["reused_sentences"]) == (
        2022, 0.5, 0.0, 22, 0)
    assert [(s["section"], s["heading"], s["rate"]) for s in reuse["sections"]] == [
        ("overview", "一、总体情况", 0.0), ("problems", "五、存在的主要问题及改进情况", 0.0),
        ("other", "六、其他需要报告的事项", None)]
    plain = json.loads(runner.invoke(main, ["check", str(last), "--json"]).output)
    assert plain["reuse"] is None


def test_fill_previous_reports_the_rate_and_writes_the_report(filled, tmp_path):
    runner = CliRunner()
    out = tmp_path / "2023.docx"
    done = runner.invoke(main, ["fill", str(COPIED), "-o", str(out), "--previous", str(filled["heyang-hrss-2022"])])
    assert done.exit_code == 0 and out.exists()
    assert done.output.splitlines()[0].startswith("与 2022 年度报告的重复率：100%")
    assert "提示（D1）：正文 100% 的文字与 2022 年度的报告基本相同" in done.output
    rewritten = runner.invoke(main, ["fill", str(REWRITTEN), "-o", str(out), "--previous", str(LAST)])
    assert rewritten.exit_code == 0 and "D1" not in rewritten.output
    assert "与 2022 年度报告的重复率：0%" in rewritten.output


def test_fill_previous_refuses_a_report_that_breaks_r6(tmp_path):
    broken = tmp_path / "2023.toml"
    text = COPIED.read_text(encoding="utf-8")
    broken.write_text(text.replace("from_last_year   = [1, 0, 0, 0, 0, 0]", "from_last_year   = [0, 1, 0, 0, 0, 0]")
                      .replace("received         = [6, 1, 0, 0, 0, 0]", "received         = [7, 0, 0, 0, 0, 0]"),
                      encoding="utf-8")
    out = tmp_path / "2023.docx"
    done = CliRunner().invoke(main, ["fill", str(broken), "-o", str(out), "--previous", str(LAST)])
    assert done.exit_code == 1 and not out.exists()
    assert "表三 二、上年结转政府信息公开申请数量 · 自然人" in done.stderr
    assert CliRunner().invoke(main, ["fill", str(broken), "-o", str(out)]).exit_code == 0  # R6 needs last year's


def test_fill_previous_with_several_inputs_is_a_usage_error(tmp_path):
    done = CliRunner().invoke(main, ["fill", str(COPIED), str(REWRITTEN), "--previous", str(LAST)])
    assert done.exit_code == 2 and "--previous" in done.output


def test_fill_previous_that_cannot_be_read_is_exit_2_and_nothing_written(tmp_path):
    out = tmp_path / "2023.docx"
    done = CliRunner().invoke(main, ["fill", str(COPIED), "-o", str(out), "--previous", str(tmp_path / "none.docx")])
    assert done.exit_code == 2 and not out.exists()
    assert "上一年度的报告无法读取：找不到这个文件" in done.stderr
