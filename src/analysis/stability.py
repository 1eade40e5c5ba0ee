"""Cluster stability by bootstrap, computed as R's ``fpc::clusterboot`` computes it.

Christian Hennig's ``clusterboot`` (package ``fpc``; Hennig 2007, *Cluster-wise assessment of
cluster stability*, Computational Statistics & Data Analysis 52) asks of every cluster of a
partition: if the data were drawn again, would this cluster turn up again? This module
answers the question for k-means partitions of any numeric matrix, resampling as
clusterboot's default does (``bootmethod = "boot"`` with ``kmeansCBI``):

1. Draw ``n`` row numbers with replacement (``n`` = rows of the matrix). Keep the *distinct*
   rows drawn, each once (clusterboot's ``multipleboot = FALSE``): about 63% of the rows.
2. Cluster those rows afresh with k-means, ``runs`` times from new random starts, and keep the
   run with the lowest within-cluster sum of squares (``kmeansCBI(..., runs = 10)``).
3. For every original cluster, take its members among those rows and compute the Jaccard
   similarity (shared members / members of either) with every new cluster; record the
   highest. An original cluster with no member among the rows scores 0, as in clusterboot.
4. Repeat ``n_boot`` times (clusterboot's ``B``). Per cluster report the mean (clusterboot's
   ``bootmean``), how often the best Jaccard was at most 0.5 (*dissolved*, ``bootbrd``) and
   how often above 0.75 (*recovered*, ``bootrecover``).

Hennig's reading of the mean (from the ``clusterboot`` help page): 0.85 and above, highly
stable; 0.75 and above, a valid, stable cluster; 0.6 to 0.75, a pattern whose members are
doubtful; below 0.6 the cluster should not be trusted: this module calls it *dissolved*.

What differs from R, and why it does not matter for these figures: R's ``kmeans`` runs the
Hartigan-Wong algorithm from ``k`` random rows; here each run is scikit-learn's Lloyd
k-means from ``k`` random rows too (``init="random"``). Both keep the best of ten runs, which on the bundled
example and on a noisy copy of it gives per-cluster means within the spread of
clusterboot's own runs under different seeds (``tests/reference/clusterboot``, and the
side-by-side table in ``docs/typology.md``).

**Warm starts** (``init="warm"``) are offered as a fast approximation: each resample is
clustered once, starting from the original centroids. A warm start can only find a
partition near the original one, so it may overstate stability, badly so when the cluster
structure is weak (on the noisy example it reads about 0.8 where clusterboot reads about
0.5). Use it for quick looks at data already known to be well clustered, never for the
figures you report.

Speed: the resamples are independent, so ``n_jobs`` threads share them, one resample at a
time (:func:`map_threads`: joblib's threading backend, each k-means on one OpenMP thread and
linear algebra on one thread, so two threads use two cores and no more). By default that happens only for a matrix of
:data:`THREADS_FROM_ROWS` rows or more: there the k-means work, which releases the
interpreter lock, dominates and two threads take about 0.6 of the time; below it most of a
k-means call is Python holding the lock, and the resamples run faster one after the other.
Each resample takes its own seed from one :class:`numpy.random.SeedSequence`, so the result
is the same for any ``n_jobs``. Each k-means run stops when no point changes cluster
(further iterations could change nothing); runs are never cut short otherwise.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> Z = np.vstack([rng.normal(0, 0.1, (20, 2)), rng.normal(3, 0.1, (20, 2))])
>>> labels = np.repeat([0, 1], 20)
>>> result = clusterboot(Z, labels, n_boot=20, random_state=0)
>>> result.bootmean.round(2).tolist()
[1.0, 1.0]
>>> result.labels
['highly stable', 'highly stable']
"""

from __future__ import annotations

import functools
import os
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn import config_context
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.parallel import Parallel, delayed
from threadpoolctl import ThreadpoolController

