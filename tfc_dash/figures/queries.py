"""What the pages ask of the store. Each query aggregates in SQL and returns a DataFrame.

Queries take a ``bind`` (an Engine or a Connection, so the sync can compute its snapshot inside its
own transaction) and already-scoped :class:`~tfc_dash.figures.filters.Filters` (see ``policy``).

When is a project counted? :mod:`tfc_dash.figures.rules` says (one rule for every page): a
project counts toward the goal from the day it started (its ``start_date``) and as completed from
its ``completed_date``; projects still in scoping or cancelled never count. Those two dates let
every figure be computed as the program stood on any past day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from tfc_dash.core import clock
from tfc_dash.core.clock import week_of
from tfc_dash.figures import rules
from tfc_dash.figures.filters import Filters
from tfc_dash.figures.rules import COMPLETED_ON, COUNTED_STATUSES, STARTED_ON
from tfc_dash.store.database import Bind, connection, engine_of, read_frame, translate_errors
from tfc_dash.store.models import A, C, F, P, V


def campaign_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """The shared filters as they apply to campaigns: not removed, their cycle and state."""
    conditions: list[ColumnElement[bool]] = [C.c.removed_at.is_(None)]
    if filters.cycle is not None:
        conditions.append(C.c.cycle == filters.cycle)
    if filters.states is not None:
        conditions.append(C.c.state.in_(filters.states))
    return conditions


def project_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """The shared filters as they apply to projects joined to their campaigns (any status)."""
    conditions = [P.c.removed_at.is_(None), *campaign_conditions(filters)]
    if filters.categories is not None:
        conditions.append(P.c.category.in_(filters.categories))
    return conditions


def counted_project_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """:func:`project_conditions` for the projects that count toward a goal (started)."""
    return [*project_conditions(filters), *rules.project_counts_sql()]


def started_project_conditions(filters: Filters, as_of: date) -> list[ColumnElement[bool]]:
    """:func:`project_conditions` for the projects started by ``as_of`` (rules.py)."""
    return [*project_conditions(filters), *rules.project_started_sql(as_of)]


# A project as every list names it (the columns of :func:`project_identity`).
PROJECT_IDENTITY = (
    "project_id", "project_name", "candidate", "state", "chamber", "district", "category",
)  # fmt: skip


def project_identity() -> list[ColumnElement[Any]]:
    """A project as every list names it, joined to its campaign: :data:`PROJECT_IDENTITY`."""
    return [
        P.c.project_id,
        P.c.name.label("project_name"),
        C.c.candidate,
        C.c.state,
        C.c.chamber,
        C.c.district,
        P.c.category,
    ]


def _projects_with_campaigns() -> sa.FromClause:
    return P.join(C, P.c.campaign_id == C.c.campaign_id)


def project_counts(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """Projects started, completed and active on ``as_of``, by state and category."""
    started = sa.func.sum(sa.case((STARTED_ON <= as_of, 1), else_=0))
    completed = sa.func.sum(sa.case((COMPLETED_ON <= as_of, 1), else_=0))
    statement = (
        sa.select(
            C.c.state.label("state"),
            P.c.category.label("category"),
            started.label("started"),
            completed.label("completed"),
        )
        .select_from(_projects_with_campaigns())
        .where(*started_project_conditions(filters, as_of))
        .group_by(C.c.state, P.c.category)
        .order_by(C.c.state, P.c.category)
    )
    frame = read_frame(bind, statement, ["state", "category", "started", "completed"])
    frame["started"] = frame["started"].astype("int64")
    frame["completed"] = frame["completed"].astype("int64")
    frame["active"] = frame["started"] - frame["completed"]
    return frame


def reach_counts(bind: Bind, filters: Filters, as_of: date) -> dict[str, int]:
    """Distinct campaigns, states and volunteers reached by the projects started by ``as_of``."""
    scope = started_project_conditions(filters, as_of)
    campaigns_states = (
        sa.select(
            sa.func.count(sa.distinct(C.c.campaign_id)), sa.func.count(sa.distinct(C.c.state))
        )
        .select_from(_projects_with_campaigns())
        .where(*scope)
    )
    volunteers = volunteers_placed(filters, as_of)
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        campaigns, states = conn.execute(campaigns_states).one()
        deployed = conn.execute(volunteers).scalar_one()
    return {"campaigns": int(campaigns), "states": int(states), "volunteers": int(deployed)}


def volunteers_placed(filters: Filters, as_of: date, *by: Any) -> sa.Select[Any]:
    """Distinct volunteers "Ever placed" by ``as_of`` on the projects in view (column
    ``volunteers``), per value of the ``by`` columns (none: one count)."""
    return (
        sa.select(*by, sa.func.count(sa.distinct(A.c.volunteer_id)).label("volunteers"))
        .select_from(
            A.join(P, A.c.project_id == P.c.project_id).join(C, P.c.campaign_id == C.c.campaign_id)
        )
        .where(*project_conditions(filters), *rules.ever_placed_sql(as_of))
        .group_by(*by)
    )


def project_timeline(bind: Bind, filters: Filters) -> pd.DataFrame:
    """Projects started and completed per day: columns ``day``, ``started``, ``completed``."""
    base = _projects_with_campaigns()
    conditions = counted_project_conditions(filters)
    starts = (
        sa.select(STARTED_ON.label("day"), sa.func.count().label("n"))
        .select_from(base)
        .where(*conditions)
        .group_by(STARTED_ON)
    )
    ends = (
        sa.select(COMPLETED_ON.label("day"), sa.func.count().label("n"))
        .select_from(base)
        .where(*conditions, COMPLETED_ON.is_not(None))
        .group_by(COMPLETED_ON)
    )
    started = read_frame(bind, starts, ["day", "started"])
    completed = read_frame(bind, ends, ["day", "completed"])
    timeline = started.merge(completed, on="day", how="outer").fillna(0)
    if timeline.empty:
        return pd.DataFrame(
            {
                "day": pd.Series([], dtype="datetime64[s]"),
                "started": pd.Series([], dtype="int64"),
                "completed": pd.Series([], dtype="int64"),
            }
        )
    timeline["day"] = pd.to_datetime(timeline["day"])
    timeline["started"] = timeline["started"].astype("int64")
    timeline["completed"] = timeline["completed"].astype("int64")
    return timeline.sort_values("day", ignore_index=True)


def cycles(bind: Bind) -> list[int]:
    """Election cycles present in the data, newest first."""
    statement = (
        sa.select(C.c.cycle).distinct().where(C.c.removed_at.is_(None)).order_by(C.c.cycle.desc())
    )
    frame = read_frame(bind, statement, ["cycle"])
    return [int(c) for c in frame["cycle"]]


def cycles_with_races(bind: Bind, states: tuple[str, ...] | None) -> list[int]:
    """Cycles, newest first, in which ``states`` (None: any state) had program campaigns."""
    conditions = [C.c.removed_at.is_(None)]
    if states is not None:
        conditions.append(C.c.state.in_(states))
    statement = sa.select(C.c.cycle).distinct().where(*conditions).order_by(C.c.cycle.desc())
    return [int(c) for c in read_frame(bind, statement, ["cycle"])["cycle"]]


def cycle_end(bind: Bind, filters: Filters) -> date | None:
    """The last election day of the campaigns in view (None without a cycle or campaigns)."""
    if filters.cycle is None:
        return None
    statement = sa.select(sa.func.max(C.c.election_date)).where(*campaign_conditions(filters))
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        value = conn.execute(statement).scalar()
    return None if value is None else clock.as_day(value)


def states_in_data(bind: Bind) -> list[str]:
    statement = sa.select(C.c.state).distinct().where(C.c.removed_at.is_(None)).order_by(C.c.state)
    return list(read_frame(bind, statement, ["state"])["state"])


def latest_data_date(bind: Bind, today: date | None = None) -> date | None:
    """The newest day on which something happened in the data, never after ``today``
    (:func:`tfc_dash.core.clock.today` unless given): the as-of date's default.

    Days that count: a project's start and its completion (``completed_date``, else the end date
    of a completed project), a race's election day once the data has its result (won or lost), a
    volunteer's sign-up and an assignment's start. Planned days (an active project's end date, the
    election day of a race still pending) and rows marked removed do not count.
    """
    today = today or clock.today()
    live_projects = sa.and_(P.c.removed_at.is_(None), P.c.status.in_(COUNTED_STATUSES))
    events = [
        sa.select(sa.func.max(P.c.start_date)).where(live_projects, P.c.start_date <= today),
        sa.select(sa.func.max(COMPLETED_ON)).where(live_projects, COMPLETED_ON <= today),
        sa.select(sa.func.max(C.c.election_date)).where(
            C.c.removed_at.is_(None),
            rules.race_decided_sql(C.c.election_date, C.c.result, today),
        ),
        sa.select(sa.func.max(V.c.signed_up)).where(
            V.c.removed_at.is_(None), V.c.signed_up <= today
        ),
        sa.select(sa.func.max(A.c.start_date)).where(
            A.c.removed_at.is_(None), A.c.start_date <= today
        ),
    ]
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        found = [conn.execute(q).scalar() for q in events]
    days = [clock.as_day(d) for d in found if d is not None]
    return max(days) if days else None


def data_range(bind: Bind, today: date | None = None) -> tuple[date, date]:
    """The first day in the data and the as-of date's default (:func:`latest_data_date`).

    An as-of date may be any day from the first to ``today`` (see :func:`as_of_bounds`).
    """
    today = today or clock.today()
    latest = latest_data_date(bind, today) or today
    timeline = project_timeline(bind, Filters())
    first = timeline["day"].min().date() if not timeline.empty else latest
    return min(first, latest), latest


@dataclass(frozen=True)
class AsOfBounds:
    """The days an as-of date may be (``first`` to ``last``, today) and its default."""

    first: date
    default: date
    last: date


def as_of_bounds(bind: Bind, today: date) -> AsOfBounds:
    """What the sidebar's date picker, a link's ``as_of`` and the export's ``--as-of`` accept:
    any day from the first in the data up to ``today``; by default the latest day in the data.

    ``today`` is an argument (not read here) so that a cached answer is keyed by the day.
    """
    first, latest = data_range(bind, today)
    return AsOfBounds(first=min(first, today), default=min(latest, today), last=today)


def headline_metrics(bind: Bind, as_of: date) -> dict[str, Any]:
    """The program's headline figures on ``as_of``, as stored with each sync run."""
    everything = Filters()
    counts = project_counts(bind, everything, as_of)
    reach = reach_counts(bind, everything, as_of)
    enrolled = volunteers_enrolled(bind, everything, as_of)
    return {
        "as_of": as_of.isoformat(),
        "projects_started": int(counts["started"].sum()),
        "projects_completed": int(counts["completed"].sum()),
        "projects_active": int(counts["active"].sum()),
        "campaigns": reach["campaigns"],
        "states": reach["states"],
        "volunteers_deployed": reach["volunteers"],
        "volunteers_enrolled": enrolled,
    }


