"""A template prepared once, then rendered report after report with what changes only.

docxtpl renders by opening the template with python-docx, serializing and patching its
body, rendering that with Jinja, parsing the result and fixing its tables, moving it
into the opened document, rendering footers and properties, and finally every part is
serialized and compressed. For one template most of it comes out the same for every
report: the patched body, the footers, every part but the body and the document
properties, and those parts compressed. :class:`Prepared` does that work once, by
docxtpl and python-docx themselves; a render then runs docxtpl's own rendering of the
body (:meth:`DocxTemplate.render_xml_part`), parses the result once inside the
template's own document element (where docxtpl moves it, at the cost of visiting every
element again), describes the document and zips the members. The bytes are docxtpl's:
``tests/test_render_cache.py`` compares them with plain docxtpl doing all the work.

The body is not even parsed when the template is *canonical*: its text outside the
Jinja tags is exactly what lxml writes (it is, being lxml's serialization of the
template), its tags only look values up and loop or branch over whole elements, and the
values hold no character the parser would change. The rendered text then is the
serialization docxtpl's parse would give, once the escapes :func:`render._literal`
writes are written as lxml writes them (``"`` not ``&#34;``).

That holds for a template whose rendering cannot reshape its tables (the fix docxtpl
then applies to them changes nothing) and has no footnotes. Any other template --
one with ``{%tr %}`` loops, say -- is not prepared (:func:`prepare` returns None) and is
rendered by docxtpl in full, as is a body that renders to malformed XML, which docxtpl
parses in recovery mode.
"""

from __future__ import annotations

import copy
import re

import jinja2
from lxml import etree

from . import fingerprint, opc
from .docx_package import Member, package_members, stamped, zip_bytes
from .docxtpl_steps import number_drawings
from .properties import describe, describe_core

# The patterns preparing uses are compiled when a template is prepared (and then kept by
# re), not by every process that renders a template prepared before.
_START_TAG = r'<(?P<name>[\w.-]+:body)(?P<declarations>(?:\s+xmlns(?::[\w.-]+)?="[^"<>]*")*)\s*>'
_DECLARATION = r'xmlns(?::([\w.-]+))?="([^"<>]*)"'
_STATEMENT = r"\{[%#]"
_DECLARATION_LINE = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"  # what serialize_part_xml writes
# The tags a canonical template may hold: a value looked up, a loop, a branch.
_PATH = r"""[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\s*'[^'\\{}%#<>]*'\s*\]|\[\s*"[^"\\{}%#<>]*"\s*\])*"""
_VALUE = rf"\{{\{{ *{_PATH} *\}}\}}"
_BLOCK = rf"\{{% *(?:(?P<open>for [A-Za-z_]\w* in {_PATH}|if {_PATH})|(?P<middle>else)|(?P<close>endfor|endif)) *%\}}"
_PIECE = r"<[^<>]*>|\{[{%#]"
_JINJA_START = r"\{[{%#]"
# What lxml writes otherwise than _literal: only in values, never in lxml's own text.
_ESCAPES = {"&#34;": '"', "&#39;": "'", "&#123;": "{", "&#125;": "}", "&#37;": "%"}
_ESCAPE = re.compile("|".join(_ESCAPES))
# A value the parser would read otherwise than it is written: empty (its element written
# <w:t/>), or holding a character XML normalizes (\r) or forbids.
_UNPARSED = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_STRICT = etree.XMLParser(resolve_entities=False)  # well-formed, it reads as docxtpl's recovering parser does


