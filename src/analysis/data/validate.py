"""Validation of a whole dataset: every table against its schema and across tables.

All problems are collected (never stopping at the first) into one
:class:`~analysis.data.problems.ValidationReport`: errors (the dataset cannot be used)
and warnings (it can, but look). Row numbers are those a spreadsheet user sees.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

from analysis.data.problems import ValidationReport
from analysis.data.readers import TableData
from analysis.data.schema import INDICATOR_OPTIONS, TABLES, YEAR_MAX, YEAR_MIN

__all__ = ["validate_tables"]


def _rows(data: TableData, mask) -> list[int]:
    return data.rows[np.asarray(mask, dtype=bool)].tolist()


def _check_ranges(data: TableData, report: ValidationReport) -> None:
    schema = TABLES[data.name]
    frame = data.frame
    for col in schema.columns:
        # Years are checked once, against the sane range, in validate_tables.
        if col.name not in frame.columns or col.kind not in ("int", "float", "fraction"):
            continue
        values = pd.to_numeric(frame[col.name], errors="coerce").astype(float)
        if col.min is not None:
            low = values <= col.min if col.min_exclusive else values < col.min
            if low.any():
                what = "above" if col.min_exclusive else "at least"
                report.error(data.name, f"must be {what} {col.min:g}", file=data.file, column=col.name,
                             rows=_rows(data, low), values=values[low].tolist(),
                             fix="correct the value, or leave the cell empty if it is unknown"
                             if col.nullable else "correct the value")
        if col.max is not None:
            high = values > col.max
            if high.any():
                fix = "correct the value"
                if col.kind == "fraction":
                    fix = "rates are fractions from 0 to 1: write 0.85 or 85%, not 85"
                report.error(data.name, f"must be at most {col.max:g}", file=data.file, column=col.name,
                             rows=_rows(data, high), values=values[high].tolist(), fix=fix)


def _check_key(data: TableData, report: ValidationReport) -> None:
    key = [k for k in TABLES[data.name].key if k in data.frame.columns]
    if not key:
        return
    dup = data.frame.duplicated(subset=key, keep=False).to_numpy()
    if dup.any():
        sample = data.frame.loc[dup, key].astype(str).agg(" / ".join, axis=1)
        report.error(data.name, f"duplicate {' + '.join(key)}: each must appear once", file=data.file,
                     column=key[0] if len(key) == 1 else " + ".join(key), rows=_rows(data, dup),
                     values=sample.tolist(), fix="remove or merge the duplicated rows")


def _isin(values: pd.Series, known: pd.Series) -> pd.Series:
    """``values.isin(known)``; for two Arrow string columns, in Arrow itself.

    pandas' ``isin`` on Arrow strings turns every known value into a Python object
    first: 20,000 partnership codes cost a fifth of a second per reference checked.
    """
    a, b = values.array, known.array
    if isinstance(a, ArrowStringArray) and isinstance(b, ArrowStringArray):
        value_set = b._pa_array.combine_chunks().cast(a._pa_array.type)
        hit = pc.is_in(a._pa_array, value_set=value_set).to_numpy(zero_copy_only=False)
        return pd.Series(np.asarray(hit, dtype=bool), index=values.index)
    return values.isin(set(known))


def _check_reference(data, column, target, target_col, tables, report) -> None:
    if column not in data.frame.columns or target not in tables:
        return
    values = data.frame[column]
    bad = (values.notna() & ~_isin(values, tables[target].frame[target_col].dropna())).to_numpy()
    if bad.any():
        report.error(data.name, f"refers to a {target_col} that is not in {target}", file=data.file,
                     column=column, rows=_rows(data, bad), values=values[bad].tolist(),
                     fix=f"add the missing rows to {tables[target].file}, or correct the codes "
                     f"(codes are compared after trimming{' and upper-casing' if target == 'councils' else ''})")


def _path_escapes(text: str) -> bool:
    for flavour in (PurePosixPath, PureWindowsPath):
        p = flavour(text)
        if p.is_absolute() or p.anchor or ".." in p.parts:
            return True
    return False


def validate_tables(
    tables: dict[str, TableData],
    *,
    report: ValidationReport | None = None,
    base: Path | None = None,
    indicators: dict[str, str] | None = None,
    unreadable: tuple[str, ...] | list[str] = (),
) -> ValidationReport:
    """Check the tables of a dataset against their schemas and against each other.

    Parameters
    ----------
    tables : dict of str to TableData
        Tables as read by :func:`analysis.data.readers.read_table`.
    report : ValidationReport, optional
        Add to this report (the readers' problems are usually in it already).
    base : Path, optional
        The dataset folder, to check that documents exist inside it.
    indicators : dict, optional
        Known evidence indicators and their options (default: the standard ones);
        others are reported as warnings, never dropped.
    unreadable : sequence of str, optional
        Tables whose file exists but could not be read (already reported); a required
        one of them is not reported again as missing.

    Returns
    -------
    ValidationReport
        ``report`` (or a new one) with every problem found added.
    """
    report = report if report is not None else ValidationReport()
    indicators = INDICATOR_OPTIONS if indicators is None else indicators
    for required in ("councils", "partnerships"):
        if required not in tables and required not in unreadable:
            report.error(required, f"the required table '{required}' is missing",
                         fix=f"add {required}.csv (or .xlsx/.parquet) to the dataset folder, "
                         f"or map a file onto it in dataset.yml")
    for data in tables.values():
        if data.name not in TABLES:
            continue
        _check_ranges(data, report)
        _check_key(data, report)
        for column, target, target_col in TABLES[data.name].references:
            _check_reference(data, column, target, target_col, tables, report)

    years = [(d, c.name) for d in tables.values() if d.name in TABLES
             for c in TABLES[d.name].columns if c.kind == "year" and c.name in d.frame.columns]
    for data, col in years:
        values = pd.to_numeric(data.frame[col], errors="coerce")
        odd = (values < YEAR_MIN) | (values > YEAR_MAX)
        if odd.any():
            report.error(data.name, f"year outside {YEAR_MIN}-{YEAR_MAX}", file=data.file, column=col,
                         rows=_rows(data, odd), values=values[odd].tolist(), fix="correct the year")

    part = tables.get("partnerships")
    if part is not None and "dissolved" in part.frame.columns:
        est = pd.to_numeric(part.frame["established"], errors="coerce")
        dis = pd.to_numeric(part.frame["dissolved"], errors="coerce")
        bad = (dis < est).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            report.error("partnerships", "dissolved before it was established", file=part.file,
                         column="dissolved", rows=_rows(part, bad), values=dis[bad].tolist(),
                         fix="check both years; 'dissolved' must not be earlier than 'established'")

    act = tables.get("activity")
    if act is not None and part is not None:
        life = part.frame.set_index("partnership_id")[["established", "dissolved"]
                                                      if "dissolved" in part.frame.columns else ["established"]]
        life = life[~life.index.duplicated()]
        # One hash lookup for both years (Series.map twice cost twice as much).
        where = life.index.get_indexer(act.frame["partnership_id"])
        found = where >= 0

        def _years_of(column):
            values = np.append(pd.to_numeric(life[column], errors="coerce").to_numpy(dtype=float), np.nan)
            return pd.Series(values[np.where(found, where, -1)], index=act.frame.index)

        yrs = pd.to_numeric(act.frame["year"], errors="coerce")
        outside = (yrs < _years_of("established")).fillna(False)
        if "dissolved" in life.columns:
            outside |= (yrs > _years_of("dissolved")).fillna(False)
        if outside.any():
            report.warning("activity", "activity recorded outside the partnership's life "
                           "(before it was established or after it was dissolved)", file=act.file,
                           column="year", rows=_rows(act, outside), values=yrs[outside].tolist(),
                           fix="check the years in activity and partnerships")

    ev = tables.get("evidence")
    if ev is not None:
        unknown = ev.frame["indicator"].notna() & ~ev.frame["indicator"].isin(list(indicators))
        if unknown.any():
            names = sorted(ev.frame.loc[unknown, "indicator"].astype(str).unique())
            report.warning("evidence", f"{len(names)} indicator(s) not in the codebook were kept but bear on "
                           f"no option: {', '.join(names[:10])}{' ...' if len(names) > 10 else ''}",
                           file=ev.file, column="indicator", rows=_rows(ev, unknown),
                           fix="add them to the codebook's indicators (see docs/coding.md), "
                           "or correct their spelling")

    councils = tables.get("councils")
    fin = tables.get("finance")
    if councils is not None and fin is not None:
        without = ~councils.frame["council_code"].isin(set(fin.frame["council_code"].dropna()))
        if without.any():
            report.warning("councils", f"{int(without.sum())} council(s) have no finance rows",
                           file=councils.file, column="council_code", rows=_rows(councils, without),
                           values=councils.frame.loc[without, "council_code"].tolist())
    if councils is not None and "county_code" in councils.frame.columns:
        cc = councils.frame
        counties = set(cc.loc[cc["tier"] == "county", "council_code"])
        bad = (cc["county_code"].notna() & ~cc["county_code"].isin(counties)).to_numpy()
        if bad.any():
            report.error("councils", "county_code does not name a council of tier 'county'",
                         file=councils.file, column="county_code", rows=_rows(councils, bad),
                         values=cc.loc[bad, "county_code"].tolist(),
                         fix="give the code of the district's county, or leave it empty")
    defl = tables.get("deflators")
    if defl is not None and fin is not None:
        missing = sorted(set(fin.frame["year"].dropna().astype(int)) - set(defl.frame["year"].dropna().astype(int)))
        if missing:
            report.warning("deflators", f"no deflator for finance year(s) {', '.join(map(str, missing))}; "
                           "real-terms figures cannot be computed for them", file=defl.file, column="year")

    docs = tables.get("documents")
    if docs is not None:
        paths = docs.frame["path"].astype("string")
        suspect = paths.fillna("").str.contains(r"\.\.|^[/\\]|^[A-Za-z]:|^~", regex=True).to_numpy(dtype=bool)
        escapes = np.zeros(len(paths), dtype=bool)
        if suspect.any():
            escapes[suspect] = paths[suspect].fillna("").map(_path_escapes).to_numpy(dtype=bool)
        if escapes.any():
            report.error("documents", "path leaves the dataset folder (absolute or with '..')",
                         file=docs.file, column="path", rows=_rows(docs, escapes),
                         values=paths[escapes].tolist(),
                         fix="give paths relative to the dataset folder, such as documents/minutes-2011.txt")
        if base is not None:
            root = os.fspath(base)
            exists = np.array([esc or (bool(p) and os.path.isfile(os.path.join(root, p)))
                               for esc, p in zip(escapes.tolist(), paths.fillna("").tolist(), strict=True)],
                              dtype=bool)
            if (~exists).any():
                report.warning("documents", "document file not found; it will be reported and skipped",
                               file=docs.file, column="path", rows=_rows(docs, ~exists),
                               values=paths[~exists].tolist())
    return report
