"""Page images of a report, so a user or reviewer can look at it without an office suite.

DOCX → PDF (LibreOffice, in a temp dir, see :mod:`reportfill.office`) → one PNG per page
(poppler's ``pdftoppm -png -r 110``). Library code: raises
:class:`~reportfill.findings.ReportfillError`, never prints or exits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .. import office
from ..errors import Problem, ReportfillError
from ..files import link_or_copy, write_atomic

DPI = 110

PDFTOPPM_HINT = (
    "请先安装 poppler：Debian/Ubuntu 执行 sudo apt install poppler-utils；"
    "macOS 执行 brew install poppler；Windows 下载 poppler 并把其 bin 目录加入 PATH。"
)


def find_pdftoppm() -> Path | None:
    found = shutil.which("pdftoppm")
    return Path(found) if found else None


def preview(
    paths: Iterable[str | os.PathLike] | str | os.PathLike,
    out_dir: str | os.PathLike | None = None,
    *,
    dpi: int = DPI,
) -> list[Path]:
    """Write PNG images of every page of each report; return the written paths.

    ``paths`` are DOCX files (anything LibreOffice opens) or PDFs (used as they are).
    All documents convert in one LibreOffice process. Images are named
    ``{stem}-{page}.png`` (page numbers zero-padded to the same width, e.g. ``-01`` …
    ``-12``) and go to ``out_dir``, or to a folder ``{stem}-pages`` next to each report
    when ``out_dir`` is None. Images of the same name are replaced.

    Raises :class:`reportfill.office.OfficeNotFound` when LibreOffice or pdftoppm is
    missing and :class:`~reportfill.findings.ReportfillError` when a file cannot be
    converted.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    sources = [Path(p) for p in paths]
    missing = [Problem(str(p), "文件不存在。") for p in sources if not p.is_file()]
    if missing:
        raise ReportfillError(missing)
    pdftoppm = find_pdftoppm()
    if pdftoppm is None:
        raise office.OfficeNotFound(Problem("pdftoppm", "未找到 pdftoppm，无法生成页面图片。" + PDFTOPPM_HINT))

    with tempfile.TemporaryDirectory(prefix="reportfill-preview-") as tmp:
        tmp = Path(tmp)
        to_convert = [p for p in sources if p.suffix.lower() != ".pdf"]
        # Stage the inputs under unique names so two reports with one stem don't collide.
        staged = []
        for i, src in enumerate(to_convert):
            link = tmp / f"{i:04d}-{src.stem}{src.suffix}"
            link_or_copy(src, link)
            staged.append(link)
        converted = dict(zip(to_convert, office.convert(staged, "pdf", tmp / "pdf")))

        written: list[Path] = []
        for src in sources:
            pdf = src if src.suffix.lower() == ".pdf" else converted[src]
            dest = Path(out_dir) if out_dir is not None else src.parent / f"{src.stem}-pages"
            written += _rasterize(pdftoppm, pdf, dest, src.stem, dpi, tmp)
        return written


def _rasterize(pdftoppm: Path, pdf: Path, dest: Path, stem: str, dpi: int, tmp: Path) -> list[Path]:
    pages_dir = Path(tempfile.mkdtemp(prefix="pages-", dir=tmp))
    try:
        done = subprocess.run(
            [str(pdftoppm), "-png", "-r", str(dpi), str(pdf), str(pages_dir / "page")],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        raise ReportfillError(Problem(str(pdf), "pdftoppm 超时，未能生成页面图片。")) from None
    except OSError as e:
        raise office.OfficeNotFound(Problem("pdftoppm", f"无法运行 pdftoppm：{e}。" + PDFTOPPM_HINT)) from e
    # pdftoppm writes page-1.png … or page-01.png … depending on the page count.
    pages = sorted(pages_dir.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    if done.returncode != 0 or not pages:
        detail = done.stderr.decode("utf-8", "replace").strip()
        raise ReportfillError(
            Problem(str(pdf), "pdftoppm 未能生成页面图片" + (f"：{detail}" if detail else "。"))
        )
    width = len(str(len(pages)))
    out = []
    for page in pages:
        n = int(page.stem.rsplit("-", 1)[1])
        target = dest / f"{stem}-{n:0{width}d}.png"
        write_atomic(target, page.read_bytes())  # beside the target and renamed: never a partial image
        out.append(target)
    return out
