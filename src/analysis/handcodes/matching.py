"""Match the documents named in hand codes to the coder's document ids.

QDA tools name documents their own way: Taguette keeps a name the researcher typed
(``INT_01``) or the file name cut to 50 characters; QualCoder and REFI-QDA keep the
file name with its extension. Matching goes, for each hand-coded document, through:

1. an explicit mapping file (``--match FILE``: columns ``hand`` and ``coded``);
2. the exact id;
3. the file name without folder and extension (case-insensitive);
4. a unique normalised containment: letters and digits only, case-folded, one name
   inside the other, not splitting a run of digits (``int1`` does not match
   ``int10``), at least 3 characters, and no other candidate on either side.

Whatever is left is reported as unmatched, with the candidates when it was ambiguous.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from pathlib import Path

import pandas as pd

from analysis.errors import InputError

__all__ = ["match_documents", "read_match_file"]

_EXTENSIONS = {"txt", "md", "docx", "doc", "pdf", "odt", "rtf", "html", "htm", "epub", "csv", "xlsx", "json"}


def _stem(name: str) -> str:
    base = str(name).strip().replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    if dot and stem and ext.casefold() in _EXTENSIONS:
        base = stem
    return unicodedata.normalize("NFC", base).casefold()


def _squash(name: str) -> str:
    return "".join(ch for ch in _stem(name) if ch.isalnum())


def _contains(short: str, long: str) -> bool:
    for m in re.finditer(re.escape(short), long):
        before = long[m.start() - 1] if m.start() else ""
        after = long[m.end()] if m.end() < len(long) else ""
        if (before.isdigit() and short[0].isdigit()) or (after.isdigit() and short[-1].isdigit()):
            continue
        return True
    return False


def read_match_file(path: str | os.PathLike) -> dict[str, str]:
    """A ``--match`` file: CSV with columns ``hand`` and ``coded`` (hand name -> coded id)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"match file {path} not found")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"match file {path} is not UTF-8 text; save it as CSV UTF-8") from None
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not rows or [c.strip().casefold() for c in rows[0][:2]] != ["hand", "coded"]:
        raise InputError(f"match file {path} needs a header row 'hand,coded' (hand-code document name, "
                         "document_id in the coded file)")
    out = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise InputError(f"match file {path}, line {line}: need a hand name and a coded document_id")
        out[row[0].strip()] = row[1].strip()
    return out


def match_documents(hand_ids, coded_ids, *, mapping: dict | None = None) -> pd.DataFrame:
    """Pair hand-coded document names with coded document ids.

    Parameters
    ----------
    hand_ids, coded_ids : iterables of str
    mapping : dict, optional
        Explicit hand name -> coded id pairs; each coded id must exist.

    Returns
    -------
    pandas.DataFrame
        One row per hand document and per coded document left over: ``hand_document``,
        ``document_id`` (empty when unmatched), ``match`` (``--match``, ``exact``,
        ``file name``, ``containment`` or ``unmatched``) and ``note``.

    Examples
    --------
    >>> match_documents(["INT_01", "budget.txt", "x"],
    ...                 ["Fieldwork_INT01_Transcript", "budget", "other"])[["hand_document", "document_id", "match"]]
      hand_document                 document_id        match
    0        INT_01  Fieldwork_INT01_Transcript  containment
    1    budget.txt                      budget    file name
    2             x                                unmatched
    3                                     other    unmatched
    """
    hand = list(dict.fromkeys(str(h) for h in hand_ids))
    coded = list(dict.fromkeys(str(c) for c in coded_ids))
    coded_set = set(coded)
    pairs: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for h, c in (mapping or {}).items():
        if c not in coded_set:
            raise InputError(f"--match maps {h!r} to {c!r}, which is not a document_id in the coded file")
        if h in hand:
            pairs[h] = (c, "--match")
            used.add(c)
    for h in hand:
        if h not in pairs and h in coded_set and h not in used:
            pairs[h] = (h, "exact")
            used.add(h)
    by_stem: dict[str, list[str]] = {}
    for c in coded:
        by_stem.setdefault(_stem(c), []).append(c)
    for h in hand:
        if h in pairs:
            continue
        cands = [c for c in by_stem.get(_stem(h), []) if c not in used]
        if len(cands) == 1:
            pairs[h] = (cands[0], "file name")
            used.add(cands[0])
    notes: dict[str, str] = {}
    left_hand = [h for h in hand if h not in pairs]
    left_coded = [c for c in coded if c not in used]
    squashed = {c: _squash(c) for c in left_coded}
    cands_of = {}
    for h in left_hand:
        sh = _squash(h)
        cands_of[h] = [c for c, sc in squashed.items()
                       if min(len(sh), len(sc)) >= 3 and (_contains(sh, sc) or _contains(sc, sh))]
    claimed: dict[str, int] = {}
    for cands in cands_of.values():
        for c in cands:
            claimed[c] = claimed.get(c, 0) + 1
    for h in left_hand:
        cands = cands_of[h]
        if len(cands) == 1 and claimed[cands[0]] == 1:
            pairs[h] = (cands[0], "containment")
            used.add(cands[0])
        elif cands:
            notes[h] = "ambiguous: " + ", ".join(sorted(cands)[:5])
    rows = []
    for h in hand:
        c, how = pairs.get(h, ("", "unmatched"))
        rows.append({"hand_document": h, "document_id": c, "match": how, "note": notes.get(h, "")})
    for c in coded:
        if c not in used:
            rows.append({"hand_document": "", "document_id": c, "match": "unmatched", "note": ""})
    return pd.DataFrame(rows, columns=["hand_document", "document_id", "match", "note"])
