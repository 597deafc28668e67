"""Benchmark: sync a --scale 10 spreadsheet through the fake Sheets API, and count requests.

Builds the spreadsheet from ``tfc_dash.ingest.demo.build_demo(scale=10)`` frames (about 100,000 rows
over seven tabs), serves it from the test suite's fake Sheets API v4 on loopback, syncs it into a
fresh store with real gspread, and prints the time and the request count beside the request count
of the common per-tab approach (``open_by_key``, then ``worksheet(title).get_all_records()`` for
each tab), measured against the same server.

``python -m bench.sheets_sync [--scale N]``; prints one JSON line last.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 10.0
TARGET_REQUESTS = 2


def measure(scale: int) -> dict:
    sys.path.insert(0, str(ROOT))
    import gspread

    from tests.fake_sheets import FakeSheetsServer, reader_for, spreadsheet_from_frames
    from tfc_dash.ingest import sync
    from tfc_dash.ingest.demo import build_demo
    from tfc_dash.ingest.sheets_http import SheetsHTTPClient
    from tfc_dash.store import database

    frames = build_demo(scale=scale).frames
    key = "1BenchSheet" + "0" * 33
    with FakeSheetsServer() as fake, tempfile.TemporaryDirectory() as tmp:
        spreadsheet = fake.add(spreadsheet_from_frames(key, frames))
        cells = sum(len(t.cells) - 1 for t in spreadsheet.tabs)
        reader = reader_for(fake, key=key, timeout=60)
        engine = database.make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        began = time.perf_counter()
        report = sync.sync_sheets(engine, reader)
        seconds = time.perf_counter() - began
        engine.dispose()

        # The per-tab approach, through the same fake, counted by the same client.
        def factory(auth, session=None):
            return SheetsHTTPClient(auth, session, api_url=fake.url)

        gc = gspread.service_account_from_dict(reader.settings.service_account, http_client=factory)
        began = time.perf_counter()
        sheet = gc.open_by_key(key)
        for tab in spreadsheet.tabs:
            sheet.worksheet(tab.title).get_all_records()
        per_tab_seconds = time.perf_counter() - began
        per_tab_requests = gc.http_client.requests
    return {
        "scale": scale,
        "rows": cells,
        "tabs": len(spreadsheet.tabs),
        "sync_s": round(seconds, 2),
        "requests": report.requests,
        "quarantined": report.quarantined_rows,
        "per_tab_requests": per_tab_requests,
        "per_tab_read_s": round(per_tab_seconds, 2),
        "ok": seconds <= TARGET_SECONDS and report.requests <= TARGET_REQUESTS,
    }


def print_result(r: dict) -> None:
    flag = "" if r["ok"] else "  OVER TARGET"
    print(
        f"sheets sync, scale {r['scale']}: {r['rows']:,} rows in {r['tabs']} tabs synced in "
        f"{r['sync_s']:.2f} s with {r['requests']} requests ({r['quarantined']} rows "
        f"quarantined); per-tab get_all_records: {r['per_tab_requests']} requests (read only, "
        f"{r['per_tab_read_s']:.2f} s){flag}"
    )
    print(f"targets: sync <= {TARGET_SECONDS:g} s with <= {TARGET_REQUESTS} requests")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sheets_sync")
    parser.add_argument("--scale", type=int, default=10)
    result = measure(parser.parse_args().scale)
    print_result(result)
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
