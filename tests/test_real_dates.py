"""Time and goals on a real spreadsheet: the 2017 Virginia House races, every project completing on
election day, synced through the fake Sheets API the way `python -m tfc_dash sync` does."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tests.fake_sheets import reader_for, spreadsheet_from_rows
from tfc_dash.cli import seed_demo
from tfc_dash.core import catalogue, clock
from tfc_dash.figures import goals
from tfc_dash.ingest import sync
from tfc_dash.store import database

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "data" / "va_hod_2017_results.csv"  # data/README.md: the certified results
ELECTION = date(2017, 11, 7)
TODAY = date(2018, 1, 15)  # the clock the app is given: after the election, before 2018's
START = date(2017, 9, 5)


def va_races() -> pd.DataFrame:
    """The districts with a Democratic candidate: the races the program supports here."""
    results = pd.read_csv(RESULTS)
    return results[results["dem_votes"] > 0].reset_index(drop=True)


def va_workbook(goal_rows: list[list] | None = None) -> dict[str, list[list]]:
    races = va_races()
    campaigns = [["Campaign ID", "Candidate", "Party", "State", "Chamber", "District",
                  "Election Date", "Result", "Vote Share", "Seat Held By"]]  # fmt: skip
    projects = [["Project ID", "Campaign ID", "Name", "Category", "Status", "Start Date",
                 "End Date", "Completed Date", "Volunteers Needed"]]  # fmt: skip
    assignments = [["Project ID", "Volunteer ID", "Role", "Hours per week", "Start Date",
                    "End Date"]]  # fmt: skip
    volunteers = [["Volunteer ID", "Name", "Email", "Home State", "Skills", "Hours per week",
                   "Signed Up", "Status"]]  # fmt: skip
    for i in range(1, 6):
        volunteers.append([f"V{i:03d}", f"Volunteer {i}", f"v{i}@example.org", "VA", "web", 5,
                           date(2017, 8, i), "active"])  # fmt: skip
    for n, race in enumerate(races.itertuples()):
        cid, pid = f"VA-HD-{race.district:03d}", f"P-{race.district:03d}"
        votes = race.dem_votes + race.rep_votes + race.other_votes
        campaigns.append([cid, race.dem_candidate, "D", "VA", "lower", race.district, ELECTION,
                          "won" if race.winner_party == "D" else "lost",
                          round(race.dem_votes / votes, 4), race.winner_party_2015])  # fmt: skip
        # every project completes on election day: its end date, no completed_date
        projects.append([pid, cid, f"{race.dem_candidate}: website", "digital_basics",
                         "completed", START, ELECTION, None, 2])  # fmt: skip
        assignments.append([pid, f"V{n % 5 + 1:03d}", "member", 4, START, ELECTION])
    tabs = {
        "Campaigns": campaigns,
        "Projects": projects,
        "Volunteers": volunteers,
        "Assignments": assignments,
        "Fundraising": [
            ["Date", "Raised USD", "Backers", "Goal USD"],
            [date(2017, 10, 1), 12000, 140, None],
        ],
    }
    if goal_rows is not None:
        tabs["Goals"] = [["Cycle", "Metric", "Target", "Deadline", "Label"], *goal_rows]
    return tabs


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


def synced(fake, url: str, tabs) -> str:
    fake.spreadsheets.clear()
    fake.add(spreadsheet_from_rows(tabs))
    report = sync.sync_sheets(database.make_engine(url), reader_for(fake))  # as the CLI's sync does
    assert report.problems == [], report.summary()
    return url


@pytest.fixture
def va_store(fake_sheets, new_store_url, today) -> str:
    """A store that held the demo, then synced the Virginia sheet (no Goals tab)."""
    url = new_store_url()
    seed_demo(url)
    return synced(fake_sheets, url, va_workbook())


def metrics(at) -> dict[str, int]:
    """The counts among the page's scorecards, by label."""
    found = {}
    for m in at.metric:
        value = str(m.value).split(" of ")[0].replace(",", "")
        if value.isdigit():
            found[m.label] = int(value)
    return found


