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

The measures are computed once by :func:`analysis.council_measures.compute_council_measures`
(a :class:`~analysis.council_measures.CouncilMeasures` with the parameters used);
:func:`council_map_charts` and the ``*_map`` functions only draw from it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from analysis.council_measures import CouncilMeasures, compute_council_measures
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
    "council_map_charts",
    "lead_option_map",
    "membership_maps",
    "partnerships_map",
    "result_charts",
    "spending_change_map",
    "standard_charts",
    "standard_maps",
]

_GSS = r"^E\d{8}$"


def dataset_layouts(dataset) -> list:
    """The candidate hex layouts for a dataset: its folder's ``*.hexjson`` files, then the
    bundled layouts of UK councils. A broken file in the folder raises :class:`InputError`."""
    own = []
    path = getattr(dataset, "path", None)
    if path is not None and Path(path).is_dir():
        own = read_hexjson_folder(path)
    return own + bundled_layouts()


def _source(name: str, layouts_used) -> str:
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


# ----------------------------------------------------------------------------- maps


def _spec(name, fig, infos, panels, *, title, alt, data, subtitle, measures, extra_source=""):
    return ChartSpec(name, fig, title, alt + " " + _layouts_sentence(infos, panels), data, subtitle=subtitle,
                     source=_source(measures.dataset, [i.layout for i in infos]) + extra_source,
                     notes={"module": "analysis.figures.council_maps", "kind": "map",
                            "layouts": [i.layout.name for i in infos],
                            "note": " ".join(i.note for i in infos)})


def _what(infos) -> str:
    return ("Hex map of councils, each one hexagon of the same size"
            + (", counties on the left and districts on the right" if len(infos) == 2 else "") + ", coloured by ")


def spending_change_map(measures: CouncilMeasures, *, layouts) -> ChartSpec:
    """Map of the change in spending power per head (``measures.spending``): real terms, or
    cash when the dataset had no deflators (said in the title, legend and alt text)."""
    frame = measures.spending
    start, end = measures.start, measures.end
    span = f"{start}-{str(start + 1)[-2:]} to {end}-{str(end + 1)[-2:]}"
    terms = "real-terms" if measures.real else "cash (not adjusted for inflation)"
    fig, infos, panels = _draw(frame, value="change_pct", layouts=layouts, year=end, units="%",
                               legend_title=f"{'Real-terms' if measures.real else 'Cash'} change in spending "
                                            f"power per head, {span}")
    valued = frame.dropna(subset=["change_pct"])
    by_region = valued.groupby("region")["change_pct"].median().sort_values(kind="stable")
    falls = (valued["change_pct"] < 0).mean()
    title = (f"Spending power per head fell most in {_the(by_region.index[0])}: median "
             f"{by_region.iloc[0]:+.0f}% in {'real terms' if measures.real else 'cash'}"
             if len(by_region) and by_region.iloc[0] < 0
             else f"Change in spending power per head, {span}, {'real terms' if measures.real else 'cash'}")
    darker = ("Darker hexagons fell further." if valued["change_pct"].max() <= 0
              else "Pink hexagons fell, blue hexagons rose.")
    alt = (_what(infos) + f"the {terms} change in spending power per head from {span}; {falls:.0%} of "
           f"councils fell. " + _continuous_alt(valued, "change_pct", what="The change", units="%", darker=darker))
    subtitle = (f"Real-terms change in spending power per head by council, {span}, prices of "
                f"{end}-{str(end + 1)[-2:]}" if measures.real
                else f"Cash change in spending power per head by council, {span} (no deflators: not "
                     f"adjusted for inflation)")
    return _spec("map_spending_change", fig, infos, panels, title=title, alt=alt,
                 data=_map_data(infos, panels, frame, "change_pct"), measures=measures, subtitle=subtitle)


def partnerships_map(measures: CouncilMeasures, *, layouts) -> ChartSpec:
    """Map of the number of partnerships each council is a member of (``measures.partnerships``)."""
    frame = measures.partnerships
    fig, infos, panels = _draw(frame, value="partnerships", layouts=layouts, year=measures.year,
                               legend_title="Partnerships the council is a member of", palette="sequential")
    most = int(frame["partnerships"].max())
    top = frame[frame["partnerships"] == most].sort_values("council_code")
    title = (f"{top['council_name'].iloc[0]} is in the most partnerships: {most}" if len(top) == 1
             else f"{len(top)} councils share the most partnerships: {most} each")
    alt = (_what(infos) + "the number of partnerships each council is a member of (darker means more). "
           + _continuous_alt(frame, "partnerships", what="The count", units="",
                             darker=f"The median council is in {frame['partnerships'].median():.0f}."))
    return _spec("map_partnerships_per_council", fig, infos, panels, title=title, alt=alt,
                 data=_map_data(infos, panels, frame, "partnerships"), measures=measures,
                 subtitle="Partnerships each council is a member of, all years")


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


