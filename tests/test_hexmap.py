"""Tests for HexJSON layouts (analysis.data.hexjson) and hex maps (analysis.figures.hexmap,
analysis.figures.council_maps): positions and colours read from the artists, not pixels."""

import hashlib
import io
import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from analysis import charts  # noqa: E402
from analysis.cli import main  # noqa: E402
from analysis.data.example import HEXMAP_FILES, example_hexmaps  # noqa: E402
from analysis.data.hexjson import (  # noqa: E402
    bundled_layouts,
    choose_layout,
    hex_centres,
    hexjson_text,
    layout_from_frame,
    read_hexjson,
)
from analysis.errors import InputError  # noqa: E402
from analysis.figures.hexmap import MISSING_COLOUR, diverging_cmap, hexmap_tiers_grid, plot_hexmap  # noqa: E402
from analysis.style import OPTION_COLOURS, chart_style, sequential_cmap  # noqa: E402

R3 = math.sqrt(3) / 2
REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _write(path: Path, doc) -> Path:
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


# A hand-made layout: a row of three and two above them (odd-r: row 1 is shifted right).
SMALL = {"layout": "odd-r", "hexes": {
    "A": {"n": "Ayton", "q": 0, "r": 0, "region": "North"},
    "B": {"n": "Beeston", "q": 1, "r": 0, "region": "North"},
    "C": {"n": "Ceeford", "q": 2, "r": 0, "region": "South"},
    "D": {"n": "Deeham", "q": 0, "r": 1, "region": "North"},
    "E": {"n": "Eston", "q": 1, "r": 1, "region": "South"},
}}
SMALL_CENTRES = {"A": (0.0, 0.0), "B": (1.0, 0.0), "C": (2.0, 0.0), "D": (0.5, R3), "E": (1.5, R3)}


@pytest.fixture
def small(tmp_path):
    return read_hexjson(_write(tmp_path / "small-2020.hexjson", SMALL))


def _centres(collection) -> np.ndarray:
    return np.array([p.vertices[:6].mean(axis=0) for p in collection.get_paths()])


def _hexes(ax):
    return next(c for c in ax.collections if c.get_gid() == "hexmap-hexes")


# ----------------------------------------------------------------------------- reading


@pytest.mark.parametrize("layout, expected", [
    ("odd-r", [(0, 0), (1, 0), (0.5, R3), (1.5, R3), (0, 2 * R3)]),
    ("even-r", [(0.5, 0), (1.5, 0), (0, R3), (1, R3), (0.5, 2 * R3)]),
    ("odd-q", [(0, 0), (R3, 0.5), (0, 1), (R3, 1.5), (0, 2)]),
    ("even-q", [(0, 0.5), (R3, 0), (0, 1.5), (R3, 1), (0, 2.5)]),
])
def test_hex_centres_of_the_four_layouts(layout, expected):
    q = [0, 1, 0, 1, 0]
    r = [0, 0, 1, 1, 2]
    x, y = hex_centres(q, r, layout)
    np.testing.assert_allclose(np.column_stack([x, y]), np.array(expected, dtype=float), atol=1e-12)


def test_neighbours_are_one_unit_apart_in_every_layout():
    for layout in ("odd-r", "even-r", "odd-q", "even-q"):
        q, r = np.meshgrid(np.arange(-3, 4), np.arange(-3, 4))
        x, y = hex_centres(q.ravel(), r.ravel(), layout)
        pts = np.column_stack([x, y])
        d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
        d[d == 0] = np.inf
        np.testing.assert_allclose(d.min(axis=1), 1.0)  # no overlap, no gap


def test_read_hexjson_gives_codes_names_regions_and_centres(small):
    assert small.name == "small-2020" and small.year == 2020 and small.layout == "odd-r"
    h = small.hexes.set_index("code")
    assert h.loc["B", "name"] == "Beeston" and h.loc["E", "region"] == "South"
    for code, (x, y) in SMALL_CENTRES.items():
        assert h.loc[code, "x"] == pytest.approx(x) and h.loc[code, "y"] == pytest.approx(y)


def test_hexjson_text_round_trips(small, tmp_path):
    again = read_hexjson(_write(tmp_path / "again.hexjson", hexjson_text(small)))
    pd.testing.assert_frame_equal(again.hexes, small.hexes)
    assert hexjson_text(again) == hexjson_text(small)


