"""``build-england RAW_DIR --out DIR``: the real England dataset from the official files, in one step."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from analysis.errors import InputError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "build-england",
        help="build the real England dataset (councils, finance, partnerships, memberships) from official files",
        description=(
            "Read a folder laid out like ../shared/data/real (the council register, spending power, "
            "deprivation, the ONS lookups of LEPs, combined authorities, fire and rescue authorities, "
            "community safety partnerships and police force areas, local resilience forums, STPs/ICBs and "
            "LSIPs, and the ONS code history) and write a complete dataset to DIR: councils, finance, "
            "partnerships, memberships (joined, left, share), membership_events, evidence, snapshots and a "
            "README with the source and licence of each table. The same raw folder always gives the same "
            "bytes. Bad input (a missing snapshot, an unknown code vintage, a council code the register does "
            "not know, LSOA shares that do not sum) stops with the file and row, and nothing is written."
        ),
    )
    p.add_argument("raw_dir", type=Path, help="folder of raw files, laid out like ../shared/data/real")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="dataset folder to write")
    defl = p.add_mutually_exclusive_group()
    defl.add_argument("--deflators", type=Path, metavar="FILE.csv",
                      help="a deflator table (year, deflator) to use instead of the bundled HM Treasury GDP "
                           "deflators (December 2025 release)")
    defl.add_argument("--no-deflators", action="store_true",
                      help="leave the deflators table out (austerity then needs --cash)")
    p.add_argument("--deflators-source", default="", metavar="TEXT",
                   help="the publication the deflators come from (required with --deflators)")
    p.add_argument("--force", action="store_true", help="replace DIR if it already holds a dataset")
    p.set_defaults(func=run)


def run(args) -> int:
    from analysis.data.england import BUNDLED_DEFLATORS, build_england, england_readme
    from analysis.writers import atomic_write_bytes, check_output_dir, csv_bytes

    out: Path = args.out
    if out.exists() and any(out.iterdir()) and not args.force:
        raise InputError(f"{out} is not empty; pass --force to replace the dataset in it")
    if args.deflators is not None and not args.deflators_source.strip():
        raise InputError("--deflators needs --deflators-source naming the publication the values come from")
    t0 = time.perf_counter()
    deflators = None if args.no_deflators else (args.deflators or BUNDLED_DEFLATORS)
    tables = build_england(args.raw_dir, deflators=deflators)
    payload = {f"{name}.csv": csv_bytes(frame) for name, frame in tables.items()}
    payload["README.md"] = england_readme(tables, deflators_source=args.deflators_source.strip()).encode("utf-8")
    check_output_dir(out, inputs=[args.raw_dir])
    # write everything into a sibling temporary folder first, then move the files in:
    # a failure leaves DIR as it was
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent.resolve()))
    try:
        for name, data in payload.items():
            atomic_write_bytes(tmp / name, data)
        for name in payload:
            (tmp / name).replace(out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    p, m = tables["partnerships"], tables["memberships"]
    kinds = ", ".join(f"{n} {t}" for t, n in p["type"].value_counts().sort_index().items())
    print(f"wrote {len(payload)} files to {out} in {time.perf_counter() - t0:.1f} s: "
          f"{len(tables['councils'])} councils, {tables['finance']['council_code'].nunique()} with finance, "
          f"{len(p)} partnerships ({kinds}), {len(m)} memberships")
    return 0
