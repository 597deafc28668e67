"""The fundraising kit's branded charts: DataFrames in, Altair charts out.

Every chart carries a title, a subtitle and a source-and-date line, and takes the brand's colours
and font from ``.streamlit/config.toml`` (see :mod:`tfc_dash.charts.theme`), so that a
chart posted on its own still says what it shows, whose it is and when it was true. No selections
or parameters: Altair numbers those per process, and the exports must be the same bytes every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import altair as alt
import pandas as pd

from tfc_dash.charts.axes import count_axis, money_axis, time_axis
from tfc_dash.charts.outcome_charts import outcome_colors
from tfc_dash.charts.theme import GRID, Brand, brand
from tfc_dash.core.catalogue import column_label, label
from tfc_dash.core.text import day_label
from tfc_dash.figures.outcomes import OUTCOMES

WIDTH = 720
HEIGHT = 320


@dataclass(frozen=True)
class Caption:
    title: str
    subtitle: str
    source: str


def branded(
    chart: alt.Chart | alt.LayerChart | alt.FacetChart, caption: Caption
) -> alt.VConcatChart:
    """``chart`` at the kit's size, with the caption's three lines and the brand's look."""
    b = brand()
    inner = chart.properties(
        width=WIDTH,
        height=HEIGHT,
        title=alt.TitleParams(
            caption.source,
            orient="bottom",
            anchor="start",
            fontSize=12,
            fontWeight="normal",
            color=b.grey,
            offset=18,
        ),
    )
    # Built in one piece: each chained .properties() or .configure_*() would deep-copy the whole
    # chart again (a third of the kit's drawing time); the spec is the same.
    return alt.VConcatChart(
        vconcat=[inner],
        title=alt.TitleParams(
            caption.title,
            subtitle=caption.subtitle,
            anchor="start",
            fontSize=26,
            fontWeight="bold",
            color=b.text,
            subtitleFontSize=15,
            subtitleColor=b.grey,
            subtitlePadding=6,
            offset=20,
        ),
        padding=28,
        background=b.background,
        config=alt.Config(
            font=b.font,
            view=alt.ViewConfig(stroke=None),
            axis=alt.AxisConfig(
                labelColor=b.text,
                titleColor=b.text,
                labelFontSize=13,
                titleFontSize=13,
                titleFontWeight="normal",
                gridColor=GRID,
                domainColor=b.grey,
                tickColor=b.grey,
            ),
            legend=alt.LegendConfig(labelFontSize=13, labelColor=b.text, symbolSize=140),
        ),
    )


def _time_axis() -> alt.Axis:
    return time_axis(tickCount="month", grid=False)


def _until(day: date | None) -> alt.Scale:
    """A time scale that runs at least to ``day``."""
    if day is None:
        return alt.Scale()
    return alt.Scale(domainMax=alt.DateTime(year=day.year, month=day.month, date=day.day))


def _rule_label(
    b: Brand, frame: pd.DataFrame, x: str | None, y: str | None, text: str, **mark: Any
) -> list[alt.Chart]:
    """A dashed reference line with its label."""
    base = alt.Chart(frame)
    rule = base.mark_rule(color=b.grey, strokeDash=[5, 4], strokeWidth=1.5)
    label = base.mark_text(color=b.grey, fontSize=13, **mark)  # altair's text mark options
    if y is not None:
        return [
            rule.encode(y=f"{y}:Q"),
            label.encode(y=f"{y}:Q", x=alt.value(4), text=f"{text}:N"),
        ]
    return [
        rule.encode(x=f"{x}:T"),
        label.encode(x=f"{x}:T", y=alt.value(4), text=f"{text}:N"),
    ]


