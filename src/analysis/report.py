"""The one-command reproducible report: notebooks executed with papermill, charts, HTML.

:func:`build_report` validates the dataset (stopping before anything runs if it has
errors), checks the parameters against each notebook's ``parameters`` cell, executes
every notebook in ``notebooks/`` with papermill, exports every standard chart through
:mod:`analysis.export`, and writes a self-contained HTML report (code hidden by default)
whose header records the dataset's checksum, the parameters, the seed and the package
versions, plus a run manifest (``manifest.json``) with every output file's checksum.

Everything is written to a staging folder first and moved into place at the end, so a
failed run leaves no half-written report behind. Executed notebooks are stripped of
execution timestamps, so two runs on the same inputs give identical files.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import html
import importlib.metadata
import json
import os
import platform
import shutil
import tempfile
import warnings
from pathlib import Path

from analysis import __version__
from analysis.errors import InputError
from analysis.writers import atomic_write_text, check_output_dir

__all__ = ["NOTEBOOK_DIR", "KERNEL_NAME", "build_report", "check_parameters", "find_notebooks", "findings",
           "notebook_parameters", "package_versions", "sanitise_outputs", "select_notebooks", "strip_volatile"]


def _notebook_dir() -> Path:
    """The notebooks the report runs: shipped inside an installed package
    (``analysis/bundled/notebooks``, see ``setup.py``), or ``notebooks/`` beside ``src/``
    in a checkout (an editable install)."""
    here = Path(__file__).resolve().parent
    shipped, checkout = here / "bundled" / "notebooks", here.parents[1] / "notebooks"
    return checkout if not shipped.is_dir() and checkout.is_dir() else shipped


#: The project's notebooks (see :func:`find_notebooks`).
NOTEBOOK_DIR = _notebook_dir()
#: The Jupyter kernel every notebook uses (shipped with the package; ``make install`` registers it too).
KERNEL_NAME = "partnership-analysis"

_VERSIONED = ("pandas", "numpy", "scipy", "matplotlib", "seaborn", "scikit-learn", "statsmodels",
              "lifelines", "networkx", "papermill", "nbconvert")


def package_versions() -> dict[str, str]:
    """Versions of Python, the toolkit and the libraries the results depend on."""
    versions = {"python": platform.python_version(), "partnership-analysis": __version__}
    for name in _VERSIONED:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[name] = importlib.metadata.version(name)
    return versions


def notebook_parameters(path: str | os.PathLike) -> dict[str, dict]:
    """The parameters a notebook declares in its cell tagged ``parameters`` (name to info)."""
    import papermill

    return dict(papermill.inspect_notebook(str(path)))


_TYPES = {"int": int, "float": (int, float), "str": str, "bool": bool}


def check_parameters(parameters: dict, notebooks: list[Path], *, optional=()) -> dict[Path, dict]:
    """Check ``parameters`` against the notebooks' parameters cells before anything runs.

    Each parameter must be declared by at least one notebook, and its value must have the
    type of that notebook's default. Returns, per notebook, the parameters it accepts.
    Raises :class:`InputError` naming an unknown parameter or a wrong type.
    """
    import ast

    declared = {nb: notebook_parameters(nb) for nb in notebooks}
    known: dict[str, str] = {}
    for params in declared.values():
        for name, info in params.items():
            kind = info.get("inferred_type_name", "None")
            if kind in ("None", None):
                try:
                    kind = type(ast.literal_eval(str(info.get("default")))).__name__
                except (ValueError, SyntaxError):
                    kind = "None"
            known.setdefault(name, kind)
    for name, value in parameters.items():
        if name not in known and name in optional:
            continue
        if name not in known:
            raise InputError(f"unknown report parameter '{name}'; the notebooks take: "
                             f"{', '.join(sorted(known))}")
        expected = _TYPES.get(known[name])
        if expected is not None and (not isinstance(value, expected) or
                                     (expected is int and isinstance(value, bool))):
            raise InputError(f"report parameter '{name}' must be of type {known[name]}; "
                             f"got {type(value).__name__} {value!r}")
    return {nb: {k: v for k, v in parameters.items() if k in declared[nb]} for nb in notebooks}


def strip_volatile(notebook: dict) -> dict:
    """Remove execution timestamps and random cell ids so identical runs give identical files."""
    nb = copy.deepcopy(notebook)
    meta = nb.get("metadata", {})
    meta.pop("papermill", None)
    for i, cell in enumerate(nb.get("cells", [])):
        if "id" in cell:
            cell["id"] = f"cell-{i:02d}"  # papermill gives its injected cell a random id
        cm = cell.get("metadata", {})
        cm.pop("papermill", None)
        cm.pop("execution", None)
        if cell.get("cell_type") == "code":
            for out in cell.get("outputs", []):
                out.get("metadata", {}).pop("execution", None)
    return nb


#: What a kernel prints on every run and means nothing to the reader: a warning about the local
#: connection, and the log line of the interrupt that jupyter_client sends every kernel as it
#: shuts it down after the notebook has finished (printed or not depending on timing).
KERNEL_NOISE = ("Kernel is running over TCP without encryption", "KeyboardInterrupt caught in kernel")


@contextlib.contextmanager
def _filtered_stderr(noise: tuple = KERNEL_NOISE):
    """Capture what kernels print on the process's stderr; pass on all but known noise."""
    import sys

    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            for line in tmp.read().decode("utf-8", "replace").splitlines():
                if not any(n in line for n in noise):
                    print(line, file=sys.stderr)


