"""Tests for analysis.activity: activity tables, change, survival and the network."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.activity import (
    activity_change,
    council_activity,
    cox_model,
    kaplan_meier,
    membership_network,
    network_change,
    network_measures,
    partnership_activity,
    survival_data,
)
from analysis.cli import main
from analysis.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "example"


@pytest.fixture
def small():
    partnerships = pd.DataFrame({
        "partnership_id": ["P1", "P2", "P3"], "type": ["forum", "lep", "forum"],
        "established": [2008, 2010, 2011], "dissolved": [2011, None, None],
        "lead_council_code": ["A", "A", "B"],
    })
    activity = pd.DataFrame({
        "partnership_id": ["P1", "P1", "P2", "P2", "P2", "P3"],
        "year": [2010, 2011, 2010, 2011, 2012, 2012],
        "meetings": [4, 2, 6, 8, 3, 5], "outputs": [1, 0, 2, 2, 1, 0],
    })
    memberships = pd.DataFrame({
        "partnership_id": ["P1", "P1", "P2", "P2", "P2", "P3", "P3"],
        "member_id": ["A", "B", "A", "C", "NHS", "B", "C"],
        "sector": ["local_government", "local_government", "local_government", "local_government", "health",
                   "local_government", "local_government"],
        "council_code": ["A", "B", "A", "C", None, "B", "C"],
    })
    return partnerships, activity, memberships


def test_partnership_and_council_years_hand_computed(small):
    partnerships, activity, memberships = small
    before = partnerships.copy()
    py = partnership_activity(partnerships, activity=activity, memberships=memberships, start=2010, end=2012)
    pd.testing.assert_frame_equal(partnerships, before)
    assert list(zip(py["partnership_id"], py["year"], strict=True)) == [
        ("P1", 2010), ("P1", 2011), ("P2", 2010), ("P2", 2011), ("P2", 2012), ("P3", 2011), ("P3", 2012)]
    assert py["born"].tolist() == [False, False, True, False, False, True, False]
    assert py["died"].tolist() == [False, True, False, False, False, False, False]
    assert np.isnan(py.loc[5, "meetings"])  # P3 alive in 2011 without a row: missing, not zero
    assert py.loc[py["partnership_id"] == "P2", "n_sectors"].unique().tolist() == [2]
    cy = council_activity(py)
    expected = pd.DataFrame({
        "council_code": ["A", "A", "A", "B", "B"], "year": [2010, 2011, 2012, 2011, 2012],
        "partnerships": [2, 2, 1, 1, 1], "births": [1, 0, 0, 1, 0], "deaths": [0, 1, 0, 0, 0],
        "meetings": [10.0, 10.0, 3.0, np.nan, 5.0], "outputs": [3.0, 2.0, 1.0, np.nan, 0.0],
        "meetings_per_partnership": [5.0, 5.0, 3.0, np.nan, 5.0],
        "n_sectors": [1.5, 1.5, 2.0, 1.0, 1.0],
    })
    pd.testing.assert_frame_equal(cy, expected, check_dtype=False)
    members = council_activity(py, by="member", memberships=memberships)
    c2012 = members[(members["council_code"] == "C") & (members["year"] == 2012)].iloc[0]
    assert c2012["partnerships"] == 2 and c2012["meetings"] == 8.0  # P2 (3) + P3 (5)
    change = activity_change(cy, start=2010, end=2012).set_index("council_code")
    assert change.loc["A", "log_change"] == pytest.approx(np.log(3 / 5))
    assert np.isnan(change.loc["B", "log_change"])  # no 2010 value
    with pytest.raises(InputError, match="by must be"):
        council_activity(py, by="county")


def test_survival_table_and_km_by_hand(small):
    partnerships, _, _ = small
    surv = survival_data(partnerships, start=2010, end=2012)
    assert surv[["entry", "exit", "duration", "event"]].values.tolist() == [
        [2010, 2011, 1, 1], [2010, 2012, 2, 0], [2011, 2012, 1, 0]]
    km = kaplan_meier(surv, by=None)
    # 3 at risk at t=1, one dissolution -> 2/3; P3 censored at 1, P2 at 2.
    assert km.loc[km["time"] == 1, "survival"].iloc[0] == pytest.approx(2 / 3)
    assert km["at_risk"].tolist() == [3, 3, 1]


@pytest.fixture(scope="module")
def example():
    from analysis.data import load_dataset

    return load_dataset(EXAMPLE)


def test_cox_recovers_planted_hazard(example):
    from analysis.austerity import austerity_index

    idx = austerity_index(example["finance"], start=2010, end=2019, deflators=example["deflators"],
                          councils=example["councils"])
    surv = survival_data(example["partnerships"], start=2010, end=2019, austerity=idx)
    fit = cox_model(surv).iloc[0]
    assert fit["term"] == "cut_10pp"
    assert fit["ci_low"] <= 0.5 <= fit["ci_high"]  # planted log hazard ratio per 10 points
    assert fit["coef"] == pytest.approx(0.50, abs=0.05)
    km = kaplan_meier(surv, by="cut_quintile")
    last = km.groupby("group")["survival"].last()
    assert last["5"] < last["1"]  # the hardest-cut fifth's partnerships died sooner


def test_network_hand_computed_and_example(small, example):
    partnerships, _, memberships = small
    g = membership_network(memberships, partnerships, year=2012)  # P2 (A, C) and P3 (B, C)
    assert sorted(tuple(sorted(e[:2])) + (e[2],) for e in g.edges(data="weight")) == [("A", "C", 1), ("B", "C", 1)]
    m = network_measures(g).set_index("council_code")
    assert m.loc["C", "degree"] == 2 and m.loc["C", "betweenness"] == 1.0
    per, summary = network_change(memberships, partnerships, start=2010, end=2012)
    # 2010: P1 (A, B) and P2 (A, C) -> A has degree 2; 2012: A only with C -> 1.
    assert per.set_index("council_code").loc["A", "degree_change"] == -1
    assert summary["links"].tolist() == [2, 2]
    _, summary = network_change(example["memberships"], example["partnerships"], start=2010, end=2019)
    assert summary["councils"].min() > 250 and (summary["density"] < 0.1).all()


def test_activity_command_writes_tables(tmp_path):
    out = tmp_path / "activity"
    assert main(["activity", str(EXAMPLE), "--from", "2010", "--to", "2019", "--out", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    for name in ("partnership_years.csv", "council_years.csv", "activity_change.csv", "spearman.csv", "ols.csv",
                 "panel.csv", "quadrants.csv", "quadrant_summary.csv", "survival_km.csv", "survival_cox.csv",
                 "network_councils.csv", "network_summary.csv", "austerity.csv"):
        assert name in names
    ols = pd.read_csv(out / "ols.csv")
    simple = ols[(ols["model"] == "ols") & (ols["term"] == "cut") & (ols["formula"] == "log_change ~ cut")]
    assert simple["ci_low"].iloc[0] <= -2.0 <= simple["ci_high"].iloc[0]
    assert main(["activity", str(EXAMPLE), "--from", "2010", "--to", "2019", "--out", str(EXAMPLE / "x")]) == 2
