"""Writing files so that a failed or interrupted run never leaves a partial or damaged
file behind, under names every operating system accepts -- and never replaces a file
without keeping it as ``name.bak.ext`` when it may be someone's work."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from .errors import Problem, ReportfillError

MAX_NAME_BYTES = 230
UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_file_name(text: str) -> str:
    """``text`` with the characters Windows forbids in file names replaced: titles and
    agency names become file names, and a report is often opened on Windows. Leading
    dots are replaced too: a name starting with one is hidden (and ``..`` is no name).
    A name too long for a file system is cut short."""
    safe = UNSAFE_IN_FILE_NAMES.sub("_", text)
    dots = len(safe) - len(safe.lstrip("."))
    safe = "_" * dots + safe[dots:]
    # File systems stop at 255 bytes: room is left for ".bak-2.docx"; a character cut in two is dropped.
    return safe.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore")


def write_atomic(path: Path, data: bytes, *, suffix: str = "") -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename,
    so readers see the old file or the new one, never a half-written one. ``suffix`` is
    as :func:`stage` takes it."""
    commit(stage(path, data, suffix=suffix), path)


def stage(path: Path, data: bytes, folder: Path | None = None, *, suffix: str = "", sync: bool = True) -> Path:
    """The first half of :func:`write_atomic`: write ``data`` to a hidden temporary file
    beside ``path`` (or in ``folder``, which must be on the same file system), synced to
    disk, and return its name. :func:`commit` puts it in place; a caller that decides
    against it unlinks it. ``suffix`` is the kind of file being written (".toml"), for
    the message when ``path`` is a folder; by default ``path``'s own. A caller staging
    many files passes ``sync=False`` and syncs them together with :func:`sync_staged`
    before putting any in place."""
    path = Path(path)
    if path.is_dir():
        wanted = suffix or path.suffix.lower()
        name = f"请给出 {wanted} 文件名，例如 -o 文件名{wanted}" if wanted else "请给出文件名"
        raise ReportfillError(Problem(str(path), f"输出路径是一个文件夹；{name}"))
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
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from None
        raise
    return Path(tmp)


SYNCING_AT_ONCE = 8  # fsyncs in flight together


def sync_staged(staged: list[Path]) -> dict[Path, OSError]:
    """Sync files staged with ``sync=False``, several at once; returns those that could
    not be synced, with why. One fsync after another costs a batch of reports about as
    much as writing them; fsyncs issued together are written in fewer journal commits.
    Each file is still synced on its own, so a failed write is that file's failure."""
    if len(staged) <= 1:
        errors = list(map(_sync_error, staged))
    else:
        with ThreadPoolExecutor(max_workers=min(SYNCING_AT_ONCE, len(staged))) as pool:
            errors = list(pool.map(_sync_error, staged))
    return {path: error for path, error in zip(staged, errors) if error is not None}


def _sync_error(path: Path) -> OSError | None:
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        return exc
    return None


def cannot_write(path: Path, exc: OSError) -> ReportfillError:
    """Why ``path`` could not be written, as every write here says it."""
    return ReportfillError(Problem(str(path), f"无法写入（{exc.strerror}）；如果文件正在 Word/WPS 中打开，请先关闭"))


def commit(staged: Path, path: Path) -> None:
    """Rename a file written by :func:`stage` over ``path``; on failure it is removed and
    ``path`` is left as it was."""
    try:
        os.replace(staged, path)
    except BaseException as exc:
        Path(staged).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise cannot_write(path, exc) from None
        raise


class Written(NamedTuple):
    """A file written, and where the file it replaced was kept (None: it replaced none)."""

    path: Path
    backup: Path | None


def write_keeping(path: Path, data: bytes, *, force: bool, exists: str, suffix: str = "") -> Written:
    """:func:`write_atomic`, where an existing file at ``path`` may hold someone's work:
    without ``force`` it is left as it is and :class:`ReportfillError` says ``exists``;
    with ``force`` it is replaced and kept as ``name.bak.ext`` (see :func:`backup_name`).
    Nothing is kept or replaced unless the new file was written."""
    path = Path(path)
    backup = None
    if path.is_file():
        if not force:
            raise ReportfillError(Problem(str(path), exists))
        backup = backup_name(path)
    replace_keeping(stage(path, data, suffix=suffix), path, backup)
    return Written(path, backup)


def replace_keeping(staged: Path, path: Path, backup: Path | None) -> None:
    """:func:`commit` ``staged`` over ``path``, keeping the file there as ``backup`` first
    when one is given; if it cannot be kept, ``staged`` is removed and ``path`` left."""
    try:
        if backup is not None:
            keep(path, backup)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    commit(staged, path)


def backup_name(path: Path) -> Path:
    """Where ``path`` is kept when it is replaced: ``name.bak.ext``, or ``name.bak-2.ext`` …
    when that exists."""
    for n in itertools.count(1):
        backup = path.with_name(f"{path.stem}.bak{'' if n == 1 else f'-{n}'}{path.suffix}")
        if not backup.exists():
            return backup


_BACKUP = re.compile(r"\.bak(?:-\d+)?\.[^.]+$", re.IGNORECASE)


def is_backup(path: Path) -> bool:
    """Whether ``path`` is named as :func:`backup_name` names a file it kept."""
    return bool(_BACKUP.search(Path(path).name))


def keep(path: Path, backup: Path) -> None:
    """The file at ``path``, also at ``backup``; raises :class:`ReportfillError` when it
    cannot be kept."""
    try:
        link_or_copy(path, backup)
    except OSError as exc:
        raise ReportfillError(Problem(str(backup), f"无法保留原文件（{exc.strerror}），没有覆盖 {path.name}")) from None


def link_or_copy(source: Path, target: Path) -> None:
    """``source`` also at ``target``: a hard link, or a copy on a file system without hard
    links (FAT, some network shares) or across file systems. Raises :class:`OSError`."""
    try:
        os.link(Path(source).resolve(), target)
    except OSError:
        shutil.copy2(source, target)
