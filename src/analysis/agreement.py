"""Agreement between the coder and hand coding (or between two hand coders).

:func:`agreement` compares two sets of document codes and reports per-option
precision, recall and F1, the confusion matrix, Cohen's kappa, Krippendorff's alpha
(nominal) and the list of disagreements with the coder's evidence.
:func:`read_hand_codes` (from :mod:`analysis.handcodes`) imports hand codes from a
plain CSV, Taguette and QualCoder exports (CSV and XLSX) and REFI-QDA projects.
Kappa comes from :func:`sklearn.metrics.cohen_kappa_score` and alpha from the
``krippendorff`` package.

Chance-corrected agreement, briefly: Cohen's kappa compares the observed agreement
with the agreement two coders would reach by chance given each one's own mix of codes;
Krippendorff's alpha instead pools both coders' codes to estimate chance, copes with
any number of coders and with missing codes, and is 1 for perfect agreement and about
0 for agreement no better than chance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.handcodes import document_id_of, match_documents, option_of_code, read_hand_codes

__all__ = [
    "AgreementResult",
    "agreement",
    "cohen_kappa",
    "krippendorff_alpha",
    "read_hand_codes",
]

_OPTIONS = ("fight", "adapt", "exit", "collaborate")


def cohen_kappa(a, b) -> float:
    """Cohen's kappa for two coders' nominal codes of the same units.

    Computed by :func:`sklearn.metrics.cohen_kappa_score`. When chance agreement is
    already perfect (both coders gave every unit one and the same code) kappa is 0/0;
    it is returned as 1.0 when the coders agree on every unit.

    Examples
    --------
    A worked example often used to teach kappa: 50 items, both say yes to 20,
    both no to 15, and they split 5 and 10 the other ways; kappa is 0.4.

    >>> a = ["yes"] * 25 + ["no"] * 25
    >>> b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    >>> round(cohen_kappa(a, b), 3)
    0.4
    """
    from sklearn.metrics import cohen_kappa_score

    a = [str(v) for v in a]
    b = [str(v) for v in b]
    if len(a) != len(b) or len(a) == 0:
        raise ValueError("kappa needs two equally long, non-empty sequences of codes")
    if len(set(a) | set(b)) == 1:
        return 1.0
    return float(cohen_kappa_score(a, b))


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def krippendorff_alpha(data) -> float:
    """Krippendorff's alpha for nominal codes, from the ``krippendorff`` package.

    Parameters
    ----------
    data : 2-D array-like
        One row per coder and one column per unit; missing codes as ``None`` or NaN.
        Units coded by fewer than two coders do not count. Codes may be strings.

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
    import krippendorff

    rows = [list(r) for r in data]
    if not rows:
        raise ValueError("alpha needs at least one coder")
    values = sorted({v for r in rows for v in r if not _missing(v)}, key=str)
    index = {v: float(i) for i, v in enumerate(values)}
    matrix = np.array([[np.nan if _missing(v) else index[v] for v in r] for r in rows], dtype=float)
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    if not pairable.any():
        raise ValueError("alpha needs at least one unit coded by two coders")
    if len({v for v in matrix[:, pairable].ravel() if not np.isnan(v)}) == 1:
        return 1.0  # one value only: no disagreement possible (the package refuses this case)
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))


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
    documents : pandas.DataFrame
        Every compared document: ``document_id``, ``hand_document`` (its name in the
        hand codes), ``hand``, ``coded`` and ``agree``.
    matches : pandas.DataFrame
        How each hand-coded document was paired with a coded one (see
        :func:`analysis.handcodes.match_documents`): ``hand_document``,
        ``document_id``, ``match`` and ``note``.
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
    matches: pd.DataFrame = field(default_factory=pd.DataFrame)
    documents: pd.DataFrame = field(default_factory=pd.DataFrame)

    def summary(self) -> pd.DataFrame:
        """The headline measures as a two-column frame (``measure``, ``value``)."""
        return pd.DataFrame({
            "measure": ["documents compared", "accuracy", "macro F1", "Cohen's kappa",
                        "Krippendorff's alpha (nominal)", "only in coded file", "only in hand codes"],
            "value": pd.Series([self.n, round(self.accuracy, 4), round(self.macro_f1, 4), round(self.kappa, 4),
                      round(self.alpha, 4), len(self.only_coded), len(self.only_hand)], dtype=object),
        })

    def format_matches(self) -> str:
        """Every document match made other than by exact id, and every unmatched document."""
        m = self.matches
        if m.empty:
            return ""
        made = m[m["match"] != "unmatched"]
        counts = made["match"].value_counts()
        lines = ["documents matched: " + (", ".join(f"{n} by {how}" for how, n in counts.items()) or "none")]
        for row in made[made["match"] != "exact"].itertuples(index=False):
            lines.append(f"  {row.hand_document} -> {row.document_id} ({row.match})")
        hand_left = m[(m["match"] == "unmatched") & (m["hand_document"] != "")]
        coded_left = m[(m["match"] == "unmatched") & (m["hand_document"] == "")]
        if len(hand_left):
            lines.append(f"hand-coded documents not matched ({len(hand_left)}):")
            lines += [f"  {r.hand_document}" + (f"  ({r.note})" if r.note else "")
                      for r in hand_left.itertuples(index=False)]
        if len(coded_left):
            lines.append(f"coded documents without hand codes ({len(coded_left)}):")
            lines += [f"  {r.document_id}" for r in coded_left.itertuples(index=False)]
        return "\n".join(lines)

    def format(self, *, max_disagreements: int = 20) -> str:
        """A readable report of the measures, the table per option and the disagreements.

        ``max_disagreements=0`` lists every disagreement.
        """
        lines = [f"{m}: {v}" for m, v in self.summary().itertuples(index=False)]
        if not self.matches.empty:
            lines += ["", self.format_matches()]
        lines += ["", "per option:", self.per_option.round(3).to_string(index=False), "",
                  "confusion matrix (rows: hand, columns: coder):", self.confusion.to_string()]
        if len(self.disagreements):
            lines += ["", f"disagreements ({len(self.disagreements)}):"]
            shown = self.disagreements if max_disagreements <= 0 else self.disagreements.head(max_disagreements)
            for row in shown.itertuples(index=False):
                evidence = getattr(row, "evidence", "")
                evidence = evidence if isinstance(evidence, str) else ""
                name = getattr(row, "hand_document", "")
                name = f" (hand: {name})" if isinstance(name, str) and name and name != row.document_id else ""
                lines.append(f"  {row.document_id}{name}: hand {row.hand}, coder {row.coded}"
                             + (f"  <- {evidence[:200]}" if evidence else ""))
            if max_disagreements > 0 and len(self.disagreements) > max_disagreements:
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
                       _code=frame[col].map(option_of_code))
    return out[out["_code"].notna()]


