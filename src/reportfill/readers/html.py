"""The HTML reader: a report published as a web page becomes a
:class:`~reportfill.document.Document`.

Reports reach the web two ways: a portal's article page (the report pasted into the
site's editor, framed by navigation, a metadata table -- 索引号, 发布机构, 公开日期 --,
share buttons and a footer), or a ``.htm`` that Word or WPS saved ("另存为网页"), with
inline styles, ``MsoNormal`` paragraphs and spans around every run. Either way the
page is decoded by what it declares (a BOM, ``<meta charset>``; GBK and GB2312 are read
as GB18030, their superset), parsed with lxml's HTML parser -- no network, no entity
definitions, bounded size and depth --, and the article is found among the chrome:
the deepest element holding most of the page's text that is not link text, together
with the article's title where the page prints it above the body. Inside the article,
text is read as a browser shows it: hidden elements dropped, white space collapsed,
``&nbsp;`` padding trimmed, ``<br>`` as a line break, a cell's several ``<p>`` and
``<span>`` as its lines; tables are laid out with their row and column spans
(:mod:`reportfill.readers.grid`). The publication date comes from the page's metadata.

This module is the only place that reads HTML.
"""

from __future__ import annotations

import codecs
import datetime
import re

from lxml import etree

from ..document import Document, Paragraph, Table
from .grid import Spanned, layout
from .source import Opened, megabytes

MAX_HTML_BYTES = 32 * 2**20  # a saved page with its images inlined is a few MB
MAX_BLOCKS = 20_000  # as in the DOCX reader
MAX_DEPTH = 200  # libxml2 stops at 256 levels; deeper content is not a report's
MAX_TAGS = 200_000  # a report's page has thousands; lxml builds the whole tree before MAX_BLOCKS can stop it
_SNIFF_BYTES = 64 * 1024

# ---------------------------------------------------------------- what a tag is

_SKIPPED = frozenset("""head script style noscript template iframe frame frameset object embed applet svg math
    canvas audio video map select option button input textarea label meta link base title""".split())
_BLOCKS = frozenset("""address article aside blockquote center dd details dialog dir div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre section summary ul
    body html caption""".split())
_CHROME_TAGS = frozenset(("nav", "aside", "menu"))
# Class and id words that portals give their navigation, share bars and footers.
_CHROME_WORDS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|crumbs?|share|bdshare\w*|jiathis\w*|social|sidebar|"
    r"related|xgwz|xgxx|copyright|footer|foot|bottom|toolbar|print|fontsize|font-size|search|login|skip|qrcode|"
    r"ewm|wzdt|dqwz|position|location)(?:$|[\s_-])", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all|"
                           r"mso-element\s*:\s*(?:header|footer|footnote-list|endnote-list|comment-list)", re.I)
# Lines portals print around an article that are no part of it.
_CHROME_LINE = re.compile(
    r"^[\s【\[]*(?:打印本页|打印|关闭窗口|关闭|返回顶部|收藏|分享到|扫一扫|字号|字体|【大|大\s*中\s*小|"
    r"上一篇|下一篇|相关链接|相关文章|责任编辑|浏览次数|访问量|阅读次数)")

# ---------------------------------------------------------------- page metadata

# The 政府网站 metadata standard names these <meta> tags; other CMSs use the rest.
_META_DATE = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "dc.date.issued",
              "dcterms.issued", "dc.date", "publish_time", "releasedate")
_META_TITLE = ("articletitle", "og:title", "dc.title")
_META_LABELS = ("索引号", "发布机构", "发文机关", "公开日期", "发布日期", "发布时间", "成文日期", "发文日期", "生成日期",
                "主题分类", "体裁分类", "组配分类", "服务对象", "文号", "发文字号", "公开方式", "公开范围", "公开时限",
                "信息来源", "来源", "有效性", "所属机构", "信息名称", "主题词", "分类")
_DATE_LABEL = re.compile(r"(?:发布|公开|发文|上网)(?:日期|时间)\s*[:：]?\s*")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_TITLE_SPLIT = re.compile(r"\s*(?:[-_|｜—–]{1,2}|——)\s*")

