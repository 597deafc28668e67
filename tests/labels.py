"""Every labelled figure an AppTest run shows: scorecards, table headers, chart titles and axes,
CSV headers (used by the catalogue's page tests); and what no page may show, in AppTest or in a
browser: a missing value printed raw, or a code name instead of its label."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import table_headers
from tfc_dash.core import catalogue
from tfc_dash.ingest import contract
from tfc_dash.store.models import CATEGORIES

# Pages that name the ops spreadsheet's columns on purpose (the contract people type into it).
NAMES_COLUMNS = {"data_health", "glossary"}


def known_codes() -> set[str]:
    """The snake_case names a page must never show: the catalogue's, the contract's, the
    categories'."""
    names = set(catalogue.FIGURES) | set(catalogue.COLUMNS) | set(CATEGORIES)
    for tab in contract.TABS:
        names |= {c.name for c in tab.columns}
    return {n for n in names if "_" in n}


RAW = re.compile(r"(?<![\w.])(None|nan|NaN|NaT)(?![\w])")


@dataclass(frozen=True)
class Shown:
    kind: str  # metric, column, chart_title, axis, csv
    label: str
    value: str | None = None
    where: str = ""


def _text(title: Any) -> str | None:
    if isinstance(title, str):
        return title
    if isinstance(title, dict):
        return _text(title.get("text"))
    if isinstance(title, list):
        return " ".join(t for t in title if isinstance(t, str)) or None
    return None


def _walk(spec: Any) -> Iterator[tuple[str, str]]:
    """(kind, text) of every title in a vega-lite spec: chart titles and encoding titles."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "title" and _text(value):
                yield "chart_title", _text(value)  # type: ignore[misc]
            elif key == "encoding" and isinstance(value, dict):
                for channel in value.values():
                    if not isinstance(channel, dict):
                        continue
                    title = channel.get("title", (channel.get("axis") or {}).get("title"))
                    if isinstance(channel.get("axis"), dict) and "title" in channel["axis"]:
                        title = channel["axis"]["title"]
                    if isinstance(channel.get("legend"), dict) and "title" in channel["legend"]:
                        title = channel["legend"]["title"]
                    if _text(title):
                        yield "axis", _text(title)  # type: ignore[misc]
                    for item in channel.get("tooltip", []) if channel else []:
                        if isinstance(item, dict) and _text(item.get("title")):
                            yield "axis", _text(item["title"])  # type: ignore[misc]
                    if isinstance(channel, list):
                        pass
                tooltip = value.get("tooltip")
                if isinstance(tooltip, list):
                    for item in tooltip:
                        if isinstance(item, dict) and _text(item.get("title")):
                            yield "axis", _text(item["title"])  # type: ignore[misc]
            elif key in ("data", "datasets", "config", "params", "transform"):
                continue
            else:
                yield from _walk(value)
    elif isinstance(spec, list):
        for item in spec:
            yield from _walk(item)


def shown(
    at: AppTest,
    served: Mapping[str, tuple[str | None, Any]] | None = None,
    where: str = "",
) -> list[Shown]:
    found: list[Shown] = []
    for metric in at.metric:
        found.append(Shown("metric", metric.label, metric.value, where))
    for table in at.dataframe:
        found += [Shown("column", h, None, where) for h in table_headers(table)]
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        found += [Shown(kind, text, None, where) for kind, text in _walk(spec)]
    if served is not None:
        for button in at.download_button:
            key = button.proto.url or button.proto.deferred_file_id
            if key not in served:
                continue
            name, data = served[key]
            if not str(name).endswith(".csv"):
                continue
            if callable(data):
                data = data()
            text = data.decode("utf-8-sig") if isinstance(data, bytes) else str(data)
            header = next(csv.reader(io.StringIO(text)), [])
            found += [Shown("csv", h, None, f"{where} {name}") for h in header]
    return found


Runner = Callable[..., AppTest]


def read_labelled_csv(data: bytes, **options: Any) -> Any:
    """A downloaded CSV (headers are catalogue labels) with its columns back under their
    catalogue names, so that a test can compare it with the store's columns."""
    import pandas as pd

    from tfc_dash.core import catalogue

    names = {f.label: f.name for f in catalogue.FIGURES.values()}
    names |= {text: name for name, text in catalogue.COLUMNS.items()}
    return pd.read_csv(io.BytesIO(data), **options).rename(columns=names)
