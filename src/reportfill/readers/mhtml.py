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

The archive is read here rather than by the :mod:`email` package, which builds the whole
tree first, keeps every line of a part as a string, and parses header parameters in
quadratic time: a small hostile file would take gigabytes or minutes. Here each step is
one pass of a regular expression or of a C decoder, and only the few header fields that
choose and decode the page are read.
"""

from __future__ import annotations

import binascii
import codecs
import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from ..document import Document
from . import html
from .source import Opened, megabytes

SUFFIXES = (".mht", ".mhtml")
MAX_MHTML_BYTES = 64 * 2**20  # the page and its images, base64 making them a third larger
MAX_PARTS = 10_000  # a saved page has its page, pictures, styles and frames: dozens
MAX_HEADER_BYTES = 64 * 1024  # a part's headers are a few lines (a long Content-Location at most)
MAX_FIELD_BYTES = 4096  # a Content-Type with its parameters is one line
_PAGE_TYPES = (b"text/html", b"application/xhtml+xml")
_ALTERNATIVE = b"multipart/alternative"
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_HEADER_LINE = re.compile(rb"[!-9;-~]+:")
_ARCHIVE_FIELD = re.compile(rb"(?:mime-version|content-type|content-location|snapshot-content-location):", re.I)
_MULTIPART_RELATED = re.compile(rb"content-type:[ \t]*multipart/related\b", re.I)
_FIELDS = {name: re.compile(rb"(?:\A|\n)" + name + rb"[ \t]*:([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)", re.I)
           for name in (b"content-type", b"content-id", b"content-transfer-encoding")}
_PARAMETER = re.compile(rb""";\s*([!#-'+.0-9A-Z^-~-]+)(?:\*(\d{1,3}))?(\*?)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)""", re.I)
_PAGE_END = re.compile(rb"</html\s*>", re.I)
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")
_AGAIN = "请用 Word、WPS 或浏览器重新保存为单个文件网页，或改用 DOCX 或网页文件"
_NO_PAGE = f"单个文件网页（.mht）中没有网页，只有图片等附属文件；{_AGAIN}"
_CUT = "单个文件网页（.mht）不完整：文件在网页中途断开（可能是下载或复制时中断），请重新获取文件"


def sniff(head: bytes) -> bool:
    """Whether the first bytes of a file are a web archive: a block of MIME headers that
    declares a multipart/related message, or -- when the block goes on past the bytes
    given -- one that begins as an archive's does. (An e-mail saved as .eml of that type
    is one too, and is read as what it is: a page with its pictures.)"""
    text = _content(head)
    end = _BLANK_LINE.search(text)
    lines = text[:end.start() if end else len(text)].split(b"\n")
    fields: list[bytes] = []
    for n, line in enumerate(lines):
        line = line.rstrip(b"\r")
        if line[:1] in (b" ", b"\t") and fields:  # the folded rest of a field
            fields[-1] += b" " + line.strip()
        elif _HEADER_LINE.match(line):
            fields.append(line)
        elif end is not None or n < len(lines) - 1:  # not a line cut where the bytes given end
            return False
    if any(_MULTIPART_RELATED.match(field) for field in fields):
        return True
    return end is None and any(_ARCHIVE_FIELD.match(field) for field in fields)


@dataclass
class _Part:
    """What is read of a part's (or the archive's) headers, and its body."""

    kind: bytes  # the media type, lower case ("text/html"); b"" when not stated
    parameters: dict[bytes, bytes]
    content_id: bytes
    encoding: bytes  # the Content-Transfer-Encoding, lower case
    body: bytes


def read(opened: Opened) -> Document:
    if opened.size > MAX_MHTML_BYTES:
        raise opened.refuse(f"单个文件网页（.mht）过大（{megabytes(opened.size)}），超过 {megabytes(MAX_MHTML_BYTES)} 的上限，"
                            "不像是年度报告")
    data = _content(opened.read_all())
    end = _BLANK_LINE.search(data, 0, MAX_HEADER_BYTES + 4)
    declared = _content_type(_field(data[:end.start() if end else MAX_HEADER_BYTES], b"content-type"), opened)[0]
    if declared != b"multipart/related":  # asked first: a file that is no archive has no headers to be too long
        raise opened.refuse("不是单个文件网页（.mht）：文件开头不是单个文件网页应有的信息头，可能已损坏或下载不完整；" + _AGAIN)
    archive = _part(data, opened)
    parts, closed = _parts(archive, opened)
    if not parts:
        raise opened.refuse(f"单个文件网页（.mht）中没有网页正文，文件可能已损坏或不完整；{_AGAIN}")
    at = _root(archive, parts)
    if at is None:
        raise opened.refuse(_CUT if not closed else _NO_PAGE)
    page = parts[at]
    if page.kind == _ALTERNATIVE:  # its last page is the one meant to be shown
        pages = [p for p in _parts(page, opened)[0] if p.kind in _PAGE_TYPES]
        if not pages:
            raise opened.refuse(_NO_PAGE)
        page = pages[-1]
    ends_inside = not closed and at == len(parts) - 1  # the file ends inside the page's part
    content = _decoded(page, opened, _CUT if ends_inside else None)
    if not content.strip():
        raise opened.refuse(f"单个文件网页（.mht）中的网页是空的，文件可能已损坏或不完整；{_AGAIN}")
    if ends_inside and not _PAGE_END.search(content[-4096:]):
        raise opened.refuse(_CUT)
    if len(content) > html.MAX_HTML_BYTES:
        raise opened.refuse(f"单个文件网页（.mht）中的网页过大（{megabytes(len(content))}），超过 "
                            f"{megabytes(html.MAX_HTML_BYTES)} 的上限，不像是年度报告")
    charset = page.parameters.get(b"charset", b"").decode("ascii", "replace")
    return html.read_page(opened, content, charset or None, kind="mht")


def _content(data: bytes) -> bytes:
    """The archive without what some writers put before its headers: a BOM, blank lines."""
    return data.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")


def _part(data: bytes, opened: Opened) -> _Part:
    """A message's (or a part's) headers, as far as they are read, and its body."""
    if data.startswith((b"\r\n", b"\n")):  # no headers at all
        return _Part(b"", {}, b"", b"", data.lstrip(b"\r\n"))
    end = _BLANK_LINE.search(data, 0, MAX_HEADER_BYTES + 4)
    if end is None and len(data) > MAX_HEADER_BYTES:
        raise opened.refuse(f"单个文件网页（.mht）中的信息头过长（超过 {MAX_HEADER_BYTES // 1024} KB），不是正常保存的网页，拒绝读取")
    head, body = (data[:end.start()], data[end.end():]) if end else (data, b"")
    kind, parameters = _content_type(_field(head, b"content-type"), opened)
    encoding = (_field(head, b"content-transfer-encoding").split() or [b""])[0].strip(b'"').lower()
    return _Part(kind, parameters, _content_id(_field(head, b"content-id")), encoding, body)


def _field(head: bytes, name: bytes) -> bytes:
    """The value of the first field ``name`` of a header block, unfolded."""
    found = _FIELDS[name].search(head)
    return re.sub(rb"\r?\n[ \t]", b" ", found.group(1)).strip() if found else b""


def _content_type(value: bytes, opened: Opened) -> tuple[bytes, dict[bytes, bytes]]:
    """The media type and the parameters of a Content-Type value (RFC 2045; a parameter
    ``name*`` in the percent-encoding of RFC 2231, its charset ignored)."""
    if len(value) > MAX_FIELD_BYTES:
        raise opened.refuse(f"单个文件网页（.mht）中的信息头过长（Content-Type 超过 {MAX_FIELD_BYTES} 字节），"
                            "不是正常保存的网页，拒绝读取")
    kind, _, rest = value.partition(b";")
    pieces: dict[bytes, dict[int, bytes]] = {}
    for name, number, extended, quoted in _PARAMETER.findall(b";" + rest):
        text = re.sub(rb"\\(.)", rb"\1", quoted[1:-1]) if quoted.startswith(b'"') else quoted
        if extended:  # charset'language'%XX…: the charset and language only in the first piece
            text = unquote_to_bytes(text.split(b"'", 2)[-1] if not number or number == b"0" else text)
        pieces.setdefault(name.lower(), {}).setdefault(int(number or 0), text)
    parameters = {name: b"".join(text for _, text in sorted(numbered.items())) for name, numbered in pieces.items()}
    return kind.strip().lower(), parameters


def _parts(multipart: _Part, opened: Opened) -> tuple[list[_Part], bool]:
    """The body parts of a multipart, and whether the closing delimiter ends them (RFC
    2046: a delimiter is a line of ``--boundary``, ``--boundary--`` for the last; the
    line break before it is the delimiter's, the one after it ends the line)."""
    boundary = multipart.parameters.get(b"boundary")
    if not boundary:
        return [], False
    body = multipart.body
    delimiter = re.compile(rb"(?:\A|\r?\n)--" + re.escape(boundary) + rb"(--)?[ \t]*(?=\r?\n|\Z)")
    pieces: list[bytes] = []
    start = None
    closed = False
    for match in delimiter.finditer(body):
        if start is not None:
            pieces.append(body[start:match.start()])
            if len(pieces) > MAX_PARTS:
                raise opened.refuse(f"单个文件网页（.mht）中的部分过多（超过 {MAX_PARTS} 个），不是正常保存的网页，拒绝读取")
        if match.group(1):
            closed = True
            break
        start = match.end() + (2 if body.startswith(b"\r\n", match.end()) else 1)
    else:
        if start is not None:
            pieces.append(body[start:])
    return [_part(piece, opened) for piece in pieces], closed


def _root(archive: _Part, parts: list[_Part]) -> int | None:
    """The index of the page part; None when the archive holds no page."""
    start = _content_id(archive.parameters.get(b"start", b""))
    named = next((i for i, part in enumerate(parts) if start and part.content_id == start), None)
    root = 0 if named is None else named
    if parts[root].kind in (*_PAGE_TYPES, _ALTERNATIVE):
        return root
    return next((i for i, part in enumerate(parts) if part.kind in _PAGE_TYPES), None)


def _content_id(value: bytes) -> bytes:
    """A Content-ID as compared: without its angle brackets (``start`` may name it with
    or without them)."""
    return value.strip().removeprefix(b"<").removesuffix(b">").strip()


def _decoded(part: _Part, opened: Opened, cut: str | None) -> bytes:
    """A part's body, its transfer encoding undone. Base64 is read as leniently as mail
    readers do -- bytes outside its alphabet skipped, left-out padding supplied --; when
    the file ends inside the part (``cut``, the refusal) an incomplete last group is the cut."""
    if part.encoding == b"quoted-printable":
        return binascii.a2b_qp(part.body)
    if part.encoding != b"base64":
        return part.body  # 7bit, 8bit, binary: as it is
    letters = _NOT_BASE64.sub(b"", part.body.partition(b"=")[0])
    if cut and len(letters) % 4:
        raise opened.refuse(cut)
    if len(letters) % 4 == 1:  # a lone sixth of a byte
        letters = letters[:-1]
    return binascii.a2b_base64(letters + b"=" * (-len(letters) % 4))
