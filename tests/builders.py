"""Rows for hand-built stores (``make_store``) and for frames handed to a function directly:
campaigns, projects, volunteers, assignments.

The defaults make a counted 2018 project of a pending Pennsylvania race; a test names what it is
about, and a module whose rows share other defaults binds them once with ``functools.partial``.
A key left at None is a cell left empty.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


def campaign(cid: str = "C1", state: str = "PA", chamber: str = "lower", cycle: int = 2018,
             district: str = "1", *, election: str | None = None, result: str | None = "pending",
             party: str | None = "D", held: str | None = None, share: float | None = None,
             candidate: str | None = None) -> dict[str, Any]:  # fmt: skip
    """A campaign; ``election`` (a date) sets the cycle, else election day is in ``cycle``."""
    election = election or f"{cycle}-11-06"
    return {"campaign_id": cid, "candidate": candidate or f"Candidate {cid}", "party": party,
            "state": state, "chamber": chamber, "district": district, "election_date": election,
            "cycle": int(election[:4]), "result": result, "vote_share": share,
            "seat_held_by": held}  # fmt: skip


def project(pid: str, cid: str = "C1", category: str = "engineering_data",
            status: str = "active", start: str | None = "2018-08-01",
            end: str | None = "2018-10-15", completed: str | None = None,
            needed: int | None = 4, name: str | None = None,
            removed: datetime | None = None) -> dict[str, Any]:  # fmt: skip
    return {"project_id": pid, "campaign_id": cid, "name": name or f"Project {pid}",
            "category": category, "status": status, "start_date": start, "end_date": end,
            "completed_date": completed, "volunteers_needed": needed,
            "removed_at": removed}  # fmt: skip


def volunteer(vid: str, signed: str | None = "2018-01-01", status: str | None = "active",
              hours: float | None = 10.0, home: str | None = "PA",
              skills: str | None = "python, sql") -> dict[str, Any]:  # fmt: skip
    return {"volunteer_id": vid, "name": f"Name {vid}", "email": f"{vid.lower()}@example.org",
            "home_state": home, "skills": skills, "hours_per_week": hours, "signed_up": signed,
            "status": status}  # fmt: skip


def assignment(pid: str, vid: str, start: str, end: str | None = None,
               hours: float | None = 5.0,
               role: str | None = "member") -> dict[str, Any]:  # fmt: skip
    return {"project_id": pid, "volunteer_id": vid, "start_date": start, "end_date": end,
            "hours_per_week": hours, "role": role}  # fmt: skip
