"""Tests for analysis.charts and the ``charts`` command, end to end on a tiny dataset."""

import hashlib
import json
import shutil
import subprocess
import sys
import types

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import charts  # noqa: E402
from analysis.cli import main  # noqa: E402
from analysis.data import load_dataset  # noqa: E402
from analysis.errors import MissingTableError  # noqa: E402
from analysis.export import ChartSpec  # noqa: E402
from analysis.style import subplots  # noqa: E402

EVIL = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def dataset_dir(tmp_path):
    """Four councils, three partnerships, two years of finance: answers computable on paper."""
    folder = tmp_path / "dataset"
    folder.mkdir()
    (folder / "councils.csv").write_text(
        "council_code,council_name,tier,region,population\n"
        "A,Alpha County Council,county,North,1000000\n"
        "B,Beta District Council,district,North,100000\n"
        "C,Gamma District Council,district,North,100000\n"
        "D,Delta County Council,county,South,500000\n"
    )
    (folder / "finance.csv").write_text(
        "council_code,year,spending_power_gbp_m,population\n"
        "A,2010,1000,1000000\nA,2011,900,1000000\n"
        "B,2010,30,100000\nB,2011,28,100000\n"
        "C,2010,50,100000\nC,2011,45,100000\n"
        "D,2010,400,500000\nD,2011,350,500000\n"
    )
    (folder / "partnerships.csv").write_text(
        "partnership_id,name,type,established,dissolved,lead_council_code\n"
        f'P1,"{EVIL.replace(chr(34), chr(34) * 2)}",forum,2010,2012,A\n'
        "P2,North Forum,forum,2011,,B\n"
        "P3,North LEP,lep,2011,,A\n"
    )
    return folder


def _fake_module(name, make):
    module = types.ModuleType(name)
    if make is not None:
        module.standard_charts = make
    return module


def _evil_charts(dataset, *, random_state, start=None, end=None):
    data = dataset["partnerships"][["partnership_id", "name", "established"]].copy()
    data["seed"] = random_state
    fig, ax = subplots(size="govuk")
    ax.bar(data["partnership_id"], data["established"])
    return [ChartSpec("fake_established", fig, "Partnerships were set up in 2010 and 2011",
                      "Bar chart of the year each of three partnerships was set up.", data,
                      source="tiny dataset")]


def _missing_charts(dataset, *, random_state, start=None, end=None):
    raise MissingTableError("evidence", "the coding needs evidence indicators")


@pytest.fixture
def fake_modules(monkeypatch):
    monkeypatch.setitem(sys.modules, "fake_charts_ok", _fake_module("fake_charts_ok", _evil_charts))
    monkeypatch.setitem(sys.modules, "fake_charts_missing",
                        _fake_module("fake_charts_missing", _missing_charts))
    modules = ("fake_charts_ok", "fake_charts_missing")
    monkeypatch.setattr(charts, "CHART_MODULES", modules)
    return modules


def test_overview_values(dataset_dir):
    specs = charts.overview_charts(load_dataset(dataset_dir))
    by_name = {s.name: s for s in specs}
    assert list(by_name) == ["overview_councils_by_region", "overview_partnerships_by_type",
                             "overview_partnerships_alive", "overview_spending_per_head"]
    councils = by_name["overview_councils_by_region"]
    assert councils.title == "North has the most councils: 3 of 4"
    assert councils.data.set_index(["region", "tier"])["councils"].to_dict() == {
        ("North", "county"): 1, ("North", "district"): 2, ("South", "county"): 1}
    assert by_name["overview_partnerships_by_type"].data.to_dict("list") == {
        "type": ["forum", "lep"], "partnerships": [2, 1]}
    alive = by_name["overview_partnerships_alive"].data
    pd.testing.assert_frame_equal(
        alive.astype("int64"),
        pd.DataFrame({"year": [2010, 2011, 2012], "partnerships": [1, 3, 2]}),
    )
    spend = by_name["overview_spending_per_head"]
    per_head = spend.data.set_index(["tier", "year"])["per_head_gbp"].to_dict()
    assert per_head == pytest.approx({("county", 2010): 933.33, ("county", 2011): 833.33,
                                      ("district", 2010): 400.0, ("district", 2011): 365.0})
    assert spend.title == "Spending power per head fell most in county councils: -11% from 2010 to 2011"
    for spec in specs:
        assert spec.alt_text and spec.source == "dataset dataset"


