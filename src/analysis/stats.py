"""The statistics between austerity and activity, as tidy tables a paper can quote.

* :func:`spearman` — rank correlation with a percentile bootstrap interval.
* :func:`ols` — least squares with heteroskedasticity-robust (HC3) standard errors and
  controls (tier, region, deprivation, log population) through statsmodels formulas.
* :func:`panel_fe` — activity on lagged austerity with council and year fixed effects and
  standard errors clustered by council.
* :func:`lowess_band` — a LOWESS line with a bootstrap band, for the scatter chart.
* :func:`quadrants`, :func:`quadrant_summary` — pressure against activity split at the
  medians, councils named per quadrant.
* :func:`verdict` — a plain-language reading of an estimate and its interval, which says
  "no detectable relation" when the interval includes zero.

Every random step takes ``random_state`` (an int or a numpy Generator); the same seed
gives the same numbers. Nothing here reads or writes files or changes its arguments.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats as _sps

from analysis.checks import require_columns
from analysis.errors import InputError

__all__ = [
    "QUADRANT_LABELS",
    "direction",
    "lowess_band",
    "ols",
    "panel_fe",
    "quadrant_summary",
    "quadrants",
    "spearman",
    "verdict",
]

#: Names of the quadrants, keyed by (x above its median, y above its median).
QUADRANT_LABELS = {
    (True, False): "harder cut, activity fell",
    (True, True): "harder cut, activity held up",
    (False, False): "milder cut, activity fell",
    (False, True): "milder cut, activity held up",
}


def _rng(random_state):
    return random_state if isinstance(random_state, np.random.Generator) else np.random.default_rng(random_state)


def _numeric(data: pd.DataFrame, columns, what: str = "data") -> pd.DataFrame:
    require_columns(data, columns, what)
    out = data[list(columns)].copy()
    for c in columns:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    return out.replace([np.inf, -np.inf], np.nan).dropna()


def spearman(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    ci: float = 0.95,
    n_boot: int = 2000,
    random_state=2010,
) -> pd.DataFrame:
    """Spearman's rank correlation with a percentile bootstrap interval.

    Rows with a missing or infinite ``x`` or ``y`` are dropped (``n`` counts the rest).

    Returns
    -------
    DataFrame
        One row: ``x``, ``y``, ``n``, ``rho``, ``ci_low``, ``ci_high``, ``p`` (the
        asymptotic t-test of scipy), ``ci_level``, ``n_boot``, ``verdict``.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"cut": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], "change": [0.0, -0.1, -0.1, -0.3, -0.2, -0.5]})
    >>> spearman(d, x="cut", y="change", n_boot=200)[["n", "rho"]].round(3)
       n    rho
    0  6 -0.928
    """
    d = _numeric(data, [x, y])
    n = len(d)
    if n < 3:
        raise InputError(f"Spearman's correlation needs at least 3 complete rows of {x} and {y}; got {n}")
    res = _sps.spearmanr(d[x], d[y])
    rho, p = float(res.statistic), float(res.pvalue)
    rng = _rng(random_state)
    idx = rng.integers(0, n, size=(n_boot, n))
    rx = _sps.rankdata(d[x].to_numpy()[idx], axis=1)
    ry = _sps.rankdata(d[y].to_numpy()[idx], axis=1)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        boots = (rx * ry).sum(1) / np.sqrt((rx**2).sum(1) * (ry**2).sum(1))
    boots = boots[np.isfinite(boots)]
    lo, hi = np.quantile(boots, [(1 - ci) / 2, (1 + ci) / 2])
    return pd.DataFrame([{"x": x, "y": y, "n": n, "rho": rho, "ci_low": float(lo), "ci_high": float(hi), "p": p,
                          "ci_level": ci, "n_boot": n_boot,
                          "verdict": verdict(rho, lo, hi, term=f"Spearman {y} ~ {x}")}])


def _controls_terms(data: pd.DataFrame, controls) -> list[str]:
    terms = []
    for c in controls or ():
        if c not in data.columns or data[c].isna().all():
            continue
        series = data[c]
        if series.nunique(dropna=True) < 2:
            continue
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            terms.append(f"np.log({c})" if c == "population" else c)
        else:
            terms.append(f"C({c})")
    return terms


def _tidy(fit, *, model: str, keep, ci: float, extra: dict) -> pd.DataFrame:
    conf = fit.conf_int(alpha=1 - ci)
    rows = []
    for term in fit.params.index:
        if keep is not None and not keep(term):
            continue
        rows.append({"model": model, "term": term, "coef": float(fit.params[term]), "se": float(fit.bse[term]),
                     "ci_low": float(conf.loc[term, 0]), "ci_high": float(conf.loc[term, 1]),
                     "p": float(fit.pvalues[term]), "n": int(fit.nobs), "r2": float(fit.rsquared),
                     "adj_r2": float(fit.rsquared_adj), **extra})
    out = pd.DataFrame.from_records(rows)
    out["verdict"] = [verdict(r.coef, r.ci_low, r.ci_high, term=r.term) for r in out.itertuples()]
    return out


def ols(
    data: pd.DataFrame,
    *,
    y: str,
    x: str,
    controls=("tier", "region", "deprivation", "population"),
    cov_type: str = "HC3",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Ordinary least squares of ``y`` on ``x`` and controls, with robust standard errors.

    Text controls enter as categories (``C(tier)``), ``population`` as its log, other
    numbers as they are; controls absent from ``data``, empty or constant are skipped
    (the ``formula`` column shows what was fitted). Rows with a missing value in any
    variable used are dropped; ``n`` counts the rest.

    Returns
    -------
    DataFrame
        One row per coefficient: ``model``, ``term``, ``coef``, ``se``, ``ci_low``,
        ``ci_high``, ``p``, ``n``, ``r2``, ``adj_r2``, ``cov_type``, ``formula``,
        ``verdict``.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"cut": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
    ...                   "change": [0.0, -0.45, -0.55, -0.85, -0.95, -1.25]})
    >>> ols(d, y="change", x="cut", controls=())[["term", "coef", "n"]].round(3)
            term  coef  n
    0  Intercept  0.13  6
    1        cut -2.30  6
    """
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    import statsmodels.formula.api as smf

    terms = _controls_terms(data, [c for c in (controls or ()) if c not in (x, y)])
    used = [y, x] + [c for c in (controls or ()) if c in data.columns and
                     any(t in (c, f"C({c})", f"np.log({c})") for t in terms)]
    d = data[used].copy()
    for c in (y, x):
        if c not in d.columns:
            raise InputError(f"missing column {c!r} in data; columns present: {', '.join(map(str, data.columns))}")
        d[c] = pd.to_numeric(d[c], errors="coerce").astype(float)
    for c in used[2:]:
        if pd.api.types.is_numeric_dtype(d[c]) and not pd.api.types.is_bool_dtype(d[c]):
            d[c] = d[c].astype(float)
        else:
            d[c] = d[c].astype(object)
    d = d.replace([np.inf, -np.inf], np.nan).dropna()
    if len(d) < len(terms) + 3:
        raise InputError(f"too few complete rows ({len(d)}) to fit {y} on {x} with {len(terms)} control(s)")
    formula = " + ".join([f"{y} ~ {x}", *terms])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = smf.ols(formula, data=d).fit(cov_type=cov_type)
    note = ""
    if any("rank-deficient" in str(w.message) for w in caught):
        note = ("some controls are collinear (for example a tier that lies in one region); "
                "their coefficients are not separately identified, the others are unaffected")
    out = _tidy(fit, model="ols", keep=None, ci=ci, extra={"cov_type": cov_type, "formula": formula})
    out["note"] = note
    return out


