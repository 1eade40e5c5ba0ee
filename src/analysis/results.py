"""Fit every analysis of the report once, and hand the results on.

The report computes each analysis once with its seed and year window
(:func:`compute_results`), saves the results in its staging folder, and gives the file to
every notebook (the papermill parameter ``results``) and to every chart family. A notebook
opened on its own (JupyterLab, nbval) has an empty ``results`` and computes the same
results itself with :func:`analysis.notebook.results`, through this same function, so the
numbers in a notebook's text and the charts beside it come from one fitted object.

A result the dataset cannot give (a missing table) is kept as its
:class:`~analysis.errors.MissingTableError`, raised again when the result is asked for:
the notebook or chart family that needs it is then skipped as before.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from analysis.errors import InputError, MissingTableError

__all__ = ["ANALYSES", "AUSTERITY_N_BOOT", "Results", "compute_result", "compute_results", "load_results"]

#: The analyses the report fits, in the order they are fitted.
ANALYSES = ("typology", "austerity", "coding")
#: Bootstrap resamples of the austerity analysis (its Spearman interval and LOWESS band).
AUSTERITY_N_BOOT = 1000


@dataclass(frozen=True)
class Results(Mapping):
    """The fitted results by name, with the parameters they were fitted with.

    ``results["typology"]`` is a :class:`~analysis.typology.TypologyResult`,
    ``results["austerity"]`` an :class:`~analysis.austerity.AusterityResult` and
    ``results["coding"]`` a :class:`~analysis.coding.CodingResult` (or None without
    documents). Asking for a result the dataset could not give raises its
    :class:`~analysis.errors.MissingTableError`.
    """

    found: dict
    random_state: int
    start: int
    end: int
    dataset_name: str = ""
    missing: dict = field(default_factory=dict)

    def __getitem__(self, name):
        if name in self.missing:
            raise self.missing[name]
        return self.found[name]

    def __iter__(self):
        return iter([n for n in ANALYSES if n in self.found or n in self.missing])

    def __len__(self):
        return len(self.found) + len(self.missing)

    def parameters(self) -> dict:
        """The seed and window every result was fitted with."""
        return {"random_state": self.random_state, "start": self.start, "end": self.end}


def compute_result(name: str, dataset, *, random_state: int, start: int, end: int):
    """Fit the analysis ``name`` (one of :data:`ANALYSES`) once on ``dataset``.

    Raises :class:`MissingTableError` when the dataset lacks a table it needs.
    """
    if name == "typology":
        from analysis.typology import fit_typology

        return fit_typology(dataset, start=start, end=end, random_state=random_state)
    if name == "austerity":
        from analysis.austerity import austerity_against_activity

        return austerity_against_activity(dataset, start=start, end=end, n_boot=AUSTERITY_N_BOOT,
                                          random_state=random_state, lowess=True)
    if name == "coding":
        from analysis.coding import code_dataset

        return code_dataset(dataset)
    raise ValueError(f"unknown analysis {name!r}; the analyses are: {', '.join(ANALYSES)}")


def compute_results(dataset, *, random_state: int = 2010, start: int = 2010, end: int = 2019,
                    names=ANALYSES) -> Results:
    """Fit each analysis in ``names`` once on ``dataset``; see :class:`Results`."""
    found, missing = {}, {}
    for name in names:
        try:
            found[name] = compute_result(name, dataset, random_state=random_state, start=start, end=end)
        except MissingTableError as exc:
            missing[name] = exc
    return Results(found=found, missing=missing, random_state=random_state, start=start, end=end,
                   dataset_name=str(getattr(dataset, "name", "")))


def load_results(path, *, random_state: int | None = None, start: int | None = None,
                 end: int | None = None) -> Results:
    """Read the results the report saved (a pickle it wrote itself in its staging folder).

    The seed and window, when given, must be those the results were fitted with: a
    notebook never shows results fitted with other parameters than its own.
    """
    with Path(path).open("rb") as fh:
        results = pickle.load(fh)  # noqa: S301 - written by this process's own report run
    if not isinstance(results, Results):
        raise InputError(f"{path} does not hold the report's results")
    asked = {"random_state": random_state, "start": start, "end": end}
    for key, value in asked.items():
        if value is not None and results.parameters()[key] != value:
            raise InputError(f"the results in {path} were fitted with {key}={results.parameters()[key]}, "
                             f"not {value}")
    return results
