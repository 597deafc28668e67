"""Several people at once while the app syncs: no errors, one sync (a small `make bench --load`).

Four browser sessions open the dashboard on a demo store that has never been synced, with a
spreadsheet configured (the fake Sheets API, slowed down so the sync is still running while they
move through the pages). Every page must load without an exception or an error message, and the
app must start exactly one sync, in two requests to the Sheets API.
"""

from __future__ import annotations

import pytest

from bench import load
from tests.browser_helpers import chromium_or_skip

pytestmark = pytest.mark.browser

VIEWS = [
    {"name": "progress", "url": "/", "title": "Progress", "heading": "Progress toward",
     "charts": 3},
    {"name": "outcomes", "url": "/outcomes", "title": "Outcomes", "heading": "Outcomes"},
    {"name": "states (VA House)", "url": "/states?state=VA&chamber=lower",
     "heading": "Virginia"},
    {"name": "data health", "url": "/data_health", "title": "Data health",
     "heading": "Data health"},
]  # fmt: skip


def test_sessions_moving_through_the_pages_while_a_sync_runs():
    chromium_or_skip()  # as the browser fixture does (this test drives its own browser)
    result = load.measure(scale=1, sessions=4, rounds=1, views=VIEWS, sheet_delay=4.0)
    assert result["error_samples"] == [] and result["errors"] == 0
    assert result["page_loads"] == 4 * len(VIEWS)
    assert result["tracebacks_in_server_log"] == 0
    assert result["syncs_started"] == 1 and result["sync_status"] == ["ok"]
    assert result["sheets_api_requests"] == 2
    assert result["loads_during_sync"] >= 1  # the sessions really were reading meanwhile
