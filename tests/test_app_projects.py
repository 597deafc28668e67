"""The Projects page under AppTest: the explorer's counts equal the store's (plain SQL), its own
filters live in the link, and ``?project=`` opens a project's detail."""

import pytest

from tests.apptest_helpers import chart_specs, metric_numbers, metric_texts
from tests.dbtools import sqlite_rows
from tests.labels import read_labelled_csv
from tfc_dash.figures import policy
from tfc_dash.web import ui

PAGE = "pages/projects.py"
FUNDRAISING = policy.Viewer(policy.Role.FUNDRAISING, "money@example.org")
LEAD = policy.Viewer(policy.Role.STATE_LEAD, "lead@example.org", ("PA",))


def listed_ids(url, as_of="2018-09-14", cycle=2018, where="", *params) -> set[str]:
    """Projects the explorer lists, by plain SQL."""
    rows = sqlite_rows(
        url,
        "select p.project_id from projects p join campaigns c using (campaign_id) "
        "where c.cycle = ? and (p.status in ('scoping', 'cancelled') "
        "or coalesce(p.start_date, p.completed_date) <= ?) " + where,
        cycle, as_of, *params,
    )  # fmt: skip
    return {r[0] for r in rows}


def test_explorer_matches_the_store(run_app, demo_db_url, download_data):
    at = run_app(page=PAGE)
    assert not at.exception
    expected = listed_ids(demo_db_url)
    shown = metric_numbers(at)
    assert shown["Projects in any status"] == len(expected)
    active = sqlite_rows(
        demo_db_url,
        "select count(*) from projects p join campaigns c using (campaign_id) where c.cycle = 2018 "
        "and p.status in ('active', 'completed') and p.start_date <= '2018-09-14' and not "
        "(p.status = 'completed' and coalesce(p.completed_date, p.end_date) <= '2018-09-14')",
    )[0][0]
    assert shown["Projects active"] == active
    assert len(at.get("vega_lite_chart")) == 1
    table = at.dataframe[0].value
    assert len(table) == 50  # one page
    assert table["link"].iloc[0] == f"?project={table['project_id'].iloc[0]}"
    csv = read_labelled_csv(download_data["projects_csv"])
    assert set(csv["project_id"]) == expected
    assert "name" not in csv.columns  # a project's name is project_name, never a personal column


@pytest.mark.parametrize(
    ("query", "where", "params"),
    [
        ({"chamber": "upper"}, "and c.chamber = ?", ("upper",)),
        ({"chamber": ["upper", "congress"]}, "and c.chamber in (?, ?)", ("upper", "congress")),
        ({"status": "scoping"}, "and p.status = ?", ("scoping",)),
        ({"q": "website"}, "and lower(p.name) like ?", ("%website%",)),
        ({"q": "website", "state": "PA"}, "and lower(p.name) like ? and c.state = ?",
         ("%website%", "PA")),
    ],
)  # fmt: skip
def test_explorer_filters_come_from_the_link(run_app, demo_db_url, query, where, params):
    at = run_app(link=PAGE, query=query)
    assert not at.exception
    listed = listed_ids(demo_db_url, "2018-09-14", 2018, where, *params)
    assert metric_numbers(at)["Projects in any status"] == len(listed)
    for key, value in query.items():
        assert at.query_params[key] == value or at.query_params[key] == [value]


def test_unknown_link_values_are_ignored_with_a_note(run_app, demo_db_url):
    at = run_app(link=PAGE, query={"chamber": ["upper", "moon"], "status": "ACTIVE"})
    assert not at.exception
    assert any("chamber='moon'" in el.value for el in at.warning)
    assert at.session_state["chamber"] == ["upper"] and at.session_state["status"] == ["active"]
    assert at.query_params["chamber"] == "upper"
    assert metric_numbers(at)["Projects in any status"] == metric_numbers(at)["Projects active"] > 0


def test_a_widget_writes_the_link(run_app, demo_db_url):
    at = run_app(page=PAGE)
    at.multiselect(key="chamber").set_value(["statewide"]).run()
    assert not at.exception
    assert at.query_params.get("chamber") in ("statewide", ["statewide"])
    assert metric_numbers(at)["Projects in any status"] == len(
        listed_ids(demo_db_url, "2018-09-14", 2018, "and c.chamber = 'statewide'")
    )


def test_paging(run_app):
    at = run_app(page=PAGE)
    first = at.dataframe[0].value["project_id"].tolist()
    at.number_input(key="list_page").set_value(2).run()
    second = at.dataframe[0].value["project_id"].tolist()
    assert len(second) == 50 and not set(first) & set(second)


def test_project_link_opens_its_detail(run_app, demo_db_url):
    pid = sqlite_rows(
        demo_db_url,
        "select p.project_id from projects p where p.status = 'active' and exists (select 1 "
        "from assignments a where a.project_id = p.project_id) order by p.project_id limit 1",
    )[0][0]
    at = run_app(page=PAGE, query={"project": pid})
    assert not at.exception
    name, needed = sqlite_rows(
        demo_db_url, "select name, volunteers_needed from projects where project_id = ?", pid
    )[0]
    assert at.title[0].value == name
    team = sqlite_rows(
        demo_db_url,
        "select count(distinct volunteer_id) from assignments where project_id = ? and "
        "start_date <= '2018-09-14' and end_date >= '2018-09-14'",
        pid,
    )[0][0]
    values = metric_texts(at)
    assert values["On the team"] == f"{team} of {needed}"
    members = at.dataframe[0].value
    expected_names = {r[0] for r in sqlite_rows(
        demo_db_url, "select v.name from assignments a join volunteers v using (volunteer_id) "
        "where a.project_id = ?", pid)}  # fmt: skip
    assert set(members["volunteer_name"]) == expected_names
    timeline = chart_specs(at)[0]
    assert "layer" in timeline
    assert any("Candidate" in el.value for el in at.markdown)
    # Back to the list.
    at.button(key="back").click().run()
    assert not at.exception
    assert "project" not in at.query_params
    assert at.title[0].value == "Projects"


def test_fundraising_cannot_open_projects(run_app, monkeypatch):
    # The explorer lists teams: no page for fundraising (tfc_dash.figures.policy).
    monkeypatch.setattr(ui, "current_viewer", lambda: FUNDRAISING)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        run_app(page=PAGE)


@pytest.mark.parametrize(
    ("viewer", "found"),
    [(None, True), (LEAD, False)],
)
def test_a_state_lead_cannot_open_another_states_project(
    run_app, demo_db_url, monkeypatch, viewer, found
):
    if viewer is not None:
        monkeypatch.setattr(ui, "current_viewer", lambda: viewer)
    pid = sqlite_rows(
        demo_db_url,
        "select p.project_id from projects p join campaigns c using (campaign_id) "
        "where c.state = 'MI' limit 1",
    )[0][0]
    at = run_app(page=PAGE, query={"project": pid})
    assert not at.exception
    assert bool(at.error) is not found


def test_unknown_project_is_a_message(run_app):
    at = run_app(page=PAGE, query={"project": "P1999-99999"})
    assert not at.exception
    assert "There is no project 'P1999-99999'" in at.error[0].value


def test_narrowing_the_list_from_a_later_page(run_app):
    at = run_app(page=PAGE)
    at.number_input(key="list_page").set_value(7).run()
    assert not at.exception
    at.text_input(key="q").set_value("P2018-0010").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == metric_numbers(at)["Projects in any status"] < 50
