"""The folder ``serve`` works in: its inputs, its reports, and nothing outside it.

No path from a request is ever opened. A request names a file by its name, and the
name is looked up among the files actually listed in ``inputs/``, ``outputs/`` or the
folder itself; a file whose real path (links followed) leaves the folder is not listed.
Saving never overwrites a file that changed on disk since the editor opened it, unless
the clerk says so: the editor holds the digest of the bytes it opened.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from ..agencies import same_agency
from ..errors import Problem, ReportfillError
from ..files import is_backup, write_atomic
from ..findings import Result
from ..readers import REPORT_SUFFIXES
from ..readers.toml_input import load_input, read_toml
from ..workflows.batch import listed
from ..workflows.check import read_previous
from ..writers.scaffold import default_input_path

class NotFound(ReportfillError):
    """A name that is not one of the folder's files (a mistyped or forged link)."""


class Conflict(ReportfillError):
    """The file changed on disk since the editor opened it."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class InputInfo:
    """One input of the start page: whose and which year's, and whether ``fill`` takes it."""

    name: str
    agency: str
    year: int | None
    problems: tuple[str, ...]
    modified: datetime.datetime

    @property
    def ok(self) -> bool:
        return not self.problems


class Folder:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.inputs = self.root / "inputs"
        self.outputs = self.root / "outputs"
        self._lock = threading.Lock()
        self._status: dict[str, tuple[tuple, InputInfo]] = {}  # by name: (the file's stamp, what it held)
        self._previous: dict[str, tuple[tuple, Result | ReportfillError]] = {}

    # ------------------------------------------------------------ what is there

    def _members(self, folder: Path, suffixes: tuple[str, ...]) -> dict[str, Path]:
        """The files directly in ``folder`` with one of ``suffixes``, by name, that
        really lie inside the root."""
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError:
            return {}
        found = {}
        for path in entries:
            if not listed(path.name) or not path.name.lower().endswith(suffixes):
                continue
            try:
                real = path.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if real.is_file() and real.is_relative_to(self.root):
                found[path.name] = real
        return found

    def input_files(self) -> dict[str, Path]:
        """The inputs, without those ``--force`` kept as ``name.bak.toml``."""
        return {name: path for name, path in self._members(self.inputs, (".toml",)).items() if not is_backup(Path(name))}

    def output_files(self) -> dict[str, Path]:
        return self._members(self.outputs, REPORT_SUFFIXES)

    def input(self, name: str) -> Path:
        return _named(self.input_files(), name, "inputs/ 中没有这个输入文件（可能已被改名或删除），请回到首页重新选择")

    def output(self, name: str) -> Path:
        return _named(self.output_files(), name, "outputs/ 中没有这个文件（可能已被改名或删除）")

    def sources(self) -> dict[str, Path]:
        """Files that can be last year's report, by their path in the folder
        ("inputs/x.toml", "outputs/y.docx", "z.pdf")."""
        found = {f"inputs/{n}": p for n, p in self.input_files().items()}
        found |= {f"outputs/{n}": p for n, p in self.output_files().items()}
        found |= self._members(self.root, REPORT_SUFFIXES + (".toml",))
        return {name: path for name, path in found.items() if not is_backup(path)}  # what --force kept

    def source(self, name: str) -> Path:
        return _named(self.sources(), name, "文件夹中没有这个文件（可能已被改名或删除），请重新选择")

    # ------------------------------------------------------------ the inputs

    def info(self, name: str, path: Path) -> InputInfo:
        def read(stat) -> InputInfo:
            try:
                _, data = read_toml(path.read_bytes(), path)
            except (OSError, ReportfillError):
                data = {}  # load_input says why
            agency = data.get("agency") if isinstance(data.get("agency"), str) else ""
            year = data.get("year") if isinstance(data.get("year"), int) else None
            try:
                load_input(path)
                problems: tuple[str, ...] = ()
            except ReportfillError as exc:  # each where it is in the file: "第11行，一、总体情况的正文（overview.text）：…"
                problems = tuple(_in_file(p, path) for p in exc.problems)
            return InputInfo(name, agency, year, problems, datetime.datetime.fromtimestamp(stat.st_mtime))

        return _while_unchanged(self._status, name, path, read)

    def listing(self) -> list[InputInfo]:
        return [self.info(name, path) for name, path in self.input_files().items()]

    def last_year_of(self, name: str) -> str | None:
        """The folder's input of the same agency for the year before ``name``'s."""
        mine = self.info(name, self.input(name))
        if mine.year is None:
            return None
        for other in self.listing():
            if other.name != name and other.year == mine.year - 1 and same_agency(other.agency, mine.agency):
                return f"inputs/{other.name}"
        return None

    def previous(self, name: str) -> Result:
        """Last year's report read from the folder file ``name`` (cached while the file
        is unchanged); raises :class:`ReportfillError` when it cannot be read."""
        path = self.source(name)

        def read(stat) -> Result | ReportfillError:
            try:
                return read_previous(path)
            except ReportfillError as exc:
                return exc

        found = _while_unchanged(self._previous, name, path, read)
        if isinstance(found, ReportfillError):
            raise found
        return found

    def new_input_path(self, agency: str, year: int) -> Path:
        target = self.inputs / default_input_path(agency, year).name
        if target.exists():
            raise ReportfillError(Problem(f"inputs/{target.name}", "这个机关这一年度的输入已经存在，请在首页打开它继续编辑"))
        return target

    # ------------------------------------------------------------ saving

    def save(self, name: str, text: str, opened: str, *, overwrite: bool = False) -> str:
        """Write ``text`` to the input ``name`` atomically and return the new digest.
        ``opened`` is the digest of the bytes the editor opened: when the file holds
        other bytes now, :class:`Conflict` is raised unless ``overwrite``."""
        path = self.input(name)
        data = text.encode("utf-8")
        with self._lock:
            current = digest(path.read_bytes())
            if current != opened and not overwrite:
                raise Conflict(Problem(f"inputs/{name}", "文件在本页打开之后已被修改（可能是在其他程序中）。"
                                                         "为免覆盖那些修改，没有保存"))
            write_atomic(path, data)
        return digest(data)


def _in_file(problem, path: Path) -> str:
    """A problem of an input listed beside it: where in it, without its name."""
    where = problem.where.removeprefix(str(path)).lstrip("，")
    return f"{where}：{problem.message}" if where else problem.message


def _named(files: dict[str, Path], name: str, missing: str) -> Path:
    found = files.get(name)
    if found is None:
        raise NotFound(Problem(name, missing))
    return found


def _while_unchanged(cache: dict, name: str, path: Path, make):
    """``make(stat)`` for the file ``name`` at ``path``, remembered while its time and
    size stay: one entry per name, replaced when the file changes."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    held = cache.get(name)
    if held is None or held[0] != stamp:
        held = cache[name] = (stamp, make(stat))
    return held[1]
