"""Time a page under AppTest: the cold first run in a fresh process, then warm reruns.

Run as a script in a fresh interpreter so that "cold" includes the page's first imports and
empty caches: ``python -m bench.apptest_timing DB_URL PAGE RUNS [QUERY_JSON]``; prints one JSON
line, with the size of the page's largest chart.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(db_url: str, page: str | None, runs: int, query: dict | None = None) -> dict:
    os.environ["TFC_DATABASE_URL"] = db_url
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    # Same shim as tests/conftest.py: AppTest would otherwise rerun pages/ files without app.py.
    original = PagesManager.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init  # type: ignore[method-assign]

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if query:
        at.query_params.update(query)
    began = time.perf_counter()
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    cold = time.perf_counter() - began
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    warm: list[float] = []
    for _ in range(runs):
        began = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - began)
    warm.sort()
    from bench.chart_sizes import chart_sizes

    return {
        "page": page or "app.py",
        "cold_s": round(cold, 3),
        "warm_median_ms": round(statistics.median(warm) * 1000, 1),
        "warm_p95_ms": round(warm[max(0, int(len(warm) * 0.95) - 1)] * 1000, 1),
        "runs": runs,
        "max_chart_bytes": max(chart_sizes(at), default=0),
    }


if __name__ == "__main__":
    url, page_arg, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    link = json.loads(sys.argv[4]) if len(sys.argv) > 4 else None
    print(json.dumps(measure(url, None if page_arg == "-" else page_arg, count, link)))