def lead_option_map(measures: CouncilMeasures, *, layouts) -> ChartSpec:
    """Map of the most common Kahane option of the partnerships each council leads."""
    from analysis.data.schema import OPTIONS

    frame = measures.lead_option
    present = [o for o in (*OPTIONS, "mixed") if o in set(frame["option"].dropna())]
    fig, infos, panels = _draw(frame, value="option", layouts=layouts, year=measures.year,
                               kind="categorical", order=present, legend_title="Kahane option")
    counts = frame["option"].value_counts()
    title = (f"Councils' partnerships lean to {counts.index[0]} more often than to any other option: "
             f"{int(counts.iloc[0])} of {int(counts.sum())} lead councils"
             if len(counts) else "The Kahane option of the partnerships each council leads")
    alt = (_what(infos) + "the most common Kahane option among the partnerships the council leads (ties to "
           "the option listed first: fight, adapt, exit, collaborate). "
           + _categorical_alt(frame, "option", none_label="lead no placed partnership"))
    return _spec("map_lead_option", fig, infos, panels, title=title, alt=alt,
                 data=_map_data(infos, panels, frame, "option"), measures=measures,
                 subtitle="Most common Kahane option of the partnerships each council leads",
                 extra_source="; analysis.typology")


def membership_maps(measures: CouncilMeasures, *, layouts) -> list[ChartSpec]:
    """Maps of the combined authority and the LEPs each council belongs to (``measures.memberships``)."""
    from analysis.council_measures import MEMBERSHIP_TYPES

    names = {"combined_authority": "map_combined_authorities", "lep": "map_leps"}
    specs = []
    for ptype, (frame, order, legend) in measures.memberships.items():
        label = MEMBERSHIP_TYPES[ptype]
        fig, infos, panels = _draw(frame, value="membership", layouts=layouts, year=measures.year,
                                   kind="categorical", order=order, legend_title=legend)
        members = int((frame["membership"] != "none").sum())
        alt = _what(infos) + f"{legend.lower()}. " + _categorical_alt(frame, "membership", none_label="have no value")
        specs.append(_spec(names[ptype], fig, infos, panels, title=f"{members} of {len(frame)} councils belong "
                           f"to a {label}", alt=alt, data=_map_data(infos, panels, frame, "membership"),
                           measures=measures, subtitle=f"Councils by {label} membership, all years"))
    return specs


def council_map_charts(measures: CouncilMeasures, *, layouts) -> list[ChartSpec]:
    """Draw every map the measures hold (nothing is computed here).

    A map whose councils' codes match none of ``layouts`` is left out with a warning;
    the combined authority and LEP maps are drawn only for ONS codes (real data).
    """
    makers = []
    if measures.spending is not None:
        makers.append(lambda: [spending_change_map(measures, layouts=layouts)])
    if measures.partnerships is not None:
        makers.append(lambda: [partnerships_map(measures, layouts=layouts)])
    if measures.lead_option is not None:
        makers.append(lambda: [lead_option_map(measures, layouts=layouts)])
    if measures.memberships and measures.councils["council_code"].astype(str).str.match(_GSS).any():
        makers.append(lambda: membership_maps(measures, layouts=layouts))
    specs: list[ChartSpec] = []
    try:
        with chart_style():
            for make in makers:
                try:
                    specs.extend(make())
                except NoLayoutError as exc:
                    warnings.warn(f"skipped a map: {exc}", UserWarning, stacklevel=2)
    except BaseException:
        for spec in specs:
            plt.close(spec.fig)
        raise
    return specs


# ----------------------------------------------------------------------------- all maps


def standard_maps(dataset, *, random_state=DEFAULT_SEED, start: int | None = None, end: int | None = None,
                  typology=None) -> list[ChartSpec]:
    """Compute the per-council measures once and draw every standard map the dataset supports.

    ``start`` and ``end`` are the years compared (default 2010-2019 for spending power, the
    typology's own default window for the option map). A map whose tables are missing is
    left out with a warning naming the table; if no layout has any of the councils' codes,
    no map is drawn and a warning says so. A broken ``.hexjson`` file in the dataset folder,
    or one with none of the councils' codes, is an :class:`~analysis.errors.InputError`.
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
    measures = compute_council_measures(dataset, start=start, end=end, random_state=random_state,
                                        typology=typology, memberships=bool(codes.str.match(_GSS).any()))
    for reason in measures.skipped.values():
        warnings.warn(f"skipped a map: {reason}", UserWarning, stacklevel=2)
    return council_map_charts(measures, layouts=layouts)


def standard_charts(dataset, *, random_state=DEFAULT_SEED, start: int | None = None,
                    end: int | None = None) -> list[ChartSpec]:
    """The standard maps, as :func:`analysis.charts.standard_charts` asks of a chart family."""
    return standard_maps(dataset, random_state=random_state, start=start, end=end)


def result_charts(results, dataset) -> list[ChartSpec]:
    """The standard maps with the typology the report fitted (``results["typology"]``).

    The option map then places partnerships from that fit instead of fitting the typology
    again; the other maps need no fitted result. Without a typology result (a dataset with
    no evidence) the map is skipped as :func:`standard_maps` skips it.
    """
    try:
        typology = results["typology"]
    except (KeyError, MissingTableError):
        typology = None
    return standard_maps(dataset, random_state=results.random_state, start=results.start, end=results.end,
                         typology=typology)
