"""The project's own promises: dependencies agree, the CLI is complete, the dictionary is current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(req: str) -> str:
    return req.strip()[len(_name(req)):].replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_name(r): _spec(r) for r in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for pip_dep in dep.get("pip", []):
                if not pip_dep.startswith("-e"):
                    listed[_name(pip_dep)] = _spec(pip_dep)
        elif _name(dep) not in ("python", "pip"):
            listed[_name(dep)] = _spec(dep)
    assert listed == declared


def test_lock_file_pins_every_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = (ROOT / "requirements.lock").read_text().lower()
    pinned = dict(re.findall(r"^([a-z0-9_.\-]+)==(\S+)", lock, flags=re.M))
    for req in project["dependencies"]:
        assert _name(req) in pinned, f"{_name(req)} is not pinned in requirements.lock (run make lock)"


def test_every_command_has_help():
    from analysis.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    names = sorted(sub.choices)
    for required in ("validate", "make-example"):
        assert required in names
    for name in names:
        text = sub.choices[name].format_help()
        assert "unavailable" not in (sub.choices[name].description or ""), name
        assert len(text) > 80, name


def test_command_modules_all_import():
    import importlib
    import pkgutil

    import analysis.commands as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"analysis.commands.{info.name}")
        assert callable(module.register)


def test_usage_names_the_program_as_invoked():
    from analysis.cli import build_parser, program_name

    assert program_name("/venv/bin/partnership-analysis") == "partnership-analysis"
    assert program_name("/venv/Scripts/partnership-analysis.exe") == "partnership-analysis"
    assert program_name("/work/src/analysis/__main__.py") == "python -m analysis"
    usage = build_parser("partnership-analysis").format_help()
    assert usage.startswith("usage: partnership-analysis ")
    assert "Run 'partnership-analysis COMMAND --help'" in usage


def test_python_m_analysis_help_runs():
    out = subprocess.run([sys.executable, "-m", "analysis", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "validate" in out.stdout


def test_data_dictionary_is_current():
    from analysis.data.dictionary import data_dictionary

    committed = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert committed == data_dictionary(), "data/README.md is stale: run `python -m analysis data-dictionary --out data/README.md`"


@pytest.mark.parametrize("name", ["README.md", "data/example/README.md", "data/staffordshire/README.md"])
def test_docs_exist(name):
    assert (ROOT / name).stat().st_size > 500


def test_code_passes_ruff():
    import shutil

    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed")
    out = subprocess.run([ruff, "check", "src", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:]
