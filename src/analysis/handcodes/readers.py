"""Read hand codes in the layouts QDA tools really write.

Each layout below is read as the tool's own export code writes it (the source files
named are the ones we read):

- **plain**: a CSV with a document id column and a code column, one row per document.
- **Taguette highlights** (``taguette/export.py``, ``highlights_csv``/``highlights_xslx``):
  columns ``id``, ``document``, ``tag``, ``content``; one row per highlight and tag, so a
  highlight with two tags has two rows, and the per-tag export repeats a highlight once
  per matching tag pair. Rows are de-duplicated by highlight ``id`` and tag. Tags are
  paths (``kahane.fight``): the last part is the code, the parts before it its categories.
- **QualCoder 3.6+ "Report codings"** (``report_codes.py``, ``export_csv_file`` /
  ``export_xlsx_file``): ``File`` (or ``Case`` and ``Filename`` when the report is by
  case), ``Coder``, ``Coded``, ``Id``, ``Codename``, ``Coded_Memo``, then one ``Category``
  column per level (nearest first), then ``FileVar_*``/``CaseVar_*``. Rows are
  de-duplicated by ``Id`` (a coding shown under two cases counts once).
- **QualCoder 3.2-3.5 XLSX**: ``File/case``, ``Coder``, ``Coded``, ``Id``, ``Codename``
  and ``Category`` columns.
- **QualCoder 3.2-3.5 CSV**: one column per code; each cell holds the coded text, a new
  line, and the file (or case) name.
- **REFI-QDA project** (``.qdpx``; QualCoder ``refi.py``, NVivo, ATLAS.ti, MAXQDA): a zip
  holding ``project.qde``; codes nest in ``<CodeBook>`` (QualCoder writes its categories
  as ``isCodable="false"`` codes holding their codes), codings sit in each source's
  selections as ``<Coding><CodeRef targetGUID=.../></Coding>``. An unzipped
  ``project.qde`` is read too; the XML is parsed with ``defusedxml`` (no entities, no
  external references) and the unpacked size is limited.

Every reader returns *segments*: one row per coded segment and code, with columns
``document``, ``code``, ``categories`` (a tuple, nearest first), ``segment`` and
``coder``. Anything else (a project database, a zip that is not a project, an empty
or binary file, text in an unknown encoding) stops with an :class:`InputError` that
names the file and says what to export instead.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from pathlib import Path

import pandas as pd

from analysis.errors import InputError

__all__ = ["FORMATS", "LAYOUTS", "detect_layout", "read_segments", "read_table", "read_text"]

FORMATS = ("auto", "plain", "taguette", "qualcoder", "refi")
LAYOUTS = {
    "plain": "plain CSV (document id and code)",
    "taguette": "Taguette highlights export",
    "qualcoder": "QualCoder 3.6+ 'Report codings' export",
    "qualcoder-case": "QualCoder 3.6+ 'Report codings' export by case",
    "qualcoder-3.5-xlsx": "QualCoder 3.2-3.5 XLSX export (headed File/case)",
    "qualcoder-3.5-csv": "QualCoder 3.2-3.5 CSV export (one column per code)",
    "qualcoder-generic": "QualCoder coding export (code name and file columns)",
    "refi": "REFI-QDA project (.qdpx)",
}
_FAMILY = {"plain": "plain", "taguette": "taguette", "refi": "refi"}

MAX_TEXT_BYTES = 200_000_000
MAX_QDE_BYTES = 500_000_000
MAX_ZIP_MEMBERS = 100_000
MAX_ROWS = 2_000_000

_ID_ALIASES = ("document_id", "doc_id", "id", "document", "passage_id", "file", "filename", "file_name")
_CODE_ALIASES = ("code", "hand_code", "option", "primary", "label", "category", "tag")
_SEGMENT_COLUMNS = ["document", "code", "categories", "segment", "coder"]


def _key(name) -> str:
    return re.sub(r"[^\w]+", "_", str(name).strip().casefold()).strip("_")


def _pick(header, aliases) -> int | None:
    keys = [_key(h) for h in header]
    for alias in aliases:
        if alias in keys:
            return keys.index(alias)
    return None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---------------------------------------------------------------- file kinds

def _database_message(path: Path, head: bytes) -> str:
    if b"highlight_tags" in head:
        tool = ("a Taguette project database (what 'Export project' saves). In Taguette open the project's "
                "Highlights tab, choose 'See all highlights', then 'Export this view' > Excel or CSV, "
                "and pass that file")
    elif b"code_text" in head or b"code_name" in head:
        tool = ("a QualCoder project database. In QualCoder choose Reports > Code retrieval (Coding reports "
                "in older versions), select the codes, export as CSV or XLSX (or Project > Export > REFI-QDA "
                "Project export), and pass that file")
    else:
        tool = "an SQLite database, not hand codes. Export the codings from your QDA tool as CSV or XLSX"
    return f"hand codes file {path} is {tool}"


def _kind(path: Path, head: bytes) -> str:
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    return "text"


def read_table(path: str | os.PathLike) -> tuple[list[str], list[list[str]], str]:
    """A CSV or XLSX file as ``(header, rows, kind)`` with every cell a stripped string.

    ``kind`` is ``"csv"`` or ``"xlsx"``. REFI-QDA projects and databases are not tables
    and raise :class:`InputError`, as does any file that cannot be read as a table.
    """
    path = Path(path)
    head = _head(path)
    kind = _kind(path, head)
    if kind == "sqlite":
        raise InputError(_database_message(path, head))
    if kind == "ole":
        raise InputError(f"hand codes file {path} is an old Excel (.xls) or other Office file; "
                         "save it as .xlsx or CSV (UTF-8) and pass that")
    if kind == "zip":
        names = _zip_names(path)
        if "xl/workbook.xml" in names:
            _check_unpacked(path)
            return (*_read_xlsx(path), "xlsx")
        if "project.qde" in names:
            raise InputError(f"hand codes file {path} is a REFI-QDA project, not a table")
        raise InputError(_zip_message(path, names))
    text = _decode(path)
    header, rows = _read_csv_text(path, text)
    return header, rows, "csv"


def _head(path: Path, what: str = "hand codes") -> bytes:
    if not path.exists():
        raise InputError(f"{what} file {path} not found")
    if not path.is_file():
        raise InputError(f"{what} file {path} is not a regular file; pass a CSV, XLSX or .qdpx export")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{what} file {path} is empty; export the codings again from your QDA tool")
    with path.open("rb") as f:
        return f.read(1 << 20)


def _zip_names(path: Path) -> set[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"hand codes file {path} looks like a zip file but cannot be opened ({exc}); "
                         "export it again") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise InputError(f"hand codes file {path} holds more than {MAX_ZIP_MEMBERS:,} files; "
                         "that is not a QDA export")
    return {i.filename for i in infos}


def _check_unpacked(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        unpacked = sum(i.file_size for i in zf.infolist())
    if unpacked > MAX_TEXT_BYTES:
        raise InputError(f"hand codes file {path} unpacks to {unpacked / 1e6:.0f} MB, over the "
                         f"{MAX_TEXT_BYTES / 1e6:.0f} MB limit for a hand-code export")


def _zip_message(path: Path, names: set[str]) -> str:
    what = "a zip file"
    if "word/document.xml" in names:
        what = "a Word document"
    elif "content.xml" in names:
        what = "an OpenDocument file"
    elif any(n.endswith(".qde") for n in names):
        what = "a zip with a .qde file not named project.qde"
    return (f"hand codes file {path} is {what}, not a REFI-QDA project (.qdpx, which holds project.qde) "
            "nor an XLSX workbook; pass the CSV/XLSX codings export or the .qdpx project")


def _decode(path: Path, what: str = "hand codes") -> str:
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise InputError(f"{what} file {path} is {size / 1e6:.0f} MB, over the {MAX_TEXT_BYTES / 1e6:.0f} MB "
                         "limit for a hand-code export")
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{what} file {path} starts like UTF-16 but is not valid UTF-16; "
                             "save it as CSV UTF-8") from None
    if b"\x00" in raw[:8192]:
        raise InputError(f"{what} file {path} is a binary file, not a CSV, XLSX or .qdpx export")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise InputError(f"{what} file {path} is neither UTF-8 nor Windows-1252 text (byte "
                             f"0x{raw[exc.start]:02x} at position {exc.start}); save it as CSV UTF-8") from None
    if not text.strip():
        raise InputError(f"{what} file {path} is empty; export the codings again from your QDA tool")
    return text


def read_text(path: str | os.PathLike, *, what: str = "hand codes") -> str:
    """A text file's contents (UTF-8, UTF-16 with a BOM, or Windows-1252), or an
    :class:`InputError` naming ``what`` file it is and why it cannot be read as text."""
    path = Path(path)
    head = _head(path, what)
    if _kind(path, head) != "text":
        raise InputError(f"{what} file {path} is a database, zip or Office file, not a CSV text file")
    return _decode(path, what)


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv_text(path: Path, text: str) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False)
    try:
        rows = []
        for i, row in enumerate(reader):
            if i > MAX_ROWS:
                raise InputError(f"hand codes file {path} has more than {MAX_ROWS:,} rows")
            rows.append(row)
    except csv.Error as exc:
        raise InputError(f"hand codes file {path}, line {reader.line_num}: not readable as CSV ({exc})") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError(f"hand codes file {path} is empty; export the codings again from your QDA tool")
    header = [h.strip() for h in rows[0]]
    return header, [[c.strip() for c in r] for r in rows[1:]]


def _read_xlsx(path: Path) -> tuple[list[str], list[list[str]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise InputError(f"hand codes file {path} is an XLSX workbook that cannot be read ({type(exc).__name__}: "
                         f"{exc}); open it in a spreadsheet program and save it again") from None
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # ignore a declared size: read only the cells really there
        rows = []
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            if i > MAX_ROWS:
                raise InputError(f"hand codes file {path} has more than {MAX_ROWS:,} rows")
            cells = [_cell(v) for v in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                rows.append(cells)
    finally:
        wb.close()
    if not rows:
        raise InputError(f"hand codes file {path} is an XLSX workbook with an empty first sheet")
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return rows[0], rows[1:]


# ---------------------------------------------------------------- layouts

def detect_layout(header: list[str], rows: list[list[str]], kind: str) -> str | None:
    """The layout a table's header (and, for the wide layout, cells) matches, or ``None``."""
    keys = [_key(h) for h in header]
    if keys[:4] == ["id", "document", "tag", "content"] or {"id", "document", "tag"} <= set(keys):
        return "taguette"
    if keys and keys[0] == "file_case" and "codename" in keys:
        return "qualcoder-3.5-xlsx"
    if keys and keys[0] in ("file", "case") and {"coder", "id", "codename"} <= set(keys):
        return "qualcoder-case" if keys[0] == "case" and "filename" in keys else "qualcoder"
    if "codename" in keys or ("coder" in keys and _pick(header, ("file", "filename", "file_name")) is not None):
        return "qualcoder-generic"
    if _pick(header, _ID_ALIASES) is not None and _pick(header, _CODE_ALIASES) is not None:
        return "plain"
    cells = [c for r in rows for c in r if c]
    if kind == "csv" and cells and all(header) and sum("\n" in c for c in cells) >= 0.8 * len(cells):
        return "qualcoder-3.5-csv"
    return None


