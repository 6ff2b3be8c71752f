"""Fill or check many reports in one run, on every CPU core.

A county office fills dozens of departments' reports, a province checks thousands. The
work is spread over a pool of processes; each worker keeps the template it has compiled
(see :mod:`reportfill.writers.render`) and renders report after report from it. Every
file gets an answer -- a :class:`~reportfill.findings.Result` -- in the order the files
were given: one bad file never stops the rest. Nothing here prints; the command line
shows the answers.

Outputs are named by title, so two inputs with the same title would write the same file.
Workers therefore only *stage* their output (a file in a hidden folder of this run inside
the output folder); this process syncs staged files to disk, a group at a time, and puts
them in place in input order, and a second input claiming a name already written in this
run fails with the name of the first -- nothing is silently overwritten. A file already
there is replaced only as ``reportfill fill`` replaces it: when it is exactly what
reportfill wrote, else only with ``force``, keeping it as ``name.bak.docx``. The hidden
folder goes when the run ends, interrupted or not. What a batch writes is byte-for-byte what ``reportfill fill``
writes for each input alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem, ReportfillError, ReportRejected
from ..files import is_backup
from ..findings import Finding, Result


def workers(jobs: int | None = None) -> int:
    """``jobs`` if given, else the number of CPU cores this process may run on."""
    if jobs:
        return max(1, jobs)
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# ------------------------------------------------------------------ which files

def listed(name: str) -> bool:
    # Hidden files, Word's "~$name.docx" lock files and our own staged ".part" files are
    # never reports, though they can sit in the folder while someone works.
    return not name.startswith((".", "~$"))


def expand(paths: Iterable[str | Path | Result], suffix: str) -> list[Path | Result]:
    """The files named by ``paths``: a folder stands for the files in it ending in
    ``suffix`` (not its sub-folders), in name order, those ``--force`` kept as
    ``name.bak.ext`` as ``skipped`` results saying so; a file is taken as given, whatever
    its name. A file named twice is taken once. A folder without such files becomes a
    ``bad`` result in its place. Expanding what this returned gives the same list, so a
    caller can expand first (to count the files) and pass the result on."""
    def take(member: Path) -> bool | str:
        if not (member.name.lower().endswith(suffix) and listed(member.name) and member.is_file()):
            return False
        return "reportfill 用 --force 替换文件时保留的旧文件（备份），不填写" if is_backup(member) else True

    return _expand(paths, take, f"文件夹中没有 {suffix} 文件")


def expand_reports(paths: Iterable[str | Path | Result], *, inputs: bool = False) -> list[Path | Result]:
    """As :func:`expand`, for reports to check: a folder stands for every file in it a
    reader can read (by its name: .docx, .doc, .wps, .pdf, .htm …; with ``inputs`` also
    .toml), and each other entry of the folder -- a text file, a Word lock file, a
    sub-folder -- becomes a ``skipped`` result saying why, in its place in name order."""
    def take(member: Path) -> bool | str:
        if inputs and member.suffix.lower() == ".toml" and listed(member.name) and not is_backup(member) \
                and member.is_file():
            return True
        return _not_a_report(member) or True

    kinds = "（.docx、.doc、.wps、.pdf、.htm 等" + ("，或 .toml 输入）" if inputs else "）")
    return _expand(paths, take, f"文件夹中没有可以核对的报告文件{kinds}")


_OTHER_FILES = {
    (".txt", ".md", ".csv", ".log"): "文本文件",
    (".xls", ".xlsx", ".et", ".ods"): "表格文件",
    (".ppt", ".pptx", ".dps", ".odp"): "演示文稿",
    (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"): "图片（扫描的报告请向发布单位索取文字版）",
    (".zip", ".rar", ".7z", ".gz", ".tar"): "压缩包（请先解压，再核对其中的报告）",
    (".ofd",): "OFD 版式文件（暂不能读取，请使用 PDF 或 Word 版本）",
    (".toml",): "reportfill 的输入文件（用 reportfill fill 生成报告后再核对）",
}


def _not_a_report(member: Path) -> str:
    """Why an entry of a folder is no report to check, or "" when it may be one."""
    name = member.name
    if name.startswith("~$"):
        return "Word 或 WPS 打开文档时生成的临时锁定文件，不是报告"
    if name.startswith("."):
        return "隐藏文件，不是报告"
    if member.is_dir():
        return "这是子文件夹，不核对其中的文件（需要时请单独指定这个文件夹）"
    from ..readers import REPORT_SUFFIXES

    if is_backup(member):
        return "reportfill 用 --force 替换文件时保留的旧文件（备份），不核对"
    suffix = member.suffix.lower()

    if suffix in REPORT_SUFFIXES:
        return ""
    kind = next((what for suffixes, what in _OTHER_FILES.items() if suffix in suffixes), None)
    return f"{kind}（{suffix}），不是报告的文件格式" if kind else f"不是报告的文件格式（{suffix or '没有扩展名'}）"


def _expand(paths, take: Callable[[Path], bool | str], empty: str) -> list[Path | Result]:
    seen: set[Path] = set()
    found: list[Path | Result] = []
    for path in paths:
        if isinstance(path, Result):
            found.append(path)
            continue
        path = Path(path)
        if path.is_dir():
            members = []
            for member in sorted(path.iterdir(), key=lambda p: p.name):
                verdict = take(member)
                if isinstance(verdict, str):
                    members.append(Result(str(member), skipped=verdict))
                elif verdict:
                    members.append(member)
            if not any(isinstance(m, Path) for m in members):
                found.append(failed(path, reason=empty))
            candidates = members
        else:
            candidates = [path]
        for p in candidates:
            if isinstance(p, Result):
                found.append(p)
                continue
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                found.append(p)
    return found


# ------------------------------------------------------------------ running a pool

def _run(function: Callable, tasks: Sequence, jobs: int | None, lost: Callable[[Any, str], Any],
         ready: Callable[[], None] = lambda: None):
    """``function`` over ``tasks``, results in task order, in a process pool when there
    is more than one task and core. A worker that dies takes the rest of the batch with
    it; those tasks get ``lost(task, reason)``. ``ready()`` is called before the pool
    starts: what it imports and prepares, workers started by fork have from the start
    rather than each doing it again."""
    count = min(workers(jobs), len(tasks))
    if count <= 1:
        yield from map(function, tasks)
        return
    ready()
    # Small chunks: few round trips, yet results arrive steadily for the progress bar.
    chunk = max(1, min(8, len(tasks) // (4 * count)))
    done = 0
    pool = ProcessPoolExecutor(max_workers=count)
    try:
        for result in pool.map(function, tasks, chunksize=chunk):
            done += 1
            yield result
    except BrokenProcessPool:
        for task in tasks[done:]:
            yield lost(task, "处理进程意外退出（可能是内存不足）；请单独处理这个文件")
    except BaseException:  # interrupted, or the caller stopped early: drop what is queued
        pool.shutdown(wait=True, cancel_futures=True)  # and let what runs finish or die
        raise
    pool.shutdown()


def _unexpected(exc: BaseException) -> str:
    return f"内部错误（{type(exc).__name__}：{exc}）；请把这个文件和这条信息报告给维护者"


def failed(source: str | Path, *, problems: Iterable[Problem] = (), reason: str = "", **more) -> Result:
    """The result of a file that could not be used, with why: each of ``problems``
    without the file's own name, which the result already gives, but with any other
    place it names (a line of the input, the template, the output it would replace);
    and ``reason``, a sentence of this run's own. ``more`` sets other fields
    (``backup``)."""
    where = str(source)
    reasons = [p.message if p.where == where else str(p) for p in problems]
    return Result(where, problems=(*reasons, *([reason] if reason else [])), **more)


def _pool_failed(task, why: str) -> Result:
    return failed(task[0], reason=why)


# ------------------------------------------------------------------ fill

@dataclass(frozen=True)
class _Staged:
    source: Path
    target: Path
    staged: Path
    warnings: tuple[Finding, ...]


def _fill_one(task: tuple[Path, Path, Path | None, Path]) -> _Staged | Result:
    from ..files import stage
    from .fill import default_output, prepare

    source, out_dir, template, staging = task
    try:
        report, data, warnings = prepare(source, template)
        target = default_output(report, out_dir)
        return _Staged(source, target, stage(target, data, staging, sync=False), tuple(warnings))
    except ReportfillError as exc:
        return failed(source, problems=exc.problems)
    except ReportRejected as exc:
        return Result(str(source), list(exc.findings))
    except Exception as exc:  # a bug must not cost the other inputs their reports
        return failed(source, reason=_unexpected(exc))


def _ready_to_fill(template: Path | None) -> None:
    from . import fill  # noqa: F401 -- and with it the renderer and the checker
    from ..readers import docx  # noqa: F401 -- which reads back what is rendered
    from ..writers.render import prepare_template

    prepare_template(template)


def _name_key(path: Path) -> str:
    # Windows and macOS file names ignore case and Unicode normalisation.
    return unicodedata.normalize("NFC", path.name).casefold()


def fill_many(
    sources: Iterable[str | Path | Result],
    *,
    out_dir: Path = Path("outputs"),
    template: Path | None = None,
    jobs: int | None = None,
    progress: Callable[[Result], None] | None = None,
    force: bool = False,
) -> list[Result]:
    """Fill every input named by ``sources`` (files, folders of ``*.toml``, or what
    :func:`expand` made of them) into ``out_dir/{title}.docx``, as
    :func:`reportfill.workflows.fill.fill` does for one.

    Returns one :class:`~reportfill.findings.Result` per input, in order; ``progress`` is
    called with each as it is settled. Raises :class:`ReportfillError` if ``out_dir``
    cannot be written at all."""
    out_dir = Path(out_dir)
    template = Path(template) if template else None
    entries = expand(sources, ".toml")
    sources = [p for p in entries if isinstance(p, Path)]
    claimed: dict[str, Path] = {}
    with _staging(out_dir, needed=bool(sources)) as staging:
        tasks = [(p, out_dir, template, staging) for p in sources]
        results = _synced(_run(_fill_one, tasks, jobs, _pool_failed, ready=lambda: _ready_to_fill(template)))
        outcomes = _in_order(
            entries, results, progress,
            ready=lambda entry: entry if isinstance(entry, Result) else None,
            settle=lambda result: _settle(result, claimed, force) if isinstance(result, _Staged) else result,
        )
    return outcomes


SYNCED_TOGETHER = 32  # staged files synced at once, at most
SYNC_WAIT = 0.5  # seconds a result waits for the others of its group, at most


def _synced(results: Generator[_Staged | Result, None, None]) -> Iterator[_Staged | Result]:
    """The workers' results, in order, each staged file synced to disk before it is
    passed on to be put in place (a file appears under its name only once its bytes are
    on disk): synced in groups (:func:`~reportfill.files.sync_staged`), a group closed
    when it is full or its first result has waited :data:`SYNC_WAIT`."""
    waiting: list[_Staged | Result] = []
    since = 0.0
    try:
        for result in results:
            if not waiting:
                since = time.monotonic()
            waiting.append(result)
            if len(waiting) == SYNCED_TOGETHER or time.monotonic() - since >= SYNC_WAIT:
                yield from _durable(waiting)
                waiting = []
        yield from _durable(waiting)
    finally:
        results.close()


def _durable(waiting: list[_Staged | Result]) -> Iterator[_Staged | Result]:
    """``waiting`` with its staged files synced; one that could not be is its input's failure."""
    from ..files import cannot_write, sync_staged

    failures = sync_staged([r.staged for r in waiting if isinstance(r, _Staged)])
    for result in waiting:
        error = failures.get(result.staged) if isinstance(result, _Staged) else None
        if error is None:
            yield result
            continue
        result.staged.unlink(missing_ok=True)
        yield failed(result.source, problems=cannot_write(result.target, error).problems)


