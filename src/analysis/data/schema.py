"""The data model: one schema per table, as data.

A dataset is a folder with one file per table. Each :class:`Table` lists its columns
(:class:`Column`) with their kind, whether they are required, allowed values and
ranges. The readers, the validator and the generated data dictionary
(``data/README.md``) all read these definitions, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "OPTIONS",
    "TIERS",
    "PARTNERSHIP_TYPES",
    "SECTORS",
    "ROLES",
    "INDICATOR_OPTIONS",
    "MISSING_MARKERS",
    "Column",
    "Table",
    "TABLES",
    "table",
]

#: Kahane's four options, in the toolkit's fixed order.
OPTIONS = ("fight", "adapt", "exit", "collaborate")

TIERS = ("county", "district", "unitary", "metropolitan", "london_borough")

PARTNERSHIP_TYPES = (
    "lep",
    "health_wellbeing_board",
    "community_safety",
    "strategic_partnership",
    "shared_service",
    "combined_authority",
    "forum",
    "fire_rescue_authority",
    "local_resilience_forum",
    "integrated_care_system",
    "police_force_area",
    "local_skills_improvement_plan",
    "other",
)

SECTORS = (
    "local_government",
    "health",
    "police",
    "fire",
    "business",
    "voluntary",
    "education",
    "other",
)

ROLES = ("responsible", "accountable", "consulted", "influential", "delivers", "member")

#: The standard evidence indicators and the Kahane option each bears on.
INDICATOR_OPTIONS = {
    "lobbying_campaigns": "fight",
    "legal_challenges": "fight",
    "public_opposition_statements": "fight",
    "shared_services": "adapt",
    "shared_management": "adapt",
    "commercial_ventures": "adapt",
    "outsourced_services": "adapt",
    "services_withdrawn": "exit",
    "partnerships_left": "exit",
    "assets_transferred": "exit",
    "merger_proposals": "exit",
    "co_production_projects": "collaborate",
    "joint_commissioning": "collaborate",
    "pooled_budgets": "collaborate",
    "community_coalitions": "collaborate",
}

#: Suppression and missing-value markers used in UK official statistics (compared
#: case-insensitively after trimming). Cells holding them become missing, and are counted.
MISSING_MARKERS = (
    "..",
    "...",
    "…",
    "-",
    "–",
    "—",
    "x",
    "[c]",
    "[x]",
    "[z]",
    "[u]",
    "[w]",
    "[low]",
    "[d]",
    "n/a",
    "na",
    "#n/a",
    "not available",
    "not applicable",
    "null",
    "none",
    "*",
    ":",
)

#: Values Excel shows for a broken formula; read as missing and reported as errors.
EXCEL_ERRORS = ("#div/0!", "#ref!", "#value!", "#name?", "#num!", "#null!", "#n/a", "#spill!", "#calc!")


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``kind`` is one of ``"code"`` (identifier: trimmed, upper-cased for council codes),
    ``"text"``, ``"category"`` (one of ``choices``), ``"year"`` (financial or calendar
    year by its starting year), ``"int"``, ``"float"``, ``"fraction"`` (0 to 1; a
    ``%`` sign is understood) or ``"date"``.
    """

    name: str
    kind: str
    description: str
    required: bool = True
    nullable: bool = False
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    upper: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One table of a dataset."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    required: bool = False
    references: tuple[tuple[str, str, str], ...] = field(default=())  # (column, table, column)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


YEAR_MIN, YEAR_MAX = 1900, 2100

