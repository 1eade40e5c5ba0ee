"""Importers for real public local-government data, turned into the toolkit's tidy tables.

* :func:`import_la_register` — mySociety's UK local authority register
  (``uk_local_authorities.csv``) as a ``councils`` table: GSS codes, names, tiers,
  regions, 2020 population and, for shire districts, the county's code.
* :func:`import_outturn` — an MHCLG Revenue Outturn summary workbook (``RS_*.xlsx``:
  seven header rows, subtotal and footnote rows, ``...`` placeholders) as a long frame,
  one row per authority and RS line.
* :func:`import_spending_power_changes` and :func:`chain_spending_power` — a table of
  year-on-year spending power changes (columns such as ``201011_201112``) in long form,
  and chained into a cumulative change between two years.

Every importer leaves its input untouched, reads nothing else, and reports what it
dropped in ``result.attrs`` rather than dropping it silently.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError

__all__ = [
    "REGISTER_TIERS",
    "chain_spending_power",
    "import_la_register",
    "import_outturn",
    "import_spending_power_changes",
]

#: The register's ``local-authority-type`` mapped onto our tiers. Scottish and Welsh
#: councils are single-tier (unitary); the City of London acts as a London borough.
#: Northern Ireland districts (NID: no social care or education), combined authorities
#: (COMB) and the GLA (SRA) are not councils of a comparable kind and are left out.
REGISTER_TIERS = {"CTY": "county", "NMD": "district", "UA": "unitary", "MD": "metropolitan",
                  "LBO": "london_borough", "CC": "london_borough", "SCO": "unitary", "WPA": "unitary"}
_REGISTER_SKIP = {"NID": "Northern Ireland district (different powers; not comparable)",
                  "COMB": "combined authority (not a council)", "SRA": "strategic regional authority (GLA)"}
_PLACEHOLDERS = {"...", "…", "..", "-", "x", "[x]", "[c]", "", "NA", "N/A", "na", "n/a", "#N/A"}
_CLASS_TIERS = {"london borough": "london_borough", "metropolitan district": "metropolitan",
                "unitary authority": "unitary", "county council": "county", "district council": "district",
                "l": "london_borough", "md": "metropolitan", "ua": "unitary", "sc": "county", "sd": "district"}


def _exists(path) -> Path:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p} does not exist or is not a file")
    return p


def import_la_register(
    path,
    *,
    county_lookup=None,
    nations=("England",),
    include_former: bool = True,
) -> pd.DataFrame:
    """Read mySociety's local authority register as a ``councils`` table.

    Parameters
    ----------
    path : path-like
        ``uk_local_authorities.csv`` from mySociety's uk_local_authority_names_and_codes.
    county_lookup : path-like, optional
        ONS ``Local_Authority_District_to_County`` lookup (``LAD21CD``, ``CTY21CD``): fills
        ``county_code`` for districts whose register row does not name a county.
    nations : tuple of str or None
        Nations to keep (None keeps all). Default England only.
    include_former : bool
        Keep councils that no longer exist (needed for spans before the 2019-2023
        reorganisations); ``end_date`` and ``replaced_by`` say when and by whom.

    Returns
    -------
    DataFrame
        ``council_code`` (GSS), ``council_name``, ``tier``, ``region``, ``population``
        (2020 estimate), ``county_code`` (GSS of the county, districts only), and
        ``register_code``, ``ecode``, ``nation``, ``start_date``, ``end_date``,
        ``replaced_by``, ``current``. ``attrs["excluded"]`` lists rows left out, with the
        reason.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "reg.csv"
    >>> _ = f.write_text(
    ...     "local-authority-code,official-name,gss-code,nation,region,local-authority-type,county-la,"
    ...     "pop-2020,current-authority,ecode,start-date,end-date,replaced-by\\n"
    ...     "KEN,Kent County Council,E10000016,England,South East,CTY,,1589057,True,E2221,,,\\n"
    ...     "ASF,Ashford Borough Council,E07000105,England,South East,NMD,KEN,132000,True,E2231,,,\\n")
    >>> import_la_register(f)[["council_code", "tier", "county_code"]]
      council_code      tier county_code
    0    E07000105  district   E10000016
    1    E10000016    county         NaN
    """
    p = _exists(path)
    try:
        reg = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{p.name} could not be read as a UTF-8 CSV: {exc}") from None
    needed = ["local-authority-code", "official-name", "gss-code", "local-authority-type", "region", "nation"]
    missing = [c for c in needed if c not in reg.columns]
    if missing:
        raise InputError(f"{p.name} is not the mySociety register: missing column(s) {', '.join(missing)}")
    reg = reg.apply(lambda s: s.str.strip())
    excluded = []

    def drop(mask, reason):
        nonlocal reg
        for row in reg[mask].itertuples():
            excluded.append({"register_code": row[1], "name": reg.loc[row.Index, "official-name"], "reason": reason})
        reg = reg[~mask]

    for kind, reason in _REGISTER_SKIP.items():
        drop(reg["local-authority-type"] == kind, reason)
    drop(~reg["local-authority-type"].isin(REGISTER_TIERS.keys()), "type not recognised")
    if nations is not None:
        drop(~reg["nation"].isin(list(nations)), f"outside {', '.join(nations)}")
    if not include_former and "current-authority" in reg.columns:
        drop(reg["current-authority"].str.lower() == "false", "no longer exists")
    drop(reg["gss-code"] == "", "no GSS code")
    gss_of = dict(zip(reg["local-authority-code"], reg["gss-code"], strict=True))
    out = pd.DataFrame({
        "council_code": reg["gss-code"].str.upper(),
        "council_name": reg["official-name"],
        "tier": reg["local-authority-type"].map(REGISTER_TIERS),
        "region": reg["region"],
    })
    pop = reg.get("pop-2020", pd.Series("", index=reg.index))
    out["population"] = pd.to_numeric(pop.replace("", np.nan), errors="coerce").round().astype("Int64")
    out.loc[out["population"] <= 0, "population"] = pd.NA
    county = reg.get("county-la", pd.Series("", index=reg.index)).map(gss_of)
    out["county_code"] = county.where(out["tier"] == "district")
    if county_lookup is not None:
        lk = pd.read_csv(_exists(county_lookup), dtype=str, encoding="utf-8-sig")
        if not {"LAD21CD", "CTY21CD"} <= set(lk.columns):
            raise InputError("the county lookup needs columns LAD21CD and CTY21CD")
        fill = out["council_code"].map(dict(zip(lk["LAD21CD"], lk["CTY21CD"], strict=True)))
        out["county_code"] = out["county_code"].fillna(fill.where(out["tier"] == "district"))
    for ours, theirs in (("register_code", "local-authority-code"), ("ecode", "ecode"), ("nation", "nation"),
                         ("start_date", "start-date"), ("end_date", "end-date"), ("replaced_by", "replaced-by")):
        col = reg.get(theirs, pd.Series("", index=reg.index))
        out[ours] = col.replace("", np.nan)
    # Former councils often have no region: take their county's, else their successor's.
    out["region"] = out["region"].replace("", np.nan)
    region_of = dict(zip(out["council_code"], out["region"], strict=True))
    out["region"] = out["region"].fillna(out["county_code"].map(region_of))
    successor = out["replaced_by"].fillna("").str.split(",").str[0].str.strip().map(gss_of)
    out["region"] = out["region"].fillna(successor.map(region_of))
    cur = reg.get("current-authority", pd.Series("True", index=reg.index)).str.lower()
    out["current"] = cur.eq("true")
    dup = out["council_code"].duplicated(keep=False)
    if dup.any():
        raise InputError(f"the register has repeated GSS codes: {', '.join(sorted(set(out.loc[dup, 'council_code'])))}")
    out = out.sort_values("council_code").reset_index(drop=True)
    out.attrs["excluded"] = pd.DataFrame.from_records(excluded, columns=["register_code", "name", "reason"])
    return out


def _sheet_year(sheet: str) -> int | None:
    m = re.search(r"(\d{4})\s*[-/]\s*(\d{2})", str(sheet))
    return int(m.group(1)) if m else None


def import_outturn(path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read an MHCLG Revenue Outturn summary (RS) workbook into a long, tidy frame.

    Finds the header row (the one starting ``E-code``), takes the RS line numbers from
    the row above it and the merged group labels from the row above that, keeps rows
    with an E-code (dropping subtotals such as ENGLAND and the footnotes), and turns
    placeholders (``...``, ``…``) into missing values.

    Parameters
    ----------
    path : path-like
        ``RS_YYYY-YY_data_by_LA.xlsx``.
    sheet : str, optional
        The data sheet; by default the sheet whose name starts ``RS LA Data``.

    Returns
    -------
    DataFrame
        ``ecode``, ``ons_code``, ``authority``, ``class``, ``year`` (financial year by its
        first calendar year), ``line`` (RS line number), ``line_name``, ``group`` and
        ``value_gbp_k`` (GBP thousand, cash). ``attrs`` holds ``sheet``, ``placeholders``
        (cells read as missing), ``unreadable`` (other non-numbers) and ``dropped_rows``
        (subtotal and footnote rows).
    """
    p = _exists(path)
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # openpyxl: print areas and data validation
            book = pd.ExcelFile(p, engine="openpyxl")
    except Exception as exc:  # noqa: BLE001 - any failure to open is the user's file
        raise InputError(f"{p.name} could not be opened as an Excel workbook: {exc}") from None
    if sheet is None:
        candidates = [s for s in book.sheet_names if s.lower().startswith("rs la data")]
        if not candidates:
            raise InputError(f"{p.name} has no sheet named 'RS LA Data ...'; sheets: {', '.join(book.sheet_names)}; "
                             f"pass sheet=")
        sheet = candidates[0]
    elif sheet not in book.sheet_names:
        raise InputError(f"{p.name} has no sheet {sheet!r}; sheets: {', '.join(book.sheet_names)}")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openpyxl: print areas and data validation
        raw = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object)
    first = raw.iloc[:40, 0].astype(str).str.strip().str.lower()
    hits = np.flatnonzero(first.to_numpy() == "e-code")
    if not len(hits):
        raise InputError(f"no header row starting 'E-code' in the first 40 rows of sheet {sheet!r} of {p.name}")
    h = int(hits[0])
    names = raw.iloc[h].astype(object)
    lines = raw.iloc[h - 1] if h >= 1 else pd.Series(np.nan, index=raw.columns)
    groups = (raw.iloc[h - 2] if h >= 2 else pd.Series(np.nan, index=raw.columns)).ffill()
    lower = names.astype(str).str.strip().str.lower()
    pos = {k: int(np.flatnonzero(lower.to_numpy() == k)[0]) for k in ("e-code", "ons code", "local authority", "class")
           if (lower == k).any()}
    if "local authority" not in pos:
        raise InputError(f"sheet {sheet!r} of {p.name} has no 'Local authority' column")
    body = raw.iloc[h + 1:]
    ecode = body.iloc[:, pos["e-code"]].astype(str).str.strip()
    is_la = ecode.str.match(r"^E\d{4}$")
    dropped = int((~is_la & body.notna().any(axis=1)).sum())
    body = body[is_la]
    value_cols = [c for c in raw.columns if c not in pos.values() and pd.notna(names[c])
                  and str(names[c]).strip() and c > max(pos.values())]
    year = _sheet_year(sheet)
    frames = []
    placeholders = unreadable = 0
    for c in value_cols:
        cells = body[c]
        text = cells.astype(str).str.strip()
        is_placeholder = cells.isna() | text.isin(_PLACEHOLDERS)
        values = pd.to_numeric(cells.where(~is_placeholder), errors="coerce")
        placeholders += int((is_placeholder & cells.notna()).sum())
        unreadable += int((values.isna() & ~is_placeholder).sum())
        line = pd.to_numeric(pd.Series([lines[c]]), errors="coerce").iloc[0]
        frames.append(pd.DataFrame({
            "ecode": ecode[is_la].to_numpy(),
            "ons_code": body.iloc[:, pos["ons code"]].to_numpy() if "ons code" in pos else np.nan,
            "authority": body.iloc[:, pos["local authority"]].astype(str).str.strip().to_numpy(),
            "class": body.iloc[:, pos["class"]].to_numpy() if "class" in pos else np.nan,
            "year": year,
            "line": int(line) if pd.notna(line) else pd.NA,
            "line_name": " ".join(str(names[c]).split()),
            "group": " ".join(str(groups[c]).split()) if pd.notna(groups[c]) else "",
            "value_gbp_k": values.astype(float).to_numpy(),
        }))
    out = pd.concat(frames, ignore_index=True)
    out["ons_code"] = out["ons_code"].where(out["ons_code"].notna(), None)
    out["line"] = out["line"].astype("Int64")
    out["year"] = out["year"].astype("Int64")
    out.attrs.update({"sheet": sheet, "placeholders": placeholders, "unreadable": unreadable,
                      "dropped_rows": dropped})
    return out


