"""Hand codes as Taguette, QualCoder and REFI-QDA write them (issue 20).

Fixtures in tests/fixtures/qda: the Taguette files are made by Taguette's own export
code (make_taguette.py), the QualCoder and REFI-QDA files by make_qualcoder.py, which
follows QualCoder's export code line by line (see the README there).
"""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.agreement import agreement, cohen_kappa, krippendorff_alpha
from analysis.cli import main
from analysis.errors import InputError
from analysis.handcodes import load_code_map, match_documents, read_hand_codes, read_segments

FIX = Path(__file__).parent / "fixtures" / "qda"
INT01 = "Fieldwork_INT01_Transcript"
CABINET = "Cabinet_report_2019_shared_services_review_final_version"
# hand codes every layout of the pilot project gives (by coded document_id)
EXPECTED = {INT01: "fight", CABINET: "collaborate", "minutes-2016-03": "exit", "budget_2020": "adapt"}

LAYOUTS = [
    # file, layout recognised, segments behind INT01's code, extra args for agreement
    ("taguette_all_tags.csv", "taguette", 3, []),
    ("taguette_all_tags.xlsx", "taguette", 3, []),
    ("taguette_kahane.csv", "taguette", 3, []),
    ("qualcoder_codings.csv", "qualcoder", 4, []),
    ("qualcoder_codings.xlsx", "qualcoder", 4, []),
    ("qualcoder_codings_by_case.csv", "qualcoder-case", 4, []),
    ("qualcoder_codings_by_case.xlsx", "qualcoder-case", 4, []),
    ("qualcoder35_codings.xlsx", "qualcoder-3.5-xlsx", 4, []),
    ("qualcoder35_codings.csv", "qualcoder-3.5-csv", 4, ["--codes", str(FIX / "codes_qualcoder35.csv")]),
    ("qualcoder_project.qdpx", "refi", 4, []),
]


def _codes(hand: pd.DataFrame) -> dict:
    return dict(zip(hand["document"], hand["code"], strict=False))


@pytest.mark.parametrize(("name", "layout", "n_int01", "extra"), LAYOUTS, ids=[x[0] for x in LAYOUTS])
def test_read_each_layout(name, layout, n_int01, extra):
    codes = extra[1] if extra else None
    hand = read_hand_codes(FIX / name, codes=codes)
    assert hand.attrs["source"] == layout
    by_id = dict(zip(hand["document_id"], hand["code"], strict=False))
    if layout == "taguette":  # Taguette names: a typed name and a file name cut to 50 characters
        assert by_id == {"INT_01": "fight", CABINET[:50]: "collaborate", "minutes-2016-03": "exit",
                         "budget_2020": "adapt"}
        assert hand.set_index("document_id").loc["INT_01", "n_segments"] == n_int01
    else:
        assert by_id == EXPECTED
        assert hand.set_index("document_id").loc[INT01, "n_segments"] == n_int01
        # budget_2020: one adapt (income generation) and one exit (handing back): a tie, first seen kept
        assert hand.set_index("document_id").loc["budget_2020", "tied"] == 1
    ignored = hand.attrs["ignored_codes"]["code"].tolist()
    # letters kept, not turned into '_' (the per-tag export holds only the kahane tags)
    assert ("ação" in ignored) == (name != "taguette_kahane.csv")


@pytest.mark.parametrize(("name", "layout", "n_int01", "extra"), LAYOUTS, ids=[x[0] for x in LAYOUTS])
def test_agreement_on_each_layout(name, layout, n_int01, extra, tmp_path, capsys):
    out = tmp_path / "agree"
    assert main(["agreement", str(FIX / "coded.csv"), str(FIX / name), "--out", str(out), *extra]) == 0
    text = capsys.readouterr().out
    summary = pd.read_csv(out / "summary.csv").set_index("measure")["value"]
    assert float(summary["documents compared"]) == 4
    docs = pd.read_csv(out / "documents.csv")
    assert dict(zip(docs["document_id"], docs["hand"], strict=False)) == EXPECTED
    dis = pd.read_csv(out / "disagreements.csv")
    assert dis[["document_id", "hand", "coded"]].values.tolist() == [["minutes-2016-03", "exit", "adapt"]]
    matches = pd.read_csv(out / "matches.csv", keep_default_na=False)
    unmatched = matches.loc[matches["match"] == "unmatched", "document_id"].tolist()
    assert sorted(unmatched) == ["blog_2021", "press_release"]
    assert "coded documents without hand codes (2)" in text
    if layout == "taguette":
        made = dict(zip(matches["hand_document"], matches["match"], strict=False))
        assert made["INT_01"] == "containment" and made[CABINET[:50]] == "containment"
        assert "INT_01 -> Fieldwork_INT01_Transcript (containment)" in text


