"""Who may see what. Every page, query result and download asks this module, and only this one.

Roles come from the ``[roles]`` section of the secrets when login (``[auth]``) is configured:

* **founders** see everything;
* **fundraising** sees aggregates and the fundraising kit: no volunteer names, emails or
  per-volunteer rows, anywhere, downloads included;
* **state leads**, each mapped to their states, see every page limited to their states;
* an email that is not listed sees a polite "no access" page and nothing else.

Without ``[auth]`` the app runs for a single local user with full access, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

import pandas as pd

from tfc_dash.figures.filters import STATE_NAMES, Filters

T = TypeVar("T")

# Columns that identify a volunteer. A frame leaving tfc_dash for a viewer without access to
# personal data has these removed by ``redact_personal``.
PERSONAL_COLUMNS: frozenset[str] = frozenset(
    {"name", "email", "volunteer_name", "volunteer_email", "volunteer"}
)
# A frame with one of these columns has one row per volunteer: the fundraising role gets none
# of its rows, even without names (a row per person is personal data by another name).
PER_VOLUNTEER_COLUMNS: frozenset[str] = frozenset({"volunteer_id"})
# A frame of spreadsheet rows (sync changes, quarantined cells) names its tab in ``tab``: rows of
# these tabs are rows about one volunteer, whatever their columns say.
PER_VOLUNTEER_TABS: frozenset[str] = frozenset({"Volunteers", "Assignments"})


class Role(StrEnum):
    LOCAL = "local"
    FOUNDER = "founder"
    FUNDRAISING = "fundraising"
    STATE_LEAD = "state_lead"
    NONE = "none"


# The pages each role may open (keys as in app.py's navigation).
ALL_PAGES: tuple[str, ...] = (
    "progress",
    "volunteers",
    "staffing",
    "projects",
    "states",
    "outcomes",
    "fundraising_kit",
    "data_health",
    "history",
    "glossary",
)
PAGES_BY_ROLE: dict[Role, frozenset[str]] = {
    Role.LOCAL: frozenset(ALL_PAGES),
    Role.FOUNDER: frozenset(ALL_PAGES),
    # Aggregates only: staffing lists volunteers to ask, the project explorer lists teams and the
    # data health page shows raw spreadsheet cells, so none of them is for fundraising.
    # History shows the figures they quote as each sync saw them; its rows of volunteers' tabs are
    # withheld (PER_VOLUNTEER_TABS).
    Role.FUNDRAISING: frozenset(
        {"progress", "volunteers", "states", "outcomes", "fundraising_kit", "history", "glossary"}
    ),
    # Sync runs, quarantined cells and the program-wide history are not limited to a state:
    # founders, ops and fundraising only.
    Role.STATE_LEAD: frozenset(ALL_PAGES) - {"data_health", "history"},
    Role.NONE: frozenset(),
}


# What each role's weekly digest holds, section by section, and the page each section comes from
# (its figures link there). A section is in a viewer's digest only when the role lists it here
# and the viewer may open its page: the digest can never show what the dashboard would not.
DIGEST_SECTIONS: dict[str, str] = {
    "pace": "progress",  # the goal, the projection sentence
    "changes": "progress",  # headline figures now, a week ago and four weeks ago
    "limits": "progress",  # what limits the pace: intake, staffing or completion (bottleneck)
    "understaffed": "staffing",  # understaffed projects and their open seats
    "quarantine": "data_health",  # rows waiting in the quarantine
    "sync_age": "data_health",  # the last sync's age
    "headline": "fundraising_kit",  # the kit's headline text
    "kit_charts": "fundraising_kit",  # the kit's charts, inline
    "crowdfunding": "fundraising_kit",  # the crowdfunding figures
    "races": "states",  # each chamber's races and results
    "targets": "states",  # targeted districts without a project, by winnability
}
DIGEST_BY_ROLE: dict[Role, tuple[str, ...]] = {
    Role.FOUNDER: ("pace", "changes", "limits", "understaffed", "quarantine", "sync_age"),
    Role.FUNDRAISING: ("headline", "kit_charts", "crowdfunding"),
    Role.STATE_LEAD: ("races", "targets", "understaffed"),
    Role.LOCAL: (),
    Role.NONE: (),
}


class AccessConfigError(Exception):
    """The ``[roles]`` section of the secrets is not as documented; the message says where."""


@dataclass(frozen=True)
class Viewer:
    role: Role
    email: str | None = None
    # None: every state; a tuple: only these states (state leads).
    states: tuple[str, ...] | None = None

    @property
    def can_see_personal_data(self) -> bool:
        return self.role in (Role.LOCAL, Role.FOUNDER, Role.STATE_LEAD)

    @property
    def has_access(self) -> bool:
        return self.role is not Role.NONE

    def may_open(self, page: str) -> bool:
        return page in PAGES_BY_ROLE[self.role]

    def digest_sections(self) -> tuple[str, ...]:
        """The sections of this viewer's weekly digest, in order (see DIGEST_BY_ROLE)."""
        return tuple(s for s in DIGEST_BY_ROLE[self.role] if self.may_open(DIGEST_SECTIONS[s]))

    def describe(self) -> str:
        if self.role is Role.LOCAL:
            return "Local use: full access (no login configured)"
        who = self.email or "unknown"
        if self.role is Role.STATE_LEAD:
            return f"{who} · state lead for {', '.join(self.states or ())}"
        label = {Role.FOUNDER: "co-founder", Role.FUNDRAISING: "fundraising"}.get(self.role, "")
        return f"{who} · {label or 'no access'}"


