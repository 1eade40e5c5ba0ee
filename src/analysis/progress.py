"""Progress bars for long steps that show on a terminal and stay quiet everywhere else.

Long steps (bootstrap resamples, coding thousands of documents, exporting many charts)
wrap their loops in :func:`progress`. A bar (tqdm) is drawn on standard error only when
a person is watching a terminal: standard error is a TTY, the code is not running in a
Jupyter kernel, and neither ``CI`` nor ``ANALYSIS_NO_PROGRESS`` is set in the
environment. In notebooks, CI logs, pipes and files nothing is printed, so outputs stay
deterministic (nbval) and logs stay clean. ``ANALYSIS_PROGRESS=1`` forces bars on.

Examples
--------
>>> from analysis.progress import progress
>>> total = 0
>>> for x in progress(range(3), desc="adding"):  # silent here: doctest output is not a TTY
...     total += x
>>> total
3
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["progress", "progress_enabled"]

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}


def _in_notebook() -> bool:
    """Whether the code runs inside a Jupyter kernel (where a bar would clutter outputs)."""
    if "ipykernel" not in sys.modules:
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipykernel implies IPython
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def progress_enabled(stream=None) -> bool:
    """Whether progress bars should be drawn on ``stream`` (default: standard error).

    Parameters
    ----------
    stream : file-like, optional
        Where the bar would go; default ``sys.stderr``.

    Returns
    -------
    bool
        True on an interactive terminal; False in notebooks, under CI, when
        ``ANALYSIS_NO_PROGRESS`` is set, or when the stream is not a TTY.
        ``ANALYSIS_PROGRESS=1`` returns True regardless.

    Examples
    --------
    >>> import io
    >>> progress_enabled(io.StringIO())
    False
    """
    if os.environ.get("ANALYSIS_PROGRESS", "").strip().lower() in _TRUE:
        return True
    if os.environ.get("ANALYSIS_NO_PROGRESS", "").strip():
        return False
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    if _in_notebook():
        return False
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


def progress(iterable: Iterable[T], *, desc: str | None = None, total: int | None = None,
             unit: str = "it", leave: bool = False, stream=None) -> Iterator[T]:
    """Iterate over ``iterable``, drawing a progress bar only where a person is watching.

    Parameters
    ----------
    iterable : iterable
        What to loop over; its items are yielded unchanged and in order.
    desc : str, optional
        A short label ("bootstrap", "coding documents").
    total : int, optional
        Number of items, when ``len(iterable)`` does not work (a generator).
    unit : str
        What one item is ("resample", "document").
    leave : bool
        Keep the finished bar on screen (default False: it disappears).
    stream : file-like, optional
        Where to draw; default standard error.

    Returns
    -------
    iterator
        The items of ``iterable``.

    Examples
    --------
    >>> list(progress(["a", "b"], desc="letters"))
    ['a', 'b']
    """
    stream = sys.stderr if stream is None else stream
    if not progress_enabled(stream):
        return iter(iterable)
    from tqdm.auto import tqdm

    return iter(tqdm(iterable, desc=desc, total=total, unit=unit, leave=leave, file=stream,
                     dynamic_ncols=True, mininterval=0.5))
