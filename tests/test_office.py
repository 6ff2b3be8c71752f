"""Proven in a real office suite: the seed report through LibreOffice (PDF, page images,
DOCX re-saved by the editor), checked with poppler's pdftotext/pdffonts/pdfinfo.

These tests run LibreOffice for real. They are skipped only when LibreOffice is not
installed; CI sets REPORTFILL_REQUIRE_OFFICE=1 so that a missing LibreOffice fails
instead of skipping. poppler-utils must be installed wherever LibreOffice is.

LibreOffice starts three times per session: one PDF conversion of two reports (shared
by all PDF tests), one round-trip to DOCX, one ``reportfill preview``.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import struct
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from zipfile import ZipFile

import pytest
from click.testing import CliRunner
from lxml import etree

from reportfill import office
from reportfill.workflows import preview as preview_module
from reportfill.cli import main
from reportfill.errors import ReportfillError

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "inputs" / "wenxian-education-2021.toml"

needs_office = pytest.mark.skipif(
    office.find_soffice() is None and not os.environ.get("REPORTFILL_REQUIRE_OFFICE"),
    reason="LibreOffice (soffice) is not installed",
)
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell script as fake soffice")

# The page as GB/T 9704 sets it, in PDF points.
PT_PER_MM = 72 / 25.4
A4 = (210 * PT_PER_MM, 297 * PT_PER_MM)
LEFT_MARGIN = 28 * PT_PER_MM
RIGHT_MARGIN = 26 * PT_PER_MM
BOTTOM_MARGIN = 35 * PT_PER_MM
# Text in a table cell sits inside the cell margins, so inside the type area; allow for
# rounding and a border's width, not for a column sticking out.
TOLERANCE = 3.0

# The seed report: title, one page of prose, three tables, the closing sections.
TITLE = "温县教育局2021年政府信息公开工作年度报告"
EXPECTED_PAGES = 5  # update when the template's typography changes on purpose
HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
# Fonts LibreOffice embeds for the official names through reportfill/fonts.conf.
SERIF_OR_KAI = re.compile(r"LXGWWenKai|GBZenKai|KaitiM|NotoSerifCJK", re.I)
KAI = re.compile(r"LXGWWenKai|GBZenKai|KaitiM", re.I)
NUMBER = re.compile(r"\d+(?:\.\d+)?")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# ---------------------------------------------------------------------------- helpers


def run(*cmd: str | Path) -> str:
    tool = shutil.which(str(cmd[0]))
    assert tool, f"{cmd[0]} not found: install poppler-utils"
    done = subprocess.run([tool, *map(str, cmd[1:])], capture_output=True, check=True, timeout=120)
    return done.stdout.decode("utf-8")


@dataclass(frozen=True)
class Word:
    page: int
    page_width: float
    page_height: float
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    text: str


def words(pdf: Path) -> list[Word]:
    """Every word of the PDF with its box, from ``pdftotext -bbox``."""
    out: list[Word] = []
    page = 0
    width = height = 0.0
    for line in run("pdftotext", "-bbox", pdf, "-").splitlines():
        if m := re.search(r'<page width="([\d.]+)" height="([\d.]+)"', line):
            page += 1
            width, height = float(m[1]), float(m[2])
        elif m := re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line
        ):
            box = [float(v) for v in m.groups()[:4]]
            out.append(Word(page, width, height, *box, html.unescape(m[5])))
    return out


def find_word(all_words: list[Word], text: str) -> Word:
    hits = [w for w in all_words if w.text == text]
    assert hits, f"{text!r} is not a word of the PDF"
    return hits[0]


def between(all_words: list[Word], start: Word, end: Word) -> list[Word]:
    """The words after ``start`` and before ``end`` on the printed pages, without the
    page numbers in the bottom margin."""
    return [
        w
        for w in all_words
        if (start.page, start.y_min) < (w.page, w.y_min) < (end.page, end.y_min)
        and w.y_min < w.page_height - BOTTOM_MARGIN
    ]


def docx_table_numbers(docx: Path) -> list[list[str]]:
    """The numbers in each table of a DOCX, one entry per cell (a merged cell once)."""
    with ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    tables = []
    for tbl in root.iter(f"{W}tbl"):
        cells = ("".join(t.text or "" for t in tc.iter(f"{W}t")).strip() for tc in tbl.iter(f"{W}tc"))
        tables.append([c for c in cells if NUMBER.fullmatch(c)])
    return tables


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def seed_docx(tmp_path_factory) -> Path:
    """The seed report, filled by ``reportfill fill`` as a user would."""
    out = tmp_path_factory.mktemp("seed") / "wenxian-2021.docx"
    result = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    return out


# Eight more paragraphs of prose: table 三 then starts half-way down a page and breaks
# onto the next, so the rules for a table across pages are seen at work.
LONGER = "".join(f"补充说明第{i + 1}段：本局持续完善政府信息公开工作机制，落实公开属性源头认定，规范依申请公开办理流程。\n"
                 for i in range(8))


@pytest.fixture(scope="session")
def long_docx(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("long")
    source = folder / "long.toml"
    source.write_text(SEED.read_text(encoding="utf-8").replace('text = """\n', 'text = """\n' + LONGER, 1),
                      encoding="utf-8")
    out = folder / "long.docx"
    result = CliRunner().invoke(main, ["fill", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@dataclass(frozen=True)
class Converted:
    pdf: Path
    other_pdf: Path
    long_pdf: Path
    soffice_runs: int


@pytest.fixture(scope="session")
def converted(seed_docx, long_docx, tmp_path_factory) -> Converted:
    """The seed report, a second report of the same file name in another folder and the
    longer report, converted to PDF by one ``office.convert`` call, counting LibreOffice
    processes."""
    other = tmp_path_factory.mktemp("other") / seed_docx.name
    shutil.copyfile(seed_docx, other)
    real_popen = subprocess.Popen
    started: list = []

    def counting_popen(*args, **kwargs):
        started.append(args[0])
        return real_popen(*args, **kwargs)

    with mock.patch.object(office.subprocess, "Popen", counting_popen):
        pdfs = office.convert([seed_docx, other, long_docx], "pdf")
    return Converted(pdfs[0], pdfs[1], pdfs[2], len(started))


@pytest.fixture(scope="session")
def pdf(converted) -> Path:
    return converted.pdf


@pytest.fixture(scope="session")
def pdf_words(pdf) -> list[Word]:
    return words(pdf)


@pytest.fixture(scope="session")
def long_words(converted) -> list[Word]:
    return words(converted.long_pdf)


# ---------------------------------------------------------------------------- PDF export


@needs_office
def test_reports_convert_in_one_process_next_to_each_docx(seed_docx, converted):
    assert converted.soffice_runs == 1
    assert converted.pdf == seed_docx.with_suffix(".pdf")
    assert converted.other_pdf.parent != converted.pdf.parent
    assert converted.other_pdf.name == converted.pdf.name
    for p in (converted.pdf, converted.other_pdf):
        assert p.read_bytes()[:5] == b"%PDF-"


@needs_office
def test_pdf_is_a4_with_the_expected_page_count(pdf):
    info = run("pdfinfo", "-f", "1", "-l", "1000", pdf)
    assert int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1]) == EXPECTED_PAGES
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    assert len(sizes) == EXPECTED_PAGES
    for w, h in sizes:
        assert abs(float(w) - A4[0]) < 1 and abs(float(h) - A4[1]) < 1, (w, h)


@needs_office
def test_pdf_text_has_title_and_six_headings_in_order(pdf):
    text = re.sub(r"\s+", "", run("pdftotext", "-enc", "UTF-8", pdf, "-"))
    assert TITLE in text
    position = text.index(TITLE)
    for heading in HEADINGS:
        found = text.find(heading, position)
        assert found >= 0, f"{heading} missing, or out of order"
        position = found + len(heading)


@needs_office
def test_pdf_has_every_table_number(seed_docx, pdf_words):
    expected = Counter(n for table in docx_table_numbers(seed_docx) for n in table)
    # Tables 二, 三, 四 are all there: 10 + 175 + 15 numbers in the 2021 format.
    assert sum(expected.values()) == 200
    printed = Counter(w.text for w in pdf_words if NUMBER.fullmatch(w.text))
    missing = expected - printed
    assert not missing, f"numbers in the DOCX tables not printed in the PDF: {dict(missing)}"
    # The values specific to the seed, to be sure the filled report was converted.
    assert printed["28.1632"] >= 1 and printed["9"] >= 1


@needs_office
def test_pdf_embeds_serif_or_kai_cjk_fonts(pdf):
    lines = run("pdffonts", pdf).splitlines()[2:]
    fonts = {ln.split()[0].split("+", 1)[-1]: ln.split()[-5:-2] for ln in lines if ln.strip()}
    assert fonts, "no fonts in the PDF"
    assert all(emb == "yes" for emb, _sub, _uni in fonts.values()), fonts
    # 仿宋_GB2312 (body, tables) and 楷体_GB2312 come out as a kai font, 方正小标宋简体 and
    # 宋体 as Noto Serif CJK: not everything in the sans fallback.
    assert any(KAI.search(name) for name in fonts), f"no kai font for the body: {sorted(fonts)}"
    assert sum(bool(SERIF_OR_KAI.search(name)) for name in fonts) >= 2, sorted(fonts)


@needs_office
def test_tables_three_and_four_fit_the_type_area(pdf_words):
    start = find_word(pdf_words, HEADINGS[2])
    end = find_word(pdf_words, HEADINGS[4])
    region = between(pdf_words, start, end)
    assert sum(NUMBER.fullmatch(w.text) is not None for w in region) >= 175 + 15
    outside = [
        w
        for w in region
        if w.x_min < LEFT_MARGIN - TOLERANCE or w.x_max > w.page_width - RIGHT_MARGIN + TOLERANCE
    ]
    assert not outside, "text outside the 28 mm / 26 mm margins:\n" + "\n".join(
        f"page {w.page}: {w.text!r} x {w.x_min:.1f}–{w.x_max:.1f} "
        f"(type area {LEFT_MARGIN:.1f}–{w.page_width - RIGHT_MARGIN:.1f})"
        for w in outside
    )


@needs_office
def test_table_four_headers_do_not_wrap_one_character_per_line(pdf_words):
    region = between(pdf_words, find_word(pdf_words, HEADINGS[3]), find_word(pdf_words, HEADINGS[4]))
    labels = [w.text for w in region if not NUMBER.fullmatch(w.text)]
    assert "行政复议" in labels and "行政诉讼" in labels
    single = [t for t in labels if len(t) == 1 and "\u4e00" <= t <= "\u9fff"]
    assert not single, f"table 四 header cells wrap one character per line: {single}"


# ---------------------------------------------------------------------------- typesetting


def pages_holding(all_words: list[Word], text: str) -> set[int]:
    """The pages on which ``text`` is printed whole: its lines, read down the page, make
    it up (the lines of a table cell are separate words, other cells' words between)."""
    text = re.sub(r"\s+", "", text)
    pages = set()
    for page in sorted({w.page for w in all_words}):
        done = ""
        for w in sorted((w for w in all_words if w.page == page), key=lambda w: (w.y_min, w.x_min)):
            if w.text and text.startswith(done + w.text):
                done += w.text
                if done == text:
                    pages.add(page)
                    break
    return pages


def table_labels() -> list[str]:
    from reportfill.format.formats import FORMAT_2021

    return list(dict.fromkeys(t for table in FORMAT_2021.tables for t in table.labels))


@needs_office
def test_every_character_of_the_seed_prose_is_printed_in_order(pdf):
    """A full-width comma at the end of a full line used to vanish (LibreOffice hung it
    past the margin and then left it out)."""
    from test_fill import SEED_TEXT, seed_prose_lines

    if SEED_TEXT is None:
        pytest.skip("../shared/seed is not beside the repository")
    printed = re.sub(r"—\s*\d+\s*—", "", run("pdftotext", "-enc", "UTF-8", pdf, "-"))  # page numbers
    printed = re.sub(r"\s+", "", printed)
    position = 0
    for line in seed_prose_lines():
        expected = re.sub(r"\s+", "", line)
        found = printed.find(expected, position)
        assert found >= 0, f"not printed character for character, in order: {line}"
        position = found + len(expected)


@needs_office
@pytest.mark.parametrize("which", ["pdf_words", "long_words"])
def test_table_three_starts_on_a_page_with_its_header_and_first_rows(which, request):
    from reportfill.format.formats import FORMAT_2021

    all_words = request.getfixturevalue(which)
    table = FORMAT_2021.table["applications"]
    start = min(pages_holding(all_words, "申请人情况"))
    first_rows = ["received", "from_last_year", "disclosed", "partly_disclosed", "withheld.state_secret"]
    for row in first_rows:
        for label in table.row_labels(row):
            assert start in pages_holding(all_words, label), f"{label} is not on page {start} with the header"


@needs_office
@pytest.mark.parametrize("which", ["pdf_words", "long_words"])
def test_no_table_row_or_label_is_cut_by_a_page_break(which, request):
    all_words = request.getfixturevalue(which)
    cut = [label for label in table_labels() if not pages_holding(all_words, label)]
    assert not cut, f"labels not printed whole on one page: {cut}"


@needs_office
def test_a_table_across_pages_repeats_its_header_rows(long_words):
    from reportfill.format.formats import FORMAT_2021

    table = FORMAT_2021.table["applications"]
    body = {p for row in table.row_keys for label in table.row_labels(row) for p in pages_holding(long_words, label)}
    assert len(body) == 2, "the longer report's table 三 breaks onto a second page"
    for header in ("申请人情况", "法人或其他组织", "自然人", "社会公益组织", "总计"):
        assert body <= pages_holding(long_words, header), header


@needs_office
@pytest.mark.parametrize("which", ["pdf_words", "long_words"])
def test_no_table_word_leaves_a_single_character_on_a_line(which, request):
    """自然/人, 无法提/供: a label wrapped with one character left over. The vertical
    三、本年度办理结果 down the first column of table 三 is one character a line."""
    all_words = request.getfixturevalue(which)
    region = between(all_words, find_word(all_words, HEADINGS[1]), find_word(all_words, HEADINGS[4]))
    vertical_column = LEFT_MARGIN + 480 / 20 + TOLERANCE
    single = [(w.page, w.text) for w in region
              if len(w.text) == 1 and "\u4e00" <= w.text <= "\u9fff" and w.x_min > vertical_column]
    assert not single, f"table words wrapped with one character left on a line: {single}"


# Punctuation that may hang past the right margin at a line's end (Word's 允许标点溢出边界,
# LibreOffice's hanging punctuation): at most one full-width character of 三号 (16 pt).
HANGING = tuple("，。、；：？！”’）》")


@needs_office
def test_body_text_stays_inside_the_margins(pdf_words):
    body = [w for w in pdf_words if w.y_min < w.page_height - BOTTOM_MARGIN]
    outside = [
        w
        for w in body
        if w.x_min < LEFT_MARGIN - TOLERANCE
        or w.x_max > w.page_width - RIGHT_MARGIN + TOLERANCE + (16 if w.text.endswith(HANGING) else 0)
    ]
    assert not outside, [(w.page, w.text, round(w.x_min, 1), round(w.x_max, 1)) for w in outside]


# ---------------------------------------------------------------------------- round trip


@needs_office
def test_docx_resaved_by_libreoffice_still_passes_check(seed_docx, tmp_path_factory):
    from reportfill.workflows.check import check_document

    out_dir = tmp_path_factory.mktemp("roundtrip")
    (resaved,) = office.convert([seed_docx], "docx", out_dir)
    assert resaved == out_dir / seed_docx.name
    assert resaved.read_bytes() != seed_docx.read_bytes()  # really re-written by the editor
    result = check_document(resaved)
    errors = [f for f in result.findings if f.severity == "error"]
    assert result.ok and not errors, "\n".join(f.message for f in result.findings)
    # Every number of the tables survived the editor.
    assert Counter(sum(docx_table_numbers(resaved), [])) == Counter(sum(docx_table_numbers(seed_docx), []))


# ---------------------------------------------------------------------------- preview


@needs_office
def test_preview_command_writes_one_png_per_page(seed_docx, tmp_path):
    out = tmp_path / "pages"
    result = CliRunner().invoke(main, ["preview", str(seed_docx), "-o", str(out)])
    assert result.exit_code == 0, result.output
    pngs = sorted(out.glob("*.png"))
    assert [p.name for p in pngs] == [f"{seed_docx.stem}-{n}.png" for n in range(1, EXPECTED_PAGES + 1)]
    assert result.stdout.split() == [str(p) for p in pngs]
    for p in pngs:
        width, height = png_size(p)  # A4 at 110 dpi
        assert abs(width - 909) <= 2 and abs(height - 1286) <= 2, (p, width, height)


@needs_office
def test_preview_of_a_pdf_goes_next_to_it(pdf, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm not found: install poppler-utils")
    copy = tmp_path / "报告 2021.pdf"
    shutil.copyfile(pdf, copy)
    written = preview_module.preview(copy)
    assert written == [tmp_path / "报告 2021-pages" / f"报告 2021-{n}.png" for n in range(1, EXPECTED_PAGES + 1)]


# ---------------------------------------------------------------------------- fonts


FONT_MAP = {
    "方正小标宋简体": ("Noto Serif CJK SC", "Bold"),
    "宋体": ("Noto Serif CJK SC", None),
    "仿宋_GB2312": ("LXGW WenKai|AR PL KaitiM GB", None),
    "仿宋": ("LXGW WenKai|AR PL KaitiM GB", None),
    "楷体_GB2312": ("AR PL KaitiM GB|LXGW WenKai", None),
    "楷体": ("AR PL KaitiM GB|LXGW WenKai", None),
    "黑体": ("Noto Sans CJK SC", "Medium"),
}


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig is not used on this system")
@pytest.mark.parametrize("lang", ["", ":lang=zh-cn"])
@pytest.mark.parametrize("official", sorted(FONT_MAP))
def test_fontconfig_maps_official_fonts(official, lang, tmp_path):
    family, style = FONT_MAP[official]
    with office.fontconfig_file(tmp_path) as conf:
        assert conf is not None
        env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
        done = subprocess.run(
            # as LibreOffice asks: a family, a weight, the text's language
            ["fc-match", "-f", "%{family[0]}\t%{style[0]}", f"{official}:weight=regular{lang}"],
            capture_output=True, env=env, check=True, timeout=60,
        )
    got_family, got_style = done.stdout.decode("utf-8").split("\t")
    assert re.fullmatch(family, got_family), (official, got_family, got_style)
    assert "UKai" not in got_family  # draws some simplified characters as traditional
    if style:
        assert got_style == style


def test_fonts_conf_is_package_data():
    import importlib.resources

    conf = importlib.resources.files("reportfill") / "fonts.conf"
    text = conf.read_text(encoding="utf-8")
    etree.fromstring(text.encode("utf-8"))  # well-formed
    assert "<include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>" in text
    for official in FONT_MAP:
        assert f"<family>{official}</family>" in text or f"<string>{official}</string>" in text


@pytest.mark.skipif(sys.platform == "win32", reason="no fontconfig on Windows")
def test_fontconfig_file_includes_the_users_own_configuration(tmp_path, monkeypatch):
    own = tmp_path / "own-fonts.conf"
    own.write_text("<fontconfig/>", encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(own))
    with office.fontconfig_file(tmp_path) as conf:
        text = conf.read_text(encoding="utf-8")
    assert f"<include ignore_missing=\"yes\">{own.resolve()}</include>" in text
    assert "/etc/fonts/fonts.conf</include>" not in text


needs_fontconfig = pytest.mark.skipif(shutil.which("fc-match") is None or sys.platform == "win32",
                                      reason="fontconfig is not used on this system")
OFFICIAL = ("方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体", "宋体")


@needs_fontconfig
def test_the_note_names_every_official_font_drawn_with_a_stand_in(seed_docx):
    """On this machine none of the official fonts is installed (see official_font)."""
    note = office.substitution_note([seed_docx])
    assert note is not None and "\n" not in note
    for font in OFFICIAL:
        assert f"{font} → " in note
    assert office.substitution_note([SEED]) is None  # not a DOCX: nothing to tell


@needs_office
@needs_fontconfig
def test_preview_and_fill_pdf_say_so_in_one_line(seed_docx, tmp_path):
    shown = CliRunner().invoke(main, ["preview", str(seed_docx), "-o", str(tmp_path / "pages")])
    assert shown.exit_code == 0, shown.output
    assert shown.stderr == office.substitution_note([seed_docx]) + "\n"
    filled = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(tmp_path / "r.docx"), "--pdf"])
    assert filled.exit_code == 0, filled.output
    assert filled.stderr.count("\n") == 1 and "仿宋_GB2312 → " in filled.stderr


