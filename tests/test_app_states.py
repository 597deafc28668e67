"""The States page under AppTest: both views, figures equal the store, links and bad input."""

import json

import pytest

from tests.apptest_helpers import chart_elements, chart_rows, metric_numbers, values_text
from tests.dbtools import sqlite_rows
from tfc_dash.figures import coverage, geo

PAGE = "pages/states.py"
VA_HOUSE = {"state": "VA", "chamber": "lower"}
SPEC_LIMIT = 50_000


def targets_covered(url: str, cycle: int, as_of: str, where: str = "") -> int:
    """Targeted districts with a program race (a counted project started by ``as_of``)."""
    return sqlite_rows(
        url,
        "select count(*) from districts d where d.targeted and d.chamber in ('lower','upper') "
        f"{where} and exists (select 1 from campaigns c join projects p using (campaign_id) "
        "where c.state = d.state and c.chamber = d.chamber and c.district = d.district "
        "and c.cycle = ? and c.result != 'withdrawn' and p.status in ('active','completed') "
        "and p.start_date <= ?)",
        cycle, as_of,
    )[0][0]  # fmt: skip


def chart_bytes(element) -> int:
    """What the browser gets for one chart: the spec (shapes included) and its Arrow data."""
    datasets = sum(len(d.data.data) for d in element.proto.datasets)
    return len(element.proto.spec.encode("utf-8")) + datasets + len(element.proto.data.data)


# --- national view -------------------------------------------------------------------------------
def test_national_view_matches_the_store(run_app, demo_db_url):
    at = run_app(page=PAGE)
    assert not at.exception
    assert at.title[0].value == "States"
    targeted = sqlite_rows(
        demo_db_url,
        "select count(*) from districts where targeted and chamber in ('lower','upper')",
    )[0][0]
    covered = sqlite_rows(
        demo_db_url,
        "select count(distinct c.state || c.chamber || c.district) from campaigns c "
        "where c.cycle = 2018 and c.chamber in ('lower','upper') and c.result != 'withdrawn' "
        "and exists (select 1 from projects p where p.campaign_id = c.campaign_id "
        "and p.status in ('active','completed') and p.start_date <= '2018-09-14')",
    )[0][0]
    assert metric_numbers(at) == {
        "Chambers": 99,
        "Seats": 7383,
        "Districts": 6846,
        "Targeted districts": targeted,
        "Targets covered": targets_covered(demo_db_url, 2018, "2018-09-14"),
        "Targets without a project": targeted - targets_covered(demo_db_url, 2018, "2018-09-14"),
        "Districts covered": covered,
        "Legislative races won": 0,
    }
    table = at.dataframe[0].value
    assert len(table) == 99
    assert (
        table["targets_covered"] + table["targets_uncovered"] == table["districts_targeted"]
    ).all()
    va = table[table["state"] == "VA"].set_index("chamber")
    assert va.loc["House of Delegates", "districts"] == 100
    assert va.loc["Senate", "districts"] == 40
    assert "7,383 state legislative seats" in values_text(at.caption)
    assert "Wyoming House 60" in values_text(at.caption)


def test_choropleth_shades_the_50_states_from_the_store(run_app, demo_db_url):
    at = run_app(page=PAGE)
    (chart,) = chart_elements(at)
    rows = {r["state"]: r for r in chart_rows(chart)}
    assert len(rows) == 50
    expected = sqlite_rows(
        demo_db_url,
        "select c.state, count(*) from projects p join campaigns c using (campaign_id) "
        "where c.cycle = 2018 and p.status in ('active','completed') "
        "and p.start_date <= '2018-09-14' group by c.state",
    )
    assert expected
    for state, projects in expected:
        assert rows[state]["projects"] == projects
    assert rows["VA"]["fips"] == 51
    spec = json.loads(chart.proto.spec)
    assert spec["encoding"]["color"]["condition"]["field"] == "projects"
    assert chart_bytes(chart) <= SPEC_LIMIT

    at.segmented_control(key="states_metric").set_value("volunteers").run()
    assert not at.exception
    spec = json.loads(chart_elements(at)[0].proto.spec)
    assert spec["encoding"]["color"]["condition"]["field"] == "volunteers"


