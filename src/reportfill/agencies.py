"""Telling whether two names are the same agency's.

The same agency is written differently from year to year and from file to file: full-
width or half-width brackets and letters, spaces typed for alignment, "温县人民政府办公室"
in one title and "温县政府办公室" in the next. Starting a year from last year's report, and
pairing a folder of reports by agency, must see through that -- and only through that: a
different department must never pass for the same one.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad·•・]+")
_BRACKETS = str.maketrans({"〔": "(", "［": "(", "[": "(", "【": "(", "〕": ")", "］": ")", "]": ")", "】": ")"})
_PEOPLES_GOVERNMENT = "人民政府"


def agency_key(name: str) -> str:
    """The form in which agency names are compared: NFKC (half-width letters, digits and
    brackets), no spaces or middle dots, one kind of bracket, and "人民政府" as "政府"."""
    key = _INVISIBLE.sub("", unicodedata.normalize("NFKC", name)).translate(_BRACKETS)
    return key.replace(_PEOPLES_GOVERNMENT, "政府")


def same_agency(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` name the same agency; an empty name matches nothing."""
    key = agency_key(a)
    return bool(key) and key == agency_key(b)
