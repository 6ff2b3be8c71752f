"""What a check reports, and the errors that stop a run before a report can be judged."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .spec import Severity


@dataclass(frozen=True)
class Finding:
    """One disagreement with a rule, located the way a clerk reads the printed table."""

    rule: str
    severity: Severity
    table: str  # "表三", or "" for a finding about the document as a whole
    row: str
    column: str
    expected: str | None
    actual: str | None
    message: str  # Chinese, complete on its own

    def as_dict(self) -> dict:
        return asdict(self)


def has_errors(findings) -> bool:
    return any(f.severity == "error" for f in findings)


@dataclass(frozen=True)
class Problem:
    """A reason an input file or document cannot be used at all; ``where`` is the file,
    and the line, key or cell when known."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}：{self.message}" if self.where else self.message


class ReportfillError(Exception):
    """Raised for inputs that cannot be filled or files that cannot be read as a report
    (exit code 2). Carries every problem found, so a user fixes them in one pass."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(map(str, self.problems)))


class ReportRejected(Exception):
    """Raised when a report's numbers break a rule (exit code 1)."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(f.message for f in findings))
