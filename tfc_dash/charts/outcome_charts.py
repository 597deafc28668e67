"""The Outcomes page's charts: DataFrames from :mod:`tfc_dash.figures.outcomes` in, Altair charts
out.

Colours come from the brand in ``.streamlit/config.toml`` (see :mod:`tfc_dash.charts.theme`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from tfc_dash.charts.axes import (
    count_axis,
    drawn_colour,
    large_axis,
    legend,
    money_axis,
)
from tfc_dash.charts.theme import LIGHT_SLATE, PALE_SLATE, Brand, brand
from tfc_dash.core.catalogue import column_label, metric_label
from tfc_dash.figures.outcomes import OUTCOMES


def outcome_colors(b: Brand) -> list[str]:
    """One colour per entry of ``OUTCOMES``: wins in the brand's strong colours, the rest muted."""
    return [b.primary, b.positive, b.accent, LIGHT_SLATE, PALE_SLATE]


def results_chart(frame: pd.DataFrame, by: str) -> alt.Chart:
    """Horizontal stacked bars: supported races per ``by`` value, by outcome.

    ``frame`` is :func:`tfc_dash.figures.outcomes.results_by`.
    """
    b = brand()
    data = frame.assign(**{by: frame[by].astype(str)})
    data["order"] = data["outcome"].map({o: i for i, o in enumerate(OUTCOMES)})
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(f"{by}:N", title=None, sort="ascending"),
            x=alt.X(
                "races:Q", title=column_label("races_supported"), stack="zero", axis=count_axis()
            ),
            color=drawn_colour("outcome", list(OUTCOMES), outcome_colors(b), data["outcome"]),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip(f"{by}:N", title=column_label(by)),
                alt.Tooltip("outcome:N", title=column_label("outcome")),
                alt.Tooltip("races:Q", title=column_label("races")),
            ],
        )
        .properties(height=alt.Step(28))
        .configure_view(stroke=None)
    )


def margin_chart(changes: pd.DataFrame) -> alt.LayerChart:
    """Each decided race's margin against its district's previous one: a dumbbell per race.

    ``changes`` is :func:`tfc_dash.figures.outcomes.margin_changes`.
    """
    b = brand()
    order = changes["race"].tolist()
    long = changes.melt(
        id_vars=["race", "candidate", "result", "change"],
        value_vars=["previous_margin", "margin"],
        var_name="when",
        value_name="value",
    )
    long["when"] = long["when"].map(
        {"previous_margin": "Previous election", "margin": "This election"}
    )
    y = alt.Y("race:N", title=None, sort=order)
    tooltip = [
        alt.Tooltip("race:N", title="Race"),
        alt.Tooltip("candidate:N", title="Candidate"),
        alt.Tooltip("result:N", title="Result"),
        alt.Tooltip("previous_margin:Q", title="Previous margin", format="+.1%"),
        alt.Tooltip("margin:Q", title="Margin", format="+.1%"),
        alt.Tooltip("change:Q", title="Change", format="+.1%"),
    ]
    rules = (
        alt.Chart(changes)
        .mark_rule(color=b.grey, strokeWidth=2)
        .encode(y=y, x=alt.X("previous_margin:Q"), x2="margin:Q", tooltip=tooltip)
    )
    points = (
        alt.Chart(long)
        .mark_circle(size=90, opacity=1)
        .encode(
            y=y,
            x=alt.X("value:Q", title="Margin (share of votes)", axis=alt.Axis(format="+.0%")),
            color=alt.Color(
                "when:N",
                title=None,
                scale=alt.Scale(
                    domain=["Previous election", "This election"], range=[LIGHT_SLATE, b.primary]
                ),
                legend=legend(),
            ),
            tooltip=[
                alt.Tooltip("race:N", title="Race"),
                alt.Tooltip("when:N", title="Election"),
                alt.Tooltip("value:Q", title="Margin", format="+.1%"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=b.text).encode(x="x:Q")
    return (
        alt.layer(zero, rules, points).properties(height=alt.Step(24)).configure_view(stroke=None)
    )


def comparison_chart(districts: pd.DataFrame) -> alt.Chart:
    """Every contested district's Democratic margin, supported against not supported.

    ``districts`` is :func:`tfc_dash.figures.outcomes.chamber_comparison`.
    """
    b = brand()
    contested = districts[districts["contested"]].copy()
    contested["group"] = contested["supported"].map({True: "Supported", False: "Not supported"})
    outcomes = ["Flipped to D", "Held by D", "Held by R", "Flipped to R"]
    return (
        alt.Chart(contested)
        .mark_tick(thickness=3, size=26)
        .encode(
            x=alt.X(
                "dem_margin:Q",
                title="Democratic margin (share of votes)",
                axis=alt.Axis(format="+.0%"),
            ),
            y=alt.Y("group:N", title=None, sort=["Supported", "Not supported"]),
            color=drawn_colour(
                "district_outcome",
                outcomes,
                [b.primary, b.positive, b.accent, b.grey],
                contested["district_outcome"],
            ),
            tooltip=[
                alt.Tooltip("district:N", title="District"),
                alt.Tooltip("group:N", title="Program"),
                alt.Tooltip("district_outcome:N", title="Outcome"),
                alt.Tooltip("dem_share:Q", title="Democratic share", format=".1%"),
                alt.Tooltip("dem_margin:Q", title="Democratic margin", format="+.1%"),
            ],
        )
        .properties(height=alt.Step(48))
        .configure_view(stroke=None)
    )


def metric_chart(wide: pd.DataFrame, by: str, metric: str) -> alt.Chart:
    """One metric per ``by`` value as horizontal bars; ``wide`` is
    :func:`tfc_dash.figures.outcomes.metrics_by`."""
    b = brand()
    data = wide[[by, "label", metric]].dropna()
    money = metric in ("spend_usd", "cost_per_contact")
    fmt = "$,.2f" if metric == "cost_per_contact" else ("$,.0f" if money else ",.0f")
    return (
        alt.Chart(data)
        .mark_bar(color=b.primary)
        .encode(
            y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=220)),
            x=alt.X(
                f"{metric}:Q",
                title=metric_label(metric),
                axis=(
                    alt.Axis(format="$.2f")
                    if metric == "cost_per_contact"
                    else money_axis()
                    if metric.endswith("_usd")
                    else large_axis()
                ),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=by.title()),
                alt.Tooltip(f"{metric}:Q", title=metric_label(metric), format=fmt),
            ],
        )
        .properties(height=alt.Step(24))
        .configure_view(stroke=None)
    )
