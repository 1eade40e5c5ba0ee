"""``make-example``: generate the synthetic example dataset."""

from __future__ import annotations

from pathlib import Path

from analysis.errors import InputError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "make-example",
        help="generate the synthetic example dataset (identical files for the same seed)",
        description="Generate the synthetic example world (councils, finance, partnerships, "
        "activity, evidence, documents and the planted truth) into OUT.",
    )
    p.add_argument("--seed", type=int, default=2010, help="random seed (default 2010)")
    p.add_argument("--out", type=Path, required=True, help="folder to write the dataset to")
    p.add_argument("--documents", type=int, default=300, help="number of documents (default 300)")
    p.add_argument("--force", action="store_true", help="write into OUT even if it is not empty")
    p.set_defaults(func=run)


def run(args) -> int:
    from analysis.data.example import write_example

    out: Path = args.out
    if out.exists() and any(out.iterdir()) and not args.force:
        raise InputError(f"{out} is not empty; choose an empty folder or pass --force to overwrite")
    if args.documents < 0:
        raise InputError("--documents must be zero or more")
    files = write_example(out, seed=args.seed, n_documents=args.documents)
    print(f"wrote {len(files)} files to {out}")
    return 0