@pytest.mark.parametrize("text, message", [
    ('{"layout": "odd-r", "hexes": {"A": {"q": 0, "r": 0},}}', r"not valid JSON \(line 1"),
    ('{"layout": "hex-grid", "hexes": {"A": {"q": 0, "r": 0}}}', r"unknown hex layout 'hex-grid'"),
    ('{"layout": "odd-r", "hexes": {"A": {"q": 0, "r": 0}, "A": {"q": 1, "r": 0}}}', r"'A' appears twice"),
    ('{"layout": "odd-r", "hexes": {"A": {"q": 0}}}', r"'A' needs an integer 'r'.*missing"),
    ('{"layout": "odd-r", "hexes": {"A": {"q": "one", "r": 0}}}', r"'A' needs an integer 'q'"),
    ('{"layout": "odd-r", "hexes": {"A": {"q": 0, "r": 0}, "B": {"q": 0, "r": 0}}}', r"share the cell q=0, r=0"),
    ('{"layout": "odd-r", "hexes": {}}', r"'hexes' must be a non-empty object"),
    ('[1, 2]', r"not a list"),
])
def test_bad_hexjson_is_an_input_error_naming_the_file(tmp_path, text, message):
    path = _write(tmp_path / "broken.hexjson", text)
    with pytest.raises(InputError, match=message) as info:
        read_hexjson(path)
    assert str(path) in str(info.value)
    assert info.value.exit_code == 2


def test_bundled_layouts_ship_with_the_package():
    names = {lay.name: lay for lay in bundled_layouts(kinds=("lower", "upper", "icb"))}
    assert set(names) == {"uk-local-authority-districts-2019", "uk-local-authority-districts-2020",
                          "uk-local-authority-districts-2021", "uk-local-authority-districts-2023",
                          "uk-upper-tier-local-authorities", "nhs-icb-2022"}
    lad = names["uk-local-authority-districts-2023"]
    assert "E06000001" in lad.codes and len(lad) == 361 and lad.layout == "odd-r"
    assert lad.hexes.set_index("code").loc["E06000001", "region"] == "North East"
    licence = (Path(lad.file).parent / "LICENSE").read_text()
    assert "MIT" in licence and "Open Innovations" in licence


# ----------------------------------------------------------------------------- choosing


def test_choose_layout_best_overlap_then_year(small):
    other = layout_from_frame(pd.DataFrame({"code": ["A", "B", "X"], "q": [0, 1, 2], "r": [0, 0, 0]}),
                              name="other-2023")
    choice = choose_layout(["A", "B", "C", "Z"], layouts=[other, small])
    assert choice.layout.name == "small-2020"
    assert choice.placed == ("A", "B", "C") and choice.unplaced == ("Z",) and choice.nowhere == ("Z",)
    assert choice.scores["matched"].tolist() == [3, 2]
    # equal overlap: the data's year decides
    assert choose_layout(["A", "B"], layouts=[small, other], year=2023).layout.name == "other-2023"
    assert choose_layout(["A", "B"], layouts=[other, small], year=2021).layout.name == "small-2020"


def test_codes_matching_no_layout_name_the_files(small):
    with pytest.raises(InputError, match=r"none of the 2 council codes \(Q1, Q2\).*small-2020.hexjson"):
        choose_layout(["Q1", "Q2"], layouts=[small])


# ----------------------------------------------------------------------------- drawing


def test_positions_and_continuous_colours_from_the_artists(small):
    data = pd.DataFrame({"code": ["A", "B", "C", "D", "Z"], "cut_per_head": [10.0, 20.0, 30.0, np.nan, 5.0]})
    with chart_style():
        fig, ax = plt.subplots()
        plot_hexmap(data, code="code", value="cut_per_head", layout=small, units="%", ax=ax)
    info = ax.hexmap
    hexes = _hexes(ax)
    order = info.frame["code"].tolist()
    assert order == ["A", "B", "C", "D", "E"]
    expected = np.array([SMALL_CENTRES[c] for c in order])
    np.testing.assert_allclose(_centres(hexes), expected, atol=1e-9)
    faces = [to_hex(c).upper() for c in hexes.get_facecolors()]
    cmap = sequential_cmap()
    assert faces[0] == to_hex(cmap(0.0)).upper()  # lowest value, lightest blue
    assert faces[2] == to_hex(cmap(1.0)).upper()  # highest, darkest
    assert faces[1] == to_hex(cmap(0.5)).upper()
    assert faces[3] == MISSING_COLOUR.upper() and faces[4] == MISSING_COLOUR.upper()
    assert info.frame.set_index("code")["status"].to_dict() == {
        "A": "value", "B": "value", "C": "value", "D": "no_value", "E": "not_in_data"}
    hatched = next(c for c in ax.collections if c.get_gid() == "hexmap-no_value")
    np.testing.assert_allclose(_centres(hatched), [SMALL_CENTRES["D"]], atol=1e-9)
    # Z has no hexagon: listed, not dropped
    assert info.unplaced == ("Z",)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["no value (1)", "not in the data (1)", "no hexagon: Z"]
    assert "Z" in info.note and "Grey: 1 council" in info.note
    assert info.colorbar.ax.get_xlabel() == "Cut per head (%)"  # the column's name in words