_STEP = re.compile(r"^(\d{4})(\d{2})_(\d{4})(\d{2})$")


def import_spending_power_changes(path) -> pd.DataFrame:
    """Read a table of year-on-year spending power changes into long form.

    The columns are ``ons_code``, ``ons_name``, ``class``, ``region`` and one column per
    step named ``YYYYyy_YYYYyy`` (``201011_201112`` is 2010-11 to 2011-12) holding the
    proportional change (``-0.07`` = -7%). Blank cells (councils that did not exist)
    stay missing.

    Returns
    -------
    DataFrame
        ``council_code``, ``council_name``, ``class``, ``tier``, ``region``,
        ``from_year``, ``to_year`` and ``change``; one row per council and column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "sp.csv"
    >>> _ = f.write_text("ons_code,ons_name,class,region,201011_201112,201112_201213\\n"
    ...                  "E09000007,Camden,London borough,London,-0.07,\\n")
    >>> import_spending_power_changes(f)[["council_code", "tier", "from_year", "to_year", "change"]]
      council_code            tier  from_year  to_year  change
    0    E09000007  london_borough       2010     2011   -0.07
    1    E09000007  london_borough       2011     2012     NaN
    """
    p = _exists(path)
    raw = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if "ons_code" not in raw.columns:
        raise InputError(f"{p.name} has no 'ons_code' column; columns: {', '.join(raw.columns)}")
    steps = [c for c in raw.columns if _STEP.match(c)]
    if not steps:
        raise InputError(f"{p.name} has no year-on-year columns named like 201011_201112")
    records = []
    for c in steps:
        a, _, b, _ = _STEP.match(c).groups()
        text = raw[c].str.strip()
        value = pd.to_numeric(text.where(~text.isin(_PLACEHOLDERS)), errors="coerce")
        bad = value.isna() & ~text.isin(_PLACEHOLDERS)
        if bad.any():
            raise InputError(f"column {c} of {p.name} has values that are not numbers: "
                             f"{', '.join(text[bad].unique()[:5])}")
        records.append(pd.DataFrame({
            "council_code": raw["ons_code"].str.strip().str.upper(),
            "council_name": raw.get("ons_name", pd.Series("", index=raw.index)),
            "class": raw.get("class", pd.Series("", index=raw.index)),
            "region": raw.get("region", pd.Series("", index=raw.index)),
            "from_year": int(a), "to_year": int(b), "change": value.astype(float),
        }))
    out = pd.concat(records, ignore_index=True)
    out.insert(3, "tier", out["class"].str.strip().str.lower().map(_CLASS_TIERS))
    return out


