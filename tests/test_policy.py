import pandas as pd

from tfc_dash.filters import Filters
from tfc_dash.policy import (
    LOCAL_VIEWER,
    Role,
    Viewer,
    enforce,
    redact_personal,
    scope_filters,
)

LEAD = Viewer(Role.STATE_LEAD, "lead@example.org", ("VA",))
FUNDRAISING = Viewer(Role.FUNDRAISING, "money@example.org")


def test_local_viewer_sees_everything():
    f = Filters(2018, ("PA",), None)
    assert scope_filters(f, LOCAL_VIEWER) == f
    frame = pd.DataFrame({"name": ["A"], "email": ["a@x"], "hours": [3]})
    assert list(redact_personal(frame, LOCAL_VIEWER).columns) == ["name", "email", "hours"]


def test_state_lead_is_limited_to_their_states():
    assert scope_filters(Filters(2018), LEAD).states == ("VA",)
    assert scope_filters(Filters(2018, ("PA", "VA")), LEAD).states == ("VA",)
    # Asking only for another state yields the empty selection, not "every state".
    assert scope_filters(Filters(2018, ("PA",)), LEAD).states == ()


def test_fundraising_never_gets_personal_columns():
    frame = pd.DataFrame(
        {"volunteer_name": ["A"], "email": ["a@x"], "name": ["A"], "skill": ["sql"]}
    )
    assert list(redact_personal(frame, FUNDRAISING).columns) == ["skill"]


def test_enforce_is_the_gate_for_frames():
    frame = pd.DataFrame({"state": ["VA", "PA"], "volunteer_name": ["A", "B"], "n": [1, 2]})
    assert enforce(frame, LOCAL_VIEWER).equals(frame)
    fundraising = enforce(frame, FUNDRAISING)
    assert list(fundraising.columns) == ["state", "n"] and len(fundraising) == 2
    lead = enforce(frame, LEAD)
    assert list(lead["state"]) == ["VA"]
    assert enforce({"campaigns": 3}, LEAD) == {"campaigns": 3}
