"""The parts of a report's text: its title, the six section headings, the report year,
the agency, and the paragraphs under each heading.

Works on the paragraphs outside the statistics tables, whatever the source was. Real
reports number headings with Word's list numbering (no "一、" in the text), break the
title over two lines and state the year in the statistics period ("自2021年1月1日起至
2021年12月31日止"), so each is looked for in the forms it takes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .format.spec import Format
from .rules.structure import title_year
from .text import THRESHOLD, nfkc, normalize, similarity

_PERIOD = re.compile(r"(\d{4})\s*年\s*1\s*月\s*1\s*日[^。；]{0,16}?12\s*月\s*31\s*日")
_YEAR_FIRST = re.compile(r"^\d{4}\s*年")
_SENTENCE_END = re.compile(r"[。；;：:，,！!？?]")
_HEADING_END = ".:;。：；"
_NUMBERED = "、.．"  # what follows a heading's number: "五、", "五."
_AGENCY = re.compile(r"^(.+?)\s*(?:关于)?\s*\d{4}\s*年")


@dataclass(frozen=True)
class Outline:
    """Where things are in ``text``, the report's paragraphs in reading order."""

    text: tuple[str, ...]
    title: str
    title_end: int  # index of the first paragraph after the title (0 when none was found)
    heading_at: dict[str, int]  # official heading -> index of the paragraph holding it
    year: int | None
    worded: dict[str, str]  # official heading -> the other wording the report gives it

    @property
    def agency(self) -> str:
        """The agency the title names ("温县教育局2021年…" → 温县教育局), or ""."""
        return agency_of(self.title)

    @property
    def headings(self) -> list[str]:
        """The official headings found, in document order."""
        return sorted(self.heading_at, key=self.heading_at.get)

    def section(self, heading: str) -> tuple[str, ...] | None:
        """The non-empty paragraphs under ``heading`` up to the next heading found; None
        when the heading is missing."""
        start = self.heading_at.get(heading)
        if start is None:
            return None
        end = min((i for i in self.heading_at.values() if i > start), default=len(self.text))
        return tuple(t for t in self.text[start + 1: end] if t.strip())

    @property
    def preface(self) -> tuple[str, ...]:
        """The paragraphs between the title and the first heading (the 导语)."""
        first = min(self.heading_at.values(), default=len(self.text))
        return tuple(t for t in self.text[self.title_end: first] if t.strip())

    @property
    def prose(self) -> list[str]:
        """Every paragraph with words in it that is neither the title nor a heading."""
        headings = set(self.heading_at.values())
        return [t for i, t in enumerate(self.text)
                if i not in headings and i >= self.title_end and t.strip()]


def outline(fmt: Format, text: list[str]) -> Outline:
    heading_at = _headings(fmt, text)
    worded = _worded(fmt, text, heading_at)
    for heading, (i, _) in worded.items():
        heading_at[heading] = i
    first = min(heading_at.values(), default=len(text))
    title, title_end = _title(fmt, text[:first])
    return Outline(tuple(text), title, title_end, heading_at, _year(text, title),
                   {heading: wording for heading, (_, wording) in worded.items()})


def agency_of(title: str) -> str:
    """The agency a title names ("温县教育局2021年…" → 温县教育局), or ""."""
    found = _AGENCY.match(title)
    return found.group(1).strip() if found else ""


def report_year(fmt: Format, text: list[str]) -> int | None:
    """The year a report is about, before its tables are located (to try that year's
    format first)."""
    return _year(text, _title(fmt, text)[0])


def _headings(fmt: Format, text: list[str]) -> dict[str, int]:
    """Each section heading found, and the paragraph it is at (the first, when repeated).

    A heading numbered by Word's list numbering has no "一、" in its text, so a paragraph
    that is exactly the heading's words also counts."""
    wanted = {}
    for section in fmt.sections:
        exact = normalize(section.heading)
        wanted[exact] = section.heading
        wanted.setdefault(exact.split("、", 1)[-1], section.heading)
    at: dict[str, int] = {}
    for i, paragraph in enumerate(text):
        heading = wanted.get(normalize(paragraph).rstrip(_HEADING_END))
        if heading and heading not in at:
            at[heading] = i
    return at


def _worded(fmt: Format, text: list[str], found: dict[str, int]) -> dict[str, tuple[int, str]]:
    """Headings the report words otherwise ("四、政府信息公开行政复议与行政诉讼情况", the
    typo "行政法复议", "五、存在的问题和改进措施"): for each official heading not found as
    it is, the short paragraph between the headings found before and after it most like
    it, or else numbered as it is ("五、…"); with its wording."""
    order = [s.heading for s in fmt.sections]
    taken = set(found.values())
    worded: dict[str, tuple[int, str]] = {}
    for k, heading in enumerate(order):
        if heading in found:
            continue
        before = max((found[h] for h in order[:k] if h in found), default=-1)
        after = min((found[h] for h in order[k + 1:] if h in found), default=len(text))
        exact = normalize(heading)
        number, numbered, words = exact.partition("、")
        if not numbered:
            number, words = "", exact
        best = None
        for i in range(before + 1, after):
            if i in taken:
                continue
            candidate = normalize(text[i]).rstrip(_HEADING_END)
            if not candidate or len(candidate) > len(exact) + 8 or _SENTENCE_END.search(candidate):
                continue
            score = max(similarity(exact, candidate), similarity(words, candidate))
            if number and len(candidate) > len(number) + 1 and candidate.startswith(number) \
                    and candidate[len(number)] in _NUMBERED:
                score = max(score, THRESHOLD)  # its place and its number make it the heading
            if score >= THRESHOLD and (best is None or score > best[0]):
                best = (score, i)
        if best:
            taken.add(best[1])
            worded[heading] = (best[1], " ".join(text[best[1]].split()))
    return worded


def _title(fmt: Format, before_headings: list[str]) -> tuple[str, int]:
    """The paragraph naming the report, joined with the line before it when the title
    was broken over two paragraphs (a line break inside a CJK title joins without a
    space); and the index of the paragraph after it."""
    suffix = normalize(fmt.title_suffix)
    previous: tuple[int, str] | None = None
    for i, raw in enumerate(before_headings):
        if not raw.strip():
            continue
        line = " ".join(raw.replace("\n", "").split())
        current = normalize(line)
        if "年度报告" in current:
            if previous and (_YEAR_FIRST.match(current) or suffix.endswith(current)) \
                    and len(previous[1]) <= 40 and not _SENTENCE_END.search(previous[1]):
                return previous[1] + line, i + 1
            return line, i + 1
        previous = (i, line)
    return "", 0


def _year(text: list[str], title: str) -> int | None:
    """The statistics period's year ("自2021年1月1日起至2021年12月31日止"), else the title's."""
    for paragraph in text:
        paragraph = nfkc(paragraph)
        found = "日" in paragraph and _PERIOD.search(paragraph)  # the period ends on a 日
        if found:
            return int(found.group(1))
    return title_year(title)
