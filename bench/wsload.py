"""The server under load, without browsers: many sessions over Streamlit's own websocket protocol
(bench/wsclient.py) against ``streamlit run``, each moving through the views as a person does,
while the app syncs the spreadsheet.

``python -m bench.wsload [--scale 10] [--sessions 10 50 200] [--backend sqlite postgresql]
[--views 6] [--think 2 8] [--ramp 10]``; prints one JSON line last.

For each backend and number of sessions, on a fresh server and a fresh demo store that has never
been synced, with the same data served as a spreadsheet by the fake Sheets API
(tests/fake_sheets.py) and a ``[connections.gsheets]`` secrets file (default TTL): the sessions
start over ``--ramp`` seconds, and each one

1. opens a view by its link (the views of bench/views.py in turn: every page, Virginia's House
   map, a project's detail),
2. then, ``--views`` - 1 times, after thinking ``--think`` seconds (uniform, seeded by the
   session): changes a sidebar filter (a state, a category, or back to all) or moves to the next
   page in the navigation, in the pattern filter, page, page, filter, page...

A person whose view never finishes gives up (their later views are not made). The first views
find the data stale: the app must start exactly one background sync.

Measured: views, views per second (wall) and per CPU-second of the server process and the sync's
child process (a view per CPU-second is a view per second per core they keep busy);
latency from the request (for a link, from opening the websocket) to ``script_finished``
(percentiles, by kind of view, during the sync and outside it); errors (``Exception`` elements,
``st.error`` messages, compile errors); unfinished views; the sync (runs, status, seconds, Sheets
API requests); the server's memory (RSS) at start, at its peak, and per session: after the load,
the same number of new sessions is opened at once, one view each, and held open, and the growth
of RSS is divided by their number. Targets (at 200 sessions): no error, no unfinished view, p95
<= 2 s, one sync.

``sync_effect``: the latency of page changes while the sync parses the sheet inside the server
process, against the same sessions' page changes just before it: two sessions go round the
pages back to back (the second one behind the first, so on pages whose queries are cached) while
the fake Sheets API holds its answer (the sync waiting on the network, the server free), twice
round, then the answer is let through and they go on while it is parsed and written.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_S = 2.0
TIMEOUT_S = 120.0
FILTER_STEPS = ("States", "Categories", "clear")


@dataclass(frozen=True)
class Plan:
    """What one person does: the link they open, then how many more views."""

    index: int
    link: str
    views: int
    think: tuple[float, float]


def plans(sessions: int, links: list[str], views: int, think: tuple[float, float]) -> list[Plan]:
    return [Plan(i, links[i % len(links)], views, think) for i in range(sessions)]


async def person(base_url: str, plan: Plan, log: list, hold: asyncio.Event, timeout: float):
    """One session through its plan (see the module's docstring); stays open until ``hold``."""
    from bench.wsclient import Session

    rng = random.Random(plan.index)
    session = Session(base_url, timeout, plan.index)
    try:
        view = await session.open(plan.link)
        log.append(view)
        filters = 0
        for step in range(1, plan.views):
            if not view.finished:
                break  # a person whose page never came gives up
            await asyncio.sleep(rng.uniform(*plan.think))
            if step % 3 == 1:  # filter, page, page, filter, page...
                view = await _change_filter(session, plan.index + filters)
                filters += 1
            else:
                pages = list(session.pages)
                here = pages.index(session.page) if session.page in pages else -1
                view = await session.switch_page(pages[(here + 1) % len(pages)])
            log.append(view)
        await hold.wait()
    finally:
        await session.close()


async def _change_filter(session, turn: int):  # type: ignore[no-untyped-def]
    step = FILTER_STEPS[turn % len(FILTER_STEPS)]
    if step == "clear":
        return await session.set_widget("States", [])
    options = session.widget_options(step)
    return await session.set_widget(step, [options[turn % len(options)]] if options else [])


async def drive(base_url: str, plans_: list[Plan], ramp: float, timeout: float,
                at_peak=None) -> list:  # type: ignore[no-untyped-def]  # fmt: skip
    """Run every plan (starts spread over ``ramp`` seconds); ``at_peak()`` is called once they
    are all done, with every session still open."""
    log: list = []
    hold = asyncio.Event()
    gap = ramp / max(len(plans_), 1)

    async def start(plan: Plan) -> None:
        await asyncio.sleep(plan.index * gap)
        await person(base_url, plan, log, hold, timeout)

    tasks = [asyncio.create_task(start(p)) for p in plans_]
    while not _all_waiting(plans_, log) and not all(t.done() for t in tasks):
        await asyncio.sleep(0.2)
    if at_peak is not None:
        await asyncio.to_thread(at_peak)
    hold.set()
    await asyncio.gather(*tasks)
    return log


def _all_waiting(plans_: list[Plan], log: list) -> bool:
    """Every session has made its last view (all its views, or one that never finished)."""
    done: dict[int, int] = {}
    gave_up: set[int] = set()
    for view in log:
        done[view.session] = done.get(view.session, 0) + 1
        if not view.finished:
            gave_up.add(view.session)
    return all(p.index in gave_up or done.get(p.index, 0) >= p.views for p in plans_)


def percentiles(values: list[float]) -> dict:
    from bench.apptest_timing import percentile

    if not values:
        return {"n": 0, "p50_s": None, "p90_s": None, "p95_s": None, "p99_s": None, "max_s": None}
    return {
        "n": len(values),
        "p50_s": round(statistics.median(values), 3),
        "p90_s": round(percentile(values, 0.90), 3),
        "p95_s": round(percentile(values, 0.95), 3),
        "p99_s": round(percentile(values, 0.99), 3),
        "max_s": round(max(values), 3),
    }


def summarize(log: list) -> dict:
    """Views, errors and unfinished views, latency percentiles (all, by kind)."""
    finished = [v for v in log if v.finished]
    errors = [f"{v.kind} /{v.page}: {e}" for v in log for e in v.errors]
    unfinished = [f"{v.kind} /{v.page}: {v.problem}" for v in log if not v.finished]
    kinds = sorted({v.kind for v in log})
    return {
        "views": len(log),
        "finished": len(finished),
        "errors": len(errors),
        "error_samples": errors[:10],
        "unfinished": len(unfinished),
        "unfinished_samples": unfinished[:10],
        "latency": percentiles([v.seconds for v in finished]),
        "by_kind": {k: percentiles([v.seconds for v in finished if v.kind == k]) for k in kinds},
        "bytes_received": sum(v.bytes_received for v in log),
    }


def run(coro_factory):  # type: ignore[no-untyped-def]
    """Run a coroutine on an event loop of its own (the caller may already be in one)."""
    from bench.load import run_in_own_loop

    return run_in_own_loop(coro_factory)


@contextmanager
def serving(backend: str, scale: int, sheet_delay: float = 0.0,
            release: threading.Event | None = None) -> Iterator[dict]:  # fmt: skip
    """A fresh never-synced store, the fake Sheets API serving the same data, and the app."""
    sys.path.insert(0, str(ROOT))
    from bench.load import TTL_MINUTES
    from bench.server import streamlit_server
    from bench.stores import fresh_store
    from tests.fake_sheets import FakeSheetsServer, spreadsheet_from_frames, write_secrets
    from tfc_dash.ingest.demo import build_demo

    key = "1WsLoadBenchSheet" + "0" * 27
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeSheetsServer() as fake,
        fresh_store(backend, scale, Path(tmp)) as db_url,
    ):
        fake.add(spreadsheet_from_frames(key, build_demo(scale=scale).frames))
        if sheet_delay:
            fake.fail("slow", match="values:batchGet", seconds=sheet_delay, release=release)
        secrets = write_secrets(
            Path(tmp) / "secrets.toml", fake.service_account(), key, {"ttl_minutes": TTL_MINUTES}
        )
        env = {"TFC_SHEETS_API_URL": fake.url}
        with streamlit_server(db_url, Path(tmp) / "streamlit.log", env, secrets) as server:
            yield {"server": server, "db_url": db_url, "fake": fake}


