"""Render a :class:`Report` into its docxtpl template.

docxtpl has sharp edges this module exists to blunt: without autoescape an ``&`` or
``<`` in the text silently corrupts the XML (lxml's recovering parser drops it); after
rendering it rewrites ``{_{`` to ``{{``; and it turns raw control characters into
structure. Every value therefore passes through :func:`_literal`, which escapes it and
writes braces and percent signs as character references, so the text a user wrote is
the text Word shows, whatever it contains.

What rendering gives the same for every report of a template is worked out once per
process (:mod:`.prepared`) and kept between processes (:mod:`.stored`); a template
that cannot be rendered that way is rendered by docxtpl in full, with the faster steps
of :mod:`.docxtpl_steps`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from . import stored
from .docx_package import package_bytes
from .docxtpl_steps import CompilingOnce, Template
from .prepared import Prepared, prepare
from .properties import describe, source_date
from .templates import default_template
from ..errors import Problem, ReportfillError
from ..report import Prose, Report, show
from ..rules.tables import derive
from ..format.spec import Format
from .template_builder import CHINESE_NUMERALS, placeholder


def _literal(value) -> Markup:
    if value is None:
        raise TypeError("a template placeholder received None; every value must be given")
    text = value if isinstance(value, str) else show(value)
    if not _SPECIAL.search(text):  # a number, most text: nothing to escape
        return Markup(text)
    escaped = str(escape(text)).replace("{", "&#123;").replace("}", "&#125;").replace("%", "&#37;")
    return Markup(escaped)


_SPECIAL = re.compile("[&<>\"'{}%]")  # what _literal writes otherwise


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Autoescape on, undefined names are errors, None is refused; each template source
    is compiled once per process."""
    return CompilingOnce(autoescape=True, undefined=jinja2.StrictUndefined, finalize=_literal)


def item_number(index: int) -> str:
    if index < 10:
        return f"（{CHINESE_NUMERALS[index]}）"
    tens, ones = divmod(index + 1, 10)
    return f"（{CHINESE_NUMERALS[tens - 1] if tens > 1 else ''}十{CHINESE_NUMERALS[ones - 1] if ones else ''}）"


def _prose(prose: Prose) -> dict:
    return {
        "paragraphs": list(prose.paragraphs),
        "items": [
            {"number": item_number(i), "title": item.title, "paragraphs": list(item.paragraphs)}
            for i, item in enumerate(prose.items)
        ],
    }


TITLE_LINE = 19  # 二号 characters that fit the 156 mm line with room to spare


def _title(report: Report) -> str:
    """Break a title too long for one line after the agency name, as published reports
    do, rather than wherever the line happens to end (docxtpl turns the newline into a
    line break). The agency name is the title's start when it is given as ``agency``,
    else what precedes the year: ``焦作市温县教育局2023年…`` breaks before ``2023年``.
    A title the user broke with a newline is kept as written."""
    title = report.title
    if "\n" in title or _width(title) <= TITLE_LINE:
        return title
    if report.agency and title.startswith(report.agency) and title != report.agency:
        cut = len(report.agency)
    else:
        cut = title.find(f"{report.year}年") if report.year else -1
    return f"{title[:cut]}\n{title[cut:]}" if cut > 0 else title


def _width(text: str) -> float:
    """The width of ``text`` in 二号 characters: Latin letters and digits are half as wide."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def context(report: Report) -> dict:
    values = derive(report.fmt, report.values)
    cells = {placeholder(*key): show(values[key]) for t in report.fmt.tables for key, _ in t.keys}
    return {
        "title": _title(report),
        "preface": list(report.preface),
        **{key: _prose(prose) for key, prose in report.prose.items()},
        "cells": cells,
    }


def render(report: Report, template: Path | None = None) -> bytes:
    """The filled report as DOCX bytes; the same report and template give the same bytes."""
    source = Path(template) if template else default_template(report.fmt)
    if not source.is_file():
        raise ReportfillError(Problem(str(source), "模板文件不存在"))
    described = {"title": report.title.replace("\n", ""), "author": report.agency,
                 "subject": f"{report.agency}{report.year}年度"}
    try:
        data = source.read_bytes()
        prepared = _prepared(str(source), report.fmt, data)
        values = context(report)
        filled = prepared.render(values, environment(), date=source_date, **described) if prepared else None
        if filled is not None:
            return filled
        document = Template(str(source), report.fmt, data)
        document.render(values, jinja_env=environment(), autoescape=True)
    except jinja2.TemplateError as exc:
        raise ReportfillError(Problem(str(source), f"模板无法填写：{exc}。请检查模板中的 {{{{ }}}} 占位符是否被改动")) from None
    except (KeyError, ValueError, OSError) as exc:
        raise ReportfillError(Problem(str(source), f"模板不是可用的 DOCX 文件（{exc}）")) from None
    describe(document.docx, date=source_date(), **described)
    # docxtpl's own save adds nothing here: its pre- and post-processing only replace
    # pictures and media, which reportfill never asks it to.
    return package_bytes(document.docx, stamp=True)


_PREPARED: dict[tuple[bytes, str | None], Prepared | None] = {}


def prepare_template(template: Path | None = None) -> None:
    """Prepare ``template`` (default: the bundled one) for the newest format reportfill
    fills, as the first render would; a template that cannot be prepared is left for
    the render to refuse."""
    from ..format.formats import FILLABLE as fmt

    source = Path(template) if template else default_template(fmt)
    try:
        _prepared(str(source), fmt, source.read_bytes())
    except Exception:  # noqa: BLE001 -- whatever is wrong with it, render says so, for each input
        pass


def _prepared(path: str, fmt: Format | None, data: bytes) -> Prepared | None:
    """The template ``data`` (the file at ``path``) prepared for rendering reports of
    ``fmt``: once per process, from the disk when another process prepared it (see
    :mod:`.stored`); None when docxtpl renders it in full."""
    key = (data, fmt.id if fmt else None)
    if key not in _PREPARED:
        if len(_PREPARED) >= 4:
            _PREPARED.pop(next(iter(_PREPARED)))
        _PREPARED[key] = _load(path, fmt, data) or _prepare(path, fmt, data)
    return _PREPARED[key]


def _prepare(path: str, fmt: Format | None, data: bytes) -> Prepared | None:
    env = environment()
    document = Template(path, fmt, data)
    document.start()
    prepared = prepare(document, document.body_xml(), env)
    if prepared is not None:
        source = prepared.source()
        stored.store(_name(fmt, data), {"prepared": prepared.bundle(), "source": source,
                                        "code": env.compiled(source)[1]})
    return prepared


def _load(path: str, fmt: Format | None, data: bytes) -> Prepared | None:
    found = stored.load(_name(fmt, data))
    try:
        prepared = Prepared.from_bundle(Template(path, fmt), found["prepared"])
        if found["source"] != prepared.body:
            Template.known_split(prepared.body, found["source"])
        environment().compiled(found["source"], found["code"])
    except (TypeError, KeyError, ValueError):  # nothing stored, or not what this code stores
        return None
    return prepared


def _name(fmt: Format | None, data: bytes) -> str:
    return stored.key(data, fmt.id if fmt else "")
