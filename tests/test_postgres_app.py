"""The app on a PostgreSQL store: every page runs and shows the same figures as on SQLite."""

from __future__ import annotations

import pytest

PAGES = [
    ("pages/progress.py", {}),
    ("pages/volunteers.py", {}),
    ("pages/staffing.py", {}),
    ("pages/projects.py", {}),
    ("pages/projects.py", {"project": "P2018-00100"}),
    ("pages/states.py", {}),
    ("pages/states.py", {"state": "VA", "chamber": "lower"}),
    ("pages/outcomes.py", {}),
    ("pages/fundraising_kit.py", {}),
    ("pages/data_health.py", {}),
    ("pages/history.py", {}),
]


def shown(at) -> dict[str, object]:
    """What a reader sees of a page's figures: scorecards, table sizes, chart rows."""
    return {
        "metrics": [(m.label, m.value) for m in at.metric if m.label != "Sync duration"],
        "tables": [len(df.value) for df in at.dataframe],
        "charts": [len(c.proto.datasets) for c in at.get("vega_lite_chart")],
        "code": [c.value for c in at.code],  # the kit's headline
        "errors": [e.value for e in at.error],
    }


@pytest.mark.parametrize(("page", "query"), PAGES, ids=lambda p: str(p))
def test_each_page_on_postgresql_shows_what_it_shows_on_sqlite(
    run_app, postgresql_demo_engine, demo_db_url, page, query
):
    url = postgresql_demo_engine.url.render_as_string(hide_password=False)
    on_postgres = run_app(page=page, query=query, url=url)
    assert not on_postgres.exception, on_postgres.exception
    assert not on_postgres.error
    on_sqlite = run_app(page=page, query=query, url=demo_db_url)
    assert shown(on_postgres) == shown(on_sqlite)
    figures = shown(on_postgres)
    assert figures["metrics"] or figures["charts"] or figures["code"]
