"""The PDF reader: a report published as a PDF becomes a
:class:`~reportfill.document.Document`, through pdfplumber (MIT).

A PDF holds glyphs at positions, not paragraphs and tables, so both are rebuilt the way
a reader of the printed page sees them:

* Tables are found by their ruling lines; each cell's box gives its grid position and
  spans (the distinct column and row edges of the table), its glyphs its text, one line
  per printed line -- a vertical label printed one character per line stays one cell.
* A table that runs off the bottom of a page and goes on at the top of the next is
  stitched into one: the header rows the next page repeats are dropped, a row broken
  across the page becomes one row again, and a merged cell cut by the page break (the
  vertical 三、本年度办理结果, printed partly on each page) one cell with its whole text.
* Lines outside tables become paragraphs: a line ends its paragraph when it stops short
  of the right margin, the next one is indented, centred, set in another size, or
  further down than the line pitch. Page numbers and running headers and footers --
  lines in the top or bottom band of the page that are a page number or repeat on
  other pages -- are dropped.

A PDF without a text layer is a scan: it is refused with that reason, since only its
images could be read.
"""

from __future__ import annotations

import contextlib
import math
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..document import Cell, Document, Paragraph, Table
from ..text import is_number
from .grid import drop_empty_columns
from .source import Opened, megabytes

MAX_PDF_BYTES = 64 * 2**20
MAX_PAGES = 300  # a report has a few dozen pages at most
MAX_CHARS_PER_PAGE = 50_000
_BAND = 0.1  # top and bottom share of a page where running headers, footers and page numbers sit
_EDGE = 2.0  # points within which two cell edges are the same edge
_PAGE_NUMBER = re.compile(r"^[\s\-—–―_·•]*(?:第\s*\d{1,4}\s*页\s*(?:[,，/／]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}(?:\s*[/／]\s*\d{1,4})?)"
                          r"[\s\-—–―_·•]*$")
_ENUMERATION = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[一二三四五六七八九十]+\s*[、.．]|\d+\s*[.．、])")
_CLOSING = "、，。；：）》」』】,.;:)"


@dataclass
class _Box:
    """A table cell as printed: its box on the (stitched) page and its text lines."""

    x0: float
    top: float
    x1: float
    bottom: float
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class _PageTable:
    page: int
    boxes: list[_Box]

    @property
    def x0(self) -> float:
        return min(b.x0 for b in self.boxes)

    @property
    def x1(self) -> float:
        return max(b.x1 for b in self.boxes)

    @property
    def top(self) -> float:
        return min(b.top for b in self.boxes)

    @property
    def bottom(self) -> float:
        return max(b.bottom for b in self.boxes)


@dataclass
class _PageContent:
    lines: list[_Line]
    tables: list[_PageTable]
    images: int
    width: float
    height: float


@dataclass
class _Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str


def read(opened: Opened) -> Document:
    import pdfplumber

    if opened.size > MAX_PDF_BYTES:
        raise opened.refuse(f"PDF 文件过大（{megabytes(opened.size)}），超过 {megabytes(MAX_PDF_BYTES)} 的上限，不像是年度报告")
    with _unreadable(opened):
        pdf = pdfplumber.open(opened.stream)
    try:
        with _unreadable(opened):
            count = len(pdf.pages)
        if count > MAX_PAGES:
            raise opened.refuse(f"PDF 有 {count} 页，超过 {MAX_PAGES} 页的上限，不像是年度报告")
        pages = []
        for i, page in enumerate(pdf.pages):
            with _unreadable(opened):
                chars = page.chars
            if len(chars) > MAX_CHARS_PER_PAGE:  # before its tables are looked for
                raise opened.refuse(f"PDF 第 {i + 1} 页的文字过多，不像是年度报告")
            with _unreadable(opened):
                cells, images = [t.cells for t in page.find_tables()], len(page.images)
                size = float(page.width), float(page.height)
            pages.append(_read_page(chars, cells, images, size, i))
        with _unreadable(opened):
            title = " ".join(str((pdf.metadata or {}).get("Title") or "").split())
    finally:
        with contextlib.suppress(Exception):  # closing walks the pages again, raising what they raised
            pdf.close()
    if not any(page.lines or page.tables for page in pages):
        if any(page.images for page in pages):
            raise opened.refuse("这是扫描件（PDF 里只有页面图片，没有文字层），其中的文字无法读取：请向发布单位索取 Word 原文件"
                                "或可以复制文字的 PDF 后再核对")
        raise opened.refuse("PDF 中没有文字，无法读取")
    return Document(_blocks(pages), "pdf", title=title if "报告" in title else "")


