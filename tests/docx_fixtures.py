"""Report DOCX files for the check tests, built the way Word, WPS and clerks make them.

The base document is written with python-docx, which lays tables out as Word does (merges
as gridSpan and vMerge). What python-docx cannot write -- content controls, tracked
changes, a table split at a page break, WPS's explicit ``vMerge="continue"``, gridBefore --
is edited into the XML afterwards. Cells are addressed by the format's grid positions,
never through reportfill's reader, so a fixture does not share a blind spot with the code
it tests.
"""

from __future__ import annotations

import copy
import io
import random
import zipfile
from decimal import Decimal

import docx
from docx.table import _Cell
from lxml import etree

from reportfill.format.formats import APPLICANTS
from reportfill.report import Values, show
from reportfill.rules.tables import check_values, derive
from reportfill.format.spec import Format, Label, Slot, Table

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PARAGRAPH_BREAK = "¶"  # in a label override: start a new paragraph in the cell


def q(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# ---------------------------------------------------------------- numbers


def reconciling_values(fmt: Format, seed: int = 0) -> Values:
    """Non-zero numbers for every cell the input states, chosen so every rule holds; the
    totals are derived by the rules module, as fill derives them."""
    rnd = random.Random(seed)
    values: Values = {}
    table = fmt.table["applications"]
    rows = table.row_keys
    outcomes = rows[rows.index("disclosed"): rows.index("total")]
    for col in APPLICANTS:
        total = 0
        for row in outcomes:
            values[("applications", row, col)] = n = rnd.randint(0, 9)
            total += n
        to_next = rnd.randint(0, 5)
        carried = rnd.randint(0, total + to_next)
        values[("applications", "to_next_year", col)] = to_next
        values[("applications", "from_last_year", col)] = carried
        values[("applications", "received", col)] = total + to_next - carried
    for p in fmt.table["appeals"].slots:
        if p.cell.col != "total":
            values[("appeals", p.cell.row, p.cell.col)] = rnd.randint(0, 6)
    for p in fmt.table["proactive"].slots:
        key = ("proactive", p.cell.row, p.cell.col)
        values[key] = {"count": rnd.randint(1, 40), "delta": rnd.randint(-5, 5),
                       "amount": Decimal("28.1632"), "text": "35.6万元"}[p.cell.kind]
    values = derive(fmt, values)
    assert check_values(fmt, values) == []
    return values


# ---------------------------------------------------------------- documents

PROSE = {
    "overview": ["本机关认真贯彻落实《中华人民共和国政府信息公开条例》，持续推进政府信息公开工作。"],
    "problems": ["（一）存在问题", "信息公开的及时性有待提高。", "（二）改进情况", "下一步将完善信息发布机制。"],
    "other": ["本年度未收取信息处理费。"],
}


def report_items(fmt: Format, year: int, *, title: str | None = None, prose: dict[str, list[str]] | None = None,
                 headings: list[str] | None = None, preface: list[str] | None = None,
                 intro: dict[str, list[str]] | None = None, by_heading: dict[str, str] | None = None):
    """The report's content in reading order: ("p", text) and ("table", format table).
    ``intro`` holds sentences between a section's heading and its table; ``by_heading``
    names the section a heading worded otherwise stands for."""
    prose = {**PROSE, **(prose or {})}
    yield "p", title if title is not None else f"某某局{year}年政府信息公开工作年度报告"
    for line in preface if preface is not None else [
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    ]:
        yield "p", line
    wanted = headings if headings is not None else [s.heading for s in fmt.sections]
    sections = {s.heading: s.key for s in fmt.sections} | (by_heading or {})
    for heading in wanted:
        yield "p", heading
        key = sections.get(heading)
        for line in (intro or {}).get(key, []):
            yield "p", line
        if key in fmt.table:
            yield "table", fmt.table[key]
        for line in prose.get(key, []):
            yield "p", line


def build_report(fmt: Format, values: Values, year: int, *, labels: dict[str, str] | None = None,
                 texts: dict[tuple[str, str, str], str] | None = None, **content) -> bytes:
    """A complete report as Word would save it.

    ``labels`` replaces official label texts (a variant a real report uses), ``texts``
    replaces what a value cell shows; ``title``, ``preface``, ``prose`` (the paragraphs
    under a section heading), ``headings`` (the six, in the order given), ``intro`` and
    ``by_heading`` are as :func:`report_items` takes them."""
    labels, texts = labels or {}, texts or {}
    document = docx.Document()
    for kind, item in report_items(fmt, year, **content):
        if kind == "p":
            document.add_paragraph(item)
        else:
            add_table(document, item, values, labels, texts)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_table(document, table: Table, values: Values, labels: dict[str, str],
              texts: dict[tuple[str, str, str], str]) -> None:
    t = document.add_table(rows=len(table.rows), cols=table.width)
    t.style = "Table Grid"
    for p in table.placed:
        if p.rows > 1 or p.cols > 1:
            _Cell(_tc_at(t, p.row, p.col), t).merge(_Cell(_tc_at(t, p.row + p.rows - 1, p.col + p.cols - 1), t))
    grid = t._cells  # python-docx rebuilds this list on every t.cell() call; read it once
    for p in table.placed:
        cell = grid[p.row * table.width + p.col]
        if isinstance(p.cell, Label):
            text = labels.get(p.cell.text, p.cell.text)
        else:
            key = (table.key, p.cell.row, p.cell.col)
            text = texts.get(key, show(values[key]))
        first, *more = text.split(PARAGRAPH_BREAK)
        cell.text = first
        for line in more:
            cell.add_paragraph(line)


def _tc_at(t, r: int, c: int):
    """The w:tc covering grid column c of row r (``t.cell`` does this too, but rebuilds
    the whole table's cell list on every call)."""
    col = 0
    for tc in t._tbl.tr_lst[r].tc_lst:
        if col + tc.grid_span > c:
            return tc
        col += tc.grid_span
    raise IndexError((r, c))


# ---------------------------------------------------------------- raw XML edits


class Package:
    """A DOCX opened for XML surgery: its parts, and word/document.xml parsed."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.parts = {name: z.read(name) for name in z.namelist()}
        self.root = etree.fromstring(self.parts["word/document.xml"])

    @property
    def body(self):
        return self.root.find(q("body"))

    def tables(self) -> list:
        return self.body.findall(q("tbl"))

    def to_bytes(self, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
        self.parts["word/document.xml"] = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8",
                                                         standalone=True)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression) as z:
            for name, data in self.parts.items():
                z.writestr(name, data)
        return out.getvalue()


def template_edited(target, member: str, old: bytes, new: bytes):
    """Write to ``target`` the bundled 2021 template with the first ``old`` in ``member``
    replaced by ``new``; returns ``target``."""
    from reportfill.writers.templates import default_template
    from reportfill.format.formats import FORMAT_2021

    with zipfile.ZipFile(default_template(FORMAT_2021)) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == member:
                data = data.replace(old, new, 1)
            dst.writestr(info, data)
    return target


def docx_with_body(body_xml: str) -> bytes:
    """The smallest DOCX Word's reader accepts around a body's XML."""
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:document xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
                f'<w:body>{body_xml}</w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", document)
    return out.getvalue()


def is_continuation(tc) -> bool:
    v_merge = tc.find(f"{q('tcPr')}/{q('vMerge')}")
    return v_merge is not None and v_merge.get(q("val"), "continue") == "continue"


def slot_cells(tbl, table: Table) -> dict[tuple[str, str], object]:
    """(row key, column key) -> w:tc, by the format's grid: in each Word row, the cells
    that start there (merge continuations skipped) are the format row's cells in order."""
    found = {}
    for spec_row, tr in zip(table.rows, tbl.findall(q("tr")), strict=True):
        starts = [tc for tc in tr.findall(q("tc")) if not is_continuation(tc)]
        for cell, tc in zip(spec_row, starts, strict=True):
            if isinstance(cell, Slot):
                found[(cell.row, cell.col)] = tc
    return found


def set_text(tc, text: str) -> None:
    """Replace a cell's content by one paragraph holding ``text``, keeping its properties."""
    paragraphs = tc.findall(q("p"))
    keep = paragraphs[0]
    for p in paragraphs[1:]:
        tc.remove(p)
    for child in list(keep):
        if child.tag != q("pPr"):
            keep.remove(child)
    run = etree.SubElement(keep, q("r"))
    etree.SubElement(run, q("t")).text = text


def wrap(el, *tags: str):
    """Put ``el`` inside nested wrapper elements (e.g. "sdt", "sdtContent"), in place."""
    parent = el.getparent()
    index = parent.index(el)
    outer = inner = etree.Element(q(tags[0]))
    for tag in tags[1:]:
        inner = etree.SubElement(inner, q(tag))
    parent.insert(index, outer)
    inner.append(el)
    return outer


def empty_row_like(tr):
    """A copy of a row with every cell emptied: an extra blank row."""
    row = copy.deepcopy(tr)
    for tc in row.findall(q("tc")):
        for p in tc.findall(q("p")):
            for child in list(p):
                if child.tag != q("pPr"):
                    p.remove(child)
    return row


def add_empty_column(tbl) -> None:
    """Append a blank cell to every row, and a grid column."""
    etree.SubElement(tbl.find(q("tblGrid")), q("gridCol")).set(q("w"), "400")
    for tr in tbl.findall(q("tr")):
        tc = etree.SubElement(tr, q("tc"))
        etree.SubElement(tc, q("p"))


def shift_right(tbl, by_grid_before: set[int]) -> None:
    """Add a blank first grid column: rows in ``by_grid_before`` start later
    (w:gridBefore), the others get a blank leading cell."""
    grid = tbl.find(q("tblGrid"))
    grid.insert(0, etree.Element(q("gridCol")))
    for i, tr in enumerate(tbl.findall(q("tr"))):
        if i in by_grid_before:
            props = tr.find(q("trPr"))
            if props is None:
                props = etree.Element(q("trPr"))
                tr.insert(0, props)
            etree.SubElement(props, q("gridBefore")).set(q("val"), "1")
            etree.SubElement(props, q("gridAfter")).set(q("val"), "0")
        else:
            tc = etree.Element(q("tc"))
            etree.SubElement(tc, q("p"))
            first = tr.find(q("tc"))
            tr.insert(tr.index(first), tc)


def split_table(tbl, after_row: int) -> None:
    """Split a table after a row, as a page break typed into it does: the rest becomes a
    second table after a paragraph holding only the page break."""
    rows = tbl.findall(q("tr"))
    second = etree.Element(q("tbl"))
    second.append(copy.deepcopy(tbl.find(q("tblPr"))))
    second.append(copy.deepcopy(tbl.find(q("tblGrid"))))
    for tr in rows[after_row + 1:]:
        second.append(tr)
    brk = etree.fromstring(f'<w:p xmlns:w="{W_NS}"><w:r><w:br w:type="page"/></w:r></w:p>')
    parent = tbl.getparent()
    parent.insert(parent.index(tbl) + 1, brk)
    parent.insert(parent.index(brk) + 1, second)


def wps_style(package: Package) -> None:
    """What WPS writes differently: vMerge="continue" spelled out, East Asian fonts on
    every run, text cut into several runs."""
    for v_merge in package.root.iter(q("vMerge")):
        if v_merge.get(q("val")) is None:
            v_merge.set(q("val"), "continue")
    for run in list(package.root.iter(q("r"))):
        content = [child for child in run if child.tag != q("rPr")]
        if len(content) != 1 or content[0].tag != q("t") or not content[0].text:
            continue
        t = content[0]
        props = etree.fromstring(f'<w:rPr xmlns:w="{W_NS}"><w:rFonts w:hint="eastAsia" w:ascii="宋体" '
                                 f'w:eastAsia="宋体"/></w:rPr>')
        run.insert(0, props)
        text = t.text
        if len(text) > 2:
            t.text = text[:2]
            parent = run.getparent()
            at = parent.index(run)
            for i in range(2, len(text), 2):
                piece = copy.deepcopy(run)
                piece.find(q("t")).text = text[i:i + 2]
                at += 1
                parent.insert(at, piece)


def official_report(fmt, year: int, *, wps: bool = False):
    """A clean report in the official layout with numbers that reconcile, as Word (or,
    with ``wps``, as WPS) writes it; returns the package and the values it holds."""
    values = reconciling_values(fmt, seed=year)
    package = Package(build_report(fmt, values, year))
    if wps:
        wps_style(package)
    return package, values
