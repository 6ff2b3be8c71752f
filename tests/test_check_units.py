"""The fee's unit: a header in 元 where the format says 万元 is an error; wording around
the right unit (the seed's "保留4位小数") is not."""

from __future__ import annotations

import io
import zipfile

import pytest

from conftest import SEED
from reportfill.workflows.check import check_document
from reportfill.readers.toml_input import load_input
from reportfill.writers.render import render


def with_header(header: str) -> bytes:
    data = render(load_input(SEED))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == "word/document.xml":
                assert "本年收费金额（单位：万元）".encode() in part
                part = part.replace("本年收费金额（单位：万元）".encode(), header.encode())
            dst.writestr(info, part)
    return out.getvalue()


@pytest.mark.parametrize("header", ["本年收费金额（单位：元）", "本年收费金额(单位:元)"])
def test_a_fee_header_in_yuan_is_an_error(header):
    result = check_document(with_header(header))
    units = [f for f in result.findings if "单位" in f.message]
    assert [(f.rule, f.severity, f.expected, f.actual) for f in units] == [("R5", "error", "万元", "元")]
    assert units[0].row == "行政事业性收费" and not result.ok


@pytest.mark.parametrize("header", ["本年收费金额（单位：万元，保留4位小数）", "本年收费金额"])
def test_the_right_unit_or_none_stated_is_fine(header):
    result = check_document(with_header(header))
    assert not [f for f in result.findings if "单位" in f.message]
    assert result.ok
