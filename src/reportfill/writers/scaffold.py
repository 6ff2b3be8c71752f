"""Write a TOML input (the contract in INPUT.md) with the official Chinese labels as
comments: a new one with every number at zero, or one holding a whole report.

One writer serves ``new`` (a zero scaffold), ``new --from`` (last year's structure, with
last year's text as comments to write against) and ``extract`` (a published report as
data): each hands it a :class:`Report` and the :class:`Notes` to say beside it. Keys,
rows, labels and column orders all come from the format definition, so what is written
loads with :func:`reportfill.readers.toml_input.load_input` once its texts are written.
tomlkit writes it, as the only TOML writer here that keeps comments and escapes strings
correctly.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit

from .toml_edit import Item as TomlItem, String, Table as TomlTable, heading
from ..errors import Problem, ReportfillError
from ..files import Written, safe_file_name, write_keeping
from ..format.formats import FIELDS, fillable_problem, format_for_year
from ..format.spec import Format, Section, Table
from ..readers.toml_labels import PROSE_KEYS, given_slots
from ..report import Item, Prose, Report, Value, show
from ..rules.tables import cell_title, derive

Key = tuple[str, str, str]

# What the clerk writes under each prose heading (and the section's length, where the
# format sets one); 五 usually has these two sub-sections.
_PROSE_GUIDE = {
    "overview": "主动公开、依申请公开、政府信息管理、平台建设、监督保障等情况",
    "problems": "存在的主要问题，以及上一年度问题的改进情况",
    "other": "按《政府信息公开信息处理费管理办法》说明本年度收取信息处理费的情况，未收取也请写明",
}
PROBLEM_ITEMS = ("存在问题", "改进情况")
EARLIER = "上年的文字（供对照，请按本年度的实际情况重新撰写，不要照抄）："


@dataclass(frozen=True)
class Notes:
    """What the written input says beside its content, besides the official labels.

    ``cells`` says why a value is what it is ("原报告空白，按 0 写入"); ``rows`` adds a
    remark to a row ("来自上年报告"); ``earlier`` is last year's prose, shown as comments under the same section
    and item, for the clerk to write against; ``guide`` adds the hints of a new input."""

    header: tuple[str, ...] = ()
    guide: bool = False
    cells: Mapping[Key, str] = field(default_factory=dict)
    rows: Mapping[tuple[str, str], str] = field(default_factory=dict)
    earlier: Mapping[str, Prose] = field(default_factory=dict)


def fillable_format(year: int, today: datetime.date | None = None) -> Format:
    """The format an input for ``year`` is written in; raises :class:`ReportfillError`
    for a year reportfill cannot fill."""
    problem = fillable_problem(year, today)
    if problem:
        raise ReportfillError(Problem(f"年度 {year}", problem))
    return format_for_year(year)


def default_title(fmt: Format, agency: str, year: int) -> str:
    return f"{agency}{year}年{fmt.title_suffix}"


def blank_report(agency: str, year: int, *, today: datetime.date | None = None) -> Report:
    """A new report for ``agency`` and ``year``: every number zero, no text, 五 with its
    usual two sub-sections."""
    if not agency.strip():
        raise ReportfillError(Problem(FIELDS["agency"], "不能为空"))
    fmt = fillable_format(year, today)
    empty = {key: Prose(()) for key in PROSE_KEYS}
    empty["problems"] = Prose((), tuple(Item(title, ()) for title in PROBLEM_ITEMS))
    return Report(fmt=fmt, agency=agency, year=year, title=default_title(fmt, agency, year), preface=(),
                  prose=empty, values={})


def scaffold(agency: str, year: int, *, today: datetime.date | None = None) -> str:
    """The TOML text of a new input for ``agency`` and ``year``; raises
    :class:`ReportfillError` for a year reportfill cannot fill."""
    report = blank_report(agency, year, today=today)
    return input_text(report, Notes(header=("填好后运行：reportfill fill 本文件.toml",), guide=True))


def input_text(report: Report, notes: Notes = Notes()) -> str:
    """``report`` as a TOML input. Values the report lacks are written as 0; a total the
    report states is written only where it differs from the sum of its parts (so the
    input keeps what the source said, and ``fill`` says that it does not add up)."""
    fmt = report.fmt
    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"{report.agency}{report.year}年{fmt.title_suffix} — 按{fmt.basis}格式"))
    for line in notes.header:
        doc.add(tomlkit.comment(line))
    doc.add("agency", report.agency)
    doc["agency"].comment(FIELDS["agency"])
    doc.add("year", report.year)
    doc["year"].comment(FIELDS["year"])
    if report.title and report.title != default_title(fmt, report.agency, report.year):
        doc.add("title", report.title)
        doc["title"].comment(FIELDS["title"])
    else:
        doc.add(tomlkit.comment(f'title = "…"      # 可选；默认为 {FIELDS["agency"]}+年度+“年{fmt.title_suffix}”'))
    first = fmt.sections[0].heading
    if report.preface:
        doc.add("preface", multiline(report.preface))
        doc["preface"].comment(f"{FIELDS['preface']}：“{first}”之前的段落")
    else:
        doc.add(tomlkit.comment(f'preface = """…"""  # 可选：“{first}”之前的{FIELDS["preface"]}'))
    for section in fmt.sections:
        if section.key in PROSE_KEYS:
            guide = f"（{_guide(section)}）" if notes.guide else ""
            doc.add(section.key, _prose(section.key, report.prose.get(section.key) or Prose(()), notes))
        else:
            guide = ""
            doc.add(section.key, _numbers(fmt, fmt.table[section.key], report.values, notes))
        # The heading on the line above the table's header, after a blank line.
        heading(doc[section.key], f"{section.heading}{guide}")
    return tomlkit.dumps(doc)


def _guide(section: Section) -> str:
    length = f"，原则上不超过 {section.max_chars} 字" if section.max_chars else ""
    return _PROSE_GUIDE[section.key] + length


def write_input(text: str, target: Path, *, force: bool = False) -> Written:
    """Write an input's text to ``target``; an existing file, which may hold a clerk's
    work, is only replaced with ``force``, and then kept as ``name.bak.toml``."""
    return write_keeping(Path(target), text.encode("utf-8"), force=force, suffix=".toml", exists=(
        "文件已存在；要覆盖请加 --force（原文件会保留为 .bak.toml），或用 -o 换一个文件名"))


def default_input_path(agency: str, year: int) -> Path:
    """``inputs/{agency}-{year}.toml``."""
    return Path("inputs") / f"{safe_file_name(agency)}-{year}.toml"


def write_scaffold(agency: str, year: int, target: Path | None = None, *, force: bool = False) -> Written:
    """Write :func:`scaffold` to ``target`` (default ``inputs/{agency}-{year}.toml``)."""
    return write_input(scaffold(agency, year), target or default_input_path(agency, year), force=force)


# ---------------------------------------------------------------- prose


def multiline(paragraphs) -> String:
    """A text of one paragraph a line, laid out as INPUT.md shows it: the paragraphs
    between a line holding the opening quotes and one holding the closing quotes."""
    if not paragraphs:
        return tomlkit.string("\n", multiline=True)  # an empty line to write on
    quoted = tomlkit.string("".join(f"{p}\n" for p in paragraphs), multiline=True).as_string()
    # TOML drops a newline right after the opening quotes; tomlkit writes none there.
    return tomlkit.parse(f'v = """\n{quoted[3:]}\n')["v"]


