"""Outcomes: race results as known on a day, flips, margins, the district comparison and the
program metrics, on hand-built stores and on the demo checked against plain SQL and the CSV."""

from datetime import date
from functools import partial

import pandas as pd
import pytest

from tests import builders as b
from tests.dbtools import sqlite_rows
from tfc_dash.figures import outcomes
from tfc_dash.figures.filters import Filters
from tfc_dash.figures.reference import VA_RESULTS_PATH
from tfc_dash.store import database

ELECTION = "2018-11-06"
# Races for seats the other party held, with counted digital projects started in June.
campaign = partial(b.campaign, held="R", election=ELECTION)
project = partial(b.project, category="digital_basics", start="2018-06-01", end=None, needed=None)


@pytest.fixture
def races_store(make_store):
    return database.make_engine(
        make_store(
            campaigns=[
                campaign("C1", result="won", held="R", share=0.55),  # a flip
                campaign("C2", result="won", held="D", share=0.60, district="2"),  # a hold
                campaign("C3", result="lost", held="R", share=0.45, district="3"),
                campaign("C4", result="withdrawn", district="4"),
                campaign("C5", result="won", held="R", share=0.52, district="5"),  # none counted
                campaign("C6", result="won", held="R", share=0.51, state="MI", district="6"),
            ],
            projects=[
                project("P1", "C1"),
                project("P1b", "C1", category="social_digital"),
                project("P2", "C2", start="2018-09-01"),
                project("P3", "C3", status="completed"),
                project("P4", "C4"),
                project("P5", "C5", status="scoping", start=None),
                project("P6", "C6"),
            ],
            districts=[
                {"state": "PA", "chamber": "lower", "district": "1", "previous_margin": -0.04},
                {"state": "PA", "chamber": "lower", "district": "3", "previous_margin": -0.12},
            ],
        )
    )


def test_results_count_from_election_day(races_store):
    """Results are known the night of the election: decided on election day (rules.py)."""
    before = outcomes.supported_races(races_store, Filters(), date(2018, 11, 5))
    after = outcomes.supported_races(races_store, Filters(), date(2018, 11, 6))
    assert set(before["result"]) == {"pending", "withdrawn"}
    assert before["vote_share"].isna().all()
    by_id = after.set_index("campaign_id")
    assert by_id.loc[["C1", "C2", "C3", "C4"], "result"].tolist() == [
        "won", "won", "lost", "withdrawn"
    ]  # fmt: skip
    assert "C5" not in by_id.index  # only scoping projects: not supported


def test_flips_holds_and_summary(races_store):
    races = outcomes.supported_races(races_store, Filters(), date(2018, 12, 1))
    by_id = races.set_index("campaign_id")
    assert by_id.loc["C1", "outcome"] == "Won, seat flipped" and by_id.loc["C1", "flipped"]
    assert by_id.loc["C2", "outcome"] == "Won, seat held" and not by_id.loc["C2", "flipped"]
    assert not by_id.loc["C3", "flipped"]
    assert by_id.loc["C1", "projects"] == 2
    summary = outcomes.race_summary(races)
    assert (summary.supported, summary.won, summary.lost, summary.withdrawn) == (5, 3, 1, 1)
    assert summary.flipped == 2 and summary.decided == 4 and summary.win_rate == 0.75


@pytest.mark.parametrize(
    ("filters", "as_of", "expected"),
    [
        (Filters(states=("MI",)), date(2018, 12, 1), {"C6"}),
        (Filters(states=()), date(2018, 12, 1), set()),
        (Filters(categories=("social_digital",)), date(2018, 12, 1), {"C1"}),
        (Filters(cycle=2017), date(2018, 12, 1), set()),
        (Filters(), date(2018, 8, 1), {"C1", "C3", "C4", "C6"}),  # P2 starts in September
    ],
)
def test_supported_follows_filters_and_as_of(races_store, filters, as_of, expected):
    races = outcomes.supported_races(races_store, filters, as_of)
    assert set(races["campaign_id"]) == expected


def test_margins_against_the_previous_election(races_store):
    races = outcomes.supported_races(races_store, Filters(), date(2018, 12, 1))
    by_id = races.set_index("campaign_id")
    assert by_id.loc["C1", "margin"] == pytest.approx(0.10)  # 55% against the rest
    assert by_id.loc["C1", "previous_margin"] == pytest.approx(-0.04)
    assert by_id.loc["C1", "change"] == pytest.approx(0.14)
    changes = outcomes.margin_changes(races)
    assert changes["race"].tolist() == ["PA HD-1", "PA HD-3"]  # the two with a previous margin


