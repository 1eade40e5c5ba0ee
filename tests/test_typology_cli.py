"""The typology command: files, reproducibility, refusals."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import EXAMPLE
from sklearn.metrics import adjusted_rand_score

from analysis.cli import main
from analysis.typology import SCORE_COLUMNS, KahaneTypology, features_for, typology_charts

COLUMNS = ["partnership_id", "cluster", "option", "confidence", "distance_own", "distance_second",
           *SCORE_COLUMNS]


@pytest.fixture(scope="module")
def run_once(tmp_path_factory):
    out = tmp_path_factory.mktemp("typology")
    # Charts are left out here (exporting five charts in three formats takes tens of seconds);
    # test_charts_draw_what_the_model_computed checks what they draw.
    code = main(["typology", str(EXAMPLE), "--out", str(out), "--seed", "3", "--k", "4", "--bootstrap", "3",
                 "--no-charts"])
    return code, out


def test_command_writes_placements_diagnostics_and_summary(run_once):
    code, out = run_once
    assert code == 0
    table = pd.read_csv(out / "typology.csv")
    assert list(table.columns) == COLUMNS
    assert len(table) == 1200
    truth = pd.read_csv(EXAMPLE / "truth.csv").set_index("partnership_id").reindex(table["partnership_id"])
    assert adjusted_rand_score(truth["option"], table["cluster"]) >= 0.8
    assert (table["option"].to_numpy() == truth["option"].to_numpy()).mean() >= 0.85
    diag = json.loads((out / "typology_diagnostics.json").read_text())
    assert diag["k"] == 4 and diag["seed"] == 3
    assert set(diag["cost_matrix"]["0"]) == {"fight", "adapt", "exit", "collaborate"}
    assert diag["bootstrap"]["n_bootstrap"] == 3
    assert "KMeans(algorithm='lloyd'" in diag["algorithm"]
    assert diag["window"] == {"start_year": 2010, "end_year": 2023}
    assert "## Stability" in (out / "typology_summary.md").read_text()


def test_same_seed_gives_identical_files(run_once, tmp_path):
    _, first = run_once
    code = main(["typology", str(EXAMPLE), "--out", str(tmp_path), "--seed", "3", "--k", "4",
                 "--bootstrap", "3", "--no-charts"])
    assert code == 0
    assert not (tmp_path / "manifest.json").exists()
    for name in ("typology.csv", "typology_diagnostics.json", "typology_summary.md"):
        assert (tmp_path / name).read_bytes() == (first / name).read_bytes(), name


def test_refuses_an_output_folder_inside_the_dataset(capsys):
    code = main(["typology", str(EXAMPLE), "--out", str(EXAMPLE / "typology_out")])
    assert code == 2
    assert "inside the input folder" in capsys.readouterr().err
    assert not (EXAMPLE / "typology_out").exists()


def test_too_many_clusters_is_a_clear_error(tmp_path, capsys):
    code = main(["typology", str(EXAMPLE), "--out", str(tmp_path), "--k", "700", "--bootstrap", "0",
                 "--no-charts"])
    assert code == 2
    assert "too few partnerships for k=700" in capsys.readouterr().err


def test_charts_draw_what_the_model_computed():
    from analysis.data import load_dataset

    features = features_for(load_dataset(EXAMPLE))
    model = KahaneTypology(k=4, n_init=3, n_boot=3, n_seeds=0, n_subsamples=0, alternatives=False,
                           random_state=0).fit(features)
    specs = typology_charts(model, features)
    try:
        assert [s.name for s in specs] == ["typology_map", "typology_profiles", "typology_k_panel",
                                           "typology_stability", "typology_two_by_two"]
        assert all(s.alt_text and s.title for s in specs)
        points = sum(len(c.get_offsets()) for c in specs[0].fig.axes[0].collections)
        assert points == len(features)
        assert len(specs[1].data) == 4 * 15
        quad = specs[4].data.set_index("option")["partnerships"]
        assert quad.sum() == (model.placements_["option"] != "mixed").sum()
    finally:
        import matplotlib.pyplot as plt

        for s in specs:
            plt.close(s.fig)


def test_fit_typology_holds_its_window_and_seed_and_the_charts_draw_that_result():
    import matplotlib.pyplot as plt

    from analysis.data import load_dataset
    from analysis.typology import TypologyResult, fit_typology

    ds = load_dataset(EXAMPLE)
    result = fit_typology(ds, start=2012, end=2019, random_state=5, k=4, n_init=3, n_boot=3, n_seeds=0,
                          n_subsamples=0, alternatives=False)
    assert isinstance(result, TypologyResult)
    assert (result.start, result.end, result.random_state) == (2012, 2019, 5)
    assert result.features.attrs["window"] == {"start_year": 2012, "end_year": 2019}
    specs = typology_charts(result)
    try:
        pd.testing.assert_frame_equal(specs[0].data, result.principal_map["data"].round(6))
        assert specs[3].subtitle.startswith("Mean Jaccard similarity over 3 bootstrap resamples")
        assert specs[0].source == f"{ds.name}, evidence table"
    finally:
        for s in specs:
            plt.close(s.fig)


def test_with_documents_adds_document_features_and_still_recovers_the_truth(tmp_path):
    from analysis.coding import document_scores
    from analysis.data import load_dataset

    ds = load_dataset(EXAMPLE)
    scores = document_scores(ds)
    assert len(scores) == ds["documents"]["partnership_id"].nunique()
    assert features_for(ds, documents=scores).filter(like="doc_").shape[1] == 4
    code = main(["typology", str(EXAMPLE), "--out", str(tmp_path), "--seed", "3", "--k", "4",
                 "--bootstrap", "0", "--no-charts", "--with-documents"])
    assert code == 0
    placed = pd.read_csv(tmp_path / "typology.csv").merge(ds["truth"][["partnership_id", "option"]],
                                                           on="partnership_id", suffixes=("", "_true"))
    assert (placed["option"] == placed["option_true"]).mean() >= 0.85


def test_with_documents_needs_a_documents_table(tmp_path, capsys):
    import shutil

    data = tmp_path / "nodocs"
    shutil.copytree(EXAMPLE, data, ignore=shutil.ignore_patterns("documents*"))
    code = main(["typology", str(data), "--out", str(tmp_path / "out"), "--k", "4", "--bootstrap", "0",
                 "--no-charts", "--with-documents"])
    assert code == 2
    assert "needs the 'documents' table" in capsys.readouterr().err