def _earlier(container, paragraphs) -> None:
    if paragraphs:
        container.add(tomlkit.comment(EARLIER))
        for paragraph in paragraphs:
            container.add(tomlkit.comment(f"  {paragraph}"))


def _prose(key: str, prose: Prose, notes: Notes):
    table = tomlkit.table(is_super_table=False)  # "[problems]" is written even when it holds only items
    before = notes.earlier.get(key)
    if notes.guide:
        table.add(tomlkit.comment("text：每个非空行是一段；items：带（一）（二）…编号的小节，可增删"))
    if before is not None:
        _earlier(table, before.paragraphs)
    if prose.paragraphs or not prose.items or notes.guide or (before is not None and before.paragraphs):
        table.add("text", multiline(prose.paragraphs))
    if prose.items:
        items = tomlkit.aot()
        for n, item in enumerate(prose.items):
            entry = tomlkit.table()
            entry.add("title", item.title)
            if before is not None and n < len(before.items):
                _earlier(entry, before.items[n].paragraphs)
            entry.add("text", multiline(item.paragraphs))
            items.append(entry)
        table.add("items", items)
    elif notes.guide:
        table.add(tomlkit.comment(f'[[{key}.items]] 小节写法：title = "小标题"，text = """正文"""'))
    return table


# ---------------------------------------------------------------- numbers


