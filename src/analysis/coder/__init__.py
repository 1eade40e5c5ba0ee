"""A document coder that reads what happens to partnerships and services, not just words.

Three ways to code a passage, chosen with ``model=`` (``code --model`` on the command line):

- ``"rules"``: the phrase-level rules of :mod:`analysis.coder.rules` (an action applied
  to an object, negation and reported speech scoped to the clause) plus the codebook's
  weighted phrases;
- ``"learned"``: :class:`~analysis.coder.engine.LearnedCoder`, a scikit-learn pipeline
  over word and character n-grams and the rule scores, with calibrated probabilities,
  trained on the training half of the bundled gold set (or loaded from a file);
- ``"combined"`` (the default): ``0.7 * learned + 0.3 * rules``.

The old word-counting coder stays available as ``"dictionary"`` (:mod:`analysis.coding`).

Documents are split into passages (paragraphs, long ones cut into runs of up to three
sentences); passages with no cue at all are ``none`` without asking the model; a document's
option scores are the sum of its passages' probabilities, normalised.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.coder.patterns import ENDS_ARRANGEMENT
from analysis.errors import InputError

__all__ = ["Coder", "MODELS", "load_gold", "default_model", "save_model", "load_model", "code_passages"]

MODELS = ("dictionary", "rules", "learned", "combined")
MODEL_FORMAT = "analysis-coder"
MODEL_FORMAT_VERSION = 1
# A sentence, as the phrase rules read one (analysis.coder.rules._SENTENCE_RX): not ended by a
# full stop between digits or by a line break before a small letter or a digit (a wrapped line).
_SENTENCE = re.compile(r"(?:[^.!?;\n]+|(?<=\d)\.(?=\d)|\n(?=[a-z0-9]))+(?:[.!?;]+[\"'\u201d\u2019)]*|\n|$)")
MAX_WORDS = 120


def load_gold() -> pd.DataFrame:
    """The bundled gold passages: ``passage_id``, ``split`` (train/test), ``register``, ``code``,
    ``hard_type`` and ``text``.

    Examples
    --------
    >>> gold = load_gold()
    >>> len(gold) >= 400, sorted(gold["split"].unique())
    (True, ['test', 'train'])
    """
    with resources.files("analysis.coder").joinpath("gold_passages.csv").open("rb") as fh:
        return pd.read_csv(fh, dtype={"hard_type": "string"}, keep_default_na=False, na_values=[])


@functools.lru_cache(maxsize=1)
def default_model():
    """The learned coder fitted on the gold set's training half (deterministic; a few seconds,
    once per process)."""
    from analysis.coder.engine import LearnedCoder

    gold = load_gold()
    train = gold[gold["split"] == "train"]
    return LearnedCoder(random_state=0).fit(train["text"].tolist(), train["code"].tolist())


def _versions() -> dict:
    import sklearn

    from analysis import __version__

    return {"analysis": __version__, "scikit-learn": sklearn.__version__}


def save_model(model, path) -> Path:
    """Save a fitted learned coder with the versions it was made with (joblib, atomically)."""
    import io

    import joblib

    from analysis.writers import atomic_write_bytes

    buf = io.BytesIO()
    joblib.dump({"format": MODEL_FORMAT, "format_version": MODEL_FORMAT_VERSION, "versions": _versions(),
                 "model": model}, buf, compress=3)
    return atomic_write_bytes(path, buf.getvalue())


def load_model(path):
    """Load a model saved by :func:`save_model`; refuse a broken file or one from another version.

    Raises
    ------
    InputError
        Naming the file: missing, unreadable, not a coder model, or made with another
        version of the toolkit or scikit-learn. Only load model files you trust: they are
        pickles.
    """
    import joblib

    path = Path(path)
    if not path.is_file():
        raise InputError(f"model file {path} not found")
    try:
        payload = joblib.load(path)
    except Exception as exc:  # noqa: BLE001 - unpickling a damaged file raises many kinds
        raise InputError(f"model file {path} could not be read ({type(exc).__name__}); it is damaged or not a "
                         f"model saved by 'analysis train-coder'") from None
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise InputError(f"model file {path} is not a coder model saved by 'analysis train-coder'")
    if payload.get("format_version") != MODEL_FORMAT_VERSION or payload.get("versions") != _versions():
        saved = payload.get("versions") or {}
        now = _versions()
        raise InputError(
            f"model file {path} was made with another version (analysis {saved.get('analysis')}, scikit-learn "
            f"{saved.get('scikit-learn')}; this is analysis {now['analysis']}, scikit-learn {now['scikit-learn']}); "
            f"train it again with 'analysis train-coder'")
    return payload["model"]


def split_passages(text: str, offset: int = 0) -> list[tuple[int, str]]:
    """Paragraphs of ``text``; a paragraph over 120 words is cut into runs of up to three
    sentences (or 120 words). Returns ``(start, passage)`` pairs with document positions."""
    from analysis.coding import split_paragraphs

    out = []
    for start, para in split_paragraphs(text):
        if len(para.split()) <= MAX_WORDS:
            out.append((start + offset, para))
            continue
        run_start, run_end, n_sent, n_words = None, None, 0, 0
        for m in _SENTENCE.finditer(para):
            if not m.group().strip():
                continue
            words = len(m.group().split())
            if run_start is not None and (n_sent >= 3 or n_words + words > MAX_WORDS):
                out.append((start + offset + run_start, para[run_start:run_end]))
                run_start, n_sent, n_words = None, 0, 0
            if run_start is None:
                run_start = m.start()
            run_end, n_sent, n_words = m.end(), n_sent + 1, n_words + words
            # A "sentence" longer than MAX_WORDS (text without punctuation) is cut by words.
            while n_words > MAX_WORDS:
                piece = para[run_start:run_end]
                cut = [w.end() for w in re.finditer(r"\S+", piece)][MAX_WORDS - 1]
                out.append((start + offset + run_start, piece[:cut]))
                run_start += cut
                n_words = len(para[run_start:run_end].split())
                n_sent = 1
        if run_start is not None and para[run_start:run_end].strip():
            out.append((start + offset + run_start, para[run_start:run_end]))
    return out


class Coder:
    """Code passages and documents with the rules, the learned model or both.

    Parameters
    ----------
    model : {"combined", "rules", "learned"}
    model_file : path-like, optional
        A model saved with :func:`save_model` (``analysis train-coder``) instead of the
        default one trained from the bundled gold set.
    codebook : path-like, optional
        A codebook for the word-level phrases.

    Examples
    --------
    >>> coder = Coder("rules")
    >>> coder.code_passages(["The three councils will go their separate ways."])["primary"].tolist()
    ['exit']
    """

    def __init__(self, model: str = "combined", *, model_file=None, codebook=None):
        from analysis.coder.engine import RuleCoder

        if model not in MODELS[1:]:
            raise InputError(f"model must be one of {', '.join(MODELS[1:])}, got {model!r}")
        self.model = model
        self.rules = RuleCoder(codebook)
        self.options = self.rules.options
        self.classes = [*self.options, "none"]
        self.learned = None
        if model != "rules":
            self.learned = load_model(model_file) if model_file is not None else default_model()

    # ------------------------------------------------------------------ passages

    def _probabilities(self, analyses, texts):
        """Class probabilities of each passage, and the learned model's features of the passages
        with a cue (``(rows, matrix)``, or None for the rules alone), kept for the explanations."""
        from analysis.coder.engine import _Passages, combine, rule_probabilities

        p_rules = rule_probabilities(analyses, self.classes)
        if self.learned is None:
            return p_rules, None
        p = p_rules.copy()
        has_cue = np.array([bool(a.rule_hits or a.dict_hits) for a in analyses], dtype=bool)
        rows = np.flatnonzero(has_cue)
        matrix = None
        if len(rows):
            matrix = self.learned.features(_Passages([texts[i] for i in rows], [analyses[i] for i in rows]))
            learned = self.learned.predict_proba_features(matrix)
            order = [list(self.learned.classes_).index(c) for c in self.classes]
            learned = learned[:, order]
            p[rows] = learned if self.model == "learned" else combine(learned, p_rules[rows])
        return p, (rows, matrix)

    def _explain(self, analyses, texts, primaries, features=None) -> list[list[tuple[str, float]]]:
        from analysis.coder.engine import RULE_BOOST, _Passages

        out = []
        model_cues: dict[int, list] = {}
        if self.learned is not None:
            rows = [i for i, a in enumerate(analyses) if (a.rule_hits or a.dict_hits) and primaries[i] != "none"]
            if rows:
                if features is not None and features[1] is not None:
                    # The matrix computed for the probabilities: its rows are the passages with a cue.
                    at = np.searchsorted(features[0], rows)
                    matrix = features[1][at]
                else:
                    matrix = self.learned.features(_Passages([texts[i] for i in rows], [analyses[i] for i in rows]))
                expl = self.learned.explain_features(matrix, [primaries[i] for i in rows])
                model_cues = dict(zip(rows, expl, strict=True))
        for i, a in enumerate(analyses):
            cues = []
            for h in a.rule_hits:
                if h.status == "counted":
                    cues.append((f'{h.option} rule "{h.text}"', h.weight * RULE_BOOST))
            for h in a.dict_hits:
                if h.status == "counted" and h.code:
                    cues.append((f'{h.code} phrase "{h.text}"', float(h.weight)))
            cues += [(f"{primaries[i]} model {name}", round(w, 3)) for name, w in model_cues.get(i, [])]
            out.append(cues)
        return out

    def _code(self, texts, offsets):
        analyses = self.rules.analyse(texts, offsets)
        p, features = self._probabilities(analyses, texts)
        return analyses, p, features

    def code_passages(self, texts, ids=None) -> pd.DataFrame:
        """Code each text as one passage; one row each (see :meth:`code` for the columns)."""
        texts = ["" if not isinstance(t, str) else t for t in texts]
        ids = list(ids) if ids is not None else list(range(len(texts)))
        analyses, p, features = self._code(texts, [0] * len(texts))
        return self._frame(ids, texts, analyses, p, features=features)

    def _frame(self, ids, texts, analyses, p, extra=None, features=None) -> pd.DataFrame:
        classes = np.asarray(self.classes, dtype=object)
        best = p.argmax(axis=1)  # ties: the earlier class (options in codebook order, then none)
        primaries = classes[best].tolist()
        explained = self._explain(analyses, texts, primaries, features)
        rows = []
        for i in range(len(texts)):
            opt = p[i, : len(self.options)]
            total = opt.sum()
            shares = opt / total if total > 0 and primaries[i] != "none" else np.zeros(len(self.options))
            top2 = np.sort(p[i])[::-1][:2]
            rows.append([ids[i], *[round(float(s), 4) for s in shares], primaries[i],
                         _evidence(analyses[i]), round(float(p[i, -1]), 4), round(float(top2[0] - top2[1]), 4),
                         _format_cues(explained[i])])
        head = ["document_id"]
        out = pd.DataFrame(rows, columns=[*head, *self.options, "primary", "evidence", "p_none", "certainty", "cues"])
        if extra is not None:
            out.insert(1, extra[0], extra[1])
        return out

    # ----------------------------------------------------------------- documents

    def code(self, texts: pd.DataFrame, *, by: str = "document", id_column: str = "document_id",
             text_column: str = "text") -> pd.DataFrame:
        """Code documents (or paragraphs).

        Returns one row per document (or paragraph): ``document_id`` [, ``paragraph``], one
        score column per option (shares summing to 1, or all 0 when the primary is ``none``),
        ``primary``, ``evidence`` (rule and phrase cues with their positions), ``p_none`` (the
        probability that no option is stated), ``certainty`` (the gap between the two most
        likely classes: small means uncertain) and ``cues`` (the cues and weights behind the
        primary option).
        """
        from analysis.coding import check_texts, split_paragraphs

        check_texts(texts, id_column=id_column, text_column=text_column)
        if by not in ("document", "paragraph"):
            raise InputError(f"by must be 'document' or 'paragraph', got {by!r}")
        doc_ids = texts[id_column].tolist()
        doc_texts = ["" if not isinstance(t, str) else t for t in texts[text_column].tolist()]
        if by == "paragraph":
            ids, numbers, units, offsets = [], [], [], []
            for d, text in zip(doc_ids, doc_texts, strict=True):
                for n, (start, para) in enumerate(split_paragraphs(text), start=1):
                    ids.append(d)
                    numbers.append(n)
                    units.append(para)
                    offsets.append(start)
            analyses, p, features = self._code(units, offsets)
            out = self._frame(ids, units, analyses, p, extra=("paragraph", numbers), features=features)
            out["paragraph"] = out["paragraph"].astype("int64")
            out["document_id"] = out["document_id"].astype(object)
            return out
        owner, units, offsets = [], [], []
        for k, text in enumerate(doc_texts):
            for start, passage in split_passages(text):
                owner.append(k)
                units.append(passage)
                offsets.append(start)
        analyses, p, features = self._code(units, offsets)
        return self._documents(doc_ids, doc_texts, owner, units, analyses, p, features)

    def _documents(self, doc_ids, doc_texts, owner, units, analyses, p, features=None) -> pd.DataFrame:
        from analysis.coder.engine import Analysis, reports_decision, sets_out_option

        n_opt = len(self.options)
        classes = np.asarray(self.classes, dtype=object)
        passage_primary = classes[p.argmax(axis=1)] if len(p) else np.array([], dtype=object)
        explained = self._explain(analyses, units, passage_primary.tolist(), features)
        owner = np.asarray(owner, dtype=int)
        # A document's passages are consecutive (owner never decreases): its range, found once.
        bounds = np.searchsorted(owner, np.arange(len(doc_ids) + 1), side="left")
        rows = []
        for k, d in enumerate(doc_ids):
            idx = np.arange(bounds[k], bounds[k + 1])
            stated = [i for i in idx if passage_primary[i] != "none"]
            # A passage that sets out one option of several ("Option 2 - ...") does not vote: the
            # option chosen is in the recommendation or the decision.
            chosen = [i for i in stated if not sets_out_option(units[i])]
            stated = chosen or stated
            merged = Analysis([h for i in idx for h in analyses[i].rule_hits],
                              [h for i in idx for h in analyses[i].dict_hits])
            # A document that says nothing has been decided yet (a consultation, an options paper)
            # takes an option only from a passage that reports a decision ("agreed", "resolved",
            # "recommends" ...): the options it sets out, each in a paragraph of its own, are not.
            undecided = next((analyses[i].undecided for i in idx if analyses[i].undecided), "")
            if undecided:
                stated = [i for i in stated if not analyses[i].undecided and reports_decision(units[i])]
            if not stated:
                p_none = float(np.min(p[idx, -1])) if len(idx) else 1.0
                rows.append([d, *[0.0] * n_opt, "none", _evidence(merged), round(p_none, 4),
                             round(1.0 - 2 * (1.0 - p_none) if p_none >= 0.5 else 0.0, 4),
                             f'nothing decided yet ("{undecided}")' if undecided else ""])
                continue
            sums = p[stated, :n_opt].sum(axis=0)
            shares = sums / sums.sum()
            best, ended = int(np.argmax(shares)), ""  # ties: the earlier option
            # Decision rule 7: if the thing ends, exit. A document whose passages mostly tell how a shared
            # arrangement saved money (adapt) but which reports a decision to leave or end it is exit.
            if self.options[best] == "adapt" and "exit" in self.options and any(
                    passage_primary[i] == "exit" and _ends_arrangement(analyses[i]) and reports_decision(units[i])
                    for i in stated):
                best, ended = self.options.index("exit"), "decision to end an arrangement (rule 7); "
            # the gap to the next option; none (0) when rule 7 chose an option the passages outvoted
            second = float(np.delete(shares, best).max()) if n_opt > 1 else 0.0
            weights: dict[str, float] = {}
            for i in stated:
                for name, w in explained[i]:
                    if name.startswith(self.options[best]):
                        weights[name] = weights.get(name, 0.0) + w
            cues = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
            rows.append([d, *[round(float(s), 4) for s in shares], self.options[best], _evidence(merged),
                         round(float(np.min(p[idx, -1])), 4), round(max(float(shares[best]) - second, 0.0), 4),
                         ended + _format_cues(cues)])
        out = pd.DataFrame(rows, columns=["document_id", *self.options, "primary", "evidence", "p_none",
                                          "certainty", "cues"])
        out["document_id"] = out["document_id"].astype(object)
        return out


def _ends_arrangement(analysis) -> bool:
    """Whether a passage's counted rule hits leave or end an arrangement (a partnership, shared
    service, agreement, membership), not a service or a building."""
    return any(h.rule == ENDS_ARRANGEMENT and h.status == "counted" for h in analysis.rule_hits)


def _evidence(analysis, limit: int = 40) -> str:
    parts = []
    for h in analysis.rule_hits:
        entry = f'{h.option}(rule {h.weight:g}) "{" ".join(h.text.split())}" {h.start}-{h.end}'
        if h.status != "counted":
            entry += f" [{h.status}{', ' + h.note if h.note else ''}]"
        parts.append((h.start, entry))
    for h in analysis.dict_hits:
        entry = f'{h.code or "none"}({h.weight:g}) "{h.text}" {h.start}-{h.end}'
        if h.status != "counted":
            entry += f" [{h.status}{', ' + h.note if h.note else ''}]"
        elif h.note:
            entry += f" [{h.note}]"
        parts.append((h.start, entry))
    parts.sort(key=lambda p: p[0])
    text = [e for _, e in parts[:limit]]
    if len(parts) > limit:
        text.append(f"... and {len(parts) - limit} more")
    return " | ".join(text)


def _format_cues(cues, limit: int = 8) -> str:
    cues = sorted(cues, key=lambda kv: -kv[1])[:limit]
    return "; ".join(f"{name} {w:+.2f}" for name, w in cues)


def code_passages(texts, *, model: str = "combined", model_file=None) -> pd.DataFrame:
    """Shortcut: ``Coder(model, model_file=...).code_passages(texts)``."""
    return Coder(model, model_file=model_file).code_passages(texts)
