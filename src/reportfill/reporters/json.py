"""JSON for other programs: one object per file (a list when several were checked),
with what the report says about itself and every finding."""

from __future__ import annotations

import json

from ..findings import Result
from ..rules.catalogue import RULES


def report(results: list[Result]) -> str:
    items = [item(r) for r in results]
    return json.dumps(items[0] if len(items) == 1 else items, ensure_ascii=False, indent=2)


def item(result: Result) -> dict:
    read = result.report
    return {
        "path": result.source,
        "status": result.status,
        "ok": result.ok,
        "error": "；".join(result.problems) if result.problems else None,
        "skipped": result.skipped or None,
        "kind": result.kind or None,
        "format": read.fmt.id if read else None,
        "agency": read.agency or None if read else None,
        "year": read.year if read else None,
        "title": read.title or None if read else None,
        "published": result.published.isoformat() if result.published else None,
        "previous": result.previous or None,
        "reuse": result.reuse.as_dict() if result.reuse else None,
        "findings": [{**f.as_dict(), "title": RULES[f.rule].title} for f in result.findings],
    }
