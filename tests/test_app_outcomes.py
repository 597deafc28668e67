"""The Outcomes page under AppTest: figures equal what the store holds, filters, bad input."""

import json

import pytest

from tests import builders as b
from tests.apptest_helpers import chart_elements, chart_rows, chart_specs, downloads, metric_texts
from tests.dbtools import sqlite_rows, sqlite_value
from tests.kit_files import personal_data_in, volunteers

PAGE = "pages/outcomes.py"


def expected_races(url: str, as_of: str, cycle: int | None = None) -> dict[str, int]:
    """The race scorecards, asked of the SQLite file directly."""
    scope = (
        "campaign_id in (select p.campaign_id from projects p where p.status in "
        "('active','completed') and p.start_date <= ?)"
    )
    params: list = [as_of]
    if cycle is not None:
        scope += " and cycle = ?"
        params.append(cycle)
    known = "election_date <= ?"  # decided on election day (rules.py)

    def count(condition: str, *more) -> int:
        sql = f"select count(*) from campaigns where {scope}{condition}"
        return sqlite_value(url, sql, *params, *more)

    return {
        "Supported races": count(""),
        "Races won": count(f" and result = 'won' and {known}", as_of),
        "Races lost": count(f" and result = 'lost' and {known}", as_of),
        "Races pending": count(f" and result is not 'withdrawn' and not (result in ('won','lost') "
                               f"and {known})", as_of),
        "Seats flipped": count(f" and result = 'won' and party <> seat_held_by and {known}", as_of),
        "Races withdrawn": count(" and result = 'withdrawn'"),
    }  # fmt: skip


def race_cards(at) -> dict[str, int]:
    return {k: int(v.rstrip("%")) for k, v in metric_texts(at).items() if k in expected_keys}


expected_keys = (
    "Supported races", "Races won", "Races lost", "Races pending", "Races withdrawn",
    "Seats flipped",
)  # fmt: skip


def test_default_view_all_pending(run_app, demo_db_url):
    at = run_app(page=PAGE)
    assert not at.exception
    assert at.title[0].value == "Outcomes"
    assert race_cards(at) == expected_races(demo_db_url, "2018-09-14", 2018)
    assert "Win rate" not in metric_texts(at)  # nothing decided in 2018 yet
    assert any("No supported race decided by 14 Sep 2018" in el.value for el in at.info)
    assert any("Virginia House of Delegates" in el.value for el in at.info)


def test_all_cycles_show_the_2017_record(run_app, demo_db_url):
    at = run_app(page=PAGE, query={"cycle": "all"})
    assert not at.exception
    cards = race_cards(at)
    assert cards == expected_races(demo_db_url, "2018-09-14")
    assert (cards["Races won"], cards["Races lost"], cards["Seats flipped"]) == (12, 3, 8)
    assert metric_texts(at)["Win rate"] == "80%"
    results = chart_rows(chart_elements(at)[0])
    flipped = [r for r in results if r["outcome"] == "Won, seat flipped"]
    assert flipped == [{"cycle": "2017", "outcome": "Won, seat flipped", "races": 8, "order": 0}]
    # Margins against the previous election and the Virginia comparison are drawn.
    assert len(at.get("vega_lite_chart")) == 4


def test_virginia_2017_comparison(run_app, demo_db_url):
    at = run_app(page=PAGE, query={"cycle": "2017", "state": "VA"})
    assert not at.exception
    summary = at.dataframe[1].value.set_index("group")
    assert summary.loc["Supported", "districts"] == 12
    assert summary.loc["Supported", "flipped_to_d"] == 8
    assert summary.loc["Not supported", "districts"] == 88
    ticks = chart_rows(chart_elements(at)[2])
    contested = [r for r in ticks if r["contested"]]
    assert len({r["district"] for r in contested}) == len(contested) == 60  # both parties ran


def test_results_regroup_by_state(run_app):
    at = run_app(page=PAGE, query={"cycle": "all"})
    at.button_group(key="outcomes_results_by").set_value("state").run()
    assert not at.exception
    rows = chart_rows(chart_elements(at)[0])
    assert {r["state"] for r in rows} >= {"VA", "PA", "MI"}
    assert sum(r["races"] for r in rows) == race_cards(at)["Supported races"]


