"""Readers of the official partnership geographies, on small files whose answers are known."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.geographies import (
    Snapshot,
    aggregate_lsoa,
    build_lineages,
    council_resolver,
    derive_memberships,
    financial_year,
    normalise_name,
    read_lookup,
)
from analysis.errors import InputError


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_lookup_finds_vintage_columns_in_both_styles(tmp_path):
    ons = _write(tmp_path, "ons.csv", "FID,LAD19CD,LAD19NM,FRA19CD,FRA19NM\n1,E06000022,Bath,E31000001 ,Avon\n")
    snake = _write(tmp_path, "snake.csv", "ltla21_name,ltla21_code,fra21_name,fra21_code\nBath,E06000022,Avon,E31000001\n")
    a = read_lookup(ons, body="FRA")
    b = read_lookup(snake, body="fra")
    assert a.loc[0, "body_code"] == "E31000001"   # the trailing space is gone
    assert (a.loc[0, "vintage"], b.loc[0, "vintage"]) == (19, 21)
    assert a.loc[0, "row"] == 2


def test_read_lookup_reads_first_and_second_lep(tmp_path):
    f = _write(tmp_path, "lep.csv", "LSOA11CD,LSOA11NM,LEP14CD1,LEP14NM1,LEP14CD2,LEP14NM2,FID\n"
               "L1,x,E37000001,A,,,1\nL2,x,E37000001,A,E37000002,B,2\n")
    lk = read_lookup(f, area="LSOA|lsoa", body="LEP")
    assert list(zip(lk["area_code"], lk["body_code"], lk["slot"], strict=True)) == [
        ("L1", "E37000001", "1"), ("L2", "E37000001", "1"), ("L2", "E37000002", "2")]


def test_unknown_code_vintage_names_file_and_column(tmp_path):
    f = _write(tmp_path, "old.csv", "LAD09CD,LAD09NM,FRA09CD,FRA09NM\nE1,x,E31,y\n")
    with pytest.raises(InputError, match=r"old.csv: unknown code vintage in column 'LAD09CD'"):
        read_lookup(f, body="FRA")


def test_missing_snapshot_is_named(tmp_path):
    with pytest.raises(InputError, match="missing snapshot: .*absent.csv"):
        read_lookup(tmp_path / "absent.csv", body="FRA")


def test_lsoa_shares_and_majority_rule():
    lsoa = pd.DataFrame({"area_code": ["L1", "L2", "L3", "L4", "L4"], "lad_code": ["A", "A", "A", "B", "B"],
                         "body_code": ["X", "X", "Y", "X", "Y"], "body_name": ["x", "x", "y", "x", "y"],
                         "slot": ["1", "1", "1", "1", "2"], "row": [2, 3, 4, 5, 5]})
    out = aggregate_lsoa(lsoa).set_index(["area_code", "body_code"])
    assert out.loc[("A", "X"), "share"] == pytest.approx(2 / 3)
    assert out.loc[("A", "Y"), "share"] == pytest.approx(1 / 3)
    assert bool(out.loc[("A", "X"), "member"]) and not bool(out.loc[("A", "Y"), "member"])
    # an overlap: B's one LSOA is in both bodies, so it is a full member of both
    assert out.loc[("B", "X"), "share"] == out.loc[("B", "Y"), "share"] == 1.0


def test_lsoa_shares_that_do_not_sum_name_the_row():
    lsoa = pd.DataFrame({"area_code": ["L1", "L1"], "lad_code": ["A", "A"], "body_code": ["X", "Y"],
                         "body_name": ["x", "y"], "slot": ["1", "1"], "row": [2, 3]})
    with pytest.raises(InputError, match=r"f.csv, row 3: LSOA L1 is listed more than once.*do not sum to 1"):
        aggregate_lsoa(lsoa, source="f.csv")


def test_unknown_council_code_names_file_and_row():
    resolve = council_resolver(pd.DataFrame({"council_code": ["E06000001"]}), former_codes={"E06000999": "E06000001"})
    assert resolve("E06000999", "f.csv", 7) == "E06000001"
    with pytest.raises(InputError, match=r"f.csv, row 9: council code 'E07000001' is not in the council register"):
        resolve("E07000001", "f.csv", 9)


def test_names_spelt_differently_agree():
    assert normalise_name("Southend-on-Sea") == normalise_name("Southend on Sea")
    assert normalise_name("Kingston upon Hull, City of") == normalise_name("Kingston-on-Hull City")
    assert normalise_name("Devon & Somerset") == normalise_name("Devon and Somerset")
    assert financial_year("2024-03-31") == 2023


def _snap(kind, date, pairs):
    return Snapshot(kind, date, pd.DataFrame({
        "council_code": [c for c, _ in pairs], "body_code": [b for _, b in pairs],
        "body_name": [b for _, b in pairs], "share": 1.0, "member": True, "row": 2, "source": "t"}))


COUNCILS = pd.DataFrame({"council_code": ["A", "B", "C", "D", "E"],
                         "start_date": [None, None, None, None, "2019-04-01"],
                         "end_date": [None, None, None, "2019-03-31", None],
                         "replaced_by_code": ["", "", "", "E", ""]})


def test_recode_is_the_same_body_and_no_one_moves():
    snaps = [_snap("lep", "2016-12-31", [("A", "X1"), ("B", "X1")]),
             _snap("lep", "2018-12-31", [("A", "X2"), ("B", "X2")])]
    res = derive_memberships(snaps, kind="lep", councils=COUNCILS)
    assert res["partnerships"]["codes"].tolist() == ["X1;X2"]
    assert res["memberships"]["left"].isna().all()
    ev = res["events"]
    assert set(ev["event"]) == {"in_first_snapshot", "recoded"}
    assert not ev["is_choice"].any()


def test_merger_of_two_bodies_is_not_a_choice():
    snaps = [_snap("fire_rescue_authority", "2019-12-31", [("A", "F1"), ("B", "F1"), ("C", "F2")]),
             _snap("fire_rescue_authority", "2021-04-01", [("A", "F3"), ("B", "F3"), ("C", "F3")])]
    lineage, ev = build_lineages(snaps)
    assert lineage["F3"] == "F3"
    assert set(ev.loc[ev["event"] == "merged_into", "code"]) == {"F1", "F2"}
    res = derive_memberships(snaps, kind="fire_rescue_authority", councils=COUNCILS)
    m = res["memberships"].set_index(["partnership_id", "council_code"])
    assert m.loc[("F1", "A"), "left"] == 2021 and m.loc[("F1", "A"), "left_event"] == "merged"
    assert m.loc[("F3", "C"), "joined_event"] == "merged"
    assert not res["events"]["is_choice"].any()


def test_council_leaving_a_living_body_is_a_choice_and_is_bracketed():
    snaps = [_snap("combined_authority", "2017-03-31", [("A", "N"), ("B", "N"), ("C", "N")]),
             _snap("combined_authority", "2018-12-31", [("A", "N"), ("B", "N"), ("C", "T")])]
    res = derive_memberships(snaps, kind="combined_authority", councils=COUNCILS)
    m = res["memberships"].set_index(["partnership_id", "council_code"])
    assert m.loc[("N", "C"), "left"] == 2018
    assert m.loc[("N", "C"), "left_bracket"] == "2016-2018"
    ev = res["events"]
    choice = ev[ev["is_choice"]]
    assert list(zip(choice["council_code"], choice["event"], strict=True)) == [("C", "left")]


def test_reorganisation_is_never_a_choice():
    snaps = [_snap("lep", "2017-04-01", [("A", "X"), ("D", "X")]),
             _snap("lep", "2020-04-01", [("A", "X"), ("E", "X")])]
    res = derive_memberships(snaps, kind="lep", councils=COUNCILS)
    m = res["memberships"].set_index(["partnership_id", "council_code"])
    assert m.loc[("X", "D"), "left_event"] == "reorganisation" and m.loc[("X", "D"), "left"] == 2019
    assert m.loc[("X", "E"), "joined_event"] == "reorganisation" and m.loc[("X", "E"), "joined"] == 2019
    assert not res["events"]["is_choice"].any()


def test_a_council_missing_from_one_snapshot_has_not_left():
    snaps = [_snap("lep", "2014-12-31", [("A", "X"), ("B", "X")]),
             _snap("lep", "2017-04-01", [("A", "X")]),
             _snap("lep", "2020-04-01", [("A", "X"), ("B", "X")])]
    res = derive_memberships(snaps, kind="lep", councils=COUNCILS)
    assert res["memberships"]["left"].isna().all()
    assert len(res["memberships"]) == 2


def test_boundary_changes_of_nhs_areas_are_not_choices():
    snaps = [_snap("integrated_care_system", "2019-04-01", [("A", "S1"), ("B", "S2")]),
             _snap("integrated_care_system", "2020-04-01", [("A", "S2"), ("B", "S2")])]
    res = derive_memberships(snaps, kind="integrated_care_system", councils=COUNCILS)
    assert "boundary_change" in set(res["events"]["event"]) or "merged" in set(res["events"]["event"])
    assert not res["events"]["is_choice"].any()
