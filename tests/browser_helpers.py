"""What the browser tests do on a page and wait for: one set for every test_browser_*.py."""

from __future__ import annotations

import os
import re

import pytest

from tests.app_server import chromium_path


def chromium_or_skip() -> str:
    """This machine's Chromium; without one the test skips, and in CI it fails (the browser tests
    must run there)."""
    path = chromium_path()
    if path is None:
        reason = "Chromium not found at /usr/bin/chromium or $CHROMIUM (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: browser tests must run in CI.")
        pytest.skip(reason)
    return path


def metric_value(page, label: str) -> str:
    card = page.locator("[data-testid=stMetric]").filter(has_text=label).first
    return card.locator("[data-testid=stMetricValue]").inner_text()


def wait_for_metric_change(page, before: str) -> None:
    """Until the page's first scorecard shows a value other than ``before``."""
    page.wait_for_function(
        "before => { const v = document.querySelector('[data-testid=stMetricValue]');"
        " return v && v.innerText !== before; }",
        arg=before,
    )


def wait_for_charts(page, count: int) -> None:
    """Until ``count`` Vega charts have drawn something taller than 50 px."""
    page.wait_for_function(
        """n => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]
              .filter(el => { const c = el.querySelector('canvas, svg');
                              return c && c.getBoundingClientRect().height > 50; }).length >= n""",
        arg=count,
    )


def open_from_home(page, base_url: str, title: str) -> None:
    """Open the dashboard's home page, then a page through the sidebar, as a user does.

    Starting from the home page also makes the server run the router once: on a server that
    has never run it, Streamlit serves a deep link to ``/<page>`` from the ``pages/`` folder
    without the router (see test_a_shared_link_works_on_a_fresh_server).
    """
    page.goto(base_url)
    page.wait_for_selector("[data-testid=stMetric]")
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=title).click()
    page.wait_for_url(re.compile(rf"/{title.lower()}"))
    page.get_by_role("heading", level=1, name=title, exact=True).wait_for()


def log_in(page, app_url: str, email: str) -> None:
    """Sign in through the app's login button and the provider's form (oidc-provider-mock's:
    any email is accepted as the subject, and the ID token carries it as the email)."""
    page.goto(app_url)
    authorize(page, email)
    page.wait_for_url(re.compile(re.escape(app_url)))
    wait_for_script(page)


def authorize(page, email: str) -> None:
    """On the app's login page: its login button, then the provider's form, as ``email``."""
    page.get_by_role("button", name=re.compile("Log in")).click()
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize").click()


def log_out(page) -> None:
    """The app's Log out button, then the provider's end-of-session confirmation."""
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name=re.compile("Log in")).wait_for()


def wait_for_script(page) -> None:
    """Until the page's script run has finished (Streamlit marks its root element)."""
    page.wait_for_function(
        """() => document.querySelector('[data-testid=stApp]')
                 ?.getAttribute('data-test-script-state') === 'notRunning'"""
    )
