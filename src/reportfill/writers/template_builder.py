"""Build the docxtpl template of a format version from its definition in ``formats.py``.

The committed ``templates/report-<id>.docx`` is this module's output (a test keeps the
two identical), so the layout can never drift from the format definition. Typography
(GB/T 9704-2012 house style) is set once here, in the template's styles: rendering code
only fills text, and a user restyling the template in Word changes what every fill gets.

Run ``make template`` (``python -m reportfill.writers.template_builder [OUT_DIR]``) after
changing the format or the styles.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, Twips
from lxml import etree

from . import opc
from .docx_package import package_bytes
from .properties import describe
from .wordml import put
from ..format.formats import FORMATS
from ..format.spec import Format, Label, Table

# ---------------------------------------------------------------- typography
PAGE = {"width": Mm(210), "height": Mm(297), "top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
FOOTER_DISTANCE = Mm(28)  # page number about 7 mm below the type area
LINE = Pt(28.95)  # fixed line pitch: 22 lines in the 225 mm type area
LATIN = "Times New Roman"
TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT, PAGE_NUMBER_FONT = (
    "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体",
)
SIZE_2, SIZE_3, SIZE_4, SIZE_5 = Pt(22), Pt(16), Pt(14), Pt(10.5)  # 二号 三号 四号 五号
TABLE_STYLE = "表格文字"
HEADING_AFTER_TABLE = "表后标题"
CELL_MARGIN = 45  # twips (0.8 mm) left and right: the widths in formats.py count on it
TABLE_LINE = Pt(14)
TABLE_ROW = TABLE_LINE.pt + 3  # a one-line row, its space before and after included
KEPT_BODY_ROWS = 5  # a table starts on a page only with its header rows and this many more
TYPE_WIDTH = Emu(PAGE["width"] - PAGE["left"] - PAGE["right"])
CHINESE_NUMERALS = "一二三四五六七八九十"


def _fonts(style, east_asia: str, size, *, bold: bool = False, latin: str = LATIN) -> None:
    """Name the Chinese font as the East Asian font, dropping the theme fonts the default
    template uses (a theme attribute overrides an explicit name in Word)."""
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = None
    for tag in ("w:color", "w:kern", "w:spacing"):
        for el in rpr.findall(qn(tag)):
            rpr.remove(el)


def _paragraph(style, *, align, first_line_chars: int, line=LINE, before=0, after=0, keep_next=False, outline=None):
    pf = style.paragraph_format
    ppr = style.element.get_or_add_pPr()
    for el in list(ppr):
        ppr.remove(el)
    pf.alignment = align
    pf.line_spacing = line
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY if line else WD_LINE_SPACING.SINGLE
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.keep_with_next = keep_next
    pf.widow_control = False
    # Word's default, written out because LibreOffice reads it inverted: without it,
    # LibreOffice hangs a full-width comma at the end of a full line past the margin and
    # then does not print it at all.
    put(ppr, _element("w:overflowPunct"))
    # Exact line pitch comes from the style, not from the document grid.
    put(ppr, _element("w:snapToGrid", val="0"))
    # Written even when zero: a style based on Normal would otherwise inherit its indent.
    put(ppr, _element("w:ind", firstLineChars=str(first_line_chars * 100),
                      firstLine=str(int(first_line_chars * style.font.size.pt * 20))))
    if outline is not None:
        put(ppr, _element("w:outlineLvl", val=str(outline)))


def _element(tag: str, **attributes: str):
    el = OxmlElement(tag)
    for name, value in attributes.items():
        el.set(qn(f"w:{name}"), value)
    return el


def _text(paragraph, text: str, *, prose: bool = True):
    """A run of ``text``, marked as East Asian text where it may hold characters Unicode
    leaves ambiguous -- quotes “ ” ‘ ’, dashes, the ellipsis: Word and WPS then set them
    in the Chinese font, full-width, as a Chinese input method types them, instead of in
    Times New Roman. Digits and Latin letters are not ambiguous and stay in the Latin
    font. ``prose`` is False for a placeholder that only ever receives a number."""
    run = paragraph.add_run(text)
    if prose and ("{{" in text or any(_ambiguous(ch) for ch in text)):
        run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:hint"), "eastAsia")
    return run


def _ambiguous(ch: str) -> bool:
    """Characters Word sets in the Latin font unless told they are East Asian."""
    return 0xA1 <= ord(ch) <= 0xFF or 0x2000 <= ord(ch) <= 0x2BFF


def _add(document, text: str, style: str | None = None):
    paragraph = document.add_paragraph(style=style)
    _text(paragraph, text)
    return paragraph


def _styles(document) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rfonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for attr, name in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", BODY_FONT), ("w:cs", LATIN)):
        rfonts.set(qn(attr), name)
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    lang.set(qn("w:eastAsia"), "zh-CN")
    # The language theme fonts resolve for: zh-CN, or Word and WPS take Japanese faces.
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    theme_lang.set(qn("w:val"), "en-US")
    theme_lang.set(qn("w:eastAsia"), "zh-CN")

    normal = styles["Normal"]
    _fonts(normal, BODY_FONT, SIZE_3)
    _paragraph(normal, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2)

    title = styles["Title"]
    _fonts(title, TITLE_FONT, SIZE_2, latin=TITLE_FONT)  # the year's digits as heavy as the rest
    _paragraph(title, align=WD_ALIGN_PARAGRAPH.CENTER, first_line_chars=0, line=Pt(36), after=LINE.pt)

    heading = styles["Heading 1"]
    _fonts(heading, HEADING_FONT, SIZE_3)
    _paragraph(heading, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2, keep_next=True, outline=0)

    # A heading right under a table gets half a line of air, as printed reports have.
    after_table = styles.add_style(HEADING_AFTER_TABLE, WD_STYLE_TYPE.PARAGRAPH)
    after_table.base_style = heading
    _fonts(after_table, HEADING_FONT, SIZE_3)
    _paragraph(after_table, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2, before=LINE.pt / 2,
               keep_next=True, outline=0)

    subheading = styles["Heading 2"]
    _fonts(subheading, SUBHEADING_FONT, SIZE_3)
    _paragraph(subheading, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2, keep_next=True, outline=1)

    cell = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    _fonts(cell, BODY_FONT, SIZE_5)
    # Rows of 17 pt: table 三, all 28 rows, fits on one page under its heading.
    _paragraph(cell, align=WD_ALIGN_PARAGRAPH.CENTER, first_line_chars=0, line=TABLE_LINE,
               before=(TABLE_ROW - TABLE_LINE.pt) / 2, after=(TABLE_ROW - TABLE_LINE.pt) / 2)

    footer = styles["Footer"]
    footer.base_style = normal
    _fonts(footer, PAGE_NUMBER_FONT, SIZE_4)
    _paragraph(footer, align=WD_ALIGN_PARAGRAPH.RIGHT, first_line_chars=0, line=None)


# How fontTable.xml describes each font the styles name. ``alt`` is the name Word and WPS
# look for on a machine without the font (仿宋_GB2312 ships with Windows XP, 仿宋 with
# every later Windows); charset 86 (GB2312) and the code-page bits of ``sig`` make them
# substitute a simplified Chinese face, never a Japanese one.
_CJK_SIGNATURE = ("00000001", "080E0000", "00000010", "00000000", "00040000", "00000000")
FONT_TABLE = {
    LATIN: dict(panose="02020603050405020304", charset="00", family="roman", pitch="variable",
                sig=("E0002EFF", "C000785B", "00000009", "00000000", "000001FF", "00000000")),
    BODY_FONT: dict(alt="仿宋", panose="02010609030101010101", charset="86", family="modern",
                    pitch="fixed", sig=_CJK_SIGNATURE),
    SUBHEADING_FONT: dict(alt="楷体", panose="02010609030101010101", charset="86", family="modern",
                          pitch="fixed", sig=_CJK_SIGNATURE),
    TITLE_FONT: dict(alt="宋体", panose="02000000000000000000", charset="86", family="auto",
                     pitch="variable", sig=_CJK_SIGNATURE),
    HEADING_FONT: dict(alt="SimHei", panose="02010609060101010101", charset="86", family="modern",
                       pitch="fixed", sig=_CJK_SIGNATURE),
    PAGE_NUMBER_FONT: dict(alt="SimSun", panose="02010600030101010101", charset="86", family="auto",
                           pitch="variable", sig=_CJK_SIGNATURE),
}


def _font_table(document) -> None:
    """List exactly the fonts the styles name (python-docx's default lists Japanese
    faces, which Word and WPS then offer as substitutes)."""
    used = {font for el in document.styles.element.iter(qn("w:rFonts"))
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs") if (font := el.get(qn(attr)))}
    fonts = etree.Element(qn("w:fonts"), nsmap={"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"})
    for name, facts in FONT_TABLE.items():
        if name not in used:
            continue
        font = etree.SubElement(fonts, qn("w:font"), {qn("w:name"): name})
        if "alt" in facts:
            etree.SubElement(font, qn("w:altName"), {qn("w:val"): facts["alt"]})
        for tag in ("panose1", "charset", "family", "pitch"):
            etree.SubElement(font, qn(f"w:{tag}"), {qn("w:val"): facts[tag if tag != "panose1" else "panose"]})
        etree.SubElement(font, qn("w:sig"), {qn(f"w:{attr}"): value for attr, value in
                                              zip(("usb0", "usb1", "usb2", "usb3", "csb0", "csb1"), facts["sig"])})
    missing = used - set(FONT_TABLE)
    if missing:
        raise ValueError(f"fontTable.xml has no entry for {sorted(missing)}")
    opc.set_blob(opc.font_table_part(document),
                 etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True))


def _page(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE["width"], PAGE["height"]
    section.top_margin, section.bottom_margin = PAGE["top"], PAGE["bottom"]
    section.left_margin, section.right_margin = PAGE["left"], PAGE["right"]
    section.footer_distance = FOOTER_DISTANCE
    grid = opc.element(section).find(qn("w:docGrid"))
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(LINE.pt * 20)))
    # GB/T 9704: odd page numbers sit right, even ones left, one character in from the edge.
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph, align) -> None:
    paragraph.style = "Footer"
    paragraph.alignment = align
    indent = Pt(SIZE_4.pt)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = indent
    else:
        paragraph.paragraph_format.left_indent = indent
    _text(paragraph, "— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run.element.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run.element.append(instr)
        else:
            run.text = text
    _text(paragraph, " —")


# ---------------------------------------------------------------- content


def placeholder(table: str, row: str, col: str) -> str:
    """The context key the renderer fills for one value cell."""
    return f"{table}:{row}:{col}"


def _prose(document, key: str) -> None:
    _add(document, f"{{%p for para in {key}.paragraphs %}}")
    _add(document, "{{ para }}")
    _add(document, "{%p endfor %}")
    _add(document, f"{{%p for item in {key}['items'] %}}")
    _add(document, "{{ item.number }}{{ item.title }}", "Heading 2")
    _add(document, "{%p for para in item.paragraphs %}")
    _add(document, "{{ para }}")
    _add(document, "{%p endfor %}")
    _add(document, "{%p endfor %}")


def _borders(table) -> None:
    tbl_pr = opc.element(table).tblPr
    borders = put(tbl_pr, OxmlElement("w:tblBorders"))
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{edge}", val="single", sz="4", space="0", color="000000"))
    margins = put(tbl_pr, OxmlElement("w:tblCellMar"))
    for edge in ("left", "right"):
        margins.append(_element(f"w:{edge}", w=str(CELL_MARGIN), type="dxa"))


def _table(document, table: Table) -> None:
    body_rows = {p.row for p in table.slots}
    header_rows = [r for r in range(len(table.rows)) if r < min(body_rows)]
    out = document.add_table(rows=len(table.rows), cols=table.width)
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    out.autofit = False
    _borders(out)
    total = sum(table.column_widths)
    widths = [Twips(int(TYPE_WIDTH.twips * w / total)) for w in table.column_widths]
    for col, width in zip(out.columns, widths):
        col.width = width
    for row in out.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    # Rows of labels only further down head a block of their own (表二's 第二十条第（八）项
    # with its 信息内容 | 本年收费金额): such a table repeats no header on a new page, which
    # would stand over the wrong block, and each such row keeps with the row after it.
    headings = [r for r in range(min(body_rows), len(table.rows) - 1) if r not in body_rows]
    for r in header_rows if not headings else ():
        tr_pr = opc.element(out.rows[r]).get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))
    for r in range(len(table.rows)):
        opc.element(out.rows[r]).get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for p in table.placed:
        cell = out.cell(p.row, p.col)
        if p.rows > 1 or p.cols > 1:
            cell = cell.merge(out.cell(p.row + p.rows - 1, p.col + p.cols - 1))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        para = cell.paragraphs[0]
        para.style = TABLE_STYLE
        if isinstance(p.cell, Label):
            _text(para, p.cell.text)
            if p.row in body_rows and not p.cell.group:
                para.alignment = WD_ALIGN_PARAGRAPH.LEFT
            if _vertical(p):
                put(opc.element(cell).get_or_add_tcPr(), _element("w:textDirection", val="tbRlV"))
        else:
            _text(para, "{{ cells['%s'] }}" % placeholder(table.key, p.cell.row, p.cell.col), prose=False)
    rows = opc.element(out).tr_lst
    for r in sorted({*_kept_with_next(table, len(header_rows)), *headings}):
        for p in rows[r].iter(qn("w:p")):
            p.get_or_add_pPr().get_or_add_keepNext()


def _vertical(p) -> bool:
    """An umbrella label down the side of many rows (三、本年度办理结果) is set vertically."""
    return isinstance(p.cell, Label) and p.cell.group and p.rows > p.cols * 3


def _kept_with_next(table: Table, header_rows: int) -> range:
    """The rows that keep with the next one. Word and LibreOffice keep a row on the page
    of the next when its paragraphs keep with the next, so a table starts on a page only
    when its header rows and its first body rows fit there -- and, where a vertical label
    starts among them, enough rows for the whole label, which would otherwise be cut in
    two at the page's foot (a lone 三 above 、本年度办理结果 on the next page)."""
    last = header_rows + KEPT_BODY_ROWS - 1
    for p in table.placed:
        if _vertical(p) and p.row <= last:
            last = max(last, p.row + math.ceil(len(p.cell.text) * SIZE_5.pt / TABLE_ROW) - 1)
    return range(min(last, len(table.rows) - 2) + 1)


