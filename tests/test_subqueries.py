"""Queries made inside a query (tfc_dash.subqueries): plain calls outside the app, and in the app
the same cache as the pages, at the same store version."""

from __future__ import annotations

import functools

from tfc_dash.figures import bottleneck, volunteering
from tfc_dash.figures.filters import Filters
from tfc_dash.store import database, subqueries


def test_a_subquery_is_a_plain_call_unless_routed(demo_db_url):
    engine = database.make_engine(demo_db_url)
    calls: list[str] = []

    def route(fn, *args):  # type: ignore[no-untyped-def]
        calls.append(fn.__name__)
        return fn(engine, *args)

    plain = bottleneck.limiting_step(engine, Filters(cycle=2018), bottleneck_day(engine))
    assert calls == []
    with subqueries.routed(route):
        routed = bottleneck.limiting_step(engine, Filters(cycle=2018), bottleneck_day(engine))
    assert {"project_timeline", "pool_weeks", "running_projects", "cycle_end"} <= set(calls)
    assert routed == plain
    engine.dispose()


def bottleneck_day(engine):  # type: ignore[no-untyped-def]
    from datetime import date

    from tfc_dash.figures import queries

    return queries.as_of_bounds(engine, date.today()).default


def test_what_limits_the_pace_shares_the_pages_cache(run_app, monkeypatch):
    at = run_app()  # Progress: what limits the pace reads the whole program's pool
    assert not at.exception
    calls: list[tuple] = []
    original = volunteering.pool_weeks

    @functools.wraps(original)  # the cache finds a query by its module and name
    def counted(bind, filters, as_of):  # type: ignore[no-untyped-def]
        calls.append((filters, as_of))
        return original(bind, filters, as_of)

    monkeypatch.setattr(volunteering, "pool_weeks", counted)
    at.switch_page("pages/volunteers.py")  # the same pool, for every volunteer
    at.run()
    assert not at.exception
    assert (Filters(), at.session_state["as_of"]) not in calls
