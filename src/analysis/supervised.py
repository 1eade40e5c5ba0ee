"""A coder learned from hand-coded documents, and a comparison with the dictionary coder.

:class:`SupervisedCoder` is a scikit-learn estimator (TF-IDF of words and word pairs, a
class-balanced logistic regression) fitted on texts a researcher has hand-coded;
:func:`compare_coders` scores it and :class:`~analysis.coding.DictionaryCoder` on the same
held-out documents. Both are also reachable as ``analysis.coding.SupervisedCoder`` and
``analysis.coding.compare_coders``; this module is imported only when they are used, so that
``python -m analysis code`` does not pay for importing scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from analysis.agreement import agreement
from analysis.coding import DictionaryCoder, check_texts
from analysis.errors import InputError

__all__ = ["CoderComparison", "SupervisedCoder", "compare_coders"]


class SupervisedCoder(ClassifierMixin, BaseEstimator):
    """A coder learned from hand-coded texts: TF-IDF features and a logistic regression.

    A scikit-learn estimator: ``fit(X, y)`` with ``X`` a list (or Series) of texts and
    ``y`` their codes; ``predict``/``predict_proba`` on new texts; it clones, takes
    ``set_params`` and composes in a ``Pipeline``.

    Parameters
    ----------
    ngram_range : tuple, default (1, 2)
        Word n-grams used as features.
    min_df : int, default 1
        Ignore terms found in fewer documents.
    C : float, default 10.0
        Inverse regularisation strength of the logistic regression.
    class_weight : "balanced" or None, default "balanced"
    random_state : int or None
        Passed to the logistic regression.

    Attributes
    ----------
    classes_ : ndarray
        The codes seen in training.
    pipeline_ : sklearn.pipeline.Pipeline
        The fitted vectoriser and model.

    Examples
    --------
    >>> X = ["we lobbied ministers", "a petition against cuts", "we share a back office",
    ...      "outsourced the payroll", "budgets pooled with health", "co-designed with residents"]
    >>> y = ["fight", "fight", "adapt", "adapt", "collaborate", "collaborate"]
    >>> model = SupervisedCoder(random_state=0).fit(X, y)
    >>> model.predict(["residents co-designed the plan"]).tolist()
    ['collaborate']
    """

    def __init__(self, *, ngram_range=(1, 2), min_df=1, C=10.0, class_weight="balanced", random_state=None):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.C = C
        self.class_weight = class_weight
        self.random_state = random_state

    def _texts(self, X) -> list[str]:
        if isinstance(X, pd.DataFrame):
            if "text" not in X.columns:
                raise InputError("SupervisedCoder needs texts: a list, a Series or a frame with a 'text' column")
            X = X["text"]
        if isinstance(X, str):
            raise InputError("SupervisedCoder needs a list of texts, not one string")
        return ["" if not isinstance(t, str) else t for t in X]

    def fit(self, X, y):
        texts = self._texts(X)
        labels = np.asarray(list(y), dtype=object)
        if len(texts) != len(labels):
            raise InputError(f"X has {len(texts)} texts but y has {len(labels)} codes")
        if len(set(labels)) < 2:
            raise InputError("the supervised coder needs hand-coded examples of at least two codes")
        self.pipeline_ = Pipeline([
            ("tfidf", TfidfVectorizer(ngram_range=self.ngram_range, min_df=self.min_df,
                                      sublinear_tf=True, strip_accents="unicode")),
            ("model", LogisticRegression(C=self.C, class_weight=self.class_weight,
                                         random_state=self.random_state, max_iter=2000)),
        ])
        self.pipeline_.fit(texts, labels)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict(self, X):
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict(self._texts(X))

    def predict_proba(self, X):
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict_proba(self._texts(X))

    def top_terms(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` features that weigh most for each code: ``code``, ``term``, ``coef``."""
        check_is_fitted(self, "pipeline_")
        names = self.pipeline_.named_steps["tfidf"].get_feature_names_out()
        coef = self.pipeline_.named_steps["model"].coef_
        rows = []
        classes = list(self.classes_)
        if coef.shape[0] == 1:  # binary: one row of coefficients for classes_[1]
            coef = np.vstack([-coef[0], coef[0]])
        for i, code in enumerate(classes):
            order = np.argsort(-coef[i], kind="stable")[:n]
            rows += [[code, names[j], float(coef[i, j])] for j in order]
        return pd.DataFrame(rows, columns=["code", "term", "coef"])


@dataclass(frozen=True)
class CoderComparison:
    """What :func:`compare_coders` returns.

    ``summary``: one row per coder (``coder``, ``n_test``, ``accuracy``, ``macro_f1``,
    ``kappa``). ``predictions``: the held-out documents with ``hand``, ``dictionary``
    and ``supervised`` codes.
    """

    summary: pd.DataFrame
    predictions: pd.DataFrame


def compare_coders(texts: pd.DataFrame, hand: pd.DataFrame, *, test_size: float = 0.3,
                   random_state=0, codebook=None, supervised=None) -> CoderComparison:
    """Compare the dictionary and the supervised coder on the same held-out documents.

    The hand-coded documents are split (stratified by code) into a training part, used
    only by the supervised coder, and a held-out part on which both coders are scored
    against the hand codes.

    Parameters
    ----------
    texts : pandas.DataFrame
        ``document_id`` and ``text``.
    hand : pandas.DataFrame
        ``document_id`` and ``code`` (see :func:`analysis.agreement.read_hand_codes`).
    test_size : float, default 0.3
    random_state : int, default 0
        Seeds the split and the model.
    supervised : SupervisedCoder, optional
        An unfitted estimator to use (for example with other parameters).

    Returns
    -------
    CoderComparison
    """
    check_texts(texts, id_column="document_id", text_column="text")
    data = texts[["document_id", "text"]].merge(hand[["document_id", "code"]], on="document_id", how="inner")
    if len(data) < 10:
        raise InputError(f"only {len(data)} documents have both text and a hand code; the comparison needs at least 10")
    counts = data["code"].value_counts()
    stratify = data["code"] if counts.min() >= 2 else None
    train, test = train_test_split(data, test_size=test_size, random_state=random_state, stratify=stratify)
    model = supervised if supervised is not None else SupervisedCoder(random_state=random_state)
    model = clone(model).fit(train["text"].tolist(), train["code"].tolist())
    test = test.sort_values("document_id").reset_index(drop=True)
    preds = pd.DataFrame({
        "document_id": test["document_id"],
        "hand": test["code"],
        "dictionary": DictionaryCoder(codebook).predict(test["text"].tolist()),
        "supervised": model.predict(test["text"].tolist()),
    })
    rows = []
    for coder in ("dictionary", "supervised"):
        result = agreement(
            preds[["document_id", coder]].rename(columns={coder: "code"}),
            preds[["document_id", "hand"]].rename(columns={"hand": "code"}),
        )
        rows.append({"coder": coder, "n_train": len(train), "n_test": len(test),
                     "accuracy": result.accuracy, "macro_f1": result.macro_f1, "kappa": result.kappa})
    return CoderComparison(pd.DataFrame(rows), preds)
