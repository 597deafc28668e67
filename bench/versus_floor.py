"""Each page view against its floor, side by side in one run: in the browser and on the server.

``python -m bench.versus_floor DB_URL REPS [--no-browser] [--save DIR]``; prints one JSON line.

The floors are taken from this run's own AppTest runs of the pages (bench/floor.py) and served
by ``streamlit run bench/floor_app.py`` beside ``streamlit run app.py``, both from the
repository's root (the same .streamlit/config.toml). After a first visit of every view on both
(the caches filled), ``REPS`` rounds, each view in turn, the real app and its floor alternating
(which goes first alternates too):

- server, new session: a websocket session opens the view's link (bench/wsclient.py), from
  opening the socket to ``script_finished``; server, rerun: the same session runs it again;
- browser, new session: a new Chromium context (nothing cached) opens the link, until the script
  has finished, the title is up and every chart and image has drawn; browser, reload: the same
  tab reloads.

Medians of the rounds, and each figure over its floor (ratio and difference).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.10
METRICS = ("server_link", "server_rerun", "browser_link", "browser_reload")


def described(floor_view) -> dict:  # type: ignore[no-untyped-def]
    """What the browser waits for on a view: its title, charts and images."""
    title = next((op.args[0] for op in floor_view.page if op.method == "title"), "")
    return {
        "heading": title,
        "charts": floor_view.kinds["vega_lite_chart"],
        "images": floor_view.kinds["imgs"],
    }


def _server_pair(url: str, link: str, timeout: float = 120) -> tuple[float, float, list[str]]:
    """Seconds to open ``link`` in a new websocket session, then to rerun it; problems seen."""
    from bench.wsclient import Session
    from bench.wsload import run

    async def go() -> tuple[float, float, list[str]]:
        session = Session(url, timeout)
        try:
            opened = await session.open(link)
            rerun = await session.rerun()
        finally:
            await session.close()
        problems = [*opened.errors, *rerun.errors, opened.problem, rerun.problem]
        return opened.seconds or float("nan"), rerun.seconds or float("nan"), [
            p for p in problems if p]  # fmt: skip

    return run(go)


def _browser_pair(browser, url: str, view: dict) -> tuple[float, float, list[str]]:  # type: ignore[no-untyped-def]
    """Seconds for a new browser session (context) to open ``url``, then for a reload."""
    from bench.server import READY_JS, problems, ready_args

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        began = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=120_000)
        page.wait_for_function(READY_JS, arg=ready_args(view), timeout=120_000, polling="raf")
        link = time.perf_counter() - began
        began = time.perf_counter()
        page.reload(wait_until="commit", timeout=120_000)
        page.wait_for_function(READY_JS, arg=ready_args(view), timeout=120_000, polling="raf")
        reload = time.perf_counter() - began
        return link, reload, problems(page)
    finally:
        context.close()


def _median(values: list[float]) -> float | None:
    values = [v for v in values if v == v]  # without the NaNs of runs that failed
    return round(statistics.median(values), 4) if values else None


def measure(db_url: str, reps: int, browser_too: bool = True, save: Path | None = None) -> dict:
    sys.path.insert(0, str(ROOT))
    from bench import floor
    from bench.gate import Gate
    from bench.server import chromium, streamlit_server
    from bench.views import busiest_project, page_views

    gate = Gate(enforce=False)
    views = page_views(busiest_project(db_url))
    captures = floor.capture_views(db_url, views)
    times: dict[tuple[str, str, str], list[float]] = {}
    seen: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        saved = floor.save(captures, save or Path(tmp))
        floors = {v.name: described(v) for v in floor.load(str(saved)).views}
        apps = {
            "page": stack.enter_context(streamlit_server(db_url, Path(tmp) / "real.log")),
            "floor": stack.enter_context(streamlit_server(
                db_url, Path(tmp) / "floor.log", {"TFC_FLOOR": str(saved)},
                script=ROOT / "bench" / "floor_app.py")),
        }  # fmt: skip
        browser = stack.enter_context(chromium()) if browser_too else None
        for view in views:  # first visits: the caches filled, the frontend fetched
            for server in apps.values():
                _server_pair(server.url, view.url(""))
                if browser is not None:
                    _browser_pair(browser, view.url(server.url), floors[view.name])
        for rep in range(reps):
            for view in views:
                order = list(apps.items())
                if rep % 2:
                    order.reverse()
                for which, server in order:
                    link, rerun, problems = _server_pair(server.url, view.url(""))
                    found = {"server_link": link, "server_rerun": rerun}
                    if browser is not None:
                        b_link, b_reload, b_problems = _browser_pair(
                            browser, view.url(server.url), floors[view.name]
                        )
                        found |= {"browser_link": b_link, "browser_reload": b_reload}
                        problems += b_problems
                    for metric, seconds in found.items():
                        times.setdefault((view.name, which, metric), []).append(seconds)
                    seen += [f"{view.name} ({which}): {p}" for p in problems]
    rows = []
    for view in views:
        row: dict = {"name": view.name, "url": view.url("")}
        for metric in METRICS:
            page = _median(times.get((view.name, "page", metric), []))
            bare_ = _median(times.get((view.name, "floor", metric), []))
            row[metric] = {
                "page_s": page,
                "floor_s": bare_,
                "ratio": round(page / bare_, 3) if page and bare_ else None,
                "over_ms": round((page - bare_) * 1000, 1) if page and bare_ else None,
            }
        rows.append(row)
    return {
        "benchmark": "versus_floor",
        "reps": reps,
        "browser": browser_too,
        "views": rows,
        "problems": seen[:20],
        "load_average": gate.reading(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.versus_floor")
    parser.add_argument("db_url")
    parser.add_argument("reps", type=int)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--save", type=Path, help="keep the captured floors in this folder")
    args = parser.parse_args()
    print(json.dumps(measure(args.db_url, args.reps, not args.no_browser, args.save)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
