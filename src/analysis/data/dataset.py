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

import contextlib
import functools
import gc
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from analysis.data.problems import ValidationReport
from analysis.data.readers import SUFFIXES, TableData, read_table
from analysis.data.schema import INDICATOR_OPTIONS, TABLES
from analysis.data.validate import REFERENCE_TABLES, check_table, finish_validation, validate_tables
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


def _load_config(folder: Path, report: ValidationReport) -> dict:
    cfg_path = folder / "dataset.yml"
    if not cfg_path.exists():
        cfg_path = folder / "dataset.yaml"
        if not cfg_path.exists():
            return {}
    try:
        config = yaml.safe_load(cfg_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" on line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        report.error("dataset.yml", f"not valid YAML{where}: {problem}", file=cfg_path.name,
                     fix="correct the YAML (only plain mappings, lists and text are allowed)")
        return {}
    except UnicodeDecodeError:
        report.error("dataset.yml", "not UTF-8 text", file=cfg_path.name)
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
def _codebook_indicators() -> dict[str, str] | None:
    """The indicators of the shipped codebook (read once per process: parsing it is slow)."""
    # No fallback: a shipped codebook that does not load is an installation error, and its
    # InputError (naming the file and line) says so.
    from analysis.codebook import load_codebook  # the codebook may add indicators

    return dict(load_codebook().indicator_options) or None


