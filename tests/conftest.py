"""Shared fixtures: the repository's own seed input and helpers to write variants of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "inputs" / "wenxian-education-2021.toml"
SHARED = REPO.parent / "shared"

# Prepared templates go to a folder of this test session, not the user's cache folder
# (the processes the tests start inherit it; tests/test_stored.py sets its own).
os.environ["REPORTFILL_CACHE"] = tempfile.mkdtemp(prefix="reportfill-test-cache-")


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def write_input(tmp_path):
    """Write TOML text to a fresh file and return its path."""
    counter = iter(range(10**6))

    def write(text: str, name: str | None = None) -> Path:
        path = tmp_path / (name or f"input-{next(counter)}.toml")
        path.write_text(text, encoding="utf-8")
        return path

    return write
