"""The Fundraising kit in real headless Chromium: a download button gives the chart's PNG."""

import struct

import pytest

from tests.app_server import start_app_server

pytestmark = pytest.mark.browser


def test_png_download(page, app_server, tmp_path):
    # A link straight to the page, as the fundraising team bookmarks it.
    page.goto(f"{app_server.url}/fundraising_kit")
    page.get_by_role("heading", name="Fundraising kit").wait_for()
    card = page.locator("[data-testid=stColumn]").filter(has_text="Progress toward the goal")
    button = card.first.locator("[data-testid=stDownloadButton] button").filter(has_text="PNG")
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "tfc-progress-2018-09-14.png"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 1400 and height >= 800  # twice screen resolution
    assert len(data) > 50_000
    # The headline is on the page, ready to copy.
    assert "Projects started: " in page.locator("[data-testid=stCode]").inner_text()


def test_a_link_straight_to_a_page_on_a_fresh_server(page, demo_db_url, tmp_path):
    # Before any session has run the router, Streamlit takes pages/ for an old-style multipage
    # folder and would run the page alone; the page hands over to the router instead.
    server = start_app_server(demo_db_url, tmp_path / "streamlit.log")
    try:
        page.goto(f"{server.url}/outcomes?cycle=2017&state=VA")
        page.get_by_role("heading", name="Outcomes").wait_for()
        page.get_by_text("2017 cycle · VA · all categories").wait_for()
        assert page.locator("[data-testid=stSidebar]").get_by_text("Fundraising kit").is_visible()
        assert "KeyError" not in server.log.read_text()
    finally:
        server.stop()
