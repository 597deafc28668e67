"""Login and roles: who gets in, and what each role sees."""

import pytest

from tests.apptest_helpers import AUTH, ROLES, SECRETS, logged_in, page_text
from tests.dbtools import copy_sqlite_store
from tfc_dash.figures.policy import (
    AccessConfig,
    AccessConfigError,
    Role,
    Viewer,
    enforce,
    viewer_for,
)


class TestAccessConfig:
    def test_roles_are_read_case_insensitively(self):
        config = AccessConfig.from_secrets(ROLES)
        assert viewer_for("founder@tfc.example", config).role is Role.FOUNDER
        assert viewer_for("MONEY@tfc.example", config).role is Role.FUNDRAISING
        lead = viewer_for("pa-lead@tfc.example", config)
        assert lead.role is Role.STATE_LEAD and lead.states == ("OH", "PA")
        assert viewer_for("stranger@example.org", config).role is Role.NONE
        assert viewer_for(None, config).role is Role.NONE

    @pytest.mark.parametrize(
        ("roles", "fragment"),
        [
            ({"founder": ["a@b"]}, "unknown keys: founder"),
            ({"founders": "a@b", "fundraising": [3]}, "roles.fundraising must be a list"),
            ({"state_leads": {"x@y": ["ZZ"]}}, "unknown state codes: ZZ"),
            ({"state_leads": {"x@y": []}}, "non-empty list"),
            ({"state_leads": ["x@y"]}, "must map emails"),
        ],
    )
    def test_bad_roles_say_where(self, roles, fragment):
        with pytest.raises(AccessConfigError, match=fragment):
            AccessConfig.from_secrets(roles)

    def test_most_open_role_wins(self):
        config = AccessConfig.from_secrets(
            {"founders": ["a@x"], "fundraising": ["a@x"], "state_leads": {"a@x": ["VA"]}}
        )
        assert viewer_for("a@x", config).role is Role.FOUNDER


def test_fundraising_gets_no_per_volunteer_rows():
    import pandas as pd

    per_volunteer = pd.DataFrame({"volunteer_id": ["V1"], "skills": ["sql"], "hours": [3]})
    assert enforce(per_volunteer, Viewer(Role.FUNDRAISING)).empty
    assert len(enforce(per_volunteer, Viewer(Role.FOUNDER))) == 1


def test_without_auth_the_local_user_has_full_access(run_app):
    at = run_app()
    assert not at.exception
    assert "Local use: full access" in page_text(at)
    assert len(at.metric) == 6


def test_logged_out_user_sees_only_the_login(run_app):
    at = run_app(secrets=SECRETS, user={"is_logged_in": False})
    assert not at.exception
    assert at.button(key="login").label == "Log in with Google"
    assert not at.metric and not at.get("vega_lite_chart")
    assert "Demo data" not in page_text(at)


def test_unknown_email_sees_a_polite_no_access_page(run_app):
    at = run_app(secrets=SECRETS, user=logged_in("stranger@example.org"))
    assert not at.exception
    assert at.title[0].value == "No access yet"
    assert "stranger@example.org" in page_text(at)
    assert not at.metric and not at.get("vega_lite_chart") and not at.sidebar.multiselect


def test_misconfigured_roles_say_so_and_show_nothing(run_app):
    at = run_app(secrets={"auth": AUTH, "roles": {"founders": 3}}, user=logged_in("a@b"))
    assert not at.exception
    assert "Access is not configured correctly" in at.error[0].value
    assert not at.metric


def test_founder_sees_everything(run_app):
    at = run_app(secrets=SECRETS, user=logged_in("founder@tfc.example"))
    assert not at.exception
    assert len(at.metric) == 6
    assert "co-founder" in page_text(at)


def test_state_lead_is_held_to_their_states(run_app):
    at = run_app(secrets=SECRETS, user=logged_in("pa-lead@tfc.example"))
    assert not at.exception
    assert at.sidebar.multiselect(key="state").options == ["OH", "PA"]
    local = run_app(query={"state": ["OH", "PA"]})
    assert [m.value for m in at.metric] == [m.value for m in local.metric]
    everything = run_app()
    assert at.metric[0].value != everything.metric[0].value


