"""Charts of the Kahane typology, drawn from a :class:`~analysis.typology.TypologyResult`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.patches import FancyArrowPatch
from sklearn.utils.validation import check_is_fitted

from analysis.data.schema import OPTIONS
from analysis.export import ChartSpec
from analysis.figures import plots
from analysis.figures.annotate import separate_labels
from analysis.labels import in_words, label, words
from analysis.style import subplots
from analysis.typology import MIXED, STABILITY_LABELS, TWO_BY_TWO
from analysis.typology.result import DEFAULT_SEED, TypologyResult, fit_typology, typology_result

__all__ = ["result_charts", "standard_charts", "typology_charts"]


def _cluster_label(model, c):
    return f"C{c} {model.option_map_[c]}"


def typology_charts(result, features=None, *, source: str | None = None) -> list:
    """The standard charts of a fitted typology, as :class:`analysis.export.ChartSpec` objects.

    PCA map with loadings, option-profile heatmap of index scores, the k panel, the
    stability chart and Kahane's two-by-two with the clusters placed. Nothing is fitted
    here: everything drawn comes from ``result``.

    Parameters
    ----------
    result : TypologyResult
        From :func:`analysis.typology.fit_typology`. A fitted :class:`KahaneTypology`
        with its ``features`` is also accepted (wrapped with
        :func:`analysis.typology.typology_result`).
    source : str, optional
        Overrides the result's source line.
    """
    if not isinstance(result, TypologyResult):
        check_is_fitted(result, "pipeline_")
        result = typology_result(result, features, source=source or "")
    model = result.model
    source = result.source if source is None else source
    specs = []
    place = result.placements
    levels = [o for o in (*OPTIONS, MIXED) if (place["option"] == o).any()]

    # 1. PCA map (computed with the result).
    data = result.principal_map["data"]
    load = result.principal_map["loadings"]
    var = result.principal_map["explained_variance"]
    pcs = data[["pc1", "pc2"]].to_numpy()
    fig, ax = subplots(size="govuk_square")
    plots.plot_scatter(data, x="pc1", y="pc2", hue="option", hue_order=levels, ax=ax, s=8, alpha=0.6)
    span = np.abs(pcs).max() if len(pcs) else 1.0
    scale = 0.8 * span / max(np.abs(load).max(), 1e-12)
    strongest = np.argsort(-np.hypot(load[:, 0], load[:, 1]), kind="stable")[:8]
    tips = np.array([(load[j, 0] * scale, load[j, 1] * scale) for j in strongest]).reshape(-1, 2)
    for x, y in tips:
        # A plain arrow patch: an empty annotate() would measure its (empty) text on every draw.
        ax.add_patch(FancyArrowPatch((0, 0), (x, y), arrowstyle="->", color="#505A5F", linewidth=0.8,
                                     mutation_scale=11, shrinkA=2, shrinkB=2))
    halo = [patheffects.withStroke(linewidth=2, foreground="white")]  # legible over points and arrows
    arrow_labels = [ax.text(x * 1.05, y * 1.05, label(model.features_used_[j]), fontsize=6, color="#0B0C0C",
                            ha="left" if x >= 0 else "right", va="center", path_effects=halo)
                    for (x, y), j in zip(tips, strongest, strict=True)]
    separate_labels(ax, arrow_labels, x=tips[:, 0], y=tips[:, 1])
    ax.set_xlabel(f"First principal component ({var[0]:.0%} of variance)")
    ax.set_ylabel(f"Second principal component ({var[1]:.0%} of variance)")
    counts = place["option"].value_counts()
    specs.append(ChartSpec(
        name="typology_map", fig=fig,
        title="Partnerships form distinct groups by the kind of evidence they show",
        subtitle="Principal components of the transformed, scaled evidence rates; arrows: indicator loadings",
        source=source, data=data.round(6),
        alt_text=(f"Scatter plot of {len(data)} partnerships on the first two principal components, coloured "
                  "by option: " + ", ".join(f"{o} {int(counts.get(o, 0))}" for o in levels)
                  + ". Arrows show the eight indicators that load most on the two components.")))

    # 2. Option-profile heatmap of index scores.
    idx = model.index_scores_.copy()
    long = (idx.rename(index=lambda c: _cluster_label(model, c)).rename_axis("cluster").reset_index()
            .melt(id_vars="cluster", var_name="indicator", value_name="index_score"))
    fig, ax = subplots(size="govuk_square")
    plots.plot_heatmap(long.assign(indicator=long["indicator"].map(label)), x="cluster", y="indicator",
                       value="index_score", x_order=[_cluster_label(model, c) for c in range(model.k_)],
                       y_order=[label(f) for f in model.features_used_], ax=ax)
    top = model.top_indicators_[model.top_indicators_["rank"] == 1]
    specs.append(ChartSpec(
        name="typology_profiles", fig=fig,
        title="Each cluster stands out on the indicators of one option",
        subtitle="Index score: cluster mean rate / overall mean rate x 100 (100 = average)",
        source=source, data=long.round(3),
        alt_text=("Heatmap of index scores, indicators by cluster. Highest index per cluster: "
                  + "; ".join(f"cluster {r.cluster} ({r.option}) {words(r.indicator)} {r.index_score:.0f}"
                              for r in top.itertuples()) + ".")))

    # 3. The k panel.
    panel = model.k_panel_
    metrics = [("wss", "within-cluster sum of squares"), ("silhouette", "mean silhouette (higher better)"),
               ("gap", "gap statistic"), ("calinski_harabasz", "Calinski-Harabasz (higher better)"),
               ("davies_bouldin", "Davies-Bouldin (lower better)")]
    fig, axes = subplots(size="a4_tall", nrows=len(metrics), sharex=True)
    for ax, (col, what) in zip(np.atleast_1d(axes), metrics, strict=True):
        sub = panel[["k", col]].dropna()
        if len(sub):
            plots.plot_lines(sub, x="k", y=col, marker="o", ax=ax)
        ax.axvline(model.k_, color="#801650", linewidth=1, linestyle="--")
        ax.set_title(what, fontsize=8, loc="left")
        ax.set_ylabel("")
        ax.set_xlabel("")
    np.atleast_1d(axes)[-1].set_xlabel("Number of clusters, k")
    long_panel = panel.melt(id_vars="k", var_name="criterion", value_name="value").dropna()
    specs.append(ChartSpec(
        name="typology_k_panel", fig=fig,
        title=f"The panel of criteria chooses {model.k_} clusters",
        subtitle="Five criteria for the number of clusters; dashed line: the k used",
        source=source, data=long_panel.round(6),
        alt_text=f"Five line charts of cluster-number criteria against k. {in_words(model.k_reason_)}."))

    # 4. Stability.
    stab = model.stability_.assign(cluster_label=[_cluster_label(model, c) for c in range(model.k_)])
    fig, ax = subplots(size="govuk")
    if stab["jaccard_mean"].notna().any():
        plots.plot_bar(stab.fillna({"jaccard_mean": 0.0}), x="cluster_label", y="jaccard_mean", ax=ax)
    for thr, lab in STABILITY_LABELS[:-1]:
        ax.axhline(thr, color="#505A5F", linewidth=0.8, linestyle=":")
        ax.text(ax.get_xlim()[1], thr, f" {lab}", fontsize=7, va="center", color="#505A5F")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("Mean bootstrap Jaccard")
    ax.set_xlabel("Cluster")
    specs.append(ChartSpec(
        name="typology_stability", fig=fig,
        title="How often each cluster reappears when the data are resampled",
        subtitle=f"Mean Jaccard similarity over {model.n_boot} bootstrap resamples (Hennig's clusterboot)",
        source=source, data=stab.round(6),
        alt_text=("Bar chart of mean bootstrap Jaccard per cluster: "
                  + "; ".join(f"{r.cluster_label} {r.jaccard_mean:.2f} ({r.stability})"
                              for r in stab.itertuples()) + ".")))

    # 5. Kahane's two-by-two with the clusters placed.
    rows = []
    for opt, (change, actor) in TWO_BY_TWO.items():
        clusters = [c for c in range(model.k_) if model.option_map_[c] == opt]
        n = int((place["option"] == opt).sum())
        named = ", ".join(f"C{c}" for c in clusters)
        behind = (f"cluster {named}" if len(clusters) == 1 else f"clusters {named}") if clusters else "no cluster"
        rows.append({"can the situation be changed?": change, "acting": actor, "option": opt,
                     "partnerships": n, "label": f"{opt}\n{behind}"})
    quad = pd.DataFrame(rows)
    fig, ax = subplots(size="govuk")
    plots.plot_two_by_two(quad, x="can the situation be changed?", y="acting", value="partnerships",
                          label="label", hue="option", x_order=["can be changed", "cannot be changed"],
                          y_order=["alone", "with others"], ax=ax)
    n_mixed = int((place["option"] == MIXED).sum())
    specs.append(ChartSpec(
        name="typology_two_by_two", fig=fig,
        title="Where the partnerships fall on Kahane's two questions",
        subtitle="Partnerships placed on each option, with the clusters behind them"
                 + (f"; {n_mixed} mixed, not shown" if n_mixed else ""),
        source=source, data=quad.drop(columns="label").assign(
            clusters=[r["label"].split("\n", 1)[1] for r in rows]),
        alt_text=("Two-by-two grid of Kahane's options: "
                  + "; ".join(f"{r['option']} ({r['can the situation be changed?']}, {r['acting']}) "
                              f"{r['partnerships']} partnerships" for r in rows)
                  + (f"; {n_mixed} partnerships are mixed." if n_mixed else "."))))
    return specs


def standard_charts(dataset, *, random_state=DEFAULT_SEED, start: int | None = None,
                    end: int | None = None) -> list:
    """Fit the typology once with its defaults on ``dataset`` over ``start``-``end``; draw its charts.

    Returns
    -------
    list of analysis.export.ChartSpec
    """
    return typology_charts(fit_typology(dataset, start=start, end=end, random_state=random_state))


def result_charts(results, dataset) -> list:
    """The charts of the typology the report fitted (``results["typology"]``); nothing is refitted."""
    return typology_charts(results["typology"])
