"""The 汇总 report of an area: the departments' and lower governments' reports added up.

A county's 政务公开办 publishes by 2月20日 a report whose tables sum the reports of every
department and 乡镇 (逐级汇总), then the city sums the counties, the province the
cities. Summing is only right when every part is: a report whose tables do not
reconcile (R1–R5), of another year or format, unreadable, or summed twice would carry
its error into the area's report, so one such part refuses the whole aggregate, with
every problem named at once. A roster -- the agencies that must report -- turns a
missing or unexpected agency into a problem too.

The aggregate is an input (INPUT.md) that ``fill`` turns into the area's report: the
tables are the cell-by-cell sums (fees as exact decimals, with the most decimals any
part used); 一、总体情况 opens with draft sentences stating the area's totals in the
words reports use; 六、其他需要报告的事项 collects each agency's 信息处理费 statement;
the rest is left for the office to write, marked 【请撰写】. The same gathering serves
``check --aggregate-of``, which holds a published 汇总 report against the sum.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..agencies import agency_key
from ..errors import Problem, ReportfillError
from ..findings import Result
from ..format.formats import outcome_rows
from ..format.spec import Format, Table
from ..readers.toml_labels import bare, given_slots
from ..report import Item, Prose, Report, Value, Values, show
from ..rules.aggregate import check_sums, summed_cells
from ..rules.content import printed
from ..rules.drafts import TO_WRITE
from ..rules.tables import derive, table_source
from ..text import nfkc
from ..writers.scaffold import PROBLEM_ITEMS, Notes, default_title, fillable_format, input_text
from .check import add_findings

SUMMED_RULES = ("R1", "R2", "R3", "R4", "R5")  # the rules on the numbers a sum is made of
_MISSING_LISTED = 5


@dataclass(frozen=True)
class Part:
    """One agency's report as a term of the sum: its values with every total, and the
    sentences of its section 六 about the 信息处理费."""

    agency: str
    source: str
    kind: str
    values: Values
    fee: tuple[str, ...]


@dataclass
class Aggregate:
    """The area's report as an input (``text``, the TOML), the parts it sums, and the
    headings of the sections the office still has to write."""

    report: Report
    parts: list[Part]
    text: str
    to_write: tuple[str, ...]


# ---------------------------------------------------------------- gathering the parts


def gather(sources: Iterable[str | Path | Result], fmt: Format, year: int, *, whole: str = "",
           roster: Path | None = None, exclude: Iterable[str | Path] = (), jobs: int | None = None,
           progress: Callable[[Result], None] | None = None) -> list[Part]:
    """Read every report or input named by ``sources`` (files or folders) as a part of
    ``whole``'s aggregate of ``year`` in format ``fmt``; ``exclude`` names files to pass
    over (the published aggregate itself, when it lies among its parts).

    Raises :class:`ReportfillError` listing every problem when any part cannot be
    summed, when an agency comes twice, or -- with a ``roster`` -- when an agency on it
    has no part or a part's agency is not on it."""
    from .batch import read_many

    skip = {Path(p).resolve() for p in exclude}
    results = [r for r in read_many(sources, jobs=jobs, progress=progress)
               if r.status != "skipped" and Path(r.source).resolve() not in skip]
    problems: list[Problem] = []
    parts = []
    for result in results:
        found = _unusable(result, fmt, year, whole)
        if found:
            problems += found
        else:
            parts.append(_part(fmt, result))
    problems += _duplicates(parts)
    if roster is not None:
        problems += _against_roster(Path(roster), parts, year)
    if not parts and not problems:
        problems.append(Problem("", "没有可以汇总的报告：请给出各单位报告（或 TOML 输入）所在的文件或文件夹"))
    if problems:
        raise ReportfillError([Problem("", (
            f"{year} 年度的汇总没有进行：汇总有问题的报告会把问题带进汇总报告，请先解决以下 {len(problems)} 个问题")),
            *problems])
    return parts


