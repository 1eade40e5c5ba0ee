"""Tests of the clusterboot-faithful bootstrap stability (analysis.stability).

The reference figures in ``tests/reference/clusterboot`` were computed once with R's
``fpc::clusterboot`` (B = 100, kmeansCBI, runs = 10) by ``make_reference.R`` on matrices
written by ``make_matrices.py``; R is not needed to run these tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLE
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans

from analysis.stability import WARM_NOTE, best_jaccard, clusterboot, stability_label

REFERENCE = Path(__file__).resolve().parent / "reference" / "clusterboot"
CASES = {"clean_k4": ("example_scaled.csv", 4, 0.05), "clean_k6": ("example_scaled.csv", 6, 0.05),
         "noisy_k4": ("example_noisy.csv", 4, 0.10)}


# ----------------------------------------------------------------------------- Jaccard by hand


def test_best_jaccard_hand_computed():
    # Cluster 0 = {a, b, c}, cluster 1 = {d, e}; found: {a, b} and {c, d, e}.
    # 0 vs {a,b}: 2 / 3; 0 vs {c,d,e}: 1 / 5. 1 vs {a,b}: 0; 1 vs {c,d,e}: 2 / 3.
    np.testing.assert_allclose(best_jaccard([0, 0, 0, 1, 1], [0, 0, 1, 1, 1], k=2), [2 / 3, 2 / 3])


def test_best_jaccard_ignores_label_names_and_scores_absent_clusters_zero():
    # The same partition under other names is a perfect match; cluster 2 has no point here (R: 0).
    np.testing.assert_array_equal(best_jaccard([1, 1, 0, 0, 0], [9, 9, 4, 4, 4], k=3), [1.0, 1.0, 0.0])


def test_best_jaccard_one_cluster_split_in_three():
    # Cluster 0 of 6 points found as 3 + 2 + 1: best is 3 / 6.
    assert best_jaccard([0] * 6, [0, 0, 0, 1, 1, 2], k=1).tolist() == [0.5]


def test_bootmean_counts_and_labels_from_bootresult():
    from analysis.stability import ClusterbootResult

    res = ClusterbootResult(bootresult=np.array([[1.0, 0.5], [0.9, 0.8], [0.8, 0.2], [0.7, 0.76]]),
                            n_boot=4, runs=10, init="fresh", sizes=np.array([3, 5]))
    np.testing.assert_allclose(res.bootmean, [0.85, 0.565])
    assert res.bootbrd.tolist() == [0, 2]  # <= 0.5, as clusterboot's bootbrd
    assert res.bootrecover.tolist() == [3, 2]  # > 0.75, as bootrecover
    assert res.labels == ["highly stable", "dissolved"]
    frame = res.to_frame()
    assert frame["share_dissolved"].tolist() == [0.0, 0.5]
    assert frame["size"].tolist() == [3, 5]
    assert res.note == ""


def test_hennig_labels_at_the_thresholds():
    assert [stability_label(v) for v in (0.85, 0.8499, 0.75, 0.7499, 0.6, 0.5999)] == [
        "highly stable", "stable", "stable", "doubtful", "doubtful", "dissolved"]


# ----------------------------------------------------------------------------- behaviour


def test_separated_clusters_are_recovered_every_time():
    rng = np.random.default_rng(0)
    Z = np.vstack([rng.normal(0, 0.1, (30, 3)), rng.normal(2, 0.1, (30, 3))])
    res = clusterboot(Z, np.repeat([0, 1], 30), n_boot=20, random_state=0)
    assert res.bootmean.tolist() == [1.0, 1.0]
    assert res.bootrecover.tolist() == [20, 20]


def test_same_seed_same_result_whatever_the_number_of_workers():
    rng = np.random.default_rng(3)
    Z = rng.normal(size=(120, 4))
    labels = KMeans(3, n_init=5, random_state=0).fit(Z).labels_
    one = clusterboot(Z, labels, n_boot=12, runs=3, n_jobs=1, random_state=7)
    two = clusterboot(Z, labels, n_boot=12, runs=3, n_jobs=2, random_state=7)
    np.testing.assert_array_equal(one.bootresult, two.bootresult)
    other = clusterboot(Z, labels, n_boot=12, runs=3, n_jobs=1, random_state=8)
    assert not np.array_equal(one.bootresult, other.bootresult)
    # None (the default) picks by the matrix's size; -1 is one per core
    for n_jobs in (None, -1):
        again = clusterboot(Z, labels, n_boot=12, runs=3, n_jobs=n_jobs, random_state=7)
        np.testing.assert_array_equal(one.bootresult, again.bootresult)
    with pytest.raises(ValueError, match="n_jobs"):
        clusterboot(Z, labels, n_boot=12, runs=3, n_jobs=0, random_state=7)


def test_default_threads_only_from_the_size_where_they_pay(monkeypatch):
    import analysis.stability as st

    rng = np.random.default_rng(3)
    Z = rng.normal(size=(120, 4))
    labels = KMeans(3, n_init=5, random_state=0).fit(Z).labels_
    calls = []
    real = st.Parallel
    monkeypatch.setattr(st, "Parallel", lambda *a, **kw: calls.append(kw) or real(*a, **kw))
    one = clusterboot(Z, labels, n_boot=12, runs=3, random_state=7)
    assert calls == []  # 120 rows: one after the other
    monkeypatch.setattr(st, "THREADS_FROM_ROWS", 100)
    monkeypatch.setattr(st.os, "cpu_count", lambda: 2)  # as on the CI machine, whatever runs this
    threaded = clusterboot(Z, labels, n_boot=12, runs=3, random_state=7)
    assert calls and calls[0]["prefer"] == "threads"
    np.testing.assert_array_equal(one.bootresult, threaded.bootresult)


def test_input_is_not_modified():
    rng = np.random.default_rng(4)
    Z = rng.normal(size=(50, 3))
    before = Z.copy()
    clusterboot(Z, KMeans(2, n_init=3, random_state=0).fit(Z).labels_, n_boot=3, random_state=0)
    np.testing.assert_array_equal(Z, before)


def test_no_resamples_gives_empty_results():
    res = clusterboot(np.eye(4), [0, 0, 1, 1], n_boot=0, random_state=0)
    assert res.bootresult.shape == (0, 2)
    assert np.isnan(res.bootmean).all()
    assert res.labels == ["unknown", "unknown"]


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"n_boot": -1}, "n_boot must be a whole number of at least 0"),
    ({"runs": 0}, "runs must be a whole number of at least 1"),
    ({"bootmethod": "subset"}, "bootmethod must be one of boot"),
    ({"init": "k-means++"}, "init must be one of fresh, warm"),
    ({"init": "warm", "centers": np.zeros((3, 2))}, r"centers must have shape \(2, 2\)"),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        clusterboot(np.arange(8.0).reshape(4, 2), [0, 0, 1, 1], **kwargs)


def test_missing_values_are_refused():
    Z = np.array([[0.0, 1.0], [np.nan, 1.0], [2.0, 2.0], [3.0, 3.0]])
    with pytest.raises(ValueError, match="missing or infinite"):
        clusterboot(Z, [0, 0, 1, 1])


# ----------------------------------------------------------------------------- against R


def _reference(case: str):
    matrix, k, tolerance = CASES[case]
    Z = pd.read_csv(REFERENCE / matrix).to_numpy()
    results = pd.read_csv(REFERENCE / "results.csv")
    partitions = pd.read_csv(REFERENCE / "partitions.csv")
    r = results[(results["case"] == case) & (results["seed"] == 1)].sort_values("cluster")
    part = partitions[(partitions["case"] == case) & (partitions["seed"] == 1)].sort_values("row")
    return Z, k, tolerance, part["cluster"].to_numpy() - 1, r["bootmean"].to_numpy()


def test_reference_matrix_is_what_the_estimator_clusters_on_the_example():
    from analysis.data import load_dataset
    from analysis.typology import KahaneTypology, features_for

    features = features_for(load_dataset(EXAMPLE))
    model = KahaneTypology(n_boot=0, n_seeds=0, n_subsamples=0, alternatives=False,
                           random_state=0).fit(features)
    committed = pd.read_csv(REFERENCE / "example_scaled.csv")
    assert list(committed.columns) == model.features_used_
    np.testing.assert_allclose(model.feature_space(features), committed.to_numpy(), atol=1e-11)
    assert model.k_ == 4


@pytest.mark.parametrize("case", list(CASES))
def test_agrees_with_r_clusterboot_on_its_partition(case):
    Z, k, tolerance, r_partition, r_bootmean = _reference(case)
    res = clusterboot(Z, r_partition, n_boot=100, random_state=0)
    assert np.abs(res.bootmean - r_bootmean).max() <= tolerance, (res.bootmean.round(3), r_bootmean)
    assert res.labels == [stability_label(v) for v in r_bootmean]


def test_noisy_example_our_own_partition_is_dissolved_as_clusterboot_says():
    # End to end: our k-means partition of the noisy matrix (it differs from R's in places),
    # matched to R's clusters by the Hungarian algorithm on their overlap.
    Z, k, tolerance, r_partition, r_bootmean = _reference("noisy_k4")
    km = KMeans(k, n_init=20, random_state=0).fit(Z)
    res = clusterboot(Z, km.labels_, n_boot=100, random_state=1)
    overlap = pd.crosstab(r_partition, km.labels_).to_numpy()
    rows, cols = linear_sum_assignment(-overlap)
    ours = res.bootmean[cols[np.argsort(rows)]]
    assert np.abs(ours - r_bootmean).max() <= tolerance, (ours.round(3), r_bootmean)
    assert res.labels == ["dissolved"] * 4 == [stability_label(v) for v in r_bootmean]


def test_warm_starts_overstate_the_noisy_example_and_say_so():
    Z, k, _, r_partition, r_bootmean = _reference("noisy_k4")
    centers = np.array([Z[r_partition == c].mean(axis=0) for c in range(k)])
    warm = clusterboot(Z, r_partition, n_boot=30, init="warm", centers=centers, random_state=0)
    assert warm.note == WARM_NOTE and "overstate" in warm.note
    assert warm.runs == 1
    assert (warm.bootmean > r_bootmean + 0.15).all(), warm.bootmean.round(3)
