"""Volunteer figures against small hand-computed stores: pool, utilization, placement,
repeat and completion rates, filters, breakdowns and bad rows."""

import itertools
from datetime import date, timedelta

import pandas as pd
import pytest

from tests.builders import assignment, campaign, project, volunteer
from tfc_dash.figures import volunteering
from tfc_dash.figures.filters import Filters
from tfc_dash.store import database

AS_OF = date(2018, 9, 14)
EVERYONE = Filters()


@pytest.fixture
def engine_for(make_store):
    def build(**tables):
        tables.setdefault("campaigns", [campaign("C1")])
        tables.setdefault(
            "projects",
            [project("P1", start="2018-08-01", end="2018-10-15"),
             project("P2", start="2018-09-01", end="2018-10-30")],
        )  # fmt: skip
        return database.make_engine(make_store(**tables))

    return build


def pool(engine, day=AS_OF, filters=EVERYONE):
    weekly = volunteering.pool_weeks(engine, filters, day)
    return volunteering.pool_on(weekly, day)


# --- the pool -------------------------------------------------------------------------------
@pytest.fixture
def seven(engine_for):
    """Seven volunteers, each a different case; the expected figures are worked out by hand."""
    return engine_for(
        volunteers=[
            volunteer("V1", hours=10),  # on P1
            volunteer("V2", hours=8),  # on P1 and P2 at once: deployed once, hours add up
            volunteer("V3", status="paused", hours=6, signed="2018-02-01"),  # paused, yet on P2
            volunteer("V4", hours=None, signed="2018-03-01"),  # bench, gives no hours
            volunteer("V5", status="left", signed="2018-05-01"),  # not active
            volunteer("V6", signed="2018-10-01"),  # signs up after the as-of day
            volunteer("V7", hours=5),  # finished before the as-of day: bench
        ],
        assignments=[
            assignment("P1", "V1", "2018-09-01", "2018-09-30", hours=5),
            assignment("P1", "V2", "2018-08-01", "2018-10-15", hours=4),
            assignment("P2", "V2", "2018-09-10", "2018-10-30", hours=3),
            assignment("P2", "V3", "2018-09-01", None, hours=2),
            assignment("P1", "V7", "2018-08-01", "2018-09-01", hours=5),
        ],
    )


def test_pool_on_the_as_of_day(seven):
    now = pool(seven)
    assert now["enrolled"] == 6  # V6 signs up later
    assert now["active"] == 5  # V1, V2, V4, V7 by status + V3 on a project
    assert now["deployed"] == 3  # V1, V2, V3
    assert now["bench"] == 2  # V4, V7
    # committed 5 + (4 + 3) + 2 over available 10 + 8 + 6 + 5 (V4 gives no hours)
    assert now["committed_hours"] == 14
    assert now["available_hours"] == 29
    assert now["utilization"] == pytest.approx(14 / 29)


def test_pool_earlier_sees_the_program_as_it_stood(seven):
    then = pool(seven, date(2018, 8, 15))
    # V1 (signed 1 Jan), V2, V3, V4, V5 and V7 are enrolled; V5 has left, V3 is paused and idle.
    assert then["enrolled"] == 6
    assert then["deployed"] == 2  # V2 and V7
    assert then["active"] == 4  # V1, V2, V4, V7
    assert then["bench"] == 2


def test_overlapping_assignments_count_a_volunteer_once(engine_for):
    engine = engine_for(
        volunteers=[volunteer("V1", hours=10)],
        assignments=[assignment("P1", "V1", "2018-09-01", "2018-10-01", hours=4),
                     assignment("P2", "V1", "2018-09-05", "2018-10-01", hours=3)],
    )  # fmt: skip
    now = pool(engine)
    assert (now["deployed"], now["bench"], now["committed_hours"]) == (1, 0, 7)


