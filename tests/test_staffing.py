"""Staffing gaps and the matcher: who is short, who to ask, in which order and why."""

import random
from datetime import date

import pandas as pd
import pytest

from tests.builders import assignment, campaign, project, volunteer
from tfc_dash.figures import policy, staffing
from tfc_dash.figures.filters import Filters
from tfc_dash.store import database

AS_OF = date(2018, 9, 14)
FUNDRAISING = policy.Viewer(policy.Role.FUNDRAISING, "money@example.org")


# --- gaps -------------------------------------------------------------------------------------
@pytest.fixture
def gaps_store(make_store):
    url = make_store(
        campaigns=[campaign("C1", "PA", "lower"), campaign("C2", "NY", "congress"),
                   campaign("C3", "VA", "lower", cycle=2017)],
        projects=[
            project("P1", "C1", needed=4),  # 2 running + 1 finished: 2 open seats
            project("P2", "C2", "social_digital", needed=3),  # 3 on it: full
            project("P3", "C1", status="completed", start="2018-07-01", end="2018-09-01",
                    completed="2018-09-01", needed=5),  # over by the as-of day
            project("P4", "C1", status="scoping", start=None, end=None, needed=4),
            project("P5", "C1", "digital_basics", start="2018-09-20", needed=3),  # starts later
            project("P6", "C2", "digital_basics", needed=None),  # need unknown
            project("P7", "C3", status="completed", start="2017-08-01", end="2017-10-01",
                    completed="2018-10-01", needed=3),  # 2017 campaign, completed later
        ],
        volunteers=[volunteer(f"V{i}") for i in range(1, 8)],
        assignments=[
            assignment("P1", "V1", "2018-08-01"), assignment("P1", "V2", "2018-08-02"),
            assignment("P1", "V3", "2018-08-01", "2018-09-01"),
            assignment("P2", "V4", "2018-08-01"), assignment("P2", "V5", "2018-08-01"),
            assignment("P2", "V6", "2018-08-01"),
            assignment("P2", "V6", "2018-09-01"),  # counted once
            assignment("P7", "V7", "2018-08-01", "2018-08-02"),
        ],
    )  # fmt: skip
    return database.make_engine(url)


def test_running_projects_and_their_open_seats(gaps_store):
    running = staffing.running_projects(gaps_store, Filters(), AS_OF)
    rows = {r.project_id: (r.team, r.open_seats) for r in running.itertuples()}
    assert set(rows) == {"P1", "P2", "P6", "P7"}
    assert rows["P1"] == (2, 2) and rows["P2"] == (3, 0) and rows["P7"] == (0, 3)
    assert pd.isna(rows["P6"][1])
    assert list(running["project_id"])[:2] == ["P7", "P1"]  # most open seats, then end date
    gaps = staffing.understaffed(running)
    assert list(gaps["project_id"]) == ["P7", "P1"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(cycle=2018), {"P1", "P2", "P6"}),
        (Filters(states=("NY",)), {"P2", "P6"}),
        (Filters(states=()), set()),
        (Filters(categories=("engineering_data",)), {"P1", "P7"}),
    ],
)
def test_running_projects_follow_the_filters(gaps_store, filters, expected):
    running = staffing.running_projects(gaps_store, filters, AS_OF)
    assert set(running["project_id"]) == expected


# --- the matcher -------------------------------------------------------------------------------
def gap(pid="P1", state="PA", chamber="lower", category="engineering_data", open_seats=1,
        end="2018-10-01"):  # fmt: skip
    return {"project_id": pid, "project_name": f"Project {pid}", "candidate": "C", "state": state,
            "chamber": chamber, "district": "1", "category": category,
            "start_date": date(2018, 8, 1), "end_date": date.fromisoformat(end),
            "volunteers_needed": 4, "team": 4 - open_seats, "open_seats": open_seats}  # fmt: skip


def bench_row(vid, skills, home="NY", hours=5.0, finished=0, placements=0, signed="2018-01-01"):
    return {"volunteer_id": vid, "volunteer_name": f"Name {vid}",
            "volunteer_email": f"{vid}@example.org", "home_state": home, "skills": skills,
            "hours_per_week": hours, "signed_up": pd.Timestamp(signed),
            "placements": placements, "finished": finished}  # fmt: skip


PERFECT = bench_row("V-PERFECT", "data_science, engineering, python, sql", home="PA", hours=12,
                    finished=1, placements=1, signed="2018-06-01")  # fmt: skip
