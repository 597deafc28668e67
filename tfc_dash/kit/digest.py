"""The weekly digest: each role's figures by email, built from the same queries as the pages.

:func:`build_digests` makes one :class:`Digest` per recipient in ``[roles]``; what it holds is the
access policy's to decide (:meth:`tfc_dash.figures.policy.Viewer.digest_sections`), and every
frame it shows passes :func:`tfc_dash.figures.policy.enforce`, as on a page. Each section links to
the dashboard view it comes from, with the view's filters in the link as the sidebar writes them.
:meth:`Digest.message` renders it as an email (HTML with a plain-text alternative, the kit's
charts inline by Content-ID); :func:`send_digests` sends them over SMTP (``[digest]`` of the
secrets) and records each in the store, so a second run in the same week sends nothing.

No Streamlit here: the CLI and cron use it directly.
"""

from __future__ import annotations

import html
import math
import smtplib
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import sqlalchemy as sa

from tfc_dash.core import catalogue
from tfc_dash.core.clock import week_of
from tfc_dash.core.config import ConfigError
from tfc_dash.core.text import day_label
from tfc_dash.figures import bottleneck, coverage, goals, metrics, queries, staffing
from tfc_dash.figures.filters import STATE_NAMES, Filters, LinkState, link_params
from tfc_dash.figures.policy import Role, Viewer, enforce, scope_filters
from tfc_dash.ingest import health
from tfc_dash.store import models
from tfc_dash.store.database import Bind, connection, engine_of, read_meta, translate_errors
from tfc_dash.store.models import CATEGORY_LABELS

D = models.DigestSend.__table__

SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
DEMO_MARK = "DEMO DATA, NOT REAL"
MAX_ROWS = 10  # rows of a table in an email; the link opens the whole view
MAX_RACE_ROWS = 30  # a state lead's races: a chamber's program races are rarely more
HOME_PAGE = "progress"  # app.py's default page, served at the app's root


def page_path(page: str) -> str:
    """A page's address in the app: st.Page names it after its file, ``pages/<key>.py``."""
    return "" if page == HOME_PAGE else page


class DigestError(Exception):
    """The digests could not be sent; the message is one line that says why."""


# --- figures: labels and formats from the metric catalogue ---------------------------------------
def figure_label(name: str) -> str:
    """A figure's label, or a column's where the catalogue lists it as one (backers, say)."""
    return catalogue.column_label(name)


def figure_value(name: str, value: Any) -> str:
    if name in catalogue.FIGURES:
        return catalogue.format_value(name, value)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return catalogue.MISSING
    return f"${float(value):,.0f}" if name.endswith("_usd") else f"{int(value):,}"


def fig(name: str, value: Any) -> tuple[str, str]:
    """A figure as (label, text)."""
    return figure_label(name), figure_value(name, value)


def signed(value: int) -> str:
    return f"{value:+,}" if value else "0"


# --- settings ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DigestSettings:
    """``[digest]`` of the secrets: the dashboard's address and the mail server."""

    app_url: str
    host: str = ""
    port: int = 0
    security: str = "starttls"
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""
    timeout: float = 30.0
    cafile: str | None = None  # a private CA's certificate, to trust a server's own certificate

    @classmethod
    def from_secrets(cls, section: Mapping[str, Any] | None, sending: bool) -> DigestSettings:
        """Read ``[digest]``; raise ConfigError naming the key that is wrong or missing.

        Writing ``.eml`` files needs nothing (the links then point at localhost:8501); sending
        needs ``app_url``, ``host`` and ``from``.
        """
        section = section or {}
        if not isinstance(section, Mapping):
            raise ConfigError("[digest] must be a section of settings (see the README).")
        known = {
            "app_url", "host", "port", "security", "user", "password", "from", "timeout", "cafile"
        }  # fmt: skip
        unknown = set(section) - known
        if unknown:
            raise ConfigError(
                f"[digest] has unknown keys: {', '.join(sorted(unknown))} (expected "
                f"{', '.join(sorted(known))})."
            )
        security = str(section.get("security", "starttls")).strip().lower()
        if security not in SECURITY:
            raise ConfigError(
                f"[digest] security is {security!r}: use one of {', '.join(SECURITY)}."
            )
        missing = [k for k in ("app_url", "host", "from") if sending and not section.get(k)]
        if missing:
            raise ConfigError(
                f"[digest] needs {', '.join(missing)} to send the digests (see the README, "
                "Weekly digest)."
            )
        try:
            port = int(section.get("port") or DEFAULT_PORTS[security])
            timeout = float(section.get("timeout", 30))
        except (TypeError, ValueError):
            raise ConfigError("[digest] port and timeout must be numbers.") from None
        app_url = str(section.get("app_url") or "http://localhost:8501").strip()
        if not app_url.startswith(("http://", "https://")):
            raise ConfigError(f"[digest] app_url must start with https:// (it is {app_url!r}).")
        cafile = section.get("cafile")
        return cls(
            app_url=app_url.rstrip("/"),
            host=str(section.get("host", "")).strip(),
            port=port,
            security=security,
            user=str(section.get("user", "")),
            password=str(section.get("password", "")),
            sender=str(section.get("from", "")).strip(),
            timeout=timeout,
            cafile=str(cafile) if cafile else None,
        )