def test_blank_end_runs_until_the_project_completes(engine_for):
    engine = engine_for(
        projects=[project("P1", status="completed", start="2018-07-01", end="2018-09-01",
                          completed="2018-09-01"),
                  project("P2", status="active", start="2018-09-01")],
        volunteers=[volunteer("V1"), volunteer("V2")],
        assignments=[assignment("P1", "V1", "2018-07-01"), assignment("P2", "V2", "2018-09-01")],
    )  # fmt: skip
    assert pool(engine, date(2018, 8, 15))["deployed"] == 1
    now = pool(engine)
    assert now["deployed"] == 1  # V2: P2 is still running; V1's P1 completed on 1 Sep
    assert now["bench"] == 1


def test_an_assignment_spanning_the_window_edge(engine_for):
    before = AS_OF - timedelta(weeks=4)  # 17 Aug: the delta's edge
    engine = engine_for(
        volunteers=[volunteer("V1"), volunteer("V2"), volunteer("V3")],
        assignments=[
            assignment("P1", "V1", "2018-08-01", "2018-09-20"),  # spans both ends
            assignment("P1", "V2", "2018-08-10", "2018-08-17"),  # ends on the edge day
            assignment("P2", "V3", "2018-09-14", "2018-10-01"),  # starts on the as-of day
        ],
    )
    weekly = volunteering.pool_weeks(engine, EVERYONE, AS_OF)
    deployed = dict(zip(weekly["day"].dt.date, weekly["deployed"], strict=True))
    assert deployed[before] == 2 and deployed[AS_OF] == 2
    assert deployed[date(2018, 8, 3)] == 1 and deployed[date(2018, 7, 27)] == 0
    cards = {c.label: c for c in volunteering.volunteer_scorecards(
        weekly, volunteering.placement_cohorts(engine, EVERYONE, AS_OF),
        volunteering.assignment_completion(engine, EVERYONE, AS_OF), AS_OF)}  # fmt: skip
    assert cards["On a project now"].value == 2 and cards["On a project now"].delta == 0
    assert cards["On the bench"].value == 1 and cards["On the bench"].delta == 0


def test_weeks_step_back_from_the_as_of_day(seven):
    weekly = volunteering.pool_weeks(seven, EVERYONE, AS_OF)
    days = list(weekly["day"].dt.date)
    assert days[-1] == AS_OF
    assert all(b - a == timedelta(weeks=1) for a, b in itertools.pairwise(days))
    assert days[0] >= date(2018, 1, 1) > days[0] - timedelta(weeks=1)
    assert (weekly["bench"] == weekly["active"] - weekly["deployed"]).all()


def test_no_volunteers(engine_for):
    engine = engine_for(volunteers=[], assignments=[])
    weekly = volunteering.pool_weeks(engine, EVERYONE, AS_OF)
    assert volunteering.pool_on(weekly, AS_OF)["enrolled"] == 0
    cohorts = volunteering.placement_cohorts(engine, EVERYONE, AS_OF)
    completion = volunteering.assignment_completion(engine, EVERYONE, AS_OF)
    cards = {c.label: c.value for c in volunteering.volunteer_scorecards(
        weekly, cohorts, completion, AS_OF)}  # fmt: skip
    assert cards == {"Volunteers enrolled": 0, "Active volunteers": 0, "On a project now": 0,
                     "On the bench": 0, "Utilization": None, "Time to first placement": None,
                     "Repeat rate": None, "Completion rate": None}  # fmt: skip
    assert volunteering.placement_trend(cohorts).empty
    by_state = volunteering.pool_by(engine, EVERYONE, AS_OF, "home_state")
    assert volunteering.breakdown_by_home_state(by_state).empty
    assert volunteering.breakdown_by_skill(
        volunteering.pool_by(engine, EVERYONE, AS_OF, "skills")
    ).empty


def test_no_hours_gives_no_utilization(engine_for):
    engine = engine_for(
        volunteers=[volunteer("V1", hours=None), volunteer("V2", hours=None)],
        assignments=[assignment("P1", "V1", "2018-09-01", hours=None)],
    )
    now = pool(engine)
    assert (now["deployed"], now["bench"]) == (1, 1)
    assert now["utilization"] is None
    assert now["available_hours"] == 0


