"""Figures derived from query results: pure functions, DataFrames and dates in, values out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from tfc_dash.core.catalogue import Scorecard, scorecard
from tfc_dash.core.text import day_label
from tfc_dash.store.models import CATEGORY_LABELS

PACE_WINDOW = timedelta(weeks=4)


@dataclass(frozen=True)
class Pace:
    """Where the program stands against a goal, and where its recent pace takes it."""

    as_of: date
    total: int
    target: int
    deadline: date
    rate_per_week: float  # trailing-window pace
    weeks_left: float
    needed_per_week: float | None  # None once the target is reached or the deadline passed
    projected_date: date | None  # when the trailing pace reaches the target; None at zero pace

    @property
    def reached(self) -> bool:
        return self.total >= self.target

    @property
    def on_track(self) -> bool:
        if self.reached:
            return True
        return self.projected_date is not None and self.projected_date <= self.deadline

    def summary(self) -> str:
        """One sentence a co-founder reads at a glance."""
        if self.reached:
            return f"The goal of {self.target} projects is reached: {self.total} started."
        rate = f"{self.rate_per_week:.1f} projects a week"
        if self.as_of > self.deadline:
            return (
                f"The deadline ({day_label(self.deadline)}) has passed with {self.total} of "
                f"{self.target} projects started."
            )
        if self.projected_date is None:
            head = f"No projects started in the last 4 weeks: at this pace {self.target} is never "
            head += "reached."
        else:
            gap = (self.projected_date - self.deadline).days
            when = f"{abs(gap)} days {'after' if gap > 0 else 'before'} the deadline"
            if gap == 0:
                when = "on the deadline"
            head = (
                f"At the trailing 4-week pace of {rate}, {self.target} is reached on "
                f"{day_label(self.projected_date)}, {when}."
            )
        need = (
            f" Reaching {self.target} by {day_label(self.deadline)} takes "
            f"{self.needed_per_week:.1f} a week from now."
            if self.needed_per_week is not None
            else ""
        )
        return head + need


def cumulative_on(timeline: pd.DataFrame, day: date, column: str = "started") -> int:
    """How many events of ``column`` happened on or before ``day``."""
    if timeline.empty:
        return 0
    mask = timeline["day"] <= pd.Timestamp(day)
    return int(timeline.loc[mask, column].sum())


def pace_projection(
    timeline: pd.DataFrame,
    as_of: date,
    target: int,
    deadline: date,
    window: timedelta = PACE_WINDOW,
) -> Pace:
    """Trailing-window pace toward ``target`` and what it implies.

    ``rate_per_week`` counts projects started in the window ending on ``as_of``;
    ``projected_date`` extends that rate from the current total to the target;
    ``needed_per_week`` is what the remaining weeks to ``deadline`` require.
    """
    total = cumulative_on(timeline, as_of)
    before = cumulative_on(timeline, as_of - window)
    weeks = window.days / 7
    rate = (total - before) / weeks
    remaining = max(target - total, 0)
    days_left = (deadline - as_of).days
    weeks_left = max(days_left, 0) / 7
    needed: float | None
    needed = None if remaining == 0 or days_left <= 0 else remaining / weeks_left
    projected: date | None
    if remaining == 0:
        projected = as_of
    elif rate <= 0:
        projected = None
    else:
        projected = as_of + timedelta(days=math.ceil(remaining / rate * 7))
    return Pace(
        as_of=as_of,
        total=total,
        target=target,
        deadline=deadline,
        rate_per_week=rate,
        weeks_left=weeks_left,
        needed_per_week=needed,
        projected_date=projected,
    )


def chart_until(timeline: pd.DataFrame, as_of: date, cycle_end: date | None) -> date:
    """The last day a burn-up chart shows: the as-of date, or for a past cycle the day its
    last project event or its election fell (so 2017 is not squeezed into 2018's axis)."""
    if cycle_end is None or cycle_end >= as_of:
        return as_of
    last = timeline["day"].max().date() if not timeline.empty else cycle_end
    return min(as_of, max(cycle_end, last))


def burnup_series(timeline: pd.DataFrame, as_of: date, start: date | None = None) -> pd.DataFrame:
    """Cumulative projects started and completed, week by week up to ``as_of``.

    Columns: ``day`` (a Timestamp every 7 days counted back from ``as_of``, so the last point is
    the as-of day itself), ``started`` and ``completed`` (running totals).
    """
    if start is None:
        start = timeline["day"].min().date() if not timeline.empty else as_of
    start = min(start, as_of)
    weeks = (as_of - start).days // 7
    days = [pd.Timestamp(as_of - timedelta(weeks=w)) for w in range(weeks + 1)][::-1]
    if pd.Timestamp(start) < days[0]:
        days.insert(0, pd.Timestamp(start))
    frame = pd.DataFrame({"day": pd.to_datetime(days).astype("datetime64[ns]")})
    if timeline.empty:
        frame["started"] = 0
        frame["completed"] = 0
        return frame
    ordered = timeline.sort_values("day")
    running = ordered.assign(
        day=ordered["day"].astype("datetime64[ns]"),
        started=ordered["started"].cumsum(),
        completed=ordered["completed"].cumsum(),
    )
    merged = pd.merge_asof(frame, running[["day", "started", "completed"]], on="day")
    return merged.fillna(0).astype({"started": "int64", "completed": "int64"})


def projection_series(pace: Pace) -> pd.DataFrame:
    """Two lines beyond the as-of day: the trailing pace and the pace the goal needs.

    Columns ``day``, ``projects``, ``line``; empty when there is nothing to project.
    """
    rows: list[dict[str, object]] = []
    if pace.reached or pace.as_of >= pace.deadline:
        return pd.DataFrame(columns=["day", "projects", "line"])
    end = pace.deadline
    if pace.projected_date is not None:
        end = max(end, pace.projected_date)
    horizon_weeks = (end - pace.as_of).days / 7
    rows.append({"day": pace.as_of, "projects": pace.total, "line": "Trailing 4-week pace"})
    rows.append(
        {
            "day": end,
            "projects": round(pace.total + pace.rate_per_week * horizon_weeks, 1),
            "line": "Trailing 4-week pace",
        }
    )
    rows.append({"day": pace.as_of, "projects": pace.total, "line": "Pace needed"})
    rows.append({"day": pace.deadline, "projects": pace.target, "line": "Pace needed"})
    frame = pd.DataFrame(rows)
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def progress_scorecards(
    counts_now: pd.DataFrame,
    counts_before: pd.DataFrame,
    reach_now: dict[str, int],
    reach_before: dict[str, int],
    target: int | None,
) -> list[Scorecard]:
    """The Progress page's scorecards, each with its change over the previous four weeks."""

    def total(frame: pd.DataFrame, column: str) -> int:
        return int(frame[column].sum()) if not frame.empty else 0

    started = total(counts_now, "started")
    goal_note = f"The goal is {target}." if target else ""

    def change(frame_now: int, frame_before: int) -> int:
        return frame_now - frame_before

    cards = [
        scorecard(
            "projects_started",
            started,
            change(started, total(counts_before, "started")),
            goal_note,
            suffix=f" of {target}" if target else "",
        ),
    ]
    for name, column in (("projects_completed", "completed"), ("projects_active", "active")):
        now = total(counts_now, column)
        cards.append(scorecard(name, now, change(now, total(counts_before, column))))
    for name, key in (
        ("campaigns", "campaigns"),
        ("states", "states"),
        ("volunteers_deployed", "volunteers"),
    ):
        cards.append(scorecard(name, reach_now[key], change(reach_now[key], reach_before[key])))
    return cards


def breakdown(counts: pd.DataFrame, by: str) -> pd.DataFrame:
    """Completed and active projects per ``by`` (``state`` or ``category``), long format.

    Columns: ``by`` value, ``label``, ``status`` (Completed/Active), ``projects``, ``total``;
    ordered by total, largest first.
    """
    if counts.empty:
        return pd.DataFrame(columns=[by, "label", "status", "projects", "total"])
    grouped = counts.groupby(by, as_index=False)[["completed", "active"]].sum()
    grouped["total"] = grouped["completed"] + grouped["active"]
    grouped["label"] = (
        grouped[by].map(CATEGORY_LABELS).fillna(grouped[by]) if by == "category" else grouped[by]
    )
    grouped = grouped.sort_values(["total", by], ascending=[False, True])
    long = grouped.melt(
        id_vars=[by, "label", "total"],
        value_vars=["completed", "active"],
        var_name="status",
        value_name="projects",
    )
    long["status"] = long["status"].map({"completed": "Completed", "active": "Active"})
    return long[[by, "label", "status", "projects", "total"]].reset_index(drop=True)
