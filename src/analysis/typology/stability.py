"""Cluster stability in the manner of Hennig's ``clusterboot``: bootstrap Jaccard per cluster."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

__all__ = ["STABILITY_LABELS", "clusterboot", "stability_label"]

#: Hennig's labels for a cluster's mean bootstrap Jaccard, from the highest threshold down.
STABILITY_LABELS = ((0.85, "highly stable"), (0.75, "stable"), (0.6, "doubtful"), (-np.inf, "unstable"))


def stability_label(jaccard: float) -> str:
    """Hennig's label for a cluster's mean bootstrap Jaccard similarity.

    Examples
    --------
    >>> [stability_label(v) for v in (0.9, 0.8, 0.65, 0.3)]
    ['highly stable', 'stable', 'doubtful', 'unstable']
    """
    if not np.isfinite(jaccard):
        return "unknown"
    for threshold, label in STABILITY_LABELS:
        if jaccard >= threshold:
            return label
    return "unstable"  # pragma: no cover

def _kmeans(k, *, n_init, seed, init="k-means++", algorithm="lloyd"):
    return KMeans(n_clusters=k, n_init=n_init, init=init, random_state=seed, algorithm=algorithm)


def _fit_quiet(model, Z, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(Z, **kw)


def clusterboot(Z, labels, centers, *, n_bootstrap: int = 100, init: str = "warm", n_init: int = 1,
                random_state=None) -> dict:
    """Hennig-style bootstrap stability of a k-means partition (fast).

    Each resample draws n points with replacement. Only its distinct points are
    clustered, weighted by how often they were drawn (the same k-means result as
    clustering the duplicated rows, at about two thirds of the cost). For every
    original cluster, restricted to the distinct points of the resample, the best
    Jaccard similarity with a resample cluster is recorded.

    Parameters
    ----------
    Z : array of shape (n, p)
        The transformed and scaled features the partition was found in.
    labels : array of shape (n,)
        The partition (0 .. k-1).
    centers : array of shape (k, p)
        Its centroids (used as the start when ``init="warm"``).
    n_bootstrap : int, default 100
        Number of resamples.
    init : {"warm", "k-means++"}, default "warm"
        ``"warm"`` starts each resample's k-means from ``centers`` (one run, fastest);
        ``"k-means++"`` starts it afresh ``n_init`` times, as ``fpc::clusterboot`` does.
        A warm start can only find partitions near the original one, so it may read
        somewhat more stable than fresh starts; both are offered.
    n_init : int, default 1
        Restarts per resample with ``init="k-means++"``.
    random_state : int, Generator or RandomState, optional

    Returns
    -------
    dict
        ``jaccard``: array (n_bootstrap, k) of best Jaccard per resample and cluster;
        ``mean``: per-cluster mean; ``dissolved``: per-cluster share of resamples with
        Jaccard < 0.5; ``recovered``: share with Jaccard > 0.75.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> Z = np.vstack([rng.normal(0, 0.1, (20, 2)), rng.normal(3, 0.1, (20, 2))])
    >>> labels = np.repeat([0, 1], 20)
    >>> centers = np.array([[0.0, 0.0], [3.0, 3.0]])
    >>> clusterboot(Z, labels, centers, n_bootstrap=10, random_state=0)["mean"].round(2).tolist()
    [1.0, 1.0]
    """
    rs = check_random_state(random_state if not isinstance(random_state, np.random.Generator)
                            else int(random_state.integers(2**31 - 1)))
    Z = np.asarray(Z, dtype=float)
    labels = np.asarray(labels)
    centers = np.asarray(centers, dtype=float)
    n, k = len(Z), len(centers)
    jac = np.full((n_bootstrap, k), np.nan)
    for b in range(n_bootstrap):
        draw = rs.randint(0, n, size=n)
        counts = np.bincount(draw, minlength=n)
        distinct = np.flatnonzero(counts)
        if init == "warm":
            km = KMeans(n_clusters=k, init=centers, n_init=1, algorithm="lloyd")
        else:
            km = KMeans(n_clusters=k, init="k-means++", n_init=n_init, algorithm="lloyd",
                        random_state=int(rs.randint(2**31 - 1)))
        sub = Z[distinct]
        if len(distinct) < k:
            continue
        boot = _fit_quiet(km, sub, sample_weight=counts[distinct].astype(float)).labels_
        orig = labels[distinct]
        table = np.zeros((k, k))
        np.add.at(table, (orig, boot), 1.0)
        a = table.sum(1, keepdims=True)
        c = table.sum(0, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            j = table / (a + c - table)
        best = np.nanmax(np.where(np.isfinite(j), j, 0.0), axis=1)
        best[a[:, 0] == 0] = np.nan
        jac[b] = best
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(jac, axis=0) if n_bootstrap else np.full(k, np.nan)
        dissolved = np.nanmean(jac < 0.5, axis=0) if n_bootstrap else np.full(k, np.nan)
        recovered = np.nanmean(jac > 0.75, axis=0) if n_bootstrap else np.full(k, np.nan)
    return {"jaccard": jac, "mean": mean, "dissolved": dissolved, "recovered": recovered}