def test_looking_back_before_the_2017_election(run_app, demo_db_url):
    at = run_app(page=PAGE, query={"cycle": "2017", "as_of": "2017-11-01"})
    assert not at.exception
    cards = race_cards(at)
    assert cards == expected_races(demo_db_url, "2017-11-01", 2017)
    assert cards["Races won"] == 0 and cards["Races pending"] == cards["Supported races"] > 0
    assert any("on or after election day (7 Nov 2017)" in el.value for el in at.info)


def test_program_metrics_equal_the_store(run_app, demo_db_url):
    at = run_app(page=PAGE)
    texts = sqlite_value(
        demo_db_url,
        "select sum(o.value) from outcomes o join projects p using (project_id) join campaigns c "
        "using (campaign_id) where o.metric = 'texts_sent' and c.cycle = 2018 and p.status in "
        "('active','completed') and p.start_date <= '2018-09-14' and o.as_of <= '2018-09-14'",
    )
    card = next(m for m in at.metric if m.label == "Texts sent")
    assert f"Exactly: {texts:,.0f}." in card.help
    table = at.dataframe[-1].value
    assert table["texts_sent"].sum() == texts
    at.button_group(key="outcomes_metrics_by").set_value("state").run()
    assert set(at.dataframe[-1].value["state"]) == set(
        r[0]
        for r in sqlite_rows(demo_db_url, "select distinct state from campaigns where cycle = 2018")
    )
    at.selectbox(key="outcomes_metric").set_value("cost_per_contact").run()
    spec = chart_specs(at)[-1]
    assert "cost_per_contact" in json.dumps(spec["encoding"]["x"])


def test_no_outcomes_yet(run_app, make_store):
    url = make_store(
        campaigns=[b.campaign("C1", candidate="A")],
        projects=[b.project("P1", name="P", category="digital_basics", start="2018-06-01",
                            end=None, needed=None)],
        volunteers=[{"volunteer_id": "V1", "name": "Ada Lovelace", "email": "ada@example.org",
                     "signed_up": "2018-06-01"}],
    )  # fmt: skip
    at = run_app(page=PAGE, url=url)
    assert not at.exception
    assert race_cards(at) == {
        "Supported races": 1,
        "Races won": 0,
        "Races lost": 0,
        "Races pending": 1,
        "Races withdrawn": 0,
        "Seats flipped": 0,
    }
    assert any("No program metrics" in el.value for el in at.info)
    assert any("previous margin" in el.value for el in at.info)


@pytest.mark.parametrize("query", [{"state": "VA"}, {"category": "social_digital"}])
def test_filters_narrow_the_races(run_app, demo_db_url, query):
    at = run_app(page=PAGE, query={"cycle": "all", **query})
    assert not at.exception
    table = at.dataframe[0].value
    if "state" in query:
        assert set(table["state"]) == {"VA"}
        assert len(table) == expected_races(demo_db_url, "2018-09-14")[
            "Supported races"
        ] - sqlite_value(
            demo_db_url,
            "select count(distinct campaign_id) from campaigns where state <> 'VA' and "
            "campaign_id in (select campaign_id from projects where status in "
            "('active','completed') and start_date <= '2018-09-14')",
        )
    else:
        assert len(table) == sqlite_value(
            demo_db_url,
            "select count(distinct campaign_id) from projects where category = 'social_digital' "
            "and status in ('active','completed') and start_date <= '2018-09-14'",
        )


def test_downloads_carry_no_volunteer_data(run_app, served, demo_db_url):
    at = run_app(page=PAGE, query={"cycle": "all"})
    files = downloads(at, served)
    assert set(files) == {
        "tfc-supported-races-2018-09-14.csv",
        "tfc-district-comparison-2018-09-14.csv",
        "tfc-program-metrics-by-category-2018-09-14.csv",
    }
    races = files["tfc-supported-races-2018-09-14.csv"].decode()
    assert "Danica Roem" in races  # candidates are public: they are listed
    assert personal_data_in(files, *volunteers(demo_db_url)) == []
