"""Plotting functions in the seaborn manner: tidy data first, keyword arguments, ``ax=``.

Every ``plot_*`` function draws on one axes (``ax``, default the current axes), labels
it from the column names, passes extra keyword arguments to the matplotlib call that
draws the marks, and returns the axes. Figure-level helpers end in ``_grid`` and own
their figure.

The functions do **no statistics**: they draw frames that the analysis modules computed
(counts, fitted lines, confidence bands, survival curves, network layouts). A frame with
two rows for the same bar is refused rather than silently summed. Titles, subtitles,
sources and alt text are attached at export (:func:`analysis.export.export_chart`).
Axis labels and legend titles are the column names in words (:func:`analysis.labels.label`).
Legends sit outside the plot, at its top right (the same place on every chart; never over the data).

Colours come from :mod:`analysis.style`: the Analysis Function categorical palette, and
fixed colours for Kahane's options whenever the ``hue`` levels are options.

Why this module is over 600 lines: it is a catalogue of independent axes-level functions
with one shared set of argument checks; each function reads on its own. ``analysis.plots``
re-exports it for existing imports.
"""

from __future__ import annotations

import difflib
import math
import warnings
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from analysis import labels as _labels
from analysis.style import (
    CATEGORICAL,
    MUTED_COLOUR,
    SEQUENTIAL,
    TEXT_COLOUR,
    chart_style,
    colours_for,
    figure_size,
    sequential_cmap,
)

__all__ = [
    "plot_bar",
    "plot_scatter",
    "plot_lines",
    "lines_grid",
    "plot_heatmap",
    "plot_quadrant",
    "plot_survival",
    "plot_two_by_two",
    "plot_network",
]

_BAND_ALPHA = 0.2


# ----------------------------------------------------------------------------- helpers


