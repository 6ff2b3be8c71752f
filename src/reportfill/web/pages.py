"""The pages, rendered from the templates shipped in this package, and the official
tables laid out for them from the format definition: every label, merge and data cell
of a table comes from :mod:`reportfill.format.formats`, none is written here."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import jinja2

from ..format.formats import FIELDS, FILLABLE
from ..format.spec import Format, Label, Table
from ..readers import REPORT_SUFFIXES
from ..rules.catalogue import RULES
from ..rules.tables import cell_title
from ..writers.render import item_number
from .form import cell_id

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("reportfill.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["url"] = lambda name: quote(name, safe="")
_ENV.globals["rules"] = RULES
_ENV.globals["fields"] = FIELDS
_ENV.globals["report_name"] = FILLABLE.title_suffix
_ENV.globals["report_suffixes"] = ",".join(REPORT_SUFFIXES)


def page(template: str, **context) -> str:
    return _ENV.get_template(template).render(**context)


@dataclass(frozen=True)
class Cell:
    """A cell of a table as the page draws it: a label, or a data cell named by its
    id, ``derived`` when the tool computes it."""

    rowspan: int
    colspan: int
    label: str | None = None
    group: bool = False
    id: str | None = None
    name: str = ""
    derived: bool = False
    kind: str = "count"
    unit: str = ""


@dataclass(frozen=True)
class TableLayout:
    key: str
    name: str
    heading: str
    widths: tuple[float, ...]  # per grid column, in percent
    rows: tuple[tuple[Cell, ...], ...]


def layout(fmt: Format, table: Table) -> TableLayout:
    """``table`` as HTML rows: each placed cell in its grid row, with its spans."""
    rows: list[list[Cell]] = [[] for _ in table.rows]
    for p in table.placed:
        cell = p.cell
        if isinstance(cell, Label):
            rows[p.row].append(Cell(p.rows, p.cols, label=cell.text, group=cell.group))
            continue
        key = (table.key, cell.row, cell.col)
        rows[p.row].append(Cell(
            p.rows, p.cols, id=cell_id(key), name=cell_title(table, cell.row, cell.col),
            derived=key in fmt.derived, kind=cell.kind, unit=table.units.get((cell.row, cell.col), "")))
    total = sum(table.column_widths)
    return TableLayout(table.key, table.name, fmt.sections[table.section].heading,
                       tuple(round(100 * w / total, 2) for w in table.column_widths), tuple(map(tuple, rows)))


def numbers(count: int) -> list[str]:
    """（一）（二）… for the items a page may number, as the report numbers them."""
    return [item_number(i) for i in range(count)]
