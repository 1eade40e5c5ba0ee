"""Reading tables as councils and statistical releases really export them.

:func:`read_table` opens one CSV, Excel or Parquet file, finds the header (which need
not be on the first row), maps the columns onto a schema, and converts every value to
its kind: suppression markers (``..``, ``[c]``, ``N/A`` ...) become missing and are
counted, ``£``, ``%``, thousands separators and stray spaces are removed, financial
years written ``2010-11``, ``2010/11`` or ``2010-2011`` become 2010, codes are trimmed
and upper-cased. Whatever cannot be read is recorded as a :class:`Problem` with the
spreadsheet row number; nothing is silently turned into zero.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import functools
import io
import os
import re
import threading
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

from analysis.data.problems import ValidationReport
from analysis.data.schema import EXCEL_ERRORS, MISSING_MARKERS, Column, Table

__all__ = [
    "SUFFIXES",
    "TableData",
    "normalise_name",
    "parse_years",
    "read_table",
]

#: File endings the readers understand, in order of preference.
SUFFIXES = (".csv", ".xlsx", ".xlsm", ".parquet", ".tsv", ".txt")

MAX_XLSX_UNCOMPRESSED = 400 * 1024**2  # bytes
#: Largest table file read (bytes); ``ANALYSIS_MAX_TABLE_MB`` in the environment overrides it.
MAX_TABLE_BYTES = 2 * 1024**3
_CHUNK = 1 << 20
#: ``warnings.catch_warnings`` changes the whole process's warning state, so the parses that
#: listen for the parser's warnings (rows wider than the header) take turns when tables are
#: read in several threads; everything else a reader does runs side by side.
_PARSE_LOCK = threading.Lock()
MAX_XLSX_RATIO = 200
_HEADER_SCAN_ROWS = 40

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


@dataclass
class TableData:
    """A table as read from a file, before cross-table validation.

    ``rows`` holds, for each row of ``frame``, its row number as a spreadsheet user
    counts rows in the file, so problems can be reported where the user will look.
    """

    name: str
    frame: pd.DataFrame
    file: str
    rows: np.ndarray
    sheet: str | None = None
    extra_columns: list[str] = field(default_factory=list)


def normalise_name(name: object) -> str:
    """Normalise a column header: trimmed, lower case, runs of other characters as ``_``.

    Examples
    --------
    >>> normalise_name("\\ufeff Council Code ")
    'council_code'
    >>> normalise_name("Spending power (£m)")
    'spending_power_m'
    """
    return _normalise_text(name) if isinstance(name, str) else _normalise_text(str(name))


@functools.lru_cache(maxsize=4096)
def _normalise_text(name: str) -> str:
    """:func:`normalise_name` of a string (headers repeat, so the answers are kept)."""
    text = name.replace("\ufeff", "").strip().lower()
    text = text.replace("£", "")
    text = re.sub(r"[^0-9a-z]+", "_", text)
    return text.strip("_")


def _normalise_names(values: pd.Series) -> pd.Series:
    """:func:`normalise_name` for a whole column at once (vectorised; missing cells give False
    in comparisons)."""
    text = values.astype("string")
    text = text.str.replace("\ufeff", "", regex=False).str.strip().str.lower().str.replace("£", "", regex=False)
    text = text.str.replace(r"[^0-9a-z]+", "_", regex=True).str.strip("_")
    return text.fillna("\0")


def _header_repeats(values: pd.Series, head: str) -> np.ndarray:
    """Which ``values`` normalise to the header name ``head`` (a header repeated in the data).

    Only values holding the header's first word (in any case) can; the others, usually
    all of them, are not normalised at all.
    """
    word = head.split("_")[0]
    if not word:
        return (_normalise_names(values) == head).to_numpy(dtype=bool)
    hit = np.zeros(len(values), dtype=bool)
    array = values.array
    if isinstance(array, ArrowStringArray):
        # A cell shorter (in bytes) than the word cannot hold it: codes such as Q000001
        # under a header "Partnership ID" are all ruled out by one look at their lengths.
        lengths = pc.binary_length(array._pa_array)
        longest = pc.max(lengths).as_py()
        if longest is None or longest < len(word):
            return hit
        long = pc.fill_null(pc.greater_equal(lengths, len(word)), False)
        candidates = np.flatnonzero(long.to_numpy(zero_copy_only=False))
        if not len(candidates):
            return hit
        values = values.iloc[candidates]
    else:
        candidates = np.arange(len(values))
    text = values.astype("string")
    maybe = text.str.lower().str.contains(word, regex=False).fillna(False).to_numpy(dtype=bool)
    if maybe.any():
        hit[candidates[maybe]] = (_normalise_names(values[maybe]) == head).to_numpy(dtype=bool)
    return hit


# ----------------------------------------------------------------------------- raw files


def _sniff_kind(path: Path, head: bytes) -> str:
    """What the file really is, from its first bytes: 'zip', 'parquet', 'ole', 'binary' or 'text'."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def _expected_names(schema: Table | None, column_map: dict[str, str]) -> dict[str, str]:
    """Map every accepted (normalised) header spelling onto the schema's column name."""
    names: dict[str, str] = {}
    if schema is None:
        return names
    for col in schema.columns:
        for alias in col.aliases:
            names.setdefault(normalise_name(alias), col.name)
    for col in schema.columns:
        names[col.name] = col.name
    for ours, theirs in column_map.items():
        names[normalise_name(theirs)] = ours
    return names


def _header_score(cells: list, expected: dict[str, str]) -> int:
    found = {expected.get(normalise_name(c)) for c in cells if c is not None and str(c).strip()}
    found.discard(None)
    return len(found)


def _find_header(rows: list[list], expected: dict[str, str]) -> int:
    """Index of the row that looks most like the header (first row when nothing matches)."""
    best, best_score = 0, 0
    most = len(set(expected.values()))  # a row naming every column cannot be beaten
    for i, cells in enumerate(rows[:_HEADER_SCAN_ROWS]):
        score = _header_score(cells, expected)
        if score > best_score:
            best, best_score = i, score
            if score == most:
                break
    if best_score == 0:
        for i, cells in enumerate(rows[:_HEADER_SCAN_ROWS]):
            if any(c is not None and str(c).strip() for c in cells):
                return i
    return best


def _decode_head(raw: bytes) -> tuple[str, str]:
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"  # pragma: no cover - latin-1 decodes anything