OTHERS = [
    # Every skill, plenty of hours, finished before, waited longer; but lives elsewhere.
    bench_row("V-AWAY", "data_science, engineering, python, sql", home="NY", hours=15,
              finished=2, placements=2, signed="2017-01-20"),
    # Lives in PA and waited longest, with two of the skills.
    bench_row("V-LOCAL", "python, sql", home="PA", hours=15, finished=1, placements=1,
              signed="2017-01-10"),
    bench_row("V-FEW-HOURS", "data_science, engineering, python, sql", home="PA", hours=3,
              signed="2017-02-01"),
    bench_row("V-NO-SKILL", "design, video", home="PA", hours=15, finished=3, placements=3,
              signed="2017-01-01"),
    bench_row("V-ONE", "sql", home="PA", hours=4, signed="2017-03-01"),
]  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_a_perfect_match_ranks_first(seed):
    rows = [PERFECT, *OTHERS]
    random.Random(seed).shuffle(rows)
    ranked = staffing.rank_candidates(pd.DataFrame([gap(open_seats=2)]), pd.DataFrame(rows), AS_OF)
    assert ranked.iloc[0]["volunteer_id"] == "V-PERFECT"
    assert ranked.iloc[0]["rank"] == 1
    assert ranked.iloc[0]["score"] == 4 * 2 + 2 + 2 + 1
    why = ranked.iloc[0]["why"]
    for part in ("4 matching skills", "lives in PA", "12 h a week", "finished 1 project before",
                 "signed up 105 days ago"):  # fmt: skip
        assert part in why
    # Nobody without a skill the category needs; the rest best first.
    assert "V-NO-SKILL" not in set(ranked["volunteer_id"])
    assert list(ranked["volunteer_id"]) == ["V-PERFECT", "V-AWAY", "V-FEW-HOURS", "V-LOCAL",
                                            "V-ONE"]  # fmt: skip
    assert list(ranked["score"]) == [13, 11, 10, 9, 4]


def test_home_state_counts_only_where_it_matters():
    ranked = staffing.rank_candidates(
        pd.DataFrame([gap(chamber="congress")]), pd.DataFrame([PERFECT, *OTHERS]), AS_OF
    )
    # A US House race: living in PA earns nothing, so V-AWAY (more hours, waited longer) leads.
    assert ranked.iloc[0]["volunteer_id"] == "V-AWAY"
    assert "lives in" not in ranked.iloc[0]["why"]
    assert ranked.set_index("volunteer_id").loc["V-PERFECT", "score"] == 11


def test_ties_go_to_the_earliest_sign_up_then_the_id():
    bench = pd.DataFrame([bench_row("V3", "sql", signed="2018-02-01"),
                          bench_row("V2", "sql", signed="2018-01-01"),
                          bench_row("V1", "sql", signed="2018-02-01")])  # fmt: skip
    ranked = staffing.rank_candidates(pd.DataFrame([gap(open_seats=1)]), bench, AS_OF)
    assert list(ranked["volunteer_id"]) == ["V2", "V1", "V3"]


def test_each_volunteer_is_proposed_once_and_per_seat():
    bench = pd.DataFrame([bench_row(f"V{i:02d}", "python", signed=f"2018-01-{i + 1:02d}")
                          for i in range(10)])  # fmt: skip
    gaps = pd.DataFrame([gap("P1", open_seats=1, end="2018-10-20"),
                         gap("P2", open_seats=2, end="2018-10-30"),
                         gap("P3", open_seats=1, end="2018-10-01")])  # fmt: skip
    ranked = staffing.rank_candidates(gaps, bench, AS_OF, per_seat=2)
    per_project = ranked.groupby("project_id")["volunteer_id"].apply(list).to_dict()
    # P2 (most open seats) chooses first, then P3 (ends sooner), then P1.
    assert per_project == {"P2": ["V00", "V01", "V02", "V03"], "P3": ["V04", "V05"],
                           "P1": ["V06", "V07"]}  # fmt: skip
    assert ranked["volunteer_id"].is_unique


def test_a_project_nobody_matches_still_shows():
    gaps = pd.DataFrame([gap("P1", category="social_digital"), gap("P2")])
    ranked = staffing.rank_candidates(gaps, pd.DataFrame([bench_row("V1", "python")]), AS_OF)
    unmatched = ranked[ranked["project_id"] == "P1"].iloc[0]
    assert pd.isna(unmatched["volunteer_id"]) and unmatched["why"] == staffing.NO_MATCH
    assert ranked[ranked["project_id"] == "P2"]["volunteer_id"].tolist() == ["V1"]


def test_no_gaps_no_rows():
    ranked = staffing.rank_candidates(pd.DataFrame(), pd.DataFrame(), AS_OF)
    assert ranked.empty and list(ranked.columns) == staffing.PROJECT_COLUMNS + (
        staffing.CANDIDATE_COLUMNS
    )