def test_cuts_get_darker_the_further_they_fall_and_mixed_signs_diverge(small):
    falls = pd.DataFrame({"code": ["A", "B"], "change": [-30.0, -10.0]})
    fig, ax = plt.subplots()
    plot_hexmap(falls, code="code", value="change", layout=small, ax=ax)
    faces = [to_hex(c).upper() for c in _hexes(ax).get_facecolors()]
    assert faces[0] == to_hex(sequential_cmap()(1.0)).upper()  # the bigger fall is the darker
    mixed = pd.DataFrame({"code": ["A", "B", "C"], "change": [-10.0, 0.0, 5.0]})
    fig, ax = plt.subplots()
    plot_hexmap(mixed, code="code", value="change", layout=small, ax=ax)
    norm = ax.hexmap.norm
    assert (norm.vmin, norm.vcenter, norm.vmax) == (-10.0, 0.0, 10.0)  # symmetric about zero
    faces = [to_hex(c).upper() for c in _hexes(ax).get_facecolors()]
    assert faces[1] == to_hex(diverging_cmap()(0.5)).upper()  # zero is the neutral middle (light grey)
    assert faces[0] == to_hex(diverging_cmap()(0.0)).upper() and faces[2] == to_hex(diverging_cmap()(0.75)).upper()


def test_categories_take_the_house_colours(small):
    data = pd.DataFrame({"code": ["A", "B", "C"], "option": ["fight", "collaborate", "fight"]})
    fig, ax = plt.subplots()
    plot_hexmap(data, code="code", value="option", layout=small, ax=ax, legend_title="Kahane option")
    faces = [to_hex(c).upper() for c in _hexes(ax).get_facecolors()]
    assert faces[:3] == [OPTION_COLOURS["fight"], OPTION_COLOURS["collaborate"], OPTION_COLOURS["fight"]]
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "Kahane option"
    assert [t.get_text() for t in legend.get_texts()][:2] == ["collaborate", "fight"]


def test_region_outlines_follow_region_borders(small):
    data = pd.DataFrame({"code": list("ABCDE"), "v": [1.0, 2, 3, 4, 5]})
    fig, ax = plt.subplots()
    plot_hexmap(data, code="code", value="v", layout=small, ax=ax, region_outlines=True, region_labels=True)
    lines = next(c for c in ax.collections if c.get_gid() == "hexmap-regions")
    # North (A, B, D) and South (C, E): the shared sides B|C, B|E and D|E are borders,
    # the sides A|B, A|D, B|D inside North and C|E inside South are not.
    mids = [np.mean(seg, axis=0) for seg in lines.get_segments()]

    def has_side(a, b):
        m = (np.array(SMALL_CENTRES[a]) + np.array(SMALL_CENTRES[b])) / 2
        return any(np.allclose(m, x, atol=1e-6) for x in mids)

    assert has_side("B", "C") and has_side("B", "E") and has_side("D", "E")
    assert not has_side("A", "B") and not has_side("A", "D") and not has_side("C", "E")
    assert sorted(t.get_text() for t in ax.texts) == ["North", "South"]


