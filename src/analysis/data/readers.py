"""Reading tables as councils and statistical releases really export them.

:func:`read_table` opens one CSV, Excel or Parquet file and turns it into a tidy table,
in four steps that run one after the other:

1. **Guard** (:mod:`analysis.data.guards`): the file must be a regular file inside the
   dataset folder, and no larger than the limits, before it is opened or parsed.
2. **Raw cells**: the file's kind is taken from its first bytes (not its name); the
   header row is found (it need not be the first row); every cell is read as text
   (CSV and Excel) or as stored (Parquet), with the spreadsheet row number of each row.
3. **Shape**: blank rows, repeated header rows and footnotes under the table are
   dropped; headers are mapped onto the schema's columns (aliases and ``dataset.yml``
   mappings understood).
4. **Convert** (:func:`convert_column`): each column to its kind. Suppression markers
   (``..``, ``[c]``, ``N/A`` ...) become missing and are counted; ``£``, ``%``, thousands
   separators and stray spaces are removed; financial years written ``2010-11``,
   ``2010/11`` or ``2010-2011`` become 2010; codes are trimmed, normalised (Unicode NFKC,
   invisible characters removed) and upper-cased.

Whatever cannot be read is recorded as a :class:`~analysis.data.problems.Problem` with
the spreadsheet row number; nothing is silently turned into zero.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data.guards import Limits, UnsafeInputError, check_input_file, variable_for
from analysis.data.problems import ValidationReport
from analysis.data.schema import EXCEL_ERRORS, MISSING_MARKERS, Column, Table

__all__ = [
    "SUFFIXES",
    "TableData",
    "convert_column",
    "normalise_name",
    "parse_years",
    "read_table",
]

#: File endings the readers understand, in order of preference.
SUFFIXES = (".csv", ".xlsx", ".xlsm", ".parquet", ".tsv", ".txt")

#: Rows looked at to find the header.
_HEADER_SCAN_ROWS = 40
#: Bytes of a CSV decoded to find its header and separator.
_HEAD_BYTES = 64 * 1024
#: Bytes read at a time when a file is scanned.
_CHUNK = 1 << 20
#: A workbook unpacking to this many times its size (and over 50 MB) is refused.
_MAX_XLSX_RATIO = 200

#: The type of pandas' own text columns, in which text is handled and returned: ``str``
#: (missing as NaN) on pandas 3, ``object`` on pandas 2.
_STR = pd.Series([], dtype="str").dtype

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


class _ReadFailure(Exception):
    """The file cannot be read at all; the message says why (reported as an error)."""


# ----------------------------------------------------------------------------- headers


def normalise_name(name: object) -> str:
    """Normalise a column header: trimmed, lower case, runs of other characters as ``_``.

    Examples
    --------
    >>> normalise_name("\\ufeff Council Code ")
    'council_code'
    >>> normalise_name("Spending power (£m)")
    'spending_power_m'
    """
    text = str(name).replace("\ufeff", "").strip().lower().replace("£", "")
    return re.sub(r"[^0-9a-z]+", "_", text).strip("_")


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
    """How many of the schema's columns a row names."""
    found = {expected.get(normalise_name(c)) for c in cells if c is not None and str(c).strip()}
    found.discard(None)
    return len(found)


def _find_header(rows: list[list], expected: dict[str, str]) -> int:
    """Index of the row that looks most like the header (the first filled row when none
    names a column of the schema)."""
    scores = [_header_score(cells, expected) for cells in rows[:_HEADER_SCAN_ROWS]]
    if scores and max(scores) > 0:
        return scores.index(max(scores))
    for i, cells in enumerate(rows[:_HEADER_SCAN_ROWS]):
        if any(c is not None and str(c).strip() for c in cells):
            return i
    return 0