def progress_chart(
    series: pd.DataFrame,
    caption: Caption,
    target: int | None = None,
    deadline: date | None = None,
    projection: pd.DataFrame | None = None,
) -> alt.VConcatChart:
    """Projects started and completed week by week, toward ``target`` by ``deadline``.

    ``series`` is :func:`tfc_dash.figures.metrics.burnup_series`; ``projection`` has ``day`` and
    ``projects`` for the line the current pace draws (empty or None for none).
    """
    b = brand()
    lines = series.melt(
        id_vars="day", value_vars=["started", "completed"], var_name="line", value_name="projects"
    )
    names = {"started": label("projects_started"), "completed": label("projects_completed")}
    lines["line"] = lines["line"].map(names)
    domain, colors, dashes = list(names.values()), [b.primary, b.positive], [[1, 0], [1, 0]]
    if projection is not None and not projection.empty:
        ahead = projection[["day", "projects"]].assign(line="At the current pace")
        lines = pd.concat([lines, ahead], ignore_index=True)
        domain.append("At the current pace")
        colors.append(b.primary)
        dashes.append([6, 4])
    x_scale = _until(deadline)
    layers: list[alt.Chart] = [
        alt.Chart(lines)
        .mark_line(strokeWidth=3.5)
        .encode(
            x=alt.X("day:T", title=None, axis=_time_axis(), scale=x_scale),
            y=alt.Y("projects:Q", title=column_label("projects_running_total"), axis=count_axis()),
            color=alt.Color(
                "line:N",
                title=None,
                scale=alt.Scale(domain=domain, range=colors),
                legend=alt.Legend(orient="top", direction="horizontal"),
            ),
            strokeDash=alt.StrokeDash(
                "line:N", scale=alt.Scale(domain=domain, range=dashes), legend=None
            ),
        )
    ]
    if target is not None:
        marks = pd.DataFrame({"target": [target], "label": [f"Goal: {target:,}"]})
        layers += _rule_label(b, marks, None, "target", "label", align="left", dy=-10)
    if deadline is not None:
        marks = pd.DataFrame({"deadline": [pd.Timestamp(deadline)], "label": [day_label(deadline)]})
        layers += _rule_label(
            b, marks, "deadline", None, "label", align="right", dx=-6, baseline="top"
        )
    return branded(alt.layer(*layers), caption)


def volunteers_chart(series: pd.DataFrame, caption: Caption) -> alt.VConcatChart:
    """Volunteers signed up and volunteers placed on a project, cumulative week by week.

    ``series`` has ``day`` and one or both of ``signed_up`` and ``placed``.
    """
    b = brand()
    names = {"signed_up": column_label("signed_up"), "placed": label("volunteers_deployed")}
    present = [c for c in names if c in series.columns]
    long = series.melt(id_vars="day", value_vars=present, var_name="line", value_name="volunteers")
    long["line"] = long["line"].map(names)
    domain = [names[c] for c in present]
    colors = [b.primary if c == "signed_up" else b.accent for c in present]
    base = alt.Chart(long).encode(
        x=alt.X("day:T", title=None, axis=_time_axis()),
        y=alt.Y(
            "volunteers:Q",
            title=column_label("volunteers_running_total"),
            stack=None,
            axis=count_axis(),
        ),
        color=alt.Color(
            "line:N",
            title=None,
            scale=alt.Scale(domain=domain, range=colors),
            legend=alt.Legend(
                orient="top",
                direction="horizontal",
                symbolType="stroke",
                symbolStrokeWidth=4,
                symbolOpacity=1,
            ),
        ),
    )
    # The line first, so that the legend draws lines rather than pale areas.
    chart = alt.layer(
        base.mark_line(strokeWidth=3.5),
        base.mark_area(opacity=0.15, line=False),
    )
    return branded(chart, caption)


def cycle_colors(b: Brand, cycles: list[str]) -> list[str]:
    """One colour per cycle of the program: the latest in the brand's primary colour, earlier
    ones in the next colours. ``cycles`` are the program's, oldest first, so that a cycle keeps
    its colour whatever the view (one state or all)."""
    return b.series[: len(cycles)][::-1]


def states_chart(
    frame: pd.DataFrame, caption: Caption, cycles: list[str] | None = None
) -> alt.VConcatChart:
    """Projects per state, stacked by election cycle, largest state first; for one state, its
    projects per cycle.

    ``frame`` has ``state``, ``cycle`` and ``projects``; ``cycles`` are the program's cycles
    (oldest first) that fix each cycle's colour (default: the frame's).
    """
    b = brand()
    data = frame.assign(cycle=frame["cycle"].astype(str))
    present = sorted(data["cycle"].unique())
    every = sorted({*(cycles or []), *present})
    colors = dict(zip(every, cycle_colors(b, every), strict=True))
    scale = alt.Scale(domain=present, range=[colors[c] for c in present])
    if data["state"].nunique() == 1:
        # One state: a bar per cycle, named on the axis (no legend over the bar).
        x = alt.X("cycle:N", title=None, sort=present, axis=alt.Axis(labelAngle=0))
        per_cycle = data.groupby("cycle", as_index=False)["projects"].sum()
        bars = (
            alt.Chart(per_cycle)
            .mark_bar(width={"band": 0.6})
            .encode(
                x=x,
                y=alt.Y("projects:Q", title=label("projects_started")),
                color=alt.Color("cycle:N", scale=scale, legend=None),
            )
        )
        labels = (
            alt.Chart(per_cycle)
            .mark_text(dy=-8, fontSize=13, color=b.text)
            .encode(x=x, y=alt.Y("projects:Q"), text=alt.Text("projects:Q", format=","))
        )
        return branded(alt.layer(bars, labels), caption)
    totals = data.groupby("state")["projects"].sum().reset_index()
    order = totals.sort_values(["projects", "state"], ascending=[False, True])["state"].tolist()
    x = alt.X("state:N", title=None, sort=order, axis=alt.Axis(labelAngle=0))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("projects:Q", title=label("projects_started"), stack="zero", axis=count_axis()),
            color=alt.Color(
                "cycle:N",
                title=None,
                scale=scale,
                # Above the plot, never over a bar.
                legend=alt.Legend(orient="top", direction="horizontal"),
            ),
            order=alt.Order("cycle:N", sort="ascending"),
        )
    )
    labels = (
        alt.Chart(totals)
        .mark_text(dy=-8, fontSize=12, color=b.text)
        .encode(x=x, y=alt.Y("projects:Q"), text=alt.Text("projects:Q", format=","))
    )
    return branded(alt.layer(bars, labels), caption)


