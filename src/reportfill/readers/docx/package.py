"""Opening a DOCX that someone else made, without trusting it.

``check`` reads files from anywhere: downloads, colleagues, other agencies. A file may be
no DOCX at all, be cut short, or be built to hurt the reader -- a part that inflates to
gigabytes, a zip with millions of entries, XML that declares entities to pull in local
files or fetch URLs. Every limit below is far above what a real annual report needs, and
every refusal is a :class:`ReportfillError` in words a clerk can act on. Only the parts a
check needs are ever decompressed. (What any file can get wrong -- missing, empty, too
big -- is refused before, in :mod:`reportfill.readers.source`.)
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from typing import BinaryIO

from lxml import etree

from ..source import Opened, megabytes
from .wordml import w

MAX_PART_BYTES = 16 * 2**20  # word/document.xml of a 30-page report is under 2 MB
MAX_ENTRIES = 5000  # a DOCX has a few dozen parts
IN_MEMORY_BYTES = 16 * 2**20  # a DOCX up to this size is read whole before it is unzipped
_CHUNK = 2**20
_MAIN_PART = "word/document.xml"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"  # ends the relationship type, transitional or strict
_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR, _ZIP64_END = b"PK\x06\x07", b"PK\x06\x06"
MAX_DIRECTORY_BYTES = 4 * 2**20  # a DOCX's central directory is a few KB
try:  # as the zip module imports it: a Python may be built without it
    import lzma
except ImportError:  # pragma: no cover
    lzma = None
# What a damaged compressed part raises as it is decompressed (bzip2's is an OSError).
_DAMAGED_DATA = (zlib.error, lzma.LZMAError) if lzma else (zlib.error,)
_OTHER_OFFICE_FILES = {"xl/workbook.xml": "Excel 表格", "ppt/presentation.xml": "PowerPoint 演示文稿"}


def _parser() -> etree.XMLParser:
    """Entities are never expanded, no DTD is loaded, nothing is fetched."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False)


def read_document(opened: Opened) -> etree._Element:
    """The parsed ``w:document`` element of an opened DOCX."""
    name, data = _unpacked(opened, lambda package: _main_part(package, opened.refuse))
    root = _parse_xml(data, name, opened.refuse)
    if root.tag != w("document"):
        raise opened.refuse(f"{name} 不是 Word 正文，无法按年度报告读取")
    return root


def read_part(opened: Opened, name: str) -> etree._Element | None:
    """The parsed part ``name`` of an opened DOCX (``word/fontTable.xml``), under the
    limits the document itself is read with; None when the package has no such part."""
    name, data = _unpacked(opened, lambda package: name if name in package.namelist() else None)
    return None if data is None else _parse_xml(data, name, opened.refuse)


def _unpacked(opened: Opened, which) -> tuple[str | None, bytes | None]:
    """The part ``which(package)`` names (None: no part), decompressed -- refused with
    the reason when the file is no DOCX, is damaged, or is built to exhaust the reader."""
    stream, size, refuse = opened.stream, opened.size, opened.refuse
    if not opened.head.startswith(b"PK"):
        raise refuse("不是 DOCX 文件（DOCX 是 ZIP 压缩包，而这个文件不是），请确认选对了文件")
    if size <= IN_MEMORY_BYTES:  # read at once: the zip module's many seeks and reads are then in memory
        stream.seek(0)
        data = stream.read(IN_MEMORY_BYTES + 1)
        if len(data) <= IN_MEMORY_BYTES:  # not grown past it since it was opened
            stream, size = io.BytesIO(data), len(data)
    declared = _declared_entries(stream, size)
    if declared is not None:
        entries, directory = declared
        if entries > MAX_ENTRIES:
            raise refuse(f"压缩包中的条目过多（{entries} 个），不是正常的 DOCX 文件")
        if directory > MAX_DIRECTORY_BYTES:
            raise refuse(f"压缩包的目录过大（{megabytes(directory)}），不是正常的 DOCX 文件")
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as package:
            name = which(package)
            return name, (None if name is None else _part(package, name, refuse))
    except zipfile.BadZipFile:
        raise refuse("DOCX 文件不完整或已损坏（ZIP 压缩包无法读取），可能是下载或复制时中断，请重新获取文件") from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, OSError) as exc:
        raise refuse(f"DOCX 文件已损坏，无法解压（{exc}）") from None