def test_several_states_keep_the_national_view_to_them(run_app):
    at = run_app(page=PAGE, query={"state": ["PA", "MI"], "chamber": "lower"})
    assert not at.exception
    assert at.title[0].value == "States"
    table = at.dataframe[0].value
    assert set(table["state"]) == {"MI", "PA"} and len(table) == 4
    assert metric_numbers(at)["Chambers"] == 4
    assert "chamber" not in at.query_params  # a page parameter of the state view only


def test_opening_a_state_from_the_national_view(run_app):
    at = run_app(page=PAGE)
    at.selectbox(key="states_open").set_value("PA").run()
    assert not at.exception
    assert at.title[0].value == "Pennsylvania · House of Representatives"
    assert at.session_state["state"] == ["PA"]
    assert at.query_params.get("state") in ("PA", ["PA"])
    assert at.query_params.get("chamber") in ("lower", ["lower"])
    at.button(key="states_back").click().run()
    assert at.title[0].value == "States"
    assert "chamber" not in at.query_params


# --- a state's view ------------------------------------------------------------------------------
def test_virginia_house_link_opens_its_map(run_app, demo_db_url):
    at = run_app(page=PAGE, query=VA_HOUSE)
    assert not at.exception
    assert at.title[0].value == "Virginia · House of Delegates"
    assert at.caption[0].value.startswith("2017 election · as of 14 Sep 2018")
    assert "showing 2017" in values_text(at.info)
    assert at.segmented_control(key="chamber").value == "lower"
    assert at.query_params.get("chamber") in ("lower", ["lower"])
    va_targeted = sqlite_rows(
        demo_db_url,
        "select count(*) from districts where state='VA' and chamber='lower' and targeted",
    )[0][0]
    va_covered = targets_covered(
        demo_db_url, 2017, "2018-09-14", "and d.state = 'VA' and d.chamber = 'lower'"
    )
    assert metric_numbers(at) == {
        "Districts": 100,
        "Targeted districts": va_targeted,
        "Targets covered": va_covered,
        "Targets without a project": va_targeted - va_covered,
        "Districts covered": 12,
        "Legislative races won": 9,
        "Legislative seats flipped": 8,
    }

    (chart,) = chart_elements(at)
    rows = {r["district"]: r for r in chart_rows(chart)}
    assert len(rows) == 100
    won = {
        d
        for (d,) in sqlite_rows(
            demo_db_url,
            "select district from campaigns where state='VA' and chamber='lower' "
            "and cycle=2017 and result='won'",
        )
    }
    assert {d for d, r in rows.items() if r["status"] == coverage.WON} == won
    assert rows["13"]["candidate"] == "Danica Roem"
    assert json.loads(chart.proto.spec)["usermeta"]["embedOptions"]["renderer"] == "svg"
    assert chart_bytes(chart) <= SPEC_LIMIT

    # The uncovered targets, most winnable first, as the store holds them.
    expected = sqlite_rows(
        demo_db_url,
        "select 'District ' || district from districts where state='VA' and chamber='lower' "
        "and targeted and district not in (select district from campaigns where state='VA' "
        "and chamber='lower' and cycle=2017) order by winnability desc",
    )
    targets = at.dataframe[0].value
    assert list(targets["district"]) == [d for (d,) in expected]
    assert metric_numbers(at)["Targets without a project"] == len(expected) > 0
    assert "**9 won** of 12 races decided (3 lost)" in values_text(at.markdown)
    assert len(at.dataframe[1].value) == 12


def test_switching_chamber_updates_the_map_and_the_link(run_app):
    at = run_app(page=PAGE, query=VA_HOUSE)
    at.segmented_control(key="chamber").set_value("upper").run()
    assert not at.exception
    assert at.title[0].value == "Virginia · Senate"
    assert len(chart_rows(chart_elements(at)[0])) == 40
    assert at.query_params.get("chamber") in ("upper", ["upper"])
    assert "no campaigns in Virginia's Senate" in values_text(at.info)