def _column_letters(n: int) -> list[str]:
    """Spreadsheet column letters: A, B, ..., Z, AA, AB, ..."""
    letters = []
    for i in range(n):
        s, k = "", i + 1
        while k:
            k, r = divmod(k - 1, 26)
            s = chr(65 + r) + s
        letters.append(s)
    return letters


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
    root: str | Path | None = None,
    limits: Limits | None = None,
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
    name : str, optional
        The table's name in the report (default: the schema's name, else the file's stem).
    root : path-like, optional
        The dataset folder the file must lie in (default: the file's own folder); see
        :func:`analysis.data.guards.check_input_file`.
    limits : Limits, optional
        Size, row and cell limits (default: :meth:`Limits.from_environment`).

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
    limits = limits or Limits.from_environment()
    table = name or (schema.name if schema else path.stem)
    file = path.name
    column_map = dict(columns or {})
    try:
        real = check_input_file(path, path.parent if root is None else root)
    except UnsafeInputError as exc:
        report.error(table, exc.problem, file=str(path) if exc.problem == "file not found" else file,
                     fix=exc.fix)
        return None
    try:
        size = real.stat().st_size
        if size == 0:
            report.error(table, "the file is empty", file=file, fix="export the table again")
            return None
        if size > limits.max_table_bytes:
            report.error(table, f"the file is {size / 1024**2:,.0f} MB, more than the "
                         f"{limits.max_table_bytes / 1024**2:,.0f} MB the toolkit reads for one table",
                         file=file, fix="check that it is the right file; to read it anyway set "
                         f"{variable_for('max_table_bytes')} to a larger number of megabytes")
            return None
        with open(real, "rb") as fh:
            head = fh.read(8192)
        kind = _sniff_kind(head)
        suffix = path.suffix.lower()
        sheet_used = None
        if kind == "zip":
            if suffix not in (".xlsx", ".xlsm"):
                report.warning(table, f"the file is an Excel workbook although it ends in '{suffix}'",
                               file=file, fix="rename it to .xlsx")
            frame, header, first_row, sheet_used = _read_excel(
                real, schema, column_map, header_row, sheet, report, table, file, limits)
        elif kind == "parquet":
            frame, header, first_row = _read_parquet(real, limits)
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
            frame, header, first_row = _read_csv(real, schema, column_map, header_row, report, table,
                                                 file, sep, limits)
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


def _sniff_kind(head: bytes) -> str:
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


def _too_many_rows(n: int, limits: Limits, what: str = "rows") -> _ReadFailure:
    return _ReadFailure(
        f"the file has {n:,} {what}, more than the {limits.max_rows:,} rows the toolkit reads for one "
        f"table; check that it is the right file, or set {variable_for('max_rows')} to read it anyway")


def _too_many_cells(rows: int, columns: int, limits: Limits, what: str) -> _ReadFailure:
    return _ReadFailure(
        f"the {what} {rows:,} rows by {columns:,} columns ({rows * columns:,} cells), more than the "
        f"{limits.max_cells:,} cells the toolkit reads for one table; check that it is the right file, "
        f"or set {variable_for('max_cells')} to read it anyway")


# ----------------------------------------------------------------------------- CSV


def _read_csv(path, schema, column_map, header_row, report, table, file, sep, limits):
    """The file's cells as text, its header, and the spreadsheet row number of each row.

    The file is scanned once first (its encoding and its number of lines, checked
    against the row limit), then its head is decoded to find the separator and the
    header, then the body is parsed once, every cell as text.
    """
    encoding, lines = _scan_text(path, report, table, file)
    if lines > limits.max_rows + _HEADER_SCAN_ROWS:
        raise _too_many_rows(lines, limits, "lines")
    with open(path, "rb") as fh:
        head_text = fh.read(_HEAD_BYTES).decode(encoding, errors="replace")
    head_lines = head_text.splitlines()[:_HEADER_SCAN_ROWS]
    if sep is None:
        sep = _plain_comma(head_lines[:20]) or _sniff_separator(head_lines[:20])
    head_rows = list(csv.reader(head_lines, delimiter=sep))
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
    # As wide as the header, or as the first data row when that is wider (a spreadsheet
    # shows such a row's extra cells as a column without a header); rows wider still are
    # skipped by the parser and reported with their line numbers.
    first = head_rows[h + 1] if h + 1 < len(head_rows) else []
    width = max(len(header), len(first))
    options = dict(sep=sep, header=None, names=range(width), skiprows=h + 1, keep_default_na=False,
                   na_values=[""], skip_blank_lines=False, encoding=encoding, index_col=False, engine="c")
    try:
        # Types inferred by the parser: much the fastest way to read a file (numbers come
        # back as numbers, text as text).
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            frame = pd.read_csv(path, on_bad_lines="warn", **options)
        # Columns that must stay text exactly as written (codes such as '00123', names such
        # as '1984') but were read as numbers, and columns the parser took for booleans
        # (TRUE is not a count of 1), are read again, as text.
        numeric = _numeric_positions(header, schema, expected)
        again = [i for i in frame.columns if _read_as_text_again(frame[i], numeric=i in numeric)]
        if again:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", pd.errors.ParserWarning)
                text = pd.read_csv(path, dtype=str, usecols=again, on_bad_lines="skip", **options)
            frame[again] = text[again].astype(object)  # as written, whatever pandas' text type
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame({i: pd.Series(dtype=object) for i in range(width)})
        caught = []
    except pd.errors.ParserError as exc:
        msg = str(exc)
        where = re.search(r"starting at row (\d+)", msg)
        if "EOF inside string" in msg and where:
            raise _ReadFailure(
                f"a quoted cell that starts on row {int(where.group(1)) + h + 1} is never closed, "
                "so the rest of the file would run into it; close the quote (\") on that row"
            ) from None
        raise _ReadFailure(f"the file could not be parsed as CSV: {msg}") from None
    skipped = sorted(int(n) for w in caught for n in re.findall(r"Skipping line (\d+)", str(w.message)))
    if skipped:
        report.error(
            table,
            f"{len(skipped)} row(s) have more cells than the rows above them and could not be read",
            file=file, rows=skipped,
            fix="look for stray commas or separators in these rows (quote cells that contain commas)",
        )
    frame.columns = [f"__col{i}" for i in range(width)]
    header = list(header) + [""] * (width - len(header))
    return frame, header, _row_numbers(h + 2, len(frame), skipped)


def _read_as_text_again(values: pd.Series, *, numeric: bool) -> bool:
    """Whether a column as the parser typed it must be read again as text (see _read_csv)."""
    types = pd.api.types
    if types.is_bool_dtype(values):
        return True
    return (not numeric and not types.is_string_dtype(values) and not types.is_object_dtype(values)
            and bool(values.notna().any()))


def _numeric_positions(header: list, schema: Table | None, expected: dict[str, str]) -> set[int]:
    """Positions of the header's columns that the schema says hold numbers or years."""
    if schema is None:
        return set()
    numeric = {c.name for c in schema.columns if c.kind in _NUMERIC_KINDS}
    return {i for i, h in enumerate(header) if expected.get(normalise_name(h), normalise_name(h)) in numeric}


def _scan_text(path: Path, report: ValidationReport, table: str, file: str) -> tuple[str, int]:
    """The encoding of a text file and its number of lines, from one pass over its bytes.

    UTF-16 when it starts with a UTF-16 byte-order mark; UTF-8 (with or without BOM) when
    every byte decodes; else Windows-1252, or Latin-1 when a byte is undefined in
    Windows-1252 (both reported as a warning naming the first line that is not UTF-8).
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, bad_line = 0, None
    with open(path, "rb") as fh:
        utf16 = fh.read(2) in (b"\xff\xfe", b"\xfe\xff")
        fh.seek(0)
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            if bad_line is None and not utf16:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    bad_line = lines + chunk.count(b"\n", 0, max(exc.start, 0)) + 1
            lines += chunk.count(b"\n")
        if bad_line is None and not utf16:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                bad_line = lines + 1
        if utf16:
            return "utf-16", lines
        if bad_line is None:
            return "utf-8-sig", lines
        fh.seek(0)
        encoding = "cp1252"
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            try:
                chunk.decode("cp1252")
            except UnicodeDecodeError:
                encoding = "latin-1"
                break
    report.warning(
        table,
        f"the file is not UTF-8 (first non-UTF-8 byte on line {bad_line}); it was read as "
        f"{'Windows-1252' if encoding == 'cp1252' else 'Latin-1'}",
        file=file,
        fix="save the file as UTF-8 (CSV UTF-8 in Excel) to be sure accented names are right",
    )
    return encoding, lines


def _plain_comma(lines: list[str]) -> str | None:
    """"," when the lines are plainly comma-separated (the same number of commas on every
    line, no quotes, no other separator), else None for the sniffer to decide."""
    if not lines or any(('"' in line or ";" in line or "\t" in line or "|" in line) for line in lines):
        return None
    counts = {line.count(",") for line in lines}
    return "," if len(counts) == 1 and counts != {0} else None


def _sniff_separator(lines: list[str]) -> str:
    """The separator that Python's CSV sniffer finds (comma when it finds none)."""
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _row_numbers(first_row: int, n: int, skipped: list[int]) -> np.ndarray:
    """Spreadsheet row numbers of ``n`` data rows starting at ``first_row``, minus skipped ones."""
    if not skipped:
        return np.arange(first_row, first_row + n)
    candidates = np.arange(first_row, first_row + n + len(skipped))
    return candidates[~np.isin(candidates, skipped)][:n]


# ----------------------------------------------------------------------------- Excel


def _read_excel(path, schema, column_map, header_row, sheet, report, table, file, limits):
    """The chosen sheet's cells as text, its header, its first data row, and its name."""
    problem = _check_zip(path, limits)
    if problem:
        raise _ReadFailure(problem)
    import openpyxl

    with open(path, "rb") as fh:  # a handle, so that openpyxl does not judge the file by its name
        try:
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for bad files
            raise _ReadFailure(f"the workbook could not be opened: {exc}") from None
        try:
            chosen, h = _choose_sheet(wb, sheet, schema, column_map, header_row, table, limits)
            data = _sheet_rows(wb[chosen], limits)
        finally:
            wb.close()
    if h >= len(data):
        return None, [], np.arange(0), chosen
    header = ["" if c is None else str(c) for c in data[h]]
    body = data[h + 1:]
    width = max([len(header)] + [len(r) for r in body])
    header = header + [""] * (width - len(header))
    cells = np.full((len(body), width), None, dtype=object)
    for i, r in enumerate(body):
        cells[i, : len(r)] = r
    unsaved = _unsaved_formulas(path, chosen, h, cells, limits)
    if unsaved.any():
        r_idx, c_idx = np.nonzero(unsaved)
        letters = _column_letters(width)
        report.warning(
            table,
            f"{len(r_idx)} formula cell(s) have no saved value (the workbook was written by a "
            f"program and never recalculated) and were read as missing",
            file=file,
            column=", ".join(header[c] or f"column {letters[c]}" for c in sorted(set(c_idx.tolist()))),
            rows=sorted(set((r_idx + h + 2).tolist())),
            fix="open the workbook in Excel or LibreOffice and save it, or paste the values",
        )
    converted = np.frompyfunc(_excel_cell_to_text, 1, 1)(cells) if cells.size else cells
    frame = pd.DataFrame(converted, columns=[f"__col{i}" for i in range(width)], dtype=object)
    return frame, header, h + 2, chosen


def _check_zip(path: Path, limits: Limits) -> str | None:
    """Refuse zip bombs and corrupt workbooks before openpyxl unpacks anything."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        return "the file is not a valid Excel workbook (corrupt zip)"
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > limits.max_xlsx_unpacked_bytes or (total / packed > _MAX_XLSX_RATIO and total > 50 * 1024**2):
        return (f"the workbook would expand to {total / 1024**2:,.0f} MB "
                f"({total / packed:,.0f} times its size); refused as a possible zip bomb")
    if not any(i.filename.startswith("xl/") for i in infos):
        return "the file is a zip archive but not an Excel workbook"
    return None


def _check_dimension(ws, limits: Limits) -> None:
    """Refuse a sheet whose declared size (its ``dimension``, e.g. ``A1:XFD1048576``) is
    over the limits, before a row of it is parsed; then make openpyxl size each row by
    the cells it really holds rather than by that declaration."""
    rows, columns = ws.max_row, ws.max_column  # as declared; None when not declared
    if rows and columns and rows * columns > limits.max_cells:
        raise _too_many_cells(rows, columns, limits, f"sheet '{ws.title}' declares {ws.calculate_dimension()},")
    ws.reset_dimensions()


def _choose_sheet(wb, sheet, schema, column_map, header_row, table, limits) -> tuple[str, int]:
    """The sheet to read (the one asked for, else the one named after the table, else the
    one whose header matches the schema best) and the index of its header row."""
    expected = _expected_names(schema, column_map)
    if sheet is not None:
        if sheet not in wb.sheetnames:
            raise _ReadFailure(f"no sheet named '{sheet}'; the sheets are: {', '.join(wb.sheetnames)}")
        candidates = [sheet]
    else:
        named = [s for s in wb.sheetnames if normalise_name(s) == table]
        candidates = named + [s for s in wb.sheetnames if s not in named]
    best = None
    for name in candidates:
        ws = wb[name]
        _check_dimension(ws, limits)
        rows = [list(r) for r in ws.iter_rows(values_only=True, max_row=_HEADER_SCAN_ROWS)]
        h = header_row - 1 if header_row else _find_header(rows, expected)
        score = _header_score(rows[h], expected) if h < len(rows) else -1
        if best is None or score > best[0]:
            best = (score, name, h)
        if score >= len(schema.required_columns if schema else ()):
            break
    return best[1], best[2]


def _sheet_rows(ws, limits: Limits) -> list[tuple]:
    """Every row of a worksheet as a tuple of values, refused as soon as the rows, or the
    rows times the widest row, go over the limits."""
    _check_dimension(ws, limits)
    rows, width = [], 0
    for row in ws.iter_rows(values_only=True):
        rows.append(row)
        width = max(width, len(row))
        if len(rows) > limits.max_rows + _HEADER_SCAN_ROWS:
            raise _too_many_rows(len(rows), limits, "rows at least")
        if len(rows) * width > limits.max_cells:
            raise _too_many_cells(len(rows), width, limits, f"sheet '{ws.title}' holds at least")
    return rows


def _unsaved_formulas(path: Path, sheet: str, h: int, cells: np.ndarray, limits: Limits) -> np.ndarray:
    """Mask of body cells holding a formula without a saved value (read as empty otherwise).

    Only a workbook whose worksheets hold a formula at all is opened a second time, with
    the formulas instead of their values.
    """
    mask = np.zeros(cells.shape, dtype=bool)
    if not _has_formulas(path):
        return mask
    import openpyxl

    with open(path, "rb") as fh:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=False)
        try:
            formulas = _sheet_rows(wb[sheet], limits)[h + 1:]
        finally:
            wb.close()
    for i, row in enumerate(formulas[: cells.shape[0]]):
        for j, f in enumerate(row[: cells.shape[1]]):
            if isinstance(f, str) and f.startswith("=") and cells[i, j] is None:
                mask[i, j] = True
    return mask


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook holds a formula (an ``<f>`` element)."""
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with zf.open(info) as member:
                    for chunk in iter(lambda m=member: m.read(_CHUNK), b""):
                        if b"<f>" in chunk or b"<f " in chunk:
                            return True
    return False


def _excel_cell_to_text(value):
    """One Excel value as the text a CSV export would hold (whole numbers without '.0',
    dates in ISO form); empty and blank cells as missing."""
    if value is None:
        return np.nan
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else np.nan


# ----------------------------------------------------------------------------- Parquet


def _read_parquet(path: Path, limits: Limits):
    """The file's columns as stored, its header and its first row number (2, as if a
    header row came first). The row count in the file's metadata is checked first."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a bad footer
        raise _ReadFailure(f"the file is not a valid Parquet file: {exc}") from None
    if meta.num_rows > limits.max_rows:
        raise _too_many_rows(meta.num_rows, limits, "rows (as its metadata declares)")
    if meta.num_rows * meta.num_columns > limits.max_cells:
        raise _too_many_cells(meta.num_rows, meta.num_columns, limits, "metadata declares")
    frame = pd.read_parquet(path)
    header = [str(c) for c in frame.columns]
    frame.columns = [f"__col{i}" for i in range(frame.shape[1])]
    return frame, header, 2


# ----------------------------------------------------------------------------- shape


def _shape_table(frame, header, first_row, schema, table, file, sheet, column_map, markers, report):
    """Blank rows, headers, repeated headers and footnotes dealt with; columns converted."""
    rows = np.asarray(first_row) if np.ndim(first_row) else np.arange(first_row, first_row + len(frame))
    frame = frame.reset_index(drop=True)
    blank = frame.isna().all(axis=1).to_numpy(dtype=bool) if frame.shape[1] else np.zeros(len(frame), bool)
    if blank.any():
        frame, rows = frame[~blank].reset_index(drop=True), rows[~blank]
    frame, positions, extra = _map_columns(frame, header, schema, table, file, column_map, report)
    if positions:
        repeated = _header_repeats(frame.iloc[:, 0], normalise_name(header[positions[0]]))
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
    n_tail = _footnote_rows(frame, list(schema.required_columns))
    if n_tail:
        report.warning(table, f"{n_tail} footnote or note row(s) after the data were ignored",
                       file=file, rows=rows[len(rows) - n_tail:].tolist())
        frame, rows = frame.iloc[: len(frame) - n_tail].reset_index(drop=True), rows[: len(rows) - n_tail]
    out = {}
    for col in schema.columns:
        if col.name not in frame.columns:
            continue
        failed: list[np.ndarray] = []
        converted = convert_column(frame[col.name], col, table=table, file=file, rows=rows, report=report,
                                   extra_markers=markers, failed=failed)
        out[col.name] = converted
        if not col.nullable:
            empty = np.array(converted.isna(), dtype=bool)
            for mask in failed:  # cells reported as unreadable are not reported as missing too
                empty &= ~mask
            if empty.any():
                report.error(table, "a required value is missing", file=file, column=col.name,
                             rows=rows[empty].tolist(),
                             fix=f"fill in '{col.name}' ({col.description.rstrip('.')}) or remove the row")
    for name in extra:
        values = frame[name]
        out[name] = values.astype(object).where(values.notna(), None) if values.dtype == object else values
    if extra:
        report.info.append(f"{file}: extra column(s) kept as they are: {', '.join(extra)}")
    result = pd.DataFrame(out, index=frame.index)
    if result.empty:
        severity = "error" if schema.required else "warning"
        report.add(severity, table, "the table has a header but no data rows", file=file,
                   fix="export the table again with its rows" if schema.required
                   else "add the rows, or remove the file if the table is not used")
    return TableData(table, result, file, rows, sheet, extra)


def _map_columns(frame, header, schema, table, file, column_map, report):
    """Rename the raw columns (``__col0`` ...) to the schema's names.

    Columns without a header are dropped (with a warning when they hold values), a
    column named twice is reported and its second copy dropped. Returns the frame, each
    kept column's position in the file, and the names of the columns not in the schema.
    """
    expected = _expected_names(schema, column_map)
    letters = _column_letters(len(header))
    mapped: dict[str, str] = {}
    positions: list[int] = []
    seen: dict[str, int] = {}
    extra = []
    for i, h in enumerate(header):
        key = f"__col{i}"
        if key not in frame.columns:
            continue
        norm = normalise_name(h)
        if not norm:
            if schema is not None and frame[key].notna().any():
                report.warning(table, "a column without a header holds values; it was ignored",
                               file=file, column=f"column {letters[i]}")
            continue
        target = expected.get(norm, norm)
        if target in seen:
            report.error(table, f"the column '{target}' appears twice (columns {letters[seen[target]]} "
                         f"and {letters[i]})", file=file, column=target, fix="delete or rename one of them")
            continue
        seen[target] = i
        mapped[key] = target
        positions.append(i)
        if schema is not None and target not in schema.column_names:
            extra.append(target)
    return frame[list(mapped)].rename(columns=mapped), positions, extra


def _header_repeats(values: pd.Series, head: str) -> np.ndarray:
    """Which cells of the first column repeat its header (a header printed on every page).

    Only cells holding the header's first word (in any case) are normalised and compared.
    """
    if pd.api.types.is_numeric_dtype(values) or not head:
        return np.zeros(len(values), dtype=bool)
    text = _text(values)
    word = head.split("_")[0]
    maybe = text.str.contains(word, case=False, regex=False, na=False).to_numpy(dtype=bool)
    hit = np.zeros(len(values), dtype=bool)
    if maybe.any():
        hit[maybe] = [normalise_name(v) == head for v in text[maybe]]
    return hit


def _footnote_rows(frame: pd.DataFrame, required: list[str]) -> int:
    """How many rows at the end hold at most one required value (notes under a table);
    none of a one-column table's rows count, unless empty."""
    filled = frame[required].notna().sum(axis=1).to_numpy()
    sparse = filled <= 1 if len(required) > 1 else filled == 0
    if sparse.all():
        return len(sparse)
    return int(np.argmin(sparse[::-1]))


def _list_columns(columns, limit: int = 20, width: int = 40) -> str:
    """The column names for a message, each shortened and at most ``limit`` of them."""
    names = [str(c) if len(str(c)) <= width else str(c)[: width - 1] + "…" for c in columns]
    if not names:
        return "none"
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


# ----------------------------------------------------------------------------- conversions

_MARKERS = {m.lower() for m in MISSING_MARKERS}
#: Markers also recognised in text columns (where a lone "x" or "-" may be a real value).
_TEXT_MARKERS = {"..", "...", "…", "[c]", "[x]", "[z]", "[u]", "[w]", "[low]", "[d]", "n/a", "#n/a",
                 "not available", "not applicable"}
_EXCEL_ERRORS = {e.lower() for e in EXCEL_ERRORS}
_YEAR_RE = re.compile(r"^\s*(?:fy\s*)?(\d{4})(?:\s*[-/–]\s*(\d{2}|\d{4}))?\s*$", re.IGNORECASE)
#: The largest whole number a float holds exactly; counts and years beyond it are refused.
_LARGEST_WHOLE = 2**53
_NUMERIC_KINDS = ("int", "float", "fraction", "year")


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
    if col.kind in _NUMERIC_KINDS and pd.api.types.is_numeric_dtype(values) \
            and not pd.api.types.is_bool_dtype(values):
        return _numbers_to_kind(values.astype(float), context)
    text = _text(values).str.strip()
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


def _text(values: pd.Series) -> pd.Series:
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
    text = _text(values)
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
