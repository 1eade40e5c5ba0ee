"""Validation of a whole dataset: every table against its schema and across tables.

All problems are collected (never stopping at the first) into one
:class:`~analysis.data.problems.ValidationReport`: errors (the dataset cannot be used)
and warnings (it can, but look). Row numbers are those a spreadsheet user sees.

:func:`validate_tables` runs the checks in the order they are reported: the required
tables; then, table by table, ranges, keys, references and years; then the checks that
span tables (partnership lives, evidence indicators, councils without finance, county
codes, deflator years, documents on disk).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

import numpy as np
import pandas as pd

from analysis.data.guards import UnsafeInputError, check_input_files
from analysis.data.problems import ValidationReport
from analysis.data.readers import TableData
from analysis.data.schema import INDICATOR_OPTIONS, TABLES, YEAR_MAX, YEAR_MIN

__all__ = ["validate_tables"]


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
    for name in ("councils", "partnerships"):
        if name not in tables and name not in unreadable:
            report.error(name, f"the required table '{name}' is missing",
                         fix=f"add {name}.csv (or .xlsx/.parquet) to the dataset folder, "
                         f"or map a file onto it in dataset.yml")
    checked = [data for data in tables.values() if data.name in TABLES]
    for data in checked:
        _check_ranges(data, report)
        _check_key(data, report)
        for column, target, target_col in TABLES[data.name].references:
            _check_reference(data, column, target, target_col, tables, report)
    for data in checked:
        _check_years(data, report)
    if "partnerships" in tables:
        _check_dissolved(tables["partnerships"], report)
        if "activity" in tables:
            _check_life(tables["activity"], tables["partnerships"], report)
    if "evidence" in tables:
        # the codebook's indicators, and those the typology always reads from membership events
        from analysis.membership import membership_indicator_options

        known = {**(INDICATOR_OPTIONS if indicators is None else indicators), **membership_indicator_options()}
        _check_indicators(tables["evidence"], known, report)
    if "finance" in tables and "councils" in tables:
        _check_councils_finance(tables["councils"], tables["finance"], report)
    if "councils" in tables:
        _check_county(tables["councils"], report)
    if "deflators" in tables and "finance" in tables:
        _check_deflators(tables["deflators"], tables["finance"], report)
    if "documents" in tables:
        _check_documents(tables["documents"], base, report)
    return report


def _rows(data: TableData, mask) -> list[int]:
    return data.rows[np.asarray(mask, dtype=bool)].tolist()


def _isin(values: pd.Series, known) -> np.ndarray:
    """Which cells of ``values`` are among ``known`` (missing cells never are).

    Each distinct value is looked up once, in a Python set: pandas' own ``isin`` on Arrow
    strings makes an Arrow scalar of every known value first, which costs a fifth of a
    second for 20,000 partnership codes.
    """
    codes, uniques = pd.factorize(values)
    known = set(pd.Series(known).dropna().tolist())
    found = np.array([u in known for u in np.asarray(uniques, dtype=object)] + [False], dtype=bool)
    return found[codes]


def _as_numbers(values: pd.Series) -> pd.Series:
    """A column as floats (missing, and anything that is not a number, as NaN)."""
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        values = pd.to_numeric(values, errors="coerce")
    return values.astype(float)


def _check_ranges(data: TableData, report: ValidationReport) -> None:
    """Counts, amounts and fractions outside their column's range (years: :func:`_check_years`)."""
    for col in TABLES[data.name].columns:
        if col.name not in data.frame.columns or col.kind not in ("int", "float", "fraction"):
            continue
        values = _as_numbers(data.frame[col.name])
        if col.min is not None:
            low = (values <= col.min if col.min_exclusive else values < col.min).to_numpy(dtype=bool)
            if low.any():
                what = "above" if col.min_exclusive else "at least"
                report.error(data.name, f"must be {what} {col.min:g}", file=data.file, column=col.name,
                             rows=_rows(data, low), values=values[low].tolist(),
                             fix="correct the value, or leave the cell empty if it is unknown"
                             if col.nullable else "correct the value")
        if col.max is not None:
            high = (values > col.max).to_numpy(dtype=bool)
            if high.any():
                fix = "correct the value"
                if col.kind == "fraction":
                    fix = "rates are fractions from 0 to 1: write 0.85 or 85%, not 85"
                report.error(data.name, f"must be at most {col.max:g}", file=data.file, column=col.name,
                             rows=_rows(data, high), values=values[high].tolist(), fix=fix)


