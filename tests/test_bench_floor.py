"""Each page view's floor (bench/floor.py, bench/floor_app.py) draws what its page draws.

The floor is the bare Streamlit app that `make bench` times each page against: if it drew less
than the page (a table, a chart, a widget left out), the page would look slower than it is. So
for every page view, an AppTest run of the page and an AppTest run of its floor must draw the
same number of elements of each kind, blocks included.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import floor
from bench.apptest_timing import navigation_shim, open_page
from bench.views import busiest_project, page_views

FLOOR_APP = Path(__file__).resolve().parent.parent / "bench" / "floor_app.py"
VIEW_NAMES = [v.name for v in page_views("P1")]


@pytest.fixture(scope="module")
def captured(demo_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Every page view of the demo store, run once under AppTest, and its floor saved."""
    views = page_views(busiest_project(demo_db_url))
    captures = floor.capture_views(demo_db_url, views)
    saved = floor.save(captures, tmp_path_factory.mktemp("floor"))
    return {"views": {v.name: v for v in views}, "captures": captures, "saved": saved}


def run_floor(saved: Path, view, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TFC_FLOOR", str(saved))
    monkeypatch.setenv("TFC_FLOOR_PAGE", view.path or "progress")
    with navigation_shim(), floor.recording() as take:
        at = open_page("sqlite://", None, view.query, script=FLOOR_APP)
        at.run()
        assert not at.exception, at.exception[0].value
        sent = take(view.name, view.query)
    return floor.element_kinds([ForwardMsg.FromString(m) for m in sent.messages])


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_each_floor_draws_the_same_elements_as_its_page(captured, name, monkeypatch):
    view = captured["views"][name]
    capture = next(c for c in captured["captures"] if c.name == name)
    page_kinds = floor.element_kinds([ForwardMsg.FromString(m) for m in capture.messages])
    assert page_kinds["block:column"] and page_kinds["multiselect"]  # the sidebar, the layout
    assert run_floor(captured["saved"], view, monkeypatch) == page_kinds


def test_the_floor_draws_the_very_chart_specs_the_page_sent(captured):
    loaded = floor.load(str(captured["saved"]))
    progress = next(v for v in loaded.views if v.name == "progress")
    charts = [op for op in progress.page if op.method == "vega_lite_chart"]
    assert len(charts) == 4  # the burn-up, the funnel, by category and by state
    for op in charts:
        _data, spec = op.args
        assert spec["datasets"] and all(len(frame) for frame in spec["datasets"].values())


def test_an_element_the_floor_cannot_draw_is_an_error_that_names_it():
    msg = ForwardMsg()
    msg.metadata.delta_path[:] = [0, 0]
    msg.delta.new_element.balloons.show = True
    with pytest.raises(floor.FloorError, match="balloons element"):
        floor._ops([((0, 0), msg.delta)], {})


def test_an_element_written_over_counts_once():
    first, second = ForwardMsg(), ForwardMsg()
    for msg, body in ((first, "loading"), (second, "done")):
        msg.metadata.delta_path[:] = [0, 3]
        msg.delta.new_element.markdown.body = body
    assert floor.element_kinds([first, second]) == Counter({"markdown": 1})
