"""Membership over time: what dated memberships (``joined``/``left``) show, year by year.

For data such as real England, where partnerships are known only by who belonged to them
and when, "activity" is what the memberships show:

* :func:`membership_years` — one row per partnership, council and year of membership;
* :func:`members_by_year` — per partnership and year: members, and how many joined or left
  (by the reason recorded in the membership events, choices apart);
* :func:`council_partnerships` — per council and year: partnerships it sits on, by type;
* :func:`overlaps` — per type and year: councils sitting in two or more bodies of the type;
* :func:`membership_outcomes` — one row per council: did it ever leave or join by choice
  in a window, with the controls the models need.

Nothing here reads or writes files or changes its arguments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.checks import require_columns

__all__ = [
    "council_partnerships",
    "evidence_strength",
    "members_by_year",
    "membership_austerity",
    "membership_indicator_options",
    "membership_outcomes",
    "membership_years",
    "overlaps",
]

#: Types whose membership councils can change themselves (see analysis.data.geographies).
CHOICE_TYPES = ("lep", "combined_authority", "community_safety")


def membership_years(memberships: pd.DataFrame, *, start: int, end: int) -> pd.DataFrame:
    """One row per partnership, council and year of membership between ``start`` and ``end``.

    A member counts from ``joined`` (or ``start`` when blank) up to the year before
    ``left`` (or ``end`` when blank).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"partnership_id": ["P", "P"], "council_code": ["A", "B"],
    ...                   "joined": [2010, 2012], "left": [2012, None]})
    >>> membership_years(m, start=2010, end=2013).groupby("year").size().tolist()
    [1, 1, 1, 1]
    """
    require_columns(memberships, ["partnership_id", "council_code"], "memberships")
    m = memberships.dropna(subset=["council_code"])
    joined = pd.to_numeric(m["joined"], errors="coerce") if "joined" in m.columns else pd.Series(np.nan, m.index)
    left = pd.to_numeric(m["left"], errors="coerce") if "left" in m.columns else pd.Series(np.nan, m.index)
    first = joined.fillna(start).clip(lower=start).astype(int)
    last = (left - 1).fillna(end).clip(upper=end).astype(int)
    keep = first <= last
    m, first, last = m[keep], first[keep], last[keep]
    n = (last - first + 1).to_numpy()
    rows = m.loc[m.index.repeat(n), ["partnership_id", "council_code"]].reset_index(drop=True)
    rows["year"] = np.concatenate([np.arange(a, b + 1) for a, b in zip(first, last, strict=True)]) if len(m) else []
    return rows.drop_duplicates().sort_values(["partnership_id", "council_code", "year"]).reset_index(drop=True)


def members_by_year(memberships: pd.DataFrame, partnerships: pd.DataFrame, *, events: pd.DataFrame | None = None,
                    start: int, end: int) -> pd.DataFrame:
    """Per partnership and year: members, and joins and exits (choices counted apart).

    Returns
    -------
    DataFrame
        ``partnership_id``, ``type``, ``year``, ``members``, and with ``events``:
        ``joined``, ``left`` (all joins and exits that year, whatever the reason) and
        ``joined_by_choice``, ``left_by_choice``.
    """
    years = membership_years(memberships, start=start, end=end)
    out = years.groupby(["partnership_id", "year"]).size().rename("members").reset_index()
    if events is not None:
        require_columns(events, ["partnership_id", "council_code", "event", "year", "is_choice"], "events")
        ev = events[events["council_code"].fillna("") != ""].copy()
        ev["year"] = pd.to_numeric(ev["year"], errors="coerce")
        choice = ev["is_choice"].astype(str).str.lower().eq("true")
        # an event is a join when it opens a spell (the memberships say which ones do)
        opened = set(zip(memberships["partnership_id"], memberships["council_code"],
                         pd.to_numeric(memberships["joined"], errors="coerce"), strict=True))
        ev["join"] = [(p, c, y) in opened for p, c, y in zip(ev["partnership_id"], ev["council_code"], ev["year"],
                                                             strict=True)]
        ev["leave"] = ~ev["join"]
        ev["join_choice"] = ev["join"] & choice
        ev["leave_choice"] = ev["leave"] & choice
        counts = (ev.groupby(["partnership_id", "year"])[["join", "leave", "join_choice", "leave_choice"]].sum()
                  .rename(columns={"join": "joined", "leave": "left", "join_choice": "joined_by_choice",
                                   "leave_choice": "left_by_choice"}).reset_index())
        counts = counts[(counts["year"] >= start) & (counts["year"] <= end)]
        out = out.merge(counts.astype({"year": int}), on=["partnership_id", "year"], how="outer")
        for c in ("members", "joined", "left", "joined_by_choice", "left_by_choice"):
            out[c] = out[c].fillna(0).astype(int)
    out = out.merge(partnerships[["partnership_id", "type"]], on="partnership_id", how="left")
    cols = ["partnership_id", "type", "year"] + [c for c in out.columns if c not in ("partnership_id", "type", "year")]
    return out[cols].sort_values(["partnership_id", "year"]).reset_index(drop=True)


def council_partnerships(memberships: pd.DataFrame, partnerships: pd.DataFrame, *, start: int,
                         end: int) -> pd.DataFrame:
    """Per council, year and partnership type: how many partnerships the council sits on."""
    years = membership_years(memberships, start=start, end=end)
    years = years.merge(partnerships[["partnership_id", "type"]], on="partnership_id", how="left")
    out = years.groupby(["council_code", "year", "type"]).size().rename("partnerships").reset_index()
    return out.sort_values(["council_code", "year", "type"]).reset_index(drop=True)


def overlaps(memberships: pd.DataFrame, partnerships: pd.DataFrame, *, start: int, end: int,
             councils: pd.DataFrame | None = None, exclude_tiers=("county",)) -> pd.DataFrame:
    """Per type and year: councils sitting in two or more bodies of the same type at once.

    Counties (whose membership is derived from their districts) are left out by default.
    """
    cp = council_partnerships(memberships, partnerships, start=start, end=end)
    if councils is not None and exclude_tiers:
        drop = set(councils.loc[councils["tier"].isin(exclude_tiers), "council_code"])
        cp = cp[~cp["council_code"].isin(drop)]
    multi = cp[cp["partnerships"] >= 2]
    out = multi.groupby(["type", "year"]).size().rename("councils_in_two_or_more").reset_index()
    full = cp[["type", "year"]].drop_duplicates()
    out = full.merge(out, on=["type", "year"], how="left").fillna({"councils_in_two_or_more": 0})
    out["councils_in_two_or_more"] = out["councils_in_two_or_more"].astype(int)
    return out.sort_values(["type", "year"]).reset_index(drop=True)


def membership_outcomes(memberships: pd.DataFrame, partnerships: pd.DataFrame, events: pd.DataFrame,
                        councils: pd.DataFrame, *, start: int, end: int, types=None) -> pd.DataFrame:
    """One row per council alive over the window: did it leave, or join, a partnership by choice?

    Returns
    -------
    DataFrame
        ``council_code``, ``tier``, ``region``, ``deprivation``, ``log_population``,
        ``partnerships_start`` (how many it sat on at ``start``), ``left_by_choice`` and
        ``joined_by_choice`` (0/1 within the window), ``first_choice_year`` (or blank),
        ``combined_authority`` (1 if it sat on a combined authority in the window).
    """
    ev = events[events["council_code"].fillna("") != ""].copy()
    ev["year"] = pd.to_numeric(ev["year"], errors="coerce")
    ev = ev[(ev["year"] > start) & (ev["year"] <= end)]
    if types is not None:
        ptype = dict(zip(partnerships["partnership_id"], partnerships["type"], strict=True))
        ev = ev[ev["partnership_id"].map(ptype).isin(types)]
    choice = ev[ev["is_choice"].astype(str).str.lower() == "true"]
    left = set(choice.loc[choice["event"] == "left", "council_code"])
    joined = set(choice.loc[choice["event"] == "joined", "council_code"])
    first = choice.groupby("council_code")["year"].min()
    years = membership_years(memberships, start=start, end=end)
    at_start = years[years["year"] == start].groupby("council_code").size()
    ptype = dict(zip(partnerships["partnership_id"], partnerships["type"], strict=True))
    ca = set(years.loc[years["partnership_id"].map(ptype) == "combined_authority", "council_code"])
    c = councils.copy()
    out = pd.DataFrame({
        "council_code": c["council_code"], "tier": c["tier"], "region": c["region"],
        "deprivation": pd.to_numeric(c.get("deprivation"), errors="coerce"),
        "log_population": np.log(pd.to_numeric(c.get("population"), errors="coerce").astype(float)
                                 .where(lambda v: v > 0)),
    })
    out["partnerships_start"] = out["council_code"].map(at_start).fillna(0).astype(int)
    out["left_by_choice"] = out["council_code"].isin(left).astype(int)
    out["joined_by_choice"] = out["council_code"].isin(joined).astype(int)
    out["first_choice_year"] = out["council_code"].map(first).astype("Int64")
    out["combined_authority"] = out["council_code"].isin(ca).astype(int)
    return out.sort_values("council_code").reset_index(drop=True)


def membership_indicator_options() -> dict[str, str]:
    """The indicator -> option mapping of membership-event evidence (``membership_indicators.yml``).

    >>> membership_indicator_options()["members_left"]
    'exit'
    """
    from importlib import resources

    import yaml

    text = resources.files("analysis").joinpath("membership_indicators.yml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text)["indicators"])


def evidence_strength(evidence: pd.DataFrame, *, min_partnerships: int = 30, min_share: float = 0.2) -> dict:
    """Is there enough evidence for a stable typology? A plain answer, with the numbers.

    Counts the partnerships with at least one non-zero indicator. When fewer than
    ``min_partnerships`` of them, or less than ``min_share`` of all partnerships, have any,
    clusters mostly separate "nothing recorded" from "something recorded", and their
    bootstrap stability says nothing about Kahane's options: ``thin`` is then True and
    ``verdict`` says so.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"partnership_id": ["P1", "P2", "P3"], "indicator": "x", "value": [0, 0, 2]})
    >>> evidence_strength(ev)["thin"]
    True
    """
    require_columns(evidence, ["partnership_id", "value"], "evidence")
    values = pd.to_numeric(evidence["value"], errors="coerce").fillna(0)
    n = int(evidence["partnership_id"].nunique())
    with_any = int(evidence.loc[values > 0, "partnership_id"].nunique())
    share = with_any / n if n else 0.0
    thin = with_any < min_partnerships or share < min_share
    verdict = (f"evidence too thin for a stable typology: only {with_any} of {n} partnerships ({share:.0%}) have "
               f"any non-zero indicator; the clusters mostly separate 'nothing recorded' from 'something "
               f"recorded', so read them as a description, not as Kahane's options"
               if thin else
               f"{with_any} of {n} partnerships ({share:.0%}) have some evidence: enough to cluster")
    return {"partnerships": n, "with_evidence": with_any, "share": share, "thin": thin, "verdict": verdict}


def _logit(data: pd.DataFrame, *, y: str, x: str, controls, min_events: int = 10) -> pd.DataFrame:
    """Logistic regression of a 0/1 outcome on ``x`` and controls, or a plain 'too few events'."""
    import statsmodels.formula.api as smf

    from analysis.stats import verdict

    cols = [y, x, *controls]
    d = data[cols].dropna()
    events = int(d[y].sum())
    base = {"model": "logit", "outcome": y, "term": x, "n": len(d), "events": events}
    if events < min_events or len(d) - events < min_events:
        return pd.DataFrame([{**base, "coef": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                              "odds_ratio": np.nan, "p": np.nan,
                              "verdict": f"too few events for a model ({events} of {len(d)} councils; at least "
                                         f"{min_events} needed): descriptive only"}])
    terms = [x] + [f"C({c})" if d[c].dtype == object else c for c in controls]
    fit = smf.logit(f"{y} ~ {' + '.join(terms)}", data=d).fit(disp=False)
    lo, hi = fit.conf_int().loc[x]
    coef = float(fit.params[x])
    return pd.DataFrame([{**base, "coef": coef, "se": float(fit.bse[x]), "ci_low": float(lo), "ci_high": float(hi),
                          "odds_ratio": float(np.exp(coef)), "p": float(fit.pvalues[x]),
                          "verdict": verdict(coef, lo, hi, term="log odds")}])


def membership_austerity(dataset, *, start: int = 2010, end: int = 2019, real: bool | None = None,
                         n_boot: int = 1000, random_state=0) -> dict[str, pd.DataFrame]:
    """Austerity against what dated memberships show, for datasets such as real England.

    Parameters
    ----------
    dataset : Dataset
        With ``councils``, ``finance``, ``partnerships`` and ``memberships`` holding
        ``joined``/``left``; ``membership_events`` (with ``is_choice``) when present.
    real : bool, optional
        Real terms (needs ``deflators``); by default real when the dataset has deflators,
        else cash (said in ``verdicts``).

    Returns
    -------
    dict of DataFrame
        ``austerity``, ``austerity_excluded``, ``members_by_year``, ``council_partnerships``,
        ``overlaps``, ``data`` (one row per council: cut, partnerships at start and end,
        log change, controls), ``spearman``, ``ols``, ``outcomes``, ``logit`` (leaving or
        joining by choice against the cut, with tier, region, deprivation and log
        population), ``ca_cuts`` (do combined-authority councils differ in their cuts),
        ``ca_ols`` and ``verdicts`` (plain sentences).
    """
    from analysis import stats
    from analysis.austerity import austerity_index

    councils = dataset["councils"]
    finance = dataset.require("finance", "to measure austerity")
    partnerships = dataset["partnerships"]
    memberships = dataset.require("memberships", "the memberships are what the data show")
    require_columns(memberships, ["partnership_id", "council_code", "joined"], "memberships")
    has_deflators = dataset.has("deflators")
    real = has_deflators if real is None else real
    deflators = dataset.require("deflators", "to measure austerity in real terms (or ask for cash)") if real else None
    events = dataset["membership_events"] if dataset.has("membership_events") else None
    rng = np.random.default_rng(random_state)
    out: dict = {}
    idx = austerity_index(finance, start=start, end=end, real=real, per_head=False, deflators=deflators,
                          councils=councils)
    out["austerity"], out["austerity_excluded"] = idx, idx.attrs["excluded"]
    last = max(end, int(pd.to_numeric(memberships["joined"], errors="coerce").max()))
    out["members_by_year"] = members_by_year(memberships, partnerships, events=events, start=start, end=last)
    cp = council_partnerships(memberships, partnerships, start=start, end=last)
    out["council_partnerships"] = cp
    out["overlaps"] = overlaps(memberships, partnerships, start=start, end=last, councils=councils)
    # the count compared is of the types councils can join or leave themselves: the others
    # (fire, police, resilience, NHS) are statutory and their data start in different years
    chosen = cp[cp["type"].isin(CHOICE_TYPES)]
    total = chosen.groupby(["council_code", "year"])["partnerships"].sum()
    at = {y: total.xs(y, level="year") if y in total.index.get_level_values("year") else pd.Series(dtype=float)
          for y in (start, end)}
    data = idx[["council_code", "tier", "cut", "cut_quintile"]].copy()
    data["partnerships_start"] = data["council_code"].map(at[start]).astype(float)
    data["partnerships_end"] = data["council_code"].map(at[end]).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        data["log_change"] = np.log(data["partnerships_end"] / data["partnerships_start"])
    extra = [c for c in ("council_name", "region", "deprivation", "population") if c in councils.columns]
    data = data.merge(councils[["council_code", *extra]], on="council_code", how="left")
    pop = pd.to_numeric(data.get("population"), errors="coerce").astype(float)
    data["log_population"] = np.log(pop.where(pop > 0))
    out["data"] = data
    fit_data = data.dropna(subset=["log_change", "cut"])
    out["spearman"] = stats.spearman(fit_data, x="cut", y="log_change", n_boot=n_boot, random_state=rng)
    out["ols"] = pd.concat([stats.ols(fit_data, y="log_change", x="cut", controls=()),
                            stats.ols(fit_data, y="log_change", x="cut")], ignore_index=True)
    verdicts = []
    measure = "real" if real else "cash"
    if not real:
        verdicts.append(("austerity", "no deflators in the dataset: the cut is measured in cash terms, not real terms"))
    med = idx["change"].median()
    verdicts.append(("austerity", f"{len(idx)} councils measured; median {measure} change in spending power "
                                  f"{start}-{end}: {med:+.1%}"))
    verdicts.append(("data", "these are mostly statutory geographies: most memberships follow from law or NHS and "
                             "Home Office boundaries, so a change in the count of partnerships mostly reflects "
                             "reorganisations and boundary redraws, not councils' choices"))
    def slope(table, term):
        return table.loc[table["term"] == term, "verdict"].iloc[0]

    verdicts.append(("partnerships", f"log change in the LEPs, combined authorities and community safety "
                                     f"partnerships a council sat on, {start} to {end}, against the cut: "
                                     f"{slope(out['ols'].iloc[:2], 'cut')}; with tier, region, deprivation and "
                                     f"population: {slope(out['ols'].iloc[2:], 'cut')}"))
    if events is not None:
        outcomes = membership_outcomes(memberships, partnerships, events, councils, start=start, end=end)
        outcomes = outcomes.merge(idx[["council_code", "cut"]], on="council_code", how="inner")
        outcomes["cut_10pp"] = outcomes["cut"] * 10
        out["outcomes"] = outcomes
        controls = ["tier", "region", "deprivation", "log_population"]
        out["logit"] = pd.concat([_logit(outcomes, y=y, x="cut_10pp", controls=controls)
                                  for y in ("left_by_choice", "joined_by_choice")], ignore_index=True)
        n_left, n_join = int(outcomes["left_by_choice"].sum()), int(outcomes["joined_by_choice"].sum())
        verdicts.append(("choices", f"between {start} and {end}, {n_left} councils left and {n_join} joined a "
                                    f"partnership by their own decision; " + out["logit"].iloc[0]["verdict"]))
        ca = outcomes.assign(group=np.where(outcomes["combined_authority"] == 1, "combined authority", "other"))
        summary = ca.groupby("group")["cut"].agg(councils="count", median_cut="median", mean_cut="mean").reset_index()
        from scipy.stats import mannwhitneyu

        a = ca.loc[ca["group"] == "combined authority", "cut"].dropna()
        b = ca.loc[ca["group"] == "other", "cut"].dropna()
        p = float(mannwhitneyu(a, b).pvalue) if len(a) and len(b) else np.nan
        summary["mann_whitney_p"] = p
        out["ca_cuts"] = summary
        ca_fit = ca.dropna(subset=["cut"])
        out["ca_ols"] = stats.ols(ca_fit, y="cut", x="combined_authority",
                                  controls=("tier", "region", "deprivation", "log_population"))
        diff = a.median() - b.median() if len(a) and len(b) else np.nan
        verdicts.append(("combined_authority", f"councils in a combined authority by {end}: median {measure} cut "
                                               f"{a.median():.1%} against {b.median():.1%} for the others "
                                               f"(difference {diff:+.1%}, Mann-Whitney p = {p:.3g}); with tier, "
                                               f"region, deprivation and population held constant: "
                                               f"{slope(out['ca_ols'], 'combined_authority')}"))
    out["verdicts"] = pd.DataFrame(verdicts, columns=["topic", "verdict"])
    return out