def test_zooming_to_northern_virginia(run_app):
    at = run_app(page=PAGE, query=VA_HOUSE)
    at.segmented_control(key="states_area").set_value("Northern Virginia").run()
    assert not at.exception
    rows = {r["district"]: r for r in chart_rows(chart_elements(at)[0])}
    assert 20 <= len(rows) < 40 and "13" in rows and "94" not in rows
    assert metric_numbers(at)["Districts"] == 100  # the figures stay the chamber's


def test_link_with_the_cycle_needs_no_note(run_app):
    at = run_app(page=PAGE, query={**VA_HOUSE, "cycle": "2017"})
    assert not at.exception
    assert at.title[0].value == "Virginia · House of Delegates"
    assert "showing 2017" not in values_text(at.info)
    assert metric_numbers(at)["Legislative races won"] == 9


def test_all_cycles_show_the_chambers_latest_election(run_app):
    at = run_app(page=PAGE, query={**VA_HOUSE, "cycle": "all"})
    assert not at.exception
    assert "All cycles: showing 2017" in values_text(at.info)
    assert metric_numbers(at)["Legislative races won"] == 9


def test_a_category_filter_counts_only_its_projects(run_app, demo_db_url):
    at = run_app(page=PAGE, query={**VA_HOUSE, "category": "engineering_data"})
    assert not at.exception
    assert "Engineering & data science" in at.caption[0].value
    expected = dict(
        sqlite_rows(
            demo_db_url,
            "select 'District ' || c.district, count(*) from projects p join campaigns c "
            "using (campaign_id) where c.state='VA' and c.chamber='lower' and c.cycle=2017 "
            "and p.category='engineering_data' group by c.district",
        )
    )
    races = at.dataframe[-1].value
    assert dict(zip(races["district"], races["projects"], strict=True)) == expected
    assert metric_numbers(at)["Districts covered"] == len(expected) < 12


def test_before_the_election_districts_have_active_projects(run_app):
    at = run_app(page=PAGE, query={**VA_HOUSE, "cycle": "2017", "as_of": "2017-10-01"})
    assert not at.exception
    statuses = [r["status"] for r in chart_rows(chart_elements(at)[0])]
    assert statuses.count(coverage.PROJECT) == 12
    assert coverage.WON not in statuses
    assert metric_numbers(at)["Legislative races won"] == 0
    assert "none decided yet" in values_text(at.markdown)


def test_a_district_in_the_link_is_looked_up(run_app):
    at = run_app(page=PAGE, query={**VA_HOUSE, "district": "13"})
    assert not at.exception
    assert at.selectbox(key="district").value == "13"
    assert "Danica Roem" in values_text(at.markdown)
    (chart,) = chart_elements(at)
    assert chart_rows(chart)[-1]["district"] == "13"  # drawn last, outlined
    assert json.loads(chart.proto.spec)["encoding"]["strokeWidth"]["condition"]["test"] == (
        'datum.district === "13"'
    )
    at.selectbox(key="district").set_value("21").run()
    assert at.query_params.get("district") in ("21", ["21"])


def test_tile_grid_for_a_chamber_without_shapes(run_app):
    at = run_app(page=PAGE, query={"state": "PA", "chamber": "lower"})
    assert not at.exception
    (chart,) = chart_elements(at)
    tiles = chart_rows(chart)
    assert len(tiles) == 203
    assert [t["district"] for t in sorted(tiles, key=lambda t: (t["row"], t["col"]))][:3] == [
        "1",
        "2",
        "3",
    ]
    assert chart_bytes(chart) <= SPEC_LIMIT
    assert "one tile per district" in values_text(at.caption)


