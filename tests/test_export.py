"""Tests for analysis.export: files, manifest, alt text, reproducible bytes, safety."""

import json
import xml.etree.ElementTree as ET
from dataclasses import fields

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis import __version__, export  # noqa: E402
from analysis.errors import InputError  # noqa: E402
from analysis.export import ChartSpec, export_chart, export_charts, write_gallery  # noqa: E402
from analysis.style import SIZES, subplots  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
ALT = "Bar chart: 5 district councils and 2 county councils."


def _frame():
    return pd.DataFrame(
        {"name": ['=HYPERLINK("http://evil","x")', "-cmd", "Board"], "value": [-1.5, 2, 3]}
    )


def _fig():
    fig, ax = subplots(size="govuk")
    ax.bar(["a", "b", "c"], [1, 2, 3])
    ax.set_ylabel("value")
    return fig


def _export(out, name="councils", **kwargs):
    args = dict(
        title="Most councils are districts",
        subtitle="Councils by tier",
        source="Example data",
        alt_text=ALT,
        data=_frame(),
        out_dir=out,
        formats=("svg",),  # the cheapest; tests that need every format ask for it
    )
    args.update(kwargs)
    return export_chart(_fig(), name, **args)


def _listing(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_chartspec_fields_kept():
    assert [f.name for f in fields(ChartSpec)] == [
        "name", "fig", "title", "alt_text", "data", "subtitle", "source", "notes"
    ]


def test_files_and_manifest_fields(tmp_path):
    entry = _export(tmp_path, excel=True, notes={"method": "counts"}, formats=export.FORMATS)
    assert _listing(tmp_path) == [
        "councils.csv", "councils.pdf", "councils.png", "councils.svg", "councils.xlsx",
        "manifest.json",
    ]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["version"] == __version__
    chart = manifest["charts"]["councils"]
    assert chart == entry
    assert chart["title"] == "Most councils are districts"
    assert chart["subtitle"] == "Councils by tier"
    assert chart["alt_text"] == ALT
    assert chart["source"] == "Example data"
    assert chart["files"] == {"svg": "councils.svg", "png": "councils.png", "pdf": "councils.pdf"}
    assert chart["data"] == "councils.csv"
    assert chart["data_xlsx"] == "councils.xlsx"
    assert chart["version"] == __version__
    assert chart["notes"] == {"method": "counts"}
    assert chart["rows"] == 3


def test_png_at_print_resolution_and_exact_size(tmp_path):
    from PIL import Image

    _export(tmp_path, formats=("png",))
    with Image.open(tmp_path / "councils.png") as image:
        width, height = SIZES["govuk"]
        assert image.size == (round(width * 300), round(height * 300))
        assert image.info["Description"] == ALT


@pytest.mark.parametrize("alt", ["", "   ", None])
def test_alt_text_required(tmp_path, alt):
    with pytest.raises(InputError, match="alt_text is required"):
        _export(tmp_path / "out", alt_text=alt)
    assert not (tmp_path / "out").exists() or _listing(tmp_path / "out") == []


def test_alt_text_in_svg_title_and_desc(tmp_path):
    _export(tmp_path, alt_text="Chart <of> councils & partners", formats=("svg",))
    root = ET.parse(tmp_path / "councils.svg").getroot()
    assert root.get("role") == "img"
    children = list(root)
    assert children[0].tag == f"{SVG}title"
    assert children[0].text == "Most councils are districts"
    assert children[1].tag == f"{SVG}desc"
    assert children[1].text == "Chart <of> councils & partners"
    assert root.get("aria-labelledby") == f"{children[0].get('id')} {children[1].get('id')}"
    assert len(root.findall(f"{SVG}title")) == 1


def test_byte_identical_across_runs(tmp_path):
    first = _export(tmp_path / "one", excel=True, formats=export.FORMATS)
    second = _export(tmp_path / "two", excel=True, formats=export.FORMATS)
    assert second["sha256"] == first["sha256"]
    names = sorted(first["sha256"])
    assert len(names) == 5
    for fname in names:
        assert (tmp_path / "one" / fname).read_bytes() == (tmp_path / "two" / fname).read_bytes(), fname
    assert (tmp_path / "one" / "manifest.json").read_bytes() == (
        tmp_path / "two" / "manifest.json"
    ).read_bytes()
    pdf = (tmp_path / "one" / "councils.pdf").read_bytes()
    assert b"CreationDate" not in pdf
    svg = (tmp_path / "one" / "councils.svg").read_text()
    assert "<dc:date>" not in svg


def test_formula_injection_neutralised_numbers_stay_numbers(tmp_path):
    _export(tmp_path, excel=True)
    back = pd.read_csv(tmp_path / "councils.csv")
    assert back["name"].tolist() == ["'=HYPERLINK(\"http://evil\",\"x\")", "'-cmd", "Board"]
    assert back["value"].tolist() == [-1.5, 2.0, 3.0]
    assert pd.api.types.is_float_dtype(back["value"])
    xlsx = pd.read_excel(tmp_path / "councils.xlsx")
    assert xlsx["name"][0].startswith("'=")
    assert xlsx["value"][0] == -1.5


def test_input_data_not_mutated(tmp_path):
    frame = _frame()
    _export(tmp_path, data=frame, formats=("svg",))
    pd.testing.assert_frame_equal(frame, _frame())


@pytest.mark.parametrize("name", ["../../escape", "/etc/passwd", "..\\..\\x", "a/../../b"])
def test_path_traversal_in_names(tmp_path, name):
    out = tmp_path / "out"
    entry = _export(out, name=name, formats=("svg",))
    assert "/" not in entry["name"] and "\\" not in entry["name"] and ".." not in entry["name"]
    assert _listing(tmp_path) == ["out"] + [f"out/{p}" for p in _listing(out)]
    assert (out / entry["files"]["svg"]).exists()


def test_output_inside_input_refused(tmp_path):
    data = tmp_path / "dataset"
    data.mkdir()
    (data / "councils.csv").write_text("council_code\nE1\n")
    with pytest.raises(InputError, match="inside the input folder"):
        _export(data / "charts", inputs=[data])
    assert _listing(data) == ["councils.csv"]


def test_no_partial_files_when_savefig_fails(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _export(out, name="kept", formats=("svg",))
    before = {p: (out / p).read_bytes() for p in _listing(out)}
    real = Figure.savefig

    def failing(self, fname, *args, **kwargs):
        if kwargs.get("format") == "pdf":
            raise RuntimeError("disk on fire")
        return real(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        _export(out, name="broken", formats=export.FORMATS)
    assert {p: (out / p).read_bytes() for p in _listing(out)} == before


def test_rollback_when_a_write_fails_half_way(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _export(out, name="chart", formats=("svg",), title="Old title")
    before = {p: (out / p).read_bytes() for p in _listing(out)}
    real = export.atomic_write_bytes
    calls = []

    def flaky(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("no space left")
        return real(path, data)

    monkeypatch.setattr(export, "atomic_write_bytes", flaky)
    with pytest.raises(OSError, match="no space"):
        _export(out, name="chart", formats=("svg", "png"), title="New title")
    monkeypatch.undo()
    # svg was overwritten then restored; png (new) removed; manifest untouched; no temp files
    assert {p: (out / p).read_bytes() for p in _listing(out)} == before


def test_export_charts_all_or_nothing(tmp_path):
    good = ChartSpec("good", _fig(), "Good", ALT, _frame())
    bad = ChartSpec("bad", _fig(), "Bad", "", _frame())
    with pytest.raises(InputError, match="alt_text"):
        export_charts([good, bad], tmp_path)
    assert _listing(tmp_path) == []
    assert not plt.fignum_exists(good.fig.number)


def test_duplicate_names_refused(tmp_path):
    specs = [ChartSpec("A chart", _fig(), "T", ALT, _frame()),
             ChartSpec("a_chart", _fig(), "T", ALT, _frame())]
    with pytest.raises(InputError, match="would both be written as a_chart"):
        export_charts(specs, tmp_path)
    assert _listing(tmp_path) == []


def test_unknown_format_refused(tmp_path):
    with pytest.raises(InputError, match="unknown chart format 'jpg'"):
        _export(tmp_path, formats=("svg", "jpg"))


def test_figure_closed_and_annotations_removed(tmp_path):
    fig = _fig()
    export_chart(fig, "x", title="T", alt_text=ALT, data=_frame(), out_dir=tmp_path,
                 formats=("svg",), source="S")
    assert not plt.fignum_exists(fig.number)
    fig = _fig()
    export_chart(fig, "y", title="T", alt_text=ALT, data=_frame(), out_dir=tmp_path,
                 formats=("svg",), source="S", close=False)
    assert plt.fignum_exists(fig.number)
    assert fig.texts == []
    plt.close(fig)


def test_manifest_merges_in_order(tmp_path):
    _export(tmp_path, name="b", formats=("svg",))
    _export(tmp_path, name="a", formats=("svg",))
    _export(tmp_path, name="b", formats=("svg",), title="B again")
    charts = json.loads((tmp_path / "manifest.json").read_text())["charts"]
    assert list(charts) == ["b", "a"]
    assert charts["b"]["title"] == "B again"


def test_corrupt_manifest_reported(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(InputError, match="not a valid manifest"):
        _export(tmp_path, formats=("svg",))


def test_gallery_lists_charts_accessibly(tmp_path):
    _export(tmp_path, name="one", excel=True, formats=export.FORMATS)
    _export(tmp_path, name="two", title="<script>alert(1)</script>", formats=("png",))
    html = write_gallery(tmp_path).read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in html
    assert f'src="one.svg" alt="{ALT}"' in html
    assert 'src="two.png"' in html
    for link in ("one.svg", "one.png", "one.pdf", "one.csv", "one.xlsx", "two.csv"):
        assert f'href="{link}"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "http://" not in html and "https://" not in html
    assert html.count("<h1>") == 1


def test_source_line_is_not_doubled():
    import matplotlib.pyplot as plt

    from analysis.export import _Annotations

    fig, _ = plt.subplots(figsize=(6.4, 4.0))
    try:
        ann = _Annotations(fig, title="A title", subtitle="", source="Source: ONS mid-year estimates")
        assert ann.texts[-1].get_text() == "Source: ONS mid-year estimates"
        ann.remove()
        ann = _Annotations(fig, title="A title", subtitle="", source="ONS")
        assert ann.texts[-1].get_text() == "Source: ONS"
    finally:
        plt.close(fig)


def test_dollar_signs_in_labels_are_drawn_as_written(tmp_path):
    """A region called '$\\frac{1}{0$' (unbalanced mathtext) exports, and is not read as maths."""
    name = r"$\frac{1}{0$ West"
    fig, ax = plt.subplots()
    ax.bar([name, "$5m$ North"], [3, 4])
    ax.set_title(name)
    entry = export_chart(fig, "dollars", title="Councils by region", alt_text="Two bars.",
                         source="test", data=pd.DataFrame({"region": [name], "n": [3]}), out_dir=tmp_path,
                         formats=("svg",))
    plt.close(fig)
    assert (tmp_path / entry["files"]["svg"]).stat().st_size > 0
    assert [t.get_parse_math() for t in fig.findobj(matplotlib.text.Text) if t.get_text() == name] == [False] * 3  # title and tick label (annotate adds a copy)


def _pdf_fonts(pdf: bytes) -> set[str]:
    import re

    return {m.split(b"+", 1)[-1].decode() for m in re.findall(rb"/BaseFont /([A-Za-z0-9+\-]+)", pdf)}


def test_pdf_embeds_the_house_font_as_real_text(tmp_path):
    """The PDF's text is the shipped Atkinson Hyperlegible, embedded as TrueType (Type 42, selectable
    and editable), regular and bold; DejaVu Sans is not embedded when no glyph needs it."""
    _export(tmp_path, formats=("pdf",))
    pdf = (tmp_path / "councils.pdf").read_bytes()
    assert _pdf_fonts(pdf) == {"AtkinsonHyperlegible-Regular", "AtkinsonHyperlegible-Bold"}
    assert b"/CIDFontType2" in pdf and b"/FontFile2" in pdf  # TrueType outlines, not Type 3 procedures
    assert b"/Type3" not in pdf


def test_a_figure_drawn_without_the_house_style_exports_in_the_house_font(tmp_path):
    fig, ax = plt.subplots()  # matplotlib's own defaults: font.sans-serif starts with DejaVu Sans
    ax.bar(["a", "b"], [1, 2])
    export_chart(fig, "plain", title="Two bars", alt_text="Two bars: 1 and 2.", data=pd.DataFrame({"n": [1, 2]}),
                 out_dir=tmp_path, formats=("pdf",))
    assert _pdf_fonts((tmp_path / "plain.pdf").read_bytes()) == {
        "AtkinsonHyperlegible-Regular", "AtkinsonHyperlegible-Bold"}


def test_a_glyph_the_house_font_lacks_falls_back_to_dejavu(tmp_path):
    fig, ax = subplots(size="govuk")  # the house style: Atkinson Hyperlegible, then DejaVu Sans
    ax.set_xlabel("cut \u2192 activity")  # Atkinson Hyperlegible has no arrows
    export_chart(fig, "arrow", title="Arrows", alt_text="An empty chart with an arrow in its label.",
                 data=pd.DataFrame({"n": [1]}), out_dir=tmp_path, formats=("pdf",))
    assert "DejaVuSans" in _pdf_fonts((tmp_path / "arrow.pdf").read_bytes())
