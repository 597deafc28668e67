"""Volunteer supply: who signed up, who is on a project, who waits on the bench, how fast new
volunteers are placed and how often they stay to the end.

Queries aggregate in SQL and return small DataFrames; the pure functions below them turn those
into the page's figures. Every figure is computed as the program stood on an as-of day:

* a volunteer counts from their ``signed_up`` day;
* an assignment runs on a day when ``start_date <= day <= end``, where ``end`` is its
  ``end_date`` or, while that is blank, its project's completion date (open-ended otherwise);
* **enrolled**: signed up by the day; **active**: enrolled, and either their status is active
  (or blank) or they are on a project that day (the store keeps today's status only, so looking
  back, paused and left volunteers count as active only on the days they were on a project);
  **deployed**: active with at least one assignment running; **bench**: active, not deployed.

Which volunteers a filtered view counts: the *state* filter picks volunteers by their home state,
the *category* filter those who list at least one skill the category needs (see
:mod:`tfc_dash.figures.skills`). The cycle filter does not apply: volunteers serve across cycles.

Bad rows (an assignment that ends before it starts, hours a week below 0 or over 80, a volunteer
without a sign-up date, an assignment of an unknown volunteer or project, or one that starts
before its volunteer signed up) are left out of every figure and listed by :func:`bad_rows`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from tfc_dash.core import clock
from tfc_dash.core.catalogue import Scorecard, change_since, label, scorecard
from tfc_dash.figures.filters import Filters
from tfc_dash.figures.rules import ASSIGNMENT_END, on_project_now_sql
from tfc_dash.figures.skills import has_any_skill, parse_skills, skill_label, skills_for
from tfc_dash.store.database import Bind, read_frame
from tfc_dash.store.models import CATEGORY_LABELS, A, C, P, V

MAX_HOURS_PER_WEEK = 80
# The pool's two groups, as charts name them.
GROUP_LABELS = {"deployed": label("volunteers_on_project"), "bench": label("volunteers_bench")}
WEEK = timedelta(weeks=1)
# SQLite allows 500 terms in a compound SELECT: the week days go to the database in chunks.
_DAYS_PER_QUERY = 200

ACTIVE_STATUS: ColumnElement[bool] = sa.or_(
    V.c.status.is_(None), sa.func.lower(sa.func.trim(V.c.status)).in_(("active", ""))
)
# The end a volunteer commits to: the project's planned end.
PROJECT_END: ColumnElement[Any] = sa.func.coalesce(P.c.end_date, P.c.completed_date)


def hours_ok(column: ColumnElement[Any]) -> ColumnElement[bool]:
    return sa.or_(column.is_(None), sa.and_(column >= 0, column <= MAX_HOURS_PER_WEEK))


def valid_volunteer() -> list[ColumnElement[bool]]:
    """Conditions a volunteer row must meet to count at all."""
    return [V.c.removed_at.is_(None), V.c.signed_up.is_not(None), hours_ok(V.c.hours_per_week)]


def valid_assignment() -> list[ColumnElement[bool]]:
    """Conditions an assignment must meet to count (over :func:`assignments_joined`)."""
    return [
        A.c.removed_at.is_(None),
        sa.or_(A.c.end_date.is_(None), A.c.end_date >= A.c.start_date),
        hours_ok(A.c.hours_per_week),
        A.c.start_date >= V.c.signed_up,
        *valid_volunteer(),
    ]


def assignments_joined() -> sa.FromClause:
    """Assignments with their volunteer and their (not removed) project."""
    return A.join(V, V.c.volunteer_id == A.c.volunteer_id).join(
        P, sa.and_(P.c.project_id == A.c.project_id, P.c.removed_at.is_(None))
    )


def running_on(day: Any) -> ColumnElement[bool]:
    """The assignment runs on ``day`` (a date or a date column): see
    :mod:`tfc_dash.figures.rules`."""
    return on_project_now_sql(day)


def running_volunteers(as_of: date) -> sa.Subquery:
    """The distinct volunteers (column ``volunteer_id``) with a valid assignment running on
    ``as_of``: the deployed ones, whoever is not on the bench."""
    return (
        sa.select(A.c.volunteer_id.label("volunteer_id"))
        .select_from(assignments_joined())
        .where(*valid_assignment(), running_on(as_of))
        .distinct()
        .subquery("running")
    )


def volunteer_scope(filters: Filters) -> list[ColumnElement[bool]]:
    """The filters as they apply to volunteers: home state and skills, never the cycle."""
    conditions: list[ColumnElement[bool]] = []
    if filters.states is not None:
        conditions.append(V.c.home_state.in_(filters.states))
    if filters.categories is not None:
        conditions.append(has_any_skill(V.c.skills, skills_for(filters.categories)))
    return conditions


def for_volunteers(filters: Filters) -> Filters:
    """The part of ``filters`` volunteer queries use, so that every cycle shares one cache entry."""
    return Filters(cycle=None, states=filters.states, categories=filters.categories)


# --- bad rows -----------------------------------------------------------------------------------
BAD_ROW_COLUMNS = ["table", "problem", "volunteer_id", "project_id", "start_date", "state"]


def bad_rows(bind: Bind) -> pd.DataFrame:
    """Volunteer and assignment rows left out of the figures, one row per problem found.

    Columns: ``table``, ``problem``, ``volunteer_id``, ``project_id`` and ``start_date`` (the last
    two for assignments), and ``state``: the volunteer's home state, or the state of the
    assignment's campaign, so that a state lead's list holds their states' rows only.
    """
    vol = V.alias("v")
    known_vol = V.alias("known_v")
    known_project = P.alias("known_p")
    campaign = C.alias("c")

    def volunteer_problem(problem: str, condition: ColumnElement[bool]) -> sa.Select[Any]:
        return sa.select(
            sa.literal("volunteers").label("table"),
            sa.literal(problem).label("problem"),
            vol.c.volunteer_id.label("volunteer_id"),
            # Typed nulls: PostgreSQL will not UNION an untyped null with a date.
            sa.cast(sa.null(), sa.String).label("project_id"),
            sa.cast(sa.null(), sa.Date).label("start_date"),
            vol.c.home_state.label("state"),
        ).where(vol.c.removed_at.is_(None), condition)

    joined = (
        A.outerjoin(
            known_vol,
            sa.and_(known_vol.c.volunteer_id == A.c.volunteer_id, known_vol.c.removed_at.is_(None)),
        )
        .outerjoin(
            known_project,
            sa.and_(
                known_project.c.project_id == A.c.project_id, known_project.c.removed_at.is_(None)
            ),
        )
        .outerjoin(campaign, campaign.c.campaign_id == known_project.c.campaign_id)
    )

    def assignment_problem(problem: str, condition: ColumnElement[bool]) -> sa.Select[Any]:
        return (
            sa.select(
                sa.literal("assignments").label("table"),
                sa.literal(problem).label("problem"),
                A.c.volunteer_id.label("volunteer_id"),
                A.c.project_id.label("project_id"),
                A.c.start_date.label("start_date"),
                campaign.c.state.label("state"),
            )
            .select_from(joined)
            .where(A.c.removed_at.is_(None), condition)
        )

    hours = A.c.hours_per_week
    vhours = vol.c.hours_per_week
    statement = sa.union_all(
        volunteer_problem("no sign-up date", vol.c.signed_up.is_(None)),
        volunteer_problem(
            f"hours a week below 0 or over {MAX_HOURS_PER_WEEK}",
            sa.or_(vhours < 0, vhours > MAX_HOURS_PER_WEEK),
        ),
        assignment_problem("ends before it starts", A.c.end_date < A.c.start_date),
        assignment_problem(
            f"hours a week below 0 or over {MAX_HOURS_PER_WEEK}",
            sa.or_(hours < 0, hours > MAX_HOURS_PER_WEEK),
        ),
        assignment_problem("unknown volunteer", known_vol.c.volunteer_id.is_(None)),
        assignment_problem("unknown project", known_project.c.project_id.is_(None)),
        assignment_problem(
            "starts before the volunteer signed up", A.c.start_date < known_vol.c.signed_up
        ),
    )
    frame = read_frame(bind, statement)
    frame = frame.reindex(columns=BAD_ROW_COLUMNS)
    frame["start_date"] = frame["start_date"].map(clock.as_day_or_none)
    return frame.sort_values(
        ["table", "problem", "volunteer_id", "project_id"], ignore_index=True, na_position="first"
    )


def bad_row_summary(bad: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """How many rows of each kind of problem, and which (the first ``limit`` of them).

    Columns: ``table``, ``problem``, ``rows``, ``which`` (IDs; an assignment is named
    ``project · volunteer · start``).
    """
    if bad.empty:
        return pd.DataFrame(columns=["table", "problem", "rows", "which"])
    named = bad.assign(record=[_record_name(r) for r in bad.itertuples()])
    rows = []
    for (table, problem), group in named.groupby(["table", "problem"], sort=True):
        records = list(dict.fromkeys(group["record"]))
        which = ", ".join(records[:limit])
        if len(records) > limit:
            which += f" and {len(records) - limit} more"
        rows.append({"table": table, "problem": problem, "rows": len(records), "which": which})
    return pd.DataFrame(rows)


def _record_name(row: Any) -> str:
    if row.table == "volunteers":
        return str(row.volunteer_id)
    start = row.start_date.isoformat() if isinstance(row.start_date, date) else "?"
    return f"{row.project_id} · {row.volunteer_id} · {start}"


# --- the pool week by week --------------------------------------------------------------------
def week_days(first: date, as_of: date) -> list[date]:
    """Every 7 days back from ``as_of`` while on or after ``first``, oldest first."""
    if first > as_of:
        return [as_of]
    weeks = (as_of - first).days // 7
    return [as_of - WEEK * k for k in range(weeks, -1, -1)]


def _days_table(days: Sequence[date]) -> sa.Subquery:
    selects = [sa.select(sa.literal(d, sa.Date).label("day")) for d in days]
    if len(selects) == 1:
        return selects[0].subquery("days")
    return sa.union_all(*selects).subquery("days")


def pool_weeks(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """The volunteer pool every 7 days back from ``as_of`` to the first sign-up.

    Columns: ``day``, ``enrolled``, ``active``, ``deployed``, ``bench``, ``available_hours``,
    ``committed_hours``, ``utilization`` (see :func:`weekly_pool`).
    """
    scope = [*valid_volunteer(), *volunteer_scope(filters), V.c.signed_up <= as_of]
    status_active = sa.case((ACTIVE_STATUS, 1), else_=0)
    signups = read_frame(
        bind,
        sa.select(
            V.c.signed_up.label("day"),
            status_active.label("status_active"),
            sa.func.count().label("volunteers"),
            sa.func.sum(V.c.hours_per_week).label("hours"),
        )
        .where(*scope)
        .group_by(V.c.signed_up, status_active),
    )
    if signups.empty:
        return weekly_pool([as_of], signups, pd.DataFrame())
    first = min(clock.as_day(d) for d in signups["day"])
    days = week_days(first, as_of)
    running = pd.concat(
        [
            read_frame(bind, _running_by_day(days[i : i + _DAYS_PER_QUERY], filters))
            for i in range(0, len(days), _DAYS_PER_QUERY)
        ],
        ignore_index=True,
    )
    return weekly_pool(days, signups, running)


def _running_by_day(days: Sequence[date], filters: Filters) -> sa.Select[Any]:
    """Per day: volunteers deployed, those among them not active by status (and their hours),
    and the hours committed by volunteers who state their availability."""
    table = _days_table(days)
    status_active = sa.case((ACTIVE_STATUS, 1), else_=0)
    # Valid assignments first, grouped so that the database computes them once rather than
    # once per day (a GROUP BY subquery is not flattened into the join below).
    intervals = (
        sa.select(
            A.c.volunteer_id.label("volunteer_id"),
            A.c.start_date.label("start"),
            ASSIGNMENT_END.label("end"),
            status_active.label("status_active"),
            V.c.hours_per_week.label("available"),
            sa.func.sum(sa.func.coalesce(A.c.hours_per_week, 0)).label("hours"),
        )
        .select_from(assignments_joined())
        .where(*valid_assignment(), *volunteer_scope(filters))
        .group_by(
            A.c.volunteer_id, A.c.start_date, ASSIGNMENT_END, status_active, V.c.hours_per_week
        )
        .subquery("intervals")
    )
    runs = sa.and_(
        intervals.c.start <= table.c.day,
        sa.or_(intervals.c.end.is_(None), intervals.c.end >= table.c.day),
    )
    per_volunteer = (
        sa.select(
            table.c.day.label("day"),
            intervals.c.volunteer_id,
            intervals.c.status_active,
            intervals.c.available,
            sa.func.sum(intervals.c.hours).label("committed"),
        )
        .select_from(table.join(intervals, runs))
        .group_by(
            table.c.day,
            intervals.c.volunteer_id,
            intervals.c.status_active,
            intervals.c.available,
        )
        .subquery("per_volunteer")
    )
    inactive = per_volunteer.c.status_active == 0
    return sa.select(
        per_volunteer.c.day,
        sa.func.count().label("deployed"),
        sa.func.sum(sa.case((inactive, 1), else_=0)).label("deployed_inactive"),
        sa.func.sum(sa.case((inactive, per_volunteer.c.available), else_=None)).label(
            "available_inactive"
        ),
        sa.func.sum(
            sa.case((per_volunteer.c.available.is_not(None), per_volunteer.c.committed), else_=None)
        ).label("committed_hours"),
    ).group_by(per_volunteer.c.day)


def weekly_pool(days: Sequence[date], signups: pd.DataFrame, running: pd.DataFrame) -> pd.DataFrame:
    """Combine sign-ups (``day``, ``status_active``, ``volunteers``, ``hours``) and running
    assignments per day (``day``, ``deployed``, ``deployed_inactive``, ``available_inactive``,
    ``committed_hours``) into the pool on each of ``days``.

    * enrolled = sign-ups on or before the day;
    * active = enrolled with an active status + deployed volunteers with another status;
    * bench = active - deployed;
    * available_hours = hours a week of active volunteers who state them;
    * utilization = committed_hours / available_hours (NaN without available hours).
    """
    frame = pd.DataFrame({"day": pd.to_datetime(list(days)).astype("datetime64[ns]")})
    if signups.empty:
        frame["enrolled"] = 0
        frame["active_status"] = 0
        frame["available_status"] = 0.0
    else:
        s = signups.assign(
            day=pd.to_datetime(signups["day"].map(clock.as_day)).astype("datetime64[ns]"),
            active_n=signups["volunteers"] * signups["status_active"],
            active_hours=signups["hours"].fillna(0).astype(float) * signups["status_active"],
        )
        daily = s.groupby("day", as_index=False)[["volunteers", "active_n", "active_hours"]].sum()
        daily = daily.sort_values("day")
        cumulative = pd.DataFrame(
            {
                "day": daily["day"],
                "enrolled": daily["volunteers"].cumsum(),
                "active_status": daily["active_n"].cumsum(),
                "available_status": daily["active_hours"].cumsum(),
            }
        )
        frame = pd.merge_asof(frame, cumulative, on="day")
    columns = ["deployed", "deployed_inactive", "available_inactive", "committed_hours"]
    if running.empty:
        for column in columns:
            frame[column] = 0
    else:
        r = running.assign(
            day=pd.to_datetime(running["day"].map(clock.as_day)).astype("datetime64[ns]")
        )
        frame = frame.merge(r[["day", *columns]], on="day", how="left")
    frame = frame.fillna(0)
    for column in ("enrolled", "active_status", "deployed", "deployed_inactive"):
        frame[column] = frame[column].astype("int64")
    frame["active"] = frame["active_status"] + frame["deployed_inactive"]
    frame["bench"] = frame["active"] - frame["deployed"]
    frame["available_hours"] = frame["available_status"].astype(float) + frame[
        "available_inactive"
    ].astype(float)
    frame["committed_hours"] = frame["committed_hours"].astype(float)
    available = frame["available_hours"].where(frame["available_hours"] > 0)
    frame["utilization"] = frame["committed_hours"] / available
    return frame[
        [
            "day",
            "enrolled",
            "active",
            "deployed",
            "bench",
            "available_hours",
            "committed_hours",
            "utilization",
        ]
    ]


def pool_on(weekly: pd.DataFrame, day: date) -> dict[str, Any]:
    """The pool on ``day`` from :func:`pool_weeks` (zeros before the first sign-up)."""
    rows = weekly[weekly["day"] == pd.Timestamp(day)]
    if rows.empty:
        return {"enrolled": 0, "active": 0, "deployed": 0, "bench": 0, "available_hours": 0.0,
                "committed_hours": 0.0, "utilization": None}  # fmt: skip
    row = rows.iloc[-1]
    util = row["utilization"]
    return {
        "enrolled": int(row["enrolled"]),
        "active": int(row["active"]),
        "deployed": int(row["deployed"]),
        "bench": int(row["bench"]),
        "available_hours": float(row["available_hours"]),
        "committed_hours": float(row["committed_hours"]),
        "utilization": None if pd.isna(util) else float(util),
    }


def pool_chart_frame(weekly: pd.DataFrame) -> pd.DataFrame:
    """Deployed and bench per day, long format (``day``, ``group``, ``volunteers``)."""
    long = weekly.melt(
        id_vars="day", value_vars=["deployed", "bench"], var_name="group", value_name="volunteers"
    )
    long["group"] = long["group"].map(GROUP_LABELS)
    return long


# --- the pool on one day, broken down -------------------------------------------------------
BREAKDOWN_COLUMNS = ("home_state", "skills")


def pool_by(bind: Bind, filters: Filters, as_of: date, column: str) -> pd.DataFrame:
    """Active and deployed volunteers on ``as_of`` per value of ``column`` (``home_state`` or
    the raw ``skills`` cell). Columns: ``column``, ``active``, ``deployed``."""
    if column not in BREAKDOWN_COLUMNS:
        raise ValueError(f"cannot break volunteers down by {column!r}")
    running = running_volunteers(as_of)
    group = V.c[column]
    deployed = running.c.volunteer_id.is_not(None)
    statement = (
        sa.select(
            group.label(column),
            sa.func.count().label("active"),
            sa.func.count(running.c.volunteer_id).label("deployed"),
        )
        .select_from(V.outerjoin(running, running.c.volunteer_id == V.c.volunteer_id))
        .where(
            *valid_volunteer(),
            *volunteer_scope(filters),
            V.c.signed_up <= as_of,
            sa.or_(ACTIVE_STATUS, deployed),
        )
        .group_by(group)
    )
    frame = read_frame(bind, statement)
    return frame.reindex(columns=[column, "active", "deployed"])


def breakdown_by_home_state(frame: pd.DataFrame) -> pd.DataFrame:
    """Deployed and bench volunteers per home state, long format, largest state first.

    Columns: ``label``, ``group`` (Deployed/Bench), ``volunteers``, ``total``.
    """
    labels = frame["home_state"].fillna("").astype(str).str.strip().str.upper()
    frame = frame.assign(label=labels.where(labels != "", "Unknown"))
    return _long_breakdown(frame)


def breakdown_by_skill(frame: pd.DataFrame, only: Sequence[str] | None = None) -> pd.DataFrame:
    """Deployed and bench volunteers per skill (a volunteer counts under each skill they list),
    long format; ``only`` keeps those skills. Columns as :func:`breakdown_by_home_state`, plus
    ``skill``."""
    exploded = per_skill(frame)
    if only is not None:
        exploded = exploded[exploded["skill"].isin(only)]
    return _long_breakdown(exploded.rename(columns={"skill_label": "label"}))


def skills_in_view(filters: Filters) -> tuple[str, ...] | None:
    """The skills a breakdown by skill shows: the selected categories' (None: every skill)."""
    return None if filters.categories is None else skills_for(filters.categories)


