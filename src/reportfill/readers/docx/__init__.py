"""The DOCX reader: a Word or WPS file becomes a :class:`~reportfill.document.Document`.

This package is the only place that reads WordprocessingML. It yields the blocks of the
body in reading order: every paragraph, every table expanded to its grid, and -- as
paragraphs of their own, marked with the tables around them -- the paragraphs inside
table cells. What is visible follows the rules of :mod:`.wordml`.

``fill`` reads back every report it writes and ``check`` may read thousands, so the body
is not walked down element by element: three passes over only the elements that matter
(row and cell properties; paragraphs, tables, rows and cells; text) each place an
element by looking up through its few ancestors.
"""

from __future__ import annotations

from lxml import etree

from ...document import Cell, Document, Paragraph, Table
from ..source import Opened
from .grid import MAX_COLUMNS, Grid
from .package import read_document
from .wordml import (BODY, CELL_DEL, CHARACTERS, DEL, GRID_BEFORE, GRID_SPAN, H_MERGE, HIDDEN, OFF, P, R, R_PR, TBL, TC,
                     TC_PR, TR, TR_PR, V_MERGE, VANISH, WRAPPERS, val)

MAX_BLOCKS = 20_000  # paragraphs and tables, table cells' included; a report has about 1 500
MAX_CELLS = 50_000  # table cells, empty ones included (a hostile file packs one in 7 bytes); a report has about 400

# The row, cell and run properties read, and the property element each must stand in.
_PROPERTIES = {GRID_BEFORE: TR_PR, DEL: TR_PR, GRID_SPAN: TC_PR, V_MERGE: TC_PR, H_MERGE: TC_PR, CELL_DEL: TC_PR,
               VANISH: R_PR}
_NOT_TEXT = HIDDEN | {TBL}  # text below one of these is not its paragraph's


def read(opened: Opened, kind: str = "docx") -> Document:
    """Read an opened DOCX; ``kind`` names the source it was converted from, if any."""
    root = read_document(opened)
    body = root.find(BODY)
    if body is None:
        raise opened.refuse("文档没有正文")
    return Document(read_body(body, opened), kind)


def read_body(body: etree._Element, opened: Opened) -> list[Paragraph | Table]:
    """The blocks of ``w:body`` in reading order."""
    props = _properties(body)
    found, insides, texts, origins = _structure(body, props, opened)
    _text(body, texts, _hidden_runs(props))
    blocks = [Paragraph("".join(block), inside) if type(block) is list else block for block, inside in zip(found, insides)]
    for cell, paragraphs in origins:  # a cell's paragraphs: the blocks its pieces became
        cell.text = "\n".join([blocks[i].text for i in paragraphs])
    return blocks


def _properties(body: etree._Element) -> dict:
    """Row, cell or run -> {property name: element}: the first of each name in its
    property element, which the schema puts first (a row's may follow its w:tblPrEx)."""
    found: dict = {}
    for el in body.iter(tuple(_PROPERTIES)):
        tag = el.tag
        parent = el.getparent()
        if parent.tag != _PROPERTIES[tag]:
            continue
        owner = parent.getparent()
        if parent in owner[:2]:
            found.setdefault(owner, {}).setdefault(tag, el)
    return found