def _encoding_of(path: Path, report: ValidationReport, table: str) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes, else Windows-1252, else Latin-1.

    The file is decoded in chunks, so a large file never needs its size in memory twice.
    """
    with open(path, "rb") as fh:
        first = fh.read(4)
        if first.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset = 0  # bytes before the chunk being decoded
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            if chunk.isascii() and not decoder.getstate()[0]:
                offset += len(chunk)  # ASCII is UTF-8, and nothing is left over from before
                continue
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                offset += max(exc.start, 0)
                break
            offset += len(chunk)
        else:
            try:
                decoder.decode(b"", final=True)
                return "utf-8-sig"
            except UnicodeDecodeError:
                pass
        # Lines are counted only now, for the message: on a UTF-8 file this costs nothing.
        fh.seek(0)
        newlines, left = 0, offset
        while left > 0:
            chunk = fh.read(min(_CHUNK, left))
            if not chunk:
                break
            newlines += chunk.count(b"\n")
            left -= len(chunk)
        fh.seek(0)
        enc = "cp1252"
        dec1252 = codecs.getincrementaldecoder("cp1252")()
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            try:
                dec1252.decode(chunk)
            except UnicodeDecodeError:
                enc = "latin-1"
                break
    line = newlines + 1
    report.warning(
        table,
        f"the file is not UTF-8 (first non-UTF-8 byte on line {line}); it was read as "
        f"{'Windows-1252' if enc == 'cp1252' else 'Latin-1'}",
        file=path.name,
        fix="save the file as UTF-8 (CSV UTF-8 in Excel) to be sure accented names are right",
    )
    return enc


def _check_zip(path: Path) -> str | None:
    """Guard against zip bombs and corrupt workbooks before handing them to openpyxl."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if total > MAX_XLSX_UNCOMPRESSED or total / packed > MAX_XLSX_RATIO and total > 50 * 1024**2:
                return (
                    f"the workbook would expand to {total / 1024**2:,.0f} MB "
                    f"({total / packed:,.0f} times its size); refused as a possible zip bomb"
                )
            if not any(i.filename.startswith("xl/") for i in infos):
                return "the file is a zip archive but not an Excel workbook"
    except zipfile.BadZipFile:
        return "the file is not a valid Excel workbook (corrupt zip)"
    return None


def _read_csv_raw(path, schema, column_map, header_row, report, table, sep=None):
    """The file's cells as text or numbers, its header, and the rows' spreadsheet numbers.

    A file that starts as UTF-8 is parsed as UTF-8 at once (the parser checks every byte
    it decodes); only when a later byte is not UTF-8 is the whole file examined, its
    encoding reported, and the parse repeated, so a clean file is not read twice.
    """
    with open(path, "rb") as fh:
        head_bytes = fh.read(64 * 1024)
    if not head_bytes.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head_bytes, final=False)
        except UnicodeDecodeError:
            pass
        else:
            try:
                return _read_csv_as(path, schema, column_map, header_row, report, table, sep,
                                    "utf-8-sig", head_bytes)
            except UnicodeDecodeError:
                pass  # a later byte is not UTF-8: find out what the file is, and say so
    encoding = _encoding_of(path, report, table)
    return _read_csv_as(path, schema, column_map, header_row, report, table, sep, encoding, head_bytes)


def _read_csv_as(path, schema, column_map, header_row, report, table, sep, encoding, head_bytes):
    head_text, _ = _decode_head(head_bytes) if encoding != "utf-16" else (head_bytes.decode("utf-16"), "")
    if encoding not in ("utf-8-sig", "utf-16"):
        head_text = head_bytes.decode(encoding, errors="replace")
    lines = head_text.splitlines()[:_HEADER_SCAN_ROWS]
    if sep is None:
        sep = _plain_comma(lines[:20])
    if sep is None:
        try:
            sep = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t|").delimiter
        except csv.Error:
            sep = ","
    head_rows = list(csv.reader(lines, delimiter=sep))
    expected = _expected_names(schema, column_map)
    h = header_row - 1 if header_row else _find_header(head_rows, expected)
    if h >= len(head_rows):
        return None, [], np.arange(0)
    header = head_rows[h]
    if not any(str(c).strip() for c in header):
        raise _ReadFailure("the file holds no table (no header row, only blank lines)")
    if schema is not None:
        found = {expected.get(normalise_name(c), normalise_name(c)) for c in header}
        if not set(schema.required_columns) <= found:
            # A required column is missing: say so without parsing a body that cannot be used.
            empty = pd.DataFrame({f"__col{i}": pd.Series(dtype=object) for i in range(len(header))})
            return empty, header, np.arange(0)
    skipped: list[int] = []
    # The header row is parsed by the C parser as well (header=0 after skipping the rows
    # above it): with header=None and one more row skipped, pandas reads twice as slowly.
    # Ragged rows are looked for only when there are some: on_bad_lines="warn" makes every
    # read about a third slower.
    options = dict(sep=sep, header=0, skiprows=h, keep_default_na=False, na_values=[""],
                   skip_blank_lines=False, encoding=encoding, index_col=False, engine="c",
                   on_bad_lines="error")
    try:
        frame = None
        try:
            # Types inferred by the C parser: much the fastest way to read a clean file.
            with _PARSE_LOCK, warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                frame = pd.read_csv(path, **options)
            if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
                frame = None  # data rows wider than the header: read them as they are, below
        except pd.errors.ParserError as exc:
            if not _RAGGED_RE.search(str(exc)):
                raise
        if frame is None:
            # Rows of other widths. The width is taken from the first data row, as a
            # spreadsheet shows it, and longer rows are reported with their line numbers.
            options.update(header=None, skiprows=h + 1, on_bad_lines="warn")
            with _PARSE_LOCK, warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                frame = pd.read_csv(path, **options)
            for w in caught:
                skipped += [int(n) for n in _SKIPPED_LINE_RE.findall(str(w.message))]
            options["on_bad_lines"] = "skip"
        frame.columns = range(frame.shape[1])  # positions, as the header list counts them
        # Columns that must stay text exactly as written (codes such as '00123', names such
        # as '1984') but were read as numbers are read again, as text.
        text_cols = _text_positions(header, schema, expected)
        # So are columns the parser took for booleans: TRUE is not a count of 1.
        types = pd.api.types
        dtypes = frame.dtypes.tolist()
        again = [c for c in frame.columns if types.is_bool_dtype(dtypes[c]) or (
            c in text_cols and not types.is_string_dtype(dtypes[c]) and not types.is_object_dtype(dtypes[c])
            and not frame[c].isna().all())]
        if again:
            with _PARSE_LOCK, warnings.catch_warnings():
                warnings.simplefilter("ignore", pd.errors.ParserWarning)
                redo = pd.read_csv(path, usecols=again, dtype=str, **options)
            redo.columns = sorted(again)
            for c in again:
                frame[c] = redo[c].to_numpy()
            frame = frame.astype({c: object for c in again})
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame(columns=range(len(header)), dtype=object)
    except pd.errors.ParserError as exc:
        msg = str(exc)
        where = _PARSER_ROW_RE.search(msg)
        if "EOF inside string" in msg and where:
            raise _ReadFailure(
                f"a quoted cell that starts on row {int(where.group(1)) + 1} is never closed, "
                "so the rest of the file would run into it; close the quote (\") on that row"
            ) from None
        raise _ReadFailure(f"the file could not be parsed as CSV: {msg}") from None
    width = max(frame.shape[1], len(header))
    frame.columns = [f"__col{i}" for i in range(frame.shape[1])]
    for i in range(frame.shape[1], width):
        frame[f"__col{i}"] = pd.Series(np.nan, index=frame.index, dtype=object)
    header = list(header) + [""] * (width - len(header))
    if skipped:
        report.error(
            table,
            f"{len(skipped)} row(s) have more cells than the rows above them and could not be read",
            file=path.name, rows=sorted(skipped),
            fix="look for stray commas or separators in these rows (quote cells that contain commas)",
        )
    first_row = h + 2  # spreadsheet row number of the first data row
    rows = _row_numbers(first_row, len(frame), skipped)
    return frame, header, rows


