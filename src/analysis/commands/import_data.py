"""``import-register``, ``import-outturn``, ``import-spending-power``: real public data into tidy tables."""

from __future__ import annotations

from pathlib import Path

from analysis.errors import InputError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "import-register",
        help="turn mySociety's local authority register into a councils table",
        description=(
            "Read uk_local_authorities.csv (mySociety's UK local authority register) and write a "
            "councils table: GSS code, name, tier, region, 2020 population and, for districts, the "
            "county's code. Northern Ireland districts, combined authorities and the GLA are left "
            "out; other nations only with --nations."
        ),
    )
    p.add_argument("register", type=Path, help="uk_local_authorities.csv")
    p.add_argument("--out", type=Path, required=True, metavar="DATASET_DIR/councils.csv", help="file to write")
    p.add_argument("--county-lookup", type=Path, metavar="FILE.csv",
                   help="ONS Local_Authority_District_to_County lookup, to fill missing county codes")
    p.add_argument("--nations", nargs="+", default=["England"], help="nations to keep (default England)")
    p.add_argument("--current-only", action="store_true", help="leave out councils that no longer exist")
    p.add_argument("--force", action="store_true", help="overwrite the output file")
    p.set_defaults(func=run_register)

    p = subparsers.add_parser(
        "import-outturn",
        help="turn a Revenue Outturn summary workbook (RS_*.xlsx) into a tidy CSV",
        description=("Read an MHCLG Revenue Outturn summary workbook (header rows, subtotals, footnotes, "
                     "'...' placeholders) and write one row per authority and RS line, GBP thousand."),
    )
    p.add_argument("workbook", type=Path, help="RS_YYYY-YY_data_by_LA.xlsx")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.csv", help="file to write")
    p.add_argument("--sheet", help="data sheet (default: the one named 'RS LA Data ...')")
    p.add_argument("--force", action="store_true", help="overwrite the output file")
    p.set_defaults(func=run_outturn)

    p = subparsers.add_parser(
        "import-spending-power",
        help="turn a table of year-on-year spending power changes into long form, or chain it",
        description=("Read a table of year-on-year spending power changes (columns like 201011_201112) "
                     "and write it in long form; with --from and --to, write each council's chained "
                     "change between the two years instead."),
    )
    p.add_argument("table", type=Path, help="for example SpendingPercentage.csv")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.csv", help="file to write")
    p.add_argument("--from", dest="start", type=int, metavar="YEAR", help="chain from this year")
    p.add_argument("--to", dest="end", type=int, metavar="YEAR", help="chain to this year")
    p.add_argument("--force", action="store_true", help="overwrite the output file")
    p.set_defaults(func=run_spending_power)


def _target(out: Path, source: Path, force: bool) -> Path:
    from analysis.writers import check_output_dir

    if out.suffix.lower() != ".csv":
        raise InputError(f"--out must name a .csv file, got {out}")
    if out.exists() and not force:
        raise InputError(f"{out} exists; pass --force to overwrite it")
    check_output_dir(out.parent if str(out.parent) else Path("."), inputs=[source])
    return out


def run_register(args) -> int:
    from analysis.data.importers import import_la_register
    from analysis.writers import write_csv

    out = _target(args.out, args.register, args.force)
    councils = import_la_register(args.register, county_lookup=args.county_lookup, nations=tuple(args.nations),
                                  include_former=not args.current_only)
    write_csv(councils, out)
    counts = ", ".join(f"{n} {t}" for t, n in councils["tier"].value_counts().sort_index().items())
    print(f"wrote {len(councils)} councils to {out} ({counts}); "
          f"{len(councils.attrs['excluded'])} register rows left out")
    return 0


def run_outturn(args) -> int:
    from analysis.data.importers import import_outturn
    from analysis.writers import write_csv

    out = _target(args.out, args.workbook, args.force)
    frame = import_outturn(args.workbook, sheet=args.sheet)
    write_csv(frame, out)
    a = frame.attrs
    print(f"wrote {len(frame)} rows ({frame['ecode'].nunique()} authorities) from sheet {a['sheet']!r} to {out}; "
          f"{a['placeholders']} placeholder cells read as missing, {a['dropped_rows']} subtotal/footnote rows dropped")
    return 0


def run_spending_power(args) -> int:
    from analysis.data.importers import chain_spending_power, import_spending_power_changes
    from analysis.writers import write_csv

    if (args.start is None) != (args.end is None):
        raise InputError("give both --from and --to to chain the changes, or neither")
    out = _target(args.out, args.table, args.force)
    frame = import_spending_power_changes(args.table)
    if args.start is not None:
        frame = chain_spending_power(frame, start=args.start, end=args.end)
        print(f"{len(frame)} councils: median cash change {args.start} to {args.end} {frame['change'].median():+.1%}; "
              f"{len(frame.attrs['excluded'])} without every yearly change left out")
    write_csv(frame, out)
    print(f"wrote {len(frame)} rows to {out}")
    return 0
