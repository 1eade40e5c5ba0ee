"""The typology estimator: raw features to clusters to options (:class:`KahaneTypology`).

Why this module is over 600 lines: it is one scikit-learn estimator whose methods share
fitted state (the k panel, the final fit, stability refits, placements); splitting the class
over files would scatter one object. Its helpers live beside it in ``features``,
``stability``, ``options`` and ``diagnostics``.
"""

from __future__ import annotations

import platform
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn import config_context
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import AgglomerativeClustering
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

from analysis.data.schema import OPTIONS
from analysis.stability import clusterboot, map_threads, threads_for
from analysis.typology.diagnostics import _elbow, _jsonable, _version
from analysis.typology.features import TypologyInputError, feature_options, indicator_options
from analysis.typology.options import MIXED, _assign_options, option_prototypes
from analysis.typology.stability import _fit_quiet, _kmeans

__all__ = ["SCALINGS", "SCORE_COLUMNS", "TRANSFORMS", "KahaneTypology"]

#: Transformations of the rates, by name.
TRANSFORMS = ("asinh", "log1p", "none")
#: Scalings of the transformed rates, by name.
SCALINGS = ("minmax", "zscore")
#: Per-option score columns of the placements, in the fixed option order.
SCORE_COLUMNS = tuple(f"score_{o}" for o in OPTIONS)


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
    n_boot : int, default 100
        Bootstrap resamples for the cluster stability (0 to skip).
    bootstrap_init : {"fresh", "warm"}, default "fresh"
        How each resample is clustered (see :func:`analysis.stability.clusterboot`):
        ``"fresh"``, ``bootstrap_runs`` new k-means starts as R's ``fpc::clusterboot`` does
        (``"k-means++"``, the earlier name, means the same); ``"warm"``, once from the fitted
        centroids, about ten times faster but it may overstate stability (the diagnostics
        and the summary say so).
    bootstrap_runs : int, default 10
        k-means starts per resample with ``bootstrap_init="fresh"`` (clusterboot's ``runs``).
    n_jobs : int or None, default None
        Threads working through the bootstrap resamples, then through the refits under
        other seeds and on subsamples; 1: none (one after the other), -1: one per core;
        None: one per core from :data:`analysis.stability.THREADS_FROM_ROWS` partnerships
        up, where they pay, none below. Results do not depend on it.
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
        libraries' defaults. (The bootstrap and the refits under other seeds and on
        subsamples run each k-means on one thread whatever this is; ``n_jobs`` shares them
        out.) One thread is the default because on a busy machine k-means
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
        Per cluster: mean bootstrap Jaccard, Hennig's label, share (and number) of resamples
        in which the cluster dissolved (Jaccard <= 0.5) and was recovered (> 0.75).
    bootstrap_ : analysis.stability.ClusterbootResult
        The bootstrap itself: per resample and cluster Jaccard, settings, and a ``note``
        when warm starts were used.
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
    >>> model = KahaneTypology(k=3, n_boot=0, n_seeds=0, n_subsamples=0,
    ...                        alternatives=False, random_state=0).fit(X)
    >>> sorted(model.option_map_.values())
    ['adapt', 'collaborate', 'fight']
    """

    def __init__(self, k="auto", *, transformation="asinh", scaling="minmax", k_max=8, n_init=20,
                 n_boot=100, bootstrap_init="fresh", n_seeds=5, n_subsamples=10, n_gap_refs=10,
                 alternatives=True, min_margin=0.15, min_presence=0.01, indicator_options=None,
                 silhouette_sample=4000, n_threads=1, random_state=None, bootstrap_runs=10, n_jobs=None):
        self.k = k
        self.transformation = transformation
        self.scaling = scaling
        self.k_max = k_max
        self.n_init = n_init
        self.n_boot = n_boot
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
        self.bootstrap_runs = bootstrap_runs
        self.n_jobs = n_jobs

    # ----------------------------------------------------------------- checks

    def _check_params(self):
        if self.transformation not in TRANSFORMS:
            raise TypologyInputError(f"transformation must be one of {', '.join(TRANSFORMS)}, not {self.transformation!r}")
        if self.scaling not in SCALINGS:
            raise TypologyInputError(f"scaling must be one of {', '.join(SCALINGS)}, not {self.scaling!r}")
        if not (self.k == "auto" or (isinstance(self.k, (int, np.integer)) and not isinstance(self.k, bool)
                                     and self.k >= 1)):
            raise TypologyInputError(f"k must be 'auto' or a whole number of at least 1, not {self.k!r}")
        if self.bootstrap_init not in ("fresh", "warm", "k-means++"):
            raise TypologyInputError(f"bootstrap_init must be 'fresh' or 'warm', not {self.bootstrap_init!r}")
        for name in ("n_init", "k_max", "bootstrap_runs"):
            if int(getattr(self, name)) < 1:
                raise TypologyInputError(f"{name} must be at least 1, not {getattr(self, name)!r}")
        for name in ("n_boot", "n_seeds", "n_subsamples", "n_gap_refs"):
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
        # each row's distinct profile (rows with the same values share a number)
        profile = np.unique(Z, axis=0, return_inverse=True)[1].ravel()
        n_distinct = int(profile.max()) + 1
        if self.k != "auto":
            k = int(self.k)
            if n < 2 * k:
                raise TypologyInputError(
                    f"too few partnerships for k={k}: {n} given, at least {2 * k} needed (two per "
                    f"cluster); lower k or use k='auto'")
            if n_distinct < k:
                raise TypologyInputError(
                    f"only {n_distinct} distinct evidence profile(s) among {n} partnerships: cannot "
                    f"form {k} clusters; lower k")
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
        boot = clusterboot(Z, self.labels_, n_boot=int(self.n_boot), runs=int(self.bootstrap_runs),
                           init="warm" if self.bootstrap_init == "warm" else "fresh",
                           centers=self.cluster_centers_, n_jobs=self.n_jobs, random_state=seeds["bootstrap"])
        self.bootstrap_ = boot
        self.bootstrap_jaccard_ = boot.bootresult
        self.stability_ = boot.to_frame()[["cluster", "jaccard_mean", "stability", "share_dissolved",
                                           "share_recovered", "n_dissolved", "n_recovered"]]
        start = timer.tick("bootstrap", start)
        self.stability_summary_ = self._seed_and_subsample_ari(Z, seeds, profile)
        start = timer.tick("seeds_subsamples", start)
        self.alternatives_ = self._alternatives(Z, seeds) if self.alternatives else pd.DataFrame(
            columns=["method", "ari_with_kmeans", "n_points", "note"])
        start = timer.tick("alternatives", start)

        sizes = np.bincount(self.labels_, minlength=self.k_)
        self.assignment_ = pd.DataFrame({
            "cluster": range(self.k_), "size": sizes, "option": options,
            "nearest_prototype": [OPTIONS[int(np.argmin(cost[c]))] for c in range(self.k_)],
            "matched_option": [OPTIONS[m] if m >= 0 else "" for m in matched], "matched_by": how,
            "margin": margins, "jaccard_mean": boot.bootmean,
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
            # The silhouette's distances in blocks of 16 MB rather than all at once (4,000 points:
            # 128 MB): the same value, measured 0.1-0.2 s instead of 0.4-0.9 s in a fresh process,
            # which must first obtain that much memory, and never slower afterwards.
            with config_context(working_memory=16):
                sil = (silhouette_score(Z if sil_idx is None else Z[sil_idx],
                                        lab if sil_idx is None else lab[sil_idx])
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

        Uses k-means with 3 restarts for the data and 1 for each reference set, at k = 1 .. max(ks) + 1
        (on uniform reference sets the runs reach nearly the same sum of squares: on the example,
        3 restarts moved no gap by more than 0.003, under half its standard error, at 2.5 times the cost).
        Above ``max_points`` partnerships, the data and the reference sets are a seeded sample of
        that size (uniform reference sets converge slowly; this keeps the panel fast).
        """
        rs = np.random.RandomState(seeds["gap"])
        if len(Z) > max_points:
            Z = Z[np.sort(rs.choice(len(Z), max_points, replace=False))]
        lo, hi = Z.min(0), Z.max(0)
        kk = list(range(1, max(ks) + 2))

        def logw(data, k, seed, n_init=3):
            if k == 1:
                return np.log(((data - data.mean(0)) ** 2).sum())
            return np.log(_fit_quiet(_kmeans(k, n_init=n_init, seed=seed), data).inertia_)

        obs = {k: logw(Z, k, seeds["gap"]) for k in kk if k <= len(np.unique(Z, axis=0))}
        refs = np.array([[logw(rs.uniform(lo, hi, size=Z.shape), k, int(rs.randint(2**31 - 1)), n_init=1)
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

    def _seed_and_subsample_ari(self, Z, seeds, profile):
        """ARI of the partition with k-means refitted under other seeds and on 80% subsamples.

        ``profile`` numbers each row's distinct profile; a subsample with fewer than k
        distinct profiles is skipped. The refits are drawn here, one after the other, then
        fitted on threads as the bootstrap (``n_jobs``): the result does not depend on it.
        """
        k, n, n_seeds = self.k_, len(Z), int(self.n_seeds)
        rs = np.random.RandomState(seeds["seeds"])
        refits = [(None, int(self.n_init), int(rs.randint(2**31 - 1))) for _ in range(n_seeds)]
        rs = np.random.RandomState(seeds["subsamples"])
        m = max(k, int(round(0.8 * n)))
        for _ in range(int(self.n_subsamples)):
            rows = rs.choice(n, m, replace=False)
            if len(np.unique(profile[rows])) >= k:
                refits.append((rows, max(1, int(self.n_init) // 4), int(rs.randint(2**31 - 1))))

        def ari(refit):
            rows, n_init, seed = refit
            if rows is None:  # all rows, another seed
                return float(adjusted_rand_score(self.labels_, _kmeans(k, n_init=n_init, seed=seed).fit(Z).labels_))
            model = _kmeans(k, n_init=n_init, seed=seed).fit(Z[rows])
            return float(adjusted_rand_score(self.labels_, model.predict(Z)))  # compared on all rows

        # Silenced here, in the calling thread, for all the threads: catch_warnings is not thread-safe.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            aris = map_threads(ari, refits, n_jobs=threads_for(n, self.n_jobs))
        out = {"ari_across_seeds": aris[:n_seeds], "ari_across_subsamples": aris[n_seeds:]}
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
            "bootstrap": {"n_bootstrap": int(self.n_boot), **self.bootstrap_.settings()},
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
