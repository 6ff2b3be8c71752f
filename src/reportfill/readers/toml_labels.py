"""The input's keys in a clerk's words, both ways.

Messages name a key by its official label -- "五、存在的主要问题及改进情况 第1个小节的正文",
"表三 （一）予以公开" -- with the key itself in brackets for whoever edits the file as
TOML. And a clerk who types the label where the key belongs (``自然人 = 1``,
``[一、总体情况]``) is told which key it stands for. Every label is read from the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..format.formats import FIELDS, FILLABLE
from ..format.spec import Format, Table
from ..text import normalize

# The input's prose sections: the sections of the format it is written in that hold no table.
PROSE_KEYS = tuple(s.key for s in FILLABLE.sections if s.key not in FILLABLE.table)
Key = tuple  # ("problems", "items", 0, "text")


def dotted(key: Key) -> str:
    """The key as the file spells it; an item's number is said in words, not here."""
    return ".".join(part for part in key if isinstance(part, str))


def label(fmt: Format, key: Key) -> str | None:
    """The official label of a key of the input contract, or None for an unknown key."""
    head, rest = key[0], list(key[1:])
    if not rest and head in FIELDS:
        return FIELDS[head]
    heading = {s.key: s.heading for s in fmt.sections}.get(head)
    if head in PROSE_KEYS:
        return _prose_label(heading, rest)
    table = fmt.table.get(head)
    if table is None:
        return None
    if not rest:
        return heading
    if not all(isinstance(part, str) for part in rest):  # [[proactive]]: a table written as an array
        return None
    row = ".".join(rest)
    if row in table.row_keys:
        return f"{table.name} {table.row_name(row)[0]}"
    group = [r for r in table.row_keys if r.startswith(row + ".")]
    return f"{table.name} {table.row_labels(group[0])[0]}" if group else None


def _prose_label(heading: str, rest: list) -> str | None:
    if not rest:
        return heading
    if rest == ["text"]:
        return f"{heading}的正文"
    if rest[0] != "items":
        return None
    if len(rest) == 1:
        return f"{heading}的小节"
    if not isinstance(rest[1], int):  # [overview.items] written as a table, not [[overview.items]]
        return None
    item = f"{heading} 第{rest[1] + 1}个小节"
    return {(): item, ("title",): f"{item}的小标题", ("text",): f"{item}的正文"}.get(tuple(rest[2:]))


def place(fmt: Format, key: Key) -> str:
    """"表三 （一）予以公开（applications.disclosed）"; an unknown key by the label of the
    table it is in; the bare key when neither has a label."""
    name = label(fmt, key)
    if name is None and len(key) > 1 and (parent := label(fmt, key[:-1])):
        name = f"{parent}中的“{key[-1]}”"
    return f"{name}（{dotted(key)}）" if name else dotted(key)


def example(table: Table, row: str, given: int) -> str:
    """A row written out with zeros: ``disclosed = [0, 0, 0, 0, 0, 0]``, ``licenses = 0``."""
    leaf = row.rsplit(".", 1)[-1]
    return f"{leaf} = {'[' + ', '.join(['0'] * given) + ']' if given > 1 else '0'}"


def given_slots(fmt: Format, table: Table, row: str) -> tuple:
    """The value cells of a row that the input states (totals are computed)."""
    key = (id(fmt), id(table), row)  # by identity: hashing a frozen format walks all of it
    found = _GIVEN.get(key)
    if found is None or found[0] is not fmt or found[1] is not table:
        given = tuple(p for p in table.row_slots(row) if (table.key, row, p.cell.col) not in fmt.derived)
        found = _GIVEN[key] = (fmt, table, given)
    return found[2]


_GIVEN: dict[tuple[int, int, str], tuple] = {}


# ---------------------------------------------------------------- labels typed as keys


@dataclass(frozen=True)
class Named:
    """What an official label typed in the file stands for."""

    kind: str  # "section", "group", "row" or "column"
    key: Key  # the key that holds it (a column: its table's)
    label: str


