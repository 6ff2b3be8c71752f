"""Report pages for the reader tests, written the way the web publishes reports.

Two writers, from the same content as :func:`docx_fixtures.build_report` (so a page and
a DOCX hold the same report):

* :func:`portal_page` -- an article page of a government portal: GBK-encoded, the
  政府网站 ``<meta>`` tags, a header, navigation and breadcrumb, the metadata table
  (索引号, 发布机构, 公开日期 …), the title above the article body, an info bar, share and
  print buttons, a list of related reports, a footer; inside the body what a site's editor
  makes of a pasted report: inline styles, nested spans, ``&nbsp;`` indents and padding.
* :func:`word_page` -- what Word's "另存为网页" writes: Office namespaces, ``MsoNormal``
  paragraphs, ``<o:p>``, conditional comments, a list-numbered heading, hidden text, a
  footer element, a table split at a page break, the trailing row of column widths;
  :func:`word_archive` wraps such a page the way Word's "单个文件网页" (.mht) does.

Table quirks are applied to the table's rows of ``<td>``s, built from the format's
grid (never through reportfill's reader): a cell's text split over ``<p>`` and
``<span>`` elements, the vertical 三、本年度办理结果 as nine one-character paragraphs,
``<br>`` inside a label, an 11-column table 三 in which 自然人 spans two columns over an
empty cell, and the 三、本年度办理结果 label repeated as a second merged cell.
"""

from __future__ import annotations

import base64
import html
import io
import quopri
import zipfile
import zlib
from dataclasses import dataclass

from docx_fixtures import PARAGRAPH_BREAK, report_items
from reportfill.format.spec import Format, Label, Table
from reportfill.readers.toml_input import load_input
from reportfill.report import Values, show
from reportfill.rules.tables import derive

VERTICAL = "三、本年度办理结果"


@dataclass
class Td:
    parts: list[str]  # the cell's paragraphs, as HTML
    rows: int = 1
    cols: int = 1
    value: bool = False
    style: str = ""
    origin: tuple[int, int] = (-1, -1)  # (row, column) in the format's grid

    def html(self, paragraph) -> str:
        spans = (f' rowspan="{self.rows}"' if self.rows > 1 else "") + (f' colspan="{self.cols}"' if self.cols > 1 else "")
        inner = "".join(paragraph(part) for part in self.parts)
        return f'<td{spans} style="border:1px solid #000;{self.style}">{inner}</td>'


@dataclass
class Quirks:
    """Which of the real pages' quirks a table gets (all, by default)."""

    nbsp: bool = True  # &nbsp; around numbers
    split_cells: bool = True  # 商业 / 企业 as two paragraphs, a label over nested spans
    vertical: bool = True  # 三、本年度办理结果 one character per paragraph
    line_breaks: bool = True  # <br> inside a label
    misaligned: bool = True  # 11-column table 三: 自然人 spans two columns over an empty cell
    empty_first: bool = False  # the empty cell before the number rather than after it
    repeated_label: bool = True  # 三、本年度办理结果 a second time, as a second merged cell


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def table_rows(table: Table, values: Values, labels: dict[str, str], texts: dict, quirks: Quirks,
               split_at: int | None = None) -> list[list[list[Td]]]:
    """The table's rows of cells with the quirks applied; ``split_at`` cuts the table
    before that row, as a page break does (the cells of a merge cut in two continue as
    empty cells in the second part). Returns the parts."""
    rows: list[list[Td]] = [[] for _ in table.rows]
    for p in sorted(table.placed, key=lambda p: (p.row, p.col)):
        if isinstance(p.cell, Label):
            text = labels.get(p.cell.text, p.cell.text)
            parts = [_escape(part).replace("\n", "<br>") for part in text.split(PARAGRAPH_BREAK)]
            if quirks.vertical and text == VERTICAL:
                parts = list(text)
            elif quirks.split_cells and text == "商业企业":
                parts = ["商业", "企业"]
            elif quirks.split_cells and text == "法律服务机构":
                parts = ['<span style="font-family:仿宋"><span lang="EN-US">法律</span></span><span>服务<span>机构</span></span>']
            elif quirks.line_breaks and text == "一、本年新收政府信息公开申请数量":
                parts = ["一、本年新收政府信息<br>公开申请数量"]
            td = Td(parts, p.rows, p.cols, origin=(p.row, p.col))
        else:
            key = (table.key, p.cell.row, p.cell.col)
            text = _escape(texts.get(key, show(values[key])))
            td = Td([f"&nbsp;{text}&nbsp;&nbsp;" if quirks.nbsp else text], p.rows, p.cols, value=True,
                    style="text-align:center", origin=(p.row, p.col))
        rows[p.row].append(td)
    parts = [rows] if split_at is None else _split(rows, split_at)
    if table.key == "applications":
        for part in parts:
            if quirks.misaligned and part is parts[0]:  # the part with the headers whose borders are off
                _misalign(part, column=3, empty_first=quirks.empty_first)
            if quirks.repeated_label:
                _repeat_vertical(part)
    return parts


