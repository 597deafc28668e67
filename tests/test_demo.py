"""The demo dataset is deterministic and holds the facts the brief gives."""

from datetime import date

import pandas as pd
import pytest

from tfc_dash.figures.reference import legislative_chambers
from tfc_dash.ingest import demo
from tfc_dash.store.models import CATEGORIES


@pytest.fixture(scope="module")
def data():
    return demo.build_demo()


def test_deterministic(data):
    again = demo.build_demo()
    for name, frame in data.frames.items():
        pd.testing.assert_frame_equal(frame, again.frames[name], obj=name)
    other = demo.build_demo(seed=7)
    assert not other.frames["volunteers"].equals(data.frames["volunteers"])


def test_virginia_house_2017(data):
    campaigns = data.frames["campaigns"]
    projects = data.frames["projects"]
    house = campaigns[(campaigns.cycle == 2017) & (campaigns.chamber == "lower")]
    assert len(house) == 12
    assert set(house.state) == {"VA"}
    won = house[house.result == "won"]
    assert len(won) == 9
    assert len(won[won.seat_held_by == "R"]) == 8  # seats flipped
    assert len(projects[projects.campaign_id.isin(house.campaign_id)]) == 35
    # Results are the real ones: Danica Roem won HD-13 with 53.7% of the vote.
    roem = house[house.district == "13"].iloc[0]
    assert roem.candidate == "Danica Roem" and roem.result == "won"
    assert roem.vote_share == pytest.approx(12077 / (12077 + 10318), abs=1e-3)
    # HD-94 was a tie decided by lot: the Democrat lost.
    assert house[house.district == "94"].iloc[0].result == "lost"


def test_about_50_projects_by_october_2017(data):
    projects = data.frames["projects"]
    by_oct = projects[projects.start_date.notna() & (projects.start_date <= date(2017, 10, 31))]
    assert 45 <= len(by_oct) <= 55


def test_2018_program(data):
    campaigns = data.frames["campaigns"]
    projects = data.frames["projects"].merge(campaigns[["campaign_id", "cycle", "chamber"]])
    p18 = projects[projects.cycle == 2018]
    assert set(campaigns[campaigns.cycle == 2018].state) == set(demo.PRIORITY_STATES_2018)
    assert len(demo.PRIORITY_STATES_2018) == 14
    started = p18[p18.status.isin(["active", "completed"])]
    assert 250 <= len(started) <= 350  # mid-push: on the way to 500
    state_leg = started.chamber.isin(["lower", "upper"]).mean()
    assert 0.6 <= state_leg <= 0.8  # about 70% on state legislatures
    assert set(p18.category) == set(CATEGORIES)
    assert p18[p18.status == "scoping"].start_date.isna().all()


def test_districts_exist_in_their_chamber(data):
    known = {(c.state, c.chamber): set(c.districts) for c in legislative_chambers()}
    campaigns = data.frames["campaigns"]
    legislative = campaigns[campaigns.chamber.isin(["lower", "upper"])]
    for row in legislative.itertuples():
        assert row.district in known[(row.state, row.chamber)], row


def test_projects_last_4_to_8_weeks_with_3_to_5_volunteers(data):
    projects = data.frames["projects"]
    dated = projects[projects.start_date.notna()]
    weeks = (pd.to_datetime(dated.end_date) - pd.to_datetime(dated.start_date)).dt.days / 7
    assert weeks.between(4, 8).all()
    assert projects.volunteers_needed.between(3, 5).all()
    teams = data.frames["assignments"].groupby("project_id").size()
    assert teams.max() <= 5
    assert (teams.reindex(dated.project_id).fillna(0) >= 1).all()


def test_volunteer_growth_follows_the_milestones(data):
    signed = pd.to_datetime(data.frames["volunteers"].signed_up)
    assert 650 <= (signed <= "2017-01-16").sum() <= 750  # about 700 in the first days
    assert 2800 <= (signed <= "2017-10-01").sum() <= 3200
    assert 4300 <= (signed <= "2018-07-01").sum() <= 4700
    assert signed.max() <= pd.Timestamp(demo.DEMO_AS_OF)


def test_nothing_happens_after_the_demo_day(data):
    f = data.frames
    assert pd.to_datetime(f["projects"].start_date).max() <= pd.Timestamp(demo.DEMO_AS_OF)
    assert pd.to_datetime(f["projects"].completed_date).max() <= pd.Timestamp(demo.DEMO_AS_OF)
    assert pd.to_datetime(f["assignments"].start_date).max() <= pd.Timestamp(demo.DEMO_AS_OF)
    assert pd.to_datetime(f["fundraising"].date).max() == pd.Timestamp(demo.DEMO_AS_OF)


def test_assignments_start_after_sign_up(data):
    a = data.frames["assignments"].merge(data.frames["volunteers"][["volunteer_id", "signed_up"]])
    assert (pd.to_datetime(a.start_date) >= pd.to_datetime(a.signed_up)).all()
    assert (pd.to_datetime(a.end_date) >= pd.to_datetime(a.start_date)).all()


def test_personal_data_is_fictional(data):
    emails = data.frames["volunteers"].email
    assert emails.str.endswith("@example.org").all()
    assert emails.is_unique


def test_scale_multiplies_projects_volunteers_and_assignments(data):
    big = demo.build_demo(scale=3)
    for name in ("projects", "volunteers"):
        ratio = len(big.frames[name]) / len(data.frames[name])
        assert ratio == pytest.approx(3, rel=0.02), name
    ratio = len(big.frames["assignments"]) / len(data.frames["assignments"])
    assert ratio == pytest.approx(3, rel=0.1)


def test_scale_must_be_positive():
    with pytest.raises(ValueError):
        demo.build_demo(scale=0)


def test_fundraising_curve(data):
    f = data.frames["fundraising"]
    assert f.raised_usd.is_monotonic_increasing
    assert (f.goal_usd == 250_000).all()
    assert f.raised_usd.iloc[-1] < 250_000


def test_no_candidate_has_a_volunteers_name(data):
    # Candidates show on pages that must carry no volunteer's name (the fundraising kit, roles).
    names = set(data.frames["volunteers"].name)
    candidates = data.frames["campaigns"].candidate
    assert not [c for c in candidates if c in names or any(n in c for n in names if n[:3] in c)]
