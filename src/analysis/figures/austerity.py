"""Charts of the austerity-against-activity analysis, drawn from an :class:`~analysis.austerity.AusterityResult`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.austerity import (
    DEFAULT_SEED,
    AusterityResult,
    austerity_against_activity,
    dominant_option,
    stats_verdict,
)
from analysis.export import ChartSpec
from analysis.figures import plots
from analysis.labels import in_words
from analysis.style import subplots
from analysis.typology.result import TypologyResult

__all__ = ["austerity_charts", "result_charts", "standard_charts"]


def austerity_charts(result: AusterityResult, *, typology=None, partnerships: pd.DataFrame | None = None) -> list:
    """The austerity-against-activity charts of a result, ready for :func:`analysis.export.export_chart`.

    Returns a list of :class:`analysis.export.ChartSpec`: the scatter of pressure (real
    per-head cut) against the log change in meetings per partnership, faceted by tier,
    with the result's LOWESS line and bootstrap band; the quadrant chart; small multiples
    of activity for the most and least cut fifths; and the survival curves by fifth of
    cut. ``typology`` (a :class:`~analysis.typology.TypologyResult` or a frame with
    ``partnership_id`` and ``option``, with the dataset's ``partnerships``) colours
    councils by the dominant Kahane option of the partnerships they lead; without it
    they are coloured by tier. Nothing is computed here beyond what is drawn.
    """
    if typology is not None and partnerships is None:
        raise ValueError("colouring by typology needs the partnerships table (partnerships=...)")
    if not isinstance(result, AusterityResult):
        raise TypeError(f"austerity_charts draws an AusterityResult, not {type(result).__name__}")
    if result.lowess is None:
        raise ValueError("the scatter chart draws the LOWESS band: compute the result with "
                         "austerity_against_activity(..., lowess=True)")
    t = result
    start, end = result.start, result.end
    data = t["data"].dropna(subset=["cut", "log_change"]).reset_index(drop=True)  # the points drawn
    span = f"{start}-{str(start + 1)[-2:]} to {end}-{str(end + 1)[-2:]}"
    source = f"{result.dataset_name}; analysis.austerity"
    if typology is not None:
        placements = typology.placements if isinstance(typology, TypologyResult) else typology
        data = data.merge(dominant_option(partnerships, placements), on="council_code", how="left")
        data["option"] = data["option"].fillna("none")
        hue = "option"
    else:
        hue = "tier" if "tier" in data.columns else None
    charts = []

    # 1. Scatter, faceted by tier, LOWESS + bootstrap band per facet.
    facet = "tier" if "tier" in data.columns else None
    band = result.lowess
    levels = sorted(data[facet].dropna().unique()) if facet else [None]
    ncols = min(3, len(levels))
    nrows = int(np.ceil(len(levels) / ncols))
    fig, axes = subplots(size=(6.3, 1.6 + 2.6 * nrows), nrows=nrows, ncols=ncols, sharey=True, squeeze=False)
    point_hue = None if hue == facet else hue  # colour by a facet's own variable says nothing
    flat = list(axes.ravel())
    for i, (ax, level) in enumerate(zip(flat, levels, strict=False)):
        points = data if level is None else data[data[facet] == level]
        plots.plot_scatter(points, x="cut", y="log_change", hue=point_hue, ax=ax, s=10)
        lines = band if level is None else band[band[facet] == level]
        if len(lines):
            plots.plot_lines(lines, x="x", y="fit", band=("ci_low", "ci_high"), color="black", ax=ax)
        ax.set_title(str(level).replace("_", " ").capitalize() if level is not None else "", fontsize="medium")
        ax.set_xlabel("real cut per head" if i >= len(levels) - ncols else "")
        ax.set_ylabel("log change in meetings" if i % ncols == 0 else "")
        if i and ax.get_legend() is not None:
            ax.get_legend().remove()
    for ax in flat[len(levels):]:
        ax.set_visible(False)
    fit = t["ols"].iloc[1]
    rho = t["spearman"].iloc[0]
    charts.append(ChartSpec(
        name="austerity_activity_scatter", fig=fig,
        title=(("Where cuts were deeper, partnership meetings fell further" if fit["ci_high"] < 0 else
                "Where cuts were deeper, partnership meetings held up better" if fit["ci_low"] > 0 else
                "No detectable link between cuts and partnership meetings")
               if pd.notna(fit["ci_low"]) else "Austerity pressure against the change in partnership meetings"),
        subtitle=f"Real-terms cut in spending power per head against log change in meetings, {span}",
        alt_text=(f"Scatter of {int(data['log_change'].notna().sum())} councils in {len(levels)} panels by tier: "
                  f"real-terms cut per head across, log change in meetings of the partnerships each leads "
                  f"up. Least-squares slope: {in_words(fit['verdict'])}. Spearman: {in_words(rho['verdict'])}. "
                  "Each panel has a LOWESS line with a bootstrap band."),
        data=data, source=source))

    # 2. Quadrant chart at the medians.
    q = t["quadrants"]
    xm, ym = float(q["x_median"].iloc[0]), float(q["y_median"].iloc[0])
    fig, ax = subplots(size=(6.3, 5.0))
    plots.plot_quadrant(q, x="cut", y="log_change", x_mid=xm, y_mid=ym, ax=ax, s=12,
                        quadrant_labels={"top_right": "harder cut, activity held up",
                                         "bottom_right": "harder cut, activity fell",
                                         "top_left": "milder cut, activity held up",
                                         "bottom_left": "milder cut, activity fell"})
    ax.set_xlabel("real cut per head")
    ax.set_ylabel("log change in meetings")
    counts = q["quadrant"].value_counts()
    charts.append(ChartSpec(
        name="austerity_activity_quadrants", fig=fig,
        title="Most needed, most vulnerable: councils by cut and activity",
        subtitle=f"Split at the medians (cut {xm:.1%}, log change {ym:.2f}), {span}",
        alt_text=("Quadrant chart of councils split at the median cut and the median change in meetings. "
                  + "; ".join(f"{k}: {int(v)}" for k, v in counts.items()) + "."),
        data=q, source=source))

    # 3. Small multiples: activity over time in the most and least cut fifths.
    cy = t["council_years"].merge(t["austerity"][["council_code", "cut_quintile"]], on="council_code")
    cy = cy[cy["cut_quintile"].isin([1, 5])].assign(
        group=lambda d: np.where(d["cut_quintile"] == 5, "most cut fifth", "least cut fifth"))
    series = cy.groupby(["group", "year"]).agg(meetings_per_partnership=("meetings_per_partnership", "mean"),
                                               partnerships=("partnerships", "mean")).reset_index()
    fig, axes = subplots(size=(6.3, 4.6), ncols=2)
    plots.plot_lines(series, x="year", y="meetings_per_partnership", hue="group", ax=axes[0], marker="o")
    axes[0].set_title("meetings per partnership")
    plots.plot_lines(series, x="year", y="partnerships", hue="group", ax=axes[1], marker="o")
    axes[1].set_title("partnerships led per council")
    for ax in axes:
        ax.set_ylabel("")
    if axes[0].get_legend() is not None:  # one legend, right of the last panel (not between the two)
        axes[0].get_legend().remove()
    first, last = series["year"].min(), series["year"].max()
    w = series.set_index(["group", "year"])["meetings_per_partnership"]
    charts.append(ChartSpec(
        name="austerity_activity_quintiles", fig=fig,
        title="Partnership activity in the most and least cut councils",
        subtitle=f"Mean per council, fifths of real-terms cut per head, {span}",
        alt_text=(f"Two line charts by year. Meetings per partnership went from {w[('most cut fifth', first)]:.1f} "
                  f"to {w[('most cut fifth', last)]:.1f} in the most cut fifth of councils and from "
                  f"{w[('least cut fifth', first)]:.1f} to {w[('least cut fifth', last)]:.1f} in the least cut "
                  f"fifth."),
        data=series, source=source))

    # 4. Survival curves by fifth of cut.
    km = t["survival_km_cut"]
    km = km[km["group"].isin(["1", "5"])].assign(
        group=lambda d: d["group"].map({"1": "least cut fifth", "5": "most cut fifth"}))
    fig, ax = subplots(size=(6.3, 5.0))
    plots.plot_survival(km, hue="group", band=("ci_low", "ci_high"), ax=ax)
    ax.set_xlabel(f"years from {start} (or set-up)")
    ax.set_ylabel("share of partnerships still running")
    cox = t["survival_cox"].iloc[0]
    ends = km.groupby("group")["survival"].last()
    charts.append(ChartSpec(
        name="austerity_survival", fig=fig,
        title="Survival of partnerships by how hard their lead council was cut",
        subtitle=f"Kaplan-Meier survival, least and most cut fifths of lead councils, {span}",
        alt_text=(f"Two step curves. By the end, {ends.get('least cut fifth', float('nan')):.0%} of partnerships "
                  f"led by the least cut fifth were still running against "
                  f"{ends.get('most cut fifth', float('nan')):.0%} in the most cut fifth. Cox hazard ratio per 10 "
                  f"points of cut {cox['hr']:.2f} (95% CI {cox['hr_ci_low']:.2f} to {cox['hr_ci_high']:.2f}): "
                  f"{stats_verdict(cox)}."),
        data=km, source=source))
    return charts


def standard_charts(dataset, *, random_state=DEFAULT_SEED, start: int | None = None, end: int | None = None,
                    typology=None, n_boot: int = 200) -> list:
    """Run the analysis once over ``start``-``end`` (default 2010-2019) and draw its charts."""
    start = 2010 if start is None else start
    end = 2019 if end is None else end
    result = austerity_against_activity(dataset, start=start, end=end, n_boot=max(n_boot, 100),
                                        random_state=random_state, lowess=True)
    return austerity_charts(result, typology=typology,
                            partnerships=dataset["partnerships"] if typology is not None else None)


def result_charts(results, dataset) -> list:
    """The charts of the austerity analysis the report fitted (``results["austerity"]``)."""
    return austerity_charts(results["austerity"])
