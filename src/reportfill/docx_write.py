"""Writing DOCX files so that the same content gives the same bytes, and a failed run
never leaves a partial or damaged file behind."""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

from .findings import Problem, ReportfillError

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_file_name(text: str) -> str:
    """``text`` with the characters Windows forbids in file names replaced: titles and
    agency names become file names, and a report is often opened on Windows."""
    return UNSAFE_IN_FILE_NAMES.sub("_", text)


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    fixed = zipfile.ZipInfo(name, FIXED_TIME)
    fixed.compress_type = zipfile.ZIP_DEFLATED
    fixed.external_attr = 0o644 << 16
    archive.writestr(fixed, data, compresslevel=6)


def deterministic_zip(data: bytes) -> bytes:
    """Re-pack a zip with fixed timestamps and attributes, keeping the member order.

    python-docx stamps every member with the current time, which alone makes two fills
    of the same input differ; the content itself is already deterministic."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            _add(dst, info.filename, src.read(info))
    return out.getvalue()


class _Members:
    """python-docx's physical package writer interface, writing deterministic members."""

    def __init__(self):
        self.buffer = io.BytesIO()
        self.archive = zipfile.ZipFile(self.buffer, "w")

    def write(self, pack_uri, blob: bytes) -> None:
        _add(self.archive, pack_uri.membername, blob)

    def close(self) -> None:
        self.archive.close()


def package_bytes(document) -> bytes:
    """A python-docx ``Document`` as DOCX bytes, exactly ``deterministic_zip`` of what
    ``document.save`` writes, made in one pass: saving compresses every part and
    re-packing decompresses and compresses it all again, a fifth of a fill's time.

    The members are written in python-docx's own order by its own (internal) package
    writer steps; should a python-docx release rename them, this falls back to saving
    and re-packing."""
    from docx.opc.pkgwriter import PackageWriter

    steps = [getattr(PackageWriter, name, None)
             for name in ("_write_content_types_stream", "_write_pkg_rels", "_write_parts")]
    if not all(steps):
        return _saved_and_repacked(document)
    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    members = _Members()
    steps[0](members, parts)
    steps[1](members, package.rels)
    steps[2](members, parts)
    members.close()
    return members.buffer.getvalue()


def _saved_and_repacked(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue())


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename,
    so readers see the old file or the new one, never a half-written one."""
    commit(stage(path, data), path)


def stage(path: Path, data: bytes, folder: Path | None = None) -> Path:
    """The first half of :func:`write_atomic`: write ``data``, synced to disk, to a hidden
    temporary file beside ``path`` (or in ``folder``, which must be on the same file
    system) and return its name. :func:`commit` puts it in place; a caller that decides
    against it unlinks it."""
    path = Path(path)
    if path.is_dir():
        raise ReportfillError(Problem(str(path), "输出路径是一个文件夹；请给出 .docx 文件名，例如 -o 报告.docx"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportfillError(Problem(str(path.parent), f"无法创建输出文件夹（{exc.strerror}）")) from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=".part", dir=folder or path.parent)
    except OSError as exc:
        raise ReportfillError(Problem(str(path.parent), f"输出文件夹不可写（{exc.strerror}）；请换一个文件夹或检查权限")) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ReportfillError(Problem(str(path), f"无法写入（{exc.strerror}）；如果文件正在 Word/WPS 中打开，请先关闭")) from None
        raise
    return Path(tmp)


def commit(staged: Path, path: Path) -> None:
    """Rename a file written by :func:`stage` over ``path``; on failure it is removed and
    ``path`` is left as it was."""
    try:
        os.replace(staged, path)
    except BaseException as exc:
        Path(staged).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ReportfillError(Problem(str(path), f"无法写入（{exc.strerror}）；如果文件正在 Word/WPS 中打开，请先关闭")) from None
        raise
