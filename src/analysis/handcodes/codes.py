"""From the codes researchers use in QDA tools to the toolkit's four options.

The mapping is data: ``analysis/hand_codes.yml`` holds, for each option, whole code
names and word stems; a user's file (``--codes FILE``) is consulted first. Code names
keep their letters: they are normalised to Unicode NFC and case-folded, never reduced
to ASCII, so a Portuguese codebook's ``Ação`` stays ``ação``.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from analysis.errors import InputError

__all__ = ["CodeMap", "load_code_map", "normalise_code"]

OPTIONS = ("fight", "adapt", "exit", "collaborate")
_TARGETS = (*OPTIONS, "none")
_IGNORE = ("ignore", "")
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def normalise_code(value) -> str:
    """A code name as compared: NFC, case-folded, inner spaces collapsed.

    Examples
    --------
    >>> normalise_code("  Ação  Coletiva ")
    'ação coletiva'
    >>> normalise_code("COLLABORATION")
    'collaboration'
    """
    text = unicodedata.normalize("NFC", str(value)).casefold()
    return " ".join(text.split())


@dataclass(frozen=True)
class CodeMap:
    """Which option a code, or a code with its categories, stands for.

    Parameters
    ----------
    names : dict
        Normalised code name -> option (or ``None`` for "ignore").
    stems : dict
        Option -> tuple of word stems.
    user : dict
        The user's own mapping (normalised name -> option or ``None``), tried first.
    source : str
        Where the user mapping came from, for messages.
    """

    names: dict
    stems: dict
    user: dict = field(default_factory=dict)
    source: str = ""

    def option_of_name(self, name: str) -> tuple[bool, str | None]:
        """``(decided, option)`` for one code name alone: decided is False when the
        name says nothing (no match, or stems of two options)."""
        key = normalise_code(name)
        if key in self.user:
            return True, self.user[key]
        if key in self.names:
            return True, self.names[key]
        words = _WORD.findall(key)
        hits = {opt for opt, stems in self.stems.items() for w in words for s in stems if w.startswith(s)}
        if len(hits) == 1:
            return True, hits.pop()
        return False, None

    def option(self, code: str, categories=()) -> str | None:
        """The option a code stands for: by its own name, else by its categories (nearest first).

        ``None`` when nothing maps (or the user's mapping says ``ignore``).

        Examples
        --------
        >>> m = load_code_map()
        >>> m.option("Collaboration"), m.option("Budget cuts", ["Fight"]), m.option("Ação")
        ('collaborate', 'fight', None)
        """
        for name in (code, *categories):
            decided, opt = self.option_of_name(name)
            if decided:
                return opt
        return None


def _read_default() -> dict:
    text = resources.files("analysis").joinpath("hand_codes.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _target(value, where: str) -> str | None:
    opt = normalise_code(value if value is not None else "")
    if opt in _IGNORE:
        return None
    if opt not in _TARGETS:
        raise InputError(f"{where}: option must be one of {', '.join(_TARGETS)} or 'ignore', got {value!r}")
    return opt


def _read_user_map(path: Path) -> dict:
    if not path.is_file():
        raise InputError(f"code mapping file {path} not found")
    raw = path.read_bytes()
    if len(raw) > 5_000_000:
        raise InputError(f"code mapping file {path} is larger than 5 MB; a mapping has one line per code")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"code mapping file {path} is not UTF-8 text; save it as UTF-8") from None
    out: dict = {}
    if path.suffix.lower() in (".yml", ".yaml"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InputError(f"code mapping file {path} is not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise InputError(f"code mapping file {path} must be a YAML mapping of code: option")
        for code, opt in data.items():
            out[normalise_code(code)] = _target(opt, f"code mapping file {path}, code {code!r}")
        return out
    rows = list(csv.reader(io.StringIO(text)))
    if rows and [normalise_code(c) for c in rows[0][:2]] == ["code", "option"]:
        rows = rows[1:]
    for line, row in enumerate(rows, start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2:
            raise InputError(f"code mapping file {path}, line {line}: need two columns, code and option")
        out[normalise_code(row[0])] = _target(row[1], f"code mapping file {path}, line {line}")
    return out


def load_code_map(path: str | os.PathLike | None = None) -> CodeMap:
    """The shipped code-to-option mapping, with the user's file (CSV or YAML) on top.

    A user CSV has two columns, ``code`` and ``option`` (one of fight, adapt, exit,
    collaborate, none, or ``ignore``); a YAML file maps code: option.
    """
    data = _read_default()
    names, stems = {}, {}
    for opt, entry in data["options"].items():
        for name in entry.get("names") or []:
            names[normalise_code(name)] = opt
        stems[opt] = tuple(normalise_code(s) for s in entry.get("stems") or [])
    user = _read_user_map(Path(path)) if path is not None else {}
    return CodeMap(names=names, stems=stems, user=user, source=str(path or ""))
