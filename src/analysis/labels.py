"""Words for names: what tables and charts show instead of ``snake_case`` identifiers.

A policy writer should read "Real-terms change per head", not ``change_real_per_head``.
One vocabulary serves the notebooks' tables (:func:`analysis.notebook.table`) and the
charts (:mod:`analysis.figures`):

- evidence indicators take the ``label`` the codebook gives them (``indicators`` in
  ``analysis/codebook.yml``, read through :func:`analysis.codebook.load_codebook`);
- the column names, statistics and category values the toolkit uses are in
  :data:`VOCABULARY`, written as they read inside a sentence;
- any other name is made readable by rule: underscores become spaces.

:func:`words` gives the form for running text (alt text, sentences), :func:`label` the
form for a heading, axis or column (its first letter capitalised), :func:`in_words`
rewrites every ``snake_case`` identifier inside a sentence, and :func:`count` writes a number
of things as a sentence has it ("no errors", "1 council is", "2 councils are").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

__all__ = ["SNAKE_CASE", "VOCABULARY", "count", "in_words", "indicator_labels", "label", "words"]

#: Names the toolkit uses, as they read in a sentence (the first letter is capitalised for
#: headings by :func:`label`). Proper names keep their capitals.
VOCABULARY = {
    # Years, money and change.
    "change_real_per_head": "real-terms change per head",
    "change_cash_per_head": "cash change per head",
    "real_per_head": "real terms per head",
    "cash_per_head": "cash per head",
    "real": "real terms",
    "per_head_gbp": "per head (£)",
    "start_gbp_m": "start (£m)",
    "end_gbp_m": "end (£m)",
    "log_change": "log change",
    "median_cut": "median cut",
    "mean_cut": "mean cut",
    # Identifiers.
    "partnership_id": "partnership",
    "document_id": "document",
    "council_code": "council code",
    "n_documents": "documents",
    "n_coded": "documents coded",
    "n_points": "points",
    "is_choice": "a council's choice",
    # Statistics.
    "n": "n",
    "k": "clusters (k)",
    "p": "p-value",
    "coef": "coefficient",
    "se": "standard error",
    "ci_low": "CI lower",
    "ci_high": "CI upper",
    "hr": "hazard ratio",
    "hr_ci_low": "hazard ratio CI lower",
    "hr_ci_high": "hazard ratio CI upper",
    "rho": "Spearman's rho",
    "r2": "R²",
    "f1": "F1",
    "n_boot": "bootstrap resamples",
    "mann_whitney_p": "Mann-Whitney p-value",
    "share_non_zero": "share non-zero",
    "under_0_25": "under 0.25",
    # The typology.
    "wss": "within-cluster sum of squares",
    "gap": "gap statistic",
    "gap_se": "gap standard error",
    "silhouette": "mean silhouette",
    "calinski_harabasz": "Calinski-Harabasz",
    "davies_bouldin": "Davies-Bouldin",
    "jaccard_mean": "mean Jaccard",
    "n_dissolved": "times dissolved",
    "n_recovered": "times recovered",
    "ari_with_kmeans": "adjusted Rand index with k-means",
    "pc1": "first principal component",
    "pc2": "second principal component",
    "doc_fight": "fight in documents",
    "doc_adapt": "adapt in documents",
    "doc_exit": "exit in documents",
    "doc_collaborate": "collaborate in documents",
    # Membership-event indicators (analysis/membership_indicators.yml).
    "members_joined": "members joined",
    "founding_members": "founding members",
    "members_left": "members left",
    "merged_into_another": "merged into another body",
    "wound_up_by_government": "wound up by government",
    # Categories: council tiers and partnership types.
    "london_borough": "London borough",
    "lep": "local enterprise partnership",
    "health_wellbeing_board": "health and wellbeing board",
    "community_safety": "community safety partnership",
    "strategic_partnership": "strategic partnership",
    "shared_service": "shared service",
    "combined_authority": "combined authority",
    "fire_rescue_authority": "fire and rescue authority",
    "local_resilience_forum": "local resilience forum",
    "integrated_care_system": "integrated care system",
    "police_force_area": "police force area",
    "local_skills_improvement_plan": "local skills improvement plan",
}

#: A ``snake_case`` identifier: two or more lower-case words joined by underscores.
SNAKE_CASE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


@functools.lru_cache(maxsize=1)
def _codebook_labels() -> tuple:
    from analysis.codebook import load_codebook

    return tuple(load_codebook().indicator_labels.items())


def indicator_labels() -> dict[str, str]:
    """The label of each evidence indicator, from the shipped codebook.

    Examples
    --------
    >>> indicator_labels()["co_production_projects"]
    'Co-production projects'
    """
    return dict(_codebook_labels())


def _lower_first(text: str) -> str:
    # "Pooled budgets" reads "pooled budgets" in a sentence; "CI lower" and "R²" keep their capitals.
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def words(name, labels: Mapping | None = None) -> str:
    """``name`` as it reads in a sentence.

    ``labels`` (name to words) wins, then the codebook's indicator labels, then
    :data:`VOCABULARY`; any other name has its underscores turned into spaces.

    Examples
    --------
    >>> words("change_real_per_head")
    'real-terms change per head'
    >>> words("pooled_budgets")
    'pooled budgets'
    >>> words("calinski_harabasz")
    'Calinski-Harabasz'
    >>> words("median_confidence")
    'median confidence'
    """
    key = str(name)
    if labels and key in labels:
        return str(labels[key])
    codebook = dict(_codebook_labels())
    if key in codebook:
        return _lower_first(codebook[key])
    if key in VOCABULARY:
        return VOCABULARY[key]
    return key.replace("_", " ").strip() if "_" in key else key


def label(name, labels: Mapping | None = None) -> str:
    """``name`` as a heading, axis label or column name: :func:`words` in sentence case.

    Examples
    --------
    >>> label("change_real_per_head")
    'Real-terms change per head'
    >>> label("share_non_zero")
    'Share non-zero'
    >>> label("joint_commissioning")
    'Joint commissioning'
    >>> label("p")
    'p-value'
    >>> label("index_score", {"index_score": "Index (100 = average)"})
    'Index (100 = average)'
    """
    text = words(name, labels)
    if (labels and str(name) in labels) or re.match(r"[a-z](?![a-z])", text):
        return text  # given words, or a statistical symbol (n, p-value, x) whose case matters
    return text[:1].upper() + text[1:]


def in_words(text: str, labels: Mapping | None = None) -> str:
    """``text`` with every ``snake_case`` identifier in it replaced by its :func:`words`.

    Examples
    --------
    >>> in_words("calinski_harabasz (max): 4, davies_bouldin (min): 4")
    'Calinski-Harabasz (max): 4, Davies-Bouldin (min): 4'
    >>> in_words("cluster 0 (adapt) shared_management 289")
    'cluster 0 (adapt) shared management 289'
    """
    return SNAKE_CASE.sub(lambda m: words(m.group(), labels), str(text))


def count(n: int, singular: str, plural: str | None = None, *, verb: tuple[str, str] | None = None) -> str:
    """``n`` things as a sentence says them, instead of "council(s)".

    ``verb`` is the verb's singular and plural form, to agree with the number.

    Examples
    --------
    >>> count(0, "error"), count(1, "error"), count(1200, "partnership")
    ('no errors', '1 error', '1,200 partnerships')
    >>> count(1, "council", verb=("is", "are")), count(2, "council", verb=("is", "are"))
    ('1 council is', '2 councils are')
    >>> count(3, "body", "bodies")
    '3 bodies'
    """
    n = int(n)
    noun = singular if n == 1 else (plural or singular + "s")
    text = f"no {noun}" if n == 0 else f"{n:,} {noun}"
    return f"{text} {verb[0] if n == 1 else verb[1]}" if verb else text
