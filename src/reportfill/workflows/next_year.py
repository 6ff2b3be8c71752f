"""Start a year's input from last year's report (``reportfill new … --from LAST``).

Every January a department's staff start from last year's report. What carries over is
what the format ties across years (its continuity rules, R6 and R7) and the report's
shape; what does not is the year's figures and words:

- a number that must equal last year's (二、上年结转 = last year's 四、结转下年度继续办理)
  is written with a comment saying where it came from;
- a number last year's only bounds (现行有效件数, R7) gets last year's figure and the
  rule in a comment, and stays 0 to be filled in;
- each prose section keeps last year's sub-headings, with last year's text as comments
  under each, to write against rather than to reuse (``check --previous`` measures the
  reuse); every other number is 0.

LAST is last year's TOML or any report a reader handles; it must be the same agency's
(compared by :func:`reportfill.agencies.same_agency`) and, unless a gap year is allowed,
the year before's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from pathlib import Path

from ..agencies import same_agency
from ..errors import Problem, ReportfillError
from ..files import Written
from ..format.spec import Continuity, Format
from ..readers.toml_input import PROSE_KEYS
from ..report import Item, Prose, Report, show
from ..writers.scaffold import Notes, blank_report, default_input_path, input_text, write_input
from .check import read_previous


class GapYear(ReportfillError):
    """Last year's report is of a year before the year before: accepted only when there
    was a gap year, which the caller says how to state (a flag, a check box)."""


@dataclass
class Started:
    """A new input written from last year's report, and what the clerk should know:
    ``warnings`` in Chinese, such as a last-year report without an agency name."""

    text: str
    warnings: list[str]


def start_from(agency: str, year: int, last: Path | str | bytes, *, gap_year: bool = False,
               today: datetime.date | None = None, name: str | None = None) -> Started:
    """The input for ``agency`` and ``year`` started from the report at ``last`` (or in
    its bytes, an upload, named ``name``).

    Raises :class:`ReportfillError` when ``last`` cannot be read, is another agency's, or
    a later year's; :class:`GapYear` when it is an earlier year's than the year before's
    (accepted with ``gap_year``)."""
    prior = read_previous(last, name)
    report = blank_report(agency, year, today=today)  # refuses a year that cannot be filled
    before = prior.report
    where = name or str(last)
    warnings = _check_pairing(where, agency, year, before, gap_year)
    if prior.errors:
        warnings.append(f"上一年度的报告有 {len(prior.errors)} 处错误（可用 reportfill check 查看），"
                        "从中结转的数字请核实")
    shown = Path(where).name
    source = f"{before.year}年度报告（{shown}）" if before.year else f"上一年度的报告（{shown}）"
    structure = {key: Prose((), tuple(Item(item.title, ()) for item in before.prose[key].items))
                 for key in PROSE_KEYS if key in before.prose}
    carried, cells, rows = _carry(report.fmt, before, source)
    notes = Notes(
        header=(f"以{source}为基础新建：结转的数字已填好，小标题沿用上年，上年的文字在注释中供对照；",
                "请按本年度的实际情况撰写文字、填写数字，然后运行：reportfill fill 本文件.toml"),
        cells=cells, rows=rows, earlier={key: before.prose[key] for key in structure},
    )
    report = replace(report, prose={**report.prose, **structure}, values=carried)
    return Started(input_text(report, notes), warnings)


def write_started(agency: str, year: int, last: Path | str, target: Path | None = None, *,
                  force: bool = False, gap_year: bool = False) -> tuple[Started, Written]:
    """:func:`start_from` written to ``target`` (default ``inputs/{agency}-{year}.toml``);
    ``gap_year`` allows a report older than the year before's, ``force`` replaces an
    existing file (keeping it as ``name.bak.toml``)."""
    started = start_from(agency, year, last, gap_year=gap_year)
    return started, write_input(started.text, target or default_input_path(agency, year), force=force)


def _check_pairing(where: str, agency: str, year: int, before: Report, gap_year: bool) -> list[str]:
    """Refuse another agency's report or another year's; warn where ``before`` does not
    say whose or which year's it is."""
    warnings = []
    if not before.agency:
        warnings.append("上一年度的报告中找不到机关名称，无法确认是本机关的报告，请自行核对")
    elif not same_agency(agency, before.agency):
        raise ReportfillError(Problem(where, (
            f"这是“{before.agency}”的报告，新建的是“{agency}”的输入：只能以本机关上一年度的报告为基础。"
            "如果机关名称有变化，请用报告上的名称新建，再修改 agency")))
    if before.year is None:
        warnings.append("上一年度的报告中找不到报告年度，请确认它是上一年度的报告")
    elif before.year >= year:
        raise ReportfillError(Problem(where, (
            f"这是 {before.year} 年度的报告，新建的是 {year} 年度的输入：应以 {year - 1} 年度的报告为基础")))
    elif before.year != year - 1 and not gap_year:
        raise GapYear(Problem(where, (
            f"这是 {before.year} 年度的报告，新建的是 {year} 年度的输入：应以 {year - 1} 年度的报告为基础；"
            f"如果 {year - 1} 年度确实没有报告，也可以以 {before.year} 年度的报告为基础")))
    return warnings


def _carry(fmt: Format, before: Report, source: str):
    """The values carried over and the notes on them, from the format's continuity rules:
    a rule with one term this year carries last year's figure into it; a rule with more
    terms (R7) gets last year's figure and the rule in a comment."""
    values, cells, rows = {}, {}, {}
    for rule in fmt.continuity:
        table = fmt.table[rule.table]
        (row, col, _), *others = rule.this_year
        key = (rule.table, row, col)
        previous = [before.values.get((rule.table, r, c)) for r, c in rule.last_year]
        known = all(isinstance(v, int) for v in previous)
        if not others:
            if key in fmt.derived:
                continue
            values[key] = sum(previous) if known else 0
            last_row = table.cell_name(*rule.last_year[0])[0]
            rows[(rule.table, row)] = f"来自{source}的“{last_row}”"
            if not known:
                cells[key] = "上年报告中此处没有数字，暂按 0 写入，请核实"
            continue
        rows[(rule.table, row)] = _base(table, rule, show(sum(previous)) if known else None)
    return values, cells, rows


def _base(table, rule: Continuity, figure: str | None) -> str:
    """"上年现行有效件数 11；现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数"."""
    (row, col, _), *others = rule.this_year
    name = table.cell_name(row, col)[1]
    last = "上年" + "、".join(table.cell_name(r, c)[1] for r, c in rule.last_year)
    formula = f"{name} = {last}" + "".join(f" {'−' if sign > 0 else '+'} {table.cell_name(r, c)[1]}"
                                           for r, c, sign in others)
    if figure is None:
        return f"上年报告中没有{last[2:]}；{formula}"
    return f"{last} {figure}；{formula}"
