"""``activity DATASET --from 2010 --to 2019 --out DIR``: partnership activity against austerity."""

from __future__ import annotations

from pathlib import Path

from analysis.errors import InputError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "activity",
        help="partnership activity, its change, survival, the network and its statistics against austerity",
        description=(
            "Measure partnership activity per partnership-year and council-year, its change between "
            "two years, partnership survival (Kaplan-Meier, Cox with the lead council's cut) and the "
            "membership network, and relate the change to austerity (Spearman with a bootstrap "
            "interval, OLS with robust errors and controls, a fixed-effects panel, quadrants). "
            "Writes one CSV per table into DIR."
        ),
    )
    p.add_argument("dataset", type=Path, help="the dataset folder")
    p.add_argument("--from", dest="start", type=int, default=2010, metavar="YEAR", help="first year (default 2010)")
    p.add_argument("--to", dest="end", type=int, default=2019, metavar="YEAR", help="last year (default 2019)")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    p.add_argument("--measure", default="meetings_per_partnership",
                   help="council-year activity measure to compare (default meetings_per_partnership)")
    p.add_argument("--by", choices=("lead", "member"), default="lead",
                   help="count the partnerships a council leads (default) or sits on")
    p.add_argument("--basis", choices=("council", "county-area"), default="council",
                   help="austerity per council (default) or per county area")
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples (default 1000)")
    p.add_argument("--seed", type=int, default=2010, help="random seed for the bootstrap (default 2010)")
    p.set_defaults(func=run)


def run(args) -> int:
    from analysis.activity import ACTIVITY_MEASURES
    from analysis.austerity import austerity_against_activity
    from analysis.data import load_dataset
    from analysis.writers import check_output_dir, write_csv

    if args.measure not in ACTIVITY_MEASURES:
        raise InputError(f"--measure must be one of {', '.join(ACTIVITY_MEASURES)}, got {args.measure!r}")
    if args.n_boot < 100:
        raise InputError("--n-boot must be at least 100")
    out = check_output_dir(args.out, inputs=[args.dataset])
    ds = load_dataset(args.dataset)
    result = austerity_against_activity(ds, start=args.start, end=args.end, measure=args.measure, by=args.by,
                                        basis=args.basis.replace("-", "_"), n_boot=args.n_boot,
                                        random_state=args.seed)
    for name, frame in result.tables().items():
        write_csv(frame, out / f"{name}.csv")
    simple = result["ols"].iloc[1]
    print(f"{len(result['data'])} councils; slope of log change in {args.measure} on the cut: "
          f"{simple['verdict']}")
    print(f"Spearman: {result['spearman']['verdict'].iloc[0]}")
    cox = result["survival_cox"].iloc[0]
    print(f"dissolution hazard per 10 points of cut: HR {cox['hr']:.2f} "
          f"(95% CI {cox['hr_ci_low']:.2f} to {cox['hr_ci_high']:.2f})")
    print(f"wrote {len(result.tables())} tables to {args.out}")
    return 0
