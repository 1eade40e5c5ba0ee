"""``agreement CODED.csv HAND.csv``: how well the coder agrees with hand coding."""

from __future__ import annotations

from pathlib import Path

from analysis.errors import InputError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "agreement",
        help="compare coded documents with hand codes (F1, kappa, alpha, disagreements)",
        description=(
            "Compare the output of 'code' (CODED.csv) with hand codes (HAND.csv: a plain CSV "
            "with document_id and code, or a Taguette or QualCoder CSV export). Prints "
            "per-option precision, recall and F1, the confusion matrix, Cohen's kappa, "
            "Krippendorff's alpha (nominal) and the disagreements with their evidence; "
            "with --out, writes them as CSV files too."
        ),
    )
    p.add_argument("coded", type=Path, help="CSV written by 'python -m analysis code'")
    p.add_argument("hand", type=Path, help="hand codes: plain CSV, Taguette or QualCoder export")
    p.add_argument("--format", choices=("auto", "plain", "taguette", "qualcoder"), default="auto",
                   help="format of HAND.csv (default: decided from its columns)")
    p.add_argument("--coder", help="use only this coder's codes from HAND.csv (QualCoder)")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="folder for summary.csv, per_option.csv, confusion.csv, disagreements.csv")
    p.set_defaults(func=run)


def run(args) -> int:
    import pandas as pd

    from analysis.agreement import agreement, read_hand_codes
    from analysis.writers import check_output_dir, write_csv

    if not args.coded.is_file():
        raise InputError(f"coded file {args.coded} not found")
    try:
        coded = pd.read_csv(args.coded, dtype={"document_id": str}, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"{args.coded} is not a readable CSV: {exc}") from None
    hand = read_hand_codes(args.hand, format=args.format, coder=args.coder)
    result = agreement(coded, hand)
    print(result.format())
    if result.only_coded or result.only_hand:
        print(f"\nleft out: {len(result.only_coded)} document(s) only in {args.coded.name}, "
              f"{len(result.only_hand)} only in {args.hand.name}")
    if args.out is not None:
        out = check_output_dir(args.out, inputs=[args.coded, args.hand])
        write_csv(result.summary(), out / "summary.csv")
        write_csv(result.per_option.round(4), out / "per_option.csv")
        write_csv(result.confusion.reset_index(), out / "confusion.csv")
        write_csv(result.disagreements, out / "disagreements.csv")
        print(f"\nwrote summary.csv, per_option.csv, confusion.csv, disagreements.csv to {args.out}")
    return 0
