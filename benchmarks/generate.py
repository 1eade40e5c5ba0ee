"""A fast, vectorised generator of benchmark datasets at any size.

Not the example generator (:mod:`analysis.data.example`), which builds a realistic world
row by row; this one builds valid, plausibly shaped tables with numpy in a second or two
even at the largest size (400 councils, 15 years, 20,000 partnerships, 200,000
memberships, 300,000 activity rows, 100,000 evidence rows, 5,000 documents of about 500
words, shaped like council papers: see :func:`paper_text`). Every dataset it writes passes
``python -m analysis validate``.
"""

from __future__ import annotations

import argparse
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["SIZES", "Size", "generate", "paper_text"]


@dataclass(frozen=True)
class Size:
    """How many rows of each table one benchmark dataset has."""

    name: str
    councils: int
    years: int
    partnerships: int
    memberships: int
    activity: int
    evidence: int
    documents: int
    words: int = 500


SIZES = (
    Size("small", 100, 15, 1_000, 10_000, 15_000, 5_000, 250),
    Size("medium", 200, 15, 4_000, 40_000, 60_000, 20_000, 1_000),
    Size("national", 400, 15, 10_000, 100_000, 150_000, 50_000, 2_500),
    Size("beyond", 400, 15, 20_000, 200_000, 300_000, 100_000, 5_000),
)

TIERS = np.array(["county", "district", "unitary", "metropolitan", "london_borough"])
TIER_P = np.array([21, 164, 62, 36, 33]) / 316
REGIONS = np.array(["North East", "North West", "Yorkshire and The Humber", "East Midlands",
                    "West Midlands", "East of England", "London", "South East", "South West"])
TYPES = np.array(["lep", "health_wellbeing_board", "community_safety", "strategic_partnership",
                  "shared_service", "combined_authority", "forum", "other"])
SECTORS = np.array(["local_government", "health", "police", "fire", "business", "voluntary",
                    "education", "other"])
ROLES = np.array(["responsible", "accountable", "consulted", "influential", "delivers", "member"])
INDICATORS = np.array(["lobbying_campaigns", "legal_challenges", "public_opposition_statements",
                       "shared_services", "shared_management", "commercial_ventures", "outsourced_services",
                       "services_withdrawn", "partnerships_left", "assets_transferred", "merger_proposals",
                       "co_production_projects", "joint_commissioning", "pooled_budgets",
                       "community_coalitions"])
# Words of the old documents (500 of them drawn at random, no full stop): kept for the
# pathological case that `benchmarks/bench_coder.py --shape salad` still measures.
VOCAB = np.array((
    "the board agreed to review its budget for next year and noted the report from officers on "
    "delivery of the plan members discussed pressures on services and asked for an update at the "
    "next meeting partners shared services joint commissioning pooled budget lobbying campaign "
    "legal challenge services withdrawn asset transfer community coalition co-production merger "
    "shared management commercial venture outsourcing savings reductions funding cuts grant "
    "government council health police voluntary sector residents consultation strategy outcomes"
).split())
# Documents are shaped like council papers: sentences with full stops, in paragraphs of three
# to five, mostly the business of a meeting, with now and then a sentence stating an option.
# "{s}" is a service, "{n}" a number, "{q}" a quarter.
FILLER = (
    "The chair welcomed members and officers to the meeting.",
    "Apologies were received from {n} members of the committee.",
    "The minutes of the previous meeting were agreed as a correct record.",
    "Officers presented the {q} performance report for {s} and answered questions.",
    "Members noted the update on the capital programme and the timetable for the next phase.",
    "The report sets out the background, the legal implications and the equality impact assessment.",
    "A member asked for more detail on the figures in table {n}, which officers agreed to circulate.",
    "The committee noted the risk register and the actions taken since the last meeting.",
    "The next meeting will be held in the council chamber at the usual time.",
    "Members discussed the number of complaints about {s} received in the {q} quarter.",
    "The head of service explained how the figures for {s} had been collected and checked.",
    "There were no declarations of interest and no questions from the public.",
    "The annual governance statement will be presented to the audit committee in July.",
    "Officers were thanked for a clear and thorough report on {s}.",
    "The item was deferred to the next meeting to allow further information to be gathered.",
    "Spending on {s} was within the budget agreed in February, with a small underspend of {n} per cent.",
    "The portfolio holder reported that the consultation on {s} had closed with {n} hundred responses.",
    "Members asked officers to bring a fuller report on {s} to a future meeting.",
    "The committee resolved to note the report and the recommendations in section {n}.",
    "An update on recruitment to vacant posts in {s} will be circulated by email.",
)
CUES = (
    # exit
    "Cabinet agreed to give notice to leave the shared {s} partnership at the end of the year.",
    "The joint {s} team will be disbanded and staff will return to each council.",
    "The council will no longer provide {s} and the service will close in the spring.",
    "The library will be handed to a community group run by volunteers.",
    # adapt
    "Savings of {n} hundred thousand pounds are expected from redesigning {s}.",
    "The council will set up a trading company to generate income from {s}.",
    "Opening hours of {s} will be reduced to three days a week to meet the savings target.",
    "The two councils will share a single head of {s} to cut management costs.",
    # fight
    "Members voted unanimously to reject the government's proposals for {s}.",
    "The leader has written to the minister to oppose the cuts to {s} funding.",
    "The council is seeking legal advice on a judicial review of the decision on {s}.",
    "Residents presented a petition against the closure of {s}.",
    # collaborate
    "The new plan for {s} was designed together with residents and the voluntary sector.",
    "Partners agreed to pool their budgets for {s} under a joint commissioning board.",
    "The council will work alongside the NHS and the police to deliver {s}.",
    "A community partnership between the council and local charities will run {s}.",
)
SERVICES = ("adult social care", "waste collection", "the libraries", "planning", "revenues and benefits",
            "highways", "leisure centres", "children's services", "public health", "legal services",
            "building control", "housing", "parks and open spaces", "the museum", "youth services")
