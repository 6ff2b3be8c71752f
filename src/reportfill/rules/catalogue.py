"""Every rule reportfill applies, once: its id, its severity and a one-line title.

``check --help``, the README's rule list and the JSON output's rule titles are generated
from this catalogue, so a rule cannot be documented differently in two places. R1–R10
are the rules of the official format (FORMAT.md); R11 and R12 warn about sizes: an
amount that reads as 元 typed where 万元 is due, and the format's length for 一、总体情况;
D1 is the format's ban on 年年雷同, measured as assessment schemes do; A1 is 逐级汇总 (an
area's report sums its parts'); P1 says that a cross-year check (R6, R7, D1) was not
made, because the report given as last year's is not. The code that applies each lives
in the module named beside it.

Findings are made with :func:`finding`, which takes the severity from here: a rule's
severity is written once.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import Finding
from ..format.formats import APPLICANTS, OUTCOMES
from ..format.spec import Severity


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity  # what a finding of this rule is, unless its title names an exception
    title: str  # Chinese, one line
    fix: str = ""  # what to do about a finding of it in a TOML input


def _computed_total(parts: int) -> str:
    """The fix for a row's stated total: its parts are counted in the format, not here."""
    return f"总计由 reportfill 计算，可以不写第 {parts + 1} 个数；写了就必须等于前 {parts} 个数之和"


CATALOGUE = (
    # rules.tables
    Rule("R1", "error", "表三每一列：本年新收 + 上年结转 = 办理结果总计 + 结转下年度",
         "等式两边的每一项都注明了它在输入中的行和位置，请逐项核对这一列的数字"),
    Rule("R2", "error", "表三每一行：总计 = 六类申请人之和",
         _computed_total(len(APPLICANTS))),
    Rule("R3", "error", "表三每一列：办理结果总计 = （一）至（六）各项之和"),
    Rule("R4", "error", "表四每一组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
         _computed_total(len(OUTCOMES) - 1)),
    Rule("R5", "error", "每个数字单元格是不小于 0 的整数（不能空白、写“/”或“—”），收费金额是以万元为单位的数"),
    Rule("R6", "error", "跨年（需上年报告）：本年上年结转 = 上年结转下年度继续办理，逐列相等"),
    Rule("R7", "warning", "跨年（需上年报告）：现行有效件数 = 上年现行有效件数 + 本年制发 − 本年废止"),
    # rules.prose
    Rule("R8", "warning", "正文中的申请数、行政复议数、行政诉讼数与表格一致"),
    # rules.structure
    Rule("R9", "error", "六个部分的标题齐全、写法与规定一致、顺序正确，表格格式与报告年度相符（标题中的年度不符：他人的报告中为提醒，输入中为错误）"),
    Rule("R10", "warning", "“六、其他需要报告的事项”说明信息处理费的收取情况"),
    # rules.sizes
    Rule("R11", "warning", "以万元为单位的金额达到 10000 万元（1 亿元）时提醒核实：可能误填了以元为单位的数"),
    Rule("R12", "warning", "“一、总体情况”篇幅原则上不超过一千字"),
    # rules.drafts
    Rule("R13", "error", "正文中没有留待撰写的标记【请撰写】（汇总报告的草稿写完才能生成）"),
    # rules.duplication
    Rule("D1", "warning", "跨年（需上年报告）：正文中与上年报告基本相同的句子不超过一半"
                          "（不计导语、小标题，以及引用条例和格式、收费说明等固定表述）"),
    # rules.aggregate
    Rule("A1", "error", "汇总报告（需各单位的报告）：每个单元格等于各单位报告中同一单元格之和"),
    # workflows.check, workflows.pairing
    Rule("P1", "warning", "跨年核对用的上年报告应是本机关上一年度的报告（否则不作 R6、R7、D1）"),
)

RULES = {rule.id: rule for rule in CATALOGUE}
SEVERITY_NAMES = {"error": "错误", "warning": "提醒"}


def finding(rule: str, table: str, row: str, column: str, expected: str | None, actual: str | None,
            message: str, cell: tuple[str, str, str] | None = None, *, severity: Severity | None = None) -> Finding:
    """A :class:`~reportfill.findings.Finding` of ``rule``, with the catalogue's severity;
    ``severity`` only for the exception a rule's title names (R9's title year in a
    report someone else made)."""
    return Finding(rule, severity or RULES[rule].severity, table, row, column, expected, actual, message, cell)


def as_help() -> str:
    """The rule list for ``check --help`` (click keeps lines after a ``\\b`` as they are)."""
    return "\b\n" + "\n".join(f"{r.id:<4}{SEVERITY_NAMES[r.severity]}  {r.title}" for r in CATALOGUE)


def as_markdown() -> str:
    """The rule list for the README."""
    lines = ["| 规则 | 级别 | 内容 |", "|---|---|---|"]
    lines += [f"| {r.id} | {SEVERITY_NAMES[r.severity]} | {r.title} |" for r in CATALOGUE]
    return "\n".join(lines)
