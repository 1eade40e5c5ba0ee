"""The reproducible report: parameter checks, validation first, identical reruns."""

from __future__ import annotations

import hashlib
import re

import nbformat
import pytest
from conftest import STAFFORDSHIRE, TINY, write_files

from analysis.cli import main
from analysis.errors import InputError
from analysis.report import (
    NOTEBOOK_DIR,
    build_report,
    check_parameters,
    notebook_parameters,
    strip_volatile,
)

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def test_every_notebook_has_a_parameters_cell_with_the_standard_names():
    assert len(NOTEBOOKS) >= 2
    for nb in NOTEBOOKS:
        params = notebook_parameters(nb)
        assert {"out_dir", "seed", "start", "end"} <= set(params), nb.name
        assert any(name in params for name in ("dataset", "case_dataset", "england_dataset")), nb.name


def test_notebooks_are_thin_and_executed():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert nb.cells[0].cell_type == "markdown" and "question" in nb.cells[0].source.lower()
        assert "parameters" in code[0].metadata.get("tags", [])
        for cell in code:
            assert "def " not in cell.source and "class " not in cell.source, path.name
            assert len(cell.source.splitlines()) <= 15, (path.name, cell.source[:40])
            for line in cell.source.splitlines():
                if line.startswith(("import ", "from ")):
                    assert line.split()[1].split(".")[0] == "analysis", (path.name, line)
            for out in cell.get("outputs", []):
                assert out.get("output_type") != "error", path.name
                assert out.get("name") != "stderr", (path.name, out.get("text", "")[:200])
        assert any(c.get("outputs") for c in code[1:]), f"{path.name} has no stored outputs"


def test_the_notebooks_sentences_count_in_words():
    """A policy writer reads "no errors" and "2 councils are", not "0 error(s)" and "2 council(s) are"."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                text = str(out.get("data", {}).get("text/markdown", ""))
                assert not re.search(r"[a-z]\(s\)", text), (path.name, text[:200])


def test_unknown_parameter_and_wrong_type_are_refused():
    with pytest.raises(InputError, match="unknown report parameter 'sead'"):
        check_parameters({"sead": 1}, NOTEBOOKS)
    with pytest.raises(InputError, match="'seed' must be of type int"):
        check_parameters({"seed": "ten"}, NOTEBOOKS)
    per_nb = check_parameters({"seed": 3, "start": 2011}, NOTEBOOKS)
    assert all(v["seed"] == 3 for v in per_nb.values())


def test_strip_volatile_removes_timings_only():
    nb = {"metadata": {"papermill": {"duration": 1.2}, "kernelspec": {"name": "k"}},
          "cells": [{"cell_type": "code", "metadata": {"papermill": {"start_time": "t"}, "tags": ["x"]},
                     "outputs": [{"output_type": "stream", "text": "hi"}]}]}
    out = strip_volatile(nb)
    assert out["metadata"] == {"kernelspec": {"name": "k"}}
    assert out["cells"][0]["metadata"] == {"tags": ["x"]}
    assert out["cells"][0]["outputs"] == [{"output_type": "stream", "text": "hi"}]
    assert "papermill" in nb["metadata"]  # the input is not changed


def test_invalid_dataset_stops_before_anything_runs(tmp_path, capsys):
    files = dict(TINY)
    files["partnerships.csv"] += "P1,Again,forum,2010,,A1\n"
    broken = write_files(tmp_path / "broken", files)
    out = tmp_path / "out"
    assert main(["report", str(broken), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "did not pass validation" in err and "partnerships.csv, rows 2, 4" in err
    assert not out.exists()


def test_report_refuses_output_inside_the_dataset(tmp_path, capsys):
    data = write_files(tmp_path / "tiny", TINY)
    assert main(["report", str(data), "--out", str(data / "out"), "--notebooks", "04_staffordshire"]) == 2
    assert "inside the input folder" in capsys.readouterr().err
    assert not (data / "out").exists()


@pytest.mark.slow
def test_the_former_year_parameter_names_are_read_with_a_warning(tmp_path):
    """The notebooks' window is ``start``/``end``, as in the API; ``-p start_year=...`` from an older
    script still works, and says so."""
    with pytest.warns(FutureWarning, match="'start_year' is now 'start'"):
        build_report(STAFFORDSHIRE, tmp_path / "out", notebooks=["04_staffordshire"], charts=False,
                     parameters={"start_year": 2009})
    source = nbformat.read(tmp_path / "out" / "notebooks" / "04_staffordshire.ipynb", as_version=4)
    injected = next(c for c in source.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "start = 2009" in injected.source and "start_year" not in injected.source


def test_a_notebook_on_its_own_takes_the_window_by_the_api_names(monkeypatch):
    from analysis import notebook, results

    def fake(ds, **kwargs):
        return kwargs

    monkeypatch.setattr(results, "compute_results", fake)
    ds = object.__new__(type("Dataset", (), {"tables": {}}))
    assert notebook.results("", dataset=ds, seed=1, start=2012, end=2019) == \
        {"random_state": 1, "start": 2012, "end": 2019}
    with pytest.warns(DeprecationWarning, match=r"notebook.results\(start_year=...\) is deprecated"):
        assert notebook.results("", dataset=ds, seed=1, start_year=2011, end=2019)["start"] == 2011


@pytest.mark.slow
def test_report_runs_and_reruns_identically(tmp_path):
    digests = []
    for run in ("out", "out"):  # the same output folder twice, as two `make report` runs do
        path = build_report(STAFFORDSHIRE, tmp_path / run, notebooks=["04_staffordshire"], charts=False)
        html = path.read_text(encoding="utf-8")
        assert "Dataset checksum" in html and "The Staffordshire case" in html
        assert "<script src=" not in html  # self-contained
        files = sorted(p for p in (tmp_path / run).rglob("*") if p.is_file())
        assert not [p for p in files if p.name.startswith(".") or p.suffix == ".tmp"]
        digests.append({p.relative_to(tmp_path / run).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in files if p.name != "manifest.json"})
    assert digests[0] == digests[1]
    _check_in_browser(path, tmp_path)
    _check_widths(path, tmp_path)


def _width_probe(page, width: int) -> str:
    """A page holding the report in a frame ``width`` CSS px wide, reporting whether it overflows."""
    return f"""<!DOCTYPE html><html><body style="margin:0">
