"""The simplified shapes: what they hold, that they come from the full shapes, and bad files."""

import json
from pathlib import Path

import pytest

from tfc_dash.figures import coverage, geo

GEO = Path(__file__).resolve().parent.parent / "data" / "geo"


def decoded_bbox(topo: dict) -> tuple[float, float, float, float]:
    """The bounding box of a quantized TopoJSON's arcs, in longitude and latitude."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    xs, ys = [], []
    for arc in topo["arcs"]:
        x = y = 0
        for dx, dy in arc:
            x, y = x + dx, y + dy
            xs.append(x * sx + tx)
            ys.append(y * sy + ty)
    return min(xs), min(ys), max(xs), max(ys)


def geojson_bbox(path: Path) -> tuple[float, float, float, float]:
    xs, ys = [], []

    def walk(coords):
        if isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for c in coords:
                walk(c)

    for feature in json.loads(path.read_text())["features"]:
        walk(feature["geometry"]["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)


@pytest.mark.parametrize(
    ("chamber", "source", "count"),
    [
        ("lower", "va_house_districts_2011_plan.geojson", 100),
        ("upper", "va_senate_districts_2011_plan.geojson", 40),
    ],
)
def test_virginia_district_shapes(chamber, source, count):
    shapes = geo.district_shapes("VA", chamber)
    assert shapes is not None
    assert shapes.ids == set(coverage.chamber_districts("VA", chamber))
    assert len(shapes.ids) == count
    assert shapes.size < 30_000  # small enough to travel with a chart
    topo = json.loads(shapes.text)
    # Simplified from the full shapes: the same extent, to within a few hundred metres.
    for got, want in zip(decoded_bbox(topo), geojson_bbox(GEO / source), strict=True):
        assert got == pytest.approx(want, abs=0.01)
    full_ids = {f["properties"]["NAME"] for f in json.loads((GEO / source).read_text())["features"]}
    assert full_ids == shapes.ids


def test_us_state_shapes_are_the_fifty_states():
    shapes = geo.us_states()
    fips = geo.state_fips()
    assert len(fips) == 50 and fips["VA"] == 51 and fips["WY"] == 56
    assert shapes.ids == {str(f) for f in fips.values()}
    source = json.loads((GEO / "us-10m.json").read_text())
    source_ids = {g["id"] for g in source["objects"]["states"]["geometries"]}
    assert source_ids - {11, 72, 78} == set(fips.values())  # less DC, Puerto Rico, USVI
    assert shapes.size < 20_000


def test_chambers_without_shapes():
    assert geo.district_shapes("PA", "lower") is None
    assert geo.district_shapes("VA", "congress") is None


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "is missing"),
        ("{not json", "is not TopoJSON"),
        ('{"type": "Topology", "objects": {"other": {}}, "arcs": []}', "is not TopoJSON"),
    ],
)
def test_unusable_shape_files_raise_shapes_error(tmp_path, content, fragment):
    if content is not None:
        (tmp_path / "va_lower_2011.topo.json").write_text(content)
    with pytest.raises(geo.ShapesError, match=fragment):
        geo.district_shapes("VA", "lower", tmp_path)


@pytest.mark.parametrize(
    ("chamber", "area", "inside", "outside"),
    [
        ("lower", "Northern Virginia", {"13", "34", "86"}, {"94", "68", "1"}),
        ("lower", "Richmond", {"68", "71"}, {"13", "94"}),
        ("lower", "Hampton Roads", {"94", "21", "83"}, {"13", "68"}),
        ("upper", "Northern Virginia", {"13", "31"}, {"1", "9"}),
    ],
)
def test_zoom_areas_hold_their_districts(chamber, area, inside, outside):
    ids = geo.district_shapes("VA", chamber).ids_within(geo.AREAS["VA"][area])
    assert inside <= ids
    assert not outside & ids