@contextmanager
def _staging(out_dir: Path, needed: bool) -> Iterator[Path | None]:
    """A hidden folder of this run inside ``out_dir`` for the workers' staged files,
    removed afterwards with whatever was not put in place. ``out_dir`` is created if
    needed, and removed again if it was created and nothing was written into it."""
    if not needed:
        yield None
        return
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=".reportfill-", dir=out_dir))
    except OSError as exc:
        raise ReportfillError(Problem(str(out_dir), f"无法在输出文件夹中写入（{exc.strerror}）；请换一个文件夹或检查权限")) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if created:
            try:
                out_dir.rmdir()  # only if empty
            except OSError:
                pass


def _settle(staged: _Staged, claimed: dict[str, Path], force: bool) -> Result:
    from .fill import Occupied, put_in_place

    key = _name_key(staged.target)
    first = claimed.get(key)
    if first is not None:
        staged.staged.unlink(missing_ok=True)
        return failed(staged.source, reason=(
            f"与 {first} 的标题相同，输出文件 {staged.target} 已由它生成，没有覆盖；"
            "请在其中一个输入中用 title = \"…\" 写不同的标题，或分两次填写到不同的 --out-dir"))
    try:
        backup = put_in_place(staged.staged, staged.target, force=force)
    except Occupied as exc:  # the result says where replacing it would keep it
        return failed(staged.source, problems=exc.problems, backup=exc.backup)
    except ReportfillError as exc:
        return failed(staged.source, problems=exc.problems)
    claimed[key] = staged.source
    return Result(str(staged.source), list(staged.warnings), kind="toml", output=staged.target, backup=backup)


