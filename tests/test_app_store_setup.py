"""The app on a store that is missing or empty: it prepares the store itself (AppTest).

The browser test of a deploy from a clean copy is tests/test_browser_deploy.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dbtools import rows
from tests.fake_sheets import (
    gsheets_secrets,
    small_workbook,
    spreadsheet_from_rows,
)


@pytest.fixture
def sheet_secrets(fake_sheets, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setenv("TFC_SHEETS_API_URL", fake_sheets.url)
    return gsheets_secrets(fake_sheets)


def shown_text(at) -> str:
    return " ".join(el.value for kind in (at.error, at.info, at.warning) for el in kind)


def test_with_a_spreadsheet_a_new_store_gets_its_rows_and_never_the_demo(
    run_app, fake_sheets, sheet_secrets, tmp_path: Path
):
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    url = f"sqlite:///{tmp_path / 'tfc.db'}"
    at = run_app(url=url, secrets=sheet_secrets)
    assert not at.exception and not at.error
    assert at.title[0].value.startswith("Progress")
    assert "Demo data" not in shown_text(at)
    assert rows(url, "select source, status from sync_runs") == [("sheets", "ok")]
    assert rows(url, "select project_id from projects order by 1") == [("P1",), ("P2",)]
    assert len(fake_sheets.api_requests()) == 2


def test_a_failed_first_sync_says_what_to_fix_and_can_be_tried_again(
    run_app, fake_sheets, sheet_secrets, tmp_path: Path
):
    sheet = fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    sheet.shared_with = {"someone-else@example.org"}
    url = f"sqlite:///{tmp_path / 'tfc.db'}"
    at = run_app(url=url, secrets=sheet_secrets)
    assert not at.exception
    assert "first sync of the ops spreadsheet failed" in at.error[0].value
    assert "not shared" in at.error[0].value
    assert "[connections.gsheets]" in at.info[0].value
    assert "Demo data" not in shown_text(at) and not at.metric

    sheet.shared_with = None  # ops shares the sheet with the service account
    at.button(key="first_sync_retry").click().run()
    assert not at.exception and not at.error
    assert at.title[0].value.startswith("Progress")
    assert rows(url, "select status from sync_runs order by id") == [("failed",), ("ok",)]


def test_a_spreadsheet_without_rows_leaves_an_empty_store_that_says_so(
    run_app, fake_sheets, sheet_secrets, tmp_path: Path
):
    headers_only = {title: tab[:1] for title, tab in small_workbook().items()}
    fake_sheets.add(spreadsheet_from_rows(headers_only))
    at = run_app(url=f"sqlite:///{tmp_path / 'tfc.db'}", secrets=sheet_secrets)
    assert not at.exception
    assert "is empty" in at.error[0].value
    assert "Campaigns, Projects and Volunteers tabs" in at.info[0].value
    assert len(fake_sheets.api_requests()) == 2
    at.run()  # a rerun shows the same, without syncing again within the TTL
    assert "is empty" in at.error[0].value and len(fake_sheets.api_requests()) == 2


def test_an_empty_postgresql_database_gets_its_tables_and_the_demo(run_app, postgres_server):
    url = postgres_server.new_store_url()  # a schema with nothing in it, as a new database
    try:
        at = run_app(url=url)
        assert not at.exception and not at.error
        assert at.title[0].value.startswith("Progress")
        assert any("Demo data" in el.value for el in at.info)
        assert rows(url, "select source from sync_runs") == [("demo",)]
    finally:
        postgres_server.drop(url)
