"""Checks made before any input file is opened or parsed.

Every reader of a dataset (tables, ``dataset.yml``, documents, codebooks) uses the same
three guards, so that a hostile file is refused the same way wherever it turns up:

- :func:`check_input_file`: the file lies inside the dataset folder (also once symbolic
  links are followed) and is a regular file, not a named pipe, a device or a folder. It
  only asks the file system about the file (``os.stat``); it never opens it.
- :class:`Limits`: the largest file, the most rows and the most cells read for one
  table, and the size, aliases and nesting depth allowed in a YAML file. The defaults
  are generous for real data; each can be changed through an environment variable (named
  in every message that a limit was reached) or by passing a ``Limits`` to the reader.
- :func:`load_yaml` / :class:`SafeYAMLLoader`: YAML read with PyYAML's safe loader (no
  Python tags), with the limits above, so that a "billion laughs" file or a document
  nested thousands of levels deep is refused with its line number instead of exhausting
  memory or the interpreter's stack.

A refusal raises :class:`UnsafeInputError`, an :class:`~analysis.errors.InputError`
(exit code 2) that carries the problem and the fix separately, for readers that put
them into a :class:`~analysis.data.problems.ValidationReport`.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, fields, replace
from pathlib import Path

import yaml

from analysis.errors import InputError

__all__ = [
    "Limits",
    "SafeYAMLLoader",
    "UnsafeInputError",
    "YAMLLimitError",
    "check_input_file",
    "check_input_files",
    "load_yaml",
    "parse_yaml",
]


class UnsafeInputError(InputError):
    """An input file refused before it was opened or parsed.

    ``problem`` says what is wrong with the file, ``fix`` what to do about it; ``str()``
    of the error is both, for callers that print one message.
    """

    def __init__(self, problem: str, *, fix: str = "", file: str = ""):
        where = f"{file}: " if file else ""
        super().__init__(f"{where}{problem}" + (f"; {fix}" if fix else ""))
        self.problem = problem
        self.fix = fix
        self.file = file


# ----------------------------------------------------------------------------- limits


@dataclass(frozen=True)
class Limits:
    """How much the readers take in from one file before refusing it.

    Each limit has an environment variable that overrides its default (see
    :meth:`from_environment`); messages name the variable to set.

    Examples
    --------
    >>> Limits().max_rows
    5000000
    >>> Limits(max_rows=10).max_rows
    10
    """

    #: Bytes of one table file (``ANALYSIS_MAX_TABLE_MB``, in megabytes).
    max_table_bytes: int = 2 * 1024**3
    #: Data rows of one table (``ANALYSIS_MAX_ROWS``); for a CSV, lines of the file.
    max_rows: int = 5_000_000
    #: Cells of one worksheet or Parquet file, rows times columns (``ANALYSIS_MAX_CELLS``).
    max_cells: int = 100_000_000
    #: Bytes a workbook may unpack to (``ANALYSIS_MAX_XLSX_MB``, in megabytes).
    max_xlsx_unpacked_bytes: int = 400 * 1024**2
    #: Bytes of one YAML file (``ANALYSIS_MAX_YAML_KB``, in kilobytes).
    max_yaml_bytes: int = 256 * 1024
    #: Aliases (``*name``) in one YAML file (``ANALYSIS_MAX_YAML_ALIASES``): enough to share a
    #: few settings, too few to build a "billion laughs" (each alias can at most triple what
    #: the text spells out, so 20 of them can expand it at most about 1,500 times).
    max_yaml_aliases: int = 20
    #: Nesting depth of one YAML file (``ANALYSIS_MAX_YAML_DEPTH``).
    max_yaml_depth: int = 50

    @classmethod
    def from_environment(cls, environ=None) -> Limits:
        """The defaults, each replaced by its environment variable when that is set.

        A variable that is not a number is ignored (the default stands).
        """
        environ = os.environ if environ is None else environ
        changes = {}
        for f in fields(cls):
            variable, scale = _VARIABLES[f.name]
            text = environ.get(variable, "").strip()
            if not text:
                continue
            try:
                value = float(text)
            except ValueError:
                continue
            if value >= 0:
                changes[f.name] = int(value * scale)
        return replace(cls(), **changes)


#: Environment variable and its unit (bytes per unit) for each limit.
_VARIABLES = {
    "max_table_bytes": ("ANALYSIS_MAX_TABLE_MB", 1024**2),
    "max_rows": ("ANALYSIS_MAX_ROWS", 1),
    "max_cells": ("ANALYSIS_MAX_CELLS", 1),
    "max_xlsx_unpacked_bytes": ("ANALYSIS_MAX_XLSX_MB", 1024**2),
    "max_yaml_bytes": ("ANALYSIS_MAX_YAML_KB", 1024),
    "max_yaml_aliases": ("ANALYSIS_MAX_YAML_ALIASES", 1),
    "max_yaml_depth": ("ANALYSIS_MAX_YAML_DEPTH", 1),
}


def variable_for(limit: str) -> str:
    """The environment variable that sets ``limit`` (a field name of :class:`Limits`)."""
    return _VARIABLES[limit][0]


# ----------------------------------------------------------------------------- paths


def check_input_file(path: str | os.PathLike, root: str | os.PathLike) -> Path:
    """Check, without opening it, that ``path`` is a regular file inside folder ``root``.

    The path is resolved (``..`` and symbolic links followed) and must stay inside
    ``root`` (itself resolved); it must exist and be a regular file, so that a named pipe
    (which would block), a device such as ``/dev/zero`` (endless) or a folder is refused.

    Returns
    -------
    Path
        The resolved path, to be opened by the caller.

    Raises
    ------
    UnsafeInputError
        What is wrong, with a fix; a missing file is reported the same way (problem
        ``"file not found"``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "councils.csv").write_text("council_code\\nA1\\n")
    >>> check_input_file(folder / "councils.csv", folder).name
    'councils.csv'
    >>> try:
    ...     check_input_file(folder / ".." / "elsewhere.csv", folder)
    ... except UnsafeInputError as exc:
    ...     print(exc.problem)
    the path leads outside the dataset folder; it was not read
    """
    result = check_input_files([os.path.abspath(path)], root)[0]
    if isinstance(result, UnsafeInputError):
        raise result
    return Path(result)


def check_input_files(paths, root: str | os.PathLike) -> list[str | UnsafeInputError]:
    """:func:`check_input_file` for many paths (relative to ``root``, or absolute): for each,
    its resolved path (as text) or the :class:`UnsafeInputError` that refuses it (not raised).

    Each folder is resolved once, so thousands of documents in a few folders cost one
    ``lstat`` each; only a path that is itself a link is resolved on its own.
    """
    root_real = os.path.realpath(root)
    folders: dict[str, str] = {}
    out: list[str | UnsafeInputError] = []
    for path in paths:
        full = os.path.join(root, os.fspath(path))
        folder, name = os.path.split(full)
        if name in ("", ".", ".."):
            real = os.path.realpath(full)
        else:
            if folder not in folders:
                folders[folder] = os.path.realpath(folder)
            real = os.path.join(folders[folder], name)
        try:
            out.append(_check_one(full, real, root_real))
        except UnsafeInputError as exc:
            out.append(exc)
    return out


def _inside(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _check_one(full: str, real: str, root_real: str) -> str:
    """The checks of :func:`check_input_file`, given the path with its folder resolved."""
    try:
        mode = os.lstat(real).st_mode if _inside(real, root_real) else None
        if mode is None or stat.S_ISLNK(mode):
            real = os.path.realpath(real)
            mode = os.stat(real).st_mode if _inside(real, root_real) else None
    except FileNotFoundError:
        if os.path.islink(full):
            raise UnsafeInputError("the file is a link to a file that does not exist",
                                   fix="replace the link with the file itself") from None
        raise UnsafeInputError("file not found",
                               fix="check the path, or the file name given in dataset.yml") from None
    except OSError as exc:
        raise UnsafeInputError(f"the file cannot be examined ({exc.strerror})") from None
    if mode is None:
        if os.path.islink(full):
            raise UnsafeInputError(
                f"the file is a link to {os.readlink(full)}, outside the dataset folder; it was not read",
                fix="copy the file into the dataset folder instead of linking to it")
        raise UnsafeInputError("the path leads outside the dataset folder; it was not read",
                               fix="keep every file of the dataset inside its folder")
    if not stat.S_ISREG(mode):
        raise UnsafeInputError(f"the path is {_kind_of(mode)}, not a regular file; it was not read",
                               fix="replace it with an ordinary file")
    return real


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


# ----------------------------------------------------------------------------- YAML


class YAMLLimitError(yaml.MarkedYAMLError):
    """A YAML file over one of the limits (it has a line number, like a syntax error)."""


class SafeYAMLLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing more than ``max_aliases`` aliases or a nesting
    deeper than ``max_depth`` (class attributes; :func:`parse_yaml` sets them per call).

    Use it wherever ``yaml.SafeLoader`` would go: ``yaml.load(text, Loader=...)`` or
    ``yaml.compose(text, Loader=...)``.
    """

    max_aliases = Limits.max_yaml_aliases
    max_depth = Limits.max_yaml_depth

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > self.max_aliases:
                raise YAMLLimitError(
                    problem=f"more than {self.max_aliases} aliases (*name); refused as a possible "
                    f"'billion laughs' file (set {variable_for('max_yaml_aliases')} to allow more)",
                    problem_mark=event.start_mark)
        self._depth += 1
        if self._depth > self.max_depth:
            raise YAMLLimitError(
                problem=f"nested more than {self.max_depth} levels deep; refused "
                f"(set {variable_for('max_yaml_depth')} to allow more)",
                problem_mark=event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _loader(limits: Limits) -> type[SafeYAMLLoader]:
    if (limits.max_yaml_aliases, limits.max_yaml_depth) == (SafeYAMLLoader.max_aliases,
                                                            SafeYAMLLoader.max_depth):
        return SafeYAMLLoader
    return type("SafeYAMLLoader", (SafeYAMLLoader,), {"max_aliases": limits.max_yaml_aliases,
                                                     "max_depth": limits.max_yaml_depth})


def parse_yaml(text: str, *, limits: Limits | None = None):
    """Parse YAML text with :class:`SafeYAMLLoader`.

    Raises ``yaml.YAMLError`` (a ``MarkedYAMLError`` with a line number for syntax errors
    and for the limits) for the caller to report.

    Examples
    --------
    >>> parse_yaml("tables:\\n  councils: la.csv\\n")
    {'tables': {'councils': 'la.csv'}}
    >>> parse_yaml("a: &x [1]\\nb: [*x, *x]\\n", limits=Limits(max_yaml_aliases=1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.data.guards.YAMLLimitError: ...
    """
    limits = limits or Limits.from_environment()
    return yaml.load(text, Loader=_loader(limits))  # noqa: S506 - a SafeLoader


def load_yaml(path: str | os.PathLike, root: str | os.PathLike | None = None, *,
              limits: Limits | None = None):
    """Read a YAML file: checked with :func:`check_input_file` (``root`` defaults to the
    file's own folder), at most ``limits.max_yaml_bytes`` long, UTF-8, parsed with
    :func:`parse_yaml`.

    Raises
    ------
    UnsafeInputError
        The file is not a regular file inside ``root``, is too large, or is not UTF-8.
    yaml.YAMLError
        The text is not valid YAML or goes over the alias or depth limit.
    """
    limits = limits or Limits.from_environment()
    path = Path(path)
    resolved = check_input_file(path, path.parent if root is None else root)
    size = resolved.stat().st_size
    if size > limits.max_yaml_bytes:
        raise UnsafeInputError(
            f"the file is {size / 1024:,.0f} kB, more than the {limits.max_yaml_bytes / 1024:,.0f} kB "
            "read for a YAML file",
            fix=f"check that it is the right file; set {variable_for('max_yaml_bytes')} to read larger ones")
    with open(resolved, "rb") as fh:
        raw = fh.read(limits.max_yaml_bytes + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnsafeInputError("not UTF-8 text", fix="save the file as UTF-8") from None
    return parse_yaml(text, limits=limits)