def per_skill(frame: pd.DataFrame) -> pd.DataFrame:
    """``active`` and ``deployed`` summed per skill from a frame with a raw ``skills`` column.

    Columns: ``skill``, ``skill_label``, ``active``, ``deployed``, ``bench``.
    """
    if frame.empty:
        return pd.DataFrame(columns=["skill", "skill_label", "active", "deployed", "bench"])
    rows: dict[str, list[int]] = {}
    for skills, active, deployed in frame[["skills", "active", "deployed"]].itertuples(
        index=False, name=None
    ):
        for skill in parse_skills(skills) or ("",):
            totals = rows.setdefault(skill, [0, 0])
            totals[0] += int(active)
            totals[1] += int(deployed)
    out = pd.DataFrame(
        [(skill, a, d) for skill, (a, d) in rows.items()], columns=["skill", "active", "deployed"]
    )
    out["skill_label"] = [skill_label(s) if s else "No skills listed" for s in out["skill"]]
    out["bench"] = out["active"] - out["deployed"]
    return out.sort_values("skill", ignore_index=True)[
        ["skill", "skill_label", "active", "deployed", "bench"]
    ]


def _long_breakdown(frame: pd.DataFrame) -> pd.DataFrame:
    columns = ["label", "group", "volunteers", "total"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    grouped = frame.groupby("label", as_index=False)[["active", "deployed"]].sum()
    grouped["bench"] = grouped["active"] - grouped["deployed"]
    grouped = grouped[grouped["active"] > 0].rename(columns={"active": "total"})
    grouped = grouped.sort_values(["total", "label"], ascending=[False, True])
    long = grouped.melt(
        id_vars=["label", "total"],
        value_vars=["deployed", "bench"],
        var_name="group",
        value_name="volunteers",
    )
    long["group"] = long["group"].map(GROUP_LABELS)
    return long[columns].reset_index(drop=True)


# --- placement ------------------------------------------------------------------------------
def placement_cohorts(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """Volunteers signed up by ``as_of`` grouped by sign-up day, first assignment's start (null:
    not placed by then) and whether they started a second project by then.

    Columns: ``signed_up``, ``first_start``, ``repeat`` (0/1), ``volunteers``.
    """
    placed = (
        sa.select(
            A.c.volunteer_id.label("volunteer_id"),
            sa.func.min(A.c.start_date).label("first_start"),
            sa.func.count(sa.distinct(A.c.project_id)).label("projects"),
        )
        .select_from(assignments_joined())
        .where(*valid_assignment(), A.c.start_date <= as_of)
        .group_by(A.c.volunteer_id)
        .subquery("placed")
    )
    repeat = sa.case((placed.c.projects >= 2, 1), else_=0)
    statement = (
        sa.select(
            V.c.signed_up.label("signed_up"),
            placed.c.first_start.label("first_start"),
            repeat.label("repeat"),
            sa.func.count().label("volunteers"),
        )
        .select_from(V.outerjoin(placed, placed.c.volunteer_id == V.c.volunteer_id))
        .where(*valid_volunteer(), *volunteer_scope(filters), V.c.signed_up <= as_of)
        .group_by(V.c.signed_up, placed.c.first_start, repeat)
    )
    frame = read_frame(bind, statement).reindex(
        columns=["signed_up", "first_start", "repeat", "volunteers"]
    )
    frame["signed_up"] = pd.to_datetime(frame["signed_up"].map(clock.as_day))
    frame["first_start"] = pd.to_datetime(frame["first_start"].map(clock.as_day_or_none))
    # Sorted here rather than in SQL: SQLite and PostgreSQL put nulls at opposite ends.
    return frame.sort_values(
        ["signed_up", "first_start", "repeat"], na_position="first", ignore_index=True
    )


def _placed(cohorts: pd.DataFrame) -> pd.DataFrame:
    placed = cohorts[cohorts["first_start"].notna()]
    return placed.assign(days=(placed["first_start"] - placed["signed_up"]).dt.days)


def median_days_to_first_placement(cohorts: pd.DataFrame) -> float | None:
    """The median, over placed volunteers, of days from sign-up to their first assignment."""
    placed = _placed(cohorts)
    if placed.empty:
        return None
    return float(np.median(np.repeat(placed["days"].to_numpy(), placed["volunteers"].to_numpy())))


def repeat_rate(cohorts: pd.DataFrame) -> float | None:
    """Placed volunteers who started a second project / placed volunteers."""
    placed = cohorts[cohorts["first_start"].notna()]
    total = int(placed["volunteers"].sum())
    if total == 0:
        return None
    return int(placed.loc[placed["repeat"] == 1, "volunteers"].sum()) / total


def placement_trend(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Per sign-up month: volunteers signed up, those placed by the as-of day, the share placed
    and the median days to first placement of those placed.

    Columns: ``month`` (Timestamp, first of the month), ``signed_up``, ``placed``,
    ``share_placed``, ``median_days`` (NaN when nobody of that month is placed).
    """
    columns = ["month", "signed_up", "placed", "share_placed", "median_days"]
    if cohorts.empty:
        return pd.DataFrame(columns=columns)
    month = cohorts["signed_up"].dt.to_period("M").dt.to_timestamp()
    frame = cohorts.assign(month=month)
    counts = frame.groupby("month").agg(signed_up=("volunteers", "sum"))
    placed = _placed(frame)
    counts["placed"] = placed.groupby("month")["volunteers"].sum()
    # One value per volunteer, so that the median weighs each volunteer once.
    each = pd.DataFrame(
        {
            "month": np.repeat(placed["month"].to_numpy(), placed["volunteers"].to_numpy()),
            "days": np.repeat(placed["days"].to_numpy(), placed["volunteers"].to_numpy()),
        }
    )
    counts["median_days"] = each.groupby("month")["days"].median()
    counts["placed"] = counts["placed"].fillna(0).astype("int64")
    counts["signed_up"] = counts["signed_up"].astype("int64")
    counts["share_placed"] = counts["placed"] / counts["signed_up"].where(counts["signed_up"] > 0)
    counts["median_days"] = counts["median_days"].astype(float)
    return counts.reset_index()[columns]


# --- completion -----------------------------------------------------------------------------
def assignment_completion(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """Assignments over by ``as_of`` and those that ran to their project's planned end.

    An assignment is over when its end (see the module) is on or before ``as_of``; it ran its
    committed period when that end is on or after the project's ``end_date`` (else its
    ``completed_date``). Cancelled projects and projects without an end are left out.
    One row: ``ended``, ``ran_full``.
    """
    statement = (
        sa.select(
            sa.func.count().label("ended"),
            sa.func.coalesce(
                sa.func.sum(sa.case((ASSIGNMENT_END >= PROJECT_END, 1), else_=0)), 0
            ).label("ran_full"),
        )
        .select_from(assignments_joined())
        .where(
            *valid_assignment(),
            *volunteer_scope(filters),
            P.c.status != "cancelled",
            PROJECT_END.is_not(None),
            ASSIGNMENT_END.is_not(None),
            ASSIGNMENT_END <= as_of,
        )
    )
    frame = read_frame(bind, statement)
    return frame.astype({"ended": "int64", "ran_full": "int64"})


def completion_rate(completion: pd.DataFrame) -> float | None:
    ended = int(completion["ended"].sum()) if not completion.empty else 0
    if ended == 0:
        return None
    return int(completion["ran_full"].sum()) / ended


# --- scorecards -----------------------------------------------------------------------------
def _percent(value: float | None) -> int | None:
    return None if value is None else round(value * 100)


def volunteer_scorecards(
    weekly: pd.DataFrame, cohorts: pd.DataFrame, completion: pd.DataFrame, as_of: date
) -> list[Scorecard]:
    """The Volunteers page's scorecards; counts carry their change over the last 4 weeks."""
    now = pool_on(weekly, as_of)
    before = pool_on(weekly, change_since(as_of))
    median = median_days_to_first_placement(cohorts)
    util = now["utilization"]
    hours = (
        f"On this day: {now['committed_hours']:,.0f} h committed of {now['available_hours']:,.0f} "
        "h offered (blank hours count in neither)."
    )
    return [
        scorecard("volunteers_enrolled", now["enrolled"], now["enrolled"] - before["enrolled"]),
        scorecard("volunteers_active", now["active"], now["active"] - before["active"]),
        scorecard("volunteers_on_project", now["deployed"], now["deployed"] - before["deployed"]),
        scorecard("volunteers_bench", now["bench"], now["bench"] - before["bench"]),
        scorecard("utilization", _percent(util), None, hours, suffix="%"),
        scorecard(
            "days_to_first_placement",
            None if median is None else round(median),
            None,
            suffix=" days",
        ),
        scorecard("repeat_rate", _percent(repeat_rate(cohorts)), None, suffix="%"),
        scorecard("completion_rate", _percent(completion_rate(completion)), None, suffix="%"),
    ]


# --- words for the page -----------------------------------------------------------------------
SCOPE_NOTE = (
    "Volunteers are counted by their home state (the state filter) and by the skills they list "
    "(the category filter keeps those with a skill the category needs). The cycle filter does "
    "not apply to volunteers: they serve across cycles."
)
HELP: dict[str, str] = {
    "pool": (
        "Every 7 days back from the as-of date: on a project now = active volunteers with an "
        "assignment running that day; on the bench = active − on a project now. Together they "
        "make the active volunteers."
    ),
    "by_skill": (
        "Active volunteers on the as-of date per skill they list; a volunteer with three skills "
        "counts under each of them. With a category filter, only the skills it needs show."
    ),
    "by_home_state": "Active volunteers on the as-of date per home state.",
    "placement": (
        "For volunteers who signed up in each month: the median days from sign-up to the start "
        "of their first assignment, over those placed by the as-of date (the tooltip gives the "
        "share placed). Recent months look faster: only the quickly placed have been placed yet."
    ),
}


def describe_scope(filters: Filters) -> str:
    """The filters as they apply to volunteers, for the page's caption."""
    if filters.states is None:
        where = "Volunteers from every state"
    elif not filters.states:
        where = "No volunteers (no state in your view)"
    else:
        where = "Volunteers living in " + ", ".join(filters.states)
    skills = (
        "any skills"
        if filters.categories is None
        else "skills for " + ", ".join(CATEGORY_LABELS.get(c, c) for c in filters.categories)
    )
    cycle = " · the cycle filter does not apply to volunteers" if filters.cycle else ""
    return f"{where} with {skills}{cycle}"


def bad_data_message(bad: pd.DataFrame) -> str | None:
    """One sentence on the rows left out, or None when there are none."""
    if bad.empty:
        return None
    volunteers = bad.loc[bad["table"] == "volunteers", "volunteer_id"].nunique()
    assignments = len(
        bad[bad["table"] == "assignments"].drop_duplicates(
            ["project_id", "volunteer_id", "start_date"]
        )
    )
    parts = []
    if volunteers:
        parts.append(f"{volunteers} volunteer{'s' if volunteers != 1 else ''}")
    if assignments:
        parts.append(f"{assignments} assignment{'s' if assignments != 1 else ''}")
    return (
        f"**Bad data left out of the figures:** {' and '.join(parts)}. A volunteer left out "
        "takes their assignments with them. Fix the rows in the spreadsheet; the list says which."
    )


BAD_ROW_LABELS: dict[str, str] = {
    "table": "Tab",
    "problem": "Problem",
    "rows": "Rows",
    "which": "Which (assignments as project · volunteer · start)",
}


def bad_rows_note(bad: pd.DataFrame) -> str | None:
    """A short note for pages whose team counts leave bad rows out, or None."""
    if bad.empty:
        return None
    rows = len(bad.drop_duplicates(["table", "volunteer_id", "project_id", "start_date"]))
    return (
        f"{rows} bad volunteer or assignment row{'s are' if rows != 1 else ' is'} left out of the "
        "team counts: the Volunteers page lists them."
    )
