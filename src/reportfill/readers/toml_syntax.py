"""A TOML syntax error, told in a clerk's words: what is wrong, on which line, and what
to write instead.

tomli reports only its first error, in English, at the character where parsing could
not go on. That character is usually the cause -- a Chinese comma, a full-width digit,
a unit after a number, a key typed in Chinese -- and then the message names it and, when
repairing the line makes it valid TOML, shows the repaired line. Some causes lie far
before it: a multi-line string that was never closed swallows the lines after it and the
error surfaces at the next one, so strings are traced back to where they opened. When no
cause is recognised the message stays generic, with the line: a wrong guess would cost
the clerk more than no guess.
"""

from __future__ import annotations

import re
import tomli
import unicodedata
from decimal import Decimal
from pathlib import Path

from ..errors import Problem
from ..format.spec import Format
from ..report import show
from . import toml_labels
from .toml_numbers import MONEY, UNITS, meant
from .toml_scan import Scan, scan

_GENERIC = (
    ("Cannot overwrite a value", "同一个键写了两次（重复定义）；请删除重复的一行"),
    ("Cannot declare", "同一个表写了两次（重复定义）；请把两处内容合并"),
    ("Expected '=' after a key", "键的后面应有“=”"),
    ("Invalid value", "值的写法不对：文字要加英文双引号，数字不加引号"),
    ("Unclosed array", "方括号里的数之间要用英文逗号“,”隔开，最后以 ] 结束"),
    ("Unterminated string", "字符串的引号没有闭合"),
    ("Illegal character", "字符串中有不允许的字符（控制字符）"),
    ("Invalid statement", "这一行无法识别"),
    ("Expected newline or end of document", "一行只能写一个“键 = 值”，值的后面只能写以 # 开头的注释"),
)
_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")
_OPENS_VALUE = re.compile(r"^\s*[A-Za-z0-9_.\-\"' ]+=\s*$")  # "text = " before a \"\"\"
_BLANK_OR_COMMENT = re.compile(r"^\s*(#.*)?$")
_CHINESE_QUOTES = "“”‘’"
_CHINESE_CLOSE = re.compile(r"^\s*[“”＂‘’＇]{3}\s*$")
_SEPARATORS = "、；;"
_SPACED = re.compile(r"\s*\[\s*(\d+(?:\.\d+)?(?:[ \t]+\d+(?:\.\d+)?)+)\s*\]\s*(?:#.*)?")


def explain(text: str, error: tomli.TOMLDecodeError, path: Path, fmt: Format) -> Problem:
    """The problem tomli's ``error`` on ``text`` (BOM removed) stands for."""
    src = text.replace("\r\n", "\n")
    detail = str(error)
    found = _AT.search(detail)
    reason = detail[: found.start()] if found else detail
    scanned = scan(src)
    pos = len(src) if found is None or found.group(1) is None else \
        scanned.offset(int(found.group(1)), int(found.group(2)))
    return _Explainer(src, scanned, pos, reason, path, fmt).problem(detail)


