"""Every mistake in an input gets one clear Chinese message, exit code 2, and nothing written."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED
from prose_samples import long_overview_toml
from reportfill.cli import main
from reportfill.errors import ReportfillError
from reportfill.readers.toml_input import load_input

SEED_TEXT = SEED.read_text(encoding="utf-8")
ZEROS = "[0, 0, 0, 0, 0, 0]"


def edit(old: str, new: str) -> str:
    assert old in SEED_TEXT, old
    return SEED_TEXT.replace(old, new, 1)


D = "disclosed        = " + ZEROS  # line 45: 表三 （一）予以公开
DISCLOSED = "第45行，表三 （一）予以公开（applications.disclosed）："
FEES = "第38行，表二 行政事业性收费（proactive.fees）："
LICENSES = "第35行，表二 行政许可（proactive.licenses）："
SIX = "应有 6 个数，依次是 自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他"
NOT_TYPED = "（七）总计 0（各项都是 0）"

# Each case: the input, and what the message must say. A string starting with "第" is how
# a message starts after "{file}，" (the whole message, where it is spelled out); any other
# string must appear somewhere in the output.
CASES = {
    # ---- TOML syntax, explained at the cause
    "toml syntax error": (edit('agency = "温县教育局"', 'agency = "温县教育局'),
                          ['第3行，机关名称（agency）：这一行的文字缺少结尾的英文双引号 "：请在文字末尾加上 "']),
    "chinese comma in an array": (edit(D, "disclosed        = [62，10，0，0，0，0]"), [
        DISCLOSED.replace("行，", "行第23列，") + "这里用了中文逗号“，”：方括号里的数要用英文逗号“,”隔开。"
        "应写成：disclosed = [62, 10, 0, 0, 0, 0]"]),
    "unclosed \"\"\" swallowing the next items": (edit('有效开展。\n"""', "有效开展。"), [
        '第8行，一、总体情况的正文（overview.text）：从这一行的 """ 开始的多行文字没有结尾的 """，'
        '于是第13行“text = """”中的 """ 被当成了它的结尾，第14行起的文字就无法识别：请在这段文字结束后另起一行写 """']),
    "unclosed \"\"\" in a later item": (edit('满意率100%。\n"""', "满意率100%。"), [
        '第20行，一、总体情况 第2个小节的正文（overview.items.text）：从这一行的 """ 开始的多行文字没有结尾的 """，'
        '于是第25行“text = """”中的 """ 被当成了它的结尾，第26行起的文字就无法识别：请在这段文字结束后另起一行写 """']),
    "unclosed \"\"\" at the end": (edit('提高民众的认知和认可度。\n"""', "提高民众的认知和认可度。"), [
        '第92行，五、存在的主要问题及改进情况 第2个小节的正文（problems.items.text）：从这一行的 """ 开始的多行文字'
        '没有结尾的 """：请在这段文字结束后另起一行写 """']),
    "closing \"\"\" typed as Chinese quotes": (edit('有效开展。\n"""', "有效开展。\n”””"), [
        '第10行，一、总体情况的正文（overview.text）：这段多行文字结尾的三个引号写成了中文引号 ””” ：请改成英文双引号 """']),
    "closing \"\"\" of the last text typed as Chinese quotes": (
        edit('提高民众的认知和认可度。\n"""', "提高民众的认知和认可度。\n”””"),
        ['第94行，五、存在的主要问题及改进情况 第2个小节的正文（problems.items.text）：这段多行文字结尾的三个引号写成了中文引号 ”””']),
    "full-width digit in an array": (edit(D, "disclosed        = [１, 0, 0, 0, 0, 0]"), [
        DISCLOSED.replace("行，", "行第21列，") + "“１”是全角数字：请改用半角（英文输入状态下）的“1”。"
        "应写成：disclosed = [1, 0, 0, 0, 0, 0]"]),
    "full-width space in an array": (edit(D, "disclosed        = [1,\u30000, 0, 0, 0, 0]"), [
        DISCLOSED.replace("行，", "行第23列，") + "这里有一个全角空格（中文输入法下输入的空格）：请删去，或换成半角空格。"
        "应写成：disclosed = [1, 0, 0, 0, 0, 0]"]),
    "number with 件 in an array": (edit(D, "disclosed        = [5件, 0, 0, 0, 0, 0]"), [
        DISCLOSED.replace("行，", "行第22列，") + "数字后面不要写单位“件”：只写数字。应写成：disclosed = [5, 0, 0, 0, 0, 0]"]),
    "fee with 万元": (edit("fees                = 28.1632", "fees                = 28.1632万元"), [
        FEES.replace("行，", "行第30列，") + "数字后面不要写单位“万元”：只写数字（这一项的单位已规定为万元）。应写成：fees = 28.1632"]),
    "fee with 元": (edit("fees                = 28.1632", "fees                = 281632元"), [
        FEES.replace("行，", "行第29列，") + "数字后面不要写单位“元”：只写数字（这一项的单位是万元：281632 元 = 28.1632 万元）。"
        "应写成：fees = 28.1632"]),
    "year with 年": (edit("year = 2021", "year = 2021年"),
                    ["第4行第12列，报告年度（year）：数字后面不要写单位“年”：只写数字。应写成：year = 2021"]),
    "thousands separator": (edit("licenses            = 9", "licenses            = 1,234"), [
        LICENSES.replace("行，", "行第24列，") + "数字中不要写千位分隔符“,”。应写成：licenses = 1234"]),
    "chinese quotes": (edit('agency = "温县教育局"', "agency = “温县教育局”"), [
        '第3行第10列，机关名称（agency）：这里用了中文引号（“）：文字要用英文双引号 " 括起来，数字不加引号。'
        '应写成：agency = "温县教育局"']),
    "text without quotes": (edit('title = "及时主动公开"', "title = 及时主动公开"), [
        '第13行第9列，一、总体情况 第1个小节的小标题（overview.items.title）：文字要用英文双引号 " 括起来。'
        '应写成：title = "及时主动公开"']),
    "prose outside a string": (edit("[[overview.items]]          # （一）", "全年主动公开信息638条\n[[overview.items]]"), [
        '第12行第1列：这一行既不是“键 = 值”，也不是 [表头]：正文要写在 text = """ 和 """ 之间，说明文字要以 # 开头']),
    "array without its ]": (edit(D, "disclosed        = [0, 0, 0, 0, 0, 0"),
                            [DISCLOSED + "这一行的方括号 [ 缺少结尾的 ]：请在最后一个数后面加上 ]"]),
    "duplicated key": (edit("year = 2021", "year = 2021\nyear = 2022"),
                       ["第5行，报告年度（year）：同一个键写了两次（第4行和第5行），重复了：请删去其中一处"]),
    "syntax error in a table written as an array": (
        edit("[proactive]", "[[proactive]]").replace("licenses            = 9", "licenses            = ９", 1), [
            "第35行第23列：“９”是全角数字：请改用半角（英文输入状态下）的“9”。应写成：licenses = 9"]),
    "syntax error in items written as a table": (edit("[[overview.items]]          # （一）", "[overview.items]")
                                                 .replace('title = "', "title = “", 1), ["这里用了中文引号（“）"]),
    # ---- a table header or a row label typed as a key
    "column header as a key": (edit(D, D + "\n自然人 = 1"), [
        "第46行：“自然人”是表三的栏目（列）名称，不能当作键：表三每一行写成方括号里的 6 个数，依次是 自然人、商业企业、"
        "科研机构、社会公益组织、法律服务机构、其他，例如 received = [0, 0, 0, 0, 0, 0]（一、本年新收政府信息公开申请数量）"]),
    "row label as a key": (edit(D, "（一）予以公开 = [1, 0, 0, 0, 0, 0]"), [
        "第45行：“（一）予以公开”是表三的一行，不能当作键：这一行的键是 disclosed（写在 [applications] 下面），"
        "应写成：disclosed = [1, 0, 0, 0, 0, 0]"]),
    "quoted row label as a key": (edit(D, '"予以公开" = [1, 0, 0, 0, 0, 0]'), [
        "第45行，三、收到和处理政府信息公开申请情况中的“予以公开”（applications.予以公开）：“予以公开”是表三的"
        "“（一）予以公开”一行，不能当作键：这一行的键是 disclosed（写在 [applications] 下面），"
        "应写成：disclosed = [1, 0, 0, 0, 0, 0]"]),
    "section heading as a table header": (edit("[overview]", "[一、总体情况]"), [
        "第7行：“一、总体情况”是部分标题，不能当作键：这一部分写在 [overview] 下面，标题由 reportfill 自动加上"]),
    "group label as a table header": (edit("[applications.withheld]", "[（三）不予公开]"), [
        "第49行：“（三）不予公开”是表三的一组行，表头中要写英文键：[applications.withheld]"]),
    # ---- keys and tables
    "missing key": (edit('agency = "温县教育局"', ""), ['机关名称（agency）：缺少这一项，请补上：agency = "…"']),
    "missing table": (SEED_TEXT[: SEED_TEXT.index("# 四、政府信息公开行政复议")] + SEED_TEXT[SEED_TEXT.index("# 五、"):],
                      ["四、政府信息公开行政复议、行政诉讼情况（appeals）：缺少这一部分：请参照示例加上 [appeals]"]),
    "missing row": (edit(D, ""), ["第42行，表三 （一）予以公开（applications.disclosed）：缺少这一行；没有数据也要写 0，"
                                  "例如 disclosed = [0, 0, 0, 0, 0, 0]"]),
    "unknown key with suggestion": (edit("received         =", "recieved         ="), [
        "第43行，三、收到和处理政府信息公开申请情况中的“recieved”（applications.recieved）：不认识的键“recieved”，"
        "是不是想写“received”（表三 一、本年新收政府信息公开申请数量）？"]),
    # ---- numbers
    "a count longer than a cell holds": (edit("licenses            = 9", "licenses            = " + "9" * 31), [
        LICENSES + "写的是 " + "9" * 31 + "：数字过大（31 位），至多 30 位：请核对"]),
    "an amount longer than a cell holds": (edit("fees                = 28.1632", "fees                = 1e30"), [
        FEES + "写的是 1000000000000000000000000000000：数字过大（31 位），至多 30 位：请核对"]),
    "an amount with more decimals than a cell holds": (edit("fees                = 28.1632", "fees = 1e-31"), [
        "小数位过多（31 位），至多 30 位"]),
    "an amount written as a date": (edit("fees                = 28.1632", "fees = 1979-05-27"), [
        FEES + "写的是 日期或时间：应为不小于 0 的数（单位：万元）"]),
    "an amount of minus zero": (edit("fees                = 28.1632", "fees = -0.0"), [FEES + "写的是 -0.0：0 前面不要写负号"]),
    "agency on two lines": (edit('agency = "温县教育局"', 'agency = "温县\\n教育局"'), [
        "第3行，机关名称（agency）：只能写成一行，不能换行"]),
    "agency too long": (edit('agency = "温县教育局"', 'agency = "' + "长" * 61 + '"'), [
        "第3行，机关名称（agency）：太长（61 个字），至多 60 个字"]),
    "number in quotes": (edit("licenses            = 9", 'licenses            = "9"'),
                         [LICENSES + '写的是 "9"：数字不要加引号。应写成：licenses = 9']),
    "number in quotes in an array": (edit(D, 'disclosed        = ["1", 0, 0, 0, 0, 0]'), [
        DISCLOSED + '第1个数（自然人）写的是 "1"：数字不要加引号。应写成：disclosed = [1, 0, 0, 0, 0, 0]']),
    "full-width number in quotes": (edit("licenses            = 9", 'licenses            = "１２"'),
                                    [LICENSES + '写的是 "１２"：数字不要加引号，要用半角数字。应写成：licenses = 12']),
    "fee with 万元 in quotes": (edit("fees                = 28.1632", 'fees                = "28.1632万元"'), [
        FEES + '写的是 "28.1632万元"：数字不要加引号，不要写单位“万元”（这一项的单位已规定为万元）。应写成：fees = 28.1632']),
    "fee in 元 in quotes": (edit("fees                = 28.1632", 'fees                = "281632元"'), [
        FEES + '写的是 "281632元"：数字不要加引号，这一项的单位是万元：281632 元 = 28.1632 万元。应写成：fees = 28.1632']),
    "count with 件 in quotes": (edit("licenses            = 9", 'licenses            = "9件"'),
                                [LICENSES + '写的是 "9件"：数字不要加引号，不要写单位“件”。应写成：licenses = 9']),
    "a dash for none in quotes": (edit("licenses            = 9", 'licenses            = "——"'),
                                  [LICENSES + '写的是 "——"：应为数字，没有的写 0（不要加引号）。应写成：licenses = 0']),
    "year in quotes": (edit("year = 2021", 'year = "2021"'),
                       ['第4行，报告年度（year）：写的是 "2021"：年度是数字，不要加引号。应写成：year = 2021']),
    "boolean where a number is due": (edit("penalties           = 0", "penalties           = true"),
                                      ["第36行，表二 行政处罚（proactive.penalties）：写的是 true：应为数字，而不是 true/false"]),
    "float where an integer is due": (edit("licenses            = 9", "licenses            = 9.0"),
                                      [LICENSES + "写的是 9.0：应为整数，不能写成小数。应写成：licenses = 9"]),
    "a single number in brackets": (edit("licenses            = 9", "licenses            = [9]"),
                                    [LICENSES + "这一项是一个数（本年处理决定数量），不要写方括号。应写成：licenses = 9"]),
    "too few numbers": (edit(D, "disclosed        = [0, 0, 0, 0, 0]"), [
        DISCLOSED + SIX + "；可再加第 7 个数作为总计（须等于前 6 个数之和，不写由 reportfill 计算）；现在写了 5 个：[0, 0, 0, 0, 0]"]),
    "too many numbers": (edit(D, "disclosed        = [0, 0, 0, 0, 0, 0, 0, 0]"), [DISCLOSED + SIX, "现在写了 8 个"]),
    "too few numbers in table 四": (edit("reconsideration               = [0, 0, 0, 0]",
                                         "reconsideration               = [0, 0, 0]"), [
        "第79行，表四 行政复议（appeals.reconsideration）：应有 4 个数，依次是 结果维持、结果纠正、其他结果、尚未审结；"
        "可再加第 5 个数作为总计（须等于前 4 个数之和，不写由 reportfill 计算）；现在写了 3 个：[0, 0, 0]"]),
    # ---- a row copied from a sheet
    "numbers parted by spaces": (edit("received         = " + ZEROS, "received         = [0 2 0 0 1 0]"), [
        "第43行第23列，表三 一、本年新收政府信息公开申请数量（applications.received）：方括号里的数之间要用英文逗号“,”隔开，不能只用空格或 Tab 分隔。应写成：received = [0, 2, 0, 0, 1, 0]"]),
    "numbers parted by tabs": (edit("received         = " + ZEROS, "received         = [0\t2\t0\t0\t1\t0]"), [
        "第43行第23列，表三 一、本年新收政府信息公开申请数量（applications.received）：方括号里的数之间要用英文逗号“,”隔开，不能只用空格或 Tab 分隔。应写成：received = [0, 2, 0, 0, 1, 0]"]),
    "a blank place in brackets": (edit("received         = " + ZEROS, "received         = [1, , 0, 0, 0, 0]"), [
        "第43行第24列，表三 一、本年新收政府信息公开申请数量（applications.received）：方括号里这个位置没有写数：没有的也要填 0。应写成：received = [1, 0, 0, 0, 0, 0]"]),
    "one number with a unit where a row wants six": (edit("received         = " + ZEROS, "received         = 6件"), [
        "第43行第21列，表三 一、本年新收政府信息公开申请数量（applications.received）：数字后面不要写单位“件”：只写数字"]),
    "negative count": (edit("received         = " + ZEROS, "received         = [0, -1, 0, 0, 0, 0]"),
                       ["第43行，表三 一、本年新收政府信息公开申请数量（applications.received）：第2个数（商业企业）写的是 -1："
                        "不能为负数，应为不小于 0 的整数"]),
    "negative fee": (edit("fees                = 28.1632", "fees = -1.5"), [FEES + "写的是 -1.5：不能为负数"]),
    "infinite fee": (edit("fees                = 28.1632", "fees = inf"), ["proactive.fees", "inf"]),
    "nan fee": (edit("fees                = 28.1632", "fees = nan"), ["proactive.fees", "nan"]),
    "year before 2021": (edit("year = 2021", "year = 2020"), ["2019", "reportfill check", "不能生成"]),
    "year in the future": (edit("year = 2021", "year = 2999"), ["2999", "还没有到来"]),
    # ---- reconciliation: the numbers as typed, a computed total only beside its parts
    "stated total wrong": (edit("received         = " + ZEROS, "received         = [1, 0, 0, 0, 0, 0, 2]"), [
        "表三 一、本年新收政府信息公开申请数量 · 总计（第43行第7个数，applications.received）："
        "各分项合计为 1（1 + 0 + 0 + 0 + 0 + 0），输入中写的是 2。总计由 reportfill 计算，可以不写第 7 个数；"
        "写了就必须等于前 6 个数之和"]),
    "stated appeal total wrong": (edit("reconsideration               = [0, 0, 0, 0]",
                                       "reconsideration               = [1, 0, 0, 0, 3]"), [
        "表四 · 行政复议 · 总计（第79行第5个数，appeals.reconsideration）：各分项合计为 1（1 + 0 + 0 + 0），输入中写的是 3。"
        "总计由 reportfill 计算，可以不写第 5 个数；写了就必须等于前 4 个数之和"]),
    "R1 broken in a column": (edit("received         = " + ZEROS, "received         = [4, 0, 0, 0, 0, 0]"), [
        "表三 自然人：一、本年新收政府信息公开申请数量 4（第43行第1个数） + 二、上年结转政府信息公开申请数量 0（第44行第1个数）"
        f" = 4，而 {NOT_TYPED} + 四、结转下年度继续办理 0（第47行第1个数） = 0，两边应相等。"
        "等式两边的每一项都注明了它在输入中的行和位置，请逐项核对这一列的数字"]),
    "R1 with a computed total beside its parts": (
        edit(D, "disclosed        = [100, 0, 0, 0, 0, 0]").replace(
            "partly_disclosed = " + ZEROS, "partly_disclosed = [50, 0, 0, 0, 0, 0]"),
        ["（七）总计 150（= （一）予以公开 100 + （二）部分公开（区分处理的，只计这一情形，不计其他情形） 50，其余为 0）"]),
    # ---- prose
    "prose section empty": (edit('text = "无其他需要报告的事项。"', ""),
                            ["六、其他需要报告的事项（other）：这一部分既没有 text 也没有 items：至少要写一段文字"]),
    "prose text left blank": (edit('text = "无其他需要报告的事项。"', 'text = """\n\n"""'),
                              ["六、其他需要报告的事项的正文（other.text）：文字是空的：这一部分至少要写一段文字"]),
    "item with empty title": (edit('title = "存在问题"', 'title = ""'),
                              ["第85行，五、存在的主要问题及改进情况 第1个小节的小标题（problems.items.title）：不能为空"]),
    "sub-heading number typed into a title": (edit('title = "及时主动公开"', 'title = "（一）及时主动公开"'), [
        "第13行，一、总体情况 第1个小节的小标题（overview.items.title）：小标题前面写了编号“（一）”：小节的编号（一）（二）……"
        '由 reportfill 按顺序自动加上，再写就会印成两个编号。应写成：title = "及时主动公开"']),
    "sub-heading number 1. typed into a title": (edit('title = "存在问题"', 'title = "1、存在问题"'),
                                                  ["小标题前面写了编号“1、”", '应写成：title = "存在问题"']),
    "section heading pasted into a text": (edit("全年主动公开信息638条", "一、总体情况\n全年主动公开信息638条"), [
        "第15行，一、总体情况 第1个小节的正文（overview.items.text）：这里写了部分标题“一、总体情况”：六个部分的标题由 "
        "reportfill 自动加上，写在文字里会印两遍，请删去这一行"]),
    "section heading starting a paragraph": (edit("下一步县教育局将", "五、存在的主要问题及改进情况 下一步县教育局将"), [
        "第93行，五、存在的主要问题及改进情况 第2个小节的正文（problems.items.text）：这一段以部分标题“五、存在的主要问题及改进情况”"
        "开头：六个部分的标题由 reportfill 自动加上，写在文字里会印两遍，请删去标题，只留正文"]),
    "section heading as an item title": (edit('title = "改进情况"', 'title = "六、其他需要报告的事项"'), [
        "第91行，五、存在的主要问题及改进情况 第2个小节的小标题（problems.items.title）：小标题写成了部分标题“六、其他需要报告的事项”："
        "部分标题由 reportfill 自动加上，这里请写这一小节自己的标题"]),
    "control character": (edit('text = "无其他需要报告的事项。"', 'text = "无其他\\u0007需要报告"'),
                          ["第98行，六、其他需要报告的事项的正文（other.text）：文字第1行第4个字符处有控制字符 U+0007"]),
    "very long text": (edit('text = "无其他需要报告的事项。"', 'text = "' + "很" * 200_001 + '"'),
                       ["other.text", "过长"]),
}
for _heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                 "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
    CASES[f"heading {_heading} pasted into 六"] = (
        edit('text = "无其他需要报告的事项。"', f'text = """\n{_heading}\n无其他需要报告的事项。\n"""'),
        [f"第99行，六、其他需要报告的事项的正文（other.text）：这里写了部分标题“{_heading}”"])


