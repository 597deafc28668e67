"""Maps and district grids (Altair), each built by a function that takes DataFrames and shapes.

The shapes travel inside the chart as a TopoJSON string that the browser parses (see
:mod:`tfc_dash.figures.geo`), joined to the chart's rows by a lookup; the rows themselves go the
usual way, as a table. Maps render as SVG so that each shape is an element of the page.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pandas as pd

from tfc_dash.charts.axes import drawn_scale
from tfc_dash.charts.theme import FOG, MIST, PALE_BLUE, brand
from tfc_dash.core.catalogue import label
from tfc_dash.figures.coverage import LOST, NOT_TARGETED, PROJECT, STATUSES, TARGETED, WON
from tfc_dash.figures.geo import Shapes

SVG = {"embedOptions": {"renderer": "svg"}}
NOT_TARGETED_COLOR = MIST
EMPTY_STATE_COLOR = FOG
# The map's shading: each a catalogue figure, per state (program_by_state's columns).
METRIC_FIGURES: dict[str, str] = {
    "projects": "projects_started",
    "campaigns": "campaigns",
    "volunteers": "volunteers_deployed",
}
METRICS: dict[str, str] = {column: label(name) for column, name in METRIC_FIGURES.items()}


def status_colors() -> dict[str, str]:
    b = brand()
    return {
        WON: b.positive,
        LOST: b.accent,
        PROJECT: b.primary,
        TARGETED: b.yellow,
        NOT_TARGETED: NOT_TARGETED_COLOR,
    }


def _status_color(drawn: pd.Series, title: str | None = None) -> alt.Color:
    """Colour by status; the legend lists the statuses the chart draws (``drawn``)."""
    colors = status_colors()
    return alt.Color(
        "status:N",
        title=title,
        scale=drawn_scale(list(STATUSES), [colors[s] for s in STATUSES], drawn),
        legend=alt.Legend(orient="top", direction="horizontal", title=None),
    )


def _district_rows(statuses: pd.DataFrame) -> pd.DataFrame:
    """The columns a district chart shows, with tooltip text for missing values."""
    rows = statuses[
        ["district", "label", "order", "status", "candidate", "winnability", "volunteers", "result"]
    ].copy()
    rows["winnability_text"] = rows.pop("winnability").map(
        lambda w: "not scored" if pd.isna(w) else f"{w:.0f} / 100"
    )
    rows["candidate"] = rows["candidate"].replace("", "none")
    rows["result"] = rows["result"].replace("", "no race")
    return rows


def _is_selected(selected: str | None) -> str:
    """A Vega expression true for the selected district (computed in the browser: no column)."""
    return f"datum.district === {json.dumps(selected)}" if selected else "false"


# What a screen reader says for each shape (Vega's default lists every encoded field).
DESCRIPTION = "datum.label + ': ' + datum.status"


def _district_tooltip() -> list[alt.Tooltip]:
    return [
        alt.Tooltip("label:N", title="District"),
        alt.Tooltip("status:N", title="Status"),
        alt.Tooltip("candidate:N", title="Candidate"),
        alt.Tooltip("winnability_text:N", title="Winnability"),
        alt.Tooltip("volunteers:Q", title=label("volunteers_deployed")),
        alt.Tooltip("result:N", title="Result"),
    ]


def shapes_lookup(shapes: Shapes) -> alt.LookupData:
    data = alt.Data(
        values=shapes.text, format=alt.DataFormat(type="topojson", feature=shapes.object_name)
    )
    return alt.LookupData(data=data, key="id")


def district_map(
    statuses: pd.DataFrame,
    shapes: Shapes,
    selected: str | None = None,
    only: frozenset[str] | None = None,
    height: int = 440,
) -> alt.Chart:
    """The chamber's districts coloured by status
    (:func:`tfc_dash.figures.coverage.district_statuses`).

    Districts without a shape are left out (the page says which); ``selected`` is outlined;
    ``only`` zooms to those districts (the map fits the shapes it draws).
    """
    b = brand()
    shown = shapes.ids if only is None else shapes.ids & only
    rows = _district_rows(statuses[statuses["district"].isin(shown)])
    # Drawn in row order: the selected district last, so that its outline is on top.
    last = rows["district"] == selected
    rows = rows.assign(_last=last).sort_values(["_last", "order"], ignore_index=True)
    rows = rows.drop(columns=["_last", "order"])
    chosen = _is_selected(selected)
    return (
        alt.Chart(rows)
        .transform_lookup(lookup="district", from_=shapes_lookup(shapes), as_="geo")
        .transform_calculate(description=DESCRIPTION)
        .mark_geoshape()
        .encode(
            shape="geo:G",
            color=_status_color(rows["status"]),
            stroke=alt.condition(chosen, alt.value(b.text), alt.value("white")),
            strokeWidth=alt.condition(chosen, alt.value(2.5), alt.value(0.6)),
            tooltip=_district_tooltip(),
            description="description:N",
        )
        .project("mercator")
        .properties(height=height, usermeta=SVG)
        .configure_view(stroke=None)
    )


def tile_columns(count: int) -> int:
    return 10 if count <= 60 else 20


def tile_grid(
    statuses: pd.DataFrame, selected: str | None = None, columns: int | None = None
) -> alt.LayerChart:
    """The chamber's districts as tiles in number order, coloured by status."""
    b = brand()
    rows = _district_rows(statuses)
    columns = columns or tile_columns(len(rows))
    rows["col"] = rows["order"] % columns
    rows["row"] = rows["order"] // columns
    rows = rows.drop(columns="order")
    chosen = _is_selected(selected)
    dark = alt.FieldOneOfPredicate(field="status", oneOf=[WON, LOST, PROJECT])
    base = (
        alt.Chart(rows)
        .transform_calculate(description=DESCRIPTION)
        .encode(
            x=alt.X("col:O", axis=None),
            y=alt.Y("row:O", axis=None),
        )
    )
    tiles = base.mark_rect(cornerRadius=3).encode(
        color=_status_color(rows["status"]),
        stroke=alt.condition(chosen, alt.value(b.text), alt.value("white")),
        strokeWidth=alt.condition(chosen, alt.value(2.5), alt.value(1.5)),
        tooltip=_district_tooltip(),
        description="description:N",
    )
    names = base.mark_text(fontSize=10, limit=34).encode(
        text="district:N",
        color=alt.condition(dark, alt.value("white"), alt.value(b.text)),
        tooltip=_district_tooltip(),
    )
    return (
        alt.layer(tiles, names)
        .properties(width=alt.Step(38), height=alt.Step(38))
        .configure_view(stroke=None)
    )


