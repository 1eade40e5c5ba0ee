"""The Kahane typology: place every partnership on fight, adapt, exit or collaborate.

Framing
-------
Adam Kahane's practical question is what people can do when they face a situation
they will not accept. Two questions sort the answers. Can the situation be changed
at all? And if it can, can we change it by ourselves, or only with the others
involved? If it can be changed and we act on our own, or against the others, we
*fight* (lobbying, legal challenge, campaigning, unilateral pressure). If it can be
changed and we act with the others, we *collaborate* (coalitions, co-production,
joint commissioning, pooled budgets, prevention). If it cannot be changed, we either
stay and live with it, *adapt* (shared services and management, efficiency,
commercial ventures, outsourcing), or we leave it, *exit* (withdrawing a service,
leaving or dissolving a partnership, merging away).

Kahane offers these options as a way of thinking, not as a measure. **Turning them
into numbers, as this module does, is this toolkit's own construction**: we know of
no published study that has operationalised the four options. Read the placements
as a structured first reading to be checked against documents and local knowledge.

Method
------
1. **Features** (:func:`compute_features`): for every partnership, each evidence
   indicator is summed over the years and divided by the years the partnership was
   active in the evidence window (:func:`years_active`), so long-lived partnerships are
   not favoured. Optionally, document-coding shares (``doc_fight`` ...) are joined.
2. **One pipeline from raw features to clusters** (``KahaneTypology.pipeline_``):
   drop indicators present for almost nobody, transform (inverse hyperbolic sine by
   default; ``log1p``; none), scale (range 0-1 or z-scores), k-means. The k panel is
   computed on exactly the transformed and scaled matrix the final k-means sees, with
   the same k-means settings, so the chosen k and the final model live in one space.
3. **Choosing k** with a panel: within-cluster sum of squares (elbow, found as the
   point furthest from the chord of the curve), mean silhouette, gap statistic with
   the one-standard-error rule, Calinski-Harabasz and Davies-Bouldin. ``k="auto"``
   takes the k that most of the five criteria choose (votes for k = 1 by the gap
   statistic are reported but cannot win); a tie goes to the tied k with the highest
   mean silhouette.
4. **k-means** with ``n_init`` restarts (k-means++) under the seed, recording the
   algorithm used; Ward clustering (on a subsample when the data is large) and a
   Gaussian mixture are fitted as alternatives and compared by adjusted Rand index.
5. **Stability** in the manner of Hennig's ``clusterboot``: bootstrap resamples are
   re-clustered and each original cluster's best Jaccard similarity with a resample
   cluster is averaged (on the distinct points of the resample); clusters are labelled
   highly stable (>= 0.85), stable (>= 0.75), doubtful (>= 0.6) or unstable. Also the
   adjusted Rand index of fits under other seeds and of fits on 80% subsamples.
6. **Options**: a prototype partnership per option (high rates on the option's own
   indicators, typical rates on the others, see :func:`option_prototypes`) is mapped
   into the same space; clusters are matched to options by the Hungarian algorithm on
   centroid-to-prototype distance (rectangular when k is not 4; clusters left over take
   their nearest prototype). A cluster whose assigned prototype is not clearly nearer
   than every other (relative margin below ``min_margin``) is called ``mixed``.

Examples
--------
>>> import pandas as pd
>>> own = {"fight": ["lobbying_campaigns", "legal_challenges"],
...        "adapt": ["shared_services", "shared_management"],
...        "exit": ["services_withdrawn", "partnerships_left"],
...        "collaborate": ["pooled_budgets", "joint_commissioning"]}
>>> evidence = pd.DataFrame(
...     [(f"{option[:2]}{i}", indicator, 8 + i)
...      for option, indicators in own.items() for i in (1, 2) for indicator in indicators],
...     columns=["partnership_id", "indicator", "value"])
>>> partnerships = pd.DataFrame({"partnership_id": evidence["partnership_id"].unique(),
...                              "established": 2010, "dissolved": None})
>>> X = compute_features(evidence, partnerships, end_year=2019)
>>> model = KahaneTypology(k=4, n_bootstrap=0, n_seeds=0, n_subsamples=0,
...                        alternatives=False, random_state=0).fit(X)
>>> model.placements_["option"].tolist()
['fight', 'fight', 'adapt', 'adapt', 'exit', 'exit', 'collaborate', 'collaborate']
"""

from __future__ import annotations

import functools
import platform
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.mixture import GaussianMixture
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from analysis.data.schema import INDICATOR_OPTIONS, OPTIONS
from analysis.errors import InputError

__all__ = [
    "DOCUMENT_PREFIX",
    "MIXED",
    "SCORE_COLUMNS",
    "STABILITY_LABELS",
    "TRANSFORMS",
    "SCALINGS",
    "KahaneTypology",
    "TypologyInputError",
    "clusterboot",
    "compute_features",
    "council_features",
    "feature_options",
    "indicator_options",
    "option_prototypes",
    "stability_label",
    "features_for",
    "standard_charts",
    "summary_markdown",
    "typology_charts",
    "TWO_BY_TWO",
    "years_active",
]

#: The label of a cluster or partnership that cannot honestly be placed on one option.
MIXED = "mixed"
#: Transformations of the rates, by name.
TRANSFORMS = ("asinh", "log1p", "none")
#: Scalings of the transformed rates, by name.
SCALINGS = ("minmax", "zscore")
#: Prefix of document-coding features (``doc_fight`` ...).
DOCUMENT_PREFIX = "doc_"
#: Per-option score columns of the placements, in the fixed option order.
SCORE_COLUMNS = tuple(f"score_{o}" for o in OPTIONS)
#: Hennig's labels for a cluster's mean bootstrap Jaccard, from the highest threshold down.
STABILITY_LABELS = ((0.85, "highly stable"), (0.75, "stable"), (0.6, "doubtful"), (-np.inf, "unstable"))


class TypologyInputError(InputError, ValueError):
    """Input the typology cannot cluster honestly (exit code 2 on the command line).

    Also a :class:`ValueError`, as scikit-learn expects of an estimator's ``fit``.
    """


# --------------------------------------------------------------------------- features


def indicator_options() -> dict:
    """The indicator -> option mapping: the codebook's if it loads, else the schema's.

    Examples
    --------
    >>> indicator_options()["pooled_budgets"]
    'collaborate'
    """
    return dict(_indicator_options_cached())


@functools.lru_cache(maxsize=1)
def _indicator_options_cached() -> tuple:
    # The shipped codebook must load: a broken one is an installation error, reported as
    # such (an InputError naming the file and line) rather than hidden by a fallback.
    from analysis.codebook import load_codebook

    mapping = dict(load_codebook().indicator_options)
    return tuple(mapping.items()) if mapping else tuple(INDICATOR_OPTIONS.items())


def feature_options(columns, mapping: dict | None = None) -> dict:
    """Map feature names to options: evidence indicators by ``mapping``, ``doc_<option>`` by name.

    Features that bear on no option are left out.

    Examples
    --------
    >>> feature_options(["lobbying_campaigns", "doc_exit", "meetings"])
    {'lobbying_campaigns': 'fight', 'doc_exit': 'exit'}
    """
    mapping = indicator_options() if mapping is None else mapping
    out = {}
    for col in columns:
        name = str(col)
        if name in mapping and mapping[name] in OPTIONS:
            out[name] = mapping[name]
        elif name.startswith(DOCUMENT_PREFIX) and name[len(DOCUMENT_PREFIX):] in OPTIONS:
            out[name] = name[len(DOCUMENT_PREFIX):]
    return out


