"""What people see, in real headless Chromium at a desktop's and a phone's size (issue 13).

Every page, for the default view, one state, a past cycle and an early as-of day, fails on:
visible raw values ("None", "nan", "NaT", a snake_case column or category code), an element
wider than the screen, a scorecard label cut off. A screenshot of every page at both sizes is
kept in ``test-output/screenshots/`` (ignored by git) for a person to look at.

One browser context per size, the session's server, each view opened once per size.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser_helpers import wait_for_script
from tests.labels import NAMES_COLUMNS, RAW, known_codes
from tfc_dash.figures import policy

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"
SIZES = {"desktop": (1400, 1000), "phone": (390, 844)}
VIEWS = {
    "default": "",
    "state": "?state=VA",
    "past_cycle": "?cycle=2017",
    "early": "?as_of=2018-06-01",
}
PAGES = ["" if key == "progress" else key for key in policy.ALL_PAGES]  # "" is Progress

# Visible text of the page, leaving out code spans (a column named on purpose) and hidden parts.
TEXT_JS = """() => {
  const main = document.querySelector('[data-testid=stMain]') || document.body;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest('code, pre, script, style, [data-testid=stExpanderDetails]')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    parts.push(node.textContent);
  }
  // Table cells: the grid draws on a canvas; its accessible table holds the visible cells.
  document.querySelectorAll('[data-testid=stDataFrame] td, [data-testid=stDataFrame] th')
    .forEach(td => parts.push(td.textContent));
  return parts.join('\\n');
}"""

# Elements wider than the screen, and scorecard labels cut off.
LAYOUT_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  const sel = '[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg, ' +
              '[data-testid=stDataFrame], [data-testid=stMetric], [data-testid=stImage] img, ' +
              '[data-testid=stMarkdownContainer], [data-testid=stHorizontalBlock]';
  document.querySelectorAll(sel).forEach(el => {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) {
      const chart = el.closest('[data-testid=stVegaLiteChart], [data-testid=stDataFrame]');
      const near = el.closest('[data-testid=stVerticalBlock]')
        ?.querySelector('h2, h3, [data-testid=stHeading]')?.textContent || '';
      wide.push(`${el.dataset.testid || el.tagName} ${Math.round(box.width)} px wide, ` +
                `right edge at ${Math.round(box.right)} (${(chart ? 'chart/table near ' : '')}` +
                `${near.slice(0, 40)})`);
    }
  });
  const main = document.querySelector('[data-testid=stMain]');
  if (main && main.scrollWidth > main.clientWidth + 1)
    wide.push(`the page scrolls sideways (${main.scrollWidth} > ${main.clientWidth})`);
  const cut = [];
  document.querySelectorAll('[data-testid=stMetricLabel]').forEach(label => {
    for (const el of [label, ...label.querySelectorAll('*')]) {
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
        cut.push(label.textContent.trim()); break;
      }
    }
  });
  return {wide, cut};
}"""

# Drawn: no placeholder left, every chart and every table on its canvas.
SETTLE_JS = """() => !document.querySelector('[data-testid=stSkeleton]') &&
  [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]
    .every(el => { const c = el.querySelector('canvas, svg');
                   return c && c.getBoundingClientRect().height > 0; }) &&
  [...document.querySelectorAll('[data-testid=stDataFrame]')]
    .every(el => el.querySelector('[data-testid=data-grid-canvas]'))"""


def open_view(page, url: str) -> None:
    page.mouse.move(0, 0)  # no tooltip of the last page's pointer over a table
    page.goto(url)
    page.locator("h1").first.wait_for()
    wait_for_script(page)
    page.wait_for_timeout(300)  # a rerun the page asks for (a link written back, say)
    wait_for_script(page)
    page.wait_for_function(SETTLE_JS)
    page.wait_for_timeout(300)  # the last chart's layout


def screenshot(page, path: Path) -> None:
    """The whole page (Streamlit scrolls its main element, not the document): the viewport is
    made as tall as the page for the shot, then put back."""
    size = page.viewport_size
    height = page.evaluate(
        "() => (document.querySelector('[data-testid=stMain]') || document.body).scrollHeight"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(
        {"width": size["width"], "height": min(max(height, size["height"]), 9000)}
    )
    page.wait_for_timeout(300)
    wait_for_script(page)
    page.wait_for_function(SETTLE_JS)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def problems_on(page, where: str, codes: set[str], check_codes: bool) -> list[str]:
    found: list[str] = []
    text = page.evaluate(TEXT_JS)
    for match in sorted({m.group(1) for m in RAW.finditer(text)}):
        line = next(ln for ln in text.splitlines() if re.search(rf"\b{match}\b", ln))
        found.append(f"{where}: shows {match!r} ({line.strip()[:80]!r})")
    if check_codes:
        # A link's address (a table's Open link, shown on hover) is not text to read.
        readable = "\n".join(
            ln for ln in text.splitlines() if not ln.strip().startswith(("?", "http"))
        )
        words = set(re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", readable))
        for code in sorted(words & codes):
            line = next(ln for ln in text.splitlines() if code in ln)
            found.append(f"{where}: shows the code {code!r} ({line.strip()[:80]!r})")
    layout = page.evaluate(LAYOUT_JS)
    found += [f"{where}: {w}" for w in layout["wide"]]
    found += [f"{where}: scorecard label cut off: {c!r}" for c in layout["cut"]]
    return found


@pytest.fixture(scope="module", params=list(SIZES))
def sized_page(request, browser):
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield request.param, pg
    context.close()


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_page_shows_no_raw_value_and_fits(sized_page, app_server, view):
    size, page = sized_page
    codes = known_codes()
    problems: list[str] = []
    for path in PAGES:
        name = path or "progress"
        open_view(page, f"{app_server.url.rstrip('/')}/{path}{VIEWS[view]}")
        screenshot(page, SHOTS / size / f"{view}-{name}.png")
        problems += problems_on(
            page, f"{size} {name}{VIEWS[view]}", codes, name not in NAMES_COLUMNS
        )
    assert not problems, "\n".join(problems)


def test_the_checks_can_fail(browser):
    """A page with every fault the test looks for: the checks find each one."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_content(
        """<div data-testid="stMain" style="width:390px">
             <p>Margin: None · started nan</p><p>volunteers_needed</p>
             <div data-testid="stMetric"><div data-testid="stMetricLabel"
               style="width:80px;overflow:hidden;white-space:nowrap">Targets with no project yet
             </div></div>
             <div data-testid="stVegaLiteChart"><svg width="947" height="100"></svg></div>
           </div>"""
    )
    found = problems_on(page, "fake", known_codes(), check_codes=True)
    context.close()
    text = "\n".join(found)
    assert "shows 'None'" in text and "shows 'nan'" in text
    assert "the code 'volunteers_needed'" in text
    assert "scorecard label cut off: 'Targets with no project yet'" in text
    assert "svg 947 px wide" in text.lower() or "SVG 947 px wide" in text