def _unusable(result: Result, fmt: Format, year: int, whole: str) -> list[Problem]:
    """Why ``result`` cannot be a term of the sum, if it cannot."""
    where = result.source
    if result.report is None:
        why = "输入不能使用" if Path(where).suffix.lower() == ".toml" else "无法读取"
        return [Problem(where, f"{why}：{reason}") for reason in result.problems]
    report = result.report
    if report.fmt is not fmt:
        return [Problem(where, f"这份报告的表格是{report.fmt.basis}的格式，不能与{fmt.basis}格式的报告相加")]
    problems = [Problem(where, f"{f.rule} {f.message}") for f in result.errors if f.rule in SUMMED_RULES]
    if report.year is None:
        problems.append(Problem(where, f"报告中找不到报告年度：请用 reportfill extract {where} --year {year} 转为 TOML 输入，再汇总"))
    elif report.year != year:
        problems.append(Problem(where, f"这是{report.agency or ''} {report.year} 年度的报告，汇总的是 {year} 年度"))
    if not agency_key(report.agency):
        problems.append(Problem(where, f"报告标题中找不到机关名称：请用 reportfill extract {where} --agency 机关名称 "
                                       "转为 TOML 输入，再汇总"))
    elif whole and agency_key(report.agency) == agency_key(whole):
        problems.append(Problem(where, f"这是“{report.agency}”自己的报告，也就是汇总报告本身，不能作为汇总的一部分"))
    if not problems:
        name = table_source(fmt).name_cell
        missing = [key for key in summed_cells(fmt) if key not in report.values]
        if missing:
            listed = "、".join(name(*key) for key in missing[:_MISSING_LISTED])
            more = f"等 {len(missing)} 个单元格" if len(missing) > _MISSING_LISTED else ""
            problems.append(Problem(where, f"缺少 {listed}{more}的数字（表格不完整）：请核对这份报告的统计表"))
    return problems


def _part(fmt: Format, result: Result) -> Part:
    report = result.report
    words = fmt.fee_statement
    paragraphs = printed(report.prose.get(fmt.sections[-1].key))
    fee = tuple(s for p in paragraphs for s in _sentences(p) if any(w in s for w in words))
    return Part(report.agency, result.source, result.kind, derive(fmt, report.values), fee)


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() + end for s, end in re.findall(r"([^。！？；]+)([。！？；]?)", paragraph) if s.strip()]


def _duplicates(parts: list[Part]) -> list[Problem]:
    by_agency: dict[str, list[Part]] = {}
    for part in parts:
        by_agency.setdefault(agency_key(part.agency), []).append(part)
    return [Problem("", f"“{group[0].agency}”有 {len(group)} 份报告（{'、'.join(p.source for p in group)}）："
                        "每个单位只能汇总一份，请去掉多余的")
            for group in by_agency.values() if len(group) > 1]


def read_roster(path: Path) -> list[tuple[int, str]]:
    """The agencies of a roster file, one a line, with their line numbers; blank lines
    and lines starting with # are left out. UTF-8 (with or without BOM) or GBK, as a
    list exported from Excel or typed in Notepad comes."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ReportfillError(Problem(str(path), f"无法读取名单文件（{exc.strerror or exc}）")) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ReportfillError(Problem(str(path), "名单文件既不是 UTF-8 也不是 GBK 编码：请另存为 UTF-8 文本文件"))
    names = [(n, " ".join(line.split())) for n, line in enumerate(text.splitlines(), 1)]
    return [(n, name) for n, name in names if name and not name.startswith("#")]


def _against_roster(path: Path, parts: list[Part], year: int) -> list[Problem]:
    listed: dict[str, list[tuple[int, str]]] = {}
    for line, name in read_roster(path):
        listed.setdefault(agency_key(name), []).append((line, name))
    problems = [Problem(f"{path}，第{'、'.join(str(n) for n, _ in lines)}行", f"名单中“{lines[0][1]}”出现了 {len(lines)} 次")
                for lines in listed.values() if len(lines) > 1]
    reported = {agency_key(p.agency) for p in parts}
    problems += [Problem(f"{path}，第{lines[0][0]}行", f"名单中的“{lines[0][1]}”没有 {year} 年度的报告：请催报，或把它的报告加进输入")
                 for key, lines in listed.items() if key not in reported]
    problems += [Problem(p.source, f"“{p.agency}”不在名单 {path} 中：应当汇总的请加进名单，否则请从输入中去掉")
                 for p in parts if agency_key(p.agency) not in listed]
    return problems


# ---------------------------------------------------------------- the sum


def total(fmt: Format, parts: list[Part]) -> Values:
    """Every cell the input states, summed over the parts: counts as integers, amounts as
    exact decimals with the most decimal places any part wrote."""
    return {key: exact_sum([p.values[key] for p in parts]) for key in summed_cells(fmt)}


def exact_sum(numbers: list[Value]) -> Value:
    decimals = [n for n in numbers if isinstance(n, Decimal)]
    if not decimals:
        return sum(numbers)
    places = max(max(-d.as_tuple().exponent, 0) for d in decimals)
    return sum(map(Decimal, numbers), Decimal(0)).quantize(Decimal(1).scaleb(-places))


def check_aggregate(result: Result, sources: Iterable[str | Path | Result], *, jobs: int | None = None,
                    progress: Callable[[Result], None] | None = None) -> Result:
    """``result`` (a published 汇总 report, checked) with a finding for every cell that is
    not the sum of its parts' (rule A1). Raises :class:`ReportfillError` when the parts
    cannot be summed, or the report's year cannot be read."""
    report = result.report
    if report.year is None:
        raise ReportfillError(Problem(result.source, "汇总报告中找不到报告年度，无法确定要汇总哪一年度的报告"))
    parts = gather(sources, report.fmt, report.year, whole=report.agency, exclude=[result.source],
                   jobs=jobs, progress=progress)
    return add_findings(result, check_sums(report.fmt, report.values, total(report.fmt, parts), len(parts)))


