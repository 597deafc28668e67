"""What every page sends to the screen, under AppTest (issue 13): the tables hold no missing value
(the grid would print "None"; a dash instead), every legend entry has a mark in the chart's data,
and the text names no column or category by its code.

The browser test (test_browser_display.py) sees the layout; the tables' cells and the charts'
data are read here, from what the page hands Streamlit (the grid and the charts draw on canvases).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from tests.apptest_helpers import visible_columns
from tests.labels import NAMES_COLUMNS, RAW, known_codes
from tfc_dash.core import catalogue
from tfc_dash.figures import policy

VIEWS = {
    "default": {},
    "state": {"state": "VA"},
    "past_cycle": {"cycle": "2017"},
    "early": {"as_of": "2018-06-01"},
}
PAGES = list(policy.ALL_PAGES)


def table_gaps(element: Any) -> list[str]:
    """The shown columns of a table element that hold a missing value the grid would print as
    "None" (no placeholder)."""
    if element.proto.placeholder == catalogue.MISSING:  # the grid writes a dash for them
        return []
    frame = element.value
    return [str(name) for name, _ in visible_columns(element) if frame[name].isna().any()]


def _units(spec: Any, data: Any = None) -> list[tuple[dict, Any]]:
    """Each single view of a spec with the data it draws (its own, else its parent's)."""
    if not isinstance(spec, dict):
        return []
    data = spec.get("data", data)
    found = [(spec, data)] if "mark" in spec else []
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            found += _units(child, data)
    if isinstance(spec.get("spec"), dict):
        found += _units(spec["spec"], data)
    return found


def legend_without_mark(spec: dict, datasets: dict[str, pd.DataFrame]) -> list[str]:
    """Legend entries (a colour scale's explicit domain) that no mark of the chart draws."""
    drawn: dict[str, set[str]] = {}
    listed: dict[str, list[str]] = {}
    for unit, data in _units(spec):
        frame = datasets.get((data or {}).get("name", ""), pd.DataFrame())
        color = (unit.get("encoding") or {}).get("color")
        if not isinstance(color, dict) or "field" not in color:
            continue
        field = color["field"]
        if field in frame.columns:
            drawn.setdefault(field, set()).update(frame[field].dropna().astype(str))
        domain = (color.get("scale") or {}).get("domain")
        if isinstance(domain, list) and color.get("legend", {}) is not None:
            listed.setdefault(field, []).extend(str(v) for v in domain)
    return [
        value
        for field, values in listed.items()
        for value in dict.fromkeys(values)
        if value not in drawn.get(field, set())
    ]


def text_problems(at: Any, page: str) -> list[str]:
    codes = known_codes() if page not in NAMES_COLUMNS else set()
    found = []
    for kind in ("title", "caption", "markdown", "info", "warning", "success", "error"):
        for element in at.get(kind):
            text = re.sub(r"`[^`]*`", "", str(getattr(element, "value", "") or ""))
            for match in RAW.finditer(text):
                found.append(f"{kind} shows {match.group(1)!r}: {text[:80]!r}")
            words = set(re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", text))
            found += [f"{kind} shows the code {c!r}: {text[:80]!r}" for c in words & codes]
    for metric in at.metric:
        for part in (metric.label, metric.value):
            if RAW.search(str(part)):
                found.append(f"scorecard {metric.label!r} shows {metric.value!r}")
    return found


def page_problems(at: Any, page: str) -> list[str]:
    problems = [f"exception: {e.value}" for e in at.exception]
    for table in at.dataframe:
        gaps = table_gaps(table)
        if gaps:
            problems.append(f"table with missing values (shown as None) in {gaps}")
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        datasets = {
            d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets
        }
        if chart.proto.data.data:
            spec.setdefault("data", {"name": "_inline"})
            datasets["_inline"] = convert_arrow_bytes_to_pandas_df(chart.proto.data.data)
        missing = legend_without_mark(spec, datasets)
        if missing:
            problems.append(f"legend lists {missing} without drawing them")
    return problems + text_problems(at, page)


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_page_sends_no_raw_value(run_app, view):
    at = run_app(query=VIEWS[view] or None)
    problems: list[str] = []
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        problems += [f"{page} {VIEWS[view]}: {p}" for p in page_problems(at, page)]
    assert not problems, "\n".join(problems)


def test_the_legend_check_fails_on_an_undrawn_series():
    spec = {
        "data": {"name": "d"},
        "layer": [
            {
                "mark": "line",
                "encoding": {
                    "color": {"field": "line", "scale": {"domain": ["Started", "Pace needed"]}}
                },
            }
        ],
    }
    datasets = {"d": pd.DataFrame({"line": ["Started", "Started"]})}
    assert legend_without_mark(spec, datasets) == ["Pace needed"]
    datasets = {"d": pd.DataFrame({"line": ["Started", "Pace needed"]})}
    assert legend_without_mark(spec, datasets) == []


def test_the_table_check_fails_on_a_gap_without_the_dash():
    from types import SimpleNamespace

    frame = pd.DataFrame({"margin": [0.1, None], "race": ["VA HD-10", "VA HD-13"]})
    bare = SimpleNamespace(value=frame, proto=SimpleNamespace(placeholder="", columns=""))
    assert table_gaps(bare) == ["margin"]
    dashed = SimpleNamespace(
        value=frame, proto=SimpleNamespace(placeholder=catalogue.MISSING, columns="")
    )
    assert table_gaps(dashed) == []
