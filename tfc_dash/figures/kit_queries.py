"""What the fundraising kit asks of the store beyond the pages' queries, aggregated in SQL:
volunteers' growth, projects by state and cycle, and the crowdfunding campaign."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import sqlalchemy as sa

from tfc_dash.core.text import day_label
from tfc_dash.figures import goals, rules
from tfc_dash.figures.filters import Filters
from tfc_dash.figures.queries import project_conditions, started_project_conditions
from tfc_dash.store.database import Bind, connection, engine_of, read_frame, translate_errors
from tfc_dash.store.models import A, C, F, P, V


def volunteer_growth(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """Volunteers signed up and volunteers first placed on a project, per day, up to ``as_of``.

    Columns ``day``, ``signed_up``, ``placed`` (daily counts). Sign-ups are program-wide (a
    volunteer has no campaign state); placements follow the filters, as ``reach_counts`` does.
    """
    signups = (
        sa.select(V.c.signed_up.label("day"), sa.func.count().label("n"))
        .where(V.c.removed_at.is_(None), V.c.signed_up.is_not(None), V.c.signed_up <= as_of)
        .group_by(V.c.signed_up)
    )
    first = (
        sa.select(A.c.volunteer_id, sa.func.min(A.c.start_date).label("day"))
        .select_from(
            A.join(P, A.c.project_id == P.c.project_id).join(C, P.c.campaign_id == C.c.campaign_id)
        )
        .where(*project_conditions(filters), *rules.ever_placed_sql(as_of))
        .group_by(A.c.volunteer_id)
        .subquery()
    )
    placements = sa.select(first.c.day, sa.func.count().label("n")).group_by(first.c.day)
    signed = read_frame(bind, signups, ["day", "signed_up"])
    placed = read_frame(bind, placements, ["day", "placed"])
    daily = signed.merge(placed, on="day", how="outer").fillna(0)
    daily["day"] = pd.to_datetime(daily["day"])
    return daily.astype({"signed_up": "int64", "placed": "int64"}).sort_values(
        "day", ignore_index=True
    )


def projects_by_state(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """Projects started by ``as_of`` per state and cycle: ``state``, ``cycle``, ``projects``."""
    statement = (
        sa.select(C.c.state, C.c.cycle, sa.func.count())
        .select_from(P.join(C, P.c.campaign_id == C.c.campaign_id))
        .where(*started_project_conditions(filters, as_of))
        .group_by(C.c.state, C.c.cycle)
        .order_by(C.c.state, C.c.cycle)
    )
    frame = read_frame(bind, statement, ["state", "cycle", "projects"])
    return frame.astype({"cycle": "int64", "projects": "int64"})


@dataclass(frozen=True, eq=False)
class Crowdfunding:
    """The crowdfunding campaign as of a day; ``missing`` says why there is nothing to show."""

    series: pd.DataFrame = field(default_factory=pd.DataFrame)
    goal: float | None = None
    deadline: date | None = None
    missing: str | None = None

    @property
    def raised(self) -> float:
        return float(self.series["raised_usd"].iloc[-1]) if not self.series.empty else 0.0

    @property
    def backers(self) -> int | None:
        if self.series.empty or self.series["backers"].isna().all():
            return None
        return int(self.series["backers"].dropna().iloc[-1])


def crowdfunding(bind: Bind, as_of: date) -> Crowdfunding:
    """Money raised up to ``as_of``, the goal (the latest ``goal_usd``, else the Goals tab's
    ``crowdfunding_usd`` goal, see :func:`tfc_dash.goals.goal_for`) and the campaign's end (that
    goal's deadline)."""
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        has_table = sa.inspect(conn).has_table(F.name)
    if not has_table:
        return Crowdfunding(
            missing="the store has no fundraising table. Sync the spreadsheet's Fundraising tab "
            "(columns `date`, `raised_usd`, `backers`, `goal_usd`) to add it."
        )
    statement = (
        sa.select(F.c.date, F.c.raised_usd, F.c.backers, F.c.goal_usd)
        .where(F.c.removed_at.is_(None), F.c.date <= as_of)
        .order_by(F.c.date)
    )
    series = read_frame(bind, statement, ["date", "raised_usd", "backers", "goal_usd"])
    set_goal = goals.goal_for(bind, goals.CROWDFUNDING, None, as_of)
    deadline = set_goal.deadline if set_goal is not None else None
    goal = float(set_goal.target) if set_goal is not None else None
    if series.empty:
        return Crowdfunding(
            goal=goal,
            deadline=deadline,
            missing=f"no crowdfunding figures on or before {day_label(as_of)}. Add rows to the "
            "spreadsheet's Fundraising tab (columns `date`, `raised_usd` as a running total).",
        )
    series["date"] = pd.to_datetime(series["date"]).dt.date
    series["raised_usd"] = series["raised_usd"].astype(float)
    series["backers"] = series["backers"].astype("Int64")
    stated = series["goal_usd"].dropna()
    if not stated.empty:
        goal = float(stated.iloc[-1])
    return Crowdfunding(series=series, goal=goal, deadline=deadline)
