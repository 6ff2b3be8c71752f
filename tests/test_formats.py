"""The format definition against the spec it transcribes (../shared/FORMAT.md)."""

from __future__ import annotations

import dataclasses
import pickle
import re

import pytest

from conftest import SHARED
from reportfill.format.formats import FORMAT_2019, FORMAT_2021, FORMATS, format_for_year

SPEC = SHARED / "FORMAT.md"


@pytest.fixture(scope="module")
def spec_labels() -> set[str]:
    if not SPEC.is_file():
        pytest.skip("../shared/FORMAT.md is not beside the repository")
    return set(re.findall(r"`([^`]+)`", SPEC.read_text(encoding="utf-8")))


def test_every_2021_label_is_spelled_as_in_the_spec(spec_labels):
    labels = {label for table in FORMAT_2021.tables for label in table.labels}
    assert labels - spec_labels == set()
    text = SPEC.read_text(encoding="utf-8")
    assert [s.heading for s in FORMAT_2021.sections] == re.findall(r"^\| (\S+、\S+) \|", text, re.M)[:6]


def test_every_2019_table_header_is_spelled_as_in_the_spec(spec_labels):
    proactive = FORMAT_2019.table["proactive"]
    headers = {proactive.cell_name(p.cell.row, p.cell.col)[1] for p in proactive.slots}
    items = {proactive.cell_name(p.cell.row, p.cell.col)[0] for p in proactive.slots}
    assert (headers | items) - spec_labels == set()


def test_2019_differs_from_2021_only_where_the_spec_says():
    a21, a19 = FORMAT_2021.table["applications"], FORMAT_2019.table["applications"]
    assert (len(a21.rows) - 3, len(a19.rows) - 3) == (25, 23)
    assert set(a21.row_keys) - set(a19.row_keys) == {"other.no_correction", "other.no_fee", "other.other"}
    assert FORMAT_2021.table["appeals"] is FORMAT_2019.table["appeals"]
    vertical = [p for p in a19.placed if getattr(p.cell, "text", "") == "三、本年度办理结果"][0]
    assert vertical.rows == 20


@pytest.mark.parametrize("year, fmt", [(2019, FORMAT_2019), (2020, FORMAT_2019), (2021, FORMAT_2021), (2030, FORMAT_2021)])
def test_each_year_has_its_format(year, fmt):
    assert format_for_year(year) is fmt


def test_derived_cells_are_the_totals():
    for fmt in FORMATS:
        assert all(col == "total" or row == "total" for _, row, col in fmt.derived)


def test_a_format_travels_between_processes_by_its_id():
    """A batch's results come back from its workers pickled: a format of reportfill's own is
    the same object on arrival and costs a few bytes, whatever is cached on its tables."""
    for fmt in FORMATS:
        fmt.table["applications"].cell_name("received", "total")  # something cached
        data = pickle.dumps(fmt)
        assert pickle.loads(data) is fmt and len(data) < 200
    other = dataclasses.replace(FORMAT_2021, id="a test format")
    copy = pickle.loads(pickle.dumps(other))
    assert copy == other and copy is not other
