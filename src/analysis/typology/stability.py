"""Cluster stability for the typology: the clusterboot-faithful bootstrap lives in :mod:`analysis.stability`.

This module keeps the typology's k-means helpers and the earlier dict-returning
:func:`clusterboot` signature for existing callers; both it and the estimator now compute
with :func:`analysis.stability.clusterboot`.
"""

from __future__ import annotations

import warnings

from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning

from analysis import stability
from analysis.stability import STABILITY_LABELS, stability_label

__all__ = ["STABILITY_LABELS", "clusterboot", "stability_label"]


def _kmeans(k, *, n_init, seed, init="k-means++", algorithm="lloyd"):
    return KMeans(n_clusters=k, n_init=n_init, init=init, random_state=seed, algorithm=algorithm)


def _fit_quiet(model, Z, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(Z, **kw)


def clusterboot(Z, labels, centers, *, n_bootstrap: int = 100, init: str = "warm", n_init: int = 1,
                random_state=None) -> dict:
    """Bootstrap stability of a k-means partition, as a dict (the earlier interface).

    Computed by :func:`analysis.stability.clusterboot` (distinct points of each resample,
    unweighted, as ``fpc::clusterboot``), which new code should call directly: it returns
    clusterboot's counts and labels too, and its default is the faithful ten fresh starts.

    Parameters
    ----------
    Z, labels, centers
        The matrix, the partition (0 .. k-1) and its centroids (the start when ``init="warm"``).
    n_bootstrap : int, default 100
        Number of resamples.
    init : {"warm", "k-means++", "fresh"}, default "warm"
        ``"warm"``: one run per resample from ``centers`` (fast; may overstate stability).
        ``"k-means++"`` (the earlier name) or ``"fresh"``: ``n_init`` fresh starts from
        ``k`` random rows per resample, as clusterboot (which runs 10).
    n_init : int, default 1
        Fresh starts per resample.
    random_state : int, Generator, RandomState or None

    Returns
    -------
    dict
        ``jaccard`` (n_bootstrap x k best Jaccard per resample and cluster), ``mean``,
        ``dissolved`` (share of resamples with Jaccard <= 0.5), ``recovered`` (share > 0.75).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> Z = np.vstack([rng.normal(0, 0.1, (20, 2)), rng.normal(3, 0.1, (20, 2))])
    >>> labels = np.repeat([0, 1], 20)
    >>> centers = np.array([[0.0, 0.0], [3.0, 3.0]])
    >>> clusterboot(Z, labels, centers, n_bootstrap=10, random_state=0)["mean"].round(2).tolist()
    [1.0, 1.0]
    """
    fresh = init in ("k-means++", "fresh")
    result = stability.clusterboot(Z, labels, n_boot=int(n_bootstrap), runs=int(n_init) if fresh else 1,
                                   init="fresh" if fresh else init, centers=None if fresh else centers,
                                   random_state=random_state)
    frame = result.to_frame()
    return {"jaccard": result.bootresult, "mean": result.bootmean,
            "dissolved": frame["share_dissolved"].to_numpy(), "recovered": frame["share_recovered"].to_numpy()}
