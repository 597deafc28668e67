"""The maps: what they carry, how big their specs are, and that Vega draws every shape."""

import json
import re
from datetime import date

import pandas as pd
import pytest
import vl_convert as vlc

from tfc_dash.charts import maps
from tfc_dash.figures import coverage, geo
from tfc_dash.figures.filters import Filters

AS_OF = date(2018, 9, 14)
SPEC_LIMIT = 50_000


def spec_bytes(chart) -> int:
    """The chart's spec with its data inlined, as Vega-Lite JSON."""
    return len(json.dumps(chart.to_dict(), separators=(",", ":")).encode("utf-8"))


def statuses_for(demo_engine, state, chamber, cycle=2017):
    return coverage.chamber_statuses(demo_engine, Filters(cycle=cycle), state, chamber, AS_OF)


def geoshapes_drawn(chart) -> int:
    """How many geoshape items Vega draws, rendering the chart to SVG offline."""
    svg = vlc.vegalite_to_svg(chart.to_dict())
    return len(re.findall(r'aria-roledescription="geoshape"', svg))


def test_virginia_house_map_draws_100_districts(demo_engine):
    statuses = statuses_for(demo_engine, "VA", "lower")
    chart = maps.district_map(statuses, geo.district_shapes("VA", "lower"), selected="13")
    spec = chart.to_dict()
    assert spec["usermeta"]["embedOptions"]["renderer"] == "svg"
    lookup = spec["transform"][0]
    assert lookup["from"]["data"]["format"] == {"type": "topojson", "feature": "districts"}
    assert isinstance(lookup["from"]["data"]["values"], str)  # parsed by the browser
    assert geoshapes_drawn(chart) == 100
    assert spec_bytes(chart) <= SPEC_LIMIT


def test_map_rows_carry_the_tooltip_and_the_selection_last(demo_engine):
    statuses = statuses_for(demo_engine, "VA", "lower")
    chart = maps.district_map(statuses, geo.district_shapes("VA", "lower"), selected="13")
    rows = chart.data
    assert len(rows) == 100 and rows.iloc[-1]["district"] == "13"
    assert chart.to_dict()["encoding"]["stroke"]["condition"]["test"] == 'datum.district === "13"'
    roem = rows.iloc[-1]
    assert roem["candidate"] == "Danica Roem" and roem["status"] == coverage.WON
    assert roem["result"].startswith("Won, 53.9%")
    tooltip = {t["title"] for t in chart.to_dict()["encoding"]["tooltip"]}
    assert {"District", "Candidate", "Winnability", "Ever placed", "Result"} <= tooltip


def test_districts_without_shapes_are_left_off_the_map(demo_engine):
    statuses = statuses_for(demo_engine, "VA", "lower")
    shapes = geo.district_shapes("VA", "lower")
    fewer = geo.Shapes(shapes.text, shapes.object_name, shapes.ids - {"1", "2"}, "test")
    chart = maps.district_map(statuses, fewer)
    assert len(chart.data) == 98


def test_senate_map_draws_40_districts(demo_engine):
    statuses = statuses_for(demo_engine, "VA", "upper", cycle=2018)
    chart = maps.district_map(statuses, geo.district_shapes("VA", "upper"))
    assert geoshapes_drawn(chart) == 40
    assert spec_bytes(chart) <= SPEC_LIMIT


@pytest.mark.parametrize(("state", "chamber"), [("NH", "lower"), ("PA", "lower"), ("VT", "upper")])
def test_tile_grid_in_number_order(demo_engine, state, chamber):
    statuses = statuses_for(demo_engine, state, chamber, cycle=2018)
    chart = maps.tile_grid(statuses)
    tiles = chart.data if isinstance(chart.data, pd.DataFrame) else chart.layer[0].data
    columns = maps.tile_columns(len(statuses))
    assert len(tiles) == len(coverage.chamber_districts(state, chamber))
    first = tiles.sort_values(["row", "col"])["district"].tolist()
    assert first == list(coverage.chamber_districts(state, chamber))
    assert tiles["col"].max() == min(columns, len(tiles)) - 1
    assert spec_bytes(chart) <= SPEC_LIMIT


def test_us_choropleth(demo_engine):
    by_state = coverage.program_by_state(demo_engine, Filters(cycle=2018), AS_OF)
    chart = maps.us_choropleth(by_state, geo.us_states(), geo.state_fips(), "volunteers")
    spec = chart.to_dict()
    assert spec["projection"]["type"] == "albersUsa"
    assert spec["encoding"]["color"]["condition"]["field"] == "volunteers"
    assert len(chart.data) == 50
    assert geoshapes_drawn(chart) == 50
    assert spec_bytes(chart) <= SPEC_LIMIT


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ({"pick": [{"state": "PA"}]}, "PA"),
        ({"pick": []}, None),
        ({}, None),
        (None, None),
        ({"pick": [{"other": 1}]}, None),
    ],
)
def test_picked_state_from_a_click(selection, expected):
    assert maps.picked_state(selection) == expected


def test_choropleth_clicks_select_a_state(demo_engine):
    by_state = coverage.program_by_state(demo_engine, Filters(cycle=2018), AS_OF)
    spec = maps.us_choropleth(by_state, geo.us_states(), geo.state_fips()).to_dict()
    (param,) = spec["params"]
    assert param["name"] == maps.PICK and param["select"]["fields"] == ["state"]
