"""The structure rules: R9 (the six headings, in order; the title's year; the layout of
the report's year) and R10 (section 六 states the 信息处理费)."""

from __future__ import annotations

import re

from ..findings import Finding
from ..format.formats import FIELDS, format_or_none
from ..format.spec import Format
from ..text import nfkc
from .catalogue import finding

YEAR_IN_TITLE = re.compile(r"(\d{4})\s*年")


def check_structure(fmt: Format, title: str, year: int | None, headings: list[str],
                    worded: dict[str, str] | None = None, *, title_year_severity: str = "warning") -> list[Finding]:
    """R9: the six headings, present, worded as the format has them, and in order; the
    title's year is the report year. ``worded`` maps a heading found worded otherwise
    to the wording the report uses: it is present, and reported with that wording.

    A title naming another year is a warning in a report someone else made (the year
    may be stated elsewhere in it), ``title_year_severity`` otherwise: an input's title
    is printed as it is, and the report written would be read as that year's."""
    findings = []
    expected = [s.heading for s in fmt.sections]
    missing = [h for h in expected if h not in headings]
    for h in missing:
        findings.append(finding("R9", "", h, "", h, None, f"缺少标题“{h}”：六个部分的标题须齐全，按规定顺序排列"))
    for h, found in (worded or {}).items():
        if h in headings:
            findings.append(finding("R9", "", h, "", h, found,
                                    f"标题“{found}”与规定的标题“{h}”不一致，请改为规定的写法"))
    present = [h for h in headings if h in expected]
    if not missing and present != expected:
        findings.append(finding("R9", "", "", "", "、".join(expected), "、".join(present),
                                f"六个部分的顺序不对：应为 {'、'.join(h[:2].rstrip('、') for h in expected)}，文中为 {'、'.join(h[:2].rstrip('、') for h in present)}"))
    stated = title_year(title)
    if year is not None and stated is not None and stated != year:
        findings.append(finding("R9", "", FIELDS["title"], "", str(year), str(stated),
                                f"标题中的年度为 {stated} 年，报告年度为 {year} 年：请改正标题中的年度",
                                severity=title_year_severity))
    return findings


def title_year(title: str | None) -> int | None:
    """The year a title names ("…2021年政府信息公开工作年度报告"), or None."""
    found = YEAR_IN_TITLE.search(nfkc(title or ""))
    return int(found.group(1)) if found else None


def check_fee_statement(fmt: Format, other_section_text: str) -> list[Finding]:
    """R10: section 六 says whether 信息处理费 was charged (2021 format)."""
    if not fmt.fee_statement or any(word in other_section_text for word in fmt.fee_statement):
        return []
    heading, fee = fmt.sections[-1].heading, fmt.fee_statement[0]
    return [finding("R10", "", heading, "", fee, None,
                    f"“{heading}”未说明{fee}的收取情况（未收取也建议写明“本年度未收取{fee}”）")]


def check_layout_year(fmt: Format, year: int | None) -> list[Finding]:
    """R9: the tables are laid out in the format of the report's year (a 2021 or later
    report in the 2019 trial layout is wrong as a whole, not cell by cell)."""
    right = format_or_none(year)
    if right is None or right is fmt:
        return []
    years = f"{fmt.first_year}–{fmt.last_year} 年度" if fmt.last_year else f"{fmt.first_year} 年度及以后"
    message = f"{year} 年度的报告应使用{right.basis}规定的表格格式，本报告的表格是{fmt.basis}的格式（用于 {years}的报告）"
    return [finding("R9", "", "表格格式", "", right.basis, fmt.basis, message)]
