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

from analysis.data import convert, readers
from analysis.data.problems import ValidationReport
from analysis.data.readers import read_table
from analysis.data.schema import (
    MISSING_MARKERS,
    TABLES,
    TIERS,
    Column,
)
from analysis.data.validate import validate_tables
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


# Whatever the cells hold (spaces of every kind, markers, errors, case, accents, invisible
# characters), the conversion gives tidy text and reports every row it changed or dropped.
_TEXT_CELL = st.one_of(
    st.text(alphabet=st.sampled_from("ab AB09-./#[]!\t\n\u00a0\u2003\u200béÖ…\uff21"), max_size=8),
    st.sampled_from(["..", "[c]", "n/a", "#REF!", "#DIV/0!", "Not available", "not applicable", "Northern Link",
                     "P1", "p1", " P1", ""]),
    st.none(),
)


@SETTINGS
@given(cells=st.lists(_TEXT_CELL, min_size=1, max_size=30), kind=st.sampled_from(["code", "text"]))
def test_text_conversion_gives_tidy_text(cells, kind):
    col = Column("x", kind, "a column", nullable=True, upper=kind == "code")
    report = ValidationReport()
    out = readers.convert_column(pd.Series(cells, dtype=object), col, table="t", file="f",
                                 rows=np.arange(2, 2 + len(cells)), report=report)
    assert len(out) == len(cells)
    for value in out:
        if pd.isna(value):
            continue
        assert value == value.strip() and value
        assert value.lower() not in convert._TEXT_MARKERS | convert._EXCEL_ERRORS
        if kind == "code":
            assert value == value.upper() and "\u200b" not in value and "\uff21" not in value
        else:
            assert "  " not in value and "\t" not in value
    for problem in report.problems:
        assert problem.rows and all(2 <= r < 2 + len(cells) for r in problem.rows)


@SETTINGS
@given(numbers=st.lists(st.one_of(st.integers(-10**12, 10**12), st.none()), min_size=1, max_size=30),
       style=st.sampled_from(["plain", "thousands", "pounds"]))
def test_whole_numbers_written_any_way_come_back_exact(numbers, style):
    def write(n):
        if n is None:
            return ".."
        text = f"{n:,}" if style != "plain" else str(n)
        return f"£{text}" if style == "pounds" else text

    col = Column("x", "int", "a count", nullable=True)
    out = readers.convert_column(pd.Series([write(n) for n in numbers], dtype=object), col, table="t",
                                 file="f", rows=np.arange(2, 2 + len(numbers)), report=ValidationReport())
    assert [None if pd.isna(v) else int(v) for v in out] == numbers
