"""Time a page view under AppTest: its cold first run in a fresh process, then warm reruns.

Run in a fresh interpreter so that "cold" includes the app's first imports and empty caches:
``python -m bench.apptest_timing DB_URL PAGE_FILE RUNS [QUERY_JSON]``; prints one JSON line.

The page is opened directly, as a link to it opens it on a new server: the router (app.py) and
that page run, and nothing else (AppTest is imported, and its component scan done, before the
clock starts: a server does both when it starts). Warm reruns are
the same session rerunning with every cache filled, as when a widget changes.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


@contextmanager
def navigation_shim() -> Iterator[None]:
    """Same shim as tests/conftest.py (``navigation_app``): AppTest would otherwise rerun pages/
    files without app.py."""
    from streamlit.runtime.pages_manager import PagesManager

    from tfc_dash.web import ui

    original = PagesManager.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        ui.forget_pages_folder()

    PagesManager.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        PagesManager.__init__ = original  # type: ignore[method-assign]


def open_page(  # type: ignore[no-untyped-def]
    db_url: str, page: str | None, query: dict | None = None, script: Path | None = None
):
    """An AppTest of the app (or ``script``) that opens ``page`` (its default page when None)
    directly on its first run, as a link does, against the store at ``db_url``; its first run
    not yet made."""
    os.environ["TFC_DATABASE_URL"] = db_url
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script or ROOT / "app.py"), default_timeout=120)
    # AppTest scans the installed packages for Streamlit components on its first run (about
    # 0.2 s); a server does that once when it starts, before any page. Done before the clock.
    from streamlit.components.v2.component_manager import BidiComponentManager

    components = BidiComponentManager()
    components.discover_and_register_components(start_file_watching=False)
    at._bidi_component_manager = components
    if query:
        at.query_params.update(query)
    # Before the first run switch_page names the page by its file, which is the address
    # st.navigation gives it: the first run is the router and this page.
    if page is not None:
        at.switch_page(page)
    return at


def measure(db_url: str, page: str, runs: int, query: dict | None = None) -> dict:
    with navigation_shim():
        return _measure(db_url, page, runs, query)


def _measure(db_url: str, page: str, runs: int, query: dict | None) -> dict:
    at = open_page(db_url, page, query)
    began = time.perf_counter()
    at.run()
    cold = time.perf_counter() - began
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    title = at.title[0].value if at.title else ""
    warm: list[float] = []
    for _ in range(runs):
        began = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - began)
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    from bench.chart_sizes import chart_sizes

    sizes = chart_sizes(at)
    return {
        "page": page,
        "heading": title,
        "cold_s": round(cold, 3),
        "warm_median_ms": round(statistics.median(warm) * 1000, 1),
        "warm_p95_ms": round(percentile(warm, 0.95) * 1000, 1),
        "runs": runs,
        "charts": len(sizes),
        "images": len(at.get("image")),
        "chart_bytes": sizes,
        "max_chart_bytes": max(sizes, default=0),
        "errors": [e.value for e in at.error],
    }


if __name__ == "__main__":
    url, page_arg, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    link = json.loads(sys.argv[4]) if len(sys.argv) > 4 else None
    print(json.dumps(measure(url, page_arg, count, link)))
