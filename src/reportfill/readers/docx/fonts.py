"""The fonts a DOCX asks for, as its font table declares them: what a conversion must
find installed, or replace (see :func:`reportfill.office.substitution_note`)."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable

from lxml import etree

_NAME = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}name"
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True)


def declared_fonts(paths: Iterable[str | os.PathLike]) -> list[str]:
    """The fonts the DOCX files declare in their font tables, in order of appearance;
    files that are not DOCX (a PDF, an .odt) declare none."""
    names: dict[str, None] = {}
    for path in paths:
        try:
            with zipfile.ZipFile(path) as archive:
                table = etree.fromstring(archive.read("word/fontTable.xml"), _SAFE)
        except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
            continue
        names.update((font.get(_NAME), None) for font in table if font.get(_NAME))
    return list(names)
