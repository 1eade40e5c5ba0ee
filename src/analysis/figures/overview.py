"""The dataset overview charts: what a dataset holds, counted simply (no analysis fitted)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.export import ChartSpec
from analysis.figures.plots import plot_bar, plot_lines
from analysis.style import chart_style, subplots

__all__ = ["overview_charts"]


def _dataset_name(dataset) -> str:
    name = getattr(dataset, "name", None)
    if not name and getattr(dataset, "path", None) is not None:
        name = Path(dataset.path).name
    return str(name or "dataset")


_LABELS = {"lep": "local enterprise partnership", "london_borough": "London borough"}


def _label(value) -> str:
    return _LABELS.get(str(value), str(value).replace("_", " "))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ----------------------------------------------------------------------------- overview charts


def _councils_chart(councils: pd.DataFrame, source: str) -> ChartSpec:
    data = (
        councils.assign(region=councils["region"].fillna("unknown"), tier=councils["tier"].fillna("unknown"))
        .groupby(["region", "tier"], observed=True).size().rename("councils").reset_index()
    )
    totals = data.groupby("region")["councils"].sum().sort_values(ascending=False, kind="stable")
    tiers = data.groupby("tier")["councils"].sum().sort_values(ascending=False, kind="stable")
    fig, ax = subplots(size="govuk")
    plot_bar(data.assign(tier=data["tier"].map(_label)), x="councils", y="region", hue="tier",
             orient="h", stacked=True, order=list(totals.index),
             hue_order=[_label(t) for t in tiers.index], ax=ax)
    ax.legend(title="Tier", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_xlabel("Councils")
    ax.set_ylabel("")
    n = int(totals.sum())
    title = f"{totals.index[0]} has the most councils: {int(totals.iloc[0])} of {n}"
    alt = (
        f"Horizontal stacked bar chart of the {n} councils by region, split by tier. "
        + "; ".join(f"{r}: {int(c)}" for r, c in totals.items())
        + ". By tier: " + "; ".join(f"{_label(t)} {int(c)}" for t, c in tiers.items()) + "."
    )
    return ChartSpec("overview_councils_by_region", fig, title, alt, data,
                     subtitle="Councils in the dataset by region and tier", source=source,
                     notes={"module": "analysis.charts", "kind": "overview"})


def _types_chart(partnerships: pd.DataFrame, source: str) -> ChartSpec:
    data = (
        partnerships["type"].fillna("unknown").value_counts(sort=False).rename("partnerships")
        .rename_axis("type").reset_index()
        .sort_values(["partnerships", "type"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    data = data.assign(label=data["type"].map(_label))
    fig, ax = subplots(size="govuk")
    plot_bar(data, x="partnerships", y="label", orient="h", ax=ax)
    ax.set_xlabel("Partnerships")
    ax.set_ylabel("")
    n = int(data["partnerships"].sum())
    top = data[data["partnerships"] == data["partnerships"].max()]
    k = int(top["partnerships"].iloc[0])
    if len(top) == 1:
        title = f"The most common kind of partnership is {top['label'].iloc[0]}: {k} of {n}"
    else:
        title = f"The most common kinds of partnership are {_join(list(top['label']))}: {k} each of {n}"
    alt = (
        f"Horizontal bar chart of the {n} partnerships by type, largest first: "
        + "; ".join(f"{r.label} {int(r.partnerships)}" for r in data.itertuples()) + "."
    )
    return ChartSpec("overview_partnerships_by_type", fig, title, alt, data[["type", "partnerships"]],
                     subtitle="Partnerships in the dataset by type", source=source,
                     notes={"module": "analysis.charts", "kind": "overview"})


def _last_year(dataset, partnerships: pd.DataFrame) -> int | None:
    years = [partnerships["established"].max(), partnerships.get("dissolved", pd.Series(dtype=float)).max()]
    for table in ("activity", "finance"):
        if dataset.has(table) and "year" in dataset[table]:
            years.append(dataset[table]["year"].max())
    years = [int(y) for y in years if pd.notna(y)]
    return max(years) if years else None


def _alive_chart(dataset, partnerships: pd.DataFrame, source: str) -> ChartSpec | None:
    established = pd.to_numeric(partnerships["established"], errors="coerce")
    dissolved = pd.to_numeric(partnerships.get("dissolved", pd.Series(np.nan, index=partnerships.index)),
                              errors="coerce")
    end = _last_year(dataset, partnerships)
    if end is None or established.isna().all():
        return None
    start = max(int(established.min()), end - 30)
    years = np.arange(start, end + 1)
    alive = [int(((established <= y) & (dissolved.isna() | (dissolved > y))).sum()) for y in years]
    data = pd.DataFrame({"year": years, "partnerships": alive})
    fig, ax = subplots(size="govuk")
    plot_lines(data, x="year", y="partnerships", ax=ax)
    ax.set_xlabel("Year")
    ax.set_ylabel("Partnerships alive")
    ax.set_ylim(bottom=0)
    first, last = alive[0], alive[-1]
    peak_year = int(years[int(np.argmax(alive))])
    trend = "rose" if last > first else "fell" if last < first else "stayed"
    title = (f"Partnerships alive {trend} from {first} in {start} to {last} in {end}"
             if trend != "stayed" else f"{last} partnerships were alive in {start} and in {end}")
    alt = (
        f"Line chart of the number of partnerships alive each year from {start} to {end} "
        f"(set up by that year and not yet dissolved). It starts at {first}, peaks at "
        f"{max(alive)} in {peak_year} and ends at {last}."
    )
    return ChartSpec("overview_partnerships_alive", fig, title, alt, data,
                     subtitle=f"Partnerships alive each year, {start} to {end}", source=source,
                     notes={"module": "analysis.charts", "kind": "overview",
                            "definition": "established <= year and (not dissolved or dissolved > year)"})


def _spending_chart(dataset, councils: pd.DataFrame, source: str) -> ChartSpec | None:
    if not dataset.has("finance"):
        return None
    finance = dataset["finance"]
    frame = finance[["council_code", "year", "spending_power_gbp_m"]].merge(
        councils[["council_code", "tier"] + (["population"] if "population" in councils else [])]
        .rename(columns={"population": "council_population"}),
        on="council_code", how="inner",
    )
    if "population" in finance:
        # the year's population where finance has it, else the council's
        frame = frame.merge(
            finance[["council_code", "year", "population"]].drop_duplicates(["council_code", "year"]),
            on=["council_code", "year"], how="left",
        )
        if "council_population" in frame:
            frame["population"] = frame["population"].fillna(frame["council_population"])
    elif "council_population" in frame:
        frame = frame.rename(columns={"council_population": "population"})
    else:
        return None
    frame = frame.dropna(subset=["spending_power_gbp_m", "population", "tier"])
    frame = frame[frame["population"] > 0]
    if frame.empty:
        return None
    data = (
        frame.groupby(["tier", "year"], observed=True)
        .agg(spending_power_gbp_m=("spending_power_gbp_m", "sum"), population=("population", "sum"),
             councils=("council_code", "nunique"))
        .reset_index()
    )
    data["per_head_gbp"] = (data["spending_power_gbp_m"] * 1e6 / data["population"]).round(2)
    data["tier"] = data["tier"].astype(str)
    y0, y1 = int(data["year"].min()), int(data["year"].max())
    fig, ax = subplots(size="govuk")
    plot_lines(data.assign(tier=data["tier"].map(_label)), x="year", y="per_head_gbp", hue="tier",
               marker="o" if y1 - y0 < 4 else None, ax=ax)
    ax.legend(title="Tier", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_xlabel("Year")
    ax.set_ylabel("£ per head (cash)")
    ax.set_ylim(bottom=0)
    changes = {}
    for tier, part in data.groupby("tier"):
        part = part.sort_values("year")
        if len(part) > 1 and part["per_head_gbp"].iloc[0] > 0:
            changes[tier] = part["per_head_gbp"].iloc[-1] / part["per_head_gbp"].iloc[0] - 1
    if changes and y1 > y0:
        worst = min(changes, key=changes.get)
        verb = "fell" if changes[worst] < 0 else "rose"
        title = (f"Spending power per head {verb} most in {_label(worst)} councils: "
                 f"{changes[worst]:+.0%} from {y0} to {y1}" if verb == "fell"
                 else f"Spending power per head rose in every tier from {y0} to {y1}")
    else:
        title = f"Spending power per head by tier, {y0} to {y1}"
    alt = (
        f"Line chart of spending power per head in pounds (cash) by council tier, {y0} to {y1}, "
        f"the tier's total spending power divided by its total population. "
        + "; ".join(
            f"{_label(t)}: £{p.sort_values('year')['per_head_gbp'].iloc[0]:,.0f} to "
            f"£{p.sort_values('year')['per_head_gbp'].iloc[-1]:,.0f}"
            for t, p in data.groupby("tier")
        ) + "."
    )
    return ChartSpec("overview_spending_per_head", fig, title, alt, data,
                     subtitle=f"Spending power per head by council tier, cash, {y0} to {y1}",
                     source=source,
                     notes={"module": "analysis.charts", "kind": "overview",
                            "definition": "sum of spending power / sum of population, per tier and year"})


def overview_charts(dataset) -> list[ChartSpec]:
    """The dataset overview charts: what the dataset holds, counted simply.

    Parameters
    ----------
    dataset : analysis.data.Dataset
        A loaded dataset (``councils`` and ``partnerships`` are required; ``finance`` adds
        the spending power chart).

    Returns
    -------
    list of ChartSpec

    Examples
    --------
    >>> import pandas as pd
    >>> class Tiny:  # anything with has() and [] works, like a Dataset
    ...     name = "tiny"
    ...     tables = {
    ...         "councils": pd.DataFrame({"council_code": ["A", "B"], "council_name": ["A", "B"],
    ...                                   "tier": ["county", "district"], "region": ["North", "North"]}),
    ...         "partnerships": pd.DataFrame({"partnership_id": ["P1"], "name": ["Board"], "type": ["forum"],
    ...                                       "established": [2010], "dissolved": [2012]})}
    ...     def has(self, name): return name in self.tables
    ...     def __getitem__(self, name): return self.tables[name]
    >>> specs = overview_charts(Tiny())
    >>> [s.name for s in specs]
    ['overview_councils_by_region', 'overview_partnerships_by_type', 'overview_partnerships_alive']
    >>> specs[2].data["partnerships"].tolist()
    [1, 1, 0]
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    source = f"{_dataset_name(dataset)} dataset"
    specs = []
    councils = dataset["councils"]
    partnerships = dataset["partnerships"]
    try:
        with chart_style():  # artists take the style when they are made
            specs.append(_councils_chart(councils, source))
            specs.append(_types_chart(partnerships, source))
            for spec in (_alive_chart(dataset, partnerships, source),
                         _spending_chart(dataset, councils, source)):
                if spec is not None:
                    specs.append(spec)
    except BaseException:
        for spec in specs:
            plt.close(spec.fig)
        raise
    return specs
