"""Chinese text for a clerk: per file, what it is, its findings grouped by table, and a
verdict in words."""

from __future__ import annotations

from ..findings import Finding, Result
from ..format.formats import FORMATS
from ..format.spec import Format
from ..readers import converted
from ..readers.source import KIND_NAMES
from ..rules.catalogue import SEVERITY_NAMES
from ..rules.duplication import Reuse, percent

WHOLE_DOCUMENT = "全文"
_FORMAT_NAMES = {f.id: f"{f.id} 年版（{f.basis}）" for f in FORMATS}


def format_name(fmt: Format) -> str:
    """"2021 年版（国办公开办函〔2021〕30号）"."""
    return _FORMAT_NAMES.get(fmt.id, fmt.id)


def kind_name(kind: str) -> str:
    """What a source is, as the report on it says: "网页", "旧版 Word 文档（.doc），经 LibreOffice 转换"."""
    name = KIND_NAMES.get(kind, kind)
    return f"{name}，经 LibreOffice 转换" if kind in converted.KINDS else name


def report(results: list[Result]) -> str:
    return "\n\n".join(block(r) for r in results)


def block(result: Result) -> str:
    lines = [f"== {result.source} =="]
    if result.skipped:
        lines.append(f"跳过：{result.skipped}")
        return "\n".join(lines)
    groups, conclusion = outcome(result)
    if result.problems:
        lines += [f"无法读取：{reason}" for reason in result.problems]
        lines.append(conclusion)
        return "\n".join(lines)
    read = result.report
    about = [f"格式：{format_name(read.fmt)}"]
    if read.agency:
        about.append(f"机关：{read.agency}")
    if read.year is not None:
        about.append(f"年度：{read.year}")
    if read.title:
        about.append(f"标题：{read.title}")
    if result.published:
        about.append(f"发布日期：{result.published.isoformat()}")
    if result.kind:
        about.append(f"来源：{kind_name(result.kind)}")
    lines.append("；".join(about))
    if result.previous:
        lines.append(f"上年报告：{result.previous}")
    lines += reuse_lines(result.reuse)
    for table, findings in groups.items():
        lines.append(table)
        lines += [f"  【{SEVERITY_NAMES[f.severity]}】{f.rule} {f.message}" for f in findings]
    lines.append(conclusion)
    return "\n".join(lines)


def outcome(result: Result) -> tuple[dict[str, list[Finding]], str]:
    """A checked file's findings by table (the whole document's under 全文), in the
    order found, and its verdict; a file that could not be read has none, and says so."""
    if result.problems:
        return {}, "结论：无法核对，这个文件不能作为年度报告读取。"
    groups: dict[str, list[Finding]] = {}
    for finding in result.findings:
        groups.setdefault(finding.table or WHOLE_DOCUMENT, []).append(finding)
    return groups, verdict(result.findings)


def reuse_lines(reuse: Reuse | None) -> list[str]:
    """How much of the prose repeats last year's, in all and per section; none when the
    report was not compared with last year's."""
    if reuse is None:
        return []
    whole = reuse.whole
    year = f" {reuse.previous_year} 年度" if reuse.previous_year else "上一年度"
    sections = "，".join(f"{s.heading} {percent(s.rate)}" for s in reuse.sections)
    return [f"与{year}报告的重复率：{percent(whole.rate)}（{whole.sentences} 句中 {whole.reused_sentences} 句与上年基本相同；"
            f"{sections}）"]


def verdict(findings: list[Finding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if errors:
        more = f"，另有 {warnings} 条提醒" if warnings else ""
        return f"结论：不通过，共 {errors} 处错误{more}，请修改后再发布。"
    if warnings:
        return f"结论：通过（没有错误），有 {warnings} 条提醒请核实。"
    return "结论：通过，各表勾稽关系一致。"


def count_line(results: list[Result]) -> str:
    """The run in one line: how many files passed, failed, could not be read, were skipped."""
    counts = {status: sum(r.status == status for r in results) for status in ("ok", "rejected", "bad", "skipped")}
    checked = counts["ok"] + counts["rejected"] + counts["bad"]
    return (f"共 {len(results)} 项：核对 {checked} 个文件，通过 {counts['ok']} 个，不通过 {counts['rejected']} 个，"
            f"无法读取 {counts['bad']} 个；跳过 {counts['skipped']} 项")


def pairing_block(pairing) -> str:
    """What ``check --previous-dir`` paired (a :class:`~reportfill.workflows.pairing.Pairing`):
    how many reports found last year's, which did not and why, last year's reports left
    over (often an agency whose report has not come in), and last year's files that
    could not be read or were passed over (a subfolder)."""
    lines = ["== 与上年报告配对 ==",
             f"{len(pairing.paired)} 份报告找到了本机关上一年度的报告并作了跨年核对；"
             f"{len(pairing.unpaired)} 份没有找到。"]
    if pairing.unpaired:
        lines.append("没有找到上年报告的：")
        lines += [f"  {source}：{why}" for source, why in pairing.unpaired.items()]
    if pairing.unused:
        lines.append("上年文件夹中没有本年报告与之配对的（请确认这些机关本年的报告是否已报送）：")
        lines += [f"  {r.source}（{_whose(r)}）" for r in pairing.unused]
    if pairing.unreadable:
        lines.append("上年文件夹中无法读取的文件：")
        lines += [f"  {r.source}：{'；'.join(r.problems)}" for r in pairing.unreadable]
    if pairing.skipped:
        lines.append("上年文件夹中没有读取的：")
        lines += [f"  {r.source}：{r.skipped}" for r in pairing.skipped]
    return "\n".join(lines)


def _whose(result: Result) -> str:
    read = result.report
    agency = read.agency or "找不到机关名称"
    return f"{agency}，{read.year} 年度" if read.year is not None else f"{agency}，找不到报告年度"
