"""Axis and legend settings every chart shares, so that no chart writes a raw value.

Counts tick in whole numbers ("3", never "2.5" or "16.0"), money reads "$12k" (never "$0k" or
"0M"), dates are spaced so that two never run together ("Apr 2018Jun 2018"), and legends wrap
on a narrow screen instead of cutting their entries ("Trailing…").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt

COUNT_FORMAT = ",d"
MONEY_FORMAT = "$.3~s"  # $0, $500, $12k, $1.5M
LARGE_FORMAT = ".3~s"  # 0, 500, 12k, 1.5M
LABEL_SEPARATION = 10  # pixels between two axis labels; closer ones are hidden


def count_axis(**options: Any) -> alt.Axis:
    """A count axis: whole-number ticks."""
    return alt.Axis(format=COUNT_FORMAT, tickMinStep=1, **options)


def money_axis(**options: Any) -> alt.Axis:
    """A dollar axis: "$12k"."""
    return alt.Axis(format=MONEY_FORMAT, **options)


def large_axis(**options: Any) -> alt.Axis:
    """A large-number axis (contacts, impressions): "12k"."""
    return alt.Axis(format=LARGE_FORMAT, tickMinStep=1, **options)


def time_axis(fmt: str = "%b %Y", **options: Any) -> alt.Axis:
    """A date axis whose labels never touch: overlapping ones are dropped, not run together."""
    options.setdefault("labelAngle", 0)
    return alt.Axis(
        format=fmt,
        labelOverlap="greedy",
        labelSeparation=LABEL_SEPARATION,
        labelFlush=True,
        **options,
    )


WIDE_LABEL = 20  # characters: longer legend entries go one a line (two would not fit a phone)


def legend(labels: Iterable[str] = (), **options: Any) -> alt.Legend:
    """A legend above the chart, its entries never cut: two a line (a phone's screen holds two
    of up to :data:`WIDE_LABEL` characters), one a line when ``labels`` has a longer one."""
    options.setdefault("title", None)
    columns = 1 if any(len(str(t)) > WIDE_LABEL for t in labels) else 2
    return alt.Legend(
        orient="top", direction="horizontal", columns=columns, labelLimit=0, **options
    )


def stacked_bars(
    data: Any,
    *,
    order: Sequence[str],
    value: str,
    value_title: str,
    color: alt.Color,
    stack_order: alt.Order,
    tooltip: Sequence[alt.Tooltip],
    step: int,
    label_limit: int = 220,
) -> alt.Chart:
    """The breakdown charts' shape: a horizontal bar per ``label`` (in ``order``), its count
    ``value`` stacked by ``color`` in ``stack_order``, ``step`` pixels a bar."""
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=list(order), axis=alt.Axis(labelLimit=label_limit)),
            x=alt.X(f"{value}:Q", title=value_title, stack="zero", axis=count_axis()),
            color=color,
            order=stack_order,
            tooltip=list(tooltip),
        )
        .properties(height=alt.Step(step))
        .configure_view(stroke=None)
    )


def drawn_colour(
    field: str, domain: Sequence[Any], colours: Sequence[Any], drawn: Iterable[Any]
) -> alt.Color:
    """The colour of nominal ``field``: each ``domain`` value its colour, the legend (above the
    chart, untitled) listing only what ``drawn`` holds (:func:`drawn_scale`)."""
    return alt.Color(
        f"{field}:N", title=None, scale=drawn_scale(domain, colours, drawn), legend=legend()
    )


def drawn_scale(domain: Sequence[Any], colours: Sequence[Any], drawn: Iterable[Any]) -> alt.Scale:
    """A colour (or dash) scale of the ``domain`` values that ``drawn`` holds, each keeping its
    colour: the legend then lists only what the chart draws (no "Pace needed" without its line).
    """
    present = set(drawn)
    pairs = [(d, c) for d, c in zip(domain, colours, strict=True) if d in present]
    return alt.Scale(domain=[d for d, _ in pairs], range=[c for _, c in pairs])
