"""The Projects page in real headless Chromium: the explorer, its link, a project's detail."""

import re

import pytest

from tests.app_server import start_app_server
from tests.browser_helpers import (
    metric_value,
    open_from_home,
    wait_for_charts,
    wait_for_metric_change,
)
from tests.dbtools import sqlite_value

pytestmark = pytest.mark.browser


def test_explorer_draws_and_its_search_goes_into_the_link(page, app_server, demo_db_url):
    open_from_home(page, app_server.url, "Projects")
    wait_for_charts(page, 1)
    listed = sqlite_value(
        demo_db_url,
        "select count(*) from projects p join campaigns c using (campaign_id) where c.cycle = "
        "2018 and (p.status in ('scoping', 'cancelled') or p.start_date <= '2018-09-14')",
    )
    assert metric_value(page, "Projects in any status") == f"{listed:,}"
    search = page.get_by_placeholder("Project ID or name, candidate, campaign ID, district")
    search.fill("website")
    search.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q=website"))
    wait_for_metric_change(page, f"{listed:,}")
    assert 0 < int(metric_value(page, "Projects in any status")) < listed


def test_a_link_opens_the_filtered_explorer(page, app_server, demo_db_url):
    open_from_home(page, app_server.url, "Projects")
    page.goto(f"{app_server.url}/projects?chamber=upper&status=active")
    page.wait_for_selector("[data-testid=stMetric]")
    wait_for_charts(page, 1)
    expected = sqlite_value(
        demo_db_url,
        "select count(*) from projects p join campaigns c using (campaign_id) where c.cycle = "
        "2018 and c.chamber = 'upper' and p.status = 'active' and p.start_date <= '2018-09-14'",
    )
    assert metric_value(page, "Projects in any status") == str(expected)
    assert page.get_by_text("State senate").first.is_visible()


def test_a_project_link_opens_its_detail(page, app_server, demo_db_url):
    open_from_home(page, app_server.url, "Projects")
    page.goto(f"{app_server.url}/projects?project=P2018-00235")
    page.get_by_role("heading", name="Silva: Paid social program").wait_for()
    wait_for_charts(page, 1)  # the timeline
    team = sqlite_value(
        demo_db_url,
        "select count(*) from assignments where project_id = 'P2018-00235' and "
        "start_date <= '2018-09-14' and end_date >= '2018-09-14'",
    )
    assert metric_value(page, "On the team").startswith(f"{team} of ")
    assert page.get_by_text("Candidate:").is_visible()
    page.get_by_role("button", name="All projects").click()
    page.get_by_role("heading", level=1, name="Projects", exact=True).wait_for()
    assert "project=" not in page.url


def test_a_shared_link_works_on_a_fresh_server(page, demo_db_url, tmp_path):
    server = start_app_server(demo_db_url, tmp_path / "fresh.log")
    try:
        page.goto(f"{server.url}/projects?project=P2018-00235")
        # Either the page or Streamlit's exception box, whichever comes first.
        page.wait_for_selector("h1, [data-testid=stException]")
        assert not page.locator("[data-testid=stException]").count()
        page.get_by_role("heading", name="Silva: Paid social program").wait_for()
    finally:
        server.stop()
