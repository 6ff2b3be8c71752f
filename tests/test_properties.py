"""Property-based: any valid random report fills and checks clean with exactly its numbers
read back; any report broken in one of the known ways is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportfill.workflows.check import check_document
from reportfill.workflows.fill import fill
from reportfill.errors import ReportfillError
from reportfill.format.formats import APPLICANTS, FORMAT_2021, outcome_rows
from reportfill.readers.toml_input import load_input
from reportfill.rules.tables import derive
from reportfill.text import normalize
from test_schema import findings

APPLICATIONS = FORMAT_2021.table["applications"]
OUTCOME_ROWS = outcome_rows(APPLICATIONS)
text = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\\\""), min_size=1, max_size=40)
# Hypothesis also draws the strings the code holds, section headings among them; a text
# that is, or starts with, a heading is refused (the heading is printed by fill itself).
HEADINGS = tuple(normalize(s.heading).split("、", 1)[-1] for s in FORMAT_2021.sections)
prose = text.filter(lambda s: s.strip() and not any(h in normalize(s) for h in HEADINGS))
count = st.integers(0, 5000)


@st.composite
def reports(draw):
    """Values that reconcile: per column, from_last_year ≤ outcomes + to_next_year."""
    rows: dict[str, list[int]] = {r: [] for r in APPLICATIONS.row_keys if r != "total"}
    for _ in APPLICANTS:
        outcomes = {r: draw(st.integers(0, 50)) for r in OUTCOME_ROWS}
        carried = draw(st.integers(0, 50))
        handled = sum(outcomes.values()) + carried
        from_last = draw(st.integers(0, handled))
        for r, n in outcomes.items():
            rows[r].append(n)
        rows["to_next_year"].append(carried)
        rows["from_last_year"].append(from_last)
        rows["received"].append(handled - from_last)
    return {
        "agency": draw(text.filter(lambda s: s.strip())),
        "other": draw(prose),
        "fees": draw(st.decimals(0, 10**6, places=draw(st.integers(0, 6)), allow_nan=False, allow_infinity=False)),
        "counts": [draw(count) for _ in range(9)],
        "appeals": [[draw(count) for _ in range(4)] for _ in range(3)],
        "rows": rows,
    }


def toml(r) -> str:
    """Write a report as TOML, in the layout INPUT.md gives."""
    prose = ["[overview]", 'text = "概况"', "[problems]", 'text = "问题"', "[other]", f'text = "{r["other"]}"']
    return "\n".join([f'agency = "{r["agency"]}"', "year = 2022", *prose]) + "\n" + numbers_toml(r)


def numbers_toml(r) -> str:
    """The tables of a drawn report, as TOML."""
    c = r["counts"]
    lines = [
        "[proactive]",
        f"regulations = [{c[0]}, {c[1]}, {c[2]}]",
        f"normative_documents = [{c[3]}, {c[4]}, {c[5]}]",
        f"licenses = {c[6]}", f"penalties = {c[7]}", f"coercive_measures = {c[8]}",
        f"fees = {format(r['fees'], 'f')}",
        "[appeals]",
        *(f"{g} = {v}" for g, v in zip(("reconsideration", "lawsuit_direct", "lawsuit_after_reconsideration"), r["appeals"])),
    ]
    groups: dict[str, list[str]] = {}
    for row, numbers in r["rows"].items():
        group, _, leaf = row.rpartition(".")
        groups.setdefault(group, []).append(f"{leaf or row} = {numbers}")
    for group, entries in groups.items():
        lines.append(f"[applications{'.' + group if group else ''}]")
        lines.extend(entries)
    return "\n".join(lines) + "\n"


SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(report=reports())
def test_any_valid_report_fills_and_reads_back_exactly(report, tmp_path):
    source = tmp_path / "r.toml"
    source.write_text(toml(report), encoding="utf-8")
    filled = fill(source, output=tmp_path / "r.docx")  # replaces the last example's, untouched
    assert findings(filled.output) == []  # schema-valid whatever the text
    result = check_document(filled.output)
    assert [f for f in result.findings if f.severity == "error"] == []
    expected = derive(FORMAT_2021, load_input(source).values)
    assert result.report.values == expected
    assert result.report.values[("proactive", "fees", "amount")] == Decimal(format(report["fees"], "f"))


BREAKS = {
    "negative count": lambda r: r["rows"]["disclosed"].__setitem__(0, -1),
    "R1 broken": lambda r: r["rows"]["received"].__setitem__(2, r["rows"]["received"][2] + 1),
    "row too short": lambda r: r["rows"]["disclosed"].pop(),
    "stated total wrong": lambda r: r["rows"]["disclosed"].append(sum(r["rows"]["disclosed"]) + 1),
    "appeal total wrong": lambda r: r["appeals"][1].append(sum(r["appeals"][1]) + 2),
    "negative fee": lambda r: r.__setitem__("fees", -r["fees"] - 1),
}


@SETTINGS
@given(report=reports(), how=st.sampled_from(sorted(BREAKS)))
def test_any_broken_report_is_refused(report, how, tmp_path):
    BREAKS[how](report)
    source = tmp_path / "r.toml"
    source.write_text(toml(report), encoding="utf-8")
    with pytest.raises(ReportfillError):
        fill(source, output=tmp_path / "r.docx")
    assert not (tmp_path / "r.docx").exists()