def _frame(records) -> pd.DataFrame:
    return pd.DataFrame.from_records(records, columns=_SEGMENT_COLUMNS)


def _taguette(header, rows):
    keys = [_key(h) for h in header]
    i_id, i_doc, i_tag = keys.index("id"), keys.index("document"), keys.index("tag")
    seen, out = set(), []
    for r in rows:
        doc, tag, hid = r[i_doc], r[i_tag], r[i_id]
        if not doc or not tag or (hid, tag) in seen:
            continue
        seen.add((hid, tag))
        parts = [p for p in tag.split(".") if p.strip()] or [tag]
        out.append((doc, parts[-1], tuple(reversed(parts[:-1])), hid, ""))
    return _frame(out)


def _qualcoder_long(header, rows, layout):
    keys = [_key(h) for h in header]
    i_doc = keys.index("filename") if layout == "qualcoder-case" else 0
    i_code, i_coder, i_id = keys.index("codename"), keys.index("coder"), keys.index("id")
    cat_cols = [i for i, k in enumerate(keys) if k == "category"]
    if cat_cols:  # 3.2-3.5 XLSX only heads the category columns it wrote; take the run after the first
        last = cat_cols[0]
        while last + 1 < len(keys) and keys[last + 1] in ("category", ""):
            last += 1
        cat_cols = list(range(cat_cols[0], last + 1))
    seen, out = set(), []
    for r in rows:
        doc, code, sid = r[i_doc], r[i_code], r[i_id]
        if not doc or not code or (sid and (sid, code) in seen):
            continue
        seen.add((sid, code))
        cats = tuple(r[i] for i in cat_cols if i < len(r) and r[i])
        out.append((doc, code, cats, sid, r[i_coder]))
    return _frame(out)


