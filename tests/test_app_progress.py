"""The Progress page under AppTest: figures equal what the store holds, links and bad input."""

import json
from pathlib import Path

import pytest

from tests.apptest_helpers import chart_elements, chart_rows, chart_specs, metric_numbers
from tests.dbtools import sqlite_value

PAGE = "pages/progress.py"


def expected(url: str, as_of: str, cycle: int, state: str | None = None) -> dict[str, int]:
    scope = (
        "from projects p join campaigns c using (campaign_id) where p.status in "
        "('active','completed') and p.start_date <= ? and c.cycle = ? "
        "and p.removed_at is null and c.removed_at is null"
    )
    params: list = [as_of, cycle]
    if state:
        scope += " and c.state = ?"
        params.append(state)
    started = sqlite_value(url, f"select count(*) {scope}", *params)
    completed = sqlite_value(
        url, f"select count(*) {scope} and p.status = 'completed' and p.completed_date <= ?",
        *params, as_of,
    )  # fmt: skip
    return {
        "Projects started": started,
        "Projects completed": completed,
        "Projects active": started - completed,
        "Campaigns supported": sqlite_value(
            url, f"select count(distinct c.campaign_id) {scope}", *params
        ),
        "States reached": sqlite_value(url, f"select count(distinct c.state) {scope}", *params),
        "Ever placed": sqlite_value(
            url,
            "select count(distinct a.volunteer_id) from assignments a join projects p "
            f"using (project_id) join campaigns c using (campaign_id) where a.start_date <= ? "
            f"and a.project_id in (select p.project_id {scope})",
            as_of, *params,
        ),
    }  # fmt: skip


def test_default_view_matches_the_store(run_app, demo_db_url):
    at = run_app()
    assert not at.exception
    assert at.title[0].value == "Progress toward 500 projects"
    assert metric_numbers(at, of_goal=True) == expected(demo_db_url, "2018-09-14", 2018)
    assert at.metric[0].value.endswith(" of 500")
    assert any("Demo data" in el.value for el in at.sidebar.info)
    assert len(chart_specs(at)) == 4  # burn-up, funnel, by category, by state
    pace = at.warning[0].value if at.warning else at.success[0].value
    assert "trailing 4-week pace" in pace and "500" in pace


def test_burnup_chart_carries_goal_deadline_and_projection(run_app):
    at = run_app()
    rows = chart_rows(chart_elements(at)[0])
    labels = {row.get("goal_label") for row in rows} | {row.get("deadline_label") for row in rows}
    assert {"Goal: 500", "Deadline 6 Nov 2018"} <= labels
    lines = {row["line"] for row in rows if row.get("line")}
    expected_lines = {"Projects started", "Projects completed", "Trailing 4-week pace"}
    expected_lines.add("Pace needed")
    assert expected_lines <= lines


def test_link_opens_the_filtered_view(run_app, demo_db_url):
    at = run_app(query={"cycle": "2017", "state": "VA"})
    assert not at.exception
    assert at.session_state["cycle"] == "2017" and at.session_state["state"] == ["VA"]
    assert metric_numbers(at, of_goal=True) == expected(demo_db_url, "2018-09-14", 2017, "VA")
    assert metric_numbers(at, of_goal=True)["Projects started"] == 50


def test_as_of_in_the_link_looks_back(run_app, demo_db_url):
    at = run_app(query={"as_of": "2018-06-01"})
    assert not at.exception
    assert metric_numbers(at, of_goal=True) == expected(demo_db_url, "2018-06-01", 2018)
    assert (
        metric_numbers(at, of_goal=True)["Projects started"]
        < expected(demo_db_url, "2018-09-14", 2018)["Projects started"]
    )
    assert "as of 1 Jun 2018" in at.caption[0].value


def test_widget_change_updates_numbers_and_the_link(run_app, demo_db_url):
    at = run_app()
    before = metric_numbers(at, of_goal=True)["Projects started"]
    at.sidebar.multiselect(key="state").set_value(["PA"]).run()
    assert not at.exception
    assert metric_numbers(at, of_goal=True) == expected(demo_db_url, "2018-09-14", 2018, "PA")
    assert metric_numbers(at, of_goal=True)["Projects started"] < before
    assert at.query_params.get("state") in ("PA", ["PA"])
    # A state filter narrows the view: the program-wide pace is not claimed for it.
    assert any("whole program" in el.value for el in at.info)


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({"state": ["VA", "ZZ"]}, "state='ZZ'"),
        ({"category": "knitting"}, "category='knitting'"),
        ({"cycle": "1999"}, "cycle='1999'"),
        ({"as_of": "not-a-date"}, "not a date"),
    ],
)
def test_unknown_link_values_are_ignored_with_a_note(run_app, query, fragment):
    at = run_app(query=query)
    assert not at.exception
    assert any(fragment in el.value for el in at.warning)
    assert len(at.metric) == 6


def test_a_missing_store_is_created_with_the_demo_data(run_app, tmp_path: Path):
    at = run_app(url=f"sqlite:///{tmp_path / 'data' / 'tfc.db'}")
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    assert at.title[0].value.startswith("Progress")
    assert any("Demo data" in el.value for el in at.info)
    assert (tmp_path / "data" / "tfc.db").exists()