# --- what an email holds -------------------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    more: int = 0  # rows left out (the view has them all)


@dataclass(frozen=True)
class Image:
    cid: str  # without the angle brackets
    name: str
    png: bytes


@dataclass(frozen=True)
class Block:
    """One section of a digest: figures, sentences, a table, images, and the view it comes from."""

    key: str
    title: str
    link: str
    figures: tuple[tuple[str, str], ...] = ()
    sentences: tuple[str, ...] = ()
    table: Table | None = None
    images: tuple[Image, ...] = ()
    quote: str | None = None  # text to paste as it is (the kit's headline)


@dataclass(frozen=True)
class Digest:
    recipient: str
    role: Role
    as_of: date
    subject: str
    blocks: tuple[Block, ...]
    is_demo: bool

    @property
    def week(self) -> date:
        return week_of(self.as_of)

    @property
    def file_name(self) -> str:
        safe = "".join(c if c.isalnum() or c in "@.-_" else "_" for c in self.recipient)
        return f"digest-{self.week.isoformat()}-{safe}.eml"

    def plain_text(self) -> str:
        return render_text(self)

    def html(self) -> str:
        return render_html(self)

    def message(self, sender: str = "") -> EmailMessage:
        """The email: plain text, then HTML with its images inline (multipart/related)."""
        msg = EmailMessage()
        msg["Subject"] = self.subject
        msg["From"] = sender or "TFC dashboard <digest@localhost>"
        msg["To"] = self.recipient
        msg["Date"] = formatdate(localtime=False, usegmt=True)
        msg["Message-ID"] = make_msgid("tfc-digest")
        msg.set_content(self.plain_text())
        msg.add_alternative(self.html(), subtype="html")
        html_part = list(msg.iter_parts())[1]
        for block in self.blocks:
            for image in block.images:
                html_part.add_related(
                    image.png,
                    maintype="image",
                    subtype="png",
                    cid=f"<{image.cid}>",
                    filename=image.name,
                    disposition="inline",
                )
        return msg


def short_day(day: date) -> str:
    return f"{day.day} {day:%b}"


# --- building ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Context:
    """What every digest of a run shares: the day, the default view, the dashboard's address."""

    bind: Bind
    as_of: date
    cycle: int | None  # the sidebar's default cycle (the newest)
    last_day: date
    app_url: str
    is_demo: bool
    now: datetime

    def link(self, page: str, states: Sequence[str] = (), **extra: str) -> str:
        """The address of a dashboard view, its filters as the sidebar puts them in the link."""
        default = str(self.cycle) if self.cycle is not None else "all"
        state = LinkState(cycle=default, states=tuple(states), as_of=self.as_of)
        params = {k: v for k, v in link_params(state, default, self.last_day).items() if v}
        params.update({k: [v] for k, v in extra.items()})
        query = urlencode(params, doseq=True)
        return f"{self.app_url}/{page_path(page)}" + (f"?{query}" if query else "")


def project_goal(bind: Bind, cycle: int | None) -> goals.Goal | None:
    """The project goal the digest tracks (the Progress page's: one cycle's, from the Goals tab
    through :func:`tfc_dash.figures.goals.goal_for`)."""
    return goals.goal_for(bind, goals.PROJECTS, cycle) if cycle is not None else None