@pytest.fixture
def official_font(tmp_path, monkeypatch) -> str:
    """仿宋_GB2312 "installed": a free kai font renamed by fontconfig as it scans it, in a
    configuration of the user's own that includes the system's."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    stand_in = Path(run("fc-match", "-f", "%{file}", "AR PL KaitiM GB"))
    assert "gkai" in stand_in.name.lower(), stand_in
    installed = fonts / "fangsong-gb2312.ttf"
    installed.symlink_to(stand_in)
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
  <cachedir>{tmp_path / "cache"}</cachedir>
  <match target="scan">
    <test name="file"><string>{installed}</string></test>
    <edit name="family" mode="assign" binding="same"><string>仿宋_GB2312</string></edit>
  </match>
</fontconfig>
""", encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    return "仿宋_GB2312"


@needs_office
@needs_fontconfig
def test_an_installed_official_font_is_used_and_not_reported(official_font, seed_docx, tmp_path):
    replaced = dict(office.substitutes(OFFICIAL))
    assert official_font not in replaced and "楷体_GB2312" in replaced
    (pdf,) = office.convert([seed_docx], "pdf", tmp_path)
    fonts = run("pdffonts", pdf)
    # The body's 仿宋_GB2312 is drawn with the installed face, not with its stand-in.
    assert "LXGWWenKai" not in fonts and "GBZenKai" in fonts


