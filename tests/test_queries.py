from datetime import date, datetime
from functools import partial

import pytest

from tests import builders as b
from tfc_dash.figures import goals, queries
from tfc_dash.figures.filters import Filters
from tfc_dash.store import database

AS_OF = date(2018, 9, 14)
# Rows with only what these queries read: no party or result, no end date, no hours.
campaign = partial(b.campaign, party=None, result=None)
project = partial(b.project, end=None, needed=None)
assignment = partial(b.assignment, hours=None, role=None)


@pytest.fixture
def tiny(make_store):
    url = make_store(
        campaigns=[campaign("C1", "VA", cycle=2018), campaign("C2", "PA", "upper", 2018),
                   campaign("C3", "VA", cycle=2017)],
        projects=[
            project("P1", "C1", "digital_basics", "completed", "2018-08-01",
                    completed="2018-09-01"),
            project("P2", "C1", "social_digital", "active", "2018-09-10"),
            project("P3", "C2", "digital_basics", "active", "2018-08-20"),
            project("P4", "C2", "email_analytics", "cancelled", "2018-08-01"),
            project("P5", "C2", "engineering_data", "scoping", start=None),
            project("P6", "C3", "digital_basics", "completed", "2017-09-01",
                    completed="2017-10-15"),
            project("P7", "C1", "digital_basics", "active", "2018-10-01"),
            project("P8", "C1", "digital_basics", "active", "2018-08-01",
                    removed=datetime(2018, 9, 1)),
        ],
        volunteers=[{"volunteer_id": f"V{i}", "name": f"Vol {i}", "email": f"v{i}@example.org",
                     "signed_up": "2018-01-01"} for i in range(1, 6)],
        assignments=[assignment("P1", "V1", "2018-08-02"), assignment("P1", "V2", "2018-08-02"),
                     assignment("P2", "V2", "2018-09-10"), assignment("P3", "V3", "2018-09-13"),
                     assignment("P7", "V4", "2018-10-01"), assignment("P4", "V5", "2018-08-01")],
    )  # fmt: skip
    return database.make_engine(url)


def as_dict(frame):
    return {(r.state, r.category): (r.started, r.completed, r.active) for r in frame.itertuples()}


def test_project_counts_as_of(tiny):
    counts = queries.project_counts(tiny, Filters(cycle=2018), AS_OF)
    assert as_dict(counts) == {
        ("PA", "digital_basics"): (1, 0, 1),
        ("VA", "digital_basics"): (1, 1, 0),
        ("VA", "social_digital"): (1, 0, 1),
    }


def test_project_counts_earlier_day_sees_the_program_as_it_stood(tiny):
    counts = queries.project_counts(tiny, Filters(cycle=2018), date(2018, 8, 25))
    assert as_dict(counts) == {("PA", "digital_basics"): (1, 0, 1),
                               ("VA", "digital_basics"): (1, 0, 1)}  # fmt: skip


def test_project_counts_filters(tiny):
    assert set(as_dict(queries.project_counts(tiny, Filters(2018, ("VA",)), AS_OF))) == {
        ("VA", "digital_basics"), ("VA", "social_digital")
    }  # fmt: skip
    only_social = queries.project_counts(tiny, Filters(2018, None, ("social_digital",)), AS_OF)
    assert len(only_social) == 1
    assert queries.project_counts(tiny, Filters(2018, ()), AS_OF).empty
    every_cycle = queries.project_counts(tiny, Filters(), AS_OF)
    assert int(every_cycle["started"].sum()) == 4  # P1, P2, P3 and the 2017 P6


def test_reach_counts(tiny):
    reach = queries.reach_counts(tiny, Filters(cycle=2018), AS_OF)
    # V2 is on two projects and counts once; V4 starts later; V5 was on a cancelled project.
    assert reach == {"campaigns": 2, "states": 2, "volunteers": 3}
    assert queries.reach_counts(tiny, Filters(2018, ()), AS_OF) == {
        "campaigns": 0, "states": 0, "volunteers": 0
    }  # fmt: skip


def test_project_timeline(tiny):
    tl = queries.project_timeline(tiny, Filters(cycle=2018))
    by_day = {r.day.date(): (r.started, r.completed) for r in tl.itertuples()}
    assert by_day == {
        date(2018, 8, 1): (1, 0),
        date(2018, 8, 20): (1, 0),
        date(2018, 9, 1): (0, 1),
        date(2018, 9, 10): (1, 0),
        date(2018, 10, 1): (1, 0),
    }
    assert queries.project_timeline(tiny, Filters(2018, ())).empty


def test_latest_data_date_ignores_the_future(tiny):
    assert queries.latest_data_date(tiny, today=AS_OF) == date(2018, 9, 13)
    assert queries.latest_data_date(tiny, today=date(2020, 1, 1)) == date(2018, 10, 1)


def test_latest_data_date_counts_results_and_completions_not_plans_or_removed_rows(make_store):
    election = date(2017, 11, 7)
    decided = {**campaign("C1", "VA", cycle=2017), "election_date": election, "result": "won"}
    pending = {**campaign("C2", "VA", cycle=2018), "result": "pending"}  # election day 2018-11-06
    done = {
        **project("P1", "C1", "digital_basics", "completed", "2017-09-01"),
        "end_date": election,
    }  # completed, no completed_date: its end date is the completion
    planned = {
        **project("P2", "C2", "digital_basics", "active", "2018-09-01"),
        "end_date": "2018-12-01",
    }  # an active project's end date is a plan
    removed = project("P3", "C2", "digital_basics", "completed", "2018-09-02",
                      completed="2019-01-05", removed=datetime(2019, 2, 1))  # fmt: skip
    url = make_store(campaigns=[decided, pending], projects=[done, planned, removed])
    engine = database.make_engine(url)
    later = date(2030, 1, 1)
    assert queries.latest_data_date(engine, today=later) == date(2018, 9, 1)
    assert queries.latest_data_date(engine, today=date(2018, 1, 1)) == election
    assert queries.latest_data_date(engine, today=date(2017, 11, 6)) == date(2017, 9, 1)
    # without the later project: the election day (results in) and the completion
    store_two = database.make_engine(make_store(campaigns=[decided], projects=[done]))
    assert queries.latest_data_date(store_two, today=later) == election
    bounds = queries.as_of_bounds(store_two, later)
    assert bounds == queries.AsOfBounds(date(2017, 9, 1), election, later)
    # never after today
    early = queries.as_of_bounds(store_two, date(2017, 10, 1))
    assert (early.default, early.last) == (date(2017, 9, 1), date(2017, 10, 1))


def test_cycles_states_goal(tiny):
    assert queries.cycles(tiny) == [2018, 2017]
    assert queries.states_in_data(tiny) == ["PA", "VA"]
    goal = goals.goal_for(tiny, goals.PROJECTS, 2018)
    assert goal is not None and goal.target == 500 and goal.deadline == date(2018, 11, 6)
    assert goals.goal_for(tiny, goals.PROJECTS, 2017) is None


def test_headline_metrics(tiny):
    h = queries.headline_metrics(tiny, AS_OF)
    assert h["projects_started"] == 4
    assert h["projects_completed"] == 2
    assert h["volunteers_enrolled"] == 5


def test_empty_store(make_store):
    engine = database.make_engine(make_store())
    assert queries.project_counts(engine, Filters(), AS_OF).empty
    assert queries.project_timeline(engine, Filters()).empty
    assert queries.latest_data_date(engine) is None
    assert queries.cycles(engine) == []
