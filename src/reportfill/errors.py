"""The errors that stop a run before a report can be judged (exit code 2), and the one
that stops a fill whose numbers break a rule (exit code 1)."""

from __future__ import annotations

from dataclasses import dataclass


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

    def __init__(self, findings: list):
        self.findings = findings
        super().__init__("\n".join(f.message for f in findings))
