"""Reading document text: plain text, Markdown, Word and PDF, with every problem reported.

The coder (:mod:`analysis.coding`) needs the words of board minutes, strategy papers
and blog posts. This module turns files into text and never loses a document
silently: each file either yields text, or yields a row in the problems table that
says what went wrong (missing, empty, binary, too large, a scanned PDF with no text
layer, a broken Word file). Files that could be read with a fallback (text in the
Windows-1252 encoding rather than UTF-8) are read *and* reported as a warning.

Two entry points:

- :func:`index_folder` lists the documents of a plain folder (the document id is the
  file name without its extension);
- :func:`read_documents` reads the files named in a documents index (a frame with
  ``document_id`` and ``path``, relative to a base folder), as the ``documents``
  table of a dataset provides;
- :func:`dataset_documents` reads the documents of a loaded dataset, and gives an empty
  result (rather than an error) for a dataset without a documents table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

import pandas as pd

from analysis.errors import InputError
from analysis.labels import count

__all__ = [
    "DOCUMENT_SUFFIXES",
    "MAX_BYTES",
    "DocumentTexts",
    "dataset_documents",
    "index_folder",
    "load_document_source",
    "read_document",
    "read_documents",
]

#: File types the reader understands.
DOCUMENT_SUFFIXES = (".txt", ".md", ".docx", ".pdf")

#: Files larger than this (bytes) are reported and skipped: 20 MB of text is far more
#: than any board paper, and usually means a wrong file (a data dump or an archive).
MAX_BYTES = 20 * 1024 * 1024

#: A Word file is a zip: refuse one whose parts unpack to more than this (a "zip bomb"
#: of a few kilobytes can declare gigabytes of XML, which the Word reader would parse).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024

#: PDF text extraction costs time in proportion to the page content it interprets (about
#: 5 s per MB of drawing operators here), and a 30 kB PDF can unpack to many megabytes of
#: them. Pages and documents with more content than this are reported and skipped, so no
#: document can stall a run; the limits are deterministic (unlike a clock) and generous for
#: text: a dense page of text holds 10-50 kB of content.
MAX_PDF_PAGE_CONTENT = 1024 * 1024
MAX_PDF_CONTENT = 4 * 1024 * 1024
MAX_PDF_PAGES = 3000

_PROBLEM_COLUMNS = ["document_id", "path", "severity", "problem"]


@dataclass(frozen=True)
class DocumentTexts:
    """What :func:`read_documents` returns.

    Attributes
    ----------
    texts : pandas.DataFrame
        One row per document that yielded text: ``document_id``, ``path``, ``text``,
        plus any other columns of the index (``partnership_id``, ``council_code`` ...).
    problems : pandas.DataFrame
        One row per problem: ``document_id``, ``path``, ``severity`` (``"error"``: the
        document was skipped; ``"warning"``: it was read, with a caveat) and ``problem``.
    """

    texts: pd.DataFrame
    problems: pd.DataFrame

    @property
    def skipped(self) -> list[str]:
        """Ids of the documents that could not be read."""
        errors = self.problems[self.problems["severity"] == "error"]
        return errors["document_id"].tolist()

    def format_problems(self) -> str:
        """The problems as a short readable report (empty string when there are none)."""
        if self.problems.empty:
            return ""
        lines = []
        for severity, title in (("error", "not coded"), ("warning", "coded, with a caveat")):
            rows = self.problems[self.problems["severity"] == severity]
            if rows.empty:
                continue
            lines.append(f"{count(len(rows), 'document')} {title}:")
            for row in rows.itertuples(index=False):
                lines.append(f"  {row.document_id} ({row.path}): {row.problem}")
        return "\n".join(lines)


class _DocumentProblem(Exception):
    """A document that cannot be read; the message is the problem shown to the user."""


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:8192]
    if b"\x00" in sample:
        return True
    # Control characters other than tab, newline, carriage return and form feed are
    # rare in text and common in binary formats.
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return len(sample) > 0 and controls / len(sample) > 0.05


def _decode_text(raw: bytes) -> tuple[str, str | None]:
    """Decode a text file: UTF-8 (with or without BOM), else Windows-1252 with a warning."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), None
        except UnicodeDecodeError:
            raise _DocumentProblem("starts like UTF-16 text but cannot be decoded") from None
    if _looks_binary(raw):
        raise _DocumentProblem(
            "binary content, not text (a file of another type renamed to .txt/.md?)"
        )
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise _DocumentProblem(
            f"not valid UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) nor "
            "Windows-1252 text; save it as UTF-8 and run again"
        ) from None
    return text, (
        f"not valid UTF-8 (byte {utf8_error.start}); read as Windows-1252 instead. "
        "Check accented letters and quotes, or save the file as UTF-8"
    )


