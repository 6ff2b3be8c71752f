"""Reading WordprocessingML the way Word shows it, whoever wrote the file.

Word, WPS and LibreOffice wrap the same content differently: content controls
(``w:sdt``), custom XML and tracked insertions around paragraphs, rows, cells and runs;
deleted text kept beside the live text; a text box written twice (DrawingML and a VML
fallback). Every reader in reportfill walks the XML through these functions so that all
of them agree on what the visible text is.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


P, TBL, TR, TC, BODY = w("p"), w("tbl"), w("tr"), w("tc"), w("body")
_T, _TAB, _BR, _CR = w("t"), w("tab"), w("br"), w("cr")
_NO_BREAK_HYPHEN = w("noBreakHyphen")
TR_PR, TC_PR = w("trPr"), w("tcPr")
_DEL, _CELL_DEL = w("del"), w("cellDel")
_ROWS, _CELLS, _BLOCKS = frozenset((TR,)), frozenset((TC,)), frozenset((P, TBL))

# Elements that only group content: their children are read as if they stood in place.
_WRAPPERS = frozenset(w(t) for t in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag", "hyperlink",
                                     "fldSimple", "dir", "bdo"))
# Elements whose content is not shown: tracked deletions, the duplicate VML fallback of a
# drawing, and property blocks (which can hold placeholder text of a content control).
_HIDDEN = frozenset(w(t) for t in ("del", "moveFrom", "sdtPr", "sdtEndPr", "rPr", "pPr", "tcPr", "trPr", "tblPr",
                                   "tblGrid", "sectPr")) | {f"{{{MC_NS}}}Fallback"}


def _visible(el: etree._Element, wanted: frozenset[str]) -> Iterator[etree._Element]:
    for child in el:
        tag = child.tag
        if tag in wanted:
            yield child
        elif tag in _WRAPPERS:
            yield from _visible(child, wanted)


def blocks(container: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs and tables of a body or cell, in order, through wrappers."""
    return _visible(container, _BLOCKS)


def rows(tbl: etree._Element) -> Iterator[etree._Element]:
    """The rows of a table that are still there once tracked changes are accepted."""
    for tr in _visible(tbl, _ROWS):
        props = properties(tr, TR_PR)
        if props is None or props.find(_DEL) is None:
            yield tr


def cells(tr: etree._Element) -> Iterator[etree._Element]:
    for tc in _visible(tr, _CELLS):
        props = properties(tc, TC_PR)
        if props is None or props.find(_CELL_DEL) is None:
            yield tc


def properties(el: etree._Element, tag: str) -> etree._Element | None:
    """A row's or cell's property element, which the schema puts first (a row's may
    follow its w:tblPrEx); looked up this way because it is read for every cell."""
    for child in el[:2]:
        if child.tag == tag:
            return child
    return None


def paragraph_text(p: etree._Element) -> str:
    """The text a reader sees in a paragraph; a line break counts as a newline."""
    out: list[str] = []
    _collect(p, out)
    return "".join(out)


def _collect(el: etree._Element, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if tag == _T:
            out.append(child.text or "")
        elif tag == _TAB:
            out.append("\t")
        elif tag in (_BR, _CR):
            out.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            out.append("-")
        elif tag in _HIDDEN or tag == TBL or not isinstance(tag, str):
            continue
        else:
            _collect(child, out)


def val(el: etree._Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(w("val"), default)


def int_val(el: etree._Element | None, default: int, low: int, high: int) -> int:
    """An integer attribute clamped to [low, high]: a damaged or hostile file must not
    make a reader allocate a grid a million columns wide."""
    try:
        number = int(val(el, str(default)))
    except ValueError:
        return default
    return min(max(number, low), high)
