"""Ship the notebooks inside the package, so an installed toolkit can build the report.

The notebooks live in ``notebooks/`` at the top of the repository (where JupyterLab and nbval
use them), beside the case data they read (``data/staffordshire``, and the real England dataset
``data/england``). The wheel
carries both in the same layout under ``analysis/bundled/``, so the notebooks' relative paths
(``../data/staffordshire``) hold unchanged:

    notebooks/*.ipynb, notebooks/sanitize.cfg  ->  analysis/bundled/notebooks/
    data/staffordshire/*                       ->  analysis/bundled/data/staffordshire/
    data/england/*                             ->  analysis/bundled/data/england/

Everything else is declared in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = {"notebooks": ["*.ipynb", "sanitize.cfg"], "data/staffordshire": ["*.csv", "README.md"],
           "data/england": ["*.csv", "README.md"]}


class build_py_with_notebooks(build_py):  # noqa: N801 - named like setuptools' own commands
    """``build_py`` that also copies the notebooks and the case data they read into the package."""

    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads notebooks/ in the checkout itself
            return
        bundle = Path(self.build_lib) / "analysis" / "bundled"
        shutil.rmtree(bundle, ignore_errors=True)  # nothing stale from an earlier build
        for folder, patterns in BUNDLED.items():
            files = sorted({f for pattern in patterns for f in (ROOT / folder).glob(pattern)})
            if not files:
                raise FileNotFoundError(f"nothing to ship in {ROOT / folder} ({', '.join(patterns)})")
            (bundle / folder).mkdir(parents=True)
            for src in files:
                shutil.copyfile(src, bundle / folder / src.name)


setup(cmdclass={"build_py": build_py_with_notebooks})
