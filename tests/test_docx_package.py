"""The package writer writes, member by member, the bytes zipfile writes for a deflated
member with fixed time and attributes -- so a member compressed once can be written
again and again -- and a package python-docx reads back."""

from __future__ import annotations

import io
import os
import sys
import zipfile

import pytest

from reportfill.writers.docx_package import COMPRESSION, FIXED_TIME, Member, zip_bytes

MEMBERS = [
    ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
    ("word/document.xml", ("<w:document>正文 " * 5000 + "</w:document>").encode()),
    ("empty", b""),
    ("word/media/image1.bin", os.urandom(3000)),
    ("docProps/custom.xml", b"x" * 70000),
]


@pytest.mark.skipif(sys.platform == "win32", reason="zipfile names the system it runs on; the writer always Unix")
def test_members_are_written_as_zipfile_writes_them():
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w") as archive:
        for name, data in MEMBERS:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=COMPRESSION)
    assert zip_bytes([Member(name, data) for name, data in MEMBERS]) == expected.getvalue()


def test_a_member_compressed_once_is_written_into_many_packages():
    shared = Member("word/styles.xml", b"<w:styles/>" * 100)
    first = zip_bytes([shared, Member("a", b"1")])
    second = zip_bytes([Member("b", b"22"), shared])
    for data, names in ((first, ["word/styles.xml", "a"]), (second, ["b", "word/styles.xml"])):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.namelist() == names
            assert archive.testzip() is None
            assert archive.read("word/styles.xml") == shared.data
