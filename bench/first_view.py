"""The first view after a server start: what the first visitor after a deploy waits for.

``python -m bench.first_view DB_URL REPS``; prints one JSON line.

For each page view, ``REPS`` times: ``streamlit run app.py`` is started, and as soon as it
answers ``/_stcore/health`` a websocket session (bench/wsclient.py) opens the view's link; timed
from opening the socket to ``script_finished`` (the app's imports, its empty caches, that page).
A second session then opens the same link (the same view, warm), for contrast. Medians, with the
time from starting the process to the health check answering.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 1.0


def _open(url: str, link: str) -> tuple[float | None, list[str]]:
    from bench.wsclient import Session
    from bench.wsload import run

    async def go():  # type: ignore[no-untyped-def]
        session = Session(url, 120)
        try:
            return await session.open(link)
        finally:
            await session.close()

    view = run(go)
    return view.seconds, [*view.errors, *([view.problem] if view.problem else [])]


def measure(db_url: str, reps: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from bench.server import streamlit_server
    from bench.views import busiest_project, page_views

    rows = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for view in page_views(busiest_project(db_url)):
            starts, firsts, seconds = [], [], []
            for _ in range(reps):
                began = time.perf_counter()
                with streamlit_server(db_url, Path(tmp) / "streamlit.log") as server:
                    starts.append(time.perf_counter() - began)
                    first, found = _open(server.url, view.url(""))
                    second, more = _open(server.url, view.url(""))
                problems += [f"{view.name}: {p}" for p in found + more]
                firsts.append(first)
                seconds.append(second)
            done = [f for f in firsts if f is not None]
            rows.append({
                "name": view.name,
                "server_start_s": round(statistics.median(starts), 3),
                "first_view_s": round(statistics.median(done), 3) if done else None,
                "second_view_s": round(statistics.median(s for s in seconds if s), 3)
                if any(seconds) else None,
                "ok": bool(done) and statistics.median(done) <= TARGET_S,
            })  # fmt: skip
    return {"benchmark": "first_view", "reps": reps, "views": rows, "problems": problems[:20]}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]))))