# ---------------------------------------------------------------------------- failures


@pytest.fixture
def no_soffice(monkeypatch):
    monkeypatch.delenv(office.SOFFICE_ENV, raising=False)
    monkeypatch.setattr(office.shutil, "which", lambda name, *a, **k: None)
    monkeypatch.setattr(office, "_candidate_paths", lambda: [])


def test_missing_libreoffice_is_a_clear_chinese_message(no_soffice, tmp_path):
    report = tmp_path / "r.docx"
    report.write_bytes(b"PK")
    with pytest.raises(office.OfficeNotFound) as caught:
        office.convert([report], "pdf")
    message = str(caught.value)
    assert "未找到 LibreOffice" in message
    assert "sudo apt install libreoffice-writer-nogui" in message
    assert "libreoffice.org" in message
    assert not report.with_suffix(".pdf").exists()


def test_preview_without_libreoffice_exits_2(no_soffice, monkeypatch, tmp_path):
    monkeypatch.setattr(preview_module, "find_pdftoppm", lambda: Path("/usr/bin/pdftoppm"))
    report = tmp_path / "r.docx"
    report.write_bytes(b"PK")
    result = CliRunner().invoke(main, ["preview", str(report)])
    assert result.exit_code == 2
    assert "sudo apt install libreoffice-writer-nogui" in result.output