def _check_key(data: TableData, report: ValidationReport) -> None:
    """Rows whose key (all its columns together) appears more than once. A blank key cell
    counts as one value (shown as '(blank)'); rows whose key is blank throughout are left
    out, as they are reported as missing values already."""
    key = [k for k in TABLES[data.name].key if k in data.frame.columns]
    if not key:
        return
    keys = data.frame[key]
    dup = keys.duplicated(keep=False).to_numpy(dtype=bool) & ~keys.isna().all(axis=1).to_numpy(dtype=bool)
    if dup.any():
        shown = keys[dup].astype(object).where(keys[dup].notna(), "(blank)")
        sample = shown.astype(str).agg(" / ".join, axis=1)
        report.error(data.name, f"duplicate {' + '.join(key)}: each must appear once", file=data.file,
                     column=key[0] if len(key) == 1 else " + ".join(key), rows=_rows(data, dup),
                     values=sample.tolist(), fix="remove or merge the duplicated rows")


def _check_reference(data, column, target, target_col, tables, report) -> None:
    """Codes in ``column`` that are not in ``target``'s ``target_col``."""
    if column not in data.frame.columns or target not in tables:
        return
    values = data.frame[column]
    bad = values.notna().to_numpy(dtype=bool) & ~_isin(values, tables[target].frame[target_col])
    if bad.any():
        report.error(data.name, f"refers to a {target_col} that is not in {target}", file=data.file,
                     column=column, rows=_rows(data, bad), values=values[bad].tolist(),
                     fix=f"add the missing rows to {tables[target].file}, or correct the codes "
                     f"(codes are compared after trimming{' and upper-casing' if target == 'councils' else ''})")


def _check_years(data: TableData, report: ValidationReport) -> None:
    for col in (c.name for c in TABLES[data.name].columns if c.kind == "year" and c.name in data.frame.columns):
        values = _as_numbers(data.frame[col])
        odd = ((values < YEAR_MIN) | (values > YEAR_MAX)).to_numpy(dtype=bool)
        if odd.any():
            report.error(data.name, f"year outside {YEAR_MIN}-{YEAR_MAX}", file=data.file, column=col,
                         rows=_rows(data, odd), values=data.frame[col][odd].tolist(), fix="correct the year")


def _check_dissolved(part: TableData, report: ValidationReport) -> None:
    if "dissolved" in part.frame.columns:
        est = _as_numbers(part.frame["established"])
        dis = _as_numbers(part.frame["dissolved"])
        bad = (dis < est).to_numpy(dtype=bool)
        if bad.any():
            report.error("partnerships", "dissolved before it was established", file=part.file,
                         column="dissolved", rows=_rows(part, bad), values=part.frame["dissolved"][bad].tolist(),
                         fix="check both years; 'dissolved' must not be earlier than 'established'")


def _check_life(act: TableData, part: TableData, report: ValidationReport) -> None:
    """Activity recorded before its partnership was established or after it was dissolved
    (a missing year on either side, or an unknown partnership, is not outside)."""
    outside = _outside_life(act.frame, part.frame)
    if outside.any():
        report.warning("activity", "activity recorded outside the partnership's life "
                       "(before it was established or after it was dissolved)", file=act.file,
                       column="year", rows=_rows(act, outside), values=act.frame["year"][outside].tolist(),
                       fix="check the years in activity and partnerships")


def _outside_life(activity: pd.DataFrame, life: pd.DataFrame) -> np.ndarray:
    """Which activity rows fall outside their partnership's life (see :func:`_check_life`)."""
    ids = life["partnership_id"]
    first = ~ids.duplicated() & ids.notna()  # each partnership's first row, as a lookup would find it
    lookup = life[first].set_index("partnership_id")
    where = lookup.index.get_indexer(activity["partnership_id"])
    found = where >= 0
    years = _as_numbers(activity["year"]).to_numpy()
    outside = np.zeros(len(activity), dtype=bool)
    for column, later in (("established", False), ("dissolved", True)):
        if column not in lookup.columns:
            continue
        limit = np.full(len(activity), np.nan)
        limit[found] = _as_numbers(lookup[column]).to_numpy()[where[found]]
        with np.errstate(invalid="ignore"):
            outside |= years > limit if later else years < limit
    return outside


