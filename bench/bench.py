"""How fast reportfill fills and checks, against the floor docxtpl itself gives.

    .venv/bin/python bench/bench.py [--count 500] [--repeat 10] [--batch-repeat 3] [--json]

One run, on the project's template and the seed input (and ``--count`` variants of it for
the batch figures), times:

  (a) bare docxtpl: ``DocxTemplate(template).render(context, autoescape=True)`` and a
      save to memory -- what the stack costs before reportfill adds anything;
  (b) fill in-process: ``reportfill.fill.fill`` -- validate, render, save, reopen and
      check, write the file;
  (c) ``reportfill fill`` as a whole process, against a tiny script doing (a) once in
      a fresh process;
  (d) check of one report, in-process and as a ``reportfill check`` process;
  (e) ``reportfill fill DIR`` and ``reportfill check DIR`` over ``--count`` inputs, in
      reports per second, against bare docxtpl rendering the same contexts on every core;
  (f) ``reportfill --help`` against a process that only imports docxtpl;
  (g) check of the same report read from other sources, in-process: the HTML page
      LibreOffice's HTML export writes of it, and the PDF LibreOffice prints of it
      (skipped when LibreOffice is not installed).
  (h) a supervising office's runs over ``--count`` reports of a year and the same
      agencies' reports of the year before: ``reportfill check DIR --previous-dir LAST
      --summary FILE.xlsx`` and ``reportfill aggregate DIR --provenance FILE.xlsx``, with
      the peak memory of the command's own process (its workers hold one report each).

Medians of ``--repeat`` runs ((e): of ``--batch-repeat`` runs, with the best run beside
it -- on a shared machine other work only ever slows a run down). Processes run with
Python's bytecode cache, as an installed package does (``--no-bytecode-cache`` to compile
every module from source each time). Prints a table, or with ``--json`` one JSON object.
The targets are judged on the medians.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

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
    "fill_in_process_vs_bare": 1.3,
    "fill_process_vs_bare_process": 1.5,
    "batch_reports_per_second": 50,
}


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


def measure(count: int, repeat: int, batch_repeat: int, work: Path) -> dict:
    from docxtpl import DocxTemplate

    from reportfill.workflows.check import check_document
    from reportfill.workflows.fill import fill
    from reportfill.readers.toml_input import load_input
    from reportfill.writers.render import context, default_template

    report = load_input(SEED)
    template = default_template(report.fmt)
    seed_context = context(report)
    reportfill = reportfill_command()
    figures: dict[str, float] = {}

    # (a) bare docxtpl, in-process
    def bare():
        document = DocxTemplate(str(template))
        document.render(seed_context, autoescape=True)
        document.save(io.BytesIO())

    figures["a_bare_docxtpl_s"] = median_time(bare, repeat)

    # (b) fill in-process
    single = work / "single.docx"
    figures["b_fill_in_process_s"] = median_time(lambda: fill(SEED, output=single), repeat)

    # (c) the fill command as a process, and bare docxtpl as a process
    context_file = work / "context.json"
    context_file.write_text(json.dumps(seed_context, ensure_ascii=False), encoding="utf-8")
    bare_script = work / "bare_docxtpl.py"
    bare_script.write_text(BARE_SCRIPT, encoding="utf-8")
    figures["c_bare_docxtpl_process_s"] = median_time(
        lambda: run([sys.executable, str(bare_script), str(template), str(context_file)], work), repeat)
    figures["c_fill_process_s"] = median_time(
        lambda: run([*reportfill, "fill", str(SEED), "-o", str(work / "process.docx")], work), repeat)

    # (d) check one report
    figures["d_check_in_process_s"] = median_time(lambda: check_document(single), repeat)
    figures["d_check_process_s"] = median_time(lambda: run([*reportfill, "check", str(single)], work, ok=(0, 1)), repeat)

    # (e) batches
    inputs = work / "inputs"
    write_variants(inputs, count)
    out = work / "outputs"
    fill_runs = times(lambda: run([*reportfill, "fill", str(inputs), "--out-dir", str(out)], work),
                      batch_repeat, warmup=0)
    fill_s = statistics.median(fill_runs)
    written = sorted(out.glob("*.docx"))
    if len(written) != count:
        raise SystemExit(f"the batch wrote {len(written)} reports, not {count}")
    check_runs = times(lambda: run([*reportfill, "check", str(out)], work, ok=(0, 1)), batch_repeat, warmup=0)
    check_s = statistics.median(check_runs)
    first = sorted(inputs.glob("*.toml"))[0]
    alone = fill(first, out_dir=work / "alone").output
    identical = alone.read_bytes() == (out / alone.name).read_bytes()

    contexts = [(str(template), context(load_input(p))) for p in sorted(inputs.glob("*.toml"))]
    cores = os.cpu_count() or 1

    def bare_batch():
        with ProcessPoolExecutor(max_workers=cores) as pool:
            list(pool.map(_bare_render, contexts, chunksize=8))

    bare_batch_s = median_time(bare_batch, batch_repeat, warmup=0)
    figures.update({
        "e_count": count,
        "e_batch_fill_s": fill_s,
        "e_batch_check_s": check_s,
        "e_batch_fill_reports_per_s": count / fill_s,
        "e_batch_check_reports_per_s": count / check_s,
        "e_batch_fill_best_reports_per_s": count / min(fill_runs),
        "e_batch_check_best_reports_per_s": count / min(check_runs),
        "e_bare_docxtpl_all_cores_reports_per_s": count / bare_batch_s,
        "e_batch_output_identical_to_single_fill": identical,
    })

    # (g) the report as an HTML page and as a PDF, both written by LibreOffice from the DOCX
    from reportfill import office

    if office.find_soffice() is not None:
        [page] = office.convert([single], "html", work / "html")
        [pdf] = office.convert([single], "pdf", work / "pdf")
        figures["g_check_html_in_process_s"] = median_time(lambda: check_document(page), repeat)
        figures["g_check_pdf_in_process_s"] = median_time(lambda: check_document(pdf), repeat)
    # (h) the office's runs: this year's reports against last year's, and the aggregate
    next_inputs, this_year = work / "inputs-next", work / "outputs-next"
    write_variants(next_inputs, count, year=2022)
    run([*reportfill, "fill", str(next_inputs), "--out-dir", str(this_year)], work)
    office_runs = [run_measured([*reportfill, "check", str(this_year), "--previous-dir", str(out),
                                 "--summary", str(work / "summary.xlsx")], work, ok=(0, 1))
                   for _ in range(max(1, batch_repeat))]
    aggregate_runs = [run_measured([*reportfill, "aggregate", str(out), "--agency", "焦作市人民政府", "--year", "2021",
                                    "-o", str(work / "aggregate.toml"), "--provenance", str(work / "provenance.xlsx"),
                                    "--force"], work)
                      for _ in range(max(1, batch_repeat))]
    figures.update({
        "h_check_previous_dir_summary_s": statistics.median(t for t, _ in office_runs),
        "h_check_previous_dir_summary_peak_mb": max(m for _, m in office_runs),
        "h_aggregate_s": statistics.median(t for t, _ in aggregate_runs),
        "h_aggregate_peak_mb": max(m for _, m in aggregate_runs),
    })

    # (f) start-up
    figures["f_help_process_s"] = median_time(lambda: run([*reportfill, "--help"], work), repeat)
    figures["f_import_docxtpl_process_s"] = median_time(lambda: run([sys.executable, "-c", "import docxtpl"], work), repeat)

    figures["ratio_fill_in_process_vs_bare"] = figures["b_fill_in_process_s"] / figures["a_bare_docxtpl_s"]
    figures["ratio_fill_process_vs_bare_process"] = figures["c_fill_process_s"] / figures["c_bare_docxtpl_process_s"]
    figures["ratio_help_vs_import_docxtpl"] = figures["f_help_process_s"] / figures["f_import_docxtpl_process_s"]
    return figures


def verdicts(f: dict) -> dict[str, bool]:
    return {
        "fill in-process <= 1.3x bare docxtpl": f["ratio_fill_in_process_vs_bare"] <= TARGETS["fill_in_process_vs_bare"],
        "fill process <= 1.5x bare docxtpl process": f["ratio_fill_process_vs_bare_process"] <= TARGETS["fill_process_vs_bare_process"],
        "--help cheaper than importing docxtpl": f["ratio_help_vs_import_docxtpl"] < 1,
        "batch fill >= 50 reports/s": f["e_batch_fill_reports_per_s"] >= TARGETS["batch_reports_per_second"],
        "batch check >= 50 reports/s": f["e_batch_check_reports_per_s"] >= TARGETS["batch_reports_per_second"],
        "batch fill faster than bare docxtpl on all cores":
            f["e_batch_fill_reports_per_s"] > f["e_bare_docxtpl_all_cores_reports_per_s"],
        "batch output identical to single fill": f["e_batch_output_identical_to_single_fill"],
    }


def text_report(f: dict, machine: dict) -> str:
    ms = lambda key: f"{f[key] * 1000:8.1f} ms"  # noqa: E731
    lines = [
        f"reportfill benchmark -- {machine['cpus']} CPUs, Python {machine['python']}, {machine['platform']}, "
        f"bytecode cache {'on' if machine['bytecode_cache'] else 'off'}",
        f"  (a) bare docxtpl render + save, in-process      {ms('a_bare_docxtpl_s')}",
        f"  (b) fill in-process (validate, render, save,    {ms('b_fill_in_process_s')}"
        f"   = {f['ratio_fill_in_process_vs_bare']:.2f} x (a)",
        "      reopen and check, write)",
        f"  (c) bare docxtpl script, whole process          {ms('c_bare_docxtpl_process_s')}",
        f"      reportfill fill, whole process              {ms('c_fill_process_s')}"
        f"   = {f['ratio_fill_process_vs_bare_process']:.2f} x bare process",
        f"  (d) check one report, in-process                {ms('d_check_in_process_s')}",
        f"      reportfill check, whole process             {ms('d_check_process_s')}",
        f"  (e) reportfill fill DIR, {f['e_count']} inputs              {f['e_batch_fill_s']:8.2f} s "
        f"   = {f['e_batch_fill_reports_per_s']:.0f} reports/s (best run {f['e_batch_fill_best_reports_per_s']:.0f})",
        f"      reportfill check DIR, {f['e_count']} reports            {f['e_batch_check_s']:8.2f} s "
        f"   = {f['e_batch_check_reports_per_s']:.0f} reports/s (best run {f['e_batch_check_best_reports_per_s']:.0f})",
        f"      bare docxtpl on all cores                   {'':8}     "
        f"   = {f['e_bare_docxtpl_all_cores_reports_per_s']:.0f} reports/s",
        f"  (f) reportfill --help, whole process            {ms('f_help_process_s')}",
        f"      python -c 'import docxtpl'                  {ms('f_import_docxtpl_process_s')}",
    ]
    if "g_check_html_in_process_s" in f:
        lines += [
            f"  (g) check the report as an HTML page, in-process {ms('g_check_html_in_process_s')}",
            f"      check the report as a PDF, in-process      {ms('g_check_pdf_in_process_s')}",
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
        figures = measure(args.count, args.repeat, args.batch_repeat, Path(work))
    if args.json:
        print(json.dumps({"machine": machine, "figures": figures, "targets": verdicts(figures)}, ensure_ascii=False, indent=2))
    else:
        print(text_report(figures, machine))


if __name__ == "__main__":
    main()
