"""Reading what an AppTest run showed, and signing in under AppTest: one set for every test that
runs the app with ``streamlit.testing`` (conftest.py's ``run_app`` fixture).

Scorecards, chart specs and rows, table headers, page text and downloads come back as plain
values, for the tests to compare with plain SQL (tests/dbtools.py) or pandas.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pyarrow as pa
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

Served = Mapping[str, tuple[str | None, bytes | str | Callable[[], bytes | str]]]

# --- signing in ----------------------------------------------------------------------------------
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "COOKIE-SECRET-SENTINEL",
    "client_id": "CLIENT-ID-SENTINEL",
    "client_secret": "CLIENT-SECRET-SENTINEL",
    "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration",
}
ROLES = {
    "founders": ["Founder@TFC.example"],
    "fundraising": ["money@tfc.example"],
    "state_leads": {"va-lead@tfc.example": ["VA"], "pa-lead@tfc.example": ["pa", "OH"]},
}
SECRETS = {"auth": AUTH, "roles": ROLES}  # login configured, with a user of each role


def logged_in(email: str | None) -> dict[str, object]:
    """``run_app(user=...)``: a user signed in with ``email``."""
    return {"is_logged_in": True, "email": email}


# --- scorecards ----------------------------------------------------------------------------------
def metric_texts(at: AppTest) -> dict[str, str]:
    """Each scorecard's value as shown, by label."""
    return {m.label: m.value for m in at.metric}


def metric_numbers(at: AppTest, *, of_goal: bool = False) -> dict[str, int]:
    """Each scorecard's value as a whole number ("1,234" reads 1234), by label; ``of_goal``:
    the scorecards may name their goal ("295 of 500" reads 295)."""
    return {
        label: int((number(value) if of_goal else value).replace(",", ""))
        for label, value in metric_texts(at).items()
    }


def number(value: str) -> str:
    """A scorecard's value without its goal suffix ("295 of 500" reads 295)."""
    return value.split(" of ")[0]


# --- charts --------------------------------------------------------------------------------------
def chart_elements(at: AppTest) -> list[Any]:
    """The run's Vega-Lite charts, in page order."""
    return list(at.get("vega_lite_chart"))


def chart_specs(at: AppTest) -> list[dict]:
    """Each chart's Vega-Lite spec, in page order."""
    return [json.loads(el.proto.spec) for el in chart_elements(at)]


def dataset_rows(dataset: Any) -> list[dict]:
    """The rows of one of a chart's datasets (Streamlit ships them as Arrow beside the spec)."""
    return pa.ipc.open_stream(dataset.data.data).read_all().to_pylist()


def chart_rows(element: Any) -> list[dict]:
    """Every data row of a chart element, all its datasets together."""
    rows: list[dict] = []
    for dataset in element.proto.datasets:
        rows += dataset_rows(dataset)
    return rows


# --- tables --------------------------------------------------------------------------------------
def visible_columns(element: Any) -> list[tuple[str, dict | None]]:
    """A table element's shown columns in order, each with its column_config entry (or None)."""
    frame = element.value
    raw = getattr(element.proto, "columns", "")
    config: dict[str, Any] = json.loads(raw) if raw else {}
    order = list(getattr(element.proto, "column_order", []) or []) or list(frame.columns)
    shown = []
    for name in order:
        if name not in frame.columns:
            continue
        entry = config.get(str(name))
        if entry is not None and entry.get("hidden"):
            continue
        shown.append((name, entry))
    return shown


def table_headers(element: Any) -> list[str]:
    """The headers a reader sees: each column's label from column_config, else its name."""
    return [
        str(entry["label"]) if isinstance(entry, dict) and entry.get("label") else str(name)
        for name, entry in visible_columns(element)
    ]


# --- text ----------------------------------------------------------------------------------------
def values_text(elements: Iterable[Any]) -> str:
    """The values of some elements (``at.caption``, say), a line each."""
    return "\n".join(el.value for el in elements)


def page_text(at: AppTest) -> str:
    """Every piece of text the run put on the page (main and sidebar)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info",
                 "warning", "error", "success", "metric", "button"):  # fmt: skip
        for el in getattr(at, kind):
            parts.append(str(getattr(el, "value", "")) + " " + str(getattr(el, "label", "")))
    return "\n".join(parts)


def downloads(at: AppTest, served: Served) -> dict[str, bytes]:
    """Each download button's file, by file name (needs conftest's ``served`` fixture)."""
    found = {}
    for button in at.download_button:
        name, data = served[button.proto.url or button.proto.deferred_file_id]
        if callable(data):  # made when clicked
            data = data()
        found[str(name)] = data if isinstance(data, bytes) else data.encode()
    return found


def output(at: AppTest, served: Served) -> str:
    """Everything the run put out, as one text: elements, table cells, chart rows, downloads."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Block):
            for child in node.children.values():
                walk(child)
            return
        kind = getattr(node, "type", "")
        if kind == "dataframe":
            parts.append(node.value.to_csv(index=False))
        elif kind == "vega_lite_chart":
            parts.append(node.proto.spec)
            for dataset in node.proto.datasets:
                parts.append(json.dumps(dataset_rows(dataset), default=str))
        parts.append(str(getattr(node, "proto", "")))

    walk(at._tree)
    for name, data in downloads(at, served).items():
        parts.append(name)
        parts.append(data.decode("utf-8", errors="ignore"))
    return "\n".join(parts)