def _check_data(data, function: str, **columns) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{function}: data must be a pandas DataFrame, not {type(data).__name__}")
    present = [str(c) for c in data.columns]
    for param, col in columns.items():
        cols = col if isinstance(col, (tuple, list)) else [col]
        for c in cols:
            if c is None:
                continue
            if c not in data.columns:
                close = difflib.get_close_matches(str(c), present, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ValueError(
                    f"{function}: {param}={c!r} is not a column of data; columns present: "
                    f"{', '.join(present)}{hint}"
                )
    return data


def _check_band(band, function: str):
    if band is None:
        return None
    if isinstance(band, str) or len(band) != 2:
        raise ValueError(f"{function}: band must be a pair of column names (low, high), not {band!r}")
    return tuple(band)


def _levels(series: pd.Series, order=None) -> list:
    if order is not None:
        return list(order)
    if isinstance(series.dtype, pd.CategoricalDtype):
        present = set(series.dropna())
        return [c for c in series.cat.categories if c in present]
    return list(dict.fromkeys(series.dropna()))


def _ax(ax):
    return plt.gca() if ax is None else ax


def _check_unique(data, keys, function):
    dup = data.duplicated(subset=list(keys), keep=False)
    if dup.any():
        example = data.loc[dup, list(keys)].iloc[0].to_dict()
        raise ValueError(
            f"{function}: more than one row for {example}; plots draw values that were "
            f"computed beforehand, so summarise the data first (for example with groupby)"
        )


def _legend(ax, title):
    # One place for every legend: outside the plot, at its top right, where a reader looks for
    # it on every chart and where it never hides data. (matplotlib's "best" searched for the
    # emptiest corner on every draw: 0.07 s a draw over the 1,200 points of the typology map.)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(title=title, loc="upper left", bbox_to_anchor=(1.0, 1.0))


# ----------------------------------------------------------------------------- bars


def plot_bar(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    hue: str | None = None,
    order: Sequence | None = None,
    hue_order: Sequence | None = None,
    orient: str = "v",
    stacked: bool = False,
    palette=None,
    color: str | None = None,
    ax=None,
    **kwargs,
):
    """Draw one bar per row: categories on one axis, precomputed values on the other.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy frame, one row per bar (per category, or per category and ``hue`` level).
    x, y : str
        Columns. With ``orient="v"`` ``x`` holds the categories and ``y`` the values;
        with ``orient="h"`` ``y`` holds the categories (listed top to bottom) and ``x``
        the values.
    hue : str, optional
        Column splitting each category into coloured bars (side by side, or stacked).
    order, hue_order : sequence, optional
        Order of the categories and of the ``hue`` levels (default: order of appearance).
    orient : {"v", "h"}, default "v"
        Vertical or horizontal bars.
    stacked : bool, default False
        Stack the ``hue`` bars instead of placing them side by side.
    palette : str, dict or list, optional
        Colours for the ``hue`` levels (see :func:`analysis.style.colours_for`).
    color : str, optional
        Colour of the bars without ``hue`` (default the first palette colour).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default the current axes).
    **kwargs
        Passed to ``Axes.bar`` / ``Axes.barh``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"tier": ["county", "district", "unitary"], "councils": [2, 5, 3]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_bar(frame, x="tier", y="councils", ax=ax)
    >>> [round(p.get_height()) for p in ax.patches], ax.get_ylabel()
    ([2, 5, 3], 'Councils')
    >>> plt.close(fig)
    """
    _check_data(data, "plot_bar", x=x, y=y, hue=hue)
    if orient not in ("v", "h"):
        raise ValueError(f"plot_bar: orient must be 'v' or 'h', not {orient!r}")
    cat, val = (x, y) if orient == "v" else (y, x)
    _check_unique(data, [cat] + ([hue] if hue else []), "plot_bar")
    ax = _ax(ax)
    cats = _levels(data[cat], order)
    pos = {c: i for i, c in enumerate(cats)}
    groups = [(None, data)] if hue is None else None
    if hue is not None:
        levels = _levels(data[hue], hue_order)
        colours = colours_for(levels, palette=palette)
        groups = [(lvl, data[data[hue] == lvl]) for lvl in levels]
    n = len(groups)
    width = kwargs.pop("width", kwargs.pop("height", 0.8))
    bar_width = width if (stacked or n == 1) else width / n
    base = np.zeros(len(cats))
    draw = ax.bar if orient == "v" else ax.barh
    for i, (lvl, frame) in enumerate(groups):
        frame = frame[frame[cat].isin(pos)]
        values = np.full(len(cats), np.nan)
        values[[pos[c] for c in frame[cat]]] = frame[val].to_numpy(dtype=float)
        centres = np.arange(len(cats), dtype=float)
        if not stacked and n > 1:
            centres = centres - width / 2 + bar_width * (i + 0.5)
        colour = colours[lvl] if hue is not None else (color or CATEGORICAL[0])
        label = str(lvl) if hue is not None else None
        offset = {"bottom": base.copy()} if orient == "v" else {"left": base.copy()}
        if not stacked:
            offset = {}
        size_kw = {"width": bar_width} if orient == "v" else {"height": bar_width}
        draw(centres, np.nan_to_num(values) if stacked else values, color=colour, label=label,
             **size_kw, **offset, **kwargs)
        if stacked:
            base = base + np.nan_to_num(values)
    if orient == "v":
        ax.set_xticks(range(len(cats)), [str(c) for c in cats])
        ax.set_xlabel(_labels.label(x))
        ax.set_ylabel(_labels.label(y))
    else:
        ax.set_yticks(range(len(cats)), [str(c) for c in cats])
        ax.set_ylim(len(cats) - 0.5, -0.5)  # first category at the top
        ax.set_xlabel(_labels.label(x))
        ax.set_ylabel(_labels.label(y))
        ax.grid(False, axis="y")
        ax.grid(True, axis="x")
    if hue is not None:
        _legend(ax, _labels.label(hue))
    return ax


# ----------------------------------------------------------------------------- scatter and lines


def _draw_band(ax, frame, x, band, colour):
    lo, hi = band
    frame = frame.sort_values(x)
    return ax.fill_between(
        frame[x].to_numpy(), frame[lo].to_numpy(dtype=float), frame[hi].to_numpy(dtype=float),
        color=colour, alpha=_BAND_ALPHA, linewidth=0,
    )


def plot_scatter(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    hue: str | None = None,
    hue_order: Sequence | None = None,
    line: str | None = None,
    band: tuple[str, str] | None = None,
    label: str | None = None,
    palette=None,
    color: str | None = None,
    ax=None,
    **kwargs,
):
    """Draw points, optionally with a precomputed line and band (a fit and its interval).

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy frame, one row per point.
    x, y : str
        Columns for the point positions.
    hue : str, optional
        Column colouring the points (one legend entry per level).
    hue_order : sequence, optional
        Order of the ``hue`` levels.
    line : str, optional
        Column holding fitted values of ``y`` at each ``x`` (computed beforehand); drawn
        as a line through them, sorted by ``x`` (one per ``hue`` level).
    band : (str, str), optional
        Columns holding the low and high edges of a band (a confidence interval) at each ``x``.
    label : str, optional
        Column of text drawn next to each point.
    palette : str, dict or list, optional
        Colours for the ``hue`` levels.
    color : str, optional
        Colour of the points without ``hue``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.
    **kwargs
        Passed to ``Axes.scatter``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"cut": [0.1, 0.2, 0.3], "meetings": [9, 7, 4], "fit": [9.2, 6.6, 4.1]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_scatter(frame, x="cut", y="meetings", line="fit", ax=ax)
    >>> len(ax.collections[0].get_offsets()), len(ax.lines)
    (3, 1)
    >>> plt.close(fig)
    """
    band = _check_band(band, "plot_scatter")
    _check_data(data, "plot_scatter", x=x, y=y, hue=hue, line=line, band=band, label=label)
    ax = _ax(ax)
    if hue is None:
        groups = [(None, data, color or CATEGORICAL[0])]
    else:
        levels = _levels(data[hue], hue_order)
        colours = colours_for(levels, palette=palette)
        groups = [(lvl, data[data[hue] == lvl], colours[lvl]) for lvl in levels]
    for lvl, frame, colour in groups:
        if band is not None:
            _draw_band(ax, frame, x, band, colour)
        if line is not None:
            ordered = frame.sort_values(x)
            ax.plot(ordered[x], ordered[line], color=colour if hue else MUTED_COLOUR,
                    linewidth=1.5, zorder=2)
        ax.scatter(frame[x], frame[y], color=colour, label=None if lvl is None else str(lvl),
                   zorder=3, **kwargs)
    if label is not None:
        for _, row in data.iterrows():
            ax.annotate(str(row[label]), (row[x], row[y]), xytext=(4, 4),
                        textcoords="offset points", fontsize=8, color=TEXT_COLOUR)
    ax.set_xlabel(_labels.label(x))
    ax.set_ylabel(_labels.label(y))
    if hue is not None:
        _legend(ax, _labels.label(hue))
    return ax


def plot_lines(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    hue: str | None = None,
    hue_order: Sequence | None = None,
    band: tuple[str, str] | None = None,
    palette=None,
    color: str | None = None,
    marker: str | None = None,
    ax=None,
    **kwargs,
):
    """Draw one line per ``hue`` level through precomputed values, sorted by ``x``.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy frame, one row per point of a line (per ``x``, or per ``x`` and ``hue``).
    x, y : str
        Columns (``x`` usually a year).
    hue : str, optional
        Column naming the lines.
    hue_order : sequence, optional
        Order of the lines in the legend.
    band : (str, str), optional
        Columns with the low and high edges of a band around each line.
    palette : str, dict or list, optional
        Colours for the ``hue`` levels.
    color : str, optional
        Colour of the line without ``hue``.
    marker : str, optional
        Marker at each point (``"o"``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.
    **kwargs
        Passed to ``Axes.plot``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"year": [2010, 2011, 2010, 2011], "tier": ["county", "county", "district", "district"],
    ...                       "per_head": [820, 790, 210, 190]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_lines(frame, x="year", y="per_head", hue="tier", ax=ax)
    >>> [line.get_label() for line in ax.lines]
    ['county', 'district']
    >>> plt.close(fig)
    """
    band = _check_band(band, "plot_lines")
    _check_data(data, "plot_lines", x=x, y=y, hue=hue, band=band)
    _check_unique(data, [x] + ([hue] if hue else []), "plot_lines")
    ax = _ax(ax)
    if hue is None:
        groups = [(None, data, color or CATEGORICAL[0])]
    else:
        levels = _levels(data[hue], hue_order)
        colours = colours_for(levels, palette=palette)
        groups = [(lvl, data[data[hue] == lvl], colours[lvl]) for lvl in levels]
    for lvl, frame, colour in groups:
        frame = frame.sort_values(x)
        if band is not None:
            _draw_band(ax, frame, x, band, colour)
        ax.plot(frame[x].to_numpy(), frame[y].to_numpy(), color=colour, marker=marker,
                label=None if lvl is None else str(lvl), **kwargs)
    if pd.api.types.is_integer_dtype(data[x]):
        # years, not 2007.5; at most six ticks, so that years never run into each other
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.set_xlabel(_labels.label(x))
    ax.set_ylabel(_labels.label(y))
    if hue is not None:
        _legend(ax, _labels.label(hue))
    return ax


def lines_grid(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    by: str,
    hue: str | None = None,
    by_order: Sequence | None = None,
    col_wrap: int = 3,
    size="govuk",
    sharey: bool = True,
    ax=None,
    **kwargs,
):
    """Small multiples: one :func:`plot_lines` panel per level of ``by``, in a new figure.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy frame.
    x, y, hue
        As for :func:`plot_lines`.
    by : str
        Column giving one panel per level.
    by_order : sequence, optional
        Order of the panels.
    col_wrap : int, default 3
        Panels per row.
    size : str or (float, float), default "govuk"
        Figure size (a name of :data:`analysis.style.SIZES`).
    sharey : bool, default True
        Same value axis on every panel (recommended, so panels can be compared).
    ax : ignored
        Figure-level: a warning is given if an axes is passed.
    **kwargs
        Passed to :func:`plot_lines`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"year": [2010, 2011] * 3, "tier": ["a", "a", "b", "b", "c", "c"],
    ...                       "n": [1, 2, 3, 2, 1, 0]})
    >>> fig = lines_grid(frame, x="year", y="n", by="tier", col_wrap=2)
    >>> [a.get_title() for a in fig.axes if a.get_visible()]
    ['a', 'b', 'c']
    >>> plt.close(fig)
    """
    if ax is not None:
        warnings.warn("lines_grid is figure-level and ignores ax=; it makes its own figure",
                      UserWarning, stacklevel=2)
    _check_data(data, "lines_grid", x=x, y=y, by=by, hue=hue)
    panels = _levels(data[by], by_order)
    if not panels:
        raise ValueError(f"lines_grid: column {by!r} has no values to make panels from")
    ncols = max(1, min(int(col_wrap), len(panels)))
    nrows = math.ceil(len(panels) / ncols)
    if hue is not None and "palette" not in kwargs:
        kwargs["palette"] = colours_for(_levels(data[hue], kwargs.get("hue_order")))
    with chart_style():
        fig, axes = plt.subplots(nrows, ncols, figsize=figure_size(size), sharex=True,
                                 sharey=sharey, squeeze=False)
    flat = axes.ravel()
    for panel_ax, level in zip(flat, panels, strict=False):
        plot_lines(data[data[by] == level], x=x, y=y, hue=hue, ax=panel_ax, **kwargs)
        panel_ax.set_title(str(level), fontsize="medium")
        if panel_ax.get_legend() is not None:
            panel_ax.get_legend().remove()
        panel_ax.set_xlabel("")
        panel_ax.set_ylabel("")
    for spare in flat[len(panels):]:
        spare.set_visible(False)
    fig.supxlabel(str(x), fontsize="medium")
    fig.supylabel(str(y), fontsize="medium")
    if hue is not None:
        handles, labels = flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, title=str(hue), loc="outside right upper")
    return fig


