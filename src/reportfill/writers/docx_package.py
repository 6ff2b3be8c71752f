"""DOCX packages written so that the same content gives the same bytes, and, for a
filled report, stamped with the fingerprint of that content (see :mod:`.fingerprint`)."""

from __future__ import annotations

import io
import zipfile

from . import fingerprint

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


class _Members:
    """python-docx's physical package writer interface, writing deterministic members.

    With ``stamp`` (the member name of the custom-properties part and its blob as the
    template had it), that member is held back and written last, stamped with the
    digest of every member written before it."""

    def __init__(self, stamp: tuple[str, bytes | None] | None = None):
        self.buffer = io.BytesIO()
        self.archive = zipfile.ZipFile(self.buffer, "w")
        self.stamp = stamp
        self.written: list[tuple[str, bytes]] = []

    def write(self, pack_uri, blob: bytes) -> None:
        self.add(pack_uri.membername, blob)

    def add(self, name: str, data: bytes) -> None:
        if self.stamp and name == self.stamp[0]:
            return
        if self.stamp:
            self.written.append((name, data))
        member = zipfile.ZipInfo(name, FIXED_TIME)
        member.compress_type = zipfile.ZIP_DEFLATED
        member.external_attr = 0o644 << 16
        self.archive.writestr(member, data, compresslevel=6)

    def close(self) -> bytes:
        if self.stamp:
            name, custom_xml = self.stamp
            self.stamp = None
            self.add(name, fingerprint.stamped(custom_xml, fingerprint.digest(self.written)))
        self.archive.close()
        return self.buffer.getvalue()


def deterministic_zip(data: bytes, stamp: tuple[str, bytes | None] | None = None) -> bytes:
    """Re-pack a zip with fixed timestamps and attributes, keeping the member order.

    python-docx stamps every member with the current time, which alone makes two fills
    of the same input differ; the content itself is already deterministic."""
    members = _Members(stamp)
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        for info in src.infolist():
            members.add(info.filename, src.read(info))
    return members.close()


def package_bytes(document, *, stamp: bool = False) -> bytes:
    """A python-docx ``Document`` as DOCX bytes, exactly ``deterministic_zip`` of what
    ``document.save`` writes, made in one pass: saving compresses every part and
    re-packing decompresses and compresses it all again, a fifth of a fill's time.
    ``stamp`` adds the fingerprint of what is written as a custom document property.

    The members are written in python-docx's own order by its own (internal) package
    writer steps; should a python-docx release rename them, this falls back to saving
    and re-packing."""
    from docx.opc.pkgwriter import PackageWriter

    held = None
    if stamp:
        custom = fingerprint.custom_part(document)
        held = (custom.partname.membername, custom.blob)
    steps = [getattr(PackageWriter, name, None)
             for name in ("_write_content_types_stream", "_write_pkg_rels", "_write_parts")]
    if not all(steps):
        return _saved_and_repacked(document, held)
    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    members = _Members(held)
    steps[0](members, parts)
    steps[1](members, package.rels)
    steps[2](members, parts)
    return members.close()


def _saved_and_repacked(document, stamp: tuple[str, bytes | None] | None = None) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue(), stamp)
