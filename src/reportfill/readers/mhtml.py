"""The web archive reader: a page saved as one file (.mht, .mhtml) becomes a
:class:`~reportfill.document.Document`.

Word's and WPS's "单个文件网页", and a browser's "网页，单个文件", are MIME messages
(RFC 2557): a ``multipart/related`` whose root part is the page -- quoted-printable or
base64, in the charset the part declares -- followed by its images, styles and frames.
Offices still save reports this way, and portals attach such files. The root part is
taken as the standard says (the ``start`` parameter, else the first part; the first HTML
part when the root is no page) and handed to the HTML reader; the rest is never decoded.
The archive's own headers are not used: its Date is when it was saved, not published.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import Message
from email.utils import collapse_rfc2231_value

from ..document import Document
from . import html
from .source import Opened, megabytes

MAX_MHTML_BYTES = 64 * 2**20  # the page and its images, base64 making them a third larger
_HEADER_BYTES = 4096
_PAGE_TYPES = ("text/html", "application/xhtml+xml")
_MULTIPART_RELATED = re.compile(rb"^content-type:[ \t]*multipart/related\b", re.I | re.M)
_HEADER_LINE = re.compile(rb"[!-9;-~]+:|[ \t]")  # a header field, or the folded rest of one


def sniff(head: bytes) -> bool:
    """Whether the first bytes of a file are a web archive: a block of MIME headers that
    declares a multipart/related message."""
    text = head[:_HEADER_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    block = re.split(rb"\r?\n\r?\n", text, maxsplit=1)[0]
    lines = block.splitlines()
    return bool(lines) and all(_HEADER_LINE.match(line) for line in lines) \
        and _MULTIPART_RELATED.search(block) is not None


def read(opened: Opened) -> Document:
    if opened.size > MAX_MHTML_BYTES:
        raise opened.refuse(f"单个文件网页（.mht）过大（{megabytes(opened.size)}），超过 {megabytes(MAX_MHTML_BYTES)} 的上限，"
                            "不像是年度报告")
    try:
        archive = email.message_from_bytes(opened.read_all(), policy=email.policy.compat32)
    except RecursionError:  # the email package parses nested multiparts by recursion
        raise opened.refuse("单个文件网页（.mht）的结构嵌套过深，不是正常保存的网页，拒绝读取") from None
    page = _root(archive)
    if page is None:
        raise opened.refuse("单个文件网页（.mht）中没有网页正文，文件可能已损坏或不完整，请重新保存或获取文件")
    data = page.get_payload(decode=True)
    if not data or not data.strip():
        raise opened.refuse("单个文件网页（.mht）中的网页是空的，文件可能已损坏或不完整，请重新保存或获取文件")
    if len(data) > html.MAX_HTML_BYTES:
        raise opened.refuse(f"单个文件网页（.mht）中的网页过大（{megabytes(len(data))}），超过 "
                            f"{megabytes(html.MAX_HTML_BYTES)} 的上限，不像是年度报告")
    return html.read_page(opened, data, page.get_content_charset(), kind="mht")


def _root(archive: Message) -> Message | None:
    """The page part of the archive: the part ``start`` names, else the first, when it is
    a page; otherwise the first page among the parts. None when it holds no page (a
    multipart/related without its parts, cut off or without a boundary)."""
    if not archive.is_multipart():
        return None
    parts = [part for part in archive.get_payload() if not part.is_multipart()]
    start = _content_id(collapse_rfc2231_value(archive.get_param("start") or ""))
    named = next((part for part in parts if start and _content_id(part.get("Content-ID") or "") == start), None)
    root = named or (parts[0] if parts else None)
    if root is not None and root.get_content_type() in _PAGE_TYPES:
        return root
    return next((part for part in parts if part.get_content_type() in _PAGE_TYPES), None)


def _content_id(value: str) -> str:
    """A Content-ID as compared: without the angle brackets (the email package strips
    them from a parameter's value, not from a header)."""
    return value.strip().removeprefix("<").removesuffix(">").strip()
