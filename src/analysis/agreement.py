"""Agreement between the coder and hand coding (or between two hand coders).

:func:`agreement` compares two sets of document codes and reports per-option
precision, recall and F1, the confusion matrix, Cohen's kappa, Krippendorff's alpha
(nominal) and the list of disagreements with the coder's evidence.
:func:`read_hand_codes` imports hand codes from a plain CSV (``document_id``,
``code``), from Taguette's highlights export or from QualCoder's coding export.

Chance-corrected agreement, briefly: Cohen's kappa compares the observed agreement
with the agreement two coders would reach by chance given each one's own mix of codes;
Krippendorff's alpha instead pools both coders' codes to estimate chance, copes with
any number of coders and with missing codes, and is 1 for perfect agreement and about
0 for agreement no better than chance.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError

__all__ = [
    "AgreementResult",
    "agreement",
    "cohen_kappa",
    "krippendorff_alpha",
    "read_hand_codes",
]

_OPTIONS = ("fight", "adapt", "exit", "collaborate")
_ID_ALIASES = ("document_id", "doc_id", "id", "document", "passage_id", "file", "filename", "file_name")
_CODE_ALIASES = ("code", "hand_code", "option", "primary", "label", "category", "tag")


def _norm(name) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def _pick(columns, aliases) -> str | None:
    normal = {_norm(c): c for c in columns}
    for alias in aliases:
        if alias in normal:
            return normal[alias]
    return None


def _clean_code(value) -> str | None:
    """Lower-case a code; map tags that name exactly one option ('Kahane/Fight') to it."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if not text:
        return None
    low = text.lower()
    if low in _OPTIONS or low == "none":
        return low
    named = [o for o in _OPTIONS if re.search(rf"\b{o}\w*", low)]
    if len(named) == 1:
        return named[0]
    return _norm(text) or None


def _doc_id(value) -> str:
    """Document id from a file name as exported by QDA tools: no folder, no extension."""
    name = str(value).strip().replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    if dot and stem and ext.lower() in ("txt", "md", "docx", "pdf", "doc", "odt", "rtf", "html"):
        return stem
    return name


def _majority(segments: pd.DataFrame, source: str) -> pd.DataFrame:
    """One code per document from coded segments: the most frequent (ties: the first seen)."""
    rows = []
    for doc, group in segments.groupby("document_id", sort=True):
        counts = group["code"].value_counts(sort=False)
        best = counts.max()
        winners = [c for c in group["code"] if counts[c] == best]
        rows.append({"document_id": doc, "code": winners[0], "n_segments": len(group),
                     "tied": int((counts == best).sum() > 1)})
    out = pd.DataFrame(rows, columns=["document_id", "code", "n_segments", "tied"])
    out.attrs["source"] = source
    return out


