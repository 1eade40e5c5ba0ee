"""The rule coder, the learned coder and their combination, on passages.

- :class:`RuleCoder` reads a passage with the phrase-level rules
  (:mod:`analysis.coder.rules`) and the codebook's weighted phrases
  (:class:`analysis.coding.DictionaryCoder`). A codebook phrase inside the span of a phrase
  rule is dropped: "leave the shared audit partnership" is one exit cue, not an exit word plus
  an adapt phrase ("shared ...") plus a partnership word.
- :class:`LearnedCoder` is a scikit-learn estimator: word n-grams, character n-grams and the
  rule coder's scores as features, a class-balanced logistic regression, probabilities
  calibrated by cross-validation (sigmoid). Its classes are the options and ``none``.
- :func:`combine` blends the two: ``w * model + (1 - w) * rules``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import numpy as np

from analysis.coder.rules import NOTHING_DECIDED, PhraseRules

__all__ = ["Analysis", "RuleCoder", "LearnedCoder", "combine", "rule_probabilities", "NONE",
           "RULE_BOOST", "COMBINE_WEIGHT"]

NONE = "none"
# A phrase rule's weight counts this many times a codebook phrase's weight: it reads an
# action and its object, so it outranks the single words around it. Chosen on the
# training half (see docs/coding.md).
RULE_BOOST = 2.0
# Weight of the learned model in the combined coder (the rest goes to the rules); chosen
# by cross-validation on the training half.
COMBINE_WEIGHT = 0.7

_WORD = re.compile(r"[a-z0-9£'\u2019-]+")
#: Where a codebook phrase's sentence ends: a question mark puts it in a question.
_QUESTION_END = re.compile(r"[.!?;]|\n\s*\n")


@dataclass
class Analysis:
    """What the rule coder found in one passage."""

    rule_hits: list = field(default_factory=list)
    dict_hits: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)  # option -> counted weight
    #: the passage says nothing has been decided yet: the words that say so ("no decision has been made")
    undecided: str = ""

    def counted(self):
        return [h for h in self.rule_hits if h.status == "counted"], [h for h in self.dict_hits
                                                                      if h.status == "counted" and h.code]


@functools.lru_cache(maxsize=4)
def _rules() -> PhraseRules:
    return PhraseRules()


@functools.lru_cache(maxsize=4)
def _dictionary(codebook_key):
    from analysis.coding import DictionaryCoder

    return DictionaryCoder(codebook_key)


class RuleCoder:
    """Phrase-level rules plus the codebook's phrases, on passages.

    Parameters
    ----------
    codebook : path-like, Codebook or None
        A codebook for the word-level phrases (``None``: the shipped one).

    Examples
    --------
    >>> coder = RuleCoder()
    >>> coder.predict(["Cabinet agreed to give notice to leave the shared audit partnership.",
    ...                "The council did not leave the partnership.",
    ...                "The minutes were agreed as a correct record."])
    ['exit', 'none', 'none']
    """

    def __init__(self, codebook=None):
        from analysis.codebook import Codebook

        self.codebook = codebook
        if isinstance(codebook, Codebook):  # already loaded: nothing to read or cache
            from analysis.coding import DictionaryCoder

            self.dictionary = DictionaryCoder(codebook)
        else:
            self.dictionary = _dictionary(None if codebook is None else str(codebook))
        self.rules = _rules()
        self.options = tuple(self.dictionary.codes)

    def analyse(self, texts, offsets=None) -> list[Analysis]:
        texts = ["" if not isinstance(t, str) else t for t in texts]
        offsets = list(offsets) if offsets is not None else [0] * len(texts)
        from analysis.coding import _find

        rule_hits = self.rules.find_many(texts, offsets)
        out = []
        for text, off, rhits in zip(texts, offsets, rule_hits, strict=True):
            dhits = _find(self.dictionary._compiled, text, offset=off)
            if rhits:
                spans = [(h.start, h.end) for h in rhits]
                dhits = [h for h in dhits if not any(s < h.end and h.start < e for s, e in spans)]
            dhits = _hedge_phrases(text, off, dhits)
            # "no decision has yet been taken": the passage's cues are set aside (as rules._settle does
            # for the rules'), and its words are kept for the document (RuleCoder's callers)
            said = next((h for h in rhits if h.rule == NOTHING_DECIDED), None)
            if said is not None:
                dhits = [h._replace(status="hypothetical", note="nothing decided yet") if h.status == "counted" else h
                         for h in dhits]
            # The everyday-sense rule has taken its words (from the other rules in PhraseRules,
            # from the codebook's phrases just above); it leaves no trace in the evidence.
            rhits = [h for h in rhits if h.option in self.options]
            totals = dict.fromkeys(self.options, 0.0)
            for h in rhits:
                if h.status == "counted" and h.option in totals:
                    totals[h.option] += h.weight * RULE_BOOST
            for h in dhits:
                if h.status == "counted" and h.code in totals:
                    totals[h.code] += h.weight
            out.append(Analysis(rhits, dhits, totals, " ".join(said.text.split()) if said else ""))
        return out

    def predict(self, texts) -> list[str]:
        return [primary(a.totals, self.options) for a in self.analyse(texts)]


def _hedge_phrases(text: str, offset: int, hits: list) -> list:
    """Codebook phrases in a question, condition or recommendation ("if the council left the
    pool", "should be fighting"), among options listed, or in a plan later withdrawn, set aside as
    the phrase rules are (see :func:`rules._hedged` and :func:`rules._among_options`)."""
    if not any(h.status == "counted" for h in hits):
        return hits
    from analysis.coder.rules import (
        PLAN_WORDS,
        QUESTION_WORDS,
        RETRACTED,
        _among_options,
        _asked,
        _generic,
        _hedged,
        _only_named,
    )
    from analysis.coding import _CLAUSE_BREAK, _SENTENCE_BREAK, _WORD, _last_break, _left_words

    low = text.lower()
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(low)]
    sentences = [m.end() for m in _SENTENCE_BREAK.finditer(low)]
    out = []
    for h in hits:
        if h.status == "counted":
            at = h.start - offset
            # as the rules: in the clause, or after "options" in the sentence with no choice between
            left = _left_words(low, at, 16, breaks)
            before = _WORD.findall(low[_last_break(sentences, at) : at])
            end = _QUESTION_END.search(low, h.end - offset)
            after = _WORD.findall(low[h.end - offset : end.start() if end else len(low)])
            hedge = _hedged(left) or _among_options(before)
            # "Plans to close the pool have been scrapped": the plan's words, and the word that
            # withdrew it, are no cue
            gone = next((w for w in [h.text.lower(), *after] if w in RETRACTED), "") if any(
                w in PLAN_WORDS for w in before[-8:]) else ""
            if gone:
                h = h._replace(status="negated", note=f'the plan was "{gone}"')
            elif hedge:
                h = h._replace(status="hypothetical", note=f'after "{hedge}"')
            elif named := _only_named(left) or _asked(left) or _generic(left):
                h = h._replace(status="hypothetical", note=f'after "{named}"')
            elif end and end.group() == "?" and QUESTION_WORDS.intersection(before[:4]):
                h = h._replace(status="hypothetical", note="in a question")
        out.append(h)
    return out


#: A passage that sets out an option ("Option B - share a manager", "2. Scenario C: ..."), not a decision.
_OPTION_ITEM = re.compile(r"^\W*(?:\d+(?:\.\d+)*[.)]?\s*|\(?[a-z]\)\s*)?(?:option|scenario)\s+"
                          r"(?:[a-z]|\d+|one|two|three|four|five)\b", re.IGNORECASE)


#: Words just before a decision word that say it has not been taken ("to be agreed", "not yet approved",
#: "if approved"); "was not agreed" is a decision (against).
_NOT_YET = {"be", "yet", "unless", "if"}


#: A resolution only to note or receive ("RESOLVED: That the report be noted", "agreed to note the
#: update"): its decision word decides nothing.
#: The words between hold no "and" or comma: "agreed to close the centre and asked officers to note
#: the feedback" is a decision.
_NOTING = re.compile(r"\b(?:resolved|agreed|approved)\b(?:(?!\band\b)[^.;,\n]){0,70}?"
                     r"\b(?:be|was|were|to)\s+(?:noted|note|received|receive)\b")


#: A sentence that ends in a question mark (a question if it opens like one: ``QUESTION_WORDS``).
_ASKING = re.compile(r"[^.!?\n]*\?")


def sets_out_option(text: str) -> bool:
    """Whether a passage sets out one option of several ("Option B - share a manager",
    "4.2 Option 2 - Stay in ...", "(c) Scenario C: ...")."""
    return bool(_OPTION_ITEM.match(text))


def reports_decision(text: str) -> bool:
    """Whether a passage reports a decision: it holds a word of ``patterns.DECISION_WORDS``
    ("agreed", "approved", "resolved", "voted", "recommends" ...) and does not set out an option
    of its own ("Option 3 - ...")."""
    from analysis.coder.patterns import DECISION_WORDS, QUESTION_WORDS

    if sets_out_option(text):
        return False

    def unless_asked(m):  # a question, as the rules read one: "?" and a question word among the first four
        return " " if QUESTION_WORDS.intersection(_WORD.findall(m.group())[:4]) else m.group()

    # a question ("Has the council decided to leave?") and a resolution only to note decide nothing
    words = _WORD.findall(_NOTING.sub(" ", _ASKING.sub(unless_asked, text.lower())))
    # "venue to be confirmed", "yet to be agreed", "if approved" decide nothing
    return any(w in DECISION_WORDS and not _NOT_YET.intersection(words[max(0, k - 2):k]) for k, w in enumerate(words))


def primary(totals: dict, options) -> str:
    """The option with the largest weight; ties go to the earlier option; nothing is ``none``."""
    best = max(options, key=lambda o: (totals.get(o, 0.0), -options.index(o)))
    return best if totals.get(best, 0.0) > 0 else NONE


def rule_probabilities(analyses, classes) -> np.ndarray:
    """Rule weights as a distribution over ``classes`` (options and ``none``)."""
    out = np.zeros((len(analyses), len(classes)))
    index = {c: i for i, c in enumerate(classes)}
    for r, a in enumerate(analyses):
        total = sum(a.totals.values())
        if total <= 0:
            out[r, index[NONE]] = 1.0
        else:
            for o, v in a.totals.items():
                if o in index:
                    out[r, index[o]] = v / total
    return out


def combine(p_model: np.ndarray, p_rules: np.ndarray, weight: float = COMBINE_WEIGHT) -> np.ndarray:
    """``weight * p_model + (1 - weight) * p_rules`` (rows sum to 1)."""
    return weight * p_model + (1.0 - weight) * p_rules


# ------------------------------------------------------------------------- features


@functools.lru_cache(maxsize=200_000)
def _word_char_ngrams(word: str) -> tuple:
    padded = f" {word} "
    return tuple(padded[i : i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1))


def char_ngrams(text: str) -> list:
    """Character 3- to 5-grams inside words (as ``char_wb``), cached per word: fast on long texts."""
    grams: list = []
    for word in _WORD.findall(text.lower()):
        grams.extend(_word_char_ngrams(word))
    return grams


def _rule_feature_names(options) -> list[str]:
    names = []
    for o in options:
        names += [f"rules:{o}", f"codebook:{o}", f"share:{o}", f"negated:{o}", f"set aside:{o}"]
    return [*names, "cues:total", "cues:none"]


def rule_features(analyses, options) -> np.ndarray:
    """One row per passage: the rule coder's evidence as numbers (see :func:`_rule_feature_names`)."""
    index = {o: k for k, o in enumerate(options)}
    n = len(options)
    rows = []
    for a in analyses:
        # One pass over the hits, adding in their order (the same sums as one sum per option).
        rw, dw, neg, aside = [0] * n, [0] * n, [0] * n, [0] * n
        for h in a.rule_hits:
            k = index.get(h.option)
            if k is None:
                continue
            if h.status == "counted":
                rw[k] += h.weight
            elif h.status == "negated":
                neg[k] += 1
            elif h.status in ("opposed", "hypothetical"):
                aside[k] += 1
        for h in a.dict_hits:
            k = index.get(h.code)
            if k is None:
                continue
            if h.status == "counted":
                dw[k] += h.weight
            elif h.status in ("negated", "opposed"):
                aside[k] += 1
        total = sum(a.totals.values())
        row = []
        for k, o in enumerate(options):
            row += [np.log1p(rw[k]) if rw[k] else 0.0, np.log1p(dw[k]) if dw[k] else 0.0,
                    a.totals[o] / total if total else 0.0, min(neg[k], 2), min(aside[k], 2)]
        rows.append([*row, np.log1p(total) if total else 0.0, 1.0 if total <= 0 else 0.0])
    return np.array(rows, dtype=float).reshape(len(analyses), 5 * n + 2)


class _RuleFeatures:
    """A scikit-learn transformer: texts -> the rule coder's features (built lazily; not pickled)."""

    def __init__(self, codebook=None, scale: float = 1.0):
        self.codebook = codebook
        self.scale = scale

    def get_params(self, deep=True):
        return {"codebook": self.codebook, "scale": self.scale}

    def set_params(self, **params):
        for k, v in params.items():
            setattr(self, k, v)
        return self

    def fit(self, X, y=None):
        coder = RuleCoder(self.codebook)
        self.options_ = coder.options
        return self

    def transform(self, X):
        from scipy import sparse

        coder = RuleCoder(self.codebook)
        analyses = X.analyses if isinstance(X, _Passages) else coder.analyse(list(X))
        return sparse.csr_matrix(rule_features(analyses, self.options_) * self.scale)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(_rule_feature_names(self.options_), dtype=object)


class _Passages(list):
    """A list of texts that carries their rule analyses, so that they are computed once."""

    def __init__(self, texts, analyses):
        super().__init__(texts)
        self.analyses = analyses


def _one_thread():
    """Run BLAS on one thread: on these small problems extra threads only contend (on a
    busy 2-core machine a fit was 14 times slower with them)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _learned_class():
    from sklearn.base import BaseEstimator, ClassifierMixin

    class LearnedCoder(ClassifierMixin, BaseEstimator):
        """Word and character n-grams plus rule features; calibrated logistic regression.

        Parameters
        ----------
        C : float
            Inverse regularisation of the logistic regression.
        rule_scale : float
            Multiplier of the rule features against the n-gram features (each n-gram block
            is unit-length per passage).
        calibration_folds : int
            Folds of the sigmoid calibration (:class:`~sklearn.calibration.CalibratedClassifierCV`).
        random_state : int
            Seeds the calibration folds.
        codebook : path-like or None
            The codebook used by the rule features.
        """

        def __init__(self, *, C=8.0, rule_scale=1.0, calibration_folds=5, random_state=0, codebook=None):
            self.C = C
            self.rule_scale = rule_scale
            self.calibration_folds = calibration_folds
            self.random_state = random_state
            self.codebook = codebook

        def _features(self):
            from sklearn.pipeline import FeatureUnion

            from analysis.coder.features import CharNgramTfidf, WordNgramTfidf

            return FeatureUnion([
                # TfidfVectorizer with a transform that skips n-grams outside the vocabulary without
                # an exception each (same output)
                ("words", WordNgramTfidf(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                         strip_accents="unicode", token_pattern=r"(?u)\b\w[\w'-]*\b")),
                # TfidfVectorizer with a transform that reads each distinct word once (same output)
                ("chars", CharNgramTfidf(analyzer=char_ngrams, sublinear_tf=True, min_df=2)),
                ("rules", _RuleFeatures(self.codebook, self.rule_scale)),
            ])

        def fit(self, X, y):

            X = self._passages(X)
            y = np.asarray(list(y), dtype=object)
            with _one_thread():
                return self._fit(X, y)

        def _fit(self, X, y):
            from sklearn.base import clone
            from sklearn.calibration import CalibratedClassifierCV
            from sklearn.linear_model import LogisticRegression
            from sklearn.model_selection import StratifiedKFold
            from sklearn.pipeline import Pipeline

            folds = StratifiedKFold(self.calibration_folds, shuffle=True, random_state=self.random_state)
            base = LogisticRegression(C=self.C, class_weight="balanced", max_iter=1000, tol=1e-3)
            self.pipeline_ = Pipeline([
                ("features", self._features()),
                ("model", CalibratedClassifierCV(base, method="sigmoid", cv=folds)),
            ])
            self.pipeline_.fit(X, y)
            self.classes_ = self.pipeline_.classes_
            # A single logistic regression on all the data, for explanations (linear weights).
            feats = self.pipeline_.named_steps["features"]
            self.explainer_ = clone(base).fit(feats.transform(X), y)
            return self

        def _passages(self, X):
            if isinstance(X, _Passages):
                return X
            texts = ["" if not isinstance(t, str) else t for t in X]
            return _Passages(texts, RuleCoder(self.codebook).analyse(texts))

        def predict_proba(self, X):
            return self.predict_proba_features(self.features(X))

        def features(self, X):
            """The passages' feature matrix (sparse, one row each): what :meth:`predict_proba_features`
            and :meth:`explain_features` read, so that a caller needing both computes it once."""
            with _one_thread():
                return self.pipeline_.named_steps["features"].transform(self._passages(X)).tocsr()

        def predict_proba_features(self, matrix):
            """Class probabilities from a matrix made by :meth:`features` (as :meth:`predict_proba`)."""
            with _one_thread():
                return self.pipeline_.named_steps["model"].predict_proba(matrix)

        def predict(self, X):
            return self.classes_[self.predict_proba(X).argmax(axis=1)]

        def explain(self, X, classes, top: int = 4) -> list[list[tuple[str, float]]]:
            """For each passage, the features that push most towards its class in ``classes``."""
            return self.explain_features(self.features(X), classes, top)

        def explain_features(self, matrix, classes, top: int = 4) -> list[list[tuple[str, float]]]:
            """:meth:`explain` from a matrix made by :meth:`features` (one row per class given)."""
            feats = self.pipeline_.named_steps["features"]
            names = feats.get_feature_names_out()
            coef = self.explainer_.coef_
            index = {c: i for i, c in enumerate(self.explainer_.classes_)}
            matrix = matrix.tocsr()
            indptr, indices = matrix.indptr, matrix.indices
            # Each stored value times its feature's weight for the row's class, all rows at once.
            which = np.array([index.get(c, 0) for c in classes], dtype=np.intp)
            contrib_all = matrix.data * coef[np.repeat(which, np.diff(indptr)), indices]
            out = []
            for r, cls in enumerate(classes):
                start, end = indptr[r], indptr[r + 1]
                if cls not in index or start == end:
                    out.append([])
                    continue
                contrib = contrib_all[start:end]
                # The ``top`` largest positive contributions, ties to the earlier feature: only
                # those at least as large as the top-th largest are sorted.
                order = np.flatnonzero(contrib > 0)
                if len(order) > top:
                    values = contrib[order]
                    order = order[values >= np.partition(values, len(values) - top)[len(values) - top]]
                order = order[np.argsort(-contrib[order], kind="stable")][:top]
                out.append([(_clean_name(names[indices[start + j]]), float(contrib[j])) for j in order])
            return out

    LearnedCoder.__module__ = __name__
    LearnedCoder.__qualname__ = "LearnedCoder"
    return LearnedCoder


def _clean_name(name: str) -> str:
    block, _, term = name.partition("__")
    if block == "chars":
        return f'chars "{term.strip()}"'
    if block == "words":
        return f'"{term}"'
    return term


LearnedCoder = _learned_class()
