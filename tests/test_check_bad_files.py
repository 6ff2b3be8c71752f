"""Files that are not annual reports, or are built to hurt the reader: each is refused with
a Chinese reason and exit code 2, quickly and in bounded memory, and one bad file in a
batch does not stop the others."""

from __future__ import annotations

import io
import json
import struct
import tracemalloc
import zipfile

import docx
import pytest
from click.testing import CliRunner

from docx_fixtures import Package, build_report, reconciling_values
from reportfill.readers import source
from reportfill.readers.docx import package as docx_package
from reportfill.readers.docx import MAX_BLOCKS, MAX_CELLS
from reportfill.workflows.check import check_document
from reportfill.cli import main
from reportfill.errors import ReportfillError
from reportfill.format.formats import FORMAT_2021

SECRET = "TOP-SECRET-CONTENT-42"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture(scope="module")
def report() -> bytes:
    return build_report(FORMAT_2021, reconciling_values(FORMAT_2021), 2021)


def replace_part(data: bytes, name: str, content: bytes, compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for item in src.namelist():
            if item != name:
                dst.writestr(item, src.read(item))
        if content is not None:
            dst.writestr(name, content)
    return out.getvalue()


def patch_entry(data: bytes, name: str, *, size: int | None = None, flags: int | None = None) -> bytes:
    """Rewrite what the zip's headers declare about one entry (its uncompressed size or
    flag bits), in both the local header and the central directory."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, size_at, flags_at, name_at in ((b"PK\x03\x04", 22, 6, 30), (b"PK\x01\x02", 24, 8, 46)):
        at = raw.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", raw, at + name_at - (4 if signature == b"PK\x03\x04" else 18))[0]
            if raw[at + name_at: at + name_at + length] == encoded:
                if size is not None:
                    struct.pack_into("<I", raw, at + size_at, size)
                if flags is not None:
                    struct.pack_into("<H", raw, at + flags_at, flags)
            at = raw.find(signature, at + 4)
    return bytes(raw)


def refused(source, *, name="bad.docx") -> str:
    """The reason check gives for refusing ``source``, asserting it never inflated what it
    refuses (a zip bomb is refused from its headers, not after unpacking it)."""
    tracemalloc.start()
    try:
        with pytest.raises(ReportfillError) as caught:
            check_document(source, name=name)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"peak memory {peak / 2**20:.0f} MB"
    [problem] = caught.value.problems
    assert problem.where == name
    return problem.message


def test_missing_file_and_folder(tmp_path):
    assert "找不到这个文件" in refused(tmp_path / "nowhere.docx", name=str(tmp_path / "nowhere.docx"))
    assert "文件夹" in refused(tmp_path, name=str(tmp_path))


@pytest.mark.parametrize("content, reason", [
    (b"", "文件是空的"),
    ("这是一个文本文件".encode(), "不是 DOCX 文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "文件已损坏，无法作为 Word 或 WPS 文档打开"),
    (b"%PDF-1.7\n" + bytes(100), "PDF 文件已损坏或不完整"),
    (b"PK\x03\x04" + bytes(50), "不完整或已损坏"),
])
def test_files_that_are_no_report(content, reason):
    assert reason in refused(content)


def test_an_input_given_to_check_is_sent_to_fill(tmp_path):
    from conftest import SEED

    said = refused(SEED, name=str(SEED))
    assert "这是 reportfill 的输入文件（TOML），不是报告：请用 reportfill fill 生成报告" in said


def test_truncated_and_corrupted_zips(report):
    assert "不完整或已损坏" in refused(report[: len(report) // 2])
    info = zipfile.ZipFile(io.BytesIO(report)).getinfo("word/document.xml")
    data_at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    corrupt = bytearray(report)
    for i in range(data_at + 100, data_at + 400):
        corrupt[i] ^= 0x5A
    assert "损坏" in refused(bytes(corrupt))


def test_other_office_files_and_zips_without_a_document(report):
    excel = io.BytesIO()
    with zipfile.ZipFile(excel, "w") as z:
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                                  'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert "这是 Excel 表格，不是 Word 文档" in refused(excel.getvalue())
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("notes.txt", "hello")
    assert "没有 Word 正文" in refused(plain.getvalue())
    assert "不是 Word 正文" in refused(replace_part(report, "word/document.xml", b"<html><body/></html>"))
    assert "不是有效的 XML" in refused(replace_part(report, "word/document.xml", b"<w:document><unclosed>"))


def test_a_docx_without_the_report_tables():
    document = docx.Document()
    document.add_paragraph("会议通知")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "姓名"
    out = io.BytesIO()
    document.save(out)
    assert "找不到年度报告的统计表" in refused(out.getvalue())


def test_a_zip_bomb_is_refused_by_its_declared_size(report):
    bomb = replace_part(report, "word/document.xml", b" " * (40 * 2**20))
    assert len(bomb) < 2**20
    message = refused(bomb)
    assert "压缩炸弹" in message and "40 MB" in message
    assert "压缩炸弹" in refused(patch_entry(report, "word/document.xml", size=0xFFFFFFF0))


def test_a_zip_bomb_that_understates_its_size_is_still_bounded(report):
    bomb = replace_part(report, "word/document.xml", b"<w:document>" + b" " * (40 * 2**20))
    assert "损坏" in refused(patch_entry(bomb, "word/document.xml", size=1000))


def test_a_bomb_in_a_part_check_does_not_need_is_never_opened(report):
    data = replace_part(report, "word/media/image1.png", b"\0" * (8 * 2**20))
    data = patch_entry(data, "word/media/image1.png", size=0xFFFFFFF0)
    assert check_document(data).ok


def test_too_many_entries():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for i in range(docx_package.MAX_ENTRIES + 1):
            z.writestr(f"p{i}", b"")
    assert "条目过多" in refused(out.getvalue())


def test_an_encrypted_entry(report):
    assert "加密" in refused(patch_entry(report, "word/document.xml", flags=0x1))


@pytest.mark.parametrize("prolog", [
    f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///{{secret}}">]>',
    '<!DOCTYPE w:document SYSTEM "http://127.0.0.1:9/evil.dtd">',
    '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
])
def test_xml_with_a_dtd_or_entities_is_refused_unresolved(report, prolog, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    package = Package(report)
    xml = package.parts["word/document.xml"].decode()
    head, rest = xml.split("?>", 1)
    entity = "&x;" if "ENTITY x" in prolog else "&d;" if "ENTITY d" in prolog else ""
    rest = rest.replace("<w:t>一、总体情况</w:t>", f"<w:t>一、总体情况{entity}</w:t>")
    hostile = replace_part(report, "word/document.xml",
                           (head + "?>" + prolog.format(secret=str(secret).lstrip("/")) + rest).encode())
    message = refused(hostile)
    assert "DTD" in message and SECRET not in message


def test_a_dtd_in_the_package_relationships_is_refused(report):
    rels = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]><Relationships xmlns="http://schemas.openxml' \
           b'formats.org/package/2006/relationships"/>'
    assert "DTD" in refused(replace_part(report, "_rels/.rels", rels))


def test_a_huge_file_is_refused_without_reading_it(tmp_path):
    huge = tmp_path / "huge.docx"
    with huge.open("wb") as f:
        f.truncate(3 * 2**30)  # sparse: 3 GB on paper, nothing on disk
    assert "文件过大" in refused(huge, name=str(huge))


def test_a_document_with_endless_content_is_refused_quickly(report):
    package = Package(report)
    xml = package.parts["word/document.xml"].decode()
    tiny = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>总计</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    flooded = xml.replace("</w:body>", tiny * (MAX_BLOCKS // 2 + 1) + "</w:body>")
    assert "文档内容过多" in refused(replace_part(report, "word/document.xml", flooded.encode()))


def test_bytes_over_the_size_limit(monkeypatch, report):
    monkeypatch.setattr(source, "MAX_FILE_BYTES", len(report) - 1)
    assert "文件过大" in refused(report)


def test_one_bad_file_does_not_stop_the_others(tmp_path, report):
    good, bad, missing = tmp_path / "good.docx", tmp_path / "bad.docx", tmp_path / "missing.docx"
    good.write_bytes(report)
    bad.write_bytes(b"not a zip at all")
    runner = CliRunner()
    done = runner.invoke(main, ["check", str(bad), str(good), str(missing)])
    assert done.exit_code == 2
    blocks = done.output.split("\n\n")
    assert blocks[0].splitlines() == [f"== {bad} ==",
                                      "无法读取：不是 DOCX 文件（DOCX 是 ZIP 压缩包，而这个文件不是），请确认选对了文件",
                                      "结论：无法核对，这个文件不能作为年度报告读取。"]
    assert blocks[1].rstrip().endswith("结论：通过，各表勾稽关系一致。")
    assert "找不到这个文件" in blocks[2]

    as_json = json.loads(runner.invoke(main, ["check", "--json", str(bad), str(good)]).output)
    assert [(item["path"], item["ok"], item["format"]) for item in as_json] == [(str(bad), False, None),
                                                                                (str(good), True, "2021")]
    assert "不是 DOCX 文件" in as_json[0]["error"] and as_json[0]["findings"] == []


def test_exit_code_2_wins_over_1(tmp_path, report):
    values = reconciling_values(FORMAT_2021)
    wrong = tmp_path / "wrong.docx"
    wrong.write_bytes(build_report(FORMAT_2021, values, 2021, texts={("appeals", "reconsideration", "total"): "999"}))
    runner = CliRunner()
    assert runner.invoke(main, ["check", str(wrong)]).exit_code == 1
    assert runner.invoke(main, ["check", str(wrong), str(tmp_path / "none.docx")]).exit_code == 2


def test_the_font_table_of_a_file_given_to_preview_or_fill_pdf_is_read_under_the_same_limits(report, tmp_path):
    """preview and fill --pdf read the fonts a DOCX declares: a font table that inflates
    past the cap, or declares entities, is refused like any part -- the file declares no
    fonts -- while a real one is read."""
    from reportfill.readers.docx.fonts import declared_fonts

    fonts = (b'<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             b'<w:font w:name="\xe4\xbb\xbf\xe5\xae\x8b_GB2312"/>')
    good, bomb, entities = tmp_path / "good.docx", tmp_path / "bomb.docx", tmp_path / "entities.docx"
    good.write_bytes(replace_part(report, "word/fontTable.xml", fonts + b"</w:fonts>"))
    bomb.write_bytes(replace_part(report, "word/fontTable.xml",
                                  fonts + b" " * (docx_package.MAX_PART_BYTES + 1) + b"</w:fonts>"))
    entities.write_bytes(replace_part(report, "word/fontTable.xml", b'<!DOCTYPE w:fonts [<!ENTITY x "y">]>' + fonts
                                      + b"</w:fonts>"))
    assert bomb.stat().st_size < 2**20
    assert declared_fonts([good]) == ["仿宋_GB2312"]
    assert declared_fonts([bomb, entities]) == []
    assert declared_fonts([bomb, good]) == ["仿宋_GB2312"]


def test_a_damaged_part_in_another_compression_is_refused_as_damaged(report):
    data = bytearray(replace_part(report, "word/document.xml", Package(report).parts["word/document.xml"],
                                  compression=zipfile.ZIP_LZMA))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 20, start + 200):  # the LZMA stream itself, past its header
        data[i] ^= 0x5A
    assert refused(bytes(data)) == "DOCX 文件已损坏：word/document.xml 无法解压"


def _with_directory_entries(data: bytes, extra: int, *, declared: int | None = None) -> bytes:
    """``data`` with ``extra`` empty entries added to its central directory, the end
    record declaring ``declared`` entries (default: as many as there are)."""
    end = data.rfind(b"PK\x05\x06")
    count, size, offset = struct.unpack_from("<HII", data, end + 10)
    added = b"".join(struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0)
                     + b"x%07d" % i for i in range(extra))
    total = count + extra if declared is None else declared
    return (data[:offset + size] + added
            + struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, total & 0xFFFF, total & 0xFFFF, size + len(added), offset, 0))


def test_a_central_directory_larger_than_its_declared_count_is_refused(report):
    """The zip module reads the directory by its size, whatever count the end record
    declares: a small count over a huge directory is refused by its size."""
    entries = docx_package.MAX_DIRECTORY_BYTES // 54 + 1
    message = refused(_with_directory_entries(report, entries, declared=20))
    assert message.startswith("压缩包的目录过大（4 MB）")


def test_a_zip64_end_record_is_followed_for_the_count(report):
    """Streaming writers may leave 0xFFFF in the classic end record and put the counts
    in the ZIP64 one: such a DOCX is read, not refused as holding 65 535 entries."""
    end = report.rfind(b"PK\x05\x06")
    count, size, offset = struct.unpack_from("<HII", report, end + 10)
    zip64 = struct.pack("<4sQ2H2I4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, offset)
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, end, 1)
    classic = struct.pack("<4s4H2IH", b"PK\x05\x06", 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    data = report[:end] + zip64 + locator + classic
    assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == count
    assert check_document(data, name="zip64.docx").ok


def test_a_few_kilobytes_of_empty_cells_are_refused_before_the_tables_are_matched():
    """Empty cells cost seven bytes each and hold no paragraph, so the block limit does
    not see them; matching a format against thousands of rows of them took minutes."""
    body = ("<w:tbl>" + ("<w:tr>" + "<w:tc/>" * 64 + "</w:tr>") * 1000 + "</w:tbl>") * 3
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')
    assert len(data.getvalue()) < 10_000
    assert refused(data.getvalue()) == f"文档中的表格单元格过多（超过 {MAX_CELLS} 个），不像是年度报告，拒绝核对"


def _one_page_pdf(page: bytes, content: bytes = b"") -> bytes:
    """A PDF of one page with ``page`` in its page dictionary, and a correct xref."""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/Contents 4 0 R/Resources<</Font<</F 5 0 R>>>>" + page + b">>",
               b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream",
               b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size 6/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


@pytest.mark.parametrize("page", [b"", b"/MediaBox[0 0 612 792]/Rotate/X", b"/MediaBox[0 0 612]",
                                  b"/MediaBox[0 0 612 792]/CropBox[0 0]", b"/MediaBox[0 0 612 792x]"],
                         ids=["no-box", "rotation-a-name", "box-of-three", "crop-of-two", "box-with-a-word"])
def test_a_pdf_page_that_cannot_be_laid_out_is_refused_as_damaged(page):
    assert refused(_one_page_pdf(page), name="bad.pdf") == "PDF 文件已损坏或不完整，无法读取（页面的结构无法识别）"


@pytest.mark.parametrize("content", [
    b"BT /F " + b"9" * 310 + b".0 Tf 72 720 Td (x) Tj ET",  # a font size pdfminer reads as infinite
    (b"1" + b"0" * 200 + b".0 0 0 1 0 0 cm ") * 2 + b"BT /F 12 Tf 1 1 Td (x) Tj ET",  # a position at infinity - infinity
], ids=["infinite-size", "undefined-position"])
def test_glyphs_at_no_real_position_are_dropped(content):
    assert refused(_one_page_pdf(b"/MediaBox[0 0 612 792]", content), name="odd.pdf") == "PDF 中没有文字，无法读取"


def _package_rels(*entries: str) -> bytes:
    return ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(entries) + "</Relationships>").encode()


def _main(target: str) -> str:
    return ('<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'officeDocument" Target="{target}"/>')


@pytest.mark.parametrize("rels", [
    _package_rels(_main("word/../word/document.xml")),
    _package_rels(_main("/Word/Document.xml")),  # part names ignore case
    _package_rels('<?pi Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                  'Target="elsewhere.xml"?>', _main("word/document.xml")),
], ids=["dot-dot", "other-case", "processing-instruction"])
def test_the_main_part_is_found_however_the_relationship_names_it(report, rels):
    """A relationship's target is a part name: normalised, compared without case; only
    Relationship elements are relationships."""
    assert check_document(replace_part(report, "_rels/.rels", rels), name="named.docx").ok


def test_a_zip64_record_cannot_hide_a_large_directory_behind_a_small_classic_one(report):
    """The zip module takes the counts of a ZIP64 record right before its locator,
    whatever the classic end record says: the limits hold for the numbers it uses."""
    entries = docx_package.MAX_DIRECTORY_BYTES // 54 + 1
    data = _with_directory_entries(report, entries)
    end = data.rfind(b"PK\x05\x06")
    size, offset = struct.unpack_from("<II", data, end + 12)
    total = len(zipfile.ZipFile(io.BytesIO(report)).namelist()) + entries
    zip64 = struct.pack("<4sQ2H2I4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, total, total, size, offset)
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, end, 1)
    classic = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 20, 20, 1000, offset, 0)
    data = data[:end] + zip64 + locator + classic
    assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == total  # what the zip module would build
    assert refused(data).startswith("压缩包中的条目过多") or refused(data).startswith("压缩包的目录过大")