QUARTERS = ("first", "second", "third", "fourth", "last")
CUE_SHARE = 0.12  # about one sentence in eight states an option
# Written into each dataset's .size.json: a cached dataset whose documents have another shape
# is generated again (benchmarks/run.py).
DOCUMENT_SHAPE = "council papers, 2026-12-03"
MEETING_WORDS = ("meeting", "minutes", "board", "forum", "panel")


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


def paper_text(rng: np.random.Generator, words: int) -> str:
    """About ``words`` words of a council paper: sentences (mostly meeting business, about one in
    eight stating an option) in paragraphs of three to five, separated by blank lines."""
    paragraphs, paragraph, n = [], [], 0
    size = int(rng.integers(3, 6))
    while n < words:
        pool = CUES if rng.random() < CUE_SHARE else FILLER
        sentence = pool[int(rng.integers(0, len(pool)))].format(
            s=SERVICES[int(rng.integers(0, len(SERVICES)))], n=int(rng.integers(2, 20)),
            q=QUARTERS[int(rng.integers(0, len(QUARTERS)))])
        paragraph.append(sentence)
        n += len(sentence.split())
        if len(paragraph) == size:
            paragraphs.append(" ".join(paragraph))
            paragraph, size = [], int(rng.integers(3, 6))
    if paragraph:
        paragraphs.append(" ".join(paragraph))
    return "\n\n".join(paragraphs)


