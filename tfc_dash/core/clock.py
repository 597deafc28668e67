"""Today, from one place.

Every "today" the dashboard uses (the last day an as-of date may be, the cap on the default
as-of date, the export's range) comes from :func:`today`, so tests can set the clock by
monkeypatching it (``monkeypatch.setattr(clock, "today", lambda: date(2017, 11, 20))``). It is
the real calendar day in UTC: never the demo's fixed day, which is only where the demo's data stops.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def today() -> date:
    """Today's date (UTC)."""
    return datetime.now(UTC).date()
