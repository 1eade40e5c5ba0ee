"""Partnership activity: per partnership-year, per council-year, its change, survival and the network.

* :func:`partnership_activity` — one row per partnership and year it was alive: births,
  deaths, meetings, attendance, outputs, joint budgets and the breadth of its membership.
* :func:`council_activity` — the same summed up per council and year, over the
  partnerships a council leads (``by="lead"``) or sits on (``by="member"``).
* :func:`activity_change` — change between two periods (the same years as the austerity
  measure), as a log ratio and a difference.
* :func:`survival_data`, :func:`kaplan_meier`, :func:`cox_model` — how long partnerships
  lasted, by type, and whether those led by harder-hit councils were dissolved sooner
  (lifelines).
* :func:`compute_activity` — the first three for a dataset at once, as an
  :class:`ActivityResult` with the parameters used.
* :func:`membership_network`, :func:`network_measures`, :func:`network_change` — councils
  linked by the partnerships they share (networkx), and how that changed.

A year in which a partnership has no activity row is missing, never zero. Nothing here
reads or writes files or changes its arguments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.checks import require_columns
from analysis.errors import InputError

__all__ = [
    "ACTIVITY_MEASURES",
    "ActivityResult",
    "compute_activity",
    "activity_change",
    "council_activity",
    "cox_model",
    "kaplan_meier",
    "membership_network",
    "network_change",
    "network_measures",
    "partnership_activity",
    "survival_data",
]

#: Council-year measures that :func:`activity_change` can compare.
ACTIVITY_MEASURES = ("partnerships", "meetings", "meetings_per_partnership", "attendance_rate", "outputs",
                     "joint_budget_gbp_m", "active_members", "n_sectors")
_NUMERIC = ("meetings", "attendance_rate", "outputs", "joint_budget_gbp_m", "active_members")


def _need(frame, columns, what):
    require_columns(frame, columns, what)


def _years(series):
    return pd.to_numeric(series, errors="coerce").astype(float)


def _lifespans(partnerships, start, end):
    _need(partnerships, ["partnership_id", "established"], "partnerships")
    p = partnerships.copy()
    p["established"] = _years(p["established"])
    p["dissolved"] = _years(p["dissolved"]) if "dissolved" in p.columns else np.nan
    if p["established"].isna().any():
        bad = p.loc[p["established"].isna(), "partnership_id"].head(5).tolist()
        raise InputError(f"partnerships without an 'established' year: {', '.join(map(str, bad))}")
    first = p["established"].clip(lower=start)
    last = p["dissolved"].fillna(np.inf).clip(upper=end)
    return p.assign(_first=first, _last=last)


def partnership_activity(
    partnerships: pd.DataFrame,
    *,
    activity: pd.DataFrame | None = None,
    memberships: pd.DataFrame | None = None,
    start: int,
    end: int,
) -> pd.DataFrame:
    """One row per partnership and year it was alive between ``start`` and ``end``.

    Parameters
    ----------
    partnerships : DataFrame
        ``partnership_id``, ``established``, optional ``dissolved``, ``type`` and
        ``lead_council_code``.
    activity : DataFrame, optional
        ``partnership_id``, ``year`` and any of ``meetings``, ``attendance_rate``,
        ``outputs``, ``joint_budget_gbp_m``, ``active_members``. Years without a row stay
        missing (NaN), never zero.
    memberships : DataFrame, optional
        ``partnership_id``, ``sector`` (and ``council_code``): gives ``n_members``,
        ``n_sectors`` and ``n_councils`` (breadth of membership).
    start, end : int
        First and last year.

    Returns
    -------
    DataFrame
        ``partnership_id``, ``year``, ``type``, ``lead_council_code``, ``alive`` (True),
        ``born`` and ``died`` (that year), the activity measures and the breadth columns.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"partnership_id": ["P1", "P2"], "established": [2009, 2011],
    ...                   "dissolved": [2011, None], "type": ["forum", "lep"],
    ...                   "lead_council_code": ["A", "B"]})
    >>> a = pd.DataFrame({"partnership_id": ["P1", "P1", "P2"], "year": [2010, 2011, 2011],
    ...                   "meetings": [4, 2, 6]})
    >>> partnership_activity(p, activity=a, start=2010, end=2012)[["partnership_id", "year", "born",
    ...                                                            "died", "meetings"]]
      partnership_id  year   born   died  meetings
    0             P1  2010  False  False       4.0
    1             P1  2011  False   True       2.0
    2             P2  2011   True  False       6.0
    3             P2  2012  False  False       NaN
    """
    start, end = int(start), int(end)
    p = _lifespans(partnerships, start, end)
    p = p[p["_first"] <= p["_last"]]
    n = (p["_last"] - p["_first"] + 1).astype(int)
    rows = p.loc[p.index.repeat(n)].copy()
    rows["year"] = (rows["_first"] + rows.groupby(level=0).cumcount()).astype(int)
    keep = ["partnership_id", "year"] + [c for c in ("type", "lead_council_code") if c in rows.columns]
    out = rows[keep + ["established", "dissolved"]].reset_index(drop=True)
    out["alive"] = True
    out["born"] = out["established"].eq(out["year"])
    out["died"] = out["dissolved"].eq(out["year"])
    out = out.drop(columns=["established", "dissolved"])
    if activity is not None:
        _need(activity, ["partnership_id", "year"], "activity")
        a = activity.assign(year=_years(activity["year"]))
        dup = a.duplicated(["partnership_id", "year"])
        if dup.any():
            raise InputError(f"activity has {int(dup.sum())} duplicate partnership-year row(s), for example "
                             f"{a.loc[dup, 'partnership_id'].iloc[0]} {int(a.loc[dup, 'year'].iloc[0])}")
        cols = [c for c in _NUMERIC if c in a.columns]
        a = a[["partnership_id", "year", *cols]].copy()
        for c in cols:
            a[c] = pd.to_numeric(a[c], errors="coerce").astype(float)
        out = out.merge(a.assign(year=a["year"].astype(int)), on=["partnership_id", "year"], how="left")
    if memberships is not None:
        _need(memberships, ["partnership_id"], "memberships")
        g = memberships.groupby("partnership_id")
        breadth = pd.DataFrame({"n_members": g.size()})
        if "sector" in memberships.columns:
            breadth["n_sectors"] = g["sector"].nunique()
        if "council_code" in memberships.columns:
            breadth["n_councils"] = g["council_code"].nunique()
        out = out.merge(breadth.reset_index(), on="partnership_id", how="left")
    return out.sort_values(["partnership_id", "year"]).reset_index(drop=True)


def council_activity(
    partnership_years: pd.DataFrame,
    *,
    by: str = "lead",
    memberships: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Activity per council and year, over the partnerships it leads or sits on.

    Parameters
    ----------
    partnership_years : DataFrame
        The output of :func:`partnership_activity`.
    by : {"lead", "member"}
        Count the partnerships a council leads (``lead_council_code``), or every
        partnership it is a member of (needs ``memberships`` with ``council_code``).

    Returns
    -------
    DataFrame
        ``council_code``, ``year``, ``partnerships`` (alive), ``births``, ``deaths``,
        ``meetings`` (total), ``meetings_per_partnership`` (mean over partnerships with a
        count), ``attendance_rate`` (mean), ``outputs`` and ``joint_budget_gbp_m`` (totals),
        ``active_members`` and ``n_sectors`` (means). Totals of a council-year where no
        partnership has a figure are missing, not zero.

    Examples
    --------
    >>> import pandas as pd
    >>> py = pd.DataFrame({"partnership_id": ["P1", "P2", "P1"], "year": [2010, 2010, 2011],
    ...                    "lead_council_code": ["A", "A", "A"], "alive": True, "born": False,
    ...                    "died": [False, False, True], "meetings": [4.0, 6.0, None]})
    >>> council_activity(py)[["council_code", "year", "partnerships", "deaths", "meetings",
    ...                       "meetings_per_partnership"]]
      council_code  year  partnerships  deaths  meetings  meetings_per_partnership
    0            A  2010             2       0      10.0                       5.0
    1            A  2011             1       1       NaN                       NaN
    """
    _need(partnership_years, ["partnership_id", "year"], "partnership_years")
    py = partnership_years
    if by == "lead":
        _need(py, ["lead_council_code"], "partnership_years")
        py = py.assign(council_code=py["lead_council_code"])
    elif by == "member":
        if memberships is None or "council_code" not in memberships.columns:
            raise InputError("by='member' needs memberships with a council_code column")
        links = memberships.loc[memberships["council_code"].notna(), ["partnership_id", "council_code"]]
        py = py.merge(links.drop_duplicates(), on="partnership_id", how="inner")
    else:
        raise InputError(f"by must be 'lead' or 'member', got {by!r}")
    py = py[py["council_code"].notna()]
    g = py.groupby(["council_code", "year"])
    out = pd.DataFrame({"partnerships": g.size()})
    out["births"] = g["born"].sum().astype(int) if "born" in py.columns else 0
    out["deaths"] = g["died"].sum().astype(int) if "died" in py.columns else 0
    for col in ("meetings", "outputs", "joint_budget_gbp_m"):
        if col in py.columns:
            out[col] = g[col].sum(min_count=1)
    if "meetings" in py.columns:
        out["meetings_per_partnership"] = g["meetings"].mean()
    for col in ("attendance_rate", "active_members", "n_sectors"):
        if col in py.columns:
            out[col] = g[col].mean()
    return out.reset_index()