def _sync(db_url: str, log: list, wait_s: float = 180) -> dict:
    """The syncs the app ran (once any still running has finished) and which views they
    overlapped."""
    from bench.load import _stamp, finished_syncs

    runs = finished_syncs(db_url, wait_s)
    first = runs[0] if runs else None
    began, ended = (_stamp(first["started_at"]), _stamp(first["finished_at"])) if first else (
        None, None)  # fmt: skip

    def overlaps(view) -> bool:  # type: ignore[no-untyped-def]
        end = view.started + (view.seconds or 0)
        return bool(began and ended and view.started <= ended and end >= began)

    during = [v.seconds for v in log if v.finished and overlaps(v)]
    outside = [v.seconds for v in log if v.finished and not overlaps(v)]
    return {
        "runs": len(runs),
        "status": [r["status"] for r in runs],
        "seconds": round(ended - began, 2) if began and ended else None,
        "during": percentiles(during),
        "outside": percentiles(outside),
    }


def measure(backend: str, scale: int, sessions: int, views: int = 6,
            think: tuple[float, float] = (2.0, 8.0), ramp: float = 10.0,
            timeout: float = TIMEOUT_S, links: list[str] | None = None,
            sheet_delay: float = 0.0) -> dict:  # fmt: skip
    from bench.gate import Gate
    from bench.procs import cpu_seconds
    from bench.views import busiest_project, page_views

    gate = Gate(enforce=False)
    with serving(backend, scale, sheet_delay) as running:
        server, db_url = running["server"], running["db_url"]
        if links is None:
            links = [v.url("") for v in page_views(busiest_project(db_url))]
        load_before = gate.reading()
        rss_start = server.rss_mb()
        peak = {"rss": rss_start}
        # With its finished children: the background sync runs in a child process of its own.
        cpu_before = cpu_seconds(server.process.pid, with_children=True)
        client_before = _own_cpu()
        began = time.perf_counter()

        async def load() -> list:
            async def sample() -> None:
                while True:
                    peak["rss"] = max(peak["rss"], server.rss_mb())
                    await asyncio.sleep(1)

            sampler = asyncio.create_task(sample())
            try:
                return await drive(server.url, plans(sessions, links, views, think), ramp,
                                   timeout)  # fmt: skip
            finally:
                sampler.cancel()

        log = run(load)
        seconds = time.perf_counter() - began
        server_cpu = cpu_seconds(server.process.pid, with_children=True) - cpu_before
        client_cpu = _own_cpu() - client_before
        load_after = gate.reading()
        sync = _sync(db_url, log)
        sync["sheets_api_requests"] = len(running["fake"].api_requests())
        memory = _memory_per_session(server, sessions, links, timeout)
        tracebacks = server.log.read_text(errors="replace").count("Traceback")
    summary = summarize(log)
    finished = summary["finished"]
    result = {
        "benchmark": "wsload",
        "backend": backend,
        "scale": scale,
        "sessions": sessions,
        "views_per_session": views,
        "think_s": list(think),
        "ramp_s": ramp,
        **summary,
        "seconds": round(seconds, 1),
        "views_per_s": round(finished / seconds, 2) if seconds else None,
        "server_cpu_s": round(server_cpu, 1),
        "views_per_cpu_s": round(finished / server_cpu, 2) if server_cpu else None,
        "client_cpu_s": round(client_cpu, 1),
        "sync": sync,
        "memory": {
            "rss_start_mb": round(rss_start, 1),
            "rss_peak_mb": round(peak["rss"], 1),
            **memory,
        },
        "tracebacks_in_server_log": tracebacks,
        "load_average": {"before": load_before, "after": load_after},
    }
    result["ok"] = (
        result["errors"] == 0
        and result["unfinished"] == 0
        and tracebacks == 0
        and (result["latency"]["p95_s"] or 0) <= TARGET_P95_S
        and sync["runs"] == 1
        and sync["status"] == ["ok"]
    )
    return result


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def _memory_per_session(server, sessions: int, links: list[str], timeout: float) -> dict:  # type: ignore[no-untyped-def]
    """RSS growth per session: ``sessions`` new sessions, one view each, all held open."""
    time.sleep(1)
    before = server.rss_mb()
    with_them: dict[str, float] = {}

    def read() -> None:
        with_them["rss"] = server.rss_mb()

    one_view = plans(sessions, links, 1, (0.0, 0.0))
    log = run(lambda: drive(server.url, one_view, 0.0, timeout, at_peak=read))
    opened = sum(1 for v in log if v.finished)
    return {
        "rss_before_sessions_mb": round(before, 1),
        "rss_with_sessions_mb": round(with_them["rss"], 1),
        "sessions_held": opened,
        "per_session_mb": round((with_them["rss"] - before) / opened, 3) if opened else None,
    }


