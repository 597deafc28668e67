"""Every role on every page: what each may see, checked against everything a page puts out.

A page's "output" here is everything the browser would receive: each element's text, every
table's cells, every chart's spec and data rows, and the bytes of every download. The checks are
generic (names and emails of every volunteer in the store; IDs of every other state's campaigns and
projects), so a page that skips the policy fails them; see the README for how this was shown.
"""

from __future__ import annotations

import json

import pytest

from tests.apptest_helpers import SECRETS, dataset_rows, logged_in, output
from tests.dbtools import sqlite_rows
from tfc_dash.figures.policy import ALL_PAGES, PAGES_BY_ROLE, Role

PAGE_FILES = {key: f"pages/{key}.py" for key in ALL_PAGES}
# What each role may open, written out here rather than read from the policy, so that a change of
# policy is a change of these tests too.
FUNDRAISING_PAGES = [
    "fundraising_kit", "glossary", "history", "outcomes", "progress", "states", "volunteers"
]  # fmt: skip
STATE_LEAD_PAGES = sorted(set(ALL_PAGES) - {"data_health", "history"})
USERS = {
    Role.FOUNDER: "founder@tfc.example",
    Role.FUNDRAISING: "money@tfc.example",
    Role.STATE_LEAD: "va-lead@tfc.example",
}


@pytest.fixture(scope="module")
def volunteers(demo_db_url):
    return sqlite_rows(demo_db_url, "select name, email from volunteers")


@pytest.fixture(scope="module")
def other_states_ids(demo_db_url):
    campaigns = sqlite_rows(demo_db_url, "select campaign_id from campaigns where state != 'VA'")
    projects = sqlite_rows(
        demo_db_url,
        "select p.project_id from projects p join campaigns c using (campaign_id) "
        "where c.state != 'VA'",
    )
    return {c for (c,) in campaigns} | {p for (p,) in projects}


def open_page(run_app, role: Role, page: str, query=None):
    at = run_app(secrets=SECRETS, user=logged_in(USERS[role]), query=query)
    assert not at.exception
    if page != "progress":
        at.switch_page(PAGE_FILES[page]).run()
        assert not at.exception, f"{role} on {page}: {at.exception}"
    return at


def test_the_policy_grants_what_these_tests_expect():
    assert sorted(PAGES_BY_ROLE[Role.FUNDRAISING]) == FUNDRAISING_PAGES
    assert sorted(PAGES_BY_ROLE[Role.STATE_LEAD]) == STATE_LEAD_PAGES
    assert set(PAGES_BY_ROLE[Role.FOUNDER]) == set(ALL_PAGES) == set(PAGE_FILES)


@pytest.mark.parametrize("page", FUNDRAISING_PAGES)
def test_fundraising_sees_no_volunteer_name_or_email(run_app, served, volunteers, page):
    at = open_page(run_app, Role.FUNDRAISING, page, query={"cycle": "all"})
    shown = output(at, served)
    assert len(shown) > 1000  # the page did draw something
    leaked = [n for n, e in volunteers if n in shown] + [e for n, e in volunteers if e in shown]
    assert not leaked, f"{page} shows {leaked[:5]}"


@pytest.mark.parametrize("page", sorted(set(ALL_PAGES) - set(FUNDRAISING_PAGES)))
def test_fundraising_cannot_open_the_other_pages(run_app, page):
    at = run_app(secrets=SECRETS, user=logged_in(USERS[Role.FUNDRAISING]))
    with pytest.raises(ValueError):  # not routed: the page does not exist for this viewer
        at.switch_page(PAGE_FILES[page])


