"""`make bench` (``python -m bench``): how fast the dashboard is, at --scale 1 and --scale 10.

It measures only a quiet machine: the load-average gate (bench/gate.py) reads the others' share
of the 1-minute load average before it starts and while it runs, and refuses to report (exit 3,
one line that says why) when it is above ``--max-load`` a core; ``--ignore-load`` measures
anyway, for development, with every figure marked. Every figure is stored with the load beside it.

For each scale it seeds its own demo store (bench/scale<N>.db, kept until the demo changes), then:

- every page view (every page of app.py's navigation, the States page's Virginia House view and
  a project's detail) under AppTest, each in a fresh interpreter: the cold first run and warm
  reruns (median and 95th percentile), with each chart's size; (bench/apptest_timing.py)
- each page view against its floor, a bare Streamlit app drawing the same elements from
  constants (bench/floor.py), side by side and alternating: on the server (a new websocket
  session by link, a rerun) and in headless Chromium (a new session by link, a reload);
  (bench/versus_floor.py)
- a profile of each page view: where its script run's time goes; (bench/profiles.py)
- the first view after a server start, each page view; (bench/first_view.py)
- the same views in headless Chromium, warm, by link and by sidebar click, and the server's
  memory with 10 sessions open; (bench/browser.py)
- a sync of the same data through the fake Sheets API; the fundraising kit's whole export;

and, at the largest scale, the server under load without browsers: 10, 50 and 200 sessions over
Streamlit's websocket protocol while the app syncs, on SQLite and PostgreSQL, and the sync's
effect on page latency (bench/wsload.py); and a small browser load (bench/load.py). Prints the
tables and writes bench/results.json; exits 1 when a target is missed.
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
from bench.gate import DEFAULT_LIMIT_PER_CORE, Gate, TooBusy
from bench.server import chromium_path
from bench.stores import ensure_store
from bench.views import busiest_project, page_views

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
VIEW_KEYS = ("name", "url", "title", "heading", "charts", "images")
# Issue 14's targets, at --scale 10 (reported at every scale).
TARGET_WARM_MS = 60
TARGET_WARM_P95_MS = 120
TARGET_FLOOR_RATIO = 1.10
TARGET_FIRST_VIEW_S = 1.0
TARGET_BROWSER_S = 2.0
TARGET_SYNC_REQUESTS = 2
REFUSED = 3  # the exit code when the machine is too busy to measure


def _run_json(args: list[str], timeout: float = 3600) -> dict:
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
        rows.append(
            {"scale": scale, "name": view.name, "url": view.url(""), "title": view.title, **timing}
        )
    return rows


def fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


class Run:
    """One `make bench`: the gate around every measurement, and where the figures go."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.readings: list[dict] = []

    def checked(self, what: str) -> dict:
        """The gate's reading after ``what`` (raises TooBusy on a busy machine)."""
        reading = {"after": what, **self.gate.check(f"after {what}")}
        self.readings.append(reading)
        print(f"bench: {what} done (load {reading['load_1m']}, others {reading['others']})",
              file=sys.stderr, flush=True)  # fmt: skip
        return reading

    def run(self, what: str, args: list[str]):  # type: ignore[no-untyped-def]
        """A measurement in a fresh interpreter, with the load beside its figures."""
        found = _run_json(args)
        reading = self.checked(what)
        if isinstance(found, dict):
            found["load"] = reading
        else:
            for item in found:
                item["load"] = reading
        return found


def ratio_cell(cell: dict) -> str:
    if cell["page_s"] is None:
        return "—"
    unit, scale = ("ms", 1000) if cell["page_s"] < 1 else ("s", 1)
    page, bare = cell["page_s"] * scale, (cell["floor_s"] or 0) * scale
    return (
        f"{page:.0f}/{bare:.0f} {unit} ×{cell['ratio'] or 0:.2f}"
        if unit == "ms"
        else (f"{page:.2f}/{bare:.2f} s ×{cell['ratio'] or 0:.2f}")
    )


def print_pages(pages: list[dict]) -> None:
    print()
    print(
        f"{'scale':>5}  {'page view':<20} {'cold s':>6} {'warm ms':>8} {'p95 ms':>7} "
        f"{'link s':>7} {'click s':>7} {'chart KB':>8}  result"
    )
    for r in pages:
        b = r.get("browser") or {}
        print(
            f"{r['scale']:>5}  {r['name']:<20} {r['cold_s']:>6.2f} {r['warm_median_ms']:>8.1f} "
            f"{r['warm_p95_ms']:>7.1f} {fmt(b.get('warm_median_s'), '7.2f'):>7} "
            f"{fmt(b.get('click_median_s'), '7.2f'):>7} {r['max_chart_bytes'] / 1000:>8.1f}  "
            f"{'ok' if r['ok'] else 'OVER TARGET'}"
        )