__all__ = [
    "BOOTMETHODS",
    "DISSOLUTION",
    "INITS",
    "RECOVER",
    "STABILITY_LABELS",
    "THREADS_FROM_ROWS",
    "WARM_NOTE",
    "ClusterbootResult",
    "best_jaccard",
    "clusterboot",
    "map_threads",
    "stability_label",
    "threads_for",
]

#: Hennig's labels for a cluster's mean bootstrap Jaccard, from the highest threshold down.
STABILITY_LABELS = ((0.85, "highly stable"), (0.75, "stable"), (0.6, "doubtful"), (-np.inf, "dissolved"))
#: clusterboot's ``dissolution``: a resample whose best Jaccard is at most this dissolves the cluster.
DISSOLUTION = 0.5
#: clusterboot's ``recover``: a resample whose best Jaccard is above this recovers the cluster.
RECOVER = 0.75
#: Resampling schemes (clusterboot's ``bootmethod``); only the nonparametric bootstrap so far.
BOOTMETHODS = ("boot",)
#: From this many rows up, ``n_jobs=None`` shares the resamples among a thread per core. Measured
#: on the 2-core machine (100 resamples, k = 4, nearly idle): 2,500 rows 1.1-1.4 s one after the
#: other against 1.6-1.8 s with two threads; 5,000 rows 1.9 s either way; 10,000 rows 3.5 s
#: against 2.2-2.5 s; 20,000 rows 5.9 s against 3.5-4.1 s. Below it a k-means call is mostly
#: Python holding the interpreter lock, so threads only queue for it.
THREADS_FROM_ROWS = 5000

#: How each resample is clustered: ``runs`` fresh starts (as clusterboot), or once from the original centroids.
INITS = ("fresh", "warm")
#: What the output says when warm starts were used.
WARM_NOTE = ("warm starts (each resample clustered once from the original centroids) may overstate "
             "stability; use init='fresh' for figures to report")


def stability_label(jaccard: float) -> str:
    """Hennig's label for a cluster's mean bootstrap Jaccard similarity.

    Examples
    --------
    >>> [stability_label(v) for v in (0.9, 0.85, 0.8, 0.65, 0.3)]
    ['highly stable', 'highly stable', 'stable', 'doubtful', 'dissolved']
    >>> stability_label(float("nan"))
    'unknown'
    """
    if not np.isfinite(jaccard):
        return "unknown"
    for threshold, label in STABILITY_LABELS:
        if jaccard >= threshold:
            return label
    return STABILITY_LABELS[-1][1]  # pragma: no cover


def best_jaccard(original, resampled, k: int) -> np.ndarray:
    """Per original cluster, its highest Jaccard similarity with any cluster of ``resampled``.

    Both arguments label the same points (the distinct points of one resample): ``original``
    with the original partition's clusters 0 .. k-1, ``resampled`` with the clusters found
    on the resample (any non-negative integers). A cluster with no point here scores 0, as
    in clusterboot (its ``zerobyzero = 0``).

    Examples
    --------
    Cluster 0 = {a, b, c}, cluster 1 = {d, e}; the resample's clusters are {a, b} and
    {c, d, e}: cluster 0 is best matched by {a, b} (2 shared of 3), cluster 1 by
    {c, d, e} (2 of 3). Cluster 2 has no point here.

    >>> best_jaccard([0, 0, 0, 1, 1], [5, 5, 7, 7, 7], k=3).round(3).tolist()
    [0.667, 0.667, 0.0]
    """
    original = np.asarray(original, dtype=np.intp)
    _, resampled = np.unique(np.asarray(resampled), return_inverse=True)
    table = np.zeros((k, int(resampled.max(initial=-1)) + 1))
    np.add.at(table, (original, resampled), 1.0)
    in_original = table.sum(axis=1, keepdims=True)
    in_resampled = table.sum(axis=0, keepdims=True)
    union = in_original + in_resampled - table
    with np.errstate(invalid="ignore", divide="ignore"):
        jaccard = np.where(union > 0, table / union, 0.0)
    return jaccard.max(axis=1, initial=0.0)


