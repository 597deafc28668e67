"""`make bench`: seed a store at --scale 10 and time each page under AppTest.

Each page is timed in a fresh interpreter (so the first run is truly cold), then rerun 20 times
warm. Prints a table and writes bench/results.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
# Page name -> path for AppTest.switch_page (None: the default page, reached without switching).
PAGES: dict[str, str | None] = {
    "progress": None,
    "volunteers": "pages/volunteers.py",
    "staffing": "pages/staffing.py",
    "projects": "pages/projects.py",
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


def time_page(url: str, page: str | None, runs: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.apptest_timing", url, page or "-", str(runs)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", type=int, action="append", help="store scale (default: 10)")
    parser.add_argument("--runs", type=int, default=20, help="warm reruns per page")
    args = parser.parse_args()
    results = []
    for scale in args.scale or [10]:
        url = ensure_store(scale)
        for name, page in PAGES.items():
            row = {"scale": scale, **time_page(url, page, args.runs), "page": name}
            row["ok"] = row["warm_median_ms"] <= TARGET_WARM_MS and row["cold_s"] <= TARGET_COLD_S
            results.append(row)
    header = f"{'scale':>5}  {'page':<24} {'cold s':>7} {'warm median ms':>15} {'warm p95 ms':>12}"
    print(header)
    for r in results:
        flag = "" if r["ok"] else "  OVER TARGET"
        print(f"{r['scale']:>5}  {r['page']:<24} {r['cold_s']:>7.2f} {r['warm_median_ms']:>15.1f}"
              f" {r['warm_p95_ms']:>12.1f}{flag}")  # fmt: skip
    print(f"targets: warm median <= {TARGET_WARM_MS} ms, cold <= {TARGET_COLD_S} s")
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
