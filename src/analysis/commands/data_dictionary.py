"""``data-dictionary``: write the data dictionary generated from the schemas."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "data-dictionary",
        help="print or write the data dictionary generated from the schemas",
        description="Print the data dictionary (tables, columns, kinds, allowed values) generated "
        "from the toolkit's schemas, or write it to a file (the repository keeps it in data/README.md).",
    )
    p.add_argument("--out", type=Path, help="write to this file instead of printing")
    p.set_defaults(func=run)


def run(args) -> int:
    from analysis.data.dictionary import data_dictionary
    from analysis.writers import atomic_write_text

    text = data_dictionary()
    if args.out:
        atomic_write_text(args.out, text)
        print(f"wrote {args.out}")
    else:
        print(text)
    return 0