@pytest.mark.parametrize("page", sorted(set(STATE_LEAD_PAGES) - {"glossary"}))  # glossary: no data
@pytest.mark.parametrize("cycle", ["2017", "2018"])
def test_state_lead_sees_no_other_state(run_app, served, other_states_ids, page, cycle):
    at = open_page(run_app, Role.STATE_LEAD, page, query={"cycle": cycle})
    shown = output(at, served)
    leaked = sorted(i for i in other_states_ids if i in shown)
    assert not leaked, f"{page} ({cycle}) shows other states' rows: {leaked[:5]}"
    for frame in (el.value for el in at.dataframe):
        for column in ("state", "State"):
            if column in frame.columns:
                assert set(frame[column].dropna()) <= {"VA", "Virginia"}, page


def test_state_lead_sees_their_own_state(run_app, served, demo_db_url):
    at = open_page(run_app, Role.STATE_LEAD, "projects", query={"cycle": "2017"})
    va_projects = {p for (p,) in sqlite_rows(
        demo_db_url,
        "select p.project_id from projects p join campaigns c using (campaign_id) "
        "where c.state = 'VA'",
    )}  # fmt: skip
    assert any(p in output(at, served) for p in va_projects)


def test_state_lead_cannot_open_another_states_project_by_link(run_app, served, demo_db_url):
    pa_project, name, candidate = sqlite_rows(
        demo_db_url,
        "select p.project_id, p.name, c.candidate from projects p join campaigns c "
        "using (campaign_id) where c.state = 'PA' limit 1",
    )[0]
    at = open_page(run_app, Role.STATE_LEAD, "projects", query={"project": pa_project})
    shown = output(at, served)
    assert name not in shown and candidate not in shown
    assert any(f"no project '{pa_project}' you can see" in el.value for el in at.error)


@pytest.mark.parametrize("page", ["data_health", "history"])
def test_state_lead_cannot_open_data_health_or_history(run_app, page):
    # Neither is limited to a state: sync runs, raw cells, the program-wide figures.
    at = run_app(secrets=SECRETS, user=logged_in(USERS[Role.STATE_LEAD]))
    with pytest.raises(ValueError):
        at.switch_page(PAGE_FILES[page])


@pytest.mark.parametrize("page", ALL_PAGES)
def test_founder_opens_every_page(run_app, page):
    open_page(run_app, Role.FOUNDER, page)


@pytest.mark.parametrize(
    "user", [{"is_logged_in": False}, logged_in("stranger@example.org")], ids=["out", "stranger"]
)
def test_nobody_else_sees_any_page(run_app, served, volunteers, user):
    at = run_app(secrets=SECRETS, user=user)
    assert not at.exception
    shown = output(at, served)
    assert not at.metric and not at.dataframe and not at.get("vega_lite_chart")
    assert not at.download_button
    assert not any(n in shown or e in shown for n, e in volunteers)
    for page in ALL_PAGES:  # no page is routed: a link to one opens the same login page
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(PAGE_FILES[page])


def test_state_lead_sees_only_their_states_bad_rows(run_app, make_store, monkeypatch):
    from tests.builders import assignment, campaign, project, volunteer

    url = make_store(
        campaigns=[campaign("C1", state="VA", district="13"), campaign("C2", state="PA")],
        projects=[project("P1", "C1"), project("P2", "C2")],
        volunteers=[
            volunteer("V1", home="VA"),
            volunteer("V2", home="PA", signed=None),
            volunteer("V3", home="VA", signed=None),
        ],
        assignments=[
            assignment("P1", "V1", "2018-08-10", "2018-08-01"),
            assignment("P2", "V1", "2018-08-10", "2018-08-01"),
        ],
    )
    at = run_app(url=url, secrets=SECRETS, user=logged_in(USERS[Role.STATE_LEAD]))
    at.switch_page(PAGE_FILES["volunteers"]).run()
    assert not at.exception
    listed = "\n".join(el.value.to_csv(index=False) for el in at.dataframe)
    assert "V3" in listed and "P1" in listed
    assert "V2" not in listed and "P2" not in listed
    founder = run_app(url=url, secrets=SECRETS, user=logged_in(USERS[Role.FOUNDER]))
    founder.switch_page(PAGE_FILES["volunteers"]).run()
    listed = "\n".join(el.value.to_csv(index=False) for el in founder.dataframe)
    assert "V2" in listed and "P2" in listed


