"""A prose section's numbered sub-headings （一）（二）…, found in its paragraphs.

A section read from a document is a run of paragraphs; the input contract wants it as
paragraphs under the heading, then numbered items (``Prose``). Reports write a sub-heading
in the forms this module accepts:

- on a line of its own: "（一）及时主动公开", "(一) 及时主动公开", "（一）、存在问题";
- run in, bold, at the start of its first paragraph: "（一）主动公开情况。2024年，……" or
  "（一）主动公开方面：……" -- the title is the words before the first 。 or ：, the rest
  of the paragraph is the item's first paragraph.

"一、" inside a section is not a sub-heading (it is the section level, typically a heading
pasted into the text), nor are "1." and "（1）" (the level below). The numbered paragraphs
become items only when they are the sequence （一）（二）（三）… from the first, each with
words under it, because that is what ``fill`` prints back: a restarted, skipped or empty
numbering, or a numbered paragraph too long for a title, keeps the whole section as plain
paragraphs, numbers included, so no paragraph is lost or renumbered. A sub-heading whose own words hold 。 or ： is read as a run-in one.
"""

from __future__ import annotations

import re

from .report import Item, Prose

_NUMERALS = "一二三四五六七八九"
_MARK = re.compile(r"^[（(]\s*(?P<n>[一二三四五六七八九十]{1,3})\s*[）)]\s*[、.．,，]?\s*")
_RUN_IN_END = re.compile(r"[。：:]")
MAX_RUN_IN_TITLE = 30  # characters: "（一）强化组织领导，压实工作责任。" is 14; a sentence runs longer
MAX_TITLE = 60  # a line of its own longer than this is a numbered paragraph, not a heading


def numeral(text: str) -> int | None:
    """The value of a Chinese numeral from 一 to 九十九 (as sub-headings count), or None."""
    tens, sep, ones = text.partition("十")
    if not sep:
        return _NUMERALS.index(text) + 1 if len(text) == 1 and text in _NUMERALS else None
    if len(tens) > 1 or len(ones) > 1 or (tens and tens not in _NUMERALS) or (ones and ones not in _NUMERALS):
        return None
    return (_NUMERALS.index(tens) + 1 if tens else 1) * 10 + (_NUMERALS.index(ones) + 1 if ones else 0)


_NOT_A_HEADING = (0, "", "")


def _heading(paragraph: str) -> tuple[int, str, str] | None:
    """(number, title, run-in text) when ``paragraph`` opens with a sub-heading; None when
    it is not numbered; :data:`_NOT_A_HEADING` when it is numbered like one but reads as
    a numbered paragraph of text (too long for a title, or nothing after the number)."""
    mark = _MARK.match(paragraph)
    n = numeral(mark.group("n")) if mark else None
    if n is None:
        return None
    rest = paragraph[mark.end():].strip()
    end = _RUN_IN_END.search(rest)
    if end and rest[end.end():].strip():
        title, text = rest[: end.start()].strip(), rest[end.end():].strip()
        return (n, title, text) if 0 < len(title) <= MAX_RUN_IN_TITLE else _NOT_A_HEADING
    return (n, rest, "") if 0 < len(rest) <= MAX_TITLE else _NOT_A_HEADING


def split(paragraphs) -> Prose:
    """The section's paragraphs (texts, a line break inside one read as two) as
    paragraphs under the heading and numbered items."""
    lines = tuple(line.strip() for p in paragraphs for line in p.split("\n") if line.strip())
    lead: list[str] = []
    items: list[tuple[str, list[str]]] = []
    for line in lines:
        found = _heading(line)
        if found is None:
            (items[-1][1] if items else lead).append(line)
            continue
        n, title, text = found
        if n != len(items) + 1:  # out of sequence, or not a heading at all
            return Prose(lines)
        items.append((title, [text] if text else []))
    if not all(body for _, body in items):
        return Prose(lines)
    return Prose(tuple(lead), tuple(Item(title, tuple(body)) for title, body in items))
