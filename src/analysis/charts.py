"""The toolkit's standard charts: the dataset overview, then every registered chart family.

:func:`standard_charts` returns :class:`~analysis.export.ChartSpec` objects ready for
:func:`~analysis.export.export_charts`; ``python -m analysis charts`` and ``report`` export
them all with a gallery. The overview (:mod:`analysis.figures.overview`) counts what the
dataset holds; each module named in :data:`CHART_MODULES` adds its family's charts through
``standard_charts(dataset, *, random_state, start, end)``, which fits its analysis once
over the year window and draws from the result (:mod:`analysis.figures`).

A family whose tables are missing (:class:`~analysis.errors.MissingTableError`) is skipped
with a warning; a registered module that does not exist, or has no ``standard_charts``, is
an error (:class:`ChartRegistryError`), never skipped in silence.

Registering a new family (for example maps): write ``analysis/figures/<family>.py`` with
``standard_charts(dataset, *, random_state, start=None, end=None) -> list[ChartSpec]``,
then call :func:`register_chart_module` with its name (or add it to :data:`CHART_MODULES`).
"""

from __future__ import annotations

import importlib
import warnings

import matplotlib.pyplot as plt

from analysis.errors import MissingTableError
from analysis.export import ChartSpec
from analysis.figures.overview import overview_charts
from analysis.style import chart_style

__all__ = [
    "CHART_MODULES",
    "DEFAULT_SEED",
    "ChartRegistryError",
    "overview_charts",
    "register_chart_module",
    "standard_charts",
]

#: The toolkit's default seed (the report's).
DEFAULT_SEED = 2010

#: Chart families asked for their ``standard_charts``, in gallery order.
CHART_MODULES = (
    "analysis.figures.typology",
    "analysis.figures.austerity",
    "analysis.figures.coding",
    "analysis.figures.council_maps",
)


class ChartRegistryError(LookupError):
    """A registered chart module that does not exist or has no ``standard_charts`` (a toolkit bug)."""


def register_chart_module(module: str) -> None:
    """Add a chart family (a module with ``standard_charts``) to the end of :data:`CHART_MODULES`.

    The module is imported at once, so a misspelt name fails here rather than at export.
    """
    global CHART_MODULES
    _chart_function(module)
    if module not in CHART_MODULES:
        CHART_MODULES = (*CHART_MODULES, module)


def _chart_function(module_name: str):
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise ChartRegistryError(
                f"chart module {module_name!r} does not exist; remove it from the registry "
                "(analysis.charts.CHART_MODULES) or write it") from None
        raise  # a module that exists but fails to import is a bug to see
    make = getattr(module, "standard_charts", None)
    if make is None:
        raise ChartRegistryError(f"chart module {module_name!r} has no standard_charts(dataset, *, random_state, "
                                 "start, end)")
    return make


def standard_charts(dataset, *, random_state=DEFAULT_SEED, start: int | None = None, end: int | None = None,
                    modules=None, results=None, overview: bool = True) -> list[ChartSpec]:
    """Every standard chart of the toolkit for a dataset: the overview, then each family's.

    Parameters
    ----------
    dataset : analysis.data.Dataset
        A loaded dataset.
    random_state : int, default 2010
        Passed to each family (bootstraps, fits).
    start, end : int, optional
        The years compared, passed to every family (None: the family's default, for
        example the activity table's years or 2010-2019).
    modules : tuple of str, optional
        The chart modules to ask (default :data:`CHART_MODULES`).
    results : analysis.results.Results, optional
        Results already fitted (by the report). A family with ``result_charts(results,
        dataset)`` then draws from them instead of fitting again; the others fit as usual.
    overview : bool, default True
        Start with the overview charts.

    Returns
    -------
    list of ChartSpec

    Raises
    ------
    ChartRegistryError
        A module that does not exist or has no ``standard_charts``.

    Examples
    --------
    >>> from analysis.data import load_dataset
    >>> specs = standard_charts(load_dataset("data/example"), modules=())  # doctest: +SKIP
    >>> [s.name for s in specs][:2]  # doctest: +SKIP
    ['overview_councils_by_region', 'overview_partnerships_by_type']
    """
    modules = CHART_MODULES if modules is None else tuple(modules)
    makers = [(name, _chart_function(name)) for name in modules]  # every name checked before drawing
    specs = overview_charts(dataset) if overview else []
    try:
        for module_name, make in makers:
            draw = getattr(importlib.import_module(module_name), "result_charts", None)
            try:
                with chart_style():
                    if results is not None and draw is not None:
                        found = list(draw(results, dataset))
                    else:
                        found = list(make(dataset, random_state=random_state, start=start, end=end))
            except MissingTableError as exc:
                warnings.warn(f"skipped the charts of {module_name}: {exc}", UserWarning, stacklevel=2)
                continue
            for spec in found:
                if not isinstance(spec, ChartSpec):
                    raise TypeError(
                        f"{module_name}.standard_charts returned {type(spec).__name__}, not ChartSpec"
                    )
            specs.extend(found)
    except BaseException:
        for spec in specs:
            plt.close(spec.fig)
        raise
    return specs
