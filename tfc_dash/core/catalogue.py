"""The metric catalogue: every figure the dashboard shows, defined once.

A :class:`Figure` has a ``name`` (the key code, snapshots and goals use), the ``label`` users see
on every page, chart, table, CSV and in the kit, a one-sentence ``definition`` (the scorecard's
help and the glossary), its ``unit`` and ``fmt`` (how :func:`format_value` writes it), and
``compute``: the dotted path (``module:function``) of the one function that computes it under the
shared filters and the as-of date, ``fn(bind, filters, as_of)`` (figures of one project or of
one sync run name the function that computes them from that project's or run's rows). The path is
a string so that this module stays at the bottom of the layers (the functions live above it).

Two different figures never share a label, and a figure keeps its label everywhere: the tests
check both on every page. The rules the figures share (when a race is decided, which projects
count, which volunteers are deployed) live in :mod:`tfc_dash.figures.rules`.

The headline figures stored with every sync run's snapshot keep the names
:func:`tfc_dash.figures.queries.headline_metrics` stores them under, so old snapshots still map.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

# How a value is written: ``count`` 1,234; ``usd`` $1,234; ``usd_cents`` $0.71; ``percent``
# 42% (the value is a fraction); ``days`` 12 days; ``weeks`` 6 weeks; ``number`` 1,234 (rounded);
# ``rate`` 27.1 (one decimal); ``seconds`` 0.9 s.
FORMATS = ("count", "usd", "usd_cents", "percent", "days", "weeks", "number", "rate", "seconds")
MISSING = "—"


# A scorecard's change is over this many weeks, up to the as-of day (see :func:`change_since`).
CHANGE_WEEKS = 4


def change_since(as_of: date) -> date:
    """The day a scorecard's change counts from: :data:`CHANGE_WEEKS` weeks before ``as_of``."""
    return as_of - timedelta(weeks=CHANGE_WEEKS)


@dataclass(frozen=True)
class Scorecard:
    """One scorecard as a page draws it (label, value, change, help)."""

    label: str
    # None: no value to show (a rate without a denominator, say); a str: the value already
    # written (a compact figure such as "1.2M", its exact value in the help).
    value: int | str | None
    delta: int | None  # the change since :func:`change_since`
    help: str
    suffix: str = ""


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    definition: str
    unit: str
    fmt: str
    compute: str  # "module:function", called as fn(bind, filters, as_of)
    group: str = "Program"  # the glossary's section

    def function(self) -> Callable[..., Any]:
        """The function that computes the figure."""
        module, _, attr = self.compute.partition(":")
        return getattr(importlib.import_module(module), attr)

    def value(self, bind: Any, filters: Any, as_of: Any) -> Any:
        return self.function()(bind, filters, as_of)


def _figures(*figures: Figure) -> dict[str, Figure]:
    registry: dict[str, Figure] = {}
    for f in figures:
        if f.name in registry:
            raise ValueError(f"figure {f.name!r} defined twice")
        registry[f.name] = f
    return registry


_F = "tfc_dash.figures.compute:"

