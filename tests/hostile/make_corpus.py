"""Write the hostile-input corpus: one folder of broken files per case and ``cases.yml``.

Each case folder holds only the files that differ from ``_base/`` (a small dataset that
validates cleanly); ``tests/test_hostile.py`` copies ``_base/``, lays the case folder over
it, applies the case's ``remove`` and ``build`` steps and runs the command. Cases whose
input is huge, binary, or needs special permissions or a simulated failure are built in
the test (``build:``) rather than committed.

Run ``python tests/hostile/make_corpus.py`` after changing a case here; the files and
the manifest are committed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

HERE = Path(__file__).parent
BASE = HERE / "_base"

ACT_HEAD = "partnership_id,year,meetings,attendance_rate,outputs,joint_budget_gbp_m,active_members\n"
COUNCILS_HEAD = "council_code,council_name,tier,region,population,deprivation\n"
COUNCIL_ROWS = [
    "XH001,Aldermoor County Council,county,North West,500000,20.5",
    "XH002,Brackwater District Council,district,North West,90000,25.1",
    "XH003,Calderholt Council,unitary,South East,180000,15.0",
    "XH004,Dunmere Borough Council,metropolitan,Yorkshire and The Humber,300000,30.2",
]
ACT_ROWS = [
    "P001,2010,4,0.9,3,1.5,8",
    "P001,2011,6,0.85,4,2.0,9",
    "P002,2010,10,0.7,2,0.5,6",
    "P003,2012,3,0.6,1,0.0,4",
]


def _base(name: str) -> str:
    return (BASE / name).read_text(encoding="utf-8")


def councils(*rows: str) -> str:
    return COUNCILS_HEAD + "\n".join(rows or COUNCIL_ROWS) + "\n"


def activity(*rows: str) -> str:
    return ACT_HEAD + "\n".join(rows) + "\n"


def E(problem, *, severity="error", file=None, row=None, column=None):  # noqa: N802 - a manifest helper
    out = {"severity": severity, "problem": problem}
    if file:
        out["file"] = file
    if row is not None:
        out["row"] = row
    if column:
        out["column"] = column
    return out


def W(problem, **kw):  # noqa: N802
    return E(problem, severity="warning", **kw)


CASES: list[dict] = []


def case(id, outcome, *, files=None, remove=(), build=None, command=None, exit=0, expect=(),
         absent=(), check=None, slow=False, issue="6"):
    entry = {"id": id, "outcome": outcome, "exit": exit}
    if files:
        entry["files"] = sorted(files)
    if remove:
        entry["remove"] = list(remove)
    if build:
        entry["build"] = build
    entry["command"] = command or ["validate", "{dataset}"]
    if expect:
        entry["expect"] = list(expect)
    if absent:
        entry["absent"] = list(absent)
    if check:
        entry["check"] = check
    if slow:
        entry["slow"] = True
    entry["issue"] = issue
    CASES.append(entry)
    folder = HERE / id
    if files:
        folder.mkdir(exist_ok=True)
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


ACCENTED = [
    "XH001,Ynys Môn County Council,county,Wales,70000,20.5",
    "XH002,St Helen’s District Council,district,North West,90000,25.1",
    *COUNCIL_ROWS[2:],
]

# ----------------------------------------------------------------------- encodings
case("encoding_utf8_bom", "accepted, no warning: the BOM is not part of the first header",
     files={"councils.csv": "\ufeff" + councils(*ACCENTED)}, absent=["not UTF-8"], check="accented_names",
     issue="2")
case("encoding_utf8_no_bom", "accepted, no warning", files={"councils.csv": councils(*ACCENTED)},
     absent=["not UTF-8"], check="accented_names", issue="2")
case("encoding_cp1252", "accepted with a warning that the file was read as Windows-1252",
     files={"councils.csv": councils(*ACCENTED).encode("cp1252")},
     expect=[W("it was read as Windows-1252", file="councils.csv")], check="accented_names", issue="2")
case("encoding_latin1", "accepted with a warning that the file was read as Latin-1 (a byte undefined "
     "in Windows-1252)",
     files={"councils.csv": councils(*ACCENTED[:1], "XH002,Brackwater\x81 District Council,district,North West,90000,25.1",
                                     *COUNCIL_ROWS[2:]).encode("latin-1")},
     expect=[W("it was read as Latin-1", file="councils.csv")], issue="2")
case("encoding_utf16_tabs", "accepted: Excel's 'Unicode text' export (UTF-16, tab-separated)",
     files={"activity.csv": activity(*ACT_ROWS).replace(",", "\t").encode("utf-16")}, check="activity_values")

# ----------------------------------------------------------------------- numbers
case("thousands_separators", "accepted: 1,234.5 is 1234.5 and 1,234,567 is 1234567",
     files={"finance.csv": _base("finance.csv").replace("XH001,2010,900.5,500000",
                                                        'XH001,2010,"1,234.5","1,234,567"')},
     check="thousands", issue="2")
case("pounds_percent_spaces", "accepted: £900.5, '1 234' and 85% read as 900.5, 1234 and 0.85",
     files={"finance.csv": _base("finance.csv").replace("XH001,2010,900.5,500000", "XH001,2010,£900.5,500 000"),
            "activity.csv": activity("P001,2010,4,85%,3,£1.5,8", *ACT_ROWS[1:])},
     check="pounds_percent", issue="2")
case("finance_headers_as_exported", "accepted: a header row as councils write it ('Council Code', 'Year', "
     "'Spending power (£m)', 'Population'), semicolons between the cells",
     files={"finance.csv": _base("finance.csv").replace(
         _base("finance.csv").splitlines()[0], "Council Code,Year,Spending power (£m),Population").replace(",", ";")
         .replace("XH001;2010;900.5;500000", "XH001;2010;£1,234.5;1,234,567")},
     check="thousands", issue="2")
case("decimal_comma", "rejected: '12,5' is not read as 125 (commas are only thousands separators)",
     files={"finance.csv": _base("finance.csv").replace("XH001,2010,900.5", 'XH001,2010,"12,5"')},
     exit=2, expect=[E("is not a number", file="finance.csv", row=2, column="spending_power_gbp_m")])
case("infinite_number", "rejected: 'inf' is not an amount",
     files={"finance.csv": _base("finance.csv").replace("XH001,2010,900.5", "XH001,2010,inf")},
     exit=2, expect=[E("is not a number", file="finance.csv", row=2, column="spending_power_gbp_m")])

case("booleans_as_counts", "rejected: TRUE/FALSE in a count are not read as 1 and 0",
     files={"activity.csv": activity(*(r.replace(",4,0.9,", ",TRUE,0.9,").replace(",6,0.85,", ",FALSE,0.85,")
                                       .replace(",10,0.7,", ",TRUE,0.7,").replace(",3,0.6,", ",TRUE,0.6,")
                                       for r in ACT_ROWS))},
     exit=2, expect=[E("is not a number", file="activity.csv", row=2, column="meetings")])

# ----------------------------------------------------------------------- markers
MARKERS = {"dotdot": "..", "three_dots": "...", "ellipsis": "…", "dash": "-", "x": "x", "c": "[c]",
           "x_bracket": "[x]", "z": "[z]", "low": "[low]", "n_a": "N/A", "not_available": "Not available"}
for slug, marker in MARKERS.items():
    case(f"marker_{slug}", f"accepted with a warning: '{marker}' in an optional count is read as "
         "missing (not zero) and counted",
         files={"activity.csv": activity(ACT_ROWS[0], f"P001,2011,6,0.85,{marker},2.0,9", *ACT_ROWS[2:])},
         expect=[W("held missing or suppression markers", file="activity.csv", row=3, column="outputs")],
         check="outputs_row3_missing", issue="2")
case("marker_in_required_column", "rejected: a suppressed required value is missing (and the marker "
     "is counted)",
     files={"activity.csv": activity(ACT_ROWS[0], "P001,2011,[c],0.85,4,2.0,9", *ACT_ROWS[2:])},
     exit=2, expect=[E("a required value is missing", file="activity.csv", row=3, column="meetings"),
                     W("held missing or suppression markers", file="activity.csv", row=3, column="meetings")],
     issue="2")
case("excel_errors_in_csv", "rejected: #REF! in a required count is an error; #DIV/0! in an optional "
     "amount is a warning",
     files={"activity.csv": activity(ACT_ROWS[0], "P001,2011,#REF!,0.85,4,#DIV/0!,9", *ACT_ROWS[2:])},
     exit=2, expect=[E("Excel error value", file="activity.csv", row=3, column="meetings"),
                     W("Excel error value", file="activity.csv", row=3, column="joint_budget_gbp_m")],
     absent=["a required value is missing"])

# ----------------------------------------------------------------------- Excel (built in the test)
case("excel_header_row7_footnotes", "accepted: the header is found on row 7; the footnote rows are "
     "ignored with a warning", build="excel_header_row7", remove=["councils.csv"],
     expect=[W("footnote or note row(s)", file="councils.xlsx", row=13)], check="four_councils", issue="2")
case("excel_merged_headers", "accepted: a merged group heading above the header is skipped",
     build="excel_merged_headers", remove=["councils.csv"], check="four_councils")
case("excel_div0_optional", "accepted with a warning: #DIV/0! in an optional column is read as missing",
     build="excel_div0", remove=["councils.csv"],
     expect=[W("Excel error value", file="councils.xlsx", row=3, column="population")])
case("excel_ref_required", "rejected: #REF! in a required column", build="excel_ref", remove=["councils.csv"],
     exit=2, expect=[E("Excel error value", file="councils.xlsx", row=4, column="region")],
     absent=["a required value is missing"])
case("excel_unsaved_formula", "accepted with a warning: a formula never calculated has no value and "
     "is reported, not silently missing", build="excel_formula", remove=["councils.csv"],
     expect=[W("formula cell(s) have no saved value", file="councils.xlsx", row=3, column="Population")])
case("excel_dates", "accepted: real Excel dates and Excel serial numbers in documents.date",
     build="excel_dates", remove=["documents.csv"], check="excel_dates")

# ----------------------------------------------------------------------- dates and years
case("dates_dd_mm_yyyy", "accepted: 03/04/2011 is 3 April 2011 (UK order)",
     files={"documents.csv": _base("documents.csv").replace("2011-03-31", "03/04/2011")},
     check="date_3_april", issue="2")
case("dates_excel_serial", "accepted: 40633 in a CSV date column is the Excel serial for 31 March 2011",
     files={"documents.csv": _base("documents.csv").replace("2011-03-31", "40633")}, check="date_31_march")
case("dates_impossible", "rejected: 31/02/2011 is not a date",
     files={"documents.csv": _base("documents.csv").replace("2011-03-31", "31/02/2011")},
     exit=2, expect=[E("is not a date", file="documents.csv", row=2, column="date")])
case("years_as_text", "accepted: 2010-11, 2011/12, 2010-2011 and FY2011-12 are financial years by their "
     "start year", files={"finance.csv": _base("finance.csv").replace("XH001,2010", "XH001,2010-11")
                          .replace("XH001,2011", "XH001,2011/12").replace("XH002,2010", "XH002,2010-2011")
                          .replace("XH002,2011", "XH002,FY2011-12")}, check="years_text", issue="2")
case("years_words", "rejected: 'twenty ten' is not a year",
     files={"partnerships.csv": _base("partnerships.csv").replace("lep,2005", "lep,twenty ten")},
     exit=2, expect=[E("is not a year", file="partnerships.csv", row=2, column="established")])
case("years_not_consecutive", "rejected: 2010-12 is not a financial year",
     files={"finance.csv": _base("finance.csv").replace("XH001,2010", "XH001,2010-12")},
     exit=2, expect=[E("is not a year", file="finance.csv", row=2, column="year")])

# ----------------------------------------------------------------------- layout
case("blank_lines", "rejected for the negative count only, reported on its real row (6) despite the "
     "blank and comma-only lines above it",
     files={"activity.csv": ACT_HEAD + ACT_ROWS[0] + "\n\n" + ACT_ROWS[1] + "\n,,,,,,\n"
            + "P002,2010,-1,0.7,2,0.5,6\n" + ACT_ROWS[3] + "\n\n\n"},
     exit=2, expect=[E("must be at least 0", file="activity.csv", row=6, column="meetings")])
case("stray_spaces_lower_case_codes", "accepted: codes trimmed and upper-cased, names' spaces tidied; "
     "references still match",
     files={"councils.csv": councils(" xh001 ,  Aldermoor  County Council ,county,North West,500000,20.5",
                                     *COUNCIL_ROWS[1:]),
            "finance.csv": _base("finance.csv").replace("XH004", "xh004 ")}, check="spaces_codes", issue="2")
case("repeated_header", "accepted with a warning: a header repeated inside the data (a printed page "
     "break) is skipped", files={"activity.csv": activity(ACT_ROWS[0], ACT_HEAD.strip(), *ACT_ROWS[1:])},
     expect=[W("repeated header rows", file="activity.csv", row=3)], check="activity_values")
case("duplicate_column_names", "rejected: two 'council_name' columns, named by their letters",
     files={"councils.csv": COUNCILS_HEAD.strip() + ",Council Name\n" + "\n".join(r + ",Other" for r in COUNCIL_ROWS) + "\n"},
     exit=2, expect=[E("appears twice (columns B and G)", file="councils.csv", column="council_name")], issue="2")
case("ragged_row", "rejected: a row with more cells than the header is reported, not silently cut",
     files={"activity.csv": activity(ACT_ROWS[0], ACT_ROWS[1] + ",extra", *ACT_ROWS[2:])},
     exit=2, expect=[E("more cells than the rows above", file="activity.csv", row=3)])
case("unterminated_quote", "rejected: a quote never closed would swallow the rest of the file",
     files={"activity.csv": activity(ACT_ROWS[0], 'P001,2011,6,"0.85,4,2.0,9', *ACT_ROWS[2:])},
     exit=2, expect=[E("is never closed", file="activity.csv")])
case("empty_file", "rejected: the file is empty (and not reported again as a missing table)",
     files={"councils.csv": b""}, exit=2, expect=[E("the file is empty", file="councils.csv")],
     absent=["required table 'councils' is missing"])
case("blank_only_file", "rejected: only blank lines", files={"councils.csv": "\n\n   \n"}, exit=2,
     expect=[E("holds no table", file="councils.csv")])
case("header_only_required_table", "rejected: partnerships has a header but no rows",
     files={"partnerships.csv": _base("partnerships.csv").splitlines()[0] + "\n",
            "memberships.csv": "partnership_id,member_id,member_name,sector,role\n",
            "activity.csv": ACT_HEAD, "evidence.csv": "partnership_id,indicator,value\n",
            "documents.csv": "document_id,path\n"},
     exit=2, expect=[E("header but no data rows", file="partnerships.csv")])

# ----------------------------------------------------------------------- not what the name says
case("xlsx_holding_text", "rejected: councils.xlsx is really CSV text",
     files={"councils.xlsx": councils()}, remove=["councils.csv"], exit=2,
     expect=[E("holds text, not a xlsx file", file="councils.xlsx")], absent=["is missing"])
case("csv_holding_xlsx", "accepted with a warning: councils.csv is really a workbook, and is read as one",
     build="csv_holding_xlsx", expect=[W("is an Excel workbook although it ends in '.csv'", file="councils.csv")],
     check="four_councils")
case("png_named_csv", "rejected: councils.csv is a PNG image", build="png_named_csv", exit=2,
     expect=[E("not text, Excel or Parquet", file="councils.csv")])
case("old_xls_named_xlsx", "rejected: an old binary .xls workbook", build="old_xls", remove=["councils.csv"],
     exit=2, expect=[E("old-style .xls", file="councils.xlsx")])
case("corrupt_xlsx", "rejected: a truncated workbook", build="corrupt_xlsx", remove=["councils.csv"], exit=2,
     expect=[E("not a valid Excel workbook", file="councils.xlsx")])
case("zip_not_workbook", "rejected: a zip archive that is not a workbook", build="zip_not_workbook",
     remove=["councils.csv"], exit=2, expect=[E("not an Excel workbook", file="councils.xlsx")])
case("zip_bomb_xlsx", "rejected before expanding: a zip bomb disguised as a workbook", build="zip_bomb",
     remove=["councils.csv"], exit=2, expect=[E("possible zip bomb", file="councils.xlsx")])
case("file_200mb_one_line", "rejected in seconds and without 200 MB of copies: a 200 MB file that is "
     "one line of junk; the message stays short", build="junk_200mb", exit=2,
     expect=[E("missing required column 'partnership_id'", file="evidence.csv")], check="short_report",
     slow=True)
case("size_limit", "rejected: a table file over the size limit (ANALYSIS_MAX_TABLE_MB, lowered here)",
     build="size_limit", exit=2, expect=[E("more than the", file="finance.csv")])

# ----------------------------------------------------------------------- dataset.yml and paths
case("dataset_yml_python_tag", "rejected: a Python tag in dataset.yml is refused, never run",
     build="dataset_yml_python_tag", exit=2, expect=[E("not valid YAML on line 3", file="dataset.yml")],
     check="no_sentinel")
case("dataset_yml_dotdot", "rejected: a file outside the dataset folder (../)",
     files={"dataset.yml": "tables:\n  councils:\n    file: ../outside/councils.csv\n"}, exit=2,
     expect=[E("is outside the dataset folder", file="dataset.yml")], absent=["is missing"], issue="2")
case("dataset_yml_absolute", "rejected: an absolute path in dataset.yml",
     files={"dataset.yml": "tables:\n  councils:\n    file: /etc/passwd\n"}, exit=2,
     expect=[E("is outside the dataset folder", file="dataset.yml")])
case("documents_dotdot_path", "rejected: a document path that leaves the dataset folder",
     files={"documents.csv": _base("documents.csv").replace("documents/d001.txt", "../../etc/passwd")},
     exit=2, expect=[E("leaves the dataset folder", file="documents.csv", row=2, column="path")])
case("dataset_is_a_file", "rejected: the dataset argument is a file, not a folder",
     command=["validate", "{dataset}/councils.csv"], exit=2, expect=[E("is not a folder", severity="stderr")])
case("dataset_missing", "rejected: the dataset folder does not exist",
     command=["validate", "{dataset}/nowhere"], exit=2, expect=[E("does not exist", severity="stderr")])

# ----------------------------------------------------------------------- outputs
case("output_inside_input", "rejected: --report inside the dataset folder; nothing written",
     command=["validate", "{dataset}", "--report", "{dataset}/report.csv"], exit=2,
     expect=[E("inside the input folder", severity="stderr")])
case("read_only_output", "rejected: the output folder cannot be written; nothing written",
     build="read_only_output", command=["validate", "{dataset}", "--report", "{out}/report.csv"], exit=2,
     expect=[E("not writable", severity="stderr")])
case("disk_full", "fails cleanly: 'No space left on device' named, exit 2, no traceback, no partial file",
     build="disk_full", command=["validate", "{dataset}", "--report", "{out}/report.csv"], exit=2,
     expect=[E("No space left on device", severity="stderr")])
case("interrupted_write", "interrupted half way (Ctrl-C inside the writer): exit 130, no partial file",
     build="interrupt_write", command=["validate", "{dataset}", "--report", "{out}/report.csv"], exit=130,
     expect=[E("interrupted", severity="stderr")])

# ----------------------------------------------------------------------- validation
case("duplicate_keys", "rejected: a council code twice",
     files={"councils.csv": councils(*COUNCIL_ROWS, "XH002,Brackwater Again,district,North West,90000,25.1")},
     exit=2, expect=[E("duplicate council_code", file="councils.csv", row=6, column="council_code")], issue="2")
case("unknown_partnership_memberships", "rejected: a membership of a partnership that does not exist",
     files={"memberships.csv": _base("memberships.csv") + "P999,X9,Ghost Org,other,member,\n"}, exit=2,
     expect=[E("refers to a partnership_id that is not in partnerships", file="memberships.csv", row=7,
               column="partnership_id")], issue="2")
case("unknown_partnership_activity", "rejected: activity of an unknown partnership",
     files={"activity.csv": activity(*ACT_ROWS, "P999,2010,1,0.5,1,0.0,2")}, exit=2,
     expect=[E("refers to a partnership_id that is not in partnerships", file="activity.csv", row=6,
               column="partnership_id")], issue="2")
case("unknown_partnership_evidence", "rejected: evidence about an unknown partnership",
     files={"evidence.csv": _base("evidence.csv") + "P998,pooled_budgets,1,2011\n"}, exit=2,
     expect=[E("refers to a partnership_id that is not in partnerships", file="evidence.csv", row=6,
               column="partnership_id")], issue="2")
case("finance_unknown_council", "rejected: finance for a council not in councils",
     files={"finance.csv": _base("finance.csv") + "XH999,2010,1.0,1000\n"}, exit=2,
     expect=[E("refers to a council_code that is not in councils", file="finance.csv", row=10,
               column="council_code")], issue="2")
case("years_out_of_range", "rejected once (not twice): a finance year of 1850",
     files={"finance.csv": _base("finance.csv") + "XH001,1850,1.0,1000\n"}, exit=2,
     expect=[E("year outside 1900-2100", file="finance.csv", row=10, column="year")],
     absent=["must be at least 1900"], issue="2")
case("dissolved_before_established", "rejected: dissolved 2001, established 2009",
     files={"partnerships.csv": _base("partnerships.csv").replace("2009,2015", "2009,2001")}, exit=2,
     expect=[E("dissolved before it was established", file="partnerships.csv", row=4, column="dissolved")],
     issue="2")
case("values_out_of_range", "rejected: a population of 0 and a negative deflator",
     files={"councils.csv": councils(COUNCIL_ROWS[0], "XH002,Brackwater District Council,district,North West,0,25.1",
                                     *COUNCIL_ROWS[2:]),
            "deflators.csv": "year,deflator\n2010,100.0\n2011,-101.9\n"}, exit=2,
     expect=[E("must be above 0", file="councils.csv", row=3, column="population"),
             E("must be above 0", file="deflators.csv", row=3, column="deflator")], issue="2")
case("missing_required_column", "rejected with a hint: 'council_nme' -> did you mean",
     files={"councils.csv": councils().replace("council_name", "council_nme")}, exit=2,
     expect=[E("missing required column 'council_name'", file="councils.csv", column="council_name"),
             E("did you mean 'council_nme'", severity="any")], issue="2")
case("missing_required_table", "rejected: no partnerships table", remove=["partnerships.csv"], exit=2,
     expect=[E("the required table 'partnerships' is missing")], issue="2")
case("category_typo", "rejected with a hint: tier 'countey'",
     files={"councils.csv": councils().replace(",county,", ",countey,")}, exit=2,
     expect=[E("is not one of the allowed values", file="councils.csv", row=2, column="tier"),
             E("'countey' -> 'county'", severity="any")])
case("unknown_indicator", "accepted with a warning: an indicator not in the codebook is kept, not dropped",
     files={"evidence.csv": _base("evidence.csv") + "P002,bake_sales,4,2011\n"},
     expect=[W("not in the codebook", file="evidence.csv", row=6, column="indicator")], issue="2")

# ----------------------------------------------------------------------- other commands
case("codebook_python_tag", "rejected: a codebook with a Python tag is refused, never run",
     build="codebook_python_tag", command=["code", "{dataset}", "--codebook", "{extra}/codebook.yml",
                                           "--out", "{out}/codes.csv"],
     exit=2, expect=[E("codebook.yml", severity="stderr")], check="no_sentinel")
for command, extra_args, target in (
        ("code", [], "{dataset}/codes.csv"),
        ("charts", ["--formats", "svg"], "{dataset}/charts"),
        ("typology", ["--no-charts", "--bootstrap", "0"], "{dataset}/typology"),
        ("austerity", ["--from", "2010", "--to", "2011"], "{dataset}/austerity.csv"),
        ("activity", [], "{dataset}/activity")):
    case(f"{command}_output_inside_input", f"rejected: '{command} --out' inside the dataset folder; "
         "nothing written", command=[command, "{dataset}", *extra_args, "--out", target], exit=2,
         expect=[E("inside the input folder", severity="stderr")])
for command, extra_args in (("charts", ["--formats", "svg"]), ("typology", ["--no-charts", "--bootstrap", "0"])):
    case(f"{command}_read_only_output", f"rejected: '{command}' into a folder that cannot be written",
         build="read_only_output", command=[command, "{dataset}", *extra_args, "--out", "{out}"], exit=2,
         expect=[E("not writable", severity="stderr")])
case("analysis_validates_first", "rejected: an analysis command runs the validation first and stops "
     "on a broken table (here '12,5'), naming it; nothing written",
     files={"finance.csv": _base("finance.csv").replace("XH001,2010,900.5", 'XH001,2010,"12,5"')},
     command=["austerity", "{dataset}", "--from", "2010", "--to", "2011", "--out", "{out}/austerity.csv"],
     exit=2, expect=[E("is not a number", severity="stderr"), E("finance.csv, row 2, column "
                                                                "'spending_power_gbp_m'", severity="stderr")])


# --- round two: commands, documents, report (issue 21) -----------------------------------
XSS_ID = "<img src=x onerror=alert(1)>"
case("report_script_in_an_id", "accepted: a partnership id and a region holding HTML are shown as text "
     "in report.html, never as live markup", build="xss_id",
     command=["report", "{dataset}", "--out", "{out}", "--notebooks", "01", "--no-charts"], exit=0,
     check="no_live_markup", slow=True, issue="21")
case("code_document_absolute_path", "rejected: a document path to a system file is reported, never read",
     files={"documents.csv": _base("documents.csv").replace("documents/d001.txt", "/etc/passwd")},
     command=["code", "{dataset}", "--out", "{out}/codes.csv"], exit=2,
     expect=[E("path leaves the dataset folder", severity="stderr")], absent=["root:"], issue="21")
case("code_document_dotdot_path", "rejected: a document path with '..' is reported, never read",
     files={"documents.csv": _base("documents.csv").replace("documents/d001.txt", "../extra/secret.txt")},
     build="secret_outside", command=["code", "{dataset}", "--out", "{out}/codes.csv"], exit=2,
     expect=[E("path leaves the dataset folder", severity="stderr")], absent=["TOP-SECRET"], issue="21")
case("code_document_link_outside", "rejected: a document that is a link to a file outside the folder",
     build="document_link_outside", command=["code", "{dataset}", "--out", "{out}/codes.csv"], exit=2,
     expect=[E("outside the dataset folder", severity="stderr")], absent=["TOP-SECRET"], issue="21")
case("code_document_fifo", "rejected at once (no hang): a document that is a named pipe",
     build="document_fifo", command=["code", "{dataset}", "--out", "{out}/codes.csv"], exit=2,
     expect=[E("not a regular file", severity="stderr")], issue="21")
case("code_docx_zip_bomb", "rejected: a Word file of a few hundred kB whose parts unpack to 300 MB",
     build="docx_bomb", command=["code", "{dataset}", "--out", "{out}/codes.csv"], exit=2,
     expect=[E("unpack to", severity="stderr")], slow=True, issue="21")
case("code_slow_pdf", "rejected in seconds: a 30 kB PDF whose one page unpacks to 10 MB of drawing "
     "operators (minutes of text extraction)", build="slow_pdf",
     command=["code", "{dataset}", "--out", "{out}/codes.csv"], exit=2,
     expect=[E("too much page content", severity="stderr")], issue="21")
for bad_k in ("0", "two"):
    case(f"typology_k_{bad_k}", f"rejected: --k {bad_k} is named as a bad option, exit 2, no traceback",
         command=["typology", "{dataset}", "--out", "{out}", "--k", bad_k], exit=2,
         expect=[E("argument --k", severity="stderr")], issue="21")
case("seed_negative", "rejected: a negative --seed is named, exit 2",
     command=["typology", "{dataset}", "--out", "{out}", "--seed", "-1"], exit=2,
     expect=[E("--seed must be", severity="stderr")], issue="21")
case("austerity_output_is_a_folder", "rejected: --out names an existing folder, not a file",
     build="output_csv_is_folder", command=["austerity", "{dataset}", "--from", "2010", "--to", "2011",
                                            "--out", "{out}/austerity.csv", "--force"], exit=2,
     expect=[E("is a folder", severity="stderr")], issue="21")
case("austerity_output_parent_is_a_file", "rejected: the folder of --out is a file",
     build="output_is_file", command=["austerity", "{dataset}", "--from", "2010", "--to", "2011",
                                      "--out", "{out}/austerity.csv"], exit=2,
     expect=[E("is not a folder", severity="stderr")], issue="21")
case("austerity_second_output_fails", "fails cleanly: when a later output cannot be written, the first "
     "(austerity.csv) is removed again, so no partial result is left", build="excluded_is_folder",
     command=["austerity", "{dataset}", "--from", "2010", "--to", "2011", "--out", "{out}/austerity.csv"],
     exit=2, expect=[E("is a folder", severity="stderr")], check="no_austerity_csv", issue="21")
case("failed_run_leaves_no_folder", "rejected: a run that fails on its input leaves no empty --out folder",
     files={"councils.csv": "council_code,council_name\nXH001,Aldermoor\n"},
     command=["typology", "{dataset}", "--out", "{out}/typology", "--no-charts"], exit=2,
     expect=[E("missing required column 'tier'")], check="no_out_folder", issue="21")


# --- round two: data layer (issue 21) ----------------------------------------------------
# Files that are not what a table file should be are refused before they are opened; tiny
# files that declare huge sizes are refused before they are parsed, naming the limit and the
# variable that raises it; dataset.yml is read with alias and depth limits; cells that used
# to crash validation (exit 1) are reported. Each within 2 GB and 60 s, nothing read outside.
case("table_link_outside_dataset", "rejected: councils.csv is a link to a file outside the dataset; "
     "it is never opened and nothing of it is printed", build="table_link_outside", exit=2,
     expect=[E("outside the dataset folder; it was not read", file="councils.csv")],
     absent=["TOP-SECRET"], issue="21")
case("table_fifo", "rejected: councils.csv is a named pipe (reading it would hang); never opened",
     build="table_fifo", exit=2, expect=[E("named pipe (FIFO), not a regular file", file="councils.csv")],
     absent=["the required table 'councils' is missing"], issue="21")
case("table_link_dev_zero", "rejected: councils.csv is a link to /dev/zero (endless); never opened",
     build="table_link_dev_zero", exit=2, expect=[E("a link to /dev/zero, outside the dataset folder",
                                                    file="councils.csv")], issue="21")
case("xlsx_declares_whole_sheet", "rejected before parsing: a 1.5 kB workbook declaring A1:XFD1048576 "
     "(17 billion cells); the limit and its variable are named", build="xlsx_declares_whole_sheet",
     remove=["councils.csv"], exit=2,
     expect=[E("declares A1:XFD1048576", file="councils.xlsx"), E("ANALYSIS_MAX_CELLS", file="councils.xlsx")],
     issue="21")
case("parquet_huge_row_count", "rejected before reading: a small Parquet file whose metadata declares "
     "6 million rows (over the 5 million limit, named with its variable)", build="parquet_huge_rows",
     remove=["evidence.csv"], exit=2,
     expect=[E("as its metadata declares", file="evidence.parquet"), E("ANALYSIS_MAX_ROWS", file="evidence.parquet")],
     issue="21")
case("csv_over_row_limit", "rejected before parsing: a CSV with more lines than ANALYSIS_MAX_ROWS (set "
     "to 100 here) allows", build="csv_over_row_limit", exit=2,
     expect=[E("more than the 100 rows", file="evidence.csv"), E("ANALYSIS_MAX_ROWS", file="evidence.csv")],
     issue="21")
case("dataset_yml_billion_laughs", "rejected: a 'billion laughs' dataset.yml (nested aliases) is refused "
     "at its 21st alias, with the line", build="dataset_yml_billion_laughs", exit=2,
     expect=[E("more than 20 aliases", file="dataset.yml")], issue="21")
case("dataset_yml_deeply_nested", "rejected: dataset.yml nested 5,000 levels deep is refused (no "
     "recursion error)", build="dataset_yml_deeply_nested", exit=2,
     expect=[E("nested more than 50 levels deep", file="dataset.yml")], issue="21")
case("dataset_yml_fifo", "rejected: dataset.yml is a named pipe (reading it would hang); never opened",
     build="dataset_yml_fifo", exit=2, expect=[E("named pipe (FIFO)", file="dataset.yml")], issue="21")
case("dataset_yml_link_dev_zero", "rejected: dataset.yml is a link to /dev/zero; never opened",
     build="dataset_yml_link_dev_zero", exit=2,
     expect=[E("a link to /dev/zero, outside the dataset folder", file="dataset.yml")], issue="21")
case("two_blank_key_cells", "rejected: two partnerships without an id are each reported as missing "
     "(not as a crash, nor as duplicates of each other)",
     files={"partnerships.csv": _base("partnerships.csv") + ",Unnamed Board One,forum,2010,,\n"
                                                           ",Unnamed Board Two,forum,2011,,\n"},
     exit=2, expect=[E("a required value is missing", file="partnerships.csv", row=5, column="partnership_id"),
                     E("a required value is missing", file="partnerships.csv", row=6, column="partnership_id")],
     absent=["duplicate partnership_id"], issue="21")
case("blank_year_next_to_1850", "rejected: a year of 1850 and a blank year in one column are each "
     "reported with their rows",
     files={"finance.csv": _base("finance.csv").replace("XH001,2010,", "XH001,1850,")
            .replace("XH001,2011,", "XH001,,")},
     exit=2, expect=[E("year outside 1900-2100", file="finance.csv", row=2, column="year"),
                     E("a required value is missing", file="finance.csv", row=3, column="year")], issue="21")
case("population_1e20", "rejected: a population of 1e20 is too large for a count (not a crash)",
     files={"councils.csv": councils().replace(",500000,", ",1e20,")}, exit=2,
     expect=[E("is too large", file="councils.csv", row=2, column="population")], issue="21")
case("zero_width_space_in_code", "accepted with a warning naming the cell: a zero-width space after a "
     "council code is removed, so it makes no new council",
     files={"finance.csv": _base("finance.csv").replace("XH001,2011,", "XH001\u200b,2011,")},
     expect=[W("invisible or look-alike characters", file="finance.csv", row=3, column="council_code")],
     absent=["refers to a council_code"], check="no_new_council_code", issue="21")
case("full_width_code", "accepted with a warning naming the cell: a council code typed in full-width "
     "letters (ＸＨ００２) is read as XH002",
     files={"finance.csv": _base("finance.csv").replace("XH002,2010,", "ＸＨ００２,2010,")},
     expect=[W("invisible or look-alike characters", file="finance.csv", column="council_code")],
     absent=["refers to a council_code"], check="no_new_council_code", issue="21")


def main() -> None:
    for p in HERE.iterdir():
        if p.is_dir() and not p.name.startswith(("_", ".")) and p.name not in {c["id"] for c in CASES}:
            shutil.rmtree(p)
    header = ("# Hostile inputs: what each case feeds the toolkit and what must happen.\n"
              "# Written by make_corpus.py (edit there). exit: the command's exit code;\n"
              "# expect: problems the report must hold (severity, text, file, row, column);\n"
              "# absent: text the output must not hold; check: a further test in test_hostile.py.\n")
    text = yaml.safe_dump(CASES, sort_keys=False, allow_unicode=True, width=110)
    (HERE / "cases.yml").write_text(header + text, encoding="utf-8")


if __name__ == "__main__":
    main()