def test_standard_charts_modules(dataset_dir, fake_modules):
    dataset = load_dataset(dataset_dir)
    with pytest.warns(UserWarning, match="skipped the charts of fake_charts_missing: .*'evidence'"):
        specs = charts.standard_charts(dataset, random_state=7)
    names = [s.name for s in specs]
    assert names[-1] == "fake_established" and len(names) == 5
    assert specs[-1].data["seed"].tolist() == [7, 7, 7]


def test_broken_module_is_not_silently_skipped(dataset_dir, monkeypatch):
    def broken(dataset, *, random_state, start=None, end=None):
        raise ZeroDivisionError("bug")

    monkeypatch.setitem(sys.modules, "fake_charts_broken", _fake_module("fake_charts_broken", broken))
    with pytest.raises(ZeroDivisionError):
        charts.standard_charts(load_dataset(dataset_dir), modules=("fake_charts_broken",))
    assert plt.get_fignums() == []  # the overview figures were closed


@pytest.mark.parametrize("module", ["analysis.network", "fake_charts_none"])
def test_a_registered_module_that_is_missing_or_draws_nothing_is_an_error(dataset_dir, monkeypatch, module):
    monkeypatch.setitem(sys.modules, "fake_charts_none", _fake_module("fake_charts_none", None))
    with pytest.raises(charts.ChartRegistryError, match=f"chart module '{module}'"):
        charts.standard_charts(load_dataset(dataset_dir), modules=(module,))
    assert plt.get_fignums() == []  # refused before anything was drawn
    with pytest.raises(charts.ChartRegistryError, match="does not exist|has no standard_charts"):
        charts.register_chart_module(module)
    assert module not in charts.CHART_MODULES


def test_the_window_reaches_every_family(dataset_dir, fake_modules, monkeypatch):
    seen = {}

    def spy(dataset, *, random_state, start=None, end=None):
        seen.update(random_state=random_state, start=start, end=end)
        return []

    monkeypatch.setitem(sys.modules, "fake_charts_spy", _fake_module("fake_charts_spy", spy))
    specs = charts.standard_charts(load_dataset(dataset_dir), random_state=3, start=2012, end=2019,
                                   modules=("fake_charts_spy",))
    for spec in specs:
        plt.close(spec.fig)
    assert seen == {"random_state": 3, "start": 2012, "end": 2019}


def test_command_passes_the_years_and_the_default_seed(dataset_dir, monkeypatch, tmp_path):
    seen = {}

    def spy(dataset, *, random_state, start=None, end=None):
        seen.update(random_state=random_state, start=start, end=end)
        return []

    monkeypatch.setitem(sys.modules, "fake_charts_spy", _fake_module("fake_charts_spy", spy))
    monkeypatch.setattr(charts, "CHART_MODULES", ("fake_charts_spy",))
    assert _run_charts(dataset_dir, tmp_path / "out", "--formats", "svg", "--from", "2012", "--to", "2019") == 0
    assert seen == {"random_state": 2010, "start": 2012, "end": 2019}


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run_charts(dataset_dir, out, *extra):
    return main(["charts", str(dataset_dir), "--out", str(out), *extra])


def test_command_end_to_end(dataset_dir, fake_modules, tmp_path, capsys):
    before = _snapshot(dataset_dir)
    out = tmp_path / "charts"
    assert _run_charts(dataset_dir, out, "--formats", "svg,png", "--excel", "--seed", "3") == 0
    assert "wrote 5 charts" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    assert list(manifest["charts"]) == [
        "overview_councils_by_region", "overview_partnerships_by_type",
        "overview_partnerships_alive", "overview_spending_per_head", "fake_established"]
    for entry in manifest["charts"].values():
        assert set(entry["files"]) == {"svg", "png"}
        for fname in [*entry["files"].values(), entry["data"], entry["data_xlsx"]]:
            assert (out / fname).stat().st_size > 0
    assert not list(out.glob("*.pdf")) and not list(out.glob(".*tmp"))
    data = pd.read_csv(out / "fake_established.csv")
    assert data["name"][0] == "'" + EVIL  # neutralised
    assert data["established"].tolist() == [2010, 2011, 2011]  # numbers stay numbers
    assert data["seed"].tolist() == [3, 3, 3]
    html = (out / "index.html").read_text()
    assert html.count("<figure") == 5 and 'href="fake_established.csv"' in html
    assert _snapshot(dataset_dir) == before  # nothing written into the dataset

    # a second run gives the same bytes, gallery and manifest included
    again = tmp_path / "again"
    assert _run_charts(dataset_dir, again, "--formats", "svg,png", "--excel", "--seed", "3") == 0
    assert _snapshot(again) == _snapshot(out)