FIGURES: dict[str, Figure] = _figures(
    # --- program progress (the headline snapshot's figures keep their stored names) -----------
    Figure(
        "projects_started",
        "Projects started",
        "Projects active or completed whose start date (or, without one, completion date) is on "
        "or before the as-of date; scoping and cancelled projects never count, and this is the "
        "figure a project goal counts.",
        "projects",
        "count",
        _F + "projects_started",
    ),
    Figure(
        "projects_completed",
        "Projects completed",
        "Projects started that were completed on or before the as-of date.",
        "projects",
        "count",
        _F + "projects_completed",
    ),
    Figure(
        "projects_active",
        "Projects active",
        "Projects started and not yet completed on the as-of date (started = completed + active).",
        "projects",
        "count",
        _F + "projects_active",
    ),
    Figure(
        "projects_per_week",
        "Started a week",
        "Projects started in the 4 weeks up to the as-of date, divided by 4 (the trailing pace).",
        "projects a week",
        "rate",
        _F + "projects_per_week",
    ),
    Figure(
        "pace_needed",
        "Pace needed",
        "Projects a week, from the as-of date, that reach the cycle's project goal by its "
        "deadline; only for the whole program (no state or category filter).",
        "projects a week",
        "rate",
        _F + "pace_needed",
    ),
    Figure(
        "projects_scoping",
        "Projects in scoping",
        "Projects whose status is scoping: agreed with a campaign, not started yet (they never "
        "count toward the goal).",
        "projects",
        "count",
        _F + "projects_scoping",
    ),
    Figure(
        "projects_overdue",
        "Active past planned end",
        "Projects active on the as-of date whose planned end date is before it.",
        "projects",
        "count",
        _F + "projects_overdue",
    ),
    Figure(
        "weeks_to_complete",
        "Weeks to complete",
        "Median weeks from a project's start date to its completion date, over the projects "
        "completed by the as-of date.",
        "weeks",
        "weeks",
        _F + "weeks_to_complete",
    ),
    Figure(
        "campaigns",
        "Campaigns supported",
        "Distinct campaigns with at least one project started by the as-of date.",
        "campaigns",
        "count",
        _F + "campaigns",
    ),
    Figure(
        "states",
        "States reached",
        "Distinct states of the campaigns supported by the as-of date.",
        "states",
        "count",
        _F + "states",
    ),
    Figure(
        "volunteers_deployed",
        "Ever placed",
        "Distinct volunteers placed on at least one project started by the as-of date, counted "
        "once however long ago (cumulative over the view's cycle and states).",
        "volunteers",
        "count",
        _F + "volunteers_deployed",
        group="Volunteers",
    ),
    Figure(
        "volunteers_enrolled",
        "Volunteers enrolled",
        "Volunteers signed up on or before the as-of date.",
        "volunteers",
        "count",
        _F + "volunteers_enrolled",
        group="Volunteers",
    ),
    Figure(
        "crowdfunding_usd",
        "Raised in crowdfunding",
        "The crowdfunding campaign's running total raised on or before the as-of date (the "
        "Fundraising tab's latest raised_usd).",
        "US dollars",
        "usd",
        _F + "crowdfunding_usd",
        group="Fundraising",
    ),
    Figure(
        "projects_any_status",
        "Projects in any status",
        "Projects that match every filter whatever their status on the as-of date: scoping, "
        "active, completed and cancelled.",
        "projects",
        "count",
        _F + "projects_any_status",
        group="Projects",
    ),
    # --- volunteers ---------------------------------------------------------------------------
    Figure(
        "volunteers_active",
        "Active volunteers",
        "Volunteers enrolled whose status is active (or blank), plus any other volunteer on a "
        "project on the as-of date (the store keeps today's status only).",
        "volunteers",
        "count",
        _F + "volunteers_active",
        group="Volunteers",
    ),
    Figure(
        "volunteers_on_project",
        "On a project now",
        "Active volunteers with at least one assignment running on the as-of date (start date "
        "on or before it, end date on or after it; a blank end date runs until the project "
        "completes).",
        "volunteers",
        "count",
        _F + "volunteers_on_project",
        group="Volunteers",
    ),
    Figure(
        "volunteers_bench",
        "On the bench",
        "Active volunteers not on a project on the as-of date (active = on a project now + on "
        "the bench).",
        "volunteers",
        "count",
        _F + "volunteers_bench",
        group="Volunteers",
    ),
    Figure(
        "utilization",
        "Utilization",
        "Committed hours a week of running assignments divided by the hours a week active "
        "volunteers offer, on the as-of date.",
        "share of hours",
        "percent",
        _F + "utilization",
        group="Volunteers",
    ),
    Figure(
        "days_to_first_placement",
        "Time to first placement",
        "Median days from a volunteer's sign-up to the start of their first assignment, over "
        "volunteers placed by the as-of date.",
        "days",
        "days",
        _F + "days_to_first_placement",
        group="Volunteers",
    ),
    Figure(
        "repeat_rate",
        "Repeat rate",
        "Volunteers who started a second project divided by volunteers placed at least once, "
        "by the as-of date.",
        "share of volunteers",
        "percent",
        _F + "repeat_rate",
        group="Volunteers",
    ),
    Figure(
        "completion_rate",
        "Completion rate",
        "Assignments that ran until their project's planned end divided by assignments over by "
        "the as-of date; cancelled projects and projects without an end date are left out.",
        "share of assignments",
        "percent",
        _F + "completion_rate",
        group="Volunteers",
    ),
    # --- races --------------------------------------------------------------------------------
    Figure(
        "races_supported",
        "Supported races",
        "Races of campaigns with at least one project started by the as-of date (supported = "
        "won + lost + pending + withdrawn).",
        "races",
        "count",
        _F + "races_supported",
        group="Results",
    ),
    Figure(
        "races_won",
        "Races won",
        "Supported races won, counted from election day: results are known that night.",
        "races",
        "count",
        _F + "races_won",
        group="Results",
    ),
    Figure(
        "races_lost",
        "Races lost",
        "Supported races lost, counted from election day: results are known that night.",
        "races",
        "count",
        _F + "races_lost",
        group="Results",
    ),
    Figure(
        "races_pending",
        "Races pending",
        "Supported races not decided on the as-of date: their election day is still ahead, or "
        "no result is in the data yet.",
        "races",
        "count",
        _F + "races_pending",
        group="Results",
    ),
    Figure(
        "races_withdrawn",
        "Races withdrawn",
        "Supported races whose candidate withdrew.",
        "races",
        "count",
        _F + "races_withdrawn",
        group="Results",
    ),
    Figure(
        "seats_flipped",
        "Seats flipped",
        "Races won for a seat the other party held before the election (seat_held_by).",
        "seats",
        "count",
        _F + "seats_flipped",
        group="Results",
    ),
    Figure(
        "win_rate",
        "Win rate",
        "Races won divided by races decided (won + lost); withdrawn and pending races do not "
        "count.",
        "share of races",
        "percent",
        _F + "win_rate",
        group="Results",
    ),
    # --- states and districts -----------------------------------------------------------------
    Figure(
        "chambers",
        "Chambers",
        "State legislative chambers in view (Nebraska's unicameral legislature counts once).",
        "chambers",
        "count",
        _F + "chambers",
        group="States",
    ),
    Figure(
        "seats",
        "Seats",
        "Seats in the chambers in view, as of the 2018 cycle.",
        "seats",
        "count",
        _F + "seats",
        group="States",
    ),
    Figure(
        "districts",
        "Districts",
        "Districts in the chambers in view (some elect several members).",
        "districts",
        "count",
        _F + "districts",
        group="States",
    ),
    Figure(
        "districts_targeted",
        "Targeted districts",
        "Districts the data squad targets (targeted = targets covered + targets without a "
        "project).",
        "districts",
        "count",
        _F + "districts_targeted",
        group="States",
    ),
    Figure(
        "targets_covered",
        "Targets covered",
        "Targeted districts where a program campaign has a project started by the as-of date.",
        "districts",
        "count",
        _F + "targets_covered",
        group="States",
    ),
    Figure(
        "targets_uncovered",
        "Targets without a project",
        "Targeted districts where no program campaign has a project started by the as-of date.",
        "districts",
        "count",
        _F + "targets_uncovered",
        group="States",
    ),
    Figure(
        "districts_covered",
        "Districts covered",
        "Districts, targeted or not, where a program campaign has a project started by the "
        "as-of date.",
        "districts",
        "count",
        _F + "districts_covered",
        group="States",
    ),
    Figure(
        "legislative_races",
        "Legislative races supported",
        "Supported state legislative races (not withdrawn) in the chambers in view, in districts "
        "the chamber has.",
        "races",
        "count",
        _F + "legislative_races",
        group="States",
    ),
    Figure(
        "legislative_races_won",
        "Legislative races won",
        "Supported state legislative races won in the chambers in view (on a state's page, the "
        "chamber picked), counted from election day.",
        "races",
        "count",
        _F + "legislative_races_won",
        group="States",
    ),
    Figure(
        "legislative_seats_flipped",
        "Legislative seats flipped",
        "Supported state legislative races won for a seat the other party held before the "
        "election, in the chambers in view (on a state's page, the chamber picked).",
        "seats",
        "count",
        _F + "legislative_seats_flipped",
        group="States",
    ),
    # --- staffing -----------------------------------------------------------------------------
    Figure(
        "projects_understaffed",
        "Understaffed projects",
        "Active projects whose team on the as-of date (volunteers with an assignment running "
        "that day) is smaller than their volunteers_needed.",
        "projects",
        "count",
        _F + "projects_understaffed",
        group="Staffing",
    ),
    Figure(
        "open_seats",
        "Open seats",
        "Sum over active projects of the volunteers needed minus the team on the as-of date, "
        "where that is above zero.",
        "seats on project teams",
        "count",
        _F + "open_seats",
        group="Staffing",
    ),
    Figure(
        "volunteers_suggested",
        "Volunteers suggested",
        "Bench volunteers the Staffing page proposes to ask, up to three per open seat, each "
        "for one project only.",
        "volunteers",
        "count",
        _F + "volunteers_suggested",
        group="Staffing",
    ),
    Figure(
        "projects_without_match",
        "Projects without a match",
        "Understaffed projects for which no bench volunteer lists a skill the category needs.",
        "projects",
        "count",
        _F + "projects_without_match",
        group="Staffing",
    ),
    # --- one project (the Projects page's detail) ---------------------------------------------
    Figure(
        "team_on_project",
        "On the team",
        "Volunteers with an assignment on this project running on the as-of date (bad rows "
        "left out).",
        "volunteers",
        "count",
        "tfc_dash.figures.projects:team_counts",
        group="One project",
    ),
    Figure(
        "team_placed",
        "Placed so far",
        "Distinct volunteers with an assignment on this project started by the as-of date.",
        "volunteers",
        "count",
        "tfc_dash.figures.projects:team_counts",
        group="One project",
    ),
    Figure(
        "project_open_seats",
        "Seats open on this project",
        "The volunteers this project needs minus its team on the as-of date, while it is active.",
        "seats",
        "count",
        "tfc_dash.figures.projects:detail_scorecards",
        group="One project",
    ),
    Figure(
        "days_to_election",
        "Days to the election",
        "Days from the as-of date to the campaign's election day.",
        "days",
        "count",
        "tfc_dash.figures.projects:detail_scorecards",
        group="One project",
    ),
    # --- program metrics reported by projects (the Outcomes tab) ------------------------------
    *(
        Figure(
            metric,
            text,
            f"Sum over projects in view of each project's latest reported {what} on or before "
            "the as-of date.",
            unit,
            fmt,
            _F + metric,
            group="Program metrics",
        )
        for metric, text, what, unit, fmt in (
            ("texts_sent", "Texts sent", "texts sent", "texts", "number"),
            ("emails_sent", "Emails sent", "emails sent", "emails", "number"),
            ("ad_impressions", "Ad impressions", "ad impressions", "impressions", "number"),
            ("site_visits", "Site visits", "site visits", "visits", "number"),
            ("voters_contacted", "Voters contacted", "voters contacted", "voters", "number"),
            ("spend_usd", "Spend (USD)", "spend", "US dollars", "usd"),
        )
    ),
    Figure(
        "cost_per_contact",
        "Cost per contact (USD)",
        "Spend divided by the voters contacted by the projects that reported a spend.",
        "US dollars per voter",
        "usd_cents",
        _F + "cost_per_contact",
        group="Program metrics",
    ),
    # --- the last sync (Data health) ----------------------------------------------------------
    *(
        Figure(
            name,
            text,
            definition,
            unit,
            fmt,
            "tfc_dash.ingest.health:sync_runs",
            group="Data health",
        )
        for name, text, definition, unit, fmt in (
            ("sync_seconds", "Sync duration", "How long the last sync took.", "seconds", "seconds"),
            (
                "sync_requests",
                "Sheets API requests",
                "Google Sheets API requests the last sync made, retries included (a sync needs 2).",
                "requests",
                "count",
            ),
            ("rows_added", "Rows added", "Rows the last sync added to the store.", "rows", "count"),
            (
                "rows_changed",
                "Rows changed",
                "Rows the last sync changed in the store.",
                "rows",
                "count",
            ),
            (
                "rows_removed",
                "Rows removed",
                "Rows gone from the sheet at the last sync: marked removed in the store, not "
                "deleted.",
                "rows",
                "count",
            ),
            (
                "rows_quarantined",
                "Quarantined rows",
                "Rows the last sync set aside because a cell broke the spreadsheet contract.",
                "rows",
                "count",
            ),
        )
    ),
)