def print_floors(found: dict) -> None:
    print(
        f"\nscale {found['scale']}: each page view over its floor (page/floor, median of "
        f"{found['reps']}, alternating; load {found['load']['load_1m']})"
    )
    print(
        f"  {'page view':<20} {'server: new session':>24} {'server: rerun':>24} "
        f"{'browser: new session':>24} {'browser: reload':>24}"
    )
    for v in found["views"]:
        cells = [
            ratio_cell(v[m])
            for m in ("server_link", "server_rerun", "browser_link", "browser_reload")
        ]
        print(f"  {v['name']:<20} " + " ".join(f"{c:>24}" for c in cells))
    for problem in found["problems"]:
        print(f"    {problem}")


def print_profiles(scale: int, profiles: list[dict]) -> None:
    print(
        f"\nscale {scale}: where a warm rerun's time goes (profile, the three biggest kinds; "
        "bench/profiles/)"
    )
    for p in profiles:
        kinds = list(p["warm"]["kinds"].items())[:3]
        parts = ", ".join(f"{k} {v['ms']:.0f} ms ({v['share']:.0%})" for k, v in kinds)
        print(f"  {p['name']:<20} {p['warm_median_ms']:>6.0f} ms: {parts}")


def print_first_views(scale: int, found: dict) -> None:
    print(f"\nscale {scale}: the first view after a server start (median of {found['reps']})")
    for v in found["views"]:
        print(
            f"  {v['name']:<20} server up in {fmt(v['server_start_s'], '.2f')} s, first view "
            f"{fmt(v['first_view_s'], '.2f')} s (then {fmt(v['second_view_s'], '.2f')} s)  "
            f"{'ok' if v['ok'] else 'OVER TARGET'}"
        )


def print_ws(results: list[dict]) -> None:
    print(
        "\nthe server under load, no browsers (bench/wsload.py): views from request to "
        "script_finished"
    )
    print(
        f"  {'backend':<10} {'sessions':>8} {'views':>6} {'errors':>6} {'unfin.':>6} "
        f"{'p50 s':>6} {'p95 s':>6} {'p99 s':>6} {'views/s':>7} {'/CPU-s':>7} "
        f"{'sync':>14} {'MB/sess':>7} {'load':>5}  result"
    )
    for r in results:
        if r["benchmark"] != "wsload":
            continue
        lat, sync = r["latency"], r["sync"]
        synced = f"{sync['runs']} {','.join(sync['status'])} {fmt(sync['seconds'], '.0f')} s"
        print(
            f"  {r['backend']:<10} {r['sessions']:>8} {r['finished']:>6} {r['errors']:>6} "
            f"{r['unfinished']:>6} {fmt(lat['p50_s'], '.2f'):>6} {fmt(lat['p95_s'], '.2f'):>6} "
            f"{fmt(lat['p99_s'], '.2f'):>6} {fmt(r['views_per_s'], '.1f'):>7} "
            f"{fmt(r['views_per_cpu_s'], '.1f'):>7} "
            f"{synced:>14} "
            f"{fmt(r['memory']['per_session_mb'], '.2f'):>7} {r['load']['load_1m']:>5}  "
            f"{'ok' if r['ok'] else 'OVER TARGET'}"
        )
        for sample in r["error_samples"][:3] + r["unfinished_samples"][:3]:
            print(f"      {sample}")
    for r in results:
        if r["benchmark"] == "sync_effect":
            w, d = r.get("without_sync") or {}, r.get("during_sync") or {}
            print(
                f"  sync effect ({r.get('backend')}): page changes p50 {w.get('p50_s')} s, "
                f"p95 {w.get('p95_s')} s before the sync; p50 {d.get('p50_s')} s, p95 "
                f"{d.get('p95_s')} s while it parses and writes ({r.get('parse_and_write_s')} "
                f"s) {r.get('problem', '')}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=int, action="append", help="store scale (default: 1 and 10)"
    )
    parser.add_argument("--runs", type=int, default=20, help="warm AppTest reruns per page")
    parser.add_argument("--reps", type=int, default=5, help="rounds of each view vs its floor")
    parser.add_argument("--profile-runs", type=int, default=10, help="warm reruns profiled")
    parser.add_argument("--first-view-reps", type=int, default=3, help="server starts per view")
    parser.add_argument("--browser-runs", type=int, default=3, help="warm browser visits per view")
    parser.add_argument("--sessions", type=int, default=4, help="browser sessions in the load")
    parser.add_argument(
        "--ws-sessions",
        type=int,
        nargs="*",
        default=[10, 50, 200],
        help="sessions at once in the websocket load, one run each",
    )
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--ws-views", type=int, default=6, help="views per websocket session")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=[2.0, 8.0],
        help="seconds between a websocket session's views (uniform)",
    )
    parser.add_argument("--ramp", type=float, default=10.0)
    parser.add_argument("--no-browser", action="store_true", help="no browser figures")
    parser.add_argument("--no-floor", action="store_true", help="skip the floors")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiles")
    parser.add_argument("--no-first-view", action="store_true", help="skip first views")
    parser.add_argument("--no-sync", action="store_true", help="skip the Sheets sync benchmark")
    parser.add_argument("--no-load", action="store_true", help="skip both loads")
    parser.add_argument("--load", action="store_true", help="only the loads")
    parser.add_argument(
        "--max-load",
        type=float,
        default=DEFAULT_LIMIT_PER_CORE,
        help="the others' 1-minute load average allowed, a core",
    )
    parser.add_argument(
        "--ignore-load",
        action="store_true",
        help="measure on a busy machine anyway (figures marked)",
    )
    args = parser.parse_args()
    scales = sorted(set(args.scale or [1, 10]))
    browser = not args.no_browser and chromium_path() is not None
    if not args.no_browser and not browser:
        print("note: no Chromium (/usr/bin/chromium or $CHROMIUM): browser figures left out")
    gate = Gate(args.max_load, enforce=not args.ignore_load)
    bench = Run(gate)
    results: dict = {
        "pages": [],
        "versus_floor": [],
        "profiles": [],
        "first_view": [],
        "server_memory": [],
        "sheets_sync": [],
        "kit_export": [],
        "ws_load": [],
        "browser_load": None,
    }
    try:
        results["load_before"] = gate.check("before measuring")
        gate.watch()
        measure(args, scales, browser, bench, results)
        results["load_after"] = gate.check("at the end")
    except TooBusy as exc:
        print(exc)
        return REFUSED
    finally:
        gate.stop()
    return report(args, scales, results, bench)


