"""Reading WordprocessingML the way Word shows it, whoever wrote the file.

Word, WPS and LibreOffice wrap the same content differently: content controls
(``w:sdt``), custom XML and tracked insertions around paragraphs, rows, cells and runs;
deleted text kept beside the live text; a text box written twice (DrawingML and a VML
fallback). These are the rules by which the DOCX reader decides what is visible:

- a paragraph or table belongs to the body or cell it stands in, through
  :data:`WRAPPERS` only (anything else around it -- a text box, ``mc:AlternateContent``
  -- makes it part of no body or cell); a row belongs to its table and a cell to its row
  the same way, unless a tracked change deleted it (``w:trPr/w:del``, ``w:tcPr/w:cellDel``);
- a paragraph's text is every ``w:t`` (and tab, break, non-breaking hyphen) inside it,
  text boxes included, except those inside :data:`HIDDEN` elements or a nested table,
  and those of a run formatted as hidden text (``w:rPr/w:vanish``; hidden through a
  style is not seen).
"""

from __future__ import annotations

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


P, R, TBL, TR, TC, BODY = w("p"), w("r"), w("tbl"), w("tr"), w("tc"), w("body")
T, TAB, BR, CR, NO_BREAK_HYPHEN = w("t"), w("tab"), w("br"), w("cr"), w("noBreakHyphen")
TR_PR, TC_PR, R_PR = w("trPr"), w("tcPr"), w("rPr")
DEL, CELL_DEL = w("del"), w("cellDel")
GRID_BEFORE, GRID_SPAN, V_MERGE, H_MERGE = w("gridBefore"), w("gridSpan"), w("vMerge"), w("hMerge")
VANISH = w("vanish")  # in a run's properties: hidden text, which Word neither shows nor prints
OFF = frozenset({"0", "false", "off"})  # a w:val that turns a toggle property off

# What each text element contributes to its paragraph's text (w:t: its own text).
CHARACTERS = {T: None, TAB: "\t", BR: "\n", CR: "\n", NO_BREAK_HYPHEN: "-"}

# Elements that only group content: their children are read as if they stood in place.
WRAPPERS = frozenset(w(t) for t in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag", "hyperlink",
                                    "fldSimple", "dir", "bdo"))
# Elements whose content is not shown: tracked deletions, the duplicate VML fallback of a
# drawing, and property blocks (which can hold placeholder text of a content control).
HIDDEN = frozenset(w(t) for t in ("del", "moveFrom", "sdtPr", "sdtEndPr", "rPr", "pPr", "tcPr", "trPr", "tblPr",
                                  "tblGrid", "sectPr")) | {f"{{{MC_NS}}}Fallback"}


_VAL = w("val")


def val(el: etree._Element | None, default: str | None = None) -> str | None:
    if el is None:
        return default
    return el.get(_VAL, default)


def int_val(el: etree._Element | None, default: int, low: int, high: int) -> int:
    """An integer attribute clamped to [low, high]: a damaged or hostile file must not
    make a reader allocate a grid a million columns wide."""
    try:
        number = int(val(el, str(default)))
    except ValueError:
        return default
    return min(max(number, low), high)
