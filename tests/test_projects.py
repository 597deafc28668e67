"""The project explorer and a project's detail on hand-built stores."""

from datetime import date

import pandas as pd
import pytest

from tests.builders import assignment, campaign, project, volunteer
from tfc_dash.figures import projects
from tfc_dash.figures.filters import Filters
from tfc_dash.store import database

AS_OF = date(2018, 9, 14)


@pytest.fixture
def engine(make_store):
    url = make_store(
        campaigns=[campaign("C1", "PA", "lower", district="12"),
                   campaign("C2", "NY", "congress", district="3"),
                   campaign("C3", "VA", "lower", cycle=2017, district="13")],
        projects=[
            project("P1", "C1", name="Website build", needed=4),
            project("P2", "C2", "social_digital", name="GOTV texting 100%", needed=3),
            project("P3", "C1", status="completed", start="2018-07-01", end="2018-09-01",
                    completed="2018-09-01", name="Voter file analysis"),
            project("P4", "C1", status="scoping", start=None, end=None, name="Email program"),
            project("P5", "C2", start="2018-09-20", name="Donation page"),  # after the as-of day
            project("P6", "C2", status="cancelled", start="2018-08-01", name="Ads plan"),
            project("P7", "C3", status="completed", start="2017-08-01", end="2017-10-01",
                    completed="2017-10-01", name="Canvass pipeline"),
            project("P8", "C1", status="completed", start="2018-08-01", end="2018-10-01",
                    completed="2018-10-01", name="Field dashboard", needed=3),
        ],
        volunteers=[volunteer(f"V{i}") for i in range(1, 6)] + [volunteer("V9", signed=None)],
        assignments=[
            assignment("P1", "V1", "2018-08-01"), assignment("P1", "V2", "2018-08-01",
                                                             "2018-08-20"),
            assignment("P8", "V3", "2018-08-01", "2018-10-01"),
            assignment("P1", "V9", "2018-08-01"),  # bad data: never counts
            assignment("P1", "V4", "2018-09-20"),  # starts after the as-of day
        ],
        outcomes=[
            {"project_id": "P1", "metric": "site_visits", "value": 100, "as_of": "2018-08-15"},
            {"project_id": "P1", "metric": "site_visits", "value": 250, "as_of": "2018-09-10"},
            {"project_id": "P1", "metric": "site_visits", "value": 900, "as_of": "2018-10-01"},
            {"project_id": "P1", "metric": "spend_usd", "value": 42, "as_of": None},
        ],
    )  # fmt: skip
    return database.make_engine(url)


EVERYTHING = Filters()


def listed(engine, filters=EVERYTHING, day=AS_OF, **kwargs):
    frame = projects.project_list(engine, filters, day, **kwargs)
    return {r.project_id: r for r in frame.itertuples()}


def test_status_on_the_as_of_day(engine):
    rows = listed(engine)
    assert {pid: r.status for pid, r in rows.items()} == {
        "P1": "active", "P2": "active", "P3": "completed", "P4": "scoping",
        "P6": "cancelled", "P7": "completed", "P8": "active",  # P8 completes on 1 Oct
    }  # fmt: skip
    assert "P5" not in rows  # starts after the as-of day
    earlier = listed(engine, day=date(2018, 7, 15))
    assert earlier["P3"].status == "active" and "P1" not in earlier


def test_team_and_open_seats(engine):
    rows = listed(engine)
    assert (rows["P1"].team, rows["P1"].open_seats) == (2, 3)  # V1 on it, V2 left; V9 is bad
    assert (rows["P8"].team, rows["P8"].open_seats) == (1, 2)
    assert pd.isna(rows["P3"].open_seats)  # completed: no open seats


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"chambers": ("congress",)}, {"P2", "P6"}),
        ({"statuses": ("completed",)}, {"P3", "P7"}),
        ({"statuses": ("active", "scoping")}, {"P1", "P2", "P4", "P8"}),
        ({"text": "website"}, {"P1"}),
        ({"text": "p7"}, {"P7"}),
        ({"text": "candidate c2"}, {"P2", "P6"}),
        ({"text": "100%"}, {"P2"}),  # % is a character, not a wildcard
        ({"text": "%"}, {"P2"}),
        ({"text": "12"}, {"P1", "P3", "P4", "P8"}),  # the district
        ({"text": "  "}, {"P1", "P2", "P3", "P4", "P6", "P7", "P8"}),
        ({"text": "nothing like it"}, set()),
    ],
)
def test_explorer_filters(engine, kwargs, expected):
    assert set(listed(engine, **kwargs)) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(cycle=2017), {"P7"}),
        (Filters(states=("NY",)), {"P2", "P6"}),
        (Filters(categories=("social_digital",)), {"P2"}),
        (Filters(states=()), set()),
    ],
)
def test_explorer_follows_the_shared_filters(engine, filters, expected):
    assert set(listed(engine, filters)) == expected