def _split(rows: list[list[Td]], at: int) -> list[list[list[Td]]]:
    first, second = rows[:at], [list(row) for row in rows[at:]]
    for r, row in enumerate(first):
        for td in row:
            if r + td.rows > at:
                rest = Td([], r + td.rows - at, td.cols, origin=(at, td.origin[1]))
                td.rows = at - r
                line = second[0]
                line.insert(sum(1 for other in line if other.origin[1] < rest.origin[1]), rest)
    return [first, second]


def _misalign(rows: list[list[Td]], column: int, empty_first: bool) -> None:
    """An extra grid column beside ``column``: cells over it span one more, a number
    in it gets an empty neighbour."""
    for row in rows:
        for i, td in enumerate(list(row)):
            start, end = td.origin[1], td.origin[1] + td.cols
            if not start <= column < end:
                continue
            if td.value:
                row.insert(row.index(td) + (0 if empty_first else 1), Td(["&nbsp;"]))
            else:
                td.cols += 1


def _repeat_vertical(rows: list[list[Td]]) -> None:
    """The vertical label's merge cut in two, each part holding the label."""
    for r, row in enumerate(rows):
        for td in row:
            if "".join(td.parts) == VERTICAL and td.rows > 4:
                first = td.rows // 2
                rows[r + first].insert(0, Td(list(td.parts), td.rows - first, td.cols))
                td.rows = first
                return


# ---------------------------------------------------------------- portal pages


NAV = """<div class="header"><div class="logo"><img src="logo.png" alt="某某县人民政府"></div>
<div class="search"><form action="/search"><input name="q" value="请输入关键字"><button>搜索</button></form></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/zwfw">政务服务</a></li>
<li><a href="/hdjl">互动交流</a></li><li><a href="/xxgk/ndbg">政府信息公开年报</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/xxgk/ndbg">政府信息公开年报</a></div>"""

FOOTER = """<div class="related"><h3>相关文章</h3><ul>
<li><a href="/a/1.html">某某局{last}年政府信息公开工作年度报告</a></li>
<li><a href="/a/2.html">某某县人民政府{last}年政府信息公开工作年度报告</a></li></ul></div>
<div class="footer"><p>主办单位：某某县人民政府办公室　地址：某某县人民路1号　邮编：450000</p>
<p>网站标识码：4108250001　豫ICP备12345678号　豫公网安备 41082502000123号</p>
<p>版权所有 &copy; 2022 某某县人民政府 技术支持：某某网络科技有限公司</p></div>"""


