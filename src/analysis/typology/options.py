"""Kahane's options: prototype partnerships and the matching of clusters to options."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from analysis.data.schema import OPTIONS
from analysis.typology.features import DOCUMENT_PREFIX, feature_options

__all__ = ["MIXED", "TWO_BY_TWO", "option_prototypes"]

#: The label of a cluster or partnership that cannot honestly be placed on one option.
MIXED = "mixed"
#: Where each option sits on Kahane's two questions (this toolkit's reading: adapting is
#: staying with the others, exiting is leaving on one's own).
TWO_BY_TWO = {"fight": ("can be changed", "alone"), "collaborate": ("can be changed", "with others"),
              "exit": ("cannot be changed", "alone"), "adapt": ("cannot be changed", "with others")}

def option_prototypes(columns, *, rates: np.ndarray, mapping: dict | None = None) -> pd.DataFrame:
    """A prototype partnership per option, in raw rates.

    The prototype of an option has a high rate on its own indicators and a typical rate
    on every other one. High: the median, over partnerships, of each partnership's
    highest indicator rate (how active a partnership typically is on the indicators it
    is most active on). Typical: the median of all rates, pooled over partnerships and
    indicators (often 0 when evidence is sparse). Pooling keeps an indicator with no
    signal from getting its own "high". Features that bear on no option sit at the
    typical rate in every prototype. Document-share features (``doc_*``) use the 90th
    and 50th percentiles of their own values.

    Examples
    --------
    >>> rates = np.array([[2.0, 0.0], [0.0, 2.0], [0.1, 0.1], [0.1, 0.1]])
    >>> option_prototypes(["lobbying_campaigns", "pooled_budgets"], rates=rates)
                 lobbying_campaigns  pooled_budgets
    fight                      1.05            0.10
    adapt                      0.10            0.10
    exit                       0.10            0.10
    collaborate                0.10            1.05
    """
    columns = [str(c) for c in columns]
    fopt = feature_options(columns, mapping)
    rates = np.asarray(rates, dtype=float)
    is_doc = np.array([c.startswith(DOCUMENT_PREFIX) for c in columns])
    evid = rates[:, ~is_doc] if (~is_doc).any() else np.zeros((max(len(rates), 1), 1))
    hi, lo = float(np.median(evid.max(axis=1))), float(np.median(evid))
    proto = np.empty((len(OPTIONS), len(columns)))
    for j, col in enumerate(columns):
        if is_doc[j]:
            h, lw = np.quantile(rates[:, j], 0.9), np.quantile(rates[:, j], 0.5)
        else:
            h, lw = hi, lo
        for i, opt in enumerate(OPTIONS):
            proto[i, j] = h if fopt.get(col) == opt else lw
    return pd.DataFrame(proto, index=list(OPTIONS), columns=columns)


def _assign_options(cost: np.ndarray, *, min_margin: float):
    """Match clusters to options: Hungarian first, then nearest, else mixed.

    The Hungarian algorithm matches clusters to options one-to-one (``min(k, 4)`` pairs).
    A matched option is kept when its prototype is nearer than every other prototype by
    the relative margin ``min_margin``. Otherwise (and for clusters left over when k > 4)
    the cluster takes its nearest prototype if that one is clear by the same margin (two
    clusters then share an option); else it is ``mixed``.
    """
    k = cost.shape[0]

    def margin(i, j):
        other = np.delete(cost[i], j).min() if cost.shape[1] > 1 else np.inf
        return 1.0 - cost[i, j] / other if other > 0 else 0.0

    rows, cols = linear_sum_assignment(cost)
    matched = np.full(k, -1)
    matched[rows] = cols
    options, how, margins = [], [], np.empty(k)
    for i in range(k):
        nearest = int(np.argmin(cost[i]))
        if matched[i] >= 0 and margin(i, matched[i]) >= min_margin:
            options.append(OPTIONS[matched[i]])
            how.append("hungarian")
            margins[i] = margin(i, matched[i])
        elif margin(i, nearest) >= min_margin:
            options.append(OPTIONS[nearest])
            how.append("nearest (option shared)")
            margins[i] = margin(i, nearest)
        else:
            options.append(MIXED)
            margins[i] = margin(i, nearest)
            how.append(f"mixed (margin {margins[i]:.2f} < {min_margin})")
    return options, matched, margins, np.array(how, dtype=object)


# --------------------------------------------------------------------------- estimator
