"""Load: concurrent browser sessions moving through the pages while the app syncs the sheet.

``python -m bench.load [--scale 10] [--sessions 20] [--rounds 1]``; prints one JSON line last.

A fresh demo store at ``--scale`` (it has never been synced from a spreadsheet, so a sync is due
at once), the same data served as a spreadsheet by the fake Sheets API (tests/fake_sheets.py),
and ``streamlit run`` configured with a ``[connections.gsheets]`` secrets file and
``TFC_SHEETS_API_URL``, with the default TTL of 10 minutes. Then ``--sessions`` browser contexts
in one Chromium open all at once and each visits every page view (starting at a different one),
``--rounds`` times: the first by its link, the next ones by the sidebar, as people do (by link
for a view with a query: Virginia's House map, a project's detail). The first visits find the
data stale: the app must start exactly one background sync (the lease), which replaces the demo
with the sheet's rows while the sessions go on reading.

Measured: page loads, errors (exception boxes, error messages, loads that never finished), time
from navigation to all charts drawn (median, p95, max), how many loads finished while the sync
ran, syncs started (runs in the store) and requests to the fake Sheets API.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
TTL_MINUTES = 10
TIMEOUT_MS = 120_000


async def session(browser, base: str, views: list[dict], index: int, rounds: int, log: list):
    """One person: opens a view's link, then moves on by the sidebar (by link to a view with a
    query, such as Virginia's House map or a project's detail)."""
    from bench.server import PROBLEMS_JS, READY_JS, STATE_JS, ready_args

    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    start = index % len(views)
    order = views[start:] + views[:start]
    first = True
    try:
        for _ in range(rounds):
            for view in order:
                entry = {"view": view["name"], "session": index, "started": time.time()}
                # Each session carries its sidebar filters from view to view (Virginia's House map
                # sets the state to VA), so a page may draw fewer charts than it does unfiltered:
                # every chart it draws must be drawn, whatever their number.
                ready = ready_args({**view, "charts": 0, "images": 0})
                try:
                    if view.get("title") and not first:
                        nav = page.locator("[data-testid=stSidebarNav]")
                        link = nav.get_by_role("link", name=view["title"], exact=True)
                        began = time.perf_counter()
                        await link.click(timeout=TIMEOUT_MS)
                    else:
                        began = time.perf_counter()
                        await page.goto(base + view["url"], wait_until="commit", timeout=TIMEOUT_MS)
                    first = False
                    await page.wait_for_function(
                        READY_JS, arg=ready, timeout=TIMEOUT_MS, polling="raf"
                    )
                    entry["seconds"] = time.perf_counter() - began
                    entry["problems"] = await page.evaluate(PROBLEMS_JS)
                except Exception as exc:  # a load that never finished is an error, not a crash
                    entry["seconds"] = None
                    try:
                        shown = await page.evaluate(STATE_JS)
                    except Exception:  # the page itself is gone
                        shown = "no page"
                    entry["problems"] = [
                        f"did not finish ({type(exc).__name__}; expected {ready}): {shown}"
                    ]
                entry["finished"] = time.time()
                log.append(entry)
    finally:
        await context.close()


async def drive(
    base: str, views: list[dict], sessions: int, rounds: int, cpu: dict[str, float]
) -> list[dict]:
    from playwright.async_api import async_playwright

    from bench.procs import cpu_seconds, descendants
    from bench.server import launch_options

    log: list[dict] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_options())

        # Chromium's processes are ours, below the Playwright driver (the server is not): their
        # CPU time is sampled as they run, since a page's renderer exits with its context.
        seen: dict[int, float] = {}
        done = asyncio.Event()

        async def sample() -> None:
            server = cpu.get("server_pid")
            while True:
                for pid in descendants(os.getpid()):
                    if pid != server:
                        seen[pid] = max(seen.get(pid, 0.0), cpu_seconds(pid))
                if done.is_set():
                    return
                await asyncio.sleep(0.5)

        sampler = asyncio.create_task(sample())
        await asyncio.sleep(0)
        before = sum(seen.values())
        try:
            await asyncio.gather(
                *(session(browser, base, views, i, rounds, log)
                  for i in range(sessions))
            )  # fmt: skip
        finally:
            done.set()
            await sampler
            cpu["browser_s"] = sum(seen.values()) - before
            await browser.close()
    return log


def run_in_own_loop(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to the end on an event loop of its own, in a thread of its own: the caller
    may already be inside one (Playwright's sync API, in the test suite, runs one)."""
    result: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(make()))
        except BaseException as exc:  # handed to the caller
            failure.append(exc)

    thread = threading.Thread(target=target, name="bench-load")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


