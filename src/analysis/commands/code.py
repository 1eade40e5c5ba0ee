"""``code INPUT --out FILE.csv``: code documents on Kahane's four options with the codebook."""

from __future__ import annotations

import sys
from pathlib import Path

from analysis.errors import InputError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "code",
        help="code documents (minutes, papers, blogs) on fight/adapt/exit/collaborate",
        description=(
            "Code documents with the toolkit's Kahane codebook (or your own). INPUT is a folder "
            "of .txt/.md/.docx/.pdf files (the document id is the file name without its "
            "extension) or a dataset folder with a documents table. Writes one row per document "
            "(or per paragraph) with the share of each option, the primary option and the "
            "evidence (matched phrases and their character positions). Documents that cannot "
            "be read are listed and left out; the others are still coded."
        ),
    )
    p.add_argument("input", type=Path, help="a folder of documents, a dataset folder, or one file")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.csv", help="the CSV file to write")
    p.add_argument("--by", choices=("document", "paragraph"), default="document",
                   help="one row per document (default) or per paragraph")
    p.add_argument("--codebook", type=Path, metavar="FILE.yml",
                   help="a codebook to use instead of the shipped one (see docs/coding.md)")
    p.add_argument("--problems", type=Path, metavar="FILE.csv",
                   help="also write the per-document problems to this CSV file")
    p.add_argument("--force", action="store_true", help="overwrite FILE.csv if it exists")
    p.set_defaults(func=run)


def _check_out(out: Path, inp: Path, force: bool) -> None:
    if out.suffix.lower() != ".csv":
        raise InputError(f"--out must name a .csv file, got {out}")
    src = inp.resolve()
    src_dir = src if src.is_dir() else src.parent
    target = out.resolve()
    if src_dir == target.parent or src_dir in target.parents:
        raise InputError(
            f"{out} is inside the input folder {inp}; the toolkit never writes into its input. "
            f"Choose a file outside it, for example --out output/{out.name}"
        )
    if out.exists() and not force:
        raise InputError(f"{out} exists; choose another name or pass --force to overwrite it")


def run(args) -> int:
    from analysis.coding import DictionaryCoder
    from analysis.data.documents import load_document_source
    from analysis.writers import write_csv

    _check_out(args.out, args.input, args.force)
    if args.problems is not None:
        _check_out(args.problems, args.input, args.force)
    coder = DictionaryCoder(args.codebook)
    read = load_document_source(args.input)
    report = read.format_problems()
    if report:
        print(report, file=sys.stderr)
    if read.texts.empty:
        raise InputError(f"no document in {args.input} could be read, so nothing was coded (see the list above)")
    codes = coder.code(read.texts, by=args.by)
    write_csv(codes, args.out)
    if args.problems is not None:
        write_csv(read.problems, args.problems)
    n_docs = len(read.texts)
    unit = "paragraphs" if args.by == "paragraph" else "documents"
    counts = codes["primary"].value_counts()
    mix = ", ".join(f"{c} {int(counts.get(c, 0))}" for c in (*coder.codes, "none"))
    skipped = len(read.skipped)
    print(f"coded {len(codes)} {unit} from {n_docs} document(s) -> {args.out}")
    print(f"primary option: {mix}")
    if skipped:
        print(f"{skipped} document(s) could not be read and were left out (listed above); "
              "the others were coded and written")
        return 2  # bad input, reported; the readable documents' codes stand
    return 0
