"""The fonts a DOCX asks for, as its font table declares them: what a conversion must
find installed, or replace (see :func:`reportfill.office.substitution_note`).

The files are the ones given to ``preview`` or ``fill --pdf``, from anywhere: the font
table is read with the limits every DOCX part is read with (:mod:`.package`), so a file
built to exhaust the reader declares no fonts rather than being unpacked."""

from __future__ import annotations

import os
from collections.abc import Iterable

from ...errors import ReportfillError
from ..source import open_source
from .package import read_part
from .wordml import w

_FONT_TABLE = "word/fontTable.xml"


def declared_fonts(paths: Iterable[str | os.PathLike]) -> list[str]:
    """The fonts the DOCX files declare in their font tables, in order of appearance;
    files that are not DOCX (a PDF, an .odt), or that cannot be read safely, declare none."""
    names: dict[str, None] = {}
    for path in paths:
        try:
            with open_source(path, str(path)) as opened:
                table = read_part(opened, _FONT_TABLE) if opened.head.startswith(b"PK") else None
        except ReportfillError:
            continue
        if table is not None:
            names.update((font.get(w("name")), None) for font in table if font.get(w("name")))
    return list(names)
