"""The fundraising kit: branded charts and headline numbers for crowdfunding updates and donors.

:func:`build_kit` gathers the figures (aggregated in SQL), draws the charts and renders each as
PNG (at twice screen resolution, for social posts) and SVG. The page offers those bytes as
downloads and ``python -m tfc_dash export`` writes the very same bytes to files, so what the
fundraising team downloads and what the weekly export holds cannot differ. The page shows the
SVGs and makes each PNG from its SVG when it is asked for (:func:`~tfc_dash.kit.drawing.chart_png`),
the way the export does: rasterising all five up front cost a third of the page's first run.

This module assembles the kit and writes it out; its parts live by job: the store's figures in
:mod:`tfc_dash.figures.kit_queries`, the headline in :mod:`tfc_dash.kit.headline`, drawing in
:mod:`tfc_dash.kit.drawing` (the PNG's text chunks in :mod:`tfc_dash.kit.png_meta`), the charts'
specs in :mod:`tfc_dash.charts.kit_charts`.

What the kit covers: the program's whole record up to the as-of day (every cycle), narrowed by
the states and categories the viewer picked; the progress chart tracks one cycle's goal (the
cycle picked, or the first whose deadline is still ahead). Nothing in it names a volunteer: every
figure is a count or a sum.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from tfc_dash.charts import kit_charts
from tfc_dash.charts.kit_charts import Caption
from tfc_dash.charts.theme import brand
from tfc_dash.core import clock
from tfc_dash.core.catalogue import format_value, label
from tfc_dash.core.csv_files import csv_bytes
from tfc_dash.core.text import day_label
from tfc_dash.figures import goals, metrics, outcomes, queries
from tfc_dash.figures.filters import STATE_NAMES, Filters
from tfc_dash.figures.kit_queries import (
    Crowdfunding,
    crowdfunding,
    projects_by_state,
    volunteer_growth,
)
from tfc_dash.kit.drawing import (
    CURRENT,
    SIZES,
    KitChart,
    Spec,
    chart_png,
    draw,
    ready_to_draw,
    spec_of,
    warm_up_renderer,
)
from tfc_dash.kit.headline import HeadlineFacts, days_left, headline_bytes, headline_text
from tfc_dash.store.database import Bind, read_meta
from tfc_dash.store.models import CATEGORY_LABELS

CHARTS: dict[str, str] = {
    "progress": "Progress toward the goal",
    "volunteers": "Volunteers over time",
    "states": "States covered",
    "races": "Races won and flipped",
    "crowdfunding": "Crowdfunding",
}


@dataclass(frozen=True, eq=False)
class Kit:
    as_of: date
    headline: str
    charts: tuple[KitChart, ...]
    scope: str
    is_demo: bool
    # Goals the kit would track but the Goals tab does not set, each saying how to set it.
    goal_notes: tuple[str, ...] = ()

    def file_name(self, key: str, extension: str, size: str = CURRENT) -> str:
        """``tfc-progress-2018-09-14.png``; a posting size adds its pixels
        (``tfc-progress-2018-09-14-1200x675.png``)."""
        suffix = SIZES[size].suffix if size in SIZES else ""
        return f"tfc-{key}-{self.as_of.isoformat()}{suffix}.{extension}"

    @property
    def headline_file(self) -> str:
        return self.file_name("headline", "txt")

    @property
    def missing(self) -> list[str]:
        """What the kit could not offer, and why."""
        return [f"{c.name}: {c.missing}" for c in self.charts if c.missing]

    def files(self, sizes: tuple[str, ...] = (CURRENT, *SIZES)) -> dict[str, bytes]:
        """Every file of the kit by name: each chart's PNG (at each of ``sizes``), SVG and CSV,
        and the headline."""
        files = {self.headline_file: headline_bytes(self.headline)}
        for chart in self.charts:
            if chart.ready:
                for size in sizes:
                    files[self.file_name(chart.key, "png", size)] = chart_png(chart, size)
                files[self.file_name(chart.key, "svg")] = chart.svg
            if not chart.data.empty:
                files[self.file_name(chart.key, "csv")] = csv_bytes(chart.data)
        return files


def cumulative_weekly(daily: pd.DataFrame, as_of: date, columns: list[str]) -> pd.DataFrame:
    """Running totals of ``columns`` every 7 days counted back from ``as_of`` (its last point)."""
    if daily.empty:
        return pd.DataFrame({"day": [pd.Timestamp(as_of)], **{c: [0] for c in columns}})
    start = daily["day"].min().date()
    weeks = max((as_of - start).days // 7, 0)
    days = [pd.Timestamp(as_of - timedelta(weeks=w)) for w in range(weeks + 1)][::-1]
    if pd.Timestamp(start) < days[0]:
        days.insert(0, pd.Timestamp(start))
    frame = pd.DataFrame({"day": pd.to_datetime(days).astype("datetime64[ns]")})
    running = daily.sort_values("day").assign(day=lambda d: d["day"].astype("datetime64[ns]"))
    running[columns] = running[columns].cumsum()
    merged = pd.merge_asof(frame, running[["day", *columns]], on="day")
    return merged.fillna(0).astype(dict.fromkeys(columns, "int64"))


def until(line: pd.DataFrame, day: date) -> pd.DataFrame:
    """A straight two-point ``line`` (``day``, ``projects``) cut at ``day``."""
    if line.empty or line["day"].iloc[-1] <= pd.Timestamp(day):
        return line
    (d0, d1), (v0, v1) = line["day"].iloc[[0, -1]], line["projects"].iloc[[0, -1]]
    end = pd.Timestamp(day)
    value = v0 + (v1 - v0) * (end - d0) / (d1 - d0)
    return pd.DataFrame({"day": [d0, end], "projects": [v0, round(float(value), 1)]})


def scope_label(filters: Filters) -> str:
    """What part of the program the kit covers, for its source line: states by name."""
    parts = []
    if filters.states is not None:
        names = [STATE_NAMES.get(s, s) for s in filters.states]
        parts.append(", ".join(names) if names else "no states")
    if filters.categories is not None:
        parts.append(", ".join(CATEGORY_LABELS[c] for c in filters.categories))
    return " · ".join(parts)


def source_line(as_of: date, filters: Filters, is_demo: bool) -> str:
    line = f"Source: {brand().name} program data, as of {day_label(as_of)}"
    scope = scope_label(filters)
    if scope:
        line += f" · {scope}"
    if is_demo:
        line += " · DEMO DATA, NOT REAL"
    return line


def build_kit(
    bind: Bind,
    filters: Filters,
    as_of: date,
    progress: Callable[[int, int, str], None] | None = None,
    png: bool = True,
) -> Kit:
    """The whole kit on ``as_of``: figures, headline and every chart rendered as PNG and SVG
    (SVG only without ``png``: :func:`chart_png` makes a PNG when it is wanted).

    ``filters`` are the viewer's (already scoped by policy): their states and categories narrow
    the kit, their cycle picks the goal the progress chart tracks. ``progress(done, total,
    name)`` is called as each chart is drawn.
    """
    warm_up_renderer()  # it starts while the figures are queried
    record = Filters(cycle=None, states=filters.states, categories=filters.categories)
    is_demo = read_meta(bind).get("demo") == "true"
    source = source_line(as_of, record, is_demo)

    reach = queries.reach_counts(bind, record, as_of)
    by_state = projects_by_state(bind, record, as_of)
    races = outcomes.supported_races(bind, record, as_of)
    summary = outcomes.race_summary(races)
    goal = goals.goal_for(bind, goals.PROJECTS, filters.cycle, as_of)
    growth = volunteer_growth(bind, record, as_of)
    funds = crowdfunding(bind, as_of)

    charts = [
        _progress(bind, record, as_of, goal, source),
        _volunteers(growth, record, as_of, source),
        _states(by_state, source, queries.cycles(bind)),
        _races(races, summary, as_of, source),
        _crowdfunding(funds, as_of, source),
    ]
    progress_data = charts[0][0].data
    facts = HeadlineFacts(
        as_of=as_of,
        projects=int(by_state["projects"].sum()),
        campaigns=reach["campaigns"],
        states=reach["states"],
        volunteers=reach["volunteers"],
        since=int(by_state["cycle"].min()) if not by_state.empty else None,
        races=summary if summary.supported else None,
        goal_target=goal.target if goal is not None and record.is_program_wide else None,
        goal_deadline=goal.deadline if goal is not None else None,
        goal_started=int(progress_data["started"].iloc[-1]) if not progress_data.empty else None,
        goal_cycle=goal.cycle if goal is not None else None,
        raised=funds.raised if funds.missing is None else None,
        raise_goal=funds.goal,
        backers=funds.backers,
        days_left=days_left(funds.deadline, as_of) if funds.missing is None else None,
        is_demo=is_demo,
    )
    # Each chart's spec is built here (Python) while vl-convert draws the one before it in the
    # worker (it releases the GIL): the two overlap instead of adding up.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kit-render") as drawing:
        pending = [
            drawing.submit(draw, chart, spec_of(spec), png) if ready_to_draw(chart, spec) else None
            for chart, spec in charts
        ]
        rendered = []
        for done, ((chart, _spec), future) in enumerate(zip(charts, pending, strict=True), 1):
            rendered.append(chart if future is None else future.result())
            if progress is not None:
                progress(done, len(charts), chart.name)
    return Kit(
        as_of=as_of,
        headline=headline_text(facts),
        charts=tuple(rendered),
        scope=scope_label(record) or "the whole program",
        is_demo=is_demo,
        goal_notes=tuple(missing_goals(goal, funds, filters.cycle)),
    )


def missing_goals(goal: goals.Goal | None, funds: Crowdfunding, cycle: int | None) -> list[str]:
    """What the kit says when a goal it would track is not set: the project goal (of ``cycle``,
    or any), and the crowdfunding goal when there are crowdfunding figures but no goal."""
    notes = []
    if goal is None:
        notes.append(goals.no_goal_note(goals.PROJECTS, cycle))
    if funds.missing is None and not funds.goal:
        notes.append(goals.no_goal_note(goals.CROWDFUNDING))
    return notes


def build_page_kit(bind: Bind, filters: Filters, as_of: date) -> Kit:
    """The kit as the page shows it: SVGs drawn, PNGs made on demand by :func:`chart_png`."""
    return build_kit(bind, filters, as_of, png=False)


def _progress(
    bind: Bind, record: Filters, as_of: date, goal: goals.Goal | None, source: str
) -> tuple[KitChart, Spec]:
    name = CHARTS["progress"]
    if goal is None:
        cycles = queries.cycles(bind)
        cycle = max((c for c in cycles if c <= as_of.year), default=None)
        target = deadline = None
    else:
        cycle, target, deadline = goal.cycle, goal.target, goal.deadline
    if cycle is None:
        return KitChart("progress", name, pd.DataFrame(), missing="no election cycle yet."), None
    scoped = Filters(cycle=cycle, states=record.states, categories=record.categories)
    timeline = queries.project_timeline(bind, scoped)
    series = metrics.burnup_series(timeline, as_of)
    started = int(series["started"].iloc[-1])
    data = series.assign(day=series["day"].dt.date)
    if started == 0:
        return KitChart(
            "progress",
            name,
            data,
            missing=f"no project of the {cycle} cycle had started by {day_label(as_of)}.",
        ), None
    program_goal = goal if record.is_program_wide else None
    projection = None
    if program_goal is not None:
        target, deadline = program_goal.target, program_goal.deadline
        pace = metrics.pace_projection(timeline, as_of, target, deadline)
        trailing = metrics.projection_series(pace)
        projection = until(trailing[trailing["line"] == "Trailing 4-week pace"], deadline)
        data = data.assign(goal=target, goal_deadline=deadline)
        if started >= target:
            title = f"Goal reached: {label('projects_started')}: {started:,}"
        else:
            title = f"{label('projects_started')}: {started:,} toward our goal of {target:,}"
        subtitle = (
            f"Projects started for the {cycle} cycle, week by week; the goal: {target:,} by "
            f"{day_label(deadline)}"
        )
    else:
        title = f"{label('projects_started')}: {started:,} for the {cycle} cycle"
        subtitle = "Projects started and completed, week by week"
        if goal is not None:
            subtitle += f" (the program-wide goal is {goal.target:,} by {day_label(goal.deadline)})"
    caption = Caption(title, subtitle, source)
    chart = KitChart("progress", name, data, caption)
    return chart, lambda: kit_charts.progress_chart(
        series,
        caption,
        target if program_goal is not None else None,
        deadline if program_goal is not None else None,
        projection,
    )


def _volunteers(
    growth: pd.DataFrame, record: Filters, as_of: date, source: str
) -> tuple[KitChart, Spec]:
    name = CHARTS["volunteers"]
    columns = ["signed_up", "placed"] if record.states is None else ["placed"]
    if growth.empty or int(growth[columns].to_numpy().sum()) == 0:
        return KitChart(
            "volunteers",
            name,
            pd.DataFrame(),
            missing=f"no volunteer had signed up or been placed by {day_label(as_of)}.",
        ), None
    series = cumulative_weekly(growth, as_of, columns)
    placed = int(series["placed"].iloc[-1])
    since = f"{growth['day'].min():%b %Y}"
    if "signed_up" in columns:
        signed = int(series["signed_up"].iloc[-1])
        title = f"{label('volunteers_enrolled')}: {signed:,}"
        subtitle = (
            f"{label('volunteers_deployed')}: {placed:,} of them; running totals since {since}"
        )
    else:
        title = f"{label('volunteers_deployed')}: {placed:,}"
        subtitle = f"Volunteers placed on a project in {scope_label(record)}, since {since}"
    caption = Caption(title, subtitle, source)
    data = series.assign(day=series["day"].dt.date)
    return KitChart("volunteers", name, data, caption), lambda: kit_charts.volunteers_chart(
        series, caption
    )


def _states(
    by_state: pd.DataFrame, source: str, program_cycles: list[int]
) -> tuple[KitChart, Spec]:
    name = CHARTS["states"]
    if by_state.empty:
        return KitChart("states", name, by_state, missing="no project has started yet."), None
    states = sorted(by_state["state"].unique())
    cycles = sorted(by_state["cycle"].unique())
    span = f"{cycles[0]}" if len(cycles) == 1 else f"{cycles[0]} to {cycles[-1]}"
    if len(states) == 1:
        where = STATE_NAMES.get(states[0], states[0])
        caption = Caption(
            f"{label('projects_started')} in {where}",
            f"Projects started for campaigns in {where}, by cycle, {span}",
            source,
        )
    else:
        caption = Caption(
            f"{label('projects_started')} in {len(states)} states",
            f"Projects started for campaigns in each state, {span}",
            source,
        )
    data = by_state.rename(columns={"projects": "projects_started"})  # the CSV's catalogue name
    every = [str(c) for c in sorted(program_cycles)]
    return KitChart("states", name, data, caption), lambda: kit_charts.states_chart(
        by_state, caption, every
    )


def _races(
    races: pd.DataFrame, summary: outcomes.RaceSummary, as_of: date, source: str
) -> tuple[KitChart, Spec]:
    name = CHARTS["races"]
    if races.empty:
        return KitChart(
            "races",
            name,
            pd.DataFrame(),
            missing=f"no supported race by {day_label(as_of)}: races count once a project "
            "for their campaign has started.",
        ), None
    frame = outcomes.results_by(races, "cycle")
    if summary.decided:
        title = (
            f"{label('races_won')}: {summary.won:,} of {summary.decided:,} decided; "
            f"{label('seats_flipped')}: {summary.flipped:,}"
        )
    else:
        title = f"{label('races_supported')}: {summary.supported:,}, results to come"
    pending = races[races["result"] == "pending"]
    subtitle = "Races of the campaigns our volunteers worked for, by result"
    if not pending.empty:
        next_day = pending["election_date"].min()
        subtitle += f"; {summary.pending:,} decided on or after {day_label(clock.as_day(next_day))}"
    caption = Caption(title, subtitle, source)
    return KitChart("races", name, frame, caption), lambda: kit_charts.races_chart(frame, caption)


def _crowdfunding(funds: Crowdfunding, as_of: date, source: str) -> tuple[KitChart, Spec]:
    name = CHARTS["crowdfunding"]
    if funds.missing is not None:
        return KitChart("crowdfunding", name, pd.DataFrame(), missing=funds.missing), None
    raised = funds.raised
    title = f"{label('crowdfunding_usd')}: {format_value('crowdfunding_usd', raised)}"
    if funds.goal:
        title += f" of our ${funds.goal:,.0f} goal"
    details = []
    if funds.backers:
        details.append(f"{funds.backers:,} backers")
    left = days_left(funds.deadline, as_of)
    if left is not None and funds.deadline is not None:
        details.append(
            f"{left} day{'s' if left != 1 else ''} left, ends {day_label(funds.deadline)}"
            if left
            else f"ended {day_label(funds.deadline)}"
        )
    if not funds.goal:
        details.append("no goal in the data")
    subtitle = "Crowdfunding to hire full-time staff: " + "; ".join(details) if details else ""
    caption = Caption(title, subtitle.strip(), source)
    data = funds.series[["date", "raised_usd", "backers", "goal_usd"]]
    return KitChart("crowdfunding", name, data, caption), lambda: kit_charts.crowdfunding_chart(
        funds.series, caption, funds.goal, funds.deadline
    )


def export_kit(
    kit: Kit, out: Path, progress: Callable[[int, int, str], None] | None = None
) -> list[Path]:
    """Write every file of ``kit`` into ``out``; ``progress(done, total, name)`` after each."""
    out.mkdir(parents=True, exist_ok=True)
    files = kit.files()
    written = []
    for done, (file_name, data) in enumerate(files.items(), start=1):
        path = out / file_name
        path.write_bytes(data)
        written.append(path)
        if progress is not None:
            progress(done, len(files), file_name)
    return written
