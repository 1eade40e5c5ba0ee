"""The synthetic example world behind ``data/example/`` (``python -m analysis make-example``).

The generator invents about 300 councils in England's nine regions, their finance from
2010-11 to 2023-24 with austerity that follows the published pattern, about 1,200
partnerships with members, yearly activity, evidence indicators and short documents,
and a planted truth that analyses can be checked against (never used as an input):

* each partnership has a true Kahane option, which drives its evidence indicators and
  the wording of its documents;
* partnership activity responds to austerity: in a council whose real-terms spending
  power per head fell by a fraction ``cut`` between 2010-11 and 2019-20, meetings of the
  partnerships it leads drift by ``exp(ACTIVITY_SLOPE * cut)`` over those nine years,
  and partnerships in harder-hit areas are dissolved sooner.

Everything comes from one ``numpy.random.Generator`` seeded once, so the same seed
gives byte-identical files.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data.schema import INDICATOR_OPTIONS, OPTIONS

__all__ = ["ACTIVITY_SLOPE", "HEXMAP_FILES", "example_hexmaps", "generate_example", "write_example"]

#: Planted effect: log change in meetings per partnership (2010 to 2019) per unit of
#: real-terms per-head cut (a cut of 0.30 gives exp(-0.6), about 45% fewer meetings).
ACTIVITY_SLOPE = -2.0
#: Planted effect on survival: log hazard ratio of dissolution per 10 points of cut.
SURVIVAL_LOG_HR_PER_10PP = 0.5

FIRST_YEAR, LAST_YEAR = 2010, 2023

REGIONS = ("North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
           "East of England", "London", "South East", "South West")
_MET_REGIONS = ("North West", "Yorkshire and The Humber", "West Midlands", "North East")
_SHIRE_REGIONS = ("East Midlands", "West Midlands", "East of England", "South East", "South West",
                  "North West", "Yorkshire and The Humber")

TIER_COUNTS = {"county": 21, "district": 164, "unitary": 62, "metropolitan": 36, "london_borough": 33}
_TIER_LETTER = {"county": "C", "district": "D", "unitary": "U", "metropolitan": "M", "london_borough": "L"}
# Spending power per head in 2010-11 (GBP), and the tier's typical real-terms cut to 2019-20.
_BASE_PER_HEAD = {"county": 780, "district": 210, "unitary": 1010, "metropolitan": 1130, "london_borough": 1240}
_TIER_CUT = {"county": 0.21, "district": 0.30, "unitary": 0.25, "metropolitan": 0.26, "london_borough": 0.26}
_POP = {"county": (450_000, 1_400_000), "district": (55_000, 180_000), "unitary": (120_000, 520_000),
        "metropolitan": (160_000, 1_100_000), "london_borough": (150_000, 390_000)}
_DEPRIVATION = {"county": (14, 4), "district": (15, 6), "unitary": (23, 8), "metropolitan": (30, 7),
                "london_borough": (26, 7)}

_SYLLABLES_A = ("Ash", "Bram", "Cal", "Dun", "Elm", "Fen", "Gor", "Hal", "Ives", "Kel", "Lang", "Mar",
                "Nor", "Oak", "Pen", "Quen", "Rad", "Sel", "Thorn", "Ul", "Ver", "Wend", "Yar", "Zel",
                "Brack", "Cor", "Dray", "Ester", "Fal", "Glen")
_SYLLABLES_B = ("bridge", "combe", "field", "ford", "ham", "hurst", "ley", "mere", "mouth", "ney",
                "stead", "thorpe", "ton", "wick", "worth", "dale", "holm", "marsh", "gate", "well")
_SUFFIX = {"county": "shire County Council", "district": " District Council", "unitary": " Council",
           "metropolitan": " Metropolitan Borough Council", "london_borough": " London Borough Council"}

_TYPE_COUNTS = {"lep": 38, "health_wellbeing_board": 150, "community_safety": 190, "strategic_partnership": 150,
                "shared_service": 250, "combined_authority": 10, "forum": 250, "other": 162}
# Probability of each option (fight, adapt, exit, collaborate) by partnership type.
_TYPE_OPTION_P = {
    "lep": (0.30, 0.25, 0.10, 0.35),
    "health_wellbeing_board": (0.10, 0.20, 0.10, 0.60),
    "community_safety": (0.10, 0.30, 0.20, 0.40),
    "strategic_partnership": (0.25, 0.20, 0.25, 0.30),
    "shared_service": (0.05, 0.70, 0.15, 0.10),
    "combined_authority": (0.40, 0.20, 0.05, 0.35),
    "forum": (0.40, 0.10, 0.20, 0.30),
    "other": (0.25, 0.25, 0.25, 0.25),
}
_TYPE_NAME = {"lep": "Local Enterprise Partnership", "health_wellbeing_board": "Health and Wellbeing Board",
              "community_safety": "Community Safety Partnership", "strategic_partnership": "Strategic Partnership",
              "shared_service": "Shared Service", "combined_authority": "Combined Authority",
              "forum": "Forum", "other": "Partnership"}
_SHARED_SERVICES = ("Revenues and Benefits", "Legal", "ICT", "Audit", "Building Control", "Waste",
                    "Procurement", "Payroll", "Planning Support", "Parking")
_FORUM_TOPICS = ("Leaders", "Rural Issues", "Voluntary Sector", "Housing", "Climate", "Older People",
                 "Young People", "Town Centres", "Transport", "Tenants")
_MEETINGS = {"lep": 6, "health_wellbeing_board": 5, "community_safety": 6, "strategic_partnership": 4,
             "shared_service": 10, "combined_authority": 10, "forum": 4, "other": 5}

_ORG_SECTORS = (("health", "Clinical Commissioning Group"), ("health", "NHS Foundation Trust"),
                ("police", "Constabulary"), ("fire", "Fire and Rescue Service"),
                ("business", "Chamber of Commerce"), ("voluntary", "Council for Voluntary Service"),
                ("education", "College"), ("education", "University"), ("other", "Housing Association"))

# Sentences for the documents, written for this toolkit: several per option, plus neutral ones.
_PHRASES = {
    "fight": (
        "The leader wrote to the Secretary of State to lobby against the latest cut to the grant.",
        "Members voted to campaign publicly against the funding settlement.",
        "The council is preparing a legal challenge to the new formula.",
        "We joined a petition opposing the government's reduction in funding.",
        "The board agreed to press ministers hard and to brief the local MPs against the proposals.",
        "A judicial review of the decision was discussed and approved in principle.",
        "The partnership issued a statement opposing the cuts and calling on government to think again.",
        "Councillors led a lobbying campaign in Westminster to reverse the settlement.",
    ),
    "adapt": (
        "The two councils agreed to share a single chief executive and a merged management team.",
        "A shared service for revenues and benefits went live in April, saving money on back-office costs.",
        "The board approved an efficiency programme to absorb the reduction in spending power.",
        "The council set up a trading company to sell its building control services commercially.",
        "Grounds maintenance was outsourced to a private contractor to cut costs.",
        "Officers reported savings from the joint procurement of ICT systems.",
        "The partners agreed to merge their back-office teams into one shared service.",
        "Income generation and commercialisation now form part of the budget strategy.",
    ),
    "exit": (
        "The council decided to withdraw from the partnership at the end of the financial year.",
        "The board was dissolved and its remaining duties handed back to the member councils.",
        "Three libraries will close and the service will stop running the mobile library.",
        "Members agreed to leave the joint committee and to stop funding it.",
        "The community centre was transferred to a local trust as the council pulled out of the service.",
        "A proposal to abolish the councils and merge them into a new unitary authority was submitted.",
        "The authority ceased to provide the youth service from next April.",
        "The forum was wound up after partners withdrew their support.",
    ),
    "collaborate": (
        "Partners agreed to pool their budgets for early help and to commission services jointly.",
        "Residents co-produced the new neighbourhood plan with council officers.",
        "The board brought health, police and voluntary groups together to work on prevention.",
        "A joint commissioning plan for older people was agreed by the council and the NHS.",
        "Community groups and the council formed a coalition to deliver the food network together.",
        "The partnership agreed a shared outcome and a joint plan to reduce demand through prevention.",
        "Voluntary organisations and the council will design the service together with families.",
        "A pooled fund was set up with the clinical commissioning group to support integrated care.",
    ),
}
_NEUTRAL = (
    "The minutes of the previous meeting were agreed as a correct record.",
    "Apologies were received from two members.",
    "The chair welcomed members and introduced the agenda.",
    "The next meeting will be held in the council chamber.",
    "Officers presented the quarterly performance report.",
    "Members noted the update on the risk register.",
    "The board received a presentation on the local economy.",
    "Any other business: none was raised.",
)


def _names(rng: np.random.Generator, n: int) -> list[str]:
    pool = [a + b for a in _SYLLABLES_A for b in _SYLLABLES_B]
    idx = rng.choice(len(pool), size=n, replace=False)
    return [pool[i] for i in idx]


def _councils(rng: np.random.Generator) -> pd.DataFrame:
    tiers = [t for t, k in TIER_COUNTS.items() for _ in range(k)]
    names = _names(rng, len(tiers))
    records = []
    counters = {t: 0 for t in TIER_COUNTS}
    county_codes = []
    for tier, name in zip(tiers, names, strict=True):
        counters[tier] += 1
        code = f"X{_TIER_LETTER[tier]}{counters[tier]:03d}"
        if tier == "london_borough":
            region = "London"
        elif tier == "metropolitan":
            region = _MET_REGIONS[rng.integers(len(_MET_REGIONS))]
        elif tier == "county":
            region = _SHIRE_REGIONS[(counters[tier] - 1) % len(_SHIRE_REGIONS)]
        elif tier == "unitary":
            region = [r for r in REGIONS if r != "London"][rng.integers(8)]
        else:
            region = None
        lo, hi = _POP[tier]
        pop = int(np.exp(rng.uniform(np.log(lo), np.log(hi))) // 100 * 100)
        mu, sd = _DEPRIVATION[tier]
        dep = float(np.clip(rng.normal(mu, sd), 4, 50))
        county_name = f"{name}{_SUFFIX[tier]}"
        if tier == "county":
            county_name = f"{name}shire County Council"
            county_codes.append((code, region))
        records.append({"council_code": code, "council_name": county_name, "tier": tier, "region": region,
                        "population": pop, "deprivation": round(dep, 1), "county_code": None})
    frame = pd.DataFrame.from_records(records)
    # Districts sit in counties: about eight each.
    districts = frame.index[frame["tier"] == "district"]
    for i, idx in enumerate(districts):
        code, region = county_codes[i % len(county_codes)]
        frame.loc[idx, ["county_code", "region"]] = [code, region]
    return frame


def _deflators() -> pd.DataFrame:
    growth = {2011: 1.9, 2012: 1.6, 2013: 1.9, 2014: 1.6, 2015: 0.8, 2016: 2.0, 2017: 1.7, 2018: 2.1,
              2019: 2.2, 2020: 5.5, 2021: -0.3, 2022: 5.4, 2023: 6.1}
    values = [100.0]
    for year in range(FIRST_YEAR + 1, LAST_YEAR + 1):
        values.append(values[-1] * (1 + growth[year] / 100))
    return pd.DataFrame({"year": range(FIRST_YEAR, LAST_YEAR + 1), "deflator": np.round(values, 2)})


def _real_path(cut: float, year: int) -> float:
    """Real per-head spending power relative to 2010 for a council whose 2010-2019 cut is ``cut``."""
    if year <= 2016:
        return 1 - cut * 0.9 * (year - FIRST_YEAR) / 6
    if year <= 2019:
        return 1 - cut * (0.9 + 0.1 * (year - 2016) / 3)
    return 1 - cut + 0.025 * (year - 2019)  # partial recovery from 2020


def _finance(rng, councils, deflators) -> tuple[pd.DataFrame, pd.Series]:
    dep = councils["deprivation"]
    dep_z = (dep - dep.mean()) / dep.std()
    cut = councils["tier"].map(_TIER_CUT) + 0.085 * dep_z + rng.normal(0, 0.03, len(councils))
    cut = cut.clip(0.02, 0.6)
    defl = deflators.set_index("year")["deflator"] / 100
    records = []
    for (_, c), k in zip(councils.iterrows(), cut, strict=True):
        base = _BASE_PER_HEAD[c["tier"]] * rng.lognormal(0, 0.08)
        growth = rng.normal(0.006, 0.003)
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            pop = int(round(c["population"] * (1 + growth) ** (year - FIRST_YEAR), -1))
            real = base * _real_path(k, year) * rng.lognormal(0, 0.01)
            cash_m = real * defl[year] * pop / 1e6
            records.append({"council_code": c["council_code"], "year": year,
                            "spending_power_gbp_m": round(cash_m, 3), "population": pop})
    return pd.DataFrame.from_records(records), pd.Series(cut.to_numpy(), index=councils["council_code"])


def _reorganise(rng, councils, finance):
    """Merge two pairs of districts into new districts from 2019 (a realistic reorganisation)."""
    districts = councils[councils["tier"] == "district"]
    by_county = districts.groupby("county_code")["council_code"].apply(list)
    pairs = [codes[:2] for codes in by_county.iloc[:2]]
    new_rows, pred, fin_new = [], [], []
    for i, (a, b) in enumerate(pairs, start=1):
        ca = councils.set_index("council_code").loc[a]
        cb = councils.set_index("council_code").loc[b]
        code = f"XD{900 + i}"
        name = f"{ca['council_name'].split(' ')[0]} and {cb['council_name'].split(' ')[0]} District Council"
        new_rows.append({"council_code": code, "council_name": name, "tier": "district", "region": ca["region"],
                         "population": int(ca["population"] + cb["population"]),
                         "deprivation": round((ca["deprivation"] + cb["deprivation"]) / 2, 1),
                         "county_code": ca["county_code"]})
        pred += [{"successor_code": code, "predecessor_code": a, "year": 2019},
                 {"successor_code": code, "predecessor_code": b, "year": 2019}]
        both = finance[finance["council_code"].isin([a, b]) & (finance["year"] >= 2019)]
        merged = both.groupby("year", as_index=False)[["spending_power_gbp_m", "population"]].sum()
        merged["spending_power_gbp_m"] = (merged["spending_power_gbp_m"] * 0.97).round(3)  # merger savings
        merged.insert(0, "council_code", code)
        fin_new.append(merged)
    gone = [c for p in pairs for c in p]
    finance = finance[~(finance["council_code"].isin(gone) & (finance["year"] >= 2019))]
    finance = pd.concat([finance, *fin_new], ignore_index=True)
    councils = pd.concat([councils, pd.DataFrame.from_records(new_rows)], ignore_index=True)
    return councils, finance, pd.DataFrame.from_records(pred)


def _partnerships(rng, councils, cut):
    upper = councils[councils["tier"] != "district"]
    stable = councils[~councils["council_code"].str.startswith("XD9")]
    records, truth = [], []
    used_names: set[str] = set()
    pid = 0
    for ptype, n in _TYPE_COUNTS.items():
        pool = upper if ptype in ("health_wellbeing_board", "lep", "combined_authority") else stable
        pool = pool[~pool["council_code"].str.startswith("XD9")]
        if ptype == "health_wellbeing_board":
            leads = pool.sample(n=min(n, len(pool)), random_state=rng.integers(1 << 31))
        else:
            leads = pool.sample(n=n, replace=True, random_state=rng.integers(1 << 31))
        for _, lead in leads.iterrows():
            pid += 1
            place = lead["council_name"].split(" ")[0].replace("shire", "")
            if ptype == "shared_service":
                stem = f"{place} {_SHARED_SERVICES[rng.integers(len(_SHARED_SERVICES))]} Shared Service"
            elif ptype == "forum":
                stem = f"{place} {_FORUM_TOPICS[rng.integers(len(_FORUM_TOPICS))]} Forum"
            else:
                stem = f"{place} {_TYPE_NAME[ptype]}"
            name, k = stem, 1
            while name in used_names:
                k += 1
                name = f"{stem} {k}"
            used_names.add(name)
            option = OPTIONS[rng.choice(4, p=_TYPE_OPTION_P[ptype])]
            established = int(FIRST_YEAR - rng.integers(0, 8) if rng.random() < 0.75
                              else rng.integers(FIRST_YEAR, 2019))
            k_cut = float(cut[lead["council_code"]])
            hazard = 0.03 * np.exp(SURVIVAL_LOG_HR_PER_10PP * (k_cut - 0.27) * 10)
            if option == "exit":
                hazard *= 2.0
            dissolved = None
            for year in range(max(established, FIRST_YEAR) + 1, LAST_YEAR + 1):
                if rng.random() < hazard:
                    dissolved = year
                    break
            records.append({"partnership_id": f"P{pid:04d}", "name": name, "type": ptype,
                            "established": established, "dissolved": dissolved,
                            "lead_council_code": lead["council_code"]})
            truth.append({"partnership_id": f"P{pid:04d}", "option": option, "lead_council_code": lead["council_code"],
                          "lead_council_cut": round(k_cut, 4)})
    frame = pd.DataFrame.from_records(records)
    frame["dissolved"] = frame["dissolved"].astype("Int64")
    return frame, pd.DataFrame.from_records(truth)


def _memberships(rng, councils, partnerships):
    by_region = councils.groupby("region")["council_code"].apply(list).to_dict()
    names = councils.set_index("council_code")["council_name"]
    region_of = councils.set_index("council_code")["region"]
    records = []
    for p in partnerships.itertuples():
        lead = p.lead_council_code
        members = [(lead, names[lead], "local_government", "responsible", lead)]
        others = [c for c in by_region[region_of[lead]] if c != lead]
        k = int(rng.integers(1, 4)) if p.type != "shared_service" else 1
        for c in rng.choice(others, size=min(k, len(others)), replace=False):
            members.append((c, names[c], "local_government", "accountable" if p.type == "shared_service"
                            else "member", c))
        n_org = int(rng.integers(2, 8))
        place = names[lead].split(" ")[0].replace("shire", "")
        for j in rng.choice(len(_ORG_SECTORS), size=n_org, replace=False):
            sector, kind = _ORG_SECTORS[j]
            role = ("delivers", "consulted", "influential", "member")[rng.integers(4)]
            members.append((f"ORG-{place[:4].upper()}-{j:02d}", f"{place} {kind}", sector, role, None))
        for mid, mname, sector, role, code in members:
            records.append({"partnership_id": p.partnership_id, "member_id": mid, "member_name": mname,
                            "sector": sector, "role": role, "council_code": code})
    return pd.DataFrame.from_records(records).drop_duplicates(["partnership_id", "member_id"])


def _activity(rng, partnerships, memberships, cut):
    size = memberships.groupby("partnership_id").size()
    records = []
    for p in partnerships.itertuples():
        k_cut = float(cut[p.lead_council_code])
        base = _MEETINGS[p.type] * rng.lognormal(0, 0.2)
        end = LAST_YEAR if pd.isna(p.dissolved) else int(p.dissolved)
        budget = p.type in ("shared_service", "health_wellbeing_board", "combined_authority", "lep")
        for year in range(max(p.established, FIRST_YEAR), end + 1):
            t = min(year - FIRST_YEAR, 9) / 9
            mult = np.exp(ACTIVITY_SLOPE * k_cut * t)
            if year > 2019:
                mult *= 1 + 0.03 * (year - 2019)
            meetings = int(rng.poisson(base * 1.6 * mult))
            members = int(size[p.partnership_id])
            records.append({
                "partnership_id": p.partnership_id, "year": year, "meetings": meetings,
                "attendance_rate": round(float(np.clip(rng.beta(8, 3) * (0.8 + 0.2 * mult), 0, 1)), 3),
                "outputs": int(rng.poisson(1.5 * mult * (1 + members / 10))),
                "joint_budget_gbp_m": round(float(rng.lognormal(0.5, 0.8) * mult), 3) if budget else None,
                "active_members": int(max(1, rng.binomial(members, min(1.0, 0.6 + 0.3 * mult)))),
            })
    frame = pd.DataFrame.from_records(records)
    frame["joint_budget_gbp_m"] = frame["joint_budget_gbp_m"].astype(float)
    return frame


def _evidence(rng, partnerships, truth):
    option_of = truth.set_index("partnership_id")["option"]
    indicators = list(INDICATOR_OPTIONS)
    records = []
    for p in partnerships.itertuples():
        end = LAST_YEAR if pd.isna(p.dissolved) else int(p.dissolved)
        years = max(1, end - max(p.established, FIRST_YEAR) + 1)
        option = option_of[p.partnership_id]
        strength = rng.uniform(0.6, 1.6)
        for ind in indicators:
            own = INDICATOR_OPTIONS[ind] == option
            rate = strength * rng.uniform(0.5, 1.2) if own else rng.exponential(0.08)
            value = int(rng.poisson(rate * years))
            if value:
                records.append({"partnership_id": p.partnership_id, "indicator": ind, "value": value})
    return pd.DataFrame.from_records(records)


def _documents(rng, partnerships, truth, n_docs):
    option_of = truth.set_index("partnership_id")["option"]
    chosen = partnerships.sample(n=n_docs, random_state=rng.integers(1 << 31)).sort_values("partnership_id")
    index, texts, doc_truth = [], {}, []
    for i, p in enumerate(chosen.itertuples(), start=1):
        option = option_of[p.partnership_id]
        own = list(rng.choice(_PHRASES[option], size=int(rng.integers(2, 4)), replace=False))
        sentences = own + list(rng.choice(_NEUTRAL, size=int(rng.integers(2, 4)), replace=False))
        if rng.random() < 0.3:
            other = OPTIONS[rng.integers(4)]
            if other != option:
                sentences.append(str(rng.choice(_PHRASES[other])))
        order = rng.permutation(len(sentences))
        body = " ".join(sentences[j] for j in order)
        year = int(rng.integers(max(p.established, FIRST_YEAR), 2020))
        kind = ("minutes", "paper", "blog")[rng.integers(3)]
        doc_id = f"D{i:04d}"
        path = f"documents/{doc_id}.txt"
        title = f"{p.name}: {'board minutes' if kind == 'minutes' else 'board paper' if kind == 'paper' else 'blog post'}"
        texts[path] = f"{title}\n\n{body}\n"
        index.append({"document_id": doc_id, "path": path, "partnership_id": p.partnership_id,
                      "council_code": p.lead_council_code, "date": f"{year}-{int(rng.integers(1, 13)):02d}-15",
                      "title": title})
        doc_truth.append({"document_id": doc_id, "option": option})
    return pd.DataFrame.from_records(index), texts, pd.DataFrame.from_records(doc_truth)


#: Where each region's councils gather on the example's hex maps (cartesian hex units),
#: roughly where the region lies in England.
_REGION_ANCHORS = {
    "North East": (11.0, 31.0), "North West": (5.5, 25.5), "Yorkshire and The Humber": (12.0, 25.0),
    "West Midlands": (6.0, 18.0), "East Midlands": (12.5, 18.5), "East of England": (18.5, 14.0),
    "London": (13.5, 10.5), "South East": (16.0, 5.5), "South West": (5.0, 8.0),
}
#: The example's hex layouts: lower tier in the codes of 2010 and of 2019 (after the two
#: district mergers), and the upper tier.
HEXMAP_FILES = ("hexmap-districts-2010.hexjson", "hexmap-districts-2019.hexjson", "hexmap-upper-tier.hexjson")


def _pack(groups: list[tuple[str, list[tuple[str, str]]]]) -> dict[str, tuple[int, int]]:
    """Place councils on an odd-r hex grid, deterministically: each region grows around its
    anchor on the cells nearest to it, and the members of a group (a county's districts)
    gather around each other. ``groups`` is [(region, [(code, name), ...]), ...]."""
    from analysis.data.hexjson import hex_centres

    qs, rs = np.meshgrid(np.arange(-4, 30), np.arange(-4, 42))
    q, r = qs.ravel(), rs.ravel()
    x, y = hex_centres(q, r, "odd-r")
    # the anchors drawn together (or apart) so that regions of this many councils just touch
    raw = np.array([_REGION_ANCHORS[reg] for reg in REGIONS])
    centre = raw.mean(axis=0)
    scale = 0.62 * math.sqrt(sum(len(m) for _, m in groups) / 300)
    anchors = centre + (raw - centre) * scale
    owner = np.argmin(((x[:, None] - anchors[None, :, 0]) ** 2 + (y[:, None] - anchors[None, :, 1]) ** 2), axis=1)
    free = np.ones(len(q), dtype=bool)
    placed: dict[str, tuple[int, int]] = {}
    for region, members in groups:
        home = owner == REGIONS.index(region)
        ax_, ay_ = anchors[REGIONS.index(region)]
        cells: list[int] = []
        for code, _name in members:
            if cells:
                tx, ty = float(np.mean(x[cells])), float(np.mean(y[cells]))
            else:
                tx, ty = ax_, ay_
            ok = free & home if (free & home).any() else free
            dist = np.round((x - tx) ** 2 + (y - ty) ** 2 + 0.05 * ((x - ax_) ** 2 + (y - ay_) ** 2), 9)
            dist = np.where(ok, dist, np.inf)
            best = int(np.lexsort((q, r, dist))[0])
            free[best] = False
            cells.append(best)
            placed[code] = (int(q[best]), int(r[best]))
    return placed


def example_hexmaps(councils: pd.DataFrame, predecessors: pd.DataFrame) -> dict[str, str]:
    """The example world's hex layouts (HexJSON text by file name; see :data:`HEXMAP_FILES`).

    Made from the councils table alone, with no randomness, so they never disturb the
    other files. Lower tier: districts gathered by county, with the single-tier councils
    (unitary, metropolitan, London boroughs), region by region; in 2019 each merged pair of
    districts gives way to its successor on the first one's cell. Upper tier: counties and
    the single-tier councils.
    """
    from analysis.data.hexjson import hexjson_text

    successors = set(predecessors["successor_code"])
    frame = councils[~councils["council_code"].isin(successors)]
    lower_groups, upper_groups = [], []
    for region in REGIONS:
        here = frame[frame["region"] == region]
        counties = here[here["tier"] == "county"]
        single = here[~here["tier"].isin(["county", "district"])]
        lower, upper = [], []
        for county in counties.itertuples():
            lower += [(d.council_code, d.council_name)
                      for d in here[here["county_code"] == county.council_code].itertuples()]
            upper.append((county.council_code, county.council_name))
        lower += [(c.council_code, c.council_name) for c in single.itertuples()]
        upper += [(c.council_code, c.council_name) for c in single.itertuples()]
        lower_groups.append((region, lower))
        upper_groups.append((region, upper))
    region_of = councils.set_index("council_code")["region"]
    name_of = councils.set_index("council_code")["council_name"]

    def table(cells: dict) -> pd.DataFrame:
        rows = [{"code": c, "name": name_of[c], "q": q, "r": r, "region": region_of[c]}
                for c, (q, r) in cells.items()]
        return pd.DataFrame.from_records(rows).sort_values("code", kind="stable").reset_index(drop=True)

    lower_2010 = _pack(lower_groups)
    lower_2019 = dict(lower_2010)
    for successor, part in predecessors.groupby("successor_code", sort=True):
        first, *rest = sorted(part["predecessor_code"])
        lower_2019[successor] = lower_2019.pop(first)
        for code in rest:
            lower_2019.pop(code)
    upper = _pack(upper_groups)
    return {
        HEXMAP_FILES[0]: hexjson_text(table(lower_2010)),
        HEXMAP_FILES[1]: hexjson_text(table(lower_2019)),
        HEXMAP_FILES[2]: hexjson_text(table(upper)),
    }


def generate_example(*, seed: int = 2010, n_documents: int = 300) -> dict:
    """Generate the example world; returns a dict of file name to DataFrame or text.

    Examples
    --------
    >>> files = generate_example(seed=1, n_documents=5)
    >>> sorted(k for k in files if k.endswith(".csv"))[:3]
    ['activity.csv', 'councils.csv', 'deflators.csv']
    """
    rng = np.random.default_rng(seed)
    councils = _councils(rng)
    deflators = _deflators()
    finance, cut = _finance(rng, councils, deflators)
    councils, finance, predecessors = _reorganise(rng, councils, finance)
    partnerships, truth = _partnerships(rng, councils, cut)
    memberships = _memberships(rng, councils, partnerships)
    activity = _activity(rng, partnerships, memberships, cut)
    evidence = _evidence(rng, partnerships, truth)
    documents, texts, doc_truth = _documents(rng, partnerships, truth, n_documents)
    files: dict = {
        "councils.csv": councils,
        "finance.csv": finance.sort_values(["council_code", "year"]).reset_index(drop=True),
        "deflators.csv": deflators,
        "partnerships.csv": partnerships,
        "memberships.csv": memberships,
        "activity.csv": activity,
        "evidence.csv": evidence,
        "documents.csv": documents,
        "predecessors.csv": predecessors,
        "truth.csv": truth,
        "truth_documents.csv": doc_truth,
    }
    files["truth_relationship.json"] = json.dumps(
        {"activity_slope": ACTIVITY_SLOPE,
         "activity_measure": "log(mean meetings per partnership led by the council, 2019 / 2010)",
         "austerity_measure": "real-terms fall in spending power per head, 2010-11 to 2019-20, as a fraction",
         "survival_log_hazard_ratio_per_10_points_of_cut": SURVIVAL_LOG_HR_PER_10PP,
         "seed": seed}, indent=2, sort_keys=True) + "\n"
    files.update(texts)
    files.update(example_hexmaps(councils, predecessors))
    return files


def write_example(out: str | Path, *, seed: int = 2010, n_documents: int = 300) -> list[Path]:
    """Generate the example world and write it to ``out`` atomically, file by file."""
    from analysis.writers import atomic_write_text

    out = Path(out)
    written = []
    for name, content in generate_example(seed=seed, n_documents=n_documents).items():
        if isinstance(content, pd.DataFrame):
            buf = io.StringIO()
            content.to_csv(buf, index=False, lineterminator="\n")
            content = buf.getvalue()
        written.append(atomic_write_text(out / name, content))
    written.append(atomic_write_text(out / "README.md", EXAMPLE_README.format(seed=seed)))
    return written


EXAMPLE_README = """# The example dataset (synthetic)

**Every council, partnership, person-free organisation and document in this folder is
invented.** The names are made from syllables and the codes start with `X`, so they cannot be
mistaken for real councils (real GSS codes start with `E`). Generated by

    python -m analysis make-example --seed {seed} --out data/example

and identical for the same seed.

## The story the generator tells
- **Councils.** About 300 councils across England's nine regions in the real mix of tiers:
  21 counties, 164 districts (each inside a county, linked by `county_code`), 62 unitaries,
  36 metropolitan boroughs and 33 London boroughs, with a population and a deprivation score.
  In 2019 two pairs of districts merge into new districts (`predecessors.csv` records which),
  so their finance series stop or start in 2019 as real ones do after a reorganisation.
- **Finance, 2010-11 to 2023-24.** Spending power per head starts at a level typical of the
  tier and falls in real terms until 2019-20: by about a fifth for counties and by nearly a
  third for districts, metropolitan and London boroughs, a few points more for every step up
  in deprivation, with a partial recovery from 2020. Cash figures are the real figures
  inflated by the deflator in `deflators.csv` and multiplied by a slowly growing population.
- **Partnerships.** About 1,200 of every type, each led by a council, with members from
  councils, health, police, fire, business, the voluntary sector and education. Each has a
  true Kahane option (fight, adapt, exit or collaborate) drawn with type-dependent odds; the
  option drives its evidence indicators (`evidence.csv`: counts over its life, high for the
  indicators of its own option and low for the others) and the sentences of its documents.
- **Activity.** Meetings, attendance, outputs, joint budgets and active members per year.
  Activity is a casualty of austerity: in a council whose real per-head spending power fell by
  a fraction `cut` from 2010-11 to 2019-20, meetings of the partnerships it leads change by a
  factor `exp(-2.0 * cut)` over those nine years; partnerships of harder-hit councils are also
  dissolved sooner.
- **Documents.** A few hundred short minutes, papers and blog posts (`documents/`, indexed in
  `documents.csv`) written from sentence banks for each option, mixed with routine minute-taking
  and, in some, a sentence that points to another option.

## The planted truth
`truth.csv` (each partnership's true option), `truth_documents.csv` (each document's option)
and `truth_relationship.json` (the activity slope and survival effect) are there so that tests
and notebooks can show the analyses recover what was planted. **No analysis reads them as an
input.** They are not part of the data model and are reported as extra tables.
"""
