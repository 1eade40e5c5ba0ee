"""Drawing helpers of the hex maps: hexagon shapes, colour scales, colour bars, region
borders and labels that do not overlap. :mod:`analysis.figures.hexmap` draws with them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.colors import LinearSegmentedColormap, Normalize, TwoSlopeNorm, to_hex

from analysis.style import CATEGORICAL, TEXT_COLOUR, sequential_cmap

__all__ = ["diverging_cmap", "hexagon_vertices"]

def diverging_cmap() -> LinearSegmentedColormap:
    """A diverging colormap from the Analysis Function colours: dark pink (low), light grey
    (middle), dark blue (high).

    Examples
    --------
    >>> diverging_cmap().name
    'af_diverging'
    """
    return LinearSegmentedColormap.from_list(
        "af_diverging", [CATEGORICAL[2], "#D9A9C3", "#F2F2F2", "#9DB4CC", CATEGORICAL[0]])


def hexagon_vertices(x, y, *, pointy: bool = True, size: float = 1.0) -> np.ndarray:
    """Vertices of hexagons centred at ``x``, ``y``: an array (n, 6, 2).

    Neighbouring centres are one unit apart, so the hexagon's radius (centre to corner) is
    ``1/sqrt(3)``; ``size`` scales it (below 1 leaves gaps).

    Examples
    --------
    >>> v = hexagon_vertices([0.0], [0.0])
    >>> v.shape, v[0, 0].round(3).tolist()
    ((1, 6, 2), [0.0, 0.577])
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    radius = size / math.sqrt(3.0)
    start = math.pi / 2 if pointy else 0.0
    angles = start + np.arange(6) * math.pi / 3
    dx = np.round(radius * np.cos(angles), 12)
    dy = np.round(radius * np.sin(angles), 12)
    return np.stack([x[:, None] + dx[None, :], y[:, None] + dy[None, :]], axis=-1)


def _plain(text) -> str:
    return "" if text is None else str(text)


def _no_math(*artists) -> None:
    for artist in artists:
        if artist is not None and hasattr(artist, "set_parse_math"):
            artist.set_parse_math(False)


def _legend_no_math(legend) -> None:
    if legend is None:
        return
    _no_math(legend.get_title(), *legend.get_texts())


# ----------------------------------------------------------------------------- colours


def _continuous_norm(values: np.ndarray, *, palette, center, vmin, vmax):
    finite = values[np.isfinite(values)]
    lo = float(np.min(finite)) if finite.size else 0.0
    hi = float(np.max(finite)) if finite.size else 1.0
    lo = lo if vmin is None else float(vmin)
    hi = hi if vmax is None else float(vmax)
    if palette is None:
        palette = "diverging" if (center is not None or (lo < 0 < hi)) else "sequential"
    if palette == "diverging":
        mid = 0.0 if center is None else float(center)
        span = max(abs(hi - mid), abs(mid - lo)) or 1.0
        lo2 = mid - span if vmin is None else lo
        hi2 = mid + span if vmax is None else hi
        if not lo2 < mid < hi2:
            raise ValueError(f"a diverging palette needs vmin < center < vmax; got {lo2}, {mid}, {hi2}")
        return diverging_cmap(), TwoSlopeNorm(vcenter=mid, vmin=lo2, vmax=hi2), palette
    if palette in ("sequential", "sequential_r"):
        if hi == lo:
            lo, hi = lo - 0.5, hi + 0.5
        # values all at or below zero (cuts) get darker the further they fall
        reverse = palette == "sequential_r" or (palette == "sequential" and hi <= 0)
        return (sequential_cmap(reverse=reverse), Normalize(vmin=lo, vmax=hi),
                "sequential_r" if reverse else "sequential")
    raise ValueError(f"palette must be 'sequential', 'sequential_r' or 'diverging' for numbers, "
                     f"not {palette!r}")


def _colour_hex(rgba) -> str:
    return to_hex(rgba, keep_alpha=False).upper()


# ----------------------------------------------------------------------------- drawing


def _integers(values) -> bool:
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").dropna().to_numpy(dtype=float)
    return bool(numbers.size) and bool(np.all(numbers == np.round(numbers)))


