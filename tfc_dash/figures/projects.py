"""The project explorer and a project's detail: its campaign, team, timeline and outcomes.

A project's status *on the as-of day*: scoping and cancelled projects keep their status; an
active or completed project is completed from its completion date (``completed_date``, else
``end_date``) and active from its start; one that starts after the as-of day is not listed.
Its team counts the volunteers with a valid assignment (see :mod:`tfc_dash.figures.volunteering`)
started by the as-of day; its open seats are ``volunteers_needed`` minus the team running that
day, for active projects.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from tfc_dash.core.catalogue import Scorecard, metric_label, scorecard
from tfc_dash.core.clock import as_day_or_none
from tfc_dash.core.text import day_label
from tfc_dash.figures.filters import Filters
from tfc_dash.figures.queries import PROJECT_IDENTITY, project_conditions, project_identity
from tfc_dash.figures.rules import ASSIGNMENT_END, COMPLETED_ON, STARTED_ON
from tfc_dash.figures.staffing import team_ever, team_on
from tfc_dash.figures.volunteering import MAX_HOURS_PER_WEEK, PROJECT_END, valid_assignment
from tfc_dash.store.database import Bind, read_frame
from tfc_dash.store.models import CATEGORY_LABELS, OUT, A, C, P, V

PAGE_SIZE = 50
STATUS_LABELS: dict[str, str] = {
    "scoping": "Scoping",
    "active": "Active",
    "completed": "Completed",
    "cancelled": "Cancelled",
}
CHAMBER_LABELS: dict[str, str] = {
    "lower": "State house",
    "upper": "State senate",
    "congress": "US House",
    "statewide": "Statewide",
    "local": "Local",
}
LIST_COLUMNS = [
    *PROJECT_IDENTITY,
    "status",
    "start_date",
    "end_date",
    "volunteers_needed",
    "team",
    "open_seats",
    "cycle",
]


def status_on(as_of: date) -> ColumnElement[Any]:
    """SQL: the project's status on ``as_of`` (null when it starts later)."""
    return sa.case(
        (P.c.status.in_(("scoping", "cancelled")), P.c.status),
        (COMPLETED_ON <= as_of, "completed"),
        (STARTED_ON <= as_of, "active"),
        (STARTED_ON.is_(None), P.c.status),
        else_=None,
    )


def project_list(
    bind: Bind,
    filters: Filters,
    as_of: date,
    chambers: tuple[str, ...] = (),
    statuses: tuple[str, ...] = (),
    text: str = "",
) -> pd.DataFrame:
    """Projects in the view on ``as_of``: the shared filters, then chambers and statuses (empty:
    all) and a free text found in the project's ID or name, the candidate, the campaign ID or
    the district. Columns: :data:`LIST_COLUMNS`; newest start first, scoping last."""
    ever = team_ever(as_of)
    now = team_on(as_of)
    status = status_on(as_of).label("status")
    conditions = project_conditions(filters)
    if chambers:
        conditions.append(C.c.chamber.in_(chambers))
    text = text.strip()
    if text:
        conditions.append(
            sa.or_(
                *(
                    column.icontains(text, autoescape=True)
                    for column in (P.c.project_id, P.c.name, C.c.candidate, C.c.campaign_id)
                ),
                C.c.district == text,
            )
        )
    inner = (
        sa.select(
            *project_identity(),
            status,
            STARTED_ON.label("start_date"),
            P.c.end_date,
            P.c.volunteers_needed,
            sa.func.coalesce(ever.c.ever, 0).label("team"),
            sa.func.coalesce(now.c.team, 0).label("team_now"),
            C.c.cycle,
        )
        .select_from(
            P.join(C, C.c.campaign_id == P.c.campaign_id)
            .outerjoin(ever, ever.c.project_id == P.c.project_id)
            .outerjoin(now, now.c.project_id == P.c.project_id)
        )
        .where(*conditions)
        .subquery("listed")
    )
    statement = sa.select(inner).where(inner.c.status.is_not(None))
    if statuses:
        statement = statement.where(inner.c.status.in_(statuses))
    statement = statement.order_by(
        inner.c.start_date.is_(None), inner.c.start_date.desc(), inner.c.project_id
    )
    frame = read_frame(bind, statement)
    if frame.empty:
        return pd.DataFrame(columns=LIST_COLUMNS)
    needed = pd.to_numeric(frame["volunteers_needed"], errors="coerce").astype("Int64")
    frame["volunteers_needed"] = needed
    open_seats = (needed - frame["team_now"]).clip(lower=0)
    frame["open_seats"] = open_seats.where(frame["status"] == "active")
    frame["team"] = frame["team"].astype("int64")
    return frame[LIST_COLUMNS]