def portal_page(fmt: Format, values: Values, year: int, *, labels=None, texts=None, quirks: Quirks | None = None,
                published: str = "2022-01-20", encoding: str = "gbk", meta_date: bool = True, **content) -> bytes:
    quirks = quirks or Quirks()
    labels, texts = labels or {}, texts or {}
    items = list(report_items(fmt, year, **content))
    title = items[0][1]
    body = []
    for kind, item in items[1:]:
        if kind == "p":
            body.append(_portal_paragraph(item, fmt))
        else:
            [rows] = table_rows(item, values, labels, texts, quirks)
            body.append('<table border="1" cellspacing="0" cellpadding="0" width="100%" '
                        'style="border-collapse:collapse;margin:0 auto"><tbody>'
                        + "".join("<tr>" + "".join(td.html(_portal_cell) for td in row) + "</tr>\n" for row in rows)
                        + "</tbody></table>")
    charset = {"gbk": "gb2312", "gb18030": "gb18030", "utf-8": "utf-8"}[encoding]
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<meta name="SiteName" content="某某县人民政府" /><meta name="ColumnName" content="政府信息公开年报" />
<meta name="ArticleTitle" content="{_escape(title)}" />
{f'<meta name="PubDate" content="{published} 09:30" />' if meta_date else ""}
<meta name="ContentSource" content="某某局" />
<title>{_escape(title)}_某某县人民政府</title>
<link rel="stylesheet" href="/css/style.css" />
<script type="text/javascript">var pageTitle = "{_escape(title)}"; document.write("<p>脚本里的文字</p>");</script>
<style>.TRS_Editor p{{line-height:2;}}</style>
</head><body><form id="form1" method="post" action="./article.aspx">
{NAV}
<div class="main"><div class="article">
<table class="xxgk-meta" width="100%"><tr><td>索 引 号：</td><td>11410825MB1234567X/2022-00012</td>
<td>主题分类：</td><td>政务公开</td></tr><tr><td>发布机构：</td><td>某某局</td><td>公开日期：</td>
<td>{published.replace("-", "年", 1).replace("-", "月") + "日" if not meta_date else published}</td></tr><tr><td>文　　号：</td><td></td><td>有 效 性：</td><td>有效</td></tr></table>
<h1 class="article-title">{_escape(title)}</h1>
<div class="info"><span>{"发布时间：" + published + " 09:30" if meta_date else "浏览量：3"}</span>　<span>来源：某某局</span>　<span>浏览次数：<em>1024</em></span>
<span class="fontsize">字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></span></div>
<div id="zoom" class="TRS_Editor"><div class="Custom_UnionStyle">
{"".join(body)}
<p style="display:none">隐藏的统计代码文字</p>
</div></div>
<div class="bdsharebuttonbox"><span>分享到：</span><a class="bds_weixin" href="#">微信</a><a class="bds_tsina" href="#">微博</a></div>
<div class="print-close">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
</div></div>
{FOOTER.format(last=year - 1)}
</form></body></html>"""
    return page.encode(encoding)


def _portal_paragraph(text: str, fmt: Format) -> str:
    if text in {s.heading for s in fmt.sections} or text.startswith(("一、", "二、", "三、", "四、", "五、", "六、")):
        return f'<p style="text-indent:2em;"><strong><span style="font-family:黑体;font-size:16pt;">{_escape(text)}</span></strong></p>\n'
    return (f'<p style="text-indent:2em;line-height:2;">&nbsp;&nbsp;<span style="font-size:16pt;">'
            f'<span style="font-family:仿宋_GB2312;">{_escape(text)}</span></span>&nbsp;</p>\n')


def _portal_cell(part: str) -> str:
    return f'<p style="text-align:center;margin:0;"><span style="font-size:12pt;font-family:宋体;">{part}</span></p>'


# ---------------------------------------------------------------- Word "save as web page"


def word_page(fmt: Format, values: Values, year: int, *, labels=None, texts=None, quirks: Quirks | None = None,
              split_applications_after: int | None = 12, **content) -> bytes:
    quirks = quirks or Quirks()
    labels, texts = labels or {}, texts or {}
    items = list(report_items(fmt, year, **content))
    headings = {s.heading for s in fmt.sections}
    body = []
    for kind, item in items:
        if kind == "p":
            body.append(_word_paragraph(item, headings, first=not body))
        else:
            split = split_applications_after if item.key == "applications" else None
            for i, part in enumerate(table_rows(item, values, labels, texts, quirks, split)):
                if i:
                    body.append("<span lang=EN-US style='font-size:16.0pt;font-family:仿宋_GB2312'><br clear=all "
                                "style='page-break-before:always'></span>\n")
                body.append(_word_table(part))
    page = f"""<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns:m="http://schemas.microsoft.com/office/2004/12/omml"
