"""What dated memberships show: members by year, overlaps, choices and the thin-evidence verdict."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.membership import (
    council_partnerships,
    evidence_strength,
    members_by_year,
    membership_indicator_options,
    membership_outcomes,
    membership_years,
    overlaps,
)

M = pd.DataFrame({
    "partnership_id": ["X", "X", "Y", "Y", "Z"],
    "council_code": ["A", "B", "B", "C", "A"],
    "joined": [2010, 2010, 2012, 2010, 2011],
    "left": [None, 2013, None, 2012, None],
})
P = pd.DataFrame({"partnership_id": ["X", "Y", "Z"], "type": ["lep", "lep", "combined_authority"]})
E = pd.DataFrame({
    "partnership_id": ["X", "X", "Y", "Y", "Y", "Z"],
    "council_code": ["A", "B", "B", "C", "C", "A"],
    "event": ["in_first_snapshot", "left", "joined", "in_first_snapshot", "reorganisation", "founding"],
    "year": [2010, 2013, 2012, 2010, 2012, 2011],
    "is_choice": [False, True, True, False, False, False],
})
C = pd.DataFrame({"council_code": ["A", "B", "C"], "tier": ["unitary", "district", "district"],
                  "region": ["North", "North", "South"], "deprivation": [20.0, 10.0, 15.0],
                  "population": [100000, 50000, 60000]})


def test_membership_years_count_from_joined_to_the_year_before_left():
    y = membership_years(M, start=2010, end=2014)
    assert y[(y["partnership_id"] == "X") & (y["council_code"] == "B")]["year"].tolist() == [2010, 2011, 2012]
    assert y[(y["partnership_id"] == "Y") & (y["council_code"] == "C")]["year"].tolist() == [2010, 2011]
    assert len(y[y["partnership_id"] == "Z"]) == 4


def test_members_by_year_counts_joins_and_exits_and_choices_apart():
    t = members_by_year(M, P, events=E, start=2010, end=2014).set_index(["partnership_id", "year"])
    assert t.loc[("X", 2012), "members"] == 2 and t.loc[("X", 2013), "members"] == 1
    assert t.loc[("X", 2013), "left"] == 1 and t.loc[("X", 2013), "left_by_choice"] == 1
    assert t.loc[("Y", 2012), "joined"] == 1 and t.loc[("Y", 2012), "joined_by_choice"] == 1
    assert t.loc[("Y", 2012), "left"] == 1 and t.loc[("Y", 2012), "left_by_choice"] == 0   # a reorganisation


def test_overlaps_and_partnerships_per_council():
    cp = council_partnerships(M, P, start=2010, end=2014)
    b = cp[(cp["council_code"] == "B") & (cp["type"] == "lep")].set_index("year")["partnerships"]
    assert b.to_dict() == {2010: 1, 2011: 1, 2012: 2, 2013: 1, 2014: 1}
    o = overlaps(M, P, start=2010, end=2014).set_index(["type", "year"])["councils_in_two_or_more"]
    assert o[("lep", 2012)] == 1 and o[("lep", 2011)] == 0


def test_outcomes_flag_choices_in_the_window_only():
    out = membership_outcomes(M, P, E, C, start=2010, end=2014).set_index("council_code")
    assert out.loc["B", "left_by_choice"] == 1 and out.loc["B", "joined_by_choice"] == 1
    assert out.loc["C", "left_by_choice"] == 0          # its exit was a reorganisation
    assert out.loc["A", "combined_authority"] == 1 and out.loc["B", "combined_authority"] == 0
    assert out.loc["B", "first_choice_year"] == 2012
    later = membership_outcomes(M, P, E, C, start=2012, end=2014).set_index("council_code")
    assert later.loc["B", "joined_by_choice"] == 0      # 2012 is the window's first year, not inside it


def test_evidence_strength_says_when_too_thin():
    thin = pd.DataFrame({"partnership_id": [f"P{i}" for i in range(100)], "value": [1] * 5 + [0] * 95})
    rich = pd.DataFrame({"partnership_id": [f"P{i}" for i in range(100)], "value": [1] * 60 + [0] * 40})
    s = evidence_strength(thin)
    assert s["thin"] and s["with_evidence"] == 5
    assert s["verdict"].startswith("evidence too thin for a stable typology: only 5 of 100")
    assert not evidence_strength(rich)["thin"]


def test_indicator_mapping_is_data_and_uses_kahane_options():
    from analysis.data.schema import OPTIONS

    mapping = membership_indicator_options()
    assert mapping["members_left"] == "exit" and mapping["members_joined"] == "collaborate"
    assert set(mapping.values()) <= set(OPTIONS)
    from analysis.data.england import EVENT_INDICATORS

    assert set(EVENT_INDICATORS.values()) == set(mapping)


@pytest.mark.parametrize("bad", [pd.DataFrame({"x": [1]})])
def test_missing_columns_are_named(bad):
    from analysis.errors import InputError

    with pytest.raises(InputError, match="missing column"):
        membership_years(bad, start=2010, end=2011)


def test_notebook_06_reads_the_bundled_england_beside_any_dataset_and_is_skipped_without_one(tmp_path):
    """The example has no dated memberships: 06 runs on the bundled real England instead, and a
    dataset without them named as ``england_dataset`` is skipped with the reason."""
    import json
    from pathlib import Path

    from analysis.cli import main

    example = Path(__file__).resolve().parents[1] / "data" / "example"
    out = tmp_path / "rep"
    assert main(["report", str(example), "--out", str(out), "--notebooks", "06", "--no-charts"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["notebooks"]) == ["06_england.ipynb"]
    assert manifest["notebooks_skipped"] == {}
    executed = (out / "notebooks" / "06_england.ipynb").read_text(encoding="utf-8")
    assert "365 councils" in executed and "554 partnerships" in executed  # the real England, not the example

    out = tmp_path / "rep2"
    assert main(["report", str(example), "--out", str(out), "--notebooks", "06", "--no-charts",
                 "-p", f"england_dataset={example}"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["notebooks"] == {}
    assert "membership_events" in manifest["notebooks_skipped"]["06_england.ipynb"]
