"""Today, and the day and time conversions every module shares, from one place.

Every "today" the dashboard uses (the last day an as-of date may be, the cap on the default
as-of date, the export's range) comes from :func:`today`, so tests can set the clock by
monkeypatching it (``monkeypatch.setattr(clock, "today", lambda: date(2017, 11, 20))``). It is
the real calendar day in UTC: never the demo's fixed day, which is only where the demo's data stops.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd


def today() -> date:
    """Today's date (UTC)."""
    return datetime.now(UTC).date()


def as_day(value: Any) -> date:
    """A day from what a store returns: a date, a datetime (or pandas Timestamp) or ISO text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_day_or_none(value: Any) -> date | None:
    """:func:`as_day`, with None for a missing value (None, NaN, NaT)."""
    if value is None or value is pd.NaT or (not isinstance(value, date) and pd.isna(value)):
        return None
    return as_day(value)


def as_utc(value: Any) -> datetime | None:
    """An aware UTC datetime from a datetime (naive ones are UTC, as the store writes them), a
    date (its midnight) or ISO text; None stays None."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = (
            datetime.combine(value, datetime.min.time())
            if isinstance(value, date)
            else datetime.fromisoformat(str(value))
        )
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def week_of(day: date) -> date:
    """The Monday that starts ``day``'s week (the week a digest reports on)."""
    return day - timedelta(days=day.weekday())