xmlns="http://www.w3.org/TR/REC-html40">

<head>
<meta http-equiv=Content-Type content="text/html; charset=gb2312">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<meta name=Originator content="Microsoft Word 15">
<title>{_escape(items[0][1])}</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties>
  <o:Author>办公室</o:Author>
  <o:Created>2022-01-10T02:00:00Z</o:Created>
 </o:DocumentProperties>
</xml><![endif]-->
<style>
<!--
p.MsoNormal, li.MsoNormal, div.MsoNormal
	{{mso-style-parent:"";margin:0cm;text-align:justify;font-size:16.0pt;font-family:仿宋_GB2312;}}
@page WordSection1 {{size:595.3pt 841.9pt;margin:104.9pt 73.7pt 99.25pt 79.4pt;}}
div.WordSection1 {{page:WordSection1;}}
-->
</style>
</head>

<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>

<div class=WordSection1 style='layout-grid:28.95pt'>
{"".join(body)}
<p class=MsoNormal><span style='display:none;mso-hide:all'>隐藏文字：审核人张三<o:p></o:p></span></p>
</div>

<div style='mso-element:footer' id=f1>
<p class=MsoFooter align=center style='text-align:center'><span lang=EN-US>— 1 —<o:p></o:p></span></p>
</div>

</body>

