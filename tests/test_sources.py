"""One report, every form it is published in: its DOCX, a portal's HTML page, the .htm Word
saves, the same pages saved as one .mht file (by Word, and by a real Chromium), a PDF
LibreOffice prints from the DOCX, and .doc / .wps / .rtf / .odt files LibreOffice writes.
``check`` gives the same verdict and the same findings for each; what may differ is only
what a source does not hold (the page's publication date).

The DOCX files are built with python-docx and filled by ``reportfill fill``; the pages
by ``html_fixtures`` with the quirks of real portals and of Word's "save as web page";
every PDF and converted file by a real LibreOffice, all PDFs in one process."""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
from email import encoders
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from lxml import etree

from chromium import chromium, needs_chromium
from conftest import SEED
from docx_fixtures import PARAGRAPH_BREAK, Package, build_report, q, reconciling_values
from html_fixtures import VERTICAL, Quirks, input_content, portal_page, word_archive, word_page
from reportfill import office
from reportfill.cli import main
from reportfill.errors import ReportfillError
from reportfill.format.formats import FORMAT_2019, FORMAT_2021
from reportfill.readers import read
from reportfill.workflows.check import check_document

needs_office = pytest.mark.skipif(
    office.find_soffice() is None and not os.environ.get("REPORTFILL_REQUIRE_OFFICE"),
    reason="LibreOffice (soffice) is not installed",
)

INTRO = {"proactive": ["本年度主动公开政府信息情况如下表："], "applications": ["（单位：件）"],
         "appeals": ["本年度政府信息公开行政复议、行政诉讼情况统计如下。"]}
TYPO = "四、政府信息公开行政法复议、行政诉讼情况"
REWORDED = "四、政府信息公开行政复议与行政诉讼情况"


def _headings(fmt, heading: str):
    return [heading if s.key == "appeals" else s.heading for s in fmt.sections]


def scenarios():
    """name -> (format, values, year, content as build_report / portal_page take it)."""
    fmt = FORMAT_2021
    clean = reconciling_values(fmt, seed=2021)
    wrong = dict(clean)
    out = {
        "clean": (fmt, clean, 2021, {"intro": INTRO}),
        "errors": (fmt, wrong, 2021, {
            "texts": {("applications", "disclosed", "natural_person"): "/",
                      ("applications", "withheld_secret", "total"): "",
                      ("appeals", "reconsideration", "total"): "999",
                      ("proactive", "fees", "amount"): "—"},
            "headings": _headings(fmt, TYPO), "by_heading": {TYPO: "appeals"},
            "title": "某某局2020年政府信息公开工作年度报告",
            "prose": {"overview": ["本年度共收到政府信息公开申请5件，均已按期答复。"]},
            "intro": INTRO}),
        "reworded": (fmt, clean, 2021, {"headings": _headings(fmt, REWORDED), "by_heading": {REWORDED: "appeals"}}),
        "2019": (FORMAT_2019, reconciling_values(FORMAT_2019, seed=2020), 2020, {}),
    }
    return out


def vertical_docx(fmt, values, year, **content) -> bytes:
    """The DOCX with 三、本年度办理结果 written as Word prints a vertical label: one
    character per paragraph in a cell with vertical text direction."""
    texts = content.pop("texts", None)
    package = Package(build_report(fmt, values, year, texts=texts, labels={VERTICAL: PARAGRAPH_BREAK.join(VERTICAL)},
                                   **content))
    for tc in package.tables()[1].iter(q("tc")):
        if tc.findtext(f".//{q('t')}") == "三":
            etree.SubElement(tc.find(q("tcPr")), q("textDirection")).set(q("val"), "tbRlV")
    return package.to_bytes()


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """scenario -> source kind -> file. All PDFs come from one LibreOffice process."""
    folder = tmp_path_factory.mktemp("sources")
    found: dict[str, dict[str, Path]] = {}
    for name, (fmt, values, year, content) in scenarios().items():
        paths = found[name] = {}
        paths["docx"] = folder / f"{name}.docx"
        paths["docx"].write_bytes(vertical_docx(fmt, values, year, **content) if fmt is FORMAT_2021
                                  else build_report(fmt, values, year, **content))
        paths["portal"] = folder / f"{name}-portal.html"
        paths["portal"].write_bytes(portal_page(fmt, values, year, **content))
        paths["word"] = folder / f"{name}-word.htm"
        paths["word"].write_bytes(word_page(fmt, values, year, quirks=Quirks(repeated_label=False), **content))
        paths["archive"] = folder / f"{name}-word.mht"
        paths["archive"].write_bytes(word_archive(paths["word"].read_bytes()))
    fmt, values, year, content = input_content(SEED)
    seed = found["seed"] = {"docx": folder / "seed.docx"}
    done = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(seed["docx"])])
    assert done.exit_code == 0, done.output
    seed["portal"] = folder / "seed-portal.html"
    seed["portal"].write_bytes(portal_page(fmt, values, year, quirks=Quirks(empty_first=True), **content))
    if office.find_soffice() is not None:
        pdfs = office.convert([paths["docx"] for paths in found.values()], "pdf", folder / "pdf")
        for paths, pdf in zip(found.values(), pdfs):
            paths["pdf"] = pdf
    return found


