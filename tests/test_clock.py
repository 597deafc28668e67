"""The day and time conversions every module shares (tfc_dash.clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

from tfc_dash.core import clock

DAY = date(2018, 9, 14)


@pytest.mark.parametrize(
    "value", [DAY, datetime(2018, 9, 14, 23, 59), pd.Timestamp("2018-09-14"), "2018-09-14"]
)
def test_a_day_from_what_a_store_returns(value):
    assert clock.as_day(value) == DAY
    assert clock.as_day_or_none(value) == DAY
    assert type(clock.as_day(value)) is date


@pytest.mark.parametrize("value", [None, np.nan, pd.NaT, pd.NA])
def test_a_missing_day_is_none(value):
    assert clock.as_day_or_none(value) is None


def test_times_are_utc():
    assert clock.as_utc(None) is None
    assert clock.as_utc("2018-09-14T05:06:07") == datetime(2018, 9, 14, 5, 6, 7, tzinfo=UTC)
    assert clock.as_utc(DAY) == datetime(2018, 9, 14, tzinfo=UTC)
    east = datetime(2018, 9, 14, 5, tzinfo=timezone(timedelta(hours=2)))
    assert clock.as_utc(east) is east  # an aware time is kept as it is


def test_weeks_start_on_monday():
    assert clock.week_of(DAY) == date(2018, 9, 10)  # a Friday
    assert clock.week_of(date(2018, 9, 10)) == date(2018, 9, 10)