def sync_runs(db_url: str) -> list[dict]:
    import sqlalchemy as sa

    from tfc_dash.store import database, models

    runs = models.SyncRun.__table__
    engine = database.make_engine(db_url)
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(runs.c.id, runs.c.status, runs.c.started_at, runs.c.finished_at,
                      runs.c.requests, runs.c.message)
            .where(runs.c.source == "sheets").order_by(runs.c.id)
        ).mappings().all()  # fmt: skip
    engine.dispose()
    return [dict(r) for r in found]


def finished_syncs(db_url: str, wait_s: float = 180) -> list[dict]:
    """The sheet syncs of the store once none is under way: a sync records its run only after
    it has read the sheet, so one that took the lease and has no run yet is waited for too."""
    import sqlalchemy as sa

    from tfc_dash.ingest import refresh
    from tfc_dash.store import database, models

    meta = models.StoreMeta.__table__
    engine = database.make_engine(db_url)
    deadline = time.monotonic() + wait_s
    try:
        while True:
            runs = sync_runs(db_url)
            with engine.connect() as conn:
                leased = conn.execute(
                    sa.select(meta.c.value).where(meta.c.key == refresh.LEASE_KEY)
                ).first()
            under_way = any(r["status"] == "running" for r in runs) or (leased and not runs)
            if not under_way or time.monotonic() > deadline:
                return runs
            time.sleep(0.5)
    finally:
        engine.dispose()


