"""The fundraising kit's headline: its numbers in words, ready to paste into an update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tfc_dash.core.catalogue import format_value, label
from tfc_dash.core.text import day_label, plural
from tfc_dash.figures import outcomes


def headline_bytes(headline: str) -> bytes:
    return (headline + "\n").encode("utf-8")


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
        f"{label('volunteers_deployed')}: {plural(facts.volunteers, 'volunteer')}."
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
            money += f" from {plural(facts.backers, 'backer')}"
        if facts.days_left is not None:
            money += (
                f", {plural(facts.days_left, 'day')} left"
                if facts.days_left
                else ", campaign ended"
            )
        parts.append(money + ".")
    parts.append(f"(As of {day_label(facts.as_of)}.)")
    text = " ".join(parts)
    return f"DEMO DATA, NOT REAL: {text}" if facts.is_demo else text