def build_digests(
    bind: Bind,
    viewers: Sequence[Viewer],
    as_of: date,
    app_url: str,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Digest]:
    """One digest per viewer with something to read (a role with no sections gets none)."""
    cycles = queries.cycles(bind)
    _, last_day = queries.data_range(bind)
    ctx = Context(
        bind=bind,
        as_of=as_of,
        cycle=cycles[0] if cycles else None,
        last_day=last_day,
        app_url=app_url.rstrip("/"),
        is_demo=read_meta(bind).get("demo") == "true",
        now=now or datetime.now(UTC),
    )
    digests = []
    for viewer in viewers:
        if not viewer.digest_sections():
            continue
        if progress is not None:
            progress(f"Building the digest for {viewer.describe()}")
        digests.append(build_digest(ctx, viewer))
    return digests


def build_digest(ctx: Context, viewer: Viewer) -> Digest:
    sections = viewer.digest_sections()
    builder = {
        Role.FOUNDER: _founder,
        Role.FUNDRAISING: _fundraising,
        Role.STATE_LEAD: _state_lead,
    }[viewer.role]
    blocks, main_figure = builder(ctx, viewer, sections)
    subject = f"TFC week of {short_day(week_of(ctx.as_of))}: {main_figure}"
    if ctx.is_demo:
        subject = f"[{DEMO_MARK}] {subject}"
    return Digest(
        recipient=viewer.email or "",
        role=viewer.role,
        as_of=ctx.as_of,
        subject=subject,
        blocks=tuple(blocks),
        is_demo=ctx.is_demo,
    )


def _total(frame: pd.DataFrame, column: str) -> int:
    return int(frame[column].sum()) if not frame.empty else 0


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return catalogue.MISSING
    return str(value)


def _rows(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(_text(v) for v in row) for row in frame[list(columns)].head(MAX_ROWS).values)


# founders ----------------------------------------------------------------------------------------
def _founder(ctx: Context, viewer: Viewer, sections: Sequence[str]) -> tuple[list[Block], str]:
    filters = scope_filters(Filters(cycle=ctx.cycle), viewer)
    blocks: list[Block] = []
    goal = project_goal(ctx.bind, filters.cycle)
    counts_now = queries.project_counts(ctx.bind, filters, ctx.as_of)
    started = _total(counts_now, "started")
    main = f"{started:,} projects"
    pace = None
    if goal is not None:
        timeline = queries.project_timeline(ctx.bind, filters)
        pace = metrics.pace_projection(timeline, ctx.as_of, goal.target, goal.deadline)
        main = f"{pace.total:,} of {goal.target:,} projects, {pace_words(pace)}"
    if "pace" in sections:
        if pace is not None and goal is not None:
            figures = ((figure_label("projects_started"), f"{pace.total:,} of {goal.target:,}"),)
            sentence = pace.summary()
        else:
            figures = (fig("projects_started", started),)
            sentence = f"No project goal is set for the {ctx.cycle} cycle (Goals tab)."
        blocks.append(Block("pace", "Goal and pace", ctx.link("progress"), figures, (sentence,)))
    if "changes" in sections:
        blocks.append(_changes(ctx, filters))
    if "limits" in sections or "understaffed" in sections:
        projects = enforce(staffing.running_projects(ctx.bind, filters, ctx.as_of), viewer)
        gaps = staffing.understaffed(projects)
        if "limits" in sections:
            # The Progress page's rule, on the same figures (tfc_dash.figures.bottleneck).
            found = bottleneck.limiting_step(ctx.bind, filters, ctx.as_of)
            blocks.append(
                Block(
                    "limits",
                    "What limits the pace",
                    ctx.link(found.page),
                    found.figure_rows(),
                    (found.sentence,),
                )
            )
        if "understaffed" in sections:
            blocks.append(_understaffed(ctx, gaps, filters))
    if "quarantine" in sections or "sync_age" in sections:
        blocks.extend(_data_health(ctx, sections))
    return blocks, main