LOCAL_VIEWER = Viewer(role=Role.LOCAL)


@dataclass(frozen=True)
class AccessConfig:
    """The ``[roles]`` section: who is a founder, who fundraising, who leads which states."""

    founders: frozenset[str] = frozenset()
    fundraising: frozenset[str] = frozenset()
    state_leads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_secrets(cls, roles: Mapping[str, Any] | None) -> AccessConfig:
        """Read ``[roles]``; raise AccessConfigError naming the key that is wrong.

        ``founders`` and ``fundraising`` are lists of emails; ``[roles.state_leads]`` maps an
        email to a list of USPS state codes. Emails compare case-insensitively.
        """
        roles = roles or {}
        unknown = set(roles) - {"founders", "fundraising", "state_leads"}
        if unknown:
            raise AccessConfigError(
                f"[roles] has unknown keys: {', '.join(sorted(unknown))} (expected founders, "
                "fundraising, state_leads)."
            )
        founders = _emails(roles.get("founders", []), "roles.founders")
        fundraising = _emails(roles.get("fundraising", []), "roles.fundraising")
        leads_raw = roles.get("state_leads", {})
        if not isinstance(leads_raw, Mapping):
            raise AccessConfigError("[roles.state_leads] must map emails to lists of states.")
        leads: dict[str, tuple[str, ...]] = {}
        for email, states in leads_raw.items():
            where = f"roles.state_leads.{email!r}"
            if isinstance(states, str):
                states = [states]
            if not isinstance(states, list) or not states:
                raise AccessConfigError(f"{where} must be a non-empty list of state codes.")
            codes = tuple(sorted({str(s).strip().upper() for s in states}))
            bad = [c for c in codes if c not in STATE_NAMES]
            if bad:
                raise AccessConfigError(f"{where} has unknown state codes: {', '.join(bad)}.")
            leads[email.strip().lower()] = codes
        return cls(founders, fundraising, leads)


def _emails(value: Any, where: str) -> frozenset[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AccessConfigError(f"{where} must be a list of emails.")
    return frozenset(v.strip().lower() for v in value if v.strip())


def viewer_for(email: str | None, config: AccessConfig) -> Viewer:
    """The viewer an authenticated ``email`` is; the most open role wins when listed twice."""
    key = (email or "").strip().lower()
    if not key:
        return Viewer(Role.NONE, email)
    if key in config.founders:
        return Viewer(Role.FOUNDER, email)
    if key in config.state_leads:
        return Viewer(Role.STATE_LEAD, email, config.state_leads[key])
    if key in config.fundraising:
        return Viewer(Role.FUNDRAISING, email)
    return Viewer(Role.NONE, email)


def digest_recipients(config: AccessConfig) -> list[Viewer]:
    """Everyone listed in ``[roles]``, once each, as the viewer they log in as (the most open
    role wins for an email listed twice), sorted by email."""
    emails = set(config.founders) | set(config.fundraising) | set(config.state_leads)
    return [viewer_for(email, config) for email in sorted(emails)]


def scope_filters(filters: Filters, viewer: Viewer) -> Filters:
    """The filters narrowed to what the viewer may see.

    A state lead who asks for no state gets their states; one who asks for another state gets the
    empty selection, which queries answer with no rows.
    """
    if viewer.states is None:
        return filters
    allowed = set(viewer.states)
    if filters.states is None:
        states = tuple(sorted(allowed))
    else:
        states = tuple(s for s in filters.states if s in allowed)
    return Filters(cycle=filters.cycle, states=states, categories=filters.categories)


def visible_states(states: list[str], viewer: Viewer) -> list[str]:
    """The state options the viewer may pick from."""
    if viewer.states is None:
        return states
    return [s for s in states if s in viewer.states]


def redact_personal(frame: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """``frame`` without what identifies a volunteer, unless the viewer may see it.

    Personal columns go; a frame with a row per volunteer keeps its columns but loses its rows;
    a frame of spreadsheet rows loses those of the volunteers' tabs.
    """
    if viewer.can_see_personal_data:
        return frame
    kept = frame.drop(columns=[c for c in frame.columns if c in PERSONAL_COLUMNS])
    if PER_VOLUNTEER_COLUMNS & set(frame.columns):
        return kept.iloc[0:0]
    if "tab" in kept.columns:
        return kept[~kept["tab"].isin(PER_VOLUNTEER_TABS)].reset_index(drop=True)
    return kept


def limit_states(frame: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """Rows of ``frame`` in the viewer's states, when it has a ``state`` column."""
    if viewer.states is None or "state" not in frame.columns:
        return frame
    return frame[frame["state"].isin(viewer.states)].reset_index(drop=True)


def enforce(result: T, viewer: Viewer) -> T:
    """The gate every query result passes on its way to a page or a download.

    DataFrames lose what the viewer may not see (personal data, other states' rows); other
    results pass as they are (queries already take scoped filters).
    """
    if isinstance(result, pd.DataFrame):
        # isinstance narrows result to a DataFrame, not T to DataFrame: T is DataFrame here.
        return limit_states(redact_personal(result, viewer), viewer)  # type: ignore[return-value]
    return result
