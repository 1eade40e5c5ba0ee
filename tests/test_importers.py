"""Tests for analysis.data.importers and the import commands (real files skip when absent)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.data.importers import (
    chain_spending_power,
    import_la_register,
    import_outturn,
    import_spending_power_changes,
)
from analysis.errors import InputError

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
REGISTER = REAL / "mysociety_la_register" / "uk_local_authorities.csv"
LOOKUP = REAL / "mysociety_la_register" / "Local_Authority_District_to_County_April_2021_Lookup_in_England.csv"
SPENDING = REAL / "spending_power_pike_robinson" / "SpendingPercentage.csv"
RS_2017 = REAL / "bbc_council_cuts_revenue_outturn" / "RS_2017-18_data_by_LA.xlsx"
RS_2016 = REAL / "bbc_council_reserves" / "RS_2016-17_data_by_LA.xlsx"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real is not available")


def test_chain_hand_computed():
    changes = pd.DataFrame({"council_code": ["A", "A", "A", "B", "B", "C"],
                            "from_year": [2010, 2011, 2010, 2010, 2011, 2010],
                            "to_year": [2011, 2012, 2012, 2011, 2012, 2011],
                            "change": [-0.10, 0.20, 0.5, -0.5, None, -0.2]})
    got = chain_spending_power(changes, start=2010, end=2012)
    # A: 0.9 * 1.2 = 1.08 -> +8% (the 2010->2012 cumulative column is not a step);
    # B misses a step, C has one of two: neither gets a partial change.
    assert got["council_code"].tolist() == ["A"]
    assert got["change"].iloc[0] == pytest.approx(0.08)
    assert got.attrs["excluded"]["council_code"].tolist() == ["B", "C"]


def test_spending_power_rejects_text(tmp_path):
    f = tmp_path / "sp.csv"
    f.write_text("ons_code,201011_201112\nE1,minus five\n")
    with pytest.raises(InputError, match="not numbers: minus five"):
        import_spending_power_changes(f)


@needs_real
def test_register_to_councils_table():
    councils = import_la_register(REGISTER, county_lookup=LOOKUP)
    counts = councils["tier"].value_counts().to_dict()
    assert counts == {"district": 204, "unitary": 65, "metropolitan": 36, "london_borough": 33, "county": 27}
    districts = councils[councils["tier"] == "district"]
    assert districts["county_code"].notna().all()
    assert districts["county_code"].str.startswith("E10").all()
    kent = councils.set_index("council_name").loc["Ashford Borough Council"]
    assert kent["county_code"] == "E10000016"  # Kent
    assert councils["council_code"].is_unique
    assert 50_000_000 < councils.loc[councils["tier"] != "county", "population"].sum() < 60_000_000
    assert set(councils.attrs["excluded"]["reason"]) >= {"outside England", "combined authority (not a council)"}
    wales = import_la_register(REGISTER, nations=("Wales",))
    assert len(wales) == 22 and set(wales["tier"]) == {"unitary"}


@needs_real
def test_register_table_validates_as_councils(tmp_path):
    from analysis.data import read_dataset

    assert main(["import-register", str(REGISTER), "--out", str(tmp_path / "ds" / "councils.csv")]) == 0
    ds = read_dataset(tmp_path / "ds")  # councils only: the missing partnerships table is the one error
    errors = [p for p in ds.report.problems if p.severity == "error"]
    assert [p.table for p in errors] == ["partnerships"], ds.report.format()
    assert len(ds["councils"]) == 365
    assert main(["import-register", str(REGISTER), "--out", str(tmp_path / "ds" / "councils.csv")]) == 2
    assert main(["import-register", str(REGISTER), "--out", str(REGISTER.parent / "councils.csv")]) == 2


@needs_real
def test_spending_power_median_cash_change():
    changes = import_spending_power_changes(SPENDING)
    assert changes["council_code"].nunique() == 352
    chained = chain_spending_power(changes, start=2010, end=2019)
    assert len(chained) == 332 and len(chained.attrs["excluded"]) == 20  # councils abolished 2019-2020
    assert chained["change"].median() == pytest.approx(-0.14, abs=0.01)
    by_tier = chained.groupby("tier")["change"].median()
    assert by_tier["district"] < by_tier["county"]  # districts lost most in cash terms


@needs_real
def test_outturn_workbooks(tmp_path):
    rs = import_outturn(RS_2017)
    assert rs.attrs["sheet"] == "RS LA Data 2017-18"
    assert rs.attrs["placeholders"] == 886 + 95  # '...' and '…' cells, per the provenance notes
    assert rs["ecode"].nunique() == 445
    assert set(rs["year"]) == {2017}
    revenue = rs[rs["line"] == 800]
    assert revenue["line_name"].iloc[0] == "REVENUE EXPENDITURE"
    assert 80e6 < revenue["value_gbp_k"].sum() < 110e6  # about GBP 93 billion for all English authorities
    camb = rs[(rs["ecode"] == "E0521") & (rs["line"] == 190)].iloc[0]
    assert camb["authority"] == "Cambridgeshire" and camb["value_gbp_k"] == 278639.0
    assert main(["import-outturn", str(RS_2016), "--out", str(tmp_path / "rs.csv")]) == 0
    back = pd.read_csv(tmp_path / "rs.csv")
    assert back["ecode"].nunique() == 446 and set(back["year"]) == {2016}


@needs_real
def test_spending_power_command(tmp_path, capsys):
    out = tmp_path / "chained.csv"
    assert main(["import-spending-power", str(SPENDING), "--out", str(out), "--from", "2010", "--to", "2019"]) == 0
    assert "median cash change 2010 to 2019 -14.0%" in capsys.readouterr().out
    assert len(pd.read_csv(out)) == 332