# Columns, axes and legends that are not figures: what a row is about (its state, its
# candidate), dates, and the series of a chart. A page's label is a figure's label or one of these.
COLUMNS: dict[str, str] = {
    # who and where
    "state": "State",
    "home_state": "Home state",
    "chamber": "Chamber",
    "district": "District",
    "cycle": "Cycle",
    "category": "Category",
    "campaign_id": "Campaign ID",
    "candidate": "Candidate",
    "party": "Party",
    "race": "Race",
    "project_id": "Project ID",
    "project": "Project",
    "project_name": "Project name",
    "volunteer": "Volunteer",
    "volunteer_name": "Name",
    "volunteer_email": "Email",
    "skill": "Skill",
    "skills": "Skills",
    "status": "Status",
    "result": "Result",
    "outcome": "Outcome",
    "flipped": "Seat flipped",
    "held_before": "Held before",
    "incumbent_party": "Held by",
    "winnability": "Winnability",
    # dates and periods
    "day": "Date",
    "week": "Week ending",
    "election_date": "Election",
    "start_date": "Started",
    "end_date": "Ends",
    "signup_month": "Sign-up month",
    # per-row numbers that are not program figures
    "vote_share": "Vote share",
    "margin": "Margin",
    "previous_margin": "Previous margin",
    "change": "Change",
    "margin_source": "Margin from",
    "team": "Team",
    "volunteers_needed": "Needed",
    "hours_per_week": "Hours a week",
    "rank": "Rank",
    "score": "Points",
    "why": "Why",
    # chart series and their axes
    "series": "Series",
    "line": "Line",
    "group": "Group",
    "projects_running_total": "Projects (running total)",
    "projects_in_group": "Projects in this group",
    "volunteers_in_group": "Volunteers in this group",
    "volunteers_running_total": "Volunteers (running total)",
    "group_total": "Total of the bar",
    "races": "Races in this group",
    "median_days": "Median days to first placement",
    "median_weeks_step": "Median weeks",
    "share_placed": "Share placed",
    "signed_up": "Signed up",
    "placed": "Placed on a project",
    "bench_per_open_seat": "Bench per open seat",
    "bench_with_skill": "Bench volunteers with the skill",
    "open_seats_needing": "Open seats needing it",
    "volunteers_on_campaigns": "Volunteers on the campaigns",
    "raised_usd": "Raised (USD, running total)",
    "goal_usd": "Goal (USD)",
    "backers": "Backers",
    # Data health
    "run": "Run",
    "source": "Source",
    "started_utc": "Started (UTC)",
    "seconds": "Seconds",
    "message": "Message",
    "tab": "Tab",
    "rows": "Rows",
    "row": "Row",
    "column": "Column",
    "value": "Value",
    "problem": "Problem",
    "which": "Which (assignments as project · volunteer · start)",
    "cell": "Cell",
    "link": "Open",
    "role": "Role",
    "from": "From",
    "to": "To",
    "standing": "On the as-of date",
    "who": "Who",
    "kind": "Standing",
    "program": "Program",
    "dem_share": "Democratic share",
    "dem_margin": "Democratic margin",
    "margin_axis": "Margin (share of votes)",
    "dem_margin_axis": "Democratic margin (share of votes)",
    "label": "Label",
    "date": "Date of the figure",
    "goal": "Goal",
    "goal_deadline": "Goal deadline",
    "volunteer_id": "Volunteer ID",
    "started": "Started (running total)",
    "completed": "Completed (running total)",
    "targeted": "Targeted (yes or no)",
    # History (what each sync said, the past weeks a later sync revised, the rows behind it)
    "previous_run": "Previous run",
    "synced_utc": "Synced (UTC)",
    "as_of": "As of",
    "change_since_previous": "Change since the previous sync",
    "week_of": "Week of (Monday)",
    "said_before": "Said by the earlier sync",
    "said_after": "Said by the later sync",
    "change_kind": "Added, changed or removed",
    "old_value": "Old value",
    "new_value": "New value",
    "project_started": "Project started (as stored)",
    # the district comparison (Outcomes: supported districts against the rest of a chamber)
    "chamber_name": "Chamber name",
    "supported": "Supported",
    "contested": "Contested",
    "winner_party": "Winner's party",
    "district_outcome": "What happened to the seat",
    "district_group": "District group",
    "districts_in_group": "Districts in the group",
    "dem_won": "Won by a Democrat",
    "r_held_contested": "Contested, held by R before",
    "flipped_to_d": "Of those, flipped to D",
    "flip_rate": "Flip rate",
    "mean_dem_share": "Mean Democratic share",
    "median_dem_margin": "Median Democratic margin",
}