def pace_words(pace: metrics.Pace) -> str:
    """The pace in a few words, for a subject line."""
    if pace.reached:
        return "goal reached"
    if pace.as_of > pace.deadline:
        return "deadline passed"
    if pace.projected_date is None:
        return "no projects started in 4 weeks"
    gap = (pace.projected_date - pace.deadline).days
    if gap == 0:
        return "on pace"
    days = f"{abs(gap)} day{'s' if abs(gap) != 1 else ''}"
    return f"{days} behind pace" if gap > 0 else f"{days} ahead of pace"


def scorecards_since(
    bind: Bind, filters: Filters, as_of: date, before: date
) -> list[catalogue.Scorecard]:
    """The Progress page's scorecards on ``as_of``, each with its change since ``before``."""
    return metrics.progress_scorecards(
        queries.project_counts(bind, filters, as_of),
        queries.project_counts(bind, filters, before),
        queries.reach_counts(bind, filters, as_of),
        queries.reach_counts(bind, filters, before),
        None,
    )


def _changes(ctx: Context, filters: Filters) -> Block:
    week = scorecards_since(ctx.bind, filters, ctx.as_of, ctx.as_of - timedelta(weeks=1))
    month = scorecards_since(ctx.bind, filters, ctx.as_of, catalogue.change_since(ctx.as_of))
    names = {f.label: f.name for f in catalogue.FIGURES.values()}
    rows = tuple(
        (
            w.label,
            figure_value(names[w.label], w.value),
            signed(w.delta or 0),
            signed(m.delta or 0),
        )
        for w, m in zip(week, month, strict=True)
    )
    return Block(
        "changes",
        "The last week and the last 4 weeks",
        ctx.link("progress"),
        table=Table(("", f"On {day_label(ctx.as_of)}", "Last week", "Last 4 weeks"), rows),
    )


_col = catalogue.column_label
# Table headings as the pages label the same columns.
UNDERSTAFFED_COLUMNS = tuple(
    _col(c) for c in ("project_name", "candidate", "state", "category", "team", "open_seats")
)


def _understaffed(ctx: Context, gaps: pd.DataFrame, filters: Filters) -> Block:
    seats = _total(gaps, "open_seats")
    shown = gaps.assign(category=gaps["category"].map(CATEGORY_LABELS).fillna(gaps["category"]))
    table = None
    if not gaps.empty:
        table = Table(
            UNDERSTAFFED_COLUMNS,
            _rows(shown, ["project_name", "candidate", "state", "category", "team", "open_seats"]),
            more=max(len(gaps) - MAX_ROWS, 0),
        )
    sentence = (
        "No running project is short of volunteers."
        if gaps.empty
        else "The projects with the most open seats first; the Staffing page says whom to ask."
    )
    return Block(
        "understaffed",
        "Understaffed projects",
        ctx.link("staffing", filters.states or ()),
        (
            fig(
                "projects_understaffed",
                len(gaps),
            ),
            fig("open_seats", seats),
        ),
        (sentence,),
        table,
    )


def sync_age(now: datetime, then: datetime) -> str:
    seconds = max((now - then).total_seconds(), 0)
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} days ago"


def _data_health(ctx: Context, sections: Sequence[str]) -> list[Block]:
    runs = health.sync_runs(ctx.bind, 50)
    link = ctx.link("data_health")
    blocks = []
    if "quarantine" in sections:
        good = runs[runs["status"] == "ok"] if not runs.empty else runs
        if good.empty:
            blocks.append(Block("quarantine", "Data problems", link, (), ("No sync yet.",)))
        else:
            run = int(good.iloc[0]["run"])
            found = health.problem_count(ctx.bind, run)
            problems = health.quarantine(ctx.bind, run)
            figures = (
                fig(
                    "rows_quarantined",
                    int(good.iloc[0]["quarantined"]),
                ),
            )
            if found:
                sentence = (
                    f"{found:,} problem{'s' if found != 1 else ''} in run {run} wait in the "
                    "quarantine: those rows were left out until ops fix the cell."
                )
                table = Table(
                    (_col("tab"), "Cell", _col("column"), _col("problem")),
                    _rows(problems, ["tab", "cell", "column", "reason"]),
                    more=max(found - MAX_ROWS, 0),
                )
            else:
                sentence, table = f"Every row of run {run} passed the checks.", None
            blocks.append(Block("quarantine", "Data problems", link, figures, (sentence,), table))
    if "sync_age" in sections:
        if runs.empty:
            sentence = "No data has been written to the store yet."
        else:
            last = runs.iloc[0]
            started = last["started"].to_pydatetime()
            status = {"ok": "succeeded", "failed": "failed", "running": "is running"}.get(
                last["status"], str(last["status"])
            )
            sentence = (
                f"The last sync (run {last['run']} from {last['source']}) started "
                f"{sync_age(ctx.now, started)}, on {started:%d %b %Y %H:%M} UTC, and {status}."
            )
        blocks.append(Block("sync_age", "Last sync", link, (), (sentence,)))
    return blocks


