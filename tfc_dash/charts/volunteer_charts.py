"""Altair charts of the Volunteers and Staffing pages: DataFrames in, charts out.

Colours come from the brand in ``.streamlit/config.toml`` (see :mod:`tfc_dash.charts.theme`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from tfc_dash.charts.axes import count_axis, legend, stacked_bars, time_axis
from tfc_dash.charts.theme import brand
from tfc_dash.core.catalogue import column_label, label
from tfc_dash.store.models import CATEGORIES, CATEGORY_LABELS

DEPLOYED, BENCH = label("volunteers_on_project"), label("volunteers_bench")


def _groups() -> alt.Scale:
    b = brand()
    return alt.Scale(domain=[DEPLOYED, BENCH], range=[b.primary, b.yellow])


def _legend() -> alt.Legend:
    return legend()


def category_scale() -> alt.Scale:
    b = brand()
    colours = [b.primary, b.accent, b.positive, b.purple]
    return alt.Scale(domain=[CATEGORY_LABELS[c] for c in CATEGORIES], range=colours)


def pool_chart(frame: pd.DataFrame, height: int = 140) -> alt.VConcatChart:
    """Deployed and bench volunteers week by week, one panel each on its own scale (the bench
    can be ten times the deployed, which a shared scale would flatten).

    ``frame`` is :func:`tfc_dash.figures.volunteering.pool_chart_frame`.
    """
    b = brand()
    panels = []
    for group, colour in ((DEPLOYED, b.primary), (BENCH, b.yellow)):
        panels.append(
            alt.Chart(frame[frame["group"] == group])
            .mark_area(opacity=0.85, line={"color": colour}, color=colour)
            .encode(
                x=alt.X("day:T", title=None, axis=time_axis()),
                y=alt.Y("volunteers:Q", title=group, axis=count_axis()),
                tooltip=[
                    alt.Tooltip("day:T", title=column_label("week"), format="%d %b %Y"),
                    alt.Tooltip("group:N", title=column_label("group")),
                    alt.Tooltip(
                        "volunteers:Q", title=column_label("volunteers_in_group"), format=","
                    ),
                ],
            )
            .properties(height=height, width="container")
        )
    return alt.vconcat(*panels, spacing=8).configure_view(stroke=None)


def pool_breakdown_chart(frame: pd.DataFrame, title: str, limit_rows: int = 30) -> alt.Chart:
    """Horizontal bars of deployed and bench volunteers per label (skill or home state).

    ``frame`` is :func:`tfc_dash.figures.volunteering.breakdown_by_skill` (or
    ``_by_home_state``); only the ``limit_rows`` largest labels are drawn.
    """
    totals = frame.drop_duplicates("label").sort_values("total", ascending=False)
    order = totals["label"].head(limit_rows).tolist()
    data = frame[frame["label"].isin(order)].assign(
        stack=frame["group"].map({DEPLOYED: 0, BENCH: 1})
    )
    return stacked_bars(
        data,
        order=order,
        value="volunteers",
        value_title=label("volunteers_active"),
        color=alt.Color("group:N", scale=_groups(), legend=_legend()),
        stack_order=alt.Order("stack:Q"),
        tooltip=[
            alt.Tooltip("label:N", title=title),
            alt.Tooltip("group:N", title=column_label("group")),
            alt.Tooltip("volunteers:Q", title=column_label("volunteers_in_group"), format=","),
            alt.Tooltip("total:Q", title=label("volunteers_active"), format=","),
        ],
        step=20,
        label_limit=200,
    )


def placement_trend_chart(trend: pd.DataFrame, height: int = 260) -> alt.Chart:
    """Median days to first placement per sign-up month, with the share placed in the tooltip.

    ``trend`` is :func:`tfc_dash.figures.volunteering.placement_trend`.
    """
    b = brand()
    data = trend.dropna(subset=["median_days"])
    return (
        alt.Chart(data)
        .mark_bar(color=b.primary)
        .encode(
            # Ordinal months: each bar sits on its own label (a time axis puts a month's bar
            # half a month right of its tick, the last one past the as-of date).
            x=alt.X(
                "yearmonth(month):O",
                title=column_label("signup_month"),
                axis=alt.Axis(format="%b %Y", labelAngle=0, labelOverlap="greedy"),
            ),
            y=alt.Y("median_days:Q", title=column_label("median_days"), axis=count_axis()),
            tooltip=[
                alt.Tooltip(
                    "yearmonth(month):T", title=column_label("signup_month"), format="%b %Y"
                ),
                alt.Tooltip("median_days:Q", title=column_label("median_days"), format=",.0f"),
                alt.Tooltip("placed:Q", title=column_label("placed"), format=","),
                alt.Tooltip("signed_up:Q", title=column_label("signed_up"), format=","),
                alt.Tooltip("share_placed:Q", title=column_label("share_placed"), format=".0%"),
            ],
        )
        .properties(height=height)
        .configure_view(stroke=None)
    )


def supply_demand_charts(frame: pd.DataFrame) -> tuple[alt.Chart, alt.Chart]:
    """Per skill: bench volunteers and open seats that need the skill, two charts each on its
    own scale and as wide as its column (side by side on a desktop, one under the other on a
    phone; a concatenated chart keeps a fixed width, wider than a phone's screen).

    ``frame`` is :func:`tfc_dash.figures.staffing.supply_and_demand`.
    """
    b = brand()
    order = frame["label"].tolist()
    base = alt.Chart(frame).encode(
        y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=160)),
        tooltip=[
            alt.Tooltip("label:N", title="Skill"),
            alt.Tooltip("bench:Q", title=label("volunteers_bench"), format=","),
            alt.Tooltip("open_seats:Q", title="Open seats", format=","),
            alt.Tooltip("bench_per_seat:Q", title="Bench per open seat", format=",.1f"),
        ],
    )
    supply = base.mark_bar(color=b.yellow).encode(
        x=alt.X("bench:Q", title="Bench volunteers with the skill", axis=count_axis())
    )
    demand = base.mark_bar(color=b.accent).encode(
        x=alt.X("open_seats:Q", title="Open seats needing it", axis=count_axis())
    )
    return tuple(
        c.properties(height=alt.Step(20), width="container").configure_view(stroke=None)
        for c in (supply, demand)
    )


def supply_demand_chart(frame: pd.DataFrame, which: int) -> alt.Chart:
    """One of :func:`supply_demand_charts`: 0 the bench, 1 the open seats."""
    return supply_demand_charts(frame)[which]


def open_seats_chart(frame: pd.DataFrame) -> alt.Chart:
    """Open seats per campaign state, stacked by category.

    ``frame`` is :func:`tfc_dash.figures.staffing.open_seats_by_state`.
    """
    order = frame.drop_duplicates("state")["state"].tolist()
    data = frame.assign(label=frame["category"].map(CATEGORY_LABELS).fillna(frame["category"]))
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("state:N", title=None, sort=order),
            x=alt.X(
                "open_seats:Q",
                title="Open seats",
                stack="zero",
                axis=count_axis(),
            ),
            color=alt.Color(
                "label:N", scale=category_scale(), legend=legend(data["label"].unique())
            ),
            tooltip=[
                alt.Tooltip("state:N", title="State"),
                alt.Tooltip("label:N", title="Category"),
                alt.Tooltip("open_seats:Q", title="Open seats"),
                alt.Tooltip("total:Q", title=column_label("group_total")),
            ],
        )
        .properties(height=alt.Step(22))
        .configure_view(stroke=None)
    )
