"""Read one agency-year TOML input (the contract in INPUT.md) into a :class:`Report`.

Staff edit these files by hand, so every problem is collected -- not just the first --
and each names the file, the line, the TOML key and what to write instead. The table
keys and their number of values come from the format definition, never from a list here.
"""

from __future__ import annotations

import datetime
import difflib
import re
import tomllib
import unicodedata
from decimal import Decimal
from pathlib import Path

from ..errors import Problem, ReportfillError
from ..format.formats import FORMATS, format_for_year
from ..report import Item, Prose, Report, Values, show
from ..rules.tables import Source, check_values, derive, value_problem
from ..format.spec import Format, Table

PROSE_KEYS = ("overview", "problems", "other")
TOP_KEYS = ("agency", "year", "title", "preface", *PROSE_KEYS, "proactive", "applications", "appeals")
MAX_TEXT = 200_000  # characters in one text field: about 200 printed pages


def load_input(path: str | Path, *, today: datetime.date | None = None, content: bytes | None = None) -> Report:
    """Read, validate and reconcile ``path``; raise :class:`ReportfillError` listing every
    problem when the input cannot be filled as it stands. ``content`` is the file's bytes
    when they do not come from ``path`` (an upload), which then only names it."""
    path = Path(path)
    text = _read_text(path) if content is None else _decode(content, str(path))
    report = read_input(text, path, today=today)
    findings = check_values(report.fmt, derive(report.fmt, report.values), _Reader(path, text).source(report.fmt))
    if findings:
        raise ReportfillError([Problem(str(path), f.message + _HINTS.get(f.rule, "")) for f in findings])
    return report


def read_input(text: str, path: str | Path, *, today: datetime.date | None = None) -> Report:
    """The input ``text`` validated but not reconciled, for a caller that shows the table
    rules' findings at their cells itself (the web form); ``path`` names it in messages."""
    path = Path(path)
    data = _parse(text, path)
    reader = _Reader(path, text)
    report = reader.report(data, today or datetime.date.today())
    if reader.problems:
        raise ReportfillError(reader.problems)
    return report


_HINTS = {
    "R1": "。第一项加第二项（本年应办理的申请）应等于（七）总计加第四项（结转下年度继续办理）：请核对这一列各行的数字",
    "R2": "。总计由 reportfill 计算，可以不写第 7 个数；写了就必须等于前 6 个数之和",
    "R4": "。总计由 reportfill 计算，可以不写第 5 个数；写了就必须等于前 4 个数之和",
}


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


_TOML_MESSAGES = (
    ("Cannot overwrite a value", "同一个键写了两次（重复定义）；请删除重复的一行"),
    ("Cannot declare", "同一个表写了两次（重复定义）；请把两处内容合并"),
    ("Expected '=' after a key", "键的后面应有“=”"),
    ("Invalid value", "值的写法不对：文字要加英文双引号，数字不加引号"),
    ("Unclosed array", "方括号 [ ] 没有闭合"),
    ("Unterminated string", "字符串的引号没有闭合"),
    ("Illegal character", "字符串中有不允许的字符（控制字符）"),
    ("Invalid statement", "这一行无法识别"),
    ("Expected newline or end of document", "一行只能写一个“键 = 值”"),
)


def _parse(text: str, path: Path) -> dict:
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        detail = str(exc)
        at = re.search(r"\(at line (\d+), column (\d+)\)", detail)
        if at:
            where = f"{path}，第{at.group(1)}行第{at.group(2)}列"
        elif "end of document" in detail:
            where = f"{path}，文件末尾"
        else:
            where = str(path)
        hint = next((zh for en, zh in _TOML_MESSAGES if detail.startswith(en)), "TOML 语法错误")
        raise ReportfillError(Problem(where, f"{hint}（{detail}）")) from None


