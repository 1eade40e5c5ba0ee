"""Tables a policy writer can read (analysis.notebook.table) and the words for names (analysis.labels)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from analysis import labels, notebook


@pytest.fixture
def frame():
    return pd.DataFrame({
        "council_code": ["E2", "E1", "E3"],
        "change_real_per_head": [-1234.5678, 10.0, np.nan],
        "councils": [1200, 8, 35],
        "share_non_zero": [0.25, 0.5, 1.0],
        "year": [2019, 2010, 2012],
        "p": [0.0001, 0.04, 0.5],
        "indicator": ["pooled_budgets", "co_production_projects", "lobbying_campaigns"],
        "used": [True, False, True],
    }, index=[10, 11, 12])


def _cells(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}(?: [^>]*)?>(.*?)</{tag}>", html)


def test_html_has_no_index_and_human_headers(frame):
    html = notebook.table(frame)._repr_html_()
    assert _cells(html, "th") == ["Council code", "Real-terms change per head", "Councils", "Share non-zero",
                                  "Year", "p-value", "Indicator", "Used"]
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1])
    assert len(rows) == 3
    # Sorted by the first column; the first cell of each row is data, never an index (0, 1, 2 or 10, 11, 12).
    assert [_cells(r, "td") for r in rows] == [
        ["E1", "10.000", "8", "50.0%", "2010", "0.040", "co-production projects", "no"],
        ["E2", "-1,234.568", "1,200", "25.0%", "2019", "&lt;0.001", "pooled budgets", "yes"],
        ["E3", "–", "35", "100.0%", "2012", "0.500", "lobbying campaigns", "yes"],
    ]
    assert 'class="num"' in html and "snake" not in html


def test_plain_text_has_no_index(frame):
    text = repr(notebook.table(frame, by="year"))
    first, *rows = text.splitlines()
    assert first.split()[:3] == ["Council", "code", "Real-terms"]
    assert [r.split()[0] for r in rows] == ["E1", "E3", "E2"]  # by year; no 0/1/2 in front


def test_labels_argument_and_head_and_input_unchanged(frame):
    before = frame.copy()
    t = notebook.table(frame, labels={"councils": "Councils counted"}, head=2, sort=False)
    assert list(t.formatted().columns)[2] == "Councils counted"
    assert t.formatted()["Council code"].tolist() == ["E2", "E1"]  # the given order, two rows
    assert list(t.data.columns) == list(frame.columns)  # the data keep their own names
    pd.testing.assert_frame_equal(frame, before)


def test_html_escapes_values():
    html = notebook.table(pd.DataFrame({"name": ["<script>x()</script>"]}))._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_whole_floats_and_decimals():
    t = notebook.table(pd.DataFrame({"n": [1500.0, np.nan], "rho": [0.123456, 2.5]}), decimals=2, sort=False)
    assert t.formatted().to_dict("list") == {"n": ["1,500", "–"], "Spearman's rho": ["0.12", "2.50"]}


@pytest.mark.parametrize(("name", "expected"), [
    ("change_real_per_head", "Real-terms change per head"),   # the vocabulary
    ("pooled_budgets", "Pooled budgets"),                     # the codebook's label
    ("public_opposition_statements", "Public statements of opposition"),
    ("calinski_harabasz", "Calinski-Harabasz"),
    ("ci_low", "CI lower"),
    ("median_confidence", "Median confidence"),               # the rule: words, sentence case
    ("option", "Option"),
    ("n", "n"),
    ("p", "p-value"),
    ("0 to 0.25", "0 to 0.25"),
    (3, "3"),
])
def test_label(name, expected):
    assert labels.label(name) == expected


def test_words_and_in_words():
    assert labels.words("pooled_budgets") == "pooled budgets"
    assert labels.words("london_borough") == "London borough"
    assert labels.words("x_y", {"x_y": "my words"}) == "my words"
    text = labels.in_words("k = 4 by calinski_harabasz (max); top: shared_management 289")
    assert text == "k = 4 by Calinski-Harabasz (max); top: shared management 289"
    assert not labels.SNAKE_CASE.search(text)


def test_every_codebook_indicator_has_a_label():
    from analysis.codebook import load_codebook
    from analysis.data.schema import INDICATOR_OPTIONS

    book = load_codebook()
    assert set(book.indicator_labels) == set(INDICATOR_OPTIONS)
    for name in INDICATOR_OPTIONS:
        assert not labels.SNAKE_CASE.search(labels.label(name))


def test_table_survives_the_report_cleaning(frame):
    """What report.html shows: the table's HTML after the report's sanitiser, still without an index."""
    import nbformat

    from analysis.report import sanitise_outputs

    t = notebook.table(frame)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/html": t._repr_html_(),
                                                                    "text/plain": repr(t)})]
    nb.cells = [cell]
    html = sanitise_outputs(nb).cells[0].outputs[0].data["text/html"]
    assert _cells(html, "th")[:2] == ["Council code", "Real-terms change per head"]
    assert _cells(html, "td")[:2] == ["E1", "10.000"]
    assert '<td class="num">1,200</td>' in html


def test_an_empty_table_says_so_without_an_index():
    t = notebook.table(pd.DataFrame({"document_id": pd.Series([], dtype=str), "problem": pd.Series([], dtype=str)}))
    assert repr(t) == "(no rows) Document | Problem"
    assert "Index" not in repr(t) and "<tbody>\n\n</tbody>" in t._repr_html_()
