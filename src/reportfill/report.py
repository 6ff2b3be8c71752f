"""One agency-year report as content: what a TOML input holds, what ``fill`` renders,
and what reading a published report recovers from it.

It is the model on the far side of the rules: a :class:`Report` comes from a TOML input
(``readers.toml_input``) or from a document once its tables are located and its numbers
read (``workflows.check``), and goes to the DOCX renderer or the TOML writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .format.spec import Format

Value = int | Decimal | str
Values = dict[tuple[str, str, str], Value]  # (table key, row key, column key) -> value


def show(value: Value) -> str:
    """Print a value the way it was written: decimals as entered, never as a float."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def plain(value: Decimal) -> Value:
    """A computed amount without trailing zeros or an exponent: 28.1632, 10, 0.5."""
    text = format(value.normalize(), "f")
    return Decimal(text) if "." in text else int(text)


@dataclass(frozen=True)
class Item:
    """A numbered sub-section （一）（二）… of a prose section."""

    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Prose:
    """A prose section: paragraphs under the heading, then numbered items."""

    paragraphs: tuple[str, ...]
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Report:
    """``values`` holds what the source states (totals included when stated); the totals
    the format derives are added by :func:`reportfill.rules.tables.derive`.

    A report read from someone else's document may lack what its text does not say:
    ``agency`` is then empty and ``year`` None."""

    fmt: Format
    agency: str
    year: int | None
    title: str
    preface: tuple[str, ...]
    prose: dict[str, Prose]
    values: Values
