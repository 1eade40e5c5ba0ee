"""The two checks of a dictionary coding that notebook 5 shows, whatever the dataset holds.

:func:`hand_code_check` compares the coder with hand codes (the dataset's
``truth_documents`` table in the example); :func:`typology_check` sets each partnership's
typology placement (indicators) against the primary option of its documents (words).
Both return an object whose tables are empty, and whose sentence says why, when the
dataset cannot give the check, so the notebook displays them without any guard.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.agreement import AgreementResult, agreement

__all__ = ["HandCodeCheck", "TypologyCheck", "hand_code_check", "typology_check"]


@dataclass(frozen=True)
class HandCodeCheck:
    """The coder against hand codes. ``result`` is None when there are none to compare with."""

    result: AgreementResult | None
    options: tuple
    per_option: pd.DataFrame = field(repr=False)
    confusion: pd.DataFrame = field(repr=False)  # long: hand, coded, documents
    disagreements: pd.DataFrame = field(repr=False)
    evidence: str = ""  # each disagreement with the coder's evidence, one block each
    sentence: str = ""


def hand_code_check(codes: pd.DataFrame, dataset, *, options) -> HandCodeCheck:
    """Compare ``codes`` (from :func:`analysis.coding.code_texts`) with the dataset's
    ``truth_documents`` (``document_id``, ``option``)."""
    options = tuple(options)
    hand = (dataset["truth_documents"].rename(columns={"option": "code"})
            if dataset.has("truth_documents") else None)
    result = agreement(codes, hand) if hand is not None and len(codes) else None
    if result is None:
        return HandCodeCheck(
            None, options, per_option=pd.DataFrame(columns=["option", "precision", "recall", "f1", "support"]),
            confusion=pd.DataFrame(columns=["hand", "coded", "documents"]),
            disagreements=pd.DataFrame(columns=["document_id", "hand", "coded", *options]),
            sentence="No hand codes in this dataset (no `truth_documents` table): agreement not measured.")
    confusion = result.confusion.stack().rename("documents").reset_index()
    confusion.columns = ["hand", "coded", "documents"]
    evidence = "\n\n".join(f"{r.document_id} (hand {r.hand}, coder {r.coded}):\n  "
                           + str(r.evidence).replace(" | ", "\n  ") for r in result.disagreements.itertuples())
    sentence = (f"Compared on **{result.n:,} documents**: accuracy {result.accuracy:.2f}, macro F1 "
                f"{result.macro_f1:.2f}, Cohen's kappa {result.kappa:.2f} and Krippendorff's alpha "
                f"{result.alpha:.2f}. The coder and the hand codes disagree on {len(result.disagreements):,} "
                "documents.")
    return HandCodeCheck(result, options, per_option=result.per_option, confusion=confusion,
                         disagreements=result.disagreements[["document_id", "hand", "coded", *options]],
                         evidence=evidence, sentence=sentence)


@dataclass(frozen=True)
class TypologyCheck:
    """Typology placements against the documents' primary options, per partnership."""

    crosstab: pd.DataFrame  # option, primary, partnerships
    n: int
    agree: int
    differ: frozenset
    sentence: str


def typology_check(placements: pd.DataFrame | None, by_partnership: pd.DataFrame, *,
                   hand: HandCodeCheck | None = None, texts: pd.DataFrame | None = None) -> TypologyCheck:
    """Set ``placements`` (``partnership_id``, ``option``; None without a typology) against
    ``by_partnership`` (:func:`analysis.coding.aggregate_codes`). With ``hand`` and the
    documents' ``texts``, the sentence also counts the differing partnerships that have a
    document on which the coder disagrees with the hand codes."""
    empty = pd.DataFrame(columns=["option", "primary", "partnerships"])
    if placements is None:
        return TypologyCheck(empty, 0, 0, frozenset(),
                             "No `evidence` table in this dataset, so there is no typology to compare with.")
    both = placements.merge(by_partnership[by_partnership["n_coded"] > 0], on="partnership_id",
                            suffixes=("", "_documents"))
    crosstab = (both.groupby(["option", "primary"]).size().rename("partnerships").reset_index()
                .sort_values(["option", "primary"], kind="mergesort").reset_index(drop=True))
    same = int((both["option"] == both["primary"]).sum())
    differ = frozenset(both.loc[both["option"] != both["primary"], "partnership_id"])
    sentence = (f"For {len(both):,} partnership{'' if len(both) == 1 else 's'} with coded documents, the typology's placement and the documents' "
                f"primary option agree for {same:,} ({same / len(both):.0%})." if len(both) else
                "No document of this dataset states an option, so there is nothing to set against the typology."
                if not (by_partnership["n_coded"] > 0).any() else
                "No partnership has both a placement and coded documents.")
    if differ and hand is not None and hand.result is not None and texts is not None:
        missed = set(texts.loc[texts["document_id"].isin(hand.result.disagreements["document_id"]),
                               "partnership_id"])
        sentence += (f" Of the {len(differ):,} partnerships where they differ, {len(differ & missed):,} have a "
                     "document on which the coder also disagrees with the hand codes.")
    return TypologyCheck(crosstab, len(both), same, differ, sentence)


@dataclass(frozen=True)
class DocumentTypology:
    """A quick four-cluster typology with the documents' shares as features (no stability checks).

    ``doc_features``: ``partnership_id`` and the ``doc_`` columns (empty without an ``evidence``
    table); ``placements``: the typology's placements, or None without an ``evidence`` table.
    """

    doc_features: pd.DataFrame
    placements: pd.DataFrame | None


def document_typology(dataset, by_partnership: pd.DataFrame, *, start: int, end: int,
                      random_state) -> DocumentTypology:
    """Fit :class:`~analysis.typology.KahaneTypology` (k=4, no bootstrap) on the evidence rates
    plus the document shares of ``by_partnership``; see :class:`DocumentTypology`."""
    from analysis.typology import DOCUMENT_PREFIX, fit_typology

    if not dataset.has("evidence"):
        return DocumentTypology(pd.DataFrame(columns=["partnership_id"]), None)
    fitted = fit_typology(dataset, documents=by_partnership, start=start, end=end, random_state=random_state,
                          k=4, n_boot=0, n_seeds=0, n_subsamples=0, alternatives=False)
    columns = [c for c in fitted.features.columns if c.startswith(DOCUMENT_PREFIX)]
    return DocumentTypology(fitted.features[columns].reset_index(), fitted.model.placements_)
