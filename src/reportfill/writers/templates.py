"""The template a fill uses: the one bundled with reportfill or a user's copy of it,
restyled in Word -- and the check that a file really is such a template.

A DOCX that is not a reportfill template (a published report, the wrong file) renders
without complaint into a document without a single number; the read-back check then
lists every cell of every table. The check here says in one message what is missing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..errors import Problem, ReportfillError
from ..files import Written, write_keeping
from ..format.formats import FIELDS
from ..format.spec import Format
from ..rules.tables import cell_title
from .template_builder import SOURCE_TEMPLATES, placeholder, template_name

# What a template is told to fill: the title, the preface, each prose section, the cells.
# (Compiled when a template is first checked: a process rendering a template prepared
# before never needs them.)
_TAG = r"\{[{%](.*?)[}%]\}"
_NAME = r"[A-Za-z_]\w*"
_CELL = r"""cells\s*\[\s*(['"])(.+?)\1\s*\]"""
SHOWN = 3  # missing placeholders named in the message; the rest are counted


def default_template(fmt: Format) -> Path:
    """The template shipped in the package; in a source checkout, the one in templates/."""
    shipped = _package() / "templates" / template_name(fmt)
    if shipped.is_file():
        return shipped
    return SOURCE_TEMPLATES / template_name(fmt)


@lru_cache(maxsize=1)
def _package() -> Path:
    """Where the package is, resolved once: every render asks for its template."""
    return Path(__file__).resolve().parents[1]


def write_copy(fmt: Format, target: Path, *, force: bool = False) -> Written:
    """Write a copy of the bundled template of ``fmt`` to ``target``, for restyling in
    Word; an existing file -- perhaps a copy restyled already -- is replaced only with
    ``force``, and then kept as ``name.bak.docx``."""
    target = Path(target)
    if target.suffix.lower() != ".docx":
        raise ReportfillError(Problem(str(target), "模板必须是 .docx 文件，例如 -o 我的模板.docx"))
    return write_keeping(target, default_template(fmt).read_bytes(), force=force, exists=(
        "文件已存在，没有覆盖；请换一个文件名，或加 --force 覆盖（原文件会保留为 .bak.docx）"))


def check(source: str, fmt: Format, where: str) -> None:
    """Raise unless the template text ``source`` (its body, as Jinja will compile it)
    fills every part of a ``fmt`` report: title, preface, prose sections, table cells."""
    tags = " ".join(re.findall(_TAG, source, re.DOTALL))
    names = set(re.findall(_NAME, tags))
    cells = {m[1] for m in re.findall(_CELL, tags)}
    if not names:
        raise ReportfillError(Problem(where, (
            "不是 reportfill 的模板：其中没有任何 {{ }} 占位符。\n"
            "请用 reportfill template -o 我的模板.docx 导出模板，在 Word 中只修改样式，再用 --template 指定它"
        )))
    tables = {t.section: t for t in fmt.tables}
    missing = [label for name, label in (("title", f"{FIELDS['title']} {{{{ title }}}}"), ("preface", FIELDS["preface"]))
               if name not in names]
    missing += [f"“{s.heading}”的正文" for i, s in enumerate(fmt.sections)
                if i not in tables and s.key not in names]
    missing += [f"{cell_title(t, p.cell.row, p.cell.col)} 的数字"
                for t in fmt.tables for p in t.slots
                if placeholder(t.key, p.cell.row, p.cell.col) not in cells]
    if missing:
        more = f"等，共 {len(missing)} 处" if len(missing) > SHOWN else ""
        raise ReportfillError(Problem(where, (
            f"不是完整的 reportfill 模板，缺少这些内容的占位符：{'、'.join(missing[:SHOWN])}{more}。\n"
            "模板中 {{ }} 和 {%p %} 的文字不能删改；请用 reportfill template -o 我的模板.docx 重新导出模板再修改样式"
        )))
