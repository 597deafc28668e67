"""Altair charts, each built by a function that takes DataFrames and returns a chart.

Colours come from the brand in ``.streamlit/config.toml`` (see :mod:`tfc_dash.charts.theme`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from tfc_dash.charts.axes import (
    count_axis,
    drawn_colour,
    drawn_scale,
    stacked_bars,
    time_axis,
)
from tfc_dash.charts.theme import brand
from tfc_dash.core.catalogue import column_label, format_value, label
from tfc_dash.core.text import day_label
from tfc_dash.figures.metrics import Pace

STARTED = label("projects_started")
COMPLETED = label("projects_completed")
TRAILING = "Trailing 4-week pace"
NEEDED = label("pace_needed")


def burnup_chart(
    series: pd.DataFrame,
    pace: Pace | None = None,
    projection: pd.DataFrame | None = None,
    height: int = 340,
) -> alt.LayerChart:
    """Cumulative projects started and completed, with the goal, the deadline and the pace.

    ``series`` is :func:`tfc_dash.figures.metrics.burnup_series`; ``projection`` is
    :func:`tfc_dash.figures.metrics.projection_series` (empty or None for no projection).
    """
    b = brand()
    actual = series.melt(
        id_vars="day", value_vars=["started", "completed"], var_name="line", value_name="projects"
    )
    actual["line"] = actual["line"].map({"started": STARTED, "completed": COMPLETED})
    lines = actual
    if projection is not None and not projection.empty:
        lines = pd.concat([actual, projection[["day", "projects", "line"]]], ignore_index=True)
    # The legend lists only the lines drawn (no pace lines without a projection).
    drawn = set(lines["line"])
    styles = [
        (STARTED, b.primary, [1, 0]),
        (COMPLETED, b.positive, [1, 0]),
        (TRAILING, b.primary, [6, 4]),
        (NEEDED, b.accent, [2, 3]),
    ]
    styles = [style for style in styles if style[0] in drawn]
    domain = [name for name, _, _ in styles]
    colors = [colour for _, colour, _ in styles]
    color = drawn_colour("line", domain, colors, lines["line"])
    dash = alt.StrokeDash(
        "line:N",
        scale=drawn_scale(domain, [dash for _, _, dash in styles], lines["line"]),
        legend=None,
    )
    base = alt.Chart(lines).encode(
        x=alt.X(
            "day:T",
            title=None,
            axis=time_axis(tickCount="month"),
        ),
        y=alt.Y("projects:Q", title=column_label("projects_running_total"), axis=count_axis()),
    )
    layers: list[alt.Chart] = [
        base.mark_line(strokeWidth=2.5).encode(
            color=color,
            strokeDash=dash,
            tooltip=[
                alt.Tooltip("line:N", title=column_label("line")),
                alt.Tooltip("day:T", title=column_label("day"), format="%d %b %Y"),
                alt.Tooltip(
                    "projects:Q", title=column_label("projects_running_total"), format=",.0f"
                ),
            ],
        )
    ]
    if pace is not None:
        marks = pd.DataFrame(
            {
                "target": [pace.target],
                "deadline": [pd.Timestamp(pace.deadline)],
                "goal_label": [f"Goal: {pace.target}"],
                "deadline_label": [f"Deadline {day_label(pace.deadline)}"],
            }
        )
        rules = alt.Chart(marks)
        layers += [
            rules.mark_rule(color=b.grey, strokeDash=[4, 4]).encode(y="target:Q"),
            rules.mark_text(align="left", dx=4, dy=-8, color=b.grey).encode(
                y="target:Q", x=alt.value(0), text="goal_label:N"
            ),
            rules.mark_rule(color=b.grey, strokeDash=[4, 4]).encode(x="deadline:T"),
            rules.mark_text(align="right", dx=-4, dy=8, color=b.grey, baseline="top").encode(
                x="deadline:T", y=alt.value(0), text="deadline_label:N"
            ),
        ]
    return alt.layer(*layers).properties(height=height).configure_view(stroke=None)


def breakdown_chart(frame: pd.DataFrame, by: str) -> alt.Chart:
    """Horizontal stacked bars of completed and active projects per ``by`` value.

    ``frame`` is :func:`tfc_dash.figures.metrics.breakdown`.
    """
    b = brand()
    order = frame.drop_duplicates("label").sort_values("total", ascending=False)["label"].tolist()
    return stacked_bars(
        frame,
        order=order,
        value="projects",
        value_title=column_label("projects_started"),
        color=drawn_colour(
            "status", ["Completed", "Active"], [b.positive, b.primary], frame["status"]
        ),
        stack_order=alt.Order("status:N", sort="descending"),
        tooltip=[
            alt.Tooltip("label:N", title=column_label(by)),
            alt.Tooltip("status:N", title=column_label("status")),
            alt.Tooltip("projects:Q", title=column_label("projects_in_group")),
            alt.Tooltip("total:Q", title=column_label("projects_started")),
        ],
        step=24,
    )


def funnel_text(frame: pd.DataFrame) -> pd.Series:
    """Each stage's bar label: its count, and the median weeks the step takes when known."""

    def one(row: pd.Series) -> str:
        count = f"{int(row['projects']):,}"
        weeks = row["median_weeks"]
        if weeks is None or pd.isna(weeks):
            return count
        span = format_value("weeks_to_complete", weeks)
        if row["stage"] == "active":
            return f"{count} · running a median {span}"
        return f"{count} · took a median {span}"

    return frame.apply(one, axis=1) if len(frame) else pd.Series([], dtype="object")


def funnel_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Projects from scoping to active to completed: one bar per stage, its count and the median
    weeks the step takes written above it (never cut off on a narrow screen).
    ``frame`` is :func:`tfc_dash.figures.bottleneck.funnel`."""
    b = brand()
    data = frame.assign(text=funnel_text(frame))
    order = list(data["label"])
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=120, labelOffset=6))
    bars = (
        alt.Chart(data)
        .mark_bar(size=16, yOffset=6)
        .encode(
            y=y,
            x=alt.X(
                "projects:Q",
                title=column_label("projects_in_group"),
                axis=alt.Axis(format="d", tickMinStep=1, tickCount=5),
            ),
            color=alt.Color(
                "label:N",
                legend=None,
                scale=alt.Scale(domain=order, range=[b.grey, b.primary, b.positive][: len(order)]),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=column_label("status")),
                alt.Tooltip("projects:Q", title=column_label("projects_in_group"), format=",d"),
                alt.Tooltip("text:N", title=column_label("median_weeks_step")),
            ],
        )
    )
    text = (
        alt.Chart(data)
        .mark_text(align="left", baseline="bottom", dy=-4, color=b.text, fontSize=12)
        .encode(y=y, x=alt.value(0), text="text:N")
    )
    return alt.layer(bars, text).properties(height=alt.Step(44)).configure_view(stroke=None)
