"""``austerity DATASET --from 2010 --to 2019 --out FILE.csv``: spending-power change per council."""

from __future__ import annotations

from pathlib import Path

from analysis.errors import InputError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "austerity",
        help="change in spending power per council between two years (real terms, per head)",
        description=(
            "Measure austerity pressure: the change in each council's spending power between "
            "two financial years, in cash and real terms, in total and per head, with the rank "
            "and quintile of the cut. Writes FILE.csv (one row per council or area), "
            "FILE_excluded.csv (councils left out, with the reason) and FILE_checks.csv (the "
            "plausibility checks against published national figures)."
        ),
    )
    p.add_argument("dataset", type=Path, help="the dataset folder")
    p.add_argument("--from", dest="start", type=int, required=True, metavar="YEAR",
                   help="start financial year by its first calendar year (2010 means 2010-11)")
    p.add_argument("--to", dest="end", type=int, required=True, metavar="YEAR", help="end financial year")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.csv", help="the CSV file to write")
    head = p.add_mutually_exclusive_group()
    head.add_argument("--per-head", dest="per_head", action="store_true", default=True,
                      help="rank councils by the change per head (default)")
    head.add_argument("--total", dest="per_head", action="store_false", help="rank by the change in the total")
    real = p.add_mutually_exclusive_group()
    real.add_argument("--real", dest="real", action="store_true", default=True,
                      help="real terms, with the dataset's deflators (default)")
    real.add_argument("--cash", dest="real", action="store_false", help="cash terms")
    p.add_argument("--basis", choices=("council", "county-area"), default="council",
                   help="one row per council (default), or counties combined with their districts")
    p.add_argument("--combine-predecessors", action="store_true",
                   help="compare councils created by a merger with the sum of their predecessors "
                        "(needs the dataset's predecessors table); otherwise they are left out")
    p.add_argument("--force", action="store_true", help="overwrite FILE.csv if it exists")
    p.set_defaults(func=run)


def run(args) -> int:
    from analysis.austerity import austerity_index, check_plausibility
    from analysis.data import load_dataset
    from analysis.writers import check_output_dir, write_csv

    out: Path = args.out
    if out.suffix.lower() != ".csv":
        raise InputError(f"--out must name a .csv file, got {out}")
    if out.exists() and not args.force:
        raise InputError(f"{out} exists; choose another name or pass --force to overwrite it")
    ds = load_dataset(args.dataset)
    finance = ds.require("finance", "spending power by council and year")
    deflators = ds.require("deflators", "to turn cash into real terms (or use --cash)") if args.real else (
        ds["deflators"] if ds.has("deflators") else None)
    predecessors = None
    if args.combine_predecessors:
        predecessors = ds.require("predecessors", "--combine-predecessors needs successor_code, "
                                  "predecessor_code and year")
    basis = args.basis.replace("-", "_")
    index = austerity_index(finance, start=args.start, end=args.end, real=args.real, per_head=args.per_head,
                            deflators=deflators, councils=ds["councils"], basis=basis,
                            predecessors=predecessors)
    check_output_dir(out.parent, inputs=[args.dataset])
    checks = None
    if deflators is not None:  # warnings (stray national figures) go to stderr through the CLI
        checks = check_plausibility(finance, deflators=deflators, councils=ds["councils"])
    excluded = index.attrs["excluded"]
    write_csv(index, out)
    write_csv(excluded, out.with_name(f"{out.stem}_excluded.csv"))
    if checks is not None:
        write_csv(checks, out.with_name(f"{out.stem}_checks.csv"))
    print(f"{len(index)} {'areas' if basis == 'county_area' else 'councils'} measured "
          f"({index.attrs['measure']}, {args.start} to {args.end}, basis {basis}); "
          f"median change {index['change'].median():+.1%}; wrote {out}")
    if len(excluded):
        print(f"{len(excluded)} left out (see {out.stem}_excluded.csv): "
              + ", ".join(f"{r.council_code} ({r.reason})" for r in excluded.head(5).itertuples()))
    return 0
