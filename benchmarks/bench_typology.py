"""Benchmark of the Kahane typology at 20,000 partnerships x 15 indicators (standalone script).

    .venv/bin/python benchmarks/bench_typology.py [--n 20000] [--bootstrap 100] [--naive] [--no-r]

Times, on the same synthetic features (four planted options, rates as in the example
generator):

1. the whole fit, ``KahaneTypology(k=4, n_boot=100)``, with its steps;
2. the bootstrap stability step alone (``clusterboot``, warm start and fresh k-means++ starts);
3. with ``--naive``: the loop a researcher would write with scikit-learn (KMeans with
   10 restarts on every full resample);
4. R's ``fpc::clusterboot(Z, B=100, clustermethod=kmeansCBI, k=4, runs=10)`` on the same
   transformed and scaled matrix, when ``Rscript`` and fpc are installed (Debian:
   ``apt-get install r-cran-fpc``); skipped otherwise.

Prints one line per measurement and a JSON summary at the end. Nothing is written
outside a temporary folder.
"""

from __future__ import annotations

import argparse
import json
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

from analysis.data.schema import INDICATOR_OPTIONS, OPTIONS
from analysis.typology import KahaneTypology, clusterboot

R_SCRIPT = r"""
suppressPackageStartupMessages(library(fpc))
z <- as.matrix(read.csv("{path}"))
set.seed({seed})
t <- system.time(cb <- clusterboot(z, B = {b}, bootmethod = "boot", clustermethod = kmeansCBI,
                                   k = 4, runs = 10, count = FALSE))
cat("elapsed", t[["elapsed"]], "\n")
cat("jaccard", cb$bootmean, "\n")
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


def timed(label, func, results):
    start = time.perf_counter()
    out = func()
    results[label] = round(time.perf_counter() - start, 2)
    print(f"{label:55s} {results[label]:8.2f} s", flush=True)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--bootstrap", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--naive", action="store_true", help="also time the naive scikit-learn loop")
    parser.add_argument("--no-r", action="store_true", help="skip R's fpc::clusterboot")
    parser.add_argument("--auto", action="store_true", help="also time a fit with k='auto' (the full k panel)")
    args = parser.parse_args(argv)

    X, truth = synthetic_features(args.n, seed=args.seed)
    results: dict = {"n": args.n, "features": X.shape[1], "bootstrap": args.bootstrap,
                     "cpus": __import__("os").cpu_count(), "python": platform.python_version()}
    model = timed(f"fit k=4, {args.bootstrap} bootstrap resamples (all steps)",
                  lambda: KahaneTypology(k=4, n_boot=args.bootstrap, random_state=args.seed).fit(X),
                  results)
    results["fit_steps"] = model.timings_
    results["ari_vs_planted"] = round(adjusted_rand_score(truth, model.labels_), 4)
    print(f"  steps: {model.timings_}; ARI with the planted truth {results['ari_vs_planted']}")
    if args.auto:
        auto = timed("fit k='auto' (k panel 2..8 with gap statistic)",
                     lambda: KahaneTypology(n_boot=args.bootstrap, random_state=args.seed).fit(X), results)
        results["auto_k"] = auto.k_
        results["auto_steps"] = auto.timings_
        print(f"  chose k = {auto.k_}; steps: {auto.timings_}")
    Z = model.feature_space(X)
    with threadpool_limits(limits=1):
        warm = timed("clusterboot alone, warm start (1 thread)",
                     lambda: clusterboot(Z, model.labels_, model.cluster_centers_,
                                         n_bootstrap=args.bootstrap, random_state=1), results)
        fresh = timed("clusterboot alone, k-means++ x10 per resample (1 thread)",
                      lambda: clusterboot(Z, model.labels_, model.cluster_centers_,
                                          n_bootstrap=args.bootstrap, init="k-means++", n_init=10,
                                          random_state=1), results)
    results["jaccard_warm"] = [round(v, 4) for v in warm["mean"]]
    results["jaccard_fresh10"] = [round(v, 4) for v in fresh["mean"]]

    if args.naive:
        def naive():
            rng = np.random.default_rng(2)
            for _ in range(args.bootstrap):
                idx = rng.integers(0, len(Z), len(Z))
                KMeans(4, n_init=10).fit(Z[idx])

        timed("naive scikit-learn loop (KMeans n_init=10 per resample)", naive, results)

    if not args.no_r and shutil.which("Rscript"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "z.csv"
            pd.DataFrame(Z).to_csv(path, index=False)
            script = Path(tmp) / "cb.R"
            script.write_text(R_SCRIPT.format(path=path.as_posix(), seed=args.seed, b=args.bootstrap))
            start = time.perf_counter()
            proc = subprocess.run(["Rscript", str(script)], capture_output=True, text=True, check=False)
            wall = time.perf_counter() - start
        if proc.returncode == 0:
            lines = dict(line.split(" ", 1) for line in proc.stdout.strip().splitlines())
            results["r_clusterboot"] = float(lines["elapsed"])
            results["r_clusterboot_wall"] = round(wall, 2)
            results["r_jaccard"] = [round(float(v), 4) for v in lines["jaccard"].split()]
            print(f"{'R fpc::clusterboot(B, kmeansCBI, k=4, runs=10)':55s} {results['r_clusterboot']:8.2f} s")
        else:
            print("R clusterboot failed:", proc.stderr.strip()[-500:])
    elif not args.no_r:
        print("Rscript not found: skipping the fpc::clusterboot comparison (apt-get install r-cran-fpc)")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