def activity_change(
    council_years: pd.DataFrame,
    *,
    start: int,
    end: int,
    measure: str = "meetings_per_partnership",
    window: int = 1,
) -> pd.DataFrame:
    """Change in a council's activity between two periods.

    The start period is ``start`` .. ``start + window - 1`` and the end period
    ``end - window + 1`` .. ``end``; each is the mean of the council-years in it.

    Returns
    -------
    DataFrame
        ``council_code``, ``measure``, ``start_value``, ``end_value``, ``change``
        (difference), ``log_change`` (``log(end / start)``; missing when either is zero or
        missing), ``partnerships_start`` and ``partnerships_end``.

    Examples
    --------
    >>> import pandas as pd
    >>> cy = pd.DataFrame({"council_code": ["A", "A", "B"], "year": [2010, 2019, 2010],
    ...                    "partnerships": [2, 1, 3], "meetings_per_partnership": [5.0, 2.5, 4.0]})
    >>> activity_change(cy, start=2010, end=2019)[["council_code", "start_value", "end_value",
    ...                                            "log_change"]].round(4)
      council_code  start_value  end_value  log_change
    0            A          5.0        2.5     -0.6931
    1            B          4.0        NaN         NaN
    """
    _need(council_years, ["council_code", "year", measure], "council_years")
    if window < 1 or start + window - 1 >= end - window + 1:
        raise InputError(f"window={window} makes the periods around {start} and {end} overlap")
    cy = council_years.assign(year=_years(council_years["year"]))
    first = cy[(cy["year"] >= start) & (cy["year"] <= start + window - 1)]
    last = cy[(cy["year"] >= end - window + 1) & (cy["year"] <= end)]
    a = first.groupby("council_code")[measure].mean().astype(float)
    b = last.groupby("council_code")[measure].mean().astype(float)
    codes = sorted(set(cy["council_code"]))
    out = pd.DataFrame({"council_code": pd.Series(codes, dtype="str")})
    out["measure"] = measure
    out["start_value"] = out["council_code"].map(a).astype(float)
    out["end_value"] = out["council_code"].map(b).astype(float)
    out["change"] = out["end_value"] - out["start_value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = out["end_value"] / out["start_value"]
        out["log_change"] = np.log(ratio.where((out["start_value"] > 0) & (out["end_value"] > 0)))
    if "partnerships" in cy.columns:
        out["partnerships_start"] = out["council_code"].map(first.groupby("council_code")["partnerships"].mean())
        out["partnerships_end"] = out["council_code"].map(last.groupby("council_code")["partnerships"].mean())
        out[["partnerships_start", "partnerships_end"]] = out[["partnerships_start", "partnerships_end"]].astype(float)
    return out


# ----------------------------------------------------------------------------- survival


def survival_data(
    partnerships: pd.DataFrame,
    *,
    start: int,
    end: int,
    austerity: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Time each partnership was observed from ``start`` (or its birth) to dissolution or ``end``.

    Partnerships dissolved before ``start`` or set up after ``end`` are left out. With
    ``austerity`` (the output of :func:`analysis.austerity.austerity_index`), the lead
    council's ``cut``, ``cut_10pp`` (the cut in tens of percentage points, the unit of the
    Cox coefficient) and ``cut_quintile`` are added.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"partnership_id": ["P1", "P2", "P3"], "established": [2005, 2012, 2005],
    ...                   "dissolved": [2014, None, 2008], "type": ["forum"] * 3})
    >>> survival_data(p, start=2010, end=2019)[["partnership_id", "entry", "duration", "event"]]
      partnership_id  entry  duration  event
    0             P1   2010         4      1
    1             P2   2012         7      0
    """
    p = _lifespans(partnerships, int(start), int(end))
    p = p[(p["dissolved"].isna() | (p["dissolved"] >= start)) & (p["established"] <= end)].copy()
    p["entry"] = p["_first"].astype(int)
    p["event"] = (p["dissolved"].notna() & (p["dissolved"] <= end)).astype(int)
    p["exit"] = np.where(p["event"] == 1, p["dissolved"], end).astype(int)
    p["duration"] = p["exit"] - p["entry"]
    cols = ["partnership_id"] + [c for c in ("type", "lead_council_code") if c in p.columns]
    out = p[cols + ["entry", "exit", "duration", "event"]].reset_index(drop=True)
    if austerity is not None:
        if "lead_council_code" not in out.columns:
            raise InputError("austerity covariates need partnerships with lead_council_code")
        a = austerity.set_index("council_code")
        out["cut"] = out["lead_council_code"].map(a["cut"]).astype(float)
        out["cut_10pp"] = out["cut"] * 10
        out["cut_quintile"] = out["lead_council_code"].map(a["cut_quintile"]).astype("Int64")
    return out


def kaplan_meier(surv: pd.DataFrame, *, by: str | None = "type", ci: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier survival curves, one per group, as a tidy step table.

    Returns
    -------
    DataFrame
        ``group``, ``time``, ``survival``, ``ci_low``, ``ci_high``, ``at_risk``,
        ``events`` and ``n`` (partnerships in the group). Rows with a missing group are
        left out.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"duration": [1, 2, 2, 3], "event": [1, 1, 0, 0], "type": "forum"})
    >>> kaplan_meier(s)[["group", "time", "survival", "at_risk"]]
       group  time  survival  at_risk
    0  forum   0.0      1.00        4
    1  forum   1.0      0.75        4
    2  forum   2.0      0.50        3
    3  forum   3.0      0.50        1
    """
    from lifelines import KaplanMeierFitter

    _need(surv, ["duration", "event"], "survival data")
    groups = [("all", surv)] if by is None else [(k, g) for k, g in surv.groupby(by, sort=True)]
    frames = []
    for name, g in groups:
        kmf = KaplanMeierFitter(alpha=1 - ci)
        kmf.fit(g["duration"].astype(float), g["event"].astype(int))
        sf = kmf.survival_function_.iloc[:, 0]
        band = kmf.confidence_interval_survival_function_
        table = kmf.event_table
        frames.append(pd.DataFrame({
            "group": str(name), "time": sf.index.to_numpy(dtype=float), "survival": sf.to_numpy(),
            "ci_low": band.iloc[:, 0].to_numpy(), "ci_high": band.iloc[:, 1].to_numpy(),
            "at_risk": table["at_risk"].reindex(sf.index).to_numpy(dtype=int),
            "events": table["observed"].reindex(sf.index).to_numpy(dtype=int), "n": len(g),
        }))
    return pd.concat(frames, ignore_index=True)


