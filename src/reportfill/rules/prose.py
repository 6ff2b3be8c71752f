"""R8: figures stated in the prose that contradict the tables.

Prose is free Chinese, so this only reads statements that can mean one thing: "收到……申请
N件", "行政复议N件", "行政诉讼N起", and their negations ("没有收到依申请公开件",
"未发生行政复议"). A sentence that compares with another year, names an applicant
category, or qualifies the figure in a way these patterns do not foresee is skipped: a
warning the clerk has to argue with costs more than a missed one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..findings import Finding
from ..format.formats import APPEALS
from ..report import Values, show
from ..text import nfkc
from ..format.spec import Format
from .catalogue import finding
from .tables import cell_title

_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_COMPARISON = re.compile(r"较|同比|环比|去年|上一年|上年(?!结转)|比上|增长|下降|减少|增加|持平")
_YEAR = re.compile(r"(\d{4})\s*年")
_UNIT = r"(?:件|个|份|宗|条|起|次)"
_GAP = r"[^。；;，,：:\d]{0,20}?"
_NEGATION = r"(?:没有|未(?!来|经)|无(?!论))(?:发生|收到|接到|受理|出现|产生|涉及)?"
# Words that make a statement something other than the table's total: a hypothetical;
# for applications also a subset (by channel, by applicant) or another kind of request.
_HYPOTHETICAL = re.compile(r"如|若|一旦|确保|避免|防止|杜绝")
_NOT_ALL_APPLICATIONS = re.compile(r"复议|诉讼|自然人|法人|企业|机构|组织|信访|举报|投诉|建议|提案|咨询|其中|通过|当面"
                                   r"|信函|网上|网络|邮寄|传真|邮件|现场|窗口|平台|" + _HYPOTHETICAL.pattern)
_CLAUSE_START = re.compile(r"[，,、]")
# What every statement's patterns need: a figure or a negation. Text without one is skipped.
_MAY_STATE = re.compile(r"\d|没有|未|无")


@dataclass(frozen=True)
class _Statement:
    """A kind of figure prose states, the patterns that find it, and the table cells
    whose sum it must equal (or, with ``or_with``, that sum plus these cells')."""

    stated: re.Pattern
    none: re.Pattern
    excluded: re.Pattern
    table: str
    cells: tuple[tuple[str, str], ...]
    or_with: tuple[tuple[str, str], ...] = ()


def _appeal(cells) -> _Statement:
    """Prose names an appeal by its group's label in table 四 (行政复议, 行政诉讼)."""
    word = APPEALS.column_labels(*cells[0])[0]
    return _Statement(
        re.compile(rf"{word}(?:案件|申请)?(?:共|合计|总计)?(?P<n>\d+){_UNIT}"),
        re.compile(rf"{_NEGATION}(?P<gap>[^。；;，,\d]{{0,25}}?){word}(?=案件|的?情况|事项|[、，。；,;和及或与]|$)"),
        _HYPOTHETICAL, "appeals", cells)


STATEMENTS = (
    # "收到" may count 一 alone or 一 + 二 (FORMAT.md R8): either is accepted.
    _Statement(
        re.compile(rf"(?:收到|受理|新收|接收|接到)(?P<gap>{_GAP})(?:依申请公开件?|申请)(?:共|合计|总计)?(?P<n>\d+){_UNIT}"),
        re.compile(rf"(?:没有|未|无)(?:新)?(?:收到|受理|接到)(?P<gap>{_GAP})(?:依申请公开|申请)"),
        _NOT_ALL_APPLICATIONS, "applications", (("received", "total"),), (("from_last_year", "total"),)),
    _appeal((("reconsideration", "total"),)),
    _appeal((("lawsuit_direct", "total"), ("lawsuit_after_reconsideration", "total"))),
)


def _sum(values: Values, table: str, cells) -> int | None:
    found = [values.get((table, r, c)) for r, c in cells]
    if all(isinstance(v, int) and not isinstance(v, bool) for v in found):
        return sum(found)
    return None


def check_prose(fmt: Format, values: Values, paragraphs: list[str], year: int | None) -> list[Finding]:
    """R8 warnings for the paragraphs' unambiguous figures that no table figure matches."""
    checkable = []
    for statement in STATEMENTS:
        total = _sum(values, statement.table, statement.cells)
        if total is not None:
            more = _sum(values, statement.table, statement.or_with) if statement.or_with else None
            checkable.append((statement, [total, total + more] if more else [total]))
    findings: list[Finding] = []
    for paragraph in paragraphs if checkable else ():
        paragraph = nfkc(paragraph)
        if not _MAY_STATE.search(paragraph):
            continue
        for sentence in _SENTENCE.findall(paragraph):
            if not _MAY_STATE.search(sentence) or _COMPARISON.search(sentence) \
                    or any(int(y) != year for y in _YEAR.findall(sentence) if year):
                continue
            for statement, accepted in checkable:
                figure = _stated(sentence, statement)
                if figure is not None and figure[0] not in accepted:
                    findings.append(_finding(fmt, statement, figure, accepted))
    return findings


def _stated(sentence: str, statement: _Statement) -> tuple[int, str] | None:
    """(figure, the words that state it), when the sentence states exactly one."""
    def plain(match: re.Match) -> bool:
        clause = _CLAUSE_START.split(sentence[: match.start()])[-1]
        return not statement.excluded.search(clause + (match.groupdict().get("gap") or ""))

    found = [m for m in statement.stated.finditer(sentence) if plain(m)]
    zero = [m for m in statement.none.finditer(sentence) if plain(m)]
    if len(found) + len(zero) != 1:
        return None
    if found:
        return int(found[0].group("n")), found[0].group(0)
    return 0, zero[0].group(0)


def _finding(fmt: Format, statement: _Statement, figure: tuple[int, str], accepted: list[int]) -> Finding:
    table = fmt.table[statement.table]
    names = [table.cell_name(*cell) for cell in statement.cells]
    if len(names) == 1 and names[0][0]:
        row, col = names[0]
        where = cell_title(table, *statement.cells[0])
    else:
        row, col = "", " + ".join(name for _, name in names)
        where = f"{table.name} {col}"
    expected = show(accepted[0])
    if len(accepted) > 1:
        also = " + ".join(table.cell_name(*cell)[0] for cell in statement.or_with)
        expected += f"（加上{also}为 {show(accepted[1])}）"
    number, words = figure
    message = f"正文中“{words}”与{where}不一致：表中为 {expected}，正文为 {number}，请核实"
    return finding("R8", table.name, row, col, expected, str(number), message)
