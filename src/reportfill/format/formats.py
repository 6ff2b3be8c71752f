"""The official layouts, as data: 国办公开办函〔2021〕30号 and the 2019 trial format.

This module is the single place where a heading, a table label, a merge or a
reconciliation rule is written down. The small functions below only spare typing the
shapes the formats repeat (a 第二十条 block, a row of seven counts); each label literal
still appears once.
"""

from __future__ import annotations

import datetime

from .spec import Continuity, Equation, Format, Label, Section, Slot, Table

INFO = "信息内容"
SECTIONS = (
    Section("一、总体情况", "overview", max_chars=1000),
    Section("二、主动公开政府信息情况", "proactive"),
    Section("三、收到和处理政府信息公开申请情况", "applications"),
    Section("四、政府信息公开行政复议、行政诉讼情况", "appeals"),
    Section("五、存在的主要问题及改进情况", "problems"),
    Section("六、其他需要报告的事项", "other"),
)
TITLE_SUFFIX = "政府信息公开工作年度报告"
# The report's own fields, by their input key: how a clerk calls them.
FIELDS = {"agency": "机关名称", "year": "报告年度", "title": "标题", "preface": "导语"}

# ---------------------------------------------------------------- table 二


def _block(title, columns, items, width=4):
    """A 第二十条 block: a full-width title row, a 信息内容 header row, one row per item.

    ``columns`` is ((column key, header, kind), ...); ``items`` is ((row key, label), ...).
    The last column takes whatever grid columns remain."""
    spans = [1] * (len(columns) - 1) + [width - len(columns)]
    header = (Label(INFO),) + tuple(
        Label(text, cols=span) for (_, text, _), span in zip(columns, spans)
    )
    rows = [(Label(title, cols=width),), header]
    for row_key, label in items:
        rows.append(
            (Label(label),)
            + tuple(
                Slot(row_key, col_key, cols=span, kind=kind)
                for (col_key, _, kind), span in zip(columns, spans)
            )
        )
    return rows


_DECISIONS_2021 = (("decisions", "本年处理决定数量", "count"),)
PROACTIVE_2021 = Table(
    key="proactive",
    name="表二",
    section=1,
    width=4,
    column_widths=(1.3, 1, 1, 1),
    rows=tuple(
        _block(
            "第二十条第（一）项",
            (
                ("issued", "本年制发件数", "count"),
                ("repealed", "本年废止件数", "count"),
                ("in_force", "现行有效件数", "count"),
            ),
            (("regulations", "规章"), ("normative_documents", "行政规范性文件")),
        )
        + _block("第二十条第（五）项", _DECISIONS_2021, (("licenses", "行政许可"),))
        + _block(
            "第二十条第（六）项",
            _DECISIONS_2021,
            (("penalties", "行政处罚"), ("coercive_measures", "行政强制")),
        )
        + _block(
            "第二十条第（八）项",
            (("amount", "本年收费金额（单位：万元）", "amount"),),
            (("fees", "行政事业性收费"),),
        )
    ),
)

_ITEMS_2019 = (
    ("previous", "上一年项目数量", "count"),
    ("change", "本年增/减", "delta"),
)
PROACTIVE_2019 = Table(
    key="proactive",
    name="表二",
    section=1,
    width=4,
    column_widths=(1.3, 1, 1, 1),
    rows=tuple(
        _block(
            "第二十条第（一）项",
            (
                ("made", "本年新制作数量", "count"),
                ("published", "本年新公开数量", "count"),
                ("total", "对外公开总数量", "count"),
            ),
            (("regulations", "规章"), ("normative_documents", "规范性文件")),
        )
        + _block(
            "第二十条第（五）项",
            _ITEMS_2019 + (("decisions", "处理决定数量", "count"),),
            (("licenses", "行政许可"), ("other_services", "其他对外管理服务事项")),
        )
        + _block(
            "第二十条第（六）项",
            _ITEMS_2019 + (("decisions", "处理决定数量", "count"),),
            (("penalties", "行政处罚"), ("coercive_measures", "行政强制")),
        )
        + _block("第二十条第（八）项", _ITEMS_2019, (("fees", "行政事业性收费"),))
        + _block(
            "第二十条第（九）项",
            (("projects", "采购项目数量", "count"), ("amount", "采购总金额", "text")),
            (("procurement", "政府集中采购"),),
        )
    ),
)

# ---------------------------------------------------------------- table 三

