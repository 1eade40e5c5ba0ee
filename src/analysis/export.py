"""Chart export (see issue 5): every chart in every format, with its data, alt text and manifest."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["ChartSpec"]


@dataclass
class ChartSpec:
    """A finished chart waiting to be exported: the figure plus everything published beside it.

    Analysis modules build these (``standard_charts(dataset, *, random_state)``) and the
    export layer writes them; ``data`` is the tidy frame the chart was drawn from.
    """

    name: str
    fig: object
    title: str
    alt_text: str
    data: pd.DataFrame
    subtitle: str = ""
    source: str = ""
    notes: dict = field(default_factory=dict)
