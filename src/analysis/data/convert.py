"""Converting the cells of one column to its kind, recording every cell that cannot be read.

The last of the reading steps of :mod:`analysis.data.readers`: :func:`convert_column` turns a
column of text (CSV, Excel) or of stored values (Parquet) into the column's kind (code, text,
category, year, date or number). Suppression markers (``..``, ``[c]``, ``N/A`` ...) and Excel
error values become missing and are reported; ``£``, ``%``, thousands separators and stray
spaces are removed; financial years written ``2010-11``, ``2010/11`` or ``2010-2011`` become
2010 (:func:`parse_years`); codes are normalised (Unicode NFKC, invisible characters removed)
and upper-cased where the schema asks; categories are mapped through known aliases. Every
cell that cannot be read is recorded with its spreadsheet row number; nothing is silently
turned into zero.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import numpy as np
import pandas as pd

from analysis.data.problems import ValidationReport
from analysis.data.schema import EXCEL_ERRORS, MISSING_MARKERS, Column

__all__ = ["NUMERIC_KINDS", "cells_as_text", "convert_column", "parse_years"]

#: The type of pandas' own text columns, in which text is handled and returned: ``str``
#: (missing as NaN) on pandas 3, ``object`` on pandas 2.
_STR = pd.Series([], dtype="str").dtype

#: How councils and releases write the schema's categories (after lower case and ``_`` for spaces).
_CATEGORY_ALIASES = {
    "london": "london_borough",
    "london_boroughs": "london_borough",
    "metropolitan_borough": "metropolitan",
    "metropolitan_district": "metropolitan",
    "met_district": "metropolitan",
    "md": "metropolitan",
    "lb": "london_borough",
    "ua": "unitary",
    "unitary_authority": "unitary",
    "county_council": "county",
    "shire_county": "county",
    "sc": "county",
    "shire_district": "district",
    "non_metropolitan_district": "district",
    "sd": "district",
    "health_and_wellbeing_board": "health_wellbeing_board",
    "health_and_well_being_board": "health_wellbeing_board",
    "hwb": "health_wellbeing_board",
    "local_enterprise_partnership": "lep",
    "community_safety_partnership": "community_safety",
    "csp": "community_safety",
    "local_strategic_partnership": "strategic_partnership",
    "lsp": "strategic_partnership",
    "shared_services": "shared_service",
    "ca": "combined_authority",
    "local_authority": "local_government",
    "council": "local_government",
    "nhs": "health",
    "voluntary_and_community": "voluntary",
    "vcs": "voluntary",
    "third_sector": "voluntary",
    "private": "business",
    "private_sector": "business",
}
#: Missing-value markers of numeric columns, in lower case.
_MARKERS = {m.lower() for m in MISSING_MARKERS}
#: Markers also recognised in text columns (where a lone "x" or "-" may be a real value).
_TEXT_MARKERS = {"..", "...", "…", "[c]", "[x]", "[z]", "[u]", "[w]", "[low]", "[d]", "n/a", "#n/a",
                 "not available", "not applicable"}
_EXCEL_ERRORS = {e.lower() for e in EXCEL_ERRORS}
_YEAR_RE = re.compile(r"^\s*(?:fy\s*)?(\d{4})(?:\s*[-/–]\s*(\d{2}|\d{4}))?\s*$", re.IGNORECASE)
#: The largest whole number a float holds exactly; counts and years beyond it are refused.
_LARGEST_WHOLE = 2**53
NUMERIC_KINDS = ("int", "float", "fraction", "year")


def convert_column(
    values: pd.Series,
    col: Column,
    *,
    table: str,
    file: str,
    rows: np.ndarray,
    report: ValidationReport,
    extra_markers: frozenset[str] = frozenset(),
    failed: list | None = None,
) -> pd.Series:
    """Convert one column to its kind, recording every cell that could not be read.

    ``values`` are text (CSV, Excel) or numbers as stored (Parquet). Numbers of a numeric
    kind are checked as they are (finite; whole for counts and years). Anything else is
    handled as text: trimmed; Excel error values and missing-value markers read as
    missing and reported; then parsed according to ``col.kind``. ``failed``, when given,
    collects boolean masks of the cells reported as unreadable (so that they are not
    reported as "missing" as well).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis.data.schema import Column
    >>> report = ValidationReport()
    >>> col = Column("spend", "float", "Spending.")
    >>> convert_column(pd.Series(["£1,200", "..", "3.5"]), col, table="t", file="t.csv",
    ...                rows=np.array([2, 3, 4]), report=report).tolist()
    [1200.0, nan, 3.5]
    >>> [p.rows for p in report.problems]
    [[3]]
    """
    failed = [] if failed is None else failed
    context = dict(table=table, file=file, col=col, rows=rows, report=report, failed=failed, values=values)
    if col.kind in NUMERIC_KINDS and pd.api.types.is_numeric_dtype(values) \
            and not pd.api.types.is_bool_dtype(values):
        return _numbers_to_kind(values.astype(float), context)
    text = cells_as_text(values).str.strip()
    text = text.mask(text == "")
    lowered = text.str.lower()
    errors = lowered.isin(_EXCEL_ERRORS).to_numpy(dtype=bool)
    if errors.any():
        severity = "error" if col.required and not col.nullable else "warning"
        report.add(severity, table, "cell holds an Excel error value and was read as missing",
                   file=file, column=col.name, rows=rows[errors].tolist(), values=text[errors].tolist(),
                   fix="correct the formula in the workbook or clear the cell")
        if severity == "error":
            failed.append(errors)  # reported; not "missing" as well
        text = text.mask(errors)
    known = _TEXT_MARKERS if col.kind in ("code", "text", "category") else _MARKERS
    markers = lowered.isin(known | set(extra_markers)).to_numpy(dtype=bool) & ~errors
    if markers.any():
        counts = text[markers].value_counts()
        detail = ", ".join(f"'{k}' x{v}" for k, v in counts.items())
        report.warning(table, f"{int(markers.sum())} cell(s) held missing or suppression markers ({detail}) "
                       f"and were read as missing, not zero", file=file, column=col.name,
                       rows=rows[markers].tolist())
        text = text.mask(markers)
    if col.kind == "code":
        return _as_str(_codes(text, context))
    if col.kind == "text":
        if _has_loose_space(text):
            text = text.str.replace(r"\s+", " ", regex=True)
        return _as_str(text)
    if col.kind == "category":
        return _as_str(_categories(text, context))
    if col.kind == "year":
        out, bad = parse_years(text)
        _record_bad(context, bad, "is not a year",
                    "write the year as 2010 or as a financial year such as 2010-11 (its start year is used)")
        return out
    if col.kind == "date":
        out, bad = _to_dates(text)
        _record_bad(context, bad, "is not a date", "write dates as 2011-03-31 or 31/03/2011")
        return out
    numbers, bad = _to_number(text, percent=col.kind == "fraction")
    _record_bad(context, bad, "is not a number",
                "write a plain number with a point for decimals (12.5, not 12,5); £, %, "
                "thousands separators (1,234) and spaces are understood")
    return _numbers_to_kind(numbers, context)


def _numbers_to_kind(numbers: pd.Series, context: dict) -> pd.Series:
    """Floats (missing as NaN) checked for the column's kind: finite; whole and within
    the range a float holds exactly for counts and years (as nullable integers)."""
    kind = context["col"].kind
    infinite = np.isinf(numbers).to_numpy(dtype=bool)
    _record_bad({**context, "values": numbers}, infinite, "is not a number", "write a plain, finite number")
    numbers = numbers.mask(infinite)
    if kind not in ("int", "year"):
        return numbers
    fraction = (numbers.notna() & (numbers != np.floor(numbers))).to_numpy(dtype=bool)
    if kind == "year":
        _record_bad(context, fraction, "is not a year",
                    "write the year as 2010 or as a financial year such as 2010-11")
    else:
        _record_bad(context, fraction, "is not a whole number", "counts must be whole numbers")
    huge = (numbers.abs() > _LARGEST_WHOLE).to_numpy(dtype=bool) & ~fraction
    _record_bad(context, huge, f"is too large (more than {_LARGEST_WHOLE:,})",
                "correct the value; the toolkit reads whole numbers up to that size")
    return numbers.mask(fraction | huge).astype("Int64")


def _codes(text: pd.Series, context: dict) -> pd.Series:
    """Codes normalised so that one code is always written one way: Unicode NFKC (full-width
    and other look-alike characters as plain ones), invisible characters (zero-width
    spaces, byte-order marks, direction marks, soft hyphens, control characters) removed,
    and upper case where the schema asks; cells that changed other than in case are
    reported as a warning with their original values."""
    unusual = text.str.contains(r"[^ -~]", regex=True, na=False).to_numpy(dtype=bool)
    if unusual.any():
        before = text[unusual]
        after = pd.Series([_plain_code(v) for v in before], index=before.index, dtype=_STR)
        changed = unusual.copy()
        changed[unusual] = (after != before).to_numpy(dtype=bool)
        if changed.any():
            context["report"].warning(
                context["table"], f"{int(changed.sum())} code(s) held invisible or look-alike characters "
                "(such as a zero-width space or full-width letters); they were normalised to plain "
                "characters", file=context["file"], column=context["col"].name,
                rows=context["rows"][changed].tolist(), values=context["values"][changed].tolist(),
                fix="retype the codes, or paste them as plain text")
        text = text.copy()
        text[unusual] = after.mask(after == "")
    return text.str.upper() if context["col"].upper else text


def _has_loose_space(text: pd.Series) -> bool:
    """Whether a cell holds a run of spaces, a tab or a line break (to be made one space).

    One pass finds the cells that may (two spaces, a tab or line break, or any character
    that is not plain ASCII); Python's regular expression, which knows non-breaking and
    other Unicode spaces, then looks at those cells only.
    """
    maybe = text.str.contains(r"  |[\t\n\r]|[^ -~]", regex=True, na=False).to_numpy(dtype=bool)
    return bool(maybe.any()) and any(re.search(r"\s\s|[\t\n\r]", v) for v in text[maybe])


def _plain_code(value: str) -> str:
    """One code in Unicode NFKC with format and control characters removed."""
    text = unicodedata.normalize("NFKC", value)
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc")).strip()


def _categories(text: pd.Series, context: dict) -> pd.Series:
    """Category values normalised (:func:`_normalise_category`) and checked against the choices."""
    col = context["col"]
    text = _normalise_category(text)
    bad = (text.notna() & ~text.isin(col.choices)).to_numpy(dtype=bool)
    if bad.any():
        suggestions = _suggest(text[bad].unique().tolist(), col.choices)
        _record_bad(context, bad, f"is not one of the allowed values ({', '.join(col.choices)})",
                    suggestions or f"use one of: {', '.join(col.choices)}")
        text = text.mask(bad)
    return text


def _normalise_category(text: pd.Series) -> pd.Series:
    """Lower case, runs of spaces/dashes/slashes as ``_``, known aliases mapped.

    Works on the distinct values only (a category column has a handful), so it costs
    the same for ten rows as for a million.
    """
    codes, uniques = pd.factorize(text)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype=_STR)
    norm = u.str.strip().str.lower().str.replace(r"[\s\-/&]+", "_", regex=True)
    norm = norm.str.replace(r"_+", "_", regex=True).str.strip("_")
    mapped = np.array([_CATEGORY_ALIASES.get(v, v) for v in norm.tolist()] + [None], dtype=object)
    return pd.Series(mapped[codes], index=text.index, dtype=_STR)


def cells_as_text(values: pd.Series) -> pd.Series:
    """Cells as text in pandas' own text type (numbers as their digits), missing cells missing."""
    if values.dtype == _STR and _STR != np.dtype(object):
        return values
    return values.astype(str).where(values.notna().to_numpy(), np.nan)