# In either width: labels are matched normalized, and shown in sentences as the format writes them.
_NUMBERING = re.compile(r"^(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+\.)")
_NOTE = re.compile(r"[(（][^()（）]*[)）]$")


def bare(label: str) -> str:
    """A label without its number and a trailing note in brackets: "（二）部分公开（区分处理的，…）"
    → "部分公开", "一、本年新收政府信息公开申请数量" → "本年新收政府信息公开申请数量"."""
    return _NOTE.sub("", _NUMBERING.sub("", label)) or label


def _index(fmt: Format) -> tuple[dict[str, Named], dict[str, Named]]:
    exact: dict[str, Named] = {}
    named = [Named("section", (s.key,), s.heading) for s in fmt.sections]
    for table in fmt.tables:
        for row in table.row_keys:
            key = (table.key, *row.split("."))
            name = table.row_name(row)[0]
            named += [Named("row", key, name), Named("row", key, name.split(" · ")[-1].split(" ")[-1])]
            if len(key) > 2:
                named.append(Named("group", key[:2], table.row_labels(row)[0]))
        for p in table.slots:
            named += [Named("column", (table.key,), text) for text in table.column_labels(p.cell.row, p.cell.col)]
    for n in named:
        exact.setdefault(normalize(n.label), n)
    stripped: dict[str, Named] = {}
    for n in named:
        stripped.setdefault(bare(normalize(n.label)), n)
    return exact, stripped


def lookup(fmt: Format, typed: str) -> Named | None:
    """The section, row or column whose official label ``typed`` is (numbering and a
    trailing note in brackets may be left out), or None."""
    exact, stripped = _index(fmt)
    text = normalize(typed)
    return exact.get(text) or stripped.get(bare(text))


def explain(fmt: Format, named: Named, typed: str, instead: str | None = None) -> str:
    """Why the label cannot stand where a key belongs, and what to write there (the
    clerk's own line with the key put right, ``instead``, when there is one)."""
    head = f"“{typed}”是"
    official = "" if normalize(typed) == normalize(named.label) else f"“{named.label}”"
    if named.kind == "section":
        return (f"{head}部分标题{official}，不能当作键：这一部分写在 [{named.key[0]}] 下面，"
                "标题由 reportfill 自动加上")
    table = fmt.table[named.key[0]]
    if named.kind == "group":
        return f"{head}{table.name}的{official or '一组行'}，表头中要写英文键：[{dotted(named.key)}]"
    if named.kind == "row":
        row = ".".join(named.key[1:])
        given = given_slots(fmt, table, row)
        head += f"{table.name}的{official}一行，"
        if not given:
            return head + "由 reportfill 计算，不用写：请删去这一行"
        parent = dotted(named.key[:-1])
        written = f"应写成：{instead}" if instead else f"例如 {example(table, row, len(given))}"
        return head + f"不能当作键：这一行的键是 {named.key[-1]}（写在 [{parent}] 下面），{written}"
    rows = [r for r in table.row_keys if given_slots(fmt, table, r)]
    having = [r for r in rows if any(named.label in table.column_labels(r, p.cell.col) for p in given_slots(fmt, table, r))]
    head += f"{table.name}的栏目（列）名称，不能当作键："
    if not having:
        return head + "这一栏由 reportfill 计算，不用写"
    row = having[0]
    name, columns = table.row_name(row)
    given = given_slots(fmt, table, row)
    if len(given) == 1:
        return head + f"{name}写成 {example(table, row, 1)}"
    alike = len({table.row_name(r)[1][: len(given)] for r in rows}) == 1
    which = f"{table.name}每一行" if alike else name
    return (head + f"{which}写成方括号里的 {len(given)} 个数，依次是 {'、'.join(columns[: len(given)])}，"
            f"例如 {example(table, row, len(given))}" + (f"（{name}）" if alike else ""))
