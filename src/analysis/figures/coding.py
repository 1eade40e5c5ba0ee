"""Charts of the document coding, drawn from a :class:`~analysis.coding.CodingResult`."""

from __future__ import annotations

import pandas as pd

from analysis.coding import CodingResult, code_dataset
from analysis.export import ChartSpec
from analysis.figures import plots
from analysis.labels import count, label, words
from analysis.style import subplots

__all__ = ["coding_charts", "result_charts", "standard_charts"]


def _draw_bars(data: pd.DataFrame, *, x: str, y: str, hue: str | None = None, xlabel: str, ylabel: str,
               orient: str = "v"):
    """Draw (stacked) bars with the house plotting functions on a new figure; return it.

    ``orient="h"`` puts the categories (``y``) down the side, for names too long to sit
    side by side under vertical bars (they are never rotated)."""
    fig, ax = subplots(size="a4")
    order = list(dict.fromkeys(data[x if orient == "v" else y]))
    plots.plot_bar(data, x=x, y=y, hue=hue, order=order, stacked=hue is not None, orient=orient, ax=ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


def coding_charts(result: CodingResult | None) -> list:
    """The coding charts of a result (an empty list for None: no documents to code).

    1. ``coding_primary_share``: share of documents by primary option.
    2. ``coding_mix_by_partnership_type`` (when the result has a ``mix``): mean option
       shares by partnership type.

    Returns
    -------
    list of analysis.export.ChartSpec
    """
    if result is None:
        return []
    share, codes, options = result.share, result.codes, list(result.options)
    source = f"{result.dataset_name}; analysis.coding ({result.model} coder, {len(codes)} documents)"
    if result.n_problems:
        source += f"; {count(result.n_problems, 'document', verb=('was', 'were'))} not readable"
    fig = _draw_bars(share, x="primary", y="share", xlabel="Primary option", ylabel="Share of documents")
    top = share.iloc[share["share"].to_numpy().argmax()]
    charts = [ChartSpec(
        name="coding_primary_share",
        fig=fig,
        title="Which option do the documents speak for?",
        subtitle="Share of documents by their primary Kahane option",
        alt_text=(f"Bar chart of the share of {len(codes)} documents by primary option. "
                  + ", ".join(f"{r.primary} {r.share:.0%}" for r in share.itertuples())
                  + f". The largest group is {top['primary']}."),
        data=share,
        source=source,
    )]
    if result.mix is not None:
        long = result.mix
        mix = long.pivot(index="type", columns="option", values="share")[options].reset_index()
        fig2 = _draw_bars(long.assign(type=long["type"].map(label)), x="share", y="type", hue="option",
                          xlabel="Mean share of coded evidence", ylabel="Partnership type", orient="h")
        charts.append(ChartSpec(
            name="coding_mix_by_partnership_type",
            fig=fig2,
            title="Option mix by partnership type",
            subtitle="Mean share of each option in the documents of each partnership, by type",
            alt_text=("Horizontal stacked bar chart of the mean share of fight, adapt, exit and collaborate "
                      f"evidence for {len(mix)} partnership types. "
                      + "; ".join(f"{words(r['type'])}: " + ", ".join(f"{o} {r[o]:.0%}" for o in options)
                                  for _, r in mix.iterrows()) + "."),
            data=long,
            source=source,
        ))
    return charts


def standard_charts(dataset, *, random_state=None, start: int | None = None, end: int | None = None,
                    codebook=None, model: str = "combined") -> list:
    """Code the dataset's documents once and draw the coding charts (empty without documents).

    ``random_state``, ``start`` and ``end`` are accepted for the registry's uniform call:
    the coders are deterministic (the learned one is trained with a fixed seed) and code
    every document.
    """
    return coding_charts(code_dataset(dataset, codebook=codebook, model=model))


def result_charts(results, dataset) -> list:
    """The charts of the coding the report did (``results["coding"]``; none without documents)."""
    return coding_charts(results["coding"])