def _qualcoder_generic(header, rows, path):
    i_code = _pick(header, ("codename", "code_name", "code", "codes"))
    i_doc = _pick(header, ("file", "filename", "file_name", "source", "document"))
    if i_code is None or i_doc is None:
        raise InputError(f"hand codes file {path} looks like a QualCoder export but has no code name column "
                         f"and file column; columns present: {', '.join(header)}")
    i_coder = _pick(header, ("coder", "owner"))
    out = [(r[i_doc], r[i_code], (), "", r[i_coder] if i_coder is not None else "")
           for r in rows if r[i_doc] and r[i_code]]
    return _frame(out)


_FID = re.compile(r"\s+fid:\d+$")


def _qualcoder_wide(header, rows):
    out = []
    for r in rows:
        for code, cell in zip(header, r, strict=False):
            if not cell:
                continue
            doc = _FID.sub("", cell.rsplit("\n", 1)[-1].strip())
            if doc:
                out.append((doc, code, (), "", ""))
    return _frame(out)


def _plain(header, rows, path):
    i_id, i_code = _pick(header, _ID_ALIASES), _pick(header, _CODE_ALIASES)
    if i_id is None or i_code is None:
        raise InputError(
            f"hand codes file {path} needs a document id column ({', '.join(_ID_ALIASES[:3])} ...) and a code "
            f"column ({', '.join(_CODE_ALIASES[:4])} ...); columns present: {', '.join(header)}"
        )
    i_coder = _pick(header, ("coder",))
    out = []
    for r in rows:
        code = r[i_code]
        parts = [p for p in re.split(r"\s*[/>\\]\s*", code) if p.strip()] or [code]
        if r[i_id] and code:
            out.append((r[i_id], parts[-1], tuple(reversed(parts[:-1])), "", r[i_coder] if i_coder is not None else ""))
    return _frame(out)