_year = dict(min=YEAR_MIN, max=YEAR_MAX)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "councils",
            "One row per council.",
            (
                Column("council_code", "code", "Unique code of the council (for example a GSS code).", upper=True,
                       aliases=("code", "la_code", "gss_code", "ons_code", "local_authority_code")),
                Column("council_name", "text", "The council's name.",
                       aliases=("name", "la_name", "local_authority", "authority", "council")),
                Column("tier", "category", "Tier of local government.", choices=TIERS,
                       aliases=("type", "la_type", "authority_type", "class")),
                Column("region", "text", "Region (for example one of the nine English regions)."),
                Column("population", "int", "Resident population.", required=False, nullable=True,
                       min=0, min_exclusive=True),
                Column("deprivation", "float", "Deprivation score; higher means more deprived.",
                       required=False, nullable=True),
                Column("county_code", "code", "For a district, the code of its county (two-tier areas).",
                       required=False, nullable=True, upper=True),
            ),
            key=("council_code",),
            required=True,
        ),
        Table(
            "finance",
            "Council finance by financial year (cash terms).",
            (
                Column("council_code", "code", "Council the row belongs to.", upper=True,
                       aliases=("code", "la_code", "gss_code", "ons_code")),
                Column("year", "year", "Financial year by its starting calendar year (2010 means 2010-11); "
                       "'2010-11', '2010/11' and '2010-2011' are accepted.",
                       aliases=("fin_year", "financial_year", "fy"), **_year),
                Column("spending_power_gbp_m", "float", "Spending power in GBP millions, cash terms.",
                       aliases=("spending_power", "core_spending_power", "spending_power_m", "core_spending_power_m",
                                "spending_power_millions", "spending_power_gbp_millions"), min=0),
                Column("population", "int", "Resident population that year.", required=False,
                       nullable=True, min=0, min_exclusive=True),
            ),
            key=("council_code", "year"),
            references=(("council_code", "councils", "council_code"),),
        ),
        Table(
            "deflators",
            "GDP deflator index by financial year, any base year.",
            (
                Column("year", "year", "Financial year by its starting calendar year.",
                       aliases=("fin_year", "financial_year"), **_year),
                Column("deflator", "float", "Price index (any base year).", min=0, min_exclusive=True,
                       aliases=("gdp_deflator", "index")),
            ),
            key=("year",),
        ),
        Table(
            "partnerships",
            "One row per partnership (board, shared service, forum ...).",
            (
                Column("partnership_id", "code", "Unique identifier of the partnership.", aliases=("id",)),
                Column("name", "text", "The partnership's name.", aliases=("partnership_name", "partnership")),
                Column("type", "category", "Kind of partnership.", choices=PARTNERSHIP_TYPES,
                       aliases=("partnership_type", "kind")),
                Column("established", "year", "Year it was set up.", aliases=("start_year", "founded"), **_year),
                Column("dissolved", "year", "Year it ended (blank while it is alive).", required=False,
                       nullable=True, aliases=("end_year", "ended"), **_year),
                Column("lead_council_code", "code", "Council that leads or hosts it.", required=False,
                       nullable=True, upper=True, aliases=("lead_council", "host_council")),
            ),
            key=("partnership_id",),
            required=True,
            references=(("lead_council_code", "councils", "council_code"),),
        ),
        Table(
            "memberships",
            "Who sits on which partnership, in what role.",
            (
                Column("partnership_id", "code", "The partnership."),
                Column("member_id", "code", "Identifier of the member organisation.",
                       aliases=("organisation_id", "org_id")),
                Column("member_name", "text", "Name of the member organisation.",
                       aliases=("organisation", "organisation_name", "member")),
                Column("sector", "category", "Sector of the member.", choices=SECTORS),
                Column("role", "category", "Role of the member on the partnership.", choices=ROLES),
                Column("council_code", "code", "Council code where the member is a council.",
                       required=False, nullable=True, upper=True),
                Column("joined", "year", "Year the member joined (for memberships derived from official "
                       "snapshots: the first year it is seen as a member; see joined_bracket).",
                       required=False, nullable=True, aliases=("start_year", "from_year"), **_year),
                Column("left", "year", "First year it was no longer a member (blank while it still is).",
                       required=False, nullable=True, aliases=("end_year", "to_year"), **_year),
                Column("share", "fraction", "Part of the council's area inside the partnership (0 to 1; "
                       "for example the share of its LSOAs).", required=False, nullable=True, min=0, max=1),
            ),
            key=("partnership_id", "member_id"),
            references=(
                ("partnership_id", "partnerships", "partnership_id"),
                ("council_code", "councils", "council_code"),
            ),
        ),
        Table(
            "activity",
            "How active each partnership is, year by year.",
            (
                Column("partnership_id", "code", "The partnership."),
                Column("year", "year", "Year (financial year by its starting year).", **_year),
                Column("meetings", "int", "Meetings held that year.", min=0),
                Column("attendance_rate", "fraction", "Share of members attending (0 to 1; '85%' is read as 0.85).",
                       required=False, nullable=True, min=0, max=1),
                Column("outputs", "int", "Outputs (reports, projects, decisions) that year.", required=False,
                       nullable=True, min=0),
                Column("joint_budget_gbp_m", "float", "Pooled or joint budget in GBP millions.",
                       required=False, nullable=True, min=0),
                Column("active_members", "int", "Members active that year.", required=False, nullable=True, min=0),
            ),
            key=("partnership_id", "year"),
            references=(("partnership_id", "partnerships", "partnership_id"),),
        ),
        Table(
            "evidence",
            "Evidence indicators per partnership, long format (one indicator per row).",
            (
                Column("partnership_id", "code", "The partnership."),
                Column("indicator", "text", "Indicator name; the standard ones are listed below."),
                Column("value", "float", "Count or amount (>= 0).", min=0),
                Column("year", "year", "Year the evidence refers to.", required=False, nullable=True, **_year),
            ),
            key=("partnership_id", "indicator", "year"),
            references=(("partnership_id", "partnerships", "partnership_id"),),
        ),
        Table(
            "documents",
            "Index of documents (board minutes, papers, blogs) held in the dataset folder.",
            (
                Column("document_id", "code", "Unique identifier of the document.", aliases=("id", "doc_id")),
                Column("path", "text", "Path of the file, relative to the dataset folder.",
                       aliases=("file", "filename", "file_path")),
                Column("partnership_id", "code", "Partnership the document is about.", required=False,
                       nullable=True),
                Column("council_code", "code", "Council the document is from or about.", required=False,
                       nullable=True, upper=True),
                Column("date", "date", "Date of the document.", required=False, nullable=True),
                Column("title", "text", "Title of the document.", required=False, nullable=True),
            ),
            key=("document_id",),
            references=(
                ("partnership_id", "partnerships", "partnership_id"),
                ("council_code", "councils", "council_code"),
            ),
        ),
    )
}


def table(name: str) -> Table:
    """Return the schema of table ``name`` (an :class:`~analysis.errors.InputError` if unknown)."""
    from analysis.errors import InputError

    try:
        return TABLES[name]
    except KeyError:
        raise InputError(f"unknown table '{name}'; the tables are: {', '.join(TABLES)}") from None
