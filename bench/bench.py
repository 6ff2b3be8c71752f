"""How fast reportfill fills and checks, against the floor of touching the file at all.

    .venv/bin/python bench/bench.py [--count 500] [--repeat 10] [--batch-repeat 3] [--json]

One run, on the project's template and the seed input (and ``--count`` variants of it for
the batch figures), measures each figure beside the one it is compared with:

  (a) bare docxtpl: ``DocxTemplate(template).render(context, autoescape=True)`` and a
      save to memory -- the stack reportfill is built on, doing everything itself;
  (b) fill in-process: ``reportfill.workflows.fill.fill`` -- validate, render, save,
      reopen and check every number, write the file -- against the *fill floor*: what
      any program writing the report must at least do, unzip the template, substitute
      the values into ``word/document.xml`` (one pass of a regular expression; the
      template's loops are not expanded) and zip it again, at the compression level
      reportfill writes, and write the file;
  (c) ``reportfill fill`` as a whole process, against a tiny script doing (a) once in
      a fresh process; the first process of the run, which finds no prepared template
      in its (fresh) cache folder, is shown apart;
  (d) check of one report, in-process, against the *check floor*: unzip it and parse
      ``word/document.xml`` with lxml; and as a ``reportfill check`` process;
  (e) ``reportfill fill DIR`` and ``reportfill check DIR`` over ``--count`` inputs with
      ``-j 1`` and with one process per core: per report on one core against the
      floors (measured on the same reports), and the speed-up of all cores over one;
      bare docxtpl rendering the same contexts on every core;
  (f) ``reportfill --help`` against a process that only imports docxtpl;
  (g) check of the same report read from other sources, in-process: the HTML page
      LibreOffice's HTML export writes of it, and the PDF LibreOffice prints of it
      (skipped when LibreOffice is not installed).
  (h) a supervising office's runs over ``--count`` reports of a year and the same
      agencies' reports of the year before: ``reportfill check DIR --previous-dir LAST
      --summary FILE.xlsx`` and ``reportfill aggregate DIR --provenance FILE.xlsx``, with
      the peak memory of the command's own process (its workers hold one report each).

Single measurements are medians of ``--repeat`` runs, each run of a figure next to a run
of what it is compared with, so that whatever else the machine does weighs on both;
batches are medians of ``--batch-repeat`` runs, with the best run beside them -- on a
shared machine other work only ever slows a run down. Processes run with Python's
bytecode cache, as an installed package does (``--no-bytecode-cache`` to compile every
module from source each time), and with a cache folder of their own for prepared
templates (``REPORTFILL_CACHE``). Prints a table, or with ``--json`` one JSON object. The
targets are judged on the medians.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SEED = REPO / "inputs" / "wenxian-education-2021.toml"
sys.path.insert(0, str(HERE))

from variants import write_variants  # noqa: E402

BARE_SCRIPT = """\
import io, json, sys
from docxtpl import DocxTemplate
context = json.load(open(sys.argv[2], encoding="utf-8"))
document = DocxTemplate(sys.argv[1])
document.render(context, autoescape=True)
document.save(io.BytesIO())
"""

TARGETS = {
    "fill_vs_floor": 3.0,  # fill on one core, per report, at most this many times the fill floor
    "check_vs_floor": 3.0,
    "speed_up": 1.8,  # a batch on all cores (2 here) at least this many times as fast as on one
    "fill_process_vs_bare_process": 1.0,
}
_PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_CELL = re.compile(r"""cells\[\s*['"](.*)['"]\s*\]""")


def times(action, repeat: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        action()
    found = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        action()
        found.append(time.perf_counter() - start)
    return found


def median_time(action, repeat: int, warmup: int = 1) -> float:
    return statistics.median(times(action, repeat, warmup))


def side_by_side(first, second, repeat: int) -> tuple[float, float]:
    """Medians of ``first`` and ``second`` timed in turns."""
    first(), second()
    a, b = [], []
    for _ in range(max(1, repeat)):
        for action, found in ((first, a), (second, b)):
            start = time.perf_counter()
            action()
            found.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


CHILD_ENV = dict(os.environ)


def run(command: list[str], cwd: Path, ok=(0,)) -> None:
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                          env=CHILD_ENV)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(map(str, command))} exited with {done.returncode}:\n{done.stderr.decode()}")


