"""The learned coder's word and character n-gram blocks, with faster transforms.

Both are scikit-learn's :class:`~sklearn.feature_extraction.text.TfidfVectorizer`; fitting is
the vectoriser's own, and ``transform`` gives the same matrix, value for value:

- :class:`CharNgramTfidf`, over :func:`analysis.coder.engine.char_ngrams` (character 3- to
  5-grams inside words): scikit-learn looks every n-gram of every passage up in the vocabulary
  (about 800 a passage), while this one looks up the n-grams of each distinct word once per
  call and counts the passage's vocabulary indices;
- :class:`WordNgramTfidf`, the word unigrams and bigrams: the same n-grams (the vectoriser's own
  analyser), looked up with ``dict.get`` instead of scikit-learn's ``try``/``except KeyError``,
  which costs an exception for each n-gram outside the vocabulary (most bigrams of a new
  passage).

Both then weight the counts as the vectoriser does (sublinear term frequency, inverse document
frequency, unit length). With settings they do not handle (``binary``, no idf, another dtype;
for the characters another analyser) they fall back on the vectoriser's own transform.
``tests/test_coder_fast.py`` compares them with it.

This module imports scikit-learn's text module; :mod:`analysis.coder.engine` imports it only
when a learned coder is built or loaded, so that the rule coder starts without it.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from analysis.coder.engine import _WORD, _word_char_ngrams, char_ngrams

__all__ = ["CharNgramTfidf", "WordNgramTfidf"]


class CharNgramTfidf(TfidfVectorizer):
    """A :class:`~sklearn.feature_extraction.text.TfidfVectorizer` whose ``transform`` counts the
    character n-grams of each distinct word once (same parameters, same output).

    Examples
    --------
    >>> texts = ["the shared service ends", "the shared service continues", "services end"]
    >>> fast = CharNgramTfidf(analyzer=char_ngrams, sublinear_tf=True).fit(texts)
    >>> plain = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True).fit(texts)
    >>> (fast.transform(texts) != plain.transform(texts)).nnz
    0
    """

    def transform(self, raw_documents):
        if self.analyzer is not char_ngrams or self.binary or not self.use_idf or np.dtype(self.dtype) != np.float64:
            return super().transform(raw_documents)
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        check_is_fitted(self, msg="The TF-IDF vectorizer is not fitted")
        vocabulary = self.vocabulary_
        # Passages x distinct words (how often each word occurs), times distinct words x
        # n-grams (how often each n-gram of the vocabulary occurs in the word): the n-gram
        # counts of every passage, with each word's n-grams looked up once.
        distinct: dict[str, int] = {}
        occurrences: list[int] = []
        indptr = [0]
        for doc in raw_documents:
            for word in _WORD.findall(doc.lower()):
                j = distinct.get(word)
                if j is None:
                    j = distinct[word] = len(distinct)
                occurrences.append(j)
            indptr.append(len(occurrences))
        words = sparse.csr_matrix((np.ones(len(occurrences)), np.asarray(occurrences, dtype=np.int64),
                                   np.asarray(indptr, dtype=np.int64)), shape=(len(indptr) - 1, len(distinct)))
        grams, gram_ptr = [], [0]
        for word in distinct:
            grams.extend(vocabulary[g] for g in _word_char_ngrams(word) if g in vocabulary)
            gram_ptr.append(len(grams))
        spelling = sparse.csr_matrix((np.ones(len(grams)), np.asarray(grams, dtype=np.int64),
                                      np.asarray(gram_ptr, dtype=np.int64)), shape=(len(distinct), len(vocabulary)))
        words.sum_duplicates()
        spelling.sum_duplicates()
        matrix = sparse.csr_matrix(words @ spelling)  # whole numbers: exact in float64
        matrix.sort_indices()
        return _weighted(self, matrix)


def _weighted(vectorizer: TfidfVectorizer, counts):
    """The vectoriser's weighting of a count matrix (sorted indices, float64), step for step, so
    that the values are the same to the bit."""
    if vectorizer.sublinear_tf:
        np.log(counts.data, counts.data)
        counts.data += 1.0
    counts.data *= vectorizer.idf_[counts.indices]
    if vectorizer.norm is not None:
        counts = normalize(counts, norm=vectorizer.norm, copy=False)
    return counts


class WordNgramTfidf(TfidfVectorizer):
    """A :class:`~sklearn.feature_extraction.text.TfidfVectorizer` whose ``transform`` looks its
    n-grams up without an exception for each one outside the vocabulary (same parameters, same
    output).

    Examples
    --------
    >>> texts = ["the shared service ends", "the shared service continues", "services end"]
    >>> fast = WordNgramTfidf(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
    >>> plain = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
    >>> (fast.transform(texts + ["a new passage"]) != plain.transform(texts + ["a new passage"])).nnz
    0
    """

    def transform(self, raw_documents):
        if self.binary or not self.use_idf or np.dtype(self.dtype) != np.float64:
            return super().transform(raw_documents)
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        check_is_fitted(self, msg="The TF-IDF vectorizer is not fitted")
        analyse = self.build_analyzer()  # the n-grams the vectoriser itself would look up
        lookup = self.vocabulary_.get
        found: list[int] = []
        indptr = [0]
        for doc in raw_documents:
            found.extend(j for j in map(lookup, analyse(doc)) if j is not None)
            indptr.append(len(found))
        counts = sparse.csr_matrix((np.ones(len(found)), np.asarray(found, dtype=np.int64),
                                    np.asarray(indptr, dtype=np.int64)),
                                   shape=(len(indptr) - 1, len(self.vocabulary_)))
        counts.sum_duplicates()  # repeated n-grams added up; indices sorted
        return _weighted(self, counts)
