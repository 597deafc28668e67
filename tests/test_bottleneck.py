"""What limits the pace: stores built to be limited by intake, staffing or completion, each
named by the rule (tfc_dash.figures.bottleneck),
with the funnel's counts and medians from the rows."""

from datetime import date

import pytest

from tests.builders import assignment, campaign, project, volunteer
from tfc_dash.core import catalogue
from tfc_dash.figures import bottleneck
from tfc_dash.figures.filters import Filters
from tfc_dash.store import database

AS_OF = date(2018, 9, 1)
VIEW = Filters(cycle=2018)
GOAL_TARGET = 50  # make_store's goal is 500; these stores set their own
GOALS = [
    {"cycle": 2018, "metric": "projects", "target": GOAL_TARGET, "deadline": date(2018, 11, 6)}
]


def bench(n: int, start: int = 0) -> list[dict]:
    return [volunteer(f"B{i}") for i in range(start, start + n)]


def limit_of(make_store, **tables) -> bottleneck.Bottleneck:
    engine = database.make_engine(make_store(goals=GOALS, **tables))
    try:
        return bottleneck.limiting_step(engine, VIEW, AS_OF)
    finally:
        engine.dispose()


def staffed(pid: str, vid: str, **kwargs) -> tuple[dict, dict, dict]:
    """A project needing one volunteer, and that volunteer on it."""
    p = project(pid, needed=1, **kwargs)
    return p, volunteer(vid), assignment(pid, vid, p["start_date"])


def test_intake_a_full_bench_and_projects_on_time(make_store):
    rows = [staffed(f"P{i}", f"T{i}", start=f"2018-08-{10 + i:02d}") for i in range(3)]
    projects = [r[0] for r in rows] + [project("S1", status="scoping", start=None, end=None)]
    found = limit_of(
        make_store,
        campaigns=[campaign("C1")],
        projects=projects,
        volunteers=[r[1] for r in rows] + bench(10),
        assignments=[r[2] for r in rows],
    )
    assert found.cause == bottleneck.INTAKE and found.page == "projects"
    per_week = 3 / 4  # three started in the 4 weeks to the as-of date
    needed = (GOAL_TARGET - 3) / ((date(2018, 11, 6) - AS_OF).days / 7)
    assert found.sentence.startswith("Project intake limits the pace: ")
    assert f"{per_week:.1f} projects started a week" in found.sentence
    assert f"against {needed:.1f} needed" in found.sentence
    assert "10 volunteers wait on the bench" in found.sentence
    assert "1 project is in scoping" in found.sentence
    assert found.figures["volunteers_bench"] == 10 and found.figures["projects_scoping"] == 1


def test_staffing_open_seats_and_an_empty_bench(make_store):
    projects = [project(f"P{i}", start="2018-08-20", needed=4) for i in range(3)]
    found = limit_of(
        make_store,
        campaigns=[campaign("C1")],
        projects=projects,
        volunteers=bench(2),
        assignments=[],
    )
    assert found.cause == bottleneck.STAFFING and found.page == "staffing"
    assert found.sentence.startswith("Staffing limits the pace: ")
    assert "12 open seats on 3 understaffed projects against 2 volunteers on the bench" in (
        found.sentence
    )
    assert found.figures["open_seats"] == 12 and found.figures["projects_understaffed"] == 3


def test_completion_projects_past_their_planned_end(make_store):
    late = [staffed(f"L{i}", f"T{i}", start="2018-06-01", end="2018-08-01") for i in range(2)]
    on_time = [staffed("OK", "T9", start="2018-08-20", end="2018-10-15")]
    done = project("D1", status="completed", start="2018-05-01", completed="2018-06-12")
    rows = late + on_time
    found = limit_of(
        make_store,
        campaigns=[campaign("C1")],
        projects=[r[0] for r in rows] + [done],
        volunteers=[r[1] for r in rows] + bench(10),
        assignments=[r[2] for r in rows],
    )
    assert found.cause == bottleneck.COMPLETION and found.page == "projects"
    assert found.sentence.startswith("Completion limits the pace: ")
    assert "2 of 3 active projects are past their planned end" in found.sentence
    assert "completed projects took a median 6 weeks" in found.sentence  # 1 May to 12 Jun


def test_the_funnel_counts_each_stage_and_its_median_weeks(make_store):
    url = make_store(
        goals=GOALS,
        campaigns=[campaign("C1"), campaign("C2", cycle=2017)],
        projects=[
            project("S1", status="scoping", start=None, end=None),
            project("S2", status="scoping", start=None, end=None),
            project("A1", start="2018-08-04"),  # 4 weeks before the as-of date
            project("A2", start="2018-08-18"),  # 2 weeks
            project("A3", start="2018-08-25"),  # 1 week
            project("F1", start="2018-09-20"),  # starts after the as-of date: not counted
            project("D1", status="completed", start="2018-05-01", completed="2018-05-29"),
            project("X1", status="cancelled", start="2018-05-01"),
            project("O1", cid="C2", start="2017-08-01"),  # another cycle
        ],
    )
    engine = database.make_engine(url)
    frame = bottleneck.funnel(engine, VIEW, AS_OF).set_index("stage")
    engine.dispose()
    assert frame["projects"].to_dict() == {"scoping": 2, "active": 3, "completed": 1}
    assert frame.at["active", "median_weeks"] == pytest.approx(2.0)
    assert frame.at["completed", "median_weeks"] == pytest.approx(4.0)
    assert frame.at["scoping", "median_weeks"] is None or frame["median_weeks"].isna()["scoping"]


def test_on_pace_still_names_the_first_limit():
    found = bottleneck.decide(
        per_week=30.0, needed=20.0, on_track=True, bench=100, utilization=0.1, understaffed=0,
        open_seats=0, short_skills=0, active=10, overdue=0, scoping=5, weeks_to_complete=6.0,
    )  # fmt: skip
    assert found.sentence.startswith(
        "On pace; the step that would limit it first is project intake"
    )


def test_the_figures_it_uses_are_in_the_catalogue():
    found = bottleneck.decide(
        per_week=1.0, needed=None, on_track=None, bench=1, utilization=0.9, understaffed=1,
        open_seats=2, short_skills=1, active=1, overdue=1, scoping=0, weeks_to_complete=None,
    )  # fmt: skip
    assert found.cause == bottleneck.STAFFING
    assert set(found.figures) <= set(catalogue.FIGURES)
    assert ("Utilization", "90%") in found.figure_rows()


def test_a_past_cycle_with_nothing_running_says_it_is_over(make_store):
    url = make_store(
        goals=GOALS,
        campaigns=[campaign("C1", cycle=2017)],
        projects=[
            project("D1", status="completed", start="2017-08-01", completed="2017-08-29"),
            project("D2", status="completed", start="2017-08-01", completed="2017-09-12"),
        ],
        volunteers=bench(3),
    )
    engine = database.make_engine(url)
    found = bottleneck.limiting_step(engine, Filters(cycle=2017), AS_OF)
    engine.dispose()
    assert found.cause == bottleneck.OVER
    assert found.sentence.startswith("The 2017 cycle is over: its elections are past and 2 ")
    assert "each in a median 5 weeks" in found.sentence  # 4 and 6 weeks
