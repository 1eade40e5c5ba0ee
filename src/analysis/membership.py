"""Membership over time: what dated memberships (``joined``/``left``) show, year by year.

For data such as real England, where partnerships are known only by who belonged to them
and when, "activity" is what the memberships show:

* :func:`membership_years` — one row per partnership, council and year of membership;
* :func:`members_by_year` — per partnership and year: members, and how many joined or left
  (by the reason recorded in the membership events, choices apart);
* :func:`council_partnerships` — per council and year: partnerships it sits on, by type;
* :func:`overlaps` — per type and year: councils sitting in two or more bodies of the type;
* :func:`membership_outcomes` — one row per council: did it ever leave or join by choice
  in a window, with the controls the models need.

Nothing here reads or writes files or changes its arguments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.checks import require_columns

__all__ = ["council_partnerships", "members_by_year", "membership_outcomes", "membership_years", "overlaps"]


def membership_years(memberships: pd.DataFrame, *, start: int, end: int) -> pd.DataFrame:
    """One row per partnership, council and year of membership between ``start`` and ``end``.

    A member counts from ``joined`` (or ``start`` when blank) up to the year before
    ``left`` (or ``end`` when blank).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"partnership_id": ["P", "P"], "council_code": ["A", "B"],
    ...                   "joined": [2010, 2012], "left": [2012, None]})
    >>> membership_years(m, start=2010, end=2013).groupby("year").size().tolist()
    [1, 1, 1, 1]
    """
    require_columns(memberships, ["partnership_id", "council_code"], "memberships")
    m = memberships.dropna(subset=["council_code"])
    joined = pd.to_numeric(m["joined"], errors="coerce") if "joined" in m.columns else pd.Series(np.nan, m.index)
    left = pd.to_numeric(m["left"], errors="coerce") if "left" in m.columns else pd.Series(np.nan, m.index)
    first = joined.fillna(start).clip(lower=start).astype(int)
    last = (left - 1).fillna(end).clip(upper=end).astype(int)
    keep = first <= last
    m, first, last = m[keep], first[keep], last[keep]
    n = (last - first + 1).to_numpy()
    rows = m.loc[m.index.repeat(n), ["partnership_id", "council_code"]].reset_index(drop=True)
    rows["year"] = np.concatenate([np.arange(a, b + 1) for a, b in zip(first, last, strict=True)]) if len(m) else []
    return rows.drop_duplicates().sort_values(["partnership_id", "council_code", "year"]).reset_index(drop=True)


def members_by_year(memberships: pd.DataFrame, partnerships: pd.DataFrame, *, events: pd.DataFrame | None = None,
                    start: int, end: int) -> pd.DataFrame:
    """Per partnership and year: members, and joins and exits (choices counted apart).

    Returns
    -------
    DataFrame
        ``partnership_id``, ``type``, ``year``, ``members``, and with ``events``:
        ``joined``, ``left`` (all joins and exits that year, whatever the reason) and
        ``joined_by_choice``, ``left_by_choice``.
    """
    years = membership_years(memberships, start=start, end=end)
    out = years.groupby(["partnership_id", "year"]).size().rename("members").reset_index()
    if events is not None:
        require_columns(events, ["partnership_id", "council_code", "event", "year", "is_choice"], "events")
        ev = events[events["council_code"].fillna("") != ""].copy()
        ev["year"] = pd.to_numeric(ev["year"], errors="coerce")
        choice = ev["is_choice"].astype(str).str.lower().eq("true")
        # an event is a join when it opens a spell (the memberships say which ones do)
        opened = set(zip(memberships["partnership_id"], memberships["council_code"],
                         pd.to_numeric(memberships["joined"], errors="coerce"), strict=True))
        ev["join"] = [(p, c, y) in opened for p, c, y in zip(ev["partnership_id"], ev["council_code"], ev["year"],
                                                             strict=True)]
        ev["leave"] = ~ev["join"]
        ev["join_choice"] = ev["join"] & choice
        ev["leave_choice"] = ev["leave"] & choice
        counts = (ev.groupby(["partnership_id", "year"])[["join", "leave", "join_choice", "leave_choice"]].sum()
                  .rename(columns={"join": "joined", "leave": "left", "join_choice": "joined_by_choice",
                                   "leave_choice": "left_by_choice"}).reset_index())
        counts = counts[(counts["year"] >= start) & (counts["year"] <= end)]
        out = out.merge(counts.astype({"year": int}), on=["partnership_id", "year"], how="outer")
        for c in ("members", "joined", "left", "joined_by_choice", "left_by_choice"):
            out[c] = out[c].fillna(0).astype(int)
    out = out.merge(partnerships[["partnership_id", "type"]], on="partnership_id", how="left")
    cols = ["partnership_id", "type", "year"] + [c for c in out.columns if c not in ("partnership_id", "type", "year")]
    return out[cols].sort_values(["partnership_id", "year"]).reset_index(drop=True)


def council_partnerships(memberships: pd.DataFrame, partnerships: pd.DataFrame, *, start: int,
                         end: int) -> pd.DataFrame:
    """Per council, year and partnership type: how many partnerships the council sits on."""
    years = membership_years(memberships, start=start, end=end)
    years = years.merge(partnerships[["partnership_id", "type"]], on="partnership_id", how="left")
    out = years.groupby(["council_code", "year", "type"]).size().rename("partnerships").reset_index()
    return out.sort_values(["council_code", "year", "type"]).reset_index(drop=True)


def overlaps(memberships: pd.DataFrame, partnerships: pd.DataFrame, *, start: int, end: int,
             councils: pd.DataFrame | None = None, exclude_tiers=("county",)) -> pd.DataFrame:
    """Per type and year: councils sitting in two or more bodies of the same type at once.

    Counties (whose membership is derived from their districts) are left out by default.
    """
    cp = council_partnerships(memberships, partnerships, start=start, end=end)
    if councils is not None and exclude_tiers:
        drop = set(councils.loc[councils["tier"].isin(exclude_tiers), "council_code"])
        cp = cp[~cp["council_code"].isin(drop)]
    multi = cp[cp["partnerships"] >= 2]
    out = multi.groupby(["type", "year"]).size().rename("councils_in_two_or_more").reset_index()
    full = cp[["type", "year"]].drop_duplicates()
    out = full.merge(out, on=["type", "year"], how="left").fillna({"councils_in_two_or_more": 0})
    out["councils_in_two_or_more"] = out["councils_in_two_or_more"].astype(int)
    return out.sort_values(["type", "year"]).reset_index(drop=True)


def membership_outcomes(memberships: pd.DataFrame, partnerships: pd.DataFrame, events: pd.DataFrame,
                        councils: pd.DataFrame, *, start: int, end: int, types=None) -> pd.DataFrame:
    """One row per council alive over the window: did it leave, or join, a partnership by choice?

    Returns
    -------
    DataFrame
        ``council_code``, ``tier``, ``region``, ``deprivation``, ``log_population``,
        ``partnerships_start`` (how many it sat on at ``start``), ``left_by_choice`` and
        ``joined_by_choice`` (0/1 within the window), ``first_choice_year`` (or blank),
        ``combined_authority`` (1 if it sat on a combined authority in the window).
    """
    ev = events[events["council_code"].fillna("") != ""].copy()
    ev["year"] = pd.to_numeric(ev["year"], errors="coerce")
    ev = ev[(ev["year"] > start) & (ev["year"] <= end)]
    if types is not None:
        ptype = dict(zip(partnerships["partnership_id"], partnerships["type"], strict=True))
        ev = ev[ev["partnership_id"].map(ptype).isin(types)]
    choice = ev[ev["is_choice"].astype(str).str.lower() == "true"]
    left = set(choice.loc[choice["event"] == "left", "council_code"])
    joined = set(choice.loc[choice["event"] == "joined", "council_code"])
    first = choice.groupby("council_code")["year"].min()
    years = membership_years(memberships, start=start, end=end)
    at_start = years[years["year"] == start].groupby("council_code").size()
    ptype = dict(zip(partnerships["partnership_id"], partnerships["type"], strict=True))
    ca = set(years.loc[years["partnership_id"].map(ptype) == "combined_authority", "council_code"])
    c = councils.copy()
    out = pd.DataFrame({
        "council_code": c["council_code"], "tier": c["tier"], "region": c["region"],
        "deprivation": pd.to_numeric(c.get("deprivation"), errors="coerce"),
        "log_population": np.log(pd.to_numeric(c.get("population"), errors="coerce")),
    })
    out["partnerships_start"] = out["council_code"].map(at_start).fillna(0).astype(int)
    out["left_by_choice"] = out["council_code"].isin(left).astype(int)
    out["joined_by_choice"] = out["council_code"].isin(joined).astype(int)
    out["first_choice_year"] = out["council_code"].map(first).astype("Int64")
    out["combined_authority"] = out["council_code"].isin(ca).astype(int)
    return out.sort_values("council_code").reset_index(drop=True)