def _plain_comma(lines: list[str]) -> str | None:
    """"," when the lines are plainly comma-separated (the same number of commas on every
    line, no quotes, no other separator), else None for the sniffer to decide."""
    if not lines or any(('"' in line or ";" in line or "\t" in line or "|" in line) for line in lines):
        return None
    counts = {line.count(",") for line in lines}
    return "," if len(counts) == 1 and counts != {0} else None


def _text_positions(header: list, schema: Table | None, expected: dict[str, str]) -> set[int]:
    """Positions of the columns that are read as text (all but the schema's numeric ones)."""
    if schema is None:
        return set(range(len(header)))
    numeric = {c.name for c in schema.columns if c.kind in ("int", "float", "fraction", "year")}
    return {i for i, h in enumerate(header) if expected.get(normalise_name(h), normalise_name(h)) not in numeric}


_SKIPPED_LINE_RE = re.compile(r"Skipping line (\d+)")
_RAGGED_RE = re.compile(r"Expected \d+ fields in line \d+")
_PARSER_ROW_RE = re.compile(r"starting at row (\d+)")


def _row_numbers(first_row: int, n: int, skipped: list[int]) -> np.ndarray:
    """Spreadsheet row numbers of ``n`` data rows starting at ``first_row``, minus skipped ones."""
    if not skipped:
        return np.arange(first_row, first_row + n)
    candidates = np.arange(first_row, first_row + n + len(skipped))
    return candidates[~np.isin(candidates, skipped)][:n]


class _ReadFailure(Exception):
    pass


def _max_table_bytes() -> int:
    """The size limit for one table file: ``ANALYSIS_MAX_TABLE_MB`` or :data:`MAX_TABLE_BYTES`."""
    env = os.environ.get("ANALYSIS_MAX_TABLE_MB", "").strip()
    if env:
        try:
            return int(float(env) * 1024**2)
        except ValueError:
            pass
    return MAX_TABLE_BYTES


def _read_excel_raw(path, schema, column_map, header_row, sheet, report, table):
    problem = _check_zip(path)
    if problem:
        raise _ReadFailure(problem)
    import openpyxl

    fh = open(path, "rb")  # a handle, so that openpyxl does not judge the file by its name
    try:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for bad files
        fh.close()
        raise _ReadFailure(f"the workbook could not be opened: {exc}") from None
    try:
        expected = _expected_names(schema, column_map)
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise _ReadFailure(
                    f"no sheet named '{sheet}'; the sheets are: {', '.join(wb.sheetnames)}"
                )
            candidates = [sheet]
        else:
            candidates = list(wb.sheetnames)
            named = [s for s in candidates if normalise_name(s) == table]
            candidates = named + [s for s in candidates if s not in named]
        best = None
        for name in candidates:
            ws = wb[name]
            rows = []
            for row in ws.iter_rows(values_only=True, max_row=_HEADER_SCAN_ROWS):
                rows.append(list(row))
            h = header_row - 1 if header_row else _find_header(rows, expected)
            score = _header_score(rows[h], expected) if h < len(rows) else -1
            if best is None or score > best[0]:
                best = (score, name, h)
            if sheet is not None or score >= len(schema.required_columns if schema else ()):
                break
        _, chosen, h = best
        ws = wb[chosen]
        data = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
        fh.close()
    if h >= len(data):
        return None, [], np.arange(0), chosen
    header = ["" if c is None else str(c) for c in data[h]]
    body = data[h + 1 :]
    width = max([len(header)] + [len(r) for r in body]) if body else len(header)
    header = header + [""] * (width - len(header))
    names = [f"__col{i}" for i in range(width)]
    cells = np.full((len(body), width), None, dtype=object)
    for i, r in enumerate(body):
        cells[i, : len(r)] = r
    unsaved = _unsaved_formulas(path, chosen, h, cells.shape)
    if unsaved is not None and unsaved.any():
        r_idx, c_idx = np.nonzero(unsaved)
        letters = _column_letters(width)
        report.warning(
            table,
            f"{len(r_idx)} formula cell(s) have no saved value (the workbook was written by a "
            f"program and never recalculated) and were read as missing",
            file=path.name,
            column=", ".join(header[c] or f"column {letters[c]}" for c in sorted(set(c_idx.tolist()))),
            rows=sorted(set((r_idx + h + 2).tolist())),
            fix="open the workbook in Excel or LibreOffice and save it, or paste the values",
        )
    converted = np.frompyfunc(_excel_cell_to_text, 1, 1)(cells) if cells.size else cells
    frame = pd.DataFrame(converted, columns=names, dtype=object)
    return frame, header, h + 2, chosen


def _unsaved_formulas(path: Path, sheet: str, h: int, shape: tuple[int, int]) -> np.ndarray | None:
    """Mask of body cells holding a formula without a cached value (read as None otherwise)."""
    try:
        with zipfile.ZipFile(path) as zf:
            has_formula = False
            for info in zf.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with zf.open(info) as member:
                        for chunk in iter(lambda m=member: m.read(_CHUNK), b""):
                            if b"<f>" in chunk or b"<f " in chunk:
                                has_formula = True
                                break
                if has_formula:
                    break
    except (zipfile.BadZipFile, OSError):
        return None
    if not has_formula:
        return None
    import openpyxl

    with open(path, "rb") as fh:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=False)
        try:
            formulas = [list(r) for r in wb[sheet].iter_rows(values_only=True)][h + 1 :]
        finally:
            wb.close()
    with open(path, "rb") as fh:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        try:
            values = [list(r) for r in wb[sheet].iter_rows(values_only=True)][h + 1 :]
        finally:
            wb.close()
    mask = np.zeros(shape, dtype=bool)
    for i, (frow, vrow) in enumerate(zip(formulas, values, strict=False)):
        if i >= shape[0]:
            break
        for j, f in enumerate(frow[: shape[1]]):
            if isinstance(f, str) and f.startswith("=") and (j >= len(vrow) or vrow[j] is None):
                mask[i, j] = True
    return mask