@dataclass
class ClusterbootResult:
    """Per-cluster bootstrap stability, with the settings that produced it.

    Attributes mirror clusterboot's output: ``bootresult`` (array n_boot x k of best Jaccard
    per resample and cluster, transposed from R's k x B), ``bootmean``, ``bootbrd`` (count
    dissolved) and ``bootrecover`` (count recovered).
    """

    bootresult: np.ndarray
    n_boot: int
    runs: int
    init: str
    bootmethod: str = "boot"
    dissolution: float = DISSOLUTION
    recover: float = RECOVER
    sizes: np.ndarray = field(default_factory=lambda: np.zeros(0, int))

    @property
    def k(self) -> int:
        return self.bootresult.shape[1]

    @property
    def bootmean(self) -> np.ndarray:
        """Mean best Jaccard per cluster (NaN when ``n_boot`` is 0)."""
        if self.n_boot == 0:
            return np.full(self.k, np.nan)
        return self.bootresult.mean(axis=0)

    @property
    def bootbrd(self) -> np.ndarray:
        """Resamples in which each cluster dissolved (best Jaccard <= ``dissolution``)."""
        return (self.bootresult <= self.dissolution).sum(axis=0)

    @property
    def bootrecover(self) -> np.ndarray:
        """Resamples in which each cluster was recovered (best Jaccard > ``recover``)."""
        return (self.bootresult > self.recover).sum(axis=0)

    @property
    def labels(self) -> list[str]:
        """Hennig's label for each cluster's mean."""
        return [stability_label(v) for v in self.bootmean]

    @property
    def note(self) -> str:
        """A caveat to print beside the figures ("" for the faithful fresh starts)."""
        return WARM_NOTE if self.init == "warm" else ""

    def to_frame(self) -> pd.DataFrame:
        """One row per cluster: size, mean Jaccard, label, counts and shares dissolved and recovered."""
        share = (lambda counts: counts / self.n_boot) if self.n_boot else (lambda counts: np.full(self.k, np.nan))
        return pd.DataFrame({
            "cluster": np.arange(self.k), "size": self.sizes, "jaccard_mean": self.bootmean,
            "stability": self.labels, "n_dissolved": self.bootbrd, "n_recovered": self.bootrecover,
            "share_dissolved": share(self.bootbrd), "share_recovered": share(self.bootrecover)})

    def settings(self) -> dict:
        """The settings, for diagnostics files."""
        return {"n_boot": self.n_boot, "runs": self.runs, "init": self.init, "bootmethod": self.bootmethod,
                "dissolution": self.dissolution, "recover": self.recover, "note": self.note}


def _resample_jaccard(Z, labels, k, centers, runs, seed) -> np.ndarray:
    """One bootstrap resample: draw, re-cluster the distinct rows, best Jaccard per cluster."""
    rng = np.random.default_rng(seed)
    n = len(Z)
    distinct = np.flatnonzero(np.bincount(rng.integers(0, n, size=n), minlength=n))  # sorted, each once
    sub = Z[distinct]  # a fresh array, so k-means may centre it in place (copy_x=False)
    if len(sub) < k:
        return np.zeros(k)  # too few points to form k clusters (only for tiny data)
    if centers is None:
        # k rows drawn at random as the starting centres, as R's kmeans(nstart = runs) starts
        model = KMeans(n_clusters=k, init="random", n_init=runs, max_iter=100, tol=0.0,
                       random_state=int(rng.integers(2**31 - 1)), copy_x=False)
    else:
        model = KMeans(n_clusters=k, init=centers, n_init=1, max_iter=100, tol=0.0, copy_x=False)
    found = model.fit(sub).labels_  # convergence warnings silenced by clusterboot()
    return best_jaccard(labels[distinct], found, k)


@functools.cache
def _threadpools() -> ThreadpoolController:
    # Finding the loaded thread pools takes tens of milliseconds: once per process, not per call.
    return ThreadpoolController()


