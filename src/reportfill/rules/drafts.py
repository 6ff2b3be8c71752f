"""R13: a report is not published with text still marked to be written.

``aggregate`` drafts the 汇总 report's input and marks what only the office can write
with :data:`TO_WRITE`. The marked text reads as finished prose, so without this rule a
``fill`` would print it and the report would go out with it."""

from __future__ import annotations

from collections.abc import Sequence

from ..findings import Finding
from ..format.spec import Format
from .catalogue import finding

TO_WRITE = "【请撰写】"


def check_drafts(fmt: Format, sections: dict[str, Sequence[str] | None]) -> list[Finding]:
    """R13 for each section (``sections``: paragraphs by section key) still holding the mark."""
    findings = []
    for section in fmt.sections:
        marked = sum(p.count(TO_WRITE) for p in sections.get(section.key) or ())
        if marked:
            findings.append(finding("R13", "", section.heading, "", None, TO_WRITE, (
                f"“{section.heading}”中还有 {marked} 处标有{TO_WRITE}的文字：这是留给编写单位撰写的地方，"
                f"请写好这些文字并删去标记{TO_WRITE}")))
    return findings
