"""What a filled DOCX says about itself and how it asks for its fonts: reportfill as the
application, the report's title and agency, no invented dates, Chinese (not Japanese)
fallback fonts, quotes in the Chinese font, titles broken after the agency name.

Read with zipfile and lxml, not with reportfill's own reader."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import SEED
from reportfill import __version__
from reportfill.cli import main
from reportfill.format.formats import FORMAT_2021
from reportfill.readers.toml_input import load_input
from reportfill.writers.render import default_template, render

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}
SEED_TEXT = SEED.read_text(encoding="utf-8")


def part(data: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


@pytest.fixture(scope="module")
def seed() -> bytes:
    return render(load_input(SEED))


@pytest.fixture(scope="module")
def template() -> bytes:
    return default_template(FORMAT_2021).read_bytes()


def attr(el, name: str) -> str | None:
    return el.get(f"{{{W}}}{name}")


# ------------------------------------------------------------------ app.xml and core.xml

@pytest.mark.parametrize("which", ["seed", "template"])
def test_app_properties_name_reportfill_and_count_nothing(which, request):
    app = part(request.getfixturevalue(which), "docProps/app.xml")
    assert app.findtext("ep:Application", namespaces=NS) == f"reportfill/{__version__}"
    children = [etree.QName(c).localname for c in app]
    assert children == ["Application"], "no page, word or line counts, no other program's name"


def test_core_properties_give_title_and_agency_and_no_date(seed):
    core = part(seed, "docProps/core.xml")
    assert core.findtext("dc:title", namespaces=NS) == "温县教育局2021年政府信息公开工作年度报告"
    assert core.findtext("dc:creator", namespaces=NS) == "温县教育局"
    assert core.find("dcterms:created", NS) is None and core.find("dcterms:modified", NS) is None
    assert b"python-docx" not in etree.tostring(core)


def test_source_date_epoch_sets_both_dates_and_fills_stay_identical(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first, second = render(load_input(SEED)), render(load_input(SEED))
    assert first == second
    core = part(first, "docProps/core.xml")
    assert core.findtext("dcterms:created", namespaces=NS) == "2023-11-14T22:13:20Z"
    assert core.findtext("dcterms:modified", namespaces=NS) == "2023-11-14T22:13:20Z"


def test_a_malformed_source_date_epoch_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    out = tmp_path / "r.docx"
    result = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(out)])
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH" in result.stderr and not out.exists()


# ------------------------------------------------------------------ languages and fonts

@pytest.mark.parametrize("which", ["seed", "template"])
def test_east_asian_language_is_simplified_chinese(which, request):
    data = request.getfixturevalue(which)
    styles = part(data, "word/styles.xml")
    assert attr(styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS), "eastAsia") == "zh-CN"
    theme_lang = part(data, "word/settings.xml").find("w:themeFontLang", NS)
    assert attr(theme_lang, "eastAsia") == "zh-CN"


def test_font_table_lists_the_fonts_of_the_styles_with_chinese_fallbacks(template):
    styles = part(template, "word/styles.xml")
    used = {attr(f, a) for f in styles.iter(f"{{{W}}}rFonts") for a in ("ascii", "hAnsi", "eastAsia", "cs")} - {None}
    fonts = {attr(f, "name"): f for f in part(template, "word/fontTable.xml").findall("w:font", NS)}
    assert set(fonts) == used
    alternates = {name: attr(f.find("w:altName", NS), "val") for name, f in fonts.items() if f.find("w:altName", NS) is not None}
    assert {k: alternates[k] for k in ("仿宋_GB2312", "楷体_GB2312", "方正小标宋简体")} == {
        "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体"}
    assert "黑体" in fonts
    for name, font in fonts.items():
        if name != "Times New Roman":
            assert attr(font.find("w:charset", NS), "val") == "86", f"{name}: GB2312, not Shift-JIS"
    assert not any("ＭＳ" in name or "明朝" in name or "ゴシック" in name for name in fonts)


def effective_east_asian_font(styles, style_id: str) -> str | None:
    """The East Asian font a paragraph style gives, following basedOn."""
    by_id = {attr(s, "styleId"): s for s in styles.findall("w:style", NS)}
    while style_id:
        style = by_id[style_id]
        fonts = style.find("w:rPr/w:rFonts", NS)
        if fonts is not None and attr(fonts, "eastAsia"):
            return attr(fonts, "eastAsia")
        based = style.find("w:basedOn", NS)
        style_id = attr(based, "val") if based is not None else None
    return None


def test_quotes_are_set_in_the_chinese_font(seed):
    """Word and WPS set “ ” in the Latin font unless the run says its ambiguous
    characters are East Asian: every run holding a quote does, in a paragraph whose
    East Asian font is one of the Chinese fonts."""
    body = part(seed, "word/document.xml")
    styles = part(seed, "word/styles.xml")
    chinese = {"仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体", "宋体"}
    quoted = [r for r in body.iter(f"{{{W}}}r") if any(q in "".join(r.itertext()) for q in "“”")]
    # the seed's “古温教育” “温县教育局” “市政府在线” and table 三's “三安全一稳定”
    assert sum("".join(r.itertext()).count("“") for r in quoted) == 4
    for run in quoted:
        assert attr(run.find("w:rPr/w:rFonts", NS), "hint") == "eastAsia", "".join(run.itertext())
        paragraph = run.getparent()
        style = paragraph.find("w:pPr/w:pStyle", NS)
        assert effective_east_asian_font(styles, attr(style, "val") if style is not None else "Normal") in chinese


# ------------------------------------------------------------------ titles

@pytest.mark.parametrize("agency, title, printed", [
    ("温县教育局", None, "温县教育局\n2021年政府信息公开工作年度报告"),
    ("温县", None, "温县2021年政府信息公开工作年度报告"),  # fits on one line
    ("温县教育局", "焦作市温县教育局2021年政府信息公开工作年度报告", "焦作市温县教育局\n2021年政府信息公开工作年度报告"),
    ("温县教育局", "温县\\n教育局2021年政府信息公开工作年度报告", "温县\n教育局2021年政府信息公开工作年度报告"),
])
def test_titles_break_after_the_agency_name_or_where_the_user_broke_them(agency, title, printed, write_input):
    text = SEED_TEXT.replace('agency = "温县教育局"', f'agency = "{agency}"')
    if title:
        text = text.replace("year = 2021", f'year = 2021\ntitle = "{title}"')
    document = docx.Document(io.BytesIO(render(load_input(write_input(text)))))
    assert document.paragraphs[0].text == printed
    assert document.core_properties.title == printed.replace("\n", "")