# ----------------------------------------------------------------------------- heatmap


def plot_heatmap(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    value: str,
    x_order: Sequence | None = None,
    y_order: Sequence | None = None,
    cmap=None,
    annot: bool = True,
    fmt: str = "{:.0f}",
    colorbar: bool = False,
    ax=None,
    **kwargs,
):
    """Draw a grid of cells coloured by a precomputed value (one row of data per cell).

    Missing cells are drawn in light grey. Cell text switches to white on dark cells.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy frame, one row per cell.
    x, y : str
        Columns giving the cell's column and row.
    value : str
        Column of numbers to colour by.
    x_order, y_order : sequence, optional
        Order of columns (left to right) and rows (top to bottom).
    cmap : str or Colormap, optional
        Default the Analysis Function sequential blues.
    annot : bool, default True
        Write each value in its cell.
    fmt : str, default "{:.0f}"
        Format of the cell text.
    colorbar : bool, default False
        Add a colour bar.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.
    **kwargs
        Passed to ``Axes.imshow`` (for example ``vmin``, ``vmax``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"region": ["North", "North", "South"], "tier": ["county", "unitary", "county"],
    ...                       "councils": [2, 1, 4]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_heatmap(frame, x="tier", y="region", value="councils", ax=ax)
    >>> [t.get_text() for t in ax.texts]
    ['2', '1', '4', '']
    >>> plt.close(fig)
    """
    _check_data(data, "plot_heatmap", x=x, y=y, value=value)
    _check_unique(data, [x, y], "plot_heatmap")
    ax = _ax(ax)
    cols = _levels(data[x], x_order)
    rows = _levels(data[y], y_order)
    grid = (
        data.pivot(index=y, columns=x, values=value)
        .reindex(index=rows, columns=cols)
        .to_numpy(dtype=float)
    )
    if cmap is None:
        cmap = sequential_cmap()
    cmap = plt.get_cmap(cmap).with_extremes(bad=SEQUENTIAL[-1])
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, aspect="auto", **kwargs)
    ax.set_xticks(range(len(cols)), [str(c) for c in cols])
    ax.set_yticks(range(len(rows)), [str(r) for r in rows])
    ax.set_xlabel(_labels.label(x))
    ax.set_ylabel(_labels.label(y))
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(length=0)
    if annot:
        for i in range(len(rows)):
            for j in range(len(cols)):
                cell = grid[i, j]
                if np.isnan(cell):
                    ax.text(j, i, "", ha="center", va="center")
                    continue
                r, g, b, _ = image.cmap(image.norm(cell))
                dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5
                ax.text(j, i, fmt.format(cell), ha="center", va="center",
                        color="white" if dark else TEXT_COLOUR, fontsize=9)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label=str(value))
    return ax


