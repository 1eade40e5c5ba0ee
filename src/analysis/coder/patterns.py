"""The phrase rules' data: the word lists and, for each rule, its option, weight and spaCy
Matcher patterns (``RULES``), read by :mod:`analysis.coder.rules`.

What a rule *says* lives here; how it is matched and judged in its clause (negation,
opposition, hedges, background, a later "but", what the sentences of a passage say of each
other) lives in :mod:`analysis.coder.rules`. Add a phrasing by adding a pattern to its rule
(with a test sentence of your own in ``tests/test_coder.py``); add a word to a list when the
same words serve several rules.

Why this module is over 600 lines: it is data, about 100 word lists and about 120 rules
with their patterns, grown by reading thirteen rounds of blind passages written by others
(``docs/coding.md``).
"""

from __future__ import annotations


def _forms(*stems: str) -> list[str]:
    """Word forms from ``stem/ending/ending`` shorthand: ``"leav/e/es/ing"`` and plain words."""
    out: list[str] = []
    for item in stems:
        if "/" in item:
            stem, *ends = item.split("/")
            out += [stem] + [stem + e for e in ends]  # the bare stem too: "partnership/s"
        else:
            out.append(item)
    return out


# ------------------------------------------------------------------------ vocabularies

ARRANGEMENT = _forms(
    "partnership/s", "arrangement/s", "agreement/s", "membership/s", "consortium", "consortia",
    "venture/s", "committee/s", "post/s", "team/s", "unit/s", "service/s", "company", "companies",
    "alliance/s", "hub/s", "scheme/s", "contract/s", "collaboration/s", "compact/s", "authority",
    "authorities", "board/s", "centre/s", "center/s", "sla", "deal/s", "body", "bodies",
    "trust/s", "function/s", "network/s", "forum/s", "mou", "protocol/s", "secondment/s",
)
EXIT_VERB = _forms(
    "leav/e/es/ing", "left", "quit/s/ting", "exit/s/ed/ing", "withdr/aw/aws/awing/ew/awn",
    "dissolv/e/es/ed/ing", "terminat/e/es/ed/ing", "disband/s/ed/ing", "unpick/s/ed/ing",
    "unwind/s/ing", "unwound", "dismantl/e/es/ed/ing", "abandon/s/ed/ing", "scrap/s/ped/ping",
    "end/s/ed/ing", "axe/s/d", "axing", "ditch/es/ed/ing", "sever/s/ed/ing", "unravel/s/led/ling",
    "liquidat/e/es/ed/ing", "withdrawal",
)
WIND = _forms("wind/s/ing", "wound")
PULL = _forms("pull/s/ed/ing")
BREAK = _forms("break/s/ing", "broke", "broken")
STEP = _forms("step/s/ped/ping", "walk/s/ed/ing", "move/s/d", "moving", "pull/s/ed/ing")
GIVE = _forms("giv/e/es/en/ing", "gave", "serv/e/es/ed/ing", "issu/e/es/ed/ing")
RENEW = _forms("renew/ed/ing/al", "continu/e/ing", "extend/ing", "re-join", "rejoin/ing", "recommission")
NOT = ["not", "n't", "never", "against"]
PASSIVE_END = _forms(
    "dissolved", "terminated", "disbanded", "unpicked", "dismantled", "abandoned", "scrapped",
    "ended", "axed", "ditched", "unwound", "wound", "broken", "end", "cease", "ceased", "ceases",
    "close", "closed", "collapse", "collapsed", "collapses", "fold", "folded", "lapse", "lapsed",
)
EACH_BODY = _forms("council/s", "authority", "authorities", "borough/s", "district/s", "partner/s",
                   "county", "counties", "organisation/s", "party", "parties")
RETURN = _forms("return/s/ed/ing", "revert/s/ed/ing", "transfer/s/red/ring", "go/es/ing", "went",
                "pass/es/ed/ing", "mov/e/es/ed/ing", "com/e/es/ing", "came")
BRING = _forms("bring/s/ing", "brought", "tak/e/es/en/ing", "took", "return/s/ed/ing",
               "insourc/e/ed/ing", "mov/e/es/ed/ing")
HAND = _forms("hand/s/ed/ing", "transfer/s/red/ring", "pass/es/ed/ing", "gift/s/ed/ing",
              "lease/s/d", "leasing", "sell/s/ing", "sold", "devolv/e/es/ed/ing", "offload/s/ed/ing")
COMMUNITY = _forms(
    "volunteer/s", "parish/es", "town", "charity", "charities", "trust/s", "community", "communities",
    "groups", "group", "associations", "association", "friends", "residents", "cic", "club/s",
    "society", "societies", "church/es", "mutual/s", "social",
)
TAKE_OVER = _forms("tak/e/es/en/ing", "took")
CLOSE = _forms("clos/e/es/ed/ing/ure/ures", "shut/s/ting", "scrap/s/ped/ping", "axe/s/d", "axing",
               "discontinu/e/es/ed/ing", "decommission/s/ed/ing", "ceas/e/es/ed/ing", "stop/s/ped/ping",
               "end/s/ed/ing", "abolish/es/ed/ing", "withdr/aw/aws/awing/ew/awn")
WHOLLY = _forms("entirely", "altogether", "completely", "outright", "totally", "wholly", "permanently",
                "fully", "for good")
PROVIDE = _forms("provid/e/es/ed/ing", "run/s/ning", "ran", "fund/s/ed/ing", "operat/e/es/ed/ing",
                 "offer/s/ed/ing", "maintain/s/ed/ing", "staff/s/ed/ing", "deliver/s/ed/ing",
                 "commission/s/ed/ing", "manag/e/es/ed/ing", "support/s/ed/ing", "employ/s/ed/ing",
                 "afford", "pay", "contribut/e/es/ed/ing", "look", "cut", "print/s/ed/ing", "subsidis/e/es/ed/ing")
VOTE = _forms("vot/e/es/ed/ing")
REJECT = _forms("reject/s/ed/ing", "overturn/s/ed/ing", "block/s/ed/ing", "veto/es/ed/ing",
                "defeat/s/ed/ing", "refus/e/es/ed/ing", "refusal", "spurn/s/ed/ing")
PLAN = _forms("plan/s", "proposal/s", "deal/s", "merger/s", "bid/s", "scheme/s", "recommendation/s",
              "offer/s", "business", "case", "arrangement/s", "agreement/s", "terms", "motion/s",
              "reorganisation", "reorganization", "devolution", "budget/s", "option/s", "model",
              "mayor", "settlement/s", "strategy", "strategies", "application/s", "cuts", "cut",
              "closure/s", "changes", "change", "decision/s", "policy", "policies", "combined")
COLLAPSE = _forms("collaps/e/es/ed/ing", "fell", "fall/s/ing", "fallen", "dead", "off", "shelved",
                  "scrapped", "abandoned", "sunk", "foundered", "withdrawn")
SIGN = _forms("back", "sign/s/ed/ing", "accept/s/ed/ing", "agree/s/d/ing", "support", "endorse",
              "implement", "join", "enter", "approve", "take", "set", "go")
LEGAL = _forms("judicial", "pre-action", "injunction/s", "arbitration", "court/s", "tribunal/s", "ombudsman",
               "litigation", "proceedings")
#: Lawyers count only when engaged for a dispute or writing for one: every council has its own
#: solicitors, who advise members on procedure every week.
LAWYERS = _forms("solicitor/s", "lawyer/s", "counsel", "kc", "qc", "barrister/s")
WRITE = _forms("writ/e/es/ing/ten", "wrote", "told", "tell/s/ing", "appeal/s/ed/ing", "petition/s/ed/ing", "complain/s/ed/ing",
               "lobby", "lobbies", "lobbied", "lobbying", "press/es/ed/ing", "urg/e/es/ed/ing",
               "demand/s/ed/ing", "call/s/ed/ing", "ask/s/ed/ing")
TARGET = _forms("minister/s", "secretary", "chancellor", "treasury", "government", "whitehall",
                "department", "dfe", "dluhc", "mhclg", "dclg", "mps", "mp", "prime", "regulator", "commission",
                "inspectorate", "parliament", "home", "commissioner", "pcc")
COMMERCIAL = _forms("commercial", "commercially", "commercialism", "commercialisation", "commercialization",
                    "entrepreneurial", "traded", "trading", "investment", "yield", "dividend/s", "rental")
INCOME = _forms("income/s", "revenue/s", "return/s", "surplus/es", "profit/s", "yield/s", "rent/s", "dividend/s")
TARGETWORD = _forms("target/s", "stream/s", "strategy", "strategies", "portfolio/s",
                    "company", "companies", "arm", "approach", "culture", "generation", "growth", "plan/s")
SHARE = _forms("cost-sharing", "shar/e/es/ed/ing", "joint", "jointly", "together", "combined", "single",
               "merg/e/es/ed/ing", "common")
MONEY = _forms("cost-sharing", "cost-saving", "money-saving", "sav/e/es/ed/ing/ings", "cost/s", "cheaper", "economies", "efficienc/y/ies", "efficient",
               "£")
WITH_WHOM = _forms(
    "residents", "users", "carers", "patients", "families", "parents", "tenants", "people", "communities",
    "community", "charities", "charity", "nhs", "health", "police", "gps", "schools", "partners",
    "businesses", "employers", "colleges", "universities", "university", "traders", "farmers", "us",
    "landowners", "churches", "volunteers", "voluntary", "clubs", "the", "local", "young", "older",
    "service", "staff", "sector", "icb", "groups",
)
DESIGN = _forms("design/s/ed/ing", "co-design/s/ed/ing", "codesign/ed", "plan/s/ned/ning", "develop/s/ed/ing",
                "draw/s/n/ing", "drew", "shap/e/es/ed/ing", "produc/e/es/ed/ing", "run/s/ning", "ran",
                "deliver/s/ed/ing", "decid/e/es/ed/ing", "creat/e/es/ed/ing", "build/s/ing",
                "built", "fund/s/ed/ing", "co-fund/s/ed/ing", "commission/s/ed/ing", "work/s/ed/ing",
                "prepar/e/es/ed/ing", "choose", "chose", "chosen", "choosing", "solve", "writ/e/es/ten/ing",
                "wrote")
BY_WHOM = [w for w in WITH_WHOM if w not in ("the", "local", "service", "staff", "sector", "health", "young", "older")]
#: What an ended arrangement is replaced by or folded into when the end is a wider joining-up.
WIDER = ["joint", "wider", "bigger", "larger", "county-wide", "countywide", "regional", "sub-regional", "multi-agency", "integrated",
         "broader", "region-wide", "pan-county", "system-wide"]
#: Words between "return to the" and the bodies: "the two separate authorities".
_MODIFIERS = ["four", "three", "two", "five", "founding", "original", "individual", "partner", "separate", "respective",
              "constituent"]
PARTIAL = _forms("remain/s/ed/ing", "stay/s/ed/ing", "kept", "keep/s/ing", "continu/e/es/ed/ing")

NEGATORS = {"not", "n't", "never", "no", "none", "without", "nor", "neither", "against", "instead", "nobody"}
NEG_PHRASES = [("rather", "than"), ("instead", "of"), ("refus",), ("declin",), ("ruled", "out"),
               ("rule", "out"), ("avoid",), ("stopped", "short"), ("stop", "short"), ("unwilling",), ("resisted",), ("despite",)]
NEG_EXCEPT = {("not", "only"), ("not", "just"), ("no", "longer"), ("no", "one"), ("not", "least")}
OPPOSERS = _forms("oppos/e/es/ed/ing/ition", "against", "resist/s/ed/ing", "challeng/e/es/ed/ing",
                  "fight/s/ing", "fought", "battl/e/es/ed/ing", "protest/s/ed/ing", "object/s/ed/ing",
                  "objection", "revers/e/es/ed/ing", "halt/s/ed/ing", "condemn/s/ed/ing", "prevent/s/ed/ing",
                  "campaign/s/ed/ing")
