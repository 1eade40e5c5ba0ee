"""Scores of the coders on the frozen test half of the gold set, and a learning curve.

``python -m analysis.coder.evaluate`` prints the tables in ``docs/coding.md``. Nothing here
tunes anything: the rules and the model are fixed before the test half is read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LABELS = ["fight", "adapt", "exit", "collaborate", "none"]


def predictions(test: pd.DataFrame, model_file=None) -> pd.DataFrame:
    """Primary codes of each coder for the passages in ``test``."""
    from analysis.coder import Coder
    from analysis.coding import DictionaryCoder

    out = pd.DataFrame({"passage_id": test["passage_id"].to_numpy(), "code": test["code"].to_numpy(),
                        "hard": test["hard_type"].fillna("").astype(str).ne("").to_numpy()})
    out["dictionary"] = DictionaryCoder().predict(test["text"].tolist())
    for name in ("rules", "learned", "combined"):
        out[name] = Coder(name, model_file=model_file).code_passages(test["text"].tolist())["primary"].to_numpy()
    return out


def scores(pred: pd.DataFrame, coders=("dictionary", "rules", "learned", "combined")) -> pd.DataFrame:
    from sklearn.metrics import accuracy_score, f1_score

    rows = []
    for c in coders:
        hard = pred[pred["hard"]]
        rows.append({
            "coder": c,
            "macro_f1": f1_score(pred["code"], pred[c], labels=LABELS, average="macro", zero_division=0),
            "macro_f1_options": f1_score(pred["code"], pred[c], labels=LABELS[:4], average="macro", zero_division=0),
            "accuracy": accuracy_score(pred["code"], pred[c]),
            "hard_accuracy": accuracy_score(hard["code"], hard[c]),
            "n": len(pred), "n_hard": len(hard),
        })
    return pd.DataFrame(rows)


def per_option(pred: pd.DataFrame, coder: str = "combined") -> pd.DataFrame:
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, s = precision_recall_fscore_support(pred["code"], pred[coder], labels=LABELS, zero_division=0)
    return pd.DataFrame({"option": LABELS, "precision": p, "recall": r, "f1": f, "n": s})


def confusion(pred: pd.DataFrame, coder: str = "combined") -> pd.DataFrame:
    from sklearn.metrics import confusion_matrix

    m = confusion_matrix(pred["code"], pred[coder], labels=LABELS)
    return pd.DataFrame(m, index=[f"hand {x}" for x in LABELS], columns=LABELS)


def learning_curve(gold: pd.DataFrame, sizes=(50, 100, 150, None), seeds=(0, 1, 2)) -> pd.DataFrame:
    """Macro F1 on the test half of the learned and combined coders trained on ``n`` training passages
    (stratified subsamples, three seeds; ``None`` is the whole training half)."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import train_test_split

    from analysis.coder.engine import (
        LearnedCoder,
        RuleCoder,
        _Passages,
        combine,
        rule_probabilities,
    )

    train, test = gold[gold["split"] == "train"], gold[gold["split"] == "test"]
    rules = RuleCoder()
    test_an = rules.analyse(test["text"].tolist())
    train_an = dict(zip(train["passage_id"], rules.analyse(train["text"].tolist()), strict=True))
    rows = []
    for n in sizes:
        for seed in seeds if n is not None else (0,):
            part = train if n is None else train_test_split(train, train_size=n, random_state=seed,
                                                            stratify=train["code"])[0]
            model = LearnedCoder(random_state=seed).fit(
                _Passages(part["text"].tolist(), [train_an[i] for i in part["passage_id"]]), part["code"].tolist())
            p = model.predict_proba(_Passages(test["text"].tolist(), test_an))
            classes = np.asarray(model.classes_, dtype=object)
            p_rules = rule_probabilities(test_an, list(classes))
            for name, probs in (("learned", p), ("combined", combine(p, p_rules))):
                rows.append({"n_train": len(part), "seed": seed, "coder": name,
                             "macro_f1": f1_score(test["code"], classes[probs.argmax(1)], labels=LABELS,
                                                  average="macro", zero_division=0)})
    return pd.DataFrame(rows).groupby(["coder", "n_train"], as_index=False)["macro_f1"].agg(["mean", "min", "max"])