# fundraising -------------------------------------------------------------------------------------
def _fundraising(ctx: Context, viewer: Viewer, sections: Sequence[str]) -> tuple[list[Block], str]:
    # the charts' imports are only needed here
    from tfc_dash.figures import kit_queries
    from tfc_dash.kit import drawing, fundraising_kit, headline

    filters = scope_filters(Filters(cycle=ctx.cycle), viewer)
    bundle = fundraising_kit.build_kit(ctx.bind, filters, ctx.as_of, png=False)
    funds = kit_queries.crowdfunding(ctx.bind, ctx.as_of)
    link = ctx.link("fundraising_kit", filters.states or ())
    blocks: list[Block] = []
    if "headline" in sections:
        blocks.append(
            Block(
                "headline",
                "Headline, ready to paste",
                link,
                sentences=("Copy it into the update as it is.",),
                quote=bundle.headline,
            )
        )
    if "kit_charts" in sections:
        images = tuple(
            Image(make_msgid(chart.key, "tfc.digest")[1:-1], bundle.file_name(chart.key, "png"),
                  drawing.chart_png(chart))
            for chart in bundle.charts
            if chart.ready
        )  # fmt: skip
        notes = tuple(f"Not in the kit today: {m}" for m in bundle.missing)
        blocks.append(Block("kit_charts", "The kit's charts", link, (), notes, images=images))
    # The headline's count: every cycle's projects up to the day, as the kit counts them.
    record = Filters(states=filters.states, categories=filters.categories)
    projects = int(kit_queries.projects_by_state(ctx.bind, record, ctx.as_of)["projects"].sum())
    main = f"{projects:,} projects"
    if "crowdfunding" in sections:
        if funds.missing is not None:
            blocks.append(
                Block("crowdfunding", "Crowdfunding", link, (), (f"No figures: {funds.missing}",))
            )
        else:
            left = headline.days_left(funds.deadline, ctx.as_of)
            figures = (
                fig("crowdfunding_usd", funds.raised),
                fig("goal_usd", funds.goal),
                fig("backers", funds.backers),
            )  # fmt: skip
            ends = (
                f"{left:,} day{'s' if left != 1 else ''} left: the campaign ends on "
                f"{day_label(funds.deadline)}."
                if left and funds.deadline
                else ("The campaign has ended." if funds.deadline else "")
            )
            blocks.append(
                Block("crowdfunding", "Crowdfunding", link, figures, (ends,) if ends else ())
            )
            main += f", {figure_value('crowdfunding_usd', funds.raised)} raised"
            if funds.goal:
                main += f" of {figure_value('goal_usd', funds.goal)}"
    return blocks, main


# state leads -------------------------------------------------------------------------------------
RACE_COLUMNS = tuple(
    _col(c)
    for c in (
        "district",
        "candidate",
        "projects_started",
        "result",
        "vote_share",
        "held_before",
        "flipped",
    )
)
TARGET_COLUMNS = tuple(
    _col(c) for c in ("rank", "district", "winnability", "incumbent_party", "previous_margin")
)