@pytest.mark.parametrize("slip, message", [
    ("year = 2021 2022", "第4行第13列，报告年度（year）：一行只能写一个“键 = 值”，值的后面只能写以 # 开头的注释"),
    ("year = 2021\n[[[x", "第5行第3列：TOML 语法错误（Invalid initial character for a key part (at line 5, column 3)）"),
])
def test_tomllibs_english_is_given_only_where_no_chinese_explanation_fits(slip, message, write_input):
    source = write_input(edit("year = 2021", slip))
    with pytest.raises(ReportfillError) as refused:
        load_input(source)
    assert [str(p) for p in refused.value.problems] == [f"{source}，{message}"]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_clearly_and_nothing_is_written(case, write_input, tmp_path):
    text, expected = CASES[case]
    source = write_input(text)
    out_dir = tmp_path / "out"
    result = CliRunner().invoke(main, ["fill", str(source), "--out-dir", str(out_dir)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = [line.removeprefix("错误：") for line in result.stderr.splitlines()]
    for part in expected:
        if part.startswith("第"):
            assert any(line.startswith(f"{source}，{part}") for line in lines), (part, result.stderr)
        else:
            assert part in result.stderr, (part, result.stderr)
    assert str(source) in result.stderr
    assert not out_dir.exists() or not any(out_dir.iterdir())


TYPED = ['"', "'", '"""', "[", "]", "=", ",", ".", "#", "\n", " ", "，", "、", "“", "”", "１", "\u3000", "件", "万元",
         "自然人", "（一）", "一、总体情况", "[[", "true", "-"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, len(SEED_TEXT)), st.sampled_from(TYPED), st.integers(0, 3)),
                      min_size=1, max_size=3))