def read_hand_codes(path: str | os.PathLike, *, format: str = "auto", coder: str | None = None) -> pd.DataFrame:
    """Read hand codes: one code per document.

    Parameters
    ----------
    path : path-like
        A CSV file.
    format : {"auto", "plain", "taguette", "qualcoder"}
        ``plain``: a ``document_id`` column (or ``id``, ``doc_id``, ``file`` ...) and a
        ``code`` column (or ``option``, ``label``, ``primary`` ...), one row per document.
        ``taguette``: Taguette's highlights export, columns ``id``, ``document``,
        ``tag`` and ``content`` (newer versions add ``tag_parent``, ``tag_full_path``
        and ``tag_description``). ``qualcoder``: a QualCoder coding export; the
        importer looks for a code-name column (``codename``, ``code name``, ``code``)
        and a file column (``file``, ``filename``, ``file name``), and an optional
        ``coder`` column. ``auto`` decides from the columns.
    coder : str, optional
        Keep only this coder's codes (QualCoder exports can hold several coders).

    Returns
    -------
    pandas.DataFrame
        ``document_id`` and ``code`` (lower-case; a tag that names exactly one option,
        such as ``Kahane/Fight``, becomes that option). For segment exports (Taguette,
        QualCoder) a document's code is its most frequent tag, ``n_segments`` counts its
        coded segments and ``tied`` flags a tie (the first tag seen is kept).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "hand.csv"
    >>> _ = f.write_text("id,document,tag,content\\n1,minutes.txt,Fight,we lobbied\\n"
    ...                  "2,minutes.txt,Fight,a petition\\n3,blog.txt,Kahane/Collaborate,pooled\\n")
    >>> read_hand_codes(f)[["document_id", "code", "n_segments"]]
      document_id         code  n_segments
    0        blog  collaborate           1
    1     minutes        fight           2
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"hand codes file {path} not found")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"hand codes file {path} is not a readable CSV: {exc}") from None
    cols = {_norm(c): c for c in frame.columns}
    if format == "auto":
        if {"document", "tag"} <= set(cols) and ("content" in cols or "id" in cols):
            format = "taguette"
        elif _pick(frame.columns, ("codename", "code_name")) or (
            _pick(frame.columns, ("file", "filename", "file_name")) and _pick(frame.columns, ("coder",))
        ):
            format = "qualcoder"
        else:
            format = "plain"
    if coder is not None:
        coder_col = _pick(frame.columns, ("coder", "owner", "coder_name"))
        if coder_col is None:
            raise InputError(f"--coder given, but {path.name} has no coder column; columns: {list(frame.columns)}")
        frame = frame[frame[coder_col].str.strip() == coder]
        if frame.empty:
            raise InputError(f"no codes by coder '{coder}' in {path.name}")
    if format == "taguette":
        seg = pd.DataFrame({"document_id": frame[cols["document"]].map(_doc_id),
                            "code": frame[cols["tag"]].map(_clean_code)})
        return _majority(seg.dropna(subset=["code"]), "taguette")
    if format == "qualcoder":
        code_col = _pick(frame.columns, ("codename", "code_name", "code", "codes"))
        file_col = _pick(frame.columns, ("file", "filename", "file_name", "source", "document"))
        if code_col is None or file_col is None:
            raise InputError(f"{path.name} does not look like a QualCoder export: need a code name column "
                             f"and a file column; columns present: {list(frame.columns)}")
        seg = pd.DataFrame({"document_id": frame[file_col].map(_doc_id), "code": frame[code_col].map(_clean_code)})
        return _majority(seg.dropna(subset=["code"]), "qualcoder")
    if format != "plain":
        raise InputError(f"format must be auto, plain, taguette or qualcoder, got {format!r}")
    id_col = _pick(frame.columns, _ID_ALIASES)
    code_col = _pick(frame.columns, _CODE_ALIASES)
    if id_col is None or code_col is None:
        raise InputError(
            f"{path.name} needs a document id column ({', '.join(_ID_ALIASES[:3])} ...) and a code column "
            f"({', '.join(_CODE_ALIASES[:4])} ...); columns present: {', '.join(map(str, frame.columns))}"
        )
    out = pd.DataFrame({"document_id": frame[id_col].str.strip(), "code": frame[code_col].map(_clean_code)})
    out = out[(out["document_id"] != "") & out["code"].notna()]
    dup = out["document_id"].duplicated(keep=False)
    if dup.any():
        return _majority(out, "plain")
    return out.reset_index(drop=True)


def cohen_kappa(a, b) -> float:
    """Cohen's kappa for two coders' nominal codes of the same units.

    Examples
    --------
    A worked example often used to teach kappa: 50 items, both say yes to 20,
    both no to 15, and they split 5 and 10 the other ways; kappa is 0.4.

    >>> a = ["yes"] * 25 + ["no"] * 25
    >>> b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    >>> round(cohen_kappa(a, b), 3)
    0.4
    """
    a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    if len(a) != len(b) or len(a) == 0:
        raise ValueError("kappa needs two equally long, non-empty sequences of codes")
    labels = sorted(set(a) | set(b))
    observed = float(np.mean(a == b))
    pa = np.array([np.mean(a == lab) for lab in labels])
    pb = np.array([np.mean(b == lab) for lab in labels])
    expected = float(pa @ pb)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1.0 - expected)


def krippendorff_alpha(data) -> float:
    """Krippendorff's alpha for nominal codes.

    Parameters
    ----------
    data : 2-D array-like
        One row per coder and one column per unit; missing codes as ``None`` or NaN.
        Units coded by fewer than two coders do not count.

    Examples
    --------
    The worked example in Krippendorff's "Computing Krippendorff's alpha-reliability"
    (2011): four coders, twelve units, nominal alpha 0.743.

    >>> n = None
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
    ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
    ...         [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
    ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n]]
    >>> round(krippendorff_alpha(data), 3)
    0.743
    """
    rows = [list(r) for r in data]
    if not rows:
        raise ValueError("alpha needs at least one coder")
    n_units = len(rows[0])

    def missing(v):
        return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA

    values = sorted({v for r in rows for v in r if not missing(v)}, key=str)
    index = {v: i for i, v in enumerate(values)}
    k = len(values)
    coincidence = np.zeros((k, k))
    for u in range(n_units):
        codes = [index[r[u]] for r in rows if not missing(r[u])]
        m = len(codes)
        if m < 2:
            continue
        counts = np.bincount(codes, minlength=k).astype(float)
        coincidence += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    if n <= 1:
        raise ValueError("alpha needs at least one unit coded by two coders")
    observed_disagreement = coincidence.sum() - np.trace(coincidence)
    expected_pairs = n_c.sum() ** 2 - (n_c**2).sum()
    if expected_pairs == 0:
        return 1.0
    return float(1.0 - (n - 1) * observed_disagreement / expected_pairs)


@dataclass(frozen=True)
class AgreementResult:
    """Everything :func:`agreement` measures.

    Attributes
    ----------
    per_option : pandas.DataFrame
        ``option``, ``precision``, ``recall``, ``f1``, ``support`` (hand-coded
        documents with that option) and ``predicted`` (coded documents with it).
    confusion : pandas.DataFrame
        Rows: hand codes; columns: coder's codes; cells: documents.
    disagreements : pandas.DataFrame
        ``document_id``, ``hand``, ``coded`` and, when the coded file has them, the
        scores and ``evidence``.
    n, accuracy, macro_f1, kappa, alpha : numbers
    only_coded, only_hand : list of str
        Documents that only one side has (left out of the measures).
    """

    per_option: pd.DataFrame
    confusion: pd.DataFrame
    disagreements: pd.DataFrame
    n: int
    accuracy: float
    macro_f1: float
    kappa: float
    alpha: float
    only_coded: list
    only_hand: list

    def summary(self) -> pd.DataFrame:
        """The headline measures as a two-column frame (``measure``, ``value``)."""
        return pd.DataFrame({
            "measure": ["documents compared", "accuracy", "macro F1", "Cohen's kappa",
                        "Krippendorff's alpha (nominal)", "only in coded file", "only in hand codes"],
            "value": pd.Series([self.n, round(self.accuracy, 4), round(self.macro_f1, 4), round(self.kappa, 4),
                      round(self.alpha, 4), len(self.only_coded), len(self.only_hand)], dtype=object),
        })

    def format(self, *, max_disagreements: int = 20) -> str:
        """A readable report of the measures, the table per option and the disagreements."""
        lines = [f"{m}: {v}" for m, v in self.summary().itertuples(index=False)]
        lines += ["", "per option:", self.per_option.round(3).to_string(index=False), "",
                  "confusion matrix (rows: hand, columns: coder):", self.confusion.to_string()]
        if len(self.disagreements):
            lines += ["", f"disagreements ({len(self.disagreements)}):"]
            for row in self.disagreements.head(max_disagreements).itertuples(index=False):
                evidence = getattr(row, "evidence", "")
                evidence = evidence if isinstance(evidence, str) else ""
                lines.append(f"  {row.document_id}: hand {row.hand}, coder {row.coded}"
                             + (f"  <- {evidence[:200]}" if evidence else ""))
            if len(self.disagreements) > max_disagreements:
                lines.append(f"  ... and {len(self.disagreements) - max_disagreements} more")
        return "\n".join(lines)


def _codes_of(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    if "document_id" not in frame.columns:
        raise InputError(f"the {name} codes need a 'document_id' column; columns present: {list(frame.columns)}")
    col = "primary" if "primary" in frame.columns else ("code" if "code" in frame.columns else None)
    if col is None:
        raise InputError(f"the {name} codes need a 'primary' or 'code' column; columns present: {list(frame.columns)}")
    if "paragraph" in frame.columns:
        raise InputError(f"the {name} codes are per paragraph; agreement compares document codes "
                         "(run the coder with --by document)")
    out = frame.assign(document_id=frame["document_id"].astype(str).str.strip(),
                       _code=frame[col].map(_clean_code))
    return out[out["_code"].notna()]


def agreement(coded: pd.DataFrame, hand: pd.DataFrame, *, options=_OPTIONS) -> AgreementResult:
    """Compare the coder's document codes with hand codes.

    Parameters
    ----------
    coded : pandas.DataFrame
        ``document_id`` and ``primary`` (the output of :func:`analysis.coding.code_texts`)
        or ``code``. Not modified.
    hand : pandas.DataFrame
        ``document_id`` and ``code`` (see :func:`read_hand_codes`). Not modified.
    options : sequence of str
        Listed first in the tables; any other code found is added after them.

    Returns
    -------
    AgreementResult

    Examples
    --------
    >>> coded = pd.DataFrame({"document_id": ["a", "b", "c", "d"],
    ...                       "primary": ["fight", "adapt", "exit", "none"]})
    >>> hand = pd.DataFrame({"document_id": ["a", "b", "c", "d"],
    ...                      "code": ["fight", "adapt", "collaborate", "collaborate"]})
    >>> result = agreement(coded, hand)
    >>> result.accuracy, result.disagreements["document_id"].tolist()
    (0.5, ['c', 'd'])
    """
    c = _codes_of(coded, "coded")
    h = _codes_of(hand, "hand")
    if c["document_id"].duplicated().any() or h["document_id"].duplicated().any():
        raise InputError("each document may appear once in each file; found repeated document_id values")
    merged = h[["document_id", "_code"]].rename(columns={"_code": "hand"}).merge(
        c.rename(columns={"_code": "coded"}), on="document_id", how="inner")
    only_coded = sorted(set(c["document_id"]) - set(h["document_id"]))
    only_hand = sorted(set(h["document_id"]) - set(c["document_id"]))
    if merged.empty:
        raise InputError(
            "no document appears in both files; check that the ids match (hand codes: "
            f"{', '.join(h['document_id'].head(3))} ...; coded: {', '.join(c['document_id'].head(3))} ...)"
        )
    y_hand = merged["hand"].to_numpy(dtype=object)
    y_coded = merged["coded"].to_numpy(dtype=object)
    extra = sorted((set(y_hand) | set(y_coded)) - set(options) - {"none"})
    labels = [*options, *extra] + (["none"] if "none" in set(y_hand) | set(y_coded) else [])
    rows = []
    for lab in labels:
        tp = int(np.sum((y_hand == lab) & (y_coded == lab)))
        pred = int(np.sum(y_coded == lab))
        support = int(np.sum(y_hand == lab))
        precision = tp / pred if pred else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"option": lab, "precision": precision, "recall": recall, "f1": f1,
                     "support": support, "predicted": pred})
    per_option = pd.DataFrame(rows)
    scored = per_option[per_option["support"] > 0]
    macro_f1 = float(scored["f1"].mean()) if len(scored) else 0.0
    confusion = pd.crosstab(pd.Categorical(y_hand, categories=labels), pd.Categorical(y_coded, categories=labels),
                            dropna=False)
    confusion.index = pd.Index(labels, name="hand")
    confusion.columns = pd.Index(labels, name="coded")
    keep = ["document_id", "hand", "coded"] + [col for col in coded.columns
                                               if col in (*labels, "evidence") and col in merged.columns]
    disagreements = merged.loc[merged["hand"] != merged["coded"], keep].sort_values("document_id").reset_index(drop=True)
    return AgreementResult(
        per_option=per_option,
        confusion=confusion,
        disagreements=disagreements,
        n=len(merged),
        accuracy=float(np.mean(y_hand == y_coded)),
        macro_f1=macro_f1,
        kappa=float(cohen_kappa(y_hand, y_coded)),
        alpha=float(krippendorff_alpha([list(y_hand), list(y_coded)])),
        only_coded=only_coded,
        only_hand=only_hand,
    )
