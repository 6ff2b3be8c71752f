"""One agency-year report as the tool holds it between reading the input and rendering."""

from __future__ import annotations

from dataclasses import dataclass

from .rules import Values
from .spec import Format


@dataclass(frozen=True)
class Item:
    """A numbered sub-section （一）（二）… of a prose section."""

    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Prose:
    """A prose section: paragraphs under the heading, then numbered items."""

    paragraphs: tuple[str, ...]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Report:
    """``values`` holds what the input states (totals included when stated); the totals
    the format derives are added by :func:`reportfill.rules.derive` at render time."""

    fmt: Format
    agency: str
    year: int
    title: str
    preface: tuple[str, ...]
    prose: dict[str, Prose]
    values: Values
