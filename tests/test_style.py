"""Tests for analysis.style: the house style is data, reversible, and keeps figure sizes."""

import matplotlib

matplotlib.use("Agg")

from pathlib import Path  # noqa: E402

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from analysis import style  # noqa: E402


def test_palette_table_matches_afcharts():
    from afcharts.af_colours import get_af_colours

    table = style.PALETTE
    assert list(table.columns) == ["palette", "position", "name", "hex"]
    categorical = table.loc[table["palette"] == "categorical"].sort_values("position")
    assert list(categorical["hex"]) == [c.upper() for c in get_af_colours("categorical")]
    assert style.CATEGORICAL[0] == "#12436D"
    assert len(style.CATEGORICAL) == 6
    assert table["hex"].str.fullmatch(r"#[0-9A-F]{6}").all()


def test_option_colours_fixed_and_distinct():
    assert set(style.OPTION_COLOURS) == {"fight", "adapt", "exit", "collaborate", "mixed"}
    assert len(set(style.OPTION_COLOURS.values())) == 5
    assert set(style.OPTION_COLOURS.values()) <= set(style.CATEGORICAL)
    # the mapping does not depend on the order the levels come in
    assert style.colours_for(["exit", "fight"])["fight"] == style.colours_for(["fight"])["fight"]


def test_chart_style_is_reversible():
    before = dict(mpl.rcParams)
    with style.chart_style():
        assert mpl.rcParams["axes.grid"] is True
        assert mpl.rcParams["axes.grid.axis"] == "y"
        assert mpl.rcParams["axes.spines.top"] is False
        assert mpl.rcParams["axes.spines.right"] is False
        # Atkinson Hyperlegible, shipped with the package; DejaVu Sans (matplotlib's) for any glyph it lacks
        assert mpl.rcParams["font.sans-serif"] == ["Atkinson Hyperlegible", "DejaVu Sans"]
        assert mpl.rcParams["font.size"] >= 10
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == list(style.CATEGORICAL)
    assert dict(mpl.rcParams) == before


def test_set_style_applies_globally():
    try:
        style.set_style()
        assert mpl.rcParams["legend.frameon"] is False
        assert mpl.rcParams["savefig.dpi"] == 300
    finally:
        mpl.rcdefaults()
    assert mpl.rcParams["legend.frameon"] is True


def test_style_does_not_set_figure_size_and_sizes_survive():
    default = tuple(mpl.rcParams["figure.figsize"])
    with style.chart_style():
        assert tuple(mpl.rcParams["figure.figsize"]) == default
        assert mpl.rcParams["savefig.bbox"] in (None, "standard")
    for name, size in style.SIZES.items():
        fig, ax = style.subplots(size=name)
        ax.set_title("A long title that must not resize the figure " * 2)
        fig.canvas.draw()
        assert tuple(fig.get_size_inches()) == pytest.approx(size), name
        plt.close(fig)


def test_a4_fits_text_block_and_govuk_column():
    assert style.SIZES["a4"][0] * 25.4 <= 160.1  # 160 mm text block
    assert style.SIZES["govuk"][0] * 100 == pytest.approx(640)


def test_colours_for_palettes_and_errors():
    assert style.colours_for(["a", "b", "a"]) == {"a": "#12436D", "b": "#28A197"}
    assert style.colours_for(["x"], palette={"x": "red"}) == {"x": "red"}
    with pytest.raises(ValueError, match="no colour for"):
        style.colours_for(["x", "y"], palette={"x": "red"})
    with pytest.raises(ValueError, match="unknown palette"):
        style.colours_for(["x"], palette="rainbow")
    with pytest.warns(UserWarning, match="hard to tell apart"):
        many = style.colours_for(list("abcdefgh"))
    assert len(set(many.values())) == 8


def test_figure_size_errors():
    with pytest.raises(ValueError, match="unknown figure size 'letter'"):
        style.figure_size("letter")
    with pytest.raises(ValueError, match="positive"):
        style.figure_size((0, 3))


def test_sequential_cmap_runs_light_to_dark():
    cmap = style.sequential_cmap()
    light, dark = cmap(0.0), cmap(1.0)
    assert sum(light[:3]) > sum(dark[:3])


def test_the_shipped_font_is_registered_with_its_licence():
    from matplotlib import font_manager

    regular = font_manager.findfont(font_manager.FontProperties(family=style.FONT_FAMILY), fallback_to_default=False)
    bold = font_manager.findfont(font_manager.FontProperties(family=style.FONT_FAMILY, weight="bold"),
                                 fallback_to_default=False)
    assert Path(regular) == style.FONT_DIR / "AtkinsonHyperlegible-Regular.ttf"
    assert Path(bold) == style.FONT_DIR / "AtkinsonHyperlegible-Bold.ttf"
    licence = (style.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Braille Institute" in licence