def test_labels_do_not_overlap_and_dollars_are_not_maths(tmp_path):
    lay = layout_from_frame(pd.DataFrame({
        "code": ["A", "B", "C"], "q": [0, 1, 2], "r": [0, 0, 0],
        "name": ["Ayton and Beeston District $ Council", "Beeston $1 Borough", "Ceeford"]}), name="row")
    data = pd.DataFrame({"code": ["A", "B", "C"], "v": [1.0, 2.0, 3.0],
                         "name": ["Ayton and Beeston District $ Council", "Beeston $1 Borough", "Ceeford"]})
    fig, ax = plt.subplots(figsize=(4, 3))
    plot_hexmap(data, code="code", value="v", layout=lay, ax=ax, label=["A", "B", "C"], name="name",
                legend_title="Cost in $ (2019 $)")
    fig.canvas.draw()
    labels = [t for t in ax.texts if (t.get_gid() or "").startswith("hexmap-label-")]
    assert [t.get_text() for t in labels] == data["name"].tolist()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (labels[i].get_text(), labels[j].get_text())
    fig.savefig(io.BytesIO(), format="svg")  # a '$' in a name does not break the drawing


def test_plot_hexmap_refuses_two_rows_for_one_council(small):
    data = pd.DataFrame({"code": ["A", "A"], "v": [1.0, 2.0]})
    with pytest.raises(ValueError, match="more than one row for code='A'"):
        plot_hexmap(data, code="code", value="v", layout=small)


def test_plot_hexmap_does_not_change_its_data(small):
    data = pd.DataFrame({"code": ["A", "B"], "v": [1.0, 2.0]})
    before = data.copy()
    fig, ax = plt.subplots()
    plot_hexmap(data, code="code", value="v", layout=small, ax=ax)
    pd.testing.assert_frame_equal(data, before)


# ----------------------------------------------------------------------------- two tiers


@pytest.fixture
def tiers(tmp_path):
    upper = read_hexjson(_write(tmp_path / "upper.hexjson", {"layout": "odd-r", "hexes": {
        "K": {"n": "Kent-ish County", "q": 0, "r": 0}, "U": {"n": "Unity", "q": 1, "r": 0}}}))
    lower = read_hexjson(_write(tmp_path / "lower.hexjson", {"layout": "odd-r", "hexes": {
        "D1": {"n": "Dee One", "q": 0, "r": 0}, "D2": {"n": "Dee Two", "q": 0, "r": 1},
        "U": {"n": "Unity", "q": 1, "r": 0}}}))
    data = pd.DataFrame({"code": ["K", "D1", "D2", "U"], "tier": ["county", "district", "district", "unitary"],
                         "v": [-20.0, -40.0, np.nan, -10.0]})
    return upper, lower, data


def test_two_tiers_side_by_side_never_paint_counties_on_districts(tiers):
    upper, lower, data = tiers
    fig = hexmap_tiers_grid(data, code="code", value="v", tier="tier", layout=[lower, upper])
    left, right = fig.hexmaps
    assert left.layout.name == "upper" and right.layout.name == "lower"
    assert set(left.frame["code"]) == {"K", "U"} and set(right.frame["code"]) == {"D1", "D2", "U"}
    assert right.frame.set_index("code").loc["D2", "status"] == "no_value"  # not the county's value
    # one colour scale for both maps: the unitary has the same colour on each
    lc = dict(zip(left.frame["code"], left.frame["colour"], strict=True))
    rc = dict(zip(right.frame["code"], right.frame["colour"], strict=True))
    assert lc["U"] == rc["U"] and left.norm is right.norm
    assert (left.norm.vmin, left.norm.vmax) == (-40.0, -10.0)


def test_inheriting_a_county_value_is_said(tiers):
    upper, lower, data = tiers
    county_only = pd.DataFrame({"code": ["K", "U"], "v": [-20.0, -10.0]})
    fig, ax = plt.subplots()
    plot_hexmap(county_only, code="code", value="v", layout=lower, ax=ax, inherit={"D1": "K", "D2": "K"})
    f = ax.hexmap.frame.set_index("code")
    assert f.loc["D1", "status"] == "inherited" and f.loc["D1", "value"] == -20.0
    assert ax.hexmap.unplaced == ("K",)
    assert "shows its county's value (2)" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Dotted: 2 councils" in ax.hexmap.note


# ----------------------------------------------------------------------------- the example world


