"""The background sync runs in a child process: the server's sessions do not wait on its
parsing (tfc_dash.ingest.refresh.run_sync_in_subprocess)."""

from __future__ import annotations

import pytest

from tests.fake_sheets import reader_for, small_workbook, spreadsheet_from_rows
from tests.test_refresh import TTL
from tfc_dash.ingest import refresh, sync
from tfc_dash.store import database


def not_here(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise AssertionError("the background sync ran in the serving process")


def test_the_background_sync_runs_in_a_child_process(fake_sheets, empty_store, monkeypatch):
    monkeypatch.setenv(refresh.SUBPROCESS_SWITCH, "1")
    # The parent's sync code is broken on purpose: only a child process of its own can sync.
    monkeypatch.setattr(refresh, "sync_sheets", not_here)
    monkeypatch.setattr(sync, "sync_sheets", not_here)
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    engine = database.make_engine(empty_store)
    reader = reader_for(fake_sheets)
    r = refresh.AutoRefresher()
    assert r.maybe_start(engine, lambda: reader, TTL)
    r.wait(120)
    assert r.last_error is None, r.last_error
    assert r.last_report is not None and r.last_report.run_id is not None
    assert refresh.sync_state(engine).last_ok is not None
    assert database.check_store(engine).projects > 0
    engine.dispose()


def test_a_failing_sheet_fails_the_same_in_a_child_process(fake_sheets, empty_store, monkeypatch):
    monkeypatch.setenv(refresh.SUBPROCESS_SWITCH, "1")
    engine = database.make_engine(empty_store)  # the spreadsheet is not there: 404
    r = refresh.AutoRefresher()
    assert r.maybe_start(engine, lambda: reader_for(fake_sheets), TTL)
    r.wait(120)
    assert "cannot find the spreadsheet" in r.last_error
    assert "not shared with the service account" in refresh.sync_state(engine).failure
    engine.dispose()


@pytest.mark.parametrize("switch", ["0"])
def test_the_switch_keeps_it_in_the_server(fake_sheets, empty_store, monkeypatch, switch):
    monkeypatch.setenv(refresh.SUBPROCESS_SWITCH, switch)
    called: list[str] = []
    monkeypatch.setattr(
        refresh, "run_sync_in_subprocess", lambda *a: called.append("child") or (None, "x")
    )
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    engine = database.make_engine(empty_store)
    r = refresh.AutoRefresher()
    assert r.maybe_start(engine, lambda: reader_for(fake_sheets), TTL)
    r.wait(60)
    assert called == [] and r.last_error is None
    engine.dispose()
