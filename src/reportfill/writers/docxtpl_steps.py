"""docxtpl below its documented API: the one place reportfill reaches into it.

docxtpl documents ``DocxTemplate(path).render(context, jinja_env, autoescape)`` and
``save``. Rendering report after report, reportfill does docxtpl's work faster where
it repeats itself, and does part of it once per template (:mod:`.prepared`); both need
docxtpl's render taken step by step. This module relies on these steps of
``docxtpl.template.DocxTemplate`` as 0.16 to 0.20 have them (``pyproject.toml`` bounds
docxtpl below 0.21; ``tests/test_docxtpl_steps.py`` fails, naming the step, should a
release change one). ``render_properties`` came in a 0.16 release and ``render_footnotes``
in 0.19: with a release before them, :meth:`Template.renders_more` only leaves more
templates to docxtpl's full render.

- ``render_init`` opens the document and starts numbering drawings (``wp:docPr``) at
  1001; ``get_xml`` serializes the body; ``patch_xml`` is a pure function of a part's
  XML text; ``build_xml`` renders the body through ``render_xml_part(xml, part,
  context, jinja_env)``, which puts each paragraph on a line of its own, hands the
  whole text to ``jinja_env.from_string``, joins the lines, undoes its escapes of Jinja
  syntax and calls ``resolve_listing``, which rewrites each paragraph holding a tab,
  newline, BEL or form feed on its own and leaves any other unchanged;
- ``fix_tables`` parses the rendered body and mends its tables' grids;
- headers and footers are the targets of the main part's relationships of
  ``HEADER_URI`` and ``FOOTER_URI`` (``get_headers_footers``), read by
  ``get_part_xml``, their encoding found by ``get_headers_footers_encoding``;
- ``render_properties`` renders the core properties :data:`RENDERED_PROPERTIES`, and
  ``render_footnotes`` a footnotes part, through Jinja.

:class:`CompilingOnce` makes a Jinja template of compiled code as
``Environment.from_string`` does (``compile``, ``make_globals``,
``Template.from_code``), which Jinja 3 has (``pyproject.toml`` bounds Jinja2 below 4).
"""

from __future__ import annotations

import io
import re
from types import CodeType

import jinja2
from docxtpl import DocxTemplate
from lxml import etree

from . import opc, templates
from ..format.spec import Format

# The core properties docxtpl renders through Jinja (DocxTemplate.render_properties).
RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_FIRST_DRAWING = 1001  # render_init's docx_ids_index, plus one
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # docxtpl's, in resolve_listing
_EMPTY = re.compile(r"<([^\s/<>!?]+)(\s[^<>]*)?></\1>")


def remember(cache: dict, key, make):
    """``cache[key]``, made on first use; a few templates' parts are kept, oldest out first."""
    value = cache.get(key)
    if value is None:
        value = make()
        if len(cache) >= 64:
            cache.pop(next(iter(cache)))
        cache[key] = value
    return value


class CompilingOnce(jinja2.Environment):
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

        return remember(self._compiled, (source, self.autoescape), make)


class Template(DocxTemplate):
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

    def start(self) -> None:
        """Open the document, as docxtpl's render does before anything else."""
        self.render_init()

    def patch_xml(self, src_xml):
        return remember(self._patched, src_xml, lambda: DocxTemplate.patch_xml(self, src_xml))

    def body_xml(self) -> str:
        """The body patched, as Jinja will compile it; refused unless it is a template of
        the report's format."""
        xml = self.patch_xml(self.get_xml())
        if self.fmt is not None:
            remember(self._checked, (xml, self.fmt.id), lambda: templates.check(xml, self.fmt, self.path) or True)
        return xml

    def build_xml(self, context, jinja_env=None):
        return self.render_xml_part(self.body_xml(), self.docx.part, context, jinja_env)

    def split(self, src_xml: str) -> str:
        """The paragraphs of ``src_xml`` put on lines of their own, as docxtpl does before
        Jinja compiles a part (so that a Jinja error names a line); once per source text,
        so that Jinja is handed the same string each time and finds its compiled template
        without hashing the text again."""
        return remember(self._split, src_xml,
                        lambda: src_xml.replace("<w:p ", "\n<w:p ").replace("<w:p>", "\n<w:p>"))

    @classmethod
    def known_split(cls, src_xml: str, split: str) -> None:
        """Take ``split`` as :meth:`split` of ``src_xml`` (what it gave in another process)."""
        cls._split[src_xml] = split

    def render_part(self, src_xml: str, context, jinja_env) -> str:
        """A patched part (body, header or footer) rendered as docxtpl renders it."""
        return self.render_xml_part(src_xml, None, context, jinja_env)

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

    def headers_footers(self) -> list[tuple[object, str, str]]:
        """(part, patched XML, encoding) of each header and then each footer docxtpl renders."""
        found = []
        for uri in (self.HEADER_URI, self.FOOTER_URI):
            for _, part in self.get_headers_footers(uri):
                xml = self.get_part_xml(part)
                found.append((part, self.patch_xml(xml), self.get_headers_footers_encoding(xml)))
        return found

    def tables_fixed(self, body: str) -> etree._Element:
        """The rendered ``body`` parsed, its tables fixed, as docxtpl does after Jinja."""
        return self.fix_tables(body)

    def renders_more(self) -> bool:
        """Whether docxtpl's render does more than the body, headers and footers: it
        renders a footnotes part, and core properties that hold Jinja tags."""
        if _FOOTNOTES in opc.content_types(self.docx):
            return True
        props = self.docx.core_properties
        return any("{" in (getattr(props, name) or "") for name in RENDERED_PROPERTIES)


def number_drawings(root: etree._Element) -> None:
    """Number the drawings in ``root`` (the rendered document element) as docxtpl's
    ``fix_docpr_ids`` numbers them in a fresh render."""
    for number, element in enumerate(root.iter(_DOC_PR), _FIRST_DRAWING):
        element.attrib["id"] = str(number)


def _positions(text: str, characters: str):
    """Where each of ``characters`` occurs in ``text`` (str.find, many times faster than a
    regular expression over a whole document)."""
    for ch in characters:
        at = text.find(ch)
        while at >= 0:
            yield at
            at = text.find(ch, at + 1)