def test_example_layouts_come_from_the_generator_and_cover_its_councils():
    councils = pd.read_csv(EXAMPLE / "councils.csv")
    predecessors = pd.read_csv(EXAMPLE / "predecessors.csv")
    made = example_hexmaps(councils, predecessors)
    assert tuple(made) == HEXMAP_FILES
    for name, text in made.items():
        assert (EXAMPLE / name).read_text(encoding="utf-8") == text  # committed = generated
    lower_2019 = read_hexjson(EXAMPLE / "hexmap-districts-2019.hexjson")
    upper = read_hexjson(EXAMPLE / "hexmap-upper-tier.hexjson")
    gone = set(predecessors["predecessor_code"])
    tiers = councils.set_index("council_code")["tier"]
    assert lower_2019.codes == set(tiers[(tiers != "county")].index) - gone
    assert upper.codes == set(tiers[tiers != "district"].index)
    assert lower_2019.year == 2019


# ----------------------------------------------------------------------------- charts and export


@pytest.fixture
def map_dataset(tmp_path):
    """Two counties' worth of councils with finance, deflators, memberships and a layout."""
    folder = tmp_path / "mapset"
    folder.mkdir()
    (folder / "councils.csv").write_text(
        "council_code,council_name,tier,region,population,county_code\n"
        "K,Kay County Council,county,North,500000,\n"
        "D1,Dee One District Council,district,North,100000,K\n"
        "D2,Dee Two District Council,district,North,100000,K\n"
        "U,Unity Council,unitary,South,200000,\n"
    )
    (folder / "finance.csv").write_text(
        "council_code,year,spending_power_gbp_m,population\n"
        "K,2010,400,500000\nK,2019,330,500000\nD1,2010,20,100000\nD1,2019,16,100000\n"
        "D2,2010,22,100000\nD2,2019,19,100000\nU,2010,200,200000\nU,2019,180,200000\n"
    )
    (folder / "deflators.csv").write_text("year,deflator\n2010,100\n2019,100\n")
    (folder / "partnerships.csv").write_text(
        "partnership_id,name,type,established,dissolved,lead_council_code\n"
        "P1,North Forum,forum,2010,,K\nP2,Shared Audit,shared_service,2011,,D1\n"
    )
    (folder / "memberships.csv").write_text(
        "partnership_id,member_id,member_name,sector,role,council_code\n"
        "P1,K,Kay County Council,local_government,responsible,K\n"
        "P1,D1,Dee One District Council,local_government,member,D1\n"
        "P2,D1,Dee One District Council,local_government,responsible,D1\n"
        "P2,D2,Dee Two District Council,local_government,member,D2\n"
    )
    _write(folder / "upper-2019.hexjson", {"layout": "odd-r", "hexes": {
        "K": {"n": "Kay", "q": 0, "r": 0}, "U": {"n": "Unity", "q": 1, "r": 0}}})
    _write(folder / "lower-2019.hexjson", {"layout": "odd-r", "hexes": {
        "D1": {"n": "Dee One", "q": 0, "r": 0}, "D2": {"n": "Dee Two", "q": 0, "r": 1},
        "U": {"n": "Unity", "q": 1, "r": 0}}})
    return folder


def _run(dataset, out, monkeypatch):
    monkeypatch.setattr(charts, "CHART_MODULES", ("analysis.figures.council_maps",))
    return main(["charts", str(dataset), "--out", str(out), "--formats", "svg,png"])


def test_charts_exports_the_maps_byte_identical(map_dataset, tmp_path, monkeypatch, capsys):
    assert _run(map_dataset, tmp_path / "a", monkeypatch) == 0
    assert "skipped a map" in capsys.readouterr().err  # no evidence: no Kahane map, and it says so
    assert _run(map_dataset, tmp_path / "b", monkeypatch) == 0
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    maps = {name: c for name, c in manifest["charts"].items() if name.startswith("map_")}
    assert set(maps) == {"map_spending_change", "map_partnerships_per_council"}
    alt = maps["map_spending_change"]["alt_text"]
    assert "ranges from -20% (Dee One District Council) to -10% (Unity Council)" in alt
    assert "layout upper-2019" in alt and "layout lower-2019" in alt
    data = pd.read_csv(tmp_path / "a" / "map_spending_change.csv")
    assert set(data["map"]) == {"upper tier", "lower tier"}
    assert data.set_index(["map", "council_code"]).loc[("upper tier", "K"), "change_pct"] == -17.5
    assert "D1" not in set(data[data["map"] == "upper tier"]["council_code"])
    for name in ("map_spending_change.svg", "map_spending_change.png", "map_partnerships_per_council.csv"):
        a = hashlib.sha256((tmp_path / "a" / name).read_bytes()).hexdigest()
        b = hashlib.sha256((tmp_path / "b" / name).read_bytes()).hexdigest()
        assert a == b, name