def agreement(coded: pd.DataFrame, hand: pd.DataFrame, *, options=_OPTIONS, match: dict | None = None) -> AgreementResult:
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
    match : dict, optional
        Hand document id -> coded document id pairs, used before the automatic
        matching (exact id, file name without extension, unique containment; see
        :func:`analysis.handcodes.match_documents`).

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
    names = h["document"].astype(str) if "document" in h.columns else h["document_id"]
    # --match may name a hand document as the tool exported it (with its extension)
    by_name = dict(zip(names, h["document_id"], strict=True))
    match = {by_name.get(k, document_id_of(k) if document_id_of(k) in by_name.values() else k): v
             for k, v in (match or {}).items()}
    matches = match_documents(h["document_id"], c["document_id"], mapping=match)
    paired = matches[matches["match"] != "unmatched"]
    to_coded = dict(zip(paired["hand_document"], paired["document_id"], strict=True))
    shown = dict(zip(h["document_id"], names, strict=True))
    h = h.assign(hand_document=names, document_id=h["document_id"].map(to_coded))
    matches = matches.assign(hand_document=matches["hand_document"].map(lambda d: shown.get(d, d)))
    renamed = (matches["match"] == "exact") & (matches["hand_document"] != matches["document_id"])
    matches.loc[renamed, "match"] = "file name"
    hand_cols = ["document_id", "hand_document", "_code"] + (["n_segments"] if "n_segments" in h.columns else [])
    merged = h.loc[h["document_id"].notna(), hand_cols].rename(columns={"_code": "hand"}).merge(
        c.rename(columns={"_code": "coded"}), on="document_id", how="inner")
    unmatched = matches[matches["match"] == "unmatched"]
    only_coded = sorted(unmatched.loc[unmatched["hand_document"] == "", "document_id"])
    only_hand = sorted(unmatched.loc[unmatched["hand_document"] != "", "hand_document"])
    if merged.empty:
        raise InputError(
            "no document appears in both files; check that the ids match (hand codes: "
            f"{', '.join(map(str, hand['document_id'].head(3)))} ...; coded: {', '.join(c['document_id'].head(3))} ...), "
            "or pair them with --match FILE (columns hand,coded)"
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
    keep = ["document_id", "hand_document", "hand", "coded"] + [
        col for col in ("n_segments", *coded.columns) if col in (*labels, "evidence", "n_segments") and col in merged.columns]
    keep = list(dict.fromkeys(keep))
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
        matches=matches.reset_index(drop=True),
        documents=merged[["document_id", "hand_document", "hand", "coded"]]
        .assign(agree=(merged["hand"] == merged["coded"]).astype(int))
        .sort_values("document_id").reset_index(drop=True),
    )
