"""What pages derive from their queries (ui.d, ui.q, PageContext.get; tfc_dash/web/derived.py) is
cached like the queries: the same figures as deriving them on every run, and new ones as soon as
a sync writes new data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tests.builders import assignment, campaign, project, volunteer
from tfc_dash.figures import queries
from tfc_dash.store import database
from tfc_dash.web import spec_cache

PAGE = "pages/volunteers.py"


def shown(at) -> list:
    return [(m.label, m.value) for m in at.metric] + [
        chart.proto.spec for chart in at.get("vega_lite_chart")
    ]


def tables(volunteers: int) -> dict[str, list[dict]]:
    return {
        "campaigns": [campaign("C1", state="PA")],
        "projects": [project("P1", "C1", start="2018-08-01", needed=6)],
        "volunteers": [volunteer(f"V{i}", signed="2018-02-01") for i in range(volunteers)],
        "assignments": [assignment("P1", "V0", "2018-08-01")],
    }


def test_derived_figures_follow_a_sync(run_app, make_store):
    spec_cache.clear()
    url = make_store(**tables(3))
    at = run_app(page=PAGE, url=url)
    assert not at.exception
    before = shown(at)
    at.run()
    assert shown(at) == before  # a rerun: from the caches
    engine = database.make_engine(url)  # a sync writes more volunteers
    frames = {name: pd.DataFrame(rows) for name, rows in tables(7).items()}
    database.replace_dataset(engine, frames, source="test", meta={}, figures=queries.run_figures)
    engine.dispose()
    at.run()
    assert not at.exception
    after = shown(at)
    assert after != before
    st.cache_data.clear()  # what a server that never saw the old data shows
    spec_cache.clear()
    assert shown(run_app(page=PAGE, url=url)) == after