def measure(args, scales: list[int], browser: bool, bench: Run, results: dict) -> None:  # type: ignore[no-untyped-def]
    for scale in scales:
        url = ensure_store(scale)
        if args.load:
            continue
        rows = time_pages(url, scale, args.runs)
        reading = bench.checked(f"the AppTest timings at scale {scale}")
        for r in rows:
            r["load"] = reading
        results["pages"] += rows
        if not args.no_floor:
            cmd = [
                "bench.versus_floor",
                url,
                str(args.reps),
                "--save",
                str(ROOT / "bench" / "floors" / f"scale{scale}"),
            ]
            if not browser:
                cmd.append("--no-browser")
            found = bench.run(f"the floors at scale {scale}", cmd)
            results["versus_floor"].append({"scale": scale, **found})
        if not args.no_profile:
            out = ROOT / "bench" / "profiles" / f"scale{scale}"
            for view in page_views(busiest_project(url)):
                found = bench.run(
                    f"the profile of {view.name}",
                    ["bench.profiles", url, str(out), str(args.profile_runs), view.name],
                )
                results["profiles"].append({"scale": scale, **found})
        if not args.no_first_view:
            found = bench.run(
                f"the first views at scale {scale}",
                ["bench.first_view", url, str(args.first_view_reps)],
            )
            results["first_view"].append({"scale": scale, **found})
        if browser:
            views = [{k: r[k] for k in VIEW_KEYS} for r in rows]
            found = bench.run(
                f"the browser at scale {scale}",
                ["bench.browser", url, str(args.browser_runs), json.dumps(views)],
            )
            by_name = {v["name"]: v for v in found["views"]}
            for r in rows:
                r["browser"] = by_name[r["name"]]
            results["server_memory"].append(
                {"scale": scale, **{k: v for k, v in found.items() if k != "views"}}
            )
        if not args.no_sync:
            results["sheets_sync"].append(
                bench.run(
                    f"the sync at scale {scale}", ["bench.sheets_sync", "--scale", str(scale)]
                )
            )
        results["kit_export"].append(
            {
                "scale": scale,
                **bench.run(f"the kit export at scale {scale}", ["bench.kit_export", url, "5"]),
            }
        )
    if args.no_load:
        return
    largest = str(scales[-1])
    for backend in args.backends:
        for sessions in args.ws_sessions:
            results["ws_load"] += bench.run(
                f"the load of {sessions} sessions on {backend}",
                [
                    "bench.wsload",
                    "--scale",
                    largest,
                    "--backend",
                    backend,
                    "--sessions",
                    str(sessions),
                    "--views",
                    str(args.ws_views),
                    "--think",
                    *map(str, args.think),
                    "--ramp",
                    str(args.ramp),
                    "--no-sync-effect",
                ],
            )
        results["ws_load"] += bench.run(
            f"the sync effect on {backend}",
            ["bench.wsload", "--scale", largest, "--backend", backend, "--sessions"],
        )
    if browser:
        views = [{k: r[k] for k in VIEW_KEYS} for r in results["pages"] if r["scale"] == scales[-1]]
        cmd = ["bench.load", "--scale", largest, "--sessions", str(args.sessions)]
        if views:
            cmd += ["--views", json.dumps(views)]
        results["browser_load"] = bench.run("the browser load", cmd)