def outcome(result):
    """What check says about a report, whatever it was read from."""
    report = result.report
    return {"status": result.status, "findings": [f.as_dict() for f in result.findings], "format": report.fmt.id,
            "year": report.year, "agency": report.agency, "title": report.title, "values": report.values}


def prose_of(result):
    report = result.report
    return report.preface, report.prose


CASES = [(name, kind) for name in (*scenarios(), "seed") for kind in ("portal", "word", "archive", "pdf")
         if not (name == "seed" and kind in ("word", "archive"))]
KINDS = {"portal": "html", "word": "html", "archive": "mht", "pdf": "pdf"}


@pytest.mark.parametrize("name, kind", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_every_source_of_a_report_gets_the_same_findings(sources, name, kind):
    if kind == "pdf" and "pdf" not in sources[name]:
        pytest.skip("LibreOffice (soffice) is not installed")
    docx = check_document(sources[name]["docx"])
    other = check_document(sources[name][kind])
    assert other.kind == KINDS[kind]
    assert outcome(other) == outcome(docx)
    if kind == "pdf":
        # LibreOffice leaves out a comma it would hang in the margin: compare the words.
        words = lambda parts: re.sub(r"\W", "", repr(parts))  # noqa: E731
        assert words(prose_of(other)) == words(prose_of(docx))
    else:
        assert prose_of(other) == prose_of(docx)


@pytest.fixture(scope="module")
def saved_by_chromium(sources, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(scenario, page) -> the portal page or Word's .htm as a real Chromium saves it as
    one file ("网页，单个文件"; DevTools' Page.captureSnapshot runs the same writer)."""
    folder = tmp_path_factory.mktemp("saved")
    found = {}
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as browser:
        for name, kind in SAVED:
            browser.get(sources[name][kind].as_uri())
            snapshot = browser.execute_cdp_cmd("Page.captureSnapshot", {"format": "mhtml"})["data"]
            found[(name, kind)] = folder / f"{name}-{kind}.mhtml"
            found[(name, kind)].write_bytes(snapshot.encode("utf-8"))
    return found


SAVED = [(name, kind) for name, kind in CASES if kind in ("portal", "word")]


@needs_chromium
@pytest.mark.parametrize("name, kind", SAVED, ids=[f"{n}-{k}" for n, k in SAVED])
def test_a_page_a_browser_saved_as_one_file_gets_the_same_findings(sources, saved_by_chromium, name, kind):
    saved = saved_by_chromium[(name, kind)]
    assert saved.read_bytes().startswith(b"From: <Saved by Blink>")
    docx, archive = check_document(sources[name]["docx"]), check_document(saved)
    assert archive.kind == "mht"
    assert outcome(archive) == outcome(docx) and prose_of(archive) == prose_of(docx)
    assert archive.published == check_document(sources[name][kind]).published


def _archive(*parts: MIMEBase, start: str | None = None) -> bytes:
    """A web archive of ``parts``, in the order given, as the stdlib writes MIME."""
    archive = MIMEMultipart("related", **({"start": start} if start else {}))
    archive["MIME-Version"] = "1.0"
    for part in parts:
        archive.attach(part)
    return archive.as_bytes()


def _archive_of(*parts: bytes) -> bytes:
    """A web archive of parts given as bytes (headers and body), for what the stdlib will not write."""
    head = b'MIME-Version: 1.0\nContent-Type: multipart/related; boundary="b"\n\n'
    return head + b"".join(b"--b\n" + part + b"\n" for part in parts) + b"--b--\n"


def _page_part(data: bytes, content_id: str = "", charset: str | None = "gb2312") -> MIMEBase:
    part = MIMEBase("text", "html", **({"charset": charset} if charset else {}))
    part.set_payload(data)
    encoders.encode_base64(part)
    if content_id:
        part["Content-ID"] = content_id
    return part


@pytest.fixture(scope="module")
def expected(sources):
    """What check says of the clean report's DOCX, which every archive of it must match."""
    return outcome(check_document(sources["clean"]["docx"]))


def test_an_archive_is_read_from_the_page_the_standard_makes_its_root(sources, expected):
    """RFC 2557: the part ``start`` names, else the first; a picture first is passed over;
    a multipart/alternative root gives its last page (RFC 2046)."""
    report = sources["clean"]["portal"].read_bytes()
    notice = "<html><body><p>本站已改版，请访问新网址。</p></body></html>".encode("gb18030")
    picture = MIMEImage(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "gif")
    named = _archive(_page_part(notice, "<notice>"), _page_part(report, "<report>"), start="<report>")
    assert outcome(check_document(named, name="named.mht")) == expected
    assert outcome(check_document(_archive(picture, _page_part(report)), name="picture.mht")) == expected
    with pytest.raises(ReportfillError, match="找不到年度报告的统计表"):  # without start, the first part is the root
        check_document(_archive(_page_part(notice), _page_part(report)), name="first.mht")
    alternative = MIMEMultipart("alternative")
    alternative.attach(_page_part(notice))
    alternative.attach(_page_part(report))
    assert outcome(check_document(_archive(alternative, picture), name="alternative.mht")) == expected


def test_the_pages_own_charset_outranks_the_one_its_part_declares(sources, expected):
    """Archive writers keep the page's bytes, and a part's charset can be a guess: the
    page's <meta> is read first. A page that declares none was served with its charset in
    an HTTP header, which the part then carries. (Chromium, the real writer in these
    tests, declares none on the part; these archives are the stdlib's.)"""
    page = sources["clean"]["portal"].read_bytes()
    assert b"charset=gb2312" in page
    for guess in ("us-ascii", "iso-8859-1", "utf-16", "base64", "rot13", "no-such-charset"):
        archive = check_document(_archive(_page_part(page, charset=guess)), name=f"{guess}.mht")
        assert outcome(archive) == expected, guess
    undeclared = page.decode("gb18030").replace("charset=gb2312", "").encode("utf-16-le")
    archive = check_document(_archive(_page_part(undeclared, charset="utf-16le")), name="carried.mht")
    assert outcome(archive) == expected
    with pytest.raises(ReportfillError, match="找不到年度报告的统计表"):  # read without the part's word: noise
        check_document(_archive(_page_part(undeclared, charset=None)), name="unsaid.mht")


def test_what_real_writers_put_around_an_archive_is_read(sources, expected):
    """A BOM or blank lines before the headers (server templates, "导出 Word" scripts), a
    header block longer than the bytes sniffed, a folded Content-Type: each is told an
    archive by its content, whatever its name (here .eml and .doc, as such files come)."""
    from reportfill.readers import mhtml

    archive = sources["clean"]["archive"].read_bytes()
    long = b"Snapshot-Content-Location: http://www.example.gov.cn/" + b"a" * 5000 + b".html\r\n"
    folded = archive.replace(b"Content-Type: multipart/related; boundary=", b"Content-Type:\r\n multipart/related;\r\n\tboundary=", 1)
    assert folded != archive
    for name, data in (("bom", b"\xef\xbb\xbf\r\n\r\n" + archive), ("long", long + archive), ("folded", folded)):
        assert mhtml.sniff(data[:4096]), name
        for suffix in (".eml", ".doc"):
            assert outcome(check_document(data, name=name + suffix)) == expected, name + suffix


def test_how_an_archive_names_and_delimits_its_parts_is_read(sources, expected):
    """A raw 8-bit Content-ID that ``start`` names, a boundary in RFC 2231's encoding, LF
    line ends, a file cut off in a part after the whole page."""
    report = sources["clean"]["portal"].read_bytes()
    notice = _page_part("<html><body><p>本站已改版。</p></body></html>".encode("gb18030")).as_bytes()
    page = _page_part(report).as_bytes()
    raw_id = (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"; start="<\xb1\xa8@gov>"\r\n\r\n'
              b"--b\r\n" + notice + b"\r\n--b\r\nContent-ID: <\xb1\xa8@gov>\r\n" + page + b"\r\n--b--\r\n")
    assert outcome(check_document(raw_id, name="raw-id.mht")) == expected
    head = b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary*=utf-8''%E4%B8%AD\r\n\r\n"
    encoded = head + "--中\r\n--中\r\n".encode() + page + "\r\n--中--\r\n".encode()
    assert outcome(check_document(encoded, name="encoded.mht")) == expected
    split = head.replace(b"boundary*=utf-8''%E4%B8%AD", b"boundary*0*=utf-8''%E4; boundary*1*=%B8%AD")
    assert outcome(check_document(split + encoded[len(head):], name="continued.mht")) == expected
    body = page.split(b"\n\n", 1)[1]
    unpadded = page.replace(body, b"<>" + body.rstrip(b"=\n") + b"\n")  # a stray byte, no padding
    assert unpadded != page and outcome(check_document(_archive_of(unpadded), name="unpadded.mht")) == expected
    junk = _archive_of(page).replace(b"\n\n", b"\nX-Generator Portal CMS 2.0\n\n", 1)
    assert outcome(check_document(junk, name="junk.mht")) == expected
    word = b"Content-Transfer-Encoding: base64 (portal)"
    labelled = _archive_of(page.replace(b"Content-Transfer-Encoding: base64", word))
    assert word in labelled and outcome(check_document(labelled, name="labelled.mht")) == expected
    archive = sources["clean"]["archive"].read_bytes()
    assert outcome(check_document(archive.replace(b"\r\n", b"\n"), name="lf.mht")) == expected
    part_cut = archive[:archive.index(b"filelist.xml\r\n") + 40]
    assert outcome(check_document(part_cut, name="part-cut.mht")) == expected


def test_a_page_reads_whatever_odd_charset_or_characters_it_declares(sources, expected):
    """Word's <meta charset=unicode>, or utf-16, over GBK or UTF-8 bytes (a <meta> read as
    ASCII is in no UTF-16: it says nothing), a NUL in a part's charset, a wrong charset on
    the part of a page that declares none, a control character -- raw or as a character
    reference -- after a removed element."""
    page = sources["clean"]["portal"].read_bytes()
    as_text = page.decode("gb18030")
    unicode_meta = as_text.replace("charset=gb2312", "charset=unicode").encode("utf-8")
    assert outcome(check_document(unicode_meta, name="unicode.htm")) == expected
    undeclared = as_text.replace("charset=gb2312", "").encode("gb18030")
    for wrong in ("us-ascii", "utf-8", "utf\x00"):
        archive = check_document(_archive(_page_part(undeclared, charset=wrong)), name="wrong.mht")
        assert outcome(archive) == expected, repr(wrong)
    for control in (b"\x0b\x01", b"&#11;", b"&#xFFFF;"):
        controlled = page.replace(b"</body>", b"<div><script>var a = 1;</script>" + control + b"</div></body>")
        assert controlled != page and outcome(check_document(controlled, name="control.htm")) == expected, control
    mislabelled = as_text.replace("charset=gb2312", "charset=utf-16").encode("gb18030")
    assert outcome(check_document(mislabelled, name="utf16.htm")) == expected
    ebcdic = as_text.replace("charset=gb2312", "charset=cp037").encode("utf-8")  # browsers know no EBCDIC
    assert outcome(check_document(ebcdic, name="ebcdic.htm")) == expected


def test_a_page_in_ebcdic_cannot_slip_its_tags_past_the_count():
    """In cp037 "<" is byte 0x4C: a page declaring it would be parsed with its tags
    uncounted. The declaration is not believed, so its bytes are no tags at all."""
    from reportfill.readers import html

    tags = "<p>x</p>".encode("cp037") * (html.MAX_TAGS + 1)
    with pytest.raises(ReportfillError, match="找不到年度报告的统计表"):
        check_document(b'<html><head><meta charset="cp037"></head><body>' + tags, name="ebcdic.htm")


def test_removed_elements_put_their_text_together_once(monkeypatch):
    """A paragraph of thousands of removed elements (inputs, scripts, hidden spans) kept
    the text after each by copying the paragraph's growing text again: minutes for a
    page of a megabyte. The text each removal keeps is now joined once per place."""
    from reportfill.readers import html

    handled = []

    class Counting:
        def __init__(self, pattern):
            self.pattern = pattern

        def sub(self, replacement, text):
            handled.append(len(text))
            return self.pattern.sub(replacement, text)

    monkeypatch.setattr(html, "_CONTROL", Counting(html._CONTROL))
    page = b"<html><body><p>" + b"<input>x" * 30_000 + b"</p></body></html>"
    with pytest.raises(ReportfillError, match="找不到年度报告的统计表"):
        check_document(page, name="inputs.htm")
    assert sum(handled) < 2 * len(page)


def test_a_page_of_more_tags_than_a_report_has_is_refused_before_it_is_parsed():
    from reportfill.readers import html

    with pytest.raises(ReportfillError, match="网页中的标签过多"):
        check_document(b"<html><body>" + b"<p>" * (html.MAX_TAGS + 1) + b"</body></html>", name="tags.htm")


@pytest.mark.parametrize("data, message", [
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/ht",
     "单个文件网页（.mht）不完整"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n\r\n<html><body>report</body></html>",
     "单个文件网页（.mht）中没有网页正文"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"x\"\r\n\r\n--x\r\n"
     b"Content-Type: text/html\r\n\r\n \r\n--x--\r\n", "单个文件网页（.mht）中的网页是空的"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"x\"\r\n\r\n--x\r\n"
     b"Content-Type: image/png\r\n\r\n\x89PNG\r\n--x--\r\n", "中没有网页，只有图片等附属文件"),
    (b"\xb1\xa8\xb8\xe6\xd5\xfd\xce\xc4", "不是单个文件网页（.mht）"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b0\"\r\n\r\n" + b"".join(
        b"--b%d\r\nContent-Type: multipart/related; boundary=\"b%d\"\r\n\r\n" % (i, i + 1) for i in range(3000)),
     "单个文件网页（.mht）不完整"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"x\"\r\n\r\n" + b"--x\r\n\r\n" * 10_002,
     "中的部分过多（超过 10000 个）"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/html"
     + b";a" * 40_000 + b"\r\n\r\n<html></html>\r\n--x--\r\n", "中的信息头过长（超过 64 KB）"),
], ids=["cut-off", "no-boundary", "empty-page", "no-page", "not-an-archive", "nested-without-end", "too-many-parts",
        "endless-header"])
def test_a_damaged_archive_is_refused_with_the_reason(tmp_path, data, message):
    path = tmp_path / "报告.mht"
    path.write_bytes(data)
    done = CliRunner().invoke(main, ["check", str(path)])
    assert done.exit_code == 2 and message in done.output, done.output


def test_an_archive_cut_off_inside_its_page_is_refused(sources):
    """Quoted-printable (Word) or base64 (the stdlib, some portals), alone or before its pictures."""
    archive = sources["clean"]["archive"].read_bytes()
    with pytest.raises(ReportfillError, match="文件在网页中途断开"):
        check_document(archive[:archive.index(b"themedata.thmx") - 2000], name="cut.mht")
    encoded = _archive(_page_part(sources["clean"]["portal"].read_bytes()))
    for cut in (len(encoded) // 2, len(encoded) // 2 + 1, len(encoded) // 2 + 2):
        with pytest.raises(ReportfillError, match="文件在网页中途断开"):
            check_document(encoded[:cut], name="cut64.mht")


def test_an_archive_or_its_page_too_large_is_refused(sources, monkeypatch):
    from reportfill.readers import html, mhtml

    archive = sources["clean"]["archive"].read_bytes()
    monkeypatch.setattr(mhtml, "MAX_MHTML_BYTES", len(archive) - 1)
    with pytest.raises(ReportfillError, match=r"单个文件网页（\.mht）过大"):
        check_document(archive, name="big.mht")
    monkeypatch.setattr(mhtml, "MAX_MHTML_BYTES", len(archive))
    monkeypatch.setattr(html, "MAX_HTML_BYTES", 1000)
    with pytest.raises(ReportfillError, match=r"单个文件网页（\.mht）中的网页过大"):
        check_document(archive, name="big-page.mht")


def test_the_scenarios_hold_what_they_are_meant_to(sources):
    """The findings compared above are the ones each scenario was built to have."""
    assert check_document(sources["clean"]["docx"]).findings == []
    errors = check_document(sources["errors"]["docx"])
    messages = [f.message for f in errors.findings]
    assert any(f"标题“{TYPO}”与规定的标题“四、政府信息公开行政复议、行政诉讼情况”不一致" in m for m in messages)
    assert any("标题中的年度为 2020 年" in m for m in messages)
    assert {f.rule for f in errors.findings} >= {"R4", "R5", "R8", "R9"}
    assert not any(m.startswith("缺少标题") for m in messages)
    reworded = check_document(sources["reworded"]["docx"])
    assert [f.actual for f in reworded.findings] == [REWORDED]
    assert check_document(sources["2019"]["docx"]).report.fmt is FORMAT_2019


def test_a_paragraph_that_is_only_the_number_is_no_heading():
    from reportfill.outline import outline

    fmt = FORMAT_2021
    text = [s.heading if s.key != "problems" else "五" for s in fmt.sections]
    assert "五、存在的主要问题及改进情况" not in outline(fmt, text).heading_at


@pytest.mark.parametrize("heading", ["五、存在的问题和改进措施", "五.存在问题及整改"])
def test_a_heading_worded_quite_otherwise_is_known_by_its_number_and_place(heading):
    """Too unlike the official words to be told by them, yet numbered 五 between 四 and
    六: the report's wording is quoted, not reported missing."""
    fmt = FORMAT_2021
    headings = [heading if s.key == "problems" else s.heading for s in fmt.sections]
    data = build_report(fmt, reconciling_values(fmt, seed=5), 2021, headings=headings, by_heading={heading: "problems"})
    messages = [f.message for f in check_document(data).findings if f.rule == "R9"]
    assert messages == [f"标题“{heading}”与规定的标题“五、存在的主要问题及改进情况”不一致，请改为规定的写法"]


def test_a_portal_page_states_its_publication_date_and_title(sources):
    page = check_document(sources["clean"]["portal"])
    assert page.published == datetime.date(2022, 1, 20)
    assert page.report.title == "某某局2021年政府信息公开工作年度报告"
    assert check_document(sources["clean"]["word"]).published is None
    assert check_document(sources["clean"]["docx"]).published is None


def test_the_publication_date_is_read_from_the_metadata_table_too():
    fmt = FORMAT_2021
    page = portal_page(fmt, reconciling_values(fmt), 2021, published="2022-02-08", meta_date=False)
    assert b"PubDate" not in page and "公开日期：</td>\n<td>2022年02月08日".encode("gbk") in page
    assert read(page).published == datetime.date(2022, 2, 8)


def test_a_page_saved_under_a_doc_name_is_read_as_the_page_it_is(sources, tmp_path):
    disguised = tmp_path / "年度报告.doc"  # what some office systems export
    shutil.copyfile(sources["clean"]["portal"], disguised)
    result = check_document(disguised)
    assert result.kind == "html" and outcome(result) == outcome(check_document(sources["clean"]["docx"]))


def test_the_article_is_read_without_the_site_around_it(sources):
    document = read(sources["clean"]["portal"])
    text = "\n".join(p.text for p in document.paragraphs)
    for chrome in ("首页", "当前位置", "索引号", "发布机构", "浏览次数", "分享到", "打印本页", "相关文章", "版权所有",
                   "ICP", "脚本里的文字", "隐藏的统计代码", "2020年政府信息公开工作年度报告", "搜索"):
        assert chrome not in text, chrome
    first, *_ = [p.text for p in document.paragraphs if not p.inside]
    assert first == "某某局2021年政府信息公开工作年度报告"


def test_word_htm_drops_hidden_text_and_its_footer(sources):
    text = "\n".join(p.text for p in read(sources["clean"]["word"]).paragraphs)
    assert "隐藏文字" not in text and "— 1 —" not in text
    assert "一、总体情况" in text.splitlines()  # the list number Word writes for browsers


def test_a_cell_split_over_paragraphs_and_spans_is_one_cell(sources):
    document = read(sources["clean"]["portal"])
    applications = next(t for t in document.tables if any("自然人" in c.text for c in t.cells))
    texts = [c.text for c in applications.cells]
    assert "商业\n企业" in texts and "法律服务机构" in texts
    assert "\n".join(VERTICAL) in texts and texts.count("\n".join(VERTICAL)) == 2  # the label repeated
    assert "一、本年新收政府信息\n公开申请数量" in texts
    assert applications.width == 10  # the exporter's eleventh column is gone
    numbers = [c.text for c in applications.cells if c.text and c.text[0].isdigit()]
    assert numbers and all(n == n.strip() for n in numbers)  # &nbsp; padding trimmed


@pytest.mark.parametrize("empty_first", [False, True], ids=["empty-after", "empty-before"])
def test_the_misaligned_eleven_column_table_reads_every_number(empty_first):
    fmt = FORMAT_2021
    values = reconciling_values(fmt, seed=5)
    page = portal_page(fmt, values, 2021, quirks=Quirks(empty_first=empty_first))
    result = check_document(page, name="page.html")
    assert result.findings == [] and result.report.values == values


# ---------------------------------------------------------------- encodings and hostile pages


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize("encoding, head, prefix", [
    ("gbk", '<meta http-equiv="Content-Type" content="text/html; charset=gbk">', b""),
    ("gbk", '<meta charset="gb2312">', b""),  # pages declaring GB2312 hold GBK characters (镕)
    ("gb18030", "<meta charset=GB18030>", b""),
    ("utf-8", "", b"\xef\xbb\xbf"),
    ("utf-16-le", "", b"\xff\xfe"),
    ("gb18030", "", b""),  # no declaration: not UTF-8, so GB18030
])
def test_pages_are_decoded_by_what_they_declare(encoding, head, prefix):
    text = "某某局2021年政府信息公开工作年度报告：镕"
    data = prefix + _page(f"<p>{text}</p>", head).encode(encoding)
    assert [p.text for p in read(data).paragraphs] == [text]


def test_a_page_declaring_entities_does_not_expand_them(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT-42", encoding="utf-8")
    page = (f'<!DOCTYPE html [<!ENTITY x SYSTEM "{secret.as_uri()}"><!ENTITY y "YYYY">]>'
            + _page("<p>前&x;后&y;</p><p>&nbsp;12&nbsp;</p>"))
    text = "".join(p.text for p in read(page.encode()).paragraphs)
    assert "TOP-SECRET" not in text and "YYYY" not in text and "12" in text


def test_a_page_nested_beyond_reason_is_refused_without_crashing():
    page = _page("<div>" * 50_000 + "<p>深处</p>" + "</div>" * 50_000)
    with pytest.raises(ReportfillError) as caught:
        check_document(page.encode(), name="deep.html")
    assert "找不到年度报告的统计表" in str(caught.value)


def test_an_oversized_page_is_refused(monkeypatch):
    from reportfill.readers import html

    monkeypatch.setattr(html, "MAX_HTML_BYTES", 1000)
    with pytest.raises(ReportfillError) as caught:
        check_document(_page("<p>x</p>" * 500).encode(), name="big.html")
    assert "网页文件过大" in str(caught.value)


def test_a_page_without_the_tables_is_not_a_report():
    with pytest.raises(ReportfillError) as caught:
        check_document(_page("<h1>会议通知</h1><p>定于明天开会。</p>").encode(), name="notice.html")
    assert "找不到年度报告的统计表" in str(caught.value)


# ---------------------------------------------------------------- PDF


def _pdf_blocks(path):
    document = read(path)
    return document, [p.text for p in document.paragraphs if not p.inside]


@needs_office
def test_a_pdf_drops_page_numbers_and_stitches_tables_over_pages(sources):
    document, texts = _pdf_blocks(sources["seed"]["pdf"])
    assert not any(re.fullmatch(r"[—\s\d-]+", t) for t in texts)
    assert texts[0] == "温县教育局2021年政府信息公开工作年度报告"
    applications = next(t for t in document.tables if any("自然人" in "".join(c.text.split()) for c in t.cells))
    assert len(applications.grid) == 28 and applications.width == 10  # the headers the next page repeats are dropped
    vertical = [c for c in applications.cells if "".join(c.text.split()) == VERTICAL]
    assert len(vertical) == 1 and vertical[0].rows == 22  # its characters on both pages, one cell
    assert "\n" in vertical[0].text


@needs_office
def test_a_pdf_row_broken_over_two_pages_is_one_row(sources):
    """python-docx's narrow Letter-size tables let LibreOffice break rows over pages."""
    document, _ = _pdf_blocks(sources["clean"]["pdf"])
    applications = next(t for t in document.tables if any("自然人" in "".join(c.text.split()) for c in t.cells))
    assert len(applications.grid) == 28


def _image_pdf() -> bytes:
    """A one-page PDF holding only an image, as a scanner writes it."""
    image = b"\x80" * (8 * 8 * 3)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> "
               b"/Contents 5 0 R >>",
               b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceRGB /BitsPerComponent 8 "
               b"/Length %d >>\nstream\n" % len(image) + image + b"\nendstream",
               b"<< /Length 32 >>\nstream\nq 500 0 0 700 40 60 cm /Im0 Do Q\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_scanned_pdf_is_refused_as_a_scan(tmp_path):
    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(_image_pdf())
    done = CliRunner().invoke(main, ["check", str(scan)])
    assert done.exit_code == 2
    assert "这是扫描件（PDF 里只有页面图片，没有文字层），其中的文字无法读取" in done.output


def test_a_damaged_pdf_is_refused(tmp_path):
    with pytest.raises(ReportfillError) as caught:
        check_document(_image_pdf()[:200], name="cut.pdf")
    assert "PDF 文件已损坏或不完整" in str(caught.value)


def test_a_pdf_error_without_a_message_is_told_without_empty_brackets():
    """pdfminer raises some errors bare (PSEOF at a cut-off stream); pdfplumber wraps them."""
    from pdfminer.psexceptions import PSEOF
    from pdfplumber.utils.exceptions import PdfminerException

    from reportfill.readers.pdf import _damaged

    assert _damaged(PdfminerException(PSEOF())) == "PDF 文件已损坏或不完整，无法读取"
    assert _damaged(PdfminerException(PSEOF("Unexpected EOF"))) == "PDF 文件已损坏或不完整，无法读取（Unexpected EOF）"


def test_an_encryption_pdfminer_cannot_undo_is_not_called_a_password():
    """An unknown security handler: a PDF no reader here can decrypt, with no open password."""
    pdf = _image_pdf().replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt << /Filter /Unknown /V 1 /R 2 >> "
                                                b"/ID [<00> <00>]")
    with pytest.raises(ReportfillError) as caught:
        check_document(pdf, name="odd.pdf")
    assert "PDF 的加密方式无法识别" in str(caught.value) and "打开密码" not in str(caught.value)


def _pdf_export(docx: Path, folder: Path, options: dict[str, tuple[str, str]]) -> Path:
    """``docx`` printed to PDF by LibreOffice with these export options (name -> (type,
    value), its JSON filter options), as a portal's PDF with a password or restrictions
    is made."""
    settings = {name: {"type": kind, "value": value} for name, (kind, value) in options.items()}
    [pdf] = office.convert([docx], "pdf:writer_pdf_Export:" + json.dumps(settings), folder)
    return pdf


@needs_office
def test_a_pdf_with_an_open_password_is_refused_as_encrypted(sources, tmp_path):
    pdf = _pdf_export(sources["seed"]["docx"], tmp_path,
                      {"EncryptFile": ("boolean", "true"), "DocumentOpenPassword": ("string", "reportfill")})
    assert b"/Encrypt" in pdf.read_bytes()
    done = CliRunner().invoke(main, ["check", str(pdf)])
    assert done.exit_code == 2
    assert "PDF 设置了打开密码（已加密），无法读取其中的内容" in done.output
    assert "已损坏" not in done.output


@needs_office
def test_a_pdf_that_forbids_copying_is_read_like_any_other(sources, tmp_path):
    """Portals often publish PDFs that may not be printed or copied from: an owner
    password only, which any reader may open."""
    pdf = _pdf_export(sources["seed"]["docx"], tmp_path, {
        "RestrictPermissions": ("boolean", "true"), "PermissionPassword": ("string", "reportfill"),
        "EnableCopyingOfContent": ("boolean", "false"), "Printing": ("long", "0")})
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    with pdf.open("rb") as file:  # /P of the encryption dictionary (a bare search also finds a structure's parent)
        permissions = PDFDocument(PDFParser(file)).encryption[1]["P"]
    assert not permissions & (1 << 2) and not permissions & (1 << 4)  # neither printing nor copying allowed
    assert outcome(check_document(pdf)) == outcome(check_document(sources["seed"]["pdf"]))


def test_a_docx_with_an_open_password_is_refused_as_encrypted(sources, tmp_path):
    """Word and WPS save a password-protected .docx as an OLE file holding the encrypted
    package; msoffcrypto-tool writes the same (ECMA-376 agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    locked = tmp_path / "加密.docx"
    with sources["seed"]["docx"].open("rb") as plain, locked.open("wb") as out:
        OOXMLFile(plain).encrypt("reportfill", out)
    assert locked.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")
    done = CliRunner().invoke(main, ["check", str(locked)])
    assert done.exit_code == 2
    assert "文档设置了打开密码（已加密），无法读取其中的内容" in done.output


# ---------------------------------------------------------------- through LibreOffice


@pytest.fixture(scope="module")
def converted(sources, tmp_path_factory) -> dict[str, Path]:
    """The errors scenario as .doc, .rtf and .odt written by LibreOffice, and the .doc
    renamed .wps (WPS's own format is Word's binary one)."""
    if office.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("converted")
    docx = sources["errors"]["docx"]
    out = {}
    for ext, filter_name in (("doc", "doc:MS Word 97"), ("rtf", "rtf:Rich Text Format"), ("odt", "odt")):
        [out[ext]] = office.convert([docx], filter_name, folder)
    out["wps"] = folder / "errors.wps"
    shutil.copyfile(out["doc"], out["wps"])
    return out


@needs_office
@pytest.mark.parametrize("kind", ["doc", "wps", "rtf", "odt"])
def test_doc_wps_rtf_odt_are_read_through_libreoffice(sources, converted, kind):
    result = check_document(converted[kind])
    assert result.kind == kind
    assert outcome(result) == outcome(check_document(sources["errors"]["docx"]))


@needs_office
def test_an_encrypted_doc_gets_its_own_message(converted, tmp_path):
    import olefile

    locked = tmp_path / "locked.doc"
    shutil.copyfile(converted["doc"], locked)
    with olefile.OleFileIO(str(locked), write_mode=True) as ole:
        fib = bytearray(ole.openstream("WordDocument").read())
        fib[11] |= 0x01  # fEncrypted
        ole.write_stream("WordDocument", bytes(fib))
    done = CliRunner().invoke(main, ["check", str(locked)])
    assert done.exit_code == 2
    assert "文档设置了打开密码（已加密），无法读取其中的内容" in done.output


def test_a_doc_without_libreoffice_names_the_package_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv(office.SOFFICE_ENV, raising=False)
    monkeypatch.setattr(office.shutil, "which", lambda name, *a, **k: None)
    monkeypatch.setattr(office, "_candidate_paths", lambda: [])
    rtf = tmp_path / "报告.rtf"
    rtf.write_bytes(b"{\\rtf1\\ansi report}")
    done = CliRunner().invoke(main, ["check", str(rtf)])
    assert done.exit_code == 2
    assert "这是RTF 文档，要用 LibreOffice 转换后才能核对" in done.output
    assert "sudo apt install libreoffice-writer-nogui" in done.output


@needs_office
def test_check_dir_reads_every_kind_and_lists_what_it_skips(sources, converted, tmp_path):
    folder = tmp_path / "reports"
    (folder / "下级单位").mkdir(parents=True)
    for name, source in (("a.docx", sources["clean"]["docx"]), ("b.htm", sources["clean"]["portal"]),
                         ("c.pdf", sources["clean"]["pdf"]), ("d.doc", converted["doc"]), ("e.rtf", converted["rtf"]),
                         ("f.wps", converted["wps"]), ("g.mht", sources["errors"]["archive"])):
        shutil.copyfile(source, folder / name)
    (folder / "说明.txt").write_text("不是报告", encoding="utf-8")
    (folder / "~$a.docx").write_bytes(b"\x00" * 162)
    shutil.copyfile(sources["clean"]["docx"], folder / "a.bak.docx")  # what fill --force kept
    real_popen = subprocess.Popen
    started = []

    def counting_popen(*args, **kwargs):
        started.append(args[0])
        return real_popen(*args, **kwargs)

    with mock.patch.object(office.subprocess, "Popen", counting_popen):
        done = CliRunner().invoke(main, ["check", str(folder), "-j", "2"])
    assert len(started) == 1  # the .doc, .rtf and .wps in one LibreOffice process
    assert done.exit_code == 1, done.output
    blocks = done.output.rstrip("\n").split("\n\n")
    heads = [b.splitlines()[0] for b in blocks[:-1]]
    assert heads == [f"== {folder / n} ==" for n in sorted(os.listdir(folder))]
    by_name = {Path(b.splitlines()[0].strip("= ")).name: b for b in blocks[:-1]}
    assert "来源：PDF" in by_name["c.pdf"] and "来源：网页" in by_name["b.htm"]
    assert "来源：单个文件网页（.mht）" in by_name["g.mht"] and "结论：不通过" in by_name["g.mht"]
    assert "来源：旧版 Word 文档（.doc），经 LibreOffice 转换" in by_name["d.doc"]
    assert "来源：WPS 文档（.wps），经 LibreOffice 转换" in by_name["f.wps"]
    assert by_name["下级单位"].endswith("跳过：这是子文件夹，不核对其中的文件（需要时请单独指定这个文件夹）")
    assert by_name["说明.txt"].endswith("跳过：文本文件（.txt），不是报告的文件格式")
    assert by_name["~$a.docx"].endswith("跳过：Word 或 WPS 打开文档时生成的临时锁定文件，不是报告")
    assert by_name["a.bak.docx"].endswith("跳过：reportfill 用 --force 替换文件时保留的旧文件（备份），不核对")
    assert blocks[-1] == "共 11 项：核对 7 个文件，通过 3 个，不通过 4 个，无法读取 0 个；跳过 4 项"


def test_json_states_what_each_source_is(sources):
    import json

    done = CliRunner().invoke(main, ["check", "--json", str(sources["clean"]["docx"]), str(sources["clean"]["portal"])])
    docx, page = json.loads(done.output)
    assert docx["kind"] == "docx" and page["kind"] == "html"
    for item in (docx, page):
        assert (item["agency"], item["year"], item["format"]) == ("某某局", 2021, "2021")
        assert item["title"] == "某某局2021年政府信息公开工作年度报告"
    assert docx["published"] is None and page["published"] == "2022-01-20"


def test_only_the_readers_and_writers_touch_word_xml_or_html():
    """Readers → model → rules: after the readers nothing parses a document's markup."""
    package = Path(__file__).resolve().parents[1] / "src" / "reportfill"
    touching = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                      if p.relative_to(package).parts[0] not in ("readers", "writers")
                      and re.search(r"^\s*(?:from|import)\s+(?:lxml|docx|html\.parser|pdfplumber)\b", p.read_text("utf-8"), re.M))
    assert touching == []
