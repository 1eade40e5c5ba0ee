"""The coder's speed work changed no result (issue 18, coding speed).

The coded output of the example documents and of the gold passages is pinned by the SHA-256
of its CSV, taken with the coder of commit cc20f9a (before the speed work); each faster step
is also compared with the plain way it replaces (spaCy's matchers on every sentence,
scikit-learn's own vectoriser, the paragraph regex).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.coder import Coder, load_gold
from analysis.coder.rules import (
    _DIGIT,
    _NUMBER_WORDS,
    _SENTENCE_RX,
    _TOKEN_RX,
    RULES,
    PhraseRules,
    _anchor_words,
)
from analysis.coding import DictionaryCoder, split_paragraphs
from analysis.data.documents import load_document_source

ROOT = Path(__file__).resolve().parents[1]

# sha256 of ``coder.code(...).to_csv(index=False)`` at commit cc20f9a.
EXAMPLE_SHA256 = {
    ("rules", "document"): "84f23d7f4fc5cc19cdf512b6c562f20b6e766afcf93884f7e695802596bee5d5",
    ("rules", "paragraph"): "dfaaa3e516d4380c4387a0d1f11dadde5b4373ed3eab8dc41d347a1ccd2e0d8d",
    ("learned", "document"): "a5a4dce1a52badd875298bb2b58197493b2a3b551d782cbbd1fb29dd8df8d003",
    ("learned", "paragraph"): "20b217a957038e28390e4797daa5885816df02d9469ea407f09ce428b43b8bf8",
    ("combined", "document"): "ec79128b357e14e9baf025db369dd8d9c011fb6a91d40ef1d30530f7f33d1145",
    ("combined", "paragraph"): "fb62fa93c0cda48b17dbbe4633544ebc350c30b7025c77f6bfefb344d7eaf65c",
}
# sha256 of ``coder.code_passages(gold text, ids=passage_id).to_csv(index=False)`` at cc20f9a.
GOLD_SHA256 = {
    "rules": "5c50227e08287bac4a2a6896bdef1c5e199f84bfd7d982b334518225681c4a76",
    "learned": "02b14c7b0a07fc808b1746ceeeb4a04d637ec2c9cc715ba8917b5014497a73a8",
    "combined": "8d75fc0fa279b4723eaa04ac9ea827f7c85c0f5c80ab8f81c6a86d66c6f584fb",
}
DICTIONARY_EXAMPLE_SHA256 = "4855fbbd21aa9c5013f023dbd3c4b4ccfa5b618898cb37479cf11495f32378c0"

# Texts that exercise the tokenizer's splits (contractions, currency, abbreviations, hyphens).
TRICKY = [
    "The council didn't renew the shared service; it cannot continue with the joint post.",
    "Cabinet won't leave the partnership, but will not be renewing the SLA (from April).",
    "Savings of \u00a3800,000 a year from sharing a chief executive, e.g. in HR and IT.",
    "Services return in-house to each of the three councils; the U.K. arm\u2019s-length company is wound up.",
    "Members voted 7-2 against the devolution deal.\n\nThe councils' joint team will go their separate ways.",
    "", "   ", ".", "no longer", "IN HOUSE", "Co-designed WITH residents and carers",
]


def _sha(frame) -> str:
    return hashlib.sha256(frame.to_csv(index=False, lineterminator="\n").encode("utf-8")).hexdigest()


@pytest.fixture(scope="module")
def example():
    return load_document_source(ROOT / "data" / "example").texts


@pytest.mark.parametrize(("model", "by"), sorted(EXAMPLE_SHA256))
def test_example_documents_code_as_before(example, model, by):
    assert _sha(Coder(model).code(example, by=by)) == EXAMPLE_SHA256[(model, by)]


@pytest.mark.parametrize("model", sorted(GOLD_SHA256))
def test_gold_passages_code_as_before(model):
    gold = load_gold()
    assert _sha(Coder(model).code_passages(gold["text"].tolist(), ids=gold["passage_id"])) == GOLD_SHA256[model]


def test_dictionary_coder_codes_the_example_as_before(example):
    assert _sha(DictionaryCoder().code(example)) == DICTIONARY_EXAMPLE_SHA256


def _plain_find_many(rules: PhraseRules, texts):
    """The rules as they were matched before the speed work: every sentence holding an anchor
    word tokenized, and every rule whose anchors it holds run with all its patterns."""
    from spacy.matcher import Matcher

    matchers = []
    for name, (_option, _weight, patterns, _flags) in RULES.items():
        matcher = Matcher(rules.nlp.vocab)
        matcher.add(name, patterns, greedy="LONGEST")
        matchers.append((_anchor_words({name: RULES[name]})[0], matcher))
    out = []
    for text in texts:
        hits = []
        for m in _SENTENCE_RX.finditer(text):
            sentence = m.group()
            words = set(_TOKEN_RX.findall(sentence.lower()))
            if not (words & rules.anchors or (rules.numeric and (_DIGIT.search(sentence) or words & _NUMBER_WORDS))):
                continue
            doc = rules.nlp.make_doc(sentence)
            lower = {t.lower_ for t in doc}
            matches = []
            for anchors, matcher in matchers:
                if lower & anchors:
                    matches += matcher(doc)
            hits.extend(rules._hits(doc, m.start(), matches))
        out.append(hits)
    return out


def test_phrase_rules_find_what_every_matcher_on_every_sentence_finds(example):
    rules = PhraseRules()
    texts = [*load_gold()["text"], *example["text"].head(60), *TRICKY]
    fast = rules.find_many(texts)
    assert sum(map(len, fast)) > 500  # the comparison covers many hits
    assert fast == _plain_find_many(rules, texts)


def test_character_ngram_block_equals_the_vectoriser(example):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analysis.coder import default_model
    from analysis.coder.features import CharNgramTfidf

    union = default_model().pipeline_.named_steps["features"]
    chars = dict(union.transformer_list)["chars"]
    assert isinstance(chars, CharNgramTfidf)
    texts = [*load_gold()["text"], *example["text"].head(40), *TRICKY, "aaaa aaaa aaaaa", "\u00c9COLE caf\u00e9"]
    fast = chars.transform(texts)
    plain = TfidfVectorizer.transform(chars, texts)  # the vectoriser's own transform, same fitted state
    assert fast.shape == plain.shape
    assert np.array_equal(fast.indptr, plain.indptr)
    assert np.array_equal(fast.indices, plain.indices)
    assert np.array_equal(fast.data, plain.data)  # to the bit
    with pytest.raises(ValueError):  # as the vectoriser: no passage is an error, not an empty matrix
        chars.transform([])


_OLD_PARAGRAPH = re.compile(r"\S.*?(?=\n[ \t\r\f\v]*\n|\Z)", re.S)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab. \n\t\r\x0b\x0c\u00a0\u2028", max_size=40))
def test_split_paragraphs_equals_the_paragraph_regex(text):
    assert split_paragraphs(text) == [(m.start(), m.group()) for m in _OLD_PARAGRAPH.finditer(text)]


def test_a_possessive_or_hyphen_next_to_an_anchor_does_not_hide_a_cue():
    """The sentence filter reads words the way spaCy splits them ("judicial's" holds "judicial")."""
    rules = PhraseRules()
    plain, marked = rules.find_many(["Cabinet agreed to seek a judicial review.",
                                     "Cabinet's agreed's to's seek's a's judicial's review's."])
    assert [h.rule for h in plain] == [h.rule for h in marked] == ["fight: legal action"]