def _read_docx(path: Path) -> str:
    import zipfile

    import docx

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise _DocumentProblem(f"not a readable Word (.docx) file ({exc})") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _DocumentProblem(
            f"its parts unpack to {unpacked / 1024 / 1024:,.0f} MB (the limit is "
            f"{MAX_UNPACKED_BYTES / 1024 / 1024:.0f} MB): a damaged or deliberately inflated file; "
            "open it in Word and save it again, or save it as text"
        )
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _DocumentProblem(f"not a readable Word (.docx) file ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds
        raise _DocumentProblem(f"not a readable Word (.docx) file ({type(exc).__name__})") from None
    parts = [p.text for p in document.paragraphs]
    for tbl in document.tables:
        for row in tbl.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n\n".join(parts)


def _read_pdf(path: Path) -> str:
    import logging

    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:  # noqa: BLE001
                raise _DocumentProblem("encrypted PDF; remove the password and run again") from None
        if len(reader.pages) > MAX_PDF_PAGES:
            raise _DocumentProblem(f"{len(reader.pages):,} pages (the limit is {MAX_PDF_PAGES:,}); "
                                   "split it or check that it is the right file")
        pages, content = [], 0
        for number, page in enumerate(reader.pages, start=1):
            size = _pdf_content_size(page)
            content += size
            if size > MAX_PDF_PAGE_CONTENT or content > MAX_PDF_CONTENT:
                raise _DocumentProblem(
                    f"too much page content to read as text (page {number}: {size / 1024:,.0f} kB, "
                    f"{content / 1024 / 1024:,.1f} MB so far; the limits are "
                    f"{MAX_PDF_PAGE_CONTENT // 1024:,} kB a page and {MAX_PDF_CONTENT // 1024 // 1024} MB a "
                    "document): a drawing-heavy or deliberately inflated PDF; export its text instead"
                )
            pages.append(page.extract_text() or "")
    except _DocumentProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on broken files
        raise _DocumentProblem(f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise _DocumentProblem(
            f"no extractable text (scanned PDF?); {len(pages)} page(s) hold images only. "
            "Run it through OCR first"
        )
    return text


def _pdf_content_size(page) -> int:
    """Bytes of drawing operators on a PDF page, unpacked (what text extraction interprets)."""
    contents = page.get_contents()
    return 0 if contents is None else len(contents.get_data())


def read_document(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> tuple[str, str | None]:
    """Read one document and return ``(text, warning)``.

    Parameters
    ----------
    path : path-like
        A .txt, .md, .docx or .pdf file.
    max_bytes : int, default :data:`MAX_BYTES`
        Larger files are refused.

    Returns
    -------
    text : str
        The document's text, line endings normalised to ``\\n``.
    warning : str or None
        A caveat when the file was read with a fallback (for example Windows-1252).

    Raises
    ------
    InputError
        When the file cannot be read; the message says why.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "minutes.txt").write_text("The board agreed to pool budgets.")
    >>> read_document(folder / "minutes.txt")
    ('The board agreed to pool budgets.', None)
    """
    path = Path(path)
    try:
        return _read_one(path, max_bytes=max_bytes)
    except _DocumentProblem as exc:
        raise InputError(f"{path.name}: {exc}") from None


def _inside(base: Path, rel: str) -> Path:
    """``base / rel``, refused when it leaves ``base``: an absolute path, ``..``, or a link out.

    A documents table is data, and data must not make the toolkit read files elsewhere on
    the machine; a symbolic link inside the folder counts by where it points.
    """
    if Path(rel).is_absolute() or PureWindowsPath(rel).drive or rel.startswith(("\\", "~")):
        raise _DocumentProblem("path leaves the dataset folder (absolute); give it relative to the folder")
    if ".." in PurePosixPath(rel.replace("\\", "/")).parts:
        raise _DocumentProblem("path leaves the dataset folder (with '..'); give it relative to the folder")
    path = base / rel
    root = base.resolve()
    real = path.resolve()
    if real != root and root not in real.parents:
        raise _DocumentProblem("is a link to a file outside the dataset folder; copy the file into the "
                               "folder instead")
    return path


def _read_one(path: Path, *, max_bytes: int) -> tuple[str, str | None]:
    if not path.exists():
        raise _DocumentProblem("file not found")
    if path.is_dir():
        raise _DocumentProblem("is a folder, not a file")
    if not path.is_file():
        raise _DocumentProblem("is not a regular file (a device, pipe or socket); give a document file")
    suffix = path.suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise _DocumentProblem(
            f"unsupported file type '{suffix or '(none)'}'; the coder reads {', '.join(DOCUMENT_SUFFIXES)}"
        )
    size = path.stat().st_size
    if size == 0:
        raise _DocumentProblem("empty file (0 bytes)")
    if size > max_bytes:
        raise _DocumentProblem(
            f"too large ({size / 1024 / 1024:.1f} MB; the limit is {max_bytes / 1024 / 1024:.0f} MB); "
            "split it or check that it is the right file"
        )
    warning = None
    try:
        if suffix == ".docx":
            text = _read_docx(path)
        elif suffix == ".pdf":
            text = _read_pdf(path)
        else:
            text, warning = _decode_text(path.read_bytes())
    except OSError as exc:
        raise _DocumentProblem(f"cannot be opened ({exc.strerror})") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _DocumentProblem("no text (the file holds only white space)")
    return text, warning


def index_folder(folder: str | os.PathLike) -> pd.DataFrame:
    """List the documents of a plain folder as a documents index.

    Files with a supported suffix (see :data:`DOCUMENT_SUFFIXES`) are found in the folder
    and its sub-folders; hidden files are skipped. The document id is the file name
    without its extension; when two files share that name, the later ones (in path
    order) are named by their full relative path (``2015/minutes.pdf``) so ids stay unique.

    Returns
    -------
    pandas.DataFrame
        Columns ``document_id`` and ``path`` (relative to ``folder``), sorted by path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "b.txt").write_text("x")
    >>> _ = (folder / "a.md").write_text("y")
    >>> _ = (folder / "notes.csv").write_text("z")
    >>> index_folder(folder)
      document_id   path
    0           a   a.md
    1           b  b.txt
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder")
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in DOCUMENT_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    rows, seen = [], set()
    for p in files:
        rel = p.relative_to(folder)
        doc_id = p.stem
        if doc_id in seen:
            doc_id = rel.as_posix()
        seen.add(doc_id)
        rows.append({"document_id": doc_id, "path": rel.as_posix()})
    return pd.DataFrame(rows, columns=["document_id", "path"])


def read_documents(
    index: pd.DataFrame, base: str | os.PathLike, *, max_bytes: int = MAX_BYTES
) -> DocumentTexts:
    """Read every document named in a documents index.

    Parameters
    ----------
    index : pandas.DataFrame
        Needs ``document_id`` and ``path`` (relative to ``base``; a path that leaves it, by
        ``..``, as an absolute path or through a symbolic link, is reported, never read); other
        columns (``partnership_id``, ``council_code``, ``date``, ``title``) are carried
        through to ``texts``. Not modified.
    base : path-like
        The folder the paths are relative to (the dataset folder).
    max_bytes : int, default :data:`MAX_BYTES`
        Larger files are reported and skipped.

    Returns
    -------
    DocumentTexts
        ``texts`` for the documents that were read and ``problems`` for everything
        else, so that every row of ``index`` is accounted for.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("We lobbied the minister.")
    >>> _ = (folder / "b.txt").write_text("")
    >>> index = pd.DataFrame({"document_id": ["A", "B", "C"], "path": ["a.txt", "b.txt", "c.txt"]})
    >>> result = read_documents(index, folder)
    >>> result.texts[["document_id", "text"]]
      document_id                      text
    0           A  We lobbied the minister.
    >>> result.problems[["document_id", "problem"]]
      document_id               problem
    0           B  empty file (0 bytes)
    1           C        file not found
    """
    missing = [c for c in ("document_id", "path") if c not in index.columns]
    if missing:
        raise InputError(
            f"the documents index needs columns 'document_id' and 'path'; missing "
            f"{', '.join(repr(m) for m in missing)}; columns present: {', '.join(map(str, index.columns))}"
        )
    base = Path(base)
    texts, problems = [], []
    for record in index.to_dict("records"):
        doc_id = record["document_id"]
        rel = record["path"]
        if doc_id is None or (isinstance(doc_id, float) and pd.isna(doc_id)) or str(doc_id).strip() == "":
            problems.append({"document_id": "", "path": str(rel), "severity": "error",
                             "problem": "no document_id in the index"})
            continue
        doc_id = str(doc_id).strip()
        if rel is None or (isinstance(rel, float) and pd.isna(rel)) or str(rel).strip() == "":
            problems.append({"document_id": doc_id, "path": "", "severity": "error",
                             "problem": "no path in the index"})
            continue
        rel = str(rel).strip()
        try:
            text, warning = _read_one(_inside(base, rel), max_bytes=max_bytes)
        except _DocumentProblem as exc:
            problems.append({"document_id": doc_id, "path": rel, "severity": "error", "problem": str(exc)})
            continue
        if warning:
            problems.append({"document_id": doc_id, "path": rel, "severity": "warning", "problem": warning})
        texts.append({**record, "document_id": doc_id, "path": rel, "text": text})
    extra = [c for c in index.columns if c not in ("document_id", "path", "text")]
    columns = ["document_id", "path", "text", *extra]
    text_frame = pd.DataFrame(texts, columns=columns)
    dup = text_frame["document_id"].duplicated(keep="first")
    if dup.any():
        for row in text_frame[dup].itertuples(index=False):
            problems.append({"document_id": row.document_id, "path": row.path, "severity": "error",
                             "problem": "duplicate document_id in the index; only the first was coded"})
        text_frame = text_frame[~dup].reset_index(drop=True)
    return DocumentTexts(text_frame, pd.DataFrame(problems, columns=_PROBLEM_COLUMNS))


def dataset_documents(dataset, *, max_bytes: int = MAX_BYTES) -> DocumentTexts:
    """The documents of a loaded dataset; empty texts and no problems when it has none.

    The texts always carry the documents table's optional columns (``partnership_id``,
    ``council_code``, ``date``, ``title``), empty where the table lacks them, so that
    coding and aggregation run on any valid dataset.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> no_documents = SimpleNamespace(has=lambda name: False, path=".")
    >>> result = dataset_documents(no_documents)
    >>> len(result.texts), list(result.texts.columns)[:4], len(result.problems)
    (0, ['document_id', 'path', 'text', 'partnership_id'], 0)
    """
    from analysis.data.schema import TABLES

    columns = list(TABLES["documents"].column_names)
    index = dataset["documents"] if dataset.has("documents") else pd.DataFrame(columns=columns)
    index = index.reindex(columns=[*columns, *[c for c in index.columns if c not in columns]])
    return read_documents(index, dataset.path, max_bytes=max_bytes)


def load_document_source(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> DocumentTexts:
    """Read the documents of a dataset folder (with a ``documents`` table) or a plain folder.

    A folder holding ``documents.csv`` (or ``.xlsx``/``.parquet``, or a ``dataset.yml``
    that maps a documents table) is read as a dataset: the documents table names the
    files and gives their ids. The documents table is read on its own (converted to
    its schema), so that coding neither waits for nor fails on unrelated tables; with a
    ``dataset.yml`` the dataset is loaded so that its table mapping is respected. Any other folder is read as a plain folder of documents
    (see :func:`index_folder`); a single file is read as one document.

    Returns
    -------
    DocumentTexts
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} not found; give a folder of documents or a dataset folder")
    if path.is_file():
        index = pd.DataFrame({"document_id": [path.stem], "path": [path.name]})
        return read_documents(index, path.parent, max_bytes=max_bytes)
    table_files = [path / f"documents{ext}" for ext in (".csv", ".xlsx", ".parquet")]
    if (path / "dataset.yml").exists() or any(f.exists() for f in table_files):
        index = None
        existing = [f for f in table_files if f.exists()]
        if existing and not (path / "dataset.yml").exists():
            # Coding needs only the documents table: read it alone, without validating
            # (and waiting for) every other table of a large dataset.
            from analysis.data.readers import read_table
            from analysis.data.schema import TABLES

            table = read_table(existing[0], TABLES["documents"])
            if table is not None:
                return read_documents(table.frame, path, max_bytes=max_bytes)
        try:
            from analysis.data import load_dataset

            dataset = load_dataset(path)
            if dataset.has("documents"):
                index = dataset["documents"]
        except InputError:
            index = None
        if index is None:
            existing = [f for f in table_files if f.exists()]
            if not existing:
                raise InputError(f"{path} is a dataset folder without a documents table; add documents.csv "
                                 "(document_id, path) or pass a plain folder of documents")
            from analysis.data.readers import read_table
            from analysis.data.schema import TABLES

            table = read_table(existing[0], TABLES["documents"])
            if table is None:
                raise InputError(f"cannot read the documents table {existing[0]}")
            index = table.frame
        return read_documents(index, path, max_bytes=max_bytes)
    index = index_folder(path)
    if index.empty:
        raise InputError(
            f"no documents found in {path}; the coder reads {', '.join(DOCUMENT_SUFFIXES)} files "
            "(or a dataset folder with documents.csv)"
        )
    return read_documents(index, path, max_bytes=max_bytes)
