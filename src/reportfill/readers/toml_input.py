"""Read one agency-year TOML input (the contract in INPUT.md) into a :class:`Report`.

Staff edit these files by hand, so every problem is collected -- not just the first --
and each names the file, the line, the key by its official Chinese label (the key itself
in brackets) and what to write instead. The table keys and their number of values come
from the format definition, never from a list here.
"""

from __future__ import annotations

import datetime
import re
import tomli
import unicodedata
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem, ReportfillError
from ..findings import Finding
from ..format.formats import FILLABLE, fillable_problem, format_for_year
from ..format.spec import Format, Slot, Table
from ..report import Item, Prose, Report, Values, show
from ..rules.catalogue import RULES
from ..rules.content import check_report
from ..rules.tables import Source, cell_title, check_values, derive, is_number, value_problem
from ..text import MAX_DIGITS, is_blank_mark, normalize, paragraphs
from . import toml_labels
from .toml_labels import PROSE_KEYS, dotted, example, given_slots
from .toml_numbers import meant

if TYPE_CHECKING:
    from .toml_scan import Scan

__all__ = ["PROSE_KEYS", "load_input", "parse_input", "read_input", "read_toml"]

TOP_KEYS = ("agency", "year", "title", "preface", *PROSE_KEYS, "proactive", "applications", "appeals")
_LONGEST = 10**MAX_DIGITS  # the smallest count a cell cannot hold (rules.tables.value_problem says why)
MAX_AGENCY, MAX_TITLE = 60, 100  # characters; the longest real ones are about 30 and 45
MAX_TEXT = 200_000  # characters in one text field: about 200 printed pages


def load_input(path: str | Path, *, today: datetime.date | None = None, content: bytes | None = None) -> Report:
    """Read, validate and reconcile ``path``; raise :class:`ReportfillError` listing every
    problem when the input cannot be filled as it stands. ``content`` is the file's bytes
    when they do not come from ``path`` (an upload), which then only names it."""
    return read_input(path, today=today, content=content)[0]


def read_input(path: str | Path, *, today: datetime.date | None = None,
               content: bytes | None = None) -> tuple[Report, list[Finding]]:
    """:func:`load_input`, and the warnings the report gives
    (:func:`~reportfill.rules.content.check_report`: R8–R13), an R11 naming the line of
    the input rather than the printed cell."""
    path = Path(path)
    text = _read_text(path) if content is None else _decode(content, str(path))
    report, reader = _validated(text, path, today)
    findings = check_values(report.fmt, derive(report.fmt, report.values), reader.source(report))
    if findings:
        raise ReportfillError([Problem(str(path), _with_fix(f)) for f in findings])
    return report, check_report(report, reader.source(report))


def _with_fix(found: Finding) -> str:
    """A finding in an input, with what the catalogue says to do about it there."""
    fix = RULES[found.rule].fix
    return f"{found.message}。{fix}" if fix else found.message


def parse_input(text: str, path: str | Path, *, today: datetime.date | None = None) -> Report:
    """The input ``text`` validated but not reconciled, for a caller that shows the table
    rules' findings at their cells itself (the web form); ``path`` names it in messages."""
    return _validated(text, Path(path), today)[0]


def read_toml(content: str | bytes, path: str | Path) -> tuple[str, dict]:
    """The text of an input file and its TOML data, read as :func:`load_input` reads
    them: a file that is not UTF-8, empty, or not TOML raises :class:`ReportfillError`
    explaining why in Chinese, at its line of ``path``."""
    text = _decode(content, str(path)) if isinstance(content, bytes) else content
    return text, _parse(text, Path(path))


def _validated(text: str, path: Path, today: datetime.date | None) -> tuple[Report, "_Reader"]:
    data = _parse(text, path)
    reader = _Reader(path, text)
    report = reader.report(data, today or datetime.date.today())
    if reader.problems:
        raise ReportfillError(reader.problems)
    return report, reader


def _read_text(path: Path) -> str:
    where = str(path)
    if not path.exists():
        raise ReportfillError(Problem(where, "文件不存在，请检查路径和文件名"))
    if path.is_dir():
        raise ReportfillError(Problem(where, "这是一个文件夹，不是 TOML 文件；请给出 .toml 文件的路径"))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReportfillError(Problem(where, f"无法读取文件（{exc.strerror}）")) from None
    return _decode(raw, where)


