"""The editor's form as data: what an input holds, as the form shows it; what the browser
sends back, read into an :class:`~reportfill.writers.input_edit.Edited`; and what the
form shows about it -- computed totals and every finding -- from the rule functions
``fill`` applies, so the form and ``fill`` cannot disagree.

- The table rules (R1–R5) are :func:`~reportfill.rules.tables.check_values` on the cells'
  numbers, totals :func:`~reportfill.rules.tables.derive`; a cell holding no number gets
  the finding a blank or "/" cell of a DOCX gets (:func:`reportfill.values.unreadable_findings`).
- What the report says beyond its tables' equations (R8–R12) is
  :func:`~reportfill.rules.content.check_report`, the function ``fill`` judges an input with.
- Everything else an input must satisfy (agency, titles, texts) is judged by the TOML
  reader on the very text 保存 writes (:func:`~reportfill.readers.toml_input.parse_input`).
- Against last year's report: :func:`~reportfill.workflows.check.with_previous` (R6, R7,
  the duplication rate and D1), as ``fill --previous`` does.

Nothing here knows about HTTP; :mod:`reportfill.web.app` parses requests and calls it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from ..errors import Problem, ReportfillError
from ..findings import Finding, Result, has_errors
from ..format.spec import Format, Table
from ..readers.toml_input import PROSE_KEYS, parse_input
from ..readers.toml_labels import given_slots
from ..readers.toml_numbers import meant
from ..report import Item, Prose, Report, Values, show
from ..rules.content import check_report
from ..rules.duplication import Reuse
from ..rules.tables import cell_title, check_values, derive, value_problem
from ..text import is_blank_mark, normalize, paragraphs, read_number, similarity
from ..values import unreadable_findings
from ..workflows.check import with_previous
from ..writers.input_edit import Edited, EditedItem, EditedProse, edited_text
from ..writers.scaffold import default_title

Key = tuple[str, str, str]
MAX_ITEMS = 50  # numbered sub-sections in one prose section
MAX_FIELD = 400_000  # characters in one text field (the reader refuses more than half of it)


def cell_id(key: Key) -> str:
    """A cell's name in the page and in what the browser sends: "applications|received|natural_person"."""
    return "|".join(key)


def _refuse(message: str) -> ReportfillError:
    return ReportfillError(Problem("", message))


# ---------------------------------------------------------------- opening an input


