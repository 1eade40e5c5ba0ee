"""Real England, built from the official files: reproducible, valid, and right about well-known changes.

Each pinned change was checked by hand against the ONS code history (entity dates) and the
lookups in ../shared/data/real. Skipped when that folder is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
ENGLAND = ROOT / "data" / "england"

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real is absent")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("england") / "england"
    assert main(["build-england", str(REAL), "--out", str(out)]) == 0
    return out


def _read(folder, name):
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def test_rebuild_is_byte_identical_to_the_committed_dataset(built):
    names = sorted(p.name for p in ENGLAND.iterdir())
    assert names == sorted(p.name for p in built.iterdir())
    for name in names:
        assert (built / name).read_bytes() == (ENGLAND / name).read_bytes(), name


def test_committed_dataset_validates_and_covers_england(capsys):
    assert main(["validate", str(ENGLAND)]) == 0
    assert "no errors" in capsys.readouterr().out
    councils = _read(ENGLAND, "councils")
    assert len(councils) >= 300
    m = _read(ENGLAND, "memberships")
    types = set(_read(ENGLAND, "partnerships")["type"])
    assert {"lep", "combined_authority", "fire_rescue_authority", "community_safety", "local_resilience_forum",
            "integrated_care_system"} <= types
    assert (m["joined"] != "").all() and (m["left"] != "").sum() > 100


def test_spending_power_matches_the_published_changes():
    from analysis.data.importers import chain_spending_power, import_spending_power_changes

    f = pd.read_csv(ENGLAND / "finance.csv")
    both = f[f["year"].isin([2010, 2019])].pivot(index="council_code", columns="year", values="spending_power_gbp_m")
    both = both.dropna()
    assert len(both) >= 300
    ours = (both[2019] / both[2010] - 1).median()
    published = chain_spending_power(import_spending_power_changes(
        REAL / "spending_power_pike_robinson" / "SpendingPercentage.csv"), start=2010, end=2019)
    assert ours == pytest.approx(published["change"].median(), abs=1e-4)
    assert ours == pytest.approx(-0.140, abs=0.001)   # the median council lost 14% in cash


def test_north_of_tyne_created_2018_and_merged_into_the_north_east_2024():
    p = _read(ENGLAND, "partnerships").set_index("partnership_id")
    assert p.loc["E47000011", "name"] == "North of Tyne"
    assert (p.loc["E47000011", "established"], p.loc["E47000011", "dissolved"]) == ("2018", "2024")
    # the North East CA keeps one identity across its re-codes (2018, 2024)
    assert p.loc["E47000005", "codes"] == "E47000005;E47000010;E47000014"
    e = _read(ENGLAND, "membership_events")
    body = e[(e["partnership_id"] == "E47000011") & (e["council_code"] == "")]
    assert body["event"].tolist() == ["created", "merged_into"]
    m = _read(ENGLAND, "memberships")
    back = m[(m["partnership_id"] == "E47000005") & (m["council_code"] == "E08000021")]
    # Newcastle left the North East CA in 2018 (a choice) and came back through the 2024 merger (not one)
    assert back["left_event"].tolist() == ["left", ""]
    assert back["joined_event"].tolist() == ["in_first_snapshot", "merged"]


def test_fire_authority_mergers():
    e = _read(ENGLAND, "membership_events")
    hiow = e[(e["partnership_id"] == "E31000048") & (e["event"] == "formed_by_merger")]
    assert hiow["year"].tolist() == ["2021"] and "E31000017" in hiow["detail"].iloc[0]
    assert "E31000021" in hiow["detail"].iloc[0]
    dw = e[(e["partnership_id"] == "E31000047") & (e["event"] == "formed_by_merger")]
    assert dw["year"].tolist() == ["2016"] and dw["bracket"].tolist() == ["code history"]
    moved = e[(e["partnership_id"] == "E31000017") & (e["council_code"] != "") & (e["year"] == "2021")]
    assert set(moved["event"]) == {"merged"} and (moved["is_choice"] == "False").all()


def test_lep_overlaps_removed_around_2020_21():
    from analysis.membership import overlaps

    m, p, c = (pd.read_csv(ENGLAND / f"{n}.csv") for n in ("memberships", "partnerships", "councils"))
    o = overlaps(m, p, start=2014, end=2023, councils=c)
    lep = o[o["type"] == "lep"].set_index("year")["councils_in_two_or_more"]
    assert (lep[2014], lep[2017], lep[2021]) == (34, 31, 7)
    e = _read(ENGLAND, "membership_events")
    removed = e[(e["type"] == "lep") & (e["event"] == "overlap_removed")]
    assert len(removed) >= 15 and (removed["is_choice"] == "False").all()
    assert set(removed["bracket"]) <= {"2017-2021", "2020-2021"}   # all between the 2017 and 2021 lookups


def test_leps_wound_up_2023_24():
    p = _read(ENGLAND, "partnerships")
    lep = p[p["type"] == "lep"].set_index("partnership_id")
    alive_2021 = lep[lep["dissolved"].astype(int) >= 2021]
    assert set(alive_2021["dissolved"]) == {"2022", "2023"}
    assert lep.loc[["E37000001", "E37000006"], "dissolved"].tolist() == ["2022", "2022"]  # ended 31 March 2023
    assert lep.loc["E37000026", "dissolved"] == "2016"     # Northamptonshire merged into SEMLEP in 2017
    assert lep.loc["E37000040", "codes"] == "E37000028;E37000040;E37000054"   # Sheffield City Region re-coded


def test_council_reorganisations_are_never_choices():
    e = _read(ENGLAND, "membership_events")
    c = _read(ENGLAND, "councils")
    reorganised = set(c.loc[(c["end_date"] != "") | (c["start_date"] >= "2019-01-01"), "council_code"])
    assert {"E07000048", "E06000058", "E06000060", "E06000061", "E06000063", "E06000065", "E06000066"} <= reorganised
    theirs = e[e["council_code"].isin(reorganised)]
    assert (theirs.loc[theirs["event"] == "reorganisation"]).shape[0] > 100
    assert not (theirs["is_choice"] == "True").any()
    christchurch = e[(e["council_code"] == "E07000048") & (e["event"] == "reorganisation")]
    assert set(christchurch["year"]) == {"2019"}


def _mirror(tmp_path, *, replace: dict[str, str] | None = None, drop: str | None = None):
    """A raw folder of links to the real files, with one file replaced or dropped."""
    raw = tmp_path / "raw"
    for src in REAL.rglob("*"):
        if src.is_dir():
            continue
        rel = src.relative_to(REAL)
        if drop and str(rel) == drop:
            continue
        dst = raw / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if replace and str(rel) in replace:
            dst.write_text(replace[str(rel)], encoding="utf-8")
        else:
            os.symlink(src, dst)
    return raw


FRA18 = "ons_fra_lookups/LAD18_FRA18_Dec2018_EW.csv"


@pytest.mark.parametrize("case, message", [
    ("missing", "missing snapshot: .*LAD18_FRA18_Dec2018_EW.csv"),
    ("unknown_council", r"LAD18_FRA18_Dec2018_EW.csv, row 3: council code 'E07999999' is not in the council register"),
    ("vintage", r"LAD18_FRA18_Dec2018_EW.csv: unknown code vintage in column 'LAD08CD'"),
])
def test_bad_raw_folder_exits_2_and_writes_nothing(tmp_path, capsys, case, message):
    text = {"unknown_council": "LAD18CD,LAD18NM,FRA18CD,FRA18NM,FID\nE06000022,Bath,E31000001,Avon,1\n"
                               "E07999999,Nowhere,E31000001,Avon,2\n",
            "vintage": "LAD08CD,LAD08NM,FRA08CD,FRA08NM,FID\nE06000022,Bath,E31000001,Avon,1\n"}
    raw = _mirror(tmp_path, drop=FRA18 if case == "missing" else None,
                  replace={FRA18: text[case]} if case in text else None)
    out = tmp_path / "out"
    assert main(["build-england", str(raw), "--out", str(out)]) == 2
    import re

    assert re.search(message, capsys.readouterr().err)
    assert not out.exists() or not any(out.iterdir())


def test_activity_on_england_reports_what_the_memberships_show(tmp_path, capsys):
    out = tmp_path / "act"
    assert main(["activity", str(ENGLAND), "--out", str(out), "--n-boot", "100"]) == 0
    text = capsys.readouterr().out
    assert "mostly statutory geographies" in text and "median real change in spending power" in text
    ca = pd.read_csv(out / "ca_cuts.csv").set_index("group")
    assert ca.loc["combined authority", "councils"] >= 50
    # real terms with the bundled HM Treasury deflators: 24.3% against 28.2%
    assert ca.loc["combined authority", "median_cut"] == pytest.approx(0.243, abs=0.001)
    assert ca.loc["other", "median_cut"] == pytest.approx(0.282, abs=0.001)
    logit = pd.read_csv(out / "logit.csv")
    assert logit["verdict"].str.startswith("too few events").all()   # a handful of real choices


def test_typology_on_england_says_the_evidence_is_thin(tmp_path, capsys):
    out = tmp_path / "typ"
    assert main(["typology", str(ENGLAND), "--out", str(out), "--no-charts", "--bootstrap", "10"]) == 0
    assert "evidence too thin for a stable typology" in capsys.readouterr().out
    assert "evidence too thin" in (out / "typology_summary.md").read_text(encoding="utf-8")


def test_import_finance_in_one_step(tmp_path, capsys):
    out = tmp_path / "finance.csv"
    rs = REAL / "bbc_council_cuts_revenue_outturn" / "RS_2017-18_data_by_LA.xlsx"
    assert main(["import-finance", str(REAL / "spending_power_pike_robinson"), "--out", str(out),
                 "--outturn", str(rs)]) == 0
    assert "median cash change 2010 to 2019: -14.0% over 332 councils" in capsys.readouterr().out
    f = pd.read_csv(out)
    assert f["year"].min() == 2010 and f["year"].max() == 2019
    spend = f.loc[f["year"] == 2017, "revenue_expenditure_gbp_m"]
    assert spend.notna().sum() >= 300 and 40_000 < spend.sum() < 100_000   # GBP million, English councils


def test_bundled_deflators_turn_the_real_cash_cut_into_real_terms(tmp_path, capsys):
    """HM Treasury's index rose 17.3% from 2010 to 2019, so a 14% cash cut is about a 27% real one."""
    defl = pd.read_csv(ENGLAND / "deflators.csv").set_index("year")["deflator"]
    assert defl[2024] == 100 and defl[2019] / defl[2010] == pytest.approx(81.1085 / 69.1217)
    out = tmp_path / "a.csv"
    assert main(["austerity", str(ENGLAND), "--from", "2010", "--to", "2019", "--out", str(out)]) == 0
    assert "change_real_per_head" in capsys.readouterr().out
    real = pd.read_csv(out)["change_real_per_head"].median()
    assert real == pytest.approx(-0.267, abs=0.002)
    assert "HM Treasury" in (ENGLAND / "README.md").read_text(encoding="utf-8")


