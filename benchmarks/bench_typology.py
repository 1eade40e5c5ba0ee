"""Benchmark of the typology's cluster stability beside R's ``fpc::clusterboot`` (standalone script).

    .venv/bin/python benchmarks/bench_typology.py [--n 20000] [--bootstrap 100] [--naive] [--no-r]
                                                 [--json FILE]

On synthetic features (``--n`` partnerships x 15 indicators, four planted options, rates as
in the example generator) it times, in one run:

1. the whole fit, ``KahaneTypology(k=4, n_boot=100)``, whose stability is the
   clusterboot-faithful bootstrap (``analysis.stability.clusterboot``, 10 fresh k-means
   starts per resample; by default a thread per core at this size), with its steps;
2. the stability step alone: faithful with a thread per core (``n_jobs=-1``), faithful one
   after the other (``n_jobs=1``), and the fast warm start (one run per resample from the original centroids);
3. R's ``fpc::clusterboot(Z, B=100, bootmethod="boot", clustermethod=kmeansCBI, k=4, runs=10)``
   on the same transformed and scaled matrix, when ``Rscript`` and fpc are installed (Debian:
   ``apt-get install r-base-core r-cran-fpc``); skipped otherwise. The target: the whole fit
   in at most half of clusterboot's time;
4. the default typology fit on the bundled example (``k="auto"``, every diagnostic, no
   charts), best of three; the target: under 3 s;
5. with ``--naive``: the loop a researcher would write with scikit-learn (KMeans with 10
   restarts on every full resample, duplicates included).

Prints one line per measurement (wall seconds; CPU seconds of this process where it means
something) and a JSON summary at the end (also written to ``--json``). Nothing else is
written outside a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from analysis.data import load_dataset
from analysis.data.schema import INDICATOR_OPTIONS, OPTIONS
from analysis.stability import clusterboot
from analysis.typology import KahaneTypology, features_for

ROOT = Path(__file__).resolve().parents[1]
R_SCRIPT = r"""
suppressPackageStartupMessages(library(fpc))
z <- as.matrix(read.csv("{path}"))
set.seed({seed})
t <- system.time(cb <- clusterboot(z, B = {b}, bootmethod = "boot", clustermethod = kmeansCBI,
                                   k = 4, runs = 10, count = FALSE))
