"""The codebook: Kahane's four options as data, loaded safely and checked.

The shipped codebook (``analysis/codebook.yml``) holds, for each option, a definition
and decision rules written for this toolkit, inclusion and exclusion cues, weighted
phrases and regular expressions, and examples; rules for words that point to more than
one option (*coalition*, *merger*, *partnership*); negation and reported-opposition
cues; and the mapping of evidence indicators to options used by the typology.

Researchers can pass their own codebook: either a complete file, or a short file that
starts with ``extends: default`` and only adds phrases, cues or whole new codes. A
malformed file is refused with an :class:`~analysis.errors.InputError` that names the
file and, where it can, the line.

Phrase syntax
-------------
A phrase is matched as whole words, ignoring case:

- ``*`` at the end of a word matches any ending (``lobby*``: lobby, lobbying, lobbyist);
- a space matches any run of spaces, line breaks, hyphens or slashes, and a hyphen
  inside a word is optional (``co-produc*`` also finds "coproduction", "co production");
- ``~`` stands for up to three other words (``withdr* ~ from``);
- ``*`` at the start of a phrase matches any beginning (``*n't``: didn't, won't);
- British and American spellings are both found (``-ise``/``-ize``, ``-our``/``-or``,
  ``-tre``/``-ter``, ``programme``/``program``, ``-ence``/``-ense``, doubled ``l``);
- straight and curly apostrophes are the same.

Entries under ``patterns`` are Python regular expressions, used as written (also
case-insensitive); they may not define named groups.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from analysis.errors import InputError

__all__ = [
    "Code",
    "Codebook",
    "ContextRule",
    "Term",
    "load_codebook",
    "phrase_to_regex",
]

_DEFAULT_NAME = "codebook.yml"
_CODE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_RESERVED = {"document_id", "paragraph", "primary", "evidence", "none"}


@dataclass(frozen=True)
class Term:
    """One weighted cue of a code: a phrase (turned into a regex) or a regex."""

    code: str
    text: str
    regex: str
    weight: float
    kind: str = "phrase"
    line: int | None = None


@dataclass(frozen=True)
class Code:
    """One code (option) of the codebook."""

    name: str
    label: str
    definition: str
    terms: tuple[Term, ...]
    decision_rules: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    questions: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ContextRule:
    """A word that points to several codes; the cues around it decide which.

    ``contexts`` maps a code to the regexes of its cues.
    """

    term: str
    regex: str
    weight: float
    window: int
    contexts: dict
    line: int | None = None


@dataclass(frozen=True)
class Codebook:
    """A checked codebook, ready for :class:`analysis.coding.DictionaryCoder`.

    Attributes
    ----------
    codes : dict of str to Code
        In file order; the shipped codebook has fight, adapt, exit and collaborate.
    indicator_options : dict of str to str
        Evidence indicator to code, as in :data:`analysis.data.schema.INDICATOR_OPTIONS`.
    indicator_labels : dict of str to str
        Evidence indicator to the words charts and tables show for it (the ``label`` of
        each indicator in the file; see :mod:`analysis.labels`).
    """

    name: str
    framing: str
    codes: dict
    ambiguous: tuple[ContextRule, ...]
    negation: tuple[str, ...]
    negation_exceptions: tuple[str, ...]
    negation_window: int
    opposition: tuple[str, ...]
    opposition_window: int
    ignore: tuple[str, ...]
    indicator_options: dict
    source: str = "default"
    indicator_labels: dict = field(default_factory=dict)

    @property
    def code_names(self) -> tuple[str, ...]:
        """The codes in their fixed order."""
        return tuple(self.codes)

    @property
    def terms(self) -> tuple[Term, ...]:
        """Every weighted cue of every code."""
        return tuple(t for code in self.codes.values() for t in code.terms)


# --------------------------------------------------------------------------- phrases

_SEP = r"[\s\-\u2010\u2011\u2012\u2013/]*"
_WORD_SEP = r"[\s\-\u2010\u2011\u2012\u2013/]+"
_GAP = r"(?:[\s\-/]+[\w'\u2019]+){0,3}"


def _spelling(word: str) -> str:
    """Regex for one escaped, lower-case word that also accepts its other spelling."""
    out = word
    out = re.sub(r"programme", "program(?:me)?", out)
    out = re.sub(r"(?<=[a-z]{2})is(?=e|ed|es|er|ers|ing|ation|ations|\\\*|$)", "i[sz]", out)
    out = re.sub(r"(?<=[a-z]{2})ys(?=e|ed|es|ing|\\\*|$)", "y[sz]", out)
    out = re.sub(r"(?<=[a-z]{2})our(?=[a-z]|\\\*|$)", "ou?r", out)
    out = re.sub(r"(?<=[a-z]{3})tre(?=s?$|\\\*)", "(?:tre|ter)", out)
    out = re.sub(r"(?<=[fc])ence(?=s?$|\\\*)", "en[cs]e", out)
    out = re.sub(r"(?<=[aeiou])ll(?=ed|ing|er|ers)", "ll?", out)
    return out


def phrase_to_regex(phrase: str) -> str:
    """Turn a codebook phrase into a regular expression (see the module notes).

    Examples
    --------
    >>> rx = re.compile(phrase_to_regex("commercialis*"), re.IGNORECASE)
    >>> bool(rx.search("plans to commercialize leisure")), bool(rx.search("commercial"))
    (True, False)
    >>> bool(re.search(phrase_to_regex("co-produc*"), "coproduction with tenants"))
    True
    >>> bool(re.search(phrase_to_regex("withdr* ~ from"), "withdrew entirely from"))
    True
    """
    words = phrase.strip().lower().split()
    if not words:
        raise ValueError("empty phrase")
    leading_star = words[0].startswith("*") and len(words[0]) > 1
    if leading_star:
        words[0] = words[0][1:]
    parts = []
    for word in words:
        if word == "~":
            parts.append(_GAP)
            continue
        star = word.endswith("*")
        core = word.rstrip("*")
        pieces = [p for p in re.split(r"-", core)]
        rx = _SEP.join(_spelling(re.escape(p)) for p in pieces if p)
        if not rx:
            raise ValueError(f"phrase {phrase!r} has a word with no letters")
        rx = rx.replace("'", "['\u2019]")
        if star:
            rx += r"[\w'\u2019-]*"
        parts.append(rx)
    body = ""
    for i, part in enumerate(parts):
        if i == 0:
            body = part
        elif part == _GAP or parts[i - 1] == _GAP:
            body += part if part == _GAP else _WORD_SEP + part
        else:
            body += _WORD_SEP + part
    start = r"\b" if re.match(r"\w", words[0]) else ""
    if leading_star:
        start = r"[\w'\u2019-]*"
    end = r"\b" if re.search(r"[\w]$", words[-1]) else ""
    if words[-1].endswith("*"):
        end = ""
    return start + body + end


# --------------------------------------------------------------------------- loading


class _Lines:
    """Line numbers of the nodes of a YAML document, by their path of keys/indices."""

    def __init__(self, source: str, node):
        self.source = source
        self.lines: dict[tuple, int] = {}
        if node is not None:
            self._walk(node, ())

    def _walk(self, node, path):
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                k = key.value
                self.lines[(*path, k)] = key.start_mark.line + 1
                self._walk(value, (*path, k))
                self.lines[(*path, k)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                self._walk(value, (*path, i))

    def line(self, path) -> int | None:
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def error(self, path, message) -> InputError:
        line = self.line(path)
        where = f"{self.source}, line {line}" if line else self.source
        return InputError(f"codebook {where}: {message}")


def _read_yaml(text: str, source: str, *, shipped: bool = False):
    from analysis.data.guards import SafeYAMLLoader, parse_yaml

    try:
        if shipped:
            # The toolkit's own file needs no limits: read with libyaml's safe loader when
            # PyYAML has it (0.01 s against 0.65 s for the pure-Python one; the same result).
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            data = yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader
            node = yaml.compose(text, Loader=loader)
        else:
            # Limits on aliases and nesting first (a "billion laughs" codebook stops here), then
            # the node tree for line numbers; both with safe loaders only.
            data = parse_yaml(text)
            node = yaml.compose(text, Loader=SafeYAMLLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        raise InputError(
            f"codebook {source} is not valid YAML ({where}): {exc.problem}. Check the "
            "indentation and quote text that contains ':' or '#'"
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"codebook {source} is not valid YAML: {exc}") from None
    return data, _Lines(source, node)


def _default_text() -> str:
    return resources.files("analysis").joinpath(_DEFAULT_NAME).read_text(encoding="utf-8")


def _texts(value, lines: _Lines, path) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise lines.error(path, f"'{path[-1]}' must be a list of texts")
    return [str(v) for v in value]


def _check_regex(rx: str, lines: _Lines, path, what: str) -> str:
    if "(?P<" in rx:
        raise lines.error(path, f"{what} {rx!r} defines a named group '(?P<...>)'; use '(?:...)'")
    try:
        re.compile(rx, re.IGNORECASE)
    except re.error as exc:
        raise lines.error(path, f"{what} {rx!r} is not a valid regular expression: {exc}") from None
    return rx


def _phrase(text, lines: _Lines, path) -> str:
    if not isinstance(text, str) or not text.strip():
        raise lines.error(path, f"a phrase must be non-empty text, got {text!r}")
    try:
        return phrase_to_regex(text)
    except ValueError as exc:
        raise lines.error(path, str(exc)) from None


def _weight(value, lines: _Lines, path) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise lines.error(path, f"weight must be a positive number, got {value!r}")
    return float(value)


def _check_file(data, lines: _Lines, *, partial: bool) -> dict:
    """Check the structure of one codebook file; return it as a plain dict."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise lines.error((), "the codebook must be a mapping with a 'codes' section")
    known = {"version", "name", "framing", "extends", "codes", "ambiguous", "negation",
             "reported_opposition", "ignore", "indicators"}
    for key in data:
        if key not in known:
            raise lines.error((key,), f"unknown section '{key}'; the sections are {', '.join(sorted(known))}")
    codes = data.get("codes")
    if codes is None and not partial:
        raise lines.error((), "no 'codes' section; a codebook needs at least one code")
    if codes is not None and not isinstance(codes, dict):
        raise lines.error(("codes",), "'codes' must map each code name to its definition")
    for name, body in (codes or {}).items():
        path = ("codes", name)
        if not isinstance(name, str) or not _CODE_NAME.match(name) or name in _RESERVED:
            raise lines.error(path, f"code name {name!r} must be lower-case letters, digits and _ "
                                    f"(starting with a letter) and not one of {sorted(_RESERVED)}")
        if not isinstance(body, dict):
            raise lines.error(path, f"code '{name}' must be a mapping (label, definition, phrases ...)")
        allowed = {"label", "definition", "decision_rules", "include", "exclude", "phrases",
                   "patterns", "examples", "questions"}
        for key in body:
            if key not in allowed:
                raise lines.error((*path, key), f"unknown field '{key}' in code '{name}'; "
                                                f"the fields are {', '.join(sorted(allowed))}")
        for key in ("decision_rules", "include", "exclude", "examples"):
            _texts(body.get(key), lines, (*path, key))
        for i, group in enumerate(body.get("phrases") or []):
            gpath = (*path, "phrases", i)
            if not isinstance(group, dict) or "terms" not in group:
                raise lines.error(gpath, "each entry of 'phrases' needs 'weight' and 'terms' "
                                         "(for example: - weight: 2\\n  terms: [lobby*])")
            _weight(group.get("weight", 1), lines, (*gpath, "weight"))
            terms = group["terms"]
            if not isinstance(terms, list):
                raise lines.error((*gpath, "terms"), "'terms' must be a list of phrases")
            for j, term in enumerate(terms):
                _phrase(term, lines, (*gpath, "terms", j))
        for i, pat in enumerate(body.get("patterns") or []):
            ppath = (*path, "patterns", i)
            if not isinstance(pat, dict) or not isinstance(pat.get("regex"), str):
                raise lines.error(ppath, "each entry of 'patterns' needs 'regex' (and optionally 'weight')")
            _weight(pat.get("weight", 1), lines, (*ppath, "weight"))
            _check_regex(pat["regex"], lines, (*ppath, "regex"), "pattern")
    for i, rule in enumerate(data.get("ambiguous") or []):
        rpath = ("ambiguous", i)
        if not isinstance(rule, dict) or not isinstance(rule.get("term"), str):
            raise lines.error(rpath, "each ambiguous rule needs 'term' and 'contexts'")
        _phrase(rule["term"], lines, (*rpath, "term"))
        _weight(rule.get("weight", 1), lines, (*rpath, "weight"))
        window = rule.get("window", 12)
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise lines.error((*rpath, "window"), f"window must be a whole number of words >= 1, got {window!r}")
        contexts = rule.get("contexts")
        if not isinstance(contexts, dict) or not contexts:
            raise lines.error((*rpath, "contexts"), "'contexts' must map codes to lists of cue phrases")
        for code, cues in contexts.items():
            for j, cue in enumerate(_texts(cues, lines, (*rpath, "contexts", code))):
                _phrase(cue, lines, (*rpath, "contexts", code, j))
    for section in ("negation", "reported_opposition"):
        body = data.get(section)
        if body is None:
            continue
        if not isinstance(body, dict):
            raise lines.error((section,), f"'{section}' must have 'cues' (and optionally 'window')")
        for key in ("cues", "exceptions"):
            for j, cue in enumerate(_texts(body.get(key), lines, (section, key))):
                _phrase(cue, lines, (section, key, j))
    for i, entry in enumerate(data.get("ignore") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("regex"), str):
            raise lines.error(("ignore", i), "each 'ignore' entry needs 'regex'")
        _check_regex(entry["regex"], lines, ("ignore", i), "ignore pattern")
    indicators = data.get("indicators")
    if indicators is not None and not isinstance(indicators, dict):
        raise lines.error(("indicators",), "'indicators' must map indicator names to code names")
    for ind, entry in (indicators or {}).items():
        if isinstance(entry, str):
            continue
        if not (isinstance(entry, dict) and isinstance(entry.get("option"), str)
                and set(entry) <= {"option", "label"} and isinstance(entry.get("label", ""), str)):
            raise lines.error(("indicators", ind),
                              f"indicator '{ind}' must be a code name or {{option: <code>, label: <words>}}")
    return data