def _excel_cell_to_text(value):
    if value is None:
        return np.nan
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else np.nan


# ----------------------------------------------------------------------------- conversions

_MARKERS = {m.lower() for m in MISSING_MARKERS}
#: Markers also recognised in text columns (where a lone "x" or "-" may be a real value).
_TEXT_MARKERS = {"..", "...", "…", "[c]", "[x]", "[z]", "[u]", "[w]", "[low]", "[d]", "n/a", "#n/a",
                 "not available", "not applicable"}
_EXCEL_ERRORS = {e.lower() for e in EXCEL_ERRORS}
#: Characters of which every ASCII marker above and every Excel error holds at least one, or
#: else a space: a column of plain ASCII cells holding none of them needs no look for markers,
#: and one with spaces only for markers of the lengths of those that have a space and no sign.
_MARKER_SIGNS = tuple(ord(c) for c in ".[/#")
_SIGNS_COVER_MARKERS = all(any(chr(c) in m for c in _MARKER_SIGNS) or " " in m
                           for m in _TEXT_MARKERS | _EXCEL_ERRORS if m.isascii())
_SPACED_MARKER_LENGTHS = sorted({len(m) for m in _TEXT_MARKERS | _EXCEL_ERRORS
                                 if m.isascii() and not any(chr(c) in m for c in _MARKER_SIGNS)})
#: First letters (both cases) of the markers of those lengths.
_SPACED_MARKER_FIRST = np.array(sorted({ord(c) for m in _TEXT_MARKERS | _EXCEL_ERRORS
                                        if m.isascii() and len(m) in _SPACED_MARKER_LENGTHS
                                        for c in (m[0].lower(), m[0].upper())}), dtype=np.uint8)
_YEAR_RE = re.compile(r"^\s*(?:fy\s*)?(\d{4})(?:\s*[-/–]\s*(\d{2}|\d{4}))?\s*$", re.IGNORECASE)


def _markers_in(text: pd.Series, extra_markers: set[str]) -> pd.Series:
    lowered = text.str.strip().str.lower()
    return lowered.isin(_MARKERS | extra_markers)


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
    text = values.astype("string")
    numeric = pd.to_numeric(text, errors="coerce")
    out = pd.Series(pd.NA, index=values.index, dtype="Int64")
    whole = numeric.notna() & (numeric == np.floor(numeric))
    out[whole] = numeric[whole].astype("int64")
    rest = text.notna() & ~whole
    bad = pd.Series(False, index=values.index)
    if rest.any():
        parts = text[rest].str.extract(_YEAR_RE)
        first = pd.to_numeric(parts[0], errors="coerce")
        second = parts[1]
        ok = first.notna()
        has_second = second.notna() & ok
        if has_second.any():
            s = second[has_second]
            f = first[has_second].astype(int)
            sec = pd.to_numeric(s).astype(int)
            expected_two = (f + 1) % 100
            expected_four = f + 1
            follows = ((s.str.len() == 2) & (sec == expected_two)) | ((s.str.len() == 4) & (sec == expected_four))
            ok[has_second[has_second].index[~follows.to_numpy()]] = False
        good_idx = ok[ok].index
        out[good_idx] = first[good_idx].astype("int64")
        bad[rest] = ~ok.reindex(text[rest].index).fillna(False).to_numpy()
    return out, bad


def _to_number(text: pd.Series, *, percent: bool = False) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Numbers from text with £, %, thousands separators, spaces and (1,234) negatives.

    Returns values, a mask of cells that were not numbers, and a mask of cells that had
    a percent sign (divided by 100 when ``percent``).
    """
    numeric = pd.to_numeric(text, errors="coerce").astype(float)
    rest = text.notna() & numeric.isna()
    had_pct = pd.Series(False, index=text.index)
    if rest.any():
        sub = text[rest].str.strip()
        pct = sub.str.endswith("%")
        negative = sub.str.match(r"^\(.*\)$")
        cleaned = (
            sub.str.replace(r"[£$€%\s\u00a0\u202f]", "", regex=True)
            .str.replace(r"^\((.*)\)$", r"\1", regex=True)
            .str.replace(r"^[–—−]", "-", regex=True)
        )
        # Commas only as thousands separators (1,234,567.5): '12,5' is a decimal comma, not 125.
        commas = cleaned.str.contains(",", regex=False)
        grouped = cleaned.str.fullmatch(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
        cleaned = cleaned.str.replace(",", "", regex=False).where(~commas | grouped, "not a number")
        num = pd.to_numeric(cleaned, errors="coerce").astype(float)
        num = num.where(~negative, -num)
        if percent:
            num = num.where(~pct, num / 100)
        numeric = numeric.astype(float)
        numeric[rest] = num
        had_pct[rest] = pct
    numeric = numeric.where(~np.isinf(numeric))  # 'inf' and 1e999 are not amounts
    bad = text.notna() & numeric.isna()
    return numeric.astype(float), bad, had_pct


def _to_dates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates as ISO, UK dd/mm/yyyy or Excel serial numbers (days since 1899-12-30)."""
    iso = pd.to_datetime(text, errors="coerce", format="ISO8601")
    rest = text.notna() & iso.isna()
    if rest.any():
        sub = text[rest].str.strip()
        uk = pd.to_datetime(sub, errors="coerce", dayfirst=True, format="mixed")
        serial = pd.to_numeric(sub, errors="coerce")
        serial_ok = serial.between(1, 80000) & uk.isna()
        uk[serial_ok] = pd.to_datetime(serial[serial_ok], unit="D", origin="1899-12-30")
        iso[rest] = uk
    bad = text.notna() & iso.isna()
    return iso, bad


def _normalise_category(text: pd.Series) -> pd.Series:
    """Lower case, runs of spaces/dashes/slashes as ``_``, known aliases mapped.

    Works on the distinct values only (a category column has a handful), so it costs
    the same for ten rows as for a million.
    """
    codes, uniques = pd.factorize(text)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype="string")
    norm = u.str.strip().str.lower().str.replace(r"[\s\-/&]+", "_", regex=True)
    norm = norm.str.replace(r"_+", "_", regex=True).str.strip("_")
    mapped = np.array([_CATEGORY_ALIASES.get(v, v) for v in norm.tolist()] + [None], dtype=object)
    return pd.Series(mapped[codes], index=text.index, dtype="string")