def sync_effect(backend: str, scale: int, sessions: int = 2, passes: int = 2,
                timeout: float = TIMEOUT_S) -> dict:  # fmt: skip
    """Page changes while the sync parses and writes, against page changes just before."""
    from bench.load import _stamp, sync_runs

    release = threading.Event()
    with serving(backend, scale, sheet_delay=50.0, release=release) as running:
        server, db_url = running["server"], running["db_url"]
        released: dict[str, float] = {}
        nav: dict[str, int] = {}

        async def loop() -> list:
            from bench.wsclient import Session

            log: list = []
            stop = asyncio.Event()

            async def one(index: int) -> None:
                session = Session(server.url, timeout, index)
                try:
                    view = await session.open("/")
                    log.append(view)
                    nav["pages"] = len(session.pages)
                    while not stop.is_set() and view.finished:
                        pages = list(session.pages)
                        here = pages.index(session.page) if session.page in pages else -1
                        view = await session.switch_page(pages[(here + 1) % len(pages)])
                        log.append(view)
                finally:
                    await session.close()

            async def conduct() -> None:
                # The sync started with the first view and waits for the sheet: let the
                # sessions go round the pages, then let the answer come.
                deadline = time.monotonic() + 40  # the sheet's answer is held 50 s at most
                while sum(1 for v in log if v.kind == "page") < passes * sessions * nav.get(
                    "pages", 8
                ):
                    if any(not v.finished for v in log) or time.monotonic() > deadline:
                        break
                    await asyncio.sleep(0.2)
                released["at"] = time.time()
                release.set()
                give_up = time.monotonic() + 300
                while time.monotonic() < give_up:
                    runs = await asyncio.to_thread(sync_runs, db_url)
                    if runs and runs[0]["status"] != "running":
                        break
                    await asyncio.sleep(0.5)
                await asyncio.sleep(1)  # and a little after
                stop.set()

            await asyncio.gather(conduct(), *(one(i) for i in range(sessions)))
            return log

        log = run(loop)
        runs = sync_runs(db_url)
    if not runs or runs[0]["status"] != "ok":
        return {"benchmark": "sync_effect", "problem": f"the sync did not run well: {runs}"}
    ended = _stamp(runs[0]["finished_at"]) or 0.0
    parsing = released["at"]
    # Page changes to a page some session had already drawn (its queries cached): wholly before
    # the answer was let through (the sync waiting on the network), against those overlapping
    # the parsing and writing.
    drawn: dict[str, float] = {}
    for v in sorted((v for v in log if v.finished), key=lambda v: v.started + v.seconds):
        drawn.setdefault(v.page, v.started + v.seconds)
    warm = [v for v in log if v.kind == "page" and v.finished
            and v.started >= drawn.get(v.page, float("inf"))]  # fmt: skip
    before = [v.seconds for v in warm if v.started + v.seconds < parsing]
    during = [v.seconds for v in warm if v.started <= ended and v.started + v.seconds >= parsing]
    summary = summarize(log)
    return {
        "benchmark": "sync_effect",
        "backend": backend,
        "scale": scale,
        "sessions": sessions,
        "parse_and_write_s": round(ended - parsing, 2),
        "without_sync": percentiles(before),
        "during_sync": percentiles(during),
        "errors": summary["errors"],
        "unfinished": summary["unfinished"],
        "error_samples": summary["error_samples"] + summary["unfinished_samples"],
    }