def cox_model(
    surv: pd.DataFrame,
    *,
    covariates=("cut_10pp",),
    strata: str | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Cox proportional-hazards model of dissolution (lifelines), as a tidy table.

    ``coef`` is the log hazard ratio per unit of the covariate (with ``cut_10pp``: per
    10 percentage points of real-terms cut); ``hr`` and its interval are ``exp`` of it.
    ``strata`` (for example ``"type"``) gives each group its own baseline hazard.

    Returns
    -------
    DataFrame
        ``term``, ``coef``, ``se``, ``ci_low``, ``ci_high``, ``hr``, ``hr_ci_low``,
        ``hr_ci_high``, ``p``, ``n``, ``events``, ``concordance``.
    """
    from lifelines import CoxPHFitter

    covariates = list(covariates)
    cols = ["duration", "event", *covariates] + ([strata] if strata else [])
    _need(surv, cols, "survival data")
    data = surv[cols].dropna().copy()
    for c in covariates:
        data[c] = data[c].astype(float)
    if data["event"].sum() == 0:
        raise InputError("no partnership was dissolved in the period, so there is no hazard to model")
    cph = CoxPHFitter(alpha=1 - ci)
    cph.fit(data, duration_col="duration", event_col="event", strata=[strata] if strata else None)
    s = cph.summary
    lo = [c for c in s.columns if c.startswith("coef lower")][0]
    hi = [c for c in s.columns if c.startswith("coef upper")][0]
    out = pd.DataFrame({
        "term": s.index.astype(str), "coef": s["coef"].to_numpy(), "se": s["se(coef)"].to_numpy(),
        "ci_low": s[lo].to_numpy(), "ci_high": s[hi].to_numpy(),
    })
    out["hr"], out["hr_ci_low"], out["hr_ci_high"] = np.exp(out["coef"]), np.exp(out["ci_low"]), np.exp(out["ci_high"])
    out["p"] = s["p"].to_numpy()
    out["n"] = len(data)
    out["events"] = int(data["event"].sum())
    out["concordance"] = float(cph.concordance_index_)
    return out


# ----------------------------------------------------------------------------- network


def membership_network(memberships: pd.DataFrame, partnerships: pd.DataFrame, *, year: int):
    """Councils linked by the partnerships they share in ``year`` (a weighted networkx Graph).

    Nodes are council codes (every council sitting on a partnership alive that year);
    an edge's ``weight`` is the number of such partnerships the two councils share.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"partnership_id": ["P1", "P2"], "established": [2000, 2000], "dissolved": [None, 2005]})
    >>> m = pd.DataFrame({"partnership_id": ["P1", "P1", "P1", "P2", "P2"],
    ...                   "council_code": ["A", "B", "C", "A", "B"]})
    >>> g = membership_network(m, p, year=2010)
    >>> sorted(g.edges(data="weight"))
    [('A', 'B', 1), ('A', 'C', 1), ('B', 'C', 1)]
    """
    import itertools

    import networkx as nx

    _need(memberships, ["partnership_id", "council_code"], "memberships")
    p = _lifespans(partnerships, int(year), int(year))
    alive = set(p.loc[p["_first"] <= p["_last"], "partnership_id"])
    m = memberships[memberships["partnership_id"].isin(alive) & memberships["council_code"].notna()]
    graph = nx.Graph(year=int(year))
    for _pid, codes in m.groupby("partnership_id")["council_code"]:
        members = sorted(set(codes))
        graph.add_nodes_from(members)
        for a, b in itertools.combinations(members, 2):
            w = graph.get_edge_data(a, b, default={"weight": 0})["weight"]
            graph.add_edge(a, b, weight=w + 1)
    return graph


def network_measures(graph) -> pd.DataFrame:
    """Degree, strength (summed weights), degree centrality, betweenness and clustering per council.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_weighted_edges_from([("A", "B", 2), ("B", "C", 1)])
    >>> network_measures(g)[["council_code", "degree", "strength", "betweenness"]]
      council_code  degree  strength  betweenness
    0            A       1         2          0.0
    1            B       2         3          1.0
    2            C       1         1          0.0
    """
    import networkx as nx

    nodes = sorted(graph.nodes)
    between = nx.betweenness_centrality(graph) if len(nodes) > 2 else dict.fromkeys(nodes, 0.0)
    centrality = nx.degree_centrality(graph) if len(nodes) > 1 else dict.fromkeys(nodes, 0.0)
    clustering = nx.clustering(graph)
    return pd.DataFrame({
        "council_code": pd.Series(nodes, dtype="str"),
        "degree": [graph.degree(n) for n in nodes],
        "strength": [graph.degree(n, weight="weight") for n in nodes],
        "degree_centrality": [centrality[n] for n in nodes],
        "betweenness": [between[n] for n in nodes],
        "clustering": [clustering[n] for n in nodes],
    })


def network_change(memberships: pd.DataFrame, partnerships: pd.DataFrame, *, start: int, end: int):
    """How the council network changed between two years.

    Returns
    -------
    (DataFrame, DataFrame)
        Per council: the measures of :func:`network_measures` in both years
        (``*_start``, ``*_end``) and their differences (``*_change``); a council absent in
        a year has degree 0 there. Per year: ``year``, ``councils``, ``links``,
        ``density``, ``components`` and ``mean_degree``.
    """
    import networkx as nx

    graphs = {y: membership_network(memberships, partnerships, year=y) for y in (int(start), int(end))}
    a = network_measures(graphs[int(start)]).set_index("council_code")
    b = network_measures(graphs[int(end)]).set_index("council_code")
    codes = sorted(set(a.index) | set(b.index))
    a, b = a.reindex(codes), b.reindex(codes)
    per = pd.DataFrame({"council_code": pd.Series(codes, dtype="str")})
    for col in a.columns:
        fill = 0.0
        per[f"{col}_start"] = a[col].fillna(fill).to_numpy(dtype=float)
        per[f"{col}_end"] = b[col].fillna(fill).to_numpy(dtype=float)
        per[f"{col}_change"] = per[f"{col}_end"] - per[f"{col}_start"]
    summary = pd.DataFrame([{
        "year": y, "councils": g.number_of_nodes(), "links": g.number_of_edges(),
        "density": nx.density(g) if g.number_of_nodes() > 1 else 0.0,
        "components": nx.number_connected_components(g) if g.number_of_nodes() else 0,
        "mean_degree": 2 * g.number_of_edges() / g.number_of_nodes() if g.number_of_nodes() else 0.0,
    } for y, g in graphs.items()])
    return per, summary


# ----------------------------------------------------------------------------- a dataset at once


@dataclass(frozen=True)
class ActivityResult:
    """Partnership and council activity of a dataset over a window, with the parameters used.

    ``partnership_years`` (:func:`partnership_activity`), ``council_years``
    (:func:`council_activity`) and ``activity_change`` (:func:`activity_change` of
    ``measure``), for the years ``start`` to ``end``, councils counted ``by`` lead or member.
    """

    partnership_years: pd.DataFrame
    council_years: pd.DataFrame
    activity_change: pd.DataFrame
    start: int
    end: int
    measure: str = "meetings_per_partnership"
    by: str = "lead"


def compute_activity(dataset, *, start: int = 2010, end: int = 2019, measure: str = "meetings_per_partnership",
                     by: str = "lead") -> ActivityResult:
    """Activity per partnership-year and council-year of ``dataset``, and its change from ``start`` to ``end``.

    Needs the ``partnerships`` and ``activity`` tables; ``memberships`` is used when present.
    """
    partnerships = dataset["partnerships"]
    activity = dataset.require("activity", "to measure partnership activity")
    memberships = dataset["memberships"] if dataset.has("memberships") else None
    py = partnership_activity(partnerships, activity=activity, memberships=memberships, start=start, end=end)
    cy = council_activity(py, by=by, memberships=memberships)
    change = activity_change(cy, start=start, end=end, measure=measure)
    return ActivityResult(partnership_years=py, council_years=cy, activity_change=change, start=start, end=end,
                          measure=measure, by=by)
