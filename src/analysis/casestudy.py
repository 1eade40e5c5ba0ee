"""The Staffordshire case: a county's 2010 partnership restructure as a network.

Organisations are linked to the boards they sit on (a two-mode network); the layout is
computed here, deterministically, so that the plotting layer only draws it.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

__all__ = ["membership_graph", "network_frames", "board_summary", "structure_shift"]


def membership_graph(memberships: pd.DataFrame, partnerships: pd.DataFrame, *,
                     councils: pd.DataFrame | None = None) -> nx.Graph:
    """A two-mode graph: boards and member organisations, edges carrying the member's role.

    With ``councils``, each board is also linked to its lead council (role ``lead``)
    when that council is not already a member.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"partnership_id": ["B1"], "name": ["Board"], "type": ["forum"]})
    >>> m = pd.DataFrame({"partnership_id": ["B1", "B1"], "member_id": ["O1", "O2"],
    ...                   "member_name": ["Org 1", "Org 2"], "sector": ["health", "police"],
    ...                   "role": ["member", "responsible"]})
    >>> g = membership_graph(m, p)
    >>> sorted(g.nodes), g.number_of_edges()
    (['B1', 'O1', 'O2'], 2)
    """
    g = nx.Graph()
    for p in partnerships.sort_values("partnership_id").itertuples(index=False):
        g.add_node(p.partnership_id, kind="board", label=p.name, sector="board", type=p.type)
    for m in memberships.sort_values(["partnership_id", "member_id"]).itertuples(index=False):
        if m.member_id not in g:
            g.add_node(m.member_id, kind="organisation", label=m.member_name, sector=m.sector)
        g.add_edge(m.partnership_id, m.member_id, role=m.role)
    if councils is not None and "lead_council_code" in partnerships.columns:
        names = councils.set_index("council_code")["council_name"]
        for p in partnerships.dropna(subset=["lead_council_code"]).sort_values("partnership_id").itertuples():
            code = p.lead_council_code
            if code not in g:
                g.add_node(code, kind="organisation", label=names.get(code, code), sector="local_government")
            if not g.has_edge(p.partnership_id, code):
                g.add_edge(p.partnership_id, code, role="lead")
    return g


#: Sectors grouped to at most six colours (the accessible limit for one chart).
_GROUPS = {"board": "board", "local_government": "local government", "health": "health",
           "police": "police and fire", "fire": "police and fire", "business": "business"}


def _short(name: str) -> str:
    """A short label for a board: the part after a colon, else the name without filler words."""
    if ":" in name:
        return name.split(":", 1)[1].strip()
    return name.replace("Staffordshire ", "").replace("Local Enterprise Partnership", "LEP")


def network_frames(graph: nx.Graph, *, random_state: int = 2010) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (with x, y, degree) and edges (with end coordinates) of a deterministic layout.

    Boards are laid out on an inner ring and organisations on an outer ring, with a
    spring layout refining positions from that fixed start (seeded).
    """
    boards = sorted(n for n, d in graph.nodes(data=True) if d["kind"] == "board")
    orgs = sorted(n for n, d in graph.nodes(data=True) if d["kind"] != "board")
    pos0 = {}
    for ring, nodes, radius in ((0, boards, 0.45), (1, orgs, 1.0)):
        for i, n in enumerate(nodes):
            angle = 2 * np.pi * i / max(len(nodes), 1) + ring * 0.3
            pos0[n] = (radius * np.cos(angle), radius * np.sin(angle))
    pos = nx.spring_layout(graph, pos=pos0, seed=random_state, iterations=30, k=0.9) if len(graph) > 1 else pos0
    nodes = pd.DataFrame(
        [{"node": n, "label": d["label"], "kind": d["kind"], "sector": d["sector"],
          "group": _GROUPS.get(d["sector"], "other"),
          "board_label": _short(d["label"]) if d["kind"] == "board" else "",
          "degree": graph.degree(n), "x": round(float(pos[n][0]), 4), "y": round(float(pos[n][1]), 4)}
         for n, d in graph.nodes(data=True)]
    ).sort_values(["kind", "node"]).reset_index(drop=True)
    edges = pd.DataFrame(
        [{"source": u if graph.nodes[u]["kind"] == "board" else v,
          "target": v if graph.nodes[u]["kind"] == "board" else u, "role": d.get("role", "")}
         for u, v, d in graph.edges(data=True)]
    )
    if len(edges):
        xy = nodes.set_index("node")[["x", "y"]]
        edges = edges.assign(x0=edges["source"].map(xy["x"]), y0=edges["source"].map(xy["y"]),
                             x1=edges["target"].map(xy["x"]), y1=edges["target"].map(xy["y"]))
        edges = edges.sort_values(["source", "target"]).reset_index(drop=True)
    return nodes, edges


def board_summary(partnerships: pd.DataFrame, memberships: pd.DataFrame | None = None) -> pd.DataFrame:
    """Boards with their type, level, meeting frequency and number of core members."""
    cols = [c for c in ("partnership_id", "name", "type", "level", "meeting_frequency", "established")
            if c in partnerships.columns]
    out = partnerships[cols].copy()
    if memberships is not None:
        out["members"] = out["partnership_id"].map(memberships.groupby("partnership_id").size()).fillna(0).astype(int)
    return out.sort_values("partnership_id").reset_index(drop=True)


def structure_shift(partnerships: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """Boards before and after the restructure: named old boards and boards of the new structure."""
    rows = []
    if previous is not None:
        rows.append({"structure": "before (boards named in the source)", "boards": int(len(previous))})
    rows.append({"structure": "after: strategic boards", "boards":
                 int((partnerships.get("level", pd.Series(dtype=str)) == "strategic").sum())})
    rows.append({"structure": "after: district arrangements", "boards":
                 int((partnerships.get("level", pd.Series(dtype=str)) == "district").sum())})
    return pd.DataFrame(rows)
