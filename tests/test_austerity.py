"""Tests for analysis.austerity and the ``austerity`` command."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.austerity import (
    AusterityCheckWarning,
    austerity_index,
    austerity_panel,
    check_plausibility,
)
from analysis.cli import main
from analysis.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "example"


@pytest.fixture(scope="module")
def example():
    from analysis.data import load_dataset

    return load_dataset(EXAMPLE)


@pytest.fixture
def three():
    """Three councils, three years. 2011 is there but plays no part; C has no 2011 row."""
    finance = pd.DataFrame({
        "council_code": ["A", "A", "A", "B", "B", "B", "C", "C"],
        "year": [2010, 2011, 2012, 2010, 2011, 2012, 2010, 2012],
        "spending_power_gbp_m": [100.0, 110.0, 120.0, 200.0, 190.0, 180.0, 50.0, 48.0],
        "population": [100_000, 100_000, 100_000, 200_000, 210_000, 225_000, 50_000, 48_000],
    })
    deflators = pd.DataFrame({"year": [2010, 2011, 2012], "deflator": [100.0, 105.0, 120.0]})
    councils = pd.DataFrame({"council_code": ["A", "B", "C"], "council_name": ["a", "b", "c"],
                             "tier": ["unitary", "district", "county"], "region": ["X"] * 3})
    return finance, deflators, councils


def test_hand_computed_real_per_head(three):
    finance, deflators, _ = three
    got = austerity_index(finance, start=2010, end=2012, deflators=deflators)
    # On paper: prices rise by 120/100 = 1.2.
    # A: cash 120/100 = 1.2 -> +20%; real 1.2/1.2 -> 0; population flat -> per head the same.
    # B: cash 180/200 = 0.9 -> -10%; real 0.9/1.2 = 0.75 -> -25%; population x1.125:
    #    cash per head 0.9/1.125 = 0.8 -> -20%; real per head 0.8/1.2 -> -1/3.
    # C: cash 48/50 = 0.96 -> -4%; real 0.8 -> -20%; population x0.96: cash per head 1.0 -> 0;
    #    real per head 1/1.2 -> -1/6.
    # Per head at 2012 prices: every council starts at GBP 1,000 x 1.2 = 1,200 a head;
    # ends at A 120m/100k = 1,200, B 180m/225k = 800, C 48m/48k = 1,000.
    expected = pd.DataFrame({
        "council_code": ["A", "B", "C"],
        "basis": ["council"] * 3,
        "start_year": [2010] * 3,
        "end_year": [2012] * 3,
        "start_gbp_m": [100.0, 200.0, 50.0],
        "end_gbp_m": [120.0, 180.0, 48.0],
        "start_population": [100_000.0, 200_000.0, 50_000.0],
        "end_population": [100_000.0, 225_000.0, 48_000.0],
        "change_cash": [0.2, -0.1, -0.04],
        "change_real": [0.0, -0.25, -0.2],
        "change_cash_per_head": [0.2, -0.2, 0.0],
        "change_real_per_head": [0.0, -1 / 3, -1 / 6],
        "measure": ["change_real_per_head"] * 3,
        "start_value": [1200.0, 1200.0, 1200.0],
        "end_value": [1200.0, 800.0, 1000.0],
        "change": [0.0, -1 / 3, -1 / 6],
        "cut": [0.0, 1 / 3, 1 / 6],
        "cut_rank": pd.array([3, 1, 2], dtype="Int64"),
        "cut_quintile": pd.array([1, 4, 2], dtype="Int64"),
        "combined_from": ["", "", ""],
    })
    pd.testing.assert_frame_equal(got, expected, check_exact=False, atol=1e-9)
    assert got.attrs["excluded"].empty


def test_cash_total_measure_and_no_mutation(three):
    finance, deflators, _ = three
    before = finance.copy()
    got = austerity_index(finance, start=2010, end=2012, real=False, per_head=False)
    pd.testing.assert_frame_equal(finance, before)
    assert got["measure"].unique().tolist() == ["change_cash"]
    assert got["cut"].round(6).tolist() == [-0.2, 0.1, 0.04]
    assert got["cut_rank"].tolist() == [3, 1, 2]
    assert got["change_real"].isna().all()  # no deflators given: no real figures invented
    assert got["start_value"].tolist() == [100.0, 200.0, 50.0]


def test_missing_years_are_missing_and_new_councils_reported(three):
    finance, deflators, _ = three
    new = pd.DataFrame({"council_code": ["D", "D"], "year": [2011, 2012],
                        "spending_power_gbp_m": [10.0, 9.0], "population": [1000, 1000]})
    got = austerity_index(pd.concat([finance, new]), start=2010, end=2012, deflators=deflators)
    assert "D" not in set(got["council_code"])
    excluded = got.attrs["excluded"]
    assert excluded["council_code"].tolist() == ["D"]
    assert "no finance before 2011" in excluded["reason"].iloc[0]
    # A missing value (not a missing row) in the end year is not read as zero either.
    gap = finance.assign(spending_power_gbp_m=finance["spending_power_gbp_m"].where(
        ~((finance["council_code"] == "A") & (finance["year"] == 2012))))
    got = austerity_index(gap, start=2010, end=2012, deflators=deflators)
    assert got["council_code"].tolist() == ["B", "C"]
    assert "no value" in got.attrs["excluded"]["reason"].iloc[0]


def test_county_area_combines_county_and_districts():
    finance = pd.DataFrame({
        "council_code": ["K", "K", "D1", "D1", "D2", "D2", "U", "U"],
        "year": [2010, 2012] * 4,
        "spending_power_gbp_m": [100.0, 100.0, 10.0, 12.0, 20.0, 18.0, 50.0, 40.0],
        "population": [300, 330, 100, 110, 200, 220, 80, 80],
    })
    councils = pd.DataFrame({"council_code": ["K", "D1", "D2", "U"], "tier": ["county", "district", "district",
                                                                             "unitary"],
                             "county_code": [None, "K", "K", None]})
    got = austerity_index(finance, start=2010, end=2012, real=False, councils=councils, basis="county_area")
    # Area K = 100 + 10 + 20 = 130 both years; population is the county's own (300 -> 330),
    # so per head 130/330 / (130/300) = 300/330 -> -1/11.
    area = got.set_index("council_code").loc["K"]
    assert area["start_gbp_m"] == 130.0
    assert area["end_population"] == 330.0
    assert area["change_cash_per_head"] == pytest.approx(-1 / 11)
    assert area["combined_from"] == "D1+D2+K"
    assert area["tier"] == "county_area"
    assert got["basis"].unique().tolist() == ["county_area"]
    assert got.set_index("council_code").loc["U", "change_cash"] == pytest.approx(-0.2)
    with pytest.raises(InputError, match="county_code"):
        austerity_index(finance, start=2010, end=2012, real=False, basis="county_area")


@pytest.mark.parametrize("case, match", [
    ("no_deflators", "no deflators were given"),
    ("deflator_year", r"no value for year\(s\) 2012"),
    ("population_zero", "population is zero"),
    ("duplicate", "appear more than once: B 2010"),
    ("unknown_council", "not in councils: C"),
    ("span", "must come after"),
])
def test_bad_input_is_reported(three, case, match):
    finance, deflators, councils = three
    kwargs = {"start": 2010, "end": 2012, "deflators": deflators}
    if case == "no_deflators":
        kwargs["deflators"] = None
    elif case == "deflator_year":
        kwargs["deflators"] = deflators[deflators["year"] != 2012]
    elif case == "population_zero":
        finance = finance.assign(population=finance["population"].mask(finance["council_code"] == "C", 0))
    elif case == "duplicate":
        finance = pd.concat([finance, finance.iloc[[3]]])
    elif case == "unknown_council":
        kwargs["councils"] = councils[councils["council_code"] != "C"]
    elif case == "span":
        kwargs["end"] = 2010
    with pytest.raises(InputError, match=match):
        austerity_index(finance, **kwargs)


def test_example_matches_generator_and_reports_mergers(example):
    idx = austerity_index(example["finance"], start=2010, end=2019, deflators=example["deflators"],
                          councils=example["councils"])
    assert len(idx) == 312
    assert sorted(idx.attrs["excluded"]["council_code"]) == ["XD001", "XD002", "XD022", "XD023", "XD901", "XD902"]
    assert idx["cut"].median() == pytest.approx(0.267, abs=0.005)
    truth = example["truth"].drop_duplicates("lead_council_code").set_index("lead_council_code")
    planted = idx.set_index("council_code")["cut"].reindex(truth.index).dropna()
    diff = planted - truth.loc[planted.index, "lead_council_cut"].astype(float)
    assert diff.abs().mean() < 0.01  # the generator adds 1% noise a year
    assert idx.groupby("cut_quintile").size().tolist() == [63, 62, 63, 62, 62]
    merged = austerity_index(example["finance"], start=2010, end=2019, deflators=example["deflators"],
                             councils=example["councils"], predecessors=example["predecessors"])
    assert merged.attrs["excluded"].empty
    row = merged.set_index("council_code").loc["XD901"]
    assert row["combined_from"] == "XD001+XD022"
    assert 0.2 < row["cut"] < 0.4


def test_plausibility_checks_pass_on_example_and_warn_when_wrong(example):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        checks = check_plausibility(example["finance"], deflators=example["deflators"], councils=example["councils"])
    assert checks["status"].tolist() == ["ok", "ok", "ok"]
    assert checks.loc[0, "measured"] == pytest.approx(-0.23, abs=0.01)
    # Deflators of a country with runaway inflation make the real fall implausible.
    wild = example["deflators"].assign(deflator=lambda d: d["deflator"] * np.where(d["year"] >= 2015, 2, 1))
    with pytest.warns(AusterityCheckWarning) as record:
        checks = check_plausibility(example["finance"], deflators=wild, councils=example["councils"])
    assert sorted(str(w.message).split(":")[0] for w in record) == [
        "plausibility check ifs_deprivation_ratio", "plausibility check ifs_real_per_person",
        "plausibility check nao_real_spending_power"]
    assert checks.loc[0, "status"] == "far from published"
    with pytest.warns(AusterityCheckWarning, match="ifs_deprivation_ratio could not be run"):
        checks = check_plausibility(example["finance"], deflators=example["deflators"])
    assert checks.loc[2, "status"] == "not checked"


def test_panel_cumulative_change(three):
    finance, deflators, _ = three
    panel = austerity_panel(finance, start=2010, end=2012, deflators=deflators)
    b = panel[panel["council_code"] == "B"].set_index("year")["change"]
    # B 2011: 190/210k a head at 105 against 200/200k at 100.
    assert b[2011] == pytest.approx((190 / 210_000) / 1.05 / (200 / 200_000) - 1)
    assert b[2012] == pytest.approx(-1 / 3)
    assert 2011 not in set(panel.loc[panel["council_code"] == "C", "year"])


def test_command_writes_index_exclusions_and_checks(tmp_path, capsys):
    out = tmp_path / "austerity.csv"
    code = main(["austerity", str(EXAMPLE), "--from", "2010", "--to", "2019", "--out", str(out)])
    assert code == 0
    table = pd.read_csv(out)
    assert len(table) == 312 and table["measure"].unique().tolist() == ["change_real_per_head"]
    assert len(pd.read_csv(tmp_path / "austerity_excluded.csv")) == 6
    assert pd.read_csv(tmp_path / "austerity_checks.csv")["status"].tolist() == ["ok", "ok", "ok"]
    assert "312 councils measured" in capsys.readouterr().out
    assert main(["austerity", str(EXAMPLE), "--from", "2010", "--to", "2019", "--out", str(out)]) == 2
    code = main(["austerity", str(EXAMPLE), "--from", "2010", "--to", "2019", "--out", str(out), "--force",
                 "--cash", "--total", "--basis", "county-area", "--combine-predecessors"])
    assert code == 0
    table = pd.read_csv(out)
    assert len(table) == 152 and table["basis"].unique().tolist() == ["county_area"]
    assert table["measure"].unique().tolist() == ["change_cash"]


def test_command_without_deflators_fails_clearly(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("councils", "finance", "partnerships"):
        shutil.copy(EXAMPLE / f"{name}.csv", data / f"{name}.csv")
    code = main(["austerity", str(data), "--from", "2010", "--to", "2019", "--out", str(tmp_path / "a.csv")])
    assert code == 2
    assert "deflators" in capsys.readouterr().err
    code = main(["austerity", str(data), "--from", "2010", "--to", "2019", "--cash",
                 "--out", str(data / "a.csv")])
    assert code == 2  # never writes into the input folder


def test_standard_charts_draw_computed_frames(example):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.austerity import dominant_option, standard_charts

    typology = example["truth"][["partnership_id", "option"]]
    charts = standard_charts(example, random_state=0, typology=typology, n_boot=100)
    try:
        assert [c.name for c in charts] == ["austerity_activity_scatter", "austerity_activity_quadrants",
                                            "austerity_activity_quintiles", "austerity_survival"]
        scatter = charts[0]
        axes = scatter.fig.axes
        assert [ax.get_title() for ax in axes[:5]] == ["County", "District", "London borough", "Metropolitan",
                                                       "Unitary"]
        # The title states the finding, from the estimate's interval (planted slope is negative).
        assert scatter.title == "Where cuts were deeper, partnership meetings fell further"
        from matplotlib.collections import PathCollection

        points = sum(len(c.get_offsets()) for ax in axes[:5] for c in ax.collections if isinstance(c, PathCollection))
        assert points == scatter.data["log_change"].notna().sum() == 289
        assert "negative relation (cut)" in scatter.alt_text
        assert set(scatter.data["option"]) <= {"fight", "adapt", "exit", "collaborate", "none"}
        assert "Cox hazard ratio" in charts[3].alt_text
        assert set(charts[3].data["group"]) == {"least cut fifth", "most cut fifth"}
    finally:
        for c in charts:
            plt.close(c.fig)
    dom = dominant_option(example["partnerships"], typology)
    assert dom["council_code"].is_unique and len(dom) > 250


def test_the_result_holds_the_lowess_band_only_when_asked_and_the_chart_says_so(example):
    from analysis.austerity import AusterityResult, austerity_against_activity
    from analysis.figures.austerity import austerity_charts

    plain = austerity_against_activity(example, start=2011, end=2018, n_boot=100, random_state=4)
    assert isinstance(plain, AusterityResult) and plain.lowess is None
    assert (plain.start, plain.end, plain.n_boot, plain.random_state) == (2011, 2018, 100, 4)
    assert "lowess" not in plain.tables() and len(plain.tables()) == 18
    assert plain["data"] is plain.data
    with pytest.raises(ValueError, match="lowess=True"):
        austerity_charts(plain)
    banded = austerity_against_activity(example, start=2011, end=2018, n_boot=100, random_state=4, lowess=True)
    assert set(banded.lowess["tier"]) == set(banded.data.dropna(subset=["cut", "log_change"])["tier"])
    pd.testing.assert_frame_equal(banded.spearman, plain.spearman)  # the band draws after the interval