@pytest.mark.parametrize("layout_text, message", [
    ('{"layout": "odd-r", "hexes": {"K": {"q": 0, "r": 0}', "not valid JSON"),
    ('{"layout": "odd-r", "hexes": {"K": {"q": 0, "r": 0}, "K": {"q": 1, "r": 0}}}', "'K' appears twice"),
    ('{"layout": "odd-r", "hexes": {"Q9": {"q": 0, "r": 0}}}', "none of the 4 council codes"),
])
def test_charts_with_a_bad_layout_exit_2_and_write_nothing(map_dataset, tmp_path, monkeypatch, capsys,
                                                           layout_text, message):
    for p in map_dataset.glob("*.hexjson"):
        p.unlink()
    bad = _write(map_dataset / "bad.hexjson", layout_text)
    before = {p.name: p.read_bytes() for p in map_dataset.iterdir()}
    out = tmp_path / "out"
    assert _run(map_dataset, out, monkeypatch) == 2
    err = capsys.readouterr().err
    assert message in err and str(bad) in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())
    assert {p.name: p.read_bytes() for p in map_dataset.iterdir()} == before


# ----------------------------------------------------------------------------- real councils


@pytest.mark.skipif(not (REAL / "mysociety_la_register").exists(), reason="../shared/data/real is absent")
def test_every_current_english_council_has_a_hexagon_on_the_bundled_layouts():
    register = pd.read_csv(REAL / "mysociety_la_register" / "uk_local_authorities.csv")
    current = register[(register["nation"] == "England") & register["end-date"].isna()]
    tiers = {"CTY": "county", "NMD": "district", "UA": "unitary", "MD": "metropolitan", "LBO": "london_borough"}
    councils = current[current["local-authority-type"].isin(tiers)]
    data = pd.DataFrame({"council_code": councils["gss-code"].to_numpy(),
                         "tier": councils["local-authority-type"].map(tiers).to_numpy(),
                         "v": np.arange(len(councils), dtype=float)})
    fig = hexmap_tiers_grid(data, code="council_code", value="v", year=2023)
    upper, lower = fig.hexmaps
    assert lower.layout.name == "uk-local-authority-districts-2023"
    assert upper.layout.name == "uk-upper-tier-local-authorities"
    placed = set(upper.choice.placed) | set(lower.choice.placed)
    assert placed == set(data["council_code"])  # every council has its hexagon on one map or both
    assert set(lower.frame["code"].str[0]) == {"E"}  # England only: no grey Scotland or Wales


class _Tables:
    """Anything with has(), [] and require() works as a dataset for the maps."""

    name = "tiny real"
    path = None

    def __init__(self, **tables):
        self.tables = tables

    def has(self, name):
        return name in self.tables

    def __getitem__(self, name):
        return self.tables[name]

    def require(self, name, why):
        from analysis.errors import MissingTableError

        if name not in self.tables:
            raise MissingTableError(name, why)
        return self.tables[name]


@pytest.fixture
def real_coded():
    """Four real Tees Valley councils (unitaries, so one map) in the 2023 layout's codes."""
    codes = ["E06000001", "E06000002", "E06000003", "E06000004"]
    councils = pd.DataFrame({"council_code": codes, "council_name": ["Hartlepool", "Middlesbrough",
                             "Redcar and Cleveland", "Stockton-on-Tees"], "tier": "unitary",
                             "region": "North East"})
    partnerships = pd.DataFrame({"partnership_id": ["CA", "L1", "F"], "name": ["Tees Valley CA", "Tees LEP", "Forum"],
                                 "type": ["combined_authority", "lep", "forum"],
                                 "lead_council_code": ["E06000001", "E06000002", "E06000002"]})
    memberships = pd.DataFrame({"partnership_id": ["CA", "CA", "CA", "L1", "L1", "F"],
                                "council_code": ["E06000001", "E06000002", "E06000003", "E06000001",
                                                 "E06000002", "E06000002"]})
    return _Tables(councils=councils, partnerships=partnerships, memberships=memberships)