STOPPERS = {"stop", "stopping", "block", "blocking", "drop"}  # "to stop X" is opposition, "will stop X" is not
#: Words that put what follows them in the same sentence among possibilities, not decisions
#: ("three options: remain, seek a wider arrangement or bring it back in house"), unless a
#: word of choosing comes between ("of the options, cabinet chose to ...").
OPTIONS = {"options", "alternatives", "scenarios"}
#: "options" after these words names a service ("the housing options team"), not possibilities.
NAMED_OPTIONS = {"housing", "travel", "treatment"}
CHOSEN = set(_forms("chose", "chosen", "choose/s", "agreed", "approved", "selected", "preferred", "decided",
                    "resolved", "adopted", "endorsed", "accepted", "opted", "picked", "recommended"))
#: Words of a passage that reports a decision. In a document that says nothing has been decided
#: yet (a consultation, an options paper), only such passages can give it an option.
#: Past forms and "recommends": "to agree", "will approve" and a "preferred option" decide nothing yet.
DECISION_WORDS = {"agreed", "approved", "resolved", "decided", "voted", "recommends", "recommended", "recommendation",
                  "recommendations", "endorsed", "adopted", "selected", "chose", "chosen", "opted", "confirmed",
                  "accepted"}
#: Words a question opens with (among a sentence's first four, after "Q:" or the like): a cue in
#: such a sentence ending in "?" asks, and decides nothing. "In 2013, I think?" is no question.
QUESTION_WORDS = {"how", "what", "why", "when", "where", "who", "which", "whether", "is", "are", "do", "does",
                  "did", "can", "could", "should", "would", "will", "has", "have", "was", "were", "shall"}
#: Withdrawing one's own plan before it: "withdrew the borough's application to become a member".
WITHDREW = {"withdrew", "withdraw", "withdraws", "withdrawing"}
#: What a cue is named in when a meeting only hears about it ("a presentation on the
#: performance of the shared waste partnership"): nothing is decided there.
INFO_NOUNS = set(_forms("presentation/s", "update/s", "briefing/s", "talk/s", "seminar/s", "workshop/s",
                        "webinar/s", "discussion/s", "debate/s", "question/s", "guidance"))
#: Nouns that name what they are "of" without doing it: "the future of the shared legal
#: service", "the review of the council's shared services".
NAMED_OF = {"future", "review", "audit", "scope", "evaluation", "inspection"}
ABOUT = {"on", "about", "regarding", "concerning"}
#: A plan, bid or motion whose action is withdrawn afterwards ("the bid to pull out of the
#: partnership has been dropped") did not happen: the words of the plan, then of its end.
PLAN_WORDS = set(_forms("plan/s", "proposal/s", "bid/s", "motion/s", "idea/s", "threat/s", "move/s",
                        "attempt/s", "recommendation/s", "call/s", "proposition/s", "intention/s",
                        "amendment/s", "application/s", "request/s"))
RETRACTED = set(_forms("dropped", "shelved", "scrapped", "abandoned", "defeated", "rejected", "withdrawn",
                       "paused", "halted", "fell", "failed", "lost", "ditched", "overturned", "vetoed", "collapsed",
                       "deferred", "postponed"))
HEDGES = _forms("whether", "if", "rumour/s", "rumor/s", "alleg/e/es/ed/ing", "claim/s/ed/ing",
                "could", "might", "should", "wish", "wishing", "options", "possibility", "speculation", "defer/s/red/ring",
                "postpon/e/es/ed/ing", "encourag/e/es/ed/ing")
#: Words by which a meeting records its decision: "agreed that ... should ..." is that decision,
#: not a hedge.
DECIDED = {"agreed", "resolved", "decided", "determined"}
#: Whom a body asks to act for it: "asked the chair to write to the minister" is its decision.
OWN_PEOPLE = {"chair", "chairman", "officer", "officers", "chief", "executive", "director", "directors", "clerk",
              "head", "manager", "managers", "monitoring", "leader", "mayor"}
#: Words that say what someone wants of another ("wants the council to fight", "urged him to
#: drop the cut", "calls on the council to give notice"): what follows their "to" is asked, not done.
ASKERS = set(_forms("want/s/ed", "urg/e/es/ed/ing", "ask/s/ed/ing", "call/s/ed/ing",
                    "expect/s/ed", "press/es/ed/ing", "encourag/e/es/ed/ing"))
CLAUSE_WORDS = {"but", "however", "instead", "whereas", "although", "though", "while", "yet", "despite",
                "after", "because", "since", "which", "who", "so", "then", "meaning"}
CLAUSE_PUNCT = {",", ";", ":", ".", "!", "?", "(", ")", "\u2013", "\u2014", "-", '"', "\u201c", "\u201d"}

_COUNTS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
           *[str(i) for i in range(1, 50)]]
ANY = {"IS_PUNCT": False, "OP": "{0,5}"}
#: What a challenge is made against (with a determiner before it: "challenged the decision").
CONTESTED = PLAN + TARGET + _forms("allocation/s", "formula", "cap", "ruling", "order", "figures", "assumptions",
                                   "charges", "levy", "lawfulness", "legality", "award", "review", "consultation",
                                   "reduction/s", "judgement/s", "judgment/s", "rating/s", "finding/s", "verdict/s", "recharge/s")
DETERMINER = ["the", "this", "that", "these", "those", "its", "their", "his", "her", "our", "any", "every"]
GAP3 = {"IS_PUNCT": False, "OP": "{0,3}"}
#: The option of the rule for the everyday sense of option words: no option.
EVERYDAY = "none"
EVERYDAY_RULE = "none: everyday sense"
NOTHING_DECIDED = "none: nothing decided yet"
#: The rule that leaves or ends an arrangement (a document that reports it as a decision is exit,
#: however much of it tells how the arrangement saved money).
ENDS_ARRANGEMENT = "exit: leave/end + arrangement"
#: (rule, which earlier hits it overrides, the note they get): an ending followed by its
#: replacement with a wider joint arrangement is joining up ("wound up and replaced by a
#: county-wide joint authority"); handing a service over while working alongside the group is
#: collaborate ("will pass to the Friends, but a council ranger will work alongside them"); a
#: building that closes while its service goes on elsewhere is adapt ("the centre will close and
#: its members will be moved to the Castle Fields site"). Within a passage, across its sentences.
SUPERSEDES = (
    ("collaborate: into a wider arrangement", lambda h: h.option == "exit", "replaced by a wider arrangement"),
    ("collaborate: designed with others", lambda h: h.rule == "exit: handed to the community",
     "handed over but working alongside"),
    ("adapt: service continues", lambda h: h.option == "exit" and any(w in h.text.lower() for w in ("clos", "shut")),
     "the building closes, the service goes on"),
)
_FEWER = ["fewer", "less", "reduced", "smaller", "lower", "no"]
#: A gap of up to three words none of which says "fewer": "with fewer staff" is not "with staff".
_FEWER_GAP3 = {"IS_PUNCT": False, "LOWER": {"NOT_IN": _FEWER}, "OP": "{0,3}"}
#: services "delivered under contracts with an NHS trust" are bought, not designed with anyone
_NO_CONTRACT_GAP3 = {"IS_PUNCT": False, "LOWER": {"NOT_IN": ["contract", "contracts", "contracted", "licence", "lease",
                                                             "leases", "tender", "tendered"]}, "OP": "{0,3}"}
GAP8 = {"IS_PUNCT": False, "OP": "{0,8}"}
#: money put "into" a shared fund is pooled with others, not shared to save
_NOT_POOLED_GAP8 = {"IS_PUNCT": False, "LOWER": {"NOT_IN": ["pooled", "pooling", "pool", "pools", "into", "fund", "funds",
                                                            "funded", "funding", "spend", "spending"]}, "OP": "{0,8}"}


def _in(words) -> dict:
    return {"LOWER": {"IN": list(words)}}


def _opt(words) -> dict:
    return {"LOWER": {"IN": list(words)}, "OP": "?"}


def _w(word: str) -> dict:
    return {"LOWER": word}


# ------------------------------------------------------------------------------- rules
# Each rule: name -> (option, weight, patterns, flags). flags: "own_negation" means the
# negation is part of the pattern, so the clause check for negation is skipped.

