"""The fake Sheets server answers exactly as the real API did in recorded responses."""

from __future__ import annotations

import json
import urllib.parse
from datetime import date
from pathlib import Path

import pytest
from gspread.exceptions import APIError

from tests.fake_sheets import FakeSheetsServer, FakeSpreadsheet, FakeTab, Formula
from tfc_dash.ingest import sheets, sheets_api

# Recorded by the gspread project (see data/README.md for provenance).
SAMPLES_PATH = Path(__file__).resolve().parent / "data" / "sheets_api_samples.json"
SAMPLES = json.loads(SAMPLES_PATH.read_text())["samples"]


def sample(name: str, uri_part: str = "") -> dict:
    found = [s for s in SAMPLES if s["from"].endswith(name) and uri_part in s["uri"]]
    assert len(found) == 1, (name, uri_part, [s["uri"] for s in found])
    return found[0]


def key_of(uri: str) -> str:
    return urllib.parse.urlsplit(uri).path.split("/")[3].split(":")[0]


RENDER_SHEET = [
    [Formula("=4/2", 2), date(2020, 1, 1), "string", 53],
    [Formula("=3/2", 1.5), 0.12, date(1999, 1, 2)],
]


def recorded_world(fake: FakeSheetsServer, email: str) -> None:
    """Spreadsheets holding what the recorded test cassettes had."""
    meta = sample("test_access_non_existing_spreadsheet", "1ieRgnZ")
    fake.add(
        FakeSpreadsheet(
            key_of(meta["uri"]), meta["body"]["properties"]["title"], [FakeTab("Sheet1", 0, [])]
        )
    )
    private = sample("test_access_private_spreadsheet")
    fake.add(
        FakeSpreadsheet(
            key_of(private["uri"]),
            "Private",
            [FakeTab("Sheet1", 0, [])],
            shared_with={"someone-else@example.org"},
        )
    )
    batch = sample("test_values_batch_get")
    fake.add(
        FakeSpreadsheet(
            key_of(batch["uri"]),
            "Batch",
            [
                FakeTab(
                    "🌵 test_values_batch_get 1",
                    0,
                    [["🍇", "🍉", "🍋"], ["🍐", "🍎", "🍓"]],
                    rows=10,
                    cols=26,
                )
            ],
        )
    )
    for name in (
        "test_get_all_records_value_render_options",
        "test_get_all_values_date_time_render_options",
    ):
        s = next(x for x in SAMPLES if x["from"].endswith(name))
        fake.add(
            FakeSpreadsheet(
                key_of(s["uri"]), name, [FakeTab("Sheet1", 0, RENDER_SHEET, rows=2, cols=4)]
            )
        )
    blank = sample("test_get_all_records_with_all_values_blank")
    fake.add(
        FakeSpreadsheet(
            key_of(blank["uri"]),
            "blank",
            [FakeTab("Sheet1", 0, [["a", "b", "c", "d"]], rows=4, cols=4)],
        )
    )
    some = sample("test_get_all_records_with_some_values_blank")
    fake.add(
        FakeSpreadsheet(
            key_of(some["uri"]),
            "some",
            [FakeTab("Sheet1", 0, [["a", "b", "c", "d"], ["x", "y", "z", ""]], rows=6, cols=4)],
        )
    )


@pytest.fixture(scope="module")
def world():
    with FakeSheetsServer() as fake:
        account = fake.service_account()
        recorded_world(fake, account["client_email"])
        settings = sheets.SheetsSettings(
            "unused", account, api_url=fake.url, retry=sheets_api.RetryPolicy(attempts=1)
        )
        yield fake, sheets.SheetsReader(settings)._client()


@pytest.mark.parametrize(
    "index",
    [
        i
        for i, s in enumerate(SAMPLES)
        if "test_get_all_records_value_render_options" not in s["from"]
        or not s["uri"].endswith("A1%3AD2")
    ],
    ids=lambda i: f"{SAMPLES[i]['from'].split('.')[-1]}:{SAMPLES[i]['uri'][-40:]}",
)
def test_fake_answers_like_the_recording(world, index: int):
    _fake, http = world
    s = SAMPLES[index]
    try:
        response = http.request(s["method"].lower(), s["uri"])
        status, body = response.status_code, response.json()
    except APIError as exc:
        status, body = exc.response.status_code, exc.response.json()
    assert status == s["status"]
    expected = s["body"]
    if "sheets" in expected:  # metadata: the parts a reader uses (not the theme and formats)
        assert body["spreadsheetId"] == expected["spreadsheetId"]
        assert body["sheets"] == expected["sheets"]
        assert body["spreadsheetUrl"] == expected["spreadsheetUrl"]
        for k in ("title", "locale", "autoRecalc", "timeZone"):
            assert body["properties"][k] == expected["properties"][k]
    else:
        assert body == expected


def test_an_empty_range_has_no_values_key(world):
    """The recorded A1:D2 read of a sheet that was still empty: no ``values`` at all."""
    fake, http = world
    s = sample("test_get_all_records_value_render_options", "A1%3AD2")
    fake.add(FakeSpreadsheet(key_of(s["uri"]), "empty", [FakeTab("Sheet1", 0, [], rows=2, cols=4)]))
    assert http.request("get", s["uri"]).json() == s["body"]
    assert "values" not in s["body"]


def test_serial_dates_under_unformatted_value_are_days_since_1899_12_30():
    s = sample(
        "test_get_all_values_date_time_render_options",
        "UNFORMATTED_VALUE&dateTimeRenderOption=SERIAL_NUMBER",
    )
    from tfc_dash.ingest.parsing import as_date

    assert as_date(s["body"]["values"][0][1]) == date(2020, 1, 1)
    assert as_date(s["body"]["values"][1][2]) == date(1999, 1, 2)


def test_token_endpoint_rejects_a_jwt_signed_with_another_key():
    with FakeSheetsServer() as fake:
        account = fake.service_account()
        other = fake.service_account("other@x.iam.gserviceaccount.com", key_slot=1)
        fake.public_keys[account["client_email"]] = fake.public_keys[other["client_email"]]
        account["private_key"] = fake.service_account(key_slot=0)["private_key"]
        fake.public_keys[account["client_email"]] = fake.public_keys[
            other["client_email"]
        ]  # signed by a key the server does not hold
        fake.add(FakeSpreadsheet("k" * 44, "t", [FakeTab("Sheet1", 0, [["a"]])]))
        settings = sheets.SheetsSettings(
            "k" * 44, account, api_url=fake.url, retry=sheets_api.RetryPolicy(attempts=1)
        )
        with pytest.raises(sheets_api.SheetsAccessError, match="Could not sign in"):
            sheets.SheetsReader(settings).read()
        assert fake.api_requests() == []