def print_result(r: dict) -> None:
    if r["benchmark"] == "sync_effect":
        w, d = r.get("without_sync", {}), r.get("during_sync", {})
        print(f"sync effect, {r.get('backend')}, scale {r.get('scale')}: page changes p50 "
              f"{w.get('p50_s')} s / p95 {w.get('p95_s')} s without the sync ({w.get('n')}), "
              f"{d.get('p50_s')} s / {d.get('p95_s')} s while it parses and writes "
              f"({d.get('n')}; {r.get('parse_and_write_s')} s) {r.get('problem', '')}")  # fmt: skip
        return
    lat, sync = r["latency"], r["sync"]
    print(
        f"ws load, {r['backend']}, scale {r['scale']}, {r['sessions']} sessions: "
        f"{r['finished']}/{r['views']} views in {r['seconds']} s ({r['views_per_s']}/s, "
        f"{r['views_per_cpu_s']} per server CPU-second), {r['errors']} errors, "
        f"{r['unfinished']} unfinished; p50 {lat['p50_s']} s, p95 {lat['p95_s']} s, p99 "
        f"{lat['p99_s']} s; {sync['runs']} sync ({', '.join(sync['status'])}, "
        f"{sync['seconds']} s); {r['memory']['per_session_mb']} MB per session"
        f"{'' if r['ok'] else '  OVER TARGET'}"
    )
    for sample in r["error_samples"] + r["unfinished_samples"]:
        print(f"    {sample}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.wsload")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--sessions", type=int, nargs="*", default=[10, 50, 200],
                        help="sessions at once, a run each (none: sync effect only)")  # fmt: skip
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--views", type=int, default=6, help="views per session")
    parser.add_argument("--think", type=float, nargs=2, default=[2.0, 8.0],
                        help="seconds between a session's views (uniform)")  # fmt: skip
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds to start them all")
    parser.add_argument("--no-sync-effect", action="store_true")
    args = parser.parse_args()
    results = []
    for backend in args.backend:
        for sessions in args.sessions:
            result = measure(backend, args.scale, sessions, args.views, tuple(args.think),
                             args.ramp)  # fmt: skip
            print_result(result)
            results.append(result)
        if not args.no_sync_effect:
            effect = sync_effect(backend, args.scale)
            print_result(effect)
            results.append(effect)
    print(json.dumps(results, default=str))
    return 0 if all(r.get("ok", True) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
