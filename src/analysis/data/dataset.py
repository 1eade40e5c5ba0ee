"""A dataset is a folder: one file per table plus an optional ``dataset.yml``.

``dataset.yml`` maps other file names, sheets and column names onto the tables::

    tables:
      councils:
        file: la_register.xlsx     # relative to the dataset folder
        sheet: Authorities         # optional, Excel only
        header_row: 7              # optional; found automatically otherwise
        columns:                   # our name: the file's name
          council_code: LA Code
          council_name: Authority
    markers: ["-9"]                # optional extra missing-value markers
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from analysis.data.guards import (
    Limits,
    UnsafeInputError,
    YAMLLimitError,
    check_input_file,
    load_yaml,
)
from analysis.data.problems import ValidationReport
from analysis.data.readers import SUFFIXES, TableData, read_table
from analysis.data.schema import INDICATOR_OPTIONS, TABLES
from analysis.data.validate import validate_tables
from analysis.errors import InputError, MissingTableError

__all__ = ["Dataset", "load_dataset", "read_dataset", "dataset_checksum"]

_CONFIG_KEYS = {"tables", "markers", "name", "description", "source"}
_TABLE_KEYS = {"file", "sheet", "header_row", "columns"}


@dataclass
class Dataset:
    """A validated dataset: tidy tables by name, where they came from, and the report.

    Tables are read-only by convention: analyses copy before they change anything.
    """

    path: Path
    tables: dict[str, pd.DataFrame]
    report: ValidationReport
    sources: dict[str, TableData] = field(default_factory=dict, repr=False)
    extra: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    config: dict = field(default_factory=dict, repr=False)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name in self.tables:
            return self.tables[name]
        if name in self.extra:
            return self.extra[name]
        raise MissingTableError(name, "it is not in the dataset")

    def __contains__(self, name: str) -> bool:
        return name in self.tables or name in self.extra

    def has(self, name: str) -> bool:
        """Whether the dataset has table ``name`` (a standard or an extra table)."""
        return name in self

    def require(self, name: str, why: str) -> pd.DataFrame:
        """Return table ``name``, or raise a :class:`MissingTableError` saying why it is needed."""
        if name not in self:
            raise MissingTableError(name, why)
        return self[name]

    @property
    def name(self) -> str:
        return self.config.get("name") or self.path.name

    def summary(self) -> pd.DataFrame:
        """One row per table: rows, columns and the file it came from."""
        records = []
        for name, frame in {**self.tables, **self.extra}.items():
            src = self.sources.get(name)
            records.append({"table": name, "rows": len(frame), "columns": frame.shape[1],
                            "file": src.file if src else "", "standard": name in TABLES})
        return pd.DataFrame.from_records(records, columns=["table", "rows", "columns", "file", "standard"])


def _load_config(folder: Path, report: ValidationReport, limits: Limits) -> dict:
    """``dataset.yml`` (or ``dataset.yaml``) read safely and checked; ``{}`` when absent or
    unusable (the problems are in ``report``)."""
    cfg_path = folder / "dataset.yml"
    if not os.path.lexists(cfg_path):
        cfg_path = folder / "dataset.yaml"
        if not os.path.lexists(cfg_path):
            return {}
    try:
        config = load_yaml(cfg_path, folder, limits=limits) or {}
    except UnsafeInputError as exc:
        report.error("dataset.yml", exc.problem, file=cfg_path.name, fix=exc.fix)
        return {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" on line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if isinstance(exc, YAMLLimitError):
            report.error("dataset.yml", f"refused{where}: {problem}", file=cfg_path.name,
                         fix="write the settings out plainly: dataset.yml needs no aliases (*name) "
                         "and no deep nesting")
        else:
            report.error("dataset.yml", f"not valid YAML{where}: {problem}", file=cfg_path.name,
                         fix="correct the YAML (only plain mappings, lists and text are allowed)")
        return {}
    if not isinstance(config, dict):
        report.error("dataset.yml", "must be a mapping with a 'tables' key", file=cfg_path.name)
        return {}
    for key in set(config) - _CONFIG_KEYS:
        report.error("dataset.yml", f"unknown key '{key}'", file=cfg_path.name,
                     fix=f"the keys are: {', '.join(sorted(_CONFIG_KEYS))}")
    tables = config.get("tables") or {}
    if not isinstance(tables, dict):
        report.error("dataset.yml", "'tables' must map table names to settings", file=cfg_path.name)
        return {}
    for name, settings in tables.items():
        if name not in TABLES:
            report.error("dataset.yml", f"unknown table '{name}'", file=cfg_path.name,
                         fix=f"the tables are: {', '.join(TABLES)}")
            continue
        if isinstance(settings, str):
            settings = tables[name] = {"file": settings}
        if not isinstance(settings, dict):
            report.error("dataset.yml", f"settings of '{name}' must be a mapping", file=cfg_path.name)
            continue
        for key in set(settings) - _TABLE_KEYS:
            report.error("dataset.yml", f"unknown key '{key}' under '{name}'", file=cfg_path.name,
                         fix=f"the keys are: {', '.join(sorted(_TABLE_KEYS))}")
        file = settings.get("file")
        if file is not None:
            target = (folder / str(file)).resolve()
            if not target.is_relative_to(folder.resolve()):
                report.error("dataset.yml", f"the file of '{name}' ({file}) is outside the dataset folder",
                             file=cfg_path.name, fix="keep every file of the dataset inside its folder")
                settings["file"] = None
                settings["_refused"] = True
        cols = settings.get("columns") or {}
        if not isinstance(cols, dict):
            report.error("dataset.yml", f"'columns' of '{name}' must map our names to the file's",
                         file=cfg_path.name)
            settings["columns"] = {}
        else:
            for ours in cols:
                if ours not in TABLES[name].column_names:
                    report.error("dataset.yml", f"'{ours}' is not a column of {name}", file=cfg_path.name,
                                 fix=f"the columns are: {', '.join(TABLES[name].column_names)}")
        hr = settings.get("header_row")
        if hr is not None and (not isinstance(hr, int) or hr < 1):
            report.error("dataset.yml", f"header_row of '{name}' must be a whole number from 1",
                         file=cfg_path.name)
            settings["header_row"] = None
    markers = config.get("markers") or []
    if not isinstance(markers, list):
        report.error("dataset.yml", "'markers' must be a list", file=cfg_path.name)
        config["markers"] = []
    return config


@functools.lru_cache(maxsize=1)
def _codebook_indicators() -> dict[str, str]:
    """The indicators of the shipped codebook (read once per process: parsing it is slow).

    A codebook that cannot be loaded is an error (``load_codebook`` says what is wrong),
    never a silent fall-back to the standard indicators.
    """
    from analysis.codebook import load_codebook  # the codebook may add indicators

    return dict(load_codebook().indicator_options)


def read_dataset(path: str | Path, *, limits: Limits | None = None) -> Dataset:
    """Read and validate a dataset folder without raising on validation errors.

    Returns a :class:`Dataset` whose ``report`` says what is wrong; tables that could
    not be read are absent. Use :func:`load_dataset` to stop on errors. ``limits`` bounds
    what is read from each file (default: :meth:`Limits.from_environment`).

    The tables are read one after the other, in the data model's order, then validated
    together; their problems are reported in that order.
    """
    folder = Path(path)
    limits = limits or Limits.from_environment()
    report = ValidationReport(dataset=str(path))
    if not folder.exists():
        raise InputError(f"dataset folder {path} does not exist")
    if not folder.is_dir():
        raise InputError(f"{path} is not a folder; a dataset is a folder with one file per table "
                         f"(councils.csv, partnerships.csv, ...)")
    config = _load_config(folder, report, limits)
    markers = tuple(str(m) for m in config.get("markers") or [])
    table_cfg = config.get("tables") or {}
    read: dict[str, TableData] = {}
    unreadable = []
    for name, file, settings in _plan_tables(folder, table_cfg):
        if file is None:  # mapped outside the folder in dataset.yml: reported already
            unreadable.append(name)
            continue
        for problem in settings.get("_warnings", ()):
            report.warning(name, problem, fix="keep one file per table")
        data = read_table(file, TABLES[name], report=report, sheet=settings.get("sheet"),
                          header_row=settings.get("header_row"), columns=settings.get("columns") or {},
                          markers=markers, name=name, root=folder, limits=limits)
        if data is None:
            if os.path.lexists(file):
                unreadable.append(name)
        else:
            read[name] = data
    indicators = _indicators_for(read["evidence"]) if "evidence" in read else None
    validate_tables(read, report=report, base=folder, indicators=indicators, unreadable=unreadable)
    used = {(folder / str(s.get("file"))).resolve() for s in table_cfg.values()
            if isinstance(s, dict) and s.get("file")}
    used |= {(folder / d.file).resolve() for d in read.values()}
    extra: dict[str, pd.DataFrame] = {}
    for p in sorted(folder.glob("*.csv")):
        if p.resolve() in used or p.stem in TABLES:
            continue
        data = read_table(p, None, report=ValidationReport(), name=p.stem, root=folder, limits=limits)
        if data is not None:
            extra[p.stem] = data.frame
            report.info.append(f"{p.name}: read as an extra table '{p.stem}' (not part of the data model)")
    return Dataset(folder, {k: v.frame for k, v in read.items()}, report, read, extra, config)


def _plan_tables(folder: Path, table_cfg: dict) -> list[tuple[str, Path | None, dict]]:
    """Which file each table is read from, in the tables' order: (name, file, settings).

    A table that dataset.yml maps outside the folder has file None (already reported);
    a table with no file is left out. Several files for one table are noted in the
    settings' ``_warnings`` (the first is read).
    """
    plan = []
    for name in TABLES:
        settings = dict(table_cfg.get(name) or {})
        if settings.get("_refused"):
            plan.append((name, None, settings))
            continue
        if settings.get("file"):
            plan.append((name, folder / str(settings["file"]), settings))
            continue
        # Whatever is there under the table's name (a link, a pipe, a folder) is planned:
        # read_table refuses what is not a regular file inside the folder, and says why.
        all_found = [folder / f"{name}{s}" for s in SUFFIXES if os.path.lexists(folder / f"{name}{s}")]
        if len(all_found) > 1:
            settings["_warnings"] = [f"several files for this table ({', '.join(p.name for p in all_found)}); "
                                     f"{all_found[0].name} was read"]
        if all_found:
            plan.append((name, all_found[0], settings))
    return plan


def _indicators_for(evidence: TableData) -> dict[str, str] | None:
    """The standard indicators (None), or the shipped codebook's when the evidence holds others."""
    values = evidence.frame["indicator"]
    if set(values.dropna().unique()) <= set(INDICATOR_OPTIONS):
        return None
    return _codebook_indicators()


def load_dataset(path: str | Path) -> Dataset:
    """Read a dataset folder and validate it; raise :class:`InputError` with the report on errors.

    Examples
    --------
    >>> ds = load_dataset("data/staffordshire")  # doctest: +SKIP
    >>> ds["partnerships"].shape  # doctest: +SKIP
    """
    dataset = read_dataset(path)
    if not dataset.report.ok:
        raise InputError(f"the dataset {path} did not pass validation", report=dataset.report)
    return dataset


def _inside_regular(path: Path, folder: Path) -> bool:
    """Whether ``path`` is a regular file inside ``folder`` (links followed)."""
    try:
        check_input_file(path, folder)
    except UnsafeInputError:
        return False
    return True


def dataset_checksum(path: str | Path) -> str:
    """SHA-256 over the dataset folder's files (names and bytes, in sorted order)."""
    folder = Path(path)
    digest = hashlib.sha256()
    for p in sorted(q for q in folder.rglob("*") if _inside_regular(q, folder)):
        digest.update(p.relative_to(folder).as_posix().encode())
        digest.update(b"\0")
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()