# --- bad input -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "title", "fragment"),
    [
        ({**VA_HOUSE, "district": "101"}, "Virginia · House of Delegates", "district='101'"),
        ({"state": "VA", "chamber": "house"}, "Virginia · House of Delegates", "chamber='house'"),
        ({"state": "ZZ", "chamber": "lower"}, "States", "state='ZZ'"),
    ],
)
def test_bad_link_values_get_a_note_and_the_page_works(run_app, query, title, fragment):
    at = run_app(page=PAGE, query=query)
    assert not at.exception
    assert at.title[0].value == title
    assert fragment in values_text(at.warning)
    # A chamber's 7 scorecards, or the national 8
    assert len(at.metric) == (8 if title == "States" else 7) and chart_elements(at)


def test_unicameral_nebraska_has_only_its_upper_chamber(run_app, make_store):
    url = make_store(
        campaigns=[{"campaign_id": "C1", "candidate": "Ann Lee", "state": "NE",
                    "chamber": "upper", "district": "9", "election_date": "2018-11-06",
                    "cycle": 2018, "result": "pending"}],
        projects=[{"project_id": "P1", "campaign_id": "C1", "name": "x",
                   "category": "digital_basics", "status": "active",
                   "start_date": "2018-08-01"}],
        volunteers=[{"volunteer_id": "V1", "name": "V One", "email": "v1@example.org",
                     "signed_up": "2017-06-01"}],
    )  # fmt: skip
    at = run_app(page=PAGE, query={"state": "NE", "chamber": "lower"}, url=url)
    assert not at.exception
    assert at.title[0].value == "Nebraska · Nebraska Legislature"
    assert "Ignored chamber='lower'" in values_text(at.warning)
    assert at.segmented_control(key="chamber").options == ["Nebraska Legislature"]
    rows = {r["district"]: r for r in chart_rows(chart_elements(at)[0])}
    assert len(rows) == 49 and rows["9"]["status"] == coverage.PROJECT
    assert at.query_params.get("chamber") in ("upper", ["upper"])


def test_missing_shapes_fall_back_to_tiles(run_app, monkeypatch, tmp_path):
    monkeypatch.setattr(geo, "GEO_DIR", tmp_path)
    at = run_app(page=PAGE, query=VA_HOUSE)
    assert not at.exception
    assert "va_lower_2011.topo.json is missing" in values_text(at.warning)
    assert len(chart_rows(chart_elements(at)[0])) == 100  # as tiles
    assert metric_numbers(at)["Legislative races won"] == 9
    at.button(key="states_back").click().run()
    assert not at.exception
    assert "map cannot be drawn" in values_text(at.warning)
    assert len(at.dataframe[0].value) == 99


def test_rows_with_unknown_districts_are_reported(run_app, make_store):
    url = make_store(
        campaigns=[
            {"campaign_id": "C1", "candidate": "Ann Lee", "state": "VA", "chamber": "lower",
             "district": "101", "election_date": "2017-11-07", "cycle": 2017, "result": "won"},
            {"campaign_id": "C2", "candidate": "Bo Diaz", "state": "VA", "chamber": "lower",
             "district": "13", "election_date": "2017-11-07", "cycle": 2017, "result": "won",
             "party": "D", "seat_held_by": "R"},
        ],
        projects=[
            {"project_id": f"P{i}", "campaign_id": f"C{i}", "name": "x",
             "category": "digital_basics", "status": "completed", "start_date": "2017-08-01",
             "completed_date": "2017-09-01"}
            for i in (1, 2)
        ],
        volunteers=[{"volunteer_id": "V1", "name": "V One", "email": "v1@example.org",
                     "signed_up": "2017-12-01"}],  # after the election
    )  # fmt: skip
    at = run_app(page=PAGE, query={**VA_HOUSE, "cycle": "2017"}, url=url)
    assert not at.exception
    assert "1 row(s) name a district their chamber does not have" in values_text(at.warning)
    assert (
        metric_numbers(at)["Legislative races won"] == 1
        and metric_numbers(at)["Legislative seats flipped"] == 1
    )
    assert len(chart_rows(chart_elements(at)[0])) == 100
