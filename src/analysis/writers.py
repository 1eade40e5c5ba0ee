"""Safe file writing: atomic writes, formula-injection neutralising, output-folder checks.

Only the export and report layers write files, and they write through these helpers,
so every output is complete or absent (never half-written), no CSV/Excel cell can
become a live spreadsheet formula, and nothing is ever written into an input folder.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from analysis.errors import InputError

__all__ = [
    "FORMULA_PREFIXES",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_output_dir",
    "csv_bytes",
    "excel_bytes",
    "neutralise_formulas",
    "output_transaction",
    "safe_filename",
    "write_csv",
    "write_excel",
]

#: Characters that make a spreadsheet treat a text cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


class _Journal:
    """What one run has written: new files, replaced files (with a backup), new folders."""

    def __init__(self):
        self.files: list[tuple[Path, Path | None]] = []
        self.folders: list[Path] = []

    def made_folders(self, folder: Path) -> None:
        """Record the folders that ``folder.mkdir(parents=True)`` is about to create."""
        missing = []
        for candidate in (folder, *folder.parents):
            if candidate.exists():
                break
            missing.append(candidate)
        self.folders.extend(reversed(missing))

    def undo(self) -> None:
        for path, backup in reversed(self.files):
            with contextlib.suppress(OSError):
                if backup is None:
                    path.unlink()
                else:
                    os.replace(backup, path)
        for folder in reversed(self.folders):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: never removes anything the run did not make

    def forget(self) -> None:
        for _, backup in self.files:
            if backup is not None:
                with contextlib.suppress(OSError):
                    backup.unlink()


_journal: _Journal | None = None


@contextlib.contextmanager
def output_transaction():
    """Make a run's outputs all-or-nothing.

    Inside the block, every file written through this module and every folder it creates
    is recorded. If the block raises, the run is undone: files it created are deleted,
    files it replaced get their old contents back and folders it created are removed when
    empty. The command line runs every command inside one transaction.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "run"
    >>> try:
    ...     with output_transaction():
    ...         _ = atomic_write_text(out / "a.csv", "x\\n")
    ...         raise InputError("the second output failed")
    ... except InputError:
    ...     pass
    >>> out.exists()
    False
    """
    global _journal
    outer, _journal = _journal, _Journal()
    journal = _journal
    try:
        yield journal
    except BaseException:
        journal.undo()
        raise
    else:
        journal.forget()
    finally:
        _journal = outer


def _make_parent(path: Path) -> None:
    if path.is_dir():
        raise InputError(f"output path {path} is a folder; give the name of a file to write")
    if _journal is not None:
        _journal.made_folders(path.parent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError(f"cannot write {path}: a part of its folder path is a file, not a folder") from None


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename.

    The file is either complete or untouched; a failure leaves no temporary file behind.
    Inside :func:`output_transaction` the write is recorded so that a failed run is undone.
    """
    path = Path(path)
    _make_parent(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    backup = None
    try:
        # mkstemp makes the file private (0600); give it the usual permissions instead
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if _journal is not None and path.is_file():
            backup = path.with_name(f".{path.name}.{secrets.token_hex(6)}.bak")
            try:
                os.link(path, backup)  # keeps the old contents; the file itself is never absent
            except OSError:
                shutil.copy2(path, backup)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if backup is not None:
            with contextlib.suppress(OSError):
                os.replace(backup, path)
        raise
    if _journal is not None:
        _journal.files.append((path, backup))
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> Path:
    """Write text atomically (see :func:`atomic_write_bytes`); newlines are written as ``\\n``."""
    return atomic_write_bytes(path, text.encode(encoding))


def _neutralise_value(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(data: pd.DataFrame) -> pd.DataFrame:
    """Return a copy in which text cells that a spreadsheet would run as formulas are quoted.

    Text starting with ``=``, ``+``, ``-``, ``@``, tab, carriage return or line feed gets
    a leading apostrophe. Numbers (including negative ones) stay numbers: only text
    cells are touched. Column names are neutralised too. The input is not changed.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"name": ["=HYPERLINK(1)", "Board"], "value": [-1.5, 2.0]})
    >>> neutralise_formulas(frame)
                 name  value
    0  '=HYPERLINK(1)   -1.5
    1           Board    2.0
    """
    out = data.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if pd.api.types.is_datetime64_any_dtype(series):
            continue
        out[col] = series.map(_neutralise_value, na_action="ignore").astype(object)
    out.columns = [_neutralise_value(c) if isinstance(c, str) else c for c in out.columns]
    return out


def csv_bytes(data: pd.DataFrame, *, index: bool = False, **kwargs) -> bytes:
    """Return a frame as the UTF-8 CSV bytes that :func:`write_csv` writes (neutralised).

    For writers that must prepare every file in memory before writing any of them.

    Examples
    --------
    >>> import pandas as pd
    >>> csv_bytes(pd.DataFrame({"name": ["@SUM(A1)"], "n": [-2]}))
    b"name,n\\n'@SUM(A1),-2\\n"
    """
    buf = io.StringIO()
    neutralise_formulas(data).to_csv(buf, index=index, lineterminator="\n", **kwargs)
    return buf.getvalue().encode("utf-8")


def write_csv(data: pd.DataFrame, path: str | os.PathLike, *, index: bool = False, **kwargs) -> Path:
    """Write a frame as UTF-8 CSV, atomically, with formulas neutralised."""
    return atomic_write_bytes(path, csv_bytes(data, index=index, **kwargs))


def write_excel(data: pd.DataFrame | dict[str, pd.DataFrame], path: str | os.PathLike) -> Path:
    """Write one frame (or a dict of sheet name to frame) as XLSX, atomically and neutralised.

    Strings are written as text cells (never as formulas), and the workbook's
    creation date is fixed so that the file is the same from run to run.
    """
    return atomic_write_bytes(path, excel_bytes(data))


def excel_bytes(data: pd.DataFrame | dict[str, pd.DataFrame]) -> bytes:
    """Return the XLSX bytes that :func:`write_excel` writes (neutralised, reproducible).

    Examples
    --------
    >>> import pandas as pd
    >>> payload = excel_bytes(pd.DataFrame({"n": [1, 2]}))
    >>> payload[:2], payload == excel_bytes(pd.DataFrame({"n": [1, 2]}))
    (b'PK', True)
    """
    import datetime as _dt

    sheets = data if isinstance(data, dict) else {"data": data}
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for sheet, frame in sheets.items():
            neutralise_formulas(frame).to_excel(writer, sheet_name=str(sheet)[:31], index=False)
        fixed = _dt.datetime(2000, 1, 1)
        writer.book.properties.created = fixed
        writer.book.properties.modified = fixed
    return _fix_zip_times(buf.getvalue())


def _fix_zip_times(payload: bytes) -> bytes:
    """Rewrite a zip archive with fixed member timestamps (and a fixed modified date in the
    workbook properties) so XLSX bytes are reproducible."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(payload))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time into dcterms:modified; fix it too.
                payload = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2000-01-01T00:00:00Z\g<2>",
                    payload,
                )
            dst.writestr(fixed, payload)
    return out.getvalue()


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str, *, default: str = "output", max_length: int = 80) -> str:
    """Turn any text (a chart title, a partnership name) into a safe single file name.

    Path separators, ``..`` and other special characters cannot survive, so the result
    always names a file directly inside the output folder.

    Examples
    --------
    >>> safe_filename("../../etc/passwd")
    'etc_passwd'
    >>> safe_filename("Austerity vs. activity (2010-2019)")
    'austerity_vs._activity_2010-2019'
    """
    text = _UNSAFE.sub("_", str(name).strip().lower()).strip("._-")
    text = re.sub(r"\.{2,}", ".", text)
    text = text[:max_length].strip("._-")
    return text or default


def check_output_dir(out_dir: str | os.PathLike, *, inputs: Iterable[str | os.PathLike] = ()) -> Path:
    """Check that ``out_dir`` is a usable output folder and create it.

    Refuses a folder inside (or equal to) any input folder, and a folder that cannot be
    written, with an :class:`~analysis.errors.InputError` naming the problem.
    """
    out = Path(out_dir).expanduser().resolve()
    for inp in inputs:
        src = Path(inp).expanduser().resolve()
        src_dir = src if src.is_dir() else src.parent
        if out == src_dir or src_dir in out.parents:
            raise InputError(
                f"output folder {out_dir} is inside the input folder {inp}; the toolkit never "
                f"writes into its input. Choose an output folder outside it, for example "
                f"--out output/{src_dir.name}"
            )
    if out.exists() and not out.is_dir():
        raise InputError(f"output path {out_dir} exists and is not a folder")
    if _journal is not None:
        _journal.made_folders(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create output folder {out_dir}: {exc.strerror}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise InputError(f"output folder {out_dir} is not writable; choose another with --out")
    return out