def _check_indicators(ev: TableData, indicators, report: ValidationReport) -> None:
    values = ev.frame["indicator"]
    unknown = values.notna().to_numpy(dtype=bool) & ~_isin(values, list(indicators))
    if unknown.any():
        names = sorted(values[unknown].astype(str).unique())
        report.warning("evidence", f"{len(names)} indicator(s) not in the codebook were kept but bear on "
                       f"no option: {', '.join(names[:10])}{' ...' if len(names) > 10 else ''}",
                       file=ev.file, column="indicator", rows=_rows(ev, unknown),
                       fix="add them to the codebook's indicators (see docs/coding.md), "
                       "or correct their spelling")


def _check_councils_finance(councils: TableData, fin: TableData, report: ValidationReport) -> None:
    codes = councils.frame["council_code"]
    without = ~_isin(codes, fin.frame["council_code"])
    if without.any():
        report.warning("councils", f"{int(without.sum())} council(s) have no finance rows",
                       file=councils.file, column="council_code", rows=_rows(councils, without),
                       values=codes[without].tolist())


def _check_county(councils: TableData, report: ValidationReport) -> None:
    cc = councils.frame
    if "county_code" in cc.columns:
        counties = cc.loc[(cc["tier"] == "county").to_numpy(dtype=bool), "council_code"]
        bad = cc["county_code"].notna().to_numpy(dtype=bool) & ~_isin(cc["county_code"], counties)
        if bad.any():
            report.error("councils", "county_code does not name a council of tier 'county'",
                         file=councils.file, column="county_code", rows=_rows(councils, bad),
                         values=cc.loc[bad, "county_code"].tolist(),
                         fix="give the code of the district's county, or leave it empty")


def _check_deflators(defl: TableData, fin: TableData, report: ValidationReport) -> None:
    missing = sorted(set(fin.frame["year"].dropna().astype(int)) - set(defl.frame["year"].dropna().astype(int)))
    if missing:
        report.warning("deflators", f"no deflator for finance year(s) {', '.join(map(str, missing))}; "
                       "real-terms figures cannot be computed for them", file=defl.file, column="year")


def _path_escapes(text: str) -> bool:
    """Whether a path, read as POSIX or as Windows, is absolute or climbs with '..'."""
    for flavour in (PurePosixPath, PureWindowsPath):
        p = flavour(text)
        if p.is_absolute() or p.anchor or ".." in p.parts:
            return True
    return False


def _check_documents(docs: TableData, base: Path | None, report: ValidationReport) -> None:
    """Document paths that leave the dataset folder (an error), and files that are missing
    or cannot be read safely (:func:`~analysis.data.guards.check_input_file`; a warning)."""
    paths = docs.frame["path"]
    text = [p if isinstance(p, str) else "" for p in paths.tolist()]
    # Only a path with '..', or starting with a slash, a drive letter or '~', can leave the folder.
    suspect = paths.astype(object).str.contains(r"\.\.|^[/\\]|^[A-Za-z]:|^~", regex=True, na=False)
    escapes = np.array([bool(s) and _path_escapes(p) for p, s in zip(text, suspect, strict=True)], dtype=bool)
    if escapes.any():
        report.error("documents", "path leaves the dataset folder (absolute or with '..')",
                     file=docs.file, column="path", rows=_rows(docs, escapes),
                     values=paths[escapes].tolist(),
                     fix="give paths relative to the dataset folder, such as documents/minutes-2011.txt")
    if base is None:
        return
    missing = np.zeros(len(text), dtype=bool)
    refused: dict[str, list[int]] = {}
    todo = [i for i, p in enumerate(text) if p and not escapes[i]]  # never look outside the folder
    for i, result in zip(todo, check_input_files([text[i] for i in todo], base), strict=True):
        if not isinstance(result, UnsafeInputError):
            continue
        if result.problem == "file not found" or "does not exist" in result.problem:
            missing[i] = True
        else:
            refused.setdefault(result.problem, []).append(i)
    missing |= np.array([not p for p in text], dtype=bool)
    if missing.any():
        report.warning("documents", "document file not found; it will be reported and skipped",
                       file=docs.file, column="path", rows=_rows(docs, missing), values=paths[missing].tolist())
    for problem, where in refused.items():
        mask = np.zeros(len(text), dtype=bool)
        mask[where] = True
        report.error("documents", f"document {problem}", file=docs.file, column="path",
                     rows=_rows(docs, mask), values=paths[mask].tolist(),
                     fix="keep each document as an ordinary file inside the dataset folder")
