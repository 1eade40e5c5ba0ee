"""What a dataset holds: coverage by tier, region and year, for the data overview.

Pure functions: a :class:`~analysis.data.Dataset` (or its frames) in, tidy frames out.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["coverage_by_tier", "coverage_by_region", "coverage_by_year", "partnerships_by_type",
           "validation_summary"]


def validation_summary(dataset) -> pd.DataFrame:
    """One row per table: rows, columns, file, and the errors and warnings found in it."""
    summary = dataset.summary()
    problems = dataset.report.to_frame()
    counts = (problems.groupby(["table", "severity"]).size().unstack(fill_value=0)
              if len(problems) else pd.DataFrame(columns=["error", "warning"]))
    for col in ("error", "warning"):
        if col not in counts.columns:
            counts[col] = 0
    out = summary.merge(counts[["error", "warning"]].rename(columns={"error": "errors", "warning": "warnings"}),
                        left_on="table", right_index=True, how="left")
    out[["errors", "warnings"]] = out[["errors", "warnings"]].fillna(0).astype(int)
    return out.sort_values(["standard", "table"], ascending=[False, True]).reset_index(drop=True)


def coverage_by_tier(councils: pd.DataFrame, finance: pd.DataFrame | None = None,
                     partnerships: pd.DataFrame | None = None) -> pd.DataFrame:
    """Councils per tier, with how many have finance rows and how many lead a partnership.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"council_code": ["A", "B", "C"], "tier": ["county", "district", "district"]})
    >>> f = pd.DataFrame({"council_code": ["A", "A", "B"], "year": [2010, 2011, 2010]})
    >>> coverage_by_tier(c, f)
           tier  councils  with_finance
    0    county         1             1
    1  district         2             1
    """
    out = councils.groupby("tier", observed=True).size().rename("councils").to_frame()
    if finance is not None:
        has = councils["council_code"].isin(set(finance["council_code"]))
        out["with_finance"] = has.groupby(councils["tier"]).sum().astype(int)
    if partnerships is not None and "lead_council_code" in partnerships.columns:
        leads = councils["council_code"].isin(set(partnerships["lead_council_code"].dropna()))
        out["leading_a_partnership"] = leads.groupby(councils["tier"]).sum().astype(int)
    return out.reset_index().sort_values("tier").reset_index(drop=True)


def coverage_by_region(councils: pd.DataFrame) -> pd.DataFrame:
    """Councils per region and tier (a wide table, regions as rows, tiers as columns)."""
    table = pd.crosstab(councils["region"], councils["tier"])
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    return table.reset_index().sort_values("region").reset_index(drop=True)


def coverage_by_year(dataset) -> pd.DataFrame:
    """Per year: councils with finance rows, partnerships alive, partnership-years with activity."""
    frames = []
    if dataset.has("finance"):
        f = dataset["finance"]
        frames.append(f.groupby("year")["council_code"].nunique().rename("councils_with_finance"))
    part = dataset["partnerships"]
    if dataset.has("activity"):
        a = dataset["activity"]
        frames.append(a.groupby("year")["partnership_id"].nunique().rename("partnerships_with_activity"))
    years = sorted(set().union(*[set(s.index) for s in frames])) if frames else []
    if not years and len(part):
        # No yearly tables: span the partnerships' own lives.
        ends = pd.concat([pd.to_numeric(part["established"]),
                          pd.to_numeric(part.get("dissolved", pd.Series(dtype=float)))]).dropna()
        years = list(range(int(ends.min()), int(ends.max()) + 1))
    if years:
        est = pd.to_numeric(part["established"])
        dis = pd.to_numeric(part["dissolved"]) if "dissolved" in part.columns else pd.Series(pd.NA, index=part.index)
        alive = {y: int(((est <= y) & ~(dis < y).fillna(False)).sum()) for y in years}
        frames.append(pd.Series(alive, name="partnerships_alive"))
    if not frames:
        return pd.DataFrame(columns=["year"])
    out = pd.concat(frames, axis=1).sort_index()
    out.index.name = "year"
    return out.fillna(0).astype(int).reset_index()


def partnerships_by_type(partnerships: pd.DataFrame) -> pd.DataFrame:
    """Partnerships per type: how many, how many dissolved, median year established."""
    g = partnerships.groupby("type", observed=True)
    out = pd.DataFrame({
        "partnerships": g.size(),
        "dissolved": g["dissolved"].apply(lambda s: int(s.notna().sum())) if "dissolved" in partnerships
        else 0,
        "median_established": g["established"].median().round().astype(int),
    })
    return out.reset_index().sort_values(["partnerships", "type"], ascending=[False, True]).reset_index(drop=True)
