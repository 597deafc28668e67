"""Make the small TopoJSON files the maps draw, from the full shapes in data/geo.

    python scripts/simplify_shapes.py            # needs node and npm (runs mapshaper with npx)

The full shapes are too big to send with every chart (1.3 MB for Virginia's House districts):
each chart's spec must stay under 50 KB. mapshaper builds a topology (shared borders are stored
once, so simplifying keeps neighbours flush), simplifies it with weighted Visvalingam keeping
every shape, and quantizes the coordinates. This script then drops what the maps do not use
(properties: the district or FIPS code is the geometry's ``id``), checks the result and writes
compact JSON. The output is committed; the app never runs this.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEO = ROOT / "data" / "geo"
MAPSHAPER = ["npx", "--yes", "mapshaper@0.7.70"]
QUANTIZATION = "quantization=10000"

# output file -> (source file, mapshaper commands between input and output, object name)
# us-10m.json holds counties and land too; its states layer is exported alone first, so that the
# county borders do not split the state borders into short arcs that cannot be simplified.
JOBS: dict[str, tuple[str, list[str], str]] = {
    "va_lower_2011.topo.json": (
        "va_house_districts_2011_plan.geojson",
        ["-filter-fields", "NAME", "-rename-fields", "district=NAME",
         "-simplify", "5%", "weighted", "keep-shapes"],
        "districts",
    ),
    "va_upper_2011.topo.json": (
        "va_senate_districts_2011_plan.geojson",
        ["-filter-fields", "NAME", "-rename-fields", "district=NAME",
         "-simplify", "5%", "weighted", "keep-shapes"],
        "districts",
    ),
    "us_states.topo.json": (
        "us-10m.json",
        # The 50 states only: no DC (11), Puerto Rico (72) or US Virgin Islands (78). Islands
        # under 300 km² are invisible at this scale and cost bytes.
        ["-filter-islands", "min-area=300km2", "remove-empty",
         "-simplify", "6%", "weighted", "keep-shapes"],
        "states",
    ),
}  # fmt: skip
ID_FIELD = {"districts": "district", "states": "FID"}


def run(args: list[str]) -> None:
    print("$", " ".join(args))
    subprocess.run(args, check=True)


def states_layer(source: Path, workdir: Path) -> Path:
    out = workdir / "states.geojson"
    run([*MAPSHAPER, "-i", str(source), "-target", "states",
         "-filter", "FID != 11 && FID != 72 && FID != 78",
         "-o", str(out), "format=geojson", "target=states"])  # fmt: skip
    return out


def simplify(name: str, workdir: Path) -> dict:
    source_name, commands, layer = JOBS[name]
    source = GEO / source_name
    if source_name == "us-10m.json":
        source = states_layer(source, workdir)
    out = workdir / name
    output = ["-o", str(out), "format=topojson", QUANTIZATION, f"id-field={ID_FIELD[layer]}"]
    run([*MAPSHAPER, "-i", str(source), f"name={layer}", *commands, *output])
    topo = json.loads(out.read_text())
    geometries = topo["objects"][layer]["geometries"]
    for geometry in geometries:
        geometry.pop("properties", None)
        geometry["id"] = str(geometry["id"]) if layer == "districts" else int(geometry["id"])
    return topo


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for name in JOBS:
            topo = simplify(name, Path(tmp))
            text = json.dumps(topo, separators=(",", ":"))
            layer = JOBS[name][2]
            count = len(topo["objects"][layer]["geometries"])
            (GEO / name).write_text(text + "\n")
            print(f"wrote data/geo/{name}: {count} shapes, {len(text):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
