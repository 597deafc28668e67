"""The catalogue's figures as values: one function per figure, ``fn(bind, filters, as_of)``.

:mod:`tfc_dash.core.catalogue` names these functions (``Figure.compute``); each calls the query that
the pages use for the same figure, so a value here is the value a page shows.
"""

from __future__ import annotations

from datetime import date

from tfc_dash.figures import bottleneck, coverage, outcomes, queries, staffing, volunteering
from tfc_dash.figures.filters import Filters
from tfc_dash.store.database import Bind


def projects_started(bind: Bind, filters: Filters, as_of: date) -> int:
    return int(queries.project_counts(bind, filters, as_of)["started"].sum())


def projects_completed(bind: Bind, filters: Filters, as_of: date) -> int:
    return int(queries.project_counts(bind, filters, as_of)["completed"].sum())


def projects_active(bind: Bind, filters: Filters, as_of: date) -> int:
    return int(queries.project_counts(bind, filters, as_of)["active"].sum())


def projects_per_week(bind: Bind, filters: Filters, as_of: date) -> float:
    return bottleneck.projects_per_week(bind, filters, as_of)


def pace_needed(bind: Bind, filters: Filters, as_of: date) -> float | None:
    return bottleneck.pace_needed(bind, filters, as_of)


def projects_scoping(bind: Bind, filters: Filters, as_of: date) -> int:
    return bottleneck.projects_scoping(bind, filters, as_of)


def projects_overdue(bind: Bind, filters: Filters, as_of: date) -> int:
    return bottleneck.projects_overdue(bind, filters, as_of)


def weeks_to_complete(bind: Bind, filters: Filters, as_of: date) -> float | None:
    return bottleneck.weeks_to_complete(bind, filters, as_of)


def campaigns(bind: Bind, filters: Filters, as_of: date) -> int:
    return queries.reach_counts(bind, filters, as_of)["campaigns"]


def states(bind: Bind, filters: Filters, as_of: date) -> int:
    return queries.reach_counts(bind, filters, as_of)["states"]


def volunteers_deployed(bind: Bind, filters: Filters, as_of: date) -> int:
    return queries.reach_counts(bind, filters, as_of)["volunteers"]


def volunteers_enrolled(bind: Bind, filters: Filters, as_of: date) -> int:
    return queries.volunteers_enrolled(bind, filters, as_of)


def crowdfunding_usd(bind: Bind, filters: Filters, as_of: date) -> float | None:
    return queries.crowdfunding_raised(bind, as_of)


def projects_any_status(bind: Bind, filters: Filters, as_of: date) -> int:
    return queries.projects_any_status(bind, filters, as_of)


def _pool(bind: Bind, filters: Filters, as_of: date) -> dict:
    people = volunteering.for_volunteers(filters)
    return volunteering.pool_on(volunteering.pool_weeks(bind, people, as_of), as_of)


def volunteers_active(bind: Bind, filters: Filters, as_of: date) -> int:
    return _pool(bind, filters, as_of)["active"]


def volunteers_on_project(bind: Bind, filters: Filters, as_of: date) -> int:
    return _pool(bind, filters, as_of)["deployed"]


def volunteers_bench(bind: Bind, filters: Filters, as_of: date) -> int:
    return _pool(bind, filters, as_of)["bench"]


def utilization(bind: Bind, filters: Filters, as_of: date) -> float | None:
    return _pool(bind, filters, as_of)["utilization"]


def days_to_first_placement(bind: Bind, filters: Filters, as_of: date) -> float | None:
    people = volunteering.for_volunteers(filters)
    cohorts = volunteering.placement_cohorts(bind, people, as_of)
    return volunteering.median_days_to_first_placement(cohorts)


def repeat_rate(bind: Bind, filters: Filters, as_of: date) -> float | None:
    people = volunteering.for_volunteers(filters)
    return volunteering.repeat_rate(volunteering.placement_cohorts(bind, people, as_of))


def completion_rate(bind: Bind, filters: Filters, as_of: date) -> float | None:
    people = volunteering.for_volunteers(filters)
    return volunteering.completion_rate(volunteering.assignment_completion(bind, people, as_of))


def _races(bind: Bind, filters: Filters, as_of: date) -> outcomes.RaceSummary:
    return outcomes.race_summary(outcomes.supported_races(bind, filters, as_of))


def races_supported(bind: Bind, filters: Filters, as_of: date) -> int:
    return _races(bind, filters, as_of).supported


