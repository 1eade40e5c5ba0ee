"""``typology DATASET --out DIR``: place every partnership on Kahane's four options."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from analysis.errors import InputError


def _k(value: str):
    if value == "auto":
        return "auto"
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be 'auto' or a whole number, not {value!r}") from None
    if k < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {k}")
    return k


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "typology",
        help="place every partnership on fight, adapt, exit or collaborate, with diagnostics",
        description=(
            "Cluster partnerships on their evidence rates (per year active), choose k with a "
            "panel of criteria, check the clusters' stability by bootstrap, and match clusters "
            "to Kahane's four options by the Hungarian algorithm (mixed where no option is "
            "clearly nearest). Writes typology.csv, typology_diagnostics.json, "
            "typology_summary.md and the charts into --out."
        ),
    )
    p.add_argument("dataset", type=Path, help="the dataset folder")
    p.add_argument("--out", type=Path, required=True, help="output folder (outside the dataset)")
    p.add_argument("--seed", type=int, default=2010, help="random seed (default 2010)")
    p.add_argument("--k", type=_k, default="auto", help="number of clusters or 'auto' (default)")
    p.add_argument("--transform", choices=("asinh", "log1p", "none"), default="asinh",
                   help="transformation of the rates (default asinh)")
    p.add_argument("--scaling", choices=("minmax", "zscore"), default="minmax",
                   help="scaling of the transformed rates (default minmax: range 0-1)")
    p.add_argument("--bootstrap", type=int, default=100, metavar="N",
                   help="bootstrap resamples for the stability (default 100; 0 skips)")
    p.add_argument("--no-charts", action="store_true", help="write the tables only")
    p.add_argument("--with-documents", action="store_true",
                   help="also cluster on the option shares of the partnership's coded documents "
                        "(needs a documents table; see docs/coding.md)")
    p.set_defaults(func=run)


def run(args) -> int:
    from analysis.writers import atomic_write_text, check_output_dir, write_csv

    if args.bootstrap < 0:
        raise InputError(f"--bootstrap must be 0 or more, not {args.bootstrap}")
    out = check_output_dir(args.out, inputs=[args.dataset])  # refuse before any slow work

    from analysis.data import load_dataset
    from analysis.typology import (
        KahaneTypology,
        TypologyInputError,
        features_for,
        summary_markdown,
    )
    dataset = load_dataset(args.dataset)
    documents = None
    if args.with_documents:
        from analysis.coding import document_scores

        documents = document_scores(dataset)
    features = features_for(dataset, documents=documents)
    # evidence derived from membership events (real England) maps to options through its own
    # data file beside the codebook; and thin evidence is said plainly
    from analysis.membership import evidence_strength, membership_indicator_options
    from analysis.typology import indicator_options

    extra = membership_indicator_options()
    mapping = ({**indicator_options(), **extra}
               if set(dataset["evidence"]["indicator"].dropna()) & set(extra) else None)
    strength = evidence_strength(dataset["evidence"])
    try:
        model = KahaneTypology(k=args.k, transformation=args.transform, scaling=args.scaling,
                               n_boot=args.bootstrap, random_state=args.seed,
                               indicator_options=mapping).fit(features)
    except TypologyInputError as exc:  # the API names parameters; say the options instead
        raise InputError(str(exc).replace("lower k or use k='auto'", "lower --k or use --k auto")
                         .replace("lower k", "lower --k")) from None
    placements = model.placements_.round(6)
    diagnostics = model.diagnostics()
    diagnostics["dataset"] = str(args.dataset)
    diagnostics["window"] = features.attrs.get("window")
    diagnostics["evidence_strength"] = strength
    write_csv(placements, out / "typology.csv")
    atomic_write_text(out / "typology_diagnostics.json",
                      json.dumps(diagnostics, indent=2, sort_keys=True) + "\n")
    summary = summary_markdown(model, dataset_name=dataset.name, window=features.attrs.get("window"))
    if strength["thin"]:
        summary = summary.replace("\n\n", f"\n\n**Warning: {strength['verdict']}.**\n\n", 1)
    atomic_write_text(out / "typology_summary.md", summary)
    if not args.no_charts:
        from analysis.export import export_charts
        from analysis.figures.typology import typology_charts

        export_charts(typology_charts(model, features, source=f"{dataset.name}, evidence table"),
                      out, inputs=[args.dataset])
    counts = placements["option"].value_counts()
    print(f"{len(placements)} partnerships placed in {model.k_} clusters: "
          + ", ".join(f"{o} {int(counts.get(o, 0))}" for o in ("fight", "adapt", "exit", "collaborate", "mixed")))
    print(model.k_reason_)
    if strength["thin"]:
        print(f"warning: {strength['verdict']}")
    print(f"wrote {out / 'typology.csv'}, typology_diagnostics.json and typology_summary.md")
    return 0
