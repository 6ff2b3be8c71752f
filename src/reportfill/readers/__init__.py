"""Readers: each turns one kind of source into the neutral document model.

:func:`read` opens a file, tells by its content (not its name) what kind it is, and
hands it to the reader for that kind. Everything after this package works on
:class:`~reportfill.document.Document` alone.
"""

from __future__ import annotations

from pathlib import Path

from ..document import Document
from . import docx
from .source import Opened, open_source

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read(source: Path | str | bytes, where: str | None = None) -> Document:
    """The document at ``source`` (a path or a file's bytes); ``where`` names it in
    messages. Raises :class:`~reportfill.errors.ReportfillError` with the reason when it
    cannot be read as a report."""
    where = where or (str(source) if not isinstance(source, bytes) else "文档")
    with open_source(source, where) as opened:
        return _reader(opened)(opened)


def _reader(opened: Opened):
    head = opened.head
    if head.startswith(b"PK"):
        return docx.read
    if head.startswith(_OLE_MAGIC):
        raise opened.refuse("这是旧版 Word（.doc）或 WPS（.wps）文件，或是加了密码的文档，不是 DOCX："
                            "请在 Word 或 WPS 中去掉密码、“另存为” .docx 后再核对")
    if head.startswith(b"%PDF"):
        raise opened.refuse("这是 PDF 文件，不是 DOCX：请用报告的 Word 原文件核对")
    if head.startswith(b"{\\rtf"):
        raise opened.refuse("这是 RTF 文件，不是 DOCX：请在 Word 或 WPS 中“另存为” .docx 后再核对")
    raise opened.refuse("不是 DOCX 文件（DOCX 是 ZIP 压缩包，而这个文件不是），请确认选对了文件")
