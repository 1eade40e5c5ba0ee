"""Charts a policy writer can read: labels in words, annotations apart, the same bytes every run."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from conftest import EXAMPLE

from analysis.charts import standard_charts
from analysis.data import load_dataset
from analysis.export import export_chart
from analysis.figures.annotate import overlapping_labels, separate_labels
from analysis.figures.typology import typology_charts
from analysis.labels import SNAKE_CASE
from analysis.results import compute_results
from analysis.style import chart_style

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example():
    dataset = load_dataset(EXAMPLE)
    return dataset, compute_results(dataset, random_state=2010)


@pytest.fixture(scope="module")
def example_specs(example):
    dataset, results = example
    specs = standard_charts(dataset, results=results)
    yield specs
    for spec in specs:
        plt.close(spec.fig)


def _texts(spec):
    """Every text a reader of the chart sees, with where it is."""
    yield "title", spec.title
    yield "subtitle", spec.subtitle
    yield "alt text", spec.alt_text
    for i, ax in enumerate(spec.fig.axes):
        yield f"axes {i} title", " ".join(ax.get_title(loc=loc) for loc in ("left", "center", "right"))
        yield f"axes {i} x label", ax.get_xlabel()
        yield f"axes {i} y label", ax.get_ylabel()
        for tick in (*ax.get_xticklabels(), *ax.get_yticklabels()):
            yield f"axes {i} tick label", tick.get_text()
        for text in ax.texts:
            yield f"axes {i} annotation", text.get_text()
        legend = ax.get_legend()
        if legend is not None:
            yield f"axes {i} legend title", legend.get_title().get_text()
            for text in legend.get_texts():
                yield f"axes {i} legend", text.get_text()
    for text in spec.fig.texts:
        yield "figure text", text.get_text()


def test_no_chart_shows_a_snake_case_name(example_specs):
    assert len(example_specs) >= 15  # the overview and every family drew on the example
    found = [(spec.name, where, text) for spec in example_specs for where, text in _texts(spec)
             if text and SNAKE_CASE.search(text)]
    assert found == []


def test_indicators_are_shown_with_their_codebook_labels(example_specs):
    specs = {s.name: s for s in example_specs}
    profiles = specs["typology_profiles"].fig.axes[0]
    ticks = {t.get_text() for t in profiles.get_yticklabels()}
    assert {"Pooled budgets", "Public statements of opposition", "Co-production projects"} <= ticks
    arrows = {t.get_text() for t in specs["typology_map"].fig.axes[0].texts if t.get_text()}
    assert len(arrows) == 8 and arrows <= {
        "Lobbying campaigns", "Legal challenges", "Public statements of opposition", "Shared services",
        "Shared management", "Commercial ventures", "Outsourced services", "Services withdrawn",
        "Partnerships left", "Assets transferred", "Merger proposals", "Co-production projects",
        "Joint commissioning", "Pooled budgets", "Community coalitions"}


def _map(results):
    with chart_style():
        specs = typology_charts(results["typology"])
    for spec in specs[1:]:
        plt.close(spec.fig)
    return specs[0]


def test_the_typology_map_labels_do_not_overlap(example):
    spec = _map(example[1])
    try:
        labels = [t for t in spec.fig.axes[0].texts if t.get_text()]
        assert len(labels) == 8
        assert overlapping_labels(spec.fig, labels) == []
        # The export shrinks the axes to make room for the title, subtitle and source: still apart.
        engine = spec.fig.get_layout_engine()
        engine.set(rect=(0, 0.1, 1, 0.7))
        assert overlapping_labels(spec.fig, labels) == []
        # ... and inside the axes, clear of the tick labels beside them
        ax = spec.fig.axes[0]
        frame = ax.get_window_extent()
        for t in labels:
            box = t.get_window_extent()
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, t.get_text()
    finally:
        plt.close(spec.fig)


def test_the_typology_map_exports_the_same_bytes_twice(example, tmp_path):
    files = []
    for run in ("a", "b"):
        spec = _map(example[1])
        out = tmp_path / run
        export_chart(spec.fig, "map", title=spec.title, subtitle=spec.subtitle, source=spec.source,
                     alt_text=spec.alt_text, data=spec.data, out_dir=out)
        files.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert {"map.svg", "map.png", "map.pdf"} <= set(files[0])
    assert files[0] == files[1]


def _five_labels_on_one_spot():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    return fig, ax, [ax.text(0.5, 0.5, f"Label number {i}") for i in range(5)]


def test_overlapping_labels_are_moved_apart_the_same_way_every_time():
    positions = []
    for _ in range(2):
        fig, ax, texts = _five_labels_on_one_spot()
        try:
            assert len(overlapping_labels(fig, texts)) == 10
            separate_labels(ax, texts)
            assert overlapping_labels(fig, texts) == []
            positions.append([t.get_position() for t in texts])
        finally:
            plt.close(fig)
    assert positions[0] == positions[1]


def _visible_ticks(ticks):
    return [t for t in ticks if t.get_visible() and t.get_text().strip()]


def test_no_tick_labels_run_into_each_other(example_specs):
    # Years crowded under a narrow panel, or long category names side by side under vertical
    # bars, print over each other; the charts space their ticks or turn the bars instead.
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    crowded = []
    for spec in example_specs:
        if not hasattr(spec.fig.canvas, "get_renderer"):
            FigureCanvasAgg(spec.fig)
        spec.fig.canvas.draw()  # the ticks as drawn
        for i, ax in enumerate(spec.fig.axes):
            for axis, ticks in (("x", ax.get_xticklabels()), ("y", ax.get_yticklabels())):
                pairs = overlapping_labels(spec.fig, _visible_ticks(ticks))
                if pairs:
                    crowded.append((spec.name, i, axis, len(pairs)))
    assert crowded == []
