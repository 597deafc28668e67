"""Drawing the fundraising kit's charts: Vega-Lite specs to SVG and PNG with vl-convert.

A :class:`KitChart` is drawn once as SVG (:func:`draw`); its PNG is rasterised from that SVG at
twice screen resolution, or laid out again for a posting size (:data:`SIZES`), when it is asked
for (:func:`chart_png`): the page's download and the export get the same bytes. The PNG's text
chunks name the chart (:mod:`tfc_dash.kit.png_meta`).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import altair as alt
import pandas as pd
import vl_convert as vlc

from tfc_dash.charts.kit_charts import Caption
from tfc_dash.charts.theme import brand
from tfc_dash.kit.png_meta import png_with_text

PNG_SCALE = 2  # twice screen resolution


@dataclass(frozen=True)
class Size:
    """A PNG size the fundraising team posts at, and the layout that fills it.

    ``width`` and ``height`` are the PNG's exact pixels; the chart is laid out on a canvas of
    ``width / scale`` by ``height / scale`` (``view_width`` by ``view_height`` for the plot
    itself, the rest for the title, legend, axes and source line) and rasterised at ``scale``.
    """

    key: str
    label: str
    width: int
    height: int
    scale: float
    view_width: int
    view_height: int

    @property
    def suffix(self) -> str:
        return f"-{self.width}x{self.height}"


# The current size (no Size): the chart as laid out, at twice screen resolution.
CURRENT = "current"
SIZES: dict[str, Size] = {
    "link": Size("link", "Link post, 1200 × 675", 1200, 675, 1.5, 680, 230),
    "square": Size("square", "Square, 1080 × 1080", 1080, 1080, 1.5, 600, 480),
}
SIZE_LABELS: dict[str, str] = {
    CURRENT: "Wide (twice screen size)",
    **{key: size.label for key, size in SIZES.items()},
}


@dataclass(frozen=True, eq=False)
class KitChart:
    """One chart of the kit: its aggregates, its rendered files, or why it is missing."""

    key: str
    name: str
    data: pd.DataFrame
    caption: Caption | None = None
    missing: str | None = None
    png: bytes = b""
    svg: bytes = b""
    spec: dict | None = field(default=None, repr=False)  # the Vega-Lite spec it was drawn from

    @property
    def ready(self) -> bool:
        """Drawn: its SVG is there (its PNG is made from it, see :func:`chart_png`)."""
        return self.missing is None and bool(self.svg)


Spec = Callable[[], alt.TopLevelMixin] | None


def render(chart: KitChart, spec: Spec, png: bool = True) -> KitChart:
    """``chart`` with its SVG (and its PNG), or with why it could not be drawn."""
    if not ready_to_draw(chart, spec):
        return chart
    return draw(chart, spec_of(spec), png)


def ready_to_draw(chart: KitChart, spec: Spec) -> bool:
    return chart.missing is None and spec is not None


def spec_of(spec: Spec) -> dict:
    # The kit's own chart builders made the spec and vl-convert checks what it draws, so
    # Altair's schema validation (a tenth of the kit's drawing time) is left out.
    assert spec is not None
    return spec().to_dict(validate=False)


def draw(chart: KitChart, spec: dict, png: bool = True) -> KitChart:
    """``chart`` drawn from its Vega-Lite ``spec``: SVG (and PNG), or why it could not be."""
    try:
        svg = vlc.vegalite_to_svg(spec).encode("utf-8")
        caption = chart.caption or Caption("", "", "")
        drawn = replace(chart, svg=svg, spec=spec)
        return replace(drawn, png=png_from_svg(svg, caption)) if png else drawn
    except ValueError as exc:  # vl-convert's error for a spec it cannot draw
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return replace(chart, missing=f"the chart could not be drawn ({reason}).")


def chart_png(chart: KitChart, size: str = CURRENT) -> bytes:
    """The chart's PNG: rasterised from its SVG at twice screen resolution, or laid out again
    for a posting size (:data:`SIZES`) and exactly that many pixels; titled in its text chunks.
    The same bytes whoever asks (the page's download, the export)."""
    caption = chart.caption or Caption("", "", "")
    if size in SIZES and chart.spec is not None:
        return _cached_sized_png(_spec_json(chart.spec), size, caption)
    if chart.png:
        return chart.png
    return _cached_png(chart.svg, caption)


def _spec_json(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True, default=str)


def sized_spec(spec: dict, size: Size) -> dict:
    """The kit chart's ``spec`` laid out for ``size``: its plot resized, its legend above it."""
    out = copy.deepcopy(spec)
    inner = out["vconcat"][0]
    inner["width"], inner["height"] = size.view_width, size.view_height
    return out


def _svg_length(tag: str, name: str) -> float:
    """The ``name`` attribute (width or height) of an ``<svg>`` start tag, in pixels."""
    found = re.search(rf'\b{name}="([\d.]+)"', tag)
    assert found is not None
    return float(found.group(1))


def fit_svg(svg: str, width: float, height: float, background: str) -> str:
    """``svg`` on a canvas of exactly ``width`` by ``height``: centred, scaled down when it is
    larger, the brand's background all round."""
    root = re.search(r"<svg\b[^>]*>", svg)
    assert root is not None
    tag = root.group(0)
    w, h = _svg_length(tag, "width"), _svg_length(tag, "height")
    shrink = min(width / w, height / h, 1.0)
    box_w, box_h = width / shrink, height / shrink
    x0, y0 = -(box_w - w) / 2, -(box_h - h) / 2
    new_tag = re.sub(r'\s(width|height|viewBox)="[^"]*"', "", tag)
    new_tag = new_tag[:-1] + (
        f' width="{width:g}" height="{height:g}" viewBox="{x0:g} {y0:g} {box_w:g} {box_h:g}">'
        f'<rect x="{x0:g}" y="{y0:g}" width="{box_w:g}" height="{box_h:g}" fill="{background}"/>'
    )
    return svg.replace(tag, new_tag, 1)


def sized_png(spec_json: str, size_key: str, caption: Caption) -> bytes:
    """The chart at ``size_key`` (:data:`SIZES`): exactly its pixels, whatever the content."""
    size = SIZES[size_key]
    svg = vlc.vegalite_to_svg(sized_spec(json.loads(spec_json), size))
    canvas = fit_svg(svg, size.width / size.scale, size.height / size.scale, brand().background)
    png = vlc.svg_to_png(canvas, scale=size.scale)
    return png_with_text(
        png, {"Title": caption.title, "Description": caption.subtitle, "Source": caption.source}
    )


_cached_sized_png = functools.lru_cache(maxsize=64)(sized_png)


def png_from_svg(svg: bytes, caption: Caption) -> bytes:
    # Drawn once as SVG, then rasterised: the same pixels as vegalite_to_png, in about half the
    # time (the spec is compiled and laid out once).
    png = vlc.svg_to_png(svg.decode("utf-8"), scale=PNG_SCALE)
    return png_with_text(
        png, {"Title": caption.title, "Description": caption.subtitle, "Source": caption.source}
    )


# Each session that downloads a chart asks for the same bytes: make them once.
_cached_png = functools.lru_cache(maxsize=32)(png_from_svg)


_warm_up = threading.Lock()
_warmed_up: list[threading.Thread] = []


def warm_up_renderer() -> None:
    """Start vl-convert's JavaScript runtime in the background (once per process).

    Its first conversion waits about 0.4 s for the runtime; started before the queries, that
    wait passes while they run (vl-convert releases the GIL).
    """
    with _warm_up:
        if _warmed_up:
            return
        thread = threading.Thread(target=_first_conversion, name="vl-convert-warm-up", daemon=True)
        _warmed_up.append(thread)
        thread.start()


def _first_conversion() -> None:
    with contextlib.suppress(ValueError):  # the real conversions will say what is wrong
        vlc.vegalite_to_svg({"mark": "point", "data": {"values": []}})
