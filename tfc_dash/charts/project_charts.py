"""Altair charts of the Projects page: DataFrames in, charts out."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from tfc_dash.charts.axes import drawn_colour, legend, stacked_bars, time_axis
from tfc_dash.charts.theme import DEEP_RED, brand
from tfc_dash.core.catalogue import column_label
from tfc_dash.core.text import day_label

STATUS_ORDER = ["Completed", "Active", "Scoping", "Cancelled"]
STANDING_ORDER = ["Project", "On the team", "Finished", "Left early", "Starts later", "Bad data"]


def status_chart(frame: pd.DataFrame) -> alt.Chart:
    """Listed projects per category, stacked by status on the as-of day.

    ``frame`` is :func:`tfc_dash.figures.projects.status_breakdown`.
    """
    b = brand()
    order = frame.drop_duplicates("label")["label"].tolist()
    data = frame.assign(stack=frame["status"].map({s: k for k, s in enumerate(STATUS_ORDER)}))
    return stacked_bars(
        data,
        order=order,
        value="projects",
        value_title=column_label("projects_any_status"),
        color=drawn_colour(
            "status",
            STATUS_ORDER,
            [b.positive, b.primary, b.yellow, b.grey],
            data.loc[data["projects"] > 0, "status"],
        ),
        stack_order=alt.Order("stack:Q"),
        tooltip=[
            alt.Tooltip("label:N", title=column_label("category")),
            alt.Tooltip("status:N", title=column_label("status")),
            alt.Tooltip("projects:Q", title=column_label("projects_in_group")),
            alt.Tooltip("total:Q", title=column_label("projects_any_status")),
        ],
        step=28,
    )


def timeline_chart(frame: pd.DataFrame, as_of: date, election: date | None) -> alt.LayerChart:
    """The project's span and each team member's assignment, with the as-of day and the
    election. ``frame`` is :func:`tfc_dash.figures.projects.timeline_frame`."""
    b = brand()
    order = frame.sort_values("order")["row"].tolist()
    colours = [b.grey, b.primary, b.positive, b.accent, b.yellow, DEEP_RED]
    present = set(frame["kind"])
    # Only the standings on the chart go in the legend, each with its fixed colour.
    kinds = [(k, c) for k, c in zip(STANDING_ORDER, colours, strict=True) if k in present]
    bars = (
        alt.Chart(frame)
        .mark_bar(cornerRadius=3, height={"band": 0.7})
        .encode(
            y=alt.Y("row:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
            x=alt.X("start:T", title=None, axis=time_axis("%-d %b %Y")),
            x2="end:T",
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=[k for k, _ in kinds], range=[c for _, c in kinds]),
                legend=legend(),
            ),
            tooltip=[
                alt.Tooltip("row:N", title=column_label("who")),
                alt.Tooltip("kind:N", title=column_label("kind")),
                alt.Tooltip("start:T", title=column_label("from"), format="%d %b %Y"),
                alt.Tooltip("end:T", title=column_label("to"), format="%d %b %Y"),
            ],
        )
    )
    marks = [{"day": pd.Timestamp(as_of), "label": f"As of {day_label(as_of)}"}]
    if election is not None:
        marks.append({"day": pd.Timestamp(election), "label": f"Election {day_label(election)}"})
    rules = alt.Chart(pd.DataFrame(marks))
    layers = [
        bars,
        rules.mark_rule(color=b.text, strokeDash=[4, 4]).encode(x="day:T"),
        rules.mark_text(align="left", dx=4, dy=-6, color=b.text, baseline="bottom").encode(
            x="day:T", y=alt.value(0), text="label:N"
        ),
    ]
    return (
        alt.layer(*layers)
        .properties(height=alt.Step(26) if len(order) > 2 else 120)
        .configure_view(stroke=None)
    )
