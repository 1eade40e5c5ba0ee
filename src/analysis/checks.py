"""Checks at the door of the analysis functions, with messages that say how to fix things."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.errors import InputError

__all__ = ["require_columns"]


def require_columns(frame, columns: Iterable[str], what: str) -> None:
    """Raise :class:`InputError` unless ``frame`` is a DataFrame holding every one of ``columns``.

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"year": [2010]}), ["year"], "finance")
    >>> require_columns(pd.DataFrame({"fin_year": [2010]}), ["year"], "finance")
    Traceback (most recent call last):
    ...
    analysis.errors.InputError: missing column(s) 'year' in finance; columns present: fin_year
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(repr(c) for c in missing)} in {what}; "
                         f"columns present: {', '.join(map(str, frame.columns))}")