PICK = "pick"  # the choropleth's click selection


def us_choropleth(
    by_state: pd.DataFrame, shapes: Shapes, fips: dict[str, int], metric: str = "projects"
) -> alt.Chart:
    """The 50 states shaded by ``metric`` (a column of :func:`coverage.program_by_state`).

    Clicking a state selects it (the selection ``pick``; see :func:`picked_state`).
    """
    b = brand()
    pick = alt.selection_point(name=PICK, fields=["state"], on="click", clear=False)
    rows = by_state.assign(fips=by_state["state"].map(fips).astype("int64"))
    rows = rows[rows["fips"].astype(str).isin(shapes.ids)]
    title = METRICS[metric]
    return (
        alt.Chart(rows)
        .transform_lookup(lookup="fips", from_=shapes_lookup(shapes), as_="geo")
        .transform_calculate(
            description=f"datum.state_name + ': ' + format(datum.{metric}, ',') + ' {metric}'"
        )
        .mark_geoshape(stroke="white", strokeWidth=0.7, cursor="pointer")
        .add_params(pick)
        .encode(
            description="description:N",
            shape="geo:G",
            color=alt.condition(
                f"datum.{metric} > 0",
                alt.Color(
                    f"{metric}:Q",
                    title=title,
                    scale=alt.Scale(range=[PALE_BLUE, b.primary]),
                    legend=alt.Legend(orient="top", direction="horizontal", format=",.0f"),
                ),
                alt.value(EMPTY_STATE_COLOR),
            ),
            tooltip=[
                alt.Tooltip("state_name:N", title="State"),
                alt.Tooltip("projects:Q", title=METRICS["projects"], format=","),
                alt.Tooltip("campaigns:Q", title=METRICS["campaigns"], format=","),
                alt.Tooltip("volunteers:Q", title=METRICS["volunteers"], format=","),
            ],
        )
        .project("albersUsa")
        .properties(height=420, usermeta=SVG)
        .configure_view(stroke=None)
    )


def picked_state(selection: Any) -> str | None:
    """The state clicked on :func:`us_choropleth`, from Streamlit's selection event state (a
    mapping of any shape, read defensively)."""
    try:
        points = selection[PICK]
    except (KeyError, TypeError, AttributeError):
        return None
    for point in points or ():
        state = point.get("state") if hasattr(point, "get") else None
        if state:
            return str(state)
    return None
