"""Staffing: the projects short of volunteers, and who on the bench to ask for each.

A project is **running** on a day when it has started (active or completed, start date on or
before the day) and is not completed by then. Its **team** that day is the volunteers with a
valid assignment running (see :mod:`tfc_dash.figures.volunteering`); its **open seats** are
``volunteers_needed - team`` when positive, and it is **understaffed** when it has any.

Candidates come from the bench (active volunteers on no running project), from every home state,
since volunteers work remotely. Each candidate gets points, shown with the reason:

* 2 per skill they list that the project's category needs (at least one is required);
* 2 when they live in the campaign's state and the race is a state legislative or local one,
  where knowing the districts matters;
* 1 for 5 or more hours a week, 2 for 10 or more;
* 1 when they finished a project before (stayed until its planned end).

Ties go to whoever signed up first (they have waited longest). Projects are served in order of
open seats (most first), then end date (soonest first); each volunteer is suggested for one
project only, so ops can ask everyone on the list at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from tfc_dash.core import catalogue
from tfc_dash.core.catalogue import Scorecard
from tfc_dash.figures import rules
from tfc_dash.figures.filters import Filters
from tfc_dash.figures.queries import PROJECT_IDENTITY, project_conditions, project_identity
from tfc_dash.figures.rules import ASSIGNMENT_END, COMPLETED_ON, STARTED_ON
from tfc_dash.figures.skills import SKILLS_BY_CATEGORY, parse_skills, skill_label, skills_for
from tfc_dash.figures.volunteering import (
    ACTIVE_STATUS,
    PROJECT_END,
    assignments_joined,
    per_skill,
    running_on,
    running_volunteers,
    valid_assignment,
    valid_volunteer,
)
from tfc_dash.store.database import Bind, read_frame
from tfc_dash.store.models import CATEGORY_LABELS, A, C, P, V

STATE_MATTERS_CHAMBERS: tuple[str, ...] = ("lower", "upper", "local")
POINTS_PER_SKILL = 2
POINTS_SAME_STATE = 2
HOURS_POINTS: tuple[tuple[float, int], ...] = ((10, 2), (5, 1))  # (at least, points), best first
POINTS_FINISHED_BEFORE = 1
CANDIDATES_PER_SEAT = 3

PROJECT_COLUMNS = [
    *PROJECT_IDENTITY,
    "start_date",
    "end_date",
    "volunteers_needed",
    "team",
    "open_seats",
]
CANDIDATE_COLUMNS = [
    "rank",
    "volunteer_id",
    "volunteer_name",
    "volunteer_email",
    "home_state",
    "skills",
    "hours_per_week",
    "signed_up",
    "score",
    "why",
]
CONTACT_COLUMNS = ("volunteer_name", "volunteer_email")
NO_MATCH = "No bench volunteer lists a skill this category needs."


def team_on(as_of: date) -> sa.Subquery:
    """Per project, the distinct volunteers with a valid assignment running on ``as_of``
    (columns ``project_id``, ``team``)."""
    return _team_where(running_on(as_of), "team")


def team_ever(as_of: date) -> sa.Subquery:
    """Per project, the distinct volunteers with a valid assignment started by ``as_of``
    (columns ``project_id``, ``ever``)."""
    return _team_where(A.c.start_date <= as_of, "ever")


def _team_where(condition: sa.ColumnElement[bool], name: str) -> sa.Subquery:
    return (
        sa.select(
            A.c.project_id.label("project_id"),
            sa.func.count(sa.distinct(A.c.volunteer_id)).label(name),
        )
        .select_from(assignments_joined())
        .where(*valid_assignment(), condition)
        .group_by(A.c.project_id)
        .subquery(name)
    )


def running_projects(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """Projects running on ``as_of`` with their team that day and their open seats.

    Columns: :data:`PROJECT_COLUMNS`; ``open_seats`` is null when ``volunteers_needed`` is.
    Ordered by open seats (most first), end date, project.
    """
    team = team_on(as_of)
    statement = (
        sa.select(
            *project_identity(),
            STARTED_ON.label("start_date"),
            P.c.end_date,
            P.c.volunteers_needed,
            sa.func.coalesce(team.c.team, 0).label("team"),
        )
        .select_from(
            P.join(C, C.c.campaign_id == P.c.campaign_id).outerjoin(
                team, team.c.project_id == P.c.project_id
            )
        )
        .where(
            *project_conditions(filters),
            *rules.project_started_sql(as_of),
            sa.or_(COMPLETED_ON.is_(None), COMPLETED_ON > as_of),  # still active that day
        )
    )
    frame = read_frame(bind, statement).reindex(columns=PROJECT_COLUMNS[:-1])
    frame["team"] = frame["team"].astype("int64")
    needed = pd.to_numeric(frame["volunteers_needed"], errors="coerce").astype("Int64")
    frame["volunteers_needed"] = needed
    frame["open_seats"] = (needed - frame["team"]).clip(lower=0)
    return _order_projects(frame)


def _order_projects(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(
        ["open_seats", "end_date", "project_id"],
        ascending=[False, True, True],
        na_position="last",
        ignore_index=True,
    )


def understaffed(projects: pd.DataFrame) -> pd.DataFrame:
    """The projects of :func:`running_projects` with at least one open seat."""
    return projects[projects["open_seats"].fillna(0) > 0].reset_index(drop=True)


def bench_volunteers(bind: Bind, as_of: date) -> pd.DataFrame:
    """Everyone on the bench on ``as_of`` who lists a skill, from every state, with what the
    matcher weighs (names and emails are fetched for the chosen few only).

    Columns: ``volunteer_id``, ``home_state``, ``skills``, ``hours_per_week``, ``signed_up``,
    ``placements`` (assignments started before), ``finished`` (of those, the ones that ran to
    their project's planned end by ``as_of``).
    """
    running = running_volunteers(as_of)
    over = sa.and_(
        ASSIGNMENT_END <= as_of, ASSIGNMENT_END >= PROJECT_END, P.c.status != "cancelled"
    )
    history = (
        sa.select(
            A.c.volunteer_id.label("volunteer_id"),
            sa.func.count().label("placements"),
            sa.func.sum(sa.case((over, 1), else_=0)).label("finished"),
        )
        .select_from(assignments_joined())
        .where(*valid_assignment(), A.c.start_date <= as_of)
        .group_by(A.c.volunteer_id)
        .subquery("history")
    )
    statement = (
        sa.select(
            V.c.volunteer_id,
            V.c.home_state,
            V.c.skills,
            V.c.hours_per_week,
            # As stored: parsing 75k dates row by row in Python costs more than the query.
            sa.type_coerce(V.c.signed_up, sa.String).label("signed_up"),
            sa.func.coalesce(history.c.placements, 0).label("placements"),
            sa.func.coalesce(history.c.finished, 0).label("finished"),
        )
        .select_from(
            V.outerjoin(running, running.c.volunteer_id == V.c.volunteer_id).outerjoin(
                history, history.c.volunteer_id == V.c.volunteer_id
            )
        )
        .where(
            *valid_volunteer(),
            V.c.signed_up <= as_of,
            ACTIVE_STATUS,
            running.c.volunteer_id.is_(None),
            V.c.skills.is_not(None),
        )
    )
    frame = read_frame(bind, statement).astype({"placements": "int64", "finished": "int64"})
    frame["signed_up"] = pd.to_datetime(frame["signed_up"].astype("string").str[:10])
    return frame


def volunteer_contacts(bind: Bind, volunteer_ids: list[str]) -> pd.DataFrame:
    """Name and email of the given volunteers: ``volunteer_id``, ``volunteer_name``,
    ``volunteer_email``."""
    frames = [
        read_frame(
            bind,
            sa.select(
                V.c.volunteer_id,
                V.c.name.label("volunteer_name"),
                V.c.email.label("volunteer_email"),
            ).where(V.c.volunteer_id.in_(volunteer_ids[i : i + 500])),
        )
        for i in range(0, len(volunteer_ids), 500)
    ]
    columns = ["volunteer_id", "volunteer_name", "volunteer_email"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def rank_candidates(
    gaps: pd.DataFrame,
    bench: pd.DataFrame,
    as_of: date,
    per_seat: int = CANDIDATES_PER_SEAT,
) -> pd.DataFrame:
    """Suggested bench volunteers for each understaffed project, best first, with the reason.

    ``gaps`` has :data:`PROJECT_COLUMNS` (projects without open seats are skipped), ``bench``
    the columns of :func:`bench_volunteers`. Each project gets up to ``per_seat`` candidates per
    open seat; a project nobody matches gets one row without a candidate. Columns:
    :data:`PROJECT_COLUMNS` + :data:`CANDIDATE_COLUMNS`.
    """
    columns = PROJECT_COLUMNS + CANDIDATE_COLUMNS
    gaps = _order_projects(understaffed(gaps)) if not gaps.empty else gaps
    if gaps.empty:
        return pd.DataFrame(columns=columns)
    # Ordered once by sign-up then ID, so that a stable sort on points alone breaks ties fairly.
    if len(bench):
        bench = bench.assign(_signed=pd.to_datetime(bench["signed_up"]))
        bench = bench.sort_values(["_signed", "volunteer_id"], kind="stable", ignore_index=True)
    bench = bench.reset_index(drop=True)
    # Skill cells repeat (a few hundred distinct ones for tens of thousands of volunteers):
    # parse each once.
    cells = bench["skills"].fillna("").astype(str)
    codes, distinct = pd.factorize(cells)
    parsed = [frozenset(parse_skills(cell)) for cell in distinct]
    homes = bench["home_state"].fillna("").astype(str).str.strip().str.upper().to_numpy()
    # Integer codes: comparing tens of thousands of strings once per state is the slow part.
    home_codes, home_states = pd.factorize(homes)
    code_of = {str(h): k for k, h in enumerate(home_states)}
    hours = pd.to_numeric(bench["hours_per_week"], errors="coerce").to_numpy(dtype=float)
    base = np.select([hours >= least for least, _ in HOURS_POINTS], [p for _, p in HOURS_POINTS], 0)
    base = base + np.where(bench["finished"].to_numpy() > 0, POINTS_FINISHED_BEFORE, 0)
    signed = pd.to_datetime(bench["signed_up"]).to_numpy()
    ids = bench["volunteer_id"].astype(str).to_numpy()

    overlaps: dict[str, np.ndarray] = {}
    orders: dict[tuple[str, str | None], tuple[np.ndarray, int]] = {}
    taken: set[int] = set()

    def overlap(category: str) -> np.ndarray:
        if category not in overlaps:
            wanted = set(SKILLS_BY_CATEGORY.get(category, ()))
            per_cell = np.array([len(s & wanted) for s in parsed], dtype="int64")
            overlaps[category] = per_cell[codes] if len(codes) else np.zeros(0, dtype="int64")
        return overlaps[category]

    scores: dict[tuple[str, str | None], np.ndarray] = {}

    def score(category: str, state: str | None) -> np.ndarray:
        if (category, state) not in scores:
            points = POINTS_PER_SKILL * overlap(category) + base
            if state:
                same = home_codes == code_of.get(state, -2)
                points = points + np.where(same, POINTS_SAME_STATE, 0)
            scores[category, state] = points
        return scores[category, state]

    def ranked(category: str, state: str | None) -> np.ndarray:
        eligible = np.flatnonzero(overlap(category) > 0)
        points = score(category, state)[eligible]
        # Most points first; ties keep the bench's order (earliest sign-up, then ID).
        return eligible[np.argsort(-points, kind="stable")]

    contacts = {c: bench[c].to_numpy() if c in bench else None for c in CONTACT_COLUMNS}
    home_cells = bench["home_state"].to_numpy()
    skill_cells = bench["skills"].to_numpy()
    finished_counts = bench["finished"].to_numpy()
    placement_counts = bench["placements"].to_numpy()
    rows: list[dict[str, Any]] = []
    for project in gaps.to_dict("records"):
        category = str(project["category"])
        chamber = str(project["chamber"] or "")
        state = str(project["state"] or "").upper() if chamber in STATE_MATTERS_CHAMBERS else None
        key = (category, state)
        if key not in orders:
            orders[key] = (ranked(category, state), 0)
        order, pointer = orders[key]
        wanted = int(project["open_seats"]) * per_seat
        picks: list[int] = []
        while pointer < len(order) and len(picks) < wanted:
            idx = int(order[pointer])
            pointer += 1
            if idx not in taken:
                picks.append(idx)
                taken.add(idx)
        orders[key] = (order, pointer)
        base_row = {c: project.get(c) for c in PROJECT_COLUMNS}
        if not picks:
            rows.append({**base_row, "why": NO_MATCH})
            continue
        points = score(category, state)
        for rank, idx in enumerate(picks, start=1):
            rows.append(
                {
                    **base_row,
                    "rank": rank,
                    "volunteer_id": ids[idx],
                    **{c: None if v is None else v[idx] for c, v in contacts.items()},
                    "home_state": home_cells[idx],
                    "skills": skill_cells[idx],
                    "hours_per_week": None if np.isnan(hours[idx]) else hours[idx],
                    "signed_up": pd.Timestamp(signed[idx]).date(),
                    "score": int(points[idx]),
                    "why": _reason(
                        parsed[codes[idx]],
                        category,
                        state if homes[idx] == state else None,
                        hours[idx],
                        int(finished_counts[idx]),
                        int(placement_counts[idx]),
                        (as_of - pd.Timestamp(signed[idx]).date()).days,
                    ),
                }
            )
    frame = pd.DataFrame(rows, columns=columns)
    frame["rank"] = frame["rank"].astype("Int64")
    frame["score"] = frame["score"].astype("Int64")
    return frame


def _reason(
    skills: frozenset[str],
    category: str,
    same_state: str | None,
    hours: float,
    finished: int,
    placements: int,
    waited_days: int,
) -> str:
    matching = [s for s in SKILLS_BY_CATEGORY.get(category, ()) if s in skills]
    parts = [
        f"{len(matching)} matching skill{'s' if len(matching) != 1 else ''} "
        f"({', '.join(skill_label(s) for s in matching)})"
    ]
    if same_state:
        parts.append(f"lives in {same_state}")
    parts.append("hours not given" if np.isnan(hours) else f"{hours:g} h a week")
    if finished:
        parts.append(f"finished {finished} project{'s' if finished != 1 else ''} before")
    elif placements:
        parts.append("placed before")
    else:
        parts.append("never placed")
    parts.append(f"signed up {waited_days} days ago")
    return " · ".join(parts)


def staffing_suggestions(
    bind: Bind, filters: Filters, as_of: date, per_seat: int = CANDIDATES_PER_SEAT
) -> pd.DataFrame:
    """Who to ask for each understaffed project in the view (see :func:`rank_candidates`)."""
    gaps = understaffed(running_projects(bind, filters, as_of))
    if gaps.empty:
        return rank_candidates(gaps, pd.DataFrame(), as_of, per_seat)
    ranked = rank_candidates(gaps, bench_volunteers(bind, as_of), as_of, per_seat)
    picked = ranked["volunteer_id"].dropna().astype(str).tolist()
    contacts = volunteer_contacts(bind, picked).set_index("volunteer_id")
    for column in CONTACT_COLUMNS:
        ranked[column] = ranked["volunteer_id"].map(contacts[column])
    return ranked


def supply_and_demand(
    bench_by_skills: pd.DataFrame, gaps: pd.DataFrame, categories: tuple[str, ...] | None
) -> pd.DataFrame:
    """Bench volunteers with each skill against the open seats of projects whose category needs
    it (a seat counts under every skill its category needs).

    ``bench_by_skills`` is :func:`tfc_dash.figures.volunteering.pool_by` by ``skills``; ``gaps`` has
    ``category`` and ``open_seats``. Columns: ``skill``, ``label``, ``bench``, ``open_seats``,
    ``bench_per_seat`` (NaN without open seats); the skills ``categories`` need (all when None).
    """
    skills = skills_for(categories)
    supply: pd.Series | dict[str, int] = (
        per_skill(bench_by_skills).set_index("skill")["bench"] if len(bench_by_skills) else {}
    )
    demand = dict.fromkeys(skills, 0)
    if not gaps.empty:
        seats = gaps.groupby("category")["open_seats"].sum()
        for category, open_seats in seats.items():
            for skill in SKILLS_BY_CATEGORY.get(str(category), ()):
                if skill in demand:
                    demand[skill] += int(open_seats)
    rows = [
        {
            "skill": skill,
            "label": skill_label(skill),
            "bench": int(supply.get(skill, 0)),
            "open_seats": demand[skill],
        }
        for skill in skills
    ]
    frame = pd.DataFrame(rows, columns=["skill", "label", "bench", "open_seats"])
    frame["bench_per_seat"] = frame["bench"] / frame["open_seats"].where(frame["open_seats"] > 0)
    return frame.sort_values(["open_seats", "skill"], ascending=[False, True], ignore_index=True)


def staffing_figures(projects: pd.DataFrame, suggestions: pd.DataFrame) -> dict[str, int]:
    """The staffing figures of the catalogue, by name."""
    gaps = understaffed(projects)
    matched = suggestions[suggestions["volunteer_id"].notna()] if len(suggestions) else suggestions
    no_match = (
        suggestions.loc[suggestions["volunteer_id"].isna(), "project_id"].nunique()
        if len(suggestions)
        else 0
    )
    return {
        "projects_active": len(projects),
        "projects_understaffed": len(gaps),
        "open_seats": int(gaps["open_seats"].sum()) if len(gaps) else 0,
        "volunteers_suggested": int(matched["volunteer_id"].nunique()) if len(matched) else 0,
        "projects_without_match": int(no_match),
    }


def staffing_scorecards(projects: pd.DataFrame, suggestions: pd.DataFrame) -> list[Scorecard]:
    """Projects active, understaffed, open seats, volunteers suggested, projects without a
    match."""
    figures = staffing_figures(projects, suggestions)
    return [catalogue.scorecard(name, value) for name, value in figures.items()]


def open_seats_by_state(gaps: pd.DataFrame) -> pd.DataFrame:
    """Open seats per campaign state and category, for the chart.

    Columns: ``state``, ``category``, ``open_seats``, ``total`` (the state's open seats).
    """
    if gaps.empty:
        return pd.DataFrame(columns=["state", "category", "open_seats", "total"])
    grouped = gaps.groupby(["state", "category"])["open_seats"].sum().reset_index()
    grouped["open_seats"] = grouped["open_seats"].astype("int64")
    grouped["total"] = grouped.groupby("state")["open_seats"].transform("sum")
    return grouped.sort_values(["total", "state"], ascending=[False, True], ignore_index=True)


# --- words and tables for the pages ----------------------------------------------------------
RANKING_HELP = (
    "Candidates are bench volunteers (active, on no running project) from every state who list "
    f"at least one skill the project's category needs. Points: {POINTS_PER_SKILL} per matching "
    f"skill; {POINTS_SAME_STATE} for living in the campaign's state on a state legislative or "
    "local race; 1 for 5+ hours a week, 2 for 10+; "
    f"{POINTS_FINISHED_BEFORE} for having finished a project before. Ties go to the earliest "
    f"sign-up. Up to {CANDIDATES_PER_SEAT} candidates per open seat; projects with the most "
    "open seats, then the nearest end date, choose first, and nobody is proposed twice."
)
SUPPLY_HELP = (
    "Left: bench volunteers on the as-of date who list the skill, from every state (volunteers "
    "work remotely). Right: open seats (volunteers_needed − team) on running projects in the "
    "view whose category needs the skill; a seat counts under each skill its category needs."
)


def shortage_summary(supply: pd.DataFrame, gaps: pd.DataFrame) -> tuple[bool, str]:
    """(short, sentence): are there skills with fewer bench volunteers than open seats?"""
    seats = int(gaps["open_seats"].sum()) if len(gaps) else 0
    if seats == 0:
        return False, "No running project in this view is short of volunteers."
    head = f"{seats} open seat{'s' if seats != 1 else ''} on {len(gaps)} project" + (
        "s" if len(gaps) != 1 else ""
    )
    needed = supply[supply["open_seats"] > 0]
    short = needed[needed["bench"] < needed["open_seats"]]
    if not short.empty:
        listed = "; ".join(
            f"{r.label} ({r.bench} on the bench for {r.open_seats} seats)"
            for r in short.itertuples()
        )
        return True, f"{head}. Short of volunteers for: {listed}."
    tightest = needed.sort_values("bench_per_seat").iloc[0]
    return False, (
        f"{head}, and every skill they need has more bench volunteers than seats: the tightest "
        f"is {tightest['label']}, with {tightest['bench_per_seat']:.1f} on the bench per open "
        "seat. We are not short of volunteers here: the Staffing page says whom to ask."
    )


# What ops downloads: the project's and the volunteer's columns, less the campaign's candidate,
# the project's start date and the volunteer's sign-up day.
WHO_TO_ASK_COLUMNS = [
    c
    for c in (*PROJECT_COLUMNS, *CANDIDATE_COLUMNS)
    if c not in ("candidate", "start_date", "signed_up")
]


def who_to_ask(suggestions: pd.DataFrame) -> pd.DataFrame:
    """The suggestions as ops downloads them, one row per project and candidate.

    Keeps only the columns the frame still has (the access policy may have removed some).
    """
    return suggestions[[c for c in WHO_TO_ASK_COLUMNS if c in suggestions.columns]]


MAX_ROWS_SHOWN = 200
# Column labels for the table (Streamlit takes a plain string as a column's label): the
# catalogue's, as on every page.
COLUMN_LABELS: dict[str, str] = {c: catalogue.column_label(c) for c in WHO_TO_ASK_COLUMNS}
OPEN_SEATS_HELP = (
    "Open seats (the volunteers needed − the team on the as-of date) of understaffed running "
    "projects, "
    "per campaign state and category."
)


DISPLAY_COLUMNS = [
    "project_id",
    "project_name",
    "state",
    "open_seats",
    "rank",
    "volunteer_name",
    "volunteer_email",
    "why",
    "score",
    "volunteer_id",
    "home_state",
    "hours_per_week",
    "skills",
    "category",
    "chamber",
    "district",
    "end_date",
    "volunteers_needed",
    "team",
]


def for_display(table: pd.DataFrame) -> pd.DataFrame:
    """The who-to-ask rows as shown: the candidate next to the project, readable labels."""
    shown = table[[c for c in DISPLAY_COLUMNS if c in table.columns]].copy()
    if "category" in shown:
        shown["category"] = shown["category"].map(CATEGORY_LABELS).fillna(shown["category"])
    return shown
