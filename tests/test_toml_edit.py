"""The tomlkit pieces below its documented API that reportfill uses
(writers/toml_edit.py) keep a clerk's file as written: comments, blank lines and order.
Each test writes the document out with ``tomlkit.dumps`` and compares the text, so a
tomlkit release that changes a piece fails here, naming it."""

from __future__ import annotations

import tomlkit

from reportfill.writers import toml_edit

TEXT = """\
# 温县教育局2021年政府信息公开工作年度报告
agency = "温县教育局"  # 机关名称
year = 2021  # 年度

# 一、总体情况
[overview]
text = \"\"\"
第一段。
\"\"\"

[[overview.items]]  # （一）
title = "主动公开"
text = "甲"

[[overview.items]]  # （二）
title = "依申请公开"
text = "乙"

# 二、主动公开政府信息情况
[proactive]
rate = 1.50
row = [1, 2.0, 3]
"""


def test_a_key_inserted_after_another_stays_there_and_the_rest_as_written():
    doc = tomlkit.parse(TEXT)
    toml_edit.insert_after(doc, "year", "title", "标题")
    assert tomlkit.dumps(doc) == TEXT.replace("year = 2021  # 年度\n", 'year = 2021  # 年度\ntitle = "标题"\n')


def test_trailing_lines_taken_off_and_put_back_leave_the_file_as_it_was():
    doc = tomlkit.parse(TEXT)
    items = toml_edit.tables_of(doc["overview"]["items"])
    assert [t["title"] for t in items] == ["主动公开", "依申请公开"]
    trailing = toml_edit.detach_trailing(items[-1], comments=True)
    assert "".join(line.as_string() for line in trailing) == "\n# 二、主动公开政府信息情况\n"
    gap = toml_edit.detach_trailing(items[0])
    assert [line.as_string() for line in gap] == ["\n"]
    assert "# 二、" not in tomlkit.dumps(doc)
    toml_edit.append_blank(items[0], "\n")
    toml_edit.append_lines(items[-1], trailing)
    assert tomlkit.dumps(doc) == TEXT


def test_an_array_of_tables_rebuilt_in_another_order_keeps_comments_and_indents():
    doc = tomlkit.parse(TEXT)
    section = doc["overview"]
    first, second = toml_edit.tables_of(section["items"])
    trailing = toml_edit.detach_trailing(second, comments=True)
    toml_edit.detach_trailing(first)
    toml_edit.append_blank(second, "\n")
    assert toml_edit.comment(second) == "# （二）"
    toml_edit.set_comment(second, "# （一）")
    toml_edit.set_comment(first, "# （二）")
    section["items"] = toml_edit.array_of_tables([second, first])
    toml_edit.append_lines(first, trailing)
    swapped = TEXT.replace("""[[overview.items]]  # （一）
title = "主动公开"
text = "甲"

[[overview.items]]  # （二）
title = "依申请公开"
text = "乙"
""", """[[overview.items]]  # （一）
title = "依申请公开"
text = "乙"

[[overview.items]]  # （二）
title = "主动公开"
text = "甲"
""")
    assert tomlkit.dumps(doc) == swapped


def test_numbers_are_read_as_written_and_tables_told_from_values():
    doc = tomlkit.parse(TEXT)
    assert toml_edit.written(doc["proactive"]["rate"]) == "1.50"
    assert toml_edit.written(doc["proactive"]["row"]) == "[1, 2.0, 3]"
    assert toml_edit.written(doc["agency"]) == "温县教育局"
    assert toml_edit.is_table(doc["proactive"]) and not toml_edit.is_table(tomlkit.inline_table())
    assert toml_edit.tables_of(doc["proactive"]) == []


def test_a_heading_is_written_on_its_own_line_above_a_tables_header():
    doc = tomlkit.document()
    doc.add("agency", "x")
    doc.add("overview", tomlkit.table())
    doc["overview"].add("text", "y")
    toml_edit.heading(doc["overview"], "一、总体情况")
    assert tomlkit.dumps(doc) == 'agency = "x"\n\n# 一、总体情况\n[overview]\ntext = "y"\n'
