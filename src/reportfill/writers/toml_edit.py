"""tomlkit below its documented API: the one place reportfill reaches into it.

tomlkit documents parsing, ``dumps``, making items (``tomlkit.table()``, ``aot()``,
``comment()``…) and editing a document as a dict. Writing a clerk's input back without
losing its layout (:mod:`.input_edit`), and writing a new one with each section's
heading above it (:mod:`.scaffold`), needs more. This module relies on these pieces of
tomlkit as 0.12 to 0.15 have them (``pyproject.toml`` bounds tomlkit below 0.16;
``tests/test_toml_edit.py`` fails, naming the piece, should a release change one):

- the classes of ``tomlkit.items`` (``Table``, ``AoT``, ``Integer``, ``Float``,
  ``Array``, ``Comment``, ``Whitespace``) are what parsing and making items give;
- a table's ``value.body`` is its list of (key, item) pairs in file order, the comments
  and blank lines after its last key among them with key None, and
  ``value.append(None, item)`` adds such a line at its end; an array of tables'
  ``body`` is its tables;
- ``trivia.indent`` is written verbatim before a table's header, ``trivia.comment``
  after it on the same line;
- ``TOMLDocument._insert_after(key, new_key, value)`` puts a new key right after another.
"""

from __future__ import annotations

import tomlkit
from tomlkit.items import AoT, Array, Comment, Float, Integer, Table, Whitespace
from tomlkit.items import Item, String  # noqa: F401 -- the types the other writers' annotations name


def is_table(item) -> bool:
    """Whether ``item`` is a table (``[name]``), not a value or an inline table."""
    return isinstance(item, Table)


def tables_of(item) -> list:
    """The tables of an array of tables (``[[name]]``); none for anything else."""
    return list(item.body) if isinstance(item, AoT) else []


def written(item) -> str:
    """A value as the file writes it; a number exactly as typed (tomlkit would read a
    TOML float as a binary float)."""
    if isinstance(item, (Integer, Float)):
        return item.as_string().strip()
    if isinstance(item, Array):
        return "[" + ", ".join(written(v) for v in item) + "]"
    return str(item.unwrap())


def insert_after(doc, after: str, key: str, value) -> None:
    """Put ``key`` into ``doc`` right after the key ``after``, not at the end, where it
    would fall under the last section's heading."""
    doc._insert_after(after, key, value)


def detach_trailing(table: Table, *, comments: bool = False) -> list:
    """Take the blank lines (and with ``comments`` the comments) that end ``table`` off
    it, in file order."""
    body = table.value.body
    kinds = (Comment, Whitespace) if comments else (Whitespace,)
    out = []
    while body and body[-1][0] is None and isinstance(body[-1][1], kinds):
        out.append(body.pop()[1])
    return list(reversed(out))


def append_lines(table: Table, lines: list) -> None:
    """Put ``lines`` (what :func:`detach_trailing` took off a table) at the end of ``table``."""
    for line in lines:
        table.value.append(None, line)


def append_blank(table: Table, text: str) -> None:
    """End ``table`` with the blank lines ``text``."""
    table.value.append(None, Whitespace(text))


def array_of_tables(tables: list[Table]) -> AoT:
    """An array of ``tables``, each keeping the indent before its header (appending a
    table to an array gives it a blank line)."""
    indents = [t.trivia.indent for t in tables]
    items = tomlkit.aot()
    for table, indent in zip(tables, indents):
        items.append(table)
        table.trivia.indent = indent
    return items


def comment(item) -> str:
    """The comment beside ``item`` (a table: after its header), "" for none."""
    return item.trivia.comment or ""


def set_comment(item, text: str) -> None:
    """Replace the comment beside ``item``, keeping the space before it as it was."""
    item.trivia.comment = text


def heading(item, text: str) -> None:
    """Write the comment ``text`` on a line of its own above the table ``item``'s header,
    after a blank line."""
    item.trivia.indent = f"\n# {text}\n"
