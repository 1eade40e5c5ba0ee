"""Readers, dataset folders and validation: expected values on small files."""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLE, REAL, STAFFORDSHIRE, TINY, write_files

from analysis.cli import main
from analysis.data import TABLES, ValidationReport, load_dataset, read_dataset, read_table
from analysis.data.readers import normalise_name, parse_years
from analysis.errors import InputError


def _read(tmp_path, name, content, table, **kwargs):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    report = ValidationReport()
    data = read_table(path, TABLES[table], report=report, **kwargs)
    return data, report


def test_tiny_dataset_loads_with_expected_values(tiny_dataset):
    ds = load_dataset(tiny_dataset)
    fin = ds["finance"]
    assert fin["year"].tolist() == [2010, 2011, 2010, 2011, 2010, 2011]
    assert ds["activity"]["attendance_rate"].tolist() == [0.8, 0.9, 0.5]
    assert ds.report.ok and not ds.report.warnings


def test_years_in_every_financial_year_spelling():
    years, bad = parse_years(pd.Series(["2010", "2010-11", "2010/11", "2010-2011", "2010.0", " 2019-20 ",
                                        "2010-12", "twenty", "2099/00"]))
    assert years.tolist()[:6] == [2010, 2010, 2010, 2010, 2010, 2019]
    assert bad.tolist() == [False] * 6 + [True, True, False]
    assert years.iloc[8] == 2099


def test_numbers_with_pounds_commas_percent_and_markers(tmp_path):
    text = ("council_code,year,spending_power_gbp_m,population\n"
            "a1,2010,\"£1,234.5\",\"12 000\"\n"
            "A2,2010,..,[c]\n"
            "A3,2010,(5),N/A\n")
    data, report = _read(tmp_path, "finance.csv", text, "finance")
    f = data.frame
    assert f["council_code"].tolist() == ["A1", "A2", "A3"]
    assert f["spending_power_gbp_m"].iloc[0] == pytest.approx(1234.5)
    assert pd.isna(f["spending_power_gbp_m"].iloc[1])
    assert f["spending_power_gbp_m"].iloc[2] == -5
    assert f["population"].iloc[0] == 12000 and pd.isna(f["population"].iloc[1])
    marker_warnings = [p for p in report.warnings if "markers" in p.problem]
    counted = {p.column: len(p.rows) for p in marker_warnings}
    assert counted == {"spending_power_gbp_m": 1, "population": 2}
    # The missing required value is an error, the negative one too (validation), never zero.
    assert any(p.column == "spending_power_gbp_m" and p.rows == [3] for p in report.errors)


@pytest.mark.parametrize("marker", ["..", "...", "…", "-", "x", "[c]", "[x]", "[z]", "[low]", "N/A",
                                    "Not available"])
def test_every_suppression_marker_is_missing_and_counted(tmp_path, marker):
    text = f"partnership_id,year,meetings,outputs\nP1,2010,3,{marker}\nP1,2011,4,2\n"
    data, report = _read(tmp_path, "activity.csv", text, "activity")
    assert pd.isna(data.frame["outputs"].iloc[0]) and data.frame["outputs"].iloc[1] == 2
    assert [p.rows for p in report.warnings if p.column == "outputs"] == [[2]]


def test_windows_1252_and_bom(tmp_path):
    text = "council_code,council_name,tier,region\nE1,Ynys Môn – test,unitary,Wales\n"
    data, report = _read(tmp_path, "councils.csv", text.encode("cp1252"), "councils")
    assert data.frame["council_name"].iloc[0] == "Ynys Môn – test"
    assert any("Windows-1252" in p.problem for p in report.warnings)
    data, report = _read(tmp_path, "councils.csv", b"\xef\xbb\xbf" + text.encode("utf-8"), "councils")
    assert data.frame.columns[0] == "council_code" and not report.warnings


