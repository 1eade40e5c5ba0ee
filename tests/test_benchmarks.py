"""The benchmark generator makes valid datasets of the size asked; the report computes ratios and slopes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from generate import SIZES, Size, generate  # noqa: E402
from run import render, slope  # noqa: E402

from analysis.data import read_dataset  # noqa: E402


def test_generated_dataset_validates_cleanly_at_the_size_asked(tmp_path):
    size = Size("tiny", councils=30, years=6, partnerships=60, memberships=300, activity=360, evidence=120,
                documents=12, words=40)
    rows = generate(size, tmp_path / "tiny", seed=3)
    ds = read_dataset(tmp_path / "tiny")
    assert ds.report.ok and not ds.report.warnings, ds.report.format()
    assert rows == {name: len(frame) for name, frame in ds.tables.items()}
    assert rows["activity"] == 360 and rows["memberships"] == 300 and rows["evidence"] == 120
    assert ds["partnerships"]["dissolved"].notna().any()  # endings for the survival models
    assert len((tmp_path / "tiny" / "documents" / "D00001.txt").read_text().split()) >= 40


def test_largest_size_is_the_one_the_issue_asks_for():
    big = SIZES[-1]
    assert (big.councils, big.years, big.partnerships, big.memberships, big.activity, big.evidence,
            big.documents, big.words) == (400, 15, 20_000, 200_000, 300_000, 100_000, 5_000, 500)
    assert len(SIZES) == 4


def test_slope_is_one_for_linear_growth_and_two_for_quadratic():
    assert slope(1.0, 10.0, 100, 1000) == pytest.approx(1.0)
    assert slope(1.0, 100.0, 100, 1000) == pytest.approx(2.0)
    assert slope(None, 1.0, 1, 2) is None


def test_report_shows_the_ratio_and_the_missing_stages():
    rows = {"councils": 1, "finance": 1, "deflators": 1, "partnerships": 1, "memberships": 1, "activity": 1,
            "evidence": 1, "documents": 1}
    results = [{"size": "a", "rows": rows, "words": 5, "stages": {
        "read_csv": {"status": "ok", "seconds": 0.5, "cpu": 0.5, "wall": 1.0, "peak_mb": 100},
        "read_validate": {"status": "ok", "seconds": 2.0, "cpu": 1.5, "wall": 3.0, "peak_mb": 120},
        "typology": {"status": "not available", "wall": 1.0, "peak_mb": 90}}}]
    info = {"cpu": "test cpu", "cores": 2, "ram_gb": 4, "python": "3", "platform": "x", "load": (0, 0, 0),
            "libraries": {"pandas": "3"}}
    text = render(results, info, "now", 60)
    assert "| a | 0.50 | 2.00 | 4.0× | – |" in text
    results[0]["stages"]["read_validate"].update(paired_read_csv=0.8, pair_ratio_median=2.6)
    assert "| a | 0.80 | 2.00 | 2.5× | 2.6× |" in render(results, info, "now", 60)
    assert "not available" in text and "test cpu, 2 cores" in text
    assert "not included: typology" in text


def test_generated_documents_read_like_council_papers():
    """Sentences with full stops in paragraphs, about 500 words, now and then an option stated
    (not 500 words drawn at random with no full stop, which no council writes)."""
    import numpy as np
    from generate import CUES, FILLER, paper_text

    rng = np.random.default_rng(0)
    texts = [paper_text(rng, 500) for _ in range(40)]
    for text in texts:
        assert 500 <= len(text.split()) < 560
        paragraphs = text.split("\n\n")
        assert len(paragraphs) >= 5
        sentences = [s for p in paragraphs for s in p.split(". ")]
        assert max(len(s.split()) for s in sentences) < 30  # no 120-word "sentence"
    cue_starts = {c.split("{")[0] for c in CUES}
    filler_starts = {f.split("{")[0] for f in FILLER}
    joined = " ".join(texts)
    assert sum(joined.count(c) for c in cue_starts) > 40  # options are stated, a minority of sentences
    assert sum(joined.count(f) for f in filler_starts) > 5 * sum(joined.count(c) for c in cue_starts)
    assert paper_text(np.random.default_rng(3), 200) == paper_text(np.random.default_rng(3), 200)


def test_performance_doc_ends_with_the_hand_written_notes():
    # `make bench` writes docs/performance.md as its tables followed by benchmarks/notes.md: a
    # section written into the doc alone would be lost at the next run
    root = Path(__file__).resolve().parents[1]
    notes = (root / "benchmarks" / "notes.md").read_text(encoding="utf-8").strip()
    doc = (root / "docs" / "performance.md").read_text(encoding="utf-8")
    assert doc.endswith("\n" + notes + "\n")
