"""The size rules: R11 (an amount in 万元 so large that it was probably typed in 元) and
R12 (a section longer than the format allows, 一、总体情况 "原则上不超过一千字").

Both are warnings: a city's 不动产登记中心 may well collect more than 1 亿元, and the
format's length is a principle, not a limit. They judge what a report says, so a TOML
input (through the document ``fill`` renders from it) and any report ``check`` reads
are judged alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, localcontext

from ..findings import Finding
from ..format.spec import Format
from ..report import Values, plain, show
from ..text import MAX_DIGITS
from .catalogue import finding
from .tables import Source, is_number, table_source

WAN = "万元"
IMPLAUSIBLE_WAN = 10_000  # 1 亿元: more than a county bureau's fees, what 元 typed as 万元 gives
_CHINESE_PUNCTUATION = "“”‘’…—·"  # of ambiguous width, so not told apart by it
_ITEM_NUMBER = r"^\s*[（(][一二三四五六七八九十]+[）)]"  # compiled when a section is long enough to count


def check_amounts(fmt: Format, values: Values, source: Source | None = None) -> list[Finding]:
    """R11: every amount in 万元 of at least 1 亿元, with both readings of the number."""
    source = source or table_source(fmt)
    findings = []
    for table in fmt.tables:
        for key, cell in table.keys:
            if cell.kind != "amount" or table.units.get((cell.row, cell.col)) != WAN:
                continue
            value = values.get(key)
            if is_number(value) and value >= IMPLAUSIBLE_WAN:
                findings.append(_amount_finding(table, cell.row, cell.col, value, source))
    return findings


def _amount_finding(table, row: str, col: str, value, source: Source) -> Finding:
    typed = show(value)
    with localcontext() as exact:  # every digit a cell can hold, and two more places
        exact.prec = 4 * MAX_DIGITS
        in_yuan = show(plain(Decimal(value).scaleb(-4)))  # 元 → 万元, and equally 万元 → 亿元
        rounded = Decimal(in_yuan).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    yi = f"= {in_yuan}" if rounded == Decimal(in_yuan) else f"约 {show(plain(rounded))}"
    message = (
        f"{source.name_cell(table.key, row, col)}：{source.stated} {typed}，按万元是 {typed} 万元（{yi} 亿元）；"
        f"如果这是以元为单位的金额，{typed} 元 = {in_yuan} 万元，应写 {in_yuan}。请核实单位"
    )
    row_name, col_name = table.cell_name(row, col)
    return finding("R11", table.name, row_name, col_name, in_yuan, typed, message, (table.key, row, col))


def check_lengths(fmt: Format, sections: dict[str, Sequence[str]]) -> list[Finding]:
    """R12: the sections whose text (``sections``: paragraphs by section key, sub-headings
    included) runs past the length the format sets."""
    findings = []
    for section in fmt.sections:
        paragraphs = sections.get(section.key)
        if section.max_chars is None or paragraphs is None \
                or sum(map(len, paragraphs)) <= section.max_chars:  # a character counts at most 1
            continue
        length = sum(count_chars(re.sub(_ITEM_NUMBER, "", p)) for p in paragraphs)
        if length > section.max_chars:
            message = (
                f"“{section.heading}”共 {length} 字（汉字和标点各计 1 字，连续的数字或字母计 1 字，"
                f"小节编号不计），格式要求篇幅原则上不超过 {section.max_chars} 字：请精简约 "
                f"{length - section.max_chars} 字"
            )
            findings.append(finding("R12", "", section.heading, "", str(section.max_chars),
                                    str(length), message))
    return findings


def count_chars(text: str) -> int:
    """Characters as a Chinese editor counts them: each Chinese character and each
    punctuation mark of Chinese text (“”、……) is one, and so is each run of digits or
    letters ("2021年" is two, "100%" one)."""
    count = 0
    in_run = False
    for ch in text:
        if ch.isspace():
            in_run = False
        elif unicodedata.east_asian_width(ch) in ("W", "F") or ch in _CHINESE_PUNCTUATION:
            count += 1
            in_run = False
        elif not in_run:
            count += 1
            in_run = True
    return count