def test_taguette_per_tag_export_counts_each_highlight_once():
    raw = pd.read_csv(FIX / "taguette_kahane.csv")
    int01 = raw[raw["document"] == "INT_01"]
    # Taguette repeats highlight 3 (three kahane tags) three times: counted raw, adapt would win
    assert int01["tag"].value_counts()["kahane.adapt"] == 3 and int01["tag"].value_counts()["kahane.fight"] == 2
    seg = read_segments(FIX / "taguette_kahane.csv")
    assert len(seg[seg["document"] == "INT_01"]) == 6  # (highlight, tag) pairs: 2 + 1 + 3
    hand = read_hand_codes(FIX / "taguette_kahane.csv").set_index("document_id")
    assert hand.loc["INT_01", "code"] == "fight" and hand.loc["INT_01", "n_segments"] == 3


def test_coder_filter_in_qualcoder_and_refi():
    for name in ("qualcoder_codings.csv", "qualcoder_project.qdpx", "qualcoder35_codings.xlsx"):
        ann = read_hand_codes(FIX / name, coder="ann").set_index("document_id")
        assert ann.loc["budget_2020", ["code", "tied"]].tolist() == ["adapt", 0], name
        bob = read_hand_codes(FIX / name, coder="bob")
        assert dict(zip(bob["document_id"], bob["code"], strict=False)) == {INT01: "exit", "budget_2020": "exit"}, name
    with pytest.raises(InputError, match="names no coders"):
        read_hand_codes(FIX / "taguette_all_tags.csv", coder="ann")


def test_categories_count_for_their_sub_codes():
    seg = read_segments(FIX / "qualcoder_codings.csv")
    row = seg[seg["code"] == "lobbying"].iloc[0]
    assert row["categories"] == ("Fight", "Kahane")
    m = load_code_map()
    assert m.option("lobbying", ("Fight", "Kahane")) == "fight"
    assert m.option("handing back", ("Exit", "Kahane")) == "exit"
    assert m.option("handing back") is None
    refi = read_segments(FIX / "qualcoder_project.qdpx")
    assert refi[refi["code"] == "shared services"]["categories"].iloc[0] == ("Collaborate", "Kahane")


def test_code_map_stems_unicode_and_user_file(tmp_path):
    m = load_code_map()
    assert [m.option(c) for c in ("Collaboration", "Adaptation", "EXIT strategy", "Fighting back", "Ação",
                                  "Colaboração", "Saída", "none", "co-operation")] == [
        "collaborate", "adapt", "exit", "fight", None, "collaborate", "exit", "none", "collaborate"]
    assert m.option("leaving the partnership") is None  # exit and collaborate stems both match: no vote
    user = tmp_path / "codes.csv"
    user.write_text("code,option\nAção,fight\nCollaboration,ignore\nleaving the partnership,exit\n", encoding="utf-8")
    mine = load_code_map(user)
    assert [mine.option(c) for c in ("AÇÃO", "Collaboration", "leaving the partnership", "adapt")] == [
        "fight", None, "exit", "adapt"]
    yml = tmp_path / "codes.yml"
    yml.write_text("Ação: collaborate\n", encoding="utf-8")
    assert load_code_map(yml).option("ação") == "collaborate"
    bad = tmp_path / "bad.csv"
    bad.write_text("code,option\nAção,struggle\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv, line 2: option must be one of"):
        load_code_map(bad)


def test_only_codes_that_map_vote(tmp_path):
    f = tmp_path / "tags.csv"
    f.write_text("id,document,tag,content\n1,d1.txt,context,a\n2,d1.txt,context,b\n3,d1.txt,context,c\n"
                 "4,d1.txt,Exit,d\n5,d2.txt,context,e\n", encoding="utf-8")
    hand = read_hand_codes(f)
    assert hand[["document_id", "code", "n_segments"]].values.tolist() == [["d1", "exit", 1]]
    assert hand.attrs["ignored_codes"].values.tolist() == [["context", 4, 2]]
    assert hand.attrs["no_option"] == ["d2"]