def generate(size: Size, out: Path, *, seed: int = 0) -> dict[str, int]:
    """Write one dataset of ``size`` into ``out`` (replacing it) and return its row counts."""
    rng = np.random.default_rng(seed)
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    (out / "documents").mkdir(parents=True)
    first_year = 2009

    # councils
    nc = size.councils
    codes = _ids("B", nc, 4)
    tiers = rng.choice(TIERS, nc, p=TIER_P)
    tiers[: min(5, nc)] = TIERS[: min(5, nc)]
    pop = rng.lognormal(12, 0.6, nc).round().astype(np.int64) + 1000
    councils = pd.DataFrame({"council_code": codes, "council_name": np.char.add("Council ", codes),
                             "tier": tiers, "region": rng.choice(REGIONS, nc), "population": pop,
                             "deprivation": rng.uniform(5, 45, nc).round(2)})

    # finance: every council every year
    years = np.arange(first_year, first_year + size.years)
    cc = np.repeat(codes, size.years)
    yy = np.tile(years, nc)
    base = np.repeat(pop * rng.uniform(0.0015, 0.0025, nc), size.years)
    trend = 1 - 0.02 * (yy - first_year) + rng.normal(0, 0.01, len(yy))
    finance = pd.DataFrame({"council_code": cc, "year": yy,
                            "spending_power_gbp_m": (base * trend).round(3),
                            "population": np.repeat(pop, size.years)})
    deflators = pd.DataFrame({"year": years, "deflator": (100 * 1.02 ** (years - first_year)).round(2)})

    # partnerships
    npart = size.partnerships
    pids = _ids("Q", npart, 6)
    established = rng.integers(1995, first_year + 1, npart)
    # One in six partnerships ends within 2011-2019 (survival models need endings); their
    # activity years end with them (and start earlier), so the dataset validates cleanly.
    dissolved = np.where(rng.random(npart) < 1 / 6, rng.integers(2011, 2020, npart), -1)
    established = np.where(dissolved > 0, np.minimum(established, dissolved - size.years), established)
    lead = rng.integers(0, nc, npart)
    partnerships = pd.DataFrame({"partnership_id": pids, "name": np.char.add("Partnership ", pids),
                                 "type": rng.choice(TYPES, npart), "established": established,
                                 "dissolved": pd.array(np.where(dissolved > 0, dissolved, 0), dtype="Int64"),
                                 "lead_council_code": codes[lead]})
    partnerships.loc[dissolved < 0, "dissolved"] = pd.NA

    # memberships: m per partnership, distinct members within each partnership
    per = max(1, size.memberships // npart)
    p_idx = np.repeat(np.arange(npart), per)
    j = np.tile(np.arange(per), npart)
    is_council = j < 2
    council_idx = (p_idx * 7 + j * 37) % nc
    pool = max(per + 1, npart * per // 4)
    org = (p_idx * per + j) % pool
    member_id = np.where(is_council, codes[council_idx], np.char.add("O", org.astype(str)))
    sector = np.where(is_council, "local_government", rng.choice(SECTORS[1:], len(j)))
    memberships = pd.DataFrame({"partnership_id": pids[p_idx], "member_id": member_id,
                                "member_name": np.char.add("Member ", member_id), "sector": sector,
                                "role": rng.choice(ROLES, len(j)),
                                "council_code": np.where(is_council, codes[council_idx], "")})

    # activity: consecutive years per partnership, from the first benchmark year
    per_a = max(1, min(size.years, size.activity // npart))
    pa = np.repeat(np.arange(npart), per_a)
    start = np.where(dissolved > 0, dissolved - per_a + 1, first_year)
    ya = start[pa] + np.tile(np.arange(per_a), npart)
    n_a = len(pa)
    activity = pd.DataFrame({"partnership_id": pids[pa], "year": ya,
                             "meetings": rng.poisson(6, n_a), "attendance_rate": rng.uniform(0.3, 1, n_a).round(3),
                             "outputs": rng.poisson(3, n_a), "joint_budget_gbp_m": rng.gamma(2, 0.5, n_a).round(3),
                             "active_members": rng.integers(2, 20, n_a)})

    # evidence: k distinct indicators per partnership
    per_e = max(1, min(len(INDICATORS), size.evidence // npart))
    pe = np.repeat(np.arange(npart), per_e)
    ie = (pe * 3 + np.tile(np.arange(per_e), npart)) % len(INDICATORS)
    evidence = pd.DataFrame({"partnership_id": pids[pe], "indicator": INDICATORS[ie],
                             "value": rng.poisson(2, len(pe)), "year": first_year + 5})

    # documents
    nd = size.documents
    dids = _ids("D", nd, 5)
    dpart = rng.integers(0, npart, nd)
    for i in range(nd):
        text = paper_text(rng, size.words)
        (out / "documents" / f"{dids[i]}.txt").write_text(
            f"{MEETING_WORDS[i % 5].title()} of {pids[dpart[i]]}\n\n{text}\n", encoding="utf-8")
    days = rng.integers(0, 365 * 10, nd)
    documents = pd.DataFrame({"document_id": dids, "path": np.char.add(np.char.add("documents/", dids), ".txt"),
                              "partnership_id": pids[dpart], "council_code": codes[lead[dpart]],
                              "date": (pd.Timestamp("2010-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d"),
                              "title": np.char.add("Minutes ", dids)})

    tables = {"councils": councils, "finance": finance, "deflators": deflators, "partnerships": partnerships,
              "memberships": memberships, "activity": activity, "evidence": evidence, "documents": documents}
    for name, frame in tables.items():
        frame.to_csv(out / f"{name}.csv", index=False)
    counts = {name: len(frame) for name, frame in tables.items()}
    (out / ".size.json").write_text(json.dumps({"size": asdict(size), "seed": seed, "rows": counts,
                                                "documents": DOCUMENT_SHAPE}))
    return counts


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=[s.name for s in SIZES])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    size = next(s for s in SIZES if s.name == args.size)
    print(json.dumps(generate(size, args.out, seed=args.seed)))


if __name__ == "__main__":
    main()