# ---------------------------------------------------------------- REFI-QDA

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read_qde(path: Path) -> bytes:
    _zip_names(path)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("project.qde")
        if info.file_size > MAX_QDE_BYTES:
            raise InputError(f"hand codes file {path}: project.qde is {info.file_size / 1e6:.0f} MB unpacked, "
                             f"over the {MAX_QDE_BYTES / 1e6:.0f} MB limit")
        with zf.open(info) as f:
            data = f.read(MAX_QDE_BYTES + 1)
    if len(data) > MAX_QDE_BYTES:
        raise InputError(f"hand codes file {path}: project.qde unpacks to more than {MAX_QDE_BYTES / 1e6:.0f} MB")
    return data


def _refi(path: Path, data: bytes):
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(data)
    except DefusedXmlException as exc:
        raise InputError(f"hand codes file {path}: project.qde uses forbidden XML ({type(exc).__name__}); "
                         "export the project again") from None
    except ElementTree.ParseError as exc:
        raise InputError(f"hand codes file {path}: project.qde is not well-formed XML ({exc})") from None
    if _local(root.tag) == "CodeBook":
        raise InputError(f"hand codes file {path} is a REFI-QDA codebook: it lists codes but no codings; "
                         "export the whole project (.qdpx) or the coded segments instead")
    if _local(root.tag) != "Project":
        raise InputError(f"hand codes file {path}: project.qde does not hold a REFI-QDA <Project>")
    users = {u.get("guid"): u.get("name") or "" for u in root.iter() if _local(u.tag) == "User"}
    codes: dict[str, tuple[str, tuple]] = {}

    def walk(el, ancestors):
        for child in el:
            if _local(child.tag) == "Code":
                name = child.get("name") or ""
                codes[child.get("guid")] = (name, tuple(reversed(ancestors)))
                walk(child, [*ancestors, name])

    for el in root:
        if _local(el.tag) == "CodeBook":
            for codes_el in el:
                if _local(codes_el.tag) == "Codes":
                    walk(codes_el, [])
    out = []
    for sources in (el for el in root if _local(el.tag) == "Sources"):
        for source in sources:
            doc = source.get("name") or ""
            for sel in source.iter():
                if not _local(sel.tag).endswith("Selection"):
                    continue
                for coding in (c for c in sel if _local(c.tag) == "Coding"):
                    coder = users.get(coding.get("creatingUser") or sel.get("creatingUser"), "")
                    for ref in (r for r in coding if _local(r.tag) == "CodeRef"):
                        name, cats = codes.get(ref.get("targetGUID"), ("", ()))
                        if doc and name:
                            out.append((doc, name, cats, sel.get("guid") or "", coder))
    return _frame(out)


