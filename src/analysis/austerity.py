"""Austerity pressure per council: the change in spending power between two years.

:func:`austerity_index` turns the ``finance`` table (cash spending power by council and
financial year) into one row per council: the start and end values, the change in cash
and in real terms, in total and per head, and the rank and quintile of the cut.
:func:`austerity_panel` gives the same measure year by year (the cumulative change since
the start year), for panel models. :func:`check_plausibility` compares national
aggregates with the published figures (NAO, IFS) and warns when they stray far.
:func:`austerity_against_activity` runs the whole analysis once and returns an
:class:`AusterityResult`; its charts are drawn in :mod:`analysis.figures.austerity`.

Conventions
-----------
* Years are financial years by their starting calendar year (2010 means 2010-11).
* Changes are fractions: ``-0.25`` is a fall of 25%. ``cut`` is minus the chosen change,
  so a bigger number means a harder cut.
* Real terms are in prices of the end year, using the dataset's ``deflators`` table.
* A year with no row is missing, never zero; a council without a value in the start or
  end year gets no change and is listed in ``result.attrs["excluded"]`` with the reason.

Nothing here reads or writes files or changes its arguments.

Why this module is over 600 lines: the index, the year-by-year panel and the plausibility
checks share one preparation of the finance table (mergers, county areas, deflators), and
the whole analysis is the short pipeline at the end. Its charts are in
:mod:`analysis.figures.austerity`; splitting the rest into a package is left for later.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.checks import require_columns
from analysis.errors import InputError

__all__ = [
    "AusterityCheckWarning",
    "AusterityResult",
    "DEFAULT_SEED",
    "PUBLISHED_FIGURES",
    "austerity_against_activity",
    "austerity_index",
    "austerity_panel",
    "check_plausibility",
    "standard_charts",  # noqa: F822 - from analysis.figures.austerity, see __getattr__
]

#: The toolkit's default seed (the report's).
DEFAULT_SEED = 2010

VALUE = "spending_power_gbp_m"
BASES = ("council", "county_area")

#: Published national figures that :func:`check_plausibility` compares against.
PUBLISHED_FIGURES = {
    "nao_real_spending_power": {
        "source": "National Audit Office (2018), Financial sustainability of local authorities",
        "what": "real-terms change in local authority spending power, England",
        "start": 2010, "end": 2017, "published": -0.286, "tolerance": 0.10,
    },
    "ifs_real_per_person": {
        "source": "Institute for Fiscal Studies (2019), English local government funding",
        "what": "real-terms change in council spending on services per person, England",
        "start": 2009, "end": 2019, "published": -0.23, "tolerance": 0.10,
    },
    "ifs_deprivation_ratio": {
        "source": "Institute for Fiscal Studies (2019), English local government funding",
        "what": "cut per person in the most deprived fifth of councils / least deprived fifth",
        "start": 2009, "end": 2019, "published": 2.0, "low": 1.3, "high": 3.0,
    },
}


class AusterityCheckWarning(UserWarning):
    """A national aggregate strays far from a published figure, or could not be checked."""


# ----------------------------------------------------------------------------- validation


def _check_columns(frame: pd.DataFrame, needed, what: str) -> None:
    require_columns(frame, needed, what)


def _as_years(series: pd.Series, what: str) -> pd.Series:
    years = pd.to_numeric(series, errors="coerce")
    if years.isna().any():
        bad = series[years.isna()].astype(str).unique()[:5]
        raise InputError(f"{what} has values that are not years: {', '.join(bad)}")
    return years.astype("int64")


def _check_span(start, end) -> tuple[int, int]:
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        raise InputError(f"start and end must be years, got start={start!r}, end={end!r}") from None
    if end <= start:
        raise InputError(f"end ({end}) must come after start ({start})")
    return start, end


def _deflator_lookup(deflators, years) -> pd.Series:
    if deflators is None:
        raise InputError(
            "real terms were asked for but no deflators were given; pass deflators= (the dataset's "
            "'deflators' table, columns year and deflator), or ask for cash terms (real=False)"
        )
    _check_columns(deflators, ["year", "deflator"], "deflators")
    d = pd.Series(pd.to_numeric(deflators["deflator"], errors="coerce").to_numpy(),
                  index=_as_years(deflators["year"], "deflators 'year'").to_numpy())
    if d.index.duplicated().any():
        raise InputError(f"deflators has more than one row for year(s) "
                         f"{', '.join(map(str, sorted(set(d.index[d.index.duplicated()]))))}")
    need = sorted(set(int(y) for y in years))
    missing = [y for y in need if y not in d.index or pd.isna(d.get(y))]
    if missing:
        have = f"{min(d.index)}-{max(d.index)}" if len(d) else "none"
        raise InputError(
            f"the deflators table has no value for year(s) {', '.join(map(str, missing))} "
            f"(years present: {have}); add the deflator for those financial years or use cash terms"
        )
    if (d.loc[need] <= 0).any():
        raise InputError("deflators must be positive")
    return d


def _prepare(finance, *, councils, value, predecessors, basis) -> tuple[pd.DataFrame, dict]:
    """Check the finance table and map it onto units (councils, merged councils or county areas).

    Returns a long frame (unit, year, value, population, members) and notes per unit.
    """
    _check_columns(finance, ["council_code", "year", value], "finance")
    if basis not in BASES:
        raise InputError(f"basis must be one of {', '.join(BASES)}, got {basis!r}")
    cols = ["council_code", "year", value] + (["population"] if "population" in finance.columns else [])
    f = finance[cols].copy()
    f["council_code"] = f["council_code"].astype(str).str.strip().str.upper()
    f["year"] = _as_years(f["year"], "finance 'year'")
    f[value] = pd.to_numeric(f[value], errors="coerce").astype(float)
    if "population" not in f.columns:
        f["population"] = np.nan
    f["population"] = pd.to_numeric(f["population"], errors="coerce").astype(float)
    dup = f[f.duplicated(["council_code", "year"], keep=False)]
    if len(dup):
        pairs = dup[["council_code", "year"]].drop_duplicates().head(10)
        listed = "; ".join(f"{c} {y}" for c, y in pairs.itertuples(index=False))
        raise InputError(
            f"finance has {len(dup)} rows for {len(dup[['council_code', 'year']].drop_duplicates())} "
            f"council-year(s) that appear more than once: {listed}; keep one row per council and year"
        )
    zero = f[f["population"] <= 0]
    if len(zero):
        listed = "; ".join(f"{c} {y}" for c, y in zero[["council_code", "year"]].head(10).itertuples(index=False))
        raise InputError(f"population is zero or negative in finance for {listed}; per-head figures "
                         f"cannot be computed; correct the population or leave it blank (missing)")
    tiers = county_of = None
    if councils is not None:
        _check_columns(councils, ["council_code"], "councils")
        known = set(councils["council_code"].astype(str).str.strip().str.upper())
        unknown = sorted(set(f["council_code"]) - known)
        if unknown:
            raise InputError(
                f"{len(unknown)} council code(s) in finance are not in councils: {', '.join(unknown[:10])}"
                f"{' ...' if len(unknown) > 10 else ''}; add them to the councils table or correct the codes"
            )
        c = councils.assign(council_code=councils["council_code"].astype(str).str.strip().str.upper())
        if "population" in c.columns:
            cpop = pd.to_numeric(c["population"], errors="coerce")
            if (cpop <= 0).any():
                bad = c.loc[cpop <= 0, "council_code"].tolist()[:10]
                raise InputError(f"population is zero or negative in councils for {', '.join(bad)}")
            # Fill population from the councils table where finance has none for that council.
            fill = f["council_code"].map(dict(zip(c["council_code"], cpop, strict=True)))
            f["population"] = f["population"].fillna(fill)
        tiers = dict(zip(c["council_code"], c["tier"], strict=True)) if "tier" in c.columns else None
        if "county_code" in c.columns:
            county_of = {k: str(v).strip().upper() for k, v in zip(c["council_code"], c["county_code"], strict=True)
                         if pd.notna(v) and str(v).strip()}
    notes: dict = {}
    f["member"] = f["council_code"]
    if predecessors is not None:
        _check_columns(predecessors, ["successor_code", "predecessor_code", "year"], "predecessors")
        p = predecessors.assign(
            successor_code=predecessors["successor_code"].astype(str).str.strip().str.upper(),
            predecessor_code=predecessors["predecessor_code"].astype(str).str.strip().str.upper(),
            year=_as_years(predecessors["year"], "predecessors 'year'"),
        )
        succ = dict(zip(p["predecessor_code"], p["successor_code"], strict=True))
        merge_year = dict(zip(p["predecessor_code"], p["year"], strict=True))
        relabel = f["council_code"].map(succ)
        before = f["year"] < f["council_code"].map(merge_year).fillna(np.inf)
        f.loc[relabel.notna() & before, "member"] = relabel[relabel.notna() & before]
        for s, group in p.groupby("successor_code"):
            notes[s] = {"combined_from": "+".join(sorted(group["predecessor_code"]))}
    f["unit"] = f["member"]
    if basis == "county_area":
        if county_of is None:
            raise InputError("basis='county_area' needs the councils table with a 'county_code' column "
                             "linking each district to its county (the register importer provides it)")
        f["unit"] = f["member"].map(lambda m: county_of.get(m, m))
    # Aggregate members into units; a unit-year is complete only with every member's value.
    f["_value_na"] = f[value].isna()
    f["_pop_na"] = f["population"].isna()
    g = f.groupby(["unit", "year"], sort=True)
    out = g.agg(value=(value, "sum"), value_na=("_value_na", "sum"),
                population=("population", "sum"), pop_na=("_pop_na", "sum"))
    out.loc[out["value_na"] > 0, "value"] = np.nan
    out.loc[out["pop_na"] > 0, "population"] = np.nan
    out["members"] = out.index.get_level_values("unit")
    mixed = f["member"] != f["unit"]
    if mixed.any():
        combined = f[f["unit"].isin(set(f.loc[mixed, "unit"]))]
        joined = combined.groupby(["unit", "year"])["member"].agg(lambda s: "+".join(sorted(set(s))))
        out.loc[joined.index, "members"] = joined
        if basis == "county_area" and tiers is not None:
            own = f[f["member"] == f["unit"]].groupby(["unit", "year"])["population"].sum(min_count=1)
            heads = [i for i in out.index if tiers.get(i[0]) == "county"]
            out.loc[heads, "population"] = own.reindex(heads)
    out = out.drop(columns=["value_na", "pop_na"])
    out = out.reset_index()
    if tiers is not None:
        out["tier"] = out["unit"].map(tiers)
    return out, notes


def _unit_frame(long: pd.DataFrame, *, start, end, real, per_head, deflators):
    years = sorted(set(long["year"]))
    d = _deflator_lookup(deflators, [start, end]) if real else None
    wide_v = long.pivot(index="unit", columns="year", values="value")
    wide_p = long.pivot(index="unit", columns="year", values="population")
    wide_m = long.pivot(index="unit", columns="year", values="members")
    units = wide_v.index
    rows = pd.DataFrame(index=units)
    first = long.groupby("unit")["year"].min()
    last = long.groupby("unit")["year"].max()
    for which, year in (("start", start), ("end", end)):
        rows[f"{which}_gbp_m"] = wide_v[year] if year in wide_v.columns else np.nan
        rows[f"{which}_population"] = wide_p[year] if year in wide_p.columns else np.nan
        rows[f"{which}_members"] = wide_m[year] if year in wide_m.columns else None
    rows["first_year"], rows["last_year"] = first, last
    return rows, d, years


def austerity_index(
    finance: pd.DataFrame,
    *,
    start: int,
    end: int,
    real: bool = True,
    per_head: bool = True,
    deflators: pd.DataFrame | None = None,
    councils: pd.DataFrame | None = None,
    basis: str = "council",
    predecessors: pd.DataFrame | None = None,
    value: str = VALUE,
) -> pd.DataFrame:
    """Change in spending power between two financial years, one row per council (or area).

    Parameters
    ----------
    finance : DataFrame
        Columns ``council_code``, ``year``, ``spending_power_gbp_m`` (cash, GBP million)
        and optionally ``population``. Not changed.
    start, end : int
        Financial years by their starting calendar year (2010 means 2010-11).
    real : bool, default True
        Use real terms (end-year prices) as the chosen measure; needs ``deflators``.
    per_head : bool, default True
        Use the per-head change as the chosen measure; needs a population (from
        ``finance`` or, as a constant, from ``councils``).
    deflators : DataFrame, optional
        Columns ``year`` and ``deflator``; required when ``real`` is true. When given, the
        real-terms columns are filled even for ``real=False``.
    councils : DataFrame, optional
        The councils table: every finance code must be in it; supplies ``tier``, a
        fallback ``population`` and the ``county_code`` that ``basis="county_area"`` needs.
    basis : {"council", "county_area"}
        ``"county_area"`` adds each county to its districts (shire areas become one unit
        named by the county code; the county's own population is the area's population).
    predecessors : DataFrame, optional
        Columns ``successor_code``, ``predecessor_code`` and ``year`` (of the merger).
        When given, a successor council is compared with the sum of its predecessors;
        without it, councils created or abolished inside the span are left out.
    value : str
        Name of the finance column to measure.

    Returns
    -------
    DataFrame
        One row per council (or area) with a change: ``council_code``, ``basis``,
        ``start_year``, ``end_year``, ``start_gbp_m``, ``end_gbp_m``,
        ``start_population``, ``end_population``, ``change_cash``, ``change_real``,
        ``change_cash_per_head``, ``change_real_per_head``, ``measure`` (name of the chosen
        change), ``start_value`` and ``end_value`` (the chosen measure: GBP million or GBP
        per head, real terms at ``end`` prices when ``real``), ``change`` (chosen), ``cut``
        (``-change``), ``cut_rank`` (1 = hardest cut), ``cut_quintile`` (5 = hardest cut
        fifth, 1 = mildest), ``combined_from`` (members summed into the row, if any) and
        ``tier`` when ``councils`` is given. ``attrs["excluded"]`` lists the councils left
        out (with ``reason``, ``first_year`` and ``last_year``).

    Raises
    ------
    InputError
        Missing columns; real terms without deflators or with a deflator year missing;
        a population of zero; duplicate council-years; a council in ``finance`` that is
        not in ``councils``.

    Examples
    --------
    >>> import pandas as pd
    >>> finance = pd.DataFrame({"council_code": ["A", "A", "B", "B"], "year": [2010, 2012, 2010, 2012],
    ...                         "spending_power_gbp_m": [100.0, 110.0, 50.0, 44.0],
    ...                         "population": [1000, 1100, 500, 400]})
    >>> deflators = pd.DataFrame({"year": [2010, 2012], "deflator": [100.0, 125.0]})
    >>> idx = austerity_index(finance, start=2010, end=2012, deflators=deflators)
    >>> idx[["council_code", "change_cash", "change_real", "change_real_per_head", "cut_rank"]]
      council_code  change_cash  change_real  change_real_per_head  cut_rank
    0            A         0.10       -0.120                 -0.20         1
    1            B        -0.12       -0.296                 -0.12         2
    """
    start, end = _check_span(start, end)
    long, notes = _prepare(finance, councils=councils, value=value, predecessors=predecessors, basis=basis)
    if real:
        d = _deflator_lookup(deflators, [start, end])
    elif deflators is not None:
        try:
            d = _deflator_lookup(deflators, [start, end])
        except InputError:
            d = None
    else:
        d = None
    rows, _, _ = _unit_frame(long, start=start, end=end, real=real, per_head=per_head, deflators=deflators)
    excluded = []
    keep = []
    for unit, r in rows.iterrows():
        reason = None
        if pd.isna(r["start_gbp_m"]) and r["first_year"] > start:
            reason = f"no finance before {int(r['first_year'])} (created after {start}?)"
        elif pd.isna(r["end_gbp_m"]) and r["last_year"] < end:
            reason = f"no finance after {int(r['last_year'])} (abolished or merged before {end}?)"
        elif pd.isna(r["start_gbp_m"]) or pd.isna(r["end_gbp_m"]):
            which = [str(y) for y, v in ((start, r["start_gbp_m"]), (end, r["end_gbp_m"])) if pd.isna(v)]
            reason = f"no value (or an incomplete area) for {' and '.join(which)}"
        elif r["start_gbp_m"] <= 0:
            reason = f"spending power in {start} is zero, so a relative change is undefined"
        elif basis == "county_area" and _members_changed(r["start_members"], r["end_members"]):
            reason = (f"its councils changed between {start} ({r['start_members']}) and {end} "
                      f"({r['end_members']}); pass predecessors to compare like with like")
        elif per_head and (pd.isna(r["start_population"]) or pd.isna(r["end_population"])):
            reason = "no population, so no per-head change"
        if reason:
            excluded.append({"council_code": unit, "reason": reason,
                             "first_year": int(r["first_year"]), "last_year": int(r["last_year"])})
        else:
            keep.append(unit)
    r = rows.loc[keep]
    out = pd.DataFrame({"council_code": pd.Series(keep, dtype="str")})
    out["basis"] = basis
    out["start_year"], out["end_year"] = start, end
    for col in ("start_gbp_m", "end_gbp_m", "start_population", "end_population"):
        out[col] = r[col].to_numpy(dtype=float)
    ratio_cash = out["end_gbp_m"] / out["start_gbp_m"]
    ratio_pop = out["end_population"] / out["start_population"]
    inflation = float(d[end] / d[start]) if d is not None else np.nan
    out["change_cash"] = ratio_cash - 1
    out["change_real"] = ratio_cash / inflation - 1
    out["change_cash_per_head"] = ratio_cash / ratio_pop - 1
    out["change_real_per_head"] = ratio_cash / ratio_pop / inflation - 1
    measure = "change_" + ("real" if real else "cash") + ("_per_head" if per_head else "")
    out["measure"] = measure
    scale_start = (inflation if real else 1.0)
    if per_head:
        out["start_value"] = out["start_gbp_m"] * 1e6 / out["start_population"] * scale_start
        out["end_value"] = out["end_gbp_m"] * 1e6 / out["end_population"]
    else:
        out["start_value"] = out["start_gbp_m"] * scale_start
        out["end_value"] = out["end_gbp_m"]
    for col in ("change_cash", "change_real", "change_cash_per_head", "change_real_per_head",
                "start_value", "end_value"):
        out[col] = out[col].round(12)
    out["change"] = out[measure]
    out["cut"] = -out["change"]
    out["cut_rank"] = out["cut"].rank(ascending=False, method="min").astype("Int64")
    n = len(out)
    asc = out["cut"].rank(ascending=True, method="first")
    out["cut_quintile"] = (np.floor((asc - 1) * 5 / n) + 1).astype("Int64") if n else pd.Series(dtype="Int64")
    out["combined_from"] = [notes.get(u, {}).get("combined_from", "") or _members_note(m, u)
                            for u, m in zip(keep, r["end_members"], strict=True)]
    if "tier" in long.columns:
        out["tier"] = out["council_code"].map(dict(zip(long["unit"], long["tier"], strict=True)))
        if basis == "county_area":
            out.loc[out["tier"].eq("county") & out["combined_from"].ne(""), "tier"] = "county_area"
    out = out.reset_index(drop=True)
    out.attrs["excluded"] = pd.DataFrame.from_records(
        excluded, columns=["council_code", "reason", "first_year", "last_year"])
    out.attrs["basis"] = basis
    out.attrs["measure"] = measure
    return out


def _members_changed(a, b) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a != b and len(a.split("+")) != len(b.split("+"))


def _members_note(members, unit) -> str:
    if isinstance(members, str) and members != unit:
        return members
    return ""


def austerity_panel(
    finance: pd.DataFrame,
    *,
    start: int,
    end: int,
    real: bool = True,
    per_head: bool = True,
    deflators: pd.DataFrame | None = None,
    councils: pd.DataFrame | None = None,
    predecessors: pd.DataFrame | None = None,
    value: str = VALUE,
) -> pd.DataFrame:
    """Cumulative change since ``start``, per council and year (for panel models).

    Returns one row per council-year from ``start`` to ``end`` with ``council_code``,
    ``year``, ``change`` (the chosen measure, as in :func:`austerity_index`, relative
    to ``start``) and ``cut`` (``-change``). Years with no row stay missing.

    Examples
    --------
    >>> import pandas as pd
    >>> finance = pd.DataFrame({"council_code": ["A"] * 3, "year": [2010, 2011, 2012],
    ...                         "spending_power_gbp_m": [100.0, 90.0, 80.0]})
    >>> austerity_panel(finance, start=2010, end=2012, real=False, per_head=False)
      council_code  year  change  cut
    0            A  2010     0.0 -0.0
    1            A  2011    -0.1  0.1
    2            A  2012    -0.2  0.2
    """
    start, end = _check_span(start, end)
    long, _ = _prepare(finance, councils=councils, value=value, predecessors=predecessors, basis="council")
    long = long[(long["year"] >= start) & (long["year"] <= end)].copy()
    level = long["value"].copy()
    if real:
        d = _deflator_lookup(deflators, range(start, end + 1))
        level = level / long["year"].map(d)
    if per_head:
        level = level / long["population"]
    long["level"] = level
    base = long[long["year"] == start].set_index("unit")["level"]
    long["change"] = (long["level"] / long["unit"].map(base) - 1).round(12)
    out = long.rename(columns={"unit": "council_code"})[["council_code", "year", "change"]]
    out = out[out["council_code"].isin(base.dropna().index)].reset_index(drop=True)
    out["cut"] = -out["change"]
    return out


# ----------------------------------------------------------------------------- plausibility


def _national(finance, councils, deflators, year_a, year_b, *, per_person):
    f = finance[["council_code", "year", VALUE] + (["population"] if "population" in finance.columns else [])]
    f = f.assign(year=pd.to_numeric(f["year"], errors="coerce"))
    have = set(f["year"].dropna().astype(int))
    a = year_a if year_a in have else min((y for y in have if y >= year_a), default=None)
    b = year_b if year_b in have else max((y for y in have if y <= year_b), default=None)
    if a is None or b is None or b <= a:
        return None, None, f"finance does not cover {year_a}-{year_b}"
    d = _deflator_lookup(deflators, [a, b])
    tot = f.groupby("year")[VALUE].sum()
    real = tot[b] / d[b] / (tot[a] / d[a]) - 1
    if not per_person:
        return float(real), (a, b), ""
    if "population" not in f.columns or f.loc[f["year"].isin([a, b]), "population"].isna().any():
        return None, (a, b), "finance has no complete population for those years"
    pop_rows = f
    if councils is not None and "tier" in councils.columns:
        counties = set(councils.loc[councils["tier"] == "county", "council_code"])
        pop_rows = f[~f["council_code"].isin(counties)]  # counties overlap their districts
    pop = pop_rows.groupby("year")["population"].sum()
    return float((1 + real) / (pop[b] / pop[a]) - 1), (a, b), ""


def check_plausibility(
    finance: pd.DataFrame,
    *,
    deflators: pd.DataFrame | None,
    councils: pd.DataFrame | None = None,
    warn: bool = True,
) -> pd.DataFrame:
    """Compare national aggregates with published figures; warn when they stray far.

    Three checks (see :data:`PUBLISHED_FIGURES`): the NAO's real-terms fall in spending
    power of 28.6% from 2010-11 to 2017-18; the IFS's fall of about 23% per person from
    2009-10 to 2019-20; and the IFS finding that the most deprived councils were cut
    about twice as hard as the least deprived. Where the data do not cover the published
    years, the nearest years inside them are used and named. A check that cannot be run
    is reported as ``not checked`` (with a warning), never as passed.

    Returns
    -------
    DataFrame
        One row per check: ``check``, ``what``, ``source``, ``published``, ``measured``,
        ``published_years``, ``measured_years``, ``allowed``, ``status`` (``ok``,
        ``far from published`` or ``not checked``) and ``note``.

    Examples
    --------
    >>> import pandas as pd
    >>> fin = pd.DataFrame({"council_code": ["A", "A"], "year": [2010, 2017],
    ...                     "spending_power_gbp_m": [100.0, 80.0], "population": [10, 10]})
    >>> defl = pd.DataFrame({"year": [2010, 2017], "deflator": [100.0, 112.0]})
    >>> checks = check_plausibility(fin, deflators=defl, warn=False)
    >>> checks[["check", "measured", "status"]].round(3)
                         check  measured       status
    0  nao_real_spending_power    -0.286           ok
    1      ifs_real_per_person    -0.286           ok
    2    ifs_deprivation_ratio       NaN  not checked
    """
    _check_columns(finance, ["council_code", "year", VALUE], "finance")
    records = []
    for key, per_person in (("nao_real_spending_power", False), ("ifs_real_per_person", True)):
        pub = PUBLISHED_FIGURES[key]
        try:
            measured, years, note = _national(finance, councils, deflators, pub["start"], pub["end"],
                                              per_person=per_person)
        except InputError as exc:
            measured, years, note = None, None, str(exc)
        allowed = f"{pub['published'] - pub['tolerance']:+.3f} to {pub['published'] + pub['tolerance']:+.3f}"
        if measured is None:
            status = "not checked"
        else:
            status = "ok" if abs(measured - pub["published"]) <= pub["tolerance"] else "far from published"
        records.append({"check": key, "what": pub["what"], "source": pub["source"], "published": pub["published"],
                        "measured": measured, "published_years": f"{pub['start']}-{pub['end']}",
                        "measured_years": f"{years[0]}-{years[1]}" if years else "", "allowed": allowed,
                        "status": status, "note": note})
    pub = PUBLISHED_FIGURES["ifs_deprivation_ratio"]
    measured, years, note = None, None, ""
    if councils is None or "deprivation" not in councils.columns or councils["deprivation"].isna().all():
        note = "needs councils with a deprivation score"
    else:
        try:
            fin_years = set(pd.to_numeric(finance["year"], errors="coerce").dropna().astype(int))
            a = min((y for y in fin_years if y >= pub["start"]), default=None)
            b = max((y for y in fin_years if y <= pub["end"]), default=None)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                idx = austerity_index(finance, start=a, end=b, deflators=deflators, councils=councils)
            dep = idx["council_code"].map(dict(zip(councils["council_code"], councils["deprivation"], strict=True)))
            q = pd.qcut(dep.rank(method="first"), 5, labels=False)
            least, most = idx["cut"][q == 0].mean(), idx["cut"][q == 4].mean()
            measured, years = (float(most / least) if least > 0 else None), (a, b)
            if measured is None:
                note = "the least deprived fifth had no cut, so the ratio is undefined"
        except (InputError, ValueError, TypeError) as exc:
            note = str(exc)
    status = ("not checked" if measured is None
              else "ok" if pub["low"] <= measured <= pub["high"] else "far from published")
    records.append({"check": "ifs_deprivation_ratio", "what": pub["what"], "source": pub["source"],
                    "published": pub["published"], "measured": measured,
                    "published_years": f"{pub['start']}-{pub['end']}",
                    "measured_years": f"{years[0]}-{years[1]}" if years else "",
                    "allowed": f"{pub['low']} to {pub['high']}", "status": status, "note": note})
    table = pd.DataFrame.from_records(records)
    table["measured"] = table["measured"].astype(float)
    if warn:
        for row in table.itertuples():
            if row.status == "far from published":
                warnings.warn(
                    f"plausibility check {row.check}: measured {row.measured:+.3f} over {row.measured_years} "
                    f"against {row.published:+.3f} published for {row.published_years} ({row.source}); "
                    f"allowed {row.allowed}. Check the units, the deflators and the coverage of finance.",
                    AusterityCheckWarning, stacklevel=2)
            elif row.status == "not checked":
                warnings.warn(f"plausibility check {row.check} could not be run: {row.note}",
                              AusterityCheckWarning, stacklevel=2)
    return table


@dataclass(frozen=True)
class AusterityResult:
    """Every table of the austerity-against-activity analysis, with the parameters used.

    The tables are those listed in :func:`austerity_against_activity`; ``lowess`` is the
    LOWESS line with its bootstrap band per tier (what the scatter chart draws; None
    unless asked for with ``lowess=True``);
    ``network_councils`` and ``network_summary`` are None without a ``memberships``
    table. ``result["data"]`` still works (dict-style access, for existing notebooks).
    """

    austerity: pd.DataFrame
    austerity_excluded: pd.DataFrame
    checks: pd.DataFrame
    partnership_years: pd.DataFrame
    council_years: pd.DataFrame
    activity_change: pd.DataFrame
    data: pd.DataFrame
    spearman: pd.DataFrame
    ols: pd.DataFrame
    panel: pd.DataFrame
    quadrants: pd.DataFrame
    quadrant_summary: pd.DataFrame
    survival: pd.DataFrame
    survival_km: pd.DataFrame
    survival_km_cut: pd.DataFrame
    survival_cox: pd.DataFrame
    lowess: pd.DataFrame | None = None
    network_councils: pd.DataFrame | None = None
    network_summary: pd.DataFrame | None = None
    start: int = 2010
    end: int = 2019
    measure: str = "meetings_per_partnership"
    by: str = "lead"
    basis: str = "council"
    n_boot: int = 1000
    random_state: int | None = DEFAULT_SEED
    dataset_name: str = ""

    #: The tables the ``activity`` command writes, one CSV each, in this order.
    TABLES = ("austerity", "austerity_excluded", "checks", "partnership_years", "council_years",
              "activity_change", "data", "spearman", "ols", "panel", "quadrants", "quadrant_summary",
              "survival", "survival_km", "survival_km_cut", "survival_cox", "network_councils",
              "network_summary")

    def tables(self) -> dict:
        """The tables by name, as the ``activity`` command writes them (the network tables
        only when there are memberships; the LOWESS band is the attribute ``lowess``)."""
        return {name: getattr(self, name) for name in self.TABLES if getattr(self, name) is not None}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name == "lowess":
            return self.lowess
        tables = self.tables()
        if name not in tables:
            raise KeyError(name)
        return tables[name]

    def items(self):
        return self.tables().items()

    def __contains__(self, name) -> bool:
        return name in self.tables()

    def keys(self):
        return self.tables().keys()


# ----------------------------------------------------------------------------- the whole analysis


def austerity_against_activity(
    dataset,
    *,
    start: int = 2010,
    end: int = 2019,
    measure: str = "meetings_per_partnership",
    by: str = "lead",
    basis: str = "council",
    n_boot: int = 1000,
    random_state=DEFAULT_SEED,
    lowess: bool = False,
) -> AusterityResult:
    """Every table of the austerity-against-activity analysis for a dataset, by name.

    Austerity is the real-terms per-head change (:func:`austerity_index`; successors of
    mergers are compared with their predecessors when the dataset has a ``predecessors``
    table); activity is ``measure`` per council (:mod:`analysis.activity`), over the
    partnerships each council leads (``by="lead"``) or sits on (``by="member"``); the
    statistics come from :mod:`analysis.stats`.

    The random generator is made once from ``random_state``; the Spearman interval and
    then, with ``lowess=True``, the LOWESS line and bootstrap band per tier that the
    scatter chart draws (``n_boot`` resamples each) draw from it in that order. The band
    is off by default: at ``n_boot=1000`` it costs more than the rest of the analysis.

    Returns
    -------
    AusterityResult
        ``austerity``, ``austerity_excluded``, ``checks``, ``partnership_years``,
        ``council_years``, ``activity_change``, ``data`` (one row per council with ``cut``
        and ``log_change``), ``spearman``, ``ols`` (without and with controls),
        ``panel``, ``quadrants``, ``quadrant_summary``, ``survival``, ``survival_km``
        (by type), ``survival_km_cut`` (by fifth of cut), ``survival_cox``,
        ``network_councils``, ``network_summary``, ``lowess`` and the parameters.
    """
    from analysis import activity as act
    from analysis import stats

    rng = np.random.default_rng(random_state)
    councils = dataset["councils"]
    finance = dataset.require("finance", "to measure austerity")
    deflators = dataset.require("deflators", "to measure austerity in real terms")
    partnerships = dataset["partnerships"]
    dataset.require("activity", "to measure partnership activity")
    memberships = dataset["memberships"] if dataset.has("memberships") else None
    predecessors = dataset["predecessors"] if dataset.has("predecessors") else None
    out: dict = {}
    idx = austerity_index(finance, start=start, end=end, deflators=deflators, councils=councils,
                          predecessors=predecessors, basis=basis)
    out["austerity"], out["austerity_excluded"] = idx, idx.attrs["excluded"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AusterityCheckWarning)
        out["checks"] = check_plausibility(finance, deflators=deflators, councils=councils, warn=False)
    activity_result = act.compute_activity(dataset, start=start, end=end, measure=measure, by=by)
    py, cy, change = activity_result.partnership_years, activity_result.council_years, activity_result.activity_change
    out["partnership_years"], out["council_years"], out["activity_change"] = py, cy, change
    extra = [c for c in ("council_name", "region", "deprivation", "population") if c in councils.columns]
    data = idx[["council_code", "tier", "cut", "cut_quintile"] if "tier" in idx.columns
               else ["council_code", "cut", "cut_quintile"]].merge(
        change[["council_code", "start_value", "end_value", "log_change"]], on="council_code", how="inner")
    data = data.merge(councils[["council_code", *extra]], on="council_code", how="left")
    out["data"] = data
    out["spearman"] = stats.spearman(data, x="cut", y="log_change", n_boot=n_boot, random_state=rng)
    out["ols"] = pd.concat([stats.ols(data, y="log_change", x="cut", controls=()),
                            stats.ols(data, y="log_change", x="cut")], ignore_index=True)
    panel = austerity_panel(finance, start=start, end=end, deflators=deflators, councils=councils,
                            predecessors=predecessors)
    cyv = cy[["council_code", "year", measure]].astype({measure: float})
    with np.errstate(divide="ignore", invalid="ignore"):
        cyv["log_activity"] = np.log(cyv[measure].where(cyv[measure] > 0))
    out["panel"] = stats.panel_fe(cyv.merge(panel, on=["council_code", "year"]), y="log_activity", x="cut")
    name = "council_name" if "council_name" in data.columns else "council_code"
    quads = stats.quadrants(data, x="cut", y="log_change", name=name if name != "council_code" else None)
    out["quadrants"], out["quadrant_summary"] = quads, stats.quadrant_summary(quads, name=name)
    surv = act.survival_data(partnerships, start=start, end=end, austerity=idx)
    out["survival"] = surv
    out["survival_km"] = act.kaplan_meier(surv, by="type") if "type" in surv.columns else act.kaplan_meier(surv, by=None)
    out["survival_km_cut"] = act.kaplan_meier(surv.dropna(subset=["cut_quintile"]), by="cut_quintile")
    out["survival_cox"] = act.cox_model(surv)
    if memberships is not None and "council_code" in memberships.columns:
        out["network_councils"], out["network_summary"] = act.network_change(memberships, partnerships,
                                                                            start=start, end=end)
    out["lowess"] = None
    if lowess:
        drawn = data.dropna(subset=["cut", "log_change"]).reset_index(drop=True)
        out["lowess"] = stats.lowess_band(drawn, x="cut", y="log_change",
                                          by="tier" if "tier" in drawn.columns else None,
                                          n_boot=n_boot, random_state=rng)
    return AusterityResult(**out, start=start, end=end, measure=measure, by=by, basis=basis, n_boot=n_boot,
                           random_state=random_state if not isinstance(random_state, np.random.Generator) else None,
                           dataset_name=str(getattr(dataset, "name", "") or ""))


# ----------------------------------------------------------------------------- charts


def stats_verdict(cox_row) -> str:
    """Plain-language reading of a Cox coefficient (log hazard ratio) and its interval."""
    from analysis.stats import verdict

    return verdict(cox_row["coef"], cox_row["ci_low"], cox_row["ci_high"], term="log hazard ratio")


def dominant_option(partnerships: pd.DataFrame, typology: pd.DataFrame) -> pd.DataFrame:
    """The most common Kahane option among the partnerships each council leads.

    ``typology`` has ``partnership_id`` and ``option``; ties go to the option that comes
    first in :data:`analysis.data.schema.OPTIONS`. Returns ``council_code`` and ``option``.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"partnership_id": ["P1", "P2", "P3"], "lead_council_code": ["A", "A", "B"]})
    >>> t = pd.DataFrame({"partnership_id": ["P1", "P2", "P3"], "option": ["adapt", "adapt", "exit"]})
    >>> dominant_option(p, t)
      council_code option
    0            A  adapt
    1            B   exit
    """
    from analysis.data.schema import OPTIONS

    m = partnerships[["partnership_id", "lead_council_code"]].merge(
        typology[["partnership_id", "option"]], on="partnership_id").dropna()
    order = {o: i for i, o in enumerate(OPTIONS)}
    counts = m.groupby(["lead_council_code", "option"]).size().rename("n").reset_index()
    counts["_o"] = counts["option"].map(order).fillna(len(order))
    best = counts.sort_values(["lead_council_code", "n", "_o"], ascending=[True, False, True])
    best = best.drop_duplicates("lead_council_code")
    return best.rename(columns={"lead_council_code": "council_code"})[["council_code", "option"]].reset_index(drop=True)


def __getattr__(name):
    # The charts live in analysis.figures.austerity; imported on first use so that the
    # analysis never imports plotting.
    if name == "standard_charts":
        from analysis.figures.austerity import standard_charts

        return standard_charts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