APPLICANTS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other")
APPLICATION_COLUMNS = APPLICANTS + ("total",)


def _counts(row_key):
    return tuple(Slot(row_key, col) for col in APPLICATION_COLUMNS)


def _outcome(group_key, heading, items):
    """（三）–（六）: a heading spanning its sub-item rows, one row per numbered sub-item;
    with no sub-items the heading spans both label columns of a single row."""
    if not items:
        return [(Label(heading, cols=2),) + _counts(group_key)]
    rows = []
    for i, (key, label) in enumerate(items):
        lead = (Label(heading, rows=len(items)),) if i == 0 else ()
        rows.append(lead + (Label(label),) + _counts(f"{group_key}.{key}"))
    return rows


WITHHELD = (
    ("state_secret", "1.属于国家秘密"),
    ("prohibited_by_law", "2.其他法律行政法规禁止公开"),
    ("endangers_security", "3.危及“三安全一稳定”"),
    ("third_party_rights", "4.保护第三方合法权益"),
    ("internal_affairs", "5.属于三类内部事务信息"),
    ("process_information", "6.属于四类过程性信息"),
    ("enforcement_files", "7.属于行政执法案卷"),
    ("inquiry_matters", "8.属于行政查询事项"),
)
UNAVAILABLE = (
    ("not_held", "1.本机关不掌握相关政府信息"),
    ("needs_creation", "2.没有现成信息需要另行制作"),
    ("still_unclear", "3.补正后申请内容仍不明确"),
)
NOT_PROCESSED = (
    ("petition", "1.信访举报投诉类申请"),
    ("duplicate", "2.重复申请"),
    ("publication", "3.要求提供公开出版物"),
    ("excessive", "4.无正当理由大量反复申请"),
    ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
)
OTHER_2021 = (
    ("no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other", "3.其他"),
)


def _applications(other_items):
    outcomes = (
        [(Label("（一）予以公开", cols=2),) + _counts("disclosed")]
        + [(Label("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", cols=2),) + _counts("partly_disclosed")]
        + _outcome("withheld", "（三）不予公开", WITHHELD)
        + _outcome("unavailable", "（四）无法提供", UNAVAILABLE)
        + _outcome("not_processed", "（五）不予处理", NOT_PROCESSED)
        + _outcome("other", "（六）其他处理", other_items)
        + [(Label("（七）总计", cols=2),) + _counts("total")]
    )
    outcomes[0] = (Label("三、本年度办理结果", rows=len(outcomes), group=True),) + outcomes[0]
    return Table(
        key="applications",
        name="表三",
        section=2,
        width=10,
        # In twips of the 156 mm type width, for 五号 text in 0.8 mm cell margins: the
        # vertical 三、本年度办理结果 one row's height wide (narrower, LibreOffice drops it
        # where the table breaks across pages); （三）不予公开 four to a line; an item's
        # twelve characters after its number on one line; 自然人 three; the other headers
        # two (no word leaves a single character on a line) and five digits.
        column_widths=(480, 960, 2815, 750) + (640,) * 6,
        rows=(
            (
                Label("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", cols=3, rows=3),
                Label("申请人情况", cols=7, group=True),
            ),
            (Label("自然人", rows=2), Label("法人或其他组织", cols=5, group=True), Label("总计", rows=2)),
            (Label("商业企业"), Label("科研机构"), Label("社会公益组织"), Label("法律服务机构"), Label("其他")),
            (Label("一、本年新收政府信息公开申请数量", cols=3),) + _counts("received"),
            (Label("二、上年结转政府信息公开申请数量", cols=3),) + _counts("from_last_year"),
            *outcomes,
            (Label("四、结转下年度继续办理", cols=3),) + _counts("to_next_year"),
        ),
    )


APPLICATIONS_2021 = _applications(OTHER_2021)
APPLICATIONS_2019 = _applications(())

# ---------------------------------------------------------------- table 四

APPEAL_GROUPS = ("reconsideration", "lawsuit_direct", "lawsuit_after_reconsideration")
OUTCOMES = ("upheld", "corrected", "other", "pending", "total")
_OUTCOME_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

APPEALS = Table(
    key="appeals",
    name="表四",
    section=3,
    width=15,
    column_widths=(1,) * 15,
    rows=(
        (Label("行政复议", cols=5), Label("行政诉讼", cols=10)),
        tuple(Label(t, rows=2) for t in _OUTCOME_LABELS)
        + (Label("未经复议直接起诉", cols=5), Label("复议后起诉", cols=5)),
        tuple(Label(t) for t in _OUTCOME_LABELS) * 2,
        tuple(Slot(g, o) for g in APPEAL_GROUPS for o in OUTCOMES),
    ),
)