def _percent(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return catalogue.MISSING
    return f"{float(value):.0%}"


def chamber_view(
    bind: Bind, cycle: int | None, state: str, chamber: str, as_of: date
) -> tuple[int | None, pd.DataFrame, pd.DataFrame]:
    """The cycle shown, a chamber's district statuses and its races, as the States page's state
    view computes them (the sidebar's cycle, or the chamber's latest election before it)."""
    cycles = coverage.chamber_cycles(bind, Filters(states=(state,)), chamber)
    shown, _moved = coverage.view_cycle(cycle, cycles)
    scoped = Filters(cycle=shown, states=(state,))
    statuses = coverage.chamber_statuses(bind, scoped, state, chamber, as_of)
    races = coverage.chamber_races(bind, scoped, state, chamber, as_of)
    return shown, statuses, races


def _state_lead(ctx: Context, viewer: Viewer, sections: Sequence[str]) -> tuple[list[Block], str]:
    filters = scope_filters(Filters(cycle=ctx.cycle), viewer)
    states = filters.states or ()
    race_blocks: list[Block] = []
    target_blocks: list[Block] = []
    totals = {"races": 0, "won": 0, "decided": 0}
    for state in states:
        for chamber, chamber_name in coverage.state_chambers(state):
            shown_cycle, statuses, races = chamber_view(
                ctx.bind, ctx.cycle, state, chamber, ctx.as_of
            )
            statuses, races = enforce(statuses, viewer), enforce(races, viewer)
            results = coverage.chamber_results(races)
            for key in totals:
                totals[key] += results[key]
            title = f"{STATE_NAMES[state]} · {chamber_name}" + (
                f" ({shown_cycle} election)" if shown_cycle else ""
            )
            link = ctx.link("states", (state,), chamber=chamber)
            targets = coverage.targets_display(statuses)
            if races.empty and targets.empty:
                continue
            if not races.empty:
                shown = coverage.races_display(races)
                rows = tuple(
                    (
                        _text(r.district),
                        _text(r.candidate),
                        _text(r.projects),
                        _text(r.result),
                        _percent(r.vote_share),
                        _text(r.held_before),
                        "yes" if r.flipped else "no",
                    )
                    for r in shown.head(MAX_RACE_ROWS).itertuples()
                )
                race_blocks.append(
                    Block(
                        "races",
                        f"{title}: races and results",
                        link,
                        (
                            fig("legislative_races", results["races"]),
                            fig("legislative_races_won", results["won"]),
                            fig("legislative_seats_flipped", results["flipped"]),
                        ),
                        (coverage.results_sentence(results, markdown=False),),
                        Table(RACE_COLUMNS, rows, more=max(len(shown) - MAX_RACE_ROWS, 0)),
                    )
                )
            if not targets.empty:
                target_rows = tuple(
                    (
                        _text(r["rank"]),
                        _text(r["district"]),
                        _text(None if pd.isna(r["winnability"]) else f"{r['winnability']:.0f}"),
                        _text(r["held_by"]),
                        _percent(r["previous_margin"]),
                    )
                    for r in targets.head(MAX_ROWS).to_dict("records")
                )
                target_blocks.append(
                    Block(
                        "targets",
                        f"{title}: targets without a project",
                        link,
                        (
                            fig(
                                "targets_uncovered",
                                len(targets),
                            ),
                        ),
                        ("Targeted districts where no project has started, most winnable first.",),
                        Table(TARGET_COLUMNS, target_rows, more=max(len(targets) - MAX_ROWS, 0)),
                    )
                )
    blocks: list[Block] = []
    if "races" in sections:
        blocks.extend(race_blocks)
    if "targets" in sections:
        blocks.extend(target_blocks)
    gaps = staffing.understaffed(
        enforce(staffing.running_projects(ctx.bind, filters, ctx.as_of), viewer)
    )
    if "understaffed" in sections:
        blocks.append(_understaffed(ctx, gaps, filters))
    if not blocks:
        blocks.append(
            Block("races", "Your states", ctx.link("states", states), (),
                  (f"No program races or targets in {', '.join(states)} for this cycle.",))
        )  # fmt: skip
    where = ", ".join(states)
    if totals["decided"]:
        main = f"{totals['won']} of {totals['decided']} races won in {where}"
    else:
        main = f"{totals['races']} races in {where}, none decided yet"
    main += f", {len(gaps)} project{'s' if len(gaps) != 1 else ''} short of volunteers"
    return blocks, main


# --- rendering -----------------------------------------------------------------------------------
def first_line(digest: Digest) -> str:
    who = {
        Role.FOUNDER: "the program's progress",
        Role.FUNDRAISING: "the fundraising kit",
        Role.STATE_LEAD: "your states",
    }.get(digest.role, "the program")
    line = f"Your weekly digest of {who}, as of {day_label(digest.as_of)}."
    if digest.is_demo:
        line = f"{DEMO_MARK}: these figures come from the demo dataset. {line}"
    return line


def render_text(digest: Digest) -> str:
    lines = [first_line(digest), ""]
    for block in digest.blocks:
        lines += [block.title, "-" * len(block.title)]
        lines += [f"{label}: {value}" for label, value in block.figures]
        lines += list(block.sentences)
        if block.quote:
            lines += ["", block.quote, ""]
        if block.table is not None:
            lines.append(" | ".join(block.table.columns))
            lines += [" | ".join(row) for row in block.table.rows]
            if block.table.more:
                lines.append(f"… and {block.table.more:,} more in the dashboard.")
        for image in block.images:
            lines.append(f"[chart: {image.name}]")
        lines += [f"Open in the dashboard: {block.link}", ""]
    lines.append("Sent by the TFC dashboard's weekly digest.")
    return "\n".join(lines) + "\n"


_e = html.escape
_CELL = "padding:4px 8px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top"


def render_html(digest: Digest) -> str:
    """HTML for mail clients: one column, inline styles (Gmail drops style sheets), every text
    escaped, images by Content-ID and no wider than a phone's screen."""
    out = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(digest.subject)}</title></head>",
        "<body style='margin:0;padding:0;background:#f6f7f9'>",
        "<div style='max-width:640px;margin:0 auto;padding:16px;background:#ffffff;"
        "font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;color:#1f2937'>",
    ]
    style = "font-weight:bold;color:#b91c1c" if digest.is_demo else "color:#4b5563"
    out.append(f"<p style='{style}'>{_e(first_line(digest))}</p>")
    for block in digest.blocks:
        out.append(
            f"<h2 style='font-size:18px;margin:24px 0 8px'>"
            f"<a href='{_e(block.link)}' style='color:#1d4ed8;text-decoration:none'>"
            f"{_e(block.title)}</a></h2>"
        )
        if block.figures:
            out.append("<table role='presentation' style='border-collapse:collapse'>")
            for label, value in block.figures:
                out.append(
                    f"<tr><td style='{_CELL}'>{_e(label)}</td>"
                    f"<td style='{_CELL};font-weight:bold'>"
                    f"<a href='{_e(block.link)}' style='color:#111827'>{_e(value)}</a></td></tr>"
                )
            out.append("</table>")
        for sentence in block.sentences:
            out.append(f"<p style='margin:8px 0'>{_e(sentence)}</p>")
        if block.quote:
            out.append(
                "<p style='margin:8px 0;padding:12px;background:#f3f4f6;border-left:4px solid "
                f"#1d4ed8;white-space:pre-wrap'>{_e(block.quote)}</p>"
            )
        if block.table is not None:
            out.append(_html_table(block.table))
        for image in block.images:
            out.append(
                f"<p style='margin:12px 0'><img src='cid:{_e(image.cid)}' alt='{_e(image.name)}' "
                "width='600' style='display:block;width:100%;max-width:600px;height:auto'></p>"
            )
        out.append(
            f"<p style='margin:8px 0'><a href='{_e(block.link)}' style='color:#1d4ed8'>"
            "Open in the dashboard</a></p>"
        )
    out.append(
        "<p style='color:#6b7280;font-size:12px;margin-top:24px'>Sent by the TFC dashboard's "
        "weekly digest.</p></div></body></html>"
    )
    return "\n".join(out)


