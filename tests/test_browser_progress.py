"""The Progress page in real headless Chromium against `streamlit run`."""

import re

import pytest

from tests.browser_helpers import metric_value, wait_for_charts, wait_for_metric_change

pytestmark = pytest.mark.browser


def test_progress_page_draws_its_charts(page, app_server):
    page.goto(app_server.url)
    page.wait_for_selector("[data-testid=stMetric]")
    wait_for_charts(page, 3)
    assert page.get_by_role("heading", name="Progress toward 500 projects").is_visible()
    assert re.fullmatch(r"\d+ of 500", metric_value(page, "Projects started"))
    assert page.get_by_text("Demo data.").is_visible()


def test_a_filter_changes_the_numbers_and_the_link(page, app_server):
    page.goto(app_server.url)
    page.wait_for_selector("[data-testid=stMetric]")
    before = metric_value(page, "Projects started")
    states = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first
    states.locator("input").click()
    page.keyboard.type("PA")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_for_metric_change(page, before)
    after = metric_value(page, "Projects started")
    assert int(after.split()[0]) < int(before.split()[0])
    page.wait_for_url(re.compile(r"[?&]state=PA"))


def test_a_link_opens_the_filtered_view(page, app_server):
    page.goto(f"{app_server.url}/?cycle=2017&state=VA")
    page.wait_for_selector("[data-testid=stMetric]")
    wait_for_charts(page, 3)
    assert metric_value(page, "Projects started") == "50"
    assert page.get_by_text("2017 cycle · VA · all categories").is_visible()
    sidebar = page.locator("[data-testid=stSidebar]")
    assert "2017 cycle" in sidebar.locator("[data-testid=stSelectbox]").first.inner_text() + (
        sidebar.locator("[data-testid=stSelectbox] input").first.input_value()
    )
    assert sidebar.locator("[data-testid=stMultiSelect]").first.get_by_text("VA").is_visible()


def test_a_bad_link_value_shows_a_note(page, app_server):
    page.goto(f"{app_server.url}/?state=ZZ")
    page.wait_for_selector("[data-testid=stMetric]")
    assert page.get_by_text("Ignored state='ZZ'").is_visible()
