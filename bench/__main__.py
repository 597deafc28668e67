"""`make bench`: seed a store at --scale 10 and time each page under AppTest; then sync a
--scale 10 spreadsheet through the fake Sheets API (bench/sheets_sync.py).

Each page is timed in a fresh interpreter (so the first run is truly cold), then rerun 20 times
warm. Prints a table and writes bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from bench.chart_sizes import LIMIT_BYTES

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
# Page name -> path for AppTest.switch_page (None: the default page, reached without switching).
PAGES: dict[str, str | None] = {
    "progress": None,
    "outcomes": "pages/outcomes.py",
    "fundraising_kit": "pages/fundraising_kit.py",
    "data_health": "pages/data_health.py",
    "states (national)": "pages/states.py",
    "states (VA House)": "pages/states.py",
    "volunteers": "pages/volunteers.py",
    "staffing": "pages/staffing.py",
    "projects": "pages/projects.py",
}
# Query parameters a page is opened with (a view of a page), by PAGES name.
PAGE_QUERIES: dict[str, dict[str, str]] = {
    "states (VA House)": {"state": "VA", "chamber": "lower"},
}
TARGET_WARM_MS = 150
TARGET_COLD_S = 2.0


def ensure_store(scale: int) -> str:
    path = ROOT / "bench" / f"scale{scale}.db"
    url = f"sqlite:///{path}"
    from tfc_dash import store
    from tfc_dash.cli import seed_demo

    fresh = not path.exists()
    if not fresh:
        try:
            meta = store.read_meta(store.make_engine(url))
            fresh = meta.get("demo_scale") != str(scale)
        except store.StoreError:
            fresh = True
    if fresh:
        path.unlink(missing_ok=True)
        seed_demo(url, scale=scale)
    return url


def time_page(url: str, page: str | None, runs: int, query: dict | None = None) -> dict:
    args = [sys.executable, "-m", "bench.apptest_timing", url, page or "-", str(runs)]
    if query:
        args.append(json.dumps(query))
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def time_kit_export(url: str, runs: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.kit_export", url, str(runs)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", type=int, action="append", help="store scale (default: 10)")
    parser.add_argument("--runs", type=int, default=20, help="warm reruns per page")
    parser.add_argument("--no-sync", action="store_true", help="skip the sheets sync benchmark")
    args = parser.parse_args()
    results = []
    for scale in args.scale or [10]:
        url = ensure_store(scale)
        for name, page in PAGES.items():
            timing = time_page(url, page, args.runs, PAGE_QUERIES.get(name))
            row = {"scale": scale, **timing, "page": name}
            row["ok"] = (
                row["warm_median_ms"] <= TARGET_WARM_MS
                and row["cold_s"] <= TARGET_COLD_S
                and row["max_chart_bytes"] <= LIMIT_BYTES
            )
            results.append(row)
    header = (
        f"{'scale':>5}  {'page':<24} {'cold s':>7} {'warm median ms':>15} {'warm p95 ms':>12}"
        f" {'largest chart KB':>17}"
    )
    print(header)
    for r in results:
        flag = "" if r["ok"] else "  OVER TARGET"
        print(f"{r['scale']:>5}  {r['page']:<24} {r['cold_s']:>7.2f} {r['warm_median_ms']:>15.1f}"
              f" {r['warm_p95_ms']:>12.1f} {r['max_chart_bytes'] / 1000:>17.1f}{flag}")  # fmt: skip
    print(
        f"targets: warm median <= {TARGET_WARM_MS} ms, cold <= {TARGET_COLD_S} s, "
        f"each chart <= {LIMIT_BYTES / 1000:.0f} KB"
    )
    syncs = []
    if not args.no_sync:
        from bench import sheets_sync

        for scale in args.scale or [10]:
            out = subprocess.run(
                [sys.executable, "-m", "bench.sheets_sync", "--scale", str(scale)],
                cwd=ROOT, capture_output=True, text=True,
            )  # fmt: skip
            if not out.stdout.strip():
                print(out.stderr, file=sys.stderr)
                return 1
            syncs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            sheets_sync.print_result(syncs[-1])
    exports = []
    for scale in args.scale or [10]:
        row = {"scale": scale, **time_kit_export(ensure_store(scale), max(args.runs // 4, 3))}
        exports.append(row)
        flag = "" if row["ok"] else "  OVER TARGET"
        print(f"{scale:>5}  {'kit export (' + str(row['files']) + ' files)':<24} "
              f"{row['cold_s']:>7.2f} s cold, warm median {row['warm_median_s']:.2f} s "
              f"(max {row['warm_max_s']:.2f} s){flag}")  # fmt: skip
    print(f"target: the whole kit exports in <= {exports[0]['target_warm_s']:.0f} s warm")
    RESULTS.write_text(
        json.dumps({"pages": results, "sheets_sync": syncs, "kit_export": exports}, indent=2) + "\n"
    )
    return 0 if all(r["ok"] for r in results + syncs + exports) else 1


if __name__ == "__main__":
    sys.exit(main())
