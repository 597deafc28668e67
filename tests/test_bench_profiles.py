"""Per-page profiles (bench/profiles.py): each sample goes to the kind of work the run was doing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import profiles

SITE = "/venv/lib/python3.11/site-packages"


def stack(*frames: str) -> list[str]:
    """Frames as pyinstrument records them, from ``function@path`` (site packages as ``~``)."""
    head = ["<module>@/repo/app.py", "run@~/streamlit/navigation/page.py"]
    return [
        f"{name}\x00{path.replace('~', SITE)}\x001\x01l1"
        for name, path in (f.split("@", 1) for f in (*head, *frames))
    ]


CACHED = (
    "query@/repo/tfc_dash/web/store_cache.py",
    "wrapper@~/streamlit/runtime/caching/cache_utils.py",
)
CHART = "altair_chart@~/streamlit/elements/vega_charts.py"
TABLE = "dataframe@~/streamlit/elements/arrow.py"


@pytest.mark.parametrize(
    ("frames", "kind"),
    [
        ((*CACHED, "project_counts@/repo/tfc_dash/figures/queries.py",
          "execute@~/sqlalchemy/engine.py"),
         "queries (SQL and frames from rows)"),
        ((*CACHED, "loads@~/pandas/io/pickle.py"),
         "st.cache_data hits (hashing arguments, copying results)"),
        ((CHART, "to_dict@~/altair/vegalite/v6/api.py"), "Altair spec building"),
        ((TABLE, "convert@~/streamlit/dataframe_util.py", "write@~/pyarrow/ipc.py"),
         "serialization: Arrow"),
        (("metric@~/streamlit/elements/metric.py",), "Streamlit element overhead"),
        (("breakdown@/repo/tfc_dash/figures/metrics.py", "groupby@~/pandas/core/frame.py"),
         "pandas and figures in tfc_dash"),
        (("_find_and_load@<frozen importlib._bootstrap>",), "imports (first run)"),
        (("get_bytecode@~/streamlit/runtime/scriptrunner/script_cache.py",),
         "AppTest only: compiling the scripts again"),
    ],
)  # fmt: skip
def test_each_sample_goes_to_the_work_it_was_doing(frames, kind):
    assert profiles.classify(stack(*frames)) == kind


def test_a_page_view_is_profiled_cold_and_warm(demo_db_url: str, tmp_path: Path):
    found = profiles.measure(demo_db_url, tmp_path, 2, "data health")
    json.dumps(found)  # what make bench stores
    for run in ("cold", "warm"):
        shares = [k["share"] for k in found[run]["kinds"].values()]
        assert sum(shares) == pytest.approx(1.0, abs=0.01)
        assert (tmp_path / f"data-health-{run}.html").stat().st_size > 1000
    # (Its imports are done already in this process: bench runs each view in a fresh one.)
    assert found["cold"]["runs"] == 1 and found["cold_profiled_s"] > 0
    assert found["warm"]["runs"] == 2 and found["warm_median_ms"] > 0
    assert found["messages"] > 10 and found["websocket_serialization_ms"] > 0