# What a goal's ``metric`` (the Goals tab) counts: a goal names a catalogue figure; ``projects``
# is the spreadsheet's word for projects started (the 500-project goal). The one list of goal
# metrics: the contract's Goals tab accepts exactly these (tfc_dash.figures.goals reads it from
# here).
GOAL_METRICS: dict[str, str] = {
    "projects": "projects_started",
    "crowdfunding_usd": "crowdfunding_usd",
    "volunteers_deployed": "volunteers_deployed",
}


def figure(name: str) -> Figure:
    """The figure called ``name``; a goal's metric name (``projects``) is accepted too."""
    try:
        return FIGURES[GOAL_METRICS.get(name, name)]
    except KeyError:
        raise KeyError(f"no figure {name!r} in the catalogue") from None


def label(name: str) -> str:
    return figure(name).label


def metric_label(metric: str) -> str:
    """An outcome metric's label, the same on every page: the catalogue's for a figure it has
    (``spend_usd`` -> ``Spend (USD)``), else its words (``calls_made`` -> ``Calls made``,
    ``match_usd`` -> ``Match (USD)``)."""
    if metric in FIGURES:
        return FIGURES[metric].label
    words = str(metric).replace("_usd", " (USD)").replace("_", " ")
    return words[:1].upper() + words[1:]