# ---------------------------------------------------------------- the area's report


def aggregate(sources: Iterable[str | Path | Result], agency: str, year: int, *, roster: Path | None = None,
              jobs: int | None = None, progress: Callable[[Result], None] | None = None) -> Aggregate:
    """The aggregate of ``year`` for ``agency`` (the area's government or office) from
    the reports or inputs named by ``sources``. Raises :class:`ReportfillError` listing
    every problem when it cannot be made."""
    agency = agency.strip()
    if not agency:
        raise ReportfillError(Problem("--agency", "汇总报告的机关名称不能为空，例如 --agency 温县人民政府"))
    fmt = fillable_format(year)
    parts = gather(sources, fmt, year, whole=agency, roster=roster, jobs=jobs, progress=progress)
    values = total(fmt, parts)
    area = area_of(agency)
    keys = {s.key: s for s in fmt.sections}
    overview, problems, other = (s.key for s in fmt.sections if s.key not in fmt.table)
    prose = {
        overview: Prose(draft_overview(fmt, area, year, derive(fmt, values), len(parts))),
        problems: Prose((), tuple(Item(title, (f"{TO_WRITE}{what}",)) for title, what in zip(PROBLEM_ITEMS, (
            "本级政府信息公开工作存在的主要问题。", "上一年度问题的改进情况，以及下一步的工作安排。")))),
        other: Prose(fee_paragraphs(fmt, parts)),
    }
    report = Report(fmt=fmt, agency=agency, year=year, title=default_title(fmt, agency, year),
                    preface=(_preface(fmt, area, year),), prose=prose, values=values)
    notes = Notes(header=_header(fmt, year, parts), guide=True)
    to_write = (keys[overview].heading, keys[problems].heading)
    return Aggregate(report, parts, input_text(report, notes), to_write)


def area_of(agency: str) -> str:
    """How reports name an agency's whole area: 温县人民政府 → 全县, 焦作市山阳区 → 全区,
    延边朝鲜族自治州 → 全州, 某某镇人民政府 → 全镇; 本地区 when the name says no level."""
    name = nfkc("".join(agency.split()))
    place = re.split(r"人民政府|政府|办公室|办公厅|政务公开|政务服务|大数据", name)[0] or name
    level = re.search(r"(自治区|自治州|自治县|自治旗|特别行政区|地区|林区|街道|省|市|州|盟|县|旗|区|乡|镇)$", place)
    if not level:
        return "本地区"
    word = level.group(1)
    return "全" + {"自治区": "区", "自治州": "州", "自治县": "县", "自治旗": "旗", "特别行政区": "区", "林区": "区"}.get(word, word)


def _words(label: str) -> str:
    """A table label as words in a sentence: "（二）部分公开（区分处理的，…）" → 部分公开,
    "一、本年新收政府信息公开申请数量" → 本年新收政府信息公开申请."""
    return bare(label).removesuffix("数量")


def _row(table: Table, row: str) -> str:
    return _words(table.row_labels(row)[-1])


def _group(table: Table, row: str) -> str:
    return _words(table.row_labels(row)[0])