def _fast_numeric(values: pd.Series, col: Column) -> pd.Series | None:
    """The column as numbers when every filled cell is already a plain finite number.

    The common case (a clean export) then costs one C-level parse, or nothing at all when
    the parser read the column as numbers already (whole numbers stay exact, a column of
    floats is kept as it is); anything else (markers, £, %, commas, years like 2010-11)
    returns None for the full conversion.
    """
    if col.kind == "date" or pd.api.types.is_bool_dtype(values):
        return None
    if values.dtype == np.int64 and col.kind in ("int", "year"):
        return values.astype("Int64")  # whole numbers, none missing: nothing to check
    if values.dtype == np.float64:
        numeric = values  # missing cells are NaN already: every filled cell is a number
    else:
        try:
            numeric = pd.to_numeric(values, errors="coerce").astype(float)
        except (TypeError, ValueError):
            return None
        if not np.array_equal(values.notna().to_numpy(), numeric.notna().to_numpy()):
            return None
    numbers = numeric.to_numpy()
    if np.isinf(numbers).any():
        return None
    if col.kind in ("int", "year"):
        whole = numbers[~np.isnan(numbers)]
        if not (whole == np.floor(whole)).all() or (np.abs(whole) > 2**53).any():
            return None
        return numeric.astype("Int64")
    return numeric


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

    ``failed``, when given, collects boolean masks of the cells that were reported as
    unreadable (so that they are not reported as "missing" as well).

    A column that needs no change at all (the usual clean export) is returned as it is
    after a few whole-column checks: codes and text (:func:`_clean_text`), ISO dates,
    categories holding allowed values only, and columns the parser read as plain numbers
    (:func:`_fast_numeric`). Otherwise a long text column is first converted through its distinct values (codes repeat,
    categories have a handful): when they convert without a single problem, the result
    is spread back over the rows, which costs a fraction of converting every cell. Any
    problem sends the whole column through the cell-by-cell conversion so that every
    report names its rows.
    """
    if col.kind in ("code", "text"):
        clean = _clean_text(values, col, extra_markers)
        if clean is not None:
            return clean
    if col.kind == "date" and isinstance(values.array, ArrowStringArray):
        dates = pd.to_datetime(values, errors="coerce", format="ISO8601")
        if np.array_equal(dates.isna().to_numpy(), values.isna().to_numpy()):
            return dates  # every filled cell an ISO date (2011-03-31), as exports write them
    if col.kind == "category" and _already_choices(values, col):
        return _as_str(values)
    if col.kind in ("int", "float", "fraction", "year") and pd.api.types.is_numeric_dtype(values):
        fast = _fast_numeric(values, col)  # read as numbers by the parser: usually nothing to do
        if fast is not None:
            return fast
    if len(values) > _DISTINCT_FROM and not pd.api.types.is_numeric_dtype(values):
        codes, uniques = pd.factorize(values)
        if len(uniques) < len(values) // 2:
            trial, trial_failed = ValidationReport(), []
            out_u = _convert_cells(pd.Series(uniques), col, table=table, file=file,
                                   rows=np.arange(len(uniques)), report=trial, extra_markers=extra_markers,
                                   failed=trial_failed)
            if not trial.problems and not trial_failed:
                out = out_u.reindex(codes)
                out.index = values.index
                return out
    return _convert_cells(values, col, table=table, file=file, rows=rows, report=report,
                          extra_markers=extra_markers, failed=[] if failed is None else failed)


_DISTINCT_FROM = 1000


def _clean_text(values: pd.Series, col: Column, extra_markers) -> pd.Series | None:
    """A code or text column of Arrow strings as it is, when no cell needs any change.

    The tests (no surrounding spaces, no empty cell, no marker or Excel error, codes
    already upper case, no loose spaces in text) are answered from the bytes when every
    cell is printable ASCII (:func:`_plain_ascii`), else by Arrow's Unicode-aware
    functions; the first cell that fails one sends the column through the full conversion.
    """
    a = _filled_arrow_strings(values)
    if a is None:
        return None
    plain = _plain_ascii(a, case=col.kind == "code" and col.upper)
    if plain is not None:
        # Printable ASCII only: the one space there can be is " ", and a few byte
        # comparisons answer what the Unicode-aware functions below would.
        if plain.edge_space or (col.kind == "text" and plain.double_space) or (
                col.kind == "code" and col.upper and plain.lower_case):
            return None
        if plain.marker_signs or extra_markers or not _SIGNS_COVER_MARKERS:
            lowered = pc.ascii_lower(a)
        elif plain.marker_length:
            # Names have spaces; only a cell as long as "not available" can be such a marker,
            # so only those cells, if there are any, are looked up.
            lengths = pc.binary_length(a)
            maybe = pc.is_in(lengths, value_set=pa.array(_SPACED_MARKER_LENGTHS, type=lengths.type))
            lowered = pc.ascii_lower(a.filter(maybe)) if pc.any(maybe).as_py() else None
        else:
            lowered = None
    else:
        if pc.any(pc.not_equal(pc.utf8_trim_whitespace(a), a)).as_py():
            return None
        if col.kind == "code" and col.upper and pc.any(pc.not_equal(pc.utf8_upper(a), a)).as_py():
            return None
        if col.kind == "text" and _has_loose_space(values):
            return None
        lowered = pc.utf8_lower(a)
    if (plain is None or a.null_count or plain.empty_slot) and pc.any(pc.equal(a, "")).as_py():
        return None
    known = _TEXT_MARKERS | _EXCEL_ERRORS | set(extra_markers)
    if lowered is not None and pc.any(pc.is_in(lowered, value_set=pa.array(sorted(known), type=a.type))).as_py():
        return None
    # The same type as the full conversion gives: a Parquet file may hold pandas' "string"
    # (missing as pd.NA) rather than "str".
    return _as_str(values)


def _as_str(values: pd.Series) -> pd.Series:
    """The column as pandas' ``str`` type (itself, when it is of that type already)."""
    return values if values.dtype == _STR else values.astype("str")


_STR = pd.Series([], dtype="str").dtype


def _filled_arrow_strings(values: pd.Series) -> pa.ChunkedArray | None:
    """The column's Arrow strings, when it is stored so and holds at least one value."""
    array = values.array
    if not isinstance(array, ArrowStringArray) or array._pa_array.null_count == len(array):
        return None
    return array._pa_array


def _already_choices(values: pd.Series, col: Column) -> bool:
    """Whether a category column of Arrow strings holds nothing but its allowed values,
    written exactly as they are (the usual case; one hash pass over the column)."""
    a = _filled_arrow_strings(values)
    if a is None:
        return False
    allowed = [c for c in col.choices if c not in _CATEGORY_ALIASES] + [None]  # missing is no problem here
    return bool(pc.all(pc.is_in(a, value_set=pa.array(allowed, type=a.type))).as_py())


class _AsciiFacts(NamedTuple):
    """What the bytes of a printable-ASCII string column say (see :func:`_plain_ascii`)."""

    edge_space: bool    # a cell starts or ends with a space
    double_space: bool  # a cell holds two spaces in a row
    lower_case: bool    # a cell holds a lower-case letter (looked for only when asked)
    marker_signs: bool  # a cell holds a character most markers and Excel errors have
    empty_slot: bool    # a slot is empty (an empty string, or a missing cell)
    spaced: bool        # a cell holds a space at all
    marker_length: bool  # a cell could be a marker spelled out in words ("not available"): as
                         # long as one and starting with its letter