# ---------------------------------------------------------------- rules


def outcome_rows(table: Table) -> tuple[str, ...]:
    """Table 三's rows under 三、本年度办理结果 that add up to （七）总计 (R3)."""
    rows = table.row_keys
    return rows[rows.index("disclosed") : rows.index("total")]


def _application_rules(table: Table) -> tuple[Equation, ...]:
    rows = table.row_keys
    outcomes = outcome_rows(table)
    key = table.key
    r1 = tuple(
        Equation("R1", key, (("received", c), ("from_last_year", c)), (("total", c), ("to_next_year", c)))
        for c in APPLICATION_COLUMNS
    )
    r2 = tuple(
        Equation("R2", key, ((r, "total"),), tuple((r, c) for c in APPLICANTS), derives=True)
        for r in rows
    )
    r3 = tuple(
        Equation("R3", key, (("total", c),), tuple((r, c) for r in outcomes), derives=True)
        for c in APPLICATION_COLUMNS
    )
    return r3 + r2 + r1


APPEAL_RULES = tuple(
    Equation("R4", "appeals", ((g, "total"),), tuple((g, o) for o in OUTCOMES[:-1]), derives=True)
    for g in APPEAL_GROUPS
)

CARRY_OVER = tuple(
    Continuity("R6", "applications", (("from_last_year", c, 1),), (("to_next_year", c),))
    for c in APPLICATION_COLUMNS
)
IN_FORCE = tuple(
    Continuity(
        "R7",
        "proactive",
        ((row, "in_force", 1), (row, "issued", -1), (row, "repealed", 1)),
        ((row, "in_force"),),
    )
    for row in ("regulations", "normative_documents")
)

FORMAT_2021 = Format(
    id="2021",
    basis="国办公开办函〔2021〕30号",
    first_year=2021,
    last_year=None,
    title_suffix=TITLE_SUFFIX,
    sections=SECTIONS,
    tables=(PROACTIVE_2021, APPLICATIONS_2021, APPEALS),
    equations=_application_rules(APPLICATIONS_2021) + APPEAL_RULES,
    continuity=CARRY_OVER + IN_FORCE,
    fee_statement=("信息处理费",),
    generated=True,
)

FORMAT_2019 = Format(
    id="2019",
    basis="国办公开办函〔2019〕60号",
    first_year=2019,
    last_year=2020,
    title_suffix=TITLE_SUFFIX,
    sections=SECTIONS,
    tables=(PROACTIVE_2019, APPLICATIONS_2019, APPEALS),
    equations=_application_rules(APPLICATIONS_2019) + APPEAL_RULES,
    continuity=CARRY_OVER,
)

FORMATS = (FORMAT_2021, FORMAT_2019)
FILLABLE = next(f for f in FORMATS if f.generated)  # the format reportfill fills: inputs are in it


def by_id(format_id: str) -> Format | None:
    """The format of this id (``Format.id``), or None."""
    return next((fmt for fmt in FORMATS if fmt.id == format_id), None)


def format_for_year(year: int) -> Format:
    for fmt in FORMATS:
        if fmt.applies_to(year):
            return fmt
    raise LookupError(year)


def format_or_none(year: int | None) -> Format | None:
    """The format of ``year``'s reports; None when the year is unknown or too early."""
    try:
        return format_for_year(year) if year is not None else None
    except LookupError:
        return None


def fillable_problem(year: int, today: datetime.date | None = None) -> str | None:
    """Why reportfill cannot fill a report of ``year`` -- a year to come, or one of an
    earlier format -- in Chinese; None when it can. One wording for ``new``, the input
    reader and the web form."""
    today = today or datetime.date.today()
    if year > today.year:
        return f"年度 {year} 还没有到来（今年是 {today.year} 年）；请写报告所属的年度"
    fmt = format_or_none(year)
    if fmt is not None and fmt.generated:
        return None
    only = f"reportfill 只生成 {FILLABLE.first_year} 年及以后年度的报告（{FILLABLE.basis}格式）。"
    if fmt is None:
        return only + f"{year} 年度早于年度报告的规定格式（{FORMATS[-1].first_year} 年起）"
    return only + f"{year} 年度的报告使用{fmt.basis}试行格式，可以用 reportfill check 核对，但不能生成"