def _decode(raw: bytes, where: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # what Notepad's "Unicode" saves
        raise ReportfillError(Problem(where, "文件是 UTF-16 编码（记事本中的“Unicode”）。请在编辑器中另存为“UTF-8”编码后再试"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ReportfillError(Problem(
            f"{where}，第{line}行",
            "文件不是 UTF-8 编码（可能是 GBK/GB2312）。请在编辑器中另存为“UTF-8”编码后再试",
        )) from None
    if not text.strip():
        raise ReportfillError(Problem(where, "文件是空的。请参照 inputs/ 中的示例填写"))
    return text


def _parse(text: str, path: Path) -> dict:
    # tomli, not the standard library's tomllib: the same parser (TOML 1.0, the same
    # errors) in a compiled build, twice as fast on a report's input.
    try:
        return tomli.loads(text, parse_float=Decimal)
    except tomli.TOMLDecodeError as exc:
        from . import toml_syntax  # explaining a mistake is all it is for

        raise ReportfillError(toml_syntax.explain(text, exc, path, FILLABLE)) from None


# A character XML 1.0 does not allow (Word cannot hold it either).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# An item number typed into a title: （一） (一) 一、 1. 1、 （1） ①, which the tool adds itself.
_ITEM_NUMBER = re.compile(r"^\s*(?:\(\s*[一二三四五六七八九十]+\s*\)|[一二三四五六七八九十]+\s*[、.]|\(\s*\d+\s*\)|\d{1,2}\s*[、.](?!\d))\s*")
_CIRCLED = re.compile(r"^\s*[①-⑳]\s*")
_AFTER_HEADING = re.compile(r"^(?:\s|[：:，,。.、]|$)")


class _Reader:
    """Walks the parsed TOML against the format, collecting problems as it goes."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.raw = text
        self.fmt = FILLABLE
        self.problems: list[Problem] = []
        self.aliased: set[tuple] = set()  # rows written under their Chinese label, already reported

    @cached_property
    def scan(self) -> Scan:
        """Where each key is in the text: needed only to word a problem, so found then."""
        from .toml_scan import scan

        return scan(self.raw.replace("\r\n", "\n"))

    @property
    def lines(self) -> dict[tuple, int]:
        return self.scan.keys

    def where(self, key: tuple, line: int | None = None) -> str:
        line = line or next((self.lines[key[:n]] for n in range(len(key), 0, -1) if key[:n] in self.lines), None)
        at = f"{self.path}，第{line}行" if line else str(self.path)
        return f"{at}，{toml_labels.place(self.fmt, key)}"

    def problem(self, key: tuple, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.where(key, line), message))

    def source(self, report: Report) -> Source:
        """Cells named as the input writes them; only what the input states was typed."""
        fmt = report.fmt

        def at(table_key: str, row: str, col: str) -> str:
            table = fmt.table[table_key]
            inputs = [p.cell.col for p in table.row_slots(row)]
            line = self.lines.get((table_key, *row.split(".")))
            number = f"第{inputs.index(col) + 1}个数" if len(inputs) > 1 else ""
            return f"第{line}行{number}" if line else number

        def name(table_key: str, row: str, col: str) -> str:
            located = "，".join(x for x in (at(table_key, row, col), dotted((table_key, *row.split(".")))) if x)
            return f"{cell_title(fmt.table[table_key], row, col)}（{located}）"

        return Source(name, "输入中写的是", typed=lambda *cell: cell in report.values, at=at, itemized=True)

    # ---------------------------------------------------------------- structure

    def table(self, data: dict, key: tuple, allowed, required: bool = True) -> dict | None:
        value = data.get(key[-1])
        if value is None:
            if required:
                self.problem(key, f"缺少这一部分：请参照示例加上 [{dotted(key)}]")
            return None
        if not isinstance(value, dict):
            self.problem(key, f"应为一个表（[{dotted(key)}]），而不是 {_kind(value)}")
            return None
        self.unknown(value, key, allowed)
        return value

    def unknown(self, data: dict, key: tuple, allowed) -> None:
        for name in data:
            if name in allowed:
                continue
            named = None if name.isascii() else toml_labels.lookup(self.fmt, name)
            if named:
                instead = None
                if named.kind == "row":
                    self.aliased.add(named.key)
                    if is_number(data[name]) or isinstance(data[name], list):
                        instead = f"{named.key[-1]} = {_display(data[name])}"
                self.problem(key + (name,), toml_labels.explain(self.fmt, named, name, instead))
                continue
            import difflib

            near = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
            if near:
                meant_label = toml_labels.label(self.fmt, key + (near[0],))
                hint = f"，是不是想写“{near[0]}”" + (f"（{meant_label}）" if meant_label else "") + "？"
            else:
                hint = f"。这里可用的键：{'、'.join(allowed)}"
            self.problem(key + (name,), f"不认识的键“{name}”{hint}")

    def string(self, data: dict, key: tuple, *, required: bool = True, empty_ok: bool = False) -> str | None:
        value = data.get(key[-1])
        if value is None:
            if required:
                self.problem(key, f"缺少这一项，请补上：{key[-1]} = \"…\"（文字用英文双引号括起来）")
            return None
        if not isinstance(value, str):
            self.problem(key, f"应为文字（用英文双引号括起来），而不是 {_kind(value)}")
            return None
        if not empty_ok and not value.strip():
            self.problem(key, "不能为空")
            return None
        if len(value) > MAX_TEXT:
            self.problem(key, f"文字过长（{len(value)} 字，上限 {MAX_TEXT} 字）；年度报告正文原则上不超过一千字，请精简")
            return None
        illegal = _XML_ILLEGAL.search(value)
        if illegal:
            offset, ch = illegal.start(), illegal.group()
            line = value.count("\n", 0, offset) + 1
            column = offset - (value.rfind("\n", 0, offset) + 1) + 1
            self.problem(key, (
                f"文字第{line}行第{column}个字符处有控制字符 U+{ord(ch):04X}"
                f"（{unicodedata.name(ch, '控制字符')}），Word 文档中不能出现，请删除（制表符 Tab 可以保留，会成为 Word 的制表位）"
            ))
            return None
        return value

    def name(self, data: dict, key: tuple, longest: int, *, one_line: bool = False, **kwargs) -> str | None:
        """The agency's name or the title, which become file names. A title may be broken
        where the clerk wants it printed broken; an agency's name is one line (the title
        joins it with the year, and a report read back names the agency on one line)."""
        value = self.string(data, key, **kwargs)
        text = value.strip() if value is not None else ""
        if one_line and ("\n" in text or "\r" in text):
            self.problem(key, "只能写成一行，不能换行")
            return None
        if len(text) > longest:
            self.problem(key, f"太长（{len(text)} 个字），至多 {longest} 个字")
            return None
        return value

    def text(self, data: dict, key: tuple, **kwargs) -> tuple[str, ...] | None:
        """A text's paragraphs; a section heading pasted into it is a problem."""
        value = self.string(data, key, **kwargs)
        if value is None:
            return None
        found = paragraphs(value)
        for paragraph in found:
            heading = self.heading_in(paragraph)
            if heading:
                alone = normalize(paragraph) in next(forms for h, forms, _ in self.headings if h == heading)
                what = "这里写了" if alone else "这一段以"
                tail = "请删去这一行" if alone else "请删去标题，只留正文"
                self.problem(key, (
                    f"{what}部分标题“{heading}”{'' if alone else '开头'}：六个部分的标题由 reportfill 自动加上，"
                    f"写在文字里会印两遍，{tail}"), line=self.line_of(key, paragraph))
        return found

    def heading_in(self, paragraph: str) -> str | None:
        """The section heading a paragraph is, or starts with (then followed by a space or
        punctuation: "一、总体情况良好" is a sentence)."""
        words, plain = normalize(paragraph), unicodedata.normalize("NFKC", paragraph).strip()
        for heading, forms, official in self.headings:
            if words in forms or (plain.startswith(official) and _AFTER_HEADING.match(plain[len(official):])):
                return heading
        return None

    @cached_property
    def headings(self) -> list[tuple[str, tuple[str, str], str]]:
        """Each heading, its normalized forms (with and without 一、), its NFKC form."""
        return [(s.heading, (normalize(s.heading), normalize(s.heading).split("、", 1)[-1]),
                 unicodedata.normalize("NFKC", s.heading)) for s in self.fmt.sections]

    def line_of(self, key: tuple, paragraph: str) -> int | None:
        """The line of the file a paragraph of a text is on, within the text's string."""
        span = next((s for s in self.scan.strings if s.key == key), None)
        if span is None or span.end is None:
            return None
        first, last = self.scan.line_of(span.start), self.scan.line_of(span.end)
        needle = paragraph[:20]
        return next((n for n in range(first, last + 1) if needle in self.scan.line_text(n)), first)

    # ---------------------------------------------------------------- content

    def report(self, data: dict, today: datetime.date) -> Report | None:
        self.unknown(data, (), TOP_KEYS)
        agency = self.name(data, ("agency",), MAX_AGENCY, one_line=True)
        fmt = self.year(data.get("year"), today)
        self.fmt = fmt or FILLABLE
        title = self.name(data, ("title",), MAX_TITLE, required=False)
        preface = self.text(data, ("preface",), required=False)
        prose = {key: self.prose(data, key) for key in PROSE_KEYS}
        values: Values = {}
        if fmt is not None:
            for table in fmt.tables:
                values.update(self.numbers(data, fmt, table))
        if self.problems or fmt is None:
            return None
        return Report(
            fmt=fmt,
            agency=agency,
            year=data["year"],
            title=title.strip() if title else f"{agency}{data['year']}年{fmt.title_suffix}",
            preface=preface or (),
            prose=prose,
            values=values,
        )

    def year(self, year, today: datetime.date) -> Format | None:
        key = ("year",)
        if year is None:
            self.problem(key, "缺少这一项，例如 year = 2021")
            return None
        if isinstance(year, str) and (typed := meant(year, "count", units=("年",))):
            self.problem(key, f"写的是 {_display(year)}：年度是数字，不要加引号。应写成：year = {typed.value}")
            return None
        if not isinstance(year, int) or isinstance(year, bool):
            self.problem(key, f"年度应为整数，例如 year = 2021，而不是 {_kind(year)}")
            return None
        why = fillable_problem(year, today)
        if why:
            self.problem(key, why)
            return None
        fmt = format_for_year(year)
        return fmt

    def prose(self, data: dict, key: str) -> Prose | None:
        section = self.table(data, (key,), ("text", "items"))
        if section is None:
            return None
        problems_before = len(self.problems)
        paragraphs = self.text(section, (key, "text"), required=False, empty_ok=True) or ()
        items = []
        raw_items = section.get("items", [])
        if not isinstance(raw_items, list) or not all(isinstance(i, dict) for i in raw_items):
            self.problem((key, "items"), f"小节应写成 [[{key}.items]]，每节有 title 和 text")
            raw_items = []
        for n, item in enumerate(raw_items):
            at = (key, "items", n)
            self.unknown(item, at, ("title", "text"))
            title = self.string(item, at + ("title",))
            if title is not None:
                title = self.item_title(title.strip(), at + ("title",))
            body = self.text(item, at + ("text",))
            if title is not None and body is not None:
                items.append(Item(title, body))
        prose = Prose(paragraphs, tuple(items))
        if not prose.paragraphs and not raw_items and len(self.problems) == problems_before:
            if "text" in section:
                self.problem((key, "text"), "文字是空的：这一部分至少要写一段文字")
            else:
                self.problem((key,), "这一部分既没有 text 也没有 items：至少要写一段文字")
        return prose

    def item_title(self, title: str, key: tuple) -> str | None:
        """A sub-heading's title without a number (the tool numbers them) or a heading."""
        heading = self.heading_in(title)
        if heading:
            self.problem(key, f"小标题写成了部分标题“{heading}”：部分标题由 reportfill 自动加上，这里请写这一小节自己的标题")
            return None
        number, circled = _ITEM_NUMBER.match(unicodedata.normalize("NFKC", title)), _CIRCLED.match(title)
        if number or circled:
            typed, rest = (title[: circled.end()].strip(), title[circled.end():]) if circled else _cut(title, number.end())
            self.problem(key, (
                f"小标题前面写了编号“{typed}”：小节的编号（一）（二）……由 reportfill 按顺序自动加上，"
                f"再写就会印成两个编号。应写成：title = \"{rest.strip().replace(chr(34), chr(92) + chr(34))}\""))
            return None
        return title

    def numbers(self, data: dict, fmt: Format, table: Table) -> Values:
        rows = [r for r in table.row_keys if given_slots(fmt, table, r)]
        tree: dict = {}
        for row in rows:
            *groups, leaf = row.split(".")
            node = tree
            for g in groups:
                node = node.setdefault(g, {})
            node[leaf] = row
        values: Values = {}

        def walk(node: dict, raw: dict, key: tuple):
            for name, sub in node.items():
                if isinstance(sub, dict):
                    inner = self.table(raw, key + (name,), tuple(sub))
                    if inner is not None:
                        walk(sub, inner, key + (name,))
                else:
                    values.update(self.row(fmt, table, sub, raw, key + (name,)))

        top = self.table(data, (table.key,), tuple(tree))
        if top is not None:
            walk(tree, top, (table.key,))
        return values

    def row(self, fmt: Format, table: Table, row: str, raw: dict, key: tuple) -> Values:
        slots = table.row_slots(row)
        given = given_slots(fmt, table, row)
        stated = len(slots) > len(given)
        _, columns = table.row_name(row)
        order = "、".join(columns[: len(given)])
        value = raw.get(key[-1])
        if value is None:
            if key not in self.aliased:
                self.problem(key, f"缺少这一行；没有数据也要写 0，例如 {example(table, row, len(given))}")
            return {}
        scalar = len(given) == 1 and not stated
        if scalar and isinstance(value, list):
            fix = f"。应写成：{key[-1]} = {_display(value[0])}" if len(value) == 1 and is_number(value[0]) else ""
            self.problem(key, f"这一项是一个数（{columns[0]}），不要写方括号{fix}")
            return {}
        if scalar:
            value = [value]
        elif not isinstance(value, list):
            self.problem(key, f"应写成方括号里的 {len(given)} 个数，依次是 {order}，例如 {example(table, row, len(given))}")
            return {}
        if len(value) not in (len(given), len(slots)):
            extra = f"；可再加第 {len(slots)} 个数作为{columns[-1]}（须等于前 {len(given)} 个数之和，不写由 reportfill 计算）" \
                if stated else ""
            self.problem(key, f"应有 {len(given)} 个数，依次是 {order}{extra}；现在写了 {len(value)} 个：{_display(value)}")
            return {}
        out: Values = {}
        wrong, written = [], []
        for n, (p, v) in enumerate(zip(slots, value)):
            if type(v) is int and 0 <= v < _LONGEST and p.cell.kind != "text":  # what nearly every cell holds: good
                out[(table.key, row, p.cell.col)] = v
                written.append(str(v))
                continue
            problem, instead = _element_problem(table, p.cell, v)
            if problem:
                which = "" if scalar else f"第{n + 1}个数（{columns[n]}）"
                wrong.append((f"{which}写的是 {_display(v)}：{problem}", instead))
            else:
                out[(table.key, row, p.cell.col)] = v
            written.append(instead if problem else show(v))
        if wrong:
            fixed = None not in written
            message = "；".join(text if fixed or instead is None else f"{text}，应为 {instead}" for text, instead in wrong)
            if fixed:
                message += f"。应写成：{key[-1]} = {written[0] if scalar else '[' + ', '.join(written) + ']'}"
            self.problem(key, message)
        return out


def _cut(text: str, length: int) -> tuple[str, str]:
    """``text`` split where its NFKC form is ``length`` characters long."""
    taken, i = 0, 0
    while i < len(text) and taken < length:
        taken += len(unicodedata.normalize("NFKC", text[i]))
        i += 1
    return text[:i].strip(), text[i:]


def _element_problem(table: Table, cell: Slot, value) -> tuple[str | None, str | None]:
    """Why a typed value cannot stand in a cell, and the value meant, when it is clear."""
    if isinstance(value, bool):
        return "应为数字，而不是 true/false", None
    if isinstance(value, str):
        unit = table.units.get((cell.row, cell.col), "")
        typed = meant(value, cell.kind, unit)
        if typed is None:
            if is_blank_mark(value):
                return "应为数字，没有的写 0（不要加引号）", "0"
            return "应为数字，不要加引号", None
        reasons = ["数字不要加引号"]
        if any(unicodedata.normalize("NFKC", ch) != ch and ch.strip() for ch in value):
            reasons.append("要用半角数字")
        if typed.converted:
            reasons.append(f"这一项的单位是{unit}：{typed.typed} {typed.unit} = {show(typed.value)} {unit}")
        elif typed.unit:
            same = f"（这一项的单位已规定为{unit}）" if typed.unit == unit else ""
            reasons.append(f"不要写单位“{typed.unit}”{same}")
        return "，".join(reasons), show(typed.value)
    if isinstance(value, Decimal) and value.is_zero() and value.is_signed():  # a report prints "-0.0" as typed
        return "0 前面不要写负号", "0"
    if cell.kind in ("count", "delta") and isinstance(value, Decimal):
        whole = value.is_finite() and value == value.to_integral_value() and (cell.kind == "delta" or value >= 0)
        return "应为整数，不能写成小数", str(int(value)) if whole else None
    if isinstance(value, (list, dict)):
        return f"应为一个数，而不是 {_kind(value)}", None
    return value_problem(cell.kind, value), None


def _display(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_display(v) for v in value) + "]"
    return show(value) if is_number(value) else _kind(value)


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, (int, Decimal)):
        return "数字"
    if isinstance(value, list):
        return "数组（方括号）"
    if isinstance(value, dict):
        return "表"
    if isinstance(value, (datetime.date, datetime.time)):  # TOML reads 1979-05-27 as a date
        return "日期或时间"
    return type(value).__name__