def test_corrupt_store_is_an_error_message(run_app, tmp_path: Path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"garbage" * 1000)
    at = run_app(url=f"sqlite:///{path}")
    assert not at.exception
    assert "damaged or is not a database" in at.error[0].value
    assert path.read_bytes() == b"garbage" * 1000  # left as it was


def test_unreachable_server_is_an_error_message(run_app):
    at = run_app(url="postgresql+psycopg://nobody:pw@127.0.0.1:1/none?connect_timeout=2")
    assert not at.exception
    assert "cannot be reached" in at.error[0].value
    assert "pw@" not in at.error[0].value
    assert "TFC_DATABASE_URL" in at.info[0].value


def test_an_empty_store_is_filled_with_the_demo_data(run_app, make_store):
    at = run_app(url=make_store())
    assert not at.exception and not at.error
    assert any("Demo data" in el.value for el in at.info)


def test_cycle_without_goal_and_all_cycles(run_app):
    at = run_app(query={"cycle": "all"})
    assert not at.exception
    assert at.title[0].value == "Progress"
    assert any("single cycle" in el.value for el in at.info)


def test_progress_names_what_limits_the_pace_with_its_funnel(run_app, demo_db_url):
    from tfc_dash.figures import bottleneck, queries
    from tfc_dash.figures.filters import Filters
    from tfc_dash.store import database

    at = run_app()
    engine = database.make_engine(demo_db_url)
    view, as_of = Filters(cycle=queries.cycles(engine)[0]), queries.data_range(engine)[1]
    found = bottleneck.limiting_step(engine, view, as_of)
    stages = bottleneck.funnel(engine, view, as_of)
    engine.dispose()
    assert "What limits the pace" in [s.value for s in at.subheader]
    assert [i.value for i in at.info if found.sentence in i.value]
    links = [el.proto.page for el in at.get("page_link")]
    assert found.page in links
    funnel = [c for c in chart_specs(at) if "Median weeks" in json.dumps(c)]
    assert len(funnel) == 1
    rows = chart_rows(chart_elements(at)[chart_specs(at).index(funnel[0])])
    assert {r["label"]: r["projects"] for r in rows} == dict(
        zip(stages["label"], stages["projects"], strict=True)
    )


def spec_lines(spec: dict) -> list[str]:
    """The legend's entries of the burn-up chart (its colour scale's domain)."""
    for layer in spec.get("layer", []):
        color = layer.get("encoding", {}).get("color", {})
        if color.get("field") == "line":
            return color["scale"]["domain"]
    raise AssertionError("no line legend")


def test_a_state_without_races_in_the_cycle_says_why_and_offers_its_cycle(run_app, demo_db_url):
    latest = sqlite_value(demo_db_url, "select max(cycle) from campaigns where state = 'VA'")
    at = run_app(query={"state": "VA"})  # the default cycle, 2018: Virginia's races were 2017
    assert latest != 2018
    notes = [i.value for i in at.info if "had no program races" in i.value]
    assert notes == [f"Virginia had no program races in 2018: the latest cycle with races there "
                     f"is {latest}."]  # fmt: skip
    button = next(b for b in at.button if b.label == f"Show {latest}")
    button.click().run()
    assert at.session_state["cycle"] == str(latest)
    assert not [i for i in at.info if "had no program races" in i.value]
    assert metric_numbers(at, of_goal=True) == expected(demo_db_url, "2018-09-14", latest, "VA")
    assert metric_numbers(at, of_goal=True)["Projects started"] > 0


@pytest.mark.parametrize(
    "page", ["pages/volunteers.py", "pages/staffing.py", "pages/projects.py", "pages/outcomes.py"],
)  # fmt: skip
def test_every_filtered_page_says_why_it_is_empty(run_app, page):
    at = run_app(page=page, query={"state": "VA"})
    assert not at.exception
    assert [i for i in at.info if "Virginia had no program races in 2018" in i.value], page
    assert [b for b in at.button if b.label.startswith("Show 20")], page


@pytest.mark.parametrize("page", ["pages/states.py", "pages/fundraising_kit.py"])
def test_pages_that_pick_their_cycles_have_no_such_note(run_app, page):
    # States opens Virginia's 2017 view by itself; the kit covers every cycle.
    at = run_app(page=page, query={"state": "VA"})
    assert not at.exception
    assert not [i for i in at.info if "had no program races in 2018:" in i.value], page


def test_the_burnup_of_a_past_cycle_lists_what_it_draws_and_spans_the_cycle(run_app, demo_db_url):
    at = run_app(query={"cycle": "2017", "state": "VA"})
    spec = chart_specs(at)[0]
    assert spec_lines(spec) == ["Projects started", "Projects completed"]  # no pace drawn
    days = [row["day"] for row in chart_rows(chart_elements(at)[0]) if row.get("line")]
    election = sqlite_value(
        demo_db_url,
        "select cast(strftime('%Y', max(election_date)) as int) from campaigns "
        "where state = 'VA' and cycle = 2017",
    )
    assert max(days).year == election  # not stretched to the as-of date in 2018
