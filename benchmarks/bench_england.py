"""Benchmark of ``build-england`` on the real files (standalone script).

    .venv/bin/python benchmarks/bench_england.py [--raw ../shared/data/real] [--repeat 3]

Times (wall clock and this process's CPU, which a shared machine disturbs less) the whole build (reading 39 lookups, the register, the code history and the finance
files; deriving lineages, memberships and events) and, separately, the file writing, each
``--repeat`` times into a temporary folder, and prints the times and a JSON summary.
Nothing is written outside the temporary folder.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

from analysis.data.england import build_england, england_readme
from analysis.writers import atomic_write_bytes, csv_bytes

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=ROOT.parent / "shared" / "data" / "real")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    builds, writes, cpus = [], [], []
    for i in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        tables = build_england(args.raw)
        t1, c1 = time.perf_counter(), time.process_time()
        cpus.append(c1 - c0)
        with tempfile.TemporaryDirectory() as tmp:
            for name, frame in tables.items():
                atomic_write_bytes(Path(tmp) / f"{name}.csv", csv_bytes(frame))
            atomic_write_bytes(Path(tmp) / "README.md", england_readme(tables).encode("utf-8"))
        t2 = time.perf_counter()
        builds.append(t1 - t0)
        writes.append(t2 - t1)
        print(f"run {i + 1}: build {t1 - t0:.1f} s (CPU {c1 - c0:.1f} s), write {t2 - t1:.2f} s")
    summary = {"machine": platform.machine(), "python": platform.python_version(), "repeat": args.repeat,
               "build_median_s": round(statistics.median(builds), 2), "build_min_s": round(min(builds), 2),
               "build_cpu_median_s": round(statistics.median(cpus), 2),
               "write_median_s": round(statistics.median(writes), 2),
               "rows": {name: len(frame) for name, frame in tables.items()}}
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
