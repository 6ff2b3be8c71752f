"""Check a finished report: reopen the DOCX, find its tables, and apply the rules.

The same rule functions that refuse a bad TOML input judge the reopened document
(:func:`reportfill.rules.check_values` and friends); this module only gathers what they
need from the file -- the numbers, the title, the headings, section 六 -- and adds what
only a finished document can get wrong: a table not found, a cell with no number in it,
prose figures (R8), and the 2019 layout used for a 2021 or later report (reported under
R9, the structure rule, since the whole layout is wrong rather than one number).

``fill`` calls :func:`check_document` on every report it renders, so this stays cheap:
lxml only, no python-docx.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .docx_package import read_document
from .findings import Finding, Problem, ReportfillError, has_errors
from .formats import FORMATS, format_for_year
from .locate import WordTable, locate, normalize, read_values
from .prose import check_prose
from .rules import YEAR_IN_TITLE, Values, check_continuity, check_fee_statement, check_structure, check_values
from .spec import Format
from .wordml import BODY, P, TBL, blocks, cells, paragraph_text, rows

_PERIOD = re.compile(r"(\d{4})\s*年\s*1\s*月\s*1\s*日[^。；]{0,16}?12\s*月\s*31\s*日")
_YEAR_FIRST = re.compile(r"^\d{4}\s*年")
_SENTENCE_END = re.compile(r"[。；;：:，,！!？?]")
_HEADING_END = ".:;。：；"
_CONTINUATION = re.compile(r"^续表")
MAX_BLOCKS = 20_000  # paragraphs and tables, table cells' included; a report has about 1 500


@dataclass
class CheckResult:
    """What one report says and which rules it breaks. ``values`` holds every number
    read from its tables, keyed like the TOML side's values."""

    path: str
    format: str  # the format id, "2021" or "2019"
    values: Values
    findings: list[Finding]
    title: str = ""
    year: int | None = None
    headings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)


@dataclass(frozen=True)
class Unreadable:
    """A file that could not be read as an annual report, and why."""

    path: str
    reasons: tuple[str, ...]


def check_document(source: Path | str | bytes, *, previous: Path | str | bytes | CheckResult | None = None,
                   name: str | None = None) -> CheckResult:
    """Read a report and check it against every rule that applies.

    ``previous`` is last year's report (a file, its bytes, or its result), enabling the
    cross-year rules R6 and R7. Raises :class:`ReportfillError` when the file cannot be
    read as an annual report at all."""
    where = name or (str(source) if not isinstance(source, bytes) else "文档")
    root = read_document(source, where)
    body = root.find(BODY)
    if body is None:
        raise ReportfillError(Problem(where, "文档没有正文"))
    tables, paragraphs = _read_body(body, where)
    outside = [text for text, enclosing in paragraphs if not enclosing]
    hint = _report_year(outside, FORMATS[0])
    located = locate(tables, prefer=_format_for(hint))
    if located is None:
        raise ReportfillError(Problem(where, "文件中找不到年度报告的统计表（表二、表三、表四）："
                                             "请确认这是政府信息公开工作年度报告，且表格没有被转换成图片或文本框"))
    fmt = located.fmt
    report_tables = {id(e) for el in located.elements for e in el.iter(TBL)}
    text = [t for t, enclosing in paragraphs if not enclosing & report_tables]
    headings, heading_at = _headings(fmt, text)
    title = _title(fmt, text[: min(heading_at.values(), default=len(text))])
    year = _report_year(text, fmt)

    values, findings = read_values(located)
    findings += check_values(fmt, values)
    findings += _format_against_year(fmt, year)
    findings += check_structure(fmt, title, year, headings)
    last = fmt.sections[-1].heading
    if last in heading_at:
        findings += check_fee_statement(fmt, "".join("".join(t.split()) for t in text[heading_at[last] + 1:]))
    prose = [t for i, t in enumerate(text) if i not in heading_at.values() and t.strip() and t not in title]
    findings += check_prose(fmt, values, prose, year)
    if previous is not None:
        prior = previous if isinstance(previous, CheckResult) else check_document(previous)
        findings += _against_previous(fmt, values, year, prior)
    return CheckResult(where, fmt.id, values, _in_table_order(fmt, findings), title, year, headings)