def _merge(base: dict, extra: dict) -> dict:
    """Add the cues and codes of ``extra`` to ``base`` (a deep copy is returned)."""
    out = copy.deepcopy(base)
    codes = out.setdefault("codes", {})
    for name, body in (extra.get("codes") or {}).items():
        if name not in codes:
            codes[name] = copy.deepcopy(body)
            continue
        target = codes[name]
        for key, value in body.items():
            if key in ("phrases", "patterns", "decision_rules", "include", "exclude", "examples"):
                target[key] = list(target.get(key) or []) + list(value or [])
            else:
                target[key] = copy.deepcopy(value)
    rules = out.setdefault("ambiguous", [])
    for rule in extra.get("ambiguous") or []:
        same = [r for r in rules if r.get("term") == rule.get("term")]
        if same:
            for code, cues in rule.get("contexts", {}).items():
                same[0].setdefault("contexts", {})
                same[0]["contexts"][code] = list(same[0]["contexts"].get(code) or []) + list(cues or [])
        else:
            rules.append(copy.deepcopy(rule))
    for section in ("negation", "reported_opposition"):
        if extra.get(section):
            target = out.setdefault(section, {})
            for key in ("cues", "exceptions"):
                target[key] = list(target.get(key) or []) + list(extra[section].get(key) or [])
            if "window" in extra[section]:
                target["window"] = extra[section]["window"]
    out["ignore"] = list(out.get("ignore") or []) + list(extra.get("ignore") or [])
    out["indicators"] = {**(out.get("indicators") or {}), **(extra.get("indicators") or {})}
    for key in ("name", "framing", "version"):
        if key in extra:
            out[key] = extra[key]
    return out


