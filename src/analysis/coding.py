"""Document coding: place board papers, minutes and blogs on Kahane's four options.

Two coders and what connects them to the rest of the toolkit:

- :class:`DictionaryCoder` (and the shortcut :func:`code_texts`) scores each document,
  or each paragraph, with the weighted phrases of a codebook
  (:mod:`analysis.codebook`). It repairs PDF hyphenation and line breaks, finds British
  and American spellings, sets aside cues that are negated ("did not withdraw") or
  reported as opposed ("opposed the closure"), and decides words such as *coalition*
  or *merger* from the words around them. Every score comes with its evidence: the
  matched phrase and its character positions in the text.
- :class:`SupervisedCoder` learns from hand-coded examples (TF-IDF and a logistic
  regression); :func:`compare_coders` scores both coders on the same held-out
  documents. Both live in :mod:`analysis.supervised` and are imported from there on
  first use.
- :func:`aggregate_codes` turns document codes into partnership or council features,
  and :func:`code_dataset` codes a dataset's documents into a :class:`CodingResult`
  (drawn by :mod:`analysis.figures.coding`).

Why this module is over 600 lines: the dictionary coder is one path from text to evidence
(PDF repairs, paragraphs, the codebook's phrases compiled into one pattern, the windows that
judge negation, opposition and ambiguous words, scores), and the functions that take its
codes to the rest of the toolkit need its evidence format. The learned coders live in
:mod:`analysis.supervised` and :mod:`analysis.coder`.

The output of :func:`code_texts` has the columns ``document_id``, one score column per
code (``fight``, ``adapt``, ``exit``, ``collaborate`` for the shipped codebook: shares
of the matched cue weight, summing to 1, or all zero when nothing matched), ``primary``
(the code with the highest share, or ``none``) and ``evidence``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.codebook import _WORD_SEP, Codebook, load_codebook
from analysis.errors import InputError

__all__ = [
    "CoderComparison",  # noqa: F822 - from analysis.supervised, see __getattr__
    "CodingResult",
    "DictionaryCoder",
    "SupervisedCoder",  # noqa: F822 - from analysis.supervised, see __getattr__
    "aggregate_codes",
    "check_texts",
    "document_scores",
    "code_texts",
    "compare_coders",  # noqa: F822 - from analysis.supervised, see __getattr__
    "code_dataset",
    "coded_documents",
    "extract_evidence",
    "split_paragraphs",
    "standard_charts",  # noqa: F822 - from analysis.figures.coding, see __getattr__
]

NONE = "none"

# PDF repairs: a word broken by a hyphen at the end of a line is joined; soft hyphens
# vanish; typographic ligatures become letters. Plain line breaks need no repair:
# phrases match across any white space.
_REPAIR = re.compile(r"(?<=[a-z])-[ \t]*\r?\n[ \t]*(?=[a-z])|\u00ad|[\ufb00-\ufb04]")
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
_REPAIR_NEEDS = ("\n", "\u00ad", *_LIGATURES)
_CLAUSE_BREAK = re.compile(
    r"[.!?;:,()\u2013\u2014]|\n\s*\n|\b(?:but|however|instead|whereas|although|though|yet|while)\b"
)
_SENTENCE_BREAK = re.compile(r"[.!?;]\s|\n\s*\n")
_WORD = re.compile(r"[\w'\u2019-]+")
# A paragraph starts at a character that is not white space and runs to the next blank line
# (a line break, spaces or tabs, a line break) or to the end of the text.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
_NOT_SPACE = re.compile(r"\S")


def _repair(text: str) -> tuple[str, np.ndarray | None]:
    """Repair PDF artefacts; return the clean text and a map from clean to original positions."""
    # Every repair needs a line break, a soft hyphen or a ligature: a text with none is
    # returned at once (the regex, tried at every character, took longer than the coding).
    if not any(c in text for c in _REPAIR_NEEDS) or not _REPAIR.search(text):
        return text, None
    pieces, offsets, pos = [], [], 0
    for m in _REPAIR.finditer(text):
        pieces.append(text[pos : m.start()])
        offsets.append(np.arange(pos, m.start()))
        rep = _LIGATURES.get(m.group(), "")
        pieces.append(rep)
        offsets.append(np.full(len(rep), m.start()))
        pos = m.end()
    pieces.append(text[pos:])
    offsets.append(np.arange(pos, len(text) + 1))  # one past the end maps to len(text)
    return "".join(pieces), np.concatenate(offsets).astype(np.int64)


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def split_paragraphs(text: str) -> list[tuple[int, str]]:
    """Split text into paragraphs at blank lines; return ``(start, paragraph)`` pairs.

    Examples
    --------
    >>> split_paragraphs("First part.\\n\\n  Second\\npart.\\n")
    [(0, 'First part.'), (15, 'Second\\npart.\\n')]
    """
    # Two searches a paragraph (its first character, then the next blank line after it):
    # the same paragraphs as r"\S.*?(?=\n[ \t\r\f\v]*\n|\Z)" with re.S, which tried the
    # blank-line test at every character and took a third of a millisecond a page.
    out = []
    pos, n = 0, len(text)
    while True:
        first = _NOT_SPACE.search(text, pos)
        if first is None:
            return out
        start = first.start()
        brk = _PARAGRAPH_BREAK.search(text, start + 1)
        end = brk.start() if brk else n
        out.append((start, text[start:end]))
        pos = end


class _Hit(NamedTuple):
    code: str | None
    start: int
    end: int
    text: str
    weight: float
    status: str  # counted, negated, opposed, ignored, no context
    note: str = ""


_LITERAL = re.compile(r"[a-z0-9]+")


#: The word break of a codebook phrase (``_WORD_SEP``: spaces, hyphens, dashes or slashes), as it
#: stands in a phrase's regex between two whole words.
_WORD_SEP_RX = re.compile(_WORD_SEP)


def _literal_prefix(regex: str, size: int = 4) -> str:
    """The first letters every match of a phrase regex starts with ('' if unknown).

    When the first word is whole and a word break follows it, the first letters of the next word
    are kept too, after a space standing for the break: "the treasury" gives "the trea", so that
    every "the" in a text is not a place where a phrase could start.
    """
    if not regex.startswith(r"\b"):
        return ""
    m = _LITERAL.match(regex, 2)
    if not m:
        return ""
    lit = m.group()
    # A letter followed by '?', '*' or '{' is optional: drop it.
    if m.end() < len(regex) and regex[m.end()] in "?*{":
        return lit[:-1][:size]
    if regex.startswith(_WORD_SEP, m.end()):
        nxt = _LITERAL.match(regex, m.end() + len(_WORD_SEP))
        if nxt:
            word = nxt.group()
            if nxt.end() < len(regex) and regex[nxt.end()] in "?*{":
                word = word[:-1]
            if word:
                return lit + " " + word[:size]
    return lit[:size]


def _trie_regex(keys, space: str | None = None) -> str:
    """A regex matching any of ``keys`` (literal, lower-case), longest first, as a trie; with
    ``space``, a space in a key stands for that regex (a word break)."""
    trie: dict = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node) -> str:
        branches = [(space if space is not None and ch == " " else re.escape(ch)) + build(child)
                    for ch, child in sorted(node.items()) if ch]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if optional else body

    return build(trie)


class _Compiled:
    """The codebook's patterns, compiled once.

    Matching runs in two steps so that hundreds of phrases cost little more than a
    few: one trie-shaped regex finds the word starts where some phrase could begin
    (by its first letters), and only the phrases sharing those letters are tried
    there, longest first.
    """

    def __init__(self, book: Codebook):
        self.book = book
        entries = [("term", t, t.regex) for t in book.terms]
        entries += [("rule", r, r.regex) for r in book.ambiguous]
        # Longer patterns first so that "community coalition" wins over "coalition".
        entries.sort(key=lambda e: -len(e[2]))
        buckets: dict[str, list] = {}
        generic = []
        for kind, obj, rx in entries:
            compiled = re.compile(rx, re.IGNORECASE if kind == "term" and obj.kind == "pattern" else 0)
            key = _literal_prefix(rx) if not (kind == "term" and obj.kind == "pattern") else ""
            item = (len(rx), kind, obj, compiled)
            if key:
                buckets.setdefault(key, []).append(item)
            else:
                generic.append(item)
        self.buckets = {}
        for key in buckets:
            items = [it for k, its in buckets.items() if key.startswith(k) for it in its]
            items.sort(key=lambda it: -it[0])
            # One regex per bucket, its alternatives longest first: one call per candidate.
            names = {f"b{i}": (kind, obj) for i, (_, kind, obj, _rx) in enumerate(items)}
            joined = "|".join(f"(?P<b{i}>{rx.pattern})" for i, (_, _k, _o, rx) in enumerate(items))
            flags = re.IGNORECASE if any(rx.flags & re.IGNORECASE for *_, rx in items) else 0
            self.buckets[key] = (re.compile(joined, flags), names)
        # A lookahead, so that a key running into the next word ("new unit") does not hide a key
        # starting at that word ("unitary auth").
        self.candidates = re.compile(r"\b(?=(" + _trie_regex(buckets, space=_WORD_SEP) + "))") if buckets else None
        self.generic = [(kind, obj, rx) for _, kind, obj, rx in generic]
        self.ignore = re.compile("|".join(f"(?:{rx})" for rx in book.ignore)) if book.ignore else None
        self.negation = self._join(book.negation)
        self.neg_exceptions = self._join(book.negation_exceptions)
        self.opposition = self._join(book.opposition)
        self.contexts = {}
        for rule in book.ambiguous:
            parts = [
                f"(?P<{code}>{'|'.join(rx[2:] if rx.startswith(chr(92) + 'b') else rx for rx in cues)})"
                for code, cues in rule.contexts.items() if cues
            ]
            self.contexts[rule.term] = re.compile(r"\b(?:" + "|".join(parts) + ")") if parts else None

    @staticmethod
    def _join(regexes):
        """One regex for a list of cue regexes, with the word boundary tested once."""
        if not regexes:
            return None
        bounded = [rx[2:] for rx in regexes if rx.startswith(r"\b")]
        other = [rx for rx in regexes if not rx.startswith(r"\b")]
        parts = [r"\b(?:" + "|".join(f"(?:{rx})" for rx in bounded) + ")"] if bounded else []
        parts += [f"(?:{rx})" for rx in other]
        return re.compile("|".join(parts))

    def matches(self, low: str):
        """Yield ``(start, end, kind, obj)`` for non-overlapping matches, left to right."""
        found = []
        last_end = -1
        if self.candidates is not None:
            for cand in self.candidates.finditer(low):
                pos = cand.start()
                if pos < last_end:
                    continue
                found_key = cand.group(1)
                bucket = self.buckets.get(found_key)
                if bucket is None:  # a key with a word break in it: the break as one space
                    bucket = self.buckets[_WORD_SEP_RX.sub(" ", found_key)]
                rx, names = bucket
                m = rx.match(low, pos)
                if m and m.end() > pos:
                    kind, obj = names[m.lastgroup]
                    found.append((pos, m.end(), kind, obj))
                    last_end = m.end()
        if self.generic:
            taken = [(s, e) for s, e, _, _ in found]
            for kind, obj, rx in self.generic:
                for m in rx.finditer(low):
                    if m.end() > m.start() and not any(s < m.end() and m.start() < e for s, e in taken):
                        found.append((m.start(), m.end(), kind, obj))
                        taken.append(m.span())
            found.sort(key=lambda f: (f[0], -f[1]))
        return found


def _last_break(breaks: list[int], start: int) -> int:
    """End of the last break (from a sorted list of break ends) at or before ``start``."""
    i = bisect.bisect_right(breaks, start)
    return breaks[i - 1] if i else 0


def _left_words(low: str, start: int, n: int, clause_breaks: list[int]) -> list[str]:
    """The last ``n`` words before ``start`` in the same clause."""
    left = low[max(_last_break(clause_breaks, start), start - 15 * n) : start]
    return _WORD.findall(left)[-n:]


def _window(low: str, start: int, end: int, n: int, sentence_breaks: list[int]) -> tuple[str, str]:
    """Up to ``n`` words each side of a span, within its sentence."""
    left = low[max(_last_break(sentence_breaks, start), start - 12 * n) : start]
    right = low[end : end + 12 * n]
    stop = _SENTENCE_BREAK.search(right)
    if stop:
        right = right[: stop.start()]
    lw = list(_WORD.finditer(left))[-n:]
    rw = list(_WORD.finditer(right))[:n]
    left = left[lw[0].start() :] if lw else ""
    right = right[: rw[-1].end()] if rw else ""
    return left, right


def _decide_context(compiled: _Compiled, rule, low: str, start: int, end: int, sentence_breaks: list[int]):
    regex = compiled.contexts.get(rule.term)
    if regex is None:
        return None, ""
    left, right = _window(low, start, end, rule.window, sentence_breaks)
    scores: dict[str, float] = {}
    nearest: dict[str, int] = {}
    found: dict[str, str] = {}
    for side, chunk in (("left", left), ("right", right)):
        for m in regex.finditer(chunk):
            code = m.lastgroup
            distance = len(chunk) - m.end() if side == "left" else m.start()
            scores[code] = scores.get(code, 0) + 1
            if distance < nearest.get(code, 10**9):
                nearest[code] = distance
                found[code] = m.group()
    if not scores:
        return None, ""
    best = max(scores, key=lambda c: (scores[c], -nearest[c]))
    return best, found[best]


def _find(compiled: _Compiled, text: str, offset: int = 0) -> list[_Hit]:
    """All cue matches in ``text``; positions are in ``text`` plus ``offset``."""
    if not text:
        return []
    clean, offsets = _repair(text)
    low = _lower(clean)
    found = compiled.matches(low)
    if not found:
        return []
    ignored = [m.span() for m in compiled.ignore.finditer(low)] if compiled.ignore else []
    book = compiled.book
    window = max(book.negation_window, book.opposition_window)
    clause_breaks = sentence_breaks = None
    hits = []
    for s, e, kind, obj in found:
        if offsets is None:
            os_, oe = s, e
        else:
            os_, oe = int(offsets[s]), int(offsets[e - 1]) + 1
        snippet = " ".join(text[os_:oe].split())
        if kind == "term":
            code, weight, note = obj.code, obj.weight, ""
        else:
            if sentence_breaks is None:
                sentence_breaks = [m.end() for m in _SENTENCE_BREAK.finditer(low)]
            code, cue = _decide_context(compiled, obj, low, s, e, sentence_breaks)
            weight = obj.weight
            if code is None:
                hits.append(_Hit(None, os_ + offset, oe + offset, snippet, 0.0, "no context"))
                continue
            note = f'context "{cue}"'
        status = "counted"
        if ignored and any(a <= s < b for a, b in ignored):
            status, note = "ignored", "names the options"
        else:
            if clause_breaks is None:
                clause_breaks = [m.end() for m in _CLAUSE_BREAK.finditer(low)]
            words = _left_words(low, s, window, clause_breaks)
            if compiled.negation is not None and words:
                left = " ".join(words[-book.negation_window :])
                if compiled.neg_exceptions is not None:
                    left = compiled.neg_exceptions.sub(" ", left)
                neg = compiled.negation.search(left)
                if neg:
                    status, note = "negated", f'after "{neg.group()}"'
            if status == "counted" and compiled.opposition is not None and words:
                opp = compiled.opposition.search(" ".join(words[-book.opposition_window :]))
                if opp:
                    status, note = "opposed", f'after "{opp.group()}"'
        hits.append(_Hit(code, os_ + offset, oe + offset, snippet, weight, status, note))
    return hits


def _format_evidence(hits: list[_Hit], limit: int = 60) -> str:
    parts = []
    for h in hits[:limit]:
        code = h.code or NONE
        entry = f'{code}({h.weight:g}) "{h.text}" {h.start}-{h.end}'
        if h.status != "counted":
            entry += f" [{h.status}{', ' + h.note if h.note else ''}]"
        elif h.note:
            entry += f" [{h.note}]"
        parts.append(entry)
    if len(hits) > limit:
        parts.append(f"... and {len(hits) - limit} more")
    return " | ".join(parts)


def _scores(hits: list[_Hit], codes: tuple[str, ...]) -> tuple[list[float], str]:
    totals = dict.fromkeys(codes, 0.0)
    for h in hits:
        if h.status == "counted" and h.code in totals:
            totals[h.code] += h.weight
    total = sum(totals.values())
    if total <= 0:
        return [0.0] * len(codes), NONE
    shares = [totals[c] / total for c in codes]
    best = max(range(len(codes)), key=lambda i: (shares[i], -i))
    return shares, codes[best]


def check_texts(texts: pd.DataFrame, *, id_column: str, text_column: str) -> None:
    if not isinstance(texts, pd.DataFrame):
        raise InputError(f"texts must be a DataFrame with '{id_column}' and '{text_column}', got {type(texts).__name__}")
    missing = [c for c in (id_column, text_column) if c not in texts.columns]
    if missing:
        raise InputError(
            f"texts needs columns '{id_column}' and '{text_column}'; missing {', '.join(map(repr, missing))}; "
            f"columns present: {', '.join(map(str, texts.columns))}"
        )


class DictionaryCoder:
    """Code texts with the weighted phrases of a codebook.

    Parameters
    ----------
    codebook : Codebook, path-like or None
        A loaded :class:`~analysis.codebook.Codebook`, the path of a YAML codebook, or
        ``None`` for the shipped one.

    Examples
    --------
    >>> coder = DictionaryCoder()
    >>> coder.predict(["The council lobbied ministers hard.", "Nothing to see."])
    ['fight', 'none']
    """

    def __init__(self, codebook=None):
        self.codebook = codebook
        book = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
        self._book = book
        self._compiled = _Compiled(book)

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes, in their fixed order (the score columns)."""
        return self._book.code_names

    def _hits(self, text) -> list[_Hit]:
        return _find(self._compiled, "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text))

    def code(self, texts: pd.DataFrame, *, by: str = "document", id_column: str = "document_id",
             text_column: str = "text") -> pd.DataFrame:
        """Code each document (``by="document"``) or paragraph (``by="paragraph"``).

        Parameters
        ----------
        texts : pandas.DataFrame
            ``document_id`` and ``text`` columns. Not modified.
        by : {"document", "paragraph"}
            With ``"paragraph"`` the output has one row per paragraph (split at blank
            lines) and a ``paragraph`` column numbered from 1; evidence positions are
            still counted from the start of the document.

        Returns
        -------
        pandas.DataFrame
            ``document_id`` [, ``paragraph``], one share column per code, ``primary``,
            ``evidence``.
        """
        check_texts(texts, id_column=id_column, text_column=text_column)
        if by not in ("document", "paragraph"):
            raise InputError(f"by must be 'document' or 'paragraph', got {by!r}")
        codes = self.codes
        rows = []
        for doc_id, text in zip(texts[id_column].tolist(), texts[text_column].tolist(), strict=True):
            text = "" if not isinstance(text, str) else text
            if by == "document":
                hits = _find(self._compiled, text)
                shares, primary = _scores(hits, codes)
                rows.append([doc_id, *shares, primary, _format_evidence(hits)])
            else:
                for number, (start, para) in enumerate(split_paragraphs(text), start=1):
                    hits = _find(self._compiled, para, offset=start)
                    shares, primary = _scores(hits, codes)
                    rows.append([doc_id, number, *shares, primary, _format_evidence(hits)])
        head = ["document_id"] + (["paragraph"] if by == "paragraph" else [])
        columns = [*head, *codes, "primary", "evidence"]
        out = pd.DataFrame(rows, columns=columns)
        for code in codes:
            out[code] = out[code].astype(float)
        if by == "paragraph":
            out["paragraph"] = out["paragraph"].astype("int64")
        out["document_id"] = out["document_id"].astype(object)
        return out

    def evidence(self, texts: pd.DataFrame, *, id_column: str = "document_id",
                 text_column: str = "text") -> pd.DataFrame:
        """Every cue found, one row each, counted or not (see :func:`extract_evidence`)."""
        check_texts(texts, id_column=id_column, text_column=text_column)
        rows = []
        for doc_id, text in zip(texts[id_column].tolist(), texts[text_column].tolist(), strict=True):
            for h in self._hits(text):
                rows.append([doc_id, h.code or NONE, h.text, h.start, h.end, h.weight, h.status, h.note])
        return pd.DataFrame(rows, columns=["document_id", "code", "phrase", "start", "end", "weight",
                                           "status", "note"])

    def predict(self, X) -> list[str]:
        """The primary code of each text in ``X`` (``"none"`` when nothing matched)."""
        return [_scores(self._hits(t), self.codes)[1] for t in X]


def code_texts(texts: pd.DataFrame, *, codebook=None, by: str = "document") -> pd.DataFrame:
    """Code documents (or paragraphs) with a codebook; a shortcut for :class:`DictionaryCoder`.

    Parameters
    ----------
    texts : pandas.DataFrame
        ``document_id`` and ``text``. Not modified.
    codebook : Codebook, path-like or None
        ``None`` uses the shipped codebook.
    by : {"document", "paragraph"}

    Examples
    --------
    >>> texts = pd.DataFrame({
    ...     "document_id": ["d1", "d2", "d3"],
    ...     "text": ["We lobbied the minister and backed a petition.",
    ...              "The council did not withdraw the service.",
    ...              "Budgets were pooled with health; residents co-designed the plan."]})
    >>> codes = code_texts(texts)
    >>> codes[["document_id", "fight", "collaborate", "primary"]]
      document_id  fight  collaborate      primary
    0          d1    1.0          0.0        fight
    1          d2    0.0          0.0         none
    2          d3    0.0          1.0  collaborate
    >>> codes.loc[1, "evidence"]
    'exit(3) "withdraw the service" 20-40 [negated, after "not"]'
    """
    return DictionaryCoder(codebook).code(texts, by=by)


def extract_evidence(texts: pd.DataFrame, *, codebook=None) -> pd.DataFrame:
    """One row per cue found: ``document_id``, ``code``, ``phrase``, ``start``, ``end``,
    ``weight``, ``status`` (counted, negated, opposed, ignored, no context) and ``note``.

    Examples
    --------
    >>> texts = pd.DataFrame({"document_id": ["d1"], "text": ["A coalition to resist the cuts."]})
    >>> extract_evidence(texts)[["code", "phrase", "start", "end", "status"]]
        code     phrase  start  end   status
    0  fight  coalition      2   11  counted
    1  fight     resist     15   21  counted
    """
    return DictionaryCoder(codebook).evidence(texts)


# ------------------------------------------------------------------- aggregation


def document_scores(dataset, *, codebook=None, by: str = "partnership_id") -> pd.DataFrame:
    """Code a dataset's documents and aggregate the codes per partnership (or ``by``).

    The bridge from documents to the typology: its result is what
    :func:`analysis.typology.features_for` takes as ``documents=``. Raises a
    :class:`~analysis.errors.MissingTableError` when the dataset has no documents table.
    """
    from analysis.data.documents import dataset_documents

    dataset.require("documents", "the documents are coded and their option shares become features")
    docs = dataset_documents(dataset)
    return aggregate_codes(code_texts(docs.texts, codebook=codebook), docs.texts, by=by)


#: Columns of a coded table that are not option scores (the combined coder adds the last three).
_NOT_SCORES = ("document_id", "primary", "evidence", "p_none", "certainty", "cues")


def aggregate_codes(codes: pd.DataFrame, documents: pd.DataFrame, *, by: str = "partnership_id") -> pd.DataFrame:
    """Aggregate document codes to partnerships, councils or any column of ``documents``.

    Parameters
    ----------
    codes : pandas.DataFrame
        Document-level output of :func:`code_texts`.
    documents : pandas.DataFrame
        The documents index, with ``document_id`` and the ``by`` column. Not modified.
    by : str, default "partnership_id"
        For example ``"council_code"``. Documents with no value are left out.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``by``, ``n_documents``, ``n_coded`` (documents with any
        evidence), the mean share of each code over the coded documents, ``n_<code>``
        (documents whose primary code it is) and ``primary`` (highest mean share, or
        ``none``). Sorted by ``by``.

    Examples
    --------
    >>> codes = pd.DataFrame({"document_id": ["a", "b", "c"], "fight": [1.0, 0.5, 0.0],
    ...     "adapt": [0.0, 0.5, 0.0], "exit": [0.0, 0.0, 0.0], "collaborate": [0.0, 0.0, 0.0],
    ...     "primary": ["fight", "fight", "none"], "evidence": ["", "", ""]})
    >>> docs = pd.DataFrame({"document_id": ["a", "b", "c"], "partnership_id": ["P1", "P1", "P2"]})
    >>> aggregate_codes(codes, docs)[["partnership_id", "n_documents", "n_coded", "fight", "adapt", "primary"]]
      partnership_id  n_documents  n_coded  fight  adapt primary
    0             P1            2        2   0.75   0.25   fight
    1             P2            1        0   0.00   0.00    none
    """
    for name, frame, needed in (("codes", codes, ["document_id", "primary"]), ("documents", documents, ["document_id", by])):
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise InputError(f"{name} needs columns {needed}; missing {missing}; columns present: {list(frame.columns)}")
    if "paragraph" in codes.columns:
        raise InputError("aggregate_codes needs document-level codes (by='document'), not paragraphs")
    score_cols = [c for c in codes.columns if c not in _NOT_SCORES]
    merged = codes.merge(documents[["document_id", by]].drop_duplicates("document_id"), on="document_id", how="inner")
    merged = merged[merged[by].notna()]
    # Vectorised over groups (one pass of groupby, no Python loop over partnerships).
    is_coded = merged["primary"] != NONE
    grouped = merged.groupby(by, sort=True)
    out = pd.DataFrame({"n_documents": grouped.size(),
                        "n_coded": is_coded.groupby(merged[by], sort=True).sum().astype(int)})
    means = merged.loc[is_coded].groupby(by, sort=True)[score_cols].mean()
    out[score_cols] = means.reindex(out.index).fillna(0.0).astype(float)
    for c in score_cols:
        out[f"n_{c}"] = (merged["primary"] == c).groupby(merged[by], sort=True).sum().astype(int)
    # Highest mean share; ties go to the earlier code; nothing coded (or all zero) is "none".
    values = out[score_cols].to_numpy()
    best = np.asarray(score_cols, dtype=object)[values.argmax(axis=1)] if len(out) else np.array([], dtype=object)
    has = (out["n_coded"].to_numpy() > 0) & (values.max(axis=1) > 0 if len(out) else np.array([], dtype=bool))
    out["primary"] = np.where(has, best, NONE)
    rows = out.reset_index()
    columns = [by, "n_documents", "n_coded", *score_cols, *[f"n_{c}" for c in score_cols], "primary"]
    return rows[columns].reset_index(drop=True)


# -------------------------------------------------------------------- supervised

_SUPERVISED_NAMES = ("CoderComparison", "SupervisedCoder", "compare_coders")


def __getattr__(name):
    if name in _SUPERVISED_NAMES:  # in analysis.supervised, which imports scikit-learn
        from analysis import supervised

        return getattr(supervised, name)
    if name == "standard_charts":  # drawn in analysis.figures.coding; imported on first use
        from analysis.figures.coding import standard_charts

        return standard_charts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ------------------------------------------------------------------------ a dataset's coding


@dataclass(frozen=True)
class CodingResult:
    """The coding of a dataset's documents, with what the charts draw.

    ``codes``: one row per document read (the columns of :meth:`analysis.coder.Coder.code`,
    or of :func:`code_texts` for the dictionary coder). ``share``: documents
    and share of documents by primary option (``primary``, ``documents``, ``share``).
    ``mix``: mean option shares by partnership type, long (``type``, ``option``,
    ``share``), or None when documents name no partnerships. ``options``: the codebook's
    codes in order. ``n_problems``: documents that could not be read. ``dataset_name``,
    ``codebook`` (None: the shipped codebook) and ``model`` (the coder, one of
    :data:`analysis.coder.MODELS`) are the parameters used.
    """

    codes: pd.DataFrame
    share: pd.DataFrame
    mix: pd.DataFrame | None
    options: tuple
    n_problems: int
    dataset_name: str
    codebook: object = None
    model: str = "combined"


def coded_documents(result: CodingResult | None, options) -> pd.DataFrame:
    """The coded table of ``result``, or, for None (no documents to code), an empty table with
    the combined coder's columns, so that a notebook reads both the same way.

    Examples
    --------
    >>> coded_documents(None, ["fight", "exit"]).columns.tolist()
    ['document_id', 'fight', 'exit', 'primary', 'evidence', 'p_none', 'certainty', 'cues']
    """
    if result is not None:
        return result.codes
    columns = ["document_id", *options, "primary", "evidence", "p_none", "certainty", "cues"]
    numeric = {*options, "p_none", "certainty"}
    return pd.DataFrame({c: pd.Series(dtype=float if c in numeric else object) for c in columns})


def code_dataset(dataset, *, codebook=None, model: str = "combined") -> CodingResult | None:
    """Code every readable document of ``dataset`` with the coder ``model``.

    The default is the ``code`` command's default, the combined coder (rules and the
    learned model, :class:`analysis.coder.Coder`); ``"rules"`` and ``"learned"`` choose
    one of its halves and ``"dictionary"`` the word-counting :class:`DictionaryCoder`.
    Returns None when the dataset has no ``documents`` table or no document could be read.
    """
    from analysis.coder import MODELS, Coder
    from analysis.data.documents import read_documents

    if not dataset.has("documents"):
        return None
    docs = dataset["documents"]
    read = read_documents(docs, dataset.path)
    if read.texts.empty:
        return None
    if model not in MODELS:
        raise InputError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    if model == "dictionary":
        coder = DictionaryCoder(codebook)
        options = list(coder.codes)
    else:
        coder = Coder(model, codebook=codebook)
        options = list(coder.options)
    codes = coder.code(read.texts)
    order = [*options, NONE]
    counts = codes["primary"].value_counts().reindex(order, fill_value=0)
    share = pd.DataFrame({"primary": order, "documents": counts.to_numpy(),
                          "share": (counts / counts.sum()).round(4).to_numpy()})
    n_problems = len(read.problems[read.problems["severity"] == "error"])
    name = getattr(dataset, "name", None) or Path(dataset.path).name
    mix = None
    if "partnership_id" in docs.columns and dataset.has("partnerships"):
        parts = dataset["partnerships"][["partnership_id", "type"]]
        agg = aggregate_codes(codes, docs, by="partnership_id").merge(parts, on="partnership_id", how="inner")
        agg = agg[agg["n_coded"] > 0]
        if len(agg):
            wide = agg.groupby("type", sort=True)[options].mean().reset_index()
            wide = wide.assign(**{o: wide[o].round(4) for o in options})
            mix = wide.melt(id_vars="type", value_vars=options, var_name="option", value_name="share")
    return CodingResult(codes=codes, share=share, mix=mix, options=tuple(options), n_problems=n_problems,
                        dataset_name=str(name), codebook=codebook, model=model)
