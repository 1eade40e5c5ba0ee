"""The dictionary coder, the gold set, aggregation, the supervised coder and the command."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.coding import (
    DictionaryCoder,
    aggregate_codes,
    code_texts,
    compare_coders,
    extract_evidence,
    split_paragraphs,
)
from analysis.data.schema import OPTIONS

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "gold_passages.csv"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
KAHANE = SHARED / "background" / "partnerships-for-transformation-kahane-options.txt"


_CODER = []


def _shared_coder():
    if not _CODER:
        _CODER.append(DictionaryCoder())
    return _CODER[0]


@pytest.fixture(scope="module")
def coder():
    return _shared_coder()


def _one(coder, text):
    return coder.code(pd.DataFrame({"document_id": ["x"], "text": [text]})).iloc[0]


def test_output_columns_and_shares(coder):
    texts = pd.DataFrame({"document_id": ["a", "b"],
                          "text": ["We lobbied ministers and pooled budgets with health.", "Nothing here."]})
    before = texts.copy()
    out = coder.code(texts)
    pd.testing.assert_frame_equal(texts, before)
    assert list(out.columns) == ["document_id", *OPTIONS, "primary", "evidence"]
    # lobbied (3) vs pooled budgets (3): a tie, broken by the codebook's order
    assert out.loc[0, ["fight", "adapt", "exit", "collaborate"]].tolist() == [0.5, 0.0, 0.0, 0.5]
    assert out.loc[0, "primary"] == "fight"
    assert out.loc[1, list(OPTIONS)].tolist() == [0.0, 0.0, 0.0, 0.0] and out.loc[1, "primary"] == "none"
    assert out.loc[1, "evidence"] == ""


def test_evidence_positions_point_at_the_phrase(coder):
    text = "In 2015 the county withdrew from the waste partnership."
    ev = coder.evidence(pd.DataFrame({"document_id": ["d"], "text": [text]}))
    row = ev[ev["status"] == "counted"].iloc[0]
    assert text[row["start"] : row["end"]] == "withdrew from"
    assert row["code"] == "exit"


@pytest.mark.parametrize(
    ("text", "primary"),
    [
        ("The council did not withdraw the service.", "none"),
        ("The council withdrew the service.", "exit"),
        ("Members opposed the closure of the library.", "fight"),
        ("Rather than exiting, we chose to collaborate with residents.", "collaborate"),
        ("A coalition was formed to resist the government's cuts.", "fight"),
        ("A coalition was formed to deliver the plan with residents.", "collaborate"),
        ("The merger of the two management teams went ahead.", "adapt"),
        ("The merger of the districts into a new unitary council went ahead.", "exit"),
        ("They plan to commercialize and outsource more.", "adapt"),
        ("Fight, adapt, exit or collaborate: the four options.", "none"),
    ],
)
def test_hard_cases(coder, text, primary):
    assert _one(coder, text)["primary"] == primary


def test_pdf_hyphenation_and_line_breaks_are_repaired(coder):
    text = "The board agreed to with-\ndraw from the partner-\nship and to pool\nbudgets."
    row = _one(coder, text)
    ev = coder.evidence(pd.DataFrame({"document_id": ["x"], "text": [text]}))
    spans = [text[s:e] for s, e in zip(ev["start"], ev["end"], strict=True)]
    assert "with-\ndraw from" in spans  # positions are in the original text
    assert "pool\nbudgets" in spans
    assert row["exit"] > 0 and row["collaborate"] > 0


def test_ligatures_are_repaired(coder):
    assert _one(coder, "a new e\ufb03ciency plan")["primary"] == "adapt"


def test_paragraph_mode(coder):
    text = "We lobbied the minister.\n\nWe pooled budgets with the NHS.\n\n\nNothing to report."
    out = coder.code(pd.DataFrame({"document_id": ["d"], "text": [text]}), by="paragraph")
    assert list(out.columns) == ["document_id", "paragraph", *OPTIONS, "primary", "evidence"]
    assert out["paragraph"].tolist() == [1, 2, 3]
    assert out["primary"].tolist() == ["fight", "collaborate", "none"]
    assert '"pooled budgets" 29-43' in out.loc[1, "evidence"]  # document positions
    assert text[29:43] == "pooled budgets"


def test_split_paragraphs_keeps_offsets():
    text = "a\n\n b c\n \nd"
    assert [(s, text[s : s + len(p)] == p) for s, p in split_paragraphs(text)] == [(0, True), (4, True), (10, True)]


def test_extract_evidence_reports_negated_cues():
    ev = extract_evidence(pd.DataFrame({"document_id": ["d"], "text": ["We did not outsource it."]}))
    assert ev[["code", "phrase", "status"]].values.tolist() == [["adapt", "outsource", "negated"]]


def test_bad_arguments(coder):
    from analysis.errors import InputError

    with pytest.raises(InputError, match="missing 'text'"):
        coder.code(pd.DataFrame({"document_id": ["a"]}))
    with pytest.raises(InputError, match="by must be 'document' or 'paragraph'"):
        coder.code(pd.DataFrame({"document_id": ["a"], "text": ["x"]}), by="sentence")


def _gold_scores():
    from sklearn.metrics import f1_score

    gold = pd.read_csv(GOLD)
    out = code_texts(gold.rename(columns={"passage_id": "document_id"})[["document_id", "text"]])
    gold = gold.assign(pred=out["primary"].to_numpy())
    return {
        half: f1_score(part["code"], part["pred"], labels=list(OPTIONS), average="macro")
        for half, part in [("dev", gold[gold.half == "dev"]), ("heldout", gold[gold.half == "heldout"]),
                           ("all", gold)]
    }


def test_gold_set_is_balanced_and_large_enough():
    gold = pd.read_csv(GOLD)
    assert len(gold) >= 60 and gold["passage_id"].is_unique
    counts = gold.groupby(["code", "half"]).size().unstack()
    assert (counts >= 6).all().all() and counts.sum(axis=1).min() >= 12
    assert counts.sum(axis=1).max() - counts.sum(axis=1).min() <= 2  # balanced


def test_gold_set_macro_f1(record_property):
    scores = _gold_scores()
    for half, value in scores.items():
        record_property(f"gold_macro_f1_{half}", round(value, 3))
    print(f"gold macro F1: dev {scores['dev']:.3f}, heldout {scores['heldout']:.3f}, all {scores['all']:.3f}")
    assert scores["all"] >= 0.8
    assert scores["heldout"] >= 0.8  # the half never used to write the phrases


@pytest.mark.skipif(not KAHANE.exists(), reason="../shared/background is absent")
def test_kahane_paragraphs_are_coded_to_their_option(coder):
    text = KAHANE.read_text(encoding="utf-8")
    paragraphs = [p for _, p in split_paragraphs(text)]
    expected = {"When a situation is undesirable": "fight", "Adapting to": "adapt",
                "Exiting the situation": "exit", "The last option": "collaborate"}
    found = {}
    for start, option in expected.items():
        matches = [p for p in paragraphs if p.startswith(start)]
        assert len(matches) == 1, start
        found[option] = _one(coder, matches[0])["primary"]
    assert found == {o: o for o in expected.values()}


def test_speed_of_the_dictionary_coder(coder):
    rng = np.random.default_rng(0)
    vocab = ("the board met and discussed the annual report with officers who noted rising demand for "
             "care and asked for a paper on budgets services and staff at the next meeting").split()
    cues = ["lobbied the minister", "shared service", "withdrew from the partnership", "pooled budgets",
            "did not withdraw", "a coalition to resist", "merger into a new unitary council"]
    docs = []
    for _ in range(500):
        words = list(rng.choice(vocab, 500))
        for cue in rng.choice(cues, 5):
            words.insert(int(rng.integers(len(words))), str(cue))
        docs.append(" ".join(words))
    texts = pd.DataFrame({"document_id": range(500), "text": docs})
    start = time.perf_counter()
    out = coder.code(texts)
    elapsed = time.perf_counter() - start
    assert (out["primary"] != "none").all()
    # 500 documents of ~500 words; the benchmark target is 5,000 in 20 s, so 2 s here,
    # with head room for a busy test machine.
    assert elapsed < 6, f"coding 500 documents took {elapsed:.1f} s"


# ------------------------------------------------------------------ aggregation


def test_aggregate_codes_by_partnership_and_council():
    codes = pd.DataFrame({
        "document_id": ["a", "b", "c", "d"],
        "fight": [1.0, 0.0, 0.0, 0.0], "adapt": [0.0, 0.5, 0.0, 0.0],
        "exit": [0.0, 0.5, 1.0, 0.0], "collaborate": [0.0, 0.0, 0.0, 0.0],
        "primary": ["fight", "adapt", "exit", "none"], "evidence": ["", "", "", ""],
    })
    docs = pd.DataFrame({"document_id": ["a", "b", "c", "d"], "partnership_id": ["P1", "P1", "P2", None],
                         "council_code": ["C1", "C2", "C2", "C2"]})
    by_p = aggregate_codes(codes, docs)
    assert by_p["partnership_id"].tolist() == ["P1", "P2"]
    assert by_p["n_documents"].tolist() == [2, 1]
    assert by_p.loc[0, ["fight", "adapt", "exit"]].tolist() == [0.5, 0.25, 0.25]
    assert by_p["primary"].tolist() == ["fight", "exit"]
    by_c = aggregate_codes(codes, docs, by="council_code").set_index("council_code")
    assert by_c.loc["C2", "n_documents"] == 3 and by_c.loc["C2", "n_coded"] == 2
    assert by_c.loc["C2", "exit"] == 0.75 and by_c.loc["C2", "n_exit"] == 1 and by_c.loc["C2", "n_adapt"] == 1


# ------------------------------------------------------------------- supervised


def test_supervised_coder_is_an_estimator():
    from sklearn.base import clone
    from sklearn.pipeline import Pipeline

    from analysis.coding import SupervisedCoder

    gold = pd.read_csv(GOLD)
    model = SupervisedCoder(C=5.0, random_state=0)
    assert clone(model).get_params()["C"] == 5.0
    model.set_params(C=20.0)
    assert model.C == 20.0
    fitted = Pipeline([("coder", model)]).fit(gold["text"], gold["code"])
    assert set(fitted.named_steps["coder"].classes_) == set(OPTIONS)
    # trained on the gold set, it reproduces most of it
    assert (fitted.predict(gold["text"]) == gold["code"]).mean() > 0.9
    terms = fitted.named_steps["coder"].top_terms(3)
    assert len(terms) == 12 and set(terms["code"]) == set(OPTIONS)


def test_supervised_coder_is_deterministic():
    from analysis.coding import SupervisedCoder

    gold = pd.read_csv(GOLD)
    a = SupervisedCoder(random_state=1).fit(gold["text"], gold["code"]).predict_proba(gold["text"][:5])
    b = SupervisedCoder(random_state=1).fit(gold["text"], gold["code"]).predict_proba(gold["text"][:5])
    np.testing.assert_array_equal(a, b)


def test_compare_coders_on_held_out_documents():
    gold = pd.read_csv(GOLD)
    texts = gold.rename(columns={"passage_id": "document_id"})[["document_id", "text"]]
    hand = gold.rename(columns={"passage_id": "document_id"})[["document_id", "code"]]
    result = compare_coders(texts, hand, test_size=0.5, random_state=0)
    summary = result.summary.set_index("coder")
    assert summary["n_test"].tolist() == [40, 40]
    assert len(result.predictions) == 40
    # the dictionary does well on the gold set; 40 training passages teach a linear model less
    assert summary.loc["dictionary", "macro_f1"] >= 0.8
    assert 0.0 <= summary.loc["supervised", "macro_f1"] <= 1.0
    assert summary.loc["dictionary", "macro_f1"] > summary.loc["supervised", "macro_f1"]


# ---------------------------------------------------------------------- command


def test_code_command(tmp_path, capsys):
    from analysis.cli import main

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "minutes.txt").write_text("We lobbied the minister.\n\nWe pooled budgets.", encoding="utf-8")
    (docs / "empty.txt").write_bytes(b"")
    (docs / "fake.txt").write_bytes(b"\x00\x01binary")
    out = tmp_path / "out" / "codes.csv"
    # Two documents cannot be read: the other is still coded and written, and the exit code is 2.
    assert main(["code", str(docs), "--out", str(out), "--model", "dictionary"]) == 2
    err = capsys.readouterr().err
    assert "2 documents not coded" in err and "empty.txt" in err and "binary content" in err
    codes = pd.read_csv(out)
    assert codes["document_id"].tolist() == ["minutes"]
    assert codes.loc[0, "fight"] == 0.5 and codes.loc[0, "primary"] == "fight"
    assert main(["code", str(docs), "--out", str(out), "--by", "paragraph", "--force", "--model", "dictionary"]) == 2
    assert pd.read_csv(out)["primary"].tolist() == ["fight", "collaborate"]
    assert main(["code", str(docs), "--out", str(out), "--by", "paragraph", "--force"]) == 2  # the default coder
    assert pd.read_csv(out)["primary"].tolist() == ["fight", "collaborate"]


def test_code_command_refuses_bad_input(tmp_path, capsys):
    from analysis.cli import main

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "empty.txt").write_bytes(b"")
    assert main(["code", str(docs), "--out", str(tmp_path / "c.csv")]) == 2
    assert "nothing was coded" in capsys.readouterr().err
    (docs / "ok.txt").write_text("We lobbied.", encoding="utf-8")
    assert main(["code", str(docs), "--out", str(docs / "c.csv")]) == 2
    assert "never writes into its input" in capsys.readouterr().err
    assert not (docs / "c.csv").exists()
    assert main(["code", str(tmp_path / "nowhere"), "--out", str(tmp_path / "c.csv")]) == 2


# ----------------------------------------------------------------------- charts


class _Dataset:
    """Just enough of analysis.data.Dataset for standard_charts."""

    def __init__(self, path, tables):
        self.path, self.tables, self.name = path, tables, "tiny"

    def has(self, name):
        return name in self.tables

    def __getitem__(self, name):
        return self.tables[name]


def _four_documents(tmp_path):
    texts = {"d1": "We lobbied the minister.", "d2": "We lobbied again and pooled budgets.",
             "d3": "The shared service saved money.", "d4": "Nothing of note."}
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    docs = pd.DataFrame({"document_id": list(texts), "path": [f"{n}.txt" for n in texts],
                         "partnership_id": ["P1", "P1", "P2", "P2"]})
    parts = pd.DataFrame({"partnership_id": ["P1", "P2"], "type": ["forum", "shared_service"]})
    return _Dataset(tmp_path, {"documents": docs, "partnerships": parts})


def test_standard_charts(tmp_path):
    from analysis.coding import standard_charts

    specs = standard_charts(_four_documents(tmp_path), model="dictionary")
    assert [s.name for s in specs] == ["coding_primary_share", "coding_mix_by_partnership_type"]
    assert "dictionary coder, 4 documents" in specs[0].source
    share = specs[0].data.set_index("primary")["share"]
    assert share.to_dict() == {"fight": 0.5, "adapt": 0.25, "exit": 0.0, "collaborate": 0.0, "none": 0.25}
    assert len(specs[0].fig.axes[0].patches) == 5
    assert "fight 50%" in specs[0].alt_text
    mix = specs[1].data.set_index(["type", "option"])["share"]
    assert mix[("forum", "fight")] == 0.75 and mix[("forum", "collaborate")] == 0.25
    assert mix[("shared_service", "adapt")] == 1.0
    assert standard_charts(_Dataset(tmp_path, {})) == []


def test_a_dataset_is_coded_with_the_code_commands_default_coder(tmp_path):
    """The report's coding uses the combined coder (as ``code`` does), and its scores, which
    carry extra columns (p_none, certainty, cues), aggregate by partnership like the dictionary's."""
    from analysis.coding import code_dataset
    from analysis.errors import InputError

    result = code_dataset(_four_documents(tmp_path))
    assert result.model == "combined"
    codes = result.codes.set_index("document_id")
    assert codes["primary"].to_dict() == {"d1": "fight", "d2": "fight", "d3": "adapt", "d4": "none"}
    assert {"p_none", "certainty", "cues"} <= set(codes.columns)
    # d2 mixes a campaign and a pooled budget: collaborate keeps a real share, unlike a one-word count
    assert 0.2 < codes.loc["d2", "collaborate"] < codes.loc["d2", "fight"]
    mix = result.mix.pivot(index="type", columns="option", values="share")
    assert set(mix.columns) == {"fight", "adapt", "exit", "collaborate"}  # no p_none or certainty column
    assert mix.sum(axis=1).round(3).tolist() == [1.0, 1.0]
    assert mix.loc["forum", "fight"] == round((codes.loc["d1", "fight"] + codes.loc["d2", "fight"]) / 2, 4)
    assert result.share.set_index("primary")["documents"].to_dict() == {
        "fight": 2, "adapt": 1, "exit": 0, "collaborate": 0, "none": 1}
    with pytest.raises(InputError, match="model must be one of"):
        code_dataset(_four_documents(tmp_path), model="bayes")