def _build(data: dict, lines: _Lines, source: str) -> Codebook:
    codes = {}
    for name, body in data["codes"].items():
        terms = []
        for i, group in enumerate(body.get("phrases") or []):
            weight = float(group.get("weight", 1))
            for j, text in enumerate(group["terms"]):
                terms.append(Term(name, str(text), phrase_to_regex(str(text)), weight, "phrase",
                                  lines.line(("codes", name, "phrases", i, "terms", j))))
        for i, pat in enumerate(body.get("patterns") or []):
            terms.append(Term(name, pat["regex"], pat["regex"], float(pat.get("weight", 1)), "pattern",
                              lines.line(("codes", name, "patterns", i))))
        codes[name] = Code(
            name=name,
            label=str(body.get("label", name.title())),
            definition=" ".join(str(body.get("definition", "")).split()),
            terms=tuple(terms),
            decision_rules=tuple(map(str, body.get("decision_rules") or ())),
            include=tuple(map(str, body.get("include") or ())),
            exclude=tuple(map(str, body.get("exclude") or ())),
            examples=tuple(map(str, body.get("examples") or ())),
            questions=dict(body.get("questions") or {}),
        )
    if not codes:
        raise lines.error(("codes",), "the codebook has no codes")
    rules = []
    for i, rule in enumerate(data.get("ambiguous") or []):
        contexts = {}
        for code, cues in rule["contexts"].items():
            if code not in codes:
                raise lines.error(("ambiguous", i, "contexts", code),
                                  f"ambiguous rule for '{rule['term']}' names unknown code '{code}'; "
                                  f"the codes are {', '.join(codes)}")
            contexts[code] = tuple(phrase_to_regex(str(c)) for c in _texts(cues, lines, ()))
        rules.append(ContextRule(str(rule["term"]), phrase_to_regex(str(rule["term"])),
                                 float(rule.get("weight", 1)), int(rule.get("window", 12)),
                                 contexts, lines.line(("ambiguous", i))))
    negation = data.get("negation") or {}
    opposition = data.get("reported_opposition") or {}
    entries = dict(data.get("indicators") or {})
    indicators = {ind: e["option"] if isinstance(e, dict) else e for ind, e in entries.items()}
    labels = {ind: " ".join(str(e["label"]).split()) for ind, e in entries.items()
              if isinstance(e, dict) and str(e.get("label", "")).strip()}
    for ind, code in indicators.items():
        if code not in codes:
            raise lines.error(("indicators", ind), f"indicator '{ind}' maps to unknown code '{code}'; "
                                                   f"the codes are {', '.join(codes)}")
    return Codebook(
        name=str(data.get("name", "codebook")),
        framing=str(data.get("framing", "")).strip(),
        codes=codes,
        ambiguous=tuple(rules),
        negation=tuple(phrase_to_regex(str(c)) for c in negation.get("cues") or ()),
        negation_exceptions=tuple(phrase_to_regex(str(c)) for c in negation.get("exceptions") or ()),
        negation_window=int(negation.get("window", 4)),
        opposition=tuple(phrase_to_regex(str(c)) for c in opposition.get("cues") or ()),
        opposition_window=int(opposition.get("window", 5)),
        ignore=tuple(entry["regex"] for entry in data.get("ignore") or ()),
        indicator_options=indicators,
        indicator_labels=labels,
        source=source,
    )