def _html_table(table: Table) -> str:
    head = "".join(f"<th style='{_CELL};font-size:13px'>{_e(c)}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td style='{_CELL};font-size:13px'>{_e(v)}</td>" for v in row) + "</tr>"
        for row in table.rows
    )
    more = (
        f"<p style='margin:4px 0;font-size:13px;color:#6b7280'>… and {table.more:,} more in the "
        "dashboard.</p>"
        if table.more
        else ""
    )
    return (
        "<div style='overflow-x:auto'><table style='border-collapse:collapse;width:100%'>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>{more}"
    )


def write_digests(digests: Sequence[Digest], out: Path, sender: str = "") -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for digest in digests:
        path = out / digest.file_name
        path.write_bytes(digest.message(sender).as_bytes())
        written.append(path)
    return written


# --- sending -------------------------------------------------------------------------------------
def sent_this_week(bind: Bind, week: date) -> set[str]:
    """The recipients whose digest of ``week`` has been sent."""
    statement = sa.select(D.c.recipient).where(D.c.week == week)
    with translate_errors(str(engine_of(bind).url)), connection(bind) as conn:
        return {str(r) for r in conn.execute(statement).scalars()}


def record_sent(bind: Bind, digest: Digest, when: datetime | None = None) -> None:
    row = {
        "recipient": digest.recipient.strip().lower(),
        "week": digest.week,
        "role": str(digest.role),
        "subject": digest.subject,
        "sent_at": when or datetime.now(UTC),
    }
    with translate_errors(str(engine_of(bind).url)), engine_of(bind).begin() as conn:
        conn.execute(D.insert(), [row])


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    already: list[str] = field(default_factory=list)


