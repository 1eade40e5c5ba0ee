"""Tests for analysis.stats: hand-checkable numbers, the planted slope, and the honest null."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.stats import (
    lowess_band,
    ols,
    panel_fe,
    quadrant_summary,
    quadrants,
    spearman,
    verdict,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def example_frames():
    from analysis.activity import activity_change, council_activity, partnership_activity
    from analysis.austerity import austerity_index, austerity_panel
    from analysis.data import load_dataset

    ds = load_dataset(ROOT / "data" / "example")
    idx = austerity_index(ds["finance"], start=2010, end=2019, deflators=ds["deflators"], councils=ds["councils"])
    py = partnership_activity(ds["partnerships"], activity=ds["activity"], start=2010, end=2019)
    cy = council_activity(py)
    change = activity_change(cy, start=2010, end=2019)
    data = idx.merge(change, on="council_code").merge(
        ds["councils"][["council_code", "region", "deprivation", "population"]], on="council_code")
    panel = austerity_panel(ds["finance"], start=2010, end=2019, deflators=ds["deflators"], councils=ds["councils"])
    with np.errstate(divide="ignore"):
        cy = cy.assign(log_meetings=np.log(cy["meetings_per_partnership"]))
    return data, cy.merge(panel, on=["council_code", "year"])


def test_ols_matches_hand_computed_slope():
    # y = 1 - 2x exactly plus residuals that sum to zero and are orthogonal to x:
    # slope -2, intercept 1, R^2 from SS on paper.
    d = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "y": [1.1, -1.3, -2.7, -5.1]})
    # residuals (0.1, -0.3, 0.3, -0.1): sum 0, sum x*e = -0.3 + 0.6 - 0.3 = 0.
    got = ols(d, y="y", x="x", controls=())
    assert got["coef"].tolist() == pytest.approx([1.0, -2.0])
    ss_res, ss_tot = 0.2, float(((d["y"] - d["y"].mean()) ** 2).sum())
    assert got["r2"].iloc[0] == pytest.approx(1 - ss_res / ss_tot)
    assert got["n"].tolist() == [4, 4]
    assert got["cov_type"].iloc[0] == "HC3"


def test_spearman_hand_computed_and_seeded():
    d = pd.DataFrame({"x": [1, 2, 3, 4, 5], "y": [2, 1, 4, 3, 5]})
    # d_i = (1, -1, 1, -1, 0): rho = 1 - 6 * 4 / (5 * 24) = 0.8.
    a = spearman(d, x="x", y="y", n_boot=300, random_state=3)
    assert a["rho"].iloc[0] == pytest.approx(0.8)
    b = spearman(d, x="x", y="y", n_boot=300, random_state=3)
    pd.testing.assert_frame_equal(a, b)
    assert a["ci_low"].iloc[0] <= 0.8 <= a["ci_high"].iloc[0]
    with pytest.raises(InputError, match="at least 3"):
        spearman(d.head(2), x="x", y="y")


def test_planted_slope_recovered(example_frames):
    data, _ = example_frames
    fit = ols(data, y="log_change", x="cut", controls=())
    cut = fit.set_index("term").loc["cut"]
    assert cut["coef"] < 0
    assert cut["ci_low"] <= -2.0 <= cut["ci_high"]  # the generator's slope
    assert cut["coef"] == pytest.approx(-1.91, abs=0.05)
    assert cut["verdict"].startswith("negative relation (cut)")
    rho = spearman(data, x="cut", y="log_change", n_boot=500)
    assert rho["ci_high"].iloc[0] < 0
    controlled = ols(data, y="log_change", x="cut").set_index("term")
    assert "C(tier)" in controlled["formula"].iloc[0] and "np.log(population)" in controlled["formula"].iloc[0]
    assert controlled.loc["cut", "coef"] < 0


def test_panel_fixed_effects_sign(example_frames):
    _, panel = example_frames
    got = panel_fe(panel, y="log_meetings", x="cut")
    assert got["term"].tolist() == ["cut_lag1"]
    assert got["ci_high"].iloc[0] < 0
    assert got["entities"].iloc[0] > 300 and got["periods"].iloc[0] == 9  # 2011-2019 have a lag


def test_null_relation_says_so():
    rng = np.random.default_rng(7)
    d = pd.DataFrame({"x": rng.uniform(0, 0.5, 300)})
    d["y"] = rng.normal(0, 1, 300)  # no relation
    fit = ols(d, y="y", x="x", controls=()).set_index("term").loc["x"]
    assert fit["ci_low"] < 0 < fit["ci_high"]
    assert fit["verdict"].startswith("no detectable relation (x)")
    assert spearman(d, x="x", y="y", n_boot=300)["verdict"].iloc[0].startswith("no detectable relation")
    assert verdict(0.1, -0.2, 0.4) == "no detectable relation: 0.1 (95% CI -0.2 to 0.4 includes 0)"


def test_lowess_band_contains_line_and_is_seeded():
    x = np.linspace(0, 1, 40)
    d = pd.DataFrame({"x": x, "y": 3 * x + np.sin(7 * x) * 0.05, "g": ["a", "b"] * 20})
    a = lowess_band(d, x="x", y="y", by="g", n_boot=20, grid=6, random_state=1)
    assert a.groupby("g").size().tolist() == [6, 6]
    assert ((a["ci_low"] <= a["fit"] + 1e-9) & (a["fit"] <= a["ci_high"] + 1e-9)).all()
    assert a["fit"].iloc[-1] == pytest.approx(3.0, abs=0.1)
    pd.testing.assert_frame_equal(a, lowess_band(d, x="x", y="y", by="g", n_boot=20, grid=6, random_state=1))


def test_quadrants_split_at_medians():
    d = pd.DataFrame({"council_code": list("ABCDE"), "council_name": ["a", "b", "c", "d", "e"],
                      "cut": [0.1, 0.2, 0.3, 0.4, 0.5], "change": [0.3, -0.3, 0.0, -0.4, 0.2]})
    q = quadrants(d, x="cut", y="change", name="council_name")
    # medians: cut 0.3, change 0.0; values equal to the median count as low.
    got = dict(zip(q["council_code"], q["quadrant"], strict=True))
    assert got == {"E": "harder cut, activity held up", "D": "harder cut, activity fell",
                   "A": "milder cut, activity held up", "B": "milder cut, activity fell",
                   "C": "milder cut, activity fell"}
    summary = quadrant_summary(q, name="council_name").set_index("quadrant")
    assert summary.loc["milder cut, activity fell", "n"] == 2
    assert summary.loc["milder cut, activity fell", "councils"] == "c, b"
