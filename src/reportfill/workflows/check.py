"""Check a finished report: read it, find its tables, and apply the rules.

The same rule functions that refuse a bad TOML input judge the document
(:func:`reportfill.rules.tables.check_values` and friends); this module only gathers what
they need from the document model -- the numbers, the title, the headings, section 六 --
and adds what only a finished document can get wrong: a table not found, a cell with no
number in it, prose figures (R8), and the 2019 layout used for a 2021 or later report.

``fill`` reads back every report it renders with :func:`read_back`, so that part stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..document import Document
from ..errors import Problem, ReportfillError
from ..findings import Finding, Result
from ..format.formats import FORMATS, format_or_none
from ..format.spec import Format
from ..locate import locate
from ..outline import Outline, agency_of, outline, report_year
from ..readers import read
from ..readers.toml_input import load_input
from ..report import Report, Values
from ..rules.catalogue import finding
from ..rules.prose import check_prose
from ..rules.drafts import check_drafts
from ..rules.sizes import check_amounts, check_lengths
from ..rules.structure import check_fee_statement, check_layout_year, check_structure
from ..rules.tables import check_continuity, check_values, derive
from ..subheadings import split
from ..values import read_values


def check_document(source: Path | str | bytes, *, previous: Path | str | bytes | Result | None = None,
                   name: str | None = None, converted_docx: Path | None = None) -> Result:
    """Read a report -- DOCX, HTML page, PDF, or .doc, .wps, .rtf, .odt -- and check it
    against every rule that applies.

    ``previous`` is last year's report (a file, its bytes, or its result), enabling the
    cross-year rules R6 and R7 and the duplication rate (D1); ``converted_docx`` is the
    DOCX LibreOffice already made of a .doc-like ``source``. Raises
    :class:`ReportfillError` when the file cannot be read as an annual report at all."""
    where = name or (str(source) if not isinstance(source, bytes) else "文档")
    result = judge(read(source, where, converted_docx=converted_docx), where)
    if previous is not None:
        with_previous(result, previous if isinstance(previous, Result) else read_previous(previous))
    return result


def read_report(source: Path | str | bytes, name: str | None = None,
                converted_docx: Path | None = None) -> Result:
    """A report from its TOML input (validated, totals computed) or from any readable
    report (checked); raises :class:`ReportfillError` when it cannot be used. ``name``
    names a file given as bytes (an upload); a name ending in .toml is an input."""
    named = name or (str(source) if not isinstance(source, bytes) else "")
    if Path(named).suffix.lower() == ".toml":
        report = load_input(named, content=source) if isinstance(source, bytes) else load_input(source)
        return Result(named, report=replace(report, values=derive(report.fmt, report.values)), kind="toml")
    return check_document(source, name=name, converted_docx=converted_docx)


def read_previous(source: Path | str | bytes, name: str | None = None) -> Result:
    """Last year's report, as :func:`read_report` reads it; raises
    :class:`ReportfillError` saying it is last year's report that cannot be read."""
    try:
        return read_report(source, name)
    except ReportfillError as exc:
        raise ReportfillError([Problem(p.where, f"上一年度的报告无法读取：{p.message}") for p in exc.problems]) from None


def with_previous(result: Result, prior: Result) -> Result:
    """Add to ``result`` what comparing it with last year's report finds: R6, R7, and how
    much of its prose repeats last year's (``reuse``, and D1 above the threshold).

    A report of another agency or of a year other than the one before is no last year's
    report: it gets a warning saying so, and nothing is compared -- its 结转 and its
    wording are another report's, and comparing them would only produce false findings."""
    from ..rules.duplication import check_reuse, measure  # only for a comparison with last year

    mismatch = not_last_years(result.report, prior.report)
    if mismatch:
        return add_findings(result, mismatch)
    result.previous = prior.source
    result.reuse = measure(result.report, prior.report)
    continuity = check_continuity(result.report.fmt, result.report.values, prior.report.values)
    return add_findings(result, continuity + check_reuse(result.reuse))


def add_findings(result: Result, findings: list[Finding]) -> Result:
    """``result`` with ``findings`` added where they belong among its own."""
    result.findings = _in_table_order(result.report.fmt, result.findings + findings)
    return result


def judge(document: Document, where: str) -> Result:
    """Locate the tables of a read document, read its numbers and text, apply the rules."""
    return judged(document, where)[0]


