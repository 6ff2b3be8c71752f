"""Writing files so that a failed or interrupted run never leaves a partial or damaged
file behind, under names every operating system accepts."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .errors import Problem, ReportfillError

UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_file_name(text: str) -> str:
    """``text`` with the characters Windows forbids in file names replaced: titles and
    agency names become file names, and a report is often opened on Windows."""
    return UNSAFE_IN_FILE_NAMES.sub("_", text)


_BACKUP = re.compile(r"\.bak(?:-\d+)?\.docx$", re.IGNORECASE)


def is_backup(path: Path) -> bool:
    """Whether ``path`` is named as ``fill --force`` names the file it kept."""
    return bool(_BACKUP.search(path.name))


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
