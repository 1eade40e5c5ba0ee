"""Every chart the report exports, timed per format: CPU seconds of SVG, PNG and PDF.

    .venv/bin/python benchmarks/bench_charts.py [--repeats 3] [--json FILE]

Fits the report's analyses once on ``data/example`` (as ``report`` does), then, ``--repeats``
times over, draws all the report's charts from those results (the overview and every family
of :data:`analysis.charts.CHART_MODULES`) and exports each one as the report does
(:func:`analysis.export.export_charts`, SVG then PNG then PDF). The time of each format is the
CPU time of the toolkit's own per-format rendering step (``analysis.export._render_figure``,
wrapped with a timer for this benchmark only; the first format also pays the figure's layout,
as in the report). For each chart and format the best of the repeats is kept; the first
export of the process (fonts loaded, caches warmed) is timed apart as ``cold``.

Prints a Markdown table (per chart: SVG, PNG, PDF and total; then the median and the worst
over all charts) and, with ``--json``, writes the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("svg", "png", "pdf")


def measure(repeats: int = 3, *, seed: int = 2010, start: int = 2010, end: int = 2019, results=None) -> dict:
    """CPU seconds per chart and format (best of ``repeats``), the drawing time and the cold start.

    ``results``: an :class:`analysis.results.Results` fitted beforehand (by default the report's
    analyses are fitted here, once).
    """
    import matplotlib.pyplot as plt

    from analysis import export
    from analysis.charts import standard_charts
    from analysis.data import load_dataset
    from analysis.results import compute_results

    ds = load_dataset(ROOT / "data" / "example")
    if results is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = compute_results(ds, random_state=seed, start=start, end=end)
    timings: dict[str, dict[str, list[float]]] = {}
    drawing: list[float] = []
    cold = None
    current: list = []
    real = export._render_figure

    def timed(fig, fmt, **kwargs):
        c0 = time.process_time()
        payload = real(fig, fmt, **kwargs)
        current.append((fmt, time.process_time() - c0))
        return payload

    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(export, "_render_figure", timed):
        for rep in range(repeats + 1):  # the first round warms up (fonts, caches) and is kept apart
            c0 = time.process_time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                specs = standard_charts(ds, random_state=seed, start=start, end=end, results=results)
            drawing.append(time.process_time() - c0)
            for spec in specs:
                current.clear()
                export.export_charts([spec], Path(tmp) / str(rep), formats=FORMATS)
                if rep == 0:
                    if cold is None:
                        cold = {"chart": spec.name, **{fmt: t for fmt, t in current}}
                    continue
                row = timings.setdefault(spec.name, {fmt: [] for fmt in FORMATS})
                for fmt, t in current:
                    row[fmt].append(t)
            plt.close("all")
    charts = {name: {fmt: min(ts) for fmt, ts in row.items()} for name, row in timings.items()}
    for row in charts.values():
        row["total"] = sum(row[fmt] for fmt in FORMATS)
    return {"charts": charts, "drawing_all_charts": min(drawing[1:]), "cold_first_export": cold,
            "repeats": repeats, "load": os.getloadavg()}


def summary(charts: dict) -> dict:
    """Median and worst over all charts, per format and in total."""
    cols = (*FORMATS, "total")
    return {"median": {c: statistics.median(r[c] for r in charts.values()) for c in cols},
            "worst": {c: max(r[c] for r in charts.values()) for c in cols}}


def table(found: dict) -> str:
    """The Markdown table of :func:`measure`'s result."""
    charts = found["charts"]
    lines = ["| chart | SVG | PNG | PDF | three formats |", "|---|---:|---:|---:|---:|"]
    for name, row in sorted(charts.items(), key=lambda kv: -kv[1]["total"]):
        lines.append(f"| {name} | " + " | ".join(f"{row[c]:.3f}" for c in (*FORMATS, "total")) + " |")
    for what, row in summary(charts).items():
        lines.append(f"| **{what} of {len(charts)}** | " + " | ".join(f"**{row[c]:.3f}**"
                                                                     for c in (*FORMATS, "total")) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--results", type=Path,
                        help="results saved with pickle by an earlier run (skips the fits; for A/B runs)")
    args = parser.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    if "PYTHONPATH" not in os.environ:  # a PYTHONPATH given (another revision's src) comes first
        sys.path.insert(0, str(ROOT / "src"))
    load0 = os.getloadavg()
    results = None
    if args.results:
        import pickle

        results = pickle.loads(args.results.read_bytes())  # noqa: S301 - a file this benchmark's user made
    found = measure(args.repeats, results=results)
    found["load_start"] = load0
    print(table(found))
    cold = found["cold_first_export"]
    print(f"\ndrawing all {len(found['charts'])} charts (best): {found['drawing_all_charts']:.2f} s CPU; "
          f"cold first export ({cold['chart']}): " + ", ".join(f"{f} {cold[f]:.3f}" for f in FORMATS)
          + f"; load average {load0[0]:.1f} -> {found['load'][0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(found, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