cat("elapsed", t[["elapsed"]], "
")
cat("cpu", t[["user.self"]] + t[["sys.self"]], "
")
cat("jaccard", cb$bootmean, "
")
"""


def synthetic_features(n: int, *, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Rates per year like the example generator: own-option indicators high, others low."""
    rng = np.random.default_rng(seed)
    indicators = list(INDICATOR_OPTIONS)
    truth = rng.choice(len(OPTIONS), size=n, p=[0.2, 0.3, 0.15, 0.35])
    years = rng.integers(1, 15, size=n)
    strength = rng.uniform(0.6, 1.6, size=n)
    own = np.array([[INDICATOR_OPTIONS[i] == o for i in indicators] for o in OPTIONS])[truth]
    rate = np.where(own, strength[:, None] * rng.uniform(0.5, 1.2, (n, len(indicators))),
                    rng.exponential(0.08, (n, len(indicators))))
    counts = rng.poisson(rate * years[:, None])
    frame = pd.DataFrame(counts / years[:, None], columns=indicators,
                         index=pd.Index([f"P{i:05d}" for i in range(n)], name="partnership_id"))
    return frame, truth


def timed(label, func, results, *, key=None):
    """Run ``func`` once; record wall and CPU seconds (this process only) under ``key``."""
    start, cpu = time.perf_counter(), time.process_time()
    out = func()
    wall, cpu = round(time.perf_counter() - start, 2), round(time.process_time() - cpu, 2)
    results[key or label] = {"wall": wall, "cpu": cpu}
    print(f"{label:62s} {wall:8.2f} s  (CPU here {cpu:.2f} s)", flush=True)
    return out


def r_clusterboot(Z, *, n_boot: int, seed: int) -> dict | None:
    """R's fpc::clusterboot on ``Z``, timed inside R; None when R or fpc is missing."""
    if not shutil.which("Rscript"):
        print("Rscript not found: skipping the fpc::clusterboot comparison (apt-get install r-cran-fpc)")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "z.csv"
        pd.DataFrame(Z).to_csv(path, index=False, float_format="%.17g")
        script = Path(tmp) / "cb.R"
        script.write_text(R_SCRIPT.format(path=path.as_posix(), seed=seed, b=n_boot))
        proc = subprocess.run(["Rscript", str(script)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print("R clusterboot failed:", proc.stderr.strip()[-500:])
        return None
    lines = dict(line.split(" ", 1) for line in proc.stdout.strip().splitlines())
    out = {"wall": float(lines["elapsed"]), "cpu": round(float(lines["cpu"]), 2),
           "jaccard": [round(float(v), 4) for v in lines["jaccard"].split()]}
    label = f"R fpc::clusterboot(B={n_boot}, kmeansCBI, k=4, runs=10)"
    print(f"{label:62s} {out['wall']:8.2f} s  (CPU in R {out['cpu']:.2f} s)", flush=True)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--bootstrap", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--naive", action="store_true", help="also time the naive scikit-learn loop")
    parser.add_argument("--no-r", action="store_true", help="skip R's fpc::clusterboot")
    parser.add_argument("--no-example", action="store_true", help="skip the fit on the bundled example")
    parser.add_argument("--json", type=Path, help="also write the JSON summary here")
    args = parser.parse_args(argv)

    X, truth = synthetic_features(args.n, seed=args.seed)
    results: dict = {"n": args.n, "features": X.shape[1], "bootstrap": args.bootstrap,
                     "cpus": os.cpu_count(), "python": platform.python_version(),
                     "load_at_start": [round(v, 1) for v in os.getloadavg()]}
    print(f"{args.n} partnerships x {X.shape[1]} features; load average {results['load_at_start']}")
    model = timed(f"whole fit k=4, {args.bootstrap} faithful resamples (all steps)",
                  lambda: KahaneTypology(k=4, n_boot=args.bootstrap, random_state=args.seed).fit(X),
                  results, key="fit")
    results["fit_steps"] = model.timings_
    results["ari_vs_planted"] = round(adjusted_rand_score(truth, model.labels_), 4)
    results["jaccard_fit"] = model.stability_["jaccard_mean"].round(4).tolist()
    print(f"  steps: {model.timings_}; ARI with the planted truth {results['ari_vs_planted']}")
    Z = model.feature_space(X)
    r = None if args.no_r else r_clusterboot(Z, n_boot=args.bootstrap, seed=args.seed)
    if r is not None:
        results["r_clusterboot"] = r
        results["fit_over_r"] = round(results["fit"]["wall"] / r["wall"], 3)
        print(f"  whole fit / R clusterboot (wall): {results['fit_over_r']:.2f} (target <= 0.5)")

    labels, centers = model.labels_, model.cluster_centers_
    faithful = timed("stability alone, faithful, a thread per core (n_jobs=-1; the default from 5,000 rows)",
                     lambda: clusterboot(Z, labels, n_boot=args.bootstrap, n_jobs=-1, random_state=1), results,
                     key="stability_faithful")
    with threadpool_limits(limits=1):
        timed("stability alone, faithful, one after the other (n_jobs=1)",
              lambda: clusterboot(Z, labels, n_boot=args.bootstrap, n_jobs=1, random_state=1), results,
              key="stability_faithful_one_process")
        warm = timed("stability alone, warm start (fast option), one process",
                     lambda: clusterboot(Z, labels, n_boot=args.bootstrap, init="warm", centers=centers,
                                         n_jobs=1, random_state=1), results, key="stability_warm")
    results["jaccard_faithful"] = faithful.bootmean.round(4).tolist()
    results["jaccard_warm"] = warm.bootmean.round(4).tolist()
    if r is not None:
        results["stability_over_r"] = round(results["stability_faithful"]["wall"] / r["wall"], 3)

    if not args.no_example:
        features = features_for(load_dataset(ROOT / "data" / "example"))
        times = []
        for repeat in range(3):
            fit = timed(f"example: default typology fit (k='auto', all diagnostics), run {repeat + 1}",
                        lambda: KahaneTypology(random_state=0).fit(features), results, key="example")
            times.append(results["example"])
        results["example"] = {"best_wall": min(t["wall"] for t in times),
                              "median_wall": float(np.median([t["wall"] for t in times])),
                              "best_cpu": min(t["cpu"] for t in times), "steps": fit.timings_}
        print(f"  example best of 3: {results['example']['best_wall']:.2f} s (target < 3 s); steps {fit.timings_}")

    if args.naive:
        def naive():
            rng = np.random.default_rng(2)
            for _ in range(args.bootstrap):
                idx = rng.integers(0, len(Z), len(Z))
                KMeans(4, n_init=10).fit(Z[idx])

        timed("naive scikit-learn loop (KMeans n_init=10 per resample)", naive, results, key="naive")
    results["load_at_end"] = [round(v, 1) for v in os.getloadavg()]
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