def _one_resample(Z, labels, k, centers, runs, seed) -> np.ndarray:
    # The data have been checked once by clusterboot(): scikit-learn need not scan them again.
    with config_context(assume_finite=True):
        return _resample_jaccard(Z, labels, k, centers, runs, seed)


def _on_one_thread(func, item):
    # An OpenMP limit holds only in the thread that sets it, so it is set around every call,
    # in whichever thread runs it.
    with _threadpools().limit(limits=1, user_api="openmp"):
        return func(item)


def threads_for(n_rows: int, n_jobs: int | None = None) -> int:
    """How many threads :func:`map_threads` should use for work on a matrix of ``n_rows`` rows.

    ``n_jobs`` None: one per core from :data:`THREADS_FROM_ROWS` rows up, 1 below; -1: one
    per core; a whole number >= 1: that many.

    Examples
    --------
    >>> threads_for(100), threads_for(100, 3), threads_for(10**6, 1)
    (1, 3, 1)
    """
    if n_jobs is None:
        n_jobs = -1 if n_rows >= THREADS_FROM_ROWS else 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or not (n_jobs == -1 or n_jobs >= 1):
        raise ValueError(f"n_jobs must be None, -1 or a whole number >= 1, not {n_jobs!r}")
    return (os.cpu_count() or 1) if n_jobs == -1 else int(n_jobs)


def map_threads(func, items, *, n_jobs: int = 1) -> list:
    """``[func(item) for item in items]``, shared among ``n_jobs`` threads, in the items' order.

    For independent pieces of work that spend their time in compiled code which releases the
    interpreter lock (k-means above all). Every call runs its own OpenMP code (k-means) on one
    thread, and linear algebra runs on one thread meanwhile, so that ``n_jobs`` threads use
    ``n_jobs`` cores and no more, and each call computes exactly what it would one after the
    other. ``n_jobs=1`` runs the calls one after the other, in this thread.

    Examples
    --------
    >>> map_threads(abs, [-2, 3, -4], n_jobs=2)
    [2, 3, 4]
    """
    items = list(items)
    # Linear algebra on one thread (a process-wide setting, so set here, once).
    with _threadpools().limit(limits=1, user_api="blas"):
        if n_jobs == 1 or len(items) < 2:
            return [_on_one_thread(func, item) for item in items]
        return Parallel(n_jobs=min(n_jobs, len(items)), prefer="threads")(
            delayed(_on_one_thread)(func, item) for item in items)


def _seed_sequence(random_state) -> np.random.SeedSequence:
    if isinstance(random_state, np.random.SeedSequence):
        return random_state
    if isinstance(random_state, np.random.Generator):
        return np.random.SeedSequence(int(random_state.integers(2**63)))
    if isinstance(random_state, np.random.RandomState):
        return np.random.SeedSequence(int(random_state.randint(2**31 - 1)))
    if random_state is None or isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return np.random.SeedSequence(random_state)
    raise ValueError(f"random_state must be None, an int, a Generator or a RandomState, not {random_state!r}")


