"""Features of the typology: evidence rates per year active, one row per partnership."""

from __future__ import annotations

import functools
import warnings

import pandas as pd

from analysis.data.schema import OPTIONS
from analysis.errors import InputError

__all__ = ["DOCUMENT_PREFIX", "TypologyInputError", "compute_features", "council_features",
           "feature_options", "features_for", "indicator_options", "years_active"]

#: Prefix of document-coding features (``doc_fight`` ...).
DOCUMENT_PREFIX = "doc_"


class TypologyInputError(InputError, ValueError):
    """Input the typology cannot cluster honestly (exit code 2 on the command line).

    Also a :class:`ValueError`, as scikit-learn expects of an estimator's ``fit``.
    """


# --------------------------------------------------------------------------- features


def indicator_options() -> dict:
    """The indicator -> option mapping of the shipped codebook (an error if it does not load).

    Examples
    --------
    >>> indicator_options()["pooled_budgets"]
    'collaborate'
    """
    return dict(_indicator_options_cached())


@functools.lru_cache(maxsize=1)
def _indicator_options_cached() -> tuple:
    # The shipped codebook maps every standard indicator; one that does not load is a broken
    # installation, and its error (file, line, fix) is raised rather than hidden.
    from analysis.codebook import load_codebook

    return tuple(load_codebook().indicator_options.items())


def feature_options(columns, mapping: dict | None = None) -> dict:
    """Map feature names to options: evidence indicators by ``mapping``, ``doc_<option>`` by name.

    Features that bear on no option are left out.

    Examples
    --------
    >>> feature_options(["lobbying_campaigns", "doc_exit", "meetings"])
    {'lobbying_campaigns': 'fight', 'doc_exit': 'exit'}
    """
    mapping = indicator_options() if mapping is None else mapping
    out = {}
    for col in columns:
        name = str(col)
        if name in mapping and mapping[name] in OPTIONS:
            out[name] = mapping[name]
        elif name.startswith(DOCUMENT_PREFIX) and name[len(DOCUMENT_PREFIX):] in OPTIONS:
            out[name] = name[len(DOCUMENT_PREFIX):]
    return out


def accept_old_window_names(old: dict, start, end, function: str):
    """Accept the former keyword names ``start_year``/``end_year`` with a DeprecationWarning."""
    for name, new in (("start_year", "start"), ("end_year", "end")):
        if name in old:
            warnings.warn(f"{function}({name}=...) is deprecated; use {new}=", DeprecationWarning, stacklevel=3)
            value = old.pop(name)
            if new == "start":
                start = value if start is None else start
            else:
                end = value if end is None else end
    if old:
        raise TypeError(f"{function}() got an unexpected keyword argument {next(iter(old))!r}")
    return start, end



def years_active(partnerships: pd.DataFrame, *, start: int | None = None, end: int | None = None,
                 **renamed) -> pd.Series:
    """Years each partnership was active inside the evidence window, at least 1.

    A partnership counts from ``max(established, start)`` to ``dissolved`` (or ``end``
    while it is still running, or if it was dissolved after it), both years included.
    Missing ``established`` counts from ``start`` (or ``end``).
    The input is not changed.

    Parameters
    ----------
    partnerships : pandas.DataFrame
        With ``partnership_id``, ``established`` and optionally ``dissolved``.
    start : int, optional
        First year of the evidence window (the first year of the activity table).
    end : int
        Last year of the evidence window (the last year of the activity table); required.

    Examples
    --------
    >>> p = pd.DataFrame({"partnership_id": ["A", "B"], "established": [2004, 2015],
    ...                   "dissolved": [None, 2016]})
    >>> years_active(p, start=2010, end=2023).tolist()
    [14, 2]
    """
    start_year, end_year = accept_old_window_names(renamed, start, end, "years_active")
    if end_year is None:
        raise TypeError("years_active() needs end, the last year of the evidence window")
    frame = partnerships.set_index("partnership_id")
    est = pd.to_numeric(frame.get("established"), errors="coerce").astype(float)
    lower = est if start_year is None else est.clip(lower=start_year)
    lower = lower.fillna(start_year if start_year is not None else end_year)
    if "dissolved" in frame:
        end = pd.to_numeric(frame["dissolved"], errors="coerce").astype(float)
        end = end.fillna(end_year).clip(upper=end_year)
    else:
        end = pd.Series(float(end_year), index=frame.index)
    years = (end - lower + 1).clip(lower=1)
    return years.astype(int).rename("years_active")


