"""The States page in real headless Chromium: the Virginia House map from a shared link."""

import re

import pytest

from tests.app_server import start_app_server
from tests.browser_helpers import wait_for_script

pytestmark = pytest.mark.browser

VA_HOUSE_LINK = "/states?state=VA&chamber=lower"
SHAPES = "[data-testid=stVegaLiteChart] svg path[aria-roledescription=geoshape]"


def wait_for_shapes(page, count: int) -> None:
    page.wait_for_function(
        "([selector, n]) => document.querySelectorAll(selector).length === n",
        arg=[SHAPES, count],
    )


@pytest.fixture
def fresh_server(demo_db_url, tmp_path):
    """A server that has never served a page: the shared link is its very first request."""
    with start_app_server(demo_db_url, tmp_path / "streamlit.log") as server:
        yield server


def test_a_shared_link_opens_the_virginia_house_map(page, fresh_server):
    page.goto(fresh_server.url + VA_HOUSE_LINK)
    page.get_by_role("heading", name="Virginia · House of Delegates").wait_for()
    wait_for_shapes(page, 100)
    # Each shape is a district of the 2011 plan, labelled with its status.
    labels = page.locator(SHAPES).evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    numbers = sorted(int(re.match(r"District (\d+):", label).group(1)) for label in labels)
    assert numbers == list(range(1, 101))
    assert "District 13: Won" in labels and "District 94: Lost" in labels
    assert page.locator(f'{SHAPES}[aria-label="District 13: Won"]').count() == 1
    assert re.search(r"[?&]state=VA", page.url) and re.search(r"[?&]chamber=lower", page.url)
    assert page.get_by_text("showing 2017").is_visible()


def point_inside(shape) -> tuple[float, float]:
    """A point of the page where the shape itself (not a neighbour) is under the mouse: of the
    points of a grid over its box that hit it, the one nearest their middle, away from its
    edges (a point at an edge lands on a neighbour, or on nothing, if the map moves a pixel)."""
    return shape.evaluate(
        """el => { const b = el.getBoundingClientRect(), hits = [];
                   for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
                     const x = b.left + b.width * i / 20, y = b.top + b.height * j / 20;
                     if (document.elementFromPoint(x, y) === el) hits.push([x, y]); }
                   if (!hits.length) return null;
                   const mx = hits.reduce((s, p) => s + p[0], 0) / hits.length;
                   const my = hits.reduce((s, p) => s + p[1], 0) / hits.length;
                   const away = p => (p[0] - mx) ** 2 + (p[1] - my) ** 2;
                   return hits.reduce((best, p) => away(p) < away(best) ? p : best); }"""
    )


def test_hovering_a_district_shows_its_race(page, app_server):
    page.goto(app_server.url + VA_HOUSE_LINK)
    wait_for_shapes(page, 100)
    wait_for_script(page)  # the whole page is in: nothing below or above will move the map now
    roem = page.locator(f'{SHAPES}[aria-label="District 13: Won"]')
    roem.scroll_into_view_if_needed()
    x, y = point_inside(roem)
    box = roem.bounding_box()
    # One mouse move, and a tooltip only follows one: Playwright's hover checks, at the moment
    # it moves, that the shape is still there, stable and the element under that point of it
    # (a page still laying out moved it off the point measured a moment before).
    roem.hover(position={"x": x - box["x"], "y": y - box["y"]})
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    text = tooltip.inner_text()
    assert "Danica Roem" in text and "Won, 53.9% (flipped)" in text


def test_switching_to_the_senate_redraws_the_map_and_the_link(page, app_server):
    page.goto(app_server.url + VA_HOUSE_LINK)
    wait_for_shapes(page, 100)
    page.get_by_role("radio", name="Senate").click()
    page.get_by_role("heading", name="Virginia · Senate").wait_for()
    wait_for_shapes(page, 40)
    page.wait_for_url(re.compile(r"[?&]chamber=upper"))


def test_clicking_a_state_on_the_national_map_opens_it(page, app_server):
    page.goto(app_server.url + "/states")
    page.get_by_role("heading", name="States").wait_for()
    wait_for_shapes(page, 50)
    pennsylvania = page.locator(f'{SHAPES}[aria-label^="Pennsylvania:"]')
    pennsylvania.scroll_into_view_if_needed()
    x, y = point_inside(pennsylvania)
    page.mouse.click(x, y)
    page.get_by_role("heading", name="Pennsylvania · House of Representatives").wait_for()
    page.wait_for_url(re.compile(r"[?&]state=PA"))
    assert (
        page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]")
        .first.get_by_text("PA")
        .is_visible()
    )