def _stamp(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def measure(
    scale: int,
    sessions: int,
    rounds: int,
    views: list[dict] | None = None,
    sheet_delay: float = 0.0,
) -> dict:
    """The load; ``sheet_delay`` makes the fake Sheets API take that long over the data, so that
    even a small sync is still running while the sessions move on."""
    sys.path.insert(0, str(ROOT))
    from bench.procs import cpu_seconds
    from bench.server import streamlit_server
    from bench.views import described_views
    from tests.fake_sheets import FakeSheetsServer, spreadsheet_from_frames, write_secrets
    from tfc_dash.cli import seed_demo
    from tfc_dash.ingest.demo import build_demo

    key = "1LoadBenchSheet" + "0" * 29
    with tempfile.TemporaryDirectory() as tmp, FakeSheetsServer() as fake:
        db_url = f"sqlite:///{Path(tmp) / 'load.db'}"
        seed_demo(db_url, scale=scale)
        if views is None:  # what each page draws, from its AppTest run
            views = described_views(db_url)
        # The ops sheet of the demo's program, its Goals tab included (the sync replaces the
        # demo's goals with the sheet's, as with a real sheet).
        demo = build_demo(scale=scale)
        fake.add(spreadsheet_from_frames(key, {**demo.frames, "goals": demo.goals}))
        if sheet_delay:
            fake.fail("slow", match="values:batchGet", seconds=sheet_delay)
        secrets = write_secrets(
            Path(tmp) / "secrets.toml", fake.service_account(), key, {"ttl_minutes": TTL_MINUTES}
        )
        env = {"TFC_SHEETS_API_URL": fake.url}
        with streamlit_server(db_url, Path(tmp) / "streamlit.log", env, secrets) as server:
            began = time.perf_counter()
            server_cpu = cpu_seconds(server.process.pid)
            cpu: dict[str, float] = {"server_pid": server.process.pid}
            load_before = os.getloadavg()
            log = run_in_own_loop(lambda: drive(server.url, views, sessions, rounds, cpu))
            seconds = time.perf_counter() - began
            server_cpu = cpu_seconds(server.process.pid) - server_cpu
            load_after = os.getloadavg()
            runs = finished_syncs(db_url)  # a sync still under way finishes before counting
            server_log = server.log.read_text(errors="replace")
        api_requests = len(fake.api_requests())
    from bench.apptest_timing import percentile

    times = sorted(e["seconds"] for e in log if e["seconds"] is not None)
    errors = [f"{e['view']}: {p}" for e in log for p in e["problems"]]
    sync = runs[0] if runs else None
    sync_from, sync_to = (
        (_stamp(sync["started_at"]), _stamp(sync["finished_at"])) if sync else (None, None)
    )

    def overlaps(e: dict) -> bool:
        return bool(
            sync_from and sync_to and e["started"] <= sync_to and e["finished"] >= sync_from
        )

    during = sum(1 for e in log if overlaps(e))
    # The first load of each session meets a server that has just started (imports, empty
    # caches); loads that overlap the sync share the server's one Python process with it.
    firsts = {e["session"]: e for e in sorted(log, key=lambda e: e["started"], reverse=True)}
    split = {
        "first_loads": [e for e in log if firsts.get(e["session"]) is e],
        "during_sync": [e for e in log if overlaps(e) and firsts.get(e["session"]) is not e],
        "after_sync": [e for e in log if not overlaps(e) and firsts.get(e["session"]) is not e],
    }
    parts = {}
    for part, entries in split.items():
        found = sorted(e["seconds"] for e in entries if e["seconds"] is not None)
        parts[part] = {
            "loads": len(entries),
            "median_s": round(statistics.median(found), 2) if found else None,
            "p95_s": round(percentile(found, 0.95), 2) if found else None,
        }
    return {
        "benchmark": "load",
        "scale": scale,
        "sessions": sessions,
        "rounds": rounds,
        "page_loads": len(log),
        "errors": len(errors),
        "error_samples": errors[:10],
        "tracebacks_in_server_log": server_log.count("Traceback"),
        "load_s": round(seconds, 1),
        "median_s": round(statistics.median(times), 2) if times else None,
        "p95_s": round(percentile(times, 0.95), 2) if times else None,
        "max_s": round(times[-1], 2) if times else None,
        "syncs_started": len(runs),
        "sync_status": [r["status"] for r in runs],
        "sync_s": round(sync_to - sync_from, 1) if sync_from and sync_to else None,
        "loads_during_sync": during,
        "by_phase": parts,
        # Where the time went: CPU seconds of the server (one Python process) and of Chromium,
        # against the wall time, and the machine's load average (other work slows both).
        "server_cpu_s": round(server_cpu, 1),
        "browser_cpu_s": round(cpu.get("browser_s", 0.0), 1),
        "load_average": [round(x, 1) for x in (*load_before[:1], *load_after[:1])],
        "sheets_api_requests": api_requests,
        "ok": not errors and len(runs) == 1 and runs[0]["status"] == "ok" and api_requests == 2,
    }


def print_result(r: dict) -> None:
    flag = "" if r["ok"] else "  OVER TARGET"
    print(
        f"load, scale {r['scale']}: {r['sessions']} sessions, {r['page_loads']} page loads in "
        f"{r['load_s']} s, {r['errors']} errors; time to charts median {r['median_s']} s, "
        f"p95 {r['p95_s']} s, max {r['max_s']} s; {r['syncs_started']} sync started "
        f"({', '.join(r['sync_status']) or 'none'}, {r['sync_s']} s, {r['loads_during_sync']} "
        f"loads overlapping it), {r['sheets_api_requests']} Sheets API requests{flag}"
    )
    for part, figures in r["by_phase"].items():
        print(f"    {part.replace('_', ' ')}: {figures['loads']} loads, median "
              f"{figures['median_s']} s, p95 {figures['p95_s']} s")  # fmt: skip
    for sample in r["error_samples"]:
        print(f"    {sample}")
    print("targets: no errors, one sync started, 2 Sheets API requests")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--views", help="JSON: the page views with their chart counts")
    parser.add_argument("--sheet-delay", type=float, default=0.0,
                        help="seconds the fake Sheets API takes over the data")  # fmt: skip
    args = parser.parse_args()
    views = json.loads(args.views) if args.views else None
    result = measure(args.scale, args.sessions, args.rounds, views, args.sheet_delay)
    print_result(result)
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
