"""One rule per concept, used by every page, the kit, the CLI and the sync's snapshot.

* **When a race is decided**: on its election day. Results are known the night of the election,
  so on the as-of date equal to election day a race with a result (won or lost) counts as
  decided: ``election_date <= as_of``. Before that day it is pending whatever the sheet says.
* **Which projects count** (toward a goal, as "Projects started"): active and completed
  projects whose start date (or, without one, their completion date) is on or before the as-of
  date. Scoping and cancelled projects never count. A project counts as completed from its
  completion date (or, without one, its end date).
* **Which volunteers are deployed**: two figures, never one word for both. *On a project now*:
  a volunteer with an assignment running on the as-of date (start date on or before it, end date
  on or after it; a blank end date runs until the project completes). *Ever placed*: a volunteer
  with an assignment started on or before the as-of date on a project that counts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from tfc_dash.store.models import A, P

COUNTED_STATUSES = ("active", "completed")
DECIDED_RESULTS = ("won", "lost")

# The day a project started, and the day it completed (null while it has not).
STARTED_ON: ColumnElement[Any] = sa.func.coalesce(P.c.start_date, P.c.completed_date)
COMPLETED_ON: ColumnElement[Any] = sa.case(
    (P.c.status == "completed", sa.func.coalesce(P.c.completed_date, P.c.end_date)),
    else_=None,
)
# When an assignment stops: its end date, or while that is blank its project's completion.
ASSIGNMENT_END: ColumnElement[Any] = sa.func.coalesce(A.c.end_date, COMPLETED_ON)


# --- races ------------------------------------------------------------------------------------
def race_decided(election_date: date, result: str | None, as_of: date) -> bool:
    """A race is decided from its election day on (results are known that night), once its
    result is won or lost."""
    return election_date <= as_of and (result or "").lower() in DECIDED_RESULTS


def results_known(election_date: pd.Series, as_of: date) -> pd.Series:
    """Per race: is its result known on ``as_of`` (its election day has come)?"""
    return pd.to_datetime(election_date) <= pd.Timestamp(as_of)


def results_known_sql(election_date: ColumnElement[Any], as_of: date) -> ColumnElement[bool]:
    """:func:`results_known` in SQL."""
    return election_date <= as_of


def race_outcome(election_date: pd.Series, result: pd.Series, as_of: date) -> pd.Series:
    """Per race, its result as known on ``as_of``: ``withdrawn``; ``won`` or ``lost`` once
    decided (:func:`race_decided`); else ``pending``."""
    decided = results_known(election_date, as_of) & result.isin(DECIDED_RESULTS)
    outcome = pd.Series("pending", index=result.index, dtype="object")
    outcome[decided] = result[decided]
    outcome[result.eq("withdrawn")] = "withdrawn"
    return outcome


def race_outcome_sql(
    election_date: ColumnElement[Any], result: ColumnElement[Any], as_of: date
) -> ColumnElement[Any]:
    """:func:`race_outcome` in SQL."""
    decided = race_decided_sql(election_date, result, as_of)
    return sa.case((result == "withdrawn", "withdrawn"), (decided, result), else_="pending")


def race_decided_sql(
    election_date: ColumnElement[Any], result: ColumnElement[Any], as_of: date
) -> ColumnElement[bool]:
    """:func:`race_decided` in SQL."""
    return sa.and_(results_known_sql(election_date, as_of), result.in_(DECIDED_RESULTS))


def seat_flipped(outcome: pd.Series, party: pd.Series, held_by: pd.Series) -> pd.Series:
    """Per race: won a seat that another party held before the election (both parties known,
    compared without case)."""
    party = party.fillna("").astype(str).str.upper()
    held = held_by.fillna("").astype(str).str.upper()
    return (outcome.eq("won") & held.ne("") & party.ne("") & held.ne(party)).astype(bool)


# --- projects ---------------------------------------------------------------------------------
def project_counts_sql() -> list[ColumnElement[bool]]:
    """A project that can count at all: active or completed, with a start (or completion) day."""
    return [P.c.status.in_(COUNTED_STATUSES), STARTED_ON.is_not(None)]


def project_started_sql(as_of: date) -> list[ColumnElement[bool]]:
    """A project that counts as started on ``as_of`` ("Projects started", the goal's count)."""
    return [*project_counts_sql(), STARTED_ON <= as_of]


# --- volunteers -------------------------------------------------------------------------------
def on_project_now_sql(day: Any) -> ColumnElement[bool]:
    """An assignment that runs on ``day`` (a date or a date column): "On a project now"."""
    return sa.and_(A.c.start_date <= day, sa.or_(ASSIGNMENT_END.is_(None), ASSIGNMENT_END >= day))


def ever_placed_sql(as_of: date) -> list[ColumnElement[bool]]:
    """An assignment that makes its volunteer "Ever placed" by ``as_of`` (joined to its project,
    which must count as started by then)."""
    return [A.c.removed_at.is_(None), A.c.start_date <= as_of, *project_started_sql(as_of)]
