"""Validation of a whole dataset: every table against its schema and across tables.

All problems are collected (never stopping at the first) into one
:class:`~analysis.data.problems.ValidationReport`: errors (the dataset cannot be used)
and warnings (it can, but look). Row numbers are those a spreadsheet user sees.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath, PureWindowsPath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

from analysis.data.problems import ValidationReport
from analysis.data.readers import TableData
from analysis.data.schema import INDICATOR_OPTIONS, TABLES, YEAR_MAX, YEAR_MIN

__all__ = ["REFERENCE_TABLES", "check_table", "finish_validation", "validate_tables"]


#: Rows in all, from which the tables are checked in two threads.
_PARALLEL_ROWS = 200_000


def _rows(data: TableData, mask) -> list[int]:
    return data.rows[np.asarray(mask, dtype=bool)].tolist()


def _numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray | None] | None:
    """A numeric column's numbers as numpy holds them, and which are missing (None when
    none can be); None for any other column. pandas' own reductions and comparisons on a
    nullable column cost ten times as much."""
    array = values.array
    if isinstance(array, pd.arrays.IntegerArray):
        return array._data, array._mask
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iuf":
        numbers = values.to_numpy()
        return numbers, np.isnan(numbers) if numbers.dtype.kind == "f" else None
    return None


def _extremes(values: pd.Series) -> tuple[float | None, float | None]:
    """The smallest and largest number in a column (None, None when it holds none)."""
    plain = _numbers(values)
    if plain is not None:
        numbers, missing = plain
        if missing is not None and missing.any():
            numbers = numbers[~missing]
        return (None, None) if not len(numbers) else (float(numbers.min()), float(numbers.max()))
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        values = pd.to_numeric(values, errors="coerce")
    low, high = values.min(), values.max()
    return (None, None) if pd.isna(low) else (float(low), float(high))


def _check_ranges(data: TableData, report: ValidationReport) -> None:
    schema = TABLES[data.name]
    frame = data.frame
    for col in schema.columns:
        # Years are checked once, against the sane range, in validate_tables.
        if col.name not in frame.columns or col.kind not in ("int", "float", "fraction"):
            continue
        low_end, high_end = _extremes(frame[col.name])  # two quick passes; masks only when needed
        if low_end is None or ((col.min is None or low_end > col.min or (low_end == col.min
                                                                          and not col.min_exclusive))
                               and (col.max is None or high_end <= col.max)):
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


def _neighbours(values: pd.Series, last: bool) -> tuple[np.ndarray, np.ndarray | None] | None:
    """For each row after the first: is its value greater than the row before's, and (unless
    ``last``) equal to it. None when the column has a missing value or cannot be ordered."""
    array = values.array
    if isinstance(array, ArrowStringArray):
        a = array._pa_array
        if a.null_count:
            return None
        after, before = a[1:], a[:-1]
        greater = pc.greater(after, before).to_numpy(zero_copy_only=False)
        equal = None if last else pc.equal(after, before).to_numpy(zero_copy_only=False)
        return np.asarray(greater, dtype=bool), equal if equal is None else np.asarray(equal, dtype=bool)
    plain = _numbers(values)
    if plain is None or (plain[1] is not None and plain[1].any()):
        return None
    numbers = plain[0]
    return numbers[1:] > numbers[:-1], None if last else numbers[1:] == numbers[:-1]


def _key_order(frame: pd.DataFrame, key: list[str]) -> tuple[bool, np.ndarray | None]:
    """Whether the rows are sorted by ``key`` with no key repeated (then none is duplicated),
    and, when the first key column is at least sorted, its values as run numbers (codes).

    Exports are often sorted by their key, and a comparison of each row with the one
    before it costs far less than hashing every key. A missing value anywhere answers no.
    """
    if len(frame) < 2:
        return True, None
    ahead = level = runs = None  # rows greater than the row before them / equal so far
    for position, name in enumerate(key):
        last = position == len(key) - 1
        steps = _neighbours(frame[name], last and position > 0)
        if steps is None:
            return False, runs
        greater, equal = steps
        if ahead is None:
            ahead, level = greater, equal
            if equal is not None and (greater | equal).all():
                runs = np.concatenate([[0], np.cumsum(~equal, dtype=np.int64)])
        else:
            ahead = ahead | (level & greater)
            if not last:
                level = level & equal
        if ahead.all():
            return True, runs  # already strictly increasing: later columns cannot undo it
    return bool(ahead.all()), runs


def _codes(values: pd.Series) -> tuple[np.ndarray, int]:
    """Integer codes of a column's values (missing values share one) and how many there are.

    Arrow strings are dictionary-encoded by Arrow itself, which takes half the time of
    ``pandas.factorize`` on them (no Python object is made for the distinct values).
    """
    array = values.array
    if isinstance(array, ArrowStringArray):
        encoded = array._pa_array.dictionary_encode(null_encoding="encode")
        chunks = encoded.chunks
        if chunks:
            last = chunks[-1].dictionary
            # Arrow gives every chunk the one dictionary (the same buffers); anything else
            # is left to pandas.
            shared = [b.address if b is not None else None for b in last.buffers()]
            if all(len(c.dictionary) == len(last) and [b.address if b is not None else None
                                                      for b in c.dictionary.buffers()] == shared
                   for c in chunks[:-1]):
                codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
                return codes.astype(np.int64, copy=False), max(len(last), 1)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), max(len(uniques), 1)


def duplicated_rows(frame: pd.DataFrame, key: list[str], *, order=None) -> np.ndarray:
    """``frame.duplicated(subset=key, keep=False)`` as a boolean array, in a third of the time.

    Rows sorted by the key with no key repeated (``order``, from :func:`_key_order` when
    not given) have no duplicate at all. Otherwise each key column is factorized once
    (missing values count as one value, as pandas counts them; a sorted first column is
    coded by its runs) and the codes are combined into one integer per row; how often
    each integer occurs is then counted with ``numpy.bincount`` when the combinations are
    few enough to count, else by sorting (codes nearly in order) or hashing.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["A", "A", "B", None, None], "year": [1, 2, 1, 3, 3]})
    >>> duplicated_rows(frame, ["id", "year"]).tolist()
    [False, False, False, True, True]
    """
    strictly, runs = order if order is not None else _key_order(frame, key)
    if strictly:
        return np.zeros(len(frame), dtype=bool)
    combined = np.zeros(len(frame), dtype=np.int64)
    size = 1
    for position, name in enumerate(key):
        if position == 0 and runs is not None:
            codes, n = runs, int(runs[-1]) + 1  # sorted: each value is one run
        else:
            codes, n = _codes(frame[name])
        if size > 2**62 // n:  # pragma: no cover - needs billions of combinations
            return frame.duplicated(subset=key, keep=False).to_numpy()
        combined = combined * n + codes
        size *= n
    if size <= 4 * len(frame) + 1024:
        return np.bincount(combined, minlength=size)[combined] > 1
    if runs is not None:
        # Grouped by the first column, the combined codes are nearly in order already, which
        # a stable sort (Timsort) puts right in one quick pass; no neighbours equal, no repeat.
        ordered = np.sort(combined, kind="stable")
        if not (ordered[1:] == ordered[:-1]).any():
            return np.zeros(len(frame), dtype=bool)
    elif len(pd.unique(combined)) == len(combined):  # the usual answer, in half the time
        return np.zeros(len(frame), dtype=bool)
    return pd.Series(combined).duplicated(keep=False).to_numpy()


def _check_key(data: TableData, report: ValidationReport, runs: dict) -> None:
    """Report duplicated keys; note in ``runs`` the run numbers of a sorted first key column."""
    key = [k for k in TABLES[data.name].key if k in data.frame.columns]
    if not key:
        return
    order = _key_order(data.frame, key)
    if order[1] is not None:
        runs[(data.name, key[0])] = order[1]
    dup = duplicated_rows(data.frame, key, order=order)
    if dup.any():
        sample = data.frame.loc[dup, key].astype(str).agg(" / ".join, axis=1)
        report.error(data.name, f"duplicate {' + '.join(key)}: each must appear once", file=data.file,
                     column=key[0] if len(key) == 1 else " + ".join(key), rows=_rows(data, dup),
                     values=sample.tolist(), fix="remove or merge the duplicated rows")


def _heads(array: pa.ChunkedArray, runs: np.ndarray | None):
    """The first row of each run of a sorted column, when the runs are long enough to pay."""
    if runs is None or len(runs) != len(array) or (runs[-1] + 1) * 4 > len(array):
        return None
    return np.flatnonzero(np.diff(runs, prepend=-1))


def _isin(values: pd.Series, known, runs: np.ndarray | None = None) -> pd.Series:
    """``values.isin(known)`` (missing values are never found); for Arrow strings, in Arrow.

    pandas' ``isin`` on Arrow strings turns every known value into a Python object
    first: 20,000 partnership codes cost a fifth of a second per reference checked.
    """
    a = values.array
    if isinstance(a, ArrowStringArray):
        if isinstance(known, pd.Series) and isinstance(known.array, ArrowStringArray):
            value_set = known.array._pa_array.combine_chunks().cast(a._pa_array.type)
        else:
            value_set = pa.array([k for k in known if isinstance(k, str)], type=a._pa_array.type)
        heads = _heads(a._pa_array, runs)
        target = a._pa_array if heads is None else a._pa_array.take(heads)  # each value once
        hit = pc.fill_null(pc.is_in(target, value_set=value_set, skip_nulls=True), False)
        hit = hit.to_numpy(zero_copy_only=False)
        return pd.Series(hit if heads is None else hit[runs], index=values.index)
    known = set(known.dropna()) if isinstance(known, pd.Series) else set(known)
    return values.notna() & values.isin(known)


def _positions(values: pd.Series, known: pd.Series, runs: np.ndarray | None = None) -> np.ndarray:
    """For each value, the position of its first occurrence in ``known`` (-1 when absent)."""
    by_run = _run_positions(values, known, runs)
    if by_run is not None:
        return by_run[0][runs]
    a, b = values.array, known.array
    if isinstance(a, ArrowStringArray) and isinstance(b, ArrowStringArray):
        value_set = b._pa_array.combine_chunks().cast(a._pa_array.type)
        where = pc.fill_null(pc.index_in(a._pa_array, value_set=value_set, skip_nulls=True), -1)
        return where.to_numpy(zero_copy_only=False).astype(np.int64)
    first = known.reset_index(drop=True).dropna()
    first = first[~first.duplicated()]
    where = pd.Index(first.to_numpy()).get_indexer(values.to_numpy())
    return np.where(where >= 0, first.index.to_numpy()[where], -1)


def _run_positions(values: pd.Series, known: pd.Series, runs: np.ndarray | None):
    """:func:`_positions` of the first value of each run of a sorted column, with the runs'
    first rows; None when the column is not sorted, not Arrow strings, or its runs too short."""
    a, b = values.array, known.array
    if runs is None or not (isinstance(a, ArrowStringArray) and isinstance(b, ArrowStringArray)):
        return None
    heads = _heads(a._pa_array, runs)
    if heads is None:
        return None
    value_set = b._pa_array.combine_chunks().cast(a._pa_array.type)
    where = pc.fill_null(pc.index_in(a._pa_array.take(heads), value_set=value_set, skip_nulls=True), -1)
    return where.to_numpy(zero_copy_only=False).astype(np.int64), heads


def _outside_life(activity: pd.DataFrame, life: pd.DataFrame, runs: np.ndarray | None) -> np.ndarray:
    """Which activity rows fall before their partnership was established or after it was
    dissolved (a missing year on either side is not outside).

    When activity is sorted by partnership, each partnership's earliest and latest year are
    compared with its life first (one pass over the years, then one comparison per
    partnership); the rows are compared one by one only when some partnership is outside.
    """
    yrs = activity["year"]
    plain = _numbers(yrs) if not pd.api.types.is_bool_dtype(yrs) else None
    if plain is not None:
        years = plain[0].astype(float)
        if plain[1] is not None:
            years[plain[1]] = np.nan
    else:
        years = pd.to_numeric(yrs, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    ends = [np.append(pd.to_numeric(life[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan),
                      np.nan) for column in ("established", "dissolved") if column in life.columns]
    by_run = _run_positions(activity["partnership_id"], life["partnership_id"], runs)
    if by_run is not None:
        where, heads = by_run
        first, last = np.fmin.reduceat(years, heads), np.fmax.reduceat(years, heads)
        early = first < ends[0][where]
        if len(ends) > 1:
            early |= last > ends[1][where]
        if not early.any():
            return np.zeros(len(years), dtype=bool)
        where = where[runs]
    else:
        where = _positions(activity["partnership_id"], life["partnership_id"])
    outside = years < ends[0][where]
    if len(ends) > 1:
        outside |= years > ends[1][where]
    return outside


def _existing_files(root: str, paths) -> np.ndarray:
    """Whether each relative path (a list of text, or Arrow strings) names a file under ``root``.

    A folder that many paths point into is listed once (``os.scandir``) and the paths are
    looked up in the listing in Arrow, rather than asking the file system about every path:
    5,000 documents in one folder take a few milliseconds, not fifty. A path not in the
    listing as written is asked about directly, so a file system that ignores case
    (Windows, macOS) still finds it.
    """
    a = paths if isinstance(paths, (pa.Array, pa.ChunkedArray)) else pa.array(list(paths), type=pa.string())
    a = pc.fill_null(a, "")
    parts = pc.extract_regex(a, r"^(?P<folder>.*/)?(?P<name>[^/]*)$")  # every text matches
    folder, name = pc.struct_field(parts, "folder"), pc.struct_field(parts, "name")
    found = np.zeros(len(a), dtype=bool)
    counts = pc.value_counts(folder)
    for where, count in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True):
        if count < 50 or "\\" in where:
            continue
        try:
            with os.scandir(os.path.join(root, where)) as entries:
                files = [e.name for e in entries if e.is_file()]  # follows links, as isfile does
        except OSError:
            continue
        hit = pc.and_(pc.equal(folder, where), pc.is_in(name, value_set=pa.array(files, type=pa.string())))
        found |= hit.to_numpy(zero_copy_only=False)
    missing = np.flatnonzero(~found)
    if len(missing):
        text = a.to_pylist()
        found[missing] = [bool(text[i]) and os.path.isfile(os.path.join(root, text[i])) for i in missing]
    return found


def _check_reference(data, column, target, target_col, tables, report, runs=None) -> None:
    if column not in data.frame.columns or target not in tables:
        return
    values = data.frame[column]
    found = _isin(values, tables[target].frame[target_col], runs)
    bad = ~found.to_numpy() & values.notna().to_numpy()
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


#: The reference tables: every reference points into one of them, so once they are read
#: every other table can be checked on its own, while the rest are still being read.
REFERENCE_TABLES = ("councils", "partnerships")

#: Sections of the report after the readers' problems, in the order they are reported.
_SECTIONS = ("required", "table", "years", "dissolved", "life", "evidence", "finance", "county",
             "deflators", "documents")


def check_table(data: TableData, tables: dict[str, TableData], *, runs: dict, base: Path | None = None,
                indicators: dict[str, str] | None = None) -> dict[str, ValidationReport]:
    """Every check of one table that needs no table but itself and the reference tables.

    Returns the problems by report section (see :data:`_SECTIONS`): the table's own ranges,
    key and references; its years; and the check across tables that this table completes
    (activity within its partnership's life, evidence indicators, councils without finance,
    documents on disk) when the other table is a reference table already in ``tables``.
    ``runs`` collects the run numbers of sorted first key columns (shared, one key per table).
    """
    parts: dict[str, ValidationReport] = {}
    found = parts["table"] = ValidationReport()
    _check_ranges(data, found)
    _check_key(data, found, runs)
    for column, target, target_col in TABLES[data.name].references:
        _check_reference(data, column, target, target_col, tables, found, runs.get((data.name, column)))
    _check_years(data, parts.setdefault("years", ValidationReport()))
    name = data.name
    if name == "activity" and "partnerships" in tables:
        _check_life(data, tables["partnerships"], runs, parts.setdefault("life", ValidationReport()))
    elif name == "evidence":
        _check_indicators(data, INDICATOR_OPTIONS if indicators is None else indicators,
                          parts.setdefault("evidence", ValidationReport()))
    elif name == "finance" and "councils" in tables:
        _check_councils_finance(tables["councils"], data, parts.setdefault("finance", ValidationReport()))
    elif name == "documents":
        _check_documents(data, base, parts.setdefault("documents", ValidationReport()))
    return parts


def finish_validation(tables: dict[str, TableData], parts: list[dict[str, ValidationReport]], *,
                      report: ValidationReport, unreadable=()) -> ValidationReport:
    """Add the problems of :func:`check_table` (one dict per table, in the tables' order) to
    ``report``, with the checks that need several tables, every section in its place."""
    sections: dict[str, list[ValidationReport]] = {name: [] for name in _SECTIONS}
    required = ValidationReport()
    for name in ("councils", "partnerships"):
        if name not in tables and name not in unreadable:
            required.error(name, f"the required table '{name}' is missing",
                           fix=f"add {name}.csv (or .xlsx/.parquet) to the dataset folder, "
                           f"or map a file onto it in dataset.yml")
    sections["required"].append(required)
    for part in parts:
        for section, found in part.items():
            sections[section].append(found)
    part = tables.get("partnerships")
    if part is not None:
        sections["dissolved"].append(_check_dissolved(part, ValidationReport()))
    councils = tables.get("councils")
    if councils is not None:
        sections["county"].append(_check_county(councils, ValidationReport()))
    if "deflators" in tables and "finance" in tables:
        sections["deflators"].append(_check_deflators(tables["deflators"], tables["finance"], ValidationReport()))
    for name in _SECTIONS:
        for found in sections[name]:
            report.extend(found)
    return report


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
    runs: dict[tuple[str, str], np.ndarray] = {}  # sorted first key columns, as run numbers
    checked = [data for data in tables.values() if data.name in TABLES]

    def check(data: TableData) -> dict[str, ValidationReport]:
        return check_table(data, tables, runs=runs, base=base, indicators=indicators)

    # The tables are checked side by side when they are large (Arrow and numpy let go of
    # the interpreter while they work); their problems are reported in the tables' order.
    workers = min(2, os.cpu_count() or 1)
    if workers > 1 and sum(len(data.frame) for data in checked) >= _PARALLEL_ROWS:
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(check, checked))
    else:
        parts = [check(data) for data in checked]
    return finish_validation(tables, parts, report=report, unreadable=unreadable)


def _check_years(data: TableData, report: ValidationReport) -> ValidationReport:
    for col in (c.name for c in TABLES[data.name].columns if c.kind == "year" and c.name in data.frame.columns):
        low_end, high_end = _extremes(data.frame[col])
        if low_end is None or (low_end >= YEAR_MIN and high_end <= YEAR_MAX):
            continue
        values = pd.to_numeric(data.frame[col], errors="coerce")
        odd = (values < YEAR_MIN) | (values > YEAR_MAX)
        if odd.any():
            report.error(data.name, f"year outside {YEAR_MIN}-{YEAR_MAX}", file=data.file, column=col,
                         rows=_rows(data, odd), values=values[odd].tolist(), fix="correct the year")
    return report


def _check_dissolved(part: TableData, report: ValidationReport) -> ValidationReport:
    if "dissolved" in part.frame.columns:
        est = pd.to_numeric(part.frame["established"], errors="coerce")
        dis = pd.to_numeric(part.frame["dissolved"], errors="coerce")
        bad = (dis < est).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            report.error("partnerships", "dissolved before it was established", file=part.file,
                         column="dissolved", rows=_rows(part, bad), values=dis[bad].tolist(),
                         fix="check both years; 'dissolved' must not be earlier than 'established'")
    return report


def _check_life(act: TableData, part: TableData, runs: dict, report: ValidationReport) -> ValidationReport:
    outside = _outside_life(act.frame, part.frame, runs.get(("activity", "partnership_id")))
    if outside.any():
        yrs = act.frame["year"]
        if not pd.api.types.is_numeric_dtype(yrs) or pd.api.types.is_bool_dtype(yrs):
            yrs = pd.to_numeric(yrs, errors="coerce")
        report.warning("activity", "activity recorded outside the partnership's life "
                       "(before it was established or after it was dissolved)", file=act.file,
                       column="year", rows=_rows(act, outside), values=yrs[outside].tolist(),
                       fix="check the years in activity and partnerships")
    return report


def _check_indicators(ev: TableData, indicators, report: ValidationReport) -> ValidationReport:
    unknown = ev.frame["indicator"].notna().to_numpy() & ~_isin(ev.frame["indicator"], list(indicators)).to_numpy()
    if unknown.any():
        names = sorted(ev.frame.loc[unknown, "indicator"].astype(str).unique())
        report.warning("evidence", f"{len(names)} indicator(s) not in the codebook were kept but bear on "
                       f"no option: {', '.join(names[:10])}{' ...' if len(names) > 10 else ''}",
                       file=ev.file, column="indicator", rows=_rows(ev, unknown),
                       fix="add them to the codebook's indicators (see docs/coding.md), "
                       "or correct their spelling")
    return report


def _check_councils_finance(councils: TableData, fin: TableData, report: ValidationReport) -> ValidationReport:
    without = ~_isin(councils.frame["council_code"], fin.frame["council_code"])
    if without.any():
        report.warning("councils", f"{int(without.sum())} council(s) have no finance rows",
                       file=councils.file, column="council_code", rows=_rows(councils, without),
                       values=councils.frame.loc[without, "council_code"].tolist())
    return report


def _check_county(councils: TableData, report: ValidationReport) -> ValidationReport:
    cc = councils.frame
    if "county_code" in cc.columns:
        counties = set(cc.loc[cc["tier"] == "county", "council_code"])
        bad = (cc["county_code"].notna() & ~cc["county_code"].isin(counties)).to_numpy()
        if bad.any():
            report.error("councils", "county_code does not name a council of tier 'county'",
                         file=councils.file, column="county_code", rows=_rows(councils, bad),
                         values=cc.loc[bad, "county_code"].tolist(),
                         fix="give the code of the district's county, or leave it empty")
    return report


def _check_deflators(defl: TableData, fin: TableData, report: ValidationReport) -> ValidationReport:
    missing = np.setdiff1d(fin.frame["year"].dropna().to_numpy(dtype=np.int64),
                           defl.frame["year"].dropna().to_numpy(dtype=np.int64)).tolist()
    if missing:
        report.warning("deflators", f"no deflator for finance year(s) {', '.join(map(str, missing))}; "
                       "real-terms figures cannot be computed for them", file=defl.file, column="year")
    return report


def _check_documents(docs: TableData, base: Path | None, report: ValidationReport) -> ValidationReport:
    paths = docs.frame["path"].astype("string")
    a = pc.fill_null(pa.array(paths.array), "")  # Arrow strings (the column's own, when it is of them)
    suspect = pc.match_substring_regex(a, r"\.\.|^[/\\]|^[A-Za-z]:|^~").to_numpy(zero_copy_only=False)
    escapes = np.zeros(len(paths), dtype=bool)
    if suspect.any():
        escapes[suspect] = [_path_escapes(p) for p in a.filter(pa.array(suspect)).to_pylist()]
    if escapes.any():
        report.error("documents", "path leaves the dataset folder (absolute or with '..')",
                     file=docs.file, column="path", rows=_rows(docs, escapes),
                     values=paths[escapes].tolist(),
                     fix="give paths relative to the dataset folder, such as documents/minutes-2011.txt")
    if base is not None:
        listed = pc.if_else(pa.array(escapes), "", a) if escapes.any() else a  # never look outside the folder
        exists = escapes | _existing_files(os.fspath(base), listed)
        if (~exists).any():
            report.warning("documents", "document file not found; it will be reported and skipped",
                           file=docs.file, column="path", rows=_rows(docs, ~exists),
                           values=paths[~exists].tolist())
    return report