def explorer_scorecards(listed: pd.DataFrame) -> list[Scorecard]:
    """Counts over the listed projects."""
    status = listed["status"] if len(listed) else pd.Series([], dtype=str)
    open_seats: pd.Series = (
        listed["open_seats"].fillna(0) if len(listed) else pd.Series([], dtype=int)
    )
    return [
        scorecard("projects_any_status", len(listed)),
        scorecard("projects_active", int((status == "active").sum())),
        scorecard("projects_completed", int((status == "completed").sum())),
        scorecard("projects_understaffed", int((open_seats > 0).sum())),
        scorecard("open_seats", int(open_seats.sum())),
    ]


def status_breakdown(listed: pd.DataFrame) -> pd.DataFrame:
    """Listed projects per category and status, for the chart.

    Columns: ``category``, ``label``, ``status``, ``projects``, ``total``.
    """
    columns = ["category", "label", "status", "projects", "total"]
    if listed.empty:
        return pd.DataFrame(columns=columns)
    grouped = listed.groupby(["category", "status"], as_index=False).size()
    grouped = grouped.rename(columns={"size": "projects"})
    grouped["label"] = grouped["category"].map(CATEGORY_LABELS).fillna(grouped["category"])
    grouped["status"] = grouped["status"].map(STATUS_LABELS).fillna(grouped["status"])
    grouped["total"] = grouped.groupby("category")["projects"].transform("sum")
    return grouped.sort_values(["total", "category"], ascending=[False, True], ignore_index=True)[
        columns
    ]


def page_of(frame: pd.DataFrame, page: int, size: int = PAGE_SIZE) -> pd.DataFrame:
    """Rows of the 1-based ``page`` (clamped to the pages there are)."""
    pages = page_count(len(frame), size)
    page = min(max(page, 1), pages)
    return frame.iloc[(page - 1) * size : page * size]