def run_measured(command: list[str], cwd: Path, ok=(0,)) -> tuple[float, float]:
    """Seconds the command took, and the peak resident memory of its own process in MB."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors,
                                   stdin=subprocess.DEVNULL, env=CHILD_ENV)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - start
        if process.returncode not in ok:
            errors.seek(0)
            raise SystemExit(f"{' '.join(map(str, command))} exited with {process.returncode}:\n{errors.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def reportfill_command() -> list[str]:
    script = Path(sys.executable).parent / "reportfill"
    return [str(script)] if script.exists() else [sys.executable, "-m", "reportfill"]


def _bare_render(args) -> int:
    from docxtpl import DocxTemplate

    template, context = args
    document = DocxTemplate(template)
    document.render(context, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return len(out.getvalue())


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def machine_speed_up(cores: int, n: int = 2_000_000) -> float:
    """How much faster ``cores`` processes run a pure-Python loop than one process: what
    the machine gives at the moment (other work on a shared VM takes its share)."""
    start = time.perf_counter()
    for _ in range(cores):
        _spin(n)
    one = time.perf_counter() - start
    with ProcessPoolExecutor(max_workers=cores) as pool:
        list(pool.map(_spin, [1] * cores))
        start = time.perf_counter()
        list(pool.map(_spin, [n] * cores))
        many = time.perf_counter() - start
    return one / many


def fill_floor(template: Path, context: dict, output: Path) -> None:
    """Unzip the template, put the values into word/document.xml, zip it again, write it."""
    from reportfill.writers.docx_package import COMPRESSION

    cells, text = context["cells"], context["title"]

    def value(match: re.Match) -> str:
        cell = _CELL.fullmatch(match.group(1))
        return cells[cell.group(1)] if cell else text

    with zipfile.ZipFile(template) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in members:
            if name == "word/document.xml":
                data = _PLACEHOLDER.sub(value, data.decode("utf-8")).encode("utf-8")
            target.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED,
                            compresslevel=COMPRESSION)
    output.write_bytes(out.getvalue())


def check_floor(report: Path) -> None:
    """Unzip a report and parse its word/document.xml."""
    with zipfile.ZipFile(report) as package:
        etree.fromstring(package.read("word/document.xml"))


def measure(count: int, repeat: int, batch_repeat: int, work: Path) -> dict:
    from docxtpl import DocxTemplate

    from reportfill.readers.toml_input import load_input
    from reportfill.workflows.check import check_document
    from reportfill.workflows.fill import fill
    from reportfill.writers.render import context, default_template

    report = load_input(SEED)
    template = default_template(report.fmt)
    seed_context = context(report)
    reportfill = reportfill_command()
    cores = os.cpu_count() or 1
    f: dict[str, float] = {"cores": cores}

    # (c), first: a fill process that finds no prepared template in the run's cache folder
    fill_process = [*reportfill, "fill", str(SEED), "-o", str(work / "process.docx")]
    start = time.perf_counter()
    run(fill_process, work)
    f["c_fill_process_first_s"] = time.perf_counter() - start

    # (a) bare docxtpl, in-process
    def bare():
        document = DocxTemplate(str(template))
        document.render(seed_context, autoescape=True)
        document.save(io.BytesIO())

    f["a_bare_docxtpl_s"] = median_time(bare, repeat)

    # (b) fill in-process, each run writing a new file, beside the fill floor
    single = work / "single.docx"
    fill(SEED, output=single)
    runs = iter(range(10**9))
    f["b_fill_in_process_s"], f["b_fill_floor_s"] = side_by_side(
        lambda: fill(SEED, output=work / "b" / f"{next(runs)}.docx"),
        lambda: fill_floor(template, seed_context, work / "floor.docx"), repeat)

    # (c) the fill command as a process, and bare docxtpl as a process
    context_file = work / "context.json"
    context_file.write_text(json.dumps(seed_context, ensure_ascii=False), encoding="utf-8")
    bare_script = work / "bare_docxtpl.py"
    bare_script.write_text(BARE_SCRIPT, encoding="utf-8")
    f["c_bare_docxtpl_process_s"], f["c_fill_process_s"] = side_by_side(
        lambda: run([sys.executable, str(bare_script), str(template), str(context_file)], work),
        lambda: run(fill_process, work), repeat)

    # (d) check one report, beside the check floor
    f["d_check_in_process_s"], f["d_check_floor_s"] = side_by_side(
        lambda: check_document(single), lambda: check_floor(single), repeat)
    f["d_check_process_s"] = median_time(lambda: run([*reportfill, "check", str(single)], work, ok=(0, 1)), repeat)

    # (e) batches on one core and on all, beside the floors over the same reports
    inputs = work / "inputs"
    write_variants(inputs, count)
    contexts = [(str(template), context(load_input(p))) for p in sorted(inputs.glob("*.toml"))]
    out = {jobs: work / f"outputs-{jobs}" for jobs in (1, cores)}

    def fill_batch(jobs: int):
        shutil.rmtree(out[jobs], ignore_errors=True)  # each run writes new files, as into a new folder
        return [*reportfill, "fill", str(inputs), "--out-dir", str(out[jobs]), "-j", str(jobs)], (0,)

    def check_batch(jobs: int):
        return [*reportfill, "check", str(out[1]), "-j", str(jobs)], (0, 1)

    def floors(kind: str):
        if kind == "fill":
            for _, values in contexts:
                fill_floor(template, values, work / "floor.docx")
        else:
            for written in sorted(out[1].glob("*.docx")):
                check_floor(written)

    batch = {}
    machine = []
    for kind, command in (("fill", fill_batch), ("check", check_batch)):
        for what in (1, cores, "floor"):
            batch[(kind, what)] = []
        for _ in range(max(1, batch_repeat)):
            for jobs in (1, cores):
                args, ok = command(jobs)
                start = time.perf_counter()
                run(args, work, ok=ok)
                batch[(kind, jobs)].append(time.perf_counter() - start)
            start = time.perf_counter()
            floors(kind)
            batch[(kind, "floor")].append(time.perf_counter() - start)
            machine.append(machine_speed_up(cores))
    written = sorted(out[1].glob("*.docx"))
    if len(written) != count or len(list(out[cores].glob("*.docx"))) != count:
        raise SystemExit(f"the batches wrote {len(written)} and {len(list(out[cores].glob('*.docx')))} reports, not {count}")
    first = sorted(inputs.glob("*.toml"))[0]
    alone = fill(first, out_dir=work / "alone").output
    f["e_batch_output_identical_to_single_fill"] = all(
        alone.read_bytes() == (out[jobs] / alone.name).read_bytes() for jobs in (1, cores))

    def bare_batch():
        with ProcessPoolExecutor(max_workers=cores) as pool:
            list(pool.map(_bare_render, contexts, chunksize=8))

    f["e_bare_docxtpl_all_cores_reports_per_s"] = count / median_time(bare_batch, batch_repeat, warmup=0)
    f["e_count"] = count
    f["e_machine_speed_up"] = statistics.median(machine)
    for kind in ("fill", "check"):
        one, many, floor = (statistics.median(batch[(kind, k)]) for k in (1, cores, "floor"))
        f[f"e_{kind}_one_core_s"] = one / count
        f[f"e_{kind}_floor_s"] = floor / count
        f[f"e_{kind}_all_cores_s"] = many / count
        f[f"e_{kind}_reports_per_s"] = count / many
        f[f"e_{kind}_speed_up"] = one / many
        f[f"e_{kind}_best_speed_up"] = max(a / b for a, b in zip(batch[(kind, 1)], batch[(kind, cores)]))

    # (g) the report as an HTML page and as a PDF, both written by LibreOffice from the DOCX
    from reportfill import office

    if office.find_soffice() is not None:
        [page] = office.convert([single], "html", work / "html")
        [pdf] = office.convert([single], "pdf", work / "pdf")
        f["g_check_html_in_process_s"] = median_time(lambda: check_document(page), repeat)
        f["g_check_pdf_in_process_s"] = median_time(lambda: check_document(pdf), repeat)
    # (h) the office's runs: this year's reports against last year's, and the aggregate
    next_inputs, this_year = work / "inputs-next", work / "outputs-next"
    write_variants(next_inputs, count, year=2022)
    run([*reportfill, "fill", str(next_inputs), "--out-dir", str(this_year)], work)
    office_runs = [run_measured([*reportfill, "check", str(this_year), "--previous-dir", str(out[1]),
                                 "--summary", str(work / "summary.xlsx")], work, ok=(0, 1))
                   for _ in range(max(1, batch_repeat))]
    aggregate_runs = [run_measured([*reportfill, "aggregate", str(out[1]), "--agency", "焦作市人民政府", "--year", "2021",
                                    "-o", str(work / "aggregate.toml"), "--provenance", str(work / "provenance.xlsx"),
                                    "--force"], work)
                      for _ in range(max(1, batch_repeat))]
    f.update({
        "h_check_previous_dir_summary_s": statistics.median(t for t, _ in office_runs),
        "h_check_previous_dir_summary_peak_mb": max(m for _, m in office_runs),
        "h_aggregate_s": statistics.median(t for t, _ in aggregate_runs),
        "h_aggregate_peak_mb": max(m for _, m in aggregate_runs),
    })

    # (f) start-up
    f["f_import_docxtpl_process_s"], f["f_help_process_s"] = side_by_side(
        lambda: run([sys.executable, "-c", "import docxtpl"], work), lambda: run([*reportfill, "--help"], work), repeat)

    f["ratio_fill_in_process_vs_bare"] = f["b_fill_in_process_s"] / f["a_bare_docxtpl_s"]
    f["ratio_fill_in_process_vs_floor"] = f["b_fill_in_process_s"] / f["b_fill_floor_s"]
    f["ratio_fill_one_core_vs_floor"] = f["e_fill_one_core_s"] / f["e_fill_floor_s"]
    f["ratio_check_in_process_vs_floor"] = f["d_check_in_process_s"] / f["d_check_floor_s"]
    f["ratio_check_one_core_vs_floor"] = f["e_check_one_core_s"] / f["e_check_floor_s"]
    f["ratio_fill_process_vs_bare_process"] = f["c_fill_process_s"] / f["c_bare_docxtpl_process_s"]
    f["ratio_help_vs_import_docxtpl"] = f["f_help_process_s"] / f["f_import_docxtpl_process_s"]
    return f


def verdicts(f: dict) -> dict[str, bool]:
    cores = f["cores"]
    return {
        "fill on one core (fill DIR -j 1) <= 3x the fill floor": f["ratio_fill_one_core_vs_floor"] <= TARGETS["fill_vs_floor"],
        "check on one core (in-process) <= 3x the check floor":
            f["ratio_check_in_process_vs_floor"] <= TARGETS["check_vs_floor"],
        f"fill DIR on {cores} cores >= 1.8x as fast as on 1": f["e_fill_speed_up"] >= TARGETS["speed_up"],
        f"check DIR on {cores} cores >= 1.8x as fast as on 1": f["e_check_speed_up"] >= TARGETS["speed_up"],
        "reportfill fill process <= 1.0x bare docxtpl process":
            f["ratio_fill_process_vs_bare_process"] <= TARGETS["fill_process_vs_bare_process"],
        "--help cheaper than importing docxtpl": f["ratio_help_vs_import_docxtpl"] < 1,
        "batch output identical to single fill": f["e_batch_output_identical_to_single_fill"],
    }


def text_report(f: dict, machine: dict) -> str:
    ms = lambda key: f"{f[key] * 1000:8.1f} ms"  # noqa: E731
    x = lambda key: f"{f[key]:5.2f} x"  # noqa: E731
    cores, count = f["cores"], f["e_count"]
    lines = [
        f"reportfill benchmark -- {machine['cpus']} CPUs, Python {machine['python']}, {machine['platform']}, "
        f"bytecode cache {'on' if machine['bytecode_cache'] else 'off'}",
        f"  (a) bare docxtpl render + save, in-process          {ms('a_bare_docxtpl_s')}",
        f"  (b) fill in-process (validate, render, save,        {ms('b_fill_in_process_s')}"
        f"   = {x('ratio_fill_in_process_vs_bare')} (a)",
        "      reopen and check every number, write)",
        f"      fill floor (unzip, substitute, re-zip, write)   {ms('b_fill_floor_s')}"
        f"   fill = {x('ratio_fill_in_process_vs_floor')} floor",
        f"  (c) bare docxtpl script, whole process              {ms('c_bare_docxtpl_process_s')}",
        f"      reportfill fill, whole process                  {ms('c_fill_process_s')}"
        f"   = {x('ratio_fill_process_vs_bare_process')} bare process",
        f"      reportfill fill, first process (empty cache)    {ms('c_fill_process_first_s')}",
        f"  (d) check one report, in-process                    {ms('d_check_in_process_s')}"
        f"   = {x('ratio_check_in_process_vs_floor')} check floor",
        f"      check floor (unzip, lxml parse document.xml)    {ms('d_check_floor_s')}",
        f"      reportfill check, whole process                 {ms('d_check_process_s')}",
        f"  (e) reportfill fill DIR -j 1, {count} inputs, per report {ms('e_fill_one_core_s')}"
        f"   = {x('ratio_fill_one_core_vs_floor')} fill floor ({ms('e_fill_floor_s').strip()})",
        f"      reportfill fill DIR -j {cores}: {f['e_fill_reports_per_s']:.0f} reports/s"
        f"{'':13}   speed-up {x('e_fill_speed_up')} (best run {f['e_fill_best_speed_up']:.2f} x)",
        f"      reportfill check DIR -j 1, per report           {ms('e_check_one_core_s')}"
        f"   = {x('ratio_check_one_core_vs_floor')} check floor ({ms('e_check_floor_s').strip()})",
        f"      reportfill check DIR -j {cores}: {f['e_check_reports_per_s']:.0f} reports/s"
        f"{'':12}   speed-up {x('e_check_speed_up')} (best run {f['e_check_best_speed_up']:.2f} x)",
        f"      a pure-Python loop on {cores} processes: speed-up {x('e_machine_speed_up')} (what the machine gives now)",
        f"      bare docxtpl on all cores: {f['e_bare_docxtpl_all_cores_reports_per_s']:.0f} reports/s",
        f"  (f) reportfill --help, whole process                {ms('f_help_process_s')}"
        f"   = {x('ratio_help_vs_import_docxtpl')} import docxtpl",
        f"      python -c 'import docxtpl'                      {ms('f_import_docxtpl_process_s')}",
    ]
    if "g_check_html_in_process_s" in f:
        lines += [
            f"  (g) check the report as an HTML page, in-process    {ms('g_check_html_in_process_s')}",
            f"      check the report as a PDF, in-process           {ms('g_check_pdf_in_process_s')}",
        ]
    else:
        lines.append("  (g) HTML and PDF checks skipped: LibreOffice is not installed")
    lines += [
        f"{'  (h) check DIR --previous-dir --summary, ' + str(f['e_count']):<50}{f['h_check_previous_dir_summary_s']:8.2f} s "
        f"   = {f['e_count'] / f['h_check_previous_dir_summary_s']:.0f} reports/s, "
        f"peak {f['h_check_previous_dir_summary_peak_mb']:.0f} MB",
        f"{'      aggregate DIR --provenance, ' + str(f['e_count']):<50}{f['h_aggregate_s']:8.2f} s "
        f"   = {f['e_count'] / f['h_aggregate_s']:.0f} reports/s, peak {f['h_aggregate_peak_mb']:.0f} MB",
        "",
        "targets:",
    ]
    lines += [f"  [{'met' if ok else 'MISSED'}] {name}" for name, ok in verdicts(f).items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500, help="inputs in the batch (default 500)")
    parser.add_argument("--repeat", type=int, default=10, help="runs of each single measurement (default 10)")
    parser.add_argument("--batch-repeat", type=int, default=3, help="runs of each batch (default 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="measure processes with PYTHONDONTWRITEBYTECODE=1, compiling every module from source "
                             "(by default processes use __pycache__, as an installed package does)")
    args = parser.parse_args()
    if args.no_bytecode_cache:
        CHILD_ENV["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        CHILD_ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
               "bytecode_cache": not args.no_bytecode_cache}
    with tempfile.TemporaryDirectory(prefix="reportfill-bench-") as work:
        CHILD_ENV["REPORTFILL_CACHE"] = os.environ["REPORTFILL_CACHE"] = str(Path(work) / "cache")
        figures = measure(args.count, args.repeat, args.batch_repeat, Path(work))
    if args.json:
        print(json.dumps({"machine": machine, "figures": figures, "targets": verdicts(figures)}, ensure_ascii=False, indent=2))
    else:
        print(text_report(figures, machine))


if __name__ == "__main__":
    main()
