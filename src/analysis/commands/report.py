"""``report DATASET --out DIR``: execute every notebook, export every chart, build the HTML report."""

from __future__ import annotations

import json
from pathlib import Path

from analysis.errors import InputError


def _param(text: str) -> tuple[str, object]:
    if "=" not in text:
        raise InputError(f"parameter '{text}' must look like NAME=VALUE")
    name, raw = text.split("=", 1)
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name.strip(), value


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report",
        help="run every notebook on a dataset and build the HTML report with all charts",
        description=(
            "Validate DATASET (stopping with the validation report if it has errors), execute every "
            "notebook with papermill against it, export all standard charts with a gallery, and write "
            "a self-contained HTML report (code hidden) with the dataset's checksum, the parameters, the "
            "seed and the package versions, plus manifest.json."
        ),
    )
    p.add_argument("dataset", type=Path, help="the dataset folder")
    p.add_argument("--out", type=Path, required=True, help="output folder (not inside the dataset)")
    p.add_argument("--seed", type=int, default=2010, help="random seed for every random step (default 2010)")
    p.add_argument("--from", dest="start", type=int, default=2010, help="first year compared (default 2010)")
    p.add_argument("--to", dest="end", type=int, default=2019, help="last year compared (default 2019)")
    p.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                   help="a further notebook parameter (JSON value or text); may be repeated")
    p.add_argument("--notebooks", help="comma-separated notebook numbers or names to run (default: all)")
    p.add_argument("--notebooks-dir", type=Path, metavar="DIR",
                   help="run the notebooks in DIR (named NN_name.ipynb) instead of the toolkit's own")
    p.add_argument("--show-code", action="store_true", help="show code cells in the HTML report")
    p.add_argument("--no-charts", action="store_true", help="skip the chart export")
    p.add_argument("--docx", action="store_true",
                   help="also write report.docx: the findings and every chart with its alt text, source and data file")
    p.set_defaults(func=run)


def run(args) -> int:
    from analysis.report import build_report

    params = dict(_param(t) for t in args.parameter)
    notebooks = [s.strip() for s in args.notebooks.split(",")] if args.notebooks else None
    path = build_report(args.dataset, args.out, seed=args.seed, start=args.start, end=args.end,
                        parameters=params, notebooks=notebooks, notebooks_dir=args.notebooks_dir,
                        show_code=args.show_code, charts=not args.no_charts, docx=args.docx)
    print(f"report written: {path}")
    return 0