# What pdfplumber's page code raises on a page dictionary it cannot read (a box of three
# numbers, a rotation that is a name, no box at all), beside pdfminer's own exceptions.
_MALFORMED = (TypeError, ValueError, IndexError, KeyError, AttributeError, ArithmeticError)


@contextlib.contextmanager
def _unreadable(opened: Opened):
    """Around each call into pdfplumber: what it cannot read is a damaged file."""
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    try:
        yield
    except PdfminerException as exc:
        raise opened.refuse(_damaged(exc)) from None
    except (MalformedPDFException, *_MALFORMED):
        raise opened.refuse("PDF 文件已损坏或不完整，无法读取（页面的结构无法识别）") from None


def _damaged(exc: Exception) -> str:
    """What a clerk is told when pdfminer cannot open a PDF. pdfplumber wraps pdfminer's
    exception, and a missing password raises one with no message at all, so the kind is
    told by its class: PDFPasswordIncorrect for an open password (every standard security
    handler raises it), its base PDFEncryptionError for an encryption pdfminer cannot undo."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    cause = exc.args[0] if exc.args else exc
    reason = str(cause).strip()
    if isinstance(cause, PDFPasswordIncorrect):
        return ("PDF 设置了打开密码（已加密），无法读取其中的内容：请向发布单位索取未加密的文件，"
                "或用密码打开后另存为不加密的 PDF，再核对")
    if isinstance(cause, PDFEncryptionError):
        return (f"PDF 的加密方式无法识别（{reason or '未知'}），无法读取其中的内容：请向发布单位索取未加密的文件，"
                "或打开后重新打印为 PDF，再核对")
    return f"PDF 文件已损坏或不完整，无法读取（{reason}）" if reason else "PDF 文件已损坏或不完整，无法读取"


# ---------------------------------------------------------------- one page


def _read_page(chars: list[dict], cells: list, images: int, size: tuple[float, float], number: int) -> _PageContent:
    """A page from what pdfplumber found on it: its glyphs, its tables' cell boxes, how
    many images. Glyphs and boxes placed at an infinite or undefined position (which a
    damaged or hostile file can state) are dropped."""
    chars = [c for c in chars if all(map(math.isfinite, (c["x0"], c["x1"], c["top"], c["bottom"], c["size"])))]
    tables = []
    for found in cells:
        boxes = [_Box(*cell) for cell in found
                 if all(map(math.isfinite, cell)) and cell[2] - cell[0] > 1 and cell[3] - cell[1] > 1]
        if boxes:
            tables.append(_PageTable(number, boxes))
    free = []
    held: dict[int, list[dict]] = {}
    for char in chars:
        x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        box = next((b for t in tables for b in t.boxes if b.x0 <= x <= b.x1 and b.top <= y <= b.bottom), None)
        if box is not None:
            held.setdefault(id(box), []).append(char)
        elif not any(t.x0 <= x <= t.x1 and t.top <= y <= t.bottom for t in tables):
            free.append(char)
    for table in tables:
        for box in table.boxes:
            box.lines = [line.text for line in _lines(held.get(id(box), []), number)]
    return _PageContent(_lines(free, number), tables, images, *size)


def _lines(chars: list[dict], page: int) -> list[_Line]:
    """Glyphs grouped into printed lines, top to bottom, each left to right."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        for line in reversed(lines[-3:]):
            first = line[0]
            overlap = min(first["bottom"], char["bottom"]) - max(first["top"], char["top"])
            if overlap > 0.5 * min(first["size"], char["size"]):
                line.append(char)
                break
        else:
            lines.append([char])
    out = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        text = []
        for previous, char in zip([None, *line], line):
            if previous is not None and char["x0"] - previous["x1"] > char["size"] and text and text[-1] != " ":
                text.append(" ")
            text.append(char["text"])
        joined = "".join(text).strip()
        if joined:
            size = statistics.median(c["size"] for c in line)
            out.append(_Line(page, min(c["top"] for c in line), max(c["bottom"] for c in line),
                             line[0]["x0"], line[-1]["x1"], size, joined))
    out.sort(key=lambda ln: ln.top)
    return out


# ---------------------------------------------------------------- the whole document


