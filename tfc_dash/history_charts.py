"""The History page's chart: one headline figure as each sync saw it."""

from __future__ import annotations

import altair as alt
import pandas as pd

from tfc_dash.theme import brand


def figure_history_chart(rows: pd.DataFrame, label: str, height: int = 280) -> alt.Chart:
    """A step line of one figure's value at each sync run, a point per run.

    ``rows`` is :func:`tfc_dash.history.figure_history` (columns ``run``, ``synced``, ``as_of``,
    ``value``, ``change``); ``label`` is the figure's catalogue label (the axis and tooltip).
    """
    b = brand()
    data = rows[["run", "synced", "value", "change"]].copy()
    data["as_of"] = rows["as_of"].map(lambda d: d.isoformat() if d == d and d else "")
    base = alt.Chart(data).encode(
        x=alt.X(
            "synced:T",
            title="Synced (UTC)",
            axis=alt.Axis(labelAngle=0, format="%d %b %H:%M", labelOverlap=True),
        ),
        y=alt.Y("value:Q", title=label, scale=alt.Scale(zero=False)),
    )
    tooltip = [
        alt.Tooltip("run:Q", title="Sync run"),
        alt.Tooltip("synced:T", title="Synced (UTC)", format="%Y-%m-%d %H:%M"),
        alt.Tooltip("as_of:N", title="As of"),
        alt.Tooltip("value:Q", title=label, format=",.0f"),
        alt.Tooltip("change:Q", title="Change since the previous sync", format="+,.0f"),
    ]
    line = base.mark_line(interpolate="step-after", color=b.primary)
    points = base.mark_point(filled=True, size=60, color=b.primary).encode(tooltip=tooltip)
    return (line + points).properties(height=height)
