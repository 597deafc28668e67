"""Login for real, and hostile data in the browser, on one server with one store.

The store is filled through the real paths with the payloads of tests/payloads.py (a sync from the
fake Sheets API over HTTP, then a CSV import). The app runs with an ``[auth]`` section pointing at
an OpenID Connect provider on 127.0.0.1 (oidc-provider-mock), as a deployer would write it. Each
role signs in through ``st.login`` (redirect, the provider's form, the callback, the cookie), sees
the pages it is routed to, opens every one of them, and logs out. On every page: no link, image,
formatting or script from the data in the DOM, no request to any host but the app's, and, in
everything the server sent, the personal data the role may see and none it may not.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

import pytest

from tests.app_server import free_port, start_app_server
from tests.browser_helpers import log_in, log_out, wait_for_script
from tests.payloads import EVIL, PAYLOAD_PROJECT, build_payload_store

pytestmark = pytest.mark.browser

ROLES_TOML = """
[roles]
founders = ["founder@tfc.example"]
fundraising = ["money@tfc.example"]

[roles.state_leads]
"va-lead@tfc.example" = ["VA"]
"""
PAGE_TITLES = {
    "Progress": "",
    "Volunteers": "volunteers",
    "Staffing": "staffing",
    "Projects": "projects",
    "States": "states?state=VA&chamber=lower&district=13",
    "Outcomes": "outcomes",
    "Fundraising kit": "fundraising_kit",
    "Data health": "data_health",
    "History": "history",
    "Glossary": "glossary",
}
ALL = list(PAGE_TITLES)
# Markers in what the server sends: a volunteer's ID and email (personal data: the team of the
# payload project lists V000001), and the payload project's ID (a Pennsylvania project: not for
# the Virginia lead).
EMAIL = "cy@example.org"
PA_PROJECT = PAYLOAD_PROJECT.encode()
ROLES = {
    "founder": ("founder@tfc.example", ALL, [b"V000001", PA_PROJECT], []),
    "fundraising": (
        "money@tfc.example",
        ["Progress", "Volunteers", "States", "Outcomes", "Fundraising kit", "Glossary", "History"],
        [],
        [EMAIL.encode(), b"di@example.org", b"V000001"],
    ),
    "va_lead": (
        "va-lead@tfc.example",
        [t for t in ALL if t not in ("Data health", "History")],
        [],
        [PA_PROJECT],
    ),
}


@pytest.fixture(scope="module")
def login_server(oidc_provider, tmp_path_factory):
    folder = tmp_path_factory.mktemp("login")
    url = build_payload_store(folder)
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    secrets = folder / "secrets.toml"
    secrets.write_text(oidc_provider.auth_secrets(app_url, ROLES_TOML))
    server = start_app_server(
        url, folder / "streamlit.log", args=["--secrets.files", str(secrets)], port=port
    )
    yield server
    server.stop()


@pytest.fixture
def watched(page):
    """The page, with every request it makes and every websocket frame it receives recorded."""
    requests: list[str] = []
    frames: list[bytes] = []
    dialogs: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived", lambda data: frames.append(data if isinstance(data, bytes) else b"")
        ),
    )
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return page, requests, frames, dialogs


def assert_text_only(page, where: str) -> None:
    """Nothing from the data became an element: the payload shows as its characters."""
    assert page.locator(f"[href*='{EVIL}'], [src*='{EVIL}']").count() == 0, where
    made = "img[alt='Streamlit logo'], .katex, [aria-label='home icon'], script[src*='evil']"
    assert page.locator(made).count() == 0, where
    formatted = page.locator("[data-testid=stMain] :is(strong, em, del, code, span[style])")
    assert formatted.filter(has_text=re.compile(r"^(bold|red|b|x)$")).count() == 0, where
    assert "😄" not in page.locator("body").inner_text(), where
    assert page.title() != "pwned", where


def visit(page, app_url: str, path: str) -> None:
    page.goto(f"{app_url}/{path}")
    page.locator("[data-testid=stMain] :is(h1, [data-testid=stAlert])").first.wait_for()
    wait_for_script(page)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_signs_in_sees_its_pages_as_text_and_logs_out(login_server, watched, role):
    page, requests, frames, dialogs = watched
    email, titles, seen, unseen = ROLES[role]
    app_url = login_server.url
    log_in(page, app_url, email)
    nav = page.locator("[data-testid=stSidebarNav] a")
    routed = [text.splitlines()[-1] for text in nav.all_inner_texts()]  # after the icon's name
    assert sorted(routed) == sorted(titles)
    sidebar = page.locator("[data-testid=stSidebar]").inner_text()
    assert email in sidebar.replace("\u2060", "")  # the word joiner keeps it from linking
    requests.clear()  # from here on, every request must go to the app

    paths = [PAGE_TITLES[t] for t in titles]
    if "Projects" in titles:  # the Virginia lead's one project; the Pennsylvania ones
        projects = ["P1"] if role == "va_lead" else [PAYLOAD_PROJECT, "P2"]
        paths += [f"projects?project={quote(p)}" for p in projects]
    for path in paths:
        visit(page, app_url, path)
        assert_text_only(page, f"{role} /{path}")
        if PAYLOAD_PROJECT in unquote(path):  # the project ID, as its characters
            caption = page.locator("[data-testid=stMain] [data-testid=stCaptionContainer]")
            assert "PX**b**[x](https:\u2060//evil.example/id)![p]" in caption.first.inner_text()

    foreign = [url for url in requests if not url.startswith((app_url, "data:", "blob:"))]
    assert foreign == [] and dialogs == []
    received = b"".join(frames)
    for marker in seen:
        assert marker in received, f"{role} should see {marker!r}"
    for marker in unseen:
        assert marker not in received, f"{role} must not see {marker!r}"

    log_out(page)
    visit_after = page.goto(f"{app_url}/projects")
    assert visit_after is not None
    page.get_by_role("button", name=re.compile("Log in")).wait_for()
    assert page.locator("[data-testid=stMetric]").count() == 0


def test_an_unknown_email_signs_in_and_sees_nothing(login_server, watched):
    page, _, frames, _ = watched
    log_in(page, login_server.url, "stranger@example.org")
    page.get_by_role("heading", name="No access yet").wait_for()
    assert "stranger@example.org" in page.locator("[data-testid=stMain]").inner_text()
    assert page.locator("[data-testid=stSidebarNav]").count() == 0
    page.goto(f"{login_server.url}/projects?project=P2")
    page.get_by_role("heading", name="No access yet").wait_for()
    wait_for_script(page)
    assert page.locator("[data-testid=stMetric]").count() == 0
    received = b"".join(frames)
    assert PA_PROJECT not in received and EMAIL.encode() not in received
    assert b"CLIENT-SECRET-SENTINEL" not in received
    assert page.get_by_text("Page not found").count() == 0  # the link's page answers, quietly
    log_out(page)