def races_chart(frame: pd.DataFrame, caption: Caption) -> alt.VConcatChart:
    """Supported races per cycle, by outcome (flipped, held, lost, pending, withdrawn).

    ``frame`` is :func:`tfc_dash.figures.outcomes.results_by` on ``cycle``.
    """
    b = brand()
    data = frame.assign(cycle=frame["cycle"].astype(str))
    data["order"] = data["outcome"].map({o: i for i, o in enumerate(OUTCOMES)})
    y = alt.Y("cycle:N", title=None, sort="ascending", axis=alt.Axis(labelFontSize=15))
    x = alt.X("races:Q", title=label("races_supported"), stack="zero", axis=count_axis())
    bars = (
        alt.Chart(data)
        .mark_bar(height={"band": 0.7})
        .encode(
            y=y,
            x=x,
            color=alt.Color(
                "outcome:N",
                title=None,
                scale=alt.Scale(domain=list(OUTCOMES), range=outcome_colors(b)),
                legend=alt.Legend(orient="top", direction="horizontal", columns=5),
            ),
            order=alt.Order("order:Q"),
        )
    )
    # Numbers in the middle of the segments wide enough to hold them.
    data = data.sort_values(["cycle", "order"], ignore_index=True)
    data["end"] = data.groupby("cycle")["races"].cumsum()
    data["middle"] = data["end"] - data["races"] / 2
    pixels = data["races"] / max(int(data["end"].max()), 1) * WIDTH
    wide_enough = data[pixels >= 9 * data["races"].astype(str).str.len() + 3].copy()
    light = wide_enough["outcome"].isin(OUTCOMES[3:])  # pending, withdrawn: pale segments
    wide_enough["ink"] = [b.text if pale else "white" for pale in light]
    labels = (
        alt.Chart(wide_enough)
        .mark_text(fontSize=14, fontWeight="bold")
        .encode(
            y=y,
            x=alt.X("middle:Q"),
            text=alt.Text("races:Q", format=","),
            color=alt.Color("ink:N", scale=None),
        )
    )
    return branded(alt.layer(bars, labels), caption)


def crowdfunding_chart(
    series: pd.DataFrame,
    caption: Caption,
    goal: float | None = None,
    deadline: date | None = None,
) -> alt.VConcatChart:
    """Money raised day by day toward ``goal``, to the campaign's ``deadline``.

    ``series`` has ``date`` and ``raised_usd`` (the running total).
    """
    b = brand()
    data = series[["date", "raised_usd"]].assign(date=pd.to_datetime(series["date"]))
    x_scale = _until(deadline)
    y_scale = alt.Scale(domainMax=goal * 1.08) if goal else alt.Scale()
    base = alt.Chart(data).encode(
        x=alt.X(
            "date:T",
            title=None,
            scale=x_scale,
            axis=time_axis("%-d %b", grid=False),
        ),
        y=alt.Y(
            "raised_usd:Q",
            title=column_label("raised_usd"),
            scale=y_scale,
            axis=money_axis(),
        ),
    )
    layers: list[alt.Chart] = [
        base.mark_area(color=b.primary, opacity=0.18),
        base.mark_line(color=b.primary, strokeWidth=3.5),
    ]
    if goal is not None:
        marks = pd.DataFrame({"goal": [goal], "label": [f"Goal: ${goal:,.0f}"]})
        layers += _rule_label(b, marks, None, "goal", "label", align="left", dy=-10)
    if deadline is not None:
        marks = pd.DataFrame(
            {"deadline": [pd.Timestamp(deadline)], "label": [f"Ends {day_label(deadline)}"]}
        )
        layers += _rule_label(
            b, marks, "deadline", None, "label", align="right", dx=-6, baseline="top"
        )
    return branded(alt.layer(*layers), caption)