def _plain_ascii(a: pa.ChunkedArray, *, case: bool = True) -> _AsciiFacts | None:
    """Byte-level facts about an Arrow string column whose cells hold printable ASCII only.

    None when a cell holds anything else (a tab, a line break, a non-ASCII character),
    for the Unicode-aware checks to decide. The bytes are read where Arrow keeps them,
    without copying a string. Bytes under a missing cell, if there are any, can only
    raise a false alarm (the full conversion then runs), never hide a problem. Lower-case
    letters are looked for only with ``case`` (upper-cased codes need it, names do not).
    """
    edge = double = lower = signs = empty = spaced = marker_length = False
    for chunk in a.chunks:
        if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            return None
        if chunk.null_count == len(chunk):
            continue
        _, offset_buffer, data_buffer = chunk.buffers()
        if data_buffer is None:
            empty = True  # only empty strings
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(offset_buffer, dtype=width)[chunk.offset: chunk.offset + len(chunk) + 1]
        empty = empty or bool((offsets[1:] == offsets[:-1]).any())
        region = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0]: offsets[-1]]
        if not region.size:
            continue
        lo, hi = int(region.min()), int(region.max())
        if lo < 0x20 or hi > 0x7E:
            return None
        # The smallest and largest byte rule most questions out: codes such as Q000001 hold
        # no lower-case letter (all below 'a'), no space and no '.', '/' or '#' (all below '0').
        if case and not lower and hi >= 0x61:
            lower = bool(((region - np.uint8(0x61)) < 26).any())
        signs = signs or any(bool((region == c).any()) for c in _MARKER_SIGNS if lo <= c <= hi)
        if lo > 0x20:
            continue  # no space anywhere in this chunk
        space = np.zeros(region.size + 1, dtype=bool)  # one more, False, for empty cells' edges
        space[:-1] = region == 0x20
        if not space.any():
            continue
        spaced = True
        relative = offsets - offsets[0]
        if not marker_length:
            # As long as "not available" and starting with its letter, in either case.
            lengths = np.diff(offsets)
            long = np.zeros(len(lengths), dtype=bool)
            for n in _SPACED_MARKER_LENGTHS:
                long |= lengths == n
            if long.any():
                marker_length = bool(np.isin(region[relative[:-1][long]], _SPACED_MARKER_FIRST).any())
        # A cell's first byte sits at its start, its last just before the next cell's start
        # (for an empty cell these land on a neighbour's edge, or on the False at the end).
        edge = edge or bool(space[relative[:-1]].any() or space[relative[1:] - 1].any())
        double = double or bool((space[:-2] & space[1:-1]).any())
    return _AsciiFacts(edge, double, lower, signs, empty, spaced, marker_length)


def _convert_cells(values, col, *, table, file, rows, report, failed, extra_markers=frozenset()):
    """Convert every cell of one column (see :func:`convert_column`)."""
    numeric_dtype = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if numeric_dtype and col.kind in ("int", "float", "fraction", "year"):
        text = None
        series = values.astype(float)
        infinite = np.isinf(series)
        if infinite.any():
            _record_bad(failed, report, table, file, col, rows, values, infinite, "is not a number",
                        "write a plain, finite number")
            series = series.where(~infinite)
        if col.kind == "year":
            bad = series.notna() & (series != np.floor(series))
            out = series.where(~bad).astype("Int64") if not bad.any() else series.where(~bad).round().astype("Int64")
            _record_bad(failed, report, table, file, col, rows, values, bad,
                        "is not a year", "write the year as 2010 or as a financial year such as 2010-11")
            return out
        series_out = series
    else:
        if col.kind in ("int", "float", "fraction", "year"):
            fast = _fast_numeric(values, col)
            if fast is not None:
                return fast
        text = values.astype("string").str.strip()
        text = text.mask(text == "")
        # Excel error cells
        lowered = text.str.lower()
        errs = lowered.isin(_EXCEL_ERRORS)
        if errs.any():
            sev = "error" if col.required and not col.nullable else "warning"
            report.add(sev, table, "cell holds an Excel error value and was read as missing",
                       file=file, column=col.name, rows=rows[errs.to_numpy()].tolist(),
                       values=text[errs].tolist(),
                       fix="correct the formula in the workbook or clear the cell")
            if sev == "error":
                failed.append(errs.to_numpy(dtype=bool))  # reported; not "missing" as well
            text = text.mask(errs)
        known = _TEXT_MARKERS if col.kind in ("code", "text", "category") else _MARKERS
        markers = lowered.isin(known | set(extra_markers)) & ~errs
        if markers.any():
            counts = text[markers].value_counts()
            detail = ", ".join(f"'{k}' x{v}" for k, v in counts.items())
            report.warning(
                table,
                f"{int(markers.sum())} cell(s) held missing or suppression markers ({detail}) and were read "
                f"as missing, not zero",
                file=file, column=col.name, rows=rows[markers.to_numpy()].tolist(),
            )
            text = text.mask(markers)
        if col.kind in ("code", "text", "category"):
            if col.kind == "text":
                if _has_loose_space(text):
                    text = text.str.replace(r"\s+", " ", regex=True)
            if col.kind == "code" and col.upper:
                text = text.str.upper()
            if col.kind == "category":
                text = _normalise_category(text)
                bad = text.notna() & ~text.isin(col.choices)
                if bad.any():
                    suggestions = _suggest(text[bad].unique().tolist(), col.choices)
                    _record_bad(failed, report, table, file, col, rows, values, bad,
                                f"is not one of the allowed values ({', '.join(col.choices)})",
                                suggestions or f"use one of: {', '.join(col.choices)}")
                    text = text.mask(bad)
            return text.astype("str")
        if col.kind == "year":
            out, bad = parse_years(text)
            _record_bad(failed, report, table, file, col, rows, values, bad, "is not a year",
                        "write the year as 2010 or as a financial year such as 2010-11 (its start year is used)")
            return out
        if col.kind == "date":
            out, bad = _to_dates(text)
            _record_bad(failed, report, table, file, col, rows, values, bad, "is not a date",
                        "write dates as 2011-03-31 or 31/03/2011")
            return out
        series_out, bad, had_pct = _to_number(text, percent=col.kind == "fraction")
        _record_bad(failed, report, table, file, col, rows, values, bad, "is not a number",
                    "write a plain number with a point for decimals (12.5, not 12,5); £, %, "
                    "thousands separators (1,234) and spaces are understood")
    if col.kind == "int":
        frac = series_out.notna() & (series_out != np.floor(series_out))
        _record_bad(failed, report, table, file, col, rows, values, frac, "is not a whole number",
                    "counts must be whole numbers")
        series_out = series_out.where(~frac)
        return series_out.round().astype("Int64")
    return series_out.astype(float)


