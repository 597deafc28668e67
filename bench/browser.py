"""Time each page view in headless Chromium against a real ``streamlit run``, and the server's
memory with 10 sessions open.

``python -m bench.browser DB_URL RUNS VIEWS_JSON``, where VIEWS_JSON lists each view's name, URL
path, query and the charts and images its AppTest run drew; prints one JSON line.

For each view: a first visit (it fills the server's caches for that view), then ``RUNS`` visits
timed from navigation until the script has finished and every chart and image has drawn; the
warm figures are their medians. Two kinds of navigation: opening the view's link (``page.goto``:
a new session, the frontend loaded again, as when someone opens a shared link) and clicking its
link in the sidebar from another page (the same session; not for a view with a query). Then 10
sessions are opened at once, one per browser context, spread over the views, and the server's
resident memory is read while they are all open.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

from bench.server import chromium, click_and_wait, open_and_wait, problems, streamlit_server

SESSIONS = 10


def measure(db_url: str, runs: int, views: list[dict]) -> dict:
    results = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        streamlit_server(db_url, Path(tmp) / "log") as server,
        chromium() as browser,
    ):
        context = browser.new_context(viewport={"width": 1400, "height": 1400})
        page = context.new_page()
        # The first session also starts the app's imports: not a page's figure.
        open_and_wait(page, f"{server.url}/", {})
        for view in views:
            url = server.url + view["url"]
            first = open_and_wait(page, url, view)
            times = [open_and_wait(page, url, view) for _ in range(runs)]
            found = problems(page)
            clicks = []
            if view.get("title"):
                other = next(v for v in views if v.get("title") and v is not view)
                for _ in range(runs):
                    click_and_wait(page, other)
                    clicks.append(click_and_wait(page, view))
                found += problems(page)
            results.append({
                "name": view["name"],
                "first_visit_s": round(first, 3),
                "warm_median_s": round(statistics.median(times), 3),
                "warm_max_s": round(max(times), 3),
                "click_median_s": round(statistics.median(clicks), 3) if clicks else None,
                "click_max_s": round(max(clicks), 3) if clicks else None,
                "problems": found,
            })  # fmt: skip
        context.close()
        idle = server.rss_mb()
        contexts = [browser.new_context(viewport={"width": 1400, "height": 1400})
                    for _ in range(SESSIONS)]  # fmt: skip
        pages = [c.new_page() for c in contexts]
        for i, tab in enumerate(pages):  # open them all before waiting on any
            view = views[i % len(views)]
            tab.goto(server.url + view["url"], wait_until="commit")
        for i, tab in enumerate(pages):
            view = views[i % len(views)]
            tab.wait_for_function(
                "() => document.querySelector('[data-testid=stApp]')"
                "?.getAttribute('data-test-script-state') === 'notRunning'"
                " && document.querySelector('[data-testid=stMain] h1')",
                timeout=120_000,
            )
        with_sessions = server.rss_mb()
        for c in contexts:
            c.close()
    return {
        "views": results,
        "rss_idle_mb": round(idle, 1),
        "rss_sessions_mb": round(with_sessions, 1),
        "sessions": SESSIONS,
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]))))
