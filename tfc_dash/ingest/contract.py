"""The spreadsheet contract: which tabs, which columns, their kinds, and the names ops may use.

One spreadsheet, one tab per table, a header row, one record per row. This module only *describes*
the contract; :mod:`tfc_dash.ingest.parsing` reads cells by it and
:mod:`tfc_dash.ingest.validation` checks rows against it. The README's contract section is
written from these definitions, and a test keeps the two in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from tfc_dash.figures.goals import GOAL_METRICS
from tfc_dash.store.models import (
    CATEGORIES,
    CHAMBERS,
    PROJECT_STATUSES,
    RESULTS,
    VOLUNTEER_STATUSES,
)


class Kind(StrEnum):
    """How a cell is read (see :mod:`tfc_dash.ingest.parsing`)."""

    ID = "id"  # text, kept exactly (leading zeros survive)
    TEXT = "text"
    EMAIL = "email"
    STATE = "state"  # USPS code, or the state's name
    CHOICE = "choice"  # one of ``Column.choices``
    DATE = "date"
    NUMBER = "number"
    INTEGER = "integer"
    FRACTION = "fraction"  # a share between 0 and 1: "52%" is 0.52
    SCORE = "score"  # 0 to 100: "52%" is 52
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Tab:
    """A tab of the spreadsheet and the store table it fills."""

    name: str  # as ops see it: "Projects"
    table: str  # the store table: "projects"
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # what identifies a row, for upserts and duplicate checks
    # An optional tab may be absent from the spreadsheet: its table then keeps what it holds,
    # because the data squad loads it from CSV files (python -m tfc_dash import).
    optional: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def normalize_header(text: object) -> str:
    """``"Project ID "`` -> ``"project_id"``: lower case, any run of other characters -> ``_``."""
    return re.sub(r"[^0-9a-z]+", "_", str(text).strip().lower()).strip("_")


CHOICE_ALIASES: dict[str, str] = {
    # category labels as the dashboard shows them
    "digital_basics": "digital_basics",
    "digital": "digital_basics",
    "email_analytics": "email_analytics",
    "email_and_analytics": "email_analytics",
    "social_digital": "social_digital",
    "social_digital_media": "social_digital",
    "social_and_digital_media": "social_digital",
    "engineering_data": "engineering_data",
    "engineering_data_science": "engineering_data",
    "engineering_and_data_science": "engineering_data",
    # statuses and results
    "done": "completed",
    "complete": "completed",
    "canceled": "cancelled",
    "win": "won",
    "loss": "lost",
    # chambers
    "house": "lower",
    "assembly": "lower",
    "senate": "upper",
    "unicameral": "upper",
    "us_house": "congress",
    # goal metrics
    "projects_started": "projects",
    "crowdfunding": "crowdfunding_usd",
    "volunteers": "volunteers_deployed",
    "volunteers_placed": "volunteers_deployed",
}

_ID = Kind.ID
CAMPAIGNS = Tab(
    "Campaigns",
    "campaigns",
    (
        Column("campaign_id", _ID, True, aliases=("campaign", "id")),
        Column("candidate", Kind.TEXT, True, aliases=("candidate_name",)),
        Column("party", Kind.TEXT),
        Column("state", Kind.STATE, True, aliases=("st",)),
        Column("chamber", Kind.CHOICE, True, CHAMBERS, aliases=("office_level", "level")),
        Column("district", _ID, aliases=("district_number", "seat", "office")),
        Column("election_date", Kind.DATE, True, aliases=("election", "election_day")),
        Column("result", Kind.CHOICE, choices=RESULTS, aliases=("outcome",)),
        Column(
            "vote_share",
            Kind.FRACTION,
            aliases=("share", "vote_percent", "vote_pct"),
            minimum=0,
            maximum=1,
        ),
        Column("seat_held_by", Kind.TEXT, aliases=("held_by", "seat_party")),
    ),
    key=("campaign_id",),
)
PROJECTS = Tab(
    "Projects",
    "projects",
    (
        Column("project_id", _ID, True, aliases=("project", "id")),
        Column("campaign_id", _ID, True, aliases=("campaign",)),
        Column("name", Kind.TEXT, True, aliases=("project_name", "title")),
        Column("category", Kind.CHOICE, True, CATEGORIES, aliases=("type", "track")),
        Column("status", Kind.CHOICE, True, PROJECT_STATUSES),
        Column("start_date", Kind.DATE, aliases=("start", "started", "started_on")),
        Column("end_date", Kind.DATE, aliases=("end", "due", "due_date")),
        Column("completed_date", Kind.DATE, aliases=("completed", "completed_on", "finished")),
        Column("volunteers_needed", Kind.INTEGER, aliases=("team_size", "needed"), minimum=0),
    ),
    key=("project_id",),
)
VOLUNTEERS = Tab(
    "Volunteers",
    "volunteers",
    (
        Column("volunteer_id", _ID, True, aliases=("volunteer", "id")),
        Column("name", Kind.TEXT, True, aliases=("full_name", "volunteer_name")),
        Column("email", Kind.EMAIL, True, aliases=("email_address", "e_mail")),
        Column("home_state", Kind.STATE, aliases=("state", "lives_in")),
        Column("skills", Kind.TEXT),
        Column(
            "hours_per_week", Kind.NUMBER, aliases=("hours", "hours_week"), minimum=0, maximum=168
        ),
        Column("signed_up", Kind.DATE, True, aliases=("signup_date", "signed_up_on", "joined")),
        Column("status", Kind.CHOICE, choices=VOLUNTEER_STATUSES),
    ),
    key=("volunteer_id",),
)
ASSIGNMENTS = Tab(
    "Assignments",
    "assignments",
    (
        Column("project_id", _ID, True, aliases=("project",)),
        Column("volunteer_id", _ID, True, aliases=("volunteer",)),
        Column("role", Kind.TEXT),
        Column(
            "hours_per_week", Kind.NUMBER, aliases=("hours", "hours_week"), minimum=0, maximum=168
        ),
        Column("start_date", Kind.DATE, True, aliases=("start", "joined")),
        Column("end_date", Kind.DATE, aliases=("end", "left")),
    ),
    key=("project_id", "volunteer_id", "start_date"),
)
OUTCOMES = Tab(
    "Outcomes",
    "outcomes",
    (
        Column("project_id", _ID, True, aliases=("project",)),
        Column("metric", Kind.TEXT, True, aliases=("measure",)),
        Column("value", Kind.NUMBER, True, aliases=("amount", "count")),
        Column("as_of", Kind.DATE, aliases=("date", "as_of_date")),
    ),
    key=("project_id", "metric", "as_of"),
    optional=True,
)
DISTRICTS = Tab(
    "Districts",
    "districts",
    (
        Column("state", Kind.STATE, True, aliases=("st",)),
        Column("chamber", Kind.CHOICE, True, ("lower", "upper")),
        Column("district", _ID, True, aliases=("district_number", "seat")),
        Column(
            "winnability",
            Kind.SCORE,
            aliases=("score", "winnability_score"),
            minimum=0,
            maximum=100,
        ),
        Column("targeted", Kind.BOOLEAN, aliases=("target", "is_targeted")),
        Column("incumbent_party", Kind.TEXT, aliases=("incumbent",)),
        Column(
            "previous_margin",
            Kind.FRACTION,
            aliases=("margin", "last_margin"),
            minimum=-1,
            maximum=1,
        ),
    ),
    key=("state", "chamber", "district"),
    optional=True,
)
FUNDRAISING = Tab(
    "Fundraising",
    "fundraising",
    (
        Column("date", Kind.DATE, True, aliases=("day", "as_of")),
        Column(
            "raised_usd",
            Kind.NUMBER,
            True,
            aliases=("raised", "total_raised", "amount_raised"),
            minimum=0,
        ),
        Column("backers", Kind.INTEGER, aliases=("supporters", "donors"), minimum=0),
        Column("goal_usd", Kind.NUMBER, aliases=("goal",), minimum=0),
    ),
    key=("date",),
)
GOALS = Tab(
    "Goals",
    "goals",
    (
        Column(
            "cycle",
            Kind.INTEGER,
            True,
            aliases=("election_cycle", "year"),
            minimum=2000,
            maximum=2100,
        ),
        Column("metric", Kind.CHOICE, True, tuple(GOAL_METRICS), aliases=("goal_for", "measure")),
        Column("target", Kind.INTEGER, True, aliases=("goal", "amount"), minimum=1),
        Column("deadline", Kind.DATE, True, aliases=("by", "due", "due_date")),
        Column("label", Kind.TEXT, aliases=("description", "name")),
    ),
    key=("cycle", "metric"),
    optional=True,
)

TABS: tuple[Tab, ...] = (
    CAMPAIGNS,
    PROJECTS,
    VOLUNTEERS,
    ASSIGNMENTS,
    OUTCOMES,
    DISTRICTS,
    FUNDRAISING,
    GOALS,
)

# Which row of another tab a value must name: (tab table, column) -> (target table, column).
REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("projects", "campaign_id"): ("campaigns", "campaign_id"),
    ("assignments", "project_id"): ("projects", "project_id"),
    ("assignments", "volunteer_id"): ("volunteers", "volunteer_id"),
    ("outcomes", "project_id"): ("projects", "project_id"),
}


def find_tab(name: str) -> Tab | None:
    """The contract's tab called ``name`` (a tab title, a table name; any case or spacing)."""
    wanted = normalize_header(name)
    for tab in TABS:
        if wanted in (normalize_header(tab.name), tab.table):
            return tab
    return None


def header_map(tab: Tab) -> dict[str, str]:
    """Normalized header -> column name, aliases included."""
    mapping: dict[str, str] = {}
    for col in tab.columns:
        for alias in col.aliases:
            mapping.setdefault(normalize_header(alias), col.name)
    for col in tab.columns:  # a column's own name always wins over another column's alias
        mapping[normalize_header(col.name)] = col.name
    return mapping