def clusterboot(Z, labels, *, n_boot: int = 100, runs: int = 10, bootmethod: str = "boot",
                init: str = "fresh", centers=None, dissolution: float = DISSOLUTION,
                recover: float = RECOVER, n_jobs: int | None = None, random_state=None) -> ClusterbootResult:
    """Bootstrap stability of every cluster of a k-means partition, as ``fpc::clusterboot``.

    The same computation as R's
    ``clusterboot(Z, B = n_boot, bootmethod = "boot", clustermethod = kmeansCBI, k = k, runs = runs)``
    for a partition ``labels`` of ``Z`` (see the module notes for the steps).

    Parameters
    ----------
    Z : array of shape (n, p)
        The matrix the partition was found in (already transformed and scaled). Not modified.
    labels : array of shape (n,)
        The partition, clusters numbered 0 .. k-1.
    n_boot : int, default 100
        Bootstrap resamples (clusterboot's ``B``); 0 returns empty results.
    runs : int, default 10
        k-means runs from fresh starts per resample, the best kept (clusterboot's ``runs``).
    bootmethod : {"boot"}, default "boot"
        Resampling scheme, named as clusterboot names it: the nonparametric bootstrap, its
        distinct points clustered once each (unweighted).
    init : {"fresh", "warm"}, default "fresh"
        ``"fresh"``: ``runs`` new starts from ``k`` random rows per resample, as clusterboot.
        ``"warm"``: one run per resample from ``centers``, about ten times faster, but it may
        overstate stability (see the module notes); the result's ``note`` says so.
    centers : array of shape (k, p), optional
        The partition's centroids; needed for ``init="warm"`` (default: the cluster means).
    dissolution, recover : float, default 0.5 and 0.75
        clusterboot's thresholds for counting a resample as dissolving (<=) or recovering (>)
        a cluster.
    n_jobs : int or None, default None
        Threads working through the resamples; 1: none (one after the other); -1: one per
        core; None (default): one per core for a matrix of :data:`THREADS_FROM_ROWS` rows
        or more, none below. The result does not depend on it.
    random_state : int, Generator, RandomState, SeedSequence or None
        Seed of the resampling and of the k-means starts.

    Returns
    -------
    ClusterbootResult
        ``bootresult`` (n_boot x k), ``bootmean``, ``bootbrd``, ``bootrecover``, ``labels``,
        ``note`` and ``to_frame()``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> Z = rng.normal(size=(60, 2))          # no cluster structure at all
    >>> labels = KMeans(3, n_init=10, random_state=0).fit(Z).labels_
    >>> result = clusterboot(Z, labels, n_boot=30, random_state=0)
    >>> bool(result.bootmean.max() < 0.85)
    True
    """
    if bootmethod not in BOOTMETHODS:
        raise ValueError(f"bootmethod must be one of {', '.join(BOOTMETHODS)}, not {bootmethod!r}")
    if init not in INITS:
        raise ValueError(f"init must be one of {', '.join(INITS)}, not {init!r}")
    for name, value, least in (("n_boot", n_boot, 0), ("runs", runs, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise ValueError(f"{name} must be a whole number of at least {least}, not {value!r}")
    Z = np.ascontiguousarray(Z, dtype=np.float64)
    labels = np.asarray(labels)
    if Z.ndim != 2 or labels.shape != (len(Z),):
        raise ValueError(f"Z must be 2-D with one label per row; got Z of shape {Z.shape} and "
                         f"{labels.shape[0] if labels.ndim else 0} labels")
    if not np.isfinite(Z).all():
        raise ValueError("Z holds missing or infinite values; clusterboot needs a complete numeric matrix")
    if len(labels) and (labels.min() < 0 or not np.issubdtype(labels.dtype, np.integer)):
        raise ValueError("labels must be whole numbers 0 .. k-1")
    labels = labels.astype(np.intp)
    k = int(labels.max()) + 1 if len(labels) else 0
    sizes = np.bincount(labels, minlength=k)
    if init == "warm":
        centers = (np.asarray(centers, dtype=np.float64) if centers is not None
                   else np.array([Z[labels == c].mean(axis=0) for c in range(k)]))
        if centers.shape != (k, Z.shape[1]):
            raise ValueError(f"centers must have shape {(k, Z.shape[1])}, not {centers.shape}")
    else:
        centers = None
    seeds = _seed_sequence(random_state).spawn(int(n_boot))
    n_jobs = threads_for(len(Z), n_jobs)
    one = functools.partial(_one_resample, Z, labels, k, centers, int(runs))
    # Silenced here, in the calling thread, for all the threads: catch_warnings is not thread-safe.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        jaccard = np.array(map_threads(one, seeds, n_jobs=n_jobs)).reshape(len(seeds), k)
    return ClusterbootResult(bootresult=jaccard, n_boot=int(n_boot), runs=int(runs) if init == "fresh" else 1,
                             init=init, bootmethod=bootmethod, dissolution=float(dissolution),
                             recover=float(recover), sizes=sizes)