def _as_str(text: pd.Series) -> pd.Series:
    """Text in pandas' own text type, missing cells as NaN (``str`` on pandas 3; on
    pandas 2, ``object``)."""
    out = text.astype(_STR)
    return out if _STR != np.dtype(object) else out.where(text.notna(), np.nan)


def parse_years(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse years written as ``2010``, ``2010-11``, ``2010/11``, ``2010-2011`` or ``2010.0``.

    Returns the years (nullable integers) and a boolean mask of the cells that held
    something that is not a year (including ``2010-12``, where the second year does not
    follow the first).

    Examples
    --------
    >>> import pandas as pd
    >>> years, bad = parse_years(pd.Series(["2010-11", "2011/12", "2012-2013", "2014", "14/15"]))
    >>> years.tolist(), bad.tolist()
    ([2010, 2011, 2012, 2014, <NA>], [False, False, False, False, True])
    """
    text = cells_as_text(values)
    numeric = pd.to_numeric(text, errors="coerce").astype(float)
    whole = (numeric.notna() & (numeric == np.floor(numeric)) & (numeric.abs() <= _LARGEST_WHOLE))
    out = numeric.where(whole)
    rest = (text.notna() & ~whole).to_numpy(dtype=bool)
    bad = pd.Series(False, index=values.index)
    if rest.any():
        parts = text[rest].str.extract(_YEAR_RE)
        first = pd.to_numeric(parts[0], errors="coerce")
        second = pd.to_numeric(parts[1], errors="coerce")
        width = parts[1].str.len()
        follows = ((width == 2) & (second == (first + 1) % 100)) | ((width == 4) & (second == first + 1))
        ok = (first.notna() & (parts[1].isna() | follows)).fillna(False).to_numpy(dtype=bool)
        out[rest] = first.where(ok).to_numpy(dtype=float)
        bad[rest] = ~ok
    return out.astype("Int64"), bad


def _to_number(text: pd.Series, *, percent: bool = False) -> tuple[pd.Series, np.ndarray]:
    """Numbers from text with £, %, thousands separators, spaces and (1,234) negatives.

    Returns the values as floats (``%`` divided by 100 when ``percent``; 'inf' stays
    infinite, for the caller to refuse) and a mask of the filled cells that were not numbers.
    """
    numeric = pd.to_numeric(text, errors="coerce").astype(float)
    rest = (text.notna() & numeric.isna()).to_numpy(dtype=bool)
    if rest.any():
        sub = text[rest].str.strip()
        pct = sub.str.endswith("%").to_numpy(dtype=bool)
        negative = sub.str.match(r"^\(.*\)$").to_numpy(dtype=bool)
        cleaned = (
            sub.str.replace(r"[£$€%\s\u00a0\u202f]", "", regex=True)
            .str.replace(r"^\((.*)\)$", r"\1", regex=True)
            .str.replace(r"^[–—−]", "-", regex=True)
        )
        # Commas only as thousands separators (1,234,567.5): '12,5' is a decimal comma, not 125.
        commas = cleaned.str.contains(",", regex=False)
        grouped = cleaned.str.fullmatch(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
        cleaned = cleaned.str.replace(",", "", regex=False).where(~commas | grouped, "not a number")
        num = pd.to_numeric(cleaned, errors="coerce").astype(float).to_numpy()
        num = np.where(negative, -num, num)
        if percent:
            num = np.where(pct, num / 100, num)
        numeric[rest] = num
    bad = (text.notna() & numeric.isna()).to_numpy(dtype=bool)
    return numeric, bad


def _to_dates(text: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Dates as ISO, UK dd/mm/yyyy or Excel serial numbers (days since 1899-12-30)."""
    iso = pd.to_datetime(text, errors="coerce", format="ISO8601")
    rest = (text.notna() & iso.isna()).to_numpy(dtype=bool)
    if rest.any():
        sub = text[rest].str.strip()
        uk = pd.to_datetime(sub, errors="coerce", dayfirst=True, format="mixed")
        serial = pd.to_numeric(sub, errors="coerce")
        serial_ok = serial.between(1, 80000) & uk.isna()
        uk[serial_ok] = pd.to_datetime(serial[serial_ok], unit="D", origin="1899-12-30")
        iso[rest] = uk
    bad = (text.notna() & iso.isna()).to_numpy(dtype=bool)
    return iso, bad


def _suggest(bad_values: list, choices) -> str:
    hints = []
    for v in bad_values[:5]:
        close = difflib.get_close_matches(str(v), choices, n=1, cutoff=0.6)
        if close:
            hints.append(f"'{v}' -> '{close[0]}'")
    return ("did you mean " + ", ".join(hints) + "?") if hints else ""


def _record_bad(context: dict, bad: np.ndarray, problem: str, fix: str) -> None:
    """Report the cells of ``bad`` as an error (with their values as written) and note them
    as failed."""
    bad = np.asarray(bad, dtype=bool)
    if not bad.any():
        return
    context["failed"].append(bad)
    context["report"].error(context["table"], problem, file=context["file"], column=context["col"].name,
                            rows=context["rows"][bad].tolist(), values=context["values"][bad].tolist(),
                            fix=fix)
