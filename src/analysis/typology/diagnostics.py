"""Diagnostics of a fit: the elbow of the k panel and JSON-ready values for the diagnostics file."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Recovery", "planted_recovery", "principal_map"]


def _elbow(ks, wss) -> int:
    """The k furthest from the chord joining the first and last points of the WSS curve."""
    ks = np.asarray(ks, float)
    w = np.asarray(wss, float)
    if len(ks) < 3 or w[0] == w[-1]:
        return int(ks[0])
    x = (ks - ks[0]) / (ks[-1] - ks[0])
    y = (w - w[-1]) / (w[0] - w[-1])
    return int(ks[np.argmax(np.abs(1 - x - y))])

def _version(module: str) -> str:
    return __import__(module).__version__


def _jsonable(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if not np.isfinite(value) else round(float(value), 6)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def principal_map(model, features: pd.DataFrame) -> dict:
    """The fitted typology's partnerships on the first two principal components of its space.

    Returns a dict with ``data`` (``partnership_id``, ``pc1``, ``pc2``, ``option``,
    ``cluster``), ``loadings`` (features x 2, scaled by the components' standard
    deviations) and ``explained_variance`` (two shares; 0 for a missing component).
    """
    from sklearn.decomposition import PCA

    place = model.place(features)
    Z = model.feature_space(features)
    n_comp = min(2, Z.shape[1])
    pca = PCA(n_components=n_comp).fit(Z)
    pcs = pca.transform(Z)
    if n_comp == 1:
        pcs = np.column_stack([pcs, np.zeros(len(pcs))])
    var = list(pca.explained_variance_ratio_) + [0.0] * (2 - n_comp)
    data = pd.DataFrame({"partnership_id": place["partnership_id"], "pc1": pcs[:, 0], "pc2": pcs[:, 1],
                         "option": place["option"], "cluster": place["cluster"]})
    load = pca.components_.T * np.sqrt(pca.explained_variance_)[None, :]
    if n_comp == 1:
        load = np.column_stack([load, np.zeros(len(load))])
    return {"data": data, "loadings": load, "explained_variance": (float(var[0]), float(var[1]))}


@dataclass(frozen=True)
class Recovery:
    """How well a typology recovers known options (the example's planted ones, or hand placements).

    ``n``: partnerships compared; ``ari``: adjusted Rand index of the clusters against the
    known options (1 the same partition, 0 chance); ``agreement``: the
    :class:`~analysis.agreement.AgreementResult` of the placed options against the known
    ones (accuracy, kappa, confusion).
    """

    n: int
    ari: float
    agreement: object


def planted_recovery(placements: pd.DataFrame, truth: pd.DataFrame) -> Recovery | None:
    """Compare placements (``partnership_id``, ``cluster``, ``option``) with known options
    (``partnership_id``, ``option``). None when no partnership is in both.

    Examples
    --------
    >>> place = pd.DataFrame({"partnership_id": ["a", "b", "c", "d"], "cluster": [0, 0, 1, 1],
    ...                       "option": ["fight", "fight", "exit", "exit"]})
    >>> truth = pd.DataFrame({"partnership_id": ["a", "b", "c", "d"],
    ...                       "option": ["fight", "fight", "exit", "adapt"]})
    >>> r = planted_recovery(place, truth)
    >>> r.n, round(r.ari, 3), r.agreement.accuracy
    (4, 0.571, 0.75)
    """
    from sklearn.metrics import adjusted_rand_score

    from analysis.agreement import agreement

    known = truth[["partnership_id", "option"]].rename(columns={"option": "planted"})
    m = placements.merge(known, on="partnership_id")
    if m.empty:
        return None
    ari = float(adjusted_rand_score(m["planted"], m["cluster"]))
    found = agreement(m[["partnership_id", "option"]].rename(columns={"partnership_id": "document_id",
                                                                      "option": "code"}),
                      m[["partnership_id", "planted"]].rename(columns={"partnership_id": "document_id",
                                                                       "planted": "code"}))
    return Recovery(n=len(m), ari=ari, agreement=found)