def test_membership_maps_on_real_codes(real_coded):
    from analysis.council_measures import compute_council_measures
    from analysis.figures.council_maps import council_map_charts, dataset_layouts

    measures = compute_council_measures(real_coded, typology=pd.DataFrame(columns=["partnership_id", "option"]))
    assert measures.skipped == {"spending": measures.skipped["spending"]}  # no finance table here
    specs = {s.name: s for s in council_map_charts(measures, layouts=dataset_layouts(real_coded))}
    assert set(specs) == {"map_partnerships_per_council", "map_lead_option", "map_combined_authorities",
                          "map_leps"}
    ca = specs["map_combined_authorities"]
    ax = ca.fig.axes[0]
    # every bundled layout has the four unitaries; with no year, the smallest (fewest grey) wins
    assert ax.hexmap.layout.name == "uk-upper-tier-local-authorities"
    f = ax.hexmap.frame.set_index("code")
    assert f.loc["E06000001", "value"] == "Tees Valley CA" and f.loc["E06000004", "value"] == "none"
    assert f.loc["E06000004", "colour"] != f.loc["E06000001", "colour"]
    assert (f.drop(index=["E06000001", "E06000002", "E06000003", "E06000004"])["status"] == "not_in_data").all()
    assert ca.title == "3 of 4 councils belong to a combined authority"
    assert "Tees Valley CA: 3, most in the North East" in ca.alt_text
    assert "open innovations" in ca.source.lower()


def test_lead_option_map_uses_the_typology_given(real_coded):
    from analysis.council_measures import compute_council_measures
    from analysis.figures.council_maps import dataset_layouts, lead_option_map

    typology = pd.DataFrame({"partnership_id": ["CA", "L1", "F"], "option": ["fight", "adapt", "adapt"]})
    measures = compute_council_measures(real_coded, typology=typology)
    spec = lead_option_map(measures, layouts=dataset_layouts(real_coded))
    f = spec.fig.axes[0].hexmap.frame.set_index("code")
    assert f.loc["E06000001", "colour"] == OPTION_COLOURS["fight"]
    assert f.loc["E06000002", "colour"] == OPTION_COLOURS["adapt"]
    assert f.loc["E06000003", "status"] == "no_value"  # leads nothing: grey and hatched, counted
    assert "2 councils lead no placed partnership" in spec.alt_text


@pytest.mark.skipif(not (REAL / "spending_power_pike_robinson").exists(), reason="../shared/data/real is absent")
def test_real_spending_power_councils_are_placed_or_listed():
    """Pre-2019 codes: every council has a hexagon except those abolished in 2019, which the
    layouts (drawn in 2019 codes and later) do not have; they are listed, not dropped."""
    sp = pd.read_csv(REAL / "spending_power_pike_robinson" / "SpendingMillions.csv", na_values="..")
    tiers = {"District council": "district", "Unitary authority": "unitary", "Metropolitan district": "metropolitan",
             "London borough": "london_borough", "County council": "county"}
    data = pd.DataFrame({"council_code": sp["ons_code"], "tier": sp["class"].map(tiers),
                         "change": (sp["2019"] / sp["2012"] - 1) * 100})
    data.loc[data["council_code"] == "E06000053", "tier"] = "unitary"  # Isles of Scilly
    fig = hexmap_tiers_grid(data, code="council_code", value="change", year=2019)
    upper, lower = fig.hexmaps
    assert lower.layout.name == "uk-local-authority-districts-2019"
    placed = set(upper.choice.placed) | set(lower.choice.placed)
    missing = set(data["council_code"]) - placed
    abolished = set(sp.loc[sp["2021"].isna(), "ons_code"])
    assert missing and missing <= abolished
    assert set(upper.unplaced) | set(lower.unplaced) >= missing


def test_a_map_titled_with_dollars_exports(small, tmp_path):
    from analysis.export import export_chart

    data = pd.DataFrame({"code": ["A", "B"], "v": [1.0, 2.0], "name": ["$1 Council", "Cash $2 $3 Borough"]})
    with chart_style():
        fig, ax = plt.subplots(figsize=(4, 4), layout="constrained")
        plot_hexmap(data, code="code", value="v", layout=small, ax=ax, name="name", label=["A", "B"])
    # "$^$" is not valid mathtext: drawn as maths, it would stop the export
    export_chart(fig, "dollars", title="Cash $^$ Borough is highest", alt_text="Hex map with $ names.",
                 source="$ source", data=data, out_dir=tmp_path, formats=("svg",))
    svg = (tmp_path / "dollars.svg").read_text()
    assert "Cash $^$ Borough is highest" in svg


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.sets(st.tuples(st.integers(-20, 20), st.integers(-20, 20)), min_size=1, max_size=40),
       layout=st.sampled_from(["odd-r", "even-r", "odd-q", "even-q"]),
       names=st.lists(st.text(min_size=1, max_size=12), min_size=40, max_size=40))
