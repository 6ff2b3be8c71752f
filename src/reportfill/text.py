"""How the text of a cell or a paragraph is compared and read, whoever typed it.

Real reports type ``1、`` for ``1.``, break header cells over lines, use full-width
digits and half-width brackets, and write numbers with thousands separators or units.
Labels are compared in one normalized form; a cell states a number only when its whole
text reads as one.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from .format.spec import ValueKind
from .report import Value

THRESHOLD = 0.8  # "一、本年新收…" and "二、上年结转…" are 0.75 alike; real variants score higher


_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]+")
_UNIFY = str.maketrans({**{q: '"' for q in "“”„‟〝〞「」『』‘’‚‛'"},
                        **{o: "(" for o in "【〔［[〖"}, **{c: ")" for c in "】〕］]〗"},
                        "\u2212": "-", "－": "-"})
_SUB_ITEM = re.compile(r"^(?:\((\d+)\)|(\d+)[)、,.])")
_CHINESE_ITEM = re.compile(r"^([一二三四五六七八九十]+)[.,]")
_CHINESE_SUB = re.compile(r"^\(([一二三四五六七八九十]+)\)[、.,]")
_TRAILING_NOTE = re.compile(r"^(.{2,}?)\([^()]*\)$")


@lru_cache(maxsize=1 << 14)
def normalize(text: str) -> str:
    """The form in which labels are compared: NFKC (full-width letters, digits and
    punctuation become half-width), no whitespace anywhere, one kind of quote and bracket,
    ``1、`` and ``(1)`` as ``1.``, ``一.`` as ``一、``. Remembered: a report is read
    paragraph by paragraph and cell by cell, and reports repeat their labels and headings
    (and ``fill`` reads back the very paragraphs it was given)."""
    s = _INVISIBLE.sub("", nfkc(text)).translate(_UNIFY)
    s = _SUB_ITEM.sub(lambda m: f"{m.group(1) or m.group(2)}.", s)
    s = _CHINESE_ITEM.sub(r"\1、", s)
    return _CHINESE_SUB.sub(r"(\1)", s)


@lru_cache(maxsize=1 << 14)
def nfkc(text: str) -> str:
    """``text`` in Unicode normalization form NFKC (full-width digits and letters become
    half-width), remembered as :func:`normalize` is."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=1 << 16)
def similarity(a: str, b: str) -> float:
    """How alike two normalized labels are, 0..1. A label that only adds or drops a
    trailing note in brackets, or is cut short, still counts as the same label."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    core_a, core_b = _TRAILING_NOTE.sub(r"\1", a), _TRAILING_NOTE.sub(r"\1", b)
    if core_a == core_b:
        return 0.95
    short, long = sorted((a, b), key=len)
    if len(short) >= 4 and long.startswith(short):
        return 0.9
    if 2 * len(short) / (len(a) + len(b)) < THRESHOLD:
        return 0.0  # cannot reach the threshold; spares the slow comparison
    from difflib import SequenceMatcher  # for labels that are neither equal nor cut short: rare

    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def paragraphs(text: str) -> tuple[str, ...]:
    """A text's paragraphs: each non-empty line (INPUT.md), a line ending at a line feed,
    a carriage return or both -- not at U+2028, U+0085 and the other breaks
    ``str.splitlines`` knows, which a pasted text carries inside a paragraph. Chinese
    prose is not hard-wrapped. The input reader, the web form and the input editor all
    split a text so, so that a text is the same paragraphs to each."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return tuple(line.strip() for line in lines if line.strip())


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
MAX_DIGITS = 30  # of a number's whole part, and of its decimals: what a cell is read with and an input may state
_INTEGER = re.compile(rf"[+-]?\d{{1,{MAX_DIGITS}}}")
_DECIMAL = re.compile(rf"[+-]?(?:\d{{1,{MAX_DIGITS}}}\.\d{{0,{MAX_DIGITS}}}|\.\d{{1,{MAX_DIGITS}}})")


def read_number(text: str, kind: ValueKind, unit: str = "") -> Value | None:
    """The value a cell states, or None when it states none (blank, ``/``, ``—``, words).

    Full-width digits, spaces and thousands separators are read; a decimal is exact; the
    column's ``unit`` may follow the number ("28.1632万元"). A negative or fractional count
    is returned as read, for the rules to judge."""
    if kind == "text":
        return " ".join(text.split())
    if text.isdigit() and text.isascii() and len(text) <= MAX_DIGITS:  # most cells: the rest is for what people type
        return int(text)
    if any(unicodedata.category(ch) == "No" for ch in text):  # "10²", "①": NFKC would make them 102 and 1
        return None
    s = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).translate(_UNIFY)
    if unit and s.endswith(unit):
        s = s[: -len(unit)]
    if _THOUSANDS.fullmatch(s):
        s = s.replace(",", "")
    if _INTEGER.fullmatch(s):
        return int(s)
    if _DECIMAL.fullmatch(s):
        return Decimal(s)
    return None


_BLANK_MARK = re.compile(r"[/\\\-—–_、无空]*")  # what clerks type for "none": "/", "—", "－", "无", "空"


def is_blank_mark(text: str) -> bool:
    """Whether ``text`` stands for no number: blank, or only "/", "—", "－", "无", "空" and
    their kin, in either width."""
    return bool(_BLANK_MARK.fullmatch(_INVISIBLE.sub("", nfkc(text))))


def is_number(text: str) -> bool:
    return read_number(text, "delta") is not None


@lru_cache(maxsize=1 << 14)
def reading(text: str) -> str | None:
    """How a table cell's text is matched: "" when it is blank, None when it is a number,
    else its normalized label. Reports repeat the same labels, so it is remembered."""
    label = normalize(text)
    if not label:
        return ""
    return None if is_number(text) else label