def label_agreement(gold: pd.DataFrame, second: pd.DataFrame) -> dict:
    from sklearn.metrics import cohen_kappa_score

    m = gold.merge(second.rename(columns={"code": "code2"}), on="passage_id", how="inner")
    return {"n": len(m), "agree": int((m["code"] == m["code2"]).sum()),
            "kappa": float(cohen_kappa_score(m["code"], m["code2"]))}


def document_scores(docs: pd.DataFrame, coders=("rules", "learned", "combined")) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Whole documents (``doc_id``, ``round``, ``code``, ``hard``, ``text``, as in
    ``tests/gold/blind_documents.csv``) coded by each coder: the share right by round and in
    all, with the hard ones apart, and the combined coder's confusion matrix (true codes in rows).

    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "round": ["D1", "D1"], "code": ["exit", "none"],
    ...                      "hard": [0, 1], "text": ["The council agreed to leave the shared legal service.",
    ...                                             "No decision has been made on the options."]})
    >>> document_scores(docs, coders=("rules",))[0]
      round  n  rules
    0    D1  2    1.0
    1   all  2    1.0
    2  hard  1    1.0
    """
    from analysis.coder import Coder

    frame = docs.rename(columns={"doc_id": "document_id"})[["document_id", "text"]]
    right = {c: Coder(c).code(frame)["primary"].to_numpy() for c in coders}
    truth = docs["code"].to_numpy()
    groups = [(r, (docs["round"] == r).to_numpy()) for r in sorted(docs["round"].unique())]
    groups += [("all", np.ones(len(docs), dtype=bool)), ("hard", (docs["hard"] == 1).to_numpy())]
    table = pd.DataFrame([{"round": name, "n": int(mask.sum()),
                           **{c: float((right[c][mask] == truth[mask]).mean()) for c in coders}}
                          for name, mask in groups])
    best = "combined" if "combined" in right else coders[-1]
    matrix = pd.crosstab(pd.Series(truth, name="true"), pd.Series(right[best], name="coded")).reindex(
        index=LABELS, columns=LABELS, fill_value=0).rename_axis(index="true (rows), coded (columns)", columns=None)
    return table, matrix


def markdown(frame: pd.DataFrame, index: bool = False) -> str:
    """A frame as a Markdown table (numbers as shown by pandas)."""
    frame = frame.reset_index() if index else frame
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row) + " |"
            for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def main() -> None:  # pragma: no cover - prints the docs tables
    import sys
    from pathlib import Path

    from analysis.coder import load_gold

    gold = load_gold()
    test = gold[gold["split"] == "test"]
    pred = predictions(test)
    print(markdown(scores(pred)))
    print()
    print(markdown(per_option(pred)))
    print()
    print(markdown(confusion(pred), index=True))
    print()
    by_hard = pred[pred["hard"]].assign(kind=test.loc[test["hard_type"].fillna("") != "", "hard_type"].to_numpy())
    kinds = by_hard.groupby("kind").agg(n=("code", "size"),
                                        combined=("combined", "size"))
    kinds["combined"] = by_hard.assign(ok=by_hard["combined"] == by_hard["code"]).groupby("kind")["ok"].mean()
    print(markdown(kinds, index=True))
    second = Path(__file__).resolve().parents[3] / "tests" / "gold" / "second_pass_labels.csv"
    if second.exists():
        print(label_agreement(gold, pd.read_csv(second)))
    documents = Path(__file__).resolve().parents[3] / "tests" / "gold" / "blind_documents.csv"
    if documents.exists():  # a checkout: the whole documents written blind by others
        table, matrix = document_scores(pd.read_csv(documents, keep_default_na=False))
        print(markdown(table))
        print()
        print(markdown(matrix, index=True))
    if "--curve" in sys.argv:
        print(markdown(learning_curve(gold).reset_index()))


if __name__ == "__main__":  # pragma: no cover
    main()
