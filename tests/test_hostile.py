"""The hostile-input corpus (issue 6; the broken copies of issue 2).

Every case in ``tests/hostile/cases.yml`` is run through the command line
(:func:`analysis.cli.main`) on a fresh copy of ``tests/hostile/_base`` with the case's
files laid over it. For each case the test checks the exit code, that the report names
the problem with its file, row and column, that no traceback is printed, that no file of
the input folder changed (checksums before and after), and that nothing partial is left
in the output folder (no ``*.tmp`` anywhere). Cases that need a huge, binary or
permission-bound input, or a simulated failure, are built here (``build:``).
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import shutil
import time
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.cli import main
from analysis.data import read_dataset

HOSTILE = Path(__file__).parent / "hostile"
CASES = yaml.safe_load((HOSTILE / "cases.yml").read_text(encoding="utf-8"))
SENTINEL = "pwned-by-yaml"


def _checksums(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _xlsx(rows, *, merge=None, cell_formats=None) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    for ref, fmt in (cell_formats or {}).items():
        ws[ref].number_format = fmt
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


COUNCIL_HEADER = ["Council code", "Council name", "Tier", "Region", "Population"]
COUNCIL_ROWS = [
    ["XH001", "Aldermoor County Council", "county", "North West", 500000],
    ["XH002", "Brackwater District Council", "district", "North West", 90000],
    ["XH003", "Calderholt Council", "unitary", "South East", 180000],
    ["XH004", "Dunmere Borough Council", "metropolitan", "Yorkshire and The Humber", 300000],
]


# ----------------------------------------------------------------------------- builders
# Each takes (dataset folder, extra folder outside it, monkeypatch) and prepares the case.


def build_excel_header_row7(ds, extra, mp):
    rows = [["Table 3: Councils by tier"], ["Source: an invented statistical release"], [],
            ["Notes: figures are invented"], [], [], COUNCIL_HEADER, *COUNCIL_ROWS, [],
            ["Footnote 1: [c] means confidential"], ["Contact: stats@example.org"]]
    (ds / "councils.xlsx").write_bytes(_xlsx(rows))


def build_excel_merged_headers(ds, extra, mp):
    rows = [["Who they are", None, "Where", None], COUNCIL_HEADER, *COUNCIL_ROWS]
    (ds / "councils.xlsx").write_bytes(_xlsx(rows, merge="A1:B1"))


def build_excel_div0(ds, extra, mp):
    rows = [COUNCIL_HEADER, *COUNCIL_ROWS]
    rows[2] = rows[2][:4] + ["#DIV/0!"]
    (ds / "councils.xlsx").write_bytes(_xlsx(rows))


def build_excel_ref(ds, extra, mp):
    rows = [COUNCIL_HEADER, *COUNCIL_ROWS]
    rows[3] = rows[3][:3] + ["#REF!", rows[3][4]]
    (ds / "councils.xlsx").write_bytes(_xlsx(rows))


def build_excel_formula(ds, extra, mp):
    rows = [COUNCIL_HEADER, *COUNCIL_ROWS]
    rows[2] = rows[2][:4] + ["=E2/5"]  # written by a program: no cached value
    (ds / "councils.xlsx").write_bytes(_xlsx(rows))


def build_excel_dates(ds, extra, mp):
    import datetime as dt

    rows = [["document_id", "path", "partnership_id", "date", "title"],
            ["D001", "documents/d001.txt", "P001", dt.datetime(2011, 3, 31), "Minutes"],
            ["D002", "documents/d001.txt", "P002", 40633, "Serial number"],
            ["D003", "documents/d001.txt", "P003", "03/04/2011", "Typed as text"]]
    (ds / "documents.xlsx").write_bytes(_xlsx(rows, cell_formats={"D2": "dd/mm/yyyy"}))


def build_csv_holding_xlsx(ds, extra, mp):
    (ds / "councils.csv").write_bytes(_xlsx([COUNCIL_HEADER, *COUNCIL_ROWS]))


def build_png_named_csv(ds, extra, mp):
    (ds / "councils.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))


def build_old_xls(ds, extra, mp):
    (ds / "councils.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))


def build_corrupt_xlsx(ds, extra, mp):
    (ds / "councils.xlsx").write_bytes(_xlsx([COUNCIL_HEADER, *COUNCIL_ROWS])[:900])


def build_zip_not_workbook(ds, extra, mp):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    (ds / "councils.xlsx").write_bytes(buf.getvalue())


def build_zip_bomb(ds, extra, mp):
    # 64 MB of zeros squeezed into well under 1 MB, inside an otherwise plausible workbook.
    with zipfile.ZipFile(ds / "councils.xlsx", "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = bytes(1 << 20)
            for _ in range(64):
                member.write(block)
    assert (ds / "councils.xlsx").stat().st_size < 2 * 1024**2


def build_junk_200mb(ds, extra, mp):
    block = b"abcdefghij" * 104857  # ~1 MB, no newline, no separator
    with open(ds / "evidence.csv", "wb") as fh:
        for _ in range(200):
            fh.write(block)


def build_size_limit(ds, extra, mp):
    mp.setenv("ANALYSIS_MAX_TABLE_MB", "0.0001")  # about 100 bytes: finance.csv is larger


def build_dataset_yml_python_tag(ds, extra, mp):
    target = extra / SENTINEL
    (ds / "dataset.yml").write_text(
        "name: hostile\ntables:\n  councils: !!python/object/apply:os.mkdir\n"
        f"    - {target}\n", encoding="utf-8")


def build_codebook_python_tag(ds, extra, mp):
    target = extra / SENTINEL
    (extra / "codebook.yml").write_text(
        f"codes: !!python/object/apply:os.mkdir\n  - {target}\n", encoding="utf-8")


def build_read_only_output(ds, extra, mp):
    out = extra.parent.parent / "out"
    out.mkdir()
    out.chmod(0o555)
    if os.geteuid() == 0:  # root ignores permissions: refuse the way a read-only mount would
        real_access = os.access

        def access(path, mode, *a, **k):
            if Path(path).resolve() == out.resolve() and mode & os.W_OK:
                return False
            return real_access(path, mode, *a, **k)

        mp.setattr(os, "access", access)


def _failing_fdopen(exc):
    real = os.fdopen

    class _Failing(io.RawIOBase):
        def __init__(self, fh):
            self.fh = fh
            self.written = 0

        def write(self, data):
            # Half the bytes reach the disk, then the failure.
            if self.written == 0:
                self.fh.write(bytes(data[: max(1, len(data) // 2)]))
                self.fh.flush()
                self.written += 1
            raise exc

        def __enter__(self):
            return self

        def __exit__(self, *a):
            self.fh.close()

        def close(self):
            self.fh.close()

    def fdopen(fd, mode="r", *a, **k):
        fh = real(fd, mode, *a, **k)
        return _Failing(fh) if "w" in mode else fh

    return fdopen


def build_disk_full(ds, extra, mp):
    import analysis.writers

    mp.setattr(analysis.writers.os, "fdopen",
               _failing_fdopen(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))


def build_interrupt_write(ds, extra, mp):
    import analysis.writers

    mp.setattr(analysis.writers.os, "fdopen", _failing_fdopen(KeyboardInterrupt()))


# ----------------------------------------------------------------------------- checks
# Each takes the dataset folder, the captured output and the case, and asserts more.


_READ: dict = {}


def _tables(ds):
    if ds not in _READ:
        _READ.clear()
        _READ[ds] = read_dataset(ds).tables
    return _READ[ds]


def check_accented_names(ds, output, case):
    names = _tables(ds)["councils"]["council_name"].tolist()
    assert names[0] == "Ynys Môn County Council"
    assert names[1] == "St Helen’s District Council"
    assert "council_code" in _tables(ds)["councils"].columns


def check_activity_values(ds, output, case):
    act = _tables(ds)["activity"]
    assert act["meetings"].tolist() == [4, 6, 10, 3]
    assert act["attendance_rate"].tolist() == [0.9, 0.85, 0.7, 0.6]


def check_thousands(ds, output, case):
    fin = _tables(ds)["finance"]
    assert fin.loc[0, "spending_power_gbp_m"] == 1234.5
    assert fin.loc[0, "population"] == 1234567


def check_pounds_percent(ds, output, case):
    t = _tables(ds)
    assert t["finance"].loc[0, "spending_power_gbp_m"] == 900.5
    assert t["finance"].loc[0, "population"] == 500000
    assert t["activity"].loc[0, "attendance_rate"] == pytest.approx(0.85)
    assert t["activity"].loc[0, "joint_budget_gbp_m"] == 1.5


def check_outputs_row3_missing(ds, output, case):
    act = _tables(ds)["activity"]
    assert pd.isna(act.loc[1, "outputs"]), "a marker must become missing, never zero"
    assert act["outputs"].notna().sum() == 3


def check_four_councils(ds, output, case):
    c = _tables(ds)["councils"]
    assert c["council_code"].tolist() == ["XH001", "XH002", "XH003", "XH004"]
    assert c["population"].tolist() == [500000, 90000, 180000, 300000]


def check_excel_dates(ds, output, case):
    dates = pd.to_datetime(_tables(ds)["documents"]["date"]).dt.strftime("%Y-%m-%d").tolist()
    assert dates == ["2011-03-31", "2011-03-31", "2011-04-03"]


def check_date_3_april(ds, output, case):
    assert pd.Timestamp(_tables(ds)["documents"].loc[0, "date"]) == pd.Timestamp("2011-04-03")


def check_date_31_march(ds, output, case):
    assert pd.Timestamp(_tables(ds)["documents"].loc[0, "date"]) == pd.Timestamp("2011-03-31")


def check_years_text(ds, output, case):
    assert _tables(ds)["finance"]["year"].tolist()[:4] == [2010, 2011, 2010, 2011]


def check_spaces_codes(ds, output, case):
    t = _tables(ds)
    assert t["councils"].loc[0, "council_code"] == "XH001"
    assert t["councils"].loc[0, "council_name"] == "Aldermoor County Council"
    assert "XH004" in set(t["finance"]["council_code"])


def check_short_report(ds, output, case):
    assert len(output) < 5000, "a huge header must not flood the report"


def check_no_sentinel(ds, output, case):
    assert not any(Path(ds).parent.rglob(SENTINEL)), "the YAML Python tag was executed"


# ----------------------------------------------------------------------------- runner

_LOCATION = re.compile(r"^(?P<sev>ERROR|WARNING): (?P<loc>.*?): ")


def _problem_lines(output: str, severity: str, problem: str) -> list[str]:
    lines = []
    for line in output.splitlines():
        if severity in ("stderr", "any"):
            if problem in line:
                lines.append(line)
        elif line.startswith(f"{severity.upper()}:") and problem in line:
            lines.append(line)
    return lines


def _rows_of(location: str) -> set[int]:
    m = re.search(r"\brows? ([\d, ]+)", location)
    return {int(x) for x in m.group(1).replace(" ", "").split(",") if x} if m else set()


def _assert_expected(output: str, expected: dict) -> None:
    lines = _problem_lines(output, expected["severity"], expected["problem"])
    assert lines, f"no {expected['severity']} mentioning {expected['problem']!r} in:\n{output}"
    if expected["severity"] in ("stderr", "any"):
        return
    for line in lines:
        loc = _LOCATION.match(line)
        location = loc.group("loc") if loc else line
        ok = True
        if "file" in expected:
            ok &= location.split(",")[0] == expected["file"]
        if "column" in expected:
            ok &= f"column '{expected['column']}'" in location
        if "row" in expected:
            ok &= expected["row"] in _rows_of(location)
        if ok:
            return
    pytest.fail(f"{expected} not located as expected; candidates:\n" + "\n".join(lines))


def _param_list():
    for case in CASES:
        marks = [pytest.mark.slow] if case.get("slow") else []
        yield pytest.param(case, id=case["id"], marks=marks)


@pytest.mark.parametrize("case", list(_param_list()))
def test_hostile_case(case, tmp_path, monkeypatch):
    ds = tmp_path / "input" / "dataset"
    extra = tmp_path / "input" / "extra"
    out = tmp_path / "out"
    shutil.copytree(HOSTILE / "_base", ds)
    extra.mkdir()
    for name in case.get("remove", []):
        (ds / name).unlink()
    for name in case.get("files", []):
        shutil.copy2(HOSTILE / case["id"] / name, ds / name)
    if case.get("build"):
        globals()[f"build_{case['build']}"](ds, extra, monkeypatch)
    argv = [a.format(dataset=ds, out=out, extra=extra) for a in case["command"]]
    if argv[0] != "validate":
        from analysis.cli import build_parser

        commands = build_parser()._subparsers._group_actions[0].choices
        if argv[0] not in commands:
            pytest.skip(f"the '{argv[0]}' command does not exist yet")
    before = _checksums(tmp_path / "input")
    stdout, stderr = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        code = main(argv)
    elapsed = time.perf_counter() - started
    monkeypatch.undo()
    output = stdout.getvalue() + stderr.getvalue()

    assert code == case["exit"], f"exit {code}, expected {case['exit']}:\n{output}"
    assert "Traceback" not in output
    if code == 0:
        assert "FAILED" not in output
    for expected in case.get("expect", []):
        _assert_expected(output, expected)
    for text in case.get("absent", []):
        assert text not in output, f"{text!r} should not be in:\n{output}"
    if any(e["severity"] == "error" for e in case.get("expect", [])):
        assert "FAILED" in output
    # Nothing in the input changed; nothing partial anywhere.
    assert _checksums(tmp_path / "input") == before
    assert not list(tmp_path.rglob("*.tmp")), "a temporary file was left behind"
    if code != 0 and out.exists():
        assert not [p for p in out.rglob("*") if p.is_file()], "output written although the command failed"
    if case.get("check"):
        globals()[f"check_{case['check']}"](ds, output, case)
    # A guard against hangs (a pipe read forever, a bomb unpacked), not a speed claim: the limits
    # are sizes, so a case either finishes in seconds or would run for many minutes.
    assert elapsed < 120, f"took {elapsed:.1f} s"


def test_corpus_is_large_and_documented():
    ids = [c["id"] for c in CASES]
    assert len(ids) >= 40 and len(set(ids)) == len(ids)
    for case in CASES:
        assert case["outcome"] and case["exit"] in (0, 1, 2, 130)
        for name in case.get("files", []):
            assert (HOSTILE / case["id"] / name).is_file(), f"{case['id']}: {name} is not committed"
        if case.get("build"):
            assert f"build_{case['build']}" in globals(), case["build"]
        if case.get("check"):
            assert f"check_{case['check']}" in globals(), case["check"]
    builders = {c["build"] for c in CASES if c.get("build")}
    assert {n[len("build_"):] for n in globals() if n.startswith("build_")} <= builders


def test_base_dataset_is_clean():
    report = read_dataset(HOSTILE / "_base").report
    assert report.ok and not report.warnings, report.format()


def test_size_limit_leaves_normal_files_alone(monkeypatch):
    monkeypatch.setenv("ANALYSIS_MAX_TABLE_MB", "1")
    assert read_dataset(HOSTILE / "_base").report.ok


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_output_folder_for_real(tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        code = main(["validate", str(HOSTILE / "_base"), "--report", str(out / "r.csv")])
    assert code == 2 and "not writable" in err.getvalue()
    assert not list(out.iterdir())


def test_codebook_python_tag_is_refused_by_the_loader(tmp_path):
    from analysis.codebook import load_codebook
    from analysis.errors import InputError

    target = tmp_path / SENTINEL
    path = tmp_path / "codebook.yml"
    path.write_text(f"codes: !!python/object/apply:os.mkdir\n  - {target}\n", encoding="utf-8")
    with pytest.raises(InputError, match="codebook|YAML|tag"):
        load_codebook(path)
    assert not target.exists()


def test_row_numbers_survive_skipped_rows(tmp_path):
    """A ragged row is skipped; the rows after it keep their real spreadsheet numbers."""
    from analysis.data.problems import ValidationReport
    from analysis.data.readers import read_table
    from analysis.data.schema import TABLES

    path = tmp_path / "activity.csv"
    path.write_text("partnership_id,year,meetings\nP1,2010,1\nP1,2011,2,oops\nP1,2012,-5\n",
                    encoding="utf-8")
    report = ValidationReport()
    data = read_table(path, TABLES["activity"], report=report)
    assert data.rows.tolist() == [2, 4]
    assert np.array_equal(data.frame["meetings"].to_numpy(dtype=float), [1.0, -5.0])
    assert [p.rows for p in report.errors] == [[3]]


@pytest.mark.parametrize("body, warned", [
    # Every data row ends in an empty cell (a trailing separator): nothing to say.
    ("P1,2010,1,\nP1,2011,2,\n", False),
    # Data rows wider than the header, with values there: not silently cut.
    ("P1,2010,1,note\nP1,2011,2,\n", True),
])
def test_rows_wider_than_the_header(tmp_path, body, warned):
    from analysis.data.problems import ValidationReport
    from analysis.data.readers import read_table
    from analysis.data.schema import TABLES

    path = tmp_path / "activity.csv"
    path.write_text("partnership_id,year,meetings\n" + body, encoding="utf-8")
    report = ValidationReport()
    data = read_table(path, TABLES["activity"], report=report)
    assert data.frame["meetings"].tolist() == [1, 2]
    assert data.rows.tolist() == [2, 3]
    assert not report.errors
    assert any("without a header holds values" in w.problem for w in report.warnings) is warned


# ----------------------------------------------------------------------------- chart export


def _specs(n: int):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.export import ChartSpec

    specs = []
    for i in range(n):
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [i, i + 1, i])
        specs.append(ChartSpec(name=f"chart_{i}", fig=fig, title=f"Chart {i}", alt_text=f"A line, number {i}.",
                               data=pd.DataFrame({"x": [0, 1, 2], "y": [i, i + 1, i]})))
    return specs


@pytest.mark.parametrize("failure", ["interrupt", "disk_full"])
def test_export_interrupted_half_way_leaves_the_previous_export_intact(tmp_path, monkeypatch, failure):
    """Ctrl-C or a full disk half way through an export: the folder holds exactly the
    complete files of the previous export, and no temporary file."""
    import analysis.writers
    from analysis.export import export_charts

    out = tmp_path / "charts"
    export_charts(_specs(2), out, formats=("svg",))
    before = _checksums(out)
    assert len(before) >= 5  # two charts in svg and csv, plus the manifest
    real_fdopen = os.fdopen
    calls = {"n": 0}
    exc = KeyboardInterrupt() if failure == "interrupt" else OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fdopen(fd, mode="r", *a, **k):
        if "w" in mode:
            calls["n"] += 1
            if calls["n"] == 4:  # the fourth file of six: half way
                return _failing_fdopen(exc)(fd, mode, *a, **k)
        return real_fdopen(fd, mode, *a, **k)

    monkeypatch.setattr(analysis.writers.os, "fdopen", fdopen)
    with pytest.raises(type(exc)):
        export_charts(_specs(3), out, formats=("svg",), replace_manifest=True)
    monkeypatch.undo()
    assert calls["n"] >= 4
    assert _checksums(out) == before
    assert not list(tmp_path.rglob("*.tmp")) and not list(tmp_path.rglob(".*.tmp"))


def test_parquet_booleans_are_not_counts(tmp_path):
    """A Parquet boolean column where a count belongs is reported, not read as 1 and 0."""
    from analysis.data.problems import ValidationReport
    from analysis.data.readers import read_table
    from analysis.data.schema import TABLES

    path = tmp_path / "activity.parquet"
    pd.DataFrame({"partnership_id": ["P1", "P2"], "year": [2010, 2011], "meetings": [True, False]}).to_parquet(path)
    report = ValidationReport()
    data = read_table(path, TABLES["activity"], report=report)
    assert data.frame["meetings"].isna().all()
    assert [(p.column, p.problem, list(p.rows)) for p in report.errors] == [("meetings", "is not a number", [2, 3])]


# --------------------------------------------------------- round two: commands, documents, report

XSS_ID = "<img src=x onerror=alert(1)>"  # as in make_corpus.py


def build_xss_id(ds, extra, mp):
    for name in ("partnerships.csv", "memberships.csv", "activity.csv", "evidence.csv", "documents.csv"):
        path = ds / name
        if path.exists():
            path.write_text(path.read_text(encoding="utf-8").replace("P001", XSS_ID), encoding="utf-8")
    councils = ds / "councils.csv"  # the overview notebook shows regions in its tables and sentences
    councils.write_text(councils.read_text(encoding="utf-8").replace("North West", XSS_ID), encoding="utf-8")


def check_no_live_markup(ds, output, case):
    report = (Path(ds).parent.parent / "out" / "report.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in report, "the id should be shown, as text"
    assert "<img src=x" not in report and "onerror=alert" not in report.replace(
        "&lt;img src=x onerror=alert(1)&gt;", "")


def build_secret_outside(ds, extra, mp):
    (extra / "secret.txt").write_text("TOP-SECRET: the council lobbied the minister.", encoding="utf-8")


def build_document_link_outside(ds, extra, mp):
    build_secret_outside(ds, extra, mp)
    (ds / "documents" / "d001.txt").unlink()
    (ds / "documents" / "d001.txt").symlink_to(extra / "secret.txt")


def build_document_fifo(ds, extra, mp):
    (ds / "documents" / "d001.txt").unlink()
    os.mkfifo(ds / "documents" / "d001.txt")


def _use_document(ds, name):
    (ds / "documents" / "d001.txt").unlink()
    docs = ds / "documents.csv"
    docs.write_text(docs.read_text(encoding="utf-8").replace("documents/d001.txt", f"documents/{name}"),
                    encoding="utf-8")
    return ds / "documents" / name


def build_docx_bomb(ds, extra, mp):
    target = _use_document(ds, "d001.docx")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            block = b" " * (1 << 20)
            for _ in range(300):
                member.write(block)
    assert target.stat().st_size < 2 * 1024**2


def build_slow_pdf(ds, extra, mp):
    import zlib

    content = zlib.compress(b"BT /F1 12 Tf 72 712 Td (a) Tj ET\n" * 300_000, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    target = _use_document(ds, "d001.pdf")
    target.write_bytes(pdf)
    assert target.stat().st_size < 40 * 1024


def build_output_csv_is_folder(ds, extra, mp):
    (extra.parent.parent / "out" / "austerity.csv").mkdir(parents=True)


def build_output_is_file(ds, extra, mp):
    (extra.parent.parent / "out").write_text("a file where the output folder should be", encoding="utf-8")


def build_excluded_is_folder(ds, extra, mp):
    (extra.parent.parent / "out" / "austerity_excluded.csv").mkdir(parents=True)


def check_no_austerity_csv(ds, output, case):
    assert not (Path(ds).parent.parent / "out" / "austerity.csv").exists(), "the first output was left behind"


def check_no_out_folder(ds, output, case):
    assert not (Path(ds).parent.parent / "out").exists(), "a failed run left an (empty) output folder"
