"""The load generator without browsers (bench/wsload.py over bench/wsclient.py).

A few sessions speak Streamlit's websocket protocol to the real app while it syncs a spreadsheet
(the fake Sheets API, slowed so the sync is still running while they move on): every view must
finish without an error, and the app must start exactly one sync. And the generator must see
what goes wrong: an exception or an error message in a view is an error, a view that never
finishes is unfinished.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import wsload
from tests.app_server import start_app_server


def test_sessions_move_through_the_views_while_a_sync_runs():
    links = ["/", "/states?state=VA&chamber=lower", "/outcomes"]
    result = wsload.measure("sqlite", scale=1, sessions=3, views=4, think=(0.0, 0.2), ramp=0.5,
                            links=links, sheet_delay=3.0)  # fmt: skip
    assert result["error_samples"] == [] and result["errors"] == 0
    assert result["unfinished_samples"] == [] and result["unfinished"] == 0
    assert result["finished"] == result["views"] == 3 * 4
    assert set(result["by_kind"]) == {"link", "filter", "page"}
    assert result["tracebacks_in_server_log"] == 0
    sync = result["sync"]
    assert sync["runs"] == 1 and sync["status"] == ["ok"] and sync["sheets_api_requests"] == 2
    assert sync["during"]["n"] >= 1  # the sessions really were served meanwhile
    assert result["memory"]["sessions_held"] == 3
    assert result["load_average"]["before"]["cores"] >= 1


@pytest.fixture
def serve_script(tmp_path: Path):
    started = []

    def serve(source: str):  # type: ignore[no-untyped-def]
        script = tmp_path / "app.py"
        script.write_text(source)
        server = start_app_server("sqlite://", tmp_path / "streamlit.log", script=script)
        started.append(server)
        return server

    yield serve
    for server in started:
        server.stop()


def one_view(url: str, timeout: float) -> dict:
    plan = wsload.plans(1, ["/"], 1, (0.0, 0.0))
    return wsload.summarize(wsload.run(lambda: wsload.drive(url, plan, 0.0, timeout)))


def test_an_exception_or_an_error_message_in_a_view_is_an_error(serve_script):
    server = serve_script(
        "import streamlit as st\n"
        "st.title('Broken')\n"
        "st.error('The store cannot be read')\n"
        "raise ValueError('boom')\n"
    )
    summary = one_view(server.url, timeout=30)
    assert summary["finished"] == 1 and summary["errors"] == 2
    assert any("ValueError: boom" in e for e in summary["error_samples"])
    assert any("The store cannot be read" in e for e in summary["error_samples"])


def test_a_view_that_never_finishes_is_unfinished(serve_script):
    server = serve_script("import time\nimport streamlit as st\nst.title('Slow')\ntime.sleep(60)\n")
    summary = one_view(server.url, timeout=2)
    assert summary["finished"] == 0 and summary["unfinished"] == 1
    assert "no script_finished within 2 s" in summary["unfinished_samples"][0]
