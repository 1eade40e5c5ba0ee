"""Hex maps of councils: every council one hexagon of the same size (an equal-area cartogram).

:func:`plot_hexmap` colours the hexagons of a HexJSON layout by a column of a tidy frame
(one row per council): a continuous value with a sequential or diverging palette and a
colour bar that states the units, or categories (a Kahane option, the combined authority a
council belongs to) with a legend. :func:`hexmap_tiers_grid` draws a measure of a two-tier
area side by side on the upper-tier layout (counties) and the lower-tier layout (districts),
on one colour scale.

What the map says about its data
--------------------------------
* The layout is chosen by the best overlap with the data's codes
  (:func:`analysis.data.hexjson.choose_layout`: most codes placed, then the year's file);
  the choice is kept on the axes as ``ax.hexmap`` (a :class:`HexmapInfo`).
* Councils of the layout that are not in the data are grey; councils in the data without a
  value are grey and hatched; both are counted in the legend. Councils in the data that the
  layout has no hexagon for are listed in the legend and in ``ax.hexmap.unplaced``, never
  dropped silently.
* A county's value is never painted on its districts unless asked (``inherit=``), and then
  those districts are hatched and counted in the legend ("shows its county's value").
* Text is drawn with mathtext off, so a ``$`` in a council's name is just a dollar sign.

Like the other plotting functions, these draw what was computed elsewhere and do no
statistics (a frame with two rows for one council is refused).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import TwoSlopeNorm
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis.data.hexjson import (
    HexLayout,
    LayoutChoice,
    bundled_layouts,
    choose_layout,
    read_hexjson,
)
from analysis.figures.hexagons import (
    _add_colorbar,
    _colour_hex,
    _continuous_norm,
    _emptiest_corner,
    _integers,
    _legend_no_math,
    _no_math,
    _place_labels,
    _plain,
    _region_edges,
    diverging_cmap,
    hexagon_vertices,
)
from analysis.labels import count
from analysis.labels import label as label_in_words
from analysis.style import (
    FOCUS,
    MUTED_COLOUR,
    TEXT_COLOUR,
    colours_for,
    figure_size,
    sequential_cmap,
)

__all__ = [
    "MISSING_COLOUR",
    "HexmapInfo",
    "diverging_cmap",
    "hexagon_vertices",
    "hexmap_tiers_grid",
    "plot_hexmap",
    "resolve_layouts",
]

#: Colour of hexagons with no value (not in the data, or no value in it).
MISSING_COLOUR = FOCUS[1]
_EDGE = "white"
_NO_VALUE_HATCH = "////"
_INHERITED_HATCH = "...."
_GSS = r"^[ENSW]\d{8}$"
#: Tiers of :data:`analysis.data.schema` that hold both county and district functions.
SINGLE_TIER = ("unitary", "metropolitan", "london_borough")


@dataclass
class HexmapInfo:
    """What :func:`plot_hexmap` drew: the layout choice and one row per hexagon.

    ``frame`` has ``code``, ``name``, ``region``, ``x``, ``y``, ``status`` (``value``,
    ``inherited``, ``no_value``, ``not_in_data``), the drawn ``value`` and its ``colour``
    (hex), in the order of the hexagons in :attr:`collection`. ``unplaced`` lists the
    data's codes without a hexagon; ``note`` says it all in one sentence.
    """

    choice: LayoutChoice
    frame: pd.DataFrame = field(repr=False)
    kind: str = "continuous"
    note: str = ""
    collection: object = field(default=None, repr=False)
    norm: object = field(default=None, repr=False)
    cmap: object = field(default=None, repr=False)
    colours: dict = field(default_factory=dict)
    colorbar: object = field(default=None, repr=False)

    @property
    def layout(self) -> HexLayout:
        return self.choice.layout

    @property
    def unplaced(self) -> tuple[str, ...]:
        return self.choice.unplaced


# ----------------------------------------------------------------------------- checks


def _check_frame(data, function, **columns) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{function}: data must be a pandas DataFrame, not {type(data).__name__}")
    present = [str(c) for c in data.columns]
    for param, col in columns.items():
        if col is not None and col not in data.columns:
            raise ValueError(f"{function}: {param}={col!r} is not a column of data; columns present: "
                             f"{', '.join(present)}")
    return data


def resolve_layouts(layout=None) -> list[HexLayout]:
    """Turn ``layout=`` into candidate layouts.

    ``None`` gives the bundled lower- and upper-tier layouts; a :class:`HexLayout` itself; a
    path to a ``.hexjson`` file (or a folder of them) is read; the name of a bundled layout
    (``"uk-local-authority-districts-2023"``) picks it; a list combines these.
    """
    if layout is None:
        return bundled_layouts()
    if isinstance(layout, HexLayout):
        return [layout]
    if isinstance(layout, (list, tuple)):
        out: list[HexLayout] = []
        for item in layout:
            out.extend(resolve_layouts(item))
        return out
    if isinstance(layout, (str, Path)):
        path = Path(layout)
        if path.suffix.lower() == ".hexjson" or path.exists():
            if path.is_dir():
                from analysis.data.hexjson import read_hexjson_folder

                found = read_hexjson_folder(path)
                if not found:
                    from analysis.errors import InputError

                    raise InputError(f"{path}: no .hexjson file in this folder")
                return found
            return [read_hexjson(path)]
        bundled = {lay.name: lay for lay in bundled_layouts(kinds=("lower", "upper", "icb"))}
        if str(layout) in bundled:
            return [bundled[str(layout)]]
        raise ValueError(f"layout={layout!r} is neither a .hexjson file nor a bundled layout "
                         f"({', '.join(sorted(bundled))})")
    raise TypeError(f"layout must be a HexLayout, a path, a bundled layout's name or a list of them, "
                    f"not {type(layout).__name__}")


def plot_hexmap(
    data: pd.DataFrame,
    *,
    code: str,
    value: str,
    ax=None,
    layout=None,
    year: int | None = None,
    kind: str | None = None,
    palette=None,
    center: float | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    norm=None,
    units: str = "",
    legend_title: str | None = None,
    order: Sequence | None = None,
    region: str | None = None,
    region_outlines: bool = False,
    region_labels: bool = False,
    label: Sequence | None = None,
    name: str | None = None,
    inherit: Mapping | None = None,
    inherit_label: str = "shows its county's value",
    countries: bool = True,
    legend: bool = True,
    legend_loc: str = "outside",
    colorbar: bool = True,
    linewidth: float = 0.6,
    **kwargs,
):
    """Colour a hex layout's councils by a value: an equal-area map of councils.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per council; not changed.
    code : str
        Column of council codes (matched to the layout's hexagon codes as text).
    value : str
        Column to colour by: numbers (a continuous palette and a colour bar) or categories
        (a legend). Missing values are drawn grey and hatched.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default the current axes).
    layout : HexLayout, path, bundled layout name, or list of them, optional
        The candidate layouts (default: the bundled lower- and upper-tier layouts of UK
        councils); the one with the best overlap with the data's codes is used.
    year : int, optional
        The year of the data's codes: among equally good layouts, that year's is preferred.
    kind : {"continuous", "categorical"}, optional
        Default: continuous for a numeric column, categorical otherwise.
    palette : str, dict or list, optional
        Continuous: ``"sequential"`` (light to dark blue; values all at or below zero get
        darker the further they fall), ``"sequential_r"`` or ``"diverging"`` (default when
        the values straddle ``center`` or zero). Categorical: as
        :func:`analysis.style.colours_for` (Kahane's options keep their colours).
    center, vmin, vmax : float, optional
        Middle of a diverging palette (default 0) and the ends of the colour scale.
    norm : matplotlib.colors.Normalize, optional
        A ready colour scale (shared between maps); overrides ``vmin``/``vmax``/``center``.
    units : str
        Units of a continuous value, shown on the colour bar (``"%"``, ``"£ per head"``).
    legend_title : str, optional
        Title of the colour bar or legend (default: the ``value`` column's name in words,
        :func:`analysis.labels.label`: ``change_real_per_head`` reads "Real-terms change per head").
    order : sequence, optional
        Order of the categories in the legend.
    region : str, optional
        Column of the data giving each council's region (otherwise the layout's ``region``).
    region_outlines, region_labels : bool
        Draw the regions' outlines, and their names.
    label : sequence of codes, optional
        Councils to label with their names; labels are moved until they do not overlap.
    name : str, optional
        Column of the data with the names used for labels (default the layout's names).
    inherit : mapping, optional
        Code to parent code (district to county): a council of the layout that has no row in
        the data shows its parent's value, hatched and counted in the legend. Off by default:
        a county's value is never painted on its districts unless asked.
    inherit_label : str
        Legend text for the inherited hexagons.
    countries : bool, default True
        With GSS codes (``E06000001``), draw only the countries (the first letter) the data
        has, so an England dataset is not drawn beside a grey Scotland and Wales.
    legend, colorbar : bool
        Draw the legend (categories and the grey hexagons) and the colour bar.
    legend_loc : str, default "outside"
        Where the legend goes: ``"outside"`` to the right of the map, ``"auto"`` in the
        corner of the map with the fewest hexagons, or a matplotlib legend location.
    linewidth : float
        Width of the white lines between hexagons.
    **kwargs
        Passed to the :class:`~matplotlib.collections.PolyCollection` of the hexagons.

    Returns
    -------
    matplotlib.axes.Axes
        With ``ax.hexmap``, a :class:`HexmapInfo`: the layout chosen, the codes it could
        not place, and one row per hexagon drawn (position, status, value and colour).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from analysis.data.hexjson import layout_from_frame
    >>> lay = layout_from_frame(pd.DataFrame({"code": ["A", "B", "C"], "q": [0, 1, 0], "r": [0, 0, 1]}),
    ...                         name="tiny")
    >>> frame = pd.DataFrame({"council_code": ["A", "B"], "cut": [10.0, 20.0]})
    >>> fig, ax = plt.subplots()
    >>> ax = plot_hexmap(frame, code="council_code", value="cut", layout=lay, units="%")
    >>> ax.hexmap.frame[["code", "status"]].values.tolist()
    [['A', 'value'], ['B', 'value'], ['C', 'not_in_data']]
    >>> ax.hexmap.note
    'Layout tiny: 2 of 2 councils in the data have a hexagon. Grey: 1 council of the layout not in the data.'
    >>> plt.close(fig)
    """
    _check_frame(data, "plot_hexmap", code=code, value=value, region=region, name=name)
    dup = data[code].astype(str).duplicated(keep=False)
    if dup.any():
        raise ValueError(f"plot_hexmap: more than one row for {code}={data.loc[dup, code].iloc[0]!r}; "
                         f"a map draws one value per council, so summarise the data first")
    ax = plt.gca() if ax is None else ax
    frame = data.assign(_code=data[code].astype(str)).set_index("_code")
    choice = choose_layout(frame.index, layouts=resolve_layouts(layout), year=year)
    lay = choice.layout
    hexes = lay.hexes
    if countries and frame.index.str.match(_GSS).all():
        keep = set(frame.index.str[0])
        hexes = hexes[hexes["code"].str[0].isin(keep)]
    hexes = hexes.reset_index(drop=True)

    values = frame[value]
    if kind is None:
        kind = ("continuous" if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
                else "categorical")
    if kind not in ("continuous", "categorical"):
        raise ValueError(f"plot_hexmap: kind must be 'continuous' or 'categorical', not {kind!r}")

    drawn = hexes[["code", "name", "region", "x", "y"]].copy()
    if region is not None:
        from_data = frame[region].reindex(drawn["code"]).to_numpy()
        drawn["region"] = np.where(pd.isna(from_data), drawn["region"], from_data)
    if name is not None:
        names = frame[name].reindex(drawn["code"]).to_numpy()
        drawn["name"] = np.where(pd.isna(names), drawn["name"], names)
    in_data = drawn["code"].isin(frame.index).to_numpy()
    own = values.reindex(drawn["code"]).to_numpy(dtype=object)
    status = np.where(in_data, np.where(pd.isna(own), "no_value", "value"), "not_in_data").astype(object)
    shown = own.copy()
    if inherit:
        for i, c in enumerate(drawn["code"]):
            if status[i] == "not_in_data":
                parent = inherit.get(c)
                if parent is not None and str(parent) in frame.index and not pd.isna(values.get(str(parent))):
                    shown[i] = values[str(parent)]
                    status[i] = "inherited"
    drawn["status"] = status
    drawn["value"] = shown
    has = np.isin(status, ["value", "inherited"])

    colours = np.array([MISSING_COLOUR] * len(drawn), dtype=object)
    info = HexmapInfo(choice=choice, frame=drawn, kind=kind)
    if kind == "continuous":
        numbers = pd.to_numeric(pd.Series(shown), errors="coerce").to_numpy(dtype=float)
        if norm is None:
            cmap, norm, palette = _continuous_norm(numbers[has], palette=palette, center=center,
                                                   vmin=vmin, vmax=vmax)
        else:
            cmap = (diverging_cmap() if palette == "diverging" or isinstance(norm, TwoSlopeNorm)
                    else sequential_cmap(reverse=palette == "sequential_r"))
        rgba = cmap(norm(numbers))
        colours[has] = [_colour_hex(c) for c in rgba[has]]
        drawn["value"] = np.where(has, numbers, np.nan)
        info.norm, info.cmap = norm, cmap
    else:
        levels = list(order) if order is not None else sorted({str(v) for v in shown[has]})
        mapping = colours_for(levels, palette=palette)
        text = np.array([str(v) for v in shown], dtype=object)
        unknown = sorted(set(text[has]) - set(mapping))
        if unknown:
            raise ValueError(f"plot_hexmap: order has no place for {unknown}")
        colours[has] = [mapping[t] for t in text[has]]
        drawn["value"] = np.where(has, text, None)
        info.colours = {k: str(v).upper() for k, v in mapping.items()}
    drawn["colour"] = [str(c).upper() for c in colours]

    hatches = {"no_value": _NO_VALUE_HATCH, "inherited": _INHERITED_HATCH}
    verts = hexagon_vertices(drawn["x"], drawn["y"], pointy=lay.pointy)
    collection = PolyCollection(list(verts), facecolors=list(drawn["colour"]), edgecolors=_EDGE,
                                linewidths=linewidth, gid="hexmap-hexes", **kwargs)
    ax.add_collection(collection)
    # hatching drawn on top of the hatched hexagons only (a collection has one hatch)
    for state, hatch in hatches.items():
        idx = np.flatnonzero(status == state)
        if idx.size:
            over = PolyCollection([verts[i] for i in idx], facecolors="none", edgecolors=MUTED_COLOUR,
                                  linewidths=0, hatch=hatch, gid=f"hexmap-{state}")
            ax.add_collection(over)
    info.collection = collection

    pad = 0.7
    ax.set_xlim(drawn["x"].min() - pad, drawn["x"].max() + pad)
    ax.set_ylim(drawn["y"].min() - pad, drawn["y"].max() + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()

    if region_outlines and drawn["region"].notna().any():
        edges = _region_edges(drawn, lay.pointy)
        ax.add_collection(LineCollection(edges, colors=TEXT_COLOUR, linewidths=0.9, gid="hexmap-regions",
                                         capstyle="round"))
    if region_labels and drawn["region"].notna().any():
        centres = drawn.dropna(subset=["region"]).groupby("region")[["x", "y"]].mean().sort_index()
        for reg, row in centres.iterrows():
            t = ax.text(row["x"], row["y"], _plain(reg), ha="center", va="center", fontsize=7.5,
                        fontweight="bold", color=TEXT_COLOUR, gid="hexmap-region-label")
            t.set_path_effects([patheffects.withStroke(linewidth=2.5, foreground="white")])
            _no_math(t)

    counts = {s: int((status == s).sum()) for s in ("no_value", "inherited", "not_in_data")}
    title = _plain(legend_title if legend_title is not None else label_in_words(value))
    handles: list = []
    if kind == "categorical":
        handles += [Patch(facecolor=c, edgecolor=_EDGE, label=_plain(k)) for k, c in info.colours.items()]
    if counts["inherited"]:
        handles.append(Patch(facecolor="white", edgecolor=MUTED_COLOUR, hatch=_INHERITED_HATCH,
                             label=f"{_plain(inherit_label)} ({counts['inherited']})"))
    if counts["no_value"]:
        handles.append(Patch(facecolor=MISSING_COLOUR, edgecolor=MUTED_COLOUR, hatch=_NO_VALUE_HATCH,
                             label=f"no value ({counts['no_value']})"))
    if counts["not_in_data"]:
        handles.append(Patch(facecolor=MISSING_COLOUR, edgecolor=_EDGE,
                             label=f"not in the data ({counts['not_in_data']})"))
    if choice.unplaced:
        if len(choice.unplaced) <= 2:
            listed = " and ".join(choice.unplaced)
        else:
            listed = f"{len(choice.unplaced)} councils, listed in the note"
        handles.append(Line2D([], [], linestyle="none", label=f"no hexagon: {listed}"))
    if legend and handles:
        if legend_loc == "outside":
            where = {"loc": "upper left", "bbox_to_anchor": (1.0, 1.0)}
        elif legend_loc == "auto":
            where = {"loc": _emptiest_corner(drawn, ax)}
        else:
            where = {"loc": legend_loc}
        leg = ax.legend(handles=handles, title=title if kind == "categorical" else None, fontsize=8,
                        title_fontsize=9, handlelength=1.2, borderaxespad=0.2, **where)
        _legend_no_math(leg)
    if kind == "continuous" and colorbar:
        info.colorbar = _add_colorbar(ax, norm, cmap, f"{title} ({units})" if units else title,
                                      integer=_integers(drawn["value"]))

    parts = [choice.describe()]
    if counts["not_in_data"]:
        n = counts["not_in_data"]
        parts.append(f"Grey: {count(n, 'council')} of the layout not in the data.")
    if counts["no_value"]:
        n = counts["no_value"]
        parts.append(f"Grey and hatched: {count(n, 'council')} in the data without a value.")
    if counts["inherited"]:
        n = counts["inherited"]
        parts.append(f"Dotted: {count(n, 'council')} not in the data drawn with the value of "
                     f"its parent ({inherit_label}).")
    info.note = " ".join(parts)
    if label is not None:
        _place_labels(ax, drawn, label)
    ax.hexmap = info
    return ax


# ----------------------------------------------------------------------------- two tiers


def hexmap_tiers_grid(
    data: pd.DataFrame,
    *,
    code: str,
    value: str,
    tier: str = "tier",
    layout=None,
    year: int | None = None,
    size="govuk_wide",
    titles: tuple[str, str] = ("Counties and single-tier councils", "Districts and single-tier councils"),
    ax=None,
    **kwargs,
):
    """A two-tier measure side by side: counties on the upper-tier layout, districts on the
    lower-tier layout, on one colour scale (figure-level; returns the figure).

    Single-tier councils (unitary, metropolitan and London boroughs) appear on both maps;
    counties only on the left, districts only on the right, so no county's value is painted
    on its districts. Each map chooses its own layout from ``layout`` (default the bundled
    ones) by the best overlap with its councils' codes.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per council, with ``code``, ``value`` and ``tier`` (``county``,
        ``district``, ``unitary``, ``metropolitan``, ``london_borough``).
    code, value, tier : str
        Columns.
    layout, year
        As in :func:`plot_hexmap`.
    size : str or (width, height)
        Figure size (:data:`analysis.style.SIZES`).
    titles : (str, str)
        Titles of the two maps.
    ax : ignored
        Figure-level: a warning is given if passed.
    **kwargs
        Passed to :func:`plot_hexmap` for both maps.

    Returns
    -------
    matplotlib.figure.Figure
        With ``fig.hexmaps``, the two maps' :class:`HexmapInfo` (upper tier first).
    """
    _check_frame(data, "hexmap_tiers_grid", code=code, value=value, tier=tier)
    if ax is not None:
        warnings.warn("hexmap_tiers_grid draws its own figure; ax= is ignored", UserWarning, stacklevel=2)
    tiers = data[tier].astype(str)
    upper = data[tiers != "district"]
    lower = data[tiers != "county"]
    if upper.empty or lower.empty:
        raise ValueError("hexmap_tiers_grid needs councils of both tiers; use plot_hexmap for one")
    fig, axes = plt.subplots(1, 2, figsize=figure_size(size), layout="constrained")
    shared = dict(kwargs)
    shared.pop("colorbar", None)
    numeric = pd.api.types.is_numeric_dtype(data[value]) and kwargs.get("kind") != "categorical"
    if numeric and "norm" not in shared:
        numbers = pd.to_numeric(data[value], errors="coerce").to_numpy(dtype=float)
        _, shared["norm"], shared["palette"] = _continuous_norm(
            numbers[np.isfinite(numbers)], palette=shared.pop("palette", None), center=shared.pop("center", None),
            vmin=shared.pop("vmin", None), vmax=shared.pop("vmax", None))
    if not numeric and "order" not in shared:
        shared["order"] = sorted({str(v) for v in data[value].dropna()})
    infos = []
    for axis, part, heading in zip(axes, (upper, lower), titles, strict=True):
        plot_hexmap(part, code=code, value=value, ax=axis, layout=layout, year=year, colorbar=False,
                    **shared)
        t = axis.set_title(_plain(heading), fontsize=10, loc="left")
        _no_math(t)
        infos.append(axis.hexmap)
    if numeric and kwargs.get("colorbar", True):
        units = kwargs.get("units", "")
        title = _plain(kwargs.get("legend_title") if kwargs.get("legend_title") is not None else label_in_words(value))
        infos[1].colorbar = _add_colorbar(list(axes), infos[1].norm, infos[1].cmap,
                                          f"{title} ({units})" if units else title,
                                          integer=_integers(data[value]))
    fig.hexmaps = infos
    return fig