class Prepared:
    """What rendering a template gives for every report, and how to render one. Plain
    data (see :meth:`bundle`) but for ``template``, a :class:`~.docxtpl_steps.Template`
    of the template's path whose docxtpl steps render the body."""

    def __init__(self, template, *, body: str, start: str, open: str, shell: tuple[str, str], doc_pr: bool,
                 canonical: bool, footers: list, core: bytes, custom: bytes, members: list, names: dict[str, str]):
        self.template = template
        self.body = body  # the patched body, as docxtpl hands it to Jinja
        self.start = start  # its start tag, with the namespace declarations its root has
        self.open = open  # the start tag within the document element
        self.shell = shell  # the document element before and after the body
        self.doc_pr = doc_pr  # drawings, which docxtpl numbers
        self.canonical = canonical  # rendered, it is written as lxml writes it (see _canonical)
        self.footers = footers  # (member name, patched XML, encoding, its rendering when it has no tags)
        self.core = core  # the core properties part, whose content describe() replaces
        self.custom = custom  # the custom properties part, which the fingerprint is added to
        self.members = members  # the package's members, in order: a Member, or the name of a part rendered
        self.names = names  # member name -> "document", "core", "custom" or "footer"

    def bundle(self) -> dict:
        """What :meth:`from_bundle` makes this of again, as :mod:`marshal` writes."""
        members = [m if isinstance(m, str) else (m.name, m.data, m.compressed, m.crc, m.digest) for m in self.members]
        return {"body": self.body, "start": self.start, "open": self.open, "shell": self.shell,
                "doc_pr": self.doc_pr, "canonical": self.canonical, "footers": self.footers, "core": self.core,
                "custom": self.custom, "members": members, "names": self.names}

    @classmethod
    def from_bundle(cls, template, bundle: dict) -> Prepared:
        members = [m if isinstance(m, str) else Member.restored(*m) for m in bundle.pop("members")]
        return cls(template, members=members, **bundle)

    def source(self) -> str:
        """What Jinja compiles. docxtpl first puts each paragraph on a line of its own, so
        that an error names a line, and joins the lines again afterwards: a canonical
        body, which has no line break of its own, renders to the same text compiled as it
        is (an error is then raised as docxtpl raises it, see :meth:`_body`)."""
        return self.body if self.canonical else self.template.split(self.body)

    def _body(self, context: dict, env) -> str:
        template = self.template
        if not self.canonical:
            return template.render_part(self.body, context, env)
        try:
            rendered = env.from_string(self.body).render(context)
        except jinja2.TemplateError:
            template.render_part(self.body, context, env)  # raises it with docxtpl's lines
            raise
        return template.finish(rendered)

    def render(self, context: dict, env, *, title: str, author: str, subject: str, date) -> bytes | None:
        """The filled package, or None when this body renders to malformed XML. ``date``
        gives the document's date (None for none), asked once the body is rendered."""
        template = self.template
        body = self._body(context, env)
        if not body.startswith(self.start):
            return None
        head, tail = self.shell
        rest = body[len(self.start):]
        if self.canonical and _plain(context):
            if "#" in rest:
                rest = _ESCAPE.sub(lambda m: _ESCAPES[m.group()], rest)
            document = f"{_DECLARATION_LINE}{head}{self.open}{rest}{tail}".encode("utf-8")
        else:
            try:
                root = etree.fromstring(f"{head}{self.open}{rest}{tail}", _STRICT)
            except etree.XMLSyntaxError:
                return None
            if self.doc_pr:
                number_drawings(root)
            document = opc.serialize(root)
        core = opc.core_properties(self.core)
        describe_core(core, title=title, author=author, subject=subject, date=date())
        rendered = {"document": document, "core": opc.core_properties_xml(core)}
        for name, xml, encoding, constant in self.footers:
            rendered[name] = constant if constant is not None else _footer(template, xml, encoding, context, env)
        members, custom = [], None
        for member in self.members:
            if isinstance(member, Member):
                members.append(member)
            elif self.names[member] == "custom":
                custom = Member(member, self.custom)
            else:
                kind = self.names[member]
                members.append(Member(member, rendered[member if kind == "footer" else kind]))
        return zip_bytes(stamped(members, custom))


def _plain(value) -> bool:
    """Whether every value in the context is text the parser reads as it is written."""
    if isinstance(value, str):
        return bool(value) and not _UNPARSED.search(value)
    if isinstance(value, dict):
        return all(map(_plain, value.values()))
    if isinstance(value, list):
        return all(map(_plain, value))
    return False


def _canonical(body: str) -> bool:
    """Whether the patched ``body`` renders to exactly what parsing and serializing the
    rendering gives, for any values :func:`_plain` accepts: its text around the tags is
    lxml's own serialization; every tag is a value looked up, or a loop or branch over
    whole elements (never inside a tag, never all an element holds: its content could
    vanish); values stand in text."""
    value, block, jinja = re.compile(_VALUE), re.compile(_BLOCK), re.compile(_JINJA_START)
    if "\n" in body:  # see Prepared.source
        return False
    depth, blocks = 0, []  # blocks: the depth each open loop or branch started at
    elements = [[False, False]]  # per open element: [holds what is always written, holds a block]
    tags, pos = [], 0
    for piece in re.finditer(_PIECE, body):
        start = piece.start()
        if start < pos:  # inside a tag already read
            continue
        if start > pos:
            elements[-1][0] = True  # text
        token = piece.group()
        if token[0] == "{":
            tag = value.match(body, start)
            if tag is None:
                tag = block.match(body, start)
                if tag is None:
                    return False
                if tag.group("open"):
                    blocks.append(depth)
                elif not blocks or blocks[-1] != depth:
                    return False
                elif tag.group("close"):
                    blocks.pop()
                elements[-1][1] = True
            tags.append((start, tag.end()))
            pos = tag.end()
            continue
        pos = piece.end()
        if token.startswith(("<!", "<?")) or jinja.search(token):
            return False
        if token.startswith("</"):
            always, looped = elements.pop()
            depth -= 1
            if not elements or (blocks and depth < blocks[-1]) or (looped and not always):
                return False
            continue
        elements[-1][0] = True
        if not token.endswith("/>"):
            depth += 1
            elements.append([False, False])
    if blocks or depth:
        return False
    stub, last = [], 0
    for start, end in tags:
        stub += (body[last:start], "X")
        last = end
    stub = "".join(stub) + body[last:]
    try:
        return etree.tostring(etree.fromstring(stub, _STRICT), encoding="unicode") == stub
    except etree.XMLSyntaxError:
        return False