class _Explainer:
    def __init__(self, src: str, scanned: Scan, pos: int, reason: str, path: Path, fmt: Format):
        self.src, self.scan, self.pos, self.reason, self.path, self.fmt = src, scanned, pos, reason, path, fmt
        self.line = scanned.line_of(pos) if pos < len(src) else None

    def where(self, offset: int, column: bool = True, key=None) -> str:
        line = self.scan.line_of(offset)
        at = f"{self.path}，第{line}行"
        if column:
            at += f"第{offset - self.scan.offset(line, 1) + 1}列"
        if key and toml_labels.label(self.fmt, key):
            at += f"，{toml_labels.place(self.fmt, key)}"
        return at

    def problem(self, detail: str) -> Problem:
        for explained in (self.unclosed_string, self.swallowing_string, self.chinese_key, self.spaced_numbers,
                          self.blank_in_array, self.character, self.unclosed_array, self.duplicate,
                          self.missing_value):
            found = explained()
            if found:
                return found
        # tomli's own words, in English, only when no Chinese explanation fits.
        hint = next((zh for en, zh in _GENERIC if detail.startswith(en)), None) or f"TOML 语法错误（{detail}）"
        if self.pos >= len(self.src):
            return Problem(f"{self.path}，文件末尾", hint)
        return Problem(self.where(self.pos, key=self._key()), hint)

    def _key(self):
        """The key of the statement the error is in (None in a table header)."""
        statement = self.scan.statement_at(self.pos)
        return statement.key if statement and not statement.header else None

    # ------------------------------------------------------------ causes far before the error

    def unclosed_string(self) -> Problem | None:
        """A string that never closes: tomli stops at the end of the file (a multi-line
        string) or of the line (a one-line string); the cause is where it opened."""
        open_ = [s for s in self.scan.strings if s.end is None and s.start <= self.pos]
        if not open_ or not self.reason.startswith(("Unterminated string", "Illegal character '\\n'")):
            return None
        span = open_[-1]
        if span.multiline:
            if not self.reason.startswith("Unterminated string"):
                return None
            return self._closed_in_chinese(span) or Problem(self.where(span.start, column=False, key=span.key), (
                f"从这一行的 {span.quote} 开始的多行文字没有结尾的 {span.quote}：请在这段文字结束后另起一行写 {span.quote}"))
        line = self.scan.line_of(span.start)
        if self.line not in (None, line) and self.pos != len(self.src):
            return None
        message = f"这一行的文字缺少结尾的{'英文双引号' if span.quote == chr(34) else '单引号'} {span.quote}：请在文字末尾加上 {span.quote}"
        raw = self.scan.line_text(line)
        if "#" not in raw[span.start - self.scan.offset(line, 1):]:
            message += _instead(raw.rstrip() + span.quote)
        return Problem(self.where(span.start, column=False, key=span.key), message)

    def swallowing_string(self) -> Problem | None:
        """A multi-line string whose closing quotes are missing ends at the next one's
        opening quotes (``text = \"\"\"``), and the text after those is read as TOML."""
        before = [s for s in self.scan.strings if s.multiline and s.end is not None and s.end <= self.pos]
        if not before or self.line is None:
            return None
        span = before[-1]
        close = span.end - len(span.quote)
        close_line = self.scan.line_of(close)
        prefix = self.src[self.scan.offset(close_line, 1): close]
        between = range(close_line + 1, self.line)
        if not _OPENS_VALUE.match(prefix) or self.line <= close_line or \
                not all(_BLANK_OR_COMMENT.match(self.scan.line_text(n)) for n in between):
            return None
        open_line = self.scan.line_of(span.start)
        opened_by_key = _OPENS_VALUE.match(self.src[self.scan.offset(open_line, 1): span.start])
        closing = f"第{close_line}行“{prefix.strip()} {span.quote}”中的 {span.quote}"
        if opened_by_key and self._closed_in_chinese(span):
            return self._closed_in_chinese(span)
        if opened_by_key:
            message = (f"从这一行的 {span.quote} 开始的多行文字没有结尾的 {span.quote}，于是{closing} 被当成了它的结尾，"
                       f"第{self.line}行起的文字就无法识别：请在这段文字结束后另起一行写 {span.quote}")
        else:
            message = (f"这一行的 {span.quote} 开始了一段多行文字，一直到{closing}才结束，"
                       f"第{self.line}行起的文字就无法识别：如果这一行的 {span.quote} 是多余的，请删去；"
                       f"否则请在这段文字结束后另起一行写 {span.quote}")
        return Problem(self.where(span.start, column=False, key=span.key), message)

    def _closed_in_chinese(self, span) -> Problem | None:
        """The closing quotes of a multi-line string typed as Chinese quotes (”””)."""
        first = self.scan.line_of(span.start) + 1
        last = self.scan.line_of(span.end if span.end is not None else len(self.src) - 1)
        for n in range(first, last + 1):
            if _CHINESE_CLOSE.match(self.scan.line_text(n)):
                return Problem(f"{self.path}，第{n}行，{toml_labels.place(self.fmt, span.key)}", (
                    f"这段多行文字结尾的三个引号写成了中文引号 {self.scan.line_text(n).strip()} ："
                    f"请改成英文双引号 {span.quote}"))
        return None

    # ------------------------------------------------------------ the character at the error

    def character(self) -> Problem | None:
        """The character tomli stopped at. A claim that the character is the whole cause
        (a full-width digit, a Chinese comma) is made only when putting it right makes the
        line valid TOML; otherwise only what is certain is said."""
        if self.pos >= len(self.src):
            return None
        ch = self.src[self.pos]
        statement = self.scan.statement_at(self.pos)
        key = statement.key if statement and not statement.header else None
        where = self.where(self.pos, key=key)
        repaired = self._repaired(self.scan.line_of(self.pos), key)
        half = unicodedata.normalize("NFKC", ch)
        unit = self._unit_after_number(key)
        if unit:
            return Problem(where, unit + _instead(repaired))
        if ch in _CHINESE_QUOTES:
            return Problem(where, f"这里用了中文引号（{ch}）：文字要用英文双引号 \" 括起来，数字不加引号" + _instead(repaired))
        if repaired:
            if ch == "\u3000":
                message = "这里有一个全角空格（中文输入法下输入的空格）：请删去，或换成半角空格"
            elif ch == "，":
                message = "这里用了中文逗号“，”：方括号里的数要用英文逗号“,”隔开"
            elif ch in _SEPARATORS:
                message = f"这里用了“{ch}”：方括号里的数要用英文逗号“,”隔开"
            elif half != ch and half.isascii():
                message = f"“{ch}”是{'全角数字' if half.isdigit() else '全角字符'}：请改用半角（英文输入状态下）的“{half}”"
            elif ch == "," and self._thousands(key):
                message = "数字中不要写千位分隔符“,”"
            else:
                message = None
            if message:
                return Problem(where, message + _instead(repaired))
        if self.reason.startswith("Invalid value") and unicodedata.east_asian_width(ch) == "W" and key:
            raw = self.scan.line_text(self.scan.line_of(self.pos))
            name, _, rest = raw.partition("=")
            if not any(q in rest for q in '"#' + _CHINESE_QUOTES):
                return Problem(where, "文字要用英文双引号 \" 括起来" + _instead(f'{name.strip()} = "{rest.strip()}"'))
        if not ch.isascii():
            shown = "全角空格" if ch == "\u3000" else f"“{ch}”"
            return Problem(where, f"这里的{shown}只能写在文字（英文双引号内）或注释（# 后面）中")
        return None

    def spaced_numbers(self) -> Problem | None:
        """Numbers in brackets parted by spaces or tabs, as a row copied from a sheet is."""
        if self.pos >= len(self.src) or not self.reason.startswith("Unclosed array"):
            return None
        name, eq, value = self._statement_line()
        found = _SPACED.fullmatch(value)
        if not eq or not found:
            return None
        return self._array_problem("方括号里的数之间要用英文逗号“,”隔开，不能只用空格或 Tab 分隔",
                                   name, found.group(1).split())

    def blank_in_array(self) -> Problem | None:
        """A place in brackets left empty (``[, 0, 0]``), as a blank cell of a sheet is."""
        if self.pos >= len(self.src) or not self.reason.startswith("Invalid value") or self.src[self.pos] != ",":
            return None
        name, eq, value = self._statement_line()
        value = value.split("#", 1)[0].strip()
        if not eq or not (value.startswith("[") and value.endswith("]")):
            return None
        return self._array_problem("方括号里这个位置没有写数：没有的也要填 0",
                                   name, [p.strip() or "0" for p in value[1:-1].split(",")])

    def _statement_line(self) -> tuple[str, str, str]:
        """The line the error is on, as key, "=" (or "" when there is none) and value."""
        return self.scan.line_text(self.scan.line_of(self.pos)).partition("=")

    def _array_problem(self, message: str, name: str, numbers: list[str]) -> Problem:
        return Problem(self.where(self.pos, key=self._key()),
                       message + _instead(f"{name.strip()} = [{', '.join(numbers)}]"))

    def _unit_after_number(self, key) -> str | None:
        """A unit typed right after a number (``5件``, ``28.1632万元``)."""
        typed = next((u for u in UNITS if self.src.startswith(u, self.pos)), None)
        before = self.src[self.scan.offset(self.scan.line_of(self.pos), 1): self.pos]
        number = re.search(r"(\d+(?:\.\d+)?)\s*$", before)
        if typed is None or number is None or "=" not in before:  # a value, not a key such as key1件
            return None
        unit = self._column_unit(key)
        message = f"数字后面不要写单位“{typed}”：只写数字"
        if typed in MONEY and unit in MONEY and typed != unit:
            converted = meant(number.group(1) + typed, "amount", unit)
            message += f"（这一项的单位是{unit}：{number.group(1)} {typed} = {show(converted.value)} {unit}）"
        elif typed == unit:
            message += f"（这一项的单位已规定为{unit}）"
        return message

    def _row(self, key):
        """The table and row the key names, or (None, "")."""
        table = self.fmt.table.get(key[0]) if key else None
        row = ".".join(map(str, key[1:])) if key else ""
        return (table, row) if table is not None and row in table.row_keys else (None, "")

    def _column_unit(self, key) -> str:
        table, row = self._row(key)
        return table.units.get((row, table.row_slots(row)[0].cell.col), "") if table else ""

    def _row_width(self, key) -> int:
        """How many numbers the table row ``key`` names is written with (0: no row)."""
        table, row = self._row(key)
        return len(toml_labels.given_slots(self.fmt, table, row)) if table else 0

    def _thousands(self, key) -> bool:
        line = self.scan.line_text(self.scan.line_of(self.pos))
        return key is not None and re.fullmatch(r"[^=]+=\s*\d{1,3}(,\d{3})+(\.\d+)?\s*(#.*)?", line) is not None

    def _repaired(self, line: int, key) -> str | None:
        """The line with full-width characters, Chinese separators and units outside
        strings made right -- if that makes it valid TOML."""
        raw = self.scan.line_text(line)
        name, eq, value = raw.partition("=") if "=" in raw else raw.partition("＝")
        if not eq or "\\" in value:
            return None
        out, opener = [], None
        for ch in value:
            if opener is not None:  # inside a string: kept as typed, up to its closing quote
                closes = ch == opener or (opener == "“" and ch in '”"')
                out.append('"' if closes and opener != "'" else ch)
                opener = None if closes else opener
            elif ch in "\"'“":
                opener = ch
                out.append("'" if ch == "'" else '"')
            elif ch == "#":
                break
            elif ch in "，" + _SEPARATORS:
                out.append(", ")
            else:
                out.append(unicodedata.normalize("NFKC", ch) if ch != "\u3000" else " ")
        fixed = "".join(out).strip()
        if not any(q in fixed for q in "\"'"):
            unit = self._column_unit(key)
            fixed = re.sub(r"(\d+(?:\.\d+)?)\s*(" + "|".join(UNITS) + ")", lambda m: _without_unit(m, unit), fixed)
            if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", fixed):
                fixed = fixed.replace(",", "")
        candidate = f"{name.strip()} = {fixed}"
        try:
            value = _leaf(tomli.loads(candidate, parse_float=Decimal))
        except tomli.TOMLDecodeError:
            return None
        if isinstance(value, list) and all(isinstance(v, (int, Decimal)) for v in value):
            return f"{name.strip()} = [{', '.join(show(v) for v in value)}]"
        if not isinstance(value, list) and self._row_width(key) > 1:
            return None  # one number where the row wants several: the repair would be no fix
        return candidate

    # ------------------------------------------------------------ other causes

    def unclosed_array(self) -> Problem | None:
        """An array whose ] is missing: tomli stops on a later line."""
        statement = self.scan.statement_at(self.pos)
        if not self.reason.startswith("Unclosed array") or statement is None or self.line is None \
                or self.scan.line_of(statement.start) >= self.line:
            return None
        return Problem(self.where(statement.start, column=False, key=statement.key),
                       "这一行的方括号 [ 缺少结尾的 ]：请在最后一个数后面加上 ]")

    def chinese_key(self) -> Problem | None:
        """A key or table header typed in Chinese (a label of the printed table), or a
        line of prose outside any string."""
        if self.line is None:
            return None
        raw = self.scan.line_text(self.line)
        stripped = raw.strip()
        start = self.scan.offset(self.line, 1) + len(raw) - len(raw.lstrip())
        header = re.fullmatch(r"\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?", stripped)
        if header:
            name = header.group(1)
        elif "=" in stripped:
            name = stripped.split("=", 1)[0].strip()
        else:
            if self.pos != start or stripped.isascii():
                return None
            return Problem(self.where(self.pos), (
                "这一行既不是“键 = 值”，也不是 [表头]：正文要写在 text = \"\"\" 和 \"\"\" 之间，说明文字要以 # 开头"))
        if name.isascii() or not (start <= self.pos <= start + len(stripped.split("=", 1)[0])):
            return None
        named = toml_labels.lookup(self.fmt, name.strip("\"'"))
        if named:
            instead = self._renamed(raw, named.key[-1]) if named.kind == "row" and not header else None
            message = toml_labels.explain(self.fmt, named, name.strip("\"'"), instead)
        else:
            message = (f"键“{name}”中有中文或全角字符：键只能用英文字母、数字和下划线（如 received），"
                       "中文名称请写在 # 后面作为注释")
        return Problem(self.where(self.pos, column=False), message)

    def _renamed(self, raw: str, key: str) -> str | None:
        candidate = f"{key} = {raw.split('=', 1)[1].split('#', 1)[0].strip()}"
        try:
            tomli.loads(candidate)
        except tomli.TOMLDecodeError:
            return None
        return candidate

    def duplicate(self) -> Problem | None:
        """A key or table written twice: name both lines."""
        statement = self.scan.statement_at(self.pos)
        if not self.reason.startswith(("Cannot overwrite a value", "Cannot declare")) or statement is None:
            return None
        first, again = self.scan.keys[statement.key], self.scan.line_of(statement.start)
        if first >= again:
            return None
        what = "表" if statement.header else "键"
        return Problem(self.where(statement.start, column=False, key=statement.key), (
            f"同一个{what}写了两次（第{first}行和第{again}行），重复了：请删去其中一处"
            + ("，或把两处的内容合并" if statement.header else "")))

    def missing_value(self) -> Problem | None:
        if not self.reason.startswith("Invalid value") or self.src[self.pos: self.pos + 1] not in ("\n", "", "#"):
            return None
        return Problem(self.where(self.pos, column=False), (
            "等号后面没有写值：数字直接写，文字用英文双引号括起来；多行文字写在 \"\"\" 和 \"\"\" 之间，"
            "开头的 \"\"\" 要和等号在同一行"))


def _without_unit(found: re.Match, unit: str) -> str:
    """``281632元`` in 万元 is 28.1632; ``5件`` is 5."""
    number, typed = found.groups()
    converted = meant(number + typed, "amount", unit) if typed in MONEY and unit in MONEY else None
    return show(converted.value) if converted else number


def _instead(line: str | None) -> str:
    return f"。应写成：{line}" if line else ""


def _leaf(data):
    while isinstance(data, dict) and len(data) == 1:
        data = next(iter(data.values()))
    return data

