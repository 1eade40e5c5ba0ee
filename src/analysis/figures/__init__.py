"""All drawing of the toolkit: charts are drawn here from the analyses' result objects.

- :mod:`analysis.figures.plots`: axes-level plotting functions (no statistics).
- :mod:`analysis.figures.overview`: what a dataset holds, counted simply.
- :mod:`analysis.figures.typology`, :mod:`analysis.figures.austerity`,
  :mod:`analysis.figures.coding`: each family's ``*_charts(result)`` (draw only) and
  ``standard_charts(dataset, *, random_state, start, end)`` (fit once, then draw), the
  entry points :func:`analysis.charts.standard_charts` calls through its registry.
- :mod:`analysis.figures.annotate`: text labels moved apart so that they do not overlap.
- Names are shown in words (:mod:`analysis.labels`): indicator labels from the codebook.
- :mod:`analysis.figures.hexmap`: hex maps of councils (``plot_hexmap``, ``hexmap_tiers_grid``);
  :mod:`analysis.figures.council_maps`: the standard maps.
"""

__all__: list[str] = []
