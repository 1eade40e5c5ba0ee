"""The Kahane typology: place every partnership on fight, adapt, exit or collaborate.

Where each step lives: :mod:`~analysis.typology.features` (evidence rates),
:mod:`~analysis.typology.estimator` (:class:`KahaneTypology`), :mod:`~analysis.typology.stability`
(:func:`clusterboot`), :mod:`~analysis.typology.options` (prototypes, matching),
:mod:`~analysis.typology.diagnostics`, :mod:`~analysis.typology.summary` (Markdown) and
:mod:`~analysis.typology.result` (:class:`TypologyResult`). Charts are drawn in
:mod:`analysis.figures.typology`.

Framing
-------
Adam Kahane's practical question is what people can do when they face a situation
they will not accept. Two questions sort the answers. Can the situation be changed
at all? And if it can, can we change it by ourselves, or only with the others
involved? If it can be changed and we act on our own, or against the others, we
*fight* (lobbying, legal challenge, campaigning, unilateral pressure). If it can be
changed and we act with the others, we *collaborate* (coalitions, co-production,
joint commissioning, pooled budgets, prevention). If it cannot be changed, we either
stay and live with it, *adapt* (shared services and management, efficiency,
commercial ventures, outsourcing), or we leave it, *exit* (withdrawing a service,
leaving or dissolving a partnership, merging away).

Kahane offers these options as a way of thinking, not as a measure. **Turning them
into numbers, as this module does, is this toolkit's own construction**: we know of
no published study that has operationalised the four options. Read the placements
as a structured first reading to be checked against documents and local knowledge.

Method
------
1. **Features** (:func:`compute_features`): for every partnership, each evidence
   indicator is summed over the years and divided by the years the partnership was
   active in the evidence window (:func:`years_active`), so long-lived partnerships are
   not favoured. Optionally, document-coding shares (``doc_fight`` ...) are joined.
2. **One pipeline from raw features to clusters** (``KahaneTypology.pipeline_``):
   drop indicators present for almost nobody, transform (inverse hyperbolic sine by
   default; ``log1p``; none), scale (range 0-1 or z-scores), k-means. The k panel is
   computed on exactly the transformed and scaled matrix the final k-means sees, with
   the same k-means settings, so the chosen k and the final model live in one space.
3. **Choosing k** with a panel: within-cluster sum of squares (elbow, found as the
   point furthest from the chord of the curve), mean silhouette, gap statistic with
   the one-standard-error rule, Calinski-Harabasz and Davies-Bouldin. ``k="auto"``
   takes the k that most of the five criteria choose (votes for k = 1 by the gap
   statistic are reported but cannot win); a tie goes to the tied k with the highest
   mean silhouette.
4. **k-means** with ``n_init`` restarts (k-means++) under the seed, recording the
   algorithm used; Ward clustering (on a subsample when the data is large) and a
   Gaussian mixture are fitted as alternatives and compared by adjusted Rand index.
5. **Stability** as Hennig's ``fpc::clusterboot`` computes it (:mod:`analysis.stability`):
   the distinct points of each bootstrap resample are clustered afresh (ten k-means
   starts, the best kept) and each original cluster's best Jaccard similarity with a
   resample cluster is averaged; clusters are labelled highly stable (>= 0.85), stable
   (>= 0.75), doubtful (>= 0.6) or dissolved. Also the adjusted Rand index of fits under
   other seeds and of fits on 80% subsamples.
6. **Options**: a prototype partnership per option (high rates on the option's own
   indicators, typical rates on the others, see :func:`option_prototypes`) is mapped
   into the same space; clusters are matched to options by the Hungarian algorithm on
   centroid-to-prototype distance (rectangular when k is not 4; clusters left over take
   their nearest prototype). A cluster whose assigned prototype is not clearly nearer
   than every other (relative margin below ``min_margin``) is called ``mixed``.

Examples
--------
>>> import pandas as pd
>>> own = {"fight": ["lobbying_campaigns", "legal_challenges"],
...        "adapt": ["shared_services", "shared_management"],
...        "exit": ["services_withdrawn", "partnerships_left"],
...        "collaborate": ["pooled_budgets", "joint_commissioning"]}
>>> evidence = pd.DataFrame(
...     [(f"{option[:2]}{i}", indicator, 8 + i)
...      for option, indicators in own.items() for i in (1, 2) for indicator in indicators],
...     columns=["partnership_id", "indicator", "value"])
>>> partnerships = pd.DataFrame({"partnership_id": evidence["partnership_id"].unique(),
...                              "established": 2010, "dissolved": None})
>>> X = compute_features(evidence, partnerships, end=2019)
>>> model = KahaneTypology(k=4, n_boot=0, n_seeds=0, n_subsamples=0,
...                        alternatives=False, random_state=0).fit(X)
>>> model.placements_["option"].tolist()
['fight', 'fight', 'adapt', 'adapt', 'exit', 'exit', 'collaborate', 'collaborate']
"""

from analysis.typology.diagnostics import Recovery, planted_recovery
from analysis.typology.estimator import SCALINGS, SCORE_COLUMNS, TRANSFORMS, KahaneTypology
from analysis.typology.features import (
    DOCUMENT_PREFIX,
    TypologyInputError,
    compute_features,
    council_features,
    feature_options,
    features_for,
    indicator_options,
    years_active,
)
from analysis.typology.options import MIXED, TWO_BY_TWO, option_prototypes
from analysis.typology.result import DEFAULT_SEED, TypologyResult, fit_typology, typology_result
from analysis.typology.stability import STABILITY_LABELS, clusterboot, stability_label
from analysis.typology.summary import summary_markdown

__all__ = [
    "DEFAULT_SEED",
    "DOCUMENT_PREFIX",
    "TypologyResult",
    "Recovery",
    "planted_recovery",
    "fit_typology",
    "typology_result",
    "MIXED",
    "SCORE_COLUMNS",
    "STABILITY_LABELS",
    "TRANSFORMS",
    "SCALINGS",
    "KahaneTypology",
    "TypologyInputError",
    "clusterboot",
    "compute_features",
    "council_features",
    "feature_options",
    "indicator_options",
    "option_prototypes",
    "stability_label",
    "features_for",
    "standard_charts",
    "summary_markdown",
    "typology_charts",
    "TWO_BY_TWO",
    "years_active",
]


def __getattr__(name):
    # The charts live in analysis.figures.typology; imported on first use so that fitting
    # never imports plotting.
    if name in ("standard_charts", "typology_charts"):
        from analysis.figures import typology as figures

        return getattr(figures, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