def _declared_entries(stream: BinaryIO, size: int) -> tuple[int, int] | None:
    """The entry count and the central directory's size in bytes, as the zip's end
    record (or its ZIP64 record) declares them, read before the zip module builds an
    object per entry; None when there is no end record (the zip module then says so).
    The zip module reads the directory by its size, whatever the count says, so both
    are bounded."""
    tail = min(size, 22 + 0xFFFF)
    stream.seek(size - tail)
    data = stream.read(tail)
    at = data.rfind(_END_OF_DIRECTORY)
    if at < 0 or at + 22 > len(data):
        return None
    entries, directory = struct.unpack_from("<HI", data, at + 10)
    locator = at - 20
    if locator >= 56 and data[locator:locator + 4] == _ZIP64_LOCATOR:
        # As the zip module reads it: a ZIP64 record right before its locator is used
        # whatever the classic record says (0xFFFF, or a small count hiding a big one).
        record = data[locator - 56:locator]
        if record.startswith(_ZIP64_END):
            entries, directory = struct.unpack_from("<QQ", record, 32)
    return entries, directory


def _main_part(package: zipfile.ZipFile, refuse) -> str:
    """The main document part, as the package's relationships name it."""
    names = {n.casefold(): n for n in package.namelist()}  # part names ignore case (OPC)
    name = _MAIN_PART
    if "_rels/.rels" in names:
        rels = _parse_xml(_part(package, names["_rels/.rels"], refuse), "_rels/.rels", refuse)
        for rel in rels.iter(_RELATIONSHIP):  # not a comment or processing instruction
            if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT) and rel.get("Target"):
                name = posixpath.normpath("/" + rel.get("Target")).lstrip("/")  # "word/../word/document.xml"
                break
    name = names.get(name.casefold(), name)
    if name in _OTHER_OFFICE_FILES or name not in names.values():
        other = next((kind for part, kind in _OTHER_OFFICE_FILES.items() if part in names), None)
        if other:
            raise refuse(f"这是 {other}，不是 Word 文档（DOCX）")
        raise refuse(f"压缩包里没有 Word 正文（{name}），不是 DOCX 文件")
    return name


def _part(package: zipfile.ZipFile, name: str, refuse) -> bytes:
    """One part, decompressed in chunks under a hard cap whatever its header declares."""
    info = package.getinfo(name)
    if info.flag_bits & 0x1:
        raise refuse("文档已加密，请在 Word 或 WPS 中去掉密码后再核对")
    if info.file_size > MAX_PART_BYTES:
        raise refuse(f"{name} 解压后有 {megabytes(info.file_size)}，超过 {megabytes(MAX_PART_BYTES)} 的上限"
                     "（可能是恶意构造的“压缩炸弹”），拒绝读取")
    out = bytearray()
    try:
        with package.open(info) as part:
            while chunk := part.read(_CHUNK):
                out += chunk
                if len(out) > MAX_PART_BYTES:
                    raise refuse(f"{name} 解压后超过 {megabytes(MAX_PART_BYTES)} 的上限"
                                 "（可能是恶意构造的“压缩炸弹”），拒绝读取")
    except _DAMAGED_DATA:
        raise refuse(f"DOCX 文件已损坏：{name} 无法解压") from None
    return bytes(out)


def _parse_xml(data: bytes, name: str, refuse) -> etree._Element:
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise refuse(f"{name} 不是有效的 XML（{exc}），文件可能已损坏") from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise refuse(f"{name} 含有 DTD（文档类型声明），Word 文件不会有这种内容，出于安全考虑拒绝读取")
    return root