def _footer(template, xml: str, encoding: str, context, env) -> bytes:
    """A header or footer as docxtpl renders it: rendered, loaded as a part, serialized."""
    rendered = template.render_part(xml, context, env).encode(encoding)
    return opc.serialize(opc.parse(rendered))


def prepare(template, body: str, env) -> Prepared | None:
    """``template`` (opened, its patched body ``body``) prepared for rendering in ``env``,
    or None when rendering it is left to docxtpl in full. Describes the opened document
    and adds its fingerprint part, as a render does: the document serves only this."""
    docx = template.docx
    if template.renders_more():
        return None
    root = docx.element
    start = re.match(_START_TAG, body)
    if start is None or not _plain_namespaces(root, start.group("declarations")):
        return None
    shell = _shell(root)
    if shell is None or not _tables_stay(template, body):
        return None
    footers = []
    targets = opc.relationship_counts(docx)
    for part, xml, encoding in template.headers_footers():
        name = opc.member_name(part)
        if targets[name] != 1:  # docxtpl would write it twice
            return None
        footers.append((name, xml, encoding, None if "{" in xml else _footer(template, xml, encoding, {}, env)))

    core = opc.core_properties_xml(docx.core_properties)
    describe(docx, title="", author="")
    custom = fingerprint.custom_part(docx)
    members = package_members(docx)
    if members is None:
        return None
    names = {opc.member_name(docx.part): "document",
             opc.core_properties_name(docx): "core",
             opc.member_name(custom): "custom",
             **{name: "footer" for name, *_ in footers}}
    doc_pr = "docPr" in body
    return Prepared(template, body=body, start=start.group(0), open=f"<{start.group('name')}>", shell=shell,
                    doc_pr=doc_pr, canonical=not doc_pr and _canonical(body), footers=footers, core=core,
                    custom=custom.blob, members=[m.name if m.name in names else m for m in members], names=names)


def _plain_namespaces(root: etree._Element, declarations: str) -> bool:
    """Whether the body's own declarations are all the document element's, which has one
    prefix per namespace: docxtpl's move of the body into it then drops them all."""
    own = root.nsmap
    if len(set(own.values())) != len(own):
        return False
    return all(own.get(prefix or None) == uri for prefix, uri in re.findall(_DECLARATION, declarations))


def _shell(root: etree._Element) -> tuple[str, str] | None:
    """The document element serialized around an empty body: (before, after)."""
    shell = copy.deepcopy(root)
    bodies = [child for child in shell if child.tag == root.body.tag]
    if len(bodies) != 1 or bodies[0].attrib:
        return None
    body = bodies[0]
    for child in list(body):
        body.remove(child)
    body.text = None
    text = etree.tostring(shell, encoding="unicode")
    empty = f"<{body.prefix}:body/>" if body.prefix else "<body/>"
    if text.count(empty) != 1:
        return None
    head, tail = text.split(empty)
    return head, tail


def _tables_stay(template, body: str) -> bool:
    """Whether no rendering can reshape the tables -- no Jinja statement or comment inside
    one -- and docxtpl's fix of them leaves them as they are."""
    try:
        tree = etree.fromstring(body, etree.XMLParser(recover=True))
        for table in tree.iter(f"{{{tree.nsmap['w']}}}tbl"):
            if re.search(_STATEMENT, etree.tostring(table, encoding="unicode")):
                return False
        return etree.tostring(template.tables_fixed(body)) == etree.tostring(tree)
    except Exception:  # noqa: BLE001 -- whatever docxtpl's fix would raise, it raises when rendering in full
        return False