@contextlib.contextmanager
def _no_cycle_collection():
    """Pause Python's cycle collector, as it was before, for the duration of a read.

    A read makes hundreds of thousands of short-lived objects and almost no reference
    cycles; the collector's passes over them (and over every object the libraries made
    when imported) cost about a twentieth of the read. Whatever cycles there are get
    collected when the collector resumes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_dataset(path: str | Path) -> Dataset:
    """Read and validate a dataset folder without raising on validation errors.

    Returns a :class:`Dataset` whose ``report`` says what is wrong; tables that could
    not be read are absent. Use :func:`load_dataset` to stop on errors.
    """
    with _no_cycle_collection():
        return _read_dataset(path)


def _read_dataset(path: str | Path) -> Dataset:
    folder = Path(path)
    report = ValidationReport(dataset=str(path))
    if not folder.exists():
        raise InputError(f"dataset folder {path} does not exist")
    if not folder.is_dir():
        raise InputError(f"{path} is not a folder; a dataset is a folder with one file per table "
                         f"(councils.csv, partnerships.csv, ...)")
    config = _load_config(folder, report)
    markers = tuple(str(m) for m in config.get("markers") or [])
    table_cfg = config.get("tables") or {}
    plan = _plan_tables(folder, table_cfg)
    refused = [name for name, file, _ in plan if file is None]
    plan = [step for step in plan if step[1] is not None]
    # Each table's problems go to a report of its own, merged in the tables' order at the end,
    # so that the report is the same however the reading was shared out.
    own = {name: ValidationReport() for name, _, _ in plan}
    for name, _, settings in plan:
        for problem in settings.get("_warnings", ()):
            own[name].warning(name, problem, fix="keep one file per table")
    read: dict[str, TableData] = {}
    runs: dict = {}
    parts: dict[str, dict] = {}

    def read_one(name, file, settings):
        data = read_table(file, TABLES[name], report=own[name], sheet=settings.get("sheet"),
                          header_row=settings.get("header_row"), columns=settings.get("columns") or {},
                          markers=markers, name=name)
        if data is not None:
            read[name] = data
        return data

    def check_one(data):
        indicators = _indicators_for(data) if data.name == "evidence" else None
        parts[data.name] = check_table(data, read, runs=runs, base=folder, indicators=indicators)

    def read_and_check(step):
        data = read_one(*step)
        if data is not None:
            check_one(data)

    workers = min(2, os.cpu_count() or 1)
    size = sum(_size_of(file) for _, file, _ in plan)
    threaded = workers > 1 and size >= _PIPELINE_BYTES
    if threaded:
        # Read the tables every reference points into first; then read and check each of the
        # others in two threads, the largest file first, while those two are checked here.
        first = [step for step in plan if step[0] in REFERENCE_TABLES]
        rest = sorted((step for step in plan if step[0] not in REFERENCE_TABLES),
                      key=lambda step: -_size_of(step[1]))
        for step in first:
            read_one(*step)
        with ThreadPoolExecutor(workers) as pool:
            pending = [pool.submit(read_and_check, step) for step in rest]
            for name, _, _ in first:
                if name in read:
                    check_one(read[name])
            for future in pending:
                future.result()
    else:
        for step in plan:
            read_one(*step)
    for name, _, _ in plan:
        report.extend(own[name])
    read = {name: read[name] for name, _, _ in plan if name in read}  # the tables' order
    unreadable = refused + [name for name, file, _ in plan if name not in read and Path(file).is_file()]
    if threaded:  # every table read is checked already; the checks across tables remain
        finish_validation(read, [parts[name] for name in read], report=report, unreadable=unreadable)
    else:
        indicators = _indicators_for(read["evidence"]) if "evidence" in read else None
        validate_tables(read, report=report, base=folder, indicators=indicators, unreadable=unreadable)
    used = {(folder / str(s.get("file"))).resolve() for s in table_cfg.values()
            if isinstance(s, dict) and s.get("file")}
    used |= {(folder / d.file).resolve() for d in read.values()}
    extra: dict[str, pd.DataFrame] = {}
    for p in sorted(folder.glob("*.csv")):
        if p.resolve() in used or p.stem in TABLES:
            continue
        data = read_table(p, None, report=ValidationReport(), name=p.stem)
        if data is not None:
            extra[p.stem] = data.frame
            report.info.append(f"{p.name}: read as an extra table '{p.stem}' (not part of the data model)")
    return Dataset(folder, {k: v.frame for k, v in read.items()}, report, read, extra, config)


#: Bytes of table files from which the tables are read and checked in two threads.
_PIPELINE_BYTES = 8 << 20


def _size_of(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0


def _plan_tables(folder: Path, table_cfg: dict) -> list[tuple[str, Path | None, dict]]:
    """Which file each table is read from, in the tables' order: (name, file, settings).

    A table that dataset.yml maps outside the folder has file None (already reported);
    a table with no file is left out. Several files for one table are noted in the
    settings' ``_warnings`` (the first is read).
    """
    plan = []
    listing = _listing(folder)
    for name in TABLES:
        settings = dict(table_cfg.get(name) or {})
        if settings.get("_refused"):
            plan.append((name, None, settings))
            continue
        if settings.get("file"):
            plan.append((name, folder / str(settings["file"]), settings))
            continue
        # Names are compared in lower case, since a file system that ignores case (Windows,
        # macOS) opens Councils.CSV as councils.csv; is_file then asks the file system itself.
        all_found = [folder / f"{name}{s}" for s in SUFFIXES
                     if (listing is None or f"{name}{s}".lower() in listing) and (folder / f"{name}{s}").is_file()]
        if len(all_found) > 1:
            settings["_warnings"] = [f"several files for this table ({', '.join(p.name for p in all_found)}); "
                                     f"{all_found[0].name} was read"]
        if all_found:
            plan.append((name, all_found[0], settings))
    return plan


def _listing(folder: Path) -> set[str] | None:
    """The names in the folder in lower case (None when it cannot be listed), so that one
    listing answers which table files there are instead of a question per possible name."""
    try:
        return {n.lower() for n in os.listdir(folder)}
    except OSError:
        return None


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


def dataset_checksum(path: str | Path) -> str:
    """SHA-256 over the dataset folder's files (names and bytes, in sorted order)."""
    folder = Path(path)
    digest = hashlib.sha256()
    for p in sorted(q for q in folder.rglob("*") if q.is_file()):
        digest.update(p.relative_to(folder).as_posix().encode())
        digest.update(b"\0")
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()
