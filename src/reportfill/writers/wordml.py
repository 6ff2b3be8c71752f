"""The order ECMA-376 (transitional) requires for the children of the WordprocessingML
property elements the template builder writes.

Word validates child order in these sequences: a ``w:ind`` after ``w:jc`` or a
``w:tblBorders`` after ``w:tblLayout`` makes it report "unreadable content" and repair
the file, or silently drop the borders. :func:`put` therefore places every property
where the schema says, as it is made; nothing is reordered afterwards.
"""

from __future__ import annotations

from docx.oxml.ns import qn

_SEQUENCES = {
    # CT_PPr (CT_PPrBase followed by rPr, sectPr, pPrChange), §17.3.1.26
    "w:pPr": (
        "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
        "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
        "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
        "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
        "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
        "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
        "w:sectPr", "w:pPrChange",
    ),
    # CT_TblPr, §17.4.60
    "w:tblPr": (
        "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
        "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
        "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
        "w:tblPrChange",
    ),
    # CT_TcPr, §17.4.70
    "w:tcPr": (
        "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
        "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
        "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
    ),
}
_ORDER = {qn(parent): tuple(map(qn, children)) for parent, children in _SEQUENCES.items()}


def put(parent, child):
    """Put ``child`` into ``parent`` in schema order, replacing a child of the same name
    (each of these properties occurs at most once). Returns ``child``."""
    sequence = _ORDER[parent.tag]
    for old in parent.findall(child.tag):
        parent.remove(old)
    later = sequence[sequence.index(child.tag) + 1:]
    for i, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child