def report(args, scales: list[int], results: dict, bench: Run) -> int:  # type: ignore[no-untyped-def]
    pages = results["pages"]
    floors = {(f["scale"], v["name"]): v for f in results["versus_floor"] for v in f["views"]}
    firsts = {(f["scale"], v["name"]): v for f in results["first_view"] for v in f["views"]}
    for r in pages:
        b = r.get("browser") or {}
        floor = floors.get((r["scale"], r["name"]))
        first = firsts.get((r["scale"], r["name"]))
        r["ok"] = (
            r["warm_median_ms"] <= TARGET_WARM_MS
            and r["warm_p95_ms"] <= TARGET_WARM_P95_MS
            and r["max_chart_bytes"] <= LIMIT_BYTES
            and not r["errors"]
            and (not b or (b["warm_median_s"] <= TARGET_BROWSER_S and not b["problems"]))
            and (
                floor is None
                or all(
                    (floor[m]["ratio"] or 99) <= TARGET_FLOOR_RATIO
                    for m in ("browser_link", "browser_reload")
                    if floor[m]["page_s"] is not None  # measured (not with --no-browser)
                )
            )
            and (first is None or first["ok"])
        )
    print_pages(pages)
    for found in results["versus_floor"]:
        print_floors(found)
    for scale in scales:
        profiles = [p for p in results["profiles"] if p["scale"] == scale]
        if profiles:
            print_profiles(scale, profiles)
        for found in results["first_view"]:
            if found["scale"] == scale:
                print_first_views(scale, found)
    for s in results["sheets_sync"]:
        print(
            f"scale {s['scale']}: sheets sync {s['sync_s']:.2f} s, {s['requests']} requests, "
            f"{s['rows']:,} rows  {'ok' if s['ok'] else 'OVER TARGET'}"
        )
    for e in results["kit_export"]:
        print(
            f"scale {e['scale']}: kit export cold {e['cold_s']:.2f} s, warm "
            f"{e['warm_median_s']:.2f} s, {e['files']} files  {'ok' if e['ok'] else 'OVER'}"
        )
    for m in results["server_memory"]:
        print(
            f"scale {m['scale']}: server memory {m['rss_sessions_mb']:.0f} MB with "
            f"{m['sessions']} browser sessions open ({m['rss_idle_mb']:.0f} MB before)"
        )
    if results["ws_load"]:
        print_ws(results["ws_load"])
    load = results["browser_load"]
    if load is not None:
        print(
            f"browser load: {load['sessions']} sessions, {load['page_loads']} loads, "
            f"{load['errors']} errors, p95 to charts {load['p95_s']} s, "
            f"{load['syncs_started']} sync  {'ok' if load['ok'] else 'OVER TARGET'}"
        )
    print(
        f"targets: warm rerun median <= {TARGET_WARM_MS} ms and p95 <= {TARGET_WARM_P95_MS} ms; "
        f"browser within {TARGET_FLOOR_RATIO:.2f}x of the floor (new session and reload); the "
        f"first view after a server start <= {TARGET_FIRST_VIEW_S:g} s; each chart <= "
        f"{LIMIT_BYTES / 1000:.0f} KB; 200 websocket sessions with no error, no unfinished "
        "view, p95 <= 2 s and one sync."
    )
    gate = bench.gate
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_gate": {
            "enforced": gate.enforce,
            "limit_per_core": gate.limit_per_core,
            "limit": gate.limit,
            "readings": bench.readings,
        },
    }
    results["machine"] = machine
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
    busy = max((r["others"] for r in bench.readings), default=0.0)
    note = (
        ""
        if gate.enforce
        else (
            f"; GATE OVERRIDDEN (--ignore-load): the others' load reached {busy:.2f}, figures are "
            "noise if that is above the limit"
        )
    )
    print(
        f"wrote {RESULTS.relative_to(ROOT)} (load {results['load_before']['load_1m']} -> "
        f"{results['load_after']['load_1m']}, limit {gate.limit:.2f} for others{note})"
    )
    oks = [r["ok"] for r in pages] + [s["ok"] for s in results["sheets_sync"]]
    oks += [e["ok"] for e in results["kit_export"]]
    oks += [
        r["ok"]
        for r in results["ws_load"]
        if r["benchmark"] == "wsload" and r["sessions"] == max(args.ws_sessions or [0])
    ]
    if load is not None:
        oks.append(load["ok"])
    return 0 if all(oks) else 1


if __name__ == "__main__":
    sys.exit(main())
