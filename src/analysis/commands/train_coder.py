"""``train-coder GOLD.csv --out MODEL.joblib``: fit the learned coder on hand-coded passages."""

from __future__ import annotations

import sys
from pathlib import Path

from analysis.errors import InputError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "train-coder",
        help="fit the learned document coder on your hand-coded passages and save it",
        description=(
            "Fit the learned coder (word and character n-grams plus the phrase-rule scores, a "
            "calibrated logistic regression) on a CSV of hand-coded passages with columns 'text' "
            "and 'code' (fight, adapt, exit, collaborate or none), and save it for "
            "'code --model-file'. Without GOLD.csv the bundled gold set's training half is used. "
            "The file records the toolkit and scikit-learn versions; another version refuses it."
        ),
    )
    p.add_argument("gold", type=Path, nargs="?", help="CSV with 'text' and 'code' columns (default: bundled)")
    p.add_argument("--out", type=Path, required=True, metavar="MODEL.joblib", help="where to save the model")
    p.add_argument("--force", action="store_true", help="overwrite MODEL.joblib if it exists")
    p.add_argument("--random-state", type=int, default=0, help="seed of the calibration folds (default 0)")
    p.set_defaults(func=run)


def run(args) -> int:
    import pandas as pd

    from analysis.coder import load_gold, save_model
    from analysis.coder.engine import LearnedCoder

    if args.out.exists() and not args.force:
        raise InputError(f"{args.out} exists; choose another name or pass --force to overwrite it")
    if args.gold is None:
        gold = load_gold()
        gold = gold[gold["split"] == "train"]
        source = "the bundled gold set (training half)"
    else:
        if not args.gold.is_file():
            raise InputError(f"{args.gold} not found")
        try:
            gold = pd.read_csv(args.gold, dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise InputError(f"{args.gold} could not be read as CSV: {exc}") from None
        missing = [c for c in ("text", "code") if c not in gold.columns]
        if missing:
            raise InputError(f"{args.gold} needs columns 'text' and 'code'; missing {missing}")
        source = str(args.gold)
    allowed = {"fight", "adapt", "exit", "collaborate", "none"}
    bad = gold.index[~gold["code"].isin(allowed)]
    if len(bad):
        row = int(bad[0]) + 2
        raise InputError(f"{args.gold}, row {row}, column code: {gold['code'].iloc[int(bad[0])]!r} is not one of "
                         f"{', '.join(sorted(allowed))} ({len(bad)} such row(s))")
    counts = gold["code"].value_counts()
    if len(counts) < 2 or counts.min() < args_min_per_class():
        raise InputError(f"{source} needs at least {args_min_per_class()} passages of each code it uses and at "
                         f"least two codes; found {counts.to_dict()}")
    model = LearnedCoder(random_state=args.random_state).fit(gold["text"].tolist(), gold["code"].tolist())
    save_model(model, args.out)
    print(f"trained on {len(gold)} passages from {source} ({', '.join(f'{k} {v}' for k, v in counts.items())})")
    print(f"saved -> {args.out}", file=sys.stdout)
    return 0


def args_min_per_class() -> int:
    return 5  # the calibration uses 5 stratified folds
