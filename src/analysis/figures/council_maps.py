"""The standard hex maps of councils, ready for export (``charts`` and the report).

:func:`standard_maps` returns :class:`~analysis.export.ChartSpec` objects:

* ``map_spending_change``: the real-terms change in spending power per head of every
  council (the austerity window of :mod:`analysis.austerity`, 2010-11 to 2019-20 where the
  data covers it);
* ``map_partnerships_per_council``: how many partnerships each council is a member of;
* ``map_lead_option``: the most common Kahane option among the partnerships each council
  leads (from a typology's placements; fitted here when none is given);
* on real data (ONS codes), ``map_combined_authorities`` and ``map_leps``: the combined
  authority and the local enterprise partnerships each council belongs to.

Measures held by both tiers are drawn side by side (:func:`hexmap_tiers_grid`): counties on
the upper-tier layout, districts on the lower-tier layout, single-tier councils on both, so
no county's value is painted on its districts. Layouts come from the dataset folder's own
``*.hexjson`` files (the example world has three) and the bundled Open Innovations layouts;
each map uses the one with the best overlap with its councils' codes and says which in its
notes, its data file and its alt text. A dataset whose codes match no layout gets no maps
(a warning says why); a broken ``.hexjson`` file in the dataset is an input error.

The measures are computed here from the analysis modules; the drawing functions only draw.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from analysis.data.hexjson import (
    HEXJSON_CREDIT,
    NoLayoutError,
    bundled_layouts,
    read_hexjson_folder,
)
from analysis.errors import InputError, MissingTableError
from analysis.export import ChartSpec
from analysis.figures.hexmap import hexmap_tiers_grid, plot_hexmap
from analysis.style import chart_style, subplots
from analysis.typology.result import DEFAULT_SEED

__all__ = [
    "dataset_layouts",
    "lead_option_map",
    "membership_maps",
    "partnerships_map",
    "spending_change_map",
    "standard_charts",
    "standard_maps",
]

_GSS = r"^E\d{8}$"
_TIER_LABEL = {"county": "county", "district": "district", "unitary": "unitary",
               "metropolitan": "metropolitan borough", "london_borough": "London borough"}


def dataset_layouts(dataset) -> list:
    """The candidate hex layouts for a dataset: its folder's ``*.hexjson`` files, then the
    bundled layouts of UK councils. A broken file in the folder raises :class:`InputError`."""
    own = []
    path = getattr(dataset, "path", None)
    if path is not None and Path(path).is_dir():
        own = read_hexjson_folder(path)
    return own + bundled_layouts()


def _source(dataset, layouts_used) -> str:
    name = getattr(dataset, "name", "dataset")
    credit = any(getattr(lay, "credit", "") for lay in layouts_used)
    return f"{name} dataset" + (f"; {HEXJSON_CREDIT}" if credit else "")


def _the(region) -> str:
    """A region's name as a sentence says it: "the North East", but "London"."""
    text = str(region)
    return text if text in ("London", "Yorkshire and The Humber") else f"the {text}"


def _fmt(value: float, units: str) -> str:
    if units == "%":
        return f"{value:+.0f}%"
    return f"{value:,.0f}"


def _two_tiers(frame: pd.DataFrame) -> bool:
    tiers = set(frame["tier"].dropna().astype(str))
    return "county" in tiers and "district" in tiers


def _draw(frame: pd.DataFrame, *, value: str, layouts, year, **kwargs):
    """One map, or two side by side for a two-tier area. Returns (fig, infos)."""
    if "tier" in frame and _two_tiers(frame):
        fig = hexmap_tiers_grid(frame, code="council_code", value=value, tier="tier", layout=layouts,
                                year=year, region="region", region_outlines=True, name="council_name",
                                **kwargs)
        return fig, list(fig.hexmaps), ["upper tier", "lower tier"]
    fig, ax = subplots(size="govuk_square")
    plot_hexmap(frame, code="council_code", value=value, ax=ax, layout=layouts, year=year, region="region",
                region_outlines=True, name="council_name", **kwargs)
    return fig, [ax.hexmap], ["all"]


