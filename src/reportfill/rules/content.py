"""The rules on what a report says beyond the equations of its tables, applied to a
report as content (:class:`~reportfill.report.Report`): R8 (figures in the prose), R9's
title year, R10 (the 信息处理费 statement), R11 (amounts) and R12 (lengths).

``fill`` judges an input with them before it renders it, and the web form judges what is
typed with them as it is typed, so the two cannot disagree. A published document is
judged by the same rule functions on what its reader recovers
(:func:`reportfill.workflows.check.judge`); a report rendered by ``fill`` reads back as
the paragraphs :func:`printed` gives, so both ends see the same text.
"""

from __future__ import annotations

from ..findings import Finding
from ..report import Prose, Report
from .prose import check_prose
from .drafts import check_drafts
from .sizes import check_amounts, check_lengths
from .structure import check_fee_statement, check_structure
from .tables import Source, derive


def printed(prose: Prose | None) -> list[str]:
    """A prose section's paragraphs in the order the report prints them: its own, then
    each item's sub-heading and paragraphs. The item numbers are left out: no rule here
    reads them (R12 does not count them)."""
    if prose is None:
        return []
    out = list(prose.paragraphs)
    for item in prose.items:
        out += [item.title, *item.paragraphs]
    return out


def check_report(report: Report, source: Source | None = None) -> list[Finding]:
    """The findings of R8, R9 (the title's year), R10, R11, R12 and R13 for ``report``;
    ``source`` names the cells R11 points at (default: as the printed table names them).

    A report as content has every heading, in order -- ``fill`` prints them -- so of R9
    only the year in its title can be wrong."""
    fmt = report.fmt
    values = derive(fmt, report.values)
    sections = {s.key: printed(report.prose.get(s.key)) for s in fmt.sections if s.key not in fmt.table}
    prose = list(report.preface) + [p for paragraphs in sections.values() for p in paragraphs]
    last = fmt.sections[-1]
    return [  # the whole document's findings first, then the tables', as check lists them
        *check_structure(fmt, report.title, report.year, [s.heading for s in fmt.sections],
                         title_year_severity="error"),
        *check_fee_statement(fmt, "".join("".join(p.split()) for p in sections.get(last.key, []))),
        *check_lengths(fmt, sections),
        *check_drafts(fmt, sections),
        *check_amounts(fmt, report.values, source),
        *check_prose(fmt, values, prose, report.year),
    ]