def races_won(bind: Bind, filters: Filters, as_of: date) -> int:
    return _races(bind, filters, as_of).won


def races_lost(bind: Bind, filters: Filters, as_of: date) -> int:
    return _races(bind, filters, as_of).lost


def races_pending(bind: Bind, filters: Filters, as_of: date) -> int:
    return _races(bind, filters, as_of).pending


def races_withdrawn(bind: Bind, filters: Filters, as_of: date) -> int:
    return _races(bind, filters, as_of).withdrawn


def seats_flipped(bind: Bind, filters: Filters, as_of: date) -> int:
    return _races(bind, filters, as_of).flipped


def win_rate(bind: Bind, filters: Filters, as_of: date) -> float | None:
    return _races(bind, filters, as_of).win_rate


def _coverage(bind: Bind, filters: Filters, as_of: date) -> dict[str, int]:
    return coverage.coverage_totals(coverage.chamber_coverage(bind, filters, as_of))


def chambers(bind: Bind, filters: Filters, as_of: date) -> int:
    return _coverage(bind, filters, as_of)["chambers"]


def seats(bind: Bind, filters: Filters, as_of: date) -> int:
    return _coverage(bind, filters, as_of)["seats"]


def districts(bind: Bind, filters: Filters, as_of: date) -> int:
    return _coverage(bind, filters, as_of)["districts"]


def districts_targeted(bind: Bind, filters: Filters, as_of: date) -> int:
    return _coverage(bind, filters, as_of)["targeted"]


def targets_covered(bind: Bind, filters: Filters, as_of: date) -> int:
    return _coverage(bind, filters, as_of)["targets_covered"]


def targets_uncovered(bind: Bind, filters: Filters, as_of: date) -> int:
    totals = _coverage(bind, filters, as_of)
    return totals["targeted"] - totals["targets_covered"]


def districts_covered(bind: Bind, filters: Filters, as_of: date) -> int:
    return _coverage(bind, filters, as_of)["covered"]


def legislative_races_won(bind: Bind, filters: Filters, as_of: date) -> int:
    return _coverage(bind, filters, as_of)["won"]


def legislative_seats_flipped(bind: Bind, filters: Filters, as_of: date) -> int:
    return _coverage(bind, filters, as_of)["flipped"]


def _staffing(bind: Bind, filters: Filters, as_of: date) -> dict[str, int]:
    running = staffing.running_projects(bind, filters, as_of)
    suggestions = staffing.staffing_suggestions(bind, filters, as_of)
    return staffing.staffing_figures(running, suggestions)


def projects_understaffed(bind: Bind, filters: Filters, as_of: date) -> int:
    return _staffing(bind, filters, as_of)["projects_understaffed"]


def open_seats(bind: Bind, filters: Filters, as_of: date) -> int:
    return _staffing(bind, filters, as_of)["open_seats"]


def volunteers_suggested(bind: Bind, filters: Filters, as_of: date) -> int:
    return _staffing(bind, filters, as_of)["volunteers_suggested"]


def projects_without_match(bind: Bind, filters: Filters, as_of: date) -> int:
    return _staffing(bind, filters, as_of)["projects_without_match"]


def _metric_total(metric: str, bind: Bind, filters: Filters, as_of: date) -> float | None:
    totals = outcomes.metric_totals(outcomes.program_metrics(bind, filters, as_of))
    return totals.get(metric)


def texts_sent(bind: Bind, filters: Filters, as_of: date) -> float | None:
    return _metric_total("texts_sent", bind, filters, as_of)


def emails_sent(bind: Bind, filters: Filters, as_of: date) -> float | None:
    return _metric_total("emails_sent", bind, filters, as_of)


def ad_impressions(bind: Bind, filters: Filters, as_of: date) -> float | None:
    return _metric_total("ad_impressions", bind, filters, as_of)


def site_visits(bind: Bind, filters: Filters, as_of: date) -> float | None:
    return _metric_total("site_visits", bind, filters, as_of)


def voters_contacted(bind: Bind, filters: Filters, as_of: date) -> float | None:
    return _metric_total("voters_contacted", bind, filters, as_of)


def spend_usd(bind: Bind, filters: Filters, as_of: date) -> float | None:
    return _metric_total("spend_usd", bind, filters, as_of)


def cost_per_contact(bind: Bind, filters: Filters, as_of: date) -> float | None:
    return _metric_total("cost_per_contact", bind, filters, as_of)


def legislative_races(bind: Bind, filters: Filters, as_of: date) -> int:
    return _coverage(bind, filters, as_of)["races"]