def test_excel_header_below_title_rows_and_footnotes(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Councils"
    ws.append(["Local authority register"])
    ws.append(["Published by nobody; synthetic"])
    for _ in range(4):
        ws.append([])
    ws.append(["Council Code", " Council Name ", "Tier", "Region", "Population"])
    ws.append(["e1", "  Alpha  Council ", "County", "North East", 1200])
    ws.append(["E2", "Beta", "London Borough", "London", "[c]"])
    ws.append([])
    ws.append(["Source: invented for a test"])
    ws.append(["Note 1: population rounded"])
    path = tmp_path / "councils.xlsx"
    wb.save(path)
    report = ValidationReport()
    data = read_table(path, TABLES["councils"], report=report)
    f = data.frame
    assert f["council_code"].tolist() == ["E1", "E2"]
    assert f["council_name"].tolist() == ["Alpha Council", "Beta"]
    assert f["tier"].tolist() == ["county", "london_borough"]
    assert data.rows.tolist() == [8, 9]
    assert any("footnote" in p.problem and p.rows == [11, 12] for p in report.warnings)


def test_parquet_round_trip(tmp_path, tiny_dataset):
    ds = load_dataset(tiny_dataset)
    folder = tmp_path / "pq"
    folder.mkdir()
    for name, frame in ds.tables.items():
        frame.to_parquet(folder / f"{name}.parquet")
    again = load_dataset(folder)
    for name, frame in ds.tables.items():
        pd.testing.assert_frame_equal(again[name].reset_index(drop=True), frame.reset_index(drop=True),
                                      check_dtype=False)


def test_dataset_yml_maps_files_sheets_and_columns(tmp_path):
    files = dict(TINY)
    files["la_register.csv"] = files.pop("councils.csv").replace("council_code", "LA Code").replace(
        "council_name", "Authority")
    files["dataset.yml"] = ("tables:\n  councils:\n    file: la_register.csv\n"
                            "    columns: {council_code: LA Code, council_name: Authority}\n")
    ds = load_dataset(write_files(tmp_path / "mapped", files))
    assert ds["councils"]["council_code"].tolist() == ["A1", "B1", "C1"]


def test_dataset_yml_refuses_paths_outside_the_folder(tmp_path):
    files = dict(TINY)
    files["dataset.yml"] = "tables:\n  councils:\n    file: ../../etc/passwd\n"
    ds = read_dataset(write_files(tmp_path / "escape", files))
    assert any("outside the dataset folder" in p.problem for p in ds.report.errors)


def test_dataset_yml_with_python_tag_is_refused_with_its_line(tmp_path):
    files = dict(TINY)
    files["dataset.yml"] = "name: x\ntables: !!python/object/apply:os.system ['echo hi']\n"
    ds = read_dataset(write_files(tmp_path / "tag", files))
    assert any("line 2" in p.problem for p in ds.report.errors)


def test_cross_table_problems_are_all_collected(tmp_path):
    files = dict(TINY)
    files["partnerships.csv"] += "P3,Bad,forum,2015,2012,ZZ9\nP1,Dup,forum,2010,,A1\n"
    files["activity.csv"] += "P9,2011,-1,1.5\n"
    files["finance.csv"] += "Q1,2010,5,0\n"
    ds = read_dataset(write_files(tmp_path / "broken", files))
    found = {(p.file, p.column, tuple(p.rows)) for p in ds.report.errors}
    assert ("partnerships.csv", "dissolved", (4,)) in found
    assert ("partnerships.csv", "partnership_id", (2, 5)) in found
    assert ("partnerships.csv", "lead_council_code", (4,)) in found
    assert ("activity.csv", "partnership_id", (5,)) in found
    assert ("activity.csv", "meetings", (5,)) in found
    assert ("activity.csv", "attendance_rate", (5,)) in found
    assert ("finance.csv", "council_code", (8,)) in found
    assert ("finance.csv", "population", (8,)) in found
    with pytest.raises(InputError, match="did not pass validation"):
        load_dataset(tmp_path / "broken")


def test_missing_column_suggests_the_near_name(tmp_path):
    files = dict(TINY)
    files["finance.csv"] = files["finance.csv"].replace("spending_power_gbp_m", "spending_powr_gbp_m")
    ds = read_dataset(write_files(tmp_path / "typo", files))
    err = [p for p in ds.report.errors if p.column == "spending_power_gbp_m"]
    assert err and "did you mean 'spending_powr_gbp_m'" in err[0].fix


def test_validate_command_exit_codes_and_report(tmp_path, tiny_dataset, capsys):
    assert main(["validate", str(tiny_dataset)]) == 0
    files = dict(TINY)
    files["memberships.csv"] += "P7,X,Someone,health,member,\n"
    broken = write_files(tmp_path / "b", files)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in broken.iterdir()}
    out_csv = tmp_path / "report" / "problems.csv"
    assert main(["validate", str(broken), "--report", str(out_csv)]) == 2
    text = capsys.readouterr().out
    assert "memberships.csv, row 5, column 'partnership_id'" in text and "Traceback" not in text
    assert pd.read_csv(out_csv)["row"].tolist() == [5]
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in broken.iterdir()}
    assert before == after


