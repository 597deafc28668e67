"""The Volunteers page under AppTest: figures equal what the demo data holds (computed here with
plain pandas, not tfc_dash), filters and the link, bad data and an empty pool."""

from datetime import date

import pandas as pd
import pytest

from tests.apptest_helpers import chart_specs, metric_texts
from tests.builders import assignment, campaign, project, volunteer

PAGE = "pages/volunteers.py"


def expected_figures(demo_frames, as_of: str, home_states=None) -> dict[str, int]:
    """The scorecards, from the demo frames with pandas alone."""
    day = pd.Timestamp(as_of)
    v = demo_frames["volunteers"].copy()
    v["signed_up"] = pd.to_datetime(v["signed_up"])
    if home_states:
        v = v[v["home_state"].isin(home_states)]
    p = demo_frames["projects"].copy()
    for col in ("start_date", "end_date", "completed_date"):
        p[col] = pd.to_datetime(p[col])
    a = demo_frames["assignments"].merge(
        p[["project_id", "status", "end_date", "completed_date"]].rename(
            columns={"end_date": "p_end", "status": "p_status"}
        ),
        on="project_id",
    )
    a = a[a["volunteer_id"].isin(v["volunteer_id"])]
    a["start_date"] = pd.to_datetime(a["start_date"])
    completion = a["completed_date"].fillna(a["p_end"]).where(a["p_status"] == "completed")
    a["end"] = pd.to_datetime(a["end_date"]).fillna(completion)
    running = a[(a["start_date"] <= day) & (a["end"].isna() | (a["end"] >= day))]
    enrolled = v[v["signed_up"] <= day]
    deployed = set(running["volunteer_id"])
    active = set(enrolled.loc[enrolled["status"] == "active", "volunteer_id"]) | deployed
    hours = v.set_index("volunteer_id")["hours_per_week"]
    available = hours.reindex(sorted(active)).sum()
    committed = running["hours_per_week"].sum()
    started = a[a["start_date"] <= day]
    first = started.groupby("volunteer_id")["start_date"].min()
    waited = (first - v.set_index("volunteer_id")["signed_up"].reindex(first.index)).dt.days
    projects_each = started.groupby("volunteer_id")["project_id"].nunique()
    over = a[(a["end"] <= day) & (a["p_status"] != "cancelled")]
    planned = over["p_end"].fillna(over["completed_date"])
    over = over[planned.notna()]
    ran_full = (over["end"] >= over["p_end"].fillna(over["completed_date"])).sum()
    return {
        "Volunteers enrolled": len(enrolled),
        "Active volunteers": len(active),
        "On a project now": len(deployed),
        "On the bench": len(active) - len(deployed),
        "Utilization": round(100 * committed / available),
        "Time to first placement": round(waited.median()),
        "Repeat rate": round(100 * (projects_each >= 2).mean()),
        "Completion rate": round(100 * ran_full / len(over)),
    }


def shown(at) -> dict[str, int | None]:
    values = {}
    for m in at.metric:
        text = m.value.replace(",", "").replace("%", "").replace(" days", "")
        values[m.label] = None if text == "—" else int(text)
    return values


def test_default_view_matches_the_demo_data(run_app, demo_frames):
    at = run_app(page=PAGE)
    assert not at.exception
    assert at.title[0].value == "Volunteers"
    assert shown(at) == expected_figures(demo_frames, "2018-09-14")
    assert len(chart_specs(at)) == 6  # supply and demand: two charts
    assert not at.warning  # the demo has no bad rows
    # Every figure says what it is and how it is computed.
    assert all(m.help for m in at.metric)
    utilization = next(m.help for m in at.metric if m.label == "Utilization")
    assert "divided by" in utilization and " h committed of " in utilization


@pytest.mark.parametrize(
    ("query", "as_of", "states"),
    [
        ({"as_of": "2018-03-01"}, "2018-03-01", None),
        ({"state": "PA"}, "2018-09-14", ["PA"]),
        ({"cycle": "2017", "state": ["MI", "VA"], "as_of": "2017-10-15"}, "2017-10-15",
         ["MI", "VA"]),
    ],
)  # fmt: skip
def test_the_link_sets_the_view(run_app, demo_frames, query, as_of, states):
    at = run_app(page=PAGE, query=query)
    assert not at.exception
    assert shown(at) == expected_figures(demo_frames, as_of, states)
    caption = at.caption[0].value
    assert f"as of {date.fromisoformat(as_of).day} " in caption
    if states:
        assert f"living in {', '.join(states)}" in caption


def test_supply_against_demand_answers_the_question(run_app, demo_db_url):
    at = run_app(page=PAGE)
    answer = at.success[0].value
    assert "open seats on" in answer and "We are not short of volunteers" in answer
    fields = [c.get("encoding", {}).get("x", {}).get("field") for c in chart_specs(at)]
    assert "bench" in fields and "open_seats" in fields  # one chart each, as wide as a column


def test_category_filter_narrows_volunteers_and_skills(run_app, demo_frames):
    at = run_app(page=PAGE, query={"category": "engineering_data"})
    assert not at.exception
    everyone = expected_figures(demo_frames, "2018-09-14")
    assert 0 < shown(at)["Volunteers enrolled"] < everyone["Volunteers enrolled"]
    assert "skills for Engineering & data science" in at.caption[0].value


BAD_STORE = {
    "campaigns": [campaign("C1")],
    "projects": [project("P1", start="2018-08-01")],
    "volunteers": [volunteer("V1"), volunteer("V2"), volunteer("V3", signed=None),
                   volunteer("V4", hours=120)],
    "assignments": [assignment("P1", "V1", "2018-08-01"),
                    assignment("P1", "V2", "2018-09-01", "2018-08-01"),
                    assignment("P1", "V2", "2018-08-02", hours=-3),
                    assignment("P1", "V3", "2018-08-01")],
}  # fmt: skip


def test_bad_data_is_reported_not_a_crash(run_app, make_store):
    at = run_app(page=PAGE, url=make_store(**BAD_STORE))
    assert not at.exception
    warning = next(el.value for el in at.warning if "Bad data" in el.value)
    assert "2 volunteers and 2 assignments" in warning
    table = at.dataframe[0].value
    rows = {(r.table, r.problem): r.rows for r in table.itertuples()}
    assert rows == {
        ("assignments", "ends before it starts"): 1,
        ("assignments", "hours a week below 0 or over 80"): 1,
        ("volunteers", "hours a week below 0 or over 80"): 1,
        ("volunteers", "no sign-up date"): 1,
    }
    which = {w for cell in table["which"] for w in cell.split(", ")}
    assert which == {"V3", "V4", "P1 · V2 · 2018-09-01", "P1 · V2 · 2018-08-02"}
    figures = shown(at)
    assert (
        figures["Volunteers enrolled"],
        figures["On a project now"],
        figures["On the bench"],
    ) == (2, 1, 1)


def test_an_empty_pool_shows_dashes(run_app, make_store):
    url = make_store(campaigns=[campaign("C1")], projects=[project("P1", start="2018-08-01")])
    at = run_app(page=PAGE, url=url)
    assert not at.exception
    values = metric_texts(at)
    assert values["Volunteers enrolled"] == "0" and values["Utilization"] == "—"
    assert any("No active volunteers" in el.value for el in at.info)