# --- placement, repeat and completion ---------------------------------------------------------
@pytest.fixture
def placements(engine_for):
    return engine_for(
        projects=[project("P1", start="2018-01-10"), project("P2", start="2018-02-20"),
                  project("P3", start="2018-03-01")],
        volunteers=[volunteer("V1", signed="2018-01-01"), volunteer("V2", signed="2018-02-01"),
                    volunteer("V3", signed="2018-02-15"), volunteer("V4", signed="2018-01-20"),
                    volunteer("V5", signed="2018-01-05")],
        assignments=[
            assignment("P1", "V1", "2018-01-11", "2018-02-15"),  # 10 days
            assignment("P3", "V1", "2018-03-01", "2018-04-01"),  # V1's second project
            assignment("P3", "V2", "2018-03-03", "2018-04-01"),  # 30 days
            assignment("P2", "V3", "2018-02-25", "2018-03-25"),  # 10 days
            assignment("P3", "V5", "2018-10-01"),  # after the as-of day: not placed yet
        ],
    )  # fmt: skip


def test_time_to_first_placement(placements):
    cohorts = volunteering.placement_cohorts(placements, EVERYONE, AS_OF)
    assert volunteering.median_days_to_first_placement(cohorts) == 10
    assert volunteering.repeat_rate(cohorts) == pytest.approx(1 / 3)
    # On 1 Mar 2018, V2 (placed 3 Mar) is not placed yet, nor has V1 a second project.
    early = volunteering.placement_cohorts(placements, EVERYONE, date(2018, 2, 28))
    assert volunteering.median_days_to_first_placement(early) == 10
    assert volunteering.repeat_rate(early) == 0


def test_placement_trend_by_sign_up_month(placements):
    trend = volunteering.placement_trend(
        volunteering.placement_cohorts(placements, EVERYONE, AS_OF)
    )
    rows = {r.month.strftime("%Y-%m"): r for r in trend.itertuples()}
    assert set(rows) == {"2018-01", "2018-02"}
    jan, feb = rows["2018-01"], rows["2018-02"]
    assert (jan.signed_up, jan.placed, jan.median_days) == (3, 1, 10)  # V1, V4, V5
    assert jan.share_placed == pytest.approx(1 / 3)
    assert (feb.signed_up, feb.placed, feb.median_days) == (2, 2, 20)  # median of 30 and 10


def test_median_weighs_each_volunteer():
    cohorts = pd.DataFrame(
        {"signed_up": pd.to_datetime(["2018-01-01", "2018-01-01"]),
         "first_start": pd.to_datetime(["2018-01-03", "2018-01-31"]),
         "repeat": [0, 0], "volunteers": [3, 1]}
    )  # fmt: skip
    assert volunteering.median_days_to_first_placement(cohorts) == 2  # 2, 2, 2, 30


def test_completion_rate(engine_for):
    engine = engine_for(
        projects=[
            project("P1", status="completed", start="2018-07-01", end="2018-08-31",
                    completed="2018-08-31"),
            project("P2", status="cancelled", start="2018-07-01", end="2018-08-31"),
            project("P3", status="active", start="2018-08-01", end="2018-10-01"),
            project("P4", status="active", start="2018-08-01", end=None),
        ],
        volunteers=[volunteer(f"V{i}") for i in range(1, 7)],
        assignments=[
            assignment("P1", "V1", "2018-07-01", "2018-08-31"),  # ran its period
            assignment("P1", "V2", "2018-07-01", "2018-08-15"),  # left early
            assignment("P2", "V3", "2018-07-01", "2018-07-15"),  # cancelled: left out
            assignment("P3", "V4", "2018-08-01", "2018-10-01"),  # not over yet
            assignment("P3", "V5", "2018-08-01", "2018-09-01"),  # left early
            assignment("P4", "V6", "2018-08-01", "2018-09-01"),  # no planned end: left out
        ],
    )  # fmt: skip
    completion = volunteering.assignment_completion(engine, EVERYONE, AS_OF)
    assert completion.iloc[0].to_dict() == {"ended": 3, "ran_full": 1}
    assert volunteering.completion_rate(completion) == pytest.approx(1 / 3)
    assert (
        volunteering.completion_rate(
            volunteering.assignment_completion(engine, EVERYONE, date(2018, 6, 1))
        )
        is None
    )