def _key_lines(text: str) -> dict[tuple, int]:
    """Line number of each key and table header, for messages (tomllib keeps none)."""
    lines: dict[tuple, int] = {}
    table: tuple = ()
    counts: dict[tuple, int] = {}
    in_string = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not in_string:
            if m := re.match(r"\[\[\s*([^\]]+?)\s*\]\]", stripped):
                base = tuple(p.strip().strip('"') for p in m.group(1).split("."))
                counts[base] = counts.get(base, -1) + 1
                table = base + (counts[base],)
                lines.setdefault(table, number)
            elif m := re.match(r"\[\s*([^\]]+?)\s*\]", stripped):
                table = tuple(p.strip().strip('"') for p in m.group(1).split("."))
                lines.setdefault(table, number)
            elif m := re.match(r'([A-Za-z0-9_\-."]+)\s*=', stripped):
                lines.setdefault(table + tuple(p.strip('"') for p in m.group(1).split(".")), number)
        if (line.count('"""') + line.count("'''")) % 2:
            in_string = not in_string
    return lines


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _xml_illegal(ch: str) -> bool:
    c = ord(ch)
    return not (c in (0x9, 0xA, 0xD) or 0x20 <= c <= 0xD7FF or 0xE000 <= c <= 0xFFFD or 0x10000 <= c <= 0x10FFFF)