def test_any_layout_round_trips_and_no_two_hexagons_overlap(tmp_path, cells, layout, names):
    cells = sorted(cells)
    frame = pd.DataFrame({"code": [f"C{i}" for i in range(len(cells))], "name": names[: len(cells)],
                          "q": [c[0] for c in cells], "r": [c[1] for c in cells]})
    path = tmp_path / "any.hexjson"
    path.write_text(hexjson_text(frame, kind=layout), encoding="utf-8")
    lay = read_hexjson(path)
    assert lay.layout == layout
    assert lay.hexes[["code", "name", "q", "r"]].to_dict("list") == frame.to_dict("list")
    pts = lay.hexes[["x", "y"]].to_numpy()
    if len(pts) > 1:
        d = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
        assert d[~np.eye(len(pts), dtype=bool)].min() >= 1 - 1e-9  # distinct cells never overlap


def test_without_deflators_the_spending_map_says_cash_and_reorganised_councils_drop_out(real_coded):
    from analysis.council_measures import compute_council_measures
    from analysis.figures.council_maps import council_map_charts, dataset_layouts

    councils = pd.concat([real_coded["councils"], pd.DataFrame(
        {"council_code": ["E07000999"], "council_name": ["Gone District Council"], "tier": "district",
         "region": "North East"})], ignore_index=True)
    councils["end_date"] = [None, None, None, None, "2019-04-01"]
    finance = pd.DataFrame({"council_code": ["E06000001", "E06000001", "E06000002", "E06000002"],
                            "year": [2010, 2019, 2010, 2019], "spending_power_gbp_m": [100.0, 90.0, 50.0, 55.0],
                            "population": [1000, 1000, 500, 500]})
    partnerships = real_coded["partnerships"].drop(columns="lead_council_code")
    data = _Tables(councils=councils, partnerships=partnerships, memberships=real_coded["memberships"],
                   finance=finance)
    with pytest.warns(UserWarning, match="no deflators table"):
        measures = compute_council_measures(data, typology=pd.DataFrame(columns=["partnership_id", "option"]))
    assert not measures.real
    assert "lead_council_code" in measures.skipped["lead_option"]  # said, not a crash
    assert measures.spending.set_index("council_code")["change_pct"].to_dict() == {"E06000001": -10.0,
                                                                                   "E06000002": 10.0}
    assert "E07000999" not in set(measures.partnerships["council_code"])  # abolished: not a current council
    specs = {s.name: s for s in council_map_charts(measures, layouts=dataset_layouts(data))}
    spending = specs["map_spending_change"]
    assert spending.title == "Change in spending power per head, 2010-11 to 2019-20, cash"
    assert "not adjusted for inflation" in spending.subtitle and "cash" in spending.alt_text


def test_maps_from_the_reports_results_fit_nothing_again(monkeypatch):
    """The report hands its fitted typology to the maps: the option map places partnerships from
    that fit, and the typology is not fitted a second time."""
    import analysis.typology as typology_module
    from analysis.council_measures import lead_options
    from analysis.data import load_dataset
    from analysis.figures.council_maps import result_charts
    from analysis.results import Results

    ds = load_dataset(Path(__file__).resolve().parents[1] / "data" / "example")
    fitted = typology_module.fit_typology(ds, k=4, n_boot=0, n_seeds=0, n_subsamples=0, alternatives=False,
                                          random_state=3)

    def refit(*args, **kwargs):
        raise AssertionError("the typology was fitted again")

    monkeypatch.setattr(typology_module, "fit_typology", refit)
    results = Results(found={"typology": fitted}, random_state=3, start=2010, end=2019)
    specs = {s.name: s for s in result_charts(results, ds)}
    try:
        shown = specs["map_lead_option"].data
        expected = lead_options(ds, fitted)
        assert len(shown) > 0
        expected = expected.drop_duplicates("council_code").set_index("council_code")["option"]
        placed = shown.dropna(subset=["option"])
        assert len(placed) > 0
        assert placed["option"].tolist() == placed["council_code"].map(expected).tolist()
    finally:
        for spec in specs.values():
            plt.close(spec.fig)