def _trim(document) -> None:
    """Keep only the styles the template uses and those they build on, and drop Word
    2010's stylesWithEffects copy. The default template's 166 styles outweigh the report
    ten to one, and every fill parses and writes them; a user restyling the template in
    Word still has all built-in styles, which Word supplies itself."""
    part = document.part
    for rid, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del part.rels[rid]
    styles = document.styles.element
    used = {el.get(qn("w:val")) for xml in [part.element] + [f.part.element for s in document.sections
                                                              for f in (s.footer, s.even_page_footer)]
            for tag in ("w:pStyle", "w:rStyle", "w:tblStyle") for el in xml.iter(qn(tag))}
    by_id = {st.get(qn("w:styleId")): st for st in styles.findall(qn("w:style"))}
    used |= {sid for sid, st in by_id.items() if st.get(qn("w:default")) == "1"}
    pending = list(used)
    while pending:
        style = by_id.get(pending.pop())
        for link in ("w:basedOn", "w:next", "w:link") if style is not None else ():
            target = style.find(qn(link))
            if target is not None and target.get(qn("w:val")) not in used:
                used.add(target.get(qn("w:val")))
                pending.append(target.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in used:
            styles.remove(style)
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)


def build(fmt: Format) -> bytes:
    """The template of ``fmt`` as DOCX bytes (deterministic)."""
    document = docx.Document()
    opc.drop_thumbnail(document)
    _styles(document)
    _page(document)
    body = document.element.body
    for el in list(body):
        if el.tag != qn("w:sectPr"):
            body.remove(el)
    _add(document, "{{ title }}", "Title")
    _add(document, "{%p for para in preface %}")
    _add(document, "{{ para }}")
    _add(document, "{%p endfor %}")
    tables = {t.section: t for t in fmt.tables}
    for index, section in enumerate(fmt.sections):
        style = HEADING_AFTER_TABLE if index - 1 in tables else "Heading 1"
        _add(document, section.heading, style)
        if index in tables:
            _table(document, tables[index])
        else:
            _prose(document, section.key)
    _trim(document)
    _font_table(document)
    describe(document, title=f"{fmt.title_suffix}模板（{fmt.basis}）", author="reportfill")
    return package_bytes(document)


def template_name(fmt: Format) -> str:
    return f"report-{fmt.id}.docx"


SOURCE_TEMPLATES = Path(__file__).resolve().parents[3] / "templates"  # in a source checkout


def main(argv: list[str]) -> None:
    out_dir = Path(argv[0]) if argv else SOURCE_TEMPLATES
    out_dir.mkdir(parents=True, exist_ok=True)
    for fmt in FORMATS:
        if fmt.generated:
            (out_dir / template_name(fmt)).write_bytes(build(fmt))


if __name__ == "__main__":
    main(sys.argv[1:])
