"""The History page's chart: one headline figure as each sync saw it."""

from __future__ import annotations

import altair as alt
import pandas as pd

from tfc_dash.charts.theme import brand
from tfc_dash.core.catalogue import column_label


def figure_history_chart(rows: pd.DataFrame, name: str, height: int = 280) -> alt.LayerChart:
    """A step line of figure ``name``'s value at each sync run, a point per run.

    ``rows`` is :func:`tfc_dash.ingest.history.figure_history` (columns ``run``, ``synced_utc``,
    ``as_of``, ``value``, ``change_since_previous``); titles are the catalogue's labels.
    """
    b = brand()
    data = rows[["run", "synced_utc", "value", "change_since_previous"]].copy()
    data["as_of"] = rows["as_of"].map(lambda d: d.isoformat() if d == d and d else "")
    label = column_label(name)
    synced = column_label("synced_utc")
    base = alt.Chart(data).encode(
        x=alt.X(
            "synced_utc:T",
            title=synced,
            axis=alt.Axis(labelAngle=0, format="%d %b %H:%M", labelOverlap=True),
        ),
        y=alt.Y("value:Q", title=label, scale=alt.Scale(zero=False)),
    )
    tooltip = [
        alt.Tooltip("run:Q", title=column_label("run")),
        alt.Tooltip("synced_utc:T", title=synced, format="%Y-%m-%d %H:%M"),
        alt.Tooltip("as_of:N", title=column_label("as_of")),
        alt.Tooltip("value:Q", title=label, format=",.0f"),
        alt.Tooltip(
            "change_since_previous:Q",
            title=column_label("change_since_previous"),
            format="+,.0f",
        ),
    ]
    line = base.mark_line(interpolate="step-after", color=b.primary)
    points = base.mark_point(filled=True, size=60, color=b.primary).encode(tooltip=tooltip)
    return (line + points).properties(height=height)
