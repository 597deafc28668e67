"""What limits the pace: project intake, staffing, or completion, decided from the figures.

One rule for the Progress page and the founders' weekly digest (:func:`limiting_step`):

* **Staffing** limits the pace when running projects have open seats the bench cannot fill:
  fewer volunteers on the bench than open seats, a skill with fewer bench volunteers than the
  seats that need it, or utilization at :data:`BUSY_UTILIZATION` or more.
* **Completion** limits it when, staffing aside, at least :data:`OVERDUE_SHARE` of the active
  projects are past their planned end date: the work in hand does not finish, and its volunteers
  are not free for new projects.
* **Project intake** limits it otherwise: volunteers wait on the bench and projects finish, so
  the pace is as fast as projects come in (started a week, against the pace the goal needs).

The funnel (:func:`funnel`) counts projects in scoping, active and completed on the as-of date
with the median weeks each step takes. No module here imports Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa

from tfc_dash.core import catalogue
from tfc_dash.core.text import plural
from tfc_dash.figures import goals, metrics, queries, rules, staffing, volunteering
from tfc_dash.figures.filters import Filters
from tfc_dash.store import subqueries
from tfc_dash.store.database import Bind, read_frame
from tfc_dash.store.models import C, P

PACE_WINDOW = metrics.PACE_WINDOW
OVERDUE_SHARE = 1 / 3
BUSY_UTILIZATION = 0.85

INTAKE, STAFFING, COMPLETION = "intake", "staffing", "completion"
OVER = "over"  # a past cycle: its elections are over and no project is running
CAUSE_NAMES = {
    INTAKE: "Project intake",
    STAFFING: "Staffing",
    COMPLETION: "Completion",
    OVER: "Nothing (the cycle is over)",
}
# The page that shows each cause's detail.
DETAIL_PAGE = {INTAKE: "projects", STAFFING: "staffing", COMPLETION: "projects", OVER: "projects"}
RULE_HELP = (
    "Staffing limits the pace when running projects have more open seats than volunteers on the "
    "bench, a skill they need is short on the bench, or utilization is 85% or more. Otherwise "
    "completion does when a third or more of the active projects are past their planned end. "
    "Otherwise project intake does: volunteers wait and projects finish, so the pace is as fast "
    "as projects start. Volunteers work remotely, so the bench is the whole program's."
)
FUNNEL_HELP = (
    "Projects by stage on the as-of date: scoping (agreed, not started), active, completed. "
    "Active: median weeks since they started; completed: median weeks from start to completion. "
    "The sheet records no date for when scoping began, so that step has no median."
)
STAGES = ("scoping", "active", "completed")
STAGE_LABELS = {"scoping": "Scoping", "active": "Active", "completed": "Completed"}
FUNNEL_COLUMNS = ["stage", "label", "projects", "median_weeks"]


# --- the funnel ---------------------------------------------------------------------------------
def _stage_rows(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """Projects in view by stage on ``as_of`` and their dates, counted per distinct date set."""
    started_on, completed_on = rules.STARTED_ON, rules.COMPLETED_ON
    stage = sa.case(
        (P.c.status == "scoping", "scoping"),
        (sa.and_(P.c.status.in_(rules.COUNTED_STATUSES), completed_on <= as_of), "completed"),
        (sa.and_(P.c.status.in_(rules.COUNTED_STATUSES), started_on <= as_of), "active"),
        else_=None,
    ).label("stage")
    statement = (
        sa.select(
            stage,
            started_on.label("started_on"),
            completed_on.label("completed_on"),
            P.c.end_date.label("end_date"),
            sa.func.count().label("n"),
        )
        .select_from(P.join(C, P.c.campaign_id == C.c.campaign_id))
        .where(*queries.project_conditions(filters))
        .group_by(stage, started_on, completed_on, P.c.end_date)
    )
    frame = read_frame(bind, statement, ["stage", "started_on", "completed_on", "end_date", "n"])
    frame = frame[frame["stage"].notna()].copy()
    for column in ("started_on", "completed_on", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["n"] = frame["n"].astype("int64")
    return frame


def _weighted_median(values: pd.Series, weights: pd.Series) -> float | None:
    ok = values.notna()
    if not ok.any():
        return None
    repeated = values[ok].repeat(weights[ok].astype(int).tolist())
    return float(repeated.median()) if len(repeated) else None


def funnel_from_rows(rows: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The funnel from :func:`_stage_rows`: columns :data:`FUNNEL_COLUMNS`, one row per stage.

    ``median_weeks``: for active projects, the median weeks since they started; for completed
    ones, the median weeks from start to completion; for scoping, None (the sheet records no date
    for when scoping began).
    """
    day = pd.Timestamp(as_of)
    out = []
    for stage in STAGES:
        part = rows[rows["stage"] == stage]
        count = int(part["n"].sum())
        weeks: float | None = None
        if stage == "active" and count:
            weeks = _weighted_median((day - part["started_on"]).dt.days / 7, part["n"])
        elif stage == "completed" and count:
            span = (part["completed_on"] - part["started_on"]).dt.days / 7
            weeks = _weighted_median(span, part["n"])
        out.append(
            {"stage": stage, "label": STAGE_LABELS[stage], "projects": count, "median_weeks": weeks}
        )
    return pd.DataFrame(out, columns=FUNNEL_COLUMNS)


