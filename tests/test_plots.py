"""Tests for analysis.plots: artists, colours from the palette, the ax= contract, no statistics."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from analysis import plots  # noqa: E402
from analysis.style import CATEGORICAL, OPTION_COLOURS  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    plt.close("all")  # figures left open elsewhere in this worker (doctests) must not leak into gca()
    yield
    plt.close("all")


@pytest.fixture
def councils():
    return pd.DataFrame(
        {
            "region": ["North", "North", "South", "South", "East"],
            "tier": ["county", "unitary", "county", "unitary", "county"],
            "councils": [2, 3, 4, 1, 5],
        }
    )


@pytest.fixture
def options():
    return pd.DataFrame(
        {
            "assert": [0.5, -0.4, 0.2, -0.6, 0.1],
            "engage": [0.6, 0.3, -0.7, -0.2, 0.4],
            "option": ["collaborate", "adapt", "fight", "exit", "collaborate"],
            "name": list("ABCDE"),
            "fit": [0.5, 0.1, 0.3, 0.0, 0.4],
            "lo": [0.3, -0.1, 0.1, -0.2, 0.2],
            "hi": [0.7, 0.3, 0.5, 0.2, 0.6],
        }
    )


def _face(artist):
    return to_hex(artist.get_facecolor()).upper()


def _two_axes():
    fig, (a, b) = plt.subplots(1, 2)
    plt.sca(a)  # the current axes is a, but we ask for b
    return a, b


def test_bar_heights_labels_colours(councils):
    frame = councils[councils["tier"] == "county"]
    ax = plots.plot_bar(frame, x="region", y="councils")
    assert [p.get_height() for p in ax.patches] == [2, 4, 5]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["North", "South", "East"]
    assert ax.get_xlabel() == "Region" and ax.get_ylabel() == "Councils"
    assert {_face(p) for p in ax.patches} == {CATEGORICAL[0]}


def test_bar_hue_dodged_with_palette_order_and_legend(councils):
    ax = plots.plot_bar(councils, x="region", y="councils", hue="tier")
    county = [p for p in ax.patches if _face(p) == CATEGORICAL[0]]
    unitary = [p for p in ax.patches if _face(p) == CATEGORICAL[1]]
    assert len(county) == 3 and len(unitary) == 3
    assert [p.get_height() for p in county] == [2, 4, 5]
    assert np.isnan(unitary[2].get_height())  # East has no unitary row: no bar, not zero
    assert county[0].get_x() < unitary[0].get_x()
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "Tier"
    assert [t.get_text() for t in legend.get_texts()] == ["county", "unitary"]


def test_legends_sit_outside_the_plot_at_its_top_right(councils, options):
    """One place for every legend (never over the data), whatever the data: no "best" search."""
    from analysis.style import subplots

    for draw in (lambda ax: plots.plot_bar(councils, x="region", y="councils", hue="tier", stacked=True, ax=ax),
                 lambda ax: plots.plot_scatter(options, x="assert", y="engage", hue="option", ax=ax)):
        fig, ax = subplots(size="govuk")
        draw(ax)
        fig.canvas.draw()
        legend, box = ax.get_legend().get_window_extent(), ax.get_window_extent()
        assert legend.x0 >= box.x1 - 1  # right of the plot area
        assert box.y1 - 12 <= legend.y1 <= box.y1 + 1  # level with its top (less the padding)
        plt.close(fig)


def test_bar_stacked_and_horizontal(councils):
    ax = plots.plot_bar(councils, x="region", y="councils", hue="tier", stacked=True)
    unitary = [p for p in ax.patches if _face(p) == CATEGORICAL[1]]
    assert [p.get_y() for p in unitary[:2]] == [2, 4]
    _, ax2 = plt.subplots()
    plots.plot_bar(councils[councils.tier == "county"], x="councils", y="region", orient="h", ax=ax2)
    assert [p.get_width() for p in ax2.patches] == [2, 4, 5]
    assert ax2.get_ylim()[0] > ax2.get_ylim()[1]  # first category at the top


def test_bar_refuses_to_aggregate(councils):
    with pytest.raises(ValueError, match="more than one row .* summarise the data first"):
        plots.plot_bar(councils, x="region", y="councils")


def test_missing_column_message(councils):
    with pytest.raises(ValueError, match="y='council' is not a column.*did you mean 'councils'"):
        plots.plot_bar(councils, x="region", y="council")


def test_scatter_points_hue_option_colours_line_band(options):
    ax = plots.plot_scatter(options, x="assert", y="engage", hue="option", line="fit",
                            band=("lo", "hi"), s=30)
    points = [c for c in ax.collections if c.get_offsets().shape[0] and c.get_label() in OPTION_COLOURS]
    assert sum(len(c.get_offsets()) for c in points) == 5
    for c in points:
        assert to_hex(c.get_facecolor()[0]).upper() == OPTION_COLOURS[c.get_label()]
        assert c.get_sizes()[0] == 30  # kwargs passed through
    assert len(ax.lines) == 4  # one fitted line per option
    collab = next(line for line in ax.lines if to_hex(line.get_color()).upper() == OPTION_COLOURS["collaborate"])
    assert list(collab.get_xdata()) == [0.1, 0.5]  # sorted by x
    assert ax.get_xlabel() == "Assert" and ax.get_ylabel() == "Engage"


def test_scatter_labels(options):
    ax = plots.plot_scatter(options, x="assert", y="engage", label="name")
    assert [t.get_text() for t in ax.texts] == list("ABCDE")


def test_lines_one_per_level_sorted():
    frame = pd.DataFrame({"year": [2012, 2010, 2011, 2010, 2011, 2012],
                          "tier": ["a", "a", "a", "b", "b", "b"], "n": [3, 1, 2, 5, 4, 3]})
    ax = plots.plot_lines(frame, x="year", y="n", hue="tier", linestyle="--")
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    assert list(ax.lines[0].get_xdata()) == [2010, 2011, 2012]
    assert list(ax.lines[0].get_ydata()) == [1, 2, 3]
    assert ax.lines[0].get_linestyle() == "--"
    assert [to_hex(line.get_color()).upper() for line in ax.lines] == list(CATEGORICAL[:2])
    ax.figure.canvas.draw()
    assert all(float(t).is_integer() for t in ax.get_xticks())  # whole years only


def test_lines_grid_panels_and_ax_warning():
    frame = pd.DataFrame({"year": [2010, 2011] * 3, "tier": list("aabbcc"), "n": [1, 2, 3, 2, 1, 0]})
    fig = plots.lines_grid(frame, x="year", y="n", by="tier", col_wrap=2)
    visible = [a for a in fig.axes if a.get_visible()]
    assert [a.get_title() for a in visible] == ["a", "b", "c"]
    assert all(len(a.lines) == 1 for a in visible)
    _, ax = plt.subplots()
    with pytest.warns(UserWarning, match="figure-level"):
        plots.lines_grid(frame, x="year", y="n", by="tier", ax=ax)


def test_heatmap_cells_and_missing():
    frame = pd.DataFrame({"region": ["N", "N", "S"], "tier": ["county", "unitary", "county"],
                          "councils": [2, 1, 4]})
    ax = plots.plot_heatmap(frame, x="tier", y="region", value="councils")
    image = ax.images[0]
    grid = image.get_array()
    assert grid.shape == (2, 2)
    assert grid[0, 0] == 2 and grid[1, 0] == 4 and np.ma.is_masked(grid[1, 1])
    assert [t.get_text() for t in ax.texts] == ["2", "1", "4", ""]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["N", "S"]
    # the darkest cell gets white text
    assert ax.texts[2].get_color() == "white"


def test_quadrant_lines_and_labels(options):
    ax = plots.plot_quadrant(options, x="assert", y="engage", hue="option", x_mid=0, y_mid=0,
                             quadrant_labels={"top_right": "collaborate", "bottom_left": "exit"})
    xs = [line.get_xdata()[0] for line in ax.lines if line.get_xdata()[0] == line.get_xdata()[1]]
    assert 0 in xs
    assert sorted(t.get_text() for t in ax.texts) == ["collaborate", "exit"]
    lo, hi = ax.get_xlim()
    assert lo < 0 < hi and pytest.approx(-lo) == hi
    with pytest.raises(ValueError, match="unknown quadrant"):
        plots.plot_quadrant(options, x="assert", y="engage", quadrant_labels={"middle": "x"})


def test_survival_steps_and_bands():
    frame = pd.DataFrame({"time": [0, 2, 5, 0, 3], "survival": [1, 0.8, 0.5, 1, 0.9],
                          "low": [1, 0.6, 0.3, 1, 0.7], "high": [1, 0.9, 0.7, 1, 1],
                          "type": ["lep", "lep", "lep", "forum", "forum"]})
    ax = plots.plot_survival(frame, hue="type", band=("low", "high"))
    assert [line.get_drawstyle() for line in ax.lines] == ["steps-post", "steps-post"]
    assert list(ax.lines[0].get_ydata()) == [1, 0.8, 0.5]
    assert len(ax.collections) == 2
    assert ax.get_ylim() == (0, 1.05)


def test_two_by_two_tiles():
    frame = pd.DataFrame({"change": ["alone", "alone", "together", "together"],
                          "stance": ["push", "accept", "push", "accept"],
                          "option": ["fight", "exit", "collaborate", "adapt"], "n": [3, 1, 8, 5]})
    ax = plots.plot_two_by_two(frame, x="change", y="stance", value="n", label="option", hue="option")
    assert len(ax.patches) == 4
    colours = {_face(p) for p in ax.patches}
    assert colours == {OPTION_COLOURS[o] for o in ("fight", "exit", "collaborate", "adapt")}
    assert "collaborate\n8" in [t.get_text() for t in ax.texts]
    with pytest.raises(ValueError, match="needs two levels"):
        plots.plot_two_by_two(frame.iloc[:3].assign(change=["a", "b", "c"]), x="change",
                              y="stance", value="n")


def test_network_draws_layout():
    nodes = pd.DataFrame({"node": ["A", "B", "C"], "x": [0.0, 1.0, 0.5], "y": [0.0, 0.0, 1.0],
                          "sector": ["health", "police", "health"]})
    edges = pd.DataFrame({"source": ["A", "B"], "target": ["B", "C"]})
    ax = plots.plot_network(nodes, edges=edges, hue="sector")
    segments = ax.collections[0].get_segments()
    assert [s.tolist() for s in segments] == [[[0, 0], [1, 0]], [[1, 0], [0.5, 1]]]
    assert sum(len(c.get_offsets()) for c in ax.collections[1:]) == 3
    with pytest.raises(ValueError, match="not in data"):
        plots.plot_network(nodes, edges=pd.DataFrame({"source": ["A"], "target": ["Z"]}))


CASES = {
    "bar": lambda d, ax: plots.plot_bar(d, x="name", y="fit", ax=ax),
    "scatter": lambda d, ax: plots.plot_scatter(d, x="assert", y="engage", ax=ax),
    "lines": lambda d, ax: plots.plot_lines(d, x="assert", y="engage", ax=ax),
    "heatmap": lambda d, ax: plots.plot_heatmap(d, x="name", y="option", value="fit", ax=ax),
    "quadrant": lambda d, ax: plots.plot_quadrant(d, x="assert", y="engage", ax=ax),
    "survival": lambda d, ax: plots.plot_survival(d, x="assert", y="fit", ax=ax),
    "network": lambda d, ax: plots.plot_network(
        d, x="assert", y="engage", node="name", edges=pd.DataFrame({"source": ["A"], "target": ["B"]}),
        ax=ax),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_ax_contract_and_input_unchanged(options, case):
    before = options.copy()
    a, b = _two_axes()
    returned = CASES[case](options, b)
    assert returned is b
    assert not a.has_data() and not a.texts
    assert b.has_data() or b.images
    pd.testing.assert_frame_equal(options, before)


def test_default_ax_is_current(options):
    _, ax = plt.subplots()
    assert plots.plot_scatter(options, x="assert", y="engage") is ax
