"""Numbers as clerks type them where TOML wants a bare number: in quotes, with 件 or 万元
after them, in full-width digits, with thousands separators, or in 元 where 万元 is due.

Reading what was meant lets a message say exactly what to write instead ("请写 28.1632").
It never lets the value through: the input still has to be corrected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from ..format.spec import ValueKind
from ..report import Value, plain, show
from ..text import read_number

COUNT_UNITS = ("件", "个", "条", "次", "起", "份", "宗", "项", "人", "家", "篇")
MONEY = {"元": -4, "万元": 0, "亿元": 4}  # powers of ten, against 万元
UNITS = tuple(sorted((*COUNT_UNITS, *MONEY, "年"), key=len, reverse=True))
_TYPED = re.compile(r"([+-]?[\d,]*\.?\d+)(\D*)")


@dataclass(frozen=True)
class Meant:
    """The number a clerk meant, in the unit the cell is in."""

    value: Value
    unit: str  # the unit typed after the number, or ""
    typed: str  # the number as typed, without its unit: "281632"

    @property
    def converted(self) -> bool:
        """Typed in another money unit than the cell's (元 for 万元)."""
        return self.unit in MONEY and show(self.value) != self.typed


def meant(text: str, kind: ValueKind, unit: str = "", units=COUNT_UNITS) -> Meant | None:
    """What ``text`` means as a value of ``kind`` in ``unit`` (the column's, e.g. 万元):
    None unless it reads as exactly one valid number, with at most one of ``units`` (or,
    for an amount, a money unit) after it."""
    s = "".join(unicodedata.normalize("NFKC", text).split())
    found = _TYPED.fullmatch(s)
    if not found:
        return None
    number = read_number(found.group(1), "amount" if kind == "amount" else "delta")
    typed_unit = found.group(2)
    if number is None:
        return None
    if typed_unit in MONEY and unit in MONEY:
        value = plain(Decimal(number).scaleb(MONEY[typed_unit] - MONEY[unit]))
    elif typed_unit and typed_unit not in units:
        return None
    else:
        value = number
    if kind in ("count", "delta") and not isinstance(value, int):
        return None
    if kind == "count" and value < 0:
        return None
    return Meant(value, typed_unit, show(number))