def _numbers(fmt: Format, table: Table, values: Mapping[Key, Value], notes: Notes):
    """Rows grouped as INPUT.md nests them (``withheld.state_secret`` under
    ``[applications.withheld]``), each commented with its labels and column order."""
    out = tomlkit.table()
    given = {k: v for k, v in values.items() if k not in fmt.derived}
    computed = derive(fmt, {**{(table.key, p.cell.row, p.cell.col): 0 for p in table.slots
                               if (table.key, p.cell.row, p.cell.col) not in fmt.derived}, **given})
    disagree = {k for k in fmt.derived if k[0] == table.key and k in values and show(values[k]) != show(computed[k])}
    rows = {}
    for row in table.row_keys:
        slots = given_slots(fmt, table, row)
        if slots:
            rows[row] = slots
    layouts = {row: _columns(table, row, slots) for row, slots in rows.items()}
    shared = len({cols for _, cols in layouts.values()}) == 1 and len(rows) > 1
    if shared:
        _, cols = next(iter(layouts.values()))
        stated = len(table.row_slots(next(iter(rows)))) > len(next(iter(rows.values())))
        out.add(tomlkit.comment(f"每行 {len(cols)} 个数：{' '.join(cols)}"
                                + ("；可再加一个数作为总计（须等于各项之和），不写由工具计算" if stated else "")))
    groups: dict[str, TomlTable] = {}
    written: set[Key] = set()
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
        every = table.row_slots(row)
        if any((table.key, row, p.cell.col) in disagree for p in every):
            slots = list(every)  # the stated total too: fill then says it does not add up
        keys = [(table.key, row, p.cell.col) for p in slots]
        written.update(keys)
        target.add(leaf, row_value([values.get(k, 0) for k in keys]))
        label, cols = layouts[row]
        remarks = [notes.rows[(table.key, row)]] if (table.key, row) in notes.rows else []
        remarks += _cell_remarks(table, keys, notes.cells)
        remarks += [f"写明的总计 {show(values[k])} 与各项之和 {show(computed[k])} 不符" for k in keys if k in disagree]
        target[leaf].comment("；".join([label if shared else f"{label}：{'、'.join(cols)}", *remarks]))
    for k in sorted(disagree - written, key=lambda k: table.row_keys.index(k[1])):
        out.add(tomlkit.comment(f"{cell_title(table, k[1], k[2])}：写明的是 {show(values[k])}，"
                                f"各项之和为 {show(computed[k])}，由工具按各项之和计算"))
    return out


def row_value(numbers: list[Value]) -> TomlItem:
    """A row as the contract writes it: a single number bare, several in brackets; each
    as :func:`~reportfill.report.show` writes it (a decimal exactly as stated)."""
    shown = [show(n) for n in numbers]
    return tomlkit.value(shown[0]) if len(shown) == 1 else tomlkit.array(f"[{', '.join(shown)}]")


def _cell_remarks(table: Table, keys: list[Key], cells: Mapping[Key, str]) -> list[str]:
    """The notes on a row's cells: the note alone when it is about every cell of the
    row, else each note once with the numbers it is about ("第3个数（科研机构）")."""
    noted = [(n, k) for n, k in enumerate(keys) if k in cells]
    if not noted:
        return []
    if len(noted) == len(keys) and len({cells[k] for _, k in noted}) == 1:
        return [cells[keys[0]]]
    by_note: dict[str, list[str]] = {}
    for n, k in noted:
        column = table.cell_name(k[1], k[2])[1].split(" · ")[-1]
        by_note.setdefault(cells[k], []).append(f"第{n + 1}个数（{column}）")
    return [f"{'、'.join(which)}{note}" for note, which in by_note.items()]


def _columns(table: Table, row: str, slots) -> tuple[str, tuple[str, ...]]:
    """(row label, the names of ``slots``' columns), as :meth:`Table.row_name` names
    them; the row's own label only, its group's label being the comment of its group."""
    name, columns = table.row_name(row)
    labels = table.row_labels(row)
    named = dict(zip((p.cell.col for p in table.row_slots(row)), columns))
    return (labels[-1] if labels else name), tuple(named[p.cell.col] for p in slots)
