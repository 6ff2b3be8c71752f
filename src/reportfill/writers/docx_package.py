"""DOCX packages written so that the same content gives the same bytes, and, for a
filled report, stamped with the fingerprint of that content (see :mod:`.fingerprint`).

The zip is written here rather than by :mod:`zipfile`, member by member exactly as
``zipfile`` writes a deflated member with fixed attributes (and the same on every
platform), because a member can then be compressed once and written again and again:
most parts of a filled report are the template's, unchanged, and compressing them was
a fifth of a fill.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib

from . import fingerprint, opc

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
COMPRESSION = 6  # zlib's default: a level below compresses document.xml a fifth worse, saving 0.2 ms
_DOS_DATE = (FIXED_TIME[0] - 1980) << 9 | FIXED_TIME[1] << 5 | FIXED_TIME[2]
_DOS_TIME = FIXED_TIME[3] << 11 | FIXED_TIME[4] << 5 | FIXED_TIME[5] // 2
_VERSION = 20  # "deflate", the version zipfile writes
_UNIX = 3  # the system zipfile names on anything but Windows; one for every platform here
_FILE_MODE = 0o644 << 16
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_UTF8_NAME = 0x800
_LIMIT = (1 << 31) - 1  # no member or archive of a report comes near; beyond, zipfile would need zip64


class Member:
    """One member of a package, compressed (when first written): it can be written into
    any number of zips."""

    __slots__ = ("name", "data", "_compressed", "_crc", "_digest")

    def __init__(self, name: str, data: bytes):
        self.name, self.data = name, data
        self._compressed = self._crc = self._digest = None

    @classmethod
    def restored(cls, name: str, data: bytes, compressed: bytes, crc: int, digest: bytes) -> Member:
        """A member as :attr:`compressed`, :attr:`crc` and :attr:`digest` gave it before."""
        member = cls(name, data)
        member._compressed, member._crc, member._digest = compressed, crc, digest
        return member

    @property
    def compressed(self) -> bytes:
        if self._compressed is None:
            compressor = zlib.compressobj(COMPRESSION, zlib.DEFLATED, -15)
            self._compressed = compressor.compress(self.data) + compressor.flush()
        return self._compressed

    @property
    def crc(self) -> int:
        if self._crc is None:
            self._crc = zlib.crc32(self.data)
        return self._crc

    @property
    def digest(self) -> bytes:
        """The SHA-256 of the uncompressed bytes, as :func:`fingerprint.digest` takes it."""
        if self._digest is None:
            self._digest = hashlib.sha256(self.data).digest()
        return self._digest


def zip_bytes(members: list[Member]) -> bytes:
    """The zip of ``members``, in order: what ``zipfile.ZipFile(..., "w").writestr(info,
    data, compresslevel=COMPRESSION)`` writes for each, ``info`` a deflated
    ``ZipInfo(name, FIXED_TIME)`` with mode 0644, on a Unix system."""
    out = bytearray()
    central = bytearray()
    for member in members:
        try:
            name, flags = member.name.encode("ascii"), 0
        except UnicodeEncodeError:
            name, flags = member.name.encode("utf-8"), _UTF8_NAME
        data = member.compressed
        offset = len(out)
        if max(len(member.data), offset + len(data)) > _LIMIT:
            raise ValueError(f"{member.name}: too large for a report package")
        out += _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE,
                           member.crc, len(data), len(member.data), len(name), 0)
        out += name
        out += data
        central += _CENTRAL.pack(b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, flags, zipfile.ZIP_DEFLATED,
                                 _DOS_TIME, _DOS_DATE, member.crc, len(data), len(member.data), len(name), 0, 0,
                                 0, 0, _FILE_MODE, offset)
        central += name
    start = len(out)
    out += central
    out += _END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(central), start, 0)
    return bytes(out)


def stamped(members: list[Member], custom: Member) -> list[Member]:
    """``members`` followed by ``custom`` (the custom-properties part as the template has
    it) stamped with the fingerprint of the members before it."""
    total = fingerprint.digest_of((m.name, m.digest) for m in members)
    return [*members, Member(custom.name, fingerprint.stamped(custom.data or None, total))]


class _Members:
    """The members of a zip being re-packed.

    With ``stamp`` (the member name of the custom-properties part and its blob as the
    template had it), that member is held back and written last, stamped with the
    digest of every member written before it."""

    def __init__(self, stamp: tuple[str, bytes | None] | None = None):
        self.stamp = stamp
        self.members: list[Member] = []

    def add(self, name: str, data: bytes) -> None:
        if not (self.stamp and name == self.stamp[0]):
            self.members.append(Member(name, data))

    def close(self) -> bytes:
        if self.stamp:
            name, custom_xml = self.stamp
            return zip_bytes(stamped(self.members, Member(name, custom_xml or b"")))
        return zip_bytes(self.members)


def deterministic_zip(data: bytes, stamp: tuple[str, bytes | None] | None = None) -> bytes:
    """Re-pack a zip with fixed timestamps and attributes, keeping the member order.

    python-docx stamps every member with the current time, which alone makes two fills
    of the same input differ; the content itself is already deterministic."""
    members = _Members(stamp)
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        for info in src.infolist():
            members.add(info.filename, src.read(info))
    return members.close()


def package_members(document) -> list[Member] | None:
    """A python-docx ``Document``'s members as ``document.save`` writes them, in its
    order (see :func:`.opc.package_members`); None should a python-docx release rename
    the steps that write them."""
    members = opc.package_members(document)
    return None if members is None else [Member(name, data) for name, data in members]


def package_bytes(document, *, stamp: bool = False) -> bytes:
    """A python-docx ``Document`` as DOCX bytes, exactly ``deterministic_zip`` of what
    ``document.save`` writes, made in one pass: saving compresses every part and
    re-packing decompresses and compresses it all again. ``stamp`` adds the fingerprint
    of what is written as a custom document property."""
    held = None
    if stamp:
        custom = fingerprint.custom_part(document)
        held = (opc.member_name(custom), custom.blob)
    members = package_members(document)
    if members is None:
        return _saved_and_repacked(document, held)
    packed = _Members(held)
    for member in members:
        packed.add(member.name, member.data)
    return packed.close()


def _saved_and_repacked(document, stamp: tuple[str, bytes | None] | None = None) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return deterministic_zip(out.getvalue(), stamp)
