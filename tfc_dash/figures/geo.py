"""Map shapes: the 50 states and the legislative districts that have shapes, as small TopoJSON.

The full shapes in ``data/geo`` are too big to send with every chart; ``scripts/simplify_shapes.py``
makes the simplified ``*.topo.json`` files the maps draw (each a few tens of KB, so a chart's spec
stays under 50 KB). A chart carries its shapes as a JSON *string*: Vega parses it in the browser,
and Altair does not validate (or copy) tens of thousands of coordinates on every rerun.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeAlias

import openstates_metadata

from tfc_dash.core.config import DATA_DIR
from tfc_dash.figures.filters import FIFTY_STATES

GEO_DIR = DATA_DIR / "geo"


@dataclass(frozen=True)
class ShapeFile:
    file: str
    object_name: str  # the TopoJSON object holding one geometry per shape
    description: str


# Which chambers have district shapes. Others are drawn as a tile grid of their districts.
DISTRICT_SHAPES: dict[tuple[str, str], ShapeFile] = {
    ("VA", "lower"): ShapeFile(
        "va_lower_2011.topo.json", "districts", "Virginia House of Delegates districts, 2011 plan"
    ),
    ("VA", "upper"): ShapeFile(
        "va_upper_2011.topo.json", "districts", "Virginia Senate districts, 2011 plan"
    ),
}
US_STATES = ShapeFile("us_states.topo.json", "states", "the 50 states")


class ShapesError(Exception):
    """Shapes that cannot be used; the message says which file and why."""


# Parts of a state a map can zoom to, as (west, south, east, north) in degrees: a district is in
# an area when the centre of its bounding box is.
AREAS: dict[str, dict[str, tuple[float, float, float, float]]] = {
    "VA": {
        "Northern Virginia": (-77.95, 38.45, -76.95, 39.35),
        "Richmond": (-77.75, 37.2, -77.1, 37.85),
        "Hampton Roads": (-76.75, 36.5, -75.85, 37.3),
    },
}


@dataclass(frozen=True)
class Shapes:
    text: str  # the TopoJSON, compact, for a chart to parse in the browser
    object_name: str
    ids: frozenset[str]  # geometry ids as text (district names, FIPS codes)
    description: str
    centers: tuple[tuple[str, float, float], ...] = ()  # (id, longitude, latitude)

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8"))

    def ids_within(self, box: tuple[float, float, float, float]) -> frozenset[str]:
        """The ids of the shapes whose centre lies in ``box`` (west, south, east, north)."""
        west, south, east, north = box
        return frozenset(i for i, x, y in self.centers if west <= x <= east and south <= y <= north)


# A TopoJSON geometry's "arcs": arc indexes nested in lists as deep as its type needs.
_ArcIndexes: TypeAlias = int | list["_ArcIndexes"]


def _centers(topo: dict, geometries: list[dict]) -> tuple[tuple[str, float, float], ...]:
    """The centre of each geometry's bounding box, from the quantized, delta-encoded arcs."""
    transform = topo.get("transform") or {"scale": [1, 1], "translate": [0, 0]}
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def arc_indexes(nested: _ArcIndexes) -> list[int]:
        if isinstance(nested, int):
            return [nested]
        return [i for item in nested for i in arc_indexes(item)]

    centers = []
    for g in geometries:
        points = [p for i in arc_indexes(g.get("arcs", [])) for p in arcs[i if i >= 0 else ~i]]
        if points:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            centers.append((str(g["id"]), (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2))
    return tuple(centers)


@lru_cache(maxsize=16)
def _read(path: Path, object_name: str, description: str) -> Shapes:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ShapesError(f"the shapes file {path.name} is missing from {path.parent}") from None
    except OSError as exc:
        raise ShapesError(f"the shapes file {path.name} cannot be read ({exc})") from None
    try:
        topo = json.loads(raw)
        geometries = topo["objects"][object_name]["geometries"]
        ids = frozenset(str(g["id"]) for g in geometries)
        centers = _centers(topo, geometries)
    except (ValueError, KeyError, TypeError, IndexError):
        raise ShapesError(
            f"the shapes file {path.name} is not TopoJSON with an object {object_name!r} whose "
            "geometries have ids"
        ) from None
    text = json.dumps(topo, separators=(",", ":"))
    return Shapes(text, object_name, ids, description, centers)


def load(shape_file: ShapeFile, directory: Path | None = None) -> Shapes:
    """The shapes of ``shape_file``; raises ShapesError when they cannot be used."""
    path = (directory or GEO_DIR) / shape_file.file
    return _read(path, shape_file.object_name, shape_file.description)


def district_shapes(state: str, chamber: str, directory: Path | None = None) -> Shapes | None:
    """The chamber's district shapes; None when there are none for it (draw tiles instead).

    Raises ShapesError when the chamber should have shapes but the file cannot be used.
    """
    shape_file = DISTRICT_SHAPES.get((state, chamber))
    if shape_file is None:
        return None
    return load(shape_file, directory)


def us_states(directory: Path | None = None) -> Shapes:
    return load(US_STATES, directory)


@lru_cache(maxsize=1)
def state_fips() -> dict[str, int]:
    """USPS code -> FIPS code for the 50 states (the ids of the US shapes)."""
    return {abbr: int(openstates_metadata.lookup(abbr=abbr.lower()).fips) for abbr in FIFTY_STATES}