# ----------------------------------------------------------------------------- quadrant


_QUADRANTS = ("top_left", "top_right", "bottom_left", "bottom_right")


def plot_quadrant(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    hue: str | None = None,
    label: str | None = None,
    x_mid: float = 0.0,
    y_mid: float = 0.0,
    quadrant_labels: Mapping[str, str] | None = None,
    palette=None,
    ax=None,
    **kwargs,
):
    """Scatter points on a plane divided into four quadrants at (``x_mid``, ``y_mid``).

    Used for Kahane's options, where two scores place each partnership in one quadrant.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy frame, one row per point.
    x, y : str
        Score columns.
    hue, label
        As for :func:`plot_scatter`.
    x_mid, y_mid : float, default 0
        Where the dividing lines cross.
    quadrant_labels : mapping, optional
        Text for the corners: keys ``"top_left"``, ``"top_right"``, ``"bottom_left"``,
        ``"bottom_right"``.
    palette : str, dict or list, optional
        Colours for the ``hue`` levels.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.
    **kwargs
        Passed to ``Axes.scatter``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"assert": [0.5, -0.4, 0.2], "engage": [0.6, 0.3, -0.7],
    ...                       "option": ["collaborate", "adapt", "fight"]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_quadrant(frame, x="assert", y="engage", hue="option",
    ...                    quadrant_labels={"top_right": "collaborate", "bottom_right": "fight"}, ax=ax)
    >>> sorted(t.get_text() for t in ax.texts)
    ['collaborate', 'fight']
    >>> plt.close(fig)
    """
    labels = dict(quadrant_labels or {})
    unknown = set(labels) - set(_QUADRANTS)
    if unknown:
        raise ValueError(
            f"plot_quadrant: unknown quadrant {sorted(unknown)}; use {', '.join(_QUADRANTS)}"
        )
    ax = plot_scatter(data, x=x, y=y, hue=hue, label=label, palette=palette, ax=ax, **kwargs)
    ax.axvline(x_mid, color=MUTED_COLOUR, linewidth=1, zorder=1)
    ax.axhline(y_mid, color=MUTED_COLOUR, linewidth=1, zorder=1)
    ax.grid(False)
    # keep the crossing in view, with equal room either side
    xs = data[x].to_numpy(dtype=float)
    ys = data[y].to_numpy(dtype=float)
    dx = max(np.nanmax(np.abs(xs - x_mid)) if len(xs) else 1.0, 1e-9) * 1.15
    dy = max(np.nanmax(np.abs(ys - y_mid)) if len(ys) else 1.0, 1e-9) * 1.15
    ax.set_xlim(x_mid - dx, x_mid + dx)
    ax.set_ylim(y_mid - dy, y_mid + dy)
    place = {
        "top_left": (0.02, 0.98, "left", "top"),
        "top_right": (0.98, 0.98, "right", "top"),
        "bottom_left": (0.02, 0.02, "left", "bottom"),
        "bottom_right": (0.98, 0.02, "right", "bottom"),
    }
    for key in _QUADRANTS:
        if key in labels:
            px, py, ha, va = place[key]
            ax.text(px, py, str(labels[key]), transform=ax.transAxes, ha=ha, va=va,
                    color=MUTED_COLOUR, fontweight="bold", fontsize=10)
    return ax