def find_notebooks(notebooks_dir: str | os.PathLike | None = None) -> list[Path]:
    """The numbered notebooks (``NN_name.ipynb``) in ``notebooks_dir`` (default: the toolkit's own).

    Raises :class:`InputError` when the folder does not exist or holds no numbered notebook.
    """
    folder = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOK_DIR
    found = sorted(folder.glob("[0-9][0-9]_*.ipynb")) if folder.is_dir() else []
    if not found:
        hint = ("pass a folder of notebooks with --notebooks-dir" if notebooks_dir is None
                else "name a folder holding notebooks named like 01_overview.ipynb")
        state = "holds no notebook named NN_*.ipynb" if folder.is_dir() else "does not exist"
        raise InputError(f"the notebooks folder {folder} {state}; {hint}")
    return found


def select_notebooks(available: list[Path], names: list[str]) -> list[Path]:
    """The notebooks named by number ("2", "02") or name ("02_typology"), in their own order.

    Raises :class:`InputError` naming any that does not exist.
    """
    def key(name: str) -> str:
        stem = Path(str(name).strip()).stem
        return f"{int(stem):02d}" if stem.isdigit() else stem

    wanted = {key(n) for n in names}
    chosen = [nb for nb in available if nb.stem in wanted or nb.stem.split("_")[0] in wanted]
    missing = wanted - {nb.stem for nb in chosen} - {nb.stem.split("_")[0] for nb in chosen}
    if missing:
        raise InputError(f"no notebook named {', '.join(sorted(missing))}; the notebooks are: "
                         f"{', '.join(nb.stem for nb in available)}")
    return chosen


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


#: What a notebook's HTML output (a table, mostly) may hold in the report; everything else is
#: removed (scripts, event handlers, links to ``javascript:``), whatever the data put into it.
_SAFE_TAGS = frozenset({"a", "b", "br", "caption", "code", "div", "em", "h1", "h2", "h3", "h4", "i",
                        "li", "ol", "p", "pre", "span", "strong", "style", "sub", "sup", "table",
                        "tbody", "td", "tfoot", "th", "thead", "tr", "ul"})
_SAFE_ATTRIBUTES = {"*": ["class", "colspan", "rowspan", "title", "id"], "a": ["href"], "table": ["border"]}
_SAFE_PROTOCOLS = frozenset({"http", "https", "mailto"})