def test_preview_without_pdftoppm_exits_2(monkeypatch, tmp_path):
    monkeypatch.setattr(preview_module, "find_pdftoppm", lambda: None)
    report = tmp_path / "r.docx"
    report.write_bytes(b"PK")
    result = CliRunner().invoke(main, ["preview", str(report)])
    assert result.exit_code == 2
    assert "poppler-utils" in result.output


def test_preview_of_a_missing_file_exits_2(tmp_path):
    result = CliRunner().invoke(main, ["preview", str(tmp_path / "none.docx")])
    assert result.exit_code == 2
    assert "文件不存在" in result.output


def test_soffice_override_that_does_not_exist(monkeypatch, tmp_path):
    monkeypatch.setenv(office.SOFFICE_ENV, str(tmp_path / "no-soffice"))
    report = tmp_path / "r.docx"
    report.write_bytes(b"PK")
    with pytest.raises(office.OfficeNotFound, match=office.SOFFICE_ENV):
        office.convert([report])


def test_convert_refuses_to_overwrite_its_input(tmp_path):
    report = tmp_path / "r.docx"
    report.write_bytes(b"PK")
    with pytest.raises(ReportfillError, match="覆盖"):
        office.convert([report], "docx")
    assert report.read_bytes() == b"PK"


def test_convert_of_nothing_starts_nothing():
    assert office.convert([]) == []


def fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-soffice"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(0o755)
    return script


@posix_only
def test_a_hanging_libreoffice_is_killed_after_the_timeout(monkeypatch, tmp_path):
    monkeypatch.setenv(office.SOFFICE_ENV, str(fake_soffice(tmp_path, "sleep 60")))
    report = tmp_path / "r.docx"
    report.write_bytes(b"PK")
    started = time.monotonic()
    with pytest.raises(ReportfillError, match="超过"):
        office.convert([report], timeout=1)
    assert time.monotonic() - started < 20


@posix_only
def test_a_file_libreoffice_cannot_convert_is_named(monkeypatch, tmp_path):
    script = fake_soffice(tmp_path, "echo 'Error: source file could not be loaded' >&2")
    monkeypatch.setenv(office.SOFFICE_ENV, str(script))
    report = tmp_path / "broken.docx"
    report.write_bytes(b"PK")
    with pytest.raises(ReportfillError) as caught:
        office.convert([report])
    assert str(report) in str(caught.value)
    assert "source file could not be loaded" in str(caught.value)


@posix_only
def test_soffice_gets_a_private_profile_and_the_font_configuration(monkeypatch, tmp_path):
    log = tmp_path / "log"
    # Record the arguments and FONTCONFIG_FILE, then "convert" by writing an empty PDF.
    body = (
        f'printf "%s\\n" "$@" > "{log}"\n'
        f'echo "FONTCONFIG_FILE=$FONTCONFIG_FILE" >> "{log}"\n'
        'while [ $# -gt 0 ]; do case "$1" in --outdir) shift; out="$1";; *.docx) f="$1";; esac; shift; done\n'
        'b=$(basename "$f" .docx); echo "%PDF-1.4" > "$out/$b.pdf"'
    )
    monkeypatch.setenv(office.SOFFICE_ENV, str(fake_soffice(tmp_path, body)))
    report = tmp_path / "r.docx"
    report.write_bytes(b"PK")
    (written,) = office.convert([report])
    assert written == tmp_path / "r.pdf"
    args = log.read_text(encoding="utf-8").splitlines()
    assert "--headless" in args
    assert any(a.startswith("-env:UserInstallation=file:///") for a in args)
    assert args[args.index("--convert-to") + 1].startswith("pdf")
    fc = [a for a in args if a.startswith("FONTCONFIG_FILE=")][0].split("=", 1)[1]
    if office._system_fonts_conf() is not None:  # a system that uses fontconfig
        assert Path(fc).name == "fonts.conf" and "reportfill" in Path(fc).read_text(encoding="utf-8")


