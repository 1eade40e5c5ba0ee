"""Real England: assemble the toolkit's tables from the official files in one step.

:func:`build_england` reads a folder laid out like ``../shared/data/real`` (one sub-folder
per source, each with its PROVENANCE.md) and returns the tables of a complete dataset:
``councils`` (the mySociety register with tier, region, county, population and
deprivation), ``finance`` (spending power 2010-11 to 2019-20), ``partnerships``,
``memberships`` (with ``joined``/``left``/``share``), ``membership_events`` and
``evidence`` (indicators derived from the events). The list of snapshots read is
:data:`SNAPSHOTS`: data, not code, so a new year is one more line.

Nothing here writes files (the ``build-england`` command does, atomically).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data.geographies import (
    Snapshot,
    aggregate_lsoa,
    council_resolver,
    derive_memberships,
    financial_year,
    normalise_name,
    read_code_history,
    read_lookup,
)
from analysis.data.importers import import_la_register, import_spending_power_changes
from analysis.errors import InputError

__all__ = ["SNAPSHOTS", "EVENT_INDICATORS", "OUTTURN_FILES", "add_outturn", "build_england",
           "finance_from_spending_power", "read_deflators"]

#: MHCLG revenue outturn workbooks read when present: revenue expenditure (RS line 800).
OUTTURN_FILES = ("bbc_council_reserves/RS_2015-16_data_by_LA_-_Revision.xlsx",
                 "bbc_council_reserves/RS_2016-17_data_by_LA.xlsx",
                 "bbc_council_cuts_revenue_outturn/RS_2017-18_data_by_LA.xlsx")

_LEP = "ons_lep_lookups"
_CA1 = "ons_combined_authority_lookups_2017_2023"
_CA2 = "ons_lad_combined_authority_lookups"
_FRA = "ons_fra_lookups"
_CSP = "ons_csp_pfa_lookups"
_LRF = "ons_lrf_lookups"
_NHS = "ons_health_stp_icb_lookups"
_DFE = "dfe_lsip_dashboard_lep_lsip"
_LSOA18 = f"{_LEP}/geographr_lookup_lsoa11_ltla18.csv"

#: Every snapshot read: (type, date of the geography, reader, arguments). Readers:
#: ``lad`` (a LAD-to-body lookup), ``lsoa`` (LSOA-to-body, aggregated to councils),
#: ``lsoa_ccg`` (LSOA-to-CCG-to-council joined to CCG-to-STP), ``lep_names`` (the DfE
#: 2021-geography file, which has LEP names only).
SNAPSHOTS = (
    ("lep", "2014-12-31", "lsoa", {"file": f"{_LEP}/LSOA11_to_LEP_Dec2014_EN.csv", "body": "LEP", "lad": _LSOA18}),
    ("lep", "2017-04-01", "lsoa", {"file": f"{_LEP}/LSOA11_to_LEP_Apr2017_EN_v2.csv", "body": "LEP", "lad": _LSOA18}),
    ("lep", "2020-04-01", "lad", {"file": f"{_DFE}/LAD20_to_LEP2020_DfE_2020LEP_Sheet1.csv", "vintage": 20,
                                  "columns": {"area_code": "LACD", "area_name": "LANM", "body_code": "ERCD",
                                              "body_name": "ERNM"},
                                  # DfE kept one LEP per district where ONS still had two
                                  "one_body_only": True}),
    ("lep", "2021-04-01", "lep_names", {"file": f"{_DFE}/C_mapLA_attributes_LAD22_LEP_LSIP_MCA.csv"}),
    ("combined_authority", "2017-03-31", "lad", {"file": f"{_CA1}/LAD17_CAUTH17_Mar2017_EN.csv", "body": "CAUTH"}),
    ("combined_authority", "2018-12-31", "lad", {"file": f"{_CA1}/LAD18_CAUTH18_Dec2018_EN_v2.csv", "body": "CAUTH"}),
    ("combined_authority", "2019-12-31", "lad", {"file": f"{_CA1}/LAD19_CAUTH19_Dec2019_EN.csv", "body": "CAUTH"}),
    ("combined_authority", "2020-12-31", "lad", {"file": f"{_CA1}/geographr_lookup_ltla20_cauth20.csv",
                                                 "body": "cauth"}),
    ("combined_authority", "2021-12-31", "lad", {"file": f"{_CA1}/geographr_lookup_ltla21_cauth21.csv",
                                                 "body": "cauth"}),
    ("combined_authority", "2023-05-15", "lad", {"file": f"{_CA1}/geographr_lookup_ltla23_cauth23.csv",
                                                 "body": "cauth"}),
    ("combined_authority", "2024-05-31", "lad", {
        "file": f"{_CA2}/Local_Authority_District_to_Combined_Authority_May_2024_Lookup_in_EN.csv", "body": "CAUTH"}),
    ("combined_authority", "2025-05-31", "lad", {
        "file": f"{_CA2}/Local_Authority_District_to_Combined_Authority_May_2025_Lookup_in_EN.csv", "body": "CAUTH"}),
    ("fire_rescue_authority", "2016-12-31", "lad", {"file": f"{_FRA}/LAD16_FRA16_Dec2016_EW.csv", "body": "FRA"}),
    ("fire_rescue_authority", "2017-12-31", "lad", {"file": f"{_FRA}/LAD17_FRA17_Dec2017_EW.csv", "body": "FRA"}),
    ("fire_rescue_authority", "2018-12-31", "lad", {"file": f"{_FRA}/LAD18_FRA18_Dec2018_EW.csv", "body": "FRA"}),
    ("fire_rescue_authority", "2019-12-31", "lad", {"file": f"{_FRA}/LAD19_FRA19_Dec2019_EW.csv", "body": "FRA"}),
    ("fire_rescue_authority", "2021-04-01", "lad", {"file": f"{_FRA}/geographr_lookup_ltla21_fra21.csv", "body": "fra"}),
    ("fire_rescue_authority", "2024-12-31", "lad", {"file": f"{_FRA}/geographr_lookup_ltla24_fra24.csv", "body": "fra"}),
    ("community_safety", "2017-01-31", "lad", {"file": f"{_CSP}/LAD17_CSP17_PFA17_Jan2017_EW_v2.csv", "body": "CSP"}),
    ("community_safety", "2018-12-31", "lad", {"file": f"{_CSP}/LAD18_CSP18_PFA18_Dec2018_EW.csv", "body": "CSP"}),
    ("community_safety", "2019-12-31", "lad", {"file": f"{_CSP}/LAD19_CSP19_PFA19_Dec2019_EW.csv", "body": "CSP"}),
    ("community_safety", "2024-12-31", "lad", {"file": f"{_CSP}/geographr_lookup_ltla24_csp24_pfa24.csv",
                                               "body": "csp"}),
    ("police_force_area", "2017-01-31", "lad", {"file": f"{_CSP}/LAD17_CSP17_PFA17_Jan2017_EW_v2.csv", "body": "PFA"}),
    ("police_force_area", "2018-12-31", "lad", {"file": f"{_CSP}/LAD18_CSP18_PFA18_Dec2018_EW.csv", "body": "PFA"}),
    ("police_force_area", "2019-12-31", "lad", {"file": f"{_CSP}/LAD19_CSP19_PFA19_Dec2019_EW.csv", "body": "PFA"}),
    ("police_force_area", "2024-12-31", "lad", {"file": f"{_CSP}/geographr_lookup_ltla24_csp24_pfa24.csv",
                                                "body": "pfa"}),
    ("local_resilience_forum", "2015-08-31", "lad", {"file": f"{_LRF}/LAD15_LRF15_Aug2015_EW.csv", "body": "LRF"}),
    ("local_resilience_forum", "2016-12-31", "lad", {"file": f"{_LRF}/LAD16_LRF16_Dec2016_EW.csv", "body": "LRF"}),
    ("local_resilience_forum", "2017-12-31", "lad", {"file": f"{_LRF}/LAD17_LRF17_Dec2017_EW.csv", "body": "LRF"}),
    ("local_resilience_forum", "2018-12-31", "lad", {"file": f"{_LRF}/LAD18_LRF18_Dec2018_EW.csv", "body": "LRF"}),
    ("local_resilience_forum", "2019-12-31", "lad", {"file": f"{_LRF}/LAD19_LRF19_Dec2019_EW.csv", "body": "LRF"}),
    *(("integrated_care_system", f"20{yy}-04-01", "lsoa_ccg", {
        "file": f"{_NHS}/LSOA11_CCG{yy}_LAD{yy}_Apr20{yy}_EN{sfx}.csv",
        "ccg": f"{_NHS}/CCG{yy}_STP{yy}_Apr20{yy}_EN{sfx2}.csv"})
      for yy, sfx, sfx2 in ((17, "_v4", "_v3"), (18, "", "_v2"), (19, "", ""), (20, "", ""))),
    ("integrated_care_system", "2021-04-01", "lsoa", {"file": f"{_NHS}/geographr_lookup_lsoa11_ccg21_stp21_ltla21.csv",
                                                      "body": "stp", "lad_in_file": "ltla"}),
    ("integrated_care_system", "2022-07-01", "lsoa", {"file": f"{_NHS}/geographr_lookup_lsoa11_sicbl22_icb22_ltla22.csv",
                                                      "body": "icb", "lad_in_file": "ltla"}),
    ("integrated_care_system", "2024-04-01", "lsoa", {"file": f"{_NHS}/geographr_lookup_lsoa21_icb24.csv",
                                                      "body": "icb",
                                                      "lad": f"{_NHS}/geographr_lookup_lsoa21_ward24_ltla24.csv"}),
    ("local_skills_improvement_plan", "2023-08-31", "lad", {"file": f"{_DFE}/LAD23_to_LSIP23.csv", "body": "LSIP"}),
)

#: The code history entity of each type (for start and end dates).
ENTITIES = {"lep": "E37", "combined_authority": "E47", "fire_rescue_authority": "E31",
            "community_safety": "E22", "police_force_area": "E23", "local_resilience_forum": "E48",
            "integrated_care_system": "E54", "local_skills_improvement_plan": "E69"}

#: Membership events turned into evidence indicators: (event, indicator). The mapping of
#: each indicator to Kahane's options is data too (``england_indicators.csv`` beside the
#: codebook).
EVENT_INDICATORS = {"joined": "members_joined", "left": "members_left", "merged": "merged_into_another",
                    "wound_up": "wound_up_by_government", "founding": "founding_members"}


def _lsoa_lad(raw: Path, rel: str) -> pd.DataFrame:
    lk = read_lookup(raw / rel, area="LSOA|lsoa", body="ltla|LAD")
    return lk.rename(columns={"body_code": "lad_code"})[["area_code", "lad_code"]].drop_duplicates("area_code")


def _read_snapshot(raw: Path, kind: str, date: str, reader: str, args: dict, *, lep2020=None) -> pd.DataFrame:
    """One snapshot as (council area code, body code, body name, share, member, source, row)."""
    src = args["file"]
    path = raw / src
    if reader == "lad":
        lk = read_lookup(path, body=args.get("body", ""), columns=args.get("columns"), vintage=args.get("vintage"))
        k = lk.groupby("area_code")["body_code"].transform("nunique")
        return pd.DataFrame({"area_code": lk["area_code"].str.upper(), "body_code": lk["body_code"],
                             "body_name": lk["body_name"], "share": 1.0 / k, "member": True, "row": lk["row"],
                             "source": src})
    if reader == "lsoa":
        lk = read_lookup(path, area="LSOA|lsoa", body=args["body"])
        if "lad_in_file" in args:
            lad = read_lookup(path, area="LSOA|lsoa", body=args["lad_in_file"])
            lk = lk.merge(lad.rename(columns={"body_code": "lad_code"})[["area_code", "lad_code"]]
                          .drop_duplicates("area_code"), on="area_code", how="left")
            agg = aggregate_lsoa(lk, source=src)
        else:
            agg = aggregate_lsoa(lk, lsoa_to_lad=_lsoa_lad(raw, args["lad"]), source=src)
        return agg.assign(source=src)[["area_code", "body_code", "body_name", "share", "member", "row", "source"]]
    if reader == "lsoa_ccg":
        lk = read_lookup(path, area="LSOA", body="CCG")
        lad = read_lookup(path, area="LSOA", body="LAD")
        ccg = read_lookup(raw / args["ccg"], area="CCG", body="STP")
        stp = dict(zip(ccg["area_code"], ccg["body_code"], strict=True))
        stp_name = dict(zip(ccg["area_code"], ccg["body_name"], strict=True))
        missing = ~lk["body_code"].isin(stp.keys())
        if missing.any():
            r = lk[missing].iloc[0]
            raise InputError(f"{src}, row {r['row']}: CCG {r['body_code']} is not in {args['ccg']}")
        lk = lk.assign(body_name=lk["body_code"].map(stp_name), body_code=lk["body_code"].map(stp),
                       lad_code=lk["area_code"].map(dict(zip(lad["area_code"], lad["body_code"], strict=True))))
        agg = aggregate_lsoa(lk, source=src)
        return agg.assign(source=src)[["area_code", "body_code", "body_name", "share", "member", "row", "source"]]
    if reader == "lep_names":
        return _lep_names(path, src, date, lep2020)
    raise ValueError(reader)


_LEP_ALIASES = {normalise_name("Hull and East Yorkshire"): normalise_name("Hull and East Riding")}


def _lep_names(path: Path, src: str, date: str, lep2020: pd.DataFrame | None) -> pd.DataFrame:
    """The DfE 2021 LEP geography: names only, turned into the E37 codes live at ``date``."""
    from analysis.data.geographies import _read_csv

    raw = _read_csv(path)
    need = ["LAD22CD", "LEP", "LEP2"]
    miss = [c for c in need if c not in raw.columns]
    if miss:
        raise InputError(f"{src}: missing column(s) {', '.join(miss)}")
    hist = _HISTORY["frame"]
    when = pd.Timestamp(date)
    live = hist[(hist["entity"] == "E37") & (hist["start_date"] <= when)
                & (hist["end_date"].isna() | (hist["end_date"] >= when))]
    by_name = {}
    for r in live.itertuples():
        for n in r.names.split(";"):
            by_name[normalise_name(n)] = (r.code, r.name)
    rows = []
    for i, r in enumerate(raw.itertuples(index=False), start=2):
        for name in (r.LEP, r.LEP2):
            if not name or name == "0":
                continue
            key = _LEP_ALIASES.get(normalise_name(name), normalise_name(name))
            if key not in by_name:
                raise InputError(f"{src}, row {i}: LEP name {name!r} matches no LEP live on {date} in the code history")
            code, official = by_name[key]
            rows.append((r.LAD22CD.upper(), code, official, i))
    out = pd.DataFrame(rows, columns=["area_code", "body_code", "body_name", "row"])
    # the file misses six districts (a name-join problem upstream): take their 2020 LEP, by name
    if lep2020 is not None:
        have = set(raw["LAD22CD"].str.upper())
        extra = []
        for r in lep2020.itertuples(index=False):
            if r.area_code in have:
                continue
            key = _LEP_ALIASES.get(normalise_name(r.body_name), normalise_name(r.body_name))
            if key in by_name:
                extra.append((r.area_code, *by_name[key], 0))
        out = pd.concat([out, pd.DataFrame(extra, columns=out.columns)], ignore_index=True)
    k = out.groupby("area_code")["body_code"].transform("nunique")
    return out.assign(share=1.0 / k, member=True, source=src)


_HISTORY: dict = {}


def _councils(raw: Path) -> tuple[pd.DataFrame, dict]:
    reg_dir = raw / "mysociety_la_register"
    councils = import_la_register(reg_dir / "uk_local_authorities.csv",
                                  county_lookup=reg_dir / "Local_Authority_District_to_County_April_2021_Lookup_in_England.csv")
    reg = pd.read_csv(reg_dir / "uk_local_authorities.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    gss = dict(zip(reg["local-authority-code"], reg["gss-code"], strict=True))
    former = {}
    for code, old in zip(reg["gss-code"], reg.get("former-gss-codes", pd.Series("", index=reg.index)), strict=True):
        for o in str(old).split(","):
            if o.strip():
                former[o.strip().upper()] = code
    councils["replaced_by_code"] = councils["replaced_by"].fillna("").map(
        lambda s: ";".join(gss[x.strip()] for x in s.split(",") if x.strip() in gss))
    imd_path = raw / "mysociety_composite_imd" / "la_imd.csv"
    if imd_path.is_file():
        imd = pd.read_csv(imd_path, dtype=str, keep_default_na=False)
        score = pd.to_numeric(imd["la-deprivation-score"], errors="coerce")
        councils["deprivation"] = councils["register_code"].map(dict(zip(imd["local-authority-code"], score,
                                                                         strict=True))).round(4)
    cols = ["council_code", "council_name", "tier", "region", "population", "deprivation", "county_code",
            "register_code", "start_date", "end_date", "replaced_by_code", "current"]
    return councils[[c for c in cols if c in councils.columns]], former


def _add_counties(data: pd.DataFrame, councils: pd.DataFrame, year: int, alive: dict) -> pd.DataFrame:
    """Counties as members where at least half of their (observed) districts are (the majority rule)."""
    county_of = {c: k for c, k in zip(councils["council_code"], councils["county_code"], strict=True)
                 if isinstance(k, str) and k}
    d = data[data["council_code"].isin(county_of.keys())].assign(county=lambda f: f["council_code"].map(county_of))
    d = d[[alive.get(k, (-np.inf, np.inf))[0] <= year <= alive.get(k, (-np.inf, np.inf))[1] for k in d["county"]]]
    if d.empty:
        return data
    n = d.groupby("county")["council_code"].nunique()
    m = d[d["member"]]
    g = m.groupby(["county", "body_code", "body_name"], sort=True)
    rows = g.agg(k=("council_code", "nunique"), row=("row", "min"), source=("source", "first")).reset_index()
    rows["share"] = rows["k"] / rows["county"].map(n)
    rows = pd.DataFrame({"council_code": rows["county"], "body_code": rows["body_code"],
                         "body_name": rows["body_name"], "share": rows["share"], "member": rows["share"] >= 0.5,
                         "row": rows["row"].astype(int), "source": rows["source"]})
    return pd.concat([data, rows[data.columns]], ignore_index=True)


def finance_from_spending_power(percentage, levels, *, start: int = 2010, end: int = 2019) -> pd.DataFrame:
    """Spending power levels per council and year, from the published changes and levels.

    The published year-on-year changes (``SpendingPercentage.csv``, like-for-like) are the
    only series reaching back to 2010-11; the published levels (``SpendingMillions.csv``)
    are each from a different settlement and not comparable between years. So each
    council's level is anchored on its latest published level between ``start`` and
    ``end`` and the earlier years are back-cast with the published changes: the cash
    change between any two years is then exactly the chained published change.

    Returns
    -------
    DataFrame
        ``council_code``, ``year``, ``spending_power_gbp_m`` and ``anchor_year``.
    """
    changes = import_spending_power_changes(percentage)
    lv = pd.read_csv(levels, dtype=str, keep_default_na=False)
    if "ons_code" not in lv.columns:
        raise InputError(f"{Path(levels).name} has no 'ons_code' column")
    rows = []
    step = changes[changes["to_year"] == changes["from_year"] + 1].set_index(["council_code", "from_year"])["change"]
    for r in lv.to_dict("records"):
        code = r["ons_code"].strip().upper()
        level, anchor = None, None
        for y in range(end, start - 1, -1):
            # the column names the calendar year in which the financial year ends
            v = pd.to_numeric(r.get(str(y + 1), ""), errors="coerce")
            if pd.notna(v):
                level, anchor = float(v), y
                break
        if level is None:
            continue
        rows.append((code, anchor, level, anchor))
        for y in range(anchor - 1, start - 1, -1):
            c = step.get((code, y), np.nan)
            if pd.isna(c):
                break
            level = level / (1 + c)
            rows.append((code, y, level, anchor))
    out = pd.DataFrame(rows, columns=["council_code", "year", "spending_power_gbp_m", "anchor_year"])
    out["spending_power_gbp_m"] = out["spending_power_gbp_m"].round(4)
    return out.sort_values(["council_code", "year"]).reset_index(drop=True)


def add_outturn(finance: pd.DataFrame, workbooks, *, line: int = 800) -> pd.DataFrame:
    """Add ``revenue_expenditure_gbp_m`` (MHCLG revenue outturn, RS ``line``) to finance rows.

    Each workbook gives one financial year; authorities are matched on their ONS code and
    only council-years already in ``finance`` get a value (a copy is returned).
    """
    from analysis.data.importers import import_outturn

    frames = []
    for wb in workbooks:
        o = import_outturn(wb)
        o = o[(o["line"] == line) & o["ons_code"].notna()]
        frames.append(pd.DataFrame({"council_code": o["ons_code"].astype(str).str.strip().str.upper(),
                                    "year": o["year"].astype(int),
                                    "revenue_expenditure_gbp_m": (o["value_gbp_k"] / 1000).round(4)}))
    out = finance.copy()
    if not frames:
        return out
    rs = pd.concat(frames, ignore_index=True).drop_duplicates(["council_code", "year"])
    return out.merge(rs, on=["council_code", "year"], how="left")


def read_deflators(path) -> pd.DataFrame:
    """A deflator table (``year``, ``deflator``) from a CSV; ``2010-11`` style years are understood.

    Raises :class:`InputError` naming the file and row for a year or value it cannot read.
    """
    import re

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p} does not exist")
    raw = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    cols = {c.strip().lower(): c for c in raw.columns}
    if "year" not in cols or "deflator" not in cols:
        raise InputError(f"{p.name} needs columns 'year' and 'deflator'; columns: {', '.join(raw.columns)}")
    rows = []
    for i, (y, d) in enumerate(zip(raw[cols["year"]], raw[cols["deflator"]], strict=True), start=2):
        m = re.fullmatch(r"\s*(\d{4})(?:\s*[-/]\s*\d{2,4})?\s*", y)
        v = pd.to_numeric(d.replace(",", ""), errors="coerce")
        if not m or pd.isna(v) or v <= 0:
            raise InputError(f"{p.name}, row {i}: cannot read year {y!r} and deflator {d!r} (a positive number)")
        rows.append((int(m.group(1)), float(v)))
    out = pd.DataFrame(rows, columns=["year", "deflator"])
    if out["year"].duplicated().any():
        raise InputError(f"{p.name}: year {int(out.loc[out['year'].duplicated(), 'year'].iloc[0])} appears twice")
    return out.sort_values("year").reset_index(drop=True)


def _evidence(events: pd.DataFrame, partnerships: pd.DataFrame) -> pd.DataFrame:
    """Counts of membership events per partnership, as evidence indicators."""
    ev = events[events["council_code"] != ""].copy()
    ev["indicator"] = ev["event"].map(EVENT_INDICATORS)
    ev = ev.dropna(subset=["indicator"])
    # a body-level ending counts once, not once per member
    ends = ev["indicator"].isin(["merged_into_another", "wound_up_by_government"])
    per_body = ev[ends].drop_duplicates(["partnership_id", "indicator"]).assign(value=1.0)
    counts = (ev[~ends].groupby(["partnership_id", "indicator"]).size().rename("value").astype(float).reset_index())
    out = pd.concat([counts, per_body[["partnership_id", "indicator", "value"]]], ignore_index=True)
    # every partnership gets every indicator (zero where nothing happened): absence is evidence here
    full = pd.MultiIndex.from_product([sorted(partnerships["partnership_id"]), sorted(set(EVENT_INDICATORS.values()))],
                                      names=["partnership_id", "indicator"])
    out = out.groupby(["partnership_id", "indicator"])["value"].sum().reindex(full, fill_value=0.0).reset_index()
    out["year"] = pd.NA
    return out


#: HM Treasury's GDP deflators, bundled so that real terms on the real data need no hand work.
BUNDLED_DEFLATORS = Path(__file__).resolve().parent / "hmt_gdp_deflators.csv"
BUNDLED_DEFLATORS_SOURCE = (
    "HM Treasury, *GDP deflators at market prices, and money GDP*, December 2025 (Quarterly National "
    "Accounts) release: the calendar-year index, 2024 = 100, outturn 1990-2024 (Open Government Licence "
    "v3.0), as transcribed in the greenbook R package (charlescoverdale/greenbook, "
    "inst/extdata/gdp_deflator.csv). A financial year takes the index of the calendar year it starts in "
    "(2010-11 takes 2010): nine of its twelve months fall in that year"
)


def build_england(raw_dir, *, deflators=BUNDLED_DEFLATORS) -> dict[str, pd.DataFrame]:
    """Assemble the real England dataset's tables from a folder like ``../shared/data/real``.

    Parameters
    ----------
    raw_dir : path-like
        The folder of official files.
    deflators : path-like or None
        A deflator table (``year``, ``deflator``); it becomes the dataset's ``deflators``
        table. By default HM Treasury's GDP deflators bundled with the toolkit
        (:data:`BUNDLED_DEFLATORS`); None leaves the table out.

    Returns
    -------
    dict of DataFrame
        ``councils``, ``finance``, ``partnerships``, ``memberships``,
        ``membership_events``, ``evidence``, ``snapshots`` (one row per file read) and,
        unless ``deflators`` is None, ``deflators``.

    Raises
    ------
    InputError
        A missing folder or snapshot, an unknown code vintage, a council code the register
        does not know, LSOA shares that do not sum to one: naming the file and row.
    """
    raw = Path(raw_dir)
    if not raw.is_dir():
        raise InputError(f"{raw} is not a folder; give the folder of raw files (laid out like ../shared/data/real)")
    councils, former = _councils(raw)
    resolve = council_resolver(councils, former_codes=former)
    history = read_code_history(raw / "ons_code_history_partnership_entities" /
                                "chd_jul2024_partnership_and_council_entities.csv")
    _HISTORY["frame"] = history
    from analysis.data.geographies import _alive_years

    alive = _alive_years(councils)
    by_kind: dict[str, list[Snapshot]] = {}
    listing = []
    lep2020 = None
    for kind, date, reader, args in SNAPSHOTS:
        data = _read_snapshot(raw, kind, date, reader, args, lep2020=lep2020)
        if kind == "lep" and reader == "lad":
            lep2020 = data.copy()
        data = data[data["area_code"].str.startswith("E")].copy()
        data["council_code"] = [resolve(c, r.source, r.row) for c, r in zip(data["area_code"], data.itertuples(),
                                                                             strict=True)]
        data = data.drop(columns=["area_code"])
        data = _add_counties(data, councils, financial_year(date), alive)
        snap = Snapshot(kind, date, data, source=args["file"], complete=not args.get("one_body_only", False))
        by_kind.setdefault(kind, []).append(snap)
        listing.append({"type": kind, "date": date, "year": snap.year, "file": args["file"],
                        "councils": int(data["council_code"].nunique()),
                        "bodies": int(data.loc[data["member"], "body_code"].nunique())})
    parts, members, events = [], [], []
    for kind, snaps in by_kind.items():
        h = history[history["entity"] == ENTITIES[kind]]
        res = derive_memberships(snaps, kind=kind, councils=councils, history=h)
        parts.append(res["partnerships"])
        members.append(res["memberships"])
        events.append(res["events"])
    partnerships = pd.concat(parts, ignore_index=True).sort_values("partnership_id").reset_index(drop=True)
    memberships = pd.concat(members, ignore_index=True)
    name_of = dict(zip(councils["council_code"], councils["council_name"], strict=True))
    memberships.insert(2, "member_name", memberships["council_code"].map(name_of))
    memberships.insert(3, "sector", "local_government")
    memberships.insert(4, "role", "member")
    memberships = memberships.sort_values(["partnership_id", "member_id"]).reset_index(drop=True)
    events = (pd.concat(events, ignore_index=True)
              .sort_values(["partnership_id", "year", "council_code", "event"], kind="mergesort")
              .reset_index(drop=True))
    sp = raw / "spending_power_pike_robinson"
    finance = finance_from_spending_power(sp / "SpendingPercentage.csv", sp / "SpendingMillions.csv")
    finance = add_outturn(finance, [raw / f for f in OUTTURN_FILES if (raw / f).is_file()])
    unknown = sorted(set(finance["council_code"]) - set(councils["council_code"]))
    if unknown:
        raise InputError(f"spending_power_pike_robinson/SpendingPercentage.csv: council code(s) {', '.join(unknown[:5])} "
                         "are not in the council register")
    partnerships["established"] = partnerships["established"].astype("Int64")
    partnerships["dissolved"] = partnerships["dissolved"].astype("Int64")
    for c in ("joined", "left"):
        memberships[c] = memberships[c].astype("Int64")
    events["year"] = events["year"].astype("Int64")
    tables = {
        "councils": councils.drop(columns=["register_code"]).reset_index(drop=True),
        "finance": finance,
        "partnerships": partnerships,
        "memberships": memberships,
        "membership_events": events,
        "evidence": _evidence(events, partnerships),
        "snapshots": pd.DataFrame(listing),
    }
    if deflators is not None:
        tables["deflators"] = read_deflators(deflators)
    return tables


_TABLE_SOURCES = {
    "councils": ("mySociety, *UK local authority names and codes* register (uk_local_authorities.csv), with the ONS "
                 "Local Authority District to County (April 2021) lookup and mySociety's composite index of "
                 "multiple deprivation (la_imd.csv, `deprivation` = la-deprivation-score)",
                 "mySociety data: CC BY 4.0 (attribution: mySociety); ONS lookup: Open Government Licence v3"),
    "finance": ("Revenue spending power 2010-11 to 2019-20: the year-on-year changes and levels compiled by "
                "Pike and Robinson for *Financialisation and Local Statecraft in England* "
                "(github.com/CaitHRobinson/councillorsatthecasino), from MHCLG local government finance "
                "settlement data. Each council's level is its latest published level (2019-20 where it exists, "
                "`anchor_year`); earlier years are back-cast with the published changes, which are rounded "
                "to whole per cent, so the cash change between two years is the chained published change",
                "the compiled copy states no licence; the figures it compiles are MHCLG's (Open Government "
                "Licence v3). Credit both: Pike and Robinson's compilation of MHCLG settlement data"),
    "partnerships": ("ONS lookups from local authority districts to LEPs (2014, 2017; LSOA level), combined "
                     "authorities (2017-2025), fire and rescue authorities (2016-2024), community safety "
                     "partnerships and police force areas (2017-2024), local resilience forums (2015-2019), "
                     "STPs/ICBs (2017-2024, LSOA level) and LSIPs (2023); the DfE local skills dashboard's LEP "
                     "lookups for 2020 and 2021; start and end dates from the ONS Code History Database (July "
                     "2024). Copies: ONS CSVs as scraped by jtrim-ons/ons-lookups; later lookups as exported by "
                     "the geographr R package (humaniverse/geographr, MIT); the code history as split by "
                     "open-innovations/geography-code-adder (no licence stated: credited with the ONS Code "
                     "History Database it compiles)", "Open Government Licence v3 (ONS, DfE); geographr and the "
                     "DfE dashboard repository are MIT"),
    "memberships": ("derived from the same lookups: one row per council and membership spell", "as partnerships"),
    "membership_events": ("derived from consecutive snapshots and the code history", "as partnerships"),
    "evidence": ("counts of membership events per partnership (derived)", "as partnerships"),
    "snapshots": ("the list of files read, one row per snapshot", "as partnerships"),
    "deflators": (BUNDLED_DEFLATORS_SOURCE, "Open Government Licence v3 (HM Treasury)"),
}


def england_readme(tables: dict[str, pd.DataFrame], *, deflators_source: str = "") -> str:
    """The ``README.md`` of the built dataset: what each table holds, its source and licence."""
    p, m, f = tables["partnerships"], tables["memberships"], tables["finance"]
    lines = [
        "# Real England: councils and their statutory partnerships, 2010 onwards",
        "",
        "Built by `python -m analysis build-england ../shared/data/real --out data/england` from the official "
        "files; do not edit by hand. Re-running the command on the same files gives the same bytes.",
        "",
        "## What the data can and cannot show",
        "",
        "- These are mostly **statutory geographies**: which council area lies inside which LEP, combined "
        "authority, fire and rescue authority, community safety partnership, police force area, resilience "
        "forum, STP/ICB and LSIP. Most memberships follow from law or from NHS and Home Office boundaries, not "
        "from a council's choice. The data cannot show how active a partnership was, who attended, or what "
        "it did.",
        "- Real choices are rare and are marked: `membership_events.is_choice` is true only where both the "
        "council and the body exist on both sides of a change and the council's membership alone changed. "
        "A re-code of a body, a merger of bodies, a body wound up by government, and the 2019-2023 council "
        "reorganisations are never counted as a council's choice.",
        "- Years come from snapshots: a change between two snapshots is dated to the later one, and "
        "`joined_bracket`/`left_bracket` say which two snapshots bracket it. Members present in the first "
        "snapshot are dated to the body's start in the ONS code history (code dates, which can differ from "
        "legal dates; many fire and community safety codes start on 1 January 2009, the start of the register).",
        "- Majority rule: a council is a member of an LSOA-based body (LEP 2014/2017, STP/ICB) when at least "
        "half of its LSOAs lie in it (or, failing that, the body with the largest share); `share` keeps the "
        "part. A county is a member where at least half of its districts are.",
        ("- Real terms: deflators from " + (deflators_source or BUNDLED_DEFLATORS_SOURCE) + "."
         if "deflators" in tables else
         "- Real terms: built with `--no-deflators`, so there is no deflator table; `austerity` needs "
         "`--cash` and `activity` works in cash terms (it says so)."),
        "- `finance.revenue_expenditure_gbp_m` is MHCLG revenue outturn (RS line 800, total revenue "
        "expenditure, GBP million) for the years whose workbook is in the raw folder.",
        "",
        "## Tables",
        "",
        "| file | rows | source | licence |",
        "|---|---|---|---|",
    ]
    for name, frame in tables.items():
        src, lic = _TABLE_SOURCES.get(name, ("", ""))
        if name == "deflators" and deflators_source:
            src, lic = deflators_source, "as stated by its source"
        lines.append(f"| `{name}.csv` | {len(frame)} | {src} | {lic} |")
    counts = p["type"].value_counts().sort_index()
    lines += [
        "",
        "## Coverage",
        "",
        f"- {len(tables['councils'])} councils (including those abolished in the 2019-2023 reorganisations); "
        f"{f['council_code'].nunique()} with spending power, years {int(f['year'].min())}-{int(f['year'].max())}.",
        f"- {len(p)} partnerships: " + ", ".join(f"{n} {t}" for t, n in counts.items()) + ".",
        f"- {len(m)} membership spells; {int(m['left'].notna().sum())} with a `left` year.",
        "",
        "Snapshots read (type, date, financial year, file):",
        "",
    ]
    for r in tables["snapshots"].itertuples():
        lines.append(f"- {r.type} {r.date} ({r.year}-{str(r.year + 1)[-2:]}): `{r.file}`")
    lines.append("")
    return "\n".join(lines)