def definition(name: str) -> str:
    return figure(name).definition


def format_value(name: str, value: Any) -> str:
    """``value`` written as the figure's format; a missing value is a dash."""
    if value is None:
        return MISSING
    try:
        if value != value:  # NaN
            return MISSING
    except TypeError:
        pass
    kind = figure(name).fmt
    if kind == "count":
        return f"{round(float(value)):,}"
    if kind == "usd":
        return f"${value:,.0f}"
    if kind == "usd_cents":
        return f"${value:,.2f}"
    if kind == "percent":
        return f"{round(value * 100):d}%"
    if kind == "days":
        days = round(float(value))
        return f"{days:,} day" if days == 1 else f"{days:,} days"
    if kind == "weeks":
        weeks = round(float(value))
        return f"{weeks:,} week" if weeks == 1 else f"{weeks:,} weeks"
    if kind == "rate":
        return f"{value:,.1f}"
    if kind == "seconds":
        return f"{value:,.1f} s"
    return f"{value:,.0f}"


def column_label(name: str) -> str:
    """The label of a column, axis or legend: a figure's label, or a :data:`COLUMNS` label."""
    if name in FIGURES or name in GOAL_METRICS:
        return label(name)
    try:
        return COLUMNS[name]
    except KeyError:
        raise KeyError(f"no figure or column {name!r} in the catalogue") from None


def known_labels() -> set[str]:
    """Every label a page may show: the figures' and the columns'."""
    return {f.label for f in FIGURES.values()} | set(COLUMNS.values())


def scorecard(
    name: str, value: int | None, delta: int | None = None, note: str = "", suffix: str = ""
) -> Scorecard:
    """A scorecard of figure ``name``: its label, and its definition as the help (``note``
    adds what this view says more, a goal say)."""
    f = figure(name)
    help_text = f.definition + (f" {note}" if note else "")
    return Scorecard(f.label, value, delta, help_text, suffix)