def funnel(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """Projects in scoping, active and completed on ``as_of``, with the median weeks per step."""
    return funnel_from_rows(_stage_rows(bind, filters, as_of), as_of)


def overdue_from_rows(rows: pd.DataFrame, as_of: date) -> int:
    active = rows[rows["stage"] == "active"]
    late = active["end_date"].notna() & (active["end_date"] < pd.Timestamp(as_of))
    return int(active.loc[late, "n"].sum())


def projects_overdue(bind: Bind, filters: Filters, as_of: date) -> int:
    """Active projects on ``as_of`` whose planned end date has passed."""
    return overdue_from_rows(_stage_rows(bind, filters, as_of), as_of)


def projects_scoping(bind: Bind, filters: Filters, as_of: date) -> int:
    return int(funnel(bind, filters, as_of).set_index("stage")["projects"]["scoping"])


def weeks_to_complete(bind: Bind, filters: Filters, as_of: date) -> float | None:
    value = funnel(bind, filters, as_of).set_index("stage")["median_weeks"]["completed"]
    return None if value is None or pd.isna(value) else float(value)


def projects_per_week(bind: Bind, filters: Filters, as_of: date) -> float:
    """Projects started in the 4 weeks to ``as_of``, a week."""
    timeline = queries.project_timeline(bind, filters)
    return started_per_week(timeline, as_of)


def started_per_week(timeline: pd.DataFrame, as_of: date) -> float:
    now = metrics.cumulative_on(timeline, as_of)
    before = metrics.cumulative_on(timeline, as_of - PACE_WINDOW)
    return (now - before) / (PACE_WINDOW.days / 7)


def pace_needed(bind: Bind, filters: Filters, as_of: date) -> float | None:
    """Projects a week from ``as_of`` that reach the cycle's goal by its deadline (program-wide)."""
    goal = None if filters.cycle is None else goals.goal_for(bind, goals.PROJECTS, filters.cycle)
    if goal is None or not filters.is_program_wide:
        return None
    timeline = queries.project_timeline(bind, filters)
    return metrics.pace_projection(timeline, as_of, goal.target, goal.deadline).needed_per_week


# --- the rule -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bottleneck:
    """The step that limits the pace, the sentence that says so, and the figures behind it."""

    cause: str  # INTAKE, STAFFING or COMPLETION
    sentence: str
    page: str  # the page with the detail
    figures: dict[str, Any] = field(default_factory=dict)  # catalogue name -> value

    @property
    def name(self) -> str:
        return CAUSE_NAMES[self.cause]

    def figure_rows(self) -> tuple[tuple[str, str], ...]:
        """(label, formatted value) of each figure the rule used, for a digest or a caption."""
        return tuple(
            (catalogue.label(n), catalogue.format_value(n, v)) for n, v in self.figures.items()
        )


def decide(
    *,
    per_week: float,
    needed: float | None,
    on_track: bool | None,
    bench: int,
    utilization: float | None,
    understaffed: int,
    open_seats: int,
    short_skills: int,
    active: int,
    overdue: int,
    scoping: int,
    weeks_to_complete: float | None,
    completed: int = 0,
    cycle_over: int | None = None,
) -> Bottleneck:
    """The rule (see the module's docstring) on figures already computed.

    ``cycle_over``: the cycle in view when its last election is before the as-of date; with no
    project active or in scoping, nothing limits its pace any more, and the sentence says so.
    """
    util = catalogue.format_value("utilization", utilization)
    if cycle_over is not None and not active and not scoping:
        median = catalogue.format_value("weeks_to_complete", weeks_to_complete)
        took = f", each in a median {median}" if weeks_to_complete else ""
        return Bottleneck(
            OVER,
            f"The {cycle_over} cycle is over: its elections are past and "
            f"{plural(completed, 'project')} {'was' if completed == 1 else 'were'} "
            f"completed{took}. Pick the current cycle to see what limits the pace now.",
            DETAIL_PAGE[OVER],
            {"projects_completed": completed, "weeks_to_complete": weeks_to_complete},
        )
    short_bench = open_seats > 0 and (
        bench < open_seats
        or short_skills > 0
        or (utilization is not None and utilization >= BUSY_UTILIZATION)
    )
    figures: dict[str, Any]
    if short_bench:
        cause = STAFFING
        figures = {
            "projects_understaffed": understaffed,
            "open_seats": open_seats,
            "volunteers_bench": bench,
            "utilization": utilization,
        }
        verb = "has" if short_skills == 1 else "have"
        skills = (
            f"; {plural(short_skills, 'skill')} the seats need {verb} fewer bench volunteers "
            "than seats"
            if short_skills
            else ""
        )
        body = (
            f"{plural(open_seats, 'open seat')} on {plural(understaffed, 'understaffed project')}"
            f" against {plural(bench, 'volunteer')} on the bench at {util} utilization{skills}."
        )
    elif active and overdue / active >= OVERDUE_SHARE:
        cause = COMPLETION
        figures = {
            "projects_overdue": overdue,
            "projects_active": active,
            "weeks_to_complete": weeks_to_complete,
            "volunteers_bench": bench,
        }
        median = catalogue.format_value("weeks_to_complete", weeks_to_complete)
        took = f", and completed projects took a median {median}" if weeks_to_complete else ""
        body = (
            f"{overdue:,} of {plural(active, 'active project')} are past their planned end"
            f"{took}; their volunteers are not free for new projects."
        )
    else:
        cause = INTAKE
        figures = {
            "projects_per_week": per_week,
            "pace_needed": needed,
            "projects_scoping": scoping,
            "volunteers_bench": bench,
            "utilization": utilization,
        }
        if needed is None:
            del figures["pace_needed"]
        rate = catalogue.format_value("projects_per_week", per_week)
        against = (
            f" against {catalogue.format_value('pace_needed', needed)} needed"
            if needed is not None
            else ""
        )
        body = (
            f"{rate} projects started a week over the last 4 weeks{against}, while "
            f"{plural(bench, 'volunteer')} wait on the bench at {util} utilization and "
            f"{plural(scoping, 'project')} {'is' if scoping == 1 else 'are'} in scoping."
        )
    if on_track:
        head = f"On pace; the step that would limit it first is {CAUSE_NAMES[cause].lower()}: "
    else:
        head = f"{CAUSE_NAMES[cause]} limits the pace: "
    return Bottleneck(cause, head + body, DETAIL_PAGE[cause], figures)


def limiting_step(bind: Bind, filters: Filters, as_of: date) -> Bottleneck:
    """What limits the pace of the projects in view on ``as_of`` (the rule above).

    Volunteers work remotely, so the bench and utilization are the whole program's.
    """
    timeline = subqueries.query(bind, queries.project_timeline, filters)
    per_week = started_per_week(timeline, as_of)
    needed: float | None = None
    on_track: bool | None = None
    goal = None
    if filters.cycle is not None:
        goal = subqueries.query(bind, goals.goal_for, goals.PROJECTS, filters.cycle)
    if goal is not None and filters.is_program_wide:
        pace = metrics.pace_projection(timeline, as_of, goal.target, goal.deadline)
        needed, on_track = pace.needed_per_week, pace.on_track
    everyone = Filters()
    weekly = subqueries.query(bind, volunteering.pool_weeks, everyone, as_of)
    pool = volunteering.pool_on(weekly, as_of)
    running = subqueries.query(bind, staffing.running_projects, filters, as_of)
    gaps = staffing.understaffed(running)
    open_seats = int(gaps["open_seats"].sum()) if len(gaps) else 0
    short_skills = 0
    if open_seats:
        bench_skills = subqueries.query(bind, volunteering.pool_by, everyone, as_of, "skills")
        supply = staffing.supply_and_demand(bench_skills, gaps, filters.categories)
        needed_skills = supply[supply["open_seats"] > 0]
        short_skills = int((needed_skills["bench"] < needed_skills["open_seats"]).sum())
    rows = _stage_rows(bind, filters, as_of)
    stages = funnel_from_rows(rows, as_of).set_index("stage")
    ended = subqueries.query(bind, queries.cycle_end, filters)
    weeks = stages["median_weeks"]["completed"]
    return decide(
        per_week=per_week,
        needed=needed,
        on_track=on_track,
        bench=pool["bench"],
        utilization=pool["utilization"],
        understaffed=len(gaps),
        open_seats=open_seats,
        short_skills=short_skills,
        active=int(stages["projects"]["active"]),
        overdue=overdue_from_rows(rows, as_of),
        scoping=int(stages["projects"]["scoping"]),
        weeks_to_complete=None if weeks is None or pd.isna(weeks) else float(weeks),
        completed=int(stages["projects"]["completed"]),
        cycle_over=filters.cycle if ended is not None and ended < as_of else None,
    )