def test_the_default_as_of_is_election_day_and_outcomes_show_the_results(run_app, va_store):
    races = va_races()
    won = int((races["winner_party"] == "D").sum())
    outcomes = run_app(page="pages/outcomes.py", url=va_store)
    assert not outcomes.exception
    assert outcomes.session_state["as_of"] == ELECTION  # the latest day in the data
    shown = metrics(outcomes)
    assert shown[catalogue.label("races_won")] == won
    assert shown[catalogue.label("races_lost")] == len(races) - won
    assert shown.get(catalogue.label("races_pending"), 0) == 0
    assert not any("No supported race decided" in el.value for el in outcomes.info)

    states = run_app(page="pages/states.py", url=va_store)
    assert not states.exception
    assert metrics(states)[catalogue.label("legislative_races_won")] == won

    kit = run_app(page="pages/fundraising_kit.py", url=va_store)
    assert not kit.exception
    headline = kit.code[0].value
    assert "still to be decided" not in headline
    assert catalogue.label("races_pending") not in headline
    assert f"{won:,} of {len(races):,}" in headline


def test_any_day_up_to_today_is_accepted_and_a_later_one_ignored(run_app, va_store):
    races = va_races()
    won = int((races["winner_party"] == "D").sum())
    later = run_app(page="pages/outcomes.py", url=va_store, query={"as_of": "2017-12-01"})
    assert not later.exception
    assert later.session_state["as_of"] == date(2017, 12, 1)
    assert not [w for w in later.warning if "Ignored" in w.value]
    assert metrics(later)[catalogue.label("races_won")] == won
    on_today = run_app(url=va_store, query={"as_of": TODAY.isoformat()})
    assert on_today.session_state["as_of"] == TODAY and not on_today.warning

    future = run_app(url=va_store, query={"as_of": "2018-01-16"})
    notes = [w.value for w in future.warning if "Ignored as_of=" in w.value]
    assert notes and f"{TODAY:%Y-%m-%d} (today)" in notes[0]
    assert future.session_state["as_of"] == ELECTION


def test_before_election_day_the_races_are_pending(run_app, va_store):
    before = run_app(page="pages/outcomes.py", url=va_store, query={"as_of": "2017-11-06"})
    shown = metrics(before)
    assert shown[catalogue.label("races_pending")] == len(va_races())
    assert shown.get(catalogue.label("races_won"), 0) == 0


def test_a_real_store_without_goals_says_so_on_progress_and_in_the_kit(run_app, va_store):
    progress = run_app(url=va_store)
    assert not progress.exception
    assert progress.title[0].value == "Progress"  # no demo goal ("Progress toward 500 …")
    note = goals.no_goal_note(goals.PROJECTS, 2017)
    assert any(el.value == note for el in progress.info)
    assert not any(m.value.endswith(" of 50") for m in progress.metric)

    kit = run_app(page="pages/fundraising_kit.py", url=va_store)
    infos = [el.value for el in kit.info]
    assert note in infos
    assert goals.no_goal_note(goals.CROWDFUNDING) in infos  # figures, but no goal for them
    assert "Goal" not in kit.code[0].value and "days left" not in kit.code[0].value


def test_the_goals_tab_sets_the_goal_progress_and_the_kit_track(
    run_app, fake_sheets, new_store_url, today
):
    projects = len(va_races())
    target = projects + 12  # not reached: every project started counts toward it
    url = new_store_url()
    seed_demo(url)
    synced(fake_sheets, url, va_workbook([
        [2017, "projects", target, date(2017, 11, 7), "Every House race"],
        [2017, "crowdfunding_usd", 20000, date(2017, 10, 31), None],
        [2017, "volunteers_deployed", 10, date(2017, 11, 7), None],
    ]))  # fmt: skip
    goal = goals.goal_for(database.make_engine(url), goals.PROJECTS, 2017)
    assert goal == goals.Goal(2017, "projects", target, date(2017, 11, 7), "Every House race")

    progress = run_app(url=url)
    assert not progress.exception
    assert progress.title[0].value == f"Progress toward {target} projects"
    assert any(m.value == f"{projects} of {target}" for m in progress.metric)
    assert not any("No goal is set" in el.value for el in progress.info)
    placed = {m.label: m.value for m in progress.metric}[catalogue.label("volunteers_deployed")]
    word = catalogue.label("volunteers_deployed")
    line = f"Goal for “{word}”: 10 by 7 Nov 2017; {placed} so far."
    assert line in [el.value for el in progress.caption]

    kit = run_app(page="pages/fundraising_kit.py", url=url)
    headline = kit.code[0].value
    assert f"{projects:,} of {target:,}" in headline and "of our $20,000 goal" in headline
    assert not any("No goal is set" in el.value for el in kit.info)
