"""The reader on real gspread against the fake API: settings, two requests, and every fault."""

from __future__ import annotations

import pytest

from tests.fake_sheets import (
    SPREADSHEET_KEY,
    FakeSpreadsheet,
    FakeTab,
    reader_for,
    small_workbook,
    spreadsheet_from_rows,
)
from tfc_dash.ingest import sheets, sheets_api


@pytest.fixture
def fake(fake_sheets):
    fake_sheets.add(spreadsheet_from_rows(small_workbook()))
    return fake_sheets


def test_settings_take_streamlits_gsheets_keys_and_a_url_or_a_key():
    section = {
        "spreadsheet": f"https://docs.google.com/spreadsheets/d/{SPREADSHEET_KEY}/edit#gid=0",
        "type": "service_account", "project_id": "p", "private_key_id": "k",
        "private_key": "-----BEGIN PRIVATE KEY-----\n...",
        "client_email": "a@p.iam.gserviceaccount.com",
        "client_id": "1", "token_uri": "https://oauth2.googleapis.com/token",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
    }  # fmt: skip
    settings = sheets.settings_from_secrets(section, env={})
    assert settings.spreadsheet_id == SPREADSHEET_KEY
    assert settings.api_url == sheets_api.GOOGLE_SHEETS_API
    assert settings.client_email == "a@p.iam.gserviceaccount.com"
    assert "spreadsheet" not in settings.service_account
    env = {"TFC_SHEETS_API_URL": "http://127.0.0.1:9/"}
    bare = sheets.settings_from_secrets({**section, "spreadsheet": SPREADSHEET_KEY}, env=env)
    assert bare.spreadsheet_id == SPREADSHEET_KEY and bare.api_url == "http://127.0.0.1:9"


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (None, "No spreadsheet is configured"),
        ({"client_email": "x"}, "has no spreadsheet"),
        ({"spreadsheet": SPREADSHEET_KEY}, "lacks the service account's private_key"),
        ({"spreadsheet": "my sheet", "private_key": "k", "client_email": "e", "token_uri": "t"},
         "neither a Google Sheets URL nor a spreadsheet key"),
        ({"spreadsheet": SPREADSHEET_KEY, "private_key": "k", "client_email": "e",
          "token_uri": "t", "type": "authorized_user"}, "service_account"),
    ],
)  # fmt: skip
def test_incomplete_settings_say_what_is_missing(section, message):
    with pytest.raises(sheets_api.SheetsConfigError, match=message):
        sheets.settings_from_secrets(section, env={})


def test_a_garbled_private_key_is_a_config_error(fake):
    account = fake.service_account()
    account["private_key"] = "not a key"
    with pytest.raises(sheets_api.SheetsConfigError, match="cannot be used"):
        reader_for(fake, account=account).read()


def test_read_is_two_requests_whatever_the_number_of_tabs(fake):
    many = {f"Tab {i}": [["a"], [i]] for i in range(30)}
    fake.add(spreadsheet_from_rows(many, key="1" + "m" * 43))
    workbook = reader_for(fake, key="1" + "m" * 43).read()
    assert workbook.requests == 2 and len(fake.api_requests()) == 2
    assert [t.values for t in workbook.tabs[:2]] == [[["a"], [0]], [["a"], [1]]]
    assert len(fake.log) == 3  # plus one sign-in at the token endpoint


def test_titles_that_need_quoting_are_read(fake):
    fake.add(FakeSpreadsheet("1" + "q" * 43, "q", [FakeTab("Ops' Projects 2018", 7, [["x"], [1]])]))
    workbook = reader_for(fake, key="1" + "q" * 43).read()
    assert workbook.tabs[0].values == [["x"], [1]] and workbook.tabs[0].sheet_id == 7


@pytest.mark.parametrize(
    ("status", "message"),
    [(403, "refused access to the spreadsheet"), (404, "cannot find the spreadsheet")],
)
def test_403_and_404_say_to_share_with_the_service_account(fake, status, message):
    account = fake.service_account("reader@tfc.iam.gserviceaccount.com")
    if status == 403:
        fake.spreadsheets[SPREADSHEET_KEY].shared_with = {"someone@else.org"}
        key = SPREADSHEET_KEY
    else:
        key = "1" + "n" * 43
    with pytest.raises(sheets_api.SheetsAccessError, match=message) as err:
        reader_for(fake, key=key, account=account).read()
    assert "reader@tfc.iam.gserviceaccount.com" in str(err.value)
    assert "not shared with the service account" in err.value.message
    assert "Share" in err.value.hint
    assert len(fake.api_requests()) == 1  # not retried: it will not get better