def page_count(rows: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-rows // size))


def project_link(project_id: str, params: Mapping[str, Sequence[str]] | None = None) -> str:
    """A relative link to the project's detail that keeps the shared filters of ``params``."""
    kept = {k: list(v) for k, v in (params or {}).items() if k in ("as_of",) and v}
    return "?" + urlencode({**kept, "project": project_id}, doseq=True)


def for_display(listed: pd.DataFrame, params: Mapping[str, Sequence[str]] | None) -> pd.DataFrame:
    """The explorer's rows as shown: readable labels and a link to each project's detail."""
    shown = listed.copy()
    shown.insert(0, "link", [project_link(pid, params) for pid in shown["project_id"]])
    shown["category"] = shown["category"].map(CATEGORY_LABELS).fillna(shown["category"])
    shown["status"] = shown["status"].map(STATUS_LABELS).fillna(shown["status"])
    shown["chamber"] = shown["chamber"].map(CHAMBER_LABELS).fillna(shown["chamber"])
    return shown


# --- one project ------------------------------------------------------------------------------
DETAIL_COLUMNS = [
    "project_id",
    "project_name",
    "category",
    "status",
    "start_date",
    "end_date",
    "completed_date",
    "volunteers_needed",
    "campaign_id",
    "candidate",
    "party",
    "state",
    "chamber",
    "district",
    "election_date",
    "cycle",
    "result",
    "vote_share",
    "seat_held_by",
]


def project_detail(bind: Bind, project_id: str) -> pd.DataFrame:
    """The project and its campaign, one row (none when unknown). Columns: DETAIL_COLUMNS."""
    statement = (
        sa.select(
            *project_identity(),
            P.c.status,
            P.c.start_date,
            P.c.end_date,
            P.c.completed_date,
            P.c.volunteers_needed,
            C.c.campaign_id,
            C.c.party,
            C.c.election_date,
            C.c.cycle,
            C.c.result,
            C.c.vote_share,
            C.c.seat_held_by,
        )
        .select_from(P.join(C, C.c.campaign_id == P.c.campaign_id))
        .where(P.c.project_id == project_id, P.c.removed_at.is_(None), C.c.removed_at.is_(None))
    )
    return read_frame(bind, statement).reindex(columns=DETAIL_COLUMNS)


def project_status_on(detail: Mapping[Hashable, Any], as_of: date) -> str:
    """The status of one project (a row of :func:`project_detail`) on ``as_of``."""
    status = str(detail["status"])
    if status in ("scoping", "cancelled"):
        return status
    started = as_day_or_none(detail["start_date"]) or as_day_or_none(detail["completed_date"])
    completed = as_day_or_none(detail["completed_date"]) or as_day_or_none(detail["end_date"])
    if status == "completed" and completed is not None and completed <= as_of:
        return "completed"
    if started is not None and started <= as_of:
        return "active"
    return "not started yet" if started is not None else status


TEAM_COLUMNS = [
    "volunteer_id",
    "volunteer_name",
    "role",
    "hours_per_week",
    "start_date",
    "end_date",
    "valid",
    "project_end",
    "state",
]


def project_team(bind: Bind, project_id: str) -> pd.DataFrame:
    """Every assignment on the project, with the volunteer's name and whether the row counts.

    Columns: :data:`TEAM_COLUMNS`; ``end_date`` is the assignment's end (its project's completion
    while blank), ``project_end`` the planned end, ``state`` the campaign's (for the policy).
    """
    joined = (
        A.outerjoin(V, V.c.volunteer_id == A.c.volunteer_id)
        .join(P, sa.and_(P.c.project_id == A.c.project_id, P.c.removed_at.is_(None)))
        .join(C, C.c.campaign_id == P.c.campaign_id)
    )
    statement = (
        sa.select(
            A.c.volunteer_id,
            V.c.name.label("volunteer_name"),
            A.c.role,
            A.c.hours_per_week,
            A.c.start_date,
            ASSIGNMENT_END.label("end_date"),
            sa.case((sa.and_(*valid_assignment()), 1), else_=0).label("valid"),
            PROJECT_END.label("project_end"),
            C.c.state,
        )
        .select_from(joined)
        .where(A.c.project_id == project_id, A.c.removed_at.is_(None))
        .order_by(A.c.start_date, A.c.volunteer_id)
    )
    frame = read_frame(bind, statement).reindex(columns=TEAM_COLUMNS)
    frame["valid"] = frame["valid"].astype(bool)
    return frame


def team_on_day(team: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The team with each member's standing on ``as_of``: ``standing`` is one of *on the team*,
    *finished*, *left early*, *starts later* or *bad data* (left out of every figure)."""
    if team.empty:
        return team.assign(standing=pd.Series([], dtype=str))

    def standing(row: pd.Series) -> str:
        if not row["valid"]:
            return "bad data"
        start = as_day_or_none(row["start_date"])
        end = as_day_or_none(row["end_date"])
        planned = as_day_or_none(row["project_end"])
        if start is not None and start > as_of:
            return "starts later"
        if end is None or end >= as_of:
            return "on the team"
        if planned is not None and end < planned:
            return "left early"
        return "finished"

    return team.assign(standing=team.apply(standing, axis=1))


BAD_TEAM_NOTE = (
    "Rows marked bad data are left out of every figure: an assignment that ends before it "
    f"starts, hours a week below 0 or over {MAX_HOURS_PER_WEEK}, a volunteer unknown or without "
    "a sign-up date, or a start before the volunteer signed up."
)


def project_outcomes(bind: Bind, project_id: str) -> pd.DataFrame:
    """Outcome rows of the project: ``metric``, ``value``, ``as_of``, ``state``."""
    statement = (
        sa.select(OUT.c.metric, OUT.c.value, OUT.c.as_of, C.c.state)
        .select_from(
            OUT.join(P, P.c.project_id == OUT.c.project_id).join(
                C, C.c.campaign_id == P.c.campaign_id
            )
        )
        .where(OUT.c.project_id == project_id, OUT.c.removed_at.is_(None))
    )
    return read_frame(bind, statement).reindex(columns=["metric", "value", "as_of", "state"])


def latest_outcomes(outcomes: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Each metric's latest value reported on or before ``as_of`` (undated values count).

    Columns: ``metric``, ``label``, ``value``, ``as_of``.
    """
    columns = ["metric", "label", "value", "as_of"]
    if outcomes.empty:
        return pd.DataFrame(columns=columns)
    days = outcomes["as_of"].map(as_day_or_none)
    known = outcomes.assign(day=days)
    known = known[known["day"].map(lambda d: d is None or d <= as_of)]
    if known.empty:
        return pd.DataFrame(columns=columns)
    known = known.assign(order=known["day"].map(lambda d: d or date.min))
    latest = known.sort_values(["metric", "order"]).groupby("metric", as_index=False).last()
    latest["label"] = latest["metric"].map(metric_label)
    latest["as_of"] = latest["day"]
    return latest[columns]


def timeline_frame(detail: Mapping[Hashable, Any], team: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Bars for the timeline chart: the project, then each assignment.

    Columns: ``row`` (label), ``start``, ``end``, ``kind`` (Project or the member's standing),
    ``order``. An open end is drawn to the as-of day.
    """
    rows: list[dict[str, Any]] = []
    start = as_day_or_none(detail["start_date"]) or as_day_or_none(detail["completed_date"])
    end = as_day_or_none(detail["completed_date"]) or as_day_or_none(detail["end_date"])
    if start is not None:
        rows.append(
            {"row": "Project", "start": start, "end": end or as_of, "kind": "Project", "order": 0}
        )
    standing = team_on_day(team, as_of)
    names = (
        standing["volunteer_name"]
        if "volunteer_name" in standing
        else pd.Series([None] * len(standing), index=standing.index)
    )
    for k, (member, name) in enumerate(
        zip(standing.to_dict("records"), names.tolist(), strict=True), start=1
    ):
        label = name if isinstance(name, str) and name else str(member["volunteer_id"])
        member_start = as_day_or_none(member["start_date"])
        if member_start is None:
            continue
        member_end = as_day_or_none(member["end_date"]) or max(as_of, member_start)
        rows.append(
            {
                "row": f"{label} ({member.get('role') or 'member'})",
                "start": member_start,
                "end": member_end,
                "kind": str(member["standing"]).capitalize(),
                "order": k,
            }
        )
    frame = pd.DataFrame(rows, columns=["row", "start", "end", "kind", "order"])
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    return frame


# --- words and tables for the page ------------------------------------------------------------
def campaign_facts(detail: Mapping[Hashable, Any]) -> list[tuple[str, str]]:
    """The campaign and the project as (label, value) pairs, for the detail view."""
    share = detail.get("vote_share")
    election = as_day_or_none(detail.get("election_date"))

    def text(value: Any) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return "—"
        return str(value)

    def day(value: Any) -> str:
        d = as_day_or_none(value)
        return day_label(d) if d else "—"

    return [
        ("Candidate", text(detail.get("candidate"))),
        ("Party", text(detail.get("party"))),
        ("State", text(detail.get("state"))),
        ("Chamber", CHAMBER_LABELS.get(str(detail.get("chamber")), text(detail.get("chamber")))),
        ("District", text(detail.get("district"))),
        ("Election", day_label(election) if election else "—"),
        ("Result", text(detail.get("result")).capitalize()),
        ("Vote share", "—" if share is None or pd.isna(share) else f"{float(share):.1%}"),
        ("Seat held by", text(detail.get("seat_held_by"))),
        ("Category", CATEGORY_LABELS.get(str(detail.get("category")), "—")),
        ("Started", day(detail.get("start_date"))),
        ("Ends", day(detail.get("end_date"))),
        ("Completed", day(detail.get("completed_date"))),
        ("Volunteers needed", text(detail.get("volunteers_needed"))),
    ]


TEAM_SHOWN = ["volunteer_name", "volunteer_id", "role", "hours_per_week", "start_date",
              "end_date", "standing"]  # fmt: skip


def team_for_display(team: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The team table as shown (only the columns the access policy left)."""
    standing = team_on_day(team, as_of)
    return standing[[c for c in TEAM_SHOWN if c in standing.columns]]


def team_counts(team: pd.DataFrame, as_of: date) -> dict[str, int]:
    """Members on the team on ``as_of`` and everyone placed on it by then (valid rows only)."""
    standing = team_on_day(team, as_of)
    if standing.empty:
        return {"on_team": 0, "placed": 0}
    valid = standing[standing["standing"] != "bad data"]
    on_team = valid.loc[valid["standing"] == "on the team", "volunteer_id"].nunique()
    placed = valid.loc[valid["standing"] != "starts later", "volunteer_id"].nunique()
    return {"on_team": int(on_team), "placed": int(placed)}


def detail_scorecards(
    detail: Mapping[Hashable, Any], team: pd.DataFrame, as_of: date
) -> list[Scorecard]:
    """Team, placed, open seats and days to the election, for one project on ``as_of``."""
    counts = team_counts(team, as_of)
    needed = detail.get("volunteers_needed")
    needed = None if needed is None or pd.isna(needed) else int(needed)
    status = project_status_on(detail, as_of)
    open_seats = (
        max(needed - counts["on_team"], 0) if needed is not None and status == "active" else None
    )
    election = as_day_or_none(detail.get("election_date"))
    days_left = (election - as_of).days if election and election >= as_of else None
    return [
        scorecard(
            "team_on_project",
            counts["on_team"],
            suffix=f" of {needed}" if needed is not None else "",
        ),
        scorecard("team_placed", counts["placed"]),
        scorecard("project_open_seats", open_seats),
        scorecard("days_to_election", days_left),
    ]


PROJECT_PARAM = "project"
LIST_HELP = (
    "The sidebar's cycle, states (the campaign's state) and categories apply, then the chamber, "
    "status and search above. Status is the project's on the as-of date: active from its start, "
    "completed from its completion date (else its end date); projects starting after the as-of "
    "date are not listed. Team = volunteers placed on it by the as-of date; open seats = "
    "the volunteers needed − the team on the as-of date, for active projects."
)
BREAKDOWN_HELP = (
    "The listed projects per category, by their status on the as-of date. Every filter above "
    "applies."
)
TIMELINE_HELP = (
    "The project's span (start to completion, else planned end) and each team member's "
    "assignment, coloured by where they stand on the as-of date. An open end is drawn to the "
    "as-of date."
)
TEAM_HELP = (
    "Everyone placed on the project. On the team: the assignment runs on the as-of date; "
    "finished: it ended at or after the project's planned end; left early: it ended before; "
    "starts later: after the as-of date; bad data: left out of every figure."
)
OUTCOMES_HELP = (
    "Each metric's latest value reported on or before the as-of date (undated values count)."
)
LIST_LABELS: dict[str, str] = {
    "project_id": "Project ID",
    "project_name": "Project",
    "candidate": "Candidate",
    "state": "State",
    "chamber": "Chamber",
    "district": "District",
    "category": "Category",
    "status": "Status",
    "start_date": "Started",
    "end_date": "Ends",
    "volunteers_needed": "Needed",
    "team": "Team",
    "open_seats": "Open seats",
    "cycle": "Cycle",
}
TEAM_LABELS: dict[str, str] = {
    "volunteer_name": "Name",
    "volunteer_id": "Volunteer",
    "role": "Role",
    "hours_per_week": "Hours a week",
    "start_date": "From",
    "end_date": "To",
    "standing": "On the as-of date",
}


def election_day(detail: Mapping[Hashable, Any]) -> date | None:
    return as_day_or_none(detail.get("election_date"))


def outcome_note(outcome: Mapping[Hashable, Any]) -> str:
    day = as_day_or_none(outcome.get("as_of"))
    return f"Reported {day_label(day)}." if day else "Reported without a date."
