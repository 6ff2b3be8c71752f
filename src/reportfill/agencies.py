"""Telling whether two names are the same agency's.

The same agency is written differently from year to year and from file to file: full-
width or half-width brackets and letters, spaces typed for alignment, "温县人民政府办公室"
in one title and "温县政府办公室" in the next. Starting a year from last year's report, and
pairing a folder of reports by agency, must see through that -- and only through that: a
different department must never pass for the same one.
"""

from __future__ import annotations

from .text import normalize

_DOTS = str.maketrans("", "", "·•・･")  # "温县·教育局": a separator typed for looks
_PEOPLES_GOVERNMENT = "人民政府"


def agency_key(name: str) -> str:
    """The form in which agency names are compared: labels' normalized form
    (:func:`reportfill.text.normalize`: NFKC, no spaces, one kind of bracket), without
    middle dots, and "人民政府" as "政府"."""
    return normalize(name).translate(_DOTS).replace(_PEOPLES_GOVERNMENT, "政府")


def same_agency(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` name the same agency; an empty name matches nothing."""
    key = agency_key(a)
    return bool(key) and key == agency_key(b)
