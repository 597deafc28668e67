"""What each chart of a page sends to the browser: its spec (shapes included) and its data.

The maps carry their shapes inside the spec, so this is the figure to watch as shapes are added:
every chart must stay at most ``LIMIT_BYTES``.
"""

from __future__ import annotations

from typing import Any

LIMIT_BYTES = 50_000


def chart_bytes(element: Any) -> int:
    """Bytes of one ``vega_lite_chart`` element of an AppTest: spec plus Arrow datasets."""
    proto = element.proto
    datasets = sum(len(d.data.data) for d in proto.datasets)
    return len(proto.spec.encode("utf-8")) + datasets + len(proto.data.data)


def chart_sizes(at: Any) -> list[int]:
    """The size of every chart on the page an AppTest last ran, in page order."""
    return [chart_bytes(element) for element in at.get("vega_lite_chart")]