def sanitise_outputs(notebook):
    """Neutralise markup from the data in a notebook's outputs before it becomes HTML.

    Markdown outputs are turned into HTML here and cleaned like HTML outputs: only table and
    text tags stay, with no scripts, no event handlers and no links other than ``http``,
    ``https``, ``mailto`` and in-page anchors. Values are already escaped where they are written
    (:func:`analysis.notebook.say`); this is the report's own guarantee for every output,
    whatever produced it. Changes ``notebook`` in place and returns it.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> cell = nbformat.v4.new_code_cell("")
    >>> cell.outputs = [nbformat.v4.new_output("display_data", data={
    ...     "text/markdown": "Partnership <img src=x onerror=alert(1)> has **3** [members](javascript:x())",
    ...     "text/html": "<table><tr><td onclick='steal()'>a</td></tr></table><script>x()</script>"})]
    >>> nb.cells = [cell]
    >>> out = sanitise_outputs(nb).cells[0].outputs[0].data
    >>> sorted(out)
    ['text/html']
    >>> print(out["text/html"])
    <p>Partnership  has <strong>3</strong> <a>members</a></p>
    <BLANKLINE>
    <table><tbody><tr><td>a</td></tr></tbody></table>x()
    """
    import bleach
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    def clean(html_text: str) -> str:
        return bleach.clean(html_text, tags=_SAFE_TAGS, attributes=_SAFE_ATTRIBUTES,
                            protocols=_SAFE_PROTOCOLS, strip=True)

    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts = []
            if "text/markdown" in data:
                # Markdown in a value (a link to javascript:, raw HTML) only becomes dangerous once
                # rendered, so render it here and clean the result.
                parts.append(clean(markdown2html_mistune(_text(data.pop("text/markdown")))))
            if "text/html" in data:
                parts.append(clean(_text(data["text/html"])))
            if parts:
                data["text/html"] = "\n".join(parts)
    return notebook


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def findings(notebook) -> list[str]:
    """The HTML of the outputs of a notebook's cells tagged ``finding`` (already sanitised).

    The sentences are those the notebook computed (:func:`analysis.notebook.say`), so the
    "What we found" section carries the numbers and intervals of the results, not a retyping.
    """
    return [out["data"]["text/html"] for cell in notebook.cells
            if "finding" in cell.get("metadata", {}).get("tags", [])
            for out in cell.get("outputs", []) if "text/html" in out.get("data", {})]


def _heading(nb, default: str) -> str:
    """A notebook's title: the first line of its first Markdown cell."""
    return next((c.source.splitlines()[0].lstrip("# ").strip() for c in nb.cells
                 if c.cell_type == "markdown" and c.source.strip()), default)


def _findings_html(found) -> str:
    parts = []
    for anchor, heading, items in found:
        if items:
            parts.append(f'<h3><a href="#{anchor}">{html.escape(heading)}</a></h3>' + "\n".join(items))
    return "\n".join(parts) or "<p>No notebook stated a finding.</p>"


def _html_report(executed: list[Path], header: dict, *, show_code: bool, title: str,
                 skipped: dict | None = None) -> str:
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = not show_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    sections, toc, found = [], [], []
    for i, path in enumerate(executed, start=1):
        nb = nbformat.read(path, as_version=4)
        nb.cells = [c for c in nb.cells if "parameters" not in c.get("metadata", {}).get("tags", [])
                    and "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
        body, _ = exporter.from_notebook_node(sanitise_outputs(nb))
        anchor = f"nb{i}"
        first = _heading(nb, path.stem)
        toc.append(f'<li><a href="#{anchor}">{html.escape(first)}</a></li>')
        sections.append(f'<section id="{anchor}" class="notebook">{body}</section>')
        found.append((anchor, first, findings(nb)))
    for name, why in (skipped or {}).items():
        toc.append(f"<li>{html.escape(name)}: not run ({html.escape(why)})</li>")
    rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in header["parameters"].items())
    versions = ", ".join(f"{k} {v}" for k, v in header["versions"].items())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: "Atkinson Hyperlegible", Arial, Helvetica, sans-serif; color: #0b0c0c; max-width: 960px; margin: 0 auto;
       padding: 0 1.5rem 4rem; line-height: 1.5; }}
