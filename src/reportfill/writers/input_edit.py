"""Write what was edited outside the file (the web form) back into an input's TOML,
keeping everything else the file says: its comments, its layout, the keys left alone.

A clerk's input carries comments -- the official labels, last year's text written by
``new --from``, their own notes -- that no form shows. So an edit is applied to the
file's own tomlkit document, changing only the values that differ: an unchanged row
keeps its spacing and its comment, a changed one keeps its comment, a moved item keeps
the comments inside it, and the comments that sit after a section's last item (the next
section's heading) stay where they are.

tomlkit (pinned in pyproject.toml) is used beyond its documented API in two places: the
body of a table, to keep its trailing comments where they are, and ``_insert_after``, to
put a new title or 导语 after ``year`` rather than under the next heading.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import tomlkit
from tomlkit.items import AoT, Array, Comment, Float, Integer, Table, Whitespace

from ..format.spec import Format
from ..report import Value, Values, show
from ..text import paragraphs
from .render import item_number
from .scaffold import default_title, multiline, row_value

_ITEM_NUMBER_COMMENT = re.compile(r"#\s*（[一二三四五六七八九十]+）\s*")


@dataclass(frozen=True)
class EditedItem:
    """A numbered sub-section as edited; ``origin`` is its position in the file it was
    opened from (None for an item added in the form), so its comments follow it."""

    title: str
    text: str
    origin: int | None = None


@dataclass(frozen=True)
class EditedProse:
    text: str
    items: tuple[EditedItem, ...] = ()


@dataclass(frozen=True)
class Edited:
    """The content of an input as a form holds it. ``title`` and ``preface`` are ""
    when not given; ``values`` holds numbers only: the cells the input states (totals
    the format derives only where the input states them)."""

    agency: str
    year: int
    title: str
    preface: str
    prose: Mapping[str, EditedProse]
    values: Values


def edited_text(original: str, fmt: Format, edited: Edited) -> str:
    """``original`` (an input's TOML text) with ``edited``'s content written into it."""
    doc = tomlkit.parse(original)
    _scalar(doc, "agency", edited.agency)
    _scalar(doc, "year", edited.year)
    title = edited.title.strip()
    if title and title != default_title(fmt, edited.agency, edited.year):
        _beside(doc, "title", title, "year")
    elif "title" in doc and not title:
        del doc["title"]
    if paragraphs(edited.preface):
        _beside(doc, "preface", _text(doc.get("preface"), edited.preface), "title" if "title" in doc else "year")
    elif "preface" in doc:
        del doc["preface"]
    for key, prose in edited.prose.items():
        _prose(doc, key, prose)
    for table in fmt.tables:
        _numbers(doc, fmt, table, edited.values)
    return tomlkit.dumps(doc)


def _written(item) -> str:
    """A value as the file writes it; a number exactly as typed (tomlkit would read a
    TOML float as a binary float)."""
    if isinstance(item, (Integer, Float)):
        return item.as_string().strip()
    if isinstance(item, Array):
        return "[" + ", ".join(_written(v) for v in item) + "]"
    return str(item.unwrap())


def _same(item, value) -> bool:
    wanted = "[" + ", ".join(map(show, value)) + "]" if isinstance(value, list) else show(value)
    return item is not None and _written(item) == wanted


def _scalar(container, key: str, value) -> None:
    if not _same(container.get(key), value):
        container[key] = value


def _beside(doc, key: str, value, after: str) -> None:
    if key in doc:
        if not _same(doc.get(key), value):
            doc[key] = value
    elif after in doc:
        doc._insert_after(after, key, value)
    else:
        doc[key] = value


def _text(current, text: str):
    """The multi-line string for ``text``; ``current`` itself when its paragraphs are
    the same, so an unchanged text keeps its exact layout."""
    wanted = paragraphs(text)
    if current is not None and isinstance(current.unwrap(), str) and paragraphs(current.unwrap()) == wanted:
        return current
    return multiline(wanted)


def _prose(doc, key: str, prose: EditedProse) -> None:
    section = doc.get(key)
    if not isinstance(section, Table):
        section = tomlkit.table(is_super_table=False)
        doc[key] = section
    if paragraphs(prose.text) or "text" in section:
        new = _text(section.get("text"), prose.text)
        if new is not section.get("text"):
            section["text"] = new
    old = section.get("items")
    old_tables = list(old.body) if isinstance(old, AoT) else []
    if [(i.origin, i.title.strip(), paragraphs(i.text)) for i in prose.items] == [
        (n, str(t.get("title", "")).strip(), paragraphs(str(t.get("text", "")))) for n, t in enumerate(old_tables)
    ]:
        return  # nothing changed: leave the items exactly as written
    trailing = _detach_trailing(old_tables[-1] if old_tables else section, comments=True)
    gaps = [_detach_trailing(t) for t in old_tables]
    gap = next((g for g in gaps if g), [Whitespace("\n")])
    tables = []
    for n, item in enumerate(prose.items):
        table = old_tables[item.origin] if item.origin is not None and 0 <= item.origin < len(old_tables) else None
        if table is None:
            table = tomlkit.table()
        _scalar(table, "title", item.title.strip())
        new = _text(table.get("text"), item.text)
        if new is not table.get("text"):
            table["text"] = new
        if _ITEM_NUMBER_COMMENT.fullmatch(table.trivia.comment or ""):
            table.trivia.comment = f"# {item_number(n)}"  # a "# （二）" beside the header follows the new order
        tables.append(table)
    for table in tables[:-1]:
        for blank in gap:
            table.value.append(None, Whitespace(blank.as_string()))
    if tables:
        indents = [t.trivia.indent for t in tables]
        items = tomlkit.aot()
        for table, indent in zip(tables, indents):
            items.append(table)
            table.trivia.indent = indent  # appending gives it a blank line; its own are kept
        section["items"] = items
        target = tables[-1]
    else:
        if "items" in section:
            del section["items"]
        target = section
    for item in trailing:
        target.value.append(None, item)


def _detach_trailing(table: Table, comments: bool = False) -> list:
    """Take the blank lines (and with ``comments`` the comments) that end ``table`` off
    it: in a file they separate it from what follows, or are the heading of the next
    section, not part of this item."""
    body = table.value.body
    kinds = (Comment, Whitespace) if comments else (Whitespace,)
    out = []
    while body and body[-1][0] is None and isinstance(body[-1][1], kinds):
        out.append(body.pop()[1])
    return list(reversed(out))


def _numbers(doc, fmt: Format, table, values: Values) -> None:
    """Each row as the contract writes it: the stated numbers in column order (a stated
    total last), a single number bare; a row left as it is when its numbers are."""
    node = doc.get(table.key)
    if not isinstance(node, Table):
        node = doc[table.key] = tomlkit.table()
    for row in table.row_keys:
        slots = table.row_slots(row)
        given = [p for p in slots if (table.key, row, p.cell.col) not in fmt.derived]
        if not given:
            continue
        stated = [p for p in slots if (table.key, row, p.cell.col) in fmt.derived
                  and (table.key, row, p.cell.col) in values]
        numbers: list[Value] = [values[(table.key, row, p.cell.col)] for p in given + stated]
        *groups, leaf = row.split(".")
        target = node
        for group in groups:
            inner = target.get(group)
            if not isinstance(inner, Table):
                inner = target[group] = tomlkit.table()
            target = inner
        if not _same(target.get(leaf), numbers[0] if len(numbers) == 1 else numbers):
            target[leaf] = row_value(numbers)