def draft_overview(fmt: Format, area: str, year: int, values: Values, count: int) -> tuple[str, ...]:
    """The sentences that open the area's 一、总体情况: its totals, in the words of the
    tables' labels and the phrasing reports use."""
    proactive, applications, appeals = (fmt.table[k] for k in ("proactive", "applications", "appeals"))

    def n(table: Table, row: str, col: str) -> str:
        return show(values[(table.key, row, col)])

    outcomes: dict[str, int] = {}
    for row in outcome_rows(applications):
        outcomes[_group(applications, row)] = outcomes.get(_group(applications, row), 0) + values[(applications.key, row, "total")]
    results = "，".join(f"{words}{number}件" for words, number in outcomes.items())
    handled = (f"{year}年，{area}各级行政机关{_row(applications, 'received')}{n(applications, 'received', 'total')}件，"
               f"{_row(applications, 'from_last_year')}{n(applications, 'from_last_year', 'total')}件。"
               f"办理结果中，{results}；{_row(applications, 'to_next_year')}{n(applications, 'to_next_year', 'total')}件。")

    def documents(row: str) -> str:
        said = "、".join(f"{_words(proactive.cell_name(row, p.cell.col)[1]).removesuffix('件数')}{n(proactive, row, p.cell.col)}件"
                        for p in proactive.row_slots(row))
        return f"{_row(proactive, row)}{said}"

    decided = "、".join(f"{_row(proactive, row)}决定{n(proactive, row, 'decisions')}件"
                        for row in ("licenses", "penalties", "coercive_measures"))
    fee_unit = proactive.units.get(("fees", "amount"), "")
    published = (f"{area}各级行政机关{documents('regulations')}，{documents('normative_documents')}；"
                 f"作出{decided}；收取{_row(proactive, 'fees')}{n(proactive, 'fees', 'amount')}{fee_unit}。")

    def outcomes_of(group: str) -> str:
        return "、".join(f"{appeals.column_labels(group, p.cell.col)[-1]}{n(appeals, group, p.cell.col)}件"
                        for p in given_slots(fmt, appeals, group))

    reconsideration = appeals.column_labels("reconsideration", "total")[0]
    lawsuit = appeals.column_labels("lawsuit_direct", "total")[0]
    lawsuits = sum(values[(appeals.key, g, "total")] for g in ("lawsuit_direct", "lawsuit_after_reconsideration"))
    direct, after = (appeals.column_labels(g, "total")[1] for g in ("lawsuit_direct", "lawsuit_after_reconsideration"))
    disputes = (f"因政府信息公开引起{reconsideration}{n(appeals, 'reconsideration', 'total')}件"
                f"（{outcomes_of('reconsideration')}）；{lawsuit}{lawsuits}件，其中{direct}{n(appeals, 'lawsuit_direct', 'total')}件"
                f"（{outcomes_of('lawsuit_direct')}），{after}{n(appeals, 'lawsuit_after_reconsideration', 'total')}件"
                f"（{outcomes_of('lawsuit_after_reconsideration')}）。")
    basis = f"以上数据由{area}{count}个单位报送的{year}年度{fmt.title_suffix}汇总。"
    return handled, published, disputes, basis


def fee_paragraphs(fmt: Format, parts: list[Part]) -> tuple[str, ...]:
    """Section 六: each agency's 信息处理费 statement; agencies saying the same in the
    same words are named together."""
    fee = fmt.fee_statement[0]
    said: dict[str, list[str]] = {}
    for part in parts:
        statement = "".join(part.fee) or f"报告中没有说明{fee}的收取情况。"
        said.setdefault(statement, []).append(part.agency)
    lines = [f"本年度各单位收取{fee}的情况如下："]
    lines += [f"{'、'.join(agencies)}：{statement}" for statement, agencies in said.items()]
    return tuple(lines)


def _preface(fmt: Format, area: str, year: int) -> str:
    return (f"本报告根据《中华人民共和国政府信息公开条例》和{fmt.basis}的要求，汇总{area}各级行政机关的"
            f"{fmt.title_suffix}编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")


def _header(fmt: Format, year: int, parts: list[Part]) -> tuple[str, ...]:
    return (
        f"由 reportfill aggregate 汇总 {len(parts)} 个单位的 {year} 年度报告：表格是各单位逐格相加之和，"
        "收费金额按小数精确相加。",
        f"{fmt.sections[0].heading}开头是根据汇总数字起草的文字，请核对、补充；标有{TO_WRITE}的地方请撰写；",
        f"{fmt.sections[-1].heading}列出了各单位关于{fmt.fee_statement[0]}的说明，请核对。",
        "写好后运行：reportfill fill 本文件.toml",
        "汇总的报告：",
        *(f"  {p.agency}：{p.source}" for p in parts),
    )
