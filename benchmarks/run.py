"""Benchmarks at four sizes up to national scale and beyond (``make bench``).

For each size in :data:`generate.SIZES` this script generates a dataset (cached in
``benchmarks/_work/``), then runs each stage in its own child process and records the
wall time, the CPU time and the peak memory (maximum resident set size of the child):

- ``read_csv``: bare ``pandas.read_csv`` of every table file (the yardstick);
- ``read_validate``: :func:`analysis.data.read_dataset` (reading and validating);
- ``typology``: ``python -m analysis typology`` with 100 bootstrap resamples;
- ``coding``: ``python -m analysis code`` over every document;
- ``austerity`` and ``activity``: the two measures' commands;
- ``charts``: ``python -m analysis charts`` (every chart, every format).

A stage whose module or command does not exist yet is reported as "not available"
rather than failing the run. The results go to ``docs/performance.md`` (written
atomically) with the machine described, the ratio of reading and validating to bare
``read_csv``, and the slope of log(time) against log(size) between sizes (1 means linear).

Usage: ``python benchmarks/run.py [--sizes small,medium] [--stages read_csv,read_validate]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work"
sys.path.insert(0, str(HERE))

from generate import DOCUMENT_SHAPE, SIZES, generate  # noqa: E402

STAGES = ("read_csv", "read_validate", "typology", "coding", "austerity", "activity", "charts")
TABLE_FILES = ("councils", "finance", "deflators", "partnerships", "memberships", "activity", "evidence",
               "documents")
PIPELINE = ("read_validate", "typology", "coding", "austerity", "activity", "charts")
TARGETS = {"read_validate": 2, "typology": 60, "coding": 20}
REPEATS = 10  # calls of the two reading stages; the best is reported


# ----------------------------------------------------------------------------- child side


def _cli_stage(argv: list[str]) -> dict:
    from analysis.cli import build_parser, main

    commands = build_parser()._subparsers._group_actions[0].choices
    if argv[0] not in commands:
        return {"status": "not available", "detail": f"no '{argv[0]}' command yet"}
    import contextlib
    import io

    err = io.StringIO()
    t0, c0 = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    status = "ok" if code == 0 else f"exit {code}"
    return {"status": status, "seconds": seconds, "cpu": cpu,
            "detail": "" if code == 0 else err.getvalue().strip().splitlines()[-1][:200] if err.getvalue() else ""}


def child(stage: str, data: Path, out: Path) -> dict:
    """Run one stage in this (child) process and return its timings."""
    os.environ.setdefault("ANALYSIS_NO_PROGRESS", "1")
    os.environ.setdefault("MPLBACKEND", "Agg")
    out.mkdir(parents=True, exist_ok=True)
    if stage in ("read_csv", "read_validate"):
        # Best of REPEATS calls in one process, for both the yardstick and our reader: a
        # single call of well under a second swings by a third with the machine's mood.
        # The first call (which also pays one-time costs such as lazy imports) is kept.
        # The reader's stage also calls the yardstick, alternately with itself, so that the
        # ratio compares two calls that met the same machine (a shared machine's speed
        # drifts by a third or more within seconds).
        import pandas as pd

        def yardstick():
            return sum(len(pd.read_csv(data / f"{name}.csv")) for name in TABLE_FILES)

        def timed(call):
            t0, c0 = time.perf_counter(), time.process_time()
            result = call()
            return (time.perf_counter() - t0, time.process_time() - c0), result

        if stage == "read_csv":
            call, paired = yardstick, None
        else:
            from analysis.data import read_dataset

            def call():
                return read_dataset(data)
            paired = []
        times = []
        for _ in range(REPEATS):
            if paired is not None:
                paired.append(timed(yardstick)[0])
            took, result = timed(call)
            times.append(took)
        seconds, cpu = min(times)
        out = {"seconds": seconds, "cpu": cpu, "first": times[0][0], "repeats": REPEATS}
        if stage == "read_csv":
            return {"status": "ok", **out, "detail": f"{result:,} rows"}
        out["paired_read_csv"], out["paired_read_csv_cpu"] = min(paired)
        # Each call over the yardstick call just before it: the two met the same machine.
        pair_ratios = sorted(t[0] / p[0] for t, p in zip(times, paired, strict=True))
        out["pair_ratio_median"] = pair_ratios[len(pair_ratios) // 2]
        n_err = len(result.report.errors)
        return {"status": "ok" if n_err == 0 else f"{n_err} errors", **out,
                "detail": f"{len(result.report.warnings)} warnings"}
    argv = {
        "typology": ["typology", str(data), "--out", str(out / "typology"), "--bootstrap", "100",
                     "--seed", "0", "--no-charts"],
        "coding": ["code", str(data), "--out", str(out / "codes.csv"), "--force"],
        "austerity": ["austerity", str(data), "--from", "2010", "--to", "2019", "--out",
                      str(out / "austerity.csv"), "--force"],
        "activity": ["activity", str(data), "--out", str(out / "activity")],
        "charts": ["charts", str(data), "--out", str(out / "charts")],
    }[stage]
    return _cli_stage(argv)


# ----------------------------------------------------------------------------- parent side


def run_stage(stage: str, data: Path, out: Path, timeout: float) -> dict:
    """Run ``stage`` in a child process; add its wall time and peak memory."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", stage, "--data", str(data),
           "--work", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    deadline = t0 + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            return {"stage": stage, "status": f"timed out after {timeout:.0f} s", "wall": time.perf_counter() - t0,
                    "peak_mb": usage.ru_maxrss / 1024}
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = proc.stdout.read().decode("utf-8", "replace")
    stderr = proc.stderr.read().decode("utf-8", "replace")
    result = {"stage": stage, "wall": wall, "peak_mb": usage.ru_maxrss / 1024}
    try:
        result.update(json.loads(stdout.strip().splitlines()[-1]))
    except (IndexError, ValueError):
        result.update(status=f"crashed (exit {proc.returncode})", detail=stderr.strip().splitlines()[-1][:200]
                      if stderr.strip() else "")
    return result


