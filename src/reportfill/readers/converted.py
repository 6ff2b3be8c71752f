"""Reports in the formats only an office suite reads -- old Word (.doc), WPS (.wps), RTF,
OpenDocument (.odt) -- read through LibreOffice: converted to DOCX, headless, then read
by the DOCX reader, keeping the kind of the original.

LibreOffice starts in seconds, so :func:`convert_all` converts every such file of a run
in one process (``reportfill.office.convert``); :func:`read` converts one file alone.
What the container says is looked at first, without LibreOffice: an OLE file holds a
Word document, an Excel workbook, or -- an encrypted Word or DOCX file -- only a
password-protected package, each told apart and refused with its own reason.
"""

from __future__ import annotations

import io
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..document import Document
from ..errors import Problem, ReportfillError
from ..files import link_or_copy
from .source import KIND_NAMES, Opened, open_source

_SUFFIX = {"doc": ".doc", "wps": ".doc", "rtf": ".rtf", "odt": ".odt"}  # what LibreOffice is told the file is
KINDS = tuple(_SUFFIX)  # the kinds of source read through LibreOffice

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODF_TEXT = b"mimetypeapplication/vnd.oasis.opendocument.text"
_F_ENCRYPTED = 0x0100  # FIB flag of a Word binary document whose streams are encrypted
_ENCRYPTED = ("文档设置了打开密码（已加密），无法读取其中的内容：请在 Word 或 WPS 中用密码打开，"
              "去掉密码（文件 → 信息 → 保护文档 → 用密码进行加密，清空密码）后保存，再核对")
_OTHER_OLE = {"workbook": "Excel 表格（.xls）", "book": "Excel 表格（.xls）",
              "powerpoint document": "PowerPoint 演示文稿（.ppt）"}


def kind(opened: Opened) -> str | None:
    """The kind of a file LibreOffice must convert ("doc", "wps", "rtf", "odt"), or None
    when it is none of them. An OLE file that is not a readable Word document is
    refused here, with what it is."""
    head = opened.head
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"PK\x03\x04") and head[30:30 + len(_ODF_TEXT)] == _ODF_TEXT:
        return "odt"
    if not head.startswith(OLE_MAGIC):
        return None
    _ole_word(opened)
    return "wps" if opened.where.lower().endswith(".wps") else "doc"


def _ole_word(opened: Opened) -> None:
    """Refuse an OLE file that is encrypted or holds no Word document."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(opened.read_all()))
    except (OSError, ValueError, struct.error, IndexError, TypeError) as exc:
        raise opened.refuse(f"文件已损坏，无法作为 Word 或 WPS 文档打开（{exc}）") from None
    with ole:
        streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=False)}
        if "encryptedpackage" in streams or "encryptioninfo" in streams:
            raise opened.refuse(_ENCRYPTED)
        if "worddocument" not in streams:
            other = next((name for stream, name in _OTHER_OLE.items() if stream in streams), None)
            raise opened.refuse(f"这是{other}，不是 Word 文档" if other else "这不是 Word 或 WPS 文档（OLE 文件中没有 Word 正文）")
        try:
            fib = ole.openstream("WordDocument").read(12)
        except OSError as exc:
            raise opened.refuse(f"文件已损坏，无法作为 Word 文档打开（{exc}）") from None
    if len(fib) < 12:
        raise opened.refuse("Word 文档已损坏（正文不完整）")
    if struct.unpack_from("<H", fib, 10)[0] & _F_ENCRYPTED:
        raise opened.refuse(_ENCRYPTED)


def read(opened: Opened, kind: str, converted: Path | None = None) -> Document:
    """Read a file of ``kind`` through the DOCX LibreOffice makes of it; ``converted`` is
    that DOCX when :func:`convert_all` made it already."""
    if converted is None:
        with _converted_one(opened, kind) as converted:
            return _read_docx(opened, converted, kind)
    return _read_docx(opened, converted, kind)


def _read_docx(opened: Opened, converted: Path, kind: str) -> Document:
    from . import docx

    with open_source(converted, opened.where) as inner:
        return docx.read(inner, kind)


@contextmanager
def _converted_one(opened: Opened, kind: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="reportfill-convert-") as tmp:
        source = Path(tmp) / f"report{_SUFFIX[kind]}"
        source.write_bytes(opened.read_all())
        results = _convert([source], Path(tmp) / "out", {source: opened.where}, kind_of={source: kind})
        outcome = results[source]
        if isinstance(outcome, ReportfillError):
            raise outcome
        yield outcome


@contextmanager
def convert_all(paths: list[Path]) -> Iterator[dict[Path, Path | ReportfillError]]:
    """Every file among ``paths`` that LibreOffice must convert, converted in one
    LibreOffice process: file -> the DOCX made of it (valid inside the ``with``), or the
    error that says why it could not be. Other files are left out; a file that cannot
    even be opened is left to the reader to refuse."""
    wanted: dict[Path, str] = {}
    for path in paths:
        try:
            with open_source(path, str(path)) as opened:
                found = kind(opened)
        except ReportfillError:
            continue
        if found:
            wanted[path] = found
    if not wanted:
        yield {}
        return
    with tempfile.TemporaryDirectory(prefix="reportfill-convert-") as tmp:
        staged: dict[Path, str] = {}
        links: dict[Path, Path] = {}
        for i, (path, found) in enumerate(wanted.items()):
            link = Path(tmp) / f"{i:04d}{_SUFFIX[found]}"
            link_or_copy(path, link)
            links[link] = path
            staged[link] = str(path)
        results = _convert(list(links), Path(tmp) / "out", staged, kind_of={link: wanted[p] for link, p in links.items()})
        yield {links[link]: outcome for link, outcome in results.items()}


def _convert(sources: list[Path], out_dir: Path, names: dict[Path, str],
             kind_of: dict[Path, str]) -> dict[Path, Path | ReportfillError]:
    """``office.convert`` of staged files, each outcome on its own: the DOCX, or the
    error naming the original file."""
    from .. import office

    try:
        written = office.convert(sources, "docx", out_dir)
        return dict(zip(sources, written))
    except office.OfficeNotFound as exc:
        return {s: _missing_office(names[s], kind_of[s], exc) for s in sources}
    except ReportfillError as exc:
        failed = {p.where: p.message for p in exc.problems}
        outcomes: dict[Path, Path | ReportfillError] = {}
        for source in sources:
            target = out_dir / f"{source.stem}.docx"
            if str(source) in failed or not target.is_file():
                why = failed.get(str(source)) or "; ".join(p.message for p in exc.problems)
                outcomes[source] = ReportfillError(Problem(names[source], f"LibreOffice 无法转换这个{KIND_NAMES[kind_of[source]]}（{why}），"
                                                                          "文件可能已损坏：请在 Word 或 WPS 中打开后“另存为” .docx 再核对"))
            else:
                outcomes[source] = target
        return outcomes


def _missing_office(where: str, kind: str, exc: ReportfillError) -> ReportfillError:
    return ReportfillError(Problem(where, f"这是{KIND_NAMES[kind]}，要用 LibreOffice 转换后才能核对：{exc.problems[0].message}"
                                          "（也可以在 Word 或 WPS 中“另存为” .docx 后再核对）"))