@pytest.mark.parametrize(
    ("result", "party", "held", "flipped"),
    [
        ("won", "D", "R", True),
        ("won", "d", "r", True),
        ("won", "D", "D", False),
        ("won", None, "R", False),
        ("won", "D", None, False),
        ("lost", "D", "R", False),
        ("pending", "D", "R", False),
    ],
)
def test_flipped_means_won_from_the_other_party(result, party, held, flipped):
    races = pd.DataFrame(
        [campaign("C1", result=result, party=party, held=held) | {"district_previous_margin": None}]
    )
    assert bool(outcomes.race_outcomes(races)["flipped"].iloc[0]) is flipped


@pytest.mark.parametrize(("party", "sign"), [("D", 1), ("R", -1)])
def test_certified_margins_where_the_data_has_them(party, sign):
    races = pd.DataFrame(
        [
            campaign("C1", result="lost", party=party, state="VA", district="94",
                     election="2017-11-07", share=0.4859) | {"district_previous_margin": -0.1},
            campaign("C2", result="won", party=party, state="VA", district="13",
                     election="2017-11-07", share=0.5393) | {"district_previous_margin": None},
        ]
    )  # fmt: skip
    margins = pd.DataFrame(
        {"cycle": [2017, 2017], "state": ["VA", "VA"], "chamber": ["lower", "lower"],
         "district": ["94", "99"], "dem_margin": [0.0, 0.3]}
    )  # fmt: skip
    out = outcomes.race_outcomes(races, margins).set_index("campaign_id")
    assert out.loc["C1", "margin"] == 0.0 and out.loc["C1", "margin_source"] == "certified results"
    assert out.loc["C1", "previous_margin"] == pytest.approx(-0.1 * sign)
    assert out.loc["C2", "margin"] == pytest.approx(2 * 0.5393 - 1)
    assert out.loc["C2", "margin_source"] == "vote share"


def test_results_by_orders_outcomes(races_store):
    races = outcomes.supported_races(races_store, Filters(), date(2018, 12, 1))
    frame = outcomes.results_by(races, "state")
    pa = frame[frame["state"] == "PA"]
    assert pa["outcome"].tolist() == ["Won, seat flipped", "Won, seat held", "Lost", "Withdrawn"]
    assert frame["races"].sum() == len(races)
    assert outcomes.results_by(races.iloc[0:0], "cycle").empty


# --- the demo: figures from the brief, checked against plain SQL and the reference CSV ---------
def test_demo_2017_record(demo_engine, demo_db_url):
    races = outcomes.supported_races(demo_engine, Filters(cycle=2017), date(2018, 9, 14))
    summary = outcomes.race_summary(races)
    expected = sqlite_rows(
        demo_db_url,
        "select count(*), sum(result = 'won'), sum(result = 'lost'), "
        "sum(result = 'won' and seat_held_by <> party) from campaigns where cycle = 2017 and "
        "campaign_id in (select campaign_id from projects where status in ('active','completed'))",
    )[0]
    assert (summary.supported, summary.won, summary.lost, summary.flipped) == expected
    house = races[races["chamber"] == "lower"]
    assert (house["result"] == "won").sum() == 9 and house["flipped"].sum() == 8  # the brief


def test_demo_district_comparison_matches_the_csv(demo_engine):
    districts = outcomes.chamber_comparison(demo_engine, Filters(), date(2018, 9, 14))
    assert len(districts) == 100 and districts["supported"].sum() == 12
    results = pd.read_csv(VA_RESULTS_PATH, dtype={"district": str})
    supported = set(districts.loc[districts["supported"], "district"])
    contested = results[(results.dem_votes > 0) & (results.rep_votes > 0)]
    rest = contested[~contested.district.isin(supported)]
    flips = rest[(rest.winner_party_2015 == "R") & (rest.winner_party == "D")]
    summary = outcomes.comparison_summary(districts).set_index("group")
    assert summary.loc["Not supported", "contested"] == len(rest)
    assert summary.loc["Not supported", "flipped_to_d"] == len(flips)
    assert summary.loc["Supported", "flipped_to_d"] == 8
    assert summary.loc["Supported", "dem_won"] == 9
    share = rest.dem_votes / (rest.dem_votes + rest.rep_votes + rest.other_votes)
    assert summary.loc["Not supported", "mean_dem_share"] == pytest.approx(share.mean(), abs=1e-3)


