"""The web archive reader: a page saved as one file (.mht, .mhtml) becomes a
:class:`~reportfill.document.Document`.

Word's and WPS's "单个文件网页", and a browser's "网页，单个文件", are MIME messages
(RFC 2557): a ``multipart/related`` whose root part is the page -- quoted-printable or
base64 -- followed by its images, styles and frames. Offices still save reports this
way, and portals attach such files. The root is the part the ``start`` parameter names,
else the first (RFC 2557); a ``multipart/alternative`` root gives its last page (RFC
2046); a root that is no page gives way to the first page among the parts. The root is
handed to the HTML reader; nothing else is decoded. The archive's own headers are not
used: its Date is when it was saved, not published.

The archive is split here rather than by the :mod:`email` package, which builds the
whole tree first: a small hostile file of millions of parts, or of parts nested a few
hundred deep, would take gigabytes or minutes. Only the chosen part is parsed by it.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import collapse_rfc2231_value

from ..document import Document
from . import html
from .source import Opened, megabytes

SUFFIXES = (".mht", ".mhtml")
MAX_MHTML_BYTES = 64 * 2**20  # the page and its images, base64 making them a third larger
MAX_PARTS = 10_000  # a saved page has its page, pictures, styles and frames: dozens
MAX_HEADER_BYTES = 64 * 1024  # a part's headers are a few lines; the email package parses parameters in quadratic time
_PAGE_TYPES = ("text/html", "application/xhtml+xml")
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_HEADER_LINE = re.compile(rb"[!-9;-~]+:")
_MULTIPART_RELATED = re.compile(rb"content-type:[ \t]*multipart/related\b", re.I)
_PAGE_END = re.compile(rb"</html\s*>", re.I)
_AGAIN = "请用 Word、WPS 或浏览器重新保存为单个文件网页，或改用 DOCX 或网页文件"
_CUT = "单个文件网页（.mht）不完整：文件在网页中途断开（可能是下载或复制时中断），请重新获取文件"


def sniff(head: bytes) -> bool:
    """Whether the first bytes of a file are a web archive: a block of MIME headers that
    declares a multipart/related message. (An e-mail saved as .eml of that type is one
    too, and is read as what it is: a page with its pictures.)"""
    text = _content(head)
    end = _BLANK_LINE.search(text)
    lines = text[:end.start() if end else len(text)].split(b"\n")
    if end is None:  # the headers go on past the bytes sniffed: the last line may be cut
        lines = lines[:-1]
    fields: list[bytes] = []
    for line in lines:
        line = line.rstrip(b"\r")
        if line[:1] in (b" ", b"\t") and fields:  # the folded rest of a field
            fields[-1] += b" " + line.strip()
        elif _HEADER_LINE.match(line):
            fields.append(line)
        else:
            return False
    return any(_MULTIPART_RELATED.match(field) for field in fields)


def read(opened: Opened) -> Document:
    if opened.size > MAX_MHTML_BYTES:
        raise opened.refuse(f"单个文件网页（.mht）过大（{megabytes(opened.size)}），超过 {megabytes(MAX_MHTML_BYTES)} 的上限，"
                            "不像是年度报告")
    headers, body = _split_headers(_content(opened.read_all()), opened)
    if headers.get_content_type() != "multipart/related":
        raise opened.refuse("不是单个文件网页（.mht）：文件开头不是单个文件网页应有的信息头，可能已损坏或下载不完整；" + _AGAIN)
    parts, closed = _parts(body, headers.get_boundary(), opened)
    if not parts:
        raise opened.refuse(f"单个文件网页（.mht）中没有网页正文，文件可能已损坏或不完整；{_AGAIN}")
    at = _root(headers, parts, opened)
    if at is None:
        raise opened.refuse(_CUT if not closed else f"单个文件网页（.mht）中没有网页，只有图片等附属文件；{_AGAIN}")
    root = parts[at]
    kind, inside = _split_headers(root, opened)
    if kind.get_content_type() == "multipart/alternative":  # its last page is the one meant to be shown
        inner, _ = _parts(inside, kind.get_boundary(), opened)
        pages = [p for p in inner if _split_headers(p, opened)[0].get_content_type() in _PAGE_TYPES]
        if not pages:
            raise opened.refuse(f"单个文件网页（.mht）中没有网页，只有图片等附属文件；{_AGAIN}")
        root = pages[-1]
    page = email.message_from_bytes(root, policy=email.policy.compat32)  # one part, not multipart: no tree
    data = page.get_payload(decode=True)
    if not data.strip():
        raise opened.refuse(f"单个文件网页（.mht）中的网页是空的，文件可能已损坏或不完整；{_AGAIN}")
    if not closed and at == len(parts) - 1 and not _PAGE_END.search(data[-4096:]):
        raise opened.refuse(_CUT)
    if len(data) > html.MAX_HTML_BYTES:
        raise opened.refuse(f"单个文件网页（.mht）中的网页过大（{megabytes(len(data))}），超过 "
                            f"{megabytes(html.MAX_HTML_BYTES)} 的上限，不像是年度报告")
    return html.read_page(opened, data, page.get_content_charset(), kind="mht")


def _content(data: bytes) -> bytes:
    """The archive without what some writers put before its headers: a BOM, blank lines."""
    return data.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")


def _split_headers(data: bytes, opened: Opened) -> tuple[Message, bytes]:
    """A message's (or a part's) headers, parsed, and its body, as bytes."""
    if data.startswith((b"\r\n", b"\n")):  # no headers at all
        return Message(), data.lstrip(b"\r\n")
    end = _BLANK_LINE.search(data, 0, MAX_HEADER_BYTES + 4)
    if end is None and len(data) > MAX_HEADER_BYTES:
        raise opened.refuse(f"单个文件网页（.mht）中的信息头过长（超过 {MAX_HEADER_BYTES // 1024} KB），不是正常保存的网页，拒绝读取")
    head, body = (data[:end.start()], data[end.end():]) if end else (data, b"")
    return BytesHeaderParser(policy=email.policy.compat32).parsebytes(head), body


def _parts(body: bytes, boundary: str | None, opened: Opened) -> tuple[list[bytes], bool]:
    """The body parts of a multipart body, each with its headers, and whether the
    closing delimiter ends them (RFC 2046: a delimiter is a line of ``--boundary``,
    ``--boundary--`` for the last; the line break before it is the delimiter's)."""
    if not boundary:
        return [], False
    marker = boundary.encode("ascii", "surrogateescape")
    delimiter = re.compile(rb"(?:\A|\r?\n)--" + re.escape(marker) + rb"(--)?[ \t]*(?:\r?\n|\Z)")
    parts: list[bytes] = []
    start = None
    for match in delimiter.finditer(body):
        if start is not None:
            parts.append(body[start:match.start()])
            if len(parts) > MAX_PARTS:
                raise opened.refuse(f"单个文件网页（.mht）中的部分过多（超过 {MAX_PARTS} 个），不是正常保存的网页，拒绝读取")
        if match.group(1):
            return parts, True
        start = match.end()
    if start is not None:
        parts.append(body[start:])
    return parts, False


def _root(headers: Message, parts: list[bytes], opened: Opened) -> int | None:
    """The index of the page part; None when the archive holds no page."""
    kinds = [_split_headers(part, opened)[0] for part in parts]
    start = _content_id(collapse_rfc2231_value(headers.get_param("start") or ""))
    named = next((i for i, part in enumerate(kinds) if start and _content_id(part.get("Content-ID", "")) == start), None)
    root = 0 if named is None else named
    if kinds[root].get_content_type() in (*_PAGE_TYPES, "multipart/alternative"):
        return root
    return next((i for i, part in enumerate(kinds) if part.get_content_type() in _PAGE_TYPES), None)


def _content_id(value) -> str:
    """A Content-ID as compared: text (a header holding raw 8-bit bytes is a Header
    object), without the angle brackets the email package strips from a parameter."""
    return str(value).strip().removeprefix("<").removesuffix(">").strip()