def test_any_slip_in_the_seed_is_read_or_refused_with_a_place_never_a_crash(edits, tmp_path):
    """Typing or deleting anything anywhere: the message explainers never fail."""
    text = SEED_TEXT
    for at, typed, deleted in edits:
        text = text[:at] + typed + text[at + deleted:]
    source = tmp_path / "slip.toml"
    source.write_text(text, encoding="utf-8")
    try:
        load_input(source)
    except ReportfillError as refused:
        assert all(str(p.where).startswith(str(source)) and p.message for p in refused.problems)


OVERVIEW = SEED_TEXT[SEED_TEXT.index("[overview]"): SEED_TEXT.index("# 二、")]

# Each case: the input, the rule, its warning from fill (naming the input's line where it
# has one) and from check of the written report (naming the printed cell). A warning does
# not stop the fill.
_FEE = ("按万元是 281632 万元（约 28.16 亿元）；如果这是以元为单位的金额，281632 元 = 28.1632 万元，"
        "应写 28.1632。请核实单位")
_LENGTH = ("“一、总体情况”共 1079 字（汉字和标点各计 1 字，连续的数字或字母计 1 字，小节编号不计），"
           "格式要求篇幅原则上不超过 1000 字：请精简约 79 字")
_PROSE = "正文中“收到依申请公开件5件”与表三 一、本年新收政府信息公开申请数量 · 总计不一致：表中为 0，正文为 5，请核实"
_FEE_STATEMENT = "“六、其他需要报告的事项”未说明信息处理费的收取情况（未收取也建议写明“本年度未收取信息处理费”）"
WARNINGS = {
    "a fee that reads more plausibly as 元": (
        edit("fees                = 28.1632", "fees                = 281632"), "R11",
        f"表二 行政事业性收费 · 本年收费金额（单位：万元）（第38行，proactive.fees）：输入中写的是 281632，{_FEE}",
        f"表二 行政事业性收费 · 本年收费金额（单位：万元）：表中填写 281632，{_FEE}"),
    "一、总体情况 longer than 一千字": (
        SEED_TEXT.replace(OVERVIEW, long_overview_toml() + "\n"), "R12", _LENGTH, _LENGTH),
    "a figure in the prose the tables contradict": (
        edit("本年度没有收到依申请公开件。", "本年度共收到依申请公开件5件。"), "R8", _PROSE, _PROSE),
    "六 silent on the 信息处理费": (SEED_TEXT, "R10", _FEE_STATEMENT, _FEE_STATEMENT),
}