def _read_body(body: etree._Element, where: str) -> tuple[list[WordTable], list[tuple[str, frozenset[int]]]]:
    """One pass over the document: every table, nested ones included, in document order;
    and every paragraph in reading order with the ids of the tables it sits in.

    A body-level table joins the one before it when only blank paragraphs or a 续表 line
    lie between them (a table split at a page break). A document of more than
    :data:`MAX_BLOCKS` paragraphs and tables is refused rather than read for minutes."""
    tables: list[WordTable] = []
    paragraphs: list[tuple[str, frozenset[int]]] = []

    def walk(container: etree._Element, enclosing: frozenset[int]) -> None:
        joinable = False
        for block in blocks(container):
            if len(tables) + len(paragraphs) >= MAX_BLOCKS:
                raise ReportfillError(Problem(where, f"文档内容过多（超过 {MAX_BLOCKS} 个段落和表格），"
                                                     "不像是年度报告，拒绝核对"))
            if block.tag == P:
                text = paragraph_text(block)
                paragraphs.append((text, enclosing))
                if joinable:
                    text = normalize(text)
                    joinable = not text or bool(_CONTINUATION.match(text))
                continue
            tables.append(WordTable(block, joinable and not enclosing))
            joinable = True
            inner = enclosing | {id(block)}
            for tr in rows(block):
                for tc in cells(tr):
                    walk(tc, inner)

    walk(body, frozenset())
    return tables, paragraphs


def _headings(fmt: Format, text: list[str]) -> tuple[list[str], dict[str, int]]:
    """The section headings found, in document order, and the paragraph each is at.

    A heading numbered by Word's list numbering has no "一、" in its text, so a paragraph
    that is exactly the heading's words also counts."""
    wanted = {}
    for section in fmt.sections:
        exact = normalize(section.heading)
        wanted[exact] = section.heading
        wanted.setdefault(exact.split("、", 1)[-1], section.heading)
    headings, at = [], {}
    for i, paragraph in enumerate(text):
        heading = wanted.get(normalize(paragraph).rstrip(_HEADING_END))
        if heading and heading not in at:
            headings.append(heading)
            at[heading] = i
    return headings, at


def _title(fmt: Format, before_headings: list[str]) -> str:
    """The paragraph naming the report, joined with the line before it when the title
    was broken over two paragraphs. A line break inside a CJK title joins without a space."""
    lines = [" ".join(t.replace("\n", "").split()) for t in before_headings if t.strip()]
    suffix = normalize(fmt.title_suffix)
    for i, line in enumerate(lines):
        if "年度报告" not in normalize(line):
            continue
        current = normalize(line)
        if i and (_YEAR_FIRST.match(current) or suffix.endswith(current)) and len(lines[i - 1]) <= 40 \
                and not _SENTENCE_END.search(lines[i - 1]):
            return lines[i - 1] + line
        return line
    return ""


def _report_year(text: list[str], fmt: Format) -> int | None:
    """The statistics period's year ("自2021年1月1日起至2021年12月31日止"), else the title's."""
    for paragraph in text:
        found = _PERIOD.search(unicodedata.normalize("NFKC", paragraph))
        if found:
            return int(found.group(1))
    found = YEAR_IN_TITLE.search(unicodedata.normalize("NFKC", _title(fmt, text)))
    return int(found.group(1)) if found else None


def _format_for(year: int | None) -> Format | None:
    try:
        return format_for_year(year) if year is not None else None
    except LookupError:
        return None


def _format_against_year(fmt: Format, year: int | None) -> list[Finding]:
    right = _format_for(year)
    if right is None or right is fmt:
        return []
    years = f"{fmt.first_year}–{fmt.last_year} 年度" if fmt.last_year else f"{fmt.first_year} 年度及以后"
    message = f"{year} 年度的报告应使用{right.basis}规定的表格格式，本报告的表格是{fmt.basis}的格式（用于 {years}的报告）"
    return [Finding("R9", "error", "", "表格格式", "", right.basis, fmt.basis, message)]


def _against_previous(fmt: Format, values: Values, year: int | None, prior: CheckResult) -> list[Finding]:
    findings = []
    if year is not None and prior.year is not None and prior.year != year - 1:
        findings.append(Finding("R6", "warning", "", "上年报告", "", str(year - 1), str(prior.year),
                                f"作为上年报告给出的是 {prior.year} 年度的报告，本报告是 {year} 年度的，跨年核对应使用 {year - 1} 年度的报告"))
    return findings + check_continuity(fmt, values, prior.values)


def _in_table_order(fmt: Format, findings: list[Finding]) -> list[Finding]:
    """Whole-document findings first, then table by table; each group keeps rule order."""
    order = {"": 0} | {t.name: i + 1 for i, t in enumerate(fmt.tables)}
    return sorted(findings, key=lambda f: order.get(f.table, len(order)))