def test_state_lead_cannot_reach_another_state_by_link(run_app):
    at = run_app(secrets=SECRETS, user=logged_in("va-lead@tfc.example"),
                 query={"state": "PA", "cycle": "2017"})  # fmt: skip
    assert not at.exception
    assert any("state='PA'" in w.value for w in at.warning)
    va_only = run_app(query={"state": "VA", "cycle": "2017"})
    assert at.metric[0].value == va_only.metric[0].value == "50"


def test_secrets_never_reach_the_page(run_app):
    for user in ({"is_logged_in": False}, logged_in("stranger@example.org"),
                 logged_in("founder@tfc.example")):  # fmt: skip
        at = run_app(secrets=SECRETS, user=user)
        shown = page_text(at)
        for secret in ("COOKIE-SECRET-SENTINEL", "CLIENT-SECRET-SENTINEL", "CLIENT-ID-SENTINEL"):
            assert secret not in shown


KEY_SENTINEL = "PRIVATEKEYSENTINEL"
BROKEN_SHEET = {
    "spreadsheet": "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
    "type": "service_account",
    "client_email": "dashboard@tfc-project.iam.gserviceaccount.com",
    "private_key_id": "KEYIDSENTINEL",
    "private_key": f"-----BEGIN PRIVATE KEY-----\n{KEY_SENTINEL}\n-----END PRIVATE KEY-----\n",
    "token_uri": "http://127.0.0.1:1/token",
    "api_url": "http://127.0.0.1:1",
}


def test_secrets_never_reach_a_page_or_a_log(run_app, caplog, monkeypatch, demo_db_url, tmp_path):
    import time

    from tfc_dash.ingest.sheets import SheetsSettings
    from tfc_dash.web import refresher

    assert KEY_SENTINEL not in repr(
        SheetsSettings("key", {"private_key": KEY_SENTINEL})
    )  # fmt: skip
    monkeypatch.setenv("TFC_SYNC_TTL_MINUTES", "1")
    secrets = {**SECRETS, "connections": {"gsheets": BROKEN_SHEET}}
    user = logged_in("founder@tfc.example")
    copy = tmp_path / "store.db"  # the failed sync is recorded: not in the shared demo store
    at = run_app(secrets=secrets, user=user, url=copy_sqlite_store(demo_db_url, copy))
    background = refresher.refresher()
    deadline = time.monotonic() + 20
    while background.running and time.monotonic() < deadline:  # the background sync fails
        time.sleep(0.1)
    at.run()
    at.switch_page("pages/data_health.py").run()
    shown = page_text(at) + str(at._tree)
    assert "could not be read" in shown or "not set up right" in shown  # the failure is told
    for secret in (KEY_SENTINEL, "KEYIDSENTINEL", "COOKIE-SECRET-SENTINEL",
                   "CLIENT-SECRET-SENTINEL"):  # fmt: skip
        assert secret not in shown
        assert secret not in caplog.text


def test_secrets_never_reach_the_cli_output(tmp_path, capsys, make_store):
    import tomllib  # noqa: F401  (the file below must be valid TOML)

    from tfc_dash.cli import main

    secrets = tmp_path / "secrets.toml"
    lines = ["[connections.gsheets]"]
    lines += [f"{k} = {v!r}".replace("'", '"') if "\n" not in str(v) else
              f'{k} = """{v}"""' for k, v in BROKEN_SHEET.items()]  # fmt: skip
    secrets.write_text("\n".join(lines) + "\n")
    assert main(["sync", "--db", make_store(), "--secrets", str(secrets)]) == 1
    out = capsys.readouterr()
    assert "error:" in out.err
    assert KEY_SENTINEL not in out.out + out.err and "KEYIDSENTINEL" not in out.out + out.err
