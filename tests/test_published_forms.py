"""What staff start from is often last year's report as it was published: a portal's
HTML page, the page saved as one .mht file, or a PDF, not the TOML. ``extract`` and ``new --from`` must work from every
form the readers take, with the same numbers as the source.

Each input is filled to its DOCX by ``reportfill fill``, written as a portal page and
as Word's .mht by ``html_fixtures`` (with their quirks), and printed to PDF by a real LibreOffice."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SEED
from html_fixtures import Quirks, input_content, portal_page, word_archive, word_page
from reportfill import office
from reportfill.cli import main
from reportfill.format.formats import APPLICANTS
from reportfill.readers.toml_input import load_input
from reportfill.rules.tables import derive

DATA = Path(__file__).parent / "data"
LAST = DATA / "heyang-hrss-2022.toml"
INPUTS = [SEED, LAST]
needs_office = pytest.mark.skipif(
    office.find_soffice() is None and not os.environ.get("REPORTFILL_REQUIRE_OFFICE"),
    reason="LibreOffice (soffice) is not installed",
)


@pytest.fixture(scope="module")
def forms(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(input name, form) -> file, for the forms docx, html, mht and pdf."""
    folder = tmp_path_factory.mktemp("forms")
    found = {}
    for source in INPUTS:
        docx = folder / f"{source.stem}.docx"
        done = CliRunner().invoke(main, ["fill", str(source), "-o", str(docx)])
        assert done.exit_code == 0, done.output
        found[(source.stem, "docx")] = docx
        fmt, values, year, content = input_content(source)
        page = folder / f"{source.stem}.html"
        page.write_bytes(portal_page(fmt, values, year, quirks=Quirks(empty_first=True), **content))
        found[(source.stem, "html")] = page
        archive = folder / f"{source.stem}.mht"
        archive.write_bytes(word_archive(word_page(fmt, values, year, quirks=Quirks(repeated_label=False), **content)))
        found[(source.stem, "mht")] = archive
    if office.find_soffice() is not None:
        docx = [found[(s.stem, "docx")] for s in INPUTS]
        for source, pdf in zip(INPUTS, office.convert(docx, "pdf", folder / "pdf")):
            found[(source.stem, "pdf")] = pdf
    return found


FORMS = ("docx", "html", "mht", "pdf")
CASES = [(source, form) for source in INPUTS for form in FORMS]


def _form(forms, source: Path, form: str) -> Path:
    if (source.stem, form) not in forms:
        pytest.skip("LibreOffice (soffice) is not installed")
    return forms[(source.stem, form)]


@needs_office
@pytest.mark.parametrize("source, form", CASES, ids=[f"{s.stem}-{f}" for s, f in CASES])
def test_extract_of_every_form_gives_an_input_fill_accepts_with_the_sources_numbers(forms, source, form, tmp_path):
    published = _form(forms, source, form)
    out = tmp_path / "extracted.toml"
    done = CliRunner().invoke(main, ["extract", str(published), "-o", str(out)])
    assert done.exit_code == 0, done.output
    expected, extracted = load_input(source), load_input(out)
    assert derive(extracted.fmt, extracted.values) == derive(expected.fmt, expected.values)
    assert (extracted.agency, extracted.year) == (expected.agency, expected.year)
    if form != "pdf":  # a PDF keeps words, not always the paragraph breaks (see test_sources)
        assert extracted.prose == expected.prose and extracted.preface == expected.preface
    filled = CliRunner().invoke(main, ["fill", str(out), "-o", str(tmp_path / "again.docx")])
    assert filled.exit_code == 0, filled.output


@needs_office
@pytest.mark.parametrize("form", FORMS)
def test_new_from_every_form_carries_last_years_carry_over(forms, form, tmp_path):
    published = _form(forms, LAST, form)
    last = load_input(LAST)
    out = tmp_path / "2023.toml"
    done = CliRunner().invoke(main, ["new", last.agency, "2023", "--from", str(published), "-o", str(out)])
    assert done.exit_code == 0, done.output
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert data["applications"]["from_last_year"] == [last.values[("applications", "to_next_year", c)] for c in APPLICANTS]
    assert [i["title"] for i in data["overview"]["items"]] == [i.title for i in last.prose["overview"].items]