header.report {{ border-bottom: 6px solid #12436D; margin-bottom: 1.5rem; padding-top: 1rem; }}
header.report h1 {{ font-size: 2rem; margin: 0.5rem 0; color: #12436D; }}
table {{ border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; display: block; overflow-x: auto;
         max-width: 100%; }}
code {{ overflow-wrap: anywhere; }}
th, td {{ border-bottom: 1px solid #b1b4b6; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }}
th.num, td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
table.meta th {{ width: 11rem; color: #505a5f; font-weight: normal; }}
.jp-RenderedImage img, img {{ max-width: 100%; height: auto; }}
section.notebook {{ border-top: 1px solid #b1b4b6; margin-top: 2.5rem; padding-top: 1rem; }}
pre {{ background: #f3f2f1; padding: 0.6rem; overflow-x: auto; font-size: 0.85rem; }}
.small {{ color: #505a5f; font-size: 0.85rem; }}
nav ol {{ padding-left: 1.2rem; }}
a.anchor-link {{ display: none; }}
section.findings {{ background: #f3f2f1; padding: 0.5rem 1.2rem 1rem; margin-bottom: 1.5rem; }}
section.findings h3 {{ font-size: 1.1rem; margin: 1rem 0 0.3rem; }}
.jp-OutputArea, .jp-RenderedHTMLCommon {{ overflow-x: auto; max-width: 100%; }}
</style>
</head>
<body>
<header class="report">
<p class="small">Partnership analysis toolkit {html.escape(__version__)}: reproducible report</p>
<h1>{html.escape(title)}</h1>
</header>
<section id="findings" class="findings">
<h2>What we found</h2>
{_findings_html(found)}
</section>
<section id="provenance" class="provenance">
<h2>How this report was made</h2>
<table class="meta">
<tr><th>Dataset</th><td>{html.escape(header["dataset"])}</td></tr>
<tr><th>Dataset checksum (SHA-256)</th><td><code>{header["checksum"]}</code></td></tr>
{rows}
<tr><th>Package versions</th><td class="small">{html.escape(versions)}</td></tr>
</table>
<p class="small">Charts with their data and alt text: <a href="charts/index.html">charts/index.html</a>.
Run manifest: <a href="manifest.json">manifest.json</a>.</p>
<nav><h2>Contents</h2><ol>{''.join(toc)}</ol></nav>
</section>
{''.join(sections)}
</body>
</html>
"""


def _run_notebook(nb: Path, target: Path, params: dict, kernel_name: str) -> str | None:
    """Execute one notebook into ``target`` (in a worker process); the reason it was skipped, or None."""
    import nbformat
    import papermill

    try:
        with _filtered_stderr():
            papermill.execute_notebook(str(nb), str(target), parameters=params, kernel_name=kernel_name,
                                       cwd=str(nb.parent), progress_bar=False, log_output=False)
    except papermill.PapermillExecutionError as exc:
        if exc.ename == "MissingTableError":
            # A valid dataset may lack the optional tables a notebook needs: say so, go on.
            target.unlink(missing_ok=True)
            return exc.evalue
        raise InputError(f"notebook {nb.name} failed on this dataset: {exc.ename}: {exc.evalue}") from None
    cleaned = strip_volatile(nbformat.read(target, as_version=4))
    if params.get("results"):
        # The results file lives in the staging folder of this run only; the saved notebook, run
        # again, computes the same results itself (and the file stays byte-identical run to run).
        for cell in cleaned.cells:
            if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
                cell["source"] = cell["source"].replace(repr(params["results"]), '""').replace(
                    json.dumps(params["results"]), '""')
    # papermill's raw output is private to this run: removed first, so that an output transaction
    # (the command line's) keeps no backup of it that would end up in the report.
    target.unlink()
    atomic_write_text(target, nbformat.writes(nbformat.from_dict(cleaned)) + "\n")
    return None


def _fit(name: str, ds, seed: int, start: int, end: int):
    """Fit one analysis (in a worker process); the result, or the MissingTableError it raised."""
    from analysis.errors import MissingTableError
    from analysis.results import compute_result

    try:
        return compute_result(name, ds, random_state=seed, start=start, end=end)
    except MissingTableError as exc:
        return exc


def _export_charts(ds, results_path, modules: tuple, overview: bool, out: Path, seed: int, start: int,
                   end: int) -> None:
    """Draw the charts of ``modules`` (from the saved results) and export them into ``out``."""
    from analysis.charts import standard_charts
    from analysis.export import export_charts
    from analysis.results import load_results

    results = load_results(results_path) if results_path else None
    specs = standard_charts(ds, random_state=seed, start=start, end=end, modules=modules, results=results,
                            overview=overview)
    out.mkdir(parents=True, exist_ok=True)
    export_charts(specs, out, replace_manifest=True)


#: Environment variables that size the numerical libraries' thread pools (BLAS, OpenMP).
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _one_thread_each() -> None:
    """Start a worker process: its numerical libraries run on one thread, and so do the notebook
    kernels it starts (they inherit its environment).

    The report's jobs already run in one process per core; thread pools inside each process
    only compete with the other jobs for the same cores, and their threads burn CPU time
    waiting for each other (the austerity fit took 7.3-8.6 s of CPU with them, 5.6 s
    without, and its wall time fell by a third or more). This is what joblib's own worker
    processes do.
    """
    from threadpoolctl import threadpool_limits

    os.environ.update(dict.fromkeys(_THREAD_VARIABLES, "1"))
    threadpool_limits(limits=1)  # for the libraries this process has already loaded


def _start_worker() -> None:
    """Start a worker process: one thread each (:func:`_one_thread_each`), and warnings printed
    as the command line prints them (``warning: ...``), not with the line of code that raised
    them: a worker is a fresh process and does not inherit the command line's setting."""
    import warnings

    from analysis.errors import show_warning

    _one_thread_each()
    warnings.showwarning = show_warning


def _pool(workers: int):
    """Worker processes for the report's independent jobs (started afresh: no state shared by forking)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker)


def build_report(
    dataset: str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    seed: int = 2010,
    start: int = 2010,
    end: int = 2019,
    parameters: dict | None = None,
    notebooks: list[str] | None = None,
    notebooks_dir: str | os.PathLike | None = None,
    show_code: bool = False,
    charts: bool = True,
    kernel_name: str = KERNEL_NAME,
    workers: int | None = None,
    docx: bool = False,
) -> Path:
    """Fit each analysis once, execute the notebooks, export the charts and write the HTML report.

    Each analysis (:data:`analysis.results.ANALYSES`) is fitted once with ``seed`` over
    ``start``-``end``; the results are saved in the staging folder and handed to every
    notebook (the parameter ``results``) and to every chart family, so a chart and the
    notebook text beside it come from the same fitted object. Fits, notebooks and chart
    families run in ``workers`` processes (default: the number of cores, at most 4); the
    outputs do not depend on the order they finish in.

    Parameters
    ----------
    dataset : path-like
        A dataset folder; it must pass validation (else nothing is executed). The
        real-England notebook reads it when it holds dated memberships
        (``membership_events``); otherwise that notebook reads the bundled
        ``data/england`` (or the parameter ``england_dataset``).
    out_dir : path-like
        Output folder (not inside the dataset). Holds ``report.html``,
        ``notebooks/*.ipynb`` (executed), ``charts/`` and ``manifest.json``.
    seed, start, end : int
        Random seed and the years compared, passed to every notebook that takes them.
    parameters : dict, optional
        Further notebook parameters (checked against the notebooks' parameters cells).
    notebooks : list of str, optional
        Names (or stems) of the notebooks to run; all by default.
    notebooks_dir : path-like, optional
        Folder of notebooks to run instead of the toolkit's own (``NN_name.ipynb``); they
        run with it as their working folder.
    show_code : bool
        Show the code cells in the HTML (hidden by default).
    workers : int, optional
        Worker processes (1 runs every job one after the other).
    docx : bool
        Also write ``report.docx``: the findings and every chart, each picture with its alt
        text, source line and where its data table is (:mod:`analysis.docx_report`).

    Returns
    -------
    Path
        The HTML report.
    """
    import pickle

    from analysis.charts import CHART_MODULES
    from analysis.data import dataset_checksum, load_dataset
    from analysis.export import merge_chart_folders, write_gallery
    from analysis.results import ANALYSES, Results

    dataset = Path(dataset)
    ds = load_dataset(dataset)  # validation errors stop the report before anything runs
    out = check_output_dir(out_dir, inputs=[dataset])
    all_nbs = find_notebooks(notebooks_dir)
    if notebooks:
        all_nbs = select_notebooks(all_nbs, notebooks)
    if end <= start:
        raise InputError(f"the end year ({end}) must come after the start year ({start})")
    params = {"dataset": str(dataset.resolve()), "seed": seed, "start": start, "end": end}
    if "membership_events" in ds:
        # A national dataset (dated memberships, as build-england makes) replaces the bundled one
        # in the real-England notebook; any other dataset leaves that notebook on the bundled copy.
        params["england_dataset"] = params["dataset"]
    parameters = dict(parameters or {})
    for former, name in (("start_year", "start"), ("end_year", "end")):  # the notebooks' names before 2026-12
        if former in parameters:
            warnings.warn(f"report parameter '{former}' is now '{name}' (as in the API); it was read as '{name}'",
                          FutureWarning, stacklevel=2)
            parameters.setdefault(name, parameters.pop(former))
    params.update(parameters)
    for name, value in parameters.items():  # a dataset folder named from the caller's folder
        if name.endswith("dataset") and isinstance(value, str) and Path(value).exists():
            params[name] = str(Path(value).resolve())  # the notebooks run in their own folder
    per_nb = check_parameters(params, all_nbs,
                              optional=("dataset", "england_dataset", "seed", "start", "end"))
    declared = {nb: notebook_parameters(nb) for nb in all_nbs}
    needs_results = [nb for nb in all_nbs if "results" in declared[nb]]
    workers = workers or min(os.cpu_count() or 1, 4)
    modules = tuple(CHART_MODULES)
    staging = Path(tempfile.mkdtemp(prefix=".report-", dir=out))
    try:
        nb_out = staging / "notebooks"
        nb_out.mkdir()
        results_path = staging / "results.pickle"
        nb_params = {}
        for nb in all_nbs:
            nb_params[nb] = dict(per_nb[nb])
            if "out_dir" in declared[nb]:
                # the report exports every chart into charts/: a notebook's own exports are not wanted
                nb_params[nb]["out_dir"] = ""
            if nb in needs_results:
                nb_params[nb]["results"] = str(results_path)
        parts = staging / "chart-parts"
        with _pool(workers) as pool:
            # First the fits (the longest first), then the jobs that need no result.
            fits = ({name: pool.submit(_fit, name, ds, seed, start, end) for name in ANALYSES}
                    if (charts or needs_results) else {})
            runs = {nb: pool.submit(_run_notebook, nb, nb_out / nb.name, nb_params[nb], kernel_name)
                    for nb in all_nbs if nb not in needs_results}
            exports = [pool.submit(_export_charts, ds, None, (), True, parts / "00_overview", seed, start, end)
                       ] if charts else []
            if fits:
                found = {name: job.result() for name, job in fits.items()}
                results = Results(found={k: v for k, v in found.items() if not isinstance(v, Exception)},
                                  missing={k: v for k, v in found.items() if isinstance(v, Exception)},
                                  random_state=seed, start=start, end=end, dataset_name=ds.name)
                results_path.write_bytes(pickle.dumps(results))  # read only by this run's workers
            runs.update({nb: pool.submit(_run_notebook, nb, nb_out / nb.name, nb_params[nb], kernel_name)
                         for nb in needs_results})
            if charts:
                exports += [pool.submit(_export_charts, ds, results_path, (module,), False,
                                        parts / f"{i:02d}_{module.rsplit('.', 1)[-1]}", seed, start, end)
                            for i, module in enumerate(modules, start=1)]
            skipped = {nb.name: why for nb in all_nbs if (why := runs[nb].result()) is not None}
            for job in exports:
                job.result()
        executed = [nb_out / nb.name for nb in all_nbs if nb.name not in skipped]
        results_path.unlink(missing_ok=True)
        chart_entries = {}
        if charts:
            merge_chart_folders(sorted(parts.iterdir()), staging / "charts")
            shutil.rmtree(parts)
            write_gallery(staging / "charts", title=f"Charts: {ds.name}")
            chart_entries = {p.name: _sha256(p) for p in sorted((staging / "charts").iterdir()) if p.is_file()}
        header = {"dataset": str(dataset), "checksum": dataset_checksum(dataset),
                  "parameters": {k: params[k] for k in sorted(params) if k != "dataset"} | {"show_code": show_code},
                  "versions": package_versions()}
        title = f"Partnerships under austerity: {ds.name}"
        atomic_write_text(staging / "report.html", _html_report(executed, header, show_code=show_code, title=title,
                                                                skipped=skipped))
        manifest = {
            "toolkit_version": __version__,
            "dataset": str(dataset),
            "dataset_checksum": header["checksum"],
            "parameters": header["parameters"],
            "seed": seed,
            "versions": header["versions"],
            "notebooks": {p.name: _sha256(p) for p in executed},
            "notebooks_skipped": skipped,
            "charts": chart_entries,
            "report": _sha256(staging / "report.html"),
        }
        if docx:
            import nbformat

            from analysis.docx_report import docx_bytes
            from analysis.writers import atomic_write_bytes

            found = [(_heading(nbformat.read(p, as_version=4), p.stem),
                      findings(sanitise_outputs(nbformat.read(p, as_version=4)))) for p in executed]
            atomic_write_bytes(staging / "report.docx", docx_bytes(
                title, found, staging / "charts" if charts else None,
                provenance={"Dataset": header["dataset"], "Dataset checksum (SHA-256)": header["checksum"],
                            **header["parameters"], "Package versions": ", ".join(
                                f"{k} {v}" for k, v in header["versions"].items())}))
            manifest["report_docx"] = _sha256(staging / "report.docx")
        atomic_write_text(staging / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        # Move into place: replace earlier outputs of the same names only now that all succeeded.
        for item in ("notebooks", "charts", "report.html", "report.docx", "manifest.json"):
            src, dst = staging / item, out / item
            if not src.exists():
                continue
            if dst.is_dir():
                shutil.rmtree(dst)
            elif dst.exists():
                dst.unlink()
            os.replace(src, dst)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out / "report.html"