def test_429_honours_retry_after(fake):
    fake.fail("status", status=429, retry_after="7", match="values:batchGet")
    sleeps: list[float] = []
    workbook = reader_for(fake, sleeps=sleeps).read()
    assert sleeps == [7.0]
    assert workbook.requests == 3 and len(workbook.tabs) == 7


def test_429_with_an_unreasonable_retry_after_gives_up_at_once(fake):
    fake.fail("status", status=429, retry_after="3600")
    sleeps: list[float] = []
    with pytest.raises(sheets_api.SheetsUnavailable, match="wait 3600 s"):
        reader_for(fake, sleeps=sleeps).read()
    assert sleeps == []


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_retried_with_exponential_backoff(fake, status):
    fake.fail("status", times=2, status=status)
    sleeps: list[float] = []
    workbook = reader_for(fake, attempts=4, sleeps=sleeps).read()
    # rng is pinned to 0.5: each delay is 0.75 of base * 2**attempt
    assert sleeps == [0.75, 1.5]
    assert workbook.requests == 4


def test_5xx_retries_are_bounded(fake):
    fake.fail("status", times=10, status=503)
    sleeps: list[float] = []
    with pytest.raises(sheets_api.SheetsUnavailable, match="HTTP 503 after 3 attempts") as err:
        reader_for(fake, attempts=3, sleeps=sleeps).read()
    assert len(sleeps) == 2 and err.value.requests == 3
    assert len(fake.api_requests()) == 3


def test_backoff_is_capped_and_jittered():
    policy = sheets_api.RetryPolicy(base=1, cap=30)
    assert policy.delay(10, lambda: 1.0) == 30
    assert policy.delay(10, lambda: 0.0) == 15
    assert 2 <= policy.delay(2, lambda: 0.3) <= 4


def test_a_timeout_is_retried(fake):
    fake.fail("stall", seconds=1.5, match="values:batchGet")
    sleeps: list[float] = []
    workbook = reader_for(fake, timeout=0.5, sleeps=sleeps).read()
    assert len(sleeps) == 1 and len(workbook.tabs) == 7


def test_timeouts_are_bounded(fake):
    fake.fail("stall", times=3, seconds=1.0)
    with pytest.raises(sheets_api.SheetsUnavailable, match=r"did not answer within 0\.3 s"):
        reader_for(fake, attempts=2, timeout=0.3).read()


def test_a_dropped_connection_is_retried(fake):
    fake.fail("drop", match="values:batchGet")
    workbook = reader_for(fake).read()
    assert workbook.requests == 3


def test_connection_refused_is_unavailable(fake):
    reader = reader_for(fake, attempts=2)
    object.__setattr__(reader.settings, "api_url", "http://127.0.0.1:9")
    with pytest.raises(sheets_api.SheetsUnavailable, match="Could not reach Google Sheets"):
        reader.read()


def test_a_malformed_body_fails_cleanly(fake):
    fake.fail("malformed", match="values:batchGet")
    with pytest.raises(
        sheets_api.SheetsResponseError, match="malformed answer to the values:batchGet"
    ):
        reader_for(fake).read()


def test_a_truncated_body_is_retried_then_fails_cleanly(fake):
    fake.fail("truncated", times=3, match="values:batchGet")
    with pytest.raises(sheets_api.SheetsUnavailable):
        reader_for(fake, attempts=3).read()
    fake.fail("truncated", match="values:batchGet")
    assert len(reader_for(fake).read().tabs) == 7


def test_a_wrong_shape_fails_cleanly(fake):
    fake.fail("status", status=200, body={"spreadsheetId": "x", "valueRanges": []},
              match="values:batchGet")  # fmt: skip
    with pytest.raises(sheets_api.SheetsResponseError, match="one value range per tab"):
        reader_for(fake).read()
    fake.fail("status", status=200, body={"spreadsheetId": "x"}, match="includeGridData")
    with pytest.raises(sheets_api.SheetsResponseError, match="without its tabs"):
        reader_for(fake).read()