# ------------------------------------------------------------------- properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = ["lobbied", "did not", "shared service", "withdrew from", "pooled budgets", "coalition",
           "to resist", "with residents", "merger", "unitary", "with-\ndrew", ", ", ". ", "\n\n", "the", "x"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_shares_sum_to_one_and_positions_fit(pieces):
    coder = _shared_coder()
    text = " ".join(pieces)
    row = _one(coder, text)
    total = sum(row[o] for o in OPTIONS)
    assert total == pytest.approx(1.0) or (total == 0 and row["primary"] == "none")
    ev = coder.evidence(pd.DataFrame({"document_id": ["x"], "text": [text]}))
    assert ((ev["start"] >= 0) & (ev["end"] <= len(text)) & (ev["start"] < ev["end"])).all()


EXAMPLE = ROOT / "data" / "example"


@pytest.mark.skipif(not (EXAMPLE / "truth_documents.csv").exists(), reason="bundled example absent")
def test_example_documents_agree_with_the_planted_truth(coder):
    from analysis.agreement import agreement
    from analysis.data.documents import load_document_source

    read = load_document_source(EXAMPLE)
    assert read.problems.empty and len(read.texts) == 300
    truth = pd.read_csv(EXAMPLE / "truth_documents.csv").rename(columns={"option": "code"})
    result = agreement(coder.code(read.texts), truth)
    assert result.n == 300
    assert result.macro_f1 >= 0.9 and result.kappa >= 0.85
    by_partnership = aggregate_codes(coder.code(read.texts), read.texts)
    assert by_partnership["n_documents"].sum() == 300


