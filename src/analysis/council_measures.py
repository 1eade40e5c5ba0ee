"""One row per council: the measures the standard hex maps draw, computed once.

:func:`compute_council_measures` returns a :class:`CouncilMeasures` holding, for every
council of the dataset (``council_code``, ``council_name``, ``tier``, ``region``):

* ``spending``: ``change_pct``, the real-terms change in spending power per head between
  ``start`` and ``end`` (percent, from :func:`analysis.austerity.austerity_index`; in cash,
  with ``real`` False and a warning, when the dataset has no ``deflators`` table);
* ``partnerships``: how many partnerships the council is a member of (any year);
* ``lead_option``: ``option``, the most common Kahane option among the partnerships it
  leads (from a typology's placements, :func:`analysis.austerity.dominant_option`);
* ``memberships``: for combined authorities and LEPs, ``membership``: the partnership's
  name when there are at most six of that type with council members (so the colours stay
  distinguishable), otherwise how many the council belongs to (``none``, ``one``, ``two or
  more``).

The counts, options and memberships are drawn for the current councils (those without an
``end_date``, when the councils table has one), the spending change for the councils of its
end year. A measure whose tables the dataset lacks is None, with the reason in ``skipped``. The
parameters used (``start``, ``end``, ``random_state``) are kept with the result. Nothing
here draws, reads or writes files, or changes its arguments.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import pandas as pd

from analysis.errors import MissingTableError
from analysis.typology.result import DEFAULT_SEED

__all__ = ["CouncilMeasures", "compute_council_measures"]

#: The partnership types whose membership is mapped, with how to name them.
MEMBERSHIP_TYPES = {"combined_authority": "combined authority", "lep": "local enterprise partnership"}


@dataclass
class CouncilMeasures:
    """The per-council measures of :func:`compute_council_measures`, with the parameters used."""

    councils: pd.DataFrame
    spending: pd.DataFrame | None = None
    partnerships: pd.DataFrame | None = None
    lead_option: pd.DataFrame | None = None
    memberships: dict = field(default_factory=dict)
    start: int = 2010
    end: int = 2019
    year: int | None = None
    random_state: object = DEFAULT_SEED
    real: bool = True
    dataset: str = "dataset"
    skipped: dict = field(default_factory=dict)


def _councils(dataset, *, current: bool = False) -> pd.DataFrame:
    """The councils' identity columns; ``current`` keeps only councils with no ``end_date``
    (when the table has one), so that a map of today's councils fits one year's layout."""
    councils = dataset["councils"]
    if current and "end_date" in councils and councils["end_date"].notna().any():
        councils = councils[councils["end_date"].isna()]
    keep = [c for c in ("council_code", "council_name", "tier", "region", "county_code") if c in councils]
    return councils[keep].copy()


def _last_year(dataset) -> int | None:
    years = []
    for table in ("finance", "activity"):
        if dataset.has(table) and "year" in dataset[table]:
            years.append(pd.to_numeric(dataset[table]["year"], errors="coerce").max())
    years = [int(y) for y in years if pd.notna(y)]
    return max(years) if years else None


def spending_change(dataset, *, start: int = 2010, end: int = 2019) -> tuple[pd.DataFrame, int, int, bool]:
    """Change in spending power per head by council, ``start`` to ``end`` (clipped to the
    finance table's years): in real terms with a ``deflators`` table, otherwise in cash (with
    a warning; the maps say "cash" in their title, legend and alt text). Returns the frame,
    the years used and whether it is in real terms."""
    from analysis.austerity import austerity_index

    finance = dataset.require("finance", "the spending power map needs spending power by council and year")
    real = dataset.has("deflators")
    deflators = dataset["deflators"] if real else None
    if not real:
        warnings.warn("no deflators table: the spending power map shows the change in cash, not in real terms; "
                      "add deflators.csv (year, deflator) for real terms", UserWarning, stacklevel=3)
    years = pd.to_numeric(finance["year"], errors="coerce").dropna()
    start, end = max(start, int(years.min())), min(end, int(years.max()))
    if end <= start:
        raise MissingTableError("finance", f"the spending power map needs two years between {start} and {end}")
    predecessors = dataset["predecessors"] if dataset.has("predecessors") else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plausibility notes belong to the austerity charts
        index = austerity_index(finance, start=start, end=end, real=real, per_head=True, deflators=deflators,
                                councils=dataset["councils"], predecessors=predecessors)
    column = "change_real_per_head" if real else "change_cash_per_head"
    frame = _councils(dataset).merge(index[["council_code", column]].rename(columns={column: "change"}),
                                     on="council_code", how="left")
    # councils of the end year (with or without a change), not those abolished before it
    alive = set(index["council_code"]) | set(finance.loc[finance["year"] == end, "council_code"])
    frame = frame[frame["council_code"].isin(alive)]
    frame["change_pct"] = (frame["change"] * 100).round(1)
    return frame.drop(columns="change").reset_index(drop=True), start, end, real


def partnership_counts(dataset) -> pd.DataFrame:
    """How many partnerships each council is a member of (any year); 0 for none."""
    memberships = dataset.require("memberships", "the partnership map counts each council's memberships")
    m = memberships.dropna(subset=["council_code"])
    counts = m.groupby("council_code")["partnership_id"].nunique().rename("partnerships")
    frame = _councils(dataset, current=True).merge(counts, left_on="council_code", right_index=True, how="left")
    frame["partnerships"] = frame["partnerships"].fillna(0).astype(int)
    return frame.reset_index(drop=True)


def lead_options(dataset, typology) -> pd.DataFrame:
    """The most common Kahane option of the partnerships each council leads (None: leads none placed)."""
    from analysis.austerity import dominant_option

    partnerships = dataset["partnerships"]
    if "lead_council_code" not in partnerships or partnerships["lead_council_code"].isna().all():
        raise MissingTableError("partnerships", "the Kahane option map colours each council by the "
                                "partnerships it leads", column="lead_council_code")
    placements = typology.placements if hasattr(typology, "placements") else typology
    options = dominant_option(dataset["partnerships"], placements)
    return _councils(dataset, current=True).merge(options, on="council_code", how="left").reset_index(drop=True)


def membership_categories(dataset) -> dict:
    """For each type in :data:`MEMBERSHIP_TYPES` with council members: (frame with
    ``membership``, the categories in legend order, the legend's title)."""
    memberships = dataset.require("memberships", "the membership maps need each council's memberships")
    memberships = memberships.dropna(subset=["council_code"])
    partnerships = dataset["partnerships"]
    out = {}
    for ptype, label in MEMBERSHIP_TYPES.items():
        ids = partnerships.loc[partnerships["type"] == ptype, ["partnership_id", "name"]]
        m = memberships.merge(ids, on="partnership_id")
        if m.empty:
            continue
        per = m.groupby("council_code")["name"].agg(lambda s: sorted(set(s)))
        if m["partnership_id"].nunique() <= 6 and per.map(len).max() == 1:
            value = per.map(lambda names: names[0])
            order = sorted(set(value))
            legend = label[0].upper() + label[1:]
        else:
            value = per.map(lambda names: "one" if len(names) == 1 else "two or more")
            order = ["one", "two or more"]
            legend = f"Member of how many ({label})"
        frame = _councils(dataset, current=True).merge(value.rename("membership"), left_on="council_code",
                                                       right_index=True, how="left")
        frame["membership"] = frame["membership"].fillna("none")
        order = ["none"] + [o for o in order if o in set(frame["membership"])]
        out[ptype] = (frame.reset_index(drop=True), order, legend)
    return out


def compute_council_measures(dataset, *, start: int | None = None, end: int | None = None,
                             random_state=DEFAULT_SEED, typology=None,
                             memberships: bool = True) -> CouncilMeasures:
    """Compute every per-council measure the dataset supports, once.

    Parameters
    ----------
    dataset : analysis.data.Dataset
    start, end : int, optional
        Years compared for spending power (default 2010 and 2019) and the typology's window
        (default: its own).
    random_state : int, default 2010
        Seed of the typology fit.
    typology : TypologyResult or DataFrame, optional
        Placements to use (``partnership_id``, ``option``); without it the typology is fitted
        with :func:`analysis.typology.fit_typology` over ``start``-``end``, the same call as
        the typology's own charts.
    memberships : bool, default True
        Compute the combined authority and LEP memberships.

    Returns
    -------
    CouncilMeasures
    """
    out = CouncilMeasures(councils=_councils(dataset), start=2010 if start is None else start,
                          end=2019 if end is None else end, year=_last_year(dataset), random_state=random_state,
                          dataset=str(getattr(dataset, "name", "dataset")))
    try:
        out.spending, out.start, out.end, out.real = spending_change(dataset, start=out.start, end=out.end)
    except MissingTableError as exc:
        out.skipped["spending"] = str(exc)
    try:
        out.partnerships = partnership_counts(dataset)
    except MissingTableError as exc:
        out.skipped["partnerships"] = str(exc)
    try:
        partnerships = dataset["partnerships"]
        if "lead_council_code" not in partnerships or partnerships["lead_council_code"].isna().all():
            raise MissingTableError("partnerships", "the Kahane option map colours each council by the "
                                    "partnerships it leads", column="lead_council_code")
        if typology is None:
            from analysis.typology import fit_typology

            dataset.require("evidence", "the Kahane option map places the partnerships from their evidence")
            typology = fit_typology(dataset, start=start, end=end, random_state=random_state)
        out.lead_option = lead_options(dataset, typology)
    except MissingTableError as exc:
        out.skipped["lead_option"] = str(exc)
    if memberships:
        try:
            out.memberships = membership_categories(dataset)
        except MissingTableError as exc:
            out.skipped["memberships"] = str(exc)
    return out
