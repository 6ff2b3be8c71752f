"""reportfill reaches into the internals of docxtpl, python-docx and tomlkit in one
module each -- writers/docxtpl_steps.py, writers/opc.py, writers/toml_edit.py -- whose
docstrings name what they rely on, whose versions pyproject.toml bounds and whose tests
pin it. This keeps it so: every other module of ``src/reportfill`` is read and refused
if it uses one of those libraries below its public API."""

from __future__ import annotations

import ast
import importlib.util
from functools import lru_cache
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "src" / "reportfill"
ISOLATED = {"docxtpl": "writers/docxtpl_steps.py", "python-docx": "writers/opc.py", "tomlkit": "writers/toml_edit.py"}
# Modules of the libraries that are internals through and through.
PRIVATE_MODULES = ("docx.opc", "docx.oxml.parser", "tomlkit.items")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@lru_cache(maxsize=None)
def library_private_names() -> frozenset[str]:
    """Every ``_name`` docxtpl, python-docx and tomlkit define or use for themselves."""
    names = set()
    for package in ("docxtpl", "docx", "tomlkit"):
        root = Path(importlib.util.find_spec(package).origin).parent
        for source in root.rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and _private(node.name):
                    names.add(node.name)
                elif isinstance(node, ast.Attribute) and _private(node.attr):
                    names.add(node.attr)
    return frozenset(names)


def _dotted(node) -> str:
    return f"{_dotted(node.value)}.{node.attr}" if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _is_private_module(name: str) -> bool:
    return any(name == m or name.startswith(f"{m}.") for m in PRIVATE_MODULES)


def uses_of_internals(path: Path) -> list[str]:
    """What the module at ``path`` uses of the three libraries' internals, line by line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [f"{where} imports {a.name}" for a in node.names if _is_private_module(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
            found += [f"{where} imports {n}" for n in names
                      if _is_private_module(node.module) or _is_private_module(n) or n == "docx.oxml.parse_xml"]
        elif isinstance(node, ast.ClassDef):
            found += [f"{where} subclasses DocxTemplate" for base in node.bases
                      if _dotted(base).split(".")[-1] == "DocxTemplate"]
        elif isinstance(node, ast.Attribute):
            if _is_private_module(_dotted(node)):
                found.append(f"{where} uses {_dotted(node)}")
            elif _private(node.attr) and node.attr in library_private_names():
                owner = node.value.id if isinstance(node.value, ast.Name) else None
                if owner not in ("self", "cls", "etree"):  # its own members; lxml's element type
                    found.append(f"{where} uses {ast.unparse(node)}")
    return found


def test_no_module_but_the_isolation_modules_uses_library_internals():
    isolated = {PACKAGE / module for module in ISOLATED.values()}
    found = [use for path in sorted(PACKAGE.rglob("*.py")) if path not in isolated for use in uses_of_internals(path)]
    assert not found, ("library internals used outside " + ", ".join(ISOLATED.values())
                       + " (move them there, with a test):\n" + "\n".join(found))


def test_the_scan_sees_the_internals_the_isolation_modules_hold():
    """The scan is not blind: it finds in each isolation module what it is there for."""
    def uses(module: str) -> str:
        return "\n".join(uses_of_internals(PACKAGE / module))

    assert "subclasses DocxTemplate" in uses(ISOLATED["docxtpl"])
    assert "imports docx.opc.part.Part" in uses(ISOLATED["python-docx"])
    assert "imports docx.oxml.parser.parse_xml" in uses(ISOLATED["python-docx"])
    assert "part._blob" in uses(ISOLATED["python-docx"])
    assert "imports tomlkit.items.AoT" in uses(ISOLATED["tomlkit"])
    assert "doc._insert_after" in uses(ISOLATED["tomlkit"])


def test_pyproject_bounds_each_library_and_names_its_module():
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    for library, module in ISOLATED.items():
        assert module in pyproject, module
        line = next(line for line in pyproject.splitlines() if line.strip().startswith(f'"{library}>='))
        assert ",<" in line, f"{library} has no upper bound"
