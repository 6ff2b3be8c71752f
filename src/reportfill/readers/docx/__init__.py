"""The DOCX reader: a Word or WPS file becomes a :class:`~reportfill.document.Document`.

This package is the only place that reads WordprocessingML. It walks the body once, in
reading order: every paragraph, every table expanded to its grid, and -- as paragraphs of
their own, marked with the tables around them -- the paragraphs inside table cells.
"""

from __future__ import annotations

from lxml import etree

from ...document import Document, Paragraph, Table
from ..source import Opened
from .grid import expand
from .package import read_document
from .wordml import BODY, P, blocks, paragraph_text

MAX_BLOCKS = 20_000  # paragraphs and tables, table cells' included; a report has about 1 500


def read(opened: Opened, kind: str = "docx") -> Document:
    """Read an opened DOCX; ``kind`` names the source it was converted from, if any."""
    root = read_document(opened)
    body = root.find(BODY)
    if body is None:
        raise opened.refuse("文档没有正文")
    return Document(_Walk(opened).body(body), kind)


class _Walk:
    def __init__(self, opened: Opened):
        self.opened = opened
        self.blocks: list[Paragraph | Table] = []
        self.tables = 0

    def _count(self) -> None:
        if len(self.blocks) >= MAX_BLOCKS:
            raise self.opened.refuse(f"文档内容过多（超过 {MAX_BLOCKS} 个段落和表格），不像是年度报告，拒绝核对")

    def body(self, body: etree._Element) -> list[Paragraph | Table]:
        self.container(body, ())
        return self.blocks

    def container(self, el: etree._Element, inside: tuple[int, ...]) -> list[str]:
        """Append the blocks of a body or cell; return its paragraphs' texts."""
        texts = []
        for block in blocks(el):
            self._count()
            if block.tag == P:
                text = paragraph_text(block)
                self.blocks.append(Paragraph(text, inside))
                texts.append(text)
            else:
                self.table(block, inside)
        return texts

    def table(self, tbl: etree._Element, inside: tuple[int, ...]) -> None:
        table = Table([], inside)
        self.blocks.append(table)
        within = inside + (self.tables,)
        self.tables += 1
        # A nested table is not part of its cell's text: it is read as a table of its own.
        table.grid = expand(tbl, lambda tc: "\n".join(self.container(tc, within)))