_SPACES = re.compile(r"[ \t\n\r\f]+")
_LIST_NUMBER = re.compile(r"mso-list\s*:\s*ignore", re.I)
_BREAK = "\u2028"  # a <br> while a paragraph's text is collected; source newlines are only spaces


def read(opened: Opened) -> Document:
    if opened.size > MAX_HTML_BYTES:
        raise opened.refuse(f"网页文件过大（{megabytes(opened.size)}），超过 {megabytes(MAX_HTML_BYTES)} 的上限，不像是年度报告")
    return read_page(opened, opened.read_all())


def read_page(opened: Opened, data: bytes, charset: str | None = None, kind: str = "html") -> Document:
    """The report in a page's bytes. A web archive (:mod:`.mhtml`) holds the page as one
    of its parts, which may carry the ``charset`` the page was served with, and is a
    source ``kind`` of its own."""
    if data.count(b"<") > MAX_TAGS:
        raise opened.refuse(f"网页中的标签过多（超过 {MAX_TAGS} 个），不像是年度报告，拒绝读取")
    root = parse(data, charset)
    page = _Page(root) if root is not None else None
    if page is None or page.body is None:
        raise opened.refuse("网页没有正文内容")
    walk = _Walk(opened)
    for part in page.article():
        walk.element(part, ())
    return Document(walk.blocks, kind, title=page.title(), published=page.published())


# ---------------------------------------------------------------- decoding and parsing


def sniff(head: bytes) -> bool:
    """Whether the first bytes of a file are an HTML page (whatever its name says:
    portals serve pages saved as .doc, and Word's .htm has no doctype)."""
    text = _decode(head, _encoding(head))[:4096].lstrip("\ufeff \t\r\n")
    return text.startswith("<") and _HTML_TAG.search(text) is not None


_HTML_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title|table|p|div|span|br)[\s>/]", re.I)


def parse(data: bytes, charset: str | None = None) -> etree._Element | None:
    """The page's tree, decoded by what the page declares (a BOM, ``<meta charset>``),
    else by the ``charset`` its carrier declares (a web archive's part) when the bytes
    are valid in it, else as UTF-8 or GB18030, whichever its bytes are. The page's own
    word comes first: archive writers keep the page's bytes as they were, and a part's
    charset is sometimes a guess (us-ascii, latin-1 over GBK bytes), while a page with no
    declaration of its own was served with one in its HTTP header, which the part then
    carries. Control characters, which no page shows and XML forbids, become spaces."""
    carried = _known(_ALIASES.get(charset.strip().lower(), charset)) if charset else None
    if carried and not _valid(data, carried):
        carried = None
    text = _CONTROL.sub(" ", _decode(data, _encoding(data[:_SNIFF_BYTES], carried)))
    parser = etree.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True,
                              huge_tree=False, default_doctype=False)
    return etree.fromstring(text.encode("utf-8", "surrogatepass"), parser)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # what no page shows and XML forbids
_ALIASES = {"unicode": "utf-16", "unicodefffe": "utf-16-be"}  # what Word writes for UTF-16


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_.:-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "hz-gb-2312", "gb18030", "x-euc-cn", "csgb2312"}


def _encoding(head: bytes, carried: str | None = None) -> str:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    declared = _CHARSET.search(head) or _XML_ENCODING.search(head)
    known = declared and _known(declared.group(1).decode("ascii"))
    if known and not known.startswith(("utf-16", "utf-32")):  # a <meta> read as ASCII is in neither
        return known
    if carried:
        return carried
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # Cut inside a character at the end of the sniffed bytes is still UTF-8.
        return "utf-8" if exc.start >= len(head) - 3 else "gb18030"