# --- filters and breakdowns -----------------------------------------------------------------
@pytest.fixture
def mixed(engine_for):
    return engine_for(
        volunteers=[
            volunteer("V1", home="PA", skills="Python, SQL"),
            volunteer("V2", home="NY", skills="design"),
            volunteer("V3", home="pa ", skills="Paid Ads"),
            volunteer("V4", home=None, skills="nosql"),
            volunteer("V5", home="NY", skills=None),
        ],
        assignments=[assignment("P1", "V1", "2018-09-01")],
    )


@pytest.mark.parametrize(
    ("filters", "enrolled"),
    [
        (Filters(), 5),
        (Filters(states=("PA",)), 1),  # home states are compared as written
        (Filters(states=()), 0),
        (Filters(categories=("engineering_data",)), 1),  # "nosql" is not SQL
        (Filters(categories=("social_digital",)), 2),  # design, and "Paid Ads" = paid_ads
        (Filters(cycle=2017), 5),  # the cycle does not apply to volunteers
    ],
)
def test_volunteer_filters(mixed, filters, enrolled):
    assert pool(mixed, filters=filters)["enrolled"] == enrolled


def test_breakdown_by_skill_counts_each_skill(mixed):
    frame = volunteering.pool_by(mixed, EVERYONE, AS_OF, "skills")
    skills = volunteering.per_skill(frame).set_index("skill")
    assert skills.loc["python", "deployed"] == 1 and skills.loc["sql", "active"] == 1
    assert skills.loc["paid_ads", "bench"] == 1
    assert skills.loc["nosql", "active"] == 1  # kept as written, not a known skill
    assert skills.loc["", "skill_label"] == "No skills listed"
    only = volunteering.breakdown_by_skill(frame, only=("python", "design"))
    assert set(only["label"]) == {"Python", "Design"}


def test_breakdown_by_home_state(mixed):
    frame = volunteering.breakdown_by_home_state(
        volunteering.pool_by(mixed, EVERYONE, AS_OF, "home_state")
    )
    totals = frame.drop_duplicates("label").set_index("label")["total"].to_dict()
    assert totals == {"PA": 2, "NY": 2, "Unknown": 1}
    assert frame.iloc[0]["label"] in ("NY", "PA")
    deployed = frame[(frame["label"] == "PA") & (frame["group"] == "On a project now")]
    assert int(deployed["volunteers"].iloc[0]) == 1


def test_pool_by_refuses_other_columns(mixed):
    with pytest.raises(ValueError):
        volunteering.pool_by(mixed, EVERYONE, AS_OF, "email")


def test_weekly_pool_combines_sign_ups_and_running():
    days = [date(2018, 1, 1), date(2018, 1, 8)]
    signups = pd.DataFrame({"day": [date(2017, 12, 1), date(2018, 1, 5), date(2018, 1, 5)],
                            "status_active": [1, 1, 0], "volunteers": [2, 1, 4],
                            "hours": [20.0, None, 8.0]})  # fmt: skip
    running = pd.DataFrame({"day": [date(2018, 1, 8)], "deployed": [2], "deployed_inactive": [1],
                            "available_inactive": [5.0], "committed_hours": [6.0]})  # fmt: skip
    weekly = volunteering.weekly_pool(days, signups, running)
    first, second = weekly.to_dict("records")
    assert (first["enrolled"], first["active"], first["deployed"], first["bench"]) == (2, 2, 0, 2)
    assert (second["enrolled"], second["active"], second["deployed"]) == (7, 4, 2)
    assert second["available_hours"] == 25 and second["utilization"] == pytest.approx(6 / 25)


# --- bad rows -------------------------------------------------------------------------------
GOOD_VOLUNTEERS = [volunteer("V1"), volunteer("V2"), volunteer("V3", hours=4)]
GOOD_ASSIGNMENTS = [assignment("P1", "V1", "2018-09-01"), assignment("P2", "V2", "2018-09-05")]