def _add_colorbar(ax, norm, cmap, label: str, *, integer: bool = False):
    from matplotlib.cm import ScalarMappable

    mappable = ScalarMappable(norm=norm, cmap=cmap)
    fig = (ax[0] if isinstance(ax, (list, tuple)) else ax).figure
    cbar = fig.colorbar(mappable, ax=ax, orientation="horizontal", location="bottom",
                        shrink=0.6, fraction=0.05, pad=0.02, aspect=30)
    cbar.outline.set_visible(False)
    cbar.set_label(_plain(label), fontsize=9)
    _no_math(cbar.ax.xaxis.label)
    cbar.ax.tick_params(labelsize=8)
    if integer:  # counts: whole-number ticks only
        from matplotlib.ticker import MaxNLocator

        cbar.ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return cbar


def _region_edges(frame: pd.DataFrame, pointy: bool) -> list:
    """Hexagon sides that separate two regions (or a region from the outside)."""
    verts = hexagon_vertices(frame["x"], frame["y"], pointy=pointy)
    regions = frame["region"].fillna("").astype(str).to_numpy()  # "" = not known
    sides: dict = {}
    for i in range(len(frame)):
        for k in range(6):
            a = tuple(np.round(verts[i, k], 6))
            b = tuple(np.round(verts[i, (k + 1) % 6], 6))
            key = (a, b) if a <= b else (b, a)
            sides.setdefault(key, []).append(regions[i])
    # the coast, and sides between two different known regions (an unknown region has no border)
    return [list(key) for key, owners in sorted(sides.items())
            if len(owners) == 1 or ("" not in owners and len(set(owners)) > 1)]


def _place_labels(ax, frame: pd.DataFrame, codes, *, fontsize: float = 8.0) -> list:
    """Label chosen hexagons with their names, trying places around each hexagon until the
    label overlaps no label placed before it (else the place with the least overlap)."""
    from matplotlib.transforms import offset_copy

    wanted = list(dict.fromkeys(str(c) for c in codes))
    rows = frame.set_index("code")
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    # candidates: offsets in points from the hexagon's centre (right, left, up, down, corners)
    steps = [(12, 0, "left", "center"), (-12, 0, "right", "center"), (0, 12, "center", "bottom"),
             (0, -12, "center", "top"), (12, 12, "left", "bottom"), (-12, 12, "right", "bottom"),
             (12, -12, "left", "top"), (-12, -12, "right", "top")]
    steps = steps + [(2 * dx, 2 * dy, ha, va) for dx, dy, ha, va in steps]
    steps = steps + [(3 * dx, 3 * dy, ha, va) for dx, dy, ha, va in steps[:8]]
    boxes: list = []
    texts = []
    for code in wanted:
        if code not in rows.index:
            continue
        row = rows.loc[code]
        best = None
        for dx, dy, ha, va in steps:
            where = offset_copy(ax.transData, fig=fig, x=dx, y=dy, units="points")
            text = ax.text(row["x"], row["y"], _plain(row["name"]), transform=where, ha=ha, va=va,
                           fontsize=fontsize, color=TEXT_COLOUR, clip_on=False, zorder=5)
            _no_math(text)
            box = text.get_window_extent(renderer)
            overlap = sum(_overlap_area(box, other) for other in boxes)
            if best is None or overlap < best[1]:
                if best is not None:
                    best[0].remove()
                best = (text, overlap, box, dx, dy)
            else:
                text.remove()
            if overlap == 0:
                break
        text, _, box, dx, dy = best
        text.set_path_effects([patheffects.withStroke(linewidth=2.5, foreground="white")])
        text.set_gid(f"hexmap-label-{code}")
        line = ax.annotate("", (row["x"], row["y"]), xytext=(dx, dy), textcoords="offset points",
                           annotation_clip=False, zorder=4,
                           arrowprops={"arrowstyle": "-", "color": TEXT_COLOUR, "lw": 0.6,
                                       "shrinkA": 0, "shrinkB": 0})
        line.set_gid(f"hexmap-leader-{code}")
        boxes.append(box)
        texts.append(text)
    return texts


def _emptiest_corner(frame: pd.DataFrame, ax) -> str:
    """The corner of the map (a third of its width, half its height) with the fewest hexagons."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    fx = (frame["x"].to_numpy() - x0) / (x1 - x0)
    fy = (frame["y"].to_numpy() - y0) / (y1 - y0)
    corners = {"upper right": (fx > 0.6) & (fy > 0.5), "upper left": (fx < 0.4) & (fy > 0.5),
               "lower right": (fx > 0.6) & (fy < 0.5), "lower left": (fx < 0.4) & (fy < 0.5)}
    return min(corners, key=lambda k: int(corners[k].sum()))  # ties: the order above


def _overlap_area(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(w, 0.0) * max(h, 0.0)
