"""The Staffordshire case: the membership network and the board tables."""

from __future__ import annotations

import pandas as pd
from conftest import STAFFORDSHIRE

from analysis import casestudy, overview
from analysis.data import load_dataset


def test_membership_network_of_the_case():
    ds = load_dataset(STAFFORDSHIRE)
    g = casestudy.membership_graph(ds["memberships"], ds["partnerships"], councils=ds["councils"])
    nodes, edges = casestudy.network_frames(g, random_state=1)
    # 11 boards, the strategic board's 10 core members, and the 8 district councils that lead
    # their district arrangements (the county is a core member already).
    assert (nodes["kind"] == "board").sum() == 11 and len(nodes) == 29
    assert edges["role"].value_counts().to_dict() == {"member": 10, "lead": 10}
    assert nodes.loc[nodes["node"] == "SP01", "degree"].item() == 10  # its lead (the county) is a core member
    assert set(nodes["group"]) <= {"board", "local government", "health", "police and fire", "business", "other"}
    labels = nodes.loc[nodes["kind"] == "board", "board_label"]
    assert "Strategic Board" in set(labels) and "Tamworth" in set(labels)
    assert (nodes.loc[nodes["kind"] != "board", "board_label"] == "").all()


def test_layout_is_the_same_for_the_same_seed_and_edges_carry_end_points():
    ds = load_dataset(STAFFORDSHIRE)
    g = casestudy.membership_graph(ds["memberships"], ds["partnerships"])
    a = casestudy.network_frames(g, random_state=3)
    b = casestudy.network_frames(g, random_state=3)
    pd.testing.assert_frame_equal(a[0], b[0])
    nodes, edges = a
    xy = nodes.set_index("node")
    first = edges.iloc[0]
    assert (first["x0"], first["y1"]) == (xy.loc[first["source"], "x"], xy.loc[first["target"], "y"])


def test_board_summary_and_structure_shift():
    ds = load_dataset(STAFFORDSHIRE)
    boards = casestudy.board_summary(ds["partnerships"], ds["memberships"])
    assert boards.set_index("partnership_id").loc["SP01", "members"] == 10
    shift = casestudy.structure_shift(ds["partnerships"], ds["previous_boards"]).set_index("structure")["boards"]
    assert shift.tolist() == [3, 3, 8]


def test_overview_coverage_by_year_without_yearly_tables():
    ds = load_dataset(STAFFORDSHIRE)
    by_year = overview.coverage_by_year(ds)
    # activity exists for 2011-2012 only; partnerships alive: 10 set up in 2010 plus one in 2011.
    assert by_year.set_index("year")["partnerships_alive"].to_dict() == {2011: 11, 2012: 11}