def _has_loose_space(text: pd.Series) -> bool:
    """Whether any cell holds a run of spaces, a tab or a line break (to be made one space).

    Plain substring tests on the whole column, and the regular expression (which also
    knows non-breaking and other Unicode spaces) only on the cells that are not ASCII:
    the expression over a whole Arrow column is many times slower.
    """
    array = text.array
    if isinstance(array, ArrowStringArray):
        a = array._pa_array
        # Printable ASCII without a double space: nothing to do (three passes in Arrow).
        if (not pc.any(pc.match_substring(a, "  ")).as_py()
                and pc.all(pc.string_is_ascii(a)).as_py() is not False
                and pc.all(pc.utf8_is_printable(a)).as_py() is not False):
            return False
    for piece in ("  ", "\t", "\n", "\r"):
        if text.str.contains(piece, regex=False).any():
            return True
    wide = text[~text.str.isascii().fillna(True).astype(bool)]
    return bool(len(wide)) and bool(wide.str.contains(r"\s\s|[\t\r\n]", regex=True).any())


def _suggest(bad_values: list, choices) -> str:
    hints = []
    for v in bad_values[:5]:
        close = difflib.get_close_matches(str(v), choices, n=1, cutoff=0.6)
        if close:
            hints.append(f"'{v}' -> '{close[0]}'")
    return ("did you mean " + ", ".join(hints) + "?") if hints else ""


def _record_bad(failed, report, table, file, col, rows, values, bad, problem, fix):
    if bad is None or not bad.any():
        return
    mask = bad.to_numpy(dtype=bool)
    failed.append(mask)
    report.error(table, problem, file=file, column=col.name, rows=rows[mask].tolist(),
                 values=values[mask].tolist(), fix=fix)


def convert_with_failures(values, col, **kwargs):
    """:func:`convert_column`, plus a mask of the cells that could not be converted."""
    masks: list = []
    out = convert_column(values, col, failed=masks, **kwargs)
    failed = np.zeros(len(values), dtype=bool)
    for mask in masks:
        failed |= mask
    return out, failed


# ----------------------------------------------------------------------------- read_table


def read_table(
    path: str | Path,
    schema: Table | None = None,
    *,
    report: ValidationReport | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    columns: dict[str, str] | None = None,
    markers: tuple[str, ...] = (),
    name: str | None = None,
) -> TableData | None:
    """Read one table file (CSV, Excel or Parquet) and convert it to its schema.

    Parameters
    ----------
    path : path-like
        The file. Its content decides how it is read; a file that is not what its
        extension says is reported.
    schema : Table, optional
        The table's schema (see :mod:`analysis.data.schema`); without one, every column
        is read as text.
    report : ValidationReport, optional
        Collects the problems found; a new one is made when not given.
    sheet : str, optional
        Excel sheet; by default the sheet named after the table, else the one whose
        header matches best.
    header_row : int, optional
        Row of the header as a spreadsheet counts (1 = first row); found automatically
        when not given.
    columns : dict, optional
        Our column name to the file's column name, for files with other headers.
    markers : tuple of str
        Further missing-value markers for this file.

    Returns
    -------
    TableData or None
        None when the file could not be read at all (the reason is in ``report``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from analysis.data.schema import TABLES
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "deflators.csv").write_text("Year,Deflator\\n2010-11,100\\n2011/12,\\"1,020.5\\"\\n")
    >>> read_table(folder / "deflators.csv", TABLES["deflators"]).frame
       year  deflator
    0  2010     100.0
    1  2011    1020.5
    """
    path = Path(path)
    report = report if report is not None else ValidationReport()
    table = name or (schema.name if schema else path.stem)
    file = path.name
    column_map = dict(columns or {})
    try:
        if not path.is_file():
            report.error(table, "file not found", file=str(path),
                         fix="check the path, or the file name given in dataset.yml")
            return None
        size = path.stat().st_size
        if size == 0:
            report.error(table, "the file is empty", file=file, fix="export the table again")
            return None
        limit = _max_table_bytes()
        if size > limit:
            report.error(table, f"the file is {size / 1024**2:,.0f} MB, more than the "
                         f"{limit / 1024**2:,.0f} MB the toolkit reads for one table",
                         file=file, fix="check that it is the right file; to read it anyway set "
                         "ANALYSIS_MAX_TABLE_MB to a larger number of megabytes")
            return None
        with open(path, "rb") as fh:
            head = fh.read(8192)
        kind = _sniff_kind(path, head)
        suffix = path.suffix.lower()
        if kind == "zip":
            if suffix not in (".xlsx", ".xlsm"):
                report.warning(table, f"the file is an Excel workbook although it ends in '{suffix}'",
                               file=file, fix="rename it to .xlsx")
            frame, header, first_row, sheet_used = _read_excel_raw(
                path, schema, column_map, header_row, sheet, report, table)
        elif kind == "parquet":
            frame = pd.read_parquet(path)
            header = [str(c) for c in frame.columns]
            frame.columns = [f"__col{i}" for i in range(frame.shape[1])]
            first_row, sheet_used = 2, None
        elif kind == "ole":
            report.error(table, "old-style .xls workbooks are not read", file=file,
                         fix="save the workbook as .xlsx or CSV")
            return None
        elif kind == "binary":
            report.error(table, f"the file is not text, Excel or Parquet although it ends in '{suffix}'",
                         file=file, fix="export the table as CSV, .xlsx or .parquet")
            return None
        else:
            if suffix in (".xlsx", ".xlsm", ".parquet"):
                report.error(table, f"the file ends in '{suffix}' but holds text, not a {suffix[1:]} file",
                             file=file, fix="rename it to .csv, or export it again")
                return None
            sep = "\t" if suffix == ".tsv" else None
            frame, header, first_row = _read_csv_raw(path, schema, column_map, header_row, report, table, sep)
            sheet_used = None
    except _ReadFailure as exc:
        report.error(table, str(exc), file=file)
        return None
    except (OSError, ValueError) as exc:
        report.error(table, f"the file could not be read: {exc}", file=file)
        return None
    if frame is None:
        report.error(table, "no header row found (the file holds no table)", file=file)
        return None
    return _shape_table(frame, header, first_row, schema, table, file, sheet_used, column_map,
                        frozenset(m.lower() for m in markers), report)


