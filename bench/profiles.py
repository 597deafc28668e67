"""Where a page view's script run spends its time: a profile per page view, by kind of work.

``python -m bench.profiles DB_URL OUT_DIR RUNS VIEW_NAME``; one view per fresh interpreter (so its
first run is a cold one), prints one JSON line and writes OUT_DIR/<view>-cold.html and
OUT_DIR/<view>-warm.html (pyinstrument's call trees, to open in a browser).

The view is opened directly under AppTest (as a link opens it) and its script thread profiled by
pyinstrument (a sample every millisecond): the first run (imports, empty caches), then ``RUNS``
warm reruns together. Every sample's stack is put in one kind of work, by the outermost frame
that says what the run was doing (see ``KINDS``): queries, ``st.cache_data`` hits, pandas in
tfc_dash, the access policy, Altair spec building (the charts and ``to_dict`` when Streamlit
takes a chart), serialization (Arrow for tables and chart data, JSON specs, protobuf messages
and their hashes), Streamlit's own element and runner code, imports. The shares are applied to
the warm reruns timed again without the profiler, to give milliseconds.

Serialization of the messages for the websocket happens outside the script thread, on the
server's event loop: it is timed on its own (``websocket_serialization_ms``: every message of a
run through ``serialize_forward_msg``).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INTERVAL_S = 0.001

# (kind, does a frame's file path contain one of these): the first kind found from the outside
# in names the sample; "look deeper" kinds are refined by what runs inside them.
QUERIES = ("tfc_dash/figures/queries.py", "tfc_dash/store/database.py",
           "tfc_dash/figures/coverage.py", "/sqlalchemy/", "/sqlite3/", "/psycopg/")  # fmt: skip
ALTAIR = (
    "tfc_dash/charts/progress_charts.py",
    "_charts.py",
    "tfc_dash/charts/maps.py",
    "/altair/",
    "/jsonschema/",
)
ARROW = ("/pyarrow/", "streamlit/dataframe_util.py", "streamlit/elements/lib/column_config")
JSON = ("/json/",)
APP_CODE = ("/tfc_dash/", "/pages/", "/ui.py", "/app.py")
PROTOBUF = ("/google/protobuf/", "forward_msg_cache.py", "streamlit/util.py", "runtime_util.py")
KINDS = (
    "imports (first run)",
    "AppTest only: compiling the scripts again",
    "queries (SQL and frames from rows)",
    "st.cache_data hits (hashing arguments, copying results)",
    "access policy",
    "pandas and figures in tfc_dash",
    "Altair spec building",
    "chart images (vl-convert)",
    "serialization: Arrow",
    "serialization: JSON specs",
    "serialization: protobuf and hashes",
    "Streamlit element overhead",
    "st.secrets (read again when there is no secrets file)",
    "Streamlit runner, navigation, session state",
    "page and router code",
    "other",
)


def _path(frame: str) -> str:
    parts = frame.split("\x01", 1)[0].split("\x00")
    return parts[1] if len(parts) > 1 else ""


def _has(path: str, needles: tuple[str, ...]) -> bool:
    return any(n in path for n in needles)


def classify(stack: list[str]) -> str:
    """The kind of work of one sample (its frames from the outermost in)."""
    paths = [_path(f) for f in stack]
    if any(p.startswith("<frozen importlib") for p in paths):
        return "imports (first run)"
    if any(p.endswith(("scriptrunner/magic.py", "scriptrunner/script_cache.py")) for p in paths):
        # AppTest makes a new ScriptCache every run; a server compiles each script once.
        return "AppTest only: compiling the scripts again"
    if any(p.endswith("runtime/secrets.py") for p in paths):
        return "st.secrets (read again when there is no secrets file)"
    return _kind(paths)


def _kind(paths: list[str]) -> str:
    for i, path in enumerate(paths):
        inner = paths[i + 1 :]
        if "streamlit/runtime/caching/" in path:
            # A miss runs the cached function: its work is what it does. A hit hashes the
            # arguments and copies the stored result.
            ran = next((j for j, p in enumerate(inner) if _has(p, APP_CODE)), None)
            if ran is not None:
                return _kind(inner[ran:])
            return "st.cache_data hits (hashing arguments, copying results)"
        if _has(path, QUERIES):
            return "queries (SQL and frames from rows)"
        if "/vl_convert/" in path:
            return "chart images (vl-convert)"
        if "tfc_dash/figures/policy.py" in path:
            return "access policy"
        if _has(path, ALTAIR):
            if any("/vl_convert/" in p for p in inner):
                return "chart images (vl-convert)"
            return "Altair spec building"
        if "streamlit/elements/" in path or "streamlit/delta_generator.py" in path:
            for deeper in inner:
                if _has(deeper, ALTAIR):
                    return "Altair spec building"
                if _has(deeper, ARROW):
                    return "serialization: Arrow"
                if _has(deeper, JSON):
                    return "serialization: JSON specs"
                if _has(deeper, PROTOBUF):
                    return "serialization: protobuf and hashes"
            return "Streamlit element overhead"
        if "streamlit/runtime/scriptrunner_utils/script_run_context.py" in path and any(
            _has(p, PROTOBUF) for p in inner
        ):
            return "serialization: protobuf and hashes"
        if "/tfc_dash/" in path and "tfc_dash/web/store_cache.py" not in path:
            if any("/vl_convert/" in p for p in inner):
                return "chart images (vl-convert)"
            return "pandas and figures in tfc_dash"
        if "/pandas/" in path or "/numpy/" in path:
            return "pandas and figures in tfc_dash"
    if any("/streamlit/" in p for p in paths[-1:]):
        return "Streamlit runner, navigation, session state"
    if any(p.endswith(("app.py", "ui.py")) or "/pages/" in p for p in paths[-1:]):
        return "page and router code"
    if any("/streamlit/" in p for p in paths):
        return "Streamlit runner, navigation, session state"
    return "other"


def shares(records: list[tuple[list[str], float]]) -> dict[str, float]:
    """Seconds of each kind of work over the records."""
    found: Counter[str] = Counter()
    for stack, seconds in records:
        found[classify(stack)] += seconds
    return {kind: found[kind] for kind in KINDS if found[kind]}


def top_functions(records: list[tuple[list[str], float]], count: int = 12) -> list[dict]:
    """The functions with the most time of their own (leaf frames)."""
    found: Counter[str] = Counter()
    for stack, seconds in records:
        leaf = stack[-1].split("\x01", 1)[0].split("\x00")
        name = f"{leaf[0]} ({'/'.join(leaf[1].split('/')[-2:]) if len(leaf) > 1 else ''})"
        found[name] += seconds
    return [{"function": k, "s": round(v, 4)} for k, v in found.most_common(count)]


def app_sites(records: list[tuple[list[str], float]], count: int = 10) -> list[dict]:
    """Where in the app's own code the time is spent: the innermost frame of tfc_dash, pages,
    ui.py or app.py on each sample's stack (the line of the app that asked for the work), with
    the kind of that work."""
    found: Counter[tuple[str, str]] = Counter()
    for stack, seconds in records:
        site = next((f for f in reversed(stack) if _has(_path(f), APP_CODE)), None)
        if site is None:
            continue
        name, path = site.split("\x01", 1)[0].split("\x00")[:2]
        line = next((a[1:] for a in site.split("\x01")[1:] if a.startswith("l")), "")
        where = f"{'/'.join(path.split('/')[-2:])}:{line} {name}"
        found[(where, classify(stack))] += seconds
    return [{"site": w, "kind": k, "s": round(v, 4)} for (w, k), v in found.most_common(count)]


class ScriptThreadProfiler:
    """Profile every script run of AppTest in its own thread (pyinstrument samples the thread
    that starts it), keeping each run's session."""

    def __init__(self) -> None:
        self.sessions: list = []
        self.enabled = True

    def __enter__(self) -> ScriptThreadProfiler:
        from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

        self._original = original = ScriptRunner._run_script
        profiler = self

        def run_script(runner, rerun_data):  # type: ignore[no-untyped-def]
            if not profiler.enabled:
                return original(runner, rerun_data)
            from pyinstrument import Profiler

            p = Profiler(interval=INTERVAL_S, async_mode="disabled")
            p.start()
            try:
                return original(runner, rerun_data)
            finally:
                profiler.sessions.append(p.stop())

        ScriptRunner._run_script = run_script  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

        ScriptRunner._run_script = self._original  # type: ignore[method-assign]