# ------------------------------------------------------------------ check

def _check_one(task: tuple[Path, Any, Path | ReportfillError | None]) -> Result:
    path, previous, converted = task
    return check_one(path, previous=previous, converted=converted)


def check_one(source: Path | bytes, *, name: str | None = None, previous: Result | None = None,
              converted: Path | ReportfillError | None = None) -> Result:
    """:func:`reportfill.workflows.check.check_document` of one of many files, with what
    goes wrong as the result's problems: one file never costs the others their answers.
    ``converted`` is what :func:`reportfill.readers.converted.convert_all` made of it."""
    from .check import check_document

    return _guarded(name or str(source), converted, lambda docx: check_document(
        source, previous=previous, name=name, converted_docx=docx))


def _guarded(where: str, converted: Path | ReportfillError | None, use: Callable[[Path | None], Result]) -> Result:
    """``use(converted)``, or -- when the conversion failed, the file cannot be used, or
    reportfill has a bug -- a ``bad`` result saying why: one file never costs the others
    their answers. A TOML input's problems name its line too."""
    try:
        if isinstance(converted, ReportfillError):
            raise converted
        return use(converted)
    except ReportfillError as exc:
        return failed(where, problems=exc.problems)
    except Exception as exc:  # a bug must not cost the other files their answers
        return failed(where, reason=_unexpected(exc))