def _reason(response: Any) -> str:
    """An SMTP reply (code, bytes) as short text."""
    if isinstance(response, tuple) and len(response) == 2:
        code, text = response
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return f"{code} {' '.join(text.split())}"
    return " ".join(str(response).split())


def _tls_context(settings: DigestSettings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.cafile)


def open_smtp(settings: DigestSettings) -> smtplib.SMTP:
    """A logged-in connection to the mail server, or DigestError in one line."""
    where = f"the mail server at {settings.host}:{settings.port}"
    server: smtplib.SMTP | None = None
    try:
        if settings.security == "tls":
            server = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout,
                context=_tls_context(settings),
            )
        else:
            server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            if settings.security == "starttls":
                server.starttls(context=_tls_context(settings))
    except ssl.SSLCertVerificationError as exc:
        if server is not None:
            server.close()
        raise DigestError(
            f"{where} showed a certificate this machine does not trust ({exc.verify_message}): "
            "if it is signed by your own CA, set [digest] cafile to that CA's certificate; "
            "nothing was sent."
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        if server is not None:
            server.close()
        raise DigestError(
            f"{where} did not answer ({_exception_text(exc)}): nothing was sent."
        ) from None
    if settings.user:
        try:
            server.login(settings.user, settings.password)
        except smtplib.SMTPAuthenticationError as exc:
            _close(server)
            raise DigestError(
                f"{where} refused the login of {settings.user!r} ({_exception_text(exc)}): "
                "check [digest] user and password; nothing was sent."
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            _close(server)
            raise DigestError(
                f"{where} failed the login ({_exception_text(exc)}): nothing was sent."
            ) from None
    return server


def _exception_text(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reason((exc.smtp_code, exc.smtp_error))
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _close(server: smtplib.SMTP) -> None:
    try:
        server.quit()
    except (OSError, smtplib.SMTPException):
        server.close()


def send_digests(
    bind: Bind,
    digests: Sequence[Digest],
    settings: DigestSettings,
    progress: Callable[[str], None] | None = None,
) -> SendReport:
    """Send each digest not yet sent this week; record each as it goes.

    A recipient the server refuses is reported and the others still go. A server that does not
    answer, refuses the login or drops the connection raises DigestError; what was sent before
    is recorded, so the next run sends only the rest.
    """
    report = SendReport()
    pending = []
    for digest in digests:
        if digest.recipient.strip().lower() in sent_this_week(bind, digest.week):
            report.already.append(digest.recipient)
        else:
            pending.append(digest)
    if not pending:
        return report
    server = open_smtp(settings)
    try:
        for digest in pending:
            try:
                server.send_message(
                    digest.message(settings.sender),
                    from_addr=settings.sender,
                    to_addrs=[digest.recipient],
                )
            except smtplib.SMTPRecipientsRefused as exc:
                reasons = list(exc.recipients.values())
                report.refused.append((digest.recipient, _reason(reasons[0]) if reasons else ""))
                continue
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                report.refused.append((digest.recipient, _exception_text(exc)))
                continue
            except (OSError, smtplib.SMTPException) as exc:
                done = len(report.sent)
                raise DigestError(
                    f"the mail server at {settings.host}:{settings.port} closed the connection "
                    f"after {done} of {len(pending)} digest(s) ({_exception_text(exc)}); those "
                    "sent are recorded and the next run sends the rest."
                ) from None
            record_sent(bind, digest)
            report.sent.append(digest.recipient)
            if progress is not None:
                progress(f"Sent to {digest.recipient}")
    finally:
        _close(server)
    return report