def ensure_data(size) -> tuple[Path, dict]:
    folder = WORK / size.name
    stamp = folder / ".size.json"
    if stamp.exists():
        meta = json.loads(stamp.read_text())
        if (meta.get("size", {}).get("name") == size.name and meta["size"]["partnerships"] == size.partnerships
                and meta.get("documents") == DOCUMENT_SHAPE):
            return folder, meta["rows"]
    return folder, generate(size, folder)


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform()}
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in cpu.splitlines() if ln.startswith("model name")),
                           platform.processor() or "unknown")
    except OSError:
        info["cpu"] = platform.processor() or "unknown"
    info["cores"] = os.cpu_count()
    try:
        mem = next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
        info["ram_gb"] = round(int(mem.split()[1]) / 1024**2, 1)
    except (OSError, StopIteration):
        info["ram_gb"] = None
    info["load"] = os.getloadavg()
    from importlib.metadata import PackageNotFoundError, version

    libs = {}
    for lib in ("pandas", "numpy", "pyarrow", "openpyxl", "scikit-learn", "matplotlib", "scipy", "statsmodels"):
        try:
            libs[lib] = version(lib)
        except PackageNotFoundError:
            libs[lib] = "absent"
    info["libraries"] = libs
    return info


def _fmt(x, digits=1):
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.{digits}f}"