# ----------------------------------------------------------------------------- survival


def plot_survival(
    data: pd.DataFrame,
    *,
    x: str = "time",
    y: str = "survival",
    hue: str | None = None,
    hue_order: Sequence | None = None,
    band: tuple[str, str] | None = None,
    palette=None,
    color: str | None = None,
    ax=None,
    **kwargs,
):
    """Draw precomputed survival curves as steps, with optional bands.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy frame, one row per step (a Kaplan-Meier table computed elsewhere).
    x : str, default "time"
        Time column.
    y : str, default "survival"
        Survival probability column (0 to 1).
    hue : str, optional
        Column naming the curves.
    hue_order : sequence, optional
        Order of the curves.
    band : (str, str), optional
        Columns with the lower and upper confidence limits.
    palette : str, dict or list, optional
        Colours for the ``hue`` levels.
    color : str, optional
        Colour of a single curve.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.
    **kwargs
        Passed to ``Axes.step``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"time": [0, 2, 5], "survival": [1.0, 0.8, 0.5],
    ...                       "low": [1.0, 0.6, 0.3], "high": [1.0, 0.9, 0.7]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_survival(frame, band=("low", "high"), ax=ax)
    >>> ax.lines[0].get_drawstyle(), tuple(float(v) for v in ax.get_ylim())
    ('steps-post', (0.0, 1.05))
    >>> plt.close(fig)
    """
    band = _check_band(band, "plot_survival")
    _check_data(data, "plot_survival", x=x, y=y, hue=hue, band=band)
    ax = _ax(ax)
    if hue is None:
        groups = [(None, data, color or CATEGORICAL[0])]
    else:
        levels = _levels(data[hue], hue_order)
        colours = colours_for(levels, palette=palette)
        groups = [(lvl, data[data[hue] == lvl], colours[lvl]) for lvl in levels]
    for lvl, frame, colour in groups:
        frame = frame.sort_values(x)
        if band is not None:
            lo, hi = band
            ax.fill_between(frame[x].to_numpy(), frame[lo].to_numpy(dtype=float),
                            frame[hi].to_numpy(dtype=float), step="post", color=colour,
                            alpha=_BAND_ALPHA, linewidth=0)
        ax.step(frame[x].to_numpy(), frame[y].to_numpy(dtype=float), where="post", color=colour,
                label=None if lvl is None else str(lvl), **kwargs)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel(_labels.label(x))
    ax.set_ylabel(_labels.label(y))
    if hue is not None:
        _legend(ax, _labels.label(hue))
    return ax


