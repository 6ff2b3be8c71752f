"""Every finding reportfill makes is of a rule in the catalogue, with the catalogue's
severity: over the fixture corpora of the other tests (the scenarios every source form
is checked with, a wrong total, the doubtful inputs fill warns about, last year's report of the same
agency, of another and of another year, a folder without last year's partner, a copied
report, an aggregate that does not add up), every rule of the catalogue is met, and each
finding's severity is its rule's -- but for R9's title year, the exception R9's title
names."""

from __future__ import annotations

from dataclasses import replace

import pytest

from docx_fixtures import build_report, reconciling_values
from reportfill.findings import Finding
from reportfill.format.formats import FORMAT_2021
from reportfill.readers.toml_input import load_input
from reportfill.rules.aggregate import check_sums, summed_cells
from reportfill.rules.catalogue import RULES
from reportfill.rules.duplication import check_reuse, measure
from reportfill.rules.tables import derive
from reportfill.workflows.check import check_document
from reportfill.workflows.fill import prepare
from reportfill.workflows.pairing import pair
from test_bad_input import WARNINGS
from test_check import NEXT_YEAR_PROSE, next_year_values
from test_duplication import COPIED, LAST
from test_sources import scenarios


def _is_title_year(finding: Finding) -> bool:
    return finding.rule == "R9" and finding.row == "标题"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Finding]:
    folder = tmp_path_factory.mktemp("corpus")
    found: list[Finding] = []
    for fmt, values, year, content in scenarios().values():
        found += check_document(build_report(fmt, values, year, **content)).findings
    values = reconciling_values(FORMAT_2021, seed=1)
    wrong_total = {("applications", "total", "natural_person"): str(values[("applications", "total", "natural_person")] - 6)}
    found += check_document(build_report(FORMAT_2021, values, 2021, texts=wrong_total)).findings
    draft = {"problems": ["（一）存在问题", "【请撰写】本级政府信息公开工作存在的主要问题。"]}
    found += check_document(build_report(FORMAT_2021, values, 2021, prose=draft)).findings
    for text, *_ in WARNINGS.values():
        path = folder / f"{len(found)}.toml"
        path.write_text(text, encoding="utf-8")
        found += prepare(path)[2]

    last = reconciling_values(FORMAT_2021, seed=21)
    previous = folder / "2021.docx"
    previous.write_bytes(build_report(FORMAT_2021, last, 2021))
    broken = {k: v for k, v in next_year_values(last, seed=22).items() if k not in FORMAT_2021.derived}
    broken[("applications", "from_last_year", "research")] += 1
    broken[("applications", "received", "research")] -= 1
    broken[("proactive", "regulations", "in_force")] += 2
    now = derive(FORMAT_2021, broken)
    found += check_document(build_report(FORMAT_2021, now, 2022, prose=NEXT_YEAR_PROSE), previous=previous).findings
    found += check_document(build_report(FORMAT_2021, now, 2023), previous=previous).findings
    other = build_report(FORMAT_2021, now, 2022, title="另一局2022年政府信息公开工作年度报告", prose=NEXT_YEAR_PROSE)
    found += check_document(other, previous=previous).findings
    alone = check_document(build_report(FORMAT_2021, now, 2022, prose=NEXT_YEAR_PROSE))
    found += pair([alone], []).results[0].findings

    found += check_reuse(measure(load_input(COPIED), load_input(LAST)))

    part = derive(FORMAT_2021, reconciling_values(FORMAT_2021, seed=5))
    summed = {key: 2 * part[key] for key in summed_cells(FORMAT_2021)}
    published = derive(FORMAT_2021, {**summed, ("proactive", "licenses", "decisions"): summed[
        ("proactive", "licenses", "decisions")] + 1})
    found += check_sums(FORMAT_2021, published, summed, 2)
    return found


def test_every_finding_is_of_a_catalogue_rule_with_its_severity(corpus):
    for finding in corpus:
        assert finding.rule in RULES, finding
        if not _is_title_year(finding):
            assert finding.severity == RULES[finding.rule].severity, finding
    assert [f.severity for f in corpus if _is_title_year(f)] == ["warning"]


def test_the_corpus_meets_every_rule_of_the_catalogue(corpus):
    """So that the test above holds for every rule: a rule no corpus produces would be
    one this test cannot see, or one no code applies."""
    assert set(RULES) - {f.rule for f in corpus} == set()


def test_the_cross_year_check_not_made_is_p1_not_r6(corpus):
    """A summary filtered on R6 lists broken carry-overs only: that the check was not
    made (another agency, another year, no partner) is P1."""
    assert {f.severity for f in corpus if f.rule == "R6"} == {"error"}
    p1 = [f for f in corpus if f.rule == "P1"]
    assert len(p1) == 3 and all("没有进行跨年核对" in f.message for f in p1)
    assert replace(p1[0], rule="R6") not in corpus
