"""Tests for the in-memory writers added for chart export, and reproducible XLSX."""

import io

import pandas as pd
import pytest

from analysis import writers
from analysis.errors import InputError


def test_csv_bytes_matches_write_csv(tmp_path):
    frame = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\")", "+1", "ok"], "value": [-1.5, 2.0, 3.0]})
    path = writers.write_csv(frame, tmp_path / "a.csv")
    assert path.read_bytes() == writers.csv_bytes(frame)
    text = writers.csv_bytes(frame).decode()
    assert "'=HYPERLINK" in text
    assert "'+1" in text
    assert ",-1.5\n" in text  # numbers stay numbers


def test_excel_bytes_reproducible_and_neutralised(tmp_path):
    frame = pd.DataFrame({"name": ["@cmd", "plain"], "n": [-2, 3]})
    first = writers.excel_bytes(frame)
    assert first == writers.excel_bytes(frame)
    path = writers.write_excel(frame, tmp_path / "a.xlsx")
    assert path.read_bytes() == first
    back = pd.read_excel(io.BytesIO(first))
    assert back["name"].tolist() == ["'@cmd", "plain"]
    assert back["n"].tolist() == [-2, 3]
    assert pd.api.types.is_integer_dtype(back["n"])


def test_excel_modified_date_is_fixed():
    import zipfile

    core = zipfile.ZipFile(io.BytesIO(writers.excel_bytes(pd.DataFrame({"a": [1]})))).read(
        "docProps/core.xml"
    )
    assert b"2000-01-01T00:00:00Z</dcterms:modified>" in core


def test_input_frame_unchanged():
    frame = pd.DataFrame({"name": ["=1+1"]})
    writers.csv_bytes(frame)
    assert frame["name"].tolist() == ["=1+1"]


def test_check_output_dir_refuses_inside_input(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with pytest.raises(InputError, match="inside the input folder"):
        writers.check_output_dir(data / "out", inputs=[data])
    assert not (data / "out").exists()


def test_atomic_write_gives_usual_permissions(tmp_path):
    import os
    import stat

    mask = os.umask(0o022)
    try:
        path = writers.atomic_write_bytes(tmp_path / "chart.svg", b"<svg/>")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_bytes() == b"<svg/>"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.svg"]
