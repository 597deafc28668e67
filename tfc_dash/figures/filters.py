"""The shared filters (cycle, states, categories, as-of date) and their validation.

The sidebar binds them to the URL's query parameters, so a copied link opens the same view. Values
that the data does not know (``?state=ZZ``) are dropped with a note for the page to show, never an
exception.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from tfc_dash.core.text import md_escape
from tfc_dash.store.models import CATEGORIES, CATEGORY_LABELS

# The 50 states, DC and the territories that hold elections, by USPS code.
STATE_NAMES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "DC": "District of Columbia", "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands",
    "AS": "American Samoa", "MP": "Northern Mariana Islands",
}  # fmt: skip
FIFTY_STATES: tuple[str, ...] = tuple(list(STATE_NAMES)[:50])


@dataclass(frozen=True)
class Filters:
    """What the viewer asked to see.

    ``states`` is None for "every state" and a tuple otherwise; an empty tuple means *no* state,
    which is what a state lead gets when asking for a state outside their own (see policy).
    """

    cycle: int | None = None
    states: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None

    @property
    def is_program_wide(self) -> bool:
        """True when neither states nor categories narrow the view (goals apply as set)."""
        return self.states is None and self.categories is None

    def describe(self) -> str:
        parts = [f"{self.cycle} cycle" if self.cycle else "all cycles"]
        if self.states is None:
            parts.append("all states")
        elif not self.states:
            parts.append("no states")
        else:
            parts.append(", ".join(self.states))
        if self.categories is None:
            parts.append("all categories")
        else:
            # Labels, not codes: "Email & analytics", not email_analytics.
            parts.append(", ".join(CATEGORY_LABELS.get(c, c) for c in self.categories))
        return " · ".join(parts)


def unknown_values(requested: Iterable[str], known: Sequence[str]) -> list[str]:
    """The requested values that are not among ``known`` (case-insensitive), in request order."""
    known_upper = {k.upper() for k in known}
    return [v for v in requested if v.upper() not in known_upper]


def note_unknown(param: str, values: Sequence[str], known: Sequence[str]) -> str | None:
    """A note for the page about query-parameter values that were ignored, or None."""
    bad = unknown_values(values, known)
    if not bad:
        return None
    shown = ", ".join(md_escape(repr(v)) for v in bad)
    return (
        f"Ignored {param}={shown} from the link: not a known {param}. "
        f"Known values: {', '.join(known) if known else 'none yet'}."
    )


def make_filters(
    cycle: int | str | None,
    states: Sequence[str] | None,
    categories: Sequence[str] | None,
) -> Filters:
    """Filters from widget values: an empty selection means "all"."""
    cycle_value: int | None
    try:
        cycle_value = int(cycle) if cycle not in (None, "", "all", "All cycles") else None
    except (TypeError, ValueError):
        cycle_value = None
    state_values = tuple(sorted({s.upper() for s in states})) if states else None
    category_values = tuple(c for c in CATEGORIES if c in set(categories)) if categories else None
    return Filters(cycle=cycle_value, states=state_values, categories=category_values)


@dataclass(frozen=True)
class LinkState:
    """The shared filters as a link carries them: codes, not labels (``?state=VA``)."""

    cycle: str
    states: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    as_of: date | None = None


def parse_link(
    params: dict[str, list[str]],
    cycles: Sequence[str],
    states: Sequence[str],
    first_day: date,
    last_day: date,
) -> tuple[LinkState, list[str]]:
    """The filters a link asks for, keeping the values the data knows, and notes on the rest.

    ``params`` maps each query parameter to its values as the URL gave them; ``cycles`` are the
    cycle options, the default first. An ``as_of`` may be any day from ``first_day`` (the first
    in the data) to ``last_day`` (today).
    """
    notes: list[str] = []

    def known_only(param: str, values: list[str], known: Sequence[str]) -> list[str]:
        values = [v.strip() for v in values if v.strip()]
        note = note_unknown(param, values, known)
        if note:
            notes.append(note)
        by_upper = {k.upper(): k for k in known}
        return list(dict.fromkeys(by_upper[v.upper()] for v in values if v.upper() in by_upper))

    cycle_values = known_only("cycle", params.get("cycle", [])[-1:], cycles)
    state_values = known_only("state", params.get("state", []), states)
    category_values = known_only("category", params.get("category", []), CATEGORIES)
    as_of: date | None = None
    for value in params.get("as_of", [])[-1:]:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            notes.append(
                f"Ignored as_of={md_escape(repr(value))} from the link: not a date "
                "(use YYYY-MM-DD)."
            )
            continue
        if first_day <= day <= last_day:
            as_of = day
        else:
            notes.append(
                f"Ignored as_of={md_escape(value)} from the link: pick a day from "
                f"{first_day:%Y-%m-%d} (the first in the data) to {last_day:%Y-%m-%d} (today)."
            )
    state = LinkState(
        cycle=cycle_values[0] if cycle_values else cycles[0],
        states=tuple(sorted(state_values)),
        categories=tuple(c for c in CATEGORIES if c in category_values),
        as_of=as_of,
    )
    return state, notes


def link_params(state: LinkState, default_cycle: str, default_day: date) -> dict[str, list[str]]:
    """The query parameters that reproduce ``state``; defaults (the default cycle, and the default
    as-of date ``default_day``) are left out to keep links short."""
    params: dict[str, list[str]] = {"cycle": [], "state": [], "category": [], "as_of": []}
    if state.cycle != default_cycle:
        params["cycle"] = [state.cycle]
    params["state"] = list(state.states)
    params["category"] = list(state.categories)
    if state.as_of is not None and state.as_of != default_day:
        params["as_of"] = [state.as_of.isoformat()]
    return params
