"""What a DOCX says about itself: the application that wrote it (``docProps/app.xml``) and
the document's title, author and dates (``docProps/core.xml``).

Both are written whole rather than edited: a template restyled in Word carries Word's
page and word counts and its own name, which describe a different document. Dates are
left out unless ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) gives one, so
the same input still gives the same bytes and no date is ever invented.
"""

from __future__ import annotations

import datetime
import os

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part

from .. import __version__
from ..errors import Problem, ReportfillError

APPLICATION = f"reportfill/{__version__}"
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"

_APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    f"<Application>{APPLICATION}</Application>"
    "</Properties>"
).encode("utf-8")


def source_date() -> datetime.datetime | None:
    """The time ``SOURCE_DATE_EPOCH`` names, or None when it is not set."""
    value = os.environ.get(SOURCE_DATE_EPOCH, "").strip()
    if not value:
        return None
    try:
        return datetime.datetime.fromtimestamp(int(value), datetime.timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        raise ReportfillError(Problem(
            SOURCE_DATE_EPOCH, f"环境变量的值 {value!r} 不是 Unix 时间戳（自 1970-01-01 起的秒数）；请改正或删除它",
        )) from None


def describe(document, *, title: str, author: str, subject: str = "",
             date: datetime.datetime | None = None) -> None:
    """Write ``document``'s core and app properties from scratch."""
    describe_core(document.core_properties, title=title, author=author, subject=subject, date=date)
    _app_part(document)._blob = _APP_XML


def describe_core(props, *, title: str, author: str, subject: str = "",
                  date: datetime.datetime | None = None) -> None:
    """Write the core properties ``props`` (python-docx's ``CoreProperties``) from scratch."""
    core = props._element
    for child in list(core):
        core.remove(child)
    props.title = title
    props.author = author
    if subject:
        props.subject = subject
    props.language = "zh-CN"
    if date is not None:
        props.created = date
        props.modified = date


def _app_part(document) -> Part:
    package = document.part.package
    for rel in package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            return rel.target_part
    part = Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, b"", package)
    package.relate_to(part, RT.EXTENDED_PROPERTIES)
    return part