@pytest.mark.parametrize("case", WARNINGS)
def test_a_doubtful_input_is_filled_with_a_warning(case, write_input, tmp_path):
    text, rule, filled, checked_message = WARNINGS[case]
    out = tmp_path / "r.docx"
    result = CliRunner().invoke(main, ["fill", str(write_input(text)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"提示（{rule}）：{filled}" in result.stdout.splitlines()
    assert result.stdout.count(f"（{rule}）") == 1  # once, not again as the reopened document says it
    assert out.is_file()
    checked = CliRunner().invoke(main, ["check", str(out)])  # the written report: the same rule
    assert checked.exit_code == 0, checked.output
    assert f"  【提醒】{rule} {checked_message}" in checked.stdout.splitlines()


@pytest.mark.parametrize("case, payload, expected", [
    ("not utf-8", SEED_TEXT.encode("gbk"), ["UTF-8", "GBK"]),
    ("utf-16, as Notepad's Unicode", SEED_TEXT.encode("utf-16"), ["文件是 UTF-16 编码（记事本中的“Unicode”）"]),
    ("empty file", b"", ["空的"]),
    ("only blank lines", b"\n \n", ["空的"]),
])
def test_unreadable_files_are_refused(case, payload, expected, tmp_path):
    source = tmp_path / "bad.toml"
    source.write_bytes(payload)
    result = CliRunner().invoke(main, ["fill", str(source), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert all(part in result.stderr for part in expected), result.stderr
    assert not (tmp_path / "out").exists()


def test_a_byte_order_mark_is_fine(tmp_path):
    source = tmp_path / "bom.toml"
    source.write_bytes(b"\xef\xbb\xbf" + SEED_TEXT.encode("utf-8"))
    result = CliRunner().invoke(main, ["fill", str(source), "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("where", ["missing", "directory"])
def test_missing_path_or_directory_as_input(where, tmp_path):
    target = tmp_path / "nothing.toml"
    if where == "directory":
        target.mkdir()
    result = CliRunner().invoke(main, ["fill", str(target), "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 2
    assert ("不存在" if where == "missing" else "文件夹") in result.stderr
    assert not (tmp_path / "r.docx").exists()


def test_all_problems_are_reported_in_one_pass(write_input):
    text = edit("licenses            = 9", 'licenses            = "9"').replace("penalties           = 0", "penalties = -2")
    result = CliRunner().invoke(main, ["fill", str(write_input(text))])
    assert result.exit_code == 2
    assert "表二 行政许可（proactive.licenses）" in result.stderr and "表二 行政处罚（proactive.penalties）" in result.stderr


def test_a_title_naming_another_year_is_refused_before_anything_is_written(write_input, tmp_path):
    """R9's title year is a warning in a report someone else made; in an input it is an
    error: the report written would be read, by check and by whoever receives it, as a
    report of the title's year."""
    source = write_input(edit("year = 2021", 'year = 2021\ntitle = "温县教育局2020年政府信息公开工作年度报告"'))
    out_dir = tmp_path / "out"
    done = CliRunner().invoke(main, ["fill", str(source), "--out-dir", str(out_dir)])
    assert done.exit_code == 1, done.output
    assert "标题中的年度为 2020 年，报告年度为 2021 年：请改正标题中的年度" in done.stderr
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_a_tab_becomes_a_word_tab(write_input, tmp_path):
    import docx

    out = tmp_path / "tab.docx"
    source = write_input(edit('text = "无其他需要报告的事项。"', 'text = "甲\\t乙"'))
    assert CliRunner().invoke(main, ["fill", str(source), "-o", str(out)]).exit_code == 0
    last = docx.Document(str(out)).paragraphs[-1]
    assert last.text == "甲\t乙"
    assert "<w:tab/>" in last._p.xml


def test_long_text_within_the_limit_fills(write_input, tmp_path):
    out = tmp_path / "long.docx"
    source = write_input(edit('text = "无其他需要报告的事项。"', 'text = "' + "长" * 100_000 + '"'))
    assert CliRunner().invoke(main, ["fill", str(source), "-o", str(out)]).exit_code == 0
    assert out.stat().st_size > 0


# ---------------------------------------------------------------- output problems


def test_a_missing_output_folder_is_created(tmp_path):
    out = tmp_path / "a" / "b" / "r.docx"
    assert CliRunner().invoke(main, ["fill", str(SEED), "-o", str(out)]).exit_code == 0
    assert out.is_file()


def test_an_output_that_is_a_folder_is_refused_asking_for_the_file_it_should_be(tmp_path):
    result = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path}：输出路径是一个文件夹；请给出 .docx 文件名" in result.stderr
    from reportfill.reporters.summary import write_summary
    from reportfill.writers.scaffold import scaffold, write_input

    with pytest.raises(ReportfillError, match="请给出 .toml 文件名"):
        write_input(scaffold("某局", 2023), tmp_path)
    (tmp_path / "汇总.csv").mkdir()
    with pytest.raises(ReportfillError, match="请给出 .csv 文件名"):
        write_summary([], tmp_path / "汇总.csv")


def test_an_unwritable_output_folder_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() == 0:  # root writes anywhere: make the folder refuse the way the OS would
        import tempfile

        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    else:
        folder.chmod(0o500)
    result = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(folder / "r.docx")])
    folder.chmod(0o700)
    assert result.exit_code == 2
    assert "不可写" in result.stderr
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, OSError(28, "No space left on device")])
def test_an_interrupted_write_leaves_the_old_file_and_no_partial_one(interruption, tmp_path, monkeypatch):
    """The old file is one reportfill wrote, so the fill would replace it: the write of
    its replacement fails half-way, and the old file is still there, whole."""
    from reportfill import files

    out = tmp_path / "r.docx"
    assert CliRunner().invoke(main, ["fill", str(SEED), "-o", str(out)]).exit_code == 0
    previous = out.read_bytes()
    changed = tmp_path / "changed.toml"
    changed.write_text(edit("licenses            = 9", "licenses            = 8"), encoding="utf-8")

    def fail(fd):
        raise interruption

    monkeypatch.setattr(files.os, "fsync", fail)
    result = CliRunner().invoke(main, ["fill", str(changed), "-o", str(out)])
    assert result.exit_code != 0
    assert out.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["changed.toml", "r.docx"]
    monkeypatch.undo()
    assert CliRunner().invoke(main, ["fill", str(changed), "-o", str(out)]).exit_code == 0  # would have replaced it
    assert out.read_bytes() != previous


def test_a_failed_fill_never_touches_an_existing_output(write_input, tmp_path):
    out = tmp_path / "r.docx"
    out.write_bytes(b"previous report")
    source = write_input(edit("licenses            = 9", "licenses            = -9"))
    assert CliRunner().invoke(main, ["fill", str(source), "-o", str(out)]).exit_code == 2
    assert out.read_bytes() == b"previous report"
