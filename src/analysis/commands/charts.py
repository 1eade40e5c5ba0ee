"""``charts DATASET --out DIR``: export every standard chart with its data, and a gallery."""

from __future__ import annotations

from pathlib import Path

from analysis.errors import InputError

__all__ = ["register", "run"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "charts",
        help="export every standard chart (SVG, PNG, PDF) with its data and an index.html gallery",
        description=(
            "Load and validate DATASET, draw every standard chart of the toolkit (the dataset "
            "overview and the charts of the analysis modules) in the house style, and write each "
            "one to DIR as SVG, PNG (300 dpi) and PDF with the data behind it as CSV, a "
            "manifest.json (titles, alt text, sources, files) and an index.html gallery. The "
            "files are the same byte for byte from run to run. Nothing is written into DATASET; "
            "an output folder inside it is refused."
        ),
    )
    p.add_argument("dataset", type=Path, help="the dataset folder")
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="output folder (created if needed; must not be inside DATASET)")
    p.add_argument("--seed", type=int, default=2010, metavar="N",
                   help="random seed for bootstraps and layouts (default 2010)")
    p.add_argument("--from", dest="start", type=int, default=None, metavar="YEAR",
                   help="first year compared (default: each analysis's own, 2010 for austerity)")
    p.add_argument("--to", dest="end", type=int, default=None, metavar="YEAR",
                   help="last year compared (default: each analysis's own, 2019 for austerity)")
    p.add_argument("--formats", default="svg,png,pdf", metavar="LIST",
                   help="image formats, comma-separated, from svg,png,pdf (default all three)")
    p.add_argument("--excel", action="store_true", help="also write each chart's data as XLSX")
    p.set_defaults(func=run)


def run(args) -> int:
    import matplotlib

    matplotlib.use("Agg")  # never open a window from the command line

    from analysis.charts import standard_charts
    from analysis.data import load_dataset
    from analysis.export import check_formats, export_charts, write_gallery
    from analysis.writers import check_output_dir

    formats = check_formats(args.formats)
    if not args.dataset.is_dir():
        raise InputError(f"dataset folder {args.dataset} not found (give the folder holding councils.csv ...)")
    # refuse a bad output folder before the (slower) loading, and create nothing yet
    out_resolved = args.out.expanduser().resolve()
    data_resolved = args.dataset.expanduser().resolve()
    if out_resolved == data_resolved or data_resolved in out_resolved.parents:
        check_output_dir(args.out, inputs=[args.dataset])  # raises the standard message
    dataset = load_dataset(args.dataset)
    out = check_output_dir(args.out, inputs=[args.dataset])
    specs = standard_charts(dataset, random_state=args.seed, start=args.start, end=args.end)
    entries = export_charts(specs, out, formats=formats, excel=args.excel, inputs=[args.dataset],
                            replace_manifest=True)
    gallery = write_gallery(out, title=f"Charts: {dataset.name}")
    print(f"wrote {len(entries)} charts ({', '.join(formats)} and CSV) to {out}")
    print(f"open {gallery}")
    return 0
