"""Readers: each turns one kind of source into the neutral document model.

:func:`read` opens a file, tells by its content (not its name) what kind it is, and
hands it to the reader for that kind: DOCX (:mod:`.docx`), an HTML page (:mod:`.html`),
a page saved as one file (.mht, :mod:`.mhtml`), a PDF (:mod:`.pdf`), or -- through
LibreOffice -- .doc, .wps, .rtf and .odt (:mod:`.converted`). Everything after this
package works on :class:`~reportfill.document.Document` alone. A reader is imported when a file of its
kind comes: ``fill`` reads back only the DOCX it wrote.
"""

from __future__ import annotations

from pathlib import Path

from ..document import Document
from . import converted
from .source import Opened, open_source

#: File names a folder's reports have; ``check DIR`` reads these and lists the rest as skipped.
REPORT_SUFFIXES = (".docx", ".docm", ".htm", ".html", ".shtml", ".xhtml", ".mht", ".mhtml", ".pdf", ".doc", ".wps", ".rtf",
                   ".odt")


def read(source: Path | str | bytes, where: str | None = None, *, converted_docx: Path | None = None) -> Document:
    """The document at ``source`` (a path or a file's bytes); ``where`` names it in
    messages; ``converted_docx`` is the DOCX LibreOffice already made of it, for a .doc
    converted with others (:func:`reportfill.readers.converted.convert_all`). Raises
    :class:`~reportfill.errors.ReportfillError` with the reason when it cannot be read
    as a report."""
    where = where or (str(source) if not isinstance(source, bytes) else "文档")
    with open_source(source, where) as opened:
        return _read(opened, converted_docx)


def _read(opened: Opened, converted_docx: Path | None) -> Document:
    head = opened.head
    needs_office = converted.kind(opened)
    if needs_office:
        return converted.read(opened, needs_office, converted_docx)
    if head.startswith(b"PK"):
        from . import docx

        return docx.read(opened)
    if head.startswith(b"%PDF") or head[:1024].lstrip().startswith(b"%PDF"):
        from . import pdf

        return pdf.read(opened)
    from . import html, mhtml

    named = opened.where.lower()
    page = html.sniff(head)
    if mhtml.sniff(head) or (named.endswith(mhtml.SUFFIXES) and not page):  # it refuses what is no archive
        return mhtml.read(opened)
    if page:
        return html.read(opened)
    if named.endswith(".toml"):
        raise opened.refuse("这是 reportfill 的输入文件（TOML），不是报告：请用 reportfill fill 生成报告"
                            "（生成时会核对每一个数），再核对生成的 DOCX")
    if named.endswith(".docx"):
        raise opened.refuse("不是 DOCX 文件（DOCX 是 ZIP 压缩包，而这个文件不是），请确认选对了文件")
    if named.endswith(".pdf"):
        raise opened.refuse("不是 PDF 文件（文件开头没有 PDF 标记），可能已损坏或下载不完整，请重新获取文件")
    raise opened.refuse("不是能读取的报告文件：支持 Word（.docx、.doc）、WPS（.wps）、网页（.htm、.html、.mht）、PDF、RTF 和 "
                        "OpenDocument（.odt）格式，请确认选对了文件")
