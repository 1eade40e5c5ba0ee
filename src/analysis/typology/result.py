"""The typology's result: the fitted model, its features and what the charts need, with the parameters."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.typology.diagnostics import principal_map
from analysis.typology.estimator import KahaneTypology
from analysis.typology.features import features_for

__all__ = ["DEFAULT_SEED", "TypologyResult", "fit_typology", "typology_result"]

#: The toolkit's default seed (the report's).
DEFAULT_SEED = 2010


@dataclass(frozen=True)
class TypologyResult:
    """A fitted typology and everything drawn from it.

    Attributes
    ----------
    model : KahaneTypology
        The fitted estimator (its ``placements_``, ``k_panel_``, ``stability_`` ...).
    features : pandas.DataFrame
        The raw features it was fitted on (rows: partnerships).
    placements : pandas.DataFrame
        ``model.place(features)``.
    principal_map : dict
        ``data``, ``loadings`` and ``explained_variance`` of the first two principal
        components (see :func:`analysis.typology.diagnostics.principal_map`).
    start, end : int or None
        The evidence window asked for (None: the dataset's activity years).
    random_state : int or None
        The seed of the fit.
    source : str
        The source line of the charts.
    """

    model: KahaneTypology
    features: pd.DataFrame
    placements: pd.DataFrame
    principal_map: dict = field(repr=False)
    start: int | None = None
    end: int | None = None
    random_state: int | None = DEFAULT_SEED
    source: str = ""


def typology_result(model: KahaneTypology, features: pd.DataFrame, *, start=None, end=None,
                    source: str = "") -> TypologyResult:
    """Wrap a fitted typology and its features in a :class:`TypologyResult` (no refit)."""
    return TypologyResult(model=model, features=features, placements=model.place(features),
                          principal_map=principal_map(model, features), start=start, end=end,
                          random_state=model.random_state, source=source)


def fit_typology(dataset, *, start: int | None = None, end: int | None = None,
                 random_state=DEFAULT_SEED, documents: pd.DataFrame | None = None,
                 **params) -> TypologyResult:
    """Compute the features of ``dataset`` over ``start``-``end``, fit the typology once.

    ``params`` go to :class:`KahaneTypology` (for example ``k=4`` or ``n_boot=0``).
    """
    features = features_for(dataset, documents=documents, start=start, end=end)
    model = KahaneTypology(random_state=random_state, **params).fit(features)
    return typology_result(model, features, start=start, end=end, source=f"{dataset.name}, evidence table")