def test_missing_folder_is_a_user_error(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("folder", [EXAMPLE, STAFFORDSHIRE])
def test_bundled_datasets_validate(folder):
    ds = load_dataset(folder)
    assert ds.report.ok
    assert len(ds["partnerships"]) >= 10


def test_example_has_the_promised_shape():
    ds = load_dataset(EXAMPLE)
    tiers = ds["councils"]["tier"].value_counts()
    assert tiers["county"] == 21 and tiers["metropolitan"] == 36 and tiers["london_borough"] == 33
    assert tiers["district"] == 166  # 164 plus two created by the 2019 mergers
    assert ds["councils"]["region"].nunique() == 9
    assert 1100 <= len(ds["partnerships"]) <= 1300
    # every type but those only the real England data use (statutory geographies)
    real_only = {"fire_rescue_authority", "local_resilience_forum", "integrated_care_system", "police_force_area",
                 "local_skills_improvement_plan"}
    assert set(ds["partnerships"]["type"]) == set(TABLES["partnerships"].column("type").choices) - real_only
    assert ds["finance"]["year"].min() == 2010 and ds["finance"]["year"].max() == 2023
    assert 200 <= len(ds["documents"]) <= 500


def test_example_austerity_follows_the_published_pattern():
    ds = load_dataset(EXAMPLE)
    f = ds["finance"].merge(ds["deflators"], on="year")
    f["real_per_head"] = f["spending_power_gbp_m"] / f["population"] / f["deflator"]
    wide = f.pivot(index="council_code", columns="year", values="real_per_head")
    change = (wide[2019] / wide[2010] - 1).dropna()
    assert -0.33 <= change.median() <= -0.25
    tier = ds["councils"].set_index("council_code")["tier"].reindex(change.index)
    by_tier = change.groupby(tier).median()
    assert by_tier["county"] > by_tier["district"] and by_tier["county"] > by_tier["metropolitan"]
    dep = ds["councils"].set_index("council_code")["deprivation"].reindex(change.index)
    quint = pd.qcut(dep, 5, labels=False)
    ratio = change.groupby(quint).mean()
    assert 1.6 <= ratio[4] / ratio[0] <= 2.6  # most deprived cut about twice as hard


def test_make_example_is_identical_for_the_same_seed(tmp_path):
    assert main(["make-example", "--seed", "7", "--documents", "10", "--out", str(tmp_path / "a")]) == 0
    assert main(["make-example", "--seed", "7", "--documents", "10", "--out", str(tmp_path / "b")]) == 0
    digest = lambda d: {p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
                        for p in sorted(d.rglob("*")) if p.is_file()}
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert main(["make-example", "--seed", "8", "--documents", "10", "--out", str(tmp_path / "c")]) == 0
    assert digest(tmp_path / "a") != digest(tmp_path / "c")


def test_committed_example_matches_the_generator(tmp_path):
    assert main(["make-example", "--seed", "2010", "--out", str(tmp_path / "ex")]) == 0
    for p in sorted((tmp_path / "ex").rglob("*")):
        if p.is_file():
            rel = p.relative_to(tmp_path / "ex")
            assert (EXAMPLE / rel).read_bytes() == p.read_bytes(), rel


def test_normalise_name():
    assert normalise_name(" Spending Power (£m) ") == "spending_power_m"
    assert normalise_name("\ufeffcouncil_code") == "council_code"


@pytest.mark.skipif(not REAL.exists(), reason="../shared/data/real is absent")
def test_real_register_reads_without_error():
    path = REAL / "mysociety_la_register" / "uk_local_authorities.csv"
    report = ValidationReport()
    data = read_table(path, None, report=report)
    assert data is not None and len(data.frame) > 300
    assert not report.errors
    assert np.isin(["local_authority_code", "official_name"], data.frame.columns).all()


@pytest.mark.parametrize("kind, cells, expected, problems", [
    ("code", ["P1", " p2", "P3"], ["P1", "P2", "P3"], []),            # trimmed, upper-cased
    ("code", ["P1", "..", "P3"], ["P1", None, "P3"], ["held missing or suppression markers"]),
    ("code", ["P1", "#REF!", "P3"], ["P1", None, "P3"], ["Excel error value"]),
    ("code", ["P1", "", "P3"], ["P1", None, "P3"], []),               # an empty string is missing
    ("code", ["X\u200b1", "\uff38\uff11", "X1"], ["X1", "X1", "X1"], ["invisible or look-alike"]),
    ("text", ["Tees  Valley", "Black\tCountry", "Ely"], ["Tees Valley", "Black Country", "Ely"], []),
    ("text", ["Cöuncil", "Caerdydd", "Ely"], ["Cöuncil", "Caerdydd", "Ely"], []),
    ("text", ["Member A", "Not available", "Ely"], ["Member A", None, "Ely"],
     ["held missing or suppression markers"]),
    ("text", ["Member A", "NOT APPLICABLE", "Northern Link"], ["Member A", None, "Northern Link"],
     ["held missing or suppression markers"]),
    ("text", ["x", "-", "Ely"], ["x", "-", "Ely"], []),               # a lone x or dash may be a name
])
def test_text_and_code_cells_are_converted(kind, cells, expected, problems):
    from analysis.data.readers import convert_column
    from analysis.data.schema import Column

    col = Column("x", kind, "a column", nullable=True, upper=kind == "code")
    report = ValidationReport()
    out = convert_column(pd.Series(cells, dtype=object), col, table="t", file="f", rows=np.arange(2, 5),
                         report=report)
    assert out.dtype == pd.Series([], dtype="str").dtype
    assert [None if pd.isna(v) else v for v in out] == expected
    assert [p.problem for p in report.problems] == [next(p.problem for p in report.problems if want in p.problem)
                                                    for want in problems]
    assert all(p.rows == [3] or p.rows == [2, 3] for p in report.problems)


@pytest.mark.parametrize("text, sep", [
    ("a,b\n1,2\n", ","),                  # plain commas: no sniffing needed
    ("a;b\n1,5;2,5\n", ";"),              # semicolons with decimal commas
    ('a,b\n"x, y",2\n', ","),             # a quoted comma
    ("a\tb\n1\t2\n", "\t"),               # tabs in a .csv
])
def test_separator_is_found(tmp_path, text, sep):
    from analysis.data.readers import _plain_comma

    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    data = read_table(path, None, report=ValidationReport())
    assert list(data.frame.columns) == ["a", "b"] and len(data.frame) == 1
    if _plain_comma(text.splitlines()) is not None:
        assert sep == ","


def test_text_columns_have_one_type_whatever_the_file_held(tmp_path):
    """Codes and names come back as pandas' ``str`` type, as the README promises, also from a
    Parquet file written with the other string type (``string``, missing as pd.NA)."""
    frame = pd.DataFrame({"partnership_id": pd.Series(["P1", "P2", None], dtype="string"),
                          "name": pd.Series(["Board A", "Board B", "Board C"], dtype="string"),
                          "type": ["lep", "other", "lep"], "established": [2010, 2011, 2012]})
    frame.to_parquet(tmp_path / "partnerships.parquet")
    data = read_table(tmp_path / "partnerships.parquet", TABLES["partnerships"], report=ValidationReport())
    for column in ("partnership_id", "name", "type"):
        assert data.frame[column].dtype == pd.Series([], dtype="str").dtype, column
    assert data.frame["name"].tolist() == ["Board A", "Board B", "Board C"]
    assert data.frame["established"].dtype == "Int64"


def test_documents_on_disk_are_checked_without_leaving_the_folder(tmp_path):
    """Missing files (and dead links) are warnings; a link leading outside the dataset, a folder
    or a named pipe in place of a document is an error; nothing outside the folder is read."""
    folder = write_files(tmp_path / "d", TINY)
    (folder / "docs").mkdir()
    (folder / "docs" / "ok.txt").write_text("minutes", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not for the report", encoding="utf-8")
    (folder / "docs" / "out.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "docs" / "dead.txt").symlink_to(folder / "gone.txt")
    (folder / "docs" / "inside.txt").symlink_to(folder / "docs" / "ok.txt")
    os.mkfifo(folder / "docs" / "pipe.txt")
    paths = ["docs/ok.txt", "docs/out.txt", "docs/dead.txt", "docs/missing.txt", "docs", "docs/pipe.txt",
             "docs/inside.txt", "../secret.txt"]
    (folder / "documents.csv").write_text("document_id,path\n" + "".join(
        f"D{i},{p}\n" for i, p in enumerate(paths)), encoding="utf-8")
    report = read_dataset(folder).report
    found = {(p.severity, p.problem): p.rows for p in report.problems if p.table == "documents"}
    assert found == {
        ("error", "path leaves the dataset folder (absolute or with '..')"): [9],
        ("warning", "document file not found; it will be reported and skipped"): [4, 5],
        ("error", "document the file is a link to " + str(tmp_path / "secret.txt")
         + ", outside the dataset folder; it was not read"): [3],
        ("error", "document the path is a folder, not a regular file; it was not read"): [6],
        ("error", "document the path is a named pipe (FIFO), not a regular file; it was not read"): [7],
    }


@pytest.mark.parametrize("tail", [0, 1, 64, 65, 300])
def test_footnote_rows_are_counted_from_the_end(tail):
    from analysis.data.readers import _footnote_rows

    n = 500
    frame = pd.DataFrame({"a": ["x"] * n, "b": [1.0] * n})
    if tail:
        frame.loc[n - tail:, "b"] = np.nan
    assert _footnote_rows(frame, ["a", "b"]) == tail
    assert _footnote_rows(frame.iloc[:0], ["a", "b"]) == 0


def test_windows_byte_after_a_long_utf8_start_is_found(tmp_path):
    """A file parsed as UTF-8 from its first 64 KB is read again, as Windows-1252, when a byte
    further down is not UTF-8: the warning names that line and the name reads right."""
    rows = [f"P{i:05d},Board {i},lep,2010,,A1" for i in range(3000)]
    rows[2500] = "P02500,Caf\xe9 Board,lep,2010,,A1"
    text = "partnership_id,name,type,established,dissolved,lead_council_code\n" + "\n".join(rows) + "\n"
    raw = text.encode("cp1252")
    assert raw.index(b"\xe9") > 64 * 1024
    path = tmp_path / "partnerships.csv"
    path.write_bytes(raw)
    report = ValidationReport()
    data = read_table(path, TABLES["partnerships"], report=report)
    assert data.frame.loc[2500, "name"] == "Café Board"
    assert len(data.frame) == 3000 and not report.errors
    [warning] = report.warnings
    assert "Windows-1252" in warning.problem and "line 2502" in warning.problem


def test_cross_table_warnings_name_their_rows(tmp_path):
    """Activity outside a partnership's life, a finance year without a deflator and a council
    without finance rows are each reported once, with the rows a spreadsheet shows."""
    files = dict(TINY)
    files["activity.csv"] = ("partnership_id,year,meetings,attendance_rate\n"
                             "P1,2010,4,0.8\nP1,2008,5,0.9\nP2,2011,10,0.5\nP2,2015,2,0.5\n")
    files["finance.csv"] = ("council_code,year,spending_power_gbp_m,population\n"
                            "A1,2010,100,1000\nA1,2012,99,1000\nB1,2010,20,200\n")
    ds = read_dataset(write_files(tmp_path / "d", files))
    by_problem = {p.problem.split(" (")[0].split(";")[0]: p for p in ds.report.warnings}
    outside = by_problem["activity recorded outside the partnership's life"]
    assert outside.rows == [3, 5] and outside.values == [2008, 2015]
    deflator = next(p for p in ds.report.warnings if p.table == "deflators")
    assert "2012" in deflator.problem and "2010" not in deflator.problem
    without = next(p for p in ds.report.warnings if "no finance rows" in p.problem)
    assert without.rows == [4] and without.values == ["C1"]


@pytest.mark.parametrize("sorted_rows", [True, False])
@pytest.mark.parametrize("odd_rows", [0, 1, 25])
def test_activity_outside_life_agrees_with_a_merge(sorted_rows, odd_rows):
    """The life check finds exactly the rows a plain merge of the two tables finds, in any row
    order (missing years and unknown partnerships are never outside)."""
    from analysis.data.validate import _outside_life

    rng = np.random.default_rng(11)
    ids = [f"P{i:03d}" for i in range(120)]
    life = pd.DataFrame({"partnership_id": pd.Series(ids, dtype="str"),
                         "established": pd.array(rng.integers(2000, 2010, len(ids)), dtype="Int64"),
                         "dissolved": pd.array([None if rng.random() < 0.5 else int(y)
                                                for y in rng.integers(2015, 2022, len(ids))], dtype="Int64")})
    rows = []
    for pid, est, dis in life.itertuples(index=False):
        end = 2023 if pd.isna(dis) else int(dis)
        rows += [(pid, year) for year in range(int(est), end + 1)]
    rows += [("P999", 1990), ("P000", None)]  # an unknown partnership, a missing year
    activity = pd.DataFrame(rows, columns=["partnership_id", "year"]).astype({"partnership_id": "str",
                                                                              "year": "Int64"})
    for i in rng.choice(len(activity) - 2, odd_rows, replace=False):
        est = life.set_index("partnership_id").loc[activity.at[i, "partnership_id"], "established"]
        activity.loc[i, "year"] = int(est) - 1 - int(rng.integers(0, 3))
    activity = activity.sort_values("partnership_id", kind="stable").reset_index(drop=True)
    if not sorted_rows:
        activity = activity.sample(frac=1, random_state=3).reset_index(drop=True)
    merged = activity.merge(life, on="partnership_id", how="left")
    expected = ((merged["year"] < merged["established"]) | (merged["year"] > merged["dissolved"]))
    expected = expected.fillna(False).to_numpy(dtype=bool)
    assert expected.sum() == odd_rows
    assert _outside_life(activity, life).tolist() == expected.tolist()


def test_rows_wider_than_the_header_are_found_in_every_table(tmp_path):
    """Several tables whose first data row is wider than the header: each table's own
    "column without a header" warning is reported, once, in the tables' order."""
    files = dict(TINY)
    files["memberships.csv"] = files["memberships.csv"].replace("responsible,A1\n", "responsible,A1,extra\n", 1)
    files["activity.csv"] = files["activity.csv"].replace("P1,2010,4,0.8\n", "P1,2010,4,0.8,9\n", 1)
    files["finance.csv"] = files["finance.csv"].replace("A1,2010-11,100,1000\n", "A1,2010-11,100,1000,7\n", 1)
    report = read_dataset(write_files(tmp_path / "d", files)).report
    wide = [(p.file, p.column) for p in report.problems if "without a header" in p.problem]
    assert wide == [("finance.csv", "column E"), ("memberships.csv", "column G"), ("activity.csv", "column E")]


# ----------------------------------------------------------------------------- guards


def test_limits_come_from_the_environment():
    from analysis.data.guards import Limits

    limits = Limits.from_environment({"ANALYSIS_MAX_TABLE_MB": "1.5", "ANALYSIS_MAX_ROWS": "10",
                                      "ANALYSIS_MAX_YAML_ALIASES": "not a number"})
    assert limits.max_table_bytes == int(1.5 * 1024**2) and limits.max_rows == 10
    assert limits.max_yaml_aliases == Limits().max_yaml_aliases  # ignored, not a crash
    assert Limits.from_environment({}) == Limits()


def test_input_file_check_refuses_what_is_not_a_plain_file_inside(tmp_path):
    from analysis.data.guards import UnsafeInputError, check_input_file, check_input_files

    folder = tmp_path / "d"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "outside.csv").write_text("secret\n", encoding="utf-8")
    (folder / "in.csv").symlink_to(folder / "a.csv")
    (folder / "out.csv").symlink_to(tmp_path / "outside.csv")
    (folder / "linked").symlink_to(tmp_path)  # a folder link leading out
    os.mkfifo(folder / "pipe.csv")
    assert check_input_file(folder / "in.csv", folder) == (folder / "a.csv").resolve()
    results = check_input_files(["a.csv", "in.csv", "out.csv", "linked/outside.csv", "pipe.csv", "sub",
                                 "../outside.csv", "gone.csv", str(tmp_path / "outside.csv")], folder)
    problems = [r.problem if isinstance(r, UnsafeInputError) else "ok" for r in results]
    assert problems == [
        "ok", "ok",
        f"the file is a link to {tmp_path / 'outside.csv'}, outside the dataset folder; it was not read",
        "the path leads outside the dataset folder; it was not read",
        "the path is a named pipe (FIFO), not a regular file; it was not read",
        "the path is a folder, not a regular file; it was not read",
        "the path leads outside the dataset folder; it was not read",
        "file not found",
        "the path leads outside the dataset folder; it was not read",
    ]


def test_safe_yaml_limits_aliases_depth_size_and_tags(tmp_path):
    import yaml

    from analysis.data.guards import Limits, SafeYAMLLoader, UnsafeInputError, load_yaml, parse_yaml

    shared = "base: &b {file: a.csv}\n" + "".join(f"t{i}: *b\n" for i in range(20))
    assert parse_yaml(shared)["t19"] == {"file": "a.csv"}  # 20 aliases: allowed
    with pytest.raises(yaml.MarkedYAMLError, match="more than 20 aliases") as exc:
        parse_yaml(shared + "t20: *b\n")
    assert exc.value.problem_mark.line == 21
    with pytest.raises(yaml.MarkedYAMLError, match="nested more than 3 levels"):
        parse_yaml("a: [[[1]]]\n", limits=Limits(max_yaml_depth=3))
    with pytest.raises(yaml.YAMLError):
        parse_yaml("a: !!python/object/apply:os.getcwd []\n")
    assert yaml.compose("a: [1]\n", Loader=SafeYAMLLoader).value[0][1].value[0].value == "1"
    big = tmp_path / "big.yml"
    big.write_text("a: " + "x" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(UnsafeInputError, match="ANALYSIS_MAX_YAML_KB"):
        load_yaml(big, limits=Limits(max_yaml_bytes=1024))
    assert load_yaml(big)["a"] == "x" * 2000
