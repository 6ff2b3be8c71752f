"""Reporters: how a run's results are shown. Each takes the list of
:class:`~reportfill.findings.Result` and returns the text to print; the command line
looks them up by name."""

from __future__ import annotations

from . import json, text

REPORTER_BY_NAME = {"text": text.report, "json": json.report}