def test_typology_check_says_why_there_is_nothing_to_compare():
    from analysis.coding import aggregate_codes, coded_documents
    from analysis.coding_checks import typology_check

    placements = pd.DataFrame({"partnership_id": ["P1", "P2"], "option": ["fight", "adapt"]})
    no_documents = aggregate_codes(coded_documents(None, ["fight", "adapt"]),
                                   pd.DataFrame({"document_id": pd.Series(dtype=object), "partnership_id": pd.Series(dtype=object)}),
                                   by="partnership_id")
    assert "No document of this dataset states an option" in typology_check(placements, no_documents).sentence
    codes = pd.DataFrame({"document_id": ["d1", "d2"], "fight": [1.0, 0.0], "adapt": [0.0, 1.0],
                          "primary": ["fight", "adapt"], "evidence": ["", ""]})
    by = aggregate_codes(codes, pd.DataFrame({"document_id": ["d1", "d2"], "partnership_id": ["P1", "P3"]}),
                         by="partnership_id")
    check = typology_check(placements, by)
    assert (check.n, check.agree) == (1, 1)
    assert check.sentence.startswith("For 1 partnership with coded documents")
    other = by.assign(partnership_id=["P8", "P9"])
    assert typology_check(placements, other).sentence == "No partnership has both a placement and coded documents."


def test_phrase_starts_are_found_after_a_two_word_candidate():
    """Candidate places are keyed by two words where a phrase starts with a whole word ("new
    unitary council*" by "new unit"); a key that runs into the next word must not hide a phrase
    starting at that word ("unitary authority")."""
    from analysis.coding import _Compiled, _find, load_codebook

    compiled = _Compiled(load_codebook())
    found = [h.text for h in _find(compiled, "The districts will merge into a new unitary authority next year.")]
    assert "unitary authority" in found
    # a two-word key across any word break the phrase allows
    for text in ("A letter from the Treasury arrived.", "A letter from the  Treasury arrived.",
                 "A letter from the\nTreasury arrived."):
        assert [h.text.split()[-1] for h in _find(compiled, text)] == ["Treasury"], text