def opened_state(data: dict, fmt: Format) -> dict:
    """What the form shows of an input's TOML ``data`` (decimals exact): its values as
    written, whether or not they are valid (the form's findings say what is wrong with them)."""

    def shown(value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return show(value) if isinstance(value, (int, Decimal, str)) else ""

    def prose(key: str) -> dict:
        section = data.get(key) if isinstance(data.get(key), dict) else {}
        items = section.get("items") if isinstance(section.get("items"), list) else []
        return {"text": "\n".join(paragraphs(str(section.get("text", "")))),
                "items": [{"title": str(i.get("title", "")), "text": "\n".join(paragraphs(str(i.get("text", "")))),
                           "origin": n} for n, i in enumerate(items) if isinstance(i, dict)]}

    cells, stated = {}, {}
    for table in fmt.tables:
        for row in table.row_keys:
            given = given_slots(fmt, table, row)
            if not given:
                continue
            node = data.get(table.key)
            for part in row.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            written = node if isinstance(node, list) else [] if node is None else [node]
            for p, value in zip(table.row_slots(row), written):
                key = (table.key, row, p.cell.col)
                (stated if key in fmt.derived else cells)[cell_id(key)] = shown(value)
            for p in given[len(written):]:
                cells[cell_id((table.key, row, p.cell.col))] = ""
    return {
        "agency": str(data.get("agency", "")),
        "year": data.get("year"),
        "title": str(data.get("title", "")),
        "preface": "\n".join(paragraphs(str(data.get("preface", "")))),
        "prose": {key: prose(key) for key in PROSE_KEYS},
        "cells": cells,
        "stated": stated,
    }


# ---------------------------------------------------------------- what the browser sends


@dataclass
class Form:
    """The form's content: ``edited`` holds every cell that states a number, as typed
    (a negative count included: the rules judge it); ``blank`` the cells that state
    none, with their text; ``previous`` names last year's report ("auto", "" or a file)."""

    fmt: Format
    edited: Edited
    blank: list[tuple[str, str, str]] = field(default_factory=list)  # (table, row, col text)
    previous: str = "auto"

    @property
    def valid_values(self) -> Values:
        """The numbers a cell of its kind may hold; the others as 0, for the reader to
        judge the rest of the input without repeating the cells' findings."""
        kinds = {(t.key, p.cell.row, p.cell.col): p.cell.kind for t in self.fmt.tables for p in t.slots}
        values = {k: (v if value_problem(kinds[k], v) is None else 0) for k, v in self.edited.values.items()}
        return {**values, **{(t, r, c): 0 for t, r, c, _ in self._blank_keys()}}

    def _blank_keys(self):
        return [(table, row, col, text) for table, (row, col, text) in self.blank]


def _text(data: dict, key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or len(value) > MAX_FIELD:
        raise _refuse(f"表单中的“{key}”不是文字或过长，请刷新页面后重试")
    return value


def read_form(data, fmt: Format, year: int) -> Form:
    """The form the browser sent for the input of ``year`` (the page does not change
    it): ``data`` as decoded from JSON, checked for shape, with every cell's text read
    as the readers read a table cell."""
    if not isinstance(data, dict):
        raise _refuse("表单数据不完整，请刷新页面后重试")
    prose = {}
    sent = data.get("prose") if isinstance(data.get("prose"), dict) else {}
    for key in PROSE_KEYS:
        section = sent.get(key) if isinstance(sent.get(key), dict) else {}
        items = section.get("items", [])
        if not isinstance(items, list) or len(items) > MAX_ITEMS or not all(isinstance(i, dict) for i in items):
            raise _refuse(f"表单中的小节数据不完整（每部分最多 {MAX_ITEMS} 个小节），请刷新页面后重试")
        prose[key] = EditedProse(_text(section, "text"), tuple(
            EditedItem(_text(i, "title"), _text(i, "text"),
                       i.get("origin") if isinstance(i.get("origin"), int) and not isinstance(i.get("origin"), bool)
                       else None)
            for i in items))
    cells = data.get("cells") if isinstance(data.get("cells"), dict) else {}
    stated = data.get("stated") if isinstance(data.get("stated"), dict) else {}
    values: Values = {}
    blank = []
    for table in fmt.tables:
        for p in table.slots:
            key = (table.key, p.cell.row, p.cell.col)
            derived = key in fmt.derived
            text = (stated if derived else cells).get(cell_id(key), "")
            if not isinstance(text, str) or len(text) > 100:
                raise _refuse("表单中的单元格数据不完整，请刷新页面后重试")
            if derived and not text.strip():
                continue  # a total the input does not state: computed
            value = read_number(text, p.cell.kind, table.units.get((p.cell.row, p.cell.col), ""))
            if value is None:
                blank.append((table.key, (p.cell.row, p.cell.col, " ".join(text.split()))))
            else:
                values[key] = value
    previous = data.get("previous", "auto")
    edited = Edited(agency=_text(data, "agency"), year=year, title=_text(data, "title"),
                    preface=_text(data, "preface"), prose=prose, values=values)
    return Form(fmt, edited, blank, previous if isinstance(previous, str) else "auto")


# ---------------------------------------------------------------- what the form shows


@dataclass
class Evaluation:
    """What the form shows: ``findings`` of the rules (each at its cell when it has one),
    ``problems`` the reader finds in the rest of the input, the computed ``totals`` by
    cell id, and how much of the prose repeats last year's."""

    findings: list[Finding]
    problems: list[str]
    totals: dict[str, str]
    reuse: Reuse | None = None

    @property
    def ok(self) -> bool:
        """Whether ``fill`` would accept the input."""
        return not self.problems and not has_errors(self.findings)


def as_report(form: Form, values: Values) -> Report:
    """The report the form describes, as the reader would build it from the saved file."""
    e = form.edited
    return Report(
        fmt=form.fmt, agency=e.agency.strip(), year=e.year,
        title=e.title.strip() or default_title(form.fmt, e.agency.strip(), e.year),
        preface=paragraphs(e.preface),
        prose={key: Prose(paragraphs(p.text), tuple(Item(i.title.strip(), paragraphs(i.text)) for i in p.items))
               for key, p in e.prose.items()},
        values=values,
    )


def evaluate(form: Form, original: str, name: str, prior: Result | None = None) -> Evaluation:
    """Judge the form as ``fill`` would judge the file 保存 writes from it (``original``
    is the file's text, ``name`` names it), and against last year's report ``prior``."""
    fmt = form.fmt
    derived = derive(fmt, form.edited.values)
    by_table: dict[str, list] = {}
    for table_key, cell in form.blank:
        by_table.setdefault(table_key, []).append(cell)
    findings = [f for t in fmt.tables for f in unreadable_findings(fmt, t, by_table.get(t.key, []))]
    findings += check_values(fmt, derived)
    report = as_report(form, derived)
    findings += check_report(report)
    problems = []
    try:
        parse_input(edited_text(original, fmt, replace(form.edited, values=form.valid_values)), name)
    except ReportfillError as exc:
        problems = [str(p).removeprefix(f"{name}，") for p in exc.problems]  # the page names the file once
    result = Result(name, findings, report=report)
    if prior is not None:
        with_previous(result, prior)
    totals = {cell_id(k): show(derived[k]) for k in fmt.derived if k in derived}
    return Evaluation(result.findings, problems, totals, result.reuse)


def saved_text(form: Form, original: str) -> str:
    """The input's new text; refused, naming the cells, while a cell holds no number
    (the file would not be an input any more)."""
    if form.blank:
        names = []
        for table_key, (row, col, text) in form.blank[:5]:
            table = form.fmt.table[table_key]
            names.append(f"{cell_title(table, row, col)}（{'空白' if not text else f'“{text}”'}）")
        more = f"等 {len(form.blank)} 处" if len(form.blank) > 5 else ""
        raise _refuse(f"{'；'.join(names)}{more}没有填写数字：请填写数字（没有的填 0）后再保存")
    return edited_text(original, form.fmt, form.edited)


# ---------------------------------------------------------------- pasting a row


@dataclass
class Pasted:
    """Rows read from a spreadsheet's clipboard: the numbers by row key, as the form
    fills them in, and what was understood, in words."""

    rows: dict[str, list[str]]
    notes: list[str]


def _cell_number(text: str, kind: str, unit: str) -> tuple[str | None, bool]:
    """(number as shown, read as 0 from a blank or "/"); None when it is no number. A
    number is read as a table cell's (in the column's ``unit`` or without it), or with
    a count's unit after it ("3件"); a negative count as typed, for the rules to judge."""
    if is_blank_mark(text):
        return "0", True
    value = read_number(text, kind, unit)
    if value is None and (typed := meant(text, kind)) is not None:
        value = typed.value
    return (None if value is None else show(value)), False


def _is_label(text: str, kind: str, unit: str) -> bool:
    return not is_blank_mark(text) and _cell_number(text, kind, unit)[0] is None


def read_pasted(fmt: Format, table_key: str, row: str, text: str) -> Pasted:
    """A row (or several) copied from Excel or WPS表格 into ``row`` of a table: fields
    separated by tabs (by spaces in a line without a tab, as a row copied from a PDF or a
    web page is), the row's labels in front or not, numbers with 件 or 万元, blanks
    and "/" read as 0; several lines fill the following rows. Refused, with the reason,
    when a line does not hold the row's numbers."""
    table = fmt.table.get(table_key)
    if table is None or row not in table.row_keys:
        raise _refuse("粘贴的位置不是表格中的一行，请刷新页面后重试")
    rows = [r for r in table.row_keys if given_slots(fmt, table, r)]
    lines = [line for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines or len(lines) > len(rows):
        raise _refuse(f"粘贴的内容有 {len(lines)} 行，{table.name}只有 {len(rows)} 行可以填写")
    start = rows.index(row) if row in rows else 0
    if start + len(lines) > len(rows):
        raise _refuse(f"粘贴了 {len(lines)} 行，从这一行往下只有 {len(rows) - start} 行")
    out, notes = {}, []
    for line, target in zip(lines, rows[start:]):
        values, note = _read_line(fmt, table, target, line.split("\t") if "\t" in line else line.split())
        out[target] = values
        notes.append(note)
    return Pasted(out, notes)


def _read_line(fmt: Format, table: Table, row: str, fields: list[str]) -> tuple[list[str], str]:
    given = given_slots(fmt, table, row)
    total = [p for p in table.row_slots(row) if p not in given]
    kind = given[0].cell.kind
    unit = table.units.get((row, given[0].cell.col), "")
    row_name, columns = table.row_name(row)
    while len(fields) > table.width and not fields[-1].strip():
        fields = fields[:-1]
    if len(fields) == table.width:  # the whole row of a sheet laid out as the official table
        slots = [*given, *total]
        labels = [f.strip() for f in fields[: slots[0].col] if f.strip()]
        fields = [fields[p.col] for p in slots]
    else:
        labels = []
        while fields and _is_label(fields[0], kind, unit):
            labels.append(fields.pop(0).strip())
        while labels and fields and not fields[0].strip() and len(fields) > len(given):
            fields.pop(0)  # the cells a merged label spans
        while fields and not fields[-1].strip() and len(fields) > len(given):
            fields.pop()
    if len(fields) not in (len(given), len(given) + len(total)):
        raise _refuse(f"“{row_name}”这一行应有 {len(given)} 个数，粘贴的内容中有 {len(fields)} 个："
                      "请只复制这一行的数字（可以带上栏目名称）")
    numbers, zeros = [], []
    for n, text in enumerate(fields):
        number, zero = _cell_number(text, kind, unit)
        if number is None:
            raise _refuse(f"“{row_name}”第 {n + 1} 个值“{text.strip()}”不是数字")
        numbers.append(number)
        if zero:
            zeros.append(n + 1)
    names = [name for p, name in zip(table.row_slots(row), columns) if p in given]
    said = [f"{name} {number}" for name, number in zip(names, numbers)]
    note = f"已识别“{row_name}”：{'，'.join(said)}"
    if labels and not any(similarity(normalize(label), normalize(mine)) >= 0.8
                          for label in labels for mine in table.row_labels(row) or (row_name,)):
        note += f"（粘贴内容的栏目是“{labels[-1]}”，已填入本行，请核对）"
    if zeros:
        note += f"；第 {'、'.join(map(str, zeros))} 个为空白或“/”，按 0 填入"
    if len(numbers) > len(given):
        stated, parts = numbers[-1], sum(Decimal(n) for n in numbers[:-1])
        if Decimal(stated) == parts:
            note += f"；最后一个数 {stated} 是总计，与各项之和一致"
        else:
            note += f"；最后一个数 {stated} 是总计，但各项之和为 {show(parts)}：总计由工具计算，请核对各数"
    return numbers[: len(given)], note