def years_active(partnerships: pd.DataFrame, *, start_year: int | None = None,
                 end_year: int) -> pd.Series:
    """Years each partnership was active inside the evidence window, at least 1.

    A partnership counts from ``max(established, start_year)`` to ``dissolved`` (or
    ``end_year`` while it is still running, or if it was dissolved after it), both years
    included. Missing ``established`` counts from ``start_year`` (or ``end_year``).
    The input is not changed.

    Parameters
    ----------
    partnerships : pandas.DataFrame
        With ``partnership_id``, ``established`` and optionally ``dissolved``.
    start_year : int, optional
        First year of the evidence window (the first year of the activity table).
    end_year : int
        Last year of the evidence window (the last year of the activity table).

    Examples
    --------
    >>> p = pd.DataFrame({"partnership_id": ["A", "B"], "established": [2004, 2015],
    ...                   "dissolved": [None, 2016]})
    >>> years_active(p, start_year=2010, end_year=2023).tolist()
    [14, 2]
    """
    frame = partnerships.set_index("partnership_id")
    est = pd.to_numeric(frame.get("established"), errors="coerce").astype(float)
    lower = est if start_year is None else est.clip(lower=start_year)
    lower = lower.fillna(start_year if start_year is not None else end_year)
    if "dissolved" in frame:
        end = pd.to_numeric(frame["dissolved"], errors="coerce").astype(float)
        end = end.fillna(end_year).clip(upper=end_year)
    else:
        end = pd.Series(float(end_year), index=frame.index)
    years = (end - lower + 1).clip(lower=1)
    return years.astype(int).rename("years_active")


def _window(partnerships, activity, evidence, start_year, end_year):
    """The evidence window: parameters first, then the activity table, then the evidence years."""
    for frame in (activity, evidence):
        if frame is not None and "year" in frame and frame["year"].notna().any():
            years = pd.to_numeric(frame["year"], errors="coerce").dropna()
            start_year = int(years.min()) if start_year is None else start_year
            end_year = int(years.max()) if end_year is None else end_year
    if end_year is None:
        candidates = pd.concat([pd.to_numeric(partnerships.get(c), errors="coerce")
                                for c in ("established", "dissolved") if c in partnerships])
        if candidates.notna().any():
            end_year = int(candidates.max())
        else:
            raise TypologyInputError("cannot tell the years partnerships were active: give end_year "
                                     "(the last year the evidence covers)")
    return start_year, end_year