# ----------------------------------------------------------------------------- two by two


def plot_two_by_two(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    value: str,
    label: str | None = None,
    hue: str | None = None,
    x_order: Sequence | None = None,
    y_order: Sequence | None = None,
    fmt: str = "{:.0f}",
    palette=None,
    ax=None,
    **kwargs,
):
    """Draw a two-by-two table as four tiles, each with its label and value.

    Kahane's four options are a two-by-two; with ``hue`` set to the option column each
    tile takes the option's fixed colour.

    Parameters
    ----------
    data : pandas.DataFrame
        Four rows: each combination of two ``x`` levels and two ``y`` levels.
    x, y : str
        The two dimensions (two levels each).
    value : str
        Number shown in each tile (a count or share computed beforehand).
    label : str, optional
        Text shown above the value (for example the option's name).
    hue : str, optional
        Column colouring the tiles (default: a light blue for every tile).
    x_order, y_order : sequence, optional
        Order of the levels (left to right; top to bottom).
    fmt : str, default "{:.0f}"
        Format of the value.
    palette : str, dict or list, optional
        Colours for the ``hue`` levels.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.
    **kwargs
        Passed to each tile's ``Rectangle``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"change": ["alone", "alone", "together", "together"],
    ...                       "stance": ["push", "accept", "push", "accept"],
    ...                       "option": ["fight", "exit", "collaborate", "adapt"],
    ...                       "partnerships": [3, 1, 8, 5]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_two_by_two(frame, x="change", y="stance", value="partnerships",
    ...                      label="option", hue="option", ax=ax)
    >>> len(ax.patches), sorted(t.get_text() for t in ax.texts)[:2]
    (4, ['adapt\\n5', 'collaborate\\n8'])
    >>> plt.close(fig)
    """
    _check_data(data, "plot_two_by_two", x=x, y=y, value=value, label=label, hue=hue)
    _check_unique(data, [x, y], "plot_two_by_two")
    cols = _levels(data[x], x_order)
    rows = _levels(data[y], y_order)
    if len(cols) != 2 or len(rows) != 2:
        raise ValueError(
            f"plot_two_by_two: needs two levels of {x!r} and of {y!r}; got {cols} and {rows}"
        )
    ax = _ax(ax)
    colours = colours_for(_levels(data[hue]), palette=palette) if hue else None
    gap = 0.04
    for _, row in data.iterrows():
        if row[x] not in cols or row[y] not in rows:
            continue
        j, i = cols.index(row[x]), rows.index(row[y])
        colour = colours[row[hue]] if colours else SEQUENTIAL[4]
        tile = Rectangle((j + gap, 1 - i + gap), 1 - 2 * gap, 1 - 2 * gap, facecolor=colour,
                         edgecolor="none", **kwargs)
        ax.add_patch(tile)
        r, g, b = (int(colour.lstrip("#")[k:k + 2], 16) / 255 for k in (0, 2, 4)) \
            if isinstance(colour, str) and colour.startswith("#") else (1, 1, 1)
        dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5
        text = fmt.format(row[value])
        if label is not None:
            text = f"{row[label]}\n{text}"
        ax.text(j + 0.5, 1 - i + 0.5, text, ha="center", va="center", fontsize=12,
                fontweight="bold", color="white" if dark else TEXT_COLOUR)
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    ax.set_xticks([0.5, 1.5], [str(c) for c in cols])
    ax.set_yticks([1.5, 0.5], [str(r) for r in rows])
    ax.set_xlabel(_labels.label(x))
    ax.set_ylabel(_labels.label(y))
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.tick_params(length=0)
    ax.set_aspect("equal", adjustable="box")
    return ax