def test_no_code_maps_is_exit_2_pointing_to_codes(tmp_path, capsys):
    f = tmp_path / "tags.csv"
    f.write_text("id,document,tag,content\n1,d1.txt,context,a\n2,d2.txt,Ação,b\n", encoding="utf-8")
    assert main(["agreement", str(FIX / "coded.csv"), str(f)]) == 2
    assert "map your codes with --codes FILE" in capsys.readouterr().err
    codes = tmp_path / "codes.csv"
    codes.write_text("code,option\ncontext,exit\nAção,fight\n", encoding="utf-8")
    hand = read_hand_codes(f, codes=codes)
    assert dict(zip(hand["document_id"], hand["code"], strict=True)) == {"d1": "exit", "d2": "fight"}


def test_match_documents_rules():
    m = match_documents(["INT_1", "INT_10", "report", "board.docx", "x1"],
                        ["Fieldwork_INT1_notes", "Fieldwork_INT10_notes", "report_a", "report_b", "board", "x1"])
    got = dict(zip(m["hand_document"], zip(m["document_id"], m["match"], strict=False), strict=False))
    assert got["INT_1"] == ("Fieldwork_INT1_notes", "containment")  # not INT10: digits are not split
    assert got["INT_10"] == ("Fieldwork_INT10_notes", "containment")
    assert got["report"] == ("", "unmatched")  # two candidates: left unmatched, said why
    assert m.set_index("hand_document").loc["report", "note"] == "ambiguous: report_a, report_b"
    assert got["board.docx"] == ("board", "file name") and got["x1"] == ("x1", "exact")
    forced = match_documents(["report"], ["report_a", "report_b"], mapping={"report": "report_b"})
    assert forced.iloc[0].tolist()[:3] == ["report", "report_b", "--match"]
    with pytest.raises(InputError, match="not a document_id in the coded file"):
        match_documents(["a"], ["b"], mapping={"a": "zzz"})


def test_match_file_option(tmp_path, capsys):
    coded = tmp_path / "coded.csv"
    coded.write_text("document_id,primary\nreport_a,fight\nreport_b,exit\n", encoding="utf-8")
    hand = tmp_path / "hand.csv"
    hand.write_text("document_id,code\nreport,exit\n", encoding="utf-8")
    assert main(["agreement", str(coded), str(hand)]) == 2
    assert "--match" in capsys.readouterr().err
    pairs = tmp_path / "match.csv"
    pairs.write_text("hand,coded\nreport,report_b\n", encoding="utf-8")
    assert main(["agreement", str(coded), str(hand), "--match", str(pairs)]) == 0
    out = capsys.readouterr().out
    assert "documents compared: 1" in out and "report -> report_b (--match)" in out
    assert "report_a" in out.split("coded documents without hand codes (1):")[1]
    # a hand document named as the QDA tool exported it, extension and all
    qc = tmp_path / "codings.csv"
    qc.write_text("Codename,File,Coder\nExit,report.docx,ann\n", encoding="utf-8")
    pairs.write_text("hand,coded\nreport.docx,report_a\n", encoding="utf-8")
    assert main(["agreement", str(coded), str(qc), "--match", str(pairs)]) == 0
    assert "report.docx -> report_a (--match)" in capsys.readouterr().out


def test_disagreements_listed_per_document(tmp_path, capsys):
    coded = tmp_path / "coded.csv"
    rows = "\n".join(f"d{i},fight,cue {i}" for i in range(30))
    coded.write_text("document_id,primary,evidence\n" + rows + "\n", encoding="utf-8")
    hand = tmp_path / "hand.csv"
    hand.write_text("document_id,code\n" + "\n".join(f"d{i},exit" for i in range(30)) + "\n", encoding="utf-8")
    assert main(["agreement", str(coded), str(hand), "--max-disagreements", "0"]) == 0
    out = capsys.readouterr().out
    assert "disagreements (30):" in out and "d29: hand exit, coder fight  <- cue 29" in out
    assert "more" not in out
    assert main(["agreement", str(coded), str(hand)]) == 0
    assert "... and 10 more" in capsys.readouterr().out


