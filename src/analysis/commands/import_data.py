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

    p = subparsers.add_parser(
        "import-finance",
        help="turn the spending power files (and revenue outturn workbooks) into a finance table, in one step",
        description=("Read SpendingPercentage.csv and SpendingMillions.csv from FOLDER and write a finance table: "
                     "spending power per council and year, each council's latest published level with the "
                     "earlier years back-cast from the published year-on-year changes (so cash changes equal "
                     "the chained published changes). With --outturn, add revenue expenditure (RS line 800) "
                     "from MHCLG revenue outturn workbooks."),
    )
    p.add_argument("folder", type=Path, help="folder with SpendingPercentage.csv and SpendingMillions.csv")
    p.add_argument("--out", type=Path, required=True, metavar="DATASET_DIR/finance.csv", help="file to write")
    p.add_argument("--from", dest="start", type=int, default=2010, metavar="YEAR", help="first year (default 2010)")
    p.add_argument("--to", dest="end", type=int, default=2019, metavar="YEAR", help="last year (default 2019)")
    p.add_argument("--outturn", type=Path, nargs="*", default=[], metavar="RS.xlsx",
                   help="revenue outturn workbooks to add")
    p.add_argument("--force", action="store_true", help="overwrite the output file")
    p.set_defaults(func=run_finance)


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


def run_finance(args) -> int:
    from analysis.data.england import add_outturn, finance_from_spending_power
    from analysis.writers import write_csv

    folder = args.folder
    pct, lv = folder / "SpendingPercentage.csv", folder / "SpendingMillions.csv"
    for f in (pct, lv):
        if not f.is_file():
            raise InputError(f"{f} does not exist; give the folder holding SpendingPercentage.csv and "
                             "SpendingMillions.csv")
    out = _target(args.out, pct, args.force)
    finance = finance_from_spending_power(pct, lv, start=args.start, end=args.end)
    finance = add_outturn(finance, args.outturn)
    write_csv(finance, out)
    both = finance[finance["year"].isin([args.start, args.end])].pivot(
        index="council_code", columns="year", values="spending_power_gbp_m").dropna()
    change = (both[args.end] / both[args.start] - 1).median() if len(both) else float("nan")
    print(f"wrote {len(finance)} rows ({finance['council_code'].nunique()} councils, {args.start}-{args.end}) to "
          f"{out}; median cash change {args.start} to {args.end}: {change:+.1%} over {len(both)} councils")
    return 0
