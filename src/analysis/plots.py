"""The house plotting functions, kept importable here: they live in :mod:`analysis.figures.plots`."""

from analysis.figures.plots import (  # noqa: F401 - re-exported for existing imports
    __all__,  # noqa: F401
    lines_grid,
    plot_bar,
    plot_heatmap,
    plot_lines,
    plot_network,
    plot_quadrant,
    plot_scatter,
    plot_survival,
    plot_two_by_two,
)
