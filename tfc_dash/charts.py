"""Altair charts, each built by a function that takes DataFrames and returns a chart.

Colours come from the brand in ``.streamlit/config.toml`` (see :mod:`tfc_dash.theme`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from tfc_dash.axes import count_axis, drawn_scale, legend, time_axis
from tfc_dash.catalogue import column_label, label
from tfc_dash.metrics import Pace
from tfc_dash.text import day_label
from tfc_dash.theme import brand

STARTED = label("projects_started")
COMPLETED = label("projects_completed")
TRAILING = "Trailing 4-week pace"
NEEDED = "Pace needed"


def burnup_chart(
    series: pd.DataFrame,
    pace: Pace | None = None,
    projection: pd.DataFrame | None = None,
    height: int = 340,
) -> alt.LayerChart:
    """Cumulative projects started and completed, with the goal, the deadline and the pace.

    ``series`` is :func:`tfc_dash.metrics.burnup_series`; ``projection`` is
    :func:`tfc_dash.metrics.projection_series` (empty or None for no projection).
    """
    b = brand()
    actual = series.melt(
        id_vars="day", value_vars=["started", "completed"], var_name="line", value_name="projects"
    )
    actual["line"] = actual["line"].map({"started": STARTED, "completed": COMPLETED})
    lines = actual
    if projection is not None and not projection.empty:
        lines = pd.concat([actual, projection[["day", "projects", "line"]]], ignore_index=True)
    domain = [STARTED, COMPLETED, TRAILING, NEEDED]
    colors = [b.primary, b.positive, b.primary, b.accent]
    color = alt.Color(
        "line:N",
        title=None,
        scale=drawn_scale(domain, colors, lines["line"]),
        legend=legend(),
    )
    dash = alt.StrokeDash(
        "line:N",
        scale=drawn_scale(domain, [[1, 0], [1, 0], [6, 4], [2, 3]], lines["line"]),
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

    ``frame`` is :func:`tfc_dash.metrics.breakdown`.
    """
    b = brand()
    order = frame.drop_duplicates("label").sort_values("total", ascending=False)["label"].tolist()
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=220)),
            x=alt.X(
                "projects:Q",
                title=column_label("projects_started"),
                stack="zero",
                axis=count_axis(),
            ),
            color=alt.Color(
                "status:N",
                title=None,
                scale=drawn_scale(
                    ["Completed", "Active"], [b.positive, b.primary], frame["status"]
                ),
                legend=legend(),
            ),
            order=alt.Order("status:N", sort="descending"),
            tooltip=[
                alt.Tooltip("label:N", title=column_label(by)),
                alt.Tooltip("status:N", title=column_label("status")),
                alt.Tooltip("projects:Q", title=column_label("projects_in_group")),
                alt.Tooltip("total:Q", title=column_label("projects_started")),
            ],
        )
        .properties(height=alt.Step(24))
        .configure_view(stroke=None)
    )
