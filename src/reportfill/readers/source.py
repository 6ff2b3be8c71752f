"""Opening a file someone else made: the checks every reader needs before its own.

``check`` reads files from anywhere -- downloads, colleagues, other agencies -- so a
path may be missing, a folder, unreadable, empty or absurdly large. Each case is refused
here once, in words a clerk can act on, before any reader looks at the content; and the
first bytes are read so the dispatcher can tell what kind of file it really is, whatever
its name says.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import Problem, ReportfillError

#: Each kind of source a reader yields (``Document.kind``, ``Result.kind``), as a clerk calls it.
KIND_NAMES = {"docx": "DOCX", "html": "网页", "mht": "单个文件网页（.mht）", "pdf": "PDF", "doc": "旧版 Word 文档（.doc）",
              "wps": "WPS 文档（.wps）", "rtf": "RTF 文档", "odt": "OpenDocument 文档（.odt）", "toml": "TOML 输入"}

MAX_FILE_BYTES = 200 * 2**20  # a report with scanned seals is a few MB
HEAD_BYTES = 4096  # enough to see a magic number, a BOM or an HTML page's <meta charset>


@dataclass
class Opened:
    """An open source: its stream (at position 0), size and first bytes."""

    stream: BinaryIO
    size: int
    head: bytes
    where: str

    def refuse(self, message: str) -> ReportfillError:
        return ReportfillError(Problem(self.where, message))

    def read_all(self) -> bytes:
        self.stream.seek(0)
        return self.stream.read()


def megabytes(size: int) -> str:
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{size} 字节"


@contextmanager
def open_source(source: Path | str | bytes, where: str) -> Iterator[Opened]:
    """The file at ``source`` (a path or the file's bytes), refused with the reason when
    it cannot be a report at all."""
    def refuse(message: str) -> ReportfillError:
        return ReportfillError(Problem(where, message))

    if isinstance(source, bytes):
        size, stream = len(source), io.BytesIO(source)
    else:
        path = Path(source)
        try:
            if path.is_dir():
                raise refuse("这是一个文件夹，不是报告文件")
            size = path.stat().st_size
            stream = path.open("rb") if size <= MAX_FILE_BYTES else None
        except FileNotFoundError:
            raise refuse("找不到这个文件，请检查路径和文件名") from None
        except PermissionError:
            raise refuse("没有读取这个文件的权限") from None
        except OSError as exc:
            raise refuse(f"无法打开文件（{exc.strerror or exc}）") from None
    if size > MAX_FILE_BYTES:
        raise refuse(f"文件过大（{megabytes(size)}），超过 {megabytes(MAX_FILE_BYTES)} 的上限：年度报告的文件通常只有几 MB，"
                     "请确认选对了文件")
    if size == 0:
        stream.close()
        raise refuse("文件是空的（0 字节），不是年度报告")
    with stream:
        head = stream.read(HEAD_BYTES)
        stream.seek(0)
        yield Opened(stream, size, head, where)
