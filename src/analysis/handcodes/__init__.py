"""Hand codes from QDA tools: readers, code-to-option mapping and document matching.

:func:`read_hand_codes` turns any supported export (see :mod:`analysis.handcodes.readers`)
into one code per document: each coded segment votes for the option its code (or the
code's category) stands for, and the most frequent option wins. Codes that stand for
no option do not vote; they are listed in ``attrs["ignored_codes"]``.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.handcodes.codes import CodeMap, load_code_map, normalise_code
from analysis.handcodes.matching import match_documents, read_match_file
from analysis.handcodes.readers import FORMATS, LAYOUTS, read_segments

__all__ = [
    "FORMATS",
    "LAYOUTS",
    "CodeMap",
    "document_id_of",
    "load_code_map",
    "match_documents",
    "normalise_code",
    "option_of_code",
    "read_hand_codes",
    "read_match_file",
    "read_segments",
]

_EXTENSIONS = ("txt", "md", "docx", "pdf", "doc", "odt", "rtf", "html", "htm", "epub")


def document_id_of(name) -> str:
    """A document id from a name as QDA tools export it: no folder, no file extension.

    Examples
    --------
    >>> document_id_of("board/Minutes 2015.docx"), document_id_of("INT_01")
    ('Minutes 2015', 'INT_01')
    """
    base = str(name).strip().replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    if dot and stem and ext.lower() in _EXTENSIONS:
        return stem
    return base


def read_hand_codes(
    path: str | os.PathLike,
    *,
    format: str = "auto",
    coder: str | None = None,
    codes: str | os.PathLike | CodeMap | None = None,
) -> pd.DataFrame:
    """Read hand codes: one code per document.

    Parameters
    ----------
    path : path-like
        A plain CSV (``document_id`` and ``code`` columns, or ``id``, ``file``, ``option``
        ...), a Taguette highlights export (CSV or XLSX), a QualCoder coding report (CSV
        or XLSX, 3.2 and later) or a REFI-QDA project (``.qdpx``).
    format : {"auto", "plain", "taguette", "qualcoder", "refi"}
        ``auto`` recognises the layout from the file.
    coder : str, optional
        Keep only this coder's codes (QualCoder reports and REFI-QDA projects name coders).
    codes : path-like or CodeMap, optional
        A user code-to-option mapping (CSV ``code,option`` or YAML), tried before the
        shipped ``hand_codes.yml``.

    Returns
    -------
    pandas.DataFrame
        ``document_id`` (the name without folder or extension) and ``code``. For
        segment exports also ``document`` (the name as exported), ``n_segments``
        (segments that voted) and ``tied`` (1 when two options tied; the first seen is
        kept). ``attrs``: ``source`` (layout), ``ignored_codes`` (codes that map to no
        option, with their segment and document counts) and ``no_option`` (documents
        whose codes all map to no option).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "hand.csv"
    >>> _ = f.write_text("id,document,tag,content\\n1,minutes.txt,Fight,we lobbied\\n"
    ...                  "2,minutes.txt,Fight,a petition\\n3,blog.txt,kahane.Collaboration,pooled\\n"
    ...                  "3,blog.txt,Ação,pooled\\n")
    >>> hand = read_hand_codes(f)
    >>> hand[["document_id", "code", "n_segments"]]
      document_id         code  n_segments
    0        blog  collaborate           1
    1     minutes        fight           2
    >>> hand.attrs["ignored_codes"]["code"].tolist()
    ['ação']
    """
    path = Path(path)
    segments = read_segments(path, format=format)
    layout = segments.attrs["layout"]
    code_map = codes if isinstance(codes, CodeMap) else load_code_map(codes)
    if coder is not None:
        if not segments["coder"].astype(bool).any():
            raise InputError(f"--coder given, but {path.name} ({LAYOUTS[layout]}) names no coders")
        segments = segments[segments["coder"] == coder]
        if segments.empty:
            raise InputError(f"no codes by coder '{coder}' in {path.name}")
    if segments.empty:
        raise InputError(f"hand codes file {path} ({LAYOUTS[layout]}) holds no coded segments")
    options = [code_map.option(c, cats) for c, cats in zip(segments["code"], segments["categories"], strict=False)]
    names = pd.Series(segments["document"].unique())
    short = names.map(document_id_of)
    clash = short.duplicated(keep=False)  # minutes.txt and minutes.docx: keep the full names
    doc_ids = dict(zip(names, short.where(~clash, names), strict=True))
    seg = segments.assign(
        option=options,
        document_id=segments["document"].map(doc_ids),
        code_name=segments["code"].map(normalise_code),
    )
    if layout == "plain":
        # a plain file states each document's code: a code outside the options still counts
        seg["option"] = [o if isinstance(o, str) or code_map.option_of_name(c)[0] else normalise_code(c)
                         for o, c in zip(seg["option"], seg["code"], strict=False)]
    ignored = seg[seg["option"].isna()]
    ignored_codes = (
        ignored.groupby("code_name", sort=True)
        .agg(n_segments=("document", "size"), n_documents=("document_id", "nunique"))
        .reset_index().rename(columns={"code_name": "code"})
    )
    voting = seg[seg["option"].notna()]
    has_ids = voting["segment"].astype(bool)
    voting = pd.concat([voting[has_ids].drop_duplicates(["document_id", "segment", "option"]), voting[~has_ids]])
    voting = voting.sort_index(kind="stable")
    rows = []
    for doc, group in voting.groupby("document_id", sort=True):
        counts = group["option"].value_counts(sort=False)
        best = counts.max()
        winner = next(o for o in group["option"] if counts[o] == best)
        seg_ids = group["segment"]
        n_segments = seg_ids[seg_ids != ""].nunique() + int((seg_ids == "").sum())
        rows.append({"document_id": doc, "document": group["document"].iloc[0], "code": winner,
                     "n_segments": n_segments, "tied": int((counts == best).sum() > 1)})
    out = pd.DataFrame(rows, columns=["document_id", "document", "code", "n_segments", "tied"])
    if layout == "plain" and not out["n_segments"].gt(1).any():
        out = out[["document_id", "code"]]
    out.attrs.update(
        source=layout,
        layout=LAYOUTS[layout],
        ignored_codes=ignored_codes,
        no_option=sorted(set(seg["document_id"]) - set(out["document_id"])),
    )
    return out


_DIRECT = ("fight", "adapt", "exit", "collaborate", "none")


@functools.lru_cache(maxsize=1)
def _default_map() -> CodeMap:
    return load_code_map()


def option_of_code(value) -> str | None:
    """A single code (such as a coder's ``primary``) as an option name where one fits.

    A path such as ``Kahane/Fight`` counts as its last part, then its categories; a code
    that stands for no option comes back normalised (NFC, case-folded).

    Examples
    --------
    >>> option_of_code("Kahane/Fight"), option_of_code("Collaboration"), option_of_code("Ação")
    ('fight', 'collaborate', 'ação')
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    if not text:
        return None
    if text.casefold() in _DIRECT:
        return text.casefold()
    parts = [p for p in re.split(r"\s*[/>\\]\s*", text) if p.strip()] or [text]
    opt = _default_map().option(parts[-1], tuple(reversed(parts[:-1])))
    return opt if opt is not None else normalise_code(text)