def _blocks(pages: list[_PageContent]) -> list[Paragraph | Table]:
    furniture = _furniture(pages)
    flow: list[_Line | _PageTable] = []
    for page in pages:
        items: list[_Line | _PageTable] = [ln for ln in page.lines if id(ln) not in furniture]
        items += page.tables
        items.sort(key=lambda item: item.top)
        flow += items
    flow = _stitch(flow)
    margins = _margins([item for item in flow if isinstance(item, _Line)], max(p.width for p in pages))
    blocks: list[Paragraph | Table] = []
    tables = 0
    paragraph: list[_Line] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Paragraph(_join(paragraph)))
            paragraph.clear()

    for item in flow:
        if isinstance(item, _PageTable):
            flush()
            table = Table(_grid(item.boxes))
            blocks.append(table)
            blocks += [Paragraph(cell.text, (tables,)) for cell in table.cells if cell.text.strip()]
            tables += 1
        else:
            if paragraph and _starts_paragraph(paragraph[-1], item, margins):
                flush()
            paragraph.append(item)
    flush()
    return blocks


def _furniture(pages: list[_PageContent]) -> set[int]:
    """Page numbers and running headers and footers (by ``id`` of their lines): the
    first or last line of a page when it is a page number, and lines in the top or
    bottom band of a page that recur there (digits aside) on other pages."""
    found = set()
    for page in pages:
        for ln in page.lines[:1] + page.lines[-1:]:
            if _PAGE_NUMBER.match(ln.text) and not any(t.top <= ln.top <= t.bottom for t in page.tables):
                found.add(id(ln))
    banded = [ln for page in pages for ln in page.lines
              if ln.bottom <= _BAND * page.height or ln.top >= (1 - _BAND) * page.height]
    recurring: dict[str, set[int]] = {}
    for ln in banded:
        recurring.setdefault(re.sub(r"\d+", "#", ln.text), set()).add(ln.page)
    return found | {id(ln) for ln in banded if len(recurring[re.sub(r"\d+", "#", ln.text)]) >= 2}


@dataclass(frozen=True)
class _Margins:
    left: float
    right: float


def _margins(lines: list[_Line], page_width: float) -> _Margins:
    """The text column: its left edge (where the lines that are not indented start),
    and where full lines end (as far right as the left margin is wide, unless lines
    show the text reaches further)."""
    if not lines:
        return _Margins(0, page_width)
    starts: dict[int, int] = {}
    for ln in lines:
        starts[round(ln.x0)] = starts.get(round(ln.x0), 0) + 1
    left = min((x for x, n in starts.items() if n >= 2), default=min(starts))
    ends = sorted(ln.x1 for ln in lines)
    return _Margins(left, max(page_width - left, ends[int(0.9 * (len(ends) - 1))]))


def _starts_paragraph(previous: _Line, line: _Line, margins: _Margins) -> bool:
    em = max(line.size, 1.0)
    if line.page != previous.page:
        return previous.x1 < margins.right - 1.5 * em or line.x0 > margins.left + 0.8 * em
    if abs(line.size - previous.size) > 0.15 * em:
        return True
    if _centred(previous, margins) and _centred(line, margins):
        return line.top - previous.bottom > 1.2 * em
    if line.top - previous.bottom > 1.0 * em:
        return True
    return previous.x1 < margins.right - 1.5 * em or line.x0 > margins.left + 0.8 * em


def _centred(line: _Line, margins: _Margins) -> bool:
    gap_left, gap_right = line.x0 - margins.left, margins.right - line.x1
    return gap_left > 2 * line.size and abs(gap_left - gap_right) < 1.5 * line.size


def _join(lines: list[_Line]) -> str:
    """A paragraph's lines as one text: CJK lines join directly, Latin words with a space."""
    text = lines[0].text
    for line in lines[1:]:
        latin = text[-1:].isascii() and text[-1:].isalnum() and line.text[:1].isascii() and line.text[:1].isalnum()
        text += (" " if latin else "") + line.text
    return text


# ---------------------------------------------------------------- tables over pages


def _stitch(flow: list[_Line | _PageTable]) -> list[_Line | _PageTable]:
    """Tables continued on the next page, read as one table."""
    out: list[_Line | _PageTable] = []
    for item in flow:
        before = out[-1] if out else None
        if isinstance(item, _PageTable) and isinstance(before, _PageTable) and _continues(before, item):
            out[-1] = _joined(before, item)
        else:
            out.append(item)
    return out


def _continues(first: _PageTable, second: _PageTable) -> bool:
    """Two tables next to each other in the flow -- the last thing on one page and the
    first on the next -- that span the same width."""
    return second.page == first.page + 1 and abs(first.x0 - second.x0) <= 3 * _EDGE \
        and abs(first.x1 - second.x1) <= 3 * _EDGE


def _bands(boxes: list[_Box]) -> list[float]:
    return _edges([b.top for b in boxes] + [b.bottom for b in boxes])


def _edges(values: Iterable[float]) -> list[float]:
    edges: list[float] = []
    for v in sorted(values):
        if not edges or v - edges[-1] > _EDGE:
            edges.append(v)
    return edges


