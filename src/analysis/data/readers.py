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
4. **Convert** (:func:`~analysis.data.convert.convert_column`, in :mod:`analysis.data.convert`): each column to its kind. Suppression markers
   (``..``, ``[c]``, ``N/A`` ...) become missing and are counted; ``£``, ``%``, thousands
   separators and stray spaces are removed; financial years written ``2010-11``,
   ``2010/11`` or ``2010-2011`` become 2010; codes are trimmed, normalised (Unicode NFKC,
   invisible characters removed) and upper-cased.

Whatever cannot be read is recorded as a :class:`~analysis.data.problems.Problem` with
the spreadsheet row number; nothing is silently turned into zero.

Why this module is over 600 lines: it is the one path every table file takes, and its
CSV, Excel and Parquet branches share the header search, the size limits, the failure type
and the shaping step; the fourth step, converting cells, is in :mod:`analysis.data.convert`.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data.convert import NUMERIC_KINDS, cells_as_text, convert_column, parse_years
from analysis.data.guards import Limits, UnsafeInputError, check_input_file, variable_for
from analysis.data.problems import ValidationReport
from analysis.data.schema import Table

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
    numeric = {c.name for c in schema.columns if c.kind in NUMERIC_KINDS}
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
    text = cells_as_text(values)
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