def load_codebook(path: str | os.PathLike | None = None) -> Codebook:
    """Load and check a codebook; without ``path``, the one shipped with the toolkit.

    Parameters
    ----------
    path : path-like, optional
        A YAML codebook. If it contains ``extends: default`` its codes and cues are
        added to the shipped codebook (existing codes gain the new phrases; new codes
        are added); otherwise it replaces the shipped codebook entirely.

    Returns
    -------
    Codebook

    Raises
    ------
    InputError
        For a missing file, invalid YAML or an invalid entry; the message names the
        file and the line.

    Examples
    --------
    >>> book = load_codebook()
    >>> book.code_names
    ('fight', 'adapt', 'exit', 'collaborate')
    >>> book.indicator_options["pooled_budgets"]
    'collaborate'
    >>> book.indicator_labels["co_production_projects"]
    'Co-production projects'
    """
    default_data, default_lines = _read_yaml(_default_text(), "analysis/codebook.yml (shipped)", shipped=True)
    default_data = _check_file(default_data, default_lines, partial=False)
    if path is None:
        return _build(default_data, default_lines, "default")
    path = Path(path)
    if not path.is_file():
        raise InputError(f"codebook {path} not found; give the path of a .yml file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"codebook {path} is not UTF-8 text; save it as UTF-8") from None
    data, lines = _read_yaml(text, str(path))
    extends = data.get("extends") if isinstance(data, dict) else None
    if extends not in (None, "default"):
        raise lines.error(("extends",), f"'extends' can only be 'default', got {extends!r}")
    data = _check_file(data, lines, partial=extends == "default")
    if extends == "default":
        merged = _merge(default_data, data)
        return _build(merged, lines, f"default + {path}")
    return _build(data, lines, str(path))
