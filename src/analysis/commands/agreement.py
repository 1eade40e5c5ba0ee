"""``agreement CODED.csv HAND.csv``: how well the coder agrees with hand coding."""

from __future__ import annotations

from pathlib import Path

from analysis.errors import InputError
from analysis.labels import count


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "agreement",
        help="compare coded documents with hand codes (F1, kappa, alpha, disagreements)",
        description=(
            "Compare the output of 'code' (CODED.csv) with hand codes (HAND: a plain CSV "
            "with document_id and code; a Taguette highlights export, CSV or XLSX; a QualCoder "
            "coding report, CSV or XLSX, 3.2 and later; or a REFI-QDA .qdpx project). Documents "
            "are matched by id, then file name, then a unique name containment (or --match). "
            "Prints the matches, per-option precision, recall and F1, the confusion matrix, "
            "Cohen's kappa, Krippendorff's alpha (nominal) and the disagreements with their "
            "evidence; with --out, writes them as CSV files too."
        ),
    )
    p.add_argument("coded", type=Path, help="CSV written by 'python -m analysis code'")
    p.add_argument("hand", type=Path, help="hand codes: plain CSV, Taguette or QualCoder export, .qdpx project")
    p.add_argument("--format", choices=("auto", "plain", "taguette", "qualcoder", "refi"), default="auto",
                   help="layout of HAND (default: recognised from the file)")
    p.add_argument("--coder", help="use only this coder's codes from HAND (QualCoder, REFI-QDA)")
    p.add_argument("--codes", type=Path, metavar="FILE",
                   help="your code-to-option mapping (CSV code,option or YAML), used before the shipped one")
    p.add_argument("--match", type=Path, metavar="FILE",
                   help="CSV with columns hand,coded pairing hand-code document names with coded document_ids")
    p.add_argument("--max-disagreements", type=int, default=20, metavar="N",
                   help="disagreements to print (default 20; 0 prints all; --out writes all)")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="folder for summary.csv, per_option.csv, confusion.csv, disagreements.csv, "
                        "documents.csv, matches.csv, ignored_codes.csv")
    p.set_defaults(func=run)


def _read_coded(path: Path):
    import io

    import pandas as pd

    from analysis.handcodes.readers import read_text

    text = read_text(path, what="coded")
    try:
        return pd.read_csv(io.StringIO(text), dtype={"document_id": str}, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"coded file {path} is not a readable CSV: {exc}; pass the codes.csv written by "
                         "'python -m analysis code'") from None


def run(args) -> int:
    from analysis.agreement import agreement
    from analysis.handcodes import load_code_map, read_hand_codes, read_match_file
    from analysis.writers import check_output_dir, write_csv

    coded = _read_coded(args.coded)
    code_map = load_code_map(args.codes)
    mapping = read_match_file(args.match) if args.match is not None else None
    hand = read_hand_codes(args.hand, format=args.format, coder=args.coder, codes=code_map)
    if hand.empty:
        raise InputError(f"no code in {args.hand} maps to an option (fight, adapt, exit, collaborate, none); "
                         "map your codes with --codes FILE (see docs/coding.md)")
    result = agreement(coded, hand, match=mapping)
    ignored = hand.attrs.get("ignored_codes")
    print(f"hand codes: {args.hand.name}, read as {hand.attrs.get('layout', 'plain CSV')}: "
          f"{count(len(hand), 'document')} with an option")
    if ignored is not None and len(ignored):
        print(f"codes mapping to no option, left out of the vote ({len(ignored)}): "
              + ", ".join(f"{r.code} ({r.n_segments})" for r in ignored.itertuples(index=False)))
    if hand.attrs.get("no_option"):
        print(f"documents whose codes map to no option ({len(hand.attrs['no_option'])}): "
              + ", ".join(hand.attrs["no_option"]))
    print()
    print(result.format(max_disagreements=args.max_disagreements))
    if result.only_coded or result.only_hand:
        print(f"\nleft out: {count(len(result.only_coded), 'document')} only in {args.coded.name}, "
              f"{len(result.only_hand)} only in {args.hand.name}")
    if args.out is not None:
        inputs = [p for p in (args.coded, args.hand, args.codes, args.match) if p is not None]
        out = check_output_dir(args.out, inputs=inputs)
        write_csv(result.summary(), out / "summary.csv")
        write_csv(result.per_option.round(4), out / "per_option.csv")
        write_csv(result.confusion.reset_index(), out / "confusion.csv")
        write_csv(result.disagreements, out / "disagreements.csv")
        write_csv(result.documents, out / "documents.csv")
        write_csv(result.matches, out / "matches.csv")
        write_csv(ignored if ignored is not None else hand.iloc[0:0], out / "ignored_codes.csv")
        print(f"\nwrote summary.csv, per_option.csv, confusion.csv, disagreements.csv, documents.csv, "
              f"matches.csv, ignored_codes.csv to {args.out}")
    return 0