def _is_number(value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


class _Reader:
    """Walks the parsed TOML against the format, collecting problems as it goes."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = _key_lines(text)
        self.problems: list[Problem] = []

    def where(self, key: tuple) -> str:
        for n in range(len(key), 0, -1):
            if key[:n] in self.lines:
                return f"{self.path}，第{self.lines[key[:n]]}行，{_dotted(key)}"
        return f"{self.path}，{_dotted(key)}"

    def problem(self, key: tuple, message: str) -> None:
        self.problems.append(Problem(self.where(key), message))

    def source(self, fmt: Format) -> Source:
        def name(table_key: str, row: str, col: str) -> str:
            table = fmt.table[table_key]
            row_name, col_name = table.cell_name(row, col)
            path = (table_key, *row.split("."))
            inputs = [p.cell.col for p in table.row_slots(row)]
            printed = " ".join(x for x in (table.name, row_name) if x)
            return f"{printed} · {col_name}（{self.where(path)} 第{inputs.index(col) + 1}个数）"

        return Source(name, "输入中写的是")

    # ---------------------------------------------------------------- structure

    def table(self, data: dict, key: tuple, allowed, required: bool = True) -> dict | None:
        value = data.get(key[-1])
        if value is None:
            if required:
                self.problem(key, f"缺少“{key[-1]}”部分。请参照示例加上 [{_dotted(key)}]")
            return None
        if not isinstance(value, dict):
            self.problem(key, f"“{_dotted(key)}”应为一个表（[{_dotted(key)}]），而不是 {_kind(value)}")
            return None
        self.unknown(value, key, allowed)
        return value

    def unknown(self, data: dict, key: tuple, allowed) -> None:
        for name in data:
            if name not in allowed:
                near = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
                hint = f"，是不是想写“{near[0]}”？" if near else f"。这里可用的键：{'、'.join(allowed)}"
                self.problem(key + (name,), f"不认识的键“{name}”{hint}")

    def string(self, data: dict, key: tuple, *, required: bool = True, empty_ok: bool = False) -> str | None:
        value = data.get(key[-1])
        if value is None:
            if required:
                self.problem(key, f"缺少“{key[-1]}”，请补上（文字用英文双引号括起来）")
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
        for offset, ch in enumerate(value):
            if _xml_illegal(ch):
                line = value.count("\n", 0, offset) + 1
                column = offset - (value.rfind("\n", 0, offset) + 1) + 1
                self.problem(key, (
                    f"文字第{line}行第{column}个字符处有控制字符 U+{ord(ch):04X}"
                    f"（{unicodedata.name(ch, '控制字符')}），Word 文档中不能出现，请删除（制表符 Tab 可以保留，会成为 Word 的制表位）"
                ))
                return None
        return value

    # ---------------------------------------------------------------- content

    def report(self, data: dict, today: datetime.date) -> Report | None:
        self.unknown(data, (), TOP_KEYS)
        agency = self.string(data, ("agency",))
        year = data.get("year")
        fmt = None
        if year is None:
            self.problem(("year",), "缺少“year”（报告年度），例如 year = 2021")
        elif not isinstance(year, int) or isinstance(year, bool):
            self.problem(("year",), f"年度应为整数，例如 year = 2021，而不是 {_kind(year)}")
        elif year > today.year:
            self.problem(("year",), f"年度 {year} 还没有到来（今年是 {today.year} 年）；请写报告所属的年度")
        else:
            try:
                fmt = format_for_year(year)
            except LookupError:
                fmt = None
            if fmt is None or not fmt.generated:
                first = min(f.first_year for f in FORMATS if f.generated)
                old = fmt.basis if fmt else "当时的格式"
                self.problem(("year",), (
                    f"reportfill 只生成 {first} 年及以后年度的报告（国办公开办函〔2021〕30号格式）。"
                    f"{year} 年度的报告使用 {old} 试行格式，可以用 reportfill check 核对，但不能生成"
                ))
                fmt = None
        title = self.string(data, ("title",), required=False)
        preface = self.string(data, ("preface",), required=False)
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
            year=year,
            title=title.strip() if title else f"{agency}{year}年{fmt.title_suffix}",
            preface=_paragraphs(preface or ""),
            prose=prose,
            values=values,
        )

    def prose(self, data: dict, key: str) -> Prose | None:
        section = self.table(data, (key,), ("text", "items"))
        if section is None:
            return None
        problems_before = len(self.problems)
        text = self.string(section, (key, "text"), required=False, empty_ok=True) or ""
        items = []
        raw_items = section.get("items", [])
        if not isinstance(raw_items, list) or not all(isinstance(i, dict) for i in raw_items):
            self.problem((key, "items"), f"“items”应写成 [[{key}.items]] 小节，每节有 title 和 text")
            raw_items = []
        for n, item in enumerate(raw_items):
            at = (key, "items", n)
            self.unknown(item, at, ("title", "text"))
            title = self.string(item, at + ("title",))
            body = self.string(item, at + ("text",))
            if title is not None and body is not None:
                items.append(Item(title.strip(), _paragraphs(body)))
        prose = Prose(_paragraphs(text), tuple(items))
        if not prose.paragraphs and not raw_items and len(self.problems) == problems_before:
            self.problem((key,), f"“{key}”部分既没有 text 也没有 items；至少要写一段文字")
        return prose

    def numbers(self, data: dict, fmt: Format, table: Table) -> Values:
        rows = [r for r in table.row_keys if any((table.key, r, p.cell.col) not in fmt.derived for p in table.row_slots(r))]
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
        given = [p for p in slots if (table.key, row, p.cell.col) not in fmt.derived]
        stated = [p for p in slots if (table.key, row, p.cell.col) in fmt.derived]
        names = [table.cell_name(row, p.cell.col)[1] for p in slots]
        value = raw.get(key[-1])
        if value is None:
            row_name, col_name = table.cell_name(row, slots[0].cell.col)
            self.problem(key, f"缺少这一行（{row_name or col_name.rsplit(' · ', 1)[0]}）；没有数据也要写 0")
            return {}
        scalar = len(given) == 1 and not stated
        if scalar:
            value = [value]
        elif not isinstance(value, list):
            self.problem(key, f"应写成方括号里的 {len(given)} 个数：[{'，'.join(names[: len(given)])}]")
            return {}
        if len(value) not in (len(given), len(slots)):
            extra = f"，可再加第 {len(slots)} 个数作为{names[-1]}" if stated else ""
            self.problem(key, (
                f"应有 {len(given)} 个数（{'、'.join(names[: len(given)])}）{extra}；现在有 {len(value)} 个"
            ))
            return {}
        out: Values = {}
        for n, (p, v) in enumerate(zip(slots, value)):
            problem = _type_problem(p.cell.kind, v) or value_problem(p.cell.kind, v)
            if problem:
                which = "" if scalar else f"第{n + 1}个数（{names[n]}）"
                self.problem(key, f"{which}写的是 {_display(v)}：{problem}")
            else:
                out[(table.key, row, p.cell.col)] = v
        return out


def _type_problem(kind: str, value) -> str | None:
    """Explain TOML typing slips that ``value_problem`` would only call wrong."""
    if isinstance(value, bool):
        return "应为数字，而不是 true/false"
    if isinstance(value, str):
        return "应为数字，不要加引号"
    if kind in ("count", "delta") and isinstance(value, Decimal):
        return "应为整数，不能写成小数"
    return None


def _display(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return show(value) if _is_number(value) else _kind(value)


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, (int, Decimal)):
        return "数字"
    if isinstance(value, list):
        return "数组"
    if isinstance(value, dict):
        return "表"
    return type(value).__name__


def _paragraphs(text: str) -> tuple[str, ...]:
    """Each non-empty line is a paragraph (INPUT.md); Chinese prose is not hard-wrapped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return tuple(line.strip() for line in lines if line.strip())
