"""The scanner that places keys and strings in an input's raw text: on valid TOML it finds
every key tomllib finds, at its line; on broken TOML it still tells where strings open."""

from __future__ import annotations

import tomllib

import pytest

from conftest import SEED
from reportfill.readers.toml_scan import scan
from reportfill.writers.scaffold import scaffold


def paths(data, prefix=()):
    """Every key path of parsed TOML, items of arrays of tables numbered from 0."""
    for key, value in data.items():
        path = prefix + (key,)
        yield path
        if isinstance(value, dict):
            yield from paths(value, path)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for n, item in enumerate(value):
                yield path + (n,)
                yield from paths(item, path + (n,))


@pytest.mark.parametrize("text", [SEED.read_text(encoding="utf-8"), scaffold("某局", 2023)], ids=["seed", "scaffold"])
def test_every_key_is_found_on_its_line(text):
    scanned = scan(text)
    for path in paths(tomllib.loads(text)):
        leaf = next(part for part in reversed(path) if isinstance(part, str))
        assert path in scanned.keys, path
        assert leaf in scanned.line_text(scanned.keys[path]), (path, scanned.keys[path])


def test_strings_quotes_and_comments():
    text = (
        'a = "x # not a comment \\" still a"  # comment with "quotes"\n'
        "b = 'literal \\'\n"
        'c = """\nline\n"two" quotes ""\n"""""\n'
        "d = [\n  1, # one\n  \"]\",\n]\n"
        "[t.'quoted key']\n"
        'e = 1\n'
    )
    scanned = scan(text)
    assert tomllib.loads(text)["c"] == 'line\n"two" quotes ""\n""'
    assert {path: line for path, line in scanned.keys.items()} == {
        ("a",): 1, ("b",): 2, ("c",): 3, ("d",): 7, ("t",): 11, ("t", "quoted key"): 11, ("t", "quoted key", "e"): 12}
    c = next(s for s in scanned.strings if s.key == ("c",))
    assert (scanned.line_of(c.start), text[c.end - 3: c.end], c.end) == (3, '"""', text.index('"""""') + 5)


def test_an_unclosed_string_is_placed_where_it_opens():
    text = 'agency = "x\ntext = """\nabc\n'
    scanned = scan(text)
    assert [(s.key, scanned.line_of(s.start), s.end) for s in scanned.strings] == [
        (("agency",), 1, None), (("text",), 2, None)]
