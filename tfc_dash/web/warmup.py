"""Warming the query cache of the default views when the server starts.

The first visitor after a deploy would otherwise pay for every query of every page they open
(a few hundred milliseconds each at scale 10). Once the store is ready, the start-up thread of
:class:`tfc_dash.ingest.provision.Preparer` runs :func:`warm` (wired in
:func:`tfc_dash.web.store_cache.preparer`): it waits until the first page view has been drawn (it
does not compete with it for the CPU), then makes, through the same cache as the pages, the
queries of each page's default view: the latest cycle, every state and category, the default
as-of day, as a viewer with full access sees it. ``tests/test_warmup.py`` checks that the list
covers what the pages ask for.

Nothing here waits on it or depends on it: a query that fails is logged and the rest go on.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from tfc_dash.core import catalogue, clock
from tfc_dash.figures import (
    bottleneck,
    coverage,
    goals,
    outcomes,
    projects,
    queries,
    staffing,
    volunteering,
)
from tfc_dash.figures.filters import Filters
from tfc_dash.ingest import health
from tfc_dash.kit import fundraising_kit as kit

log = logging.getLogger(__name__)
Query = Callable[..., Any]  # query(fn, *args): fn(engine, *args) through the app's cache

FIRST_VIEW_WAIT_SECONDS = 10.0
# TFC_WARM_UP=0 turns it off: the tests do, so that no background thread reads a store while a
# test changes it (tests/test_warmup.py turns it on).
SWITCH = "TFC_WARM_UP"
first_view_done = threading.Event()  # set by the router once a page view has been drawn


def default_view_queries(query: Query) -> list[tuple[Callable[..., Any], tuple[Any, ...]]]:
    """The queries of the pages' default views, as (query function, arguments); reads the
    cycles and the as-of day through ``query``."""
    bounds = query(queries.as_of_bounds, clock.today())
    cycles = query(queries.cycles)
    query(queries.states_in_data)
    every = Filters()
    view = Filters(cycle=cycles[0]) if cycles else every
    as_of = bounds.default
    before = catalogue.change_since(as_of)
    people = volunteering.for_volunteers(view)
    found: list[tuple[Callable[..., Any], tuple[Any, ...]]] = [
        (queries.cycles_with_races, (None,)),
        # Progress
        (goals.goal_for, (goals.PROJECTS, view.cycle)),
        (queries.project_counts, (view, as_of)),
        (queries.project_counts, (view, before)),
        (queries.reach_counts, (view, as_of)),
        (queries.reach_counts, (view, before)),
        (queries.project_timeline, (view,)),
        (queries.cycle_end, (view,)),
        (goals.goal_for, (goals.VOLUNTEERS, view.cycle)),
        (bottleneck.funnel, (view, as_of)),
        (bottleneck.limiting_step, (view, as_of)),
        # Volunteers
        (volunteering.pool_weeks, (people, as_of)),
        (volunteering.placement_cohorts, (people, as_of)),
        (volunteering.assignment_completion, (people, as_of)),
        (volunteering.bad_rows, ()),
        (staffing.running_projects, (view, as_of)),
        (volunteering.pool_by, (every, as_of, "skills")),
        (volunteering.pool_by, (people, as_of, "skills")),
        (volunteering.pool_by, (people, as_of, "home_state")),
        # Staffing, Projects
        (staffing.staffing_suggestions, (view, as_of)),
        (projects.project_list, (view, as_of, (), (), "")),
        # States, national view
        (coverage.chamber_coverage, (view, as_of)),
        (coverage.district_problems, (view, as_of)),
        (coverage.program_by_state, (view, as_of)),
        # Outcomes, Fundraising kit, Data health
        (outcomes.supported_races, (view, as_of)),
        (outcomes.program_metrics, (view, as_of)),
        (kit.build_page_kit, (view, as_of)),
        (health.sync_runs, (50,)),
    ]
    if view.cycle is None:  # no cycle in the data: the pages show no goal
        found = [(fn, args) for fn, args in found if fn is not goals.goal_for]
    return found


def shutting_down() -> bool:
    """True once the server is stopping: its main thread is done (the interpreter is finishing)."""
    return not threading.main_thread().is_alive()


def warm(query: Query, wait: threading.Event | None = None) -> int:
    """Make the default views' queries through ``query`` (after the first page view, or after
    :data:`FIRST_VIEW_WAIT_SECONDS`); how many it made. Never raises. A query that fails is one
    line in the log, without a traceback (the page that asks for it shows the problem, and a
    server's log is read by deployers); it stops, silently, when the server is stopping."""
    if os.environ.get(SWITCH, "1") == "0":
        return 0
    (wait or first_view_done).wait(FIRST_VIEW_WAIT_SECONDS)
    try:
        planned = default_view_queries(query)
    except Exception as exc:
        if not shutting_down():
            log.warning("warming the caches: the store could not be read (%s)", _short(exc))
        return 0
    made = 0
    for fn, args in planned:
        if shutting_down():
            return made
        try:
            query(fn, *args)
            made += 1
        except Exception as exc:
            if shutting_down():
                return made
            log.warning("warming the caches: %s failed (%s)", fn.__name__, _short(exc))
    return made


def _short(exc: Exception) -> str:
    """The error's type and first line, for one line of the log."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first[:200]}" if first else type(exc).__name__
