"""The coder's speed work changed no result (issue 18, coding speed).

The coded output of the example documents and of the gold passages is pinned by the SHA-256
of its CSV, taken with the coder of commit cc20f9a (before the speed work); each faster step
is also compared with the plain way it replaces (spaCy's matchers on every sentence,
scikit-learn's own vectoriser, the paragraph regex).
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.coder import Coder, load_gold
from analysis.coder.rules import (
    _SENTENCE_RX,
    RULES,
    PhraseRules,
    _anchor_words,
    _required,
    _required_words,
)
from analysis.coding import DictionaryCoder, split_paragraphs
from analysis.data.documents import load_document_source

ROOT = Path(__file__).resolve().parents[1]

# sha256 of ``coder.code(...).to_csv(index=False)`` at commit cc20f9a; taken again after two
# deliberate rule changes: "voted to" counts as a vote against only when the verb after it says
# no ("voted to approve" is not fight), and (2026-12-03) "challenge", "demand", "united", "object"
# and "representation" count as fight only with what they act on ("challenged the decision", not
# "the challenges facing us", "a challenging budget" or "demand for services"); the gold ones once
# more after a third: the rule "none: everyday sense" (meeting procedure, information campaigns),
# after "contested" joined the words that count only with an object, and after solicitors and
# lawyers came to count only when instructed or writing (no gold passage changed its code); all
# of them once more (2026-12-03, afternoon) after reading a blind set of 180 passages written by
# others (tests/gold/blind_probes.csv): "despite ...", plans that were later dropped, options
# listed for later, "each authority commissions its own", an ended arrangement folded into a
# wider joint one, and the codebook's bare "residents", "local people", "community",
# "communities" and "partners" no longer counting for collaborate (the dictionary coder's too).
# Taken again after a review made the wider-arrangement rule one plain pattern (an exit before it
# is set aside rather than swallowed by a longer match): no primary code of the gold passages, the
# example documents or the probes changed; an exit so set aside now shows in the evidence.
# The gold ones taken again (2026-12-03, late) after whole documents written blind by others
# (rounds D1 and D2): six everyday senses ("declined to comment", "at the end of", "when the lease
# expires", "our share of", "together they cost", services run "under contracts with") no longer
# count; no gold passage changed its primary code, and the example documents code as before.
EXAMPLE_SHA256 = {
    ("rules", "document"): "761ee00d6d58f6e2e18fd9854c136c4d7cbde483aac9d699f4439d98062653bf",
    ("rules", "paragraph"): "0f9018d59363d587e797d69e79d62de2a2e9fed4921ebee3488379cbe2d2ff54",
    ("learned", "document"): "a8236759db0a42f26a49660b5941d4389c9e0a5e08f3e10346891464324efaa3",
    ("learned", "paragraph"): "d71206fb270a95b33297aede1936c0cc867088d36d2735cfa4b1d67a942622a1",
    ("combined", "document"): "1b45d4ce7d65b054967790000140c5f24525d24e6f6324abfbf75b1edb96f2ff",
    ("combined", "paragraph"): "4edf1f3879a838eb37bffd70b485620f3e07ce031f8323242318679ff72017d0",
}
# sha256 of ``coder.code_passages(gold text, ids=passage_id).to_csv(index=False)``, taken with the above.
GOLD_SHA256 = {
    "rules": "f5fb77c664ee4b5a155d0f381fc310601891a285c168bfa3061bffa2d8bb1be2",
    "learned": "eed8d02adc1451857f8be6d327691d5803b4f1b61803633052a2b4635eb9f69c",
    "combined": "ca97a0f93b705339e7e6d20dd5037a7f4711a35a399382565f1edb38a8b310bb",
}
DICTIONARY_EXAMPLE_SHA256 = "265572dd6f109ac0c88ba4719c0dc71c84505f00bfa2bc7a9101e5fc0c9041ea"

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
    """The rules matched the plain way: every sentence tokenized, and every rule's matcher with
    all its patterns run on it (no sentence filter, no pattern left out); then what the text's
    sentences say of each other."""
    from spacy.matcher import Matcher

    from analysis.coder.rules import _settle

    matchers = []
    for name, (_option, _weight, patterns, _flags) in RULES.items():
        matcher = Matcher(rules.nlp.vocab)
        matcher.add(name, patterns, greedy="LONGEST")
        matchers.append(matcher)
    out = []
    for text in texts:
        hits = []
        for m in _SENTENCE_RX.finditer(text):
            doc = rules.nlp.make_doc(m.group().replace("\n", " "))
            matches = []
            for matcher in matchers:
                matches += matcher(doc)
            hits.extend(rules._hits(doc, m.start(), matches))
        out.append(_settle(hits) if hits else hits)
    return out


def test_phrase_rules_find_what_every_matcher_on_every_sentence_finds(example):
    rules = PhraseRules()
    texts = [*load_gold()["text"], *example["text"].head(60), *TRICKY]
    fast = rules.find_many(texts)
    assert sum(map(len, fast)) > 500  # the comparison covers many hits
    assert fast == _plain_find_many(rules, texts)


def _assert_same_matrix(fast, plain) -> None:
    """Two sparse matrices equal in shape, structure and every value, to the bit."""
    assert fast.shape == plain.shape
    assert np.array_equal(fast.indptr, plain.indptr)
    assert np.array_equal(fast.indices, plain.indices)
    assert np.array_equal(fast.data, plain.data)


def test_the_matchers_kept_are_bounded_and_the_hits_do_not_depend_on_it(example, monkeypatch):
    """One matcher per combination of what can match in a sentence, reused; when the bound is
    reached the kept ones are dropped and made again, with the same hits."""
    rules = _same_hits_under_a_bound(example, monkeypatch, "MATCHERS_KEPT", 3)
    assert 0 < len(rules._matchers) <= 3


def _same_hits_under_a_bound(example, monkeypatch, bound: str, value: int) -> PhraseRules:
    """Rules made with the module constant ``bound`` set to ``value``, checked to find on the gold
    passages and example documents exactly what rules with the default bound find."""
    import analysis.coder.rules as rules_module

    texts = [*load_gold()["text"], *example["text"].head(30)]
    expected = _shared_rules().find_many(texts)
    monkeypatch.setattr(rules_module, bound, value)
    rules = PhraseRules()
    assert rules.find_many(texts) == expected
    return rules


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
    _assert_same_matrix(fast, plain)
    with pytest.raises(ValueError):  # as the vectoriser: no passage is an error, not an empty matrix
        chars.transform([])


def test_word_ngram_block_equals_the_vectoriser(example):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analysis.coder import default_model
    from analysis.coder.features import WordNgramTfidf

    union = default_model().pipeline_.named_steps["features"]
    words = dict(union.transformer_list)["words"]
    assert isinstance(words, WordNgramTfidf)
    texts = [*load_gold()["text"], *example["text"].head(40), *TRICKY, "shared shared service service",
             "\u00c9COLE caf\u00e9 co-operation", "zzz qqq"]
    fast = words.transform(texts)
    plain = TfidfVectorizer.transform(words, texts)  # the vectoriser's own transform, same fitted state
    _assert_same_matrix(fast, plain)
    assert fast[-1].nnz == 0  # nothing of the vocabulary
    with pytest.raises(ValueError):  # as the vectoriser: no passage is an error, not an empty matrix
        words.transform([])
    with pytest.raises(ValueError):
        words.transform("one string")


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


# Sentences whose only matching pattern needs a word that spaCy splits off a longer piece of
# text: a possessive, a contraction ("didn't" -> "did", "n't"; "cannot" -> "can", "not"), a
# pound sign before a number, quotes; each with the rule the plain path finds.
SPLIT_OFF = [
    ("Common \u00a32m.", "adapt: shared to save"),  # "\u00a3" is split from "\u00a32m"; missed by the old word filter
    ("They didn't renew it.", "exit: not renewed"),
    ("It cannot continue.", "exit: not renewed"),
    ("We won't renew.", "exit: not renewed"),
    ("Cabinet's 'judicial' review.", "fight: legal action"),
    ("The partnership's been dissolved.", "exit: arrangement + ended"),
]


@pytest.mark.parametrize(("text", "rule"), SPLIT_OFF)
def test_a_word_split_off_by_the_tokenizer_still_lets_its_rule_match(text, rule):
    rules = PhraseRules()
    fast = rules.find_many([text])
    assert fast == _plain_find_many(rules, [text])
    assert rule in [h.rule for h in fast[0]]


def test_a_sentences_tokens_are_those_of_its_pieces_between_white_space():
    """The sentence filter finds a sentence's words piece by piece (the text between white
    space, each piece tokenized alone and kept): sound because spaCy's tokenizer splits at white
    space first and tokenizes each piece on its own, special cases and affixes included. Checked
    on the tricky passages, the split-off cases and odd white space (no-break, thin, ideographic
    spaces, tabs)."""
    rules = PhraseRules()
    texts = [*TRICKY, *(t for t, _ in SPLIT_OFF), "\u212aeep \u0130N-HOUSE", "\u03a3\u0391\u03a3's co-op's \u00a35m's",
             "We cannot\u00a0leave; don't\tend it at 10am,\u2009£5m's\u3000cut (co-production)."]
    for text in texts:
        for m in _SENTENCE_RX.finditer(text):
            sentence = m.group().lstrip().replace("\n", " ")
            whole = [t.lower_ for t in rules.nlp.make_doc(sentence) if not t.is_space]
            pieces = [t.lower_ for piece in sentence.split() for t in rules.nlp.make_doc(piece)]
            assert whole == pieces, sentence
    with pytest.raises(ValueError, match="required word"):
        _anchor_words({"bad": ("exit", 1.0, [[{"LOWER": "a", "OP": "?"}, {"IS_PUNCT": True}]], ())})


def test_the_sentence_filter_keeps_few_sentences_and_its_store_is_bounded(example, monkeypatch):
    """Most sentences of ordinary board papers cannot match any pattern and are not tokenized;
    the words kept for the filter are bounded, and the hits do not depend on the bound."""
    rules = _same_hits_under_a_bound(example, monkeypatch, "PIECES_KEPT", 50)
    assert 0 < len(rules._piece_masks) <= 50
    minutes = ["The minutes of the previous meeting were agreed as a correct record.",
               "Officers presented the quarterly performance report and answered questions."]
    assert not any(rules._could_match(s) for s in minutes)
    assert rules._could_match("The council gave notice to leave the shared audit partnership.")


def test_required_tokens_are_those_that_must_match_once():
    assert [_required(t) for t in [{"LOWER": "a"}, {"OP": "+"}, {"OP": "{1,3}"}, {"OP": "{2}"}, {"OP": "{1,}"}]] \
        == [True] * 5
    assert not any(_required(t) for t in [{"OP": "?"}, {"OP": "*"}, {"OP": "!"}, {"OP": "{0,5}"}, {"OP": "{,3}"}])
    assert _required_words([{"LOWER": {"IN": ["a", "b"]}}, {"LOWER": "c", "OP": "?"}, {"LIKE_NUM": True},
                            {"LOWER": "d"}]) == [{"a", "b"}, {"d"}]


# Words from the rules' lists, with the pieces spaCy splits off, in random order: the filtered
# matching must find exactly what every matcher on every sentence finds.
_RULE_WORDS = sorted({w for _o, _w, patterns, _f in RULES.values() for p in patterns for ws in _required_words(p)
                      for w in ws if " " not in w})
_AFFIX = ["", "", "", "'s", "s'", "n't", "'", "\u00a3", ",", "-", "(", ")"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_RULE_WORDS), st.sampled_from(_AFFIX), st.sampled_from(_AFFIX),
                          st.sampled_from(["", "", "Cap", "UP"])), min_size=1, max_size=9),
       st.sampled_from([".", "", ";", "\n"]))
def test_filtered_matching_equals_every_matcher_on_random_rule_words(words, end):
    rules = _shared_rules()
    pieces = []
    for word, before, after, case in words:
        w = word.capitalize() if case == "Cap" else word.upper() if case == "UP" else word
        pieces.append(before + w + after)
    text = " ".join(pieces) + end
    assert rules.find_many([text]) == _plain_find_many(rules, [text])


@functools.lru_cache(maxsize=1)
def _shared_rules():
    return PhraseRules()


def test_every_pattern_starts_with_a_word_so_leading_white_space_can_be_left_out():
    """find_many tokenizes a sentence without the white space it starts with (spaCy would make
    that a token of its own): sound because no pattern can match such a token first."""
    for _option, _weight, patterns, _flags in RULES.values():
        for pattern in patterns:
            first = pattern[0]
            assert "LOWER" in first
            if first.get("IS_TITLE") is True:  # a white space token is never title case
                continue
            words = first["LOWER"]["IN"] if isinstance(first["LOWER"], dict) else [first["LOWER"]]
            assert all(w.strip() == w and w for w in words)
    rules = _shared_rules()
    texts = ["Minutes agreed.   \tThe council  gave notice to leave the partnership.",
             "Noted. \u00a0They did not leave the shared service;  services return in-house."]
    fast = rules.find_many(texts, [0, 100])
    assert fast == [[h._replace(start=h.start + off, end=h.end + off) for h in hits]
                    for hits, off in zip(_plain_find_many(rules, texts), [0, 100], strict=True)]
    assert fast[0][0].start == texts[0].index("gave")
    assert [h.status for h in fast[1]] == ["negated", "counted"]


def test_in_order_needs_one_token_per_bit_left_to_right():
    from analysis.coder.rules import _in_order

    assert _in_order([1, 2, 4], (1, 4))
    assert _in_order([3, 2], (1, 2))
    assert not _in_order([4, 2, 1], (1, 4))  # the bits are there, in the wrong order
    assert not _in_order([3], (1, 2))  # one token cannot serve two required tokens
    assert _in_order([1, 1], (1, 1))
    assert not _in_order([], (1,))


def test_a_pattern_whose_words_come_in_another_order_is_not_matched_and_finds_nothing():
    """The words of "exit: leave/end + arrangement" in reverse order: every required list is in
    the sentence, not in the pattern's order; the plain matcher finds no hit there either."""
    rules = _shared_rules()
    rule = list(RULES).index("exit: leave/end + arrangement")
    kept = dict(rules._feasible(rules.nlp.make_doc("The council will leave the partnership.")))
    assert 0 in kept[rule]  # [leave ...] + [partnership ...], in this order
    kept = dict(rules._feasible(rules.nlp.make_doc("The partnership will leave.")))
    assert 0 not in kept.get(rule, ())
    for text in ["The partnership will leave.", "Partnership notice gave the council."]:
        assert rules.find_many([text]) == _plain_find_many(rules, [text])