def _window(partnerships, activity, evidence, start_year, end_year):
    """The evidence window: parameters first, then the activity table, then the evidence years."""
    for frame in (activity, evidence):
        if frame is not None and "year" in frame and frame["year"].notna().any():
            years = pd.to_numeric(frame["year"], errors="coerce").dropna()
            start_year = int(years.min()) if start_year is None else start_year
            end_year = int(years.max()) if end_year is None else end_year
    if end_year is None:
        candidates = pd.concat([pd.to_numeric(partnerships.get(c), errors="coerce")
                                for c in ("established", "dissolved") if c in partnerships])
        if candidates.notna().any():
            end_year = int(candidates.max())
        else:
            raise TypologyInputError("cannot tell the years partnerships were active: give end "
                                     "(the last year the evidence covers)")
    return start_year, end_year


def compute_features(evidence: pd.DataFrame, partnerships: pd.DataFrame, *,
                     start: int | None = None, end: int | None = None,
                     activity: pd.DataFrame | None = None,
                     documents: pd.DataFrame | None = None, **renamed) -> pd.DataFrame:
    """Evidence rates per year active: one row per partnership, one column per indicator.

    Values of an indicator are summed over the years (and any repeated rows) and divided
    by :func:`years_active`. Partnerships with no evidence rows get zeros; evidence rows
    of unknown partnerships are ignored. The evidence window is ``start`` to ``end``
    (formerly ``start_year``/``end_year``, still accepted with a DeprecationWarning);
    when not given, the first and last years of ``activity`` (else of the
    evidence's ``year`` column; else no lower bound and the last established or dissolved
    year). The window is stored in ``result.attrs["window"]``. Inputs are not changed.

    Parameters
    ----------
    evidence : pandas.DataFrame
        Long: ``partnership_id``, ``indicator``, ``value`` (optional ``year``).
    partnerships : pandas.DataFrame
        ``partnership_id``, ``established``, ``dissolved``.
    start, end : int, optional
        The evidence window (see above).
    activity : pandas.DataFrame, optional
        The activity table, used only for its years.
    documents : pandas.DataFrame, optional
        Per-partnership document-coding shares with ``partnership_id`` and some of
        fight, adapt, exit, collaborate; joined as ``doc_<option>`` columns. Partnerships
        without coded documents get the mean share (a neutral value, not zero).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``partnership_id`` (in the order of ``partnerships``), indicator
        columns sorted by option then name.

    Examples
    --------
    >>> ev = pd.DataFrame({"partnership_id": ["A", "A", "B"], "year": [2019, 2020, 2020],
    ...                    "indicator": ["pooled_budgets"] * 3, "value": [2, 2, 1]})
    >>> p = pd.DataFrame({"partnership_id": ["A", "B"], "established": [2019, 2020],
    ...                   "dissolved": [None, None]})
    >>> compute_features(ev, p)["pooled_budgets"].to_dict()
    {'A': 2.0, 'B': 1.0}
    """
    start_year, end_year = accept_old_window_names(renamed, start, end, "compute_features")
    for name, frame, cols in (("evidence", evidence, ("partnership_id", "indicator", "value")),
                              ("partnerships", partnerships, ("partnership_id",))):
        missing = [c for c in cols if c not in frame]
        if missing:
            raise TypologyInputError(f"missing column(s) {missing} in {name}; columns present: "
                                     f"{list(frame.columns)}")
    if partnerships["partnership_id"].duplicated().any():
        dup = partnerships.loc[partnerships["partnership_id"].duplicated(), "partnership_id"].iloc[0]
        raise TypologyInputError(f"partnership_id {dup!r} appears twice in partnerships")
    start_year, end_year = _window(partnerships, activity, evidence, start_year, end_year)
    ids = partnerships["partnership_id"].astype(str)
    ev = evidence.assign(partnership_id=evidence["partnership_id"].astype(str),
                         value=pd.to_numeric(evidence["value"], errors="coerce"))
    ev = ev[ev["value"].notna() & ev["partnership_id"].isin(set(ids))]
    if (ev["value"] < 0).any():
        bad = ev.loc[ev["value"] < 0].iloc[0]
        raise TypologyInputError(f"negative evidence value {bad['value']} for {bad['partnership_id']} "
                                 f"({bad['indicator']}); evidence values are counts")
    mapping = indicator_options()
    indicators = sorted(ev["indicator"].astype(str).unique(),
                        key=lambda i: (OPTIONS.index(mapping[i]) if i in mapping else len(OPTIONS), i))
    counts = (ev.groupby(["partnership_id", "indicator"])["value"].sum().unstack("indicator")
              .reindex(index=ids, columns=indicators).fillna(0.0).astype(float))
    years = years_active(partnerships.assign(partnership_id=ids), start=start_year,
                         end=end_year).reindex(ids)
    rates = counts.div(years.to_numpy(), axis=0)
    rates.index.name = "partnership_id"
    rates.columns.name = None
    if documents is not None:
        rates = rates.join(_document_features(documents, ids))
    rates.attrs["window"] = {"start_year": start_year, "end_year": end_year}
    return rates