</html>
"""
    return page.encode("gb18030")


def _word_paragraph(text: str, headings: set[str], first: bool) -> str:
    if first:
        return (f"<p class=MsoNormal align=center style='text-align:center;line-height:28.95pt;mso-line-height-rule:"
                f"exactly'><span style='font-size:22.0pt;font-family:方正小标宋简体'>{_word_runs(text)}<span lang=EN-US>"
                f"<o:p></o:p></span></span></p>\n")
    if text in headings:
        number, words = text.split("、", 1)
        return (f"<p class=MsoListParagraph style='margin-left:32.0pt;text-indent:-32.0pt;mso-list:l0 level1 lfo1'>"
                f"<![if !supportLists]><span style='font-family:黑体;mso-bidi-font-family:黑体'><span style='mso-list:"
                f"Ignore'>{number}、<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; </span></span></span>"
                f"<![endif]><span style='font-family:黑体'>{_escape(words)}<span lang=EN-US><o:p></o:p></span></span></p>\n")
    return (f"<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0'><span style='font-family:"
            f"仿宋_GB2312'>{_word_runs(text)}<span lang=EN-US><o:p></o:p></span></span></p>\n")


def _word_runs(text: str) -> str:
    """Word puts Latin characters and digits in runs of their own."""
    out, latin = [], None
    for ch in text:
        is_latin = ch.isascii()
        if is_latin != latin:
            if latin is not None:
                out.append("</span>" if latin else "")
            out.append("<span lang=EN-US style='font-family:\"Times New Roman\"'>" if is_latin else "")
            latin = is_latin
        out.append(_escape(ch))
    if latin:
        out.append("</span>")
    return "".join(out)


def _word_table(rows: list[list[Td]]) -> str:
    width = max(sum(td.cols for td in row) for row in rows)
    trailer = ("<![if !supportMisalignedColumns]>\n <tr height=0>\n"
               + "".join("  <td width=40 style='border:none'></td>\n" for _ in range(width)) + " </tr>\n <![endif]>\n")
    return ("<div align=center>\n<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=589\n"
            " style='width:441.9pt;border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
            "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>\n"
            + "".join(f" <tr style='mso-yfti-irow:{i}'>\n" + "".join("  " + td.html(_word_cell) + "\n" for td in row)
                      + " </tr>\n" for i, row in enumerate(rows))
            + trailer + "</table>\n</div>\n")


def _word_cell(part: str) -> str:
    return (f"<p class=MsoNormal align=center style='text-align:center;line-height:14.0pt;mso-line-height-rule:exactly'>"
            f"<span style='font-size:10.5pt;font-family:仿宋_GB2312'>{part}<span lang=EN-US><o:p></o:p></span></span></p>")


def word_archive(page: bytes) -> bytes:
    """What Word's "另存为 → 单个文件网页" writes around a page it saves as .htm: MIME
    headers, the notice for mail readers in the system's code page, the page
    quoted-printable (``=3D``, soft breaks at 76 columns, CRLF), then the files of its
    ``.files`` folder -- the theme (base64), the colour map, a picture, the file list."""
    boundary = "----=_NextPart_01D80E0A.5B3C2D10"
    home = "file:///C:/D1E2F3A4/report"
    png = (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", b"\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
           + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + _png_chunk(b"IEND", b""))
    theme = io.BytesIO()
    with zipfile.ZipFile(theme, "w") as package:
        package.writestr("theme/theme/theme1.xml", '<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
                                                   'name="Office 主题"/>')
    files = [("themedata.thmx", "base64", "application/vnd.ms-officetheme", theme.getvalue()),
             ("colorschememapping.xml", "quoted-printable", "text/xml",
              b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<a:clrMap xmlns:a="http://schemas.'
              b'openxmlformats.org/drawingml/2006/main" bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1"/>'),
             ("image001.png", "base64", "image/png", png),
             ("filelist.xml", "quoted-printable", 'text/xml; charset="utf-8"',
              b'<xml xmlns:o="urn:schemas-microsoft-com:office:office">\r\n <o:MainFile HRef="../report.htm"/>\r\n'
              b' <o:File HRef="themedata.thmx"/>\r\n <o:File HRef="image001.png"/>\r\n</xml>')]
    out = [b"MIME-Version: 1.0", b'Content-Type: multipart/related; boundary="' + boundary.encode() + b'"', b"",
           "此文档为“单个文件网页”，也称为“Web 档案”文件。如果您看到此消息，但是您的浏览器或编辑器不支持“Web 档案”"
           "文件。请下载支持“Web 档案”的浏览器。".encode("gb18030"), b""]
    parts = [(f"{home}.htm", "quoted-printable", 'text/html; charset="gb2312"', page)]
    parts += [(f"{home}.files/{name}", *rest) for name, *rest in files]
    for location, encoding, kind, data in parts:
        if encoding == "base64":
            body = base64.encodebytes(data).replace(b"\n", b"\r\n").rstrip(b"\r\n")
        else:
            body = quopri.encodestring(data.replace(b"\r\n", b"\n")).replace(b"\n", b"\r\n")
        out += [b"--" + boundary.encode(), b"Content-Location: " + location.encode(),
                b"Content-Transfer-Encoding: " + encoding.encode(), b"Content-Type: " + kind.encode(), b"", body, b""]
    out.append(b"--" + boundary.encode() + b"--")
    return b"\r\n".join(out) + b"\r\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def input_content(path):
    """A TOML input's report as ``portal_page`` (and ``build_report``) take it: (format,
    values with the totals, year, content) -- the page then holds what ``fill`` prints."""
    report = load_input(path)
    fmt = report.fmt
    prose = {}
    for key, section in report.prose.items():
        lines = list(section.paragraphs)
        for n, item in enumerate(section.items):
            lines.append(f"（{'一二三四五六七八九十'[n]}）{item.title}")
            lines += item.paragraphs
        prose[key] = lines
    return fmt, derive(fmt, report.values), report.year, {"prose": prose, "title": report.title,
                                                          "preface": list(report.preface)}