# ------------------------------------------------------------------ failures: exit 2, file named

def _xlsx(path: Path, rows):
    import openpyxl

    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _zip(path: Path, members: dict):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _qualcoder_db(path: Path):
    con = sqlite3.connect(path)
    con.executescript("create table code_name (cid integer primary key, name text);"
                      "create table code_text (ctid integer primary key, cid integer, fid integer, seltext text);"
                      "create table source (id integer primary key, name text);")
    con.close()
    return path


_BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
         '<Project xmlns="urn:QDA-XML:project:1.0"><Users><User guid="a" name="&lol2;"/></Users></Project>')

FAILURES = {
    "xlsx_other_table": (lambda p: _xlsx(p / "hand.xlsx", [["x", "y"], [1, 2]]), [], "needs a document id column"),
    "xlsx_empty_sheet": (lambda p: _xlsx(p / "hand.xlsx", []), [], "empty first sheet"),
    "zip_not_qdpx": (lambda p: _zip(p / "hand.zip", {"word/document.xml": "<w/>"}), [], "is a Word document, not a REFI"),
    "zip_broken": (lambda p: _write(p / "hand.zip", b"PK\x03\x04garbage"), [],
                   "cannot be opened"),
    "taguette_sqlite": (lambda p: Path(shutil.copy(FIX / "taguette_project.sqlite3", p / "project.sqlite3")), [],
                        "Taguette project database.*See all highlights.*Export this view"),
    "qualcoder_sqlite": (lambda p: _qualcoder_db(p / "data.qda"), [], "QualCoder project database.*Code retrieval"),
    "other_sqlite": (lambda p: sqlite3.connect(p / "x.db").execute("create table t (a)") and p / "x.db", [],
                     "SQLite database, not hand codes"),
    "empty": (lambda p: _write(p / "hand.csv", b""), [], "is empty"),
    "blank": (lambda p: _write(p / "hand.csv", b" \n\n"), [], "is empty"),
    "binary": (lambda p: _write(p / "hand.csv", bytes(range(256)) * 4), [], "binary file"),
    "old_xls": (lambda p: _write(p / "hand.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 600), [],
                "old Excel"),
    "undecodable": (lambda p: _write(p / "hand.csv", b"document_id,code\nd\x81\x8d,fight\n"),
                    [], "neither UTF-8 nor Windows-1252"),
    "taguette_forced_on_qualcoder": (lambda p: FIX / "qualcoder_codings.csv", ["--format", "taguette"],
                                     "given as --format taguette, but it is QualCoder 3.6"),
    "qualcoder_forced_on_taguette": (lambda p: FIX / "taguette_all_tags.xlsx", ["--format", "qualcoder"],
                                     "given as --format qualcoder, but it is Taguette"),
    "refi_forced_on_csv": (lambda p: FIX / "taguette_all_tags.csv", ["--format", "refi"], "--format refi"),
    "qdpx_xml_bomb": (lambda p: _zip(p / "bomb.qdpx", {"project.qde": _BOMB}), [], "forbidden XML"),
    "qdpx_bad_xml": (lambda p: _zip(p / "bad.qdpx", {"project.qde": "<Project><Sources>"}), [], "not well-formed XML"),
    "qdpx_codebook_only": (lambda p: _zip(p / "cb.qdpx", {"project.qde": '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>'}),
                           [], "REFI-QDA codebook: it lists codes but no codings"),
    "qdpx_other_root": (lambda p: _zip(p / "x.qdpx", {"project.qde": "<Other/>"}), [], "does not hold a REFI-QDA"),
    "qdc_codebook": (lambda p: _write(p / "codebook.qdc", b'<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
                                      b'<Codes><Code guid="a" name="fight" isCodable="true"/></Codes></CodeBook>'),
                     [], "REFI-QDA codebook"),
    "taguette_codebook": (lambda p: _write(p / "codebook.csv", b"tag,description,number of highlights,number of documents\n"
                                           b"kahane.fight,,2,1\n"), [], "Taguette codebook.*See all highlights"),
    "folder": (lambda p: (p / "dir.qda").mkdir() or p / "dir.qda", [], "not a regular file"),
    "missing": (lambda p: p / "nothing.csv", [], "not found"),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_bad_hand_files_exit_2_naming_the_file(case, tmp_path, capsys):
    make, extra, message = FAILURES[case]
    (tmp_path / "in").mkdir()
    path = make(tmp_path / "in")
    rc = main(["agreement", str(FIX / "coded.csv"), str(path), *extra])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert str(path) in err or path.name in err
    import re

    assert re.search(message, err), err
    assert "Traceback" not in err


def test_unzipped_project_qde_is_read(tmp_path):
    with zipfile.ZipFile(FIX / "qualcoder_project.qdpx") as zf:
        qde = _write(tmp_path / "project.qde", zf.read("project.qde"))
    hand = read_hand_codes(qde)
    assert hand.attrs["source"] == "refi" and dict(zip(hand["document_id"], hand["code"], strict=True)) == EXPECTED


def test_cp1252_hand_codes_are_read(tmp_path):
    f = tmp_path / "hand.csv"
    f.write_bytes("document_id,code\nd1,Ação\nd2,fight\n".encode("cp1252"))
    hand = read_hand_codes(f)
    assert hand.values.tolist() == [["d1", "ação"], ["d2", "fight"]]


def test_same_name_with_two_extensions_stays_two_documents(tmp_path):
    f = tmp_path / "codings.csv"
    f.write_text("Codename,File,Coder\nFight,minutes.txt,ann\nExit,minutes.docx,ann\nAdapt,budget.txt,ann\n",
                 encoding="utf-8")
    hand = read_hand_codes(f)
    assert dict(zip(hand["document_id"], hand["code"], strict=True)) == {
        "minutes.txt": "fight", "minutes.docx": "exit", "budget": "adapt"}


def test_xlsx_unpacked_size_limit(monkeypatch):
    from analysis.handcodes import readers

    monkeypatch.setattr(readers, "MAX_TEXT_BYTES", 1000)
    with pytest.raises(InputError, match="unpacks to 0 MB, over the 0 MB limit"):
        read_hand_codes(FIX / "taguette_all_tags.xlsx")


def test_qdpx_size_limit(tmp_path, monkeypatch):
    from analysis.handcodes import readers

    monkeypatch.setattr(readers, "MAX_QDE_BYTES", 100)
    with pytest.raises(InputError, match="over the 0 MB limit|unpacked"):
        read_hand_codes(FIX / "qualcoder_project.qdpx")


KINDS = {
    "csv": lambda p: _write(p / "h.csv", b"a;b\n1;2\n"),
    "xlsx": lambda p: _xlsx(p / "h.xlsx", [["File", "Coder"], ["a", "b"]]),
    "zip": lambda p: _zip(p / "h.zip", {"a.txt": "x"}),
    "sqlite": lambda p: _qualcoder_db(p / "h.sqlite"),
    "empty": lambda p: _write(p / "h.csv", b""),
    "binary": lambda p: _write(p / "h.bin", b"\x00\xff" * 500),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("side", ["hand", "coded"])
def test_no_input_kind_makes_agreement_exit_1(kind, side, tmp_path, capsys):
    (tmp_path / "in").mkdir()
    path = KINDS[kind](tmp_path / "in")
    args = [str(FIX / "coded.csv"), str(path)] if side == "hand" else [str(path), str(FIX / "qualcoder_codings.csv")]
    assert main(["agreement", *args]) == 2
    assert "Traceback" not in capsys.readouterr().err


# ------------------------------------------------------------------ kappa and alpha from the libraries

def _kappa_by_hand(a, b):
    """The toolkit's former hand-written kappa, kept here as a reference."""
    a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    labels = sorted(set(a) | set(b))
    observed = float(np.mean(a == b))
    expected = float(np.array([np.mean(a == x) for x in labels]) @ np.array([np.mean(b == x) for x in labels]))
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1.0 - expected)


def _alpha_by_hand(rows):
    """The toolkit's former hand-written nominal alpha (coincidence matrix), as a reference."""
    values = sorted({v for r in rows for v in r if v is not None}, key=str)
    index = {v: i for i, v in enumerate(values)}
    k = len(values)
    coincidence = np.zeros((k, k))
    for u in range(len(rows[0])):
        codes = [index[r[u]] for r in rows if r[u] is not None]
        if len(codes) < 2:
            continue
        counts = np.bincount(codes, minlength=k).astype(float)
        coincidence += (np.outer(counts, counts) - np.diag(counts)) / (len(codes) - 1)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    expected_pairs = n**2 - (n_c**2).sum()
    if expected_pairs == 0:
        return 1.0
    return float(1.0 - (n - 1) * (coincidence.sum() - np.trace(coincidence)) / expected_pairs)


@pytest.mark.parametrize("seed", range(20))
def test_library_kappa_and_alpha_equal_the_former_hand_written_ones(seed):
    rng = np.random.default_rng(seed)
    options = ["fight", "adapt", "exit", "collaborate", "none"]
    n = int(rng.integers(2, 80))
    x = rng.choice(options[: int(rng.integers(2, 6))], n)
    y = np.where(rng.random(n) < rng.random(), x, rng.choice(options, n))
    assert cohen_kappa(x, y) == pytest.approx(_kappa_by_hand(x, y), abs=1e-12)
    rows = [list(x), list(y), [v if rng.random() < 0.7 else None for v in rng.choice(options, n)]]
    assert krippendorff_alpha(rows) == pytest.approx(_alpha_by_hand(rows), abs=1e-12)
    assert krippendorff_alpha(rows[:2]) == pytest.approx(_alpha_by_hand(rows[:2]), abs=1e-12)


def test_kappa_alpha_edge_cases_as_before():
    same = ["fight"] * 5
    assert cohen_kappa(same, same) == _kappa_by_hand(same, same) == 1.0
    assert krippendorff_alpha([same, same]) == _alpha_by_hand([same, same]) == 1.0
    with pytest.raises(ValueError, match="two coders"):
        krippendorff_alpha([["a", None], [None, "b"]])


def test_agreement_measures_on_fixture_match_hand_calculation():
    coded = pd.read_csv(FIX / "coded.csv", keep_default_na=False)
    r = agreement(coded, read_hand_codes(FIX / "qualcoder_codings.csv"))
    # 4 documents, 3 agree: po = 0.75; hand 1 of each option, coder adapt 2, fight 1, collaborate 1:
    # pe = (1*1 + 1*2 + 1*0 + 1*1) / 16 = 0.25, kappa = (0.75 - 0.25) / 0.75
    assert r.n == 4 and r.accuracy == 0.75
    assert r.kappa == pytest.approx(2 / 3)
    assert r.documents["hand_document"].tolist() == [f"{CABINET}.docx", f"{INT01}.pdf", "budget_2020.txt",
                                                      "minutes-2016-03.txt"]


# ------------------------------------------------------------------ property: Taguette rows, any repeats

_TAGS = ["kahane.fight", "kahane.adapt", "Exit", "collaboration", "context", "Ação"]
_OPTION_OF = {"kahane.fight": "fight", "kahane.adapt": "adapt", "Exit": "exit", "collaboration": "collaborate"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(highlights=st.lists(st.tuples(st.sampled_from(["d1", "Doc ß", "报告"]),
                                     st.lists(st.sampled_from(_TAGS), min_size=1, max_size=3, unique=True),
                                     st.integers(1, 3)), min_size=1, max_size=12))
def test_taguette_rows_read_whatever_the_repeats(highlights, tmp_path):
    import csv

    f = tmp_path / "tags.csv"
    with f.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "document", "tag", "content"])
        for hid, (doc, tags, repeat) in enumerate(highlights, start=1):
            for _ in range(repeat):  # the per-tag export repeats a highlight's rows
                for tag in tags:
                    w.writerow([hid, doc, tag, "text, with a comma"])
    votes: dict = {}
    for doc, tags, _ in highlights:
        for tag in tags:
            if tag in _OPTION_OF:
                votes.setdefault(doc, []).append(_OPTION_OF[tag])
    expected = {}
    for doc, seen in votes.items():
        best = max(seen.count(o) for o in seen)
        expected[doc] = next(o for o in seen if seen.count(o) == best)
    if not expected:
        hand = read_hand_codes(f)
        assert hand.empty
        return
    hand = read_hand_codes(f)
    assert dict(zip(hand["document_id"], hand["code"], strict=True)) == expected
