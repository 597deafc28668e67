"""Small formatting helpers shared by pages, charts and exports."""

from __future__ import annotations

from datetime import date


def day_label(day: date) -> str:
    """``6 Nov 2018``: no leading zero, the month spelled short."""
    return f"{day.day} {day:%b %Y}"
