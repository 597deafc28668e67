"""What Streamlit's markdown renderer really does with md_escape's output, element kind by kind.

tests/apps/escape_probe.py shows the payload through md_escape in every kind of element that
renders markdown; in Chromium each must show the payload's characters and nothing else: no link,
image, emphasis, colour, emoji, icon, formula or script, and no request to another host.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.app_server import ROOT, start_app_server
from tests.browser_helpers import wait_for_script
from tests.payloads import EVIL, PAYLOAD

pytestmark = pytest.mark.browser

# What the payload looks like as text: whitespace folded, bidi controls dropped (md_escape).
EXPECTED = re.sub(r"\s+", " ", re.sub("[\u202a-\u202e\u2066-\u2069]", "", PAYLOAD)).strip()
ELEMENTS = {
    "title": "[data-testid=stHeading] h1",
    "subheader": "[data-testid=stHeading] h3",
    "markdown": "[data-testid=stMarkdown] [data-testid=stMarkdownContainer]",
    "caption": "[data-testid=stCaptionContainer]",
    "error": "[data-testid=stAlertContentError]",
    "warning": "[data-testid=stAlertContentWarning]",
    "info": "[data-testid=stAlertContentInfo]",
    "success": "[data-testid=stAlertContentSuccess]",
    "metric label": "[data-testid=stMetricLabel]",
    "expander label": "[data-testid=stExpander] summary",
    "status label": "[data-testid=stExpander] summary",
    "segmented control": "[data-testid=stButtonGroup] button",
    "button": "[data-testid=stButton] button",
    "checkbox": "[data-testid=stCheckbox] label",
    "tab": "[data-testid=stTab]",
}


def text_of(page, selector: str, index: int = 0) -> str:
    raw = page.locator(selector).nth(index).inner_text()
    return re.sub(r"\s+", " ", raw.replace("\u2060", "")).strip()


@pytest.fixture(scope="module")
def probe(browser, tmp_path_factory):
    log = tmp_path_factory.mktemp("probe") / "streamlit.log"
    server = start_app_server(None, log, script=ROOT / "tests/apps/escape_probe.py")
    url = server.url
    context = browser.new_context(viewport={"width": 1400, "height": 2400})
    page = context.new_page()
    page.set_default_timeout(30_000)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    page.locator("[data-testid=stTab]").first.wait_for()
    wait_for_script(page)
    yield page, url, requests
    context.close()
    server.stop()


@pytest.mark.parametrize("kind", ELEMENTS)
def test_each_element_shows_the_payload_as_its_characters(probe, kind):
    page, _, _ = probe
    index = 1 if kind == "status label" else 0  # the status is the second expander
    shown = text_of(page, ELEMENTS[kind], index)
    assert EXPECTED in shown, f"{kind}: {shown[:300]!r}"
    element = page.locator(ELEMENTS[kind]).nth(index)
    # Inside the rendered markdown (Streamlit's own heading anchors and tooltips aside).
    made = element.locator(
        "[data-testid=stMarkdownContainer] :is(a:not([href^='#']), img, strong, em, del, code,"
        " span[style]:not([data-testid]), .katex, [role=img])"
    )
    assert made.count() == 0, f"{kind}: {made.first.evaluate('e => e.outerHTML')[:200]}"


def test_selectbox_options_are_plain_text(probe):
    page, _, _ = probe
    chosen = page.locator("[data-testid=stMultiSelect]")  # the chosen option's tag
    assert "**bold** [click](https://evil.example/l)" in chosen.inner_text()
    assert chosen.locator("a, img, strong, em, [role=img]").count() == 0
    # Streamlit's selectbox is a combobox: its "Open" button shows the list of options.
    # A press while the page is still settling can be undone by its next render: press again.
    opener = page.locator("[data-testid=stSelectbox] button[aria-haspopup=listbox]")
    options = page.locator("[role=listbox]").first
    for _ in range(5):
        opener.click()
        try:
            options.wait_for(timeout=4_000)
            break
        except PlaywrightTimeout:
            continue  # the last try's wait below raises
    options.wait_for()
    assert "**bold** [click](https://evil.example/l)" in options.inner_text()
    assert options.locator("a, img, strong, em, [role=img]").count() == 0
    page.keyboard.press("Escape")


def test_help_tooltips_show_the_payload_as_its_characters(probe):
    page, _, _ = probe
    for selector in ("[data-testid=stHeading] [data-testid=stTooltipIcon]",
                     "[data-testid=stMetric] [data-testid=stTooltipIcon]"):  # fmt: skip
        page.locator(selector).first.hover()
        tooltip = page.locator("[data-testid=stTooltipContent]").last
        tooltip.wait_for()
        shown = re.sub(r"\s+", " ", tooltip.inner_text().replace("\u2060", "")).strip()
        assert EXPECTED in shown, shown[:300]
        assert tooltip.locator("a, img, strong, em, span[style]").count() == 0
        page.mouse.move(0, 0)
        tooltip.wait_for(state="detached")


def test_nothing_from_the_payload_reaches_the_page_or_the_network(probe):
    page, url, requests = probe
    assert page.locator(f"[href*='{EVIL}'], [src*='{EVIL}']").count() == 0
    assert page.locator("img[alt='Streamlit logo'], .katex, [aria-label='home icon']").count() == 0
    assert "😄" not in page.locator("body").inner_text()
    assert page.title() != "pwned"
    assert [r for r in requests if not r.startswith((url, "data:", "blob:"))] == []
