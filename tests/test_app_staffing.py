"""The Staffing page under AppTest: the gaps equal what the demo data holds, the download of who
to ask carries names and emails only for viewers allowed to see them."""

import pandas as pd
import pytest

from tests.apptest_helpers import metric_numbers
from tests.builders import assignment, campaign, project, volunteer
from tests.labels import read_labelled_csv
from tfc_dash.figures import policy
from tfc_dash.web import ui

PAGE = "pages/staffing.py"
FUNDRAISING = policy.Viewer(policy.Role.FUNDRAISING, "money@example.org")
LEAD = policy.Viewer(policy.Role.STATE_LEAD, "lead@example.org", ("PA",))


def expected_gaps(demo_frames, as_of="2018-09-14", cycle=2018, states=None) -> pd.DataFrame:
    """Running projects with fewer volunteers than they need, with plain pandas."""
    day = pd.Timestamp(as_of)
    p = demo_frames["projects"].merge(demo_frames["campaigns"][["campaign_id", "state", "cycle"]])
    p = p[p["cycle"] == cycle]
    if states:
        p = p[p["state"].isin(states)]
    start = pd.to_datetime(p["start_date"])
    done = pd.to_datetime(p["completed_date"]).fillna(pd.to_datetime(p["end_date"]))
    done = done.where(p["status"] == "completed")
    running = p[p["status"].isin(["active", "completed"]) & (start <= day) & ~(done <= day)]
    a = demo_frames["assignments"]
    on = a[(pd.to_datetime(a["start_date"]) <= day) & (pd.to_datetime(a["end_date"]) >= day)]
    team = on.groupby("project_id")["volunteer_id"].nunique()
    running = running.assign(team=running["project_id"].map(team).fillna(0).astype(int))
    running = running.assign(open_seats=running["volunteers_needed"] - running["team"])
    return running[running["open_seats"] > 0]


def test_gaps_match_the_demo_data(run_app, demo_frames, download_data):
    at = run_app(page=PAGE)
    assert not at.exception
    gaps = expected_gaps(demo_frames)
    shown = metric_numbers(at)
    assert shown["Understaffed projects"] == len(gaps) > 0
    assert shown["Open seats"] == gaps["open_seats"].sum()
    assert shown["Projects without a match"] == 0
    assert all(m.help for m in at.metric)
    assert len(at.get("vega_lite_chart")) == 1

    csv = read_labelled_csv(download_data["who_to_ask_csv"], dtype={"District": str})
    assert set(csv["project_id"]) == set(gaps["project_id"])
    assert {"volunteer_name", "volunteer_email", "why", "rank"} <= set(csv.columns)
    assert csv["volunteer_email"].str.endswith("@example.org").all()
    assert csv["volunteer_id"].is_unique  # nobody is asked twice
    per_project = csv.groupby("project_id").size()
    seats = gaps.set_index("project_id")["open_seats"]
    assert (per_project <= 3 * seats.reindex(per_project.index)).all()
    # Candidates are on the bench: not on a running project.
    day = pd.Timestamp("2018-09-14")
    a = demo_frames["assignments"]
    busy = set(a[(pd.to_datetime(a["start_date"]) <= day)
                 & (pd.to_datetime(a["end_date"]) >= day)]["volunteer_id"])  # fmt: skip
    assert not busy & set(csv["volunteer_id"])
    first = csv.sort_values(["project_id", "rank"]).groupby("project_id").head(1)
    assert first["why"].str.contains("matching skill").all()
    # The table shows the same rows (capped) with the names.
    table = at.dataframe[0].value
    assert len(table) == min(len(csv), 200)
    assert "volunteer_name" in table.columns


def test_fundraising_cannot_open_staffing(run_app, monkeypatch):
    # Staffing is a list of people to ask: no page for fundraising (tfc_dash.figures.policy).
    monkeypatch.setattr(ui, "current_viewer", lambda: FUNDRAISING)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        run_app(page=PAGE)


def test_a_state_lead_sees_their_state(run_app, demo_frames, download_data, monkeypatch):
    monkeypatch.setattr(ui, "current_viewer", lambda: LEAD)
    at = run_app(page=PAGE)
    assert not at.exception
    gaps = expected_gaps(demo_frames, states=["PA"])
    assert metric_numbers(at)["Understaffed projects"] == len(gaps)
    csv = read_labelled_csv(download_data["who_to_ask_csv"])
    assert set(csv["state"]) == {"PA"}


def test_the_link_looks_back(run_app, demo_frames):
    at = run_app(page=PAGE, query={"as_of": "2018-06-01", "state": "MI"})
    assert not at.exception
    gaps = expected_gaps(demo_frames, "2018-06-01", states=["MI"])
    assert metric_numbers(at)["Open seats"] == gaps["open_seats"].sum()


def test_no_gaps_says_so(run_app):
    at = run_app(page=PAGE, query={"cycle": "2017"})
    assert not at.exception
    assert metric_numbers(at)["Understaffed projects"] == 0
    assert "short of volunteers" in at.success[0].value
    assert not at.get("download_button")


def test_bad_rows_are_left_out_of_teams_with_a_note(run_app, make_store):
    url = make_store(
        campaigns=[campaign("C1", "PA")],
        projects=[project("P1", needed=3, start="2018-08-01")],
        volunteers=[volunteer("V1"), volunteer("V2"), volunteer("V3", skills="python")],
        assignments=[assignment("P1", "V1", "2018-08-01"),
                     assignment("P1", "V2", "2018-08-05", "2018-08-01")],  # ends before it starts
    )  # fmt: skip
    at = run_app(page=PAGE, url=url)
    assert not at.exception
    assert metric_numbers(at)["Open seats"] == 2  # V2's row does not count
    assert any("1 bad volunteer or assignment row is left out" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert set(table["volunteer_id"]) == {"V2", "V3"}  # V2 is on the bench after all
