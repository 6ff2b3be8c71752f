"""Render a :class:`Report` into its docxtpl template.

docxtpl has sharp edges this module exists to blunt: without autoescape an ``&`` or
``<`` in the text silently corrupts the XML (lxml's recovering parser drops it); after
rendering it rewrites ``{_{`` to ``{{``; and it turns raw control characters into
structure. Every value therefore passes through :func:`_literal`, which escapes it and
writes braces and percent signs as character references, so the text a user wrote is
the text Word shows, whatever it contains.

What rendering gives the same for every report of a template is worked out once per
process (:mod:`.prepared`) and kept between processes (:mod:`.stored`); a template
that cannot be rendered that way is rendered by docxtpl in full.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from types import CodeType

import jinja2
from docxtpl import DocxTemplate
from markupsafe import Markup, escape

from . import stored, templates
from .docx_package import package_bytes
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


class _CompilingOnce(jinja2.Environment):
    """An environment that compiles each distinct source text once.

    docxtpl hands the whole of ``document.xml`` (and every header, footer and document
    property) to :meth:`from_string` on every render, and compiling that template is most
    of a render's cost. The compiled template depends only on the source text and on the
    environment's settings, which docxtpl may change (it sets ``autoescape``), so both are
    the key. Rendering the same template many times -- a batch -- then compiles it once."""

    def __init__(self, **options):
        super().__init__(**options)
        self._compiled: dict[tuple, tuple[jinja2.Template, CodeType]] = {}

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        return self.compiled(source)[0]

    def compiled(self, source: str, code: CodeType | None = None) -> tuple[jinja2.Template, CodeType]:
        """The template of ``source`` and its code, as :meth:`jinja2.Environment.from_string`
        compiles it -- or from ``code``, what compiling it gave before (in another process)."""
        def make():
            made = code if code is not None else self.compile(source)
            return self.template_class.from_code(self, made, self.make_globals(None), None), made

        return _remember(self._compiled, (source, self.autoescape), make)


def _remember(cache: dict, key, make):
    """``cache[key]``, made on first use; a few templates' parts are kept, oldest out first."""
    value = cache.get(key)
    if value is None:
        value = make()
        if len(cache) >= 64:
            cache.pop(next(iter(cache)))
        cache[key] = value
    return value


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Autoescape on, undefined names are errors, None is refused; each template source
    is compiled once per process."""
    return _CompilingOnce(autoescape=True, undefined=jinja2.StrictUndefined, finalize=_literal)


class _Template(DocxTemplate):
    """docxtpl's template, doing the same work faster where it repeats itself, and
    refusing a file that is not a template of the report's format before filling it.

    :meth:`patch_xml` -- a pure function of the part's XML text, a dozen regular-expression
    passes over the whole body -- is done once per distinct text rather than on every
    render; :meth:`resolve_listing`, which turns tab, newline, BEL and form-feed characters
    inside ``w:t`` into Word structure, only visits the paragraphs holding one."""

    _patched: dict[str, str] = {}
    _checked: dict[tuple[str, str], bool] = {}
    _split: dict[str, str] = {}

    def __init__(self, path: str, fmt: Format | None = None, data: bytes | None = None):
        """The template at ``path``, read from ``data`` (its bytes) when given."""
        super().__init__(io.BytesIO(data) if data is not None else path)
        self.fmt = fmt
        self.path = path

    def patch_xml(self, src_xml):
        return _remember(self._patched, src_xml, lambda: DocxTemplate.patch_xml(self, src_xml))

    def body_xml(self) -> str:
        """The body patched, as Jinja will compile it; refused unless it is a template of
        the report's format."""
        xml = self.patch_xml(self.get_xml())
        if self.fmt is not None:
            _remember(self._checked, (xml, self.fmt.id), lambda: templates.check(xml, self.fmt, self.path) or True)
        return xml

    def build_xml(self, context, jinja_env=None):
        return self.render_xml_part(self.body_xml(), self.docx._part, context, jinja_env)

    def split(self, src_xml: str) -> str:
        """The paragraphs of ``src_xml`` put on lines of their own, as docxtpl does before
        Jinja compiles a part (so that a Jinja error names a line); once per source text,
        so that Jinja is handed the same string each time and finds its compiled template
        without hashing the text again."""
        return _remember(self._split, src_xml,
                         lambda: src_xml.replace("<w:p ", "\n<w:p ").replace("<w:p>", "\n<w:p>"))

    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        # docxtpl's, step by step, the lines joined again by plain replacement (the
        # pattern cannot overlap itself).
        src_xml = self.split(src_xml)
        try:
            self.current_rendering_part = part
            template = jinja_env.from_string(src_xml) if jinja_env else jinja2.Template(src_xml)
            dst_xml = template.render(context)
        except jinja2.TemplateError as exc:
            if getattr(exc, "lineno", None) is not None:
                line_number = max(exc.lineno - 4, 0)
                exc.docx_context = map(lambda x: re.sub(r"<[^>]+>", "", x),
                                       src_xml.splitlines()[line_number: line_number + 7])
            raise exc
        return self.finish(dst_xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>"))

    def finish(self, dst_xml: str) -> str:
        """docxtpl's steps after Jinja: its escapes of Jinja syntax undone (when there can
        be one: each holds an underscore), tabs and line breaks made Word structure."""
        if "_" in dst_xml:
            dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return self.resolve_listing(dst_xml)

    def resolve_listing(self, xml):
        # docxtpl's pass rewrites each paragraph on its own and returns a paragraph
        # without these characters unchanged, so only the paragraphs holding one (a
        # title broken over two lines) are handed to it, cut out by its own pattern,
        # which is matched no further than the last of them. An element it leaves
        # empty is written as lxml writes it, <w:t/>, which parses the same.
        spots = sorted(_positions(xml, "\t\a\n\f"))
        if not spots:
            return xml
        resolve = super().resolve_listing
        out, done, next_spot = [], 0, 0
        for paragraph in _PARAGRAPH.finditer(xml):
            start, end = paragraph.span()
            while next_spot < len(spots) and spots[next_spot] < start:
                next_spot += 1
            if next_spot == len(spots):
                break
            if spots[next_spot] < end:
                out += (xml[done:start], _EMPTY.sub(r"<\1\2/>", resolve(paragraph.group(0))))
                done = end
        return "".join(out) + xml[done:]


_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # docxtpl's, in resolve_listing
_EMPTY = re.compile(r"<([^\s/<>!?]+)(\s[^<>]*)?></\1>")


def _positions(text: str, characters: str):
    """Where each of ``characters`` occurs in ``text`` (str.find, many times faster than a
    regular expression over a whole document)."""
    for ch in characters:
        at = text.find(ch)
        while at >= 0:
            yield at
            at = text.find(ch, at + 1)


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
    cells = {
        placeholder(t.key, p.cell.row, p.cell.col): show(values[(t.key, p.cell.row, p.cell.col)])
        for t in report.fmt.tables
        for p in t.slots
    }
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
        document = _Template(str(source), report.fmt, data)
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
    from ..format.formats import FORMATS

    fmt = next(f for f in FORMATS if f.generated)
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
    document = _Template(path, fmt, data)
    document.render_init()
    prepared = prepare(document, document.body_xml(), env)
    if prepared is not None:
        source = prepared.source()
        stored.store(_name(fmt, data), {"prepared": prepared.bundle(), "source": source,
                                        "code": env.compiled(source)[1]})
    return prepared


def _load(path: str, fmt: Format | None, data: bytes) -> Prepared | None:
    found = stored.load(_name(fmt, data))
    try:
        prepared = Prepared.from_bundle(_Template(path, fmt), found["prepared"])
        if found["source"] != prepared.body:
            _Template._split[prepared.body] = found["source"]
        environment().compiled(found["source"], found["code"])
    except (TypeError, KeyError, ValueError):  # nothing stored, or not what this code stores
        return None
    return prepared


def _name(fmt: Format | None, data: bytes) -> str:
    return stored.key(data, fmt.id if fmt else "")
