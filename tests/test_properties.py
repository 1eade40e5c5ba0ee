"""Property-based tests (hypothesis) of the readers and validation (issue 6).

1. Any table that reads cleanly survives a round trip through CSV, XLSX and Parquet
   unchanged: what the readers make of a file is what they make of it written back out.
2. No generated input crashes the readers or the validator: whatever the bytes, the
   outcome is a table or a report (or an ``InputError``), never another exception.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.data import readers
from analysis.data.problems import ValidationReport
from analysis.data.readers import read_table
from analysis.data.schema import (
    MISSING_MARKERS,
    PARTNERSHIP_TYPES,
    ROLES,
    SECTORS,
    TABLES,
    TIERS,
    Column,
)
from analysis.data.validate import duplicated_rows, validate_tables
from analysis.errors import InputError

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]
# Modest counts keep the file well under 30 s; derandomized so a failure reproduces.
ROUND_TRIP = settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=_HEALTH)
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=_HEALTH)

_WORD = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéôñ'&()."),
                min_size=1, max_size=10)
_NAME = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)
_CODE = st.from_regex(r"[A-Z]{1,3}[0-9]{1,5}", fullmatch=True)
_MARKERS = {m.lower() for m in MISSING_MARKERS}


def _name_ok(text: str) -> bool:
    return text.strip().lower() not in _MARKERS and not text.startswith(("=", "+", "-", "@"))


@st.composite
def councils_frames(draw):
    n = draw(st.integers(1, 12))
    codes = draw(st.lists(_CODE, min_size=n, max_size=n, unique=True))
    return pd.DataFrame({
        "council_code": codes,
        "council_name": draw(st.lists(_NAME.filter(_name_ok), min_size=n, max_size=n)),
        "tier": draw(st.lists(st.sampled_from(TIERS), min_size=n, max_size=n)),
        "region": draw(st.lists(_NAME.filter(_name_ok), min_size=n, max_size=n)),
        "population": draw(st.lists(st.one_of(st.none(), st.integers(1, 10_000_000)), min_size=n, max_size=n)),
        "deprivation": draw(st.lists(st.one_of(st.none(), st.floats(-50, 100, allow_nan=False)),
                                     min_size=n, max_size=n)),
    })


@st.composite
def activity_frames(draw):
    n = draw(st.integers(1, 15))
    keys = draw(st.lists(st.tuples(_CODE, st.integers(1990, 2040)), min_size=n, max_size=n, unique=True))
    frac = st.one_of(st.none(), st.floats(0, 1, allow_nan=False))
    count = st.one_of(st.none(), st.integers(0, 100_000))
    return pd.DataFrame({
        "partnership_id": [k[0] for k in keys],
        "year": [k[1] for k in keys],
        "meetings": draw(st.lists(st.integers(0, 500), min_size=n, max_size=n)),
        "attendance_rate": draw(st.lists(frac, min_size=n, max_size=n)),
        "outputs": draw(st.lists(count, min_size=n, max_size=n)),
        "joint_budget_gbp_m": draw(st.lists(st.one_of(st.none(), st.floats(0, 1e7, allow_nan=False)),
                                            min_size=n, max_size=n)),
    })


def _read(path: Path, table: str):
    report = ValidationReport()
    data = read_table(path, TABLES[table], report=report)
    return data, report


def _write(frame: pd.DataFrame, folder: Path, table: str, fmt: str) -> Path:
    path = folder / f"{table}.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "xlsx":
        frame.to_excel(path, index=False, engine="openpyxl")
    else:
        frame.to_parquet(path, index=False)
    return path


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    for col in a.columns:
        x, y = a[col], b[col]
        assert x.isna().tolist() == y.isna().tolist(), col
        xv, yv = x[x.notna()].tolist(), y[y.notna()].tolist()
        if pd.api.types.is_float_dtype(x):
            np.testing.assert_allclose(np.asarray(xv, float), np.asarray(yv, float), rtol=1e-12, err_msg=col)
        else:
            assert [str(v) for v in xv] == [str(v) for v in yv], col


@pytest.mark.parametrize("table,strategy", [("councils", councils_frames()), ("activity", activity_frames())])
def test_valid_tables_survive_csv_xlsx_parquet(table, strategy):
    @ROUND_TRIP
    @given(frame=strategy)
    def run(frame):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            first, report = _read(_write(frame, folder, table, "csv"), table)
            assert first is not None and report.ok, report.format()
            clean = first.frame
            for fmt in ("csv", "xlsx", "parquet"):
                sub = folder / fmt
                sub.mkdir()
                again, report2 = _read(_write(clean, sub, table, fmt), table)
                assert again is not None and report2.ok, (fmt, report2.format())
                _same(clean, again.frame)
                assert again.rows.tolist() == list(range(2, len(clean) + 2))

    run()


_CELL = st.one_of(
    st.sampled_from(list(MISSING_MARKERS) + ["#DIV/0!", "#REF!", "£1,234", "85%", "2010-11", "2010/2011",
                                              "(12)", "1e999", "inf", "nan", "12,5", "  ", '"', "=1+1",
                                              "31/02/2011", "40633", "0x10", "−5", "\u00a0", "P001", "XH001"]),
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=12),
)


@st.composite
def messy_csv(draw):
    table = draw(st.sampled_from(sorted(TABLES)))
    cols = list(TABLES[table].column_names)
    header = draw(st.permutations(cols + ["Notes", cols[0]]).map(lambda c: c[: draw(st.integers(1, len(c)))]))
    n = draw(st.integers(0, 8))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    lines = [sep.join(header)]
    for _ in range(n):
        cells = draw(st.lists(_CELL, min_size=0, max_size=len(header) + 2))
        lines.append(sep.join(c.replace("\n", " ").replace("\r", " ") for c in cells))
    prefix = draw(st.sampled_from(["", "Title line\n\n", "\ufeff"]))
    encoding = draw(st.sampled_from(["utf-8", "cp1252", "utf-16"]))
    text = prefix + "\n".join(lines) + "\n"
    return table, text.encode(encoding, errors="replace")


@SETTINGS
@given(case=messy_csv(), noise=st.binary(max_size=64))
def test_no_generated_input_crashes_the_validator(case, noise):
    table, payload = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tables = {}
        report = ValidationReport()
        for name, data in ((table, payload), ("partnerships" if table != "partnerships" else "councils",
                                              noise)):
            path = folder / f"{name}.csv"
            path.write_bytes(data)
            try:
                read = read_table(path, TABLES[name], report=report)
            except InputError:
                continue
            if read is not None:
                tables[name] = read
        validate_tables(tables, report=report, base=folder)
        report.format()
        report.to_frame()
        for problem in report.problems:
            assert problem.severity in ("error", "warning")
            assert all(isinstance(r, int) and r >= 1 for r in problem.rows)


def _assert_shortcut_agrees(values: pd.Series, col: Column) -> None:
    """The conversion with its shortcuts gives the values and problems of the cell-by-cell one."""
    rows = np.arange(2, 2 + len(values))
    report_fast, report_full = ValidationReport(), ValidationReport()
    fast = readers.convert_column(values, col, table="t", file="f", rows=rows, report=report_fast)
    full = readers._convert_cells(values, col, table="t", file="f", rows=rows, report=report_full, failed=[])
    pd.testing.assert_series_equal(fast, full, check_names=False)
    assert report_fast.to_frame().equals(report_full.to_frame())


# The shortcuts taken for clean columns must give what the cell-by-cell conversion gives,
# whatever the cells hold (spaces of every kind, markers, errors, case, accents).
_TEXT_CELL = st.one_of(
    st.text(alphabet=st.sampled_from("ab AB09-./#[]!\t\n\u00a0\u2003éÖ…"), max_size=8),
    st.sampled_from(["..", "[c]", "n/a", "#REF!", "#DIV/0!", "Not available", "not applicable", "Northern Link", "P1", "p1", " P1", ""]),
    st.none(),
)


@SETTINGS
@given(cells=st.lists(_TEXT_CELL, min_size=1, max_size=30), kind=st.sampled_from(["code", "text"]))
def test_clean_text_shortcuts_agree_with_the_full_conversion(cells, kind):
    col = Column("x", kind, "a column", nullable=True, upper=kind == "code")
    _assert_shortcut_agrees(pd.Series(cells, dtype="str"), col)


@SETTINGS
@given(cells=st.lists(st.one_of(st.sampled_from(SECTORS + ("Local Government", "nhs", "council", "x", ".."))
                                , st.none()), min_size=1, max_size=30))
def test_category_shortcut_agrees_with_the_full_conversion(cells):
    col = TABLES["memberships"].column("sector")
    values = pd.Series(cells, dtype="str")
    _assert_shortcut_agrees(values, col)


@SETTINGS
@given(rows=st.lists(st.tuples(st.sampled_from(["A", "B", "C", None]), st.sampled_from([1, 2, None]),
                               st.sampled_from([0.5, 1.0, None])), max_size=25),
       in_order=st.booleans())
def test_duplicated_rows_agrees_with_pandas(rows, in_order):
    frame = pd.DataFrame({"a": pd.Series([r[0] for r in rows], dtype="str"),
                          "b": pd.array([r[1] for r in rows], dtype="Int64"),
                          "c": pd.Series([r[2] for r in rows], dtype=float)})
    if in_order:
        frame = frame.sort_values(["a", "b", "c"]).reset_index(drop=True)
    for key in (["a"], ["a", "b"], ["a", "b", "c"], ["c"]):
        expected = frame.duplicated(subset=key, keep=False).to_numpy()
        assert duplicated_rows(frame, key).tolist() == expected.tolist()


_ = (PARTNERSHIP_TYPES, ROLES, SECTORS)


@SETTINGS
@given(numbers=st.lists(st.one_of(st.integers(-3000, 3000), st.sampled_from([0.5, 1999.0, float("nan"),
                                                                            float("inf"), 2.0**60])),
                        min_size=1, max_size=30),
       kind=st.sampled_from(["int", "year", "float", "fraction"]))
def test_number_shortcuts_agree_with_the_full_conversion(numbers, kind):
    col = Column("x", kind, "a column", nullable=True)
    as_read = pd.Series(numbers)  # int64 when every cell is whole, else float64 (as the parser reads)
    _assert_shortcut_agrees(as_read, col)


_DATE = st.one_of(st.dates(min_value=__import__("datetime").date(1990, 1, 1)).map(str),
                  st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
                  st.sampled_from([" 2011-03-31", "2011-03-31 ", "40633", "..", "#REF!", "", "2011-02-30",
                                   "2011-03-31T10:00:00", "31/03/2011", "not a date"]))


@SETTINGS
@given(cells=st.lists(st.one_of(_DATE, st.none()), min_size=1, max_size=30))
def test_date_shortcut_agrees_with_the_full_conversion(cells):
    col = TABLES["documents"].column("date")
    values = pd.Series(cells, dtype="str")
    _assert_shortcut_agrees(values, col)
