"""The dashboard under ``streamlit run`` for the benchmarks (through the tests' own launcher,
tests/app_server.py), Chromium for them, and what a browser waits for."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import app_server  # noqa: E402 - the tests' launcher, from the repository root

AppServer, chromium_path = app_server.AppServer, app_server.chromium_path

# Extra `streamlit run` options, to compare settings (BENCH_STREAMLIT_ARGS="--runner.postScriptGC
# true", say).
EXTRA = os.environ.get("BENCH_STREAMLIT_ARGS", "").split()
# Chromium's flags beyond the tests' (tests/app_server.py BROWSER_ARGS). Many pages at once (the
# load): Chromium would otherwise slow the timers and the rendering of every page but one, and
# measure itself rather than the dashboard.
BENCH_BROWSER_ARGS = (
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
)


def launch_options() -> dict:
    """``playwright.chromium.launch(**launch_options())`` for the benchmarks."""
    return app_server.launch_options(*BENCH_BROWSER_ARGS)


@contextmanager
def streamlit_server(
    db_url: str,
    log: Path,
    env: Mapping[str, str] | None = None,
    secrets: Path | None = None,
    script: Path = ROOT / "app.py",
) -> Iterator[AppServer]:
    """``streamlit run`` of the dashboard (or ``script``) on a free loopback port, against the
    store at ``db_url``; stopped on the way out."""
    args = [*EXTRA]
    if secrets is not None:
        args += ["--secrets.files", str(secrets)]
    server = app_server.start_app_server(db_url, log, env, args, script=script, timeout=60)
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    options = launch_options()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**options)
        try:
            yield browser
        finally:
            browser.close()


# Done: the script has stopped running, the page's title is up, and every chart and image has
# drawn. The title tells the page asked for from the page being left, still on screen after a
# click; charts and images are counted as the page's AppTest run found them.
READY_JS = """([charts, images, title]) => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const h1 = document.querySelector('[data-testid=stMain] h1');
  if (!h1 || (title && !h1.innerText.includes(title))) return false;
  const all = [...document.querySelectorAll('[data-testid=stVegaLiteChart]')];
  const drawn = all.filter(el => {
    const c = el.querySelector('canvas, svg');
    return c && c.getBoundingClientRect().height > 20;
  });
  const imgs = [...document.querySelectorAll('[data-testid=stImage] img')];
  const loaded = imgs.filter(img => img.complete && img.naturalWidth > 0);
  return drawn.length === all.length && loaded.length === imgs.length
    && drawn.length >= charts && loaded.length >= images;
}"""

# What a page shows, to say why it did not become ready.
STATE_JS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  const h1 = document.querySelector('[data-testid=stMain] h1');
  const charts = [...document.querySelectorAll('[data-testid=stVegaLiteChart]')];
  const drawn = charts.filter(el => { const c = el.querySelector('canvas, svg');
                                      return c && c.getBoundingClientRect().height > 20; });
  return `state ${app && app.getAttribute('data-test-script-state')}, heading `
    + `${h1 ? JSON.stringify(h1.innerText.slice(0, 60)) : 'none'}, charts ${drawn.length}`
    + `/${charts.length} drawn, ${location.pathname}${location.search}`;
}"""

PROBLEMS_JS = """() => {
  const texts = (selector, label) => [...document.querySelectorAll(selector)]
    .map(e => label + ': ' + e.innerText.slice(0, 300));
  return [...texts('[data-testid=stException]', 'exception'),
          ...texts('[data-testid=stAlertContentError]', 'error')];
}"""


def ready_args(view: dict) -> list:
    return [view.get("charts", 0), view.get("images", 0), view.get("heading", "")]


def open_and_wait(page, url: str, view: dict, timeout_ms: float = 60_000) -> float:
    """Seconds from navigating to ``url`` until the page has run and drawn everything."""
    began = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    page.wait_for_function(READY_JS, arg=ready_args(view), timeout=timeout_ms, polling="raf")
    return time.perf_counter() - began


def click_and_wait(page, view: dict, timeout_ms: float = 60_000) -> float:
    """Seconds from clicking the sidebar's link to ``view`` until that page has drawn."""
    nav = page.locator("[data-testid=stSidebarNav]")
    link = nav.get_by_role("link", name=view["title"], exact=True)
    began = time.perf_counter()
    link.click(timeout=timeout_ms)
    page.wait_for_function(READY_JS, arg=ready_args(view), timeout=timeout_ms, polling="raf")
    return time.perf_counter() - began


def problems(page) -> list[str]:
    """Exception boxes and error messages on the page."""
    return list(page.evaluate(PROBLEMS_JS))
