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

from . import opc
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
    opc.set_blob(opc.properties_part(document, opc.APP_PROPERTIES), _APP_XML)


def describe_core(props, *, title: str, author: str, subject: str = "",
                  date: datetime.datetime | None = None) -> None:
    """Write the core properties ``props`` (python-docx's ``CoreProperties``) from scratch."""
    opc.clear_core_properties(props)
    props.title = title
    props.author = author
    if subject:
        props.subject = subject
    props.language = "zh-CN"
    if date is not None:
        props.created = date
        props.modified = date

