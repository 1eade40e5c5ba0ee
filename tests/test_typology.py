"""Tests of the Kahane typology (analysis.typology)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLE
from sklearn.base import clone
from sklearn.impute import SimpleImputer
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.pipeline import Pipeline

from analysis.data import load_dataset
from analysis.data.schema import INDICATOR_OPTIONS, OPTIONS
from analysis.errors import InputError
from analysis.typology import (
    MIXED,
    SCORE_COLUMNS,
    KahaneTypology,
    clusterboot,
    compute_features,
    council_features,
    features_for,
    option_prototypes,
    stability_label,
    summary_markdown,
    years_active,
)
from analysis.typology.options import _assign_options

FAST = dict(n_init=5, n_boot=5, n_seeds=2, n_subsamples=2, n_gap_refs=3, alternatives=False)
BY_OPTION = {o: [i for i, opt in INDICATOR_OPTIONS.items() if opt == o] for o in OPTIONS}


@pytest.fixture(scope="module")
def example():
    ds = load_dataset(EXAMPLE)
    features = features_for(ds)
    truth = pd.read_csv(EXAMPLE / "truth.csv").set_index("partnership_id").reindex(features.index)
    return ds, features, truth


@pytest.fixture(scope="module")
def fitted(example):
    _, features, _ = example
    return KahaneTypology(n_init=10, n_boot=10, n_seeds=2, n_subsamples=3, n_gap_refs=3,
                          random_state=0).fit(features)


def synthetic(profiles: dict[str, int], *, rng, high=1.2, low=0.05, noise=0.15) -> pd.DataFrame:
    """Rates for groups of partnerships: each group name is an option, 'balanced:a+b' or 'none'."""
    rows, ids = [], []
    cols = list(INDICATOR_OPTIONS)
    for group, n in profiles.items():
        if group == "none":
            strong = []
        elif group.startswith("balanced:"):
            strong = [c for o in group.split(":")[1].split("+") for c in BY_OPTION[o]]
        else:
            strong = BY_OPTION[group]
        for _ in range(n):
            base = np.array([high if c in strong else low for c in cols])
            rows.append(np.clip(base * rng.lognormal(0, noise, len(cols)), 0, None))
            ids.append(f"{group}-{len(ids):03d}")
    return pd.DataFrame(rows, columns=cols, index=pd.Index(ids, name="partnership_id"))


# --------------------------------------------------------------------------- recovery


def test_recovers_planted_truth_on_example(example, fitted):
    _, features, truth = example
    p = fitted.placements_
    assert fitted.k_ == 4
    assert adjusted_rand_score(truth["option"], p["cluster"]) >= 0.8
    accuracy = (p["option"].to_numpy() == truth["option"].to_numpy()).mean()
    assert accuracy >= 0.85
    assert sorted(fitted.option_map_.values()) == sorted(OPTIONS)


def test_placements_have_the_documented_columns(fitted):
    p = fitted.placements_
    assert list(p.columns) == ["partnership_id", "cluster", "option", "confidence", "distance_own",
                               "distance_second", *SCORE_COLUMNS]
    assert p["confidence"].between(0, 1).all()
    assert (p["distance_own"] <= p["distance_second"]).all()
    np.testing.assert_allclose(p[list(SCORE_COLUMNS)].sum(axis=1), 1.0)


def test_example_clusters_are_stable_and_alternatives_agree(example):
    _, features, _ = example
    model = KahaneTypology(k=4, n_init=5, n_boot=10, n_seeds=2, n_subsamples=2,
                           random_state=1).fit(features)
    assert (model.stability_["jaccard_mean"] >= 0.85).all()
    assert set(model.stability_["stability"]) == {"highly stable"}
    assert model.stability_summary_["min_ari_across_seeds"] >= 0.95
    assert model.stability_summary_["min_ari_across_subsamples"] >= 0.95
    ari = model.alternatives_.set_index("method")["ari_with_kmeans"]
    assert ari["ward"] >= 0.9 and ari["gaussian_mixture"] >= 0.9


# --------------------------------------------------------------------------- same space


def test_k_panel_is_computed_in_the_space_of_the_final_fit(example, fitted):
    _, features, _ = example
    row = fitted.k_panel_.set_index("k").loc[fitted.k_]
    # The panel's WSS at the chosen k is the final model's inertia ...
    assert row["wss"] == pytest.approx(fitted.inertia_, rel=1e-12)
    # ... and its silhouette is that of the final labels in the final model's space.
    Z = fitted.feature_space(features)
    assert row["silhouette"] == pytest.approx(silhouette_score(Z, fitted.labels_), rel=1e-9)
    # The check is sensitive: in the raw (untransformed, unscaled) space the numbers differ.
    raw = features.to_numpy()
    assert abs(silhouette_score(raw, fitted.labels_) - row["silhouette"]) > 0.01


def test_changing_the_space_changes_the_panel(example):
    _, features, _ = example
    a = KahaneTypology(k=4, transformation="asinh", scaling="minmax", **FAST, random_state=0).fit(features)
    b = KahaneTypology(k=4, transformation="none", scaling="zscore", **FAST, random_state=0).fit(features)
    for m in (a, b):
        assert m.k_panel_.set_index("k").loc[4, "wss"] == pytest.approx(m.inertia_, rel=1e-12)
    assert a.inertia_ != pytest.approx(b.inertia_, rel=0.01)


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_output(example):
    _, features, _ = example
    a = KahaneTypology(k="auto", **FAST, random_state=7).fit(features)
    b = KahaneTypology(k="auto", **FAST, random_state=7).fit(features)
    pd.testing.assert_frame_equal(a.placements_, b.placements_)
    assert a.diagnostics() == b.diagnostics()


def test_different_seeds_are_still_stable(example):
    _, features, _ = example
    a = KahaneTypology(k=4, **FAST, random_state=1).fit(features)
    b = KahaneTypology(k=4, **FAST, random_state=2).fit(features)
    assert a.seed_ != b.seed_
    assert adjusted_rand_score(a.labels_, b.labels_) >= 0.98
    assert (a.placements_["option"] == b.placements_["option"]).mean() >= 0.99


def test_input_is_not_changed(example):
    _, features, _ = example
    before = features.copy()
    KahaneTypology(k=4, **FAST, random_state=0).fit(features)
    pd.testing.assert_frame_equal(features, before)


# --------------------------------------------------------------------------- options


def test_cluster_without_clear_prototype_is_mixed():
    rng = np.random.default_rng(3)
    X = synthetic({"fight": 30, "adapt": 30, "exit": 30, "collaborate": 30, "balanced:fight+collaborate": 30},
                  rng=rng)
    model = KahaneTypology(k=5, **FAST, random_state=0).fit(X)
    p = model.placements_.assign(group=[i.split("-")[0] for i in X.index])
    balanced = p[p["group"] == "balanced:fight+collaborate"]
    assert (balanced["option"] == MIXED).all()
    for opt in OPTIONS:
        assert (p.loc[p["group"] == opt, "option"] == opt).all()
    mixed_cluster = int(balanced["cluster"].iloc[0])
    assert model.option_map_[mixed_cluster] == MIXED
    assert model.assignment_.loc[mixed_cluster, "margin"] < model.min_margin
    # The cost matrix is reported in full: k rows, four option columns.
    assert model.cost_matrix_.shape == (5, 4)


def test_assignment_is_hungarian_then_nearest_then_mixed():
    cost = np.array([[0.1, 1.0, 1.0, 1.0],   # clearly fight
                     [1.0, 0.1, 1.0, 1.0],   # clearly adapt
                     [1.0, 1.0, 1.0, 0.2],   # clearly collaborate
                     [0.3, 1.0, 1.0, 1.0],   # fight again: option shared
                     [0.5, 0.5, 0.5, 0.5]])  # equally far from everything
    options, matched, margins, how = _assign_options(cost, min_margin=0.15)
    assert options == ["fight", "adapt", "collaborate", "fight", MIXED]
    assert how[3] == "nearest (option shared)"
    assert margins[0] == pytest.approx(0.9)
    assert margins[4] == pytest.approx(0.0)


def test_fewer_clusters_than_options_leaves_options_unused():
    rng = np.random.default_rng(4)
    X = synthetic({"fight": 25, "collaborate": 25}, rng=rng)
    model = KahaneTypology(k=2, **FAST, random_state=0).fit(X)
    assert sorted(model.option_map_.values()) == ["collaborate", "fight"]


def test_hand_checkable_eight_partnerships():
    evidence = pd.DataFrame({
        "partnership_id": list("AABBCCDDEEFFGGHH"),
        "indicator": ["lobbying_campaigns", "legal_challenges"] * 2 + ["shared_services", "shared_management"] * 2
        + ["services_withdrawn", "partnerships_left"] * 2 + ["pooled_budgets", "joint_commissioning"] * 2,
        "value": [10, 8, 9, 9] * 4})
    partnerships = pd.DataFrame({"partnership_id": list("ABCDEFGH"), "established": 2014,
                                 "dissolved": [None, None, None, None, None, 2018, None, None]})
    X = compute_features(evidence, partnerships, end=2023)
    # A: 10 / 10 years = 1.0; F was dissolved in 2018: 9 / 5 years = 1.8.
    assert X.loc["A", "lobbying_campaigns"] == pytest.approx(1.0)
    assert X.loc["F", "partnerships_left"] == pytest.approx(1.8)
    model = KahaneTypology(k=4, n_boot=0, n_seeds=0, n_subsamples=0, alternatives=False,
                           random_state=0).fit(X)
    assert model.placements_["option"].tolist() == ["fight", "fight", "adapt", "adapt", "exit", "exit",
                                                    "collaborate", "collaborate"]
    # Each partnership's evidence bears on one option only.
    assert model.placements_.loc[0, "score_fight"] == pytest.approx(1.0)
    assert model.placements_.loc[6, "score_collaborate"] == pytest.approx(1.0)
    # Pen portrait: the fight cluster's top indicators are the two fight indicators, index 400
    # (the cluster holds 2 of 8 partnerships and all of the indicator's evidence).
    fight = model.top_indicators_[model.top_indicators_["option"] == "fight"]
    assert set(fight["indicator"].head(2)) == {"lobbying_campaigns", "legal_challenges"}
    assert fight["index_score"].iloc[0] == pytest.approx(400.0)


def test_prototypes_pool_quantiles_across_indicators():
    rates = np.array([[2.0, 0.0], [0.0, 2.0], [0.1, 0.1], [0.1, 0.1]])
    proto = option_prototypes(["lobbying_campaigns", "pooled_budgets"], rates=rates)
    # High: the median of each partnership's highest rate (2, 2, 0.1, 0.1 -> 1.05).
    assert proto.loc["fight", "lobbying_campaigns"] == pytest.approx(1.05)
    assert proto.loc["fight", "pooled_budgets"] == pytest.approx(0.1)
    assert proto.loc["adapt"].tolist() == pytest.approx([0.1, 0.1])


# --------------------------------------------------------------------------- bad input


def test_too_few_partnerships_for_k():
    rng = np.random.default_rng(5)
    X = synthetic({"fight": 3, "adapt": 3}, rng=rng)
    with pytest.raises(InputError, match=r"too few partnerships for k=4: 6 given, at least 8"):
        KahaneTypology(k=4, **FAST, random_state=0).fit(X)
    with pytest.raises(InputError, match="too few partnerships to choose k"):
        KahaneTypology(**FAST, random_state=0).fit(X.iloc[:4])


def test_all_zero_evidence_is_refused():
    X = pd.DataFrame(0.0, index=pd.Index([f"P{i}" for i in range(20)], name="partnership_id"),
                     columns=list(INDICATOR_OPTIONS))
    with pytest.raises(InputError, match="all evidence values are zero"):
        KahaneTypology(k=2, **FAST, random_state=0).fit(X)


def test_indicator_present_for_almost_nobody_is_dropped_and_reported():
    rng = np.random.default_rng(6)
    X = synthetic({o: 50 for o in OPTIONS}, rng=rng)
    X["rare_indicator"] = 0.0
    X.iloc[0, X.columns.get_loc("rare_indicator")] = 40.0
    model = KahaneTypology(k=4, **FAST, random_state=0).fit(X)
    assert "rare_indicator" in model.dropped_features_
    assert "1 of 200" in model.dropped_features_["rare_indicator"]
    assert "rare_indicator" not in model.features_used_
    group = [i.split("-")[0] for i in X.index]
    assert (model.placements_["option"].to_numpy() == np.array(group)).mean() == 1.0


def test_a_single_kind_of_partnership_is_not_split_into_options():
    rng = np.random.default_rng(7)
    X = synthetic({"collaborate": 60}, rng=rng, noise=0.3)
    model = KahaneTypology(**FAST, random_state=0).fit(X)
    # Whatever k the panel picks, no partnership is placed on an option it shows no evidence for.
    assert set(model.placements_["option"]) <= {"collaborate", MIXED}
    assert (model.placements_["option"] == "collaborate").mean() >= 0.5


def test_partnerships_without_evidence_are_mixed():
    rng = np.random.default_rng(8)
    X = synthetic({o: 20 for o in OPTIONS}, rng=rng)
    X.loc["empty"] = 0.0
    model = KahaneTypology(k=4, **FAST, random_state=0).fit(X)
    assert model.placements_.set_index("partnership_id").loc["empty", "option"] == MIXED


def test_too_few_distinct_profiles():
    X = pd.DataFrame({"lobbying_campaigns": [1.0] * 5 + [0.0] * 5, "pooled_budgets": [0.0] * 5 + [1.0] * 5},
                     index=pd.Index([f"P{i}" for i in range(10)], name="partnership_id"))
    with pytest.raises(InputError, match="only 2 distinct evidence profile"):
        KahaneTypology(k=3, **FAST, random_state=0).fit(X)


@pytest.mark.parametrize(("param", "value", "match"), [
    ("transformation", "sqrt", "transformation must be one of"), ("scaling", "robust", "scaling must be one of"),
    ("k", 0, "k must be 'auto'"), ("k", "four", "k must be 'auto'")])
def test_bad_parameters_are_named(param, value, match):
    X = synthetic({o: 5 for o in OPTIONS}, rng=np.random.default_rng(0))
    with pytest.raises(InputError, match=match):
        KahaneTypology(**{param: value}, **FAST).fit(X)


def test_features_refuse_negative_counts_and_missing_columns():
    p = pd.DataFrame({"partnership_id": ["A"], "established": [2015], "dissolved": [None]})
    with pytest.raises(InputError, match="negative evidence value"):
        compute_features(pd.DataFrame({"partnership_id": ["A"], "indicator": ["pooled_budgets"], "value": [-1]}),
                         p, end=2020)
    with pytest.raises(InputError, match=r"missing column\(s\) \['value'\] in evidence"):
        compute_features(pd.DataFrame({"partnership_id": ["A"], "indicator": ["x"]}), p, end=2020)


# --------------------------------------------------------------------------- features


def test_years_active_counts_the_window_inclusively():
    p = pd.DataFrame({"partnership_id": ["A", "B", "C", "D"], "established": [2004, 2015, 2023, 2012],
                      "dissolved": [None, 2016, None, 2030]})
    assert years_active(p, start=2010, end=2023).tolist() == [14, 2, 1, 12]
    assert years_active(p, end=2023).tolist() == [20, 2, 1, 12]


def test_features_window_comes_from_activity(example):
    ds, features, _ = example
    assert features.attrs["window"] == {"start_year": 2010, "end_year": 2023}
    assert features.shape == (len(ds["partnerships"]), 15)
    # Rates per year active: P0001 was established in 2006 and is still running (14 years).
    ev = ds["evidence"]
    total = ev[(ev["partnership_id"] == "P0001") & (ev["indicator"] == "pooled_budgets")]["value"].sum()
    assert features.loc["P0001", "pooled_budgets"] == pytest.approx(total / 14)


def test_document_shares_join_as_features():
    ev = pd.DataFrame({"partnership_id": ["A", "B", "C"], "indicator": ["pooled_budgets"] * 3, "value": [1, 2, 3]})
    p = pd.DataFrame({"partnership_id": ["A", "B", "C"], "established": [2020] * 3, "dissolved": [None] * 3})
    docs = pd.DataFrame({"partnership_id": ["A", "B"], "fight": [0.2, 0.4], "collaborate": [0.8, 0.6]})
    X = compute_features(ev, p, end=2020, documents=docs)
    assert list(X.columns) == ["pooled_budgets", "doc_fight", "doc_collaborate"]
    # C has no coded documents: the mean share, not zero.
    assert X.loc["C", "doc_fight"] == pytest.approx(0.3)


# --------------------------------------------------------------------------- stability


def test_clusterboot_separated_clusters_are_highly_stable():
    rng = np.random.default_rng(0)
    Z = np.vstack([rng.normal(0, 0.1, (50, 3)), rng.normal(2, 0.1, (50, 3))])
    labels = np.repeat([0, 1], 50)
    out = clusterboot(Z, labels, np.array([[0, 0, 0], [2, 2, 2.0]]), n_bootstrap=20, random_state=0)
    assert out["mean"].tolist() == pytest.approx([1.0, 1.0])
    assert out["jaccard"].shape == (20, 2)


def test_clusterboot_splitting_noise_is_not_stable():
    rng = np.random.default_rng(1)
    Z = rng.uniform(0, 1, (200, 2))
    from sklearn.cluster import KMeans

    km = KMeans(6, n_init=1, random_state=0).fit(Z)
    out = clusterboot(Z, km.labels_, km.cluster_centers_, n_bootstrap=20, init="k-means++",
                      random_state=0)
    assert out["mean"].min() < 0.85
    assert [stability_label(v) for v in (0.9, 0.8, 0.7, 0.5)] == ["highly stable", "stable", "doubtful",
                                                                  "dissolved"]


def test_estimator_stability_is_clusterboot_faithful_by_default(example):
    # The default: ten fresh starts per resample (as fpc::clusterboot), the same figures as
    # analysis.stability.clusterboot on the estimator's own matrix and partition.
    from analysis.stability import clusterboot as faithful

    _, features, _ = example
    model = KahaneTypology(k=4, n_init=5, n_boot=6, n_seeds=0, n_subsamples=0, alternatives=False,
                           random_state=0).fit(features)
    assert model.bootstrap_.init == "fresh" and model.bootstrap_.runs == 10
    seeds = np.random.RandomState(0).randint(2**31 - 1, size=7)  # the fit's seeds, in their order
    direct = faithful(model.feature_space(features), model.labels_, n_boot=6, random_state=int(seeds[3]))
    np.testing.assert_array_equal(model.bootstrap_jaccard_, direct.bootresult)
    diag = model.diagnostics()["bootstrap"]
    assert (diag["init"], diag["runs"], diag["bootmethod"], diag["note"]) == ("fresh", 10, "boot", "")
    assert "10 fresh k-means starts per resample" in summary_markdown(model)
    assert list(model.stability_.columns) == ["cluster", "jaccard_mean", "stability", "share_dissolved",
                                              "share_recovered", "n_dissolved", "n_recovered"]


def test_estimator_warm_start_is_named_and_says_it_may_overstate(example):
    _, features, _ = example
    model = KahaneTypology(k=4, n_init=5, n_boot=4, bootstrap_init="warm", n_seeds=0, n_subsamples=0,
                           alternatives=False, random_state=0).fit(features)
    assert model.bootstrap_.runs == 1
    assert "may overstate" in model.diagnostics()["bootstrap"]["note"]
    assert "may overstate" in summary_markdown(model)
    with pytest.raises(InputError, match="bootstrap_init must be 'fresh' or 'warm'"):
        KahaneTypology(bootstrap_init="hot").fit(features)


def test_refits_share_the_bootstrap_threads_with_the_same_result(example, monkeypatch):
    # The refits under other seeds and on subsamples run on the bootstrap's threads from
    # THREADS_FROM_ROWS partnerships up; every figure is the one computed one after the other.
    import analysis.stability as st

    _, features, _ = example
    params = dict(k=4, n_init=4, n_boot=3, bootstrap_runs=2, n_seeds=3, n_subsamples=4, alternatives=False,
                  random_state=5)
    one = KahaneTypology(**params, n_jobs=1).fit(features)
    calls = []
    real = st.Parallel
    monkeypatch.setattr(st, "Parallel", lambda *a, **kw: calls.append(kw) or real(*a, **kw))
    monkeypatch.setattr(st, "THREADS_FROM_ROWS", 100)
    monkeypatch.setattr(st.os, "cpu_count", lambda: 2)  # as on the CI machine, whatever runs this
    threaded = KahaneTypology(**params).fit(features)
    assert [kw["prefer"] for kw in calls] == ["threads", "threads"]  # the bootstrap, then the refits
    assert threaded.stability_summary_ == one.stability_summary_
    assert len(one.stability_summary_["ari_across_seeds"]) == 3
    assert len(one.stability_summary_["ari_across_subsamples"]) == 4
    np.testing.assert_array_equal(threaded.bootstrap_jaccard_, one.bootstrap_jaccard_)


def test_subsamples_without_k_distinct_profiles_are_skipped():
    # Three profiles, the third in one partnership only: an 80% subsample (7 of 9) without it
    # has two distinct profiles and cannot be cut into k = 3 clusters, so it is not refitted.
    rows = [[3.0, 0, 0]] * 4 + [[0, 3.0, 0]] * 4 + [[0, 0, 3.0]]
    X = pd.DataFrame(rows, columns=["lobbying_campaigns", "pooled_budgets", "shared_services"],
                     index=pd.Index([f"P{i}" for i in range(9)], name="partnership_id"))
    model = KahaneTypology(k=3, n_init=2, n_boot=0, n_seeds=0, n_subsamples=20, alternatives=False,
                           random_state=0).fit(X)
    seeds = np.random.RandomState(0).randint(2**31 - 1, size=7)  # the fit's seeds, in their order
    rs = np.random.RandomState(seeds[5])
    kept = 0
    for _ in range(20):
        if 8 in rs.choice(9, 7, replace=False):
            kept += 1
            rs.randint(2**31 - 1)  # the refit's seed, drawn only for a refit
    assert 0 < kept < 20
    assert model.stability_summary_["ari_across_subsamples"] == [1.0] * kept


# --------------------------------------------------------------------------- estimator


def test_estimator_params_clone_and_pipeline():
    rng = np.random.default_rng(9)
    X = synthetic({o: 15 for o in OPTIONS}, rng=rng)
    est = KahaneTypology(k=4, **FAST, random_state=0)
    assert est.get_params()["k"] == 4
    est.set_params(k=3, scaling="zscore")
    assert est.k == 3 and est.scaling == "zscore"
    twin = clone(est)
    assert twin.get_params() == est.get_params() and not hasattr(twin, "labels_")
    X_missing = X.copy()
    X_missing.iloc[0, 0] = np.nan
    pipe = Pipeline([("impute", SimpleImputer(strategy="median").set_output(transform="pandas")),
                     ("typology", KahaneTypology(k=4, **FAST, random_state=0))])
    labels = pipe.fit_predict(X_missing)
    assert adjusted_rand_score([i.split("-")[0] for i in X.index], labels) == pytest.approx(1.0)
    np.testing.assert_array_equal(pipe.predict(X_missing), labels)
    assert sorted(pipe[-1].option_map_.values()) == sorted(OPTIONS)


def test_predict_on_new_partnerships(example, fitted):
    _, features, truth = example
    new = features.iloc[:50] * 1.05  # slightly more active versions of known partnerships
    options = fitted.predict_option(new)
    assert (options == truth["option"].to_numpy()[:50]).mean() >= 0.9
    with pytest.raises(ValueError):
        fitted.predict(features.iloc[:5, :10])


SKLEARN_CHECKS = {
    "check_no_attributes_set_in_init", "check_parameters_default_constructible", "check_get_params_invariance",
    "check_set_params", "check_dont_overwrite_parameters", "check_estimators_overwrite_params",
    "check_fit_idempotent", "check_n_features_in", "check_fit_check_is_fitted", "check_fit2d_1sample",
    "check_estimators_nan_inf", "check_estimators_dtypes", "check_clustering", "check_fit2d_predict1d",
    "check_dict_unchanged", "check_dtype_object", "check_estimators_pickle",
}


def test_sklearn_estimator_checks():
    """The scikit-learn checks that bear on a clusterer (the whole suite takes ~50 s; it passes)."""
    from sklearn.utils.estimator_checks import estimator_checks_generator

    est = KahaneTypology(k=2, n_init=1, n_boot=2, n_seeds=0, n_subsamples=0, alternatives=False,
                         min_presence=0.0, random_state=0)
    ran, failed = set(), {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for estimator, check in estimator_checks_generator(est, mark="skip"):
            name = getattr(check, "func", check).__name__
            if name not in SKLEARN_CHECKS:
                continue
            ran.add(name)
            try:
                check(estimator)
            except Exception as exc:  # noqa: BLE001 - collect every failure
                failed[name] = str(exc)[:200]
    assert failed == {}
    assert ran == SKLEARN_CHECKS


# --------------------------------------------------------------------------- neighbours


def test_nearest_neighbours_and_drivers():
    X = pd.DataFrame({"lobbying_campaigns": [1.0, 1.1, 0.0, 0.0, 0.1, 0.0],
                      "pooled_budgets": [0.0, 0.0, 1.0, 1.2, 0.0, 0.1],
                      "shared_services": [0.0, 0.1, 0.0, 0.0, 1.0, 1.1]},
                     index=pd.Index(list("ABCDEF"), name="partnership_id"))
    model = KahaneTypology(k=3, **FAST, random_state=0).fit(X)
    nn = model.nearest_neighbours(X, "A", n=2)
    assert nn["id"].iloc[0] == "B"
    assert nn["drivers"].iloc[0].startswith("shared_services")
    councils = council_features(X, pd.DataFrame({"partnership_id": list("ABCDEF"),
                                                 "lead_council_code": ["X", "X", "Y", "Y", "Z", "Z"]}))
    assert model.nearest_neighbours(councils, "X", n=1)["id"].tolist() in (["Y"], ["Z"])
    with pytest.raises(InputError, match="'Q' is not in the index"):
        model.nearest_neighbours(X, "Q")


def test_the_former_window_names_still_work_with_a_deprecation_warning():
    p = pd.DataFrame({"partnership_id": ["A", "B"], "established": [2004, 2015], "dissolved": [None, 2016]})
    with pytest.warns(DeprecationWarning) as record:
        old = years_active(p, start_year=2010, end_year=2023)
    assert sorted(str(w.message) for w in record) == [
        "years_active(end_year=...) is deprecated; use end=", "years_active(start_year=...) is deprecated; use start="]
    assert old.tolist() == years_active(p, start=2010, end=2023).tolist() == [14, 2]
    with pytest.raises(TypeError, match="unexpected keyword argument 'stop'"):
        years_active(p, end=2023, stop=2020)
