"""The program's goals, as ops set them in the spreadsheet's Goals tab.

A goal is a target for one figure in one election cycle, by a deadline: "500 projects started by
6 Nov 2018". :data:`GOAL_METRICS` is the one list of what a goal may be about (the Goals tab's
``metric`` column accepts exactly these); :func:`goal_for` is the one lookup Progress, the
fundraising kit and its headline use. With no goal set, pages say so with :func:`no_goal_note`
instead of showing one: a real store never shows the demo's goals (the first real sync or
import replaces them with the rest of the demo).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import sqlalchemy as sa

from tfc_dash.core import catalogue
from tfc_dash.core.text import day_label
from tfc_dash.store import models
from tfc_dash.store.database import Bind, read_frame

# What a goal may be about: the Goals tab's ``metric`` -> the metric catalogue's figure it tracks
# (defined once, in the catalogue).
GOAL_METRICS: dict[str, str] = catalogue.GOAL_METRICS
PROJECTS, CROWDFUNDING, VOLUNTEERS = "projects", "crowdfunding_usd", "volunteers_deployed"

G = models.Goal.__table__


@dataclass(frozen=True)
class Goal:
    """``target`` of ``metric`` by ``deadline``, for the ``cycle`` election cycle."""

    cycle: int
    metric: str
    target: int
    deadline: date
    label: str | None = None


def goals_of(bind: Bind, metric: str) -> pd.DataFrame:
    """Every goal set for ``metric``: ``cycle``, ``target``, ``deadline``, ``label``."""
    statement = (
        sa.select(G.c.cycle, G.c.target, G.c.deadline, G.c.label)
        .where(G.c.metric == metric)
        .order_by(G.c.deadline, G.c.cycle)
    )
    frame = read_frame(bind, statement, ["cycle", "target", "deadline", "label"])
    frame["deadline"] = pd.to_datetime(frame["deadline"]).dt.date
    return frame


def pick(goals: pd.DataFrame, metric: str, cycle: int | None, as_of: date | None) -> Goal | None:
    """The goal among ``goals`` (see :func:`goals_of`): ``cycle``'s when a cycle is given; else
    the first whose deadline is on or after ``as_of`` (else the last one)."""
    if goals.empty:
        return None
    if cycle is not None:
        found = goals[goals["cycle"] == cycle]
    elif as_of is not None:
        ahead = goals[goals["deadline"] >= as_of]
        found = ahead if not ahead.empty else goals.iloc[[-1]]
    else:
        found = goals.iloc[[-1]]
    if found.empty:
        return None
    row = found.iloc[0]
    label = row["label"]
    return Goal(
        cycle=int(row["cycle"]),
        metric=metric,
        target=int(row["target"]),
        deadline=row["deadline"],
        label=None if label is None or pd.isna(label) else str(label),
    )


def goal_for(
    bind: Bind, metric: str, cycle: int | None = None, as_of: date | None = None
) -> Goal | None:
    """The goal for ``metric``: the ``cycle``'s, or with no cycle the next one ahead on
    ``as_of`` (else the last one); None when the Goals tab sets none."""
    return pick(goals_of(bind, metric), metric, cycle, as_of)


def no_goal_note(metric: str, cycle: int | None = None) -> str:
    """What a page says when no goal is set for ``metric``, and how ops set one."""
    scope = f" in the {cycle} cycle" if cycle is not None else ""
    return (
        f"No goal is set for “{catalogue.label(metric)}”{scope}. To set one, add a row to the "
        f"ops spreadsheet's Goals tab (cycle, metric `{metric}`, target, deadline, and a label "
        "if you like); it shows after the next sync."
    )


def progress_line(goal: Goal, value: int) -> str:
    """A goal and how far the figure it tracks has come: "Goal for “Ever placed”: 1,000 by
    6 Nov 2018; 994 so far." """
    return (
        f"Goal for “{catalogue.label(goal.metric)}”: {goal.target:,} by "
        f"{day_label(goal.deadline)}; {value:,} so far."
    )