def _map_data(infos, panels, frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """The data file of a map: one row per hexagon drawn, and a row for each council of the
    data without a hexagon (status ``no_hexagon``)."""
    parts = []
    for info, panel in zip(infos, panels, strict=True):
        f = info.frame[["code", "name", "region", "status", "value"]].rename(
            columns={"code": "council_code", "name": "council_name", "value": value})
        f.insert(0, "map", panel)
        f.insert(1, "layout", info.layout.name)
        parts.append(f)
        if info.unplaced:
            missing = frame[frame["council_code"].astype(str).isin(info.unplaced)]
            parts.append(pd.DataFrame({"map": panel, "layout": info.layout.name,
                                       "council_code": missing["council_code"].astype(str),
                                       "council_name": missing.get("council_name"),
                                       "region": missing.get("region"), "status": "no_hexagon",
                                       value: missing[value]}))
    data = pd.concat(parts, ignore_index=True)
    data = data.sort_values(["map", "council_code"], kind="stable").reset_index(drop=True)
    return data


def _layouts_sentence(infos, panels) -> str:
    bits = []
    for info, panel in zip(infos, panels, strict=True):
        where = "" if panel == "all" else f"the {panel} map uses "
        text = (f"{where}layout {info.layout.name} ({len(info.choice.placed)} of "
                f"{len(info.choice.placed) + len(info.unplaced)} councils placed")
        if info.unplaced:
            shown = ", ".join(info.unplaced[:6]) + (" and others" if len(info.unplaced) > 6 else "")
            text += f"; without a hexagon: {shown}"
        bits.append(text + ")")
    sentence = "; ".join(bits)
    return sentence[0].upper() + sentence[1:] + "."


def _continuous_alt(frame: pd.DataFrame, value: str, *, what: str, units: str, darker: str) -> str:
    valued = frame.dropna(subset=[value])
    lo = valued.loc[valued[value].idxmin()]
    hi = valued.loc[valued[value].idxmax()]
    by_region = valued.groupby("region")[value].median().sort_values(kind="stable")
    text = (f"{what} ranges from {_fmt(lo[value], units)} ({lo['council_name']}) to "
            f"{_fmt(hi[value], units)} ({hi['council_name']}) across {len(valued)} councils. {darker} ")
    if len(by_region) > 1:
        text += (f"By region, the median is lowest in {_the(by_region.index[0])} "
                 f"({_fmt(by_region.iloc[0], units)}) and highest in {_the(by_region.index[-1])} "
                 f"({_fmt(by_region.iloc[-1], units)}).")
    return text


# ----------------------------------------------------------------------------- measures


def _councils(dataset) -> pd.DataFrame:
    councils = dataset["councils"]
    keep = [c for c in ("council_code", "council_name", "tier", "region", "county_code") if c in councils]
    return councils[keep].copy()


def spending_change_map(dataset, *, layouts=None, start: int = 2010, end: int = 2019) -> ChartSpec:
    """Map of the real-terms change in spending power per head, ``start`` to ``end``."""
    from analysis.austerity import austerity_index

    finance = dataset.require("finance", "the spending power map needs spending power by council and year")
    deflators = dataset.require("deflators", "the spending power map is in real terms")
    years = pd.to_numeric(finance["year"], errors="coerce").dropna()
    start, end = max(start, int(years.min())), min(end, int(years.max()))
    if end <= start:
        raise MissingTableError("finance", f"the spending power map needs two years between {start} and {end}")
    councils = _councils(dataset)
    predecessors = dataset["predecessors"] if dataset.has("predecessors") else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plausibility notes belong to the austerity charts
        index = austerity_index(finance, start=start, end=end, real=True, per_head=True, deflators=deflators,
                                councils=dataset["councils"], predecessors=predecessors)
    frame = councils.merge(index[["council_code", "change_real_per_head"]], on="council_code", how="left")
    # a council abolished before the end year is not on the map of the end year's councils
    frame = frame[frame["council_code"].isin(index["council_code"]) | frame["council_code"].isin(
        finance.loc[finance["year"] == end, "council_code"])]
    frame["change_pct"] = (frame["change_real_per_head"] * 100).round(1)
    frame = frame.drop(columns="change_real_per_head")
    layouts = dataset_layouts(dataset) if layouts is None else layouts
    span = f"{start}-{str(start + 1)[-2:]} to {end}-{str(end + 1)[-2:]}"
    fig, infos, panels = _draw(frame, value="change_pct", layouts=layouts, year=end, units="%",
                               legend_title=f"Real-terms change in spending power per head, {span}")
    data = _map_data(infos, panels, frame, "change_pct")
    valued = frame.dropna(subset=["change_pct"])
    by_region = valued.groupby("region")["change_pct"].median().sort_values(kind="stable")
    falls = (valued["change_pct"] < 0).mean()
    title = (f"Spending power per head fell most in {_the(by_region.index[0])}: median "
             f"{by_region.iloc[0]:+.0f}% in real terms" if len(by_region) and by_region.iloc[0] < 0
             else f"Real-terms change in spending power per head, {span}")
    darker = ("Darker hexagons fell further." if valued["change_pct"].max() <= 0
              else "Pink hexagons fell, blue hexagons rose.")
    alt = (f"Hex map of councils, each one hexagon of the same size"
           f"{', counties on the left and districts on the right' if len(infos) == 2 else ''}, coloured "
           f"by the real-terms change in spending power per head from {span}; {falls:.0%} of councils fell. "
           + _continuous_alt(valued, "change_pct", what="The change", units="%", darker=darker)
           + " " + _layouts_sentence(infos, panels))
    return ChartSpec("map_spending_change", fig, title, alt, data,
                     subtitle=f"Real-terms change in spending power per head by council, {span}, "
                              f"prices of {end}-{str(end + 1)[-2:]}",
                     source=_source(dataset, [i.layout for i in infos]),
                     notes={"module": "analysis.figures.council_maps", "kind": "map",
                            "layouts": [i.layout.name for i in infos],
                            "note": " ".join(i.note for i in infos)})


def partnerships_map(dataset, *, layouts=None) -> ChartSpec:
    """Map of the number of partnerships each council is a member of (any year)."""
    memberships = dataset.require("memberships", "the partnership map counts each council's memberships")
    councils = _councils(dataset)
    m = memberships.dropna(subset=["council_code"])
    counts = m.groupby("council_code")["partnership_id"].nunique().rename("partnerships")
    frame = councils.merge(counts, left_on="council_code", right_index=True, how="left")
    frame["partnerships"] = frame["partnerships"].fillna(0).astype(int)
    layouts = dataset_layouts(dataset) if layouts is None else layouts
    year = _last_year(dataset)
    fig, infos, panels = _draw(frame, value="partnerships", layouts=layouts, year=year,
                               legend_title="Partnerships the council is a member of", palette="sequential")
    data = _map_data(infos, panels, frame, "partnerships")
    most = int(frame["partnerships"].max())
    top = frame[frame["partnerships"] == most].sort_values("council_code")
    title = (f"{top['council_name'].iloc[0]} is in the most partnerships: {most}" if len(top) == 1
             else f"{len(top)} councils share the most partnerships: {most} each")
    alt = (f"Hex map of councils, each one hexagon of the same size"
           f"{', counties on the left and districts on the right' if len(infos) == 2 else ''}, coloured by "
           f"the number of partnerships each council is a member of (darker means more). "
           + _continuous_alt(frame, "partnerships", what="The count", units="",
                             darker=f"The median council is in {frame['partnerships'].median():.0f}.")
           + " " + _layouts_sentence(infos, panels))
    return ChartSpec("map_partnerships_per_council", fig, title, alt, data,
                     subtitle="Partnerships each council is a member of, all years",
                     source=_source(dataset, [i.layout for i in infos]),
                     notes={"module": "analysis.figures.council_maps", "kind": "map",
                            "layouts": [i.layout.name for i in infos],
                            "note": " ".join(i.note for i in infos)})


def _last_year(dataset) -> int | None:
    years = []
    for table in ("finance", "activity"):
        if dataset.has(table) and "year" in dataset[table]:
            years.append(pd.to_numeric(dataset[table]["year"], errors="coerce").max())
    years = [int(y) for y in years if pd.notna(y)]
    return max(years) if years else None


def _categorical_alt(frame: pd.DataFrame, value: str, *, none_label: str) -> str:
    valued = frame.dropna(subset=[value])
    counts = valued[value].value_counts().sort_index()
    parts = []
    for level, n in counts.sort_values(ascending=False, kind="stable").items():
        regions = valued[valued[value] == level]["region"].value_counts()
        where = f", most in {_the(regions.index[0])}" if len(regions) else ""
        parts.append(f"{level}: {int(n)}{where}")
    text = "; ".join(parts) + "."
    missing = int(frame[value].isna().sum())
    if missing:
        text += f" {missing} councils {none_label} (grey, hatched)."
    return text


def lead_option_map(dataset, *, typology=None, layouts=None, random_state=DEFAULT_SEED,
                    start: int | None = None, end: int | None = None) -> ChartSpec:
    """Map of the most common Kahane option among the partnerships each council leads.

    ``typology`` is a :class:`~analysis.typology.TypologyResult` (or a frame with
    ``partnership_id`` and ``option``); without it the typology is fitted once with
    :func:`~analysis.typology.fit_typology` over ``start``-``end`` with ``random_state``,
    the same call as the typology's own charts, so the map and those charts agree.
    """
    from analysis.austerity import dominant_option

    partnerships = dataset["partnerships"]
    if typology is None:
        from analysis.typology import fit_typology

        dataset.require("evidence", "the Kahane option map places the partnerships from their evidence")
        typology = fit_typology(dataset, start=start, end=end, random_state=random_state)
    if hasattr(typology, "placements"):
        typology = typology.placements
    councils = _councils(dataset)
    options = dominant_option(partnerships, typology)
    frame = councils.merge(options, on="council_code", how="left")
    layouts = dataset_layouts(dataset) if layouts is None else layouts
    from analysis.data.schema import OPTIONS

    present = [o for o in (*OPTIONS, "mixed") if o in set(frame["option"].dropna())]
    fig, infos, panels = _draw(frame, value="option", layouts=layouts, year=_last_year(dataset),
                               kind="categorical", order=present, legend_title="Kahane option")
    data = _map_data(infos, panels, frame, "option")
    counts = frame["option"].value_counts()
    title = (f"Councils' partnerships lean to {counts.index[0]} more often than to any other option: "
             f"{int(counts.iloc[0])} of {int(counts.sum())} lead councils"
             if len(counts) else "The Kahane option of the partnerships each council leads")
    alt = (f"Hex map of councils, each one hexagon of the same size"
           f"{', counties on the left and districts on the right' if len(infos) == 2 else ''}, coloured by "
           f"the most common Kahane option among the partnerships the council leads (ties to the option "
           f"listed first: fight, adapt, exit, collaborate). "
           + _categorical_alt(frame, "option", none_label="lead no placed partnership")
           + " " + _layouts_sentence(infos, panels))
    return ChartSpec("map_lead_option", fig, title, alt, data,
                     subtitle="Most common Kahane option of the partnerships each council leads",
                     source=_source(dataset, [i.layout for i in infos]) + "; analysis.typology",
                     notes={"module": "analysis.figures.council_maps", "kind": "map",
                            "layouts": [i.layout.name for i in infos],
                            "note": " ".join(i.note for i in infos)})


def membership_maps(dataset, *, layouts=None) -> list[ChartSpec]:
    """On real data: the combined authority and the local enterprise partnerships of each council.

    A council's category is the partnership's name when there are at most six of that type
    with council members (colours stay distinguishable), otherwise how many it belongs to.
    """
    memberships = dataset["memberships"].dropna(subset=["council_code"])
    partnerships = dataset["partnerships"]
    councils = _councils(dataset)
    specs = []
    for ptype, name, label in (("combined_authority", "map_combined_authorities", "combined authority"),
                               ("lep", "map_leps", "local enterprise partnership")):
        ids = partnerships.loc[partnerships["type"] == ptype, ["partnership_id", "name"]]
        m = memberships.merge(ids, on="partnership_id")
        if m.empty:
            continue
        per = m.groupby("council_code")["name"].agg(lambda s: sorted(set(s)))
        if m["partnership_id"].nunique() <= 6 and per.map(len).max() == 1:
            value = per.map(lambda names: names[0])
            order = sorted(set(value))
            legend = label[0].upper() + label[1:]
        else:
            value = per.map(lambda names: "one" if len(names) == 1 else "two or more")
            order = ["one", "two or more"]
            legend = f"Member of how many ({label})"
        frame = councils.merge(value.rename("membership"), left_on="council_code", right_index=True, how="left")
        frame["membership"] = frame["membership"].fillna("none")
        order = ["none"] + [o for o in order if o in set(frame["membership"])]
        layouts = dataset_layouts(dataset) if layouts is None else layouts
        fig, infos, panels = _draw(frame, value="membership", layouts=layouts, year=_last_year(dataset),
                                   kind="categorical", order=order, legend_title=legend)
        data = _map_data(infos, panels, frame, "membership")
        members = int((frame["membership"] != "none").sum())
        title = f"{members} of {len(frame)} councils belong to a {label}"
        alt = (f"Hex map of councils, each one hexagon of the same size"
               f"{', counties on the left and districts on the right' if len(infos) == 2 else ''}, coloured "
               f"by {legend.lower()}. " + _categorical_alt(frame, "membership", none_label="have no value")
               + " " + _layouts_sentence(infos, panels))
        specs.append(ChartSpec(name, fig, title, alt, data,
                               subtitle=f"Councils by {label} membership, all years",
                               source=_source(dataset, [i.layout for i in infos]),
                               notes={"module": "analysis.figures.council_maps", "kind": "map",
                                      "layouts": [i.layout.name for i in infos],
                                      "note": " ".join(i.note for i in infos)}))
    return specs


# ----------------------------------------------------------------------------- all maps


def standard_maps(dataset, *, random_state=DEFAULT_SEED, start: int | None = None, end: int | None = None,
                  typology=None) -> list[ChartSpec]:
    """Every standard map the dataset supports (see the module's description).

    ``start`` and ``end`` are the years compared (default 2010-2019 for spending power, the
    typology's own default window for the option map). A map whose tables are missing is
    left out with a warning; if no layout has any of the councils' codes, no map is drawn
    and a warning says so. A broken ``.hexjson`` file in the dataset folder, or one with
    none of the councils' codes, is an :class:`~analysis.errors.InputError`.
    """
    layouts = dataset_layouts(dataset)  # a broken file in the dataset stops here
    codes = dataset["councils"]["council_code"].astype(str)
    own = [lay for lay in layouts if not lay.credit]
    if own and not any(lay.codes.intersection(codes) for lay in own):
        shown = ", ".join(sorted(set(codes))[:5]) + (", ..." if codes.nunique() > 5 else "")
        raise InputError(
            f"none of the {codes.nunique()} council codes ({shown}) has a hexagon in the hex layouts of "
            f"the dataset ({', '.join(lay.file for lay in own)}); key the layout by the councils' codes"
        )
    if not any(lay.codes.intersection(codes) for lay in layouts):
        warnings.warn(f"no hex maps: none of the councils' codes ({', '.join(sorted(codes)[:3])}, ...) "
                      f"is in a hex layout; add a .hexjson layout keyed by these codes to the dataset folder",
                      UserWarning, stacklevel=2)
        return []
    window = {"start": 2010 if start is None else start, "end": 2019 if end is None else end}
    makers = [lambda: [spending_change_map(dataset, layouts=layouts, **window)],
              lambda: [partnerships_map(dataset, layouts=layouts)],
              lambda: [lead_option_map(dataset, typology=typology, layouts=layouts, random_state=random_state,
                                       start=start, end=end)]]
    if codes.str.match(_GSS).any():
        makers.append(lambda: membership_maps(dataset, layouts=layouts))
    specs: list[ChartSpec] = []
    try:
        with chart_style():
            for make in makers:
                try:
                    specs.extend(make())
                except (MissingTableError, NoLayoutError) as exc:
                    warnings.warn(f"skipped a map: {exc}", UserWarning, stacklevel=2)
    except BaseException:
        for spec in specs:
            plt.close(spec.fig)
        raise
    return specs


def standard_charts(dataset, *, random_state=DEFAULT_SEED, start: int | None = None,
                    end: int | None = None) -> list[ChartSpec]:
    """The standard maps, as :func:`analysis.charts.standard_charts` asks of a chart family."""
    return standard_maps(dataset, random_state=random_state, start=start, end=end)