def test_explorer_scorecards_and_breakdown(engine):
    frame = projects.project_list(engine, Filters(), AS_OF)
    cards = {c.label: c.value for c in projects.explorer_scorecards(frame)}
    assert cards == {"Projects in any status": 7, "Projects active": 3,
                     "Projects completed": 2, "Understaffed projects": 3,
                     "Open seats": 3 + 3 + 2}  # fmt: skip
    breakdown = projects.status_breakdown(frame)
    engineering = breakdown[breakdown["category"] == "engineering_data"]
    assert engineering.set_index("status")["projects"].to_dict() == {
        "Active": 2, "Cancelled": 1, "Completed": 2, "Scoping": 1
    }  # fmt: skip
    empty = projects.project_list(engine, Filters(states=()), AS_OF)
    assert projects.status_breakdown(empty).empty
    assert [c.value for c in projects.explorer_scorecards(empty)] == [0, 0, 0, 0, 0]


def test_pages_and_links(engine):
    frame = pd.DataFrame({"project_id": [f"P{i}" for i in range(120)]})
    assert projects.page_count(0) == 1 and projects.page_count(120, 50) == 3
    assert projects.page_of(frame, 3, 50)["project_id"].iloc[0] == "P100"
    assert len(projects.page_of(frame, 99, 50)) == 20  # clamped to the last page
    assert projects.project_link("P2018-00123") == "?project=P2018-00123"
    assert (
        projects.project_link("P1", {"as_of": ["2018-06-01"], "state": ["PA"]})
        == "?as_of=2018-06-01&project=P1"
    )
    shown = projects.for_display(projects.project_list(engine, Filters(), AS_OF), {})
    assert shown.iloc[0]["link"].startswith("?project=")
    assert "State house" in set(shown["chamber"])


def test_detail_team_and_outcomes(engine):
    detail = projects.project_detail(engine, "P1")
    assert len(detail) == 1
    row = detail.iloc[0].to_dict()
    assert (row["candidate"], row["state"], row["district"]) == ("Candidate C1", "PA", "12")
    assert projects.project_status_on(row, AS_OF) == "active"
    assert projects.project_status_on(row, date(2018, 7, 1)) == "not started yet"
    assert projects.project_detail(engine, "P404").empty

    team = projects.project_team(engine, "P1")
    standing = projects.team_on_day(team, AS_OF).set_index("volunteer_id")["standing"]
    assert standing.to_dict() == {"V1": "on the team", "V2": "left early",
                                  "V4": "starts later", "V9": "bad data"}  # fmt: skip
    assert set(team["state"]) == {"PA"}  # for the policy
    assert projects.team_counts(team, AS_OF) == {"on_team": 1, "placed": 2}
    cards = {c.label: c.value for c in projects.detail_scorecards(row, team, AS_OF)}
    assert cards == {"On the team": 1, "Placed so far": 2, "Seats open on this project": 3,
                     "Days to the election": 53}  # fmt: skip

    outcomes = projects.latest_outcomes(projects.project_outcomes(engine, "P1"), AS_OF)
    assert outcomes.set_index("metric")["value"].to_dict() == {"site_visits": 250,
                                                               "spend_usd": 42}  # fmt: skip
    assert set(outcomes["label"]) == {"Site visits", "Spend (USD)"}
    assert projects.latest_outcomes(projects.project_outcomes(engine, "P3"), AS_OF).empty


def test_finished_member_and_timeline(engine):
    team = projects.project_team(engine, "P8")
    row = projects.project_detail(engine, "P8").iloc[0].to_dict()
    later = projects.team_on_day(team, date(2018, 10, 5))
    assert later["standing"].tolist() == ["finished"]
    bars = projects.timeline_frame(row, team, AS_OF)
    assert bars["row"].tolist() == ["Project", "Name V3 (member)"]
    assert bars.iloc[0]["end"] == pd.Timestamp("2018-10-01")
    # Without names (the policy removed them), members show by ID.
    anonymous = projects.timeline_frame(row, team.drop(columns=["volunteer_name"]), AS_OF)
    assert anonymous["row"].tolist() == ["Project", "V3 (member)"]
    scoping = projects.project_detail(engine, "P4").iloc[0].to_dict()
    assert projects.timeline_frame(scoping, projects.project_team(engine, "P4"), AS_OF).empty


def test_campaign_facts(engine):
    row = projects.project_detail(engine, "P2").iloc[0].to_dict()
    facts = dict(projects.campaign_facts(row))
    assert facts["Chamber"] == "US House" and facts["Election"] == "6 Nov 2018"
    assert facts["Vote share"] == "—" and facts["Category"] == "Social & digital media"
