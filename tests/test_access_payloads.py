"""Values from the spreadsheet or a link are shown as text: HTML, scripts and markdown in a name
render as those characters and run nothing."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1.element_tree import Block

from tests.builders import assignment, campaign, project, volunteer
from tfc_dash.text import md_escape

SCRIPT = '<script>document.title="pwned"</script>'
IMG = "<img src=x onerror=alert(1)>"
MARKDOWN = "**Bold** [click](https://evil.example) :red[red] $x^2$"
PAYLOAD = f"{SCRIPT} {IMG} {MARKDOWN}"
# Unescaped, each of these would do something in Streamlit's markdown.
ACTIVE = [r"(?<!\\)<script", r"(?<!\\)<img", r"(?<!\\)\*\*Bold", r"(?<!\\)\[click",
          r"(?<!\\):red\[", r"(?<!\\)\$x"]  # fmt: skip


WJ = "\u2060"  # the word joiner md_escape puts inside URLs, shortcodes and arrows


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("**Bob**", r"\*\*Bob\*\*"),
        ("<img src=x>", r"\<img src=x\>"),
        ("[a](javascript:x)", rf"\[a\]\(javascript:{WJ}x\)"),
        (":red[y]", rf":{WJ}red\[y\]"),
        ("$x$", r"\$x\$"),
        ("a_b & c", r"a\_b \& c"),
        ("Gupta: Canvass data pipeline", "Gupta: Canvass data pipeline"),
        ("P2018-00123", "P2018-00123"),
        ("line\nbreak", "line break"),
        ("- a list", r"\- a list"),
        (" 1. a list", r"1\. a list"),
        ("see https://evil.example", f"see https:{WJ}//evil.example"),
        ("WWW.evil.example", f"WWW{WJ}.evil.example"),
        ("bob@evil.example", f"bob@{WJ}evil.example"),
        (":smile: :material/home: :streamlit:", f":{WJ}smile: :{WJ}material/home: :{WJ}streamlit:"),
        ("a -> b -- c", rf"a -{WJ}\> b -{WJ}- c"),
        ("a\u202eb\u2066c", "abc"),
        ("x" * 5000, "x" * 1999 + "…"),
    ],
)
def test_md_escape(raw, escaped):
    assert md_escape(raw) == escaped


@pytest.fixture
def payload_store(make_store):
    c = campaign("C1", state="VA", chamber="lower", district="13", cycle=2018)
    c["candidate"] = PAYLOAD
    return make_store(
        campaigns=[c],
        projects=[project("P1", "C1", name=PAYLOAD, start="2018-08-01")],
        volunteers=[{**volunteer("V1", home="VA"), "name": PAYLOAD}],
        assignments=[assignment("P1", "V1", "2018-08-02", "2018-10-15")],
        districts=[
            {
                "state": "VA",
                "chamber": "lower",
                "district": "13",
                "winnability": 60.0,
                "targeted": True,
                "incumbent_party": "R",
            }
        ],
    )


def markdown_bodies(at) -> list[str]:
    """The markdown source of every element that renders markdown."""
    bodies: list[str] = []

    def walk(node) -> None:
        if isinstance(node, Block):
            for child in node.children.values():
                walk(child)
            return
        proto = getattr(node, "proto", None)
        for field in ("body", "label"):
            value = getattr(proto, field, None)
            if isinstance(value, str):
                bodies.append(value)

    walk(at._tree)
    return bodies


PAGES = ["progress", "volunteers", "staffing", "projects", "states", "outcomes",
         "fundraising_kit", "data_health"]  # fmt: skip


@pytest.mark.parametrize("page", PAGES)
def test_payloads_render_as_text_on_every_page(run_app, payload_store, page):
    query = {"project": "P1"} if page == "projects" else None
    if page == "states":
        query = {"state": "VA", "chamber": "lower", "district": "13"}
    at = run_app(url=payload_store, query=query)
    if page != "progress":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    for body in markdown_bodies(at):
        for pattern in ACTIVE:
            assert not re.search(pattern, body), f"{page}: {body[:200]}"


def test_a_payload_in_a_link_is_shown_as_text(run_app):
    at = run_app(query={"state": PAYLOAD, "as_of": IMG})
    assert not at.exception
    notes = [w.value for w in at.warning if w.value.startswith("Ignored")]
    assert len(notes) == 2
    for body in notes:
        for pattern in ACTIVE:
            assert not re.search(pattern, body)


@pytest.mark.browser
def test_payloads_run_nothing_in_the_browser(page, payload_store, tmp_path):
    from tests.conftest import start_app_server

    server = start_app_server(payload_store, tmp_path / "payload.log")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(server.url)
        page.wait_for_selector("[data-testid=stMetric]")
        page.goto(f"{server.url}/projects?project=P1")
        heading = page.locator("h1").filter(has_text="Bold")
        heading.wait_for()
        page.wait_for_timeout(500)
        # The name shows as its characters: tags, asterisks and brackets included.
        assert "<script>" in heading.inner_text() and "**Bold**" in heading.inner_text()
        assert page.locator("[data-testid=stMain] img[src=x]").count() == 0
        assert page.locator("a[href='https://evil.example']").count() == 0
        assert page.title() != "pwned" and not dialogs
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)
