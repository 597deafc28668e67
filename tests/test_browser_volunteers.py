"""The Volunteers page in real headless Chromium against `streamlit run`."""

import pandas as pd
import pytest

from tests.browser_helpers import metric_value, open_from_home, wait_for_charts

pytestmark = pytest.mark.browser


def test_volunteers_page_draws_its_figures_and_charts(page, app_server, demo_frames):
    open_from_home(page, app_server.url, "Volunteers")
    wait_for_charts(page, 5)
    volunteers = demo_frames["volunteers"]
    enrolled = (pd.to_datetime(volunteers["signed_up"]) <= "2018-09-14").sum()
    assert metric_value(page, "Volunteers enrolled") == f"{enrolled:,}"
    assert metric_value(page, "Utilization").endswith("%")
    assert page.get_by_text("We are not short of volunteers").is_visible()
    # The supply-and-demand chart drew both sides.
    assert page.get_by_text("Bench volunteers with the skill").is_visible()
    assert page.get_by_text("Open seats needing it").is_visible()