def compute_features(evidence: pd.DataFrame, partnerships: pd.DataFrame, *,
                     start_year: int | None = None, end_year: int | None = None,
                     activity: pd.DataFrame | None = None,
                     documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Evidence rates per year active: one row per partnership, one column per indicator.

    Values of an indicator are summed over the years (and any repeated rows) and divided
    by :func:`years_active`. Partnerships with no evidence rows get zeros; evidence rows
    of unknown partnerships are ignored. The evidence window is ``start_year`` to
    ``end_year``; when not given, the first and last years of ``activity`` (else of the
    evidence's ``year`` column; else no lower bound and the last established or dissolved
    year). The window is stored in ``result.attrs["window"]``. Inputs are not changed.

    Parameters
    ----------
    evidence : pandas.DataFrame
        Long: ``partnership_id``, ``indicator``, ``value`` (optional ``year``).
    partnerships : pandas.DataFrame
        ``partnership_id``, ``established``, ``dissolved``.
    start_year, end_year : int, optional
        The evidence window (see above).
    activity : pandas.DataFrame, optional
        The activity table, used only for its years.
    documents : pandas.DataFrame, optional
        Per-partnership document-coding shares with ``partnership_id`` and some of
        fight, adapt, exit, collaborate; joined as ``doc_<option>`` columns. Partnerships
        without coded documents get the mean share (a neutral value, not zero).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``partnership_id`` (in the order of ``partnerships``), indicator
        columns sorted by option then name.

    Examples
    --------
    >>> ev = pd.DataFrame({"partnership_id": ["A", "A", "B"], "year": [2019, 2020, 2020],
    ...                    "indicator": ["pooled_budgets"] * 3, "value": [2, 2, 1]})
    >>> p = pd.DataFrame({"partnership_id": ["A", "B"], "established": [2019, 2020],
    ...                   "dissolved": [None, None]})
    >>> compute_features(ev, p)["pooled_budgets"].to_dict()
    {'A': 2.0, 'B': 1.0}
    """
    for name, frame, cols in (("evidence", evidence, ("partnership_id", "indicator", "value")),
                              ("partnerships", partnerships, ("partnership_id",))):
        missing = [c for c in cols if c not in frame]
        if missing:
            raise TypologyInputError(f"missing column(s) {missing} in {name}; columns present: "
                                     f"{list(frame.columns)}")
    if partnerships["partnership_id"].duplicated().any():
        dup = partnerships.loc[partnerships["partnership_id"].duplicated(), "partnership_id"].iloc[0]
        raise TypologyInputError(f"partnership_id {dup!r} appears twice in partnerships")
    start_year, end_year = _window(partnerships, activity, evidence, start_year, end_year)
    ids = partnerships["partnership_id"].astype(str)
    ev = evidence.assign(partnership_id=evidence["partnership_id"].astype(str),
                         value=pd.to_numeric(evidence["value"], errors="coerce"))
    ev = ev[ev["value"].notna() & ev["partnership_id"].isin(set(ids))]
    if (ev["value"] < 0).any():
        bad = ev.loc[ev["value"] < 0].iloc[0]
        raise TypologyInputError(f"negative evidence value {bad['value']} for {bad['partnership_id']} "
                                 f"({bad['indicator']}); evidence values are counts")
    mapping = indicator_options()
    indicators = sorted(ev["indicator"].astype(str).unique(),
                        key=lambda i: (OPTIONS.index(mapping[i]) if i in mapping else len(OPTIONS), i))
    counts = (ev.groupby(["partnership_id", "indicator"])["value"].sum().unstack("indicator")
              .reindex(index=ids, columns=indicators).fillna(0.0).astype(float))
    years = years_active(partnerships.assign(partnership_id=ids), start_year=start_year,
                         end_year=end_year).reindex(ids)
    rates = counts.div(years.to_numpy(), axis=0)
    rates.index.name = "partnership_id"
    rates.columns.name = None
    if documents is not None:
        rates = rates.join(_document_features(documents, ids))
    rates.attrs["window"] = {"start_year": start_year, "end_year": end_year}
    return rates


def _document_features(documents: pd.DataFrame, ids) -> pd.DataFrame:
    if "partnership_id" not in documents:
        raise TypologyInputError("documents= needs a partnership_id column and option shares "
                                 f"({', '.join(OPTIONS)}); columns present: {list(documents.columns)}")
    cols = [o for o in OPTIONS if o in documents]
    if not cols:
        raise TypologyInputError(f"documents= has none of the option columns {OPTIONS}")
    shares = documents.assign(partnership_id=documents["partnership_id"].astype(str))
    shares = shares.groupby("partnership_id")[cols].mean().reindex(ids)
    shares = shares.fillna(shares.mean()).fillna(0.0)
    return shares.rename(columns={c: f"{DOCUMENT_PREFIX}{c}" for c in cols})


def council_features(features: pd.DataFrame, links: pd.DataFrame, *,
                     by: str = "lead_council_code") -> pd.DataFrame:
    """Aggregate partnership features to councils: the mean rate of each council's partnerships.

    Parameters
    ----------
    features : pandas.DataFrame
        From :func:`compute_features` (indexed by ``partnership_id``).
    links : pandas.DataFrame
        ``partnership_id`` and the column ``by`` (the partnerships table with
        ``lead_council_code``, or memberships with ``council_code``).
    by : str, default "lead_council_code"
        The council column of ``links``.

    Examples
    --------
    >>> f = pd.DataFrame({"pooled_budgets": [1.0, 3.0, 5.0]},
    ...                  index=pd.Index(["A", "B", "C"], name="partnership_id"))
    >>> links = pd.DataFrame({"partnership_id": ["A", "B", "C"], "lead_council_code": ["X", "X", "Y"]})
    >>> council_features(f, links)["pooled_budgets"].tolist()
    [2.0, 5.0]
    """
    if by not in links or "partnership_id" not in links:
        raise TypologyInputError(f"links needs columns partnership_id and {by!r}; "
                                 f"columns present: {list(links.columns)}")
    pairs = links[["partnership_id", by]].dropna().drop_duplicates()
    pairs = pairs.assign(partnership_id=pairs["partnership_id"].astype(str))
    joined = pairs.join(features, on="partnership_id", how="inner")
    out = joined.drop(columns="partnership_id").groupby(by).mean()
    out.index.name = by
    return out


# --------------------------------------------------------------------------- helpers


def _identity(x):
    return x


def _transformer(name: str) -> FunctionTransformer:
    funcs = {"asinh": (np.arcsinh, np.sinh), "log1p": (np.log1p, np.expm1), "none": (_identity, _identity)}
    func, inverse = funcs[name]
    return FunctionTransformer(func, inverse_func=inverse, check_inverse=False)


def _scaler(name: str):
    return MinMaxScaler() if name == "minmax" else StandardScaler()


def _take_columns(x, columns):
    return x[:, columns]


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


def _elbow(ks, wss) -> int:
    """The k furthest from the chord joining the first and last points of the WSS curve."""
    ks = np.asarray(ks, float)
    w = np.asarray(wss, float)
    if len(ks) < 3 or w[0] == w[-1]:
        return int(ks[0])
    x = (ks - ks[0]) / (ks[-1] - ks[0])
    y = (w - w[-1]) / (w[0] - w[-1])
    return int(ks[np.argmax(np.abs(1 - x - y))])


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


@dataclass
class _Timings:
    steps: dict = field(default_factory=dict)

    def tick(self, name, start):
        self.steps[name] = round(time.perf_counter() - start, 3)
        return time.perf_counter()


class KahaneTypology(ClusterMixin, BaseEstimator):
    """Cluster partnerships on their evidence and place the clusters on Kahane's options.

    Parameters
    ----------
    k : "auto" or int, default "auto"
        Number of clusters; ``"auto"`` chooses it with the k panel (see the module notes).
    transformation : {"asinh", "log1p", "none"}, default "asinh"
        Transformation of the rates before scaling (``--transform`` on the command line;
        not named ``transform`` because scikit-learn takes any estimator with a
        ``transform`` attribute for a transformer, which would break pipelines).
    scaling : {"minmax", "zscore"}, default "minmax"
        Scaling of the transformed rates.
    k_max : int, default 8
        Largest k in the panel (the panel runs from 2; the gap statistic also at 1).
    n_init : int, default 20
        k-means restarts, for the panel and for the final fit alike.
    n_bootstrap : int, default 100
        Bootstrap resamples for the cluster stability (0 to skip).
    bootstrap_init : {"warm", "k-means++"}, default "warm"
        How each resample is clustered (see :func:`clusterboot`).
    n_seeds : int, default 5
        Refits under other seeds, compared by adjusted Rand index (0 to skip).
    n_subsamples : int, default 10
        Refits on 80% subsamples, compared on all points by adjusted Rand index (0 to skip).
    n_gap_refs : int, default 10
        Uniform reference sets of the gap statistic.
    alternatives : bool, default True
        Also fit Ward clustering and a Gaussian mixture and compare them by ARI.
    min_margin : float, default 0.15
        A cluster is ``mixed`` unless its option's prototype is nearer than every other
        by at least this relative margin (1 - own distance / next distance).
    min_presence : float, default 0.01
        Indicators non-zero for a smaller share of partnerships are dropped (reported in
        ``dropped_features_``): a handful of partnerships would otherwise define a cluster.
    indicator_options : dict, optional
        Feature -> option mapping for the prototypes (default: the codebook's).
    silhouette_sample : int, default 4000
        The mean silhouette is computed on a seeded sample of at most this many points.
    n_threads : int or None, default 1
        Threads for k-means (OpenMP) and linear algebra during ``fit``; None leaves the
        libraries' defaults. One thread is the default because on a busy machine k-means
        threads waiting for each other made fitting about ten times slower (measured:
        KMeans with 20 restarts on 20,000 x 15, 6.2 s with two threads, 0.5 s with one).
        Results do not depend on it.
    random_state : int, RandomState or None, default None
        Seed of every random step; the same seed gives the same result.

    Attributes
    ----------
    k_ : int
        The number of clusters used.
    k_reason_ : str
        Why that k.
    k_panel_ : pandas.DataFrame
        Per k: wss, silhouette, gap, gap_se, calinski_harabasz, davies_bouldin.
    k_votes_ : dict
        The k each criterion chose.
    labels_ : ndarray
        Cluster of each training row (0 .. k-1).
    cluster_centers_ : ndarray
        Centroids in the transformed and scaled space.
    pipeline_ : sklearn.pipeline.Pipeline
        Column selection, transform, scaling and k-means: raw features to clusters.
    algorithm_ : str
        The clustering algorithm actually used, with its settings.
    prototypes_ : pandas.DataFrame
        Option prototypes in raw rates (rows: options).
    cost_matrix_ : pandas.DataFrame
        Distance from every centroid (rows) to every prototype (columns), scaled space.
    assignment_ : pandas.DataFrame
        Per cluster: size, option, matched by, margin, stability.
    option_map_ : dict
        Cluster -> option (or ``"mixed"``).
    stability_ : pandas.DataFrame
        Per cluster: mean bootstrap Jaccard, its label, share dissolved and recovered.
    stability_summary_ : dict
        ARI across seeds and across subsamples (each a list and its minimum and mean).
    alternatives_ : pandas.DataFrame
        Ward and Gaussian mixture partitions compared with k-means by ARI.
    index_scores_ : pandas.DataFrame
        Cluster mean / overall mean x 100 per feature (rows: clusters).
    top_indicators_ : pandas.DataFrame
        The three most distinguishing features of each cluster (highest index scores).
    placements_ : pandas.DataFrame
        One row per training partnership (see :meth:`place`).
    dropped_features_ : dict
        Feature -> why it was dropped.
    features_used_ : list of str
        Features that entered the clustering.

    Examples
    --------
    >>> X = pd.DataFrame({"lobbying_campaigns": [3, 3.2, 0, 0.1, 0, 0],
    ...                   "pooled_budgets": [0, 0.1, 3, 3.1, 0, 0.1],
    ...                   "shared_services": [0, 0, 0.1, 0, 3, 2.9]},
    ...                  index=pd.Index(list("ABCDEF"), name="partnership_id"))
    >>> model = KahaneTypology(k=3, n_bootstrap=0, n_seeds=0, n_subsamples=0,
    ...                        alternatives=False, random_state=0).fit(X)
    >>> sorted(model.option_map_.values())
    ['adapt', 'collaborate', 'fight']
    """

    def __init__(self, k="auto", *, transformation="asinh", scaling="minmax", k_max=8, n_init=20,
                 n_bootstrap=100, bootstrap_init="warm", n_seeds=5, n_subsamples=10, n_gap_refs=10,
                 alternatives=True, min_margin=0.15, min_presence=0.01, indicator_options=None,
                 silhouette_sample=4000, n_threads=1, random_state=None):
        self.k = k
        self.transformation = transformation
        self.scaling = scaling
        self.k_max = k_max
        self.n_init = n_init
        self.n_bootstrap = n_bootstrap
        self.bootstrap_init = bootstrap_init
        self.n_seeds = n_seeds
        self.n_subsamples = n_subsamples
        self.n_gap_refs = n_gap_refs
        self.alternatives = alternatives
        self.min_margin = min_margin
        self.min_presence = min_presence
        self.indicator_options = indicator_options
        self.silhouette_sample = silhouette_sample
        self.n_threads = n_threads
        self.random_state = random_state

    # ----------------------------------------------------------------- checks

    def _check_params(self):
        if self.transformation not in TRANSFORMS:
            raise TypologyInputError(f"transformation must be one of {', '.join(TRANSFORMS)}, not {self.transformation!r}")
        if self.scaling not in SCALINGS:
            raise TypologyInputError(f"scaling must be one of {', '.join(SCALINGS)}, not {self.scaling!r}")
        if not (self.k == "auto" or (isinstance(self.k, (int, np.integer)) and not isinstance(self.k, bool)
                                     and self.k >= 1)):
            raise TypologyInputError(f"k must be 'auto' or a whole number of at least 1, not {self.k!r}")
        if self.bootstrap_init not in ("warm", "k-means++"):
            raise TypologyInputError(f"bootstrap_init must be 'warm' or 'k-means++', not {self.bootstrap_init!r}")
        for name in ("n_init", "k_max"):
            if int(getattr(self, name)) < 1:
                raise TypologyInputError(f"{name} must be at least 1, not {getattr(self, name)!r}")
        for name in ("n_bootstrap", "n_seeds", "n_subsamples", "n_gap_refs"):
            if int(getattr(self, name)) < 0:
                raise TypologyInputError(f"{name} must be 0 or more, not {getattr(self, name)!r}")

    def _select_features(self, X, names):
        n = len(X)
        dropped = {}
        keep = []
        presence = (X != 0).mean(axis=0)
        spread = X.max(axis=0) - X.min(axis=0)
        for j, name in enumerate(names):
            if spread[j] == 0:
                dropped[name] = "the same value for every partnership"
            elif presence[j] < self.min_presence:
                dropped[name] = (f"non-zero for only {int(round(presence[j] * n))} of {n} partnerships "
                                 f"(under {self.min_presence:.0%})")
            else:
                keep.append(j)
        if not keep:
            if not np.any(X):
                raise TypologyInputError(
                    "all evidence values are zero: there is nothing to cluster. Check that the "
                    "evidence table holds counts for these partnerships")
            raise TypologyInputError(
                "no indicator is left to cluster on: " + "; ".join(f"{k}: {v}" for k, v in dropped.items()))
        return keep, dropped

    # ----------------------------------------------------------------- fit

    def fit(self, X, y=None):
        """Fit the typology on raw features (rows: partnerships; columns: rates).

        Parameters
        ----------
        X : pandas.DataFrame or array of shape (n_partnerships, n_features)
            Raw rates, as from :func:`compute_features`. Non-negative for ``log1p``.
        y : ignored

        Returns
        -------
        self
        """
        self._check_params()
        if self.n_threads is None:
            return self._fit(X)
        with threadpool_limits(limits=int(self.n_threads)):
            return self._fit(X)

    def _fit(self, X):
        timer = _Timings()
        t0 = start = time.perf_counter()
        ids = (X.index.astype(str).to_numpy() if isinstance(X, pd.DataFrame)
               else np.array([f"row{i}" for i in range(len(X))]))
        Xa = validate_data(self, X, dtype=np.float64, ensure_min_samples=1)
        names = [str(c) for c in getattr(self, "feature_names_in_", [f"x{j}" for j in range(Xa.shape[1])])]
        if self.transformation == "log1p" and (Xa < 0).any():
            raise TypologyInputError("transformation='log1p' needs non-negative rates; use 'asinh' for signed data")
        n = len(Xa)
        if n < 2:
            raise TypologyInputError(f"the typology needs at least 2 partnerships; got n_samples={n}")
        keep, dropped = self._select_features(Xa, names)
        self.dropped_features_ = dropped
        self.features_used_ = [names[j] for j in keep]
        prep = Pipeline([("select", FunctionTransformer(_take_columns, kw_args={"columns": keep})),
                         ("transform", _transformer(self.transformation)),
                         ("scale", _scaler(self.scaling))])
        Z = prep.fit_transform(Xa)
        n_distinct = len(np.unique(Z, axis=0))
        if self.k != "auto":
            k = int(self.k)
            if n < 2 * k:
                raise TypologyInputError(
                    f"too few partnerships for k={k}: {n} given, at least {2 * k} needed (two per "
                    f"cluster); lower --k or use --k auto")
            if n_distinct < k:
                raise TypologyInputError(
                    f"only {n_distinct} distinct evidence profile(s) among {n} partnerships: cannot "
                    f"form {k} clusters; lower --k")
        elif n < 6:
            raise TypologyInputError(f"too few partnerships to choose k: {n} given, at least 6 needed "
                                     f"(or give a fixed k)")
        rs = check_random_state(self.random_state)
        seeds = {name: int(rs.randint(2**31 - 1)) for name in
                 ("kmeans", "gap", "silhouette", "bootstrap", "seeds", "subsamples", "alternatives")}
        self.seed_ = seeds["kmeans"]
        start = timer.tick("prepare", start)

        # The k panel, in exactly the space of the final fit and with its k-means settings.
        if self.k == "auto":
            ks = list(range(2, max(2, min(int(self.k_max), n // 2, n_distinct - 1)) + 1))
            if n_distinct < 3 or not ks:
                raise TypologyInputError(
                    f"only {n_distinct} distinct evidence profile(s): there is no cluster structure "
                    f"to find; give a fixed k or more data")
        else:
            ks = [int(self.k)]
        panel, models = self._k_panel(Z, ks, seeds)
        self.k_panel_ = panel
        start = timer.tick("k_panel", start)
        if self.k == "auto":
            self.k_, self.k_votes_, self.k_reason_ = self._choose_k(panel)
        else:
            self.k_ = int(self.k)
            self.k_votes_ = {}
            self.k_reason_ = f"k = {self.k_} was given (the panel is reported for it only)"
        km = models[self.k_]
        if self.k_ == 1 or len(np.unique(km.labels_)) < self.k_:
            if self.k_ > 1:
                raise TypologyInputError(f"k-means found fewer than {self.k_} distinct clusters; lower k")
        self.pipeline_ = Pipeline([*prep.steps, ("cluster", km)])
        self.labels_ = km.labels_.astype(int)
        self.cluster_centers_ = km.cluster_centers_
        self.inertia_ = float(km.inertia_)
        self.n_iter_ = int(km.n_iter_)
        self.algorithm_ = (f"sklearn.cluster.KMeans(algorithm='{km.algorithm}', init='k-means++', "
                           f"n_init={self.n_init}, random_state={self.seed_}); scikit-learn "
                           f"{_version('sklearn')}")
        self.n_features_used_ = len(keep)

        # Options.
        Xk = Xa[:, keep]
        mapping = self.indicator_options if self.indicator_options is not None else indicator_options()
        self.prototypes_ = option_prototypes(self.features_used_, rates=Xk, mapping=mapping)
        proto_z = prep.transform(_embed(self.prototypes_.to_numpy(), keep, Xa.shape[1]))
        cost = np.sqrt(((self.cluster_centers_[:, None, :] - proto_z[None, :, :]) ** 2).sum(-1))
        self.prototypes_scaled_ = pd.DataFrame(proto_z, index=list(OPTIONS), columns=self.features_used_)
        self.cost_matrix_ = pd.DataFrame(cost, index=pd.RangeIndex(self.k_, name="cluster"),
                                         columns=list(OPTIONS))
        options, matched, margins, how = _assign_options(cost, min_margin=self.min_margin)
        self.option_map_ = {int(c): options[c] for c in range(self.k_)}
        start = timer.tick("options", start)

        # Stability.
        boot = clusterboot(Z, self.labels_, self.cluster_centers_, n_bootstrap=int(self.n_bootstrap),
                           init=self.bootstrap_init, random_state=seeds["bootstrap"])
        self.bootstrap_jaccard_ = boot["jaccard"]
        self.stability_ = pd.DataFrame({
            "cluster": range(self.k_), "jaccard_mean": boot["mean"],
            "stability": [stability_label(v) for v in boot["mean"]],
            "share_dissolved": boot["dissolved"], "share_recovered": boot["recovered"]})
        start = timer.tick("bootstrap", start)
        self.stability_summary_ = self._seed_and_subsample_ari(Z, seeds)
        start = timer.tick("seeds_subsamples", start)
        self.alternatives_ = self._alternatives(Z, seeds) if self.alternatives else pd.DataFrame(
            columns=["method", "ari_with_kmeans", "n_points", "note"])
        start = timer.tick("alternatives", start)

        sizes = np.bincount(self.labels_, minlength=self.k_)
        self.assignment_ = pd.DataFrame({
            "cluster": range(self.k_), "size": sizes, "option": options,
            "nearest_prototype": [OPTIONS[int(np.argmin(cost[c]))] for c in range(self.k_)],
            "matched_option": [OPTIONS[m] if m >= 0 else "" for m in matched], "matched_by": how,
            "margin": margins, "jaccard_mean": boot["mean"],
            "stability": self.stability_["stability"].to_numpy()})
        self._describe(Xa, keep)
        self._train_ids = ids
        self.placements_ = self.place(X)
        timer.tick("describe", start)
        timer.steps["total"] = round(time.perf_counter() - t0, 3)
        self.timings_ = timer.steps
        return self

    def _k_panel(self, Z, ks, seeds):
        rows, models = [], {}
        n = len(Z)
        sil_idx = None
        if n > self.silhouette_sample:
            sil_idx = np.random.RandomState(seeds["silhouette"]).choice(n, self.silhouette_sample, replace=False)
        gaps = self._gap(Z, ks, seeds) if (self.n_gap_refs and self.k == "auto") else {}
        for k in ks:
            km = _fit_quiet(_kmeans(k, n_init=int(self.n_init), seed=seeds["kmeans"]), Z)
            models[k] = km
            lab = km.labels_
            ok = 1 < len(np.unique(lab)) < n
            sil = (silhouette_score(Z if sil_idx is None else Z[sil_idx], lab if sil_idx is None else lab[sil_idx])
                   if ok and (sil_idx is None or len(np.unique(lab[sil_idx])) > 1) else np.nan)
            rows.append({"k": k, "wss": float(km.inertia_), "silhouette": float(sil),
                         "gap": gaps.get(k, (np.nan, np.nan))[0], "gap_se": gaps.get(k, (np.nan, np.nan))[1],
                         "calinski_harabasz": float(calinski_harabasz_score(Z, lab)) if ok else np.nan,
                         "davies_bouldin": float(davies_bouldin_score(Z, lab)) if ok else np.nan})
        panel = pd.DataFrame(rows)
        if 1 in gaps:
            panel = pd.concat([pd.DataFrame([{"k": 1, "wss": float(((Z - Z.mean(0)) ** 2).sum()),
                                              "gap": gaps[1][0], "gap_se": gaps[1][1]}]), panel],
                              ignore_index=True)
        return panel, models

    def _gap(self, Z, ks, seeds, max_points: int = 5000):
        """Gap statistic (Tibshirani, Walther and Hastie 2001), uniform reference over the data's box.

        Uses k-means with 3 restarts for the data and each reference set, at k = 1 .. max(ks) + 1.
        Above ``max_points`` partnerships, the data and the reference sets are a seeded sample of
        that size (uniform reference sets converge slowly; this keeps the panel fast).
        """
        rs = np.random.RandomState(seeds["gap"])
        if len(Z) > max_points:
            Z = Z[np.sort(rs.choice(len(Z), max_points, replace=False))]
        lo, hi = Z.min(0), Z.max(0)
        kk = list(range(1, max(ks) + 2))

        def logw(data, k, seed):
            if k == 1:
                return np.log(((data - data.mean(0)) ** 2).sum())
            return np.log(_fit_quiet(_kmeans(k, n_init=3, seed=seed), data).inertia_)

        obs = {k: logw(Z, k, seeds["gap"]) for k in kk if k <= len(np.unique(Z, axis=0))}
        refs = np.array([[logw(rs.uniform(lo, hi, size=Z.shape), k, int(rs.randint(2**31 - 1)))
                          for k in obs] for _ in range(int(self.n_gap_refs))])
        out = {}
        for i, k in enumerate(obs):
            gap = refs[:, i].mean() - obs[k]
            se = refs[:, i].std() * np.sqrt(1 + 1 / len(refs))
            out[k] = (float(gap), float(se))
        return out

    def _choose_k(self, panel):
        p = panel[panel["k"] >= 2].reset_index(drop=True)
        votes = {}
        votes["elbow (wss)"] = _elbow(p["k"], p["wss"])
        if p["silhouette"].notna().any():
            votes["silhouette (max)"] = int(p.loc[p["silhouette"].idxmax(), "k"])
        if p["calinski_harabasz"].notna().any():
            votes["calinski_harabasz (max)"] = int(p.loc[p["calinski_harabasz"].idxmax(), "k"])
        if p["davies_bouldin"].notna().any():
            votes["davies_bouldin (min)"] = int(p.loc[p["davies_bouldin"].idxmin(), "k"])
        g = panel.dropna(subset=["gap"]).set_index("k")
        if len(g) > 1:
            gap_k = None
            for k in g.index[:-1]:
                if k + 1 in g.index and g.loc[k, "gap"] >= g.loc[k + 1, "gap"] - g.loc[k + 1, "gap_se"]:
                    gap_k = int(k)
                    break
            votes["gap (1-SE rule)"] = gap_k if gap_k is not None else int(g.index[-2])
        eligible = [v for v in votes.values() if v >= 2]
        tally = pd.Series(eligible).value_counts()
        top = tally[tally == tally.max()].index.tolist()
        sil = p.set_index("k")["silhouette"]
        k = int(max(top, key=lambda kk: (np.nan_to_num(sil.get(kk, np.nan), nan=-2), -kk)))
        reason = (f"k = {k}: chosen by {int(tally[k])} of {len(votes)} criteria ("
                  + ", ".join(f"{name}: {v}" for name, v in votes.items()) + ")")
        if len(top) > 1:
            reason += f"; tie between {sorted(int(t) for t in top)} broken by the highest mean silhouette"
        if votes.get("gap (1-SE rule)") == 1:
            reason += ("; note: the gap statistic finds no clear cluster structure (k = 1), so read the "
                       "clusters as a partition of a continuum")
        return k, {name: int(v) for name, v in votes.items()}, reason

    def _seed_and_subsample_ari(self, Z, seeds):
        out = {}
        rs = np.random.RandomState(seeds["seeds"])
        aris = []
        for _ in range(int(self.n_seeds)):
            km = _fit_quiet(_kmeans(self.k_, n_init=int(self.n_init), seed=int(rs.randint(2**31 - 1))), Z)
            aris.append(float(adjusted_rand_score(self.labels_, km.labels_)))
        out["ari_across_seeds"] = aris
        rs = np.random.RandomState(seeds["subsamples"])
        n = len(Z)
        m = max(self.k_, int(round(0.8 * n)))
        aris = []
        for _ in range(int(self.n_subsamples)):
            idx = rs.choice(n, m, replace=False)
            sub = Z[idx]
            if len(np.unique(sub, axis=0)) < self.k_:
                continue
            km = _fit_quiet(_kmeans(self.k_, n_init=max(1, int(self.n_init) // 4),
                                    seed=int(rs.randint(2**31 - 1))), sub)
            aris.append(float(adjusted_rand_score(self.labels_, km.predict(Z))))
        out["ari_across_subsamples"] = aris
        for key in ("ari_across_seeds", "ari_across_subsamples"):
            vals = out[key]
            out[key.replace("ari", "min_ari")] = min(vals) if vals else None
            out[key.replace("ari", "mean_ari")] = float(np.mean(vals)) if vals else None
        out["subsample_share"] = 0.8
        return out

    def _alternatives(self, Z, seeds, max_ward: int = 3000):
        rows = []
        n = len(Z)
        if self.k_ < 2:
            return pd.DataFrame(columns=["method", "ari_with_kmeans", "n_points", "note"])
        idx = np.arange(n)
        note = "all points"
        if n > max_ward:
            idx = np.sort(np.random.RandomState(seeds["alternatives"]).choice(n, max_ward, replace=False))
            note = f"seeded subsample of {max_ward} points (Ward needs memory quadratic in n)"
        ward = AgglomerativeClustering(n_clusters=self.k_, linkage="ward").fit(Z[idx])
        rows.append({"method": "ward", "ari_with_kmeans": float(adjusted_rand_score(self.labels_[idx], ward.labels_)),
                     "n_points": len(idx), "note": note})
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                gm = GaussianMixture(n_components=self.k_, covariance_type="full", reg_covar=1e-4,
                                     random_state=seeds["alternatives"]).fit(Z)
            rows.append({"method": "gaussian_mixture", "ari_with_kmeans":
                         float(adjusted_rand_score(self.labels_, gm.predict(Z))), "n_points": n,
                         "note": "full covariance, k components, k-means start"})
        except (ValueError, np.linalg.LinAlgError) as exc:
            rows.append({"method": "gaussian_mixture", "ari_with_kmeans": np.nan, "n_points": n,
                         "note": f"did not fit: {exc}"})
        return pd.DataFrame(rows)

    def _describe(self, Xa, keep):
        raw = pd.DataFrame(Xa[:, keep], columns=self.features_used_)
        overall = raw.mean()
        means = raw.groupby(self.labels_).mean().reindex(range(self.k_))
        with np.errstate(divide="ignore", invalid="ignore"):
            index = means.div(overall.where(overall > 0)) * 100
        index.index.name = "cluster"
        self.cluster_means_ = means.rename_axis("cluster")
        self.index_scores_ = index
        rows = []
        for c in range(self.k_):
            top = index.loc[c].sort_values(ascending=False).head(3)
            for rank, (feat, val) in enumerate(top.items(), start=1):
                rows.append({"cluster": c, "option": self.option_map_[c], "rank": rank, "indicator": feat,
                             "index_score": float(val), "cluster_mean": float(means.loc[c, feat]),
                             "overall_mean": float(overall[feat])})
        self.top_indicators_ = pd.DataFrame(rows)

    # ----------------------------------------------------------------- use

    def feature_space(self, X):
        """The transformed and scaled features the clusters live in (array, n x features used)."""
        check_is_fitted(self, "pipeline_")
        Xa = validate_data(self, X, dtype=np.float64, reset=False)
        return self.pipeline_[:-1].transform(Xa)

    def centroid_distances(self, X):
        """Distance of each row to every cluster centroid (array, n x k).

        (The estimator has no ``transform`` method: ``transform`` names the rate
        transformation parameter.)
        """
        Z = self.feature_space(X)
        return np.sqrt(((Z[:, None, :] - self.cluster_centers_[None]) ** 2).sum(-1))

    def predict(self, X):
        """The nearest cluster of each row."""
        return self.centroid_distances(X).argmin(axis=1)

    def fit_predict(self, X, y=None):
        """Fit and return ``labels_``."""
        return self.fit(X).labels_

    def predict_option(self, X):
        """The option of each row (``mixed`` where it cannot be placed), as an array of str."""
        return self.place(X)["option"].to_numpy()

    def place(self, X) -> pd.DataFrame:
        """One row per partnership: cluster, option, confidence, distances and per-option scores.

        ``confidence`` is ``1 - distance_own / distance_second`` (0: halfway between two
        centroids; 1: on its centroid). ``option`` is the cluster's option, or ``mixed``
        when the cluster is mixed or the partnership has no evidence at all. The per-option
        scores are the shares of the partnership's transformed evidence that bear on each
        option (0 to 1; all 0 without evidence).
        """
        D = self.centroid_distances(X)
        Xa = validate_data(self, X, dtype=np.float64, reset=False)
        ids = (X.index.astype(str).to_numpy() if isinstance(X, pd.DataFrame)
               else np.array([f"row{i}" for i in range(len(Xa))]))
        order = np.argsort(D, axis=1, kind="stable")
        rows = np.arange(len(D))
        own = D[rows, order[:, 0]]
        second = D[rows, order[:, 1]] if D.shape[1] > 1 else np.full(len(D), np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            conf = np.where(second > 0, 1 - own / second, 0.0) if D.shape[1] > 1 else np.ones(len(D))
        cluster = order[:, 0]
        option = np.array([self.option_map_[int(c)] for c in cluster], dtype=object)
        scores = self._option_scores(Xa)
        no_evidence = ~np.any(Xa[:, self._keep_idx()] != 0, axis=1)
        option[no_evidence] = MIXED
        out = pd.DataFrame({"partnership_id": ids, "cluster": cluster.astype(int), "option": option,
                            "confidence": np.clip(conf, 0, 1), "distance_own": own, "distance_second": second})
        for col, o in zip(SCORE_COLUMNS, OPTIONS, strict=True):
            out[col] = scores[:, OPTIONS.index(o)]
        return out

    def _keep_idx(self):
        names = [str(c) for c in getattr(self, "feature_names_in_", [f"x{j}" for j in range(self.n_features_in_)])]
        return [names.index(f) for f in self.features_used_]

    def _option_scores(self, Xa):
        mapping = self.indicator_options if self.indicator_options is not None else indicator_options()
        fopt = feature_options(self.features_used_, mapping)
        T = self.pipeline_.named_steps["transform"].transform(Xa[:, self._keep_idx()])
        T = np.clip(T, 0, None)
        S = np.zeros((len(T), len(OPTIONS)))
        for j, f in enumerate(self.features_used_):
            if f in fopt:
                S[:, OPTIONS.index(fopt[f])] += T[:, j]
        total = S.sum(1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total > 0, S / np.where(total > 0, total, 1), 0.0)

    def nearest_neighbours(self, X, of, *, n: int = 5, n_drivers: int = 3) -> pd.DataFrame:
        """The ``n`` rows of ``X`` most similar to row ``of``, in the typology's space (CIPFA style).

        Distances are Euclidean in the transformed and scaled space. ``drivers`` names the
        features that contribute most to each distance (share of the squared distance), so
        a reader can see *why* two partnerships (or councils) are near or far.

        Parameters
        ----------
        X : pandas.DataFrame
            Raw features indexed by id (partnerships from :func:`compute_features`, or
            councils from :func:`council_features`), with the training columns.
        of : str
            The id to find neighbours for.
        n : int, default 5
        n_drivers : int, default 3

        Returns
        -------
        pandas.DataFrame
            ``id``, ``rank``, ``distance``, ``cluster``, ``option`` and ``drivers``.
        """
        if not isinstance(X, pd.DataFrame):
            raise TypologyInputError("nearest_neighbours needs a DataFrame indexed by id")
        ids = X.index.astype(str)
        if str(of) not in set(ids):
            raise TypologyInputError(f"{of!r} is not in the index of X ({len(ids)} rows; for example "
                                     f"{', '.join(ids[:3])})")
        Z = self.feature_space(X)
        i = int(np.flatnonzero(ids == str(of))[0])
        sq = (Z - Z[i]) ** 2
        dist = np.sqrt(sq.sum(1))
        dist_order = [j for j in np.argsort(dist, kind="stable") if j != i][:n]
        place = self.place(X)
        rows = []
        for rank, j in enumerate(dist_order, start=1):
            share = sq[j] / sq[j].sum() if sq[j].sum() > 0 else np.zeros(len(sq[j]))
            top = np.argsort(-share, kind="stable")[:n_drivers]
            drivers = ", ".join(f"{self.features_used_[t]} ({share[t]:.0%})" for t in top if share[t] > 0)
            rows.append({"id": ids[j], "rank": rank, "distance": float(dist[j]),
                         "cluster": int(place["cluster"].iloc[j]), "option": place["option"].iloc[j],
                         "drivers": drivers})
        return pd.DataFrame(rows)

    def diagnostics(self) -> dict:
        """Everything needed to judge the fit, as JSON-ready data."""
        check_is_fitted(self, "pipeline_")

        def records(frame):
            return [{k: _jsonable(v) for k, v in r.items()} for r in frame.to_dict("records")]

        return {
            "k": self.k_, "k_reason": self.k_reason_, "k_votes": self.k_votes_,
            "k_panel": records(self.k_panel_),
            "params": {k: _jsonable(v) for k, v in self.get_params().items()},
            "seed": _jsonable(self.random_state), "kmeans_seed": self.seed_, "algorithm": self.algorithm_,
            "n_iter": self.n_iter_, "inertia": self.inertia_,
            "features_used": self.features_used_, "dropped_features": self.dropped_features_,
            "prototypes_raw_rates": {o: {f: _jsonable(v) for f, v in row.items()}
                                     for o, row in self.prototypes_.iterrows()},
            "cost_matrix": {str(c): {o: _jsonable(v) for o, v in row.items()}
                            for c, row in self.cost_matrix_.iterrows()},
            "assignment": records(self.assignment_),
            "stability": records(self.stability_),
            "stability_summary": {k: _jsonable(v) for k, v in self.stability_summary_.items()},
            "bootstrap": {"n_bootstrap": int(self.n_bootstrap), "init": self.bootstrap_init},
            "alternatives": records(self.alternatives_),
            "top_indicators": records(self.top_indicators_),
            "versions": {"python": platform.python_version(), "numpy": np.__version__,
                         "pandas": pd.__version__, "scikit-learn": _version("sklearn"),
                         "scipy": _version("scipy"), "analysis": _version("analysis")},
        }


def _embed(rows, keep, width):
    """Put rows of the kept features back into a full-width matrix (other columns 0)."""
    out = np.zeros((len(rows), width))
    out[:, keep] = rows
    return out


def _version(module: str) -> str:
    try:
        return __import__(module).__version__
    except Exception:  # noqa: BLE001
        return "unknown"


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


# --------------------------------------------------------------------------- datasets


def features_for(dataset, *, documents: pd.DataFrame | None = None, start_year: int | None = None,
                 end_year: int | None = None) -> pd.DataFrame:
    """Features of a loaded dataset (see :func:`compute_features`).

    The evidence window comes from the ``activity`` table when the dataset has one.
    ``documents`` (per-partnership option shares from document coding) is joined only
    when given.
    """
    partnerships = dataset.require("partnerships", "the typology places partnerships")
    evidence = dataset.require("evidence", "the typology clusters partnerships on their evidence indicators")
    activity = dataset["activity"] if dataset.has("activity") else None
    if evidence.empty:
        raise TypologyInputError("the evidence table is empty: there is nothing to cluster")
    return compute_features(evidence, partnerships, start_year=start_year, end_year=end_year,
                            activity=activity, documents=documents)


def summary_markdown(model: KahaneTypology, *, dataset_name: str = "", window: dict | None = None) -> str:
    """A readable summary of a fitted typology (Markdown)."""
    check_is_fitted(model, "pipeline_")
    p = model.placements_
    lines = [f"# Kahane typology{': ' + dataset_name if dataset_name else ''}", ""]
    lines += ["Partnerships were clustered on their evidence rates per year active"
              + (f" ({window['start_year'] or 'from establishment'} to {window['end_year']})" if window else "")
              + f", transformed with `{model.transformation}` and scaled with `{model.scaling}`. "
              "Turning Kahane's four options into measurements is this toolkit's own construction; "
              "read the placements as a first reading to check against documents.", ""]
    lines += ["## Number of clusters", "", model.k_reason_ + ".", "",
              _md_table(model.k_panel_.round(3)), ""]
    lines += ["## Clusters and options", "",
              "Clusters are matched to options one-to-one by the Hungarian algorithm on the distances "
              "below; where that match is not clearly the nearest prototype, a cluster takes its nearest "
              f"prototype if that one is clear, and is `mixed` when no option is nearer than the next by "
              f"a relative margin of {model.min_margin}.", "",
              _md_table(model.assignment_.round(3)), "", "Distance from each centroid to each option prototype:",
              "", _md_table(model.cost_matrix_.round(3).reset_index()), ""]
    counts = p["option"].value_counts()
    lines += ["## Placements", "", _md_table(pd.DataFrame({
        "option": [*OPTIONS, MIXED], "partnerships": [int(counts.get(o, 0)) for o in (*OPTIONS, MIXED)]})),
        "", f"Median confidence: {p['confidence'].median():.2f} (1 - distance to own centroid / distance "
        "to the second nearest).", ""]
    s = model.stability_summary_
    lines += ["## Stability", "", f"Bootstrap ({model.n_bootstrap} resamples, {model.bootstrap_init} start): "
              "mean Jaccard per cluster (>= 0.85 highly stable, >= 0.75 stable, 0.6-0.75 doubtful, "
              "< 0.6 unstable).", "", _md_table(model.stability_.round(3)), ""]
    for key, label in (("ari_across_seeds", "other seeds"), ("ari_across_subsamples", "80% subsamples")):
        if s.get(key):
            lines.append(f"- Adjusted Rand index with {label}: min {s['min_' + key]:.3f}, "
                         f"mean {s['mean_' + key]:.3f} ({len(s[key])} fits).")
    if len(model.alternatives_):
        for r in model.alternatives_.itertuples():
            lines.append(f"- {r.method}: adjusted Rand index with k-means {r.ari_with_kmeans:.3f} ({r.note}).")
    lines += ["", "## Pen portraits", "",
              "Index score = cluster mean / overall mean x 100 (100 = average).", ""]
    for c in range(model.k_):
        top = model.top_indicators_[model.top_indicators_["cluster"] == c]
        parts = ", ".join(f"{r.indicator} ({r.index_score:.0f})" for r in top.itertuples())
        lines.append(f"- Cluster {c} ({model.option_map_[c]}, {int((model.labels_ == c).sum())} "
                     f"partnerships): highest {parts}.")
    if model.dropped_features_:
        lines += ["", "## Indicators left out", ""]
        lines += [f"- {k}: {v}" for k, v in model.dropped_features_.items()]
    lines += ["", f"Algorithm: {model.algorithm_}. Seed: {model.random_state}.", ""]
    return "\n".join(lines)


def _md_table(frame: pd.DataFrame) -> str:
    cols = [str(c) for c in frame.columns]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        out.append("| " + " | ".join("" if (isinstance(v, float) and not np.isfinite(v)) else str(v)
                                      for v in row) + " |")
    return "\n".join(out)


# --------------------------------------------------------------------------- charts

#: Where each option sits on Kahane's two questions (this toolkit's reading: adapting is
#: staying with the others, exiting is leaving on one's own).
TWO_BY_TWO = {"fight": ("can be changed", "alone"), "collaborate": ("can be changed", "with others"),
              "exit": ("cannot be changed", "alone"), "adapt": ("cannot be changed", "with others")}


def _cluster_label(model, c):
    return f"C{c} {model.option_map_[c]}"


def typology_charts(model: KahaneTypology, features: pd.DataFrame, *, source: str = "") -> list:
    """The standard charts of a fitted typology, as :class:`analysis.export.ChartSpec` objects.

    PCA map with loadings, option-profile heatmap of index scores, the k panel, the
    stability chart and Kahane's two-by-two with the clusters placed.
    """
    from sklearn.decomposition import PCA

    from analysis import plots
    from analysis.export import ChartSpec
    from analysis.style import subplots

    check_is_fitted(model, "pipeline_")
    specs = []
    place = model.place(features)
    levels = [o for o in (*OPTIONS, MIXED) if (place["option"] == o).any()]

    # 1. PCA map.
    Z = model.feature_space(features)
    n_comp = min(2, Z.shape[1])
    pca = PCA(n_components=n_comp).fit(Z)
    pcs = pca.transform(Z)
    if n_comp == 1:
        pcs = np.column_stack([pcs, np.zeros(len(pcs))])
    var = list(pca.explained_variance_ratio_) + [0.0] * (2 - n_comp)
    data = pd.DataFrame({"partnership_id": place["partnership_id"], "pc1": pcs[:, 0], "pc2": pcs[:, 1],
                         "option": place["option"], "cluster": place["cluster"]})
    fig, ax = subplots(size="govuk_square")
    plots.plot_scatter(data, x="pc1", y="pc2", hue="option", hue_order=levels, ax=ax, s=8, alpha=0.6)
    load = pca.components_.T * np.sqrt(pca.explained_variance_)[None, :]
    if n_comp == 1:
        load = np.column_stack([load, np.zeros(len(load))])
    span = np.abs(pcs).max() if len(pcs) else 1.0
    scale = 0.8 * span / max(np.abs(load).max(), 1e-12)
    strongest = np.argsort(-np.hypot(load[:, 0], load[:, 1]), kind="stable")[:8]
    for j in strongest:
        ax.annotate("", xy=(load[j, 0] * scale, load[j, 1] * scale), xytext=(0, 0),
                    arrowprops={"arrowstyle": "->", "color": "#505A5F", "lw": 0.8})
        ax.text(load[j, 0] * scale * 1.05, load[j, 1] * scale * 1.05, model.features_used_[j], fontsize=6,
                color="#0B0C0C")
    ax.set_xlabel(f"first principal component ({var[0]:.0%} of variance)")
    ax.set_ylabel(f"second principal component ({var[1]:.0%} of variance)")
    counts = place["option"].value_counts()
    specs.append(ChartSpec(
        name="typology_map", fig=fig,
        title="Partnerships form distinct groups by the kind of evidence they show",
        subtitle="Principal components of the transformed, scaled evidence rates; arrows: indicator loadings",
        source=source, data=data.round(6),
        alt_text=(f"Scatter plot of {len(data)} partnerships on the first two principal components, coloured "
                  "by option: " + ", ".join(f"{o} {int(counts.get(o, 0))}" for o in levels)
                  + ". Arrows show the eight indicators that load most on the two components.")))

    # 2. Option-profile heatmap of index scores.
    idx = model.index_scores_.copy()
    long = (idx.rename(index=lambda c: _cluster_label(model, c)).rename_axis("cluster").reset_index()
            .melt(id_vars="cluster", var_name="indicator", value_name="index_score"))
    fig, ax = subplots(size="govuk_square")
    plots.plot_heatmap(long, x="cluster", y="indicator", value="index_score",
                       x_order=[_cluster_label(model, c) for c in range(model.k_)],
                       y_order=model.features_used_, ax=ax)
    top = model.top_indicators_[model.top_indicators_["rank"] == 1]
    specs.append(ChartSpec(
        name="typology_profiles", fig=fig,
        title="Each cluster stands out on the indicators of one option",
        subtitle="Index score: cluster mean rate / overall mean rate x 100 (100 = average)",
        source=source, data=long.round(3),
        alt_text=("Heatmap of index scores, indicators by cluster. Highest index per cluster: "
                  + "; ".join(f"cluster {r.cluster} ({r.option}) {r.indicator} {r.index_score:.0f}"
                              for r in top.itertuples()) + ".")))

    # 3. The k panel.
    panel = model.k_panel_
    metrics = [("wss", "within-cluster sum of squares"), ("silhouette", "mean silhouette (higher better)"),
               ("gap", "gap statistic"), ("calinski_harabasz", "Calinski-Harabasz (higher better)"),
               ("davies_bouldin", "Davies-Bouldin (lower better)")]
    fig, axes = subplots(size="a4_tall", nrows=len(metrics), sharex=True)
    for ax, (col, label) in zip(np.atleast_1d(axes), metrics, strict=True):
        sub = panel[["k", col]].dropna()
        if len(sub):
            plots.plot_lines(sub, x="k", y=col, marker="o", ax=ax)
        ax.axvline(model.k_, color="#801650", linewidth=1, linestyle="--")
        ax.set_title(label, fontsize=8, loc="left")
        ax.set_ylabel("")
        ax.set_xlabel("")
    np.atleast_1d(axes)[-1].set_xlabel("number of clusters, k")
    long_panel = panel.melt(id_vars="k", var_name="criterion", value_name="value").dropna()
    specs.append(ChartSpec(
        name="typology_k_panel", fig=fig,
        title=f"The panel of criteria chooses {model.k_} clusters",
        subtitle="Five criteria for the number of clusters; dashed line: the k used",
        source=source, data=long_panel.round(6),
        alt_text=f"Five line charts of cluster-number criteria against k. {model.k_reason_}."))

    # 4. Stability.
    stab = model.stability_.assign(cluster_label=[_cluster_label(model, c) for c in range(model.k_)])
    fig, ax = subplots(size="govuk")
    if stab["jaccard_mean"].notna().any():
        plots.plot_bar(stab.fillna({"jaccard_mean": 0.0}), x="cluster_label", y="jaccard_mean", ax=ax)
    for thr, lab in STABILITY_LABELS[:-1]:
        ax.axhline(thr, color="#505A5F", linewidth=0.8, linestyle=":")
        ax.text(ax.get_xlim()[1], thr, f" {lab}", fontsize=7, va="center", color="#505A5F")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("mean bootstrap Jaccard")
    ax.set_xlabel("cluster")
    specs.append(ChartSpec(
        name="typology_stability", fig=fig,
        title="How often each cluster reappears when the data are resampled",
        subtitle=f"Mean Jaccard similarity over {model.n_bootstrap} bootstrap resamples (Hennig's clusterboot)",
        source=source, data=stab.round(6),
        alt_text=("Bar chart of mean bootstrap Jaccard per cluster: "
                  + "; ".join(f"{r.cluster_label} {r.jaccard_mean:.2f} ({r.stability})"
                              for r in stab.itertuples()) + ".")))

    # 5. Kahane's two-by-two with the clusters placed.
    rows = []
    for opt, (change, actor) in TWO_BY_TWO.items():
        clusters = [c for c in range(model.k_) if model.option_map_[c] == opt]
        n = int((place["option"] == opt).sum())
        named = ", ".join(f"C{c}" for c in clusters)
        behind = (f"cluster {named}" if len(clusters) == 1 else f"clusters {named}") if clusters else "no cluster"
        rows.append({"can the situation be changed?": change, "acting": actor, "option": opt,
                     "partnerships": n, "label": f"{opt}\n{behind}"})
    quad = pd.DataFrame(rows)
    fig, ax = subplots(size="govuk")
    plots.plot_two_by_two(quad, x="can the situation be changed?", y="acting", value="partnerships",
                          label="label", hue="option", x_order=["can be changed", "cannot be changed"],
                          y_order=["alone", "with others"], ax=ax)
    n_mixed = int((place["option"] == MIXED).sum())
    specs.append(ChartSpec(
        name="typology_two_by_two", fig=fig,
        title="Where the partnerships fall on Kahane's two questions",
        subtitle="Partnerships placed on each option, with the clusters behind them"
                 + (f"; {n_mixed} mixed, not shown" if n_mixed else ""),
        source=source, data=quad.drop(columns="label").assign(
            clusters=[r["label"].split("\n", 1)[1] for r in rows]),
        alt_text=("Two-by-two grid of Kahane's options: "
                  + "; ".join(f"{r['option']} ({r['can the situation be changed?']}, {r['acting']}) "
                              f"{r['partnerships']} partnerships" for r in rows)
                  + (f"; {n_mixed} partnerships are mixed." if n_mixed else "."))))
    return specs


def standard_charts(dataset, *, random_state=0) -> list:
    """Fit the typology with its defaults on ``dataset`` and return its standard charts.

    Parameters
    ----------
    dataset : analysis.data.Dataset
    random_state : int, default 0

    Returns
    -------
    list of analysis.export.ChartSpec
    """
    features = features_for(dataset)
    model = KahaneTypology(random_state=random_state).fit(features)
    return typology_charts(model, features, source=f"{dataset.name}, evidence table")
