"""``validate DATASET``: check every table and print one report."""

from __future__ import annotations

from pathlib import Path

from analysis.data import read_dataset
from analysis.writers import check_output_dir, write_csv


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "validate",
        help="check a dataset folder and print one report of every problem",
        description=(
            "Read every table of DATASET, check it against its schema and against the other "
            "tables, and print one report: file, row (as a spreadsheet counts), column, value, "
            "problem and fix. Exit code 2 when there is any error; warnings do not fail."
        ),
    )
    p.add_argument("dataset", type=Path, help="the dataset folder")
    p.add_argument("--report", type=Path, metavar="FILE.csv",
                   help="also write the report as CSV, one row per problem and row")
    p.add_argument("--notes", action="store_true", help="also print notes (extra columns, extra tables)")
    p.set_defaults(func=run)


def run(args) -> int:
    dataset = read_dataset(args.dataset)
    print(dataset.report.format(info=args.notes))
    if dataset.report.ok:
        print()
        print(dataset.summary().to_string(index=False))
    if args.report:
        check_output_dir(args.report.parent, inputs=[args.dataset])
        write_csv(dataset.report.to_frame(), args.report)
    return 0 if dataset.report.ok else 2
