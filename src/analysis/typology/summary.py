"""A readable Markdown summary of a fitted typology."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from analysis.data.schema import OPTIONS
from analysis.typology.estimator import KahaneTypology
from analysis.typology.options import MIXED

__all__ = ["summary_markdown"]


def summary_markdown(model: KahaneTypology, *, dataset_name: str = "", window: dict | None = None) -> str:
    """A readable summary of a fitted typology (Markdown)."""
    check_is_fitted(model, "pipeline_")
    p = model.placements_
    lines = [f"# Kahane typology{': ' + dataset_name if dataset_name else ''}", ""]
    lines += ["Partnerships were clustered on their evidence rates per year active"
              + (f" ({window['start_year'] or 'from establishment'} to {window['end_year']})" if window else "")
              + f", transformed with `{model.transformation}` and scaled with `{model.scaling}`. "
              "Turning Kahane's four options into measurements is this toolkit's own construction; "
              "read the placements as a first reading to check against documents.", ""]
    lines += ["## Number of clusters", "", model.k_reason_ + ".", "",
              _md_table(model.k_panel_.round(3)), ""]
    lines += ["## Clusters and options", "",
              "Clusters are matched to options one-to-one by the Hungarian algorithm on the distances "
              "below; where that match is not clearly the nearest prototype, a cluster takes its nearest "
              f"prototype if that one is clear, and is `mixed` when no option is nearer than the next by "
              f"a relative margin of {model.min_margin}.", "",
              _md_table(model.assignment_.round(3)), "", "Distance from each centroid to each option prototype:",
              "", _md_table(model.cost_matrix_.round(3).reset_index()), ""]
    counts = p["option"].value_counts()
    lines += ["## Placements", "", _md_table(pd.DataFrame({
        "option": [*OPTIONS, MIXED], "partnerships": [int(counts.get(o, 0)) for o in (*OPTIONS, MIXED)]})),
        "", f"Median confidence: {p['confidence'].median():.2f} (1 - distance to own centroid / distance "
        "to the second nearest).", ""]
    s = model.stability_summary_
    lines += ["## Stability", "", f"Bootstrap ({model.n_boot} resamples, {model.bootstrap_init} start): "
              "mean Jaccard per cluster (>= 0.85 highly stable, >= 0.75 stable, 0.6-0.75 doubtful, "
              "< 0.6 unstable).", "", _md_table(model.stability_.round(3)), ""]
    for key, label in (("ari_across_seeds", "other seeds"), ("ari_across_subsamples", "80% subsamples")):
        if s.get(key):
            lines.append(f"- Adjusted Rand index with {label}: min {s['min_' + key]:.3f}, "
                         f"mean {s['mean_' + key]:.3f} ({len(s[key])} fits).")
    if len(model.alternatives_):
        for r in model.alternatives_.itertuples():
            lines.append(f"- {r.method}: adjusted Rand index with k-means {r.ari_with_kmeans:.3f} ({r.note}).")
    lines += ["", "## Pen portraits", "",
              "Index score = cluster mean / overall mean x 100 (100 = average).", ""]
    for c in range(model.k_):
        top = model.top_indicators_[model.top_indicators_["cluster"] == c]
        parts = ", ".join(f"{r.indicator} ({r.index_score:.0f})" for r in top.itertuples())
        lines.append(f"- Cluster {c} ({model.option_map_[c]}, {int((model.labels_ == c).sum())} "
                     f"partnerships): highest {parts}.")
    if model.dropped_features_:
        lines += ["", "## Indicators left out", ""]
        lines += [f"- {k}: {v}" for k, v in model.dropped_features_.items()]
    lines += ["", f"Algorithm: {model.algorithm_}. Seed: {model.random_state}.", ""]
    return "\n".join(lines)


def _md_table(frame: pd.DataFrame) -> str:
    cols = [str(c) for c in frame.columns]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        out.append("| " + " | ".join("" if (isinstance(v, float) and not np.isfinite(v)) else str(v)
                                      for v in row) + " |")
    return "\n".join(out)
