"""R11 (an amount in 万元 that reads as 元) and R12 (一、总体情况 past 一千字), on reports
built the way Word makes them: the rules a TOML input meets through the report ``fill``
renders from it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from docx_fixtures import build_report, reconciling_values
from prose_samples import LONG_OVERVIEW_TEXT, long_overview_paragraphs
from reportfill.format.formats import FORMAT_2019, FORMAT_2021
from reportfill.rules.catalogue import RULES
from reportfill.rules.sizes import count_chars
from reportfill.workflows.check import check_document

FEE = ("proactive", "fees", "amount")


def size_findings(values=None, prose=None, fmt=FORMAT_2021, year=2021):
    result = check_document(build_report(fmt, values or reconciling_values(fmt), year, prose=prose))
    return [f for f in result.findings if f.rule in ("R11", "R12")], result


@pytest.mark.parametrize("text, count", [
    ("2021年，县教育局“古温教育”100%", 14),  # 2021 年 ， 县 教 育 局 “ 古 温 教 育 ” 100%
    ("全年主动公开信息638条。", 11),  # 8 + 638 + 条 + 。
    ("一是……二是", 6),
    ("Word 文档", 3),
    ("", 0),
])
def test_characters_are_counted_as_an_editor_counts_them(text, count):
    assert count_chars(text) == count


@pytest.mark.parametrize("fee, warned", [
    (Decimal("28.1632"), False), (Decimal("9999.9999"), False), (10000, True), (281632, True), (Decimal("12345.67"), True),
])
def test_a_fee_of_1_亿元_or_more_is_a_warning_with_both_readings(fee, warned):
    values = reconciling_values(FORMAT_2021)
    values[FEE] = fee
    findings, result = size_findings(values)
    assert result.ok
    if not warned:
        assert findings == []
        return
    [finding] = findings
    assert (finding.rule, finding.severity, finding.table, finding.row, finding.cell) == (
        "R11", "warning", "表二", "行政事业性收费", FEE)
    assert RULES["R11"].severity == "warning"
    if fee == 10000:
        assert finding.message == (
            "表二 行政事业性收费 · 本年收费金额（单位：万元）：表中填写 10000，按万元是 10000 万元（= 1 亿元）；"
            "如果这是以元为单位的金额，10000 元 = 1 万元，应写 1。请核实单位")
    if fee == Decimal("12345.67"):
        assert "12345.67 万元（约 1.23 亿元）" in finding.message and "12345.67 元 = 1.234567 万元，应写 1.234567" in finding.message


def test_the_2019_format_has_no_amount_in_万元():
    findings, _ = size_findings(fmt=FORMAT_2019, year=2020)
    assert findings == []


def test_an_overview_past_一千字_is_a_warning_naming_its_length():
    paragraphs = long_overview_paragraphs()
    findings, result = size_findings(prose={"overview": paragraphs})
    assert result.ok
    [finding] = findings
    assert (finding.rule, finding.severity, finding.row, finding.expected, finding.actual) == (
        "R12", "warning", "一、总体情况", "1000", "1079")
    assert "共 1079 字" in finding.message and "请精简约 79 字" in finding.message


def test_an_overview_of_exactly_一千字_passes_and_numbering_is_not_counted():
    chinese = "".join(ch for ch in LONG_OVERVIEW_TEXT * 20 if not ch.isascii())  # one character, one count
    exactly = [chinese[:1000]]
    assert count_chars(exactly[0]) == 1000
    assert size_findings(prose={"overview": exactly})[0] == []
    assert size_findings(prose={"overview": ["（一）工作情况", exactly[0][:-4]]})[0] == []  # 4 + 996
    [finding] = size_findings(prose={"overview": [exactly[0] + "。"]})[0]
    assert finding.actual == "1001"


def test_other_sections_may_be_long():
    findings, _ = size_findings(prose={"problems": long_overview_paragraphs()})
    assert findings == []
