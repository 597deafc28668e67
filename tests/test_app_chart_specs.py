"""Charts drawn from cached Vega-Lite specs (tfc_dash.web.spec_cache) are the very messages
``st.altair_chart`` sends, and show new data as soon as the store has it (after a sync)."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from tests.builders import campaign, project
from tfc_dash.figures import queries
from tfc_dash.store import database
from tfc_dash.web import spec_cache, ui

PAGES = [
    ("pages/progress.py", None),
    ("pages/volunteers.py", None),
    ("pages/staffing.py", None),
    ("pages/projects.py", None),
    ("pages/states.py", None),
    ("pages/states.py", {"state": "VA", "chamber": "lower"}),
    ("pages/outcomes.py", None),
    ("pages/history.py", None),
]


def chart_messages(at) -> list[tuple]:
    """Each chart's message: its spec, with its datasets' names (hashes of their Arrow bytes)
    numbered, every other field of the message, and its datasets' contents. (The same frame can
    have other Arrow bytes, in more or fewer chunks, once it went through the cache's pickling.)"""
    found = []
    for chart in at.get("vega_lite_chart"):
        proto = type(chart.proto)()
        proto.CopyFrom(chart.proto)
        names = {d.name: f"dataset{i}" for i, d in enumerate(proto.datasets)}
        frames = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in proto.datasets]
        spec = proto.spec
        for name, number in names.items():
            spec = spec.replace(name, number)
        proto.spec = ""
        del proto.datasets[:]
        shown = [repr((f.dtypes.to_dict(), f.to_dict("split"))) for f in frames]
        found.append((spec, proto.SerializeToString(), shown))
    return found


def uncached(build, *args, into=None, **options):  # type: ignore[no-untyped-def]
    """What the pages drew before the spec cache: the chart, made on every run."""
    return (into or st).altair_chart(build(*args), **options)


@pytest.mark.parametrize(("page", "query"), PAGES)
def test_a_cached_chart_is_the_message_st_altair_chart_sends(run_app, monkeypatch, page, query):
    spec_cache.clear()
    cached = run_app(page=page, query=query)
    assert not cached.exception
    first = chart_messages(cached)
    cached.run()  # a rerun: every spec from the cache now
    hits = spec_cache.stats["hits"]
    cached.run()
    assert spec_cache.stats["hits"] > hits
    assert chart_messages(cached) == first
    monkeypatch.setattr(ui, "chart", uncached)
    plain = run_app(page=page, query=query)
    assert not plain.exception
    assert first, "the page draws charts"
    assert chart_messages(plain) == first


def datasets(at) -> list[list[bytes]]:
    return [[d.data.data for d in chart.proto.datasets] for chart in at.get("vega_lite_chart")]


def test_new_data_after_a_sync_shows_in_the_charts_on_the_next_rerun(run_app, make_store):
    spec_cache.clear()
    url = make_store(
        campaigns=[campaign("C1", state="VA"), campaign("C2", state="PA", district="2")],
        projects=[project("P1", "C1", start="2018-08-01")],
    )
    at = run_app(url=url)
    before = datasets(at)
    # A sync writes new rows into the store the server is serving.
    engine = database.make_engine(url)
    frames = {
        "campaigns": pd.DataFrame(
            [campaign("C1", state="VA"), campaign("C2", state="PA", district="2")]
        ),
        "projects": pd.DataFrame(
            [
                project("P1", "C1", start="2018-08-01"),
                project("P2", "C2", start="2018-07-01", category="digital_ads"),
            ]
        ),
    }
    database.replace_dataset(engine, frames, source="test", meta={}, figures=queries.run_figures)
    engine.dispose()
    at.run()
    assert not at.exception
    after = datasets(at)
    assert next(m.value for m in at.metric if m.label == "Projects started") == "2 of 500"
    assert after != before
    # What a server that never saw the old data draws.
    spec_cache.clear()
    st.cache_data.clear()
    fresh = run_app(url=url)
    assert datasets(fresh) == after