def _known(name: str) -> str | None:
    """The codec for a declared charset (GBK and GB2312 read as GB18030); None for a name
    that is no character set of web pages -- Python also knows base64, rot13, idna and
    the like by name, which decode no page."""
    name = name.strip().lower()
    if not _CHARSET_NAME.fullmatch(name):
        return None
    if name in _GB:
        return "gb18030"
    try:
        codec = codecs.lookup(name).name
        if codec in _NOT_PAGE_CHARSETS:
            return None
        b"\0".decode(codec, "replace")  # refused (LookupError) for codecs that are no text encoding
    except LookupError:
        return None
    if not codec.startswith(("utf-16", "utf-32")) and _MARKUP.decode(codec, "replace") != _MARKUP.decode("ascii"):
        return None  # EBCDIC (cp037, cp500 …), which browsers do not know: its "<" is no 0x3C byte, uncounted
    return codec


_CHARSET_NAME = re.compile("[a-z0-9_.:-]{1,40}")  # what _CHARSET takes from a page
_MARKUP = b'<p class="x">&amp;</p>'  # what every charset of web pages writes as ASCII does
# Text codecs by Python's names that no page is written in: they turn a page into noise.
_NOT_PAGE_CHARSETS = {"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape", "utf-7", "mbcs", "oem"}


