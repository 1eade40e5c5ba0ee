"""Helpers that keep the narrative notebooks thin and their outputs deterministic.

``setup()`` applies the chart style and table display options once per notebook;
``say()`` renders a sentence whose numbers come from the computation, so that no number
in the prose is typed by hand; ``table()`` sorts and rounds a frame for stable output.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["escape_markdown", "figure", "results", "setup", "say", "table"]


def setup(*, precision: int = 3) -> None:
    """Apply the house chart style and stable table display options for a notebook."""
    from analysis.style import set_style

    set_style()
    pd.set_option("display.precision", precision)
    pd.set_option("display.max_rows", 40)
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.width", 120)


def _fmt(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


#: Characters that HTML would read as markup rather than text.
_MARKUP = re.compile(r"[<>&]")


def escape_markdown(text: str) -> str:
    r"""Make a value from the data safe to put into a Markdown sentence: no HTML can come alive.

    Angle brackets and ampersands become HTML entities, so ``<script>`` or an
    ``<img onerror=...>`` in a partnership id is shown as typed and can never run in a report.
    Markdown itself is left alone: notebooks pass ready-made lists and emphasis as values
    (links to ``javascript:`` are refused by the Markdown renderer itself).

    Examples
    --------
    >>> escape_markdown("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> escape_markdown("Health & Wellbeing: **3** boards")
    'Health &amp; Wellbeing: **3** boards'
    """
    entities = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
    return _MARKUP.sub(lambda m: entities[m.group()], str(text))


def say(template: str, **values):
    """A Markdown sentence with computed numbers formatted consistently.

    The values come from the data, so they are escaped (:func:`escape_markdown`): a name or id
    is shown as written and can never become markup or script in the report.

    Examples
    --------
    >>> say("The dataset holds {n} councils.", n=318).data
    'The dataset holds 318 councils.'
    >>> say("Largest: {p}.", p="<b>SP1</b>").data
    'Largest: &lt;b&gt;SP1&lt;/b&gt;.'
    """
    from IPython.display import Markdown

    return Markdown(template.format(**{k: escape_markdown(_fmt(v)) for k, v in values.items()}))


def table(data: pd.DataFrame, *, by=None, decimals: int = 3, head: int | None = None) -> pd.DataFrame:
    """A copy sorted by ``by`` (default: the first column) and rounded, for stable display."""
    out = data.copy()
    by = by or ([out.columns[0]] if len(out.columns) else None)
    if by:
        out = out.sort_values(by, kind="mergesort")
    out = out.round(decimals).reset_index(drop=True)
    return out.head(head) if head else out


def figure(*, size: str = "govuk", **kwargs):
    """A new figure and axes of a named size in the style applied by :func:`setup`.

    Unlike :func:`analysis.style.subplots`, this does not wrap the call in a style context
    (the notebook's style is already set), so the inline backend shows every figure.
    """
    import matplotlib.pyplot as plt

    from analysis.style import figure_size

    return plt.subplots(figsize=figure_size(size), **kwargs)


def results(path: str, *, dataset, seed: int, start_year: int, end_year: int, names=None):
    """The fitted results the report handed over (``path``), or, when ``path`` is empty, the same
    results computed here (a notebook opened on its own).

    Either way they come from :func:`analysis.results.compute_results` with this seed and
    window, so a notebook's numbers and the report's charts come from the same fit.
    ``names`` limits what a notebook on its own computes (default: every analysis).
    """
    from analysis.results import compute_results, load_results

    if path:
        return load_results(path, random_state=seed, start=start_year, end=end_year)
    from analysis.data import load_dataset

    ds = dataset if hasattr(dataset, "tables") else load_dataset(dataset)
    return compute_results(ds, random_state=seed, start=start_year, end=end_year, **({"names": names} if names else {}))