def _document_features(documents: pd.DataFrame, ids) -> pd.DataFrame:
    if "partnership_id" not in documents:
        raise TypologyInputError("documents= needs a partnership_id column and option shares "
                                 f"({', '.join(OPTIONS)}); columns present: {list(documents.columns)}")
    cols = [o for o in OPTIONS if o in documents]
    if not cols:
        raise TypologyInputError(f"documents= has none of the option columns {OPTIONS}")
    shares = documents.assign(partnership_id=documents["partnership_id"].astype(str))
    shares = shares.groupby("partnership_id")[cols].mean().reindex(ids)
    shares = shares.fillna(shares.mean()).fillna(0.0)
    return shares.rename(columns={c: f"{DOCUMENT_PREFIX}{c}" for c in cols})


def council_features(features: pd.DataFrame, links: pd.DataFrame, *,
                     by: str = "lead_council_code") -> pd.DataFrame:
    """Aggregate partnership features to councils: the mean rate of each council's partnerships.

    Parameters
    ----------
    features : pandas.DataFrame
        From :func:`compute_features` (indexed by ``partnership_id``).
    links : pandas.DataFrame
        ``partnership_id`` and the column ``by`` (the partnerships table with
        ``lead_council_code``, or memberships with ``council_code``).
    by : str, default "lead_council_code"
        The council column of ``links``.

    Examples
    --------
    >>> f = pd.DataFrame({"pooled_budgets": [1.0, 3.0, 5.0]},
    ...                  index=pd.Index(["A", "B", "C"], name="partnership_id"))
    >>> links = pd.DataFrame({"partnership_id": ["A", "B", "C"], "lead_council_code": ["X", "X", "Y"]})
    >>> council_features(f, links)["pooled_budgets"].tolist()
    [2.0, 5.0]
    """
    if by not in links or "partnership_id" not in links:
        raise TypologyInputError(f"links needs columns partnership_id and {by!r}; "
                                 f"columns present: {list(links.columns)}")
    pairs = links[["partnership_id", by]].dropna().drop_duplicates()
    pairs = pairs.assign(partnership_id=pairs["partnership_id"].astype(str))
    joined = pairs.join(features, on="partnership_id", how="inner")
    out = joined.drop(columns="partnership_id").groupby(by).mean()
    out.index.name = by
    return out


# --------------------------------------------------------------------------- helpers


def features_for(dataset, *, documents: pd.DataFrame | None = None, start: int | None = None,
                 end: int | None = None, **renamed) -> pd.DataFrame:
    """Features of a loaded dataset (see :func:`compute_features`).

    The evidence window comes from the ``activity`` table when the dataset has one.
    ``documents`` (per-partnership option shares from document coding) is joined only
    when given. ``start``/``end`` were ``start_year``/``end_year`` (still accepted, with a
    DeprecationWarning).
    """
    start, end = accept_old_window_names(renamed, start, end, "features_for")
    partnerships = dataset.require("partnerships", "the typology places partnerships")
    evidence = dataset.require("evidence", "the typology clusters partnerships on their evidence indicators")
    activity = dataset["activity"] if dataset.has("activity") else None
    if evidence.empty:
        raise TypologyInputError("the evidence table is empty: there is nothing to cluster")
    return compute_features(evidence, partnerships, start=start, end=end,
                            activity=activity, documents=documents)
