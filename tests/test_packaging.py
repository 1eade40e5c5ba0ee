"""Installing the toolkit: what the package declares and ships, and the report from a built wheel."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
import tomllib
from conftest import EXAMPLE, ROOT, TINY, write_files
from packaging.requirements import Requirement

from analysis.cli import main
from analysis.report import NOTEBOOK_DIR, find_notebooks

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
TEST_TOOLS = {"pytest", "pytest-xdist", "hypothesis", "ruff", "nbval"}


def _lock_pins() -> dict[str, str]:
    lock = (ROOT / "requirements.lock").read_text().lower()
    return dict(re.findall(r"^([a-z0-9_.\-]+)==(\S+)", lock, flags=re.M))


def test_lock_pins_satisfy_every_declared_bound():
    pins = _lock_pins()
    for text in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]:
        req = Requirement(text)
        name = req.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not pinned in requirements.lock (run make lock)"
        assert req.specifier.contains(pins[name], prereleases=True), \
            f"requirements.lock pins {name}=={pins[name]}, outside pyproject.toml's {req}"


def test_test_tools_are_an_extra_not_a_user_dependency():
    users = {Requirement(r).name.lower() for r in PROJECT["dependencies"]}
    dev = {Requirement(r).name.lower() for r in PROJECT["optional-dependencies"]["dev"]}
    assert not users & TEST_TOOLS
    assert TEST_TOOLS <= dev


def test_make_help_lists_the_repeat_smoke_and_notebook_targets():
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    out = subprocess.run([make, "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True)
    listed = {line.split()[0] for line in re.sub(r"\x1b\[[0-9;]*m", "", out.stdout).splitlines() if line.strip()}
    assert {"test", "test-repeat", "smoke", "notebooks"} <= listed


def test_in_a_checkout_the_report_runs_the_committed_notebooks():
    assert NOTEBOOK_DIR == ROOT / "notebooks"
    assert [p.name for p in find_notebooks()] == sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_a_notebooks_dir_without_notebooks_is_refused_before_anything_runs(tmp_path, capsys):
    data = write_files(tmp_path / "tiny", TINY)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "draft.ipynb").write_text("{}")  # not numbered: not a report notebook
    for folder, problem in ((empty, "holds no notebook named NN_"), (tmp_path / "absent", "does not exist")):
        assert main(["report", str(data), "--out", str(tmp_path / "out"), "--notebooks-dir", str(folder)]) == 2
        err = capsys.readouterr().err
        assert f"the notebooks folder {folder} {problem}" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def _tiny_notebook(folder: Path) -> Path:
    """A notebook that prints a number computed from its parameters (and reads a file beside it)."""
    folder.mkdir(parents=True)
    (folder / "factor.txt").write_text("3")
    params = nbformat.v4.new_code_cell('dataset = ""\nseed = 0')
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Tiny\n\nThe question: does the report run my own notebooks?"),
        params,
        nbformat.v4.new_code_cell('from pathlib import Path\nprint("answer", seed * int(Path("factor.txt").read_text()))'),
    ])
    nb.metadata["kernelspec"] = {"name": "partnership-analysis", "display_name": "Partnership analysis",
                                 "language": "python"}
    path = folder / "01_tiny.ipynb"
    nbformat.write(nb, path)
    return path


def test_report_runs_the_notebooks_of_another_folder(tmp_path, capsys):
    data = write_files(tmp_path / "tiny", TINY)
    _tiny_notebook(tmp_path / "mine")
    out = tmp_path / "out"
    assert main(["report", str(data), "--out", str(out), "--notebooks-dir", str(tmp_path / "mine"),
                 "--seed", "14", "--no-charts"]) == 0
    assert [p.name for p in (out / "notebooks").iterdir()] == ["01_tiny.ipynb"]
    executed = nbformat.read(out / "notebooks" / "01_tiny.ipynb", as_version=4)
    assert "answer 42" in executed.cells[-1].outputs[0]["text"]  # seed 14, factor 3 read from its folder
    assert "answer 42" in (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_built_wheel_ships_the_notebooks_and_builds_a_report_outside_the_checkout(tmp_path):
    """Build the wheel, install it into a fresh venv (dependencies from the lock, no editable
    checkout, no kernel registered by hand) and run the report from an unrelated folder."""
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(uv).exists():
        pytest.skip("uv is not installed (make install installs it)")
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--disable-pip-version-check",
                    "-w", str(dist), str(ROOT)], check=True, capture_output=True, text=True)
    (wheel,) = dist.glob("partnership_analysis-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert {f"analysis/bundled/notebooks/{n}" for n in shipped | {"sanitize.cfg"}} <= names
    assert "analysis/bundled/data/staffordshire/partnerships.csv" in names
    # the charts' font and its licence (OFL 1.1 asks for the licence to travel with the font)
    assert {"analysis/fonts/AtkinsonHyperlegible-Regular.ttf", "analysis/fonts/AtkinsonHyperlegible-Bold.ttf",
            "analysis/fonts/OFL.txt"} <= names
    assert any(n.endswith(".data/data/share/jupyter/kernels/partnership-analysis/kernel.json") for n in names)
    assert not any(n.startswith(("tests/", "notebooks/")) for n in names)

    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_PATH")}
    run = dict(check=True, capture_output=True, text=True, env=env)
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], **run)
    python = venv / "bin" / "python"
    lock = [line for line in (ROOT / "requirements.lock").read_text().splitlines()
            if not line.startswith(("pytest", "hypothesis", "ruff", "nbval"))]
    (tmp_path / "user.lock").write_text("\n".join(lock) + "\n")
    subprocess.run([uv, "pip", "install", "--quiet", "--python", str(python), "-r", str(tmp_path / "user.lock")], **run)
    subprocess.run([uv, "pip", "install", "--quiet", "--no-deps", "--python", str(python), str(wheel)], **run)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(python), "-c", "import analysis.report as r; print(r.__file__); print(r.NOTEBOOK_DIR)"],
                           cwd=elsewhere, **run).stdout.split()
    assert str(venv) in where[0] and where[1].endswith("analysis/bundled/notebooks")
    # 04 reads the bundled Staffordshire case data beside the notebooks; 01 the dataset given.
    result = subprocess.run([str(venv / "bin" / "partnership-analysis"), "report", str(EXAMPLE), "--out", "out",
                             "--notebooks", "01,04", "--no-charts"], cwd=elsewhere, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    html = (elsewhere / "out" / "report.html").read_text(encoding="utf-8")
    assert "The Staffordshire case" in html and "Dataset checksum" in html
    assert sorted(p.name for p in (elsewhere / "out" / "notebooks").iterdir()) == [
        "01_data_overview.ipynb", "04_staffordshire.ipynb"]
