"""Values from the spreadsheet, a CSV file or a link are shown as text: HTML, scripts, markdown
and bare URLs in a name render as those characters and format, link, load or run nothing.

The payloads (tests/payloads.py) go in through the real paths: a sync from the fake Sheets API
over HTTP and a CSV import. Every page is then run as every role, and the markdown source of
every element that renders markdown is checked. What the browser makes of the escaped text is
checked in test_browser_escaping.py and test_browser_login.py.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1.element_tree import Block

from tests.apptest_helpers import SECRETS, logged_in
from tests.fake_sheets import gsheets_secrets, reader_for, spreadsheet_from_rows
from tests.payloads import (
    PAYLOAD,
    PAYLOAD_PROJECT,
    active_markdown,
    build_payload_store,
)
from tfc_dash.core.text import md_escape
from tfc_dash.figures.policy import PAGES_BY_ROLE, Role
from tfc_dash.ingest import sync
from tfc_dash.store import database

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


@pytest.fixture(scope="module")
def payload_store(tmp_path_factory) -> str:
    return build_payload_store(tmp_path_factory.mktemp("payloads"))


# Markdown-rendering fields of an element; st.text, st.code, tables and charts draw plain text.
MARKDOWN_FIELDS = ("body", "label", "help", "content", "caption")
PLAIN_ELEMENTS = ("text", "code", "dataframe", "arrow_data_frame", "vega_lite_chart", "json")


def markdown_sources(at) -> list[str]:
    """The markdown source of every element (and expander) that renders markdown."""
    found: list[str] = []

    def strings(message) -> None:
        for field, value in message.ListFields():
            values = [value] if hasattr(value, "ListFields") or isinstance(value, str) else value
            if field.type == field.TYPE_MESSAGE:
                for item in values:
                    strings(item)
            elif field.name in MARKDOWN_FIELDS:
                found.extend(v for v in values if isinstance(v, str))

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if getattr(node, "type", "") not in PLAIN_ELEMENTS and proto is not None:
            strings(proto)
        if isinstance(node, Block):
            for child in node.children.values():
                walk(child)

    walk(at._tree)
    return found


PAGES = ["progress", "volunteers", "staffing", "projects", "states", "outcomes",
         "fundraising_kit", "history", "data_health"]  # fmt: skip
VIEWERS = {  # (email, role): the local user and the two roles whose pages differ most
    "local": (None, Role.LOCAL),
    "fundraising": ("money@tfc.example", Role.FUNDRAISING),
    "va_lead": ("va-lead@tfc.example", Role.STATE_LEAD),
}
VIEWS = [(page, viewer) for viewer, (_, role) in VIEWERS.items() for page in PAGES
         if page in PAGES_BY_ROLE[role]]  # fmt: skip
QUERIES = {
    "projects": {"project": PAYLOAD_PROJECT},
    "states": {"state": "VA", "chamber": "lower", "district": "13"},
}


@pytest.mark.parametrize(("page", "viewer"), VIEWS)
def test_payloads_render_as_text_on_every_page_for_every_role(run_app, payload_store, page, viewer):
    email = VIEWERS[viewer][0]
    at = run_app(
        url=payload_store,
        query=QUERIES.get(page),
        user=logged_in(email) if email else None,
        secrets=SECRETS if email else None,
    )
    if page != "progress":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    sources = markdown_sources(at)
    assert sources
    for source in sources:
        assert not active_markdown(source), f"{page} as {viewer}: {source[:300]!r}"


def test_the_payload_project_shows_its_id_and_name_as_text(run_app, payload_store):
    at = run_app(url=payload_store, query={"project": PAYLOAD_PROJECT})
    at.switch_page("pages/projects.py").run()
    assert not at.exception
    assert md_escape(PAYLOAD_PROJECT) in at.caption[0].value
    labels = [m.label for m in at.metric]
    assert md_escape(PAYLOAD) not in labels  # P3's metrics are texts_sent only
    at = run_app(url=payload_store, query={"project": "P2"})
    at.switch_page("pages/projects.py").run()
    assert md_escape(PAYLOAD) in [m.label for m in at.metric]


def test_a_payload_in_a_link_is_shown_as_text(run_app):
    at = run_app(
        query={"state": PAYLOAD, "as_of": "**b**[l](https://evil.example/x)", "cycle": PAYLOAD}
    )
    assert not at.exception
    notes = [w.value for w in at.warning if w.value.startswith("Ignored")]
    assert len(notes) == 3
    for body in notes:
        assert not active_markdown(body), body


def test_a_failed_sync_now_shows_the_tab_titles_as_text(
    run_app, fake_sheets, tmp_path, monkeypatch
):
    from tests.fake_sheets import small_workbook

    url = f"sqlite:///{tmp_path / 'tfc.db'}"
    monkeypatch.setenv("TFC_SHEETS_API_URL", fake_sheets.url)
    monkeypatch.setenv("TFC_SYNC_TTL_MINUTES", "60")
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    sync.sync_sheets(database.make_engine(url), reader_for(fake_sheets))  # fresh: no auto refresh
    tabs = small_workbook()
    tabs["[click](https://evil.example)"] = tabs.pop("Projects")  # a required tab renamed
    fake_sheets.spreadsheets.clear()
    fake_sheets.add(spreadsheet_from_rows(tabs))
    at = run_app(page="pages/data_health.py", url=url, secrets=gsheets_secrets(fake_sheets))
    at.button(key="sync_now").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    shown = md_escape("[click](https://evil.example)")
    assert any(shown in e and "no Projects tab" in e for e in errors), errors
    for source in markdown_sources(at):
        assert not active_markdown(source) and "](https://evil" not in source, source
