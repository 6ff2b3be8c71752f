"""Write what was edited outside the file (the web form) back into an input's TOML,
keeping everything else the file says: its comments, its layout, the keys left alone.

A clerk's input carries comments -- the official labels, last year's text written by
``new --from``, their own notes -- that no form shows. So an edit is applied to the
file's own tomlkit document, changing only the values that differ: an unchanged row
keeps its spacing and its comment, a changed one keeps its comment, a moved item keeps
the comments inside it, and the comments that sit after a section's last item (the next
section's heading) stay where they are.

What that takes beyond tomlkit's documented API -- a table's trailing lines, putting a
new title or 导语 after ``year`` rather than under the next heading -- is in
:mod:`.toml_edit`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import tomlkit

from ..format.spec import Format
from ..readers.toml_labels import given_slots
from ..report import Value, Values, show
from ..text import paragraphs
from .render import item_number
from .scaffold import default_title, multiline, row_value
from .toml_edit import (append_blank, append_lines, array_of_tables, comment, detach_trailing, insert_after,
                        is_table, set_comment, tables_of, written)

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


def _same(item, value) -> bool:
    wanted = "[" + ", ".join(map(show, value)) + "]" if isinstance(value, list) else show(value)
    return item is not None and written(item) == wanted


def _scalar(container, key: str, value) -> None:
    if not _same(container.get(key), value):
        container[key] = value


def _beside(doc, key: str, value, after: str) -> None:
    if key in doc:
        if not _same(doc.get(key), value):
            doc[key] = value
    elif after in doc:
        insert_after(doc, after, key, value)
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
    if not is_table(section):
        section = tomlkit.table(is_super_table=False)
        doc[key] = section
    if paragraphs(prose.text) or "text" in section:
        new = _text(section.get("text"), prose.text)
        if new is not section.get("text"):
            section["text"] = new
    old_tables = tables_of(section.get("items"))
    if [(i.origin, i.title.strip(), paragraphs(i.text)) for i in prose.items] == [
        (n, str(t.get("title", "")).strip(), paragraphs(str(t.get("text", "")))) for n, t in enumerate(old_tables)
    ]:
        return  # nothing changed: leave the items exactly as written
    # The blank lines and comments that end the last item (or the section) are the
    # heading of the next section, not part of the item; the blank lines that end the
    # other items separate them, and separate the items as they are now.
    trailing = detach_trailing(old_tables[-1] if old_tables else section, comments=True)
    gaps = [[line.as_string() for line in detach_trailing(t)] for t in old_tables]
    gap = next((g for g in gaps if g), ["\n"])
    tables = []
    for n, item in enumerate(prose.items):
        table = old_tables[item.origin] if item.origin is not None and 0 <= item.origin < len(old_tables) else None
        if table is None:
            table = tomlkit.table()
        _scalar(table, "title", item.title.strip())
        new = _text(table.get("text"), item.text)
        if new is not table.get("text"):
            table["text"] = new
        if _ITEM_NUMBER_COMMENT.fullmatch(comment(table)):
            set_comment(table, f"# {item_number(n)}")  # a "# （二）" beside the header follows the new order
        tables.append(table)
    for table in tables[:-1]:
        for blank in gap:
            append_blank(table, blank)
    if tables:
        section["items"] = array_of_tables(tables)
        target = tables[-1]
    else:
        if "items" in section:
            del section["items"]
        target = section
    append_lines(target, trailing)


def _numbers(doc, fmt: Format, table, values: Values) -> None:
    """Each row as the contract writes it: the stated numbers in column order (a stated
    total last), a single number bare; a row left as it is when its numbers are."""
    node = doc.get(table.key)
    if not is_table(node):
        node = doc[table.key] = tomlkit.table()
    for row in table.row_keys:
        slots = table.row_slots(row)
        given = given_slots(fmt, table, row)
        if not given:
            continue
        stated = [p for p in slots if (table.key, row, p.cell.col) in fmt.derived
                  and (table.key, row, p.cell.col) in values]
        numbers: list[Value] = [values[(table.key, row, p.cell.col)] for p in (*given, *stated)]
        *groups, leaf = row.split(".")
        target = node
        for group in groups:
            inner = target.get(group)
            if not is_table(inner):
                inner = target[group] = tomlkit.table()
            target = inner
        if not _same(target.get(leaf), numbers[0] if len(numbers) == 1 else numbers):
            target[leaf] = row_value(numbers)
