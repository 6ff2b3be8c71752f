"""Where the format's tables are is remembered by the shape of a document's tables: a
document of a shape seen before is located exactly as a first reading locates it -- the
same format, tables, rows, value cells (its own), scores and headers -- whatever its
numbers and texts in value cells, on every real-world layout the checker reads."""

from __future__ import annotations

import pytest

from docx_fixtures import Package, build_report, docx_with_body, reconciling_values
from reportfill import locate as locating
from reportfill.format.formats import FORMAT_2019, FORMAT_2021
from reportfill.readers import read
from test_check import QUIRKS, wps_style


def located(document):
    """What locate finds, as data: a cell by its place, spans and text -- and, in a table
    read alone, by being the document's own cell (tables read as one are copies)."""
    found = locating.locate(document)
    if found is None:
        return None

    def cell(c, alone):
        return c.row, c.col, c.rows, c.cols, c.text, id(c) if alone else None

    return found.fmt.id, {key: (m.parts, {slot: cell(c, len(m.parts) == 1) for slot, c in m.cells.items()}, m.rows,
                                m.quality, m.headers) for key, m in found.matches.items()}


def first_reading(document):
    locating._FOUND.clear()
    return located(document)


def documents(quirk, wps):
    made = []
    for seed in (11, 12):
        package, _ = quirk(FORMAT_2021, reconciling_values(FORMAT_2021, seed=seed))
        if wps:
            wps_style(package)
        made.append(read(package.to_bytes()))
    return made


@pytest.mark.parametrize("quirk", QUIRKS, ids=lambda f: f.__name__.removeprefix("quirk_"))
@pytest.mark.parametrize("wps", [False, True], ids=["word", "wps"])
def test_a_shape_seen_before_is_located_as_a_first_reading_locates_it(quirk, wps):
    one, other = documents(quirk, wps)
    fresh = first_reading(one)
    assert fresh is not None
    assert located(one) == fresh  # from what was remembered
    remembered = located(other)  # another report of the same shape, other numbers
    assert remembered == first_reading(other)
    assert remembered != fresh  # its own cells


def test_formats_and_documents_without_the_tables_are_remembered_apart():
    old = read(Package(build_report(FORMAT_2019, reconciling_values(FORMAT_2019, seed=3), 2020)).to_bytes())
    assert first_reading(old)[0] == "2019"
    assert located(old)[0] == "2019"
    for body in ("<w:p><w:r><w:t>no tables</w:t></w:r></w:p>",
                 "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>规章</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"):
        document = read(docx_with_body(body))
        assert first_reading(document) is None
        assert located(document) is None
