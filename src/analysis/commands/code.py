"""``code INPUT --out FILE.csv``: code documents on Kahane's four options with the codebook."""

from __future__ import annotations

import sys
from pathlib import Path

from analysis.errors import InputError
from analysis.labels import count


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
            "be read are listed and left out; the others are still coded and written, and the "
            "command then exits with code 2."
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
    p.add_argument("--model", choices=("combined", "rules", "learned", "dictionary"), default="combined",
                   help="combined (default): learned model and phrase rules together; rules: phrase rules "
                        "and codebook phrases; learned: the model alone; dictionary: the codebook's phrases "
                        "only (the earlier coder)")
    p.add_argument("--model-file", type=Path, metavar="FILE.joblib",
                   help="a model saved by 'analysis train-coder' instead of the one trained from the bundled "
                        "gold set")
    p.add_argument("--suggest", type=int, metavar="N", default=0,
                   help="also list the N least certain rows: the passages to hand-code next")
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


def _make_coder(args):
    if args.model == "dictionary":
        from analysis.coding import DictionaryCoder

        if args.model_file is not None:
            raise InputError("--model-file needs --model learned or combined (the dictionary coder has no model)")
        return DictionaryCoder(args.codebook)
    from analysis.coder import Coder

    if args.model == "rules" and args.model_file is not None:
        raise InputError("--model-file needs --model learned or combined (the rules have no model)")
    return Coder(args.model, model_file=args.model_file, codebook=args.codebook)


def suggestions(codes, n: int):
    """The ``n`` least certain rows (smallest gap between the two likeliest codes)."""
    if "certainty" not in codes.columns:
        # dictionary coder: the gap between the two largest shares; nothing matched counts as certain
        shares = codes[[c for c in codes.columns if c not in ("document_id", "paragraph", "primary", "evidence")]]
        top = shares.to_numpy()
        top.sort(axis=1)
        gap = top[:, -1] - (top[:, -2] if top.shape[1] > 1 else 0)
        gap[codes["primary"].to_numpy() == "none"] = 1.0
        codes = codes.assign(certainty=gap)
    order = codes.sort_values(["certainty", "document_id"], kind="stable")
    return order.head(n)


def run(args) -> int:
    from analysis.data.documents import load_document_source
    from analysis.writers import write_csv

    _check_out(args.out, args.input, args.force)
    if args.problems is not None:
        _check_out(args.problems, args.input, args.force)
    if args.suggest < 0:
        raise InputError(f"--suggest takes a number of rows (0 or more), got {args.suggest}")
    coder = _make_coder(args)
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
    options = coder.codes if hasattr(coder, "codes") else coder.options
    mix = ", ".join(f"{c} {int(counts.get(c, 0))}" for c in (*options, "none"))
    skipped = len(read.skipped)
    print(f"coded {len(codes)} {unit} from {count(n_docs, 'document')} -> {args.out}")
    print(f"primary option: {mix}")
    if skipped:
        print(f"{count(skipped, 'document', verb=('was', 'were'))} not readable and left out (listed above); "
              "the others were coded and written")
    if args.suggest:
        rows = suggestions(codes, args.suggest)
        print(f"\n{len(rows)} least certain {unit} (hand-code these next; certainty 0 = a coin toss):")
        for r in rows.itertuples(index=False):
            where = f"{r.document_id}" + (f" paragraph {r.paragraph}" if args.by == "paragraph" else "")
            print(f"  {where}: {r.primary} (certainty {float(r.certainty):.2f})")
    # Some documents could not be read: the others are coded and written, but the run
    # reports the problem with exit code 2 (bad input, reported; the readable documents' codes stand).
    return 2 if skipped else 0