RULES: dict[str, tuple] = {
    # exit: ending or leaving an arrangement
    ENDS_ARRANGEMENT: ("exit", 3.0, [
        [_in(EXIT_VERB), _opt(["from", "of", "out", "up", "its", "their", "the"]), ANY, _in(ARRANGEMENT)],
        [_in(WIND), _in(["up", "down"]), ANY, _in(ARRANGEMENT + ["llp", "ltd", "limited", "cic"])],
        [_in(PULL), _in(["out", "the"]), _opt(["plug", "of"]), ANY, _in(ARRANGEMENT)],
        [_in(BREAK), _in(["up", "away"]), _opt(["from", "the", "its"]), ANY, _in(ARRANGEMENT)],
        [_in(STEP), _in(["away", "out"]), _w("from"), ANY, _in(ARRANGEMENT)],
        [_in(["opt", "opts", "opted", "opting"]), _w("out"), _w("of"), ANY, _in(ARRANGEMENT)],
        [_in(GIVE), _w("notice"), GAP8, _in(ARRANGEMENT)],
        [_in(GIVE), {"LOWER": {"IN": ["formal", "the", "its", "required", "twelve", "months", "months'", "'", "six",
                                       "a", "one", "two", "three", "18", "12", "6", "year", "years", "year's",
                                       "full", "written", "\u2019"]}, "OP": "{0,4}"}, _w("notice")],
        [_w("notice"), _w("has"), _w("been"), _in(["served", "given"])],
        [_in(["notice", "intention"]), _w("to"), _in(["leave", "withdraw", "quit", "exit", "terminate", "end"])],
    ], ()),
    "exit: arrangement + ended": ("exit", 3.0, [
        [_in(ARRANGEMENT), GAP3, _in(["is", "are", "was", "were", "be", "been", "being", "has", "have", "will",
                                      "to", "would", "had"]),
         _opt(["be", "being", "been", "to"]), _opt(["formally", "quietly", "finally", "now", "simply"]),
         _in(PASSIVE_END)],
        [_in(ARRANGEMENT), _in(PASSIVE_END)],
        # a clause between commas before the verb: "the shared management arrangement, credited
        # with saving £3m since 2013, will end in June"
        [_in(ARRANGEMENT), ANY, {"ORTH": ","}, {"IS_PUNCT": False, "OP": "{1,12}"}, {"ORTH": ","},
         _in(["is", "are", "was", "were", "will", "has", "have", "had", "would"]), _opt(["be", "being", "been", "to"]),
         _opt(["formally", "quietly", "finally", "now", "simply"]), _in(PASSIVE_END)],
        [_w("into"), _opt(["members'", "members", "creditors'", "creditors", "voluntary", "compulsory"]), _opt(["'"]),
         _opt(["voluntary", "compulsory"]), _in(["liquidation", "administration"])],
        # the company itself, so that "trading company" inside the match is not read as commercial
        [_opt(["trading", "housing", "energy", "property", "development", "investment", "commercial",
               "wholly-owned"]), _in(["company", "companies", "arm", "venture", "ltd", "limited", "subsidiary"]),
         GAP3, _w("into"), _opt(["members'", "members", "creditors'", "creditors", "voluntary", "compulsory"]),
         _opt(["'"]), _opt(["voluntary", "compulsory"]), _in(["liquidation", "administration"])],
        [_in(BRING), GAP8, _w("to"), _in(["an", "a"]), _in(["end", "close", "halt"])],
        [_in(ARRANGEMENT), GAP3, _in(["being", "be", "been", "is", "was", "will", "to", "would"]), _in(WIND + PULL + BREAK),
         _in(["up", "down", "apart"])],
    ], ()),
    "exit: not renewed": ("exit", 3.0, [
        [_in(NOT), _opt(["to", "be"]), _in(RENEW)],
        [_w("no"), _in(["plans", "plan", "intention"]), _w("to"), _in(RENEW)],
        [_in(["decided", "decide", "decides", "agreed", "resolved", "chose"]), _w("against"), _in(RENEW)],
        [_in(["non-renewal", "nonrenewal"])],
        [_w("not"), _w("be"), _in(["renewing", "continuing", "renewed", "continued", "extended"])],
        [_w("funding"), _w("was"), _w("not"), _w("renewed")],
    ], ("own_negation",)),
    "exit: services return to each body": ("exit", 3.0, [
        [_in([w for w in RETURN if w[:2] not in ("go", "we", "pa", "mo", "co", "ca")]), _opt(["back"]), _w("to"),
         _in(["each", "the", "their", "its"]), _opt(_MODIFIERS), _opt(_MODIFIERS),
         _in(EACH_BODY + ["employers", "employer"])],
        [_in([w for w in RETURN if w[:2] in ("go", "we", "pa", "mo", "co", "ca")]), _w("back"), _w("to"),
         _in(["each", "the", "their", "its"]), _opt(_MODIFIERS), _opt(_MODIFIERS),
         _in(EACH_BODY + ["employers", "employer"])],
        [_in(BRING + RETURN + ["back"]), ANY, _opt(["back"]), _w("in"), _opt(["-"]), _w("house")],
        [_in(BRING + RETURN + ["back"]), ANY, _opt(["back"]), _w("in-house")],
        [_in(["provided", "delivered", "run", "brought"]), _opt(["back"]), _w("in-house"), _in(["from", "again", "once"])],
        [_w("back"), _w("in"), _opt(["-"]), _w("house")],
        [_in(["make", "makes", "making", "made"]), _in(["its", "their"]), _w("own"),
         _in(["arrangements", "arrangement", "provision"])],
        [_w("each"), _opt(["council", "authority", "borough", "district", "partner", "organisation"]),
         _in(["went", "goes", "go", "going", "gone", "returned", "reverted"]), _opt(["back"]), _w("to"),
         {"IS_PUNCT": False, "OP": "{0,2}"}, _in(["its", "their"]), _w("own")],
        [_in(["let", "run", "provided", "delivered", "managed", "done", "handled"]), _w("by"), GAP3, _w("own"),
         {"IS_PUNCT": False, "OP": "{0,2}"}, _in(["team", "teams", "staff", "officers", "workforce", "employees"])],
        [_w("back"), _w("under"), _in(["direct", "its", "council", "our"]), _opt(["own"]), _w("control")],
        # "each authority commissions its own services", not "each council sets its own policy"
        [_w("each"), _opt(["council", "authority", "borough", "district", "partner", "partners", "organisation"]),
         _opt(["will", "would", "to", "now", "must", "then", "was", "were", "is", "are"]), _opt(["again", "once"]),
         _opt(["again"]),
         _in(["run", "runs", "provide", "provides", "commission", "commissions", "deliver", "delivers", "employ",
              "employs", "procure", "procures", "operate", "operates", "appoint", "appoints", "recruit", "recruits",
              "manage", "manages", "return", "returns", "resume", "resumes", "take", "takes", "have", "has",
              "running", "providing", "commissioning", "delivering", "employing", "procuring", "operating",
              "appointing", "recruiting", "managing", "returning", "resuming", "taking", "having"]),
         _opt(["back", "on", "for"]), _in(["its", "their"]), _w("own")],
        [_in(["stand", "stands", "standing", "stood", "go", "goes", "going", "went"]), _opt(["it"]), _w("alone")],
        [_in(["go", "goes", "going", "went", "gone"]), _w("their"), _w("separate"), _w("ways")],
        # "separate the two councils' teams again", "run separately": not "their separate teams"
        [_in(["run", "runs", "ran", "operate", "operates", "re-establish", "re-establishes", "re-establishing",
              "establish", "establishes", "set", "create", "creates", "recruit", "recruits", "have", "has", "employ",
              "employs", "form", "forms", "rebuild", "restore", "restores", "keep", "keeps"]), _opt(["up"]),
         _opt(["a", "its", "their", "two", "our", "own"]), _w("separate"), GAP3,
         _in(["teams", "team", "services", "service", "functions", "function", "departments", "department", "posts",
              "units", "unit", "arrangements"])],
        [_w("separate"), _in(["the", "their", "our"]), _opt(["two", "three", "four"]), _opt(["councils", "councils'"]),
         _opt(["'"]), GAP3, _in(["teams", "team", "services", "service", "functions", "function", "posts", "roles"])],
        [_in(["run", "runs", "operate", "operates", "operated", "work", "works", "managed", "organised",
              "provided", "delivered", "go", "going"]), _opt(["entirely", "completely"]), _w("separately")],
        [_in(["stand", "stands", "standing", "stood"]), _w("on"), _in(["its", "their", "our"]), _w("own"),
         _opt(["two"]), _w("feet")],
        [_in(["recruit", "appoint", "appointing", "re-establish", "re-establishing", "reestablish", "resume",
              "resuming", "manage", "run", "runs", "provide"]),
         GAP3, _in(["its", "their"]), _w("own")],
        # "set up its own team again", not "set its own policy"
        [_in(["set", "setting", "sets"]), _w("up"), GAP3, _in(["its", "their"]), _w("own")],
        [_w("on"), _in(["its", "their", "our"]), _w("own"), _in([".", ",", ";", "again", "instead", "from"])],
        [_in(["split", "splitting"]), _w("the"), _opt(["shared", "joint"]), _in(ARRANGEMENT)],
    ], ()),
    "exit: staff transferred back": ("exit", 3.0, [
        # "34 officers transferring back" to the force or the council: the function comes home
        [_in(["officers", "staff", "employees", "posts", "workers", "colleagues"]), GAP3,
         _in(["transferring", "transfer", "transfers", "transferred", "returning", "return", "returned"]), _w("back")],
    ], ()),
    "exit: handed to the community": ("exit", 3.0, [
        [_in(HAND), GAP8, _opt(["and"]), GAP3, _w("to"), GAP3, _in(COMMUNITY)],
        [_w("no"), _w("further"), _in(["role", "involvement", "part", "responsibility", "stake"])],
        [_in(TAKE_OVER), _w("over"), _w("by"), GAP3, _in(COMMUNITY)],
        [_in(["run", "ran", "managed", "staffed", "operated", "maintained"]), _opt(["entirely", "wholly", "solely"]),
         _w("by"), GAP3, _in(["volunteers", "volunteer", "residents", "community", "parish", "friends", "charity", "trust"])],
        [_in(["volunteer-run", "community-run"])],
        [_in(["asset", "assets"]), _in(["transfer", "transfers", "transferred"])],
        [_in(COMMUNITY), GAP3, _in(["took", "take", "takes", "taken", "taking"]), _opt(["them", "it", "on"]),
         _w("over")],
        [_w("will"), _w("pass"), _w("to"), GAP3, _in(COMMUNITY)],
        [_in(["divest", "divests", "divested", "divestment"])],
        [_in(["stepping", "step", "steps", "stepped"]), _w("back"), _w("from")],
    ], ()),
    "exit: no longer provides": ("exit", 3.0, [
        [_in(["provide", "give", "offer"]), _w("no"), _opt(["further"]),
         _in(["funding", "staff", "support", "money", "grant"])],
        [_w("no"), _w("longer"), _opt(["be", "able", "to"]), _opt(["to", "able"]), _opt(["afford", "to"]),
         _opt(["to"]), _in(PROVIDE)],
        # "will no longer second officers to the safeguarding hub"
        [_w("no"), _w("longer"), _in(["second", "seconds", "send", "sends", "contribute", "contributes"]), GAP3,
         _in(["officers", "staff", "officer", "posts", "to"])],
        [_in(["stop", "stops", "stopped", "stopping", "cease", "ceases", "ceased", "ceasing"]), _opt(["to"]),
         _in(PROVIDE)],
        [_in(CLOSE), ANY, _in(WHOLLY)],
        [_in(WHOLLY), _in(CLOSE)],
        [_in(CLOSE), _opt(["down"]), _in(["all", "every", "its", "the", "their"]), GAP3, _in(["service", "services", "centres", "centers", "clubs", "libraries", "homes",
         "home", "offices", "scheme", "team", "unit", "department", "facility", "facilities", "provision",
         "centre", "center", "stations", "branches", "sites", "funding", "grants", "toilets", "contribution", "contributions",
         "subsidy", "support"])],
        [_in(["closing", "closed", "shut", "axed", "scrapped"]), _w("down")],
        [_w("section"), _w("114")],
        [_in(["disappeared", "vanished", "gone"]), ANY, _in(["altogether", "entirely", "completely"])],
        [_w("decommission"), ANY],
    ], ()),
    "exit: service stopped for good": ("exit", 3.0, [
        [_in(["switch", "switched", "switching", "turn", "turned", "turning"]), _opt(["the", "it", "them"]), GAP3,
         _w("off"), _opt(["for"]), _in(["good", "permanently"])],
        # "the youth service just went."; "we were coming out of the LGA"; "shared HR ... ended"
        [_in(["service", "services", "team", "centre", "centres", "scheme", "department"]),
         _opt(["just", "simply", "completely", "all"]), _w("went"), {"IS_PUNCT": True}],
        [_in(["come", "comes", "coming", "came"]), _w("out"), _w("of"), ANY,
         _in(ARRANGEMENT + ["lga", "association", "network"])],
        [_in(["shared", "joint"]), ANY, _in(["ended", "finished", "stopped", "ceased"])],
        [_in(["collection", "collections", "service", "services", "scheme", "schemes", "grant", "grants", "funding",
              "subsidy", "subsidies"]), GAP3, _in(["will", "to", "would", "is", "are", "was", "were", "has", "have"]),
         _opt(["be", "been"]), _in(["stop", "end", "cease", "stopped", "ended", "ceased", "scrapped", "withdrawn"]),
         _opt(["for"]), _in(["good", "altogether", "completely", "entirely", "permanently"])],
        [_in(["issue", "issued", "issues", "issuing", "served", "serve"]), _opt(["a", "an", "its", "the"]), GAP3,
         _in(["notice", "report"]), GAP3, _w("section"), _w("114")],
        [_w("section"), _w("114"), _in(["notice", "notices", "report"])],
    ], ()),
    "exit: councils abolished": ("exit", 3.0, [
        [_in(["abolish", "abolished", "abolishing", "abolition", "cease"]),
         ANY, _in(["unitary", "council", "councils", "authority", "districts", "exist"])],
        [_in(["council", "authority", "councils", "districts"]), _in(["would", "will", "is", "are", "was", "were"]),
         _opt(["be", "been", "to"]), _opt(["be"]), _w("abolished")],
        [_in(["council", "authority"]), {"ORTH": ","}, {"IS_PUNCT": False, "OP": "{1,14}"}, {"ORTH": ","},
         _in(["will", "is", "was", "has"]), _opt(["be", "been", "to"]), _opt(["be"]), _w("abolished")],
        # "replaced by one council", not "replaced by a county-wide joint waste authority"
        [_in(["replaced", "replace", "replacing"]), ANY, _in(["unitary", "council", "councils", "districts"])],
        [_w("new"), _opt(["single"]), _w("unitary"), _opt(["council", "authority"])],
        [_w("single"), _w("unitary")],
    ], ()),
    "exit: application withdrawn": ("exit", 3.0, [
        [_in(["withdraw", "withdrawn", "withdrew", "withdraws", "abandon", "abandoned", "abandons", "dropped",
              "drop", "drops", "pulled"]), _opt(["its", "their", "the", "our", "this", "an", "a", "his", "her"]),
         _opt(["formal", "membership", "outstanding"]), _in(["application", "bid", "request"])],
    ], ()),
    # adapt: commercial and cost language, partial reductions
    "adapt: commercial": ("adapt", 3.0, [
        [_in(["introduce", "introduces", "introduced", "introducing"]), _opt(["a", "an"]), _opt(["new"]),
         _in(["charge", "charges", "fee", "fees", "contribution", "contributions", "levy"])],
        [_in(["charged", "charge", "charging", "charges"]), _w("at"), _w("£")],
        [_in(["transfer", "transferred", "transfers", "move", "moved"]), _w("to"),
         {"LOWER": {"NOT_IN": ["the", "council", "councils", "authority", "its", "their", "our"]}, "OP": "{1,3}"},
         _w("under"), _w("tupe")],
        [_in(["paid-for", "chargeable", "invest-to-save"])],
        [_in(["bring", "brings", "bringing", "brought"]), _w("in"), _opt(["an", "a", "around", "about"]),
         _opt(["extra", "estimated", "additional"]), _opt(["£"]), {"LIKE_NUM": True}],
        [_w("pay"), _in(["its", "their", "our"]), _opt(["own"]), _w("way")],
        [_w("will"), _w("cost"), {"IS_PUNCT": False, "OP": "{1,2}"}, _w("to"), _in(["use", "enter", "visit", "park"])],
        [_in(["rise", "rises", "rising", "increase", "increases", "go"]), _opt(["up"]), _w("from"), _w("£"),
         {"LIKE_NUM": True}, _w("to"), _w("£"), {"LIKE_NUM": True}],
        [_in(COMMERCIAL), _opt(["property", "waste", "services", "income", "and"]), _in(TARGETWORD + INCOME +
         ["property", "waste", "business", "businesses", "services", "ventures", "venture", "activities", "council",
          "authority", "mindset"])],
        [_in(["income", "revenue"]), _in(["target", "targets", "generation", "stream", "streams", "strategy"])],
        [_in(["generate", "generates", "generating", "raise", "raising", "raises", "bring", "bringing", "brought",
              "brings", "earn", "earning", "earned", "produce", "producing"]), GAP8, _in(INCOME + ["money", "cash"])],
        [_in(["wholly-owned", "arm's-length", "arms-length", "housing", "energy", "trading", "traded", "property",
              "development", "investment"]),
         _opt(["-"]), _opt(["owned", "length"]), _in(["company", "companies", "arm"])],
        [_in(["deliver", "delivers", "delivering", "bring", "brings", "return", "returns", "returned",
              "make", "makes", "made"]), _opt(["an", "a"]), _opt(["estimated", "extra", "additional", "annual"]),
         _opt(["£"]), {"LIKE_NUM": True}, GAP3, _in(["income", "revenue", "profit", "profits", "surplus", "dividend"])],
        [_in(["wholly", "arm"]), _opt(["-"]), _in(["owned", "length", "'s"]), GAP3, _in(["company", "companies"])],
        [_w("entrepreneurial")],
        [_in(["invest", "invests", "invested", "investing", "buy", "buying", "bought", "purchase", "purchased"]),
         GAP3, _in(["property", "properties", "retail", "parks", "portfolio", "shopping", "office"])],
        [_in(["fees", "charges", "charge", "charging"]), _opt(["and"]), _opt(["charges", "for"])],
        [_in(["prices", "price", "fees", "charges", "fares", "rents"]), GAP8,
         _in(["rise", "rises", "rising", "rose", "increase", "increased", "increases", "increasing", "up"])],
        [_in(["sell", "sells", "selling", "sold"]), GAP3, _in(["services", "power", "expertise"]), _w("to")],
        [_in(["raise", "raised", "raising", "raises", "increase", "increased", "increasing", "increases"]),
         _opt(DETERMINER), GAP3, _in(["prices", "price", "fees", "charges", "rents", "fares", "tariffs"])],
        # "will no longer be collected free of charge": a new charge
        [_w("no"), _w("longer"), {"IS_PUNCT": False, "OP": "{0,3}"}, _w("free"), _opt(["of"]),
         _opt(["charge", "charges"])],
        [_in(["rise", "rises", "increase", "increases", "hike", "hikes"]), _w("in"), _opt(["the"]),
         _in(["price", "prices", "fee", "fees", "charge", "charges", "rent", "rents", "fares", "cost"]), _w("of")],
        [_in(["parking", "prices", "fees", "charges", "rents", "fares", "tariffs"]), {"IS_PUNCT": False, "OP": "{0,10}"},
         _in(["go", "goes", "going", "went"]), _w("up")],
        [_in(["self-sufficient", "self-financing", "self-funding"])],
    ], ()),
    "adapt: savings and redesign": ("adapt", 2.0, [
        [_in(["redesign", "redesigned", "redesigning", "review", "restructure", "restructured", "restructuring",
              "reshape", "reshaping", "transformation", "streamline", "streamlining", "lean"]), GAP8,
         _in(["cost", "costs", "saving", "savings", "save", "saves", "cheaper", "spending", "spend", "efficiencies"])],
        [_in(["save", "saves", "saving", "saved", "savings"]), _opt(["of", "around", "about", "an", "estimated",
         "more", "than", "up", "to"]), _opt(["£", "around", "about", "than"]), {"LIKE_NUM": True}],
        [_in(["save", "saves", "saving", "saved"]), GAP3, _opt(["£"]), {"LIKE_NUM": True},
         _in(["m", "million", "k", "bn", "billion", "a", "per", "over", "each", "in", "."])],
        [_in(["save", "saves", "saving", "saved", "savings"]), _in(["an", "a", "some", "roughly", "nearly", "almost"]),
         _opt(["estimated", "expected", "projected", "further", "additional", "extra", "annual", "predicted",
               "forecast", "total"]), _opt(["£"]), {"LIKE_NUM": True}],
        [_opt(["£"]), {"LIKE_NUM": True}, _opt(["m", "million", "k", "bn", "billion", "a", "per"]),
         _opt(["year", "annum"]), _in(["saving", "savings"])],
        [_in(["achieved", "achieve", "achieves", "delivered", "deliver", "delivers", "realised", "realized",
              "identified", "found", "met"]), _opt(["the", "its", "a", "their", "an", "our"]), GAP3,
         _in(["saving", "savings", "efficiencies"])],
        [_in(["savings", "efficiency", "efficiencies"]), _opt(["target", "targets", "programme", "programmes",
         "plan", "plans"])],
        [_in(["eligibility", "criteria", "hours", "frequency", "assessment", "contribution", "contributions",
              "budget", "budgets", "grant", "grants", "subsidy", "subsidies", "funding"]), GAP8,
         _opt(["be", "been", "being"]), _in(["tightened", "reduced", "cut", "restricted", "narrowed"])],
        [_in(["tighten", "tightened", "tightening", "tightens", "change", "changed", "changing", "changes", "revise",
              "revised", "revising", "revises", "raises",
              "raise", "raised", "raising"]), _opt(["the", "our", "its", "their"]),
         _in(["eligibility", "threshold", "thresholds", "criteria"])],
        [_in(["reduce", "reduces", "reduced", "reducing", "cut", "cuts", "cutting"]), _w("the"), _w("number"), _w("of")],
        [_in(["slimmed-down", "scaled-back", "pared-back", "scaled-down", "stripped-back", "cut-down"]),
         _opt(["version", "service", "services"])],
        [_in(["slimmed", "scaled", "pared", "stripped"]), _in(["down", "back"])],
        [_in(["fortnightly", "three-weekly", "four-weekly", "monthly"]), GAP3,
         _in(["collection", "collections", "bin", "bins", "service", "visits"])],
        [_w("economies"), _w("of"), _w("scale")],
        [_in(["shave", "shaves", "shaved", "knock", "knocks", "knocked", "trim", "trims", "trimmed"]), {"OP": "{0,3}"},
         _w("off")],
        [_in(["shrink", "shrinks", "shrank", "shrunk"]), _w("from"), {"LIKE_NUM": True}, _opt(["posts", "staff", "fte"]),
         _w("to"), {"LIKE_NUM": True}],
        [_in(["disposal", "disposals", "asset"]), _in(["programme", "programmes", "sales"])],
        [_in(["sell", "sells", "selling", "sold"]), _opt(["off"]), GAP3,
         _in(["assets", "sites", "land", "buildings", "properties", "stake", "shares", "offices", "car"])],
        [_in(["cut", "cuts", "reduced", "reduce", "reducing", "trimmed", "trim", "trimming", "shrank", "shrunk"]), GAP3, _w("by"),
         _opt(["about", "around", "nearly", "almost", "roughly", "over", "more", "than"]), _opt(["than"]),
         _in(["a", "one", "half", "two", "three"]), _in(["third", "quarter", "fifth", "half", "thirds", "quarters"])],
        # "the revised contract reduces the annual fee by £2.6m"
        [_in(["reduces", "reduce", "reduced", "reducing", "cuts", "cut", "lowers", "lowered"]), _w("the"),
         _opt(["annual", "yearly", "contract", "overall"]), _in(["fee", "fees", "price", "cost", "costs", "charge", "bill"]),
         _w("by"), _w("£")],
        # fewer opening days: "opens Tuesday to Friday rather than six days a week"
        [_w("rather"), _w("than"), _in(_COUNTS), _in(["days", "mornings", "evenings"])],
        # tighter eligibility: "only groups with a turnover below £100,000 will now be eligible"
        [_w("only"), {"IS_PUNCT": False, "OP": "{1,10}"}, _w("now"), _w("be"), _w("eligible")],
        [_in(["tenders", "tender", "bids"]), _w("from"), GAP3,
         _in(["contractors", "providers", "operators", "suppliers", "companies", "firms"])],
        [_in(["award", "awarded", "awarding", "awards", "let"]), _opt(["the", "a"]), GAP3,
         _in(["contract", "contracts", "tender"]), _w("to"), {"IS_PUNCT": False, "OP": "{1,4}"},
         _in(["ltd", "ltd.", "limited", "plc", "plc.", "llp"])],
        [_in(["cut", "cuts", "cutting", "trim", "trims", "trimmed", "shave", "shaves", "shaved", "take", "takes",
              "took", "remove", "removes", "removed"]), _opt(["£"]), {"LIKE_NUM": True},
         _opt(["m", "million", "k", "bn", "billion"]), _in(["from", "out"])],
        [_w("only"), _opt(["be"]), _in(["provide", "provides", "provided", "offer", "offers", "offered", "fund",
                                         "funds", "funded"]), GAP8, _in(["to", "for"])],
        [_w("from"), _in(["daily", "weekly", "fortnightly", "monthly"]), _w("to"),
         _in(["weekly", "fortnightly", "three-weekly", "four-weekly", "monthly", "quarterly", "termly", "annual"])],
        [_in(["close", "closing", "closes", "bridge", "bridging", "plug", "plugging", "fill", "filling"]),
         _opt(["a", "an", "the", "its", "this"]), ANY, _in(["gap", "shortfall", "deficit"])],
        [_in(["reduc", "reduce", "reduces", "reduced", "reducing", "reduction", "reductions", "cut", "cuts",
              "cutting", "tighten", "tightened", "tightening", "delete", "deleting", "deleted", "loss"]),
         {"IS_PUNCT": False, "OP": "{0,4}"}, _in(["hours", "eligibility", "frequency", "posts", "tiers",
              "costs", "cost", "criteria", "packages", "spend", "spending", "staffing", "opening", "contribution",
              "contributions", "grant", "grants", "subsidy", "subsidies", "funding", "budget", "budgets"])],
        [_in(["vacancy"]), _in(["freeze"])],
        [_in(["accepted", "accept", "accepts", "accepting"]), _w("the"), _opt(["government's", "final", "new"]),
         _in(["settlement", "reduction", "reductions", "cut", "cuts"])],
        # "support workers will fall from 54 to 37"
        [_in(["staff", "posts", "workers", "officers", "employees", "fte", "headcount", "centres", "libraries",
              "hours", "sites", "branches", "routes", "buses", "wardens", "pcsos", "contribution", "contributions",
              "grant", "subsidy", "pot"]), GAP3,
         _in(["fall", "falls", "fell", "drop", "drops", "dropped", "reduce", "reduced", "cut"]), _w("from"), _opt(["£"]),
         {"LIKE_NUM": True}, _w("to"), _opt(["£"]), {"LIKE_NUM": True}],
        [_in(["reduce", "reduced", "reducing", "cut", "cutting"]), GAP3, _w("from"), {"LIKE_NUM": True}, _w("to"),
         {"LIKE_NUM": True}],
        [_in(["organised", "reorganised", "grouped", "regrouped", "brought", "moved"]), _w("into"), GAP3,
         _in(["hubs", "hub", "localities", "clusters"])],
        [_in(["consolidate", "consolidated", "consolidating", "consolidation", "rationalise", "rationalised",
              "rationalising", "rationalisation"])],
        [_in(["limited", "restricted", "confined"]), _w("to"), GAP8,
         _in(["substantial", "critical", "eligible", "highest", "greatest"])],
        [_in(["team", "teams", "unit", "service"]), GAP3, _opt(["is", "are", "will", "was", "were"]), _opt(["be"]),
         _in(["folded", "merged", "absorbed"]), _w("into"), _opt(["a", "the"]), _w("new")],
        [_in(["teams", "team", "departments", "services", "functions", "directorates", "offices"]), GAP3,
         _opt(["be", "been", "being", "were", "are", "will", "was", "is"]), _opt(["be", "been"]),
         _in(["merged", "combined", "amalgamated"])],
        [_in(["reduce", "reduces", "reduced", "reducing", "cut", "cuts", "cutting"]), _w("the"),
         _in(["establishment", "headcount", "workforce"])],
        [_in(["redesign", "redesigned", "redesigning", "remodel", "remodelled", "remodelling"]),
         _opt(["its", "their", "the", "our"]), GAP3,
         _in(["network", "service", "services", "offer", "model", "provision", "routes", "pathway", "pathways"])],
        [_in(["lower", "reduced", "cheaper", "smaller"]), _opt(["running", "operating", "unit", "overall"]),
         _in(["cost", "costs"])],
        [_in(["provide", "provides", "offer", "offers", "deliver", "delivers", "run", "runs"]), _w("the"), _w("same"),
         _in(["service", "services", "support", "care", "sessions"])],
        [_in(["halved", "halve", "halving", "trimmed", "frozen"])],
        [_in(["cheaper", "lower-cost", "low-cost", "reduced", "slimmer"]), _in(["membership", "option", "model", "contract",
              "provider", "tier", "version", "package", "offer", "subscription"])],
        [_in(["revised", "new", "different", "alternative", "leaner"]), _in(["operating", "delivery"]),
         _in(["model", "models"])],
        [_in(["run", "operated", "managed", "provided", "delivered"]), _w("by"), _opt(["a", "an"]),
         _in(["private", "external", "commercial", "independent"]), GAP3,
         _in(["operator", "company", "provider", "contractor", "firm", "partner", "business"])],
        [_in(["weekends", "weekdays", "mornings", "afternoons", "evenings", "term-time", "appointment"]), _w("only")],
        [_in(["offered", "offer", "given"]), _opt(["a", "alternative"]), _in(["places", "place", "alternatives"]),
         _in(["at", "in", "elsewhere"])],
        [_in(["avoided", "avoiding", "avoidance"]), GAP3, _in(["cost", "costs", "spend", "spending"])],
        [_w("cost"), _in(["avoidance", "avoided"])],
        [_in(["restricted", "limited", "reduced", "cut", "confined"]), _w("to"), _opt(["weekday", "two", "three", "four"]),
         _in(["weekday", "weekdays", "mornings", "afternoons", "evenings", "days", "weekends", "term-time", "appointments"])],
        # "run it with fewer staff and shorter hours": less of the same, not doing it with others
        [_w("with"), _in(_FEWER), _opt(["paid", "permanent", "full-time"]),
         _in(["staff", "staffing", "officers", "posts", "people", "hours", "money", "funding", "resources"])],
        [_in(["shorter", "reduced", "fewer"]), _opt(["opening"]), _in(["hours", "days"])],
        [_w("voluntary"), _in(["redundancy", "redundancies"])],
        [_in(HAND + ["contract", "contracted", "contracting", "let", "lets", "letting"]), GAP8, _w("to"), GAP3,
         _in(["operator", "provider", "providers", "contractor", "firm", "company", "supplier", "sector"])],
        [_in(["outsource", "outsourced", "outsourcing", "retender", "retendered", "renegotiate", "renegotiated",
              "renegotiating"])],
        # an operator running it under contract is outsourcing, whoever the operator is
        [_w("management"), _in(["contract", "contracts", "agreement", "agreements"])],
        [_in(["do", "doing"]), _w("more"), _w("with"), _w("less")],
        [_in(["live", "living", "lives"]), _w("within"), GAP3, _w("means")],
    ], ()),
    "adapt: shared to save": ("adapt", 3.0, [
        # money pooled together is collaboration, not sharing to save: "together pooled £420,000"
        [_in([w for w in SHARE if w not in ("combined", "joint")]), _NOT_POOLED_GAP8, _in(MONEY)],
        # "by running our benefits service jointly with Kelsey Borough, we have cut its running costs"
        [_in(["jointly", "shared", "together"]), _w("with"), GAP3,
         _in(["borough", "district", "council", "councils", "county", "dc", "bc"]), {"OP": "{0,12}"}, _in(MONEY)],
        # "combined budgets", not "a combined authority with a £30m fund" nor "the joint committee's reserve"
        [_in(["combined", "joint"]), {"LOWER": {"NOT_IN": ["authority", "authorities", "authority's", "committee",
                                                          "committees", "committee's", "board", "boards", "budget",
                                                          "budgets", "fund", "pot"]}},
         _NOT_POOLED_GAP8, _in(MONEY)],
        [_in(MONEY), _NOT_POOLED_GAP8, _in(["shared", "sharing", "share", "joint", "jointly"])],
        # "our three schools will share a single site manager and one finance team"
        [_in(["share", "shares", "sharing"]), _opt(["a"]), _in(["single", "one"]), _opt(["site", "finance", "business"]),
         _in(["manager", "managers", "team", "head", "bursar", "director", "office", "management"])],
    ], ("sentence",)),
    "adapt: service continues": ("adapt", 2.0, [
        [_in(PARTIAL), _in(["open", "in", "running", "available"])],
        [_in(["remain", "remains", "stay", "stays"]), _w("open")],
        [_in(["service", "services", "it"]), GAP3, _in(["would", "will", "to"]), _w("continue")],
        # "two of its three libraries", not "four of the nine members present"
        [_in(_COUNTS), _w("of"), _in(["its", "the", "their"]), _in(_COUNTS), {"IS_PUNCT": False, "OP": "{0,2}"},
         _in(["libraries", "centres", "sites", "branches", "offices", "depots", "hubs", "pools", "stations", "homes",
              "services", "routes", "buildings", "museums", "toilets", "parks", "halls", "clinics", "beds"])],
        [_in(["one", "two", "three", "four", "five", "six", "1", "2", "3", "4", "5", "6"]), _w("days"),
         _in(["a", "per", "each"]),
         _w("week")],
        # "with all face-to-face services continuing from the library"; "close the desk while keeping a phone line"
        [_in(["service", "services"]), _opt(["will", "has", "have"]), _in(["carry", "carries", "carrying", "carried"]),
         _w("on")],
        [_in(["service", "services", "provision"]), _in(["continuing", "continue", "continues"]),
         _in(["from", "at", "in", "online", "by", "to"])],
        [_in(["while", "whilst"]), _in(["keeping", "retaining", "maintaining", "protecting"])],
        [_in(["handled", "dealt", "done", "accessed", "delivered", "provided", "offered", "move", "moved", "moving"]),
         _opt(["with"]), _w("online")],
        [_w("online"), _w("only")],
        [_w("opening"), _opt(["hours"]), _in(["reduced", "cut", "hours"])],
        [_w("still"), _w("be"), _w("able"), _w("to")],
        [_in(["shut", "shuts", "close", "closes", "closed"]), _w("on"),
         _in(["mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays", "weekends"])],
        [_in(["close", "closes", "finish", "finishes", "shut", "shuts", "end", "ends"]), _w("at"),
         {"IS_PUNCT": False, "OP": "{1,2}"}, _in(["rather", "instead"]), _in(["than", "of"])],
        [_w("every"), _in(["two", "three", "four", "2", "3", "4"]), _in(["hours", "weeks"]), _in(["rather", "instead"]),
         _in(["than", "of"])],
        # the counter closes, the service moves: "enquiries moving to the central library"
        [_in(["moving", "move", "moves", "moved", "relocating", "relocate", "relocated", "transferring"]),
         _opt(["it", "them", "everyone", "staff"]), _in(["to", "into"]),
         _opt(["the", "a", "our"]), GAP3, _in(["library", "libraries", "hub", "hubs", "centre", "office", "offices",
                                             "site", "building", "hall"])],
    ], ()),
    "adapt: merger of teams": ("adapt", 3.0, [
        # "brings the youth service, Troubled Families team and outreach workers together under one head"
        [_in(["brings", "bring", "brought", "bringing"]), {"OP": "{0,12}"},
         _in(["teams", "team", "workers", "services", "departments"]), _w("together"), _w("under"), _w("one")],
        # "brings the management teams and depots together": one team, not working with others
        [_in(["bring", "brings", "brought", "bringing", "put", "puts", "putting"]), _opt(["the", "their", "its", "our"]),
         _opt(["two", "three", "four", "councils'", "separate"]), _opt(["'"]), GAP3,
         _in(["teams", "team", "management", "departments", "depots", "functions", "services", "offices"]),
         GAP3, _w("together")],
        [_in(["merg", "merge", "merges", "merged", "merging", "merger", "combine", "combined", "combining"]),
         GAP3, _in(["teams", "team", "departments", "department", "functions", "function", "management",
                    "offices", "services", "directorates", "posts", "roles"])],
        [_in(["share", "shares", "shared", "sharing"]), _opt(["a", "one", "the"]), _opt(["single", "joint"]),
         _in(["chief", "head", "director", "finance", "management", "manager", "team", "back", "legal",
              "hr", "ict", "payroll", "revenues", "building", "planning", "waste", "fleet"])],
        [_in(["share", "shares", "shared", "sharing"]), _opt(["a", "one", "the"]), _opt(["single", "joint"]),
         {"ORTH": "IT"}],
        [_in(["remain", "remains", "stay"]), _w("separate")],
        [_w("keeps"), _in(["its", "their"]), _w("own")],
        [_w("each"), _in(["keeps", "retains", "kept", "retained", "guarded", "guards"])],
    ], ()),
    # fight: votes, refusals, collapse, legal, lobbying
    "fight: voted down": ("fight", 3.0, [
        [_in(VOTE), _opt(["by", "unanimously", "overwhelmingly"]), GAP3, _in(["against", "down"])],
        # "voted to reject", never "voted to approve": after "to" the verb must say no
        [_in(VOTE), _opt(["by", "unanimously", "overwhelmingly"]), GAP3, _w("to"),
         _in(["reject", "block", "oppose", "scrap", "refuse", "resist", "challenge", "overturn", "veto"])],
        [_in(VOTE), _w("not"), _w("to")],
        [_in(["threw", "throw", "throws", "thrown", "throwing"]), _opt(DETERMINER), GAP3, _in(PLAN), _w("out")],
        [_w("not"), _opt(["to"]), _in(["endorse", "support", "accept", "approve", "back", "sign"]), _opt(DETERMINER), GAP3,
         _in(["deal", "deals", "proposal", "proposals", "merger", "offer", "order", "devolution", "scheme", "option",
              "options", "plan", "plans", "consolidation", "closure", "reconfiguration"])],
        [_in(["trigger", "triggered", "triggering", "invoke", "invoked", "invoking", "lodge", "lodged", "raise",
              "raised"]), _opt(["a", "the", "its", "formal"]), _opt(["formal"]), _in(["dispute", "disputes"])],
        # "the recommendation to accept the proposal was put to the vote and was lost"
        [_in(["accept", "approve", "endorse", "support", "join", "adopt"]), _opt(["the", "a", "this", "that", "its"]),
         GAP3, _in(["proposal", "proposals", "deal", "merger", "offer", "scheme", "devolution", "bid"]),
         {"IS_PUNCT": False, "OP": "{0,12}"}, _in(["was", "were"]), _opt(["heavily", "narrowly", "decisively", "comfortably"]),
         _in(["lost", "defeated", "rejected", "overturned"])],
        [_in(REJECT), _opt(["to"]), _opt(SIGN), ANY, _in(PLAN)],
        [_in(["threw", "throw", "throws", "thrown", "turned", "turn", "turns"]), _opt(["it", "them", "this", "that"]),
         _in(["out", "down"])],
        [_in(["refus", "refuse", "refused", "refuses", "refusing", "refusal", "declined", "decline"]), _w("to"),
         {"LOWER": {"NOT_IN": ["provide", "offer", "grant", "award", "allow", "fund", "reimburse", "refund",
                               "consider", "pay"]}}],
        [_in(["refus", "refuse", "refused", "refuses", "refusing", "refusal"]), _w("to"), _w("pay"),
         _in(["the", "its", "any"]), _in(["levy", "levies", "precept", "contribution", "subscription", "charge"])],
        [_w("not"), _w("be"), _in(["bullied", "forced", "pushed", "railroaded"])],
        # refusing to carry out what government requires
        [_in(["not", "refuse", "refused", "refuses", "refusing", "decline", "declined", "declines"]), _opt(["to"]),
         _opt(["be"]), _in(["implement", "implementing", "comply", "complying", "enforce", "enforcing", "carry"])],
    ], ("own_negation",)),
    "fight: deal collapsed": ("fight", 3.0, [
        [_in([w for w in PLAN if w not in ("budget", "budgets", "cut", "cuts")] + ["talks", "devolution", "authority"]),
         GAP3, _in(["is", "was", "has", "have", "had", "were"]), _opt(["been", "now"]), _in(COLLAPSE)],
        [_in([w for w in PLAN if w not in ("budget", "budgets", "cut", "cuts")] + ["talks", "authority"]),
         _in(["collapsed", "collapses", "fell", "foundered"])],
        [_in(PLAN + ["talks", "authority"]), GAP8, _in(["collapsed", "foundered"])],
        [_in(["fell", "falls", "fallen", "fall"]), _in(["apart", "over", "through"])],
        [_in(["broke", "broken", "breaks"]), _w("down")],
    ], ()),
    "fight: legal action": ("fight", 3.0, [
        [_in(LEGAL)],
        [_in(["instructed", "instruct", "instructs", "instructing", "hired", "hire", "engaged", "retained",
              "appointed"]), GAP3, _in(LAWYERS)],
        [_in(LAWYERS), _opt(["'s", "'"]), _in(["letter", "letters", "acting", "wrote", "have", "has", "warned"])],
        [_w("legal"), _in(["letter", "letters", "challenge", "challenges", "action", "case", "proceedings",
                           "grounds"])],
        # withholding consent from what others propose ("does not give its consent to the draft Order")
        [_in(["not", "withhold", "withheld", "withholds", "withholding", "refuse", "refused", "refuses", "refusing"]),
         _opt(["be"]), _opt(["give", "given", "giving", "to"]), _opt(["its", "their", "our", "the"]), _w("consent")],
        [_in(["go", "going", "take", "taking", "took"]), GAP3, _w("to"), _w("court")],
        [_in(["issue", "issued", "issuing", "launch", "launched"]), GAP3, _in(["proceedings", "claim"])],
        [_w("call"), _w("in")],
        [_in(["refer", "referred", "referral"]), GAP8, _in(["secretary", "minister", "independent"])],
        # a scrutiny referral of someone else's decision: the decision inside is theirs, not an exit
        [_in(["refer", "referred", "referral"]), GAP8, GAP8, _w("to"), _opt(["the"]), _in(["secretary", "minister"])],
    ], ()),
    "fight: lobbying and protest": ("fight", 3.0, [
        # "sets a budget that dares ministers to step in"
        [_in(["dare", "dares", "dared", "daring"]), _opt(["the"]), _in(TARGET)],
        # a petition by its count: "we have already collected 14,000 signatures"
        [_in(["collected", "gathered", "collecting", "gathering", "handed", "delivered"]), _opt(["over", "in"]), GAP3,
         _in(["signatures"])],
        # "a letter ... opposing the proposed downgrade of the maternity unit"
        [_in(["opposing", "oppose", "opposes", "objecting"]), _opt(["to"]), _in(["the", "this", "these"]),
         _in(["proposed", "planned"]), _in(["downgrade", "downgrading", "closure", "closures", "cut", "cuts", "merger",
                                          "reduction", "removal", "relocation", "transfer", "withdrawal"])],
        # a coalition formed to resist ("formed an alliance to oppose the county's bid")
        [_in(["formed", "form", "forms", "forming", "created", "launched", "set"]), _opt(["up"]), _opt(["a", "an"]), GAP3,
         _in(["alliance", "coalition", "group", "front", "campaign"]), _w("to"),
         _in(["oppose", "resist", "fight", "challenge", "block", "stop", "campaign", "lobby"])],
        [_in(WRITE), _opt(["to", "on", "upon"]), _opt(["the", "all", "every", "local"]), _opt(["local", "prime"]),
         _in(TARGET)],
        [_in(["representations", "objection", "objections", "petition", "petitions",
              "lobbying", "lobbied", "protest", "protests", "marched", "campaign", "campaigns",
              "campaigned", "campaigning", "campaigners", "resist", "resisted", "resisting", "resistance",
              "defiant", "condemn", "condemned", "condemning", "oppose", "opposed", "opposes", "opposing",
              "opposition", "fight", "fought", "fighting", "battling", "battle", "objected", "fairer", "restored",
              "reinstated"])],
        # "reverse the cuts", not "the decision was reversed" (the council changing its own mind)
        [_in(["restore", "restoring", "reinstate", "reinstating"]), _opt(DETERMINER), {"IS_PUNCT": False, "OP": "{0,2}"},
         _in(["grant", "grants", "funding", "budget", "money", "allocation", "subsidy"])],
        [_in(["reverse", "reversed", "reversing", "reverses"]), _in(DETERMINER), {"IS_PUNCT": False, "OP": "{0,2}"},
         _in(CONTESTED + ["cuts", "cut", "closure", "closures", "decision", "decisions"])],
        # Words that council writing mostly uses for something else count only with what they act on:
        # "the challenges facing us", "a challenging budget", "demand for services", "Newcastle United",
        # "the object of the board", "a contested role" and "health representation" are not opposition.
        [_in(["challenge", "challenged", "challenging"]), _in(DETERMINER), {"IS_PUNCT": False, "OP": "{0,2}"},
         _in(CONTESTED)],
        [_in(["contest", "contested", "contesting", "contests"]), _opt(DETERMINER), {"OP": "{0,4}"},
         _in(CONTESTED)],
        [_in(["challenge", "challenges"]), _w("against")],
        [_in(["demand", "demands", "demanded", "demanding"]), _in(["that", "a", "an", "urgent", "answers", "action",
                                                                    "fairer", "fair", "assurances", "guarantees"])],
        [_w("united"), _in(["in", "against", "behind", "front"])],
        [_in(["object", "objects", "objecting"]), _w("to")],
        [_in(["letter", "letters", "case", "evidence", "submission", "response"]), GAP3, _w("to"), _opt(["the"]),
         _in(TARGET)],
        [_in(["presented", "present", "presenting", "put", "submitted", "made", "making", "took", "taken", "sent",
              "send", "sends", "sending"]), GAP8,
         _w("to"), _opt(["the", "senior"]), _in(TARGET + ["civil", "officials"])],
        [_in(["make", "made", "making", "press", "pressing", "argue", "argued", "arguing"]), GAP3,
         _in(["case", "representations"])],
        [_in(["press", "presses", "pressed", "pressing", "argue", "argues", "argued", "arguing", "lobby", "lobbied"]),
         _opt(["hard", "strongly"]), _w("for")],
        [_in(["written", "wrote", "write", "writes", "writing"]), _opt(["jointly", "together"]), _w("to"),
         {"IS_PUNCT": False, "OP": "{0,4}"}, _in(TARGET + ["inspector"])],
        [_in(["present", "presented", "presenting", "state", "stated", "put", "putting"]), GAP3, _w("case")],
        # the council's own formal objection ("submitted a formal objection to the Inspectorate")
        [_in(["submitted", "submit", "submits", "lodged", "lodge", "lodges", "registered", "register"]),
         _opt(["a", "an", "its", "their", "the", "our"]), _opt(["formal", "strong", "strongest", "robust", "detailed"]),
         _in(["objection", "objections"])],
    ], ()),
    # Not an option: the everyday sense of an option's words in council papers. A hit of this
    # rule counts for nothing, but it takes the words it covers: another rule's hit overlapping
    # it is dropped (PhraseRules._hits), and so is a codebook phrase (RuleCoder.analyse, which
    # then leaves the hit itself out of the evidence).
    "none: everyday sense": (EVERYDAY, 0.0, [
        # the name of a scrutiny committee: "the joint health overview and scrutiny committee"
        [_w("joint"), _opt(["health"]), _in(["overview", "scrutiny", "hosc", "oscs", "osc"])],
        # information campaigns are not opposition
        [_in(["awareness", "recruitment", "marketing", "advertising", "information", "publicity", "poster",
              "communications", "communication", "vaccination", "immunisation", "health", "recycling", "safety",
              "fundraising", "media", "promotional", "behaviour", "education", "educational", "litter"]),
         _in(["campaign", "campaigns"])],
        [_in(["campaign", "campaigns"]), {"IS_PUNCT": False, "LOWER": {"NOT_IN": ["against", "for", "over", "on"]},
                                         "OP": "{0,3}"},
         _w("to"), _in(["encourage", "promote", "raise", "inform", "recruit", "help",
                                                       "get", "increase", "boost", "attract", "educate", "persuade",
                                                       "highlight", "remind", "celebrate", "welcome", "improve"])],
        # meeting procedure is not leaving or ending anything
        [_in(["withdrew", "withdraw", "withdraws", "withdrawn", "withdrawing", "left", "leave", "leaves",
              "leaving", "exited"]), _opt(["from"]), _opt(["the"]),
         _in(["meeting", "room", "chamber", "debate", "discussion", "item", "agenda", "vote", "voting"])],
        [_in(["withdrew", "withdraw", "withdraws", "withdrawn"]), _opt(["the", "his", "her", "their", "its", "this"]),
         _in(["question", "questions", "amendment", "remark", "remarks", "comment", "comments", "motion", "item"])],
        [_in(["meeting", "meetings", "item", "session", "debate", "discussion"]), _opt(["was", "were", "is"]),
         _in(["closed", "ended", "ends", "closes", "adjourned", "withdrawn"])],
        [_in(["closed", "closes", "ended", "ends", "adjourned", "opened"]), _w("the"), _in(["meeting", "session", "debate"])],
        [_w("leaving"), _in(["aside", "us", "them", "residents", "people", "councils", "families", "it"])],
        # the public's objections in the planning and licensing system are not the council's
        [_in(["objection", "objections", "representations"]), GAP3,
         _opt(["planning", "licensing", "premises"]),
         _in(["application", "applications", "permission", "consent", "licence", "license", "variation"])],
        [_in(["planning", "licensing"]), _in(["objection", "objections", "representations"])],
        # "the gap left by cuts" is a shortfall, not anyone leaving
        [_in(["gap", "hole", "shortfall", "void"]), _w("left")],
        # people leaving their jobs, services ending a year, temporary closures
        [_in(["executive", "director", "officer", "manager", "leader", "chair", "chairman", "clerk", "head",
              "councillor", "mayor"]), _opt(["is", "was", "will", "has"]), _opt(["be"]),
         _in(["leaving", "left", "leaves", "retiring", "retired", "retires"])],
        [_in(["service", "services", "council", "authority", "partnership", "scheme", "team", "board"]),
         _in(["ended", "ends", "finished", "closed", "closes"]), _w("the"),
         _in(["year", "quarter", "month", "period", "week", "day", "financial"])],
        [_w("temporarily"), _in(["closed", "close", "closes", "closing", "closure", "suspended"])],
        # the opposition as a party in the chamber, not opposition to something
        [_w("opposition"), _in(["said", "says", "claimed", "claims", "argued", "argues", "wanted", "wants", "asked",
                                "liberal", "labour", "conservative", "conservatives", "tories", "tory", "green",
                                "greens", "independent", "independents", "lib", "reform",
                                "group", "groups", "party", "parties", "leader", "leaders", "councillor",
                                "councillors", "member", "members", "spokesperson", "spokesman", "spokeswoman",
                                "benches", "bench", "whip", "motion", "amendment"])],
        # the NHS body's name is not the council working with it, nor a statutory partnership's
        [_w("integrated"), _w("care"), _in(["board", "boards", "system", "systems", "partnership", "partnerships"])],
        [_w("community"), _in(["foundation", "foundations"])],
        [_w("is"), _w("a"), _w("unitary"), _in(["authority", "council"])],
        [_in(["his", "her"]), _in(["vote", "votes"]), _w("against")],
        [_w("together"), _opt(["the", "these", "both"]), _in(["measures", "changes", "savings", "steps", "actions"])],
        # ending the separate contracts that one joint contract replaces
        [_in(["ending", "ended", "end", "ends"]), GAP3, _w("separate"), _in(["contracts", "arrangements", "services"])],
        [_in(["sets", "set", "setting"]), _in(["its", "their"]), _w("own"), _in(["charge", "precept", "council"])],
        [_in(["relationship", "relationships", "relations"]), ANY, _in(["broken", "broke", "breaking"]), _w("down")],
        [_in(["collaboration", "collaborative"]), _in(["board", "boards", "committee", "forum", "group"])],
        [_w("free"), _w("of"), _in(["charge", "charges"])],
        # campaigns against crime and nuisances are no opposition to a policy
        [_in(["campaign", "campaigns", "campaigning", "fight", "fighting", "battle"]), _w("against"), _opt(["the"]),
         _opt(["rogue", "doorstep", "online", "illegal", "knife", "hate", "county", "dog", "anti-social",
               "antisocial", "modern", "domestic", "food", "holiday"]),
         _in(["traders", "scams", "scammers", "fraud", "crime", "crimes", "fly-tipping", "flytipping", "litter",
              "littering", "dumping", "drugs", "violence", "abuse", "loneliness", "obesity", "smoking", "vaping",
              "speeding", "graffiti", "behaviour", "racism", "bullying", "exploitation", "trafficking", "fouling",
              "lines", "slavery", "waste", "hunger"])],
        # a building's name ("Farley Court") is no court of law
        [{"IS_TITLE": True, "LOWER": {"NOT_IN": ["high", "supreme", "crown", "county", "magistrates", "appeal",
                                                  "administrative", "royal", "family", "coroner's", "european"]}},
         {"LOWER": "court", "IS_TITLE": True}],
        # another body's fees are not the council charging; procedure sends results to ministers
        [_in(["consortium", "partnership", "provider", "contractor", "company", "operator", "supplier", "service"]),
         _in(["'s", "\u2019s"]), _in(["fees", "fee", "charges", "charge", "prices"])],
        [_in(["results", "responses", "findings", "outcome", "proposal", "proposals"]), GAP3,
         _in(["sent", "submitted", "passed", "forwarded", "reported"]), _w("to"), _w("the"), _w("secretary")],
        # "leaving the offer in limbo", "to leave governance unchanged"
        [_in(["leave", "leaves", "leaving", "left"]), GAP8, _w("in"), _opt(["the"]), _in(["limbo", "doubt", "lurch"])],
        [_in(["leave", "leaves", "leaving", "left"]), GAP3, _in(["unchanged", "untouched", "intact", "alone"])],
        [_w("community"), _w("safety"), _in(["partnership", "partnerships"])],
        [_w("local"), _w("enterprise"), _in(["partnership", "partnerships"])],
        [_opt(["shared", "joint"]), _opt(["service", "services"]), _in(["partnership", "partnerships"]),
         _in(["manager", "officer", "coordinator", "co-ordinator", "lead", "administrator"])],
        [_w("integrated"), _w("risk"), _w("management")],
        [_in(["shared", "joint"]), _in(["service", "services"]), _in(["board", "boards", "committee", "committees"])],
        # a wish to work together is not working together; adapting a form is not adapting
        [_in(["keen", "happy", "willing", "open", "eager", "ready"]), _w("to"),
         _in(["collaborate", "cooperate", "co-operate", "explore", "discuss", "talk", "work", "working"])],
        [_in(["adapt", "adapting", "adapted", "adapts"]), _opt(["the", "its", "our", "a", "this", "last", "year's"]),
         GAP3, _in(["template", "templates", "form", "forms", "guidance", "document", "documents", "toolkit",
                    "wording", "format", "questionnaire", "website", "leaflet"])],
        # fire crews fight fires; roads and car parks have exits; the auditor's standard phrase
        [_in(["fought", "fight", "fighting", "fights", "tackled", "tackling"]), _opt(["the", "a"]),
         _in(["fire", "fires", "blaze", "blazes", "flames", "wildfire"])],
        [_in(["exit", "exits", "entrance"]), _in(["from", "to", "of", "onto"]), _opt(["the"]), GAP3,
         _in(["car", "park", "road", "junction", "roundabout", "motorway", "building", "station", "site", "lane"])],
        [_in(["road", "lane", "street", "motorway", "junction", "station", "emergency", "fire"]), _in(["exit", "exits"])],
        [_in(["closed", "close", "closes", "closing", "closure", "shut"]), GAP8, _in(["while", "whilst", "during"]),
         GAP3, _in(["resurface", "resurfacing", "repairs", "works", "roadworks", "maintenance", "refurbishment"])],
        # a contract's clauses are named, not used; the Secretary of State acting is not the council
        # lobbying; a parade leaves the square
        [_in(["termination", "break", "exit"]), _in(["clause", "clauses", "provision", "provisions"])],
        # a vote, motion or amendment that "was lost" was defeated: nothing left anything
        [_in(["vote", "motion", "amendment", "recommendation", "resolution"]), _opt(["and"]), _in(["was", "were"]),
         _w("lost")],
        [_w("secretary"), _w("of"), _w("state"), _in(["has", "had", "have", "is", "was", "will", "invited", "invites",
              "announced", "approved", "confirmed", "decided", "said", "says", "published", "laid", "issued",
              "granted", "made", "set", "wants", "expects"])],
        [_in(["leave", "leaves", "leaving", "left"]), _opt(["from"]), _w("the"), _opt(["market", "town", "village"]),
         _in(["square", "station", "depot", "building", "site", "premises", "hospital", "school"])],
        [_w("economy"), _opt([","]), _w("efficiency"), _opt([","]), _w("and"), _w("effectiveness")],
        [_in(["road", "roads", "lane", "street", "bridge"]), _in(["closure", "closures", "closed", "closes"])],
        [_w("exit"), _in(["payment", "payments", "package", "packages", "fee", "fees", "charge", "charges", "cap",
                          "interview", "interviews", "survey"])],
        # "together with the appendices" is "and", "energy efficiency" a building's
        [_w("together"), _w("with"), _opt(["the", "its", "their", "a", "an", "any", "all"]),
         _in(["appendix", "appendices", "annex", "annexes", "report", "reports", "minutes", "papers", "action",
              "accounts", "documents", "figures", "notes", "letter", "comments", "covering", "attached"])],
        [_in(["energy", "fuel", "thermal"]), _in(["efficiency", "efficient"])],
        # "declined to comment" refuses nothing; "at the end of the contract" and "when the lease expires"
        # say when, not that anything is ended; "our share of the costs" is a portion, not sharing;
        # "together they cost £1.9m" is a sum, not joint working
        [_in(["declined", "declines", "declining", "refused", "refuses", "refusing"]), _w("to"),
         _in(["say", "comment", "confirm", "answer", "disclose", "reveal", "speculate", "elaborate", "discuss",
              "respond", "name", "specify", "expand", "explain", "give"])],
        [_in(["at", "by", "before", "until", "till", "towards", "toward", "near", "after"]), _w("the"), _w("end"), _w("of")],
        [_in(["prepare", "prepares", "preparing", "prepared", "preparation", "preparations", "ready", "planning"]),
         _w("for"), _w("the"), _w("end"), _w("of")],
        [_in(["when", "until", "once", "before", "after"]), _opt(["the", "its", "their", "our", "this"]),
         _opt(["current", "existing", "present", "original"]),
         _in(["contract", "contracts", "agreement", "agreements", "lease", "leases", "term", "licence"]),
         _in(["ends", "end", "ended", "expires", "expire", "expired", "runs", "lapses"])],
        [_in(["a", "its", "our", "their", "his", "her", "the", "each", "every", "equal", "'s", "’s"]), _w("share"), _w("of")],
        [_w("together"), _opt([","]), _in(["they", "these", "those", "the"]), {"IS_PUNCT": False, "OP": "{0,2}"},
         _in(["cost", "costs", "account", "employ", "employs", "welcome", "welcomed", "serve", "attract", "receive",
              "spend", "spent", "hold", "cover", "total"])],
        [_in(["closed", "close", "closes", "closing", "closure"]), _w("for"),
         _in(["resurfacing", "repairs", "repair", "works", "maintenance", "refurbishment", "renovation", "cleaning",
              "redecoration", "training", "lunch", "christmas", "easter"])],
    ], ()),
    # A passage that says nothing has been decided yet (a consultation, an options paper, an FOI
    # reply): its other cues are set aside (see _nothing_decided).
    NOTHING_DECIDED: (EVERYDAY, 0.0, [
        [_w("no"), _opt(["final", "formal"]), _in(["decision", "decisions", "recommendation", "recommendations"]), ANY,
         _in(["has", "have", "will"]), _opt(["yet"]), _w("been"), _in(["made", "taken", "reached", "published", "agreed"])],
        [_w("committed"), _w("to"), _w("none")],
        [_w("a"), _in(["recommendation", "decision"]), _w("will"), _w("be"), _in(["brought", "made", "taken", "reported"])],
        [_w("no"), _in(["decision", "decisions", "recommendation", "recommendations"]), _in(["is", "are"]),
         _opt(["being"]), _in(["sought", "made", "taken", "required"])],
        [_w("never"), _in(["put", "brought", "taken"]), _w("to"), _opt(["a", "the"]), _in(["vote", "cabinet", "council"])],
        [_w("no"), _opt(["final", "formal"]), _in(["decision", "decisions"]), _in(["has", "have", "will"]), _opt(["yet"]),
         _w("be"), _in(["made", "taken", "reached"])],
        [_w("none"), _w("of"), _in(["which", "these", "them"]), _in(["has", "have"]), _opt(["yet"]), _w("been"),
         _in(["decided", "agreed", "chosen", "taken"])],
        [_w("nothing"), _in(["has", "will"]), _opt(["yet"]), _in(["been", "be"]), _w("decided")],
        [_w("before"), _w("any"), _in(["decision", "decisions"]), _in(["is", "are"]), _in(["made", "taken"])],
        # "the committee is not being asked to make a decision"; "no decision on its future"; "a preferred
        # option will be brought for decision on 4 March"; "the decision has been deferred"
        [_in(["not", "n't"]), _opt(["being"]), _w("asked"), _w("to"), _in(["make", "take", "reach"]),
         _in(["a", "any"]), _in(["decision", "decisions"])],
        [_w("no"), _opt(["final", "formal"]), _in(["decision", "decisions"]), _in(["on", "about", "over", "yet"])],
        [_in(["brought", "presented", "submitted", "returned", "return", "returns", "come", "comes", "back"]),
         {"IS_PUNCT": False, "OP": "{0,4}"}, _w("for"), _opt(["a", "final"]), _w("decision"),
         _in(["on", "in", "at", "by", "next", "later"])],
        # "a full options paper will be brought to the November meeting for decision."
        [_in(["brought", "presented", "submitted", "returned", "return", "returns", "come", "comes", "back"]),
         {"IS_PUNCT": False, "OP": "{0,4}"}, _w("for"), _opt(["a", "final"]), _w("decision"), {"IS_PUNCT": True}],
        # an audit plan sets out what will be reviewed, not what is decided
        [_opt(["internal", "external", "annual"]), _w("audit"), _in(["plan", "plans"])],
        # a paper put "for noting" or "For: Information / noting"; a committee that will "publish its
        # report in the spring" has not concluded yet
        [_w("for"), _w("noting")],
        [_w("for"), _w(":"), _w("information")],
        [_w("for"), _w("information"), _in(["only", "/", "and"]), _opt(["/"]), _opt(["noting"])],
        [_in(["publish", "make", "present"]), _in(["its", "their"]), _opt(["final", "full"]),
         _in(["report", "findings", "recommendations", "conclusions"]), _in(["in", "later", "by", "next", "after", "once",
                                                                            "when"])],
        [_in(["decision", "decisions", "vote"]), GAP8, _in(["has", "have", "was", "were", "is", "been"]),
         _opt(["been"]), _in(["deferred", "postponed", "delayed"])],
        [_w("no"), _w("such"), _in(["proposal", "proposals", "plan", "plans"])],
        # "has made no decision to leave", "there is no proposal before the committee to withdraw"
        [_in(["made", "taken", "reached"]), _w("no"), _in(["decision", "decisions"])],
        [_in(["is", "was", "are", "were"]), _w("no"), _in(["proposal", "proposals"]), {"IS_PUNCT": False, "OP": "{0,10}"},
         _w("to")],
        [_in(["not", "n't"]), _opt(["yet"]), _in(["made", "reached", "taken"]), _opt(["a", "any"]),
         _in(["recommendation", "decision", "decisions"])],
        [_in(["not", "n't"]), _opt(["yet"]), _w("committed"), _w("to"), _in(["any", "either"])],
        [_w("not"), _w("yet"), _w("decided")],
        # "no option had yet been chosen"
        [_w("no"), _opt(["single", "preferred", "particular"]), _in(["option", "options", "choice", "approach", "model"]),
         _in(["has", "had", "have"]), _opt(["yet"]), _w("been"), _in(["chosen", "selected", "agreed", "picked", "decided",
                                                                     "settled", "endorsed"])],
        [_w("no"), _in(["decision", "decisions"]), {"IS_PUNCT": True}],
        [_w("never"), _in(["went", "got", "came"]), _w("further")],
        # "all options remain on the table"; "I don't know yet"; "has not picked one yet"
        [_opt(["all"]), _w("options"), _in(["remain", "remains", "are", "stay"]), _opt(["firmly", "still"]),
         _in(["on", "open"])],
        [_in(["not", "n't"]), _w("know"), _w("yet")],
        [_in(["not", "n't"]), _opt(["yet"]), _in(["picked", "chosen", "decided"]), _in(["one", "which", "yet"])],
        [_w("no"), _in(["proposal", "proposals", "plan", "plans"]), GAP8, _in(["has", "have"]), _w("been"),
         _in(["made", "considered", "put", "brought", "tabled"])],
    ], ()),
    # collaborate: doing it with others
    "collaborate: designed with others": ("collaborate", 3.0, [
        # "the parish council retaining the freehold, appointing two trustees"
        [_in(["appoint", "appoints", "appointed", "appointing", "nominate", "nominates", "nominated", "nominating"]),
         _in(_COUNTS), _in(["trustees", "directors", "board"])],
        [_in(DESIGN), _opt(["it", "them", "the", "services", "plan", "service", "jointly", "together"]), _NO_CONTRACT_GAP3,
         _in(["with", "alongside"]), _FEWER_GAP3, _in(WITH_WHOM)],
        # "designed by residents", not "funded by the council"
        [_in(DESIGN), _opt(["it", "them", "the", "services", "plan", "service", "jointly", "together"]), _NO_CONTRACT_GAP3,
         _w("by"), _FEWER_GAP3, _in(BY_WHOM)],
        [_in(["pool", "pools"]), GAP3, _in(["resources", "budgets", "budget", "money", "funds", "funding", "land",
                                          "assets", "staff", "expertise", "data", "knowledge", "sovereignty"])],
        [_in(["co-design", "co-designed", "co-produced", "co-production", "coproduction", "co-produce",
              "codesigned", "co-producing", "co-designing", "co-fund", "co-funded", "co-funds", "co-funding", "co-create", "co-created"])],
        [_in(["together", "jointly", "collectively"])],
        # "alongside residents", not "alongside the library's usual services"
        [_w("alongside"), {"IS_PUNCT": False, "OP": "{0,2}"}, _in(BY_WHOM)],
        [_in(["pooled", "pooling", "aligned", "integrated", "integrating", "integrate", "multi-agency",
              "whole-system", "place-based", "joined-up"])],
        [_in(["equal", "real", "joint", "shared"]), _in(["say", "goals", "goal", "plan", "vision", "commitment",
              "duty", "priorities", "ownership", "outcomes", "purpose", "ambition", "budget", "board", "team", "programme", "rota",
              "director", "record", "action", "strategy", "investment", "work", "working", "approach",
              "project", "discharge", "problem-solving", "needs", "health", "teams"])],
        [_in(["partnership", "alliance", "coalition", "compact", "network"]), _in(["between", "of", "with"]), GAP8,
         _in([w for w in WITH_WHOM if w not in ("the", "local", "service", "staff", "people")])],
        [_in(["formed", "form", "forms", "forming", "set", "created", "launched", "signed"]), _opt(["up"]),
         _opt(["a", "an", "the"]), _opt(["new"]), GAP3, _in(["partnership", "alliance", "coalition", "compact"])],
        # a seat on a partner's board, a strategy written with parents, a board co-chaired
        [_w("side"), _w("by"), _w("side")],
        [_in(["handed", "hand", "hands", "gave", "give", "gives"]), {"IS_PUNCT": False, "OP": "{0,6}"},
         _in(["residents", "citizens", "panel", "panels", "communities", "people"]), _w("control")],
        [_in(["combine", "combining", "combined"]), _in(["their", "its", "our"]), GAP3,
         _in(["budgets", "budget", "resources", "funds", "funding"])],
        [_in(["sit", "sits", "sitting", "sat", "seat", "seats"]), GAP3, _w("on"), GAP3,
         _in(["board", "boards", "committee", "panel", "group"])],
        [_in(["co-chair", "co-chairs", "co-chaired", "co-chairing"])],
        # "set up a joint food poverty network": a body formed with others, a few words between
        [_in(["formed", "form", "forms", "forming", "set", "created", "launched", "established", "establish"]),
         _opt(["up"]), _in(["a", "an", "the"]), _opt(["new"]), _in(["joint", "community", "multi-agency"]), GAP3,
         _in(["partnership", "alliance", "coalition", "compact", "consortium", "network", "forum", "organisation",
              "body", "company", "board", "team", "unit", "hub"])],
        [_in(["citizens", "citizens'", "community", "participatory", "residents'"]), _opt(["'"]),
         _in(["assembly", "jury", "panel", "board", "budgeting", "researchers", "partnership", "foundation",
              "wealth"])],
        [_in(["work", "works", "worked", "working", "teamed", "join", "joined", "joining"]), _in(["with",
              "alongside", "together", "forces", "up"])],
        [_in(["trust", "trusted"]), _in(["each", "one"])],
        [_w("give"), _w("something"), _w("up")],
        [_w("under"), _w("one"), _w("roof")],
        [_w("in"), _w("one"), _in(["room", "place"])],
        [_in(["sat", "sit", "sitting", "sits"]), _in(["round", "around"]), _w("the"), _w("table")],
        [_in(["second", "seconded", "seconding", "seconds"]), GAP3,
         _in(["officer", "officers", "staff", "engineers", "worker", "workers", "people", "posts", "employees"]), GAP3,
         _w("to")],
        [_in(["combine", "combining"]), _opt(["their", "its", "our", "the"]), _w("£"), {"LIKE_NUM": True}],
        [_in(["in", "into"]), _in(["one", "a", "the", "single"]), _opt(["single", "shared", "common", "joint"]), _w("pot")],
        [_in(["one", "single"]), _in(["lead", "key"]), _in(["worker", "professional", "practitioner"])],
        # giving some control up to share it; giving up "any say" is walking away
        [_in(["gave", "give", "giving", "given", "gives"]), _w("up"),
         {"IS_PUNCT": False, "LOWER": {"NOT_IN": ["any", "all"]}, "OP": "{0,4}"},
         _in(["control", "power", "powers", "sovereignty", "say", "decision", "decisions", "right", "rights",
              "freedom", "freedoms", "independence", "autonomy"])],
        [_in(["officer", "officers", "councillor", "councillors"]), _w("on"), _w("it"), {"IS_PUNCT": True}],
        [_in(["officer", "officers", "councillor", "councillors"]), _w("on"), _in(["its", "the", "their"]),
         _in(["board", "committee", "steering", "panel"])],
        [_in(["work", "works", "working"]), _w("as"), _w("one"), GAP3, _in(["team", "service", "organisation",
                                                                           "system", "workforce"])],
        [_in(["shared", "sharing", "share", "single", "joint"]), _opt(["a", "one"]), _opt(["single", "shared", "joint"]),
         _in(["care", "patient", "case", "client"]),
         _in(["record", "records", "assessment", "assessments", "coordinator", "co-ordinator", "plan", "plans"])],
        # handing residents the decisions over money is participatory budgeting, not walking away
        [_in(HAND), _opt(["over"]), _in(["control", "decision-making", "decisions", "power", "powers"]), GAP8, _w("to"),
         GAP3, _opt(["'", "\u2019"]), _in(["panel", "panels", "assembly", "jury", "forum", "committee", "board"])],
        [_in(["signed", "sign", "signs", "signing"]), _w("up"), _w("to"), _opt(["a", "an", "the"]), GAP3,
         _in(["shared", "joint", "common", "single", "county-wide", "countywide", "regional", "pooled"])],
        [_in(["formed", "form", "forms", "forming", "create", "created", "creates", "creating", "establish",
              "established", "establishing"]), _opt(["a", "an", "the"]), _opt(["new"]), GAP3, _w("combined"),
         _w("authority")],
    ], ()),
    # Ending one arrangement to replace it with (or fold it into) a wider joint one is joining up,
    # not leaving: an exit before this rule's hit in the sentence is set aside (PhraseRules._hits).
    "collaborate: into a wider arrangement": ("collaborate", 3.0, [
        [_in(["become", "becoming", "became", "join", "joining"]), _opt(["a"]), _opt(["full"]), _w("constituent"),
         _w("member")],
        [_in(["replaced", "replace", "replacing", "superseded", "succeeded", "absorbed", "subsumed", "fold",
              "folded", "folding", "merged", "merge", "merging"]), _opt(["it", "them"]), _in(["with", "by", "into"]),
         GAP8, _in(WIDER)],
        # "will be wound up ..., and all staff will transfer to the new regional adoption agency"
        [_in(["transfer", "transfers", "transferred", "transferring", "move", "moves", "moved", "pass", "passed",
              "passes"]), GAP8, _w("to"), {"OP": "{0,8}"}, _w("new"), _in(WIDER)],
        [_in(["form", "forms", "formed", "forming", "create", "created", "establish", "established"]),
         _opt(["a", "an", "the"]), _opt(["single", "new"]), _in(WIDER)],
        [_in(["transfer", "transfers", "transferred", "transferring", "move", "moved", "fold", "folded"]), GAP8,
         _in(["into", "to"]), _opt(["the"]), _w("new"), GAP3, _w("combined"), _w("authority")],
        # "dissolve the district partnership and join a single county-wide partnership with the police"
        [_in(["join", "joins", "joined", "joining"]), _opt(["a", "an", "the"]), _opt(["single", "new", "larger"]),
         _in(WIDER)],
    ], ()),
}