def _valid(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeError:
        return False
    return True


def _decode(data: bytes, encoding: str) -> str:
    for bom, name in _BOMS:
        if name == encoding and data.startswith(bom):
            data = data[len(bom):]
    return data.decode(encoding, "replace")


# ---------------------------------------------------------------- the page around the article


def _style_hidden(el: etree._Element) -> bool:
    style = el.get("style")
    return (style is not None and _HIDDEN_STYLE.search(style) is not None) or el.get("hidden") is not None \
        or el.get("aria-hidden") == "true"


def _tag(el) -> str:
    """The element's tag, lower case; Office's own elements keep their prefix (``o:p`` is
    an empty inline marker, not a paragraph)."""
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _is_chrome(el: etree._Element) -> bool:
    tag = _tag(el)
    if tag in _CHROME_TAGS or tag == "footer":
        return True
    if tag == "header":
        return not any(_tag(a) in ("article", "main") for a in el.iterancestors())
    words = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(words.strip()) and _CHROME_WORDS.search(words) is not None


def _chars(text: str | None) -> int:
    return len("".join(text.split())) if text else 0


def measure(root: etree._Element) -> dict[etree._Element, tuple[int, int]]:
    """For every element: the characters of visible text under it, and how many of
    them are link text (navigation is mostly links, an article mostly not)."""
    sizes: dict[etree._Element, tuple[int, int]] = {}

    def visit(el: etree._Element, linked: bool) -> tuple[int, int]:
        linked = linked or _tag(el) == "a"
        total = _chars(el.text)
        links = total if linked else 0
        for child in el:
            t, l = visit(child, linked)
            tail = _chars(child.tail)
            total += t + tail
            links += l + (tail if linked else 0)
        sizes[el] = (total, links)
        return total, links

    visit(root, False)
    return sizes


class _Page:
    """A parsed page: its metadata, and its body with what a browser hides and the
    site's chrome removed."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.meta: dict[str, str] = {}
        for meta in root.iter("meta"):
            name = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip().lower()
            if name and meta.get("content") and name not in self.meta:
                self.meta[name] = meta.get("content").strip()
        self.window_title = " ".join((root.findtext("head/title") or "").split())
        # Word's VML drawings are read from the fallback Word writes beside them.
        _remove_all([el for el in root.iter() if not _tag(el) or _tag(el) in _SKIPPED or _tag(el).startswith("v:")
                     or _style_hidden(el)])
        self.body = root.find("body")
        # The date labels usually sit in the chrome (an info bar, the metadata table).
        self.text = " ".join(self.body.itertext())[:200_000] if self.body is not None else ""
        if self.body is not None:
            self._strip_chrome()

    def _strip_chrome(self) -> None:
        sizes = measure(self.body)
        total, links = sizes[self.body]
        most = 0.3 * (total - links)  # what holds this much of the page is no chrome
        doomed = []
        for el in self.body.iterdescendants():
            if not isinstance(el.tag, str):
                continue
            t, l = sizes[el]
            if (_is_chrome(el) and t - l < most and not _holds_numbers_table(el)) or (t <= 400 and _is_metadata(el)):
                doomed.append(el)
        _remove_all(doomed)

    def article(self) -> list[etree._Element]:
        """The elements that hold the article, in reading order: the deepest element
        holding most of the page's text that is not link text, and the article's title
        where the page prints it above that element."""
        sizes = measure(self.body)
        total, links = sizes[self.body]
        wanted = 0.6 * (total - links)
        node = self.body
        while wanted > 0:
            best = None
            for child in node:
                if not isinstance(child.tag, str) or not _has_block(child):
                    continue  # a paragraph is no container of the article
                t, l = sizes[child]
                if t - l >= wanted:
                    best = child
                    break
            if best is None:
                break
            node = best
        parts = [node]
        title = self._title_element(node)
        if title is not None:
            parts.insert(0, title)
        return parts

    def _title_element(self, article: etree._Element) -> etree._Element | None:
        """The article's title printed above its body, when the body does not begin with it."""
        key = "".join(self.title().split())
        if not key or key in "".join("".join(article.itertext()).split())[: 4 * len(key) + 200]:
            return None
        found = None
        for el in self.body.iter():
            if el is article:
                break
            if isinstance(el.tag, str) and "".join("".join(el.itertext()).split()) == key \
                    and not any(_tag(a) == "a" for a in el.iterancestors()) and _tag(el) != "a":
                found = el
        return found

    def title(self) -> str:
        """The article's title as the page states it: its metadata, a heading naming a
        report, or the window title without the site's name."""
        for name in _META_TITLE:
            if self.meta.get(name):
                return " ".join(self.meta[name].split())
        if self.body is not None:
            for el in self.body.iter("h1", "h2", "h3"):
                text = " ".join("".join(el.itertext()).split())
                if "报告" in text and len(text) <= 80:
                    return text
        if self.window_title:
            return max(_TITLE_SPLIT.split(self.window_title), key=lambda part: ("报告" in part, len(part)))
        return ""

    def published(self) -> datetime.date | None:
        """The publication date the page states: its metadata tags, else a
        发布日期 / 公开日期 / 发布时间 label in its text."""
        for name in _META_DATE:
            found = _date(self.meta.get(name, ""))
            if found:
                return found
        for match in _DATE_LABEL.finditer(self.text):
            found = _date(self.text[match.end(): match.end() + 40])
            if found:
                return found
        return None


def _date(text: str) -> datetime.date | None:
    found = _DATE.match(text.strip()) if text else None
    if not found:
        return None
    try:
        return datetime.date(*map(int, found.groups()))
    except ValueError:
        return None


def _remove_all(elements: list[etree._Element]) -> None:
    """Remove elements (in document order) and what they hold, keeping the text after
    each. The text is put together once per place it goes to: a paragraph of thousands of
    removed elements would otherwise copy its growing text once for each."""
    pieces: dict[tuple[bool, etree._Element], list[str]] = {}  # (tail?, element) -> the text it gets
    for el in elements:
        parent = el.getparent()
        if parent is None:
            continue
        if el.tail:
            previous = el.getprevious()
            place = (True, previous) if previous is not None else (False, parent)
            pieces.setdefault(place, [(previous.tail if previous is not None else parent.text) or ""]).append(el.tail)
        parent.remove(el)
    for (tail, el), texts in pieces.items():
        text = _CONTROL.sub(" ", "".join(texts))  # libxml2 expands &#11; and &#xFFFF;, which lxml refuses to set
        if tail:
            el.tail = text
        else:
            el.text = text


def _holds_numbers_table(el: etree._Element) -> bool:
    """Whether a report's statistics table is inside: chrome never holds one."""
    for table in el.iter("table"):
        numbers = sum(1 for td in table.iter("td", "th") if _NUMBER.fullmatch("".join("".join(td.itertext()).split())))
        if numbers >= 10:
            return True
    return False


_NUMBER = re.compile(r"[\d.,]+")
_LABEL_KEY = re.compile(r"[\s\u3000:：]+")


def _is_metadata(el: etree._Element) -> bool:
    """A table or list of the page's metadata (索引号, 发布机构, 公开日期 …)."""
    if _tag(el) not in ("table", "ul", "dl", "div", "p"):
        return False
    text = _LABEL_KEY.sub("", "".join(el.itertext()))
    if len(text) > 400 or _tag(el) in ("div", "p") and len(el) > 12:
        return False
    return sum(label in text for label in _META_LABELS[:12]) >= 2


# ---------------------------------------------------------------- the article as blocks


class _Walk:
    """Blocks in reading order, as the DOCX reader gives them: paragraphs, tables, and
    -- marked with the tables around them -- the paragraphs inside table cells."""

    def __init__(self, opened: Opened):
        self.opened = opened
        self.blocks: list[Paragraph | Table] = []
        self.tables = 0

    def _add(self, block) -> None:
        if len(self.blocks) >= MAX_BLOCKS:
            raise self.opened.refuse(f"网页内容过多（超过 {MAX_BLOCKS} 个段落和表格），不像是年度报告，拒绝核对")
        self.blocks.append(block)

    def element(self, el: etree._Element, inside: tuple[int, ...]) -> list[str]:
        """Append the blocks of an element; return its paragraphs' texts."""
        texts: list[str] = []
        self._container(el, inside, texts, 0)
        return texts

    def _container(self, el, inside, texts: list[str], depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        run: list[str] = []

        def flush() -> None:
            text = _clean("".join(run))
            run.clear()
            if text and not _CHROME_LINE.match(text):
                self._add(Paragraph(text, inside))
                texts.append(text)

        if el.text:
            run.append(el.text)
        for child in el:
            tag = _tag(child)
            if tag == "table":
                flush()
                self._table(child, inside, depth + 1)
            elif tag == "br":
                run.append(_BREAK)
            elif tag in _BLOCKS or tag in ("tr", "td", "th", "tbody", "thead", "tfoot") or _has_block(child):
                flush()
                self._container(child, inside, texts, depth + 1)
            elif tag:
                run.append(_inline_text(child, depth + 1))
            if child.tail:
                run.append(child.tail)
        flush()

    def _table(self, table_el: etree._Element, inside: tuple[int, ...], depth: int) -> None:
        table = Table([], inside)
        self._add(table)
        within = inside + (self.tables,)
        self.tables += 1
        rows = []
        for tr in _rows(table_el):
            row = []
            for td in tr:
                if _tag(td) not in ("td", "th"):
                    continue
                texts: list[str] = []
                self._container(td, within, texts, depth + 1)
                text = "\n".join(texts)
                row.append(Spanned(text, _span(td.get("rowspan")), _span(td.get("colspan"))))
            rows.append(row)
        table.grid = layout(rows)


def _rows(table: etree._Element):
    """The rows of a table in order (thead, tbody, tfoot, or directly), not those of a
    table nested inside."""
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if _tag(tr) == "tr")


def _span(value: str | None) -> int:
    try:
        return int(value.strip().rstrip(";")) if value else 1
    except ValueError:
        return 1


def _has_block(el: etree._Element) -> bool:
    """An inline element holding block content (a <span> around <p>s) is read as a block."""
    return any(_tag(d) in _BLOCKS or _tag(d) == "table" for d in el.iterdescendants())


def _inline_text(el: etree._Element, depth: int) -> str:
    if depth > MAX_DEPTH:
        return ""
    out = [el.text or ""]
    for child in el:
        tag = _tag(child)
        out.append(_BREAK if tag == "br" else _inline_text(child, depth + 1) if tag else "")
        out.append(child.tail or "")
    text = "".join(out)
    if _LIST_NUMBER.search(el.get("style") or ""):
        # Word's list number ("一、") and the spaces it pads it with, standing in for a tab.
        return text.replace("\u00a0", " ").rstrip()
    return text


def _clean(text: str) -> str:
    """White space as a browser shows it: runs collapsed, none around line breaks, the
    ``&nbsp;`` and ideographic-space padding of portal editors trimmed."""
    lines = (_SPACES.sub(" ", line.replace("\u00a0", " ")).strip(" \u3000") for line in _SPACES.sub(" ", text).split(_BREAK))
    return "\n".join(lines).strip("\n")