<iframe id="r" src="{page}" style="width:{width}px;height:900px;border:0"></iframe>
<script>
document.getElementById('r').addEventListener('load', function () {{
  var w = this.contentWindow, d = w.document;
  var wide = [].filter.call(d.querySelectorAll('body *'), function (e) {{
    var r = e.getBoundingClientRect(); return r.width > 0 && r.right > w.innerWidth + 1; }})
    .map(function (e) {{ return e.tagName + '.' + e.className; }}).slice(0, 5);
  var p = document.createElement('pre'); p.id = '__widths';
  p.textContent = JSON.stringify({{inner: w.innerWidth, scroll: d.documentElement.scrollWidth, wide: wide}});
  document.body.appendChild(p);
}});
</script></body></html>"""


def _check_widths(path, tmp_path):
    """At desktop (1280 px) and phone (390 px) widths the page never scrolls sideways: wide
    tables scroll inside their own box. Screenshots at both widths are taken."""
    import json

    from test_charts import _chromium, _chromium_run

    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium binary found (apt-get install chromium)")
    for width in (1280, 390):
        # Headless windows are at least 500 px wide, so the phone width is a frame of 390 px.
        probe = path.with_name(f"widths-{width}.html")
        probe.write_text(_width_probe(path.name, width), encoding="utf-8")
        result = _chromium_run(browser, tmp_path, "--window-size=1400,1000", "--allow-file-access-from-files",
                               "--virtual-time-budget=5000", "--dump-dom", probe.as_uri())
        assert result.returncode == 0, result.stderr[-2000:]
        found = json.loads(result.stdout.split('<pre id="__widths">', 1)[1].split("</pre>", 1)[0])
        assert found["inner"] == width
        assert found["scroll"] <= width, (width, found)
        shot = tmp_path / f"report-{width}.png"
        result = _chromium_run(browser, tmp_path, f"--screenshot={shot}", f"--window-size={max(width, 500)},1400",
                               "--hide-scrollbars", (probe if width < 500 else path).as_uri())
        assert result.returncode == 0 and shot.stat().st_size > 10_000


def _check_in_browser(path, tmp_path):
    """The report loads in headless Chromium with no errors or broken images, and renders."""
    import json

    from test_charts import _CHECK, _chromium, _chromium_run

    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium binary found (apt-get install chromium)")
    probe = path.with_name("probe.html")
    probe.write_text(path.read_text(encoding="utf-8").replace("</head>", _CHECK + "\n</head>", 1),
                     encoding="utf-8")
    result = _chromium_run(browser, tmp_path, "--virtual-time-budget=5000", "--dump-dom", probe.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    marker = '<pre id="__result">'
    found = json.loads(result.stdout.split(marker, 1)[1].split("</pre>", 1)[0])
    assert found["errors"] == [] and found["broken"] == []
    assert found["images"] >= 2  # the notebook's charts, embedded in the page
    shot = tmp_path / "report.png"
    result = _chromium_run(browser, tmp_path, f"--screenshot={shot}", "--window-size=1100,1400",
                           "--hide-scrollbars", path.as_uri())
    assert result.returncode == 0 and shot.stat().st_size > 20_000


@pytest.mark.slow
def test_notebook_needing_a_missing_table_is_skipped_not_fatal(tmp_path):
    minimal = {k: v for k, v in TINY.items() if k in ("councils.csv", "partnerships.csv")}
    data = write_files(tmp_path / "minimal", minimal)
    path = build_report(data, tmp_path / "out", notebooks=["01_data_overview", "03_austerity_activity"],
                        charts=False)
    html = path.read_text(encoding="utf-8")
    assert "03_austerity_activity.ipynb: not run" in html and "finance" in html
    assert (tmp_path / "out" / "notebooks" / "01_data_overview.ipynb").exists()
    assert not (tmp_path / "out" / "notebooks" / "03_austerity_activity.ipynb").exists()


def test_notebooks_can_be_chosen_by_number(tmp_path, capsys):
    # "4" and "04" name the same notebook; an unknown number is refused before anything runs.
    data = write_files(tmp_path / "tiny", TINY)
    assert main(["report", str(data), "--out", str(tmp_path / "out"), "--notebooks", "9"]) == 2
    assert "no notebook named 09" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_select_notebooks_by_number_or_name():
    from analysis.report import select_notebooks

    names = [nb.stem for nb in select_notebooks(NOTEBOOKS, ["4", "01", "03_austerity_activity"])]
    assert names == ["01_data_overview", "03_austerity_activity", "04_staffordshire"]


def test_report_charts_cover_the_years_asked_for(tmp_path, monkeypatch):
    """``report --from 2012 --to 2019`` exports charts for 2012-2019, not the austerity default 2010-2019."""
    import pandas as pd
    from conftest import EXAMPLE

    from analysis import charts

    monkeypatch.setattr(charts, "CHART_MODULES", ("analysis.figures.austerity",))  # the family with years
    build_report(EXAMPLE, tmp_path / "out", start=2012, end=2019, notebooks=["01_data_overview"], charts=True)
    exported = tmp_path / "out" / "charts"
    series = pd.read_csv(exported / "austerity_activity_quintiles.csv")
    assert sorted(series["year"].unique()) == list(range(2012, 2020))
    survival = (exported / "austerity_survival.svg").read_text(encoding="utf-8")
    # the SVG names each drawn line of text in a comment; the subtitle may wrap between any two words
    drawn = " ".join(re.findall(r"<!-- (.*?) -->", survival))
    assert "2012-13 to 2019-20" in drawn and "2010-11" not in survival


def test_values_from_the_data_never_become_live_markup_in_the_report(tmp_path):
    """A partnership id holding HTML reaches the report only as text (issue 21: stored XSS)."""
    import nbformat

    from analysis.notebook import say
    from analysis.report import _html_report

    hostile = "<img src=x onerror=alert(1)>"
    sentence = say("The largest partnership is {pid}.", pid=hostile)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("say(...)")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": sentence.data, "text/plain": ""}),
        # what any other code could display: raw Markdown and raw HTML with script in them
        nbformat.v4.new_output("display_data", data={"text/markdown": f"Raw: {hostile} [see](javascript:steal())",
                                                     "text/plain": ""}),
        nbformat.v4.new_output("display_data", data={
            "text/html": f"<table><tr><td onmouseover='steal()'>{hostile}</td></tr></table>"
                         "<script>steal()</script><a href='javascript:steal()'>x</a>",
            "text/plain": ""}),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Overview"), cell]
    path = tmp_path / "01_overview.ipynb"
    nbformat.write(nb, path)
    header = {"dataset": "d", "checksum": "0", "parameters": {}, "versions": {}}
    page = _html_report([path], header, show_code=False, title="t")
    as_text = "&lt;img src=x onerror=alert(1)&gt;"
    live = re.findall(r"<(?:img|script)\b|\bon(?:error|mouseover)=|javascript:", page.replace(as_text, ""))
    assert live == []
    assert page.count(as_text) == 1  # say() shows it as text; raw markup from elsewhere is removed


def _markdown_outputs(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(out.get("data", {}).get("text/markdown", "") for cell in nb.cells if cell.cell_type == "code"
                     for out in cell.get("outputs", []))


@pytest.mark.slow
def test_report_fits_once_charts_match_notebook_text_and_reruns_identically(tmp_path, monkeypatch):
    """The typology chart data and notebook 02's sentences come from one fit (seed 7, 2012-2019),
    and two runs give the same notebooks and charts, byte for byte."""
    import json

    import pandas as pd
    from conftest import EXAMPLE

    from analysis import charts

    monkeypatch.setattr(charts, "CHART_MODULES", ("analysis.figures.typology",))
    manifests = []
    for _ in range(2):
        build_report(EXAMPLE, tmp_path / "out", seed=7, start=2012, end=2019, notebooks=["02_typology"],
                     workers=2)
        manifests.append(json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8")))
    assert manifests[0]["notebooks"] == manifests[1]["notebooks"] and manifests[0]["notebooks"]
    assert manifests[0]["charts"] == manifests[1]["charts"] and "typology_map.svg" in manifests[0]["charts"]

    text = _markdown_outputs(tmp_path / "out" / "notebooks" / "02_typology.ipynb")
    exported = tmp_path / "out" / "charts"
    # The bootstrap Jaccard depends on the seed: the notebook's figure is the chart's.
    stability = pd.read_csv(exported / "typology_stability.csv")
    low = re.search(r"least stable cluster has a mean Jaccard of \*\*([0-9.]+)\*\*", text).group(1)
    assert f"{stability['jaccard_mean'].min():.3f}" == low
    k = int(re.search(r"falls into \*\*(\d+) clusters\*\*", text).group(1))
    assert len(stability) == k
    # Partnerships per option in the two-by-two chart are those the notebook states.
    grid = pd.read_csv(exported / "typology_two_by_two.csv")
    stated = dict(re.findall(r"\*(\w+)\* (\d+) \(", text.split("Placed partnerships:", 1)[1].split("\n", 1)[0]))
    assert {o: str(n) for o, n in zip(grid["option"], grid["partnerships"], strict=True)} == stated
    # The evidence window of the notebook is the report's.
    assert "with evidence from 2012 to 2019" in text
    # The notebook saved in the report runs again on its own: no path into the staging folder.
    source = nbformat.read(tmp_path / "out" / "notebooks" / "02_typology.ipynb", as_version=4)
    injected = next(c for c in source.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'results = ""' in injected.source and ".report-" not in injected.source


def test_results_missing_table_raises_when_asked(tmp_path):
    from analysis.data import load_dataset
    from analysis.errors import MissingTableError
    from analysis.results import compute_results

    minimal = {k: v for k, v in TINY.items() if k in ("councils.csv", "partnerships.csv")}
    ds = load_dataset(write_files(tmp_path / "minimal", minimal))
    results = compute_results(ds, names=("austerity", "coding"))
    assert results["coding"] is None  # no documents: nothing to code
    with pytest.raises(MissingTableError, match="finance"):
        results["austerity"]


@pytest.mark.slow
def test_report_docx_has_findings_and_every_chart_with_alt_text(tmp_path, monkeypatch):
    """``report --docx``: the .docx opens, states the findings, and every picture has alt text;
    LibreOffice converts it to PDF where it is installed. The HTML opens with the findings."""
    import json
    import shutil
    import subprocess

    from conftest import EXAMPLE
    from docx import Document

    from analysis import charts

    monkeypatch.setattr(charts, "CHART_MODULES", ())  # the overview charts only: quick
    out = tmp_path / "out"
    assert main(["report", str(EXAMPLE), "--out", str(out), "--notebooks", "1", "--docx"]) == 0
    doc = Document(str(out / "report.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "What we found" in text and "Validation passed" in text
    chart_manifest = json.loads((out / "charts" / "manifest.json").read_text(encoding="utf-8"))["charts"]
    pictures = doc.element.body.xpath(".//wp:docPr")
    assert len(pictures) == len(chart_manifest) == len(doc.inline_shapes) >= 2
    alts = [p.get("descr") for p in pictures]
    assert alts == [entry["alt_text"] for entry in chart_manifest.values()] and all(alts)
    for entry in chart_manifest.values():
        assert f"Data: charts/{entry['data']}" in text
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report_docx"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.index("What we found") < page.index("Dataset checksum") < page.index('class="notebook"')
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed: the PDF conversion is not checked")
    profile = (tmp_path / "lo-profile").as_uri()  # a profile of its own: no clash with another office run
    done = subprocess.run([office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(out / "report.docx")], capture_output=True, timeout=300)
    assert done.returncode == 0 and (tmp_path / "report.pdf").read_bytes()[:4] == b"%PDF"


def _worker_threads():
    import os

    from threadpoolctl import threadpool_info

    return ({name: os.environ.get(name) for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
            sorted({pool["num_threads"] for pool in threadpool_info()}))


def test_report_workers_run_the_libraries_on_one_thread():
    """The report's processes already fill the cores: inside each, BLAS and OpenMP get one thread,
    and so do the notebook kernels a worker starts (they inherit its environment)."""
    import numpy  # noqa: F401 - loaded, so that its BLAS pool is listed in the worker too

    from analysis.report import _pool

    with _pool(2) as pool:
        env, threads = pool.submit(_worker_threads).result()
    assert env == {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    assert threads == [1]


def test_kernel_noise_is_dropped_and_everything_else_passed_on(capfd):
    """What kernels write on stderr reaches the user, except the two lines every run prints."""
    import os

    from analysis.report import _filtered_stderr

    with _filtered_stderr():
        os.write(2, b"[IPKernelApp] WARNING | Kernel is running over TCP without encryption. Use IPC.\n")
        os.write(2, b"[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.\n")
        os.write(2, b"a real warning from a notebook\n")
    err = capfd.readouterr().err
    assert err.splitlines() == ["a real warning from a notebook"]


def test_every_notebook_states_a_finding_for_the_report():
    """"What we found" gathers the outputs of cells tagged ``finding``: every committed notebook
    has at least one, with text in it, so no section (the real England one included) is left out."""
    import nbformat

    from analysis.report import find_notebooks, findings, sanitise_outputs

    for path in find_notebooks():
        found = findings(sanitise_outputs(nbformat.read(path, as_version=4)))
        assert found and all(len(html) > 40 for html in found), path.name


def test_a_workers_warning_reads_like_the_command_lines(capfd):
    """A warning raised in one of the report's worker processes is one plain line, without the
    source line that raised it (which reads like a traceback to a user)."""
    import warnings

    from analysis.report import _pool

    with _pool(1) as pool:
        pool.submit(warnings.warn, "skipped a map: no lead councils").result()
    err = capfd.readouterr().err
    assert "warning: skipped a map: no lead councils" in err.splitlines()
    assert "UserWarning" not in err