# ---------------------------------------------------------------- entry point

def read_segments(path: str | os.PathLike, *, format: str = "auto") -> pd.DataFrame:
    """Read a hand-code export as coded segments.

    Parameters
    ----------
    path : path-like
        CSV, XLSX or ``.qdpx`` file.
    format : {"auto", "plain", "taguette", "qualcoder", "refi"}
        ``auto`` recognises the layout; a forced format that the file does not have
        stops with a message naming the layout found.

    Returns
    -------
    pandas.DataFrame
        ``document``, ``code``, ``categories`` (tuple, nearest first), ``segment``,
        ``coder``; ``attrs["layout"]`` names the layout read.
    """
    path = Path(path)
    if format not in FORMATS:
        raise InputError(f"--format must be one of {', '.join(FORMATS)}, got {format!r}")
    head = _head(path)
    kind = _kind(path, head)
    xml = kind == "text" and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    if (kind == "zip" and "project.qde" in _zip_names(path)) or xml:
        layout, segments = "refi", None
    else:
        header, rows, table_kind = read_table(path)
        layout = detect_layout(header, rows, table_kind)
        segments = header, rows
    family = _FAMILY.get(layout, "qualcoder") if layout else None
    if format != "auto" and family != format:
        found = LAYOUTS[layout] if layout else "no layout the toolkit knows"
        raise InputError(f"hand codes file {path} was given as --format {format}, but it is {found}; "
                         f"drop --format (the layout is recognised) or export the file again")
    if layout is None and [_key(h) for h in header[:2]] == ["tag", "description"]:
        raise InputError(f"hand codes file {path} is a Taguette codebook (tags and counts), not highlights; in "
                         "Taguette choose 'See all highlights', then 'Export this view' > Excel or CSV")
    if layout is None:
        raise InputError(
            f"hand codes file {path} needs a document id column ({', '.join(_ID_ALIASES[:3])} ...) and a code "
            f"column ({', '.join(_CODE_ALIASES[:4])} ...), or must be a Taguette highlights export, a QualCoder "
            f"coding report (CSV/XLSX) or a REFI-QDA .qdpx project (see docs/coding.md); columns present: "
            f"{', '.join(header[:12])}"
        )
    if layout == "refi":
        if xml:  # a project.qde (or a .qdc codebook) given unzipped
            if path.stat().st_size > MAX_QDE_BYTES:
                raise InputError(f"hand codes file {path} is over the {MAX_QDE_BYTES / 1e6:.0f} MB limit")
            out = _refi(path, path.read_bytes())
        else:
            out = _refi(path, _read_qde(path))
    else:
        header, rows = segments
        width = len(header)
        rows = [r + [""] * (width - len(r)) if len(r) < width else r for r in rows]
        if layout == "taguette":
            out = _taguette(header, rows)
        elif layout in ("qualcoder", "qualcoder-case", "qualcoder-3.5-xlsx"):
            out = _qualcoder_long(header, rows, layout)
        elif layout == "qualcoder-3.5-csv":
            out = _qualcoder_wide(header, rows)
        elif layout == "qualcoder-generic":
            out = _qualcoder_generic(header, rows, path)
        else:
            out = _plain(header, rows, path)
    out.attrs["layout"] = layout
    return out
