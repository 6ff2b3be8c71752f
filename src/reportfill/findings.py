"""What a run says about each file: the findings of the rules, and one result model with
one exit-code precedence for fill and check alike.

Exit codes: 2 when any file could not be used at all (an input that is not valid, a file
that cannot be read as a report), else 1 when any report breaks a rule, else 0 --
warnings alone never fail a report.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .format.spec import Severity
from .report import Report

if TYPE_CHECKING:
    from .rules.duplication import Reuse

Status = Literal["ok", "rejected", "bad", "skipped"]  # exit codes 0, 1, 2, and 0 for a file that is no report


@dataclass(frozen=True)
class Finding:
    """One disagreement with a rule, located the way a clerk reads the printed table.

    ``cell`` is the (table, row, column) key of the value cell the finding is about,
    when there is one: the web form shows the finding at that cell."""

    rule: str
    severity: Severity
    table: str  # "表三", or "" for a finding about the document as a whole
    row: str
    column: str
    expected: str | None
    actual: str | None
    message: str  # Chinese, complete on its own
    cell: tuple[str, str, str] | None = None

    def as_dict(self) -> dict:
        out = asdict(self)
        out["cell"] = list(self.cell) if self.cell else None
        return out


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


@dataclass
class Result:
    """What became of one file: read and judged (check), or filled and written (fill).

    ``problems`` says why the file could not be used at all; ``report`` is what was read
    from it or filled into it; ``kind`` the kind of source (docx, html, pdf, doc, toml …);
    ``published`` the publication date the source states; ``output`` the file written;
    ``reuse`` how much of its prose repeats last year's, when compared with it, and
    ``previous`` the source of that last year's report; ``skipped`` why a file met in a
    folder was passed over (a text file, a Word lock file, a sub-folder): it is listed, and
    is neither read nor an error; ``backup`` where the file it replaced was kept
    (``fill --force`` over edited work) -- or, for an output refused because it is
    someone's work, where replacing it would keep it."""

    source: str
    findings: list[Finding] = field(default_factory=list)
    problems: tuple[str, ...] = ()
    report: Report | None = None
    kind: str = ""
    published: datetime.date | None = None
    output: Path | None = None
    reuse: Reuse | None = None
    skipped: str = ""
    backup: Path | None = None
    previous: str = ""

    @property
    def status(self) -> Status:
        if self.skipped:
            return "skipped"
        if self.problems:
            return "bad"
        return "rejected" if has_errors(self.findings) else "ok"

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "error"]


EXIT_CODES: dict[Status, int] = {"ok": 0, "rejected": 1, "bad": 2, "skipped": 0}


def exit_code(results: Iterable[Result]) -> int:
    """The worst outcome of a run: 2 if any file was unusable, else 1 if any report
    breaks a rule, else 0."""
    return max((EXIT_CODES[r.status] for r in results), default=0)
