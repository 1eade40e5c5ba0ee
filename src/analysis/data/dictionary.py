"""The data dictionary (``data/README.md``), generated from the schemas so it cannot drift."""

from __future__ import annotations

from analysis.data.schema import INDICATOR_OPTIONS, MISSING_MARKERS, OPTIONS, TABLES

__all__ = ["data_dictionary"]

_KIND = {
    "code": "code (trimmed{upper})",
    "text": "text",
    "category": "one of the values listed",
    "year": "year (2010, 2010-11, 2010/11 or 2010-2011 all mean 2010)",
    "int": "whole number",
    "float": "number",
    "fraction": "fraction 0 to 1 (85% is read as 0.85)",
    "date": "date (2011-03-31, 31/03/2011 or an Excel serial number)",
}


def _describe(col) -> str:
    kind = _KIND[col.kind].format(upper=", upper-cased" if col.upper else "")
    limits = []
    if col.min is not None:
        limits.append(f"> {col.min:g}" if col.min_exclusive else f">= {col.min:g}")
    if col.max is not None:
        limits.append(f"<= {col.max:g}")
    if limits and col.kind not in ("fraction", "year"):
        kind += f", {' and '.join(limits)}"
    return kind


def data_dictionary() -> str:
    """Return the data dictionary as Markdown.

    Examples
    --------
    >>> text = data_dictionary()
    >>> text.splitlines()[0]
    '# Data dictionary'
    """
    out = [
        "# Data dictionary",
        "",
        "<!-- Generated from src/analysis/data/schema.py by "
        "`python -m analysis data-dictionary --out data/README.md`; do not edit by hand. -->",
        "",
        "A dataset is a folder with one file per table, named after the table (`councils.csv`, "
        "`councils.xlsx` or `councils.parquet`), plus an optional `dataset.yml` that maps other file "
        "names, sheets and column names onto these tables. `councils` and `partnerships` are "
        "required; every other table is optional, and an analysis that needs a missing table says "
        "which one and why. Other CSV files in the folder are read as extra tables and left alone.",
        "",
        "Bundled datasets: [`example/`](example/README.md) (synthetic, with a planted truth) and "
        "[`staffordshire/`](staffordshire/README.md) (a real county's 2010 partnership structure).",
        "",
        "## How values are read",
        "",
        "- Encodings: UTF-8 with or without BOM; Windows-1252 or Latin-1 are detected and reported.",
        "- The header row is found automatically (it may sit below title rows); footnote rows after "
        "the data, blank rows and repeated header rows are skipped and reported.",
        "- Column headers are compared after trimming and lower-casing, with spaces and punctuation "
        "as `_`; common alternative headers are understood (listed below as *also*).",
        "- Numbers may carry `£`, `%`, thousands separators and spaces; `(1,234)` is negative.",
        "- These markers mean *missing* (never zero) and are counted in the report: "
        + ", ".join(f"`{m}`" for m in MISSING_MARKERS) + ". In text columns only the unambiguous "
        "ones (such as `..`, `[c]`, `N/A`) count. Excel error cells (`#DIV/0!`, `#REF!` ...) are "
        "reported.",
        "- Years are financial years by their starting calendar year: 2010 means 2010-11.",
        "",
    ]
    for table in TABLES.values():
        req = "required" if table.required else "optional"
        out += [f"## `{table.name}` ({req})", "", table.description, ""]
        if table.key:
            out += [f"Each row is identified by {' + '.join(f'`{k}`' for k in table.key)}.", ""]
        out += ["| column | required | kind | meaning | values |", "|---|---|---|---|---|"]
        for col in table.columns:
            values = ", ".join(f"`{c}`" for c in col.choices)
            meaning = col.description
            if col.aliases:
                meaning += " *Also:* " + ", ".join(f"`{a}`" for a in col.aliases) + "."
            out.append(f"| `{col.name}` | {'yes' if col.required else 'no'} | {_describe(col)} | "
                       f"{meaning} | {values} |")
        if table.references:
            out += ["", "Must refer to known rows: " + "; ".join(
                f"`{c}` to `{t}.{tc}`" for c, t, tc in table.references) + "."]
        out.append("")
    out += ["## Evidence indicators and the option each bears on", "",
            "| indicator | option |", "|---|---|"]
    for option in OPTIONS:
        for ind, opt in INDICATOR_OPTIONS.items():
            if opt == option:
                out.append(f"| `{ind}` | {opt} |")
    out += ["", "Other indicators are kept and reported as warnings; add them to the codebook to give "
            "them an option (see `docs/coding.md`).", ""]
    return "\n".join(out)