def slope(t1, t2, n1, n2):
    if not t1 or not t2 or t1 <= 0 or t2 <= 0 or n1 == n2:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def render(results: list[dict], info: dict, started: str, elapsed: float) -> str:
    sizes = [r for r in results]
    lines = ["# Performance", "",
             "Written by `make bench` (`benchmarks/run.py`); do not edit by hand. Each stage runs in its own",
             "child process on a dataset made by `benchmarks/generate.py`. *Wall* is the child's elapsed time",
             "including Python start-up and imports; *in-stage* is the time of the stage's own call (for the",
             "commands: the whole command, which validates the dataset again); *CPU* is the in-stage CPU",
             "time; *peak* is the child's maximum resident memory.", "",
             "## Machine", "",
             f"- CPU: {info['cpu']}, {info['cores']} cores; RAM: {info['ram_gb']} GB",
             f"- Python {info['python']} on {info['platform']}",
             "- Libraries: " + ", ".join(f"{k} {v}" for k, v in info["libraries"].items()),
             f"- Load average when the run started: {', '.join(f'{x:.1f}' for x in info['load'])} "
             "(other jobs were sharing the machine when this is well above 0; wall times are then inflated, "
             "CPU times much less so)",
             f"- Run started {started}; took {elapsed / 60:.1f} minutes"
             + (f" (an update of some stages; the others are from the previous run, which started at load "
                f"{', '.join(f'{x:.1f}' for x in info['previous_load'])})" if info.get("previous_load") else ""),
             "",
             "## Sizes", "",
             "| size | councils | finance | partnerships | memberships | activity | evidence | documents | rows in all |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in sizes:
        r = s["rows"]
        lines.append(f"| {s['size']} | {r['councils']:,} | {r['finance']:,} | {r['partnerships']:,} | "
                     f"{r['memberships']:,} | {r['activity']:,} | {r['evidence']:,} | {r['documents']:,} "
                     f"(~{s['words']} words each) | {sum(r.values()):,} |")
    lines += ["", "## Reading and validating against bare `pandas.read_csv`", "",
              f"Both are called {REPEATS} times, alternately, in one process, so that each pair of calls meets "
              "the machine in the same state; the best call of each is shown (and its CPU time), and the first "
              "calls, which also pay one-time costs, beside them (these from each stage's own process). "
              "*Ratio of pairs* is the median over the pairs of each reader call's time over the "
              "yardstick call just before it, which a drift of the machine's speed moves less.", "",
              "| size | read_csv (s) | read + validate (s) | ratio (wall) | ratio of pairs | read_csv CPU (s) "
              "| read + validate CPU (s) | ratio (CPU) | first calls (s) | peak (MB) | target < 2 s |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for s in sizes:
        b, v = s["stages"].get("read_csv", {}), s["stages"].get("read_validate", {})
        tb, tv = v.get("paired_read_csv", b.get("seconds")), v.get("seconds")
        cb, cv = v.get("paired_read_csv_cpu", b.get("cpu")), v.get("cpu")
        ratio = tv / tb if tb and tv else None
        cratio = cv / cb if cb and cv else None
        ok = "–" if tv is None else ("met" if tv < TARGETS["read_validate"] else "missed")
        pairs = v.get("pair_ratio_median")
        lines.append(f"| {s['size']} | {_fmt(tb, 2)} | {_fmt(tv, 2)} | {_fmt(ratio)}× | "
                     f"{_fmt(pairs)}{'×' if pairs else ''} | {_fmt(cb, 2)} | "
                     f"{_fmt(cv, 2)} | {_fmt(cratio)}× | {_fmt(b.get('first'), 2)} and {_fmt(v.get('first'), 2)} | "
                     f"{_fmt(v.get('peak_mb'), 0)} | {ok} |")
    lines += ["", "## Every stage", "",
              "| size | stage | status | wall (s) | in-stage (s) | CPU (s) | peak (MB) | note |",
              "|---|---|---|---:|---:|---:|---:|---|"]
    for s in sizes:
        for stage in STAGES:
            r = s["stages"].get(stage)
            if not r:
                continue
            lines.append(f"| {s['size']} | {stage} | {r.get('status', '')} | {_fmt(r.get('wall'))} | "
                         f"{_fmt(r.get('seconds'))} | {_fmt(r.get('cpu'))} | {_fmt(r.get('peak_mb'), 0)} | "
                         f"{str(r.get('detail', '')).replace('|', '/')} |")
    lines += ["", "Whole pipeline (sum of the in-stage times of read + validate, typology, coding, austerity, "
              "activity and charts; each command validates again, so this is an upper bound):", ""]
    for s in sizes:
        parts = [s["stages"].get(k, {}).get("seconds") for k in PIPELINE]
        done = [p for p in parts if p is not None]
        missing = [k for k, p in zip(PIPELINE, parts, strict=True) if p is None]
        peak = max([s["stages"].get(k, {}).get("peak_mb") or 0 for k in STAGES] or [0])
        lines.append(f"- {s['size']}: {_fmt(sum(done))} s over {len(done)} stage(s)"
                     + (f" (not included: {', '.join(missing)})" if missing else "")
                     + f"; highest peak memory of any stage {_fmt(peak, 0)} MB")
    lines += ["", "## Growth with size", "",
              "Slope of log(in-stage time) against log(total rows) between consecutive sizes: 1 is linear, "
              "below 1 means fixed costs still dominate, above 1 means worse than linear.", "",
              "| stage | " + " | ".join(f"{a['size']} → {b['size']}" for a, b in zip(sizes, sizes[1:], strict=False))
              + " |", "|---|" + "---:|" * max(len(sizes) - 1, 0)]
    for stage in STAGES:
        cells = []
        for a, b in zip(sizes, sizes[1:], strict=False):
            ta, tb = a["stages"].get(stage, {}).get("seconds"), b["stages"].get(stage, {}).get("seconds")
            cells.append(_fmt(slope(ta, tb, sum(a["rows"].values()), sum(b["rows"].values())), 2))
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    largest = sizes[-1] if sizes else None
    if largest:
        lines += ["", f"## Targets at the largest size ({largest['size']})", ""]
        for stage, limit in TARGETS.items():
            t = largest["stages"].get(stage, {}).get("seconds")
            verdict = "not measured" if t is None else ("met" if t < limit else "MISSED")
            lines.append(f"- {stage}: {_fmt(t)} s against < {limit} s: {verdict}")
        total = sum(largest["stages"].get(k, {}).get("seconds") or 0 for k in PIPELINE)
        lines.append(f"- whole pipeline: {_fmt(total)} s against < 180 s: {'met' if total < 180 else 'MISSED'}")
        peak = max(largest["stages"].get(k, {}).get("peak_mb") or 0 for k in STAGES)
        lines.append(f"- peak memory: {_fmt(peak, 0)} MB against < 2,048 MB: {'met' if peak < 2048 else 'MISSED'}")
    notes = HERE / "notes.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the toolkit at four sizes; write docs/performance.md")
    parser.add_argument("--sizes", default=",".join(s.name for s in SIZES))
    parser.add_argument("--stages", default=",".join(STAGES))
    parser.add_argument("--timeout", type=float, default=600,
                        help="seconds allowed per stage (a stage that times out is skipped at larger sizes)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--json", type=Path, default=WORK / "results.json")
    parser.add_argument("--update", action="store_true",
                        help="keep the last run's results (results.json) for the stages and sizes not run now")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.data, args.work)))
        return 0
    wanted = args.sizes.split(",")
    stages = [s for s in STAGES if s in args.stages.split(",")]  # none: re-render with --update
    info = machine()
    started = time.strftime("%Y-%m-%d %H:%M")
    t_start = time.perf_counter()
    previous, previous_elapsed = {}, None
    if args.update and args.json.exists():
        last = json.loads(args.json.read_text())
        previous = {r["size"]: r for r in last.get("results", [])}
        info["previous_load"] = last.get("machine", {}).get("load")
        if not stages:  # only a re-render (after editing notes.md): the last run's description stands
            info = dict(last.get("machine", {})) or info
            started = last.get("started", started)
            previous_elapsed = last.get("elapsed")
    results = []
    gave_up: dict[str, str] = {}  # a stage that timed out is not run again at larger sizes
    for size in SIZES:
        if size.name not in wanted:
            if size.name in previous:
                results.append(previous[size.name])
            continue
        data, rows = ensure_data(size)
        entry = {"size": size.name, "rows": rows, "words": size.words,
                 "stages": dict(previous.get(size.name, {}).get("stages", {}))}
        for stage in stages:
            out = WORK / "out" / size.name / stage
            if stage in gave_up:
                entry["stages"][stage] = {"stage": stage, "status": f"skipped ({gave_up[stage]})"}
                continue
            r = run_stage(stage, data, out, args.timeout)
            if str(r.get("status", "")).startswith("timed out"):
                gave_up[stage] = f"timed out at {size.name}"
            entry["stages"][stage] = r
            print(f"{size.name:9s} {stage:14s} {r.get('status', ''):16s} wall {r.get('wall', 0):7.1f} s  "
                  f"in-stage {r.get('seconds') or 0:7.1f} s  peak {r.get('peak_mb', 0):7.0f} MB  "
                  f"{r.get('detail', '')}", flush=True)
        results.append(entry)
        WORK.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "results": results, "started": started},
                                        indent=1, default=str))
    elapsed = previous_elapsed or time.perf_counter() - t_start
    WORK.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": info, "results": results, "started": started, "elapsed": elapsed},
                                    indent=1, default=str))
    text = render(results, info, started, elapsed)
    # Keep the section benchmarks/bench_report.py writes (the main job), if there is one.
    begin, end = "<!-- bench_report: begin -->", "<!-- bench_report: end -->"
    old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    if begin in old and end in old:
        text = text.rstrip("\n") + "\n\n" + begin + old.split(begin, 1)[1].split(end, 1)[0] + end + "\n"
    sys.path.insert(0, str(ROOT / "src"))
    from analysis.writers import atomic_write_text

    atomic_write_text(args.out, text)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
