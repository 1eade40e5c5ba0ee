"""Helpers that keep the narrative notebooks thin and their outputs deterministic.

``setup()`` applies the chart style and table display options once per notebook;
``say()`` renders a sentence whose numbers come from the computation, so that no number
in the prose is typed by hand; ``table()`` sorts and rounds a frame for stable output and
shows it as a reader expects: no index, column names in words, numbers formatted.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["Table", "escape_markdown", "figure", "results", "setup", "say", "table"]


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


#: Columns whose values are toolkit names (indicators, partnership types, tiers), shown in words.
_NAMED_VALUES = ("indicator", "feature", "type", "tier")


def _is_share(name: str) -> bool:
    return bool(re.search(r"(^|_)share($|_)", name))


#: Columns holding years (shown as 2010, never 2,010).
_YEAR_NAMES = ("year", "start", "end", "established", "founded", "joined", "left")


def _is_year(name: str) -> bool:
    return name in _YEAR_NAMES or name.startswith("year_") or name.endswith(("_year", "_established"))


def _is_p(name: str) -> bool:
    return name == "p" or name.endswith("_p")


def _column_formatter(name: str, values: pd.Series, decimals: int):
    """A function turning one value of column ``name`` into the text a reader sees."""
    from analysis.labels import words

    def missing(v) -> bool:
        return v is None or (not isinstance(v, str) and bool(pd.isna(v)))

    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    present = values.dropna()
    whole = numeric and bool(((present % 1) == 0).all()) if len(present) else numeric

    def fmt(v) -> str:
        if missing(v):
            return "–"
        if isinstance(v, bool) or (not numeric and type(v).__name__ == "bool_"):
            return "yes" if v else "no"
        if not numeric:
            return words(v) if name in _NAMED_VALUES and isinstance(v, str) else str(v)
        if _is_year(name):
            return f"{int(v)}"
        if _is_share(name):
            return f"{float(v):.1%}"
        if _is_p(name):
            return "<0.001" if float(v) < 0.001 else f"{float(v):.3f}"
        if whole:
            return f"{int(v):,}"
        return f"{float(v):,.{decimals}f}"

    return fmt, numeric


class Table:
    """A table for reading: no index, human column names, numbers formatted.

    What :func:`table` returns. In a notebook (and so in the report) it shows as an HTML
    table and, as plain text, without the 0, 1, 2 index. ``data`` keeps the sorted, rounded
    frame with its own column names; :meth:`formatted` gives the frame as shown.
    """

    def __init__(self, data: pd.DataFrame, *, labels=None, decimals: int = 3):
        self.data = data
        self.labels = dict(labels or {})
        self.decimals = decimals

    def _columns(self):
        from analysis.labels import label

        for col in self.data.columns:
            fmt, numeric = _column_formatter(str(col), self.data[col], self.decimals)
            yield label(col, self.labels), [fmt(v) for v in self.data[col].tolist()], numeric

    def formatted(self) -> pd.DataFrame:
        """The table as shown: human column names, every value as formatted text."""
        cols = list(self._columns())
        return pd.DataFrame({i: values for i, (_, values, _) in enumerate(cols)}, index=range(len(self.data))
                            ).set_axis([name for name, _, _ in cols], axis=1)

    def _repr_html_(self) -> str:
        from html import escape

        cols = list(self._columns())
        head = "".join(f'<th class="num">{escape(n)}</th>' if num else f"<th>{escape(n)}</th>"
                       for n, _, num in cols)
        rows = []
        for i in range(len(self.data)):
            cells = "".join(f'<td class="num">{escape(v[i])}</td>' if num else f"<td>{escape(v[i])}</td>"
                            for _, v, num in cols)
            rows.append(f"<tr>{cells}</tr>")
        body = "\n".join(rows)
        return f'<table class="dataframe">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'

    def __repr__(self) -> str:
        shown = self.formatted()
        if not len(shown.columns):
            return "(no columns)"
        if not len(shown):
            return "(no rows) " + " | ".join(map(str, shown.columns))
        return shown.to_string(index=False)

    def __len__(self) -> int:
        return len(self.data)


def table(data: pd.DataFrame, *, by=None, decimals: int = 3, head: int | None = None, labels=None,
          sort: bool = True) -> Table:
    """A table ready to show: sorted, rounded, without the index and with human column names.

    Parameters
    ----------
    data : DataFrame
        Not changed. Its index is not shown (reset it first if it holds something to show).
    by : str or list of str, optional
        Sort by these columns (default: the first column); ``sort=False`` keeps the order.
    decimals : int, default 3
        Decimal places of numbers that are not whole. Whole numbers get thousands
        separators, shares (a column named ``share`` or ``share_*``) are percentages, years
        are plain and p-values under 0.001 show as "<0.001".
    head : int, optional
        Show only the first ``head`` rows.
    labels : dict, optional
        Column name to the heading shown; other names go through :func:`analysis.labels.label`
        (``change_real_per_head`` -> "Real-terms change per head").

    Examples
    --------
    >>> t = table(pd.DataFrame({"change_real_per_head": [-12.5, 3.0], "councils": [1200, 8],
    ...                         "share": [0.25, 0.75]}))
    >>> print(t)
    Real-terms change per head Councils Share
                       -12.500    1,200 25.0%
                         3.000        8 75.0%
    >>> print(t._repr_html_().splitlines()[1])
    <thead><tr><th class="num">Real-terms change per head</th><th class="num">Councils</th><th class="num">Share</th></tr></thead>
    """
    out = data.copy()
    if sort:
        by = by or ([out.columns[0]] if len(out.columns) else None)
        if by:
            out = out.sort_values(by, kind="mergesort")
    out = out.round(decimals).reset_index(drop=True)
    return Table(out.head(head) if head else out, labels=labels, decimals=decimals)


def figure(*, size: str = "govuk", **kwargs):
    """A new figure and axes of a named size in the style applied by :func:`setup`.

    Unlike :func:`analysis.style.subplots`, this does not wrap the call in a style context
    (the notebook's style is already set), so the inline backend shows every figure.
    """
    import matplotlib.pyplot as plt

    from analysis.style import figure_size

    return plt.subplots(figsize=figure_size(size), **kwargs)


def results(path: str, *, dataset, seed: int, start: int | None = None, end: int | None = None, names=None,
            **old_names):
    """The fitted results the report handed over (``path``), or, when ``path`` is empty, the same
    results computed here (a notebook opened on its own).

    Either way they come from :func:`analysis.results.compute_results` with this seed and
    window (``start``/``end``, the names the API and the report's notebooks use; the former
    ``start_year``/``end_year`` are still accepted, with a DeprecationWarning), so a notebook's
    numbers and the report's charts come from the same fit. ``names`` limits what a notebook on
    its own computes (default: every analysis).
    """
    from analysis.results import compute_results, load_results
    from analysis.typology.features import accept_old_window_names

    start, end = accept_old_window_names(old_names, start, end, "notebook.results")
    if path:
        return load_results(path, random_state=seed, start=start, end=end)
    from analysis.data import load_dataset

    ds = dataset if hasattr(dataset, "tables") else load_dataset(dataset)
    return compute_results(ds, random_state=seed, start=start, end=end, **({"names": names} if names else {}))