def test_no_deflators_leaves_the_table_out(tmp_path):
    out = tmp_path / "eng"
    assert main(["build-england", str(REAL), "--out", str(out), "--no-deflators"]) == 0
    assert not (out / "deflators.csv").exists()
    assert "--no-deflators" in (out / "README.md").read_text(encoding="utf-8")
    assert main(["austerity", str(out), "--from", "2010", "--to", "2019", "--out", str(tmp_path / "a.csv")]) == 2


def test_deflators_need_a_named_source(tmp_path, capsys):
    defl = tmp_path / "deflators.csv"
    defl.write_text("year,deflator\n2010-11,90.0\n2019-20,100.0\n", encoding="utf-8")
    out = tmp_path / "eng"
    assert main(["build-england", str(REAL), "--out", str(out), "--deflators", str(defl)]) == 2
    assert "--deflators-source" in capsys.readouterr().err
    from analysis.data.england import read_deflators

    assert read_deflators(defl)["year"].tolist() == [2010, 2019]
    defl.write_text("year,deflator\n2010-11,-1\n", encoding="utf-8")
    from analysis.errors import InputError

    with pytest.raises(InputError, match="deflators.csv, row 2"):
        read_deflators(defl)


def test_report_on_england_runs_06_and_names_what_it_skips(tmp_path):
    import json

    out = tmp_path / "rep"
    assert main(["report", str(ENGLAND), "--out", str(out), "--notebooks", "03,06", "--no-charts"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["notebooks"]) == ["06_england.ipynb"]
    assert "'activity' table" in manifest["notebooks_skipped"]["03_austerity_activity.ipynb"]