def figures(at) -> dict[str, list[str]]:
    """The page's figures, tables and chart rows (main area), to compare two viewers."""
    charts = [
        json.dumps(dataset_rows(dataset), default=str, sort_keys=True)
        for el in at.main.get("vega_lite_chart")
        for dataset in el.proto.datasets
    ]
    return {
        "metrics": [f"{m.label}={m.value}" for m in at.main.metric],
        "tables": [el.value.to_csv(index=False) for el in at.main.dataframe],
        "charts": charts,
        "texts": [el.value for el in at.main.code],  # the kit's headline
    }


@pytest.mark.parametrize("page", sorted(set(STATE_LEAD_PAGES) - {"glossary"}))  # glossary: no data
@pytest.mark.parametrize("cycle", ["2017", "2018"])
def test_state_lead_sees_what_a_founder_sees_of_their_state(run_app, page, cycle):
    # If a page skipped the policy's scoping, the lead would see every state's figures.
    lead = open_page(run_app, Role.STATE_LEAD, page, query={"cycle": cycle})
    founder = open_page(run_app, Role.FOUNDER, page, query={"cycle": cycle, "state": "VA"})
    assert figures(lead) == figures(founder)
    everyone = open_page(run_app, Role.FOUNDER, page, query={"cycle": cycle})
    if cycle == "2018":  # the 2017 program was all Virginia; 2018's was not
        assert figures(everyone) != figures(lead)  # the comparison has teeth


@pytest.mark.parametrize("page", sorted(set(ALL_PAGES) - set(FUNDRAISING_PAGES)))
def test_the_gate_strips_names_even_where_fundraising_never_goes(
    run_app, served, volunteers, monkeypatch, page
):
    # Were a page opened to fundraising by mistake, the policy's gate still takes the names out:
    # each page must get its data through ctx.query and ctx.download_csv for this to hold.
    from tfc_dash.figures import policy

    monkeypatch.setitem(policy.PAGES_BY_ROLE, Role.FUNDRAISING, frozenset(ALL_PAGES))
    query = {"cycle": "all"}
    if page == "projects":
        query["project"] = "P2018-00235"  # a project with a team (see test_browser_projects)
    at = open_page(run_app, Role.FUNDRAISING, page, query=query)
    shown = output(at, served)
    leaked = [n for n, e in volunteers if n in shown] + [e for n, e in volunteers if e in shown]
    assert not leaked, f"{page} shows {leaked[:5]}"


def test_a_state_lead_lands_on_their_states_latest_cycle_with_races(run_app, demo_db_url):
    lead = USERS[Role.STATE_LEAD]
    states = sorted(s.upper() for s in SECRETS["roles"]["state_leads"][lead])
    listed = ", ".join(repr(s) for s in states)
    ((latest,),) = sqlite_rows(
        demo_db_url, f"select max(cycle) from campaigns where state in ({listed})"
    )
    at = run_app(secrets=SECRETS, user=logged_in(lead))
    assert not at.exception
    box = at.sidebar.multiselect[0]
    assert box.label == "States" and sorted(box.value) == states  # named, not "All states"
    assert at.sidebar.selectbox[0].value == str(latest)
    assert at.query_params["cycle"] in (str(latest), [str(latest)])
    started = at.metric[0].value.split(" ")[0].replace(",", "")
    assert int(started) > 0  # their races' projects, not a page of zeros
    # A link that names a cycle is kept: the lead can still look at another one.
    again = run_app(secrets=SECRETS, user=logged_in(lead), query={"cycle": "2018"})
    assert again.sidebar.selectbox[0].value == "2018"
    assert sorted(again.sidebar.multiselect[0].value) == states
