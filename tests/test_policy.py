import pandas as pd

from tfc_dash.figures.filters import Filters
from tfc_dash.figures.policy import (
    DIGEST_SECTIONS,
    LOCAL_VIEWER,
    AccessConfig,
    Role,
    Viewer,
    digest_recipients,
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


def test_each_role_gets_the_digest_sections_the_policy_gives_it():
    founder, money, lead = "ann@example.org", "fred@example.org", "val@example.org"
    access = AccessConfig(
        founders=frozenset({founder}),
        fundraising=frozenset({money, founder}),
        state_leads={lead: ("VA",)},
    )
    viewers = {v.email: v for v in digest_recipients(access)}
    assert sorted(viewers) == [founder, money, lead]
    assert viewers[founder].role is Role.FOUNDER  # the most open role wins
    assert "understaffed" in viewers[founder].digest_sections()
    assert viewers[money].digest_sections() == ("headline", "kit_charts", "crowdfunding")
    assert viewers[lead].digest_sections() == ("races", "targets", "understaffed")
    for viewer in viewers.values():
        for section in viewer.digest_sections():
            assert viewer.may_open(DIGEST_SECTIONS[section])  # never more than the pages
    assert Viewer(Role.NONE, "x@example.org").digest_sections() == ()
