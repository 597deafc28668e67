"""Who may see what. Every page and download asks this module, and only this module.

The foundation knows one viewer, the local user with full access; roles from the secrets
(founders, fundraising, state leads) plug in here without the pages changing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

import pandas as pd

from tfc_dash.filters import Filters

T = TypeVar("T")

# Columns that identify a volunteer. A frame leaving tfc_dash for a viewer without access to
# personal data has these removed by ``redact_personal``.
PERSONAL_COLUMNS: frozenset[str] = frozenset(
    {"name", "email", "volunteer_name", "volunteer_email", "volunteer"}
)


class Role(StrEnum):
    LOCAL = "local"
    FOUNDER = "founder"
    FUNDRAISING = "fundraising"
    STATE_LEAD = "state_lead"
    NONE = "none"


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

    def describe(self) -> str:
        if self.role is Role.LOCAL:
            return "Local use: full access (no login configured)"
        who = self.email or "unknown"
        if self.role is Role.STATE_LEAD:
            return f"{who} · state lead for {', '.join(self.states or ())}"
        return f"{who} · {self.role.value.replace('_', ' ')}"


LOCAL_VIEWER = Viewer(role=Role.LOCAL)


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


def redact_personal(frame: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """``frame`` without the columns that identify a volunteer, unless the viewer may see them."""
    if viewer.can_see_personal_data:
        return frame
    return frame.drop(columns=[c for c in frame.columns if c in PERSONAL_COLUMNS])


def limit_states(frame: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """Rows of ``frame`` in the viewer's states, when it has a ``state`` column."""
    if viewer.states is None or "state" not in frame.columns:
        return frame
    return frame[frame["state"].isin(viewer.states)].reset_index(drop=True)


def enforce(result: T, viewer: Viewer) -> T:
    """The gate every query result passes on its way to a page or a download.

    DataFrames lose the personal columns the viewer may not see and the rows of states outside
    theirs; other results pass as they are (queries already take scoped filters).
    """
    if isinstance(result, pd.DataFrame):
        return limit_states(redact_personal(result, viewer), viewer)  # type: ignore[return-value]
    return result