# ----------------------------------------------------------------------------- network


def plot_network(
    data: pd.DataFrame,
    *,
    edges: pd.DataFrame,
    x: str = "x",
    y: str = "y",
    node: str = "node",
    source: str = "source",
    target: str = "target",
    hue: str | None = None,
    hue_order: Sequence | None = None,
    size: str | None = None,
    weight: str | None = None,
    label: str | None = None,
    palette=None,
    ax=None,
    **kwargs,
):
    """Draw a network from a precomputed layout: nodes at (``x``, ``y``), edges as lines.

    Parameters
    ----------
    data : pandas.DataFrame
        Nodes, one row each, with their layout positions.
    edges : pandas.DataFrame
        Edges, one row each, naming their ``source`` and ``target`` nodes.
    x, y : str, default "x", "y"
        Position columns of ``data`` (from a layout computed elsewhere).
    node : str, default "node"
        Node identifier column of ``data``.
    source, target : str, default "source", "target"
        Columns of ``edges``.
    hue : str, optional
        Node colour column.
    hue_order : sequence, optional
        Order of the ``hue`` levels.
    size : str, optional
        Node column mapped to marker area (largest node 300 points squared).
    weight : str, optional
        Edge column mapped to line width (heaviest edge 3 points).
    label : str, optional
        Node column of text drawn beside each node.
    palette : str, dict or list, optional
        Colours for the ``hue`` levels.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on.
    **kwargs
        Passed to ``Axes.scatter`` for the nodes.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> nodes = pd.DataFrame({"node": ["A", "B", "C"], "x": [0.0, 1.0, 0.5], "y": [0.0, 0.0, 1.0]})
    >>> edges = pd.DataFrame({"source": ["A", "B"], "target": ["B", "C"]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_network(nodes, edges=edges, ax=ax)
    >>> len(ax.collections[0].get_segments()), len(ax.collections[1].get_offsets())
    (2, 3)
    >>> plt.close(fig)
    """
    _check_data(data, "plot_network", x=x, y=y, node=node, hue=hue, size=size, label=label)
    _check_data(edges, "plot_network (edges)", source=source, target=target, weight=weight)
    if data[node].duplicated().any():
        raise ValueError(f"plot_network: node identifiers in {node!r} must be unique")
    pos = dict(zip(data[node], zip(data[x].astype(float), data[y].astype(float), strict=True),
                   strict=True))
    missing = sorted({str(v) for v in pd.concat([edges[source], edges[target]]) if v not in pos})
    if missing:
        raise ValueError(f"plot_network: edges name nodes that are not in data: {missing[:5]}")
    ax = _ax(ax)
    segments = [(pos[s], pos[t]) for s, t in zip(edges[source], edges[target], strict=True)]
    widths = 1.0
    if weight is not None and len(edges):
        w = edges[weight].to_numpy(dtype=float)
        top = np.nanmax(w) if np.nanmax(w) > 0 else 1.0
        widths = 0.5 + 2.5 * w / top
    ax.add_collection(LineCollection(segments, colors="#BFBFBF", linewidths=widths, zorder=1))
    sizes = np.full(len(data), 60.0)
    if size is not None and len(data):
        s = data[size].to_numpy(dtype=float)
        top = np.nanmax(s) if np.nanmax(s) > 0 else 1.0
        sizes = 20 + 280 * s / top
    sizes = pd.Series(sizes, index=data.index)
    if hue is None:
        groups = [(None, data, CATEGORICAL[0])]
    else:
        levels = _levels(data[hue], hue_order)
        colours = colours_for(levels, palette=palette)
        groups = [(lvl, data[data[hue] == lvl], colours[lvl]) for lvl in levels]
    for lvl, frame, colour in groups:
        ax.scatter(frame[x], frame[y], s=sizes[frame.index], color=colour, zorder=2,
                   label=None if lvl is None else str(lvl), **kwargs)
    if label is not None:
        for _, row in data.iterrows():
            if pd.isna(row[label]) or str(row[label]) == "":
                continue  # label only the nodes that have one
            ax.annotate(str(row[label]), (row[x], row[y]), xytext=(5, 3),
                        textcoords="offset points", fontsize=8, color=TEXT_COLOUR)
    ax.set_aspect("equal", adjustable="datalim")
    ax.autoscale_view()
    ax.set_axis_off()
    if hue is not None:
        _legend(ax, _labels.label(hue))
    return ax
