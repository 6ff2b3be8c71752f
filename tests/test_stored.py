"""Prepared templates kept on disk between processes: a new process renders from what an
earlier one prepared, and gives the same bytes; what is stored is never taken for another
template's or another version's, and a damaged file, a folder others can write in, or no
folder at all only means preparing again."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import SEED
from docx_fixtures import template_edited
from reportfill.writers import stored


def fill(tmp_path, cache, name: str, *extra: str) -> bytes:
    out = tmp_path / f"{name}.docx"
    env = {**os.environ, stored.ENVIRONMENT: str(cache)}
    done = subprocess.run([sys.executable, "-m", "reportfill", "fill", str(SEED), "-o", str(out), *extra],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def stored_files(cache) -> list:
    return sorted(p for p in cache.iterdir() if not p.name.startswith(".")) if cache.exists() else []


def test_a_second_process_renders_from_what_the_first_stored(tmp_path):
    cache = tmp_path / "cache"
    first = fill(tmp_path, cache, "first")
    [entry] = stored_files(cache)
    if sys.platform != "win32":
        assert cache.stat().st_mode & 0o777 == 0o700
    modified = entry.stat().st_mtime_ns
    assert fill(tmp_path, cache, "second") == first
    assert entry.stat().st_mtime_ns == modified  # read, not written again
    assert fill(tmp_path, tmp_path / "other", "fresh") == first


def test_a_damaged_or_truncated_file_is_prepared_again(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(stored.ENVIRONMENT, str(cache))
    expected = fill(tmp_path, cache, "first")
    [entry] = stored_files(cache)
    data = entry.read_bytes()
    for damaged in (data[: len(data) // 2], data[:-1] + bytes([data[-1] ^ 1]), b"", b"not a prepared template"):
        entry.write_bytes(damaged)
        assert stored.load(entry.name) is None
        assert fill(tmp_path, cache, "again") == expected
        assert stored.load(entry.name) is not None  # stored whole again


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_folder_others_can_write_in_is_not_used(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o777)
    expected = fill(tmp_path, tmp_path / "own", "own")
    assert fill(tmp_path, cache, "shared") == expected
    assert stored_files(cache) == []


def test_an_empty_setting_stores_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(stored.ENVIRONMENT, "")
    assert stored.folder() is None
    stored.store(stored.key(b"x"), {"a": 1})
    assert stored.load(stored.key(b"x")) is None


def test_another_template_is_stored_and_rendered_as_its_own(tmp_path):
    """A template restyled in Word has other bytes, so another name: never the other's."""
    cache = tmp_path / "cache"
    bundled = fill(tmp_path, cache, "bundled")
    restyled = template_edited(tmp_path / "my-template.docx", "word/styles.xml", b'w:val="Title"/>',
                               b'w:val="Title"/><w:keepNext/>')
    mine = fill(tmp_path, cache, "restyled", "--template", str(restyled))
    assert len(stored_files(cache)) == 2
    assert mine != bundled
    assert fill(tmp_path, tmp_path / "fresh", "restyled-fresh", "--template", str(restyled)) == mine


def test_the_name_depends_on_every_part_and_on_the_code(monkeypatch):
    name = stored.key(b"template", "2021")
    assert stored.key(b"template", "2019") != name
    assert stored.key(b"templatf", "2021") != name
    assert stored.key(b"template2", "021") != name  # parts are delimited
    monkeypatch.setattr(stored, "_code_version", lambda: b"another version")
    assert stored.key(b"template", "2021") != name
    monkeypatch.setattr(stored, "_code_version", lambda: None)
    assert stored.key(b"template", "2021") is None
