"""The start-up warm-up (tfc_dash/web/warmup.py): once the store is ready and the first view drawn,
a background thread makes the default views' queries, so a deploy's first visitors find them
cached; it never blocks or breaks the app."""

from __future__ import annotations

import functools
import threading
import time

import pytest

from tfc_dash.figures import queries, volunteering
from tfc_dash.ingest import provision
from tfc_dash.store import database
from tfc_dash.web import store_cache as cache
from tfc_dash.web import warmup

DEFAULT_VIEWS = [
    "pages/progress.py",
    "pages/volunteers.py",
    "pages/staffing.py",
    "pages/projects.py",
    "pages/states.py",
    "pages/outcomes.py",
    "pages/fundraising_kit.py",
    "pages/data_health.py",
]
# A sync run's own rows on Data health: which run is the latest one is read on the page.
NOT_WARMED = {"run_rows", "quarantine"}


def key(fn, args):  # type: ignore[no-untyped-def]
    return (fn.__module__, fn.__name__, args)


@pytest.fixture
def asked(monkeypatch):  # type: ignore[no-untyped-def]
    """Every query the app makes through its cache, as (module, name, arguments)."""
    found: list[tuple] = []
    original = cache.query

    def record(handle, fn, *args):  # type: ignore[no-untyped-def]
        found.append(key(fn, args))
        return original(handle, fn, *args)

    monkeypatch.setattr(cache, "query", record)
    return found


def warmed_queries(url: str) -> set[tuple]:
    engine = database.make_engine(url)
    made: set[tuple] = set()

    def query(fn, *args):  # type: ignore[no-untyped-def]
        made.add(key(fn, args))
        return fn(engine, *args)

    done = threading.Event()
    done.set()
    assert warmup.warm(query, wait=done) > 20
    engine.dispose()
    return made


@pytest.mark.parametrize("page", DEFAULT_VIEWS)
def test_the_warm_up_makes_every_query_of_a_default_view(run_app, asked, demo_db_url, page):
    monkeypatch_env = pytest.MonkeyPatch()
    monkeypatch_env.setenv(warmup.SWITCH, "1")
    try:
        warmed = warmed_queries(demo_db_url)
    finally:
        monkeypatch_env.undo()
    at = run_app(page=page)
    assert not at.exception
    missing = {k for k in asked if k not in warmed and k[1] not in NOT_WARMED}
    assert not missing, f"{page} asks for queries the warm-up does not make: {missing}"


def test_the_server_warms_the_default_views_after_the_first_view(run_app, monkeypatch):
    monkeypatch.setenv(warmup.SWITCH, "1")
    monkeypatch.setattr(warmup, "first_view_done", threading.Event())
    at = run_app()  # Progress: the store is ready, the first view drawn
    assert not at.exception
    assert warmup.first_view_done.is_set()
    for thread in threading.enumerate():
        if thread.name == "tfc-prepare-store":
            thread.join(60)
    # From now on a query the page makes runs its function only on a cache miss.
    misses: list[str] = []
    for module, name in ((volunteering, "pool_weeks"), (volunteering, "placement_cohorts"),
                         (queries, "project_counts")):  # fmt: skip
        original = getattr(module, name)

        @functools.wraps(original)  # the cache finds a query by its module and name
        def counted(*args, _original=original, _name=name):  # type: ignore[no-untyped-def]
            misses.append(_name)
            return _original(*args)

        monkeypatch.setattr(module, name, counted)
    at.switch_page("pages/volunteers.py")
    at.run()
    assert not at.exception
    assert misses == []


def test_the_warm_up_is_off_when_switched_off(monkeypatch):
    monkeypatch.setenv(warmup.SWITCH, "0")
    asked: list[str] = []
    assert warmup.warm(lambda fn, *args: asked.append(fn.__name__)) == 0
    assert asked == []


def test_the_warm_up_waits_for_the_first_view_and_never_raises(monkeypatch, demo_db_url, caplog):
    monkeypatch.setenv(warmup.SWITCH, "1")
    monkeypatch.setattr(warmup, "FIRST_VIEW_WAIT_SECONDS", 0.3)
    engine = database.make_engine(demo_db_url)
    made: list[str] = []

    def query(fn, *args):  # type: ignore[no-untyped-def]
        if fn is volunteering.pool_weeks:
            raise database.StoreError("gone")
        made.append(fn.__name__)
        return fn(engine, *args)

    not_yet = threading.Event()
    began = time.perf_counter()
    count = warmup.warm(query, wait=not_yet)  # no first view: it waits, then warms anyway
    assert time.perf_counter() - began >= 0.3
    assert "pool_weeks" not in made and "placement_cohorts" in made  # the rest went on
    assert count == len(made) - 3  # the bounds, cycles and states it reads first
    # the failure is one line in the server's log, without a traceback
    told = [r for r in caplog.records if r.name == warmup.__name__]
    assert [r.getMessage() for r in told] == [
        "warming the caches: pool_weeks failed (StoreError: gone)"
    ]
    assert all(r.exc_info is None for r in told)
    # A store it cannot read at all: nothing is made, nothing raised.
    assert warmup.warm(lambda fn, *args: 1 / 0, wait=threading.Event()) == 0
    engine.dispose()


def test_the_warm_up_stops_quietly_when_the_server_stops(monkeypatch, caplog):
    """A server stopped mid-way (its thread pools refuse new work): no more queries, no log."""
    monkeypatch.setenv(warmup.SWITCH, "1")
    stopping = threading.Event()
    monkeypatch.setattr(warmup, "shutting_down", stopping.is_set)
    asked: list[str] = []

    def query(fn, *args):  # type: ignore[no-untyped-def]
        asked.append(fn.__name__)
        stopping.set()
        raise RuntimeError("cannot schedule new futures after interpreter shutdown")

    plan = [(volunteering.pool_weeks, ()), (volunteering.placement_cohorts, ())]
    monkeypatch.setattr(warmup, "default_view_queries", lambda query: plan)
    assert warmup.warm(query, wait=threading.Event()) == 0
    assert asked == ["pool_weeks"]  # it stopped at the first failure after the stop
    assert not [r for r in caplog.records if r.name == warmup.__name__]


def test_a_slow_warm_up_does_not_hold_the_store_preparation(tmp_path, monkeypatch):
    monkeypatch.setenv(warmup.SWITCH, "1")
    release = threading.Event()
    preparer = provision.Preparer(
        database.make_engine(f"sqlite:///{tmp_path / 'tfc.db'}"),
        after_ready=[lambda engine: warmup.warm(lambda fn, *a: fn(engine, *a), wait=release)],
    )
    run = preparer.begin(None)
    assert run.done.wait(60) and run.result is not None and run.result.ready
    assert preparer.begin(None) is run  # sessions join it; the warm-up runs once
    release.set()
