"""Auto refresh: at most one sync per TTL across sessions and instances; failures are logged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.dbtools import scalar
from tests.fake_sheets import reader_for, small_workbook, spreadsheet_from_rows
from tests.threads import at_once
from tfc_dash.ingest import refresh
from tfc_dash.store import database

TTL = timedelta(minutes=10)
T0 = datetime(2018, 9, 14, 12, 0, tzinfo=UTC)


def test_the_lease_goes_to_exactly_one_of_many_contenders(empty_store):
    engines = [database.make_engine(empty_store) for _ in range(4)]  # four "app instances"
    contenders = list(range(16))

    def contend() -> bool:
        i = contenders.pop()
        return refresh.acquire_lease(engines[i % 4], TTL, T0, owner=f"o{i}")

    wins = at_once(16, contend)
    assert wins.count(True) == 1
    assert not refresh.acquire_lease(engines[0], TTL, T0 + TTL - timedelta(seconds=1))
    assert refresh.acquire_lease(engines[1], TTL, T0 + TTL + timedelta(seconds=1))


def test_any_number_of_sessions_cause_one_sync_per_ttl(fake_sheets, empty_store):
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    engine = database.make_engine(empty_store)
    now = [datetime.now(UTC)]
    refreshers = [refresh.AutoRefresher(clock=lambda: now[0]) for _ in range(3)]  # 3 processes
    reader = reader_for(fake_sheets)
    started = 0
    for _ in range(10):  # ten reruns in each of three instances
        for r in refreshers:
            started += r.maybe_start(engine, lambda: reader, TTL)
        for r in refreshers:
            r.wait(30)
    assert started == 1 and len(fake_sheets.api_requests()) == 2
    assert scalar(empty_store, "select count(*) from sync_runs where status='ok'") == 1

    # fresh data: nothing is due, even once the lease has expired
    now[0] += timedelta(minutes=5)
    assert not any(r.maybe_start(engine, lambda: reader, TTL) for r in refreshers)


def test_data_older_than_the_ttl_is_synced_again(fake_sheets, empty_store):
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    engine = database.make_engine(empty_store)
    reader = reader_for(fake_sheets)
    state = refresh.sync_state(engine)
    assert refresh.is_due(state, TTL, T0)
    r = refresh.AutoRefresher(clock=lambda: datetime.now(UTC))
    assert r.maybe_start(engine, lambda: reader, TTL)
    r.wait(30)
    synced = refresh.sync_state(engine).last_ok
    assert synced is not None
    assert not refresh.is_due(refresh.sync_state(engine), TTL, synced + TTL / 2)
    assert refresh.is_due(refresh.sync_state(engine), TTL, synced + TTL)


def test_a_failing_sheet_is_logged_and_tried_once_per_ttl(fake_sheets, empty_store):
    # the spreadsheet is not there: 404
    engine = database.make_engine(empty_store)
    now = [T0]
    r = refresh.AutoRefresher(clock=lambda: now[0])
    reader = reader_for(fake_sheets)
    assert r.maybe_start(engine, lambda: reader, TTL)
    r.wait(30)
    state = refresh.sync_state(engine)
    assert state.last_ok is None and "not shared with the service account" in state.failure
    assert "cannot find the spreadsheet" in r.last_error
    assert not r.maybe_start(engine, lambda: reader, TTL)  # the lease holds for the TTL
    now[0] = T0 + TTL + timedelta(seconds=1)
    assert r.maybe_start(engine, lambda: reader, TTL)
    r.wait(30)
    assert scalar(empty_store, "select count(*) from sync_runs where status='failed'") == 2


def test_an_unexpected_error_in_the_background_is_logged_not_lost(empty_store):
    engine = database.make_engine(empty_store)

    def broken():
        raise RuntimeError("boom")

    r = refresh.AutoRefresher()
    assert r.maybe_start(engine, broken, TTL)
    r.wait(30)
    assert "boom" in r.last_error
    assert "boom" in refresh.sync_state(engine).failure


@pytest.mark.parametrize(
    ("value", "minutes"), [(None, 10), ("", 10), ("5", 5), (2.5, 2.5), ("x", 10), (0, 10)]
)
def test_ttl_from_configuration(value, minutes):
    assert refresh.ttl_from(value) == timedelta(minutes=minutes)