@pytest.mark.parametrize(
    ("filters", "as_of"),
    [
        (Filters(cycle=2018), date(2018, 9, 14)),
        (Filters(states=("PA",)), date(2018, 9, 14)),
        (Filters(cycle=2017), date(2017, 11, 6)),  # the day before the election: no results
    ],
)
def test_no_comparison_outside_a_reference_chamber(demo_engine, filters, as_of):
    assert "Virginia House of Delegates" in outcomes.comparison_unavailable(filters, as_of)
    assert outcomes.chamber_comparison(demo_engine, filters, as_of).empty


# --- program metrics -----------------------------------------------------------------------------
@pytest.fixture
def metrics_store(make_store):
    def outcome(pid, metric, value, as_of):
        return {"project_id": pid, "metric": metric, "value": value, "as_of": as_of}

    return database.make_engine(
        make_store(
            campaigns=[campaign("C1"), campaign("C2", state="MI", district="2")],
            projects=[
                project("P1", "C1", category="social_digital"),
                project("P2", "C2", category="email_analytics"),
                project("P3", "C2", status="cancelled"),
            ],
            outcomes=[
                outcome("P1", "texts_sent", 100, "2018-07-01"),
                outcome("P1", "texts_sent", 250, "2018-08-01"),  # a later running total
                outcome("P1", "spend_usd", 500, "2018-08-01"),
                outcome("P1", "voters_contacted", 1000, "2018-08-01"),
                outcome("P2", "voters_contacted", 4000, None),  # undated: counts from the start
                outcome("P3", "texts_sent", 9999, "2018-07-01"),  # a cancelled project
            ],
        )
    )


@pytest.mark.parametrize(
    ("as_of", "texts", "contacts", "cost"),
    [
        (date(2018, 5, 1), None, None, None),
        (date(2018, 7, 15), 100, 4000, None),
        (date(2018, 8, 15), 250, 5000, 0.5),  # 500 spent over the 1,000 contacts of P1 only
    ],
)
def test_latest_figure_per_project_on_the_day(metrics_store, as_of, texts, contacts, cost):
    long = outcomes.program_metrics(metrics_store, Filters(), as_of)
    totals = outcomes.metric_totals(long)
    assert totals.get("texts_sent") == texts
    assert totals.get("voters_contacted") == contacts
    assert totals.get("cost_per_contact") == cost


def test_metrics_by_state_leave_unreported_metrics_missing(metrics_store):
    long = outcomes.program_metrics(metrics_store, Filters(), date(2018, 9, 1))
    wide = outcomes.metrics_by(long, "state").set_index("state")
    assert wide.loc["PA", "texts_sent"] == 250 and pd.isna(wide.loc["MI", "texts_sent"])
    assert wide.loc["PA", "cost_per_contact"] == 0.5
    assert pd.isna(wide.loc["MI", "cost_per_contact"])  # no spend reported: no cost
    by_category = outcomes.metrics_by(long, "category")
    assert by_category["label"].tolist() == ["Email & analytics", "Social & digital media"]
    only_mi = outcomes.program_metrics(metrics_store, Filters(states=("MI",)), date(2018, 9, 1))
    assert set(only_mi["state"]) == {"MI"}
    # A view where no project reported a spend has no cost per contact (it used to crash).
    wide_mi = outcomes.metrics_by(only_mi, "state")
    assert "spend_usd" not in set(only_mi["metric"]) and wide_mi["cost_per_contact"].isna().all()


def test_demo_metric_totals_match_plain_sql(demo_engine, demo_db_url):
    as_of = "2018-09-14"
    rows = sqlite_rows(
        demo_db_url,
        "select o.metric, sum(o.value) from outcomes o join projects p using (project_id) "
        "join campaigns c using (campaign_id) where p.status in ('active','completed') "
        "and p.start_date <= ? and coalesce(o.as_of, p.start_date) <= ? and c.cycle = 2018 "
        "and o.as_of = (select max(o2.as_of) from outcomes o2 where o2.project_id = o.project_id "
        "and o2.metric = o.metric and o2.as_of <= ?) group by o.metric",
        as_of, as_of, as_of,
    )  # fmt: skip
    long = outcomes.program_metrics(demo_engine, Filters(cycle=2018), date(2018, 9, 14))
    totals = outcomes.metric_totals(long)
    assert {m: v for m, v in rows} == {m: v for m, v in totals.items() if m != "cost_per_contact"}
    assert totals["cost_per_contact"] > 0


@pytest.mark.parametrize(
    ("value", "money", "text"),
    [(57_297_244, False, "57.3M"), (709_090, False, "709K"), (950, False, "950"),
     (516_507, True, "$517K"), (0.71, True, "$0.71"), (2_100_000_000, False, "2.1B")],
)  # fmt: skip
def test_compact_numbers(value, money, text):
    assert outcomes.compact_number(value, money) == text
