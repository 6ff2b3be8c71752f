"""Agency names compared as the same agency writes them in different years and files."""

from __future__ import annotations

import pytest

from reportfill.agencies import agency_key, same_agency


@pytest.mark.parametrize("a, b", [
    ("温县人民政府办公室", "温县政府办公室"),
    ("温县 教育局", "温县教育局"),
    ("温县教育局\u3000", " 温县教育局"),
    ("ＸＸ市第一中学", "XX市第一中学"),
    ("中共温县县委〔机要局〕", "中共温县县委(机要局)"),
    ("温县人民政府", "温县政府"),
    ("温县·教育局", "温县教育局"),
    ("中共温县县委【机要局】", "中共温县县委（机要局）"),
])
def test_the_same_agency_written_differently(a, b):
    assert same_agency(a, b) and agency_key(a) == agency_key(b)


@pytest.mark.parametrize("a, b", [
    ("温县教育局", "温县教育体育局"),
    ("温县教育局", "孟州市教育局"),
    ("温县人民政府办公室", "温县人民政府"),
    ("", ""),
    ("温县教育局", ""),
])
def test_different_agencies_never_match(a, b):
    assert not same_agency(a, b)
