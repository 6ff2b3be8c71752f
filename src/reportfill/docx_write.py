"""Writing DOCX files so that the same content gives the same bytes, and a failed run
never leaves a partial or damaged file behind."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

from .findings import Problem, ReportfillError

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


def deterministic_zip(data: bytes) -> bytes:
    """Re-pack a zip with fixed timestamps and attributes, keeping the member order.

    python-docx stamps every member with the current time, which alone makes two fills
    of the same input differ; the content itself is already deterministic."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info), compresslevel=6)
    return out.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename,
    so readers see the old file or the new one, never a half-written one."""
    path = Path(path)
    if path.is_dir():
        raise ReportfillError(Problem(str(path), "输出路径是一个文件夹；请给出 .docx 文件名，例如 -o 报告.docx"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportfillError(Problem(str(path.parent), f"无法创建输出文件夹（{exc.strerror}）")) from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise ReportfillError(Problem(str(path.parent), f"输出文件夹不可写（{exc.strerror}）；请换一个文件夹或检查权限")) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ReportfillError(Problem(str(path), f"无法写入（{exc.strerror}）；如果文件正在 Word/WPS 中打开，请先关闭")) from None
        raise
