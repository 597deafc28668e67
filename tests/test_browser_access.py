"""Login in a real browser: with [auth] set, a shared link shows the login and nothing else."""

import pytest

from tests.app_server import start_app_server

pytestmark = pytest.mark.browser

SECRETS = """
[auth]
redirect_uri = "http://127.0.0.1:8501/oauth2callback"
cookie_secret = "a-long-random-cookie-secret-for-the-test"
client_id = "test-client.apps.googleusercontent.com"
client_secret = "CLIENT-SECRET-SENTINEL"
server_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"

[roles]
founders = ["founder@tfc.example"]
"""


def test_a_shared_link_asks_for_login_and_shows_nothing(page, demo_db_url, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(SECRETS)
    server = start_app_server(
        demo_db_url, tmp_path / "auth.log", args=["--secrets.files", str(secrets)]
    )
    try:
        # A fresh server's first request, straight to a project: the old pages/ folder mode
        # must not list or run the pages.
        page.goto(f"{server.url}/projects?project=P2018-00235")
        page.get_by_role("button", name="Log in with Google").wait_for()
        content = page.locator("[data-testid=stApp]").inner_text()
        assert "P2018-00235" not in content and "Silva" not in content
        assert page.locator("[data-testid=stSidebarNav]").count() == 0
        assert page.locator("[data-testid=stMetric]").count() == 0
        assert "CLIENT-SECRET-SENTINEL" not in page.content()
        assert page.get_by_text("Page not found").count() == 0  # no dialog over the login
    finally:
        server.stop()