@pytest.mark.parametrize(
    ("extra_volunteers", "extra_assignments", "problem", "record"),
    [
        ([], [assignment("P1", "V3", "2018-09-10", "2018-09-01")],
         "ends before it starts", ("P1", "V3")),
        ([], [assignment("P1", "V3", "2018-09-10", hours=-2)],
         "hours a week below 0 or over 80", ("P1", "V3")),
        ([], [assignment("P1", "V3", "2018-09-10", hours=90)],
         "hours a week below 0 or over 80", ("P1", "V3")),
        ([], [assignment("P1", "V9", "2018-09-10")], "unknown volunteer", ("P1", "V9")),
        ([], [assignment("P404", "V3", "2018-09-10")], "unknown project", ("P404", "V3")),
        ([], [assignment("P1", "V3", "2017-12-01", "2018-09-30")],
         "starts before the volunteer signed up", ("P1", "V3")),
        ([volunteer("V8", signed=None)], [assignment("P1", "V8", "2018-09-01")],
         "no sign-up date", ("V8",)),
        ([volunteer("V8", hours=100)], [], "hours a week below 0 or over 80", ("V8",)),
        ([volunteer("V8", hours=-1)], [assignment("P2", "V8", "2018-09-01")],
         "hours a week below 0 or over 80", ("V8",)),
    ],
)  # fmt: skip
def test_bad_rows_are_reported_and_left_out(
    engine_for, extra_volunteers, extra_assignments, problem, record
):
    baseline = engine_for(volunteers=GOOD_VOLUNTEERS, assignments=GOOD_ASSIGNMENTS)
    engine = engine_for(
        volunteers=GOOD_VOLUNTEERS + extra_volunteers,
        assignments=GOOD_ASSIGNMENTS + extra_assignments,
    )
    bad = volunteering.bad_rows(engine)
    assert list(bad["problem"]) == [problem]
    row = bad.iloc[0]
    if len(record) == 1:
        assert (row["table"], row["volunteer_id"]) == ("volunteers", record[0])
    else:
        assert (row["table"], row["project_id"], row["volunteer_id"]) == ("assignments", *record)
    # Left out of every figure: the same as without the bad rows.
    for day in (AS_OF, date(2018, 9, 1)):
        assert pool(engine, day) == pool(baseline, day)
    for fn in (volunteering.placement_cohorts, volunteering.assignment_completion):
        pd.testing.assert_frame_equal(fn(engine, EVERYONE, AS_OF), fn(baseline, EVERYONE, AS_OF))
    assert volunteering.bad_rows(baseline).empty


def test_bad_row_summary_names_the_rows():
    bad = pd.DataFrame(
        [{"table": "assignments", "problem": "ends before it starts", "volunteer_id": f"V{i}",
          "project_id": "P1", "start_date": date(2018, 9, i + 1)} for i in range(4)]
        + [{"table": "volunteers", "problem": "no sign-up date", "volunteer_id": "V9",
            "project_id": None, "start_date": None}]
    )  # fmt: skip
    summary = volunteering.bad_row_summary(bad, limit=2)
    assert summary.to_dict("records") == [
        {"table": "assignments", "problem": "ends before it starts", "rows": 4,
         "which": "P1 · V0 · 2018-09-01, P1 · V1 · 2018-09-02 and 2 more"},
        {"table": "volunteers", "problem": "no sign-up date", "rows": 1, "which": "V9"},
    ]  # fmt: skip
    message = volunteering.bad_data_message(bad)
    assert "1 volunteer and 4 assignments" in message
    assert volunteering.bad_data_message(bad.iloc[0:0]) is None
    assert volunteering.bad_rows_note(bad).startswith("5 bad volunteer or assignment rows are")
    assert volunteering.bad_rows_note(bad.iloc[0:0]) is None


def test_describe_scope():
    assert volunteering.describe_scope(Filters(cycle=2018)).startswith(
        "Volunteers from every state with any skills · the cycle filter does not apply"
    )
    text = volunteering.describe_scope(Filters(states=("PA",), categories=("social_digital",)))
    assert text == "Volunteers living in PA with skills for Social & digital media"
