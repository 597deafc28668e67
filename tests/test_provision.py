"""A missing or empty store prepares itself: tables, then the first sync (or the demo), once."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from tests.dbtools import rows, scalar
from tests.fake_sheets import reader_for, small_workbook, spreadsheet_from_rows
from tests.threads import at_once
from tfc_dash.ingest import provision, refresh, sheets
from tfc_dash.ingest.provision import Outcome
from tfc_dash.store import database, migrate

TTL = timedelta(minutes=10)
T = TypeVar("T")


def sync_runs(url: str) -> list[tuple[str, str]]:
    return rows(url, "select source, status from sync_runs order by id")


def test_a_new_store_is_created_at_the_newest_schema_and_seeded_with_the_demo(new_store_url):
    url = new_store_url()  # SQLite: no file; PostgreSQL: a schema with no table in it
    engine = database.make_engine(url)
    said: list[str] = []
    result = provision.prepare_store(engine, None, progress=said.append)
    assert result.outcome is Outcome.SEEDED and result.ready
    assert result.status.is_demo and result.status.projects > 400
    assert scalar(url, "select version_num from alembic_version") == migrate.head()
    assert any("Creating the store's tables" in m for m in said)
    assert any("demo data" in m for m in said)
    version = database.store_version(engine)

    again = provision.prepare_store(engine, None, progress=said.append)
    assert again.outcome is Outcome.READY
    assert database.store_version(engine) == version  # nothing rewritten
    assert sync_runs(url) == [("demo", "ok")]


def test_with_a_spreadsheet_the_first_sync_fills_it_and_never_the_demo(fake_sheets, new_store_url):
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    reader = reader_for(fake_sheets)
    url = new_store_url()
    said: list[str] = []
    result = provision.prepare_store(
        database.make_engine(url), lambda: reader, progress=said.append
    )
    assert result.outcome is Outcome.SYNCED and result.report is not None
    assert not result.status.is_demo and result.status.projects == 2
    assert sync_runs(url) == [("sheets", "ok")]
    assert len(fake_sheets.api_requests()) == 2
    assert any("Reading the spreadsheet" in m for m in said)  # the sync's own progress


def test_a_store_that_holds_other_rows_is_not_written_over(make_store):
    district = {"state": "VA", "chamber": "lower", "district": "13", "winnability": 60.0}
    url = make_store(districts=[district])
    result = provision.prepare_store(database.make_engine(url), None)
    assert result.outcome is Outcome.EMPTY and not result.ready
    assert scalar(url, "select count(*) from districts") == 1
    assert scalar(url, "select count(*) from sync_runs where source = 'demo'") == 0


def test_a_failed_first_sync_is_an_outcome_tried_again_once_per_ttl(fake_sheets, empty_store):
    # The spreadsheet is not shared with the service account.
    sheet = fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    sheet.shared_with = {"someone-else@example.org"}
    reader = reader_for(fake_sheets)
    engine = database.make_engine(empty_store)
    now = [datetime.now(UTC)]
    first = provision.prepare_store(engine, lambda: reader, ttl=TTL, clock=lambda: now[0])
    assert first.outcome is Outcome.SYNC_FAILED and "not shared" in (first.problem or "")
    requests = len(fake_sheets.api_requests())

    # A reload within the TTL: the recorded failure, without asking Google again.
    now[0] += timedelta(minutes=1)
    again = provision.prepare_store(engine, lambda: reader, ttl=TTL, clock=lambda: now[0])
    assert (
        again.outcome is Outcome.SYNC_FAILED and again.problem == refresh.sync_state(engine).failure
    )
    assert len(fake_sheets.api_requests()) == requests

    # Fixed, and the TTL over: the next preparation syncs.
    sheet.shared_with = None
    now[0] += TTL
    fixed = provision.prepare_store(engine, lambda: reader, ttl=TTL, clock=lambda: now[0])
    assert fixed.outcome is Outcome.SYNCED and fixed.status.projects == 2


def test_incomplete_secrets_fail_before_any_request_or_lease(fake_sheets, empty_store):
    def reader() -> sheets.SheetsReader:
        return sheets.SheetsReader(sheets.settings_from_secrets({"spreadsheet": "x" * 44}))

    result = provision.prepare_store(database.make_engine(empty_store), reader)
    assert result.outcome is Outcome.SYNC_FAILED
    assert "lacks the service account's" in (result.problem or "")
    assert fake_sheets.api_requests() == []
    assert scalar(empty_store, "select count(*) from store_meta where key = 'sync_lease'") == 0


def instance(url: str, reader: provision.ReaderFactory | None, **options: Any):
    """An app instance preparing the store, with an engine of its own."""
    engine = database.make_engine(url)
    try:
        return provision.prepare_store(engine, reader, **options)
    finally:
        engine.dispose()


def test_instances_preparing_at_once_sync_once(fake_sheets, new_store_url):
    """Three app instances start on one empty store: one sync, the others wait for it."""
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    fake_sheets.fail("slow", match="values:batchGet", seconds=1.5)
    reader = reader_for(fake_sheets)
    url = new_store_url()
    said: list[str] = []
    results = at_once(3, lambda: instance(url, lambda: reader, ttl=TTL, progress=said.append,
                                          sleep=lambda _s: time.sleep(0.05)))  # fmt: skip
    assert [getattr(r, "outcome", r) for r in results] == [Outcome.SYNCED] * 3
    assert sync_runs(url) == [("sheets", "ok")]
    assert len(fake_sheets.api_requests()) == 2
    assert any("Another instance" in m for m in said)


def test_a_store_locked_by_another_instance_is_waited_for(new_store_url, monkeypatch):
    """SQLite says "locked" at once when another instance is writing: prepare waits, then
    starts again, instead of failing the app."""
    url = new_store_url()
    real = database.check_store
    calls = {"n": 0}

    def locked_twice(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise database.StoreBusy("The SQLite store is busy: database is locked.")
        return real(*args, **kwargs)

    monkeypatch.setattr(database, "check_store", locked_twice)
    said: list[str] = []
    waits: list[float] = []
    result = instance(url, None, progress=said.append, sleep=waits.append)
    assert result.outcome is Outcome.SEEDED
    assert len(waits) == 2 and any("busy" in m for m in said)


def test_instances_seeding_at_once_seed_once(new_store_url):
    url = new_store_url()
    database.init_schema(database.make_engine(url))
    results = at_once(3, lambda: instance(url, None))
    assert sorted(str(getattr(r, "outcome", r)) for r in results) == [
        "Outcome.READY", "Outcome.READY", "Outcome.SEEDED",
    ]  # fmt: skip
    assert sync_runs(url) == [("demo", "ok")]


def test_the_preparer_runs_once_however_many_sessions_begin(tmp_path):
    url = f"sqlite:///{tmp_path / 'tfc.db'}"
    preparer = provision.Preparer(database.make_engine(url))
    runs = at_once(8, lambda: preparer.begin(None))
    assert len({id(r) for r in runs}) == 1 and preparer.runs == 1
    run = runs[0]
    assert run.done.wait(60) and run.error is None
    assert run.result is not None and run.result.outcome is Outcome.SEEDED
    assert run.messages[0].startswith("Creating the store's tables")
    assert preparer.begin(None) is run  # over, and not asked again

    preparer.engine.dispose()
    for path in tmp_path.glob("tfc.db*"):
        path.unlink()  # the store is gone: a session asks again
    again = preparer.begin(None, again=True)
    assert again is not run and again.done.wait(60)
    assert again.result is not None and again.result.outcome is Outcome.SEEDED
    assert preparer.runs == 2


def test_the_preparer_reports_a_store_it_cannot_use(newer_store_url):
    preparer = provision.Preparer(database.make_engine(newer_store_url))
    ready: list[str] = []
    preparer.after_ready.append(lambda engine: ready.append("warm"))
    run = preparer.begin(None)
    assert run.done.wait(30)
    assert run.result is None and run.error is not None
    assert "newer" in run.error.message
    assert ready == []  # later start-up work waits for a usable store


def test_the_preparer_reports_a_store_address_it_cannot_read():
    def wrong_address():
        return database.make_engine(database.parse_url("postgresql+psycopg:/u:secret@127.0.0.1/x"))

    run = provision.Preparer(wrong_address).begin(None)
    assert run.done.wait(30), "a wrong address must end the run, not leave sessions waiting"
    assert run.result is None and run.error is not None
    assert "not a database URL" in run.error.message and "secret" not in run.error.message


def test_start_up_work_runs_after_the_store_is_ready(tmp_path):
    preparer = provision.Preparer(database.make_engine(f"sqlite:///{tmp_path / 'tfc.db'}"))
    warmed = threading.Event()
    preparer.after_ready.append(lambda engine: warmed.set())
    preparer.after_ready.insert(0, lambda engine: 1 / 0)  # a failing step stops no other
    run = preparer.begin(None)
    assert run.done.wait(60) and run.result is not None and run.result.ready
    assert warmed.wait(10)


@pytest.fixture
def newer_store_url(empty_store: str) -> str:
    import sqlalchemy as sa

    engine = database.make_engine(empty_store)
    with engine.begin() as conn:
        conn.execute(sa.text("update alembic_version set version_num = '9999'"))
    engine.dispose()
    return empty_store