def _joined(first: _PageTable, second: _PageTable) -> _PageTable:
    top_boxes = _without_repeated_header(first.boxes, second.boxes)
    if not top_boxes:
        return first
    offset = first.bottom - min(b.top for b in top_boxes)
    moved = [_Box(b.x0, b.top + offset, b.x1, b.bottom + offset, b.lines) for b in top_boxes]
    bottom = first.bottom
    above = [b for b in first.boxes if abs(b.bottom - bottom) <= _EDGE]
    below = [b for b in moved if abs(b.top - bottom) <= _EDGE]
    pairs = [(a, b) for b in below for a in above if abs(a.x0 - b.x0) <= _EDGE and abs(a.x1 - b.x1) <= _EDGE]
    broken_row = _row_broken(above, below, pairs)
    merged = set()
    for a, b in pairs:
        if broken_row or _cut_merge(a, b):
            a.bottom = b.bottom
            a.lines = a.lines + b.lines
            merged.add(id(b))
    return _PageTable(second.page, first.boxes + [b for b in moved if id(b) not in merged])


def _without_repeated_header(first: list[_Box], second: list[_Box]) -> list[_Box]:
    """The second part's cells without the header rows it repeats from the first."""
    def signature(boxes, bands, k):
        start, end = bands[0], bands[k]
        inside = [b for b in boxes if b.top < end - _EDGE]
        if any(b.bottom > end + _EDGE for b in inside):
            return None  # a cell reaches past these rows: they are not a header of their own
        return sorted(("".join(b.text.split()), b.x0, b.x1, b.top - start, b.bottom - start) for b in inside)

    def same(one, two) -> bool:  # the same cells, each within the drawing's tolerance
        return len(one) == len(two) and all(
            a[0] == b[0] and all(abs(x - y) <= _EDGE for x, y in zip(a[1:], b[1:])) for a, b in zip(one, two))

    bands_1, bands_2 = _bands(first), _bands(second)
    repeated = 0
    for k in range(1, min(len(bands_1), len(bands_2)) - 1):
        one, two = signature(first, bands_1, k), signature(second, bands_2, k)
        if one is None or two is None:
            continue
        if not same(one, two):
            break
        repeated = k
    if not repeated:
        return second
    end = bands_2[repeated]
    return [b for b in second if b.top >= end - _EDGE]


def _row_broken(above: list[_Box], below: list[_Box], pairs: list[tuple[_Box, _Box]]) -> bool:
    """Whether the page break cut a row in two: every cell lines up with one across the
    break, and the row's numbers are all printed on one side of it."""
    if not pairs or len(pairs) != len(below) or len(pairs) != len(above):
        return False
    for side, other in ((0, 1), (1, 0)):
        numbers = [pair for pair in pairs if is_number(pair[side].text)]
        if numbers and all(not pair[other].text.strip() for pair in numbers) \
                and not any(is_number(pair[other].text) for pair in pairs):
            return True
    return False


def _cut_merge(a: _Box, b: _Box) -> bool:
    """Whether a label cell at the top of the next page goes on with the merged cell
    above it that the page break cut: its text is on one side only, or the second part
    reads as the rest of the first (it starts with closing punctuation, or both are
    printed one character per line, as a vertical label is), never a new numbered label."""
    one, two = a.text.strip(), b.text.strip()
    if is_number(one) or is_number(two):
        return False
    if not one or not two:
        return bool(one or two)
    if _ENUMERATION.match(two):
        return False
    vertical = all(len(line) <= 1 for line in a.lines + b.lines)
    return two[0] in _CLOSING or vertical


def _grid(boxes: list[_Box]) -> list[list[Cell | None]]:
    """The logical grid of a table's cell boxes."""
    xs = _edges([b.x0 for b in boxes] + [b.x1 for b in boxes])
    ys = _edges([b.top for b in boxes] + [b.bottom for b in boxes])

    def at(edges: list[float], value: float) -> int:
        return min(range(len(edges)), key=lambda i: abs(edges[i] - value))

    grid: list[list[Cell | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for box in sorted(boxes, key=lambda b: (b.top, b.x0)):
        r0, r1, c0, c1 = at(ys, box.top), at(ys, box.bottom), at(xs, box.x0), at(xs, box.x1)
        if r1 <= r0 or c1 <= c0:
            continue
        cell = Cell(box.text, r0, c0, r1 - r0, c1 - c0)
        for r in range(r0, r1):
            for c in range(c0, c1):
                if grid[r][c] is None:
                    grid[r][c] = cell
    return drop_empty_columns(grid)
