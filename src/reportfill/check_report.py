"""How check results are shown: Chinese text for a clerk, JSON for other programs.

Exit codes follow one precedence, so a batch of files gives one answer a script can
act on: 2 when any file could not be read as a report, else 1 when any report has an
error, else 0 (warnings alone do not fail a report).
"""

from __future__ import annotations

import json

from .check import CheckResult, Unreadable
from .findings import Finding
from .formats import FORMATS

_FORMAT_NAMES = {f.id: f"{f.id} 年版（{f.basis}）" for f in FORMATS}
_SEVERITY = {"error": "错误", "warning": "提醒"}
WHOLE_DOCUMENT = "全文"


def exit_code(results: list[CheckResult | Unreadable]) -> int:
    if any(isinstance(r, Unreadable) for r in results):
        return 2
    return 1 if any(not r.ok for r in results) else 0


def as_json(results: list[CheckResult | Unreadable]) -> str:
    """One object per file; a list when several files were checked."""
    items = [_json_item(r) for r in results]
    return json.dumps(items[0] if len(items) == 1 else items, ensure_ascii=False, indent=2)


def _json_item(result: CheckResult | Unreadable) -> dict:
    if isinstance(result, Unreadable):
        return {"path": result.path, "format": None, "ok": False, "error": "；".join(result.reasons), "findings": []}
    return {"path": result.path, "format": result.format, "ok": result.ok,
            "findings": [f.as_dict() for f in result.findings]}


def as_text(results: list[CheckResult | Unreadable]) -> str:
    return "\n\n".join(_text_block(r) for r in results)


def _text_block(result: CheckResult | Unreadable) -> str:
    lines = [f"== {result.path} =="]
    if isinstance(result, Unreadable):
        lines += [f"无法读取：{reason}" for reason in result.reasons]
        lines.append("结论：无法核对，这个文件不能作为年度报告读取。")
        return "\n".join(lines)
    about = [f"格式：{_FORMAT_NAMES.get(result.format, result.format)}"]
    if result.year is not None:
        about.append(f"年度：{result.year}")
    if result.title:
        about.append(f"标题：{result.title}")
    lines.append("；".join(about))
    groups: dict[str, list[Finding]] = {}
    for finding in result.findings:
        groups.setdefault(finding.table or WHOLE_DOCUMENT, []).append(finding)
    for table, findings in groups.items():
        lines.append(table)
        lines += [f"  【{_SEVERITY[f.severity]}】{f.rule} {f.message}" for f in findings]
    lines.append(_verdict(result.findings))
    return "\n".join(lines)


def _verdict(findings: list[Finding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if errors:
        more = f"，另有 {warnings} 条提醒" if warnings else ""
        return f"结论：不通过，共 {errors} 处错误{more}，请修改后再发布。"
    if warnings:
        return f"结论：通过（没有错误），有 {warnings} 条提醒请核实。"
    return "结论：通过，各表勾稽关系一致。"
