"""DOCX packages written so that the same content gives the same bytes."""

from __future__ import annotations

import io
import zipfile

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


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
