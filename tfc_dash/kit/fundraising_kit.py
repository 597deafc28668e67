"""The fundraising kit: branded charts and headline numbers for crowdfunding updates and donors.

:func:`build_kit` gathers the figures (aggregated in SQL), draws the charts and renders each as
PNG (at twice screen resolution, for social posts) and SVG. The page offers those bytes as
downloads and ``python -m tfc_dash export`` writes the very same bytes to files, so what the
fundraising team downloads and what the weekly export holds cannot differ. The page shows the
SVGs and makes each PNG from its SVG when it is asked for (:func:`chart_png`), the way the export
does: rasterising all five up front cost a third of the page's first run.

What the kit covers: the program's whole record up to the as-of day (every cycle), narrowed by
the states and categories the viewer picked; the progress chart tracks one cycle's goal (the
cycle picked, or the first whose deadline is still ahead). Nothing in it names a volunteer: every
figure is a count or a sum.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import re
import struct
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import altair as alt
import pandas as pd
import sqlalchemy as sa
import vl_convert as vlc

from tfc_dash.charts import kit_charts
from tfc_dash.charts.kit_charts import Caption
from tfc_dash.charts.theme import brand
from tfc_dash.core.catalogue import format_value, label
from tfc_dash.core.csv_files import csv_bytes
from tfc_dash.core.text import day_label
from tfc_dash.figures import goals, metrics, outcomes, queries, rules
from tfc_dash.figures.filters import STATE_NAMES, Filters
from tfc_dash.figures.queries import project_conditions, read_frame, started_project_conditions
from tfc_dash.store import models
from tfc_dash.store.database import Bind, connection, engine_of, read_meta, translate_errors
from tfc_dash.store.models import CATEGORY_LABELS

P = models.Project.__table__
C = models.Campaign.__table__
V = models.Volunteer.__table__
A = models.Assignment.__table__
F = models.Fundraising.__table__

PNG_SCALE = 2  # twice screen resolution


@dataclass(frozen=True)
class Size:
    """A PNG size the fundraising team posts at, and the layout that fills it.

    ``width`` and ``height`` are the PNG's exact pixels; the chart is laid out on a canvas of
    ``width / scale`` by ``height / scale`` (``view_width`` by ``view_height`` for the plot
    itself, the rest for the title, legend, axes and source line) and rasterised at ``scale``.
    """

    key: str
    label: str
    width: int
    height: int
    scale: float
    view_width: int
    view_height: int

    @property
    def suffix(self) -> str:
        return f"-{self.width}x{self.height}"


# The current size (no Size): the chart as laid out, at twice screen resolution.
CURRENT = "current"
SIZES: dict[str, Size] = {
    "link": Size("link", "Link post, 1200 × 675", 1200, 675, 1.5, 680, 230),
    "square": Size("square", "Square, 1080 × 1080", 1080, 1080, 1.5, 600, 480),
}
SIZE_LABELS: dict[str, str] = {
    CURRENT: "Wide (twice screen size)",
    **{key: size.label for key, size in SIZES.items()},
}
CHARTS: dict[str, str] = {
    "progress": "Progress toward the goal",
    "volunteers": "Volunteers over time",
    "states": "States covered",
    "races": "Races won and flipped",
    "crowdfunding": "Crowdfunding",
}


@dataclass(frozen=True, eq=False)
class KitChart:
    """One chart of the kit: its aggregates, its rendered files, or why it is missing."""

    key: str
    name: str
    data: pd.DataFrame
    caption: Caption | None = None
    missing: str | None = None
    png: bytes = b""
    svg: bytes = b""
    spec: dict | None = field(default=None, repr=False)  # the Vega-Lite spec it was drawn from

    @property
    def ready(self) -> bool:
        """Drawn: its SVG is there (its PNG is made from it, see :func:`chart_png`)."""
        return self.missing is None and bool(self.svg)


@dataclass(frozen=True, eq=False)
class Kit:
    as_of: date
    headline: str
    charts: tuple[KitChart, ...]
    scope: str
    is_demo: bool
    # Goals the kit would track but the Goals tab does not set, each saying how to set it.
    goal_notes: tuple[str, ...] = ()

    def file_name(self, key: str, extension: str, size: str = CURRENT) -> str:
        """``tfc-progress-2018-09-14.png``; a posting size adds its pixels
        (``tfc-progress-2018-09-14-1200x675.png``)."""
        suffix = SIZES[size].suffix if size in SIZES else ""
        return f"tfc-{key}-{self.as_of.isoformat()}{suffix}.{extension}"

    @property
    def headline_file(self) -> str:
        return self.file_name("headline", "txt")

    @property
    def missing(self) -> list[str]:
        """What the kit could not offer, and why."""
        return [f"{c.name}: {c.missing}" for c in self.charts if c.missing]

    def files(self, sizes: tuple[str, ...] = (CURRENT, *SIZES)) -> dict[str, bytes]:
        """Every file of the kit by name: each chart's PNG (at each of ``sizes``), SVG and CSV,
        and the headline."""
        files = {self.headline_file: headline_bytes(self.headline)}
        for chart in self.charts:
            if chart.ready:
                for size in sizes:
                    files[self.file_name(chart.key, "png", size)] = chart_png(chart, size)
                files[self.file_name(chart.key, "svg")] = chart.svg
            if not chart.data.empty:
                files[self.file_name(chart.key, "csv")] = csv_bytes(chart.data)
        return files


def headline_bytes(headline: str) -> bytes:
    return (headline + "\n").encode("utf-8")


# --- queries --------------------------------------------------------------------------------------
def volunteer_growth(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """Volunteers signed up and volunteers first placed on a project, per day, up to ``as_of``.

    Columns ``day``, ``signed_up``, ``placed`` (daily counts). Sign-ups are program-wide (a
    volunteer has no campaign state); placements follow the filters, as ``reach_counts`` does.
    """
    signups = (
        sa.select(V.c.signed_up.label("day"), sa.func.count().label("n"))
        .where(V.c.removed_at.is_(None), V.c.signed_up.is_not(None), V.c.signed_up <= as_of)
        .group_by(V.c.signed_up)
    )
    first = (
        sa.select(A.c.volunteer_id, sa.func.min(A.c.start_date).label("day"))
        .select_from(
            A.join(P, A.c.project_id == P.c.project_id).join(C, P.c.campaign_id == C.c.campaign_id)
        )
        .where(*project_conditions(filters), *rules.ever_placed_sql(as_of))
        .group_by(A.c.volunteer_id)
        .subquery()
    )
    placements = sa.select(first.c.day, sa.func.count().label("n")).group_by(first.c.day)
    signed = read_frame(bind, signups, ["day", "signed_up"])
    placed = read_frame(bind, placements, ["day", "placed"])
    daily = signed.merge(placed, on="day", how="outer").fillna(0)
    daily["day"] = pd.to_datetime(daily["day"])
    return daily.astype({"signed_up": "int64", "placed": "int64"}).sort_values(
        "day", ignore_index=True
    )


def projects_by_state(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """Projects started by ``as_of`` per state and cycle: ``state``, ``cycle``, ``projects``."""
    statement = (
        sa.select(C.c.state, C.c.cycle, sa.func.count())
        .select_from(P.join(C, P.c.campaign_id == C.c.campaign_id))
        .where(*started_project_conditions(filters, as_of))
        .group_by(C.c.state, C.c.cycle)
        .order_by(C.c.state, C.c.cycle)
    )
    frame = read_frame(bind, statement, ["state", "cycle", "projects"])
    return frame.astype({"cycle": "int64", "projects": "int64"})


@dataclass(frozen=True, eq=False)
class Crowdfunding:
    """The crowdfunding campaign as of a day; ``missing`` says why there is nothing to show."""

    series: pd.DataFrame = field(default_factory=pd.DataFrame)
    goal: float | None = None
    deadline: date | None = None
    missing: str | None = None

    @property
    def raised(self) -> float:
        return float(self.series["raised_usd"].iloc[-1]) if not self.series.empty else 0.0

    @property
    def backers(self) -> int | None:
        if self.series.empty or self.series["backers"].isna().all():
            return None
        return int(self.series["backers"].dropna().iloc[-1])


def crowdfunding(bind: Bind, as_of: date) -> Crowdfunding:
    """Money raised up to ``as_of``, the goal (the latest ``goal_usd``, else the Goals tab's
    ``crowdfunding_usd`` goal, see :func:`tfc_dash.figures.goals.goal_for`) and the campaign's
    end (that goal's deadline)."""
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        has_table = sa.inspect(conn).has_table(F.name)
    if not has_table:
        return Crowdfunding(
            missing="the store has no fundraising table. Sync the spreadsheet's Fundraising tab "
            "(columns `date`, `raised_usd`, `backers`, `goal_usd`) to add it."
        )
    statement = (
        sa.select(F.c.date, F.c.raised_usd, F.c.backers, F.c.goal_usd)
        .where(F.c.removed_at.is_(None), F.c.date <= as_of)
        .order_by(F.c.date)
    )
    series = read_frame(bind, statement, ["date", "raised_usd", "backers", "goal_usd"])
    set_goal = goals.goal_for(bind, goals.CROWDFUNDING, None, as_of)
    deadline = set_goal.deadline if set_goal is not None else None
    goal = float(set_goal.target) if set_goal is not None else None
    if series.empty:
        return Crowdfunding(
            goal=goal,
            deadline=deadline,
            missing=f"no crowdfunding figures on or before {day_label(as_of)}. Add rows to the "
            "spreadsheet's Fundraising tab (columns `date`, `raised_usd` as a running total).",
        )
    series["date"] = pd.to_datetime(series["date"]).dt.date
    series["raised_usd"] = series["raised_usd"].astype(float)
    series["backers"] = series["backers"].astype("Int64")
    stated = series["goal_usd"].dropna()
    if not stated.empty:
        goal = float(stated.iloc[-1])
    return Crowdfunding(series=series, goal=goal, deadline=deadline)


# --- pure functions -------------------------------------------------------------------------------
def cumulative_weekly(daily: pd.DataFrame, as_of: date, columns: list[str]) -> pd.DataFrame:
    """Running totals of ``columns`` every 7 days counted back from ``as_of`` (its last point)."""
    if daily.empty:
        return pd.DataFrame({"day": [pd.Timestamp(as_of)], **{c: [0] for c in columns}})
    start = daily["day"].min().date()
    weeks = max((as_of - start).days // 7, 0)
    days = [pd.Timestamp(as_of - timedelta(weeks=w)) for w in range(weeks + 1)][::-1]
    if pd.Timestamp(start) < days[0]:
        days.insert(0, pd.Timestamp(start))
    frame = pd.DataFrame({"day": pd.to_datetime(days).astype("datetime64[ns]")})
    running = daily.sort_values("day").assign(day=lambda d: d["day"].astype("datetime64[ns]"))
    running[columns] = running[columns].cumsum()
    merged = pd.merge_asof(frame, running[["day", *columns]], on="day")
    return merged.fillna(0).astype(dict.fromkeys(columns, "int64"))


def until(line: pd.DataFrame, day: date) -> pd.DataFrame:
    """A straight two-point ``line`` (``day``, ``projects``) cut at ``day``."""
    if line.empty or line["day"].iloc[-1] <= pd.Timestamp(day):
        return line
    (d0, d1), (v0, v1) = line["day"].iloc[[0, -1]], line["projects"].iloc[[0, -1]]
    end = pd.Timestamp(day)
    value = v0 + (v1 - v0) * (end - d0) / (d1 - d0)
    return pd.DataFrame({"day": [d0, end], "projects": [v0, round(float(value), 1)]})


def days_left(deadline: date | None, as_of: date) -> int | None:
    """Whole days from ``as_of`` to the campaign's last day; None without a deadline."""
    return None if deadline is None else max((deadline - as_of).days, 0)


@dataclass(frozen=True)
class HeadlineFacts:
    as_of: date
    projects: int
    campaigns: int
    states: int
    volunteers: int
    since: int | None = None  # the first cycle with a project
    races: outcomes.RaceSummary | None = None
    goal_target: int | None = None
    goal_deadline: date | None = None
    goal_started: int | None = None
    goal_cycle: int | None = None
    raised: float | None = None
    raise_goal: float | None = None
    backers: int | None = None
    days_left: int | None = None
    is_demo: bool = False


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def headline_text(facts: HeadlineFacts) -> str:
    """The headline numbers, ready to paste into an update.

    Every figure is written as its catalogue label, a colon and its value ("Projects started:
    345"), so an update quotes the words the dashboard and the glossary use; each sentence
    opens with the period it covers when that is not the as-of date alone.
    """
    since = f"Since {facts.since}, every cycle" if facts.since else "Every cycle"
    parts = [
        f"{since}: {label('projects_started')}: {facts.projects:,}; "
        f"{label('campaigns')}: {facts.campaigns:,}; {label('states')}: {facts.states:,}; "
        f"{label('volunteers_deployed')}: {_plural(facts.volunteers, 'volunteer')}."
    ]
    races = facts.races
    if races is not None:
        results = []
        if races.decided:
            results += [
                f"{label('races_won')}: {races.won:,} of {races.decided:,} decided",
                f"{label('races_lost')}: {races.lost:,}",
                f"{label('seats_flipped')}: {races.flipped:,}",
            ]
        if races.pending:
            results.append(f"{label('races_pending')}: {races.pending:,}")
        if races.withdrawn:
            results.append(f"{label('races_withdrawn')}: {races.withdrawn:,}")
        if results:
            parts.append("; ".join(results) + ".")
    if facts.goal_target is not None and facts.goal_started is not None:
        by = f" by {day_label(facts.goal_deadline)}" if facts.goal_deadline else ""
        cycle = f"the {facts.goal_cycle} cycle" if facts.goal_cycle else "this cycle"
        reached = "Goal reached for" if facts.goal_started >= facts.goal_target else "Goal for"
        parts.append(
            f"{reached} {cycle}: {label('projects_started')}: {facts.goal_started:,} of "
            f"{facts.goal_target:,}{by}."
        )
    if facts.raised is not None:
        money = f"{label('crowdfunding_usd')}: {format_value('crowdfunding_usd', facts.raised)}"
        if facts.raise_goal:
            money += f" of our ${facts.raise_goal:,.0f} goal"
        if facts.backers:
            money += f" from {_plural(facts.backers, 'backer')}"
        if facts.days_left is not None:
            money += (
                f", {_plural(facts.days_left, 'day')} left"
                if facts.days_left
                else ", campaign ended"
            )
        parts.append(money + ".")
    parts.append(f"(As of {day_label(facts.as_of)}.)")
    text = " ".join(parts)
    return f"DEMO DATA, NOT REAL: {text}" if facts.is_demo else text


def scope_label(filters: Filters) -> str:
    """What part of the program the kit covers, for its source line: states by name."""
    parts = []
    if filters.states is not None:
        names = [STATE_NAMES.get(s, s) for s in filters.states]
        parts.append(", ".join(names) if names else "no states")
    if filters.categories is not None:
        parts.append(", ".join(CATEGORY_LABELS[c] for c in filters.categories))
    return " · ".join(parts)


def source_line(as_of: date, filters: Filters, is_demo: bool) -> str:
    line = f"Source: {brand().name} program data, as of {day_label(as_of)}"
    scope = scope_label(filters)
    if scope:
        line += f" · {scope}"
    if is_demo:
        line += " · DEMO DATA, NOT REAL"
    return line


# --- the kit --------------------------------------------------------------------------------------
def build_kit(
    bind: Bind,
    filters: Filters,
    as_of: date,
    progress: Callable[[int, int, str], None] | None = None,
    png: bool = True,
) -> Kit:
    """The whole kit on ``as_of``: figures, headline and every chart rendered as PNG and SVG
    (SVG only without ``png``: :func:`chart_png` makes a PNG when it is wanted).

    ``filters`` are the viewer's (already scoped by policy): their states and categories narrow
    the kit, their cycle picks the goal the progress chart tracks. ``progress(done, total,
    name)`` is called as each chart is drawn.
    """
    warm_up_renderer()  # it starts while the figures are queried
    record = Filters(cycle=None, states=filters.states, categories=filters.categories)
    is_demo = read_meta(bind).get("demo") == "true"
    source = source_line(as_of, record, is_demo)

    reach = queries.reach_counts(bind, record, as_of)
    by_state = projects_by_state(bind, record, as_of)
    races = outcomes.supported_races(bind, record, as_of)
    summary = outcomes.race_summary(races)
    goal = goals.goal_for(bind, goals.PROJECTS, filters.cycle, as_of)
    growth = volunteer_growth(bind, record, as_of)
    funds = crowdfunding(bind, as_of)

    charts = [
        _progress(bind, record, as_of, goal, source),
        _volunteers(growth, record, as_of, source),
        _states(by_state, source, queries.cycles(bind)),
        _races(races, summary, as_of, source),
        _crowdfunding(funds, as_of, source),
    ]
    progress_data = charts[0][0].data
    facts = HeadlineFacts(
        as_of=as_of,
        projects=int(by_state["projects"].sum()),
        campaigns=reach["campaigns"],
        states=reach["states"],
        volunteers=reach["volunteers"],
        since=int(by_state["cycle"].min()) if not by_state.empty else None,
        races=summary if summary.supported else None,
        goal_target=goal.target if goal is not None and record.is_program_wide else None,
        goal_deadline=goal.deadline if goal is not None else None,
        goal_started=int(progress_data["started"].iloc[-1]) if not progress_data.empty else None,
        goal_cycle=goal.cycle if goal is not None else None,
        raised=funds.raised if funds.missing is None else None,
        raise_goal=funds.goal,
        backers=funds.backers,
        days_left=days_left(funds.deadline, as_of) if funds.missing is None else None,
        is_demo=is_demo,
    )
    # Each chart's spec is built here (Python) while vl-convert draws the one before it in the
    # worker (it releases the GIL): the two overlap instead of adding up.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kit-render") as drawing:
        pending = [
            drawing.submit(draw, chart, spec_of(spec), png) if ready_to_draw(chart, spec) else None
            for chart, spec in charts
        ]
        rendered = []
        for done, ((chart, _spec), future) in enumerate(zip(charts, pending, strict=True), 1):
            rendered.append(chart if future is None else future.result())
            if progress is not None:
                progress(done, len(charts), chart.name)
    return Kit(
        as_of=as_of,
        headline=headline_text(facts),
        charts=tuple(rendered),
        scope=scope_label(record) or "the whole program",
        is_demo=is_demo,
        goal_notes=tuple(missing_goals(goal, funds, filters.cycle)),
    )


def missing_goals(goal: goals.Goal | None, funds: Crowdfunding, cycle: int | None) -> list[str]:
    """What the kit says when a goal it would track is not set: the project goal (of ``cycle``,
    or any), and the crowdfunding goal when there are crowdfunding figures but no goal."""
    notes = []
    if goal is None:
        notes.append(goals.no_goal_note(goals.PROJECTS, cycle))
    if funds.missing is None and not funds.goal:
        notes.append(goals.no_goal_note(goals.CROWDFUNDING))
    return notes


Spec = Callable[[], alt.TopLevelMixin] | None


def build_page_kit(bind: Bind, filters: Filters, as_of: date) -> Kit:
    """The kit as the page shows it: SVGs drawn, PNGs made on demand by :func:`chart_png`."""
    return build_kit(bind, filters, as_of, png=False)


def render(chart: KitChart, spec: Spec, png: bool = True) -> KitChart:
    """``chart`` with its SVG (and its PNG), or with why it could not be drawn."""
    if not ready_to_draw(chart, spec):
        return chart
    return draw(chart, spec_of(spec), png)


def ready_to_draw(chart: KitChart, spec: Spec) -> bool:
    return chart.missing is None and spec is not None


def spec_of(spec: Spec) -> dict:
    # The kit's own chart builders made the spec and vl-convert checks what it draws, so
    # Altair's schema validation (a tenth of the kit's drawing time) is left out.
    assert spec is not None
    return spec().to_dict(validate=False)


def draw(chart: KitChart, spec: dict, png: bool = True) -> KitChart:
    """``chart`` drawn from its Vega-Lite ``spec``: SVG (and PNG), or why it could not be."""
    try:
        svg = vlc.vegalite_to_svg(spec).encode("utf-8")
        caption = chart.caption or Caption("", "", "")
        drawn = replace(chart, svg=svg, spec=spec)
        return replace(drawn, png=png_from_svg(svg, caption)) if png else drawn
    except ValueError as exc:  # vl-convert's error for a spec it cannot draw
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return replace(chart, missing=f"the chart could not be drawn ({reason}).")


def chart_png(chart: KitChart, size: str = CURRENT) -> bytes:
    """The chart's PNG: rasterised from its SVG at twice screen resolution, or laid out again
    for a posting size (:data:`SIZES`) and exactly that many pixels; titled in its text chunks.
    The same bytes whoever asks (the page's download, the export)."""
    caption = chart.caption or Caption("", "", "")
    if size in SIZES and chart.spec is not None:
        return _cached_sized_png(_spec_json(chart.spec), size, caption)
    if chart.png:
        return chart.png
    return _cached_png(chart.svg, caption)


def _spec_json(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True, default=str)


def sized_spec(spec: dict, size: Size) -> dict:
    """The kit chart's ``spec`` laid out for ``size``: its plot resized, its legend above it."""
    out = copy.deepcopy(spec)
    inner = out["vconcat"][0]
    inner["width"], inner["height"] = size.view_width, size.view_height
    return out


def _svg_length(tag: str, name: str) -> float:
    """The ``name`` attribute (width or height) of an ``<svg>`` start tag, in pixels."""
    found = re.search(rf'\b{name}="([\d.]+)"', tag)
    assert found is not None
    return float(found.group(1))


def fit_svg(svg: str, width: float, height: float, background: str) -> str:
    """``svg`` on a canvas of exactly ``width`` by ``height``: centred, scaled down when it is
    larger, the brand's background all round."""
    root = re.search(r"<svg\b[^>]*>", svg)
    assert root is not None
    tag = root.group(0)
    w, h = _svg_length(tag, "width"), _svg_length(tag, "height")
    shrink = min(width / w, height / h, 1.0)
    box_w, box_h = width / shrink, height / shrink
    x0, y0 = -(box_w - w) / 2, -(box_h - h) / 2
    new_tag = re.sub(r'\s(width|height|viewBox)="[^"]*"', "", tag)
    new_tag = new_tag[:-1] + (
        f' width="{width:g}" height="{height:g}" viewBox="{x0:g} {y0:g} {box_w:g} {box_h:g}">'
        f'<rect x="{x0:g}" y="{y0:g}" width="{box_w:g}" height="{box_h:g}" fill="{background}"/>'
    )
    return svg.replace(tag, new_tag, 1)


def sized_png(spec_json: str, size_key: str, caption: Caption) -> bytes:
    """The chart at ``size_key`` (:data:`SIZES`): exactly its pixels, whatever the content."""
    size = SIZES[size_key]
    svg = vlc.vegalite_to_svg(sized_spec(json.loads(spec_json), size))
    canvas = fit_svg(svg, size.width / size.scale, size.height / size.scale, brand().background)
    png = vlc.svg_to_png(canvas, scale=size.scale)
    return png_with_text(
        png, {"Title": caption.title, "Description": caption.subtitle, "Source": caption.source}
    )


_cached_sized_png = functools.lru_cache(maxsize=64)(sized_png)


def png_from_svg(svg: bytes, caption: Caption) -> bytes:
    # Drawn once as SVG, then rasterised: the same pixels as vegalite_to_png, in about half the
    # time (the spec is compiled and laid out once).
    png = vlc.svg_to_png(svg.decode("utf-8"), scale=PNG_SCALE)
    return png_with_text(
        png, {"Title": caption.title, "Description": caption.subtitle, "Source": caption.source}
    )


# Each session that downloads a chart asks for the same bytes: make them once.
_cached_png = functools.lru_cache(maxsize=32)(png_from_svg)


_warm_up = threading.Lock()
_warmed_up: list[threading.Thread] = []


def warm_up_renderer() -> None:
    """Start vl-convert's JavaScript runtime in the background (once per process).

    Its first conversion waits about 0.4 s for the runtime; started before the queries, that
    wait passes while they run (vl-convert releases the GIL).
    """
    with _warm_up:
        if _warmed_up:
            return
        thread = threading.Thread(target=_first_conversion, name="vl-convert-warm-up", daemon=True)
        _warmed_up.append(thread)
        thread.start()


def _first_conversion() -> None:
    with contextlib.suppress(ValueError):  # the real conversions will say what is wrong
        vlc.vegalite_to_svg({"mark": "point", "data": {"values": []}})


def _progress(
    bind: Bind, record: Filters, as_of: date, goal: goals.Goal | None, source: str
) -> tuple[KitChart, Spec]:
    name = CHARTS["progress"]
    if goal is None:
        cycles = queries.cycles(bind)
        cycle = max((c for c in cycles if c <= as_of.year), default=None)
        target = deadline = None
    else:
        cycle, target, deadline = goal.cycle, goal.target, goal.deadline
    if cycle is None:
        return KitChart("progress", name, pd.DataFrame(), missing="no election cycle yet."), None
    scoped = Filters(cycle=cycle, states=record.states, categories=record.categories)
    timeline = queries.project_timeline(bind, scoped)
    series = metrics.burnup_series(timeline, as_of)
    started = int(series["started"].iloc[-1])
    data = series.assign(day=series["day"].dt.date)
    if started == 0:
        return KitChart(
            "progress",
            name,
            data,
            missing=f"no project of the {cycle} cycle had started by {day_label(as_of)}.",
        ), None
    program_goal = goal if record.is_program_wide else None
    projection = None
    if program_goal is not None:
        target, deadline = program_goal.target, program_goal.deadline
        pace = metrics.pace_projection(timeline, as_of, target, deadline)
        trailing = metrics.projection_series(pace)
        projection = until(trailing[trailing["line"] == "Trailing 4-week pace"], deadline)
        data = data.assign(goal=target, goal_deadline=deadline)
        if started >= target:
            title = f"Goal reached: {label('projects_started')}: {started:,}"
        else:
            title = f"{label('projects_started')}: {started:,} toward our goal of {target:,}"
        subtitle = (
            f"Projects started for the {cycle} cycle, week by week; the goal: {target:,} by "
            f"{day_label(deadline)}"
        )
    else:
        title = f"{label('projects_started')}: {started:,} for the {cycle} cycle"
        subtitle = "Projects started and completed, week by week"
        if goal is not None:
            subtitle += f" (the program-wide goal is {goal.target:,} by {day_label(goal.deadline)})"
    caption = Caption(title, subtitle, source)
    chart = KitChart("progress", name, data, caption)
    return chart, lambda: kit_charts.progress_chart(
        series,
        caption,
        target if program_goal is not None else None,
        deadline if program_goal is not None else None,
        projection,
    )


def _volunteers(
    growth: pd.DataFrame, record: Filters, as_of: date, source: str
) -> tuple[KitChart, Spec]:
    name = CHARTS["volunteers"]
    columns = ["signed_up", "placed"] if record.states is None else ["placed"]
    if growth.empty or int(growth[columns].to_numpy().sum()) == 0:
        return KitChart(
            "volunteers",
            name,
            pd.DataFrame(),
            missing=f"no volunteer had signed up or been placed by {day_label(as_of)}.",
        ), None
    series = cumulative_weekly(growth, as_of, columns)
    placed = int(series["placed"].iloc[-1])
    since = f"{growth['day'].min():%b %Y}"
    if "signed_up" in columns:
        signed = int(series["signed_up"].iloc[-1])
        title = f"{label('volunteers_enrolled')}: {signed:,}"
        subtitle = (
            f"{label('volunteers_deployed')}: {placed:,} of them; running totals since {since}"
        )
    else:
        title = f"{label('volunteers_deployed')}: {placed:,}"
        subtitle = f"Volunteers placed on a project in {scope_label(record)}, since {since}"
    caption = Caption(title, subtitle, source)
    data = series.assign(day=series["day"].dt.date)
    return KitChart("volunteers", name, data, caption), lambda: kit_charts.volunteers_chart(
        series, caption
    )


def _states(
    by_state: pd.DataFrame, source: str, program_cycles: list[int]
) -> tuple[KitChart, Spec]:
    name = CHARTS["states"]
    if by_state.empty:
        return KitChart("states", name, by_state, missing="no project has started yet."), None
    states = sorted(by_state["state"].unique())
    cycles = sorted(by_state["cycle"].unique())
    span = f"{cycles[0]}" if len(cycles) == 1 else f"{cycles[0]} to {cycles[-1]}"
    if len(states) == 1:
        where = STATE_NAMES.get(states[0], states[0])
        caption = Caption(
            f"{label('projects_started')} in {where}",
            f"Projects started for campaigns in {where}, by cycle, {span}",
            source,
        )
    else:
        caption = Caption(
            f"{label('projects_started')} in {len(states)} states",
            f"Projects started for campaigns in each state, {span}",
            source,
        )
    data = by_state.rename(columns={"projects": "projects_started"})  # the CSV's catalogue name
    every = [str(c) for c in sorted(program_cycles)]
    return KitChart("states", name, data, caption), lambda: kit_charts.states_chart(
        by_state, caption, every
    )


def _races(
    races: pd.DataFrame, summary: outcomes.RaceSummary, as_of: date, source: str
) -> tuple[KitChart, Spec]:
    name = CHARTS["races"]
    if races.empty:
        return KitChart(
            "races",
            name,
            pd.DataFrame(),
            missing=f"no supported race by {day_label(as_of)}: races count once a project "
            "for their campaign has started.",
        ), None
    frame = outcomes.results_by(races, "cycle")
    if summary.decided:
        title = (
            f"{label('races_won')}: {summary.won:,} of {summary.decided:,} decided; "
            f"{label('seats_flipped')}: {summary.flipped:,}"
        )
    else:
        title = f"{label('races_supported')}: {summary.supported:,}, results to come"
    pending = races[races["result"] == "pending"]
    subtitle = "Races of the campaigns our volunteers worked for, by result"
    if not pending.empty:
        next_day = pending["election_date"].min()
        subtitle += f"; {summary.pending:,} decided on or after {day_label(_as_date(next_day))}"
    caption = Caption(title, subtitle, source)
    return KitChart("races", name, frame, caption), lambda: kit_charts.races_chart(frame, caption)


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _crowdfunding(funds: Crowdfunding, as_of: date, source: str) -> tuple[KitChart, Spec]:
    name = CHARTS["crowdfunding"]
    if funds.missing is not None:
        return KitChart("crowdfunding", name, pd.DataFrame(), missing=funds.missing), None
    raised = funds.raised
    title = f"{label('crowdfunding_usd')}: {format_value('crowdfunding_usd', raised)}"
    if funds.goal:
        title += f" of our ${funds.goal:,.0f} goal"
    details = []
    if funds.backers:
        details.append(f"{funds.backers:,} backers")
    left = days_left(funds.deadline, as_of)
    if left is not None and funds.deadline is not None:
        details.append(
            f"{left} day{'s' if left != 1 else ''} left, ends {day_label(funds.deadline)}"
            if left
            else f"ended {day_label(funds.deadline)}"
        )
    if not funds.goal:
        details.append("no goal in the data")
    subtitle = "Crowdfunding to hire full-time staff: " + "; ".join(details) if details else ""
    caption = Caption(title, subtitle.strip(), source)
    data = funds.series[["date", "raised_usd", "backers", "goal_usd"]]
    return KitChart("crowdfunding", name, data, caption), lambda: kit_charts.crowdfunding_chart(
        funds.series, caption, funds.goal, funds.deadline
    )


# --- files ----------------------------------------------------------------------------------------
def png_with_text(png: bytes, text: dict[str, str]) -> bytes:
    """``png`` with UTF-8 text chunks (iTXt) after its header, so the file names its chart."""
    signature, header_end = png[:8], 8 + 4 + 4 + 13 + 4  # IHDR: length, type, 13 bytes, CRC
    chunks = b""
    for keyword, value in text.items():
        if not value:
            continue
        body = keyword.encode("latin-1") + b"\x00\x00\x00\x00\x00" + value.encode("utf-8")
        chunk_type = b"iTXt"
        crc = zlib.crc32(chunk_type + body) & 0xFFFFFFFF
        chunks += struct.pack(">I", len(body)) + chunk_type + body + struct.pack(">I", crc)
    return signature + png[8:header_end] + chunks + png[header_end:]


def png_text(png: bytes) -> dict[str, str]:
    """The iTXt chunks of ``png`` (what :func:`png_with_text` wrote)."""
    found: dict[str, str] = {}
    at = 8
    while at + 8 <= len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        body = png[at + 8 : at + 8 + length]
        if kind == b"iTXt":
            keyword, rest = body.split(b"\x00", 1)
            # compression flag, method, then language tag and translated keyword (both empty)
            value = rest[2:].split(b"\x00", 2)[-1]
            found[keyword.decode("latin-1")] = value.decode("utf-8")
        at += 12 + length
    return found


def export_kit(
    kit: Kit, out: Path, progress: Callable[[int, int, str], None] | None = None
) -> list[Path]:
    """Write every file of ``kit`` into ``out``; ``progress(done, total, name)`` after each."""
    out.mkdir(parents=True, exist_ok=True)
    files = kit.files()
    written = []
    for done, (file_name, data) in enumerate(files.items(), start=1):
        path = out / file_name
        path.write_bytes(data)
        written.append(path)
        if progress is not None:
            progress(done, len(files), file_name)
    return written