def test_command_refuses_output_inside_dataset(dataset_dir, fake_modules, capsys):
    before = _snapshot(dataset_dir)
    assert _run_charts(dataset_dir, dataset_dir / "charts") == 2
    assert "inside the input folder" in capsys.readouterr().err
    assert _snapshot(dataset_dir) == before
    assert not (dataset_dir / "charts").exists()
    assert _run_charts(dataset_dir, dataset_dir) == 2


def test_command_bad_inputs_exit_2(dataset_dir, fake_modules, tmp_path, capsys):
    out = tmp_path / "out"
    assert _run_charts(dataset_dir, out, "--formats", "svg,gif") == 2
    assert "unknown chart format 'gif'" in capsys.readouterr().err
    assert _run_charts(tmp_path / "nowhere", out) == 2
    bad = tmp_path / "bad"
    shutil.copytree(dataset_dir, bad)
    (bad / "councils.csv").write_text("council_code,council_name,tier,region\nA,Alpha,galaxy,North\n")
    assert _run_charts(bad, out) == 2
    assert "did not pass validation" in capsys.readouterr().err
    assert not out.exists()


def test_command_failure_leaves_nothing(dataset_dir, fake_modules, tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    real = Figure.savefig
    calls = {"n": 0}

    def failing(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("renderer crashed")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", failing)
    out = tmp_path / "out"
    assert _run_charts(dataset_dir, out, "--formats", "svg") == 1
    assert not out.exists(), "a failed run leaves no output folder behind"


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


_CHECK = """<script>
window.__errors = [];
addEventListener('error', function (e) {
  var t = e.target; window.__errors.push(t && t.src ? 'resource ' + t.src : 'js ' + e.message);
}, true);
var _ce = console.error; console.error = function () {
  window.__errors.push('console ' + [].join.call(arguments, ' ')); _ce.apply(console, arguments); };
addEventListener('load', function () {
  var broken = [].filter.call(document.images, function (i) {
    return !(i.complete && i.naturalWidth > 0); }).map(function (i) { return i.getAttribute('src'); });
  var p = document.createElement('pre'); p.id = '__result';
  p.textContent = JSON.stringify({errors: window.__errors, broken: broken, images: document.images.length});
  document.body.appendChild(p);
});
</script>"""


def _chromium_run(browser, tmp_path, *args):
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'chromium-profile'}"]
    return subprocess.run([browser, *flags, *args], capture_output=True, text=True, timeout=90)


def test_gallery_in_headless_chromium(dataset_dir, fake_modules, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium binary found (apt-get install chromium)")
    out = tmp_path / "charts"
    assert _run_charts(dataset_dir, out, "--formats", "svg") == 0  # the gallery shows the SVGs
    page = out / "index.html"
    # a copy of the gallery with a probe that reports load errors and broken images
    probe = out / "probe.html"
    probe.write_text(page.read_text().replace("</head>", _CHECK + "\n</head>", 1))
    result = _chromium_run(browser, tmp_path, "--virtual-time-budget=5000", "--dump-dom",
                           probe.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    marker = '<pre id="__result">'
    assert marker in result.stdout, result.stdout[-2000:]
    report = json.loads(result.stdout.split(marker, 1)[1].split("</pre>", 1)[0])
    assert report == {"errors": [], "broken": [], "images": 5}
    assert "Uncaught" not in result.stderr
    shot = tmp_path / "gallery.png"
    result = _chromium_run(browser, tmp_path, f"--screenshot={shot}", "--window-size=1100,2400",
                           "--hide-scrollbars", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.stat().st_size > 20_000  # a real page of charts, not a blank image
