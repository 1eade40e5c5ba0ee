"""Reading document text: every format, and every kind of bad input reported per document."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.data.documents import (
    dataset_documents,
    index_folder,
    load_document_source,
    read_document,
    read_documents,
)
from analysis.errors import InputError


def _docx(path, paragraphs):
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))


def _pdf(path, lines=None, *, rectangle_only=False):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setPageCompression(0)
    if rectangle_only:
        c.rect(100, 500, 300, 200, fill=1)  # a "scan": graphics, no text layer
    else:
        y = 800
        for line in lines:
            c.drawString(72, y, line)
            y -= 14
    c.showPage()
    c.save()


def test_formats_are_read(tmp_path):
    (tmp_path / "a.txt").write_text("We lobbied the minister.", encoding="utf-8")
    (tmp_path / "b.md").write_bytes("\ufeff# Minutes\n\nBudgets were pooled.".encode())
    _docx(tmp_path / "c.docx", ["First paragraph.", "Residents co-designed the plan."])
    _pdf(tmp_path / "d.pdf", ["The council withdrew from the", "partnership in 2015."])
    result = load_document_source(tmp_path)
    texts = result.texts.set_index("document_id")["text"]
    assert list(texts.index) == ["a", "b", "c", "d"]
    assert texts["a"] == "We lobbied the minister."
    assert texts["b"] == "# Minutes\n\nBudgets were pooled."  # BOM gone
    assert texts["c"] == "First paragraph.\n\nResidents co-designed the plan."
    assert "withdrew from the" in texts["d"] and "partnership in 2015." in texts["d"]
    assert result.problems.empty


def test_bad_inputs_are_each_reported_and_the_rest_read(tmp_path):
    (tmp_path / "good.txt").write_text("Budgets were pooled with health.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n  ", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 closure \u2013 the council withdrew".encode("cp1252"))
    with open(tmp_path / "huge.txt", "wb") as fh:  # sparse: 21 MB on paper, no disk used
        fh.truncate(21 * 1024 * 1024)
    _pdf(tmp_path / "scan.pdf", rectangle_only=True)
    (tmp_path / "broken.docx").write_bytes(b"this is not a zip file")
    index = pd.DataFrame({
        "document_id": ["G", "E", "W", "B", "L", "H", "S", "D", "M"],
        "path": ["good.txt", "empty.txt", "blank.txt", "binary.txt", "latin.txt", "huge.txt",
                 "scan.pdf", "broken.docx", "missing/file.txt"],
        "partnership_id": list("PPPPPPPPQ"),
    })
    before = index.copy()
    result = read_documents(index, tmp_path)
    pd.testing.assert_frame_equal(index, before)  # input untouched
    assert result.texts["document_id"].tolist() == ["G", "L"]
    assert result.texts["partnership_id"].tolist() == ["P", "P"]  # metadata carried through
    assert result.texts.set_index("document_id").loc["L", "text"].startswith("Caf\u00e9 closure \u2013")
    problems = result.problems.set_index("document_id")
    # Every document is accounted for: read, or reported as an error.
    assert set(result.texts["document_id"]) | set(result.skipped) == set(index["document_id"])
    assert problems.loc["E", "problem"] == "empty file (0 bytes)"
    assert "white space" in problems.loc["W", "problem"]
    assert "binary content" in problems.loc["B", "problem"]
    assert problems.loc["L", "severity"] == "warning" and "Windows-1252" in problems.loc["L", "problem"]
    assert problems.loc["H", "problem"].startswith("too large (21.0 MB; the limit is 20 MB)")
    assert problems.loc["S", "problem"].startswith("no extractable text (scanned PDF?)")
    assert "not a readable Word" in problems.loc["D", "problem"]
    assert problems.loc["M", "problem"] == "file not found"
    report = result.format_problems()
    assert "7 documents not coded" in report and "1 document coded, with a caveat" in report


def test_index_needs_its_columns(tmp_path):
    with pytest.raises(InputError, match="needs columns 'document_id' and 'path'; missing 'path'"):
        read_documents(pd.DataFrame({"document_id": ["a"]}), tmp_path)


def test_duplicate_ids_are_reported(tmp_path):
    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    (tmp_path / "b.txt").write_text("two", encoding="utf-8")
    index = pd.DataFrame({"document_id": ["X", "X"], "path": ["a.txt", "b.txt"]})
    result = read_documents(index, tmp_path)
    assert result.texts["text"].tolist() == ["one"]
    assert "duplicate document_id" in result.problems.loc[0, "problem"]


def test_index_folder_ids_and_clashes(tmp_path):
    (tmp_path / "minutes.txt").write_text("a", encoding="utf-8")
    (tmp_path / "2015").mkdir()
    (tmp_path / "2015" / "minutes.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "data.csv").write_text("x", encoding="utf-8")
    index = index_folder(tmp_path)
    assert index["path"].tolist() == ["2015/minutes.pdf", "minutes.txt"]
    assert index["document_id"].tolist() == ["minutes", "minutes.txt"]
    assert index["document_id"].is_unique


def test_dataset_folder_uses_the_documents_table(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "one.txt").write_text("We lobbied.", encoding="utf-8")
    (tmp_path / "documents.csv").write_text("document_id,path\nDOC1,docs/one.txt\nDOC2,docs/gone.txt\n",
                                            encoding="utf-8")
    result = load_document_source(tmp_path)
    assert result.texts["document_id"].tolist() == ["DOC1"]
    assert result.problems["document_id"].tolist() == ["DOC2"]


def test_dataset_documents_with_and_without_a_documents_table(tmp_path):
    from conftest import TINY, write_files

    from analysis.coding import aggregate_codes, code_texts
    from analysis.data import load_dataset

    without = load_dataset(write_files(tmp_path / "none", TINY))
    empty = dataset_documents(without)
    assert empty.texts.empty and empty.problems.empty and "partnership_id" in empty.texts
    assert aggregate_codes(code_texts(empty.texts), empty.texts).empty
    folder = write_files(tmp_path / "with", {**TINY, "documents.csv": "document_id,path\nD1,d1.txt\nD2,gone.txt\n"})
    (folder / "d1.txt").write_text("We lobbied the minister.", encoding="utf-8")
    read = dataset_documents(load_dataset(folder))
    assert read.texts["document_id"].tolist() == ["D1"] and read.texts["partnership_id"].isna().all()
    assert read.problems["document_id"].tolist() == ["D2"]


def test_empty_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no documents found"):
        load_document_source(tmp_path)


def test_read_document_raises_readably(tmp_path):
    (tmp_path / "e.txt").write_bytes(b"")
    with pytest.raises(InputError, match=r"e.txt: empty file"):
        read_document(tmp_path / "e.txt")


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
               min_size=1, max_size=200).filter(lambda t: t.strip()))
def test_utf8_text_round_trips(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("prop")
    (folder / "t.txt").write_bytes(text.encode("utf-8"))
    try:
        got, warning = read_document(folder / "t.txt")
    except InputError as exc:  # control-heavy text may be judged binary: then it is reported
        assert "binary" in str(exc)
        return
    assert got == text and warning is None


def test_pdf_bytes_from_memory_are_not_needed():
    # read_document takes paths only; a stream is a usage error, not a crash
    with pytest.raises(TypeError):
        read_document(io.BytesIO(b"x"))