# The headline figures kept per week with every sync run (SyncRun.weekly), by the timeline column
# that counts them: enough to say what any past week's figure was as each sync saw it.
def run_figures(bind: Bind) -> tuple[dict[str, Any], dict[str, dict[str, int]]]:
    """What a seeding run records of the store it wrote: the headline figures on the latest data
    date and the weekly series (``database.replace_dataset`` takes it as ``figures``)."""
    as_of = latest_data_date(bind)
    return (headline_metrics(bind, as_of) if as_of else {}), weekly_series(bind)


WEEKLY_FIGURES = {"projects_started": "started", "projects_completed": "completed"}


def weekly_series(bind: Bind) -> dict[str, dict[str, int]]:
    """Projects started and completed per week (Monday, ISO day), for the whole program.

    The cumulative sum up to a week is the figure as of that week's end; a sync stores this with
    its run, so a later sync that removes rows or moves dates shows as a revision of past weeks.
    """
    timeline = project_timeline(bind, Filters())
    if timeline.empty:
        return {figure: {} for figure in WEEKLY_FIGURES}
    weeks = timeline["day"].dt.date.map(week_of)
    out: dict[str, dict[str, int]] = {}
    for figure, column in WEEKLY_FIGURES.items():
        counts = timeline[column].groupby(weeks).sum()
        out[figure] = {
            day.isoformat(): int(n) for day, n in zip(counts.index, counts, strict=True) if n
        }
    return out


def volunteers_enrolled(bind: Bind, filters: Filters, as_of: date) -> int:
    """Volunteers signed up on or before ``as_of`` (by home state under a state filter)."""
    conditions = [V.c.removed_at.is_(None), V.c.signed_up <= as_of]
    if filters.states is not None:
        conditions.append(V.c.home_state.in_(filters.states))
    statement = sa.select(sa.func.count()).where(*conditions)
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        return int(conn.execute(statement).scalar_one())


def projects_any_status(bind: Bind, filters: Filters, as_of: date) -> int:
    """Projects in the view whatever their status (those not started by ``as_of`` included)."""
    statement = (
        sa.select(sa.func.count())
        .select_from(_projects_with_campaigns())
        .where(*project_conditions(filters))
    )
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        return int(conn.execute(statement).scalar_one())


def crowdfunding_raised(bind: Bind, as_of: date) -> float | None:
    """The crowdfunding running total on ``as_of`` (the latest row's raised_usd), or None."""
    statement = (
        sa.select(F.c.raised_usd)
        .where(F.c.removed_at.is_(None), F.c.date <= as_of)
        .order_by(F.c.date.desc())
        .limit(1)
    )
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        value = conn.execute(statement).scalar()
    return None if value is None else float(value)
