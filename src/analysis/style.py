"""The house style for charts: Analysis Function colours, readable text, no chart junk.

The style is data: a matplotlib style sheet (``analysis.mplstyle``, shipped with the
package) and a palette table (:data:`PALETTE`). Apply it to a block of code with the
reversible context manager :func:`chart_style`, or to a whole notebook with
:func:`set_style`.

Colours come from the UK Government Analysis Function's accessible palettes, read from
the ``afcharts`` package (its categorical palette is safe for the common forms of colour
blindness when used in its order, at most six colours). Kahane's options always have the
same colour (:data:`OPTION_COLOURS`), so a reader can follow "collaborate" from chart to
chart.

Figure sizes are named (:data:`SIZES`): a GOV.UK content column and an A4 report text
block. The style never sets a figure size, and saving never trims the figure (no
``bbox_inches="tight"``), so a chart made at ``SIZES["a4"]`` is exactly that size on paper.
The font is Atkinson Hyperlegible (:data:`FONT_FAMILY`), designed for the Braille Institute to
keep letters and figures apart for readers with low vision (``I``, ``l`` and ``1`` differ; the
zero is slashed). Its TrueType files ship with the package under the SIL Open Font License 1.1
(``analysis/fonts/``, with the licence) and are registered with matplotlib when this module is
imported, so every machine draws the same glyphs. DejaVu Sans (matplotlib's own font) draws
any character Atkinson Hyperlegible lacks, such as arrows. The font is also chosen for speed:
a PDF embeds the fonts it uses as TrueType (``pdf.fonttype: 42``, real text that can be
selected and edited), and subsetting Atkinson Hyperlegible's 367 glyphs takes a fifth of the
time DejaVu Sans's 6,000 did (see ``docs/performance.md``).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager
from matplotlib.colors import LinearSegmentedColormap

__all__ = [
    "STYLE_PATH",
    "FONT_DIR",
    "FONT_FAMILY",
    "PALETTE",
    "CATEGORICAL",
    "SEQUENTIAL",
    "FOCUS",
    "DUO",
    "OPTION_COLOURS",
    "SIZES",
    "TEXT_COLOUR",
    "MUTED_COLOUR",
    "chart_style",
    "set_style",
    "figure_size",
    "subplots",
    "colours_for",
    "sequential_cmap",
]

#: The style sheet shipped with the package.
STYLE_PATH = Path(__file__).with_name("analysis.mplstyle")

#: The folder of the fonts shipped with the package (TrueType files and their licence).
FONT_DIR = Path(__file__).with_name("fonts")
#: The charts' font: Atkinson Hyperlegible (SIL Open Font License 1.1), shipped with the package.
FONT_FAMILY = "Atkinson Hyperlegible"


def _register_fonts() -> None:
    # Public API: the fonts become known to matplotlib for this process (no cache file written).
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in sorted(FONT_DIR.glob("*.ttf")):
        if str(path) not in known:
            font_manager.fontManager.addfont(str(path))


_register_fonts()

#: Near-black used for text (the GOV.UK text colour) and a grey for secondary text.
TEXT_COLOUR = "#0B0C0C"
MUTED_COLOUR = "#505A5F"

# Names of the Analysis Function colours, by palette and position (from the AF guidance).
_NAMES = {
    "categorical": ("dark blue", "turquoise", "dark pink", "orange", "dark grey", "light purple"),
    "duo": ("dark blue", "orange"),
    "sequential": ("darkest blue", "dark blue", "mid blue", "light blue", "lightest blue", "light grey"),
    "focus": ("dark blue", "grey"),
}


def _af_hex(palette: str) -> tuple[str, ...]:
    # afcharts is a dependency: without it the colours would silently differ, so its ImportError stands.
    from afcharts.af_colours import get_af_colours

    if palette == "sequential":
        colours = get_af_colours("sequential", number_of_colours=5, include_grey=True)
    else:
        colours = get_af_colours(palette)
    return tuple(str(c).upper() for c in colours)


def _palette_table() -> pd.DataFrame:
    rows = []
    for palette, names in _NAMES.items():
        for position, (name, hex_) in enumerate(zip(names, _af_hex(palette), strict=True)):
            rows.append({"palette": palette, "position": position, "name": name, "hex": hex_})
    return pd.DataFrame(rows, columns=["palette", "position", "name", "hex"])


#: The palette table: one row per colour (``palette``, ``position``, ``name``, ``hex``).
PALETTE: pd.DataFrame = _palette_table()


def _hexes(palette: str) -> tuple[str, ...]:
    return tuple(PALETTE.loc[PALETTE["palette"] == palette, "hex"])


#: Analysis Function categorical palette, in the order it must be used (up to six colours).
CATEGORICAL: tuple[str, ...] = _hexes("categorical")
#: Sequential blues, darkest first; the last colour is the grey for missing values.
SEQUENTIAL: tuple[str, ...] = _hexes("sequential")
#: Focus palette: the highlighted colour and the grey for everything else.
FOCUS: tuple[str, ...] = _hexes("focus")
#: Two-colour palette.
DUO: tuple[str, ...] = _hexes("duo")

#: Fixed colours for Kahane's options (and "mixed" for partnerships with no single option).
OPTION_COLOURS: dict[str, str] = {
    "fight": CATEGORICAL[2],  # dark pink
    "adapt": CATEGORICAL[3],  # orange
    "exit": CATEGORICAL[4],  # dark grey
    "collaborate": CATEGORICAL[1],  # turquoise
    "mixed": CATEGORICAL[5],  # light purple
}

#: Named figure sizes in inches (width, height). GOV.UK: the two-thirds content column
#: (640 px at 100 dpi); A4: the text block of an A4 page with 25 mm margins (160 mm wide).
SIZES: dict[str, tuple[float, float]] = {
    "govuk": (6.4, 4.0),
    "govuk_wide": (9.6, 5.4),
    "govuk_square": (6.4, 6.4),
    "a4": (6.3, 3.9),
    "a4_half": (3.1, 2.6),
    "a4_tall": (6.3, 8.5),
}

# Extra colours (Okabe-Ito, colour-blind safe) used only beyond six categories.
_EXTRA = ("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#999999")


def _style_rc() -> dict:
    return dict(mpl.rc_params_from_file(STYLE_PATH, use_default_template=False))


@contextlib.contextmanager
def chart_style(rc: Mapping | None = None) -> Iterator[None]:
    """Apply the house style inside a ``with`` block; the previous settings come back after.

    Parameters
    ----------
    rc : mapping, optional
        Extra matplotlib settings applied on top of the house style.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> before = mpl.rcParams["axes.grid"]
    >>> with chart_style():
    ...     mpl.rcParams["axes.grid.axis"], mpl.rcParams["font.sans-serif"]
    ('y', ['Atkinson Hyperlegible', 'DejaVu Sans'])
    >>> mpl.rcParams["axes.grid"] == before
    True
    """
    settings = _style_rc()
    settings.update(rc or {})
    with mpl.rc_context(settings):
        yield


def set_style(rc: Mapping | None = None) -> None:
    """Apply the house style for the rest of the session (a notebook's first cell).

    Undo it with ``matplotlib.rcdefaults()``.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> set_style()
    >>> mpl.rcParams["axes.spines.top"]
    False
    >>> mpl.rcdefaults()
    """
    settings = _style_rc()
    settings.update(rc or {})
    mpl.rcParams.update(settings)


def figure_size(size: str | tuple[float, float]) -> tuple[float, float]:
    """Return the (width, height) in inches of a named size, or check an explicit one.

    Examples
    --------
    >>> figure_size("govuk")
    (6.4, 4.0)
    >>> figure_size((4, 3))
    (4.0, 3.0)
    """
    if isinstance(size, str):
        try:
            return SIZES[size]
        except KeyError:
            raise ValueError(
                f"unknown figure size {size!r}; choose one of {', '.join(SIZES)} "
                f"or give (width, height) in inches"
            ) from None
    try:
        width, height = (float(v) for v in size)
    except (TypeError, ValueError):
        raise ValueError(f"size must be a name or (width, height) in inches, not {size!r}") from None
    if width <= 0 or height <= 0:
        raise ValueError(f"size must be positive, not {size!r}")
    return (width, height)


def subplots(*, size: str | tuple[float, float] = "govuk", **kwargs):
    """Make a figure of a named size in the house style, like ``plt.subplots``.

    The figure uses the constrained layout, so titles and labels fit without changing
    the figure's size. Extra keyword arguments go to ``plt.subplots``.

    Returns
    -------
    (Figure, Axes or array of Axes)

    Examples
    --------
    >>> fig, ax = subplots(size="a4")
    >>> tuple(float(v) for v in fig.get_size_inches())
    (6.3, 3.9)
    >>> plt.close(fig)
    """
    with chart_style():
        return plt.subplots(figsize=figure_size(size), **kwargs)


def colours_for(
    levels: Iterable,
    *,
    palette: str | Mapping | Iterable[str] | None = None,
) -> dict:
    """Map each level of a categorical variable to a colour.

    Kahane's options (and ``"mixed"``) always get :data:`OPTION_COLOURS`; other levels get
    the categorical palette in order. More than six levels cannot be told apart reliably:
    a warning is given and colour-blind-safe extra colours are used.

    Parameters
    ----------
    levels : iterable
        The levels, in the order they should be coloured.
    palette : str, mapping or list of colours, optional
        ``"categorical"``, ``"sequential"``, ``"focus"`` or ``"duo"`` (a palette of
        :data:`PALETTE`), a dict from level to colour, or a list of colours.

    Examples
    --------
    >>> colours_for(["collaborate", "fight"])
    {'collaborate': '#28A197', 'fight': '#801650'}
    >>> colours_for(["a", "b"])
    {'a': '#12436D', 'b': '#28A197'}
    """
    levels = list(dict.fromkeys(levels))
    if isinstance(palette, Mapping):
        missing = [lvl for lvl in levels if lvl not in palette]
        if missing:
            raise ValueError(f"palette has no colour for {missing}; give a colour for every level")
        return {lvl: palette[lvl] for lvl in levels}
    if palette is None and levels and all(str(lvl) in OPTION_COLOURS for lvl in levels):
        return {lvl: OPTION_COLOURS[str(lvl)] for lvl in levels}
    if palette is None:
        colours = list(CATEGORICAL)
    elif isinstance(palette, str):
        if palette not in _NAMES:
            raise ValueError(f"unknown palette {palette!r}; choose one of {', '.join(_NAMES)}")
        colours = list(_hexes(palette))
    else:
        colours = list(palette)
    if len(levels) > len(colours):
        warnings.warn(
            f"{len(levels)} colours are hard to tell apart (the Analysis Function advises at "
            f"most {len(colours)}); consider grouping categories or small multiples",
            UserWarning,
            stacklevel=2,
        )
        colours = colours + [c for c in _EXTRA if c not in colours]
        colours = (colours * (len(levels) // len(colours) + 1))[: len(levels)]
    return dict(zip(levels, colours, strict=False))


def sequential_cmap(*, reverse: bool = False) -> LinearSegmentedColormap:
    """The Analysis Function sequential blues as a colormap, light (low) to dark (high).

    Examples
    --------
    >>> cmap = sequential_cmap()
    >>> cmap.name
    'af_sequential'
    """
    colours = list(reversed(SEQUENTIAL[:5]))
    if reverse:
        colours = colours[::-1]
    name = "af_sequential_r" if reverse else "af_sequential"
    return LinearSegmentedColormap.from_list(name, colours)
