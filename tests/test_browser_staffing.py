"""The Staffing page in real headless Chromium: the gaps, the chart and the CSV for ops."""

import csv
import io
import re

import pytest

from tests.browser_helpers import metric_value, open_from_home, wait_for_charts
from tfc_dash.core import catalogue

pytestmark = pytest.mark.browser


def test_staffing_page_draws_and_downloads_who_to_ask(page, app_server):
    open_from_home(page, app_server.url, "Staffing")
    wait_for_charts(page, 1)
    understaffed = int(metric_value(page, "Understaffed projects"))
    assert understaffed > 0
    assert re.fullmatch(r"\d+", metric_value(page, "Open seats"))
    with page.expect_download() as info:
        page.get_by_role("button", name="Download who to ask (CSV)").click()
    download = info.value
    assert download.suggested_filename == "tfc-who-to-ask-2018-09-14.csv"
    with open(download.path(), encoding="utf-8") as fh:
        rows = list(csv.DictReader(io.StringIO(fh.read())))
    # The headers are the catalogue's labels (people paste the file into Sheets).
    label = catalogue.column_label
    assert {label("volunteer_name"), label("volunteer_email"), label("why")} <= set(rows[0])
    assert len({r[label("project_id")] for r in rows}) == understaffed
    page.locator("[data-testid=stDataFrame]").first.wait_for()
