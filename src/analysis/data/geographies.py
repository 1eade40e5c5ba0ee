"""Importers for the official partnership geographies: which council sits in which body, year by year.

The ONS publishes lookups from local authority districts (LADs) to Local Enterprise
Partnerships, combined authorities, fire and rescue authorities, community safety
partnerships and police force areas, local resilience forums and (through LSOAs and
CCGs) health partnerships (STPs, then ICSs/ICBs). Every reader here goes through one
code path:

* :func:`read_lookup` reads one lookup file, finds its code-vintage columns
  (``LAD19CD``, ``ltla21_code``, ``FRA18CD``, ``LEP14CD2`` ...), trims the values and
  returns one row per (area, body) with the file row it came from;
* :func:`aggregate_lsoa` turns an LSOA-level lookup into council shares (the part of
  the council's LSOAs inside each body) and applies the majority rule
  (:data:`MAJORITY`);
* :func:`read_code_history` reads the ONS Code History Database extract (start, end and
  names of every code);
* :func:`council_resolver` maps any council code of any vintage onto the register's
  code and refuses codes the register does not know;
* :func:`build_lineages` links codes of one body over time (a re-code after a boundary
  change is the same body), and spots mergers;
* :func:`derive_memberships` gives membership spells with ``joined``/``left`` years and
  the events (joined, left, re-coded, merged, wound up, reorganisation), each with the
  bracket of snapshots it comes from. A re-code or a council reorganisation is never
  reported as a council choosing to move (``is_choice``).

Why this module is over 600 lines: every lookup goes through the one code path above, and
its steps share the snapshot type, the council resolver and the code history; the national
build that calls it is :mod:`analysis.data.england`.

Bad input (an unknown code vintage, a missing snapshot, a council code the register does
not know, LSOA shares that do not sum to one) raises :class:`~analysis.errors.InputError`
naming the file and row. Nothing here writes files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError

__all__ = [
    "KNOWN_VINTAGES",
    "MAJORITY",
    "Snapshot",
    "aggregate_lsoa",
    "build_lineages",
    "council_resolver",
    "derive_memberships",
    "financial_year",
    "normalise_name",
    "read_code_history",
    "read_lookup",
]

#: Two-digit code vintages the readers accept (LAD11 ... LAD25).
KNOWN_VINTAGES = tuple(range(11, 26))

#: A council counts as a member of a body built from LSOAs (LEPs, STPs/ICBs) when at
#: least this share of its LSOAs lie inside the body; where no body reaches it, the body
#: holding the largest share is taken. The same rule places a county: a member where at
#: least this share of its districts are.
MAJORITY = 0.5


def financial_year(date) -> int:
    """Financial year (by its first calendar year) in which ``date`` falls.

    >>> financial_year("2021-03-31"), financial_year("2021-04-01")
    (2020, 2021)
    """
    d = pd.Timestamp(date)
    return d.year if d.month >= 4 else d.year - 1


_NAME_WORDS = {"upon": "on", "&": "and", "st.": "st", "saint": "st"}


def normalise_name(name) -> str:
    """A spelling-proof key for a place or body name.

    Lower case; ``&`` is ``and``; hyphens, commas and full stops are spaces; ``upon`` is
    ``on``; "Bristol, City of" and "City of Bristol" agree; "(LEP)" and "NHS" are dropped.

    >>> normalise_name("Newcastle-upon-Tyne") == normalise_name("Newcastle upon Tyne")
    True
    >>> normalise_name("Stockton on Tees") == normalise_name("Stockton-on-Tees")
    True
    >>> normalise_name("Bristol, City of") == normalise_name("City of Bristol")
    True
    """
    text = str(name).lower().replace("&", " and ")
    text = re.sub(r"\(.*?\)", " ", text)
    text = re.sub(r"[-,.'’/]", " ", text)
    words = [_NAME_WORDS.get(w, w) for w in text.split()]
    words = [w for w in words if w not in {"nhs", "the", "lep", "of", "city"}]
    return " ".join(sorted(words))


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(f"missing snapshot: {path} does not exist")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{path.name} could not be read as a UTF-8 CSV: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.apply(lambda s: s.str.strip())


def _find(columns, prefix: str, what: str) -> list[tuple[str, str | None, int, str]]:
    """Columns ``<prefix><yy>CD[n]`` / ``<prefix><yy>_code`` with their name partners."""
    found = []
    for c in columns:
        m = re.fullmatch(rf"(?i)({prefix})(\d{{2}})(?:CD|_code)(\d?)", c)
        if not m:
            continue
        yy, n = int(m.group(2)), m.group(3)
        style = "ons" if c[len(m.group(1)) + 2:].upper().startswith("CD") else "snake"
        name = (f"{m.group(1)}{m.group(2)}NM{n}" if style == "ons" else f"{m.group(1)}{m.group(2)}_name")
        found.append((c, name if name in columns else None, yy, n or "1"))
    return found


def read_lookup(path, *, body: str, area: str = "LAD|ltla", columns: dict | None = None,
                vintage: int | None = None) -> pd.DataFrame:
    """Read one ONS-style lookup file into long form: one row per (area, body).

    Parameters
    ----------
    path : path-like
        The CSV (UTF-8, with or without a byte-order mark).
    body : str
        Regular expression for the body's column prefix, for example ``"FRA"``,
        ``"CAUTH|cauth"``, ``"LEP"`` or ``"stp|STP"``.
    area : str
        Prefix of the area columns: ``"LAD|ltla"`` (councils, default) or ``"LSOA|lsoa"``.
    columns : dict, optional
        For files without vintage columns: ``{"area_code": ..., "area_name": ...,
        "body_code": ..., "body_name": ...}``; then ``vintage`` must be given.

    Returns
    -------
    DataFrame
        ``area_code``, ``area_name``, ``body_code``, ``body_name``, ``slot`` (1, or 2 for
        the second body of an overlap), ``vintage`` (two digits) and ``row`` (line in the
        file, the header being line 1). Rows with an empty body (no second LEP) are left out.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "lad_fra.csv"
    >>> _ = f.write_text("FID,LAD19CD,LAD19NM,FRA19CD,FRA19NM\\n1,E06000022,Bath,E31000001 ,Avon\\n")
    >>> read_lookup(f, body="FRA")[["area_code", "body_code", "vintage", "row"]].to_dict("records")
    [{'area_code': 'E06000022', 'body_code': 'E31000001', 'vintage': 19, 'row': 2}]
    """
    p = Path(path)
    raw = _read_csv(p)
    if columns is not None:
        missing = [c for c in columns.values() if c not in raw.columns]
        if missing:
            raise InputError(f"{p.name}: missing column(s) {', '.join(missing)}; columns: {', '.join(raw.columns)}")
        out = pd.DataFrame({k: raw[v] for k, v in columns.items()})
        out["slot"], out["vintage"] = "1", vintage
        out["row"] = np.arange(len(raw)) + 2
        return out[out["body_code"] != ""].reset_index(drop=True)
    areas = _find(raw.columns, area, "area")
    if not areas:
        raise InputError(f"{p.name}: no area code column (like LAD19CD or ltla21_code); columns: "
                         f"{', '.join(raw.columns)}")
    bodies = _find(raw.columns, body, "body")
    if not bodies:
        raise InputError(f"{p.name}: no column for the body (like {body.split('|')[0]}19CD); columns: "
                         f"{', '.join(raw.columns)}")
    a_code, a_name, a_yy, _ = areas[0]
    for col, _, yy, _ in (*areas, *bodies):
        if yy not in KNOWN_VINTAGES:
            raise InputError(f"{p.name}: unknown code vintage in column {col!r} (20{yy:02d}); the readers know "
                             f"vintages 20{KNOWN_VINTAGES[0]} to 20{KNOWN_VINTAGES[-1]}")
    frames = []
    for col, name, _, slot in bodies:
        frames.append(pd.DataFrame({
            "area_code": raw[a_code].str.upper(),
            "area_name": raw[a_name] if a_name else "",
            "body_code": raw[col].str.upper(),
            "body_name": raw[name] if name else "",
            "slot": slot, "vintage": a_yy, "row": np.arange(len(raw)) + 2,
        }))
    out = pd.concat(frames, ignore_index=True)
    blank_area = out["area_code"] == ""
    if blank_area.any():
        r = out.loc[blank_area, "row"].iloc[0]
        raise InputError(f"{p.name}, row {r}: empty area code in column {a_code!r}")
    return out[out["body_code"] != ""].sort_values(["row", "slot"]).reset_index(drop=True)


def aggregate_lsoa(lsoa: pd.DataFrame, *, lsoa_to_lad: pd.DataFrame | None = None, source: str = "",
                   majority: float = MAJORITY) -> pd.DataFrame:
    """Council shares of LSOA-level bodies, with the majority rule applied.

    Parameters
    ----------
    lsoa : DataFrame
        From :func:`read_lookup` with ``area="LSOA|lsoa"``: ``area_code`` (LSOA),
        ``body_code``, ``body_name``, ``slot``, ``row``; and ``lad_code`` when the file
        names the council itself.
    lsoa_to_lad : DataFrame, optional
        ``area_code`` (LSOA) and ``lad_code``, when ``lsoa`` has no ``lad_code``.
    source : str
        File name, for messages.

    Returns
    -------
    DataFrame
        ``area_code`` (council), ``body_code``, ``body_name``, ``share`` (its LSOAs in the
        body over all its LSOAs), ``n_lsoas``, ``member`` (the majority rule) and
        ``row`` (first file row of the pair).

    Raises
    ------
    InputError
        An LSOA with no council, or a council whose first-slot shares do not sum to one
        (an LSOA listed twice, or with no body): the message names the file and row.

    Examples
    --------
    >>> import pandas as pd
    >>> l = pd.DataFrame({"area_code": ["L1", "L2", "L3"], "lad_code": ["A", "A", "A"],
    ...                   "body_code": ["X", "X", "Y"], "body_name": ["x", "x", "y"],
    ...                   "slot": ["1", "1", "1"], "row": [2, 3, 4]})
    >>> aggregate_lsoa(l)[["area_code", "body_code", "share", "member"]]
      area_code body_code     share  member
    0         A         X  0.666667    True
    1         A         Y  0.333333   False
    """
    frame = lsoa.copy()
    if "lad_code" not in frame.columns:
        if lsoa_to_lad is None:
            raise InputError(f"{source}: LSOA lookup without councils; give lsoa_to_lad")
        frame = frame.merge(lsoa_to_lad[["area_code", "lad_code"]].drop_duplicates("area_code"),
                            on="area_code", how="left")
    no_lad = frame["lad_code"].isna() | (frame["lad_code"] == "")
    if no_lad.any():
        r = frame.loc[no_lad].iloc[0]
        raise InputError(f"{source}, row {r['row']}: LSOA {r['area_code']} has no council in the LSOA-to-council "
                         "lookup, so the council shares cannot be computed")
    first = frame[frame["slot"] == "1"]
    dup = first.duplicated("area_code", keep="first")
    if dup.any():
        r = first.loc[dup].iloc[0]
        raise InputError(f"{source}, row {r['row']}: LSOA {r['area_code']} is listed more than once, so the "
                         f"shares of council {r['lad_code']} do not sum to 1")
    totals = frame.groupby("lad_code")["area_code"].nunique()
    listed = first.groupby("lad_code")["area_code"].nunique()
    bad = totals[listed.reindex(totals.index).fillna(0) != totals]
    if len(bad):
        lad = bad.index[0]
        r = frame[(frame["lad_code"] == lad) & (frame["slot"] != "1")].iloc[0]
        raise InputError(f"{source}, row {r['row']}: LSOA {r['area_code']} of council {lad} has no first body, "
                         f"so the shares of council {lad} do not sum to 1")
    pairs = (frame.groupby(["lad_code", "body_code"], sort=True)
             .agg(body_name=("body_name", "first"), n_lsoas=("area_code", "nunique"), row=("row", "min"))
             .reset_index())
    pairs["share"] = pairs["n_lsoas"] / pairs["lad_code"].map(totals)
    top = pairs.groupby("lad_code")["share"].transform("max")
    pairs["member"] = (pairs["share"] >= majority) | (pairs["share"] == top)
    out = pairs.rename(columns={"lad_code": "area_code"})
    return out[["area_code", "body_code", "body_name", "share", "n_lsoas", "member", "row"]]


def read_code_history(path) -> pd.DataFrame:
    """The ONS Code History extract: one row per code with its start, end and names.

    Returns
    -------
    DataFrame
        ``code``, ``entity``, ``name`` (newest), ``names`` (every name, ``;``-joined),
        ``start_date``, ``end_date`` (NaT while live), ``start_year`` and ``end_year``
        (financial years; ``end_year`` is the last year the code was in force).
    """
    p = Path(path)
    raw = _read_csv(p)
    need = ["entity", "code", "name", "start_date", "end_date", "version_index"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise InputError(f"{p.name} is not the code history extract: missing column(s) {', '.join(missing)}")
    raw["version_index"] = pd.to_numeric(raw["version_index"], errors="coerce")
    raw["start"] = pd.to_datetime(raw["start_date"], errors="coerce")
    raw["end"] = pd.to_datetime(raw["end_date"].replace("", None), errors="coerce")
    bad = raw["start"].isna()
    if bad.any():
        raise InputError(f"{p.name}, row {int(np.flatnonzero(bad)[0]) + 2}: start_date is not a date")
    raw = raw.sort_values(["code", "version_index"])
    g = raw.groupby("code", sort=True)
    out = pd.DataFrame({
        "entity": g["entity"].first(),
        "name": g["name"].first(),
        "names": g["name"].agg(lambda s: ";".join(dict.fromkeys(s))),
        "start_date": g["start"].min(),
        "end_date": g["end"].agg(lambda s: pd.NaT if s.isna().any() else s.max()),
    }).reset_index()
    out["start_year"] = out["start_date"].map(financial_year).astype(int)
    out["end_year"] = out["end_date"].map(lambda d: financial_year(d) if pd.notna(d) else np.nan).astype("Int64")
    return out


#: Council codes that ONS changed after the register's snapshot, with the code the
#: register knows. Barnsley and Sheffield were re-coded in 2025 for a boundary change
#: (noted in the provenance of the 2025 combined authority lookup); the council is the same.
CODE_ALIASES = {"E08000038": "E08000016", "E08000039": "E08000019"}


def council_resolver(councils: pd.DataFrame, *, former_codes: dict | None = None):
    """Return ``resolve(code, source, row)`` mapping any vintage's council code onto ``councils``.

    ``former_codes`` maps old codes (``E06000048`` Northumberland before 2013) to the
    register's codes; :data:`CODE_ALIASES` adds the 2025 re-codes. A code nobody knows
    raises :class:`InputError` naming the file and row.
    """
    known = set(councils["council_code"])
    aliases = {**CODE_ALIASES, **(former_codes or {})}

    def resolve(code: str, source: str, row) -> str:
        if code in known:
            return code
        if code in aliases and aliases[code] in known:
            return aliases[code]
        raise InputError(f"{source}, row {row}: council code {code!r} is not in the council register "
                         "(councils table); check the code or the register's vintage")

    return resolve


@dataclass
class Snapshot:
    """Membership of one kind of body at one date: ``data`` has ``council_code``, ``body_code``,
    ``body_name``, ``share``, ``member`` (bool), ``source`` and ``row``."""

    kind: str
    date: str
    data: pd.DataFrame
    source: str = ""
    note: str = ""
    #: False where the file is known to list only one body per council although some
    #: councils sat in two: absence from it is then not evidence of leaving.
    complete: bool = True
    year: int = field(init=False)

    def __post_init__(self):
        self.year = financial_year(self.date)


def build_lineages(snapshots: list[Snapshot], *, history: pd.DataFrame | None = None,
                   successors: dict | None = None) -> tuple[dict, pd.DataFrame]:
    """Link the codes of each body across consecutive snapshots of one kind.

    A code that disappears and a new code that takes the majority of its councils are the
    same body (a **re-code**) when it is the only such predecessor, or when names match.
    A new code that takes the majority of two or more vanished codes' councils, and
    matches none of their names, is a new body formed by a **merger**; a vanished code
    whose majority joins an existing body, or another predecessor, **merged into** it. A
    vanished code whose councils went nowhere was **wound up**.

    Parameters
    ----------
    snapshots : list of Snapshot
        Same kind, in date order.
    history : DataFrame, optional
        From :func:`read_code_history` (names, used to match re-coded bodies).
    successors : dict, optional
        Council code to its successor(s) after a reorganisation, so that the councils of
        a body before and after a merger of councils can be compared.

    Returns
    -------
    (dict, DataFrame)
        Code to lineage id (the lineage's first code), and the body events: ``lineage``,
        ``code``, ``event`` (``created``, ``recoded``, ``merged_into``, ``formed_by_merger``,
        ``wound_up``), ``other``, ``year``, ``bracket``.
    """
    successors = successors or {}
    names = {}
    if history is not None:
        for r in history.itertuples():
            names[r.code] = {normalise_name(n) for n in r.names.split(";")}
    lineage: dict[str, str] = {}
    events = []

    def members(snap):
        d = snap.data[snap.data["member"]]
        return {b: set(g) for b, g in d.groupby("body_code")["council_code"]}

    def label(snap):
        d = snap.data.drop_duplicates("body_code")
        return dict(zip(d["body_code"], d["body_name"], strict=True))

    first = snapshots[0]
    for b in sorted(members(first)):
        lineage[b] = b
    for prev, cur in zip(snapshots, snapshots[1:], strict=False):
        before, after = members(prev), members(cur)
        labels = {**label(prev), **label(cur)}
        bracket = f"{prev.year}-{cur.year}"
        vanished = sorted(set(before) - set(after))
        new = sorted(set(after) - set(before))

        here = set(cur.data["council_code"])

        def mapped(ms, here=here):
            # a council gone by the later snapshot is followed to its successor(s)
            out = set()
            for c in ms:
                out |= {c} if c in here else set(successors.get(c, [c]))
            return out

        def same_name(a, b, labels=labels):
            na = names.get(a, set()) | {normalise_name(labels.get(a, ""))}
            nb = names.get(b, set()) | {normalise_name(labels.get(b, ""))}
            return bool(na & nb)

        # first the re-codes that keep the name, then the majority of councils (ties go to a
        # new code not already taken by name, then to the lowest code)
        named = {}
        for a in vanished:
            cands = [b for b in new if same_name(a, b) and mapped(before[a]) & after[b]]
            if len(cands) == 1:
                named[a] = cands[0]
        claimed = set(named.values())
        dest = {}
        for a in vanished:
            if a in named:
                dest[a] = named[a]
                continue
            ms = mapped(before[a])
            counts = {b: len(ms & m) for b, m in after.items() if ms & m}
            dest[a] = (sorted(counts, key=lambda b: (-counts[b], b in claimed or b not in new, b))[0]
                       if counts else None)
        preds = {b: [a for a in vanished if dest[a] == b] for b in new}

        for b in new:
            ps = preds[b]
            if len(ps) == 1:
                lineage[b] = lineage.get(ps[0], ps[0])
                events.append((lineage[b], b, "recoded", ps[0], cur.year, bracket))
            elif len(ps) >= 2:
                keep = [a for a in ps if named.get(a) == b] or [a for a in ps if same_name(a, b)]
                if len(keep) == 1:
                    lineage[b] = lineage.get(keep[0], keep[0])
                    events.append((lineage[b], b, "recoded", keep[0], cur.year, bracket))
                    for a in ps:
                        if a != keep[0]:
                            events.append((lineage.get(a, a), a, "merged_into", lineage[b], cur.year, bracket))
                else:
                    lineage[b] = b
                    events.append((b, b, "formed_by_merger", ";".join(lineage.get(a, a) for a in ps),
                                   cur.year, bracket))
                    for a in ps:
                        events.append((lineage.get(a, a), a, "merged_into", b, cur.year, bracket))
            else:
                lineage[b] = b
                events.append((b, b, "created", "", cur.year, bracket))
        for a in vanished:
            d = dest[a]
            if d is None:
                events.append((lineage.get(a, a), a, "wound_up", "", cur.year, bracket))
            elif d not in new:
                events.append((lineage.get(a, a), a, "merged_into", lineage.get(d, d), cur.year, bracket))
    ev = pd.DataFrame.from_records(events, columns=["lineage", "code", "event", "other", "year", "bracket"])
    return lineage, ev


def _alive_years(councils: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Council code to (first, last) financial year alive, from the register's dates."""
    out = {}
    start = pd.to_datetime(councils.get("start_date", pd.Series(index=councils.index, dtype=object)),
                           errors="coerce")
    end = pd.to_datetime(councils.get("end_date", pd.Series(index=councils.index, dtype=object)), errors="coerce")
    for code, s, e in zip(councils["council_code"], start, end, strict=True):
        first = financial_year(s) if pd.notna(s) else -np.inf
        last = financial_year(e - pd.Timedelta(days=1)) if pd.notna(e) else np.inf
        out[code] = (first, last)
    return out


def _history_links(codes, history: pd.DataFrame | None):
    """Earlier codes of bodies in the first snapshot, from the code history alone.

    A code ``a`` that ended the day before ``b`` started, with a matching name, is the same
    body re-coded (``b`` keeps ``a``'s establishment year). Two or more codes that ended
    that day and were succeeded by ``b`` under a new name formed ``b`` by a merger.
    """
    if history is None:
        return {}, []
    h = history.set_index("code")
    names = {c: {normalise_name(n) for n in ns.split(";")} for c, ns in zip(h.index, h["names"], strict=True)}
    by_end: dict = {}
    for c, ent, end in zip(h.index, h["entity"], h["end_date"], strict=True):
        if pd.notna(end):
            by_end.setdefault((ent, end), []).append(c)
    links, events = {}, []
    for b in codes:
        if b not in h.index:
            continue
        start = h.at[b, "start_date"]
        ended = h.loc[sorted(by_end.get((h.at[b, "entity"], start - pd.Timedelta(days=1)), []))]
        same = [a for a in ended.index if names[b] & names[a]]
        if len(same) == 1:
            links[b] = same[0]
        elif 2 <= len(ended) <= 3 and not same and h.at[b, "start_year"] > 2009:
            events.append((b, b, "formed_by_merger", ";".join(f"{a} {ended.at[a, 'name']}" for a in ended.index),
                           int(h.at[b, "start_year"]), "code history"))
    return links, events


#: Types whose membership a council can change by its own decision (with its partners):
#: LEPs, combined authorities and joint community safety partnerships. The others follow
#: NHS, Home Office or statutory boundaries, so their changes are ``boundary_change``.
CHOICE_TYPES = ("lep", "combined_authority", "community_safety")


def derive_memberships(snapshots: list[Snapshot], *, kind: str, councils: pd.DataFrame,
                       history: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Partnerships, membership spells and events of one kind of body from its snapshots.

    Each snapshot says who was a member at its date. A council is taken to have joined in
    the bracket between the last snapshot without it and the first with it (``joined`` is
    the later year), and to have left in the bracket after the last snapshot with it
    (``left`` is the first snapshot year without it). A member in the first snapshot
    joined when the body started (the code history's start), or when the council was
    created. A council missing from a whole snapshot is not observed there, which is not
    leaving. The reasons are kept apart:

    * ``joined``/``left``: the council and the body both exist on both sides of the
      bracket; the only change is the council's membership (``is_choice`` True, for the
      types in :data:`CHOICE_TYPES`);
    * ``overlap_removed``: the council left one of two bodies it sat in at once and stayed
      in the other (the LEP overlaps removed after the 2018 LEP review);
    * ``boundary_change``: a join or leave in a type whose boundaries are set by the NHS,
      the Home Office or statute (not the council's choice);
    * ``reorganisation``: the council was created or abolished (2019-2023 mergers);
    * ``merged``, ``wound_up``: the body merged into another or ended;
    * ``founding``, ``in_first_snapshot``, ``first_observed``: no change is claimed.

    Re-codes of a body (``recoded``) are body events only: its members stay members.

    Returns
    -------
    dict of DataFrame
        ``partnerships`` (``partnership_id`` = lineage id, ``name``, ``type``, ``established``,
        ``dissolved``, ``codes``, ``first_snapshot``, ``last_snapshot``),
        ``memberships`` and ``events``.
    """
    snapshots = sorted(snapshots, key=lambda s: s.date)
    years = [s.year for s in snapshots]
    alive = _alive_years(councils)
    succ = {}
    if "replaced_by_code" in councils.columns:
        for code, rep in zip(councils["council_code"], councils["replaced_by_code"], strict=True):
            if isinstance(rep, str) and rep:
                succ[code] = rep.split(";")
    lineage, body_events = build_lineages(snapshots, history=history, successors=succ)
    links, hist_events = _history_links(sorted(set(snapshots[0].data["body_code"])), history)
    h = history.set_index("code") if history is not None else None
    # codes of each lineage, and the names seen
    codes: dict[str, list[str]] = {}
    name_of: dict[str, str] = {}
    seen: dict[str, list[int]] = {}
    for i, s in enumerate(snapshots):
        for b, nm in s.data.drop_duplicates("body_code")[["body_code", "body_name"]].itertuples(index=False):
            lin = lineage.setdefault(b, b)
            if b not in codes.setdefault(lin, []):
                codes[lin].append(b)
            name_of[lin] = nm
            seen.setdefault(lin, []).append(i)
    bev = pd.concat([body_events, pd.DataFrame.from_records(
        [(lineage.get(b, b), *rest) for b, *rest in hist_events], columns=body_events.columns)],
        ignore_index=True)
    parts = []
    for lin, cs in codes.items():
        allc = ([links[cs[0]]] if cs[0] in links else []) + cs
        starts = [h.at[c, "start_year"] for c in allc if h is not None and c in h.index]
        est = int(min(starts)) if starts else years[min(seen[lin])]
        last_i = max(seen[lin])
        ends = [h.at[c, "end_year"] for c in cs if h is not None and c in h.index]
        last_code_end = h.at[cs[-1], "end_year"] if h is not None and cs[-1] in h.index else pd.NA
        if last_i < len(snapshots) - 1:   # gone before the last snapshot
            dissolved = int(last_code_end) if pd.notna(last_code_end) else years[last_i]
        elif ends and all(pd.notna(e) for e in ends[-1:]) and pd.notna(last_code_end):
            dissolved = int(last_code_end)   # ended after the last snapshot (code history)
        else:
            dissolved = pd.NA
        official = h.at[cs[-1], "name"] if h is not None and cs[-1] in h.index else name_of[lin]
        parts.append({"partnership_id": lin, "name": official, "type": kind, "established": est,
                      "dissolved": dissolved, "codes": ";".join(allc),
                      "first_snapshot": years[min(seen[lin])], "last_snapshot": years[last_i]})
    partnerships = pd.DataFrame(parts)
    est_of = dict(zip(partnerships["partnership_id"], partnerships["established"], strict=True))
    dis_of = dict(zip(partnerships["partnership_id"], partnerships["dissolved"], strict=True))
    merged_into = {(r.lineage, r.bracket) for r in bev.itertuples() if r.event == "merged_into"}

    presence: dict[tuple[str, str], dict[int, float]] = {}
    observed = []
    lin_present = []
    bodies_of: list[dict[str, set]] = []
    for i, s in enumerate(snapshots):
        observed.append(set(s.data["council_code"]) if s.complete else set())
        m = s.data[s.data["member"]]
        lin_present.append({lineage[b] for b in m["body_code"]})
        per: dict[str, set] = {}
        for b, c in m[["body_code", "council_code"]].itertuples(index=False):
            per.setdefault(c, set()).add(lineage[b])
        bodies_of.append(per)
        for b, c, sh in m[["body_code", "council_code", "share"]].itertuples(index=False):
            key = (lineage[b], c)
            presence.setdefault(key, {})[i] = max(sh, presence.get(key, {}).get(i, 0.0))

    rows, events = [], []
    for (lin, c), there in sorted(presence.items()):
        first_alive, last_alive = alive.get(c, (-np.inf, np.inf))
        spell = None
        spells = []
        for i in range(len(snapshots)):
            y = years[i]
            if i in there:
                if spell is None:
                    spell = {"start": i, "share": there[i]}
                spell["last"], spell["share"] = i, there[i]
                continue
            if spell is None:
                continue
            council_gone = y > last_alive
            body_gone = lin not in lin_present[i]
            if not (council_gone or body_gone or c in observed[i]):
                continue   # not observed in this snapshot: no change claimed
            spell["end"] = i
            spell["why"] = ("reorganisation" if council_gone else
                            ("merged" if (lin, f"{years[i - 1]}-{y}") in merged_into else "wound_up")
                            if body_gone else "left")
            spells.append(spell)
            spell = None
        if spell is not None:
            spell["end"] = None
            spells.append(spell)
        for k, sp in enumerate(spells):
            i0 = sp["start"]
            if i0 == 0:
                joined = int(max(est_of[lin], first_alive))
                jb, jwhy = f"{joined}-{years[0]}", ("reorganisation" if first_alive > est_of[lin]
                                                    else "in_first_snapshot")
            else:
                prev = years[i0 - 1]
                jb = f"{prev}-{years[i0]}"
                if first_alive > prev:
                    joined, jwhy = int(first_alive), "reorganisation"
                elif lin not in lin_present[i0 - 1]:
                    joined = int(est_of[lin]) if prev < est_of[lin] <= years[i0] else years[i0]
                    was_merged = any((lin2, jb) in merged_into for lin2 in lin_present[i0 - 1]
                                     if (lin2, c) in presence and i0 - 1 in presence[(lin2, c)])
                    jwhy = "merged" if was_merged else "founding"
                elif c not in observed[i0 - 1]:
                    joined, jwhy = years[i0], "first_observed"
                else:
                    was_merged = any((lin2, jb) in merged_into for lin2 in lin_present[i0 - 1]
                                     if (lin2, c) in presence and i0 - 1 in presence[(lin2, c)])
                    joined, jwhy = years[i0], ("merged" if was_merged else "joined")
            if jwhy == "joined" and kind not in CHOICE_TYPES:
                jwhy = "boundary_change"
            if sp["end"] is not None:
                e = sp["end"]
                lb = f"{years[sp['last']]}-{years[e]}"
                # in two bodies at once just before (the last two snapshots of the spell: one file
                # may list one body per council only), and still in the other one after
                before = set().union(*(bodies_of[j].get(c, set()) for j in range(max(sp["start"], sp["last"] - 1),
                                                                                 sp["last"] + 1)))
                if sp["why"] == "left" and len(before) >= 2 and bodies_of[e].get(c, set()) & (before - {lin}):
                    sp["why"] = "overlap_removed"
                if sp["why"] == "reorganisation":
                    left = int(last_alive) + 1
                elif sp["why"] == "wound_up" and pd.notna(dis_of[lin]):
                    left = int(dis_of[lin]) + 1
                else:
                    left = years[e]
                lwhy = sp["why"]
                if lwhy == "left" and kind not in CHOICE_TYPES:
                    lwhy = "boundary_change"
            elif last_alive < np.inf:
                left, lb, lwhy = int(last_alive) + 1, f"{years[-1]}-{int(last_alive) + 1}", "reorganisation"
            elif pd.notna(dis_of[lin]):
                left, lb, lwhy = int(dis_of[lin]) + 1, "code history", "wound_up"
            else:
                left, lb, lwhy = pd.NA, "", ""
            member_id = c if k == 0 else f"{c}-{k + 1}"
            rows.append({"partnership_id": lin, "member_id": member_id, "council_code": c,
                         "joined": joined, "left": left, "share": round(float(sp["share"]), 4),
                         "joined_bracket": jb, "joined_event": jwhy, "left_bracket": lb, "left_event": lwhy})
            events.append((lin, c, jwhy, joined, jb, jwhy == "joined"))
            if lwhy:
                events.append((lin, c, lwhy, left, lb, lwhy == "left"))
    memberships = pd.DataFrame(rows)
    ev = pd.DataFrame.from_records(events, columns=["partnership_id", "council_code", "event", "year", "bracket",
                                                    "is_choice"])
    ev["detail"] = ""
    bodies = bev.rename(columns={"lineage": "partnership_id", "code": "council_code"}).assign(
        is_choice=False, detail=lambda d: d["council_code"] + (" " + d["other"]).where(d["other"] != "", ""))
    bodies["council_code"] = ""
    ev = pd.concat([ev, bodies[ev.columns]], ignore_index=True)
    ev.insert(1, "type", kind)
    return {"partnerships": partnerships, "memberships": memberships, "events": ev}