@posix_only
def test_on_windows_a_hanging_libreoffice_is_ended_with_its_whole_tree(monkeypatch, tmp_path):
    """soffice.exe only launches soffice.bin: ending it alone leaves the conversion
    running. taskkill cannot run here, so a stand-in on PATH records how it is called and
    ends the tree as taskkill /T would; the process tree is real."""
    log = tmp_path / "taskkill.log"
    stand_in = tmp_path / "bin" / "taskkill"
    stand_in.parent.mkdir()
    stand_in.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\nkill -9 "-$4"\n', encoding="utf-8")
    stand_in.chmod(0o755)
    monkeypatch.setenv("PATH", f"{stand_in.parent}{os.pathsep}{os.environ['PATH']}")
    started = tmp_path / "child"
    launcher = subprocess.Popen(["sh", "-c", f'sleep 60 & echo $! > "{started}"; wait'], start_new_session=True)
    while not started.exists() or not started.read_text():
        time.sleep(0.05)
    child = int(started.read_text())
    monkeypatch.setattr(sys, "platform", "win32")
    office._kill(launcher)
    monkeypatch.undo()
    assert launcher.wait(timeout=10) != 0
    assert log.read_text(encoding="utf-8").split() == ["/F", "/T", "/PID", str(launcher.pid)]
    waited = 0  # a signal is delivered when the kernel next runs the process: wait for it, or give up
    while not _ended(child) and waited < 200:
        time.sleep(0.05)
        waited += 1
    assert _ended(child)  # the work the launcher started is ended too


def _ended(pid: int) -> bool:
    """Whether ``pid`` runs no more: gone, or a zombie no one has reaped yet."""
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc/self/stat").exists():
        return not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False
