"""Where things are in a TOML input's raw text: the line of every key and table header,
the statement each line belongs to, and where each string opens and closes.

tomli keeps no positions and stops at the first error with only a line and column,
often far from the cause (a missing closing \"\"\" surfaces ten lines later). This scanner
reads the text the way TOML does, but never fails: on a file tomli rejects it still
tells which string swallowed what, and which key a line was meant to set.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

Path = tuple  # a key path: ("applications", "withheld", "state_secret"), ("problems", "items", 0, "text")


@dataclass(frozen=True)
class Span:
    """A string value: ``start`` is its opening quote; ``end`` the offset just after its
    closing quote, or None when it never closes."""

    key: Path
    start: int
    end: int | None
    quote: str  # '"', "'", '\"\"\"' or "'''"

    @property
    def multiline(self) -> bool:
        return len(self.quote) == 3


@dataclass(frozen=True)
class Statement:
    """A key/value pair or a table header, from its first character to the end of its
    value (``end``)."""

    key: Path
    start: int
    end: int
    header: bool


@dataclass
class Scan:
    text: str
    keys: dict[Path, int] = field(default_factory=dict)  # first line of each key and table
    statements: list[Statement] = field(default_factory=list)
    strings: list[Span] = field(default_factory=list)

    def __post_init__(self):
        self._starts = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]

    def line_of(self, offset: int) -> int:
        """1-based line of a character offset."""
        return bisect.bisect_right(self._starts, offset)

    def offset(self, line: int, column: int) -> int:
        """Character offset of a 1-based line and column (tomli's coordinates)."""
        return self._starts[line - 1] + column - 1

    def line_text(self, line: int) -> str:
        start = self._starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end < 0 else self.text[start:end]

    def statement_at(self, offset: int) -> Statement | None:
        """The statement whose text holds ``offset`` (or ends just before it)."""
        return next((s for s in reversed(self.statements) if s.start <= offset <= s.end), None)


_SPACE = " \t"
_BARE_END = " \t.=[]\"'#\n"


def scan(text: str) -> Scan:
    """Scan TOML ``text`` (with ``\\r\\n`` already made ``\\n``, as tomli does)."""
    out = Scan(text)
    table: Path = ()
    counts: dict[Path, int] = {}
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _SPACE + "\n":
            i += 1
        elif ch == "#":
            i = _line_end(text, i)
        elif ch == "[":
            double = text.startswith("[[", i)
            parts, j = _key(text, i + (2 if double else 1))
            close = text.find("]", j, _line_end(text, j))
            j = _line_end(text, i) if close < 0 else close + (2 if double else 1)
            table = tuple(parts)
            for depth in range(1, len(table) + 1):  # [[problems.items]] also opens [problems]
                out.keys.setdefault(table[:depth], out.line_of(i))
            if double:
                counts[table] = counts.get(table, -1) + 1
                table += (counts[table],)
            out.keys.setdefault(table, out.line_of(i))
            out.statements.append(Statement(table, i, j, True))
            i = j
        else:
            parts, j = _key(text, i)
            while j < n and text[j] in _SPACE:
                j += 1
            if j >= n or text[j] != "=" or not parts:
                i = _line_end(text, i)  # not a statement: skip the line
                continue
            key = table + tuple(parts)
            out.keys.setdefault(key, out.line_of(i))
            end = _value(text, j + 1, key, out.strings)
            out.statements.append(Statement(key, i, end, False))
            i = end
    return out


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _key(text: str, i: int) -> tuple[list[str], int]:
    """The dotted key starting at ``i`` (bare parts may hold any character but the
    delimiters, so a key typed in Chinese is still a key here)."""
    parts: list[str] = []
    n = len(text)
    while i < n:
        while i < n and text[i] in _SPACE:
            i += 1
        if i < n and text[i] in "\"'":
            quote = text[i]
            end = text.find(quote, i + 1, _line_end(text, i))
            if end < 0:
                return parts, i
            parts.append(text[i + 1:end])
            i = end + 1
        else:
            start = i
            while i < n and text[i] not in _BARE_END:
                i += 1
            if i == start:
                return parts, i
            parts.append(text[start:i])
        while i < n and text[i] in _SPACE:
            i += 1
        if i < n and text[i] == ".":
            i += 1
        else:
            return parts, i
    return parts, i


def _value(text: str, i: int, key: Path, strings: list[Span]) -> int:
    """Skip the value starting at (or after spaces from) ``i``; return the offset after
    it. Arrays and inline tables may span lines and hold strings and comments."""
    n = len(text)
    depth = 0
    while i < n:
        ch = text[i]
        if text.startswith('"""', i) or text.startswith("'''", i):
            i = _multiline(text, i, key, strings)
        elif ch in "\"'":
            i = _single(text, i, key, strings)
        elif ch in "[{":
            depth += 1
            i += 1
        elif ch in "]}":
            depth -= 1
            i += 1
            if depth <= 0:
                return i if depth == 0 else i - 1
        elif ch == "#":
            i = _line_end(text, i)
        elif ch == "\n":
            if depth <= 0:
                return i
            i += 1
        else:
            i += 1
    return n


def _multiline(text: str, i: int, key: Path, strings: list[Span]) -> int:
    quote = text[i: i + 3]
    j = i + 3
    while True:
        k = text.find(quote, j)
        if k < 0:
            strings.append(Span(key, i, None, quote))
            return len(text)
        if quote == '"""' and _escaped(text, k):
            j = k + 1
            continue
        run = 3
        while run < 5 and k + run < len(text) and text[k + run] == quote[0]:
            run += 1  # up to two quotes may stand just before the closing delimiter
        strings.append(Span(key, i, k + run, quote))
        return k + run


def _single(text: str, i: int, key: Path, strings: list[Span]) -> int:
    quote = text[i]
    j = i + 1
    end = _line_end(text, i)
    while j < end:
        if text[j] == quote and not (quote == '"' and _escaped(text, j)):
            strings.append(Span(key, i, j + 1, quote))
            return j + 1
        j += 1
    strings.append(Span(key, i, None, quote))
    return end


def _escaped(text: str, k: int) -> bool:
    """Whether the character at ``k`` follows an odd number of backslashes."""
    slashes = 0
    while k - slashes - 1 >= 0 and text[k - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1
