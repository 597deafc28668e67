"""The store's tables, as SQLModel classes.

The synced tables mirror the spreadsheet contract (one class per tab) and carry a ``removed_at``
column: a row that disappears from the sheet is marked removed rather than deleted, so the store
keeps the history a spreadsheet forgets. Queries read only rows whose ``removed_at`` is null.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import JSON, Column, Index, Table, UniqueConstraint
from sqlmodel import Field, SQLModel

if TYPE_CHECKING:

    class StoreTable(SQLModel):
        """A table class to a type checker: SQLModel sets ``__table__`` but declares it nowhere."""

        __table__: ClassVar[Table]

else:
    StoreTable = SQLModel

CATEGORIES: tuple[str, ...] = (
    "digital_basics",
    "email_analytics",
    "social_digital",
    "engineering_data",
)
CATEGORY_LABELS: dict[str, str] = {
    "digital_basics": "Digital basics",
    "email_analytics": "Email & analytics",
    "social_digital": "Social & digital media",
    "engineering_data": "Engineering & data science",
}
PROJECT_STATUSES: tuple[str, ...] = ("scoping", "active", "completed", "cancelled")
CHAMBERS: tuple[str, ...] = ("lower", "upper", "congress", "statewide", "local")
RESULTS: tuple[str, ...] = ("pending", "won", "lost", "withdrawn")
VOLUNTEER_STATUSES: tuple[str, ...] = ("active", "paused", "left")


class Campaign(StoreTable, table=True):
    __tablename__ = "campaigns"

    campaign_id: str = Field(primary_key=True)
    candidate: str
    party: str | None = None
    state: str = Field(index=True)
    chamber: str
    district: str | None = None
    election_date: date
    # Derived from election_date when written, so that filtering by cycle is a plain comparison
    # that every SQL dialect indexes.
    cycle: int = Field(index=True)
    result: str | None = None
    vote_share: float | None = None
    seat_held_by: str | None = None
    removed_at: datetime | None = None


class Project(StoreTable, table=True):
    __tablename__ = "projects"

    project_id: str = Field(primary_key=True)
    campaign_id: str = Field(index=True)
    name: str
    category: str
    status: str
    start_date: date | None = None
    end_date: date | None = None
    completed_date: date | None = None
    volunteers_needed: int | None = None
    removed_at: datetime | None = None


class Volunteer(StoreTable, table=True):
    __tablename__ = "volunteers"

    volunteer_id: str = Field(primary_key=True)
    name: str
    email: str
    home_state: str | None = None
    skills: str | None = None
    hours_per_week: float | None = None
    signed_up: date | None = Field(default=None, index=True)
    status: str | None = None
    removed_at: datetime | None = None


class Assignment(StoreTable, table=True):
    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("project_id", "volunteer_id", "start_date", name="uq_assignment"),
        Index("ix_assignments_volunteer", "volunteer_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: str = Field(index=True)
    volunteer_id: str
    role: str | None = None
    hours_per_week: float | None = None
    start_date: date
    end_date: date | None = None
    removed_at: datetime | None = None


class Outcome(StoreTable, table=True):
    __tablename__ = "outcomes"
    __table_args__ = (UniqueConstraint("project_id", "metric", "as_of", name="uq_outcome"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: str = Field(index=True)
    metric: str
    value: float
    as_of: date | None = None
    removed_at: datetime | None = None


class District(StoreTable, table=True):
    __tablename__ = "districts"

    state: str = Field(primary_key=True)
    chamber: str = Field(primary_key=True)
    district: str = Field(primary_key=True)
    winnability: float | None = None
    targeted: bool = False
    incumbent_party: str | None = None
    previous_margin: float | None = None
    removed_at: datetime | None = None


class Fundraising(StoreTable, table=True):
    __tablename__ = "fundraising"

    date: dt.date = Field(primary_key=True)
    raised_usd: float
    backers: int | None = None
    goal_usd: float | None = None
    removed_at: datetime | None = None


class Goal(StoreTable, table=True):
    """A program goal: ``target`` projects started by ``deadline`` for one election cycle."""

    __tablename__ = "goals"

    cycle: int = Field(primary_key=True)
    metric: str = Field(default="projects", primary_key=True)
    target: int
    deadline: date
    label: str | None = None


class SyncRun(StoreTable, table=True):
    """One write into the store (demo seed, sheet sync or CSV import) and what it left behind.

    ``snapshot`` holds the headline metrics as they stood after the run, so history charts have
    data even for figures the spreadsheet itself does not keep. ``weekly`` holds, per figure
    (catalogue name), its count per week (``{"projects_started": {"2018-09-03": 5, ...}}``, weeks
    starting on Monday) as the run saw them: what a past week's figure was, sync by sync.
    """

    __tablename__ = "sync_runs"

    id: int | None = Field(default=None, primary_key=True)
    source: str  # demo, sheets, csv
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "running"  # running, ok, failed
    requests: int = 0
    message: str | None = None
    rows: dict = Field(default_factory=dict, sa_column=Column(JSON))
    added: int = 0
    changed: int = 0
    removed: int = 0
    snapshot: dict = Field(default_factory=dict, sa_column=Column(JSON))
    weekly: dict | None = Field(default=None, sa_column=Column(JSON))


class SyncChange(StoreTable, table=True):
    """A row a sync added, changed (one record per changed cell) or marked removed.

    Written in the sync's own transaction, so a run's changes are exactly what it did. ``tab`` is
    the store's table (``projects``), ``row_key`` the row's key columns joined by `` · ``; values
    are kept as text (dates as ISO days). A run keeps its first ``[sync] max_changes`` (removed,
    then changed, then added); its ``rows`` count them all.
    """

    __tablename__ = "sync_changes"

    id: int | None = Field(default=None, primary_key=True)
    sync_run_id: int = Field(index=True)
    tab: str
    row_key: str
    kind: str  # added, changed, removed
    column_name: str | None = None
    old_value: str | None = None
    new_value: str | None = None


class Quarantine(StoreTable, table=True):
    """A row left out by a sync or an import, and why: what ops must fix, cell by cell.

    ``row_number`` is the sheet's row (the header is row 1); ``link`` opens the spreadsheet at
    the cell (``#gid=...&range=C5``) when the row came from Google Sheets.
    """

    __tablename__ = "quarantine"

    id: int | None = Field(default=None, primary_key=True)
    sync_run_id: int = Field(index=True)
    tab: str
    row_number: int
    column_name: str | None = None
    cell: str | None = None
    value: str | None = None
    reason: str
    link: str | None = None


class StoreMeta(StoreTable, table=True):
    """Key/value facts about the store itself, such as whether it holds demo data."""

    __tablename__ = "store_meta"

    key: str = Field(primary_key=True)
    value: str


class DigestSend(StoreTable, table=True):
    """A weekly digest sent: one per recipient and week, so a second run that week sends none.

    ``week`` is the Monday of the as-of day's week (the week the digest reports on).
    """

    __tablename__ = "digest_sends"

    recipient: str = Field(primary_key=True)  # the email, lower case
    week: date = Field(primary_key=True)
    role: str
    subject: str
    sent_at: datetime


SYNCED_TABLES: dict[str, type[StoreTable]] = {
    "campaigns": Campaign,
    "projects": Project,
    "volunteers": Volunteer,
    "assignments": Assignment,
    "outcomes": Outcome,
    "districts": District,
    "fundraising": Fundraising,
}

# The tables as every SQL module names them (one set of short aliases, defined here only).
P = Project.__table__
C = Campaign.__table__
V = Volunteer.__table__
A = Assignment.__table__
F = Fundraising.__table__
D = District.__table__
OUT = Outcome.__table__