def chain_spending_power(changes: pd.DataFrame, *, start: int, end: int) -> pd.DataFrame:
    """Chain year-on-year changes into the cumulative change from ``start`` to ``end``.

    ``(1 + c1) * (1 + c2) * ... - 1`` over the consecutive steps ``start -> start + 1``
    up to ``end - 1 -> end``. A council missing any step gets no change (it is listed in
    ``attrs["excluded"]``), never a partial one.

    Examples
    --------
    >>> import pandas as pd
    >>> ch = pd.DataFrame({"council_code": ["A", "A", "B"], "from_year": [2010, 2011, 2010],
    ...                    "to_year": [2011, 2012, 2011], "change": [-0.1, -0.1, -0.05]})
    >>> chain_spending_power(ch, start=2010, end=2012)
      council_code  start_year  end_year  steps  change
    0            A        2010      2012      2   -0.19
    """
    for c in ("council_code", "from_year", "to_year", "change"):
        if c not in changes.columns:
            raise InputError(f"missing column {c!r} in changes")
    if end <= start:
        raise InputError(f"end ({end}) must come after start ({start})")
    need = end - start
    steps = changes[(changes["to_year"] == changes["from_year"] + 1) & (changes["from_year"] >= start)
                    & (changes["to_year"] <= end)]
    if steps.duplicated(["council_code", "from_year"]).any():
        raise InputError("changes has more than one row for some council and year")
    g = steps.groupby("council_code", sort=True)
    n = g["change"].count()
    factor = g["change"].apply(lambda s: float(np.prod(1 + s.to_numpy())))
    complete = n[n == need].index
    out = pd.DataFrame({"council_code": pd.Series(complete, dtype="str")})
    out["start_year"], out["end_year"], out["steps"] = start, end, need
    out["change"] = (out["council_code"].map(factor) - 1).round(12)
    extra = [c for c in ("council_name", "tier", "region") if c in changes.columns]
    if extra:
        info = changes.drop_duplicates("council_code").set_index("council_code")[extra]
        out = out.join(info, on="council_code")
    missing = sorted(set(changes["council_code"]) - set(complete))
    out.attrs["excluded"] = pd.DataFrame({"council_code": missing,
                                          "reason": [f"has {int(n.get(c, 0))} of the {need} yearly changes"
                                                     for c in missing]})
    return out
