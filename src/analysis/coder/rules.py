"""Phrase-level rules: what happens to a partnership, a service or a plan.

The dictionary coder (:mod:`analysis.coding`) counts words. These rules read a little
further: a cue is an *action applied to an object* ("give notice to leave + the shared
audit partnership", "services return + to each authority", "voted + to reject the deal"),
matched on the tokens of spaCy's blank English pipeline (its tokenizer and rule-based
:class:`~spacy.matcher.Matcher`; no statistical model is downloaded or needed).

Each match is then checked within its own clause (the words since the last comma, semicolon,
full stop or "but"/"however"/"instead"...):

- **negated** when a negation comes shortly before it ("did not leave the partnership",
  "rather than closing the museum"): shown, not counted;
- **opposed** when a verb of opposition comes before it ("battling to stop the county from
  withdrawing school transport"): shown, not counted (the opposition is a fight cue itself);
- **hypothetical** when the clause is a question, a condition or a rumour ("asked whether it
  would leave the partnership", "despite rumours"): shown, not counted.

A few rules are written so that the negation is part of the cue: "decided not to renew the
joint post" and "will not continue with the shared service" are exit.

:class:`PhraseRules` returns :class:`RuleHit` tuples with character positions; the
:mod:`analysis.coder` package turns them into scores, model features and explanations.

Before a match counts, what the passage's sentences say of each other is settled too: a later
hit can override an earlier one (``SUPERSEDES``), "no decision has yet been taken" sets the
passage's cues aside, and a cue in a background clause ("having campaigned ...", ", who opposed
...") gives way to another option in the passage. Questions, what someone asks of another
("wants the council to ..."), plans later withdrawn and "those that ..." are set aside as well.

The rules themselves (their word lists and spaCy patterns) are data, in
:mod:`analysis.coder.patterns`; this module holds what reads them: the sentence filter and the
matcher, and the judgements of a clause and of a passage.

Why this module is over 600 lines: each judgement carries the example that made it necessary.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from analysis.coder.patterns import (
    ABOUT,
    ASKERS,
    CHOSEN,
    CLAUSE_PUNCT,
    CLAUSE_WORDS,
    DECIDED,
    EVERYDAY,
    EVERYDAY_RULE,
    HEDGES,
    INFO_NOUNS,
    NAMED_OF,
    NAMED_OPTIONS,
    NEG_EXCEPT,
    NEG_PHRASES,
    NEGATORS,
    NOTHING_DECIDED,
    OPPOSERS,
    OPTIONS,
    OWN_PEOPLE,
    PLAN_WORDS,
    QUESTION_WORDS,
    RETRACTED,
    RULES,
    STOPPERS,
    SUPERSEDES,
    WITHDREW,
    _forms,
)

__all__ = ["PhraseRules", "RuleHit", "RULES"]


class RuleHit(NamedTuple):
    option: str
    weight: float
    rule: str
    start: int  # character positions in the text given
    end: int
    text: str
    status: str  # counted, negated, opposed, hypothetical
    note: str = ""


#: Matchers kept for reuse, one per combination of patterns that can match in a sentence (148 on
#: the 5,000 benchmark documents, 280 with the gold passages too).
MATCHERS_KEPT = 4096
#: Pieces of text between white space whose words the sentence filter keeps (see
#: :meth:`PhraseRules._could_match`); the store is emptied when full.
PIECES_KEPT = 200_000


def _clause_start(lower: list[str], i: int) -> int:
    """Index of the first token of the clause holding token ``i`` (``lower``: the tokens in
    lower case; a punctuation mark is its own lower case)."""
    j = i - 1
    while j >= 0:
        word = lower[j]
        if word in CLAUSE_PUNCT or word in CLAUSE_WORDS:
            return j + 1
        j -= 1
    return 0


def _negated(words: list[str]) -> str:
    """The negation among the clause words before a cue (the last 8), or ''."""
    words = words[-8:]
    for k, w in enumerate(words):
        nxt = words[k + 1] if k + 1 < len(words) else ""
        if (w, nxt) in NEG_EXCEPT or (w == "no" and nxt == "longer"):
            continue
        if w in NEGATORS:
            return w
        for phrase in NEG_PHRASES:
            if w.startswith(phrase[0]) and (len(phrase) == 1 or nxt == phrase[1]):
                return " ".join(words[k : k + len(phrase)])
    return ""


def _opposed(words: list[str]) -> str:
    words = words[-6:]
    for k, w in enumerate(words):
        if w in OPPOSERS or (w in STOPPERS and k > 0 and words[k - 1] == "to"):
            return w
    return ""


def _hedged(words: list[str]) -> str:
    """The hedge among the last 16 clause words before a cue ("whether", "could", "should"...), or
    ''. A "should" after "agreed that" or "resolved that" is what a meeting decided ("members
    agreed that the chair should write to NHS England opposing the downgrade"), not a hedge."""
    words = words[-16:]
    for k, w in enumerate(words):
        if w in HEDGES:
            if w == "should" and any(words[j] in DECIDED and words[j + 1] == "that" for j in range(k - 1)):
                continue
            return w
    return ""



def _only_named(words: list[str]) -> str:
    """"presentation on" (or the like) among the last ten clause words before a cue: the cue
    names what a meeting heard about, not an action (see :data:`INFO_NOUNS`); or ''."""
    words = words[-10:]
    for k in range(len(words) - 1, 0, -1):
        if (words[k] in ABOUT and words[k - 1] in INFO_NOUNS) or (words[k] == "of" and words[k - 1] in NAMED_OF):
            return f"{words[k - 1]} {words[k]}"
    return ""


def _background(left: list[str], opener: tuple) -> str:
    """Why a cue is background to what the passage reports, or '': "having" opening its clause
    ("Having campaigned for two years, the council has now agreed to ..."), "after" opening it
    ("After a year of protests, the council joined ..."), "once", "formerly" or "previously" just
    before it, or a clause set off by a comma and "who" or "which" that describes someone ("the
    Liberal Democrats, who have opposed the project"; ``opener``: the two tokens before the clause)."""
    if left[:1] == ["having"]:
        return '"having"'
    if opener[1] in ("who", "which") and opener[0] == ",":
        return f'", {opener[1]}"'
    if opener[1] == "after":
        return '"after"'
    return next((f'"{w}"' for w in left[-3:] if w in ("once", "formerly", "previously")), "")


def _asked(words: list[str]) -> str:
    """A word of asking among the last twelve clause words with its "to" after someone else
    ("wants the council to", "calls on members to"), not "wants to" (the speaker's own stance); or ''."""
    words = words[-12:]
    for k, w in enumerate(words):
        if w in ASKERS:
            rest = words[k + 1 : k + 7]
            if rest[:1] != ["to"] and "to" in rest and (
                    not OWN_PEOPLE.intersection(rest[: rest.index("to")]) or (k and words[k - 1] in PLAN_WORDS)):
                return w
    return ""


def _generic(words: list[str]) -> str:
    """"those that" or "those who" just before a cue (a kind of council, not one that acted), or
    "any" before a plan word ("any recommendation to end the arrangement"); or ''."""
    if words[-2:-1] == ["those"] and words[-1:] in (["that"], ["who"], ["which"]):
        return " ".join(words[-2:])
    tail = words[-6:]
    return next((f"any {tail[k + 1]}" for k in range(len(tail) - 1)
                 if tail[k] == "any" and tail[k + 1] in ("recommendation", "proposal", "decision", "plan", "motion")), "")


def _settle(hits: list) -> list:
    """What a passage's sentences say of each other: later hits override earlier ones
    (:func:`_supersede`), "nothing has been decided" sets the other cues aside, and a cue that is
    background gives way when another option is counted in the passage."""
    hits = _supersede(hits)
    said = next((h for h in hits if h.rule == NOTHING_DECIDED), None)
    if said is not None:
        hits = [h._replace(status="hypothetical", note=f'nothing decided yet ("{" ".join(said.text.split())}")')
                if h.status == "counted" and h.option != EVERYDAY else h for h in hits]
    out = []
    for h in hits:
        if h.status == "counted" and h.note.startswith("background"):
            others = any(o.status == "counted" and o.option not in (h.option, EVERYDAY) and not o.note
                         for o in hits)
            h = h._replace(status="negated") if others else h._replace(note="")
        out.append(h)
    return out


def _supersede(hits: list) -> list:
    """A later counted hit of one rule sets aside an earlier counted hit it overrides (see
    :data:`SUPERSEDES`)."""
    for later, overridden, note in SUPERSEDES:
        last = max((h.start for h in hits if h.rule == later and h.status == "counted"), default=None)
        if last is not None:
            hits = [h._replace(status="negated", note=note)
                    if overridden(h) and h.status == "counted" and h.start < last else h for h in hits]
    return hits


def _negated_before_aside(lower: list[str], cstart: int) -> str:
    """A negation just before an aside set off by commas that opens the cue's clause ("will not,
    after all, pull out of the partnership"), or ''."""
    if cstart < 3 or lower[cstart - 1] != ",":
        return ""
    for k in range(cstart - 2, max(cstart - 8, 0), -1):
        if lower[k] == ",":
            return lower[k - 1] if lower[k - 1] in ("not", "never", "n't") else ""
    return ""


def _own_verb(left: list[str]) -> list[str]:
    """The clause words before a cue from its own verb on: a negation before "and that" belongs
    to the verb before it ("it is not renewed and that each authority commissions its own")."""
    for k in range(len(left) - 1, 0, -1):
        if left[k] == "that" and left[k - 1] in ("and", "but", "or"):
            return left[k + 1 :]
    return left


def _among_options(before: list[str]) -> str:
    """'options' (or the like) among the sentence's words before a cue with no word of choosing
    after it: the cue is one of the possibilities listed, not a decision."""
    for k in range(len(before) - 1, -1, -1):
        if before[k] in CHOSEN:
            return ""
        if before[k] in OPTIONS and not (k and before[k - 1] in NAMED_OPTIONS):
            return before[k]
    return ""


def _dropped_before(left: list[str]) -> str:
    """A word of withdrawal just before the plan the cue is in ("dropped plans to leave"), among
    the last six words before the cue (not a later verb's: "...and halved the subscription"), or ''."""
    left = left[-6:]
    for k, w in enumerate(left):
        if (w in RETRACTED or w in WITHDREW) and any(x in PLAN_WORDS for x in left[k + 1 : k + 5]):
            return w
    return ""


def _retracted(left: list[str], right: list[str]) -> int:
    """Where (in ``right``) the word that withdraws a plan after its action is ("the bid to pull
    out of the partnership has been dropped"): a plan word before the cue in its clause and,
    after the cue, before the next clause, a word of withdrawal; or -1."""
    if not any(w in PLAN_WORDS for w in left):
        return -1
    for k, w in enumerate(right[:16]):
        if w in CLAUSE_WORDS or w in {".", ";", "!", "?"}:
            return -1
        if w in RETRACTED:
            return k
    return -1


@functools.lru_cache(maxsize=1)
def _nlp():
    import spacy
    from spacy.util import compile_infix_regex

    nlp = spacy.blank("en")
    # Keep hyphenated words whole ("co-design", "in-house", "multi-agency"): drop the infix
    # rule that splits at a hyphen between letters.
    infixes = [p for p in nlp.Defaults.infixes if "-|" not in p and "{h}" not in p and "--" not in p]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return nlp


# Words too common to decide, on their own, whether a sentence is worth matching.
COMMON = set(_forms(
    "the", "a", "an", "to", "of", "in", "on", "for", "with", "by", "and", "or", "its", "their", "be", "been",
    "is", "was", "were", "will", "would", "has", "have", "had", "it", "them", "this", "that", "from", "up", "out",
    "down", "back", "over", "each", "no", "not", "our", "all", "every", "council/s", "committee/s", "board/s",
    "service/s", "team/s", "report/s", "plan/s", "member/s", "officer/s", "meeting/s", "people", "local", "staff",
    "case", "terms", "change/s", "decision/s", "model", "option/s", "strategy", "strategies", "budget/s",
    "authority", "authorities", "body", "bodies", "centre/s", "unit/s", "post/s", "function/s", "group/s",
    "community", "communities", "business", "work/s/ed/ing", "agree/s/d/ing", "make/s", "made", "making",
    "take/s/n", "took", "taking", "go/es/ing", "went", "set", "run/s/ning", "ran", "put", "present/s/ed/ing",
    "support", "approve", "back", "one", "new", "town", "trust", "health", "sector", "partners", "single",
    "common", "combined", "time", "year", "years", "it", "more", "than",
))
_FUNCTION = {"the", "a", "an", "to", "of", "in", "on", "for", "with", "by", "and", "or", "its", "their", "be",
             "been", "is", "was", "were", "will", "would", "has", "have", "had", "it", "them", "this", "that",
             "from", "up", "out", "down", "back", "over", "each", "no", "not", "our", "all", "every", "more", "than"}
#: A sentence (or a part ending in ";"): a full stop between digits ("2.5%", "£1.2m") ends none,
#: and nor does a line break before a small letter or a digit (a line wrapped in a PDF or an
#: e-mail: "did not\nleave the partnership"); find_many reads such a break as a space.
_SENTENCE_RX = re.compile(r"(?:[^.!?;\n]+|(?<=\d)\.(?=\d)|\n(?=[a-z0-9]))+[.!?;]*")


def _required(tok: dict) -> bool:
    """Whether a pattern token must match at least once (no ``OP``, ``+`` or ``{n...}`` with
    ``n >= 1``); optional (``?``, ``*``, ``{0,m}``, ``{,m}``) and negated (``!``) tokens are not."""
    op = str(tok.get("OP", "1"))
    if op in ("1", "+"):
        return True
    m = re.fullmatch(r"\{(\d+)(,\d*)?\}", op)
    return bool(m) and int(m.group(1)) >= 1


def _required_words(pattern) -> list[set]:
    """For each required token of ``pattern`` that tests ``LOWER``, the words it accepts: a
    sentence can match the pattern only if each of these sets holds one of its tokens' lower
    case forms."""
    out = []
    for tok in pattern:
        if _required(tok) and "LOWER" in tok:
            value = tok["LOWER"]
            if isinstance(value, dict) and "IN" not in value:  # NOT_IN: any word but those
                continue
            out.append(set(value["IN"]) if isinstance(value, dict) else {value})
    return out


def _anchor_words(rules=None) -> set:
    """Words of which a sentence must hold one (as a token) for some rule to match there.

    Each pattern's anchor is one of its required word lists (see :func:`_required_words`):
    the one with the fewest common words, then the fewest words. The anchors of all the
    patterns together are the set. A pattern with no required word list has no anchor, and
    is refused here, so the set leaves out no sentence that could match.
    """
    words: set = set()
    for name, (_option, _weight, patterns, _flags) in (rules if rules is not None else RULES).items():
        for pattern in patterns:
            lists = _required_words(pattern)
            if not lists:
                raise ValueError(f"rule {name!r}: a pattern needs at least one required word: {pattern}")
            words |= _anchor_list(lists)
    return words


def _anchor_list(lists: list[set]) -> set:
    """Of a pattern's required word lists, its anchor: the one with the fewest common words,
    then the fewest words."""
    return min(lists, key=lambda c: (sum(10 if w in _FUNCTION else 1 for w in c & COMMON), len(c)))


def _in_order(masks: list[int], order: tuple) -> bool:
    """Whether tokens with these masks (one per token, in order) hold each bit of ``order``, one
    token each, left to right: taking the first token that fits each bit in turn finds such
    tokens whenever there are some."""
    j = 0
    for m in masks:
        if m & order[j]:
            j += 1
            if j == len(order):
                return True
    return False


class PhraseRules:
    """Match the phrase-level rules in texts (spaCy blank English tokenizer + Matcher).

    Examples
    --------
    >>> rules = PhraseRules()
    >>> [(h.option, h.text, h.status) for h in rules.find("The council gave notice to leave the shared audit partnership.")]
    [('exit', 'gave notice to leave the shared audit partnership', 'counted')]
    >>> [(h.option, h.status) for h in rules.find("The council did not leave the partnership.")]
    [('exit', 'negated')]
    """

    def __init__(self):
        from spacy.attrs import LOWER

        self.nlp = _nlp()
        self._lower_attr = LOWER
        strings = self.nlp.vocab.strings
        # Each word list a pattern requires, and each rule's anchor words, get a bit; a word's
        # mask holds the bits of the lists it is in, keyed by the hash spaCy gives a token's
        # lower case form (what Doc.to_array(LOWER) returns).
        self._bits: dict[int, int] = {}
        lists: dict[frozenset, int] = {}

        def bit_of(words) -> int:
            key = frozenset(words)
            if key not in lists:
                lists[key] = 1 << len(lists)
                for w in key:
                    h = strings.add(w)
                    self._bits[h] = self._bits.get(h, 0) | lists[key]
            return lists[key]

        # (name, patterns, anchor bit, what each pattern needs: an OR of bits, and the bits of
        # its required word lists in the pattern's order)
        self._rules = []
        self.meta = {}
        # For the sentence filter: the bit of each pattern's anchor list -> what the patterns
        # anchored there need (an OR of bits, one per required word list)
        self._anchored: dict[int, set] = {}
        for name, (option, weight, patterns, flags) in RULES.items():
            anchor = bit_of(_anchor_words({name: RULES[name]}))
            needs, orders = [], []
            for pattern in patterns:
                required = _required_words(pattern)
                order = tuple(bit_of(words) for words in required)
                need = 0
                for bit in order:
                    need |= bit
                needs.append(need)
                orders.append(order)
                self._anchored.setdefault(bit_of(_anchor_list(required)), set()).add(need)
            self._rules.append((name, patterns, anchor, tuple(needs), tuple(orders)))
            self.meta[strings[name]] = (name, option, weight, flags)
        self._pattern_anchors = 0
        for bit in self._anchored:
            self._pattern_anchors |= bit
        # A piece of text between white space -> the bits of its tokens' lower case forms
        # (see :meth:`_piece_bits`): most pieces are words met many times over.
        self._piece_masks: dict[str, int] = {}
        self._rank = {strings[name]: r for r, (name, *_rest) in enumerate(self._rules)}
        self._any_anchor = 0
        for rule in self._rules:
            self._any_anchor |= rule[2]
        # What can match in a sentence ((rule number, numbers of its patterns kept), ...) -> one
        # Matcher with those patterns: made on first use, then reused.
        self._matchers: dict = {}

    def _sentence_matcher(self, feasible: tuple):
        """One matcher holding, under each rule's name, the patterns of ``feasible`` (pairs of a
        rule number and the numbers of its patterns kept); made on first use, then reused."""
        matcher = self._matchers.get(feasible)
        if matcher is None:
            from spacy.matcher import Matcher

            matcher = Matcher(self.nlp.vocab)
            for rule, patterns in feasible:
                name, all_patterns, *_ = self._rules[rule]
                matcher.add(name, [all_patterns[i] for i in patterns], greedy="LONGEST")
            if len(self._matchers) >= MATCHERS_KEPT:  # a bound on memory for very varied corpora
                self._matchers.clear()
            self._matchers[feasible] = matcher
        return matcher

    def _piece_bits(self, piece: str) -> int:
        """The bits of the word lists holding a token of ``piece`` (a piece of text between white
        space), as :meth:`_feasible` reads them; kept for the next time the piece is met."""
        bits = self._bits
        mask = 0
        for h in self.nlp.tokenizer(piece).to_array(self._lower_attr).tolist():
            mask |= bits.get(h, 0)
        if len(self._piece_masks) >= PIECES_KEPT:  # a bound on memory for very varied corpora
            self._piece_masks.clear()
        self._piece_masks[piece] = mask
        return mask

    def _could_match(self, sentence: str) -> bool:
        """Whether some pattern could match in ``sentence``: whether, for some pattern, every
        word list it requires holds a token of the sentence (in any order; :meth:`_feasible`
        checks the order once the sentence is tokenized).

        spaCy's tokenizer first splits a text at white space and then tokenizes each piece on its
        own, so the tokens of a sentence are those of its pieces, and a piece's words are found
        once and kept (:meth:`_piece_bits`). A pattern is looked at only when its anchor list is
        among the sentence's lists."""
        masks = self._piece_masks
        mask = 0
        for piece in sentence.split():
            bits = masks.get(piece)
            mask |= self._piece_bits(piece) if bits is None else bits
        anchors = mask & self._pattern_anchors
        while anchors:
            bit = anchors & -anchors  # the lowest anchor bit left
            anchors ^= bit
            for need in self._anchored[bit]:
                if mask & need == need:
                    return True
        return False

    def _feasible(self, doc, lowers=None) -> list[tuple[int, tuple]]:
        """The rules that can match in ``doc`` (a tokenized sentence), each with the numbers of
        its patterns that can: those whose required tokens accept tokens of the sentence, one
        each, in the pattern's order (compared by their lower case forms). A pattern left out
        cannot match there (a match gives each required token a token of its own, left to
        right), and leaving it out changes no match (nor which of the rule's overlapping
        matches is kept: a pattern that cannot match adds none). ``lowers``: the tokens' lower
        case hashes, ``doc.to_array(LOWER).tolist()``, if the caller has them."""
        bits = self._bits
        if lowers is None:
            lowers = doc.to_array(self._lower_attr).tolist()
        masks = [bits.get(h, 0) for h in lowers]
        mask = 0
        for m in masks:
            mask |= m
        out = []
        if not mask & self._any_anchor:  # no token is any rule's anchor word
            return out
        for r, (_name, _patterns, anchor, needs, orders) in enumerate(self._rules):
            if mask & anchor:
                # First every required list somewhere in the sentence (one test on the whole
                # mask), then in order: a third of the matcher calls on the benchmark documents
                # had their lists in the sentence but not in the pattern's order.
                kept = tuple(i for i, need in enumerate(needs)
                             if mask & need == need and _in_order(masks, orders[i]))
                if kept:
                    out.append((r, kept))
        return out

    @property
    def names(self) -> list[str]:
        return list(RULES)

    def find(self, text: str, offset: int = 0) -> list[RuleHit]:
        return self.find_many([text], [offset])[0]

    def find_many(self, texts, offsets=None) -> list[list[RuleHit]]:
        """Rule hits for each text (positions plus the matching offset).

        Rules never cross a sentence, so only the sentences in which some pattern could match
        (:meth:`_could_match`: every word list it requires holds one of the sentence's words)
        are tokenized; each is then matched with only the rules' patterns whose required words
        are among its tokens in order (:meth:`_feasible`): the others cannot match.
        """
        offsets = offsets if offsets is not None else [0] * len(texts)
        owner, pieces, starts = [], [], []
        could_match = self._could_match
        for k, (text, off) in enumerate(zip(texts, offsets, strict=True)):
            for m in _SENTENCE_RX.finditer(text):
                # The white space a sentence starts with (the space after the previous full stop)
                # is left out: spaCy would make it a token of its own and then take its slow pass
                # for special cases on the sentence (" " is one), and no pattern can match it (each
                # starts with a word). Tokenizing 117,323 sentences took 40% less CPU time.
                sentence = m.group().lstrip().replace("\n", " ")
                if could_match(sentence):
                    owner.append(k)
                    pieces.append(sentence)
                    starts.append(off + m.end() - len(sentence))
        out: list[list[RuleHit]] = [[] for _ in texts]
        for doc, k, start in zip(self.nlp.tokenizer.pipe(pieces, batch_size=256), owner, starts, strict=True):
            lowers = doc.to_array(self._lower_attr).tolist()  # read once for both steps
            feasible = tuple(self._feasible(doc, lowers))
            if not feasible:
                continue
            # One matcher for all the rules that can match here (one pass over the tokens), its
            # matches put back in rule order, as if each rule's matcher had run in turn.
            matches = sorted(self._sentence_matcher(feasible)(doc), key=lambda m: self._rank[m[0]])
            if matches:
                out[k].extend(self._hits(doc, start, matches, lowers))
        # then across the sentences of each text
        return [_settle(hits) if hits else hits for hits in out]

    def _hits(self, doc, offset: int, matches, lowers=None) -> list[RuleHit]:
        if not matches:
            return []
        strings = doc.vocab.strings
        if lowers is None:
            lowers = doc.to_array(self._lower_attr).tolist()
        lower = [strings[h] for h in lowers]  # each token's lower_
        # One hit per rule and place: the longest; overlapping hits of one rule keep the first.
        matches.sort(key=lambda m: (m[1], -(m[2] - m[1])))
        hits = []
        withdrawn: list[RuleHit] = []
        taken: dict[str, int] = {}
        # Words an everyday sense has taken negate or oppose nothing: "the campaign against rogue traders,
        # launched jointly with the police" (see RULES["none: everyday sense"]).
        everyday_words = {i for key, s, e in matches if self.meta[key][1] == EVERYDAY for i in range(s, e)}
        for key, s, e in matches:
            name, option, weight, flags = self.meta[key]
            if s < taken.get(name, -1):
                continue
            taken[name] = e
            if "sentence" in flags:
                # co-occurrence rules: one per sentence
                sent_end = next((k for k in range(e, len(doc)) if lower[k] in {".", "!", "?", ";"}), len(doc))
                taken[name] = max(e, sent_end)
            cstart = _clause_start(lower, s)
            left = lower[cstart:s]
            free = [lower[i] for i in range(cstart, s) if i not in everyday_words] if everyday_words else left
            status, note = "counted", ""
            if "own_negation" not in flags:
                # "despite", "although" and "instead (of)" open a clause of their own, and what they
                # introduce decided nothing ("despite a petition, the council closed the toilets")
                opener = lower[cstart - 1] if cstart else ""
                neg = (opener if opener in ("despite", "although", "though")
                       else "instead of" if opener == "instead" and left[:1] == ["of"]
                       else _negated(_own_verb(free)) or _negated_before_aside(lower, cstart))
                if neg:
                    status, note = "negated", f'after "{neg}"'
                elif left[-2:] == ["used", "to"] and not {"be", "been", "being", "is", "are", "was", "were"} & set(left[-3:-2]):
                    # "the board used to fight the county": no longer ("will be used to bridge" is a purpose)
                    status, note = "negated", 'after "used to"'
                elif dropped := _dropped_before(left):
                    status, note = "negated", f'the plan was "{dropped}"'
                elif lower[e - 1] in RETRACTED and (plan := next(
                        (i for i in range(max(cstart, s - 8), s) if lower[i] in PLAN_WORDS), -1)) >= 0:
                    # "Plans to shut the leisure centre have been scrapped": the plan ended, not the centre;
                    # the plan's words are no cue of their own (the codebook's "shut")
                    status, note = "negated", f'the plan was "{lower[e - 1]}"'
                    withdrawn.append(RuleHit(EVERYDAY, 0.0, EVERYDAY_RULE, doc[plan].idx + offset, doc[s].idx + offset,
                                             doc[plan:s].text, "counted", "a plan withdrawn"))
                else:
                    gone = _retracted(left, lower[e:])
                    if gone >= 0:
                        word = doc[e + gone]
                        status, note = "negated", f'the plan was "{word.lower_}"'
                        # the withdrawal word is no cue of its own ("scrapped" is not an exit here)
                        withdrawn.append(RuleHit(EVERYDAY, 0.0, EVERYDAY_RULE, word.idx + offset,
                                                 word.idx + len(word) + offset, word.text, "counted",
                                                 "a plan withdrawn"))
            if (status == "counted" and option not in ("fight", EVERYDAY) and "own_negation" not in flags
                    and {"not", "never", "n't"} & set(lower[s:e])):
                # "the team will not be disbanded" (a refusal, "does not consent", is the fight itself)
                status, note = "negated", "a negation inside it"
            elif (status == "counted" and option == "adapt" and ("also" in left[-3:] or "also" in lower[s:e])
                  and "sav" in "".join(lower[s:e])):
                # "the joint contract will also save £300,000": a by-product of what the passage is about
                status, note = "negated", 'a by-product ("also")'
            if status == "counted" and "table" in lower[e : e + 8]:
                # "Withdrawing these routes was never on the table"
                tail = lower[e : e + lower[e:].index("table")]
                if {"never", "not", "n't", "off"} & set(tail):
                    status, note = "negated", "never on the table"
            if status == "counted" and option != "fight":
                opp = _opposed(free)
                if opp:
                    status, note = "opposed", f'after "{opp}"'
            if status == "counted":
                hedge = _hedged(left) or _among_options(lower[:s])
                if hedge:
                    status, note = "hypothetical", f'after "{hedge}"'
                elif named := _only_named(left) or _asked(left) or _generic(left):
                    status, note = "hypothetical", f'after "{named}"'
                elif "?" in lower[e:] and QUESTION_WORDS.intersection(lower[:4]):
                    status, note = "hypothetical", "in a question"
            if status == "counted" and option != EVERYDAY and (why := _background(
                    left, (lower[cstart - 2] if cstart > 1 else "", lower[cstart - 1] if cstart else ""))):
                note = f"background, after {why}"  # counted until settled across the passage (_settle)
            span = doc[s:e]
            hits.append(RuleHit(option, weight, name, span.start_char + offset, span.end_char + offset,
                                span.text, status, note))
        if "but" in lower:
            # "Campaigners packed the gallery ..., but full council approved the revised scheme": the
            # decision after "but" is what the sentence reports
            cut = doc[len(lower) - 1 - lower[::-1].index("but")].idx + offset
            if any(h.status == "counted" and h.option != EVERYDAY and h.start > cut for h in hits):
                after = {h.option for h in hits if h.status == "counted" and h.start > cut}
                hits = [h._replace(status="negated", note='before a later "but"')
                        if h.status == "counted" and h.end <= cut and h.option not in after | {EVERYDAY} else h
                        for h in hits]
        hits = _supersede(hits + withdrawn)
        # A rule inside the span of a longer rule of another option is dropped: "gave notice to
        # leave the shared legal service" is about leaving, not about sharing. A rule that
        # overlaps an everyday sense (option "none") is dropped too: "withdrew from the meeting".
        everyday = [(o.start, o.end) for o in hits if o.option == EVERYDAY]
        # (A longer rule that starts before the everyday words and holds them reads them as part of
        # its own phrase, and stays: "the recommendation to accept the proposal ... was lost", "refer
        # the integrated care board's proposal ... to the Secretary of State".)
        return [h for h in hits if h.option == EVERYDAY or not (
            any(s < h.end and h.start < e and not (h.start < s and e <= h.end) for s, e in everyday)
            or any(o.option != h.option and o.start <= h.start and h.end <= o.end
                   and (o.end - o.start) > (h.end - h.start) for o in hits))]