def _structure(body: etree._Element, props: dict, opened: Opened) -> tuple[list, list, dict, list]:
    """The blocks (a paragraph's text pieces, filled in later, or a Table), the tables
    each sits in, each paragraph read -> its pieces, and (cell, its paragraphs' indexes
    among the blocks) for each cell that owns its text. A paragraph, table, row or cell
    is read when it stands, through wrappers only, in the body or in a cell, table or
    row that is read."""
    found: list = []
    insides: list[tuple[int, ...]] = []
    texts: dict = {}  # paragraph read -> its text pieces
    cells: dict = {}  # cell read -> (the tables it sits in, its paragraphs' indexes among the blocks)
    rows: dict = {}  # row read -> (grid, the tables its cells sit in, the row's cells, its index)
    tables: dict = {}  # table read -> (grid, the tables its cells sit in)
    grids: list[tuple[Table, Grid]] = []
    origins: list[tuple] = []
    none: dict = {}
    for el in body.iter(P, TBL, TR, TC):
        tag = el.tag
        parent = el.getparent()  # most often the container itself: looked up before climbing wrappers
        if tag == TC:
            row = rows.get(parent) or rows.get(_unwrapped(parent))
            if row is None:
                continue
            grid, inside, placed, r = row
            own = props.get(el)
            if own is None:  # most cells: one grid column, no merge
                if len(placed) >= MAX_COLUMNS:
                    continue
                cell = Cell("", r, len(placed))
                placed.append(cell)
            elif CELL_DEL in own:
                continue
            else:
                try:
                    cell = grid.cell(placed, own.get(GRID_SPAN), own.get(V_MERGE), own.get(H_MERGE))
                except IndexError:  # the row is as wide as a table can be
                    continue
            if len(cells) >= MAX_CELLS:
                raise opened.refuse(f"文档中的表格单元格过多（超过 {MAX_CELLS} 个），不像是年度报告，拒绝核对")
            paragraphs: list[int] = []  # the indexes of its paragraphs' blocks
            cells[el] = (inside, paragraphs)
            if cell is not None:
                origins.append((cell, paragraphs))
            continue
        if tag == TR:
            table = tables.get(parent) or tables.get(_unwrapped(parent))
            own = props.get(el, none)
            if table is None or DEL in own:
                continue
            grid, within = table
            placed = grid.row(own.get(GRID_BEFORE))
            if placed is not None:
                rows[el] = (grid, within, placed, len(grid.rows) - 1)
            continue
        if parent is body:
            inside, paragraphs = (), None
        else:
            cell = cells.get(parent)
            if cell is None:
                container = _unwrapped(parent)
                if container is body:
                    cell = ((), None)
                else:
                    cell = cells.get(container)
                    if cell is None:
                        continue
            inside, paragraphs = cell
        if len(found) >= MAX_BLOCKS:
            raise opened.refuse(f"文档内容过多（超过 {MAX_BLOCKS} 个段落和表格），不像是年度报告，拒绝核对")
        insides.append(inside)
        if tag == P:
            pieces = texts[el] = []
            if paragraphs is not None:
                paragraphs.append(len(found))
            found.append(pieces)
        else:
            table, grid = Table([], inside), Grid()
            tables[el] = (grid, inside + (len(grids),))
            grids.append((table, grid))
            found.append(table)
    for table, grid in grids:
        table.grid = grid.finish()
    return found, insides, texts, origins


def _unwrapped(el: etree._Element) -> etree._Element:
    """``el``, or the nearest ancestor that is not a wrapper when ``el`` is one."""
    while el.tag in WRAPPERS:
        el = el.getparent()
    return el


def _hidden_runs(props: dict) -> set:
    """The runs formatted as hidden text: all they hold is hidden, text boxes included."""
    return {run for run, own in props.items() if VANISH in own and run.tag == R and val(own[VANISH]) not in OFF}


def _text(body: etree._Element, texts: dict, hidden: set) -> None:
    """Add each text element to the paragraph read that holds it, unless it is in a
    hidden run, or a hidden element or a nested table lies between them (a text box's
    paragraphs are its paragraph's)."""
    characters, not_text = CHARACTERS, _NOT_TEXT
    for el in body.iter(tuple(characters)):
        parent = el.getparent()
        if hidden and parent in hidden:
            continue
        if parent.tag == R:  # most text: in a run right in its paragraph
            pieces = texts.get(parent.getparent())
            if pieces is not None:
                text = characters[el.tag]
                pieces.append((el.text or "") if text is None else text)
                continue
        while parent is not None:
            tag = parent.tag
            if tag == P:
                pieces = texts.get(parent)
                if pieces is not None:
                    text = characters[el.tag]
                    pieces.append((el.text or "") if text is None else text)
                    break
            elif tag in not_text or (hidden and parent in hidden):
                break
            parent = parent.getparent()
