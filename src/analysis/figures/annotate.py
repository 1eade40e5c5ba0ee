"""Text labels that do not overlap: layout of annotations on an axes.

:func:`separate_labels` moves a chart's text labels apart with adjustText (a maintained
library for this job), with a fixed number of iterations rather than a time limit, so the
same chart is laid out the same way on every run and the exported files stay
byte-identical. :func:`overlapping_labels` measures the result with the renderer's
window extents (what a test or a reviewer checks).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

__all__ = ["overlapping_labels", "separate_labels"]

#: Iterations of adjustText (a count, never a time limit: time would make layouts vary by machine load).
ITERATIONS = 500


def separate_labels(ax, texts: Sequence, *, x=None, y=None, expand=(1.15, 1.8)) -> list:
    """Move ``texts`` (matplotlib ``Text`` artists on ``ax``) so that they do not overlap.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes the texts are on; its figure is drawn to measure them.
    texts : sequence of matplotlib.text.Text
        The labels to separate. Fewer than two are left alone.
    x, y : array-like, optional
        Points (data coordinates) the labels should also keep clear of, for example the
        tips of the arrows they name.
    expand : (float, float), default (1.15, 1.8)
        Room kept around each label, as a multiple of its width and height. The generous
        height leaves the labels apart when the export later shrinks the axes to make room
        for the title and source.

    Returns
    -------
    list of matplotlib.text.Text
        The same texts, moved. Deterministic: no randomness and no time limit.
    """
    texts = list(texts)
    if len(texts) < 2:
        return texts
    from adjustText import adjust_text

    kwargs = {} if x is None or y is None else {"x": list(map(float, x)), "y": list(map(float, y))}
    # A thin grey line joins a label that had to move to the point it names.
    adjust_text(texts, ax=ax, expand=expand, iter_lim=ITERATIONS, ensure_inside_axes=True,
                arrowprops={"arrowstyle": "-", "color": "#B1B4B6", "lw": 0.5}, **kwargs)
    _widen_to_fit(ax, texts)
    return texts


def _widen_to_fit(ax, texts, room: float = 0.3) -> None:
    """Widen the axes' limits so that every label lies inside them, with ``room`` (a share of
    the label's own size) to spare: the export later shrinks the axes to make room for the
    title and the legend, and a label at the edge would then run over the tick labels."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    to_data = ax.transData.inverted()
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    for text in texts:
        box = text.get_window_extent(renderer)
        (a, b), (c, d) = to_data.transform([[box.x0, box.y0], [box.x1, box.y1]])
        dx, dy = room * abs(c - a), room * abs(d - b)
        x0, x1 = min(x0, min(a, c) - dx), max(x1, max(a, c) + dx)
        y0, y1 = min(y0, min(b, d) - dy), max(y1, max(b, d) + dy)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def overlapping_labels(fig, texts: Sequence) -> list[tuple[str, str]]:
    """Pairs of ``texts`` whose drawn boxes (renderer window extents) intersect.

    The figure is drawn first, so the boxes are those of the figure as it would be saved.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> a, b, c = ax.text(0.1, 0.5, "alpha"), ax.text(0.1, 0.5, "beta"), ax.text(0.8, 0.1, "gamma")
    >>> overlapping_labels(fig, [a, b, c])
    [('alpha', 'beta')]
    >>> plt.close(fig)
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_text()]
    return [(na, nb) for (na, a), (nb, b) in itertools.combinations(boxes, 2) if a.overlaps(b)]