def _shape_table(frame, header, first_row, schema, table, file, sheet, column_map, markers, report):
    rows = (np.asarray(first_row) if np.ndim(first_row) else np.arange(first_row, first_row + len(frame)))
    frame = frame.reset_index(drop=True)
    # Drop blank rows (only a row whose first cell is empty can be one).
    if frame.shape[1] and _has_missing(frame.iloc[:, 0]):
        blank = np.array(frame.iloc[:, 0].isna(), dtype=bool)
    else:
        blank = np.zeros(len(frame), dtype=bool)
    for name in frame.columns[1:]:
        if not blank.any():
            break
        maybe = np.flatnonzero(blank)
        blank[maybe] = frame[name].iloc[maybe].isna().to_numpy()
    if blank.any():
        frame, rows = frame[~blank].reset_index(drop=True), rows[~blank]
    # Map headers onto schema columns.
    expected = _expected_names(schema, column_map)
    mapped: dict[str, str] = {}
    seen: dict[str, int] = {}
    extra = []
    letters = _column_letters(len(header))
    for i, h in enumerate(header):
        key = f"__col{i}"
        if key not in frame.columns:
            continue
        norm = normalise_name(h)
        if not norm:
            if frame[key].notna().any() and schema is not None:
                report.warning(table, "a column without a header holds values; it was ignored",
                               file=file, column=f"column {letters[i]}")
            continue
        target = expected.get(norm, norm)
        if target in seen:
            report.error(table, f"the column '{target}' appears twice (columns {letters[seen[target]]} "
                         f"and {letters[i]})", file=file, column=target,
                         fix="delete or rename one of them")
            continue
        seen[target] = i
        mapped[key] = target
        if schema is not None and target not in schema.column_names:
            extra.append(target)
    if list(mapped) == list(frame.columns):
        frame.columns = list(mapped.values())  # every column kept: no copy (the frame is ours)
    else:
        frame = frame[list(mapped)].rename(columns=mapped)
    # Repeated header rows inside the data (a header printed on every page).
    if len(frame) and mapped:
        first_key = next(iter(mapped))
        first_col = mapped[first_key]
        first_head = normalise_name(header[int(first_key[5:])])
        values = frame[first_col]
        if pd.api.types.is_numeric_dtype(values):
            repeated = np.zeros(len(values), dtype=bool)  # a header's words would have made it text
        elif isinstance(values.array, ArrowStringArray):
            repeated = _header_repeats(values, first_head)  # one Arrow pass; nothing to factorize
        else:
            codes, uniques = pd.factorize(values)  # compare distinct values only
            repeated = np.append(_header_repeats(pd.Series(uniques), first_head), False)[codes]
        if repeated.any():
            report.warning(table, "repeated header rows inside the data were skipped", file=file,
                           rows=rows[repeated].tolist())
            frame, rows = frame[~repeated].reset_index(drop=True), rows[~repeated]
    if schema is None:
        return TableData(table, frame, file, rows, sheet, extra)
    missing = [c for c in schema.required_columns if c not in frame.columns]
    if missing:
        for m in missing:
            close = difflib.get_close_matches(m, list(frame.columns), n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'? " if close else ""
            report.error(table, f"missing required column '{m}'", file=file, column=m,
                         fix=f"{hint}columns present: {_list_columns(frame.columns)}; "
                         f"rename the column or map it in dataset.yml")
        return None
    # Footnote rows: trailing rows where at most one required column holds anything.
    n_tail = _footnote_rows(frame, list(schema.required_columns))
    if n_tail:
        report.warning(table, f"{n_tail} footnote or note row(s) after the data were ignored",
                       file=file, rows=rows[len(rows) - n_tail:].tolist())
        frame, rows = frame.iloc[: len(frame) - n_tail].reset_index(drop=True), rows[: len(rows) - n_tail]
    out = {}
    for col in schema.columns:
        if col.name not in frame.columns:
            continue
        converted, failed = convert_with_failures(frame[col.name], col, table=table, file=file,
                                                  rows=rows, report=report, extra_markers=markers)
        out[col.name] = converted
        if not col.nullable:
            empty = np.asarray(converted.isna(), dtype=bool) & ~failed if _has_missing(converted) else None
            if empty is not None and empty.any():
                report.error(table, "a required value is missing", file=file, column=col.name,
                             rows=rows[empty].tolist(),
                             fix=f"fill in '{col.name}' ({col.description.rstrip('.')}) or remove the row")
    for name in extra:
        values = frame[name]
        out[name] = values.astype(object).where(values.notna(), None) if values.dtype == object else values
    if extra:
        report.info.append(f"{file}: extra column(s) kept as they are: {', '.join(extra)}")
    result = pd.DataFrame(out, index=frame.index, copy=False)  # the columns are new already
    if result.empty:
        severity = "error" if schema.required else "warning"
        report.add(severity, table, "the table has a header but no data rows", file=file,
                   fix="export the table again with its rows" if schema.required
                   else "add the rows, or remove the file if the table is not used")
    return TableData(table, result, file, rows, sheet, extra)


def _has_missing(values: pd.Series) -> bool:
    """Whether a column has a missing cell, answered without a pass over it where the
    column's storage already knows (Arrow's null count; integers cannot be missing)."""
    array = values.array
    if isinstance(array, ArrowStringArray):
        return array._pa_array.null_count > 0
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iub":
        return False  # numpy integers and booleans have no missing value (Int64 does)
    return bool(values.isna().any())


def _footnote_rows(frame: pd.DataFrame, required: list[str]) -> int:
    """How many rows at the end hold at most one required value (notes under a table).

    Rows are looked at from the end, in blocks that grow from one row, so a table whose
    last row is full (the usual one) costs a look at that row, not a pass over every row.
    """
    # The columns' own arrays, sliced: a pandas Series per look costs far more than the look.
    arrays = [frame[name].array for name in required]
    n_tail, block = 0, 1
    while n_tail < len(frame):
        start, stop = max(len(frame) - n_tail - block, 0), len(frame) - n_tail
        filled = np.zeros(stop - start, dtype=np.int64)
        for array in arrays:
            filled += ~np.asarray(pd.isna(array[start:stop]), dtype=bool)
        sparse = filled <= 1 if len(required) > 1 else filled == 0
        if sparse.all():
            n_tail += stop - start
            block *= 4
            continue
        return n_tail + int(np.argmin(sparse[::-1]))
    return n_tail


def _list_columns(columns, limit: int = 20, width: int = 40) -> str:
    """The column names for a message, each shortened and at most ``limit`` of them."""
    names = [str(c) if len(str(c)) <= width else str(c)[: width - 1] + "…" for c in columns]
    if not names:
        return "none"
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _column_letters(n: int) -> list[str]:
    letters = []
    for i in range(n):
        s, k = "", i + 1
        while k:
            k, r = divmod(k - 1, 26)
            s = chr(65 + r) + s
        letters.append(s)
    return letters


def read_text_table(text: str, schema: Table, **kwargs) -> TableData | None:
    """Read a CSV given as a string (handy in tests and examples)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / f"{schema.name}.csv"
        p.write_text(text, encoding="utf-8")
        return read_table(p, schema, **kwargs)


_ = io  # keep io imported for doctest helpers
