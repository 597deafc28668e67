"""Time the fundraising kit's whole export: every chart queried, drawn (PNG and SVG) and written.

Run in a fresh interpreter: ``python -m bench.kit_export DB_URL RUNS``; prints one JSON line.
Cold is the first export (imports done, the chart renderer not yet started); warm is the median
of ``RUNS`` more, each from the store to the files, with no cache between them.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_WARM_S = 5.0


def measure(db_url: str, runs: int) -> dict:
    from tfc_dash.figures import queries
    from tfc_dash.figures.filters import Filters
    from tfc_dash.kit import fundraising_kit
    from tfc_dash.store import database

    engine = database.make_engine(db_url)
    as_of = queries.latest_data_date(engine)
    cycles = queries.cycles(engine)
    filters = Filters(cycle=cycles[0] if cycles else None)
    times: list[float] = []
    files = 0
    with tempfile.TemporaryDirectory() as out:
        for _ in range(runs + 1):
            began = time.perf_counter()
            bundle = fundraising_kit.build_kit(engine, filters, as_of)
            files = len(fundraising_kit.export_kit(bundle, Path(out)))
            times.append(time.perf_counter() - began)
    cold, warm = times[0], sorted(times[1:])
    return {
        "benchmark": "kit export",
        "files": files,
        "cold_s": round(cold, 3),
        "warm_median_s": round(statistics.median(warm), 3),
        "warm_max_s": round(warm[-1], 3),
        "runs": runs,
        "target_warm_s": TARGET_WARM_S,
        "ok": statistics.median(warm) <= TARGET_WARM_S,
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]))))