def judged(document: Document, where: str) -> tuple[Result, Outline]:
    """:func:`judge`, with the outline of the document's text outside its tables:
    ``extract`` lists what that outline holds and the input has no place for."""
    read = read_back(document, where)
    fmt, values, parts_of = read.fmt, read.values, read.outline
    findings = read.cells + check_values(fmt, values) + read.whole
    last = fmt.sections[-1].heading
    if last in parts_of.heading_at:
        after = parts_of.text[parts_of.heading_at[last] + 1:]
        findings += check_fee_statement(fmt, "".join("".join(t.split()) for t in after))
    findings += check_prose(fmt, values, parts_of.prose, parts_of.year)
    findings += check_amounts(fmt, values)
    sections = {s.key: parts_of.section(s.heading) for s in fmt.sections}
    findings += check_lengths(fmt, sections)
    findings += check_drafts(fmt, sections)
    report = Report(
        fmt=fmt,
        agency=agency_of(read.title),
        year=parts_of.year,
        title=read.title,
        preface=parts_of.preface,
        prose={s.key: split(sections[s.key] or ()) for s in fmt.sections if s.key not in fmt.table},
        values=values,
    )
    return Result(where, _in_table_order(fmt, findings), report=report, kind=document.kind,
                  published=document.published), parts_of


@dataclass
class ReadBack:
    """What a document's tables and outline say, before any rule on its content: the
    numbers of every located cell, the findings on its cells (a cell, row or table not
    found or holding no number, a header's unit), and those on the document as a whole
    (the table layout of another year, a title or heading missing or worded otherwise)."""

    fmt: Format
    values: Values
    outline: Outline
    title: str
    cells: list[Finding]
    whole: list[Finding]

    @property
    def findings(self) -> list[Finding]:
        return _in_table_order(self.fmt, self.cells + self.whole)


def read_back(document: Document, where: str) -> ReadBack:
    """Locate the tables of a read document and read its numbers and outline. ``fill``
    confirms what it wrote with this alone: the rules on the content (the tables'
    equations, the prose, the sizes) judged the input, and the numbers read back are
    required to be the input's."""
    outside = [p.text for p in document.paragraphs if not p.inside]
    located = locate(document, prefer=format_or_none(report_year(FORMATS[0], outside)))
    if located is None:
        newest = FORMATS[0]
        raise ReportfillError(Problem(where, (
            f"文件中找不到年度报告的统计表（{'、'.join(t.name for t in newest.tables)}）："
            f"请确认这是{newest.title_suffix}，且表格没有被转换成图片或文本框")))
    fmt = located.fmt
    parts = located.parts
    parts_of = outline(fmt, [p.text for p in document.paragraphs if parts.isdisjoint(p.inside)])
    values, cells = read_values(located)
    title = parts_of.title or document.title
    whole = check_layout_year(fmt, parts_of.year) + check_structure(fmt, title, parts_of.year, parts_of.headings,
                                                                    parts_of.worded)
    return ReadBack(fmt, values, parts_of, title, cells, whole)


def not_last_years(report: Report, prior: Report) -> list[Finding]:
    """Warnings when ``prior`` is not ``report``'s agency's report of the year before."""
    from ..agencies import same_agency

    year, before = report.year, prior.year
    findings = []
    agency, other = report.agency, prior.agency
    if agency and other and not same_agency(agency, other):
        findings.append(finding("P1", "", "上年报告", "", agency, other,
                                f"作为上年报告给出的是“{other}”的报告，本报告是“{agency}”的，没有进行跨年核对（R6、R7）"
                                "和重复率计算：请使用本机关上一年度的报告"))
    if year is not None and before is not None and before != year - 1:
        findings.append(finding("P1", "", "上年报告", "", str(year - 1), str(before),
                                f"作为上年报告给出的是 {before} 年度的报告，本报告是 {year} 年度的，没有进行跨年核对（R6、R7）"
                                f"和重复率计算：请使用 {year - 1} 年度的报告"))
    return findings


def _in_table_order(fmt: Format, findings: list[Finding]) -> list[Finding]:
    """Whole-document findings first, then table by table; each group keeps rule order."""
    order = {"": 0} | {t.name: i + 1 for i, t in enumerate(fmt.tables)}
    return sorted(findings, key=lambda f: order.get(f.table, len(order)))
