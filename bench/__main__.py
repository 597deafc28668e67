"""`make bench` (``python -m bench``): how fast the dashboard is, at --scale 1 and --scale 10.

For each scale it seeds its own demo store (bench/scale<N>.db, kept until the demo changes), then:

- every page view (every page of app.py's navigation, the States page's Virginia House view and
  a project's detail) under AppTest, each in a fresh interpreter: the cold first run (the page
  opened directly, as a link opens it on a new server) and 20 warm reruns (median and 95th
  percentile), with each chart's size (spec and data, what the browser receives);
  (bench/apptest_timing.py)
- the same views in headless Chromium against ``streamlit run``: time from navigation until
  every chart has drawn, warm, by opening the view's link and by clicking it in the sidebar, and
  the server's memory with 10 sessions open; (bench/browser.py)
- a sync of the same data through the fake Sheets API: time and requests; (bench/sheets_sync.py)
- the fundraising kit's whole export; (bench/kit_export.py)

and, at the largest scale, the load: 20 browser sessions moving through the pages while the app
syncs (bench/load.py). Prints one table and writes bench/results.json; exits 1 when a target is
missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

from bench.chart_sizes import LIMIT_BYTES
from bench.server import chromium_path
from bench.stores import ensure_store
from bench.views import busiest_project, page_views

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
VIEW_KEYS = ("name", "url", "title", "heading", "charts", "images")
TARGET_WARM_MS = 150
TARGET_COLD_S = 2.0
TARGET_BROWSER_S = 2.0
TARGET_SYNC_REQUESTS = 2


def _run_json(args: list[str], timeout: float = 1800) -> dict:
    """Run a benchmark module in a fresh interpreter; its last stdout line is JSON."""
    out = subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    lines = out.stdout.strip().splitlines()
    if out.returncode not in (0, 1) or not lines:
        raise RuntimeError(f"{' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(lines[-1])


def time_pages(url: str, scale: int, runs: int) -> list[dict]:
    rows = []
    for view in page_views(busiest_project(url)):
        args = ["bench.apptest_timing", url, view.script, str(runs)]
        if view.query:
            args.append(json.dumps(view.query))
        timing = _run_json(args)
        rows.append({"scale": scale, "name": view.name, "url": view.url(""), "title": view.title,
                     **timing})  # fmt: skip
    return rows


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover - not on every platform
        return None


def fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=int, action="append", help="store scale (default: 1 and 10)"
    )
    parser.add_argument("--runs", type=int, default=20, help="warm AppTest reruns per page")
    parser.add_argument("--browser-runs", type=int, default=3, help="warm browser visits per view")
    parser.add_argument("--sessions", type=int, default=20, help="browser sessions in the load")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser benchmarks")
    parser.add_argument("--no-sync", action="store_true", help="skip the Sheets sync benchmark")
    parser.add_argument("--no-load", action="store_true", help="skip the load benchmark")
    parser.add_argument("--load", action="store_true", help="only the load benchmark")
    args = parser.parse_args()
    scales = sorted(set(args.scale or [1, 10]))
    browser = not args.no_browser and chromium_path() is not None
    if not args.no_browser and not browser:
        print("note: no Chromium (/usr/bin/chromium or $CHROMIUM): browser figures left out")
    started_load = load_average()

    pages: list[dict] = []
    browsers: list[dict] = []
    syncs: list[dict] = []
    exports: list[dict] = []
    for scale in scales:
        url = ensure_store(scale)
        if args.load:
            continue
        rows = time_pages(url, scale, args.runs)
        pages += rows
        if browser:
            views = [{k: r[k] for k in VIEW_KEYS} for r in rows]
            found = _run_json(["bench.browser", url, str(args.browser_runs), json.dumps(views)])
            by_name = {v["name"]: v for v in found["views"]}
            for r in rows:
                r["browser"] = by_name[r["name"]]
            browsers.append({"scale": scale, **{k: v for k, v in found.items() if k != "views"}})
        if not args.no_sync:
            syncs.append(_run_json(["bench.sheets_sync", "--scale", str(scale)]))
        exports.append({"scale": scale, **_run_json(["bench.kit_export", url, "5"])})

    load = None
    if browser and not args.no_load:
        # The views with what each draws; bench.load finds it out itself without the pages run.
        views = [{k: r[k] for k in VIEW_KEYS} for r in pages if r["scale"] == scales[-1]]
        load_args = ["bench.load", "--scale", str(scales[-1]), "--sessions", str(args.sessions)]
        if views:
            load_args += ["--views", json.dumps(views)]
        load = _run_json(load_args)

    for r in pages:
        b = r.get("browser") or {}
        r["ok"] = (
            r["warm_median_ms"] <= TARGET_WARM_MS
            and r["cold_s"] <= TARGET_COLD_S
            and r["max_chart_bytes"] <= LIMIT_BYTES
            and not r["errors"]
            and (not b or (b["warm_median_s"] <= TARGET_BROWSER_S and not b["problems"]
                           and (b["click_median_s"] or 0) <= TARGET_BROWSER_S))
        )  # fmt: skip

    print()
    print(f"{'scale':>5}  {'page view / benchmark':<22} {'cold s':>6} {'warm ms':>8} "
          f"{'p95 ms':>7} {'link s':>7} {'click s':>7} {'chart KB':>8}  result")  # fmt: skip
    for r in pages:
        b = r.get("browser") or {}
        print(f"{r['scale']:>5}  {r['name']:<22} {r['cold_s']:>6.2f} {r['warm_median_ms']:>8.1f} "
              f"{r['warm_p95_ms']:>7.1f} {fmt(b.get('warm_median_s'), '7.2f'):>7} "
              f"{fmt(b.get('click_median_s'), '7.2f'):>7} {r['max_chart_bytes'] / 1000:>8.1f}  "
              f"{'ok' if r['ok'] else 'OVER TARGET'}")  # fmt: skip
    for s in syncs:
        print(f"{s['scale']:>5}  {'sheets sync':<22} {s['sync_s']:>6.2f} {'':>8} {'':>7} {'':>7} "
              f"{'':>7} {'':>8}  {'ok' if s['ok'] else 'OVER TARGET'}: {s['requests']} "
              f"requests, {s['rows']:,} rows (per-tab reading: {s['per_tab_requests']} "
              "requests)")  # fmt: skip
    for e in exports:
        print(f"{e['scale']:>5}  {'kit export':<22} {e['cold_s']:>6.2f} "
              f"{e['warm_median_s'] * 1000:>8.0f} {'':>7} {'':>7} {'':>7} {'':>8}  "
              f"{'ok' if e['ok'] else 'OVER TARGET'}: {e['files']} files")  # fmt: skip
    for m in browsers:
        print(f"{m['scale']:>5}  {'server memory':<22} {'':>6} {'':>8} {'':>7} {'':>7} {'':>7} "
              f"{'':>8}  {m['rss_sessions_mb']:.0f} MB with {m['sessions']} sessions open "
              f"({m['rss_idle_mb']:.0f} MB before)")  # fmt: skip
    if load is not None:
        print(f"{load['scale']:>5}  {'load':<22} {'':>6} {'':>8} {'':>7} "
              f"{fmt(load['p95_s'], '7.2f'):>7} {'':>7} {'':>8}  "
              f"{'ok' if load['ok'] else 'OVER TARGET'}: {load['sessions']} sessions, "
              f"{load['page_loads']} loads, {load['errors']} errors, p95 to charts "
              f"{load['p95_s']} s, {load['syncs_started']} sync started, "
              f"{load['sheets_api_requests']} Sheets requests")  # fmt: skip
        for sample in load["error_samples"]:
            print(f"       {sample}")
    print(
        f"targets: warm median <= {TARGET_WARM_MS} ms, cold <= {TARGET_COLD_S:g} s, browser "
        f"<= {TARGET_BROWSER_S:g} s warm, each chart <= {LIMIT_BYTES / 1000:.0f} KB; a sync in "
        f"{TARGET_SYNC_REQUESTS} requests (<= 10 s); the kit export <= 5 s warm; under load no "
        "errors and one sync. cold: the page opened directly in a fresh interpreter; warm: the "
        "median of reruns; link: opening the view's link (a new session); click: its sidebar "
        "link; chart: spec and data."
    )
    machine = {
        "cpus": os.cpu_count(),
        "load_average_before": started_load,
        "load_average_after": load_average(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    RESULTS.write_text(json.dumps({
        "machine": machine, "pages": pages, "server_memory": browsers, "sheets_sync": syncs,
        "kit_export": exports, "load": load,
    }, indent=2, default=str) + "\n")  # fmt: skip
    print(f"wrote {RESULTS.relative_to(ROOT)} (load average {started_load} -> {load_average()})")
    results = [r["ok"] for r in pages] + [s["ok"] for s in syncs] + [e["ok"] for e in exports]
    if load is not None:
        results.append(load["ok"])
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
