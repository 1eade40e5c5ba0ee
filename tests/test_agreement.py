"""Agreement measures, checked against statsmodels, the krippendorff package and worked examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.agreement import agreement, cohen_kappa, krippendorff_alpha, read_hand_codes
from analysis.errors import InputError


def test_kappa_worked_example_and_statsmodels():
    from statsmodels.stats.inter_rater import cohens_kappa

    # 50 items: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> kappa 0.4 by hand:
    # po = 0.7, pe = 0.5*0.6 + 0.5*0.4 = 0.5, kappa = (0.7-0.5)/0.5
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    rng = np.random.default_rng(3)
    x = rng.choice(["fight", "adapt", "exit", "collaborate"], 200)
    y = np.where(rng.random(200) < 0.7, x, rng.choice(["fight", "adapt", "exit", "collaborate"], 200))
    labels = sorted(set(x) | set(y))
    table = np.array([[np.sum((x == i) & (y == j)) for j in labels] for i in labels])
    assert cohen_kappa(x, y) == pytest.approx(cohens_kappa(table).kappa)


def test_alpha_worked_example_and_package():
    import krippendorff

    n = np.nan
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
            [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n]]
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": nominal alpha 0.743
    assert krippendorff_alpha(data) == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(data) == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    rng = np.random.default_rng(7)
    x = rng.integers(0, 4, 100).astype(float)
    y = np.where(rng.random(100) < 0.6, x, rng.integers(0, 4, 100)).astype(float)
    assert krippendorff_alpha([x, y]) == pytest.approx(
        krippendorff.alpha(reliability_data=[x, y], level_of_measurement="nominal"))


def test_agreement_tables():
    coded = pd.DataFrame({"document_id": ["a", "b", "c", "d", "e", "f"],
                          "primary": ["fight", "fight", "adapt", "exit", "none", "collaborate"],
                          "evidence": ["e1", "e2", "e3", "e4", "", "e6"]})
    hand = pd.DataFrame({"document_id": ["a", "b", "c", "d", "e", "g"],
                         "code": ["fight", "adapt", "adapt", "exit", "collaborate", "exit"]})
    before = coded.copy()
    r = agreement(coded, hand)
    pd.testing.assert_frame_equal(coded, before)
    assert r.n == 5 and r.only_coded == ["f"] and r.only_hand == ["g"]
    assert r.accuracy == pytest.approx(0.6)
    per = r.per_option.set_index("option")
    assert per.loc["fight", ["precision", "recall"]].tolist() == [0.5, 1.0]
    assert per.loc["adapt", ["precision", "recall"]].tolist() == [1.0, 0.5]
    assert per.loc["collaborate", "f1"] == 0.0
    # macro F1 over options hand coders used: fight 2/3, adapt 2/3, exit 1, collaborate 0
    assert r.macro_f1 == pytest.approx((2 / 3 + 2 / 3 + 1 + 0) / 4)
    assert r.confusion.loc["adapt", "fight"] == 1 and r.confusion.loc["collaborate", "none"] == 1
    assert r.disagreements[["document_id", "hand", "coded", "evidence"]].values.tolist() == [
        ["b", "adapt", "fight", "e2"], ["e", "collaborate", "none", ""]]
    assert "Cohen's kappa" in r.format()


def test_agreement_errors():
    with pytest.raises(InputError, match="no document appears in both files"):
        agreement(pd.DataFrame({"document_id": ["a"], "primary": ["fight"]}),
                  pd.DataFrame({"document_id": ["b"], "code": ["fight"]}))
    with pytest.raises(InputError, match="per paragraph"):
        agreement(pd.DataFrame({"document_id": ["a"], "paragraph": [1], "primary": ["fight"]}),
                  pd.DataFrame({"document_id": ["a"], "code": ["fight"]}))


def test_read_plain_hand_codes(tmp_path):
    f = tmp_path / "hand.csv"
    f.write_text("Doc ID,Option\nD1,Fight\nD2, collaborate\nD3,\n", encoding="utf-8")
    out = read_hand_codes(f)
    assert out.values.tolist() == [["D1", "fight"], ["D2", "collaborate"]]
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs a document id column"):
        read_hand_codes(bad)


def test_read_taguette_export(tmp_path):
    f = tmp_path / "all_tags.csv"
    f.write_text(
        "id,document,tag,tag_parent,tag_full_path,tag_description,content\n"
        "1,minutes 2015.docx,fight,,Kahane.fight,,we lobbied\n"
        "2,minutes 2015.docx,adapt,,Kahane.adapt,,shared service\n"
        "3,minutes 2015.docx,fight,,Kahane.fight,,a petition\n"
        "4,blog.txt,Exit,,Kahane.exit,,we left\n",
        encoding="utf-8",
    )
    out = read_hand_codes(f)
    assert out[["document_id", "code", "n_segments", "tied"]].values.tolist() == [
        ["blog", "exit", 1, 0], ["minutes 2015", "fight", 3, 0]]


def test_read_qualcoder_export(tmp_path):
    f = tmp_path / "codings.csv"
    f.write_text(
        "Codename,File,Coder,Coded text\n"
        "Collaborate,board/paper1.txt,ann,pooled budgets\n"
        "Adapt,board/paper1.txt,bob,back office\n"
        "Adapt,paper2.txt,ann,outsourcing\n",
        encoding="utf-8",
    )
    out = read_hand_codes(f, coder="ann")
    assert out[["document_id", "code"]].values.tolist() == [["paper1", "collaborate"], ["paper2", "adapt"]]
    both = read_hand_codes(f)
    assert both.set_index("document_id").loc["paper1", "tied"] == 1
    with pytest.raises(InputError, match="no codes by coder 'zoe'"):
        read_hand_codes(f, coder="zoe")


def test_agreement_command(tmp_path, capsys):
    from analysis.cli import main

    (tmp_path / "in").mkdir()
    coded = tmp_path / "in" / "coded.csv"
    coded.write_text("document_id,fight,adapt,exit,collaborate,primary,evidence\n"
                     "a,1,0,0,0,fight,x\nb,0,1,0,0,adapt,y\nc,0,0,1,0,exit,z\n", encoding="utf-8")
    hand = tmp_path / "in" / "hand.csv"
    hand.write_text("document_id,code\na,fight\nb,adapt\nc,collaborate\n", encoding="utf-8")
    assert main(["agreement", str(coded), str(hand), "--out", str(tmp_path / "agree")]) == 0
    text = capsys.readouterr().out
    assert "accuracy: 0.6667" in text and "c: hand collaborate, coder exit  <- z" in text
    per = pd.read_csv(tmp_path / "agree" / "per_option.csv").set_index("option")
    assert per.loc["exit", "precision"] == 0.0 and per.loc["fight", "f1"] == 1.0
    assert len(pd.read_csv(tmp_path / "agree" / "disagreements.csv")) == 1
    assert main(["agreement", str(coded), str(hand), "--out", str(tmp_path / "in" / "agree")]) == 2
