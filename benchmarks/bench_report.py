"""Benchmark of the main job, ``report`` on the example, and of one chart in three formats.

    .venv/bin/python benchmarks/bench_report.py [--baseline REF] [--repeats 3]

Measures, in one run:

1. a fixed **yardstick** (a pure-Python loop of fixed size, one core), so that numbers taken
   on a loaded machine can be compared with numbers taken on a quiet one;
2. ``python -m analysis report data/example`` as ``make report`` runs it, in a child process:
   wall time and CPU time (the child and every process it waited for: workers, kernels);
3. with ``--baseline REF`` (for example ``main`` or a commit), the same report from that
   revision's code (``git archive`` into a temporary folder, run with this environment);
4. every chart the report exports (``benchmarks/bench_charts.py``), drawn from results fitted
   once, exported as SVG, PNG and PDF: CPU seconds per chart and format, with the median and
   the worst chart (the target, "a chart in three formats under 0.5 s", is about charts in
   general, so it is judged on the median and shown with the worst).

Each measurement is the best of ``--repeats``. The numbers go into the section of
``docs/performance.md`` between the markers below (written atomically), and into the same place
in ``benchmarks/notes.md`` (the hand-written part that ``benchmarks/run.py`` puts under its
tables); the rest of both files is left as it is.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- bench_report: begin -->", "<!-- bench_report: end -->"
NOTES = ROOT / "benchmarks" / "notes.md"


def yardstick() -> tuple[float, float]:
    """Wall and CPU seconds of a fixed pure-Python loop (about 1 s on a quiet core)."""
    t0, c0 = time.perf_counter(), time.process_time()
    total = 0
    for i in range(12_000_000):
        total += i % 7
    assert total > 0
    return time.perf_counter() - t0, time.process_time() - c0


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_report(src_root: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds (with every descendant waited for) of one report run."""
    env = dict(os.environ, PYTHONPATH=str(src_root / "src"), ANALYSIS_NO_PROGRESS="1", MPLBACKEND="Agg")
    shutil.rmtree(out, ignore_errors=True)
    c0, t0 = children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "analysis", "report", str(ROOT / "data" / "example"), "--out", str(out)],
                   cwd=src_root, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0, children_cpu() - c0


def best(call, repeats: int):
    runs = [call() for _ in range(repeats)]
    return min(runs), runs


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git revision whose report to time as well (e.g. main)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        load = os.getloadavg()
        yard, _ = best(yardstick, args.repeats)
        print(f"yardstick: {yard[0]:.2f} s wall, {yard[1]:.2f} s CPU", flush=True)
        rep, reps = best(lambda: run_report(ROOT, tmp / "new"), args.repeats)
        print(f"report: {rep[0]:.1f} s wall, {rep[1]:.1f} s CPU (runs: {[round(r[0], 1) for r in reps]})", flush=True)
        rows.append(("`make report` on the example (this revision)", rep))
        if args.baseline:
            old = tmp / "old"
            old.mkdir()
            archive = subprocess.run(["git", "archive", args.baseline], cwd=ROOT, check=True, capture_output=True)
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
            base, _ = best(lambda: run_report(old, tmp / "old-out"), args.repeats)
            print(f"baseline report ({args.baseline}): {base[0]:.1f} s wall, {base[1]:.1f} s CPU", flush=True)
            rows.insert(0, (f"`make report` on the example ({args.baseline}, before)", base))
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from bench_charts import measure, summary, table

        charts = measure(args.repeats)
        middle = summary(charts["charts"])
        worst_name = max(charts["charts"], key=lambda name: charts["charts"][name]["total"])
        print(f"a chart in three formats: median {middle['median']['total']:.2f} s CPU, worst "
              f"{middle['worst']['total']:.2f} s ({worst_name})", flush=True)
        n = len(charts["charts"])
        cpu_rows = [(f"a chart in SVG, PNG and PDF: median of the {n} charts", middle["median"]["total"]),
                    (f"a chart in SVG, PNG and PDF: the worst of the {n} ({worst_name})", middle["worst"]["total"])]
        load_after = os.getloadavg()
    lines = [
        BEGIN,
        "## The main job (`benchmarks/bench_report.py`)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average {load[0]:.1f} at the start and {load_after[0]:.1f} at the "
        "end (above the core count, other jobs shared the machine and wall times are inflated; CPU "
        "times much less so). Best of "
        f"{args.repeats}. *CPU* counts every process of the job (workers and notebook kernels). "
        "*In yardsticks*: the time over the yardstick's time in the same run.",
        "",
        "| measurement | wall (s) | CPU (s) | wall in yardsticks | CPU in yardsticks |",
        "|---|---:|---:|---:|---:|",
        f"| yardstick: fixed pure-Python loop, one core | {yard[0]:.2f} | {yard[1]:.2f} | 1 | 1 |",
    ]
    for name, (wall, cpu) in rows:
        lines.append(f"| {name} | {wall:.2f} | {cpu:.2f} | {wall / yard[0]:.1f} | {cpu / yard[1]:.1f} |")
    for name, cpu in cpu_rows:
        lines.append(f"| {name} | – | {cpu:.2f} | – | {cpu / yard[1]:.1f} |")
    lines += ["", "Targets: the report in a quarter of its former time; one chart in three formats under 0.5 s.",
              "", f"Every chart the report exports, CPU seconds of each format (best of {args.repeats}; the "
              "first format also lays the figure out; `benchmarks/bench_charts.py`):", "",
              table(charts), END]
    section = "\n".join(lines) + "\n"
    sys.path.insert(0, str(ROOT / "src"))
    from analysis.writers import atomic_write_text

    # benchmarks/notes.md is the hand-written part that run.py puts under its own tables: the
    # section goes there too, so that the next `make bench` keeps it
    for path in (args.out, NOTES):
        text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
        if BEGIN in text and END in text:
            text = text.split(BEGIN)[0] + section + "\n" + text.split(END, 1)[1].lstrip("\n")
        elif path == NOTES:
            continue
        else:
            text = text.rstrip("\n") + "\n\n" + section
        atomic_write_text(path, text)
        print(f"written: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