def panel_fe(
    data: pd.DataFrame,
    *,
    y: str,
    x: str,
    entity: str = "council_code",
    time: str = "year",
    lag: int = 1,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Panel model: ``y`` on ``x`` lagged ``lag`` years, council and year fixed effects.

    The lag is by calendar year, not by row: ``x`` of year ``t - lag`` of the same
    entity, missing when that year has no row. Standard errors are clustered by entity.
    Only the coefficient of the lagged ``x`` is returned (the fixed effects are not
    quantities of interest).

    Returns
    -------
    DataFrame
        One row as in :func:`ols`, with ``term`` = ``{x}_lag{lag}``, plus ``entities``
        and ``periods``.
    """
    import statsmodels.formula.api as smf

    for c in (entity, time, y, x):
        if c not in data.columns:
            raise InputError(f"missing column {c!r} in panel data; columns present: "
                             f"{', '.join(map(str, data.columns))}")
    d = data[[entity, time, y, x]].copy()
    d[time] = pd.to_numeric(d[time], errors="coerce").astype(float)
    d[y] = pd.to_numeric(d[y], errors="coerce").astype(float)
    d[x] = pd.to_numeric(d[x], errors="coerce").astype(float)
    if d.duplicated([entity, time]).any():
        raise InputError(f"panel data has duplicate {entity}-{time} rows")
    name = f"{x}_lag{lag}"
    lagged = d[[entity, time, x]].assign(**{time: d[time] + lag}).rename(columns={x: name})
    d = d.drop(columns=[x]).merge(lagged, on=[entity, time], how="left")
    d = d.replace([np.inf, -np.inf], np.nan).dropna()
    d["_entity"] = d[entity].astype(str)
    d["_time"] = d[time].astype(int).astype(str)
    if d["_entity"].nunique() < 2 or d["_time"].nunique() < 2:
        raise InputError("the panel needs at least two entities and two periods with data")
    formula = f"{y} ~ {name} + C(_entity) + C(_time)"
    groups = pd.factorize(d["_entity"])[0]
    fit = smf.ols(formula, data=d).fit(cov_type="cluster", cov_kwds={"groups": groups})
    out = _tidy(fit, model="panel_fe", keep=lambda t: t == name, ci=ci,
                extra={"cov_type": f"cluster({entity})", "formula": f"{y} ~ {name} + {entity} FE + {time} FE"})
    out["entities"] = d["_entity"].nunique()
    out["periods"] = d["_time"].nunique()
    return out


def _lowess_on(lowess, ys, xs, xv, **kwargs):
    """LOWESS fitted at the data (fast with ``delta``), then interpolated onto the grid ``xv``."""
    fitted = lowess(ys, xs, return_sorted=True, **kwargs)
    if len(fitted) == 0:
        return np.full(len(xv), np.nan)
    ux, first = np.unique(fitted[:, 0], return_index=True)
    return np.interp(xv, ux, fitted[first, 1], left=np.nan, right=np.nan)


def lowess_band(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    by: str | None = None,
    frac: float = 2 / 3,
    n_boot: int = 200,
    ci: float = 0.95,
    grid: int = 40,
    it: int = 1,
    random_state=2010,
) -> pd.DataFrame:
    """A LOWESS line with a percentile bootstrap band, on a grid of ``x`` (per ``by`` group).

    Returns
    -------
    DataFrame
        ``[by]``, ``x``, ``fit``, ``ci_low``, ``ci_high`` (columns named literally). Groups
        with fewer than 5 points are left out.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> d = pd.DataFrame({"a": np.linspace(0, 1, 30)})
    >>> d["b"] = 2 * d["a"]
    >>> band = lowess_band(d, x="a", y="b", n_boot=20, grid=5)
    >>> [round(v, 2) + 0.0 for v in band["fit"]]
    [0.0, 0.5, 1.0, 1.5, 2.0]
    """
    from statsmodels.nonparametric.smoothers_lowess import lowess

    rng = _rng(random_state)
    cols = [x, y]
    d = _numeric(data, cols) if by is None else pd.concat(
        [_numeric(data, cols), data[[by]]], axis=1, join="inner").dropna(subset=cols)
    groups = [(None, d)] if by is None else list(d.groupby(by, sort=True))
    frames = []
    for key, g in groups:
        if len(g) < 5:
            continue
        xs, ys = g[x].to_numpy(), g[y].to_numpy()
        xv = np.linspace(xs.min(), xs.max(), grid)
        delta = 0.01 * float(xs.max() - xs.min())
        fit = _lowess_on(lowess, ys, xs, xv, frac=frac, it=it, delta=delta)
        boots = np.empty((n_boot, grid))
        for b in range(n_boot):
            i = rng.integers(0, len(xs), len(xs))
            with np.errstate(all="ignore"):
                boots[b] = _lowess_on(lowess, ys[i], xs[i], xv, frac=frac, it=it, delta=delta)
        lo, hi = np.nanquantile(boots, [(1 - ci) / 2, (1 + ci) / 2], axis=0)
        frame = pd.DataFrame({"x": xv, "fit": fit, "ci_low": lo, "ci_high": hi})
        if by is not None:
            frame.insert(0, by, key)
        frames.append(frame)
    columns = ([by] if by else []) + ["x", "fit", "ci_low", "ci_high"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def quadrants(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    label: str = "council_code",
    name: str | None = None,
    labels: dict | None = None,
) -> pd.DataFrame:
    """Split councils at the medians of ``x`` (pressure) and ``y`` (activity change).

    A value equal to the median counts as low. ``labels`` maps ``(x_high, y_high)`` to a
    quadrant name (default :data:`QUADRANT_LABELS`, which reads ``x`` as the cut).

    Returns
    -------
    DataFrame
        ``label``, ``[name]``, ``x``, ``y``, ``x_high``, ``y_high``, ``quadrant``,
        ``x_median``, ``y_median``, sorted by quadrant then ``x`` descending.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"council_code": list("ABCD"), "cut": [0.1, 0.2, 0.3, 0.4],
    ...                   "change": [0.1, -0.3, 0.2, -0.4]})
    >>> quadrants(d, x="cut", y="change")[["council_code", "quadrant"]]
      council_code                      quadrant
    0            C  harder cut, activity held up
    1            D     harder cut, activity fell
    2            A  milder cut, activity held up
    3            B     milder cut, activity fell
    """
    labels = labels or QUADRANT_LABELS
    keep = [label] + ([name] if name else [])
    for c in keep:
        if c not in data.columns:
            raise InputError(f"missing column {c!r} in data")
    d = pd.concat([data[keep], _numeric(data, [x, y])], axis=1, join="inner")
    mx, my = d[x].median(), d[y].median()
    d["x_high"], d["y_high"] = d[x] > mx, d[y] > my
    d["quadrant"] = [labels[(a, b)] for a, b in zip(d["x_high"], d["y_high"], strict=True)]
    d["x_median"], d["y_median"] = mx, my
    order = {v: i for i, v in enumerate([labels[(True, True)], labels[(True, False)],
                                         labels[(False, True)], labels[(False, False)]])}
    d = d.assign(_o=d["quadrant"].map(order)).sort_values(["_o", x, label], ascending=[True, False, True])
    return d.drop(columns="_o").reset_index(drop=True)


def quadrant_summary(quads: pd.DataFrame, *, name: str = "council_code") -> pd.DataFrame:
    """One row per quadrant: ``quadrant``, ``n`` and the councils in it (``councils``, by ``name``)."""
    g = quads.groupby("quadrant", sort=False)
    return pd.DataFrame({"n": g.size(), "councils": g[name].agg(lambda s: ", ".join(map(str, s)))}).reset_index()


def direction(estimate, ci_low, ci_high, *, null: float = 0.0) -> str:
    """The direction an interval shows: "negative", "positive", "no" (it includes ``null``) or
    "not estimable" (a missing value). The first word of :func:`verdict`.

    Examples
    --------
    >>> direction(-1.9, -2.5, -1.3), direction(0.1, -0.2, 0.4), direction(float("nan"), 0, 1)
    ('negative', 'no', 'not estimable')
    """
    if any(pd.isna(v) for v in (estimate, ci_low, ci_high)):
        return "not estimable"
    if ci_low <= null <= ci_high:
        return "no"
    return "positive" if estimate > null else "negative"


def verdict(estimate, ci_low, ci_high, *, term: str | None = None, null: float = 0.0, ci: float = 0.95) -> str:
    """Read an estimate and its interval in plain language.

    An interval that includes ``null`` gives "no detectable relation": the data are
    consistent with no effect (which is not proof of no effect). Otherwise the sign is
    named. ``term`` names the quantity.

    Examples
    --------
    >>> verdict(-1.9, -2.5, -1.3, term="cut")
    'negative relation (cut): -1.9 (95% CI -2.5 to -1.3)'
    >>> verdict(0.1, -0.2, 0.4)
    'no detectable relation: 0.1 (95% CI -0.2 to 0.4 includes 0)'
    """
    about = f" ({term})" if term else ""
    if any(pd.isna(v) for v in (estimate, ci_low, ci_high)):
        return f"not estimable{about}"
    nums = f"{estimate:.3g} ({ci:.0%} CI {ci_low:.3g} to {ci_high:.3g}"
    if ci_low <= null <= ci_high:
        return f"no detectable relation{about}: {nums} includes {null:g})"
    sign = "positive" if estimate > null else "negative"
    return f"{sign} relation{about}: {nums})"