def _summary(sessions: list, per_run_ms: float | None) -> dict:
    records = [(stack, t) for s in sessions for stack, t in s.frame_records]
    total = sum(t for _, t in records) or 1.0
    kinds = shares(records)
    return {
        "runs": len(sessions),
        "profiled_ms_per_run": round(total * 1000 / max(len(sessions), 1), 1),
        "kinds": {
            k: {
                "share": round(v / total, 3),
                "ms": round(per_run_ms * v / total, 1) if per_run_ms else None,
            }
            for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])
        },
        "top_functions": top_functions(records),
        "app_sites": [
            {
                **site,
                "share": round(site["s"] / total, 3),
                "ms": round(per_run_ms * site["s"] / total, 1) if per_run_ms else None,
            }
            for site in app_sites(records)
        ],
    }


def _websocket_serialization_ms(messages: list[bytes], repeats: int = 20) -> float:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.runtime_util import serialize_forward_msg

    parsed = [ForwardMsg.FromString(m) for m in messages]
    began = time.perf_counter()
    for _ in range(repeats):
        for msg in parsed:
            serialize_forward_msg(msg)
    return round((time.perf_counter() - began) * 1000 / repeats, 2)


def measure(db_url: str, out: Path, runs: int, view_name: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from pyinstrument.session import Session

    from bench import floor
    from bench.apptest_timing import navigation_shim, open_page
    from bench.views import busiest_project, page_views

    view = next(v for v in page_views(busiest_project(db_url)) if v.name == view_name)
    out.mkdir(parents=True, exist_ok=True)
    slug = view.name.replace(" ", "-").replace("(", "").replace(")", "")
    with navigation_shim(), floor.recording() as take, ScriptThreadProfiler() as profiler:
        at = open_page(db_url, view.script, view.query)
        began = time.perf_counter()
        at.run()
        cold_s = time.perf_counter() - began  # with the profiler's overhead
        cold = list(profiler.sessions)
        profiler.sessions.clear()
        for _ in range(runs):
            at.run()
        warm = list(profiler.sessions)
        profiler.enabled = False
        timed = []
        for _ in range(runs):
            began = time.perf_counter()
            at.run()
            timed.append(time.perf_counter() - began)
        messages = take(view.name, view.query).messages
        if at.exception:
            raise RuntimeError(f"{view.name}: {at.exception[0].value}")
    warm_ms = statistics.median(timed) * 1000
    for name, sessions in (("cold", cold), ("warm", warm)):
        combined = sessions[0]
        for s in sessions[1:]:
            combined = Session.combine(combined, s)
        from pyinstrument.renderers import HTMLRenderer

        (out / f"{slug}-{name}.html").write_text(HTMLRenderer().render(combined))
    return {
        "name": view.name,
        "warm_median_ms": round(warm_ms, 1),
        "cold_profiled_s": round(cold_s, 3),
        "cold": _summary(cold, cold_s * 1000),
        "warm": _summary(warm, warm_ms),
        "websocket_serialization_ms": _websocket_serialization_ms(messages),
        "messages": len(messages),
        "message_bytes": sum(len(m) for m in messages),
        "html": [str(out / f"{slug}-cold.html"), str(out / f"{slug}-warm.html")],
    }


if __name__ == "__main__":
    db, folder, count, name = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    print(json.dumps(measure(db, folder, count, name)))
