"""Prepared templates kept on disk, so that a new process need not prepare them again.

Preparing a template -- docxtpl patching its body, Jinja compiling it, python-docx
opening and serializing the package -- costs a fresh ``reportfill fill`` process more than
rendering and checking the report. What preparing gives depends only on the template's
bytes, the report format, and the code that does it; stored under a name made from all
of them, it can never be taken for another template's, or for what a different version
of reportfill, docxtpl, python-docx, Jinja or Python would prepare.

The folder is the user's own cache folder (``REPORTFILL_CACHE`` names another; set to an
empty value, nothing is stored): created readable by its owner only, and not used when it
is anyone else's or others may write in it. Files are written whole and then renamed into
place, and carry a digest of their content, so a file half written, damaged or truncated
is never read. Anything unexpected -- no home folder, a full disk, a read-only file
system -- only means the template is prepared again; the cache never fails a fill.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import sys
import tempfile
import zlib
from functools import lru_cache
from pathlib import Path

ENVIRONMENT = "REPORTFILL_CACHE"
_MAGIC = b"reportfill-prepared-1\n"
# The modules whose code decides what preparing gives -- the format too, which the
# template is checked against (their source is part of the name).
_MODULES = ("writers/render.py", "writers/prepared.py", "writers/docxtpl_steps.py", "writers/opc.py",
            "writers/docx_package.py", "writers/properties.py", "writers/fingerprint.py", "writers/templates.py",
            "writers/stored.py", "format/formats.py", "format/spec.py")


def folder() -> Path | None:
    """Where prepared templates are kept, or None for nowhere."""
    configured = os.environ.get(ENVIRONMENT)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
    else:
        base = os.environ.get("XDG_CACHE_HOME")
        if not base:
            try:
                base = str(Path.home() / ".cache")
            except RuntimeError:  # no home folder
                return None
    return Path(base) / "reportfill" if base else None


@lru_cache(maxsize=1)
def _code_version() -> bytes | None:
    """What the name of a stored template depends on besides the template itself; None
    when the code cannot be read (then nothing is stored)."""
    import docx
    import docxtpl
    import jinja2
    from lxml import etree

    from .. import __version__

    digest = hashlib.sha256(_MAGIC)
    versions = (__version__, docxtpl.__version__, docx.__version__, jinja2.__version__, etree.LXML_VERSION,
                etree.LIBXML_VERSION, zlib.ZLIB_RUNTIME_VERSION, sys.version, importlib.util.MAGIC_NUMBER)
    digest.update(repr(versions).encode())
    package = Path(__file__).parents[1]
    try:
        for module in _MODULES:
            digest.update((package / module).read_bytes())
    except OSError:
        return None
    return digest.digest()


def key(*parts: bytes | str) -> str | None:
    """The file name for what is prepared from ``parts`` (the template's bytes, its format
    …); None when nothing can be stored."""
    version = _code_version()
    if version is None:
        return None
    digest = hashlib.sha256(version)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def _usable(path: Path) -> bool:
    """Whether ``path`` (the cache folder) is this user's alone to write in."""
    if sys.platform == "win32":
        return path.is_dir()
    status = path.stat()
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def load(name: str | None):
    """What was stored under ``name``, or None."""
    where = folder()
    if where is None or name is None:
        return None
    try:
        if not _usable(where):
            return None
        data = (where / name).read_bytes()
        if not data.startswith(_MAGIC):
            return None
        digest, payload = data[len(_MAGIC):len(_MAGIC) + 32], data[len(_MAGIC) + 32:]
        if hashlib.sha256(payload).digest() != digest:
            return None
        return marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError):
        return None


def store(name: str | None, value) -> None:
    """Keep ``value`` (anything :mod:`marshal` writes) under ``name``, if possible."""
    where = folder()
    if where is None or name is None:
        return
    try:
        payload = marshal.dumps(value)
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _usable(where):
            return
        fd, staged = tempfile.mkstemp(prefix=".", suffix=".part", dir=where)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(staged, where / name)
        except BaseException:
            Path(staged).unlink(missing_ok=True)
            raise
    except (OSError, ValueError):
        return