def test_suggestions_from_the_store(make_store):
    url = make_store(
        campaigns=[campaign("C1", "PA")],
        projects=[project("P1", needed=2), project("P2", "C1", "social_digital", needed=1)],
        volunteers=[
            volunteer("V1", skills="python"),  # on P1
            volunteer("V2", skills="python, sql", home="PA"),  # bench: the best for P1
            volunteer("V3", skills="python", status="paused"),  # not active
            volunteer("V4", skills="python", signed=None),  # bad data
            volunteer("V5", skills="sql", signed="2018-10-01"),  # signs up later
            volunteer("V6", skills="video", hours=200),  # bad data
            volunteer("V7", skills="sql", home="OH"),
            volunteer("V8", skills="sql"),  # finished P2 before
        ],
        assignments=[assignment("P1", "V1", "2018-08-01"),
                     assignment("P2", "V8", "2018-08-01", "2018-08-20")],
    )  # fmt: skip
    engine = database.make_engine(url)
    bench = staffing.bench_volunteers(engine, AS_OF)
    assert set(bench["volunteer_id"]) == {"V2", "V7", "V8"}
    assert bench.set_index("volunteer_id").loc["V8", "placements"] == 1
    suggestions = staffing.staffing_suggestions(engine, Filters(), AS_OF)
    p1 = suggestions[suggestions["project_id"] == "P1"]
    assert p1["volunteer_id"].tolist() == ["V2", "V8", "V7"]
    assert p1.iloc[0]["volunteer_name"] == "Name V2"
    assert p1.iloc[0]["volunteer_email"] == "v2@example.org"
    assert "placed before" in p1.iloc[1]["why"]  # V8 left P2 early
    p2 = suggestions[suggestions["project_id"] == "P2"]
    assert p2["why"].tolist() == [staffing.NO_MATCH]  # V6 has the skill but bad data


def test_who_to_ask_loses_names_and_emails_for_fundraising():
    ranked = staffing.rank_candidates(
        pd.DataFrame([gap()]), pd.DataFrame([PERFECT, *OTHERS]), AS_OF
    )
    table = staffing.who_to_ask(ranked)
    assert {"volunteer_name", "volunteer_email"} <= set(table.columns)
    redacted = staffing.who_to_ask(policy.enforce(table, FUNDRAISING))
    assert not {"volunteer_name", "volunteer_email"} & set(redacted.columns)
    assert redacted.empty  # a row per volunteer is personal data even without the name


# --- supply and demand --------------------------------------------------------------------------
def test_supply_and_demand_by_skill():
    bench_by_skills = pd.DataFrame(
        {"skills": ["python, sql", "sql", "design", None], "active": [5, 3, 4, 2],
         "deployed": [1, 3, 0, 0]}
    )  # fmt: skip
    gaps = pd.DataFrame({"category": ["engineering_data", "email_analytics", "engineering_data"],
                         "open_seats": [2, 1, 3]})  # fmt: skip
    frame = staffing.supply_and_demand(bench_by_skills, gaps, None).set_index("skill")
    assert frame.loc["python", "bench"] == 4 and frame.loc["sql", "bench"] == 4
    assert frame.loc["design", "bench"] == 4 and frame.loc["design", "open_seats"] == 0
    assert frame.loc["sql", "open_seats"] == 6  # needed by both categories
    assert frame.loc["python", "open_seats"] == 5
    assert frame.loc["analytics", "bench"] == 0 and frame.loc["analytics", "open_seats"] == 1
    assert frame.loc["python", "bench_per_seat"] == pytest.approx(4 / 5)
    only = staffing.supply_and_demand(bench_by_skills, gaps, ("digital_basics",))
    assert set(only["skill"]) == {"web_development", "wordpress", "design", "copywriting"}
    short, text = staffing.shortage_summary(frame.reset_index(), gaps)
    assert short and "Python (4 on the bench for 5 seats)" in text and "Analytics" in text


def test_shortage_summary_when_supply_is_ample():
    supply = pd.DataFrame({"skill": ["sql", "python"], "label": ["SQL", "Python"],
                           "bench": [30, 12], "open_seats": [3, 3],
                           "bench_per_seat": [10.0, 4.0]})  # fmt: skip
    gaps = pd.DataFrame({"category": ["engineering_data"], "open_seats": [3]})
    short, text = staffing.shortage_summary(supply, gaps)
    assert not short
    assert text.startswith("3 open seats on 1 project,") and "Python, with 4.0" in text
    assert staffing.shortage_summary(supply, gaps.iloc[0:0]) == (
        False,
        "No running project in this view is short of volunteers.",
    )


def test_staffing_scorecards():
    projects = pd.DataFrame([gap("P1", open_seats=2), gap("P2", open_seats=0),
                             gap("P3", category="social_digital", open_seats=1)])  # fmt: skip
    engineers = [PERFECT, *(b for b in OTHERS if b["volunteer_id"] != "V-NO-SKILL")]
    ranked = staffing.rank_candidates(projects, pd.DataFrame(engineers), AS_OF)
    cards = {c.label: c.value for c in staffing.staffing_scorecards(projects, ranked)}
    assert cards == {"Projects active": 3, "Understaffed projects": 2, "Open seats": 3,
                     "Volunteers suggested": 5, "Projects without a match": 1}  # fmt: skip
