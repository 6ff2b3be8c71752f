"""Write a new, complete input for an agency and year: every key INPUT.md requires, the
numbers at zero, and the official Chinese labels as comments.

Everything is derived from the format definition, so the scaffold always loads with
:func:`reportfill.inputs.load_input` once its texts are written. tomlkit writes it, as the
only TOML writer here that keeps comments and escapes strings correctly.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import tomlkit

from ..files import safe_file_name, write_atomic
from ..errors import Problem, ReportfillError
from ..format.formats import FORMATS, format_for_year
from ..readers.toml_input import PROSE_KEYS
from ..format.spec import Format, Table

# What the clerk writes under each prose heading; 五 usually has these two sub-sections.
_PROSE_GUIDE = {
    "overview": "主动公开、依申请公开、政府信息管理、平台建设、监督保障等情况，原则上不超过一千字",
    "problems": "存在的主要问题，以及上一年度问题的改进情况",
    "other": "按《政府信息公开信息处理费管理办法》说明本年度收取信息处理费的情况，未收取也请写明",
}
_PROBLEM_ITEMS = ("存在问题", "改进情况")


def scaffold(agency: str, year: int, *, today: datetime.date | None = None) -> str:
    """The TOML text of a new input for ``agency`` and ``year``; raises
    :class:`ReportfillError` for a year reportfill cannot fill."""
    today = today or datetime.date.today()
    if not agency.strip():
        raise ReportfillError(Problem("机关名称", "不能为空"))
    fmt = format_for_year(year) if FORMATS[-1].first_year <= year <= today.year else None
    if fmt is None or not fmt.generated:
        raise ReportfillError(Problem(f"年度 {year}", (
            f"只能为 2021 年至 {today.year} 年的年度新建输入（国办公开办函〔2021〕30号格式）；"
            "更早年度的报告用 2019 年试行格式，可以用 reportfill check 核对，但不能生成")))
    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"{agency}{year}年{fmt.title_suffix} — 按{fmt.basis}格式"))
    doc.add(tomlkit.comment("填好后运行：reportfill fill 本文件.toml"))
    doc.add("agency", agency)
    doc["agency"].comment("机关名称")
    doc.add("year", year)
    doc["year"].comment("报告年度")
    doc.add(tomlkit.comment('title = "…"      # 可选；默认为 机关名称+年度+“年政府信息公开工作年度报告”'))
    doc.add(tomlkit.comment(f'preface = """…"""  # 可选：“{fmt.sections[0].heading}”之前的导语'))
    doc.add(tomlkit.nl())
    for section in fmt.sections:
        if section.key in PROSE_KEYS:
            doc.add(tomlkit.comment(f"{section.heading}（{_PROSE_GUIDE[section.key]}）"))
            doc.add(section.key, _prose(section.key))
        else:
            doc.add(tomlkit.comment(section.heading))
            doc.add(section.key, _numbers(fmt, fmt.table[section.key]))
    return tomlkit.dumps(doc)


def write_scaffold(agency: str, year: int, target: Path | None = None, *, force: bool = False) -> Path:
    """Write :func:`scaffold` to ``target`` (default ``inputs/{agency}-{year}.toml``); an
    existing file, which may hold a clerk's work, is only replaced with ``force``."""
    target = Path(target) if target else Path("inputs") / f"{safe_file_name(agency)}-{year}.toml"
    if target.exists() and not force:
        raise ReportfillError(Problem(str(target), "文件已存在；要覆盖请加 --force，或用 -o 换一个文件名"))
    write_atomic(target, scaffold(agency, year).encode("utf-8"))
    return target


def _text():
    return tomlkit.string("\n", multiline=True)


def _prose(key: str):
    table = tomlkit.table()
    table.add(tomlkit.comment("text：每个非空行是一段；items：带（一）（二）…编号的小节，可增删"))
    table.add("text", _text())
    if key == "problems":
        items = tomlkit.aot()
        for title in _PROBLEM_ITEMS:
            item = tomlkit.table()
            item.add("title", title)
            item.add("text", _text())
            items.append(item)
        table.add("items", items)
    else:
        table.add(tomlkit.comment(f'[[{key}.items]] 小节写法：title = "小标题"，text = """正文"""'))
    return table


def _numbers(fmt: Format, table: Table):
    """Rows grouped as INPUT.md nests them (``withheld.state_secret`` under
    ``[applications.withheld]``), each commented with its labels and column order."""
    out = tomlkit.table()
    rows = {}
    for row in table.row_keys:
        given = [p for p in table.row_slots(row) if (table.key, row, p.cell.col) not in fmt.derived]
        if given:
            rows[row] = given
    layouts = {row: _columns(table, row, slots) for row, slots in rows.items()}
    shared = len({cols for _, cols in layouts.values()}) == 1 and len(rows) > 1
    if shared:
        _, cols = next(iter(layouts.values()))
        stated = len(table.row_slots(next(iter(rows)))) > len(next(iter(rows.values())))
        out.add(tomlkit.comment(f"每行 {len(cols)} 个数：{' '.join(cols)}"
                                + ("；可再加一个数作为总计（须等于各项之和），不写由工具计算" if stated else "")))
    groups: dict[str, tomlkit.items.Table] = {}
    for row, slots in rows.items():
        group, _, leaf = row.rpartition(".")
        target = out
        if group:
            if group not in groups:
                groups[group] = tomlkit.table()
                out.add(group, groups[group])
                labels = table.row_labels(row)
                if len(labels) > 1:
                    groups[group].comment(labels[0])
            target = groups[group]
        zeros = 0 if len(slots) == 1 else tomlkit.array(str([0] * len(slots)))
        target.add(leaf, zeros)
        label, cols = layouts[row]
        target[leaf].comment(label if shared else f"{label}：{'、'.join(cols)}")
    return out


def _columns(table: Table, row: str, slots) -> tuple[str, tuple[str, ...]]:
    """(row label, column names): a column-group name shared by all the row's columns,
    such as 行政复议 in table 四, labels the row when the table has no row labels."""
    names = [table.cell_name(row, p.cell.col)[1].split(" · ") for p in slots]
    common = 0
    while all(len(n) > common + 1 and n[common] == names[0][common] for n in names):
        common += 1
    row_label = table.row_labels(row)[-1] if table.row_labels(row) else " · ".join(names[0][:common])
    return row_label, tuple(" · ".join(n[common:]) for n in names)