def _ready_to_check() -> None:
    from ..readers import docx  # noqa: F401 -- the reader of nearly every report checked


def check_many(
    paths: Iterable[str | Path | Result],
    *,
    previous: Path | None = None,
    jobs: int | None = None,
    progress: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Check every report named by ``paths`` (files, folders, or what
    :func:`expand_reports` made of them), each on its own with
    :func:`reportfill.workflows.check.check_document`, on every core: one result per
    file, in order, skipped entries of folders included. ``progress`` is called with
    each. The files LibreOffice must convert (.doc, .wps, .rtf, .odt) are converted
    first, all in one LibreOffice process.

    An unreadable ``previous`` raises :class:`ReportfillError`: the comparison asked for
    cannot be made for any file."""
    from ..readers.converted import convert_all
    from .check import read_previous
    from .pairing import refuse_other_agencies

    prior = read_previous(previous) if previous is not None else None
    entries = expand_reports(paths)
    files = [p for p in entries if isinstance(p, Path)]
    with convert_all(files) as converted:
        tasks = [(p, prior, converted.get(p)) for p in files]
        results = _run(_check_one, tasks, jobs, _pool_failed, ready=_ready_to_check)
        results = _in_order(entries, results, progress, ready=lambda entry: entry if isinstance(entry, Result) else None)
    if prior is not None:
        refuse_other_agencies(results, prior)
    return results


def _read_one(task: tuple[Path, Path | ReportfillError | None]) -> Result:
    from .check import read_report

    path, converted = task
    return _guarded(str(path), converted, lambda docx: read_report(path, converted_docx=docx))


def read_many(
    paths: Iterable[str | Path | Result],
    *,
    jobs: int | None = None,
    progress: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Read every report or TOML input named by ``paths`` (files, folders of them, or
    what :func:`expand_reports` made of them) with
    :func:`reportfill.workflows.check.read_report`, on every core: one result per file,
    in order; one that cannot be used is a ``bad`` result saying why. For the runs that
    work on reports as data -- last year's folder, the parts of an aggregate -- rather
    than judge them."""
    from ..readers.converted import convert_all

    entries = expand_reports(paths, inputs=True)
    files = [p for p in entries if isinstance(p, Path)]
    with convert_all(files) as converted:
        tasks = [(p, converted.get(p)) for p in files]
        results = _run(_read_one, tasks, jobs, _pool_failed, ready=_ready_to_check)
        return _in_order(entries, results, progress, ready=lambda entry: entry if isinstance(entry, Result) else None)


def _in_order(entries, results, progress, *, ready, settle=lambda result: result) -> list:
    """One result per entry, in input order: ``ready(entry)`` where the entry was decided
    before any work (a missing file), else the pool's next result, ``settle``-d. The pool
    is drained and shut down whatever happens, so no worker outlives the call."""
    out = []
    try:
        for entry in entries:
            result = ready(entry)
            if result is None:
                result = settle(next(results))
            out.append(result)
            if progress:
                progress(result)
        for _ in results:  # there are none left; this lets the pool shut down and wait
            pass
    finally:
        results.close()
    return out
