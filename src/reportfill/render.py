"""Render a :class:`Report` into its docxtpl template.

docxtpl has sharp edges this module exists to blunt: without autoescape an ``&`` or
``<`` in the text silently corrupts the XML (lxml's recovering parser drops it); after
rendering it rewrites ``{_{`` to ``{{``; and it turns raw control characters into
structure. Every value therefore passes through :func:`_literal`, which escapes it and
writes braces and percent signs as character references, so the text a user wrote is
the text Word shows, whatever it contains.
"""

from __future__ import annotations

import io
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from markupsafe import Markup, escape

from .docx_write import deterministic_zip
from .findings import Problem, ReportfillError
from .report import Prose, Report
from .rules import derive, show
from .spec import Format
from .template_builder import CHINESE_NUMERALS, placeholder, template_name


def _literal(value) -> Markup:
    if value is None:
        raise TypeError("a template placeholder received None; every value must be given")
    text = value if isinstance(value, str) else show(value)
    escaped = str(escape(text)).replace("{", "&#123;").replace("}", "&#125;").replace("%", "&#37;")
    return Markup(escaped)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Autoescape on, undefined names are errors, None is refused."""
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, finalize=_literal)


def default_template(fmt: Format) -> Path:
    """The template shipped in the package; in a source checkout, the one in templates/."""
    shipped = resources.files("reportfill") / "templates" / template_name(fmt)
    if shipped.is_file():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[2] / "templates" / template_name(fmt)


def _numbered(index: int) -> str:
    if index < 10:
        return f"（{CHINESE_NUMERALS[index]}）"
    tens, ones = divmod(index + 1, 10)
    return f"（{CHINESE_NUMERALS[tens - 1] if tens > 1 else ''}十{CHINESE_NUMERALS[ones - 1] if ones else ''}）"


def _prose(prose: Prose) -> dict:
    return {
        "paragraphs": list(prose.paragraphs),
        "items": [
            {"number": _numbered(i), "title": item.title, "paragraphs": list(item.paragraphs)}
            for i, item in enumerate(prose.items)
        ],
    }


def context(report: Report) -> dict:
    values = derive(report.fmt, report.values)
    cells = {
        placeholder(t.key, p.cell.row, p.cell.col): show(values[(t.key, p.cell.row, p.cell.col)])
        for t in report.fmt.tables
        for p in t.slots
    }
    return {
        "title": report.title,
        "preface": list(report.preface),
        **{key: _prose(prose) for key, prose in report.prose.items()},
        "cells": cells,
    }


def render(report: Report, template: Path | None = None) -> bytes:
    """The filled report as DOCX bytes; the same report and template give the same bytes."""
    source = Path(template) if template else default_template(report.fmt)
    if not source.is_file():
        raise ReportfillError(Problem(str(source), "模板文件不存在"))
    try:
        document = DocxTemplate(str(source))
        document.render(context(report), jinja_env=environment(), autoescape=True)
    except jinja2.TemplateError as exc:
        raise ReportfillError(Problem(str(source), f"模板无法填写：{exc}。请检查模板中的 {{{{ }}}} 占位符是否被改动")) from None
    except (KeyError, ValueError, OSError) as exc:
        raise ReportfillError(Problem(str(source), f"模板不是可用的 DOCX 文件（{exc}）")) from None
    props = document.docx.core_properties
    props.title = report.title
    props.subject = f"{report.agency}{report.year}年度"
    props.language = "zh-CN"
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue())
